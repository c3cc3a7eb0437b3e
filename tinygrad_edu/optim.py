"""Optimizers: gradient descent on a model's parameters (``SGD``).

Layer: ``optim``, above ``losses``. An optimizer reads each parameter's ``.grad`` (filled by
``J.backward()``) and updates ``.data`` with plain numpy arithmetic, so an update records no graph
and needs no ``no_grad()``.

The course's update ``W = W - learning_rate * dW`` is ``SGD(model.parameters(), lr).step()``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np

from tinygrad_edu.tensor import Tensor

__all__ = ["SGD"]


def _check_number(op: str, name: str, value, low: float, high: float | None, rule: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"{op}: expected {name} to be a number, got {type(value).__name__}.")
    value = float(value)
    if not math.isfinite(value) or value < low or (high is not None and value >= high):
        raise ValueError(f"{op}: expected {name} {rule}, got {value}.")
    return value


class SGD:
    """Stochastic gradient descent, optionally with momentum and weight decay (PyTorch's rule).

    Each ``step()`` does, for every parameter W with a gradient dW::

        g = dW + weight_decay * W                    # L2 regularization's gradient
        v = momentum * v + g     (v = g on the first step; skipped when momentum = 0)
        W = W - lr * v

    With ``momentum=0`` and ``weight_decay=0`` this is the course's ``W = W - learning_rate * dW``.
    Course 2 writes momentum as ``v = beta v + (1 - beta) dW``: the same directions, with the
    step scaled by ``(1 - beta)``; use ``lr * (1 - beta)`` here to match it.

    Args:
        params: the tensors to update, e.g. ``model.parameters()``; each must require grad.
        lr: the learning rate alpha, > 0. May be changed between steps (``opt.lr = ...``).
        momentum: in [0, 1).
        weight_decay: >= 0; the L2 penalty ``weight_decay / 2 * ||W||^2`` added to the cost.

    >>> W = Tensor([1.0, 2.0], requires_grad=True)
    >>> opt = SGD([W], lr=0.1)
    >>> (W * W).sum().backward()
    >>> opt.step()
    >>> W
    Tensor([0.8, 1.6], requires_grad=True)
    """

    def __init__(
        self, params: Iterable[Tensor], lr: float, momentum: float = 0.0, weight_decay: float = 0.0
    ):
        op = "SGD"
        if isinstance(params, Tensor):
            raise TypeError(
                f"{op}: expected an iterable of tensors, got a single Tensor. Wrap it in a list: "
                f"SGD([W], lr=...)."
            )
        self.params: list[Tensor] = list(params)
        if not self.params:
            raise ValueError(
                f"{op}: expected at least one parameter, got an empty list. If you passed "
                f"model.parameters(), does the model have any layers with weights?"
            )
        seen = set()
        for i, p in enumerate(self.params):
            if not isinstance(p, Tensor):
                raise TypeError(f"{op}: expected tensors, got {type(p).__name__} at position {i}.")
            if not p.requires_grad or not p.is_leaf:
                raise ValueError(
                    f"{op}: expected leaf tensors that require grad, got one at position {i} "
                    f"that {'is not a leaf' if not p.is_leaf else 'does not require grad'}. "
                    f"Pass the parameters themselves (Tensor(..., requires_grad=True) or "
                    f"model.parameters())."
                )
            if id(p) in seen:
                raise ValueError(
                    f"{op}: expected each parameter once, got the one at position {i} twice; "
                    f"it would be updated twice per step."
                )
            seen.add(id(p))
        self.lr = _check_number(op, "lr", lr, 0.0, None, "> 0 (the learning rate alpha)")
        if self.lr == 0.0:
            raise ValueError(f"{op}: expected lr > 0 (the learning rate alpha), got 0.0.")
        self.momentum = _check_number(op, "momentum", momentum, 0.0, 1.0, "in [0, 1)")
        self.weight_decay = _check_number(op, "weight_decay", weight_decay, 0.0, None, ">= 0")
        self.velocity: list[np.ndarray | None] = [None] * len(self.params)

    def step(self) -> None:
        """Update every parameter that has a gradient; parameters without one are left alone."""
        lr, momentum, weight_decay = self.lr, self.momentum, self.weight_decay
        for i, p in enumerate(self.params):
            g = p.grad
            if g is None:
                continue
            if weight_decay:
                g = g + weight_decay * p.data
            if momentum:
                v = self.velocity[i]
                if v is None:
                    v = self.velocity[i] = np.array(g, copy=True)
                else:
                    v *= momentum
                    v += g
                g = v
            # A new array rather than ``p.data -= ...``: a graph recorded before this step keeps
            # the values it saw, so its gradients stay right. Same arithmetic as the course.
            p.data = p.data - lr * g

    def zero_grad(self) -> None:
        """Forget every parameter's gradient (``.grad = None``) before the next backward."""
        for p in self.params:
            p.grad = None

    def __repr__(self) -> str:
        return (
            f"SGD({len(self.params)} parameters, lr={self.lr}, momentum={self.momentum}, "
            f"weight_decay={self.weight_decay})"
        )
