"""The op protocol: the ``Function`` base class and the shape helpers every op shares.

Layer: ``ops`` (imports numpy only).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, overload

import numpy as np

# ---------------------------------------------------------------------------------------------
# Shared helpers (shape bookkeeping only; no gradient reduction happens here)
# ---------------------------------------------------------------------------------------------


# For type checkers: None stays None (every axis), an int or a sequence of ints gives a tuple.
@overload
def normalize_axis(axis: None, ndim: int, op: str = ...) -> None: ...


@overload
def normalize_axis(
    axis: int | np.integer | Sequence[int], ndim: int, op: str = ...
) -> tuple[int, ...]: ...


def normalize_axis(axis, ndim: int, op: str = "reduce") -> tuple[int, ...] | None:
    """Turn ``axis`` (None, int, negative int, or tuple) into a sorted tuple of positive axes.

    A 0-d tensor (a single number) accepts axis 0 and -1 as PyTorch does, meaning "the only
    element": the tuple is then empty and every reduction returns the number itself.

    Raises:
        TypeError: an axis is not an int.
        ValueError: an axis is out of range or repeated.

    >>> normalize_axis(-1, 3)
    (2,)
    >>> normalize_axis((0, -1), 2)
    (0, 1)
    >>> normalize_axis(0, 0)
    ()
    """
    if axis is None:
        return None
    if type(axis) is int and -ndim <= axis < ndim:  # one valid axis (the common case), quickly
        return (axis % ndim,)
    if isinstance(axis, (int, np.integer)):
        axes = (axis,)
    elif isinstance(axis, (tuple, list)):
        axes = tuple(axis)
    else:  # a float, a string, an array: not iterable as numpy's axis argument is
        raise TypeError(f"{op}: axis must be an int or a tuple of ints, got {axis!r}.")
    out = []
    for a in axes:
        if isinstance(a, (bool, np.bool_)) or not isinstance(a, (int, np.integer)):
            raise TypeError(f"{op}: axis must be an int or a tuple of ints, got {axis!r}.")
        if ndim == 0:
            if a not in (0, -1):
                raise ValueError(
                    f"{op}: axis {a} is out of range for a 0-d tensor (a single number): valid "
                    f"axes are 0 and -1 (both mean the number itself, as in PyTorch), or None."
                )
            continue
        if not -ndim <= a < ndim:
            raise ValueError(
                f"{op}: axis {a} is out of range for a tensor with {ndim} dimension(s); "
                f"valid axes are {-ndim}..{ndim - 1}."
            )
        out.append(int(a) % ndim)
    if len(set(out)) != len(out):
        raise ValueError(f"{op}: repeated axis in {axis!r}.")
    return tuple(sorted(out))


def all_nonzero(x) -> bool:
    """``np.all(x)``: no element of ``x`` (an array, or a tensor under create_graph) is 0.

    The test backward rules run before ``keep_zero``, on every call: on arrays it counts nonzeros
    in C, a sixth of ``np.all``'s time on small arrays (``np.all`` is a Python-level wrapper).

    >>> all_nonzero(np.array([1.0, -2.0])), all_nonzero(np.array([1.0, 0.0]))
    (True, False)
    """
    if type(x) is np.ndarray:
        return bool(np.count_nonzero(x) == x.size)
    return bool(np.all(x))


def any_nan(x) -> bool:
    """``np.isnan(x).any()`` for an array or a tensor, counted in C on arrays (``.any()`` on the
    numpy scalar that a 0-d array gives costs more than a small op).

    >>> any_nan(np.array(2.0)), any_nan(np.array([1.0, np.nan]))
    (False, True)
    """
    if type(x) is np.ndarray:
        return bool(np.count_nonzero(np.isnan(x)))
    return bool(np.isnan(x).any())


def keep_zero(dout, grad):
    """``grad`` with 0 wherever ``dout`` is 0: the op table's rule for infinite local derivatives.

    At a point where an op's local derivative is infinite (log and 1/x at 0, sqrt at 0, x**y at
    x = 0 for y < 1), ``dout * local`` is 0 * inf = NaN even when nothing upstream depends on the
    op (dout = 0). The true contribution is 0, so it is 0 here; a nonzero dout still gives +-inf,
    which is real. Ops call this only when such a point is present (a cheap check first), so
    the common case pays nothing.

    >>> keep_zero(np.array([0.0, 2.0]), np.array([np.nan, np.inf]))
    array([ 0., inf])
    """
    return np.where(dout == 0, 0, grad)


def broadcast_view(x, shape: tuple[int, ...]):
    """``np.broadcast_to(x, shape)``: a read-only view repeating ``x`` along its size-1 axes.

    For a C-contiguous array of the same number of dimensions (or 0-d) the view is built directly,
    with stride 0 on the repeated axes: ``np.broadcast_to`` spends about 25,000 CPU instructions on
    argument handling and an ``nditer``, more than the rest of a small sum's backward, and this is
    the backward of every sum and mean (every loss). Tensors (create_graph=True), other layouts
    and shapes that do not broadcast go through ``np.broadcast_to``.

    >>> broadcast_view(np.array([[1.0, 2.0]]), (3, 2))
    array([[1., 2.],
           [1., 2.],
           [1., 2.]])
    """
    if isinstance(x, np.generic):  # numpy arithmetic gives a 0-d result as a numpy scalar
        x = np.asarray(x)
    if type(x) is np.ndarray and x.flags.c_contiguous:
        if x.ndim == 0:
            strides: tuple | None = (0,) * len(shape)
        elif x.ndim == len(shape):
            strides = tuple([s if n == m else 0 if n == 1 else -1
                             for n, m, s in zip(x.shape, shape, x.strides)])  # noqa: B905  # fmt: skip
            if -1 in strides:  # a size that does not broadcast: numpy raises its own error
                strides = None
        else:
            strides = None
        if strides is not None:
            view = np.ndarray(shape, x.dtype, x, 0, strides)  # shares x's memory (view.base is x)
            view.flags.writeable = False
            return view
    return np.broadcast_to(x, shape)


def _expand_reduced(dout: np.ndarray, axes: tuple[int, ...] | None, keepdims: bool) -> np.ndarray:
    """Re-insert the axes a reduction removed, so ``dout`` broadcasts against the input.

    A reshape (arrays and tensors both have it) rather than ``np.expand_dims``, whose Python-level
    argument handling costs more than the rest of a small reduction's backward.
    """
    if keepdims or axes is None:
        return dout  # a 0-d dout (axis=None) broadcasts against anything already
    shape = list(dout.shape)
    for axis in axes:  # sorted, positive: positions in the input
        shape.insert(axis, 1)
    return dout.reshape(tuple(shape))


class Function:
    """The base class of every op: ``forward`` and ``backward`` side by side (PyTorch's
    ``autograd.Function``, as one object per use).

    A subclass states its math in the first line of its docstring, its ``name`` (the method or
    function name users type, shown in graphs and errors), whether its inputs follow numpy
    broadcasting (``broadcasts``), and implements:

    - ``forward(*arrays) -> array``: numpy arrays in, one numpy array out; it always sets
      ``self.saved`` to what backward needs (``()`` if nothing). Only forward's own input arrays,
      its returned output array (the same objects) and non-differentiable constants (masks,
      indices) may be saved: under ``create_graph=True`` the engine hands backward the tensors
      those arrays belong to, so the gradient can itself be differentiated.
    - ``backward(dout) -> tuple``: one gradient per input, ``None`` where ``self.needs[i]`` is
      False. A gradient may have the output's shape where numpy broadcast an input; the engine's
      ``unbroadcast`` sums it down. Written with operators, array methods and numpy functions
      (which tensors implement through numpy's dispatch protocols) or other ops' ``apply``, the
      same rule computes first-order gradients on arrays and, with ``create_graph=True``,
      differentiable gradients on tensors. It never writes into ``dout`` or a saved array.

    ``apply(*inputs)`` runs the op: on tensors it returns a tensor and records the graph, on numpy
    arrays it returns forward's array.

    >>> import numpy as np
    >>> import tinygrad_edu as tg
    >>> class Cube(Function):
    ...     "out = x**3;  dx = dout * 3 * x**2"
    ...     name = "cube"
    ...     def forward(self, x):
    ...         self.saved = (x,)
    ...         return x**3
    ...     def backward(self, dout):
    ...         (x,) = self.saved
    ...         return (dout * 3 * x**2,)
    >>> x = tg.Tensor(2.0, requires_grad=True)
    >>> y = Cube().apply(x)
    >>> y.backward()
    >>> y.item(), x.grad.item(), y.op
    (8.0, 12.0, 'cube')

    ``needs`` (a tuple of bools: does input i need a gradient?) is set when the op is recorded.
    The engine sets ``saved`` to ``None`` when it releases the graph, which is how a second
    backward through a released graph is detected. (No ``__init__`` here: a Python-level
    constructor call was a twentieth of the per-op cost on small tensors.)
    """

    # ``clock`` (the engine's in-place write clock when the op was recorded) and ``trace`` (its
    # creation site, set only while a debug switch is on) are left unset until used: an unset
    # slot costs nothing, and most ops are never recorded or never traced.
    __slots__ = ("needs", "saved", "clock", "trace")
    needs: tuple[bool, ...]
    saved: Any  # a tuple of arrays (tensors under create_graph); None once the graph is released
    clock: int
    trace: Any

    # broadcasts: an input may be broadcast to the output's shape by numpy's rules (elementwise
    #   binary ops, where, broadcast_to, matmul's batch axes); its gradient is then summed over the
    #   broadcast axes by the engine's unbroadcast (graph drawings say so).
    # elementwise: output element i depends on input element i only (strict broadcasting checks
    #   the two-input ones).
    broadcasts = False
    elementwise = False

    @property
    def name(self) -> str:
        """The op's display name, e.g. ``'mul'``: subclasses set it as a class attribute (this
        fallback, the lower-cased class name, serves ops that do not)."""
        return type(self).__name__.lower()

    @property
    def formula(self) -> str:
        """The math of the op: the first line of its class docstring."""
        doc = type(self).__doc__ or ""
        return doc.strip().splitlines()[0] if doc.strip() else self.name

    def forward(self, *xs):
        """Compute the output from numpy arrays and set ``self.saved``; subclasses implement it.

        Raises:
            NotImplementedError: the subclass does not define ``forward``.
        """
        raise NotImplementedError(
            f"{type(self).__name__}: an op must define forward(self, *arrays) returning an array "
            f"and setting self.saved (see tinygrad_edu.ops.Function)."
        )

    def backward(self, dout):
        """One gradient per input from ``dout = dJ/dout``; subclasses implement it.

        Raises:
            NotImplementedError: the subclass does not define ``backward``.
        """
        raise NotImplementedError(
            f"{type(self).__name__}: an op must define backward(self, dout) returning one "
            f"gradient per input (see tinygrad_edu.ops.Function)."
        )

    def apply(self, *inputs):
        """Run the op on ``inputs``: tensors give a tensor (the graph is recorded when an input
        requires grad), numpy arrays give forward's array.

        Tensors provide the recording themselves (a ``_apply_function`` class method, found on
        the type of the first input that has one), so this layer needs no import of theirs, as
        numpy's own dispatch protocols work.
        """
        for x in inputs:
            apply_function = getattr(type(x), "_apply_function", None)
            if apply_function is not None:
                return apply_function(self, inputs)
        self.needs = (False,) * len(inputs)
        return self.forward(*inputs)

    def describe_error(self, shapes: list[tuple[int, ...]], err: Exception) -> str:
        """A teaching message for a numpy error raised by ``forward`` on inputs of ``shapes``."""
        return f"{self.name}: {err} (input shapes {', '.join(map(str, shapes))})."


class _Broadcasting(Function):
    """An elementwise op with two inputs that follows numpy's broadcasting rules."""

    __slots__ = ()

    broadcasts = True
    elementwise = True

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
