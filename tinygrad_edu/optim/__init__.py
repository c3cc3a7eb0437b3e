"""Optimizers, learning-rate schedules and gradient clipping.

Layer: ``optim``, above ``losses``. An optimizer reads each parameter's ``.grad`` (filled by
``J.backward()``) and updates ``.data`` with plain numpy arithmetic, so an update records no
graph and needs no ``no_grad()``. No optimizer changes a parameter's dtype.

- ``SGD``: the course's ``W = W - learning_rate * dW``; with PyTorch's ``momentum``,
  ``dampening``, ``nesterov`` and ``weight_decay``. The course's momentum
  ``v = beta v + (1 - beta) dW`` is ``SGD(momentum=beta, dampening=beta, buffer_init="zeros")``.
- ``RMSprop``, ``Adam``, ``AdamW``: the course's adaptive methods (``eps`` outside the root).
- ``InverseTimeDecay`` (the course's ``lr0 / (1 + decay_rate * epoch)`` and its scheduled form),
  ``StepLR``, ``MultiStepLR``, ``ExponentialLR``, ``CosineAnnealingLR``, ``LambdaLR``:
  learning-rate schedules, per epoch or per step.
- ``clip_grad_value_``, ``clip_grad_norm_``: gradient clipping (PyTorch's semantics).

Every optimizer and schedule has ``state_dict()`` / ``load_state_dict()``; ``tinygrad_edu.save``
writes them, so training resumes exactly.

The package is split by kind (``optimizer``, ``sgd``, ``adaptive``, ``schedule``, ``clip``);
every public name is importable from ``tinygrad_edu.optim`` itself.
"""

from tinygrad_edu.optim.adaptive import Adam, AdamW, RMSprop
from tinygrad_edu.optim.clip import clip_grad_norm_, clip_grad_value_
from tinygrad_edu.optim.optimizer import Optimizer
from tinygrad_edu.optim.schedule import (
    CosineAnnealingLR,
    ExponentialLR,
    InverseTimeDecay,
    LambdaLR,
    LRScheduler,
    MultiStepLR,
    StepLR,
)
from tinygrad_edu.optim.sgd import SGD

__all__ = [
    "SGD",
    "Adam",
    "AdamW",
    "CosineAnnealingLR",
    "ExponentialLR",
    "InverseTimeDecay",
    "LRScheduler",
    "LambdaLR",
    "MultiStepLR",
    "Optimizer",
    "RMSprop",
    "StepLR",
    "clip_grad_norm_",
    "clip_grad_value_",
]
