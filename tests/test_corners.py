"""No silent wrong answers (issue 10): each input that gave a wrong number without a word, as a
test with the right value, and other inputs of the same kind.

One section per kind of fault, and each test is named after its kind:

- ``test_inf_times_zero_*``: 0 * inf inside a backward rule where the true gradient is finite;
  the op table's rule (``ops.keep_zero``): a zero upstream gradient stays 0.
- ``test_nonfinite_warning_*``: a real non-finite gradient is said once, with the op, and no
  numpy ``RuntimeWarning`` leaks out of backward.
- ``test_dtype_*``: a gradient has its tensor's dtype; a parameter keeps its dtype; casts to
  integers cut the graph; complex numbers are refused.
- ``test_zero_d_*`` and ``test_index_*``: one axis rule for 0-d tensors; index tensors.
- ``test_threads_*``: grad mode and the debug switches are per thread.
- ``test_inplace_guard_*``: the guard against in-place writes works in a fresh process.
- ``test_update_line_*``: the course's ``w = w - learning_rate * dw`` and PyTorch's ``w -= ...``.
- ``test_numpy_*``: numpy functions on tensors record the graph or raise; never drop it.
- ``test_gradcheck_*``: gradcheck cannot pass vacuously, and scales (fast mode, elements=).
- ``test_sites_*``: creation sites and warnings point at the user's line through the packages.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import threading
import time
import warnings

import numpy as np
import pytest

import tinygrad_edu as tg
from tinygrad_edu import losses, nn, optim
from tinygrad_edu.testing import GradcheckError, gradcheck, gradcheck_module

try:
    import torch
except ImportError:  # the reference is optional
    torch = None


def leaf(value, dtype=None) -> tg.Tensor:
    return tg.Tensor(value, requires_grad=True, dtype=dtype)


def grads_of(fn, *values):
    """Gradients of the scalar ``fn(*leaves)`` for float64 leaves made from ``values``."""
    xs = [leaf(v) for v in values]
    fn(*xs).backward()
    return [x.grad for x in xs]


@pytest.fixture
def no_warnings():
    """Every warning is an error inside the test (numpy's RuntimeWarning included)."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(all="warn"):
            yield


# =================================================================================================
# 1. 0 * inf inside a backward rule, where the true gradient is finite
# =================================================================================================


def test_inf_times_zero_zero_exponent_at_zero(no_warnings):
    """d/dx x**0 = 0 everywhere, also at x = 0 (where y * x**(y-1) = 0 * inf); PyTorch: 0."""
    x = leaf(0.0)
    (x**0).backward()
    assert x.grad == 0.0 and not np.isnan(x.grad)


def test_inf_times_zero_polynomial_at_zero(no_warnings):
    """1 + 2x + 3x**2 written as sum(c * x**k): the derivative at 0 is 2."""
    x = leaf(0.0)
    coefficients = [1.0, 2.0, 3.0]
    J = sum(c * x**k for k, c in enumerate(coefficients))
    J.backward()
    assert x.grad == 2.0


def test_inf_times_zero_polynomial_second_derivative_at_zero(no_warnings):
    """The same rule holds for the gradient's own graph: d2/dx2 (1 + 2x + 3x**2) = 6."""
    x = leaf(0.0)
    J = sum(c * x**k for k, c in enumerate([1.0, 2.0, 3.0]))
    (dx,) = tg.grad(J, x, create_graph=True)
    (dxx,) = tg.grad(dx, x)
    assert (dx.item(), dxx.item()) == (2.0, 6.0)


def test_inf_times_zero_std_of_a_constant_vector(no_warnings):
    x = leaf([2.0, 2.0, 2.0])
    x.std().backward()
    np.testing.assert_array_equal(x.grad, [0.0, 0.0, 0.0])


def test_inf_times_zero_std_of_a_constant_row_along_axis_1(no_warnings):
    """Row 0 of [[1, 1], [2, 3]] is constant: its std's gradient is 0; row 1's is finite."""
    x = leaf([[1.0, 1.0], [2.0, 3.0]])
    x.std(axis=1)[0].backward()
    np.testing.assert_array_equal(x.grad, [[0.0, 0.0], [0.0, 0.0]])
    x = leaf([[1.0, 1.0], [2.0, 3.0]])
    x.std(axis=1).sum().backward()  # d std / dx = (x - mean) / (n std) = [-0.5, 0.5] on row 1
    np.testing.assert_array_equal(x.grad, [[0.0, 0.0], [-0.5, 0.5]])


def test_inf_times_zero_std_matches_norm_at_the_origin(no_warnings):
    """std of all-equal values and norm at the origin follow one rule (gradient 0), also with
    ddof=1 and keepdims, and through numpy's np.std."""
    x = leaf([0.0, 0.0])
    x.norm().backward()
    np.testing.assert_array_equal(x.grad, [0.0, 0.0])
    x = leaf([[0.0, 5.0], [0.0, 5.0]])  # each column is constant
    x.std(axis=0, keepdims=True, ddof=1).sum().backward()
    np.testing.assert_array_equal(x.grad, np.zeros((2, 2)))
    x = leaf([[0.0, 5.0], [0.0, 5.0]])
    np.std(x, axis=0).sum().backward()
    np.testing.assert_array_equal(x.grad, np.zeros((2, 2)))


def test_inf_times_zero_layer_norm_on_a_constant_row_trains_without_nan(no_warnings):
    """((x - mean) / (std + 1e-5) * w).sum() on a constant row: w gets gradient 0 (the normalised
    row is 0), x gets the true, finite gradient (w - mean(w)) / 1e-5, and SGD keeps going."""
    x = leaf([2.0, 2.0, 2.0])
    w = leaf([1.0, 2.0, 3.0])
    opt = optim.SGD([x, w], lr=1e-7)
    costs = []
    for step in range(5):
        opt.zero_grad()
        J = ((x - x.mean()) / (x.std() + 1e-5) * w).sum()
        J.backward()
        if step == 0:
            np.testing.assert_array_equal(w.grad, [0.0, 0.0, 0.0])
            np.testing.assert_allclose(x.grad, np.array([-1.0, 0.0, 1.0]) / 1e-5, atol=1e-6)
        costs.append(J.item())
        opt.step()
    assert np.all(np.isfinite(costs)) and np.all(np.isfinite(x.data)) and np.isfinite(w.data).all()
    assert costs[-1] < costs[1]  # it trains: the loss goes down once the row is no longer constant


# Other inputs of the same kind: an infinite (or, off the domain, undefined) local derivative that
# meets a zero upstream gradient. Each value is the true derivative (the function is locally
# constant in x, or x's contribution is multiplied by 0).
SAME_KIND = {
    "log at 0 times 0": (lambda x: (x.log() * 0.0).sum(), [0.0, 2.0], [0.0, 0.0]),
    "1/x at 0 times 0": (lambda x: ((1.0 / x) * 0.0).sum(), [0.0, 2.0], [0.0, 0.0]),
    "sqrt at 0 times 0": (lambda x: (x.sqrt() * 0.0).sum(), [0.0, 4.0], [0.0, 0.0]),
    "x**0.5 at 0 times 0": (lambda x: (x**0.5 * 0.0).sum(), [0.0, 4.0], [0.0, 0.0]),
    "sqrt(x)**2 at 0": (lambda x: (x.sqrt() ** 2.0).sum(), [0.0, 4.0], [0.0, 1.0]),
    "where(x > 0, sqrt(x), 0) at 0": (
        lambda x: tg.where(x > 0, x.sqrt(), 0.0).sum(),
        [0.0, 4.0],
        [0.0, 0.25],
    ),
    "where(x > 0, sqrt(x), 0) at -1": (
        lambda x: tg.where(x > 0, x.sqrt(), 0.0).sum(),
        [-1.0, 4.0],
        [0.0, 0.25],
    ),
    "where(x > 0, x**0.5, 0) at -1": (
        lambda x: tg.where(x > 0, x**0.5, 0.0).sum(),
        [-1.0, 4.0],
        [0.0, 0.25],
    ),
    "where(|x| < 1, asin(x), 0) at 2": (
        lambda x: tg.where(abs(x.data) < 1, x.asin(), 0.0).sum(),
        [2.0, 0.6],
        [0.0, 1.25],
    ),
    "where(|x| < 1, acos(x), 0) at -2": (
        lambda x: tg.where(abs(x.data) < 1, x.acos(), 0.0).sum(),
        [-2.0, 0.6],
        [0.0, -1.25],
    ),
    "asin at 1 times 0": (lambda x: (x.asin() * 0.0).sum(), [1.0, 0.6], [0.0, 0.0]),
    "where(x > 0, log(x), 0) at 0": (
        lambda x: tg.where(x > 0, x.log(), 0.0).sum(),
        [0.0, 4.0],
        [0.0, 0.25],
    ),
    "where(x != 0, 1/x, 0) at 0": (
        lambda x: tg.where(x != 0, 1.0 / x, 0.0).sum(),
        [0.0, 2.0],
        [0.0, -0.25],
    ),
    "log(x).clip(-5, None) at 0": (
        lambda x: x.log().clip(-5.0, None).sum(),
        [0.0, 4.0],
        [0.0, 0.25],
    ),
    "relu(-sqrt(x)) at 0": (lambda x: (-x.sqrt()).relu().sum(), [0.0, 4.0], [0.0, 0.0]),
    "x * 0 ** x at 0": (lambda x: (x**0.0 * x).sum(), [0.0, 3.0], [1.0, 1.0]),
    "var of a constant": (lambda x: x.var(), [3.0, 3.0], [0.0, 0.0]),
    "norm along an axis with a zero row": (
        lambda x: x.reshape(2, 2).norm(axis=1).sum(),
        [0.0, 0.0, 3.0, 4.0],
        [0.0, 0.0, 0.6, 0.8],
    ),
}


@pytest.mark.parametrize("name", list(SAME_KIND))
def test_inf_times_zero_same_kind(name):
    fn, value, expected = SAME_KIND[name]
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the forward pass may warn (log(0), sqrt(-1)): not ours
        x = leaf(value)
        J = fn(x)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # ...but backward must not: the gradient is finite
        J.backward()
    np.testing.assert_allclose(x.grad, expected, rtol=1e-15, atol=0)  # zeros exactly


def test_inf_times_zero_pow_with_a_tensor_exponent_at_a_zero_base(no_warnings):
    """d/dy x**y = x**y log(x) is 0 at x = 0 for y >= 0 (its limit), and d/dx follows the rule."""
    x, y = leaf([0.0, 0.0, 2.0]), leaf([0.0, 2.0, 3.0])
    (x**y).sum().backward()
    np.testing.assert_array_equal(x.grad, [0.0, 0.0, 12.0])
    np.testing.assert_allclose(y.grad, [0.0, 0.0, 8.0 * np.log(2.0)], rtol=1e-15)


def test_inf_times_zero_pow_second_derivative_with_a_tensor_exponent(no_warnings):
    """The zero-base branch of pow's dy runs on tensors too (create_graph=True)."""
    x, y = leaf([0.0, 2.0]), leaf([2.0, 3.0])
    gx, gy = tg.grad((x**y).sum(), [x, y], create_graph=True)
    (hxx,) = tg.grad(gx.sum(), x)  # d2/dx2 x**y = y (y-1) x**(y-2)
    np.testing.assert_allclose(hxx.data, [2.0, 6.0 * 2.0], rtol=1e-15)
    (hyy,) = tg.grad(gy.sum(), y)  # d2/dy2 x**y = x**y log(x)**2, 0 at x = 0
    np.testing.assert_allclose(hyy.data, [0.0, 8.0 * np.log(2.0) ** 2], rtol=1e-14)


@pytest.mark.parametrize(
    "name",
    [
        "log at 0 times 0",
        "1/x at 0 times 0",
        "x**0.5 at 0 times 0",
        "sqrt at 0 times 0",
        "where(x > 0, sqrt(x), 0) at -1",
    ],
)
def test_inf_times_zero_same_kind_second_derivative(name):
    """The rule holds for second derivatives: the gradient's gradient is finite too."""
    fn, value, expected = SAME_KIND[name]
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        x = leaf(value)
        J = fn(x)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        (g,) = tg.grad(J, x, create_graph=True)
        (h,) = tg.grad(g.sum(), x, allow_unused=True)
    np.testing.assert_array_equal(g.data, expected)
    assert h is None or np.isfinite(h.data).all()


TORCH_FINITE = {  # corners where PyTorch's gradient is finite too: the same numbers
    "var of a constant": lambda x: x.var(correction=0),
    "norm along an axis with a zero row": lambda x: x.reshape(2, 2).norm(dim=1).sum(),
    "x * 0 ** x at 0": lambda x: (x**0.0 * x).sum(),
}


@pytest.mark.skipif(torch is None, reason="torch is not installed")
@pytest.mark.parametrize("name", list(TORCH_FINITE))
def test_inf_times_zero_agrees_with_torch_where_torch_is_finite(name):
    """Where PyTorch's gradient is finite, ours is the same number. (At the where-masked points
    above PyTorch gives NaN, as JAX does: there our numbers are the true derivative instead.)"""
    _, value, expected = SAME_KIND[name]
    t = torch.tensor(value, dtype=torch.float64, requires_grad=True)
    TORCH_FINITE[name](t).backward()
    np.testing.assert_allclose(t.grad.numpy(), expected, rtol=1e-15, atol=0)


@pytest.mark.skipif(torch is None, reason="torch is not installed")
def test_inf_times_zero_pow_0_and_std_agree_with_torch():
    for make, value in [(lambda x: (x**0).sum(), [0.0, 2.0]), (lambda x: x.std(), [2.0, 2.0, 2.0])]:
        t = torch.tensor(value, dtype=torch.float64, requires_grad=True)
        make(t).backward()
        x = leaf(value)
        make(x).backward()
        np.testing.assert_array_equal(x.grad, t.grad.numpy())


# =================================================================================================
# 1b. A real non-finite gradient is said once, with the op; numpy's warnings never leak
# =================================================================================================


def test_nonfinite_warning_no_numpy_runtime_warning_leaks_from_backward(no_warnings):
    """Every input of the kind above, with warnings as errors around backward (numpy's
    'invalid value encountered in multiply' included)."""
    for fn, value, _ in SAME_KIND.values():
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            x = leaf(value)
            J = fn(x)
        J.backward()
    x = leaf([0.0, 2.0])
    (x**0).sum().backward()
    x = leaf([2.0, 2.0, 2.0])
    x.std().backward()


@pytest.mark.parametrize(
    ("op", "fn", "value"),
    [
        ("sqrt", lambda x: x.sqrt().sum(), [0.0, 4.0]),
        ("pow", lambda x: (x**0.5).sum(), [0.0, 4.0]),
        ("pow", lambda x: (x.abs() ** 0.5).sum(), [0.0, 4.0]),  # then 0 * inf in abs: still pow
        ("log", lambda x: x.log().sum(), [0.0, 4.0]),
        ("div", lambda x: (x / x.detach()).sum(), [0.0, 4.0]),
    ],
)
def test_nonfinite_warning_a_real_infinite_gradient_warns_exactly_once_with_the_op(op, fn, value):
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        x = leaf(value)
        J = fn(x) * 2.0 + fn(x)  # two paths to the same point: still one warning per backward
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        J.backward()
    assert [type(w.message) for w in seen] == [tg.NonFiniteGradientWarning], [
        str(w.message) for w in seen
    ]
    message = str(seen[0].message)
    assert message.startswith(f"backward of '{op}': produced ")
    assert seen[0].filename == __file__  # at the user's line, not inside tinygrad_edu or numpy
    assert not np.isfinite(x.grad[0]) and np.isfinite(x.grad[1])


def test_nonfinite_warning_names_the_line_with_record_sites():
    x = leaf([0.0, 4.0])
    with tg.record_sites():
        J = x.sqrt().sum()  # the line the warning names
    line = sys._getframe().f_lineno - 1
    with pytest.warns(tg.NonFiniteGradientWarning) as seen:
        J.backward()
    assert f"{__file__}:{line}" in str(seen[0].message)
    assert "J = x.sqrt().sum()" in str(seen[0].message)


# =================================================================================================
# 3. A gradient has its tensor's dtype; parameters keep theirs; integer casts cut; no complex
# =================================================================================================


@pytest.mark.parametrize(
    ("reduce", "expected"),
    [("max", [[0.0, 1.0, 0.0], [0.5, 0.5, 0.0]]), ("min", [[1.0, 0.0, 0.0], [0.0, 0.0, 1.0]])],
)
def test_dtype_max_and_min_gradients_are_float32(reduce, expected):
    x = leaf(np.array([[1, 3, 2], [4, 4, 0]], dtype=np.float32))
    getattr(x, reduce)(axis=1).sum().backward()
    assert x.grad.dtype == np.float32
    np.testing.assert_array_equal(x.grad, np.array(expected, dtype=np.float32))


def test_dtype_float32_tensor_times_float64_array_keeps_a_float32_gradient():
    x = leaf(np.array([1.0, 2.0], dtype=np.float32))
    y = x * np.array([3.0, 4.0])  # numpy's promotion: the product is float64
    assert y.dtype == np.float64
    y.sum().backward()
    assert x.grad.dtype == np.float32
    np.testing.assert_array_equal(x.grad, np.array([3.0, 4.0], dtype=np.float32))


def test_dtype_float32_linear_fed_float64_keeps_its_dtype_and_its_state_loads(tmp_path):
    np.random.seed(1)
    model = nn.Linear(3, 2, dtype=np.float32)
    X, Y = np.random.randn(5, 3), np.random.randn(5, 2)  # float64, as the course's data
    opt = optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    for _ in range(2):
        opt.zero_grad()
        losses.mse(model(X), Y).backward()
        assert model.W.grad.dtype == np.float32 and model.b.grad.dtype == np.float32
        opt.step()
    assert model.W.dtype == np.float32 and model.b.dtype == np.float32
    path = tmp_path / "linear.npz"
    tg.save(model, path)
    fresh = nn.Linear(3, 2, dtype=np.float32)
    fresh.load_state_dict(tg.load(path))
    np.testing.assert_array_equal(fresh.W.data, model.W.data)
    model.load_state_dict(model.state_dict())  # and into the same model


# Other places a dtype can change: every way a float32 leaf meets float64 values.
MIXED = {
    "add array": lambda x: x + np.ones(2),
    "radd array": lambda x: np.ones(2) + x,
    "sub array": lambda x: np.ones(2) - x,
    "div by array": lambda x: x / np.full(2, 2.0),
    "rdiv array": lambda x: np.full(2, 2.0) / x,
    "pow array exponent": lambda x: x ** np.full(2, 2.0),
    "array ** x": lambda x: np.full(2, 2.0) ** x,
    "float64 scalar": lambda x: x * np.float64(3.0),
    "matmul": lambda x: x @ np.ones((2, 2)),
    "rmatmul": lambda x: np.ones((2, 2)) @ x,
    "float64 tensor": lambda x: x * tg.Tensor([1.0, 2.0]),
    "maximum": lambda x: tg.maximum(x, np.zeros(2)),
    "where": lambda x: tg.where(np.array([True, False]), x, np.zeros(2)),
    "concatenate": lambda x: tg.concatenate([x, tg.Tensor([1.0])]),
    "astype float64": lambda x: x.astype(np.float64) * 2.0,
    "np.dot": lambda x: np.dot(np.ones((2, 2)), x),
    "np.add": lambda x: np.add(x, np.ones(2)),
    "np.multiply": lambda x: np.multiply(np.ones(2), x),
    "np.where": lambda x: np.where(np.array([True, False]), x, np.ones(2)),
    "mean": lambda x: (x * np.ones(2)).mean(),
    "std": lambda x: (x * np.ones(2)).std(),
    "bce": lambda x: losses.binary_cross_entropy(x.sigmoid(), np.array([1.0, 0.0])),
}


@pytest.mark.parametrize("name", list(MIXED))
def test_dtype_a_float32_leaf_gets_a_float32_gradient_whatever_it_meets(name):
    x = leaf(np.array([0.5, 1.5], dtype=np.float32))
    MIXED[name](x).sum().backward()
    assert x.grad.dtype == np.float32
    (g,) = tg.grad(MIXED[name](x).sum(), x)  # the functional form too
    assert g.dtype == np.float32
    (g,) = tg.grad(MIXED[name](x).sum(), x, create_graph=True)  # and gradients with a graph
    assert g.dtype == np.float32


def test_dtype_a_float64_seed_or_assigned_grad_takes_the_tensors_dtype():
    x = leaf(np.array([1.0, 2.0], dtype=np.float32))
    (x * 2).backward(gradient=np.array([1.0, 1.0]))  # a float64 seed
    assert x.grad.dtype == np.float32
    x.grad = np.array([0.25, 0.5])  # assigned by hand
    assert x.grad.dtype == np.float32


@pytest.mark.parametrize("dtype", [int, np.int64, np.int32, bool, np.uint8])
def test_dtype_a_cast_to_integers_or_bool_cuts_the_graph(dtype):
    """(2 * x.astype(int)).sum() records nothing: backward() raises, x gets no gradient."""
    x = leaf([0.4, 1.6])
    cast = x.astype(dtype)
    assert not cast.requires_grad and cast.is_leaf
    J = (2 * cast).sum()
    assert not J.requires_grad
    with pytest.raises(RuntimeError, match="does not require grad"):
        J.backward()
    assert x.grad is None
    (x + x.astype(dtype)).sum().backward()  # mixed: only the float path carries a gradient
    np.testing.assert_array_equal(x.grad, [1.0, 1.0])


def test_dtype_a_cast_between_floats_is_differentiable():
    x = leaf([0.5, 1.5])
    (x.astype(np.float32) * 2).sum().backward()
    assert x.grad.dtype == np.float64
    np.testing.assert_array_equal(x.grad, [2.0, 2.0])


@pytest.mark.parametrize(
    "make",
    [
        lambda: tg.Tensor(1 + 2j),
        lambda: tg.Tensor([1.0, 2j]),
        lambda: tg.Tensor(np.array([1.0], dtype=np.complex64), requires_grad=True),
        lambda: leaf([1.0, 2.0]) * (1 + 2j),
        lambda: (1 + 2j) + leaf([1.0, 2.0]),
        lambda: leaf([1.0, 2.0]) * np.array([1j, 1.0]),
        lambda: leaf([1.0, 2.0]) * np.complex128(1j),
        lambda: np.multiply(leaf([1.0, 2.0]), 1j),
        lambda: leaf([1.0, 2.0]).astype(np.complex128),
        lambda: leaf([1.0, 2.0]) ** (0.5 + 1j),
        lambda: tg.where(np.array([True, False]), leaf([1.0, 2.0]), 1j),
    ],
)
def test_dtype_complex_constants_and_inputs_are_refused(make):
    with pytest.raises(TypeError, match="complex|real number"):
        make()


def test_dtype_complex_error_says_what_to_do():
    with pytest.raises(TypeError) as err:
        leaf([1.0, 2.0]) * (1 + 2j)
    assert "real and imaginary parts as two real tensors" in str(err.value)


def test_dtype_complex_cannot_enter_through_in_place_writes_or_seeds():
    x = tg.Tensor([1.0, 2.0])
    with pytest.raises(TypeError):
        x.add_(1j)
    y = leaf([1.0, 2.0]) * 2
    with pytest.raises(TypeError):
        y.backward(gradient=np.array([1j, 1.0]))


# =================================================================================================
# 4. Shapes and indices learners type
# =================================================================================================

# One rule for 0-d tensors (a single number): axis 0 and -1 mean the number itself, as in PyTorch.
ZERO_D = {
    "sum": (lambda t, a: t.sum(a), 3.0, 1.0),
    "mean": (lambda t, a: t.mean(a), 3.0, 1.0),
    "squeeze": (lambda t, a: t.squeeze(a), 3.0, 1.0),
    "logsumexp": (lambda t, a: t.logsumexp(a), 3.0, 1.0),
    "max": (lambda t, a: t.max(a), 3.0, 1.0),
    "min": (lambda t, a: t.min(a), 3.0, 1.0),
    "var": (lambda t, a: t.var(a), 0.0, 0.0),
    "std": (lambda t, a: t.std(a), 0.0, 0.0),
    "norm": (lambda t, a: t.norm(a), 3.0, 1.0),
    "softmax": (lambda t, a: t.softmax(a), 1.0, 0.0),
    "log_softmax": (lambda t, a: t.log_softmax(a), 0.0, 0.0),
    "np.sum": (lambda t, a: np.sum(t, axis=a), 3.0, 1.0),
    "np.mean": (lambda t, a: np.mean(t, axis=a), 3.0, 1.0),
    "np.max": (lambda t, a: np.max(t, axis=a), 3.0, 1.0),
    "np.var": (lambda t, a: np.var(t, axis=a), 0.0, 0.0),
    "np.squeeze": (lambda t, a: np.squeeze(t, axis=a), 3.0, 1.0),
}


@pytest.mark.parametrize(
    ("name", "axis"),
    [
        (name, axis)
        for name in ZERO_D
        for axis in (0, -1, (0,), None)
        if "softmax" not in name or axis in (0, -1)
    ],  # softmax takes one int axis
)
def test_zero_d_axis_0_and_minus_1_mean_the_number_itself(name, axis):
    fn, value, derivative = ZERO_D[name]
    x = leaf(3.0)
    out = fn(x, axis)
    assert out.shape == () and out.item() == value
    out.backward()
    assert x.grad == derivative


@pytest.mark.parametrize("axis", [1, -2, 5])
@pytest.mark.parametrize("name", list(ZERO_D))
def test_zero_d_invalid_axes_give_the_teaching_error(name, axis):
    fn = ZERO_D[name][0]
    with pytest.raises(ValueError) as err:
        fn(tg.Tensor(1.0), axis)
    message = str(err.value)
    assert f"axis {axis} is out of range for a 0-d tensor (a single number)" in message
    assert "valid axes are 0 and -1" in message


@pytest.mark.parametrize(
    ("fn", "match"),
    [
        (lambda t: t.sum(1.0), "axis must be an int or a tuple of ints, got 1.0"),
        (lambda t: t.sum("0"), "axis must be an int or a tuple of ints"),
        (lambda t: t.softmax((0,)), "expected a single int axis"),
        (lambda t: t.sum(True), "axis must be an int"),
    ],
)
def test_zero_d_axes_of_the_wrong_type_give_a_type_error(fn, match):
    with pytest.raises(TypeError, match=match):
        fn(tg.Tensor([1.0, 2.0]))


@pytest.mark.parametrize(
    ("fn", "match"),
    [
        (lambda t: tg.concatenate([t, t]), "concatenate: expected tensors with at least 1"),
        (lambda t: np.concatenate([t, t]), "concatenate: expected tensors with at least 1"),
        (lambda t: np.split(t, 1), "split: expected a tensor with at least 1 dimension"),
        (lambda t: t.transpose(0), "transpose: a 0-d tensor"),
        (lambda t: t.unsqueeze(2), "unsqueeze: axis 2 is out of range for a 0-d tensor"),
        (lambda t: tg.stack([t, t], axis=2), "stack: axis 2 is out of range for a 0-d tensor"),
    ],
)
def test_zero_d_other_shape_functions_explain_themselves(fn, match):
    with pytest.raises(ValueError, match=match):
        fn(tg.Tensor(1.0))


def test_zero_d_shape_functions_that_work():
    t = leaf(2.0)
    out = tg.stack([t, t * 3])  # 0-d tensors stack into a vector
    np.testing.assert_array_equal(out.data, [2.0, 6.0])
    assert t.unsqueeze(0).shape == (1,) and t.unsqueeze(-1).shape == (1,)
    assert t.transpose().shape == () and t.T.shape == ()
    assert np.expand_dims(t, 0).shape == (1,) and t.flatten().shape == (1,)
    out.sum().backward()
    assert t.grad == 4.0


def test_zero_d_iteration_is_refused_not_silently_empty():
    """Python iterates through __getitem__ until an IndexError, which a 0-d tensor raised at
    once: sum(Tensor(5.0)) was 0 and list(...) was []."""
    with pytest.raises(TypeError, match="0-d tensor holds a single number"):
        sum(tg.Tensor(5.0))
    x = leaf([1.0, 2.0, 3.0])
    rows = list(x)
    assert [r.item() for r in rows] == [1.0, 2.0, 3.0]
    sum(rows).backward()  # each row is recorded, as x[i]
    np.testing.assert_array_equal(x.grad, [1.0, 1.0, 1.0])


def test_index_with_an_integer_valued_tensor():
    """Tensor([0, 2]) holds float64 (Python numbers become float64); its whole numbers index."""
    x = leaf([10.0, 20.0, 30.0])
    y = x[tg.Tensor([0, 2])]
    np.testing.assert_array_equal(y.data, [10.0, 30.0])
    (y * tg.Tensor([1.0, 2.0])).sum().backward()
    np.testing.assert_array_equal(x.grad, [1.0, 0.0, 2.0])


def test_index_with_an_empty_list():
    x = leaf([10.0, 20.0, 30.0])
    y = x[[]]
    assert y.shape == (0,)
    y.sum().backward()
    np.testing.assert_array_equal(x.grad, [0.0, 0.0, 0.0])


@pytest.mark.parametrize(
    ("index", "values", "grad"),
    [
        (lambda: tg.Tensor([0, 0, 1]), [1.0, 2.0, 1.0, 2.0, 3.0, 4.0], [[2.0, 2.0], [1.0, 1.0]]),
        (lambda: [0, 0], [1.0, 2.0, 1.0, 2.0], [[2.0, 2.0], [0.0, 0.0]]),  # repeats add up
        (lambda: (tg.Tensor([1]), tg.Tensor([0])), [3.0], [[0.0, 0.0], [1.0, 0.0]]),
        (lambda: (slice(None), tg.Tensor([1])), [2.0, 4.0], [[0.0, 1.0], [0.0, 1.0]]),
        (lambda: tg.Tensor([True, False]), [1.0, 2.0], [[1.0, 1.0], [0.0, 0.0]]),
        (lambda: tg.Tensor([-1]), [3.0, 4.0], [[0.0, 0.0], [1.0, 1.0]]),
        (lambda: ([], slice(None)), [], [[0.0, 0.0], [0.0, 0.0]]),
        (lambda: np.array([1]), [3.0, 4.0], [[0.0, 0.0], [1.0, 1.0]]),
    ],
)
def test_index_tensors_and_lists_of_the_same_kind(index, values, grad):
    x = leaf([[1.0, 2.0], [3.0, 4.0]])
    y = x[index()]
    np.testing.assert_array_equal(y.data.ravel(), values)
    y.sum().backward()
    np.testing.assert_array_equal(x.grad, grad)


def test_index_tensors_and_empty_lists_work_for_writes_too():
    t = tg.Tensor([1.0, 2.0, 3.0])
    t[tg.Tensor([0, 2])] = 9.0
    t[[]] = 5.0  # selects nothing
    t[(tg.Tensor([1]),)] = 7.0
    np.testing.assert_array_equal(t.data, [9.0, 7.0, 9.0])
    with pytest.raises(IndexError, match="expected integer indices"):
        t[tg.Tensor([0.5])] = 1.0


@pytest.mark.parametrize("index", [tg.Tensor([0.5]), [0.5, 1.0], tg.Tensor([np.nan])])
def test_index_with_non_integer_numbers_explains_itself(index):
    with pytest.raises(IndexError, match="expected integer indices"):
        tg.Tensor([1.0, 2.0])[index]


# =================================================================================================
# 5. Threads: grad mode and the debug switches are per thread
# =================================================================================================


def _train(seed: int, steps: int, barrier: threading.Barrier | None = None) -> tuple:
    """A small MLP trained by SGD; returns (costs, final parameters)."""
    rng = np.random.RandomState(seed)
    X, Y = rng.randn(16, 4), (rng.rand(16, 1) > 0.5).astype(float)
    model = nn.Sequential(
        nn.Linear(4, 5, rng=np.random.RandomState(seed)), nn.Tanh(),
        nn.Linear(5, 1, rng=np.random.RandomState(seed + 1)),
    )  # fmt: skip
    opt = optim.SGD(model.parameters(), lr=0.1)
    costs = []
    for step in range(steps):
        if barrier is not None and step % 10 == 0:
            barrier.wait()  # keep the threads in step, so their ops really interleave
        opt.zero_grad()
        J = losses.binary_cross_entropy_with_logits(model(X), Y)
        J.backward()
        opt.step()
        costs.append(J.item())
    return costs, [p.data.copy() for p in model.parameters()]


def _run_threads(targets) -> list:
    results: list = [None] * len(targets)
    errors: list = []

    def wrap(i, target):
        try:
            results[i] = target()
        except BaseException as err:  # noqa: BLE001 (reported in the main thread)
            errors.append(err)

    threads = [threading.Thread(target=wrap, args=(i, t)) for i, t in enumerate(targets)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    if errors:
        raise errors[0]
    return results


def test_threads_no_grad_in_one_thread_never_stops_another_from_recording():
    """A deterministic interleaving: thread A is inside no_grad() (a predict) while thread B
    builds and differentiates a graph, then they leave in crossed order."""
    a_inside, b_recorded, a_may_leave, b_inside, a_left = (threading.Event() for _ in range(5))
    seen = {}

    def predictor():
        with tg.no_grad():
            a_inside.set()
            b_recorded.wait(10)
            seen["A sees"] = tg.is_grad_enabled()
            a_may_leave.wait(10)
        a_left.set()
        seen["A after"] = tg.is_grad_enabled()

    def trainer():
        a_inside.wait(10)
        w = leaf([1.0, 2.0])
        J = (w * w).sum()  # while A is inside no_grad()
        seen["B records"] = J.requires_grad
        J.backward()
        seen["B grad"] = w.grad.tolist()
        b_recorded.set()
        with tg.no_grad():  # crossed order: B enters, A leaves, B leaves
            b_inside.set()
            a_may_leave.set()
            a_left.wait(10)
            seen["B inside"] = tg.is_grad_enabled()
        seen["B after"] = tg.is_grad_enabled()

    _run_threads([predictor, trainer])
    assert seen == {
        "A sees": False, "A after": True, "B records": True, "B grad": [2.0, 4.0],
        "B inside": False, "B after": True,
    }  # fmt: skip
    assert tg.is_grad_enabled()  # the main thread was never touched


def test_threads_debug_switches_are_per_thread():
    inside, done = threading.Event(), threading.Event()
    seen = {}

    def recorder():
        with tg.record_sites(), tg.strict_broadcasting():
            inside.set()
            done.wait(10)

    def other():
        inside.wait(10)
        seen["sites"] = tg.debug._state.sites
        seen["strict"] = tg.debug._state.strict
        seen["broadcast"] = (tg.ones(5) + tg.ones(5, 1)).shape  # would raise in strict mode
        done.set()

    _run_threads([recorder, other])
    assert seen == {"sites": False, "strict": False, "broadcast": (5, 5)}


def test_threads_two_models_trained_at_once_equal_one_after_the_other():
    sequential = [_train(seed, 40) for seed in (0, 1)]
    barrier = threading.Barrier(2)
    concurrent = _run_threads([lambda s=seed: _train(s, 40, barrier) for seed in (0, 1)])
    for (costs_a, params_a), (costs_b, params_b) in zip(sequential, concurrent, strict=True):
        assert costs_a == costs_b  # exactly, not approximately
        for pa, pb in zip(params_a, params_b, strict=True):
            np.testing.assert_array_equal(pa, pb)


def test_threads_stress_training_while_other_threads_predict_and_toggle_modes():
    """Four trainers at once, while two threads keep predicting inside no_grad() and switching
    record_sites on and off: every trainer equals its sequential run."""
    seeds = (0, 1, 2, 3)
    sequential = [_train(seed, 60) for seed in seeds]
    stop = threading.Event()
    model = nn.Linear(4, 1)

    def predictor():
        X = np.random.RandomState(9).randn(8, 4)
        count = 0
        while not stop.is_set():
            with tg.no_grad():
                assert not model(X).requires_grad
            with tg.record_sites():
                count += 1
            time.sleep(0)
        return count

    predictors = [threading.Thread(target=predictor) for _ in range(2)]
    for p in predictors:
        p.start()
    try:
        barrier = threading.Barrier(len(seeds))
        concurrent = _run_threads([lambda s=seed: _train(s, 60, barrier) for seed in seeds])
    finally:
        stop.set()
        for p in predictors:
            p.join(10)
    for seq, con in zip(sequential, concurrent, strict=True):
        assert seq[0] == con[0]
        for pa, pb in zip(seq[1], con[1], strict=True):
            np.testing.assert_array_equal(pa, pb)
    assert tg.is_grad_enabled() and not tg.debug._state.sites


# =================================================================================================
# 6. The in-place guard in a fresh process
# =================================================================================================


def _fresh_python(code: str) -> subprocess.CompletedProcess:
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    env = {**os.environ, "PYTHONPATH": root + os.pathsep + os.environ.get("PYTHONPATH", "")}
    env.pop("TINYGRAD_EDU_DEBUG", None)
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True,
                          text=True, env=env, timeout=120)  # fmt: skip


def test_inplace_guard_raises_the_intended_error_in_a_fresh_process():
    """The first in-place write of the process happens after the op was recorded (the op's clock
    was never set): the guard must still raise its RuntimeError, not AttributeError."""
    proc = _fresh_python(
        """
        import tinygrad_edu as tg
        x = tg.Tensor([1.0, 2.0], requires_grad=True)
        a = tg.Tensor([3.0, 4.0])
        J = (x * a).sum()
        a.add_(1)
        J.backward()
        """
    )
    assert proc.returncode == 1
    last = proc.stderr.strip().splitlines()[-1]
    assert last.startswith("RuntimeError: backward: 'mul' needs its input y"), proc.stderr
    assert "modified in place by add_" in last and "AttributeError" not in proc.stderr


@pytest.mark.parametrize(
    "write", ["a[0] = 5.0", "a.mul_(2)", "a.T.add_(1)", "a.copy_([0.0, 0.0])", "a.zero_()"]
)
def test_inplace_guard_other_writes_in_a_fresh_process(write):
    proc = _fresh_python(
        f"""
        import tinygrad_edu as tg
        x = tg.Tensor([1.0, 2.0], requires_grad=True)
        a = tg.Tensor([3.0, 4.0])
        J = (x * a).sum()
        {write}
        J.backward()
        """
    )
    assert proc.returncode == 1 and "AttributeError" not in proc.stderr
    assert "RuntimeError: backward: 'mul' needs its input y" in proc.stderr, proc.stderr


def test_inplace_guard_a_write_before_recording_is_fine_in_a_fresh_process():
    proc = _fresh_python(
        """
        import tinygrad_edu as tg
        x = tg.Tensor([1.0, 2.0], requires_grad=True)
        a = tg.Tensor([3.0, 4.0])
        a.add_(1)
        J = (x * a).sum()
        J.backward()
        print(x.grad.tolist())
        """
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "[4.0, 5.0]"


# =================================================================================================
# 7. The course's own update line
# =================================================================================================


def test_update_line_course_style_warns_with_the_fix_when_grad_is_read():
    """``w = w - learning_rate * dw`` turns w into a non-leaf; the next read of w.grad warns
    (at the user's line) with the fix instead of a TypeError far from the cause."""
    learning_rate = 0.1
    w = leaf([1.0, 2.0])
    X = np.array([[1.0, 0.0], [0.0, 1.0]])
    J = ((X @ w) ** 2).sum()
    J.backward()
    dw = w.grad
    w = w - learning_rate * dw  # the course's line, on a tensor
    J = ((X @ w) ** 2).sum()
    J.backward()
    with pytest.warns(tg.NonLeafGradWarning) as seen:
        dw = w.grad
    assert dw is None
    message = str(seen[0].message)
    assert seen[0].filename == __file__
    assert "w = w - learning_rate * dw" in message
    assert "with tinygrad_edu.no_grad(): w -= learning_rate * w.grad" in message
    assert "w.data -= learning_rate * w.grad" in message and "step()" in message


@pytest.mark.parametrize("update", ["-=", "+=", "*=", "/="])
def test_update_line_in_place_on_a_parameter_outside_no_grad_raises(update):
    w = leaf([1.0, 2.0])
    (w * w).sum().backward()
    with pytest.raises(RuntimeError) as err:
        exec(f"w {update} 0.1 * w.grad", {}, {"w": w})
    message = str(err.value)
    assert message.startswith(f"{update}: expected a tensor that records no gradient")
    assert "with tinygrad_edu.no_grad(): w -= learning_rate * w.grad" in message
    np.testing.assert_array_equal(w.data, [1.0, 2.0])  # untouched


def test_update_line_the_fixes_keep_the_parameter_a_leaf():
    w = leaf([1.0, 2.0])
    for fix in ("no_grad", "data", "sgd"):
        (w * w).sum().backward()
        if fix == "no_grad":
            with tg.no_grad():
                w -= 0.25 * w.grad
        elif fix == "data":
            w.data -= 0.25 * w.grad
        else:
            optim.SGD([w], lr=0.25).step()
        w.grad = None
        assert w.is_leaf and w.requires_grad
    np.testing.assert_array_equal(w.data, np.array([1.0, 2.0]) * 0.5**3)


def test_update_line_rebinding_inside_no_grad_says_write_it_in_place():
    """``with no_grad(): w = w - lr * w.grad`` makes a new tensor without requires_grad; the next
    backward() names that update and the in-place fix."""
    w = leaf([1.0, 2.0])
    (w * w).sum().backward()
    with tg.no_grad():
        w = w - 0.1 * w.grad
    J = (w * w).sum()
    with pytest.raises(RuntimeError, match=r"write `w -= learning_rate \* w.grad` \(in place\)"):
        J.backward()


def test_update_line_no_warning_for_intermediate_gradients_asked_for():
    w = leaf(2.0)
    u = w * 3
    v = u.exp()
    u.retain_grad()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        v.backward(retain_grads=True)
        assert u.grad is not None and v.grad is not None


# =================================================================================================
# 8. numpy functions on tensors record the graph or raise
# =================================================================================================


def test_numpy_course_functions_record_the_graph():
    rng = np.random.RandomState(0)
    W, b = leaf(rng.randn(3, 4)), leaf(np.zeros((3, 1)))
    X = rng.randn(4, 5)
    Z = np.dot(W, X) + b  # (3, 5)
    A = np.exp(Z)
    J = np.sum(np.sum(A, axis=1, keepdims=True))
    assert isinstance(J, tg.Tensor) and J.requires_grad
    J.backward()
    expected_A = np.exp(W.data @ X)
    np.testing.assert_allclose(W.grad, expected_A @ X.T, rtol=1e-13)
    np.testing.assert_allclose(b.grad, expected_A.sum(axis=1, keepdims=True), rtol=1e-13)


@pytest.mark.parametrize(
    ("call", "method"),
    [
        (lambda t: np.median(t) if not _supported(np.median) else _skip(), None),  # no median
        (lambda t: np.trace(t) if not _supported(np.trace) else _skip(), "trace"),
        (lambda t: np.add.reduce(t), "sum"),
        (lambda t: np.maximum.reduce(t, axis=0), "max"),
        (lambda t: np.minimum.accumulate(t), None),  # cumulative: no method does it
    ],
)
def test_numpy_unsupported_functions_raise_naming_the_method(call, method):
    t = leaf(np.ones((2, 2)))
    with pytest.raises(TypeError) as err:
        call(t)
    message = str(err.value)
    assert "drop the graph" in message or "does not record" in message
    if method is None:
        assert "Use the tensor method" not in message
    elif hasattr(tg.Tensor, method):
        assert f"t.{method}(...)" in message


def _supported(func) -> bool:
    from tinygrad_edu.tensor import numpy_api

    return func in numpy_api.FUNCTIONS or func in numpy_api.UFUNCS


def _skip():
    pytest.skip("now supported on tensors")


def test_numpy_no_function_silently_drops_the_graph():
    """Every numpy function that dispatches (NEP 13/18), called on a tensor that requires grad,
    raises or returns a tensor (or a fact about the values: a shape, a bool, an index); never a
    float array without a graph."""
    functions = {}
    for module in (np, np.linalg, np.fft):
        for name in dir(module):
            f = getattr(module, name)
            if isinstance(f, np.ufunc) or type(f).__name__ == "_ArrayFunctionDispatcher":
                functions.setdefault(id(f), (f"{module.__name__}.{name}", f))
    assert len(functions) > 300
    leaks = []
    for name, f in functions.values():
        for count in (1, 2):
            x = leaf(np.random.RandomState(0).rand(3, 3) + 0.5)
            try:
                with warnings.catch_warnings(), np.errstate(all="ignore"):
                    warnings.simplefilter("ignore")
                    result = f(*[x] * count)
            except Exception:  # noqa: BLE001 (raising is one of the two right answers)
                continue
            if _drops_graph(result):
                leaks.append(name)
            break
    assert not leaks, f"numpy functions that return values without a graph: {leaks}"


def _drops_graph(result) -> bool:
    if isinstance(result, tg.Tensor):
        return False
    if isinstance(result, (tuple, list)):
        return any(_drops_graph(r) for r in result)
    return (
        isinstance(result, (np.ndarray, np.generic, float))
        and np.asarray(result).dtype.kind in "fc"
    )


def test_numpy_asarray_of_a_tensor_that_requires_grad_refuses():
    with pytest.raises(TypeError, match="t.data"):
        np.asarray(leaf([1.0]))
    with pytest.raises(TypeError):
        np.array([leaf(1.0), leaf(2.0)])
    np.testing.assert_array_equal(np.asarray(tg.Tensor([1.0])), [1.0])  # no graph: fine


def test_numpy_wrapping_a_result_in_tensor_again_warns_that_it_drops_the_graph():
    """``Tensor(np.dot(W, X))``: np.dot already returns a tensor; wrapping it copies the values
    without the graph, so W would never get a gradient."""
    W = leaf(np.ones((2, 2)))
    with pytest.warns(UserWarning, match="without its graph") as seen:
        Z = tg.Tensor(np.dot(W, np.ones((2, 3))))
    assert seen[0].filename == __file__ and not Z.requires_grad
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        tg.Tensor(W.detach())  # on purpose: no warning
        tg.Tensor(tg.Tensor([1.0]))  # nothing to drop


def test_numpy_writing_into_an_array_with_a_tensor_refuses():
    a = np.zeros(2)
    with pytest.raises(TypeError, match="out="):
        a += leaf([1.0, 2.0])


# =================================================================================================
# 9. gradcheck cannot pass vacuously, and scales
# =================================================================================================


def _small_model():
    np.random.seed(3)
    model = nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 1))
    X, Y = np.random.randn(6, 3), (np.random.rand(6, 1) > 0.5).astype(float)
    return model, X, Y


def test_gradcheck_fails_when_fn_ignores_its_arguments():
    model, X, Y = _small_model()

    def loss(A):
        return losses.binary_cross_entropy_with_logits(A, Y)

    with pytest.raises(GradcheckError) as err:
        gradcheck(lambda *ps: loss(model(X)), *model.parameters())
    message = str(err.value)
    assert "none of the checked inputs received a gradient" in message
    assert "gradcheck_module(model, lambda: loss(model(X)))" in message
    assert (
        gradcheck(lambda *ps: loss(model(X)), *model.parameters(), raise_exception=False) is False
    )


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (
            lambda: gradcheck(lambda t: t * 2, tg.Tensor(np.ones(2))),
            GradcheckError,
            "expected at least one input to check",
        ),
        (
            lambda: gradcheck(lambda t: t * 2, np.ones(2), elements=[]),
            ValueError,
            "at least one element index",
        ),
        (
            lambda: gradcheck(lambda t: t * 2, np.ones(2), fast=True, directions=0),
            ValueError,
            "directions >= 1",
        ),
    ],
)
def test_gradcheck_other_ways_to_check_nothing_fail(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_gradgradcheck_fails_when_fn_ignores_its_arguments():
    from tinygrad_edu.testing import gradgradcheck

    model, X, Y = _small_model()
    with pytest.raises(GradcheckError, match="gradgradcheck: none of the checked inputs"):
        gradgradcheck(lambda *ps: losses.mse(model(X), Y), *model.parameters())
    assert gradgradcheck(lambda x: (x * 2.0).sum(), np.ones(3))  # linear: second derivative 0


def test_gradcheck_module_checks_the_models_own_parameters():
    model, X, Y = _small_model()
    before = [p.data.copy() for p in model.parameters()]
    loss_fn = lambda: losses.binary_cross_entropy_with_logits(model(X), Y)  # noqa: E731
    assert gradcheck_module(model, loss_fn)
    assert gradcheck_module(model, loss_fn, fast=True)
    assert gradcheck_module(model, loss_fn, elements=2)
    for p, b in zip(model.parameters(), before, strict=True):
        np.testing.assert_array_equal(p.data, b)  # restored exactly
        assert p.grad is None


class _WrongTanh(tg.Function):
    """out = tanh(x);  dx = dout * (1 - out**2) * 1.01   (one per cent off, on purpose)"""

    name = "wrong_tanh"

    def forward(self, x):
        out = np.tanh(x)
        self.saved = (out,)
        return out

    def backward(self, dout):
        (out,) = self.saved
        return (dout * (1 - out * out) * 1.01,)


@pytest.mark.parametrize("mode", [{}, {"fast": True}, {"elements": 3}])
def test_gradcheck_every_mode_catches_a_wrong_gradient(mode):
    x = np.random.RandomState(0).randn(4, 5)
    assert gradcheck(lambda t: t.tanh(), x, **mode)
    with pytest.raises(GradcheckError):
        gradcheck(lambda t: _WrongTanh().apply(t), x, **mode)


def test_gradcheck_elements_checks_only_that_many_elements():
    calls = []

    def fn(t):
        calls.append(1)
        return (t * t).sum()

    x = np.random.RandomState(0).randn(50, 40)
    assert gradcheck(fn, x, elements=10)
    assert len(calls) == 1 + 2 * 10  # one backward pass, then two evaluations per element
    calls.clear()
    assert gradcheck(fn, x, fast=True, directions=3)
    assert len(calls) == 1 + 2 * 3  # whatever the size


def test_gradcheck_fast_mode_checks_a_course_sized_layer(capsys):
    """The course's first deep layer, 12288 -> 20, on 209 examples: 245,780 parameters. The full
    check would take about a million evaluations; fast=True takes five. Its time is printed
    (not asserted: wall-clock belongs in benchmarks/)."""
    rng = np.random.RandomState(1)
    model = nn.Linear(12288, 20, rng=rng)
    X, Y = rng.rand(209, 12288), rng.rand(209, 20)
    start = time.perf_counter()
    assert gradcheck_module(model, lambda: losses.mse(model(X).tanh(), Y), fast=True)
    seconds = time.perf_counter() - start
    with capsys.disabled():
        print(f"\ngradcheck_module(Linear(12288, 20), fast=True): {seconds:.2f} s")
    wrong = lambda: losses.mse(_WrongTanh().apply(model(X)), Y)  # noqa: E731
    with pytest.raises(GradcheckError, match="fast"):
        gradcheck_module(model, wrong, fast=True)


# =================================================================================================
# Creation sites and warnings point at the user's line, through the ops/ and tensor/ packages
# =================================================================================================


@pytest.mark.parametrize(
    ("make", "via"),
    [
        (lambda x: x * 2.0, None),  # an operator (tensor/tensor.py)
        (lambda x: x.sum(), None),  # a method
        (lambda x: np.exp(x), None),  # numpy dispatch (tensor/numpy_api.py)
        (lambda x: np.sum(x, axis=0), None),
        (lambda x: tg.stack([x, x]), None),  # tensor/functions.py
        (lambda x: tg.Function.apply(_WrongTanh(), x), None),  # ops/base.py
        (lambda x: nn.Tanh()(x), "activation.py"),  # a layer: shown as the way through
        (lambda x: losses.mse(x, np.zeros(2)), "losses.py"),
    ],
)
def test_sites_point_at_the_users_line(make, via):
    x = leaf([1.0, 2.0])
    with tg.record_sites():
        y = make(x)
    site = tg.debug.creation_site(y)  # the user's line: the lambda's own, in the list above
    assert (site.filename, site.lineno, site.function) == (
        __file__, make.__code__.co_firstlineno, "<lambda>")  # fmt: skip
    if via is None:
        assert site.via is None
    else:
        assert site.via.filename.endswith(via)


def test_sites_of_ops_recorded_by_a_create_graph_backward_point_at_the_users_line():
    x = leaf([1.0, 2.0])
    with tg.record_sites():
        (g,) = tg.grad((x**3).sum(), x, create_graph=True)
    line = sys._getframe().f_lineno - 1
    site = tg.debug.creation_site(g)
    assert (site.filename, site.lineno) == (__file__, line)
    assert site.via is None  # autograd.grad is the engine at work, not a layer in between


def test_sites_warnings_point_at_the_users_line():
    with pytest.warns(tg.LogOfZeroWarning) as seen:
        tg.Tensor([0.0, 1.0]).log()
    assert seen[0].filename == __file__
    with pytest.warns(tg.LogOfZeroWarning) as seen:
        np.log(tg.Tensor([0.0, 1.0]))  # through numpy's dispatch
    assert seen[0].filename == __file__
