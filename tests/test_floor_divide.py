"""``//``, ``%`` and ``divmod`` on tensors, as PyTorch's ``floor_divide`` and ``remainder`` (and
numpy's, and Python's: the quotient rounds toward -inf, the remainder has the divisor's sign).

``%``'s gradients are in the op table (tests/op_cases_division.py); here: the values against torch
and numpy at every sign, the dtypes, ``//`` as a constant, the numpy ufuncs, the reflected and
augmented operators, and the zero-divisor rule of the op table.
"""

from __future__ import annotations

import numpy as np
import pytest

import tinygrad_edu as tg
from tinygrad_edu.tensor import Tensor

X = np.array([7.0, -7.0, 7.0, -7.0, 6.0, -6.0, 0.0, 5.5, -5.5, 1e-3])
Y = np.array([2.0, 2.0, -2.0, -2.0, 3.0, 3.0, -3.0, 0.5, 2.5, -1.0])
X_NONZERO = np.where(X == 0, 0.25, X)  # for tests that divide by it


def test_values_match_torch_and_numpy_at_every_sign():
    torch = pytest.importorskip("torch")
    tx, ty = torch.tensor(X), torch.tensor(Y)
    np.testing.assert_array_equal((Tensor(X) // Tensor(Y)).data, torch.floor_divide(tx, ty))
    np.testing.assert_array_equal((Tensor(X) % Tensor(Y)).data, torch.remainder(tx, ty))
    np.testing.assert_array_equal((Tensor(X) // Tensor(Y)).data, np.floor_divide(X, Y))
    np.testing.assert_array_equal((Tensor(X) % Tensor(Y)).data, np.remainder(X, Y))
    # Python's own operators on the numbers, element by element
    assert (Tensor(X) // Tensor(Y)).data.tolist() == [a // b for a, b in zip(X, Y, strict=True)]
    assert (Tensor(X) % Tensor(Y)).data.tolist() == [a % b for a, b in zip(X, Y, strict=True)]


def test_the_remainder_has_the_divisors_sign_and_the_identity_holds():
    q, r = divmod(Tensor(X), Tensor(Y))
    np.testing.assert_allclose((q * Tensor(Y) + r).data, X, rtol=1e-15, atol=1e-15)
    nonzero = r.data != 0
    assert np.all(np.sign(r.data[nonzero]) == np.sign(Y[nonzero]))
    assert np.all(np.abs(r.data) < np.abs(Y))


def test_integer_tensors_stay_integer_as_in_torch():
    torch = pytest.importorskip("torch")
    a = np.array([7, -7, 7, -7, 0], dtype=np.int64)
    b = np.array([2, 2, -2, -2, 5], dtype=np.int64)
    q, r = divmod(Tensor(a), Tensor(b))
    assert q.dtype == np.int64 and r.dtype == np.int64
    assert q.data.tolist() == torch.floor_divide(torch.tensor(a), torch.tensor(b)).tolist()
    assert r.data.tolist() == torch.remainder(torch.tensor(a), torch.tensor(b)).tolist()


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_a_python_number_takes_the_tensors_float_dtype(dtype):
    x = Tensor(X_NONZERO.astype(dtype), requires_grad=True)
    assert (x // 2.0).dtype == dtype and (x % 2.0).dtype == dtype
    assert (3.0 // x).dtype == dtype and (3.0 % x).dtype == dtype
    (x % 2.0).sum().backward()
    assert x.grad.dtype == dtype


def test_floor_divide_is_a_constant_that_cuts_the_graph_as_floor_does():
    x = Tensor(X, requires_grad=True)
    y = Tensor(Y, requires_grad=True)
    for q in (x // y, x // 2.0, 7.0 // y, x.floor_divide(y), np.floor_divide(x, y)):
        assert not q.requires_grad and q.is_leaf
    # beside a differentiable path, it contributes nothing (torch would raise in backward)
    J = (x * 3.0 + (x // y)).sum()
    J.backward()
    np.testing.assert_array_equal(x.grad, np.full(X.shape, 3.0))
    assert y.grad is None


def test_remainder_gradients_match_torch_with_a_number_on_either_side():
    torch = pytest.importorskip("torch")
    xs = np.array([5.3, -5.3, 2.2, -0.7])
    ys = np.array([2.0, 2.0, -1.5, 0.5])
    x, y = Tensor(xs, requires_grad=True), Tensor(ys, requires_grad=True)
    tx = torch.tensor(xs, requires_grad=True)
    ty = torch.tensor(ys, requires_grad=True)
    ((x % y) * Tensor([1.0, 2.0, 3.0, 4.0])).sum().backward()
    (
        torch.remainder(tx, ty) * torch.tensor([1.0, 2.0, 3.0, 4.0], dtype=torch.float64)
    ).sum().backward()
    np.testing.assert_array_equal(x.grad, tx.grad.numpy())
    np.testing.assert_array_equal(y.grad, ty.grad.numpy())  # -floor(x / y)
    np.testing.assert_array_equal(y.grad, -np.floor(xs / ys) * [1.0, 2.0, 3.0, 4.0])


def test_a_zero_divisor_keeps_a_zero_upstream_gradient_zero():
    """The op table's rule for infinite local derivatives: 0 * (-floor(x / 0)) is 0, not NaN."""
    x = Tensor([1.0, 2.0], requires_grad=True)
    y = Tensor([0.0, 3.0], requires_grad=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = x % y
        (out * Tensor([0.0, 1.0])).sum().backward()
    assert np.isnan(out.data[0])  # numpy's and torch's value at y = 0
    assert y.grad.tolist() == [0.0, -0.0] and x.grad.tolist() == [0.0, 1.0]


def test_numpy_ufuncs_and_arrays_on_the_left():
    X = X_NONZERO
    x = Tensor(X, requires_grad=True)
    assert np.remainder(x, 2.0).op == "remainder" and np.mod(x, 2.0).op == "remainder"
    q, r = np.divmod(x, 2.0)
    np.testing.assert_array_equal(q.data, np.floor_divide(X, 2.0))
    np.testing.assert_array_equal(r.data, np.remainder(X, 2.0))
    assert r.requires_grad and not q.requires_grad
    # an ndarray on the left: numpy hands the operator to the tensor
    for got, expected in [
        (Y % x, np.remainder(Y, X)),
        (Y // x, np.floor_divide(Y, X)),
        (divmod(Y, x)[1], np.remainder(Y, X)),
    ]:
        assert isinstance(got, Tensor)
        np.testing.assert_array_equal(got.data, expected)
    assert (Y % x).requires_grad
    q, r = divmod(3.0, Tensor([2.0, -2.0]))
    assert q.data.tolist() == [1.0, -2.0] and r.data.tolist() == [1.0, -1.0]


def test_broadcasting_and_shape_errors():
    x = Tensor(np.arange(6.0).reshape(2, 3) + 0.5, requires_grad=True)
    y = Tensor([[2.0], [-3.0]], requires_grad=True)
    (x % y).sum().backward()
    assert x.grad.shape == (2, 3) and y.grad.shape == (2, 1)
    np.testing.assert_array_equal(y.grad, -np.floor(x.data / y.data).sum(axis=1, keepdims=True))
    with pytest.raises(ValueError, match="remainder"):
        x % Tensor(np.ones(4))


def test_augmented_assignment_follows_the_other_operators():
    t = Tensor([7.0, -7.0])
    same = t
    t //= 2.0
    assert t is same and t.data.tolist() == [3.0, -4.0]  # in place, as numpy
    t %= 2.0
    assert t is same and t.data.tolist() == [1.0, 0.0]
    w = Tensor([7.0, -7.0], requires_grad=True)
    with pytest.raises(RuntimeError, match="%="):
        w %= 2.0
    with pytest.raises(RuntimeError, match="//="):
        w //= 2.0
    with tg.no_grad():
        w %= 2.0
    assert w.data.tolist() == [1.0, 1.0] and w.is_leaf and w.requires_grad
    h = w * 1.0  # a result with a graph: %= builds a new tensor, as += does
    before = h
    h %= 0.75
    assert h is not before and h.op == "remainder"
