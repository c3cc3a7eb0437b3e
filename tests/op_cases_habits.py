"""Op-table rows of PyTorch's spellings beside numpy's: ``clamp(min=, max=)`` (the ``Clip`` op),
``t()`` (a matrix transpose, at most 2-D) and ``.mT`` (the last two axes swapped). They add no op
class; the rows check that each spelling has torch's values and first and second derivatives
over random shapes. ``float()``/``double()`` are tested in ``tests/test_torch_habits.py`` (central
differences through float32 would be too coarse for a row).
"""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st
from op_table import Case, one

from tinygrad_edu.testing import strategies as tst

try:
    import torch
except ImportError:  # the torch column is skipped cleanly
    torch = None

# away from the bounds -1 and 1, where the derivative jumps
AWAY_FROM_BOUNDS = st.one_of(st.floats(-3, -1.05), st.floats(-0.95, 0.95), st.floats(1.05, 3))

# fmt: off
CASES: list[Case] = [
    Case("clamp", one(AWAY_FROM_BOUNDS), lambda x: x.clamp(min=-1.0, max=1.0),
         lambda x: np.clip(x, -1.0, 1.0), lambda x: torch.clamp(x, min=-1.0, max=1.0), diff=(0,)),
    Case("clamp_min", one(AWAY_FROM_BOUNDS), lambda x: x.clamp(min=-1.0),
         lambda x: np.maximum(x, -1.0), lambda x: torch.clamp(x, min=-1.0), diff=(0,)),
    Case("t", one(shape=tst.shapes(max_dims=2)), lambda x: x.t(),
         lambda x: x.T, lambda x: x.t(), diff=(0,)),
    Case("mT", one(shape=tst.shapes(min_dims=2, max_dims=4)), lambda x: x.mT,
         lambda x: np.swapaxes(x, -1, -2), lambda x: x.mT, diff=(0,)),
]
# fmt: on
