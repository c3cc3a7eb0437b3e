"""Layers: ``Module``, ``Parameter``, ``Linear``, ``Sequential``, activations, ``Dropout``, batch
normalization, ``Flatten`` and initializers.

The package is split by kind (``module``, ``init``, ``linear``, ``container``, ``activation``,
``dropout``, ``norm``, ``flatten``, ``conv``); every public name is importable from
``tinygrad_edu.nn`` itself. ``nn.functional`` holds the functions the layers call (``conv2d``,
``max_pool2d``, ``avg_pool2d``, ``pad``), as PyTorch's ``torch.nn.functional``.

Layer: ``nn``, just above ``tensor`` (it builds models out of tensor ops and adds no op of its
own). Layers are batch-first, as in PyTorch: an input holds one example per row, ``X (m, n_in)``,
and ``Linear`` stores its weights the way the course does, ``W (n_out, n_in)`` and ``b (n_out,)``,
computing ``Z = A_prev @ W.T + b``. W and dW therefore equal the course's ``W1``, ``dW1`` element
for element (and PyTorch's ``Linear.weight``).

Initializers draw ``randn(n_out, n_in)`` layer by layer from numpy's legacy global generator unless
a ``numpy.random.RandomState`` or ``Generator`` is passed, so ``np.random.seed(1)`` before building
a model reproduces the course's starting weights. Biases start at zero.

A module's parameters are found by reading its attributes in the order they were assigned
(Python dicts keep insertion order): ``Parameter`` attributes, sub-``Module`` attributes, and
lists or tuples of modules. Nothing is registered behind the scenes.
"""

from tinygrad_edu.nn import functional
from tinygrad_edu.nn.activation import (
    Identity,
    LeakyReLU,
    LogSoftmax,
    ReLU,
    Sigmoid,
    Softmax,
    Tanh,
)
from tinygrad_edu.nn.container import Sequential
from tinygrad_edu.nn.conv import AvgPool2d, Conv2d, MaxPool2d
from tinygrad_edu.nn.dropout import Dropout
from tinygrad_edu.nn.flatten import Flatten
from tinygrad_edu.nn.init import (
    INITIALIZERS,
    init_course_deep,
    init_course_small,
    init_he,
    init_xavier,
    init_zeros,
)
from tinygrad_edu.nn.linear import Linear
from tinygrad_edu.nn.module import Buffer, LoadResult, ModelSummary, Module, Parameter
from tinygrad_edu.nn.norm import BatchNorm1d, BatchNorm2d

__all__ = [
    "INITIALIZERS",
    "AvgPool2d",
    "BatchNorm1d",
    "BatchNorm2d",
    "Buffer",
    "Conv2d",
    "Dropout",
    "Flatten",
    "Identity",
    "LeakyReLU",
    "Linear",
    "LoadResult",
    "LogSoftmax",
    "MaxPool2d",
    "ModelSummary",
    "Module",
    "Parameter",
    "ReLU",
    "Sequential",
    "Sigmoid",
    "Softmax",
    "Tanh",
    "functional",
    "init_course_deep",
    "init_course_small",
    "init_he",
    "init_xavier",
    "init_zeros",
]
