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

Layouts: ``"course"`` puts examples in columns, ``X (n_x, m)`` and ``Y (1, m)``, as the
course's formulas do; ``"batch"`` puts them in rows, ``X (m, n_x)`` and ``Y (m, 1)``, as ``nn``
layers expect.

The data location is never built in: pass a folder (``data_dir=...``, ``--data DIR`` on a command
line) or set the ``TINYGRAD_EDU_DATA`` environment variable. h5py is imported only when the cat
files are read (``pip install "tinygrad_edu[data]"``).
"""

from tinygrad_edu.data.batches import minibatches, validate_xy
from tinygrad_edu.data.cats import CAT_FILES, IMAGE_SHAPE, CatData, find_data_dir, load_catvnoncat
from tinygrad_edu.data.digits import DigitsData, load_digits
from tinygrad_edu.data.dinos import DINOS_FILE, CharData, find_data_file, load_dinos
from tinygrad_edu.data.files import DATA_ENV_VAR
from tinygrad_edu.data.planar import planar_flower

__all__ = [
    "CAT_FILES",
    "DATA_ENV_VAR",
    "DigitsData",
    "DINOS_FILE",
    "IMAGE_SHAPE",
    "CatData",
    "CharData",
    "find_data_dir",
    "find_data_file",
    "load_catvnoncat",
    "load_digits",
    "load_dinos",
    "minibatches",
    "planar_flower",
    "validate_xy",
]
