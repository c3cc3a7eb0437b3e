"""Functions on tensors that layers are built from (PyTorch's ``torch.nn.functional``).

Layer: ``nn``. Each function composes tensor ops (or applies one op), so its gradient comes from
autograd. Sections by area; each keeps to its own so that they stay easy to read and to merge.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from tinygrad_edu.tensor import Tensor

# =============================================================================================
# Sequence models: attention and sampling (course 5)
# =============================================================================================


def _attention_bias(
    attn_mask: Any, is_causal: bool, L: int, S: int, dtype, bool_means: str = "attend"
) -> np.ndarray | None:
    """The additive mask (0 or -inf; or the given floats) for scores of shape (..., L, S).

    ``bool_means`` is what True marks in a boolean ``attn_mask``: ``"attend"`` (PyTorch's
    ``scaled_dot_product_attention``) or ``"ignore"`` (``nn.MultiheadAttention``).
    """
    bias = None
    if is_causal:
        # Position i may attend to positions j <= i (top-left aligned, as in PyTorch).
        allowed = np.tril(np.ones((L, S), dtype=bool))
        bias = np.where(allowed, 0.0, -np.inf).astype(dtype)
    if attn_mask is not None:
        mask = np.asarray(attn_mask.data if isinstance(attn_mask, Tensor) else attn_mask)
        if mask.shape[-2:] != (L, S) and mask.ndim >= 2:
            raise ValueError(
                f"attention: expected attn_mask of shape (..., {L}, {S}) (query length L, key "
                f"length S), got {mask.shape}."
            )
        if mask.dtype == bool:
            allowed = mask if bool_means == "attend" else ~mask
            extra = np.where(allowed, 0.0, -np.inf).astype(dtype)
        else:
            extra = mask.astype(dtype, copy=False)
        bias = extra if bias is None else bias + extra
    return bias


def _attention(
    query: Tensor, key: Tensor, value: Tensor, bias: np.ndarray | None, scale: float | None
) -> tuple[Tensor, Tensor]:
    """``softmax(q k^T * scale + bias) v`` (..., L, Ev) and the attention weights (..., L, S)."""
    E = query.shape[-1]
    scale = 1.0 / np.sqrt(E) if scale is None else scale
    perm = (*range(key.ndim - 2), key.ndim - 1, key.ndim - 2)
    scores = (query @ key.transpose(perm)) * scale  # (..., L, S)
    if bias is not None:
        scores = scores + bias  # -inf where a position may not attend: its weight becomes 0
    weights = scores.softmax(axis=-1)  # (..., L, S), each row sums to 1
    return weights @ value, weights  # (..., L, Ev)


def scaled_dot_product_attention(
    query: Any,
    key: Any,
    value: Any,
    attn_mask: Any = None,
    dropout_p: float = 0.0,
    is_causal: bool = False,
    scale: float | None = None,
) -> Tensor:
    """Attention (PyTorch's ``F.scaled_dot_product_attention``): ``softmax(Q K^T / sqrt(E)) V``.

    Each of the L queries takes a weighted average of the S values, weighted by how well it
    matches each key (course 5, week 4: "Transformer networks"). Composed of matmul, transpose,
    multiply, add and softmax, so every gradient comes from autograd.

    Args:
        query: ``(..., L, E)``.
        key: ``(..., S, E)``.
        value: ``(..., S, Ev)``.
        attn_mask: broadcastable to ``(..., L, S)``: booleans where True means "may attend"
            (PyTorch's convention for this function), or floats added to the scores (use
            ``-inf`` to forbid).
        dropout_p: must be 0 (no dropout on attention weights here).
        is_causal: query i attends only to keys ``j <= i`` (a decoder's mask: no peeking ahead).
        scale: the factor applied to ``Q K^T``; default ``1 / sqrt(E)``.

    Returns:
        ``(..., L, Ev)``.

    Raises:
        ValueError: a mask of the wrong shape, or ``dropout_p`` other than 0.

    >>> q = k = Tensor(np.zeros((3, 2)))   # 3 positions, E = 2: every key matches equally well
    >>> v = Tensor([[1.0], [2.0], [3.0]])
    >>> scaled_dot_product_attention(q, k, v, is_causal=True).data.ravel().tolist()
    [1.0, 1.5, 2.0]
    """
    if dropout_p:
        raise ValueError(
            f"scaled_dot_product_attention: expected dropout_p=0, got {dropout_p}. Dropout on the "
            f"attention weights is not implemented; apply dropout to the output instead."
        )
    query, key, value = (x if isinstance(x, Tensor) else Tensor(x) for x in (query, key, value))
    if query.ndim < 2 or key.ndim < 2 or value.ndim < 2 or query.shape[-1] != key.shape[-1]:
        raise ValueError(
            f"scaled_dot_product_attention: expected query (..., L, E), key (..., S, E) and value "
            f"(..., S, Ev), got {query.shape}, {key.shape} and {value.shape}."
        )
    if key.shape[-2] != value.shape[-2]:
        raise ValueError(
            f"scaled_dot_product_attention: expected key and value with the same length S, got "
            f"key {key.shape} and value {value.shape}."
        )
    L, S = query.shape[-2], key.shape[-2]
    bias = _attention_bias(attn_mask, is_causal, L, S, query.dtype, bool_means="attend")
    return _attention(query, key, value, bias, scale)[0]


def sample(logits: Any, temperature: float = 1.0, *, axis: int = -1, rng=None) -> int | np.ndarray:
    """Draw one index from ``softmax(logits / temperature)`` (a language model's next token).

    With ``rng=None`` the draw is ``np.random.choice(V, p=probabilities)`` from numpy's legacy
    global generator, exactly as the course samples: ``np.random.seed(s)`` first reproduces the
    course's names. Temperature below 1 sharpens the distribution (more likely tokens), above 1
    flattens it; 0 always takes the most likely one (argmax).

    Args:
        logits: scores over V tokens along ``axis``: ``(V,)``, a column ``(V, 1)`` with
            ``axis=0`` (the course's layout), or ``(N, V)`` for N draws at once.
        temperature: >= 0.
        axis: the axis of the V tokens.
        rng: None (numpy's global generator), a ``numpy.random.RandomState`` or a ``Generator``.

    Returns:
        An int when ``logits`` hold one distribution (``(V,)``, ``(V, 1)`` with ``axis=0``,
        ``(1, V)``), else an int64 array with one index per distribution (the shape of
        ``logits`` without ``axis``).

    Raises:
        ValueError: a negative temperature.
        TypeError: an ``rng`` of another type.

    >>> np.random.seed(0)
    >>> sample(np.log([0.1, 0.2, 0.7]))
    2
    >>> sample(np.array([[0.0, 5.0], [9.0, 1.0]]), temperature=0)
    array([1, 0])
    """
    if temperature < 0:
        raise ValueError(f"sample: expected temperature >= 0, got {temperature}.")
    if rng is not None and not isinstance(rng, (np.random.RandomState, np.random.Generator)):
        raise TypeError(
            f"sample: expected rng to be None, numpy.random.RandomState or Generator, got "
            f"{type(rng).__name__}."
        )
    z = logits if isinstance(logits, Tensor) else Tensor(np.asarray(logits, dtype=np.float64))
    z = Tensor(np.moveaxis(z.data, axis, -1))  # (..., V)
    if temperature == 0:
        picks = np.argmax(z.data, axis=-1)
    else:
        if temperature != 1:  # z is a fresh tensor that records nothing
            z = z / temperature
        p = z.softmax(axis=-1).data  # the course's softmax: exp(z - max(z)) / sum
        draw = np.random.choice if rng is None else rng.choice
        V = p.shape[-1]
        flat = [draw(V, p=row) for row in p.reshape(-1, V)]
        picks = np.array(flat, dtype=np.int64).reshape(p.shape[:-1])
    if picks.size == 1 and z.ndim <= 2:  # one distribution: (V,), (V, 1) with axis=0, (1, V)
        return int(picks.reshape(()))
    return picks.astype(np.int64, copy=False)
