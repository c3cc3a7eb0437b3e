"""Course 2, "Improving deep neural networks": its four numpy assignments, reproduced with autograd.

Layer: ``course``. Each run builds the assignment's network from ``nn`` layers, initializes it in
the course's order (numpy's legacy seeding), and trains it in float64 with an explicit loop over
the library's pieces (forward, loss, ``backward()``, an optimizer's ``step()``), in the course's
order of operations. There is no hand-written backprop, except where the course's own buggy one
is the point (``gradient-check``).

=======================  ===================================================  ===================
NAME                     what                                                 the course reports
=======================  ===================================================  ===================
init-zeros               [2, 10, 5, 1] on the circles, W = 0, 15000 its        0.5 / 0.5
init-random              W = randn * 10 (cost inf at 0: the sigmoid           0.83 / 0.86
                         saturates)
init-he                  W = randn * sqrt(2 / n_prev)                         0.99333 / 0.96
reg-baseline             [2, 20, 3, 1] on data.mat, lr 0.3, 30000 its         0.94787 / 0.915
reg-l2                   + lambd / (2m) * sum W^2, lambd = 0.7                0.93839 / 0.93
reg-dropout              + dropout, keep_prob 0.86 on both hidden layers      0.92891 / 0.95
gradient-check           the 1-D and N-D checks (bugged backward, autograd)   0.2850931567761623
opt-gd                   [2, 5, 2, 1] on the moons, mini-batches of 64,        0.71667
                         5000 epochs, lr 0.0007
opt-momentum             + momentum 0.9                                       0.71667
opt-adam                 Adam 0.9 / 0.999 / 1e-8                              0.94333
opt-gd-decay             lr0 0.1, lr0 / (1 + epoch)                           0.65333
opt-gd-schedule          lr0 0.1, lr0 / (1 + floor(epoch / 1000))             0.94333
opt-momentum-schedule    momentum, same schedule                              0.95333
opt-adam-schedule        Adam, lr0 0.01, same schedule                        0.94
=======================  ===================================================  ===================

Layers are batch-first (``X (m, 2)``); W has the course's shape ``(n_out, n_in)`` and is drawn
from ``np.random.RandomState(3)`` layer after layer, the same numbers as the course's
``np.random.seed(3)`` then ``np.random.randn``.

**Cost and gradient.** The course computes ``A3 = sigmoid(Z3)``, prints the cost of A3 and
back-propagates the closed form ``dZ3 = A3 - Y``. Here the gradient comes from autograd on
``binary_cross_entropy_with_logits(Z3, Y)``, whose derivative with respect to Z3 is that same
``(A3 - Y) / m``, and stays finite when the sigmoid saturates (``init-random``: some A3 are
exactly 1 for label 0, where ``-log(1 - A3)`` is inf and its derivative through the sigmoid
``inf * 0``). The printed cost is the course's: ``binary_cross_entropy(A3, Y)`` with its
``0 * log 0 = 0`` (the course's ``np.nansum``), computed at the iterations the course records.
"""

from __future__ import annotations

import math
import sys
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TextIO

import numpy as np

from tinygrad_edu import data, losses, nn, optim, train
from tinygrad_edu.course.common import CourseResult, has_curve, without_curve
from tinygrad_edu.engine import no_grad
from tinygrad_edu.tensor import Tensor, randn
from tinygrad_edu.testing import COURSE_THRESHOLD, gradient_difference

__all__ = [
    "MODELS",
    "Course2Result",
    "GradientCheckResult",
    "gradient_check",
    "init_course_random",
    "initialization",
    "moons_trial",
    "optimization",
    "regularization",
    "three_layer_network",
]


# -------------------------------------------------------------------------------------------------
# Results
# -------------------------------------------------------------------------------------------------


def _number(value: float) -> float | str:
    """A cost for JSON: finite numbers as numbers, inf and nan as the strings "inf" and "nan"
    (JSON has no infinity; the string says what happened)."""
    return value if math.isfinite(value) else str(value)


@dataclass
class Course2Result(CourseResult):
    """A trained course-2 model: ``CourseResult`` plus what course 2 prints besides costs.

    Attributes:
        learning_rates: ``{epoch: lr}`` after each printed epoch (runs with a decay), else None.
        unit: "iteration" or "epoch", for the printed lines.
        note: why a printed cost is not finite, for the JSON.
    """

    learning_rates: dict[int, float] | None = None
    unit: str = "iteration"
    note: str | None = None
    curve: dict[int, float] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """``{"model", "costs", ["learning_rates"], "train_accuracy", "test_accuracy", ["note"]}``;
        a non-finite cost is the string "inf" (or "nan")."""
        out: dict[str, Any] = {
            "model": self.model,
            "costs": {str(i): _number(c) for i, c in self.costs.items()},
        }
        if self.learning_rates is not None:
            out["learning_rates"] = {str(i): lr for i, lr in self.learning_rates.items()}
        out["train_accuracy"] = self.train_accuracy
        if self.test_accuracy is not None:
            out["test_accuracy"] = self.test_accuracy
        if self.note:
            out["note"] = self.note
        return out

    def summary_lines(self) -> list[str]:
        """The course's lines: ``On the train set:`` / ``Accuracy: 0.9933333333333333``."""
        lines = ["On the train set:", f"Accuracy: {self.train_accuracy}"]
        if self.test_accuracy is not None:
            lines += ["On the test set:", f"Accuracy: {self.test_accuracy}"]
        if self.note:
            lines.append(f"Note: {self.note}")
        lines.append(f"({self.seconds:.1f} s)")
        return lines

    def curves(self) -> Any:
        """The costs the course records for its plot (every 1000 iterations, or 100 epochs),
        finite ones only."""
        return {i: c for i, c in self.curve.items() if math.isfinite(c)}


@dataclass
class GradientCheckResult:
    """The gradient-check assignment's four numbers.

    Attributes:
        difference_1d_x2, difference_1d_x3: ``J = theta x`` at theta = 4, for x = 2 and x = 3.
        difference_bugged: the N-D check of the course's backward with its two planted bugs.
        difference_autograd: the same check of autograd's gradients.
    """

    difference_1d_x2: float
    difference_1d_x3: float
    difference_bugged: float
    difference_autograd: float
    seconds: float = 0.0

    def to_json(self) -> dict[str, Any]:
        return {
            "model": "gradient-check",
            "difference_1d_x2": self.difference_1d_x2,
            "difference_1d_x3": self.difference_1d_x3,
            "difference_bugged": self.difference_bugged,
            "difference_autograd": self.difference_autograd,
        }

    def summary_lines(self) -> list[str]:
        """The course's verdicts, one per check."""
        checks = [
            ("1-D check, x = 2", self.difference_1d_x2),
            ("1-D check, x = 3", self.difference_1d_x3),
            ("N-D check, the course's backward_propagation_n", self.difference_bugged),
            ("N-D check, autograd", self.difference_autograd),
        ]
        return [f"{what}: {_verdict(d)}" for what, d in checks]

    def curves(self) -> Any:
        """Nothing to plot: four numbers, no training (``gradient_check.has_curve`` is False)."""
        return {}


def _verdict(difference: float) -> str:
    if difference > COURSE_THRESHOLD:
        return f"There is a mistake in the backward propagation! difference = {difference}"
    return f"Your backward propagation works perfectly fine! difference = {difference}"


# -------------------------------------------------------------------------------------------------
# The network of all three assignments: LINEAR -> RELU -> LINEAR -> RELU -> LINEAR -> SIGMOID
# -------------------------------------------------------------------------------------------------


def init_course_random(n_out: int, n_in: int, rng=None, dtype=np.float64) -> np.ndarray:
    """``randn(n_out, n_in) * 10``: the Initialization assignment's "large random" weights.

    >>> rng = np.random.RandomState(3)
    >>> np.array_equal(init_course_random(2, 3, rng), np.random.RandomState(3).randn(2, 3) * 10)
    True
    """
    return (randn(n_out, n_in, rng=rng).data * 10).astype(dtype, copy=False)


def three_layer_network(
    layers_dims, init: str | Callable = "he", rng=None, keep_prob: float = 1.0, dropout_rng=None
) -> nn.Sequential:
    """LINEAR -> RELU -> [DROPOUT] -> LINEAR -> RELU -> [DROPOUT] -> LINEAR -> SIGMOID.

    Args:
        layers_dims: ``[n_x, n_1, n_2, 1]``.
        init: the weights' initializer (a name in ``nn.INITIALIZERS`` or a function).
        rng: where the weights are drawn from, W1 then W2 then W3.
        keep_prob: < 1 adds a ``Dropout(1 - keep_prob)`` after each hidden layer, drawing its
            masks in the course's layout from ``dropout_rng``.
        dropout_rng: a ``RandomState`` both dropout layers share (the course's global one).

    >>> three_layer_network([2, 10, 5, 1], rng=np.random.RandomState(3))
    Sequential(
      (0): Linear(n_in=2, n_out=10, init='he')
      (1): ReLU()
      (2): Linear(n_in=10, n_out=5, init='he')
      (3): ReLU()
      (4): Linear(n_in=5, n_out=1, init='he')
      (5): Sigmoid()
    )
    """
    n_x, n_1, n_2, n_y = layers_dims
    layers: list[nn.Module] = []
    for n_in, n_out in ((n_x, n_1), (n_1, n_2)):
        layers += [nn.Linear(n_in, n_out, init=init, rng=rng), nn.ReLU()]
        if keep_prob < 1:
            layers.append(nn.Dropout(1 - keep_prob, rng=dropout_rng, mask_layout="course"))
    layers += [nn.Linear(n_2, n_y, init=init, rng=rng), nn.Sigmoid()]
    return nn.Sequential(*layers)


def _logits(network: nn.Sequential, X) -> Tensor:
    """Z3: every layer but the final sigmoid."""
    A = X
    for layer in network.layers[:-1]:
        A = layer(A)
    return A


def _course_cost(Z3: Tensor, Y, reduction: str = "mean") -> float:
    """The course's printed cost of ``A3 = sigmoid(Z3)``, with its nansum's 0 * log 0 = 0; inf
    where the sigmoid saturated on the wrong side (no warning: the run's note says so)."""
    with no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return losses.binary_cross_entropy(Z3.detach().sigmoid(), Y, reduction=reduction).item()


def _accuracies(network: nn.Module, X, Y, test) -> tuple[float, float | None]:
    """The course's ``predict``: ``A3 > 0.5`` (dropout off), the fraction equal to the labels."""
    train_accuracy = train.accuracy(train.predict(network, X), Y)
    if test is None:
        return train_accuracy, None
    return train_accuracy, train.accuracy(train.predict(network, test[0]), test[1])


_SATURATED = (
    "cost inf: the sigmoid saturated (A3 is exactly 1 or 0 for the opposite label), as in the "
    "course; training uses the logits, whose gradient A3 - Y stays finite"
)


# -------------------------------------------------------------------------------------------------
# Full-batch gradient descent (Initialization, Regularization)
# -------------------------------------------------------------------------------------------------


def _full_batch(
    name: str,
    network: nn.Sequential,
    X,
    Y,
    test,
    *,
    learning_rate: float,
    num_iterations: int,
    print_every: int,
    record_every: int,
    lambd: float = 0.0,
    dropout_rng: np.random.RandomState | None = None,
    print_cost: bool = False,
    file: TextIO | None = None,
) -> Course2Result:
    """The course's ``model()`` loop: forward, cost, backward, ``W = W - learning_rate * dW``."""
    file = sys.stdout if file is None else file
    opt = optim.SGD(network.parameters(), lr=learning_rate)
    m = X.shape[0]
    costs: dict[int, float] = {}
    curve: dict[int, float] = {}
    start = time.perf_counter()
    try:
        _full_batch_loop(
            network, X, Y, opt, costs, curve, num_iterations=num_iterations,
            print_every=print_every, record_every=record_every, lambd=lambd, m=m,
            dropout_rng=dropout_rng, print_cost=print_cost, file=file,
        )  # fmt: skip
    except KeyboardInterrupt as err:  # keep the costs so far (the command line prints them)
        history = train.History(costs, list(curve.values()), steps=opt.steps)
        raise train.interrupted(name, history, opt.steps, num_iterations, curve=curve) from err
    seconds = time.perf_counter() - start
    train_accuracy, test_accuracy = _accuracies(network, X, Y, test)
    note = None if all(math.isfinite(c) for c in costs.values()) else _SATURATED
    return Course2Result(
        model=name,
        costs=costs,
        all_costs=list(curve.values()),
        train_accuracy=train_accuracy,
        test_accuracy=test_accuracy,
        network=network,
        seconds=seconds,
        note=note,
        curve=curve,
    )


def _full_batch_loop(
    network, X, Y, opt, costs, curve, *, num_iterations, print_every, record_every, lambd, m,
    dropout_rng, print_cost, file,
) -> None:  # fmt: skip
    """The iterations of `_full_batch`, recording into ``costs`` and ``curve``."""
    for i in range(num_iterations):
        if dropout_rng is not None:
            dropout_rng.seed(1)  # the course's np.random.seed(1) at the start of every forward
        Z3 = _logits(network, X)  # (m, 1)
        J = losses.binary_cross_entropy_with_logits(Z3, Y)  # dJ/dZ3 = (A3 - Y) / m
        if lambd:
            l2 = losses.l2_regularization(network, lambd, m)  # lambd / (2m) * sum ||W||^2
            J = J + l2
        if i % record_every == 0 or i % print_every == 0:
            cost = _course_cost(Z3, Y)
            if lambd:
                cost = cost + l2.item()  # the course: cross_entropy_cost + L2_regularization_cost
            if i % record_every == 0:
                curve[i] = cost
            if i % print_every == 0:
                costs[i] = cost
                if print_cost:
                    print(f"Cost after iteration {i}: {cost}", file=file, flush=True)
        opt.zero_grad()
        J.backward()
        opt.step()


_INITS: dict[str, str | Callable] = {"zeros": "zeros", "random": init_course_random, "he": "he"}


def initialization(
    kind: str = "he",
    *,
    num_iterations: int = 15000,
    learning_rate: float = 0.01,
    print_cost: bool = False,
    file: TextIO | None = None,
    **_: Any,
) -> Course2Result:
    """Course 2, week 1, "Initialization": [2, 10, 5, 1] on the circles with ``kind`` weights.

    ``np.random.seed(3)`` inside the initializer, then ``W_l = randn(n_l, n_{l-1}) * k`` for
    l = 1, 2, 3 with k = 0 ("zeros"), 10 ("random") or ``sqrt(2 / n_{l-1})`` ("he"); b = 0.
    Full-batch gradient descent, lr 0.01, 15000 iterations, cost printed every 1000.

    >>> result = initialization("he", num_iterations=1)
    >>> round(result.costs[0], 12)        # the course: 0.8830537463419761
    0.883053746342
    """
    if kind not in _INITS:
        raise ValueError(f"initialization: expected kind in {sorted(_INITS)}, got {kind!r}.")
    X, Y, X_test, Y_test = data.load_circles(layout="batch")
    network = three_layer_network(
        [X.shape[1], 10, 5, 1], init=_INITS[kind], rng=np.random.RandomState(3)
    )
    return _full_batch(
        f"init-{kind}",
        network,
        X,
        Y,
        (X_test, Y_test),
        learning_rate=learning_rate,
        num_iterations=num_iterations,
        print_every=1000,
        record_every=1000,
        print_cost=print_cost,
        file=file,
    )


def regularization(
    lambd: float = 0.0,
    keep_prob: float = 1.0,
    data_dir=None,
    *,
    num_iterations: int = 30000,
    learning_rate: float = 0.3,
    print_cost: bool = False,
    file: TextIO | None = None,
    **_: Any,
) -> Course2Result:
    """Course 2, week 1, "Regularization": [2, 20, 3, 1] on ``data.mat``, lr 0.3, 30000 its.

    ``np.random.seed(3)`` then ``W_l = randn(n_l, n_{l-1}) / sqrt(n_{l-1})``. ``lambd > 0``
    adds the course's L2 term ``lambd / (2m) * sum ||W_l||^2`` to the cost; ``keep_prob < 1``
    adds inverted dropout after both hidden layers, with the course's masks: its template calls
    ``np.random.seed(1)`` at the start of every forward pass, so the masks are the same at every
    iteration (D1 drawn as ``rand(20, m)``, then D2 as ``rand(3, m)``). The cost is printed
    every 10000 iterations.
    """
    X, Y, X_test, Y_test = data.load_2d_dataset(data_dir, layout="batch")
    dropout_rng = np.random.RandomState(1) if keep_prob < 1 else None
    network = three_layer_network(
        [X.shape[1], 20, 3, 1],
        init="course_deep",
        rng=np.random.RandomState(3),
        keep_prob=keep_prob,
        dropout_rng=dropout_rng,
    )
    name = "reg-l2" if lambd else "reg-dropout" if keep_prob < 1 else "reg-baseline"
    return _full_batch(
        name,
        network,
        X,
        Y,
        (X_test, Y_test),
        learning_rate=learning_rate,
        num_iterations=num_iterations,
        print_every=10000,
        record_every=1000,
        lambd=lambd,
        dropout_rng=dropout_rng,
        print_cost=print_cost,
        file=file,
    )


# -------------------------------------------------------------------------------------------------
# Gradient checking
# -------------------------------------------------------------------------------------------------


def _gradient_check_case() -> tuple[np.ndarray, np.ndarray, dict[str, np.ndarray]]:
    """``gradient_check_n_test_case``: ``np.random.seed(1)``; x, then W1, b1, ..., b3."""
    rng = np.random.RandomState(1)
    x = rng.randn(4, 3)
    y = np.array([1, 1, 0])
    shapes = {"W1": (5, 4), "b1": (5, 1), "W2": (3, 5), "b2": (3, 1), "W3": (1, 3), "b3": (1, 1)}
    return x, y, {name: rng.randn(*shape) for name, shape in shapes.items()}


def backward_propagation_n(X, Y, cache) -> dict[str, np.ndarray]:
    """The course's hand-written backward pass *with its two planted bugs* (course layout).

    ``dW2`` is multiplied by 2 and ``db1`` uses ``4./m``: the gradient check is meant to find
    them. Kept as the course wrote it; autograd needs no such function.
    """
    m = X.shape[1]
    (Z1, A1, W1, b1, Z2, A2, W2, b2, Z3, A3, W3, b3) = cache
    dZ3 = A3 - Y
    dW3 = 1.0 / m * np.dot(dZ3, A2.T)
    db3 = 1.0 / m * np.sum(dZ3, axis=1, keepdims=True)
    dA2 = np.dot(W3.T, dZ3)
    dZ2 = np.multiply(dA2, np.int64(A2 > 0))
    dW2 = 1.0 / m * np.dot(dZ2, A1.T) * 2  # the first bug
    db2 = 1.0 / m * np.sum(dZ2, axis=1, keepdims=True)
    dA1 = np.dot(W2.T, dZ2)
    dZ1 = np.multiply(dA1, np.int64(A1 > 0))
    dW1 = 1.0 / m * np.dot(dZ1, X.T)
    db1 = 4.0 / m * np.sum(dZ1, axis=1, keepdims=True)  # the second bug
    return {"dW1": dW1, "db1": db1, "dW2": dW2, "db2": db2, "dW3": dW3, "db3": db3}


def _forward_cache(X, params):
    """The course's ``forward_propagation_n`` cache, for its hand-written backward."""
    W1, b1, W2, b2, W3, b3 = (params[k] for k in ("W1", "b1", "W2", "b2", "W3", "b3"))
    Z1 = np.dot(W1, X) + b1
    A1 = np.maximum(0, Z1)
    Z2 = np.dot(W2, A1) + b2
    A2 = np.maximum(0, Z2)
    Z3 = np.dot(W3, A2) + b3
    A3 = 1 / (1 + np.exp(-Z3))
    return (Z1, A1, W1, b1, Z2, A2, W2, b2, Z3, A3, W3, b3)


@without_curve  # four numbers, not a training: nothing for --plot to draw
def gradient_check(*, print_cost: bool = False, file: TextIO | None = None, **_: Any):
    """Course 2, week 1, "Gradient Checking": the 1-D and the N-D checks.

    1-D: ``J = theta * x`` at theta = 4 with ``dtheta = x``, for x = 2 and x = 3. N-D: the
    network LINEAR -> RELU -> LINEAR -> RELU -> LINEAR -> SIGMOID with the course's 47
    parameters (``np.random.seed(1)``; x (4, 3), y = [1, 1, 0], then W1, b1, W2, b2, W3, b3),
    checked once with the course's hand-written backward (two planted bugs; the course prints
    0.2850931567761623) and once with autograd's gradients (below 2e-7).

    >>> result = gradient_check()
    >>> round(result.difference_bugged, 6), result.difference_autograd < 2e-7
    (0.285093, True)
    """
    start = time.perf_counter()
    d_x2 = gradient_difference(lambda theta: theta * 2.0, [4.0], grads=[2.0])
    d_x3 = gradient_difference(lambda theta: theta * 3.0, [4.0], grads=[3.0])

    x, y, params = _gradient_check_case()
    network = three_layer_network([4, 5, 3, 1], init="zeros")
    linears = [layer for layer in network.layers if isinstance(layer, nn.Linear)]
    for layer, n in zip(linears, (1, 2, 3), strict=True):
        layer.W.data = params[f"W{n}"].copy()  # (n_l, n_{l-1}), the course's W
        layer.b.data = params[f"b{n}"].reshape(-1).copy()  # the course's (n_l, 1) as (n_l,)
    X, Y = x.T, y.reshape(-1, 1)  # batch-first: (3, 4) and (3, 1)

    def cost(*_params):  # forward_propagation_n's cost; the parameters are the network's own
        return losses.binary_cross_entropy(network(X), Y)

    bugged = backward_propagation_n(x, y, _forward_cache(x, params))
    d_bugged = gradient_difference(cost, network, grads=bugged)
    d_autograd = gradient_difference(cost, network)
    # print_cost and file are accepted for the command line; the verdicts are its summary lines
    return GradientCheckResult(d_x2, d_x3, d_bugged, d_autograd, time.perf_counter() - start)


# -------------------------------------------------------------------------------------------------
# Mini-batch optimization
# -------------------------------------------------------------------------------------------------

_OPTIMIZERS = ("gd", "momentum", "adam")
_DECAY_INTERVALS = {"inverse-time": 1, "schedule": 1000}  # the epochs between decays


def _optimizer(kind: str, params, learning_rate, beta, beta1, beta2, epsilon) -> optim.Optimizer:
    if kind == "gd":
        return optim.SGD(params, lr=learning_rate)
    if kind == "momentum":  # v = beta v + (1 - beta) dW, v starting at zeros
        return optim.SGD(
            params, lr=learning_rate, momentum=beta, dampening=beta, buffer_init="zeros"
        )
    return optim.Adam(params, lr=learning_rate, betas=(beta1, beta2), eps=epsilon)


def optimization(
    optimizer: str = "adam",
    *,
    learning_rate: float = 0.0007,
    mini_batch_size: int = 64,
    beta: float = 0.9,
    beta1: float = 0.9,
    beta2: float = 0.999,
    epsilon: float = 1e-8,
    num_epochs: int = 5000,
    decay: str | None = None,
    decay_rate: float = 1.0,
    name: str | None = None,
    print_cost: bool = False,
    file: TextIO | None = None,
    **_: Any,
) -> Course2Result:
    """Course 2, week 2, "Optimization methods": [2, 5, 2, 1] on the moons, mini-batches of 64.

    He initialization after ``np.random.seed(3)``; each epoch draws the course's
    ``random_mini_batches`` (``np.random.seed(seed)`` with seed = 10 incremented before each
    epoch, ``np.random.permutation(m)``, consecutive slices, the last one partial) and updates
    after each mini-batch. The epoch's cost is the sum of the per-example losses over its
    mini-batches (each before its update) divided by m, printed every 1000 epochs.

    Args:
        optimizer: "gd", "momentum" (``SGD(momentum=beta, dampening=beta,
            buffer_init="zeros")``) or "adam".
        learning_rate: lr0.
        mini_batch_size, beta, beta1, beta2, epsilon, num_epochs: the course's.
        decay: None, "inverse-time" (``lr0 / (1 + decay_rate * epoch)``, after every epoch) or
            "schedule" (``lr0 / (1 + decay_rate * floor(epoch / 1000))``).
        decay_rate: the course's 1.
        name: the run's name in the result.

    >>> result = optimization("adam", num_epochs=1)
    >>> round(result.costs[0], 6)
    0.702166
    """
    if optimizer not in _OPTIMIZERS:
        raise ValueError(f"optimization: expected optimizer in {_OPTIMIZERS}, got {optimizer!r}.")
    if decay is not None and decay not in _DECAY_INTERVALS:
        raise ValueError(
            f"optimization: expected decay in {[None, *_DECAY_INTERVALS]}, got {decay!r}."
        )
    file = sys.stdout if file is None else file
    X, Y = data.load_moons(layout="batch")  # X (300, 2), Y (300, 1)
    m = X.shape[0]
    network = three_layer_network([X.shape[1], 5, 2, 1], init="he", rng=np.random.RandomState(3))
    opt = _optimizer(optimizer, network.parameters(), learning_rate, beta, beta1, beta2, epsilon)
    schedule = None
    if decay is not None:
        schedule = optim.InverseTimeDecay(opt, decay_rate, time_interval=_DECAY_INTERVALS[decay])
    costs: dict[int, float] = {}
    curve: dict[int, float] = {}
    learning_rates: dict[int, float] | None = {} if schedule is not None else None
    seed = 10
    start = time.perf_counter()
    i = 0
    try:
        for i in range(num_epochs):
            seed = seed + 1
            record = i % 100 == 0 or i % 1000 == 0
            cost_total = 0.0
            batches = data.minibatches(
                X, Y, mini_batch_size, seed=np.random.RandomState(seed), axis=0
            )
            for X_batch, Y_batch in batches:
                Z3 = _logits(network, X_batch)
                J = losses.binary_cross_entropy_with_logits(Z3, Y_batch)  # the course's 1./m in dz3
                if record:
                    cost_total += _course_cost(Z3, Y_batch, reduction="sum")  # compute_cost: a sum
                opt.zero_grad()
                J.backward()
                opt.step()
            if schedule is not None:
                schedule.step(i)  # the course: learning_rate = decay(learning_rate0, i, decay_rate)
            if record:
                cost_avg = cost_total / m
                if i % 100 == 0:
                    curve[i] = cost_avg
                if i % 1000 == 0:
                    costs[i] = cost_avg
                    if learning_rates is not None:
                        learning_rates[i] = opt.lr
                    if print_cost:
                        print(f"Cost after epoch {i}: {cost_avg:f}", file=file, flush=True)
                        if learning_rates is not None:
                            print(f"learning rate after epoch {i}: {opt.lr:f}", file=file)
    except KeyboardInterrupt as err:  # keep the costs so far (the command line prints them)
        history = train.History(costs, list(curve.values()), steps=opt.steps, unit="epoch")
        raise train.interrupted(
            name or f"opt-{optimizer}", history, i, num_epochs, curve=curve
        ) from err
    seconds = time.perf_counter() - start
    train_accuracy = _accuracies(network, X, Y, None)[0]
    return Course2Result(
        model=name or f"opt-{optimizer}",
        costs=costs,
        all_costs=list(curve.values()),
        train_accuracy=train_accuracy,
        test_accuracy=None,
        network=network,
        seconds=seconds,
        learning_rates=learning_rates,
        unit="epoch",
        curve=curve,
    )


def moons_trial(
    learning_rate: float,
    beta1: float = 0.9,
    beta2: float = 0.999,
    optimizer: str = "adam",
    num_epochs: int = 100,
    mini_batch_size: int = 64,
) -> dict[str, float]:
    """The Optimization assignment's model as a tuning trial for ``tune.random_search``.

    Trains ``optimization(optimizer, ...)`` and returns ``{"accuracy", "cost"}`` (the train
    accuracy and the last recorded epoch cost). A module-level function, so local processes and
    Dask workers can import it.

    >>> result = moons_trial(0.01, num_epochs=2)
    >>> sorted(result)
    ['accuracy', 'cost']
    """
    result = optimization(
        optimizer,
        learning_rate=learning_rate,
        beta=beta1,
        beta1=beta1,
        beta2=beta2,
        num_epochs=num_epochs,
        mini_batch_size=mini_batch_size,
    )
    return {"accuracy": result.train_accuracy, "cost": list(result.curve.values())[-1]}


# -------------------------------------------------------------------------------------------------
# The command-line runs
# -------------------------------------------------------------------------------------------------


def _run(fn: Callable[..., Any], name: str, **fixed: Any) -> Callable[..., Any]:
    """A registry entry: ``fn(**fixed, **options)``, with the command-line options it takes."""

    def run(
        *,
        data_dir=None,
        num_iterations: int | None = None,
        num_epochs: int | None = None,
        learning_rate: float | None = None,
        print_cost: bool = False,
        progress: bool | None = None,
    ):
        options: dict[str, Any] = dict(fixed, print_cost=print_cost)
        if fn is regularization:
            options["data_dir"] = data_dir
        if learning_rate is not None:
            options["learning_rate"] = learning_rate
        if fn is optimization:
            count = num_epochs if num_epochs is not None else num_iterations
            if count is not None:
                options["num_epochs"] = count
            options["name"] = name
        elif num_iterations is not None:
            options["num_iterations"] = num_iterations
        return fn(**options)

    run.__name__ = run.__qualname__ = name.replace("-", "_")
    if not has_curve(fn):
        without_curve(run)
    # The options this run uses (the command line refuses the others): only regularization reads
    # the course's data file; a run without training has no iterations or learning rate.
    run.__dict__["cli_options"] = (("data_dir",) if fn is regularization else ()) + (
        ("num_iterations", "learning_rate") if has_curve(fn) else ()
    )
    run.__doc__ = f"``tinygrad-edu course {name}``: {fn.__name__}({fixed})."
    return run


MODELS: dict[str, Callable[..., Any]] = {
    "init-zeros": _run(initialization, "init-zeros", kind="zeros"),
    "init-random": _run(initialization, "init-random", kind="random"),
    "init-he": _run(initialization, "init-he", kind="he"),
    "reg-baseline": _run(regularization, "reg-baseline"),
    "reg-l2": _run(regularization, "reg-l2", lambd=0.7),
    "reg-dropout": _run(regularization, "reg-dropout", keep_prob=0.86),
    "gradient-check": _run(gradient_check, "gradient-check"),
    "opt-gd": _run(optimization, "opt-gd", optimizer="gd"),
    "opt-momentum": _run(optimization, "opt-momentum", optimizer="momentum"),
    "opt-adam": _run(optimization, "opt-adam", optimizer="adam"),
    "opt-gd-decay": _run(
        optimization, "opt-gd-decay", optimizer="gd", learning_rate=0.1, decay="inverse-time"
    ),
    "opt-gd-schedule": _run(
        optimization, "opt-gd-schedule", optimizer="gd", learning_rate=0.1, decay="schedule"
    ),
    "opt-momentum-schedule": _run(
        optimization,
        "opt-momentum-schedule",
        optimizer="momentum",
        learning_rate=0.1,
        decay="schedule",
    ),
    "opt-adam-schedule": _run(
        optimization, "opt-adam-schedule", optimizer="adam", learning_rate=0.01, decay="schedule"
    ),
}
