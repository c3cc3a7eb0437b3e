"""``Optimizer``: the base class of the optimizers (parameter checks, ``zero_grad``, state).

Layer: ``optim``. An optimizer reads each parameter's ``.grad`` (filled by ``J.backward()``) and
replaces ``.data`` with a new array computed by plain numpy arithmetic, so an update records no
graph and needs no ``no_grad()``; a graph recorded before the step keeps the values it saw.

Every optimizer keeps its hyperparameters as attributes (``opt.lr`` may be changed between steps;
a learning-rate schedule does exactly that) and its per-parameter state (velocities, moment
estimates) in ``opt.state[i]``, a dict of arrays with the parameter's shape and dtype (and, for
Adam, ``"step"``: the 0-d count of the updates this parameter received, PyTorch's ``step``). Both go
into ``state_dict()`` as one flat dict of numeric arrays, which ``tinygrad_edu.save`` writes:

    ``{"lr": array(0.001), "betas": array([0.9, 0.999]), ..., "state.0.exp_avg": array(...)}``

so that training resumes exactly after ``load_state_dict``.
"""

from __future__ import annotations

import inspect
import math
from collections.abc import Iterable
from typing import Any

import numpy as np

from tinygrad_edu.tensor import Tensor


def _check_number(op: str, name: str, value, low: float, high: float | None, rule: str) -> float:
    """``value`` as a float in ``[low, high)`` (``high`` None: no upper bound)."""
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"{op}: expected {name} to be a number, got {type(value).__name__}.")
    value = float(value)
    if not math.isfinite(value) or value < low or (high is not None and value >= high):
        raise ValueError(f"{op}: expected {name} {rule}, got {value}.")
    return value


def _check_lr(op: str, lr) -> float:
    lr = _check_number(op, "lr", lr, 0.0, None, "> 0 (the learning rate alpha)")
    if lr == 0.0:
        raise ValueError(f"{op}: expected lr > 0 (the learning rate alpha), got 0.0.")
    return lr


def _check_params(op: str, params: Iterable[Tensor]) -> list[Tensor]:
    """The parameters as a list of distinct leaf tensors that require grad."""
    if isinstance(params, Tensor):
        raise TypeError(
            f"{op}: expected an iterable of tensors, got a single Tensor. Wrap it in a list: "
            f"{op}([W], lr=...)."
        )
    params = list(params)
    if not params:
        raise ValueError(
            f"{op}: expected at least one parameter, got an empty list. If you passed "
            f"model.parameters(), does the model have any layers with weights?"
        )
    seen = set()
    for i, p in enumerate(params):
        if not isinstance(p, Tensor):
            raise TypeError(f"{op}: expected tensors, got {type(p).__name__} at position {i}.")
        if not p.requires_grad or not p.is_leaf:
            raise ValueError(
                f"{op}: expected leaf tensors that require grad, got one at position {i} "
                f"that {'is not a leaf' if not p.is_leaf else 'does not require grad'}. "
                f"Pass the parameters themselves (Tensor(..., requires_grad=True) or "
                f"model.parameters())."
            )
        if id(p) in seen:
            raise ValueError(
                f"{op}: expected each parameter once, got the one at position {i} twice; "
                f"it would be updated twice per step."
            )
        seen.add(id(p))
    return params


class Optimizer:
    """Base class: holds the parameters, their per-parameter state and the hyperparameters.

    A subclass lists its hyperparameter attribute names in ``hyperparameters`` (saved by
    ``state_dict``) and defines ``step()``. ``_grads()`` yields each parameter that has a
    gradient, with the gradient in the parameter's dtype, so no optimizer ever changes a
    parameter's dtype.

    Attributes:
        params: the tensors updated by ``step()``, in the order given.
        state: one dict per parameter (``state[i]["exp_avg"]`` ...), empty until the first step.
        steps: how many times ``step()`` ran (Adam's t for a parameter updated at every step;
            ``state[i]["step"]`` counts each parameter's own updates).
    """

    hyperparameters: tuple[str, ...] = ("lr",)
    lr: float  # every optimizer has a learning rate (set by the subclass's __init__)
    maximize: bool = False  # PyTorch's: step along +dW (gradient ascent); set by the subclass
    # hyperparameters added later: a state saved before them loads with these values
    _added_later: dict[str, Any] = {"maximize": False}

    def __init__(self, params: Iterable[Tensor]):
        self.params: list[Tensor] = _check_params(type(self).__name__, params)
        self.state: list[dict[str, np.ndarray]] = [{} for _ in self.params]
        self.steps = 0

    def step(self) -> None:
        """Update every parameter that has a gradient; parameters without one are left alone.

        Raises:
            NotImplementedError: the subclass does not define ``step``.
        """
        raise NotImplementedError(
            f"{type(self).__name__}: an optimizer must define step(self), updating each parameter "
            f"from its gradient (see SGD; self._grads() yields (i, parameter, gradient))."
        )

    def zero_grad(self) -> None:
        """Forget every parameter's gradient (``.grad = None``) before the next backward."""
        for p in self.params:
            p.grad = None

    def _grads(self):
        """``(i, p, g)`` for each parameter with a gradient; ``g`` in ``p``'s dtype (``-dW`` with
        ``maximize``)."""
        for i, p in enumerate(self.params):
            g = p.grad
            if g is None:
                continue
            if isinstance(g, Tensor):  # a gradient kept as a Tensor (create_graph=True)
                g = g.data
            dtype = p.data.dtype
            if g.dtype != dtype:
                g = g.astype(dtype)
            if self.maximize:  # PyTorch negates the gradient first, before any weight decay
                g = -g
            # After model.to(np.float32) the state follows the parameter: a float64 velocity
            # would make the update, and so the parameter, float64 again.
            for key, value in self.state[i].items():
                if value.dtype.kind == "f" and value.dtype != dtype:
                    self.state[i][key] = value.astype(dtype)
            yield i, p, g

    # -- saving and resuming ----------------------------------------------------------------------

    def state_dict(self) -> dict[str, np.ndarray]:
        """Hyperparameters, the step count and every state array, as one flat dict of arrays.

        Copies: later steps do not change a state you saved. ``tinygrad_edu.save(opt, path)``
        writes it (``save`` calls ``state_dict()``).

        >>> from tinygrad_edu.optim import SGD
        >>> opt = SGD([Tensor([1.0], requires_grad=True)], lr=0.1, momentum=0.9)
        >>> sorted(opt.state_dict())
        ['dampening', 'lr', 'maximize', 'momentum', 'nesterov', 'steps', 'weight_decay']
        """
        out = {name: np.array(getattr(self, name)) for name in self.hyperparameters}
        out["steps"] = np.array(self.steps, dtype=np.int64)
        for i, entries in enumerate(self.state):
            for key, value in entries.items():
                out[f"state.{i}.{key}"] = np.array(value, copy=True)
        return out

    def load_state_dict(self, state: dict[str, Any]) -> None:
        """Restore a ``state_dict()`` of the same optimizer class over the same parameters.

        Hyperparameters (the learning rate too), the step count and the per-parameter state
        are restored, so the next ``step()`` is exactly the one the saved optimizer would have
        taken.

        Raises:
            ValueError: listing every missing or unexpected key and every shape or dtype that
                does not match the parameters; nothing is changed then.
        """
        op = f"{type(self).__name__}.load_state_dict"
        values = {k: np.asarray(v.data if isinstance(v, Tensor) else v) for k, v in state.items()}
        for name, default in self._added_later.items():
            if name in self.hyperparameters and name not in values:
                values[name] = np.asarray(default)  # a state saved before the option existed
        expected = [*self.hyperparameters, "steps"]
        problems = [f"  missing from the state: {k}" for k in expected if k not in values]
        loaded: list[dict[str, np.ndarray]] = [{} for _ in self.params]
        for key, value in values.items():
            if key in expected:
                continue
            parts = key.split(".")
            if len(parts) != 3 or parts[0] != "state" or not parts[1].isdigit():
                problems.append(f"  unexpected in the state: {key}")
                continue
            i = int(parts[1])
            if i >= len(self.params):
                problems.append(
                    f"  {key}: parameter {i} does not exist (this optimizer has "
                    f"{len(self.params)} parameters)"
                )
                continue
            p = self.params[i]
            if parts[2] == "step":  # a per-parameter step count (Adam's t), PyTorch's "step"
                if value.shape != () or value.dtype.kind not in "iu" or int(value) < 0:
                    problems.append(
                        f"  {key}: expected a step count >= 0 (a 0-d integer), got shape "
                        f"{value.shape} and dtype {value.dtype}"
                    )
                else:
                    loaded[i]["step"] = value.astype(np.int64)
            elif value.shape != p.shape:
                problems.append(
                    f"  shape differs at {key}: parameter {p.shape}, state {value.shape}"
                )
            elif value.dtype != p.dtype:
                problems.append(
                    f"  dtype differs at {key}: parameter {p.dtype}, state {value.dtype}"
                )
            else:
                loaded[i][parts[2]] = value.copy()
        hyper: dict[str, Any] = {}
        if not problems:
            hyper, more = self._loaded_hyperparameters(values)
            problems += more
        if problems:
            raise ValueError(
                f"{op}: expected the state_dict() of a {type(self).__name__} over these "
                f"{len(self.params)} parameters, got {len(problems)} difference(s); nothing was "
                f"loaded:\n" + "\n".join(problems)
            )
        for name, value in hyper.items():
            setattr(self, name, value)
        self.steps = int(values["steps"])
        self.state = loaded

    def _loaded_hyperparameters(self, values: dict[str, np.ndarray]) -> tuple[dict, list[str]]:
        """The saved hyperparameters as Python values, checked by the constructor's own rules
        (a crafted or damaged file must not set a NaN or negative learning rate), and the
        problems found (``"  <key>: ..."`` lines)."""
        hyper: dict[str, Any] = {}
        problems = []
        for name in self.hyperparameters:
            current = getattr(self, name)
            value = values[name]
            want = (len(current),) if isinstance(current, tuple) else ()
            if value.shape != want or value.dtype.kind not in "biuf":
                problems.append(
                    f"  {name}: expected {'a number' if not want else f'{want[0]} numbers'}, got "
                    f"shape {value.shape} and dtype {value.dtype}"
                )
            elif isinstance(current, bool):
                hyper[name] = bool(value)
            elif isinstance(current, tuple):
                hyper[name] = tuple(float(v) for v in value)
            else:
                hyper[name] = float(value)
        steps = values["steps"]
        if steps.shape != () or steps.dtype.kind not in "iu" or int(steps) < 0:
            problems.append(f"  steps: expected a count >= 0 (a 0-d integer), got {steps!r}")
        if not problems and "lr" in hyper and not 0 <= hyper["lr"] < np.inf:
            problems.append(f"  lr: expected a finite learning rate >= 0, got {hyper['lr']}")
        if not problems and self.params:
            # The constructor's own checks (betas in [0, 1), eps > 0, ...). A schedule may have
            # set lr to 0 (a warm-up's first step), which the constructor refuses as a starting
            # rate, so lr, checked above, is stood in for there.
            # A subclass whose constructor does not take its hyperparameters by name (its own
            # optimizer, say, with learning_rate=) cannot be asked: its state loads unchecked.
            check = {**hyper, "lr": hyper["lr"] or 1.0} if "lr" in hyper else hyper
            try:
                inspect.signature(type(self)).bind([self.params[0]], **check)
            except TypeError:
                return hyper, problems
            try:
                type(self)([self.params[0]], **check)
            except (TypeError, ValueError) as err:
                problems.append(f"  a hyperparameter the constructor refuses: {err}")
        return hyper, problems

    def __repr__(self) -> str:
        settings = ", ".join(f"{name}={getattr(self, name)}" for name in self.hyperparameters)
        return f"{type(self).__name__}({len(self.params)} parameters, {settings})"
