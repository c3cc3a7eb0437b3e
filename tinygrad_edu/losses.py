"""Loss functions: binary cross-entropy (on probabilities and on logits), cross-entropy, MSE;
PyTorch's ``l1_loss``, ``huber_loss``, ``smooth_l1_loss`` and ``nll_loss``; the course's L2
regularization term; ``one_hot``.

Layer: ``losses``, above ``nn`` (it composes tensor ops; no op of its own). Each loss returns a
0-d tensor (or the per-element losses with ``reduction="none"``) to call ``backward()`` on.

Every loss that multiplies a target by a log-probability uses ``0 * log 0 = 0`` (the limit of
``y log y``, and the course's ``np.nansum``): a perfect prediction at exactly 0 or 1 costs 0 and
has a finite gradient, never ``nan``. A *wrong* prediction at exactly 0 or 1 costs ``inf``, as it
should, and warns.

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

from tinygrad_edu.nn import Module
from tinygrad_edu.tensor import Tensor, where

__all__ = [
    "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
    "cross_entropy",
    "huber_loss",
    "l1_loss",
    "l2_regularization",
    "mse",
    "nll_loss",
    "one_hot",
    "smooth_l1_loss",
]

_REDUCTIONS = ("mean", "sum", "none")
_NUMBERS = (int, float, np.integer, np.floating)  # np.arange's int64, a float32 from a sweep


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
    if not isinstance(reduction, str):  # e.g. PyTorch's positional weight: keywords here
        raise TypeError(
            f"{op}: expected reduction to be one of {_REDUCTIONS}, got "
            f"{type(reduction).__name__}. Pass weights by keyword (weight=...)."
        )
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
    ``1/m``. A term whose weight is 0 counts 0 even where its log is ``-inf`` (``0 * log 0 = 0``,
    as the course's ``np.nansum``): ``A = 1`` with ``Y = 1`` costs 0, with gradient ``-1/A``
    (divided by the mean's count), never ``nan``. A wrong prediction at exactly 0 or 1 costs
    ``inf`` and warns once: the sigmoid saturated, and
    ``binary_cross_entropy_with_logits`` on the pre-activation Z stays finite.

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
    >>> A = Tensor([[1.0, 0.5]], requires_grad=True)      # a perfect prediction costs 0
    >>> J = binary_cross_entropy(A, np.array([[1, 1]]))
    >>> J.backward(); round(J.item(), 8), A.grad           # ln 2 / 2; d/dA of -log(A) / 2
    (0.34657359, array([[-0.5, -1. ]]))
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
    if low > 0.0 and high < 1.0:  # no log(0) anywhere: the plain expression, fastest
        loss = -(Y * A.log() + (1 - Y) * (1 - A).log())
        return _reduce(op, loss, reduction)
    # Some A is exactly 0 or 1. Where a log's weight is 0 (Y = 0 for log A, Y = 1 for
    # log(1 - A)), the log gets the harmless input 1 instead: its value 0 times the weight 0
    # is the convention's 0, and the gradient reaching A there is 0, not 0 * inf = nan.
    # Masking log's *input* matters: a masked output would still send 0 / 0 through log.
    y = Y.data
    wrong = ((y != 0) & (data == 0.0)) | ((y != 1) & (data == 1.0))
    if wrong.any():
        warnings.warn(
            f"{op}: {int(wrong.sum())} prediction(s) in A are exactly "
            f"{'0' if (wrong & (data == 0.0)).any() else '1'} for the opposite label, so the "
            f"cost is inf. The sigmoid saturated; use binary_cross_entropy_with_logits(Z, Y) on "
            f"the pre-activation Z for a finite cost.",
            RuntimeWarning,
            stacklevel=2,
        )
    A_pos = where(y == 0, 1.0, A)  # log A where Y != 0
    A_neg = where(y == 1, 0.0, A)  # log(1 - A) where 1 - Y != 0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # one warning (above) is enough: log's says the same
        loss = -(Y * A_pos.log() + (1 - Y) * (1 - A_neg).log())
    return _reduce(op, loss, reduction)


def _target_times(Y: Tensor, log_p: Tensor) -> Tensor:
    """``Y * log_p`` with ``0 * (-inf) = 0``, for log-probabilities with a bounded derivative
    (log_softmax, log_sigmoid): masking the output is enough there."""
    if np.isfinite(log_p.data).all():
        return Y * log_p
    return Y * where(Y.data == 0, 0.0, log_p)


def binary_cross_entropy_with_logits(
    Z: Any, Y: Any, reduction: str = "mean", *, pos_weight: Any = None
) -> Tensor:
    """Binary cross-entropy of ``sigmoid(Z)``, computed from Z without ever forming log(0).

    ``-(Y log_sigmoid(Z) + (1 - Y) log_sigmoid(-Z))`` equals the course's cost for
    ``A = sigmoid(Z)`` but stays finite for any finite Z (z = 1000 with label 0 costs 1000, not
    inf). Its gradient is the course's ``dZ = A - Y`` (divided by m for the mean).

    Args:
        Z: logits (pre-activations), e.g. ``(1, m)`` or ``(m, 1)``.
        Y: labels 0/1 (or targets in [0, 1]) of the same shape.
        reduction: "mean" (default, the course's 1/m), "sum" or "none".
        pos_weight: None, or the weight of the positive term, ``-(pos_weight * Y log_sigmoid(Z)
            + (1 - Y) log_sigmoid(-Z))``, broadcast against Z (PyTorch's: one weight per class
            on the last axis, e.g. ``n_negative / n_positive`` for rare positives).

    Raises:
        ValueError: shapes differ, or ``pos_weight`` does not broadcast to Z's shape.

    >>> Z = Tensor([[0.0, 1000.0]], requires_grad=True)
    >>> J = binary_cross_entropy_with_logits(Z, np.array([[1, 0]]), reduction="sum")
    >>> round(J.item(), 6)
    1000.693147
    """
    op = "binary_cross_entropy_with_logits"
    Z = _as_tensor(Z)
    Y = _labels(Y, Z)
    _check_same_shape(op, Z, Y, "Z", "Y")
    positive = Y
    if pos_weight is not None:
        weight = np.asarray(pos_weight.data if isinstance(pos_weight, Tensor) else pos_weight)
        try:
            fits = np.broadcast_shapes(weight.shape, Z.shape) == Z.shape
        except ValueError:
            fits = False
        if not fits:
            raise ValueError(
                f"{op}: expected pos_weight to broadcast to Z's shape {Z.shape}, got "
                f"{weight.shape}. Give one weight per class on the last axis."
            )
        positive = Y * Tensor(weight, dtype=Z.dtype)
    loss = -(_target_times(positive, Z.log_sigmoid()) + _target_times(1 - Y, (-Z).log_sigmoid()))
    return _reduce(op, loss, reduction)


def cross_entropy(
    logits: Any,
    targets: Any,
    reduction: str = "mean",
    *,
    weight: Any = None,
    ignore_index: int = -100,
    label_smoothing: float = 0.0,
) -> Tensor:
    """Softmax cross-entropy ``-mean_i log softmax(logits_i)[target_i]``, batch-first.

    Computed with ``log_softmax`` (stable). The mean is over the m examples, not the classes.
    ``weight``, ``ignore_index`` and ``label_smoothing`` are PyTorch's, with its formulas: with
    class indices, the weighted losses ``w[y_i] * loss_i`` of the examples not ignored are summed
    and, for the mean, divided by the sum of their weights ``w[y_i]`` (not by m); label smoothing
    mixes ``(1 - eps)`` of that loss with ``eps / C`` of ``-sum_c w_c log p_ic``. With probability
    targets, smoothing replaces them by ``(1 - eps) targets + eps / C`` and the mean divides by m.

    Args:
        logits: ``(m, C)`` scores, one row per example.
        targets: ``(m,)`` class indices in [0, C) (integers, or whole numbers stored as
            floats), or ``(m, C)`` one-hot / probability rows.
        reduction: "mean" (default), "sum" or "none" (one loss per example; 0 where ignored).
        weight: None, or ``(C,)`` weights of the classes (keyword-only here).
        ignore_index: a class index whose examples count for nothing (default -100, none).
            Probability targets accept only a negative one, as PyTorch.
        label_smoothing: eps in [0, 1].

    Raises:
        TypeError: ``reduction`` is not a string (pass ``weight`` by keyword).
        ValueError: logits not of shape ``(m, C)``, targets of another shape than ``(m,)`` or
            ``(m, C)``, class indices outside ``[0, C)`` (other than ``ignore_index``), a
            ``weight`` not of shape ``(C,)``, or ``label_smoothing`` outside [0, 1].

    >>> logits = Tensor([[2.0, 0.0, 0.0], [0.0, 0.0, 0.0]], requires_grad=True)
    >>> round(cross_entropy(logits, np.array([0, 2])).item(), 6)
    0.669079
    >>> round(cross_entropy(logits, np.array([0, -100])).item(), 6)   # the second is ignored
    0.239545
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
    eps = label_smoothing
    if isinstance(eps, bool) or not isinstance(eps, _NUMBERS) or not 0.0 <= eps <= 1.0:
        raise ValueError(f"{op}: expected label_smoothing in [0, 1], got {eps!r}.")
    eps = float(eps)  # a numpy scalar would set the loss's dtype (float32 logits stay float32)
    w = _class_weights(op, weight, n_classes, logits.dtype)
    log_probs = logits.log_softmax(axis=1)  # (m, C)
    raw = targets.data if isinstance(targets, Tensor) else np.asarray(targets)
    if raw.dtype.kind == "f" and raw.ndim == 1 and np.array_equal(raw, np.round(raw)):
        raw = raw.astype(np.int64)  # class indices stored as floats (e.g. converted by fit)
    if raw.dtype.kind not in "iub":
        if ignore_index >= 0:
            raise ValueError(
                f"{op}: expected no ignore_index with probability targets (as PyTorch), got "
                f"ignore_index={ignore_index}."
            )
        probs = _labels(targets, logits)
        _check_same_shape(op, logits, probs, "logits", "targets")
        if eps:
            probs = probs * (1 - eps) + eps / n_classes
        if w is not None:
            probs = probs * w
        loss = -_target_times(probs, log_probs).sum(axis=1)  # (m,); 0 * log 0 = 0
        return _reduce(op, loss, reduction)
    if raw.shape != (m,):
        if raw.size == m:
            fix = "Flatten a column of labels with targets.reshape(-1)."
        elif raw.shape == logits.shape:  # one-hot rows (one_hot returns integers, as torch's)
            fix = (
                "These look like one-hot rows: pass the class indices (targets.argmax(axis=1)), "
                "or probabilities as floats (targets.astype(np.float64))."
            )
        else:
            fix = (
                f"There are {raw.size} labels for {m} examples (logits has shape "
                f"{logits.shape}): pass the labels of the same examples as the logits."
            )
        raise ValueError(
            f"{op}: expected integer targets of shape (m,) = ({m},), one class index per "
            f"example, got {raw.shape}. {fix}"
        )
    return _indexed_loss(op, log_probs, raw, reduction, w, ignore_index, eps)


def _class_weights(op: str, weight: Any, n_classes: int, dtype: Any) -> np.ndarray | None:
    """``weight`` as a ``(C,)`` array of the logits' dtype (None stays None)."""
    if weight is None:
        return None
    w = np.asarray(weight.data if isinstance(weight, Tensor) else weight, dtype=dtype)
    if w.shape != (n_classes,):
        raise ValueError(
            f"{op}: expected weight of shape (C,) = ({n_classes},), one per class, got {w.shape}."
        )
    return w


def _indexed_loss(
    op: str,
    log_probs: Tensor,
    raw: np.ndarray,
    reduction: str,
    w: np.ndarray | None,
    ignore_index: int,
    eps: float,
) -> Tensor:
    """PyTorch's nll_loss of class indices ``raw`` (m,), with class weights ``w``, examples
    labelled ``ignore_index`` left out, and label smoothing ``eps`` (cross_entropy's)."""
    m, n_classes = log_probs.shape
    keep = raw != ignore_index  # (m,)
    valid = raw[keep]
    if valid.size and (valid.min() < 0 or valid.max() >= n_classes):
        raise ValueError(
            f"{op}: expected class indices in [0, {n_classes}), got values in "
            f"[{valid.min()}, {valid.max()}]."
        )
    if w is None and eps == 0 and keep.all():  # the plain cost, as the course computes it
        return _reduce(op, -log_probs[np.arange(m), raw.astype(np.intp)], reduction)
    index = np.where(keep, raw, 0).astype(np.intp)
    weights = (
        np.ones(m, dtype=log_probs.dtype) if w is None else w[index]
    ) * keep  # w[y_i], 0 ignored
    picked = where(keep, log_probs[np.arange(m), index], 0.0)  # (m,)
    loss = -(picked * weights)
    if eps:
        rows = where(keep[:, None], log_probs, 0.0)  # ignored examples: no smoothing term
        smooth = -(rows if w is None else rows * w).sum(axis=1)  # (m,)
        loss = (1 - eps) * loss + (eps / n_classes) * smooth
    if isinstance(reduction, str) and reduction == "mean":
        return loss.sum() / weights.sum()  # PyTorch: divided by the weights of the kept examples
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


def l1_loss(A: Any, Y: Any, reduction: str = "mean") -> Tensor:
    """Mean absolute error ``mean(|A - Y|)`` (PyTorch's ``l1_loss``; subgradient 0 at A = Y).

    Raises:
        ValueError: shapes differ, or an unknown reduction.

    >>> round(l1_loss(Tensor([1.0, -3.0]), np.array([0.0, 0.0])).item(), 6)
    2.0
    """
    op = "l1_loss"
    A = _as_tensor(A)
    Y = _labels(Y, A)
    _check_same_shape(op, A, Y, "A", "Y")
    return _reduce(op, (A - Y).abs(), reduction)


def _check_threshold(op: str, name: str, value: Any, low_ok: bool) -> float:
    if isinstance(value, bool) or not isinstance(value, _NUMBERS):
        raise TypeError(f"{op}: expected {name} to be a number, got {type(value).__name__}.")
    if not (value >= 0 if low_ok else value > 0) or not np.isfinite(value):
        raise ValueError(f"{op}: expected {name} {'>= 0' if low_ok else '> 0'}, got {value}.")
    return float(value)


def huber_loss(A: Any, Y: Any, reduction: str = "mean", delta: float = 1.0) -> Tensor:
    """Huber loss (PyTorch's ``huber_loss``): quadratic near the target, linear far from it.

    With ``d = A - Y``: ``0.5 d**2`` where ``|d| < delta``, else ``delta (|d| - 0.5 delta)``.

    Args:
        A: predictions; Y: targets of the same shape.
        reduction: "mean" (default), "sum" or "none".
        delta: > 0, where the quadratic part meets the linear one.

    Raises:
        TypeError: delta is not a number.
        ValueError: shapes differ, delta <= 0, or an unknown reduction.

    >>> round(huber_loss(Tensor([0.5, 3.0]), np.array([0.0, 0.0])).item(), 6)  # (0.125 + 2.5) / 2
    1.3125
    """
    op = "huber_loss"
    delta = _check_threshold(op, "delta", delta, low_ok=False)
    return _huber(op, A, Y, reduction, delta, per_threshold=False)


def smooth_l1_loss(A: Any, Y: Any, reduction: str = "mean", beta: float = 1.0) -> Tensor:
    """Smooth L1 loss (PyTorch's ``smooth_l1_loss``): ``huber_loss / beta``; L1 at ``beta = 0``.

    With ``d = A - Y``: ``0.5 d**2 / beta`` where ``|d| < beta``, else ``|d| - 0.5 beta``.

    Args:
        A: predictions; Y: targets of the same shape.
        reduction: "mean" (default), "sum" or "none".
        beta: >= 0 (0 gives ``l1_loss``).

    Raises:
        TypeError: beta is not a number.
        ValueError: shapes differ, beta < 0, or an unknown reduction.

    >>> round(smooth_l1_loss(Tensor([0.5, 3.0]), np.array([0.0, 0.0]), beta=2.0).item(), 6)
    1.03125
    """
    op = "smooth_l1_loss"
    beta = _check_threshold(op, "beta", beta, low_ok=True)
    if beta == 0.0:
        return l1_loss(A, Y, reduction)
    return _huber(op, A, Y, reduction, beta, per_threshold=True)


def _huber(op: str, A: Any, Y: Any, reduction: str, t: float, per_threshold: bool) -> Tensor:
    """Huber's two pieces with ``d = A - Y``: ``0.5 d**2`` where ``|d| < t``, else
    ``t (|d| - 0.5 t)``; ``per_threshold`` divides by t (smooth L1: ``0.5 d**2 / t`` and
    ``|d| - 0.5 t``), each piece computed without a multiply-then-divide by t."""
    A = _as_tensor(A)
    Y = _labels(Y, A)
    _check_same_shape(op, A, Y, "A", "Y")
    d = A - Y
    size = d.abs()
    quadratic, linear = 0.5 * d * d, size - 0.5 * t
    if per_threshold:
        quadratic = quadratic / t
    else:
        linear = t * linear
    return _reduce(op, where(size.data < t, quadratic, linear), reduction)


def nll_loss(
    log_probs: Any,
    targets: Any,
    reduction: str = "mean",
    *,
    weight: Any = None,
    ignore_index: int = -100,
) -> Tensor:
    """Negative log-likelihood of class indices: ``-mean_i log_probs[i, targets[i]]``.

    PyTorch's ``nll_loss``: ``cross_entropy(logits, y, weight=w, ignore_index=k)`` is
    ``nll_loss(log_softmax(logits), y, weight=w, ignore_index=k)``. With ``weight`` or ignored
    examples, the losses ``w[y_i] * loss_i`` of the examples not ignored are summed and, for the
    mean, divided by the sum of their weights ``w[y_i]`` (not by m), as PyTorch.

    Args:
        log_probs: ``(m, C)`` log-probabilities (e.g. ``logits.log_softmax(axis=1)``).
        targets: ``(m,)`` integer class indices in [0, C).
        reduction: "mean" (default), "sum" or "none" (one loss per example; 0 where ignored).
        weight: None, or ``(C,)`` weights of the classes (keyword-only here).
        ignore_index: a class index whose examples count for nothing (default -100, none).

    Raises:
        TypeError: targets that are not integers.
        ValueError: log_probs not ``(m, C)``, targets not ``(m,)``, an index outside [0, C)
            (other than ``ignore_index``), or a ``weight`` not of shape ``(C,)``.

    >>> log_probs = Tensor(np.log([[0.5, 0.5], [0.1, 0.9]]))
    >>> round(nll_loss(log_probs, np.array([0, 1])).item(), 6)   # -(log 0.5 + log 0.9) / 2
    0.399254
    >>> round(nll_loss(log_probs, np.array([0, -100])).item(), 6)   # the second is ignored
    0.693147
    """
    op = "nll_loss"
    log_probs = _as_tensor(log_probs)
    if log_probs.ndim != 2:
        raise ValueError(
            f"{op}: expected log_probs of shape (m, C), one row per example, got {log_probs.shape}."
        )
    m, n_classes = log_probs.shape
    raw = targets.data if isinstance(targets, Tensor) else np.asarray(targets)
    if raw.dtype.kind not in "iu":
        raise TypeError(f"{op}: expected integer class indices, got dtype {raw.dtype}.")
    if raw.shape != (m,):
        raise ValueError(f"{op}: expected targets of shape (m,) = ({m},), got {raw.shape}.")
    w = _class_weights(op, weight, n_classes, log_probs.dtype)
    return _indexed_loss(op, log_probs, raw, reduction, w, ignore_index, 0.0)


def l2_regularization(params: Module | Any, lambd: float, m: int) -> Tensor:
    """The course's L2 cost term ``lambd / (2 m) * sum of ||W||^2`` over the weight matrices.

    Course 2, week 1 ("Regularization", ``compute_cost_with_regularization``) adds
    ``(1./m * lambd / 2) * (sum(W1**2) + sum(W2**2) + sum(W3**2))`` to the cross-entropy; its
    gradient adds ``lambd / m * W`` to each dW ("weight decay": each step shrinks W). Add this
    term to the loss before ``backward()`` and autograd does the rest.

    Given a Module, the weights are its parameters with two or more axes (Linear's W, a
    convolution's kernels), not the biases or batch norm's gamma and beta, as the course
    regularizes W only. Pass a list of tensors to choose them yourself.

    This is L2 regularization of the *cost*; ``optim.SGD(weight_decay=...)`` adds the same
    gradient inside the optimizer, and ``optim.AdamW`` decays weights decoupled from Adam's
    scaling, which is not the same thing.

    Args:
        params: a Module, or an iterable of the tensors to regularize.
        lambd: the regularization strength lambda, >= 0 (``lambda`` is a Python keyword).
        m: the number of training examples the cost averages over.

    Returns:
        A 0-d tensor to add to the cost.

    Raises:
        ValueError: no weight matrix to regularize, ``lambd < 0``, or ``m`` not an int >= 1.

    >>> from tinygrad_edu import nn
    >>> layer = nn.Linear(2, 1, init="zeros"); layer.W.data[:] = [[3.0, 4.0]]
    >>> round(l2_regularization(layer, lambd=0.7, m=5).item(), 12)     # 0.7 / 10 * 25
    1.75
    """
    op = "l2_regularization"
    weights: list[Any]
    if isinstance(params, Module):
        weights = [p for p in params.parameters() if p.ndim >= 2]
    elif isinstance(params, Tensor):
        weights = [params]
    else:
        weights = list(params)
    if not weights:
        raise ValueError(
            f"{op}: expected at least one weight matrix to regularize, got none (a Module's "
            f"weights are its parameters with two or more axes)."
        )
    if isinstance(lambd, bool) or not isinstance(lambd, (int, float)) or not lambd >= 0:
        raise ValueError(f"{op}: expected lambd >= 0, got {lambd!r}.")
    if isinstance(m, bool) or not isinstance(m, (int, np.integer)) or m < 1:
        raise ValueError(f"{op}: expected m, the number of examples, to be an int >= 1, got {m!r}.")
    squares = [(W * W).sum() for W in map(_as_tensor, weights)]  # np.sum(np.square(W)) each
    total = squares[0]
    for s in squares[1:]:
        total = total + s
    return (1.0 / m * lambd / 2) * total  # the course's coefficient, in the course's order


def one_hot(labels: Any, num_classes: int | None = None, *, axis: int = -1, dtype=np.float64):
    """Integer class labels as one-hot rows (or columns): ``[2, 0] -> [[0, 0, 1], [1, 0, 0]]``.

    ``Tensor.one_hot`` (PyTorch's, int64) as a float target, in the course's layout if asked. The
    course's ``convert_to_one_hot(Y, C)`` gives ``(C, m)``, classes in rows: pass
    ``axis=0``. The result is a constant Tensor (labels have no gradient), e.g. the
    probability targets of ``cross_entropy``.

    Args:
        labels: integers in [0, num_classes), any shape (a column ``(m, 1)`` or row ``(1, m)`` is
            flattened first, as the course does).
        num_classes: C; default ``max(labels) + 1``.
        axis: where the class axis goes: -1 (default, PyTorch's ``F.one_hot``) or 0 (course).
        dtype: float64 by default, so the result can be a target directly.

    Raises:
        TypeError: labels are not integers.
        ValueError: a label is negative or >= num_classes.

    >>> one_hot(np.array([2, 0]), 3)
    Tensor([[0., 0., 1.],
            [1., 0., 0.]])
    >>> one_hot(np.array([[1, 0]]), 2, axis=0).shape     # the course's (C, m)
    (2, 2)
    """
    if axis not in (0, -1):
        raise ValueError(
            f"one_hot: expected axis -1 (classes last) or 0 (classes first), got {axis}."
        )
    raw = labels.data if isinstance(labels, Tensor) else np.asarray(labels)
    if raw.dtype.kind == "b":
        raw = raw.astype(np.int64)  # True/False labels are classes 1 and 0
    if raw.ndim == 2 and 1 in raw.shape:
        raw = raw.reshape(-1)  # the course's Y (1, m) or (m, 1)
    # Tensor.one_hot checks the labels (whole numbers in [0, num_classes)) and encodes them
    out = Tensor(raw).one_hot(-1 if num_classes is None else num_classes, dtype=dtype).data
    if axis == 0:
        out = np.ascontiguousarray(np.moveaxis(out, -1, 0))  # (C, ...)
    return Tensor(out)
