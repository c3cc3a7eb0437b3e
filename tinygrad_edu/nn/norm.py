"""Batch normalization: ``BatchNorm1d`` (features, or channels of sequences) and ``BatchNorm2d``
(channels of images).

Layer: ``nn``. Composed from tensor ops (mean, multiply, sqrt, divide), so autograd derives the
backward pass the course derives by hand.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from tinygrad_edu.engine import no_grad
from tinygrad_edu.nn.module import Buffer, Module, Parameter, _as_tensor, _check_size
from tinygrad_edu.tensor import Tensor


class _BatchNorm(Module):
    """Shared by ``BatchNorm1d`` and ``BatchNorm2d``; ``ndims`` lists the input ranks allowed."""

    ndims: tuple[int, ...] = ()
    layout = ""

    def __init__(
        self,
        num_features: int,
        eps: float = 1e-5,
        momentum: float | None = 0.1,
        affine: bool = True,
        track_running_stats: bool = True,
        *,
        dtype=np.float64,
    ):
        super().__init__()
        op = type(self).__name__
        self.num_features = C = _check_size(op, num_features, "num_features")
        if not (isinstance(eps, (int, float)) and eps > 0):
            raise ValueError(f"{op}: expected eps > 0, got {eps!r}.")
        if momentum is not None and not (
            isinstance(momentum, (int, float)) and 0.0 <= momentum <= 1.0
        ):
            raise ValueError(
                f"{op}: expected momentum in [0, 1] or None (a cumulative average), got "
                f"{momentum!r}."
            )
        self.eps = float(eps)
        self.momentum = None if momentum is None else float(momentum)
        self.affine = bool(affine)
        self.track_running_stats = bool(track_running_stats)
        if self.affine:
            self.gamma = Parameter(np.ones(C, dtype=dtype), name="gamma")  # PyTorch's weight
            self.beta = Parameter(np.zeros(C, dtype=dtype), name="beta")  # PyTorch's bias
        if self.track_running_stats:
            self.running_mean = Buffer(np.zeros(C, dtype=dtype), name="running_mean")
            self.running_var = Buffer(np.ones(C, dtype=dtype), name="running_var")
            self.num_batches_tracked = Buffer(np.array(0, dtype=np.int64))

    def forward(self, X: Any) -> Tensor:
        op = type(self).__name__
        X = _as_tensor(X)
        C = self.num_features
        if X.ndim not in self.ndims or X.shape[1] != C:
            raise ValueError(
                f"{op}: expected an input of shape {self.layout} with C = {C}, got {X.shape}."
                + (
                    " Examples in columns (the course's layout)? Pass X.T."
                    if X.ndim == 2 and X.shape[0] == C
                    else ""
                )
            )
        axes = (0, *range(2, X.ndim))  # every axis but the channel axis
        shape = (1, C) + (1,) * (X.ndim - 2)  # gamma, beta and the statistics broadcast so
        n = X.size // C  # values per channel
        if self.training or not self.track_running_stats:
            if self.training and n < 2:
                raise ValueError(
                    f"{op}: expected more than 1 value per channel when training, got input "
                    f"shape {X.shape}. A batch of one example has no variance: use a larger "
                    f"batch, or model.eval() to use the running statistics."
                )
            mu = X.mean(axis=axes, keepdims=True)  # (1, C, ...)
            centered = X - mu
            var = (centered * centered).mean(axis=axes, keepdims=True)  # biased, as PyTorch
            X_hat = centered / (var + self.eps).sqrt()
            if self.training and self.track_running_stats:
                self._update_running_stats(mu.data.reshape(C), var.data.reshape(C), n)
        else:
            mean = self.running_mean.data.reshape(shape)
            std = np.sqrt(self.running_var.data.reshape(shape) + self.eps)
            X_hat = (X - mean) / std
        if self.affine:
            return X_hat * self.gamma.reshape(*shape) + self.beta.reshape(*shape)
        return X_hat

    def _update_running_stats(self, mean: np.ndarray, var: np.ndarray, n: int) -> None:
        """PyTorch's update: an exponential average (or cumulative, momentum=None), with the
        unbiased variance ``var * n / (n - 1)``."""
        with no_grad():
            self.num_batches_tracked.data = self.num_batches_tracked.data + 1
            factor = (
                1.0 / float(self.num_batches_tracked.data)
                if self.momentum is None
                else self.momentum
            )
            unbiased = var * (n / (n - 1))
            dtype = self.running_mean.dtype
            self.running_mean.data = ((1 - factor) * self.running_mean.data + factor * mean).astype(
                dtype, copy=False
            )
            self.running_var.data = (
                (1 - factor) * self.running_var.data + factor * unbiased
            ).astype(dtype, copy=False)

    def extra_repr(self) -> str:
        return (
            f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, affine={self.affine}, "
            f"track_running_stats={self.track_running_stats}"
        )


class BatchNorm1d(_BatchNorm):
    """Batch normalization over the batch (course 2, week 3), for ``(m, C)`` or ``(m, C, L)``.

    In training mode each feature is normalized with the batch's mean and (biased) variance,
    then scaled and shifted by the learned ``gamma`` and ``beta``::

        mu = mean(Z, axis=0);  sigma2 = mean((Z - mu)**2, axis=0)
        Z_norm = (Z - mu) / sqrt(sigma2 + eps)
        Z_tilde = gamma * Z_norm + beta

    and the running statistics used in evaluation mode are updated as in PyTorch:
    ``running = (1 - momentum) * running + momentum * batch_stat`` (the variance unbiased,
    ``sigma2 * n / (n - 1)``). In evaluation mode (``model.eval()``) the running statistics
    replace the batch's: the course's "estimate mu and sigma2 with an exponentially weighted
    average across mini-batches" for test time.

    ``gamma`` and ``beta`` are PyTorch's ``weight`` and ``bias``; with a batch norm after a
    Linear layer, that layer's ``b`` is redundant (the mean subtraction cancels it), as the
    course notes.

    Args:
        num_features: C, the number of features (units of the layer before).
        eps: added to the variance inside the square root, default 1e-5.
        momentum: weight of the new batch in the running statistics, default 0.1; None for a
            cumulative average.
        affine: learn ``gamma`` and ``beta`` (default True).
        track_running_stats: keep running statistics for evaluation (default True); without
            them evaluation uses the batch's statistics too.
        dtype: float64 (default) or float32.

    >>> bn = BatchNorm1d(2)
    >>> Z = Tensor([[1.0, 10.0], [3.0, 30.0]])
    >>> bn(Z).data.round(4)                       # each column: mean 0, variance ~1
    array([[-1., -1.],
           [ 1.,  1.]])
    >>> bn.running_mean.data, bn.running_var.data.round(2)
    (array([0.2, 2. ]), array([ 1.1, 20.9]))
    """

    ndims = (2, 3)
    layout = "(m, C) or (m, C, L)"


class BatchNorm2d(_BatchNorm):
    """Batch normalization of image channels, ``(m, C, H, W)`` (NCHW, as PyTorch's).

    Each channel is normalized with the mean and variance over the batch and both spatial
    axes; otherwise exactly ``BatchNorm1d`` (same arguments, same running statistics).

    >>> bn = BatchNorm2d(3)
    >>> out = bn(Tensor(np.random.default_rng(0).normal(5.0, 2.0, (4, 3, 8, 8))))
    >>> out.shape, bool(abs(out.data.mean()) < 1e-12)
    ((4, 3, 8, 8), True)
    """

    ndims = (4,)
    layout = "(m, C, H, W)"
