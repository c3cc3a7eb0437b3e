"""Elementwise ops: binary ops with numpy broadcasting, unary functions and casts.

Layer: ``ops`` (imports numpy only).
"""

from __future__ import annotations

import numpy as np

from tinygrad_edu.ops.base import Function, _Broadcasting, all_nonzero, any_nan, keep_zero

# ---------------------------------------------------------------------------------------------
# Elementwise binary ops
# ---------------------------------------------------------------------------------------------


class Add(_Broadcasting):
    """out = x + y;  dx = dout,  dy = dout"""

    name = "add"
    __slots__ = ()

    def forward(self, x, y):
        self.saved = ()
        return x + y

    def backward(self, dout):
        nx, ny = self.needs
        return (dout if nx else None, dout if ny else None)


class Sub(_Broadcasting):
    """out = x - y;  dx = dout,  dy = -dout   (primitive for speed: one op instead of add + neg)"""

    name = "sub"
    __slots__ = ()

    def forward(self, x, y):
        self.saved = ()
        return x - y

    def backward(self, dout):
        nx, ny = self.needs
        return (dout if nx else None, -dout if ny else None)


class Mul(_Broadcasting):
    """out = x * y;  dx = dout * y,  dy = dout * x"""

    name = "mul"
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

    Primitive (not x * y**-1) so the forward value equals numpy's ``x / y`` to the last bit. Where
    y == 0 the local derivatives are infinite (NaN where y is); there a zero ``dout`` still gives 0.
    """

    name = "div"
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
        # A zero divisor (0 * inf) or a NaN one (a second derivative of where(x > 0, x.sqrt(), 0)
        # at x < 0 divides by sqrt(x)) would turn a zero upstream gradient into NaN.
        if not all_nonzero(y) or any_nan(y):
            dx = dx if dx is None else keep_zero(dout, dx)
            dy = dy if dy is None else keep_zero(dout, dy)
        return (dx, dy)


class Pow(_Broadcasting):
    """out = x ** y;  dx = dout * y * x ** (y - 1),  dy = dout * out * log(x)

    ``dx`` is 0 where y == 0 (x**0 is constant, even at x = 0, where y * x**(y-1) is 0 * inf), and
    a zero ``dout`` gives 0 wherever the local derivative is not finite (x = 0 with y < 1, or a
    negative x with a fractional y, as in ``where(x > 0, x**0.5, 0)``); both as the op table's rule.
    ``dy`` is taken as 0 where x == 0 and y >= 0 (the limit of out * log(x)); for negative x it is
    NaN, since x ** y is not real-differentiable in y there.
    """

    name = "pow"
    __slots__ = ()

    def forward(self, x, y):
        out = x**y
        self.saved = (x, y, out)
        return out

    def backward(self, dout):
        x, y, out = self.saved
        nx, ny = self.needs
        dx = dy = None
        # Checked after the fact, so the common case pays one pass over the result. numpy's
        # floating-point flags are left alone: the engine hears of them and explains a gradient
        # that really is infinite (x**0.5 at 0) once, with the op.
        if nx:
            dx = dout * y * x ** (y - 1)
            if not np.isfinite(dx).all():
                dx = keep_zero(dout, dout * np.where(y == 0, 0, y * x ** (y - 1)))
        if ny:
            if all_nonzero(x):
                local = out * np.log(x)
            else:  # log(0) is never formed (on tensors, create_graph=True, it would warn)
                zero = x == 0
                local = np.where(np.logical_and(zero, y >= 0), 0,
                                 out * np.log(np.where(zero, 1, x)))  # fmt: skip
            dy = dout * local
            if not np.isfinite(dy).all():
                dy = keep_zero(dout, dy)
        return (dx, dy)


class Maximum(_Broadcasting):
    """out = maximum(x, y);  dx = dout where x > y,  dy = dout where y > x

    A tie splits dout in half between the inputs, as PyTorch does; this keeps
    d(max(x, y))/dx + d/dy = 1.
    """

    name = "maximum"
    __slots__ = ()

    def forward(self, x, y):
        self.saved = (x, y)
        return np.maximum(x, y)

    def backward(self, dout):
        x, y = self.saved
        return _pick_gradients(dout, x > y, x == y, self.needs)


class Minimum(_Broadcasting):
    """out = minimum(x, y);  dx = dout where x < y,  dy = dout where y < x  (a tie: half each)"""

    name = "minimum"
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


class Neg(Function):
    """out = -x;  dx = -dout"""

    name = "neg"
    __slots__ = ()

    def forward(self, x):
        self.saved = ()
        return -x

    def backward(self, dout):
        return (-dout,)


class Exp(Function):
    """out = exp(x);  dx = dout * out"""

    name = "exp"
    __slots__ = ()

    def forward(self, x):
        out = np.exp(x)
        self.saved = (out,)
        return out

    def backward(self, dout):
        dx = dout * self.saved[0]
        # exp overflows to inf above x = 709.78: a zero upstream gradient stays 0 there (as
        # 2**x, through pow, does), not 0 * inf = NaN.
        if not np.isfinite(dx).all():
            dx = keep_zero(dout, dx)
        return (dx,)


class Log(Function):
    """out = log(x);  dx = dout / x   (a zero dout gives 0 at x = 0, not 0 / 0 = NaN)"""

    name = "log"
    __slots__ = ()

    def forward(self, x):
        self.saved = (x,)
        return np.log(x)

    def backward(self, dout):
        (x,) = self.saved
        dx = dout / x
        if not all_nonzero(x):  # 1/x is infinite at 0: a zero upstream gradient must stay 0
            dx = keep_zero(dout, dx)
        return (dx,)


class Sqrt(Function):
    """out = sqrt(x);  dx = dout / (2 * out)   (a zero dout gives 0 at x <= 0, not NaN)

    Primitive: the exact numpy value, one call.
    """

    name = "sqrt"
    __slots__ = ()

    def forward(self, x):
        out = np.sqrt(x)
        self.saved = (out,)
        return out

    def backward(self, dout):
        (out,) = self.saved
        dx = dout / (2 * out)
        # 1/(2 sqrt(x)) is infinite at 0 and NaN for x < 0 (where(x > 0, x.sqrt(), 0) computes
        # it there): a zero upstream gradient stays 0.
        if not np.isfinite(dx).all():
            dx = keep_zero(dout, dx)
        return (dx,)


class Abs(Function):
    """out = |x|;  dx = dout * sign(x)   (the subgradient at x = 0 is 0)"""

    name = "abs"
    __slots__ = ()

    def forward(self, x):
        self.saved = (x,)
        return np.abs(x)

    def backward(self, dout):
        return (dout * np.sign(self.saved[0]),)


class Clip(Function):
    """out = clip(x, lo, hi);  dx = dout where lo <= x <= hi, else 0

    The bounds are inclusive, as in PyTorch.
    """

    name = "clip"
    __slots__ = ("lo", "hi")

    def __init__(self, lo, hi):
        self.lo, self.hi = lo, hi

    def forward(self, x):
        inside = np.ones(x.shape, dtype=bool)
        if self.lo is not None:
            inside &= x >= self.lo
        if self.hi is not None:
            inside &= x <= self.hi
        self.saved = (inside,)  # a constant mask (1 byte an element), not x
        return np.clip(x, self.lo, self.hi)

    def backward(self, dout):
        return (np.where(self.saved[0], dout, 0),)


class Relu(Function):
    """out = max(x, 0);  dx = dout where x > 0, else 0

    relu'(0) = 0, as the course's ``relu_backward`` uses (``dZ[Z <= 0] = 0``). Written with a mask
    rather than as maximum(x, 0), whose tie rule would give 0.5 at exactly 0; dead units therefore
    get exact zeros. The mask (1 byte an element) is saved instead of x, and applied by
    multiplication: np.where on random signs is 5-7x slower (branchy selection).
    """

    name = "relu"
    __slots__ = ()

    def forward(self, x):
        self.saved = (x > 0,)
        return np.maximum(x, 0)

    def backward(self, dout):
        return (dout * self.saved[0],)


class LeakyRelu(Function):
    """out = x if x > 0 else slope * x;  dx = dout if x > 0 else slope * dout   (slope at 0)"""

    name = "leaky_relu"
    __slots__ = ("slope",)

    def __init__(self, slope: float):
        self.slope = slope

    def forward(self, x):
        self.saved = (x,)
        return np.where(x > 0, x, x * self.slope)

    def backward(self, dout):
        return (np.where(self.saved[0] > 0, dout, dout * self.slope),)


class Sigmoid(Function):
    """out = 1 / (1 + exp(-x));  dx = dout * out * (1 - out)

    Computed from exp(-|x|) so it never overflows: at x = -1000 the naive formula computes
    exp(1000) = inf (and warns) before dividing.
    """

    name = "sigmoid"
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


class LogSigmoid(Function):
    """out = log(sigmoid(x)) = -log(1 + exp(-x));  dx = dout * (1 - sigmoid(x))

    Primitive for numerical stability: log(sigmoid(-1000)) would be log(0) = -inf, while
    -logaddexp(0, 1000) = -1000 exactly.
    """

    name = "log_sigmoid"
    __slots__ = ()

    def forward(self, x):
        self.saved = (x,)
        return -np.logaddexp(0, -x)

    def backward(self, dout):
        # 1 - sigmoid(x) = sigmoid(-x), by the sigmoid op (stable, and smooth for create_graph:
        # a formula through |x| would lose the second derivative at x = 0).
        return (dout * Sigmoid().apply(-self.saved[0]),)


class Tanh(Function):
    """out = tanh(x);  dx = dout * (1 - out**2)"""

    name = "tanh"
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


class AsType(Function):
    """out = x cast to ``dtype``;  dx = dout cast back to x's dtype"""

    name = "astype"
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


class Remainder(_Broadcasting):
    """out = x % y (the sign of y, as Python);  dx = dout,  dy = -dout * floor(x / y)

    PyTorch's ``remainder`` and numpy's ``np.remainder``: ``x - floor(x / y) * y``. The quotient
    ``floor(x / y)`` is saved as a constant (piecewise constant: its derivative is 0 wherever it
    exists), so the second derivatives are 0, as PyTorch's. Where y == 0 the quotient is
    infinite (NaN at 0 / 0); there a zero ``dout`` still gives 0.
    """

    name = "remainder"
    __slots__ = ()

    def forward(self, x, y):
        quotient, out = np.divmod(x, y)  # one pass: numpy's floor_divide and remainder together
        self.saved = (quotient,)
        return out

    def backward(self, dout):
        (quotient,) = self.saved
        nx, ny = self.needs
        dy = None
        if ny:
            dy = -dout * quotient
            if not np.isfinite(quotient).all():  # y == 0: 0 * inf would be NaN
                dy = keep_zero(dout, dy)
        return (dout if nx else None, dy)
