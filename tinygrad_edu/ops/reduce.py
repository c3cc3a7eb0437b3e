"""Reductions (sum, max, min, logsumexp, norm) and the softmax family.

Layer: ``ops`` (imports numpy only).
"""

from __future__ import annotations

import numpy as np

from tinygrad_edu.ops.base import Op, _expand_reduced

# ---------------------------------------------------------------------------------------------
# Reductions
# ---------------------------------------------------------------------------------------------


class Sum(Op):
    """out = sum(x, axis);  dx = dout broadcast back to x's shape"""

    __slots__ = ("axis", "keepdims", "in_shape")

    def __init__(self, axis, keepdims: bool):
        self.axis, self.keepdims = axis, keepdims

    def forward(self, x):
        self.saved = ()
        self.in_shape = x.shape
        return np.sum(x, axis=self.axis, keepdims=self.keepdims)

    def backward(self, dout):
        dout = _expand_reduced(dout, self.axis, self.keepdims)
        return (np.broadcast_to(dout, self.in_shape),)


class Max(Op):
    """out = max(x, axis);  dx = dout at the maximum

    Tied maxima share dout evenly, as PyTorch's amax does.
    """

    __slots__ = ("axis", "keepdims", "fn")

    def __init__(self, axis, keepdims: bool, fn=np.max):
        self.axis, self.keepdims, self.fn = axis, keepdims, fn

    def forward(self, x):
        out = self.fn(x, axis=self.axis, keepdims=self.keepdims)
        self.saved = (x, out)
        return out

    def backward(self, dout):
        x, out = self.saved
        out = _expand_reduced(out, self.axis, self.keepdims)
        dout = _expand_reduced(dout, self.axis, self.keepdims)
        winners = x == out
        count = np.sum(winners, axis=self.axis, keepdims=True)
        return (np.where(winners, dout / count, 0),)


class Min(Max):
    """out = min(x, axis);  dx = dout at the minimum; ties share dout evenly"""

    __slots__ = ()

    def __init__(self, axis, keepdims: bool):
        super().__init__(axis, keepdims, fn=np.min)


class LogSumExp(Op):
    """out = log(sum(exp(x), axis));  dx = dout * exp(x - out)   (= dout * softmax(x))

    Shifted by the maximum so exp never overflows: finite at x = +-1000 in float32 and float64.
    """

    __slots__ = ("axis", "keepdims")

    def __init__(self, axis, keepdims: bool):
        self.axis, self.keepdims = axis, keepdims

    def forward(self, x):
        shift = np.max(x, axis=self.axis, keepdims=True)
        shift = np.where(np.isfinite(shift), shift, 0)  # all -inf: log(0) = -inf, not NaN
        out = np.log(np.sum(np.exp(x - shift), axis=self.axis, keepdims=True)) + shift
        self.saved = (x, out)
        return out if self.keepdims else np.squeeze(out, axis=self.axis)

    def backward(self, dout):
        x, out = self.saved
        dout = _expand_reduced(dout, self.axis, self.keepdims)
        return (dout * np.exp(x - out),)


class Norm(Op):
    """out = sqrt(sum(x**2, axis));  dx = dout * x / out,  taken as 0 where out == 0

    Primitive (not sqrt(sum(x*x))) because the composite's gradient at x = 0 is 0 * inf = NaN;
    0 is the minimum-norm subgradient there, as in PyTorch.
    """

    __slots__ = ("axis", "keepdims")

    def __init__(self, axis, keepdims: bool):
        self.axis, self.keepdims = axis, keepdims

    def forward(self, x):
        out = np.sqrt(np.sum(x * x, axis=self.axis, keepdims=self.keepdims))
        self.saved = (x, out)
        return out

    def backward(self, dout):
        x, out = self.saved
        out = _expand_reduced(out, self.axis, self.keepdims)
        dout = _expand_reduced(dout, self.axis, self.keepdims)
        with np.errstate(divide="ignore", invalid="ignore"):
            scale = np.where(out == 0, 0, dout / out)
        return (x * scale,)


# ---------------------------------------------------------------------------------------------
# Softmax family (normalised along one axis)
# ---------------------------------------------------------------------------------------------


class Softmax(Op):
    """out = exp(x) / sum(exp(x), axis);  dx = out * (dout - sum(dout * out, axis))

    Shifted by the maximum, so it never overflows.
    """

    __slots__ = ("axis",)

    def __init__(self, axis: int):
        self.axis = axis

    def forward(self, x):
        e = np.exp(x - np.max(x, axis=self.axis, keepdims=True))
        out = e / np.sum(e, axis=self.axis, keepdims=True)
        self.saved = (out,)
        return out

    def backward(self, dout):
        out = self.saved[0]
        return (out * (dout - np.sum(dout * out, axis=self.axis, keepdims=True)),)


class LogSoftmax(Op):
    """out = x - logsumexp(x, axis);  dx = dout - exp(out) * sum(dout, axis)

    Primitive for stability: log(softmax(x)) gives log(0) = -inf for very negative logits.
    """

    __slots__ = ("axis",)

    def __init__(self, axis: int):
        self.axis = axis

    def forward(self, x):
        shifted = x - np.max(x, axis=self.axis, keepdims=True)
        out = shifted - np.log(np.sum(np.exp(shifted), axis=self.axis, keepdims=True))
        self.saved = (out,)
        return out

    def backward(self, dout):
        out = self.saved[0]
        return (dout - np.exp(out) * np.sum(dout, axis=self.axis, keepdims=True),)
