"""The dinosaur names of course 5's "Dinosaur Island" (week 1), for character-level models.

Layer: ``data``. ``load_dinos`` reads ``dinos.txt`` (1,536 names, one per line) as the course does:
``open(...).read().lower()``, the vocabulary is the sorted set of its characters (``'\\n'`` = 0,
``'a'`` = 1 ... ``'z'`` = 26) and the names are its lines, stripped.

Where the file is found: the folder (or file) passed as ``data_dir``, else ``$TINYGRAD_EDU_DATA``;
in that folder itself, in its ``dinos/`` subfolder (a folder holding every data set:
``catvnoncat/``, ``course2/``, ``dinos/``), or in a ``dinos/`` folder beside it (when the variable
points at another data set's folder, such as ``catvnoncat/``): every data set's rule
(``data.locate``).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from tinygrad_edu.data.files import _check_sha256sums
from tinygrad_edu.data.locate import find_dataset_dir

__all__ = ["DINOS_FILE", "CharData", "find_data_file", "load_dinos"]

DINOS_FILE = "dinos.txt"
_MAX_TEXT_BYTES = 64 << 20  # the course's file is 19 KB


def find_data_file(
    filename: str, folder: str, data_dir: str | os.PathLike | None = None, op: str = "data"
) -> Path:
    """Find one of the course's data files: ``filename``, kept in a folder named ``folder``.

    Looks at ``data_dir`` if given, else at ``$TINYGRAD_EDU_DATA`` (never at a built-in place),
    by every data set's rule (``data.locate.find_dataset_dir``): the file itself, or
    ``<path>/filename``, ``<path>/folder/filename``, ``<path>/../folder/filename``.

    Args:
        filename: e.g. ``"dinos.txt"``.
        folder: the data set's folder name, e.g. ``"dinos"``.
        data_dir: a folder (or the file itself); default ``$TINYGRAD_EDU_DATA``.
        op: the caller's name, for the error message.

    Returns:
        The file's path.

    Raises:
        FileNotFoundError: nothing given, or no candidate exists; the message (one line) names
            the folders looked in and how to point to the file.

    >>> find_data_file("dinos.txt", "dinos", "/no/such/dir")
    Traceback (most recent call last):
    ...
    FileNotFoundError: data: expected a folder holding dinos.txt, got /no/such/dir (the data_dir ...
    """
    return find_dataset_dir((filename,), folder, data_dir, op=op) / filename


@dataclass(frozen=True, repr=False)
class CharData:
    """A text for a character-level model, read the course's way.

    Attributes:
        text: the whole file, lowercased.
        names: its lines, stripped (the training examples).
        chars: the vocabulary, ``sorted(set(text))``, always with ``'\\n'`` (the end of a
            name, which a model must be able to predict even from a text of one line).

    >>> d = CharData.from_text("Ab\\nc")
    >>> d.names, d.chars, d.char_to_ix["b"], d.vocab_size
    (('ab', 'c'), ('\\n', 'a', 'b', 'c'), 2, 4)
    """

    text: str
    names: tuple[str, ...]
    chars: tuple[str, ...]

    @classmethod
    def from_text(cls, text: str) -> CharData:
        """Lowercase ``text``; its lines are the names and its characters the vocabulary."""
        text = text.lower()
        names = tuple(line.strip() for line in text.split("\n"))
        return cls(text=text, names=names, chars=tuple(sorted(set(text) | {"\n"})))

    @property
    def vocab_size(self) -> int:
        """The number of distinct characters (27 for the dinosaurs: '\\n' and a-z)."""
        return len(self.chars)

    @property
    def char_to_ix(self) -> dict[str, int]:
        """Character -> index, in sorted order (``'\\n'`` -> 0, ``'a'`` -> 1, ...)."""
        return {ch: i for i, ch in enumerate(self.chars)}

    @property
    def ix_to_char(self) -> dict[int, str]:
        """Index -> character."""
        return dict(enumerate(self.chars))

    def __repr__(self) -> str:
        return (
            f"CharData({len(self.names)} names, {len(self.text)} characters, vocabulary of "
            f"{self.vocab_size})"
        )


def load_dinos(data_dir: str | os.PathLike | None = None, *, verify: bool = True) -> CharData:
    """Read ``dinos.txt``, the course's 1,536 dinosaur names.

    Args:
        data_dir: the folder holding ``dinos.txt`` (or a ``dinos/`` folder), or the file itself;
            default ``$TINYGRAD_EDU_DATA`` (see `find_data_file`).
        verify: if a ``SHA256SUMS`` file sits beside it, check the file and warn on a mismatch.

    Returns:
        A `CharData`: ``names`` (1,536), ``chars`` (27: ``'\\n'`` and a-z).

    Raises:
        FileNotFoundError: the file cannot be found (the message says where it looked).
        ValueError: the file is not UTF-8 text, holds no names, or is larger than a text of
            names could be (64 MiB); the message names the file.

    >>> dinos = load_dinos()  # doctest: +SKIP
    >>> len(dinos.names), dinos.vocab_size, dinos.names[0]  # doctest: +SKIP
    (1536, 27, 'aachenosaurus')
    """
    path = find_data_file(DINOS_FILE, "dinos", data_dir, op="load_dinos")
    if verify:
        _check_sha256sums(path.parent, (DINOS_FILE,), "load_dinos")
    with open(path, "rb") as f:
        raw = f.read(_MAX_TEXT_BYTES + 1)
    problem = None
    if len(raw) > _MAX_TEXT_BYTES:
        problem = f"a file of more than {_MAX_TEXT_BYTES} bytes, not a list of names"
    else:
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as err:
            line = raw[: err.start].count(b"\n") + 1
            problem = f"bytes that are not UTF-8 text (line {line}: {raw[err.start : err.end]!r})"
        else:
            text = text.replace("\r\n", "\n").replace("\r", "\n")  # as open() reads text
            if not text.strip():
                problem = "no names (it is empty or blank)"
            elif "\x00" in text:
                problem = "NUL bytes, so it is not a text file"
    if problem:
        raise ValueError(
            f"load_dinos: expected names, one per line, in UTF-8 text, got {path}, which holds "
            f"{problem}. The course's dinos.txt lists 1,536 names; copy it again from the course."
        )
    return CharData.from_text(text)
