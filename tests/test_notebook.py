"""The Jupyter page (docs/viz/jupyter.md) executed as a real notebook, headless, with nbclient.

Each python block of the page is one cell. The test checks what the notebook displays: the graph
inline as SVG (or, without the graphviz program, the install hint and the DOT text instead of a
traceback), the backward trace, the interactive page in a frame, the cost curve and the decision
boundary as PNG images.
"""

from __future__ import annotations

import base64
import importlib.util
import os
import shutil
import sys
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")
pytest.importorskip("graphviz")
pytest.importorskip("matplotlib")

ROOT = Path(__file__).resolve().parents[1]
PAGE = ROOT / "docs" / "viz" / "jupyter.md"


def _page_cells() -> list[str]:
    spec = importlib.util.spec_from_file_location("check_docs", ROOT / "scripts" / "check_docs.py")
    check_docs = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("check_docs", check_docs)
    spec.loader.exec_module(check_docs)
    blocks = check_docs.parse(PAGE.read_text(encoding="utf-8"), str(PAGE))
    return [b.code for b in blocks if b.lang == "python"]


def run_notebook(tmp_path: Path, path_env: str) -> list[dict]:
    """Execute the page's cells as a notebook; return each code cell's outputs."""
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell(code) for code in _page_cells()]
    env = {**os.environ, "PATH": path_env, "PYTHONPATH": os.pathsep.join(
        [str(ROOT), os.environ.get("PYTHONPATH", "")])}  # fmt: skip
    client = nbclient.NotebookClient(
        notebook,
        timeout=300,
        kernel_name="python3",
        resources={"metadata": {"path": str(tmp_path)}},
    )
    client.execute(env=env)
    return [cell for cell in notebook.cells if cell.cell_type == "code"]


def cell_with(cells, text: str):
    (cell,) = [c for c in cells if text in c.source]
    errors = [o for o in cell.outputs if o.output_type == "error"]
    assert not errors, f"{text}: {errors[0].ename}: {errors[0].evalue}"
    return cell


def displayed(cell, mime: str) -> str:
    found = [o.data[mime] for o in cell.outputs if "data" in o and mime in o.data]
    assert found, (
        f"no {mime} output in {cell.source!r}: {[list(o.get('data', {})) for o in cell.outputs]}"
    )
    return found[-1]


@pytest.mark.skipif(shutil.which("dot") is None, reason="graphviz program 'dot' missing")
def test_the_jupyter_page_runs_as_a_notebook_and_displays_inline(tmp_path):
    cells = run_notebook(tmp_path, os.environ["PATH"])
    for cell in cells:
        assert not [o for o in cell.outputs if o.output_type == "error"], cell.source
    svg = displayed(cell_with(cells, "viz.to_dot(J"), "image/svg+xml")
    assert "<svg" in svg and "u = 6" in svg and "dc = 9" in svg
    trace = "".join(o.text for o in cell_with(cells, "trace_backward").outputs if "text" in o)
    assert "u → c:  dc = du · ∂u/∂c = du · b = 3 · 3 = 9" in trace
    page = displayed(cell_with(cells, "viz.explore(J"), "text/html")
    assert page.startswith("<iframe srcdoc=") and "dc = du · ∂u/∂c" in page
    for marker in ("viz.plot_costs(", "viz.plot_decision_boundary("):
        png = base64.b64decode(displayed(cell_with(cells, marker), "image/png"))
        assert png.startswith(b"\x89PNG") and len(png) > 10_000, marker


def test_without_the_dot_program_the_graph_cell_shows_the_hint_not_a_traceback(tmp_path):
    python_dir = str(Path(sys.executable).parent)  # the kernel itself must still start
    cells = run_notebook(tmp_path, python_dir)
    assert shutil.which("dot", path=python_dir) is None
    graph = cell_with(cells, "viz.to_dot(J")
    text = displayed(graph, "text/plain")
    assert "apt-get install graphviz" in text and "digraph" in text and "u = 6" in text
    assert "ExecutableNotFound" not in str(graph.outputs)
    # the page and the pictures need no graphviz program
    assert displayed(cell_with(cells, "viz.explore(J"), "text/html").startswith("<iframe")
    assert displayed(cell_with(cells, "viz.plot_costs("), "image/png")
