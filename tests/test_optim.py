"""SGD (``tinygrad_edu.optim``): the course's update, momentum and weight decay against PyTorch,
no graph recorded by an update, and argument checks."""

import numpy as np
import pytest

from tinygrad_edu import losses, nn
from tinygrad_edu.optim import SGD
from tinygrad_edu.tensor import Tensor


def test_step_is_the_courses_update():
    rng = np.random.default_rng(0)
    W = Tensor(rng.standard_normal((3, 2)), requires_grad=True)
    b = Tensor(rng.standard_normal(3), requires_grad=True)
    W0, b0 = W.data.copy(), b.data.copy()
    X = rng.standard_normal((4, 2))
    ((X @ W.T + b) ** 2).sum().backward()
    dW, db = W.grad.copy(), b.grad.copy()
    SGD([W, b], lr=0.0075).step()
    assert np.array_equal(W.data, W0 - 0.0075 * dW)  # W = W - learning_rate * dW, bit for bit
    assert np.array_equal(b.data, b0 - 0.0075 * db)


def test_step_records_no_graph_and_keeps_leaves():
    W = Tensor([1.0, 2.0], requires_grad=True)
    (W * W).sum().backward()
    SGD([W], lr=0.1).step()
    assert W.is_leaf and W.requires_grad and W._parents == ()


def test_a_graph_recorded_before_step_keeps_the_values_it_saw():
    W = Tensor([1.0, 2.0], requires_grad=True)
    opt = SGD([W], lr=0.5)
    (W * W).sum().backward()
    J = (W * W).sum()  # recorded before the update: saves W's current values
    opt.step()
    W.zero_grad()
    J.backward()
    assert W.grad.tolist() == [2.0, 4.0]  # 2 W with the values J saw, not the updated ones
    assert W.data.tolist() == [0.0, 0.0]


def test_parameters_without_a_gradient_are_left_alone():
    used, unused = Tensor([1.0], requires_grad=True), Tensor([5.0], requires_grad=True)
    (used * 2).sum().backward()
    SGD([used, unused], lr=1.0).step()
    assert used.data.tolist() == [-1.0] and unused.data.tolist() == [5.0]


def test_zero_grad_forgets_gradients():
    W = Tensor([1.0], requires_grad=True)
    opt = SGD([W], lr=0.1)
    (W * 2).sum().backward()
    opt.zero_grad()
    assert W.grad is None


def test_float32_parameters_stay_float32():
    layer = nn.Linear(3, 2, dtype=np.float32)
    opt = SGD(layer.parameters(), lr=0.1, momentum=0.9, weight_decay=0.01)
    for _ in range(2):
        opt.zero_grad()
        layer(np.ones((4, 3), dtype=np.float32)).sum().backward()
        opt.step()
    assert layer.W.dtype == layer.b.dtype == np.float32


def test_learning_rate_can_change_between_steps():
    W = Tensor([0.0], requires_grad=True)
    opt = SGD([W], lr=1.0)
    for lr in (1.0, 0.5):
        opt.lr = lr
        opt.zero_grad()
        (W * 1.0).sum().backward()
        opt.step()
    assert W.data.tolist() == [-1.5]


@pytest.mark.parametrize(
    ("momentum", "weight_decay"), [(0.0, 0.0), (0.9, 0.0), (0.0, 0.1), (0.8, 0.05)]
)
def test_sgd_matches_torch(momentum, weight_decay):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(1)
    X = rng.standard_normal((8, 3))
    Y = (rng.random((8, 1)) > 0.5).astype(np.float64)
    model = nn.Sequential(
        nn.Linear(3, 4, rng=rng), nn.Tanh(), nn.Linear(4, 1, rng=rng), nn.Sigmoid()
    )
    twin = torch.nn.Sequential(
        torch.nn.Linear(3, 4), torch.nn.Tanh(), torch.nn.Linear(4, 1), torch.nn.Sigmoid()
    ).double()
    with torch.no_grad():
        for p_torch, p in zip(twin.parameters(), model.parameters(), strict=True):
            p_torch.copy_(torch.tensor(p.data))  # W (n_out, n_in) is torch's Linear.weight
    ours = SGD(model.parameters(), lr=0.3, momentum=momentum, weight_decay=weight_decay)
    theirs = torch.optim.SGD(
        twin.parameters(), lr=0.3, momentum=momentum, weight_decay=weight_decay
    )
    X_torch, Y_torch = torch.tensor(X), torch.tensor(Y)
    for _ in range(5):
        ours.zero_grad()
        losses.binary_cross_entropy(model(X), Y).backward()
        ours.step()
        theirs.zero_grad()
        torch.nn.functional.binary_cross_entropy(twin(X_torch), Y_torch).backward()
        theirs.step()
    for p_torch, p in zip(twin.parameters(), model.parameters(), strict=True):
        np.testing.assert_allclose(p.data, p_torch.detach().numpy(), rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"lr": 0}, ValueError, "lr > 0"),
        ({"lr": -0.1}, ValueError, "lr > 0"),
        ({"lr": float("nan")}, ValueError, "lr > 0"),
        ({"lr": "0.1"}, TypeError, "lr to be a number"),
        ({"lr": 0.1, "momentum": 1.0}, ValueError, r"momentum in \[0, 1\)"),
        ({"lr": 0.1, "momentum": -0.5}, ValueError, r"momentum in \[0, 1\)"),
        ({"lr": 0.1, "weight_decay": -1}, ValueError, "weight_decay >= 0"),
    ],
)
def test_hyperparameters_are_checked(kwargs, error, match):
    with pytest.raises(error, match=match):
        SGD([Tensor([1.0], requires_grad=True)], **kwargs)


def test_parameter_lists_are_checked():
    W = Tensor([1.0], requires_grad=True)
    with pytest.raises(TypeError, match=r"Wrap it in a list: SGD\(\[W\]"):
        SGD(W, lr=0.1)
    with pytest.raises(ValueError, match="at least one parameter"):
        SGD([], lr=0.1)
    with pytest.raises(ValueError, match="does not require grad"):
        SGD([Tensor([1.0])], lr=0.1)
    with pytest.raises(ValueError, match="is not a leaf"):
        SGD([W * 2], lr=0.1)
    with pytest.raises(ValueError, match="twice"):
        SGD([W, W], lr=0.1)
    with pytest.raises(TypeError, match="got ndarray at position 0"):
        SGD([np.ones(2)], lr=0.1)
