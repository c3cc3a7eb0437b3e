"""``Embedding``: a lookup table of learned vectors, one row per token (word, character).

Layer: ``nn``. ``Embedding(V, D)(indices)`` is ``weight[indices]``, an indexing op whose gradient
adds each position's upstream gradient into the row it read (rows read twice get both).
Multiplying a one-hot vector by the matrix, as the course writes ``Wax @ x<t>``, gives the same
numbers; the lookup skips the multiplications by zero.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from tinygrad_edu.nn.module import Module, Parameter, _check_size
from tinygrad_edu.tensor import Tensor, randn, where

__all__ = ["Embedding"]


class Embedding(Module):
    """A table of ``num_embeddings`` learned vectors of size ``embedding_dim`` (PyTorch's
    ``nn.Embedding``): the course's word embeddings ``E`` (week 2), one row per word.

    Args:
        num_embeddings: the vocabulary size V.
        embedding_dim: the size of each vector.
        padding_idx: an index whose vector starts at zero and gets no gradient (padding), or
            None. As in PyTorch, a lookup returns the row as it is: set it (or load it) to use
            another padding vector.
        rng: None for numpy's legacy global generator, or a RandomState / Generator.
        dtype: float64 (default) or float32.

    Attributes:
        weight: ``Parameter (num_embeddings, embedding_dim)``, drawn from N(0, 1) as in PyTorch.

    Call it on integer indices of any shape ``S``: returns ``(*S, embedding_dim)``.

    Raises:
        TypeError: indices that are not integers.
        ValueError: an index outside ``[0, num_embeddings)``.

    >>> emb = Embedding(27, 4, rng=np.random.default_rng(0))
    >>> emb(np.array([[1, 2, 3], [0, 0, 26]])).shape
    (2, 3, 4)
    >>> bool(np.all(emb(np.array([5])).data[0] == emb.weight.data[5]))
    True
    """

    def __init__(
        self,
        num_embeddings: int,
        embedding_dim: int,
        padding_idx: int | None = None,
        *,
        rng=None,
        dtype=np.float64,
    ):
        super().__init__()
        self.num_embeddings = _check_size("Embedding", num_embeddings, "num_embeddings")
        self.embedding_dim = _check_size("Embedding", embedding_dim, "embedding_dim")
        if padding_idx is not None:
            if not -num_embeddings <= padding_idx < num_embeddings:
                raise ValueError(
                    f"Embedding: expected padding_idx in [{-num_embeddings}, {num_embeddings}), "
                    f"got {padding_idx}."
                )
            padding_idx = int(padding_idx) % num_embeddings
        self.padding_idx = padding_idx
        weight = randn(num_embeddings, embedding_dim, rng=rng).data.astype(dtype, copy=False)
        if padding_idx is not None:
            weight[padding_idx] = 0.0
        self.weight = Parameter(weight, name="weight")  # (V, D)

    def forward(self, indices: Any) -> Tensor:
        """``weight[indices]``: integer indices ``S`` -> vectors ``(*S, embedding_dim)``.

        Raises:
            TypeError: indices that are not integers.
            ValueError: an index outside ``[0, num_embeddings)``.
        """
        idx = np.asarray(indices.data if isinstance(indices, Tensor) else indices)
        if idx.dtype.kind not in "iu":
            raise TypeError(
                f"Embedding: expected integer indices (token ids), got dtype {idx.dtype}. "
                f"Convert them with astype(np.int64)."
            )
        if idx.size and (idx.min() < 0 or idx.max() >= self.num_embeddings):
            bad = idx.min() if idx.min() < 0 else idx.max()
            raise ValueError(
                f"Embedding: expected indices in [0, {self.num_embeddings}) (num_embeddings), "
                f"got {bad}."
            )
        out = self.weight[idx]  # (*S, D)
        if self.padding_idx is not None and np.any(idx == self.padding_idx):
            # PyTorch's rule: the padding positions read the padding row as it is (zero unless
            # it was changed, e.g. loaded), but send it no gradient.
            padding = (idx == self.padding_idx)[..., None]  # (*S, 1)
            out = where(padding, out.detach(), out)  # the same values, without the graph
        return out

    def extra_repr(self) -> str:
        extra = "" if self.padding_idx is None else f", padding_idx={self.padding_idx}"
        return f"{self.num_embeddings}, {self.embedding_dim}{extra}"
