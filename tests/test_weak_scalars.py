"""Python numbers with integer and bool tensors follow numpy's NEP 50 ("weak" Python scalars).

The oracle is numpy itself: the same operator on the tensor's array and the same Python number
gives the result's dtype and values (or the exception type) the tensor must give. An int64
tensor plus 2 stays int64, an int8 tensor plus 2 stays int8, plus 2.5 gives float64, and a bool
tensor plus 1 gives numpy's default int. Float tensors keep their dtype (tests elsewhere).
"""

from __future__ import annotations

import operator
import warnings

import numpy as np
import pytest

import tinygrad_edu as tg
from tinygrad_edu.tensor import Tensor

DTYPES = [np.int8, np.int32, np.int64, np.uint8, np.bool_]
SCALARS = [2, 3, 1, 2.5, -1.5, True, False]
OPERATORS = [
    operator.add,
    operator.sub,
    operator.mul,
    operator.truediv,
    operator.floordiv,
    operator.mod,
    operator.pow,
    operator.lt,
    operator.le,
    operator.gt,
    operator.ge,
    operator.eq,
    operator.ne,
]


def _array(dtype) -> np.ndarray:
    if dtype is np.bool_:
        return np.array([True, False, True, True])
    return np.array([1, 2, 5, 7], dtype=dtype)


def _outcome(fn):
    """(dtype, values) of ``fn()``, or the exception type it raises; warnings (0 // 0) ignored."""
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        try:
            out = fn()
        except (TypeError, ValueError, OverflowError, ZeroDivisionError) as err:
            return type(err)
    return out.data if isinstance(out, Tensor) else np.asarray(out)


@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: np.dtype(d).name)
@pytest.mark.parametrize("scalar", SCALARS, ids=repr)
@pytest.mark.parametrize("op", OPERATORS, ids=lambda f: f.__name__)
@pytest.mark.parametrize("reflected", [False, True], ids=["tensor_op_number", "number_op_tensor"])
def test_dtype_and_values_follow_numpy(dtype, scalar, op, reflected):
    arr = _array(dtype)
    t = Tensor(arr)
    # numpy's ``**`` on an array has a shortcut for the exponent 2 (np.square, which has no bool
    # loop: bool ** 2 is int8 there); the ufunc np.power is numpy's rule for every exponent.
    oracle = np.power if op is operator.pow else op
    if reflected:
        expected = _outcome(lambda: oracle(scalar, arr))
        got = _outcome(lambda: op(scalar, t))
    else:
        expected = _outcome(lambda: oracle(arr, scalar))
        got = _outcome(lambda: op(t, scalar))
    if isinstance(expected, type):  # numpy raises (bool - bool, int ** negative int)
        assert got is expected or (isinstance(got, type) and issubclass(got, expected)), got
        return
    assert isinstance(got, np.ndarray), f"numpy gives {expected.dtype}, the tensor raised {got}"
    assert got.dtype == expected.dtype
    np.testing.assert_array_equal(got, expected)


def test_the_examples_of_the_new_user_trial():
    ia = Tensor(np.arange(4))
    assert (ia + 2).dtype == np.int64 and (ia * 2).dtype == np.int64
    assert (ia // 2).dtype == np.int64 and (ia % 3).dtype == np.int64
    assert (ia - ia).dtype == np.int64
    assert (ia + 2.0).dtype == np.float64 and (ia / 2).dtype == np.float64
    i8 = Tensor(np.array([1, 2], dtype=np.int8))
    assert (i8 + 2).dtype == np.int8 and (2 * i8).dtype == np.int8
    b = Tensor(np.array([True, False]))
    assert (b + 1).dtype == (np.array([True]) + 1).dtype


def test_an_int_out_of_the_tensors_range_raises_as_numpy():
    i8 = np.array([1, 2], dtype=np.int8)
    with pytest.raises(OverflowError):
        i8 + 300  # noqa: B018  (numpy's own behaviour, the oracle)
    with pytest.raises(OverflowError, match="300"):
        Tensor(i8) + 300
    # comparisons go straight to numpy: an out-of-range int compares correctly
    np.testing.assert_array_equal((Tensor(i8) < 300).data, i8 < 300)


def test_the_constant_cache_never_mixes_ints_floats_and_bools():
    """1 == 1.0 == True as dict keys: a cached int constant must never serve a float scalar."""
    for dtype in (np.int64, np.int32, np.uint8, np.bool_):
        t = Tensor(_array(dtype))
        for first, second in [(1, 1.0), (1.0, 1), (True, 1.0), (1, True), (2, 2.0)]:
            a, b = t * first, t * second
            assert a.dtype == (_array(dtype) * first).dtype
            assert b.dtype == (_array(dtype) * second).dtype
    x32 = Tensor(np.array([1.0, 2.0], dtype=np.float32))
    for number in (1, 1.0, True, 3, 3.0):
        assert (x32 * number).dtype == np.float32


def test_numpy_functions_on_int_tensors_follow_the_same_rule():
    ia = Tensor(np.arange(4))
    assert np.add(ia, 2).dtype == np.int64
    assert np.multiply(ia, 2.5).dtype == np.float64


def test_float_tensors_still_keep_their_dtype_and_gradients():
    x = tg.Tensor(np.array([1.0, 2.0], dtype=np.float32), requires_grad=True)
    y = (x * 2 + 1) ** 2
    y.sum().backward()
    assert y.dtype == np.float32 and x.grad.dtype == np.float32
    np.testing.assert_allclose(x.grad, 4 * (2 * np.array([1.0, 2.0]) + 1))


@pytest.mark.parametrize("dtype", [np.int8, np.uint8, np.int64, np.uint64, np.bool_])
@pytest.mark.parametrize("number", [300, -1, 2**63, 2**70])
def test_true_division_by_an_int_beyond_the_range_divides_in_float64(dtype, number):
    # numpy's true division of an int array runs in float64, so the int need not fit the
    # array's dtype (NEP 50): int8 / 300 is float64, where int8 + 300 raises.
    arr = _array(dtype) if dtype is not np.uint64 else np.array([1, 2, 5, 7], dtype=dtype)
    t = Tensor(arr)
    with np.errstate(divide="ignore"):  # number / False is inf, as numpy's
        pairs = [
            (arr / number, t / number),
            (number / arr, number / t),
            (np.true_divide(arr, number), np.true_divide(t, number)),
            (np.true_divide(number, arr), np.true_divide(number, t)),
        ]
    for expected, got in pairs:
        assert got.dtype == expected.dtype
        np.testing.assert_array_equal(got.data, expected)
