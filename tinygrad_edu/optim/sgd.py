"""``SGD``: gradient descent, with PyTorch's momentum, dampening, Nesterov and weight decay.

Layer: ``optim``.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from tinygrad_edu.optim.optimizer import Optimizer, _check_lr, _check_number
from tinygrad_edu.tensor import Tensor

_BUFFER_INITS = ("grad", "zeros")


class SGD(Optimizer):
    """Stochastic gradient descent, optionally with momentum (PyTorch's rule).

    Each ``step()`` does, for every parameter W with a gradient dW::

        g = dW + weight_decay * W                         # L2 penalty's gradient (if > 0)
        v = momentum * v + (1 - dampening) * g            # velocity (if momentum > 0)
        g = g + momentum * v   if nesterov   else   v
        W = W - lr * g

    With ``momentum=0`` this is the course's ``W = W - learning_rate * dW``.

    **The course's momentum** ``v = beta * v + (1 - beta) * dW``, ``W = W - alpha * v`` (course
    2, week 2, "Optimization methods") is this rule with ``dampening = momentum = beta``. The
    course starts the velocity at zeros, so its first step moves by ``(1 - beta) * dW``; PyTorch
    starts the velocity at the first gradient (``v = dW``, no dampening on step 1). After the
    first step the two rules are the same arithmetic. ``buffer_init="zeros"`` starts from zeros
    as the course does; the default ``"grad"`` is PyTorch's.

    Args:
        params: the tensors to update, e.g. ``model.parameters()``; each must require grad.
        lr: the learning rate alpha, > 0. May be changed between steps (``opt.lr = ...``).
        momentum: beta in [0, 1).
        dampening: in [0, 1]; the course's momentum uses ``dampening = momentum``.
        weight_decay: >= 0; adds the gradient of ``weight_decay / 2 * ||W||^2`` (L2) to dW.
        nesterov: Nesterov momentum (needs momentum > 0 and dampening = 0, as in PyTorch).
        buffer_init: ``"grad"`` (PyTorch) or ``"zeros"`` (the course) for the first velocity.
        maximize: ascend instead: use ``-dW`` in place of dW (PyTorch's; before weight decay).

    Raises:
        ValueError: a hyperparameter out of range, or nesterov without momentum.

    >>> W = Tensor([1.0, 2.0], requires_grad=True)
    >>> opt = SGD([W], lr=0.1)
    >>> (W * W).sum().backward()
    >>> opt.step()
    >>> W
    Tensor([0.8, 1.6], requires_grad=True)

    The course's momentum, step for step:

    >>> W = Tensor([1.0], requires_grad=True)
    >>> opt = SGD([W], lr=0.1, momentum=0.9, dampening=0.9, buffer_init="zeros")
    >>> (W * W).sum().backward()              # dW = 2
    >>> opt.step()                            # v = 0.9 * 0 + 0.1 * 2 = 0.2; W = 1 - 0.1 * 0.2
    >>> round(float(opt.state[0]["momentum_buffer"][0]), 12), round(float(W.data[0]), 12)
    (0.2, 0.98)
    """

    hyperparameters = ("lr", "momentum", "dampening", "weight_decay", "nesterov", "maximize")

    def __init__(
        self,
        params: Iterable[Tensor],
        lr: float,
        momentum: float = 0.0,
        dampening: float = 0.0,
        weight_decay: float = 0.0,
        nesterov: bool = False,
        *,
        buffer_init: str = "grad",
        maximize: bool = False,
    ):
        super().__init__(params)
        op = "SGD"
        self.maximize = bool(maximize)
        self.lr = _check_lr(op, lr)
        self.momentum = _check_number(op, "momentum", momentum, 0.0, 1.0, "in [0, 1)")
        self.dampening = _check_number(op, "dampening", dampening, 0.0, None, "in [0, 1]")
        if self.dampening > 1.0:
            raise ValueError(f"{op}: expected dampening in [0, 1], got {self.dampening}.")
        self.weight_decay = _check_number(op, "weight_decay", weight_decay, 0.0, None, ">= 0")
        self.nesterov = bool(nesterov)
        if self.nesterov and (self.momentum == 0.0 or self.dampening != 0.0):
            raise ValueError(
                f"{op}: expected momentum > 0 and dampening = 0 with nesterov=True, got "
                f"momentum={self.momentum}, dampening={self.dampening}."
            )
        if buffer_init not in _BUFFER_INITS:
            raise ValueError(
                f"{op}: expected buffer_init to be 'grad' (PyTorch) or 'zeros' (the course), got "
                f"{buffer_init!r}."
            )
        self.buffer_init = buffer_init

    def step(self) -> None:
        """Update every parameter that has a gradient; parameters without one are left alone."""
        lr, momentum, weight_decay = self.lr, self.momentum, self.weight_decay
        for i, p, g in self._grads():
            if weight_decay:
                g = g + weight_decay * p.data
            if momentum:
                state = self.state[i]
                v = state.get("momentum_buffer")
                if v is None and self.buffer_init == "grad":
                    v = state["momentum_buffer"] = np.array(g, copy=True)  # PyTorch: v = dW
                else:
                    if v is None:  # the course: v starts at zeros
                        v = state["momentum_buffer"] = np.zeros_like(p.data)
                    v *= momentum  # in place: v = momentum v + (1 - dampening) g, the
                    v += (1 - self.dampening) * g  # course's arithmetic to the last bit
                g = g + momentum * v if self.nesterov else v
            # A new array rather than ``p.data -= ...``: a graph recorded before this step keeps
            # the values it saw, so its gradients stay right. Same arithmetic as the course.
            p.data = p.data - lr * g
        self.steps += 1
