"""numpy's ufuncs and functions called on tensors (NEP 13 and NEP 18).

Layer: ``tensor``. ``Tensor.__array_ufunc__`` and ``Tensor.__array_function__`` hand numpy's calls
here, so the course's own numpy code runs on tensors and records the graph:

    Z = np.dot(W, A_prev) + b                   # matmul, then add: both recorded
    A = 1 / (1 + np.exp(-Z))                    # the course's sigmoid
    db = np.sum(dZ, axis=1, keepdims=True)      # Tensor.sum

Every supported function is listed by hand in ``UFUNCS`` and ``FUNCTIONS`` below (grep for the
numpy name). A numpy function that is not listed raises ``TypeError`` naming the tensor method to
use: numpy must never silently turn a tensor into a plain array and drop its graph.

Arguments follow numpy's signatures; scalars and arrays mixed with tensors follow the same dtype
rules as the operators (a Python number is "weak", numpy's NEP 50: a float tensor keeps its
dtype, an int tensor keeps its with an int; an array keeps its own and numpy's promotion
decides). Keyword arguments that write into existing arrays (``out=``) or
change the computation in ways a graph cannot record (``where=``, ``dtype=``, ``initial=``)
are refused with the reason.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from tinygrad_edu import ops
from tinygrad_edu.tensor.functions import concatenate, einsum, maximum, minimum, stack, where
from tinygrad_edu.tensor.tensor import Tensor, _const, _leaf, _one_axis, _run2

__all__ = ["FUNCTIONS", "UFUNCS", "array_function", "array_ufunc"]


# -------------------------------------------------------------------------------------------------
# Helpers
# -------------------------------------------------------------------------------------------------


def _pair(x: Any, y: Any) -> tuple[Tensor, Tensor]:
    """Both operands as tensors; a number or array beside a tensor becomes a constant."""
    if isinstance(x, Tensor):
        return x, _const(y, x)
    return _const(x, y), y


def _values(x: Any) -> Any:
    """The numbers inside a tensor (or the array itself): for results that carry no gradient."""
    return x.data if isinstance(x, Tensor) else x


def _no_grad_ufunc(ufunc: np.ufunc) -> Callable[..., Tensor]:
    """A ufunc whose result has no useful gradient (comparisons, sign, isnan): computed on the
    values and returned as a tensor that records nothing."""

    def run(*inputs: Any) -> Tensor:
        return _leaf(np.asarray(ufunc(*[_values(x) for x in inputs])))

    return run


def _no_grad_floor_divide(x: Any, y: Any) -> Tensor:
    """np.floor_divide: ``x // y``, a constant (piecewise constant, as np.floor)."""
    x, y = _pair(x, y)
    return x // y


def _divmod(x: Any, y: Any) -> tuple[Tensor, Tensor]:
    """np.divmod: ``(x // y, x % y)``; the remainder is recorded, the quotient is a constant."""
    x, y = _pair(x, y)
    return divmod(x, y)


def _is_zero(x: Any) -> bool:
    return not isinstance(x, (Tensor, np.ndarray)) and np.ndim(x) == 0 and x == 0


def _maximum(x: Any, y: Any) -> Tensor:
    """np.maximum: the course's relu ``np.maximum(0, Z)`` is ``relu`` (derivative 0 at Z = 0, as
    the course's ``relu_backward``); otherwise ``maximum`` (a tie splits the gradient)."""
    if _is_zero(x) and isinstance(y, Tensor):
        return y.relu()
    if _is_zero(y) and isinstance(x, Tensor):
        return x.relu()
    return maximum(x, y)


def _refuse(name: str, kwargs: dict, allowed: Sequence[str] = ()) -> None:
    """Raise for keyword arguments a graph cannot honour; ``dtype=None`` and similar are fine."""
    for key, value in kwargs.items():
        if key in allowed or value is None or (key == "casting" and value == "same_kind"):
            continue
        if key == "out":
            raise TypeError(
                f"numpy.{name}: out= writes into an existing array, which a tensor's graph cannot "
                f"record. Assign the result instead: z = np.{name}(...)."
            )
        raise TypeError(
            f"numpy.{name}: the keyword {key}={value!r} is not supported on tensors. Call it "
            f"without {key}= (or use the tensor's own method) to keep the graph."
        )


# numpy functions without a tensor version, but with a close way to write them on tensors.
_ALTERNATIVES = {
    "numpy.trace": "np.einsum('ii->', W) (or tg.einsum)",
    "numpy.diagonal": "np.einsum('ii->i', W) for a matrix's diagonal",
    "numpy.diff": "x[1:] - x[:-1] (along axis 0)",
    "numpy.inner": "x @ y for vectors, np.einsum for more axes",
    "numpy.vdot": "(x * y).sum()",
    "numpy.tensordot": "np.einsum with the axes written out",
    "numpy.moveaxis": "t.transpose(axes) with the full order of axes",
    "numpy.average": "np.mean(x), or (x * w).sum(axis) / w.sum(axis) for weights",
    "numpy.logaddexp": "tg.stack([x, y]).logsumexp(axis=0)",
    "numpy.reciprocal": "1 / x",
    "numpy.fabs": "abs(x) (t.abs())",
    "numpy.float_power": "x ** y",
    "numpy.hypot": "(x**2 + y**2).sqrt()",
    "numpy.fmax": "np.maximum",
    "numpy.fmin": "np.minimum",
    "numpy.nansum": "tg.where(t.isnan(), 0.0, t).sum()",
    "numpy.linalg.vector_norm": "t.norm(axis=..., keepdims=...)",
    "numpy.linalg.matmul": "x @ y",
    "numpy.linalg.outer": "np.outer(x, y)",
}


def _numpy_name(func: Any) -> str:
    """A numpy function's real path, e.g. numpy.linalg.inv (its __name__ alone is just inv)."""
    module = getattr(func, "__module__", None) or "numpy"
    if not module.startswith("numpy"):
        module = "numpy"
    return f"{module}.{func.__name__}"


def _method_hint(name: str) -> str:
    """Where to go instead of ``name`` (a tensor method of the same name, a close alternative)."""
    short = name.rsplit(".", 1)[-1]
    if short and hasattr(Tensor, short):
        return f" Use the tensor method t.{short}(...), which records the graph."
    if name in _ALTERNATIVES:
        return f" On tensors, write {_ALTERNATIVES[name]} instead: it records the graph."
    return (
        " Write it with tensor methods and operators (see the op table in the docs), or, if no "
        "gradient should flow through it, call it on t.data (the values) on purpose."
    )


def _unsupported(name: str) -> TypeError:
    """``name``: the function's full path (``numpy.linalg.inv``)."""
    return TypeError(
        f"{name}: expected a numpy function that tinygrad_edu implements for tensors, got "
        f"one it does not; calling it would drop the graph (no gradient).{_method_hint(name)}"
    )


# -------------------------------------------------------------------------------------------------
# Ufuncs (NEP 13): elementwise functions and operators with an ndarray on the left
# -------------------------------------------------------------------------------------------------

UFUNCS: dict[np.ufunc, Callable[..., Tensor | tuple[Tensor, Tensor]]] = {  # divmod: a pair
    np.add: lambda x, y: _run2(ops.Add(), *_pair(x, y)),
    np.subtract: lambda x, y: _run2(ops.Sub(), *_pair(x, y)),
    np.multiply: lambda x, y: _run2(ops.Mul(), *_pair(x, y)),
    np.true_divide: lambda x, y: x / y if isinstance(x, Tensor) else y.__rtruediv__(x),
    np.power: lambda x, y: _run2(ops.Pow(), *_pair(x, y)),
    np.remainder: lambda x, y: _run2(ops.Remainder(), *_pair(x, y)),  # also np.mod, and %
    np.floor_divide: _no_grad_floor_divide,
    np.divmod: _divmod,  # two outputs
    np.matmul: lambda x, y: _run2(ops.MatMul(), *_pair(x, y)),
    np.maximum: _maximum,
    np.minimum: minimum,
    np.negative: lambda x: -x,
    np.positive: lambda x: x,
    np.square: lambda x: x**2,
    np.exp: lambda x: x.exp(),
    np.log: lambda x: x.log(),
    np.sqrt: lambda x: x.sqrt(),
    np.absolute: lambda x: x.abs(),
    np.tanh: lambda x: x.tanh(),
    np.sin: lambda x: x.sin(),
    np.cos: lambda x: x.cos(),
    np.tan: lambda x: x.tan(),
    np.arcsin: lambda x: x.asin(),
    np.arccos: lambda x: x.acos(),
    np.arctan: lambda x: x.atan(),
    np.sinh: lambda x: x.sinh(),
    np.cosh: lambda x: x.cosh(),
    np.log2: lambda x: x.log2(),
    np.log10: lambda x: x.log10(),
    np.exp2: lambda x: x.exp2(),
    np.log1p: lambda x: x.log1p(),
    np.expm1: lambda x: x.expm1(),
    # No useful gradient: the result records nothing (sign and comparisons have derivative 0).
    np.sign: _no_grad_ufunc(np.sign),
    np.floor: _no_grad_ufunc(np.floor),
    np.ceil: _no_grad_ufunc(np.ceil),
    np.trunc: _no_grad_ufunc(np.trunc),
    np.rint: _no_grad_ufunc(np.rint),
    np.greater: _no_grad_ufunc(np.greater),
    np.greater_equal: _no_grad_ufunc(np.greater_equal),
    np.less: _no_grad_ufunc(np.less),
    np.less_equal: _no_grad_ufunc(np.less_equal),
    np.equal: _no_grad_ufunc(np.equal),
    np.not_equal: _no_grad_ufunc(np.not_equal),
    np.logical_and: _no_grad_ufunc(np.logical_and),
    np.logical_or: _no_grad_ufunc(np.logical_or),
    np.logical_not: _no_grad_ufunc(np.logical_not),
    np.isnan: _no_grad_ufunc(np.isnan),
    np.isinf: _no_grad_ufunc(np.isinf),
    np.isfinite: _no_grad_ufunc(np.isfinite),
}


# The tensor method that does what ``ufunc.reduce`` does (np.add.reduce is a sum).
_REDUCTIONS: dict[np.ufunc, str] = {
    np.add: "sum",
    np.maximum: "max",
    np.minimum: "min",
    np.multiply: "prod",
}


def array_ufunc(ufunc: np.ufunc, method: str, inputs: tuple, kwargs: dict) -> Any:
    """Run ``ufunc`` on tensors through the matching tensor op (``Tensor.__array_ufunc__``)."""
    name = ufunc.__name__
    if method != "__call__":
        # Only a reduction has a tensor method that does the same (np.add.reduce is t.sum);
        # accumulate, outer, at are other functions than the ufunc's own method.
        hint = _method_hint(_REDUCTIONS.get(ufunc, "") if method == "reduce" else "")
        if method == "outer" and ufunc in UFUNCS:
            extra = " or np.outer(x, y)." if ufunc is np.multiply else "."
            hint = f" Broadcast instead: np.{name}(x.reshape(-1, 1), y.reshape(1, -1)){extra}"
        raise TypeError(
            f"numpy.{name}.{method}: expected a plain call on tensors, got the ufunc method "
            f"'{method}', which tinygrad_edu does not record.{hint}"
        )
    _refuse(name, kwargs)
    handler = UFUNCS.get(ufunc)
    if handler is None:
        raise _unsupported(f"numpy.{name}")
    return handler(*inputs)


# -------------------------------------------------------------------------------------------------
# Functions (NEP 18): np.dot, np.sum, np.reshape, ...
# -------------------------------------------------------------------------------------------------


def _tensor(x: Any) -> Tensor:
    return x if isinstance(x, Tensor) else Tensor(x)


def _dot(a: Any, b: Any, out: Any = None) -> Tensor:
    """np.dot: a product of numbers, an inner product of vectors, or a matrix product."""
    _refuse("dot", {"out": out})
    a, b = _pair(a, b)
    return a.dot(b)


def _reduction(name: str) -> Callable[..., Tensor]:
    """np.sum, np.mean, np.max, ...: the tensor method of the same name with axis and keepdims."""

    def run(a: Any, axis: Any = None, **kwargs: Any) -> Tensor:
        keepdims = kwargs.pop("keepdims", False)
        ddof = kwargs.pop("ddof", None) if name in ("var", "std") else None
        # numpy 2's array-API name of ddof (np.var(x, correction=1))
        correction = kwargs.pop("correction", None) if name in ("var", "std") else None
        _refuse(name, kwargs)
        t = _tensor(a)
        if name in ("var", "std"):
            return getattr(t, name)(
                axis=axis, keepdims=bool(keepdims), ddof=ddof, correction=correction
            )
        return getattr(t, name)(axis=axis, keepdims=bool(keepdims))

    return run


def _norm(x: Any, ord: Any = None, axis: Any = None, keepdims: bool = False) -> Tensor:  # noqa: A002
    """np.linalg.norm: the Euclidean norm (ord=None or 2 for vectors, 'fro' for matrices)."""
    t = _tensor(x)
    # ord=2 is Euclidean only for vectors: for a matrix numpy means the largest singular value
    # (axis=None on a 2-d array, or two axes), which is not sqrt(sum(x**2)).
    vector = t.ndim == 1 if axis is None else np.ndim(axis) == 0 or len(axis) == 1
    euclid = ord is None or ord == "fro" or (ord == 2 and vector)
    if not euclid:
        what = " of a matrix (its largest singular value)" if ord == 2 else ""
        raise TypeError(
            f"numpy.linalg.norm: expected the Euclidean norm (ord=None, 2 for a vector or 'fro'), "
            f"got ord={ord!r}{what}; tensors implement that one (t.norm(axis=..., keepdims=...))."
        )
    return t.norm(axis=axis, keepdims=keepdims)


def _reshape(a: Any, *args: Any, **kwargs: Any) -> Tensor:
    """np.reshape(a, newshape) (numpy < 2.1 spelling) or np.reshape(a, shape=...)."""
    shape = args[0] if args else kwargs.pop("shape", kwargs.pop("newshape", None))
    order = kwargs.pop("order", "C")
    if order != "C":
        raise TypeError(f"numpy.reshape: expected order='C' on tensors, got order={order!r}.")
    _refuse("reshape", kwargs, allowed=("copy",))
    return _tensor(a).reshape(shape)


def _transpose(a: Any, axes: Any = None) -> Tensor:
    t = _tensor(a)
    return t.T if axes is None else t.transpose(axes)


def _swapaxes(a: Any, axis1: int, axis2: int) -> Tensor:
    t = _tensor(a)
    perm = list(range(t.ndim))
    i, j = perm[axis1], perm[axis2]
    perm[i], perm[j] = perm[j], perm[i]
    return t.transpose(tuple(perm))


def _concatenate(arrays: Sequence, axis: int | None = 0, out: Any = None, **kwargs: Any) -> Tensor:
    _refuse("concatenate", {"out": out, **kwargs})
    return concatenate(list(arrays), axis=axis)


def _stack(arrays: Sequence, axis: int = 0, out: Any = None, **kwargs: Any) -> Tensor:
    _refuse("stack", {"out": out, **kwargs})
    return stack(list(arrays), axis=axis)


def _split(ary: Any, indices_or_sections: Any, axis: int = 0) -> list[Tensor]:
    """np.split: pieces along ``axis`` (each a slice of the tensor, so gradients flow back)."""
    t = _tensor(ary)
    if t.ndim == 0:
        raise ValueError(
            "split: expected a tensor with at least 1 dimension, got a 0-d tensor (a single "
            "number), which has no axis to split along."
        )
    position = _one_axis(axis, t.ndim, "split")
    n = t.shape[position]
    if np.ndim(indices_or_sections) == 0:
        sections = int(indices_or_sections)
        if sections <= 0 or n % sections:
            raise ValueError(
                f"split: expected a number of sections that divides the axis length {n}, got "
                f"{sections}."
            )
        bounds = list(range(0, n + 1, n // sections)) if n else [0] * (sections + 1)
    else:
        bounds = [0, *[min(int(i), n) for i in indices_or_sections], n]
    pieces = []
    for start, stop in zip(bounds[:-1], bounds[1:], strict=True):
        index = [slice(None)] * t.ndim
        index[position] = slice(start, max(start, stop))
        pieces.append(t[tuple(index)])
    return pieces


def _atleast(ndim: int) -> Callable[..., Any]:
    """np.atleast_1d, np.atleast_2d, np.atleast_3d: numpy's rule for where the new axes of a
    smaller array go ((N,) becomes (1, N) and (1, N, 1)); reshapes, so gradients flow back."""

    def one(x: Any) -> Tensor:
        t = _tensor(x)
        if t.ndim >= ndim:
            return t
        if t.ndim == 0:
            shape: tuple[int, ...] = (1,) * ndim
        elif t.ndim == 1:
            shape = (1, t.shape[0]) if ndim == 2 else (1, t.shape[0], 1)
        else:  # (M, N) -> (M, N, 1)
            shape = (*t.shape, 1)
        return t.reshape(shape)

    def run(*arys: Any) -> Any:
        results = tuple(one(x) for x in arys)
        return results[0] if len(results) == 1 else results

    return run


def _vstack(tup: Sequence, *, dtype: Any = None, casting: str = "same_kind") -> Tensor:
    """np.vstack: rows on top of each other; a 1-D array of length N is a row (1, N)."""
    _refuse("vstack", {"dtype": dtype, "casting": casting})
    return concatenate([_atleast(2)(x) for x in tup], axis=0)


def _hstack(tup: Sequence, *, dtype: Any = None, casting: str = "same_kind") -> Tensor:
    """np.hstack: side by side; 1-D arrays are joined end to end (axis 0), others along axis 1."""
    _refuse("hstack", {"dtype": dtype, "casting": casting})
    arrays = [_atleast(1)(x) for x in tup]
    return concatenate(arrays, axis=0 if arrays and arrays[0].ndim == 1 else 1)


def _column_stack(tup: Sequence) -> Tensor:
    """np.column_stack: 1-D arrays become columns (N, 1), then joined along axis 1."""
    columns = []
    for x in tup:
        t = _tensor(x)
        columns.append(t.reshape(-1, 1) if t.ndim < 2 else t)
    return concatenate(columns, axis=1)


def _dstack(tup: Sequence) -> Tensor:
    """np.dstack: along the third axis, after np.atleast_3d."""
    return concatenate([_atleast(3)(x) for x in tup], axis=2)


def _outer(a: Any, b: Any, out: Any = None) -> Tensor:
    """np.outer: out[i, j] = a.ravel()[i] * b.ravel()[j], a column times a row (broadcast)."""
    _refuse("outer", {"out": out})
    a, b = _pair(a, b)
    return a.reshape(-1, 1) * b.reshape(1, -1)  # (M, 1) * (1, N) -> (M, N)


def _where(condition: Any, *xy: Any) -> Any:
    """np.where(cond, x, y) picks with gradients; np.where(cond) gives the indices (no gradient)."""
    if not xy:
        return tuple(_leaf(i) for i in np.nonzero(_values(condition)))
    if len(xy) != 2:
        raise TypeError("numpy.where: expected either 1 or 3 arguments (cond, x, y).")
    return where(_values(condition), *xy)


def _clip(a: Any, a_min: Any = None, a_max: Any = None, out: Any = None, **kwargs: Any) -> Tensor:
    lo = kwargs.pop("min", a_min)
    hi = kwargs.pop("max", a_max)
    _refuse("clip", {"out": out, **kwargs})
    if isinstance(lo, Tensor) or isinstance(hi, Tensor):
        raise TypeError("numpy.clip: expected numbers for the bounds on tensors, got a tensor.")
    return _tensor(a).clip(lo, hi)


def _squeeze(a: Any, axis: Any = None) -> Tensor:
    return _tensor(a).squeeze(axis)


def _expand_dims(a: Any, axis: Any) -> Tensor:
    t = _tensor(a)
    axes = (axis,) if np.ndim(axis) == 0 else tuple(axis)
    ndim = t.ndim + len(axes)
    for position in sorted(a % ndim for a in axes):
        t = t.unsqueeze(position)
    return t


def _broadcast_to(array: Any, shape: Any, subok: bool = False) -> Tensor:
    return _tensor(array).broadcast_to(tuple(np.atleast_1d(shape)) if np.ndim(shape) else (shape,))


def _ravel(a: Any, order: str = "C") -> Tensor:
    if order != "C":
        raise TypeError(f"numpy.ravel: expected order='C' on tensors, got order={order!r}.")
    return _tensor(a).reshape(-1)


def _array_split(ary: Any, indices_or_sections: Any, axis: int = 0) -> list[Tensor]:
    """np.array_split: like np.split, but a number of sections need not divide the axis."""
    t = _tensor(ary)
    if np.ndim(indices_or_sections) != 0:
        return _split(t, indices_or_sections, axis)
    position = _one_axis(axis, t.ndim, "array_split")
    n, sections = t.shape[position], int(indices_or_sections)
    if sections <= 0:
        raise ValueError(f"array_split: expected a number of sections > 0, got {sections}.")
    size, extra = divmod(n, sections)
    return list(t.split([size + 1] * extra + [size] * (sections - extra), position))


def _scan(name: str) -> Callable[..., Tensor]:
    """np.cumsum, np.cumprod: the tensor method with numpy's axis (None: flattened)."""

    def run(a: Any, axis: Any = None, dtype: Any = None, out: Any = None) -> Tensor:
        _refuse(name, {"dtype": dtype, "out": out})
        return getattr(_tensor(a), name)(axis)

    return run


def _sort(name: str) -> Callable[..., Tensor]:
    """np.sort, np.argsort: the tensor method (always a stable sort, so kind= is moot)."""

    def run(a: Any, axis: Any = -1, kind: Any = None, order: Any = None, **kwargs: Any) -> Tensor:
        kwargs.pop("stable", None)
        _refuse(name, {"order": order, **kwargs})
        t = _tensor(a)
        if axis is None:  # numpy: the flattened array
            t, axis = t.reshape(-1), 0
        return getattr(t, name)(axis)

    return run


def _einsum(*operands: Any, out: Any = None, optimize: Any = False, **kwargs: Any) -> Tensor:
    """np.einsum with its subscripts string first (optimize= is accepted: contractions of two or
    more operands always use numpy's optimized path here)."""
    _refuse("einsum", {"out": out, **kwargs}, allowed=("order", "casting"))
    return einsum(*operands)


def _pad(array: Any, pad_width: Any, mode: str = "constant", **kwargs: Any) -> Tensor:
    """np.pad with mode='constant' (zeros unless constant_values=): ``Tensor.pad``."""
    if mode != "constant":
        raise TypeError(
            f"numpy.pad: expected mode='constant' on tensors, got mode={mode!r}; other modes "
            f"can be built from slices and tg.concatenate."
        )
    value = kwargs.pop("constant_values", 0)
    _refuse("pad", kwargs)
    if np.ndim(value) != 0:
        raise TypeError(
            f"numpy.pad: expected one number for constant_values on tensors, got {value!r}."
        )
    return _tensor(array).pad(pad_width, float(value))


def _no_grad_method(handler: Callable[..., Tensor]) -> Callable[..., Tensor]:
    """A handler whose tensor method returns a result without gradient (indices, rounded values):
    marked as such, so the lists of what records the graph stay right."""

    def run(*args: Any, **kwargs: Any) -> Tensor:
        return handler(*args, **kwargs)

    return run


def _round(a: Any, decimals: int = 0, out: Any = None) -> Tensor:
    _refuse("round", {"out": out})
    return _tensor(a).round(decimals)


def _astype(x: Any, dtype: Any, /, *, copy: bool = True, device: Any = None) -> Tensor:
    """np.astype (numpy >= 2.1): ``t.astype`` (a cast to integers or bool cuts the graph)."""
    return _tensor(x).astype(dtype)


def _no_grad_function(func: Callable[..., Any]) -> Callable[..., Any]:
    """A function whose result carries no gradient (shapes, truth values, comparisons of values):
    computed on the values; arrays come back as tensors that record nothing."""

    def run(*args: Any, **kwargs: Any) -> Any:
        args = tuple([_values(a) for a in args])
        kwargs = {k: _values(v) for k, v in kwargs.items()}
        result = func(*args, **kwargs)
        return _leaf(result) if isinstance(result, np.ndarray) else result

    return run


def _like(fill: Callable[..., np.ndarray]) -> Callable[..., Tensor]:
    """np.zeros_like, np.ones_like, np.full_like: a new constant tensor shaped like the input."""

    def run(a: Any, *args: Any, **kwargs: Any) -> Tensor:
        return _leaf(fill(_values(a), *args, **kwargs))

    return run


FUNCTIONS: dict[Callable[..., Any], Callable[..., Any]] = {
    np.dot: _dot,
    np.sum: _reduction("sum"),
    np.mean: _reduction("mean"),
    np.max: _reduction("max"),
    np.amax: _reduction("max"),
    np.min: _reduction("min"),
    np.amin: _reduction("min"),
    np.var: _reduction("var"),
    np.std: _reduction("std"),
    np.linalg.norm: _norm,
    np.reshape: _reshape,
    np.transpose: _transpose,
    np.swapaxes: _swapaxes,
    np.concatenate: _concatenate,
    np.stack: _stack,
    np.split: _split,
    np.vstack: _vstack,
    np.hstack: _hstack,
    np.column_stack: _column_stack,
    np.dstack: _dstack,
    np.atleast_1d: _atleast(1),
    np.atleast_2d: _atleast(2),
    np.atleast_3d: _atleast(3),
    np.outer: _outer,
    np.where: _where,
    np.clip: _clip,
    np.squeeze: _squeeze,
    np.expand_dims: _expand_dims,
    np.broadcast_to: _broadcast_to,
    np.ravel: _ravel,
    np.prod: _reduction("prod"),
    np.argmax: _no_grad_method(_reduction("argmax")),
    np.argmin: _no_grad_method(_reduction("argmin")),
    np.cumsum: _scan("cumsum"),
    np.cumprod: _scan("cumprod"),
    np.sort: _sort("sort"),
    np.argsort: _no_grad_method(_sort("argsort")),
    np.einsum: _einsum,
    np.tril: lambda m, k=0: _tensor(m).tril(k),
    np.triu: lambda m, k=0: _tensor(m).triu(k),
    np.take_along_axis: lambda arr, indices, axis=-1: _tensor(arr).take_along_axis(indices, axis),
    np.repeat: lambda a, repeats, axis=None: _tensor(a).repeat_interleave(repeats, axis),
    np.tile: lambda A, reps: _tensor(A).tile(reps),  # noqa: N803 (numpy's argument name)
    np.flip: lambda m, axis=None: _tensor(m).flip(axis),
    np.array_split: _array_split,
    np.pad: _pad,
    np.round: _no_grad_method(_round),
    np.around: _no_grad_method(_round),
    **({np.astype: _astype} if hasattr(np, "astype") else {}),  # numpy >= 2.1
    np.zeros_like: _like(np.zeros_like),
    np.ones_like: _like(np.ones_like),
    np.full_like: _like(np.full_like),
    # No gradient: facts about the values or the shape.
    np.shape: _no_grad_function(np.shape),
    np.ndim: _no_grad_function(np.ndim),
    np.size: _no_grad_function(np.size),
    np.all: _no_grad_function(np.all),
    np.any: _no_grad_function(np.any),
    np.isclose: _no_grad_function(np.isclose),
    np.allclose: _no_grad_function(np.allclose),
    np.array_equal: _no_grad_function(np.array_equal),
    np.count_nonzero: _no_grad_function(np.count_nonzero),
    np.nonzero: _no_grad_function(np.nonzero),
}


def array_function(func: Callable[..., Any], types: tuple, args: tuple, kwargs: dict) -> Any:
    """Run the numpy function ``func`` on tensors (``Tensor.__array_function__``)."""
    for kind in types:  # NEP 18: leave arguments of other array libraries to them
        if not (issubclass(kind, Tensor) or issubclass(np.ndarray, kind)):
            return NotImplemented
    handler = FUNCTIONS.get(func)
    if handler is None:
        raise _unsupported(_numpy_name(func))
    return handler(*args, **kwargs)
