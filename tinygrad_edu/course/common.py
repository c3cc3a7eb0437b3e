"""What every course run returns, and how its numbers are printed.

Layer: ``course``.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from tinygrad_edu import nn

_Run = TypeVar("_Run", bound=Callable[..., Any])


def without_curve(run: _Run) -> _Run:
    """Mark a course run that computes an assignment's values and trains nothing (a decorator):
    ``has_curve(run)`` is then False and the command line refuses ``--plot`` for it.

    >>> @without_curve
    ... def values(**_): ...
    >>> has_curve(values)
    False
    """
    run.__dict__["has_curve"] = False  # a function attribute (typed code cannot assign one)
    return run


def has_curve(run: Callable[..., Any]) -> bool:
    """Whether a course run trains, so that ``--plot`` has a cost curve to draw.

    A run that only computes an assignment's values (``conv-step-by-step``, ``rnn-step-by-step``,
    ``gradient-check``) is marked with ``@without_curve`` (the attribute ``has_curve = False`` on
    its function); the command line then refuses ``--plot`` before running it.

    >>> def values(**_): ...
    >>> values.has_curve = False
    >>> has_curve(values), has_curve(lambda **_: None)
    (False, True)
    """
    return bool(getattr(run, "has_curve", True))


def percent(fraction: float) -> str:
    """A percentage as the course prints it (99.04306220095694 %), minus float noise: 249/400
    gives 62.25 %, not 62.25000000000001 % (100 * 0.6225 is not exact in binary).

    >>> percent(249 / 400)
    '62.25 %'
    """
    value = 100 * fraction
    short = float(f"{value:.12g}")
    return f"{short if abs(short - value) <= 4 * math.ulp(value) else value} %"


@dataclass
class ValuesResult:
    """What a run returns that computes an assignment's values without training (its function
    declares ``has_curve = False``): the values, keyed as ``--json`` prints them.

    Attributes:
        values: ``{key: value}`` in the assignment's order; arrays as nested lists.
        model: the run's name, e.g. ``"conv-step-by-step"``.
    """

    values: dict[str, Any]
    model: str = ""

    def to_json(self) -> dict[str, Any]:
        """``{"model": ..., key: value, ...}``."""
        return {"model": self.model, **self.values}

    def curves(self) -> dict:
        """Nothing to plot: no training happens."""
        return {}


@dataclass
class CourseResult:
    """One trained course model.

    Attributes:
        model: the course model's name, e.g. ``"deep"``.
        costs: ``{iteration: cost}`` as the course prints them (before that iteration's update).
        all_costs: the cost at every iteration (for plots).
        train_accuracy: fraction of training examples classified right, in [0, 1].
        test_accuracy: the same on the test set; None for the planar models (no test set).
        network: the trained ``nn.Module``.
        seconds: training time.
        pictures: draws the run's other pictures next to the cost curve's file (the planar
            model's decision boundary, the cat models' mislabelled test images): called with
            that path, returns ``[(what, path written), ...]``. None: no other pictures.
    """

    model: str
    costs: dict[int, float]
    all_costs: list[float]
    train_accuracy: float
    test_accuracy: float | None
    network: nn.Module
    seconds: float
    pictures: Callable[[Path], list[tuple[str, Path]]] | None = field(default=None, repr=False)

    def extra_pictures(self, plot_path: str | Path) -> list[tuple[str, Path]]:
        """What ``--plot`` draws besides the cost curve: ``[(what, path), ...]`` (may be empty)."""
        return self.pictures(Path(plot_path)) if self.pictures is not None else []

    def to_json(self) -> dict[str, Any]:
        """The ``--json`` object: model, costs (keys as strings) and accuracies as fractions."""
        out: dict[str, Any] = {
            "model": self.model,
            "costs": {str(i): c for i, c in self.costs.items()},
            "train_accuracy": self.train_accuracy,
        }
        if self.test_accuracy is not None:
            out["test_accuracy"] = self.test_accuracy
        return out

    def summary_lines(self) -> list[str]:
        """What the command line prints after training (the costs were printed during it)."""
        lines = [f"Train accuracy: {percent(self.train_accuracy)}"]
        if self.test_accuracy is not None:
            lines.append(f"Test accuracy: {percent(self.test_accuracy)}")
        lines.append(f"({self.seconds:.1f} s)")
        return lines

    def curves(self) -> Any:
        """What ``--plot`` draws: the cost at every iteration."""
        return self.all_costs


@dataclass
class SweepResult:
    """Several trainings of one model that differ in one setting (e.g. the hidden-layer size).

    Attributes:
        model: the run's name, e.g. ``"planar-sweep"``.
        setting: what differs between the trainings, e.g. ``"n_h"``.
        results: ``{value: CourseResult}`` in the order trained.
    """

    model: str
    setting: str
    results: dict[Any, CourseResult]

    def to_json(self) -> dict[str, Any]:
        """``{"model": ..., "sizes": {value: {costs, accuracies}}}``."""
        sizes = {}
        for value, result in self.results.items():
            entry = result.to_json()
            del entry["model"]
            sizes[str(value)] = entry
        return {"model": self.model, "sizes": sizes}

    def summary_lines(self) -> list[str]:
        """The course's line per size: ``Accuracy for 4 hidden units: 90.5 %``."""
        return [
            f"Accuracy for {value} hidden units: {percent(r.train_accuracy)}"
            for value, r in self.results.items()
        ]

    def curves(self) -> Any:
        """One cost curve per setting, labelled ``n_h = 4``."""
        return {f"{self.setting} = {value}": r.all_costs for value, r in self.results.items()}
