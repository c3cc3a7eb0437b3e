"""Course 5's examples (``examples/30_...`` to ``32_...``) run with few iterations and show what
their docstrings say. The Dinosaur Island ones skip without ``dinos.txt``."""

import importlib.util
from pathlib import Path

import pytest

from tinygrad_edu.data import DATA_ENV_VAR, find_data_file

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def load(name: str):
    (path,) = EXAMPLES.glob(f"{name}*.py")
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def dinos_dir():
    try:
        return find_data_file("dinos.txt", "dinos", None).parent
    except FileNotFoundError:
        pytest.skip(f"set {DATA_ENV_VAR} to a folder holding dinos.txt (or dinos/dinos.txt)")


def test_30_autograd_equals_the_courses_backward_for_the_rnn_and_the_lstm(capsys):
    same = load("30").main()
    assert len(same) == 15 and all(same.values()), same
    out = capsys.readouterr().out
    assert "a_next[4] = [ 0.59584544  0.18141802" in out
    assert 'gradients["dWax"][3][1] = 11.2641044965' in out


def test_31_prints_the_courses_start_and_samples_at_three_temperatures(dinos_dir, capsys):
    result, by_temperature = load("31").main(num_iterations=1, data_dir=dinos_dir)
    out = capsys.readouterr().out
    assert "Iteration: 0, Loss: 23.087336\n\nNkzxwtdmfqoeyhsqwasjkjvu" in out
    assert list(by_temperature) == [0.5, 1.0, 1.5]
    assert all(len(names) == 6 for names in by_temperature.values())


def test_32_transformer_learns_from_a_few_steps(dinos_dir, capsys):
    report = load("32").main(steps=30, data_dir=dinos_dir, print_every=10)
    assert abs(report["held_out_before"] - 3.2958) < 0.05  # log(27): uniform at first
    assert report["held_out_after"] < report["held_out_before"] - 0.5
    assert len(report["names"]) == 10
    assert "held-out loss" in capsys.readouterr().out


@pytest.mark.slow
def test_32_transformer_full_run_generalizes_and_invents_names(dinos_dir):
    report = load("32").main(data_dir=dinos_dir)
    assert report["held_out_after"] < 1.9  # nats per character on names never trained on
    assert sum(report["in_training_list"]) <= 5  # mostly new names, not copies
    assert sum(name.endswith(("saurus", "don", "ops", "tor", "titan", "us")) for name in
               report["names"]) >= 5  # fmt: skip
