"""``Linear``: the fully connected layer, ``Z = A_prev @ W.T + b``.

Layer: ``nn``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from tinygrad_edu.nn.init import initial_weights
from tinygrad_edu.nn.module import Module, Parameter, _as_tensor, _check_size
from tinygrad_edu.tensor import Tensor


class Linear(Module):
    """A fully connected layer, batch-first: ``Z = A_prev @ W.T + b``.

    Args:
        n_in: number of input features (units of the previous layer, the course's n^[l-1]).
        n_out: number of units (the course's n^[l]).
        init: a name in ``INITIALIZERS`` ('zeros', 'course_small', 'course_deep', 'he',
            'xavier') or a function ``(n_out, n_in, rng, dtype) -> array``. Default 'course_deep'.
        rng: None for numpy's legacy global generator (``np.random.seed`` applies), or a
            ``numpy.random.RandomState`` / ``Generator``.
        dtype: float64 (default) or float32.

    Attributes:
        W: ``Parameter (n_out, n_in)``, the course's W^[l].
        b: ``Parameter (n_out,)``, zeros; the course's b^[l] is the column ``(n_out, 1)``.

    >>> np.random.seed(1)
    >>> layer = Linear(12288, 7, init="course_small")
    >>> layer.W.shape, layer.b.shape, layer(np.zeros((209, 12288))).shape
    ((7, 12288), (7,), (209, 7))
    """

    def __init__(
        self,
        n_in: int,
        n_out: int,
        init: str | Callable = "course_deep",
        *,
        rng=None,
        dtype=np.float64,
    ):
        super().__init__()
        self.n_in = _check_size("Linear", n_in, "n_in")
        self.n_out = _check_size("Linear", n_out, "n_out")
        W, self.init = initial_weights("Linear", init, self.n_out, self.n_in, rng=rng, dtype=dtype)
        self.W = Parameter(W, name="W")  # (n_out, n_in)
        # (n_out,); a Tensor, not only a Parameter: a user of the layer may fix it to a constant
        # (MultiheadAttention(bias=False) sets a zero Tensor, nothing to learn).
        self.b: Tensor = Parameter(np.zeros(self.n_out, dtype=W.dtype), name="b")

    def forward(self, A_prev: Any) -> Tensor:
        """``Z = A_prev @ W.T + b``: ``(m, n_in) -> (m, n_out)``.

        Raises:
            ValueError: an input whose last axis is not ``n_in`` (the hint says when it is the
                transposed, course layout).
        """
        A_prev = _as_tensor(A_prev)
        if A_prev.ndim == 0 or A_prev.shape[-1] != self.n_in:
            hint = ""
            if A_prev.ndim == 2 and A_prev.shape[0] == self.n_in:
                hint = (
                    " This looks like the course's layout X (n_x, m) with examples in columns; "
                    "layers are batch-first (examples in rows): pass X.T."
                )
            raise ValueError(
                f"Linear: expected an input of shape (m, {self.n_in}) (batch-first: one example "
                f"per row), got {A_prev.shape}.{hint}"
            )
        return A_prev @ self.W.T + self.b  # (m, n_out)

    def extra_repr(self) -> str:
        return f"n_in={self.n_in}, n_out={self.n_out}, init={self.init!r}"
