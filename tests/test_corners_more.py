"""No silent wrong answers (issue 10), second round: inputs of the issue's kinds that the first
round's tests did not try, each with the right value from the math (or PyTorch where it is finite).

- ``test_overflow_*``: a local derivative that overflows to inf (exp above x = 709.78) is an
  infinite local derivative: a zero upstream gradient stays 0 (kind 1).
- ``test_detached_copy_*``: ``x.detach()`` beside ``x`` in a second derivative is a constant; two
  tensors never hold the same array object (kind 1, second derivatives at the same points).
- ``test_einsum_*``: a label of size 1 in one input broadcasts in the gradient too (kind 4).
- ``test_index_*``: float numpy arrays of whole numbers index as Tensors and lists do (kind 4).
- ``test_dtype_*``: no optimizer changes a parameter's dtype, also after ``model.to()``; a float16
  gradient norm does not overflow (kind 3).
- ``test_update_line_*``: the course's update line on a layer's attribute (kind 7).
- ``test_numpy_*``: a numpy function on tensors computes what numpy computes, or raises (kind 8).
- ``test_gradcheck_*``: gradcheck cannot pass vacuously on empty inputs (kind 9).
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

import tinygrad_edu as tg
from tinygrad_edu import nn, optim
from tinygrad_edu.testing import GradcheckError, gradcheck, gradcheck_module, gradgradcheck

try:
    import torch
except ImportError:  # the reference is optional
    torch = None


def leaf(value) -> tg.Tensor:
    return tg.Tensor(np.array(value, dtype=np.float64), requires_grad=True)


@pytest.fixture
def no_warnings():
    """Every warning is an error inside the test (numpy's RuntimeWarning included)."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        yield


# =================================================================================================
# 1. A local derivative that overflows: exp, sinh, cosh, expm1 at x = 1000
# =================================================================================================

OVERFLOWING = {
    "exp": lambda x: x.exp(),
    "sinh": lambda x: x.sinh(),
    "cosh": lambda x: x.cosh(),
    "expm1": lambda x: x.expm1(),
    "exp2": lambda x: x.exp2(),  # 2**x through pow: already right, the oracle of consistency
}


@pytest.mark.parametrize("name", sorted(OVERFLOWING))
def test_overflow_masked_by_where_gives_zero_not_nan(name):
    # where(x < 700, f(x), 0) at x = 1000 does not depend on f there: the gradient is 0 (math);
    # at x = 1 it is f'(1).
    f = OVERFLOWING[name]
    derivative = {"exp": math.e, "sinh": math.cosh(1.0), "cosh": math.sinh(1.0),
                  "expm1": math.e, "exp2": 2.0 * math.log(2.0)}[name]  # fmt: skip
    x = leaf([1000.0, 1.0])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the forward's own overflow is numpy's, and real
        y = tg.where(x < 700, f(x), 0.0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no NaN warning from backward
        y.sum().backward()
    np.testing.assert_allclose(x.grad, [0.0, derivative], rtol=1e-12)


@pytest.mark.parametrize("name", ["exp", "sinh", "cosh", "expm1"])
def test_overflow_second_derivative_masked_by_where_is_zero(name):
    f = OVERFLOWING[name]
    second = {"exp": math.e, "sinh": math.sinh(1.0), "cosh": math.cosh(1.0), "expm1": math.e}
    x = leaf([1000.0, 1.0])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        y = tg.where(x < 700, f(x), 0.0).sum()
        (g,) = tg.grad(y, [x], create_graph=True)
        (h,) = tg.grad(g.sum(), [x])
    np.testing.assert_allclose(np.asarray(h.data if isinstance(h, tg.Tensor) else h),
                               [0.0, second[name]], rtol=1e-12)  # fmt: skip


def test_overflow_that_reaches_the_output_is_still_reported():
    # A nonzero upstream gradient times an overflowed derivative is a real inf: kept (only a zero
    # upstream gradient is rounded to 0).
    x = leaf([1000.0, 1.0])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        y = x.exp()
        y.backward(np.array([2.0, 0.0]))
    np.testing.assert_array_equal(x.grad, [np.inf, 0.0])


# =================================================================================================
# 1'. Second derivatives through a detached copy (or a constant holding the same numpy array)
# =================================================================================================


def _hvp(f, x_value, v):
    """(gradient, Hessian-vector product) of the scalar f at x_value, by tg.grad twice."""
    x = leaf(x_value)
    (g,) = tg.grad(f(x), [x], create_graph=True)
    (h,) = tg.grad((g * tg.Tensor(v)).sum(), [x])
    return g.data, np.asarray(h.data if isinstance(h, tg.Tensor) else h)


V = np.array([1.0, 10.0, 100.0])
X = np.array([1.0, 2.0, 3.0])


def test_detached_copy_first_factor_is_a_constant_in_second_derivatives(no_warnings):
    # f = sum(c * x) + sum(x**3) with c = x's values held constant: f'' = 6x (math). Before, the
    # detached copy (the same array object as x's) was taken for x: f'' = 6x + 1.
    g, h = _hvp(lambda x: (x.detach() * x).sum() + (x**3).sum(), X, V)
    np.testing.assert_allclose(g, X + 3 * X**2)
    np.testing.assert_allclose(h, 6 * X * V)


def test_detached_copy_as_exponent_keeps_the_bases_second_derivative(no_warnings):
    # f = sum(x ** c), c = x's values: f'' = c (c - 1) x**(c - 2) = [0, 2, 18] (math). Before, x
    # was taken for the detached exponent and the second derivative was missing.
    g, h = _hvp(lambda x: (x ** x.detach()).sum(), X, V)
    np.testing.assert_allclose(g, X * X ** (X - 1))
    np.testing.assert_allclose(h, X * (X - 1) * X ** (X - 2) * V)


def test_detached_copy_agrees_with_torch():
    if torch is None:
        pytest.skip("torch is not installed")
    for fn in (lambda x: (x.detach() * x).sum() + (x**3).sum(),
               lambda x: (x ** x.detach()).sum() + (x.detach() / x).sum()):  # fmt: skip
        xt = torch.tensor(X, requires_grad=True)
        (gt,) = torch.autograd.grad(fn(xt), [xt], create_graph=True)
        (ht,) = torch.autograd.grad((gt * torch.tensor(V)).sum(), [xt])
        g, h = _hvp(fn, X, V)
        np.testing.assert_allclose(g, gt.detach().numpy(), rtol=1e-12)
        np.testing.assert_allclose(h, ht.numpy(), rtol=1e-12)


def test_detached_copy_a_constant_made_from_the_parameters_own_array(no_warnings):
    # p = Tensor(a, requires_grad=True) and the array a itself as a constant: a * p is linear in
    # p, so sum(a * p) + sum(p**2) has second derivative 2 (math), not 3.
    a = X.copy()
    p = tg.Tensor(a, requires_grad=True)
    (g,) = tg.grad((a * p).sum() + (p**2).sum(), [p], create_graph=True)
    (h,) = tg.grad(g.sum(), [p])
    np.testing.assert_allclose(h, [2.0, 2.0, 2.0])


def test_detached_copy_a_tensors_own_array_as_a_constant(no_warnings):
    # x.data beside x in an operation (PyTorch's x * x.detach()) is a constant: f = sum(c * x) +
    # sum(x**3) has f'' = 6x (math), on either side of the product. Before, the constant held
    # x's own array object and create_graph=True refused it as two tensors sharing an array.
    for f in (lambda x: (x * x.data).sum() + (x**3).sum(),
              lambda x: (x.data * x).sum() + (x**3).sum()):  # fmt: skip
        g, h = _hvp(f, X, V)
        np.testing.assert_allclose(g, X + 3 * X**2)
        np.testing.assert_allclose(h, 6 * X * V)


def test_detached_copy_still_shares_memory():
    # Each tensor has its own array object, but Tensor(a) and detach() still share the memory.
    a = np.zeros(3)
    t = tg.Tensor(a)
    d = leaf([1.0, 2.0]).detach()
    assert t.data is not a and np.shares_memory(t.data, a)
    a[0] = 5.0
    assert t.data[0] == 5.0
    assert not d.requires_grad


def test_detached_copy_two_tensors_sharing_an_array_are_refused_under_create_graph():
    x = leaf([1.0, 2.0])
    c = tg.Tensor([0.0, 0.0])
    c.data = x.data  # the one way left to make two tensors hold the same array object
    with pytest.raises(RuntimeError, match="same numpy array object"):
        tg.grad((c * x).sum(), [x], create_graph=True)


def test_detached_copy_gradgradcheck_sees_what_gradcheck_sees():
    # A function with a detached copy has a gradient that differs from its central differences;
    # gradgradcheck, like gradcheck, must say so (it passed before: the wrong second derivative
    # happened to equal the numeric one).
    with pytest.raises(GradcheckError):
        gradcheck(lambda x: (x.detach() * x).sum(), X)
    with pytest.raises(GradcheckError):
        gradgradcheck(lambda x: (x.detach() * x).sum(), X)


# =================================================================================================
# 4. Shapes: einsum's size-1 labels
# =================================================================================================

EINSUM_BROADCASTS = [
    ("ij,j->i", (2, 1), (3,)),
    ("ij,jk->ik", (2, 1), (3, 4)),
    ("ij,ij->i", (2, 1), (1, 3)),
    ("ij,kj->ik", (2, 1), (4, 3)),
]


@pytest.mark.parametrize(("spec", "shape_x", "shape_y"), EINSUM_BROADCASTS)
def test_einsum_a_size_1_label_broadcasts_in_the_gradient(spec, shape_x, shape_y):
    # numpy's einsum broadcasts a label of size 1 (x's j against y's j of 3); y's gradient came
    # out with 1 there and backward raised "expected a gradient of shape (3,), got (1,)". The
    # oracle: the same contraction written with x broadcast first (math), and central differences.
    rng = np.random.default_rng(3)
    xv, yv = rng.standard_normal(shape_x), rng.standard_normal(shape_y)
    x, y = leaf(xv), leaf(yv)
    out = tg.einsum(spec, x, y)
    w = rng.standard_normal(out.shape)
    (out * tg.Tensor(w)).sum().backward()
    xb, yb = leaf(xv), leaf(yv)
    labels_x, labels_y = spec.split("->")[0].split(",")
    size = dict(zip(labels_x, shape_x, strict=True))
    for c, n in zip(labels_y, shape_y, strict=True):
        size[c] = max(size.get(c, 1), n)
    wide_x = xb.broadcast_to(tuple(size[c] for c in labels_x))
    wide_y = yb.broadcast_to(tuple(size[c] for c in labels_y))
    (tg.einsum(spec, wide_x, wide_y) * tg.Tensor(w)).sum().backward()
    np.testing.assert_allclose(x.grad, xb.grad, rtol=1e-12)
    np.testing.assert_allclose(y.grad, yb.grad, rtol=1e-12)
    assert gradcheck(lambda a, b: tg.einsum(spec, a, b), xv, yv)
    assert gradgradcheck(lambda a, b: tg.einsum(spec, a, b) ** 2, xv, yv)


def test_einsum_size_1_labels_agree_with_torch():
    if torch is None:
        pytest.skip("torch is not installed")
    rng = np.random.default_rng(4)
    for spec, shape_x, shape_y in EINSUM_BROADCASTS:
        xv, yv = rng.standard_normal(shape_x), rng.standard_normal(shape_y)
        x, y = leaf(xv), leaf(yv)
        tg.einsum(spec, x, y).sum().backward()
        xt = torch.tensor(xv, requires_grad=True)
        yt = torch.tensor(yv, requires_grad=True)
        torch.einsum(spec, xt, yt).sum().backward()
        np.testing.assert_allclose(x.grad, xt.grad.numpy(), rtol=1e-12)
        np.testing.assert_allclose(y.grad, yt.grad.numpy(), rtol=1e-12)


# =================================================================================================
# 4. Float numpy arrays as indices
# =================================================================================================


def test_index_with_a_float_numpy_array_of_whole_numbers():
    # np.array([0., 2.]) indexes as [0, 2], as Tensor([0, 2]) and [0.0, 2.0] already do (numpy
    # raised "arrays used as indices must be of integer (or boolean) type").
    x = leaf([[0.0, 1.0], [2.0, 3.0], [4.0, 5.0]])
    y = x[np.array([0.0, 2.0])]
    np.testing.assert_array_equal(y.data, [[0.0, 1.0], [4.0, 5.0]])
    (y * tg.Tensor([[1.0, 2.0], [3.0, 4.0]])).sum().backward()
    np.testing.assert_array_equal(x.grad, [[1.0, 2.0], [0.0, 0.0], [3.0, 4.0]])


def test_index_with_an_empty_float_numpy_array():
    # np.array([]) is float64: an empty index, as x[[]] (numpy raised IndexError).
    x = leaf([1.0, 2.0, 3.0])
    y = x[np.array([])]
    assert y.shape == (0,)
    y.sum().backward()
    np.testing.assert_array_equal(x.grad, [0.0, 0.0, 0.0])
    x2 = leaf([[1.0, 2.0], [3.0, 4.0]])
    assert x2[:, np.array([])].shape == (2, 0)


def test_index_with_a_float_numpy_array_for_writes_too():
    t = tg.Tensor([0.0, 0.0, 0.0])
    t[np.array([2.0, 0.0])] = 7.0
    np.testing.assert_array_equal(t.data, [7.0, 0.0, 7.0])


def test_shape_errors_learners_type_explain_themselves():
    # A ragged nested list gave numpy's "inhomogeneous shape" error; tile(-1) a broadcast_to error
    # about a shape (1, 2, -1, 3) the learner never wrote.
    with pytest.raises(ValueError, match="rectangular nested list"):
        tg.Tensor([[1.0], [1.0, 2.0]])
    x = tg.Tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    with pytest.raises(ValueError, match=r"repeat: expected sizes >= 0"):
        x.tile(-1)
    with pytest.raises(ValueError, match=r"repeat: expected sizes >= 0"):
        x.repeat(2, -1)
    assert x.repeat(0, 1).shape == (0, 3)  # zero copies is allowed, as numpy's tile


def test_index_with_a_non_integer_numpy_array_explains_itself():
    x = tg.Tensor([1.0, 2.0, 3.0])
    with pytest.raises(IndexError, match="non-integer values"):
        x[np.array([0.5])]


# =================================================================================================
# 3. dtypes: optimizers after Module.to, clip_grad_norm_ in float16
# =================================================================================================

OPTIMIZERS = {
    "SGD momentum": lambda ps: optim.SGD(ps, lr=0.1, momentum=0.9, weight_decay=0.01),
    "Adam": lambda ps: optim.Adam(ps, lr=0.1, weight_decay=0.01),
    "AdamW": lambda ps: optim.AdamW(ps, lr=0.1, weight_decay=0.01),
    "RMSprop": lambda ps: optim.RMSprop(ps, lr=0.1, weight_decay=0.01),
}


@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
def test_dtype_an_optimizer_with_state_keeps_parameters_float32_after_module_to(name):
    # One step in float64 (the state becomes float64), then model.to(np.float32): the next steps
    # made W and b float64 again (float64 state in the update), and the saved optimizer state no
    # longer loaded. PyTorch keeps them float32 (its updates are in place).
    X = np.random.default_rng(0).standard_normal((4, 3))
    model = nn.Linear(3, 2)
    opt = OPTIMIZERS[name](model.parameters())
    (model(X) ** 2).mean().backward()
    opt.step()
    model.to(np.float32)
    for _ in range(2):
        opt.zero_grad()
        (model(X) ** 2).mean().backward()
        opt.step()
    assert model.W.dtype == np.float32 and model.b.dtype == np.float32
    again = OPTIMIZERS[name](model.parameters())
    again.load_state_dict(opt.state_dict())  # the state has the parameters' dtype
    state = opt.state_dict()
    arrays = [state[k] for k in state if k.startswith("state.") and state[k].dtype.kind == "f"]
    assert arrays and all(a.dtype == np.float32 for a in arrays)  # (Adam's "step" is a count)


def test_dtype_clip_grad_norm_of_float16_gradients_does_not_overflow():
    # Gradients [600, 800] in float16: the norm 1000 is fine, but its square 1e6 overflows
    # float16 (max 65504); the norm came out inf and clipping zeroed the gradients. Right: the
    # gradients scaled to norm 1, [0.6, 0.8] (math).
    p = nn.Parameter(np.array([1.0, 1.0], dtype=np.float16))
    (p * np.array([600.0, 800.0], dtype=np.float16)).sum().backward()
    optim.clip_grad_norm_([p], max_norm=1.0)
    assert p.grad.dtype == np.float16
    np.testing.assert_allclose(p.grad, [0.6, 0.8], rtol=1e-3)


def test_dtype_and_shape_of_an_assigned_tensor_gradient_are_checked_as_for_arrays():
    # w.grad = Tensor(...) skipped the checks that arrays get: a (1,) gradient on a (2,)
    # parameter was kept, and SGD then moved both elements by the one number.
    w = nn.Parameter(np.array([1.0, 2.0]))
    with pytest.raises(ValueError, match=r"shape \(2,\), got shape \(1,\)"):
        w.grad = tg.Tensor([1.0])
    w32 = nn.Parameter(np.array([1.0, 2.0], dtype=np.float32))
    w32.grad = tg.Tensor([0.5, 0.25])  # float64: takes the parameter's dtype
    assert w32.grad.dtype == np.float32
    optim.SGD([w32], lr=1.0).step()
    assert w32.dtype == np.float32
    np.testing.assert_array_equal(w32.data, [0.5, 1.75])


# =================================================================================================
# 7. The course's update line on a layer's attribute
# =================================================================================================


def test_update_line_on_a_layer_attribute_raises_instead_of_dropping_the_parameter():
    # model.W = model.W - lr * model.W.grad used to replace the Parameter by a computed tensor:
    # W left parameters(), and SGD went on updating the old W, which the model no longer used.
    model = nn.Linear(2, 1)
    model(np.ones((3, 2))).sum().backward()
    W = model.W
    with pytest.raises(TypeError, match=r"Linear\.W: expected a Parameter.*no_grad\(\)"):
        model.W = model.W - 0.1 * model.W.grad
    assert model.W is W and [n for n, _ in model.named_parameters()] == ["W", "b"]


def test_update_line_the_in_place_fix_trains_the_parameter_the_model_uses():
    # The fix the message gives: in place, inside no_grad. After one SGD-like step by hand and one
    # by the optimizer, W = W0 - 0.1 * g - 0.1 * g (the gradient of sum(X @ W.T + b) is the column
    # sums of X, whatever W is: math).
    X = np.array([[1.0, 2.0], [3.0, 4.0]])
    model = nn.Linear(2, 1)
    W0 = model.W.data.copy()
    model(X).sum().backward()
    with tg.no_grad():
        model.W -= 0.1 * model.W.grad
    opt = optim.SGD(model.parameters(), lr=0.1)
    opt.zero_grad()
    model(X).sum().backward()
    opt.step()
    np.testing.assert_allclose(model.W.data, W0 - 0.2 * X.sum(axis=0, keepdims=True))


def test_update_line_replacing_a_parameter_on_purpose_still_works():
    model = nn.Linear(2, 1)
    model.W = nn.Parameter(np.zeros((1, 2)))  # a Parameter: registered
    other = nn.Linear(2, 1)
    other.W = model.W  # weight tying
    leaf_W = tg.Tensor(np.ones((1, 2)), requires_grad=True)
    model.W = leaf_W  # a leaf: calling a layer as a function of its arrays (gradcheck)
    assert other.W.data.sum() == 0.0 and model.W is leaf_W


# =================================================================================================
# 8. numpy functions on tensors
# =================================================================================================


def test_numpy_matrix_2_norm_is_refused_not_replaced_by_the_frobenius_norm():
    # np.linalg.norm(W, 2) of a matrix is its largest singular value (5.4649857... for
    # [[1, 2], [3, 4]]); on a tensor it silently gave the Frobenius norm sqrt(30) = 5.4772...
    W = np.array([[1.0, 2.0], [3.0, 4.0]])
    assert np.linalg.norm(W, 2) == pytest.approx(5.464985704219043)
    for kwargs in ({}, {"axis": (0, 1)}):
        with pytest.raises(TypeError, match="largest singular value"):
            np.linalg.norm(leaf(W), 2, **kwargs)
    # What tensors do implement, as numpy computes it: vectors, rows, Frobenius.
    np.testing.assert_allclose(np.linalg.norm(leaf(W), 2, axis=1).data, [5**0.5, 5.0])
    np.testing.assert_allclose(np.linalg.norm(leaf(W[0]), 2).data, 5**0.5)
    np.testing.assert_allclose(np.linalg.norm(leaf(W)).data, 30**0.5)
    np.testing.assert_allclose(np.linalg.norm(leaf(W), "fro").data, 30**0.5)


# =================================================================================================
# 9. gradcheck on empty inputs
# =================================================================================================


def test_gradcheck_fails_when_every_checked_input_is_empty():
    # Zero elements compare nothing: a pass would be vacuous.
    with pytest.raises(GradcheckError, match="only empty inputs"):
        gradcheck(lambda x: x.sum(), np.zeros(0))
    assert gradcheck(lambda x: x.sum(), np.zeros((2, 0)), raise_exception=False) is False


def test_gradcheck_fails_when_only_an_empty_input_gets_a_gradient():
    W = leaf([1.0, 2.0])
    with pytest.raises(GradcheckError, match="none of the checked inputs"):
        gradcheck(lambda x, y: (W * 2).sum() + x.sum(), np.zeros(0), np.ones(2))


def test_gradcheck_module_leaves_batch_norm_running_statistics_as_they_were():
    # gradcheck_module evaluates the model dozens of times; in training mode each evaluation
    # updated BatchNorm's running mean and variance and its batch count, so checking a model
    # silently changed its eval-mode predictions.
    rng = np.random.default_rng(5)
    model = nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4), nn.Tanh(), nn.Linear(4, 1))
    X, Y = rng.standard_normal((6, 3)), rng.standard_normal((6, 1))
    model(X)  # one real training-mode pass: the statistics the check must keep
    before = {name: b.data.copy() for name, b in model.named_buffers()}
    assert gradcheck_module(model, lambda: ((model(X) - tg.Tensor(Y)) ** 2).mean())
    after = dict(model.named_buffers())
    assert before.keys() == after.keys()
    for name, value in before.items():
        np.testing.assert_array_equal(after[name].data, value, err_msg=name)
    assert int(after["1.num_batches_tracked"].data) == 1


def test_gradient_difference_leaves_batch_norm_running_statistics_as_they_were():
    # The course's gradient check (testing.gradient_difference) on a Module: the same side effect.
    from tinygrad_edu.testing import gradient_difference

    rng = np.random.default_rng(6)
    model = nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4), nn.Tanh(), nn.Linear(4, 1))
    X, Y = rng.standard_normal((6, 3)), rng.standard_normal((6, 1))
    model(X)
    before = {name: b.data.copy() for name, b in model.named_buffers()}
    assert gradient_difference(lambda *ps: ((model(X) - tg.Tensor(Y)) ** 2).mean(), model) < 1e-6
    for name, b in model.named_buffers():
        np.testing.assert_array_equal(b.data, before[name], err_msg=name)


def test_gradcheck_elements_out_of_range_explain_themselves():
    with pytest.raises(ValueError, match=r"flat element indices in \[-3, 3\)"):
        gradcheck(lambda x: (x**2).sum(), np.ones(3), elements=[5])
