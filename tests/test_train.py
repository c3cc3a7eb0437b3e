"""The training loop (``tinygrad_edu.train``): fit against a numpy gradient descent written here,
the course's printout, progress display, input validation, predict and accuracy."""

import io
import re

import numpy as np
import pytest

from tinygrad_edu import losses, nn
from tinygrad_edu.optim import SGD
from tinygrad_edu.tensor import Tensor
from tinygrad_edu.train import History, accuracy, fit, predict


def sigmoid(Z):
    return 1 / (1 + np.exp(-Z))


def toy_data(m=30, n_x=3, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((m, n_x))  # batch-first
    Y = X @ np.array([1.0, -2.0, 0.5])[:n_x] + 0.3 * rng.standard_normal(m) > 0
    return X, Y.astype(np.float64).reshape(m, 1)


def logistic_model(n_x=3):
    return nn.Sequential(nn.Linear(n_x, 1, init="zeros"), nn.Sigmoid())


def numpy_logistic_regression(X, Y, lr, num_iterations, print_every):
    """The course's week 2 loop, in its layout: costs before each update, every print_every and
    at the last iteration."""
    X, Y = X.T, Y.T  # (n_x, m), (1, m)
    m = X.shape[1]
    w, b, costs = np.zeros((X.shape[0], 1)), 0.0, {}
    for i in range(num_iterations):
        A = sigmoid(w.T @ X + b)
        cost = -np.sum(Y * np.log(A) + (1 - Y) * np.log(1 - A)) / m
        if i % print_every == 0 or i == num_iterations - 1:
            costs[i] = cost
        dw, db = X @ (A - Y).T / m, np.sum(A - Y) / m
        w, b = w - lr * dw, b - lr * db
    return w, b, costs


def test_fit_is_gradient_descent_with_the_courses_cost_history():
    X, Y = toy_data()
    model = logistic_model()
    history = fit(
        model, losses.binary_cross_entropy, X, Y, lr=0.1, num_iterations=250, print_every=50
    )
    w, b, costs = numpy_logistic_regression(X, Y, 0.1, 250, 50)
    assert list(history.costs) == [0, 50, 100, 150, 200, 249]
    for i, cost in costs.items():
        assert history.costs[i] == pytest.approx(cost, rel=1e-12), f"iteration {i}"
    assert len(history.all_costs) == 250 and history.all_costs[50] == history.costs[50]
    assert history.final_cost == history.costs[249] and not history.stopped_early
    np.testing.assert_allclose(model[0].W.data, w.T, rtol=1e-10)
    np.testing.assert_allclose(model[0].b.data, [b], rtol=1e-10)
    assert history.costs[0] == pytest.approx(np.log(2))  # w = b = 0: A = 0.5 everywhere


def test_fit_prints_the_courses_lines(capsys):
    X, Y = toy_data()
    history = fit(
        logistic_model(),
        losses.binary_cross_entropy,
        X,
        Y,
        lr=0.1,
        num_iterations=201,
        print_cost=True,
    )
    lines = capsys.readouterr().out.splitlines()
    assert lines == [f"Cost after iteration {i}: {history.costs[i]:f}" for i in (0, 100, 200)]
    assert lines[0] == "Cost after iteration 0: 0.693147"


def test_fit_is_quiet_by_default_off_a_terminal(capsys):
    X, Y = toy_data()
    fit(logistic_model(), losses.binary_cross_entropy, X, Y, lr=0.1, num_iterations=20)
    assert capsys.readouterr().out == ""


def test_fit_with_an_optimizer_and_a_plain_function_in_the_course_layout():
    X, Y = toy_data()
    w = Tensor(np.zeros((3, 1)), requires_grad=True)
    b = Tensor(0.0, requires_grad=True)

    def model(X):  # the course's layout: X (n_x, m), Z = w.T @ X + b, A (1, m)
        return (w.T @ X + b).sigmoid()

    history = fit(
        model,
        losses.binary_cross_entropy,
        X.T,
        Y.T,
        optimizer=SGD([w, b], lr=0.1),
        num_iterations=250,
        print_every=50,
        axis=-1,
    )
    w_np, b_np, costs = numpy_logistic_regression(X, Y, 0.1, 250, 50)
    assert history.costs == pytest.approx(costs, rel=1e-12)
    np.testing.assert_allclose(w.data, w_np, rtol=1e-10)


def test_fit_with_momentum_differs_from_plain_descent():
    X, Y = toy_data()
    plain = fit(logistic_model(), losses.binary_cross_entropy, X, Y, lr=0.1, num_iterations=30)
    model = logistic_model()
    moving = fit(
        model,
        losses.binary_cross_entropy,
        X,
        Y,
        num_iterations=30,
        optimizer=SGD(model.parameters(), lr=0.1, momentum=0.9),
    )
    assert moving.final_cost < plain.final_cost


def test_fit_accepts_tensors_and_float32():
    X, Y = toy_data()
    model = nn.Sequential(nn.Linear(3, 1, init="zeros", dtype=np.float32), nn.Sigmoid())
    history = fit(
        model,
        losses.binary_cross_entropy,
        Tensor(X.astype(np.float32)),
        Y,
        lr=0.1,
        num_iterations=3,
    )
    assert model[0].W.dtype == np.float32 and len(history.all_costs) == 3


# --- progress display ----------------------------------------------------------------------------


class FakeTerminal(io.StringIO):
    def isatty(self):
        return True


def test_progress_line_updates_in_place_on_a_terminal():
    X, Y = toy_data()
    out = FakeTerminal()
    fit(
        logistic_model(),
        losses.binary_cross_entropy,
        X,
        Y,
        lr=0.1,
        num_iterations=300,
        print_every=100,
        print_cost=True,
        file=out,
    )
    text = out.getvalue()
    assert "\r\x1b[K[" in text and "iteration 300/300 (100%)" in text and "it/s" in text
    assert text.endswith("\r\x1b[K")  # the progress line is erased at the end
    permanent = [re.sub(r".*\x1b\[K", "", line) for line in text.split("\n")]
    assert "Cost after iteration 0: 0.693147" in permanent
    assert sum(line.startswith("Cost after iteration") for line in permanent) == 4  # 0..200, 299


def test_progress_off_a_terminal_prints_plain_lines_when_asked():
    X, Y = toy_data()
    out = io.StringIO()
    fit(
        logistic_model(),
        losses.binary_cross_entropy,
        X,
        Y,
        lr=0.1,
        num_iterations=100,
        progress=True,
        file=out,
    )
    lines = out.getvalue().splitlines()
    assert len(lines) == 10 and "\r" not in out.getvalue()
    assert lines[0].startswith("iteration 10/100 (10%)  cost ")
    assert lines[-1].startswith("iteration 100/100 (100%)")


def test_progress_can_be_turned_off_on_a_terminal():
    X, Y = toy_data()
    out = FakeTerminal()
    fit(
        logistic_model(),
        losses.binary_cross_entropy,
        X,
        Y,
        lr=0.1,
        num_iterations=50,
        progress=False,
        file=out,
    )
    assert out.getvalue() == ""


# --- stopping ------------------------------------------------------------------------------------


def test_callback_sees_every_iteration_and_can_stop():
    X, Y = toy_data()
    seen = []

    def callback(i, cost):
        seen.append((i, cost))
        return i == 3

    history = fit(
        logistic_model(),
        losses.binary_cross_entropy,
        X,
        Y,
        lr=0.1,
        num_iterations=100,
        callback=callback,
    )
    assert [i for i, _ in seen] == [0, 1, 2, 3]
    assert [c for _, c in seen] == history.all_costs and history.stopped_early


@pytest.mark.filterwarnings("ignore:overflow encountered")  # numpy's, on the way to inf
def test_a_diverging_run_stops_with_a_warning_that_names_the_learning_rate():
    X, Y = toy_data()
    model = nn.Sequential(nn.Linear(3, 1), nn.Identity())
    with pytest.warns(RuntimeWarning, match="learning rate that is too large"):
        history = fit(model, losses.mse, X * 1e3, Y, lr=10.0, num_iterations=500)
    assert history.stopped_early and not np.isfinite(history.final_cost)
    assert len(history.all_costs) < 500


# --- validation (issue 6 item 7) -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "match"),
    [
        (
            lambda X, Y: (np.where(np.arange(X.size).reshape(X.shape) == 4, np.nan, X), Y),
            r"expected finite values in X, got 1 NaN and 0 Inf",
        ),
        (
            lambda X, Y: (X, np.where(np.arange(Y.size).reshape(Y.shape) == 0, np.inf, Y)),
            r"expected finite values in Y, got 0 NaN and 1 Inf",
        ),
        (
            lambda X, Y: (X, Y * 2),
            r"expected labels 0 or 1 in Y, got \d+ other value\(s\): \[2.0\]",
        ),
        (
            lambda X, Y: (X[:-1], Y),
            r"expected as many examples in Y as in X along axis 0, got 30 and 29",
        ),
        (lambda X, Y: (X[:0], Y[:0]), r"expected at least one example in X"),
    ],
)
def test_fit_rejects_bad_data_before_training(change, match):
    X, Y = change(*toy_data())
    model = logistic_model()
    with pytest.raises(ValueError, match=match):
        fit(model, losses.binary_cross_entropy, X, Y, lr=0.1, num_iterations=5)
    assert not model[0].W.data.any()  # nothing was trained


def test_labels_outside_0_1_are_fine_for_a_non_binary_loss():
    X, Y = toy_data()
    model = nn.Sequential(nn.Linear(3, 1), nn.Identity())
    fit(model, losses.mse, X, 3 * Y + 1, lr=0.01, num_iterations=3)
    with pytest.raises(ValueError, match="labels 0 or 1"):
        fit(model, losses.mse, X, 3 * Y + 1, lr=0.01, num_iterations=3, binary=True)


def test_the_course_layout_needs_axis_minus_1():
    X, Y = toy_data()
    with pytest.raises(ValueError, match="axis=0"):
        fit(logistic_model(), losses.binary_cross_entropy, X.T, Y.T, lr=0.1, num_iterations=3)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({}, ValueError, "exactly one of lr and optimizer, got neither"),
        ({"lr": 0.1, "optimizer": "sgd"}, ValueError, "exactly one of lr and optimizer, got both"),
        ({"lr": 0.1, "num_iterations": 0}, ValueError, "num_iterations to be a positive int"),
        ({"lr": 0.1, "print_every": 2.5}, ValueError, "print_every to be a positive int"),
    ],
)
def test_fit_arguments_are_checked(kwargs, error, match):
    X, Y = toy_data()
    with pytest.raises(error, match=match):
        fit(logistic_model(), losses.binary_cross_entropy, X, Y, **kwargs)


def test_a_plain_function_needs_an_optimizer():
    X, Y = toy_data()
    with pytest.raises(TypeError, match="expected a Module when lr is given"):
        fit(lambda X: X, losses.mse, X, Y, lr=0.1)


# --- predict and accuracy ------------------------------------------------------------------------


def test_predict_thresholds_at_one_half_without_recording_a_graph():
    layer = nn.Linear(1, 1, init="zeros")
    layer.W.data = np.array([[1.0]])
    model = nn.Sequential(layer, nn.Sigmoid())
    X = np.array([[-2.0], [0.0], [2.0]])
    assert predict(model, X).tolist() == [[0.0], [0.0], [1.0]]  # A > 0.5, strictly
    assert predict(model, X, threshold=0.2).tolist() == [[0.0], [1.0], [1.0]]
    assert layer.W.grad is None and model.training  # training mode restored


def test_predict_switches_to_eval_mode_while_predicting():
    modes = []

    class Spy(nn.Module):
        def forward(self, X):
            modes.append(self.training)
            return X

    spy = Spy()
    predict(spy, np.zeros((2, 1)))
    assert modes == [False] and spy.training


def test_accuracy_is_a_fraction():
    assert accuracy(np.array([[1, 0, 1, 0]]), np.array([[1, 1, 1, 0]])) == 0.75
    assert accuracy(Tensor([[1.0]]), np.array([[1]])) == 1.0


def test_accuracy_shape_errors_hint_at_rank_1_and_transposes():
    with pytest.raises(ValueError, match=r"got \(1, 4\) and \(4,\)\. They hold as many values"):
        accuracy(np.zeros((1, 4)), np.zeros(4))
    with pytest.raises(ValueError, match=r"got \(1, 4\) and \(1, 3\)\.$"):
        accuracy(np.zeros((1, 4)), np.zeros((1, 3)))
    with pytest.raises(ValueError, match="at least one prediction"):
        accuracy(np.zeros((1, 0)), np.zeros((1, 0)))


def test_history_defaults():
    history = History()
    assert history.costs == {} and history.all_costs == [] and not history.stopped_early
