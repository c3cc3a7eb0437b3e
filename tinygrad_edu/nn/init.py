"""Initializers: each returns W of shape (n_out, n_in), drawing randn(n_out, n_in) exactly once.

Layer: ``nn``.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from tinygrad_edu.tensor import randn


def init_zeros(n_out: int, n_in: int, rng=None, dtype=np.float64) -> np.ndarray:
    """All zeros; draws nothing. Every hidden unit then computes the same thing forever.

    >>> init_zeros(2, 3)
    array([[0., 0., 0.],
           [0., 0., 0.]])
    """
    return np.zeros((n_out, n_in), dtype=dtype)


def init_course_small(n_out: int, n_in: int, rng=None, dtype=np.float64) -> np.ndarray:
    """``randn(n_out, n_in) * 0.01``: the course's shallow-network initialization.

    >>> np.random.seed(1); W = init_course_small(7, 3)
    >>> np.random.seed(1); np.array_equal(W, np.random.randn(7, 3) * 0.01)
    True
    """
    return (randn(n_out, n_in, rng=rng).data * 0.01).astype(dtype, copy=False)


def init_course_deep(n_out: int, n_in: int, rng=None, dtype=np.float64) -> np.ndarray:
    """``randn(n_out, n_in) / sqrt(n_in)``: the course's deep-network initialization.

    Keeps the variance of Z near 1 layer after layer. Course 2 calls this scale "Xavier"; it is
    also known as LeCun normal.

    >>> np.random.seed(1); W = init_course_deep(20, 12288)
    >>> np.random.seed(1); np.array_equal(W, np.random.randn(20, 12288) / np.sqrt(12288))
    True
    """
    # Divide, as the course does: multiplying by 1 / sqrt(n_in) differs in the last bit.
    return (randn(n_out, n_in, rng=rng).data / np.sqrt(n_in)).astype(dtype, copy=False)


def init_he(n_out: int, n_in: int, rng=None, dtype=np.float64) -> np.ndarray:
    """``randn(n_out, n_in) * sqrt(2 / n_in)``: He initialization, for ReLU layers (course 2).

    >>> rng = np.random.RandomState(1); W = init_he(5, 4, rng=rng)
    >>> np.array_equal(W, np.random.RandomState(1).randn(5, 4) * np.sqrt(2 / 4))
    True
    """
    return (randn(n_out, n_in, rng=rng).data * np.sqrt(2.0 / n_in)).astype(dtype, copy=False)


def init_xavier(n_out: int, n_in: int, rng=None, dtype=np.float64) -> np.ndarray:
    """``randn(n_out, n_in) * sqrt(2 / (n_in + n_out))``: Glorot (Xavier) normal, for tanh layers.

    This is PyTorch's ``xavier_normal_``; the course's ``randn / sqrt(n_in)`` is
    ``init_course_deep``.

    >>> W = init_xavier(5, 4, rng=np.random.default_rng(0))
    >>> np.array_equal(W, np.random.default_rng(0).standard_normal((5, 4)) * np.sqrt(2 / 9))
    True
    """
    return (randn(n_out, n_in, rng=rng).data * np.sqrt(2.0 / (n_in + n_out))).astype(
        dtype, copy=False
    )


INITIALIZERS: dict[str, Callable[..., np.ndarray]] = {
    "zeros": init_zeros,
    "course_small": init_course_small,
    "course_deep": init_course_deep,
    "he": init_he,
    "xavier": init_xavier,
}


def initial_weights(
    op: str, init: str | Callable, n_out: int, n_in: int, *, rng=None, dtype=np.float64
) -> tuple[np.ndarray, str]:
    """A layer's ``W (n_out, n_in)`` from ``init`` (a name in ``INITIALIZERS`` or a function
    ``(n_out, n_in, rng, dtype) -> array``), and the name to keep as the layer's ``init``.

    ``n_in`` is the fan-in: a convolution passes ``C_in * kh * kw`` and reshapes ``W``.

    Raises:
        ValueError: an unknown name, or a function that returns another shape.

    >>> W, name = initial_weights("Linear", "zeros", 2, 3)
    >>> W.shape, name
    ((2, 3), 'zeros')
    """
    if callable(init):
        init_fn, name = init, getattr(init, "__name__", "custom")
    elif init in INITIALIZERS:
        init_fn, name = INITIALIZERS[init], init
    else:
        raise ValueError(
            f"{op}: expected init to be one of {sorted(INITIALIZERS)} or a function "
            f"(n_out, n_in, rng, dtype) -> array, got {init!r}."
        )
    W = np.asarray(init_fn(n_out, n_in, rng=rng, dtype=dtype))
    if W.shape != (n_out, n_in):
        raise ValueError(
            f"{op}: expected init to return W of shape (n_out, n_in) = {(n_out, n_in)}, got "
            f"{W.shape}."
        )
    return W, name
