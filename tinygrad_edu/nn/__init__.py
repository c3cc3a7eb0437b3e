"""Layers: ``Module``, ``Parameter``, ``Linear``, ``Sequential``, activations, ``Dropout``, batch
normalization, ``Flatten`` and initializers; course 4's ``Conv2d`` and pooling; course 5's ``RNN``,
``LSTM``, ``GRU`` (and cells), ``Embedding``, ``LayerNorm``, ``MultiheadAttention``.

The package is split by kind (``module``, ``init``, ``linear``, ``container``, ``activation``,
``dropout``, ``norm``, ``flatten``, ``conv``, ``recurrent``, ``embedding``, ``attention``); every
public name is importable from ``tinygrad_edu.nn`` itself. ``nn.functional`` holds the functions the
layers call (``conv2d``, ``max_pool2d``, ``avg_pool2d``, ``pad``; ``scaled_dot_product_attention``,
``sample``), as PyTorch's ``torch.nn.functional``.

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
from tinygrad_edu.nn.attention import LayerNorm, MultiheadAttention
from tinygrad_edu.nn.container import Sequential
from tinygrad_edu.nn.conv import AvgPool2d, Conv2d, MaxPool2d
from tinygrad_edu.nn.dropout import Dropout
from tinygrad_edu.nn.embedding import Embedding
from tinygrad_edu.nn.flatten import Flatten
from tinygrad_edu.nn.init import (
    INITIALIZERS,
    init_course_deep,
    init_course_small,
    init_he,
    init_xavier,
    init_zeros,
    initial_weights,
)
from tinygrad_edu.nn.linear import Linear
from tinygrad_edu.nn.module import Buffer, LoadResult, ModelSummary, Module, Parameter
from tinygrad_edu.nn.norm import BatchNorm1d, BatchNorm2d
from tinygrad_edu.nn.recurrent import GRU, LSTM, RNN, GRUCell, LSTMCell, RNNCell

__all__ = [
    "GRU",
    "INITIALIZERS",
    "AvgPool2d",
    "BatchNorm1d",
    "BatchNorm2d",
    "Buffer",
    "Conv2d",
    "LSTM",
    "RNN",
    "Embedding",
    "GRUCell",
    "Dropout",
    "Flatten",
    "Identity",
    "LSTMCell",
    "LayerNorm",
    "LeakyReLU",
    "Linear",
    "LoadResult",
    "LogSoftmax",
    "MaxPool2d",
    "ModelSummary",
    "Module",
    "MultiheadAttention",
    "Parameter",
    "RNNCell",
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
    "initial_weights",
]
