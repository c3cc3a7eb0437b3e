"""The course's other pictures: decision boundaries, activation functions and mislabelled images.

Layer: ``viz`` (matplotlib, an optional extra). Each function returns a ``Figure`` (shown inline in
Jupyter) or, given a path, writes the file and returns its path.

- ``plot_decision_boundary(model, X, Y)``: the classes a model predicts over the plane, with the
  data on top (week 3's planar network and logistic regression);
- ``plot_activations()``: sigmoid, tanh, ReLU and leaky ReLU with their derivatives, the
  derivatives computed by autograd (week 3's activation functions);
- ``plot_mislabeled(X, Y, predictions, classes)``: the images a classifier gets wrong, with what
  it predicted and what they are (week 4's ``print_mislabeled_images``).
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from tinygrad_edu.engine import no_grad
from tinygrad_edu.tensor import Tensor
from tinygrad_edu.viz.plots import finish, new_figure

# -------------------------------------------------------------------------------------------------
# Decision boundaries
# -------------------------------------------------------------------------------------------------


def _points(X: Any, layout: str | None) -> np.ndarray:
    """X as ``(m, 2)`` points, from the batch-first ``(m, 2)`` or the course's ``(2, m)``."""
    X = np.asarray(X.data if isinstance(X, Tensor) else X, dtype=np.float64)
    if X.ndim != 2 or 2 not in X.shape:
        raise ValueError(
            f"plot_decision_boundary: expected 2-D points X of shape (m, 2) (or the course's "
            f"(2, m)), got {X.shape}."
        )
    if layout is None:
        if X.shape == (2, 2):
            raise ValueError(
                "plot_decision_boundary: X has shape (2, 2), which reads both ways; pass "
                "layout='batch' (one point per row) or layout='course' (one per column)."
            )
        layout = "batch" if X.shape[1] == 2 else "course"
    if layout not in ("batch", "course"):
        raise ValueError(
            f"plot_decision_boundary: expected layout 'batch' or 'course', got {layout!r}."
        )
    if layout == "course":
        X = X.T
    if X.shape[1] != 2:
        raise ValueError(
            f"plot_decision_boundary: expected {'(2, m)' if layout == 'course' else '(m, 2)'} "
            f"points for layout={layout!r}, got {X.T.shape if layout == 'course' else X.shape}."
        )
    return X


def _predict(model: Callable, points: np.ndarray) -> np.ndarray:
    """The model's outputs on ``points`` (n, 2), as a flat array of n numbers."""
    was_training = getattr(model, "training", None)  # a Module, or anything with these three
    to_eval, to_train = getattr(model, "eval", None), getattr(model, "train", None)
    if was_training and callable(to_eval):
        to_eval()
    try:
        with no_grad():
            out = model(points)  # numpy in, as the course's predict; modules take arrays too
    finally:
        if was_training and callable(to_train):
            to_train()
    out = np.asarray(out.data if isinstance(out, Tensor) else out, dtype=np.float64)
    if out.size != len(points):
        raise ValueError(
            f"plot_decision_boundary: the model should give one number per point: for points of "
            f"shape {points.shape} it returned shape {out.shape}."
        )
    return out.reshape(-1)


def plot_decision_boundary(
    model: Callable,
    X: Any,
    Y: Any,
    path: str | os.PathLike | None = None,
    *,
    title: str | None = None,
    layout: str | None = None,
    threshold: float = 0.5,
    resolution: int = 400,
    margin: float = 1.0,
):
    """The classes ``model`` predicts over the plane, with the points ``X`` coloured by ``Y``.

    As the course's ``plot_decision_boundary``: the plane from each coordinate's minimum - 1 to
    maximum + 1 is filled with the predicted class (``model(points) > threshold``), in the
    course's Spectral colours, and the data is drawn on top; the boundary itself is a black line.

    Args:
        model: a batch-first model (an ``nn.Module`` or any function) taking points ``(n, 2)``
            and returning one probability (or score) per point. Modules run in eval mode without
            recording a graph.
        X: the data points: ``(m, 2)``, or the course's ``(2, m)``.
        Y: their labels 0/1 (any shape with m elements).
        path: the image file; without it the figure is returned.
        title: the chart title, e.g. ``"Decision boundary for hidden layer size 4"``.
        layout: ``"batch"`` or ``"course"`` when X's shape does not tell (a (2, 2) X).
        threshold: the probability above which a point is class 1 (0.0 for a model of logits).
        resolution: grid points along each axis (the course steps by 0.01).
        margin: how far the plane reaches beyond the data, in data units (the course's 1).

    Returns:
        The path of the written file, or the ``Figure`` when ``path`` is None.

    Raises:
        ValueError: X is not 2-D points, Y does not hold one label per point, or the model does
            not give one number per point.
        ImportError: matplotlib is not installed.

    >>> X = np.array([[-1.0, 0.0], [1.0, 0.0], [-2.0, 1.0], [2.0, -1.0]])
    >>> Y = np.array([[0], [1], [0], [1]])
    >>> fig = plot_decision_boundary(lambda P: P[:, 0:1] > 0, X, Y)
    >>> [float(x) for x in fig.axes[0].get_xlim()]
    [-3.0, 3.0]
    """
    points = _points(X, layout)
    labels = np.asarray(Y.data if isinstance(Y, Tensor) else Y).reshape(-1)
    if labels.size != len(points):
        raise ValueError(
            f"plot_decision_boundary: expected one label per point ({len(points)}), got Y with "
            f"{labels.size} values."
        )
    if resolution < 2:
        raise ValueError(f"plot_decision_boundary: expected resolution >= 2, got {resolution}.")
    x_min, x_max = float(points[:, 0].min() - margin), float(points[:, 0].max() + margin)
    y_min, y_max = float(points[:, 1].min() - margin), float(points[:, 1].max() + margin)
    xx, yy = np.meshgrid(np.linspace(x_min, x_max, resolution),
                         np.linspace(y_min, y_max, resolution))  # fmt: skip
    grid = np.c_[xx.ravel(), yy.ravel()]  # (resolution**2, 2)
    scores = _predict(model, grid).reshape(xx.shape)
    classes = (scores > threshold).astype(np.float64)

    fig = new_figure("plot_decision_boundary", figsize=(6.0, 5.0))
    ax = fig.add_subplot()
    ax.contourf(xx, yy, classes, levels=[-0.5, 0.5, 1.5], cmap="Spectral", vmin=0, vmax=1)
    if 0 < classes.mean() < 1:
        ax.contour(xx, yy, classes, levels=[0.5], colors="black", linewidths=1.0)
    ax.scatter(points[:, 0], points[:, 1], c=labels.astype(np.float64), cmap="Spectral",
               vmin=0, vmax=1, s=28, edgecolors="black", linewidths=0.5)  # fmt: skip
    ax.set_xlim(x_min, x_max)
    ax.set_ylim(y_min, y_max)
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    if title:
        ax.set_title(title)
    fig.tight_layout()
    return finish(fig, path)


# -------------------------------------------------------------------------------------------------
# Activation functions
# -------------------------------------------------------------------------------------------------


def activation_curves(
    z: Any = None, slope: float = 0.01
) -> dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """``{name: (z, a, da/dz)}`` for sigmoid, tanh, ReLU and leaky ReLU; da/dz by autograd.

    >>> curves = activation_curves(np.array([-1.0, 0.0, 2.0]))
    >>> curves["ReLU"][2]  # relu'(0) = 0, as the course's relu_backward
    array([0., 0., 1.])
    """
    z = np.linspace(-5.0, 5.0, 401) if z is None else np.asarray(z, dtype=np.float64)
    functions = {
        "sigmoid": Tensor.sigmoid,
        "tanh": Tensor.tanh,
        "ReLU": Tensor.relu,
        f"leaky ReLU (slope {slope:g})": lambda t: t.leaky_relu(slope),
    }
    curves = {}
    for name, fn in functions.items():
        zt = Tensor(z, requires_grad=True)
        a = fn(zt)
        a.sum().backward()  # each a_i depends on z_i only: the gradient is da_i/dz_i
        curves[name] = (z, a.data, zt.grad)
    return curves


_FORMULAS = {
    "sigmoid": ("a = 1 / (1 + exp(-z))", "a' = a(1 - a)"),
    "tanh": ("a = tanh(z)", "a' = 1 - a^2"),
    "ReLU": ("a = max(0, z)", "a' = 1 if z > 0 else 0"),
}


def plot_activations(path: str | os.PathLike | None = None, *, z: Any = None, slope: float = 0.01):
    """The course's activation functions and their derivatives, the derivatives by autograd.

    Four panels (sigmoid, tanh, ReLU, leaky ReLU), each with the function ``a = g(z)`` (solid) and
    its derivative ``g'(z)`` (dashed), which ``backward()`` computes through the engine's ops.

    Args:
        path: the image file; without it the figure is returned.
        z: the points to draw (default 401 points from -5 to 5).
        slope: leaky ReLU's slope for z < 0 (the course's 0.01; 0.1 shows it better).

    Returns:
        The path of the written file, or the ``Figure`` when ``path`` is None.

    >>> fig = plot_activations()
    >>> [ax.get_title().split(":")[0] for ax in fig.axes]
    ['sigmoid', 'tanh', 'ReLU', 'leaky ReLU (slope 0.01)']
    """
    fig = new_figure("plot_activations", figsize=(9.0, 6.5))
    axes = fig.subplots(2, 2).reshape(-1)
    for ax, (name, (zs, a, da)) in zip(axes, activation_curves(z, slope).items(), strict=True):
        formula, derivative = _FORMULAS.get(
            name, (f"a = max({slope:g} z, z)", f"a' = 1 if z > 0 else {slope:g}")
        )
        ax.plot(zs, a, color="#1565c0", linewidth=2, label=formula)
        ax.plot(zs, da, color="#c62828", linewidth=2, linestyle="--",
                label=f"{derivative}  (by autograd)")  # fmt: skip
        ax.axhline(0, color="#999", linewidth=0.6)
        ax.axvline(0, color="#999", linewidth=0.6)
        ax.set_title(f"{name}: a = g(z) and g'(z)", fontsize=11)
        ax.set_xlabel("z")
        ax.legend(fontsize=8, loc="upper left")
        ax.grid(alpha=0.3)
    fig.tight_layout()
    return finish(fig, path)


# -------------------------------------------------------------------------------------------------
# Mislabelled images
# -------------------------------------------------------------------------------------------------


def _images(X: Any, m: int, image_shape: Sequence[int]) -> np.ndarray:
    """``X`` as m images ``(m, h, w, c)`` from images, batch-first rows or the course's columns."""
    X = np.asarray(X.data if isinstance(X, Tensor) else X)
    size = math.prod(image_shape)
    if X.ndim == len(image_shape) + 1 and X.shape[0] == m:
        return X
    if X.ndim == 2 and X.shape == (m, size):
        return X.reshape(m, *image_shape)
    if X.ndim == 2 and X.shape == (size, m):
        return X.T.reshape(m, *image_shape)  # the course's X (12288, m)
    raise ValueError(
        f"plot_mislabeled: expected {m} images as (m, {', '.join(map(str, image_shape))}), "
        f"(m, {size}) or the course's ({size}, m), got X of shape {X.shape}. Pass image_shape "
        f"for images of another size."
    )


def plot_mislabeled(
    X: Any,
    Y: Any,
    predictions: Any,
    classes: Sequence[str] = ("non-cat", "cat"),
    path: str | os.PathLike | None = None,
    *,
    image_shape: Sequence[int] = (64, 64, 3),
    max_images: int = 20,
    columns: int = 5,
):
    """The images a classifier gets wrong, each titled with its prediction and its true class.

    The course's ``print_mislabeled_images`` (week 4): for the cat models, the test images whose
    prediction differs from the label.

    Args:
        X: the images: ``(m, height, width, channels)`` of any size, or flattened
            ``image_shape`` images, batch-first ``(m, 12288)`` or the course's ``(12288, m)``;
            pixels in [0, 1] (float) or [0, 255] (uint8).
        Y: the labels 0/1 (any shape with m elements).
        predictions: the model's 0/1 predictions (e.g. ``train.predict(model, X)``).
        classes: the class names by label (the cat data's ``classes``).
        path: the image file; without it the figure is returned.
        image_shape: the shape of one flattened image (the cat data's 64 x 64 RGB).
        max_images: show at most this many (the first ones).
        columns: images per row.

    Returns:
        The path of the written file, or the ``Figure`` when ``path`` is None.

    Raises:
        ValueError: not one prediction per label.
        ImportError: matplotlib is not installed (the ``plot`` extra).

    >>> X = np.zeros((3, 4, 4, 3)); Y = np.array([1, 0, 1]); P = np.array([1, 1, 0])
    >>> fig = plot_mislabeled(X, Y, P, image_shape=(4, 4, 3))
    >>> [ax.get_title() for ax in fig.axes]
    ['Prediction: cat\\nClass: non-cat', 'Prediction: non-cat\\nClass: cat']
    """
    labels = np.asarray(Y.data if isinstance(Y, Tensor) else Y).reshape(-1).astype(int)
    guesses = np.asarray(predictions.data if isinstance(predictions, Tensor) else predictions)
    guesses = guesses.reshape(-1).astype(int)
    if guesses.size != labels.size:
        raise ValueError(
            f"plot_mislabeled: expected one prediction per label, got {guesses.size} "
            f"predictions for {labels.size} labels."
        )
    images = _images(X, labels.size, image_shape)
    wrong = np.flatnonzero(guesses != labels)
    shown = wrong[:max_images]
    rows = max(1, math.ceil(len(shown) / columns))
    cols = min(columns, max(1, len(shown)))
    fig = new_figure(
        "plot_mislabeled", figsize=(2.2 * cols, 2.6 * rows + 0.3), layout="constrained"
    )
    if not len(shown):
        ax = fig.add_subplot()
        ax.text(0.5, 0.5, "No mislabelled images.", ha="center", va="center")
        ax.set_axis_off()
        return finish(fig, path)
    for k, index in enumerate(shown):
        ax = fig.add_subplot(rows, cols, k + 1)
        image = images[index]
        if image.dtype.kind == "f" and image.max(initial=0) > 1.0:
            image = image / 255.0
        gray = image.shape[-1] == 1
        ax.imshow(image.squeeze() if gray else image, cmap="gray" if gray else None,
                  interpolation="nearest")  # fmt: skip
        ax.set_title(f"Prediction: {classes[guesses[index]]}\nClass: {classes[labels[index]]}",
                     fontsize=9)  # fmt: skip
        ax.set_axis_off()
    if len(wrong) > len(shown):
        fig.suptitle(f"the first {len(shown)} of {len(wrong)} mislabelled images", fontsize=10)
    return finish(fig, path)
