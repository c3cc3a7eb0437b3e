"""An interactive page of a computation graph: click nodes, step forward and backward, nudge.

Layer: ``viz``. ``explore(J, names=locals())`` returns an ``Explorer``: one self-contained HTML
page (graphviz's SVG, the styles and the script inline; it loads nothing from the network) that
``.save("J.html")`` writes and Jupyter displays inline. In it a learner can

- click a node to see its value, gradient, shape, dtype, the op's math and its local derivatives;
- press "step" (and "back") to walk the forward pass, left to right, and then the backward pass in
  the engine's order (``trace_backward``), each step highlighting its nodes and edge and showing
  the product that produced the new gradient, which appears on the node when it is complete;
- see NaN and Inf marked;
- nudge a leaf of a small graph by ε and see every value downstream change, with J's change next
  to the gradient's prediction dJ/dleaf · ε (the course's "nudge a by 0.001, J moves by 0.003");
- open a large model collapsed by layer and expand one layer at a time.

Every number on the page is computed here, in Python, by the engine's own ops: the page's script
only shows and hides.
"""

from __future__ import annotations

import copy
import html
import json
import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

from tinygrad_edu.tensor import Tensor
from tinygrad_edu.viz.graph import (
    _GRAD_COLOR,
    _INSTALL_GRAPHVIZ,
    _assign_groups,
    _build,
    _clean,
    _describe,
    _finite,
    _groups,
    _kind,
    _leaf_kind,
    _which_dot,
    _write_atomic,
)
from tinygrad_edu.viz.trace import (
    BackwardTrace,
    _formula_of,
    _number,
    _paren_negative,
    backward_steps,
    op_math,
)

EPSILONS = (-0.1, -0.01, -0.001, 0.001, 0.01, 0.1)  # the nudges offered (the course's is 0.001)
NUDGE_MAX_NODES = 80  # nudging replays the forward pass once per leaf and ε: small graphs only
NUDGE_MAX_ELEMENTS = 200_000  # numbers in the whole graph
COLLAPSE_ABOVE = 25  # a graph with more drawn nodes than this opens collapsed by layer


class Explorer:
    """A self-contained HTML page exploring one graph (what ``explore`` returns).

    ``html`` is the page; ``save(path)`` writes it; Jupyter shows it inline (in an iframe, so its
    styles and script cannot touch the notebook's).
    """

    def __init__(self, page: str, title: str):
        self.html = page
        self.title = title

    def save(self, path: str | os.PathLike) -> Path:
        """Write the page to ``path`` (a ``.html`` file, written whole or not at all).

        Raises:
            ValueError: ``path`` does not end in .html, or is a folder.
        """
        path = Path(path)
        if path.suffix.lower() not in (".html", ".htm"):
            raise ValueError(f"explore: expected a .html file name, got {_clean(path.name)}.")
        if path.is_dir():
            raise ValueError(f"explore: {_clean(str(path))} is a folder; name a .html file.")
        path.parent.mkdir(parents=True, exist_ok=True)
        _write_atomic(path, self.html.encode("utf-8"))
        return path

    def _repr_html_(self) -> str:
        return (
            f'<iframe srcdoc="{html.escape(self.html, quote=True)}" '
            f'title="{html.escape(self.title, quote=True)}" '
            'style="width: 100%; height: 720px; border: 1px solid #ddd; border-radius: 4px">'
            "</iframe>"
        )

    def __repr__(self) -> str:
        return f"<Explorer of {self.title}: {len(self.html):,} characters of HTML>"


def _module_in(names: Mapping[str, Any] | None) -> Any:
    """The first module (anything with ``named_children`` and parameters) in ``names``."""
    if not isinstance(names, Mapping):
        return None
    for key, value in names.items():
        if not isinstance(key, str) or key.startswith("_") or isinstance(value, type):
            continue
        if callable(getattr(value, "named_children", None)) and callable(
            getattr(value, "named_parameters", None)
        ):
            return value
    return None


def _text(a: np.ndarray) -> str:
    """A value for the page: a number, a small array in full, or a summary with the shape."""
    if a.size == 1:
        return _number(a.reshape(-1)[0])
    if a.size <= 36 and a.dtype.kind in "fiub":
        with np.printoptions(precision=4, suppress=True, linewidth=72):
            return np.array2string(a, separator=", ")
    return f"{a.shape}: {_describe(a)}"


def _bad(a: np.ndarray | None) -> str:
    if a is None or _finite(a):
        return ""
    values = a.astype(np.float64)
    parts = []
    if np.isnan(values).any():
        parts.append(f"{int(np.isnan(values).sum())} NaN")
    if np.isinf(values).any():
        parts.append(f"{int(np.isinf(values).sum())} Inf")
    return " and ".join(parts)


def _nodes(trace: BackwardTrace, root: Tensor) -> list[dict]:
    """What the page shows when a node is clicked."""
    locals_of: dict[int, list[str]] = {}
    for step in trace.steps:
        for edge in step.edges:
            parent = trace.names[edge.parent]
            node = trace.names[edge.node]
            local = edge.local  # an array whenever local_formula is set
            if edge.local_formula is not None and local is not None:
                value = _text(local) if local.size != 1 else _number(local.item())
                constant = local.size > 1 and bool(np.all(local == local.flat[0]))
                if constant:
                    value = _number(local.flat[0])
                text = f"\u2202{node}/\u2202{parent} = {edge.local_formula}"
                if value != edge.local_formula:
                    text += f" = {value}"
            else:
                text = f"d{parent} = {edge.rule}  (the op's rule)"
            locals_of.setdefault(edge.node, []).append(text)
    out = []
    for i, t in enumerate(trace.nodes):
        grad = trace.grads.get(i)
        kind = _kind(t, root)
        out.append(
            {
                "name": trace.names[i],
                "kind": _leaf_kind(t, kind) if t._op is None else kind,
                "op": t._op.name if t._op is not None else None,
                "math": _clean(op_math(t._op)) if t._op is not None else "",
                "formula": trace.formula(i) if t._op is not None else "",
                "shape": "scalar" if t.ndim == 0 else str(t.shape),
                "dtype": str(t.dtype),
                "value": _text(t.data),
                "grad": None if grad is None else _text(grad),
                "badValue": _bad(t.data),
                "badGrad": _bad(grad),
                "parents": [trace._index(p) for p in t._parents],
                "locals": locals_of.get(i, []),
            }
        )
    return out


def _forward_steps(trace: BackwardTrace) -> list[dict]:
    steps: list[dict] = []
    leaves = [
        f"{trace.names[i]} = {_text(t.data)}"
        for i, t in enumerate(trace.nodes)
        if t._op is None and t.requires_grad
    ]
    shown = ", ".join(leaves[:8]) + (", ..." if len(leaves) > 8 else "")
    steps.append(
        {
            "phase": "start",
            "node": None,
            "parents": [],
            "title": "the inputs",
            "text": f"The leaves hold the inputs: {shown}. Press step (or →) to run the forward "
            "pass, one op at a time.",
            "reveal": [],
        }
    )
    ops = [i for i, t in enumerate(trace.nodes) if t._op is not None]
    for k, i in enumerate(ops, start=1):
        t = trace.nodes[i]
        parents = [trace._index(p) for p in t._parents]
        formula = trace.formula(i)
        text = f"{trace.names[i]} = {formula}"
        values = [trace.nodes[p].data for p in parents]
        if t.size == 1 and all(v.size == 1 for v in values):
            numbers = [_paren_negative(_number(v.reshape(-1)[0])) for v in values]
            with_values = _formula_of(t, numbers)
            if with_values and with_values != formula:
                text += f" = {with_values}"
            text += f" = {_number(t.data.reshape(-1)[0])}"
        else:
            text += f"\n{trace.names[i]}: {_text(t.data)}"
        steps.append(
            {
                "phase": "forward",
                "node": i,
                "parents": parents,
                "title": f"forward {k} of {len(ops)}: {trace.names[i]}",
                "text": text,
                "reveal": [],
            }
        )
    return steps


def _backward_steps(trace: BackwardTrace) -> list[dict]:
    root = trace.root
    steps = [
        {
            "phase": "backward",
            "node": root,
            "parents": [],
            "title": "backward starts",
            "text": f"Backward starts at {trace.names[root]}: {trace.grad_name(root)} = "
            f"{_text(trace.steps[0].upstream)} (d{trace.names[root]}/d{trace.names[root]}). "
            "From here the gradients flow right to left, in the order the engine runs them.",
            "reveal": [root],
        }
    ]
    edges_total = sum(len(s.edges) for s in trace.steps)
    count = 0
    for step in trace.steps:
        if step.leaf:
            name = trace.names[step.node]
            steps.append(
                {
                    "phase": "backward",
                    "node": step.node,
                    "parents": [],
                    "title": f"{name} is a leaf",
                    "text": f"{name} is a leaf: backward stores its gradient in {name}.grad = "
                    f"{trace.grad_name(step.node)} = {_text(step.upstream)}",
                    "reveal": [],
                }
            )
            continue
        for edge in step.edges:
            count += 1
            lines = trace._edge_lines(edge, "")
            steps.append(
                {
                    "phase": "backward",
                    "node": edge.node,
                    "parents": [edge.parent],
                    "edge": [edge.parent, edge.node],
                    "title": f"backward {count} of {edges_total}: "
                    f"{trace.names[edge.node]} \u2192 {trace.names[edge.parent]}",
                    "text": "\n".join(
                        line.strip() if k == 0 else line for k, line in enumerate(lines)
                    ),  # fmt: skip
                    "reveal": [edge.parent] if edge.final else [],
                    "hint": f"The gradient flows back along the red dashed edge, from "
                    f"{trace.names[edge.node]} to {trace.names[edge.parent]} (against the arrow "
                    f"of the forward pass)."
                    + (
                        ""
                        if edge.final
                        else f" {trace.names[edge.parent]} is used more than "
                        "once: its gradient is not complete yet."
                    ),  # fmt: skip
                }
            )
    leaves = [i for i, t in enumerate(trace.nodes) if t._op is None and i in trace.grads]
    steps.append(
        {
            "phase": "done",
            "node": None,
            "parents": [],
            "title": "done",
            "text": "Every gradient is complete: "
            + ",  ".join(f"{trace.grad_name(i)} = {_text(trace.grads[i])}" for i in leaves),
            "reveal": [],
        }
    )
    return steps


def _nudges(trace: BackwardTrace) -> dict:
    """For each leaf that requires grad: the forward pass re-run with its first element + ε."""
    nodes = trace.nodes
    total = sum(t.size for t in nodes)
    if len(nodes) > NUDGE_MAX_NODES or total > NUDGE_MAX_ELEMENTS:
        return {
            "why": f"Nudging is offered for small graphs (at most {NUDGE_MAX_NODES} nodes and "
            f"{NUDGE_MAX_ELEMENTS:,} numbers); this one has {len(nodes)} nodes and "
            f"{total:,} numbers.",
            "leaves": [],
        }
    root = trace.root
    if nodes[root].size != 1:
        return {"why": "Nudging compares J's change with dJ/dleaf · ε: J must be one number.",
                "leaves": []}  # fmt: skip
    leaves = []
    for leaf, t in enumerate(nodes):
        if t._op is not None or not t.requires_grad or leaf not in trace.grads:
            continue
        position = np.unravel_index(0, t.shape) if t.ndim else ()
        label = trace.names[leaf] + (f"[{', '.join(map(str, position))}]" if t.ndim else "")
        grad0 = float(np.asarray(trace.grads[leaf]).reshape(-1)[0])
        by_eps = {}
        for eps in EPSILONS:
            values = {i: n.data for i, n in enumerate(nodes)}
            changed = np.array(t.data, dtype=np.float64 if t.dtype.kind != "f" else t.dtype)
            changed.reshape(-1)[0] += eps
            values[leaf] = changed
            rows = []
            with np.errstate(all="ignore"):
                for i, n in enumerate(nodes):
                    if n._op is None:
                        continue
                    parents = [values[trace._index(p)] for p in n._parents]
                    values[i] = np.asarray(copy.copy(n._op).forward(*parents))
            for i, n in enumerate(nodes):
                if i == leaf or not np.array_equal(values[i], n.data, equal_nan=True):
                    new = values[i]
                    if n.size == 1:
                        before = float(n.data.reshape(-1)[0])
                        after = float(new.reshape(-1)[0])
                        rows.append([i, _number(before), f"{after:.6g}", f"{after - before:+.6g}"])
                    else:
                        delta = np.abs(new.astype(np.float64) - n.data.astype(np.float64))
                        rows.append(
                            [i, _text(n.data), _text(new), f"max |change| {delta.max():.3g}"]
                        )
            before_j = float(nodes[root].data.reshape(-1)[0])
            after_j = float(values[root].reshape(-1)[0])
            by_eps[repr(eps)] = {
                "rows": rows,
                "dJ": f"{after_j - before_j:+.6g}",
                "predicted": f"{grad0 * eps:+.6g}",
                "gap": f"{(after_j - before_j) - grad0 * eps:+.2g}",
            }
        leaves.append({"index": leaf, "label": label, "grad": f"{grad0:.6g}", "eps": by_eps})
    why = "" if leaves else "No leaf of this graph requires grad, so there is nothing to nudge."
    return {"why": why, "leaves": leaves, "root": trace.names[root]}


def _svg(dot) -> str:
    """graphviz's SVG without its XML prologue (inlined into the page)."""
    text = dot.pipe(format="svg", encoding="utf-8")
    text = text[text.index("<svg") :]
    # Inline SVG needs no namespace declarations (HTML's parser knows them); without them the page
    # holds no URL at all, which makes "it loads nothing" easy to check.
    return re.sub(r'\s+xmlns(:xlink)?="[^"]*"', "", text, count=2)


def _views(tensor, trace, names, collapse, max_nodes) -> tuple[list[dict], int, str]:
    """The pictures of the graph: every node, collapsed by layer, and each layer expanded."""
    if _which_dot() is None:
        why = "The graph cannot be drawn here: the graphviz program 'dot' is missing. "
        return [], 0, why + _INSTALL_GRAPHVIZ
    grads = {id(trace.nodes[i]): g for i, g in trace.grads.items()}
    views = []
    drawn = sum(1 for t in trace.nodes if t._op is not None or t.requires_grad)
    rankdir = "LR" if drawn <= COLLAPSE_ABOVE else "TB"  # a long chain reads better top-down
    dot, ids = _build(tensor, names=names, grads=grads, max_nodes=max_nodes, rankdir=rankdir)
    full_size = len(set(ids.values()))
    if ids:
        views.append({"label": "every node", "svg": _svg(dot), "map": ids, "group": None})
    start = 0
    if collapse is not None:
        _, groups = _assign_groups(trace.nodes, collapse)
        dot, ids = _build(tensor, names=names, grads=grads, collapse=collapse,
                          max_nodes=max_nodes, rankdir="TB")  # fmt: skip
        if ids:
            if full_size > COLLAPSE_ABOVE or not views:
                start = len(views)
            views.append({"label": "by layer", "svg": _svg(dot), "map": ids, "group": None})
            for g, (label, _) in enumerate(groups):
                dot, ids = _build(tensor, names=names, grads=grads, collapse=collapse,
                                  expand=(g,), max_nodes=max_nodes, rankdir="TB")  # fmt: skip
                if ids:
                    views.append({"label": f"{_clean(label)} expanded", "svg": _svg(dot),
                                  "map": ids, "group": f"layer{g}"})  # fmt: skip
    if not views:
        return [], 0, f"The graph is too large to draw (more than max_nodes={max_nodes} nodes)."
    return views, start, ""


def explore(
    tensor: Tensor,
    *,
    names: Mapping[str, Any] | None = None,
    collapse: Any = None,
    gradient: Any = None,
    max_nodes: int = 200,
) -> Explorer:
    """An interactive page of ``tensor``'s graph: click, step forward and backward, nudge.

    The page is self-contained (no network access when opened): graphviz's SVG, the styles and
    the script are inline. ``.save("J.html")`` writes it; in Jupyter the returned object displays
    inline. It needs the graphviz program ``dot`` for the picture (without it the page still steps
    through the passes and says how to install graphviz). Nothing in the graph is changed: the
    gradients shown are computed by replaying the backward pass (``backward_steps``), before or
    after ``backward()``.

    Args:
        tensor: the output, usually the cost J (a single number; see ``gradient`` otherwise).
        names: a mapping such as ``locals()`` naming tensors (and modules' parameters).
        collapse: an ``nn.Module`` (or ``{label: module}``) to offer a view by layer; by default
            a module found in ``names``. Graphs with more than ``COLLAPSE_ABOVE`` nodes open by
            layer, and each layer can be expanded.
        gradient: dJ/dtensor when ``tensor`` is not a single number.
        max_nodes: the largest picture drawn node by node.

    Returns:
        An ``Explorer`` (``.html``, ``.save(path)``).

    Raises:
        TypeError: ``tensor`` is not a Tensor.
        RuntimeError: as ``backward_steps``: nothing to differentiate, or a non-scalar without
            ``gradient``.

    >>> import tinygrad_edu as tg
    >>> a, b, c = (tg.Tensor(v, requires_grad=True) for v in (5.0, 3.0, 2.0))
    >>> u = b * c; v = a + u; J = 3 * v
    >>> page = explore(J, names=locals())
    >>> "dc = du · ∂u/∂c = du · b = 3 · 3 = 9" in page.html and "http://" not in page.html
    True
    """
    if not isinstance(tensor, Tensor):
        raise TypeError(f"explore: expected a Tensor, got {type(tensor).__name__}.")
    if collapse is None:
        collapse = _module_in(names)
        if collapse is not None and not _groups(collapse):
            collapse = None
    # With a module, the trace names its tensors as the course does (W1, b1, Z1, A1, ...).
    trace = backward_steps(tensor, names=names, gradient=gradient, collapse=collapse)
    views, start, picture_note = _views(tensor, trace, names, collapse, max_nodes)
    root_name = trace.names[trace.root]
    title = f"{root_name} = {_text(tensor.data)}"
    data = {
        "title": title,
        "root": trace.root,
        "nodes": _nodes(trace, tensor),
        "steps": _forward_steps(trace) + _backward_steps(trace),
        "views": views,
        "startView": start,
        "pictureNote": picture_note,
        "nudge": _nudges(trace),
        "gradColor": _GRAD_COLOR,
    }
    return Explorer(_page(data), title)


def _page(data: dict) -> str:
    # "<" is escaped inside the JSON so no name can close the script element ("</script>").
    payload = json.dumps(data, ensure_ascii=False).replace("<", "\\u003c")
    title = html.escape(f"tinygrad_edu explorer: {data['title']}")
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{title}</title>\n"
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<style>{_CSS}</style>\n</head>\n<body>\n{_BODY}\n"
        f'<script type="application/json" id="tg-data">{payload}</script>\n'
        f"<script>{_SCRIPT}</script>\n</body>\n</html>\n"
    )


_CSS = """
:root { --grad: #c62828; --fwd: #1565c0; --hi: #ef6c00; --muted: #555; }
* { box-sizing: border-box; }
body { font-family: -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; margin: 0;
       color: #222; background: #fafafa; }
header { padding: 8px 14px; background: #fff; border-bottom: 1px solid #ddd; display: flex;
         flex-wrap: wrap; gap: 8px; align-items: center; }
header h1 { font-size: 16px; margin: 0 12px 0 0; }
button { font: inherit; font-size: 13px; padding: 4px 10px; border: 1px solid #bbb;
         border-radius: 4px; background: #fff; cursor: pointer; }
button:hover { background: #f0f0f0; }
button.on { background: #e3f2fd; border-color: var(--fwd); }
button:disabled { opacity: .45; cursor: default; }
#tg-counter { font-size: 13px; color: var(--muted); min-width: 14em; }
#tg-bad { color: var(--grad); font-weight: bold; font-size: 13px; }
main { display: flex; flex-wrap: wrap; gap: 10px; padding: 10px; }
#tg-graph { flex: 3 1 520px; background: #fff; border: 1px solid #ddd; border-radius: 4px;
            overflow: auto; max-height: 78vh; padding: 6px; }
#tg-graph svg { max-width: 100%; height: auto; }
#tg-side { flex: 1 1 380px; display: flex; flex-direction: column; gap: 10px; min-width: 280px; }
section { background: #fff; border: 1px solid #ddd; border-radius: 4px; padding: 8px 10px; }
section h2 { font-size: 13px; margin: 0 0 6px; color: var(--muted); text-transform: uppercase;
             letter-spacing: .04em; }
#tg-hint { margin-top: 6px; }
pre { white-space: pre-wrap; word-break: break-word; font-size: 14px; margin: 0;
      font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; }
#tg-narration.backward { border-left: 4px solid var(--grad); padding-left: 6px; }
#tg-narration.forward { border-left: 4px solid var(--fwd); padding-left: 6px; }
table { border-collapse: collapse; font-size: 12px; width: 100%; }
td, th { border-bottom: 1px solid #eee; padding: 2px 4px; text-align: left; vertical-align: top; }
dl { margin: 0; font-size: 13px; display: grid; grid-template-columns: auto 1fr; gap: 2px 8px; }
dt { color: var(--muted); }
dd { margin: 0; font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; white-space: pre-wrap;
     word-break: break-word; }
.tg-note { font-size: 12px; color: var(--muted); }
g.node { cursor: pointer; }
g.node.tg-dim { opacity: .22; }
g.node.tg-input > polygon, g.node.tg-input > path, g.node.tg-input > ellipse {
  stroke: var(--hi); stroke-width: 2.5px; stroke-dasharray: 5 3; }
g.node.tg-selected > polygon, g.node.tg-selected > path, g.node.tg-selected > ellipse {
  stroke: #6a1b9a; stroke-width: 3px; }
g.node.tg-bad > polygon, g.node.tg-bad > path, g.node.tg-bad > ellipse {
  stroke: var(--grad); stroke-width: 3.5px; }
g.node.tg-changed > polygon, g.node.tg-changed > path, g.node.tg-changed > ellipse {
  stroke: #2e7d32; stroke-width: 4px; }
g.node.tg-current > polygon, g.node.tg-current > path, g.node.tg-current > ellipse {
  stroke: var(--hi); stroke-width: 4px; }
g.edge.tg-edge-fwd path { stroke: var(--fwd); stroke-width: 3.5px; }
g.edge.tg-edge-fwd polygon { fill: var(--fwd); stroke: var(--fwd); }
g.edge.tg-edge-bwd path { stroke: var(--grad); stroke-width: 3.5px; stroke-dasharray: 7 4; }
g.edge.tg-edge-bwd polygon { fill: var(--grad); stroke: var(--grad); }
text.tg-hidden { visibility: hidden; }
"""

_BODY = """
<header>
  <h1 id="tg-title"></h1>
  <button id="tg-first" title="back to the start (Home)">|&#9664;</button>
  <button id="tg-back" title="one step back (left arrow)">&#9664; back</button>
  <button id="tg-step" title="one step (right arrow)">step &#9654;</button>
  <button id="tg-last" title="to the end (End)">&#9654;|</button>
  <span id="tg-counter"></span>
  <span id="tg-views"></span>
  <span id="tg-bad"></span>
</header>
<main>
  <div id="tg-graph"></div>
  <div id="tg-side">
    <section><h2>This step</h2><pre id="tg-narration"></pre>
      <div id="tg-hint" class="tg-note"></div></section>
    <section><h2>Node</h2><div id="tg-details"><span class="tg-note">Click a node of the
      graph.</span></div></section>
    <section id="tg-nudge-box"><h2>Nudge a leaf</h2><div id="tg-nudge"></div></section>
  </div>
</main>
"""

_SCRIPT = r"""
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("tg-data").textContent);
  var nodes = data.nodes, steps = data.steps, views = data.views;
  var state = { step: 0, view: data.startView, selected: null, nudged: null };
  function $(id) { return document.getElementById(id); }
  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = text;
    if (cls) e.className = cls;
    return e;
  }
  $("tg-title").textContent = data.title;

  // -- views: the SVG pictures, and which picture node shows each tensor -------------------------
  var holders = views.map(function (view, v) {
    var holder = el("div");
    holder.innerHTML = view.svg;  // graphviz's own SVG, generated in Python
    holder.style.display = "none";
    var svg = holder.querySelector("svg");
    if (svg) {  // small graphs drawn larger than graphviz's size, large ones shrunk to fit
      var natural = parseFloat(svg.getAttribute("width")) * 4 / 3;  // graphviz gives points
      var room = $("tg-graph").clientWidth - 16;
      svg.style.width = (natural < room ? Math.min(room, natural * 1.8) : natural) + "px";
      svg.removeAttribute("height");
    }
    holder.setAttribute("data-view", String(v));
    $("tg-graph").appendChild(holder);
    var byTitle = {}, edges = {};
    holder.querySelectorAll("g.node").forEach(function (g) {
      var title = g.querySelector("title").textContent;
      byTitle[title] = g;
      g.setAttribute("data-title", title);
      g.addEventListener("click", function () { clickNode(v, title); });
      g.querySelectorAll("text").forEach(function (t) {
        if (t.getAttribute("fill") === data.gradColor && t.textContent !== "NaN/Inf!") {
          t.classList.add("tg-grad");
        }
      });
    });
    holder.querySelectorAll("g.edge").forEach(function (g) {
      var title = g.querySelector("title").textContent.replace("\u2192", "->");
      (edges[title] = edges[title] || []).push(g);
    });
    var members = {};
    Object.keys(view.map).forEach(function (i) {
      (members[view.map[i]] = members[view.map[i]] || []).push(Number(i));
    });
    return { holder: holder, byTitle: byTitle, edges: edges, members: members, map: view.map };
  });
  if (!views.length) {
    var note = el("div", data.pictureNote, "tg-note");
    $("tg-graph").appendChild(note);
    var list = el("div");
    nodes.forEach(function (n, i) {
      var b = el("button", n.name);
      b.setAttribute("data-node", String(i));
      b.style.margin = "2px";
      b.addEventListener("click", function () { showDetails(i); });
      list.appendChild(b);
    });
    $("tg-graph").appendChild(list);
  }
  views.forEach(function (view, v) {
    if (views.length < 2) return;
    var b = el("button", view.label);
    b.id = "tg-view-" + v;
    b.addEventListener("click", function () { state.view = v; render(); });
    $("tg-views").appendChild(b);
  });

  // -- NaN / Inf ----------------------------------------------------------------------------------
  var bad = [];
  nodes.forEach(function (n) {
    if (n.badValue) bad.push(n.name + " (value: " + n.badValue + ")");
    if (n.badGrad) bad.push("d" + n.name + " (" + n.badGrad + ")");
  });
  if (bad.length) $("tg-bad").textContent = "NaN/Inf in " + bad.join(", ");

  // -- the state after a step: which values and gradients exist ---------------------------------
  function computedAt(k) {
    var done = {};
    nodes.forEach(function (n, i) { if (!n.op) done[i] = true; });
    for (var s = 0; s <= k; s++) if (steps[s].phase === "forward") done[steps[s].node] = true;
    if (steps[k].phase !== "forward" && steps[k].phase !== "start") {
      nodes.forEach(function (n, i) { done[i] = true; });
    }
    return done;
  }
  function revealedAt(k) {
    var shown = {};
    for (var s = 0; s <= k; s++) steps[s].reveal.forEach(function (i) { shown[i] = true; });
    if (steps[k].phase === "done") nodes.forEach(function (n, i) { shown[i] = true; });
    for (var s2 = 0; s2 <= k; s2++) {
      if (steps[s2].phase === "backward" && steps[s2].title.indexOf("is a leaf") > 0) {
        shown[steps[s2].node] = true;
      }
    }
    return shown;
  }

  function render() {
    var k = state.step, step = steps[k];
    var done = computedAt(k), shown = revealedAt(k);
    holders.forEach(function (h, v) {
      h.holder.style.display = v === state.view ? "" : "none";
      var b = $("tg-view-" + v);
      if (b) b.classList.toggle("on", v === state.view);
    });
    var h = holders[state.view];
    if (h) {
      Object.keys(h.byTitle).forEach(function (title) {
        var g = h.byTitle[title], members = h.members[title] || [];
        var ops = members.filter(function (i) { return nodes[i].op; });
        var dim = ops.length > 0 && ops.every(function (i) { return !done[i]; });
        var graded = members.filter(function (i) { return nodes[i].grad !== null; });
        var hide = graded.length > 0 && !graded.every(function (i) { return shown[i]; });
        g.classList.toggle("tg-dim", dim);
        g.querySelectorAll("text.tg-grad").forEach(function (t) {
          t.classList.toggle("tg-hidden", hide);
        });
        g.classList.toggle("tg-bad", members.some(function (i) {
          return nodes[i].badValue || (nodes[i].badGrad && shown[i]);
        }));
        g.classList.remove("tg-current", "tg-input", "tg-selected", "tg-changed");
      });
      Object.keys(h.edges).forEach(function (t) {
        h.edges[t].forEach(function (g) { g.classList.remove("tg-edge-fwd", "tg-edge-bwd"); });
      });
      var mark = function (i, cls) {
        var title = h.map[i];
        if (title !== undefined && h.byTitle[title]) h.byTitle[title].classList.add(cls);
      };
      var edge = function (p, c, cls) {
        var a = h.map[p], b = h.map[c];
        if (a === undefined || b === undefined || a === b) return;
        (h.edges[a + "->" + b] || []).forEach(function (g) { g.classList.add(cls); });
      };
      if (step.node !== null) {
        step.parents.forEach(function (p) { mark(p, "tg-input"); });
        mark(step.node, "tg-current");
        var current = h.byTitle[h.map[step.node]];
        if (current && current.scrollIntoView && h.holder.style.display !== "none") {
          current.scrollIntoView({ block: "nearest", inline: "nearest" });
        }
        if (step.phase === "forward") {
          step.parents.forEach(function (p) { edge(p, step.node, "tg-edge-fwd"); });
        } else if (step.edge) {
          edge(step.edge[0], step.edge[1], "tg-edge-bwd");
        }
      }
      if (state.selected !== null) mark(state.selected, "tg-selected");
      if (state.nudged) state.nudged.forEach(function (i) { mark(i, "tg-changed"); });
    }
    $("tg-counter").textContent = "step " + (k + 1) + " of " + steps.length + ": " + step.title;
    var narration = $("tg-narration");
    narration.textContent = step.text;
    $("tg-hint").textContent = step.hint || "";
    narration.className = step.phase === "forward" ? "forward" :
      (step.phase === "backward" ? "backward" : "");
    $("tg-back").disabled = $("tg-first").disabled = k === 0;
    $("tg-step").disabled = $("tg-last").disabled = k === steps.length - 1;
    if (state.selected !== null) showDetails(state.selected);
  }

  function go(k) { state.step = Math.max(0, Math.min(steps.length - 1, k)); render(); }
  $("tg-step").addEventListener("click", function () { go(state.step + 1); });
  $("tg-back").addEventListener("click", function () { go(state.step - 1); });
  $("tg-first").addEventListener("click", function () { go(0); });
  $("tg-last").addEventListener("click", function () { go(steps.length - 1); });
  document.addEventListener("keydown", function (e) {
    if (e.target && e.target.tagName === "SELECT") return;
    if (e.key === "ArrowRight") go(state.step + 1);
    else if (e.key === "ArrowLeft") go(state.step - 1);
    else if (e.key === "Home") go(0);
    else if (e.key === "End") go(steps.length - 1);
  });

  // -- clicking a node ----------------------------------------------------------------------------
  function clickNode(v, title) {
    var members = holders[v].members[title] || [];
    if (title.indexOf("layer") === 0) {  // a collapsed layer: expand it
      for (var w = 0; w < views.length; w++) {
        if (views[w].group === title) { state.view = w; break; }
      }
      showLayer(members);
      state.selected = null;
      render();
      return;
    }
    if (members.length) { state.selected = members[0]; render(); }
  }
  function showLayer(members) {
    var box = $("tg-details");
    box.textContent = "";
    box.appendChild(el("div", "A layer, now expanded: " + members.map(function (i) {
      return nodes[i].name;
    }).join(", "), "tg-note"));
  }
  function showDetails(i) {
    var n = nodes[i], box = $("tg-details"), dl = el("dl");
    box.textContent = "";
    var k = state.step, shown = revealedAt(k), done = computedAt(k);
    var rows = [["name", n.name], ["kind", n.kind + (n.op ? " (op " + n.op + ")" : "")]];
    if (n.formula) rows.push(["computed as", n.name + " = " + n.formula]);
    rows.push(["shape", n.shape], ["dtype", n.dtype]);
    rows.push(["value", done[i] ? n.value : "(not computed yet: step forward)"]);
    if (n.grad !== null) {
      rows.push(["grad d" + n.name, shown[i] ? n.grad : "(not yet: step through backward)"]);
    }
    if (n.math) rows.push(["the op's math", n.math]);
    n.locals.forEach(function (text, j) { rows.push([j ? "" : "local derivatives", text]); });
    if (n.badValue) rows.push(["NaN/Inf", "value: " + n.badValue]);
    if (n.badGrad) rows.push(["NaN/Inf", "gradient: " + n.badGrad]);
    rows.forEach(function (r) { dl.appendChild(el("dt", r[0])); dl.appendChild(el("dd", r[1])); });
    box.appendChild(dl);
  }

  // -- nudging ------------------------------------------------------------------------------------
  (function () {
    var box = $("tg-nudge"), nudge = data.nudge;
    if (!nudge.leaves.length) { box.appendChild(el("div", nudge.why, "tg-note")); return; }
    var select = el("select");
    select.id = "tg-nudge-leaf";
    nudge.leaves.forEach(function (leaf, j) {
      var o = el("option", leaf.label);
      o.value = String(j);
      select.appendChild(o);
    });
    box.appendChild(el("span", "leaf "));
    box.appendChild(select);
    var buttons = el("div");
    buttons.style.margin = "6px 0";
    Object.keys(nudge.leaves[0].eps).forEach(function (eps) {
      var b = el("button", "ε = " + eps);
      b.setAttribute("data-eps", eps);
      b.style.margin = "1px";
      b.addEventListener("click", function () { show(eps); });
      buttons.appendChild(b);
    });
    box.appendChild(buttons);
    var out = el("div");
    out.id = "tg-nudge-result";
    box.appendChild(out);
    select.addEventListener("change", function () { out.textContent = ""; state.nudged = null;
                                                    render(); });
    function show(eps) {
      var leaf = nudge.leaves[Number(select.value)], r = leaf.eps[eps];
      out.textContent = "";
      var summary = el("pre");
      summary.id = "tg-nudge-summary";
      summary.textContent = leaf.label + " + " + eps + ":  " + nudge.root + " changes by " + r.dJ +
        "\nthe gradient predicts d" + nudge.root + "/d" + leaf.label + " · ε = " + leaf.grad +
        " · " + eps + " = " + r.predicted + "\n(what the gradient misses, " + r.gap +
        ", is of order ε²)";
      out.appendChild(summary);
      var table = el("table"), head = el("tr");
      ["node", "before", "after", "change"].forEach(function (t) {
        head.appendChild(el("th", t));
      });
      table.appendChild(head);
      r.rows.forEach(function (row) {
        var tr = el("tr");
        tr.appendChild(el("td", nodes[row[0]].name));
        for (var c = 1; c < 4; c++) tr.appendChild(el("td", row[c]));
        table.appendChild(tr);
      });
      out.appendChild(table);
      state.nudged = r.rows.map(function (row) { return row[0]; });
      render();
    }
  })();

  render();
})();
"""
