"""Activation layers (no parameters): ReLU, LeakyReLU, Tanh, Sigmoid, Identity, Softmax,
LogSoftmax.

Layer: ``nn``.
"""

from __future__ import annotations

from typing import Any

from tinygrad_edu.nn.module import Module, _as_tensor
from tinygrad_edu.tensor import Tensor


class ReLU(Module):
    """``A = max(Z, 0)``; relu'(0) = 0, as the course's ``relu_backward``.

    >>> ReLU()(Tensor([-1.0, 0.0, 2.0]))
    Tensor([0., 0., 2.])
    """

    def forward(self, Z: Any) -> Tensor:
        return _as_tensor(Z).relu()


class LeakyReLU(Module):
    """``A = Z`` where Z > 0, else ``slope * Z`` (default slope 0.01).

    >>> LeakyReLU(0.1)(Tensor([-1.0, 2.0]))
    Tensor([-0.1,  2. ])
    """

    def __init__(self, slope: float = 0.01):
        super().__init__()
        self.slope = float(slope)

    def forward(self, Z: Any) -> Tensor:
        return _as_tensor(Z).leaky_relu(self.slope)

    def extra_repr(self) -> str:
        return f"slope={self.slope}"


class Tanh(Module):
    """``A = tanh(Z)``; the course's hidden activation for the planar data.

    >>> Tanh()(Tensor([0.0]))
    Tensor([0.])
    """

    def forward(self, Z: Any) -> Tensor:
        return _as_tensor(Z).tanh()


class Sigmoid(Module):
    """``A = 1 / (1 + exp(-Z))``, computed without overflow; the course's output activation.

    >>> Sigmoid()(Tensor([0.0]))
    Tensor([0.5])
    """

    def forward(self, Z: Any) -> Tensor:
        return _as_tensor(Z).sigmoid()


class Identity(Module):
    """``A = Z`` unchanged (a placeholder layer, or a linear output for logits).

    >>> Identity()(Tensor([1.0]))
    Tensor([1.])
    """

    def forward(self, Z: Any) -> Any:
        return Z


class _AlongAxis(Module):
    """A layer normalizing along one axis (default the last); its ``axis`` shows in its repr."""

    def __init__(self, axis: int = -1):
        super().__init__()
        self.axis = int(axis)

    def extra_repr(self) -> str:
        return f"axis={self.axis}"


class Softmax(_AlongAxis):
    """``A = exp(Z) / sum(exp(Z))`` along ``axis`` (default the last: one row per example).

    The course's softmax layer (course 2, week 3) with examples in columns is ``Softmax(axis=0)``.
    For training, give the logits Z to ``losses.cross_entropy`` instead (it is stable).

    >>> Softmax()(Tensor([[0.0, 0.0]]))
    Tensor([[0.5, 0.5]])
    """

    def forward(self, Z: Any) -> Tensor:
        return _as_tensor(Z).softmax(axis=self.axis)


class LogSoftmax(_AlongAxis):
    """``log(softmax(Z))`` along ``axis``, computed without forming softmax (stable).

    >>> LogSoftmax()(Tensor([[0.0, 0.0]])).exp()
    Tensor([[0.5, 0.5]])
    """

    def forward(self, Z: Any) -> Tensor:
        return _as_tensor(Z).log_softmax(axis=self.axis)
