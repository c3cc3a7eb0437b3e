"""The ``Tensor``: a numpy array that records the operations applied to it.

Layer: ``tensor``, above ``ops`` and ``engine``. Every method is written out by hand and calls one
primitive op from ``ops`` (or composes other methods: mean, var, std, sub-expressions), so each op
can be found with grep. Creation functions (``zeros``, ``randn``, ...) live here too.

Semantics follow PyTorch (``backward``, ``grad``, ``requires_grad``, ``no_grad``) with numpy's
keywords (``axis=``, ``keepdims=``) and numpy's broadcasting and dtype rules. Python numbers and
lists become float64, as in the course's numpy code; float32 is opt-in and stays float32.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from tinygrad_edu import debug, engine, ops
from tinygrad_edu.engine import _GradMode

_new = object.__new__


def _as_array(data: Any, dtype=None) -> np.ndarray:
    """User data as an array: numpy arrays keep their dtype, Python numbers become float64."""
    if isinstance(data, np.ndarray):
        return data if dtype is None else data.astype(dtype, copy=False)
    if isinstance(data, np.generic):
        return np.asarray(data, dtype=dtype)
    if dtype is not None:
        return np.asarray(data, dtype=dtype)
    arr = np.asarray(data)
    if arr.dtype.kind in "iu":  # Python ints and int lists: float64, like the course's numpy code
        return arr.astype(np.float64)
    if arr.dtype.kind not in "fb":
        raise TypeError(
            f"Tensor: expected numbers, a (nested) list of numbers or a numpy array, got "
            f"{type(data).__name__} that numpy reads as dtype {arr.dtype}."
        )
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
    t.grad = None
    t.requires_grad = False
    t.name = None
    t._op = None
    t._parents = ()
    t._retain_grad = False
    return t


_CONSTANTS: dict = {}  # dtype -> {number: its constant leaf}; see _const


def _const(value: Any, like: Tensor) -> Tensor:
    """Wrap a Python number or array as a constant tensor for a binary op with ``like``.

    Python numbers take ``like``'s float dtype, so ``x32 * 2.0`` stays float32 (numpy would keep it
    float32 too, but a 0-d float64 *array* would not). Number constants are cached per dtype, so
    ``y = y * 1.0001`` in a loop makes one constant, not thousands (a tenth of the per-op cost
    of small tensors). The cache is bounded; 0.0 is not cached, since 0.0 == -0.0 as a key.
    """
    kind = type(value)  # exact type checks: cheaper than isinstance on the hot path
    if kind is float or kind is int:
        dtype = like.data.dtype
        cache = _CONSTANTS.get(dtype)
        if cache is None:
            cache = _CONSTANTS[dtype] = {}
        constant = cache.get(value)
        if constant is None:
            data = np.asarray(value, dtype=dtype) if dtype.kind == "f" else _as_array(value)
            constant = _leaf(data)
            if value:
                if len(cache) >= 1024:
                    cache.clear()
                cache[value] = constant
        return constant
    if isinstance(value, Tensor):
        return value
    if isinstance(value, (int, float)) and like.data.dtype.kind == "f":  # bool, numpy scalars
        return _leaf(np.asarray(value, dtype=like.data.dtype))
    return _leaf(_as_array(value))


def _run(op: ops.Op, parents: tuple[Tensor, ...]) -> Tensor:
    """Apply ``op`` to ``parents``; record the graph only if grad mode is on and an input needs
    it."""
    if _GradMode.enabled:
        needs = tuple([p.requires_grad for p in parents])
        record = True in needs
    else:
        record = False
    try:
        data = op.forward(*[p.data for p in parents])
    except ValueError as err:
        raise ValueError(op.describe_error([p.data.shape for p in parents], err)) from None
    if type(data) is not np.ndarray:  # numpy returns scalars for 0-d results; keep arrays
        data = np.asarray(data)
    if debug._active:  # a debug switch is on (sites, strict broadcasting, anomaly detection)
        debug.after_forward(op, parents, data, record)
    out = _new(Tensor)
    out.data = data
    out.grad = None
    out.name = None
    out._retain_grad = False
    if record:
        op.needs = needs
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


def _run2(op: ops.Op, x: Tensor, y: Tensor) -> Tensor:
    """``_run`` for two inputs (the hot path of arithmetic, without building lists)."""
    try:
        data = op.forward(x.data, y.data)
    except ValueError as err:
        raise ValueError(op.describe_error([x.data.shape, y.data.shape], err)) from None
    if type(data) is not np.ndarray:  # numpy returns scalars for 0-d results; keep arrays
        data = np.asarray(data)
    record = (x.requires_grad or y.requires_grad) and _GradMode.enabled
    if debug._active:  # a debug switch is on (sites, strict broadcasting, anomaly detection)
        debug.after_forward(op, (x, y), data, record)
    out = _new(Tensor)
    out.data = data
    out.grad = None
    out.name = None
    out._retain_grad = False
    if record:
        op.needs = (x.requires_grad, y.requires_grad)
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


def _run1(op: ops.Op, x: Tensor) -> Tensor:
    """``_run`` for one input (the hot path of elementwise ops, without tuple building)."""
    try:
        data = op.forward(x.data)
    except ValueError as err:
        raise ValueError(op.describe_error([x.data.shape], err)) from None
    if type(data) is not np.ndarray:  # numpy returns scalars for 0-d results; keep arrays
        data = np.asarray(data)
    record = x.requires_grad and _GradMode.enabled
    if debug._active:  # a debug switch is on (sites, strict broadcasting, anomaly detection)
        debug.after_forward(op, (x,), data, record)
    out = _new(Tensor)
    out.data = data
    out.grad = None
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


class Tensor:
    """An n-dimensional array that records operations for automatic differentiation.

    Args:
        data: a number, a (nested) list, or a numpy array. Python numbers and lists become float64;
            numpy arrays keep their dtype unless ``dtype`` is given.
        requires_grad: record operations on this tensor so that ``backward()`` fills ``.grad``.
        dtype: numpy dtype to convert ``data`` to.
        name: a label used in printed output and graph drawings (``'a'``, ``'W1'``).

    ``.grad`` is a numpy array with the tensor's shape: dJ/dtensor after ``J.backward()``, the
    course's ``dvar``. Gradients accumulate over backward calls until ``zero_grad()``.

    >>> a = Tensor(5.0, requires_grad=True, name="a")
    >>> J = 3 * (a + 2.0)
    >>> J.backward()
    >>> a.grad
    array(3.)
    """

    __slots__ = ("data", "grad", "requires_grad", "name", "_op", "_parents", "_retain_grad",
                 "__weakref__")  # fmt: skip

    # numpy defers to Tensor's reflected operators: ndarray + Tensor calls Tensor.__radd__.
    __array_ufunc__ = None

    def __init__(self, data: Any, requires_grad: bool = False, dtype=None, name: str | None = None):
        if isinstance(data, Tensor):
            data = data.data
        self.data: np.ndarray = _as_array(data, dtype)
        if requires_grad:
            _check_grad_dtype(self.data)
        self.grad: np.ndarray | None = None
        self.requires_grad: bool = bool(requires_grad)
        self.name: str | None = name
        self._op: ops.Op | None = None
        self._parents: tuple[Tensor, ...] = ()
        self._retain_grad = False

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
        """Number of elements."""
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

    def __bool__(self) -> bool:
        if self.data.size != 1:
            raise ValueError(
                f"bool: the truth value of a tensor with {self.data.size} elements is ambiguous. "
                f"Use (t > 0).data.any() or .all()."
            )
        return bool(self.data)

    def __float__(self) -> float:
        return float(self.item())

    def __array__(self, dtype=None, copy=None) -> np.ndarray:
        """Let ``np.asarray(t)`` read the values (no gradient flows through numpy functions)."""
        return self.data if dtype is None else self.data.astype(dtype)

    # -- conversion -----------------------------------------------------------------------------

    def item(self) -> float:
        """The value of a single-element tensor as a Python number.

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
        self, gradient: Any = None, retain_graph: bool = False, retain_grads: bool = False
    ) -> None:
        """Compute dJ/dx for every leaf x that requires grad, where J is this tensor.

        Args:
            gradient: dJ/dself. Leave it out when ``self`` holds a single number (a loss).
            retain_graph: keep what ops saved so ``backward`` can run through this graph again.
            retain_grads: also keep ``.grad`` on every intermediate tensor (``dv``, ``du`` in the
                course's J = 3(a + bc)) for teaching and drawing. Off by default to save memory;
                ``t.retain_grad()`` keeps a single one.

        >>> a, b = Tensor(5.0, requires_grad=True), Tensor(3.0, requires_grad=True)
        >>> J = a * b
        >>> J.backward()
        >>> a.grad, b.grad
        (array(3.), array(5.))
        """
        if not self.requires_grad:
            raise RuntimeError(
                "backward: this tensor does not require grad, so there is no graph to "
                "differentiate. Create the inputs with requires_grad=True (e.g. "
                "Tensor(5.0, requires_grad=True)) and compute outside no_grad() and without "
                ".detach()."
            )
        if gradient is None:
            if self.data.size != 1:
                raise RuntimeError(
                    f"backward: a gradient can be created implicitly only for a single-element "
                    f"output (a loss), but this tensor has shape {self.data.shape}. Reduce it to "
                    f"a number first (e.g. J = out.sum() or out.mean()), or pass "
                    f"gradient=np.ones({self.data.shape}) for the vector-Jacobian product."
                )
            gradient = np.ones_like(self.data)
        else:
            gradient = np.array(gradient.data if isinstance(gradient, Tensor) else gradient,
                                dtype=self.data.dtype)  # fmt: skip
            if gradient.shape != self.data.shape:
                raise ValueError(
                    f"backward: expected a gradient of shape {self.data.shape} (the tensor's "
                    f"shape), got {gradient.shape}."
                )
        engine.backward(self, gradient, retain_graph=retain_graph, retain_grads=retain_grads)

    def zero_grad(self) -> None:
        """Forget the accumulated gradient (``.grad = None``)."""
        self.grad = None

    def detach(self) -> Tensor:
        """The same values (shared memory) as a new leaf that records nothing.

        >>> x = Tensor([1.0, 2.0], requires_grad=True)
        >>> (x * 2).detach().requires_grad
        False
        """
        return _leaf(self.data)

    def requires_grad_(self, requires_grad: bool = True) -> Tensor:
        """Turn gradient recording for this leaf on or off, in place; returns ``self``."""
        if not self.is_leaf:
            raise RuntimeError(
                f"requires_grad_: only leaf tensors can change requires_grad; this one was made by "
                f"'{self._op.name}'. Use .detach() to get a leaf."
            )
        if requires_grad:
            _check_grad_dtype(self.data, "requires_grad_")
        self.requires_grad = bool(requires_grad)
        return self

    def retain_grad(self) -> Tensor:
        """Keep ``.grad`` on this intermediate tensor after backward (leaves always keep it)."""
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
        if self.requires_grad and _GradMode.enabled:
            kind = "a leaf" if self._op is None else f"the result of '{self._op.name}'"
            raise RuntimeError(
                f"{what}: expected a tensor that records no gradient, got {kind} with "
                f"requires_grad=True while gradients are recorded; changing it in place would "
                f"corrupt the graph. Update parameters inside `with tinygrad_edu.no_grad():` (as "
                f"optimizers do), or use the out-of-place form (x = x + y)."
            )
        if isinstance(value, Tensor):
            if value.requires_grad and _GradMode.enabled:
                raise RuntimeError(
                    f"{what}: expected a value that records no gradient, got one with "
                    f"requires_grad=True; an in-place write does not pass gradients on to it. "
                    f"Build the result out of place instead (where, concatenate, stack)."
                )
            return value.data
        return value

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
        """In place: overwrite the values with ``src`` (broadcast to self's shape); returns self."""
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
        """In place: limit the values to [lo, hi]; returns ``self``."""
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
        if isinstance(index, Tensor):
            index = index.data
        elif isinstance(index, tuple):
            index = tuple(i.data if isinstance(i, Tensor) else i for i in index)
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

    def __truediv__(self, other) -> Tensor:
        return _run2(ops.Div(), self, _const(other, self))

    def __rtruediv__(self, other) -> Tensor:
        return _run2(ops.Div(), _const(other, self), self)

    def __pow__(self, exponent) -> Tensor:
        return _run2(ops.Pow(), self, _const(exponent, self))

    def __rpow__(self, base) -> Tensor:
        return _run2(ops.Pow(), _const(base, self), self)

    def __matmul__(self, other) -> Tensor:
        return _run2(ops.MatMul(), self, _const(other, self))

    def __rmatmul__(self, other) -> Tensor:
        return _run2(ops.MatMul(), _const(other, self), self)

    # Augmented assignment follows PyTorch: ``w -= lr * w.grad`` inside ``no_grad()`` updates ``w``
    # in place (it stays the same parameter), while ``total += loss`` on tensors that record a
    # graph builds a new tensor, exactly as ``total = total + loss`` would.

    def _records(self, other) -> bool:
        return _GradMode.enabled and (
            self.requires_grad or (isinstance(other, Tensor) and other.requires_grad)
        )

    def __iadd__(self, other) -> Tensor:
        return self + other if self._records(other) else self.add_(other)

    def __isub__(self, other) -> Tensor:
        return self - other if self._records(other) else self.sub_(other)

    def __imul__(self, other) -> Tensor:
        return self * other if self._records(other) else self.mul_(other)

    def __itruediv__(self, other) -> Tensor:
        return self / other if self._records(other) else self.div_(other)

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
        """Limit values to [lo, hi]; the gradient passes where lo <= x <= hi (inclusive)."""
        if lo is None and hi is None:
            raise ValueError("clip: expected at least one of lo and hi, got neither.")
        return _run1(ops.Clip(lo, hi), self)

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

    def softmax(self, axis: int = -1) -> Tensor:
        """exp(x) / sum(exp(x)) along ``axis`` (stable for any finite input)."""
        return _run1(ops.Softmax(_one_axis(axis, self.ndim, "softmax")), self)

    def log_softmax(self, axis: int = -1) -> Tensor:
        """log(softmax(x)) along ``axis``, computed without forming softmax (stable)."""
        return _run1(ops.LogSoftmax(_one_axis(axis, self.ndim, "log_softmax")), self)

    def astype(self, dtype) -> Tensor:
        """A copy converted to ``dtype``; the gradient is converted back."""
        return _run1(ops.AsType(dtype), self)

    # -- reductions -----------------------------------------------------------------------------

    def sum(self, axis=None, keepdims: bool = False) -> Tensor:
        """Sum over ``axis`` (None: all; int; negative; tuple), as ``np.sum``.

        >>> Tensor([[1.0, 2.0], [3.0, 4.0]]).sum(axis=1, keepdims=True)
        Tensor([[3.],
                [7.]])
        """
        return _run1(ops.Sum(ops.normalize_axis(axis, self.ndim, "sum"), keepdims), self)

    def mean(self, axis=None, keepdims: bool = False) -> Tensor:
        """Mean over ``axis``, as ``np.mean`` (composite: sum / count)."""
        axes = ops.normalize_axis(axis, self.ndim, "mean")
        count = self.data.size if axes is None else int(np.prod([self.shape[a] for a in axes]))
        if count == 0:
            raise ValueError(f"mean: expected a non-empty tensor, got shape {self.shape}.")
        return self.sum(axis=axes, keepdims=keepdims) / count

    def max(self, axis=None, keepdims: bool = False) -> Tensor:
        """Maximum over ``axis``; tied maxima share the gradient evenly."""
        return _run1(ops.Max(ops.normalize_axis(axis, self.ndim, "max"), keepdims), self)

    def min(self, axis=None, keepdims: bool = False) -> Tensor:
        """Minimum over ``axis``; tied minima share the gradient evenly."""
        return _run1(ops.Min(ops.normalize_axis(axis, self.ndim, "min"), keepdims), self)

    def var(self, axis=None, keepdims: bool = False, ddof: int = 0) -> Tensor:
        """Variance over ``axis`` with numpy's default ``ddof=0`` (composite)."""
        axes = ops.normalize_axis(axis, self.ndim, "var")
        count = self.data.size if axes is None else int(np.prod([self.shape[a] for a in axes]))
        if count - ddof <= 0:
            raise ValueError(
                f"var: expected more than ddof={ddof} elements along the reduced axes, got {count}."
            )
        centered = self - self.mean(axis=axes, keepdims=True)
        return (centered * centered).sum(axis=axes, keepdims=keepdims) / (count - ddof)

    def std(self, axis=None, keepdims: bool = False, ddof: int = 0) -> Tensor:
        """Standard deviation, sqrt(var), with numpy's default ``ddof=0`` (composite)."""
        return self.var(axis=axis, keepdims=keepdims, ddof=ddof).sqrt()

    def logsumexp(self, axis=None, keepdims: bool = False) -> Tensor:
        """log(sum(exp(x))) over ``axis``, stable at +-1000 in float32 and float64."""
        axes = ops.normalize_axis(axis, self.ndim, "logsumexp")
        return _run1(ops.LogSumExp(axes, keepdims), self)

    def norm(self, axis=None, keepdims: bool = False) -> Tensor:
        """Euclidean (L2) norm over ``axis``, like ``np.linalg.norm`` (gradient 0 at the origin)."""
        return _run1(ops.Norm(ops.normalize_axis(axis, self.ndim, "norm"), keepdims), self)

    # -- shape ----------------------------------------------------------------------------------

    def reshape(self, *shape) -> Tensor:
        """The same elements in a new shape; one dimension may be -1.

        >>> Tensor([1.0, 2.0, 3.0, 4.0]).reshape(2, 2).shape
        (2, 2)
        """
        if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
            shape = tuple(shape[0])
        return _run1(ops.Reshape(shape), self)

    def transpose(self, *axes) -> Tensor:
        """Permute the axes (reverse them if none are given), as ``np.transpose``."""
        if len(axes) == 1 and isinstance(axes[0], (tuple, list)):
            axes = tuple(axes[0])
        if not axes:
            return self.T
        if sorted(a % max(self.ndim, 1) for a in axes) != list(range(self.ndim)):
            raise ValueError(
                f"transpose: axes {axes} are not a permutation of 0..{self.ndim - 1} for a tensor "
                f"of shape {self.shape}."
            )
        return _run1(ops.Transpose(tuple(a % self.ndim for a in axes)), self)

    def permute(self, *axes) -> Tensor:
        """Alias of ``transpose(*axes)`` (PyTorch's name)."""
        return self.transpose(*axes)

    def flatten(self, start_dim: int = 0, end_dim: int = -1) -> Tensor:
        """Merge axes ``start_dim..end_dim`` into one (all of them by default), as PyTorch's.

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

    def squeeze(self, axis=None) -> Tensor:
        """Remove axes of length 1 (all of them, or those in ``axis``), as ``np.squeeze``."""
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

    def unsqueeze(self, axis: int) -> Tensor:
        """Insert an axis of length 1 at ``axis``, as ``np.expand_dims``."""
        (position,) = ops.normalize_axis(axis, self.ndim + 1, "unsqueeze")
        shape = list(self.shape)
        shape.insert(position, 1)
        return self.reshape(tuple(shape))

    def broadcast_to(self, shape: Sequence[int]) -> Tensor:
        """Repeat along broadcast axes to ``shape``; backward sums over them (numpy's rules)."""
        return _run1(ops.Expand(tuple(shape)), self)

    def expand(self, *shape) -> Tensor:
        """Alias of ``broadcast_to`` (PyTorch's name)."""
        if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
            shape = tuple(shape[0])
        return self.broadcast_to(shape)

    def __getitem__(self, index) -> Tensor:
        if isinstance(index, Tensor):
            index = index.data
        elif isinstance(index, tuple):
            index = tuple(i.data if isinstance(i, Tensor) else i for i in index)
        elif isinstance(index, list):
            index = np.asarray(index)
        return _run1(ops.GetItem(index), self)

    def pad(self, pad_width, value: float = 0.0) -> Tensor:
        """Pad with ``value`` (numpy's pad widths; negative widths crop), as ``np.pad``.

        >>> Tensor([[1.0]]).pad(1).tolist()
        [[0.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 0.0]]
        """
        widths = ops.normalize_pad_width(pad_width, self.ndim, "pad")
        return _run1(ops.Pad(widths, value), self)


def _one_axis(axis: int, ndim: int, op: str) -> int:
    if not isinstance(axis, (int, np.integer)):
        raise TypeError(f"{op}: expected a single int axis, got {axis!r}.")
    return ops.normalize_axis(axis, ndim, op)[0]


# -------------------------------------------------------------------------------------------------
# Functions of several tensors
# -------------------------------------------------------------------------------------------------


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
    (position,) = ops.normalize_axis(axis, parents[0].ndim, "concatenate")
    return _run(ops.Concatenate(position), parents)


def stack(tensors: Sequence[Tensor], axis: int = 0) -> Tensor:
    """Join tensors along a new axis, as ``np.stack`` (composite: unsqueeze + concatenate)."""
    parents = _tensors(tensors, "stack")
    shapes = {t.shape for t in parents}
    if len(shapes) > 1:
        raise ValueError(f"stack: expected tensors of one shape, got {sorted(shapes)}.")
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


# -------------------------------------------------------------------------------------------------
# Creation functions
# -------------------------------------------------------------------------------------------------


def _shape(shape: tuple) -> tuple[int, ...]:
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        return tuple(shape[0])
    return tuple(shape)


def zeros(*shape, dtype=np.float64, requires_grad: bool = False, name: str | None = None) -> Tensor:
    """A tensor of zeros: ``zeros(2, 3)`` or ``zeros((2, 3))``."""
    return Tensor(np.zeros(_shape(shape), dtype=dtype), requires_grad=requires_grad, name=name)


def ones(*shape, dtype=np.float64, requires_grad: bool = False, name: str | None = None) -> Tensor:
    """A tensor of ones: ``ones(2, 3)`` or ``ones((2, 3))``."""
    return Tensor(np.ones(_shape(shape), dtype=dtype), requires_grad=requires_grad, name=name)


def full(shape, fill_value: float, dtype=np.float64, requires_grad: bool = False) -> Tensor:
    """A tensor of ``shape`` filled with ``fill_value``."""
    return Tensor(np.full(shape, fill_value, dtype=dtype), requires_grad=requires_grad)


def zeros_like(t: Tensor, requires_grad: bool = False) -> Tensor:
    """Zeros with the shape and dtype of ``t``."""
    return Tensor(np.zeros_like(t.data), requires_grad=requires_grad)


def ones_like(t: Tensor, requires_grad: bool = False) -> Tensor:
    """Ones with the shape and dtype of ``t``."""
    return Tensor(np.ones_like(t.data), requires_grad=requires_grad)


def arange(*args, dtype=None) -> Tensor:
    """Evenly spaced values, exactly as ``np.arange`` (integer arguments give an integer tensor,
    which suits indexing).

    >>> arange(3)
    Tensor([0, 1, 2], dtype=int64)
    """
    return Tensor(np.arange(*args, dtype=dtype))


def _draw(rng, method: str, shape: tuple[int, ...]) -> np.ndarray:
    if rng is None:  # numpy's legacy global RNG: np.random.seed(1) reproduces the course
        return getattr(np.random, "randn" if method == "normal" else "rand")(*shape)
    if isinstance(rng, np.random.Generator):
        return rng.standard_normal(shape) if method == "normal" else rng.random(shape)
    if isinstance(rng, np.random.RandomState):
        return rng.randn(*shape) if method == "normal" else rng.rand(*shape)
    raise TypeError(
        f"random: expected rng to be None, numpy.random.Generator or RandomState, got "
        f"{type(rng).__name__}."
    )


def randn(*shape, rng=None, dtype=np.float64, requires_grad: bool = False, name=None) -> Tensor:
    """Standard-normal samples. Without ``rng``, draws ``np.random.randn(*shape)`` from numpy's
    global RNG, so ``np.random.seed(1)`` gives the course's numbers.

    >>> np.random.seed(1); float(randn(1).item())
    1.6243453636632417
    """
    data = _draw(rng, "normal", _shape(shape)).astype(dtype, copy=False)
    return Tensor(data, requires_grad=requires_grad, name=name)


def rand(*shape, rng=None, dtype=np.float64, requires_grad: bool = False, name=None) -> Tensor:
    """Uniform samples in [0, 1), from numpy's global RNG unless ``rng`` is given."""
    data = _draw(rng, "uniform", _shape(shape)).astype(dtype, copy=False)
    return Tensor(data, requires_grad=requires_grad, name=name)
