"""``var``/``std``: numpy's default ``ddof=0``, and PyTorch's ``correction=`` and ``unbiased=``
as spellings of ddof, checked against ``torch.var``/``torch.std`` (values and gradients) and
numpy's ``ddof``; two spellings at once are refused."""

from __future__ import annotations

import numpy as np
import pytest

import tinygrad_edu as tg
from tinygrad_edu.tensor import Tensor

RNG = np.random.default_rng(0)
X = RNG.standard_normal((3, 5))


@pytest.mark.parametrize("name", ["var", "std"])
@pytest.mark.parametrize("dim", [None, 0, 1, (0, 1)])
@pytest.mark.parametrize(
    "kwargs, ddof",
    [
        ({}, 0),
        ({"ddof": 1}, 1),
        ({"ddof": 0}, 0),
        ({"correction": 1}, 1),
        ({"correction": 0}, 0),
        ({"correction": 2}, 2),
        ({"unbiased": True}, 1),
        ({"unbiased": False}, 0),
    ],
    ids=repr,
)
def test_values_match_numpy_ddof(name, dim, kwargs, ddof):
    got = getattr(Tensor(X), name)(dim=dim, **kwargs)
    expected = getattr(np, name)(X, axis=dim, ddof=ddof)
    np.testing.assert_allclose(got.data, expected, rtol=1e-13)


@pytest.mark.parametrize("name", ["var", "std"])
@pytest.mark.parametrize("dim", [None, 1, (0, 1)])
@pytest.mark.parametrize(
    "kwargs",
    [
        {"correction": 1},
        {"correction": 0},
        {"correction": 2},
        {"unbiased": True},
        {"unbiased": False},
    ],  # fmt: skip
    ids=repr,
)
def test_values_and_gradients_match_torch(name, dim, kwargs):
    torch = pytest.importorskip("torch")
    tx = torch.tensor(X, requires_grad=True)
    if dim is None and "correction" in kwargs:
        expected = getattr(torch, name)(tx, **kwargs)
    elif dim is None:  # torch.var(x, unbiased=...) is the overload without dim
        expected = getattr(torch, name)(tx, kwargs["unbiased"])
    else:
        expected = getattr(torch, name)(tx, dim=dim, **kwargs)
    (expected * torch.arange(expected.numel(), dtype=tx.dtype).reshape(expected.shape)).sum(
    ).backward()  # fmt: skip
    x = tg.Tensor(X, requires_grad=True)
    got = getattr(x, name)(dim=dim, **kwargs)
    (got * tg.Tensor(np.arange(got.size, dtype=np.float64).reshape(got.shape))).sum().backward()
    np.testing.assert_allclose(got.data, expected.detach().numpy(), rtol=1e-12)
    np.testing.assert_allclose(x.grad, tx.grad.numpy(), rtol=1e-10, atol=1e-14)


def test_torch_default_differs_and_the_default_stays_numpys():
    torch = pytest.importorskip("torch")
    x = Tensor(X)
    assert not np.isclose(x.var().item(), torch.var(torch.tensor(X)).item())
    np.testing.assert_allclose(x.var().item(), np.var(X))
    np.testing.assert_allclose(x.var(correction=1).item(), torch.var(torch.tensor(X)).item())


@pytest.mark.parametrize("name", ["var", "std"])
@pytest.mark.parametrize(
    "kwargs",
    [{"ddof": 1, "correction": 1}, {"ddof": 0, "unbiased": True},
     {"correction": 1, "unbiased": True}, {"ddof": 1, "correction": 1, "unbiased": True}],
    ids=repr,
)  # fmt: skip
def test_two_spellings_at_once_are_refused(name, kwargs):
    with pytest.raises(TypeError, match="one argument") as info:
        getattr(Tensor(X), name)(**kwargs)
    for key in kwargs:
        assert f"{key}=" in str(info.value)


def test_unbiased_must_be_a_bool():
    with pytest.raises(TypeError, match="unbiased must be True or False"):
        Tensor(X).var(unbiased=1)


def test_numpy_functions_take_ddof_and_numpy_2s_correction():
    x = Tensor(X)
    np.testing.assert_allclose(np.var(x, axis=1, ddof=1).data, np.var(X, axis=1, ddof=1))
    np.testing.assert_allclose(np.std(x, correction=1).data, np.std(X, ddof=1))
    with pytest.raises(TypeError, match="one argument"):
        np.var(x, ddof=1, correction=1)


def test_too_few_elements_for_the_correction():
    with pytest.raises(ValueError, match="ddof=1"):
        Tensor([1.0]).var(unbiased=True)
