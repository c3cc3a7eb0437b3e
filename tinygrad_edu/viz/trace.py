"""The backward pass, one edge at a time: the chain rule as the engine applies it.

Layer: ``viz``. ``trace_backward(J)`` replays the engine's backward pass in the engine's own order
(``engine._backward``: Kahn's algorithm with a last-in-first-out ready list) and prints, for each
edge from a node to one of its inputs, the upstream gradient, the local derivative (as a formula
taken from the op's docstring and as a value computed by the op's own ``backward``), their
product, the sum over broadcast axes where the engine's ``unbroadcast`` applies, and the running
total of a node used more than once.

It changes nothing: ``.grad`` stays as it was and the graph is not released. When the graph was
already released by an earlier ``backward()``, each op is re-run on a copy (from its inputs'
values) to recover what it had saved; the engine's tensors and ops are never modified.
"""

from __future__ import annotations

import copy
import inspect
import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, TextIO

import numpy as np

from tinygrad_edu import engine
from tinygrad_edu.engine import no_grad
from tinygrad_edu.tensor import Tensor
from tinygrad_edu.viz.graph import (
    _assign_groups,
    _broadcast_axes,
    _clean,
    _describe,
    _module_params,
    _names_from,
    _num,
)

_ATOM = re.compile(r"(?!.*\.T$)[\w.]+|-?\d[\d.e+-]*")  # W1, model.0.W, 3 (not W.T)
_WORD = re.compile(r"[A-Za-z_]\w*")
_MAX_NAME = 24  # longer formulas are named t1, t2, ... (as the graph command does)

# -------------------------------------------------------------------------------------------------
# What an op says about itself: the first docstring line "out = x * y;  dx = dout * y,  dy = ..."
# -------------------------------------------------------------------------------------------------


def op_math(op: Any) -> str:
    """The first line of the op's docstring: its forward and backward math (``''`` if none).

    >>> import tinygrad_edu as tg
    >>> x = tg.Tensor(2.0, requires_grad=True)
    >>> op_math((x * x)._op)
    'out = x * y;  dx = dout * y,  dy = dout * x'
    """
    doc = inspect.getdoc(type(op)) or ""
    return doc.strip().splitlines()[0].strip() if doc.strip() else ""


def op_inputs(op: Any) -> list[str]:
    """The names of the op's inputs in its docstring's math, from ``forward``'s signature."""
    try:
        params = list(inspect.signature(type(op).forward).parameters.values())[1:]
    except (TypeError, ValueError):
        return []
    if any(p.kind is p.VAR_POSITIONAL for p in params):
        return []  # concatenate(*xs): the rule says dx_i
    return [p.name for p in params]


def op_rules(op: Any) -> dict[str, str]:
    """``{input name: backward rule}`` from the docstring, e.g. ``{'x': 'dout * y', ...}``."""
    math = op_math(op)
    if ";" not in math:
        return {}
    rules_text = math.split(";", 1)[1]
    rules_text = re.sub(r"\s{2,}\(.*$", "", rules_text.strip())  # a trailing "(comment)"
    rules = {}
    for part in re.split(r",\s+(?=d\w+\s*=)", rules_text):
        match = re.fullmatch(r"\s*d(\w+)\s*=\s*(.+?)\s*", part)
        if match:
            rules[match.group(1)] = match.group(2)
    return rules


def _local_formula(rule: str) -> str | None:
    """``dout * y`` -> ``y``: the rule as a local derivative, or None if dout is not a factor."""
    if not re.match(r"-?dout(\s*$|\s+[*/]\s|\s+where\s|\s+if\s)", rule):
        return None
    text = re.sub(r"\bdout\b", "1", rule)
    text = re.sub(r"^-1 \* ", "-", text)
    text = re.sub(r"(?<![\w.])1 \* ", "", text)
    text = re.sub(r" \* 1(?![\w.])", "", text)
    if text.startswith("(") and _balanced(text[1:-1]) and text.endswith(")"):
        text = text[1:-1]
    return text


def _balanced(text: str) -> bool:
    depth = 0
    for char in text:
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth < 0:
            return False
    return depth == 0


_INFIX = {"add": "+", "sub": "-", "mul": "*", "div": "/", "pow": "**", "matmul": "@"}
_PRECEDENCE = {"+": 1, "-": 1, "*": 2, "/": 2, "@": 2, "**": 4}


def _precedence(text: str) -> int:
    """How tightly ``text`` binds: 1 for a top-level + or -, 2 for * / @, 3 for a unary minus,
    4 for **, 5 for a name, a number, a call or a parenthesised formula."""
    depth, lowest = 0, 5
    for k, char in enumerate(text):
        if char in "([":
            depth += 1
        elif char in ")]":
            depth -= 1
        elif depth == 0 and char == " " and k + 1 < len(text):
            token = text[k + 1 : text.find(" ", k + 1)] if " " in text[k + 1 :] else ""
            if token in _PRECEDENCE:
                lowest = min(lowest, _PRECEDENCE[token])
    if lowest == 5 and text.startswith("-") and not _NUMBER.fullmatch(text):
        return 3
    if lowest == 5 and " " in text and not (text.startswith("(") and text.endswith(")")):
        return 0 if not _CALL.fullmatch(text) else 5  # an unknown phrase: always parenthesise
    return lowest


_NUMBER = re.compile(r"-?\d[\d.]*(e[+-]?\d+)?|-?inf|nan")
_CALL = re.compile(r"[\w.]+\(.*\)")


def _atom(name: str) -> str:
    """``name`` as it follows a ``d`` or a ``∂``: parenthesised unless a plain name (``dW1``)."""
    return name if _ATOM.fullmatch(name) else f"({name})"


def _wrap(name: str, below: int = 5) -> str:
    """``name`` in parentheses if it binds less tightly than ``below`` (5: anything but an atom)."""
    return name if _precedence(name) >= below else f"({name})"


def _infix(left: str, symbol: str, right: str) -> str:
    """``left symbol right`` with the parentheses precedence needs: a * (b + c), a - (b - c)."""
    level = _PRECEDENCE[symbol]
    if symbol == "**":
        return f"{_wrap(left, 5)} ** {_wrap(right, 4)}"
    same_ok = symbol in ("+", "*")  # a + (b - c) == a + b - c; a - (b - c) is not a - b - c
    return f"{_wrap(left, level)} {symbol} {_wrap(right, level if same_ok else level + 1)}"


def _tidy(rule: str, op: Any) -> str:
    """Rewrites a learner would make: ``W.T^T`` is ``W``; a plain transpose's inverse is ``.T``."""
    rule = re.sub(r"(?<![\w.])([\w.]+)\.T\^T(?![\w.])", r"\1", rule)
    if getattr(op, "axes", 1) is None:
        rule = rule.replace(".transpose(inverse permutation)", ".T")
    return rule


def _substitute(formula: str, words: Mapping[str, str]) -> str:
    return _WORD.sub(lambda m: words.get(m.group(0), m.group(0)), formula)


# -------------------------------------------------------------------------------------------------
# The trace
# -------------------------------------------------------------------------------------------------


@dataclass
class Edge:
    """One edge of the backward pass: the gradient one input of ``node`` receives from it.

    Attributes:
        node, parent: indices into ``BackwardTrace.nodes``.
        slot: which input of the op (0 for x, 1 for y, ...).
        rule: the op's rule for this input, names filled in (``"du * b"``, ``"X^T @ dZ"``).
        local: the local derivative d node / d parent as an array (elementwise ops), else None.
        local_formula: ``local`` as a formula with names (``"b"``, ``"A * (1 - A)"``), or None.
        product: what the op's backward returned (shaped like ``node`` where it broadcast).
        summed_axes: the axes the engine's ``unbroadcast`` sums ``product`` over.
        contribution: this edge's share of d parent (``product`` summed down to parent's shape).
        before: d parent accumulated before this edge (None for the first one).
        total: d parent after this edge.
        final: True when this was the parent's last contribution (its gradient is complete).
        uses: how many edges leave the parent in total (>1: a node used several times).
    """

    node: int
    parent: int
    slot: int
    rule: str
    local: np.ndarray | None
    local_formula: str | None
    product: np.ndarray
    summed_axes: tuple[int, ...]
    contribution: np.ndarray
    before: np.ndarray | None
    total: np.ndarray
    final: bool
    uses: int


@dataclass
class Step:
    """One node taken from the engine's ready list: its edges, or a leaf receiving its grad."""

    node: int
    upstream: np.ndarray  # d node: complete when the node is taken
    edges: list[Edge] = field(default_factory=list)
    leaf: bool = False


class BackwardTrace:
    """The backward pass of one graph, step by step (what ``trace_backward`` returns).

    Attributes:
        nodes: every tensor of the graph, each after its inputs (``engine.toposort(all_nodes)``).
        names: a display name for each node (``names[i]`` for ``nodes[i]``).
        steps: the engine's order of work: one ``Step`` per node taken from its ready list.
        grads: ``{index: dJ/dnode}`` for every node that receives a gradient.
        root: the index of J.

    ``str(trace)`` is the printed text; ``trace.lines(collapse=...)`` the same as lines.
    """

    def __init__(self, nodes, names, steps, grads, root, groups=None, member=None):
        self.nodes: list[Tensor] = nodes
        self.names: list[str] = names
        self.steps: list[Step] = steps
        self.grads: dict[int, np.ndarray] = grads
        self.root: int = root
        self._groups = groups
        self._member = member or {}

    # -- names ------------------------------------------------------------------------------------

    def grad_name(self, i: int) -> str:
        """``"dc"`` for c, ``"d(b * c)"`` for an unnamed sub-expression."""
        name = self.names[i]
        return "d" + (name if _ATOM.fullmatch(name) else f"({name})")

    def formula(self, i: int) -> str:
        """How node ``i`` was computed from its inputs' names: ``"b * c"``, ``"sigmoid(z)"``."""
        t = self.nodes[i]
        if t._op is None:
            return self.names[i]
        parts = [self.names[self._index(p)] for p in t._parents]
        return _formula_of(t, parts) or f"{t._op.name}({', '.join(parts)})"

    def _index(self, t: Tensor) -> int:
        return self._position[id(t)]

    @property
    def _position(self) -> dict[int, int]:
        position = getattr(self, "_position_cache", None)
        if position is None:
            position = {id(t): i for i, t in enumerate(self.nodes)}
            self._position_cache = position
        return position

    # -- text -------------------------------------------------------------------------------------

    def _value(self, a: np.ndarray) -> str:
        """A number, a tiny array in full, or ``(209, 1) min .. mean .. max ..``."""
        if a.size == 1:
            return _number(a.reshape(-1)[0])
        described = _describe(a)
        if a.size <= 6:
            return described
        return f"{a.shape} {described}"

    def _factor(self, a: np.ndarray) -> str:
        """``_value`` as a factor or term: a negative number in parentheses, ``3 · (-1)``."""
        text = self._value(a)
        return f"({text})" if text.startswith("-") else text

    def _edge_lines(self, edge: Edge, indent: str) -> list[str]:
        """One edge: ``u → c:  dc = du · ∂u/∂c = du · b = 3 · 3 = 9`` (arrays: rows below)."""
        node, parent = edge.node, edge.parent
        d_parent, d_node = self.grad_name(parent), self.grad_name(node)
        arrow = f"{_wrap(self.names[node])} \u2192 {_wrap(self.names[parent])}:"
        assign = "=" if edge.before is None else "+="
        upstream = self._upstream[node]
        scalar = upstream.size == 1 and edge.product.size == 1
        rows: list[tuple[str, np.ndarray]] = []
        local = edge.local  # an array whenever local_formula is set
        if edge.local_formula is not None and local is not None:
            partial = f"\u2202{_atom(self.names[node])}/\u2202{_atom(self.names[parent])}"
            formula = edge.local_formula
            local_value = _constant(local)
            head = f"{d_parent} {assign} {d_node} \u00b7 {partial}"
            if local_value is None or local_value != formula:
                head += f" = {d_node} \u00b7 {_wrap(formula, 2)}"
            if scalar:
                shown = local_value if local_value is not None else self._value(local)
                head += f" = {self._factor(upstream)} \u00b7 {_paren_negative(shown)}"
                head += f" = {self._value(edge.product)}"
            else:
                if local_value is None:
                    rows.append((formula, local))
                else:  # the same number everywhere: 1 for add, -1 for sub, 3 for 3 * v
                    head += f" = {d_node} \u00b7 {_paren_negative(local_value)}"
                rows.append((d_parent if not edge.summed_axes else "product", edge.product))
        else:
            head = f"{d_parent} {assign} {edge.rule}"
            if scalar:
                head += f" = {self._value(edge.product)}"
            else:
                rows.append((d_parent if not edge.summed_axes else "result", edge.product))
            head += "   (the op's rule)"
        lines = [f"{indent}{arrow}  {head}"] + self._rows(rows, indent + "    ")
        if edge.summed_axes:
            axes = edge.summed_axes
            where = f"axis {axes[0]}" if len(axes) == 1 else f"axes {axes}"
            shape = self.nodes[parent].shape
            lines.append(
                f"{indent}    summed over {where} ({self.names[parent]} has shape {shape}): "
                f"{d_parent if edge.before is None else 'this part'} = "
                f"{self._value(edge.contribution)}"
            )
        if edge.before is not None:
            total = ""
            if edge.before.size <= 6:
                total = f"{self._value(edge.before)} + {self._factor(edge.contribution)} = "
            lines.append(
                f"{indent}    {self.names[parent]} is used {edge.uses} times, so its gradients "
                f"add up: {d_parent} = {total}{self._value(edge.total)}"
            )
        return lines

    def _rows(self, rows: list[tuple[str, np.ndarray]], indent: str, sep: str = "") -> list[str]:
        if not rows:
            return []
        width = max(len(label) for label, _ in rows)
        return [f"{indent}{label:<{width}}  {sep}{self._value(value)}" for label, value in rows]

    @property
    def _upstream(self) -> dict[int, np.ndarray]:
        return {step.node: step.upstream for step in self.steps}

    def lines(self) -> list[str]:
        """The printed trace, one string per line (one line per edge when collapsed by layer)."""
        if self._groups is not None:
            return self._compact_lines()
        root = self.root
        d_root = self.grad_name(root)
        out = [
            f"Backward pass from {self.names[root]} = {self._value(self.nodes[root].data)}, in "
            f"the order the engine runs it; dX means d{_wrap(self.names[root])}/dX.",
            "Each edge applies the chain rule: d(input) = d(output) \u00b7 "
            "\u2202output/\u2202input, the local derivative.",
        ]
        out += self._legend()
        current_group = None
        for number, step in enumerate(self.steps, start=1):
            i = step.node
            t = self.nodes[i]
            group = self._member.get(i)
            if self._groups is not None and group is not None and group != current_group:
                out += ["", f"-- {self._groups[group]} --"]
                current_group = group
            if step.leaf:
                if not (out[-1].startswith("step") and "a leaf" in out[-1]):
                    out.append("")
                out.append(
                    f"step {number}  {self.names[i]} is a leaf: backward stores "
                    f"{self.names[i]}.grad = {self.grad_name(i)} = {self._value(step.upstream)}"
                )
                continue
            if out[-1] and not out[-1].startswith("-- "):
                out.append("")
            formula = self.formula(i)
            equation = self.names[i] if formula == self.names[i] else f"{self.names[i]} = {formula}"
            start = ""
            if i == root:
                start = f" (the start: d{self.names[i]}/d{self.names[i]} = 1)"
                if not (step.upstream.size == 1 and step.upstream.reshape(-1)[0] == 1):
                    start = " (the start: the gradient passed in)"
            if t.size == 1 and step.upstream.size == 1:
                out.append(
                    f"step {number}  {equation} = {self._value(t.data)}  [{t.op}]   "
                    f"{self.grad_name(i)} = {self._value(step.upstream)}{start}"
                )
            else:
                out.append(f"step {number}  {equation}  [{t.op}]{start}")
                rows = [(self.names[i], t.data), (self.grad_name(i), step.upstream)]
                out += self._rows(rows, "          ", "= ")
            for edge in step.edges:
                out += self._edge_lines(edge, "        ")
        leaves = [i for i, t in enumerate(self.nodes) if t._op is None and i in self.grads]
        if leaves:
            grads = ",  ".join(
                f"{self.grad_name(i)} = {self._value(self.grads[i])}" for i in leaves
            )
            out += ["", f"Gradients of the leaves ({d_root[:1]}X = {d_root}/dX): {grads}"]
        return out

    def _compact_lines(self) -> list[str]:
        """Grouped by layer, one line per edge: the gradient's formula and its value."""
        root = self.root
        out = [
            f"Backward pass from {self.names[root]} = {self._value(self.nodes[root].data)}, in "
            f"the order the engine runs it, by layer; dX means d{_wrap(self.names[root])}/dX.",
        ]
        out += self._legend()
        rows: list[tuple[str, str]] = []

        def flush() -> None:
            width = min(max((len(left) for left, _ in rows), default=0), 56)
            out.extend(f"  {left:<{width}}   {right}".rstrip() for left, right in rows)
            rows.clear()

        current = -1
        for step in self.steps:
            i = step.node
            group = self._member.get(i)
            if group != current:
                flush()
                title = self._groups[group] if group is not None else "outside the layers"
                out += ["", f"-- {title} --"]
                current = group
            if step.leaf:
                rows.append(
                    (f"{self.names[i]}.grad = {self.grad_name(i)}", self._value(step.upstream))
                )
                continue
            if i == root:
                rows.append((f"{self.grad_name(i)} = 1 (the start)", ""))
            for edge in step.edges:
                d_node, d_parent = self.grad_name(i), self.grad_name(edge.parent)
                if edge.local_formula is not None:
                    local = _constant(edge.local)
                    factor = edge.local_formula if local is None else local
                    expr = f"{d_node} \u00b7 {_paren_negative(_wrap(factor, 2))}"
                else:
                    expr = edge.rule
                if edge.summed_axes:
                    axes = edge.summed_axes
                    expr += (
                        f", summed over axis {axes[0]}"
                        if len(axes) == 1
                        else (f", summed over axes {axes}")
                    )
                if edge.before is None:
                    rows.append((f"{d_parent} = {expr}", self._value(edge.contribution)))
                else:
                    rows.append((f"{d_parent} += {expr}", self._value(edge.contribution)))
                    rows.append(
                        (f"   {d_parent} = the sum of {edge.uses} parts", self._value(edge.total))
                    )
        flush()
        return out

    def _legend(self) -> list[str]:
        """``where t1 = ...`` for nodes named by a counter."""
        lines = []
        for i, name in enumerate(self.names):
            if (
                re.fullmatch(r"t\d+", name)
                and self.nodes[i]._op is not None
                and not self.nodes[i].name
            ):
                lines.append(f"  {name} = {self.formula(i)}")
        return (["where"] + lines) if lines else []

    def __str__(self) -> str:
        return "\n".join(self.lines())

    def __repr__(self) -> str:
        edges = sum(len(s.edges) for s in self.steps)
        return f"<BackwardTrace of {self.names[self.root]}: {len(self.steps)} steps, {edges} edges>"


def _paren_negative(text: str) -> str:
    return f"({text})" if text.startswith("-") else text


def _number(x) -> str:
    """``_num`` without the sign of zero: a learner reads -0 as a bug."""
    return "0" if x == 0 else _num(x)


def _constant(a: np.ndarray | None) -> str | None:
    """The number every element of ``a`` equals, as text, or None."""
    if a is None or a.size == 0:
        return None
    flat = a.reshape(-1)
    first = flat[0]
    if a.size == 1 or bool(np.all(flat == first)):
        return _number(first)
    return None


def _replayable(node: Tensor):
    """The node's op with what it saved: the op itself, or a copy re-run on the inputs' values."""
    op = node._op
    assert op is not None, "called for the nodes an op made"
    if op.saved is not None:
        if engine._write_clock and engine._write_clock > getattr(op, "clock", 0):
            engine._check_not_overwritten(node, op)
        return op
    replay = copy.copy(op)
    with np.errstate(all="ignore"):
        out = replay.forward(*[p.data for p in node._parents])
    out = np.asarray(out)
    if out.shape != node.data.shape or not np.array_equal(out, node.data, equal_nan=True):
        raise RuntimeError(
            f"trace_backward: the graph was released by backward() and '{op.name}' gives "
            f"another value when re-run on its inputs now: an input was changed after the forward "
            f"pass (an optimizer step?) or the op is random. Trace before backward(), or pass "
            f"retain_graph=True to backward()."
        )
    return replay


def _display_names(
    nodes: list[Tensor],
    inferred: dict[int, str],
    root: Tensor,
    preset: dict[int, str] | None = None,
) -> list[str]:
    """A unique, printable name for every node: ``preset[i]``, its own, from ``names=``, a
    formula of its inputs' names, or t1, t2, ... for long formulas."""
    preset = preset or {}
    names: list[str] = []
    used: dict[str, int] = {}
    position = {id(t): i for i, t in enumerate(nodes)}
    counter = 0
    counts: dict[str, int] = {}
    taken = {_clean(n) for n in inferred.values()} | {_clean(t.name) for t in nodes if t.name}
    taken |= set(preset.values())
    for i, t in enumerate(nodes):
        own = preset.get(i) or t.name or inferred.get(id(t))
        if own is not None:
            name = _clean(own)
            if name in used and id(t) in inferred and _clean(inferred[id(t)]) not in used:
                name = _clean(inferred[id(t)])  # two W's: model.0.W and model.2.W
        elif t._op is None and not t.requires_grad and t.size == 1:
            name = _num(t.data.reshape(-1)[0])  # a constant is shown by its value
        elif t is root:
            name = "J" if "J" not in taken else "out"
        elif t._op is None:
            kind = "data" if not t.requires_grad else "leaf"
            counts[kind] = counts.get(kind, 0) + 1
            while f"{kind}{counts[kind]}" in taken:
                counts[kind] += 1
            name = f"{kind}{counts[kind]}"
        else:
            parts = [names[position[id(p)]] for p in t._parents]
            formula = _formula_of(t, parts)
            if formula is not None and len(formula) <= _MAX_NAME:
                name = formula
            else:
                counter += 1
                while f"t{counter}" in taken:
                    counter += 1
                name = f"t{counter}"
        if name in used and not (t._op is None and not t.requires_grad and t.size == 1):
            k = 2
            while f"{name}_{k}" in used:
                k += 1
            name = f"{name}_{k}"
        used[name] = i
        names.append(name)
    return names


def _formula_of(t: Tensor, parts: list[str]) -> str | None:
    """``b * c``, ``-x``, ``W.T``, ``sigmoid(z)`` from the inputs' names; None if not writable."""
    op = t.op or ""
    if op in _INFIX and len(parts) == 2:
        return _infix(parts[0], _INFIX[op], parts[1])
    if op == "neg" and len(parts) == 1:
        return f"-{_wrap(parts[0], 4)}"
    if op == "transpose" and len(parts) == 1 and getattr(t._op, "axes", 1) is None:
        return f"{_wrap(parts[0])}.T"
    if len(parts) == 1:
        return f"{op}({parts[0]})"
    return None


def _rule_words(op, names: list[str], node_name: str, inputs: list[str], d_node: str) -> dict:
    words = {"out": _wrap(node_name), "dout": d_node}  # d_node is already a d-name
    for k, input_name in enumerate(inputs):
        if k < len(names):
            words[input_name] = _wrap(names[k])
    for slot in getattr(type(op), "__slots__", ()):
        value = getattr(op, slot, None)
        if isinstance(value, (int, float, np.number)) and not isinstance(value, bool):
            words.setdefault(slot, _num(value))
    return words


def _course_names(nodes: list[Tensor], member: dict[int, int], groups: list) -> dict[int, str]:
    """For a trace collapsed by layer: the course's W1, b1, Z1, A1, ... (``{index: name}``).

    Layer k's parameters named W and b become Wk and bk, its activation's output Ak and the op
    feeding the activation Zk (the course's Z = W A_prev + b).
    """
    from tinygrad_edu.viz.graph import _ACTIVATIONS

    names: dict[int, str] = {}
    for index, (_, module) in enumerate(groups):
        if module is None or not _module_params(module):  # the cost, or pooling between layers
            continue
        k = index + 1
        members = [i for i, t in enumerate(nodes) if member.get(id(t)) == index]
        for i in members:
            t = nodes[i]
            base = (t.name or "").rsplit(".", 1)[-1]
            if t._op is None and base in ("W", "b"):
                names[i] = f"{base}{k}"
        ops = [i for i in members if nodes[i]._op is not None and not nodes[i].name]
        if ops and nodes[ops[-1]].op in _ACTIVATIONS:
            names[ops[-1]] = f"A{k}"
            if len(ops) > 1:
                names[ops[-2]] = f"Z{k}"
    if len(set(names.values())) != len(names):  # two layers' W's share a name: keep their own
        return {}
    return names


def backward_steps(
    tensor: Tensor,
    *,
    names: Mapping[str, Any] | None = None,
    gradient: Any = None,
    collapse: Any = None,
) -> BackwardTrace:
    """Replay ``tensor``'s backward pass and return it as a ``BackwardTrace`` (printing nothing).

    Arguments as for ``trace_backward``.

    Raises:
        TypeError: ``tensor`` is not a Tensor.
        RuntimeError: ``tensor`` does not require grad, or has more than one element and no
            ``gradient`` is given (the message says what to pass).
        ValueError: a ``gradient`` of another shape than ``tensor``.

    >>> import tinygrad_edu as tg
    >>> a, b = tg.Tensor(2.0, requires_grad=True), tg.Tensor(5.0, requires_grad=True)
    >>> trace = backward_steps(a * b, names={"a": a, "b": b})
    >>> [trace.names[s.node] for s in trace.steps]
    ['J', 'b', 'a']
    """
    if not isinstance(tensor, Tensor):
        raise TypeError(f"trace_backward: expected a Tensor, got {type(tensor).__name__}.")
    if not tensor.requires_grad:
        raise RuntimeError(
            "trace_backward: this tensor does not require grad, so there is no backward pass to "
            "show. Create the inputs with requires_grad=True (e.g. Tensor(5.0, "
            "requires_grad=True))."
        )
    if gradient is None:
        if tensor.size != 1:
            raise RuntimeError(
                f"trace_backward: the backward pass starts from a single number (a loss), but "
                f"this tensor has shape {tensor.shape}. Trace J = out.sum() or out.mean(), or "
                f"pass gradient=np.ones({tensor.shape})."
            )
        gradient = np.ones_like(tensor.data)
    else:
        gradient = np.array(getattr(gradient, "data", gradient), dtype=tensor.data.dtype)
        if gradient.shape != tensor.shape:
            raise ValueError(
                f"trace_backward: expected a gradient of shape {tensor.shape}, got "
                f"{gradient.shape}."
            )
    nodes = engine.toposort(tensor, all_nodes=True)
    position = {id(t): i for i, t in enumerate(nodes)}
    groups = member_index = None
    preset: dict[int, str] = {}
    if collapse is not None:
        member, group_list = _assign_groups(nodes, collapse)
        preset = _course_names(nodes, member, group_list)
        groups = []
        for label, module in group_list:
            kind = type(module).__name__ if module is not None else ""
            if hasattr(module, "n_in") and hasattr(module, "n_out"):
                kind = f"{kind} {module.n_in} \u2192 {module.n_out}"
            text = f"{label}: {kind}" if kind not in ("", "list", "tuple", "Tensor") else label
            if module is None:
                text = "after the layers (the cost)"
            groups.append(_clean(text))
        member_index = {position[k]: v for k, v in member.items() if k in position}
    display = _display_names(nodes, _names_from(names), tensor, preset)
    inputs_cache: dict[type, tuple[list[str], dict[str, str]]] = {}

    # The engine's algorithm (engine._backward), step for step: count the edges leaving every node
    # that needs a gradient, start from the root, and take nodes from the end of the ready list.
    pending = engine._consumer_counts([tensor])
    uses = dict(pending)
    grads_so_far = {tensor: gradient}
    final_grads: dict[int, np.ndarray] = {}
    steps: list[Step] = []
    ready = [tensor]
    with np.errstate(all="ignore"), no_grad():  # as the engine runs backward rules
        while ready:
            node = ready.pop()
            grad = grads_so_far.pop(node)
            i = position[id(node)]
            final_grads[i] = grad
            step = Step(node=i, upstream=grad, leaf=node._op is None)
            steps.append(step)
            if node._op is None:
                continue
            op = _replayable(node)
            input_grads = op.backward(grad)
            cls = type(op)
            if cls not in inputs_cache:
                inputs_cache[cls] = (op_inputs(op), op_rules(op))
            input_names, rules = inputs_cache[cls]
            parent_names = [display[position[id(p)]] for p in node._parents]
            words = _rule_words(op, parent_names, display[i], input_names,
                                "d" + _atom(display[i]))  # fmt: skip
            ones_grads = None
            for slot, (parent, pgrad) in enumerate(zip(node._parents, input_grads, strict=False)):
                if not parent.requires_grad:
                    continue
                if pgrad is not None:
                    pgrad = np.asarray(pgrad)
                    key = input_names[slot] if slot < len(input_names) else None
                    rule = rules.get(key, "") if key else ""
                    edge_words = words
                    if not input_names and len(rules) == 1:  # concatenate(*xs): "dx_i = ..."
                        ((key, rule),) = rules.items()
                        edge_words = {**words, key: _wrap(parent_names[slot])}
                    local_formula = _local_formula(rule) if rule else None
                    local = None
                    if local_formula is not None:
                        if ones_grads is None:
                            ones_grads = op.backward(np.ones_like(grad))
                        local = _checked_local(ones_grads[slot], grad, pgrad)
                        if local is None:
                            local_formula = None
                    contribution = pgrad
                    if pgrad.shape != parent.data.shape:
                        contribution = engine.unbroadcast(pgrad, parent.data.shape)
                    if contribution.dtype != parent.data.dtype:  # as the engine: float32 stays
                        contribution = contribution.astype(parent.data.dtype)
                    summed: tuple[int, ...] = ()
                    if pgrad.shape != parent.data.shape:
                        summed = _broadcast_axes(parent.data.shape, pgrad.shape)
                    before = grads_so_far.get(parent)
                    total = contribution if before is None else before + contribution
                    grads_so_far[parent] = total
                    p = position[id(parent)]
                    step.edges.append(
                        Edge(
                            node=i,
                            parent=p,
                            slot=slot,
                            rule=_tidy(_substitute(rule, edge_words), op)
                            if rule
                            else "(the op's docstring states no rule)",
                            local=local,
                            local_formula=(
                                _substitute(local_formula, edge_words) if local_formula else None
                            ),
                            product=pgrad,
                            summed_axes=summed,
                            contribution=np.asarray(contribution),
                            before=None if before is None else np.asarray(before),
                            total=np.asarray(total),
                            final=pending[parent] == 1,
                            uses=uses[parent],
                        )
                    )
                left = pending[parent] - 1
                pending[parent] = left
                if left == 0:
                    if parent in grads_so_far:
                        ready.append(parent)
                    else:
                        del pending[parent]
    return BackwardTrace(nodes, display, steps, final_grads, position[id(tensor)], groups,
                         member_index)  # fmt: skip


def _checked_local(local, upstream: np.ndarray, product: np.ndarray) -> np.ndarray | None:
    """``local`` if upstream * local reproduces the op's own gradient, else None (not a factor)."""
    if local is None:
        return None
    local = np.asarray(local)
    try:
        again = upstream * local
    except ValueError:
        return None
    if again.shape != product.shape:
        return None
    if not np.allclose(again, product, rtol=1e-10, atol=0, equal_nan=True):
        return None
    return local


def trace_backward(
    tensor: Tensor,
    *,
    names: Mapping[str, Any] | None = None,
    gradient: Any = None,
    collapse: Any = None,
    file: TextIO | None = None,
) -> BackwardTrace:
    """Print the backward pass from ``tensor`` (J), edge by edge, in the order the engine runs it.

    For each node the engine takes from its ready list, every edge to an input is printed with the
    upstream gradient, the local derivative (a formula from the op's docstring and its value), and
    their product: ``dc = du · ∂u/∂c = du · b = 3 · 3 = 9``. A node used more than once shows its
    gradients adding up; a gradient summed over broadcast axes says so ("summed over axis 0": the
    course's ``db = sum(dZ)``); arrays are shown by shape and min/mean/max.

    Nothing is changed: ``.grad`` stays as it was (call ``J.backward()`` to fill it) and the graph
    is not released. It works before and after ``backward()``.

    Args:
        tensor: the output (usually the cost J) to start from.
        names: a mapping such as ``locals()`` naming the tensors (modules name their parameters).
        gradient: dJ/dtensor, for a tensor that is not a single number (as in ``backward``).
        collapse: an ``nn.Module`` (or ``{label: module}``): steps are grouped by layer and the
            layer's tensors get the course's names (W1, b1, Z1, A1, ...).
        file: where to print (default: standard output).

    Returns:
        The ``BackwardTrace`` (its ``steps`` hold every number that was printed).

    Raises:
        RuntimeError: the tensor needs no gradient, or it is not a single number and no
            ``gradient`` was given.

    >>> import tinygrad_edu as tg
    >>> a, b, c = (tg.Tensor(v, requires_grad=True) for v in (5.0, 3.0, 2.0))
    >>> u = b * c; v = a + u; J = 3 * v
    >>> _ = trace_backward(J, names=locals())  # doctest: +ELLIPSIS
    Backward pass from J = 33, ...
    step 3  u = b * c = 6  [mul]   du = 3
            u → b:  db = du · ∂u/∂b = du · c = 3 · 2 = 6
            u → c:  dc = du · ∂u/∂c = du · b = 3 · 3 = 9
    ...
    """
    trace = backward_steps(tensor, names=names, gradient=gradient, collapse=collapse)
    out = sys.stdout if file is None else file
    out.write(str(trace) + "\n")
    return trace
