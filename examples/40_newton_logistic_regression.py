"""40 - Newton's method on the course's logistic regression: gradients of gradients at work.

Week 2's cat classifier (X (12288, m), w (12288, 1), b; cost J = -1/m sum(Y log A + (1-Y) log(1-A)))
trained by gradient descent takes 2000 iterations at learning rate 0.005 to reach J = 0.1357.
Newton's method uses the curvature too: each step solves H d = -g, where H is the Hessian, the
matrix of second derivatives, which for this cost is X diag(A(1-A)) X^T / m.

H has 12289 x 12289 entries here (1.2 GB, and 12289 backward passes to fill), so it is never
formed. What Newton's method needs is only products H v: with ``create_graph=True`` the gradient g
is itself a tensor with a graph, and one more backward pass through ``sum(g * v)`` gives H v (a
Hessian-vector product, the cost of about one gradient). Conjugate gradient solves H d = -g from
such products alone (a "Newton-CG" or truncated Newton method). H is singular here (its rank is at
most m + 1 = 210), and conjugate gradient started at 0 stays in its range, which is what we want.

The same Hessian explains the course's learning rate: gradient descent is stable only for
learning rates below 2 / lambda_max, where lambda_max is H's largest eigenvalue (found here by
power iteration with Hessian-vector products). At w = 0 it is about 554, so 2 / lambda_max = 0.0036:
the course's 0.005 is above it, and its cost indeed goes up and zigzags for the first iterations
(0.693, 0.741, 0.753, 0.867, ...), which the course's printout every 100 iterations hides.

Finally it draws the graph of a gradient: after ``J.backward(create_graph=True)``, ``w.grad`` is a
tensor whose graph ``viz.to_dot`` shows like any other.

Run it (needs the course's train_catvnoncat.h5 and test_catvnoncat.h5):

    TINYGRAD_EDU_DATA=path/to/datasets python examples/40_newton_logistic_regression.py

What to look for: one Newton step (20 Hessian-vector products) gets below gradient descent's
2000-iteration cost, and each further step divides the cost by about 2.7; the data are separable,
so the cost keeps falling towards 0 while the test accuracy does not improve (overfitting, which
regularization in course 2 addresses); lambda_max and the largest stable learning rate; the DOT
text of a gradient's graph.
"""

from __future__ import annotations

import time

import numpy as np

import tinygrad_edu as tg
from tinygrad_edu import data, losses, viz

DATA_DIR = None  # None: the TINYGRAD_EDU_DATA environment variable
NEWTON_STEPS = 4
CG_ITERATIONS = 20  # Hessian-vector products per Newton step (at most)
GD_ITERATIONS = 2000  # the course's gradient descent, for comparison
LEARNING_RATE = 0.005
POWER_ITERATIONS = 30


def cost(theta: tg.Tensor, X: np.ndarray, Y: np.ndarray) -> tg.Tensor:
    """The course's cost, with w and b packed in one vector theta = (w_1, ..., w_n, b)."""
    n_x = X.shape[0]
    w, b = theta[:n_x].reshape(n_x, 1), theta[n_x]  # (n_x, 1), a number
    A = (w.T @ X + b).sigmoid()  # (1, m)
    return losses.binary_cross_entropy(A, Y)


def accuracy(theta: np.ndarray, X: np.ndarray, Y: np.ndarray) -> float:
    n_x = X.shape[0]
    Z = theta[:n_x] @ X + theta[n_x]  # (m,)
    return float(np.mean((Z > 0) == (Y[0] == 1)) * 100)  # A > 0.5 exactly when Z > 0


def gradient_and_hvp(theta: np.ndarray, X: np.ndarray, Y: np.ndarray):
    """J, g = dJ/dtheta, and a function v -> H v that reuses g's graph (one backward pass each)."""
    t = tg.Tensor(theta, requires_grad=True, name="theta")
    J = cost(t, X, Y)
    (g,) = tg.grad(J, t, create_graph=True)  # g is a tensor with a graph of its own

    def hvp(v: np.ndarray) -> np.ndarray:
        (Hv,) = tg.grad((g * v).sum(), t, retain_graph=True)  # d/dtheta (g . v) = H v
        return Hv.data

    return J.item(), g.data, hvp


def conjugate_gradient(hvp, g: np.ndarray, iterations: int, tol: float = 1e-10):
    """Solve H d = -g using only products H v; returns (d, products used)."""
    d = np.zeros_like(g)
    r = -g.copy()  # the residual -g - H d
    p = r.copy()
    rr = r @ r
    for k in range(iterations):
        Hp = hvp(p)
        alpha = rr / (p @ Hp)
        d += alpha * p
        r -= alpha * Hp
        rr_next = r @ r
        if np.sqrt(rr_next) <= tol * np.linalg.norm(g):
            return d, k + 1
        p = r + (rr_next / rr) * p
        rr = rr_next
    return d, iterations


def newton(X, Y, steps: int, cg_iterations: int) -> list[dict]:
    """Newton-CG from theta = 0, with a backtracking line search (never needed here: each full
    step lowers the cost). Returns one record per step: cost before, products used, step size."""
    theta = np.zeros(X.shape[0] + 1)
    records = []
    for _ in range(steps):
        J, g, hvp = gradient_and_hvp(theta, X, Y)
        d, products = conjugate_gradient(hvp, g, cg_iterations)
        step = 1.0
        with tg.no_grad():
            while cost(tg.Tensor(theta + step * d), X, Y).item() > J + 1e-4 * step * (g @ d):
                step /= 2
        theta = theta + step * d
        records.append({"cost": J, "products": products, "step": step, "theta": theta})
    with tg.no_grad():
        final = cost(tg.Tensor(theta), X, Y).item()
    records.append({"cost": final, "products": 0, "step": None, "theta": theta})
    return records


def gradient_descent(X, Y, num_iterations: int, learning_rate: float) -> list[float]:
    """The course's gradient descent from w = 0, b = 0; the cost at every iteration."""
    theta = tg.Tensor(np.zeros(X.shape[0] + 1), requires_grad=True, name="theta")
    costs = []
    for _ in range(num_iterations):
        J = cost(theta, X, Y)
        J.backward()
        costs.append(J.item())
        with tg.no_grad():
            theta -= learning_rate * theta.grad
        theta.grad = None
    with tg.no_grad():
        costs.append(cost(theta, X, Y).item())  # after the last update
    return costs


def largest_curvature(X, Y, theta: np.ndarray, iterations: int = POWER_ITERATIONS) -> float:
    """lambda_max of the Hessian at theta, by power iteration with Hessian-vector products."""
    _, _, hvp = gradient_and_hvp(theta, X, Y)
    v = np.random.RandomState(0).randn(theta.size)
    v /= np.linalg.norm(v)
    lam = 0.0
    for _ in range(iterations):
        Hv = hvp(v)
        lam = float(v @ Hv)
        v = Hv / np.linalg.norm(Hv)
    return lam


def gradient_graph() -> str:
    """The DOT text of the graph of a gradient: one example, J = -log(sigmoid(w x))."""
    w = tg.Tensor(0.5, requires_grad=True, name="w")
    x = 2.0
    J = -(w * x).sigmoid().log()
    J.backward(create_graph=True)  # w.grad is a tensor: dJ/dw = -(1 - sigmoid(w x)) x
    print(f"dJ/dw = {w.grad.item():.4f} = -(1 - sigmoid(w x)) x; w.grad has a graph: "
          f"{w.grad.requires_grad}")  # fmt: skip
    (d2,) = tg.grad(w.grad, w)  # the second derivative, through that graph
    print(f"d2J/dw2 = {d2.item():.4f} = sigmoid(w x) (1 - sigmoid(w x)) x**2")
    return viz.to_dot(w.grad, names={"w": w}, show_grads=False).source


def main(
    newton_steps: int = NEWTON_STEPS,
    cg_iterations: int = CG_ITERATIONS,
    gd_iterations: int = GD_ITERATIONS,
    learning_rate: float = LEARNING_RATE,
    data_dir=DATA_DIR,
    dot_path=None,
) -> dict | None:
    try:
        train_x, train_y, test_x, test_y, _ = data.load_catvnoncat(data_dir)  # X (12288, m)
    except (FileNotFoundError, ImportError) as err:
        print(err)
        return None

    start = time.process_time()  # CPU time: wall time on a shared machine says little
    gd_costs = gradient_descent(train_x, train_y, gd_iterations, learning_rate)
    gd_seconds = time.process_time() - start
    target = gd_costs[-1]
    print(f"Gradient descent, {gd_iterations} iterations at learning rate {learning_rate}: "
          f"cost {target:.6f} ({gd_seconds:.1f} s of CPU)")  # fmt: skip

    start = time.process_time()
    records = newton(train_x, train_y, newton_steps, cg_iterations)
    newton_seconds = time.process_time() - start
    for k in range(newton_steps):
        before, after = records[k], records[k + 1]
        print(f"Newton step {k + 1}: cost {before['cost']:.6f} -> {after['cost']:.6f} "
              f"({before['products']} Hessian-vector products); accuracy train "
              f"{accuracy(after['theta'], train_x, train_y):.1f} %, test "
              f"{accuracy(after['theta'], test_x, test_y):.1f} %")  # fmt: skip
    reached = next((k for k, r in enumerate(records) if r["cost"] <= target), None)
    if reached is not None:
        print(f"Newton's method is below gradient descent's {gd_iterations}-iteration cost "
              f"after {reached} step(s) ({newton_seconds:.1f} s of CPU for all "
              f"{newton_steps}).")  # fmt: skip

    lam = largest_curvature(train_x, train_y, np.zeros(train_x.shape[0] + 1))
    print(f"Largest curvature at w = 0: lambda_max = {lam:.1f}; gradient descent is stable for "
          f"learning rates below 2 / lambda_max = {2 / lam:.4f} "
          f"(the course uses {learning_rate}).")  # fmt: skip
    dot = gradient_graph()
    if dot_path is not None:
        with open(dot_path, "w") as f:
            f.write(dot)
        print(f"The graph of dJ/dw is in {dot_path} (render it with: dot -Tsvg {dot_path})")
    return {
        "gd_costs": gd_costs,
        "newton_costs": [r["cost"] for r in records],
        "newton_products": [r["products"] for r in records[:-1]],
        "reached_after": reached,
        "lambda_max": lam,
        "dot": dot,
    }


if __name__ == "__main__":
    main(dot_path="gradient_graph.dot")
