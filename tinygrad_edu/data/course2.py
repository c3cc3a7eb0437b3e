"""Course 2's data sets: the circles (Initialization), the moons (Optimization) and the 2-D
football data set of ``data.mat`` (Regularization), loaded exactly as the assignments load them.

Layer: ``data``. The circles and moons come from scikit-learn's generators and ``data.mat`` is
read with scipy: both optional (``pip install "tinygrad_edu[course2]"``), imported only here.

The assignments call ``np.random.seed(s)`` and then ``make_circles(...)`` or ``make_moons(...)``
without ``random_state``, so scikit-learn draws from numpy's legacy global generator. Passing
``random_state=np.random.RandomState(s)`` draws the same numbers from a fresh generator of the
same kind, so these loaders give the course's points bit for bit without changing numpy's global
random state.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import NamedTuple

import numpy as np

from tinygrad_edu.data.files import LAYOUTS, _check_sha256sums
from tinygrad_edu.data.locate import find_dataset_dir

DATASET = "course2"  # the subfolder of a parent data folder
MAT_FILE = "data.mat"
_EXTRA = 'pip install "tinygrad_edu[course2]"'


class Course2Data(NamedTuple):
    """A training and a test set; unpacks like the course's
    ``train_X, train_Y, test_X, test_Y = load_dataset()``."""

    train_x: np.ndarray
    train_y: np.ndarray
    test_x: np.ndarray
    test_y: np.ndarray


def _sklearn_datasets(op: str):
    try:
        import sklearn.datasets
    except ImportError as err:
        raise ImportError(
            f"{op}: expected scikit-learn (the course generates this data set with it), got "
            f"ImportError: {err}. Install it with {_EXTRA}."
        ) from None
    return sklearn.datasets


def _layout(op: str, layout: str) -> None:
    if layout not in LAYOUTS:
        raise ValueError(
            f"{op}: expected layout='course' or 'batch', got {layout!r}. 'course' gives X (2, m) "
            f"and Y (1, m); 'batch' gives X (m, 2) and Y (m, 1)."
        )


def _arrange(X: np.ndarray, y: np.ndarray, layout: str) -> tuple[np.ndarray, np.ndarray]:
    """scikit-learn's ``X (m, 2)``, ``y (m,)`` in the requested layout (the course's ``X.T``)."""
    if layout == "course":
        return X.T, y.reshape((1, y.shape[0]))
    return X, y.reshape((y.shape[0], 1))


def load_circles(*, layout: str = "course") -> Course2Data:
    """The Initialization assignment's data: two noisy concentric circles.

    ``np.random.seed(1); make_circles(n_samples=300, noise=.05)`` for training, then
    ``np.random.seed(2); make_circles(n_samples=100, noise=.05)`` for testing (course 2, week 1,
    ``init_utils.load_dataset``).

    Args:
        layout: ``"course"`` (``X (2, m)``, ``Y (1, m)``) or ``"batch"`` (``X (m, 2)``,
            ``Y (m, 1)``).

    Returns:
        ``Course2Data``: 300 training and 100 test points; labels int64 0/1.

    >>> train_X, train_Y, test_X, test_Y = load_circles()
    >>> train_X.shape, test_Y.shape, float(train_X.sum())
    ((2, 300), (1, 100), 0.10318058999808777)
    """
    op = "load_circles"
    _layout(op, layout)
    datasets = _sklearn_datasets(op)
    X, y = datasets.make_circles(n_samples=300, noise=0.05, random_state=np.random.RandomState(1))
    X_test, y_test = datasets.make_circles(
        n_samples=100, noise=0.05, random_state=np.random.RandomState(2)
    )
    return Course2Data(*_arrange(X, y, layout), *_arrange(X_test, y_test, layout))


def load_moons(*, layout: str = "course") -> tuple[np.ndarray, np.ndarray]:
    """The Optimization assignment's data: two interleaved half-moons, 300 points.

    ``np.random.seed(3); make_moons(n_samples=300, noise=.2)`` (course 2, week 2,
    ``opt_utils.load_dataset``). There is no test set.

    Args:
        layout: ``"course"`` (``X (2, 300)``, ``Y (1, 300)``) or ``"batch"``.

    Returns:
        ``(X, Y)``, labels int64 0/1.

    >>> X, Y = load_moons()
    >>> X.shape, Y.shape, float(X.sum())
    ((2, 300), (1, 300), 229.31214774688254)
    """
    op = "load_moons"
    _layout(op, layout)
    datasets = _sklearn_datasets(op)
    X, y = datasets.make_moons(n_samples=300, noise=0.2, random_state=np.random.RandomState(3))
    return _arrange(X, y, layout)


def find_course2_dir(data_dir: str | os.PathLike | None = None) -> Path:
    """The folder holding ``data.mat``: ``data_dir`` or ``$TINYGRAD_EDU_DATA``, or its
    ``course2/`` subfolder (see ``data.locate``).

    Raises:
        FileNotFoundError: saying where it looked and how to point to the file.
    """
    return find_dataset_dir((MAT_FILE,), DATASET, data_dir, op="load_2d_dataset")


def load_2d_dataset(
    data_dir: str | os.PathLike | None = None, *, layout: str = "course", verify: bool = True
) -> Course2Data:
    """The Regularization assignment's data: the French football positions of ``data.mat``.

    Read with ``scipy.io.loadmat`` as ``reg_utils.load_2D_dataset`` does: train is
    ``X.T, y.T`` (211 points), test ``Xval.T, yval.T`` (200 points); labels uint8, as in the
    file.

    Args:
        data_dir: the folder holding ``data.mat`` (or a parent with ``course2/data.mat``); None
            for ``$TINYGRAD_EDU_DATA``.
        layout: ``"course"`` (``X (2, m)``, ``Y (1, m)``) or ``"batch"``.
        verify: check the file against the folder's ``SHA256SUMS`` (warns on a mismatch).

    Returns:
        ``Course2Data``.

    Raises:
        FileNotFoundError: no folder given, or no ``data.mat`` there.
        ImportError: scipy is not installed.
        ValueError: the file lacks one of the keys X, y, Xval, yval.

    >>> load_2d_dataset("/no/such/dir")
    Traceback (most recent call last):
    ...
    FileNotFoundError: load_2d_dataset: expected a folder holding data.mat, got /no/such/dir ...
    """
    op = "load_2d_dataset"
    _layout(op, layout)
    folder = find_course2_dir(data_dir)
    try:
        import scipy.io
    except ImportError as err:
        raise ImportError(
            f"{op}: expected scipy to read {MAT_FILE}, got ImportError: {err}. Install it with "
            f"{_EXTRA}."
        ) from None
    if verify:
        _check_sha256sums(folder, (MAT_FILE,), op)
    data = scipy.io.loadmat(str(folder / MAT_FILE))
    missing = [key for key in ("X", "y", "Xval", "yval") if key not in data]
    if missing:
        raise ValueError(
            f"{op}: expected the keys X, y, Xval and yval in {folder / MAT_FILE}, got no "
            f"{', '.join(missing)}. Is it the course's data.mat?"
        )
    arrays = [data["X"], data["y"], data["Xval"], data["yval"]]
    if layout == "course":
        arrays = [a.T for a in arrays]  # the course's data['X'].T: X (2, m), y (1, m)
    return Course2Data(*arrays)
