"""CI runs what the README says and the quality gates; the README's command installs what the
tests need; pre-commit runs the same gates locally."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import settings

ROOT = Path(__file__).resolve().parents[1]


def _readme_test_command() -> str:
    readme = (ROOT / "README.md").read_text()
    section = readme.split("Install and run the tests", 1)[1]
    return re.search(r"```bash\n(.*?)\n```", section, flags=re.S)[1].strip()


def _commands(script: str) -> list[str]:
    """The script's command lines, without comments and blank lines."""
    lines = [line.split(" #", 1)[0].strip() for line in script.splitlines()]
    return [line for line in lines if line and not line.startswith("#")]


def _last_command(script: str) -> str:
    return _commands(script)[-1]


GATES = ["ruff check .", "ruff format --check .", "mypy"]


def test_ci_runs_exactly_the_readmes_test_command():
    command = _readme_test_command()
    assert command.startswith('pip install -e ".[dev]" && python -m pytest')
    assert _last_command((ROOT / ".ci" / "run").read_text()) == command


def test_ci_runs_the_quality_gates_after_installing_the_dev_extra():
    commands = _commands((ROOT / ".ci" / "run").read_text())
    assert commands[0] == "set -euo pipefail"  # any failing gate stops CI with its status
    for gate in GATES:
        assert gate in commands, f".ci/run does not run {gate!r}"
    install = commands.index('pip install -q -e ".[dev]"')  # the dev extra brings ruff and mypy
    assert all(install < commands.index(gate) for gate in GATES)
    # a gate's status is not swallowed (set -e does not stop at `cmd || true` or `cmd; true`)
    assert not [c for c in commands if any(c.startswith(g) and c != g for g in GATES)]
    assert commands.count(_readme_test_command()) == 1


def test_pre_commit_runs_the_same_gates():
    yaml = pytest.importorskip("yaml")  # PyYAML comes with pre-commit (the dev extra)
    config = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text())
    hooks = {hook["id"]: (repo, hook) for repo in config["repos"] for hook in repo["hooks"]}
    ruff_repo, _ = hooks["ruff-check"]
    assert ruff_repo["repo"] == "https://github.com/astral-sh/ruff-pre-commit"
    assert hooks["ruff-format"][1].get("args") == ["--check"]
    mypy_repo, mypy = hooks["mypy"]
    assert mypy_repo["repo"] == "local" and mypy["language"] == "system"
    assert mypy["entry"] == "mypy" and mypy["pass_filenames"] is False  # [tool.mypy]'s files
    tomllib = pytest.importorskip("tomllib")  # Python 3.11+
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    dev = pyproject["project"]["optional-dependencies"]["dev"]
    # pre-commit's ruff is the one the dev extra pins, so both format alike
    assert f"ruff>={ruff_repo['rev'].removeprefix('v')},<" in " ".join(dev)
    assert pyproject["tool"]["mypy"]["files"] == ["tinygrad_edu"]


def test_ci_derandomizes_hypothesis():
    script = (ROOT / ".ci" / "run").read_text()
    assert re.search(r"^export HYPOTHESIS_PROFILE=ci$", script, flags=re.M)
    assert settings.get_profile("ci").derandomize
    assert not settings.get_profile("dev").derandomize  # locally: new examples, printed seed


@pytest.mark.parametrize("ci_variable", ["", "true"])
def test_the_profiles_do_not_depend_on_the_ci_variable(ci_variable):
    # With CI set, hypothesis's own derandomized profile is the default; ours must not inherit it.
    code = (
        "import sys; sys.path.insert(0, 'tests'); import conftest; "
        "from hypothesis import settings; "
        "print([settings.get_profile(p).derandomize for p in ('ci', 'dev', 'thorough')])"
    )
    env = {k: v for k, v in os.environ.items() if k not in ("CI", "HYPOTHESIS_PROFILE")}
    if ci_variable:
        env["CI"] = ci_variable
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[True, False, False]"


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
