"""Losses (``tinygrad_edu.losses``): values and gradients against the course's formulas written
here in numpy, against PyTorch where installed, at the extremes, and their teaching errors."""

import warnings

import numpy as np
import pytest

from tinygrad_edu import losses
from tinygrad_edu.tensor import Tensor
from tinygrad_edu.testing import gradcheck

bce = losses.binary_cross_entropy
bce_logits = losses.binary_cross_entropy_with_logits


def sigmoid(Z):
    return 1 / (1 + np.exp(-Z))


def probabilities(shape, seed=0):
    rng = np.random.default_rng(seed)
    A = rng.uniform(0.02, 0.98, size=shape)
    Y = (rng.random(shape) > 0.5).astype(np.float64)
    return A, Y


# --- binary cross-entropy on probabilities -------------------------------------------------------


@pytest.mark.parametrize("shape", [(1, 7), (7, 1), (5,), (3, 4)])
def test_bce_is_the_courses_cost(shape):
    A, Y = probabilities(shape)
    m = A.size
    expected = -1 / m * np.sum(Y * np.log(A) + (1 - Y) * np.log(1 - A))
    assert bce(Tensor(A), Y).item() == pytest.approx(expected, rel=1e-13)
    assert bce(Tensor(A), Y, reduction="sum").item() == pytest.approx(m * expected, rel=1e-13)
    per_example = bce(Tensor(A), Y, reduction="none")
    assert per_example.shape == shape
    np.testing.assert_allclose(per_example.data, -(Y * np.log(A) + (1 - Y) * np.log(1 - A)))


def test_bce_gradient_is_the_courses_dA_over_m():
    A, Y = probabilities((1, 9), seed=1)
    A_t = Tensor(A, requires_grad=True)
    bce(A_t, Y).backward()
    dAL = -(Y / A - (1 - Y) / (1 - A))  # the course's dAL, per example
    np.testing.assert_allclose(A_t.grad, dAL / 9, rtol=1e-12)


def test_bce_passes_gradcheck():
    A, Y = probabilities((2, 3), seed=2)
    gradcheck(lambda A: bce(A, Y), A)


def test_bce_accepts_uint8_and_bool_labels():
    A, Y = probabilities((1, 6), seed=3)
    expected = bce(Tensor(A), Y).item()
    assert bce(Tensor(A), Y.astype(np.uint8)).item() == expected
    assert bce(Tensor(A), Y.astype(bool)).item() == expected
    assert bce(Tensor(A), Tensor(Y.astype(np.float32))).item() == expected


def test_bce_keeps_float32():
    A, Y = probabilities((1, 4))
    A32 = Tensor(A.astype(np.float32), requires_grad=True)
    J = bce(A32, Y)
    J.backward()
    assert J.dtype == np.float32 and A32.grad.dtype == np.float32


@pytest.mark.parametrize("value", [0.0, 1.0])
def test_bce_warns_once_with_the_fix_on_exact_0_or_1(value):
    A = np.array([[0.3, value]])
    with pytest.warns(RuntimeWarning, match="use binary_cross_entropy_with_logits") as record:
        J = bce(Tensor(A), np.array([[0.0, 1.0 - value]]))
    assert len(record) == 1
    assert record[0].filename == __file__  # points at the caller's line
    assert not np.isfinite(J.item())  # not clipped silently: log(0) shows


def test_bce_does_not_warn_inside_the_open_interval():
    A, Y = probabilities((1, 5))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        bce(Tensor(A), Y)


@pytest.mark.parametrize("bad", [1.5, -0.1, np.nan])
def test_bce_refuses_values_outside_0_1_and_suggests_logits(bad):
    with pytest.raises(ValueError) as info:
        bce(Tensor([[0.5, bad]]), np.array([[0, 1]]))
    assert "expected probabilities A in [0, 1]" in str(info.value)
    assert "binary_cross_entropy_with_logits(Z, Y)" in str(info.value)


def test_bce_rank1_labels_error_names_both_shapes():
    A, Y = probabilities((1, 5))
    with pytest.raises(ValueError) as info:
        bce(Tensor(A), Y.reshape(5))
    message = str(info.value)
    assert message.startswith("binary_cross_entropy: expected A and Y of the same shape")
    assert "A.shape=(1, 5)" in message and "Y.shape=(5,)" in message
    assert "Y is a rank-1 array" in message and "Y.reshape((1, 5))" in message
    assert "(m, m)" in message


def test_bce_transposed_labels_error_explains_the_layouts():
    A, Y = probabilities((1, 5))
    with pytest.raises(ValueError) as info:
        bce(Tensor(A), Y.T)
    message = str(info.value)
    assert "A.shape=(1, 5)" in message and "Y.shape=(5, 1)" in message
    assert "transposed" in message and "Y.T" in message


def test_bce_with_different_sizes_has_no_misleading_hint():
    with pytest.raises(ValueError, match=r"A.shape=\(1, 5\) and Y.shape=\(1, 4\)\.$"):
        bce(Tensor(np.full((1, 5), 0.5)), np.zeros((1, 4)))


def test_unknown_reduction_is_refused():
    with pytest.raises(ValueError, match=r"reduction to be one of \('mean', 'sum', 'none'\)"):
        bce(Tensor([0.5]), [1.0], reduction="avg")


# --- binary cross-entropy from logits ------------------------------------------------------------


def test_bce_with_logits_equals_bce_of_sigmoid():
    rng = np.random.default_rng(4)
    Z, Y = rng.standard_normal((1, 8)) * 3, (rng.random((1, 8)) > 0.5).astype(np.float64)
    assert bce_logits(Tensor(Z), Y).item() == pytest.approx(
        bce(Tensor(sigmoid(Z)), Y).item(), rel=1e-12
    )


def test_bce_with_logits_gradient_is_the_courses_dZ():
    rng = np.random.default_rng(5)
    Z, Y = rng.standard_normal((6, 1)), (rng.random((6, 1)) > 0.5).astype(np.float64)
    Z_t = Tensor(Z, requires_grad=True)
    bce_logits(Z_t, Y).backward()
    np.testing.assert_allclose(Z_t.grad, (sigmoid(Z) - Y) / 6, rtol=1e-12)  # dZ = A - Y, / m


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_bce_with_logits_is_finite_at_plus_minus_1000(dtype):
    Z = Tensor(np.array([[-1000.0, 1000.0, -1000.0, 1000.0]], dtype=dtype), requires_grad=True)
    Y = np.array([[1.0, 0.0, 0.0, 1.0]])
    J = bce_logits(Z, Y, reduction="none")
    np.testing.assert_allclose(J.data, [[1000.0, 1000.0, 0.0, 0.0]], rtol=1e-6)
    J.sum().backward()
    np.testing.assert_allclose(Z.grad, [[-1.0, 1.0, 0.0, 0.0]], atol=1e-6)
    assert J.dtype == Z.grad.dtype == dtype


def test_bce_with_logits_shape_error():
    with pytest.raises(ValueError, match=r"binary_cross_entropy_with_logits: expected Z and Y"):
        bce_logits(Tensor(np.zeros((3, 1))), np.zeros(3))


# --- cross-entropy -------------------------------------------------------------------------------


def log_softmax(Z):
    shifted = Z - Z.max(axis=1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))


def test_cross_entropy_with_class_indices():
    rng = np.random.default_rng(6)
    logits, targets = rng.standard_normal((5, 4)), np.array([0, 3, 1, 1, 2])
    logits_t = Tensor(logits, requires_grad=True)
    J = losses.cross_entropy(logits_t, targets)
    expected = -log_softmax(logits)[np.arange(5), targets].mean()
    assert J.item() == pytest.approx(expected, rel=1e-13)
    J.backward()
    softmax = np.exp(log_softmax(logits))
    np.testing.assert_allclose(logits_t.grad, (softmax - np.eye(4)[targets]) / 5, rtol=1e-12)


def test_cross_entropy_one_hot_equals_indices():
    rng = np.random.default_rng(7)
    logits, targets = rng.standard_normal((6, 3)), np.array([2, 0, 1, 1, 0, 2])
    with_indices = losses.cross_entropy(Tensor(logits), targets, reduction="none").data
    with_one_hot = losses.cross_entropy(Tensor(logits), np.eye(3)[targets], reduction="none").data
    np.testing.assert_allclose(with_indices, with_one_hot, rtol=1e-13)
    assert with_indices.shape == (6,)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_cross_entropy_is_finite_at_plus_minus_1000(dtype):
    logits = Tensor(
        np.array([[1000.0, -1000.0], [-1000.0, 1000.0]], dtype=dtype), requires_grad=True
    )
    J = losses.cross_entropy(logits, np.array([1, 1]))
    J.backward()
    assert J.item() == pytest.approx(1000.0, rel=1e-6)
    assert np.all(np.isfinite(logits.grad)) and logits.grad.dtype == dtype


def test_cross_entropy_errors():
    with pytest.raises(ValueError, match=r"expected logits of shape \(m, C\)"):
        losses.cross_entropy(Tensor(np.zeros(3)), np.array([0]))
    with pytest.raises(ValueError, match=r"class indices in \[0, 3\), got values in \[0, 3\]"):
        losses.cross_entropy(Tensor(np.zeros((2, 3))), np.array([0, 3]))
    with pytest.raises(ValueError, match=r"integer targets of shape \(m,\) = \(2,\)"):
        losses.cross_entropy(Tensor(np.zeros((2, 3))), np.array([[0], [1]]))
    with pytest.raises(ValueError, match=r"expected logits and targets of the same shape"):
        losses.cross_entropy(Tensor(np.zeros((2, 3))), np.zeros((2, 2)))


# --- MSE -----------------------------------------------------------------------------------------


def test_mse_value_and_gradient():
    A, Y = np.array([[1.0, 2.0, 4.0]]), np.array([[0.0, 2.0, 1.0]])
    A_t = Tensor(A, requires_grad=True)
    J = losses.mse(A_t, Y)
    assert J.item() == pytest.approx((1 + 0 + 9) / 3)
    J.backward()
    np.testing.assert_allclose(A_t.grad, 2 * (A - Y) / 3)
    assert losses.mse(Tensor(A), Y, reduction="sum").item() == pytest.approx(10.0)


# --- against PyTorch -----------------------------------------------------------------------------


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_losses_match_torch(reduction):
    torch = pytest.importorskip("torch")
    F = torch.nn.functional
    rng = np.random.default_rng(8)
    A, Y = probabilities((6, 1), seed=9)
    Z = rng.standard_normal((6, 1)) * 4
    logits, classes = rng.standard_normal((6, 5)), rng.integers(0, 5, size=6)
    soft = rng.dirichlet(np.ones(5), size=6)
    cases = [
        (bce, A, Y, lambda x, y: F.binary_cross_entropy(x, y, reduction=reduction)),
        (
            bce_logits,
            Z,
            Y,
            lambda x, y: F.binary_cross_entropy_with_logits(x, y, reduction=reduction),
        ),
        (losses.mse, Z, Y, lambda x, y: F.mse_loss(x, y, reduction=reduction)),
        (
            losses.cross_entropy,
            logits,
            classes,
            lambda x, y: F.cross_entropy(x, y, reduction=reduction),
        ),
        (
            losses.cross_entropy,
            logits,
            soft,
            lambda x, y: F.cross_entropy(x, y, reduction=reduction),
        ),
    ]
    for ours, x, y, theirs in cases:
        x_ours = Tensor(x, requires_grad=True)
        J = ours(x_ours, y, reduction=reduction)
        J.backward(np.ones(J.shape))
        x_torch = torch.tensor(x, requires_grad=True)
        J_torch = theirs(x_torch, torch.tensor(y))
        J_torch.backward(torch.ones_like(J_torch))
        name = f"{ours.__name__} ({reduction})"
        np.testing.assert_allclose(J.data, J_torch.detach().numpy(), rtol=1e-10, err_msg=name)
        np.testing.assert_allclose(
            x_ours.grad, x_torch.grad.numpy(), rtol=1e-10, atol=1e-15, err_msg=name
        )


def test_numpy_numbers_are_numbers_for_the_losses_options():
    # delta, beta and label_smoothing from np.arange or a float32 sweep: accepted as Python's
    # numbers are, with the same values, and without changing a float32 loss's dtype.
    A = Tensor(np.array([[0.2, 3.0], [-1.5, 0.0]], dtype=np.float32))
    Y = np.zeros((2, 2))
    for loss, name, value in [
        (losses.huber_loss, "delta", np.float32(0.5)),
        (losses.smooth_l1_loss, "beta", np.int64(2)),
    ]:
        got = loss(A, Y, **{name: value})
        assert got.dtype == np.float32
        assert got.item() == loss(A, Y, **{name: float(value)}).item()
    logits, targets = A, np.array([0, 1])
    got = losses.cross_entropy(logits, targets, label_smoothing=np.float64(0.25))
    assert got.dtype == np.float32
    assert got.item() == losses.cross_entropy(logits, targets, label_smoothing=0.25).item()
    with pytest.raises(ValueError, match=r"label_smoothing in \[0, 1\]"):
        losses.cross_entropy(logits, targets, label_smoothing=np.float32(1.5))
    with pytest.raises(TypeError, match="delta to be a number"):
        losses.huber_loss(A, Y, delta="1")
