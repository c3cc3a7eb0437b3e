"""Learning-rate schedules: the course's inverse-time decay (plain and scheduled), step and
exponential decay, or any function of the epoch.

Layer: ``optim``. A schedule sets ``optimizer.lr`` from the optimizer's initial learning rate
``lr0`` and a counter ``t``: ``t = 0`` when the schedule is made, ``t + 1`` at every ``step()``
(PyTorch's ``LRScheduler``). Call ``step()`` once per epoch (after the epoch's updates) for a
per-epoch schedule, or after every ``optimizer.step()`` for a per-step one. ``step(epoch)`` sets
``t`` directly, which is how the course calls its decay functions::

    for i in range(num_epochs):
        ...one epoch of updates...
        schedule.step(i)      # the course: learning_rate = update_lr(learning_rate0, i, rate)

so epochs 0 and 1 both train with ``lr0`` and epoch ``i + 1`` with the rate for ``t = i``.

As in PyTorch, ``StepLR`` and ``ExponentialLR`` are *chainable*: ``step()`` multiplies the
optimizer's current rate by gamma (when due), so two of them on one optimizer compose, and a rate
you set by hand between steps is kept and decayed from. ``LambdaLR`` and ``InverseTimeDecay``
(and ``step(epoch)`` of any schedule) compute the rate from ``lr0`` in closed form. A schedule's
``lr0`` is the optimizer's rate when the schedule is made (PyTorch uses the rate from when the
*first* schedule was attached to the optimizer: the same unless you make a schedule mid-run).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from tinygrad_edu.optim.optimizer import Optimizer, _check_number


def _check_period(op: str, name: str, value: Any) -> int:
    """A number of epochs (or steps) between two changes of the rate: an int >= 1."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{op}: expected {name} to be an int, got {value!r}.")
    if value < 1:
        raise ValueError(f"{op}: expected {name} >= 1, got {value}.")
    return int(value)


class LRScheduler:
    """Base class: ``lr = rate(t)``, set on the optimizer at creation and by every ``step()``.

    Attributes:
        optimizer: the optimizer whose ``lr`` is set.
        base_lr: the optimizer's learning rate when the schedule was made (the course's lr0).
        last_epoch: the counter t.

    Raises:
        TypeError: ``optimizer`` has no ``lr`` attribute.
    """

    def __init__(self, optimizer: Optimizer):
        if not hasattr(optimizer, "lr"):
            raise TypeError(
                f"{type(self).__name__}: expected an optimizer with an lr attribute (SGD, Adam, "
                f"...), got {type(optimizer).__name__}."
            )
        self.optimizer = optimizer
        self.base_lr = float(optimizer.lr)
        self.last_epoch = 0
        optimizer.lr = self._last_lr = self.rate(0)

    def rate(self, t: int) -> float:
        """The learning rate at counter ``t``.

        Raises:
            NotImplementedError: the subclass does not define ``rate``.
        """
        raise NotImplementedError(
            f"{type(self).__name__}: a schedule must define rate(self, t) returning the learning "
            f"rate at counter t (see StepLR or LambdaLR)."
        )

    def chained_rate(self, lr: float, t: int) -> float:
        """The rate after ``step()`` from the optimizer's current rate ``lr`` (t >= 1).

        The default is the closed form ``rate(t)``; chainable schedules (``StepLR``,
        ``ExponentialLR``) multiply ``lr`` instead, as PyTorch's.
        """
        return self.rate(t)

    def step(self, epoch: int | None = None) -> float:
        """Advance the counter (or set it to ``epoch``) and set the optimizer's lr; returns it.

        Raises:
            ValueError: ``epoch`` is not an int >= 0.
        """
        if epoch is None:
            self.last_epoch += 1
            lr = self.chained_rate(float(self.optimizer.lr), self.last_epoch)
        else:
            if isinstance(epoch, bool) or not isinstance(epoch, (int, np.integer)) or epoch < 0:
                raise ValueError(
                    f"{type(self).__name__}.step: expected epoch to be an int >= 0, got {epoch!r}."
                )
            self.last_epoch = int(epoch)
            lr = self.rate(self.last_epoch)
        self.optimizer.lr = self._last_lr = lr
        return lr

    def get_last_lr(self) -> float:
        """The learning rate this schedule's last ``step()`` (or its constructor) set.

        One float (PyTorch returns a list, one rate per parameter group; here there is one).
        """
        return self._last_lr

    def state_dict(self) -> dict[str, np.ndarray]:
        """``{"base_lr", "last_epoch", "last_lr"}`` as arrays (save with ``tinygrad_edu.save``)."""
        return {
            "base_lr": np.array(self.base_lr),
            "last_epoch": np.array(self.last_epoch),
            "last_lr": np.array(self._last_lr),
        }

    def load_state_dict(self, state: dict[str, Any]) -> None:
        """Restore ``base_lr``, the counter and the last rate, and set the optimizer's lr to it.

        A state saved without ``last_lr`` (before schedules were chainable) sets the closed-form
        ``rate(last_epoch)``. Two chained schedules on one optimizer: load them in the order they
        were made, or load the optimizer's ``state_dict()`` (which holds its rate) after them;
        the last one loaded sets the rate (PyTorch's schedules leave it to the optimizer's state).

        Raises:
            ValueError: ``state`` lacks ``base_lr`` or ``last_epoch``, or holds a value no
                schedule makes (a rate that is not a finite number >= 0, a negative or
                fractional counter); nothing is changed then.
        """
        op = f"{type(self).__name__}.load_state_dict"
        missing = {"base_lr", "last_epoch"} - set(state)
        if missing:
            raise ValueError(
                f"{op}: expected keys base_lr and last_epoch, got {sorted(state)} (missing "
                f"{sorted(missing)})."
            )
        values = {k: np.asarray(v.data if hasattr(v, "data") else v) for k, v in state.items()}
        for key in ("base_lr", "last_lr"):
            value = values.get(key, np.asarray(0.0))
            if value.shape != () or value.dtype.kind not in "iuf" or not 0 <= value < np.inf:
                raise ValueError(
                    f"{op}: expected {key} to be a finite number >= 0, got {value!r}; nothing "
                    f"was loaded."
                )
        last_epoch = values["last_epoch"]
        if last_epoch.shape != () or last_epoch.dtype.kind not in "iu" or last_epoch < 0:
            raise ValueError(
                f"{op}: expected last_epoch to be a count >= 0 (a 0-d integer), got "
                f"{last_epoch!r}; nothing was loaded."
            )
        self.base_lr = float(values["base_lr"])
        self.last_epoch = int(last_epoch)
        if "last_lr" in values:
            lr = float(values["last_lr"])
        else:
            lr = self.rate(self.last_epoch)
        self.optimizer.lr = self._last_lr = lr

    def __repr__(self) -> str:
        return f"{type(self).__name__}(base_lr={self.base_lr}, last_epoch={self.last_epoch})"


class InverseTimeDecay(LRScheduler):
    """The course's decay: ``lr = lr0 / (1 + decay_rate * floor(t / time_interval))``.

    With ``time_interval=1`` it is the course's ``update_lr`` (``lr0 / (1 + decay_rate *
    epoch_num)``), which shrinks fast; with ``time_interval=1000`` its scheduled form
    ``schedule_lr_decay``, which lowers the rate only every 1000 epochs (course 2, week 2,
    "Optimization methods", learning-rate decay section). Computed as the course does,
    ``(1 / (1 + decay_rate * floor(t / time_interval))) * lr0``, to the last bit.

    Args:
        optimizer: its current ``lr`` is lr0.
        decay_rate: >= 0.
        time_interval: an int >= 1; the counter is floored to multiples of it.

    Raises:
        TypeError: ``optimizer`` has no ``lr``, or ``time_interval`` is not an int.
        ValueError: ``time_interval`` < 1.

    >>> from tinygrad_edu import Tensor
    >>> from tinygrad_edu.optim import SGD
    >>> opt = SGD([Tensor([1.0], requires_grad=True)], lr=0.1)
    >>> schedule = InverseTimeDecay(opt, decay_rate=1, time_interval=1000)
    >>> [schedule.step(epoch) for epoch in (999, 1000, 2000)]
    [0.1, 0.05, 0.03333333333333333]
    """

    def __init__(self, optimizer: Optimizer, decay_rate: float, time_interval: int = 1):
        op = "InverseTimeDecay"
        self.decay_rate = _check_number(op, "decay_rate", decay_rate, 0.0, None, ">= 0")
        self.time_interval = _check_period(op, "time_interval", time_interval)
        super().__init__(optimizer)

    def rate(self, t: int) -> float:
        return float((1 / (1 + self.decay_rate * np.floor(t / self.time_interval))) * self.base_lr)


class StepLR(LRScheduler):
    """Step decay: ``lr = lr0 * gamma ** floor(t / step_size)`` (``torch.optim.lr_scheduler``).

    ``step()`` multiplies the current rate by gamma every ``step_size`` steps (chainable).

    Raises:
        TypeError: ``optimizer`` has no ``lr``, or ``step_size`` is not an int.
        ValueError: ``step_size`` < 1.

    >>> from tinygrad_edu import Tensor
    >>> from tinygrad_edu.optim import SGD
    >>> opt = SGD([Tensor([1.0], requires_grad=True)], lr=1.0)
    >>> schedule = StepLR(opt, step_size=2, gamma=0.5)
    >>> [schedule.step() for _ in range(4)]
    [1.0, 0.5, 0.5, 0.25]
    """

    def __init__(self, optimizer: Optimizer, step_size: int, gamma: float = 0.1):
        op = "StepLR"
        self.step_size = _check_period(op, "step_size", step_size)
        self.gamma = _check_number(op, "gamma", gamma, 0.0, None, ">= 0")
        super().__init__(optimizer)

    def rate(self, t: int) -> float:
        return self.base_lr * self.gamma ** (t // self.step_size)

    def chained_rate(self, lr: float, t: int) -> float:
        return lr * self.gamma if t % self.step_size == 0 else lr  # PyTorch's chainable form


class ExponentialLR(LRScheduler):
    """Exponential decay: ``lr = lr0 * gamma ** t`` (the lecture's ``0.95 ** epoch * lr0``).

    ``step()`` multiplies the current rate by gamma (chainable).

    >>> from tinygrad_edu import Tensor
    >>> from tinygrad_edu.optim import SGD
    >>> opt = SGD([Tensor([1.0], requires_grad=True)], lr=1.0)
    >>> schedule = ExponentialLR(opt, gamma=0.5)
    >>> [schedule.step() for _ in range(3)]
    [0.5, 0.25, 0.125]
    """

    def __init__(self, optimizer: Optimizer, gamma: float):
        self.gamma = _check_number("ExponentialLR", "gamma", gamma, 0.0, None, ">= 0")
        super().__init__(optimizer)

    def rate(self, t: int) -> float:
        return self.base_lr * self.gamma**t

    def chained_rate(self, lr: float, t: int) -> float:
        return lr * self.gamma  # PyTorch's chainable form


class LambdaLR(LRScheduler):
    """Any schedule: ``lr = lr0 * lr_lambda(t)`` (the lecture's ``k / sqrt(t)``, warm-ups, ...).

    ``lr_lambda`` is PyTorch's name for the function (one function: this optimizer has one
    learning rate, so a list of functions, one per parameter group, is refused).

    Raises:
        TypeError: ``optimizer`` has no ``lr``, or ``lr_lambda`` is not callable.

    >>> from tinygrad_edu import Tensor
    >>> from tinygrad_edu.optim import SGD
    >>> opt = SGD([Tensor([1.0], requires_grad=True)], lr=0.5)
    >>> schedule = LambdaLR(opt, lambda t: 1 / math.sqrt(t + 1))
    >>> schedule.step(3)
    0.25
    """

    def __init__(self, optimizer: Optimizer, lr_lambda: Callable[[int], float]):
        if not callable(lr_lambda):
            raise TypeError(
                f"LambdaLR: expected lr_lambda to be one function t -> factor, got "
                f"{type(lr_lambda).__name__}."
            )
        self.lr_lambda = lr_lambda
        super().__init__(optimizer)

    def rate(self, t: int) -> float:
        """``lr0 * lr_lambda(t)``.

        Raises:
            ValueError: ``lr_lambda(t)`` is negative or not finite.
        """
        value = float(self.lr_lambda(t))
        if not math.isfinite(value) or value < 0:
            raise ValueError(
                f"LambdaLR: expected lr_lambda(t) >= 0 and finite, got {value} at t={t}."
            )
        return self.base_lr * value


class MultiStepLR(LRScheduler):
    """Decay at given epochs: ``lr = lr0 * gamma ** (number of milestones <= t)``
    (``torch.optim.lr_scheduler.MultiStepLR``).

    ``step()`` multiplies the current rate by gamma at each milestone (chainable, as PyTorch's;
    a milestone listed twice multiplies twice).

    Raises:
        TypeError: ``optimizer`` has no ``lr``, or a milestone is not an int.
        ValueError: a milestone < 1.

    >>> from tinygrad_edu import Tensor
    >>> from tinygrad_edu.optim import SGD
    >>> opt = SGD([Tensor([1.0], requires_grad=True)], lr=1.0)
    >>> schedule = MultiStepLR(opt, milestones=[2, 3], gamma=0.5)
    >>> [schedule.step() for _ in range(4)]
    [1.0, 0.5, 0.25, 0.25]
    """

    def __init__(self, optimizer: Optimizer, milestones: Any, gamma: float = 0.1):
        op = "MultiStepLR"
        self.milestones = sorted(_check_period(op, "each milestone", m) for m in milestones)
        self.gamma = _check_number(op, "gamma", gamma, 0.0, None, ">= 0")
        super().__init__(optimizer)

    def rate(self, t: int) -> float:
        return self.base_lr * self.gamma ** sum(m <= t for m in self.milestones)

    def chained_rate(self, lr: float, t: int) -> float:
        return lr * self.gamma ** self.milestones.count(t)  # PyTorch's chainable form


class CosineAnnealingLR(LRScheduler):
    """Cosine annealing: ``lr = eta_min + (lr0 - eta_min) * (1 + cos(pi * t / T_max)) / 2``
    (``torch.optim.lr_scheduler.CosineAnnealingLR``, without restarts).

    The rate falls from ``lr0`` at ``t = 0`` to ``eta_min`` at ``t = T_max`` along half a cosine;
    after ``T_max`` it follows the cosine back up, as PyTorch's does (stop stepping, or pick
    ``T_max`` = the number of steps). Computed in closed form, so it is not chainable.

    Raises:
        TypeError: ``optimizer`` has no ``lr``, or ``T_max`` is not an int.
        ValueError: ``T_max`` < 1 or ``eta_min`` < 0.

    >>> from tinygrad_edu import Tensor
    >>> from tinygrad_edu.optim import SGD
    >>> opt = SGD([Tensor([1.0], requires_grad=True)], lr=1.0)
    >>> schedule = CosineAnnealingLR(opt, T_max=4)
    >>> [round(schedule.step(), 6) for _ in range(4)]
    [0.853553, 0.5, 0.146447, 0.0]
    """

    def __init__(self, optimizer: Optimizer, T_max: int, eta_min: float = 0.0):  # noqa: N803
        op = "CosineAnnealingLR"
        self.T_max = _check_period(op, "T_max", T_max)
        self.eta_min = _check_number(op, "eta_min", eta_min, 0.0, None, ">= 0")
        super().__init__(optimizer)

    def rate(self, t: int) -> float:
        cosine = (1 + math.cos(math.pi * t / self.T_max)) / 2
        return self.eta_min + (self.base_lr - self.eta_min) * cosine
