"""save/load: round trips, atomic writes (a crash never damages the old file), clear errors for
truncated, foreign and pickle-bearing files, and a readable diff against the expected state."""

import os
import pickle
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
