"""numpy's stacking functions and np.outer on tensors (tensor/numpy_api.py), checked as the op table
checks an op: forward against numpy, the gradient against central differences (float64), second
derivatives, and PyTorch where installed. Also: an unsupported function is named by its real
module path, with a close alternative where there is one."""

import numpy as np
import pytest

import tinygrad_edu as tg
from tinygrad_edu.testing import gradcheck, gradgradcheck

try:
    import torch
except ImportError:  # the torch checks are skipped
    torch = None

# (numpy function, torch function, shapes of the inputs) -- the functions take one sequence.
STACKING = [
    (np.vstack, "vstack", [(3,), (3,)]),
    (np.vstack, "vstack", [(2, 3), (3,), (1, 3)]),
    (np.vstack, "vstack", [(), ()]),
    (np.vstack, "vstack", [(2, 2, 3), (1, 2, 3)]),
    (np.hstack, "hstack", [(3,), (2,)]),
    (np.hstack, "hstack", [(), (2,)]),
    (np.hstack, "hstack", [(2, 3), (2, 1)]),
    (np.hstack, "hstack", [(2, 3, 4), (2, 1, 4)]),
    (np.column_stack, "column_stack", [(3,), (3,)]),
    (np.column_stack, "column_stack", [(3,), (3, 2)]),
    (np.column_stack, "column_stack", [(), ()]),
    (np.dstack, "dstack", [(3,), (3,)]),
    (np.dstack, "dstack", [(2, 3), (2, 3)]),
    (np.dstack, "dstack", [(2, 3, 1), (2, 3, 2)]),
]
# (numpy function, torch function, shapes of the two inputs) -- the functions take two arrays.
PAIRS = [
    (np.outer, "outer", [(3,), (2,)]),
    (np.outer, "outer", [(2, 2), (3,)]),  # numpy flattens both
    (np.outer, "outer", [(), (2,)]),
]
SINGLE = [
    (np.atleast_1d, "atleast_1d", [()]),
    (np.atleast_2d, "atleast_2d", [(3,)]),
    (np.atleast_2d, "atleast_2d", [()]),
    (np.atleast_3d, "atleast_3d", [(3,)]),
    (np.atleast_3d, "atleast_3d", [(2, 3)]),
    (np.atleast_3d, "atleast_3d", [(2, 3, 4)]),
]
CASES = [(f, tf, shapes, "sequence") for f, tf, shapes in STACKING] + [
    (f, tf, shapes, "args") for f, tf, shapes in PAIRS + SINGLE
]
IDS = [f"{f.__name__}-{'-'.join(map(str, shapes))}" for f, _, shapes, _ in CASES]


def _call(f, arrays, style):
    return f(list(arrays)) if style == "sequence" else f(*arrays)


def _inputs(shapes, seed=0):
    rng = np.random.default_rng(seed)
    return [rng.normal(size=shape) for shape in shapes]


@pytest.mark.parametrize(("f", "torch_name", "shapes", "style"), CASES, ids=IDS)
def test_forward_equals_numpy_and_records_the_graph(f, torch_name, shapes, style):
    arrays = _inputs(shapes)
    expected = _call(f, arrays, style)
    tensors = [tg.Tensor(a, requires_grad=True) for a in arrays]
    out = _call(f, tensors, style)
    assert isinstance(out, tg.Tensor) and out.requires_grad
    assert out.shape == expected.shape
    np.testing.assert_array_equal(out.data, expected)
    mixed = _call(f, [tensors[0], *arrays[1:]], style)  # arrays beside a tensor are constants
    np.testing.assert_array_equal(mixed.data, expected)


@pytest.mark.parametrize(("f", "torch_name", "shapes", "style"), CASES, ids=IDS)
def test_gradient_equals_central_differences(f, torch_name, shapes, style):
    arrays = _inputs(shapes, seed=1)
    fn = lambda *ts: _call(f, ts, style).tanh()  # noqa: E731 (nonlinear: a per-element check)
    assert gradcheck(fn, *arrays)
    assert gradgradcheck(fn, *arrays)


@pytest.mark.parametrize(("f", "torch_name", "shapes", "style"), CASES, ids=IDS)
def test_gradient_equals_torch(f, torch_name, shapes, style):
    if torch is None:
        pytest.skip("torch is not installed")
    arrays = _inputs(shapes, seed=2)
    tensors = [tg.Tensor(a, requires_grad=True) for a in arrays]
    references = [torch.tensor(a, requires_grad=True) for a in arrays]
    weights = np.random.default_rng(3).normal(size=_call(f, arrays, style).shape)
    (_call(f, tensors, style) * weights).sum().backward()
    torch_f = getattr(torch, torch_name)
    if torch_name == "outer":  # torch.outer takes vectors; numpy flattens
        out = torch_f(*[r.reshape(-1) for r in references])
    else:
        out = _call(torch_f, references, style)
    (out * torch.tensor(weights)).sum().backward()
    for t, r in zip(tensors, references, strict=True):
        np.testing.assert_allclose(t.grad, r.grad.numpy(), rtol=1e-12, atol=1e-15)


def test_atleast_of_several_arrays_returns_a_tuple_as_numpy():
    out = np.atleast_2d(tg.Tensor(1.0), tg.Tensor([1.0, 2.0]))
    assert isinstance(out, tuple) and [t.shape for t in out] == [(1, 1), (1, 2)]


def test_stacking_refuses_dtype_as_the_other_functions():
    with pytest.raises(TypeError, match="numpy.vstack: the keyword dtype"):
        np.vstack([tg.Tensor([1.0])], dtype=np.float32)


def test_an_unsupported_function_is_named_by_its_module_path():
    W = tg.Tensor(np.eye(2), requires_grad=True)
    with pytest.raises(TypeError, match=r"^numpy\.linalg\.inv: ") as err:
        np.linalg.inv(W)
    assert "drop the graph" in str(err.value)
    with pytest.raises(TypeError, match=r"^numpy\.fft\.fft: "):
        np.fft.fft(W)


@pytest.mark.parametrize(
    ("call", "alternative", "expected"),
    [
        (lambda W, v: np.trace(W), lambda W, v: np.einsum("ii->", W), lambda W, v: np.trace(W)),
        (lambda W, v: np.diff(v), lambda W, v: v[1:] - v[:-1], lambda W, v: np.diff(v)),
        (lambda W, v: np.logaddexp(v, v), lambda W, v: tg.stack([v, v]).logsumexp(axis=0),
         lambda W, v: np.logaddexp(v, v)),
        (lambda W, v: np.inner(v, v), lambda W, v: v @ v, lambda W, v: np.inner(v, v)),
    ],
    ids=["trace", "diff", "logaddexp", "inner"],
)  # fmt: skip
def test_an_unsupported_function_names_a_close_alternative_that_works(call, alternative, expected):
    rng = np.random.default_rng(0)
    W_data, v_data = rng.normal(size=(3, 3)), rng.normal(size=4)
    W, v = tg.Tensor(W_data, requires_grad=True), tg.Tensor(v_data, requires_grad=True)
    with pytest.raises(TypeError, match="instead: it records the graph"):
        call(W, v)
    result = alternative(W, v)
    assert isinstance(result, tg.Tensor) and result.requires_grad
    np.testing.assert_allclose(result.data, expected(W_data, v_data), rtol=1e-12)


def test_a_ufunc_outer_says_how_to_broadcast():
    x = tg.Tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(TypeError, match=r"np\.outer\(x, y\)"):
        np.multiply.outer(x, x)
    with pytest.raises(TypeError, match=r"np\.add\(x\.reshape\(-1, 1\), y\.reshape\(1, -1\)\)"):
        np.add.outer(x, x)
