"""Saving and loading model state as ``.npz`` files: no pickle, atomic writes, checked loads.

Layer: ``serialize``, above ``optim``. Imports numpy and the standard library only: a model is
anything with a ``state_dict()`` method (``nn.Module`` has one), so this module needs no ``nn``.

- ``save`` writes numeric arrays only, never pickle, into a temporary file in the target's folder,
  flushes it to disk, then renames it over the target: a crash or Ctrl-C during the save leaves
  the previous checkpoint as it was, never half of a new one. A new file gets the permissions your
  umask gives (``0644`` usually), a replaced file keeps its own; temporary files that a killed save
  left behind (``.NAME.tge-*.tmp``) are removed by the next save into that folder. Every key is
  stored exactly, or refused with the reason (a NUL byte, a lone surrogate, a name longer than a
  zip entry can hold).
- ``load`` never unpickles (loading a pickle can run arbitrary code) and never inflates: it reads
  each array's declared shape and dtype first and refuses, before allocating anything, a
  compressed member, an array larger than the bytes the file holds, or a dtype that is not a
  number. Every problem with a file's contents is a ``ValueError`` that names the file; given the
  state it should match, it lists every missing or unexpected key and every shape or dtype
  difference at once.

>>> import os, tempfile
>>> path = os.path.join(tempfile.mkdtemp(), "model.npz")
>>> save({"W": np.ones((2, 3)), "b": np.zeros(2)}, path)
>>> {k: v.shape for k, v in load(path).items()}
{'W': (2, 3), 'b': (2,)}
"""

from __future__ import annotations

import errno
import hashlib
import math
import os
import re
import secrets
import socket
import stat
import time
import zipfile
from collections.abc import Mapping
from typing import Any, cast

import numpy as np

__all__ = ["check_state", "load", "save"]

# A marker array stored next to the state, so a future format change can be detected.
FORMAT_KEY = "__tinygrad_edu_format__"
FORMAT_VERSION = 1

_NPY_MAGIC = b"\x93NUMPY"
_ZIP_MAGIC = b"PK"
_NUMERIC_KINDS = "biufc"
_MAX_HEADER = 10_000  # bytes of an .npy header numpy itself accepts by default
_MAX_NAME_BYTES = 65_535 - len(".npy")  # a zip entry's name length is a 16-bit field

# Temporary files: ".NAME.tge-HOST-PID-RANDOM.tmp" beside the target. HOST and PID let the next
# save tell a dead writer's leftovers from a save in progress in another process.
_TMP_TAG = "tge"
_TMP_NAME = re.compile(r"^\.(?P<base>.+)\.tge-(?P<host>[0-9a-f]{6})-(?P<pid>\d+)-[0-9a-z]+\.tmp$")
# Version 0.1.0 named them with tempfile.mkstemp: ".NAME.XXXXXXXX.tmp".
_OLD_TMP_NAME = re.compile(r"^\.(?P<base>.+)\.[a-z0-9_]{8}\.tmp$")
_STALE_AFTER = 3600.0  # seconds: a temp file this old whose writer cannot be checked is stale


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
        if isinstance(value, Mapping) or hasattr(value, "state_dict"):
            raise TypeError(
                f"{what}: expected a flat dict of name -> array, got {key!r}: a "
                f"{type(value).__name__} (a nested state). Save each state to its own file, "
                f"e.g. save(model, 'model.npz') and save(optimizer, 'optimizer.npz'), or flatten "
                f"the names: {{f'{key}.{{name}}': value for name, value in state.items()}}."
            )
        if not isinstance(value, (np.ndarray, np.generic)):  # their .data is a memoryview
            value = getattr(value, "data", value)  # a Tensor or Parameter holds its array there
        if isinstance(value, np.ma.MaskedArray) and np.ma.getmaskarray(value).any():
            raise TypeError(
                f"{what}: expected plain arrays, got {key!r}: a masked array with "
                f"{int(np.ma.getmaskarray(value).sum())} masked value(s), whose mask would be "
                f"lost. Store the values and the mask as two entries: {key!r}: "
                f"{key}.filled(0), {key + '.mask'!r}: np.ma.getmaskarray({key})."
            )
        try:
            state[key] = value if isinstance(value, np.ndarray) else np.asarray(value)
        except ValueError as err:  # a ragged list: numpy's "inhomogeneous shape"
            raise ValueError(
                f"{what}: expected an array for {key!r}, got a {type(value).__name__} that is not "
                f"one ({' '.join(str(err).split())}). Rows of different lengths make no array; "
                f"store each as its own entry."
            ) from None
    return state


def _check_key(key: str) -> None:
    """Refuse, with the reason, a key that would not come back exactly from the zip archive."""
    problem = None
    if "\x00" in key:
        problem = "it holds a NUL byte ('\\x00'), where zip entry names end"
    elif key == FORMAT_KEY:
        problem = "it is reserved for the file format's version"
    else:
        try:
            encoded = key.encode("utf-8")
        except UnicodeEncodeError as err:
            problem = f"it holds {key[err.start]!r}, a lone surrogate that UTF-8 cannot store"
        else:
            if len(encoded) > _MAX_NAME_BYTES:
                problem = f"it is {len(encoded)} bytes long; a zip entry name holds at most "
                problem += f"{_MAX_NAME_BYTES}"
            elif zipfile.ZipInfo(key + ".npy").filename != key + ".npy":
                problem = "this system's zip module would store it under another name"
    if problem:
        shown = key if len(key) <= 60 else key[:57] + "..."
        raise ValueError(f"save: cannot store the key {shown!r}: {problem}. Rename that entry.")


def save(module_or_state: Any, path: str | os.PathLike) -> None:
    """Write a model's ``state_dict()`` (or a dict of arrays) to ``path`` as ``.npz``, atomically.

    The file is written exactly at ``path`` (no ``.npz`` is appended). Only numeric and boolean
    arrays are accepted, so the file never needs pickle to load.

    Raises:
        TypeError: a key is not a string, or a value is not a numeric array (object, string,
            structured, datetime or timedelta dtype), or is a masked array with masked values
            (the mask would be lost).
        ValueError: a key cannot be stored exactly (it holds a NUL byte or a lone surrogate, or
            is reserved), or a value is a ragged list; the message says which and why. Or
            ``path`` is a device, a named pipe or a socket (``/dev/null``): a save replaces its
            target, and would replace the device.
        OSError: the folder does not exist or is not writable; the old file is then untouched.

    >>> import os, tempfile
    >>> path = os.path.join(tempfile.mkdtemp(), "w.npz")
    >>> save({"w": np.arange(3.0)}, path)
    >>> load(path)["w"]
    array([0., 1., 2.])
    """
    state = _as_state(module_or_state, "save")
    for key, arr in state.items():
        _check_key(key)
        if arr.dtype.kind in "mM":
            raise TypeError(
                f"save: expected numeric arrays, got {key!r} of dtype {arr.dtype} (dates or "
                f"durations). Store them as numbers, e.g. {key}.astype('int64') (a count of "
                f"{np.datetime_data(arr.dtype)[0]} units), and keep the unit in the key."
            )
        if arr.dtype.kind not in _NUMERIC_KINDS or arr.dtype.fields is not None:
            raise TypeError(
                f"save: expected numeric arrays, got {key!r} of dtype {arr.dtype}. Checkpoints "
                f"hold numbers only, so that loading them never needs pickle."
            )
    given = os.fsdecode(path)  # a str also for a bytes path
    path = os.path.realpath(given)  # through a symlink: replace its target, not it
    folder = os.path.dirname(path)
    if os.path.isdir(path) or given.endswith(("/", os.sep)):  # "ckpt/" would be a file "ckpt"
        raise IsADirectoryError(
            errno.EISDIR,
            f"save: {given!r} is a folder{'' if os.path.isdir(path) else ' name'}; give a file "
            f"name, e.g. {os.path.join(given, 'model.npz')!r}",
        )
    try:
        mode = os.stat(path).st_mode
    except OSError:
        mode = None  # no file there yet (or not reachable: creating the temp file says why)
    if mode is not None and not stat.S_ISREG(mode):  # the rename would replace the device
        kind = "a device"
        if stat.S_ISFIFO(mode) or stat.S_ISSOCK(mode):
            kind = "a named pipe" if stat.S_ISFIFO(mode) else "a socket"
        raise ValueError(
            f"save: {given!r} is {kind}, not a file; a save replaces its target with a new "
            f"file (replacing {path!r}), so it is refused. Give a file name, e.g. 'model.npz'."
        )
    _remove_stale_temp_files(folder)
    try:
        tmp, fd = _create_temp(path)
    except OSError as err:  # the message names the checkpoint, not our temporary file
        raise type(err)(
            err.errno, f"save: cannot write {given!r} ({err.strerror} in {folder!r})"
        ) from err
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


def _host_tag() -> str:
    return hashlib.sha256(socket.gethostname().encode("utf-8", "replace")).hexdigest()[:6]


def _create_temp(path: str) -> tuple[str, int]:
    """Create the temporary file beside ``path``; return its name and an open descriptor.

    A new checkpoint gets the mode ``0666`` minus the umask, as ``open()`` would give it; one
    that replaces a file keeps that file's mode (``tempfile.mkstemp`` would make both ``0600``).
    """
    try:
        mode = stat.S_IMODE(os.stat(path).st_mode)
    except FileNotFoundError:
        mode = None
    folder, base = os.path.split(path)
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    for _ in range(100):
        name = f".{base}.{_TMP_TAG}-{_host_tag()}-{os.getpid()}-{secrets.token_hex(4)}.tmp"
        tmp = os.path.join(folder, name)
        try:
            fd = os.open(tmp, flags, 0o666)  # the kernel applies the umask
        except FileExistsError:
            continue
        if mode is not None:
            try:
                os.chmod(tmp, mode)
            except OSError:  # e.g. a file system without permissions: keep what we got
                pass
        return tmp, fd
    raise FileExistsError(errno.EEXIST, "save: could not create a temporary file", folder)


def _pid_is_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)  # signal 0: only checks that the process exists
    except ProcessLookupError:
        return False
    except OSError:  # PermissionError: it exists, as another user's
        return True
    return True


def _remove_stale_temp_files(folder: str) -> None:
    """Delete temporary files of saves that were killed (kill -9, power loss) in ``folder``.

    Only our own names qualify: ``.NAME.tge-HOST-PID-RANDOM.tmp`` whose writer (on this host)
    has exited, or which is over an hour old when the writer cannot be checked (another host,
    or a system without process signals); and version 0.1.0's ``.NAME.XXXXXXXX.tmp`` beside an
    existing ``NAME`` when over an hour old and empty or holding the start of a zip archive (what
    that version left). Never fails a save: what cannot be removed stays.
    """
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    host, now = _host_tag(), time.time()
    for entry in entries:
        name = entry.name
        if not (name.startswith(".") and name.endswith(".tmp")):
            continue
        try:
            age = now - entry.stat(follow_symlinks=False).st_mtime
            if not entry.is_file(follow_symlinks=False):
                continue
            ours = _TMP_NAME.match(name)
            if ours:
                checkable = ours["host"] == host and os.name == "posix"
                stale = not _pid_is_alive(int(ours["pid"])) if checkable else age > _STALE_AFTER
            else:
                old = _OLD_TMP_NAME.match(name)
                stale = (
                    old is not None
                    and age > _STALE_AFTER
                    and os.path.isfile(os.path.join(folder, old["base"]))
                    and _holds_a_partial_save(entry.path)
                )
            if stale:
                os.unlink(entry.path)
        except OSError:
            continue


def _holds_a_partial_save(path: str) -> bool:
    """Whether a file named like version 0.1.0's temporary files holds what that version's
    killed save left: nothing, or the start of a zip archive. Another program's temporary
    file of the same shape of name (".data.bin.download.tmp" beside "data.bin") is kept."""
    with open(path, "rb") as f:
        head = f.read(4)
    return b"PK\x03\x04".startswith(head)  # a zip's first bytes, or as many as were written


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
        A dict of name -> numpy array, in the file's order, in this machine's byte order (a
        checkpoint from a big-endian machine loads as the same numbers); give it to
        ``model.load_state_dict``.

    Raises:
        FileNotFoundError: no file at ``path``.
        IsADirectoryError: ``path`` is a folder.
        ValueError: the file is truncated or corrupt, is not an ``.npz`` checkpoint (a named
            pipe neither: reading one would wait forever), holds arrays that need pickle, or
            does not match ``expected``.

    >>> import os, tempfile
    >>> path = os.path.join(tempfile.mkdtemp(), "m.npz")
    >>> save({"b": np.zeros(2)}, path)
    >>> load(path, expected={"b": np.ones(2)})["b"]
    array([0., 0.])
    """
    path = os.fsdecode(path)
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        mode = None  # open() below says it, naming the path
    if mode is not None and stat.S_ISDIR(mode):
        raise IsADirectoryError(
            errno.EISDIR, f"load: {path!r} is a folder; give the checkpoint file inside it"
        )
    if mode is not None and (stat.S_ISFIFO(mode) or stat.S_ISSOCK(mode)):  # reading would wait
        raise ValueError(
            f"load: {path!r} is not a tinygrad_edu checkpoint: it is a named pipe or socket, not "
            f"a file. Checkpoints are .npz files written by tinygrad_edu.save(model, path)."
        )
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
        f.seek(0)
        try:
            state = _read_arrays(f, path, os.fstat(f.fileno()).st_size)
        except ValueError as err:
            if str(err).startswith("load: "):  # ours, already naming the file
                raise
            raise _corrupt(path, err) from err
        except MemoryError:  # the sizes were checked against the file: a real lack of memory
            raise
        except Exception as err:  # zipfile, zlib, struct, EOF, OS errors: a damaged file
            raise _corrupt(path, err) from err
    version = state.pop(FORMAT_KEY, None)
    if version is not None and (
        version.shape != () or version.dtype.kind not in "iu" or int(version) > FORMAT_VERSION
    ):
        raise ValueError(
            f"load: {path!r} was written in checkpoint format {version.tolist()!r}, newer than "
            f"this version of tinygrad_edu reads ({FORMAT_VERSION}). Upgrade tinygrad_edu."
        )
    if expected is not None:
        check_state(state, expected, source=repr(path), what="load")
    return state


def _foreign(path: str, what: str) -> ValueError:
    return ValueError(
        f"load: {path!r} is not a tinygrad_edu checkpoint: {what}. Checkpoints are .npz files "
        f"written by tinygrad_edu.save(model, path)."
    )


def _read_arrays(f, path: str, file_size: int) -> dict[str, np.ndarray]:
    """Read every member of the zip archive ``f`` as a numeric array, checking what each one
    declares (name, compression, dtype, shape, size) before reading or allocating anything."""
    try:
        archive = zipfile.ZipFile(f)
    except zipfile.BadZipFile as err:
        f.seek(0)
        if f.read(4) in (b"PK\x03\x04", b"PK\x05\x06"):  # a zip's first record: a cut zip
            raise _corrupt(path, err) from err
        raise _foreign(path, "it starts with 'PK' like a zip archive but is not one") from err
    with archive:
        infos = archive.infolist()
        seen: set[str] = set()
        declared = 0
        for info in infos:
            name = info.filename
            if name in seen:
                raise _foreign(path, f"it holds two entries named {name!r}")
            seen.add(name)
            if not name.endswith(".npy"):
                raise _foreign(
                    path, f"it is a zip archive holding {name!r}, which is not a .npy array"
                )
            if info.flag_bits & 0x1:
                raise _foreign(path, f"its entry {name!r} is encrypted")
            if info.compress_type != zipfile.ZIP_STORED:
                raise ValueError(
                    f"load: {path!r} holds a compressed entry {name!r} (zip method "
                    f"{info.compress_type}). tinygrad_edu.save never compresses, and a compressed "
                    f"entry can inflate to far more memory than the file's size, so load refuses "
                    f"it. If you trust the file (e.g. from np.savez_compressed), re-save it "
                    f"uncompressed: np.savez(new_path, **np.load(path))."
                )
            declared += info.file_size
            if info.file_size != info.compress_size or declared > file_size:
                raise _corrupt(
                    path,
                    ValueError(
                        f"its entries declare {declared} bytes of data, more than the file's "
                        f"{file_size} bytes"
                    ),
                )
        return {info.filename[:-4]: _read_member(archive, info, path) for info in infos}


def _read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, path: str) -> np.ndarray:
    key = info.filename[:-4]
    with archive.open(info) as opened:
        # Reading, ZipFile.open returns a ZipExtFile (typeshed says IO[bytes], without readinto).
        member = cast(zipfile.ZipExtFile, opened)
        version = np.lib.format.read_magic(member)
        if version == (1, 0):
            shape, fortran, dtype = np.lib.format.read_array_header_1_0(
                member, max_header_size=_MAX_HEADER
            )
        elif version == (2, 0):
            shape, fortran, dtype = np.lib.format.read_array_header_2_0(
                member, max_header_size=_MAX_HEADER
            )
        elif version == (3, 0):  # only for structured dtypes with non-latin-1 field names
            raise _foreign(path, f"{key!r} is in .npy format 3.0, which holds no plain numbers")
        else:
            raise ValueError(f"{key!r} declares an unknown .npy format version {version}")
        if dtype.hasobject:
            raise ValueError(
                f"load: {path!r} holds an array ({key!r}) that only pickle can load (object "
                f"dtype). tinygrad_edu refuses pickle, which can run arbitrary code while "
                f"loading; save numeric arrays only."
            )
        if dtype.kind not in _NUMERIC_KINDS or dtype.fields is not None or dtype.subdtype:
            raise _foreign(path, f"{key!r} has dtype {dtype}, not a number type")
        count = math.prod(shape)
        nbytes = count * dtype.itemsize
        stored = info.file_size - member.tell()
        if nbytes != stored:
            raise _corrupt(
                path,
                ValueError(
                    f"{key!r} declares shape {shape} {dtype} ({nbytes} bytes) but holds "
                    f"{stored} bytes"
                ),
            )
        buffer = bytearray(nbytes)
        view, filled = memoryview(buffer), 0
        while filled < nbytes:
            got = member.readinto(view[filled:])
            if not got:
                raise EOFError(f"{key!r} ends after {filled} of {nbytes} bytes")
            filled += got
        member.read(1)  # reaching the end makes zipfile compare the CRC (BadZipFile if wrong)
    array = np.frombuffer(buffer, dtype=dtype, count=count)
    if not dtype.isnative:  # written on a machine of the other byte order: the same numbers
        array = array.astype(dtype.newbyteorder("="))
    return array.reshape(shape, order="F" if fortran else "C")


def _corrupt(path: str, err: Exception) -> ValueError:
    return ValueError(
        f"load: {path!r} is truncated or corrupt ({type(err).__name__}: {err}). It may have been "
        f"cut short by a copy or download, or written by a program that stopped mid-save (files "
        f"written by tinygrad_edu.save never are). Use an earlier checkpoint or save again."
    )


def check_state(state: Any, expected: Any, source: str = "the state", what: str = "check_state"):
    """Raise ``ValueError`` listing every key, shape and dtype difference between two states.

    Both may be models (with ``state_dict()``) or dicts of arrays/tensors. A module's extra
    state (``"<name>._extra_state"``, a dropout generator's) may be missing from ``state``, as
    ``load_state_dict`` allows: states saved before it existed still load.

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
        if key not in found and not (key == "_extra_state" or key.endswith("._extra_state")):
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
