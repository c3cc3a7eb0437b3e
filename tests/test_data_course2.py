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
