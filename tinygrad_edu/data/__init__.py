"""The course's datasets and seeded mini-batching (layer: data; imports numpy only).

One module per data set (``cats``, ``planar``), plus ``files`` (where data is found, checksums)
and ``batches`` (checks and mini-batches); every public name is importable from here.

- `load_catvnoncat`: the cat vs non-cat HDF5 files of course 1 (weeks 2 and 4), validated and
  preprocessed exactly as the course does (flatten, divide by 255, float64).
- `planar_flower`: the week 3 planar "flower" generator, bit for bit the course's.
- `load_digits`: scikit-learn's 8 x 8 handwritten digits as image batches (NCHW or NHWC), a
  seeded split, for course 4's convolutional networks.
- `load_dinos`: course 5's dinosaur names (``dinos.txt``) for character-level models.
- `minibatches`: seeded mini-batches for either layout.
- `validate_xy`: the checks the loader runs, for your own arrays.
- `load_circles`, `load_moons`, `load_2d_dataset`: course 2's data sets (scikit-learn's circles
  and moons drawn as the course draws them; ``data.mat`` read with scipy).

Layouts: ``"course"`` puts examples in columns, ``X (n_x, m)`` and ``Y (1, m)``, as the
course's formulas do; ``"batch"`` puts them in rows, ``X (m, n_x)`` and ``Y (m, 1)``, as ``nn``
layers expect.

The data location is never built in: pass a folder (``data_dir=...``, ``--data DIR`` on a command
line) or set the ``TINYGRAD_EDU_DATA`` environment variable; either may hold the files itself, be
a parent folder with one subfolder per data set (``catvnoncat/``, ``course2/``, ``dinos/``), or be
one data set's folder with the others beside it: one rule for every loader (`find_dataset_dir`).
h5py is imported only when the cat files are read (``pip install "tinygrad_edu[data]"``);
scikit-learn and scipy only for course 2's data (``pip install "tinygrad_edu[course2]"``).
"""

from tinygrad_edu.data.batches import minibatches, validate_xy
from tinygrad_edu.data.cats import CAT_FILES, IMAGE_SHAPE, CatData, find_data_dir, load_catvnoncat
from tinygrad_edu.data.course2 import (
    MAT_FILE,
    Course2Data,
    load_2d_dataset,
    load_circles,
    load_moons,
)
from tinygrad_edu.data.digits import DigitsData, load_digits
from tinygrad_edu.data.dinos import DINOS_FILE, CharData, find_data_file, load_dinos
from tinygrad_edu.data.files import DATA_ENV_VAR
from tinygrad_edu.data.locate import find_dataset_dir
from tinygrad_edu.data.planar import planar_flower

DATA_SETS: dict[str, tuple[str, ...]] = {
    "catvnoncat": CAT_FILES,
    "course2": (MAT_FILE,),
    "dinos": (DINOS_FILE,),
}
"""The data sets read from files, by folder name (``catvnoncat``, ``course2``, ``dinos``): the
files each needs. ``find_dataset_dir(DATA_SETS[name], name)`` finds any of them."""

__all__ = [
    "CAT_FILES",
    "DATA_ENV_VAR",
    "DATA_SETS",
    "DINOS_FILE",
    "IMAGE_SHAPE",
    "CatData",
    "CharData",
    "Course2Data",
    "DigitsData",
    "find_data_dir",
    "find_data_file",
    "find_dataset_dir",
    "load_2d_dataset",
    "load_catvnoncat",
    "load_circles",
    "load_digits",
    "load_dinos",
    "load_moons",
    "minibatches",
    "planar_flower",
    "validate_xy",
]
