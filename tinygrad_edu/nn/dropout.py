"""``Dropout``: inverted dropout, active only in training mode.

Layer: ``nn``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from tinygrad_edu.nn.module import Module, _as_tensor
from tinygrad_edu.tensor import Tensor, rand

_LAYOUTS = ("batch", "course")


class Dropout(Module):
    """Inverted dropout (course 2, week 1): zero each unit with probability ``p``, scale by
    ``1 / keep_prob``.

    In training mode (``model.train()``, the default) the forward pass is the course's::

        D = rand(A.shape) < keep_prob        # keep_prob = 1 - p
        A = A * D
        A = A / keep_prob                    # so the expected value of A is unchanged

    and the gradient flows only through the kept units (scaled the same way). In evaluation mode
    (``model.eval()``) the layer passes its input through unchanged: there is nothing to undo
    at test time, which is the point of *inverted* dropout.

    The mask is drawn from ``rng``: None for numpy's legacy global generator (so
    ``np.random.seed`` applies), an int seed, a ``numpy.random.RandomState`` or a ``Generator``.
    The course draws its masks in its own layout, ``rand(n, m)`` for units in rows and examples
    in columns; ``mask_layout="course"`` draws ``rand(*reversed(shape))`` and transposes it, so
    a batch-first ``(m, n)`` activation gets exactly the course's mask. The last mask is kept in
    ``self.mask`` (for inspection; None in evaluation mode).

    Args:
        p: probability of dropping a unit, in [0, 1) (``keep_prob = 1 - p``); PyTorch's name.
        rng: None, an int seed, a ``RandomState`` or a ``Generator``.
        mask_layout: ``"batch"`` (draw the mask in the input's shape) or ``"course"``.

    Raises:
        ValueError: ``p`` outside [0, 1), or a ``mask_layout`` other than 'batch' or 'course'.
        TypeError: an ``rng`` that is not None, an int, a RandomState or a Generator.

    >>> drop = Dropout(p=0.5, rng=np.random.RandomState(5))
    >>> drop(Tensor([[1.0, 1.0, 1.0, 1.0, 1.0, 1.0]]))    # kept units are scaled by 1 / 0.5
    Tensor([[2., 0., 2., 0., 2., 0.]])
    >>> drop.eval()(Tensor([[1.0, 1.0]]))         # evaluation: unchanged
    Tensor([[1., 1.]])
    """

    def __init__(self, p: float = 0.5, *, rng=None, mask_layout: str = "batch"):
        super().__init__()
        if isinstance(p, bool) or not isinstance(p, (int, float, np.floating)) or not 0 <= p < 1:
            raise ValueError(
                f"Dropout: expected a drop probability p in [0, 1), got {p!r}. The course's "
                f"keep_prob = 0.86 is p = 0.14."
            )
        if mask_layout not in _LAYOUTS:
            raise ValueError(
                f"Dropout: expected mask_layout 'batch' or 'course', got {mask_layout!r}."
            )
        if isinstance(rng, (int, np.integer)) and not isinstance(rng, bool):
            rng = np.random.default_rng(int(rng))
        elif rng is not None and not isinstance(rng, (np.random.RandomState, np.random.Generator)):
            raise TypeError(
                f"Dropout: expected rng to be None, an int seed, a numpy RandomState or "
                f"Generator, got {type(rng).__name__}."
            )
        self.p = float(p)
        self.keep_prob = 1.0 - self.p
        self.rng = rng
        self.mask_layout = mask_layout
        self.mask: np.ndarray | None = None

    def forward(self, A: Any) -> Tensor:
        A = _as_tensor(A)
        if not self.training or self.p == 0.0:
            self.mask = None
            return A
        shape = A.shape
        if self.mask_layout == "course":
            draw = rand(*shape[::-1], rng=self.rng).data.T  # the course's (n, m), transposed
        else:
            draw = rand(*shape, rng=self.rng).data
        self.mask = D = draw < self.keep_prob  # bool, A's shape
        return (A * D) / self.keep_prob  # the course's order: A * D, then / keep_prob

    def extra_repr(self) -> str:
        layout = ", mask_layout='course'" if self.mask_layout == "course" else ""
        return f"p={self.p}{layout}"
