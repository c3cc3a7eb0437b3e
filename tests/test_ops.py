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
from op_cases_sequence import CASES as SEQUENCE_CASES
from op_table import CORE_CASES, Case

import tinygrad_edu as tg
from tinygrad_edu.testing import gradcheck

try:
    import torch
except ImportError:  # the torch column is skipped cleanly
    torch = None

CASES: list[Case] = [*CORE_CASES, *SEQUENCE_CASES]


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
