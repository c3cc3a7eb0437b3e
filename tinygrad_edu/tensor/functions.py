"""Functions of tensors: concatenate (cat), stack, where, maximum, minimum, einsum, and the
module-level forms of tensor methods that numpy and PyTorch also spell as functions (one_hot,
tril, triu, take_along_axis, gather, isclose).

Layer: ``tensor``.
"""

from __future__ import annotations

import string
from collections.abc import Sequence
from typing import Any

import numpy as np

from tinygrad_edu import ops
from tinygrad_edu.tensor.tensor import Tensor, _const, _new_axis, _one_axis, _run


def _tensors(items: Sequence, op: str) -> tuple[Tensor, ...]:
    if len(items) == 0:
        raise ValueError(f"{op}: expected at least one tensor, got an empty sequence.")
    return tuple(t if isinstance(t, Tensor) else Tensor(t) for t in items)


def concatenate(
    tensors: Sequence[Tensor], axis: int | None = 0, *, dim: int | None = None
) -> Tensor:
    """Join tensors along an existing axis, as ``np.concatenate`` (``dim=`` is PyTorch's name
    for ``axis=``; ``tg.cat`` is PyTorch's name for the function). ``axis=None`` joins the
    flattened tensors, as numpy does.

    Raises:
        ValueError: a 0-d tensor among them, or shapes that differ off ``axis``.
        TypeError: ``axis`` is not one int (or None).

    >>> concatenate([Tensor([1.0]), Tensor([2.0, 3.0])])
    Tensor([1., 2., 3.])
    """
    axis = axis if dim is None else dim
    parents = _tensors(tensors, "concatenate")
    if axis is None:
        parents, axis = tuple(t.reshape(-1) for t in parents), 0
    if any(t.ndim == 0 for t in parents):
        raise ValueError(
            f"concatenate: expected tensors with at least 1 dimension, got shapes "
            f"{[t.shape for t in parents]}; 0-d tensors (single numbers) have no axis to join "
            f"along. Use stack() to make a vector of them."
        )
    position = _one_axis(axis, parents[0].ndim, "concatenate")
    return _run(ops.Concatenate(position), parents)


def cat(tensors: Sequence[Tensor], dim: int = 0, *, axis: int | None = None) -> Tensor:
    """PyTorch's name for ``concatenate``.

    >>> cat([Tensor([[1.0]]), Tensor([[2.0]])], dim=1)
    Tensor([[1., 2.]])
    """
    return concatenate(tensors, dim if axis is None else axis)


def stack(tensors: Sequence[Tensor], axis: int = 0, *, dim: int | None = None) -> Tensor:
    """Join tensors along a new axis, as ``np.stack`` (composite: unsqueeze + concatenate).

    Raises:
        ValueError: tensors of different shapes.

    >>> stack([Tensor([1.0, 2.0]), Tensor([3.0, 4.0])], dim=1).shape
    (2, 2)
    """
    axis = axis if dim is None else dim
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


def einsum(subscripts: str, *operands: Any) -> Tensor:
    """Einstein summation, as ``np.einsum`` and ``torch.einsum``: ``einsum("ij,jk->ik", A, B)``
    is ``A @ B``, ``"bij,bjk->bik"`` a batched product, ``"ii->"`` a trace, ``"i,j->ij"`` an outer
    product. The implicit form (no ``->``) and ``...`` for leading axes work as in numpy; labels of
    size 1 broadcast.

    One primitive op whose gradients are einsums themselves (so second derivatives work).

    Raises:
        ValueError: the subscripts do not fit the operands (count, lengths, characters).
        TypeError: ``subscripts`` is not a string.

    >>> A, B = Tensor([[1.0, 2.0], [3.0, 4.0]]), Tensor([[1.0], [1.0]])
    >>> einsum("ij,jk->ik", A, B)
    Tensor([[3.],
            [7.]])
    """
    if not isinstance(subscripts, str):
        raise TypeError(
            f"einsum: expected the subscripts as a string such as 'ij,jk->ik', got "
            f"{type(subscripts).__name__} (numpy's interleaved operand/axes form is not "
            f"supported)."
        )
    parents = _tensors(operands, "einsum")
    spec = _explicit_einsum(subscripts, [t.ndim for t in parents])
    return _run(ops.Einsum(spec), parents)


def _explicit_einsum(subscripts: str, ndims: list[int]) -> str:
    """numpy's einsum subscripts in the explicit form without ``...``: ``"ij,jk"`` becomes
    ``"ij,jk->ik"``, ``"...ij->...ji"`` on a 3-d operand ``"Aij->Aji"`` (unused letters).

    >>> _explicit_einsum("ij,jk", [2, 2])
    'ij,jk->ik'
    """
    spec = subscripts.replace(" ", "")
    lhs, arrow, rhs = spec.partition("->")
    inputs = lhs.split(",")
    if len(inputs) != len(ndims):
        raise ValueError(
            f"einsum: the subscripts {subscripts!r} name {len(inputs)} operand(s), got "
            f"{len(ndims)} operand(s)."
        )
    bad = sorted({c for c in spec.replace("...", "").replace(",", "").replace("->", "")
                  if c not in string.ascii_letters})  # fmt: skip
    if bad:
        raise ValueError(
            f"einsum: expected labels that are letters (and '...'), got {bad} in {subscripts!r}."
        )
    used = set(spec)
    free = [c for c in string.ascii_letters if c not in used]
    widths = []
    for sub, ndim in zip(inputs, ndims, strict=True):
        named = len(sub.replace("...", ""))
        width = ndim - named if "..." in sub else 0
        if width < 0 or ("..." not in sub and named != ndim):
            raise ValueError(
                f"einsum: the subscripts {sub!r} name {named} axes, but the operand has {ndim}."
            )
        widths.append(width)
    ellipsis = "".join(free[: max(widths, default=0)])
    inputs = [
        sub.replace("...", ellipsis[len(ellipsis) - w :]) if "..." in sub else sub
        for sub, w in zip(inputs, widths, strict=True)
    ]
    if arrow:
        if ellipsis and "..." not in rhs:
            raise ValueError(
                f"einsum: the operands have axes under '...', but the output {rhs!r} has no "
                f"'...' to keep them; write '...' in the output (or sum them afterwards)."
            )
        output = rhs.replace("...", ellipsis)
        missing = sorted(set(output) - set("".join(inputs)))
        if missing or len(set(output)) != len(output):
            raise ValueError(
                f"einsum: each output label must appear in an input, and once: got {rhs!r}."
            )
    else:  # implicit: '...' first, then the labels that appear once, in alphabetical order
        labels = "".join(inputs)
        once = sorted(c for c in set(labels) if labels.count(c) == 1 and c not in ellipsis)
        output = ellipsis + "".join(once)
    return ",".join(inputs) + "->" + output


def one_hot(labels: Any, num_classes: int = -1, dtype=np.int64) -> Tensor:
    """Class labels as one-hot vectors along a new last axis, PyTorch's ``F.one_hot``: int64
    unless ``dtype`` is given, ``num_classes=-1`` meaning ``max + 1``; see ``Tensor.one_hot``.

    >>> one_hot(np.array([2, 0]), 3, dtype=np.float64)
    Tensor([[0., 0., 1.],
            [1., 0., 0.]])
    """
    labels = labels if isinstance(labels, Tensor) else Tensor(np.asarray(labels))
    return labels.one_hot(num_classes, dtype)


def tril(x: Any, k: int = 0, *, diagonal: int | None = None) -> Tensor:
    """``x.tril(k)``: zeros above diagonal ``k`` of the last two axes (``np.tril``).

    >>> tril(Tensor(np.ones((2, 2))))
    Tensor([[1., 0.],
            [1., 1.]])
    """
    return _tensors([x], "tril")[0].tril(k, diagonal=diagonal)


def triu(x: Any, k: int = 0, *, diagonal: int | None = None) -> Tensor:
    """``x.triu(k)``: zeros below diagonal ``k`` of the last two axes (``np.triu``).

    >>> triu(Tensor(np.ones((2, 2))))
    Tensor([[1., 1.],
            [0., 1.]])
    """
    return _tensors([x], "triu")[0].triu(k, diagonal=diagonal)


def take_along_axis(x: Any, indices: Any, axis: int | None) -> Tensor:
    """``np.take_along_axis(x, indices, axis)`` with gradients; see ``Tensor.take_along_axis``.

    >>> take_along_axis(Tensor([[1.0, 2.0]]), np.array([[1, 1]]), 1)
    Tensor([[2., 2.]])
    """
    return _tensors([x], "take_along_axis")[0].take_along_axis(indices, axis)


def gather(x: Any, dim: int, index: Any) -> Tensor:
    """``torch.gather(x, dim, index)`` with gradients; see ``Tensor.gather``.

    >>> gather(Tensor([[1.0, 2.0], [3.0, 4.0]]), 1, np.array([[1], [0]]))
    Tensor([[2.],
            [3.]])
    """
    return _tensors([x], "gather")[0].gather(dim, index)


def isclose(x: Any, y: Any, rtol: float = 1e-05, atol: float = 1e-08,
            equal_nan: bool = False) -> Tensor:  # fmt: skip
    """``np.isclose`` / ``torch.isclose`` on tensors: a boolean tensor, no gradient.

    >>> isclose(Tensor([1.0, 2.0]), Tensor([1.0, 2.1]))
    Tensor([ True, False], dtype=bool)
    """
    return _tensors([x], "isclose")[0].isclose(y, rtol, atol, equal_nan)
