"""One table of ops drives three checks for every differentiable op.

1. forward equals numpy's own function on the same arrays;
2. the gradient equals central differences in float64 (``tinygrad_edu.testing.gradcheck``) over
   hypothesis-drawn shapes, including broadcasting pairs;
3. the gradient equals PyTorch's (skipped only where torch is not installed).

The rows live in ``op_table.py`` (the core ops) and ``op_cases_<area>.py`` (one module per area).
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from op_cases_conv import CASES as CONV_CASES
from op_cases_division import CASES as DIVISION_CASES
from op_cases_habits import CASES as HABITS_CASES
from op_cases_math import CASES as MATH_CASES
from op_cases_sequence import CASES as SEQUENCE_CASES
from op_table import CORE_CASES, Case

import tinygrad_edu as tg
from tinygrad_edu.testing import gradcheck, gradgradcheck

try:
    import torch
except ImportError:  # the torch column is skipped cleanly
    torch = None

CASES: list[Case] = [*CORE_CASES, *CONV_CASES, *MATH_CASES, *SEQUENCE_CASES, *DIVISION_CASES]
CASES += HABITS_CASES  # PyTorch's spellings: clamp, t(), .mT


def _split(case: Case, drawn: tuple) -> list[int]:
    """Positions of the differentiable arrays in one drawn input tuple."""
    return list(range(len(drawn) - 1)) if case.diff is None else list(case.diff)


def _call(fn, drawn, diff_idx, values):
    args = list(drawn)
    for i, v in zip(diff_idx, values, strict=True):
        args[i] = v
    return fn(*args)


IDS = [c.name for c in CASES]


@pytest.mark.parametrize("case", CASES, ids=IDS)
@given(data=st.data())
def test_forward_matches_numpy(case: Case, data):
    drawn = data.draw(case.inputs)
    idx = _split(case, drawn)
    out = _call(case.tg, drawn, idx, [tg.Tensor(drawn[i]) for i in idx])
    expected = case.np(*drawn)
    np.testing.assert_allclose(out.data, expected, rtol=1e-12, atol=1e-12, err_msg=case.name)
    assert out.shape == np.shape(expected), case.name


@pytest.mark.parametrize("case", CASES, ids=IDS)
@given(data=st.data())
def test_gradient_matches_central_differences(case: Case, data):
    drawn = data.draw(case.inputs)
    idx = _split(case, drawn)
    gradcheck(lambda *ts: _call(case.tg, drawn, idx, ts), *[drawn[i] for i in idx])


@pytest.mark.parametrize("case", CASES, ids=IDS)
@given(data=st.data())
def test_gradient_matches_torch(case: Case, data):
    if torch is None:
        pytest.skip("torch is not installed (pip install 'tinygrad_edu[torch]')")
    drawn = data.draw(case.inputs)
    idx = _split(case, drawn)
    ours = [tg.Tensor(drawn[i], requires_grad=True) for i in idx]
    theirs = [torch.tensor(drawn[i], dtype=torch.float64, requires_grad=True) for i in idx]
    out = _call(case.tg, drawn, idx, ours)
    ref = _call(case.torch, drawn, idx, theirs)
    weights = np.random.default_rng(0).uniform(0.5, 1.5, size=out.shape)
    (out * weights).sum().backward()
    (ref * torch.as_tensor(weights)).sum().backward()
    np.testing.assert_allclose(out.data, ref.detach().numpy(), rtol=1e-10, atol=1e-12)
    for k, (a, b) in enumerate(zip(ours, theirs, strict=True)):
        expected = np.zeros(a.shape) if b.grad is None else b.grad.numpy()
        got = np.zeros(a.shape) if a.grad is None else a.grad
        np.testing.assert_allclose(
            got, expected, rtol=1e-9, atol=1e-12, err_msg=f"{case.name}: gradient of input {k}"
        )


# -------------------------------------------------------------------------------------------------
# Second derivatives (create_graph=True): the same backward rules, run on tensors
# -------------------------------------------------------------------------------------------------


def _second_inputs(case: Case):
    return case.inputs if case.second_inputs is None else case.second_inputs


@pytest.mark.parametrize("case", CASES, ids=IDS)
@given(data=st.data())
def test_second_derivative_matches_central_differences(case: Case, data):
    drawn = data.draw(_second_inputs(case))
    idx = _split(case, drawn)
    gradgradcheck(lambda *ts: _call(case.tg, drawn, idx, ts), *[drawn[i] for i in idx])


@pytest.mark.parametrize("case", CASES, ids=IDS)
@given(data=st.data())
def test_second_derivative_matches_torch(case: Case, data):
    """d/dx of sum_i <dJ/dx_i, V_i> (a Hessian-vector product), ours against torch's double
    backward on the same inputs, output weights and V."""
    if torch is None:
        pytest.skip("torch is not installed (pip install 'tinygrad_edu[torch]')")
    drawn = data.draw(_second_inputs(case))
    idx = _split(case, drawn)
    ours = [tg.Tensor(drawn[i], requires_grad=True) for i in idx]
    theirs = [torch.tensor(drawn[i], dtype=torch.float64, requires_grad=True) for i in idx]
    out = _call(case.tg, drawn, idx, ours)
    ref = _call(case.torch, drawn, idx, theirs)
    rng = np.random.default_rng(1)
    weights = rng.uniform(0.5, 1.5, size=out.shape)
    vs = [rng.uniform(0.5, 1.5, size=np.shape(drawn[i])) for i in idx]
    g_ours = tg.grad((out * weights).sum(), ours, create_graph=True, allow_unused=True)
    g_theirs = torch.autograd.grad(
        (ref * torch.as_tensor(weights)).sum(), theirs, create_graph=True, allow_unused=True
    )
    k_ours = sum(((g * v).sum() for g, v in zip(g_ours, vs, strict=True) if g is not None),
                 tg.Tensor(0.0))  # fmt: skip
    k_theirs = sum(
        ((g * torch.as_tensor(v)).sum() for g, v in zip(g_theirs, vs, strict=True)
         if g is not None and g.requires_grad),
        torch.zeros((), dtype=torch.float64),
    )  # fmt: skip
    h_ours = (
        tg.grad(k_ours, ours, allow_unused=True) if k_ours.requires_grad else [None] * len(ours)
    )
    h_theirs = (
        torch.autograd.grad(k_theirs, theirs, allow_unused=True)
        if k_theirs.requires_grad
        else [None] * len(theirs)
    )
    for k, (a, b) in enumerate(zip(h_ours, h_theirs, strict=True)):
        zero = b is None or b._is_zerotensor()  # torch's symbolic zero (e.g. abs'' = 0)
        expected = np.zeros(np.shape(drawn[idx[k]])) if zero else b.numpy()
        got = np.zeros(np.shape(drawn[idx[k]])) if a is None else a.data
        np.testing.assert_allclose(
            got, expected, rtol=1e-8, atol=1e-10, err_msg=f"{case.name}: second derivative {k}"
        )


def _ops_in_graph(root) -> set[str]:
    seen, stack, names = set(), [root], set()
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if node._op is not None:
            names.add(node._op.name)
        stack.extend(node._parents)
    return names


def test_every_op_has_a_row_in_the_op_table():
    """Each op class in the ops package is exercised by some row, forward or in its gradient."""
    import hypothesis

    exercised: set[str] = set()

    def collector(case: Case):
        @hypothesis.settings(max_examples=3, database=None)
        @given(data=st.data())
        def collect(data):
            drawn = data.draw(case.inputs)
            idx = _split(case, drawn)
            ins = [tg.Tensor(drawn[i], requires_grad=True) for i in idx]
            out = _call(case.tg, drawn, idx, ins)
            exercised.update(_ops_in_graph(out))

        return collect

    for case in CASES:
        collector(case)()
    classes = {
        cls.name
        for cls in vars(tg.ops).values()
        if isinstance(cls, type) and issubclass(cls, tg.ops.Function) and cls is not tg.ops.Function
    }
    missing = sorted(classes - exercised)
    assert not missing, f"ops without a row in the op table (tests/op_table.py): {missing}"
