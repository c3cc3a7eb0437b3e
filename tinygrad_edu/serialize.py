"""Saving and loading model state as ``.npz`` files: no pickle, atomic writes, checked loads.

Layer: ``serialize``, above ``optim``. Imports numpy and the standard library only: a model is
anything with a ``state_dict()`` method (``nn.Module`` has one), so this module needs no ``nn``.

- ``save`` writes numeric arrays only, never pickle, into a temporary file in the target's folder,
  flushes it to disk, then renames it over the target: a crash or Ctrl-C during the save leaves
  the previous checkpoint as it was, never half of a new one.
- ``load`` reads with ``allow_pickle=False`` (loading a pickle can run arbitrary code), says
  clearly when a file is truncated or is not a checkpoint, and, given the state it should match,
  lists every missing or unexpected key and every shape or dtype difference at once.

>>> import os, tempfile
>>> path = os.path.join(tempfile.mkdtemp(), "model.npz")
>>> save({"W": np.ones((2, 3)), "b": np.zeros(2)}, path)
>>> {k: v.shape for k, v in load(path).items()}
{'W': (2, 3), 'b': (2,)}
"""

from __future__ import annotations

import os
import tempfile
import zipfile
from collections.abc import Mapping
from typing import Any

import numpy as np

__all__ = ["check_state", "load", "save"]

# A marker array stored next to the state, so a future format change can be detected.
FORMAT_KEY = "__tinygrad_edu_format__"
FORMAT_VERSION = 1

_NPY_MAGIC = b"\x93NUMPY"
_ZIP_MAGIC = b"PK"


def _as_state(obj: Any, what: str) -> dict[str, np.ndarray]:
    """A model (anything with ``state_dict()``) or a mapping of name -> array or tensor."""
    if hasattr(obj, "state_dict") and callable(obj.state_dict):
        obj = obj.state_dict()
    if not isinstance(obj, Mapping):
        raise TypeError(
            f"{what}: expected a model with state_dict() or a dict of name -> array, got "
            f"{type(obj).__name__}."
        )
    state = {}
    for key, value in obj.items():
        if not isinstance(key, str) or not key:
            raise TypeError(f"{what}: expected non-empty string keys, got {key!r}.")
        data = getattr(value, "data", value)  # a Tensor or Parameter holds its array in .data
        state[key] = data if isinstance(data, np.ndarray) else np.asarray(data)
    return state


def save(module_or_state: Any, path: str | os.PathLike) -> None:
    """Write a model's ``state_dict()`` (or a dict of arrays) to ``path`` as ``.npz``, atomically.

    The file is written exactly at ``path`` (no ``.npz`` is appended). Only numeric and boolean
    arrays are accepted, so the file never needs pickle to load.

    Raises:
        TypeError: a key is not a string, or a value is not a numeric array (object dtype).
        OSError: the folder does not exist or is not writable; the old file is then untouched.

    >>> import os, tempfile
    >>> path = os.path.join(tempfile.mkdtemp(), "w.npz")
    >>> save({"w": np.arange(3.0)}, path)
    >>> load(path)["w"]
    array([0., 1., 2.])
    """
    state = _as_state(module_or_state, "save")
    if FORMAT_KEY in state:
        raise ValueError(f"save: the key {FORMAT_KEY!r} is reserved; rename that entry.")
    for key, arr in state.items():
        if arr.dtype.kind not in "biufc":
            raise TypeError(
                f"save: expected numeric arrays, got {key!r} of dtype {arr.dtype}. Checkpoints "
                f"hold numbers only, so that loading them never needs pickle."
            )
    path = os.fspath(path)
    folder = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{os.path.basename(path)}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            _write_arrays(f, state)
            f.flush()
            os.fsync(f.fileno())  # the bytes are on disk before the rename makes them the file
        os.replace(tmp, path)  # atomic on POSIX and Windows: readers see the old or the new file
    except BaseException:  # also Ctrl-C: never leave the temporary file behind
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    _fsync_folder(folder)


def _write_arrays(f, state: dict[str, np.ndarray]) -> None:
    """The ``.npz`` layout (a zip of ``.npy`` files), as ``np.savez`` writes it, without pickle.

    Written directly rather than through ``np.savez(f, **state)``, where a key named ``file`` or
    ``allow_pickle`` would collide with its parameters.
    """
    with zipfile.ZipFile(f, mode="w", compression=zipfile.ZIP_STORED, allowZip64=True) as zf:
        for key, arr in {**state, FORMAT_KEY: np.array(FORMAT_VERSION)}.items():
            with zf.open(key + ".npy", mode="w", force_zip64=True) as member:
                np.lib.format.write_array(member, np.asanyarray(arr), allow_pickle=False)


def _fsync_folder(folder: str) -> None:
    """Make the rename itself durable (POSIX); a no-op where folders cannot be opened."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:  # some file systems cannot fsync a folder; the rename has happened anyway
        return
    finally:
        os.close(fd)


def load(path: str | os.PathLike, expected: Any = None) -> dict[str, np.ndarray]:
    """Read a checkpoint written by ``save`` (or any ``.npz`` of numeric arrays) without pickle.

    Args:
        path: the ``.npz`` file.
        expected: optional model (anything with ``state_dict()``) or dict of arrays the file must
            match: the same keys, shapes and dtypes. Pass it to get one readable list of every
            difference instead of an error deep inside ``load_state_dict``.

    Returns:
        A dict of name -> numpy array, in the file's order; give it to ``model.load_state_dict``.

    Raises:
        FileNotFoundError: no file at ``path``.
        ValueError: the file is truncated or corrupt, is not an ``.npz`` checkpoint, holds arrays
            that need pickle, or does not match ``expected``.

    >>> import os, tempfile
    >>> path = os.path.join(tempfile.mkdtemp(), "m.npz")
    >>> save({"b": np.zeros(2)}, path)
    >>> load(path, expected={"b": np.ones(2)})["b"]
    array([0., 0.])
    """
    path = os.fspath(path)
    with open(path, "rb") as f:  # FileNotFoundError names the path already
        head = f.read(len(_NPY_MAGIC))
    if not head.startswith(_ZIP_MAGIC):
        kind = (
            "an empty file"
            if not head
            else "a single .npy array (np.save), not an .npz archive"
            if head.startswith(_NPY_MAGIC)
            else f"not an .npz archive (it starts with {head!r})"
        )
        raise ValueError(
            f"load: {path!r} is not a tinygrad_edu checkpoint: it is {kind}. Checkpoints are "
            f".npz files written by tinygrad_edu.save(model, path)."
        )
    state: dict[str, np.ndarray] = {}
    key = None
    try:
        with np.load(path, allow_pickle=False) as archive:
            for key in archive.files:
                value = archive[key]
                if not isinstance(value, np.ndarray):  # a zip member that is not a .npy file
                    raise ValueError(
                        f"load: {path!r} is not a tinygrad_edu checkpoint: it is a zip archive "
                        f"holding {key!r}, which is not a .npy array. Checkpoints are .npz files "
                        f"written by tinygrad_edu.save(model, path)."
                    )
                state[key] = value
    except ValueError as err:
        if str(err).startswith("load: "):  # ours, from the loop above
            raise
        if "pickle" in str(err):
            raise ValueError(
                f"load: {path!r} holds an array ({key!r}) that only pickle can load (object "
                f"dtype). tinygrad_edu refuses pickle, which can run arbitrary code while "
                f"loading; save numeric arrays only."
            ) from err
        raise _corrupt(path, err) from err
    except (zipfile.BadZipFile, EOFError, OSError, KeyError) as err:
        raise _corrupt(path, err) from err
    version = state.pop(FORMAT_KEY, None)
    if version is not None and (version.shape != () or int(version) > FORMAT_VERSION):
        raise ValueError(
            f"load: {path!r} was written in checkpoint format {version.tolist()!r}, newer than "
            f"this version of tinygrad_edu reads ({FORMAT_VERSION}). Upgrade tinygrad_edu."
        )
    if expected is not None:
        check_state(state, expected, source=repr(path), what="load")
    return state


def _corrupt(path: str, err: Exception) -> ValueError:
    return ValueError(
        f"load: {path!r} is truncated or corrupt ({type(err).__name__}: {err}). It may have been "
        f"cut short by a copy or download, or written by a program that stopped mid-save (files "
        f"written by tinygrad_edu.save never are). Use an earlier checkpoint or save again."
    )


def check_state(state: Any, expected: Any, source: str = "the state", what: str = "check_state"):
    """Raise ``ValueError`` listing every key, shape and dtype difference between two states.

    Both may be models (with ``state_dict()``) or dicts of arrays/tensors.

    >>> check_state({"W": np.zeros((3, 2))}, {"W": np.zeros((2, 3)), "b": np.zeros(2)})
    Traceback (most recent call last):
    ...
    ValueError: check_state: expected the state to match the expected keys, shapes and dtypes, ...
      missing key  'b': expected (2,) float64
      shape        'W': found (3, 2), expected (2, 3) (transposed?)
    """
    found = _as_state(state, what)
    want = _as_state(expected, what)
    lines = []
    for key, arr in want.items():
        if key not in found:
            lines.append(f"  missing key  {key!r}: expected {arr.shape} {arr.dtype}")
    for key, arr in found.items():
        if key not in want:
            lines.append(f"  extra key    {key!r}: found {arr.shape} {arr.dtype}")
    for key, arr in found.items():
        target = want.get(key)
        if target is None:
            continue
        if arr.shape != target.shape:
            hint = ""
            if arr.ndim == 2 and arr.shape == target.shape[::-1]:
                hint = " (transposed?)"
            elif arr.size == target.size:
                hint = " (same size: reshaped?)"
            lines.append(
                f"  shape        {key!r}: found {arr.shape}, expected {target.shape}{hint}"
            )
        if arr.dtype != target.dtype:
            lines.append(f"  dtype        {key!r}: found {arr.dtype}, expected {target.dtype}")
    if lines:
        count = f"{len(lines)} difference{'s' * (len(lines) != 1)}"
        raise ValueError(
            f"{what}: expected {source} to match the expected keys, shapes and dtypes, got "
            f"{count}:\n" + "\n".join(lines)
        )
