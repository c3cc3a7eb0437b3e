"""Sliding-window ops: strided windows (im2col) and their adjoint (col2im), padding, window max.

Layer: ``ops`` (imports numpy only).

Convolution and pooling are composites of these (``nn.functional``): ``conv2d`` is
pad -> ``Im2Col`` -> one matrix product -> reshape; ``avg_pool2d`` is ``Im2Col`` -> sum / count;
``max_pool2d`` is pad with -inf -> ``Im2Col`` -> ``WindowMax``. The ops come in adjoint pairs, so
every backward is another op of this module and works again on its own output (gradients of
gradients): ``Im2Col`` <-> ``Col2Im``, ``Pad(w)`` <-> ``Pad(-w)`` (a negative width crops).

Never a Python loop over pixels: ``Im2Col`` is a read-only strided *view* of its input (no copy;
the copy happens once, in the reshape that feeds the matrix product), and ``Col2Im`` adds one
strided slice per kernel offset (``kh * kw`` vectorized additions), never ``np.add.at``.
"""

from __future__ import annotations

import itertools

import numpy as np
from numpy.lib.stride_tricks import as_strided

from tinygrad_edu.ops.base import Function


def out_size(n: int, kernel: int, stride: int, dilation: int) -> int:
    """Number of window positions along an axis of length ``n`` (already padded).

    ``floor((n - dilation * (kernel - 1) - 1) / stride) + 1``: the course's
    ``floor((n + 2 pad - f) / stride) + 1`` with the padding already added and dilation 1.

    >>> out_size(7, 3, 2, 1), out_size(64, 8, 8, 1), out_size(5, 3, 1, 2)
    (3, 8, 1)
    """
    return (n - dilation * (kernel - 1) - 1) // stride + 1


def _window_slices(shape, axes, kernel, stride, dilation, offset):
    """The strided slice of an input of ``shape`` that kernel element ``offset`` sees."""
    index = [slice(None)] * len(shape)
    for ax, k, s, d, i in zip(axes, kernel, stride, dilation, offset, strict=True):
        n_out = out_size(shape[ax], k, s, d)
        index[ax] = slice(i * d, i * d + s * (n_out - 1) + 1, s)
    return tuple(index)


class Im2Col(Function):
    """out[..., oh, ow, ..., i, j] = x[..., oh*sh + i*dh, ow*sw + j*dw, ...];  dx = col2im(dout)

    The windows of ``x`` along the spatial ``axes`` (e.g. ``(2, 3)`` for NCHW, ``(1, 2)`` for
    NHWC): each spatial axis becomes its number of window positions and the kernel axes are
    appended at the end, e.g. ``(N, C, H, W) -> (N, C, OH, OW, kh, kw)``. The result is a
    read-only strided view of ``x`` (numpy's ``as_strided``): nothing is copied until a reshape
    needs contiguous memory. Overlapping windows read the same element several times, so the
    gradient adds their contributions back: that is ``Col2Im``.
    """

    name = "im2col"
    __slots__ = ("kernel", "stride", "dilation", "axes", "in_shape")

    def __init__(self, kernel, stride, dilation, axes):
        self.kernel, self.stride, self.dilation = tuple(kernel), tuple(stride), tuple(dilation)
        self.axes = tuple(axes)

    def forward(self, x):
        """The windows of ``x``, as a strided view copied once.

        Raises:
            ValueError: a kernel (with its dilation) longer than the input on one of ``axes``.
        """
        self.saved = ()
        self.in_shape = x.shape
        shape, strides = list(x.shape), list(x.strides)
        extra_shape, extra_strides = [], []
        for ax, k, s, d in zip(self.axes, self.kernel, self.stride, self.dilation, strict=True):
            n_out = out_size(x.shape[ax], k, s, d)
            if n_out < 1:
                raise ValueError(
                    f"im2col: expected a kernel that fits the input, got a kernel of {k} "
                    f"(dilation {d}: it spans {d * (k - 1) + 1}) on axis {ax} of length "
                    f"{x.shape[ax]}. Pad the input or use a smaller kernel."
                )
            shape[ax], strides[ax] = n_out, x.strides[ax] * s
            extra_shape.append(k)
            extra_strides.append(x.strides[ax] * d)
        return as_strided(x, (*shape, *extra_shape), (*strides, *extra_strides), writeable=False)

    def backward(self, dout):
        col2im = Col2Im(self.in_shape, self.kernel, self.stride, self.dilation, self.axes)
        return (col2im.apply(dout),)


class Col2Im(Function):
    """out[h, w] = sum of x[oh, ow, i, j] at h = oh*sh + i*dh, w = ow*sw + j*dw;  dx = im2col(dout)

    The adjoint of ``Im2Col``: every window element is added back where it was read from, one
    strided slice per kernel offset ``(i, j)``, so an element shared by overlapping windows
    receives the sum of their values. ``shape`` is the shape of the image (``Im2Col``'s input).
    """

    name = "col2im"
    __slots__ = ("shape", "kernel", "stride", "dilation", "axes")

    def __init__(self, shape, kernel, stride, dilation, axes):
        self.shape = tuple(shape)
        self.kernel, self.stride, self.dilation = tuple(kernel), tuple(stride), tuple(dilation)
        self.axes = tuple(axes)

    def forward(self, x):
        """The image of shape ``self.shape``, each window added back where it came from.

        Raises:
            ValueError: windows of another shape than the image's ``im2col`` gives.
        """
        self.saved = ()
        n_kernel = len(self.kernel)
        expected = list(self.shape)
        for ax, k, s, d in zip(self.axes, self.kernel, self.stride, self.dilation, strict=True):
            expected[ax] = out_size(self.shape[ax], k, s, d)
        expected = (*expected, *self.kernel)
        if x.shape != expected:
            raise ValueError(
                f"col2im: expected windows of shape {expected} for an image of shape "
                f"{self.shape}, got {x.shape}."
            )
        if self.stride == self.kernel and all(d == 1 for d in self.dilation):
            return self._tiled(x)
        out = np.zeros(self.shape, dtype=x.dtype)
        lead = (slice(None),) * (x.ndim - n_kernel)
        for offset in itertools.product(*(range(k) for k in self.kernel)):
            where = _window_slices(
                self.shape, self.axes, self.kernel, self.stride, self.dilation, offset
            )
            out[where] += x[lead + offset]
        return out

    def _tiled(self, x):
        """Windows that tile the image without overlap (stride = kernel, as most pooling): each
        element has one source, so one transposed copy replaces the kh * kw additions."""
        ndim = len(self.shape)
        order, covered = [], []
        for ax in range(ndim):
            if ax in self.axes:
                i = self.axes.index(ax)
                order += [ax, ndim + i]  # (..., OH, kh, ...): rows of windows, rows inside one
                covered.append(x.shape[ax] * self.kernel[i])
            else:
                order.append(ax)
                covered.append(self.shape[ax])
        tiles = x.transpose(order).reshape(covered)
        if tuple(covered) == self.shape:
            return np.ascontiguousarray(tiles)
        out = np.zeros(self.shape, dtype=x.dtype)  # the rows and columns no window reached
        out[tuple(slice(n) for n in covered)] = tiles
        return out

    def backward(self, dout):
        im2col = Im2Col(self.kernel, self.stride, self.dilation, self.axes)
        return (im2col.apply(dout),)


def normalize_pad_width(pad_width, ndim: int, op: str = "pad") -> tuple[tuple[int, int], ...]:
    """numpy's pad widths as one ``(before, after)`` pair of ints per axis.

    ``p`` pads every axis by p on both sides; ``(before, after)`` applies to every axis;
    ``((b0, a0), (b1, a1), ...)`` gives each axis its own (as ``np.pad``). Negative widths crop.

    Raises:
        ValueError: widths that are not ints, or pairs that do not fit ``ndim`` axes.

    >>> normalize_pad_width(1, 2)
    ((1, 1), (1, 1))
    >>> normalize_pad_width(((0, 0), (3, 3)), 2)
    ((0, 0), (3, 3))
    """
    try:
        widths = np.asarray(pad_width)
        if widths.dtype.kind not in "iu" and widths.size:
            raise TypeError
        pairs = np.broadcast_to(widths, (ndim, 2))
    except (TypeError, ValueError):
        raise ValueError(
            f"{op}: expected pad widths as an int, a (before, after) pair or one pair per axis "
            f"({ndim} axes), got {pad_width!r}. For example ((0, 0), (3, 3), (3, 3), (0, 0)) pads "
            f"the two middle axes of an NHWC batch by 3."
        ) from None
    return tuple((int(b), int(a)) for b, a in pairs)


class Pad(Function):
    """out = x with (before, after) = widths[k] values added on axis k;  dx = pad(dout, -widths)

    A negative width crops instead. The padded places hold ``value`` (0 for zero padding, -inf
    around a max pooling); they depend on no input, so the gradient is ``dout`` cropped back to
    ``x``: ``Pad`` with the negated widths. Cropping's gradient is zero padding, so the pair is
    closed under differentiation.
    """

    name = "pad"
    __slots__ = ("widths", "value")

    def __init__(self, widths, value: float = 0.0):
        self.widths = tuple((int(b), int(a)) for b, a in widths)
        self.value = value

    def forward(self, x):
        """``x`` padded (or cropped) by ``self.widths``, new places holding ``self.value``.

        Raises:
            ValueError: not one ``(before, after)`` pair per axis, or a crop longer than the axis.
        """
        self.saved = ()
        if len(self.widths) != x.ndim:
            raise ValueError(
                f"pad: expected one (before, after) pair per axis ({x.ndim} for shape "
                f"{x.shape}), got {len(self.widths)}."
            )
        for (b, a), n in zip(self.widths, x.shape, strict=True):
            if max(-b, 0) + max(-a, 0) > n:
                raise ValueError(
                    f"pad: expected negative widths that crop at most the input's length, got "
                    f"{(b, a)} on an axis of length {n} (shape {x.shape})."
                )
        pairs = zip(self.widths, x.shape, strict=True)
        crop = tuple(slice(max(-b, 0), n - max(-a, 0)) for (b, a), n in pairs)
        x = x[crop]  # a view: the cropped part of a negative width
        grow = [(max(b, 0), max(a, 0)) for b, a in self.widths]
        if not any(b or a for b, a in grow):
            return x
        out = np.full(
            tuple(n + b + a for n, (b, a) in zip(x.shape, grow, strict=True)),
            self.value,
            dtype=x.dtype,
        )
        out[tuple(slice(b, b + n) for n, (b, _) in zip(x.shape, grow, strict=True))] = x
        return out

    def backward(self, dout):
        return (Pad([(-b, -a) for b, a in self.widths]).apply(dout),)


class WindowMax(Function):
    """out = max(x, axis);  dx = dout at the first maximum along axis (row-major), 0 elsewhere

    The tie rule of PyTorch's ``max_pool2d``: when several elements of a window share the maximum,
    the whole gradient goes to the first of them (the one ``argmax`` returns), not split among
    them as ``Tensor.max`` does. Primitive because the rule needs the position of the maximum;
    what backward keeps is that position (an integer constant), so ``dout * onehot`` works again
    on tensors (gradients of gradients).
    """

    name = "window_max"
    __slots__ = ("axis", "size")

    def __init__(self, axis: int = -1):
        self.axis = axis

    def forward(self, x):
        self.axis = self.axis % x.ndim
        self.size = x.shape[self.axis]
        first = np.argmax(x, axis=self.axis)  # the first maximum (or the first NaN)
        self.saved = (first,)
        # Gathering the winners reads one element per window: cheaper than a second reduction.
        return np.take_along_axis(x, np.expand_dims(first, self.axis), self.axis).squeeze(self.axis)

    def backward(self, dout):
        (first,) = self.saved
        tail = (1,) * (first.ndim - self.axis)
        positions = np.arange(self.size).reshape((self.size, *tail))
        onehot = positions == np.expand_dims(first, self.axis)  # True at each window's winner
        shape = list(dout.shape)
        shape.insert(self.axis, 1)
        return (dout.reshape(tuple(shape)) * onehot,)
