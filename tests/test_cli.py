"""The command line as a user meets it: every error one line (what, which argument, what to do),
exit status 2 for the command line and 1 for what happens while running, arguments and output
paths checked before training, strict JSON, Ctrl-C, ``--version`` and the BLAS threads.

(``graph``'s own errors are tested in tests/test_expr.py and tests/test_viz.py.)
"""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import tinygrad_edu
from tinygrad_edu import cli
from tinygrad_edu.course import cli as course_cli

ROOT = Path(__file__).resolve().parents[1]


def run(capsys, *argv):
    """``tinygrad-edu ARGV`` in-process: (exit code, stdout, stderr)."""
    try:
        code = cli.main(list(argv))
    except SystemExit as stop:  # argparse: --help, --version, usage errors
        code = stop.code
    out, err = capsys.readouterr()
    return code, out, err


def assert_one_line_error(code, out, err, status, *needles):
    assert code == status, (code, err)
    assert "Traceback" not in err and "Traceback" not in out
    lines = err.strip().splitlines()
    assert len(lines) == 1, f"expected one line on stderr, got:\n{err}"
    for needle in needles:
        assert needle in lines[0], (needle, lines[0])


def reject_constant(name):
    raise ValueError(f"not JSON: {name}")


def strict_loads(text):
    """json.loads that refuses NaN, Infinity and -Infinity, as RFC 8259 and most parsers do."""
    return json.loads(text, parse_constant=reject_constant)


def test_version(capsys):
    code, out, _ = run(capsys, "--version")
    assert code == 0 and out.strip() == f"tinygrad-edu {tinygrad_edu.__version__}"


@pytest.mark.parametrize(
    "argv",
    [
        [],
        ["nope"],
        ["course"],
        ["course", "nope"],
        ["course", "planar", "--learning-rate", "inf"],
        ["course", "planar", "--learning-rate", "nan"],
        ["course", "planar", "--learning-rate", "-inf"],
        ["course", "planar", "--learning-rate", "1e400"],  # overflows to inf
        ["course", "planar", "--learning-rate", "0"],
        ["course", "planar", "--learning-rate", "-1"],
        ["course", "planar", "--learning-rate", "fast"],
        ["course", "planar", "--iterations", "0"],
        ["course", "planar", "--iterations", "2.5"],
        ["course", "planar", "--iterations", "1e3"],
        ["course", "planar", "--iterations", "-3"],
        ["course", "planar", "--threads", "0"],
        ["course", "planar", "--bogus"],
    ],
)
def test_usage_errors_are_one_line_with_status_2(argv, capsys):
    code, out, err = run(capsys, *argv)
    assert_one_line_error(code, out, err, 2, "error:", "--help")
    assert out == ""


def test_learning_rate_inf_names_the_argument_and_an_example(capsys):
    code, out, err = run(capsys, "course", "planar", "--learning-rate", "inf")
    assert_one_line_error(code, out, err, 2, "--learning-rate", "finite", "0.0075", "'inf'")


def _bad_plot_targets(tmp_path):
    (tmp_path / "a_file").write_text("x")
    (tmp_path / "folder.svg").mkdir()
    return [
        (str(tmp_path), "got the folder"),
        (str(tmp_path / "folder.svg"), "got the folder"),
        (str(tmp_path / "costs.txt"), "'.txt'"),
        (str(tmp_path / "costs"), "no suffix"),
        (str(tmp_path / "a_file" / "costs.png"), "is a file, not a folder"),
        (str(tmp_path / "a_file" / "deeper" / "costs.png"), "is a file, not a folder"),
        ("/proc/costs.svg", "cannot write"),
        ("/proc/sys/deeper/costs.svg", "cannot write"),
        ("", "expected a file name such as costs.png, got ''"),  # was silently no plot
        (" ", "expected a file name such as costs.png"),
        (str(tmp_path / "new.png") + "/", "which ends in '/' as a folder does"),  # wrote new.png
    ]


def test_plot_targets_are_checked_before_training(tmp_path, capsys, monkeypatch):
    pytest.importorskip("matplotlib")
    trained = []
    monkeypatch.setitem(course_cli.MODELS, "planar", lambda **kw: trained.append(kw))
    for target, reason in _bad_plot_targets(tmp_path):
        if target.startswith("/proc") and not Path("/proc/self").exists():
            continue
        code, out, err = run(capsys, "course", "planar", "--plot", target)
        assert_one_line_error(code, out, err, 2, "--plot", reason)
    assert trained == []  # nothing trained for any of them


def test_a_plot_into_a_new_folder_is_fine(tmp_path, capsys):
    pytest.importorskip("matplotlib")
    target = tmp_path / "new" / "sub" / "costs.svg"
    code, out, _ = run(capsys, "course", "planar", "--iterations", "2", "--plot", str(target))
    assert code == 0 and target.stat().st_size > 0
    assert not [p for p in tmp_path.rglob(".tinygrad-edu-plot-*")]  # the probe is gone


def test_plot_without_matplotlib_is_refused_before_training(monkeypatch, capsys):
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "matplotlib" else real(name)
    )
    monkeypatch.setitem(course_cli.MODELS, "planar", lambda **kw: pytest.fail("trained"))
    code, out, err = run(capsys, "course", "planar", "--plot", "c.png")
    assert_one_line_error(code, out, err, 1, "pip install", "tinygrad_edu[plot]")


def _cat_folder(tmp_path, train=b"<html>404 Not Found</html>", test=b"PK\x03\x04zip"):
    (tmp_path / "train_catvnoncat.h5").write_bytes(train)
    (tmp_path / "test_catvnoncat.h5").write_bytes(test)
    return tmp_path


@pytest.mark.parametrize("name", ["deep", "two-layer", "logistic-regression"])
def test_data_folder_with_files_that_are_not_hdf5(name, tmp_path, capsys):
    pytest.importorskip("h5py")
    folder = _cat_folder(tmp_path)
    code, out, err = run(capsys, "course", name, "--data", str(folder))
    assert_one_line_error(code, out, err, 1, str(folder / "train_catvnoncat.h5"), "not HDF5")


def test_data_folder_with_a_truncated_hdf5_file(tmp_path, capsys):
    h5py = pytest.importorskip("h5py")
    import numpy as np

    path = tmp_path / "train_catvnoncat.h5"
    with h5py.File(path, "w") as f:
        f["train_set_x"] = np.zeros((3, 64, 64, 3), np.uint8)
        f["train_set_y"] = np.zeros(3, np.int64)
    path.write_bytes(path.read_bytes()[:3000])
    (tmp_path / "test_catvnoncat.h5").write_bytes(path.read_bytes())
    code, out, err = run(capsys, "course", "deep", "--data", str(tmp_path))
    assert_one_line_error(code, out, err, 1, "train_catvnoncat.h5")


def test_data_folder_that_is_a_file_or_missing_is_a_usage_error(tmp_path, capsys):
    (tmp_path / "f").write_text("x")
    for data in (tmp_path / "f", tmp_path / "missing"):
        code, out, err = run(capsys, "course", "deep", "--data", str(data))
        assert_one_line_error(code, out, err, 2, str(data))


def test_json_is_strict_when_the_cost_becomes_nan(capsys):
    code, out, err = run(
        capsys, "course", "planar", "--iterations", "5", "--learning-rate", "1e300", "--json"
    )
    assert code == 0
    report = strict_loads(out)  # NaN would be refused here
    assert report["costs"]["1"] is None  # inf (0 log 0 = 0: only wrong-label zeros) or nan
    assert report["non_finite"] in ({"costs.1": "Infinity"}, {"costs.1": "NaN"})
    assert report["costs"]["0"] == pytest.approx(0.693048, abs=1e-6)
    for line in err.strip().splitlines():  # the warnings: one line each, no source lines
        assert line.startswith("tinygrad-edu course: warning: "), line


def test_json_of_every_model_is_strict(capsys):
    for argv in (["planar", "--iterations", "3"], ["planar-sweep", "--iterations", "2"]):
        code, out, _ = run(capsys, "course", *argv, "--json")
        assert code == 0 and "non_finite" not in strict_loads(out)


def test_strict_json_replaces_every_non_finite_number():
    report = {"a": float("inf"), "b": [1.0, float("-inf")], "c": {"d": float("nan")}, "e": 2}
    parsed = strict_loads(course_cli.strict_json(report))
    assert parsed == {
        "a": None,
        "b": [1.0, None],
        "c": {"d": None},
        "e": 2,
        "non_finite": {"a": "Infinity", "b.1": "-Infinity", "c.d": "NaN"},
    }


def test_an_unexpected_error_is_one_line_unless_tracebacks_are_asked_for(monkeypatch, capsys):
    def broken(**kwargs):
        raise RuntimeError("something\nbroke")

    monkeypatch.setitem(course_cli.MODELS, "planar", broken)
    monkeypatch.delenv(cli.TRACEBACK_ENV_VAR, raising=False)
    code, out, err = run(capsys, "course", "planar")
    assert_one_line_error(code, out, err, 1, "RuntimeError: something broke", "please report")
    monkeypatch.setenv(cli.TRACEBACK_ENV_VAR, "1")
    with pytest.raises(RuntimeError, match="something"):
        cli.main(["course", "planar"])


def test_a_full_disk_while_writing_the_plot_keeps_the_printed_results(monkeypatch, capsys):
    pytest.importorskip("matplotlib")
    import errno

    from tinygrad_edu import viz

    def full_disk(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device", "costs.png")

    monkeypatch.setattr(viz, "plot_costs", full_disk)
    code, out, err = run(capsys, "course", "planar", "--iterations", "2", "--plot", "costs.png")
    assert "Cost after iteration 0" in out and "Train accuracy" in out
    assert_one_line_error(code, out, err, 1, "No space left on device")


def _spawn(*argv):
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONUNBUFFERED": "1"}
    return subprocess.Popen(
        [sys.executable, "-m", "tinygrad_edu", *argv],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        # A test run started in the background ignores SIGINT, and children inherit that: give
        # the child the default, so that Python installs its Ctrl-C handler.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )


def _interrupt_after_first_line(proc):
    first = proc.stdout.readline()  # training has started
    time.sleep(0.3)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=120)
    return first + out, err


@pytest.mark.skipif(os.name != "posix", reason="SIGINT to a child process")
def test_ctrl_c_during_a_course_run_keeps_the_costs_and_exits_130():
    proc = _spawn("course", "planar", "--iterations", "10000000")
    out, err = _interrupt_after_first_line(proc)
    assert proc.returncode == 130, err
    assert out.startswith("Cost after iteration 0: 0.693048")
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert lines[-1].startswith("tinygrad-edu course planar: interrupted (Ctrl-C) after ")
    assert "fit: interrupted (Ctrl-C)" in lines[0]  # fit's own notice
    assert "last_value" not in err  # the notebook hint is for notebooks, not the command line


@pytest.mark.skipif(os.name != "posix", reason="SIGINT to a child process")
def test_ctrl_c_with_json_prints_the_costs_so_far_as_strict_json(tmp_path):
    pytest.importorskip("matplotlib")
    plot = tmp_path / "c.png"
    proc = _spawn("course", "planar", "--iterations", "10000000", "--json", "--plot", str(plot))
    time.sleep(3)  # no output before the end with --json: give training time to start
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, err
    report = strict_loads(out)
    assert report["interrupted"] is True and report["costs"]["0"] == pytest.approx(0.693048, 1e-6)
    assert report["iterations_completed"] >= 1
    assert plot.stat().st_size > 0


def test_blas_threads_respect_the_user_and_the_machine(monkeypatch):
    for name in course_cli.THREAD_ENV_VARS:
        monkeypatch.delenv(name, raising=False)
    assert course_cli.blas_threads(3) == 3
    assert 1 <= course_cli.blas_threads() <= 4
    monkeypatch.setattr(os, "getloadavg", lambda: (50.0, 50.0, 50.0))
    assert course_cli.blas_threads() == 1  # a busy machine: one thread
    monkeypatch.setattr(os, "getloadavg", lambda: (0.0, 0.0, 0.0))
    monkeypatch.setattr(os, "cpu_count", lambda: 64)
    assert course_cli.blas_threads() == 4
    monkeypatch.setenv("OPENBLAS_NUM_THREADS", "2")
    assert course_cli.blas_threads() is None  # the user's choice stands
    assert course_cli.blas_threads(1) == 1


def test_training_runs_with_the_chosen_blas_threads(monkeypatch):
    threadpoolctl = pytest.importorskip("threadpoolctl")
    seen = []

    def spy(**kwargs):
        seen.extend(i["num_threads"] for i in threadpoolctl.threadpool_info()
                    if i["user_api"] == "blas")  # fmt: skip
        raise FileNotFoundError("stop here")

    monkeypatch.setitem(course_cli.MODELS, "planar", spy)
    assert cli.main(["course", "planar", "--threads", "1"]) == 2
    assert seen and set(seen) == {1}


# Every training run keeps its costs on Ctrl-C, not only those that train through fit: the
# course 2, 4 and 5 runs have loops of their own (they printed nothing with --json before).
# name: (data folder, unit, the backward pass that Ctrl-C interrupts: after a whole epoch)
_LOOPS = {
    "init-he": (None, "iteration", 3),  # course 2's full-batch loop (the circles: no files)
    "opt-adam": (None, "epoch", 7),  # course 2's mini-batch loop, 5 mini-batches an epoch
    "cnn-digits": (None, "epoch", 25),  # course 4: 23 mini-batches an epoch
    "dinosaurus": ("dinos", "iteration", 3),  # course 5
}


@pytest.mark.parametrize("name", list(_LOOPS))
def test_ctrl_c_in_any_course_loop_prints_the_costs_so_far(name, monkeypatch, capsys):
    pytest.importorskip("sklearn")
    from course_data import data_folder

    from tinygrad_edu.tensor import Tensor

    folder, unit, at = _LOOPS[name]
    extra = ["--data", str(data_folder(folder))] if folder else []
    real_backward, calls = Tensor.backward, []

    def backward(self, *args, **kwargs):  # Ctrl-C arrives in this backward pass
        calls.append(1)
        if len(calls) == at:
            raise KeyboardInterrupt
        return real_backward(self, *args, **kwargs)

    monkeypatch.setattr(Tensor, "backward", backward)
    code = cli.main(["course", name, "--json", *extra])
    out, err = capsys.readouterr()
    assert code == 130, err
    report = strict_loads(out)
    assert report["interrupted"] is True and report["unit"] == unit
    assert report["costs"]["0"] > 0 and report["iterations_completed"] == at - 1
    assert f"{name}: interrupted (Ctrl-C) in {unit} " in err
    assert err.strip().splitlines()[-1].startswith(f"tinygrad-edu course {name}: interrupted")
