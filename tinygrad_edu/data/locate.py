"""Where a data set's files are found: an explicit folder, or ``TINYGRAD_EDU_DATA``.

Layer: ``data``. One rule for every course's data (cats, course 2's ``data.mat``, dinosaur
names): the folder given (``data_dir=``, ``--data DIR``) or named by the ``TINYGRAD_EDU_DATA``
environment variable either holds the files itself, or is a parent folder holding one subfolder
per data set::

    TINYGRAD_EDU_DATA=/data/course/catvnoncat     # the files themselves (as before)
    TINYGRAD_EDU_DATA=/data/course                # catvnoncat/, course2/, dinos/ inside

The package never looks anywhere else.
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
) -> Path:
    """The folder holding every file in ``names``: ``data_dir`` (or ``$TINYGRAD_EDU_DATA``)
    itself, its subfolder ``dataset``, or the folder ``dataset`` beside it.

    Args:
        names: the files that must be there, e.g. ``("data.mat",)``.
        dataset: the subfolder name in a parent data folder, e.g. ``"course2"``.
        data_dir: the folder to use; None for the environment variable.
        op: the caller's name, for the error message.

    Raises:
        FileNotFoundError: nothing given, or neither folder holds the files; the message says
            where it looked and how to point to the files.

    >>> find_dataset_dir(("data.mat",), "course2", "/no/such/dir")
    Traceback (most recent call last):
    ...
    FileNotFoundError: find_dataset_dir: expected a folder holding data.mat, got /no/such/dir ...
    """
    files = " and ".join(names)
    hint = (
        f"Pass --data DIR (data_dir=DIR in Python) or set {DATA_ENV_VAR}=DIR, where DIR holds "
        f"{files} or a subfolder {dataset}/ that holds {'them' if len(names) > 1 else 'it'}."
    )
    if data_dir is not None:
        source = "the data_dir argument"
    elif os.environ.get(DATA_ENV_VAR):
        data_dir, source = os.environ[DATA_ENV_VAR], f"the {DATA_ENV_VAR} environment variable"
    else:
        raise FileNotFoundError(
            f"{op}: expected a folder holding {files}, got none: no data_dir was passed and "
            f"{DATA_ENV_VAR} is not set. {hint}"
        )
    path = Path(data_dir).expanduser()
    if not path.is_dir():
        problem = "which does not exist" if not path.exists() else "which is a file, not a folder"
        raise FileNotFoundError(f"{op}: expected a folder holding {files}, got {path} ({source}), "
                                f"{problem}. {hint}")  # fmt: skip
    candidates = (path, path / dataset, path.parent / dataset)
    for folder in candidates:
        if all((folder / name).is_file() for name in names):
            return folder
    raise FileNotFoundError(
        f"{op}: expected a folder holding {files}, got {path} ({source}); none of "
        f"{', '.join(str(c) for c in candidates)} holds {'them all' if len(names) > 1 else 'it'}. "
        f"{hint}"
    )
