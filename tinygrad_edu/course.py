"""The course's models, reproduced with autograd: ``tinygrad-edu course NAME``.

Layer: ``course``, above ``train`` and ``viz``. Each model is a short function that builds the
course's network from ``nn`` layers, initializes it in the course's order, trains it with
``train.fit`` (autograd computes every gradient; there is no hand-written backprop) in float64,
and returns the costs and accuracies the course prints:

=====================  ===================================  ==========  ===========================
NAME                   network                              iterations  the course reports
=====================  ===================================  ==========  ===========================
logistic-regression    12288 -> 1 sigmoid, w = b = 0        2000        train 99.04 %, test 70 %
planar                 2 -> 4 tanh -> 1 sigmoid             10000       90.75 % (printed "90%")
planar-sweep           hidden sizes 1, 2, 3, 4, 5, 20, 50   5000 each   67.5, 67.25, 90.75, ... %
two-layer              12288 -> 7 relu -> 1 sigmoid         2500        train 100 %, test 72 %
deep                   12288 -> 20 -> 7 -> 5 -> 1           2500        train 98.56 %, test 80 %
=====================  ===================================  ==========  ===========================

Layers are batch-first (``X (m, 12288)``), but W has the course's shape ``(n_out, n_in)`` and is
drawn in the course's order: ``np.random.RandomState(seed).randn(...)`` layer after layer gives
the same numbers as the course's ``np.random.seed(seed)`` then ``np.random.randn(...)``, without
changing numpy's global random state. Costs are computed before each update and recorded every
100 iterations (1000 for the planar models) and at the last one, as the course prints them.

The cat models need the course's ``train_catvnoncat.h5`` and ``test_catvnoncat.h5``: pass
``data_dir`` (``--data DIR``) or set ``TINYGRAD_EDU_DATA``.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from tinygrad_edu import data, losses, nn, train

__all__ = [
    "MODELS",
    "CourseResult",
    "add_parser",
    "deep",
    "logistic_regression",
    "planar",
    "planar_sweep",
    "run",
    "two_layer",
]

SWEEP_SIZES = (1, 2, 3, 4, 5, 20, 50)


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
    """

    model: str
    costs: dict[int, float]
    all_costs: list[float]
    train_accuracy: float
    test_accuracy: float | None
    network: nn.Module
    seconds: float

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


def _train(
    name: str,
    network: nn.Module,
    X,
    Y,
    test,
    *,
    learning_rate: float,
    num_iterations: int,
    print_every: int,
    **show: Any,
) -> CourseResult:
    """Gradient descent on the course's cost, then the accuracies. ``test`` is (X, Y) or None;
    ``show`` holds ``fit``'s display options (print_cost, progress, file)."""
    history = train.fit(
        network,
        losses.binary_cross_entropy,
        X,
        Y,
        lr=learning_rate,
        num_iterations=num_iterations,
        print_every=print_every,
        **show,
    )
    test_accuracy = None
    if test is not None:
        test_accuracy = train.accuracy(train.predict(network, test[0]), test[1])
    return CourseResult(
        model=name,
        costs=history.costs,
        all_costs=history.all_costs,
        train_accuracy=train.accuracy(train.predict(network, X), Y),
        test_accuracy=test_accuracy,
        network=network,
        seconds=history.seconds,
    )


def _cats(data_dir) -> tuple[np.ndarray, np.ndarray, tuple[np.ndarray, np.ndarray]]:
    """The cat images batch-first: X (209, 12288), Y (209, 1) and the test pair, float64."""
    cats = data.load_catvnoncat(data_dir, layout="batch")
    return cats.train_x, cats.train_y, (cats.test_x, cats.test_y)


def logistic_regression(
    data_dir=None, *, num_iterations: int = 2000, learning_rate: float = 0.005, **show: Any
) -> CourseResult:
    """Week 2: logistic regression on cat vs non-cat, w and b starting at zero.

    ``Linear(12288, 1)`` holds the course's ``w.T`` as ``W (1, 12288)``; ``Z = X @ W.T + b`` is
    the course's ``w.T @ X + b`` with examples in rows. ``show``: ``print_cost``, ``progress``,
    ``file``, as for ``train.fit``.

    >>> result = logistic_regression(num_iterations=1)  # doctest: +SKIP
    >>> round(result.costs[0], 6)  # doctest: +SKIP
    0.693147
    """
    X, Y, test = _cats(data_dir)
    network = nn.Sequential(nn.Linear(12288, 1, init="zeros"), nn.Sigmoid())
    return _train(
        "logistic-regression",
        network,
        X,
        Y,
        test,
        learning_rate=learning_rate,
        num_iterations=num_iterations,
        print_every=100,
        **show,
    )


def planar_network(n_x: int, n_h: int, rng=None) -> nn.Sequential:
    """Week 3's LINEAR -> TANH -> LINEAR -> SIGMOID, weights ``randn * 0.01`` (W1, then W2).

    >>> planar_network(2, 4, np.random.RandomState(2))
    Sequential(
      (0): Linear(n_in=2, n_out=4, init='course_small')
      (1): Tanh()
      (2): Linear(n_in=4, n_out=1, init='course_small')
      (3): Sigmoid()
    )
    """
    return nn.Sequential(
        nn.Linear(n_x, n_h, init="course_small", rng=rng), nn.Tanh(),
        nn.Linear(n_h, 1, init="course_small", rng=rng), nn.Sigmoid(),
    )  # fmt: skip


def planar(
    n_h: int = 4, *, num_iterations: int = 10000, learning_rate: float = 1.2, **show: Any
) -> CourseResult:
    """Week 3: one hidden tanh layer on the planar flower (data seed 1, weights seed 2).

    >>> result = planar(num_iterations=1)
    >>> round(result.costs[0], 6)
    0.693048
    """
    X, Y = data.planar_flower(seed=1, layout="batch")  # X (400, 2), Y (400, 1)
    network = planar_network(X.shape[1], n_h, rng=np.random.RandomState(2))
    return _train(
        "planar",
        network,
        X,
        Y,
        None,
        learning_rate=learning_rate,
        num_iterations=num_iterations,
        print_every=1000,
        **show,
    )


def planar_sweep(
    sizes=SWEEP_SIZES, *, num_iterations: int = 5000, learning_rate: float = 1.2, **show: Any
) -> dict[int, CourseResult]:
    """Week 3's hidden-layer-size sweep: ``planar(n_h)`` for each size, 5000 iterations each.

    >>> results = planar_sweep((1, 2), num_iterations=1)
    >>> sorted(results), results[2].network[0].W.shape
    ([1, 2], (2, 2))
    """
    return {
        n_h: planar(n_h, num_iterations=num_iterations, learning_rate=learning_rate, **show)
        for n_h in sizes
    }


def deep_network(layers_dims, init: str = "course_deep", rng=None) -> nn.Sequential:
    """Week 4's [LINEAR -> RELU] * (L-1) -> LINEAR -> SIGMOID for ``layers_dims = [n_x, ..., 1]``.

    >>> deep_network([12288, 7, 1], init="course_small")
    Sequential(
      (0): Linear(n_in=12288, n_out=7, init='course_small')
      (1): ReLU()
      (2): Linear(n_in=7, n_out=1, init='course_small')
      (3): Sigmoid()
    )
    """
    layers: list[nn.Module] = []
    for n_in, n_out in zip(layers_dims[:-1], layers_dims[1:], strict=True):
        layers += [nn.Linear(n_in, n_out, init=init, rng=rng), nn.ReLU()]
    layers[-1] = nn.Sigmoid()  # the output layer's activation
    return nn.Sequential(*layers)


def two_layer(
    data_dir=None, *, num_iterations: int = 2500, learning_rate: float = 0.0075, **show: Any
) -> CourseResult:
    """Week 4: the two-layer cat model 12288-7-1, ``randn * 0.01`` after seed 1."""
    X, Y, test = _cats(data_dir)
    network = deep_network([12288, 7, 1], init="course_small", rng=np.random.RandomState(1))
    return _train(
        "two-layer",
        network,
        X,
        Y,
        test,
        learning_rate=learning_rate,
        num_iterations=num_iterations,
        print_every=100,
        **show,
    )


def deep(
    data_dir=None, *, num_iterations: int = 2500, learning_rate: float = 0.0075, **show: Any
) -> CourseResult:
    """Week 4: the four-layer cat model 12288-20-7-5-1, ``randn / sqrt(n_in)`` after seed 1."""
    X, Y, test = _cats(data_dir)
    network = deep_network([12288, 20, 7, 5, 1], init="course_deep", rng=np.random.RandomState(1))
    return _train(
        "deep",
        network,
        X,
        Y,
        test,
        learning_rate=learning_rate,
        num_iterations=num_iterations,
        print_every=100,
        **show,
    )


MODELS: dict[str, Callable[..., Any]] = {
    "logistic-regression": logistic_regression,
    "planar": planar,
    "planar-sweep": planar_sweep,
    "two-layer": two_layer,
    "deep": deep,
}
_CAT_MODELS = ("logistic-regression", "two-layer", "deep")


# -------------------------------------------------------------------------------------------------
# The command line: tinygrad-edu course NAME
# -------------------------------------------------------------------------------------------------


def _positive(kind: type) -> Callable[[str], Any]:
    def parse(text: str):
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a {kind.__name__}, got {text!r}") from None
        if not value > 0:
            raise argparse.ArgumentTypeError(f"expected a positive number, got {text!r}")
        return value

    parse.__name__ = kind.__name__
    return parse


def add_parser(subparsers) -> argparse.ArgumentParser:
    """Register ``course NAME [--data DIR] [--iterations N] [--learning-rate LR] [--json]
    [--plot FILE]`` on the ``tinygrad-edu`` command line."""
    parser = subparsers.add_parser(
        "course",
        help="reproduce one of the course's models with autograd",
        description="Train one of the course's models with autograd, in float64 from the "
        "course's initialization, and print its costs and accuracies.",
    )
    parser.add_argument(
        "name", choices=list(MODELS), metavar="NAME", help="one of: " + ", ".join(MODELS)
    )
    parser.add_argument(
        "--data",
        metavar="DIR",
        default=None,
        help="folder holding train_catvnoncat.h5 and test_catvnoncat.h5 "
        f"(default: ${data.DATA_ENV_VAR})",
    )
    parser.add_argument(
        "--iterations",
        type=_positive(int),
        metavar="N",
        default=None,
        help="number of iterations (default: the course's)",
    )
    parser.add_argument(
        "--learning-rate",
        type=_positive(float),
        metavar="LR",
        default=None,
        help="learning rate (default: the course's)",
    )
    parser.add_argument(
        "--json", action="store_true", help="print one JSON object with the costs and accuracies"
    )
    parser.add_argument(
        "--plot",
        metavar="FILE",
        default=None,
        help="save the cost curve to FILE (.png, .svg, .pdf; needs matplotlib)",
    )
    parser.set_defaults(run=run)
    return parser


def _percent(fraction: float) -> str:
    """A percentage as the course prints it (99.04306220095694 %), minus float noise: 249/400
    gives 62.25 %, not 62.25000000000001 % (100 * 0.6225 is not exact in binary)."""
    percent = 100 * fraction
    short = float(f"{percent:.12g}")
    return f"{short if abs(short - percent) <= 4 * math.ulp(percent) else percent} %"


def run(args: argparse.Namespace) -> int:
    """Train the model ``args.name`` and report it; returns the exit code."""
    name = args.name
    options: dict[str, Any] = {
        "print_cost": not args.json,
        "progress": None if not args.json else False,
    }
    if args.iterations is not None:
        options["num_iterations"] = args.iterations
    if args.learning_rate is not None:
        options["learning_rate"] = args.learning_rate
    if name in _CAT_MODELS:
        options["data_dir"] = args.data
    if name == "planar-sweep":
        options["print_cost"] = False  # the course prints only each size's accuracy
    try:
        result = MODELS[name](**options)
    except (FileNotFoundError, ImportError) as err:  # no cat data, or no h5py to read it
        print(f"tinygrad-edu course {name}: {err}", file=sys.stderr)
        return 2

    if name == "planar-sweep":
        report = {"model": name, "sizes": {str(n): r.to_json() for n, r in result.items()}}
        for entry in report["sizes"].values():
            del entry["model"]
        curves = {f"n_h = {n}": r.all_costs for n, r in result.items()}
        if not args.json:
            for n_h, r in result.items():
                print(f"Accuracy for {n_h} hidden units: {_percent(r.train_accuracy)}")
    else:
        report = result.to_json()
        curves = result.all_costs
        if not args.json:
            print(f"Train accuracy: {_percent(result.train_accuracy)}")
            if result.test_accuracy is not None:
                print(f"Test accuracy: {_percent(result.test_accuracy)}")
            print(f"({result.seconds:.1f} s)")
    if args.json:
        print(json.dumps(report))
    if args.plot:
        try:
            from tinygrad_edu.viz import plot_costs  # matplotlib is optional: import when asked
        except ImportError as err:
            print(f"tinygrad-edu course {name}: --plot: {err}", file=sys.stderr)
            return 1
        try:
            plot_costs(curves, args.plot, title=f"{name}: cost per iteration")
        except ImportError as err:
            print(f"tinygrad-edu course {name}: --plot: {err}", file=sys.stderr)
            return 1
        if not args.json:
            print(f"Cost curve written to {args.plot}")
    return 0
