"""Scans along one axis: cumulative sum and cumulative product.

Layer: ``ops`` (imports numpy only).

Both are primitives for speed: as composites they would need a triangular matrix of size n**2
per row; here they are one numpy call forward and O(n) backward (cumprod's backward is O(n**2)
only where the input holds an exact zero).
"""

from __future__ import annotations

import numpy as np

from tinygrad_edu.ops.base import Function, all_nonzero


def _reversed(a, axis: int):
    """``a`` read backwards along ``axis`` (basic indexing: a view of an array; ``getitem`` on a
    tensor, so it also works under create_graph=True)."""
    return a[(slice(None),) * axis + (slice(None, None, -1),)]


class Cumsum(Function):
    """out = cumsum(x, axis);  dx = reverse cumsum of dout along axis

    out_j = x_0 + ... + x_j, so x_i reaches every out_j with j >= i: dx_i = dout_i + ... +
    dout_{n-1}, a cumulative sum from the far end.
    """

    name = "cumsum"
    __slots__ = ("axis",)

    def __init__(self, axis: int):
        self.axis = axis

    def forward(self, x):
        self.saved = ()
        return np.cumsum(x, axis=self.axis)

    def backward(self, dout):
        axis = self.axis
        return (_reversed(Cumsum(axis).apply(_reversed(dout, axis)), axis),)


class Cumprod(Function):
    """out = cumprod(x, axis);  dx = reverse cumsum(dout * out) / x, exact where x holds zeros

    out_j = x_0 * ... * x_j, so d out_j / d x_i = out_j / x_i for j >= i. Where x has an exact 0
    that division is 0 / 0; there the derivative is taken as the product of the other factors
    (as PyTorch does), computed for each i from a copy of x with x_i replaced by 1: O(n**2) per
    row, only for rows that hold a zero.
    """

    name = "cumprod"
    __slots__ = ("axis",)

    def __init__(self, axis: int):
        self.axis = axis

    def forward(self, x):
        out = np.cumprod(x, axis=self.axis)
        self.saved = (x, out)
        return out

    def backward(self, dout):
        x, out = self.saved
        axis = self.axis
        if all_nonzero(x):  # no zero factor: the short rule
            return (_reversed(Cumsum(axis).apply(_reversed(dout * out, axis)), axis) / x,)
        # With zeros: move the axis last, (..., n), and build Y (..., n, n) whose row i is x with
        # x_i replaced by 1; then cumprod(Y)[..., i, j] = prod_{k <= j, k != i} x_k and
        # dx_i = sum_{j >= i} dout_j * cumprod(Y)[..., i, j].
        xs = np.swapaxes(x, axis, -1)
        ds = np.swapaxes(dout, axis, -1)
        n = xs.shape[-1]
        diagonal = np.eye(n, dtype=bool)
        ys = np.where(diagonal, 1, np.expand_dims(xs, -2))  # (..., n, n)
        prods = Cumprod(ys.ndim - 1).apply(ys)
        later = np.triu(np.ones((n, n), dtype=bool))  # j >= i
        terms = np.where(later, np.expand_dims(ds, -2) * prods, 0)
        return (np.swapaxes(terms.sum(axis=-1), axis, -1),)
