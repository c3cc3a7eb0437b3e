"""Tests of tinygrad_edu.data: the cat loader and its validation, the flower, mini-batches."""

import hashlib
import os
import subprocess
import sys

import numpy as np
import pytest

from tinygrad_edu.data import (
    CAT_FILES,
    DATA_ENV_VAR,
    find_data_dir,
    load_catvnoncat,
    minibatches,
    planar_flower,
    validate_xy,
)

_MISSING = object()


@pytest.fixture
def h5py():
    return pytest.importorskip("h5py")


@pytest.fixture
def make_data(tmp_path, h5py):
    """Write small valid cat files (3 train, 2 test) into tmp_path; keyword overrides replace a
    dataset (``train_set_y=np.array([0, 2, 1])``) or drop it (``=_MISSING``)."""

    def make(**overrides):
        rng = np.random.default_rng(0)
        datasets = {
            "train_set_x": rng.integers(0, 256, (3, 64, 64, 3), dtype=np.uint8),
            "train_set_y": np.array([0, 1, 1]),
            "test_set_x": rng.integers(0, 256, (2, 64, 64, 3), dtype=np.uint8),
            "test_set_y": np.array([1, 0]),
            "list_classes": np.array([b"non-cat", b"cat"]),
        }
        datasets.update(overrides)
        for file_name, split in zip(CAT_FILES, ("train", "test"), strict=True):
            with h5py.File(tmp_path / file_name, "w") as f:
                for key, value in datasets.items():
                    if key.startswith(split) or (key == "list_classes" and split == "test"):
                        if value is not _MISSING:
                            f[key] = value
        return tmp_path, datasets

    return make


def _load_error(folder, error=ValueError):
    with pytest.raises(error) as info:
        load_catvnoncat(folder)
    return str(info.value)


# --- the loader on synthetic files ------------------------------------------------------------


def test_synthetic_files_load_as_the_course_preprocesses(make_data):
    folder, raw = make_data()
    data = load_catvnoncat(folder)
    course_x = raw["train_set_x"].reshape(3, -1).T / 255.0  # the course's own two lines
    assert data.train_x.shape == (12288, 3) and data.test_x.shape == (12288, 2)
    assert data.train_x.dtype == np.float64 and data.train_y.dtype == np.float64
    np.testing.assert_array_equal(data.train_x, course_x)
    np.testing.assert_array_equal(data.train_y, [[0, 1, 1]])
    assert data.classes == ("non-cat", "cat") and data.layout == "course"
    train_x, train_y, test_x, test_y, classes = data  # unpacks like the course's load_data()
    assert test_y.shape == (1, 2) and classes == data.classes


def test_batch_layout_and_raw_images(make_data):
    folder, raw = make_data()
    batch = load_catvnoncat(folder, layout="batch")
    assert batch.train_x.shape == (3, 12288) and batch.train_y.shape == (3, 1)
    np.testing.assert_array_equal(batch.train_x, load_catvnoncat(folder).train_x.T)
    images = load_catvnoncat(folder, flatten=False, normalize=False)
    assert images.train_x.shape == (3, 64, 64, 3) and images.train_x.dtype == np.uint8
    assert images.train_y.dtype == np.int64
    np.testing.assert_array_equal(images.train_x, raw["train_set_x"])


def test_bad_layout_is_refused(make_data):
    folder, _ = make_data()
    with pytest.raises(ValueError, match="layout='course' or 'batch', got 'rows'"):
        load_catvnoncat(folder, layout="rows")


def test_missing_dataset_is_named_with_the_keys_found(make_data):
    folder, _ = make_data(train_set_y=_MISSING)
    msg = _load_error(folder)
    assert str(folder / "train_catvnoncat.h5") in msg
    assert "missing ['train_set_y']" in msg and "got ['train_set_x']" in msg


def test_missing_class_names(make_data):
    folder, _ = make_data(list_classes=_MISSING)
    msg = _load_error(folder)
    assert "test_catvnoncat.h5" in msg and "'list_classes'" in msg


def test_wrong_image_shape(make_data):
    folder, _ = make_data(train_set_x=np.zeros((3, 32, 32, 3), np.uint8))
    msg = _load_error(folder)
    assert f"train_set_x in {folder / 'train_catvnoncat.h5'}" in msg
    assert "(N, 64, 64, 3), got (3, 32, 32, 3)" in msg


def test_wrong_label_shape(make_data):
    folder, _ = make_data(test_set_y=np.array([[1, 0]]))
    msg = _load_error(folder)
    assert "test_set_y in" in msg and "test_catvnoncat.h5" in msg and "got (1, 2)" in msg


def test_label_other_than_0_or_1(make_data):
    folder, _ = make_data(train_set_y=np.array([0, 2, 1]))
    msg = _load_error(folder)
    assert f"labels 0 or 1 in train_set_y in {folder / 'train_catvnoncat.h5'}" in msg
    assert "1 other value(s): [2]" in msg


def test_nan_in_images(make_data):
    x = np.full((3, 64, 64, 3), 0.5)
    x[1, 2, 3, 0] = np.nan
    folder, _ = make_data(train_set_x=x)
    msg = _load_error(folder)
    assert "train_set_x in" in msg and "train_catvnoncat.h5" in msg and "1 NaN and 0 Inf" in msg


def test_inf_in_labels(make_data):
    folder, _ = make_data(test_set_y=np.array([1.0, np.inf]))
    msg = _load_error(folder)
    assert "test_set_y in" in msg and "0 NaN and 1 Inf" in msg


def test_pixel_values_out_of_range(make_data):
    folder, _ = make_data(train_set_x=np.full((3, 64, 64, 3), 300.0))
    msg = _load_error(folder)
    assert "[0, 255] in train_set_x in" in msg and "300" in msg


def test_mismatched_counts(make_data):
    folder, _ = make_data(train_set_y=np.array([0, 1]))
    msg = _load_error(folder)
    assert "train_set_y in" in msg and "train_set_x in" in msg and "got 2 and 3" in msg


def test_empty_dataset(make_data):
    folder, _ = make_data(
        train_set_x=np.zeros((0, 64, 64, 3), np.uint8), train_set_y=np.zeros(0, np.int64)
    )
    msg = _load_error(folder)
    assert "at least one example in train_set_x in" in msg and "train_catvnoncat.h5" in msg


def test_file_that_is_not_hdf5(make_data):
    folder, _ = make_data()
    (folder / "test_catvnoncat.h5").write_bytes(b"<html>404 Not Found</html>")
    msg = _load_error(folder)
    assert f"{folder / 'test_catvnoncat.h5'}" in msg and "not HDF5" in msg


def test_truncated_file(make_data):
    folder, _ = make_data()
    path = folder / "train_catvnoncat.h5"
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    msg = _load_error(folder)
    assert str(path) in msg and "truncated or corrupt" in msg


def test_sha256sums_mismatch_warns_but_loads(make_data):
    folder, _ = make_data()
    good = hashlib.sha256((folder / "test_catvnoncat.h5").read_bytes()).hexdigest()
    sums = f"{'0' * 64}  train_catvnoncat.h5\n{good}  test_catvnoncat.h5\n"
    (folder / "SHA256SUMS").write_text(sums)
    with pytest.warns(UserWarning, match="expected SHA256 0{64} for .*train_catvnoncat.h5") as rec:
        data = load_catvnoncat(folder)
    assert len(rec) == 1 and data.train_x.shape == (12288, 3)


def test_sha256sums_match_is_silent(make_data, recwarn):
    folder, _ = make_data()
    lines = [
        f"{hashlib.sha256((folder / name).read_bytes()).hexdigest()}  {name}" for name in CAT_FILES
    ]
    (folder / "SHA256SUMS").write_text("\n".join(lines) + "\n")
    load_catvnoncat(folder)
    assert not [w for w in recwarn if "SHA256" in str(w.message)]


def test_missing_h5py_says_how_to_install(make_data, monkeypatch):
    folder, _ = make_data()
    monkeypatch.setitem(sys.modules, "h5py", None)  # makes `import h5py` raise ImportError
    msg = _load_error(folder, ImportError)
    assert 'pip install "tinygrad_edu[data]"' in msg


def test_module_imports_numpy_only():
    """h5py is imported lazily: importing the data package (and the whole library) must not pull
    it in."""
    code = (
        "import sys\n"
        "import tinygrad_edu.data\n"
        "assert 'h5py' not in sys.modules, 'h5py imported at module level'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


# --- find_data_dir ----------------------------------------------------------------------------


def test_find_data_dir_without_any_location(monkeypatch):
    monkeypatch.delenv(DATA_ENV_VAR, raising=False)
    with pytest.raises(FileNotFoundError) as info:
        find_data_dir()
    msg = str(info.value)
    for needed in ("train_catvnoncat.h5", "test_catvnoncat.h5", "--data DIR", DATA_ENV_VAR):
        assert needed in msg


def test_find_data_dir_names_missing_file_and_source(tmp_path, monkeypatch):
    (tmp_path / "train_catvnoncat.h5").write_bytes(b"")
    monkeypatch.setenv(DATA_ENV_VAR, str(tmp_path))
    with pytest.raises(FileNotFoundError) as info:
        find_data_dir()
    msg = str(info.value)
    assert str(tmp_path) in msg and "environment variable" in msg
    assert "lacks test_catvnoncat.h5" in msg


def test_find_data_dir_missing_folder_and_file_instead_of_folder(tmp_path):
    with pytest.raises(FileNotFoundError, match="does not exist"):
        find_data_dir(tmp_path / "nope")
    (tmp_path / "train_catvnoncat.h5").write_bytes(b"")
    with pytest.raises(FileNotFoundError, match="is a file, not a folder"):
        find_data_dir(tmp_path / "train_catvnoncat.h5")


def test_find_data_dir_argument_wins_over_environment(tmp_path, monkeypatch):
    for name in CAT_FILES:
        (tmp_path / name).write_bytes(b"")
    monkeypatch.setenv(DATA_ENV_VAR, str(tmp_path / "elsewhere"))
    assert find_data_dir(tmp_path) == tmp_path
    assert find_data_dir(str(tmp_path)) == tmp_path
    monkeypatch.setenv(DATA_ENV_VAR, str(tmp_path))
    assert find_data_dir() == tmp_path


# --- the course's real files (only when TINYGRAD_EDU_DATA is set) ----------------------------

needs_real_data = pytest.mark.skipif(
    not os.environ.get(DATA_ENV_VAR),
    reason=f"set {DATA_ENV_VAR}=DIR (the folder holding the course's train_catvnoncat.h5 and "
    "test_catvnoncat.h5) to test the loader on the real files",
)


@needs_real_data
def test_real_cat_data_course_layout(h5py, recwarn):
    data = load_catvnoncat()
    assert data.train_x.shape == (12288, 209) and data.train_y.shape == (1, 209)
    assert data.test_x.shape == (12288, 50) and data.test_y.shape == (1, 50)
    for arr in (data.train_x, data.train_y, data.test_x, data.test_y):
        assert arr.dtype == np.float64 and arr.min() >= 0.0 and arr.max() <= 1.0
    assert data.train_x.max() == 1.0 and data.classes == ("non-cat", "cat")
    assert set(np.unique(data.train_y)) == {0.0, 1.0}
    assert not [w for w in recwarn if "SHA256" in str(w.message)]  # checksums (if any) match


@needs_real_data
def test_real_cat_data_batch_layout_and_images(h5py):
    batch = load_catvnoncat(layout="batch")
    assert batch.train_x.shape == (209, 12288) and batch.train_y.shape == (209, 1)
    assert batch.test_x.shape == (50, 12288) and batch.test_y.shape == (50, 1)
    images = load_catvnoncat(flatten=False, normalize=False)
    assert images.train_x.shape == (209, 64, 64, 3) and images.train_x.dtype == np.uint8
    np.testing.assert_array_equal(batch.train_x, images.train_x.reshape(209, -1) / 255.0)


# --- the planar flower ------------------------------------------------------------------------


def test_flower_matches_the_course_checksum():
    X, Y = planar_flower(seed=1)
    assert abs(X.sum() - 10.087983277441666) <= 1e-12
    assert X.shape == (2, 400) and X.dtype == np.float64
    assert Y.shape == (1, 400) and Y.dtype == np.uint8
    assert (Y == 0).sum() == 200 and (Y == 1).sum() == 200
    assert (Y[0, :200] == 0).all()


def test_flower_reseeds_the_global_rng_like_the_course():
    planar_flower(seed=1)
    after_flower = np.random.rand()
    np.random.seed(1)
    np.random.randn(800)  # the flower draws 4 * 200 normals
    assert after_flower == np.random.rand()


def test_flower_batch_layout_and_bad_m():
    X, Y = planar_flower(layout="batch")
    X_course, Y_course = planar_flower()
    np.testing.assert_array_equal(X, X_course.T)
    np.testing.assert_array_equal(Y, Y_course.T)
    with pytest.raises(ValueError, match="even number of points m >= 2, got m=401"):
        planar_flower(m=401)


# --- minibatches ------------------------------------------------------------------------------


def _course_layout_data(m=10):
    X = np.arange(3 * m, dtype=np.float64).reshape(3, m)  # (n_x, m): column j holds 3 * . + j
    Y = (np.arange(m) % 2).reshape(1, m)
    return X, Y


@pytest.mark.parametrize("batch_size", [1, 3, 4, 10, 64])
def test_minibatches_cover_every_example_once(batch_size):
    X, Y = _course_layout_data(10)
    batches = list(minibatches(X, Y, batch_size, seed=0))
    columns = np.concatenate([Xb for Xb, _ in batches], axis=1)
    assert sorted(columns[0].tolist()) == X[0].tolist()
    for Xb, Yb in batches:
        np.testing.assert_array_equal(Yb, Xb[:1] % 2)  # labels travel with their examples
    full, rest = divmod(10, batch_size)
    assert [Xb.shape[1] for Xb, _ in batches] == [batch_size] * full + ([rest] if rest else [])


def test_minibatches_batch_first_layout():
    X, Y = _course_layout_data(7)
    batches = list(minibatches(X.T, Y.T, 3, seed=1, axis=0))
    assert [Xb.shape for Xb, _ in batches] == [(3, 3), (3, 3), (1, 3)]
    assert [Yb.shape for _, Yb in batches] == [(3, 1), (3, 1), (1, 1)]
    assert sorted(np.concatenate([Xb[:, 0] for Xb, _ in batches]).tolist()) == X[0].tolist()


def test_minibatches_are_seeded():
    X, Y = _course_layout_data(50)
    first = [Xb for Xb, _ in minibatches(X, Y, 8, seed=3)]
    again = [Xb for Xb, _ in minibatches(X, Y, 8, seed=3)]
    other = [Xb for Xb, _ in minibatches(X, Y, 8, seed=4)]
    for a, b in zip(first, again, strict=True):
        np.testing.assert_array_equal(a, b)
    assert not all(np.array_equal(a, b) for a, b in zip(first, other, strict=True))
    in_order = np.concatenate([Xb for Xb, _ in minibatches(X, Y, 8, shuffle=False)], axis=1)
    np.testing.assert_array_equal(in_order, X)


def test_minibatches_replay_course_2_with_a_randomstate():
    """Course 2's random_mini_batches: np.random.seed(seed); permutation; consecutive slices."""
    X, Y = _course_layout_data(20)
    np.random.seed(7)
    permutation = list(np.random.permutation(20))
    expected = [X[:, permutation][:, k : k + 6] for k in range(0, 20, 6)]
    got = [Xb for Xb, _ in minibatches(X, Y, 6, seed=np.random.RandomState(7))]
    for a, b in zip(got, expected, strict=True):
        np.testing.assert_array_equal(a, b)
    gen = [Xb for Xb, _ in minibatches(X, Y, 6, seed=np.random.default_rng(7))]
    np.testing.assert_array_equal(gen[0], next(minibatches(X, Y, 6, seed=7))[0])


def test_minibatches_check_arguments_when_called():
    X, Y = _course_layout_data(10)
    with pytest.raises(ValueError, match="batch_size >= 1, got 0"):
        minibatches(X, Y, 0)
    with pytest.raises(TypeError, match="int batch_size, got float"):
        minibatches(X, Y, 2.0)
    with pytest.raises(ValueError, match="got 9 and 10.*axis=0"):
        minibatches(X, Y[:, :9], 2)
    with pytest.raises(ValueError, match=r"got 1 and 3 \(shapes \(10, 1\) and \(10, 3\)\)"):
        minibatches(X.T, Y.T, 2)  # batch-first arrays without axis=0


# --- validate_xy ------------------------------------------------------------------------------


def test_validate_xy_accepts_and_counts():
    X, Y = _course_layout_data(10)
    assert validate_xy(X, Y) == 10
    assert validate_xy(X.T, Y.T, axis=0) == 10
    assert validate_xy(X, np.arange(10) % 3, binary=False) == 10


def test_validate_xy_reports_nan_and_inf_per_array():
    X, Y = _course_layout_data(10)
    X[0, 0], X[1, 1], X[2, 2] = np.nan, np.nan, np.inf
    with pytest.raises(ValueError, match=r"finite values in X, got 2 NaN and 1 Inf \(of 30\)"):
        validate_xy(X, Y)
    with pytest.raises(ValueError, match="finite values in Y, got 1 NaN"):
        validate_xy(np.zeros((2, 2)), np.array([[0.0, np.nan]]))


def test_validate_xy_rejects_bad_labels_lengths_empty_and_types():
    with pytest.raises(ValueError, match=r"labels 0 or 1 in Y, got 3 other value\(s\): \[-1, 2\]"):
        validate_xy(np.zeros((2, 5)), np.array([[0, 2, 2, 1, -1]]))
    with pytest.raises(
        ValueError, match="as many examples in Y as in X along axis -1, got 4 and 5"
    ):
        validate_xy(np.zeros((2, 5)), np.zeros((1, 4)))
    with pytest.raises(ValueError, match=r"at least one example in X, got shape \(2, 0\)"):
        validate_xy(np.zeros((2, 0)), np.zeros((1, 0)))
    with pytest.raises(ValueError, match="example axis in"):
        validate_xy(np.zeros((2, 5)), np.zeros(5), axis=1)
    with pytest.raises(TypeError, match="numeric array for Y, got dtype <U3"):
        validate_xy(np.zeros((2, 2)), np.array([["cat", "dog"]]))


# --- issue 11: declared shapes are checked before reading; SHA256SUMS only ever warns ----------


def _declare(h5py, folder, split, key, shape, dtype="u1"):
    """Replace ``key`` in the split's file by a chunked dataset that declares ``shape`` and
    stores no data: a few KB on disk, however large the shape."""
    name = CAT_FILES[0] if split == "train" else CAT_FILES[1]
    with h5py.File(folder / name, "a") as f:
        del f[key]
        f.create_dataset(key, shape=shape, dtype=dtype, chunks=(1,) + tuple(shape[1:]))
    return folder / name


@pytest.mark.parametrize(
    ("split", "key", "shape", "dtype"),
    [
        ("train", "train_set_x", (10**8, 64, 64, 3), "u1"),  # 1.12 TiB as float64
        ("train", "train_set_x", (20_000, 64, 64, 3), "u1"),  # 2 GB as float64
        ("test", "test_set_x", (51, 64, 64, 3), "f8"),
        ("train", "train_set_y", (10**9,), "i8"),
        ("test", "list_classes", (10**7,), "S7"),
    ],
)
def test_declared_shapes_are_checked_before_reading(make_data, h5py, split, key, shape, dtype):
    import tracemalloc

    folder, _ = make_data()
    path = _declare(h5py, folder, split, key, shape, dtype)
    assert path.stat().st_size < 100_000
    tracemalloc.start()
    try:
        msg = _load_error(folder)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert str(path) in msg and key in msg and str(shape) in msg, msg
    assert "not read" in msg
    assert peak < 50 * 2**20


@pytest.mark.parametrize("dtype", ["S5", [("r", "u1"), ("g", "u1")]])
def test_non_numeric_images_are_refused_before_reading(make_data, h5py, dtype):
    folder, _ = make_data()
    path = _declare(h5py, folder, "train", "train_set_x", (3, 64, 64, 3), np.dtype(dtype))
    msg = _load_error(folder)
    assert str(path) in msg and "expected numbers in train_set_x" in msg


def test_the_courses_own_sizes_load(make_data):
    rng = np.random.default_rng(1)
    folder, _ = make_data(
        train_set_x=rng.integers(0, 256, (209, 64, 64, 3), dtype=np.uint8),
        train_set_y=rng.integers(0, 2, 209),
    )
    assert load_catvnoncat(folder).train_x.shape == (12288, 209)


@pytest.mark.parametrize(
    "content",
    [
        "Käse".encode("latin-1") + b"  train_catvnoncat.h5\n",  # not UTF-8
        b"\xff\xfe\x00\x00binary\x00junk\x80",
        bytes(range(256)) * 3,
    ],
    ids=["latin-1", "utf-32-bom-junk", "all-bytes"],
)
def test_sha256sums_that_is_not_utf8_only_warns(make_data, content):
    folder, _ = make_data()
    (folder / "SHA256SUMS").write_bytes(content)
    with pytest.warns(UserWarning, match="SHA256SUMS to be text"):
        data = load_catvnoncat(folder)
    assert data.train_x.shape == (12288, 3)


def test_non_utf8_sha256sums_still_checks_its_readable_lines(make_data):
    folder, _ = make_data()
    lines = b"\xff\xfe junk line\n" + b"0" * 64 + b"  train_catvnoncat.h5\n"
    (folder / "SHA256SUMS").write_bytes(lines)
    with pytest.warns(UserWarning) as record:
        load_catvnoncat(folder)
    messages = [str(w.message) for w in record]
    assert any("to be text" in m for m in messages)
    assert any("expected SHA256 0000" in m for m in messages)


def test_huge_or_malformed_sha256sums_only_warn_or_are_ignored(make_data, recwarn):
    folder, _ = make_data()
    (folder / "SHA256SUMS").write_bytes(b"# comment\n" * 200_000)  # 2 MB
    with pytest.warns(UserWarning, match="short SHA256SUMS file"):
        load_catvnoncat(folder)
    (folder / "SHA256SUMS").write_text("nothex  train_catvnoncat.h5\nabc\n\n  \n")
    recwarn.clear()
    load_catvnoncat(folder)
    assert not [w for w in recwarn if "SHA256" in str(w.message)]
    (folder / "SHA256SUMS").unlink()
    (folder / "SHA256SUMS").mkdir()  # a folder of that name: nothing to check
    load_catvnoncat(folder)


# --- links and class names that h5py or UTF-8 cannot read: a ValueError naming the file ---------


@pytest.mark.parametrize("link", ["soft", "external"])
def test_dangling_links_are_a_valueerror_naming_the_file(make_data, h5py, link):
    folder, raw = make_data(train_set_x=_MISSING)
    path = folder / CAT_FILES[0]
    with h5py.File(path, "a") as f:
        if link == "soft":
            f["train_set_x"] = h5py.SoftLink("/nowhere")
        else:
            f["train_set_x"] = h5py.ExternalLink(str(folder / "missing.h5"), "/x")
    msg = _load_error(folder)
    assert str(path) in msg and "h5py cannot read" in msg


def test_class_names_that_are_not_utf8(make_data):
    folder, _ = make_data(list_classes=np.array([b"\xff\xfe", b"cat"]))
    msg = _load_error(folder)
    assert str(folder / CAT_FILES[1]) in msg and "UTF-8 text in list_classes" in msg


# --- dinos.txt (course 5) ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b"", "no names"),
        (b"\n\n  \n", "no names"),
        ("café\nabc\n".encode("latin-1"), r"not UTF-8 text \(line 1: b'\\xe9'\)"),
        ("abc\n".encode("utf-16"), "not UTF-8 text"),
        (b"ab\x00c\n", "NUL bytes"),
    ],
    ids=["empty", "blank", "latin-1", "utf-16", "nul"],
)
def test_dinos_txt_that_is_not_names_is_a_valueerror_naming_the_file(tmp_path, content, problem):
    from tinygrad_edu.data import load_dinos

    (tmp_path / "dinos.txt").write_bytes(content)
    with pytest.raises(ValueError, match=problem) as info:
        load_dinos(tmp_path)
    assert str(tmp_path / "dinos.txt") in str(info.value)


def test_a_text_of_one_line_still_has_the_end_of_name_character(tmp_path):
    """The model predicts '\\n' to end a name: a file without one must still have it (it was a
    KeyError in dinosaurus)."""
    from tinygrad_edu import cli
    from tinygrad_edu.data import load_dinos

    (tmp_path / "dinos.txt").write_bytes(b"Abc")
    dinos = load_dinos(tmp_path)
    assert dinos.chars == ("\n", "a", "b", "c") and dinos.names == ("abc",)
    assert cli.main(["course", "dinosaurus", "--data", str(tmp_path), "--iterations", "2",
                     "--json"]) == 0  # fmt: skip
