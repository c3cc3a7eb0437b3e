"""save/load: round trips, atomic writes (a crash never damages the old file), clear errors for
truncated, foreign and pickle-bearing files, and a readable diff against the expected state."""

import os
import pickle
import re
import stat
import subprocess
import sys
import textwrap
import zipfile

import numpy as np
import pytest

import tinygrad_edu as tg
from tinygrad_edu import serialize


def _state(seed=0):
    rng = np.random.default_rng(seed)
    return {
        "W1": rng.standard_normal((4, 3)),
        "b1": rng.standard_normal(4),
        "W2": rng.standard_normal((1, 4)).astype(np.float32),
        "step": np.array(7, dtype=np.int64),
    }


def _assert_same(a, b):
    assert list(a) == list(b)
    for key in a:
        assert a[key].dtype == b[key].dtype and a[key].shape == b[key].shape, key
        np.testing.assert_array_equal(a[key], b[key])


class Model:
    """Duck-typed stand-in for nn.Module: serialize only needs state_dict()."""

    def __init__(self, state):
        self.W = tg.Tensor(state["W1"], requires_grad=True)
        self.b = tg.Tensor(state["b1"], requires_grad=True)

    def state_dict(self):
        return {"W": self.W.data.copy(), "b": self.b.data.copy()}


# -- round trips ------------------------------------------------------------------------------


def test_round_trip_keeps_keys_order_shapes_dtypes_and_values(tmp_path):
    path = tmp_path / "ckpt.npz"
    state = _state()
    assert tg.save(state, path) is None
    _assert_same(tg.load(path), state)


def test_saves_tensors_and_models_with_state_dict(tmp_path):
    state = _state()
    tg.save({"W": tg.Tensor(state["W1"], requires_grad=True)}, tmp_path / "t.npz")
    np.testing.assert_array_equal(tg.load(tmp_path / "t.npz")["W"], state["W1"])
    model = Model(state)
    tg.save(model, tmp_path / "m.npz")
    loaded = tg.load(tmp_path / "m.npz", expected=model)
    np.testing.assert_array_equal(loaded["W"], state["W1"])
    np.testing.assert_array_equal(loaded["b"], state["b1"])


def test_works_with_nn_module_if_present(tmp_path):
    nn = pytest.importorskip("tinygrad_edu.nn")
    model = nn.Linear(3, 2)
    tg.save(model, tmp_path / "lin.npz")
    other = nn.Linear(3, 2)
    other.load_state_dict(tg.load(tmp_path / "lin.npz", expected=other))
    _assert_same(other.state_dict(), model.state_dict())


def test_keys_that_collide_with_np_savez_parameters_survive(tmp_path):
    state = {"file": np.ones(2), "allow_pickle": np.zeros(1), "layers/0.W": np.eye(2)}
    tg.save(state, tmp_path / "odd.npz")
    _assert_same(tg.load(tmp_path / "odd.npz"), state)


def test_file_is_a_plain_npz_without_pickle(tmp_path):
    path = tmp_path / "plain.npz"
    tg.save(_state(), path)
    with np.load(path, allow_pickle=False) as f:  # numpy alone can read it
        assert set(f.files) == set(_state()) | {serialize.FORMAT_KEY}


def test_plain_np_savez_files_load_too(tmp_path):
    path = tmp_path / "numpy.npz"
    np.savez(path, a=np.arange(3.0))
    np.testing.assert_array_equal(tg.load(path)["a"], np.arange(3.0))


def test_save_refuses_object_arrays_and_bad_keys(tmp_path):
    with pytest.raises(TypeError, match=r"save: expected numeric arrays, got 'x' of dtype object"):
        tg.save({"x": np.array([{"a": 1}], dtype=object)}, tmp_path / "o.npz")
    with pytest.raises(TypeError, match="non-empty string keys"):
        tg.save({1: np.ones(2)}, tmp_path / "k.npz")
    with pytest.raises(TypeError, match="state_dict"):
        tg.save([np.ones(2)], tmp_path / "l.npz")
    assert not list(tmp_path.iterdir())  # nothing written


# -- atomicity --------------------------------------------------------------------------------


def _crash_midway(real_write):
    def write(f, state):
        f.write(b"PK\x03\x04 half a checkpoint")
        f.flush()
        raise KeyboardInterrupt  # Ctrl-C (or any error) in the middle of writing

    return write


def test_interrupted_save_leaves_old_checkpoint_intact_and_no_temp_file(tmp_path, monkeypatch):
    path = tmp_path / "ckpt.npz"
    old = _state(0)
    tg.save(old, path)
    monkeypatch.setattr(serialize, "_write_arrays", _crash_midway(serialize._write_arrays))
    with pytest.raises(KeyboardInterrupt):
        tg.save(_state(1), path)
    _assert_same(tg.load(path), old)
    assert [p.name for p in tmp_path.iterdir()] == ["ckpt.npz"]


def test_failure_at_the_rename_leaves_old_checkpoint_intact(tmp_path, monkeypatch):
    path = tmp_path / "ckpt.npz"
    old = _state(0)
    tg.save(old, path)

    def failing_replace(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(serialize.os, "replace", failing_replace)
    with pytest.raises(OSError, match="disk full"):
        tg.save(_state(1), path)
    monkeypatch.undo()
    _assert_same(tg.load(path), old)
    assert [p.name for p in tmp_path.iterdir()] == ["ckpt.npz"]


def test_process_killed_during_save_leaves_old_checkpoint_intact(tmp_path):
    """A hard kill (no cleanup runs at all) may leave a temp file, never a broken checkpoint."""
    path = tmp_path / "ckpt.npz"
    old = _state(0)
    tg.save(old, path)
    script = textwrap.dedent(
        f"""
        import os, numpy as np
        from tinygrad_edu import serialize
        real = serialize._write_arrays
        def dying(f, state):
            f.write(b"PK\\x03\\x04 partial")
            f.flush()
            os._exit(9)  # killed: no except, no finally
        serialize._write_arrays = dying
        serialize.save({{"W1": np.zeros((1000, 100))}}, {str(path)!r})
        """
    )
    root = os.path.dirname(os.path.dirname(os.path.abspath(tg.__file__)))
    env = {**os.environ, "PYTHONPATH": root}
    result = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True)
    assert result.returncode == 9, result.stderr.decode()
    _assert_same(tg.load(path), old)
    leftovers = [p.name for p in tmp_path.iterdir() if p.name != "ckpt.npz"]
    assert all(name.startswith(".ckpt.npz.") and name.endswith(".tmp") for name in leftovers)


def test_save_into_missing_folder_raises_oserror(tmp_path):
    with pytest.raises(FileNotFoundError):
        tg.save(_state(), tmp_path / "no_such_dir" / "ckpt.npz")


# -- bad files --------------------------------------------------------------------------------


def test_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="nope.npz"):
        tg.load(tmp_path / "nope.npz")


@pytest.mark.parametrize("keep", [0.3, 0.6, 0.95])
def test_truncated_file_gives_clear_error_naming_the_file(tmp_path, keep):
    path = tmp_path / "cut.npz"
    tg.save(_state(), path)
    data = path.read_bytes()
    path.write_bytes(data[: int(len(data) * keep)])
    with pytest.raises(ValueError, match=r"load: '.*cut\.npz' is truncated or corrupt"):
        tg.load(path)


def test_corrupted_bytes_are_detected(tmp_path):
    path = tmp_path / "flip.npz"
    tg.save({"W": np.zeros((50, 50))}, path)
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF  # one flipped byte inside the array data: the zip CRC fails
    path.write_bytes(bytes(data))
    with pytest.raises(ValueError, match="truncated or corrupt"):
        tg.load(path)


def test_text_file_is_reported_as_foreign(tmp_path):
    path = tmp_path / "notes.npz"
    path.write_text("W1 = [[1, 2], [3, 4]]\n")
    with pytest.raises(
        ValueError, match=r"'.*notes\.npz' is not a tinygrad_edu checkpoint.*starts"
    ):
        tg.load(path)


def test_empty_file_and_single_npy(tmp_path):
    (tmp_path / "empty.npz").write_bytes(b"")
    with pytest.raises(ValueError, match="empty file"):
        tg.load(tmp_path / "empty.npz")
    np.save(tmp_path / "one.npy", np.ones(3))
    with pytest.raises(ValueError, match=r"single \.npy array"):
        tg.load(tmp_path / "one.npy")


def test_plain_pickle_file_is_refused_without_unpickling(tmp_path):
    path = tmp_path / "evil.npz"
    path.write_bytes(pickle.dumps({"W": np.ones(2)}))
    with pytest.raises(ValueError, match="not a tinygrad_edu checkpoint"):
        tg.load(path)


class _Boom:
    def __reduce__(self):  # what a malicious pickle would do on load
        return (os.system, ("echo should-never-run",))


def test_npz_with_pickled_object_array_is_refused(tmp_path):
    path = tmp_path / "obj.npz"
    np.savez(path, W=np.ones(2), obj=np.array([_Boom()], dtype=object))
    with pytest.raises(ValueError, match=r"holds an array \('obj'\) that only pickle can load"):
        tg.load(path)


def test_zip_that_is_not_npz(tmp_path):
    path = tmp_path / "archive.npz"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("readme.txt", "hello")
    with pytest.raises(ValueError, match="zip archive holding 'readme.txt', which is not a .npy"):
        tg.load(path)


def test_newer_format_is_refused(tmp_path):
    path = tmp_path / "future.npz"
    np.savez(path, **{"W": np.ones(2), serialize.FORMAT_KEY: np.array(99)})
    with pytest.raises(ValueError, match="format 99.*Upgrade"):
        tg.load(path)


# -- checking against the expected state ------------------------------------------------------


def test_diff_lists_missing_extra_shape_and_dtype_at_once(tmp_path):
    path = tmp_path / "ckpt.npz"
    tg.save({"W1": np.zeros((3, 4)), "b1": np.zeros(4, np.float32), "W9": np.zeros(2)}, path)
    expected = {"W1": np.zeros((4, 3)), "b1": np.zeros(4), "W2": np.zeros((1, 4))}
    with pytest.raises(ValueError) as info:
        tg.load(path, expected=expected)
    message = str(info.value)
    assert message.startswith("load: expected '") and "got 4 differences" in message
    assert "missing key  'W2': expected (1, 4) float64" in message
    assert "extra key    'W9': found (2,) float64" in message
    assert "shape        'W1': found (3, 4), expected (4, 3) (transposed?)" in message
    assert "dtype        'b1': found float32, expected float64" in message


def test_matching_expected_state_passes(tmp_path):
    path = tmp_path / "ok.npz"
    state = _state()
    tg.save(state, path)
    _assert_same(tg.load(path, expected=_state(5)), state)  # values may differ, layout may not


def test_check_state_reshape_hint():
    with pytest.raises(
        ValueError, match=r"found \(6,\), expected \(2, 3\) \(same size: reshaped\?\)"
    ):
        serialize.check_state({"W": np.zeros(6)}, {"W": np.zeros((2, 3))})


# -- issue 11: keys, crafted files, modes, temporary files ------------------------------------


@pytest.mark.parametrize(
    "keys",
    [
        ["a", "a.npy"],  # np.load's lookup would give "a.npy" the array of "a"
        ["a", "a.npy", "a.npy.npy"],
        ["W", "W.npy.npy"],
        ["layers/0/W", "layers/0/W.npy", "a\\b", "..", "./x", "a/", " ", "é", "x\x0cy", "\x1b[31m"],
    ],
)
def test_every_key_round_trips_exactly(tmp_path, keys):
    state = {key: np.full(2, float(i)) for i, key in enumerate(keys)}
    tg.save(state, tmp_path / "keys.npz")
    _assert_same(tg.load(tmp_path / "keys.npz"), state)


@pytest.mark.parametrize(
    ("key", "reason"),
    [
        ("w\x001", "NUL byte"),
        ("\x00", "NUL byte"),
        ("w\udc80", "lone surrogate"),
        ("k" * 70_000, "at most 65531"),
        (serialize.FORMAT_KEY, "reserved"),
    ],
    ids=["nul", "only-nul", "surrogate", "70000-chars", "reserved"],
)
def test_keys_that_cannot_round_trip_are_refused_with_the_reason(tmp_path, key, reason):
    with pytest.raises(ValueError, match=f"save: cannot store the key .*{reason}"):
        tg.save({"ok": np.ones(1), key: np.ones(1)}, tmp_path / "k.npz")
    assert not list(tmp_path.iterdir())  # nothing written


def test_nul_keys_no_longer_collapse(tmp_path):
    with pytest.raises(ValueError, match="NUL"):
        tg.save({"w\x001": np.ones(1), "w\x002": np.zeros(1)}, tmp_path / "n.npz")


@pytest.mark.parametrize(
    "value",
    [
        np.array(["2024-01-01", "2024-06-30"], dtype="datetime64[D]"),
        np.array([1, 2], dtype="timedelta64[s]"),
        np.datetime64("2024-01-01T12:00"),
    ],
)
def test_datetime_and_timedelta_arrays_are_refused_clearly(tmp_path, value):
    with pytest.raises(TypeError, match=r"dates or durations.*astype\('int64'\)"):
        tg.save({"t": value}, tmp_path / "t.npz")


@pytest.mark.parametrize(
    "value",
    [np.array(["a", "b"]), np.array([b"x"]), np.zeros(2, dtype=[("a", "f8"), ("b", "i4")])],
)
def test_strings_and_records_are_refused(tmp_path, value):
    with pytest.raises(TypeError, match="save: expected numeric arrays"):
        tg.save({"x": value}, tmp_path / "x.npz")


# Crafted files: every one is a ValueError that names the file, raised before a large allocation.


def _npy(shape=(2,), descr="<f8", fortran=False, data=None):
    import io

    buf = io.BytesIO()
    header = {"descr": descr, "fortran_order": fortran, "shape": shape}
    np.lib.format.write_array_header_1_0(buf, header)
    if data is None:
        data = np.zeros(shape, dtype=np.dtype(descr)).tobytes() if np.prod(shape) < 1e6 else b""
    return buf.getvalue() + data


def _zip(path, members, compression=zipfile.ZIP_STORED):
    with zipfile.ZipFile(path, "w", compression=compression) as zf:
        for name, data in members:
            zf.writestr(name, data)
    return path


def _load_fails(path, match=None):
    """load(path) raises a ValueError naming the file, and nothing else."""
    with pytest.raises(ValueError) as info:
        tg.load(path)
    assert repr(str(path)) in str(info.value), str(info.value)
    if match:
        assert re.search(match, str(info.value)), str(info.value)
    return str(info.value)


def test_huge_declared_shape_is_refused_before_allocating(tmp_path):
    path = _zip(tmp_path / "huge.npz", [("W.npy", _npy(shape=(10**6, 10**6), data=b"\0" * 64))])
    _load_fails(path, r"declares shape \(1000000, 1000000\) float64 \(8000000000000 bytes\)")


def test_compressed_members_are_refused_before_inflating(tmp_path):
    """A 64 MB array of zeros deflates to about 64 KB: load must not inflate it."""
    import tracemalloc

    path = tmp_path / "bomb.npz"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        with zf.open("W.npy", "w") as member:
            member.write(_npy(shape=(8 * 2**20,), data=b""))
            zeros = bytes(2**20)
            for _ in range(64):
                member.write(zeros)
    assert path.stat().st_size < 2**20
    tracemalloc.start()
    try:
        _load_fails(path, r"compressed entry 'W.npy'.*np\.savez\(")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 8 * 2**20


def test_np_savez_compressed_files_are_refused_with_the_fix(tmp_path):
    path = tmp_path / "c.npz"
    np.savez_compressed(path, W=np.ones(3))
    _load_fails(path, "re-save it uncompressed")


def _patch_headers(path, local_offset, central_offset, value):
    """Set a 2-byte field of every entry's local and central-directory header."""
    data = bytearray(path.read_bytes())
    for signature, offset in ((b"PK\x03\x04", local_offset), (b"PK\x01\x02", central_offset)):
        start = 0
        while (i := data.find(signature, start)) >= 0:
            data[i + offset : i + offset + 2] = value.to_bytes(2, "little")
            start = i + 4
    path.write_bytes(bytes(data))


def _patch_method(path, method):
    _patch_headers(path, 8, 10, method)


@pytest.mark.parametrize(
    ("method", "what"),
    [(99, "unknown method: NotImplementedError"), (14, "LZMA on stored bytes: LZMAError")],
)
def test_members_with_other_compression_methods_are_refused(tmp_path, method, what):
    path = _zip(tmp_path / "m.npz", [("W.npy", _npy())])
    _patch_method(path, method)
    _load_fails(path, "compressed entry")


def test_deflate_member_with_broken_stream_is_a_valueerror(tmp_path):
    path = _zip(tmp_path / "z.npz", [("W.npy", _npy())], compression=zipfile.ZIP_DEFLATED)
    data = bytearray(path.read_bytes())
    data[40:48] = b"\xff" * 8  # inside the deflate stream: zlib.error if inflated
    path.write_bytes(bytes(data))
    _load_fails(path)


def test_encrypted_member_is_a_valueerror(tmp_path):
    path = _zip(tmp_path / "enc.npz", [("W.npy", _npy())])
    _patch_headers(path, 6, 8, 0x1)  # the "encrypted" flag: zipfile would ask for a password
    _load_fails(path, "encrypted")


@pytest.mark.parametrize("start", [b"PK", b"PK\x07\x08junk", b"PKZIP is a program\n"])
def test_non_zip_files_starting_with_pk_are_not_called_pickles(tmp_path, start):
    path = tmp_path / "pk.npz"
    path.write_bytes(start + b"\0" * 100)
    message = _load_fails(path, "not a tinygrad_edu checkpoint")
    assert "pickle" not in message


def test_duplicate_entries_are_refused(tmp_path):
    path = tmp_path / "dup.npz"
    with pytest.warns(UserWarning, match="Duplicate name"):
        _zip(path, [("W.npy", _npy()), ("W.npy", _npy(shape=(3,)))])
    _load_fails(path, "two entries named 'W.npy'")


def test_overlapping_entries_cannot_multiply_the_file_size(tmp_path):
    """Many central-directory records pointing at the same data: more declared than stored."""
    path = _zip(tmp_path / "one.npz", [("W.npy", _npy(shape=(1000,)))])
    data = path.read_bytes()
    cd = data.find(b"PK\x01\x02")
    end = data.find(b"PK\x05\x06")
    record = bytearray(data[cd:end])
    name_len = int.from_bytes(record[28:30], "little")
    records = b""
    for k in range(50):
        rec = bytearray(record)
        rec[46 : 46 + name_len] = f"{k:01d}.npy".encode().ljust(name_len, b"x")[:name_len]
        records += bytes(rec)
    eocd = bytearray(data[end:])
    eocd[8:10] = eocd[10:12] = (50).to_bytes(2, "little")
    eocd[12:16] = len(records).to_bytes(4, "little")
    path.write_bytes(data[:cd] + records + bytes(eocd))
    _load_fails(path, "declare .* bytes of data, more than the file's")


@pytest.mark.parametrize(
    ("npy", "match"),
    [
        (_npy(descr="|O", data=b"\0" * 16), "only pickle can load"),
        (_npy(descr="<M8[D]"), "not a number type"),
        (_npy(descr="<U3"), "not a number type"),
        (_npy(shape=(3,), data=b"\0" * 8), r"declares shape \(3,\) float64 \(24 bytes\)"),
        (b"\x93NUMPY\x09\x00junk", "truncated or corrupt"),
        (b"not an npy file at all", "truncated or corrupt"),
    ],
    ids=["object", "datetime", "unicode", "short-data", "npy-version-9", "not-npy"],
)
def test_bad_members_are_valueerrors_naming_the_file(tmp_path, npy, match):
    _load_fails(_zip(tmp_path / "bad.npz", [("W.npy", npy)]), match)


def test_random_damage_is_always_a_valueerror_naming_the_file(tmp_path):
    """Flip, cut and overwrite bytes of a real checkpoint: load succeeds or raises ValueError."""
    good = tmp_path / "good.npz"
    tg.save(_state(), good)
    data = good.read_bytes()
    rng = np.random.default_rng(0)
    path = tmp_path / "damaged.npz"
    outcomes = set()
    for trial in range(400):
        damaged = bytearray(data)
        kind = trial % 4
        if kind == 0:  # flip bytes anywhere
            for i in rng.integers(0, len(damaged), size=rng.integers(1, 4)):
                damaged[i] ^= int(rng.integers(1, 256))
        elif kind == 1:  # set a 4-byte field (sizes, offsets, counts) to an extreme value
            i = int(rng.integers(0, len(damaged) - 4))
            damaged[i : i + 4] = rng.choice([b"\xff\xff\xff\xff", b"\0\0\0\0", b"\xff\xff\0\0"])
        elif kind == 2:  # cut
            damaged = damaged[: int(rng.integers(0, len(damaged)))]
        else:  # splice in bytes of an npy header
            i = int(rng.integers(0, len(damaged)))
            damaged[i:i] = _npy(shape=(10**9,), data=b"")[: int(rng.integers(1, 80))]
        path.write_bytes(bytes(damaged))
        try:
            tg.load(path)
            outcomes.add("loaded")
        except ValueError as err:
            assert repr(str(path)) in str(err), str(err)
            outcomes.add("ValueError")
    assert "ValueError" in outcomes


# File modes and temporary files.


@pytest.fixture
def umask():
    def set_umask(value):
        old = os.umask(value)
        restore.append(old)

    restore = []
    yield set_umask
    for old in reversed(restore):
        os.umask(old)


@pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")
@pytest.mark.parametrize(("mask", "mode"), [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)])
def test_new_files_follow_the_umask(tmp_path, umask, mask, mode):
    umask(mask)
    tg.save(_state(), tmp_path / "new.npz")
    assert (tmp_path / "new.npz").stat().st_mode & 0o777 == mode


@pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")
@pytest.mark.parametrize("mode", [0o644, 0o640, 0o600, 0o444])
def test_resaving_keeps_the_files_mode(tmp_path, umask, mode):
    umask(0o077)
    path = tmp_path / "ckpt.npz"
    tg.save(_state(0), path)
    path.chmod(mode)
    tg.save(_state(1), path)
    assert path.stat().st_mode & 0o777 == mode
    _assert_same(tg.load(path), _state(1))


@pytest.mark.skipif(os.name != "posix", reason="symbolic links")
def test_saving_through_a_symlink_updates_its_target(tmp_path):
    (tmp_path / "real").mkdir()
    target = tmp_path / "real" / "ckpt.npz"
    tg.save(_state(0), target)
    link = tmp_path / "latest.npz"
    link.symlink_to(target)
    tg.save(_state(1), link)
    assert link.is_symlink()
    _assert_same(tg.load(target), _state(1))


def _dead_pid():
    proc = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], check=True,
                          capture_output=True, text=True)  # fmt: skip
    return int(proc.stdout)


def test_next_save_removes_temp_files_of_killed_saves(tmp_path):
    host = serialize._host_tag()
    dead = tmp_path / f".ckpt.npz.tge-{host}-{_dead_pid()}-0a1b2c3d.tmp"
    other_dead = tmp_path / f".other.npz.tge-{host}-{_dead_pid()}-00000000.tmp"
    alive = tmp_path / f".ckpt.npz.tge-{host}-{os.getppid()}-0a1b2c3d.tmp"  # a save in progress
    foreign = tmp_path / ".notes.tmp"  # not ours
    for p in (dead, other_dead, alive, foreign):
        p.write_bytes(b"PK\x03\x04 partial")
    tg.save(_state(), tmp_path / "ckpt.npz")
    left = sorted(p.name for p in tmp_path.iterdir())
    assert left == sorted(["ckpt.npz", alive.name, foreign.name])


def test_another_programs_temp_file_named_like_an_old_versions_is_kept(tmp_path):
    """ ".data.bin.download.tmp" beside "data.bin" matches version 0.1.0's ".NAME.XXXXXXXX.tmp":
    a save into the folder deleted it once it was an hour old (another program's data)."""
    (tmp_path / "data.bin").write_bytes(b"x")
    theirs = tmp_path / ".data.bin.download.tmp"
    theirs.write_bytes(b"half of a download, not a zip")
    hours_ago = theirs.stat().st_mtime - 7200
    os.utime(theirs, (hours_ago, hours_ago))
    tg.save(_state(), tmp_path / "ckpt.npz")
    assert theirs.exists()


def test_temp_files_of_other_hosts_and_old_versions_go_only_when_old(tmp_path):
    other_host = tmp_path / ".ckpt.npz.tge-ffffff-1-0a1b2c3d.tmp"
    legacy = tmp_path / ".ckpt.npz.ab_3x9z0.tmp"  # tempfile.mkstemp's name (version 0.1.0)
    legacy_no_target = tmp_path / ".gone.npz.ab_3x9z0.tmp"
    for p in (other_host, legacy, legacy_no_target):
        p.write_bytes(b"PK")
    tg.save(_state(), tmp_path / "ckpt.npz")
    assert other_host.exists() and legacy.exists()  # young: maybe a save in progress
    hours_ago = os.path.getmtime(tmp_path / "ckpt.npz") - 7200
    for p in (other_host, legacy, legacy_no_target):
        os.utime(p, (hours_ago, hours_ago))
    tg.save(_state(), tmp_path / "ckpt.npz")
    assert not other_host.exists() and not legacy.exists()
    assert legacy_no_target.exists()  # no checkpoint of that name: maybe not ours


def test_a_killed_save_is_cleaned_up_by_the_next_one(tmp_path):
    path = tmp_path / "ckpt.npz"
    script = textwrap.dedent(
        f"""
        import os, numpy as np
        from tinygrad_edu import serialize
        def dying(f, state):
            f.write(b"PK\\x03\\x04 partial")
            f.flush()
            os._exit(9)
        serialize._write_arrays = dying
        serialize.save({{"W": np.zeros(3)}}, {str(path)!r})
        """
    )
    root = os.path.dirname(os.path.dirname(os.path.abspath(tg.__file__)))
    result = subprocess.run(
        [sys.executable, "-c", script], env={**os.environ, "PYTHONPATH": root}, check=False
    )
    assert result.returncode == 9
    assert len(list(tmp_path.iterdir())) == 1  # the killed save's temporary file
    tg.save(_state(), path)
    assert [p.name for p in tmp_path.iterdir()] == ["ckpt.npz"]


@pytest.mark.parametrize(
    ("target", "error", "match"),
    [
        ("{tmp}", IsADirectoryError, r"is a folder; give a file name, e\.g\. '.*model\.npz'"),
        ("{tmp}/new/", IsADirectoryError, r"'.*new/' is a folder name; give a file name"),
        ("{tmp}/missing/ckpt.npz", FileNotFoundError, r"save: cannot write '.*missing/ckpt\.npz'"),
        ("/proc/ckpt.npz", OSError, r"save: cannot write '/proc/ckpt\.npz'"),
    ],
)
def test_unwritable_targets_name_the_checkpoint_not_a_temp_file(tmp_path, target, error, match):
    target = target.format(tmp=tmp_path)
    if target.startswith("/proc") and not os.path.isdir("/proc/self"):
        pytest.skip("no /proc")
    with pytest.raises(error, match=match) as info:
        tg.save(_state(), target)
    assert ".tmp" not in str(info.value)
    assert not [p for p in tmp_path.rglob("*") if p.name.endswith(".tmp")]


# -- values that would lose data, and paths that are not files -----------------------------------


def test_a_masked_array_with_masked_values_is_refused_not_saved_without_its_mask(tmp_path):
    masked = np.ma.array([1.0, 2.0, 3.0], mask=[0, 1, 0])
    with pytest.raises(TypeError, match=r"a masked array with 1 masked value\(s\).*filled\(0\)"):
        tg.save({"W": masked}, tmp_path / "m.npz")
    assert not list(tmp_path.iterdir())
    tg.save({"W": np.ma.array([1.0, 2.0])}, tmp_path / "m.npz")  # nothing masked: plain values
    np.testing.assert_array_equal(tg.load(tmp_path / "m.npz")["W"], [1.0, 2.0])


def test_a_ragged_list_is_refused_with_the_key(tmp_path):
    with pytest.raises(ValueError, match=r"save: expected an array for 'rows', got a list"):
        tg.save({"rows": [[1.0], [1.0, 2.0]]}, tmp_path / "r.npz")


def test_loading_a_folder_names_it(tmp_path):
    with pytest.raises(IsADirectoryError, match=r"load: '.*' is a folder; give the checkpoint"):
        tg.load(tmp_path)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes")
def test_loading_a_named_pipe_is_refused_instead_of_waiting_forever(tmp_path):
    fifo = tmp_path / "ckpt.npz"
    os.mkfifo(fifo)
    _load_fails(fifo, "named pipe or socket")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes")
@pytest.mark.parametrize("through_a_link", [False, True])
def test_saving_onto_a_device_or_pipe_is_refused_and_leaves_it_alone(tmp_path, through_a_link):
    """save(model, "/dev/null") replaced the device with a regular file (as root: the system's
    /dev/null). A named pipe stands in for the device here, directly and through a symlink."""
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    target = fifo
    if through_a_link:
        target = tmp_path / "latest.npz"
        target.symlink_to(fifo)
    with pytest.raises(ValueError, match=r"save: '.*' is a named pipe, not a file; .* refused"):
        tg.save(_state(), target)
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)  # still the pipe
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted({"pipe", target.name})


def test_bytes_paths_work_as_str_paths(tmp_path):
    path = os.fsencode(tmp_path / "b.npz")
    tg.save(_state(), path)  # was a TypeError from inside save
    _assert_same(tg.load(path), _state())


def test_a_checkpoint_of_the_other_byte_order_loads_as_native_numbers(tmp_path):
    """A file written on a big-endian machine held '>f8' arrays, which load_state_dict refused
    ("dtype differs: float64 vs >f8") though they are the same numbers."""
    nn = pytest.importorskip("tinygrad_edu.nn")
    model = nn.Linear(3, 2)
    swapped = {k: v.astype(v.dtype.newbyteorder("S")) for k, v in model.state_dict().items()}
    np.savez(tmp_path / "be.npz", **swapped)
    loaded = tg.load(tmp_path / "be.npz", expected=model)
    assert all(v.dtype.isnative for v in loaded.values())
    other = nn.Linear(3, 2)
    other.load_state_dict(loaded)
    _assert_same(other.state_dict(), model.state_dict())
