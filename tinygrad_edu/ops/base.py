"""The op protocol: the ``Function`` base class and the shape helpers every op shares.

Layer: ``ops`` (imports numpy only).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial
from types import MethodType
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


class _Unset(tuple):
    """The type of ``UNSET``: what ``saved`` holds before an op's forward has set it (an empty
    tuple, so code that reads ``saved`` sees nothing saved)."""

    __slots__ = ()


UNSET = _Unset()  # apply() sets op.saved to it before forward; still there after: forward forgot


def unset_saved_message(op: Function) -> str:
    """The error for a forward that did not set ``self.saved``."""
    cls = type(op).__name__
    return (
        f"{op.name}: {cls}.forward must set self.saved (() if nothing): backward reads what "
        f"forward saved there (PyTorch's ctx.save_for_backward), e.g. self.saved = (x,)."
    )


def _apply(op: Function, *inputs):
    """Run the op on ``inputs``: tensors give a tensor (the graph is recorded when an input
    requires grad), numpy arrays give forward's array.

    Tensors provide the recording themselves (a ``_apply_function`` class method, found on the
    type of the first input that has one), so this layer needs no import of theirs, as numpy's
    own dispatch protocols work.

    Raises:
        RuntimeError: the op's ``forward`` did not set ``self.saved``.
    """
    op.saved = UNSET  # a user's forward may forget to set it: say so now, not in backward
    for x in inputs:
        apply_function = getattr(type(x), "_apply_function", None)
        if apply_function is not None:
            out = apply_function(op, inputs)
            break
    else:
        op.needs = (False,) * len(inputs)
        out = op.forward(*inputs)
    if op.saved is UNSET:
        raise RuntimeError(unset_saved_message(op))
    return out


def _apply_on_class(cls: type[Function], *inputs):
    """``Cube.apply(x)`` (PyTorch's spelling, a call on the class): ``Cube().apply(x)``; and
    ``Function.apply(op, x)``, Python's unbound-method call: ``op.apply(x)``.

    Raises:
        TypeError: the op's class needs constructor arguments (its parameters).
    """
    if inputs and isinstance(inputs[0], Function):  # Function.apply(op, x): the unbound call
        return _apply(inputs[0], *inputs[1:])
    try:
        op = cls()
    except TypeError as err:
        raise TypeError(
            f"{cls.__name__}.apply(...) was called on the class, which makes {cls.__name__}() "
            f"without arguments, but {cls.__name__} takes parameters ({err}). Create the op with "
            f"them and call apply on it: {cls.__name__}(...).apply(x)."
        ) from None
    return _apply(op, *inputs)


class _Apply:
    """``Function.apply``: on an op, runs it (``Cube().apply(x)``); on the class, as PyTorch
    users write it (``Cube.apply(x)``), makes the op first (``Cube()``), which suits ops without
    parameters. A descriptor, since a plain method called on the class would take the tensor
    ``x`` for ``self`` and could not name the class."""

    __slots__ = ()

    @overload
    def __get__(self, op: None, cls: type[Function]) -> Callable[..., Any]: ...

    @overload
    def __get__(self, op: Function, cls: Any = None) -> Callable[..., Any]: ...

    def __get__(self, op, cls=None):
        if op is None:
            return partial(_apply_on_class, cls)
        return MethodType(_apply, op)


def _counted(backward: Callable, cls: str) -> Callable:
    """``backward`` of a user's op, checked to return one gradient per input: a shorter tuple
    would silently leave the last inputs without a gradient."""

    def checked(self, dout):
        grads = backward(self, dout)
        needs = getattr(self, "needs", None)  # unset: forward and backward called by hand
        if needs is not None and isinstance(grads, (tuple, list)) and len(grads) != len(needs):
            raise TypeError(
                f"{cls}.backward: expected one gradient per input ({len(needs)}, None where not "
                f"needed), "
                f"got {len(grads)}. Return e.g. `return dx, None` for two inputs."
            )
        return grads  # a bare array is explained by the engine (it knows the shapes)

    checked.__name__ = getattr(backward, "__name__", "backward")
    checked.__qualname__ = getattr(backward, "__qualname__", "backward")
    checked.__doc__ = getattr(backward, "__doc__", None)
    checked.__wrapped__ = backward  # type: ignore[attr-defined]
    return checked


_TORCH_STYLE = (
    "{cls}.{method} is a {kind}, as in PyTorch's autograd.Function (forward(ctx, x)); here an op "
    "is an object and its methods take self: write `def forward(self, *arrays)` (numpy arrays "
    "in, one array out) that sets `self.saved = (...)` (PyTorch's ctx.save_for_backward) and "
    "`def backward(self, dout)` that reads `self.saved` and returns a tuple, one gradient per "
    "input; run it with {cls}().apply(x) (see tinygrad_edu.Function)."
)


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
    arrays it returns forward's array. ``Cube.apply(x)`` on the class (PyTorch's spelling) makes
    ``Cube()`` first, for ops without parameters. PyTorch's static ``forward(ctx, x)`` is refused
    when the class is defined, a forward that does not set ``self.saved`` when it runs, and a
    backward that returns a bare gradient instead of a tuple in ``backward()``, each naming the
    class and the fix.

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

    def __init_subclass__(cls, **kwargs: Any) -> None:
        """Refuse PyTorch's static ``forward(ctx, ...)``/``backward(ctx, ...)`` when the class is
        defined: called on arrays, they would take the first array for ``ctx``."""
        super().__init_subclass__(**kwargs)
        for method in ("forward", "backward"):
            attr = cls.__dict__.get(method)
            if isinstance(attr, (staticmethod, classmethod)):
                kind = type(attr).__name__
                raise TypeError(_TORCH_STYLE.format(cls=cls.__name__, method=method, kind=kind))
        backward = cls.__dict__.get("backward")
        if backward is not None and not cls.__module__.startswith("tinygrad_edu."):
            # A user's op: its backward's result is checked (one gradient per input), which the
            # engine's loop does not do per node for speed. The package's own ops are tested.
            cls.backward = _counted(backward, cls.__name__)  # type: ignore[method-assign]

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

    apply = _Apply()  # Cube().apply(x); Cube.apply(x), PyTorch's spelling, makes Cube() first

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
