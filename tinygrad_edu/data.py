"""The course's datasets and seeded mini-batching (layer: data; imports numpy only).

- `load_catvnoncat`: the cat vs non-cat HDF5 files of course 1 (weeks 2 and 4), validated and
  preprocessed exactly as the course does (flatten, divide by 255, float64).
- `planar_flower`: the week 3 planar "flower" generator, bit for bit the course's.
- `minibatches`: seeded mini-batches for either layout.
- `validate_xy`: the checks the loader runs, for your own arrays.

Layouts: ``"course"`` puts examples in columns, ``X (n_x, m)`` and ``Y (1, m)``, as the
course's formulas do; ``"batch"`` puts them in rows, ``X (m, n_x)`` and ``Y (m, 1)``, as ``nn``
layers expect.

The data location is never built in: pass a folder (``data_dir=...``, ``--data DIR`` on a command
line) or set the ``TINYGRAD_EDU_DATA`` environment variable. h5py is imported only when the cat
files are read (``pip install "tinygrad_edu[data]"``).
"""

from __future__ import annotations

import hashlib
import os
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

__all__ = [
    "CAT_FILES",
    "DATA_ENV_VAR",
    "CatData",
    "find_data_dir",
    "load_catvnoncat",
    "minibatches",
    "planar_flower",
    "validate_xy",
]

DATA_ENV_VAR = "TINYGRAD_EDU_DATA"
CAT_FILES = ("train_catvnoncat.h5", "test_catvnoncat.h5")
IMAGE_SHAPE = (64, 64, 3)
_LAYOUTS = ("course", "batch")
_FIX_HINT = (
    f"Pass --data DIR (data_dir=DIR in Python) or set {DATA_ENV_VAR}=DIR, where DIR is the folder "
    f"holding {CAT_FILES[0]} and {CAT_FILES[1]} (the 'datasets' folder of the course's week 2 and "
    "week 4 assignments)."
)
_REDOWNLOAD_HINT = "The file is damaged or is not the course's; copy it again from the course."


# ---------------------------------------------------------------------------------------------
# Locating and loading the cat vs non-cat files
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False, repr=False)
class CatData:
    """The cat vs non-cat dataset, ready to train on.

    Unpacks like the course's ``load_data()``:
    ``train_x, train_y, test_x, test_y, classes = load_catvnoncat()``.

    Attributes:
        train_x: Training images; shape set by ``layout`` and ``flatten``, e.g. ``(12288, 209)``.
        train_y: Training labels, 1 = cat; ``(1, 209)`` in course layout, ``(209, 1)`` in batch.
        test_x: Test images, like ``train_x`` with 50 examples.
        test_y: Test labels, like ``train_y``.
        classes: Class names by label, ``("non-cat", "cat")``.
        layout: ``"course"`` or ``"batch"``.

    Example:
        >>> d = CatData(np.zeros((4, 2)), np.zeros((1, 2)), np.zeros((4, 1)), np.ones((1, 1)),
        ...             ("non-cat", "cat"))
        >>> d
        CatData(train_x=(4, 2) float64, train_y=(1, 2) float64, test_x=(4, 1) float64, \
test_y=(1, 1) float64, classes=('non-cat', 'cat'), layout='course')
    """

    train_x: np.ndarray
    train_y: np.ndarray
    test_x: np.ndarray
    test_y: np.ndarray
    classes: tuple[str, ...]
    layout: str = "course"

    def __iter__(self) -> Iterator:
        return iter((self.train_x, self.train_y, self.test_x, self.test_y, self.classes))

    def __repr__(self) -> str:
        arrays = ", ".join(
            f"{name}={getattr(self, name).shape} {getattr(self, name).dtype}"
            for name in ("train_x", "train_y", "test_x", "test_y")
        )
        return f"CatData({arrays}, classes={self.classes!r}, layout={self.layout!r})"


def find_data_dir(data_dir: str | os.PathLike | None = None) -> Path:
    """Return the folder holding the cat vs non-cat files.

    Looks at ``data_dir`` if given, else at the ``TINYGRAD_EDU_DATA`` environment variable;
    never at a built-in location.

    Args:
        data_dir: Folder holding ``train_catvnoncat.h5`` and ``test_catvnoncat.h5``.

    Returns:
        The folder as a ``pathlib.Path`` (``~`` expanded).

    Raises:
        FileNotFoundError: No folder was given, or it lacks one of the files. The message says
            which files are needed, where it looked and how to point to them.

    Example:
        >>> find_data_dir("/no/such/dir")
        Traceback (most recent call last):
        ...
        FileNotFoundError: find_data_dir: expected a folder holding train_catvnoncat.h5 and \
test_catvnoncat.h5, got /no/such/dir (the data_dir argument), which does not exist. Pass --data ...
    """
    if data_dir is not None:
        source = "the data_dir argument"
    elif os.environ.get(DATA_ENV_VAR):
        data_dir, source = os.environ[DATA_ENV_VAR], f"the {DATA_ENV_VAR} environment variable"
    else:
        raise FileNotFoundError(
            f"find_data_dir: expected a folder holding {CAT_FILES[0]} and {CAT_FILES[1]}, got "
            f"none: no data_dir was passed and {DATA_ENV_VAR} is not set. {_FIX_HINT}"
        )
    path = Path(data_dir).expanduser()
    wanted = f"find_data_dir: expected a folder holding {CAT_FILES[0]} and {CAT_FILES[1]}"
    if not path.exists():
        problem = "which does not exist"
    elif not path.is_dir():
        problem = "which is a file, not a folder (pass the folder that holds the files)"
    else:
        missing = [name for name in CAT_FILES if not (path / name).is_file()]
        if not missing:
            return path
        problem = f"which lacks {' and '.join(missing)}"
    raise FileNotFoundError(f"{wanted}, got {path} ({source}), {problem}. {_FIX_HINT}")


def load_catvnoncat(
    data_dir: str | os.PathLike | None = None,
    *,
    flatten: bool = True,
    normalize: bool = True,
    layout: str = "course",
    verify: bool = True,
) -> CatData:
    """Load and validate the course's cat vs non-cat images (209 train, 50 test, 64x64 RGB).

    Preprocessing is the course's: ``x.reshape(x.shape[0], -1).T / 255`` gives ``X (12288, m)``
    in float64, features in the course's order (row, column, channel).

    Args:
        data_dir: Folder holding the two ``.h5`` files; default ``$TINYGRAD_EDU_DATA``.
        flatten: Flatten each image to 12288 features. ``False`` keeps images ``(m, 64, 64, 3)``
            whatever the layout (as the course's ``load_dataset`` returns them).
        normalize: Divide pixels by 255 and return float64 X and Y. ``False`` returns the pixels
            as stored (uint8) and int64 labels; ``flatten=False, normalize=False`` gives the raw
            images.
        layout: ``"course"`` for ``X (12288, m)``, ``Y (1, m)``; ``"batch"`` for ``X (m, 12288)``,
            ``Y (m, 1)``.
        verify: If a ``SHA256SUMS`` file sits beside the data, check the files against it and
            warn (not fail) on a mismatch.

    Returns:
        A `CatData` (unpacks as ``train_x, train_y, test_x, test_y, classes``).

    Raises:
        FileNotFoundError: The folder or a file is missing (see `find_data_dir`).
        ImportError: h5py is not installed.
        ValueError: A file is not HDF5, is truncated, lacks a dataset, or holds wrong shapes,
            labels other than 0/1, NaN/Inf, pixel values outside [0, 255], or no examples.
            The message names the file and the dataset.

    Example:
        >>> train_x, train_y, test_x, test_y, classes = load_catvnoncat()  # doctest: +SKIP
        >>> train_x.shape, train_y.shape, test_x.shape, classes  # doctest: +SKIP
        ((12288, 209), (1, 209), (12288, 50), ('non-cat', 'cat'))
    """
    if layout not in _LAYOUTS:
        raise ValueError(
            f"load_catvnoncat: expected layout='course' or 'batch', got {layout!r}. 'course' "
            "gives X (12288, m) as in the course's formulas; 'batch' gives X (m, 12288) for "
            "nn layers."
        )
    folder = find_data_dir(data_dir)
    h5py = _import_h5py()
    if verify:
        _check_sha256sums(folder)
    train_x, train_y, _ = _read_split(h5py, folder / CAT_FILES[0], "train")
    test_x, test_y, classes = _read_split(h5py, folder / CAT_FILES[1], "test")
    return CatData(
        *_preprocess(train_x, train_y, flatten, normalize, layout),
        *_preprocess(test_x, test_y, flatten, normalize, layout),
        classes=classes,
        layout=layout,
    )


def _import_h5py():
    try:
        import h5py
    except ImportError as err:
        raise ImportError(
            "load_catvnoncat: expected the h5py package to read the course's HDF5 files, got "
            'ImportError. Install it with: pip install "tinygrad_edu[data]"  (or: pip install h5py)'
        ) from err
    return h5py


def _read_split(h5py, path: Path, split: str) -> tuple[np.ndarray, np.ndarray, tuple[str, ...]]:
    """Read and validate one file; return raw x (N, 64, 64, 3), y (N,) and the class names."""
    x_key, y_key = f"{split}_set_x", f"{split}_set_y"
    # The course reads the class names from the test file only.
    required = [x_key, y_key] + (["list_classes"] if split == "test" else [])
    op = "load_catvnoncat"
    if not h5py.is_hdf5(path):
        with open(path, "rb") as f:
            head = f.read(8)
        raise ValueError(
            f"{op}: expected an HDF5 file, got {path} ({path.stat().st_size} bytes, starting "
            f"{head!r}), which is not HDF5. {_REDOWNLOAD_HINT}"
        )
    try:
        with h5py.File(path, "r") as f:
            found = sorted(f.keys())
            missing = [k for k in required if k not in f or not isinstance(f[k], h5py.Dataset)]
            if missing:
                raise ValueError(
                    f"{op}: expected datasets {required} in {path}, got {found} (missing "
                    f"{missing}). Is this the course's {path.name}? {_REDOWNLOAD_HINT}"
                )
            x, y = f[x_key][()], f[y_key][()]
            raw_classes = f["list_classes"][()] if split == "test" else ()
    except OSError as err:
        raise ValueError(
            f"{op}: expected a readable HDF5 file, got {path}, which h5py cannot read ({err}). "
            f"It is probably truncated or corrupt. {_REDOWNLOAD_HINT}"
        ) from err

    x_name, y_name = f"{x_key} in {path}", f"{y_key} in {path}"
    if x.ndim != 4 or x.shape[1:] != IMAGE_SHAPE:
        raise ValueError(
            f"{op}: expected {x_name} of shape (N, 64, 64, 3), got {x.shape}. {_REDOWNLOAD_HINT}"
        )
    if y.ndim != 1:
        raise ValueError(
            f"{op}: expected {y_name} of shape (N,), got {y.shape}. {_REDOWNLOAD_HINT}"
        )
    _check_xy(x, y, axis=0, binary=True, op=op, names=(x_name, y_name), hint=_REDOWNLOAD_HINT)
    if x.dtype != np.uint8 and (x.min() < 0 or x.max() > 255):
        raise ValueError(
            f"{op}: expected pixel values in [0, 255] in {x_name}, got values in "
            f"[{x.min()}, {x.max()}]. {_REDOWNLOAD_HINT}"
        )
    classes = tuple(c.decode() if isinstance(c, bytes) else str(c) for c in raw_classes)
    if split == "test" and len(classes) != 2:
        raise ValueError(
            f"{op}: expected 2 class names in list_classes in {path}, got {classes}. "
            f"{_REDOWNLOAD_HINT}"
        )
    return x, y, classes


def _preprocess(
    x: np.ndarray, y: np.ndarray, flatten: bool, normalize: bool, layout: str
) -> tuple[np.ndarray, np.ndarray]:
    m = x.shape[0]
    if flatten:
        x = x.reshape(m, -1)  # (m, 12288), features in the course's order
        if layout == "course":
            x = x.T  # (12288, m), the course's train_set_x_flatten
    if normalize:
        x = x.astype(np.float64) / 255.0  # as the course's `train_set_x_flatten / 255.`
        y = y.astype(np.float64)
    else:
        y = y.astype(np.int64)
    y = y.reshape(1, m) if layout == "course" else y.reshape(m, 1)
    return x, y


def _check_sha256sums(folder: Path) -> None:
    sums_file = folder / "SHA256SUMS"
    if not sums_file.is_file():
        return
    for line in sums_file.read_text().splitlines():
        parts = line.split()
        if len(parts) != 2:
            continue
        expected, name = parts[0].lower(), parts[1].lstrip("*")
        if name not in CAT_FILES:
            continue
        got = hashlib.sha256((folder / name).read_bytes()).hexdigest()
        if got != expected:
            warnings.warn(
                f"load_catvnoncat: expected SHA256 {expected} for {folder / name} (from "
                f"{sums_file}), got {got}. The file differs from the course's, so results may "
                "not match the course's numbers; copy it again, or pass verify=False.",
                UserWarning,
                stacklevel=3,
            )


# ---------------------------------------------------------------------------------------------
# The planar "flower" data (week 3)
# ---------------------------------------------------------------------------------------------


def planar_flower(
    seed: int = 1, m: int = 400, *, layout: str = "course"
) -> tuple[np.ndarray, np.ndarray]:
    """Generate the course's planar "flower": two interleaved classes of 2-D points.

    This is the course's ``load_planar_dataset`` line for line. It draws from numpy's legacy
    *global* random generator: it calls ``np.random.seed(seed)`` and so resets any global
    random state you had (the course does the same; it is what makes the data identical).

    Args:
        seed: Seed for ``np.random.seed``; the course uses 1.
        m: Number of points, even (``m // 2`` per class, "petals" of label 0 and 1).
        layout: ``"course"`` returns ``X (2, m)``, ``Y (1, m)``; ``"batch"`` returns
            ``X (m, 2)``, ``Y (m, 1)``.

    Returns:
        ``(X, Y)``: X float64 points; Y uint8 labels (the course's dtype), the first half 0.

    Example:
        >>> X, Y = planar_flower()
        >>> X.shape, Y.shape, Y.dtype, int(Y.sum()), round(float(X.sum()), 6)
        ((2, 400), (1, 400), dtype('uint8'), 200, 10.087983)
    """
    if layout not in _LAYOUTS:
        raise ValueError(
            f"planar_flower: expected layout='course' or 'batch', got {layout!r}. 'course' gives "
            "X (2, m); 'batch' gives X (m, 2)."
        )
    if isinstance(m, bool) or not isinstance(m, (int, np.integer)) or m < 2 or m % 2:
        raise ValueError(
            f"planar_flower: expected an even number of points m >= 2, got m={m!r}. Half the "
            "points go to each class; the course uses m=400."
        )
    np.random.seed(seed)
    N = m // 2  # points per class
    D = 2  # dimensionality
    a = 4  # maximum ray of the flower
    X = np.zeros((m, D))  # (m, 2)
    Y = np.zeros((m, 1), dtype="uint8")  # (m, 1), labels (0 for red, 1 for blue)
    for j in range(2):
        ix = range(N * j, N * (j + 1))
        t = np.linspace(j * 3.12, (j + 1) * 3.12, N) + np.random.randn(N) * 0.2  # theta
        r = a * np.sin(4 * t) + np.random.randn(N) * 0.2  # radius
        X[ix] = np.c_[r * np.sin(t), r * np.cos(t)]
        Y[ix] = j
    return (X.T, Y.T) if layout == "course" else (X, Y)


# ---------------------------------------------------------------------------------------------
# Validation and mini-batching of any (X, Y)
# ---------------------------------------------------------------------------------------------


def validate_xy(X, Y, *, binary: bool = True, axis: int = -1) -> int:
    """Check that ``X`` and ``Y`` are fit to train on; return the number of examples.

    Rejects non-numeric or empty arrays, different numbers of examples, NaN or Inf (saying how
    many, in which array) and, when ``binary``, labels other than 0 and 1.

    Args:
        X: Inputs, examples along ``axis``.
        Y: Labels, examples along ``axis``.
        binary: Require labels in {0, 1}.
        axis: The example axis of both arrays: -1 (default) for the course layout ``X (n_x, m)``,
            ``Y (1, m)``; 0 for batch-first ``X (m, n_x)``, ``Y (m, 1)``.

    Returns:
        m, the number of examples.

    Raises:
        ValueError: Says which array is wrong and what to do.
        TypeError: An array is not numeric.

    Example:
        >>> validate_xy(np.zeros((3, 4)), np.array([[0, 1, 1, 0]]))
        4
        >>> validate_xy(np.zeros((3, 4)), np.array([[0, 1, 2, 0]]))
        Traceback (most recent call last):
        ...
        ValueError: validate_xy: expected labels 0 or 1 in Y, got 1 other value(s): [2]. ...
    """
    X, Y = np.asarray(X), np.asarray(Y)
    _check_xy(X, Y, axis=axis, binary=binary, op="validate_xy", names=("X", "Y"), hint=None)
    return X.shape[axis]


def _check_xy(X, Y, *, axis, binary, op, names, hint):
    """Checks shared by `validate_xy` and the loader; a given `hint` replaces the default ones."""
    x_name, y_name = names
    for arr, name in ((X, x_name), (Y, y_name)):
        if arr.dtype.kind not in "biuf":
            raise TypeError(
                f"{op}: expected a numeric array for {name}, got dtype {arr.dtype}. "
                + (hint or "Convert it with np.asarray(..., dtype=np.float64).")
            )
        if arr.ndim == 0 or not -arr.ndim <= axis < arr.ndim:
            raise ValueError(
                f"{op}: expected an example axis in [{-arr.ndim}, {arr.ndim}) for {name} of shape "
                f"{arr.shape}, got axis={axis}. "
                + (hint or "Pass axis=-1 for X (n_x, m) or axis=0 for X (m, n_x).")
            )
        if arr.size == 0:
            raise ValueError(
                f"{op}: expected at least one example in {name}, got shape {arr.shape}. "
                + (hint or "Check how the array was built or sliced.")
            )
    if X.shape[axis] != Y.shape[axis]:
        raise ValueError(
            f"{op}: expected as many examples in {y_name} as in {x_name} along axis {axis}, got "
            f"{Y.shape[axis]} and {X.shape[axis]} (shapes {Y.shape} and {X.shape}). "
            + (
                hint
                or "Course layout has examples in columns, X (n_x, m) and Y (1, m), axis=-1; "
                "batch-first arrays X (m, n_x) and Y (m, 1) need axis=0."
            )
        )
    for arr, name in ((X, x_name), (Y, y_name)):
        if arr.dtype.kind == "f":
            n_nan, n_inf = int(np.isnan(arr).sum()), int(np.isinf(arr).sum())
            if n_nan or n_inf:
                raise ValueError(
                    f"{op}: expected finite values in {name}, got {n_nan} NaN and {n_inf} Inf "
                    f"(of {arr.size}). "
                    + (hint or "Find them with np.argwhere(~np.isfinite(a)); drop or fix them.")
                )
    if binary:
        bad = (Y != 0) & (Y != 1)
        if bad.any():
            values = np.unique(Y[bad])
            shown = values[:5].tolist() + (["..."] if values.size > 5 else [])
            raise ValueError(
                f"{op}: expected labels 0 or 1 in {y_name}, got {int(bad.sum())} other value(s): "
                f"{shown}. "
                + (hint or "Map the classes to 0/1, or pass binary=False for other labels.")
            )


def minibatches(
    X,
    Y,
    batch_size: int,
    *,
    seed: int | np.random.Generator | np.random.RandomState | None = None,
    shuffle: bool = True,
    axis: int = -1,
) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """Yield ``(Xb, Yb)`` mini-batches covering every example once (one epoch).

    The examples are shuffled once with ``seed``; the last batch is smaller when ``batch_size``
    does not divide m. To replay course 2's ``random_mini_batches(X, Y, size, seed)``, pass
    ``seed=np.random.RandomState(seed)`` (the same permutation as its ``np.random.seed(seed)``).

    Args:
        X: Inputs, examples along ``axis``.
        Y: Labels, examples along ``axis``.
        batch_size: Examples per batch, >= 1.
        seed: An int or None for ``np.random.default_rng(seed)``, or a ``Generator`` or legacy
            ``RandomState`` to draw the permutation from. Ignored when ``shuffle=False``.
        shuffle: Shuffle the examples; ``False`` keeps their order.
        axis: The example axis: -1 (default) for ``X (n_x, m)``, 0 for batch-first ``X (m, n_x)``.

    Returns:
        A generator of ``(Xb, Yb)``, each holding ``batch_size`` examples along ``axis``.
        Arguments are checked when it is created, not on first use.

    Example:
        >>> X, Y = np.arange(10.0).reshape(2, 5), np.array([[0, 1, 0, 1, 1]])
        >>> [(Xb.shape, Yb.tolist()) for Xb, Yb in minibatches(X, Y, 2, shuffle=False)]
        [((2, 2), [[0, 1]]), ((2, 2), [[0, 1]]), ((2, 1), [[1]])]
    """
    X, Y = np.asarray(X), np.asarray(Y)
    if isinstance(batch_size, bool) or not isinstance(batch_size, (int, np.integer)):
        raise TypeError(
            f"minibatches: expected an int batch_size, got {type(batch_size).__name__} "
            f"{batch_size!r}. The course uses powers of two such as 64."
        )
    if batch_size < 1:
        raise ValueError(
            f"minibatches: expected batch_size >= 1, got {batch_size}. Use m for full-batch "
            "gradient descent, or e.g. 64."
        )
    m = validate_xy(X, Y, binary=False, axis=axis)
    if not shuffle:
        order = np.arange(m)
    elif isinstance(seed, (np.random.Generator, np.random.RandomState)):
        order = seed.permutation(m)
    else:
        order = np.random.default_rng(seed).permutation(m)
    return _batches(X, Y, order, batch_size, axis)


def _batches(X, Y, order, batch_size, axis):
    for start in range(0, len(order), batch_size):
        idx = order[start : start + batch_size]
        yield np.take(X, idx, axis=axis), np.take(Y, idx, axis=axis)
