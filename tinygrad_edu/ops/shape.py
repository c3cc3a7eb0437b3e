"""Shape and indexing ops: reshape, transpose, broadcast, indexing, concatenation, where.

Layer: ``ops`` (imports numpy only).
"""

from __future__ import annotations

import numpy as np

from tinygrad_edu.ops.base import Function

# ---------------------------------------------------------------------------------------------
# Shape and indexing ops
# ---------------------------------------------------------------------------------------------


class Reshape(Function):
    """out = x.reshape(shape);  dx = dout.reshape(x.shape)"""

    name = "reshape"
    __slots__ = ("shape", "in_shape")

    def __init__(self, shape):
        self.shape = shape

    def forward(self, x):
        self.saved = ()
        self.in_shape = x.shape
        return x.reshape(self.shape)

    def backward(self, dout):
        return (dout.reshape(self.in_shape),)

    def describe_error(self, shapes, err):
        (sx,) = shapes
        size = int(np.prod(sx))
        return (
            f"reshape: cannot reshape a tensor of shape {sx} ({size} elements) into "
            f"{tuple(self.shape)}. The new shape must hold the same number of elements; "
            f"use -1 for one dimension to have it inferred."
        )


class Transpose(Function):
    """out = x.transpose(axes);  dx = dout.transpose(inverse permutation)"""

    name = "transpose"
    __slots__ = ("axes",)

    def __init__(self, axes):
        self.axes = axes

    def forward(self, x):
        self.saved = ()
        return np.transpose(x, self.axes)

    def backward(self, dout):
        if self.axes is None:
            return (np.transpose(dout),)
        return (np.transpose(dout, np.argsort(self.axes)),)


class BroadcastTo(Function):
    """out = broadcast_to(x, shape);  dx = dout summed over the broadcast axes

    The sum is the engine's unbroadcast, so this backward is ``dout`` itself. This is the course's
    ``db = np.sum(dZ, axis=1, keepdims=True)`` made visible as a graph node.
    """

    name = "broadcast_to"
    __slots__ = ("shape",)

    broadcasts = True

    def __init__(self, shape):
        self.shape = shape

    def forward(self, x):
        self.saved = ()
        return np.broadcast_to(x, self.shape)

    def backward(self, dout):
        return (dout,)

    def describe_error(self, shapes, err):
        return (
            f"broadcast_to: cannot broadcast shape {shapes[0]} to {tuple(self.shape)}: each "
            f"dimension must be equal or 1 in the input (aligned from the right)."
        )


def _is_basic_index(index) -> bool:
    """True when ``index`` uses only ints, slices, None and Ellipsis (no repeats possible)."""
    parts = index if isinstance(index, tuple) else (index,)
    return all(p is None or p is Ellipsis or isinstance(p, (slice, int, np.integer)) for p in parts)


class GetItem(Function):
    """out = x[index];  dx = scatter_add(dout, index) into zeros of x's shape

    The backward is the ``scatter_add`` op, whose own backward is this one: gradients of
    gradients of indexing need nothing more.
    """

    name = "getitem"
    __slots__ = ("index", "in_shape")

    def __init__(self, index):
        self.index = index

    def forward(self, x):
        self.saved = ()
        self.in_shape = x.shape
        return x[self.index]

    def backward(self, dout):
        return (ScatterAdd(self.index, self.in_shape).apply(dout),)

    def describe_error(self, shapes, err):
        return f"getitem: index {self.index!r} does not fit a tensor of shape {shapes[0]}: {err}"


class ScatterAdd(Function):
    """out = zeros(shape) with x added at index;  dx = dout[index]

    Integer-array indices may repeat an element (``x[[0, 0]]``); ``np.add.at`` then accumulates
    each occurrence instead of keeping only the last one, which plain assignment would do. Basic
    indices (ints, slices) cannot repeat, so they use plain assignment, which is much faster.
    """

    name = "scatter_add"
    __slots__ = ("index", "shape")

    def __init__(self, index, shape):
        self.index, self.shape = index, tuple(shape)

    def forward(self, x):
        self.saved = ()
        out = np.zeros(self.shape, dtype=x.dtype)
        if _is_basic_index(self.index):
            out[self.index] = x
        else:
            np.add.at(out, self.index, x)
        return out

    def backward(self, dout):
        return (GetItem(self.index).apply(dout),)

    def describe_error(self, shapes, err):
        return (
            f"scatter_add: values of shape {shapes[0]} do not fit index {self.index!r} of a "
            f"tensor of shape {self.shape}: {err}"
        )


class Concatenate(Function):
    """out = concatenate(xs, axis);  dx_i = the slice of dout that came from x_i"""

    name = "concatenate"
    __slots__ = ("axis", "splits")

    def __init__(self, axis: int):
        self.axis = axis

    def forward(self, *xs):
        self.saved = ()
        out = np.concatenate(xs, axis=self.axis)
        self.splits = np.cumsum([x.shape[self.axis] for x in xs])[:-1]
        return out

    def backward(self, dout):
        pieces = np.split(dout, self.splits, axis=self.axis)
        return tuple(p if need else None for p, need in zip(pieces, self.needs, strict=True))

    def describe_error(self, shapes, err):
        return (
            f"concatenate: along axis {self.axis} all other dimensions must match, got shapes "
            f"{', '.join(map(str, shapes))}."
        )


class Where(Function):
    """out = where(cond, x, y);  dx = dout where cond,  dy = dout where not cond  (cond: no grad)"""

    name = "where"
    __slots__ = ("cond",)

    broadcasts = True
    elementwise = True

    def __init__(self, cond: np.ndarray):
        self.cond = cond

    def forward(self, x, y):
        self.saved = (self.cond,)  # so that writing into cond before backward is detected
        return np.where(self.cond, x, y)

    def backward(self, dout):
        nx, ny = self.needs
        dx = np.where(self.cond, dout, 0) if nx else None
        dy = np.where(self.cond, 0, dout) if ny else None
        return (dx, dy)

    def describe_error(self, shapes, err):
        return (
            f"where: condition, x and y cannot be broadcast together: cond.shape="
            f"{self.cond.shape}, x.shape={shapes[0]}, y.shape={shapes[1]}."
        )
