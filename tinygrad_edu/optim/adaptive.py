"""Adaptive optimizers: ``RMSprop``, ``Adam`` and ``AdamW`` (PyTorch's rules, the course's names).

Layer: ``optim``. Course 2, week 2 ("Optimization methods") writes, for each parameter W::

    v = beta1 * v + (1 - beta1) * dW           # momentum: mean of the gradients
    s = beta2 * s + (1 - beta2) * dW**2        # RMSprop: mean of the squared gradients
    v_corrected = v / (1 - beta1**t)           # bias correction (t counts Adam steps from 1)
    s_corrected = s / (1 - beta2**t)
    W = W - learning_rate * v_corrected / (sqrt(s_corrected) + epsilon)

``eps`` is added *outside* the square root, as in the course and PyTorch. The arithmetic here is
the course's, operation for operation; PyTorch groups the same terms differently, which agrees to
rounding (about 1e-15 relative per step).
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from tinygrad_edu.optim.optimizer import Optimizer, _check_lr, _check_number
from tinygrad_edu.tensor import Tensor


def _check_betas(op: str, betas) -> tuple[float, float]:
    if not isinstance(betas, (tuple, list)) or len(betas) != 2:
        raise TypeError(f"{op}: expected betas to be a pair (beta1, beta2), got {betas!r}.")
    return (
        _check_number(op, "beta1", betas[0], 0.0, 1.0, "in [0, 1)"),
        _check_number(op, "beta2", betas[1], 0.0, 1.0, "in [0, 1)"),
    )


class RMSprop(Optimizer):
    """RMSprop: divide each step by a running root mean square of the gradients.

    ``s = alpha * s + (1 - alpha) * dW**2``; ``W = W - lr * dW / (sqrt(s) + eps)``. The course
    calls ``alpha`` beta2 (or beta). ``centered=True`` subtracts the squared running mean of the
    gradients from ``s`` first; ``momentum > 0`` keeps a velocity of the scaled steps (PyTorch).

    Args:
        params: the tensors to update.
        lr: > 0. PyTorch's default 0.01.
        alpha: smoothing constant in [0, 1), default 0.99.
        eps: > 0, added outside the square root.
        weight_decay: >= 0, L2 gradient ``weight_decay * W`` added to dW.
        momentum: in [0, 1).
        centered: use the variance instead of the raw second moment.
        maximize: ascend: use ``-dW`` in place of dW (PyTorch's).

    >>> W = Tensor([1.0], requires_grad=True)
    >>> opt = RMSprop([W], lr=0.1, alpha=0.9)
    >>> (W * W).sum().backward()            # dW = 2; s = 0.1 * 4 = 0.4
    >>> opt.step()                          # W = 1 - 0.1 * 2 / (sqrt(0.4) + 1e-8)
    >>> round(float(W.data[0]), 6)
    0.683772
    """

    hyperparameters = ("lr", "alpha", "eps", "weight_decay", "momentum", "centered", "maximize")

    def __init__(
        self,
        params: Iterable[Tensor],
        lr: float = 0.01,
        alpha: float = 0.99,
        eps: float = 1e-8,
        weight_decay: float = 0.0,
        momentum: float = 0.0,
        centered: bool = False,
        *,
        maximize: bool = False,
    ):
        super().__init__(params)
        op = "RMSprop"
        self.maximize = bool(maximize)
        self.lr = _check_lr(op, lr)
        self.alpha = _check_number(op, "alpha", alpha, 0.0, 1.0, "in [0, 1)")
        self.eps = _check_number(op, "eps", eps, 0.0, None, ">= 0")
        self.weight_decay = _check_number(op, "weight_decay", weight_decay, 0.0, None, ">= 0")
        self.momentum = _check_number(op, "momentum", momentum, 0.0, 1.0, "in [0, 1)")
        self.centered = bool(centered)

    def step(self) -> None:
        """One RMSprop update of every parameter that has a gradient."""
        lr, alpha, eps = self.lr, self.alpha, self.eps
        for i, p, g in self._grads():
            state = self.state[i]
            if self.weight_decay:
                g = g + self.weight_decay * p.data
            s = state.get("square_avg")
            if s is None:
                s = state["square_avg"] = np.zeros_like(p.data)
            s *= alpha
            s += (1 - alpha) * (g * g)  # s = alpha s + (1 - alpha) dW**2
            if self.centered:
                mean = state.get("grad_avg")
                if mean is None:
                    mean = state["grad_avg"] = np.zeros_like(p.data)
                mean *= alpha
                mean += (1 - alpha) * g
                avg = np.sqrt(s - mean * mean)
            else:
                avg = np.sqrt(s)
            avg += eps
            if self.momentum:
                buf = state.get("momentum_buffer")
                if buf is None:
                    buf = state["momentum_buffer"] = np.zeros_like(p.data)
                buf *= self.momentum
                buf += g / avg
                p.data = p.data - lr * buf
            else:
                p.data = p.data - lr * g / avg
        self.steps += 1


class Adam(Optimizer):
    """Adam: momentum and RMSprop together, with bias correction (the course's formulas).

    For each parameter, at step t = 1, 2, ...::

        v = beta1 * v + (1 - beta1) * dW;     v_corrected = v / (1 - beta1**t)
        s = beta2 * s + (1 - beta2) * dW**2;  s_corrected = s / (1 - beta2**t)
        W = W - lr * v_corrected / (sqrt(s_corrected) + eps)

    ``weight_decay`` adds ``weight_decay * W`` to dW first (L2 regularization, coupled to the
    adaptive scaling, as ``torch.optim.Adam``); for decoupled weight decay use ``AdamW``.
    ``amsgrad=True`` divides by the running maximum of ``s`` instead (PyTorch).

    Args:
        params: the tensors to update.
        lr: > 0, default 0.001 (the course uses 0.0007 on the moons).
        betas: ``(beta1, beta2)``, default ``(0.9, 0.999)``.
        eps: added outside the square root, default 1e-8.
        weight_decay: >= 0.
        amsgrad: use the maximum of the second moments seen so far.
        maximize: ascend: use ``-dW`` in place of dW (PyTorch's; before weight decay).

    >>> W = Tensor([1.0, -1.0], requires_grad=True)
    >>> opt = Adam([W], lr=0.1)
    >>> (W * W).sum().backward()
    >>> opt.step()                       # the first Adam step moves each weight by about lr
    >>> np.round(W.data, 6)
    array([ 0.9, -0.9])
    """

    hyperparameters = ("lr", "betas", "eps", "weight_decay", "amsgrad", "maximize")

    def __init__(
        self,
        params: Iterable[Tensor],
        lr: float = 0.001,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
        amsgrad: bool = False,
        *,
        maximize: bool = False,
    ):
        super().__init__(params)
        op = type(self).__name__
        self.maximize = bool(maximize)
        self.lr = _check_lr(op, lr)
        self.betas = _check_betas(op, betas)
        self.eps = _check_number(op, "eps", eps, 0.0, None, ">= 0")
        self.weight_decay = _check_number(op, "weight_decay", weight_decay, 0.0, None, ">= 0")
        self.amsgrad = bool(amsgrad)

    def _decay(self, p: Tensor, g: np.ndarray) -> np.ndarray:
        """Adam's coupled L2: ``dW + weight_decay * W``."""
        return g + self.weight_decay * p.data if self.weight_decay else g

    def step(self) -> None:
        """One Adam update of every parameter that has a gradient.

        t counts the steps *this parameter* took, counting this one (``state[i]["step"]``, as
        PyTorch's): a parameter without a gradient at some step keeps its own t, so its bias
        correction is that of the updates it actually received.
        """
        lr, eps = self.lr, self.eps
        beta1, beta2 = self.betas
        for i, p, g in self._grads():
            g = self._decay(p, g)
            state = self.state[i]
            if "step" in state:
                t = int(state["step"]) + 1
            else:  # a new parameter, or a state saved before per-parameter steps: the global t
                t = self.steps + 1 if "exp_avg" in state else 1
            state["step"] = np.array(t, dtype=np.int64)
            correction1 = 1 - beta1**t  # the course's 1 - np.power(beta1, t)
            correction2 = 1 - beta2**t
            v = state.get("exp_avg")
            if v is None:
                v = state["exp_avg"] = np.zeros_like(p.data)
                s = state["exp_avg_sq"] = np.zeros_like(p.data)
            else:
                s = state["exp_avg_sq"]
            # In place (the optimizer owns its state), the course's arithmetic to the last bit:
            v *= beta1
            v += (1 - beta1) * g  # v = beta1 v + (1 - beta1) dW
            s *= beta2
            s += (1 - beta2) * (g * g)  # s = beta2 s + (1 - beta2) dW**2
            if self.amsgrad:
                s_max = state.get("max_exp_avg_sq")
                s = state["max_exp_avg_sq"] = s.copy() if s_max is None else np.maximum(s_max, s)
            denominator = np.sqrt(s / correction2)  # sqrt(s_corrected)
            denominator += eps
            update = v / correction1  # v_corrected
            update *= lr
            update /= denominator
            p.data = p.data - update  # W = W - lr * v_corrected / (sqrt(s_corrected) + eps)
        self.steps += 1


class AdamW(Adam):
    """Adam with decoupled weight decay (Loshchilov and Hutter; ``torch.optim.AdamW``).

    Each step first shrinks the weights, ``W = W * (1 - lr * weight_decay)``, then takes the
    Adam step on the plain gradient. Unlike L2 regularization (course 2 week 1, the cost term
    ``lambda / (2m) * sum(W**2)``, or ``Adam(weight_decay=...)``), the decay is not divided by
    Adam's ``sqrt(s)``: every weight shrinks by the same fraction.

    Args:
        params, lr, betas, eps, amsgrad, maximize: as for ``Adam``.
        weight_decay: >= 0, default 0.01 (PyTorch's).

    >>> W = Tensor([1.0], requires_grad=True)
    >>> opt = AdamW([W], lr=0.1, weight_decay=0.5)
    >>> (W * 0.0).sum().backward()        # no gradient signal: only the decay acts
    >>> opt.step()
    >>> float(W.data[0])                  # 1 * (1 - 0.1 * 0.5)
    0.95
    """

    def __init__(
        self,
        params: Iterable[Tensor],
        lr: float = 0.001,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.01,
        amsgrad: bool = False,
        *,
        maximize: bool = False,
    ):
        super().__init__(params, lr, betas, eps, weight_decay, amsgrad, maximize=maximize)

    def _decay(self, p: Tensor, g: np.ndarray) -> np.ndarray:
        if self.weight_decay:
            p.data = p.data * (1 - self.lr * self.weight_decay)
        return g
