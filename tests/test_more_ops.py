"""The ops people reach for (issue 13, section 2) beyond the op table: results that carry no
gradient (argmax, rounding, tests of values, one_hot, sorting indices), creation and random
sampling (reproducing numpy's legacy draws), PyTorch spellings (dim=, transpose(dim0, dim1),
max_with_indices), numpy functions on tensors, and the corners of the new primitives (erf's
accuracy, cumprod at zeros, einsum's subscripts). Values are checked against numpy and, where
installed, PyTorch.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import tinygrad_edu as tg
from tinygrad_edu.testing import gradcheck, gradgradcheck
from tinygrad_edu.testing import strategies as tst

try:
    import torch
except ImportError:
    torch = None

needs_torch = pytest.mark.skipif(torch is None, reason="torch is not installed")


def _no_gradient(t: tg.Tensor) -> None:
    assert not t.requires_grad and t.is_leaf


# -------------------------------------------------------------------------------------------------
# Results without gradient: argmax/argmin, rounding, tests of values
# -------------------------------------------------------------------------------------------------


@given(data=st.data())
def test_argmax_argmin_match_numpy_with_axis_and_keepdims(data):
    x = data.draw(tst.arrays(tst.shapes(min_dims=1)))
    axis = data.draw(st.none() | st.integers(-x.ndim, x.ndim - 1))
    keepdims = data.draw(st.booleans())
    t = tg.Tensor(x, requires_grad=True)
    for name in ("argmax", "argmin"):
        got = getattr(t, name)(axis, keepdims)
        expected = getattr(np, name)(x, axis=axis, keepdims=keepdims)
        np.testing.assert_array_equal(got.data, expected)
        assert got.dtype == np.int64 and got.shape == np.shape(expected)
        _no_gradient(got)
        np.testing.assert_array_equal(getattr(t, name)(dim=axis, keepdim=keepdims).data, expected)


@needs_torch
def test_argmax_matches_torch_first_index_on_ties():
    x = np.array([[1.0, 3.0, 3.0], [2.0, 2.0, 0.0]])
    np.testing.assert_array_equal(tg.Tensor(x).argmax(1).data, torch.tensor(x).argmax(1).numpy())
    assert tg.Tensor(x).argmax().item() == torch.tensor(x).argmax().item() == 1


def test_argmax_of_a_0d_tensor_and_errors():
    assert tg.Tensor(3.0).argmax(0).item() == 0
    with pytest.raises(ValueError, match="argmax: expected a non-empty tensor"):
        tg.Tensor(np.zeros((0, 2))).argmax()
    with pytest.raises(TypeError, match="argmax: got axis=0 and dim=1"):
        tg.Tensor([1.0]).argmax(0, dim=1)


@pytest.mark.parametrize("name", ["floor", "ceil", "trunc", "sign"])
def test_rounding_values_dtype_and_no_gradient(name):
    x = np.array([-2.5, -1.5, -0.5, 0.0, 0.5, 1.5, 2.7])
    t = tg.Tensor(x, requires_grad=True)
    out = getattr(t, name)()
    np.testing.assert_array_equal(out.data, getattr(np, name)(x))
    assert out.dtype == np.float64
    _no_gradient(out)
    (out * t).sum().backward()  # the graph continues through the other factor only
    np.testing.assert_array_equal(t.grad, getattr(np, name)(x))


def test_round_halves_to_even_and_decimals_like_numpy_and_torch():
    x = np.array([0.5, 1.5, 2.5, -0.5, 1.25])
    t = tg.Tensor(x, requires_grad=True)
    np.testing.assert_array_equal(t.round().data, np.round(x))
    np.testing.assert_array_equal(t.round(1).data, np.round(x, 1))
    _no_gradient(t.round())
    if torch is not None:
        np.testing.assert_array_equal(t.round().data, torch.round(torch.tensor(x)).numpy())


def test_float32_rounding_stays_float32():
    t = tg.Tensor(np.array([1.5, -2.5], dtype=np.float32))
    for name in ("floor", "ceil", "round", "trunc", "sign"):
        assert getattr(t, name)().dtype == np.float32, name


def test_straight_through_rounding_gets_gradient_one():
    x = tg.Tensor([0.2, 0.7], requires_grad=True)
    y = x + (x.round() - x).detach()
    y.sum().backward()
    np.testing.assert_array_equal(y.data, [0.0, 1.0])
    np.testing.assert_array_equal(x.grad, [1.0, 1.0])


def test_tests_of_values():
    x = np.array([1.0, np.nan, np.inf, -np.inf, 0.0])
    t = tg.Tensor(x, requires_grad=False)
    for name in ("isnan", "isinf", "isfinite"):
        out = getattr(t, name)()
        np.testing.assert_array_equal(out.data, getattr(np, name)(x))
        assert out.dtype == bool
    close = tg.Tensor([1.0, 1.001, np.nan]).isclose(tg.Tensor([1.0, 1.0, np.nan]), equal_nan=True)
    np.testing.assert_array_equal(close.data, [True, False, True])
    np.testing.assert_array_equal(tg.isclose([1.0], [1.0 + 1e-9]).data, [True])


@given(data=st.data())
def test_any_all_match_numpy(data):
    x = data.draw(tst.arrays(tst.shapes(), elements=st.sampled_from([0.0, 1.0, -2.0])))
    axis = data.draw(tst.reduction_axes(x.ndim))
    keepdims = data.draw(st.booleans())
    t = tg.Tensor(x, requires_grad=True)
    for name in ("any", "all"):
        got = getattr(t, name)(axis, keepdims)
        np.testing.assert_array_equal(got.data, getattr(np, name)(x, axis=axis, keepdims=keepdims))
        assert got.dtype == bool
        _no_gradient(got)


def test_comparison_results_in_numpy_functions_carry_no_gradient():
    t = tg.Tensor([-1.2, 0.6], requires_grad=True)
    for fn in (np.floor, np.ceil, np.trunc, np.rint, np.sign, np.isnan):
        out = fn(t)
        assert isinstance(out, tg.Tensor)
        _no_gradient(out)
    np.testing.assert_array_equal(np.round(t).data, [-1.0, 1.0])
    np.testing.assert_array_equal(np.argmax(t).data, 1)


# -------------------------------------------------------------------------------------------------
# one_hot
# -------------------------------------------------------------------------------------------------


@needs_torch
def test_one_hot_matches_torch_int64():
    labels = np.array([[2, 0], [1, 3]])
    ours = tg.one_hot(tg.Tensor(labels))
    theirs = torch.nn.functional.one_hot(torch.tensor(labels))
    np.testing.assert_array_equal(ours.data, theirs.numpy())
    assert ours.dtype == np.int64 and ours.shape == tuple(theirs.shape)
    ours = tg.Tensor(labels).one_hot(5)
    np.testing.assert_array_equal(ours.data, torch.nn.functional.one_hot(torch.tensor(labels), 5))


def test_one_hot_accepts_whole_floats_and_a_dtype_and_refuses_bad_labels():
    out = tg.one_hot(tg.Tensor([1, 0]), 2, dtype=np.float32)  # Tensor([1, 0]) holds float64
    np.testing.assert_array_equal(out.data, [[0, 1], [1, 0]])
    assert out.dtype == np.float32
    _no_gradient(out)
    with pytest.raises(TypeError, match="one_hot: expected integer class labels"):
        tg.one_hot(tg.Tensor([0.5]))
    with pytest.raises(ValueError, match=r"one_hot: expected labels in \[0, 2\)"):
        tg.one_hot(np.array([0, 2]), 2)


# -------------------------------------------------------------------------------------------------
# Creation and random sampling
# -------------------------------------------------------------------------------------------------


def test_creation_functions_match_numpy():
    np.testing.assert_array_equal(tg.eye(3, 4, k=1).data, np.eye(3, 4, 1))
    np.testing.assert_array_equal(tg.linspace(0, 1, 7).data, np.linspace(0, 1, 7))
    np.testing.assert_array_equal(tg.linspace(0, 1, steps=4, endpoint=False).data,
                                  np.linspace(0, 1, 4, endpoint=False))  # fmt: skip
    assert tg.arange(5).dtype == np.int64 and tg.arange(0.0, 1.0, 0.25).dtype == np.float64
    np.testing.assert_array_equal(tg.arange(0.0, 1.0, 0.25).data, np.arange(0.0, 1.0, 0.25))
    assert tg.full(3, 2.0).shape == (3,) and tg.full((2, 2), 1).dtype == np.float64
    x = tg.Tensor(np.ones((2, 3), dtype=np.float32))
    for fn in (tg.zeros_like, tg.ones_like, tg.rand_like, tg.randn_like):
        assert fn(x).shape == (2, 3) and fn(x).dtype == np.float32, fn.__name__
    assert tg.full_like(x, 7).data.tolist() == [[7.0] * 3] * 2
    assert tg.zeros_like(x, dtype=np.int64).dtype == np.int64
    assert tg.eye(2, requires_grad=True).requires_grad


def test_random_functions_reproduce_numpys_legacy_seeding():
    np.random.seed(3)
    expected = (np.random.randn(2, 3), np.random.rand(4), np.random.randint(0, 10, (5,)))
    tg.manual_seed(3)
    got = (tg.randn(2, 3), tg.rand(4), tg.randint(0, 10, (5,)))
    for a, b in zip(got, expected, strict=True):
        np.testing.assert_array_equal(a.data, b)
    np.random.seed(3)
    np.testing.assert_array_equal(
        tg.randint(10, (5,)).data, np.random.RandomState(3).randint(0, 10, (5,))
    )


def test_random_functions_take_a_generator():
    a = tg.randn(3, rng=np.random.default_rng(7))
    b = tg.randn(3, rng=np.random.default_rng(7))
    np.testing.assert_array_equal(a.data, b.data)
    np.testing.assert_array_equal(tg.randint(5, size=4, rng=np.random.RandomState(1)).data,
                                  np.random.RandomState(1).randint(5, size=4))  # fmt: skip
    assert tg.randint(2, 9, (100,), rng=np.random.default_rng(0)).data.min() >= 2
    with pytest.raises(TypeError, match="expected rng to be None"):
        tg.randint(3, rng=42)


def _course_sample(probabilities, seed, n):
    """The course's sampling loop: np.random.choice over the vocabulary with p= each step."""
    np.random.seed(seed)
    return [np.random.choice(list(range(len(p))), p=p.ravel()) for p in probabilities[:n]]


def test_choice_and_multinomial_reproduce_the_courses_np_random_choice_draw_for_draw():
    rng = np.random.default_rng(0)
    logits = rng.standard_normal((30, 27))
    probabilities = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    expected = _course_sample(probabilities, 0, 30)
    np.random.seed(0)
    assert [int(tg.choice(27, p=tg.Tensor(p))) for p in probabilities] == expected
    np.random.seed(0)
    assert [int(tg.Tensor(p).multinomial(1).item()) for p in probabilities] == expected
    np.random.seed(0)
    softmax = tg.Tensor(logits, requires_grad=True).softmax(axis=1)  # a tensor with a graph
    assert [int(tg.multinomial(row, 1).item()) for row in softmax] == expected


def test_multinomial_batches_weights_and_replacement():
    np.random.seed(1)
    draws = tg.multinomial(tg.Tensor([[0.0, 5.0, 0.0], [1.0, 0.0, 0.0]]), 3, replacement=True)
    np.testing.assert_array_equal(draws.data, [[1, 1, 1], [0, 0, 0]])
    assert draws.dtype == np.int64
    once = tg.multinomial(tg.Tensor([1.0, 1.0, 1.0, 1.0]), 4)  # without replacement: a permutation
    assert sorted(once.data.tolist()) == [0, 1, 2, 3]
    with pytest.raises(ValueError, match="at most 1 samples without replacement"):
        tg.multinomial(tg.Tensor([0.0, 1.0]), 2)
    with pytest.raises(ValueError, match="non-negative"):
        tg.multinomial(tg.Tensor([-1.0, 1.0]))
    with pytest.raises(ValueError, match="positive sum"):
        tg.multinomial(tg.Tensor([0.0, 0.0]))


def test_choice_of_elements_and_sizes():
    np.random.seed(5)
    expected = np.random.choice(np.array([10.0, 20.0, 30.0]), size=4, p=[0.2, 0.3, 0.5])
    np.random.seed(5)
    got = tg.choice(tg.Tensor([10.0, 20.0, 30.0]), size=4, p=[0.2, 0.3, 0.5])
    assert isinstance(got, tg.Tensor)
    np.testing.assert_array_equal(got.data, expected)


# -------------------------------------------------------------------------------------------------
# Sorting, max with indices
# -------------------------------------------------------------------------------------------------


@needs_torch
@given(data=st.data())
def test_argsort_is_stable_as_torchs_stable_sort(data):
    x = data.draw(tst.arrays(tst.shapes(min_dims=1), elements=st.sampled_from([0.0, 1.0, 2.0])))
    axis = data.draw(st.integers(-x.ndim, x.ndim - 1))
    for descending in (False, True):
        ours = tg.Tensor(x).argsort(axis, descending=descending)
        theirs = torch.sort(torch.tensor(x), dim=axis, descending=descending, stable=True).indices
        np.testing.assert_array_equal(ours.data, theirs.numpy())
        assert ours.dtype == np.int64


@needs_torch
def test_topk_indices_and_max_with_indices_gradient_on_ties_follow_torch():
    x = np.array([[1.0, 4.0, 4.0, 2.0], [3.0, 3.0, 0.0, 3.0]])
    ours = tg.Tensor(x, requires_grad=True)
    theirs = torch.tensor(x, requires_grad=True)
    values, indices = ours.max_with_indices(1)
    ref = torch.max(theirs, 1)
    np.testing.assert_array_equal(indices.data, ref.indices.numpy())
    values.sum().backward()
    ref.values.sum().backward()
    np.testing.assert_array_equal(ours.grad, theirs.grad.numpy())  # all to the first maximum
    top = tg.Tensor(x).topk(2, dim=1, largest=False)
    np.testing.assert_array_equal(
        top.values.data, torch.topk(torch.tensor(x), 2, 1, largest=False).values
    )


def test_max_keeps_numpys_meaning_and_the_pair_needs_an_axis():
    x = tg.Tensor([[1.0, 5.0], [7.0, 2.0]])
    np.testing.assert_array_equal(x.max(dim=1).data, [5.0, 7.0])  # values only, never a pair
    np.testing.assert_array_equal(x.amax(1, keepdim=True).data, [[5.0], [7.0]])
    pair = x.max_with_indices(dim=0, keepdim=True)
    assert pair.values.shape == pair.indices.shape == (1, 2)
    with pytest.raises(TypeError, match="max_with_indices: expected one int axis"):
        x.max_with_indices()
    _no_gradient(tg.Tensor([1.0], requires_grad=True).topk(1).indices)


# -------------------------------------------------------------------------------------------------
# PyTorch spellings
# -------------------------------------------------------------------------------------------------


def test_dim_and_keepdim_are_axis_and_keepdims_on_every_reduction():
    x = np.arange(24.0).reshape(2, 3, 4) / 10
    t = tg.Tensor(x)
    for name in ("sum", "mean", "max", "min", "var", "std", "logsumexp", "norm", "prod"):
        a = getattr(t, name)(axis=1, keepdims=True).data
        b = getattr(t, name)(dim=1, keepdim=True).data
        np.testing.assert_array_equal(a, b, err_msg=name)
    np.testing.assert_array_equal(t.softmax(dim=0).data, t.softmax(axis=0).data)
    np.testing.assert_array_equal(t.cumsum(dim=2).data, np.cumsum(x, 2))
    np.testing.assert_array_equal(t.squeeze(dim=None).data, x)
    assert tg.cat([t, t], dim=2).shape == (2, 3, 8) and tg.stack([t, t], dim=1).shape == (
        2,
        2,
        3,
        4,
    )
    with pytest.raises(TypeError, match="sum: got axis=0 and dim=1"):
        t.sum(0, dim=1)


def test_transpose_two_ints_swap_as_pytorch_a_tuple_permutes_as_numpy():
    x = tg.Tensor(np.arange(24.0).reshape(2, 3, 4))
    assert x.transpose(0, 2).shape == (4, 3, 2)
    assert x.transpose(dim0=-1, dim1=-2).shape == (2, 4, 3)
    assert x.transpose((1, 2, 0)).shape == (3, 4, 2) and x.transpose(1, 2, 0).shape == (3, 4, 2)
    m = tg.Tensor(np.arange(6.0).reshape(2, 3))
    np.testing.assert_array_equal(m.transpose(0, 1).data, m.data.T)  # PyTorch: a swap
    np.testing.assert_array_equal(m.transpose((0, 1)).data, m.data)  # numpy: the identity
    np.testing.assert_array_equal(m.permute(0, 1).data, m.data)
    np.testing.assert_array_equal(np.transpose(m, (0, 1)).data, m.data)
    with pytest.raises(ValueError, match="permute: expected one axis per dimension"):
        m.permute(1)


def test_repeat_is_pytorchs_and_says_so_for_numpys_axis():
    x = tg.Tensor([1.0, 2.0])
    np.testing.assert_array_equal(x.repeat(2, 2).data, [[1, 2, 1, 2], [1, 2, 1, 2]])
    np.testing.assert_array_equal(np.repeat(x, 2).data, [1, 1, 2, 2])  # numpy's, on tensors
    with pytest.raises(TypeError, match="repeat_interleave"):
        x.repeat(2, axis=0)


def test_split_chunk_and_numpys_split_on_tensors():
    x = tg.Tensor(np.arange(10.0), requires_grad=True)
    assert [p.shape for p in x.split([2, 3, 5])] == [(2,), (3,), (5,)]
    assert [p.shape for p in x.chunk(3)] == [(4,), (4,), (2,)]
    assert [p.shape for p in np.array_split(x, 3)] == [(4,), (3,), (3,)]
    assert [p.shape for p in np.split(x, 5)] == [(2,)] * 5
    with pytest.raises(ValueError, match="add up to the axis length 10"):
        x.split([2, 3])
    pieces = x.split(4)
    (pieces[0].sum() + 2 * pieces[2].sum()).backward()
    np.testing.assert_array_equal(x.grad, [1, 1, 1, 1, 0, 0, 0, 0, 2, 2])


def test_axis_none_joins_flattened_tensors_and_split_says_it_needs_an_axis():
    # numpy's np.concatenate(..., axis=None) flattens first; np.split has no such form
    a = tg.Tensor([[1.0, 2.0]], requires_grad=True)
    b = tg.Tensor([[3.0], [4.0]], requires_grad=True)
    joined = np.concatenate([a, b], axis=None)
    np.testing.assert_array_equal(joined.data, np.concatenate([a.data, b.data], axis=None))
    (tg.concatenate([a, b], axis=None) * tg.Tensor([1.0, 2.0, 3.0, 4.0])).sum().backward()
    np.testing.assert_array_equal(a.grad, [[1.0, 2.0]])
    np.testing.assert_array_equal(b.grad, [[3.0], [4.0]])
    for split in (np.split, np.array_split):
        with pytest.raises(TypeError, match="expected a single int axis, got None"):
            split(a, 2, axis=None)
    with pytest.raises(TypeError, match=r"concatenate: expected a single int axis, got \(0, 1\)"):
        tg.concatenate([a, a], axis=(0, 1))


def test_view_dot_flatten_unsqueeze_spellings():
    x = tg.Tensor(np.arange(6.0).reshape(1, 2, 3))
    assert x.view(3, 2).shape == (3, 2) and x.view((6,)).shape == (6,)
    with pytest.raises(TypeError, match="astype"):
        x.view(np.float32)
    assert (
        x.flatten().shape == (6,)
        and x.flatten(1).shape == (1, 6)
        and x.flatten(0, 1).shape == (2, 3)
    )
    assert x.unsqueeze(dim=0).shape == (1, 1, 2, 3)
    assert tg.Tensor([1.0, 2.0]).dot([3.0, 4.0]).item() == 11.0
    with pytest.raises(TypeError, match="at most 2 dimensions"):
        x.dot(x)


def test_masked_fill_causal_mask_gives_zero_attention_to_the_future():
    scores = tg.Tensor(np.zeros((3, 3)), requires_grad=True)
    future = tg.Tensor(np.ones((3, 3))).triu(1) == 1
    weights = scores.masked_fill(future, -np.inf).softmax(axis=-1)
    np.testing.assert_allclose(weights.data, np.tril(np.ones((3, 3))) / [[1], [2], [3]])
    (weights * np.arange(9.0).reshape(3, 3)).sum().backward()
    assert np.all(scores.grad[future.data] == 0) and np.all(np.isfinite(scores.grad))
    with pytest.raises(TypeError, match="masked_fill: expected a boolean mask"):
        scores.masked_fill(np.ones((3, 3)), 0.0)


def test_tril_needs_a_matrix():
    with pytest.raises(ValueError, match="tril: expected a tensor with at least 2 dimensions"):
        tg.Tensor([1.0, 2.0]).tril()


# -------------------------------------------------------------------------------------------------
# numpy functions on tensors record the graph
# -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fn", "op"),
    [
        (np.sin, "sin"),
        (np.cos, "cos"),
        (np.tan, "tan"),
        (np.arcsin, "asin"),
        (np.arccos, "acos"),
        (np.arctan, "atan"),
        (np.sinh, "sinh"),
        (np.cosh, "cosh"),
        (np.log2, "log2"),
        (np.log10, "log10"),
        (np.log1p, "log1p"),
        (np.expm1, "expm1"),
        (np.exp2, "pow"),
        (lambda t: np.cumsum(t, axis=0), "cumsum"),
        (lambda t: np.cumprod(t), "cumprod"),
        (lambda t: np.einsum("i,i->", t, t), "einsum"),
        (lambda t: np.sort(t), "getitem"),
        (lambda t: np.prod(t), "getitem"),
        (lambda t: np.flip(t), "getitem"),
        (lambda t: np.tile(t, 2), "reshape"),
        (lambda t: np.repeat(t, 2), "reshape"),
        (lambda t: np.take_along_axis(t, np.array([1, 0]), 0), "getitem"),
        (lambda t: np.tril(np.stack([t, t])), "where"),
        (lambda t: np.triu(np.stack([t, t])), "where"),
    ],  # fmt: skip
)
def test_numpy_functions_on_tensors_record_the_graph(fn, op):
    t = tg.Tensor([0.3, 0.6], requires_grad=True)
    out = fn(t)
    assert isinstance(out, tg.Tensor) and out.requires_grad and out.op == op
    out.sum().backward()
    # the recorded graph gives the derivative of numpy's own function (central differences)
    x0, eps = t.data.copy(), 1e-6
    numeric = [
        (np.sum(fn(x0 + eps * e)) - np.sum(fn(x0 - eps * e))) / (2 * eps) for e in np.eye(x0.size)
    ]
    np.testing.assert_allclose(t.grad, numeric, rtol=1e-6, atol=1e-9)


# -------------------------------------------------------------------------------------------------
# Corners of the new primitives
# -------------------------------------------------------------------------------------------------


def test_erf_is_the_c_librarys_erf():
    x = np.concatenate([np.linspace(-6, 6, 1001), [0.0, -0.0, 1e-300, np.inf, -np.inf, 40.0]])
    expected = np.array([math.erf(v) for v in x])
    np.testing.assert_array_equal(tg.Tensor(x).erf().data, expected)
    assert np.isnan(tg.Tensor([np.nan]).erf().item())
    assert tg.Tensor(np.array([0.5], dtype=np.float32)).erf().dtype == np.float32


def test_precise_primitives_beat_their_composites():
    tiny = tg.Tensor([1e-20])
    assert tiny.log1p().item() == 1e-20 and tiny.expm1().item() == 1e-20
    assert tg.Tensor([8.0]).log2().item() == 3.0 and tg.Tensor([1000.0]).log10().item() == 3.0
    assert tg.Tensor([1e-10]).sinh().item() == np.sinh(1e-10)
    np.testing.assert_allclose(
        tg.Tensor([1 - 1e-12]).acos().item(), np.arccos(1 - 1e-12), rtol=1e-15
    )


def test_infinite_derivatives_at_the_domain_ends_stay_zero_for_a_zero_upstream_gradient():
    for name, point in (
        ("asin", 1.0),
        ("acos", -1.0),
        ("log2", 0.0),
        ("log10", 0.0),
        ("log1p", -1.0),
    ):
        x = tg.Tensor([point, 0.5], requires_grad=True)
        with np.errstate(all="ignore"):
            y = getattr(x, name)()
        y[1].backward()  # dout is 0 at the domain's end
        assert x.grad[0] == 0.0, name


def test_cumprod_gradient_at_zeros_is_the_product_of_the_others():
    x = np.array([[2.0, 0.0, 3.0, 0.0, 5.0], [1.5, -2.0, 0.5, 4.0, 0.0]])
    assert gradcheck(lambda t: t.cumprod(1), x)
    assert gradgradcheck(lambda t: t.cumprod(1), x)
    t = tg.Tensor([2.0, 0.0, 3.0], requires_grad=True)
    t.prod().backward()
    np.testing.assert_array_equal(t.grad, [0.0, 6.0, 0.0])


def test_prod_corners():
    assert tg.Tensor(np.zeros((0, 3))).prod(axis=0).data.tolist() == [1.0, 1.0, 1.0]
    assert tg.Tensor(4.0).prod().item() == 4.0
    x = np.arange(1.0, 25.0).reshape(2, 3, 4) / 7
    np.testing.assert_allclose(tg.Tensor(x).prod((0, 2), keepdims=True).data,
                               np.prod(x, (0, 2), keepdims=True), rtol=1e-13)  # fmt: skip


@given(data=st.data())
def test_einsum_implicit_and_ellipsis_forms_match_numpy(data):
    spec, shapes = data.draw(st.sampled_from([
        ("ij,jk", ((2, 3), (3, 4))), ("ba", ((2, 3),)), ("...i,...i", ((2, 3), (3,))),
        ("i...->...", ((2, 3, 4),)), ("...ij,jk->...ik", ((5, 2, 3), (3, 2))), ("ii", ((3, 3),)),
        ("Ab,bA->A", ((2, 3), (3, 2))),
    ]))  # fmt: skip
    xs = [data.draw(tst.arrays(s)) for s in shapes]
    got, expected = tg.einsum(spec, *xs).data, np.einsum(spec, *xs)
    np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-12)


def test_einsum_teaching_errors():
    a = tg.Tensor(np.ones((2, 3)))
    with pytest.raises(ValueError, match="name 2 operand"):
        tg.einsum("ij,jk->ik", a)
    with pytest.raises(ValueError, match="name 3 axes, but the operand has 2"):
        tg.einsum("ijk->i", a)
    with pytest.raises(ValueError, match="does not fit the input shapes"):
        tg.einsum("ij,jk->ik", a, a)
    with pytest.raises(ValueError, match="labels that are letters"):
        tg.einsum("i1->i", a)
    with pytest.raises(TypeError, match="subscripts as a string"):
        tg.einsum(a, [0, 1])


@pytest.mark.parametrize(
    "fn",
    [
        lambda x: x.sin(),
        lambda x: x.cos(),
        lambda x: x.tan(),
        lambda x: x.asin(),
        lambda x: x.acos(),
        lambda x: x.atan(),
        lambda x: x.sinh(),
        lambda x: x.cosh(),
        lambda x: x.log2(),
        lambda x: x.log10(),
        lambda x: x.log1p(),
        lambda x: x.expm1(),
        lambda x: x.erf(),
        lambda x: x.exp2(),
        lambda x: x.softplus(2.0),
        lambda x: x.gelu(),
        lambda x: x.gelu("tanh"),
        lambda x: x.silu(),
        lambda x: x.elu(),
        lambda x: x.cumsum(1),
        lambda x: x.cumprod(0),
        lambda x: x.prod(1),
        lambda x: x.sort(0),
        lambda x: x.topk(1).values,
        lambda x: x.max_with_indices(1).values,
        lambda x: x.tril(),
        lambda x: x.repeat(2, 1),
        lambda x: x.repeat_interleave(2, 0),
        lambda x: tg.einsum("ij,kj->ik", x, x),
        lambda x: x.masked_fill(x.data > 0.3, 0.0),
        lambda x: x.gather(1, np.array([[1], [0]])),
    ],  # fmt: skip
)
def test_float32_stays_float32_through_new_ops(fn):
    x = tg.Tensor(np.array([[0.25, 0.5], [0.75, 0.6]], dtype=np.float32), requires_grad=True)
    out = fn(x)
    assert out.dtype == np.float32
    out.sum().backward()
    assert x.grad.dtype == np.float32


def test_np_pad_on_tensors_is_the_pad_op():
    x = tg.Tensor([[1.0, 2.0]], requires_grad=True)
    out = np.pad(x, ((0, 0), (1, 2)), constant_values=-1.0)
    np.testing.assert_array_equal(out.data, [[-1.0, 1.0, 2.0, -1.0, -1.0]])
    assert out.op == "pad"
    out.sum().backward()
    np.testing.assert_array_equal(x.grad, [[1.0, 1.0]])
    with pytest.raises(TypeError, match="mode='constant'"):
        np.pad(x, 1, mode="reflect")
