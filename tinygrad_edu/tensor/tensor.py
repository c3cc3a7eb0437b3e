"""The ``Tensor`` class and the internal fast paths that run an op and record it.

Layer: ``tensor``, above ``ops`` and ``engine``. Every method is written out by hand and calls one
primitive op from ``ops`` (or composes other methods: mean, var, std, sub-expressions), so each op
can be found with grep. Creation functions (``zeros``, ``randn``, ...) live here too.

Semantics follow PyTorch (``backward``, ``grad``, ``requires_grad``, ``no_grad``) with numpy's
keywords (``axis=``, ``keepdims=``) and numpy's broadcasting and dtype rules. Python numbers and
lists become float64, as in the course's numpy code; float32 is opt-in and stays float32. A
Python number met in an operation is "weak" (numpy's NEP 50): the tensor's dtype decides.
"""

from __future__ import annotations

import warnings
import weakref
from collections.abc import Sequence
from typing import Any, NamedTuple

import numpy as np

from tinygrad_edu import debug, engine, ops
from tinygrad_edu.debug import _state
from tinygrad_edu.tensor.habits import TorchName

_new = object.__new__

_COMPLEX_HINT = (
    "tinygrad_edu works with real numbers only (complex gradients are not supported): use the real "
    "and imaginary parts as two real tensors."
)


def _refuse_dtype(arr: np.ndarray, what: str) -> None:
    """Raise for dtypes a tensor cannot hold: complex, objects, strings, dates."""
    kind = arr.dtype.kind
    if kind == "c":
        raise TypeError(
            f"{what}: expected real numbers, got complex dtype {arr.dtype}. {_COMPLEX_HINT}"
        )
    if kind not in "fiub":
        raise TypeError(
            f"{what}: expected numbers, a (nested) list of numbers or a numpy array of numbers, "
            f"got dtype {arr.dtype}."
        )


def _as_array(data: Any, dtype=None) -> np.ndarray:
    """User data as an array: numpy arrays keep their dtype, Python numbers become float64.

    Complex, object, string and date arrays are refused with a TypeError.
    """
    if isinstance(data, np.ndarray):
        arr = data if dtype is None else data.astype(dtype, copy=False)
    elif isinstance(data, np.generic):
        arr = np.asarray(data, dtype=dtype)
    elif dtype is not None:
        arr = np.asarray(data, dtype=dtype)
    else:
        try:
            arr = np.asarray(data)
        except ValueError as err:  # a ragged nested list: numpy's message names no fix
            raise ValueError(
                f"Tensor: expected a rectangular nested list (every row of the same length), got "
                f"one that is not ({err}). Pad the short rows, or make one tensor per row."
            ) from None
        if arr.dtype.kind in "iu":  # Python ints and int lists: float64, like the course's code
            return arr.astype(np.float64)
        if arr.dtype.kind not in "fbc":
            raise TypeError(
                f"Tensor: expected numbers, a (nested) list of numbers or a numpy array, got "
                f"{type(data).__name__} that numpy reads as dtype {arr.dtype}."
            )
    if arr.dtype.kind not in "fiub":
        _refuse_dtype(arr, "Tensor")
    return arr


def _check_grad_dtype(arr: np.ndarray, where: str = "Tensor") -> None:
    if arr.dtype.kind != "f":
        raise TypeError(
            f"{where}: only floating-point tensors can require gradients, got dtype {arr.dtype}. "
            f"Create it from floats or pass dtype=np.float64 (or np.float32)."
        )


def _leaf(data: np.ndarray) -> Tensor:
    """A tensor without history, built without __init__'s checks (internal fast path)."""
    t = _new(Tensor)
    t.data = data
    t._grad = None
    t.requires_grad = False
    t.name = None
    t._op = None
    t._parents = ()
    t._retain_grad = False
    return t


_CONSTANTS: dict = {}  # float dtype -> {number: its constant leaf}; see _const


def _const(value: Any, like: Tensor) -> Tensor:
    """Wrap a Python number or array as a constant tensor for a binary op with ``like``.

    Python numbers are "weak", as numpy's NEP 50 says: the result has ``like``'s dtype whenever
    the number fits its kind. So ``x32 * 2.0`` stays float32, an int8 tensor plus 2 stays int8,
    an int tensor plus 2.5 gives float64 and a bool tensor plus 1 gives int64, numpy's answers.
    (A 0-d float64 *array* is not weak: numpy promotes with it.) Number constants of float
    tensors are cached per dtype, so ``y = y * 1.0001`` in a loop makes one constant, not
    thousands (a tenth of the per-op cost of small tensors). Only float dtypes are cached: there
    1, 1.0 and True (equal keys) give the same constant, while an int tensor's 1 and 1.0 must not.
    The cache is bounded; 0.0 is not cached, since 0.0 == -0.0 as a key. Arrays keep their
    dtype: numpy's promotion rules decide the result's dtype, and the engine casts each gradient
    back to its own tensor's dtype.
    """
    kind = type(value)  # exact type checks: cheaper than isinstance on the hot path
    if kind is float or kind is int:
        dtype = like.data.dtype
        cache = _CONSTANTS.get(dtype)
        if cache is not None:
            constant = cache.get(value)
            if constant is not None:
                return constant
        elif dtype.kind != "f":  # an integer or bool tensor: numpy's result dtype (NEP 50)
            return _leaf(_weak_number(value, dtype))
        else:
            cache = _CONSTANTS[dtype] = {}
        constant = _leaf(np.asarray(value, dtype=dtype))
        if value:
            if len(cache) >= 1024:
                cache.clear()
            cache[value] = constant
        return constant
    if isinstance(value, Tensor):
        return value
    if isinstance(value, (int, float)):  # bool, numpy scalars
        if like.data.dtype.kind == "f":
            return _leaf(np.asarray(value, dtype=like.data.dtype))
        if kind is bool:
            return _leaf(_weak_number(value, like.data.dtype))
    if isinstance(value, complex):
        raise TypeError(
            f"expected a real number, got the complex number {value!r}. {_COMPLEX_HINT}"
        )
    arr = _as_array(value)
    # Its own array object, as Tensor() gives (see __init__): ``x * x.data`` must not make a
    # constant that create_graph=True cannot tell apart from ``x``.
    return _leaf(arr.view() if arr is value else arr)


def _weak_number(value: bool | int | float, dtype: np.dtype) -> np.ndarray:
    """A Python number as the 0-d array that gives numpy's result dtype with an array of
    ``dtype`` (NEP 50: ``int8 + 2`` is int8, ``int8 + 2.5`` float64, ``bool + 2`` int64).

    Raises:
        OverflowError: an int out of the range of ``dtype`` (``int8 + 300``), as numpy does.
    """
    return np.asarray(value, dtype=np.result_type(dtype, value))


def _array_result(op: ops.Function, data: Any) -> np.ndarray:
    """A 0-d result as an array (numpy returns scalars for them), also where the op saved it:
    create_graph=True recognises the output among the saved values by identity."""
    array = np.asarray(data)
    saved = op.saved
    if saved and any(s is data for s in saved):
        op.saved = tuple(array if s is data else s for s in saved)
    return array


def _recording(op: ops.Function, parents: tuple, data: np.ndarray, wanted: bool) -> bool:
    """Whether to record ``op`` (``wanted``: an input requires grad), when some thread has left
    plain recording (``debug._departed`` is not empty): this thread's grad mode decides, and its
    debug switches (sites, strict broadcasting, anomaly detection) run their checks."""
    record = wanted and _state.grad_enabled
    if _state.active:
        debug.after_forward(op, parents, data, record)
    return record


def _finish(op: ops.Function, parents: tuple, data, wanted: bool) -> Tensor:
    """The output tensor of ``op``; records the op in the graph when ``wanted`` (an input
    requires grad) and grad mode is on."""
    if type(data) is not np.ndarray:  # numpy returns scalars for 0-d results; keep arrays
        data = _array_result(op, data)
    record = _recording(op, parents, data, wanted) if debug._departed else wanted
    out = _new(Tensor)
    out.data = data
    out._grad = None
    out.name = None
    out._retain_grad = False
    if record:
        op.needs = tuple([p.requires_grad for p in parents])
        if engine._write_clock:  # unset means 0: recorded before any in-place write
            op.clock = engine._write_clock
        out.requires_grad = True
        out._op = op
        out._parents = parents
    else:
        out.requires_grad = False
        out._op = None
        out._parents = ()
    return out


_BOTH, _FIRST, _SECOND = (True, True), (True, False), (False, True)  # op.needs of two inputs

# The three functions below are the per-op hot path: every line here runs for every op, so they
# are written for CPython's cost model (see benchmarks/README.md): module globals over
# thread-local reads, no per-op tuple or list where a constant will do, two near-copies for one
# and two inputs rather than one generic loop.


def _run(op: ops.Function, parents: tuple[Tensor, ...]) -> Tensor:
    """Apply ``op`` to ``parents``; record the graph only if grad mode is on and an input needs
    it."""
    try:
        data = op.forward(*[p.data for p in parents])
    except ValueError as err:
        raise ValueError(op.describe_error([p.data.shape for p in parents], err)) from None
    return _finish(op, parents, data, any(p.requires_grad for p in parents))


def _run2(op: ops.Function, x: Tensor, y: Tensor) -> Tensor:
    """``_run`` for two inputs (the hot path of arithmetic, without building lists)."""
    try:
        data = op.forward(x.data, y.data)
    except ValueError as err:
        raise ValueError(op.describe_error([x.data.shape, y.data.shape], err)) from None
    if type(data) is not np.ndarray:  # numpy returns scalars for 0-d results; keep arrays
        data = _array_result(op, data)
    if debug._departed:  # some thread left plain recording: read this thread's state
        record = _recording(op, (x, y), data, x.requires_grad or y.requires_grad)
    else:  # every thread records plainly: no thread-local read (see debug._departed)
        record = x.requires_grad or y.requires_grad
    out = _new(Tensor)
    out.data = data
    out._grad = None
    out.name = None
    out._retain_grad = False
    if record:
        # Constant tuples: a new tuple per op would be one more object for the cyclic garbage
        # collector to count and visit (it runs every 700 new container objects).
        if x.requires_grad:
            op.needs = _BOTH if y.requires_grad else _FIRST
        else:
            op.needs = _SECOND
        if engine._write_clock:  # unset means 0: recorded before any in-place write
            op.clock = engine._write_clock
        out.requires_grad = True
        out._op = op
        out._parents = (x, y)
    else:
        out.requires_grad = False
        out._op = None
        out._parents = ()
    return out


def _run1(op: ops.Function, x: Tensor) -> Tensor:
    """``_run`` for one input (the hot path of elementwise ops, without tuple building)."""
    try:
        data = op.forward(x.data)
    except ValueError as err:
        raise ValueError(op.describe_error([x.data.shape], err)) from None
    if type(data) is not np.ndarray:  # numpy returns scalars for 0-d results; keep arrays
        data = _array_result(op, data)
    if debug._departed:  # some thread left plain recording: read this thread's state
        record = _recording(op, (x,), data, x.requires_grad)
    else:
        record = x.requires_grad
    out = _new(Tensor)
    out.data = data
    out._grad = None
    out.name = None
    out._retain_grad = False
    if record:
        op.needs = (True,)
        if engine._write_clock:  # unset means 0: recorded before any in-place write
            op.clock = engine._write_clock
        out.requires_grad = True
        out._op = op
        out._parents = (x,)
    else:
        out.requires_grad = False
        out._op = None
        out._parents = ()
    return out


def _run_constant(op: ops.Function, x: Tensor) -> Tensor:
    """Apply ``op`` without recording it: its result carries no gradient (casts to integers,
    comparisons, argmax). The graph is cut here, on purpose."""
    try:
        data = op.forward(x.data)
    except ValueError as err:
        raise ValueError(op.describe_error([x.data.shape], err)) from None
    return _leaf(data if type(data) is np.ndarray else np.asarray(data))


class Tensor:
    """An n-dimensional array that records operations for automatic differentiation.

    Args:
        data: a number, a (nested) list, or a numpy array. Python numbers and lists become float64;
            numpy arrays keep their dtype unless ``dtype`` is given.
        requires_grad: record operations on this tensor so that ``backward()`` fills ``.grad``.
        dtype: numpy dtype to convert ``data`` to.
        name: a label used in printed output and graph drawings (``'a'``, ``'W1'``).

    ``.grad`` is a numpy array with the tensor's shape and dtype: dJ/dtensor after
    ``J.backward()``, the course's ``dvar``. Gradients accumulate over backward calls until
    ``zero_grad()``. After ``backward(create_graph=True)`` it is a tensor with a graph of its own.

    numpy functions called on tensors (``np.dot(W, A) + b``, ``np.exp``, ``np.sum(dZ, axis=1,
    keepdims=True)``) record the graph and return tensors, through numpy's dispatch protocols;
    the ones without a tensor version raise an error that names the method to use.

    >>> a = Tensor(5.0, requires_grad=True, name="a")
    >>> J = 3 * (a + 2.0)
    >>> J.backward()
    >>> a.grad
    array(3.)
    """

    __slots__ = ("data", "_grad", "requires_grad", "name", "_op", "_parents", "_retain_grad",
                 "__weakref__")  # fmt: skip

    def __init__(self, data: Any, requires_grad: bool = False, dtype=None, name: str | None = None):
        if isinstance(data, Tensor):
            if data.requires_grad:
                _warn_detached_copy(data)
            data = data.data
        arr = _as_array(data, dtype)
        # Its own array object (a view: the memory is still shared): the engine tells a node's
        # inputs apart by their arrays' identity when it differentiates a backward rule
        # (create_graph=True), so two tensors must never hold the same object.
        self.data: np.ndarray = arr.view() if arr is data else arr
        if requires_grad:
            _check_grad_dtype(self.data)
        self._grad: Any = None
        self.requires_grad: bool = bool(requires_grad)
        self.name: str | None = name
        self._op: ops.Function | None = None
        self._parents: tuple[Tensor, ...] = ()
        self._retain_grad = False

    @classmethod
    def _apply_function(cls, op: ops.Function, inputs: Sequence) -> Tensor:
        """Run ``op`` on ``inputs`` (tensors, arrays or numbers) and record it: how
        ``Function.apply`` reaches the tensor layer (ops cannot import it)."""
        like = next(x for x in inputs if isinstance(x, Tensor))
        return _run(op, tuple([_const(x, like) for x in inputs]))  # _const passes tensors as is

    @property
    def grad(self) -> Any:
        """dJ/dself after ``J.backward()``: a numpy array of this tensor's shape and dtype (a tensor
        after ``backward(create_graph=True)``), or None.

        Only leaves (tensors you created, parameters) get a ``.grad`` from ``backward()``, unless
        ``retain_grad()`` or ``backward(retain_grads=True)`` asked for more. Reading the missing
        ``.grad`` of a non-leaf warns with the usual cause: an update such as
        ``w = w - learning_rate * dw`` recorded a new tensor instead of changing the parameter.
        """
        grad = self._grad
        if grad is None and self._op is not None and not self._retain_grad:
            _warn_nonleaf_grad(self)
        return grad

    @grad.setter
    def grad(self, value: Any) -> None:
        if value is not None:
            # A tensor (a gradient with a graph, as create_graph=True makes) obeys the same rules
            # as an array: an optimizer would broadcast a wrong shape into every element.
            if not isinstance(value, Tensor):
                value = np.asarray(value)
                if value.dtype.kind not in "fiub":  # complex would lose its imaginary part
                    _refuse_dtype(value, "grad")
            if value.shape != self.data.shape:
                raise ValueError(
                    f"grad: expected an array of the tensor's shape {self.data.shape}, got "
                    f"shape {value.shape}."
                )
            if value.dtype != self.data.dtype:
                value = value.astype(self.data.dtype)
        self._grad = value

    # -- properties ---------------------------------------------------------------------------

    @property
    def shape(self) -> tuple[int, ...]:
        """The shape, as numpy's ``ndarray.shape``."""
        return self.data.shape

    @property
    def dtype(self) -> np.dtype:
        """The numpy dtype (float64 unless you asked for another)."""
        return self.data.dtype

    @property
    def ndim(self) -> int:
        """Number of dimensions."""
        return self.data.ndim

    @property
    def size(self) -> int:
        """Number of elements, numpy's ``size``: a plain int (PyTorch's ``size()`` is ``.shape``).

        Not an int subclass with a ``__call__`` that could explain ``x.size()``: numpy treats int
        subclasses as strong scalars, so ``float32_array / x.size`` would turn float64.
        """
        return self.data.size

    @property
    def is_leaf(self) -> bool:
        """True for tensors created by the user (inputs, parameters), False for op results."""
        return self._op is None

    @property
    def op(self) -> str | None:
        """Name of the op that produced this tensor (``'mul'``), or None for a leaf."""
        return None if self._op is None else self._op.name

    @property
    def T(self) -> Tensor:  # noqa: N802 (numpy's name)
        """The transpose with all axes reversed, as numpy's ``.T``."""
        return _run1(ops.Transpose(None), self)

    @property
    def mT(self) -> Tensor:  # noqa: N802 (PyTorch's name)
        """The last two axes swapped (a batch of matrices, each transposed), as PyTorch's ``.mT``
        and numpy's ``matrix_transpose``.

        Raises:
            ValueError: the tensor has fewer than 2 dimensions.

        >>> Tensor([[[1.0, 2.0]]]).mT.shape
        (1, 2, 1)
        """
        if self.data.ndim < 2:
            raise ValueError(
                f"mT: expected a tensor with at least 2 dimensions (a matrix or a batch of them), "
                f"got shape {self.data.shape}. A 1-d tensor needs no transpose."
            )
        return self.swapaxes(-1, -2)

    def t(self) -> Tensor:
        """PyTorch's ``t()``: the transpose of a matrix; 0-d and 1-d tensors unchanged.

        Raises:
            ValueError: the tensor has more than 2 dimensions (use ``.mT`` or ``transpose``).

        >>> Tensor([[1.0, 2.0]]).t().shape
        (2, 1)
        """
        if self.data.ndim > 2:
            raise ValueError(
                f"t: expected a tensor with at most 2 dimensions, got shape {self.data.shape}. "
                f"Use .mT to swap the last two axes, or .transpose(...) with the axes' order."
            )
        return self.T

    def __repr__(self) -> str:
        body = np.array2string(self.data, separator=", ", prefix="Tensor(", threshold=20)
        extras = []
        if self.data.dtype != np.float64:
            extras.append(f"dtype={self.data.dtype}")
        if self._op is not None:
            extras.append(f"op={self._op.name}")
        elif self.requires_grad:
            extras.append("requires_grad=True")
        if self.name:
            extras.append(f"name={self.name!r}")
        return f"Tensor({body}{''.join(', ' + e for e in extras)})"

    def __len__(self) -> int:
        if self.data.ndim == 0:
            raise TypeError("len() of a 0-d tensor: it holds a single number; use .item().")
        return len(self.data)

    def __iter__(self):
        """The rows ``t[0], t[1], ...`` (each recorded, as ``t[i]``), as iterating an array.

        Without this method Python would iterate through ``__getitem__`` until an IndexError, which
        a 0-d tensor raises at once: ``sum(Tensor(5.0))`` would silently be 0.
        """
        if self.data.ndim == 0:
            raise TypeError(
                "iter: a 0-d tensor holds a single number and cannot be iterated; use .item() "
                "for the number, or .reshape(1) for a tensor of one element."
            )
        return (self[i] for i in range(len(self.data)))

    def __bool__(self) -> bool:
        if self.data.size != 1:
            raise ValueError(
                f"bool: the truth value of a tensor with {self.data.size} elements is ambiguous. "
                f"Use (t > 0).data.any() or .all()."
            )
        return bool(self.data)

    def __float__(self) -> float:
        return float(self.item())

    # Python's number protocols on a tensor of one element, as PyTorch: int(t), operator.index(t)
    # (integer tensors only), f"{t:.3f}", round(t, 3) (a tensor), abs(t) (recorded, as t.abs()).

    def __int__(self) -> int:
        return int(self.item())

    def __index__(self) -> int:
        """``operator.index(t)`` (a list index, ``range(t)``): integer tensors of one element only,
        so that a float is never truncated silently into an index."""
        if not (np.issubdtype(self.data.dtype, np.integer) and self.data.size == 1):
            raise TypeError(
                f"index: expected an integer tensor of one element, got dtype {self.data.dtype} "
                f"and shape {self.data.shape}. Use int(t.item()) to truncate a number on purpose."
            )
        return int(self.data.reshape(-1)[0])

    def __format__(self, spec: str) -> str:
        """``f"{cost:.3f}"`` formats the number of a one-element tensor; ``f"{t}"`` is ``str(t)``.

        >>> f"{Tensor(0.693147):.3f}"
        '0.693'
        """
        if not spec:
            return str(self)
        if self.data.size != 1:
            raise TypeError(
                f"format: the spec {spec!r} applies to one number, got a tensor of shape "
                f"{self.data.shape}. Format t.item() of a one-element tensor, or the whole array "
                f"with np.array2string(t.data, precision=3)."
            )
        return format(self.item(), spec)

    def __round__(self, ndigits: int | None = None) -> Tensor:
        """``round(t)`` and ``round(t, n)``: a tensor rounded as ``t.round(n)`` (halves to even,
        no gradient), as in PyTorch; ``round(t.item(), n)`` gives a Python number.

        >>> round(Tensor([0.12345, 2.5]), 3)
        Tensor([0.123, 2.5  ])
        """
        return self.round(0 if ndigits is None else ndigits)

    def __abs__(self) -> Tensor:
        return self.abs()

    def __pos__(self) -> Tensor:
        return self

    def __trunc__(self) -> int:  # math.floor and math.ceil go through __float__
        return int(self)

    def __array__(self, dtype=None, copy=None) -> np.ndarray:
        """``np.asarray(t)``: the values, for a tensor that records no gradient.

        A tensor that requires grad refuses, as in PyTorch: turning it into a plain array would
        silently drop its graph (``t.data`` or ``t.detach().numpy()`` read its values on purpose).

        Raises:
            TypeError: the tensor requires grad.
        """
        if self.requires_grad:
            raise TypeError(
                f"numpy: expected a tensor that records no gradient, got one that requires grad "
                f"({_describe_for_error(self)}); converting it to a numpy array would drop its "
                f"graph and the gradient with it. Use the tensor's own methods (numpy functions "
                f"such as np.exp or np.dot on tensors record the graph), or read the values on "
                f"purpose with t.data (t.detach().numpy())."
            )
        return self.data if dtype is None else self.data.astype(dtype)

    def __array_ufunc__(self, ufunc, method: str, *inputs, **kwargs):
        """numpy's ufuncs on tensors (NEP 13): ``np.exp(t)``, ``np.add(t, 1)``, ``array * t``
        record the graph and return tensors; ufuncs without a tensor version raise TypeError."""
        from tinygrad_edu.tensor import numpy_api  # same layer; imported when first used

        return numpy_api.array_ufunc(ufunc, method, inputs, kwargs)

    def __array_function__(self, func, types, args, kwargs):
        """numpy's functions on tensors (NEP 18): ``np.dot(W, A)``, ``np.sum(dZ, axis=1,
        keepdims=True)`` record the graph and return tensors; others raise TypeError naming the
        tensor method to use."""
        from tinygrad_edu.tensor import numpy_api  # same layer; imported when first used

        return numpy_api.array_function(func, types, args, kwargs)

    # -- conversion -----------------------------------------------------------------------------

    def item(self) -> float:
        """The value of a single-element tensor as a Python number.

        Raises:
            ValueError: the tensor has more than one element (reduce it first).

        >>> Tensor([[33.0]]).item()
        33.0
        """
        if self.data.size != 1:
            raise ValueError(
                f"item: only a single-element tensor converts to a Python number; this one has "
                f"shape {self.data.shape}. Reduce it first (e.g. .sum() or .mean()) or use "
                f".numpy()."
            )
        return self.data.item()

    def numpy(self) -> np.ndarray:
        """The underlying numpy array (shared, not copied)."""
        return self.data

    def tolist(self) -> Any:
        """The values as (nested) Python lists."""
        return self.data.tolist()

    # -- graph control --------------------------------------------------------------------------

    def backward(
        self,
        gradient: Any = None,
        retain_graph: bool | None = None,
        retain_grads: bool = False,
        create_graph: bool = False,
    ) -> None:
        """Compute dJ/dx for every leaf x that requires grad, where J is this tensor.

        Args:
            gradient: dJ/dself. Leave it out when ``self`` holds a single number (a loss).
            retain_graph: keep what ops saved so ``backward`` can run through this graph again
                (default: the value of ``create_graph``).
            retain_grads: also keep ``.grad`` on every intermediate tensor (``dv``, ``du`` in the
                course's J = 3(a + bc)) for teaching and drawing. Off by default to save memory;
                ``t.retain_grad()`` keeps a single one.
            create_graph: make the gradients tensors with a graph of their own, so that they can
                be differentiated again (second derivatives, Hessian-vector products).

        Raises:
            RuntimeError: the tensor does not require grad; it holds more than one number and no
                ``gradient`` was given; the graph was released by an earlier backward.
            ValueError: ``gradient`` does not have the tensor's shape.

        >>> a, b = Tensor(5.0, requires_grad=True), Tensor(3.0, requires_grad=True)
        >>> J = a * b
        >>> J.backward()
        >>> a.grad, b.grad
        (array(3.), array(5.))
        """
        if not self.requires_grad:
            raise RuntimeError(_no_graph_message(self, "backward"))
        gradient = _seed_gradient(self, gradient, "backward", create_graph)
        if retain_graph is None:
            retain_graph = create_graph
        engine.backward(self, gradient, retain_graph=retain_graph, retain_grads=retain_grads,
                        create_graph=create_graph)  # fmt: skip

    def zero_grad(self) -> None:
        """Forget the accumulated gradient (``.grad = None``)."""
        self._grad = None

    def detach(self) -> Tensor:
        """The same values (shared memory) as a new leaf that records nothing.

        >>> x = Tensor([1.0, 2.0], requires_grad=True)
        >>> (x * 2).detach().requires_grad
        False
        """
        return _leaf(self.data.view())  # own array object: see __init__

    def requires_grad_(self, requires_grad: bool = True) -> Tensor:
        """Turn gradient recording for this leaf on or off, in place; returns ``self``.

        Raises:
            RuntimeError: the tensor is not a leaf (an op made it; ``detach()`` gives a leaf).
        """
        if not self.is_leaf:
            raise RuntimeError(
                f"requires_grad_: only leaf tensors can change requires_grad; this one was made by "
                f"'{self.op}'. Use .detach() to get a leaf."
            )
        if requires_grad:
            _check_grad_dtype(self.data, "requires_grad_")
        self.requires_grad = bool(requires_grad)
        return self

    def retain_grad(self) -> Tensor:
        """Keep ``.grad`` on this intermediate tensor after backward (leaves always keep it).

        Raises:
            RuntimeError: the tensor does not require grad.
        """
        if not self.requires_grad:
            raise RuntimeError(
                "retain_grad: this tensor does not require grad, so it will never get a gradient."
            )
        self._retain_grad = True
        return self

    # -- in place ---------------------------------------------------------------------------------
    # These write into ``self.data`` and record nothing. They are allowed on tensors that do not
    # require grad, and on any tensor inside ``no_grad()`` (how optimizers update parameters).
    # Each write ticks the engine's clock, so an op that saved these values for backward raises
    # there instead of computing a wrong gradient. Writing into ``t.data`` directly (numpy code)
    # is not seen; ``detect_anomaly()`` catches it by comparing copies.

    def _write(self, what: str, value=None) -> Any:
        """Check that ``self`` may be written in place; return ``value`` as an array or number."""
        if self.requires_grad and _state.grad_enabled:
            if self._op is None:
                raise RuntimeError(
                    f"{what}: expected a tensor that records no gradient, got a leaf with "
                    f"requires_grad=True (a parameter {_describe_for_error(self)}) while gradients "
                    f"are recorded; an in-place change would not be part of the graph. Update "
                    f"parameters without recording: `with tinygrad_edu.no_grad(): w -= "
                    f"learning_rate * w.grad`, or `w.data -= learning_rate * w.grad`, or an "
                    f"optimizer's step(). (The course's `w = w - learning_rate * dw` on a tensor "
                    f"would record a new tensor instead of changing w; its .grad then stays None.)"
                )
            raise RuntimeError(
                f"{what}: expected a tensor that records no gradient, got the result of "
                f"'{self._op.name}' with requires_grad=True while gradients are recorded; changing "
                f"it in place would corrupt the graph. {self._out_of_place(what)}"
            )
        if isinstance(value, Tensor):
            if value.requires_grad and _state.grad_enabled:
                raise RuntimeError(
                    f"{what}: expected a value that records no gradient, got one with "
                    f"requires_grad=True; an in-place write does not pass gradients on to it. "
                    f"Build the result out of place instead (where, concatenate, stack)."
                )
            return value.data
        return value

    @staticmethod
    def _out_of_place(what: str) -> str:
        """How to write the in-place change ``what`` out of place, for a tensor in the graph."""
        if what == "setitem":
            return (
                "To set elements, build a new tensor: x = tg.where(mask, value, x) (or "
                "x.masked_fill(mask, value)), mask a boolean array, True where to write."
            )
        if what == "copy_":  # also fill_ and zero_
            return "Use a new tensor instead (x = tg.full_like(x, value), or x = other)."
        if what == "clip_":
            return "Use the out-of-place form (x = x.clip(lo, hi))."
        symbol = {"sub_": "-", "mul_": "*", "div_": "/"}.get(what, "+")
        return f"Use the out-of-place form (x = x {symbol} y)."

    def _apply_(self, what: str, ufunc, other) -> Tensor:
        value = self._write(what, other)
        try:
            ufunc(self.data, value, out=self.data)
        except ValueError as err:
            raise ValueError(self._write_error(what, value, err)) from None
        except TypeError:  # numpy refuses, e.g., to store floats into an integer tensor
            raise TypeError(
                f"{what}: expected a value that fits this tensor's dtype {self.data.dtype}, got "
                f"dtype {np.result_type(value)}. Convert one of them with astype()."
            ) from None
        engine.mark_written(self.data, what)
        return self

    def _write_error(self, what: str, value, err: Exception) -> str:
        if not self.data.flags.writeable:
            return (
                f"{what}: expected writable data, got a read-only array (a broadcast_to/expand "
                f"result repeats memory, and numpy arrays can be locked). Write into a copy: "
                f"t = Tensor(t.data.copy())."
            )
        return (
            f"{what}: expected a value that broadcasts to this tensor's shape {self.data.shape} "
            f"(an in-place write cannot change the shape), got shape {np.shape(value)}: {err}"
        )

    def add_(self, other) -> Tensor:
        """In place: ``self += other`` (numpy broadcasting into self's shape); returns ``self``.

        >>> t = Tensor([1.0, 2.0])
        >>> t.add_(1.0)
        Tensor([2., 3.])
        """
        return self._apply_("add_", np.add, other)

    def sub_(self, other) -> Tensor:
        """In place: ``self -= other``, e.g. ``W.sub_(lr * W.grad)`` inside ``no_grad()``."""
        return self._apply_("sub_", np.subtract, other)

    def mul_(self, other) -> Tensor:
        """In place: ``self *= other``; returns ``self``."""
        return self._apply_("mul_", np.multiply, other)

    def div_(self, other) -> Tensor:
        """In place: ``self /= other``; returns ``self``."""
        return self._apply_("div_", np.true_divide, other)

    def copy_(self, src) -> Tensor:
        """In place: overwrite the values with ``src`` (broadcast to self's shape); returns self.

        Raises:
            ValueError: ``src`` does not broadcast to the tensor's shape.
        """
        value = self._write("copy_", src)
        try:
            np.copyto(self.data, value, casting="same_kind")
        except ValueError as err:
            raise ValueError(self._write_error("copy_", value, err)) from None
        engine.mark_written(self.data, "copy_")
        return self

    def fill_(self, value: float) -> Tensor:
        """In place: set every element to ``value``; returns ``self``."""
        return self.copy_(value)

    def zero_(self) -> Tensor:
        """In place: set every element to 0; returns ``self``."""
        return self.copy_(0)

    def clip_(self, lo: float | None = None, hi: float | None = None) -> Tensor:
        """In place: limit the values to [lo, hi]; returns ``self``.

        Raises:
            ValueError: neither ``lo`` nor ``hi`` is given, or a bound does not broadcast to the
                tensor's shape.
        """
        if lo is None and hi is None:
            raise ValueError("clip_: expected at least one of lo and hi, got neither.")
        self._write("clip_")
        try:
            np.clip(self.data, lo, hi, out=self.data)
        except ValueError as err:
            raise ValueError(self._write_error("clip_", self.data, err)) from None
        engine.mark_written(self.data, "clip_")
        return self

    def __setitem__(self, index, value) -> None:
        """``t[index] = value`` writes in place, as numpy does (a data update, never recorded)."""
        value = self._write("setitem", value)
        if np.iscomplexobj(value):  # numpy would drop the imaginary part with a warning
            _refuse_dtype(np.asarray(value), "setitem")
        if isinstance(index, tuple):
            index = tuple(_as_index(i) for i in index)
        else:
            index = _as_index(index)
        try:
            self.data[index] = value
        except ValueError as err:
            raise ValueError(self._write_error("setitem", value, err)) from None
        engine.mark_written(self.data, "setitem")

    # -- arithmetic -----------------------------------------------------------------------------

    def __add__(self, other) -> Tensor:
        return _run2(ops.Add(), self, _const(other, self))

    def __radd__(self, other) -> Tensor:
        return _run2(ops.Add(), _const(other, self), self)

    def __sub__(self, other) -> Tensor:
        return _run2(ops.Sub(), self, _const(other, self))

    def __rsub__(self, other) -> Tensor:
        return _run2(ops.Sub(), _const(other, self), self)

    def __mul__(self, other) -> Tensor:
        return _run2(ops.Mul(), self, _const(other, self))

    def __rmul__(self, other) -> Tensor:
        return _run2(ops.Mul(), _const(other, self), self)

    # True division computes in float64 for integer and bool tensors, so a Python int beyond the
    # tensor's integer range divides as numpy's does (NEP 50) rather than overflowing in _const.
    # A try costs nothing on the hot path until it raises.

    def __truediv__(self, other) -> Tensor:
        try:
            other = _const(other, self)
        except OverflowError:
            other = _leaf(np.asarray(other, dtype=np.float64))  # an int too large: raises again
        return _run2(ops.Div(), self, other)

    def __rtruediv__(self, other) -> Tensor:
        try:
            other = _const(other, self)
        except OverflowError:
            other = _leaf(np.asarray(other, dtype=np.float64))  # as in __truediv__
        return _run2(ops.Div(), other, self)

    def __pow__(self, exponent) -> Tensor:
        return _run2(ops.Pow(), self, _const(exponent, self))

    def __rpow__(self, base) -> Tensor:
        return _run2(ops.Pow(), _const(base, self), self)

    def __matmul__(self, other) -> Tensor:
        return _run2(ops.MatMul(), self, _const(other, self))

    def __rmatmul__(self, other) -> Tensor:
        return _run2(ops.MatMul(), _const(other, self), self)

    # Floor division and remainder, Python's (and PyTorch's, numpy's) convention: the quotient is
    # rounded toward -inf and the remainder has the divisor's sign, so x == (x // y) * y + x % y.
    # ``%`` is differentiable (``Remainder``); ``//`` is piecewise constant, so its result is a
    # constant, as floor's (PyTorch records a floor_divide whose backward raises instead).

    def __floordiv__(self, other) -> Tensor:
        return _leaf(np.asarray(np.floor_divide(self.data, _const(other, self).data)))

    def __rfloordiv__(self, other) -> Tensor:
        return _leaf(np.asarray(np.floor_divide(_const(other, self).data, self.data)))

    def __mod__(self, other) -> Tensor:
        return _run2(ops.Remainder(), self, _const(other, self))

    def __rmod__(self, other) -> Tensor:
        return _run2(ops.Remainder(), _const(other, self), self)

    def __divmod__(self, other) -> tuple[Tensor, Tensor]:
        return self // other, self % other

    def __rdivmod__(self, other) -> tuple[Tensor, Tensor]:
        return other // self, other % self

    # Augmented assignment follows PyTorch: ``w -= lr * w.grad`` inside ``no_grad()`` updates ``w``
    # in place (it stays the same parameter), while ``total += loss`` on tensors that record a
    # graph builds a new tensor, exactly as ``total = total + loss`` would. On a leaf that requires
    # grad (a parameter) outside ``no_grad()`` it raises, as ``sub_`` does: building a new tensor
    # there would silently turn the parameter into a non-leaf whose ``.grad`` stays None.

    def _records(self, other, what: str) -> bool:
        if not _state.grad_enabled:
            return False
        if self.requires_grad and self._op is None:
            self._write(what)  # raises: a parameter updated in place while recording
        return self.requires_grad or (isinstance(other, Tensor) and other.requires_grad)

    def __iadd__(self, other) -> Tensor:
        return self + other if self._records(other, "+=") else self.add_(other)

    def __isub__(self, other) -> Tensor:
        return self - other if self._records(other, "-=") else self.sub_(other)

    def __imul__(self, other) -> Tensor:
        return self * other if self._records(other, "*=") else self.mul_(other)

    def __itruediv__(self, other) -> Tensor:
        return self / other if self._records(other, "/=") else self.div_(other)

    def __ifloordiv__(self, other) -> Tensor:
        if self._records(other, "//="):
            return self // other
        return self._apply_("//=", np.floor_divide, other)

    def __imod__(self, other) -> Tensor:
        if self._records(other, "%="):
            return self % other
        return self._apply_("%=", np.remainder, other)

    def __neg__(self) -> Tensor:
        return _run1(ops.Neg(), self)

    def add(self, other) -> Tensor:
        """``self + other`` with numpy broadcasting."""
        return self + other

    def sub(self, other) -> Tensor:
        """``self - other`` with numpy broadcasting."""
        return self - other

    def mul(self, other) -> Tensor:
        """``self * other`` with numpy broadcasting."""
        return self * other

    def div(self, other) -> Tensor:
        """``self / other`` (true division) with numpy broadcasting."""
        return self / other

    def neg(self) -> Tensor:
        """``-self``."""
        return -self

    def pow(self, exponent) -> Tensor:
        """``self ** exponent``; the exponent may be a number or a tensor."""
        return self**exponent

    def matmul(self, other) -> Tensor:
        """``self @ other`` with numpy's rules for 1-D and batched operands."""
        return self @ other

    def floor_divide(self, other) -> Tensor:
        """``self // other``: the quotient rounded toward -inf, as PyTorch's ``floor_divide``
        and numpy's (no gradient: piecewise constant, like ``floor``).

        >>> Tensor([7.0, -7.0]).floor_divide(2.0), Tensor([7.0, -7.0]) // -2.0
        (Tensor([ 3., -4.]), Tensor([-4.,  3.]))
        """
        return self // other

    def remainder(self, other) -> Tensor:
        """``self % other``: ``self - floor(self / other) * other``, with the sign of ``other``
        as Python's ``%`` and PyTorch's ``remainder`` (not C's ``fmod``). Gradients: 1 for
        ``self``, ``-floor(self / other)`` for ``other``.

        >>> Tensor([7.0, -7.0]).remainder(2.0), Tensor([7.0, -7.0]) % -2.0
        (Tensor([1., 1.]), Tensor([-1., -1.]))
        """
        return self % other

    # -- comparisons (results carry no gradient) ------------------------------------------------

    def _compare(self, other, fn) -> Tensor:
        other = other.data if isinstance(other, Tensor) else other
        return _leaf(fn(self.data, other))

    def __lt__(self, other) -> Tensor:
        return self._compare(other, np.less)

    def __le__(self, other) -> Tensor:
        return self._compare(other, np.less_equal)

    def __gt__(self, other) -> Tensor:
        return self._compare(other, np.greater)

    def __ge__(self, other) -> Tensor:
        return self._compare(other, np.greater_equal)

    def __eq__(self, other) -> Tensor:  # type: ignore[override]
        return self._compare(other, np.equal)

    def __ne__(self, other) -> Tensor:  # type: ignore[override]
        return self._compare(other, np.not_equal)

    __hash__ = object.__hash__  # tensors are hashed by identity, as graph nodes

    # -- rounding and tests of values (results carry no gradient) -------------------------------
    # floor, ceil, round, trunc and sign are piecewise constant: their derivative is 0 wherever
    # it exists. Their results are constants (requires_grad=False), the graph is cut there as a
    # cast to int cuts it, so no backward pass spends time on gradients that are zero. For a
    # straight-through estimator write ``x + (x.round() - x).detach()`` (gradient 1).

    def floor(self) -> Tensor:
        """The largest whole number <= x, elementwise (no gradient: see the section comment).

        >>> Tensor([-1.5, 0.5, 2.0], requires_grad=True).floor()
        Tensor([-2.,  0.,  2.])
        """
        return _leaf(np.floor(self.data))

    def ceil(self) -> Tensor:
        """The smallest whole number >= x, elementwise (no gradient).

        >>> Tensor([-1.5, 0.5, 2.0]).ceil()
        Tensor([-1.,  1.,  2.])
        """
        return _leaf(np.ceil(self.data))

    def round(self, decimals: int = 0) -> Tensor:
        """Round to ``decimals`` places, halves to even as numpy and PyTorch do (no gradient).

        >>> Tensor([0.5, 1.5, 2.5, -0.5]).round()
        Tensor([ 0.,  2.,  2., -0.])
        """
        return _leaf(np.asarray(np.round(self.data, decimals)))

    def trunc(self) -> Tensor:
        """Round toward zero, elementwise (no gradient).

        >>> Tensor([-1.7, 1.7]).trunc()
        Tensor([-1.,  1.])
        """
        return _leaf(np.trunc(self.data))

    def sign(self) -> Tensor:
        """-1, 0 or 1 by the sign of x (no gradient; ``abs`` uses it as its derivative).

        >>> Tensor([-2.0, 0.0, 3.0]).sign()
        Tensor([-1.,  0.,  1.])
        """
        return _leaf(np.sign(self.data))

    def isnan(self) -> Tensor:
        """A boolean tensor: True where x is NaN.

        >>> Tensor([1.0, np.nan]).isnan()
        Tensor([False,  True], dtype=bool)
        """
        return _leaf(np.isnan(self.data))

    def isinf(self) -> Tensor:
        """A boolean tensor: True where x is +inf or -inf.

        >>> Tensor([1.0, -np.inf]).isinf()
        Tensor([False,  True], dtype=bool)
        """
        return _leaf(np.isinf(self.data))

    def isfinite(self) -> Tensor:
        """A boolean tensor: True where x is neither NaN nor infinite.

        >>> Tensor([1.0, np.nan, np.inf]).isfinite()
        Tensor([ True, False, False], dtype=bool)
        """
        return _leaf(np.isfinite(self.data))

    def isclose(self, other, rtol: float = 1e-05, atol: float = 1e-08,
                equal_nan: bool = False) -> Tensor:  # fmt: skip
        """A boolean tensor: True where ``|x - other| <= atol + rtol * |other|``, as
        ``np.isclose`` and ``torch.isclose`` (same defaults).

        >>> Tensor([1.0, 1.1]).isclose(1.0)
        Tensor([ True, False], dtype=bool)
        """
        other = other.data if isinstance(other, Tensor) else other
        return _leaf(np.asarray(np.isclose(self.data, other, rtol, atol, equal_nan)))

    # -- elementwise functions ------------------------------------------------------------------

    def exp(self) -> Tensor:
        """Elementwise e**x."""
        return _run1(ops.Exp(), self)

    def log(self) -> Tensor:
        """Elementwise natural logarithm. An exact 0 warns once per line of your code
        (``LogOfZeroWarning``) with the fix: compute log-probabilities from logits.

        >>> Tensor([1.0, np.e]).log()
        Tensor([0., 1.])
        """
        if np.count_nonzero(self.data) != self.data.size:
            debug.warn_log_of_zero(self.data)
            with np.errstate(divide="ignore"):  # the warning above replaces numpy's, without a fix
                return _run1(ops.Log(), self)
        return _run1(ops.Log(), self)

    def sqrt(self) -> Tensor:
        """Elementwise square root."""
        return _run1(ops.Sqrt(), self)

    def abs(self) -> Tensor:
        """Elementwise |x| (gradient 0 at x = 0)."""
        return _run1(ops.Abs(), self)

    def maximum(self, other) -> Tensor:
        """Elementwise maximum; on a tie each input gets half the gradient."""
        return _run2(ops.Maximum(), self, _const(other, self))

    def minimum(self, other) -> Tensor:
        """Elementwise minimum; on a tie each input gets half the gradient."""
        return _run2(ops.Minimum(), self, _const(other, self))

    def clip(self, lo: float | None = None, hi: float | None = None) -> Tensor:
        """Limit values to [lo, hi]; the gradient passes where lo <= x <= hi (inclusive).

        Raises:
            ValueError: neither ``lo`` nor ``hi`` is given.
        """
        if lo is None and hi is None:
            raise ValueError("clip: expected at least one of lo and hi, got neither.")
        return _run1(ops.Clip(lo, hi), self)

    def clamp(self, min: float | None = None, max: float | None = None) -> Tensor:  # noqa: A002
        """PyTorch's name of ``clip`` (``min=``, ``max=`` are ``lo``, ``hi``): the same op and
        gradient (passing where min <= x <= max).

        Raises:
            ValueError: neither ``min`` nor ``max`` is given.

        >>> Tensor([-2.0, 0.5, 3.0]).clamp(min=0.0, max=1.0)
        Tensor([0. , 0.5, 1. ])
        """
        if min is None and max is None:
            raise ValueError("clamp: expected at least one of min and max, got neither.")
        return _run1(ops.Clip(min, max), self)

    def sigmoid(self) -> Tensor:
        """1 / (1 + e**-x), computed without overflow for any x.

        >>> Tensor([-1000.0, 0.0, 1000.0]).sigmoid()
        Tensor([0. , 0.5, 1. ])
        """
        return _run1(ops.Sigmoid(), self)

    def log_sigmoid(self) -> Tensor:
        """log(sigmoid(x)), finite for any finite x (the stable piece of binary cross-entropy)."""
        return _run1(ops.LogSigmoid(), self)

    def tanh(self) -> Tensor:
        """Hyperbolic tangent."""
        return _run1(ops.Tanh(), self)

    def relu(self) -> Tensor:
        """max(x, 0), with derivative 0 at exactly 0 (the course's convention)."""
        return _run1(ops.Relu(), self)

    def leaky_relu(self, slope: float = 0.01) -> Tensor:
        """x where x > 0, else slope * x."""
        return _run1(ops.LeakyRelu(slope), self)

    def softmax(self, axis: int = -1, *, dim: int | None = None) -> Tensor:
        """exp(x) / sum(exp(x)) along ``axis`` (or PyTorch's ``dim``; stable for any finite
        input)."""
        axis = axis if dim is None else dim
        return _run1(ops.Softmax(_one_axis(axis, self.ndim, "softmax")), self)

    def log_softmax(self, axis: int = -1, *, dim: int | None = None) -> Tensor:
        """log(softmax(x)) along ``axis`` (or ``dim``), computed without forming softmax
        (stable)."""
        axis = axis if dim is None else dim
        return _run1(ops.LogSoftmax(_one_axis(axis, self.ndim, "log_softmax")), self)

    def sin(self) -> Tensor:
        """Elementwise sine (x in radians).

        >>> Tensor([0.0, np.pi / 2]).sin()
        Tensor([0., 1.])
        """
        return _run1(ops.Sin(), self)

    def cos(self) -> Tensor:
        """Elementwise cosine (x in radians).

        >>> Tensor([0.0, np.pi]).cos()
        Tensor([ 1., -1.])
        """
        return _run1(ops.Cos(), self)

    def tan(self) -> Tensor:
        """Elementwise tangent (x in radians).

        >>> Tensor([0.0, np.pi / 4]).tan().round(6)
        Tensor([0., 1.])
        """
        return _run1(ops.Tan(), self)

    def asin(self) -> Tensor:
        """Elementwise inverse sine, in [-pi/2, pi/2]; defined for x in [-1, 1] (NaN outside).
        numpy's name ``arcsin`` is an alias.

        >>> Tensor([0.0, 1.0]).asin()
        Tensor([0.        , 1.57079633])
        """
        return _run1(ops.Asin(), self)

    def acos(self) -> Tensor:
        """Elementwise inverse cosine, in [0, pi]; defined for x in [-1, 1] (NaN outside).
        numpy's name ``arccos`` is an alias.

        >>> Tensor([1.0, -1.0]).acos()
        Tensor([0.        , 3.14159265])
        """
        return _run1(ops.Acos(), self)

    def atan(self) -> Tensor:
        """Elementwise inverse tangent, in (-pi/2, pi/2). numpy's name ``arctan`` is an alias.

        >>> Tensor([0.0, 1.0]).atan()
        Tensor([0.        , 0.78539816])
        """
        return _run1(ops.Atan(), self)

    def arcsin(self) -> Tensor:
        """Alias of ``asin`` (numpy's name).

        >>> Tensor([0.5]).arcsin()
        Tensor([0.52359878])
        """
        return self.asin()

    def arccos(self) -> Tensor:
        """Alias of ``acos`` (numpy's name).

        >>> Tensor([0.5]).arccos()
        Tensor([1.04719755])
        """
        return self.acos()

    def arctan(self) -> Tensor:
        """Alias of ``atan`` (numpy's name).

        >>> Tensor([-1.0]).arctan()
        Tensor([-0.78539816])
        """
        return self.atan()

    def sinh(self) -> Tensor:
        """Elementwise hyperbolic sine.

        >>> Tensor([0.0, 1.0]).sinh()
        Tensor([0.        , 1.17520119])
        """
        return _run1(ops.Sinh(), self)

    def cosh(self) -> Tensor:
        """Elementwise hyperbolic cosine.

        >>> Tensor([0.0, 1.0]).cosh()
        Tensor([1.        , 1.54308063])
        """
        return _run1(ops.Cosh(), self)

    def log2(self) -> Tensor:
        """Elementwise base-2 logarithm (numpy's exact value: ``log2(8)`` is 3).

        >>> Tensor([1.0, 8.0]).log2()
        Tensor([0., 3.])
        """
        return _run1(ops.Log2(), self)

    def log10(self) -> Tensor:
        """Elementwise base-10 logarithm (numpy's exact value: ``log10(1000)`` is 3).

        >>> Tensor([1.0, 1000.0]).log10()
        Tensor([0., 3.])
        """
        return _run1(ops.Log10(), self)

    def log1p(self) -> Tensor:
        """log(1 + x), accurate for tiny x (where ``(1 + x).log()`` rounds x away).

        >>> Tensor([1e-20]).log1p().item(), (1 + Tensor([1e-20])).log().item()
        (1e-20, 0.0)
        """
        return _run1(ops.Log1p(), self)

    def expm1(self) -> Tensor:
        """exp(x) - 1, accurate for tiny x (where ``x.exp() - 1`` cancels).

        >>> Tensor([1e-20]).expm1().item(), (Tensor([1e-20]).exp() - 1).item()
        (1e-20, 0.0)
        """
        return _run1(ops.Expm1(), self)

    def exp2(self) -> Tensor:
        """2**x, elementwise (composite: ``2.0 ** x``).

        >>> Tensor([0.0, 3.0, -1.0]).exp2()
        Tensor([1. , 8. , 0.5])
        """
        return 2.0**self

    def erf(self) -> Tensor:
        """The error function, ``2 / sqrt(pi) * integral from 0 to x of exp(-t**2) dt``.

        Computed with the C library's ``erf`` element by element (numpy has none): exact, but
        about half a microsecond an element.

        >>> Tensor([0.0, 1.0, -3.0]).erf()
        Tensor([ 0.        ,  0.84270079, -0.99997791])
        """
        return _run1(ops.Erf(), self)

    def softplus(self, beta: float = 1.0, threshold: float = 20.0) -> Tensor:
        """log(1 + exp(beta * x)) / beta, a smooth relu; x itself where beta * x > threshold,
        as PyTorch's ``softplus`` (composite: ``-log_sigmoid(-beta * x) / beta``, which never
        overflows).

        >>> Tensor([-1000.0, 0.0, 1000.0]).softplus().tolist()
        [0.0, 0.6931471805599453, 1000.0]
        """
        z = self if beta == 1 else self * beta
        soft = -(-z).log_sigmoid()
        if beta != 1:
            soft = soft / beta
        linear = z.data > threshold  # PyTorch's switch to the identity, so values match it
        return _where(linear, self, soft) if linear.any() else soft

    def gelu(self, approximate: str = "none") -> Tensor:
        """Gaussian error linear unit ``x * Phi(x) = x * (1 + erf(x / sqrt(2))) / 2``, or with
        ``approximate="tanh"`` ``x * (1 + tanh(sqrt(2 / pi) * (x + 0.044715 * x**3))) / 2``, as
        PyTorch's ``gelu`` (composite). The tanh form is much faster here (erf is computed
        element by element).

        Raises:
            ValueError: ``approximate`` is neither "none" nor "tanh".

        >>> Tensor([-1.0, 0.0, 1.0]).gelu()
        Tensor([-0.15865525,  0.        ,  0.84134475])
        """
        if approximate == "none":
            return self * 0.5 * (1 + (self * _SQRT1_2).erf())
        if approximate == "tanh":
            inner = (self + 0.044715 * self * self * self) * _SQRT_2_OVER_PI
            return self * 0.5 * (1 + inner.tanh())
        raise ValueError(f"gelu: expected approximate='none' or 'tanh', got {approximate!r}.")

    def silu(self) -> Tensor:
        """x * sigmoid(x), also called swish (composite).

        >>> Tensor([-1.0, 0.0, 1.0]).silu()
        Tensor([-0.26894142,  0.        ,  0.73105858])
        """
        return self * self.sigmoid()

    def elu(self, alpha: float = 1.0) -> Tensor:
        """x where x > 0, else alpha * (exp(x) - 1), as PyTorch's ``elu`` (composite; the
        derivative at 0 is alpha, as PyTorch's).

        >>> Tensor([-1.0, 0.0, 2.0]).elu()
        Tensor([-0.63212056,  0.        ,  2.        ])
        """
        # expm1 of min(x, 0), not of x: exp of a large positive x would overflow in the branch
        # where() does not take, and inf * 0 in its gradient would be NaN. clip passes the
        # gradient at its bound (0), so the derivative at x = 0 is alpha.
        negative = self.clip(None, 0.0).expm1()
        return _where(self.data > 0, self, negative if alpha == 1 else negative * alpha)

    def astype(self, dtype) -> Tensor:
        """A copy converted to ``dtype``.

        A cast between float dtypes is differentiable (the gradient is converted back to this
        tensor's dtype); a cast to an integer or bool dtype cuts the graph, as in PyTorch: its
        result carries no gradient, since rounding has no useful derivative.

        Raises:
            TypeError: ``dtype`` is complex (not supported) or not a number type.

        >>> x = Tensor([0.4, 1.6], requires_grad=True)
        >>> x.astype(np.int64).requires_grad, x.astype(np.float32).requires_grad
        (False, True)
        """
        target = np.dtype(dtype)
        if target.kind not in "fiub":
            _refuse_dtype(np.empty(0, dtype=target), "astype")
        if target.kind != "f" or self.data.dtype.kind != "f":
            return _run_constant(ops.AsType(target), self)
        return _run1(ops.AsType(target), self)

    # -- reductions -----------------------------------------------------------------------------

    def sum(self, axis=None, keepdims: bool = False, *, dim=None, keepdim=None) -> Tensor:
        """Sum over ``axis`` (None: all; int; negative; tuple), as ``np.sum``. PyTorch's
        ``dim=`` and ``keepdim=`` are accepted for ``axis=`` and ``keepdims=`` here and in every
        reduction.

        >>> Tensor([[1.0, 2.0], [3.0, 4.0]]).sum(axis=1, keepdims=True)
        Tensor([[3.],
                [7.]])
        """
        if dim is not None or keepdim is not None:
            axis, keepdims = _pytorch_names("sum", axis, keepdims, dim, keepdim)
        return _run1(ops.Sum(ops.normalize_axis(axis, self.ndim, "sum"), keepdims), self)

    def mean(self, axis=None, keepdims: bool = False, *, dim=None, keepdim=None) -> Tensor:
        """Mean over ``axis``, as ``np.mean`` (composite: sum / count).

        Raises:
            ValueError: the tensor is empty.
        """
        if dim is not None or keepdim is not None:
            axis, keepdims = _pytorch_names("mean", axis, keepdims, dim, keepdim)
        axes = ops.normalize_axis(axis, self.ndim, "mean")
        count = self.data.size if axes is None else int(np.prod([self.shape[a] for a in axes]))
        if count == 0:
            raise ValueError(f"mean: expected a non-empty tensor, got shape {self.shape}.")
        return self.sum(axis=axes, keepdims=keepdims) / count

    def max(self, axis=None, keepdims: bool = False, *, dim=None, keepdim=None) -> Tensor:
        """Maximum over ``axis``, as ``np.max`` and PyTorch's ``amax``; tied maxima share the
        gradient evenly.

        numpy's meaning, not PyTorch's: ``x.max(1)`` (and ``x.max(dim=1)``) returns the values
        only, never PyTorch's ``(values, indices)`` pair. For the pair use
        ``x.max_with_indices(1)``; for the positions alone ``x.argmax(1)``.

        >>> Tensor([[1.0, 5.0], [7.0, 2.0]]).max(axis=1)
        Tensor([5., 7.])
        """
        if dim is not None or keepdim is not None:
            axis, keepdims = _pytorch_names("max", axis, keepdims, dim, keepdim)
        return _run1(ops.Max(ops.normalize_axis(axis, self.ndim, "max"), keepdims), self)

    def min(self, axis=None, keepdims: bool = False, *, dim=None, keepdim=None) -> Tensor:
        """Minimum over ``axis``, as ``np.min`` and PyTorch's ``amin`` (values only, see
        ``max``); tied minima share the gradient evenly.

        >>> Tensor([[1.0, 5.0], [7.0, 2.0]]).min(axis=0)
        Tensor([1., 2.])
        """
        if dim is not None or keepdim is not None:
            axis, keepdims = _pytorch_names("min", axis, keepdims, dim, keepdim)
        return _run1(ops.Min(ops.normalize_axis(axis, self.ndim, "min"), keepdims), self)

    def var(self, axis=None, keepdims: bool = False, ddof: int | None = None, *, dim=None,
            keepdim=None, correction: int | None = None, unbiased: bool | None = None,
            ) -> Tensor:  # fmt: skip
        """Variance over ``axis``: the mean of squared deviations, divided by ``n - ddof``
        (composite).

        The default is numpy's ``ddof=0`` (divide by n, the population variance), while
        ``torch.var`` divides by n - 1 by default: pass ``ddof=1`` (numpy's name),
        ``correction=1`` or ``unbiased=True`` (PyTorch's names; they are one argument, so give
        at most one of the three) for the sample variance.

        Args:
            axis: the axes to reduce (``dim=`` is PyTorch's name); None reduces every axis.
            keepdims: keep the reduced axes with size 1 (``keepdim=`` is PyTorch's name).
            ddof: the divisor is ``n - ddof`` (default 0).
            correction: PyTorch's name of ``ddof``.
            unbiased: PyTorch's older spelling: True means ``ddof=1``, False ``ddof=0``.

        Raises:
            TypeError: two of ``ddof``, ``correction`` and ``unbiased`` are given, or
                ``unbiased`` is not a bool.
            ValueError: no more than ``ddof`` elements along the reduced axes.

        >>> x = Tensor([1.0, 2.0, 3.0, 4.0])
        >>> x.var().item(), x.var(ddof=1).item(), x.var(correction=1).item()
        (1.25, 1.6666666666666667, 1.6666666666666667)
        """
        if dim is not None or keepdim is not None:
            axis, keepdims = _pytorch_names("var", axis, keepdims, dim, keepdim)
        ddof = _ddof("var", ddof, correction, unbiased)
        axes = ops.normalize_axis(axis, self.ndim, "var")
        count = self.data.size if axes is None else int(np.prod([self.shape[a] for a in axes]))
        if count - ddof <= 0:
            raise ValueError(
                f"var: expected more than ddof={ddof} elements along the reduced axes, got {count}."
            )
        centered = self - self.mean(axis=axes, keepdims=True)
        return (centered * centered).sum(axis=axes, keepdims=keepdims) / (count - ddof)

    def std(self, axis=None, keepdims: bool = False, ddof: int | None = None, *, dim=None,
            keepdim=None, correction: int | None = None, unbiased: bool | None = None,
            ) -> Tensor:  # fmt: skip
        """Standard deviation: the square root of ``var`` with the same arguments; its gradient
        is 0 where all the values are equal (the std is 0), as ``norm``'s is at the origin.

        The default is numpy's ``ddof=0`` (divide by n), while ``torch.std`` divides by n - 1 by
        default: pass ``ddof=1``, ``correction=1`` or ``unbiased=True`` (at most one of them)
        for the sample standard deviation.

        Args:
            axis: the axes to reduce (``dim=`` is PyTorch's name); None reduces every axis.
            keepdims: keep the reduced axes with size 1 (``keepdim=`` is PyTorch's name).
            ddof: the variance's divisor is ``n - ddof`` (default 0).
            correction: PyTorch's name of ``ddof``.
            unbiased: PyTorch's older spelling: True means ``ddof=1``, False ``ddof=0``.

        Raises:
            TypeError: two of ``ddof``, ``correction`` and ``unbiased`` are given, or
                ``unbiased`` is not a bool.
            ValueError: fewer than ``ddof + 1`` elements along the reduced axes.

        >>> x = Tensor([2.0, 2.0, 2.0], requires_grad=True)
        >>> x.std(unbiased=True).backward()
        >>> x.grad
        array([0., 0., 0.])
        """
        if dim is not None or keepdim is not None:
            axis, keepdims = _pytorch_names("std", axis, keepdims, dim, keepdim)
        ddof = _ddof("std", ddof, correction, unbiased)
        axes = ops.normalize_axis(axis, self.ndim, "std")
        count = self.data.size if axes is None else int(np.prod([self.shape[a] for a in axes]))
        if count - ddof <= 0:
            raise ValueError(
                f"std: expected more than ddof={ddof} elements along the reduced axes, got {count}."
            )
        return _run1(ops.Std(axes, keepdims, ddof), self)

    def logsumexp(self, axis=None, keepdims: bool = False, *, dim=None, keepdim=None) -> Tensor:
        """log(sum(exp(x))) over ``axis``, stable at +-1000 in float32 and float64."""
        if dim is not None or keepdim is not None:
            axis, keepdims = _pytorch_names("logsumexp", axis, keepdims, dim, keepdim)
        axes = ops.normalize_axis(axis, self.ndim, "logsumexp")
        return _run1(ops.LogSumExp(axes, keepdims), self)

    def norm(self, axis=None, keepdims: bool = False, *, dim=None, keepdim=None) -> Tensor:
        """Euclidean (L2) norm over ``axis``, like ``np.linalg.norm`` (gradient 0 at the origin)."""
        if dim is not None or keepdim is not None:
            axis, keepdims = _pytorch_names("norm", axis, keepdims, dim, keepdim)
        return _run1(ops.Norm(ops.normalize_axis(axis, self.ndim, "norm"), keepdims), self)

    def amax(self, axis=None, keepdims: bool = False, *, dim=None, keepdim=None) -> Tensor:
        """Alias of ``max`` (PyTorch's name for the values-only maximum).

        >>> Tensor([[1.0, 5.0], [7.0, 2.0]]).amax(dim=0)
        Tensor([7., 5.])
        """
        return self.max(axis, keepdims, dim=dim, keepdim=keepdim)

    def amin(self, axis=None, keepdims: bool = False, *, dim=None, keepdim=None) -> Tensor:
        """Alias of ``min`` (PyTorch's name for the values-only minimum).

        >>> Tensor([[1.0, 5.0], [7.0, 2.0]]).amin(dim=0)
        Tensor([1., 2.])
        """
        return self.min(axis, keepdims, dim=dim, keepdim=keepdim)

    def max_with_indices(self, axis: int | None = None, keepdims: bool = False, *,
                         dim: int | None = None, keepdim=None) -> ValuesIndices:  # fmt: skip
        """PyTorch's ``x.max(dim)``: the pair ``(values, indices)`` of the maxima along one axis.

        The gradient goes to the element ``indices`` names (the first maximum), not shared among
        ties as ``max`` shares it (PyTorch's rule for each form). Composite: ``argmax`` and
        ``take_along_axis``.

        Raises:
            TypeError: no single int axis (the pair needs one axis).

        >>> values, indices = Tensor([[1.0, 5.0], [7.0, 2.0]]).max_with_indices(1)
        >>> values, indices
        (Tensor([5., 7.]), Tensor([1, 0], dtype=int64))
        """
        if dim is not None or keepdim is not None:
            axis, keepdims = _pytorch_names("max_with_indices", axis, keepdims, dim, keepdim)
        return self._extreme_with_indices("max_with_indices", self.argmax, axis, keepdims)

    def min_with_indices(self, axis: int | None = None, keepdims: bool = False, *,
                         dim: int | None = None, keepdim=None) -> ValuesIndices:  # fmt: skip
        """PyTorch's ``x.min(dim)``: the pair ``(values, indices)`` of the minima along one axis
        (see ``max_with_indices``).

        >>> Tensor([[1.0, 5.0], [7.0, 2.0]]).min_with_indices(dim=1).indices
        Tensor([0, 1], dtype=int64)
        """
        if dim is not None or keepdim is not None:
            axis, keepdims = _pytorch_names("min_with_indices", axis, keepdims, dim, keepdim)
        return self._extreme_with_indices("min_with_indices", self.argmin, axis, keepdims)

    def _extreme_with_indices(self, what: str, arg, axis, keepdims: bool) -> ValuesIndices:
        if axis is None:
            raise TypeError(
                f"{what}: expected one int axis (dim), got none. For the maximum of all elements "
                f"use max() (values) or argmax() (the position in the flattened tensor)."
            )
        position = _one_axis(axis, self.ndim, what)
        if position == ():  # a 0-d tensor: its only element, at index 0
            return ValuesIndices(self.reshape(()), _leaf(np.zeros((), dtype=np.int64)))
        indices = arg(position, keepdims=True)
        values = self.take_along_axis(indices, position)
        if not keepdims:
            values = values.squeeze(position)
            indices = _leaf(indices.data.squeeze(position))
        return ValuesIndices(values, indices)

    def argmax(self, axis=None, keepdims: bool = False, *, dim=None, keepdim=None) -> Tensor:
        """Index of the maximum along ``axis`` (None: of the flattened tensor), as ``np.argmax``
        and ``torch.argmax``: an int64 tensor without gradient; the first one on a tie.

        >>> Tensor([[1.0, 5.0], [7.0, 2.0]]).argmax(axis=1)
        Tensor([1, 0], dtype=int64)
        """
        if dim is not None or keepdim is not None:
            axis, keepdims = _pytorch_names("argmax", axis, keepdims, dim, keepdim)
        return self._arg_extreme("argmax", np.argmax, axis, keepdims)

    def argmin(self, axis=None, keepdims: bool = False, *, dim=None, keepdim=None) -> Tensor:
        """Index of the minimum along ``axis`` (None: of the flattened tensor), an int64 tensor
        without gradient; the first one on a tie.

        >>> Tensor([[1.0, 5.0], [7.0, 2.0]]).argmin(dim=0)
        Tensor([0, 1], dtype=int64)
        """
        if dim is not None or keepdim is not None:
            axis, keepdims = _pytorch_names("argmin", axis, keepdims, dim, keepdim)
        return self._arg_extreme("argmin", np.argmin, axis, keepdims)

    def _arg_extreme(self, what: str, fn, axis, keepdims: bool) -> Tensor:
        if self.data.size == 0:
            raise ValueError(f"{what}: expected a non-empty tensor, got shape {self.shape}.")
        if axis is None:
            out = fn(self.data, axis=None, keepdims=bool(keepdims))
        else:
            position = _one_axis(axis, self.ndim, what)
            if position == ():  # a 0-d tensor
                return _leaf(np.zeros((), dtype=np.int64))
            out = fn(self.data, axis=position, keepdims=bool(keepdims))
        return _leaf(np.asarray(out, dtype=np.int64))

    def prod(self, axis=None, keepdims: bool = False, *, dim=None, keepdim=None) -> Tensor:
        """Product over ``axis`` (None: all; int; tuple), as ``np.prod``.

        Composite: the last element of ``cumprod`` along the reduced axes (moved last and
        merged), so it inherits cumprod's exact gradient where elements are 0 (the product of
        the others), where ``out / x`` would be 0 / 0.

        >>> x = Tensor([2.0, 0.0, 4.0], requires_grad=True)
        >>> x.prod().backward()
        >>> x.grad
        array([0., 8., 0.])
        """
        if dim is not None or keepdim is not None:
            axis, keepdims = _pytorch_names("prod", axis, keepdims, dim, keepdim)
        axes = ops.normalize_axis(axis, self.ndim, "prod")
        axes = tuple(range(self.ndim)) if axes is None else axes
        kept = [a for a in range(self.ndim) if a not in axes]
        out_shape = tuple(1 if a in axes else n for a, n in enumerate(self.shape))
        if not keepdims:
            out_shape = tuple(self.shape[a] for a in kept)
        if not axes:  # nothing to multiply (a 0-d tensor): the tensor itself
            return self.reshape(out_shape)
        if any(self.shape[a] == 0 for a in axes):  # the empty product is 1
            return self.sum(axis=axes, keepdims=keepdims) * 0 + 1
        order = (*kept, *axes)
        moved = self if order == tuple(range(self.ndim)) else self.transpose(order)
        merged = moved.reshape((*(self.shape[a] for a in kept), -1))
        out = merged.cumprod(-1)[..., -1]
        return out if out.shape == out_shape else out.reshape(out_shape)

    def any(self, axis=None, keepdims: bool = False, *, dim=None, keepdim=None) -> Tensor:
        """True where any element along ``axis`` is nonzero, as ``np.any`` (a boolean tensor,
        no gradient; ``bool(t.any())`` for a Python bool).

        >>> Tensor([[0.0, 1.0], [0.0, 0.0]]).any(axis=1)
        Tensor([ True, False], dtype=bool)
        """
        if dim is not None or keepdim is not None:
            axis, keepdims = _pytorch_names("any", axis, keepdims, dim, keepdim)
        axes = ops.normalize_axis(axis, self.ndim, "any")
        return _leaf(np.asarray(np.any(self.data, axis=axes, keepdims=bool(keepdims))))

    def all(self, axis=None, keepdims: bool = False, *, dim=None, keepdim=None) -> Tensor:
        """True where every element along ``axis`` is nonzero, as ``np.all`` (a boolean tensor,
        no gradient).

        >>> bool((Tensor([1.0, 2.0]) > 0).all())
        True
        """
        if dim is not None or keepdim is not None:
            axis, keepdims = _pytorch_names("all", axis, keepdims, dim, keepdim)
        axes = ops.normalize_axis(axis, self.ndim, "all")
        return _leaf(np.asarray(np.all(self.data, axis=axes, keepdims=bool(keepdims))))

    # -- scans and sorting ----------------------------------------------------------------------

    def cumsum(self, axis: int | None = None, *, dim: int | None = None) -> Tensor:
        """Cumulative sum along ``axis`` (None: of the flattened tensor, as ``np.cumsum``;
        PyTorch's ``dim=`` is the same argument).

        >>> Tensor([1.0, 2.0, 3.0]).cumsum(0)
        Tensor([1., 3., 6.])
        """
        return self._scan("cumsum", ops.Cumsum, axis if dim is None else dim)

    def cumprod(self, axis: int | None = None, *, dim: int | None = None) -> Tensor:
        """Cumulative product along ``axis`` (None: of the flattened tensor); the gradient is
        exact where elements are 0.

        >>> Tensor([1.0, 2.0, 3.0]).cumprod(0)
        Tensor([1., 2., 6.])
        """
        return self._scan("cumprod", ops.Cumprod, axis if dim is None else dim)

    def _scan(self, what: str, op, axis) -> Tensor:
        if axis is None:  # numpy's default: the flattened tensor
            return _run1(op(0), self.reshape(-1))
        position = _one_axis(axis, self.ndim, what)
        if position == ():  # a 0-d tensor: a scan of one number is the number
            return _run1(op(0), self.reshape(1)).reshape(())
        return _run1(op(position), self)

    def argsort(self, axis: int = -1, descending: bool = False, *, dim: int | None = None,
                stable: bool = True) -> Tensor:  # fmt: skip
        """Indices that sort the tensor along ``axis``, as ``np.argsort`` (int64, no gradient).

        Always stable: equal elements keep their order, also with ``descending=True``
        (PyTorch's keyword), so the result is the same on every run and machine.

        Raises:
            ValueError: ``stable=False`` (only a stable sort is implemented).

        >>> Tensor([3.0, 1.0, 2.0]).argsort()
        Tensor([1, 2, 0], dtype=int64)
        """
        if not stable:
            raise ValueError("argsort: only stable=True is implemented (a stable sort).")
        position = _one_axis(axis if dim is None else dim, self.ndim, "argsort")
        if position == ():
            return _leaf(np.zeros((), dtype=np.int64))
        if not descending:
            order = np.argsort(self.data, axis=position, kind="stable")
        else:  # stable descending: sort the reversed tensor, reverse the order, map the indices
            flipped = np.flip(self.data, axis=position)
            order = np.flip(np.argsort(flipped, axis=position, kind="stable"), axis=position)
            order = self.shape[position] - 1 - order
        return _leaf(order.astype(np.int64, copy=False))

    def sort(self, axis: int = -1, descending: bool = False, *, dim: int | None = None) -> Tensor:
        """The values sorted along ``axis``, as ``np.sort`` (values only; PyTorch's ``sort``
        returns ``(values, indices)``: use ``(x.sort(), x.argsort())`` or ``x.topk(n)``).

        The gradient of each sorted value goes back to the element it came from (composite:
        ``argsort`` and ``take_along_axis``).

        >>> Tensor([3.0, 1.0, 2.0]).sort(descending=True)
        Tensor([3., 2., 1.])
        """
        axis = axis if dim is None else dim
        position = _one_axis(axis, self.ndim, "sort")
        if position == ():
            return self.reshape(())
        return self.take_along_axis(self.argsort(position, descending), position)

    def topk(self, k: int, axis: int = -1, largest: bool = True, sorted: bool = True, *,  # noqa: A002 (PyTorch's name)
             dim: int | None = None) -> ValuesIndices:  # fmt: skip
        """The ``k`` largest (or smallest) values along ``axis`` and their indices, PyTorch's
        ``topk``: ``(values, indices)``, sorted (largest first). Ties go to the earlier element.

        Raises:
            ValueError: k is negative or larger than the axis.

        >>> Tensor([1.0, 9.0, 3.0, 7.0]).topk(2)
        ValuesIndices(values=Tensor([9., 7.]), indices=Tensor([1, 3], dtype=int64))
        """
        position = _one_axis(axis if dim is None else dim, self.ndim, "topk")
        n = 1 if position == () else self.shape[position]
        if not 0 <= k <= n:
            raise ValueError(f"topk: expected k in [0, {n}] for an axis of length {n}, got {k}.")
        if position == ():
            return ValuesIndices(self.reshape(()), _leaf(np.zeros((), dtype=np.int64)))
        order = self.argsort(position, descending=largest).data
        picked = np.take(order, np.arange(k), axis=position)  # sorted=False keeps them sorted too
        return ValuesIndices(self.take_along_axis(picked, position), _leaf(picked))

    # -- shape ----------------------------------------------------------------------------------

    def reshape(self, *shape) -> Tensor:
        """The same elements in a new shape; one dimension may be -1.

        >>> Tensor([1.0, 2.0, 3.0, 4.0]).reshape(2, 2).shape
        (2, 2)
        """
        if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
            shape = tuple(shape[0])
        return _run1(ops.Reshape(shape), self)

    def view(self, *shape) -> Tensor:
        """Alias of ``reshape`` (PyTorch's name; here it may copy, as ``reshape`` may).

        Raises:
            TypeError: a dtype was given (PyTorch's ``view(dtype)`` reinterprets bits; use
                ``astype`` to convert values).

        >>> Tensor([1.0, 2.0, 3.0, 4.0]).view(-1, 2).shape
        (2, 2)
        """
        if len(shape) == 1 and not isinstance(shape[0], (int, np.integer, tuple, list)):
            raise TypeError(
                f"view: expected a shape, got {shape[0]!r}. To convert values to another dtype "
                f"use astype(dtype)."
            )
        return self.reshape(*shape)

    def transpose(self, *axes, dim0: int | None = None, dim1: int | None = None) -> Tensor:
        """Permute the axes as ``np.transpose``, or swap two axes as PyTorch's ``transpose``.

        - ``x.transpose()``: all axes reversed (``x.T``);
        - one tuple, ``x.transpose((2, 0, 1))``, or one int per axis of a tensor with more than
          two: numpy's permutation;
        - two ints, ``x.transpose(0, 1)`` or ``dim0=, dim1=``: PyTorch's swap of those two axes.
          On a matrix numpy's ``(1, 0)`` means the same swap; numpy's ``(0, 1)`` (the identity)
          is spelled ``x.transpose((0, 1))``.

        Raises:
            ValueError: axes that are not a permutation of the tensor's axes (or any axes for a 0-d
                tensor).
            TypeError: only one of PyTorch's ``dim0`` and ``dim1``, or them together with ``axes``.

        >>> x = Tensor(np.zeros((2, 3, 4)))
        >>> x.transpose(0, 2).shape, x.transpose((1, 2, 0)).shape, x[0].transpose(0, 1).shape
        ((4, 3, 2), (3, 4, 2), (4, 3))
        """
        if dim0 is not None or dim1 is not None:
            if axes or dim0 is None or dim1 is None:
                raise TypeError(
                    f"transpose: expected both dim0 and dim1 (PyTorch's swap) and no other axes, "
                    f"got axes={axes}, dim0={dim0}, dim1={dim1}."
                )
            return self.swapaxes(dim0, dim1)
        if len(axes) == 2 and all(isinstance(a, (int, np.integer)) for a in axes):
            return self.swapaxes(*axes)
        if len(axes) == 1 and isinstance(axes[0], (tuple, list, np.ndarray)):
            axes = tuple(int(a) for a in axes[0])
        if not axes:
            return self.T
        if self.ndim == 0:
            raise ValueError(
                f"transpose: a 0-d tensor (a single number) has no axes to permute, got axes "
                f"{axes}. Call transpose() (or .T) without axes, which returns it unchanged."
            )
        if sorted(a % max(self.ndim, 1) for a in axes) != list(range(self.ndim)):
            raise ValueError(
                f"transpose: axes {axes} are not a permutation of 0..{self.ndim - 1} for a tensor "
                f"of shape {self.shape}."
            )
        return _run1(ops.Transpose(tuple(a % self.ndim for a in axes)), self)

    def permute(self, *axes) -> Tensor:
        """PyTorch's name for a permutation of all axes, ``np.transpose(x, axes)``.

        Raises:
            ValueError: not one axis per dimension.

        >>> Tensor(np.zeros((2, 3, 4))).permute(2, 0, 1).shape
        (4, 2, 3)
        """
        if len(axes) == 1 and isinstance(axes[0], (tuple, list, np.ndarray)):
            axes = tuple(axes[0])
        if len(axes) != self.ndim:
            raise ValueError(
                f"permute: expected one axis per dimension ({self.ndim} for shape {self.shape}), "
                f"got {axes}."
            )
        return self.transpose(tuple(axes)) if axes else self.reshape(())

    def swapaxes(self, axis1: int, axis2: int) -> Tensor:
        """Swap two axes, as ``np.swapaxes`` (PyTorch's ``transpose(dim0, dim1)``).

        >>> Tensor(np.zeros((2, 3, 4))).swapaxes(-1, -2).shape
        (2, 4, 3)
        """
        i = _one_axis(axis1, self.ndim, "swapaxes")
        j = _one_axis(axis2, self.ndim, "swapaxes")
        if i == () or i == j:  # a 0-d tensor, or an axis with itself: nothing moves
            return self.reshape(self.shape)
        perm = list(range(self.ndim))
        perm[i], perm[j] = perm[j], perm[i]
        return _run1(ops.Transpose(tuple(perm)), self)

    def flatten(self, start_dim: int = 0, end_dim: int = -1) -> Tensor:
        """Merge axes ``start_dim..end_dim`` into one (all of them by default), as PyTorch's.

        Raises:
            ValueError: ``start_dim`` after ``end_dim``.

        >>> Tensor(np.zeros((64, 16, 2, 2))).flatten(1).shape
        (64, 64)
        """
        if self.ndim == 0:
            return self.reshape(1)
        (first,) = ops.normalize_axis(start_dim, self.ndim, "flatten")
        (last,) = ops.normalize_axis(end_dim, self.ndim, "flatten")
        if first > last:
            raise ValueError(
                f"flatten: expected start_dim <= end_dim, got {start_dim} and {end_dim} for a "
                f"tensor of shape {self.shape}."
            )
        return self.reshape(*self.shape[:first], -1, *self.shape[last + 1 :])

    def squeeze(self, axis=None, *, dim=None) -> Tensor:
        """Remove axes of length 1 (all of them, or those in ``axis``/``dim``), as
        ``np.squeeze``.

        Raises:
            ValueError: an axis given whose length is not 1.

        >>> Tensor(np.zeros((1, 3, 1))).squeeze(dim=0).shape
        (3, 1)
        """
        axis = axis if dim is None else dim
        axes = ops.normalize_axis(axis, self.ndim, "squeeze")
        if axes is None:
            new_shape = tuple(n for n in self.shape if n != 1)
        else:
            bad = [a for a in axes if self.shape[a] != 1]
            if bad:
                raise ValueError(
                    f"squeeze: can only remove axes of length 1; axis {bad[0]} of shape "
                    f"{self.shape} has length {self.shape[bad[0]]}."
                )
            new_shape = tuple(n for i, n in enumerate(self.shape) if i not in axes)
        return self.reshape(new_shape)

    def unsqueeze(self, axis: int | None = None, *, dim: int | None = None) -> Tensor:
        """Insert an axis of length 1 at ``axis`` (or PyTorch's ``dim``), as ``np.expand_dims``.

        Raises:
            TypeError: no position for the new axis (``axis=`` or ``dim=``).

        >>> Tensor([1.0, 2.0]).unsqueeze(dim=1).shape
        (2, 1)
        """
        axis = axis if dim is None else dim
        if axis is None:
            raise TypeError("unsqueeze: expected the position of the new axis (axis= or dim=).")
        position = _new_axis(axis, self.ndim, "unsqueeze")
        shape = list(self.shape)
        shape.insert(position, 1)
        return self.reshape(tuple(shape))

    def broadcast_to(self, shape: Sequence[int]) -> Tensor:
        """Repeat along broadcast axes to ``shape``; backward sums over them (numpy's rules)."""
        return _run1(ops.BroadcastTo(tuple(shape)), self)

    def expand(self, *shape) -> Tensor:
        """Alias of ``broadcast_to`` (PyTorch's name)."""
        if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
            shape = tuple(shape[0])
        return self.broadcast_to(shape)

    def __getitem__(self, index) -> Tensor:
        """numpy indexing: ints, slices, None, ``...``, integer arrays or tensors (``x[idx]``),
        boolean masks; the gradient scatters back and repeated indices accumulate.

        Raises:
            IndexError: an index tensor or list holds non-integer numbers.

        >>> x = Tensor([10.0, 20.0, 30.0])
        >>> x[Tensor([0, 2])], x[[]]
        (Tensor([10., 30.]), Tensor([]))
        """
        if isinstance(index, tuple):
            index = tuple(_as_index(i) for i in index)
        else:
            index = _as_index(index)
        return _run1(ops.GetItem(index), self)

    def flip(self, axis=None, *, dims=None) -> Tensor:
        """Reverse the order of elements along ``axis`` (None: all axes), as ``np.flip``;
        PyTorch's ``dims=`` is the same argument (composite: indexing with ``::-1``).

        >>> Tensor([[1.0, 2.0], [3.0, 4.0]]).flip(1)
        Tensor([[2., 1.],
                [4., 3.]])
        """
        axes = ops.normalize_axis(axis if dims is None else dims, self.ndim, "flip")
        axes = range(self.ndim) if axes is None else axes
        index = [slice(None)] * self.ndim
        for a in axes:
            index[a] = slice(None, None, -1)
        return self[tuple(index)]

    def repeat(self, *sizes, axis=None) -> Tensor:
        """Tile the tensor ``sizes[k]`` times along axis k, PyTorch's ``repeat`` (numpy's
        ``tile``): ``x.repeat(2, 3)`` of a (2, 2) tensor is (4, 6).

        numpy's ``ndarray.repeat(n, axis)``, which repeats each *element*, is
        ``repeat_interleave`` here. Composite: reshape, broadcast_to, reshape (the gradient sums
        the copies).

        Raises:
            TypeError: ``axis=`` was given (numpy's element repeat: use repeat_interleave).
            ValueError: fewer sizes than the tensor has axes, or a negative size.

        >>> Tensor([1.0, 2.0]).repeat(2)
        Tensor([1., 2., 1., 2.])
        """
        if axis is not None:
            raise TypeError(
                "repeat: got axis=, numpy's element repeat. Here repeat(*sizes) is PyTorch's "
                "(it tiles the whole tensor); for numpy's x.repeat(n, axis) use "
                "x.repeat_interleave(n, axis)."
            )
        if len(sizes) == 1 and isinstance(sizes[0], (tuple, list)):
            sizes = tuple(sizes[0])
        if len(sizes) < self.ndim:
            raise ValueError(
                f"repeat: expected at least one size per axis ({self.ndim} for shape "
                f"{self.shape}), got {sizes}. For numpy's tile rules use tile()."
            )
        if any(int(n) < 0 for n in sizes):
            raise ValueError(f"repeat: expected sizes >= 0 (copies along each axis), got {sizes}.")
        shape = (1,) * (len(sizes) - self.ndim) + self.shape
        spread = [k for pair in ((1, n) for n in shape) for k in pair]  # (1, n0, 1, n1, ...)
        copies = [k for pair in zip(sizes, shape, strict=True) for k in pair]  # (r0, n0, ...)
        out = tuple(r * n for r, n in zip(sizes, shape, strict=True))
        return self.reshape(spread).broadcast_to(copies).reshape(out)

    def tile(self, reps) -> Tensor:
        """Tile the tensor ``reps`` times, as ``np.tile`` and ``torch.tile`` (fewer reps than
        axes repeat the last axes; more add leading axes).

        >>> Tensor([[1.0, 2.0]]).tile(2).tolist()
        [[1.0, 2.0, 1.0, 2.0]]
        """
        reps = (reps,) if isinstance(reps, (int, np.integer)) else tuple(reps)
        reps = (1,) * (self.ndim - len(reps)) + reps
        return self.repeat(*reps)

    def repeat_interleave(self, repeats, axis: int | None = None, *,
                          dim: int | None = None) -> Tensor:  # fmt: skip
        """Repeat each element ``repeats`` times along ``axis`` (None: of the flattened tensor),
        as ``np.repeat`` and ``torch.repeat_interleave``; ``repeats`` may be one count or one
        per element. The gradient sums the copies.

        Raises:
            ValueError: a negative count, or a list of counts that is not one per element along the
                axis.

        >>> Tensor([1.0, 2.0]).repeat_interleave(2)
        Tensor([1., 1., 2., 2.])
        """
        axis = axis if dim is None else dim
        x = self.reshape(-1) if axis is None else self
        position = 0 if axis is None else _one_axis(axis, self.ndim, "repeat_interleave")
        if position == ():
            x, position = self.reshape(1), 0
        counts = repeats.data if isinstance(repeats, Tensor) else repeats
        n = x.shape[position]
        if np.ndim(counts) == 0:
            r = int(counts)
            if r < 0:
                raise ValueError(f"repeat_interleave: expected repeats >= 0, got {r}.")
            shape = list(x.shape)
            shape.insert(position + 1, r)
            out = list(x.shape)
            out[position] = n * r
            return x.unsqueeze(position + 1).broadcast_to(shape).reshape(out)
        counts = np.asarray(counts).astype(np.intp)
        if counts.shape != (n,) or np.any(counts < 0):
            raise ValueError(
                f"repeat_interleave: expected one count >= 0 per element along the axis ({n}), "
                f"got {np.asarray(repeats).tolist()}."
            )
        index: list[Any] = [slice(None)] * x.ndim  # slices and, on one axis, an index array
        index[position] = np.repeat(np.arange(n), counts)
        return x[tuple(index)]

    def split(self, split_size_or_sections, axis: int = 0, *, dim: int | None = None) -> tuple:
        """Pieces along ``axis``, PyTorch's ``split``: an int is the size of each piece (the last
        may be smaller), a list gives each piece's size. (numpy's ``np.split(x, n)`` - n equal
        pieces, or split points - still works on tensors.) Each piece is a slice, so gradients
        flow back.

        Raises:
            ValueError: a size is not positive, or the sizes do not add up to the axis length.

        >>> [p.tolist() for p in Tensor([1.0, 2.0, 3.0, 4.0, 5.0]).split(2)]
        [[1.0, 2.0], [3.0, 4.0], [5.0]]
        """
        position = _one_axis(axis if dim is None else dim, self.ndim, "split")
        if position == ():
            raise ValueError("split: expected a tensor with at least one axis, got a 0-d one.")
        n = self.shape[position]
        if isinstance(split_size_or_sections, (int, np.integer)):
            size = int(split_size_or_sections)
            if size <= 0:
                raise ValueError(f"split: expected a piece size > 0, got {size}.")
            sizes = [min(size, n - start) for start in range(0, n, size)] or [0]
        else:
            sizes = [int(k) for k in split_size_or_sections]
            if sum(sizes) != n or any(k < 0 for k in sizes):
                raise ValueError(
                    f"split: expected sizes >= 0 that add up to the axis length {n}, got {sizes}."
                )
        pieces, start = [], 0
        for k in sizes:
            index = [slice(None)] * self.ndim
            index[position] = slice(start, start + k)
            pieces.append(self[tuple(index)])
            start += k
        return tuple(pieces)

    def chunk(self, chunks: int, axis: int = 0, *, dim: int | None = None) -> tuple:
        """``chunks`` pieces of equal size along ``axis`` (the last may be smaller, and there may
        be fewer), PyTorch's ``chunk``.

        Raises:
            ValueError: ``chunks`` < 1, or a 0-d tensor.

        >>> [p.shape for p in Tensor(np.zeros((5, 2))).chunk(2)]
        [(3, 2), (2, 2)]
        """
        if chunks <= 0:
            raise ValueError(f"chunk: expected chunks > 0, got {chunks}.")
        position = _one_axis(axis if dim is None else dim, self.ndim, "chunk")
        if position == ():
            raise ValueError("chunk: expected a tensor with at least one axis, got a 0-d one.")
        n = self.shape[position]
        return self.split(max(-(-n // chunks), 1), position)

    def tril(self, k: int = 0, *, diagonal: int | None = None) -> Tensor:
        """The lower triangle of the last two axes: elements above diagonal ``k`` set to 0, as
        ``np.tril`` and ``torch.tril`` (``diagonal=``); batched over leading axes. The causal
        mask of attention is ``tril`` of ones. Composite: ``where``.

        >>> Tensor(np.ones((3, 3))).tril()
        Tensor([[1., 0., 0.],
                [1., 1., 0.],
                [1., 1., 1.]])
        """
        k = k if diagonal is None else diagonal
        return _where(self._triangle("tril", k), self, 0.0)

    def triu(self, k: int = 0, *, diagonal: int | None = None) -> Tensor:
        """The upper triangle of the last two axes: elements below diagonal ``k`` set to 0, as
        ``np.triu`` and ``torch.triu``. Composite: ``where``.

        >>> Tensor(np.ones((2, 3))).triu(1)
        Tensor([[0., 1., 1.],
                [0., 0., 1.]])
        """
        k = k if diagonal is None else diagonal
        return _where(~self._triangle("triu", k - 1), self, 0.0)

    def _triangle(self, what: str, k: int) -> np.ndarray:
        """True on and below diagonal ``k`` of the last two axes (``np.tri``)."""
        if self.ndim < 2:
            raise ValueError(
                f"{what}: expected a tensor with at least 2 dimensions (a matrix or a batch of "
                f"them), got shape {self.shape}."
            )
        return np.tri(self.shape[-2], self.shape[-1], int(k), dtype=bool)

    def masked_fill(self, mask, value) -> Tensor:
        """``value`` where ``mask`` is True, this tensor elsewhere, as PyTorch's ``masked_fill``
        (``mask`` broadcasts; it carries no gradient; ``value`` may be a number or a tensor).
        The gradient flows to this tensor where the mask is False.

        Raises:
            TypeError: a mask that is not boolean (compare first, e.g. ``mask == 0``).

        >>> scores = Tensor(np.zeros((2, 2)))
        >>> scores.masked_fill(Tensor(np.ones((2, 2))).triu(1) == 1, -np.inf)
        Tensor([[  0., -inf],
                [  0.,   0.]])
        """
        mask = mask.data if isinstance(mask, Tensor) else np.asarray(mask)
        if mask.dtype != bool:
            raise TypeError(
                f"masked_fill: expected a boolean mask, got dtype {mask.dtype}. Compare first, "
                f"e.g. mask == 0."
            )
        return _where(mask, value, self)

    def take_along_axis(self, indices, axis: int | None, *, dim: int | None = None) -> Tensor:
        """Pick one element per index along ``axis``, as ``np.take_along_axis``: ``indices``
        has this tensor's number of axes, and the other axes broadcast. The gradient is
        scattered back (repeated indices add up). Composite: indexing.

        Raises:
            IndexError: indices that are not integers.
            ValueError: indices with another number of axes than the tensor.

        >>> x = Tensor([[10.0, 20.0, 30.0], [40.0, 50.0, 60.0]])
        >>> x.take_along_axis(np.array([[2], [0]]), axis=1)
        Tensor([[30.],
                [40.]])
        """
        axis = axis if dim is None else dim
        indices = _as_index(indices if isinstance(indices, Tensor) else np.asarray(indices))
        if indices.dtype.kind not in "iu":
            raise IndexError(
                f"take_along_axis: expected integer indices, got dtype {indices.dtype}."
            )
        if axis is None:  # numpy: the flattened tensor, with 1-D indices
            return self.reshape(-1).take_along_axis(indices, 0)
        position = _one_axis(axis, self.ndim, "take_along_axis")
        if position == () or indices.ndim != self.ndim:
            raise ValueError(
                f"take_along_axis: expected indices with as many axes as the tensor "
                f"({self.ndim}), got shape {indices.shape} for a tensor of shape {self.shape}."
            )
        index = []
        for d, n in enumerate(self.shape):
            if d == position:
                index.append(indices)
            else:  # every position along the other axes (broadcast against the indices)
                index.append(np.arange(n).reshape([n if e == d else 1 for e in range(self.ndim)]))
        return self[tuple(index)]

    def gather(self, dim: int, index) -> Tensor:
        """PyTorch's ``gather``: ``out[i][j] = x[i][index[i][j]]`` for ``dim=1``; ``index`` has
        this tensor's number of axes and may be smaller along the others (the result has its
        shape). The gradient is scattered back. Composite: indexing.

        Raises:
            ValueError: an index with another number of axes than the tensor, or longer than the
                tensor on an axis other than ``dim``.

        >>> Tensor([[1.0, 2.0], [3.0, 4.0]]).gather(1, np.array([[0, 0], [1, 0]]))
        Tensor([[1., 1.],
                [4., 3.]])
        """
        index = _as_index(index if isinstance(index, Tensor) else np.asarray(index))
        position = _one_axis(dim, self.ndim, "gather")
        if position == () or index.ndim != self.ndim:
            raise ValueError(
                f"gather: expected an index with as many axes as the tensor ({self.ndim}), got "
                f"shape {index.shape} for a tensor of shape {self.shape}."
            )
        too_big = [d for d in range(self.ndim) if d != position and index.shape[d] > self.shape[d]]
        if too_big:
            raise ValueError(
                f"gather: expected index.shape[d] <= x.shape[d] on every axis d but dim, got "
                f"index shape {index.shape} and tensor shape {self.shape} (axis {too_big[0]})."
            )
        parts = []
        for d, n in enumerate(index.shape):
            if d == position:
                parts.append(index)
            else:
                parts.append(np.arange(n).reshape([n if e == d else 1 for e in range(self.ndim)]))
        return self[tuple(parts)]

    def dot(self, other) -> Tensor:
        """``np.dot``: the inner product of two vectors (PyTorch's ``dot``), the matrix product
        of matrices, a product with a number.

        Raises:
            TypeError: an operand has more than 2 dimensions (np.dot's N-d rule differs from
                matmul's; use ``@``).

        >>> Tensor([1.0, 2.0]).dot(Tensor([3.0, 4.0]))
        Tensor(11.)
        """
        other = _const(other, self)
        if self.ndim == 0 or other.ndim == 0:
            return self * other
        if self.ndim > 2 or other.ndim > 2:
            raise TypeError(
                f"dot: expected operands with at most 2 dimensions, got shapes {self.shape} and "
                f"{other.shape}; np.dot of N-d arrays sums over other axes than matmul does. "
                f"Use matmul (a @ b) for stacks of matrices."
            )
        return _run2(ops.MatMul(), self, other)

    def one_hot(self, num_classes: int = -1, dtype=np.int64) -> Tensor:
        """Class labels as one-hot vectors along a new last axis, PyTorch's ``one_hot``:
        ``[2, 0] -> [[0, 0, 1], [1, 0, 0]]``, int64 unless ``dtype`` is given (a constant: labels
        have no gradient). ``num_classes=-1`` means ``max + 1``. Labels held as whole floats
        (``Tensor([2, 0])`` holds float64) are accepted.

        Raises:
            TypeError: the labels are not whole numbers.
            ValueError: a label is negative or not below ``num_classes``.

        >>> Tensor([2, 0]).one_hot(3)
        Tensor([[0, 0, 1],
                [1, 0, 0]], dtype=int64)
        """
        labels = self.data
        if (
            labels.dtype.kind == "f"
            and np.all(np.isfinite(labels))
            and np.all(labels == np.round(labels))
        ):
            labels = labels.astype(np.int64)
        if labels.dtype.kind not in "iu":
            raise TypeError(
                f"one_hot: expected integer class labels, got dtype {labels.dtype} with values "
                f"such as {labels.ravel()[:3].tolist()}."
            )
        if num_classes == -1:
            num_classes = int(labels.max()) + 1 if labels.size else 0
        if labels.size and (labels.min() < 0 or labels.max() >= num_classes):
            raise ValueError(
                f"one_hot: expected labels in [0, {num_classes}), got values in "
                f"[{labels.min()}, {labels.max()}]."
            )
        classes = np.arange(num_classes)
        return _leaf((labels[..., np.newaxis] == classes).astype(dtype))

    def multinomial(self, num_samples: int = 1, replacement: bool = False, *, rng=None) -> Tensor:
        """Draw category indices with probabilities proportional to this tensor's values (one
        distribution, or one per row), PyTorch's ``multinomial``; see ``tg.multinomial``.

        >>> np.random.seed(0)
        >>> Tensor([0.1, 0.2, 0.7]).multinomial(1)
        Tensor([2], dtype=int64)
        """
        from tinygrad_edu.tensor.creation import multinomial  # same layer; imported when used

        return multinomial(self, num_samples, replacement, rng=rng)

    def pad(self, pad_width, value: float = 0.0) -> Tensor:
        """Pad with ``value`` (numpy's pad widths; negative widths crop), as ``np.pad``.

        >>> Tensor([[1.0]]).pad(1).tolist()
        [[0.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 0.0]]
        """
        widths = ops.normalize_pad_width(pad_width, self.ndim, "pad")
        return _run1(ops.Pad(widths, value), self)

    # PyTorch's float() and double() last in the class: inside the class body the name ``float``
    # is this method from its definition on, so annotations after it could not say ``float``.

    def float(self) -> Tensor:
        """PyTorch's ``float()``: a float32 copy (torch's float is 32-bit; numpy's and the
        course's default, float64, is ``double()``); differentiable between float dtypes.

        >>> Tensor([1.0]).float().dtype
        dtype('float32')
        """
        return self.astype(np.float32)

    def double(self) -> Tensor:
        """PyTorch's ``double()``: as float64 (this package's default dtype).

        >>> Tensor(np.array([1], dtype=np.int64)).double().dtype
        dtype('float64')
        """
        return self.astype(np.float64)

    # PyTorch names spelled otherwise here (tensor/habits.py): reading one raises an
    # AttributeError that gives the spelling. Class attributes rather than __getattr__, which
    # would slow every attribute read of every tensor. Last in the class: ``int``, ``bool`` and
    # ``type`` are among them.
    numel = TorchName()
    nelement = TorchName()
    dim = TorchName()
    ndimension = TorchName()
    half = TorchName()
    int = TorchName()
    long = TorchName()
    bool = TorchName()
    type = TorchName()
    type_as = TorchName()
    to = TorchName()
    cpu = TorchName()
    cuda = TorchName()
    contiguous = TorchName()
    view_as = TorchName()
    expand_as = TorchName()
    clone = TorchName()
    mm = TorchName()
    bmm = TorchName()
    square = TorchName()
    rsqrt = TorchName()
    reciprocal = TorchName()
    where = TorchName()
    grad_fn = TorchName()
    stride = TorchName()
    element_size = TorchName()
    is_contiguous = TorchName()
    clamp_ = TorchName()
    abs_ = TorchName()
    exp_ = TorchName()
    log_ = TorchName()
    sqrt_ = TorchName()
    neg_ = TorchName()
    pow_ = TorchName()
    relu_ = TorchName()
    sigmoid_ = TorchName()
    tanh_ = TorchName()
    floor_ = TorchName()
    round_ = TorchName()
    masked_fill_ = TorchName()
    t_ = TorchName()
    transpose_ = TorchName()
    unsqueeze_ = TorchName()
    squeeze_ = TorchName()
    uniform_ = TorchName()
    normal_ = TorchName()


class ValuesIndices(NamedTuple):
    """A pair ``(values, indices)``, as PyTorch's ``torch.return_types``: what
    ``max_with_indices``, ``min_with_indices`` and ``topk`` return. ``values`` carries the
    gradient; ``indices`` (int64) carries none."""

    values: Tensor
    indices: Tensor


# Python floats (not numpy scalars): number constants take the tensor's dtype and are cached.
_SQRT1_2 = float(np.sqrt(0.5))  # gelu's x / sqrt(2), as PyTorch's M_SQRT1_2
_SQRT_2_OVER_PI = float(np.sqrt(2.0 / np.pi))  # the tanh approximation's constant


def _pytorch_names(op: str, axis: Any, keepdims: bool, dim: Any, keepdim: Any) -> tuple:
    """``(axis, keepdims)`` from PyTorch's spellings ``dim=`` and ``keepdim=`` (the same
    arguments under numpy's names); giving both spellings of one argument differently raises."""
    if dim is not None:
        if axis is not None:
            raise TypeError(
                f"{op}: got axis={axis!r} and dim={dim!r}; they are one argument (numpy's and "
                f"PyTorch's name for it): pass one of them."
            )
        axis = dim
    if keepdim is not None:
        if keepdims and not keepdim:
            raise TypeError(
                f"{op}: got keepdims=True and keepdim=False; they are one argument: pass one."
            )
        keepdims = keepdim
    return axis, bool(keepdims)


def _ddof(op: str, ddof: Any, correction: Any, unbiased: Any) -> Any:
    """numpy's ``ddof`` from its three spellings: numpy's ``ddof``, PyTorch's ``correction``
    and its older ``unbiased`` (True: 1, False: 0); none given is numpy's default 0."""
    given = [f"{k}={v!r}" for k, v in (("ddof", ddof), ("correction", correction),
                                       ("unbiased", unbiased)) if v is not None]  # fmt: skip
    if len(given) > 1:
        raise TypeError(
            f"{op}: got {' and '.join(given)}; they are one argument (the divisor is n - ddof; "
            f"correction is PyTorch's name for ddof, unbiased=True means ddof=1): pass one."
        )
    if unbiased is not None:
        if not isinstance(unbiased, (bool, np.bool_)):
            raise TypeError(f"{op}: unbiased must be True or False, got {unbiased!r}.")
        return 1 if unbiased else 0
    if correction is not None:
        return correction
    return 0 if ddof is None else ddof


def _where(cond: np.ndarray, x: Any, y: Any) -> Tensor:
    """``where(cond, x, y)`` for the composites of this module (``tg.where`` is the public
    form); at least one of x and y is a tensor, the other may be a number."""
    if not isinstance(x, Tensor):
        x = _const(x, y)
    elif not isinstance(y, Tensor):
        y = _const(y, x)
    return _run(ops.Where(cond), (x, y))


def _as_index(index: Any) -> Any:
    """One index component as numpy wants it: a Tensor, array or list of whole numbers becomes an
    integer array (``Tensor([0, 2])`` holds float64, as Python numbers do; so do ``np.array([])``
    and arrays computed with floats), an empty list an empty integer array, a boolean tensor a
    mask; ints, slices, None and ``...`` pass through."""
    if isinstance(index, Tensor):
        index = index.data
    elif isinstance(index, list):
        index = np.asarray(index) if index else np.empty(0, dtype=np.intp)
    elif not isinstance(index, np.ndarray) or index.dtype.kind in "iub":
        return index
    if index.dtype.kind == "f":
        if not np.all(np.isfinite(index)) or np.any(index != np.round(index)):
            raise IndexError(
                f"getitem: expected integer indices (or a boolean mask), got the non-integer "
                f"values {index.ravel()[:5].tolist()}; round them or cast with .astype(int)."
            )
        index = index.astype(np.intp)
    elif index.dtype.kind not in "iub":
        raise IndexError(
            f"getitem: expected integer indices or a boolean mask, got dtype {index.dtype}."
        )
    return index


def _new_axis(axis: int, ndim: int, op: str) -> int:
    """Where a new axis of length 1 goes in a tensor of ``ndim`` dimensions (unsqueeze, stack):
    positions -(ndim + 1)..ndim, as ``np.expand_dims``."""
    if isinstance(axis, (int, np.integer)) and not isinstance(axis, (bool, np.bool_)):
        if not -(ndim + 1) <= axis <= ndim:
            raise ValueError(
                f"{op}: axis {axis} is out of range for a {ndim}-d tensor: the new axis can go "
                f"at positions {-(ndim + 1)}..{ndim}."
            )
    (position,) = ops.normalize_axis(axis, ndim + 1, op)
    return position


def _one_axis(axis: int, ndim: int, op: str) -> Any:
    """One axis as a positive int; for a 0-d tensor ``()``, which numpy reads as "no axis"."""
    if isinstance(axis, (bool, np.bool_)) or not isinstance(axis, (int, np.integer)):
        raise TypeError(f"{op}: expected a single int axis, got {axis!r}.")
    axes = ops.normalize_axis(axis, ndim, op)
    return axes[0] if axes else ()


def _describe_for_error(t: Tensor) -> str:
    """``"'W1' of shape (7, 12288)"`` for messages: the tensor's name if it has one, and shape."""
    name = f"{t.name!r} " if t.name else ""
    return f"{name}of shape {t.data.shape}"


def _warn_nonleaf_grad(t: Tensor) -> None:
    """Warn that ``t.grad`` is None because ``t`` is not a leaf, with the usual cause and fix."""
    warnings.warn(
        f"grad: this tensor {_describe_for_error(t)} is not a leaf: it was computed by "
        f"'{t.op}', and backward() fills .grad only on leaves (your parameters and inputs). "
        f"If it is a parameter, an update such as `w = w - learning_rate * dw` (or `w -= lr * "
        f"w.grad` outside no_grad()) recorded a new tensor instead of changing w. Update in "
        f"place without recording: `with tinygrad_edu.no_grad(): w -= learning_rate * w.grad`, "
        f"or `w.data -= learning_rate * w.grad`, or an optimizer's step(). To keep the gradient "
        f"of an intermediate tensor on purpose, call t.retain_grad() before backward().",
        NonLeafGradWarning,
        stacklevel=debug._user_stacklevel(),
    )


def _warn_detached_copy(t: Tensor) -> None:
    """Warn that ``Tensor(t)`` copies the values of ``t`` without its graph."""
    warnings.warn(
        f"Tensor: the data is a tensor that requires grad ({_describe_for_error(t)}); the new "
        f"tensor holds its values only, without its graph, so no gradient flows back through it. "
        f"To keep the graph, use the tensor itself (numpy functions on tensors already return "
        f"tensors); to copy the values on purpose, write Tensor(t.detach()) or t.detach().",
        UserWarning,
        stacklevel=debug._user_stacklevel(),
    )


class NonLeafGradWarning(UserWarning):
    """``.grad`` of a tensor that is not a leaf was read; backward() never fills it."""


_FIRST_ORDER_GRADS: weakref.WeakSet = weakref.WeakSet()  # grad() results made without create_graph


def _no_graph_message(t: Tensor, what: str) -> str:
    """Why ``t`` has no graph to differentiate, and what to do."""
    if t in _FIRST_ORDER_GRADS:
        return (
            f"{what}: this tensor is a gradient computed without create_graph=True, so it has no "
            f"graph to differentiate again. For a second derivative, pass create_graph=True to "
            f"the first grad() or backward() call."
        )
    return (
        f"{what}: this tensor does not require grad, so there is no graph to differentiate. "
        f"Create the inputs with requires_grad=True (e.g. Tensor(5.0, requires_grad=True)) and "
        f"compute outside no_grad() and without .detach(). An update `w = w - learning_rate * "
        f"w.grad` inside no_grad() also makes a new tensor that does not require grad: write "
        f"`w -= learning_rate * w.grad` (in place). If it was computed from a gradient (a "
        f"second derivative), pass create_graph=True to the grad() or backward() call that "
        f"computed that gradient."
    )


def _seed_gradient(t: Tensor, gradient: Any, what: str, create_graph: bool) -> Any:
    """dJ/dt to start backward from: ones for a single number, else the given ``gradient``
    (kept as a tensor when create_graph=True, so its graph is differentiated too)."""
    if gradient is None:
        if t.data.size != 1:
            raise RuntimeError(
                f"{what}: a gradient can be created implicitly only for a single-element "
                f"output (a loss), but this tensor has shape {t.data.shape}. Reduce it to "
                f"a number first (e.g. J = out.sum() or out.mean()), or pass "
                f"{'grad_outputs' if what == 'grad' else 'gradient'}=np.ones({t.data.shape}) "
                f"for the vector-Jacobian product."
            )
        return np.array(1, t.data.dtype).reshape(t.data.shape)  # (np.ones_like: 2.5x the time)
    if isinstance(gradient, Tensor) and create_graph:
        values = gradient.data
    else:
        values = np.asarray(gradient.data if isinstance(gradient, Tensor) else gradient)
        if values.dtype.kind not in "fiub":  # complex would lose its imaginary part silently
            _refuse_dtype(values, what)
        values = np.array(values, dtype=t.data.dtype)
        gradient = values
    if values.shape != t.data.shape:
        raise ValueError(
            f"{what}: expected a gradient of shape {t.data.shape} (the tensor's shape), got "
            f"{values.shape}."
        )
    return gradient
