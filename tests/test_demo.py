"""``tinygrad-edu demo``: the README's main job, run with few iterations."""

import argparse
import io
import os
import shutil

import pytest

pytest.importorskip("graphviz")
pytest.importorskip("matplotlib")
from tinygrad_edu import demo  # noqa: E402 (after the skips: optional extras)

has_dot = shutil.which("dot") is not None


def run(tmp_path, **kwargs):
    out = io.StringIO()
    files = demo.run_demo(tmp_path / "pictures", file=out, **kwargs)
    return files, out.getvalue()


def test_fresh_machine_without_data(tmp_path, monkeypatch):
    monkeypatch.delenv("TINYGRAD_EDU_DATA", raising=False)
    files, text = run(tmp_path, iterations=5)
    folder = tmp_path / "pictures"
    assert str(folder.resolve()) in text  # the folder is named
    # step 1: the course's J with its values and gradients
    assert "u = bc = 6" in text and "v = a + u = 11" in text and "J = 3v = 33" in text
    assert "da = 3,  db = 6,  dc = 9,  du = 3,  dv = 3" in text
    # step 2: the planar network prints the course's first cost (the course prints 0.693048)
    assert "Cost after iteration 0: 0.693048" in text and "Accuracy:" in text
    # step 3 is skipped, and says how to enable it
    assert "skipped: no cat data" in text and "TINYGRAD_EDU_DATA" in text
    # the backward pass, step by step: the course's dc = du * b = 3 * 3 = 9
    assert "u → c:  dc = du · ∂u/∂c = du · b = 3 · 3 = 9" in text
    names = sorted(p.name for p in files)
    picture = "J.svg" if has_dot else "J.dot"
    assert names == sorted([picture, "J.html", "activations.png", "planar_costs.png",
                            "planar_boundary.png", "planar_model.svg" if has_dot else
                            "planar_model.dot"])  # fmt: skip
    assert "dc = du · ∂u/∂c" in (folder / "J.html").read_text(encoding="utf-8")
    assert all(p.parent == folder and p.stat().st_size > 0 for p in files)
    if has_dot:
        svg = (folder / "J.svg").read_text()
        assert "<svg" in svg and "dc = 9" in svg
        assert "layer 1: Linear 2 → 4" in (folder / "planar_model.svg").read_text()


def test_without_the_graphviz_program_dot_files_and_a_note(tmp_path, monkeypatch):
    monkeypatch.delenv("TINYGRAD_EDU_DATA", raising=False)
    monkeypatch.setenv("PATH", "")
    files, text = run(tmp_path, iterations=2)
    assert (tmp_path / "pictures" / "J.dot").exists()
    assert "apt-get install graphviz" in text
    assert "J = 33" in (tmp_path / "pictures" / "J.dot").read_text()
    assert "J.html" not in {p.name for p in files} or "no picture of the graph" in text


@pytest.mark.skipif(not os.environ.get("TINYGRAD_EDU_DATA"), reason="set TINYGRAD_EDU_DATA")
def test_with_cat_data_the_deep_model_is_trained_too(tmp_path):
    files, text = run(tmp_path, iterations=3)
    # the course's first printed cost of the 4-layer model
    assert "Cost after iteration 0: 0.771749" in text
    assert "train accuracy:" in text and "test accuracy:" in text
    assert "--iterations 2500" in text  # says how to train as long as the course
    names = {p.name for p in files}
    assert "cat_costs.png" in names and ({"deep_model.svg", "deep_model.dot"} & names)
    assert "cat_mislabeled.png" in names and "test images are mislabelled" in text


def test_a_wrong_data_folder_is_named_and_the_cat_step_skipped(tmp_path):
    files, text = run(tmp_path, iterations=2, data_dir=str(tmp_path / "nowhere"))
    assert "nowhere" in text and "skipped" in text


def test_the_subcommand(tmp_path, monkeypatch, capsys):
    monkeypatch.delenv("TINYGRAD_EDU_DATA", raising=False)
    parser = argparse.ArgumentParser(prog="tinygrad-edu")
    demo.add_parser(parser.add_subparsers())
    args = parser.parse_args(["demo", "--out", str(tmp_path / "d"), "--iterations", "2"])
    assert args.run(args) == 0
    assert "J = 3v = 33" in capsys.readouterr().out
    with pytest.raises(SystemExit) as stop:  # a usage error, as cli.md says: exit status 2
        parser.parse_args(["demo", "--out", str(tmp_path / "d"), "--iterations", "0"])
    assert stop.value.code == 2
    assert "--iterations: expected a whole number of iterations >= 1" in capsys.readouterr().err


@pytest.mark.parametrize("where", ["a file", "a folder inside a file"])
def test_an_out_that_is_a_file_is_one_line_and_exit_2_before_any_work(
    where, tmp_path, monkeypatch, capsys
):
    def no_work(*args, **kwargs):
        raise AssertionError("the demo started")

    monkeypatch.setattr(demo, "run_demo", no_work)
    afile = tmp_path / "afile"
    afile.write_text("")
    out = afile if where == "a file" else afile / "pictures"
    parser = argparse.ArgumentParser(prog="tinygrad-edu")
    demo.add_parser(parser.add_subparsers())
    args = parser.parse_args(["demo", "--out", str(out)])
    assert args.run(args) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "Errno" not in err
    assert err.startswith("tinygrad-edu demo: error: --out: ") and str(out) in err


@pytest.mark.parametrize("argv", [["--out", ""], ["--out", "  "], ["--data", "{tmp}/nowhere"]])
def test_an_empty_out_or_a_wrong_data_option_is_a_usage_error_before_any_work(
    argv, tmp_path, monkeypatch, capsys
):
    """--out '' wrote the pictures into the current folder; --data naming a missing folder
    trained the planar network, skipped the cats and exited 0."""

    def no_work(*args, **kwargs):
        raise AssertionError("the demo started")

    monkeypatch.setattr(demo, "run_demo", no_work)
    parser = argparse.ArgumentParser(prog="tinygrad-edu")
    demo.add_parser(parser.add_subparsers())
    argv = [a.format(tmp=tmp_path) for a in argv]
    if argv[0] == "--data":
        argv += ["--out", str(tmp_path / "pictures")]
    args = parser.parse_args(["demo", *argv])
    assert args.run(args) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1
    assert err.startswith(f"tinygrad-edu demo: error: {argv[0]}: ")
