"""Course 4: the step-by-step values against the assignment's own loops (``course4_reference``)
and its printed numbers, and the digits CNN through the command line."""

from __future__ import annotations

import json

import numpy as np
import pytest
from course4_reference import conv_backward, conv_forward, pool_backward, pool_forward
from course4_reference import step_by_step_values as reference_values

from tinygrad_edu import cli
from tinygrad_edu.course import course4

ISSUE_KEYS = [
    "conv_single_step", "conv_forward_Z_mean", "conv_forward_Z_0_2_1", "conv_backward_dA_mean",
    "conv_backward_dW_mean", "conv_backward_db_mean", "pool_forward_max_s1_A_1_1",
    "pool_forward_avg_s1_A_1_1", "pool_forward_max_s2_A_0", "pool_forward_avg_s2_A_1",
    "pool_backward_dA_mean", "pool_backward_max_dA_prev_1_1", "pool_backward_avg_dA_prev_1_1",
]  # fmt: skip

# What the assignment's notebook prints (Convolution_model_Step_by_Step, course 4 week 1).
PRINTED = {
    "conv_single_step": -6.999089450680221,
    "conv_forward_Z_mean": 0.5511276474566768,
    "conv_forward_Z_0_2_1": [-2.17796037, 8.07171329, -0.5772704, 3.36286738, 4.48113645,
                             -2.89198428, 10.99288867, 3.03171932],
    "conv_backward_dA_mean": 1.45243777754,
    "conv_backward_dW_mean": 1.72699145831,
    "conv_backward_db_mean": 7.83923256462,
    "pool_forward_max_s1_A_1_1": [[1.96710175, 0.84616065, 1.27375593],
                                  [1.96710175, 0.84616065, 1.23616403],
                                  [1.62765075, 1.12141771, 1.2245077]],
    "pool_forward_avg_s1_A_1_1": [[0.44497696, -0.00261695, -0.31040307],
                                  [0.50811474, -0.23493734, -0.23961183],
                                  [0.11872677, 0.17255229, -0.22112197]],
    "pool_forward_max_s2_A_0": [[[1.74481176, 0.90159072, 1.65980218],
                                 [1.74481176, 1.6924546, 1.65980218]],
                                [[1.13162939, 1.51981682, 2.18557541],
                                 [1.13162939, 1.6924546, 2.18557541]]],
    "pool_forward_avg_s2_A_1": [[[-0.17313416, 0.32377198, -0.34317572],
                                 [0.02030094, 0.14141479, -0.01231585]],
                                [[0.42944926, 0.08446996, -0.27290905],
                                 [0.15077452, 0.28911175, 0.00123239]]],
    "pool_backward_dA_mean": 0.145713902729,
    "pool_backward_max_dA_prev_1_1": [[0.0, 0.0], [5.05844394, -1.68282702], [0.0, 0.0]],
    "pool_backward_avg_dA_prev_1_1": [[0.08485462, 0.2787552], [1.26461098, -0.25749373],
                                      [1.17975636, -0.53624893]],
}  # fmt: skip


def run_cli(capsys, *argv):
    code = cli.main(["course", *argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(scope="module")
def reference():
    return reference_values()


@pytest.fixture(scope="module")
def ours():
    return course4.conv_step_by_step().to_json()


def test_cli_json_gives_every_value_of_the_issue(capsys, reference):
    code, out, _ = run_cli(capsys, "conv-step-by-step", "--json")
    assert code == 0
    values = json.loads(out)
    assert values["model"] == "conv-step-by-step"
    assert set(ISSUE_KEYS) <= set(values)
    assert set(values) - {"model"} == set(reference)


def test_every_value_equals_the_courses_loops(ours, reference):
    for key, expected in reference.items():
        # the GEMM adds the 36 products of a window in another order than the loops: last bits
        np.testing.assert_allclose(ours[key], expected, rtol=1e-13, atol=1e-13, err_msg=key)
        assert np.shape(ours[key]) == np.shape(expected), key


def test_every_value_equals_what_the_assignment_prints(ours, reference):
    for key, printed in PRINTED.items():
        digits = 1e-8 if isinstance(printed, list) else 1e-11  # as many digits as printed
        np.testing.assert_allclose(ours[key], printed, rtol=0, atol=digits, err_msg=key)
        np.testing.assert_allclose(reference[key], printed, rtol=0, atol=digits, err_msg=key)


def test_shapes_as_the_assignment_prints_them(ours):
    assert ours["zero_pad_shape"] == [4, 9, 9, 2]
    assert ours["conv_forward_Z_shape"] == [2, 3, 4, 8]
    assert ours["pool_forward_max_s1_A_shape"] == [2, 3, 3, 3]
    assert ours["pool_forward_avg_s2_A_shape"] == [2, 2, 2, 3]


def test_cli_plot_of_a_run_without_costs_is_a_one_line_error(tmp_path, capsys):
    with pytest.raises(SystemExit) as stop:  # a usage error, before anything runs
        run_cli(capsys, "conv-step-by-step", "--plot", str(tmp_path / "c.png"))
    out, err = capsys.readouterr()
    assert stop.value.code == 2 and "no cost curve" in err and "Traceback" not in err
    assert out == "" and len(err.strip().splitlines()) == 1


def test_cli_prints_one_line_per_value(capsys):
    code, out, _ = run_cli(capsys, "conv-step-by-step")
    assert code == 0
    assert "conv_single_step = -6.999089450680221" in out
    assert "pool_backward_dA_mean = 0.14571390272918056" in out


@pytest.mark.parametrize("pad, stride, f", [(0, 1, 3), (1, 2, 2), (2, 3, 3), (2, 1, 1)])
def test_conv_backward_by_autograd_equals_the_courses_loops(pad, stride, f):
    rng = np.random.RandomState(pad * 10 + stride)
    A_prev, W, b = rng.randn(3, 6, 5, 2), rng.randn(f, f, 2, 4), rng.randn(1, 1, 1, 4)
    hparameters = {"pad": pad, "stride": stride}
    Z, cache = conv_forward(A_prev, W, b, hparameters)
    np.testing.assert_allclose(course4.conv_forward(A_prev, W, b, hparameters).data, Z, rtol=1e-12)
    dZ = rng.randn(*Z.shape)
    for ours, theirs in zip(
        course4.conv_backward(dZ, A_prev, W, b, hparameters), conv_backward(dZ, cache), strict=True
    ):
        np.testing.assert_allclose(ours, theirs, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("mode", ["max", "average"])
def test_pool_backward_by_autograd_equals_the_courses_loops(mode):
    rng = np.random.RandomState(3)
    A_prev = rng.randn(2, 7, 6, 3)
    hparameters = {"f": 3, "stride": 2}
    A, cache = pool_forward(A_prev, hparameters, mode)
    np.testing.assert_allclose(course4.pool_forward(A_prev, hparameters, mode).data, A)
    dA = rng.randn(*A.shape)
    np.testing.assert_allclose(
        course4.pool_backward(dA, A_prev, hparameters, mode),
        pool_backward(dA, cache, mode),
        rtol=1e-13,
        atol=1e-15,
    )


def test_pool_forward_rejects_an_unknown_mode():
    with pytest.raises(ValueError, match=r"mode 'max' or 'average', got 'mean'"):
        course4.pool_forward(np.zeros((1, 4, 4, 1)), {"f": 2, "stride": 2}, "mean")


# -------------------------------------------------------------------------------------------------
# The digits CNN
# -------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def digits_run():
    pytest.importorskip("sklearn")
    return course4.cnn_digits()


def test_cnn_digits_reaches_97_percent_on_its_seeded_test_split(digits_run):
    assert digits_run.test_accuracy >= 0.97
    assert digits_run.steps == 20 * 23  # 1,438 images in mini-batches of 64
    costs = list(digits_run.costs.values())
    assert len(costs) == 20 and costs[-1] < 0.1 * costs[0]


def test_cnn_digits_is_reproducible_from_its_seed(digits_run):
    again = course4.cnn_digits(num_iterations=30)
    np.testing.assert_array_equal(again.all_costs, digits_run.all_costs[:30])


def test_cnn_digits_cli_json_stops_after_iterations(capsys):
    pytest.importorskip("sklearn")
    code, out, _ = run_cli(capsys, "cnn-digits", "--iterations", "25", "--json")
    assert code == 0
    result = json.loads(out)
    assert result["model"] == "cnn-digits" and result["steps"] == 25
    assert list(result["costs"]) == ["0", "1"]  # an epoch has 23 steps
    assert 0 <= result["test_accuracy"] <= 1


def test_cnn_digits_trains_exactly_the_steps_asked_beyond_its_default_epochs(capsys):
    # --iterations counts mini-batch steps: more than num_epochs' worth trains more epochs (it
    # was silently capped at 20 epochs' steps). One mini-batch per epoch here: 22 steps = 22
    # epochs, two more than the default.
    pytest.importorskip("sklearn")
    result = course4.cnn_digits(num_iterations=22, minibatch_size=2000, print_cost=True)
    assert result.steps == 22 and len(result.all_costs) == 22
    assert list(result.costs) == list(range(22))
    assert "Cost after epoch 21:" in capsys.readouterr().out  # the last epoch is printed


def test_cnn_digits_without_scikit_learn_says_how_to_install_it(monkeypatch, capsys):
    import builtins

    real_import = builtins.__import__

    def no_sklearn(name, *args, **kwargs):
        if name.startswith("sklearn"):
            raise ImportError("No module named 'sklearn'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_sklearn)
    code, _, err = run_cli(capsys, "cnn-digits", "--iterations", "1")
    assert code == 1  # a missing package is a run-time error; 2 is for the command line
    assert 'pip install "tinygrad_edu[digits]"' in err


def test_load_digits_layouts_split_and_scaling():
    pytest.importorskip("sklearn")
    from tinygrad_edu import data

    nchw = data.load_digits()
    nhwc = data.load_digits(layout="NHWC", dtype=np.float32)
    assert nchw.train_x.shape == (1438, 1, 8, 8) and nchw.test_x.shape == (359, 1, 8, 8)
    assert nhwc.train_x.shape == (1438, 8, 8, 1) and nhwc.train_x.dtype == np.float32
    np.testing.assert_allclose(nhwc.train_x[..., 0], nchw.train_x[:, 0], rtol=1e-6)
    assert 0.0 <= nchw.train_x.min() and nchw.train_x.max() == 1.0  # pixels 0..16, divided by 16
    assert set(np.unique(nchw.train_y)) == set(range(10))
    other = data.load_digits(seed=2)
    assert not np.array_equal(other.test_y, nchw.test_y)  # the seed picks the split
    np.testing.assert_array_equal(data.load_digits().test_y, nchw.test_y)
    with pytest.raises(ValueError, match=r"layout 'NCHW' or 'NHWC'"):
        data.load_digits(layout="CHW")
    with pytest.raises(ValueError, match=r"test_fraction in \(0, 1\)"):
        data.load_digits(test_fraction=1.0)


def test_flattened_digits_are_the_same_split_for_linear_models():
    """Course 2's softmax example and course 4's CNN share one loader and one split."""
    pytest.importorskip("sklearn")
    from sklearn.datasets import load_digits as sklearn_digits

    from tinygrad_edu import data

    images = data.load_digits()
    X_train, y_train, X_test, y_test = data.load_digits(flatten=True)  # unpacks
    assert X_train.shape == (1438, 64) and X_test.shape == (359, 64)
    np.testing.assert_array_equal(X_train, images.train_x.reshape(1438, 64))
    np.testing.assert_array_equal(y_test, images.test_y)
    bunch = sklearn_digits()  # row by row, as scikit-learn's own flattened digits.data
    order = np.random.RandomState(1).permutation(1797)
    np.testing.assert_array_equal(X_test, bunch.data[order[:359]] / 16.0)
