"""Helpers the tests share: where the course's data is (the package's own rule, from
``TINYGRAD_EDU_DATA``, or a skip that says what to set) and the examples loaded as modules.

Not an oracle: the ``*_reference.py`` modules hold the course's formulas and import nothing from
tinygrad_edu; this one may.
"""

import importlib.util
from pathlib import Path

import pytest

from tinygrad_edu.data import DATA_ENV_VAR, DATA_SETS, find_dataset_dir

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def data_folder(name: str) -> Path:
    """The folder holding the data set ``name`` (``"catvnoncat"``, ``"course2"``, ``"dinos"``),
    or skip the test."""
    files = DATA_SETS[name]
    try:
        return find_dataset_dir(files, name)
    except FileNotFoundError:
        pytest.skip(f"set {DATA_ENV_VAR} to a folder holding {' and '.join(files)} (or {name}/)")


def load_example(name: str):
    """``examples/<name>*.py`` as a module (its ``main`` is not run)."""
    (path,) = EXAMPLES.glob(f"{name}*.py")
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
