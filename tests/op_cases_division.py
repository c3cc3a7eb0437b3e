"""Op-table rows of ``%`` (``Remainder``): tensor % tensor with broadcasting, and a number on the
left. ``//`` (floor_divide) has no row: its result is a constant, tested in
``tests/test_floor_divide.py`` with the other results that carry no gradient.

The remainder is discontinuous where x / y is a whole number (it jumps by |y| there), so the
inputs keep x / y away from whole numbers: x = n + 0.25 (+-0.05) and y in {+-0.5, +-1, +-2, +-4}
put x / y at least 0.05 from the nearest whole number, far beyond the difference step. The
numpy column is numpy's own ``np.remainder``; torch's is ``torch.remainder`` (torch implements
no derivative for ``number % tensor``, so that row calls ``torch.remainder`` on a full tensor).
"""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st
from op_table import Case, one, pair

try:
    import torch
except ImportError:  # the torch column is skipped cleanly
    torch = None

DIVIDEND = st.tuples(st.integers(-12, 12), st.floats(-0.05, 0.05)).map(lambda t: t[0] + 0.25 + t[1])
DIVISOR = st.sampled_from([-4.0, -2.0, -1.0, -0.5, 0.5, 1.0, 2.0, 4.0])

# fmt: off
CASES: list[Case] = [
    Case("remainder", pair(DIVIDEND, DIVISOR), lambda x, y: x % y, np.remainder,
         lambda x, y: torch.remainder(x, y), diff=(0, 1)),
    Case("rremainder", one(DIVISOR), lambda y: 5.3 % y, lambda y: np.remainder(5.3, y),
         lambda y: torch.remainder(torch.full_like(y, 5.3), y), diff=(0,)),
]
# fmt: on
