"""Linear algebra: matrix products.

Layer: ``ops`` (imports numpy only).
"""

from __future__ import annotations

import numpy as np

from tinygrad_edu.ops.base import Function

# ---------------------------------------------------------------------------------------------
# Linear algebra
# ---------------------------------------------------------------------------------------------


def _f_ordered(a: np.ndarray) -> bool:
    """True for a Fortran-ordered 2-D array, such as the transposed view ``W.T``."""
    return type(a) is np.ndarray and a.flags.f_contiguous and not a.flags.c_contiguous


class MatMul(Function):
    """out = x @ y;  dx = dout @ y^T,  dy = x^T @ dout   (numpy's rules for 1-D and batched inputs)

    A 1-D x is treated as a row (1, n) and a 1-D y as a column (n, 1), then the added axis is
    removed again; batch dimensions that were broadcast are summed by the engine's unbroadcast.

    A 2-D gradient is computed in its input's memory order: for ``A @ W.T`` (a batch-first layer)
    ``dy = (dout^T @ x)^T`` is the transposed view of a C-ordered array, so the gradient reaching W
    through the transpose is C-ordered, with no copy; OpenBLAS is also 1.5-2x faster on the tall
    (209, 12288) products of the course's cat networks this way round.
    """

    name = "matmul"
    __slots__ = ()

    broadcasts = True  # the batch axes (all but the last two) follow numpy broadcasting

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


class Einsum(Function):
    """out = einsum(spec, *xs);  dx_k = einsum of dout with the other inputs, into x_k's labels

    ``spec`` is explicit and without ``...`` (``"ij,jk->ik"``; the tensor layer's ``tg.einsum``
    rewrites numpy's implicit and ``...`` forms into it). The gradient of input k contracts
    ``dout`` with every other input over the labels x_k does not have: ``"ik,jk->ij"`` for the
    first input of ``"ij,jk->ik"``. A label only x_k has was summed away, so its gradient is
    repeated along it (broadcast); a label repeated within x_k (``"ii->i"``, a diagonal) gets the
    gradient on that diagonal and 0 elsewhere. Because the backward is itself an einsum, second
    derivatives need nothing more. Labels of size 1 broadcast (numpy's rule); the engine's
    unbroadcast sums their gradients.
    """

    name = "einsum"
    __slots__ = ("spec", "inputs", "output")

    broadcasts = True  # a label of size 1 in one input broadcasts against the others

    def __init__(self, spec: str):
        self.spec = spec
        inputs, self.output = spec.split("->")
        self.inputs = inputs.split(",")

    def forward(self, *xs):
        self.saved = xs
        return np.einsum(self.spec, *xs, optimize=len(xs) > 1)

    def backward(self, dout):
        xs = self.saved
        grads = []
        for k, (labels, x, need) in enumerate(zip(self.inputs, xs, self.needs, strict=True)):
            if not need:
                grads.append(None)
                continue
            others = [m for m in range(len(xs)) if m != k]
            elsewhere = set(self.output).union(*(self.inputs[m] for m in others))
            unique = "".join(dict.fromkeys(labels))  # each label once, in order
            kept = "".join(label for label in unique if label in elsewhere)
            spec = ",".join([self.output, *(self.inputs[m] for m in others)]) + "->" + kept
            g = Einsum(spec).apply(dout, *(xs[m] for m in others))  # (kept labels)
            sizes = dict(zip(labels, x.shape, strict=True))
            if kept != unique:  # labels only x_k has: the gradient repeats along them
                g = g.reshape(tuple(g.shape[kept.index(c)] if c in kept else 1 for c in unique))
                full = tuple(g.shape[i] if c in kept else sizes[c] for i, c in enumerate(unique))
                g = np.broadcast_to(g, full)
            # A label of size 1 in another input but not in x_k (x (2, 1), y (3,) in "ij,j->i")
            # leaves the gradient with 1 where x_k has n: it is the same for each of the n.
            target = tuple(sizes[c] for c in unique)
            if g.shape != target:  # (larger where x_k has 1: the engine's unbroadcast sums it)
                g = np.broadcast_to(g, np.broadcast_shapes(g.shape, target))
            if unique != labels:  # a repeated label: the gradient lies on the diagonal
                g = _onto_diagonal(g, labels, unique, x.shape)
            grads.append(g)
        return tuple(grads)

    def describe_error(self, shapes, err):
        return (
            f"einsum: {self.spec!r} does not fit the input shapes "
            f"{', '.join(map(str, shapes))}: {err}. Each label must have one size (or 1) in "
            f"every input that uses it."
        )


def _onto_diagonal(g, labels: str, unique: str, shape: tuple[int, ...]):
    """Spread ``g`` (one axis per label of ``unique``) over an input with the repeated
    ``labels`` (``"iij"``): g[i, j] at [i, i, j] and 0 off the diagonal."""
    first = {c: labels.index(c) for c in unique}
    g = g.reshape(tuple(g.shape[unique.index(c)] if first[c] == p else 1
                        for p, c in enumerate(labels)))  # fmt: skip
    on = np.ones((1,) * len(labels), dtype=bool)
    for p, c in enumerate(labels):
        if first[c] != p:  # position p repeats the label at position first[c]
            n = shape[p]
            along_first = np.arange(n).reshape(
                [n if q == first[c] else 1 for q in range(len(labels))]
            )
            along_p = np.arange(n).reshape([n if q == p else 1 for q in range(len(labels))])
            on = on & (along_first == along_p)
    return np.where(on, g, 0)
