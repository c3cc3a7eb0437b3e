"""Course 2's layers: Dropout, BatchNorm1d/2d (against torch with copied parameters), Softmax,
LogSoftmax, Flatten, buffers in state_dict, Module.to(dtype) and Module.summary."""

import numpy as np
import pytest

import tinygrad_edu as tg
from tinygrad_edu import nn
from tinygrad_edu.tensor import Tensor
from tinygrad_edu.testing import gradcheck

# --- Dropout -------------------------------------------------------------------------------------


def test_dropout_is_the_courses_inverted_dropout():
    A = np.random.default_rng(0).random((6, 5)) + 0.5
    drop = nn.Dropout(0.14, rng=np.random.RandomState(1), mask_layout="course")
    out = drop(Tensor(A))
    D = np.random.RandomState(1).rand(5, 6) < 0.86  # the course's (n, m) mask
    assert np.array_equal(drop.mask, D.T)
    assert np.array_equal(out.data, (A * D.T) / 0.86)  # A * D, then / keep_prob: bit for bit


def test_dropout_gradient_flows_through_kept_units_scaled():
    A = Tensor(np.ones((4, 8)), requires_grad=True)
    drop = nn.Dropout(0.5, rng=0)
    drop(A).sum().backward()
    assert np.array_equal(A.grad, drop.mask / 0.5)


def test_dropout_is_off_in_eval_mode_and_at_p_zero():
    A = Tensor(np.ones((3, 4)), requires_grad=True)
    drop = nn.Dropout(0.5, rng=0)
    assert drop.eval()(A) is A and drop.mask is None
    assert nn.Dropout(0.0)(A) is A


def test_dropout_keeps_the_expected_value_and_is_seedable():
    A = np.ones((200, 500))
    out = nn.Dropout(0.3, rng=np.random.default_rng(5))(A).data
    assert abs(out.mean() - 1.0) < 0.01  # inverted dropout: E[out] = A
    assert abs((out == 0).mean() - 0.3) < 0.01
    again = nn.Dropout(0.3, rng=np.random.default_rng(5))(A).data
    assert np.array_equal(out, again)
    np.random.seed(2)
    first = nn.Dropout(0.3)(A).data  # None: numpy's global generator, as the course
    np.random.seed(2)
    assert np.array_equal(first, nn.Dropout(0.3)(A).data)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"p": 1.5}, ValueError, r"p in \[0, 1\]"),
        ({"p": -0.1}, ValueError, "keep_prob = 0.86 is p = 0.14"),
        ({"p": 0.5, "mask_layout": "rows"}, ValueError, "mask_layout"),
        ({"p": 0.5, "rng": "seed"}, TypeError, "rng"),
    ],
)
def test_dropout_arguments_are_checked(kwargs, error, match):
    with pytest.raises(error, match=match):
        nn.Dropout(**kwargs)


# --- BatchNorm against torch ---------------------------------------------------------------------

BN_CASES = [
    ("1d", (8, 3), {}),
    ("1d", (6, 4, 5), {}),
    ("1d", (8, 3), {"momentum": None}),
    ("1d", (8, 3), {"eps": 1e-3, "momentum": 0.3}),
    ("1d", (8, 3), {"affine": False}),
    ("1d", (8, 3), {"track_running_stats": False}),
    ("2d", (4, 3, 5, 6), {}),
    ("2d", (2, 2, 3, 3), {"momentum": None, "affine": False}),
]


def _bn_pair(torch, kind, C, kwargs, rng):
    ours = (nn.BatchNorm1d if kind == "1d" else nn.BatchNorm2d)(C, **kwargs)
    theirs = (torch.nn.BatchNorm1d if kind == "1d" else torch.nn.BatchNorm2d)(C, **kwargs)
    theirs = theirs.double()
    if ours.affine:
        ours.gamma.data = rng.uniform(0.5, 1.5, C)
        ours.beta.data = rng.standard_normal(C)
        with torch.no_grad():
            theirs.weight.copy_(torch.tensor(ours.gamma.data))
            theirs.bias.copy_(torch.tensor(ours.beta.data))
    return ours, theirs


@pytest.mark.parametrize(("kind", "shape", "kwargs"), BN_CASES)
def test_batch_norm_matches_torch_in_training_and_evaluation(kind, shape, kwargs):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(0)
    ours, theirs = _bn_pair(torch, kind, shape[1], kwargs, rng)
    for step in range(3):  # three batches: the running statistics accumulate
        X = rng.normal(2.0, 3.0, shape)
        W = rng.standard_normal(shape)  # a random upstream gradient
        Xt = Tensor(X, requires_grad=True)
        out = ours(Xt)
        (out * W).sum().backward()
        Xq = torch.tensor(X, requires_grad=True)
        out_t = theirs(Xq)
        (out_t * torch.tensor(W)).sum().backward()
        np.testing.assert_allclose(out.data, out_t.detach().numpy(), rtol=1e-10, atol=1e-12)
        np.testing.assert_allclose(Xt.grad, Xq.grad.numpy(), rtol=1e-9, atol=1e-12)
        if ours.affine:
            np.testing.assert_allclose(ours.gamma.grad, theirs.weight.grad.numpy(), rtol=1e-9)
            np.testing.assert_allclose(ours.beta.grad, theirs.bias.grad.numpy(), rtol=1e-9)
            ours.gamma.grad = ours.beta.grad = None
            theirs.weight.grad = theirs.bias.grad = None
        if ours.track_running_stats:
            np.testing.assert_allclose(
                ours.running_mean.data, theirs.running_mean.numpy(), rtol=1e-12, atol=1e-15
            )
            np.testing.assert_allclose(
                ours.running_var.data, theirs.running_var.numpy(), rtol=1e-12
            )
            assert int(ours.num_batches_tracked.data) == int(theirs.num_batches_tracked) == step + 1
    ours.eval()
    theirs.eval()
    X = rng.normal(1.0, 2.0, shape)
    Xt = Tensor(X, requires_grad=True)
    Xq = torch.tensor(X, requires_grad=True)
    out, out_t = ours(Xt), theirs(Xq)
    np.testing.assert_allclose(out.data, out_t.detach().numpy(), rtol=1e-10, atol=1e-12)
    out.sum().backward()
    out_t.sum().backward()
    np.testing.assert_allclose(Xt.grad, Xq.grad.numpy(), rtol=1e-10, atol=1e-12)


def test_batch_norm_gradients_pass_central_differences():
    X = np.random.default_rng(1).normal(0, 2, (5, 3))
    bn = nn.BatchNorm1d(3)
    weights = np.random.default_rng(2).standard_normal((5, 3))
    gamma = np.array([0.5, 1.0, 2.0])
    beta = np.array([0.1, -0.2, 0.3])

    def f(X, gamma, beta):
        bn.gamma, bn.beta = gamma, beta  # the checked copies
        return (bn(X) * weights).sum()

    assert gradcheck(f, X, gamma, beta)


def test_batch_norm_keeps_float32():
    bn = nn.BatchNorm2d(2, dtype=np.float32)
    out = bn(
        Tensor(
            np.ones((2, 2, 3, 3), dtype=np.float32)
            * np.arange(2, dtype=np.float32)[:, None, None, None]
        )
    )
    assert out.dtype == np.float32
    assert bn.running_mean.dtype == bn.running_var.dtype == np.float32


def test_batch_norm_errors_teach():
    bn = nn.BatchNorm1d(3)
    with pytest.raises(
        ValueError,
        match=r"expected an input of shape \(m, C\) or \(m, C, L\) "
        r"with C = 3, got \(3, 5\). Examples in columns",
    ):
        bn(np.zeros((3, 5)))
    with pytest.raises(ValueError, match="more than 1 value per channel when training"):
        bn(np.zeros((1, 3)))
    bn.eval()(np.zeros((1, 3)))  # evaluation uses the running statistics: one example is fine
    with pytest.raises(ValueError, match=r"\(m, C, H, W\)"):
        nn.BatchNorm2d(3)(np.zeros((2, 3, 4)))


def test_buffers_are_saved_loaded_and_not_learned(tmp_path):
    model = nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4), nn.ReLU(), nn.Linear(4, 1))
    assert [name for name, _ in model.named_buffers()] == [
        "1.running_mean", "1.running_var", "1.num_batches_tracked",
    ]  # fmt: skip
    assert all(not isinstance(p, nn.Buffer) for p in model.parameters())
    assert list(model.state_dict()) == [
        "0.W", "0.b", "1.gamma", "1.beta", "1.running_mean", "1.running_var",
        "1.num_batches_tracked", "3.W", "3.b",
    ]  # fmt: skip
    model(np.random.default_rng(0).standard_normal((8, 3)))
    tg.save(model, tmp_path / "m.npz")
    twin = nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4), nn.ReLU(), nn.Linear(4, 1))
    twin.load_state_dict(tg.load(tmp_path / "m.npz"))
    assert np.array_equal(twin[1].running_mean.data, model[1].running_mean.data)
    assert int(twin[1].num_batches_tracked.data) == 1


# --- Softmax, LogSoftmax, Flatten ----------------------------------------------------------------


@pytest.mark.parametrize("axis", [0, 1, -1])
def test_softmax_modules_match_torch(axis):
    torch = pytest.importorskip("torch")
    Z = np.random.default_rng(3).standard_normal((4, 5))
    np.testing.assert_allclose(
        nn.Softmax(axis)(Z).data, torch.nn.Softmax(dim=axis)(torch.tensor(Z)).numpy(), rtol=1e-12
    )
    np.testing.assert_allclose(
        nn.LogSoftmax(axis)(Z).data,
        torch.nn.LogSoftmax(dim=axis)(torch.tensor(Z)).numpy(),
        rtol=1e-12,
    )


@pytest.mark.parametrize(("start", "end"), [(1, -1), (0, -1), (1, 2), (2, 3), (-2, -1), (0, 0)])
def test_flatten_matches_torch(start, end):
    torch = pytest.importorskip("torch")
    X = np.arange(2 * 3 * 4 * 5, dtype=np.float64).reshape(2, 3, 4, 5)
    out = nn.Flatten(start, end)(Tensor(X, requires_grad=True))
    expected = torch.nn.Flatten(start, end)(torch.tensor(X))
    assert out.shape == tuple(expected.shape)
    np.testing.assert_array_equal(out.data, expected.numpy())


def test_flatten_rejects_a_reversed_range():
    with pytest.raises(ValueError, match="start_dim <= end_dim"):
        nn.Flatten(2, 1)(np.zeros((2, 3, 4)))


# --- Module.to and Module.summary ----------------------------------------------------------------


def test_module_to_converts_parameters_buffers_and_gradients():
    model = nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4), nn.Linear(4, 1))
    model(np.ones((5, 3))).sum().backward()
    assert model.to(np.float32) is model
    for name, t in model.state_dict().items():
        expected = np.int64 if name.endswith("num_batches_tracked") else np.float32
        assert t.dtype == expected, name
    assert all(p.grad.dtype == np.float32 for p in model.parameters())
    assert model(np.ones((5, 3), dtype=np.float32)).dtype == np.float32
    with pytest.raises(TypeError, match="floating-point dtype"):
        model.to(np.int32)


def test_summary_lists_layers_output_shapes_and_parameter_counts():
    model = nn.Sequential(
        nn.Linear(2, 20), nn.BatchNorm1d(20), nn.ReLU(), nn.Dropout(0.1), nn.Linear(20, 1)
    )
    before = model[1].running_mean.data.copy()
    text = str(model.summary(input_shape=(64, 2)))
    lines = text.splitlines()
    assert lines[0].split() == ["Layer", "(type)", "Output", "shape", "Param", "#"]
    assert lines[2].split() == ["0", "(Linear)", "(64,", "20)", "60"]
    assert lines[3].split() == ["1", "(BatchNorm1d)", "(64,", "20)", "40"]
    assert lines[-1] == "Total params: 121"
    assert model.training and all(m.training for _, m in model.named_modules())  # restored
    assert np.array_equal(model[1].running_mean.data, before)  # evaluation mode: unchanged
    no_shapes = str(model.summary())
    assert "Output shape" not in no_shapes and no_shapes.endswith("Total params: 121")
    assert not hasattr(model[0], "forward") or "forward" not in vars(model[0])  # unwrapped
