"""The cat vs non-cat HDF5 files of course 1 (weeks 2 and 4), validated and preprocessed.

Layer: ``data``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from tinygrad_edu.data.batches import _check_xy
from tinygrad_edu.data.files import DATA_ENV_VAR, LAYOUTS, _check_sha256sums
from tinygrad_edu.data.locate import find_dataset_dir

CAT_FILES = ("train_catvnoncat.h5", "test_catvnoncat.h5")
IMAGE_SHAPE = (64, 64, 3)
# The course's files hold 209 training and 50 test images. Shapes are checked against these
# before anything is read, so a small file that declares 10^8 images fails at once instead of
# allocating terabytes; smaller files (a subset, or tests' synthetic files) are fine.
COURSE_EXAMPLES = {"train": 209, "test": 50}
_MAX_CLASSES = 16  # list_classes holds 2 names; a few more are still readable, 10^6 are not
_FIX_HINT = (
    f"Pass --data DIR (data_dir=DIR in Python) or set {DATA_ENV_VAR}=DIR, where DIR is the folder "
    f"holding {CAT_FILES[0]} and {CAT_FILES[1]} (the 'datasets' folder of the course's week 2 and "
    "week 4 assignments)."
)
_REDOWNLOAD_HINT = "The file is damaged or is not the course's; copy it again from the course."
CAT_DATASET = "catvnoncat"  # the cats' folder in a parent data folder


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
    never at a built-in location: that folder, its ``catvnoncat/`` subfolder or a ``catvnoncat/``
    folder beside it (every data set's rule: see ``data.locate``).

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
    return find_dataset_dir(CAT_FILES, CAT_DATASET, data_dir, op="find_data_dir", hint=_FIX_HINT)


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
    if layout not in LAYOUTS:
        raise ValueError(
            f"load_catvnoncat: expected layout='course' or 'batch', got {layout!r}. 'course' "
            "gives X (12288, m) as in the course's formulas; 'batch' gives X (m, 12288) for "
            "nn layers."
        )
    folder = find_data_dir(data_dir)
    h5py = _import_h5py()
    if verify:
        _check_sha256sums(folder, CAT_FILES, "load_catvnoncat")
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
            _check_declared(f[x_key], f[y_key], f.get("list_classes"), split, path)
            x, y = f[x_key][()], f[y_key][()]
            raw_classes = f["list_classes"][()] if split == "test" else ()
    except (OSError, KeyError) as err:  # KeyError: a link to a missing object or file
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
    try:
        classes = tuple(c.decode() if isinstance(c, bytes) else str(c) for c in raw_classes)
    except UnicodeDecodeError as err:
        raise ValueError(
            f"{op}: expected class names as UTF-8 text in list_classes in {path}, got "
            f"{err.object[err.start : err.end]!r} at byte {err.start}. {_REDOWNLOAD_HINT}"
        ) from None
    if split == "test" and len(classes) != 2:
        raise ValueError(
            f"{op}: expected 2 class names in list_classes in {path}, got {classes}. "
            f"{_REDOWNLOAD_HINT}"
        )
    return x, y, classes


def _check_declared(x_set, y_set, classes_set, split: str, path: Path) -> None:
    """Check the shapes and types a file declares against the course's, before reading them."""
    op, most = "load_catvnoncat", COURSE_EXAMPLES[split]
    x_name, y_name = f"{split}_set_x in {path}", f"{split}_set_y in {path}"
    for dataset, name in ((x_set, x_name), (y_set, y_name)):
        dtype = dataset.dtype
        if dtype.kind not in "biuf" or dtype.itemsize > 8:
            raise ValueError(
                f"{op}: expected numbers in {name}, got dtype {dtype}. {_REDOWNLOAD_HINT}"
            )
    shape = x_set.shape
    if shape is None or len(shape) != 4 or tuple(shape[1:]) != IMAGE_SHAPE:
        raise ValueError(
            f"{op}: expected {x_name} of shape (N, 64, 64, 3), got {shape}. {_REDOWNLOAD_HINT}"
        )
    if shape[0] > most:
        gib = shape[0] * int(np.prod(IMAGE_SHAPE)) * 8 / 2**30
        raise ValueError(
            f"{op}: expected {x_name} of shape ({most}, 64, 64, 3) as in the course (at most "
            f"{most} images), got a declared shape {shape} ({gib:,.2f} GiB as float64); "
            f"not read. {_REDOWNLOAD_HINT}"
        )
    if y_set.shape is None or len(y_set.shape) != 1 or y_set.shape[0] > most:
        raise ValueError(
            f"{op}: expected {y_name} of shape (N,) with N <= {most} as in the course, got "
            f"{y_set.shape} (declared; not read). {_REDOWNLOAD_HINT}"
        )
    if classes_set is not None and split == "test":
        shape, dtype = classes_set.shape, classes_set.dtype
        if shape is None or len(shape) != 1 or shape[0] > _MAX_CLASSES or dtype.itemsize > 256:
            raise ValueError(
                f"{op}: expected list_classes in {path} of shape (2,) (the names 'non-cat' and "
                f"'cat'), got a declared shape {shape} of {dtype}; not read. {_REDOWNLOAD_HINT}"
            )


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
