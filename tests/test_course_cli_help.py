"""``tinygrad-edu course --help`` lists every run with its name unbroken (argparse's own wrapping
broke them at hyphens: "two-" / "layer"), at any terminal width, and parsing is unchanged."""

from __future__ import annotations

import pytest

from tinygrad_edu import cli
from tinygrad_edu.course import cli as course_cli
from tinygrad_edu.course.registry import MODELS


def _help(capsys, monkeypatch, columns: int) -> str:
    monkeypatch.setenv("COLUMNS", str(columns))
    with pytest.raises(SystemExit) as stop:
        cli.main(["course", "--help"])
    assert stop.value.code == 0
    return capsys.readouterr().out


@pytest.mark.parametrize("columns", [40, 60, 80, 100, 200])
def test_every_run_name_is_printed_whole(capsys, monkeypatch, columns):
    out = _help(capsys, monkeypatch, columns)
    runs = out[out.index("runs (NAME):") :]
    tokens = runs.split()
    for name in MODELS:
        assert name in tokens, f"{name!r} is broken or missing in:\n{runs}"
    assert not [t for t in tokens if t.endswith("-") or t.startswith("-")], runs
    # each name exactly once, grouped by course, in the registry's order
    listed = [t for t in tokens if t in MODELS]
    assert listed == list(MODELS)
    assert "course 1" in runs and "course 5" in runs


def test_lines_fit_the_terminal(capsys, monkeypatch):
    out = _help(capsys, monkeypatch, 60)
    runs = out[out.index("runs (NAME):") :]
    assert max(len(line) for line in runs.splitlines()) <= 58


def test_the_epilog_is_plain_text_by_course():
    text = course_cli.runs_epilog(width=100)
    lines = text.splitlines()
    assert lines[0] == "runs (NAME):"
    assert lines[1].split()[:3] == ["course", "1", "logistic-regression"]


def test_option_parsing_is_unchanged(capsys):
    argv = ["course", "opt-momentum-schedule", "--iterations", "3", "--learning-rate", "0.5",
            "--json", "--threads", "1"]  # fmt: skip
    args = cli.build_parser().parse_args(argv)
    assert (args.command, args.name, args.iterations, args.learning_rate) == (
        "course", "opt-momentum-schedule", 3, 0.5
    )  # fmt: skip
    assert args.json and args.threads == 1 and args.data is None and args.plot is None
    with pytest.raises(SystemExit) as stop:
        cli.main(["course", "two-layr"])
    assert stop.value.code == 2
    err = capsys.readouterr().err
    assert "invalid choice: 'two-layr'" in err and "'two-layer'" in err
