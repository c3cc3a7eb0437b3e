"""Primitive operations on numpy arrays: forward and backward side by side, one class per op.

Layer: ``ops``, the lowest. Imports numpy only and knows nothing about tensors or graphs.

Every op follows one protocol:

- ``forward(*arrays) -> array`` computes the output and saves in ``self.saved`` what backward needs;
- ``backward(dout) -> tuple`` returns one gradient per input, ``None`` for inputs that need none
  (``self.needs[i]`` is False), so no work is wasted on the gradient of input data.

A gradient returned here has the shape of the op's *output* wherever numpy broadcast an input;
the engine's ``unbroadcast`` (the single place that sums gradients over broadcast axes) reduces it
to the input's shape. That is also why ``Expand.backward`` is just ``dout``.

The first line of each op's docstring states the math: ``out``, then ``dx = dJ/dx`` in terms of
``dout = dJ/dout``. Composite operations (mean, var, softmax-free losses, stack, ...) live in
``tensor`` and need no backward of their own.
"""

from __future__ import annotations

import numpy as np

# ---------------------------------------------------------------------------------------------
# Shared helpers (shape bookkeeping only; no gradient reduction happens here)
# ---------------------------------------------------------------------------------------------


def normalize_axis(axis, ndim: int, op: str = "reduce") -> tuple[int, ...] | None:
    """Turn ``axis`` (None, int, negative int, or tuple) into a sorted tuple of positive axes.

    >>> normalize_axis(-1, 3)
    (2,)
    >>> normalize_axis((0, -1), 2)
    (0, 1)
    """
    if axis is None:
        return None
    axes = (axis,) if isinstance(axis, (int, np.integer)) else tuple(axis)
    out = []
    for a in axes:
        if not isinstance(a, (int, np.integer)):
            raise TypeError(f"{op}: axis must be an int or a tuple of ints, got {axis!r}.")
        if not -ndim <= a < max(ndim, 1):
            raise ValueError(
                f"{op}: axis {a} is out of range for a tensor with {ndim} dimension(s); "
                f"valid axes are {-ndim}..{ndim - 1}."
            )
        out.append(int(a) % max(ndim, 1))
    if len(set(out)) != len(out):
        raise ValueError(f"{op}: repeated axis in {axis!r}.")
    return tuple(sorted(out))


def _expand_reduced(dout: np.ndarray, axes: tuple[int, ...] | None, keepdims: bool) -> np.ndarray:
    """Re-insert the axes a reduction removed, so ``dout`` broadcasts against the input."""
    if keepdims or axes is None:
        return dout  # a 0-d dout (axis=None) broadcasts against anything already
    return np.expand_dims(dout, axes)


class Op:
    """Base class of all primitive ops.

    ``needs`` is a tuple of bools (one per input: does it need a gradient?), set by the tensor layer
    when it records the op. ``forward`` always sets ``saved``: what backward needs, ``()`` if
    nothing. The engine sets it to ``None`` when it releases the graph, which is how a second
    backward through a released graph is detected. (No ``__init__`` here: a Python-level
    constructor call was a twentieth of the per-op cost on small tensors.)
    """

    # ``clock`` (the engine's in-place write clock when the op was recorded) and ``trace`` (its
    # creation site, set only while a debug switch is on) are left unset until used: an unset
    # slot costs nothing, and most ops are never recorded or never traced.
    __slots__ = ("needs", "saved", "clock", "trace")

    broadcasts = False  # True for elementwise ops whose two inputs follow numpy broadcasting

    @property
    def name(self) -> str:
        """The op's display name, e.g. ``'mul'`` (used in errors, reprs and graph drawings)."""
        return type(self).__name__.lower()

    def describe_error(self, shapes: list[tuple[int, ...]], err: Exception) -> str:
        """A teaching message for a numpy error raised by ``forward`` on inputs of ``shapes``."""
        return f"{self.name}: {err} (input shapes {', '.join(map(str, shapes))})."


class _Broadcasting(Op):
    """An elementwise op with two inputs that follows numpy's broadcasting rules."""

    __slots__ = ()

    broadcasts = True

    def describe_error(self, shapes, err):
        sx, sy = shapes
        width = max(len(sx), len(sy))
        px, py = ((1,) * (width - len(s)) + tuple(s) for s in (sx, sy))
        pairs = enumerate(zip(px, py, strict=True))
        clash = [i for i, (a, b) in pairs if a != b and 1 not in (a, b)]
        hint = ""
        if len(sx) != len(sy) and 1 in (len(sx), len(sy)):
            hint = (
                " A rank-1 array of shape (n,) broadcasts as a row (1, n); if you meant a column,"
                " reshape it to (n, 1)."
            )
        return (
            f"{self.name}: shapes cannot be broadcast together: x.shape={sx}, y.shape={sy}. "
            f"Aligned from the right they are {px} and {py}; at axis "
            f"{', '.join(map(str, clash))} the sizes differ and neither is 1.{hint}"
        )


# ---------------------------------------------------------------------------------------------
# Elementwise binary ops
# ---------------------------------------------------------------------------------------------


class Add(_Broadcasting):
    """out = x + y;  dx = dout,  dy = dout"""

    __slots__ = ()

    def forward(self, x, y):
        self.saved = ()
        return x + y

    def backward(self, dout):
        nx, ny = self.needs
        return (dout if nx else None, dout if ny else None)


class Sub(_Broadcasting):
    """out = x - y;  dx = dout,  dy = -dout   (primitive for speed: one op instead of add + neg)"""

    __slots__ = ()

    def forward(self, x, y):
        self.saved = ()
        return x - y

    def backward(self, dout):
        nx, ny = self.needs
        return (dout if nx else None, -dout if ny else None)


class Mul(_Broadcasting):
    """out = x * y;  dx = dout * y,  dy = dout * x"""

    __slots__ = ()

    def forward(self, x, y):
        self.saved = (x, y)
        return x * y

    def backward(self, dout):
        x, y = self.saved
        nx, ny = self.needs
        return (dout * y if nx else None, dout * x if ny else None)


class Div(_Broadcasting):
    """out = x / y;  dx = dout / y,  dy = -dout * out / y

    Primitive (not x * y**-1) so the forward value equals numpy's ``x / y`` to the last bit.
    """

    __slots__ = ()

    def forward(self, x, y):
        out = x / y
        self.saved = (y, out)
        return out

    def backward(self, dout):
        y, out = self.saved
        nx, ny = self.needs
        dx = dout / y if nx else None
        dy = -dout * out / y if ny else None
        return (dx, dy)


class Pow(_Broadcasting):
    """out = x ** y;  dx = dout * y * x ** (y - 1),  dy = dout * out * log(x)

    ``dy`` is taken as 0 where x == 0 and y >= 0 (the limit of out * log(x)), as PyTorch does; for
    negative x it is NaN, since x ** y is not real-differentiable in y there.
    """

    __slots__ = ()

    def forward(self, x, y):
        out = x**y
        self.saved = (x, y, out)
        return out

    def backward(self, dout):
        x, y, out = self.saved
        nx, ny = self.needs
        dx = dout * y * x ** (y - 1) if nx else None
        dy = None
        if ny:
            with np.errstate(divide="ignore", invalid="ignore"):
                dy = dout * np.where((x == 0) & (y >= 0), 0, out * np.log(x))
        return (dx, dy)


class Maximum(_Broadcasting):
    """out = maximum(x, y);  dx = dout where x > y,  dy = dout where y > x

    A tie splits dout in half between the inputs, as PyTorch does; this keeps
    d(max(x, y))/dx + d/dy = 1.
    """

    __slots__ = ()

    def forward(self, x, y):
        self.saved = (x, y)
        return np.maximum(x, y)

    def backward(self, dout):
        x, y = self.saved
        return _pick_gradients(dout, x > y, x == y, self.needs)


class Minimum(_Broadcasting):
    """out = minimum(x, y);  dx = dout where x < y,  dy = dout where y < x  (a tie: half each)"""

    __slots__ = ()

    def forward(self, x, y):
        self.saved = (x, y)
        return np.minimum(x, y)

    def backward(self, dout):
        x, y = self.saved
        return _pick_gradients(dout, x < y, x == y, self.needs)


def _pick_gradients(dout, x_wins, tie, needs):
    """Route ``dout`` to the winning input of maximum/minimum, half to each on a tie."""
    half = dout * 0.5
    dx = np.where(x_wins, dout, np.where(tie, half, 0)) if needs[0] else None
    dy = np.where(x_wins, 0, np.where(tie, half, dout)) if needs[1] else None
    return (dx, dy)


# ---------------------------------------------------------------------------------------------
# Elementwise unary ops
# ---------------------------------------------------------------------------------------------


class Neg(Op):
    """out = -x;  dx = -dout"""

    __slots__ = ()

    def forward(self, x):
        self.saved = ()
        return -x

    def backward(self, dout):
        return (-dout,)


class Exp(Op):
    """out = exp(x);  dx = dout * out"""

    __slots__ = ()

    def forward(self, x):
        out = np.exp(x)
        self.saved = (out,)
        return out

    def backward(self, dout):
        return (dout * self.saved[0],)


class Log(Op):
    """out = log(x);  dx = dout / x"""

    __slots__ = ()

    def forward(self, x):
        self.saved = (x,)
        return np.log(x)

    def backward(self, dout):
        return (dout / self.saved[0],)


class Sqrt(Op):
    """out = sqrt(x);  dx = dout / (2 * out)   (primitive: exact numpy value, one call)"""

    __slots__ = ()

    def forward(self, x):
        out = np.sqrt(x)
        self.saved = (out,)
        return out

    def backward(self, dout):
        return (dout / (2 * self.saved[0]),)


class Abs(Op):
    """out = |x|;  dx = dout * sign(x)   (the subgradient at x = 0 is 0)"""

    __slots__ = ()

    def forward(self, x):
        self.saved = (x,)
        return np.abs(x)

    def backward(self, dout):
        return (dout * np.sign(self.saved[0]),)


class Clip(Op):
    """out = clip(x, lo, hi);  dx = dout where lo <= x <= hi, else 0

    The bounds are inclusive, as in PyTorch.
    """

    __slots__ = ("lo", "hi")

    def __init__(self, lo, hi):
        self.lo, self.hi = lo, hi

    def forward(self, x):
        self.saved = (x,)
        return np.clip(x, self.lo, self.hi)

    def backward(self, dout):
        (x,) = self.saved
        inside = np.ones(x.shape, dtype=bool)
        if self.lo is not None:
            inside &= x >= self.lo
        if self.hi is not None:
            inside &= x <= self.hi
        return (np.where(inside, dout, 0),)


class Relu(Op):
    """out = max(x, 0);  dx = dout where x > 0, else 0

    relu'(0) = 0, as the course's ``relu_backward`` uses (``dZ[Z <= 0] = 0``). Written with a mask
    rather than as maximum(x, 0), whose tie rule would give 0.5 at exactly 0; dead units therefore
    get exact zeros. The mask (1 byte an element) is saved instead of x, and applied by
    multiplication: np.where on random signs is 5-7x slower (branchy selection).
    """

    __slots__ = ()

    def forward(self, x):
        self.saved = (x > 0,)
        return np.maximum(x, 0)

    def backward(self, dout):
        return (dout * self.saved[0],)


class LeakyRelu(Op):
    """out = x if x > 0 else slope * x;  dx = dout if x > 0 else slope * dout   (slope at 0)"""

    __slots__ = ("slope",)

    def __init__(self, slope: float):
        self.slope = slope

    def forward(self, x):
        self.saved = (x,)
        return np.where(x > 0, x, x * self.slope)

    def backward(self, dout):
        return (np.where(self.saved[0] > 0, dout, dout * self.slope),)


class Sigmoid(Op):
    """out = 1 / (1 + exp(-x));  dx = dout * out * (1 - out)

    Computed from exp(-|x|) so it never overflows: at x = -1000 the naive formula computes
    exp(1000) = inf (and warns) before dividing.
    """

    __slots__ = ()

    def forward(self, x):
        e = np.exp(-np.abs(x))  # in (0, 1]: cannot overflow
        out = np.where(x >= 0, 1 / (1 + e), e / (1 + e))
        self.saved = (out,)
        return out

    def backward(self, dout):
        out = self.saved[0]
        dx = dout * out  # (dout * out) * (1 - out): the course's order, so its digits match
        dx *= 1 - out  # in place (a numpy scalar just rebinds): one temporary fewer
        return (dx,)


class LogSigmoid(Op):
    """out = log(sigmoid(x)) = -log(1 + exp(-x));  dx = dout * (1 - sigmoid(x))

    Primitive for numerical stability: log(sigmoid(-1000)) would be log(0) = -inf, while
    -logaddexp(0, 1000) = -1000 exactly.
    """

    __slots__ = ()

    def forward(self, x):
        self.saved = (x,)
        return -np.logaddexp(0, -x)

    def backward(self, dout):
        x = self.saved[0]
        e = np.exp(-np.abs(x))
        one_minus_sigmoid = np.where(x >= 0, e / (1 + e), 1 / (1 + e))
        return (dout * one_minus_sigmoid,)


class Tanh(Op):
    """out = tanh(x);  dx = dout * (1 - out**2)"""

    __slots__ = ()

    def forward(self, x):
        out = np.tanh(x)
        self.saved = (out,)
        return out

    def backward(self, dout):
        out = self.saved[0]
        dx = out * out
        if type(dx) is np.ndarray:  # one buffer, updated in place: memory-bound on big arrays
            np.subtract(1, dx, out=dx)
        else:  # a 0-d input gives a numpy scalar, which has no buffer to reuse
            dx = 1 - dx
        dx *= dout
        return (dx,)


class AsType(Op):
    """out = x cast to ``dtype``;  dx = dout cast back to x's dtype"""

    __slots__ = ("dtype", "in_dtype")

    def __init__(self, dtype):
        self.dtype = np.dtype(dtype)
        self.in_dtype = None

    def forward(self, x):
        self.saved = ()
        self.in_dtype = x.dtype
        return x.astype(self.dtype)

    def backward(self, dout):
        return (dout.astype(self.in_dtype),)


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


# ---------------------------------------------------------------------------------------------
# Linear algebra
# ---------------------------------------------------------------------------------------------


def _f_ordered(a: np.ndarray) -> bool:
    """True for a Fortran-ordered 2-D array, such as the transposed view ``W.T``."""
    return a.flags.f_contiguous and not a.flags.c_contiguous


class MatMul(Op):
    """out = x @ y;  dx = dout @ y^T,  dy = x^T @ dout   (numpy's rules for 1-D and batched inputs)

    A 1-D x is treated as a row (1, n) and a 1-D y as a column (n, 1), then the added axis is
    removed again; batch dimensions that were broadcast are summed by the engine's unbroadcast.

    A 2-D gradient is computed in its input's memory order: for ``A @ W.T`` (a batch-first layer)
    ``dy = (dout^T @ x)^T`` is the transposed view of a C-ordered array, so the gradient reaching W
    through the transpose is C-ordered, with no copy; OpenBLAS is also 1.5-2x faster on the tall
    (209, 12288) products of the course's cat networks this way round.
    """

    __slots__ = ()

    def forward(self, x, y):
        self.saved = (x, y)
        return np.matmul(x, y)

    def backward(self, dout):
        x, y = self.saved
        nx, ny = self.needs
        if x.ndim == 1 and y.ndim == 1:  # inner product: out is a scalar
            return (dout * y if nx else None, dout * x if ny else None)
        if x.ndim == 2 and y.ndim == 2:
            dx = dy = None
            if nx:
                dx = (y @ dout.T).T if _f_ordered(x) else dout @ y.T
            if ny:
                dy = (dout.T @ x).T if _f_ordered(y) else x.T @ dout
            return (dx, dy)
        x2 = x[np.newaxis, :] if x.ndim == 1 else x  # (1, n)
        y2 = y[:, np.newaxis] if y.ndim == 1 else y  # (n, 1)
        d2 = dout
        if x.ndim == 1:
            d2 = np.expand_dims(d2, -2)
        if y.ndim == 1:
            d2 = np.expand_dims(d2, -1)
        dx = dy = None
        if nx:
            dx = np.matmul(d2, np.swapaxes(y2, -1, -2))
            if x.ndim == 1:
                dx = dx[..., 0, :]
        if ny:
            dy = np.matmul(np.swapaxes(x2, -1, -2), d2)
            if y.ndim == 1:
                dy = dy[..., 0]
        return (dx, dy)

    def describe_error(self, shapes, err):
        sx, sy = shapes
        if len(sx) == 0 or len(sy) == 0:
            return (
                f"matmul: both operands need at least 1 dimension, got x.shape={sx}, y.shape={sy}."
            )
        inner_x = sx[-1]
        inner_y = sy[-2] if len(sy) >= 2 else sy[0]
        if inner_x != inner_y:
            hint = ""
            if len(sy) >= 2 and sy[-1] == inner_x:
                hint = " Did you mean y.T?"
            elif len(sx) >= 2 and sx[-2] == inner_y:
                hint = " Did you mean x.T?"
            if len(sx) == 2 and len(sy) == 2 and hint == "":
                hint = (
                    " In the course's layout Z = W @ X with W (n_out, n_in) and X (n_in, m); "
                    "batch-first layers compute A_prev @ W.T."
                )
            return (
                f"matmul: inner dimensions differ: x.shape={sx} @ y.shape={sy} "
                f"({inner_x} != {inner_y}).{hint}"
            )
        return f"matmul: batch dimensions cannot be broadcast: x.shape={sx} @ y.shape={sy} ({err})."


# ---------------------------------------------------------------------------------------------
# Shape and indexing ops
# ---------------------------------------------------------------------------------------------


class Reshape(Op):
    """out = x.reshape(shape);  dx = dout.reshape(x.shape)"""

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


class Transpose(Op):
    """out = x.transpose(axes);  dx = dout.transpose(inverse permutation)"""

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


class Expand(Op):
    """out = broadcast_to(x, shape);  dx = dout summed over the broadcast axes

    The sum is the engine's unbroadcast, so this backward is ``dout`` itself. This is the course's
    ``db = np.sum(dZ, axis=1, keepdims=True)`` made visible as a graph node.
    """

    __slots__ = ("shape",)

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


class GetItem(Op):
    """out = x[index];  dx = zeros like x with dout scattered back to the indexed places

    Integer-array indices may repeat an element (``x[[0, 0]]``); ``np.add.at`` then accumulates
    each occurrence instead of keeping only the last one, which plain assignment would do.
    """

    __slots__ = ("index", "in_shape", "in_dtype")

    def __init__(self, index):
        self.index = index

    def forward(self, x):
        self.saved = ()
        self.in_shape, self.in_dtype = x.shape, x.dtype
        return x[self.index]

    def backward(self, dout):
        dx = np.zeros(self.in_shape, dtype=self.in_dtype)
        if _is_basic_index(self.index):
            dx[self.index] = dout
        else:
            np.add.at(dx, self.index, dout)
        return (dx,)

    def describe_error(self, shapes, err):
        return f"getitem: index {self.index!r} does not fit a tensor of shape {shapes[0]}: {err}"


class Concatenate(Op):
    """out = concatenate(xs, axis);  dx_i = the slice of dout that came from x_i"""

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


class Where(Op):
    """out = where(cond, x, y);  dx = dout where cond,  dy = dout where not cond  (cond: no grad)"""

    __slots__ = ("cond",)

    broadcasts = True

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
