"""Loss functions: binary cross-entropy (on probabilities and on logits), cross-entropy, MSE.

Layer: ``losses``, above ``nn`` (it composes tensor ops; no op of its own). Each loss returns a
0-d tensor (or the per-element losses with ``reduction="none"``) to call ``backward()`` on.

The course's cost is ``J = -1/m * sum(Y log A + (1 - Y) log(1 - A))``. Here the ``1/m`` lives in
``reduction="mean"``: the mean over the m examples is the sum divided by m. Its gradient therefore
carries the ``1/m`` too, which is why the course writes ``dW = dZ A_prev^T / m``.

Inputs and labels must have the same shape: ``A (1, m)`` with ``Y (1, m)`` in the course's layout,
``A (m, 1)`` with ``Y (m, 1)`` batch-first. No silent broadcasting: ``(1, m)`` against ``(m,)`` or
``(m, 1)`` would otherwise become an ``(m, m)`` matrix and a wrong, plausible-looking cost.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from tinygrad_edu.tensor import Tensor

__all__ = [
    "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
    "cross_entropy",
    "mse",
]

_REDUCTIONS = ("mean", "sum", "none")


def _as_tensor(x: Any) -> Tensor:
    return x if isinstance(x, Tensor) else Tensor(x)


def _labels(Y: Any, like: Tensor) -> Tensor:
    """Labels as a tensor of ``like``'s float dtype (uint8 or int labels from a loader welcome)."""
    if isinstance(Y, Tensor):
        return Y if Y.dtype == like.dtype or Y.requires_grad else Tensor(Y.data, dtype=like.dtype)
    return Tensor(np.asarray(Y), dtype=like.dtype)


def _check_same_shape(op: str, A: Tensor, Y: Tensor, a_name: str, y_name: str) -> None:
    if A.shape == Y.shape:
        return
    hint = ""
    if A.size == Y.size and 1 in (A.ndim, Y.ndim):
        rank1, other = (a_name, y_name) if A.ndim == 1 else (y_name, a_name)
        hint = (
            f" {rank1} is a rank-1 array: reshape it to {other}'s shape (e.g. "
            f"{rank1}.reshape({(A if other == a_name else Y).shape})); the course warns against "
            f"rank-1 arrays because (m,) and (1, m) broadcast to (m, m)."
        )
    elif A.ndim == Y.ndim == 2 and A.shape == Y.shape[::-1]:
        hint = (
            f" One is transposed: the course's layout puts examples in columns, (1, m); "
            f"batch-first layers give (m, 1). Use {y_name}.T or {a_name}.T."
        )
    raise ValueError(
        f"{op}: expected {a_name} and {y_name} of the same shape, got {a_name}.shape={A.shape} "
        f"and {y_name}.shape={Y.shape}.{hint}"
    )


def _reduce(op: str, loss: Tensor, reduction: str) -> Tensor:
    if reduction == "mean":
        return loss.mean()  # the course's 1/m: sum over the examples, divided by m
    if reduction == "sum":
        return loss.sum()
    if reduction == "none":
        return loss
    raise ValueError(f"{op}: expected reduction to be one of {_REDUCTIONS}, got {reduction!r}.")


def binary_cross_entropy(A: Any, Y: Any, reduction: str = "mean") -> Tensor:
    """The course's cost on probabilities: ``-mean(Y log A + (1 - Y) log(1 - A))``.

    ``reduction="mean"`` divides by the number of elements: for ``A (1, m)`` that is the course's
    ``1/m``. Probabilities of exactly 0 or 1 give ``log(0) = -inf``: this warns once (it is not
    clipped silently). For a stable cost, give the pre-activation Z to
    ``binary_cross_entropy_with_logits`` instead of ``A = sigmoid(Z)``.

    Args:
        A: predicted probabilities in [0, 1], e.g. ``(1, m)`` or ``(m, 1)``.
        Y: labels 0/1 (or targets in [0, 1]) of the same shape.
        reduction: "mean" (default), "sum" or "none".

    Raises:
        ValueError: shapes differ (with a rank-1 or transposition hint), or A leaves [0, 1].

    >>> A = Tensor([[0.5, 0.5]], requires_grad=True)
    >>> J = binary_cross_entropy(A, np.array([[1, 0]]))
    >>> round(J.item(), 6)
    0.693147
    """
    op = "binary_cross_entropy"
    A = _as_tensor(A)
    Y = _labels(Y, A)
    _check_same_shape(op, A, Y, "A", "Y")
    data = A.data
    low, high = data.min(initial=0.5), data.max(initial=0.5)
    if not (low >= 0.0 and high <= 1.0):  # also catches NaN
        raise ValueError(
            f"{op}: expected probabilities A in [0, 1], got values in [{low}, {high}]. Did you "
            f"pass Z (logits) instead of A = sigmoid(Z)? Then use "
            f"binary_cross_entropy_with_logits(Z, Y)."
        )
    saturated = low == 0.0 or high == 1.0
    if saturated:
        warnings.warn(
            f"{op}: a probability in A is exactly {'0' if low == 0.0 else '1'}, so log(0) makes "
            f"the cost inf or nan. The sigmoid saturated; use "
            f"binary_cross_entropy_with_logits(Z, Y) on the pre-activation Z instead.",
            RuntimeWarning,
            stacklevel=2,
        )
    with warnings.catch_warnings():
        if saturated:
            warnings.simplefilter("ignore")  # one warning is enough: log's own says the same
        loss = -(Y * A.log() + (1 - Y) * (1 - A).log())
    return _reduce(op, loss, reduction)


def binary_cross_entropy_with_logits(Z: Any, Y: Any, reduction: str = "mean") -> Tensor:
    """Binary cross-entropy of ``sigmoid(Z)``, computed from Z without ever forming log(0).

    ``-(Y log_sigmoid(Z) + (1 - Y) log_sigmoid(-Z))`` equals the course's cost for
    ``A = sigmoid(Z)`` but stays finite for any finite Z (z = 1000 with label 0 costs 1000, not
    inf). Its gradient is the course's ``dZ = A - Y`` (divided by m for the mean).

    Args:
        Z: logits (pre-activations), e.g. ``(1, m)`` or ``(m, 1)``.
        Y: labels 0/1 (or targets in [0, 1]) of the same shape.
        reduction: "mean" (default, the course's 1/m), "sum" or "none".

    >>> Z = Tensor([[0.0, 1000.0]], requires_grad=True)
    >>> J = binary_cross_entropy_with_logits(Z, np.array([[1, 0]]), reduction="sum")
    >>> round(J.item(), 6)
    1000.693147
    """
    op = "binary_cross_entropy_with_logits"
    Z = _as_tensor(Z)
    Y = _labels(Y, Z)
    _check_same_shape(op, Z, Y, "Z", "Y")
    loss = -(Y * Z.log_sigmoid() + (1 - Y) * (-Z).log_sigmoid())
    return _reduce(op, loss, reduction)


def cross_entropy(logits: Any, targets: Any, reduction: str = "mean") -> Tensor:
    """Softmax cross-entropy ``-mean_i log softmax(logits_i)[target_i]``, batch-first.

    Computed with ``log_softmax`` (stable). The mean is over the m examples, not the classes.

    Args:
        logits: ``(m, C)`` scores, one row per example.
        targets: ``(m,)`` integer class indices in [0, C), or ``(m, C)`` one-hot / probability
            rows.
        reduction: "mean" (default), "sum" or "none" (one loss per example).

    >>> logits = Tensor([[2.0, 0.0, 0.0], [0.0, 0.0, 0.0]], requires_grad=True)
    >>> round(cross_entropy(logits, np.array([0, 2])).item(), 6)
    0.669079
    """
    op = "cross_entropy"
    logits = _as_tensor(logits)
    if logits.ndim != 2:
        raise ValueError(
            f"{op}: expected logits of shape (m, C), one row per example, got {logits.shape}. "
            f"For a single example use logits.reshape(1, -1); in the course's layout (C, m) "
            f"pass logits.T."
        )
    m, n_classes = logits.shape
    log_probs = logits.log_softmax(axis=1)  # (m, C)
    raw = targets.data if isinstance(targets, Tensor) else np.asarray(targets)
    if raw.dtype.kind in "iub":
        if raw.shape != (m,):
            raise ValueError(
                f"{op}: expected integer targets of shape (m,) = ({m},), one class index per "
                f"example, got {raw.shape}. Flatten a column of labels with targets.reshape(-1)."
            )
        if raw.size and (raw.min() < 0 or raw.max() >= n_classes):
            raise ValueError(
                f"{op}: expected class indices in [0, {n_classes}), got values in "
                f"[{raw.min()}, {raw.max()}]."
            )
        loss = -log_probs[np.arange(m), raw.astype(np.intp)]  # (m,)
    else:
        probs = _labels(targets, logits)
        _check_same_shape(op, logits, probs, "logits", "targets")
        loss = -(probs * log_probs).sum(axis=1)  # (m,)
    return _reduce(op, loss, reduction)


def mse(A: Any, Y: Any, reduction: str = "mean") -> Tensor:
    """Mean squared error ``mean((A - Y)**2)`` (no 1/2 factor).

    >>> round(mse(Tensor([1.0, 3.0]), np.array([0.0, 0.0])).item(), 6)
    5.0
    """
    op = "mse"
    A = _as_tensor(A)
    Y = _labels(Y, A)
    _check_same_shape(op, A, Y, "A", "Y")
    diff = A - Y
    return _reduce(op, diff * diff, reduction)
