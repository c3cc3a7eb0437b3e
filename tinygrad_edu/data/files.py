"""Where the course's files are found, and their SHA256SUMS check.

Layer: ``data``.
"""

from __future__ import annotations

import hashlib
import warnings
from pathlib import Path

DATA_ENV_VAR = "TINYGRAD_EDU_DATA"
LAYOUTS = ("course", "batch")


def _check_sha256sums(folder: Path, names: tuple[str, ...], op: str) -> None:
    """Warn (never fail) when a file in ``names`` differs from the sum in ``folder/SHA256SUMS``."""
    sums_file = folder / "SHA256SUMS"
    if not sums_file.is_file():
        return
    for line in sums_file.read_text().splitlines():
        parts = line.split()
        if len(parts) != 2:
            continue
        expected, name = parts[0].lower(), parts[1].lstrip("*")
        if name not in names:
            continue
        got = hashlib.sha256((folder / name).read_bytes()).hexdigest()
        if got != expected:
            warnings.warn(
                f"{op}: expected SHA256 {expected} for {folder / name} (from "
                f"{sums_file}), got {got}. The file differs from the course's, so results may "
                "not match the course's numbers; copy it again, or pass verify=False.",
                UserWarning,
                stacklevel=3,
            )
