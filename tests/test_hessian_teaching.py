"""Gradients of gradients, taught (issue 14): the logistic-regression cost's Hessian against its
closed form, Newton's method on the cat data (examples/40), the graph of a gradient, and the error
for a second derivative through a graph made without create_graph.

The closed form, in the course's layout (X (n_x, m), w (n_x, 1), b a number, A = sigmoid(w^T X + b),
J = -1/m sum(Y log A + (1 - Y) log(1 - A))): with theta = (w, b) and X1 = X with a row of ones
appended (n_x + 1, m),

    dJ/dtheta = X1 (A - Y)^T / m,        H = d2J/dtheta2 = X1 diag(A (1 - A)) X1^T / m.

It is written here in numpy from that formula (never from the engine).
"""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import numpy as np
import pytest

import tinygrad_edu as tg
from tinygrad_edu import losses
from tinygrad_edu.data import DATA_ENV_VAR

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "40_newton_logistic_regression.py"


def course_cost(theta: tg.Tensor, X: np.ndarray, Y: np.ndarray) -> tg.Tensor:
    """The course's cost with theta = (w_1, ..., w_n, b), in the course's layout."""
    n_x = X.shape[0]
    w, b = theta[:n_x].reshape(n_x, 1), theta[n_x]
    A = (w.T @ X + b).sigmoid()  # (1, m)
    return losses.binary_cross_entropy(A, Y)


def course_cost_numpy_style(theta, X, Y):
    """The same cost in the course's own numpy code (np.dot, np.exp, np.log, np.sum), on tensors."""
    n_x, m = X.shape
    w, b = theta[:n_x].reshape(n_x, 1), theta[n_x]
    A = 1 / (1 + np.exp(-(np.dot(w.T, X) + b)))
    return (-1 / m) * np.sum(Y * np.log(A) + (1 - Y) * np.log(1 - A))


def closed_form(theta: np.ndarray, X: np.ndarray):
    """(A, X1, H) from the formula above."""
    n_x, m = X.shape
    X1 = np.vstack([X, np.ones((1, m))])  # (n_x + 1, m)
    A = 1 / (1 + np.exp(-(theta @ X1)))  # (m,)
    H = (X1 * (A * (1 - A))) @ X1.T / m  # X1 diag(A(1-A)) X1^T / m
    return A, X1, H


def small_problem(n_x=4, m=9, seed=0):
    rng = np.random.RandomState(seed)
    X = rng.randn(n_x, m)
    Y = (rng.rand(1, m) > 0.5).astype(np.float64)
    theta = rng.randn(n_x + 1) * 0.5
    return X, Y, theta


@pytest.mark.parametrize("cost", [course_cost, course_cost_numpy_style], ids=["methods", "numpy"])
@pytest.mark.parametrize("at_zero", [True, False], ids=["w=0", "random w"])
def test_logistic_hessian_equals_the_closed_form(cost, at_zero):
    X, Y, theta = small_problem()
    if at_zero:
        theta = np.zeros_like(theta)  # the course's starting point: A = 1/2, H = X1 X1^T / (4m)
    H = tg.hessian(lambda t: cost(t, X, Y), theta)
    _, _, expected = closed_form(theta, X)
    np.testing.assert_allclose(H, expected, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(H, H.T, rtol=0, atol=1e-15)  # a Hessian is symmetric


def test_logistic_hessian_does_not_depend_on_the_labels():
    """d2J/dtheta2 involves A only: Y enters the cost linearly."""
    X, Y, theta = small_problem()
    H1 = tg.hessian(lambda t: course_cost(t, X, Y), theta)
    H0 = tg.hessian(lambda t: course_cost(t, X, 1 - Y), theta)
    np.testing.assert_allclose(H1, H0, rtol=1e-12, atol=1e-15)


def test_logistic_gradient_of_the_gradient_by_grad():
    """The same with tg.grad twice: each row of H is the gradient of one gradient entry."""
    X, Y, theta = small_problem(n_x=2, m=5, seed=3)
    t = tg.Tensor(theta, requires_grad=True)
    (g,) = tg.grad(course_cost(t, X, Y), t, create_graph=True)
    A, X1, H = closed_form(theta, X)
    np.testing.assert_allclose(g.data, X1 @ (A - Y[0]) / X.shape[1], rtol=1e-12)
    for i in range(theta.size):
        (row,) = tg.grad(g[i], t, retain_graph=True)
        np.testing.assert_allclose(row.data, H[i], rtol=1e-12, atol=1e-15)


@pytest.fixture(scope="module")
def cat():
    if not os.environ.get(DATA_ENV_VAR):
        pytest.skip(f"set {DATA_ENV_VAR}=DIR (the folder holding the course's cat files)")
    pytest.importorskip("h5py")
    from tinygrad_edu.data import load_catvnoncat

    return load_catvnoncat()


@pytest.mark.parametrize("scale", [0.0, 1e-3], ids=["w=0", "small random w"])
def test_logistic_hessian_vector_product_on_the_cat_data(cat, scale):
    """12289 parameters: H (1.2 GB) is never formed, yet H v is exact."""
    X, Y = cat.train_x, cat.train_y
    rng = np.random.RandomState(1)
    theta = rng.randn(X.shape[0] + 1) * scale
    m = X.shape[1]
    X1 = np.vstack([X, np.ones((1, m))])
    A = 1 / (1 + np.exp(-(theta @ X1)))
    for seed in (2, 3):
        v = np.random.RandomState(seed).randn(theta.size)
        Hv = tg.hessian_vector_product(lambda t: course_cost(t, X, Y), theta, v)
        expected = X1 @ (A * (1 - A) * (X1.T @ v)) / m  # X1 diag(A(1-A)) X1^T v / m
        np.testing.assert_allclose(Hv, expected, rtol=1e-10, atol=1e-12)


# -------------------------------------------------------------------------------------------------
# The error for a second derivative through a graph made without create_graph
# -------------------------------------------------------------------------------------------------


def test_second_derivative_of_a_first_order_grad_says_pass_create_graph():
    x = tg.Tensor(2.0, requires_grad=True)
    (g,) = tg.grad(x**3, x)  # no create_graph: g is a plain number tensor
    with pytest.raises(RuntimeError) as err:
        tg.grad(g, x)
    message = str(err.value)
    assert "computed without create_graph=True" in message
    assert "pass create_graph=True to the first grad() or backward() call" in message


def test_second_derivative_of_an_expression_of_a_first_order_grad_says_create_graph_too():
    x = tg.Tensor(2.0, requires_grad=True)
    (g,) = tg.grad(x**3, x)
    with pytest.raises(RuntimeError, match="pass create_graph=True to the grad"):
        tg.grad((g * g).sum(), x)


def test_second_derivative_of_dot_grad_after_a_plain_backward_says_create_graph():
    x = tg.Tensor([1.0, 2.0], requires_grad=True)
    (x**3).sum().backward()  # x.grad is a numpy array
    with pytest.raises(TypeError, match="pass create_graph=True to that backward"):
        tg.grad(x.grad.sum(), x)
    with pytest.raises(TypeError, match="numpy array, with no graph"):
        tg.grad(x.grad, x)


def test_second_derivative_after_backward_with_create_graph():
    x = tg.Tensor([1.0, 2.0], requires_grad=True)
    (x**3).sum().backward(create_graph=True)
    assert isinstance(x.grad, tg.Tensor) and x.grad.requires_grad
    (h,) = tg.grad(x.grad.sum(), x)
    np.testing.assert_array_equal(h.data, [6.0, 12.0])  # 6x


# -------------------------------------------------------------------------------------------------
# The graph of a gradient
# -------------------------------------------------------------------------------------------------


def test_the_graph_of_a_gradient_is_drawn_like_any_other():
    pytest.importorskip("graphviz")
    from tinygrad_edu import viz

    w = tg.Tensor(0.5, requires_grad=True, name="w")
    J = -(w * 2.0).sigmoid().log()
    J.backward(create_graph=True)
    s = 1 / (1 + np.exp(-1.0))
    assert w.grad.item() == pytest.approx(-(1 - s) * 2.0, rel=1e-15)
    dot = viz.to_dot(w.grad, names={"w": w}, show_grads=False).source
    assert "w = 0.5" in dot and "sigmoid = 0.7311" in dot  # the forward values it reuses
    assert f"= {-(1 - s) * 2.0:.4g}" in dot  # the gradient itself is the last node
    assert dot.count("->") >= 6
    # with the gradients shown: w's own .grad is that tensor, drawn by its value
    assert "dw = -0.5379" in viz.to_dot(w.grad, names={"w": w}).source


# -------------------------------------------------------------------------------------------------
# examples/40: Newton's method on the cat data
# -------------------------------------------------------------------------------------------------


def _example():
    spec = importlib.util.spec_from_file_location(EXAMPLE.stem, EXAMPLE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_example_40_says_how_to_run_it_and_what_to_look_for():
    module = _example()
    assert f"python examples/{EXAMPLE.name}" in module.__doc__
    assert "What to look for" in module.__doc__ and callable(module.main)


def test_example_40_conjugate_gradient_solves_with_products_only():
    module = _example()
    rng = np.random.RandomState(0)
    M = rng.randn(6, 6)
    H = M @ M.T + np.eye(6)  # symmetric positive definite
    g = rng.randn(6)
    d, used = module.conjugate_gradient(lambda v: H @ v, g, iterations=20)
    np.testing.assert_allclose(H @ d, -g, rtol=1e-9, atol=1e-12)
    assert used <= 7  # n iterations in exact arithmetic


GD_COST_AFTER_1999 = 0.135659  # the course's gradient descent: the oracle's cost at iteration 1999


def test_example_40_newton_beats_2000_gradient_descent_iterations_in_one_step(cat, tmp_path):
    import course_reference as ref

    module = _example()
    out = module.main(
        newton_steps=2, cg_iterations=20, gd_iterations=3, dot_path=tmp_path / "g.dot"
    )
    # its gradient descent is the course's (the oracle's first costs, which zigzag: lr 0.005 is
    # above 2 / lambda_max)
    oracle = ref.logistic_regression(cat.train_x, cat.train_y, None, None, num_iterations=3,
                                     print_every=1)["costs"]  # fmt: skip
    np.testing.assert_allclose(out["gd_costs"][:3], [oracle[i] for i in range(3)], rtol=1e-12)
    assert out["gd_costs"][1] > out["gd_costs"][0]  # the cost goes up first
    newton = out["newton_costs"]
    assert newton[0] == pytest.approx(np.log(2), rel=1e-15)
    assert newton[1] < GD_COST_AFTER_1999 < newton[0]  # one Newton step: below GD's 2000
    assert newton[2] < newton[1] / 2
    assert out["newton_products"] == [20, 20]
    assert (tmp_path / "g.dot").read_text() == out["dot"]


def test_example_40_lambda_max_is_the_hessians_largest_eigenvalue(cat):
    """At w = 0, A = 1/2: H = X1 X1^T / (4m), whose nonzero eigenvalues are those of the small
    (m, m) matrix X1^T X1 / (4m)."""
    module = _example()
    X = cat.train_x
    m = X.shape[1]
    X1 = np.vstack([X, np.ones((1, m))])
    expected = np.linalg.eigvalsh(X1.T @ X1 / (4 * m))[-1]
    lam = module.largest_curvature(X, cat.train_y, np.zeros(X.shape[0] + 1))
    assert lam == pytest.approx(expected, rel=1e-6)
    assert 2 / lam < 0.005  # the course's learning rate is above the stable limit at the start
