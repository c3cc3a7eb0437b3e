"""Convolutional layers: ``Conv2d``, ``MaxPool2d``, ``AvgPool2d`` (NCHW, as PyTorch).

Layer: ``nn``. Each layer calls one function of ``nn.functional``; the layers hold the settings
and, for ``Conv2d``, the parameters ``W (C_out, C_in / groups, kh, kw)`` and ``b (C_out,)``.

The course writes images channels-last, ``A_prev (m, n_H, n_W, n_C)``, with filters
``W (f, f, n_C_prev, n_C)``. These layers take PyTorch's channels-first batches; convert the
course's arrays with one transpose each, ``X.transpose(0, 3, 1, 2)`` for images and
``W.transpose(3, 2, 0, 1)`` for filters, or call ``nn.functional.conv2d(...,
data_format="NHWC")`` on the course's arrays directly.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from tinygrad_edu.nn import functional as F  # noqa: N812 (PyTorch's spelling)
from tinygrad_edu.nn.init import initial_weights
from tinygrad_edu.nn.module import Module, Parameter, _as_tensor, _check_size
from tinygrad_edu.tensor import Tensor


def _check_images(layer: str, A_prev: Tensor, channels: int | None, settings: str) -> None:
    """Teaching errors for what a layer on NCHW batches is given."""
    if A_prev.ndim != 4:
        hint = ""
        if A_prev.ndim == 3:
            hint = f" For one image add the batch axis: A_prev.reshape(1, *{A_prev.shape})."
        elif A_prev.ndim == 2:
            hint = " Flattened images? Reshape them to (m, C, H, W) first."
        raise ValueError(
            f"{layer}: expected a batch of images (m, C, H, W) (NCHW), got shape "
            f"{A_prev.shape}.{hint}"
        )
    if channels is not None and A_prev.shape[1] != channels:
        hint = ""
        if A_prev.shape[3] == channels:
            hint = (
                f" Its last axis has {channels}: this looks like the course's channels-last "
                f"layout (m, n_H, n_W, n_C). Transpose it: A_prev.transpose(0, 3, 1, 2)."
            )
        raise ValueError(
            f"{layer}: expected {channels} channels at axis 1 (NCHW: (m, C, H, W)) for this "
            f"layer ({settings}), got A_prev.shape={A_prev.shape} with {A_prev.shape[1]}.{hint}"
        )


class Conv2d(Module):
    """A 2-D convolution on NCHW batches: ``Z = conv2d(A_prev, W) + b``.

    Args:
        in_channels: channels of the input, the course's n_C_prev.
        out_channels: number of filters, the course's n_C.
        kernel_size: f, or (kh, kw).
        stride: an int or a pair.
        padding: an int, a pair, ``"same"`` or ``"valid"`` (see ``nn.functional.conv2d``).
        dilation: an int or a pair.
        groups: split the channels into independent groups (both channel counts divisible).
        bias: add a learned ``b`` per output channel.
        padding_mode: ``'zeros'`` only (PyTorch's default); other modes raise TypeError.
        init: a name in ``INITIALIZERS`` (``'he'`` suits ReLU networks) or a function
            ``(n_out, n_in, rng, dtype) -> array``; it is called with
            ``n_out = out_channels`` and ``n_in = in_channels / groups * kh * kw`` (the fan-in),
            and its ``(n_out, n_in)`` result is reshaped to W's shape. Default ``'course_deep'``
            (``randn / sqrt(fan_in)``), as ``Linear``.
        rng: None for numpy's legacy global generator, or a RandomState / Generator.
        dtype: float64 (default) or float32.

    Attributes:
        W: ``Parameter (out_channels, in_channels / groups, kh, kw)``; the course's
            ``W (f, f, n_C_prev, n_C)`` is ``W.transpose(2, 3, 1, 0)``.
        b: ``Parameter (out_channels,)`` of zeros, or None without bias.

    Raises:
        ValueError: channels not divisible by ``groups``, or a ``padding`` other than 'same',
            'valid', an int or a pair.
        TypeError: a ``padding_mode`` other than 'zeros'.

    >>> conv = Conv2d(3, 8, 4, padding="same", rng=np.random.RandomState(1))
    >>> conv.W.shape, conv(np.zeros((2, 3, 64, 64))).shape
    ((8, 3, 4, 4), (2, 8, 64, 64))
    """

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        kernel_size: int | tuple[int, int],
        stride: int | tuple[int, int] = 1,
        padding: int | tuple[int, int] | str = 0,
        dilation: int | tuple[int, int] = 1,
        groups: int = 1,
        bias: bool = True,
        padding_mode: str = "zeros",
        *,
        init: str | Callable = "course_deep",
        rng=None,
        dtype=np.float64,
    ):
        super().__init__()
        op = "Conv2d"
        if padding_mode != "zeros":  # PyTorch's ninth positional argument: never mistaken for init
            raise TypeError(
                f"{op}: expected padding_mode='zeros' (the only mode offered), got "
                f"{padding_mode!r}. Reflect, replicate and circular padding are not offered."
            )
        self.in_channels = _check_size(op, in_channels, "in_channels")
        self.out_channels = _check_size(op, out_channels, "out_channels")
        self.groups = _check_size(op, groups, "groups")
        if in_channels % groups or out_channels % groups:
            raise ValueError(
                f"{op}: expected in_channels ({in_channels}) and out_channels ({out_channels}) "
                f"divisible by groups={groups}."
            )
        self.kernel_size = F._pair(kernel_size, "kernel_size", op)
        self.stride = F._pair(stride, "stride", op)
        self.dilation = F._pair(dilation, "dilation", op)
        if isinstance(padding, str):
            if padding not in ("same", "valid"):
                raise ValueError(
                    f"{op}: expected padding 'same', 'valid', an int or a pair, got {padding!r}."
                )
            self.padding: tuple[int, int] | str = padding
        else:
            self.padding = F._pair(padding, "padding", op, low=0)
        kh, kw = self.kernel_size
        shape = (self.out_channels, self.in_channels // self.groups, kh, kw)
        fan_in = shape[1] * kh * kw  # W is drawn as (C_out, fan_in), then reshaped
        W, self.init = initial_weights(op, init, self.out_channels, fan_in, rng=rng, dtype=dtype)
        self.W = Parameter(W.reshape(shape), name="W")  # (C_out, C_in / groups, kh, kw)
        self.b = Parameter(np.zeros(self.out_channels, dtype=W.dtype), name="b") if bias else None

    def forward(self, A_prev: Any) -> Tensor:
        """``(m, C_in, H, W) -> (m, C_out, OH, OW)``."""
        A_prev = _as_tensor(A_prev)
        _check_images("Conv2d", A_prev, self.in_channels, self.extra_repr())
        return F.conv2d(
            A_prev, self.W, self.b, self.stride, self.padding, self.dilation, self.groups
        )

    def extra_repr(self) -> str:
        text = f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}"
        if self.stride != (1, 1):
            text += f", stride={self.stride}"
        if self.padding not in ((0, 0), "valid"):
            text += f", padding={self.padding!r}"
        if self.dilation != (1, 1):
            text += f", dilation={self.dilation}"
        if self.groups != 1:
            text += f", groups={self.groups}"
        if self.b is None:
            text += ", bias=False"
        return text


class _Pool2d(Module):
    function: Callable[..., Tensor]

    def __init__(
        self,
        kernel_size: int | tuple[int, int],
        stride: int | tuple[int, int] | None = None,
        padding: int | tuple[int, int] = 0,
        ceil_mode: bool = False,
    ):
        super().__init__()
        op = type(self).__name__
        self.kernel_size = F._pair(kernel_size, "kernel_size", op)
        self.stride = self.kernel_size if stride is None else F._pair(stride, "stride", op)
        self.padding = F._pair(padding, "padding", op, low=0)
        self.ceil_mode = bool(ceil_mode)

    def _options(self) -> dict[str, Any]:
        return {"ceil_mode": self.ceil_mode}

    def forward(self, A_prev: Any) -> Tensor:
        """``(m, C, H, W) -> (m, C, OH, OW)``, ``OH = floor((H + 2 pad - f) / stride) + 1``."""
        A_prev = _as_tensor(A_prev)
        _check_images(type(self).__name__, A_prev, None, self.extra_repr())
        return type(self).function(
            A_prev, self.kernel_size, self.stride, self.padding, **self._options()
        )

    def extra_repr(self) -> str:
        text = f"kernel_size={self.kernel_size}, stride={self.stride}"
        if self.padding != (0, 0):
            text += f", padding={self.padding}"
        if self.ceil_mode:
            text += ", ceil_mode=True"
        return text


class MaxPool2d(_Pool2d):
    """Max pooling over windows of each channel (gradient to each window's first maximum).

    Args:
        kernel_size: f, or (kh, kw).
        stride: an int or a pair; default: the kernel size.
        padding: an int or a pair (filled with -inf), at most half the kernel.
        ceil_mode: round the output size up (keyword-only: PyTorch's fourth positional
            argument, dilation, is not offered).

    >>> MaxPool2d(8)(np.zeros((2, 8, 64, 64))).shape
    (2, 8, 8, 8)
    """

    function = staticmethod(F.max_pool2d)

    def __init__(
        self,
        kernel_size: int | tuple[int, int],
        stride: int | tuple[int, int] | None = None,
        padding: int | tuple[int, int] = 0,
        *,
        ceil_mode: bool = False,
    ):
        super().__init__(kernel_size, stride, padding, ceil_mode)


class AvgPool2d(_Pool2d):
    """Average pooling over windows of each channel (zero padding counts, as PyTorch's default).

    Args:
        kernel_size: f, or (kh, kw).
        stride: an int or a pair; default: the kernel size.
        padding: an int or a pair of zeros, at most half the kernel.
        ceil_mode: round the output size up (see ``nn.functional.avg_pool2d``).
        count_include_pad: count the zero padding in each mean (default True, PyTorch's).
        divisor_override: None, or an int >= 1 to divide every window's sum by.

    Raises:
        ValueError: a ``divisor_override`` that is not None or an int >= 1.

    >>> AvgPool2d(2)(np.ones((1, 1, 4, 4))).tolist()
    [[[[1.0, 1.0], [1.0, 1.0]]]]
    """

    function = staticmethod(F.avg_pool2d)

    def __init__(
        self,
        kernel_size: int | tuple[int, int],
        stride: int | tuple[int, int] | None = None,
        padding: int | tuple[int, int] = 0,
        ceil_mode: bool = False,
        count_include_pad: bool = True,
        divisor_override: int | None = None,
    ):
        super().__init__(kernel_size, stride, padding, ceil_mode)
        F._check_divisor(divisor_override, "AvgPool2d")
        self.count_include_pad = bool(count_include_pad)
        self.divisor_override = divisor_override

    def _options(self) -> dict[str, Any]:
        return {
            "ceil_mode": self.ceil_mode,
            "count_include_pad": self.count_include_pad,
            "divisor_override": self.divisor_override,
        }

    def extra_repr(self) -> str:
        text = super().extra_repr()
        if not self.count_include_pad:
            text += ", count_include_pad=False"
        if self.divisor_override is not None:
            text += f", divisor_override={self.divisor_override}"
        return text
