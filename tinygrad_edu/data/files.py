"""Where the course's files are found, and their SHA256SUMS check.

Layer: ``data``.
"""

from __future__ import annotations

import hashlib
import re
import warnings
from pathlib import Path

DATA_ENV_VAR = "TINYGRAD_EDU_DATA"
LAYOUTS = ("course", "batch")


_MAX_SUMS_BYTES = 1 << 20  # a SHA256SUMS file lists a few files: 1 MiB is plenty
_HEX64 = re.compile(r"^[0-9a-fA-F]{64}$")


def _warn(message: str) -> None:
    warnings.warn(message, UserWarning, stacklevel=4)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:  # in chunks: the file may be large
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _check_sha256sums(folder: Path, names: tuple[str, ...], op: str) -> None:
    """Warn (never fail) when a file in ``names`` differs from the sum in ``folder/SHA256SUMS``.

    A checksum file that cannot be read, is not text or is malformed only warns, as a mismatch
    does: checking sums is a courtesy, the loader's own checks decide whether the data loads.
    """
    sums_file = folder / "SHA256SUMS"
    if not sums_file.is_file():
        return
    try:
        with open(sums_file, "rb") as f:
            raw = f.read(_MAX_SUMS_BYTES + 1)
    except OSError as err:
        _warn(f"{op}: could not read {sums_file} ({err}); the files' checksums were not checked.")
        return
    if len(raw) > _MAX_SUMS_BYTES:
        _warn(
            f"{op}: expected a short SHA256SUMS file, got {sums_file} of more than "
            f"{_MAX_SUMS_BYTES} bytes; the files' checksums were not checked."
        )
        return
    text = raw.decode("utf-8", errors="replace")
    if "\ufffd" in text or "\x00" in text:
        _warn(
            f"{op}: expected {sums_file} to be text (lines 'SHA256  NAME'), got bytes that are "
            f"not UTF-8 text; checksums are checked only for the lines that can be read."
        )
    for line in text.splitlines():
        parts = line.split()
        if len(parts) != 2:
            continue
        expected, name = parts[0].lower(), parts[1].lstrip("*")
        if name not in names or not _HEX64.match(expected):
            continue
        try:
            got = _sha256(folder / name)
        except OSError:
            continue  # the loader reports an unreadable file itself, with the reason
        if got != expected:
            _warn(
                f"{op}: expected SHA256 {expected} for {folder / name} (from "
                f"{sums_file}), got {got}. The file differs from the course's, so results may "
                "not match the course's numbers; copy it again, or pass verify=False."
            )
