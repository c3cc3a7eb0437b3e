"""Drawings of computation graphs: DOT text (no program needed) and pictures via graphviz.

Layer: ``viz``.
"""

from __future__ import annotations

import html
import os
import re
import shutil
import subprocess
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from tinygrad_edu import engine
from tinygrad_edu.tensor import Tensor

# Colours of the picture. Gradients are red and forward edges blue, as the course draws them.
_GRAD_COLOR = "#c62828"
_FORWARD_EDGE = "#1565c0"
_BACKWARD_EDGE = "#c62828"
_MUTED = "#555555"
_FILL = {
    "op": "#e3f2fd",  # computed values
    "root": "#bbdefb",
    "parameter": "#fff3c4",  # what training changes
    "data": "#eeeeee",
    "constant": "#ffffff",
    "layer": "#e8f5e9",
    "bad": "#ffcdd2",  # NaN or Inf somewhere in the value or gradient
}

# Infix symbols for the formula line of a node ("b * c").
_INFIX = {"add": "+", "sub": "-", "mul": "*", "div": "/", "pow": "**", "matmul": "@"}

# A name that needs no parentheses in a formula or after the "d" of a gradient ("W1", "model.0.W").
_ATOM = re.compile(r"[\w.]+")

# Ops that end a layer when collapsing by module: the course's layer is [LINEAR -> ACTIVATION].
_ACTIVATIONS = frozenset({"relu", "leaky_relu", "sigmoid", "tanh", "softmax", "log_softmax"})
# Ops that only move, pad or copy values: between two layers, they go to the layer that uses them
# (a convolution's padding and windows, the flatten before a Linear layer).
_SHAPE_OPS = frozenset(
    {"reshape", "transpose", "broadcast_to", "getitem", "concatenate", "pad", "im2col", "astype"}
)
# Parameter-free modules whose ops go to a neighbour's box, not a box of their own: an activation
# to the layer before it, a flatten to the layer after it.
_NO_BOX_MODULES = frozenset(
    {"relu", "leakyrelu", "sigmoid", "tanh", "softmax", "logsoftmax", "flatten"}
)

# Values of arrays with at most this many elements are printed in full; larger ones are summarised.
_TINY = 6

_INSTALL_GRAPHVIZ = (
    "Install the graphviz program: apt-get install graphviz (Debian/Ubuntu), brew install graphviz "
    "(macOS) or conda install -c conda-forge graphviz, then run again."
)


def _import_graphviz():
    try:
        import graphviz
    except ImportError:
        raise ImportError(
            "viz: drawing graphs needs the graphviz Python package: "
            'pip install "tinygrad_edu[viz]" (and the graphviz program for SVG/PNG: '
            "apt-get install graphviz)."
        ) from None
    return graphviz


_DIGRAPH = None  # the Digraph subclass below, made on first use (graphviz is optional)


def _digraph_class():
    """``graphviz.Digraph`` whose Jupyter display explains a missing ``dot`` program.

    graphviz's own display raises ``ExecutableNotFound`` (a traceback in the notebook) when the
    program is missing; this one shows the install hint and the DOT text instead.
    """
    global _DIGRAPH
    if _DIGRAPH is None:
        graphviz = _import_graphviz()

        class Digraph(graphviz.Digraph):
            """A ``graphviz.Digraph`` (``.source`` is DOT text) that displays in Jupyter."""

            def _repr_mimebundle_(self, include=None, exclude=None, **kwargs):
                if _which_dot() is not None:
                    try:
                        return super()._repr_mimebundle_(include, exclude, **kwargs)
                    except graphviz.ExecutableNotFound:
                        pass
                hint = (
                    "The graphviz program 'dot' is not installed, so the graph cannot be drawn "
                    f"here. {_INSTALL_GRAPHVIZ} Its DOT text (paste it into any graphviz viewer):"
                )
                return {
                    "text/plain": f"{hint}\n\n{self.source}",
                    "text/html": f"<p>{html.escape(hint)}</p><pre>{html.escape(self.source)}</pre>",
                }

        _DIGRAPH = Digraph
    return _DIGRAPH


# -------------------------------------------------------------------------------------------------
# Reading the graph
# -------------------------------------------------------------------------------------------------


def _walk(root: Tensor) -> list[Tensor]:
    """Every tensor the root depends on, data and constants included, each after its parents.

    Iterative (no recursion limit) and ordered by ``_parents``, so the same graph always gives the
    same order and the same DOT text.
    """
    return engine.toposort(root, all_nodes=True)


def _names_from(names: Mapping[str, Any] | None) -> dict[int, str]:
    """Map ``id(tensor) -> name`` from a mapping such as ``locals()`` (first name wins).

    Modules in the mapping name their parameters ``"model.W"`` (anything with
    ``named_parameters()``). Names starting with ``_`` (Jupyter's ``_``, ``_1``) are skipped.
    """
    found: dict[int, str] = {}
    if names is None:
        return found
    if not isinstance(names, Mapping):
        raise TypeError(
            f"to_dot: expected names to be a mapping such as locals() or {{'J': J}}, got "
            f"{type(names).__name__}."
        )
    for key, value in names.items():
        if not isinstance(key, str) or key.startswith("_") or isinstance(value, type):
            continue  # private names (Jupyter's _, _1) and classes (nn.Linear itself)
        if isinstance(value, Tensor):
            found.setdefault(id(value), key)
        elif callable(getattr(value, "named_parameters", None)):
            for pname, param in value.named_parameters():
                found.setdefault(id(param), f"{key}.{pname}")
    return found


def _kind(t: Tensor, root: Tensor) -> str:
    if t is root and t._op is not None:
        return "root"
    if t._op is not None:
        return "op"
    if t.requires_grad:
        return "parameter"
    return "constant" if t.ndim == 0 else "data"


def _leaf_kind(t: Tensor, kind: str) -> str:
    """'parameter' for an ``nn.Parameter``, 'requires grad' for another leaf that needs one."""
    if kind != "parameter":
        return kind
    try:
        from tinygrad_edu.nn import (
            Parameter,
        )  # nn is a lower layer; imported late as it is optional
    except ImportError:
        return "requires grad"
    return "parameter" if isinstance(t, Parameter) else "requires grad"


def _bare(text: str) -> str:
    return "".join(c for c in text if c not in " ()")


def _num(x: Any) -> str:
    """A number as a learner writes it: 33, 0.5, 1.2e-05, nan, inf (and 0, never -0)."""
    if isinstance(x, (bool, np.bool_)):
        return str(bool(x))
    if isinstance(x, (int, np.integer)):
        return str(int(x))
    if x == 0:
        return "0"  # -0.0 (from -dout * 0) reads as a bug to a learner
    return f"{float(x):.4g}"


def _finite(a: np.ndarray) -> bool:
    return a.dtype.kind not in "fc" or bool(np.isfinite(a).all())


def _describe(a: np.ndarray, tiny: int = _TINY) -> str:
    """The value for a scalar or tiny array, min/mean/max (and NaN/Inf counts) for larger ones."""
    if a.size == 1:
        return _num(a.reshape(-1)[0])
    if a.size == 0:
        return "(empty)"
    if a.size <= tiny:
        body = np.array2string(a, separator=", ", formatter={"all": _num}, max_line_width=10**6)
        return " ".join(body.split())
    values = a.astype(np.float64) if a.dtype.kind in "biu" else a
    finite = np.isfinite(values)
    parts = []
    if finite.any():
        good = values[finite]
        parts.append(f"min {_num(good.min())}  mean {_num(good.mean())}  max {_num(good.max())}")
    n_nan = int(np.isnan(values).sum())
    n_inf = int(values.size - finite.sum()) - n_nan
    if n_nan:
        parts.append(f"NaN: {n_nan} of {values.size}")
    if n_inf:
        parts.append(f"Inf: {n_inf} of {values.size}")
    return ", ".join(parts)


def _shape_text(t: Tensor) -> str:
    shape = "scalar" if t.ndim == 0 else str(t.shape)
    return f"{shape} {t.dtype}"


def _broadcast_axes(parent: tuple[int, ...], out: tuple[int, ...]) -> tuple[int, ...]:
    """Axes of the shape ``out`` that the engine's unbroadcast sums over to give a gradient the
    shape ``parent``.

    The same rule as ``engine.unbroadcast``: axes numpy added in front, then axes of length 1
    that were stretched.
    """
    extra = len(out) - len(parent)
    stretched = [extra + i for i, n in enumerate(parent) if n == 1 and out[extra + i] != 1]
    return tuple(range(extra)) + tuple(stretched)


def _broadcast_note(parent: Tensor, child: Tensor) -> str:
    # The op says whether its inputs follow numpy broadcasting (then its backward returns gradients
    # shaped like the output, which the engine's unbroadcast sums: the course's db = sum(dZ)).
    if child._op is None or not (parent.requires_grad and child._op.broadcasts):
        return ""
    if parent.shape == child.shape:
        return ""
    axes = _broadcast_axes(parent.shape, child.shape)
    if not axes:
        return ""
    if len(axes) == 1:
        return f"grad: sum over axis {axes[0]}"
    return f"grad: sum over axes {axes}"


# -------------------------------------------------------------------------------------------------
# Collapsing modules into one box per layer
# -------------------------------------------------------------------------------------------------


def _module_params(module: Any) -> list[tuple[str, Tensor]]:
    if isinstance(module, Tensor):
        return [(module.name or "", module)]
    if callable(getattr(module, "named_parameters", None)):
        return [(n, p) for n, p in module.named_parameters()]
    if callable(getattr(module, "parameters", None)):
        return [(p.name or "", p) for p in module.parameters()]
    if isinstance(module, Iterable) and not isinstance(module, (str, bytes, Mapping)):
        return [(t.name or "", t) for t in module if isinstance(t, Tensor)]
    raise TypeError(
        f"to_dot: collapse expects an nn.Module, a mapping of name -> module (or -> list of "
        f"parameter tensors), got {type(module).__name__}."
    )


def _children(module: Any) -> list[tuple[str, Any]]:
    if callable(getattr(module, "named_children", None)):
        return list(module.named_children())
    if callable(getattr(module, "children", None)):
        return [(str(i), m) for i, m in enumerate(module.children())]
    return []


def _groups(collapse: Any) -> list[tuple[str, Any]]:
    """``[(label, module), ...]``: the boxes to draw, in order."""
    if isinstance(collapse, Mapping):
        return [(str(k), m) for k, m in collapse.items()]
    children = [(n, m) for n, m in _children(collapse) if _module_params(m)]
    if not children:
        return [(type(collapse).__name__, collapse)]
    out = []
    for k, (name, child) in enumerate(children, start=1):
        out.append((f"layer {k}" if str(name).isdigit() else str(name), child))
    return out


def _post_dominators(order: list[Tensor], consumers: dict[int, list[Tensor]]):
    """Each tensor's immediate post-dominator: the first tensor that every path from it to the
    root passes through (None above the root). Returns ``(ipdom, depth)`` keyed by ``id``."""
    ipdom: dict[int, Tensor | None] = {}
    depth: dict[int, int] = {}

    def lca(a: Tensor | None, b: Tensor | None) -> Tensor | None:
        while a is not b:
            if a is None or b is None:
                return None
            if depth[id(a)] >= depth[id(b)]:
                a = ipdom[id(a)]
            else:
                b = ipdom[id(b)]
        return a

    for t in reversed(order):  # consumers come before the tensors they consume
        cs = consumers.get(id(t), [])
        dom = cs[0] if cs else None
        for c in cs[1:]:
            dom = lca(dom, c)
        ipdom[id(t)] = dom
        depth[id(t)] = 0 if dom is None else depth[id(dom)] + 1
    return ipdom, depth, lca


def _assign_groups(order: list[Tensor], collapse: Any) -> tuple[dict[int, int], list]:
    """Which box (an index into the returned ``[(label, module or None), ...]``) holds each tensor.

    A layer (a child module with parameters) owns the ops that compute with its parameters and
    depend on no later layer, up to its output: the activation applied to that output (the
    course's [LINEAR -> ACTIVATION]), or, for a layer with several outputs (a recurrent layer's
    steps), every op up to where they join (the stacked sequence). The parameter-free ops between
    two layers (pooling, dropout, a batch norm's normalization) go to the box of the layer that
    uses them, or to a box of their own when the model declares parameter-free modules between
    the two (``pool1 = nn.MaxPool2d(2)``); ops that only reshape, pad or pick windows always go to
    the layer that uses them. The ops after the last layer (the cost) form one last box, whose
    module is None. Boxes follow the data: no arrow points back into an earlier box.
    """
    groups = _groups(collapse)
    layers = len(groups)
    member: dict[int, Any] = {}
    for index, (_, module) in enumerate(groups):
        for _, param in _module_params(module):
            member.setdefault(id(param), index)
    ops = [t for t in order if t._op is not None]
    consumers: dict[int, list[Tensor]] = {}
    for t in ops:
        for parent in t._parents:
            consumers.setdefault(id(parent), []).append(t)

    # Ops computed from one layer's parameters alone (W.T, b.reshape) are that layer's.
    derived: set[int] = set()
    for t in ops:
        owners = {member.get(id(p)) for p in t._parents}
        if len(owners) == 1 and None not in owners:
            member[id(t)] = owners.pop()
            derived.add(id(t))
    # Layers in the order the data meets them (the first op that uses a layer's parameters with
    # other values; on a tie, as an embedding's output meets the next layer's weights, the layer
    # whose parameters were read first); an op comes from the last layer it depends on.
    position = {id(t): i for i, t in enumerate(order)}
    first: dict[int, int] = {}
    read: dict[int, int] = {}
    direct: dict[int, set[int]] = {}  # the layers whose parameters an op uses itself
    for t in ops:
        if id(t) in derived:
            read.setdefault(member[id(t)], position[id(t)])
            continue
        used = {member[id(p)] for p in t._parents if id(p) in member}
        direct[id(t)] = used
        for g in used:
            first.setdefault(g, position[id(t)])
            read.setdefault(g, position[id(t)])

    def rank(g: int) -> tuple[int, int]:
        return first.get(g, len(order) + g), read.get(g, len(order) + g)

    source: dict[int, int] = {}
    for t in ops:
        if id(t) not in derived:
            came = [member[id(p)] if id(p) in member else source.get(id(p)) for p in t._parents]
            layers_in: list[int] = [g for g in came if g is not None]
            if layers_in:
                source[id(t)] = max(layers_in, key=rank)
    # A layer's core: the ops from it that lead to a use of its own parameters.
    for t in reversed(ops):
        g = source.get(id(t))
        if g is not None and (
            g in direct[id(t)] or any(member.get(id(c)) == g for c in consumers.get(id(t), []))
        ):
            member[id(t)] = g
    # Its output: the activation right after an output, or where several outputs join.
    ipdom, _, lca = _post_dominators(order, consumers)
    for g in range(layers):
        exits = [
            t
            for t in ops
            if member.get(id(t)) == g
            and id(t) not in derived
            and any(member.get(id(c)) != g for c in consumers.get(id(t), []))
        ]
        for e in exits:
            cs = consumers[id(e)]
            if len(cs) == 1 and cs[0].op in _ACTIVATIONS and id(cs[0]) not in member:
                member[id(cs[0])] = g
        if len(exits) > 1:
            joint = exits[0]
            for e in exits[1:]:
                joint = lca(joint, e)
            if joint is not None and id(joint) not in member and source.get(id(joint)) == g:
                stack = [joint]
                member[id(joint)] = g
                while stack:
                    for parent in stack.pop()._parents:
                        if id(parent) not in member and source.get(id(parent)) == g:
                            member[id(parent)] = g
                            stack.append(parent)
    # The rest, from the cost back: each op goes to the nearest layer it leads to.
    between = _parameter_free_children(collapse, groups)
    target: dict[int, int | None] = {}  # the layer each op leads to (None: only the cost)
    for t in reversed(ops):
        cs = consumers.get(id(t), [])
        if id(t) in member:
            box = member[id(t)]
            target[id(t)] = box if isinstance(box, int) else box[2]
            continue
        leads = [h for h in (target.get(id(c)) for c in cs) if h is not None]
        h = min(leads, key=rank) if leads else None
        target[id(t)] = h
        g = source.get(id(t))
        moves = t.op in _SHAPE_OPS and all(member.get(id(c)) == h for c in cs)
        if h is not None and moves:
            member[id(t)] = h  # padding, windows, a flatten: the layer that uses them
        elif g is None:
            continue  # depends on no layer: drawn as it is
        elif h is None:
            member[id(t)] = ("output", None, None)
        elif between.get((g, h)):
            member[id(t)] = ("between", g, h)
        else:
            member[id(t)] = h  # e.g. a batch norm's normalization: the layer that uses it

    # Number the boxes: the layers, then the parameter-free boxes in data order, then the cost.
    keys = sorted({b for b in member.values() if isinstance(b, tuple) and b[0] == "between"},
                  key=lambda b: (rank(b[1]), rank(b[2])))  # fmt: skip
    box_index = {key: layers + i for i, key in enumerate(keys)}
    for _, lo, hi in keys:  # "pool1: MaxPool2d"; "Dropout" for a Sequential's "2"
        named = [
            (name if not name.isdigit() else type(m).__name__, m) for name, m in between[(lo, hi)]
        ]
        if len(named) == 1 and named[0][0] != type(named[0][1]).__name__:
            groups.append(named[0])
        else:
            groups.append((", ".join(name for name, _ in named), [m for _, m in named]))
    out = layers + len(keys)
    final: dict[int, int] = {}
    for key, box in member.items():
        final[key] = box if isinstance(box, int) else box_index.get(box, out)
    if out in final.values():
        groups.append(("output", None))
    return final, groups


def _parameter_free_children(collapse: Any, groups: list) -> dict[tuple[int, int], list]:
    """``{(g, h): [(name, module), ...]}``: the modules without parameters that the model
    declares between its layers g and h (``pool1`` between ``conv1`` and ``conv2``); not
    activations or flattens, whose ops join a neighbouring layer."""
    if isinstance(collapse, Mapping):
        return {}
    children = _children(collapse)
    layer_at = {}
    for position, (_, child) in enumerate(children):
        for g, (_, module) in enumerate(groups):
            if module is child:
                layer_at[g] = position
    out: dict[tuple[int, int], list] = {}
    for g, start in layer_at.items():
        for h, stop in layer_at.items():
            out[(g, h)] = [
                (str(name), child)
                for name, child in children[start + 1 : stop]
                if not _module_params(child) and type(child).__name__.lower() not in _NO_BOX_MODULES
            ]
    return out


# -------------------------------------------------------------------------------------------------
# Labels
# -------------------------------------------------------------------------------------------------


def _clean(text: str) -> str:
    """``text`` with every character that is not printable written as its escape (``\\x0c``).

    Control characters, ANSI colour codes, ``"\\ufffe"`` and lone surrogates are forbidden in
    XML (graphviz rejects the label) or unsafe on a terminal; the escape keeps them visible.
    """
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else ascii(c)[1:-1] for c in text)


_MAX_LINE = 200  # characters of one label line; graphviz refuses an HTML label over 16 KB


def _shorten(text: str) -> str:
    """``text`` cut in the middle to at most ``_MAX_LINE`` characters (a name of 20,000
    characters is unreadable in a picture, and makes graphviz refuse the whole graph)."""
    if len(text) <= _MAX_LINE:
        return text
    return f"{text[: _MAX_LINE - 41]}...({len(text)} characters)...{text[-20:]}"


def _line(text: str, *, size: int | None = None, color: str | None = None, bold=False) -> str:
    body = html.escape(_shorten(_clean(text)))
    if bold:
        body = f"<B>{body}</B>"
    attrs = ""
    if size:
        attrs += f' POINT-SIZE="{size}"'
    if color:
        attrs += f' COLOR="{color}"'
    return f"<FONT{attrs}>{body}</FONT>" if attrs else body


def _html(lines: Sequence[str]) -> str:
    return "<" + "<BR/>".join(lines) + ">"


class _Labeller:
    """Display names and node labels for one drawing."""

    def __init__(self, inferred: dict[int, str], show_grads: bool, grads: dict | None = None):
        self.inferred = inferred
        self.show_grads = show_grads
        self.grads = grads  # {id(tensor): gradient} to draw instead of .grad (the explorer's)

    def grad(self, t: Tensor) -> np.ndarray | None:
        # ._grad, not .grad: reading the missing gradient of a non-leaf through .grad warns
        g = t._grad if self.grads is None else self.grads.get(id(t))
        return g.data if isinstance(g, Tensor) else g  # a tensor after create_graph=True

    def name(self, t: Tensor) -> str | None:
        return t.name or self.inferred.get(id(t))

    def short(self, t: Tensor) -> str | None:
        """How a parent appears in a formula: its name, or the value of a constant."""
        name = self.name(t)
        if name:
            return name
        if t._op is None and not t.requires_grad and t.size == 1:
            return _num(t.data.reshape(-1)[0])
        return None

    def formula(self, t: Tensor) -> str:
        op = t.op or ""
        shorts = [self.short(p) for p in t._parents]
        parts = [p for p in shorts if p is not None]
        if len(parts) < len(shorts):
            return op
        if op in _INFIX and len(parts) == 2:
            x, y = (p if _ATOM.fullmatch(p) else f"({p})" for p in parts)
            return f"{x} {_INFIX[op]} {y}"
        if len(parts) == 1:
            return f"{op}({parts[0]})"
        return f"{op}({', '.join(parts)})"

    def grad_line(self, t: Tensor) -> str | None:
        g = self.grad(t) if self.show_grads else None
        if g is None:
            return None
        name = self.name(t)
        if name:
            label = f"d{name}" if _ATOM.fullmatch(name) else f"d({name})"
        else:
            label = "grad"
        text = f"{label} = {_describe(g)}" if g.size <= _TINY else f"{label}: {_describe(g)}"
        return _line(text, color=_GRAD_COLOR, bold=g.size == 1)

    def node(self, t: Tensor, kind: str) -> tuple[str, bool]:
        """(HTML label, whether a NaN/Inf makes it stand out)."""
        g = self.grad(t) if self.show_grads else None
        bad = not _finite(t.data) or (g is not None and not _finite(g))
        name = self.name(t)
        value = _describe(t.data)
        lines = []
        if kind == "constant":
            lines.append(_line(f"{name} = {value}" if name else value, bold=True))
            return _html(lines), bad
        title = name or t.op or kind
        # A number goes on the title line, as the course writes "u = 6"; arrays get a line.
        lines.append(_line(f"{title} = {value}" if t.size == 1 else title, bold=True))
        if t._op is not None:
            op = t._op.name
            formula = self.formula(t)
            if formula == op or formula.startswith(op + "("):
                detail = formula
            else:
                detail = f"{formula}   ({op})"
            if name and _bare(formula) == _bare(name):  # expression names: "b * c" is b * c
                detail = op
            if detail != title:
                lines.append(_line(detail, size=10, color=_MUTED))
        elif name:
            lines.append(_line(_leaf_kind(t, kind), size=10, color=_MUTED))
        lines.append(_line(_shape_text(t), size=9, color=_MUTED))
        if t.size != 1:
            lines.append(_line(value, size=10))
        grad = self.grad_line(t)
        if grad:
            lines.append(grad)
        if bad:
            lines.append(_line("NaN/Inf!", size=10, color=_GRAD_COLOR, bold=True))
        return _html(lines), bad

    def layer(self, label: str, module: Any, members: list[Tensor]) -> tuple[str, bool]:
        """A collapsed layer: its op chain, parameters with gradients, and its output."""
        bad = False
        ops_only = [m for m in members if m._op is not None]
        out = ops_only[-1] if ops_only else None
        if module is None and out is not None:  # the ops after the last layer: usually the cost
            name = self.name(out)
            title = f"{name} = {_describe(out.data)}" if name and out.size == 1 else name
            lines = [_line(title or "after the layers", bold=True)]
        else:
            kind = type(module).__name__
            if hasattr(module, "n_in") and hasattr(module, "n_out"):
                kind = f"{kind} {module.n_in} \u2192 {module.n_out}"
            shown = f"{label}: {kind}" if kind not in ("list", "tuple", "Tensor") else label
            lines = [_line(shown, bold=True)]
        names = [m._op.name for m in ops_only if m._op is not None]
        chain = [op for op in names if op != "transpose"]  # W.T is bookkeeping, not math
        for start in range(0, len(chain), 5):
            lines.append(_line(" \u2192 ".join(chain[start : start + 5]), size=10, color=_MUTED))
        for pname, p in _module_params(module) if module is not None else []:
            short = self.name(p) or pname.rsplit(".", 1)[-1] or "param"
            lines.append(_line(f"{short} {_shape_text(p)}", size=10))
            p_grad = self.grad(p)
            if self.show_grads and p_grad is not None:
                shown_grad = _describe(p_grad, tiny=1)
                lines.append(_line(f"d{short}: {shown_grad}", size=9, color=_GRAD_COLOR))
            summed = [_broadcast_note(p, m) for m in members if any(q is p for q in m._parents)]
            summed = [note for note in summed if note]
            if summed:  # the course's db = sum(dZ): say where it happens even inside the box
                where = summed[0].removeprefix("grad: sum ")
                lines.append(_line(f"d{short} summed {where}", size=9, color=_GRAD_COLOR))
            bad = bad or not _finite(p.data) or (p_grad is not None and not _finite(p_grad))
        if out is not None:
            if module is not None or out.size != 1:
                lines.append(_line(f"out {_shape_text(out)}", size=10))
                lines.append(_line(_describe(out.data), size=9, color=_MUTED))
            grad = self.grad_line(out) if module is None else None
            if grad:
                lines.append(grad)
            bad = bad or not _finite(out.data)
        if bad:
            lines.append(_line("NaN/Inf!", size=10, color=_GRAD_COLOR, bold=True))
        return _html(lines), bad


# -------------------------------------------------------------------------------------------------
# Public API
# -------------------------------------------------------------------------------------------------


def to_dot(
    tensor: Tensor,
    *,
    names: Mapping[str, Any] | None = None,
    show_grads: bool = True,
    backward_edges: bool = False,
    collapse: Any = None,
    max_nodes: int = 200,
    rankdir: str = "LR",
):
    """The computation graph that produced ``tensor`` as a ``graphviz.Digraph``.

    Each node shows a name (``Tensor.name``, else a name found in ``names``), the op and formula
    that made it, shape and dtype, the value (the number for scalars and tiny arrays, min/mean/max
    for larger ones) and, after backward, the gradient in the course's notation: ``dv = 3`` means
    dJ/dv. Leaves that are parameters (yellow), data (grey) and constants (plain) look different;
    a NaN or Inf in a value or gradient turns the node red. Edges where the gradient is summed over
    broadcast axes say so (the course's ``db = sum(dZ)``).

    Gradients of intermediate tensors are kept only if you ask: call
    ``J.backward(retain_grads=True)`` (or ``t.retain_grad()`` before backward) to see every dvar.

    ``.source`` is DOT text and needs no graphviz program; in Jupyter the returned object displays
    inline (that needs the ``dot`` program). The same graph always gives the same DOT text.

    Args:
        tensor: the output to draw back from (usually the cost J).
        names: a mapping such as ``locals()``: each tensor in it is labelled by its variable name
            (a module in it names its parameters ``"model.W"``).
        show_grads: show ``.grad`` where backward has filled it.
        backward_edges: also draw the gradient flow as red edges against the blue forward edges,
            as the course draws backpropagation.
        collapse: an ``nn.Module`` (one box per child layer that has parameters) or a mapping
            ``{label: module or list of parameter tensors}``; each box holds the layer's
            parameters and its ops up to its activation (a recurrent layer: all its steps), the
            parameter-free ops between layers go to the layer that uses them or, for the
            model's own parameter-free modules (pooling, dropout), to a box of their own, and the
            ops after the last layer (the cost) form one more box: the boxes read left to right.
            Constants and unnamed data that only feed boxes are left out.
        max_nodes: above this many boxes the picture would be unreadable: a single summary node
            (op counts, parameters, a hint) is drawn instead.
        rankdir: graphviz layout direction, ``"LR"`` (left to right, the default) or ``"TB"``.

    Raises:
        TypeError: ``tensor`` is not a Tensor.
        ValueError: a ``rankdir`` other than 'LR', 'TB', 'RL' or 'BT'.

    >>> import tinygrad_edu as tg
    >>> a, b, c = (tg.Tensor(v, requires_grad=True) for v in (5.0, 3.0, 2.0))
    >>> u = b * c; v = a + u; J = 3 * v
    >>> J.backward(retain_grads=True)
    >>> dot = to_dot(J, names=locals())
    >>> "u = 6" in dot.source and "du = 3" in dot.source and "dc = 9" in dot.source
    True
    """
    if not isinstance(tensor, Tensor):
        raise TypeError(f"to_dot: expected a Tensor, got {type(tensor).__name__}.")
    if rankdir not in ("LR", "TB", "RL", "BT"):
        raise ValueError(f"to_dot: expected rankdir 'LR', 'TB', 'RL' or 'BT', got {rankdir!r}.")
    return _build(tensor, names=names, show_grads=show_grads, backward_edges=backward_edges,
                  collapse=collapse, max_nodes=max_nodes, rankdir=rankdir)[0]  # fmt: skip


def _build(
    tensor: Tensor,
    *,
    names: Mapping[str, Any] | None = None,
    show_grads: bool = True,
    backward_edges: bool = False,
    collapse: Any = None,
    max_nodes: int = 200,
    rankdir: str = "LR",
    grads: dict[int, np.ndarray] | None = None,
    expand: Sequence[int] = (),
):
    """``to_dot`` plus what the explorer needs: ``(digraph, node_ids)``.

    ``node_ids[i]`` is the DOT node that shows the i-th tensor of ``_walk(tensor)`` (``"n3"``,
    ``"layer1"``; missing for hidden constants). ``grads`` (``{id(tensor): gradient}``) is drawn
    instead of ``.grad``; the groups numbered in ``expand`` are drawn node by node.
    """
    if not isinstance(tensor, Tensor):
        raise TypeError(f"to_dot: expected a Tensor, got {type(tensor).__name__}.")
    if rankdir not in ("LR", "TB", "RL", "BT"):
        raise ValueError(f"to_dot: expected rankdir 'LR', 'TB', 'RL' or 'BT', got {rankdir!r}.")
    digraph = _digraph_class()
    order = _walk(tensor)
    labeller = _Labeller(_names_from(names), show_grads, grads)

    member: dict[int, int] = {}
    groups: list = []
    if collapse is not None:
        member, groups = _assign_groups(order, collapse)
        member = {k: g for k, g in member.items() if g not in expand}

    # Node ids are positions in the walk ("n0", "n1", ...) or group numbers ("layer0"): no id().
    node_id: dict[int, str] = {}
    for index, t in enumerate(order):
        node_id[id(t)] = f"layer{member[id(t)]}" if id(t) in member else f"n{index}"
    visible = len(set(node_id.values()))  # an upper bound: hidden constants are counted

    dot = digraph(name="computation_graph")
    dot.attr(rankdir=rankdir, fontname="Helvetica", nodesep="0.3", ranksep="0.45")
    dot.attr("node", fontname="Helvetica", fontsize="11", margin="0.12,0.06")
    dot.attr("edge", fontname="Helvetica", fontsize="9", color=_FORWARD_EDGE)

    if visible > max_nodes:
        _summary(dot, order, tensor, visible, max_nodes, labeller)
        return dot, {}

    # Constants and unnamed data (the 1 - Y inside a loss) that only feed collapsed boxes would be
    # loose nodes pointing into a box: a collapsed picture leaves them out.
    hidden: set[int] = set()
    if member:
        fed: dict[int, list[Tensor]] = {}
        for t in order:
            for parent in t._parents:
                fed.setdefault(id(parent), []).append(t)
        for t in order:
            kind = _kind(t, tensor)
            loose = kind == "constant" or (kind == "data" and labeller.name(t) is None)
            if loose and all(id(c) in member for c in fed.get(id(t), [])):
                hidden.add(id(t))

    drawn_groups: set[int] = set()
    for t in order:
        key = id(t)
        if key in hidden:
            continue
        if key in member:
            index = member[key]
            if index in drawn_groups:
                continue
            drawn_groups.add(index)
            label, module = groups[index]
            members = [m for m in order if member.get(id(m)) == index]
            text, bad = labeller.layer(label, module, members)
            dot.node(
                node_id[key],
                text,
                shape="box",
                style="rounded,filled",
                fillcolor=_FILL["bad"] if bad else _FILL["layer"],
                color=_GRAD_COLOR if bad else "#2e7d32",
                penwidth="2.5" if bad else "1.2",
            )
            continue
        kind = _kind(t, tensor)
        text, bad = labeller.node(t, kind)
        attrs = {
            "shape": "ellipse" if kind == "constant" else "box",
            "style": "filled" if kind in ("data", "constant") else "rounded,filled",
            "fillcolor": _FILL["bad"] if bad else _FILL[kind],
        }
        if bad:
            attrs.update(color=_GRAD_COLOR, penwidth="2.5")
        elif kind in ("parameter", "root"):
            attrs.update(penwidth="1.8")
        if kind == "constant":
            attrs.update(width="0.4", height="0.3", margin="0.04,0.02")
        dot.node(node_id[key], text, **attrs)

    drawn_edges: set[tuple[str, str]] = set()
    for t in order:
        child = node_id[id(t)]
        for parent in t._parents:
            source = node_id[id(parent)]
            if source == child or id(parent) in hidden:
                continue  # inside one collapsed layer
            if collapse is not None:
                if (source, child) in drawn_edges:
                    continue
                drawn_edges.add((source, child))
            note = _broadcast_note(parent, t)
            label = note
            if collapse is not None and (source.startswith("layer") or child.startswith("layer")):
                label = "\n".join(x for x in (str(parent.shape), note) if x)
            if label:
                dot.edge(source, child, label=label, fontcolor=_GRAD_COLOR if note else _MUTED)
            else:
                dot.edge(source, child)
            if backward_edges and parent.requires_grad:
                dot.edge(child, source, color=_BACKWARD_EDGE, style="dashed", constraint="false",
                         arrowsize="0.7")  # fmt: skip
    kinds = {_kind(t, tensor) for t in order if id(t) not in member and id(t) not in hidden}
    legend = []
    if show_grads and any(labeller.grad(t) is not None for t in order):
        root = _shorten(_clean(labeller.name(tensor) or "J")).replace("\\", "\\\\")  # DOT text
        arrows = " (dashed arrows: the backward pass)" if backward_edges else ""
        legend.append(f"red: gradients, dx = d{root}/dx{arrows}.")
    if "parameter" in kinds:
        legend.append("yellow: leaves that require grad (inputs, parameters).")
    if "data" in kinds:
        legend.append("grey: data.")
    if member:
        legend.append("green: layers (collapsed).")
    note = _missing_grads_note(order) if show_grads and grads is None else ""
    text = "   ".join(legend) + (f"\n{note}" if note else "")
    if text:
        dot.attr(label=text, labelloc="b", fontsize="10", fontcolor=_MUTED)
    shown = {i: node_id[id(t)] for i, t in enumerate(order) if id(t) not in hidden}
    return dot, shown


def _missing_grads_note(order: list[Tensor]) -> str:
    """A hint when backward ran but intermediate gradients were not kept."""
    leaves_have = any(t._op is None and t._grad is not None for t in order)
    inner_missing = any(t._op is not None and t.requires_grad and t._grad is None for t in order)
    if leaves_have and inner_missing:
        return "Gradients of intermediate values were not kept: call J.backward(retain_grads=True)."
    return ""


def _summary(dot, order, root, visible, max_nodes, labeller) -> None:
    counts: dict[str, int] = {}
    for t in order:
        if t._op is not None:
            counts[t.op] = counts.get(t.op, 0) + 1
    params = [t for t in order if t._op is None and t.requires_grad]
    op_text = ", ".join(f"{op} x{n}" for op, n in sorted(counts.items(), key=lambda kv: -kv[1]))
    lines = [
        _line(f"graph too large to draw: {visible} nodes (max_nodes={max_nodes})", bold=True),
        _line(f"ops: {op_text}", size=10),
        _line(f"{len(params)} parameter tensors, {sum(p.size for p in params)} numbers", size=10),
        _line(f"output: {_shape_text(root)} = {_describe(root.data)}", size=10),
        _line(
            "pass collapse=model (one box per layer) or a larger max_nodes", size=10, color=_MUTED
        ),  # fmt: skip
    ]
    grad = labeller.grad_line(root)
    if grad:
        lines.insert(4, grad)
    dot.node("summary", _html(lines), shape="box", style="rounded,filled", fillcolor=_FILL["data"])


def _which_dot() -> str | None:
    return shutil.which("dot")


# Formats ``render`` writes: graphviz's names. jpg and jpeg are the same JPEG.
FORMATS = ("svg", "png", "pdf", "jpg", "jpeg", "dot")


def _write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to a temporary file next to ``path``, then rename it over ``path``.

    A full disk or an interrupted write leaves the previous ``path`` intact and no partial file.
    """
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def output_path(path: str | os.PathLike, format: str | None = None, *, what: str = "render",
                formats: Sequence[str] = FORMATS) -> tuple[Path, str]:  # fmt: skip
    """The file to write and its format, checked before anything is computed.

    The format is ``format`` or the file's suffix; a name without a suffix gets the format's
    (``svg`` by default). A folder (or a name ending in '/'), a suffix that is no known format, or
    a format that contradicts the suffix raise ``ValueError``; so does a parent path that exists
    but is not a folder.
    """
    text = os.fspath(path)
    path = Path(path)
    if path.is_dir() or (isinstance(text, str) and text.endswith(("/", os.sep))):
        # before a suffix is added: "-o pictures" (or "-o new/") must not write pictures.svg
        raise ValueError(
            f"{what}: {_clean(str(path))} is a folder{'' if path.is_dir() else ' name'}; give a "
            f"file name inside it, such as "
            f"{_clean(str(path / ('J.' + (format or 'svg').lower())))}."
        )
    suffix = path.suffix.lstrip(".").lower()
    known = ", ".join("." + f for f in formats)
    if format is not None and format.lower() not in formats:
        raise ValueError(
            f"{what}: expected format {', '.join(map(repr, formats))}, got {format!r}."
        )
    fmt = (format or (suffix if suffix in formats else "svg")).lower()
    if suffix in formats and suffix != fmt and {suffix, fmt} != {"jpg", "jpeg"}:
        raise ValueError(
            f"{what}: the file name {_clean(path.name)} does not match format {fmt!r}; name it "
            f"{_clean(path.with_suffix('.' + fmt).name)} or leave the format out."
        )
    if suffix and suffix not in formats and format is None:
        raise ValueError(
            f"{what}: cannot tell the picture format from the file name {_clean(path.name)}: "
            f"use one of {known}, or pass the format."
        )
    if suffix not in formats:  # "J", or "graph.v1" with an explicit format: add its suffix
        path = path.with_name(f"{path.name}.{fmt}")
    if path.is_dir():
        raise ValueError(
            f"{what}: {_clean(str(path))} is a folder; give a file name inside it, such as "
            f"{_clean(str(path / ('J.' + fmt)))}."
        )
    for parent in path.parents:
        if parent.exists():
            if not parent.is_dir():
                raise ValueError(
                    f"{what}: cannot write {_clean(str(path))}: {_clean(str(parent))} is a file, "
                    f"not a folder."
                )
            break
    return path, fmt


# ``format`` shadows the builtin on purpose: it is the keyword graphviz and matplotlib users know.
def render(tensor: Tensor, path: str | os.PathLike, format: str | None = None, **to_dot_kwargs):
    """Draw ``tensor``'s graph to ``path`` (``"J.svg"``, ``"J.png"``, ``"J.pdf"``, ``"J.jpg"`` or
    ``"J.dot"``).

    ``format`` defaults to the file's suffix (``svg`` for a name without one; another suffix is
    refused). SVG, PNG, PDF and JPEG need the graphviz program ``dot``; without it the DOT text is
    still written next to ``path`` (as ``J.dot``) and a ``RuntimeError`` says how to install
    graphviz. The file is written whole or not at all (through a temporary file and a rename).
    Keyword arguments go to ``to_dot`` (``names=locals()``, ``collapse=model``, ...).

    Returns:
        The path of the written file.

    Raises:
        ValueError: an unknown format or suffix, or ``path`` is a folder.
        RuntimeError: the graphviz program is missing (the DOT text was written instead).
        OSError: the file cannot be written (permissions, a full disk).

    >>> import tempfile, tinygrad_edu as tg
    >>> x = tg.Tensor(2.0, requires_grad=True, name="x")
    >>> path = render(x * x, Path(tempfile.mkdtemp()) / "square.dot")
    >>> "x * x" in path.read_text()
    True
    """
    path, fmt = output_path(path, format)
    dot = to_dot(tensor, **to_dot_kwargs)
    path.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "dot":
        _write_atomic(path, dot.source.encode("utf-8"))
        return path
    if _which_dot() is None:
        dot_path = path.with_suffix(".dot")
        _write_atomic(dot_path, dot.source.encode("utf-8"))
        raise RuntimeError(
            f"render: the graphviz program 'dot' was not found on PATH, so {path.name} could not "
            f"be drawn; the graph was saved as {dot_path}. {_INSTALL_GRAPHVIZ}"
        )
    try:
        picture = dot.pipe(format=fmt, quiet=True)
    except (subprocess.CalledProcessError, BrokenPipeError) as err:  # dot refused the graph
        stderr = getattr(err, "stderr", None) or b""
        why = stderr.decode("utf-8", "replace").strip().splitlines()
        raise RuntimeError(
            f"render: graphviz's dot could not draw {path.name} ({why[0] if why else err}). "
            f"Write the DOT text instead (a .dot file) to see what it was given."
        ) from None
    _write_atomic(path, picture)
    return path
