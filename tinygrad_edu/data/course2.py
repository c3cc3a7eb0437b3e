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
import struct
import zlib
from pathlib import Path
from typing import NamedTuple

import numpy as np

from tinygrad_edu.data.batches import _check_xy
from tinygrad_edu.data.files import LAYOUTS, _check_sha256sums
from tinygrad_edu.data.locate import find_dataset_dir

DATASET = "course2"  # the subfolder of a parent data folder
MAT_FILE = "data.mat"
_EXTRA = 'pip install "tinygrad_edu[course2]"'
# data.mat's arrays: (examples at most, columns). The course's file holds 211 training and 200
# test points; the declared shapes are checked against these before scipy reads (or inflates)
# anything, so a small compressed file that declares 10^8 rows fails at once.
MAT_ARRAYS = {"X": (211, 2), "y": (211, 1), "Xval": (200, 2), "yval": (200, 1)}
_MAX_OTHER_BYTES = 1 << 20  # any other variable in the file: scipy reads it too
_REDOWNLOAD = "The file is damaged or is not the course's; copy it again from the course."


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
        ValueError: the file is not a MATLAB v5/v7 file scipy can read, lacks one of the keys
            X, y, Xval, yval, or they are not the course's: declared shapes other than
            ``(m, 2)``/``(m, 1)`` with at most 211 (200 test) points (checked before reading),
            text, cells or complex numbers, NaN/Inf, labels other than 0/1, or X and y of
            different lengths. The message names the file and the key.

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
    path = folder / MAT_FILE
    _check_declared_mat(path, op)
    try:
        data = scipy.io.loadmat(str(path), variable_names=list(MAT_ARRAYS))
    except Exception as err:  # scipy's MatReadError, ValueError, OSError, struct or zlib errors
        raise ValueError(
            f"{op}: expected a readable MATLAB file, got {path}, which scipy cannot read "
            f"({type(err).__name__}: {' '.join(str(err).split())}). {_REDOWNLOAD}"
        ) from None
    missing = [key for key in MAT_ARRAYS if key not in data]
    if missing:
        raise ValueError(
            f"{op}: expected the keys X, y, Xval and yval in {path}, got no "
            f"{', '.join(missing)}. Is it the course's data.mat?"
        )
    arrays = [data["X"], data["y"], data["Xval"], data["yval"]]
    for (x_key, y_key), (X, y) in zip(
        (("X", "y"), ("Xval", "yval")), (arrays[:2], arrays[2:]), strict=True
    ):
        names = (f"{x_key} in {path}", f"{y_key} in {path}")
        for arr, name in zip((X, y), names, strict=True):
            if not isinstance(arr, np.ndarray) or arr.dtype.kind not in "biuf" or arr.ndim != 2:
                raise ValueError(
                    f"{op}: expected a 2-D array of numbers for {name}, got {_describe(arr)}. "
                    f"{_REDOWNLOAD}"
                )
        _check_xy(X, y, axis=0, binary=True, op=op, names=names, hint=_REDOWNLOAD)
    if layout == "course":
        arrays = [a.T for a in arrays]  # the course's data['X'].T: X (2, m), y (1, m)
    return Course2Data(*arrays)


def _describe(arr: object) -> str:
    if isinstance(arr, np.ndarray):
        return f"shape {arr.shape} of dtype {arr.dtype}"
    return type(arr).__name__


# MATLAB level 5 (v6/v7) files, as far as needed to read each variable's declared class and
# shape without reading or inflating its data (the format: MathWorks, "MAT-File Format", R2024).
_MI_INT32, _MI_UINT32, _MI_MATRIX, _MI_COMPRESSED = 5, 6, 14, 15
_MX_NUMERIC = range(6, 16)  # double, single, int8 ... uint64
_MX_NAMES = {1: "a cell array", 2: "a struct", 3: "an object", 4: "text (char)",
             5: "a sparse matrix"}  # fmt: skip


def _check_declared_mat(path: Path, op: str) -> None:
    """Check the declared shapes and classes in a MATLAB v5 file against ``MAT_ARRAYS`` before
    scipy reads anything; other files (MATLAB v4) are left to scipy, HDF5 (v7.3) is refused.

    Raises:
        ValueError: naming the file, the variable and what it declares.
    """
    with open(path, "rb") as f:
        size = os.fstat(f.fileno()).st_size
        header = f.read(128)
        if header.startswith(b"\x89HDF") or b"MATLAB 7.3" in header[:20]:
            raise ValueError(
                f"{op}: expected a MATLAB v5/v7 file, got {path}, which is a MATLAB v7.3 (HDF5) "
                f"file that scipy cannot read. Save it in MATLAB with save('data.mat', '-v7') or "
                f"in Python with scipy.io.savemat."
            )
        declared: dict[str, tuple[tuple[int, ...], int, bool]] = {}
        if len(header) < 128 or header[126:128] not in (b"IM", b"MI"):
            _declared_v4(f, size, declared, path, op)  # MATLAB v4, or not a MATLAB file
            _check_declared_arrays(declared, path, op)
            return
        endian = "<" if header[126:128] == b"IM" else ">"
        pos = 128
        while pos + 8 <= size:
            f.seek(pos)
            mdtype, nbytes = struct.unpack(endian + "II", f.read(8))
            if mdtype == _MI_COMPRESSED:
                try:  # the variable's header only: at most 512 inflated bytes
                    head = zlib.decompressobj().decompress(f.read(min(nbytes, 4096)), 512)
                except zlib.error as err:
                    raise ValueError(
                        f"{op}: expected a readable MATLAB file, got {path}, whose compressed "
                        f"data is damaged ({err}). {_REDOWNLOAD}"
                    ) from None
            elif mdtype == _MI_MATRIX:
                head = struct.pack(endian + "II", mdtype, nbytes) + f.read(min(nbytes, 512))
            else:
                head = b""
            if head:
                name, shape, mx_class, complex_ = _matrix_header(head, endian, path, op)
                declared[name] = (shape, mx_class, complex_)
            pos += 8 + nbytes
    _check_declared_arrays(declared, path, op)


def _declared_v4(f, size: int, declared: dict, path: Path, op: str) -> None:
    """The variables of a MATLAB v4 file (20-byte headers, uncompressed data) into
    ``declared``; nothing if the file is not v4 (scipy then says what it is)."""
    pos = 0
    while pos + 20 <= size:
        f.seek(pos)
        raw = f.read(20)
        for endian in "<>":
            mopt, rows, cols, imagf, namlen = struct.unpack(endian + "5i", raw)
            if (
                0 <= mopt < 5000
                and mopt // 1000 <= 4
                and mopt % 10 <= 2
                and (mopt // 100) % 10 == 0
            ):
                break
        else:
            return  # not v4
        itemsize = {0: 8, 1: 4, 2: 4, 3: 2, 4: 2, 5: 1}.get((mopt // 10) % 10)
        if itemsize is None or rows < 0 or cols < 0 or not 0 < namlen < 1024:
            return  # not v4 either
        name = f.read(namlen).split(b"\0", 1)[0].decode("latin-1")
        nbytes = rows * cols * itemsize * (2 if imagf else 1)
        if pos + 20 + namlen + nbytes > size:
            raise ValueError(
                f"{op}: expected a readable MATLAB file, got {path}, whose variable {name!r} "
                f"declares a ({rows}, {cols}) array of {nbytes} bytes, more than the file holds; "
                f"not read. {_REDOWNLOAD}"
            )
        kind = mopt % 10  # 0 numbers, 1 text, 2 sparse
        declared[name] = ((rows, cols), (6, 4, 5)[kind], bool(imagf))
        pos += 20 + namlen + nbytes


def _check_declared_arrays(declared: dict, path: Path, op: str) -> None:
    """The declared class and shape of X, y, Xval, yval (and the size of any other variable)
    against the course's."""
    for key, (most, columns) in MAT_ARRAYS.items():
        if key not in declared:
            continue  # reported after reading, with every missing key
        shape, mx_class, complex_ = declared[key]
        what = _MX_NAMES.get(mx_class, f"MATLAB class {mx_class}")
        if mx_class not in _MX_NUMERIC or complex_:
            what = "complex numbers" if complex_ else what
            raise ValueError(
                f"{op}: expected real numbers in {key} in {path}, got {what}. {_REDOWNLOAD}"
            )
        if len(shape) != 2 or shape[1] != columns or shape[0] > most:
            raise ValueError(
                f"{op}: expected {key} in {path} of shape (m, {columns}) with m <= {most} as in "
                f"the course, got a declared shape {shape}; not read. {_REDOWNLOAD}"
            )
    for key, (shape, _, _) in declared.items():
        if key not in MAT_ARRAYS and int(np.prod(shape, dtype=object)) * 16 > _MAX_OTHER_BYTES:
            raise ValueError(
                f"{op}: expected only X, y, Xval and yval in {path} (and small extras), got "
                f"{key!r} of declared shape {shape}; not read. {_REDOWNLOAD}"
            )


def _matrix_header(head: bytes, endian: str, path: Path, op: str):
    """(name, shape, class, complex) from the first bytes of an miMATRIX element."""

    def element(offset: int) -> tuple[int, bytes, int]:
        """(type, data, next offset) of the data element at ``offset`` (small or full)."""
        first, second = struct.unpack_from(endian + "II", head, offset)
        if first >> 16:  # small data element: 2 bytes size, 2 bytes type, 4 bytes data
            n = first >> 16
            return first & 0xFFFF, head[offset + 4 : offset + 4 + n], offset + 8
        end = offset + 8 + second
        if end > len(head):
            raise struct.error(f"an element of {second} bytes in a header")
        return first, head[offset + 8 : end], offset + 8 + -(-second // 8) * 8

    try:
        mdtype, _ = struct.unpack_from(endian + "II", head, 0)
        if mdtype != _MI_MATRIX:
            raise struct.error(f"data type {mdtype}, not a matrix")
        kind, flags, offset = element(8)
        if kind != _MI_UINT32 or len(flags) < 4:
            raise struct.error("no array flags")
        (bits,) = struct.unpack_from(endian + "I", flags)
        kind, dims, offset = element(offset)
        if kind != _MI_INT32 or not dims or len(dims) % 4:
            raise struct.error("no dimensions")
        shape = struct.unpack(endian + f"{len(dims) // 4}i", dims)
        _, raw_name, _ = element(offset)
        name = raw_name.decode("latin-1")
    except struct.error as err:
        raise ValueError(
            f"{op}: expected a readable MATLAB file, got {path}, with a damaged variable "
            f"header ({err}). {_REDOWNLOAD}"
        ) from None
    return name, tuple(shape), bits & 0xFF, bool(bits & 0x800)
