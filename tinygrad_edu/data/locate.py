"""Where a data set's files are found: an explicit folder, or ``TINYGRAD_EDU_DATA``.

Layer: ``data``. One rule for every course's data (the cats, course 2's ``data.mat``, the
dinosaur names): the folder given (``data_dir=``, ``--data DIR``) or named by the
``TINYGRAD_EDU_DATA`` environment variable holds the files itself, or holds one subfolder per data
set, or is one data set's folder with the others beside it::

    TINYGRAD_EDU_DATA=/data/course/catvnoncat     # the cats; course2/ and dinos/ beside it
    TINYGRAD_EDU_DATA=/data/course                # catvnoncat/, course2/, dinos/ inside

A data set of one file may also be named by the file itself. The package never looks anywhere
else.
"""

from __future__ import annotations

import os
from pathlib import Path

from tinygrad_edu.data.files import DATA_ENV_VAR


def find_dataset_dir(
    names: tuple[str, ...],
    dataset: str,
    data_dir: str | os.PathLike | None = None,
    *,
    op: str = "find_dataset_dir",
    hint: str | None = None,
) -> Path:
    """The folder holding every file in ``names``: ``data_dir`` (or ``$TINYGRAD_EDU_DATA``)
    itself, its subfolder ``dataset``, or the folder ``dataset`` beside it.

    Args:
        names: the files that must be there, e.g. ``("data.mat",)``.
        dataset: the data set's folder name, e.g. ``"course2"``.
        data_dir: the folder to use (or, for a one-file data set, the file); None for the
            environment variable.
        op: the caller's name, for the error message.
        hint: what the error message says to do, if not the usual "Pass --data DIR ...".

    Returns:
        The folder, ``~`` expanded.

    Raises:
        FileNotFoundError: nothing given, or no candidate folder holds the files. The message
            (one line) names the files, the folders it looked in and how to point to them.

    >>> find_dataset_dir(("data.mat",), "course2", "/no/such/dir")
    Traceback (most recent call last):
    ...
    FileNotFoundError: find_dataset_dir: expected a folder holding data.mat, got /no/such/dir ...
    """
    files = " and ".join(names)
    if hint is None:
        hint = (
            f"Pass --data DIR (data_dir=DIR in Python) or set {DATA_ENV_VAR}=DIR, where DIR is the "
            f"folder holding {files}, or a folder with a {dataset}/ subfolder that holds "
            f"{'them' if len(names) > 1 else 'it'}."
        )
    wanted = f"{op}: expected a folder holding {files}"
    if data_dir is not None:
        source = "the data_dir argument"
    elif os.environ.get(DATA_ENV_VAR):
        data_dir, source = os.environ[DATA_ENV_VAR], f"the {DATA_ENV_VAR} environment variable"
    else:
        raise FileNotFoundError(
            f"{wanted}, got none: no data_dir was passed and {DATA_ENV_VAR} is not set. {hint}"
        )
    path = Path(data_dir).expanduser()
    if path.is_file() and names == (path.name,):
        return path.parent  # the one file itself
    if not path.exists():
        problem = "which does not exist"
    elif not path.is_dir():
        them = "the files" if len(names) > 1 else f"{names[0]}, or {names[0]} itself"
        problem = f"which is a file, not a folder (pass the folder that holds {them})"
    else:
        candidates = list(dict.fromkeys((path, path / dataset, path.parent / dataset)))
        for folder in candidates:
            if all((folder / name).is_file() for name in names):
                return folder
        missing = " and ".join(name for name in names if not (path / name).is_file())
        them = "them" if len(names) > 1 else "it"
        others = [str(c) for c in candidates[1:]]
        problem = f"which lacks {missing}"
        if len(others) == 2:
            problem += f", and neither {others[0]} nor {others[1]} holds {them}"
        elif others:
            problem += f", and {others[0]} does not hold {them} either"
    raise FileNotFoundError(f"{wanted}, got {path} ({source}), {problem}. {hint}")
