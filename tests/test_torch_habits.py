"""PyTorch habits on tensors: the aliases ``float()``, ``double()``, ``clamp()``, ``t()``,
``mT`` against torch (values and gradients), and the teaching AttributeError for PyTorch names
spelled the numpy way (every suggestion it prints is run here), which must cost nothing on the
per-op path: class attributes, never a ``Tensor.__getattr__``."""

from __future__ import annotations

import numpy as np
import pytest

import tinygrad_edu as tg
from tinygrad_edu.tensor import Tensor
from tinygrad_edu.tensor.habits import IN_PLACE, TORCH_IN_PLACE, TORCH_NAMES, TorchName

RNG = np.random.default_rng(0)


def _torch_and_tg(values, fn_tg, fn_torch, weights=None):
    """Values and gradients of sum(w * fn(x)) in both libraries, from float64 ``values``."""
    torch = pytest.importorskip("torch")
    tx = torch.tensor(values, requires_grad=True)
    ty = fn_torch(tx)
    w = RNG.uniform(0.5, 1.5, size=tuple(ty.shape)) if weights is None else weights
    (ty * torch.tensor(w, dtype=ty.dtype)).sum().backward()
    x = tg.Tensor(values, requires_grad=True)
    y = fn_tg(x)
    (y * tg.Tensor(w, dtype=y.dtype)).sum().backward()
    return (y, x.grad), (ty.detach().numpy(), tx.grad.numpy())


# -- aliases against torch -------------------------------------------------------------------------


def test_float_is_float32_and_double_float64_as_torch():
    values = RNG.standard_normal((2, 3))
    (y, g), (ty, tg_) = _torch_and_tg(values, lambda x: x.float(), lambda x: x.float())
    assert y.dtype == np.float32 == ty.dtype and g.dtype == np.float64 == tg_.dtype
    np.testing.assert_array_equal(y.data, ty)
    np.testing.assert_array_equal(g, tg_)
    (y, g), (ty, tg_) = _torch_and_tg(
        values, lambda x: x.float().double() * 2, lambda x: x.float().double() * 2
    )
    assert y.dtype == np.float64 == ty.dtype
    np.testing.assert_array_equal(y.data, ty)
    np.testing.assert_array_equal(g, tg_)
    assert Tensor(np.array([1, 2])).float().dtype == np.float32
    assert Tensor(np.array([1, 2], dtype=np.int32)).double().dtype == np.float64


@pytest.mark.parametrize(
    "kwargs", [{"min": -0.5, "max": 0.5}, {"min": -0.5}, {"max": 0.5}, {"min": 0.0, "max": 0.0}],
    ids=repr,
)  # fmt: skip
def test_clamp_matches_torch_and_clip(kwargs):
    values = np.array([-2.0, -0.5, -0.1, 0.0, 0.3, 0.5, 2.0])  # both bounds hit exactly
    (y, g), (ty, tg_) = _torch_and_tg(
        values, lambda x: x.clamp(**kwargs), lambda x: x.clamp(**kwargs)
    )
    np.testing.assert_array_equal(y.data, ty)
    np.testing.assert_array_equal(g, tg_)
    x = tg.Tensor(values, requires_grad=True)
    x.clip(kwargs.get("min"), kwargs.get("max")).sum().backward()
    clip_grad = x.grad
    x.grad = None
    x.clamp(**kwargs).sum().backward()
    np.testing.assert_array_equal(x.grad, clip_grad)
    assert x.clamp(**kwargs).op == "clip"


def test_clamp_without_bounds_raises():
    with pytest.raises(ValueError, match="clamp: expected at least one of min and max"):
        Tensor([1.0]).clamp()


@pytest.mark.parametrize("shape", [(), (3,), (2, 3), (1, 4)], ids=str)
def test_t_matches_torch(shape):
    values = RNG.standard_normal(shape)
    (y, g), (ty, tg_) = _torch_and_tg(values, lambda x: x.t(), lambda x: x.t())
    np.testing.assert_array_equal(y.data, ty)
    np.testing.assert_array_equal(g, tg_)


def test_t_refuses_more_than_2_dimensions_as_torch():
    with pytest.raises(ValueError, match=r"t: expected a tensor with at most 2 dimensions.*\.mT"):
        Tensor(np.ones((2, 3, 4))).t()


@pytest.mark.parametrize("shape", [(2, 3), (4, 2, 3), (2, 1, 3, 5)], ids=str)
def test_mT_matches_torch(shape):  # noqa: N802
    values = RNG.standard_normal(shape)
    (y, g), (ty, tg_) = _torch_and_tg(values, lambda x: x.mT, lambda x: x.mT)
    np.testing.assert_array_equal(y.data, ty)
    np.testing.assert_array_equal(g, tg_)


def test_mT_refuses_fewer_than_2_dimensions():  # noqa: N802
    with pytest.raises(ValueError, match="mT: expected a tensor with at least 2 dimensions"):
        Tensor([1.0, 2.0]).mT  # noqa: B018


def test_second_derivatives_through_the_aliases():
    from tinygrad_edu.testing import gradgradcheck

    x = RNG.standard_normal((2, 3))
    assert gradgradcheck(lambda t: (t.clamp(min=-0.5) ** 3).mT.t().double(), x)


# -- size: numpy's plain int ----------------------------------------------------------------------


def test_size_is_numpys_plain_int_so_dtypes_follow_numpy():
    # A plain int (not a callable int subclass that could explain x.size()): numpy's NEP 50
    # treats only exact Python ints as weak, so float32 / x.size stays float32 as numpy's would.
    x = Tensor(np.ones((2, 3), dtype=np.float32))
    assert type(x.size) is int and x.size == 6 == x.data.size
    a = np.ones(3, dtype=np.float32)
    assert (a / x.size).dtype == (a / x.data.size).dtype == np.float32
    assert (x / x.size).dtype == np.float32
    i = Tensor(np.arange(3, dtype=np.int8))
    assert (i + x.size).dtype == (i.data + x.data.size).dtype == np.int8
    with pytest.raises(TypeError, match="not callable"):
        x.size()  # Python's own message; docs/reference/errors.md explains it


# -- __getattr__: PyTorch names spelled the numpy way ---------------------------------------------


def _namespace():
    x = Tensor(RNG.uniform(0.5, 2.0, (2, 3)))  # positive: rsqrt's suggestion takes a sqrt
    return {"x": x, "other": Tensor(RNG.standard_normal((2, 3))), "cond": x > 1, "np": np,
            "tg": tg}  # fmt: skip


@pytest.mark.parametrize("name", sorted(TORCH_NAMES))
def test_every_torch_name_gets_a_suggestion_that_runs(name):
    namespace = _namespace()
    code, _ = TORCH_NAMES[name]
    assert isinstance(vars(Tensor)[name], TorchName)
    with pytest.raises(AttributeError) as info:
        getattr(namespace["x"], name)
    message = str(info.value)
    assert message.startswith(f"'Tensor' object has no attribute '{name}'. PyTorch's {name}")
    assert f" is spelled {code} here" in message
    if name in ("mm", "bmm"):  # matmul: other's shape must fit x's
        namespace["other"] = Tensor(RNG.standard_normal((3, 2)))
    eval(code, namespace)  # the printed suggestion runs


# The suggestions that compute a value, against what PyTorch's name computes (x and other as in
# _namespace; mm/bmm with a fitting other).
SAME_AS_TORCH = {
    "numel": lambda t, o: t.numel(),
    "dim": lambda t, o: t.dim(),
    "clone": lambda t, o: t.clone(),
    "mm": lambda t, o: t.mm(o),
    "bmm": lambda t, o: t.bmm(o),
    "square": lambda t, o: t.square(),
    "rsqrt": lambda t, o: t.rsqrt(),
    "reciprocal": lambda t, o: t.reciprocal(),
    "view_as": lambda t, o: t.view_as(o),
    "type_as": lambda t, o: t.type_as(o),
    "long": lambda t, o: t.long(),
}


@pytest.mark.parametrize("name", sorted(SAME_AS_TORCH))
def test_the_suggestions_compute_what_torch_names_compute(name):
    torch = pytest.importorskip("torch")
    x = RNG.uniform(0.5, 2.0, (4, 2, 3) if name == "bmm" else (2, 3))
    other = RNG.standard_normal((4, 3, 2) if name == "bmm" else (3, 2))
    if name == "type_as":
        other = other.astype(np.float32)
    ns = {"x": Tensor(x), "other": Tensor(other), "np": np, "tg": tg}
    ours = eval(TORCH_NAMES[name][0], ns)
    theirs = SAME_AS_TORCH[name](torch.tensor(x), torch.tensor(other))
    ours = ours.data if isinstance(ours, Tensor) else np.asarray(ours)
    theirs = theirs.numpy() if hasattr(theirs, "numpy") else np.asarray(theirs)
    assert ours.shape == theirs.shape and ours.dtype == theirs.dtype
    np.testing.assert_allclose(ours, theirs, rtol=1e-12)


@pytest.mark.parametrize("name", TORCH_IN_PLACE)
def test_other_in_place_names_list_the_in_place_methods(name):
    namespace = _namespace()
    with pytest.raises(AttributeError) as info:
        getattr(namespace["x"], name)
    message = str(info.value)
    assert ", ".join(IN_PLACE) in message
    code = f"x.{name[:-1]}()"
    assert f"x = {code}" in message
    if name in ("abs_", "exp_", "sqrt_", "relu_", "sigmoid_", "tanh_", "floor_", "round_"):
        eval(code, namespace)  # the others take arguments


def test_the_in_place_list_is_the_tensors_own():
    methods = [n for n, v in vars(Tensor).items() if not isinstance(v, TorchName)]
    own = {n for n in methods if n.endswith("_") and not n.startswith("_")}
    assert own == set(IN_PLACE)


def test_other_names_get_pythons_plain_error():
    x = Tensor([1.0])
    for name in ("foo", "shpe", "_private", "__array_interface__", "nothing_"):
        with pytest.raises(AttributeError) as info:
            getattr(x, name)
        assert str(info.value) == f"'Tensor' object has no attribute '{name}'"
    assert not hasattr(x, "numel") and getattr(x, "dim", None) is None
    with pytest.raises(AttributeError) as info:
        x.shpe  # noqa: B018
    assert info.value.name == "shpe" and info.value.obj is x  # Python's "Did you mean" works


def test_the_names_are_the_tables_and_no_getattr_slows_the_per_op_path():
    """A class with ``__getattr__`` gets CPython's slow generic attribute hook for *every*
    attribute read (no specialized LOAD_ATTR): benchmark W3's per-op cost grew by a tenth."""
    assert "__getattr__" not in vars(Tensor) and "__getattribute__" not in vars(Tensor)
    assert Tensor.__getattribute__ is object.__getattribute__
    names = {n for n, v in vars(Tensor).items() if isinstance(v, TorchName)}
    assert names == set(TORCH_NAMES) | set(TORCH_IN_PLACE)
    assert not hasattr(Tensor, "numel")
