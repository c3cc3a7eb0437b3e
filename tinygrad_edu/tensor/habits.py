"""PyTorch names that ``Tensor`` spells the numpy way: reading one raises a teaching error.

Layer: ``tensor`` (imported by ``tensor.tensor``). Each name is a class attribute of ``Tensor``
written out by hand (``numel = TorchName()``) whose ``__get__`` raises an AttributeError giving
the spelling here, so ``x.numel()`` says ``x.size``. Not ``Tensor.__getattr__``: a class that
defines ``__getattr__`` loses CPython's specialized attribute reads for every attribute of every
instance (the per-op path slowed by a tenth, benchmark W3). Each suggestion is code that runs on
a float tensor ``x`` (``other``: a tensor of the same shape, ``cond``: a bool tensor of that shape;
tests/test_torch_habits.py runs every one).
"""

from __future__ import annotations

from typing import Any, NoReturn

# PyTorch name -> (the spelling here, what it means). The names are PyTorch's Tensor methods and
# properties that Tensor does not have; each suggestion is one expression.
TORCH_NAMES: dict[str, tuple[str, str]] = {
    "numel": ("x.size", "the number of elements (numpy's name; a property, not a method)"),
    "nelement": ("x.size", "the number of elements (numpy's name; a property, not a method)"),
    "dim": ("x.ndim", "the number of dimensions (numpy's name; a property, not a method)"),
    "ndimension": ("x.ndim", "the number of dimensions (numpy's name; a property)"),
    "half": ("x.astype(np.float16)", "casts are numpy's astype"),
    "int": ("x.astype(np.int32)", "casts are numpy's astype (PyTorch's int() is int32)"),
    "long": ("x.astype(np.int64)", "casts are numpy's astype (PyTorch's long() is int64)"),
    "bool": ("x.astype(bool)", "casts are numpy's astype"),
    "type": ("x.astype(np.float32)", "casts are numpy's astype; x.dtype is the dtype"),
    "type_as": ("x.astype(other.dtype)", "casts are numpy's astype"),
    "to": ("x.astype(np.float64)", "tensors live in CPU memory (no devices): to(dtype) is astype"),
    "cpu": ("x", "tensors live in CPU memory already; x.data is the numpy array"),
    "cuda": ("x", "tinygrad_edu runs on the CPU only (numpy)"),
    "contiguous": ("x", "numpy handles memory layout itself: use x as it is"),
    "view_as": ("x.reshape(other.shape)", "numpy's reshape"),
    "expand_as": ("x.broadcast_to(other.shape)", "numpy's broadcast_to"),
    "clone": ("x * 1.0", "a copy that keeps the graph (x.detach() shares the memory)"),
    "mm": ("x @ other", "the @ operator (matmul): x.mm(other) is x @ other"),
    "bmm": ("x @ other", "the @ operator (matmul), which broadcasts batch axes"),
    "square": ("x**2", "the ** operator"),
    "rsqrt": ("1 / x.sqrt()", "composed from sqrt"),
    "reciprocal": ("1 / x", "the / operator"),
    "where": ("tg.where(cond, x, other)", "a function, as numpy's np.where"),
    "grad_fn": ("x.op", "the name of the op that made x (x.is_leaf: made by you)"),
    "stride": ("x.data.strides", "numpy's strides, in bytes"),
    "element_size": ("x.data.itemsize", "numpy's itemsize, in bytes"),
    "is_contiguous": ("x.data.flags.c_contiguous", "numpy's flags"),
    "clamp_": ("x.clip_(0.0, 1.0)", "the in-place clip, clip_(lo, hi)"),
}

# The in-place methods Tensor has (tests check the list against the class).
IN_PLACE = ("add_", "sub_", "mul_", "div_", "copy_", "fill_", "zero_", "clip_", "requires_grad_")

# PyTorch's in-place methods that Tensor does not have: the error lists the ones it has.
TORCH_IN_PLACE = ("abs_", "exp_", "log_", "sqrt_", "neg_", "pow_", "relu_", "sigmoid_",
                  "tanh_", "floor_", "round_", "masked_fill_", "t_", "transpose_",
                  "unsqueeze_", "squeeze_", "uniform_", "normal_")  # fmt: skip


def missing_attribute_message(name: str) -> str:
    """The AttributeError's text for ``Tensor.<name>``, a PyTorch name spelled otherwise here.

    >>> missing_attribute_message("dim")[:60]
    "'Tensor' object has no attribute 'dim'. PyTorch's dim is spe"
    """
    message = f"'Tensor' object has no attribute {name!r}"
    if name in TORCH_NAMES:
        code, why = TORCH_NAMES[name]
        return f"{message}. PyTorch's {name} is spelled {code} here: {why}."
    return (
        f"{message}. The in-place methods are {', '.join(IN_PLACE)}; for the others, assign "
        f"the new tensor: x = x.{name[:-1]}()."
    )


class TorchName:
    """A class attribute of ``Tensor`` for a PyTorch name spelled otherwise here: reading it
    (on a tensor or the class) raises the AttributeError with the spelling, so ``hasattr`` is
    False, as for any missing attribute."""

    __slots__ = ("name",)

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, obj: Any, owner: Any = None) -> NoReturn:
        raise AttributeError(missing_attribute_message(self.name), name=self.name, obj=obj)
