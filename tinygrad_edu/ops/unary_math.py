"""Elementwise math functions: trigonometric and hyperbolic functions and their inverses,
logarithms and exponentials in other forms (log2, log10, log1p, expm1), and the error function.

Layer: ``ops`` (imports numpy and the standard library's ``math`` only).

Each is a primitive because nothing in the core composes it (sin, arcsin, erf), because the
composite loses precision (``log(1 + x)`` for tiny x, ``exp(x) - 1``, ``(exp(x) - exp(-x)) / 2``,
``pi / 2 - arcsin(x)`` near 1), or to give numpy's own value in one call (``log2(8) == 3``
exactly, where ``log(8) / log(2)`` is 3.0000000000000004). Every backward is written with
operators and numpy functions that tensors implement, so second derivatives come free; the
derivative of sin is cos and of cos is -sin, of sinh is cosh and of cosh is sinh, so each pair is
closed under differentiation.
"""

from __future__ import annotations

import math

import numpy as np

from tinygrad_edu.ops.base import Function, all_nonzero, any_nan, keep_zero

_LN2 = math.log(2.0)
_LN10 = math.log(10.0)
_TWO_OVER_SQRT_PI = 2.0 / math.sqrt(math.pi)


def _finite_or_zero(dout, dx):
    """``dx`` with 0 where ``dout`` is 0, when the local derivative overflowed (exp, sinh and
    cosh pass 1.8e308 near x = 710): the op table's rule for infinite local derivatives. One
    pass over ``dx`` when everything is finite."""
    if np.isfinite(dx).all():
        return dx
    return keep_zero(dout, dx)


# ---------------------------------------------------------------------------------------------
# Trigonometric functions and their inverses
# ---------------------------------------------------------------------------------------------


class Sin(Function):
    """out = sin(x);  dx = dout * cos(x)"""

    name = "sin"
    __slots__ = ()

    def forward(self, x):
        self.saved = (x,)
        return np.sin(x)

    def backward(self, dout):
        (x,) = self.saved
        return (dout * np.cos(x),)


class Cos(Function):
    """out = cos(x);  dx = -dout * sin(x)"""

    name = "cos"
    __slots__ = ()

    def forward(self, x):
        self.saved = (x,)
        return np.cos(x)

    def backward(self, dout):
        (x,) = self.saved
        return (-(dout * np.sin(x)),)


class Tan(Function):
    """out = tan(x);  dx = dout * (1 + out**2)

    Primitive rather than sin / cos: numpy's value in one call, and a derivative written with the
    output alone.
    """

    name = "tan"
    __slots__ = ()

    def forward(self, x):
        out = np.tan(x)
        self.saved = (out,)
        return out

    def backward(self, dout):
        (out,) = self.saved
        return (dout * (1 + out * out),)


def _one_minus_square_root(x):
    """sqrt(1 - x**2), the denominator of the derivatives of arcsin and arccos."""
    return np.sqrt(1 - x * x)


class Asin(Function):
    """out = arcsin(x);  dx = dout / sqrt(1 - x**2)   (a zero dout gives 0 at x = +-1, not NaN)

    Defined on [-1, 1]; outside, numpy returns NaN (and warns).
    """

    name = "asin"
    __slots__ = ()

    def forward(self, x):
        self.saved = (x,)
        return np.arcsin(x)

    def backward(self, dout):
        (x,) = self.saved
        root = _one_minus_square_root(x)
        dx = dout / root
        # Infinite at x = +-1, NaN outside [-1, 1] (as in where(abs(x) < 1, x.asin(), 0), as
        # sqrt's): there a zero upstream gradient stays 0.
        if not all_nonzero(root) or any_nan(root):
            dx = keep_zero(dout, dx)
        return (dx,)


class Acos(Function):
    """out = arccos(x);  dx = -dout / sqrt(1 - x**2)   (a zero dout gives 0 at x = +-1, not NaN)

    Primitive, not pi/2 - arcsin(x): near x = 1 that difference cancels (arccos(1 - 1e-12) would
    lose about 4 of its 16 digits).
    """

    name = "acos"
    __slots__ = ()

    def forward(self, x):
        self.saved = (x,)
        return np.arccos(x)

    def backward(self, dout):
        (x,) = self.saved
        root = _one_minus_square_root(x)
        dx = -dout / root
        # Infinite at x = +-1, NaN outside [-1, 1] (as in where(abs(x) < 1, x.acos(), 0), as
        # sqrt's): there a zero upstream gradient stays 0.
        if not all_nonzero(root) or any_nan(root):
            dx = keep_zero(dout, dx)
        return (dx,)


class Atan(Function):
    """out = arctan(x);  dx = dout / (1 + x**2)"""

    name = "atan"
    __slots__ = ()

    def forward(self, x):
        self.saved = (x,)
        return np.arctan(x)

    def backward(self, dout):
        (x,) = self.saved
        return (dout / (1 + x * x),)


# ---------------------------------------------------------------------------------------------
# Hyperbolic functions (tanh is in elementwise.py)
# ---------------------------------------------------------------------------------------------


class Sinh(Function):
    """out = sinh(x);  dx = dout * cosh(x)

    Primitive for precision: (exp(x) - exp(-x)) / 2 cancels for small x (at x = 1e-10 it keeps
    only about 7 correct digits).
    """

    name = "sinh"
    __slots__ = ()

    def forward(self, x):
        self.saved = (x,)
        return np.sinh(x)

    def backward(self, dout):
        (x,) = self.saved
        return (_finite_or_zero(dout, dout * np.cosh(x)),)


class Cosh(Function):
    """out = cosh(x);  dx = dout * sinh(x)"""

    name = "cosh"
    __slots__ = ()

    def forward(self, x):
        self.saved = (x,)
        return np.cosh(x)

    def backward(self, dout):
        (x,) = self.saved
        return (_finite_or_zero(dout, dout * np.sinh(x)),)


# ---------------------------------------------------------------------------------------------
# Logarithms and exponentials
# ---------------------------------------------------------------------------------------------


class Log2(Function):
    """out = log2(x);  dx = dout / (x * ln 2)   (a zero dout gives 0 at x = 0, not NaN)

    Primitive for numpy's exact value: log2(8) is 3, log(8) / log(2) is 3.0000000000000004.
    """

    name = "log2"
    __slots__ = ()

    def forward(self, x):
        self.saved = (x,)
        return np.log2(x)

    def backward(self, dout):
        (x,) = self.saved
        dx = dout / (x * _LN2)
        if not all_nonzero(x):  # 1/x is infinite at 0: a zero upstream gradient must stay 0
            dx = keep_zero(dout, dx)
        return (dx,)


class Log10(Function):
    """out = log10(x);  dx = dout / (x * ln 10)   (a zero dout gives 0 at x = 0, not NaN)

    Primitive for numpy's exact value: log10(1000) is 3, log(1000) / log(10) is
    2.9999999999999996.
    """

    name = "log10"
    __slots__ = ()

    def forward(self, x):
        self.saved = (x,)
        return np.log10(x)

    def backward(self, dout):
        (x,) = self.saved
        dx = dout / (x * _LN10)
        if not all_nonzero(x):  # 1/x is infinite at 0: a zero upstream gradient must stay 0
            dx = keep_zero(dout, dx)
        return (dx,)


class Log1p(Function):
    """out = log(1 + x);  dx = dout / (1 + x)   (a zero dout gives 0 at x = -1, not NaN)

    Primitive for precision: for tiny x, 1 + x rounds away x's digits (log(1 + 1e-20) is 0,
    log1p(1e-20) is 1e-20).
    """

    name = "log1p"
    __slots__ = ()

    def forward(self, x):
        self.saved = (x,)
        return np.log1p(x)

    def backward(self, dout):
        (x,) = self.saved
        one_plus_x = 1 + x
        dx = dout / one_plus_x
        if not all_nonzero(one_plus_x):  # infinite at x = -1: a zero upstream gradient stays 0
            dx = keep_zero(dout, dx)
        return (dx,)


class Expm1(Function):
    """out = exp(x) - 1;  dx = dout * (out + 1)

    Primitive for precision: for tiny x, exp(x) - 1 cancels (exp(1e-20) - 1 is 0, expm1(1e-20) is
    1e-20).
    """

    name = "expm1"
    __slots__ = ()

    def forward(self, x):
        out = np.expm1(x)
        self.saved = (out,)
        return out

    def backward(self, dout):
        (out,) = self.saved
        return (_finite_or_zero(dout, dout * (out + 1)),)


# ---------------------------------------------------------------------------------------------
# The error function
# ---------------------------------------------------------------------------------------------

# numpy has no erf; the C library's (``math.erf``, the same function PyTorch's CPU kernel calls)
# is applied element by element. Exact, but about half a microsecond an element: use
# ``gelu(approximate="tanh")`` where that matters.
_erf = np.frompyfunc(math.erf, 1, 1)


def erf_values(x: np.ndarray) -> np.ndarray:
    """erf of every element of ``x``, in ``x``'s float dtype (a 0-d array for a 0-d input).

    >>> erf_values(np.array([0.0, 1.0, -np.inf]))
    array([ 0.        ,  0.84270079, -1.        ])
    """
    x = np.asarray(x)
    dtype = x.dtype if x.dtype.kind == "f" else np.float64
    return np.asarray(_erf(x), dtype=dtype)


class Erf(Function):
    """out = erf(x);  dx = dout * 2 / sqrt(pi) * exp(-x**2)

    ``erf(x) = 2 / sqrt(pi) * integral from 0 to x of exp(-t**2) dt``, the error function that
    exact GELU uses: ``gelu(x) = x * (1 + erf(x / sqrt(2))) / 2``.
    """

    name = "erf"
    __slots__ = ()

    def forward(self, x):
        self.saved = (x,)
        return erf_values(x)

    def backward(self, dout):
        (x,) = self.saved
        return (dout * (_TWO_OVER_SQRT_PI * np.exp(-(x * x))),)
