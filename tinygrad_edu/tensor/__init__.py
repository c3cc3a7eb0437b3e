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
    choice,
    eye,
    full,
    full_like,
    linspace,
    manual_seed,
    multinomial,
    ones,
    ones_like,
    rand,
    rand_like,
    randint,
    randn,
    randn_like,
    zeros,
    zeros_like,
)
from tinygrad_edu.tensor.functions import (
    cat,
    concatenate,
    einsum,
    gather,
    isclose,
    maximum,
    minimum,
    one_hot,
    stack,
    take_along_axis,
    tril,
    triu,
    where,
)
from tinygrad_edu.tensor.tensor import NonLeafGradWarning, Tensor, ValuesIndices

__all__ = [
    "NonLeafGradWarning",
    "Tensor",
    "ValuesIndices",
    "arange",
    "cat",
    "choice",
    "concatenate",
    "einsum",
    "eye",
    "full",
    "full_like",
    "gather",
    "isclose",
    "linspace",
    "manual_seed",
    "maximum",
    "minimum",
    "multinomial",
    "one_hot",
    "ones",
    "ones_like",
    "rand",
    "rand_like",
    "randint",
    "randn",
    "randn_like",
    "stack",
    "take_along_axis",
    "tril",
    "triu",
    "where",
    "zeros",
    "zeros_like",
]
