"""The op protocol: the ``Op`` base class and the shape helpers every op shares.

Layer: ``ops`` (imports numpy only).
"""

from __future__ import annotations

import numpy as np

# ---------------------------------------------------------------------------------------------
# Shared helpers (shape bookkeeping only; no gradient reduction happens here)
# ---------------------------------------------------------------------------------------------


def normalize_axis(axis, ndim: int, op: str = "reduce") -> tuple[int, ...] | None:
    """Turn ``axis`` (None, int, negative int, or tuple) into a sorted tuple of positive axes.

    >>> normalize_axis(-1, 3)
    (2,)
    >>> normalize_axis((0, -1), 2)
    (0, 1)
    """
    if axis is None:
        return None
    axes = (axis,) if isinstance(axis, (int, np.integer)) else tuple(axis)
    out = []
    for a in axes:
        if not isinstance(a, (int, np.integer)):
            raise TypeError(f"{op}: axis must be an int or a tuple of ints, got {axis!r}.")
        if not -ndim <= a < max(ndim, 1):
            raise ValueError(
                f"{op}: axis {a} is out of range for a tensor with {ndim} dimension(s); "
                f"valid axes are {-ndim}..{ndim - 1}."
            )
        out.append(int(a) % max(ndim, 1))
    if len(set(out)) != len(out):
        raise ValueError(f"{op}: repeated axis in {axis!r}.")
    return tuple(sorted(out))


def _expand_reduced(dout: np.ndarray, axes: tuple[int, ...] | None, keepdims: bool) -> np.ndarray:
    """Re-insert the axes a reduction removed, so ``dout`` broadcasts against the input."""
    if keepdims or axes is None:
        return dout  # a 0-d dout (axis=None) broadcasts against anything already
    return np.expand_dims(dout, axes)


class Op:
    """Base class of all primitive ops.

    ``needs`` is a tuple of bools (one per input: does it need a gradient?), set by the tensor layer
    when it records the op. ``forward`` always sets ``saved``: what backward needs, ``()`` if
    nothing. The engine sets it to ``None`` when it releases the graph, which is how a second
    backward through a released graph is detected. (No ``__init__`` here: a Python-level
    constructor call was a twentieth of the per-op cost on small tensors.)
    """

    # ``clock`` (the engine's in-place write clock when the op was recorded) and ``trace`` (its
    # creation site, set only while a debug switch is on) are left unset until used: an unset
    # slot costs nothing, and most ops are never recorded or never traced.
    __slots__ = ("needs", "saved", "clock", "trace")

    broadcasts = False  # True for elementwise ops whose two inputs follow numpy broadcasting

    @property
    def name(self) -> str:
        """The op's display name, e.g. ``'mul'`` (used in errors, reprs and graph drawings)."""
        return type(self).__name__.lower()

    def describe_error(self, shapes: list[tuple[int, ...]], err: Exception) -> str:
        """A teaching message for a numpy error raised by ``forward`` on inputs of ``shapes``."""
        return f"{self.name}: {err} (input shapes {', '.join(map(str, shapes))})."


class _Broadcasting(Op):
    """An elementwise op with two inputs that follows numpy's broadcasting rules."""

    __slots__ = ()

    broadcasts = True

    def describe_error(self, shapes, err):
        sx, sy = shapes
        width = max(len(sx), len(sy))
        px, py = ((1,) * (width - len(s)) + tuple(s) for s in (sx, sy))
        pairs = enumerate(zip(px, py, strict=True))
        clash = [i for i, (a, b) in pairs if a != b and 1 not in (a, b)]
        hint = ""
        if len(sx) != len(sy) and 1 in (len(sx), len(sy)):
            hint = (
                " A rank-1 array of shape (n,) broadcasts as a row (1, n); if you meant a column,"
                " reshape it to (n, 1)."
            )
        return (
            f"{self.name}: shapes cannot be broadcast together: x.shape={sx}, y.shape={sy}. "
            f"Aligned from the right they are {px} and {py}; at axis "
            f"{', '.join(map(str, clash))} the sizes differ and neither is 1.{hint}"
        )
