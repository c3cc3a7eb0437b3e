"""Primitive operations on numpy arrays: forward and backward side by side, one class per op.

The package is split by kind: ``base`` (the ``Function`` protocol), ``elementwise``,
``unary_math`` (trigonometric, hyperbolic, other logarithms and exponentials, erf), ``reduce``,
``scan`` (cumsum, cumprod), ``linalg``, ``shape`` and ``window`` (sliding windows for convolution
and pooling); every op is importable from ``tinygrad_edu.ops`` itself.

Layer: ``ops``, the lowest. Imports numpy only and knows nothing about tensors or graphs.

Every op follows one protocol:

- ``forward(*arrays) -> array`` computes the output and saves in ``self.saved`` what backward needs;
- ``backward(dout) -> tuple`` returns one gradient per input, ``None`` for inputs that need none
  (``self.needs[i]`` is False), so no work is wasted on the gradient of input data.

A gradient returned here has the shape of the op's *output* wherever numpy broadcast an input;
the engine's ``unbroadcast`` (the single place that sums gradients over broadcast axes) reduces it
to the input's shape. That is also why ``BroadcastTo.backward`` is just ``dout``.

The first line of each op's docstring states the math: ``out``, then ``dx = dJ/dx`` in terms of
``dout = dJ/dout``. Composite operations (mean, var, softmax-free losses, stack, ...) live in
``tensor`` and need no backward of their own.
"""

from tinygrad_edu.ops.base import (
    Function,
    normalize_axis,
)
from tinygrad_edu.ops.elementwise import (
    Abs,
    Add,
    AsType,
    Clip,
    Div,
    Exp,
    LeakyRelu,
    Log,
    LogSigmoid,
    Maximum,
    Minimum,
    Mul,
    Neg,
    Pow,
    Relu,
    Remainder,
    Sigmoid,
    Sqrt,
    Sub,
    Tanh,
)
from tinygrad_edu.ops.linalg import (
    Einsum,
    MatMul,
)
from tinygrad_edu.ops.reduce import (
    LogSoftmax,
    LogSumExp,
    Max,
    Min,
    Norm,
    Softmax,
    Std,
    Sum,
)
from tinygrad_edu.ops.scan import (
    Cumprod,
    Cumsum,
)
from tinygrad_edu.ops.shape import (
    BroadcastTo,
    Concatenate,
    GetItem,
    Reshape,
    ScatterAdd,
    Transpose,
    Where,
)
from tinygrad_edu.ops.unary_math import (
    Acos,
    Asin,
    Atan,
    Cos,
    Cosh,
    Erf,
    Expm1,
    Log1p,
    Log2,
    Log10,
    Sin,
    Sinh,
    Tan,
)
from tinygrad_edu.ops.window import (
    Col2Im,
    Im2Col,
    Pad,
    WindowMax,
    normalize_pad_width,
    out_size,
)

__all__ = [
    "Abs",
    "Acos",
    "Add",
    "AsType",
    "Asin",
    "Atan",
    "Clip",
    "Col2Im",
    "Concatenate",
    "Cos",
    "Cosh",
    "Cumprod",
    "Cumsum",
    "Div",
    "Einsum",
    "Erf",
    "Exp",
    "Expm1",
    "BroadcastTo",
    "GetItem",
    "Im2Col",
    "LeakyRelu",
    "Log",
    "Log10",
    "Log1p",
    "Log2",
    "LogSigmoid",
    "LogSoftmax",
    "LogSumExp",
    "MatMul",
    "Max",
    "Maximum",
    "Min",
    "Minimum",
    "Mul",
    "Neg",
    "Norm",
    "Function",
    "Pad",
    "Pow",
    "Relu",
    "Remainder",
    "Reshape",
    "ScatterAdd",
    "Sigmoid",
    "Sin",
    "Sinh",
    "Softmax",
    "Std",
    "Sqrt",
    "Sub",
    "Sum",
    "Tan",
    "Tanh",
    "Transpose",
    "Where",
    "WindowMax",
    "normalize_axis",
    "normalize_pad_width",
    "out_size",
]
