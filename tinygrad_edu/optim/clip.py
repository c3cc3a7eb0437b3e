"""Gradient clipping, by value and by global norm (``torch.nn.utils``'s semantics).

Layer: ``optim``. Call between ``J.backward()`` and ``opt.step()``: each function rewrites the
parameters' ``.grad`` (a new array, same dtype) and leaves parameters without a gradient alone.
Exploding gradients in recurrent networks (course 5) are the classic use.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from tinygrad_edu.tensor import Tensor


def _with_grads(op: str, parameters) -> list[Tensor]:
    if isinstance(parameters, Tensor):
        parameters = [parameters]
    out = []
    for i, p in enumerate(parameters):
        if not isinstance(p, Tensor):
            raise TypeError(f"{op}: expected tensors, got {type(p).__name__} at position {i}.")
        if p.grad is not None:
            out.append(p)
    return out


def clip_grad_value_(parameters: Tensor | Iterable[Tensor], clip_value: float) -> None:
    """Clip every gradient element to ``[-clip_value, clip_value]``, in place of ``.grad``.

    Args:
        parameters: a tensor or an iterable of tensors (e.g. ``model.parameters()``).
        clip_value: > 0.

    Raises:
        ValueError: ``clip_value`` <= 0.

    >>> W = Tensor([1.0, 1.0], requires_grad=True)
    >>> (W * Tensor([10.0, -0.5])).sum().backward()
    >>> clip_grad_value_([W], 1.0)
    >>> W.grad
    array([ 1. , -0.5])
    """
    clip_value = float(clip_value)
    if not clip_value > 0:
        raise ValueError(f"clip_grad_value_: expected clip_value > 0, got {clip_value}.")
    for p in _with_grads("clip_grad_value_", parameters):
        p.grad = np.clip(p.grad, -clip_value, clip_value).astype(p.grad.dtype, copy=False)


def clip_grad_norm_(
    parameters: Tensor | Iterable[Tensor],
    max_norm: float,
    norm_type: float = 2.0,
    error_if_nonfinite: bool = False,
) -> Tensor:
    """Scale all gradients together so that their global norm is at most ``max_norm``.

    The global norm is the norm of the vector of every gradient element (the norm of the
    per-parameter norms). Every gradient is multiplied by
    ``min(1, max_norm / (total_norm + 1e-6))``, as PyTorch does, so the directions are kept.

    Args:
        parameters: a tensor or an iterable of tensors.
        max_norm: > 0.
        norm_type: p of the p-norm (2 by default), or ``float("inf")`` for the largest |element|.
        error_if_nonfinite: raise if the total norm is NaN or inf (otherwise gradients become
            NaN, as in PyTorch).

    Returns:
        The total norm of the gradients *before* clipping, as a 0-d tensor of the gradients'
        dtype (float32 gradients give a float32 norm, as in PyTorch).

    Raises:
        RuntimeError: the norm is not finite and ``error_if_nonfinite`` is set.
        ValueError: ``max_norm`` or ``norm_type`` is not > 0.

    >>> W = Tensor([0.0, 0.0], requires_grad=True)
    >>> (W * Tensor([3.0, 4.0])).sum().backward()
    >>> float(clip_grad_norm_([W], max_norm=1.0))
    5.0
    >>> np.round(W.grad, 6)
    array([0.6, 0.8])
    """
    op = "clip_grad_norm_"
    max_norm, norm_type = float(max_norm), float(norm_type)
    if not max_norm > 0:
        raise ValueError(f"{op}: expected max_norm > 0, got {max_norm}.")
    if not norm_type > 0:
        raise ValueError(f"{op}: expected norm_type > 0 (or inf), got {norm_type}.")
    params = _with_grads(op, parameters)
    if not params:
        return Tensor(0.0)
    if norm_type == np.inf:
        norms = np.array([np.max(np.abs(p.grad), initial=0.0) for p in params])
        total = float(np.max(norms))
    else:
        # in float64 (a float16 norm overflows to inf); a float64 gradient is not copied
        norms = np.array(
            [
                np.linalg.norm(p.grad.ravel().astype(np.float64, copy=False), norm_type)
                for p in params
            ]
        )
        total = float(np.linalg.norm(norms, ord=norm_type))
    if error_if_nonfinite and not np.isfinite(total):
        raise RuntimeError(
            f"{op}: the total norm of order {norm_type} of the gradients is {total}, so they "
            f"cannot be clipped. Look for a NaN or inf gradient (tg.detect_anomaly() finds the "
            f"op), or pass error_if_nonfinite=False."
        )
    coef = min(max_norm / (total + 1e-6), 1.0)
    with np.errstate(invalid="ignore"):  # inf * 0 = nan: the documented result, as PyTorch's
        for p in params:
            p.grad = (p.grad * np.asarray(coef, dtype=p.grad.dtype)).astype(
                p.grad.dtype, copy=False
            )
    return Tensor(total, dtype=np.result_type(*(p.grad.dtype for p in params)))
