"""The training loop (``tinygrad_edu.train``): fit against a numpy gradient descent written here,
the course's printout, progress display, input validation, predict and accuracy."""

import gc
import io
import os
import re
import signal
import sys
import time

import numpy as np
import pytest

from tinygrad_edu import losses, nn, train
from tinygrad_edu.engine import is_grad_enabled
from tinygrad_edu.optim import SGD
from tinygrad_edu.tensor import Tensor
from tinygrad_edu.train import History, TrainingInterrupted, accuracy, fit, predict


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


# --- issue 11: Ctrl-C, labels the loss accepts, multi-class, mini-batches -------------------------


def three_layer_model(seed=0):
    rng = np.random.RandomState(seed)
    return nn.Sequential(
        nn.Linear(3, 8, init="course_small", rng=rng), nn.Tanh(),
        nn.Linear(8, 8, init="course_small", rng=rng), nn.Tanh(),
        nn.Linear(8, 1, init="course_small", rng=rng), nn.Sigmoid(),
    )  # fmt: skip


class LayerByLayerSGD:
    """Plain gradient descent (with momentum), updating one parameter after another and calling
    ``during(step, k)`` after the k-th: where a Ctrl-C could tear a step."""

    def __init__(self, params, lr=0.5, momentum=0.9, during=None):
        self.params, self.lr, self.momentum, self.during = list(params), lr, momentum, during
        self.velocity = [np.zeros_like(p.data) for p in self.params]
        self.steps = 0

    def zero_grad(self):
        for p in self.params:
            p.grad = None

    def step(self):
        for k, (p, v) in enumerate(zip(self.params, self.velocity, strict=True)):
            v *= self.momentum
            if self.during is not None:
                self.during(self.steps, k)  # between the two halves of the velocity update too
            v += p.grad
            p.data = p.data - self.lr * v
            if self.during is not None:
                self.during(self.steps, k)
        self.steps += 1


def reference_trajectory(X, Y, steps):
    """Parameters and velocities after each number of completed steps, and the costs."""
    model = three_layer_model()
    opt = LayerByLayerSGD(model.parameters())
    snapshots = [([p.data.copy() for p in opt.params], [v.copy() for v in opt.velocity])]
    costs = []
    for _ in range(steps):
        J = losses.binary_cross_entropy(model(Tensor(X)), Tensor(Y))
        costs.append(J.item())
        opt.zero_grad()
        J.backward()
        opt.step()
        snapshots.append(([p.data.copy() for p in opt.params], [v.copy() for v in opt.velocity]))
    return snapshots, costs


def assert_state_is_step(opt, snapshots, steps, label):
    params, velocity = snapshots[steps]
    for k, p in enumerate(opt.params):
        np.testing.assert_array_equal(p.data, params[k], err_msg=f"{label}: parameter {k}")
        np.testing.assert_array_equal(opt.velocity[k], velocity[k], err_msg=f"{label}: v{k}")


@pytest.fixture(autouse=True)
def _python_handles_ctrl_c():
    """Python's own SIGINT handler for every test here, whatever the test runner inherited: a
    process started in the background (``cmd &`` in a script, nohup, some CI runners) ignores
    SIGINT, and then no Ctrl-C reaches fit at all."""
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    yield
    signal.signal(signal.SIGINT, previous)


class interrupted:  # noqa: N801 (used like pytest.raises)
    """``with interrupted() as info:`` expects fit to raise TrainingInterrupted; a plain
    KeyboardInterrupt fails the test instead of stopping the test run."""

    def __enter__(self):
        return self

    def __exit__(self, kind, err, tb):
        assert kind is not None, "fit was not interrupted"
        assert isinstance(err, TrainingInterrupted), f"{kind.__name__} instead"
        self.value = err
        return True


def sigint():
    signal.raise_signal(signal.SIGINT)  # delivered as a real Ctrl-C is: to the handler


@pytest.mark.parametrize("at_step", [0, 1, 7])
def test_ctrl_c_inside_a_step_completes_that_step(at_step, capsys):
    """A Ctrl-C between two parameters' updates (or inside one's velocity update) waits for the
    step to finish: every parameter and velocity is at step at_step + 1, none at at_step."""
    X, Y = toy_data()
    snapshots, costs = reference_trajectory(X, Y, at_step + 1)
    for k_stop in range(6):
        for half in range(2):
            calls = []

            def during(step, k, k_stop=k_stop, half=half, calls=calls):
                calls.append((step, k))
                if step == at_step and k == k_stop and calls.count((step, k)) == half + 1:
                    sigint()

            model = three_layer_model()
            opt = LayerByLayerSGD(model.parameters(), during=during)
            with interrupted() as info:
                fit(model, losses.binary_cross_entropy, X, Y, optimizer=opt, num_iterations=50)
            history = info.value.history
            label = f"SIGINT at step {at_step}, parameter {k_stop}, half {half}"
            assert history.steps == at_step + 1 and history.interrupted, label
            assert_state_is_step(opt, snapshots, at_step + 1, label)
            assert history.all_costs == costs[: at_step + 1], label
    err = capsys.readouterr().err
    assert "fit: interrupted (Ctrl-C) in iteration" in err and ".history" in err


@pytest.mark.parametrize("where", ["forward", "loss", "backward"])
def test_ctrl_c_outside_a_step_stops_at_once_with_the_last_completed_step(where):
    X, Y = toy_data()
    snapshots, costs = reference_trajectory(X, Y, 6)
    for at in (0, 3, 5):
        model = three_layer_model()
        opt = LayerByLayerSGD(model.parameters())
        calls = [0]

        def forward_then_maybe_interrupt(X_in, model=model, calls=calls, at=at):
            out = model(X_in)
            if where == "forward" and calls[0] == at:
                sigint()
            calls[0] += 1
            return out

        def loss(A, Yt, calls=calls, at=at):
            J = losses.binary_cross_entropy(A, Yt)
            if where == "loss" and calls[0] - 1 == at:
                raise KeyboardInterrupt  # raised by code, not a signal: also handled
            if where == "backward" and calls[0] - 1 == at:
                J = J + (A * 0).sum().__class__(0.0)  # a graph node whose backward we hook
            return J

        if where == "backward":
            real_backward = Tensor.backward

            def backward(self, *args, calls=calls, at=at, real_backward=real_backward, **kwargs):
                if calls[0] - 1 == at:
                    sigint()
                return real_backward(self, *args, **kwargs)

            patch = pytest.MonkeyPatch()
            patch.setattr(Tensor, "backward", backward)
        try:
            with interrupted() as info:
                fit(forward_then_maybe_interrupt, loss, X, Y, optimizer=opt, num_iterations=50)
        finally:
            if where == "backward":
                patch.undo()
        history = info.value.history
        assert history.steps == at, (where, at)
        assert_state_is_step(opt, snapshots, at, f"{where} at {at}")
        assert history.all_costs == costs[: len(history.all_costs)]


def _traced(frame) -> bool:
    """Whether a frame's lines count: the library's, numpy's and this file's, not those of other
    packages' callbacks that run at unpredictable moments (hypothesis's garbage-collector
    callback runs at each collection, so counting its lines made the count differ from run to
    run, and a SIGINT raised inside it is swallowed by the collector)."""
    filename = frame.f_code.co_filename
    return "site-packages" not in filename or f"{os.sep}numpy{os.sep}" in filename


def _count_lines(run):
    """Run ``run()`` under a tracer; return how many line events it executes."""
    count = [0]

    def tracer(frame, event, arg):
        if event == "call" and not _traced(frame):
            return None
        if event == "line":
            count[0] += 1
        return tracer

    sys.settrace(tracer)
    try:
        run()
    finally:
        sys.settrace(None)
    return count[0]


def test_ctrl_c_at_every_moment_of_a_training_run_never_tears_a_step():
    """A real SIGINT raised after the k-th executed line of fit (its loop, the forward and
    backward passes, the engine, the optimizer: every line of every function it calls), for k
    spread over three whole iterations: each interrupted model equals the reference after
    exactly history.steps updates, every parameter and velocity alike."""
    X, Y = toy_data(m=20)
    steps = 3
    snapshots, costs = reference_trajectory(X, Y, steps)

    def train(opt, model):
        return fit(model, losses.binary_cross_entropy, X, Y, optimizer=opt,
                   num_iterations=steps, file=io.StringIO())  # fmt: skip

    model = three_layer_model()
    total = _count_lines(lambda: train(LayerByLayerSGD(model.parameters()), model))
    moments = sorted(set(np.linspace(0, total - 1, 400).astype(int)))
    landed = []
    numpy_errors = (np.geterr(), np.geterrcall())
    for k in moments:
        model = three_layer_model()
        opt = LayerByLayerSGD(model.parameters())
        seen = [0]

        def tracer(frame, event, arg, k=k, seen=seen):
            if event == "call" and not _traced(frame):
                return None
            if event == "line":
                seen[0] += 1
                if seen[0] == k:
                    sys.settrace(None)
                    signal.raise_signal(signal.SIGINT)
                    return None
            return tracer

        sys.settrace(tracer)
        try:
            history = train(opt, model)
        except TrainingInterrupted as err:
            history = err.history
            landed.append(history.steps)
        except KeyboardInterrupt:  # outside fit's training: before it, or after its last update
            after = not np.array_equal(opt.params[0].data, snapshots[0][0][0])
            history = History()
            history.steps = steps if after else 0
            landed.append("after" if after else "before")
        finally:
            sys.settrace(None)
        label = f"SIGINT after line {k} of {total}"
        assert_state_is_step(opt, snapshots, history.steps, label)  # never a torn step
        assert history.all_costs == costs[: len(history.all_costs)]
        assert is_grad_enabled() and gc.isenabled(), f"{label}: grad mode or gc left off"
        assert (np.geterr(), np.geterrcall()) == numpy_errors, f"{label}: numpy's errstate left set"
    assert len(landed) >= 0.9 * len(moments)  # a SIGINT after fit's last line lands nowhere
    assert {0, 1, 2, 3} <= set(landed)
    assert landed.count("before") + landed.count("after") < 0.1 * len(landed)


def test_ctrl_c_from_another_thread_at_random_times_never_tears_a_step():
    """Real SIGINTs from a timer thread (as a terminal delivers Ctrl-C: asynchronously), at
    random times during fit: every model equals the reference after history.steps updates."""
    import threading

    X, Y = toy_data(m=60)
    steps = 60
    snapshots, costs = reference_trajectory(X, Y, steps)
    start = time.perf_counter()
    model = three_layer_model()
    fit(model, losses.binary_cross_entropy, X, Y,
        optimizer=LayerByLayerSGD(model.parameters()), num_iterations=steps)  # fmt: skip
    duration = time.perf_counter() - start
    rng = np.random.default_rng(0)
    interrupted_counts = []

    def ctrl_c(signum, frame):  # Python's default handler, but only while fit's guard is on
        if signal.getsignal(signal.SIGINT) is not ctrl_c:
            raise KeyboardInterrupt

    # A signal handler's exception raised inside a garbage-collector callback (hypothesis
    # installs one) is "unraisable": Python drops it. Without collections, none is lost.
    previous = signal.signal(signal.SIGINT, ctrl_c)
    gc.disable()
    try:
        for trial in range(40):
            model = three_layer_model()
            opt = LayerByLayerSGD(model.parameters())
            timer = threading.Timer(rng.uniform(0, 0.7 * duration), os.kill,
                                    (os.getpid(), signal.SIGINT))  # fmt: skip
            timer.start()
            try:
                history = fit(model, losses.binary_cross_entropy, X, Y, optimizer=opt,
                              num_iterations=steps, file=io.StringIO())  # fmt: skip
            except KeyboardInterrupt as err:
                assert isinstance(err, TrainingInterrupted), "a plain KeyboardInterrupt"
                history = err.history
                interrupted_counts.append(history.steps)
            finally:
                timer.join()
            assert_state_is_step(opt, snapshots, history.steps, f"trial {trial}")
            assert history.all_costs == costs[: len(history.all_costs)]
    finally:
        gc.enable()
        signal.signal(signal.SIGINT, previous)
    assert interrupted_counts  # (how many land depends on the machine's load)


def test_sigint_handler_is_restored_and_threads_are_left_alone():
    before = signal.getsignal(signal.SIGINT)
    X, Y = toy_data()
    fit(logistic_model(), losses.binary_cross_entropy, X, Y, lr=0.1, num_iterations=3)
    assert signal.getsignal(signal.SIGINT) is before
    model = logistic_model()
    with interrupted():
        fit(model, losses.binary_cross_entropy, X, Y, lr=0.1, num_iterations=3,
            callback=lambda i, cost: sigint())  # fmt: skip
    assert signal.getsignal(signal.SIGINT) is before
    import threading

    results = []
    thread = threading.Thread(
        target=lambda: results.append(
            fit(logistic_model(), losses.binary_cross_entropy, X, Y, lr=0.1, num_iterations=5)
        )
    )
    thread.start()
    thread.join()
    assert len(results[0].all_costs) == 5


def test_interrupted_fit_is_a_keyboard_interrupt_that_stops_a_sweep():
    X, Y = toy_data()
    trained = []
    with pytest.raises(KeyboardInterrupt):
        for lr in (0.1, 0.2, 0.3):
            model = logistic_model()
            trained.append(lr)
            fit(model, losses.binary_cross_entropy, X, Y, lr=lr, num_iterations=20,
                callback=lambda i, cost: i == 4 and sigint())  # fmt: skip
    assert trained == [0.1]


def numpy_softmax_regression(X, y, C, lr, num_iterations):
    """Softmax regression by hand: Z = X W^T + b, cost = -mean log softmax(Z)[y]."""
    m, n = X.shape
    W, b, costs = np.zeros((C, n)), np.zeros(C), []
    Y = np.eye(C)[y]
    for _ in range(num_iterations):
        Z = X @ W.T + b
        Z = Z - Z.max(axis=1, keepdims=True)
        P = np.exp(Z) / np.exp(Z).sum(axis=1, keepdims=True)
        costs.append(-np.mean(np.log(P[np.arange(m), y])))
        dZ = (P - Y) / m
        W, b = W - lr * dZ.T @ X, b - lr * dZ.sum(axis=0)
    return W, b, costs


def ten_class_data(m=50, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((m, 4))
    y = (rng.integers(0, 10, m) + (X[:, 0] > 0) * 3) % 10
    return X, y


@pytest.mark.parametrize("label_form", ["int64", "int32", "uint8", "one-hot"])
def test_fit_accepts_the_labels_cross_entropy_accepts(label_form):
    X, y = ten_class_data()
    labels = np.eye(10)[y] if label_form == "one-hot" else y.astype(label_form)
    model = nn.Linear(4, 10, init="zeros")
    history = fit(model, losses.cross_entropy, X, labels, lr=0.5, num_iterations=30)
    W, b, costs = numpy_softmax_regression(X, y, 10, 0.5, 30)
    assert history.all_costs == pytest.approx(costs, rel=1e-12)
    np.testing.assert_allclose(model.W.data, W, rtol=1e-10, atol=1e-14)


def test_fit_with_integer_labels_for_bce_still_converts_them():
    X, Y = toy_data()
    as_float = fit(logistic_model(), losses.binary_cross_entropy, X, Y, lr=0.1, num_iterations=5)
    as_int = fit(
        logistic_model(), losses.binary_cross_entropy, X, Y.astype(np.int64), lr=0.1,
        num_iterations=5,
    )  # fmt: skip
    assert as_int.all_costs == as_float.all_costs


def test_predict_is_the_argmax_for_several_outputs_and_accuracy_compares_classes():
    X, y = ten_class_data(m=80)
    model = nn.Linear(4, 10, init="zeros")
    fit(model, losses.cross_entropy, X, y, lr=0.5, num_iterations=200)
    predictions = predict(model, X)
    Z = model(Tensor(X)).data
    assert predictions.shape == (80,) and predictions.dtype == np.int64
    np.testing.assert_array_equal(predictions, Z.argmax(axis=1))
    expected = np.mean(Z.argmax(axis=1) == y)
    assert accuracy(predictions, y) == expected
    assert accuracy(predictions, np.eye(10)[y]) == expected  # one-hot labels
    assert accuracy(predictions, y.reshape(-1, 1)) == expected  # a column of labels
    assert 0.2 < expected < 1.0


def test_predict_in_the_course_layout_and_its_axis_errors():
    W = Tensor(np.array([[1.0, 0.0], [0.0, 1.0], [-1.0, -1.0]]))  # 3 classes, n_x = 2

    def course_layout_model(X):  # X (n_x, m) -> Z (C, m)
        return W @ X

    X = np.array([[2.0, 0.0, -1.0, 0.5], [0.0, 3.0, -1.0, 0.1]])  # (2, 4)
    np.testing.assert_array_equal(predict(course_layout_model, X, axis=-1), [0, 1, 2, 0])
    with pytest.raises(ValueError, match=r"the 2 examples of X along axis 0.*pass axis=-1"):
        predict(course_layout_model, X)  # axis=0 is for batch-first data
    # one output in the course's layout (1, m) stays a threshold, whatever the axis
    assert predict(lambda X: X[:1], X).tolist() == [[1.0, 0.0, 0.0, 0.0]]  # A > 0.5 strictly


def test_predict_of_a_single_example_with_several_classes():
    model = nn.Linear(3, 5, init="zeros")
    model.b.data = np.array([0.0, 0.0, 4.0, 0.0, 0.0])
    assert predict(model, np.ones((1, 3))).tolist() == [2]


def numpy_minibatch_logistic_regression(X, Y, lr, epochs, batch_size, seed):
    """Course 2's model() loop for logistic regression, in its layout and with its seeding."""
    X, Y = X.T, Y.T
    n, m = X.shape
    w, b, costs = np.zeros((n, 1)), 0.0, []
    for _ in range(epochs):
        seed = seed + 1
        np.random.seed(seed)
        permutation = list(np.random.permutation(m))
        Xs, Ys = X[:, permutation], Y[:, permutation]
        cost_total = 0.0
        for k in range(0, m, batch_size):
            Xb, Yb = Xs[:, k : k + batch_size], Ys[:, k : k + batch_size]
            A = sigmoid(w.T @ Xb + b)
            cost_total += np.sum(-Yb * np.log(A) - (1 - Yb) * np.log(1 - A))
            mb = Xb.shape[1]
            dw, db = Xb @ (A - Yb).T / mb, np.sum(A - Yb) / mb
            w, b = w - lr * dw, b - lr * db
        costs.append(cost_total / m)
    return w, b, costs


@pytest.mark.parametrize("batch_size", [1, 7, 8, 30, 64])
def test_minibatches_replay_course_2s_random_mini_batches(batch_size):
    X, Y = toy_data(m=30)
    model = logistic_model()
    history = fit(
        model, losses.binary_cross_entropy, X, Y, lr=0.3, batch_size=batch_size, epochs=12,
        shuffle="course", seed=10, print_every=5,
    )  # fmt: skip
    w, b, costs = numpy_minibatch_logistic_regression(X, Y, 0.3, 12, batch_size, 10)
    assert history.all_costs == pytest.approx(costs, rel=1e-12)
    assert list(history.costs) == [0, 5, 10, 11] and history.unit == "epoch"
    assert history.steps == 12 * -(-30 // batch_size)
    np.testing.assert_allclose(model[0].W.data, w.T, rtol=1e-10)


def test_minibatches_print_per_epoch_and_leave_the_global_rng_alone(capsys):
    X, Y = toy_data(m=30)
    np.random.seed(123)
    fit(logistic_model(), losses.binary_cross_entropy, X, Y, lr=0.3, batch_size=8, epochs=3,
        shuffle="course", print_every=1, print_cost=True)  # fmt: skip
    assert np.random.rand() == np.random.RandomState(123).rand()
    lines = capsys.readouterr().out.splitlines()
    assert [line.split(":")[0] for line in lines] == [f"Cost after epoch {e}" for e in range(3)]


def test_shuffling_is_seedable():
    X, Y = toy_data(m=40)

    def run(**kwargs):
        model = logistic_model()
        fit(model, losses.binary_cross_entropy, X, Y, lr=0.3, batch_size=8, epochs=3, **kwargs)
        return model[0].W.data.copy()

    np.testing.assert_array_equal(run(seed=1), run(seed=1))
    np.testing.assert_array_equal(
        run(seed=np.random.default_rng(5)), run(seed=np.random.default_rng(5))
    )
    assert not np.array_equal(run(seed=1), run(seed=2))
    np.testing.assert_array_equal(run(shuffle=False), run(shuffle=False, seed=99))


def test_full_batch_epochs_equal_iterations():
    X, Y = toy_data()
    by_epochs = fit(logistic_model(), losses.binary_cross_entropy, X, Y, lr=0.1, epochs=20,
                    shuffle=False)  # fmt: skip
    by_iterations = fit(logistic_model(), losses.binary_cross_entropy, X, Y, lr=0.1,
                        num_iterations=20)  # fmt: skip
    assert by_epochs.all_costs == pytest.approx(by_iterations.all_costs, rel=1e-14)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"num_iterations": 5, "epochs": 2}, ValueError, "num_iterations .* or epochs"),
        ({"batch_size": 0}, ValueError, "batch_size to be a positive int"),
        ({"batch_size": 4, "epochs": 0}, ValueError, "epochs to be a positive int"),
        ({"batch_size": 4, "shuffle": "yes"}, ValueError, "shuffle=True, False or 'course'"),
        ({"batch_size": 4, "shuffle": "course", "seed": 1.5}, TypeError, "int seed"),
    ],
)
def test_minibatch_arguments_are_checked(kwargs, error, match):
    X, Y = toy_data()
    with pytest.raises(error, match=match):
        fit(logistic_model(), losses.binary_cross_entropy, X, Y, lr=0.1, **kwargs)


def test_ctrl_c_during_minibatches_keeps_the_epochs_so_far():
    X, Y = toy_data(m=30)
    model = logistic_model()
    with interrupted() as info:
        fit(model, losses.binary_cross_entropy, X, Y, lr=0.3, batch_size=8, epochs=10,
            callback=lambda epoch, cost: epoch == 2 and sigint(), file=io.StringIO())  # fmt: skip
    history = info.value.history
    assert len(history.all_costs) == 3 and history.steps == 12 and history.unit == "epoch"


def _interrupted_message(monkeypatch, interactive):
    if interactive:
        monkeypatch.setattr(sys, "ps1", ">>> ", raising=False)
    else:
        monkeypatch.delattr(sys, "ps1", raising=False)
    model = nn.Sequential(nn.Linear(2, 1), nn.Sigmoid())
    X, Y = np.array([[0.0, 1.0], [1.0, 0.0]]), np.array([[1.0], [0.0]])
    notice = io.StringIO()
    with pytest.raises(train.TrainingInterrupted) as err:
        train.fit(model, losses.binary_cross_entropy, X, Y, lr=0.1, num_iterations=100,
                  callback=lambda i, cost: i == 2 and signal.raise_signal(signal.SIGINT),
                  file=notice)  # fmt: skip
    return notice.getvalue(), str(err.value)


def test_the_notebook_hint_after_ctrl_c_only_in_an_interactive_session(monkeypatch):
    """sys.last_value exists at the Python prompt and in notebooks, not in a script or the
    command line, which must not print the hint."""
    notice, message = _interrupted_message(monkeypatch, interactive=False)
    assert "fit: interrupted (Ctrl-C)" in notice and ".history" in notice
    assert "last_value" not in notice + message
    notice, message = _interrupted_message(monkeypatch, interactive=True)
    assert "sys.last_value.history" in notice and "sys.last_value.history" in message


# -- checkpoint and resume: the same parameters and costs as the uninterrupted run ---------------


def _resume_data():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((50, 3))
    return X, (X[:, :1] + 0.3 * X[:, 1:2] > 0).astype(np.float64)


def _resume_model():
    np.random.seed(1)
    return nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 1), nn.Sigmoid())


@pytest.mark.parametrize(
    "run",
    [
        {"num_iterations": 12},
        {"epochs": 6, "batch_size": 16, "shuffle": "course"},
        {"epochs": 6, "batch_size": 16, "shuffle": True, "seed": 5},
        {"epochs": 6, "batch_size": 16, "shuffle": False},
    ],
    ids=["full-batch", "course-order", "seeded", "unshuffled"],
)
def test_a_run_resumed_from_a_checkpoint_ends_exactly_as_the_uninterrupted_one(tmp_path, run):
    """Adam's moments and step count, the model and the epochs' orders all come back: the
    resumed run's parameters and costs equal the uninterrupted run's to the last bit."""
    import tinygrad_edu as tg
    from tinygrad_edu.optim import Adam

    X, Y = _resume_data()
    loss = losses.binary_cross_entropy
    whole_model = _resume_model()
    whole = fit(whole_model, loss, X, Y, optimizer=Adam(whole_model.parameters(), lr=0.05),
                print_every=1, **run)  # fmt: skip

    model = _resume_model()
    optimizer = Adam(model.parameters(), lr=0.05)
    at = 3  # checkpoint after iteration (epoch) 2, then stop as a crash would

    def checkpoint(i, cost):
        if i == at - 1:
            tg.save(model, tmp_path / "model.npz")
            tg.save(optimizer, tmp_path / "adam.npz")
            return True
        return None

    fit(model, loss, X, Y, optimizer=optimizer, callback=checkpoint, **run)
    model, optimizer = _resume_model(), None  # a new process: nothing kept in memory
    model.load_state_dict(tg.load(tmp_path / "model.npz", expected=model))
    optimizer = Adam(model.parameters(), lr=0.05)
    optimizer.load_state_dict(tg.load(tmp_path / "adam.npz"))
    out = io.StringIO()
    resumed = fit(model, loss, X, Y, optimizer=optimizer, start=at, print_every=1,
                  print_cost=True, file=out, **run)  # fmt: skip
    for key, value in whole_model.state_dict().items():
        assert np.array_equal(model.state_dict()[key], value), key
    assert resumed.costs == {i: c for i, c in whole.costs.items() if i >= at}
    assert resumed.all_costs == whole.all_costs[at:]
    assert out.getvalue().startswith(f"Cost after {whole.unit} {at}: ")


@pytest.mark.parametrize("start", [-1, 12, 1.5, True])
def test_start_outside_the_run_is_refused(start):
    X, Y = _resume_data()
    with pytest.raises(ValueError, match=r"fit: expected start \(the iteration to resume at\)"):
        fit(_resume_model(), losses.binary_cross_entropy, X, Y, lr=0.1, num_iterations=12,
            start=start)  # fmt: skip


@pytest.mark.parametrize(
    ("shuffle", "seed", "error", "match"),
    [
        (True, "abc", TypeError, r"fit: expected seed to be None, an int >= 0 or a np\.random"),
        (True, -3, ValueError, r"fit: expected seed to be None, an int >= 0"),
        ("course", -50, ValueError, r"fit: expected a seed in \[0, 2\*\*32 - 10\*\*9\)"),
    ],
)
def test_bad_seeds_are_refused_before_training(shuffle, seed, error, match):
    X, Y = _resume_data()
    with pytest.raises(error, match=match):
        fit(_resume_model(), losses.binary_cross_entropy, X, Y, lr=0.1, epochs=2, batch_size=8,
            shuffle=shuffle, seed=seed)  # fmt: skip


def test_the_largest_course_seed_the_message_allows_is_accepted():
    """The check refused 2**32 - 10**9 - 1, which the message says is in range."""
    X, Y = _resume_data()
    largest = 2**32 - 10**9 - 1
    fit(_resume_model(), losses.binary_cross_entropy, X, Y, lr=0.1, epochs=2, batch_size=8,
        shuffle="course", seed=largest)  # fmt: skip
    with pytest.raises(ValueError, match=r"expected a seed in \[0, 2\*\*32 - 10\*\*9\)"):
        fit(_resume_model(), losses.binary_cross_entropy, X, Y, lr=0.1, epochs=2, batch_size=8,
            shuffle="course", seed=largest + 1)  # fmt: skip


def test_an_error_in_the_callback_keeps_the_costs_so_far():
    X, Y = _resume_data()

    def callback(i, cost):
        if i == 4:
            raise RuntimeError("disk full while saving a checkpoint")

    with pytest.raises(RuntimeError, match="disk full") as info:
        fit(_resume_model(), losses.binary_cross_entropy, X, Y, lr=0.1, num_iterations=50,
            callback=callback)  # fmt: skip
    history = info.value.history
    assert len(history.all_costs) == 5 and history.steps == 5 and history.stopped_early
    if sys.version_info >= (3, 11):  # notes are new in 3.11
        assert "fit: stopped by this error in iteration 4 of 50" in info.value.__notes__[0]


def test_an_error_before_any_cost_has_no_history_note():
    X, Y = _resume_data()
    with pytest.raises(ValueError, match="same shape") as info:
        fit(_resume_model(), losses.binary_cross_entropy, X, np.hstack([Y, Y]), lr=0.1,
            num_iterations=5, binary=False)  # fmt: skip
    assert not hasattr(info.value, "history")


# -- a loop that would silently train nothing, or fail deep inside --------------------------------


@pytest.mark.parametrize("run", [{"num_iterations": 5}, {"epochs": 2, "batch_size": 10}])
def test_an_optimizer_over_another_models_parameters_is_refused(run):
    """It trained nothing: every cost the same, no error."""
    from tinygrad_edu.optim import SGD

    X, Y = _resume_data()
    other = _resume_model()
    with pytest.raises(ValueError, match=r"no gradient for any of its 4: training would change"):
        fit(_resume_model(), losses.binary_cross_entropy, X, Y,
            optimizer=SGD(other.parameters(), lr=0.1), **run)  # fmt: skip


def test_an_object_that_is_no_optimizer_is_refused():
    X, Y = _resume_data()
    with pytest.raises(TypeError, match=r"expected an optimizer with zero_grad\(\) and step\(\)"):
        fit(_resume_model(), losses.binary_cross_entropy, X, Y, optimizer=object())


def test_a_loss_that_returns_a_float_is_refused():
    X, Y = _resume_data()
    with pytest.raises(TypeError, match="expected loss_fn to return the cost J as a Tensor, got"):
        fit(_resume_model(), lambda A, Y: 0.5, X, Y, lr=0.1, num_iterations=2)


def test_training_interrupted_pickles_and_copies_with_its_history():
    """A process pool sends a worker's exception back pickled: it failed with 'missing 1
    required positional argument: history'."""
    import copy
    import pickle

    err = TrainingInterrupted("fit: interrupted", History({0: 0.5}, [0.5], steps=1), {0: 0.5})
    for clone in (pickle.loads(pickle.dumps(err)), copy.copy(err)):
        assert str(clone) == "fit: interrupted" and clone.history == err.history
        assert clone.curve == {0: 0.5}


def test_a_resumed_run_with_dropout_of_its_own_generator_is_exact_too(tmp_path):
    """Dropout(rng=...) saves its generator in state_dict: with fit(start=), the resumed run
    draws the masks and the mini-batch orders the uninterrupted one drew."""
    import tinygrad_edu as tg
    from tinygrad_edu.optim import Adam

    X, Y = _resume_data()

    def make():
        np.random.seed(1)
        dropout = nn.Dropout(0.3, rng=np.random.default_rng(7))
        return nn.Sequential(nn.Linear(3, 8), nn.ReLU(), dropout, nn.Linear(8, 1), nn.Sigmoid())

    run = {"epochs": 6, "batch_size": 10, "shuffle": True, "seed": 3}
    whole = make()
    fit(
        whole, losses.binary_cross_entropy, X, Y, optimizer=Adam(whole.parameters(), lr=0.05), **run
    )
    model = make()
    optimizer = Adam(model.parameters(), lr=0.05)

    def checkpoint(i, cost):
        if i == 2:
            tg.save(model, tmp_path / "m.npz")
            tg.save(optimizer, tmp_path / "o.npz")
            return True
        return None

    fit(model, losses.binary_cross_entropy, X, Y, optimizer=optimizer, callback=checkpoint, **run)
    model = make()
    model.load_state_dict(tg.load(tmp_path / "m.npz", expected=model))
    optimizer = Adam(model.parameters(), lr=0.05)
    optimizer.load_state_dict(tg.load(tmp_path / "o.npz"))
    fit(model, losses.binary_cross_entropy, X, Y, optimizer=optimizer, start=3, **run)
    for key, value in whole.state_dict().items():
        assert np.array_equal(model.state_dict()[key], value), key


def test_predict_warns_when_outputs_are_not_finite():
    """A diverged model's NaN outputs were predicted as class 0 without a word."""
    with pytest.warns(RuntimeWarning, match=r"predict: 1 of the model's 3 outputs are NaN"):
        P = predict(nn.Identity(), np.array([[np.nan], [0.2], [0.9]]))
    np.testing.assert_array_equal(P, [[0.0], [0.0], [1.0]])
