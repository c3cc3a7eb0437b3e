"""tinygrad_edu: a small, readable, numpy-backed autograd engine for the deep learning course.

>>> import tinygrad_edu as tg
>>> a, b, c = (tg.Tensor(v, requires_grad=True) for v in (5.0, 3.0, 2.0))
>>> J = 3 * (a + b * c)
>>> J.backward()
>>> J.item(), a.grad.item(), b.grad.item(), c.grad.item()
(33.0, 3.0, 6.0, 9.0)

Layers of the package (imports point downward only): ``ops`` -> ``debug`` -> ``engine`` ->
``tensor`` -> ``autograd`` -> ``nn`` -> ``losses`` -> ``optim`` -> ``serialize`` -> ``data`` ->
``train`` -> ``viz`` -> ``testing`` -> ``course`` -> ``expr`` -> ``demo`` -> ``cli``. ``tg.nn``,
``tg.losses``, ``tg.optim``, ``tg.data`` and ``tg.train`` are imported with the package (numpy
only); ``viz``, ``testing`` and the command line are imported when used.
"""

from tinygrad_edu import data, losses, nn, optim, train
from tinygrad_edu.autograd import grad, hessian, hessian_vector_product
from tinygrad_edu.debug import (
    LogOfZeroWarning,
    NonFiniteGradientWarning,
    detect_anomaly,
    is_anomaly_enabled,
    record_sites,
    strict_broadcasting,
)
from tinygrad_edu.engine import enable_grad, is_grad_enabled, no_grad
from tinygrad_edu.ops import Function
from tinygrad_edu.serialize import load, save
from tinygrad_edu.tensor import (
    NonLeafGradWarning,
    Tensor,
    ValuesIndices,
    arange,
    cat,
    choice,
    concatenate,
    einsum,
    eye,
    full,
    full_like,
    gather,
    isclose,
    linspace,
    manual_seed,
    maximum,
    minimum,
    multinomial,
    one_hot,
    ones,
    ones_like,
    rand,
    rand_like,
    randint,
    randn,
    randn_like,
    stack,
    take_along_axis,
    tril,
    triu,
    where,
    zeros,
    zeros_like,
)

__version__ = "0.2.0"  # the one version source: pyproject.toml reads it (CHANGELOG.md)

__all__ = [
    "Function",
    "LogOfZeroWarning",
    "NonFiniteGradientWarning",
    "NonLeafGradWarning",
    "Tensor",
    "ValuesIndices",
    "arange",
    "cat",
    "choice",
    "concatenate",
    "data",
    "detect_anomaly",
    "einsum",
    "enable_grad",
    "eye",
    "full",
    "full_like",
    "gather",
    "grad",
    "hessian",
    "hessian_vector_product",
    "is_anomaly_enabled",
    "is_grad_enabled",
    "isclose",
    "linspace",
    "load",
    "losses",
    "manual_seed",
    "maximum",
    "minimum",
    "multinomial",
    "nn",
    "no_grad",
    "one_hot",
    "ones",
    "ones_like",
    "optim",
    "rand",
    "rand_like",
    "randint",
    "randn",
    "randn_like",
    "record_sites",
    "save",
    "stack",
    "strict_broadcasting",
    "take_along_axis",
    "train",
    "tril",
    "triu",
    "where",
    "zeros",
    "zeros_like",
]
