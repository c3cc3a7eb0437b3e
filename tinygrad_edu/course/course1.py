"""Course 1, "Neural networks and deep learning": its models, reproduced with autograd.

Layer: ``course``. See the package docstring for the table of runs.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from tinygrad_edu import data, losses, nn, train
from tinygrad_edu.course.common import CourseResult, SweepResult


def _beside(plot_path: Path, what: str) -> Path:
    """``costs.png`` -> ``costs_boundary.png``: another picture next to the cost curve."""
    return plot_path.with_name(f"{plot_path.stem}_{what}{plot_path.suffix or '.png'}")


def _boundary_pictures(network: nn.Module, X, Y, title: str):
    """The planar model's decision boundary, as the course draws it after training."""

    def draw(plot_path: Path) -> list[tuple[str, Path]]:
        from tinygrad_edu import viz  # matplotlib is optional: import when drawing

        path = viz.plot_decision_boundary(network, X, Y, _beside(plot_path, "boundary"),
                                          title=title)  # fmt: skip
        return [("Decision boundary", path)]

    return draw


def _mislabeled_pictures(network: nn.Module, test):
    """The test images the cat model gets wrong, as the course's print_mislabeled_images."""

    def draw(plot_path: Path) -> list[tuple[str, Path]]:
        from tinygrad_edu import viz  # matplotlib is optional: import when drawing

        X, Y = test
        predictions = train.predict(network, X)
        path = viz.plot_mislabeled(X, Y, predictions, ("non-cat", "cat"),
                                   _beside(plot_path, "mislabeled"))  # fmt: skip
        return [("Mislabelled test images", path)]

    return draw


SWEEP_SIZES = (1, 2, 3, 4, 5, 20, 50)


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
    pictures: Callable | None = None,
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
        pictures=pictures,
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
        pictures=_mislabeled_pictures(network, test),
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
        pictures=_boundary_pictures(
            network, X, Y, f"Decision boundary for hidden layer size {n_h}"
        ),
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
        pictures=_mislabeled_pictures(network, test),
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
        pictures=_mislabeled_pictures(network, test),
        **show,
    )


def _planar_sweep_run(
    *, num_iterations: int = 5000, learning_rate: float = 1.2, **show: Any
) -> SweepResult:
    """``course planar-sweep``: the course prints only each size's accuracy, no costs."""
    show["print_cost"] = False
    results = planar_sweep(num_iterations=num_iterations, learning_rate=learning_rate, **show)
    return SweepResult("planar-sweep", "n_h", results)


MODELS: dict[str, Callable[..., Any]] = {
    "logistic-regression": logistic_regression,
    "planar": planar,
    "planar-sweep": _planar_sweep_run,
    "two-layer": two_layer,
    "deep": deep,
}
