"""Reductions (sum, max, min, logsumexp, norm) and the softmax family.

Layer: ``ops`` (imports numpy only).
"""

from __future__ import annotations

import numpy as np

from tinygrad_edu.ops.base import Function, _expand_reduced, broadcast_view

# ---------------------------------------------------------------------------------------------
# Reductions
# ---------------------------------------------------------------------------------------------


class Sum(Function):
    """out = sum(x, axis);  dx = dout broadcast back to x's shape"""

    name = "sum"
    __slots__ = ("axis", "keepdims", "in_shape")

    def __init__(self, axis, keepdims: bool):
        self.axis, self.keepdims = axis, keepdims

    def forward(self, x):
        self.saved = ()
        self.in_shape = x.shape
        # np.add.reduce is np.sum without its Python-level wrappers
        return np.add.reduce(x, axis=self.axis, keepdims=self.keepdims)

    def backward(self, dout):
        dout = _expand_reduced(dout, self.axis, self.keepdims)
        return (broadcast_view(dout, self.in_shape),)


class Max(Function):
    """out = max(x, axis);  dx = dout at the maximum

    Tied maxima share dout evenly, as PyTorch's amax does.
    """

    name = "max"
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

    name = "min"
    __slots__ = ()

    def __init__(self, axis, keepdims: bool):
        super().__init__(axis, keepdims, fn=np.min)


class LogSumExp(Function):
    """out = log(sum(exp(x), axis));  dx = dout * exp(x - out)   (= dout * softmax(x))

    Shifted by the maximum so exp never overflows: finite at x = +-1000 in float32 and float64.
    """

    name = "logsumexp"
    __slots__ = ("axis", "keepdims")

    def __init__(self, axis, keepdims: bool):
        self.axis, self.keepdims = axis, keepdims

    def forward(self, x):
        shift = np.max(x, axis=self.axis, keepdims=True)
        shift = np.where(np.isfinite(shift), shift, 0)  # all -inf: log(0) = -inf, not NaN
        out = np.log(np.sum(np.exp(x - shift), axis=self.axis, keepdims=True)) + shift
        if not self.keepdims:
            out = np.squeeze(out, axis=self.axis)
        self.saved = (x, out)  # the returned array itself (create_graph differentiates through it)
        return out

    def backward(self, dout):
        x, out = self.saved
        out = _expand_reduced(out, self.axis, self.keepdims)
        dout = _expand_reduced(dout, self.axis, self.keepdims)
        return (dout * np.exp(x - out),)


class Norm(Function):
    """out = sqrt(sum(x**2, axis));  dx = dout * x / out,  taken as 0 where out == 0

    Primitive (not sqrt(sum(x*x))) because the composite's gradient at x = 0 is 0 * inf = NaN;
    0 is the minimum-norm subgradient there, as in PyTorch.
    """

    name = "norm"
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
        zero = out == 0
        # Divide by 1 where the norm is 0, then drop those entries: dout / 0 is never formed, so a
        # second derivative through this rule stays finite too.
        return (x * np.where(zero, 0, dout / np.where(zero, 1, out)),)


class Std(Function):
    """out = std(x, axis, ddof);  dx = dout * (x - mean) / ((n - ddof) * out), 0 where out == 0

    ``out = sqrt(sum((x - mean)**2, axis) / (n - ddof))``, numpy's ``std``.

    Primitive (not sqrt(var)) because the composite's gradient where all values are equal (out = 0)
    is inf * 0 = NaN; 0 is the minimum-norm subgradient there, matching ``norm`` at the origin, so a
    constant row in a layer-norm style ``(x - mean) / (std + eps)`` gets a zero gradient.
    """

    name = "std"
    __slots__ = ("axis", "keepdims", "ddof")

    def __init__(self, axis, keepdims: bool, ddof: int):
        self.axis, self.keepdims, self.ddof = axis, keepdims, ddof

    def forward(self, x):
        out = np.std(x, axis=self.axis, keepdims=self.keepdims, ddof=self.ddof)
        self.saved = (x, out)
        return out

    def backward(self, dout):
        x, out = self.saved
        count = x.size if self.axis is None else int(np.prod([x.shape[a] for a in self.axis]))
        out = _expand_reduced(out, self.axis, self.keepdims)
        dout = _expand_reduced(dout, self.axis, self.keepdims)
        centered = x - np.mean(x, axis=self.axis, keepdims=True)
        zero = out == 0
        scale = np.where(zero, 0, dout / (np.where(zero, 1, out) * (count - self.ddof)))
        return (centered * scale,)


# ---------------------------------------------------------------------------------------------
# Softmax family (normalised along one axis)
# ---------------------------------------------------------------------------------------------


class Softmax(Function):
    """out = exp(x) / sum(exp(x), axis);  dx = out * (dout - sum(dout * out, axis))

    Shifted by the maximum, so it never overflows.
    """

    name = "softmax"
    __slots__ = ("axis",)

    def __init__(self, axis: int):
        self.axis = axis

    def forward(self, x):
        e = np.exp(x - x.max(axis=self.axis, keepdims=True))
        out = e / e.sum(axis=self.axis, keepdims=True)
        self.saved = (out,)
        return out

    def backward(self, dout):
        out = self.saved[0]
        return (out * (dout - (dout * out).sum(axis=self.axis, keepdims=True)),)


class LogSoftmax(Function):
    """out = x - logsumexp(x, axis);  dx = dout - exp(out) * sum(dout, axis)

    Primitive for stability: log(softmax(x)) gives log(0) = -inf for very negative logits.
    """

    name = "log_softmax"
    __slots__ = ("axis",)

    def __init__(self, axis: int):
        self.axis = axis

    def forward(self, x):
        shifted = x - x.max(axis=self.axis, keepdims=True)
        out = shifted - np.log(np.exp(shifted).sum(axis=self.axis, keepdims=True))
        self.saved = (out,)
        return out

    def backward(self, dout):
        out = self.saved[0]
        # Array methods rather than np.sum: the same call on tensors (create_graph=True), without
        # np.sum's Python-level wrapper on arrays.
        return (dout - np.exp(out) * dout.sum(axis=self.axis, keepdims=True),)
