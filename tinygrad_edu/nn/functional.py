"""Functions on tensors that layers are made of, as PyTorch's ``torch.nn.functional``.

Layer: ``nn``. Each function composes tensor ops (and the sliding-window ops of
``ops.window``); none has a backward of its own.

Sections: convolution and pooling (``pad``, ``conv2d``, ``max_pool2d``, ``avg_pool2d``);
sequence models (``scaled_dot_product_attention`` with a causal mask, and ``sample``, drawing a
token from a softmax with a temperature).

Layouts. Images are NCHW by default, as in PyTorch: ``x (N, C, H, W)`` and convolution weights
``W (C_out, C_in / groups, kh, kw)``. ``data_format="NHWC"`` takes the course's layout instead:
``A_prev (m, n_H, n_W, n_C)`` and ``W (f, f, n_C_prev, n_C)``, with no transposes needed. Either
way a bias holds one number per output channel and may have any shape of that size (PyTorch's
``(C_out,)`` or the course's ``b (1, 1, 1, n_C)``); its gradient comes back in its own shape.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from tinygrad_edu import ops
from tinygrad_edu.tensor import Tensor

__all__ = [
    "avg_pool2d",
    "conv2d",
    "max_pool2d",
    "pad",
    "sample",
    "scaled_dot_product_attention",
]

_LAYOUTS = ("NCHW", "NHWC")


def _as_tensor(x: Any) -> Tensor:
    return x if isinstance(x, Tensor) else Tensor(x)


# -------------------------------------------------------------------------------------------------
# Convolution and pooling
# -------------------------------------------------------------------------------------------------


def pad(x: Any, pad_width: Any, value: float = 0.0) -> Tensor:
    """Pad with a constant, numpy-style widths: the course's ``zero_pad`` with ``value=0``.

    Args:
        x: a tensor (or array) of any shape.
        pad_width: ``p`` (every axis, both sides), ``(before, after)`` (every axis), or one
            ``(before, after)`` pair per axis, as ``np.pad``. Negative widths crop.
        value: the constant put in the new places (``np.pad``'s ``constant_values``).

    Returns:
        The padded tensor; its gradient is the incoming gradient cropped back to ``x``.

    Raises:
        ValueError: the widths do not fit ``x``'s number of axes, or crop more than it has.

    >>> x = Tensor(np.ones((1, 2, 2, 1)))
    >>> pad(x, ((0, 0), (1, 1), (1, 1), (0, 0))).shape
    (1, 4, 4, 1)
    """
    x = _as_tensor(x)
    widths = ops.normalize_pad_width(pad_width, x.ndim, "pad")
    return ops.Pad(widths, value).apply(x)


def _pair(value: Any, what: str, op: str, low: int = 1) -> tuple[int, int]:
    """An int or a pair of ints (height, width), each >= ``low``."""
    pair = (value, value) if isinstance(value, (int, np.integer)) else value
    try:
        pair = tuple(pair)
    except TypeError:
        pair = ()
    if (
        len(pair) != 2
        or not all(isinstance(v, (int, np.integer)) and not isinstance(v, bool) for v in pair)
        or min(pair) < low
    ):
        raise ValueError(
            f"{op}: expected {what} as an int >= {low} or a pair (height, width) of them, got "
            f"{value!r}."
        )
    return int(pair[0]), int(pair[1])


def _layout(data_format: str, op: str) -> tuple[int, int, int]:
    """(channel axis, height axis, width axis) of a 4-D batch in ``data_format``."""
    if data_format == "NCHW":
        return 1, 2, 3
    if data_format == "NHWC":
        return 3, 1, 2
    raise ValueError(
        f"{op}: expected data_format 'NCHW' (PyTorch's layout, the default) or 'NHWC' (the "
        f"course's), got {data_format!r}."
    )


def _check_batch(x: Tensor, data_format: str, op: str) -> None:
    if x.ndim != 4:
        names = "(N, C, H, W)" if data_format == "NCHW" else "(m, n_H, n_W, n_C)"
        hint = ""
        if x.ndim == 3:
            hint = f" For a single image add the batch axis: x.reshape(1, *x.shape) {x.shape}."
        raise ValueError(
            f"{op}: expected a 4-D batch of images {names} ({data_format}), got shape "
            f"{x.shape}.{hint}"
        )


def _same_padding(n: int, k: int, s: int, d: int) -> tuple[int, int]:
    """TensorFlow's "same": output ceil(n / s); an odd pixel of padding goes after (as PyTorch)."""
    total = max((math.ceil(n / s) - 1) * s + d * (k - 1) + 1 - n, 0)
    return total // 2, total - total // 2


def _padding(padding: Any, sizes, kernel, stride, dilation, op: str) -> list[tuple[int, int]]:
    """(before, after) for height and width from an int, a pair, "same" or "valid"."""
    if isinstance(padding, str):
        if padding == "valid":
            return [(0, 0), (0, 0)]
        if padding == "same":
            return [
                _same_padding(n, k, s, d)
                for n, k, s, d in zip(sizes, kernel, stride, dilation, strict=True)
            ]
        raise ValueError(
            f"{op}: expected padding 'same', 'valid', an int or a pair, got {padding!r}."
        )
    ph, pw = _pair(padding, "padding", op, low=0)
    return [(ph, ph), (pw, pw)]


def _check_fits(x: Tensor, pads, kernel, dilation, axes, op: str) -> None:
    """A teaching error when the (dilated) kernel is larger than the padded input."""
    padded = tuple(x.shape[ax] + b + a for ax, (b, a) in zip(axes, pads, strict=True))
    spans = tuple(d * (k - 1) + 1 for k, d in zip(kernel, dilation, strict=True))
    if any(span > n for span, n in zip(spans, padded, strict=True)):
        spatial = tuple(x.shape[ax] for ax in axes)
        raise ValueError(
            f"{op}: expected a kernel that fits the padded input, got a kernel of "
            f"{tuple(kernel)} (spanning {spans} with dilation {tuple(dilation)}) on an input of "
            f"spatial size {spatial} padded to {padded} (input shape {x.shape}). Use a smaller "
            f"kernel, more padding or padding='same'."
        )


def _channels_error(x: Tensor, expected: int, data_format: str, weight_text: str, op: str) -> str:
    c_axis, other_axis = (1, 3) if data_format == "NCHW" else (3, 1)
    hint = ""
    if x.shape[other_axis] == expected:
        if data_format == "NCHW":
            hint = (
                f" The last axis has {expected}: this looks like NHWC data (channels last, the "
                f"course's layout). Pass data_format='NHWC' with W (f, f, n_C_prev, n_C), or "
                f"transpose the images to NCHW: x.transpose(0, 3, 1, 2)."
            )
        else:
            hint = (
                f" Axis 1 has {expected}: this looks like NCHW data (channels first). Use "
                f"data_format='NCHW' with W (C_out, C_in, kh, kw), or transpose the images to "
                f"NHWC: x.transpose(0, 2, 3, 1)."
            )
    return (
        f"{op}: expected an input with {expected} channels at axis {c_axis} ({data_format}) to "
        f"match {weight_text}, got x.shape={x.shape} with {x.shape[c_axis]}.{hint}"
    )


def conv2d(
    x: Any,
    weight: Any,
    bias: Any = None,
    stride: int | tuple[int, int] = 1,
    padding: int | tuple[int, int] | str = 0,
    dilation: int | tuple[int, int] = 1,
    groups: int = 1,
    data_format: str = "NCHW",
) -> Tensor:
    """2-D convolution (cross-correlation, as PyTorch and the course): windows, then one GEMM.

    ``Z[n, c, h, w] = sum_{k, i, j} x_pad[n, k, h*sh + i*dh, w*sw + j*dw] * W[c, k, i, j] + b[c]``;
    the output size along each axis is ``floor((n + 2 pad - d (f - 1) - 1) / stride) + 1``, the
    course's ``floor((n + 2 pad - f) / stride) + 1`` for dilation 1. Computed as zero padding,
    ``Im2Col`` (a strided view of the windows), one copy into a matrix and one matrix product with
    the weights reshaped to a matrix, never a Python loop over pixels.

    Args:
        x: images, ``(N, C_in, H, W)`` (NCHW) or ``(m, n_H_prev, n_W_prev, n_C_prev)`` (NHWC).
        weight: the filters W, ``(C_out, C_in / groups, kh, kw)`` (NCHW, PyTorch's) or
            ``(f, f, n_C_prev / groups, n_C)`` (NHWC, the course's).
        bias: None, or b with ``C_out`` elements in any shape (``(C_out,)``, ``(1, 1, 1, n_C)``).
        stride: an int or (sh, sw).
        padding: an int or (ph, pw) of zeros on both sides; ``"valid"`` (none) or ``"same"``
            (output size ``ceil(n / stride)``, TensorFlow's rule as the course uses it; with
            stride 1 the same as PyTorch's; an odd total puts the extra pixel after).
        dilation: an int or (dh, dw): the spacing between kernel elements.
        groups: split the channels into this many independent convolutions.
        data_format: ``"NCHW"`` (default) or ``"NHWC"``.

    Returns:
        Z, ``(N, C_out, OH, OW)`` (NCHW) or ``(m, n_H, n_W, n_C)`` (NHWC), x's dtype.

    Raises:
        ValueError: wrong number of axes, channels that do not match the weights (with a hint
            when the data looks like the other layout), a kernel larger than the padded input,
            groups that do not divide the channels, a bias of the wrong size.

    >>> x = Tensor(np.ones((1, 1, 3, 3)))
    >>> conv2d(x, Tensor(np.ones((1, 1, 2, 2)))).tolist()
    [[[[4.0, 4.0], [4.0, 4.0]]]]
    """
    op = "conv2d"
    x, weight = _as_tensor(x), _as_tensor(weight)
    c_axis, h_axis, w_axis = _layout(data_format, op)
    _check_batch(x, data_format, op)
    if weight.ndim != 4:
        names = "(C_out, C_in, kh, kw)" if data_format == "NCHW" else "(f, f, n_C_prev, n_C)"
        raise ValueError(
            f"{op}: expected 4-D weights {names} for {data_format}, got shape {weight.shape}."
        )
    if isinstance(groups, bool) or not isinstance(groups, (int, np.integer)) or groups < 1:
        raise ValueError(f"{op}: expected groups to be a positive int, got {groups!r}.")
    if data_format == "NCHW":
        c_out, c_in_group, kh, kw = weight.shape
        weight_text = f"W.shape={weight.shape} (C_out, C_in / groups, kh, kw)"
    else:
        kh, kw, c_in_group, c_out = weight.shape
        weight_text = f"W.shape={weight.shape} (f, f, n_C_prev / groups, n_C)"
    if c_out % groups:
        raise ValueError(
            f"{op}: expected output channels divisible by groups={groups}, got {c_out} "
            f"({weight_text})."
        )
    c_in = x.shape[c_axis]
    if c_in != c_in_group * groups:
        expected = c_in_group * groups
        raise ValueError(_channels_error(x, expected, data_format, weight_text, op))
    kernel = (kh, kw)
    stride = _pair(stride, "stride", op)
    dilation = _pair(dilation, "dilation", op)
    axes = (h_axis, w_axis)
    sizes = (x.shape[h_axis], x.shape[w_axis])
    pads = _padding(padding, sizes, kernel, stride, dilation, op)
    _check_fits(x, pads, kernel, dilation, axes, op)
    if bias is not None:
        bias = _as_tensor(bias)
        if bias.size != c_out:
            raise ValueError(
                f"{op}: expected a bias with one number per output channel ({c_out}), got shape "
                f"{bias.shape}."
            )

    if any(b or a for b, a in pads):
        widths = [(0, 0)] * 4
        widths[h_axis], widths[w_axis] = pads
        x = ops.Pad(widths).apply(x)
    cols = ops.Im2Col(kernel, stride, dilation, axes).apply(x)
    n = x.shape[0]
    oh, ow = cols.shape[h_axis], cols.shape[w_axis]
    g, cg, og = groups, c_in_group, c_out // groups
    if data_format == "NCHW":
        # cols (N, C, OH, OW, kh, kw) -> (C*kh*kw, N*OH*OW); the copy reads rows of OW pixels
        if g == 1:  # one GEMM: (C_out, C_in*kh*kw) @ (C_in*kh*kw, N*OH*OW)
            cols = cols.transpose(1, 4, 5, 0, 2, 3).reshape(c_in * kh * kw, n * oh * ow)
            Z = weight.reshape(c_out, c_in * kh * kw) @ cols
        else:  # one batched GEMM, a group per batch: (G, C_out/G, Cg*kh*kw) @ (G, Cg*kh*kw, ...)
            cols = cols.reshape(n, g, cg, oh, ow, kh, kw).transpose(1, 2, 5, 6, 0, 3, 4)
            Z = weight.reshape(g, og, cg * kh * kw) @ cols.reshape(g, cg * kh * kw, n * oh * ow)
        Z = Z.reshape(c_out, n, oh, ow).transpose(1, 0, 2, 3)  # (N, C_out, OH, OW)
        if bias is not None:
            Z = Z + bias.reshape(c_out, 1, 1)
    else:
        # cols (m, n_H, n_W, n_C_prev, f, f) -> (m*n_H*n_W, f*f*n_C_prev), in W's row order
        if g == 1:  # one GEMM: (m*n_H*n_W, f*f*n_C_prev) @ (f*f*n_C_prev, n_C)
            cols = cols.transpose(0, 1, 2, 4, 5, 3).reshape(n * oh * ow, kh * kw * c_in)
            Z = cols @ weight.reshape(kh * kw * c_in, c_out)
        else:
            cols = cols.reshape(n, oh, ow, g, cg, kh, kw).transpose(3, 0, 1, 2, 5, 6, 4)
            W = weight.reshape(kh * kw * cg, g, og).transpose(1, 0, 2)  # (G, f*f*Cg, n_C/G)
            Z = cols.reshape(g, n * oh * ow, kh * kw * cg) @ W  # (G, m*n_H*n_W, n_C/G)
            Z = Z.transpose(1, 0, 2)
        Z = Z.reshape(n, oh, ow, c_out)  # (m, n_H, n_W, n_C)
        if bias is not None:
            Z = Z + bias.reshape(c_out)
    return Z


def _pool_sizes(n: int, k: int, s: int, p: int, ceil_mode: bool) -> tuple[int, int]:
    """Output size along one axis and the extra padding after the input that ``ceil_mode``
    needs (PyTorch's rule: the last window must start inside the input or its left padding)."""
    span = n + 2 * p - k
    out = (-(-span // s) if ceil_mode else span // s) + 1
    if ceil_mode and (out - 1) * s >= n + p:
        out -= 1
    return out, max((out - 1) * s + k - (n + 2 * p), 0)


def _pool_windows(
    x: Tensor, kernel_size, stride, padding, data_format: str, value: float, op: str, ceil_mode
) -> tuple[Tensor, tuple[int, int], list[tuple[int, int, int, int]]]:
    """Checked, padded windows ``(..., kh, kw)`` of a 4-D batch, the kernel size, and per axis
    ``(n, k, s, p)``."""
    x = _as_tensor(x)
    _, h_axis, w_axis = _layout(data_format, op)
    _check_batch(x, data_format, op)
    kernel = _pair(kernel_size, "kernel_size", op)
    stride = kernel if stride is None else _pair(stride, "stride", op)
    ph, pw = _pair(padding, "padding", op, low=0)
    if 2 * ph > kernel[0] or 2 * pw > kernel[1]:
        raise ValueError(
            f"{op}: expected padding at most half the kernel (as PyTorch), got padding "
            f"{(ph, pw)} for kernel {kernel}: a window would then hold padding only."
        )
    axes = (h_axis, w_axis)
    pads = [(ph, ph), (pw, pw)]
    _check_fits(x, pads, kernel, (1, 1), axes, op)
    dims = [
        (x.shape[ax], k, s_, p_)
        for ax, k, s_, p_ in zip(axes, kernel, stride, (ph, pw), strict=True)
    ]
    if ceil_mode:  # extra padding after the input for the windows that ceil_mode adds
        pads = [(p_, p_ + _pool_sizes(n, k, s_, p_, True)[1]) for n, k, s_, p_ in dims]
    if any(b or a for b, a in pads):
        widths = [(0, 0)] * 4
        widths[h_axis], widths[w_axis] = pads
        x = ops.Pad(widths, value).apply(x)
    return ops.Im2Col(kernel, stride, (1, 1), axes).apply(x), kernel, dims


def max_pool2d(
    x: Any,
    kernel_size: int | tuple[int, int],
    stride: int | tuple[int, int] | None = None,
    padding: int | tuple[int, int] = 0,
    data_format: str = "NCHW",
    *,
    ceil_mode: bool = False,
) -> Tensor:
    """Max pooling: the largest value of each window, per channel.

    The gradient goes to the maximum of each window; when several elements tie, all of it goes
    to the first in row-major window order (PyTorch's rule; the course's ``create_mask_from_window``
    would give each tied element the whole gradient). Padding is -inf, so it never wins.

    Args:
        x: ``(N, C, H, W)`` (NCHW) or ``(m, n_H_prev, n_W_prev, n_C)`` (NHWC).
        kernel_size: the window, an int f or (kh, kw).
        stride: an int or a pair; default: the kernel size (non-overlapping windows).
        padding: an int or a pair, at most half the kernel.
        data_format: ``"NCHW"`` (default) or ``"NHWC"`` (the course's).
        ceil_mode: round the output size up (PyTorch's): a last, partial window is kept if it
            starts inside the input or its left padding.

    Returns:
        ``(N, C, OH, OW)`` or ``(m, n_H, n_W, n_C)`` with ``OH = floor((H + 2 p - f) / s) + 1``
        (``ceil`` with ``ceil_mode``).

    Raises:
        ValueError: not a 4-D batch, a window larger than the padded input, too much padding.

    >>> x = Tensor(np.arange(16.0).reshape(1, 1, 4, 4))
    >>> max_pool2d(x, 2).tolist()
    [[[[5.0, 7.0], [13.0, 15.0]]]]
    >>> max_pool2d(x, 3, 2, ceil_mode=True).tolist()     # a second, partial window per axis
    [[[[10.0, 11.0], [14.0, 15.0]]]]
    """
    windows, (kh, kw), _ = _pool_windows(
        x, kernel_size, stride, padding, data_format, -np.inf, "max_pool2d", ceil_mode
    )
    flat = windows.reshape(*windows.shape[:4], kh * kw)  # the one copy: (..., kh*kw)
    return ops.WindowMax(-1).apply(flat)


def _pool_counts(n: int, k: int, s: int, p: int, out: int, include_pad: bool) -> np.ndarray:
    """PyTorch's divisor along one axis: the window's elements inside the padded input (or, if
    not ``include_pad``, inside the input itself); the overhang of ``ceil_mode`` never counts."""
    start = np.arange(out) * s - p
    end = np.minimum(start + k, n + p)
    if not include_pad:
        start, end = np.maximum(start, 0), np.minimum(end, n)
    return end - start


def _check_divisor(divisor_override: Any, op: str) -> None:
    """``divisor_override`` must be None or an int >= 1 (``avg_pool2d`` and ``AvgPool2d``)."""
    if divisor_override is not None and (
        isinstance(divisor_override, bool)
        or not isinstance(divisor_override, (int, np.integer))
        or divisor_override < 1
    ):
        raise ValueError(
            f"{op}: expected divisor_override None or an int >= 1, got {divisor_override!r}."
        )


def avg_pool2d(
    x: Any,
    kernel_size: int | tuple[int, int],
    stride: int | tuple[int, int] | None = None,
    padding: int | tuple[int, int] = 0,
    data_format: str = "NCHW",
    *,
    ceil_mode: bool = False,
    count_include_pad: bool = True,
    divisor_override: int | None = None,
) -> Tensor:
    """Average pooling: the mean of each window, per channel (zero padding counts, as PyTorch's
    default ``count_include_pad=True``).

    Args:
        x: ``(N, C, H, W)`` (NCHW) or ``(m, n_H_prev, n_W_prev, n_C)`` (NHWC).
        kernel_size: the window, an int f or (kh, kw).
        stride: an int or a pair; default: the kernel size.
        padding: an int or a pair of zeros, at most half the kernel.
        data_format: ``"NCHW"`` (default) or ``"NHWC"`` (the course's).
        ceil_mode: round the output size up, as ``max_pool2d``; a partial window's mean counts
            the elements inside the padded input only (PyTorch's).
        count_include_pad: count the zero padding in the mean (default True); False divides by
            the number of input elements in each window.
        divisor_override: None, or an int >= 1 to divide every window's sum by instead.

    Returns:
        ``(N, C, OH, OW)`` or ``(m, n_H, n_W, n_C)``; each input element of a window gets
        ``dout / (kh * kw)`` back, the course's ``distribute_value``.

    Raises:
        ValueError: not a 4-D batch, a window larger than the padded input, too much padding,
            a ``divisor_override`` that is not an int >= 1.

    >>> x = Tensor(np.arange(16.0).reshape(1, 1, 4, 4))
    >>> avg_pool2d(x, 2).tolist()
    [[[[2.5, 4.5], [10.5, 12.5]]]]
    >>> avg_pool2d(Tensor(np.ones((1, 1, 2, 2))), 2, padding=1, count_include_pad=False).tolist()
    [[[[1.0, 1.0], [1.0, 1.0]]]]
    """
    op = "avg_pool2d"
    _check_divisor(divisor_override, op)
    windows, (kh, kw), dims = _pool_windows(
        x, kernel_size, stride, padding, data_format, 0.0, op, ceil_mode
    )
    sums = windows.sum(axis=(-2, -1))
    if divisor_override is not None:
        return sums / int(divisor_override)
    _, h_axis, w_axis = _layout(data_format, op)
    (n_h, k_h, s_h, p_h), (n_w, k_w, s_w, p_w) = dims
    count_h = _pool_counts(n_h, k_h, s_h, p_h, sums.shape[h_axis], count_include_pad)
    count_w = _pool_counts(n_w, k_w, s_w, p_w, sums.shape[w_axis], count_include_pad)
    if np.all(count_h == kh) and np.all(count_w == kw):
        return sums / (kh * kw)  # every window whole: one number, the course's distribute_value
    counts = np.multiply.outer(count_h, count_w).astype(sums.dtype)  # (OH, OW)
    return sums / (counts if data_format == "NCHW" else counts[:, :, None])


# -------------------------------------------------------------------------------------------------
# Sequence models: attention and sampling (course 5)
# -------------------------------------------------------------------------------------------------


def _attention_bias(
    attn_mask: Any, is_causal: bool, L: int, S: int, dtype, bool_means: str = "attend"
) -> np.ndarray | None:
    """The additive mask (0 or -inf; or the given floats) for scores of shape (..., L, S).

    ``bool_means`` is what True marks in a boolean ``attn_mask``: ``"attend"`` (PyTorch's
    ``scaled_dot_product_attention``) or ``"ignore"`` (``nn.MultiheadAttention``).
    """
    bias = None
    if is_causal:
        # Position i may attend to positions j <= i (top-left aligned, as in PyTorch).
        allowed = np.tril(np.ones((L, S), dtype=bool))
        bias = np.where(allowed, 0.0, -np.inf).astype(dtype)
    if attn_mask is not None:
        mask = np.asarray(attn_mask.data if isinstance(attn_mask, Tensor) else attn_mask)
        if mask.shape[-2:] != (L, S) and mask.ndim >= 2:
            raise ValueError(
                f"attention: expected attn_mask of shape (..., {L}, {S}) (query length L, key "
                f"length S), got {mask.shape}."
            )
        if mask.dtype == bool:
            allowed = mask if bool_means == "attend" else ~mask
            extra = np.where(allowed, 0.0, -np.inf).astype(dtype)
        else:
            extra = mask.astype(dtype, copy=False)
        bias = extra if bias is None else bias + extra
    return bias


def _attention(
    query: Tensor,
    key: Tensor,
    value: Tensor,
    bias: np.ndarray | None,
    scale: float | None,
    masked_rows: str = "nan",
) -> tuple[Tensor, Tensor]:
    """``softmax(q k^T * scale + bias) v`` (..., L, Ev) and the attention weights (..., L, S).

    ``masked_rows``: what a query whose every key is masked (a bias row of -inf) gets: ``"nan"``
    (softmax of nothing, as ``nn.MultiheadAttention`` in PyTorch) or ``"zero"`` (weights, output
    and gradients 0, as PyTorch's ``F.scaled_dot_product_attention``).
    """
    E = query.shape[-1]
    scale = 1.0 / np.sqrt(E) if scale is None else scale
    perm = (*range(key.ndim - 2), key.ndim - 1, key.ndim - 2)
    scores = (query @ key.transpose(perm)) * scale  # (..., L, S)
    alive = None
    if bias is not None:
        if masked_rows == "zero":
            dead = np.all(np.isneginf(bias), axis=-1, keepdims=True)  # (..., L, 1)
            if dead.any():  # a finite row instead (any: its weights are multiplied by 0 below)
                bias = np.where(dead, 0.0, bias).astype(bias.dtype, copy=False)
                alive = (~dead).astype(scores.dtype)
        scores = scores + bias  # -inf where a position may not attend: its weight becomes 0
    weights = scores.softmax(axis=-1)  # (..., L, S), each row sums to 1
    if alive is not None:
        weights = weights * alive  # fully masked queries: weight 0 on every key
    return weights @ value, weights  # (..., L, Ev)


def scaled_dot_product_attention(
    query: Any,
    key: Any,
    value: Any,
    attn_mask: Any = None,
    dropout_p: float = 0.0,
    is_causal: bool = False,
    scale: float | None = None,
) -> Tensor:
    """Attention (PyTorch's ``F.scaled_dot_product_attention``): ``softmax(Q K^T / sqrt(E)) V``.

    Each of the L queries takes a weighted average of the S values, weighted by how well it
    matches each key (course 5, week 4: "Transformer networks"). Composed of matmul, transpose,
    multiply, add and softmax, so every gradient comes from autograd.

    Args:
        query: ``(..., L, E)``.
        key: ``(..., S, E)``.
        value: ``(..., S, Ev)``.
        attn_mask: broadcastable to ``(..., L, S)``: booleans where True means "may attend"
            (PyTorch's convention for this function), or floats added to the scores (use
            ``-inf`` to forbid). A query that may attend to no key at all gets an output of 0
            and sends no gradient (PyTorch's rule for this function; a plain softmax of that
            row would be NaN).
        dropout_p: must be 0 (no dropout on attention weights here).
        is_causal: query i attends only to keys ``j <= i`` (a decoder's mask: no peeking ahead).
        scale: the factor applied to ``Q K^T``; default ``1 / sqrt(E)``.

    Returns:
        ``(..., L, Ev)``.

    Raises:
        ValueError: a mask of the wrong shape, or ``dropout_p`` other than 0.

    >>> q = k = Tensor(np.zeros((3, 2)))   # 3 positions, E = 2: every key matches equally well
    >>> v = Tensor([[1.0], [2.0], [3.0]])
    >>> scaled_dot_product_attention(q, k, v, is_causal=True).data.ravel().tolist()
    [1.0, 1.5, 2.0]
    """
    if dropout_p:
        raise ValueError(
            f"scaled_dot_product_attention: expected dropout_p=0, got {dropout_p}. Dropout on the "
            f"attention weights is not implemented; apply dropout to the output instead."
        )
    query, key, value = (x if isinstance(x, Tensor) else Tensor(x) for x in (query, key, value))
    if query.ndim < 2 or key.ndim < 2 or value.ndim < 2 or query.shape[-1] != key.shape[-1]:
        raise ValueError(
            f"scaled_dot_product_attention: expected query (..., L, E), key (..., S, E) and value "
            f"(..., S, Ev), got {query.shape}, {key.shape} and {value.shape}."
        )
    if key.shape[-2] != value.shape[-2]:
        raise ValueError(
            f"scaled_dot_product_attention: expected key and value with the same length S, got "
            f"key {key.shape} and value {value.shape}."
        )
    L, S = query.shape[-2], key.shape[-2]
    bias = _attention_bias(attn_mask, is_causal, L, S, query.dtype, bool_means="attend")
    return _attention(query, key, value, bias, scale, masked_rows="zero")[0]


def sample(logits: Any, temperature: float = 1.0, *, axis: int = -1, rng=None) -> int | np.ndarray:
    """Draw one index from ``softmax(logits / temperature)`` (a language model's next token).

    With ``rng=None`` the draw is ``np.random.choice(V, p=probabilities)`` from numpy's legacy
    global generator, exactly as the course samples: ``np.random.seed(s)`` first reproduces the
    course's names. Temperature below 1 sharpens the distribution (more likely tokens), above 1
    flattens it; 0 always takes the most likely one (argmax).

    Args:
        logits: scores over V tokens along ``axis``: ``(V,)``, a column ``(V, 1)`` with
            ``axis=0`` (the course's layout), or ``(N, V)`` for N draws at once.
        temperature: >= 0.
        axis: the axis of the V tokens.
        rng: None (numpy's global generator), a ``numpy.random.RandomState`` or a ``Generator``.

    Returns:
        An int when ``logits`` hold one distribution (``(V,)``, ``(V, 1)`` with ``axis=0``,
        ``(1, V)``), else an int64 array with one index per distribution (the shape of
        ``logits`` without ``axis``).

    Raises:
        ValueError: a negative temperature.
        TypeError: an ``rng`` of another type.

    >>> np.random.seed(0)
    >>> sample(np.log([0.1, 0.2, 0.7]))
    2
    >>> sample(np.array([[0.0, 5.0], [9.0, 1.0]]), temperature=0)
    array([1, 0])
    """
    if temperature < 0:
        raise ValueError(f"sample: expected temperature >= 0, got {temperature}.")
    if rng is not None and not isinstance(rng, (np.random.RandomState, np.random.Generator)):
        raise TypeError(
            f"sample: expected rng to be None, numpy.random.RandomState or Generator, got "
            f"{type(rng).__name__}."
        )
    z = logits if isinstance(logits, Tensor) else Tensor(np.asarray(logits, dtype=np.float64))
    z = Tensor(np.moveaxis(z.data, axis, -1))  # (..., V)
    if temperature == 0:
        picks = np.argmax(z.data, axis=-1)
    else:
        if temperature != 1:  # z is a fresh tensor that records nothing
            z = z / temperature
        p = z.softmax(axis=-1).data  # the course's softmax: exp(z - max(z)) / sum
        draw = np.random.choice if rng is None else rng.choice
        V = p.shape[-1]
        flat = [draw(V, p=row) for row in p.reshape(-1, V)]
        picks = np.array(flat, dtype=np.int64).reshape(p.shape[:-1])
    if picks.size == 1 and z.ndim <= 2:  # one distribution: (V,), (V, 1) with axis=0, (1, V)
        return int(picks.reshape(()))
    return picks.astype(np.int64, copy=False)
