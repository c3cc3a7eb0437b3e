"""0 * log 0 = 0 in the losses (issue 10, section 2), the course's L2 term, one_hot, and the
course's gradient-check difference (``testing.gradient_difference``)."""

import math
import warnings

import numpy as np
import pytest

import tinygrad_edu as tg
from tinygrad_edu import losses, nn
from tinygrad_edu.tensor import Tensor
from tinygrad_edu.testing import COURSE_THRESHOLD, gradient_difference

# --- 0 * log 0 = 0 ------------------------------------------------------------------------------


def test_a_perfect_prediction_costs_zero_with_a_finite_gradient():
    """Issue 10 §2: BCE(A=[[1.0, 0.5]], Y=[[1, 1]]) = ln 2 / 2. The gradient of the mean
    -(log A11 + log A12) / 2 is -1 / (2 A): [[-0.5, -1.0]]. (PyTorch's BCE gives 0 for the first
    element: it clamps the denominator of (A - Y) / (A (1 - A)), which is 0 / 0 there; the
    function's one-sided derivative at A = 1 is -1/2.)"""
    A = Tensor([[1.0, 0.5]], requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no warning: nothing is wrong
        J = losses.binary_cross_entropy(A, np.array([[1, 1]]))
        J.backward()
    assert J.item() == pytest.approx(math.log(2) / 2, rel=1e-15)
    assert J.item() == pytest.approx(0.34657359, abs=1e-8)
    np.testing.assert_array_equal(A.grad, [[-0.5, -1.0]])


def test_zero_log_zero_on_both_sides_matches_central_differences():
    """A = 0 with Y = 0 and A = 1 with Y = 1 cost 0; their gradients are the one-sided
    derivatives (-log(1 - A))' = 1 / (1 - A) and (-log A)' = -1 / A, divided by m."""
    A = Tensor([[0.0, 0.25, 1.0]], requires_grad=True)
    Y = np.array([[0, 1, 1]])
    J = losses.binary_cross_entropy(A, Y)
    J.backward()
    assert J.item() == pytest.approx(-math.log(0.25) / 3)
    np.testing.assert_allclose(A.grad, [[1 / 3, -1 / (0.25 * 3), -1 / 3]], rtol=1e-15)
    # one-sided differences into the domain agree
    h = 1e-7
    base = [0.0, 0.25, 1.0]
    for j, direction in ((0, 1), (2, -1)):
        moved = list(base)
        moved[j] += direction * h
        slope = (losses.binary_cross_entropy(Tensor([moved]), Y).item() - J.item()) / (
            direction * h
        )
        assert slope == pytest.approx(A.grad[0, j], rel=1e-5)


def test_a_wrong_prediction_at_zero_or_one_costs_inf_and_warns():
    A = Tensor([[1.0, 0.5]], requires_grad=True)
    with pytest.warns(RuntimeWarning, match="exactly 1 for the opposite label, so the cost is inf"):
        J = losses.binary_cross_entropy(A, np.array([[0, 1]]))
    assert J.item() == math.inf


def test_sum_and_none_reductions_keep_the_convention():
    A = Tensor([[1.0, 0.0, 0.5]])
    Y = np.array([[1, 0, 1]])
    np.testing.assert_allclose(
        losses.binary_cross_entropy(A, Y, reduction="none").data, [[0.0, 0.0, math.log(2)]]
    )
    assert losses.binary_cross_entropy(A, Y, reduction="sum").item() == pytest.approx(math.log(2))


def test_bce_with_logits_at_infinite_logits():
    Z = Tensor([[np.inf, -np.inf, 0.0]], requires_grad=True)
    J = losses.binary_cross_entropy_with_logits(Z, np.array([[1, 0, 1]]))
    J.backward()
    assert J.item() == pytest.approx(math.log(2) / 3)
    np.testing.assert_allclose(Z.grad, [[0.0, 0.0, -0.5 / 3]])


def test_cross_entropy_with_probability_targets_and_a_masked_logit():
    """A logit of -inf (a masked class) with target probability 0 contributes 0, not nan."""
    logits = Tensor([[0.0, -np.inf, 1.0]], requires_grad=True)
    J = losses.cross_entropy(logits, np.array([[0.5, 0.0, 0.5]]))
    J.backward()
    p = np.exp([0.0, 1.0]) / np.exp([0.0, 1.0]).sum()
    assert J.item() == pytest.approx(-(0.5 * np.log(p[0]) + 0.5 * np.log(p[1])))
    np.testing.assert_allclose(logits.grad, [[p[0] - 0.5, 0.0, p[1] - 0.5]], rtol=1e-12)


def test_cross_entropy_with_probability_targets_matches_torch():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(0)
    logits = rng.standard_normal((4, 3))
    targets = np.array([[1.0, 0, 0], [0.2, 0.8, 0], [0, 0, 1], [0.3, 0.3, 0.4]])
    L = Tensor(logits, requires_grad=True)
    J = losses.cross_entropy(L, targets)
    J.backward()
    Lt = torch.tensor(logits, requires_grad=True)
    Jt = torch.nn.functional.cross_entropy(Lt, torch.tensor(targets))
    Jt.backward()
    assert J.item() == pytest.approx(Jt.item(), rel=1e-14)
    np.testing.assert_allclose(L.grad, Lt.grad.numpy(), rtol=1e-12)


# --- the course's L2 term ------------------------------------------------------------------------


def test_l2_regularization_is_the_courses_cost_and_gradient():
    rng = np.random.RandomState(3)
    model = nn.Sequential(nn.Linear(2, 20, rng=rng), nn.ReLU(), nn.Linear(20, 3, rng=rng),
                          nn.ReLU(), nn.Linear(3, 1, rng=rng))  # fmt: skip
    W1, W2, W3 = (model[i].W.data for i in (0, 2, 4))
    m, lambd = 211, 0.7
    course = (1.0 / m * lambd / 2) * (np.sum(np.square(W1)) + np.sum(np.square(W2))
                                      + np.sum(np.square(W3)))  # fmt: skip
    term = losses.l2_regularization(model, lambd, m)
    assert term.item() == course  # bit for bit
    term.backward()
    for i in (0, 2, 4):
        np.testing.assert_allclose(model[i].W.grad, lambd / m * model[i].W.data, rtol=1e-14)
        assert model[i].b.grad is None  # biases are not regularized


def test_l2_regularization_on_chosen_tensors_and_its_checks():
    W = Tensor([[1.0, 2.0]], requires_grad=True)
    assert losses.l2_regularization([W], 1.0, 5).item() == pytest.approx(0.5)
    with pytest.raises(ValueError, match="at least one weight matrix"):
        losses.l2_regularization(nn.Sequential(nn.ReLU()), 0.1, 5)
    with pytest.raises(ValueError, match="lambd >= 0"):
        losses.l2_regularization([W], -1.0, 5)
    with pytest.raises(ValueError, match="m, the number of examples"):
        losses.l2_regularization([W], 1.0, 0)


# --- one_hot -------------------------------------------------------------------------------------


def test_one_hot_matches_torch_and_the_courses_layout():
    torch = pytest.importorskip("torch")
    labels = np.array([2, 0, 1, 2])
    ours = losses.one_hot(labels, 4)
    np.testing.assert_array_equal(
        ours.data, torch.nn.functional.one_hot(torch.tensor(labels), 4).numpy()
    )
    assert ours.dtype == np.float64
    course = losses.one_hot(labels.reshape(1, -1), 3, axis=0)  # convert_to_one_hot(Y, C): (C, m)
    np.testing.assert_array_equal(course.data, np.eye(3)[labels].T)


def test_one_hot_checks_its_labels():
    with pytest.raises(ValueError, match=r"labels in \[0, 2\)"):
        losses.one_hot(np.array([0, 2]), 2)
    with pytest.raises(TypeError, match="integer class labels"):
        losses.one_hot(np.array([0.5, 1.0]), 2)
    assert losses.one_hot(tg.Tensor([1.0, 0.0])).data.tolist() == [[0.0, 1.0], [1.0, 0.0]]


# --- the course's gradient-check difference ------------------------------------------------------


def _course_difference(grad, gradapprox):
    return np.linalg.norm(grad - gradapprox) / (np.linalg.norm(grad) + np.linalg.norm(gradapprox))


def test_gradient_difference_of_the_1d_check_is_the_courses():
    for x in (2.0, 3.0):
        gradapprox = ((4 + 1e-7) * x - (4 - 1e-7) * x) / (2 * 1e-7)
        expected = _course_difference(x, gradapprox)
        assert gradient_difference(lambda theta, x=x: theta * x, [4.0], grads=[x]) == expected
        assert gradient_difference(lambda theta, x=x: theta * x, [4.0]) == expected  # autograd


def test_gradient_difference_flattens_parameters_in_order_and_finds_a_bug():
    rng = np.random.RandomState(0)
    params = {"W1": rng.randn(3, 2), "b1": rng.randn(3, 1)}
    X = rng.randn(2, 4)

    def cost(W1, b1):
        return ((W1 @ X + b1).tanh() ** 2).sum()

    A = np.tanh(params["W1"] @ X + params["b1"])
    dZ = 2 * A * (1 - A**2)
    grads = {"dW1": dZ @ X.T, "db1": dZ.sum(axis=1, keepdims=True)}
    assert gradient_difference(cost, params, grads) < COURSE_THRESHOLD
    assert gradient_difference(cost, params) < COURSE_THRESHOLD
    swapped = {"db1": grads["db1"], "dW1": grads["dW1"]}  # the wrong order cannot pass
    with pytest.raises(ValueError, match="expected the gradient of W1 to have 6 elements"):
        gradient_difference(cost, params, swapped)
    grads["db1"] = grads["db1"] * 4  # the course's kind of bug
    assert gradient_difference(cost, params, grads) > 1e-2


def test_gradient_difference_on_a_module_leaves_it_unchanged():
    np.random.seed(1)
    model = nn.Sequential(nn.Linear(4, 5), nn.ReLU(), nn.Linear(5, 1))
    before = {k: v.copy() for k, v in model.state_dict().items()}
    X, Y = np.random.randn(3, 4), np.array([[1.0], [1.0], [0.0]])
    model[0].W.grad = np.ones((5, 4))  # an earlier gradient is kept

    def cost(*_params):
        return losses.binary_cross_entropy_with_logits(model(X), Y)

    assert gradient_difference(cost, model) < COURSE_THRESHOLD
    for key, value in model.state_dict().items():
        assert np.array_equal(value, before[key])
    assert np.array_equal(model[0].W.grad, np.ones((5, 4)))


def test_gradient_difference_refuses_to_check_nothing():
    W = np.ones((2, 2))
    with pytest.raises(ValueError, match="no gradient reached 1: the cost does not depend on it"):
        gradient_difference(lambda W, unused: (W * W).sum(), [W, np.ones(3)])


def test_cross_entropy_reads_whole_float_labels_as_classes_so_fit_trains_multiclass():
    """``train.fit`` turns labels into a float tensor; (m,) whole numbers are class indices."""
    from tinygrad_edu import optim, train

    logits = Tensor(np.array([[2.0, 0.0, 0.0], [0.0, 0.0, 0.0]]))
    assert losses.cross_entropy(logits, np.array([0.0, 2.0])).item() == pytest.approx(
        losses.cross_entropy(logits, np.array([0, 2])).item(), rel=1e-15
    )
    rng = np.random.default_rng(0)
    centers = rng.normal(0, 3, (3, 2))
    labels = rng.integers(0, 3, 90)
    X = centers[labels] + rng.normal(0, 0.3, (90, 2))
    model = nn.Sequential(nn.Linear(2, 3, rng=rng))
    train.fit(model, losses.cross_entropy, X, labels, num_iterations=200,
              optimizer=optim.Adam(model.parameters(), lr=0.1), print_cost=False,
              progress=False)  # fmt: skip
    predictions = model(X).data.argmax(axis=1)
    assert train.accuracy(predictions, labels) > 0.95
