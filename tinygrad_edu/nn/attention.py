"""Attention layers: ``LayerNorm`` and ``MultiheadAttention`` (course 5, week 4: transformers).

Layer: ``nn``. Both are compositions of tensor ops (mean, multiply, sqrt, matmul, softmax); the
attention itself is ``nn.functional.scaled_dot_product_attention``. Names, shapes and defaults
are PyTorch's (``weight``/``bias``, ``in_proj_weight``/``in_proj_bias``, ``batch_first``), with
one difference: the output projection is an ``nn.Linear``, whose parameters are ``out_proj.W``
and ``out_proj.b`` here (PyTorch: ``out_proj.weight``, ``out_proj.bias``; the same arrays).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from tinygrad_edu.nn.functional import _attention, _attention_bias
from tinygrad_edu.nn.linear import Linear
from tinygrad_edu.nn.module import Module, Parameter, _as_tensor, _check_size
from tinygrad_edu.tensor import Tensor, rand

__all__ = ["LayerNorm", "MultiheadAttention"]


class LayerNorm(Module):
    """Normalize each example over its last dimensions, then scale and shift (PyTorch's
    ``nn.LayerNorm``): ``y = (x - mean) / sqrt(var + eps) * weight + bias``.

    Unlike batch normalization, the statistics are each example's own (over its features), so
    training and evaluation compute the same thing and the batch size does not matter.

    Args:
        normalized_shape: the trailing shape to normalize over, e.g. ``64`` or ``(10, 64)``.
        eps: added to the variance (the biased one, ``ddof=0``) before the square root.
        elementwise_affine: learn ``weight`` (ones) and ``bias`` (zeros) of ``normalized_shape``.
        bias: with ``elementwise_affine``, learn the ``bias`` too (default True; PyTorch's).
        dtype: float64 (default) or float32.

    Raises:
        ValueError: an input whose trailing shape is not ``normalized_shape``.

    >>> ln = LayerNorm(4)
    >>> y = ln(np.array([[1.0, 2.0, 3.0, 4.0]]))
    >>> np.round(y.data, 4).tolist(), ln.weight.shape
    ([[-1.3416, -0.4472, 0.4472, 1.3416]], (4,))
    """

    def __init__(
        self,
        normalized_shape: int | Sequence[int],
        eps: float = 1e-5,
        elementwise_affine: bool = True,
        bias: bool = True,
        *,
        dtype=np.float64,
    ):
        super().__init__()
        shape = (normalized_shape,) if isinstance(normalized_shape, int) else normalized_shape
        self.normalized_shape = tuple(
            _check_size("LayerNorm", n, "normalized_shape") for n in shape
        )
        self.eps = float(eps)
        self.elementwise_affine = bool(elementwise_affine)
        if elementwise_affine:
            self.weight = Parameter(np.ones(self.normalized_shape, dtype=dtype), name="weight")
        self.bias: Parameter | None = None  # after weight: parameters list in assignment order
        if elementwise_affine and bias:
            self.bias = Parameter(np.zeros(self.normalized_shape, dtype=dtype), name="bias")

    def forward(self, x: Any) -> Tensor:
        """``(..., *normalized_shape) -> (..., *normalized_shape)``.

        Raises:
            ValueError: the input's last dimensions are not ``normalized_shape``.
        """
        x = _as_tensor(x)
        k = len(self.normalized_shape)
        if x.shape[x.ndim - k :] != self.normalized_shape or x.ndim < k:
            raise ValueError(
                f"LayerNorm: expected an input whose last dimensions are {self.normalized_shape} "
                f"(normalized_shape), got {x.shape}."
            )
        axes = tuple(range(x.ndim - k, x.ndim))
        centered = x - x.mean(axis=axes, keepdims=True)
        var = (centered * centered).mean(axis=axes, keepdims=True)  # biased, as PyTorch's
        y = centered / (var + self.eps).sqrt()
        if self.elementwise_affine:
            y = y * self.weight
        if self.bias is not None:
            y = y + self.bias
        return y

    def extra_repr(self) -> str:
        return f"{self.normalized_shape}, eps={self.eps}"


def _xavier_uniform(shape: tuple[int, int], rng, dtype) -> np.ndarray:
    bound = np.sqrt(6.0 / (shape[0] + shape[1]))
    return ((rand(*shape, rng=rng).data * 2.0 - 1.0) * bound).astype(dtype, copy=False)


class MultiheadAttention(Module):
    """Multi-head attention (PyTorch's ``nn.MultiheadAttention``), course 5 week 4.

    The queries, keys and values are projected (``in_proj_weight``: W_Q, W_K, W_V stacked),
    split into ``num_heads`` heads of ``embed_dim // num_heads`` features, attended separately
    with ``scaled_dot_product_attention``, joined and projected again (``out_proj``).

    Args:
        embed_dim: the model size E (features per position).
        num_heads: heads; must divide ``embed_dim``.
        bias: learn ``in_proj_bias`` and ``out_proj.b`` (zeros at first, as in PyTorch).
        batch_first: inputs and outputs are ``(N, L, E)`` instead of ``(L, N, E)``.
        rng: None for numpy's legacy global generator, or a RandomState / Generator.
        dtype: float64 (default) or float32.

    Attributes:
        in_proj_weight: ``(3E, E)``, Xavier-uniform; ``in_proj_bias``: ``(3E,)``.
        out_proj: ``Linear(E, E)``; its ``W`` is PyTorch's ``out_proj.weight``.

    Call it as ``mha(query, key, value, key_padding_mask=None, need_weights=True,
    attn_mask=None, average_attn_weights=True, is_causal=False)``; returns
    ``(output (L, N, E), weights (N, L, S))`` (weights per head ``(N, heads, L, S)`` when
    ``average_attn_weights=False``; None when ``need_weights=False``). Masks follow PyTorch's
    convention for this module: a boolean True marks a position that may NOT be attended;
    ``is_causal=True`` without ``attn_mask`` builds the causal mask.

    Raises:
        ValueError: ``embed_dim`` not divisible by ``num_heads``, inputs or masks of the wrong
            shape.

    >>> mha = MultiheadAttention(8, 2, batch_first=True, rng=np.random.default_rng(0))
    >>> x = np.random.default_rng(1).standard_normal((3, 5, 8))   # N = 3, L = 5, E = 8
    >>> out, weights = mha(x, x, x, is_causal=True)
    >>> out.shape, weights.shape, float(weights.data[0, 0, 1])     # position 0 sees only itself
    ((3, 5, 8), (3, 5, 5), 0.0)
    """

    def __init__(
        self,
        embed_dim: int,
        num_heads: int,
        bias: bool = True,
        batch_first: bool = False,
        *,
        rng=None,
        dtype=np.float64,
    ):
        super().__init__()
        E = self.embed_dim = _check_size("MultiheadAttention", embed_dim, "embed_dim")
        self.num_heads = _check_size("MultiheadAttention", num_heads, "num_heads")
        if E % num_heads:
            raise ValueError(
                f"MultiheadAttention: expected embed_dim divisible by num_heads, got embed_dim="
                f"{E} and num_heads={num_heads}."
            )
        self.head_dim = E // num_heads
        self.batch_first = bool(batch_first)
        self.bias = bool(bias)
        self.in_proj_weight = Parameter(_xavier_uniform((3 * E, E), rng, dtype), "in_proj_weight")
        if bias:
            self.in_proj_bias = Parameter(np.zeros(3 * E, dtype=dtype), name="in_proj_bias")

        def uniform_init(n_out, n_in, rng=None, dtype=np.float64):  # PyTorch's Linear default
            bound = 1.0 / np.sqrt(n_in)
            return ((rand(n_out, n_in, rng=rng).data * 2.0 - 1.0) * bound).astype(dtype)

        self.out_proj = Linear(E, E, init=uniform_init, rng=rng, dtype=dtype)
        if not bias:  # a constant zero instead of the parameter b: nothing to learn
            self.out_proj.b = Tensor(np.zeros(E, dtype=dtype))

    def _inputs(self, query, key, value) -> tuple[Tensor, Tensor, Tensor, bool]:
        """The three inputs as (N, L, E) / (N, S, E), and whether they had a batch axis."""
        q, k, v = (_as_tensor(t) for t in (query, key, value))
        E = self.embed_dim
        layout = "(N, L, E)" if self.batch_first else "(L, N, E)"
        for name, t in (("query", q), ("key", k), ("value", v)):
            if t.ndim not in (2, 3) or t.shape[-1] != E or t.ndim != q.ndim:
                raise ValueError(
                    f"MultiheadAttention: expected {name} of shape {layout} with E = embed_dim = "
                    f"{E} (or (L, E) unbatched, all three alike), got {t.shape}."
                )
        if q.ndim == 2:
            return q.unsqueeze(0), k.unsqueeze(0), v.unsqueeze(0), False
        if not self.batch_first:
            q, k, v = (t.transpose(1, 0, 2) for t in (q, k, v))
        return q, k, v, True

    def forward(
        self,
        query: Any,
        key: Any,
        value: Any,
        key_padding_mask: Any = None,
        need_weights: bool = True,
        attn_mask: Any = None,
        average_attn_weights: bool = True,
        is_causal: bool = False,
    ) -> tuple[Tensor, Tensor | None]:
        """Attend from each query position to every key position; see the class docstring.

        Raises:
            ValueError: a ``key_padding_mask`` of another shape than ``(N, S)`` (``(S,)``
                unbatched), or inputs whose last axis is not ``embed_dim``.
        """
        q, k, v, batched = self._inputs(query, key, value)
        N, L, E = q.shape
        S = k.shape[1]
        h, d = self.num_heads, self.head_dim
        W = self.in_proj_weight
        b = self.in_proj_bias if self.bias else None
        if query is key and key is value:  # self-attention: one product for Q, K and V
            qkv = q @ W.T  # (N, L, 3E)
            if b is not None:
                qkv = qkv + b
            Q, K, V = qkv[..., :E], qkv[..., E : 2 * E], qkv[..., 2 * E :]
        else:
            Q, K, V = (
                t @ W[i * E : (i + 1) * E].T + (0.0 if b is None else b[i * E : (i + 1) * E])
                for i, t in enumerate((q, k, v))
            )

        def heads(t: Tensor, n: int) -> Tensor:  # (N, n, E) -> (N, h, n, d)
            return t.reshape(N, n, h, d).transpose(0, 2, 1, 3)

        bias = _attention_bias(attn_mask, is_causal, L, S, q.dtype, bool_means="ignore")
        if bias is not None and bias.ndim == 3:  # PyTorch's (N * heads, L, S)
            bias = bias.reshape(N, h, L, S)
        if key_padding_mask is not None:
            pad = np.asarray(getattr(key_padding_mask, "data", key_padding_mask))
            if pad.shape != ((N, S) if batched else (S,)):
                raise ValueError(
                    f"MultiheadAttention: expected key_padding_mask of shape "
                    f"{(N, S) if batched else (S,)}, got {pad.shape}."
                )
            pad = pad.reshape(N, 1, 1, S)
            pad_bias = np.where(pad, -np.inf, 0.0) if pad.dtype == bool else pad.astype(q.dtype)
            bias = pad_bias if bias is None else bias + pad_bias
        out, weights = _attention(heads(Q, L), heads(K, S), heads(V, S), bias, None)
        out = out.transpose(0, 2, 1, 3).reshape(N, L, E)  # heads side by side again
        out = self.out_proj(out)  # (N, L, E)
        if not batched:
            out = out.reshape(L, E)
        elif not self.batch_first:
            out = out.transpose(1, 0, 2)
        if not need_weights:
            return out, None
        if average_attn_weights:
            weights = weights.mean(axis=1)  # (N, L, S)
        return out, (weights if batched else weights.reshape(weights.shape[1:]))

    def extra_repr(self) -> str:
        extra = "" if self.bias else ", bias=False"
        extra += ", batch_first=True" if self.batch_first else ""
        return f"{self.embed_dim}, num_heads={self.num_heads}{extra}"
