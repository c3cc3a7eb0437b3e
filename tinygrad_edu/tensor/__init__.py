"""The ``Tensor``: a numpy array that records the operations applied to it.

Modules: ``tensor`` (the class and the fast paths that record ops), ``functions`` (functions of
several tensors), ``creation`` (zeros, randn, ...), ``numpy_api`` (numpy functions called on
tensors); every public name is importable from ``tinygrad_edu.tensor`` itself.

Layer: ``tensor``, above ``ops`` and ``engine``. Every method is written out by hand and calls one
primitive op from ``ops`` (or composes other methods: mean, var, std, sub-expressions), so each op
can be found with grep. Creation functions (``zeros``, ``randn``, ...) live here too.

Semantics follow PyTorch (``backward``, ``grad``, ``requires_grad``, ``no_grad``) with numpy's
keywords (``axis=``, ``keepdims=``) and numpy's broadcasting and dtype rules. Python numbers and
lists become float64, as in the course's numpy code; float32 is opt-in and stays float32.
"""

from tinygrad_edu.tensor.creation import (
    arange,
    full,
    ones,
    ones_like,
    rand,
    randn,
    zeros,
    zeros_like,
)
from tinygrad_edu.tensor.functions import concatenate, maximum, minimum, stack, where
from tinygrad_edu.tensor.tensor import NonLeafGradWarning, Tensor

__all__ = [
    "NonLeafGradWarning",
    "Tensor",
    "arange",
    "concatenate",
    "full",
    "maximum",
    "minimum",
    "ones",
    "ones_like",
    "rand",
    "randn",
    "stack",
    "where",
    "zeros",
    "zeros_like",
]
