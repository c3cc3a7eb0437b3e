"""CI runs what the README says, and the README's command installs what the tests need."""

import re
from pathlib import Path

import pytest
from hypothesis import settings

ROOT = Path(__file__).resolve().parents[1]


def _readme_test_command() -> str:
    readme = (ROOT / "README.md").read_text()
    section = readme.split("Install and run the tests", 1)[1]
    return re.search(r"```bash\n(.*?)\n```", section, flags=re.S)[1].strip()


def _last_command(script: str) -> str:
    lines = [line.strip() for line in script.splitlines()]
    return [line for line in lines if line and not line.startswith("#")][-1]


def test_ci_runs_exactly_the_readmes_test_command():
    command = _readme_test_command()
    assert command.startswith('pip install -e ".[dev]" && python -m pytest')
    assert _last_command((ROOT / ".ci" / "run").read_text()) == command


def test_ci_derandomizes_hypothesis():
    script = (ROOT / ".ci" / "run").read_text()
    assert re.search(r"^export HYPOTHESIS_PROFILE=ci$", script, flags=re.M)
    assert settings.get_profile("ci").derandomize
    assert not settings.get_profile("dev").derandomize  # locally: new examples, printed seed


def test_the_dev_extra_installs_the_test_plugins_the_command_uses():
    tomllib = pytest.importorskip("tomllib")  # Python 3.11+
    extras = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"][
        "optional-dependencies"
    ]
    assert "test" in extras["dev"][0]  # dev = tinygrad_edu[...,test,...]
    names = {re.split(r"[<>=\[ ]", req)[0] for req in extras["test"]}
    needed = {"pytest", "hypothesis", "threadpoolctl", "pytest-xdist", "pytest-randomly"}
    assert needed <= names, f"missing from the test extra: {sorted(needed - names)}"
    if " -n " in f" {_readme_test_command()} ":
        assert "pytest-xdist" in names
