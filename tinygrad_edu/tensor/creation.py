"""Creation functions: zeros, ones, full, *_like, arange, randn, rand.

Layer: ``tensor``.
"""

from __future__ import annotations

import numpy as np

from tinygrad_edu.tensor.tensor import Tensor


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
