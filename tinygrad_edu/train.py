"""A small training loop: ``fit`` (batch gradient descent with a cost history), ``predict``,
``accuracy``.

Layer: ``train``, above ``data`` (it validates inputs with ``data.validate_xy``) and ``optim``.

``fit`` is the course's ``for i in range(num_iterations)`` loop: forward, cost, backward, update.
The cost is computed before each update and recorded every ``print_every`` iterations and at the
last one; with ``print_cost=True`` it prints them as the course does::

    Cost after iteration 100: 0.672053

On a terminal a single progress line (iteration, cost, speed, time left) updates in place as well.
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

from tinygrad_edu import losses
from tinygrad_edu.data import validate_xy
from tinygrad_edu.engine import no_grad
from tinygrad_edu.nn import Module
from tinygrad_edu.optim import SGD
from tinygrad_edu.tensor import Tensor

__all__ = ["History", "accuracy", "fit", "predict"]

_BINARY_LOSSES = (losses.binary_cross_entropy, losses.binary_cross_entropy_with_logits)


@dataclass
class History:
    """What ``fit`` recorded.

    Attributes:
        costs: ``{iteration: cost}`` at iterations 0, print_every, 2 * print_every, ... and the
            last one: the course's printed costs (each computed before that iteration's update).
        all_costs: the cost at every iteration, in order.
        seconds: wall-clock time of the loop.
        stopped_early: True when a callback or a non-finite cost ended training early.
    """

    costs: dict[int, float] = field(default_factory=dict)
    all_costs: list[float] = field(default_factory=list)
    seconds: float = 0.0
    stopped_early: bool = False

    @property
    def final_cost(self) -> float:
        """The last cost computed (before the last update)."""
        return self.all_costs[-1]


class _Progress:
    """One line that updates in place on a terminal; plain occasional lines elsewhere."""

    def __init__(self, total: int, file: TextIO, tty: bool):
        self.total, self.file, self.tty = total, file, tty
        self.start = self.last_draw = time.perf_counter()
        self.every = max(1, total // 10)  # plain mode: about ten lines per run
        self.drawn = False

    def update(self, i: int, cost: float) -> None:
        now = time.perf_counter()
        done = i + 1
        if self.tty:
            if now - self.last_draw < 0.1 and done != self.total:
                return  # redrawing more often costs time and shows nothing new
        elif done % self.every and done != self.total:
            return
        self.last_draw = now
        rate = done / max(now - self.start, 1e-9)
        left = (self.total - done) / rate
        text = (
            f"iteration {done}/{self.total} ({100 * done // self.total}%)  cost {cost:.6f}  "
            f"{rate:.0f} it/s  {left:.0f} s left"
        )
        if self.tty:
            width = 24
            filled = width * done // self.total
            bar = "#" * filled + "-" * (width - filled)
            self.file.write(f"\r\x1b[K[{bar}] {text}")
            self.drawn = True
        else:
            self.file.write(text + "\n")
        self.file.flush()

    def clear(self) -> None:
        """Erase the progress line (before a permanent line is printed, and at the end)."""
        if self.tty and self.drawn:
            self.file.write("\r\x1b[K")
            self.file.flush()
            self.drawn = False


def _positive_int(op: str, name: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ValueError(f"{op}: expected {name} to be a positive int, got {value!r}.")
    return int(value)


def fit(
    model: Callable[[Tensor], Tensor],
    loss_fn: Callable[[Tensor, Any], Tensor],
    X: Any,
    Y: Any,
    *,
    lr: float | None = None,
    optimizer: Any = None,
    num_iterations: int = 1000,
    print_every: int = 100,
    print_cost: bool = False,
    progress: bool | None = None,
    callback: Callable[[int, float], Any] | None = None,
    axis: int = 0,
    binary: bool | None = None,
    file: TextIO | None = None,
) -> History:
    """Train ``model`` by full-batch gradient descent on ``loss_fn(model(X), Y)``.

    Args:
        model: a ``Module`` (or any function of a Tensor) returning the predictions.
        loss_fn: e.g. ``losses.binary_cross_entropy``; called as ``loss_fn(model(X), Y)``.
        X: inputs; batch-first ``(m, n_x)`` by default (see ``axis``).
        Y: labels, ``(m, 1)`` batch-first.
        lr: learning rate for a plain ``SGD(model.parameters(), lr)``. Give ``lr`` or
            ``optimizer``, not both.
        optimizer: any object with ``zero_grad()`` and ``step()`` (e.g. ``optim.SGD``).
        num_iterations: number of updates.
        print_every: record (and print) the cost every this many iterations, and at the last.
        print_cost: print ``Cost after iteration i: cost`` at the recorded iterations.
        progress: show a progress line; ``None`` (default) shows it on a terminal only.
        callback: called as ``callback(i, cost)`` after every update; return True to stop.
        axis: the example axis of X and Y: 0 for batch-first, -1 for the course's ``(n_x, m)``.
        binary: require labels in {0, 1}; ``None`` requires them for the binary cross-entropy
            losses only.
        file: where to print (default ``sys.stdout``).

    Returns:
        A ``History`` with the recorded costs.

    Raises:
        ValueError: bad X or Y (NaN/Inf, labels outside {0, 1} for a binary loss, different
            numbers of examples, no examples) or bad arguments.

    >>> from tinygrad_edu import nn
    >>> X, Y = np.array([[0.0], [1.0], [2.0], [3.0]]), np.array([[0], [0], [1], [1]])
    >>> model = nn.Sequential(nn.Linear(1, 1, init="zeros"), nn.Sigmoid())
    >>> history = fit(model, losses.binary_cross_entropy, X, Y, lr=0.5, num_iterations=201,
    ...               print_cost=True)
    Cost after iteration 0: 0.693147
    Cost after iteration 100: 0.141309
    Cost after iteration 200: 0.090916
    """
    op = "fit"
    num_iterations = _positive_int(op, "num_iterations", num_iterations)
    print_every = _positive_int(op, "print_every", print_every)
    if (lr is None) == (optimizer is None):
        raise ValueError(
            f"{op}: expected exactly one of lr and optimizer, got "
            f"{'neither' if lr is None else 'both'}. Pass lr=0.0075 for plain gradient descent, "
            f"or optimizer=SGD(model.parameters(), lr=..., momentum=...)."
        )
    if optimizer is None:
        if not isinstance(model, Module):
            raise TypeError(
                f"{op}: expected a Module when lr is given (its parameters are updated), got "
                f"{type(model).__name__}. For a plain function pass optimizer=SGD([W, b, ...], lr)."
            )
        optimizer = SGD(model.parameters(), lr)
    if binary is None:
        binary = loss_fn in _BINARY_LOSSES
    X_data = X.data if isinstance(X, Tensor) else np.asarray(X)
    Y_data = Y.data if isinstance(Y, Tensor) else np.asarray(Y)
    validate_xy(X_data, Y_data, binary=binary, axis=axis)
    X = X if isinstance(X, Tensor) else Tensor(X_data)
    # Labels once in the inputs' float dtype, so the loss need not convert them every iteration.
    y_dtype = X_data.dtype if X_data.dtype.kind == "f" else np.float64
    Y = Y if isinstance(Y, Tensor) else Tensor(Y_data, dtype=y_dtype)

    out = sys.stdout if file is None else file
    if progress is None:
        progress = bool(getattr(out, "isatty", lambda: False)())
    tty = bool(getattr(out, "isatty", lambda: False)())
    bar = _Progress(num_iterations, out, tty) if progress else None

    history = History()
    last = num_iterations - 1
    start = time.perf_counter()
    try:
        for i in range(num_iterations):
            J = loss_fn(model(X), Y)
            cost = J.item()
            history.all_costs.append(cost)
            if i % print_every == 0 or i == last:
                history.costs[i] = cost
                if print_cost:
                    if bar is not None:
                        bar.clear()
                    out.write(f"Cost after iteration {i}: {cost:f}\n")
            if not math.isfinite(cost):
                history.costs[i] = cost
                warnings.warn(
                    f"{op}: the cost became {cost} at iteration {i}; training stopped. A "
                    f"learning rate that is too large makes gradient descent diverge (try one ten "
                    f"times smaller); a probability of exactly 0 or 1 makes log(0) (use "
                    f"binary_cross_entropy_with_logits).",
                    RuntimeWarning,
                    stacklevel=2,
                )
                history.stopped_early = True
                break
            optimizer.zero_grad()
            J.backward()
            optimizer.step()
            if bar is not None:
                bar.update(i, cost)
            if callback is not None and callback(i, cost) is True:
                history.stopped_early = i != last
                break
    finally:
        if bar is not None:
            bar.clear()
    history.seconds = time.perf_counter() - start
    return history


def predict(model: Callable[[Tensor], Tensor], X: Any, threshold: float = 0.5) -> np.ndarray:
    """0/1 predictions: 1 where ``model(X) > threshold`` (the course's ``A > 0.5``).

    Runs without recording a graph, in evaluation mode for a ``Module``. For a model that
    outputs logits Z rather than probabilities, pass ``threshold=0.0``.

    >>> from tinygrad_edu import nn
    >>> predict(nn.Sigmoid(), np.array([[-2.0], [0.0], [3.0]]))
    array([[0.],
           [0.],
           [1.]])
    """
    was_training = model.training if isinstance(model, Module) else None
    if was_training:
        model.eval()
    try:
        with no_grad():
            A = model(X if isinstance(X, Tensor) else Tensor(np.asarray(X)))
    finally:
        if was_training:
            model.train()
    A = A.data if isinstance(A, Tensor) else np.asarray(A)
    return (A > threshold).astype(np.float64)


def accuracy(predictions: Any, Y: Any) -> float:
    """The fraction of predictions equal to the labels, in [0, 1] (the course prints it x 100).

    >>> accuracy(np.array([[1, 0, 1, 1]]), np.array([[1, 0, 0, 1]]))
    0.75
    """
    P = np.asarray(predictions.data if isinstance(predictions, Tensor) else predictions)
    Y = np.asarray(Y.data if isinstance(Y, Tensor) else Y)
    if P.shape != Y.shape:
        hint = ""
        if P.size == Y.size:
            hint = (
                " They hold as many values: reshape one to the other's shape (a rank-1 (m,) or a "
                "transposed (1, m) vs (m, 1) array)."
            )
        raise ValueError(
            f"accuracy: expected predictions and Y of the same shape, got {P.shape} and "
            f"{Y.shape}.{hint}"
        )
    if P.size == 0:
        raise ValueError("accuracy: expected at least one prediction, got an empty array.")
    return float(np.mean(P == Y))
