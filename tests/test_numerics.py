"""Numerics at the extremes: the saturating functions give finite values and finite gradients at
+-1000 in float32 and float64, and log(0) warns once per call site with the fix."""

import sys
import warnings

import numpy as np
import pytest

import tinygrad_edu as tg

EXTREME = [-1000.0, -100.0, -20.0, -1.0, 0.0, 1.0, 20.0, 100.0, 1000.0]
DTYPES = [np.float32, np.float64]

# The functions under test; exact values are checked below, and all of them against torch.
FUNCS = {
    "sigmoid": lambda t: t.sigmoid(),
    "log_sigmoid": lambda t: t.log_sigmoid(),
    "tanh": lambda t: t.tanh(),
    "softmax": lambda t: t.softmax(axis=-1),
    "log_softmax": lambda t: t.log_softmax(axis=-1),
    "logsumexp": lambda t: t.logsumexp(axis=-1),
    "logsumexp_all": lambda t: t.logsumexp(),
    "softmax_axis0": lambda t: t.softmax(axis=0),
}


def _inputs(dtype):
    """Rows mixing extremes: all large, all small, mixed signs, and a single-element row."""
    rows = np.array(
        [
            EXTREME,
            [1000.0] * 9,
            [-1000.0] * 9,
            [-1000.0, 1000.0, -1000.0, 1000.0, 0.0, 0.0, 999.0, -999.0, 1.0],
        ]
    )
    return rows.astype(dtype)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", FUNCS)
def test_finite_values_and_gradients_at_plus_minus_1000(name, dtype):
    x = tg.Tensor(_inputs(dtype), requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no overflow/invalid warnings from numpy either
        y = FUNCS[name](x)
        weights = np.linspace(0.5, 1.5, y.size).reshape(y.shape).astype(dtype)
        (y * tg.Tensor(weights)).sum().backward()
    assert y.dtype == dtype and x.grad.dtype == dtype  # float32 stays float32
    assert np.isfinite(y.data).all(), y.data
    assert np.isfinite(x.grad).all(), x.grad


@pytest.mark.parametrize("dtype", DTYPES)
def test_exact_values_at_the_extremes(dtype):
    x = tg.Tensor(np.array([-1000.0, 0.0, 1000.0], dtype=dtype))
    np.testing.assert_array_equal(x.sigmoid().data, [0.0, 0.5, 1.0])
    np.testing.assert_array_equal(x.log_sigmoid().data, [-1000.0, -np.log(2).astype(dtype), 0.0])
    np.testing.assert_array_equal(x.tanh().data, [-1.0, 0.0, 1.0])
    pair = tg.Tensor(np.array([1000.0, -1000.0], dtype=dtype))
    np.testing.assert_array_equal(pair.softmax().data, [1.0, 0.0])
    np.testing.assert_array_equal(pair.log_softmax().data, [0.0, -2000.0])
    same = tg.Tensor(np.array([1000.0, 1000.0], dtype=dtype))
    np.testing.assert_allclose(same.logsumexp().item(), 1000.0 + np.log(2.0), rtol=1e-6)
    low = tg.Tensor(np.array([-1000.0, -1000.0], dtype=dtype))
    np.testing.assert_allclose(low.logsumexp().item(), -1000.0 + np.log(2.0), rtol=1e-6)


@pytest.mark.parametrize("dtype", DTYPES)
def test_exact_gradients_at_the_extremes(dtype):
    x = tg.Tensor(np.array([-1000.0, 1000.0], dtype=dtype), requires_grad=True)
    x.log_sigmoid().sum().backward()
    np.testing.assert_array_equal(x.grad, [1.0, 0.0])  # d/dz log(sigmoid(z)) = 1 - sigmoid(z)
    x.zero_grad()
    x.sigmoid().sum().backward()
    np.testing.assert_array_equal(x.grad, [0.0, 0.0])
    x.zero_grad()
    x.tanh().sum().backward()
    np.testing.assert_array_equal(x.grad, [0.0, 0.0])
    x.zero_grad()
    (x.log_softmax() * tg.Tensor(np.array([1.0, 0.0], dtype=dtype))).sum().backward()
    np.testing.assert_array_equal(x.grad, [1.0, -1.0])  # onehot - softmax, softmax = [0, 1]
    x.zero_grad()
    x.logsumexp().backward()
    np.testing.assert_array_equal(x.grad, [0.0, 1.0])  # = softmax(x)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", FUNCS)
def test_extremes_agree_with_torch(name, dtype):
    torch = pytest.importorskip("torch")
    data = _inputs(dtype)
    torch_funcs = {
        "sigmoid": torch.sigmoid,
        "log_sigmoid": torch.nn.functional.logsigmoid,
        "tanh": torch.tanh,
        "softmax": lambda t: torch.softmax(t, dim=-1),
        "log_softmax": lambda t: torch.log_softmax(t, dim=-1),
        "logsumexp": lambda t: torch.logsumexp(t, dim=-1),
        "logsumexp_all": lambda t: torch.logsumexp(t.reshape(-1), dim=0),
        "softmax_axis0": lambda t: torch.softmax(t, dim=0),
    }
    x = tg.Tensor(data, requires_grad=True)
    y = FUNCS[name](x)
    weights = np.linspace(0.5, 1.5, y.size).reshape(y.shape).astype(dtype)
    (y * tg.Tensor(weights)).sum().backward()
    xt = torch.tensor(data, requires_grad=True)
    yt = torch_funcs[name](xt)
    (yt * torch.tensor(weights)).sum().backward()
    tol = {"rtol": 1e-5, "atol": 1e-6} if dtype == np.float32 else {"rtol": 1e-12, "atol": 1e-12}
    np.testing.assert_allclose(y.data, yt.detach().numpy(), **tol)
    np.testing.assert_allclose(x.grad, xt.grad.numpy(), **tol)


def test_naive_formulas_would_fail_here():
    """Why the stable forms matter: the textbook formulas overflow at these inputs."""
    z = np.array([-1000.0, 1000.0])
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
        naive_log_sigmoid = np.log(1 / (1 + np.exp(-z)))
        naive_softmax = np.exp(z) / np.exp(z).sum()
    assert not np.isfinite(naive_log_sigmoid).all()
    assert not np.isfinite(naive_softmax).all()
    stable = tg.Tensor(z)
    assert np.isfinite(stable.log_sigmoid().data).all() and np.isfinite(stable.softmax().data).all()


# -- log(0) ------------------------------------------------------------------------------------


def _log_warnings(record):
    return [w for w in record if issubclass(w.category, tg.LogOfZeroWarning)]


def test_log_of_zero_warns_once_per_call_site_at_the_user_line():
    x = tg.Tensor([0.0, 1.0])
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("default")  # Python's default: once per location
        for _ in range(3):
            line = sys._getframe().f_lineno + 1
            x.log()
        x.log()  # a second call site
    found = _log_warnings(record)
    assert len(found) == 2
    assert found[0].filename == __file__ and found[0].lineno == line
    message = str(found[0].message)
    assert message.startswith("log: 1 of 2 input elements are exactly 0, so log gives -inf")
    assert "log_sigmoid(z) instead of log(sigmoid(z))" in message
    assert "log_softmax(z) instead of log(softmax(z))" in message
    assert not [w for w in record if "divide by zero" in str(w.message)]  # numpy's is replaced


def test_log_of_zero_warning_is_a_filterable_runtime_warning():
    assert issubclass(tg.LogOfZeroWarning, RuntimeWarning)
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        warnings.filterwarnings("ignore", category=tg.LogOfZeroWarning)
        y = tg.Tensor([0.0]).log()
    assert record == [] and y.item() == -np.inf  # the value is still log(0) = -inf


def test_log_of_positive_and_negative_zero_inputs():
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        tg.Tensor([0.5, 2.0]).log()
        tg.Tensor(np.array([1.0], np.float32)).log()
    assert _log_warnings(record) == []
    with pytest.warns(tg.LogOfZeroWarning):
        tg.Tensor([-0.0]).log()


def test_log_of_zero_through_package_code_points_at_the_user_line():
    """log called inside the package (here through a composite) still points at the caller."""
    from tinygrad_edu.testing import _projected

    with pytest.warns(tg.LogOfZeroWarning) as record:
        line = sys._getframe().f_lineno + 1
        _projected(lambda t: t.log(), [tg.Tensor([0.0, 1.0])], [np.ones(2)])
    assert record[0].filename == __file__ and record[0].lineno == line
