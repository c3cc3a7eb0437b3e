"""Creation functions (tensor, zeros, ones, full, eye, arange, linspace, *_like) and random ones
(rand, randn, randint, multinomial, choice, manual_seed).

Layer: ``tensor``.

Random draws come from numpy's legacy global generator unless an ``rng`` (a
``numpy.random.Generator`` or ``RandomState``) is passed, so ``np.random.seed(1)`` (or
``tg.manual_seed(1)``, the same call) reproduces the course's numbers, which it draws with
``np.random.randn``, ``np.random.rand`` and ``np.random.choice``.
"""

from __future__ import annotations

import numpy as np

from tinygrad_edu.tensor.tensor import Tensor, _warn_detached_copy


def tensor(data, *, dtype=None, requires_grad: bool = False, name: str | None = None) -> Tensor:
    """A new tensor holding a copy of ``data``: PyTorch's ``torch.tensor``, called as
    ``tg.tensor(data, dtype=None, requires_grad=False)``.

    Unlike ``Tensor(array)``, which wraps a numpy array without copying it, the result never
    shares memory with ``data``. The dtype rules are ``Tensor``'s: Python numbers and (nested)
    lists of them become float64, as in the course's numpy code (``torch.tensor([1, 2])`` would be
    int64 there); numpy arrays keep their dtype; ``dtype=`` converts. A tensor as ``data`` gives
    a copy of its values without its graph (a warning says so when it requires grad, as
    ``Tensor(t)`` does; ``t.detach()`` says it on purpose).

    Args:
        data: a number, a (nested) list of numbers, a numpy array or a tensor.
        dtype: a numpy dtype to convert to (e.g. ``np.float32``).
        requires_grad: record operations on the new tensor (floating-point dtypes only).
        name: a label for printed output and graph drawings.

    Raises:
        TypeError: ``data`` is not numbers (strings, objects, complex), or ``requires_grad``
            for an integer or bool dtype.

    >>> import tinygrad_edu as tg
    >>> tg.tensor([[1, 2]], requires_grad=True)
    Tensor([[1., 2.]], requires_grad=True)
    >>> tg.tensor(1.5).dtype, tg.tensor([1, 2], dtype=np.int64).dtype
    (dtype('float64'), dtype('int64'))
    """
    if isinstance(data, Tensor):
        if data.requires_grad:
            _warn_detached_copy(data)
        data = data.data.copy()
    elif isinstance(data, (np.ndarray, np.generic)):
        data = np.array(data)  # a copy (a list is copied by numpy when it builds the array)
    return Tensor(data, requires_grad=requires_grad, dtype=dtype, name=name)


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


def full(shape, fill_value: float, dtype=np.float64, requires_grad: bool = False,
         name: str | None = None) -> Tensor:  # fmt: skip
    """A tensor of ``shape`` filled with ``fill_value`` (float64 unless ``dtype`` is given).

    >>> full((2,), 7.0)
    Tensor([7., 7.])
    """
    shape = (shape,) if isinstance(shape, (int, np.integer)) else tuple(shape)
    return Tensor(np.full(shape, fill_value, dtype=dtype), requires_grad=requires_grad, name=name)


def _values(t) -> np.ndarray:
    return t.data if isinstance(t, Tensor) else np.asarray(t)


def zeros_like(t: Tensor, dtype=None, requires_grad: bool = False) -> Tensor:
    """Zeros with the shape and dtype (unless ``dtype`` is given) of ``t``.

    >>> zeros_like(Tensor([1.0, 2.0]))
    Tensor([0., 0.])
    """
    return Tensor(np.zeros_like(_values(t), dtype=dtype), requires_grad=requires_grad)


def ones_like(t: Tensor, dtype=None, requires_grad: bool = False) -> Tensor:
    """Ones with the shape and dtype (unless ``dtype`` is given) of ``t``.

    >>> ones_like(Tensor([1.0, 2.0]))
    Tensor([1., 1.])
    """
    return Tensor(np.ones_like(_values(t), dtype=dtype), requires_grad=requires_grad)


def full_like(t: Tensor, fill_value: float, dtype=None, requires_grad: bool = False) -> Tensor:
    """``fill_value`` in the shape and dtype (unless ``dtype`` is given) of ``t``.

    >>> full_like(Tensor([1.0, 2.0]), 0.5)
    Tensor([0.5, 0.5])
    """
    data = np.full_like(_values(t), fill_value, dtype=dtype)
    return Tensor(data, requires_grad=requires_grad)


def eye(n: int, m: int | None = None, k: int = 0, dtype=np.float64,
        requires_grad: bool = False) -> Tensor:  # fmt: skip
    """The identity matrix (n, m), ones on diagonal ``k``, as ``np.eye`` and ``torch.eye``.

    >>> eye(2)
    Tensor([[1., 0.],
            [0., 1.]])
    """
    return Tensor(np.eye(n, m, k, dtype=dtype), requires_grad=requires_grad)


def linspace(start: float, stop: float, num: int = 50, *, endpoint: bool = True, dtype=None,
             steps: int | None = None, requires_grad: bool = False) -> Tensor:  # fmt: skip
    """``num`` evenly spaced values from ``start`` to ``stop`` (included unless
    ``endpoint=False``), as ``np.linspace``; PyTorch's ``steps=`` is ``num``. float64 unless
    ``dtype`` is given.

    >>> linspace(0, 1, 5)
    Tensor([0.  , 0.25, 0.5 , 0.75, 1.  ])
    """
    num = num if steps is None else steps
    data = np.linspace(start, stop, num, endpoint=endpoint, dtype=dtype)
    return Tensor(data, requires_grad=requires_grad)


def arange(*args, dtype=None) -> Tensor:
    """Evenly spaced values, exactly as ``np.arange`` (integer arguments give an integer tensor,
    which suits indexing).

    >>> arange(3)
    Tensor([0, 1, 2], dtype=int64)
    """
    return Tensor(np.arange(*args, dtype=dtype))


def manual_seed(seed: int) -> None:
    """Seed the generator that random functions use by default: numpy's legacy global one, so
    this is ``np.random.seed(seed)`` (PyTorch's name). The course seeds with
    ``np.random.seed(1)``; either spelling reproduces its numbers.

    >>> manual_seed(1); float(randn(1).item())
    1.6243453636632417
    """
    np.random.seed(seed)


def _generator(rng, what: str):
    """``rng`` checked, or, when it is None, the ``np.random`` module itself: its functions
    (``randn``, ``rand``, ``randint``, ``choice``) draw from numpy's global legacy generator and
    take the same arguments as a ``RandomState``'s methods."""
    if rng is None:
        return np.random
    if isinstance(rng, (np.random.Generator, np.random.RandomState)):
        return rng
    raise TypeError(
        f"{what}: expected rng to be None, numpy.random.Generator or RandomState, got "
        f"{type(rng).__name__}."
    )


def _draw(rng, method: str, shape: tuple[int, ...]) -> np.ndarray:
    rng = _generator(rng, "random")  # None: numpy's legacy global RNG, as the course draws
    if isinstance(rng, np.random.Generator):
        return rng.standard_normal(shape) if method == "normal" else rng.random(shape)
    return rng.randn(*shape) if method == "normal" else rng.rand(*shape)


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


def randn_like(t: Tensor, rng=None, dtype=None, requires_grad: bool = False) -> Tensor:
    """Standard-normal samples in the shape (and float dtype, unless given) of ``t``.

    >>> np.random.seed(1); randn_like(Tensor([0.0, 0.0]))
    Tensor([ 1.62434536, -0.61175641])
    """
    data = _values(t)
    dtype = dtype if dtype is not None else data.dtype if data.dtype.kind == "f" else np.float64
    return randn(*data.shape, rng=rng, dtype=dtype, requires_grad=requires_grad)


def rand_like(t: Tensor, rng=None, dtype=None, requires_grad: bool = False) -> Tensor:
    """Uniform samples in [0, 1) in the shape (and float dtype, unless given) of ``t``.

    >>> rand_like(Tensor([[0.0, 0.0]])).shape
    (1, 2)
    """
    data = _values(t)
    dtype = dtype if dtype is not None else data.dtype if data.dtype.kind == "f" else np.float64
    return rand(*data.shape, rng=rng, dtype=dtype, requires_grad=requires_grad)


def randint(low: int, high: int | None = None, size=(), *, rng=None, dtype=np.int64) -> Tensor:
    """Random integers in [low, high) (in [0, low) without ``high``), as
    ``np.random.randint``; PyTorch's ``randint(high, size)`` works too. From numpy's global
    generator unless ``rng`` is given.

    >>> np.random.seed(0); randint(10, size=(3,))
    Tensor([5, 0, 3], dtype=int64)
    """
    if isinstance(high, (tuple, list)):  # torch.randint(high, size)
        low, high, size = 0, low, high
    generator = _generator(rng, "randint")
    size = (size,) if isinstance(size, (int, np.integer)) else tuple(size)
    if isinstance(generator, np.random.Generator):
        data = generator.integers(low, high, size=size, dtype=dtype)
    else:
        data = generator.randint(low, high, size=size, dtype=dtype)
    return Tensor(np.asarray(data))


def multinomial(probs, num_samples: int = 1, replacement: bool = False, *, rng=None) -> Tensor:
    """Draw ``num_samples`` category indices from each distribution, PyTorch's
    ``torch.multinomial``: ``probs`` holds non-negative weights (not necessarily summing to 1)
    over the last axis, one distribution ``(V,)`` or one per row ``(N, V)``; the result is int64,
    ``(num_samples,)`` or ``(N, num_samples)``, and carries no gradient.

    Each distribution is drawn with ``np.random.choice(V, num_samples, replace, p)`` from
    numpy's global generator (or ``rng``), so after ``np.random.seed(s)`` one draw from a
    distribution that sums to 1 is exactly the course's ``np.random.choice(V, p=p)``.

    Raises:
        ValueError: ``probs`` is not 1-D or 2-D, has a negative or non-finite weight, sums to 0,
            or has fewer nonzero weights than samples drawn without replacement.

    >>> np.random.seed(0)
    >>> multinomial(Tensor([[0.0, 1.0], [1.0, 0.0]]), 2, replacement=True)
    Tensor([[1, 1],
            [0, 0]], dtype=int64)
    """
    weights = np.asarray(_values(probs), dtype=np.float64)
    if weights.ndim not in (1, 2):
        raise ValueError(
            f"multinomial: expected one distribution (V,) or a batch (N, V), got shape "
            f"{weights.shape}."
        )
    generator = _generator(rng, "multinomial")
    rows = [_choice_row(generator, w, num_samples, replacement) for w in np.atleast_2d(weights)]
    out = np.array(rows, dtype=np.int64).reshape(*weights.shape[:-1], num_samples)
    return Tensor(out)


def _probabilities(w: np.ndarray, what: str) -> np.ndarray:
    """Weights as the probabilities numpy's choice accepts; unchanged when they already sum to
    1 within numpy's tolerance, so the draw is bit for bit numpy's on the same ``p``."""
    if not np.all(np.isfinite(w)) or np.any(w < 0):
        raise ValueError(f"{what}: expected finite, non-negative weights, got {w.tolist()[:8]}.")
    total = w.sum()
    if total <= 0:
        raise ValueError(f"{what}: expected weights with a positive sum, got all zeros.")
    return w if abs(total - 1.0) <= np.sqrt(np.finfo(np.float64).eps) else w / total


def _choice_row(generator, w: np.ndarray, num_samples: int, replacement: bool) -> np.ndarray:
    p = _probabilities(w, "multinomial")
    if not replacement and num_samples > np.count_nonzero(p):
        raise ValueError(
            f"multinomial: expected at most {np.count_nonzero(p)} samples without replacement "
            f"(the number of nonzero weights), got num_samples={num_samples}."
        )
    return generator.choice(len(p), num_samples, replace=replacement, p=p)


def choice(a, size=None, replace: bool = True, p=None, *, rng=None):
    """``np.random.choice`` on tensors: elements of ``a`` (or of ``arange(a)`` for an int),
    drawn with probabilities ``p`` (a tensor or array; its values are read, no gradient).

    With ``rng=None`` this *is* numpy's ``np.random.choice(a, size, replace, p)`` on the same
    global generator, so after ``np.random.seed(s)`` it reproduces the course's samples draw for
    draw (its dinosaur names sample characters with ``np.random.choice(vocab_size, p=y.ravel())``).

    Returns:
        One element (a numpy scalar, e.g. ``np.int64``) when ``size`` is None, else a tensor
        (no gradient).

    >>> np.random.seed(0)
    >>> int(choice(3, p=Tensor([0.1, 0.2, 0.7])))
    2
    """
    generator = _generator(rng, "choice")
    values = a if isinstance(a, (int, np.integer)) else _values(a)
    probabilities = None if p is None else np.asarray(_values(p), dtype=np.float64)
    out = generator.choice(values, size, replace=replace, p=probabilities)
    return Tensor(out) if isinstance(out, np.ndarray) else out
