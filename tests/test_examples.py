"""Every example in ``examples/`` runs (with few iterations) and shows what its docstring says.

Examples are scripts whose names start with a digit, so they are imported by path. The cat
and dinosaur examples skip without ``TINYGRAD_EDU_DATA``.
"""

import os
import re
import subprocess
import sys

import numpy as np
import pytest
from course_data import EXAMPLES, data_folder
from course_data import load_example as load

from tinygrad_edu.data import DATA_ENV_VAR

ALL = sorted(EXAMPLES.glob("[0-9][0-9]_*.py"))

needs_cats = pytest.mark.skipif(
    not os.environ.get(DATA_ENV_VAR),
    reason=f"set {DATA_ENV_VAR}=DIR (the folder holding the course's cat files)",
)


def test_examples_are_numbered_in_the_courses_order():
    assert [p.name for p in ALL] == [
        "01_housing_neuron.py",
        "02_computation_graph.py",
        "03_logistic_regression_cats.py",
        "04_vectorization.py",
        "05_broadcasting.py",
        "06_planar_one_hidden_layer.py",
        "07_zero_initialization.py",
        "08_deep_network_step_by_step.py",
        "09_cat_recognizer.py",
        "10_learning_rates.py",
        "11_batch_norm.py",
        "12_softmax_digits.py",
        "13_hyperparameter_search.py",
        "20_convolution_step_by_step.py",
        "21_cnn_digits.py",
        "22_residual_block.py",
        "30_rnn_step_by_step.py",
        "31_dinosaur_island.py",
        "32_dinosaur_transformer.py",
        "40_newton_logistic_regression.py",
    ]


@pytest.mark.parametrize("path", ALL, ids=[p.stem for p in ALL])
def test_each_example_says_how_to_run_it_and_what_to_look_for(path):
    module = load(path.stem[:2])
    assert f"python examples/{path.name}" in module.__doc__
    assert "What to look for" in module.__doc__
    assert callable(module.main)


def test_01_the_neuron_learns_and_never_predicts_a_negative_price(capsys):
    neuron = load("01").main(num_iterations=300)
    out = capsys.readouterr().out
    assert "a house of 100 sq ft: predicted $0" in out
    X = np.array([[0.6], [3.0]])
    assert np.all(np.diff(neuron(X).data[:, 0]) > 0)  # bigger houses cost more
    assert neuron[0].W.item() > 0


def test_02_graph_values_and_derivatives(capsys, tmp_path):
    grads = load("02").main()
    assert grads == {"a": 3.0, "b": 6.0, "c": 9.0, "u": 3.0, "v": 3.0}
    assert "u = bc = 6,  v = a + u = 11,  J = 3v = 33" in capsys.readouterr().out


def test_02_draws_the_graph_when_viz_is_available(tmp_path, capsys):
    pytest.importorskip("graphviz")
    load("02").main(tmp_path / "J.dot")  # DOT text needs no graphviz program
    dot = (tmp_path / "J.dot").read_text()
    # Each node's title line (bold, first) and gradient line (bold, red, last), by node id.
    titles = dict(re.findall(r"^\s*(n\d+) \[label=<<B>([^<]*)</B>", dot, flags=re.M))
    grads = dict(re.findall(r"^\s*(n\d+) \[label=<.*<B>(d\w+ = [^<]*)</B></FONT>>", dot, re.M))
    drawn = {titles[n]: grads.get(n) for n in titles}
    # the course's J = 3(a + bc), a=5, b=3, c=2: values and dJ/dx on the right nodes
    assert drawn == {
        "3": None,  # the constant: no gradient
        "a = 5": "da = 3",
        "b = 3": "db = 6",
        "c = 2": "dc = 9",
        "u = 6": "du = 3",
        "v = 11": "dv = 3",
        "J = 33": "dJ = 1",
    }
    edges = {(titles[x], titles[y]) for x, y in re.findall(r"^\s*(n\d+) -> (n\d+)", dot, re.M)}
    assert edges == {
        ("b = 3", "u = 6"),
        ("c = 2", "u = 6"),
        ("a = 5", "v = 11"),
        ("u = 6", "v = 11"),
        ("3", "J = 33"),
        ("v = 11", "J = 33"),
    }


def test_02_runs_as_a_script():
    env = dict(os.environ, PYTHONPATH=str(EXAMPLES.parent))
    done = subprocess.run(
        [sys.executable, str(EXAMPLES / "02_computation_graph.py")],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert "da = 3,  db = 6,  dc = 9" in done.stdout


@needs_cats
def test_03_logistic_regression_prints_the_courses_costs(capsys):
    result = load("03").main(num_iterations=101)
    out = capsys.readouterr().out
    assert "autograd's dw equals X (A - Y)^T / m: True" in out
    assert "Cost after iteration 0: 0.693147" in out
    assert "Cost after iteration 100: 0.584508" in out  # the course's printout
    assert 0 <= result["test_accuracy"] <= 100


def test_03_without_data_says_where_to_put_it(monkeypatch, capsys):
    monkeypatch.delenv(DATA_ENV_VAR, raising=False)
    assert load("03").main(num_iterations=1) is None
    assert "train_catvnoncat.h5" in capsys.readouterr().out


def test_04_loop_and_vectorized_agree():
    values = load("04").main(n=2000)
    assert values["loop"] == pytest.approx(values["numpy"], rel=1e-12)
    assert values["tensor"] == pytest.approx(values["numpy"], rel=1e-12)


def test_05_calories_percentages(capsys):
    table = load("05").main()
    calories = np.array(load("05").CALORIES)
    np.testing.assert_allclose(table, 100 * calories / calories.sum(axis=0), rtol=1e-14)
    out = capsys.readouterr().out
    assert "94.9" in out and "is zero: True" in out


def test_06_planar_matches_the_numpy_oracle(capsys):
    import course_reference as ref

    from tinygrad_edu.data import planar_flower

    accuracies = load("06").main(num_iterations=30)
    out = capsys.readouterr().out
    assert "Cost after iteration 0: 0.693048" in out  # the course's
    X, Y = planar_flower(seed=1)  # the course's layout, for the oracle
    hidden = ref.planar(X, Y, num_iterations=30)
    logistic = ref.logistic_regression(X, Y, None, None, num_iterations=30, learning_rate=1.2)
    assert f"Cost after iteration 29: {hidden['costs'][29]:.6f}" in out
    assert 100 * accuracies["hidden"] == pytest.approx(hidden["train_accuracy"], abs=1e-9)
    assert 100 * accuracies["logistic"] == pytest.approx(logistic["train_accuracy"], abs=1e-9)


def test_07_symmetric_starts_keep_hidden_units_identical():
    assert load("07").main(num_iterations=50) == {
        "zeros": True,
        "constant": True,
        "course_small": False,
    }


def test_08_autograd_equals_the_courses_backward_at_every_layer(capsys):
    assert load("08").main() is True
    out = capsys.readouterr().out
    assert "layer 1: W (4, 5), b (4, 1), Z (4, 10), A (4, 10) (relu)" in out


@needs_cats
def test_09_cat_recognizer(capsys):
    results = load("09").main(num_iterations=2)
    out = capsys.readouterr().out
    assert "Cost after iteration 0: 0.693050" in out  # the course's two-layer start
    assert "Cost after iteration 0: 0.771749" in out  # the course's four-layer start
    assert set(results) == {"two-layer", "four-layer"}


@needs_cats
def test_10_learning_rates_match_the_numpy_oracle(capsys):
    import course_reference as ref

    from tinygrad_edu.data import load_catvnoncat

    final = load("10").main(num_iterations=2)
    assert list(final) == [0.01, 0.001, 0.0001]
    out = capsys.readouterr().out
    cats = load_catvnoncat()  # the course's layout, for the oracle
    for lr, cost in final.items():
        oracle = ref.logistic_regression(cats.train_x, cats.train_y, cats.test_x, cats.test_y,
                                         num_iterations=2, learning_rate=lr)  # fmt: skip
        assert cost == pytest.approx(oracle["costs"][1], rel=1e-10), lr
        assert (
            f"learning rate {lr}: final cost {oracle['costs'][1]:.6f}, train accuracy "
            f"{oracle['train_accuracy']:.2f} %, test accuracy {oracle['test_accuracy']:.2f} %"
        ) in out


def test_11_batch_norm_makes_the_deep_network_learn(capsys):
    pytest.importorskip("sklearn")
    accuracies = load("11").main(num_epochs=15)
    out = capsys.readouterr().out
    assert "without batch norm: cost by epoch 0: 0.693" in out
    assert accuracies["without batch norm"] == 0.5  # stuck: the signal vanished
    assert accuracies["with batch norm"] > 0.85
    assert "Total params: 1,961" in out


def test_12_softmax_digits(capsys):
    pytest.importorskip("sklearn")
    accuracies = load("12").main(num_iterations=60, show_errors=1)
    out = capsys.readouterr().out
    assert "Cost after iteration 0: 2.603370" in out
    assert accuracies["test"] > 0.8
    assert "predicted" in out and "@" in out  # a wrong digit, drawn


def test_13_hyperparameter_search_in_processes_and_resumed(tmp_path, capsys):
    pytest.importorskip("sklearn")
    path = tmp_path / "sweep.jsonl"
    result = load("13").main(n_trials=3, num_epochs=5, path=path, n_jobs=2)
    assert [r["status"] for r in result.records] == ["ok"] * 3
    assert len(path.read_text().splitlines()) == 3
    capsys.readouterr()
    again = load("13").main(n_trials=3, num_epochs=5, path=path, n_jobs=2)
    assert "(1/3)" not in capsys.readouterr().out  # nothing trained the second time
    assert again.records == result.records


def test_20_convolution_step_by_step_prints_the_assignments_values(capsys):
    grads = load("20").main()
    out = capsys.readouterr().out
    assert "zero_pad: x (4, 3, 3, 2) -> x_pad (4, 9, 9, 2)" in out
    assert "conv_single_step: Z = -6.999089450680" in out
    assert "Z's mean = 0.551127647457" in out and "loops agree: True" in out
    assert "transposed back, equals NHWC: True" in out
    assert "dA_mean = 1.45243777754" in out and "db_mean = 7.83923256462" in out
    np.testing.assert_allclose(grads["max"][1, 1], [[0, 0], [5.05844394, -1.68282702], [0, 0]])


def test_21_cnn_digits_trains_and_draws(tmp_path, capsys):
    pytest.importorskip("sklearn")
    pytest.importorskip("matplotlib")
    pytest.importorskip("graphviz")
    result = load("21").main(num_epochs=1, out_dir=tmp_path)
    out = capsys.readouterr().out
    assert "Cost after epoch 0:" in out and result.steps == 23
    for name in ("filters.png", "feature_maps.png", "costs.png", "cnn_graph.dot"):
        assert (tmp_path / name).stat().st_size > 0, name
    assert "conv1: Conv2d" in (tmp_path / "cnn_graph.dot").read_text()


def test_22_identity_block_matches_loops_and_shortcuts_carry_the_identity(capsys):
    from op_cases_conv import np_conv2d

    A, results = load("22").main(depth=3)
    # The block by hand: all-ones filters (no bias), inference batch norm Z / sqrt(1 + 0.001).
    X = np.concatenate([np.full((1, 3, 4, 4), v) for v in (-1.0, 1.0, 3.0)])
    bn = lambda Z: Z / np.sqrt(1.001)  # noqa: E731
    conv = lambda Z, c_out, f, pad: np_conv2d(  # noqa: E731
        Z, np.ones((c_out, Z.shape[1], f, f)), np.zeros(c_out), (1, 1), pad, (1, 1), 1, "NCHW"
    )
    A1 = np.maximum(bn(conv(X, 4, 1, 0)), 0)
    A2 = np.maximum(bn(conv(A1, 4, 2, "same")), 0)
    expected = np.maximum(bn(conv(A2, 3, 1, 0)) + X, 0)
    np.testing.assert_allclose(A, expected, rtol=1e-12)
    assert results[True]["output equals the input"] and results[True]["dJ/dX equals dJ/dA"]
    assert results[False]["output all zeros"] and results[False]["dJ/dX all zeros"]
    assert "3 residual blocks, gamma3 = 0: output equals the input: True" in capsys.readouterr().out


# --- course 5 (Dinosaur Island's examples skip without dinos.txt) -------------------------------


@pytest.fixture(scope="module")
def dinos_dir():
    return data_folder("dinos")


def test_30_autograd_equals_the_courses_backward_for_the_rnn_and_the_lstm(capsys):
    same = load("30").main()
    assert len(same) == 15 and all(same.values()), same
    out = capsys.readouterr().out
    assert "a_next[4] = [ 0.59584544  0.18141802" in out
    assert 'gradients["dWax"][3][1] = 11.2641044965' in out


def test_31_prints_the_courses_start_and_samples_at_three_temperatures(dinos_dir, capsys):
    result, by_temperature = load("31").main(num_iterations=1, data_dir=dinos_dir)
    out = capsys.readouterr().out
    assert "Iteration: 0, Loss: 23.087336\n\nNkzxwtdmfqoeyhsqwasjkjvu" in out
    assert list(by_temperature) == [0.5, 1.0, 1.5]
    assert all(len(names) == 6 for names in by_temperature.values())


def test_32_transformer_learns_from_a_few_steps(dinos_dir, capsys):
    report = load("32").main(steps=30, data_dir=dinos_dir, print_every=10)
    assert abs(report["held_out_before"] - 3.2958) < 0.05  # log(27): uniform at first
    assert report["held_out_after"] < report["held_out_before"] - 0.5
    assert len(report["names"]) == 10
    assert "held-out loss" in capsys.readouterr().out


@pytest.mark.slow
def test_32_transformer_full_run_generalizes_and_invents_names(dinos_dir):
    report = load("32").main(data_dir=dinos_dir)
    assert report["held_out_after"] < 1.9  # nats per character on names never trained on
    assert sum(report["in_training_list"]) <= 5  # mostly new names, not copies
    assert sum(name.endswith(("saurus", "don", "ops", "tor", "titan", "us")) for name in
               report["names"]) >= 5  # fmt: skip
