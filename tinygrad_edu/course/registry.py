"""Every course run by its command-line name: one table, one entry per course module.

Layer: ``course``. A new course module adds its ``MODELS`` here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tinygrad_edu.course import course1, course2, course4, course5

MODELS: dict[str, Callable[..., Any]] = {
    **course1.MODELS,
    **course2.MODELS,
    **course4.MODELS,
    **course5.MODELS,
}
