"""The op table: one ``Case`` per differentiable op (how to draw its inputs, the op in
tinygrad_edu, numpy and PyTorch). ``tests/test_ops.py`` runs every check on every row.

This module holds the core rows (``CORE_CASES``) and the strategies they share. Each further area
(convolution, recurrent layers, ...) keeps its rows in a module ``op_cases_<area>.py`` of its own
that imports ``Case`` and the strategies from here, and ``test_ops.py`` joins the lists.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from hypothesis import strategies as st

import tinygrad_edu as tg
from tinygrad_edu.testing import strategies as tst

try:
    import torch
except ImportError:  # the torch column is skipped cleanly
    torch = None


@dataclass(frozen=True)
class Case:
    """One row of the op table: how to draw inputs and the op in three libraries."""

    name: str
    inputs: st.SearchStrategy  # draws a tuple of float64 arrays
    tg: Callable  # on tinygrad_edu tensors
    np: Callable  # on numpy arrays
    torch: Callable | None  # on torch tensors (None: no torch equivalent)
    diff: tuple[int, ...] | None = (0,)  # positions of differentiable arrays; None: all but last
    # Second derivatives are checked on ``second_inputs`` (default: ``inputs``). Rows whose inputs
    # put exact ties on purpose (maximum, minimum) check second derivatives away from ties, where
    # finite differences of the first derivative are defined.
    second_inputs: st.SearchStrategy | None = None


ALL_BUT_LAST = None


def one(elements=None, shape=None, unique=False):
    """Strategy for a 1-tuple holding one array of a random (or given) shape."""
    shape = shape if shape is not None else tst.shapes()
    return tst.arrays(shape, elements=elements, unique=unique).map(lambda a: (a,))


def pair(x_elements=None, y_elements=None):
    """Two arrays of mutually broadcastable shapes, e.g. (1, 3) and (4, 3)."""

    @st.composite
    def draw(draw):
        sx, sy = draw(tst.broadcastable_shapes(2))
        x = draw(tst.arrays(sx, elements=x_elements))
        return x, draw(tst.arrays(sy, elements=y_elements))

    return draw()


def with_axis(elements=None, min_dims=0, unique=False, min_side=1):
    """An array and a reduction axis (None, int, negative int or tuple)."""

    @st.composite
    def draw(draw):
        shape = draw(tst.shapes(min_dims=min_dims, min_side=min_side))
        x = draw(tst.arrays(shape, elements=elements, unique=unique))
        return x, draw(tst.reduction_axes(len(shape)))

    return draw()


def with_one_axis(min_dims=1):
    @st.composite
    def draw(draw):
        shape = draw(tst.shapes(min_dims=min_dims))
        return draw(tst.arrays(shape)), draw(st.integers(-len(shape), len(shape) - 1))

    return draw()


POS = st.floats(0.2, 3.0)
NONZERO = tst.away_from(0.0, 0.1)
AWAY_FROM_KINK = tst.away_from(0.0, 0.01)
SMALL = st.floats(-2.0, 2.0)
# Multiples of 0.1: values are either equal (an exact tie, whose rule central differences can check)
# or at least 0.1 apart, never within the difference step of each other (a kink between them).
GRID = st.integers(-30, 30).map(lambda i: i / 10)
# Half-way between GRID's points: paired with GRID, never a tie.
OFF_GRID = st.integers(-30, 30).map(lambda i: i / 10 + 0.05)


def tdims(axis, ndim):
    """torch wants dim=None spelled as every dimension."""
    return tuple(range(ndim)) if axis is None else axis


@st.composite
def _keepdims(draw, base):
    x, axis = draw(base)
    return x, axis, draw(st.booleans())


@st.composite
def _matmul_inputs(draw):
    sx, sy = draw(tst.matmul_shapes())
    return draw(tst.arrays(sx)), draw(tst.arrays(sy))


@st.composite
def _unsqueeze_inputs(draw):
    shape = draw(tst.shapes())
    return draw(tst.arrays(shape)), draw(st.integers(-len(shape) - 1, len(shape)))


@st.composite
def _reshape_inputs(draw):
    shape = draw(tst.shapes())
    x = draw(tst.arrays(shape))
    sizes = [d for d in range(1, x.size + 1) if x.size % d == 0]
    first = draw(st.sampled_from(sizes))
    return x, (first, -1)


@st.composite
def _transpose_inputs(draw):
    shape = draw(tst.shapes(min_dims=1))
    return draw(tst.arrays(shape)), tuple(draw(st.permutations(range(len(shape)))))


@st.composite
def _broadcast_inputs(draw):
    sx, sy = draw(tst.broadcastable_shapes(2))
    target = np.broadcast_shapes(sx, sy)
    return draw(tst.arrays(sx)), target


@st.composite
def _basic_index_inputs(draw):
    shape = draw(tst.shapes(min_dims=1))
    x = draw(tst.arrays(shape))
    index = []
    for n in shape:
        if draw(st.booleans()):
            start = draw(st.integers(0, n - 1))
            index.append(slice(start, None, draw(st.integers(1, 2))))
        else:
            index.append(draw(st.integers(-n, n - 1)))
    return x, tuple(index)


@st.composite
def _fancy_index_inputs(draw):
    shape = draw(tst.shapes(min_dims=1))
    x = draw(tst.arrays(shape))
    idx = np.array(draw(st.lists(st.integers(0, shape[0] - 1), min_size=1, max_size=6)))
    return x, idx  # repeated indices are likely: their gradients must accumulate


@st.composite
def _mask_inputs(draw):
    shape = draw(tst.shapes(min_dims=1))
    x = draw(tst.arrays(shape))
    mask = draw(tst.arrays(shape, dtype=bool, elements=st.booleans()))
    return x, mask


@st.composite
def concat_inputs(draw):
    """Arrays that differ only along one axis, then that axis (possibly negative)."""
    shape = draw(tst.shapes(min_dims=1))
    axis = draw(st.integers(-len(shape), len(shape) - 1))
    parts = []
    for _ in range(draw(st.integers(1, 3))):
        s = list(shape)
        s[axis] = draw(st.integers(1, 3))
        parts.append(draw(tst.arrays(tuple(s))))
    return (*parts, axis)


@st.composite
def _stack_inputs(draw):
    shape = draw(tst.shapes())
    n = draw(st.integers(1, 3))
    parts = [draw(tst.arrays(shape)) for _ in range(n)]
    return (*parts, draw(st.integers(-len(shape) - 1, len(shape))))


@st.composite
def _where_inputs(draw):
    sc, sx, sy = draw(tst.broadcastable_shapes(3))
    cond = draw(tst.arrays(sc, dtype=bool, elements=st.booleans()))
    return cond, draw(tst.arrays(sx)), draw(tst.arrays(sy))


@st.composite
def _clip_inputs(draw):
    lo, hi = -1.0, 1.0
    elements = st.one_of(st.floats(-3, -1.05), st.floats(-0.95, 0.95), st.floats(1.05, 3))
    return draw(tst.arrays(tst.shapes(), elements=elements)), lo, hi


@st.composite
def _std_inputs(draw):
    shape = draw(tst.shapes(min_dims=1, min_side=2))
    x = draw(tst.arrays(shape, unique=True, elements=GRID))
    return x, draw(tst.reduction_axes(len(shape)))


@st.composite
def _scatter_inputs(draw):
    """Values x (k, ...), row indices into n rows (repeats likely: they must accumulate), n."""
    shape = draw(tst.shapes(min_dims=1))
    n = draw(st.integers(1, 5))
    idx = np.array(draw(st.lists(st.integers(0, n - 1), min_size=shape[0], max_size=shape[0])))
    return draw(tst.arrays(shape)), idx, n


def _np_scatter_add(x, idx, n):
    out = np.zeros((n, *x.shape[1:]))
    np.add.at(out, idx, x)
    return out


def _torch_index(x, index):
    return x[torch.as_tensor(index)] if isinstance(index, np.ndarray) else x[index]


# Each function receives the drawn tuple unpacked: arrays (as tensors of its library) and plain
# arguments (axes, shapes, indices). ``diff`` lists the positions of the differentiable arrays.
# fmt: off
CORE_CASES: list[Case] = [
    # elementwise binary, with broadcasting
    Case("add", pair(), lambda x, y: x + y, np.add, lambda x, y: x + y, diff=(0, 1)),
    Case("sub", pair(), lambda x, y: x - y, np.subtract, lambda x, y: x - y, diff=(0, 1)),
    Case("mul", pair(), lambda x, y: x * y, np.multiply, lambda x, y: x * y, diff=(0, 1)),
    Case("div", pair(y_elements=NONZERO), lambda x, y: x / y, np.divide, lambda x, y: x / y, diff=(0, 1)),
    # Second derivatives away from y = 0, where torch's rule masks the exponent out of d(dx)/dy
    # (central differences agree with ours there: d/dy (y x**(y-1)) = 1/x at y = 0).
    Case("pow", pair(POS, SMALL), lambda x, y: x**y, np.power, lambda x, y: x**y, diff=(0, 1),
         second_inputs=pair(POS, tst.away_from(0.0, 0.05))),
    Case("maximum", pair(GRID, GRID), tg.maximum, np.maximum, lambda x, y: torch.maximum(x, y), diff=(0, 1),
         second_inputs=pair(GRID, OFF_GRID)),
    Case("minimum", pair(GRID, GRID), tg.minimum, np.minimum, lambda x, y: torch.minimum(x, y), diff=(0, 1),
         second_inputs=pair(GRID, OFF_GRID)),
    # numbers on either side (reflected operators)
    Case("rsub", one(), lambda x: 1 - x, lambda x: 1 - x, lambda x: 1 - x, diff=(0,)),
    Case("rmul", one(), lambda x: 2 * x, lambda x: 2 * x, lambda x: 2 * x, diff=(0,)),
    Case("rdiv", one(NONZERO), lambda x: 2 / x, lambda x: 2 / x, lambda x: 2 / x, diff=(0,)),
    Case("rpow", one(SMALL), lambda x: 2**x, lambda x: 2**x, lambda x: 2**x, diff=(0,)),
    Case("pow2", one(), lambda x: x**2, lambda x: x**2, lambda x: x**2, diff=(0,)),
    Case("pow_half", one(POS), lambda x: x**0.5, lambda x: x**0.5, lambda x: x**0.5, diff=(0,)),
    Case("pow_neg", one(NONZERO), lambda x: x**-1.0, lambda x: x**-1.0, lambda x: x**-1.0, diff=(0,)),
    Case("neg", one(), lambda x: -x, np.negative, lambda x: -x, diff=(0,)),
    # elementwise unary
    Case("exp", one(), lambda x: x.exp(), np.exp, torch and torch.exp, diff=(0,)),
    Case("log", one(POS), lambda x: x.log(), np.log, torch and torch.log, diff=(0,)),
    Case("sqrt", one(POS), lambda x: x.sqrt(), np.sqrt, torch and torch.sqrt, diff=(0,)),
    Case("abs", one(NONZERO), lambda x: x.abs(), np.abs, torch and torch.abs, diff=(0,)),
    Case("clip", _clip_inputs(), lambda x, lo, hi: x.clip(lo, hi), np.clip,
          lambda x, lo, hi: torch.clamp(x, lo, hi), diff=(0,)),
    # Through a wider float and back (central differences through float32 would be too coarse).
    Case("astype", one(), lambda x: (x.astype(np.longdouble) * 3).astype(np.float64),
         lambda x: (x.astype(np.longdouble) * 3).astype(np.float64),
         lambda x: x * 3, diff=(0,)),
    Case("sigmoid", one(), lambda x: x.sigmoid(), lambda x: 1 / (1 + np.exp(-x)),
          torch and torch.sigmoid, diff=(0,)),
    Case("log_sigmoid", one(), lambda x: x.log_sigmoid(), lambda x: -np.log1p(np.exp(-x)),
          lambda x: torch.nn.functional.logsigmoid(x), diff=(0,)),
    Case("tanh", one(), lambda x: x.tanh(), np.tanh, torch and torch.tanh, diff=(0,)),
    Case("relu", one(AWAY_FROM_KINK), lambda x: x.relu(), lambda x: np.maximum(x, 0),
          torch and torch.relu, diff=(0,)),
    Case("leaky_relu", one(AWAY_FROM_KINK), lambda x: x.leaky_relu(0.1),
          lambda x: np.where(x > 0, x, 0.1 * x),
          lambda x: torch.nn.functional.leaky_relu(x, 0.1), diff=(0,)),
    Case("softmax", with_one_axis(), lambda x, a: x.softmax(a),
          lambda x, a: np.exp(x) / np.exp(x).sum(a, keepdims=True),
          lambda x, a: torch.softmax(x, a), diff=(0,)),
    Case("log_softmax", with_one_axis(), lambda x, a: x.log_softmax(a),
          lambda x, a: x - np.log(np.exp(x).sum(a, keepdims=True)),
          lambda x, a: torch.log_softmax(x, a), diff=(0,)),
    # reductions (unique values for max/min: a tie has no two-sided derivative)
    Case("sum", _keepdims(with_axis()), lambda x, a, k: x.sum(a, k),
          lambda x, a, k: np.sum(x, axis=a, keepdims=k),
          lambda x, a, k: x.sum(tdims(a, x.ndim), keepdim=k), diff=(0,)),
    Case("mean", _keepdims(with_axis()), lambda x, a, k: x.mean(a, k),
          lambda x, a, k: np.mean(x, axis=a, keepdims=k),
          lambda x, a, k: x.mean(tdims(a, x.ndim), keepdim=k), diff=(0,)),
    Case("max", _keepdims(with_axis(GRID, unique=True)), lambda x, a, k: x.max(a, k),
          lambda x, a, k: np.max(x, axis=a, keepdims=k),
          lambda x, a, k: x.amax(tdims(a, x.ndim), keepdim=k), diff=(0,)),
    Case("min", _keepdims(with_axis(GRID, unique=True)), lambda x, a, k: x.min(a, k),
          lambda x, a, k: np.min(x, axis=a, keepdims=k),
          lambda x, a, k: x.amin(tdims(a, x.ndim), keepdim=k), diff=(0,)),
    Case("var", _keepdims(with_axis()), lambda x, a, k: x.var(a, k),
          lambda x, a, k: np.var(x, axis=a, keepdims=k),
          lambda x, a, k: x.var(tdims(a, x.ndim), keepdim=k, correction=0), diff=(0,)),
    Case("std", _keepdims(_std_inputs()), lambda x, a, k: x.std(a, k),
          lambda x, a, k: np.std(x, axis=a, keepdims=k),
          lambda x, a, k: x.std(tdims(a, x.ndim), keepdim=k, correction=0), diff=(0,)),
    Case("logsumexp", _keepdims(with_axis()), lambda x, a, k: x.logsumexp(a, k),
          lambda x, a, k: np.log(np.sum(np.exp(x), axis=a, keepdims=k)),
          lambda x, a, k: torch.logsumexp(x, tdims(a, x.ndim), keepdim=k), diff=(0,)),
    Case("norm", _keepdims(with_axis(NONZERO)), lambda x, a, k: x.norm(a, k),
          lambda x, a, k: np.sqrt(np.sum(x * x, axis=a, keepdims=k)),
          lambda x, a, k: torch.linalg.vector_norm(x, dim=tdims(a, x.ndim), keepdim=k), diff=(0,)),
    # linear algebra
    Case("matmul", _matmul_inputs(), lambda x, y: x @ y, np.matmul, lambda x, y: x @ y, diff=(0, 1)),
    # shape and indexing
    Case("reshape", _reshape_inputs(), lambda x, s: x.reshape(s), np.reshape,
          lambda x, s: x.reshape(s), diff=(0,)),
    Case("transpose", _transpose_inputs(), lambda x, p: x.transpose(p), np.transpose,
          lambda x, p: x.permute(p), diff=(0,)),
    Case("T", one(), lambda x: x.T, lambda x: x.T, lambda x: x.permute(tuple(reversed(range(x.ndim)))), diff=(0,)),
    Case("flatten", one(), lambda x: x.flatten(), np.ravel, lambda x: x.flatten(), diff=(0,)),
    Case("unsqueeze", _unsqueeze_inputs(),
          lambda x, a: x.unsqueeze(a), np.expand_dims, lambda x, a: x.unsqueeze(a), diff=(0,)),
    Case("squeeze", one(shape=tst.shapes(max_side=2)), lambda x: x.squeeze(), np.squeeze,
          lambda x: x.reshape([n for n in x.shape if n != 1]), diff=(0,)),
    Case("broadcast_to", _broadcast_inputs(), lambda x, s: x.broadcast_to(s), np.broadcast_to,
          lambda x, s: x.expand(s), diff=(0,)),
    Case("getitem_basic", _basic_index_inputs(), lambda x, i: x[i], lambda x, i: x[i],
          lambda x, i: x[i], diff=(0,)),
    Case("getitem_fancy", _fancy_index_inputs(), lambda x, i: x[i], lambda x, i: x[i],
          _torch_index, diff=(0,)),
    Case("getitem_mask", _mask_inputs(), lambda x, m: x[m], lambda x, m: x[m],
          _torch_index, diff=(0,)),
    Case("scatter_add", _scatter_inputs(), lambda x, i, n: tg.ops.ScatterAdd(i, (n, *x.shape[1:])).apply(x),
         _np_scatter_add, lambda x, i, n: torch.zeros((n, *x.shape[1:]), dtype=x.dtype).index_add(0, torch.as_tensor(i), x),
         diff=(0,)),
    Case("concatenate", concat_inputs(), lambda *a: tg.concatenate(a[:-1], a[-1]),
          lambda *a: np.concatenate(a[:-1], a[-1]), lambda *a: torch.cat(a[:-1], a[-1]), diff=ALL_BUT_LAST),
    Case("stack", _stack_inputs(), lambda *a: tg.stack(a[:-1], a[-1]),
          lambda *a: np.stack(a[:-1], a[-1]), lambda *a: torch.stack(a[:-1], a[-1]), diff=ALL_BUT_LAST),
    Case("where", _where_inputs(), lambda c, x, y: tg.where(c, x, y), np.where,
          lambda c, x, y: torch.where(torch.as_tensor(c), x, y), diff=(1, 2)),
]
# fmt: on
