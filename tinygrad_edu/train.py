"""A small training loop: ``fit`` (gradient descent, full-batch or on mini-batches, with a cost
history), ``predict``, ``accuracy``.

Layer: ``train``, above ``data`` (it validates inputs with ``data.validate_xy``) and ``optim``.

``fit`` is the course's ``for i in range(num_iterations)`` loop: forward, cost, backward, update.
The cost is computed before each update and recorded every ``print_every`` iterations and at the
last one; with ``print_cost=True`` it prints them as the course does::

    Cost after iteration 100: 0.672053

With ``batch_size=`` it is course 2's mini-batch loop instead: ``epochs`` passes over the shuffled
examples, one update per mini-batch, and the cost of each epoch (the mean over its examples)
recorded and printed as ``Cost after epoch 100: 0.672053``.

On a terminal a single progress line (iteration, cost, speed, time left) updates in place as well.

Ctrl-C is safe: an update is applied to every parameter or to none (a Ctrl-C that arrives during
``optimizer.step()`` takes effect when the step is done), and ``fit`` then raises
`TrainingInterrupted`, a ``KeyboardInterrupt`` that carries the costs recorded so far
(``err.history``) and says so on the console.
"""

from __future__ import annotations

import gc
import math
import signal
import sys
import threading
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TextIO

import numpy as np

from tinygrad_edu import debug, losses
from tinygrad_edu.data import validate_xy
from tinygrad_edu.engine import is_grad_enabled, no_grad
from tinygrad_edu.nn import Module
from tinygrad_edu.optim import SGD
from tinygrad_edu.tensor import Tensor

__all__ = ["History", "TrainingInterrupted", "accuracy", "fit", "interrupted", "predict"]

_BINARY_LOSSES = (losses.binary_cross_entropy, losses.binary_cross_entropy_with_logits)
# Losses known to want float labels: fit converts integer labels for them once, up front.
# Any other loss gets the labels as they were passed (e.g. class indices for cross_entropy).
_FLOAT_LABEL_LOSSES = (*_BINARY_LOSSES, losses.mse)


@dataclass
class History:
    """What ``fit`` recorded.

    Attributes:
        costs: ``{iteration: cost}`` at iterations 0, print_every, 2 * print_every, ... and the
            last one: the course's printed costs (each computed before that iteration's update).
            With mini-batches the keys are epochs and each cost is that epoch's mean cost.
        all_costs: the cost at every iteration (every epoch with mini-batches), in order.
        seconds: wall-clock time of the loop.
        stopped_early: True when a callback, a non-finite cost or Ctrl-C ended training early.
        steps: the number of updates applied (one per iteration, or one per mini-batch).
        interrupted: True when Ctrl-C ended training (see `TrainingInterrupted`).
        unit: ``"iteration"`` (full batch) or ``"epoch"`` (mini-batches): what the keys count.
    """

    costs: dict[int, float] = field(default_factory=dict)
    all_costs: list[float] = field(default_factory=list)
    seconds: float = 0.0
    stopped_early: bool = False
    steps: int = 0
    interrupted: bool = False
    unit: str = "iteration"

    @property
    def final_cost(self) -> float:
        """The last cost computed (before the last update)."""
        return self.all_costs[-1]


def _interactive() -> bool:
    """A REPL, ``python -i``, IPython or a notebook: where ``sys.last_value`` holds the exception
    that stopped a cell (a script or the command line has no such thing)."""
    if hasattr(sys, "ps1") or sys.flags.interactive:
        return True
    ipython = sys.modules.get("IPython")
    return ipython is not None and getattr(ipython, "get_ipython", lambda: None)() is not None


class TrainingInterrupted(KeyboardInterrupt):
    """Ctrl-C during `fit`, raised after the last completed update, with the history so far.

    It is a ``KeyboardInterrupt``, so a script (or a sweep calling ``fit`` in a loop) stops as
    before; catch it to keep going with the partly trained model::

        try:
            history = fit(model, loss, X, Y, lr=0.01, num_iterations=10_000)
        except TrainingInterrupted as err:
            history = err.history          # the costs so far; the model holds the last update

    Attributes:
        history: the `History` up to the interruption (``history.interrupted`` is True).
    """

    def __init__(self, message: str, history: History, curve: Any = None):
        super().__init__(message)
        self.history = history
        # What a cost plot of the run draws: {iteration: cost} when the run records costs only
        # every so often (the course's runs of courses 2-5), else the cost of every iteration.
        self.curve = history.all_costs if curve is None else curve

    def __reduce__(self):  # pickle and copy pass the history too (a process pool sends it back)
        return (type(self), (str(self), self.history, self.curve))


def interrupted(
    op: str,
    history: History,
    position: int,
    total: int,
    *,
    curve: Any = None,
    file: TextIO | None = None,
    whole_updates: bool = False,
) -> TrainingInterrupted:
    """The `TrainingInterrupted` to raise from a training loop of one's own on Ctrl-C.

    Marks ``history`` as interrupted, says on ``file`` (default ``sys.stderr``) where the run
    stopped and where its costs are, and returns the exception carrying them, so that nothing
    computed is lost (the command line prints them, in ``--json`` too, and plots ``curve``)::

        except KeyboardInterrupt as err:
            raise train.interrupted("my-run", History(costs, steps=i), i, n) from err

    Args:
        op: the run's name, first in the message.
        history: the costs so far (``steps`` the updates done).
        position: the iteration (epoch) in progress.
        total: how many the run was asked for.
        curve: what a cost plot draws, if not ``history.all_costs``.
        file: where the notice goes.
        whole_updates: the loop applies each update whole or not at all (`fit` does).

    >>> err = interrupted("run", History({0: 0.7}, [0.7], steps=3), 3, 10, file=sys.stdout)
    run: interrupted (Ctrl-C) in iteration 3 of 10; the 1 cost(s) recorded so far are in the \
exception's .history.
    >>> err.history.interrupted, err.history.costs
    (True, {0: 0.7})
    """
    history.stopped_early = history.interrupted = True
    kept = ""
    if whole_updates:
        kept = (
            f". The model keeps the parameters of the last completed update ({history.steps} "
            f"update{'s' * (history.steps != 1)}; an update is applied whole or not at all)"
        )
    notebook = " (in a notebook: import sys; sys.last_value.history)" if _interactive() else ""
    message = (
        f"{op}: interrupted (Ctrl-C) in {history.unit} {position} of {total}{kept}; the "
        f"{len(history.all_costs or history.costs)} cost(s) recorded so far are in the "
        f"exception's .history{notebook}."
    )
    notice = sys.stderr if file is None else file
    try:
        notice.write(message + "\n")
        notice.flush()
    except (OSError, ValueError):  # a closed or broken stream: the exception still says it
        pass
    return TrainingInterrupted(message, history, curve)


class _Progress:
    """One line that updates in place on a terminal; plain occasional lines elsewhere."""

    def __init__(self, total: int, file: TextIO, tty: bool, unit: str = "iteration"):
        self.total, self.file, self.tty, self.unit = total, file, tty, unit
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
            f"{self.unit} {done}/{self.total} ({100 * done // self.total}%)  cost {cost:.6f}  "
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


class _StepGuard:
    """Makes each ``optimizer.step()`` all-or-nothing under Ctrl-C.

    While it is active, SIGINT goes to ``_handle``: outside a step it interrupts at once (the
    previous handler runs, normally raising ``KeyboardInterrupt``), so a long forward or backward
    pass stops without delay and leaves the parameters untouched; inside a step it is held until
    the step has updated every parameter. Signals reach only the main thread, and only where a
    Python handler is installed, so elsewhere the guard does nothing.
    """

    def __init__(self) -> None:
        self.in_step = False
        self.pending: tuple[int, Any] | None = None
        self.previous: Any = None

    def __enter__(self) -> _StepGuard:
        if threading.current_thread() is threading.main_thread():
            previous = signal.getsignal(signal.SIGINT)
            if callable(previous):  # not SIG_IGN, SIG_DFL, or a handler set outside Python
                self.previous = previous
                signal.signal(signal.SIGINT, self._handle)
        return self

    def __exit__(self, *exc: Any) -> None:
        if self.previous is not None:
            signal.signal(signal.SIGINT, self.previous)
            self.previous = None

    def _handle(self, signum: int, frame: Any) -> None:
        if self.in_step:
            self.pending = (signum, frame)
        else:
            self.previous(signum, frame)

    def step(self, optimizer: Any, history: History) -> None:
        """``optimizer.step()``, counted in ``history.steps``; a Ctrl-C during it is delivered
        after it."""
        self.in_step = True
        try:
            optimizer.step()
            history.steps += 1
        finally:
            self.in_step = False
        if self.pending is not None:
            signum, frame = self.pending
            self.pending = None
            self.previous(signum, frame)


def _positive_int(op: str, name: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ValueError(f"{op}: expected {name} to be a positive int, got {value!r}.")
    return int(value)


def _shuffler(op: str, shuffle: Any, seed: Any) -> Callable[[int, int], np.ndarray]:
    """``order(epoch, m)``: the order of the m examples in that epoch."""
    if shuffle is False:
        return lambda epoch, m: np.arange(m)
    if shuffle == "course":
        # Course 2's model(): seed = 10, then each epoch seed += 1 and random_mini_batches calls
        # np.random.seed(seed); np.random.permutation(m). A RandomState gives the same order
        # without touching numpy's global random state.
        if seed is None:
            seed = 10
        if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
            raise TypeError(
                f"{op}: expected an int seed with shuffle='course' (course 2 uses seed = 10), "
                f"got {type(seed).__name__}."
            )
        if not 0 <= seed < 2**32 - 10**9:  # RandomState takes seed + 1 + epoch < 2**32
            raise ValueError(
                f"{op}: expected a seed in [0, 2**32 - 10**9) with shuffle='course' (course 2 "
                f"uses seed = 10; epoch e draws with seed + 1 + e), got {seed}."
            )
        return lambda epoch, m: np.random.RandomState(int(seed) + 1 + epoch).permutation(m)
    if shuffle is True:
        if isinstance(seed, (np.random.Generator, np.random.RandomState)):
            rng = seed
        else:
            try:
                rng = np.random.default_rng(seed)
            except (TypeError, ValueError) as err:
                raise type(err)(
                    f"{op}: expected seed to be None, an int >= 0 or a np.random.Generator, "
                    f"got {seed!r} ({' '.join(str(err).split())})."
                ) from None
        return lambda epoch, m: rng.permutation(m)
    raise ValueError(
        f"{op}: expected shuffle=True, False or 'course' (course 2's random_mini_batches order), "
        f"got {shuffle!r}."
    )


def fit(
    model: Callable[[Tensor], Tensor],
    loss_fn: Callable[[Tensor, Any], Tensor],
    X: Any,
    Y: Any,
    *,
    lr: float | None = None,
    optimizer: Any = None,
    num_iterations: int | None = None,
    batch_size: int | None = None,
    epochs: int | None = None,
    shuffle: bool | str = True,
    seed: Any = None,
    start: int = 0,
    print_every: int = 100,
    print_cost: bool = False,
    progress: bool | None = None,
    callback: Callable[[int, float], Any] | None = None,
    axis: int = 0,
    binary: bool | None = None,
    file: TextIO | None = None,
) -> History:
    """Train ``model`` by gradient descent on ``loss_fn(model(X), Y)``, full-batch or on
    mini-batches.

    Args:
        model: a ``Module`` (or any function of a Tensor) returning the predictions.
        loss_fn: e.g. ``losses.binary_cross_entropy``; called as ``loss_fn(model(X), Y)``. Y is
            passed as the loss accepts it: integer class indices stay integers (e.g. for
            ``losses.cross_entropy``); float labels, and labels of the binary cross-entropy
            losses and MSE, become a float tensor once.
        X: inputs; batch-first ``(m, n_x)`` by default (see ``axis``).
        Y: labels, ``(m, 1)`` batch-first (or ``(m,)`` class indices, ``(m, C)`` one-hot).
        lr: learning rate for a plain ``SGD(model.parameters(), lr)``. Give ``lr`` or
            ``optimizer``, not both.
        optimizer: any object with ``zero_grad()`` and ``step()`` (e.g. ``optim.SGD``).
        num_iterations: number of full-batch updates (default 1000). Not with ``epochs``.
        batch_size: examples per mini-batch; gives mini-batch gradient descent (one update per
            batch; the last batch of an epoch is smaller when it does not divide m).
        epochs: passes over the data with mini-batches (default 1 when ``batch_size`` is given;
            without ``batch_size`` each epoch is one full batch).
        shuffle: shuffle the examples every epoch: True (with ``seed``), False (keep their
            order) or ``"course"``: course 2's ``random_mini_batches`` order, epoch e drawn as
            ``np.random.seed(seed + 1 + e); np.random.permutation(m)`` (seed default 10, as
            course 2's ``model()``), without touching numpy's global random state.
        seed: for ``shuffle=True``: an int, None, or a ``np.random.Generator``/``RandomState``
            to draw the permutations from; for ``shuffle="course"``: the course's int seed.
        start: the iteration (epoch) to begin at, to resume a run checkpointed after iteration
            (epoch) ``start - 1``: the loop runs ``start`` .. ``num_iterations - 1`` (``epochs -
            1``), and costs are numbered and printed as in the uninterrupted run. Restore the
            model's and the optimizer's ``state_dict`` first (Adam's step count too); with
            mini-batches, the same ``seed`` (an int, or a generator seeded as before) gives
            the epochs the orders the uninterrupted run would have drawn, so the resumed run
            ends with exactly its parameters. Checkpoint from ``callback``, which runs after
            each iteration's (epoch's) updates.
        print_every: record (and print) the cost every this many iterations (epochs), and at
            the last.
        print_cost: print ``Cost after iteration i: cost`` (``epoch``) at the recorded ones.
        progress: show a progress line; ``None`` (default) shows it on a terminal only.
        callback: called as ``callback(i, cost)`` after every iteration (epoch); return True to
            stop.
        axis: the example axis of X and Y: 0 for batch-first, -1 for the course's ``(n_x, m)``.
        binary: require labels in {0, 1}; ``None`` requires them for the binary cross-entropy
            losses only.
        file: where to print (default ``sys.stdout``; the Ctrl-C notice goes to ``sys.stderr``).

    Returns:
        A ``History`` with the recorded costs.

    Raises:
        ValueError: bad X or Y (NaN/Inf, labels outside {0, 1} for a binary loss, different
            numbers of examples, no examples) or bad arguments; none of the optimizer's
            parameters gets a gradient from the cost (it would train nothing).
        TypeError: ``lr`` with a model that is not a ``Module``; an optimizer without
            ``zero_grad()`` and ``step()``; a ``loss_fn`` that returns no Tensor.
        TrainingInterrupted: Ctrl-C; the model keeps the last completed update and the
            exception's ``.history`` holds the costs so far.
        Exception: whatever the model, the loss or ``callback`` raises; once costs have been
            recorded, it carries them too (``err.history``), with a note saying where.

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
    print_every = _positive_int(op, "print_every", print_every)
    minibatch = batch_size is not None or epochs is not None
    if minibatch and num_iterations is not None:
        raise ValueError(
            f"{op}: expected num_iterations (full-batch updates) or epochs/batch_size "
            f"(mini-batches), got both. Pass epochs=N to make N passes over the data."
        )
    n_epochs = n_iterations = 0  # the count of the chosen kind of run, checked
    if minibatch:
        n_epochs = 1 if epochs is None else _positive_int(op, "epochs", epochs)
        if batch_size is not None:
            batch_size = _positive_int(op, "batch_size", batch_size)
        order = _shuffler(op, shuffle, seed)
    else:
        n_iterations = 1000 if num_iterations is None else num_iterations
        n_iterations = _positive_int(op, "num_iterations", n_iterations)
    total = n_epochs if minibatch else n_iterations
    kind = "epochs" if minibatch else "num_iterations"
    if (
        isinstance(start, bool)
        or not isinstance(start, (int, np.integer))
        or not (0 <= start < total)
    ):
        raise ValueError(
            f"{op}: expected start (the {'epoch' if minibatch else 'iteration'} to resume at) to "
            f"be an int in [0, {kind}={total}), got {start!r}. {kind} counts the whole run, the "
            f"part before start included."
        )
    start = int(start)
    if (lr is None) == (optimizer is None):
        raise ValueError(
            f"{op}: expected exactly one of lr and optimizer, got "
            f"{'neither' if lr is None else 'both'}. Pass lr=0.0075 for plain gradient descent, "
            f"or optimizer=SGD(model.parameters(), lr=..., momentum=...)."
        )
    if optimizer is None:
        assert lr is not None  # exactly one of them, checked above
        if not isinstance(model, Module):
            raise TypeError(
                f"{op}: expected a Module when lr is given (its parameters are updated), got "
                f"{type(model).__name__}. For a plain function pass optimizer=SGD([W, b, ...], lr)."
            )
        optimizer = SGD(model.parameters(), lr)
    missing = [
        name for name in ("zero_grad", "step") if not callable(getattr(optimizer, name, None))
    ]
    if missing:
        raise TypeError(
            f"{op}: expected an optimizer with zero_grad() and step(), got a "
            f"{type(optimizer).__name__} without {' and '.join(missing)}(). Pass e.g. "
            f"optimizer=SGD(model.parameters(), lr=0.01)."
        )
    if binary is None:
        binary = loss_fn in _BINARY_LOSSES
    X_data = X.data if isinstance(X, Tensor) else np.asarray(X)
    Y_data = Y.data if isinstance(Y, Tensor) else np.asarray(Y)
    m = validate_xy(X_data, Y_data, binary=binary, axis=axis)
    # Labels once in the inputs' float dtype, so the loss need not convert them every
    # iteration; integer labels only for the losses known to want floats.
    y_dtype = X_data.dtype if X_data.dtype.kind == "f" else np.float64
    float_labels = Y_data.dtype.kind == "f" or loss_fn in _FLOAT_LABEL_LOSSES

    def labels(Y_part: np.ndarray) -> Any:
        return Tensor(Y_part, dtype=y_dtype) if float_labels else Y_part

    out = sys.stdout if file is None else file
    tty = bool(getattr(out, "isatty", lambda: False)())
    if progress is None:
        progress = tty
    history = History(unit="epoch" if minibatch else "iteration")
    grad_mode, collecting = is_grad_enabled(), gc.isenabled()
    np_errors, np_call = np.geterr(), np.geterrcall()  # put back after Ctrl-C, as the two above
    started = time.perf_counter()
    bar = None
    guard = _StepGuard()
    position = [0]  # the iteration (epoch) in progress, for the Ctrl-C message
    try:
        with guard:
            if minibatch:
                size = m if batch_size is None else min(batch_size, m)
                batches = -(-m // size)
                if progress:
                    bar = _Progress((n_epochs - start) * batches, out, tty, unit="batch")
                run = _run_minibatches(
                    model, loss_fn, X_data, Y_data, labels, optimizer, guard, history, bar,
                    epochs=n_epochs, start=start, size=size, order=order, axis=axis, m=m,
                    print_every=print_every, print_cost=print_cost, callback=callback,
                    out=out, position=position,
                )  # fmt: skip
            else:
                if progress:
                    bar = _Progress(n_iterations - start, out, tty)
                X_t = X if isinstance(X, Tensor) else Tensor(X_data)
                Y_t = Y if isinstance(Y, Tensor) else labels(Y_data)
                run = _run_full_batch(
                    model, loss_fn, X_t, Y_t, optimizer, guard, history, bar,
                    num_iterations=n_iterations, start=start, print_every=print_every,
                    print_cost=print_cost, callback=callback, out=out, position=position,
                )  # fmt: skip
            if run is not None:  # a non-finite cost: warn from here, pointing at the caller
                warnings.warn(run, RuntimeWarning, stacklevel=2)
    except KeyboardInterrupt as err:
        # A Ctrl-C that lands inside bookkeeping outside the engine's own try/finally (an op's
        # np.errstate, a no_grad block's enter) could leave grad mode, the garbage collector or
        # numpy's error handling changed for the rest of the session: put them back as fit found
        # them.
        debug._set_grad_enabled(grad_mode)  # (keeps debug._plain in step with the thread's mode)
        if collecting:
            gc.enable()
        np.seterr(**np_errors)  # a Ctrl-C inside an np.errstate's own enter or exit leaves it set
        np.seterrcall(np_call)
        if bar is not None:
            bar.clear()
        history.seconds = time.perf_counter() - started
        raise interrupted(
            "fit", history, position[0], total, file=file, whole_updates=True
        ) from err
    except Exception as err:
        # An error in the model, the loss or the callback after some updates: the costs so far
        # stay reachable (err.history), and a note under the traceback says where it stopped.
        if history.all_costs:
            history.seconds = time.perf_counter() - started
            history.stopped_early = True
            try:
                err.history = history  # type: ignore[attr-defined]
            except AttributeError:  # an exception type with __slots__
                pass
            else:  # add_note: Python 3.11 and later show it under the traceback
                getattr(err, "add_note", lambda note: None)(
                    f"fit: stopped by this error in {history.unit} {position[0]} of {total}, "
                    f"after {history.steps} update(s); the {len(history.all_costs)} cost(s) "
                    f"recorded so far are in the exception's .history."
                )
        raise
    finally:
        if bar is not None:
            bar.clear()
    history.seconds = time.perf_counter() - started
    return history


def _diverged(op: str, cost: float, unit: str, i: int) -> str:
    return (
        f"{op}: the cost became {cost} at {unit} {i}; training stopped. A learning rate that is "
        f"too large makes gradient descent diverge (try one ten times smaller); a probability "
        f"of exactly 0 or 1 makes log(0) (use binary_cross_entropy_with_logits)."
    )


def _run_full_batch(
    model, loss_fn, X, Y, optimizer, guard, history, bar, *, num_iterations, start, print_every,
    print_cost, callback, out, position,
) -> str | None:  # fmt: skip
    """The course's loop; returns a warning message if the cost became non-finite."""
    last = num_iterations - 1
    for i in range(start, num_iterations):
        position[0] = i
        J = _cost(loss_fn, model(X), Y)
        cost = J.item()
        history.all_costs.append(cost)
        _record(history, i, cost, last, print_every, print_cost, bar, out)
        if not math.isfinite(cost):
            history.costs[i] = cost
            history.stopped_early = True
            return _diverged("fit", cost, "iteration", i)
        optimizer.zero_grad()
        J.backward()
        if i == start:
            _check_gradients(optimizer)
        guard.step(optimizer, history)
        if bar is not None:
            bar.update(i - start, cost)
        if _stop(callback, history, i, cost, last):
            break
    return None


def _run_minibatches(
    model, loss_fn, X_data, Y_data, labels, optimizer, guard, history, bar, *, epochs, start,
    size, order, axis, m, print_every, print_cost, callback, out, position,
) -> str | None:  # fmt: skip
    """Course 2's loop: per epoch, shuffle, one update per mini-batch; the epoch's cost is the
    mean over its examples (each batch's mean cost weighted by its size)."""
    last = epochs - 1
    step = 0
    for epoch in range(start):  # resuming: draw the orders of the epochs done before
        order(epoch, m)
    for epoch in range(start, epochs):
        position[0] = epoch
        perm = order(epoch, m)
        total = 0.0
        for begin in range(0, m, size):
            idx = perm[begin : begin + size]
            Xb = Tensor(np.take(X_data, idx, axis=axis))
            J = _cost(loss_fn, model(Xb), labels(np.take(Y_data, idx, axis=axis)))
            cost = J.item()
            if not math.isfinite(cost):
                history.all_costs.append(cost)
                history.costs[epoch] = cost
                history.stopped_early = True
                return _diverged("fit", cost, f"epoch {epoch}, mini-batch", begin // size)
            total += cost * len(idx)
            optimizer.zero_grad()
            J.backward()
            if step == 0:
                _check_gradients(optimizer)
            guard.step(optimizer, history)
            if bar is not None:
                bar.update(step, cost)
            step += 1
        cost = total / m
        history.all_costs.append(cost)
        _record(history, epoch, cost, last, print_every, print_cost, bar, out)
        if _stop(callback, history, epoch, cost, last):
            break
    return None


def _cost(loss_fn, A, Y) -> Tensor:
    """``loss_fn(A, Y)``, checked to be the scalar cost tensor that backward starts from."""
    J = loss_fn(A, Y)
    if not isinstance(J, Tensor):
        raise TypeError(
            f"fit: expected loss_fn to return the cost J as a Tensor, got "
            f"{type(J).__name__}. Compute it with tensor operations (e.g. "
            f"losses.binary_cross_entropy(A, Y)), not with floats or numpy."
        )
    return J


def _check_gradients(optimizer) -> None:
    """After the first backward: the optimizer updates nothing if none of its parameters got a
    gradient (built over another model's parameters, or a model that ignores them)."""
    params = getattr(optimizer, "params", None)
    if params and all(getattr(p, "_grad", None) is None for p in params):
        raise ValueError(
            f"fit: expected the cost to depend on the optimizer's parameters, got no gradient for "
            f"any of its {len(params)}: training would change nothing. Build the optimizer over "
            f"this model's parameters: optimizer=SGD(model.parameters(), lr=...)."
        )


def _record(history, i, cost, last, print_every, print_cost, bar, out) -> None:
    """Both loops' bookkeeping of iteration (or epoch) i's cost: kept in ``history.costs``
    every ``print_every`` and at the last, and then printed as the course prints it."""
    if i % print_every == 0 or i == last:
        history.costs[i] = cost
        if print_cost:
            if bar is not None:
                bar.clear()
            out.write(f"Cost after {history.unit} {i}: {cost:f}\n")


def _stop(callback, history, i, cost, last) -> bool:
    """Whether ``callback(i, cost)`` asked to stop (returned True); an early stop if so."""
    if callback is not None and callback(i, cost) is True:
        history.stopped_early = i != last
        return True
    return False


def predict(
    model: Callable[[Tensor], Tensor], X: Any, threshold: float = 0.5, *, axis: int = 0
) -> np.ndarray:
    """Class predictions: ``A > threshold`` for one output (the course's ``A > 0.5``), the
    argmax for several.

    Runs without recording a graph, in evaluation mode for a ``Module``.

    - One output per example (``A (m, 1)`` batch-first, ``(1, m)`` in the course's layout, or
      ``(m,)``): 0/1 floats of A's shape, 1 where ``A > threshold``. For a model that outputs
      logits Z rather than probabilities, pass ``threshold=0.0``.
    - Several outputs per example (``A (m, C)``, or ``(C, m)`` with ``axis=-1``): the index of
      the largest, an int64 array ``(m,)``, as integer class labels are given to
      ``losses.cross_entropy``.

    Args:
        model: a ``Module`` or function returning the outputs.
        X: the inputs, examples along ``axis``.
        threshold: the decision threshold of a single output.
        axis: the example axis of X and of the outputs: 0 batch-first, -1 the course's layout.

    Raises:
        ValueError: the outputs do not hold X's m examples along ``axis`` (the hint says which
            axis does).

    Warns:
        RuntimeWarning: some outputs are NaN or infinite (their predictions mean nothing).

    >>> from tinygrad_edu import nn
    >>> predict(nn.Sigmoid(), np.array([[-2.0], [0.0], [3.0]]))
    array([[0.],
           [0.],
           [1.]])
    >>> predict(nn.Identity(), np.array([[0.1, 2.0, 0.3], [5.0, 1.0, 0.0]]))
    array([1, 0])
    """
    X_data = X.data if isinstance(X, Tensor) else np.asarray(X)
    training = model if isinstance(model, Module) and model.training else None
    if training is not None:
        training.eval()
    try:
        with no_grad():
            outputs = model(X if isinstance(X, Tensor) else Tensor(X_data))
    finally:
        if training is not None:
            training.train()
    A = outputs.data if isinstance(outputs, Tensor) else np.asarray(outputs)
    if A.dtype.kind in "fc" and not np.isfinite(A).all():
        bad = int((~np.isfinite(A)).sum())
        warnings.warn(
            f"predict: {bad} of the model's {A.size} outputs are NaN or infinite (a diverged "
            f"training, or NaN inputs); a NaN output counts as below the threshold, and as the "
            f"largest for the argmax, so those predictions mean nothing.",
            RuntimeWarning,
            stacklevel=2,
        )
    m = X_data.shape[axis] if X_data.ndim else 1
    class_axis = -1 if axis == 0 else 0
    one_output = A.ndim <= 1 or A.shape[class_axis] == 1
    if one_output or (A.ndim == 2 and A.shape[axis] == 1 and m != 1):  # (1, m): course layout
        return (A > threshold).astype(np.float64)
    if A.shape[axis] != m:
        other = -1 if axis == 0 else 0
        hint = ""
        if X_data.ndim >= 2 and A.shape[other] == X_data.shape[other]:
            layout = "the course's (n_x, m)" if other == -1 else "batch-first (m, n_x)"
            hint = f" X and the outputs look {layout}: pass axis={other}."
        raise ValueError(
            f"predict: expected the model's outputs to hold the {m} examples of X along axis "
            f"{axis}, got outputs of shape {A.shape}.{hint}"
        )
    return np.argmax(A, axis=class_axis).reshape(m)


def accuracy(predictions: Any, Y: Any) -> float:
    """The fraction of predictions equal to the labels, in [0, 1] (the course prints it x 100).

    Predictions and labels of the same shape are compared element by element. Class
    predictions ``(m,)`` (from `predict` on a multi-class model) are compared with integer
    labels ``(m,)``, a column ``(m, 1)`` or a row ``(1, m)`` of them, or one-hot rows ``(m, C)``.

    Raises:
        ValueError: the shapes do not match (with a hint for rank-1 and transposed arrays), or
            there are no predictions.

    >>> accuracy(np.array([[1, 0, 1, 1]]), np.array([[1, 0, 0, 1]]))
    0.75
    >>> accuracy(np.array([2, 0, 1]), np.eye(3)[[2, 1, 1]])   # one-hot labels
    0.6666666666666666
    """
    P = np.asarray(predictions.data if isinstance(predictions, Tensor) else predictions)
    Y = np.asarray(Y.data if isinstance(Y, Tensor) else Y)
    if P.ndim == 1 and P.dtype.kind in "iu" and P.shape != Y.shape and Y.ndim == 2:
        m = P.shape[0]
        if Y.shape in ((m, 1), (1, m)):
            Y = Y.reshape(m)
        elif Y.shape[0] == m and Y.shape[1] > 1:
            Y = np.argmax(Y, axis=1)  # one-hot rows
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
