"""Functions of several tensors: concatenate, stack, where, maximum, minimum.

Layer: ``tensor``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from tinygrad_edu import ops
from tinygrad_edu.tensor.tensor import Tensor, _const, _new_axis, _run


def _tensors(items: Sequence, op: str) -> tuple[Tensor, ...]:
    if len(items) == 0:
        raise ValueError(f"{op}: expected at least one tensor, got an empty sequence.")
    return tuple(t if isinstance(t, Tensor) else Tensor(t) for t in items)


def concatenate(tensors: Sequence[Tensor], axis: int = 0) -> Tensor:
    """Join tensors along an existing axis, as ``np.concatenate``.

    >>> concatenate([Tensor([1.0]), Tensor([2.0, 3.0])])
    Tensor([1., 2., 3.])
    """
    parents = _tensors(tensors, "concatenate")
    if any(t.ndim == 0 for t in parents):
        raise ValueError(
            f"concatenate: expected tensors with at least 1 dimension, got shapes "
            f"{[t.shape for t in parents]}; 0-d tensors (single numbers) have no axis to join "
            f"along. Use stack() to make a vector of them."
        )
    (position,) = ops.normalize_axis(axis, parents[0].ndim, "concatenate")
    return _run(ops.Concatenate(position), parents)


def stack(tensors: Sequence[Tensor], axis: int = 0) -> Tensor:
    """Join tensors along a new axis, as ``np.stack`` (composite: unsqueeze + concatenate)."""
    parents = _tensors(tensors, "stack")
    shapes = {t.shape for t in parents}
    if len(shapes) > 1:
        raise ValueError(f"stack: expected tensors of one shape, got {sorted(shapes)}.")
    _new_axis(axis, parents[0].ndim, "stack")
    return concatenate([t.unsqueeze(axis) for t in parents], axis=axis)


def where(condition, x, y) -> Tensor:
    """Pick from ``x`` where ``condition`` holds, else from ``y``; no gradient to the condition.

    >>> where(Tensor([1.0, -1.0]) > 0, 1.0, 0.0)
    Tensor([1., 0.])
    """
    cond = np.asarray(condition.data if isinstance(condition, Tensor) else condition, dtype=bool)
    if isinstance(x, Tensor):
        y = _const(y, x)
    elif isinstance(y, Tensor):
        x = _const(x, y)
    else:
        x = Tensor(x)
        y = _const(y, x)
    return _run(ops.Where(cond), (x, y))


def maximum(x, y) -> Tensor:
    """Elementwise maximum of two tensors or numbers (a tie splits the gradient in half)."""
    x = x if isinstance(x, Tensor) else _const(x, y) if isinstance(y, Tensor) else Tensor(x)
    return x.maximum(y)


def minimum(x, y) -> Tensor:
    """Elementwise minimum of two tensors or numbers (a tie splits the gradient in half)."""
    x = x if isinstance(x, Tensor) else _const(x, y) if isinstance(y, Tensor) else Tensor(x)
    return x.minimum(y)
