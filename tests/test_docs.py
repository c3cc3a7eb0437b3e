"""The documentation is tested: the site builds in strict mode and every code block in docs/ runs.

- ``test_page``: each page of ``docs/`` runs through ``scripts/check_docs.py`` (python blocks share
  globals per page; what they print must equal the ```text block after them; ``$ tinygrad-edu``
  console blocks run in-process). A block that the runner cannot run fails unless it is marked
  ``<!-- docs-test: skip REASON -->``.
- ``test_site_builds_strict``: ``mkdocs build --strict`` into a temporary folder, so a broken link,
  a missing page or a stale docstring parameter fails (skipped only where mkdocs is not installed).
- The rest keep the reference pages complete: every op class has a row in the op table and every
  module of the package has an API page.
- ``test_runner_*``: the runner itself catches what it must (so a passing page means something).
"""

from __future__ import annotations

import ast
import importlib.util
import re
import subprocess
import sys
from pathlib import Path

import pytest

import tinygrad_edu

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
PACKAGE = Path(tinygrad_edu.__file__).parent


def _load_runner():
    spec = importlib.util.spec_from_file_location("check_docs", ROOT / "scripts" / "check_docs.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["check_docs"] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


check_docs = _load_runner()
PAGES = sorted(DOCS.rglob("*.md"))


@pytest.mark.parametrize("page", PAGES, ids=[str(p.relative_to(DOCS)) for p in PAGES])
def test_page(page):
    result = check_docs.run_page(page)
    assert not result.mismatches, check_docs.describe(result)
    missing = []
    if result.skipped_for_data:
        sets = ", ".join(sorted(result.missing_data))
        missing.append(f"{result.skipped_for_data} need the data {sets} (set TINYGRAD_EDU_DATA)")
    if result.skipped_for_dot:
        missing.append(f"{result.skipped_for_dot} need the graphviz program dot")
    if missing:
        pytest.skip(f"{result.ran} block(s) ran and passed; {'; '.join(missing)}")


# Blocks whose last digit moves under check_docs.perturbed_math although correctly rounded math
# libraries all print it alike (a few operations, no training): the course's expected cost of
# week 2's propagate test, and log 2 (the cost of a network that predicts 0.5 everywhere).
_KNOWN_LAST_BIT = {
    "tutorial/06-logistic-backprop.md": "cost = 5.801545319394553",
    "reference/adding-an-op.md": "0.6931471805599453",
    "tutorial/14-initialization-course2.md": "0.6931471805599453",  # ln 2 = -log(0.5), exact
}


@pytest.mark.slow
@pytest.mark.parametrize("seed", [1, 2])
@pytest.mark.parametrize("page", PAGES, ids=[str(p.relative_to(DOCS)) for p in PAGES])
def test_page_does_not_depend_on_the_cpus_last_bit(page, seed):
    """Another CPU's numpy (AVX512 vs AVX2 vs NEON) computes exp/log/tanh with other last bits;
    long or chaotic trainings amplify them. A page prints only digits that survive that."""
    with check_docs.perturbed_math(seed):
        result = check_docs.run_page(page)
    known = _KNOWN_LAST_BIT.get(str(page.relative_to(DOCS)))
    result.mismatches = [m for m in result.mismatches if not (known and known in m[1])]
    assert not result.mismatches, (
        "these digits depend on the machine's floating-point math (see `python "
        "scripts/check_docs.py --perturb SEED`):\n" + check_docs.describe(result)
    )


def test_perturbed_math_moves_last_bits_and_restores_numpy():
    import numpy as np

    x = np.linspace(0.1, 3, 1000)
    exact = np.tanh(x)
    with check_docs.perturbed_math(1):
        moved = np.tanh(x)
        assert np.tanh(np.zeros(3)).tolist() == [0.0, 0.0, 0.0]  # exact results stay
    assert 0.1 < np.mean(moved != exact) < 0.6
    assert np.all(np.abs(moved - exact) <= np.spacing(exact))
    assert isinstance(np.tanh, np.ufunc)


def test_docs_exist():
    assert len(PAGES) >= 20, "the tutorial and reference pages are missing"


def test_site_builds_strict(tmp_path):
    pytest.importorskip("mkdocs")
    pytest.importorskip("mkdocstrings")
    proc = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(tmp_path / "site")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**__import__("os").environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    assert proc.returncode == 0, f"mkdocs build --strict failed:\n{proc.stdout}\n{proc.stderr}"
    assert (tmp_path / "site" / "index.html").is_file()


# -------------------------------------------------------------------------------------------------
# Reference pages stay complete
# -------------------------------------------------------------------------------------------------


def _op_classes() -> dict[str, str]:
    """Each public op class of the ops package and the first line of its docstring (the math)."""
    found = {}
    for path in sorted((PACKAGE / "ops").glob("*.py")):
        for node in ast.parse(path.read_text()).body:
            if isinstance(node, ast.ClassDef) and not node.name.startswith("_"):
                if node.name != "Function":
                    found[node.name] = (ast.get_docstring(node) or "").splitlines()[0]
    return found


def _squash(text: str) -> str:
    return " ".join(text.replace("``", "").replace("\\|", "|").split())


def test_every_op_has_a_row_in_the_op_table():
    table = (DOCS / "reference" / "ops.md").read_text()
    rows = dict(re.findall(r"^\|\s*`(\w+)`\s*\|[^|]*\|\s*`(.*)`\s*\|\s*$", table, flags=re.M))
    classes = _op_classes()
    missing, stale = set(classes) - set(rows), set(rows) - set(classes)
    assert not missing, f"ops classes without a row in docs/reference/ops.md: {sorted(missing)}"
    assert not stale, f"docs/reference/ops.md rows for classes not in ops/: {sorted(stale)}"
    for name, math in rows.items():
        assert _squash(math) == _squash(classes[name]), (
            f"docs/reference/ops.md: the row of {name} says {math!r}, but the first line of "
            f"ops.{name}'s docstring is {classes[name]!r}; copy it into the row"
        )


def test_architecture_page_lists_the_layers_in_order():
    """The architecture table follows tests/test_layering.py's ORDER, for the modules that exist."""
    path = ROOT / "tests" / "test_layering.py"
    spec = importlib.util.spec_from_file_location("test_layering", path)
    layering = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(layering)
    existing = {p.stem for p in PACKAGE.glob("*.py")}
    existing |= {p.name for p in PACKAGE.iterdir() if p.is_dir()}
    expected = [m for m in layering.ORDER if m in existing and m != "__main__"]
    page = (DOCS / "reference" / "architecture.md").read_text()
    rows = re.findall(r"^\|\s*\d+\s*\|\s*`(\w+)`\s*\|.*\|(.*)\|\s*$", page, flags=re.M)
    listed = [module for module, _ in rows]
    assert listed == expected, (
        f"docs/reference/architecture.md lists the modules as {listed}; the layering test's order "
        f"of the modules that exist is {expected}"
    )
    for module, imports_cell in rows:
        documented = set(re.findall(r"`(\w+)`", imports_cell))
        actual = _package_imports(module)
        assert documented == actual, (
            f"docs/reference/architecture.md: the row of {module} says it imports "
            f"{sorted(documented) or 'nothing'}, but its source imports "
            f"{sorted(actual) or 'nothing'}"
        )


def _package_imports(module: str) -> set[str]:
    """The tinygrad_edu modules that ``module`` (a module or a subpackage) imports."""
    paths = [PACKAGE / f"{module}.py"] if (PACKAGE / f"{module}.py").exists() else []
    paths += sorted((PACKAGE / module).glob("*.py")) if (PACKAGE / module).is_dir() else []
    found = set()
    for path in paths:
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("tinygrad_edu"):
                if node.module == "tinygrad_edu":
                    found.update(a.name for a in node.names)
                else:
                    found.add(node.module.split(".")[1])
            elif isinstance(node, ast.Import):
                found.update(
                    a.name.split(".")[1] for a in node.names if a.name.startswith("tinygrad_edu.")
                )
    return found - {module}


def test_every_module_has_an_api_page():
    documented = set()
    for page in (DOCS / "api").glob("*.md"):
        documented.update(re.findall(r"^::: (tinygrad_edu[\w.]*)", page.read_text(), flags=re.M))
    modules = {"tinygrad_edu"}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE).with_suffix("").parts
        if parts[-1] == "__main__" or any(p.startswith("_") and p != "__init__" for p in parts):
            continue
        parts = parts[:-1] if parts[-1] == "__init__" else parts
        modules.add(".".join(("tinygrad_edu", *parts)))
    missing = sorted(modules - documented)
    assert not missing, f"modules without an API page under docs/api/ (add '::: name'): {missing}"


# -------------------------------------------------------------------------------------------------
# The runner catches what it must
# -------------------------------------------------------------------------------------------------


def _run(tmp_path, text):
    page = tmp_path / "page.md"
    page.write_text(text)
    return check_docs.run_page(page, have_data=False)


def test_runner_accepts_matching_output_and_shares_globals(tmp_path):
    page = "```python\nx = 2\n```\n\n```python\nprint(x * 21)\n```\n\n```text\n42\n```\n"
    result = _run(tmp_path, page)
    assert result.ran == 2 and not result.mismatches


def test_runner_reports_wrong_output(tmp_path):
    result = _run(tmp_path, "```python\nprint(1 + 1)\n```\n\n```text\n3\n```\n")
    assert len(result.mismatches) == 1
    assert "the page shows" in check_docs.describe(result)


def test_runner_reports_output_the_page_does_not_show(tmp_path):
    result = _run(tmp_path, "```python\nprint('surprise')\n```\n")
    assert len(result.mismatches) == 1


def test_runner_checks_exceptions_like_a_doctest(tmp_path):
    ok = (
        "```python\n1 / 0\n```\n\n```text\nTraceback (most recent call last):\n  ...\n"
        "ZeroDivisionError: division by zero\n```\n"
    )
    assert not _run(tmp_path, ok).mismatches
    assert len(_run(tmp_path, "```python\n1 / 0\n```\n").mismatches) == 1


def test_runner_refuses_unmarked_blocks(tmp_path):
    with pytest.raises(check_docs.DocsError, match="docs-test: skip"):
        _run(tmp_path, "```bash\npip install tinygrad_edu\n```\n")
    with pytest.raises(check_docs.DocsError, match="needs a reason"):
        _run(tmp_path, "<!-- docs-test: skip -->\n```bash\nls\n```\n")
    result = _run(tmp_path, "<!-- docs-test: skip shell -->\n```bash\nls\n```\n")
    assert result.ran == 0 and not result.mismatches


def test_runner_skips_the_rest_of_a_page_without_data(tmp_path):
    text = (
        "```python\nx = 1\n```\n\n<!-- docs-test: needs-data -->\n```python\nx = load()\n```\n\n"
        "```python\nprint(x)\n```\n"
    )
    result = _run(tmp_path, text)
    assert result.ran == 1 and result.skipped_for_data == 2 and not result.mismatches


def test_needs_data_names_the_data_set_and_skips_only_without_it(tmp_path):
    page = tmp_path / "page.md"
    page.write_text(
        "```python\nx = 1\n```\n\n<!-- docs-test: needs-data dinos -->\n```python\nx = 2\n```\n"
        "\n<!-- docs-test: needs-data -->\n```python\nprint(x)\n```\n\n```text\n2\n```\n"
    )
    everything = check_docs.run_page(page, have_data=True)
    assert everything.ran == 3 and not everything.mismatches and not everything.missing_data
    no_dinos = check_docs.run_page(page, have_data={"catvnoncat", "course2"})
    assert no_dinos.ran == 1 and no_dinos.skipped_for_data == 2  # that block and the rest
    assert no_dinos.missing_data == {"dinos"}
    [_, dinos, cats] = check_docs.parse(page.read_text())
    assert dinos.data == ("dinos",) and cats.data == ("catvnoncat",)  # no name: the cat files
    with pytest.raises(check_docs.DocsError, match="unknown data sets"):
        check_docs.parse("<!-- docs-test: needs-data cats -->\n```python\nx = 1\n```\n")


def test_the_runner_finds_each_data_set_by_the_packages_rule(tmp_path, monkeypatch):
    from tinygrad_edu.data import DATA_SETS

    assert set(DATA_SETS) == set(check_docs.DATA_SET_NAMES)
    for name, files in DATA_SETS.items():
        (tmp_path / name).mkdir()
        for file in files:
            (tmp_path / name / file).write_bytes(b"")
    for setting in ("", "catvnoncat"):  # the parent, or the cats' folder (as CI sets it)
        monkeypatch.setenv("TINYGRAD_EDU_DATA", str(tmp_path / setting))
        assert all(check_docs.data_available(name) for name in DATA_SETS)
    (tmp_path / "dinos" / "dinos.txt").unlink()
    assert not check_docs.data_available("dinos") and check_docs.data_available("course2")


def test_runner_refuses_other_console_commands(tmp_path):
    pytest.importorskip("tinygrad_edu.cli")
    with pytest.raises(check_docs.DocsError, match="only 'tinygrad-edu"):
        _run(tmp_path, "```console\n$ rm -rf build\n```\n")


def test_runner_examples():
    import doctest

    failures, attempted = doctest.testmod(check_docs, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert failures == 0
    assert attempted >= 4  # parse, fence_doctests and fence_rst_tables: none was lost
