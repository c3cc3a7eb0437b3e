"""Hypothesis strategies for property tests of tensor code (yours and tinygrad_edu's own).

Layer: ``testing``. Requires hypothesis (``pip install "tinygrad_edu[test]"``).

>>> from hypothesis import given
>>> from tinygrad_edu.testing import gradcheck
>>> from tinygrad_edu.testing import strategies as tst
>>> @given(tst.arrays(tst.shapes()))
... def test_tanh_gradient(x):
...     assert gradcheck(lambda t: t.tanh(), x)
>>> test_tanh_gradient()
"""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

__all__ = [
    "arrays",
    "away_from",
    "broadcastable_shapes",
    "matmul_shapes",
    "nonzero_arrays",
    "positive_arrays",
    "reduction_axes",
    "shapes",
]


def shapes(min_dims: int = 0, max_dims: int = 3, min_side: int = 1, max_side: int = 4):
    """Array shapes, e.g. ``()``, ``(3,)``, ``(2, 1, 4)``."""
    return hnp.array_shapes(min_dims=min_dims, max_dims=max_dims, min_side=min_side,
                            max_side=max_side)  # fmt: skip


def _floats(lo: float, hi: float, dtype) -> st.SearchStrategy[float]:
    if np.dtype(dtype) == np.float32:
        return st.floats(lo, hi, allow_nan=False, allow_infinity=False, width=32)
    return st.floats(lo, hi, allow_nan=False, allow_infinity=False, width=64)


def arrays(shape, dtype=np.float64, min_value: float = -3.0, max_value: float = 3.0,
           unique: bool = False, elements=None):  # fmt: skip
    """Arrays of ``shape`` (a tuple or a strategy of shapes) with bounded finite floats."""
    elements = elements if elements is not None else _floats(min_value, max_value, dtype)
    return hnp.arrays(dtype, shape, elements=elements, unique=unique)


def positive_arrays(shape, dtype=np.float64, min_value: float = 0.1, max_value: float = 3.0):
    """Arrays with values in [min_value, max_value] (for log, sqrt, the base of a power)."""
    return arrays(shape, dtype, min_value, max_value)


def away_from(point: float, distance: float = 0.05, low: float = -3.0, high: float = 3.0,
              dtype=np.float64):  # fmt: skip
    """Floats in [low, high] at least ``distance`` from ``point`` (a kink such as ReLU's 0)."""
    below = _floats(low, point - distance, dtype)
    above = _floats(point + distance, high, dtype)
    return st.one_of(below, above)


def nonzero_arrays(shape, dtype=np.float64, distance: float = 0.1, max_value: float = 3.0,
                   unique: bool = False):  # fmt: skip
    """Arrays whose values are at least ``distance`` away from zero (divisors, |x|, relu)."""
    return hnp.arrays(dtype, shape, elements=away_from(0.0, distance, -max_value, max_value, dtype),
                      unique=unique)  # fmt: skip


def broadcastable_shapes(num_shapes: int = 2, min_dims: int = 0, max_dims: int = 3,
                         max_side: int = 4):  # fmt: skip
    """Tuples of ``num_shapes`` shapes that broadcast together, e.g. ``((1, 3), (4, 3))``."""
    return hnp.mutually_broadcastable_shapes(
        num_shapes=num_shapes, min_dims=min_dims, max_dims=max_dims, max_side=max_side
    ).map(lambda b: b.input_shapes)


@st.composite
def reduction_axes(draw, ndim: int):
    """An ``axis`` for a tensor of ``ndim`` dims: None, an int (maybe negative) or a tuple."""
    if ndim == 0:
        return None
    kind = draw(st.sampled_from(["none", "int", "tuple"]))
    if kind == "none":
        return None
    if kind == "int":
        return draw(st.integers(-ndim, ndim - 1))
    axes = draw(st.lists(st.integers(0, ndim - 1), min_size=1, max_size=ndim, unique=True))
    return tuple(a - ndim if draw(st.booleans()) else a for a in axes)


@st.composite
def matmul_shapes(draw, max_batch_dims: int = 2, max_side: int = 4):
    """A pair of shapes valid for ``x @ y`` under numpy's rules: 1-D, 2-D and broadcast batches."""
    n, m, p = (draw(st.integers(1, max_side)) for _ in range(3))
    kind = draw(st.sampled_from(["vv", "vm", "mv", "mm", "batched"]))
    if kind == "vv":
        return (n,), (n,)
    if kind == "vm":
        return (n,), (n, p)
    if kind == "mv":
        return (m, n), (n,)
    if kind == "mm":
        return (m, n), (n, p)
    bx, by = draw(broadcastable_shapes(2, min_dims=1, max_dims=max_batch_dims, max_side=3))
    form = draw(st.sampled_from(["both", "vector_x", "vector_y"]))
    if form == "vector_x":
        return (n,), (*by, n, p)
    if form == "vector_y":
        return (*bx, m, n), (n,)
    return (*bx, m, n), (*by, n, p)
