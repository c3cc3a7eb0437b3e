"""Every registered course run through ``tinygrad-edu course NAME``: ``--json`` prints one JSON
object, ``--plot`` draws the cost curve or (for the runs that train nothing) is refused before
running, and a bad ``--data`` is a one-line error with exit status 2 for the runs that read data.

The runs that train nothing and the runs that read data files are listed here by hand (what the
course's assignments do), not read from the code under test.
"""

import json
import os

import pytest

from tinygrad_edu import cli
from tinygrad_edu.course import MODELS
from tinygrad_edu.course import cli as course_cli
from tinygrad_edu.course.common import has_curve
from tinygrad_edu.data import DATA_ENV_VAR

# The assignments that compute values without training: no cost curve.
WITHOUT_CURVE = {"conv-step-by-step", "rnn-step-by-step", "gradient-check"}
# The runs that read the course's files (the others generate their data or need none).
READ_DATA = {
    "logistic-regression",
    "two-layer",
    "deep",
    "reg-baseline",
    "reg-l2",
    "reg-dropout",
    "dinosaurus",
}


def run(capsys, *argv):
    """``tinygrad-edu course ARGV`` in-process: (exit status, stdout, stderr)."""
    try:
        code = cli.main(["course", *argv])
    except SystemExit as stop:  # usage errors, as argparse's
        code = stop.code
    out, err = capsys.readouterr()
    return code, out, err


def assert_one_line_error(code, out, err, status, *needles):
    assert code == status, (code, err)
    assert "Traceback" not in err + out
    lines = err.strip().splitlines()
    assert len(lines) == 1, f"expected one line on stderr, got:\n{err}"
    for needle in needles:
        assert needle in lines[0], (needle, lines[0])


def strict_json(text):
    def refuse(name):
        raise ValueError(f"not JSON: {name}")

    return json.loads(text, parse_constant=refuse)


def test_the_runs_without_a_cost_curve_say_so():
    assert {name for name, fn in MODELS.items() if not has_curve(fn)} == WITHOUT_CURVE


@pytest.mark.parametrize("name", sorted(WITHOUT_CURVE))
def test_plot_of_a_run_without_a_curve_is_refused_before_it_runs(name, tmp_path, capsys):
    target = tmp_path / "costs.png"
    code, out, err = run(capsys, name, "--plot", str(target))
    assert_one_line_error(code, out, err, 2, f"course {name}: error: --plot", "no cost curve")
    assert out == "" and not target.exists()  # nothing ran, nothing was written


def test_the_check_comes_before_the_run(monkeypatch, capsys):
    def values(**_):
        raise AssertionError("the run started")

    values.has_curve = False
    monkeypatch.setitem(course_cli.MODELS, "gradient-check", values)
    code, out, err = run(capsys, "gradient-check", "--json", "--plot", "c.png")
    assert_one_line_error(code, out, err, 2, "--plot")


def test_plot_of_a_run_without_a_curve_is_refused_before_its_target_is_checked(
    monkeypatch, tmp_path, capsys
):
    """Not "install matplotlib" (exit 1) nor "a folder, not an image" for a --plot that the
    run refuses anyway: the run's own refusal comes first."""
    import importlib.util

    find_spec = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda n, *a: None if n == "matplotlib" else find_spec(n, *a)
    )
    for target in (tmp_path / "c.png", tmp_path):
        code, out, err = run(capsys, "conv-step-by-step", "--plot", str(target))
        assert_one_line_error(code, out, err, 2, "course conv-step-by-step: error: --plot",
                              "no cost curve")  # fmt: skip


def _needs_data(name):
    if name in READ_DATA and not os.environ.get(DATA_ENV_VAR):
        pytest.skip(f"{name} reads the course's data: set {DATA_ENV_VAR}")


@pytest.mark.parametrize("name", list(MODELS))
def test_every_run_prints_json_and_plots_its_curve(name, tmp_path, capsys):
    """One iteration (or epoch) of each run, with --json and --plot together."""
    _needs_data(name)
    pytest.importorskip("matplotlib")
    for module in ("sklearn", "scipy", "h5py"):  # the optional readers and generators
        if name not in WITHOUT_CURVE:
            pytest.importorskip(module)
    target = tmp_path / "costs.png"
    # init-random's cost is inf until its first printed cost after 0: iteration 1000
    argv = [name, "--json", "--iterations", "1001" if name == "init-random" else "1"]
    if name in WITHOUT_CURVE:  # values, not a training: no iterations to set either
        code, out, err = run(capsys, name, "--json")
    else:
        code, out, err = run(capsys, *argv, "--plot", str(target))
        assert code == 0 and target.stat().st_size > 0, err
    assert code == 0, err
    report = strict_json(out)  # one object on stdout, nothing else
    assert report["model"] == name


@pytest.mark.parametrize("name", sorted(READ_DATA))
def test_a_bad_data_folder_is_a_one_line_usage_error(name, tmp_path, capsys):
    missing = tmp_path / "no-such-folder"
    code, out, err = run(capsys, name, "--json", "--data", str(missing))
    assert_one_line_error(code, out, err, 2, str(missing), "--data DIR")
    (tmp_path / "empty").mkdir()
    code, out, err = run(capsys, name, "--data", str(tmp_path / "empty"))
    assert_one_line_error(code, out, err, 2, str(tmp_path / "empty"), "lacks")


# The runs that train (iterations and a learning rate apply): every run with a cost curve.
TRAINED = set(MODELS) - WITHOUT_CURVE


@pytest.mark.parametrize("name", sorted(WITHOUT_CURVE))
@pytest.mark.parametrize("option", [["--iterations", "5"], ["--learning-rate", "0.1"]])
def test_an_option_the_run_does_not_take_is_refused_before_it_runs(name, option, capsys):
    code, out, err = run(capsys, name, *option)
    assert_one_line_error(code, out, err, 2, f"course {name}: error: {option[0]}",
                          "its options are --json, --threads")  # fmt: skip
    assert out == ""  # nothing ran


@pytest.mark.parametrize("name", sorted(set(MODELS) - READ_DATA))
def test_data_is_refused_by_the_runs_that_read_no_files(name, tmp_path, capsys):
    code, out, err = run(capsys, name, "--data", str(tmp_path))
    assert_one_line_error(code, out, err, 2, "--data", "no data folder to read")
    assert out == ""


def test_the_refusal_names_the_options_the_run_takes(capsys):
    code, out, err = run(capsys, "planar", "--data", ".")
    options = "its options are --iterations, --learning-rate, --plot, --json"
    assert_one_line_error(code, out, err, 2, options)


def test_every_option_a_run_takes_reaches_it():
    """The runs that train take --iterations and --learning-rate; the ones that read files --data
    (course_cli.run_options is what the command line passes)."""
    for name, fn in MODELS.items():
        options = set(course_cli.run_options(fn))
        assert ("num_iterations" in options) == (name in TRAINED), name
        assert ("learning_rate" in options) == (name in TRAINED), name
        assert ("data_dir" in options) == (name in READ_DATA), name


def test_course_without_a_name_lists_the_names(capsys):
    code, out, err = run(capsys)
    assert_one_line_error(code, out, err, 2, "required: NAME", "choose from", "'gradient-check'")


def test_a_plot_of_only_non_finite_costs_says_so(tmp_path, capsys):
    """init-random's first cost is inf (the course's large random weights): with one iteration
    there is no finite cost, and --plot said only "the run has no costs to plot"."""
    pytest.importorskip("matplotlib")
    pytest.importorskip("sklearn")
    code = cli.main(["course", "init-random", "--iterations", "1", "--plot",
                     str(tmp_path / "c.png")])  # fmt: skip
    err = capsys.readouterr().err
    assert code == 1 and len(err.strip().splitlines()) == 1
    assert "every recorded cost is NaN or infinite" in err
