"""Fuzzing the engine: hypothesis builds random computation graphs (random ops over random,
broadcastable shapes, nodes reused) and every leaf gradient is checked against central differences
and, where torch is installed, against the same graph built in torch.

A graph is a *program*: leaves, then steps ``(op name, operand indices, parameters)`` whose
operands are any earlier node (so nodes are reused: diamonds, ``x * x``, long and wide graphs).
The same program runs in tinygrad_edu and in torch. Ops with a kink (relu, abs, maximum, max) are
kept only when no input is within 1e-3 of the kink, where a derivative is not defined.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

import tinygrad_edu as tg
from tinygrad_edu.testing import gradcheck
from tinygrad_edu.testing import strategies as tst

KINK_MARGIN = 1e-3
MAX_ABS = 1e4


@dataclass(frozen=True)
class FuzzOp:
    """One op of the fuzzer: how to run it in both libraries, and when it applies."""

    name: str
    arity: int
    tg: Callable
    torch: Callable
    kink: Callable | None = None  # inputs -> distance to the nearest kink
    needs_axis: bool = False


def _gap_to_runner_up(x, axis):
    """How far the maximum is from the second largest value along ``axis`` (ties: 0)."""
    if x.shape[axis] < 2:
        return np.inf
    top2 = -np.partition(-x, 1, axis=axis).take([0, 1], axis=axis)
    return float(np.min(top2.take(0, axis=axis) - top2.take(1, axis=axis)))


def _min_abs(x):
    return float(np.min(np.abs(x))) if x.size else np.inf


UNARY = [
    FuzzOp("neg", 1, lambda x: -x, lambda x: -x),
    FuzzOp("tanh", 1, lambda x: x.tanh(), lambda x: x.tanh()),
    FuzzOp("sigmoid", 1, lambda x: x.sigmoid(), lambda x: x.sigmoid()),
    FuzzOp("log_sigmoid", 1, lambda x: x.log_sigmoid(), lambda x: _t().nn.functional.logsigmoid(x)),
    FuzzOp("exp_bounded", 1, lambda x: (x.tanh() * 3.0).exp(), lambda x: (x.tanh() * 3.0).exp()),
    FuzzOp("log_pos", 1, lambda x: (x * x + 0.5).log(), lambda x: (x * x + 0.5).log()),
    FuzzOp("sqrt_pos", 1, lambda x: (x * x + 0.5).sqrt(), lambda x: (x * x + 0.5).sqrt()),
    FuzzOp("square", 1, lambda x: x**2.0, lambda x: x**2.0),
    FuzzOp("relu", 1, lambda x: x.relu(), lambda x: x.relu(), kink=lambda x: _min_abs(x)),
    FuzzOp("abs", 1, lambda x: x.abs(), lambda x: x.abs(), kink=lambda x: _min_abs(x)),
    FuzzOp("flatten", 1, lambda x: x.reshape(-1), lambda x: x.reshape(-1)),
    FuzzOp(
        "reverse_axes",
        1,
        lambda x: x.transpose(),
        lambda x: x.permute(tuple(reversed(range(x.ndim)))),
    ),
    FuzzOp(
        "expand_front",
        1,
        lambda x: x.broadcast_to((2, *x.shape)),
        lambda x: x.expand(2, *x.shape),
    ),
    FuzzOp(
        "take_rows",  # repeated integer indices: their gradients must add up
        1,
        lambda x: x[np.array([0, -1, 0])],
        lambda x: x[_t().tensor([0, -1, 0])],
    ),
    FuzzOp("every_other", 1, lambda x: x[..., ::2], lambda x: x[..., ::2]),
    FuzzOp(
        "matmul_self_t",
        1,
        lambda x: x @ (x if x.ndim == 1 else x.transpose(*range(x.ndim - 2), -1, -2)),
        lambda x: x @ (x if x.ndim == 1 else x.transpose(-1, -2)),
    ),
]

# (op, axis, keepdims) -> result; torch spells axis ``dim`` and keepdims ``keepdim``
REDUCE = [
    FuzzOp("sum", 1, lambda x, a, k: x.sum(axis=a, keepdims=k),
           lambda x, a, k: x.sum(dim=a, keepdim=k), needs_axis=True),
    FuzzOp("mean", 1, lambda x, a, k: x.mean(axis=a, keepdims=k),
           lambda x, a, k: x.mean(dim=a, keepdim=k), needs_axis=True),
    FuzzOp("var", 1, lambda x, a, k: x.var(axis=a, keepdims=k),
           lambda x, a, k: x.var(dim=a, keepdim=k, correction=0), needs_axis=True),
    FuzzOp("logsumexp", 1, lambda x, a, k: x.logsumexp(axis=a, keepdims=k),
           lambda x, a, k: x.logsumexp(dim=a, keepdim=k), needs_axis=True),
    FuzzOp("norm", 1, lambda x, a, k: (x * x + 0.1).norm(axis=a, keepdims=k),
           lambda x, a, k: _t().linalg.vector_norm(x * x + 0.1, dim=a, keepdim=k),
           needs_axis=True),
    FuzzOp("softmax", 1, lambda x, a, k: x.softmax(axis=a),
           lambda x, a, k: x.softmax(dim=a), needs_axis=True),
    FuzzOp("log_softmax", 1, lambda x, a, k: x.log_softmax(axis=a),
           lambda x, a, k: x.log_softmax(dim=a), needs_axis=True),
    FuzzOp("max", 1, lambda x, a, k: x.max(axis=a, keepdims=k),
           lambda x, a, k: x.amax(dim=a, keepdim=k), needs_axis=True,
           kink=lambda x, a, k: _gap_to_runner_up(x, a)),
]  # fmt: skip

BINARY = [
    FuzzOp("add", 2, lambda x, y: x + y, lambda x, y: x + y),
    FuzzOp("sub", 2, lambda x, y: x - y, lambda x, y: x - y),
    FuzzOp("mul", 2, lambda x, y: x * y, lambda x, y: x * y),
    FuzzOp("div", 2, lambda x, y: x / (y * y + 0.5), lambda x, y: x / (y * y + 0.5)),
    FuzzOp(
        "pow", 2, lambda x, y: (x * x + 0.5) ** y.tanh(), lambda x, y: (x * x + 0.5) ** y.tanh()
    ),
    FuzzOp(
        "maximum",
        2,
        lambda x, y: x.maximum(y),
        lambda x, y: _t().maximum(x, y),
        kink=lambda x, y: _min_abs(np.subtract(x, y)),
    ),
    FuzzOp("rsub_const", 2, lambda x, y: 1.0 - x * y, lambda x, y: 1.0 - x * y),
]


def _t():
    import torch

    return torch


def _broadcasts(a: tuple, b: tuple) -> bool:
    try:
        np.broadcast_shapes(a, b)
    except ValueError:
        return False
    return True


@st.composite
def programs(draw):
    """Leaves (shapes, values) and a list of steps over them; values come from a seeded rng so
    that no two values tie (hypothesis likes repeated values, which sit on kinks)."""
    n_leaves = draw(st.integers(1, 3))
    shapes = list(draw(tst.broadcastable_shapes(num_shapes=n_leaves, max_dims=3, max_side=3)))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    leaves = [rng.uniform(-2.0, 2.0, size=s) for s in shapes]
    steps = []
    for _ in range(draw(st.integers(1, 7))):
        family = draw(st.sampled_from(["unary", "reduce", "binary", "binary", "join"]))
        i = draw(st.integers(0, len(shapes) - 1))
        shape = shapes[i]
        if family == "unary":
            op = draw(st.sampled_from(UNARY))
            if op.name in ("matmul_self_t", "take_rows", "every_other") and len(shape) == 0:
                continue
            steps.append((op.name, (i,), ()))
            out = np.zeros(shape)
            if op.name == "flatten":
                out = out.reshape(-1)
            elif op.name == "reverse_axes":
                out = out.T
            elif op.name == "expand_front":
                out = np.broadcast_to(out, (2, *shape))
            elif op.name == "take_rows":
                out = out[np.array([0, -1, 0])]
            elif op.name == "every_other":
                out = out[..., ::2]
            elif op.name == "matmul_self_t":
                out = out @ (out if out.ndim == 1 else np.swapaxes(out, -1, -2))
            shapes.append(np.shape(out))
        elif family == "reduce":
            if len(shape) == 0:
                continue
            op = draw(st.sampled_from(REDUCE))
            axis = draw(st.integers(-len(shape), len(shape) - 1))
            keep = draw(st.booleans())
            steps.append((op.name, (i,), (axis, keep)))
            out = np.zeros(shape)
            if op.name in ("softmax", "log_softmax"):
                shapes.append(shape)
            else:
                shapes.append(np.sum(out, axis=axis, keepdims=keep).shape)
        elif family == "binary":
            partners = [j for j, s in enumerate(shapes) if _broadcasts(shape, s)]  # incl. i
            j = draw(st.sampled_from(partners))
            op = draw(st.sampled_from(BINARY))
            steps.append((op.name, (i, j), ()))
            shapes.append(np.broadcast_shapes(shape, shapes[j]))
        else:  # join: concatenate along axis 0, stack, matmul, or where with a fixed mask
            kind = draw(st.sampled_from(["concat", "stack", "matmul", "where"]))
            if kind == "concat":
                if len(shape) == 0:
                    continue
                partners = [j for j, s in enumerate(shapes)
                            if len(s) == len(shape) and s[1:] == shape[1:]]  # fmt: skip
                j = draw(st.sampled_from(partners))
                steps.append(("concat", (i, j), ()))
                shapes.append((shape[0] + shapes[j][0], *shape[1:]))
            elif kind == "stack":
                j = draw(st.sampled_from([j for j, s in enumerate(shapes) if s == shape]))
                steps.append(("stack", (i, j), ()))
                shapes.append((2, *shape))
            elif kind == "matmul":
                partners = [j for j, s in enumerate(shapes) if len(shape) >= 1 and len(s) >= 1
                            and shape[-1] == (s[-2] if len(s) >= 2 else s[0])
                            and _matmul_ok(shape, s)]  # fmt: skip
                if not partners:
                    continue
                j = draw(st.sampled_from(partners))
                steps.append(("matmul", (i, j), ()))
                shapes.append(np.matmul(np.zeros(shape), np.zeros(shapes[j])).shape)
            else:
                partners = [j for j, s in enumerate(shapes) if _broadcasts(shape, s)]
                j = draw(st.sampled_from(partners))
                out_shape = np.broadcast_shapes(shape, shapes[j])
                mask = rng.random(out_shape) < 0.5
                steps.append(("where", (i, j), (mask,)))
                shapes.append(out_shape)
    assume(steps)
    weights = [rng.uniform(0.5, 1.5, size=s) for s in shapes]
    return leaves, steps, weights


def _matmul_ok(a, b):
    try:
        np.matmul(np.zeros(a), np.zeros(b))
    except ValueError:
        return False
    return True


_BY_NAME = {op.name: op for op in UNARY + REDUCE + BINARY}


def run(program, leaves, lib: str, margins: list | None = None):
    """Evaluate ``program`` on ``leaves`` (tensors of ``lib``); return the scalar J and all nodes.

    J = sum over nodes never used as an input (the graph's outputs) of sum(node * weight).
    """
    _, steps, weights = program
    nodes = list(leaves)
    used = set()
    for name, args, params in steps:
        xs = [nodes[k] for k in args]
        used.update(args)
        if name in _BY_NAME:
            op = _BY_NAME[name]
            if margins is not None and op.kink is not None:
                margins.append(op.kink(*[np.asarray(x.data) for x in xs], *params))
            out = getattr(op, lib)(*xs, *params)
        elif name == "concat":
            out = tg.concatenate(xs, axis=0) if lib == "tg" else _t().cat(xs, dim=0)
        elif name == "stack":
            out = tg.stack(xs, axis=0) if lib == "tg" else _t().stack(xs, dim=0)
        elif name == "matmul":
            out = xs[0] @ xs[1]
        else:  # where
            (mask,) = params
            if lib == "tg":
                out = tg.where(mask, xs[0], xs[1])
            else:
                out = _t().where(_t().tensor(mask), xs[0], xs[1])
        nodes.append(out)
    sinks = [k for k in range(len(nodes)) if k not in used]
    J = None
    for k in sinks:
        weight = tg.Tensor(weights[k]) if lib == "tg" else _t().tensor(weights[k])
        term = (nodes[k] * weight).sum()
        J = term if J is None else J + term
    return J, nodes


def _check_program_is_well_conditioned(program):
    leaves = [tg.Tensor(x) for x in program[0]]
    margins: list = []
    with np.errstate(all="ignore"):
        _, nodes = run(program, leaves, "tg", margins)
    assume(all(m > KINK_MARGIN for m in margins))
    assume(all(np.isfinite(n.data).all() and np.abs(n.data).max(initial=0) < MAX_ABS
               for n in nodes))  # fmt: skip


@given(programs())
def test_random_graphs_match_central_differences(program):
    _check_program_is_well_conditioned(program)
    leaves, _, _ = program
    assert gradcheck(lambda *xs: run(program, xs, "tg")[0], *leaves, atol=1e-5, rtol=1e-4)


@given(programs())
def test_random_graphs_match_torch(program):
    torch = pytest.importorskip("torch")
    _check_program_is_well_conditioned(program)
    leaves, _, _ = program
    ours = [tg.Tensor(x.copy(), requires_grad=True) for x in leaves]
    J, _ = run(program, ours, "tg")
    J.backward()
    theirs = [torch.tensor(x.copy(), requires_grad=True) for x in leaves]
    Jt, _ = run(program, theirs, "torch")
    Jt.backward()
    np.testing.assert_allclose(J.item(), Jt.item(), rtol=1e-10, atol=1e-10)
    for i, (a, b) in enumerate(zip(ours, theirs, strict=True)):
        expected = np.zeros_like(a.data) if b.grad is None else b.grad.numpy()
        got = np.zeros_like(a.data) if a.grad is None else a.grad
        assert got.shape == a.shape, f"leaf {i}: gradient shape {got.shape} != {a.shape}"
        np.testing.assert_allclose(got, expected, rtol=1e-8, atol=1e-10, err_msg=f"leaf {i}")


def test_the_fuzzer_catches_a_wrong_gradient(monkeypatch):
    """The checks can fail: break one op's backward and a known graph is rejected."""
    from tinygrad_edu import ops

    monkeypatch.setattr(ops.Tanh, "backward", lambda self, dout: (dout * 1.01,))
    program = ([np.array([0.3, -0.7])], [("tanh", (0,), ())], [np.ones(2), np.ones(2)])
    with pytest.raises(AssertionError):
        gradcheck(lambda *xs: run(program, xs, "tg")[0], *program[0])
