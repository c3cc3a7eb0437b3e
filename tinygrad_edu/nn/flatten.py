"""``Flatten``: merge a range of axes into one (the step from convolutions to dense layers).

Layer: ``nn``.
"""

from __future__ import annotations

from typing import Any

import numpy as np  # noqa: F401 (the example below uses np)

from tinygrad_edu.nn.module import Module, _as_tensor
from tinygrad_edu.tensor import Tensor


class Flatten(Module):
    """Merge axes ``start_dim`` .. ``end_dim`` (inclusive) into one, as ``torch.nn.Flatten``.

    The default keeps the batch axis: ``(m, C, H, W) -> (m, C * H * W)``, row-major, the order
    of the course's ``X.reshape(X.shape[0], -1)``.

    Args:
        start_dim: first axis to merge (default 1).
        end_dim: last axis to merge (default -1, the last).

    >>> Flatten()(Tensor(np.zeros((2, 3, 4, 5)))).shape
    (2, 60)
    """

    def __init__(self, start_dim: int = 1, end_dim: int = -1):
        super().__init__()
        self.start_dim, self.end_dim = int(start_dim), int(end_dim)

    def forward(self, X: Any) -> Tensor:
        """``X`` with the axes ``start_dim`` ... ``end_dim`` joined into one.

        Raises:
            ValueError: ``start_dim`` or ``end_dim`` outside the input's axes, or ``start_dim``
                after ``end_dim``.
        """
        X = _as_tensor(X)
        n = X.ndim
        start = self.start_dim + n if self.start_dim < 0 else self.start_dim
        end = self.end_dim + n if self.end_dim < 0 else self.end_dim
        if not (0 <= start < n and 0 <= end < n) or start > end:
            raise ValueError(
                f"Flatten: expected start_dim <= end_dim inside an input of {n} axes, got "
                f"start_dim={self.start_dim}, end_dim={self.end_dim} for shape {X.shape}."
            )
        return X.reshape(*X.shape[:start], -1, *X.shape[end + 1 :])

    def extra_repr(self) -> str:
        return f"start_dim={self.start_dim}, end_dim={self.end_dim}"
