"""Course 2's data: the circles and moons drawn exactly as the course draws them (numpy's global
generator), data.mat through scipy, and where TINYGRAD_EDU_DATA finds files of several courses."""

import os
import shutil

import numpy as np
import pytest
from course_data import data_folder

from tinygrad_edu import data
from tinygrad_edu.data import DATA_ENV_VAR

sklearn_datasets = pytest.importorskip("sklearn.datasets")


def test_circles_are_the_courses_and_leave_the_global_generator_alone():
    np.random.seed(1)
    X, y = sklearn_datasets.make_circles(n_samples=300, noise=0.05)  # the course's call
    np.random.seed(2)
    Xt, yt = sklearn_datasets.make_circles(n_samples=100, noise=0.05)
    np.random.seed(123)
    state = np.random.get_state()[1].copy()
    train_X, train_Y, test_X, test_Y = data.load_circles()
    assert np.array_equal(np.random.get_state()[1], state)  # global state untouched
    assert np.array_equal(train_X, X.T) and np.array_equal(train_Y, y.reshape(1, -1))
    assert np.array_equal(test_X, Xt.T) and np.array_equal(test_Y, yt.reshape(1, -1))
    assert train_X.sum() == 0.10318058999808777  # the check value
    batch = data.load_circles(layout="batch")
    assert batch.train_x.shape == (300, 2) and batch.train_y.shape == (300, 1)


def test_moons_are_the_courses():
    np.random.seed(3)
    X, y = sklearn_datasets.make_moons(n_samples=300, noise=0.2)
    train_X, train_Y = data.load_moons()
    assert np.array_equal(train_X, X.T) and np.array_equal(train_Y, y.reshape(1, -1))
    assert train_X.sum() == 229.31214774688254
    Xb, Yb = data.load_moons(layout="batch")
    assert Xb.shape == (300, 2) and Yb.shape == (300, 1)


def test_layouts_are_checked():
    with pytest.raises(ValueError, match="layout='course' or 'batch'"):
        data.load_moons(layout="columns")


@pytest.fixture
def course2_folder():
    pytest.importorskip("scipy.io")
    return str(data_folder("course2"))


def test_data_mat_is_read_as_the_course_reads_it(course2_folder):
    import scipy.io

    mat = scipy.io.loadmat(os.path.join(course2_folder, "data.mat"))
    d = data.load_2d_dataset(course2_folder)
    assert d.train_x.shape == (2, 211) and d.train_y.shape == (1, 211)
    assert d.test_x.shape == (2, 200) and d.test_y.shape == (1, 200)
    assert np.array_equal(d.train_x, mat["X"].T) and np.array_equal(d.test_y, mat["yval"].T)
    assert d.train_y.dtype == np.uint8
    batch = data.load_2d_dataset(course2_folder, layout="batch")
    assert batch.train_x.shape == (211, 2) and batch.train_y.shape == (211, 1)


def test_tinygrad_edu_data_may_be_the_folder_its_parent_or_a_sibling(
    course2_folder, monkeypatch, tmp_path
):
    """One layout of several courses' data, found from any of its folders."""
    for name in ("catvnoncat", "course2"):
        (tmp_path / name).mkdir()
    for name in data.CAT_FILES:
        (tmp_path / "catvnoncat" / name).write_bytes(b"")
    shutil.copyfile(os.path.join(course2_folder, "data.mat"), tmp_path / "course2" / "data.mat")
    for value in ("course2", "", "catvnoncat"):  # the folder, the parent, the cats' old setting
        monkeypatch.setenv(DATA_ENV_VAR, str(tmp_path / value))
        assert data.load_2d_dataset().train_x.shape == (2, 211), value
    assert data.find_data_dir(tmp_path) == tmp_path / "catvnoncat"  # the parent serves the cats
    assert data.find_data_dir(tmp_path / "catvnoncat") == tmp_path / "catvnoncat"  # as before


def test_a_missing_data_mat_says_where_it_looked(tmp_path, monkeypatch):
    with pytest.raises(FileNotFoundError, match="lacks data.mat, and neither .*course2 nor .*"):
        data.load_2d_dataset(tmp_path)
    monkeypatch.delenv(DATA_ENV_VAR, raising=False)
    with pytest.raises(FileNotFoundError, match=f"no data_dir was passed and {DATA_ENV_VAR}"):
        data.load_2d_dataset()


def test_a_changed_data_mat_warns(course2_folder, tmp_path):
    shutil.copyfile(os.path.join(course2_folder, "data.mat"), tmp_path / "data.mat")
    (tmp_path / "SHA256SUMS").write_text("0" * 64 + "  data.mat\n")  # a sum it cannot match
    with pytest.warns(UserWarning, match="expected SHA256"):
        data.load_2d_dataset(tmp_path)
    data.load_2d_dataset(tmp_path, verify=False)  # no warning asked for


# -- data.mat that is not the course's: one ValueError naming the file, before any large read ---


def _good_mat(rng=None):
    rng = np.random.default_rng(0) if rng is None else rng
    return {
        "X": rng.standard_normal((211, 2)),
        "y": rng.integers(0, 2, (211, 1)).astype(np.uint8),
        "Xval": rng.standard_normal((200, 2)),
        "yval": rng.integers(0, 2, (200, 1)).astype(np.uint8),
    }


def _mat_fails(tmp_path, match, **changes):
    scipy_io = pytest.importorskip("scipy.io")
    contents = {**_good_mat(), **changes}
    scipy_io.savemat(tmp_path / "data.mat", contents, do_compression=True)
    return _load_fails(tmp_path, match)


def _load_fails(tmp_path, match):
    with pytest.raises(ValueError, match=match) as info:
        data.load_2d_dataset(tmp_path, verify=False)
    assert str(tmp_path / "data.mat") in str(info.value)
    return str(info.value)


def test_a_synthetic_data_mat_loads(tmp_path):
    scipy_io = pytest.importorskip("scipy.io")
    good = _good_mat()
    scipy_io.savemat(tmp_path / "data.mat", good, do_compression=True)
    d = data.load_2d_dataset(tmp_path, layout="batch")
    assert np.array_equal(d.train_x, good["X"]) and np.array_equal(d.test_y, good["yval"])


@pytest.mark.parametrize(
    ("changes", "match"),
    [
        ({"y": np.full((211, 1), 3, np.uint8)}, r"labels 0 or 1 in y in .*got 211 other"),
        ({"X": np.full((211, 2), np.nan)}, r"finite values in X in"),
        ({"yval": np.zeros((5, 1), np.uint8)}, r"as many examples in yval in .* got 5 and 200"),
        ({"X": np.zeros((5, 7))}, r"X in .* of shape \(m, 2\) with m <= 211 .* \(5, 7\)"),
        ({"X": np.array(["ab", "cd"])}, r"real numbers in X in .*text"),
        ({"X": np.array([[1, "a"]], dtype=object)}, r"real numbers in X in .*a cell array"),
        ({"X": {"a": 1}}, r"real numbers in X in .*a struct"),
        ({"X": np.ones((211, 2)) * 1j}, r"real numbers in X in .*complex"),
        ({"X": np.zeros((0, 2)), "y": np.zeros((0, 1))}, r"at least one example in X in"),
    ],
    ids=["labels-3", "nan", "lengths", "shape", "text", "cell", "struct", "complex", "empty"],
)
def test_data_mat_contents_are_checked(tmp_path, changes, match):
    _mat_fails(tmp_path, match, **changes)


def test_sparse_data_mat_is_refused(tmp_path):
    sparse = pytest.importorskip("scipy.sparse")
    _mat_fails(tmp_path, "a sparse matrix", X=sparse.csr_matrix(np.ones((211, 2))))


def test_a_compressed_data_mat_declaring_a_huge_array_is_not_inflated(tmp_path):
    """A 125 KB file whose X inflates to 128 MB (the zip-bomb kind): refused from its header."""
    import tracemalloc

    scipy_io = pytest.importorskip("scipy.io")
    scipy_io.savemat(tmp_path / "data.mat", {**_good_mat(), "X": np.zeros((4000, 4000))},
                     do_compression=True)  # fmt: skip
    assert (tmp_path / "data.mat").stat().st_size < 2**20
    tracemalloc.start()
    try:
        _load_fails(tmp_path, r"declared shape \(4000, 4000\); not read")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 8 * 2**20
    scipy_io.savemat(tmp_path / "data.mat", {**_good_mat(), "junk": np.zeros((4000, 4000))},
                     do_compression=True)  # fmt: skip
    _load_fails(tmp_path, r"only X, y, Xval and yval .* 'junk' of declared shape \(4000, 4000\)")


@pytest.mark.parametrize(
    ("content", "match"),
    [
        (b"", "scipy cannot read"),
        (b"hello, not a mat file" * 10, "scipy cannot read"),
        (b"\x89HDF\r\n\x1a\n" + b"\0" * 600, r"MATLAB v7\.3 \(HDF5\)"),
    ],
    ids=["empty", "text", "hdf5"],
)
def test_data_mat_that_is_not_a_mat_file(tmp_path, content, match):
    (tmp_path / "data.mat").write_bytes(content)
    _load_fails(tmp_path, match)


def test_damaged_data_mat_is_always_a_valueerror_naming_the_file(tmp_path):
    """Cut, flip and overwrite bytes of a good file: it loads or raises ValueError, nothing else."""
    scipy_io = pytest.importorskip("scipy.io")
    for n, (version, compress) in enumerate((("5", False), ("5", True), ("4", False))):
        contents = {k: v.astype(np.float64) for k, v in _good_mat().items()}
        scipy_io.savemat(tmp_path / "good.mat", contents, do_compression=compress, format=version)
        good = (tmp_path / "good.mat").read_bytes()
        rng = np.random.default_rng(n)
        for trial in range(150):
            damaged = bytearray(good)
            if trial % 3 == 0:
                damaged = damaged[: int(rng.integers(0, len(damaged)))]
            elif trial % 3 == 1:
                for i in rng.integers(0, len(damaged), size=3):
                    damaged[i] ^= int(rng.integers(1, 256))
            else:
                i = int(rng.integers(128, len(damaged) - 4))
                damaged[i : i + 4] = rng.choice([b"\xff\xff\xff\x7f", b"\0\0\0\0", b"\xff\xff\0\0"])
            (tmp_path / "data.mat").write_bytes(bytes(damaged))
            try:
                data.load_2d_dataset(tmp_path, verify=False)
            except ValueError as err:
                assert str(tmp_path / "data.mat") in str(err), str(err)


def test_a_matlab_v4_data_mat_loads_and_its_declared_sizes_are_checked(tmp_path):
    """Version 4 files have no compression but declare each array's size: 100000 x 100000
    made scipy allocate 80 GB (MemoryError), and smaller claims would succeed at it."""
    import struct

    scipy_io = pytest.importorskip("scipy.io")
    good = _good_mat()
    scipy_io.savemat(tmp_path / "data.mat", {k: v.astype(np.float64) for k, v in good.items()},
                     format="4")  # fmt: skip
    d = data.load_2d_dataset(tmp_path, layout="batch", verify=False)
    assert np.array_equal(d.train_x, good["X"]) and np.array_equal(d.test_y, good["yval"])
    header = struct.pack("<5i", 0, 100_000, 100_000, 0, 2) + b"X\0" + b"\0" * 64
    (tmp_path / "data.mat").write_bytes(header)
    _load_fails(tmp_path, r"'X' declares a \(100000, 100000\) array .* more than the file holds")
    scipy_io.savemat(tmp_path / "data.mat", {**{k: v.astype(np.float64) for k, v in good.items()},
                     "X": np.zeros((300, 2))}, format="4")  # fmt: skip
    _load_fails(tmp_path, r"X in .* with m <= 211 .* \(300, 2\); not read")
