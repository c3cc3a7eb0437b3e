"""Op-table rows of the convolution area: the window ops (``Im2Col``, ``Col2Im``, ``Pad``,
``WindowMax``) and the composites built on them (``conv2d``, ``max_pool2d``, ``avg_pool2d``,
``Tensor.pad``, ``Tensor.flatten(start_dim, end_dim)``).

Hypothesis draws small batches with every combination of stride, padding (ints, pairs, "same",
"valid"), dilation, groups and both layouts. The numpy column is an independent implementation:
explicit loops over output positions, written from the definitions (never the library's
im2col). The torch column uses ``torch.nn.functional`` (``conv2d``, ``max_pool2d``, ``avg_pool2d``,
``unfold``/``fold``, ``pad``), permuting NHWC data to NCHW and back.

Max pooling draws distinct values on a 0.1 grid, so central differences never straddle a tie;
the tie rule itself (the gradient goes to the first maximum, as PyTorch's) is checked against
torch on inputs full of ties in ``tests/test_conv.py``.
"""

from __future__ import annotations

import math

import numpy as np
from hypothesis import strategies as st
from op_table import GRID, Case

from tinygrad_edu import ops
from tinygrad_edu.nn import functional as nnf
from tinygrad_edu.testing import strategies as tst

try:
    import torch
    import torch.nn.functional as tf
except ImportError:  # the torch column is skipped cleanly
    torch = tf = None


# -------------------------------------------------------------------------------------------------
# Strategies
# -------------------------------------------------------------------------------------------------


@st.composite
def _geometry(draw, max_kernel=3, allow_dilation=True):
    """kernel, stride, dilation pairs and an image size the dilated kernel fits into."""
    kernel = (draw(st.integers(1, max_kernel)), draw(st.integers(1, max_kernel)))
    stride = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    dilation = (1, 1)
    if allow_dilation:
        dilation = (draw(st.integers(1, 2)), draw(st.integers(1, 2)))
    spans = [d * (k - 1) + 1 for k, d in zip(kernel, dilation, strict=True)]
    size = tuple(draw(st.integers(s, s + 4)) for s in spans)
    return kernel, stride, dilation, size


def _layout_shape(n, c, size, fmt):
    return (n, c, *size) if fmt == "NCHW" else (n, *size, c)


@st.composite
def _im2col_inputs(draw):
    kernel, stride, dilation, size = draw(_geometry())
    fmt = draw(st.sampled_from(["NCHW", "NHWC"]))
    shape = _layout_shape(draw(st.integers(1, 2)), draw(st.integers(1, 2)), size, fmt)
    return draw(tst.arrays(shape)), kernel, stride, dilation, fmt


@st.composite
def _col2im_inputs(draw):
    kernel, stride, dilation, size = draw(_geometry())
    fmt = draw(st.sampled_from(["NCHW", "NHWC"]))
    image = _layout_shape(draw(st.integers(1, 2)), draw(st.integers(1, 2)), size, fmt)
    counts = [
        ops.out_size(n, k, s, d) for n, k, s, d in zip(size, kernel, stride, dilation, strict=True)
    ]
    if fmt == "NCHW":
        windows = (*image[:2], *counts, *kernel)
    else:
        windows = (image[0], *counts, image[3], *kernel)
    return draw(tst.arrays(windows)), image, kernel, stride, dilation, fmt


@st.composite
def _pad_inputs(draw):
    shape = draw(tst.shapes(min_dims=1, max_dims=3))
    widths = []
    for n in shape:
        before = draw(st.integers(-min(n - 1, 1), 2))
        after = draw(st.integers(-min(n - 1 - max(-before, 0), 1), 2))
        widths.append((before, after))
    value = draw(st.sampled_from([0.0, -1.5]))
    return draw(tst.arrays(shape)), tuple(widths), value


@st.composite
def _window_max_inputs(draw):
    shape = draw(tst.shapes(min_dims=1, max_dims=3))
    axis = draw(st.integers(-len(shape), len(shape) - 1))
    return draw(tst.arrays(shape, elements=GRID, unique=True)), axis


@st.composite
def _conv_inputs(draw):
    fmt = draw(st.sampled_from(["NCHW", "NHWC"]))
    groups = draw(st.sampled_from([1, 1, 2]))
    c_in = groups * draw(st.integers(1, 2))
    c_out = groups * draw(st.integers(1, 2))
    kernel, stride, dilation, size = draw(_geometry())
    padding = draw(
        st.one_of(
            st.integers(0, 2),
            st.tuples(st.integers(0, 2), st.integers(0, 1)),
            st.sampled_from(["same", "valid"]),
        )
    )
    n = draw(st.integers(1, 2))
    x = draw(tst.arrays(_layout_shape(n, c_in, size, fmt)))
    if fmt == "NCHW":
        W = draw(tst.arrays((c_out, c_in // groups, *kernel)))
    else:
        W = draw(tst.arrays((*kernel, c_in // groups, c_out)))
    b = draw(tst.arrays((c_out,)))
    return x, W, b, stride, padding, dilation, groups, fmt


@st.composite
def _pool_inputs(draw, unique):
    fmt = draw(st.sampled_from(["NCHW", "NHWC"]))
    kernel, stride, _, size = draw(_geometry(allow_dilation=False))
    stride = draw(st.one_of(st.none(), st.just(stride)))
    padding = (draw(st.integers(0, kernel[0] // 2)), draw(st.integers(0, kernel[1] // 2)))
    shape = _layout_shape(draw(st.integers(1, 2)), draw(st.integers(1, 2)), size, fmt)
    x = draw(tst.arrays(shape, elements=GRID if unique else None, unique=unique))
    return x, kernel, stride, padding, fmt


@st.composite
def _flatten_inputs(draw):
    shape = draw(tst.shapes(min_dims=1, max_dims=4))
    start = draw(st.integers(-len(shape), len(shape) - 1))
    end = draw(st.integers(start % len(shape), len(shape) - 1))
    return draw(tst.arrays(shape)), start, end


# -------------------------------------------------------------------------------------------------
# numpy: written from the definitions, with loops over output positions (tiny sizes only)
# -------------------------------------------------------------------------------------------------


def _to_nchw(x, fmt):
    return x if fmt == "NCHW" else np.moveaxis(x, 3, 1)


def _from_nchw(x, fmt):
    return x if fmt == "NCHW" else np.moveaxis(x, 1, 3)


def np_im2col(x, kernel, stride, dilation, fmt):
    x = _to_nchw(x, fmt)
    (kh, kw), (sh, sw), (dh, dw) = kernel, stride, dilation
    oh = (x.shape[2] - dh * (kh - 1) - 1) // sh + 1
    ow = (x.shape[3] - dw * (kw - 1) - 1) // sw + 1
    out = np.empty((*x.shape[:2], oh, ow, kh, kw))
    for h, w, i, j in np.ndindex(oh, ow, kh, kw):
        out[:, :, h, w, i, j] = x[:, :, h * sh + i * dh, w * sw + j * dw]
    return out if fmt == "NCHW" else np.moveaxis(out, 1, 3)


def np_col2im(cols, image, kernel, stride, dilation, fmt):
    if fmt == "NHWC":
        cols = np.moveaxis(cols, 3, 1)
        image = (image[0], image[3], image[1], image[2])
    (sh, sw), (dh, dw) = stride, dilation
    out = np.zeros(image)
    for h, w, i, j in np.ndindex(*cols.shape[2:6]):
        out[:, :, h * sh + i * dh, w * sw + j * dw] += cols[:, :, h, w, i, j]
    return _from_nchw(out, fmt)


def np_pad(x, widths, value):
    crop = tuple(
        slice(max(-b, 0), n - max(-a, 0)) for (b, a), n in zip(widths, x.shape, strict=True)
    )
    grow = [(max(b, 0), max(a, 0)) for b, a in widths]
    return np.pad(x[crop], grow, constant_values=value)


def _pads(padding, size, kernel, stride, dilation):
    """(before, after) per spatial axis; "same" is TensorFlow's rule, output ceil(n / stride)."""
    if padding == "valid":
        return [(0, 0), (0, 0)]
    if padding == "same":
        pads = []
        for n, k, s, d in zip(size, kernel, stride, dilation, strict=True):
            total = max((math.ceil(n / s) - 1) * s + d * (k - 1) + 1 - n, 0)
            pads.append((total // 2, total - total // 2))
        return pads
    ph, pw = (padding, padding) if isinstance(padding, int) else padding
    return [(ph, ph), (pw, pw)]


def np_conv2d(x, W, b, stride, padding, dilation, groups, fmt):
    x = _to_nchw(x, fmt)
    if fmt == "NHWC":
        W = W.transpose(3, 2, 0, 1)
    c_out, cg, kh, kw = W.shape
    (sh, sw), (dh, dw) = stride, dilation
    pads = _pads(padding, x.shape[2:], (kh, kw), stride, dilation)
    xp = np.pad(x, [(0, 0), (0, 0), *pads])
    oh = (xp.shape[2] - dh * (kh - 1) - 1) // sh + 1
    ow = (xp.shape[3] - dw * (kw - 1) - 1) // sw + 1
    out = np.empty((x.shape[0], c_out, oh, ow))
    per_group = c_out // groups
    for n, co, h, w in np.ndindex(*out.shape):
        g = co // per_group
        patch = xp[n, g * cg : (g + 1) * cg, h * sh : h * sh + dh * (kh - 1) + 1 : dh,
                   w * sw : w * sw + dw * (kw - 1) + 1 : dw]  # fmt: skip
        out[n, co, h, w] = np.sum(patch * W[co]) + b[co]
    return _from_nchw(out, fmt)


def _np_pool(x, kernel, stride, padding, fmt, reduce, fill):
    x = _to_nchw(x, fmt)
    (kh, kw), (ph, pw) = kernel, padding
    sh, sw = kernel if stride is None else stride
    xp = np.pad(x, [(0, 0), (0, 0), (ph, ph), (pw, pw)], constant_values=fill)
    oh, ow = (xp.shape[2] - kh) // sh + 1, (xp.shape[3] - kw) // sw + 1
    out = np.empty((*x.shape[:2], oh, ow))
    for h, w in np.ndindex(oh, ow):
        out[:, :, h, w] = reduce(xp[:, :, h * sh : h * sh + kh, w * sw : w * sw + kw], axis=(2, 3))
    return _from_nchw(out, fmt)


def np_max_pool2d(x, kernel, stride, padding, fmt):
    return _np_pool(x, kernel, stride, padding, fmt, np.max, -np.inf)


def np_avg_pool2d(x, kernel, stride, padding, fmt):
    return _np_pool(x, kernel, stride, padding, fmt, np.mean, 0.0)


def np_flatten(x, start, end):
    start, end = start % x.ndim, end % x.ndim
    return x.reshape(*x.shape[:start], -1, *x.shape[end + 1 :])


# -------------------------------------------------------------------------------------------------
# torch
# -------------------------------------------------------------------------------------------------


def _t_to_nchw(x, fmt):
    return x if fmt == "NCHW" else x.permute(0, 3, 1, 2)


def _t_from_nchw(x, fmt):
    return x if fmt == "NCHW" else x.permute(0, 2, 3, 1)


def torch_im2col(x, kernel, stride, dilation, fmt):
    x = _t_to_nchw(x, fmt)
    spans = [d * (k - 1) + 1 for k, d in zip(kernel, dilation, strict=True)]
    win = x.unfold(2, spans[0], stride[0]).unfold(3, spans[1], stride[1])
    win = win[..., :: dilation[0], :: dilation[1]]  # (N, C, OH, OW, kh, kw)
    return win if fmt == "NCHW" else win.permute(0, 2, 3, 1, 4, 5)


def torch_col2im(cols, image, kernel, stride, dilation, fmt):
    if fmt == "NHWC":
        cols = cols.permute(0, 3, 1, 2, 4, 5)
        image = (image[0], image[3], image[1], image[2])
    n, c, oh, ow, kh, kw = cols.shape
    flat = cols.permute(0, 1, 4, 5, 2, 3).reshape(n, c * kh * kw, oh * ow)
    out = tf.fold(flat, image[2:], kernel, dilation=dilation, stride=stride)
    return _t_from_nchw(out, fmt)


def torch_pad(x, widths, value):
    flat = [p for pair in reversed(widths) for p in pair]  # torch: last axis first
    return tf.pad(x, flat, value=value)


def torch_window_max(x, axis):
    return torch.max(x, dim=axis).values


def torch_conv2d(x, W, b, stride, padding, dilation, groups, fmt):
    x = _t_to_nchw(x, fmt).contiguous()
    if fmt == "NHWC":
        W = W.permute(3, 2, 0, 1).contiguous()  # torch's slow path wants contiguous weights
    pads = _pads(padding, x.shape[2:], W.shape[2:], stride, dilation)
    x = tf.pad(x, [*pads[1], *pads[0]])
    out = tf.conv2d(x, W, b, stride=stride, dilation=dilation, groups=groups)
    return _t_from_nchw(out, fmt)


def torch_max_pool2d(x, kernel, stride, padding, fmt):
    out = tf.max_pool2d(_t_to_nchw(x, fmt), kernel, stride, padding)
    return _t_from_nchw(out, fmt)


def torch_avg_pool2d(x, kernel, stride, padding, fmt):
    out = tf.avg_pool2d(_t_to_nchw(x, fmt), kernel, stride, padding)
    return _t_from_nchw(out, fmt)


def _axes(fmt):
    return (2, 3) if fmt == "NCHW" else (1, 2)


# fmt: off
CASES: list[Case] = [
    Case("im2col", _im2col_inputs(),
         lambda x, k, s, d, f: ops.Im2Col(k, s, d, _axes(f)).apply(x), np_im2col, torch_im2col, diff=(0,)),
    Case("col2im", _col2im_inputs(),
         lambda x, img, k, s, d, f: ops.Col2Im(img, k, s, d, _axes(f)).apply(x), np_col2im, torch_col2im, diff=(0,)),
    Case("pad_op", _pad_inputs(), lambda x, w, v: ops.Pad(w, v).apply(x), np_pad, torch_pad, diff=(0,)),
    Case("tensor_pad", _pad_inputs(), lambda x, w, v: x.pad(w, v), np_pad, torch_pad, diff=(0,)),
    Case("window_max", _window_max_inputs(), lambda x, a: ops.WindowMax(a).apply(x),
         lambda x, a: np.max(x, axis=a), torch_window_max, diff=(0,)),
    Case("conv2d", _conv_inputs(), nnf.conv2d, np_conv2d, torch_conv2d, diff=(0, 1, 2)),
    Case("max_pool2d", _pool_inputs(unique=True), nnf.max_pool2d, np_max_pool2d, torch_max_pool2d, diff=(0,)),
    Case("avg_pool2d", _pool_inputs(unique=False), nnf.avg_pool2d, np_avg_pool2d, torch_avg_pool2d, diff=(0,)),
    Case("flatten_dims", _flatten_inputs(), lambda x, s, e: x.flatten(s, e), np_flatten,
         lambda x, s, e: x.flatten(s, e), diff=(0,)),
]
# fmt: on
