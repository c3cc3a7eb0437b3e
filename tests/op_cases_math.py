"""Op-table rows of the ops people reach for (issue 13, section 2): the elementwise math
primitives (trigonometric, hyperbolic, log2/log10/log1p/expm1, erf), the scans (cumsum,
cumprod), einsum, and the composites built from existing ops (exp2, softplus, gelu, silu, elu,
prod, sort, topk, max_with_indices, take_along_axis, gather, repeat, tile, repeat_interleave,
split, chunk, flip, tril, triu, masked_fill, the PyTorch spellings view, swapaxes/transpose(dim0,
dim1), permute, flatten(start_dim, end_dim), dot and cat).

Every row gets the table's five checks (forward against numpy, gradient against central
differences and torch, second derivative against central differences and torch double backward).
The numpy column is written from the definitions (np.sort, np.take_along_axis, an explicit
one-line formula), never with the library. Ops whose results carry no gradient (argmax, floor,
one_hot, ...) are tested in ``tests/test_more_ops.py``.
"""

from __future__ import annotations

import math

import numpy as np
from hypothesis import strategies as st
from op_table import ALL_BUT_LAST, GRID, POS, SMALL, Case, concat_inputs, one, with_one_axis

import tinygrad_edu as tg
from tinygrad_edu.testing import strategies as tst

try:
    import torch
    import torch.nn.functional as tf
except ImportError:  # the torch column is skipped cleanly
    torch = tf = None

# -------------------------------------------------------------------------------------------------
# Strategies
# -------------------------------------------------------------------------------------------------

TAN_DOMAIN = st.floats(-1.2, 1.2)  # away from tan's poles at +-pi/2
UNIT_INSIDE = st.floats(-0.9, 0.9)  # arcsin, arccos: inside (-1, 1), away from the infinite ends
ABOVE_MINUS_ONE = st.floats(-0.8, 3.0)  # log1p
AWAY_FROM_ZERO = tst.away_from(0.0, 0.05)
# Multiples of 0.2 in [-2, 2]: exact zeros are drawn often, so cumprod's and prod's rule for a
# zero factor is exercised (its derivative is a polynomial: central differences are exact).
WITH_ZEROS = st.integers(-10, 10).map(lambda i: i / 5)
_erf = np.vectorize(math.erf, otypes=[np.float64])


@st.composite
def _with_axis(draw, elements=None, unique=False, min_side=1):
    """An array (at least 1-d) and one axis, possibly negative."""
    shape = draw(tst.shapes(min_dims=1, min_side=min_side))
    x = draw(tst.arrays(shape, elements=elements, unique=unique))
    return x, draw(st.integers(-len(shape), len(shape) - 1))


@st.composite
def _prod_inputs(draw):
    shape = draw(tst.shapes())
    x = draw(tst.arrays(shape, elements=WITH_ZEROS))
    return x, draw(tst.reduction_axes(len(shape))), draw(st.booleans())


def _torch_prod(x, axis, keepdims):
    if axis is None:
        out = torch.prod(x)
        return out.reshape((1,) * x.ndim) if keepdims else out
    axes = (axis,) if isinstance(axis, int) else axis
    for a in sorted((a % max(x.ndim, 1) for a in axes), reverse=True):
        x = torch.prod(x, a, keepdim=keepdims) if x.ndim else x
    return x


# Einsum: a subscript string and one array per operand, sizes drawn per label. Each entry names
# the labels' sizes to draw; "1" in a shape marks a size-1 axis that broadcasts.
_EINSUM_SPECS = [
    ("ij,jk->ik", None),
    ("bij,bjk->bik", None),
    ("i,i->", None),
    ("i,j->ij", None),
    ("ii->i", None),
    ("ii->", None),
    ("ij->ji", None),
    ("ijk->ki", None),
    ("ij->", None),
    ("ij,jk", None),  # implicit output: "ik"
    ("ij,jk,kl->il", None),
    ("iij->j", None),
    ("ij,ij->ij", ("1j", "ij")),  # a size-1 label broadcasts
    ("...ij,...jk->...ik", ("bij", "jk")),  # '...' with a broadcast batch
    ("bi,i->b", None),
]


@st.composite
def _einsum_inputs(draw):
    spec, shapes = draw(st.sampled_from(_EINSUM_SPECS))
    lhs = spec.split("->")[0]
    shapes = shapes or tuple(lhs.split(","))
    size = {label: draw(st.integers(1, 4)) for label in set("".join(shapes)) - {"1"}}
    arrays = [draw(tst.arrays(tuple(1 if c == "1" else size[c] for c in s))) for s in shapes]
    return (*arrays, spec)


@st.composite
def _softplus_inputs(draw):
    beta = draw(st.sampled_from([1.0, 2.0]))
    threshold = draw(st.sampled_from([1.0, 20.0]))
    # away from the switch to the identity at x = threshold / beta (a kink in the second
    # derivative)
    switch = threshold / beta
    elements = tst.away_from(switch, 0.05) if switch < 3 else None
    x = draw(tst.arrays(tst.shapes(), elements=elements))
    return x, beta, threshold


@st.composite
def _sort_inputs(draw):
    x, axis = draw(_with_axis(elements=GRID, unique=True))
    return x, axis, draw(st.booleans())


@st.composite
def _topk_inputs(draw):
    x, axis = draw(_with_axis(elements=GRID, unique=True))
    k = draw(st.integers(0, x.shape[axis]))
    return x, k, axis, draw(st.booleans())


@st.composite
def _indices_along(draw, same_size=True):
    """An array, an axis and integer indices with the array's ndim (numpy's take_along_axis:
    other axes equal or 1; PyTorch's gather: other axes at most the array's)."""
    x, axis = draw(_with_axis())
    shape = list(x.shape)
    for d in range(x.ndim):
        if d == axis:
            shape[d] = draw(st.integers(1, 5))
        elif same_size:
            shape[d] = draw(st.sampled_from([1, x.shape[d]]))
        else:
            shape[d] = draw(st.integers(1, x.shape[d]))
    n = x.shape[axis]
    idx = draw(tst.arrays(tuple(shape), dtype=np.int64, elements=st.integers(0, n - 1)))
    return x, idx, axis


@st.composite
def _repeat_inputs(draw):
    x = draw(tst.arrays(tst.shapes(max_dims=2, max_side=3)))
    extra = draw(st.integers(0 if x.ndim else 1, 1))  # torch's repeat needs one size at least
    sizes = tuple(draw(st.integers(1, 3)) for _ in range(x.ndim + extra))
    return x, sizes


@st.composite
def _tile_inputs(draw):
    x = draw(tst.arrays(tst.shapes(max_dims=2, max_side=3)))
    reps = tuple(draw(st.integers(1, 3)) for _ in range(draw(st.integers(1, 3))))
    return x, reps


@st.composite
def _repeat_interleave_inputs(draw):
    x, axis = draw(_with_axis())
    if draw(st.booleans()):
        repeats = draw(st.integers(0, 3))
    else:
        repeats = np.array(draw(st.lists(st.integers(0, 3), min_size=x.shape[axis],
                                         max_size=x.shape[axis])))  # fmt: skip
    return x, repeats, axis


@st.composite
def _split_inputs(draw):
    x, axis = draw(_with_axis())
    return x, draw(st.integers(1, 4)), axis


@st.composite
def _triangle_inputs(draw):
    x = draw(tst.arrays(tst.shapes(min_dims=2)))
    return x, draw(st.integers(-3, 3))


@st.composite
def _masked_fill_inputs(draw):
    sx, sm = draw(tst.broadcastable_shapes(2))
    shape = np.broadcast_shapes(sx, sm)
    x = draw(tst.arrays(shape))  # masked_fill keeps x's shape: the mask broadcasts into it
    mask = draw(tst.arrays(sm, dtype=bool, elements=st.booleans()))
    return x, mask


@st.composite
def _swap_inputs(draw):
    shape = draw(tst.shapes(min_dims=1))
    n = len(shape)
    return draw(tst.arrays(shape)), draw(st.integers(-n, n - 1)), draw(st.integers(-n, n - 1))


@st.composite
def _permute_inputs(draw):
    shape = draw(tst.shapes(min_dims=1))
    return draw(tst.arrays(shape)), tuple(draw(st.permutations(range(len(shape)))))


@st.composite
def _flatten_inputs(draw):
    shape = draw(tst.shapes(min_dims=1))
    n = len(shape)
    start = draw(st.integers(0, n - 1))
    end = draw(st.integers(start, n - 1))
    return draw(tst.arrays(shape)), start - n * draw(st.booleans()), end


@st.composite
def _dot_inputs(draw):
    n = draw(st.integers(1, 5))
    return draw(tst.arrays((n,))), draw(tst.arrays((n,)))


def _np_softplus(x, beta, threshold):
    return np.where(beta * x > threshold, x, np.log1p(np.exp(beta * x)) / beta)


def _np_topk(x, k, axis, largest):
    order = np.argsort(-x if largest else x, axis=axis, kind="stable")
    return np.take_along_axis(x, np.take(order, np.arange(k), axis=axis), axis)


def _np_gather(x, idx, axis):
    out = np.empty(idx.shape)
    for pos in np.ndindex(idx.shape):
        src = list(pos)
        src[axis] = idx[pos]
        out[pos] = x[tuple(src)]
    return out


def _weighted_pieces(pieces):
    """The pieces of a split, each scaled by its position, so that joining them checks every
    piece's gradient separately."""
    return [p * (i + 1) for i, p in enumerate(pieces)]


def _tg_split(x, size, axis):
    return tg.concatenate(_weighted_pieces(x.split(size, axis)), axis)


def _np_split(x, size, axis):
    n = x.shape[axis]
    pieces = np.split(x, list(range(size, n, size)), axis=axis)
    return np.concatenate(_weighted_pieces(pieces), axis)


def _torch_split(x, size, axis):
    return torch.cat(_weighted_pieces(torch.split(x, size, axis)), axis)


def _tg_chunk(x, chunks, axis):
    return tg.concatenate(_weighted_pieces(x.chunk(chunks, axis)), axis)


def _np_chunk(x, chunks, axis):
    return _np_split(x, -(-x.shape[axis] // chunks), axis)  # pieces of ceil(n / chunks)


def _torch_chunk(x, chunks, axis):
    return torch.cat(_weighted_pieces(torch.chunk(x, chunks, axis)), axis)


def _np_swap(x, i, j):
    return np.swapaxes(x, i, j)


def _np_flatten(x, start, end):
    start, end = start % x.ndim, end % x.ndim
    return x.reshape(*x.shape[:start], -1, *x.shape[end + 1 :])


def _np_repeat(x, sizes):
    return np.tile(x, sizes)  # PyTorch's repeat is numpy's tile (with at least x.ndim sizes)


# fmt: off
CASES: list[Case] = [
    # elementwise primitives
    Case("sin", one(), lambda x: x.sin(), np.sin, torch and torch.sin),
    Case("cos", one(), lambda x: x.cos(), np.cos, torch and torch.cos),
    Case("tan", one(TAN_DOMAIN), lambda x: x.tan(), np.tan, torch and torch.tan),
    Case("asin", one(UNIT_INSIDE), lambda x: x.asin(), np.arcsin, torch and torch.asin),
    Case("acos", one(UNIT_INSIDE), lambda x: x.acos(), np.arccos, torch and torch.acos),
    Case("atan", one(), lambda x: x.atan(), np.arctan, torch and torch.atan),
    Case("sinh", one(), lambda x: x.sinh(), np.sinh, torch and torch.sinh),
    Case("cosh", one(), lambda x: x.cosh(), np.cosh, torch and torch.cosh),
    Case("log2", one(POS), lambda x: x.log2(), np.log2, torch and torch.log2),
    Case("log10", one(POS), lambda x: x.log10(), np.log10, torch and torch.log10),
    Case("log1p", one(ABOVE_MINUS_ONE), lambda x: x.log1p(), np.log1p, torch and torch.log1p),
    Case("expm1", one(), lambda x: x.expm1(), np.expm1, torch and torch.expm1),
    Case("erf", one(), lambda x: x.erf(), _erf, torch and torch.erf),
    # elementwise composites
    Case("exp2", one(SMALL), lambda x: x.exp2(), np.exp2, torch and torch.exp2),
    Case("softplus", _softplus_inputs(), lambda x, b, t: x.softplus(b, t), _np_softplus,
         lambda x, b, t: tf.softplus(x, b, t)),
    Case("gelu", one(), lambda x: x.gelu(), lambda x: 0.5 * x * (1 + _erf(x / np.sqrt(2))),
         lambda x: tf.gelu(x)),
    Case("gelu_tanh", one(), lambda x: x.gelu("tanh"),
         lambda x: 0.5 * x * (1 + np.tanh(np.sqrt(2 / np.pi) * (x + 0.044715 * x**3))),
         lambda x: tf.gelu(x, approximate="tanh")),
    Case("silu", one(), lambda x: x.silu(), lambda x: x / (1 + np.exp(-x)), lambda x: tf.silu(x)),
    Case("elu", one(AWAY_FROM_ZERO), lambda x: x.elu(0.7), lambda x: np.where(x > 0, x, 0.7 * np.expm1(x)),
         lambda x: tf.elu(x, 0.7)),
    # scans, products, einsum
    Case("cumsum", with_one_axis(), lambda x, a: x.cumsum(a), lambda x, a: np.cumsum(x, a),
         lambda x, a: torch.cumsum(x, a)),
    Case("cumprod", _with_axis(WITH_ZEROS), lambda x, a: x.cumprod(a), lambda x, a: np.cumprod(x, a),
         lambda x, a: torch.cumprod(x, a)),
    Case("prod", _prod_inputs(), lambda x, a, k: x.prod(a, k), lambda x, a, k: np.prod(x, a, keepdims=k),
         _torch_prod),
    Case("einsum", _einsum_inputs(), lambda *a: tg.einsum(a[-1], *a[:-1]),
         lambda *a: np.einsum(a[-1], *a[:-1]), lambda *a: torch.einsum(a[-1], *a[:-1]), diff=ALL_BUT_LAST),
    # sorting and picking (distinct values on a grid: central differences never cross a tie)
    Case("sort", _sort_inputs(), lambda x, a, d: x.sort(a, descending=d),
         lambda x, a, d: -np.sort(-x, a) if d else np.sort(x, a),
         lambda x, a, d: torch.sort(x, a, descending=d).values),
    Case("topk", _topk_inputs(), lambda x, k, a, big: x.topk(k, a, largest=big).values, _np_topk,
         lambda x, k, a, big: torch.topk(x, k, a, largest=big).values),
    Case("max_with_indices", _with_axis(GRID, unique=True), lambda x, a: x.max_with_indices(a).values,
         lambda x, a: np.max(x, a), lambda x, a: torch.max(x, a).values),
    Case("min_with_indices", _with_axis(GRID, unique=True), lambda x, a: x.min_with_indices(dim=a).values,
         lambda x, a: np.min(x, a), lambda x, a: torch.min(x, a).values),
    Case("take_along_axis", _indices_along(), lambda x, i, a: x.take_along_axis(i, a),
         np.take_along_axis, lambda x, i, a: torch.take_along_dim(x, torch.as_tensor(i), a)),
    Case("gather", _indices_along(same_size=False), lambda x, i, a: x.gather(a, i), _np_gather,
         lambda x, i, a: torch.gather(x, a, torch.as_tensor(i))),
    # repeating, splitting, flipping
    Case("repeat", _repeat_inputs(), lambda x, s: x.repeat(*s), _np_repeat, lambda x, s: x.repeat(*s)),
    Case("tile", _tile_inputs(), lambda x, r: x.tile(r), np.tile, lambda x, r: torch.tile(x, r)),
    Case("repeat_interleave", _repeat_interleave_inputs(), lambda x, r, a: x.repeat_interleave(r, a),
         lambda x, r, a: np.repeat(x, r, a),
         lambda x, r, a: torch.repeat_interleave(x, torch.as_tensor(r) if isinstance(r, np.ndarray) else r, a)),
    Case("split", _split_inputs(), _tg_split, _np_split, _torch_split),
    Case("chunk", _split_inputs(), _tg_chunk, _np_chunk, _torch_chunk),
    Case("flip", _with_axis(), lambda x, a: x.flip(a), lambda x, a: np.flip(x, a),
         lambda x, a: torch.flip(x, (a,))),
    # masks
    Case("tril", _triangle_inputs(), lambda x, k: x.tril(k), lambda x, k: np.tril(x, k),
         lambda x, k: torch.tril(x, k)),
    Case("triu", _triangle_inputs(), lambda x, k: x.triu(diagonal=k), lambda x, k: np.triu(x, k),
         lambda x, k: torch.triu(x, k)),
    Case("masked_fill", _masked_fill_inputs(), lambda x, m: x.masked_fill(m, -2.5),
         lambda x, m: np.where(m, -2.5, x), lambda x, m: x.masked_fill(torch.as_tensor(m), -2.5)),
    # PyTorch spellings of shape ops
    Case("view", one(), lambda x: x.view(-1), np.ravel, lambda x: x.reshape(-1)),
    Case("swapaxes", _swap_inputs(), lambda x, i, j: x.transpose(i, j), _np_swap,
         lambda x, i, j: x.transpose(i, j)),
    Case("permute", _permute_inputs(), lambda x, p: x.permute(*p), np.transpose, lambda x, p: x.permute(p)),
    Case("flatten_dims", _flatten_inputs(), lambda x, s, e: x.flatten(s, e), _np_flatten,
         lambda x, s, e: x.flatten(s, e)),
    Case("dot", _dot_inputs(), lambda x, y: x.dot(y), np.dot, lambda x, y: torch.dot(x, y), diff=(0, 1)),
    Case("cat", concat_inputs(), lambda *a: tg.cat(a[:-1], dim=a[-1]),
         lambda *a: np.concatenate(a[:-1], a[-1]), lambda *a: torch.cat(a[:-1], a[-1]), diff=ALL_BUT_LAST),
]
# fmt: on
