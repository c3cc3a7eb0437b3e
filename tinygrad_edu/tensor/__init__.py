"""The ``Tensor``: a numpy array that records the operations applied to it.

Modules: ``tensor`` (the class and the fast paths that record ops), ``functions`` (functions of
several tensors), ``creation`` (zeros, randn, ...), ``numpy_api`` (numpy functions called on
tensors); every public name is importable from ``tinygrad_edu.tensor`` itself.

Layer: ``tensor``, above ``ops`` and ``engine``. Every method is written out by hand and calls one
primitive op from ``ops`` (or composes other methods: mean, var, std, sub-expressions), so each op
can be found with grep. Creation functions (``zeros``, ``randn``, ...) live here too.

The package itself is callable: ``tg.tensor(data, dtype=None, requires_grad=False)`` is PyTorch's
``torch.tensor`` (``creation.tensor``: a copy of ``data``), while ``import tinygrad_edu.tensor`` and
``from tinygrad_edu.tensor import Tensor`` keep working as imports of this package.

>>> import tinygrad_edu as tg
>>> tg.tensor([[1, 2]], requires_grad=True)
Tensor([[1., 2.]], requires_grad=True)

Semantics follow PyTorch (``backward``, ``grad``, ``requires_grad``, ``no_grad``) with numpy's
keywords (``axis=``, ``keepdims=``) and numpy's broadcasting and dtype rules. Python numbers and
lists become float64, as in the course's numpy code; float32 is opt-in and stays float32.
"""

import sys as _sys
import types as _types

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
from tinygrad_edu.tensor.creation import tensor as _new_tensor
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


class _CallableModule(_types.ModuleType):
    """This package's module type: a module that can be called, so ``tg.tensor(data)`` works as
    PyTorch's ``torch.tensor(data)`` does while ``tg.tensor`` stays this package.

    Why a module subclass: ``tinygrad_edu.tensor`` must be the package (``import
    tinygrad_edu.tensor``, ``from tinygrad_edu.tensor import Tensor``, submodule imports, pickled
    tensors' ``tinygrad_edu.tensor.tensor.Tensor``). A function of that name in the root package
    would replace the package as the attribute ``tinygrad_edu.tensor`` (``import
    tinygrad_edu.tensor.tensor as m`` and ``tinygrad_edu.tensor.Tensor`` would then find the
    function), and renaming the package would break every import of it. Python's data model
    allows exactly this instead: assigning a ``types.ModuleType`` subclass to a module's
    ``__class__`` ("Customizing module attribute access" in the language reference); the module
    object, its ``__dict__`` and its entry in ``sys.modules`` stay the same, only ``__call__`` is
    added. The import system never replaces the object (importing a submodule sets attributes on
    it), so the package stays callable whatever is imported later (tests/test_tensor_callable.py).
    One limit: static type checkers see a module and report the call (mypy: "Module not
    callable"); code checked by mypy can call ``tinygrad_edu.tensor.creation.tensor`` instead.
    """

    # ``tg.tensor(data, dtype=None, requires_grad=False)`` is ``creation.tensor`` itself (a
    # static method: the module is not passed), so the two signatures cannot drift apart.
    __call__ = staticmethod(_new_tensor)


_sys.modules[__name__].__class__ = _CallableModule
