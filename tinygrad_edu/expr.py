"""Arithmetic expressions as computation graphs, and the ``tinygrad-edu graph`` command.

Layer: ``expr``, above ``viz`` (it draws with ``viz.render``) and below ``cli``.

``evaluate("3 * (a + b * c)", {"a": 5, "b": 3, "c": 2})`` builds the course's J with tensors, runs
backward with every intermediate gradient kept, and returns J and its variables. The text is read
with Python's ``ast`` parser and checked against a whitelist (numbers, variables, ``+ - * / **``,
unary minus, parentheses and the functions in ``FUNCTIONS``); nothing is ever passed to ``eval``,
``exec`` or ``compile`` to code. Anything else is refused with a one-line ``ExpressionError`` that
gives the column.

Intermediate nodes are named by their sub-expression text (``b * c``, ``a + b * c``); a text longer
than ``MAX_NAME`` characters is named ``t1``, ``t2``, ... in evaluation order instead. Identical
sub-expressions are computed once and share one node.
"""

from __future__ import annotations

import argparse
import ast
import re
import sys
import unicodedata
import warnings
from collections.abc import Callable, Collection, Mapping
from typing import Any

import numpy as np

from tinygrad_edu import viz
from tinygrad_edu.debug import LogOfZeroWarning, NonFiniteGradientWarning
from tinygrad_edu.tensor import Tensor

FUNCTIONS: dict[str, Callable[[Tensor], Tensor]] = {
    "exp": Tensor.exp,
    "log": Tensor.log,
    "sqrt": Tensor.sqrt,
    "tanh": Tensor.tanh,
    "sigmoid": Tensor.sigmoid,
    "relu": Tensor.relu,
    "abs": Tensor.abs,
}
MAX_CHARS = 1000  # longer input is refused before parsing
MAX_NODES = 300  # syntax-tree nodes: bounds the work and the recursion depth of evaluation
MAX_NAME = 24  # longer sub-expressions are named t1, t2, ... in drawings

_OPERATORS: dict[type, tuple[str, Callable[[Any, Any], Any]]] = {
    ast.Add: ("+", lambda x, y: x + y),
    ast.Sub: ("-", lambda x, y: x - y),
    ast.Mult: ("*", lambda x, y: x * y),
    ast.Div: ("/", lambda x, y: x / y),
    ast.Pow: ("**", lambda x, y: x**y),
}
_OTHER_OPERATORS = {ast.Mod: "%", ast.FloorDiv: "//", ast.MatMult: "@", ast.LShift: "<<",
                    ast.RShift: ">>", ast.BitOr: "|", ast.BitAnd: "&", ast.BitXor: "^"}  # fmt: skip
_ALLOWED = "numbers, variables, + - * / **, parentheses and " + ", ".join(FUNCTIONS)

# What a learner may have tried, and why it is refused (checked in this order).
_REFUSED: tuple[tuple[type | tuple[type, ...], str], ...] = (
    (ast.Attribute, "attribute access (.{attr}) is not allowed"),
    (ast.Subscript, "indexing with [...] is not allowed"),
    (ast.Lambda, "lambda is not allowed"),
    ((ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp), "comprehensions are not allowed"),
    (ast.NamedExpr, "assignment (:=) is not allowed"),
    ((ast.Compare, ast.BoolOp), "comparisons and and/or are not allowed"),
    (ast.IfExp, "if/else expressions are not allowed"),
    ((ast.Tuple, ast.List, ast.Set, ast.Dict, ast.Starred), "only a single number is allowed here"),
    (ast.JoinedStr, "strings are not allowed"),
)


class ExpressionError(ValueError):
    """A refused or malformed expression; ``column`` is 1-based (0 when no column applies)."""

    def __init__(self, message: str, column: int = 0):
        self.column = column
        where = f"column {column}: " if column else ""
        super().__init__(f"{where}{message}")


def _position(node: ast.AST) -> tuple[int, int]:
    return getattr(node, "lineno", 1), getattr(node, "col_offset", 0)


def _column(text: str, node: ast.AST) -> int:
    """1-based character column of ``node`` (the parser counts UTF-8 bytes)."""
    # Every node _refusal refuses has a position (the others, such as operator symbols, pass).
    prefix = text.encode("utf-8", "surrogatepass")[: getattr(node, "col_offset", 0)]
    return len(prefix.decode("utf-8", "ignore")) + 1


_NUMBER_THEN_NAME = re.compile(
    r"(?<![\w.])(\d[\d_]*(?:\.\d*)?(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)([A-Za-z_]\w*)"
)


def _operand_before(text: str) -> str:
    """The operand that ends ``text``: a name, a number or a parenthesized group."""
    text = text.rstrip()
    if text.endswith(")"):
        depth = 0
        for i in range(len(text) - 1, -1, -1):
            depth += {")": 1, "(": -1}.get(text[i], 0)
            if depth == 0:  # with the function's name, if it is a call: exp(a)
                name = re.search(r"\w*$", text[:i])
                return text[i - len(name.group()) if name else i :]
        return ""
    match = re.search(r"[\w.]+$", text)
    return match.group() if match else ""


def _operand_after(text: str) -> str:
    """The operand that starts ``text``: a name, a number or a parenthesized group."""
    if text.startswith("("):
        depth = 0
        for i, char in enumerate(text):
            depth += {"(": 1, ")": -1}.get(char, 0)
            if depth == 0:
                return text[: i + 1]
        return ""
    match = re.match(r"[\w.]+", text)
    return match.group() if match else ""


def _missing_product(text: str, index: int, message: str) -> str:
    """``2*a`` when the syntax error at ``index`` is two operands side by side (``2a``, ``2 a``,
    ``(a + b)c``), else ''."""
    if "decimal literal" in message:  # 2a: Python reads a malformed number
        for match in _NUMBER_THEN_NAME.finditer(text):
            if match.start() <= index < match.end():
                return f"{match.group(1)}*{match.group(2)}"
        return ""
    if message != "invalid syntax" or index >= len(text):
        return ""
    left, right = _operand_before(text[:index]), _operand_after(text[index:])
    if not left or not right or not text[:index].endswith((" ", ")")):
        return ""
    return f"{left}*{right}"


def parse(text: str, variables: Collection[str] = ()) -> ast.Expression:
    """Parse and check ``text``: a syntax tree that holds only whitelisted nodes.

    ``variables`` (the names that will get values) only shape the errors: ``a(b + c)`` with a
    variable ``a`` is a forgotten ``*``, ``sin(a)`` an unknown function.

    Raises:
        ExpressionError: too long, not an expression, or uses anything outside the whitelist.

    >>> ast.unparse(parse("3*(a + b*c)"))
    '3 * (a + b * c)'
    """
    if not isinstance(text, str):
        raise TypeError(f"parse: expected the expression as a str, got {type(text).__name__}.")
    if len(text) > MAX_CHARS:
        raise ExpressionError(
            f"the expression has {len(text)} characters; at most {MAX_CHARS} are allowed.",
            MAX_CHARS + 1,
        )
    for i, char in enumerate(text):
        if char in "\n\r\x00":
            raise ExpressionError("write the expression on one line.", i + 1)
    stripped = text.lstrip()
    indent = len(text) - len(stripped)
    if not stripped.strip():
        raise ExpressionError(f"the expression is empty; write e.g. 3*(a + b*c) using {_ALLOWED}.")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # e.g. "'int' object is not callable" for 2(3)
            tree = ast.parse(stripped, mode="eval")  # builds a syntax tree; runs nothing
    except SyntaxError as err:
        # offset 0 means "at the end" (an unfinished expression such as "a +")
        offset = err.offset if err.offset and err.offset > 0 else len(stripped) + 1
        column = indent + min(offset, len(stripped) + 1)
        why = "invalid syntax" if err.msg == "invalid syntax" else f"invalid syntax: {err.msg}"
        product = _missing_product(stripped, min(offset, len(stripped) + 1) - 1, err.msg)
        if product:  # 2a, 2 a, (a + b)c: a forgotten *
            why = f"two terms side by side; to multiply, write {product}"
        raise ExpressionError(f"{why}.", column) from None
    except (UnicodeError, ValueError, RecursionError, MemoryError) as err:
        raise ExpressionError(f"cannot read the expression ({type(err).__name__}).") from None
    nodes = list(ast.walk(tree))
    if len(nodes) > MAX_NODES:
        raise ExpressionError(f"the expression is too complex: more than {MAX_NODES} parts.", 1)
    called = {id(n.func) for n in nodes if isinstance(n, ast.Call)}
    known = {n.id for n in nodes if isinstance(n, ast.Name) and id(n) not in called}
    known |= set(variables)
    bad = [(node, _refusal(node, known)) for node in nodes]
    bad = [(node, why) for node, why in bad if why]
    if bad:  # report the leftmost problem
        # ast.walk lists a node before its children: among equal positions the outer one wins
        node, why = min(bad, key=lambda item: _position(item[0]))
        raise ExpressionError(why, indent + _column(stripped, node))
    return tree


def _refusal(node: ast.AST, variables: Collection[str] = ()) -> str:
    """Why ``node`` is not allowed, or '' if it is (``variables``: the names known as variables)."""
    for kinds, why in _REFUSED:
        if isinstance(node, kinds):
            return why.format(attr=getattr(node, "attr", ""))
    if not hasattr(node, "col_offset"):  # Expression, Load, operator symbols: parents are checked
        return ""
    if isinstance(node, ast.Name):
        return ""
    if isinstance(node, ast.UnaryOp):
        if not isinstance(node.op, (ast.USub, ast.UAdd)):
            return "only unary minus is allowed (not 'not' or '~')"
        return ""
    if isinstance(node, ast.BinOp):
        if type(node.op) not in _OPERATORS:
            symbol = _OTHER_OPERATORS.get(type(node.op), type(node.op).__name__)
            return f"operator {symbol} is not supported; use + - * / **"
        return ""
    if isinstance(node, ast.Constant):
        value = node.value
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return f"{value!r} is not a number"
        return ""
    if isinstance(node, ast.Call):
        if isinstance(node.func, ast.Attribute):  # obj.method(...): name the attribute access
            return _refusal(node.func)
        if isinstance(node.func, (ast.Constant, ast.BinOp, ast.UnaryOp, ast.Call)):
            left = ast.unparse(node.func)  # 3(a + b), (a + b)(c + d): a forgotten *
            if not isinstance(node.func, (ast.Constant, ast.Call)):
                left = f"({left})"
            return f"multiplication needs *: write {left}*(...), not {left}(...)"
        if not isinstance(node.func, ast.Name):
            return f"only these functions can be called: {', '.join(FUNCTIONS)}"
        if node.func.id not in FUNCTIONS:
            if node.func.id in variables and len(node.args) == 1 and not node.keywords:
                name = node.func.id  # a(b + c) with a variable a
                return f"{name!r} is a variable, not a function; to multiply, write {name}*(...)"
            return f"unknown function {node.func.id!r}; allowed: {', '.join(FUNCTIONS)}"
        if node.keywords:
            return f"{node.func.id}() takes no keyword arguments"
        if len(node.args) != 1:
            return f"{node.func.id}() takes exactly one argument, got {len(node.args)}"
        return ""
    return f"{type(node).__name__} is not allowed; use {_ALLOWED}"


def variables_of(tree: ast.Expression) -> list[str]:
    """The variable names an expression uses, in order of first appearance.

    >>> variables_of(parse("3*(a + b*c) + exp(a)"))
    ['a', 'b', 'c']
    """
    seen: dict[str, None] = {}
    for node in sorted(
        (n for n in ast.walk(tree) if isinstance(n, ast.Name)),
        key=lambda n: (n.lineno, n.col_offset),
    ):
        if node.id not in FUNCTIONS or not _is_called(tree, node):
            seen.setdefault(node.id, None)
    return list(seen)


def _is_called(tree: ast.Expression, name: ast.Name) -> bool:
    return any(isinstance(n, ast.Call) and n.func is name for n in ast.walk(tree))


def _evaluate(text: str, values: Mapping[str, Any], name: str):
    """``evaluate`` plus the sub-expression text of each variable (for printing)."""
    tree = parse(text, variables=values)
    stripped = text.lstrip()
    indent = len(text) - len(stripped)
    used = variables_of(tree)
    if name in used:
        raise ExpressionError(
            f"the result's name {name!r} is also a variable of the expression; give the result "
            f"another name (the default is J)."
        )
    inputs: dict[str, Tensor] = {}
    computed: dict[str, Tensor] = {}  # sub-expression text -> tensor: identical ones share a node
    texts: dict[str, str] = {}
    counter = [0]
    reserved = set(used) | {name}  # t1, t2, ... never reuse a variable's name (nor the result's)

    def leaf(node: ast.Name) -> Tensor:
        key = node.id
        if key in FUNCTIONS:
            raise ExpressionError(
                f"{key} is a function; call it: {key}(x).", indent + _column(stripped, node)
            )
        if key not in values:
            raise ExpressionError(
                f"unknown variable {key!r}: give it a value (on the command line: --set {key}=1).",
                indent + _column(stripped, node),
            )
        if key not in inputs:
            try:
                inputs[key] = Tensor(float(values[key]), requires_grad=True, name=key)
            except (TypeError, ValueError):
                raise ExpressionError(
                    f"the value of {key!r} must be a number, got {values[key]!r}."
                ) from None
        return inputs[key]

    def visit(node: ast.AST) -> Tensor:
        if isinstance(node, ast.Constant):
            assert isinstance(node.value, (int, float)), "parse() refuses other constants"
            try:
                number = float(node.value)
            except OverflowError:
                number = float("inf")
            if not np.isfinite(number):
                raise ExpressionError(
                    "number too large for float64 (above 1.8e308).",
                    indent + _column(stripped, node),
                )
            return Tensor(number)
        if isinstance(node, ast.Name):
            return leaf(node)
        key = ast.unparse(node)
        if key in computed:
            return computed[key]
        if isinstance(node, ast.UnaryOp):
            operand = visit(node.operand)
            out = -operand if isinstance(node.op, ast.USub) else operand
        elif isinstance(node, ast.BinOp):
            x, y = visit(node.left), visit(node.right)
            out = _OPERATORS[type(node.op)][1](x, y)
        else:  # ast.Call: parse() allowed only whitelisted functions of one argument
            assert isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
            out = FUNCTIONS[node.func.id](visit(node.args[0]))
        if out.requires_grad and out.name is None:
            if len(key) <= MAX_NAME:
                out.name = key
            else:
                counter[0] += 1
                while f"t{counter[0]}" in reserved:
                    counter[0] += 1
                out.name = f"t{counter[0]}"
            texts[out.name] = key
        computed[key] = out
        return out

    with np.errstate(all="ignore"):  # log(-1) = nan and 1/0 = inf are shown, not warned about
        root = visit(tree.body)
        if not root.requires_grad:
            raise ExpressionError(
                "the expression uses no variables, so there is nothing to differentiate; "
                "write e.g. 3*(a + b*c) and give values with --set a=5 b=3 c=2.",
                indent + 1,
            )
        if name in computed and computed[name] is not root:
            raise ExpressionError(
                f"the result's name {name!r} is also the text of a part of the expression; give "
                f"the result another name (the default is J)."
            )
        if root.name is None or root.name in texts:
            texts.pop(root.name or "", None)
            root.name = name
            texts[name] = ast.unparse(tree.body)
        root.backward(retain_grads=True)
    variables = dict(inputs)
    for t in computed.values():
        if t.requires_grad and t.name is not None and t.name not in variables:
            variables[t.name] = t
    variables[root.name] = root
    return root, variables, texts


def evaluate(
    text: str, values: Mapping[str, Any], *, name: str = "J"
) -> tuple[Tensor, dict[str, Tensor]]:
    """Build the graph of ``text`` with ``values``, run backward, and return ``(J, variables)``.

    Every variable and intermediate node requires grad and keeps its gradient
    (``backward(retain_grads=True)``), so ``variables["b * c"].grad`` is the course's ``du``.

    Args:
        text: e.g. ``"3 * (a + b * c)"``: numbers, variables, ``+ - * / **``, unary minus,
            parentheses and the functions in ``FUNCTIONS``.
        values: a number for every variable, e.g. ``{"a": 5, "b": 3, "c": 2}``.
        name: the name of the result in drawings and in ``variables`` (the course's ``J``).

    Returns:
        ``J`` and a dict ``name -> Tensor``: the inputs in order of first use, then the
        intermediate nodes in evaluation order, then ``J``.

    Raises:
        ExpressionError: (a ``ValueError``) with the column of the first problem.

    >>> J, variables = evaluate("3*(a + b*c)", {"a": 5, "b": 3, "c": 2})
    >>> J.item(), variables["b * c"].grad.item(), variables["c"].grad.item()
    (33.0, 3.0, 9.0)
    """
    root, variables, _ = _evaluate(text, values, name)
    return root, variables


# -------------------------------------------------------------------------------------------------
# The ``graph`` subcommand
# -------------------------------------------------------------------------------------------------


def _parse_set(items: list[str]) -> dict[str, float]:
    values: dict[str, float] = {}
    for item in items:
        key, sep, raw = item.partition("=")
        # Python reads identifiers in NFKC form (fullwidth "ａ" is "a"), so the names set here must
        # be too, or "ａ*b --set ａ=1" says that the variable a has no value.
        key = unicodedata.normalize("NFKC", key.strip())
        if not sep or not key.isidentifier():
            raise ExpressionError(f"--set: expected NAME=VALUE such as a=5, got {item!r}.")
        if key in values:
            raise ExpressionError(
                f"--set: {key} is given twice ({key}={_fmt(values[key])} and {item.strip()}); "
                f"give each variable one value."
            )
        try:
            values[key] = float(raw)
        except ValueError:
            raise ExpressionError(f"--set {key}: expected a number, got {raw!r}.") from None
    return values


def _fmt(x: float) -> str:
    return f"{x:.6g}"


def _not_finite(root: Tensor, variables: Mapping[str, Tensor], most: int = 6) -> str:
    """'J = nan, dJ/da = inf. <why>': the values and gradients that are NaN or infinite, or ''."""
    found = []
    for key, t in variables.items():
        if not np.isfinite(t.item()):
            found.append(f"{key} = {_fmt(t.item())}")
        if t is not root and t.grad is not None and not np.isfinite(t.grad.item()):
            found.append(f"d{root.name}/d{key} = {_fmt(t.grad.item())}")
    if not found:
        return ""
    more = f" and {len(found) - most} more" if len(found) > most else ""
    return (
        f"{', '.join(found[:most])}{more}. A function outside its domain (log or sqrt of a "
        f"negative number, log(0)), a division by 0 or an infinite slope (sqrt at 0) gives nan or "
        f"inf."
    )


# What ``-o`` can write: graphviz's pictures, DOT text, and the interactive page (``.html``).
OUTPUT_FORMATS = (*viz.graph.FORMATS, "html")


def _check_name(name: str) -> None:
    if not name or not name.isprintable() or name != name.strip():
        shown = ascii(name)
        raise ExpressionError(
            f"--name: expected a printable name such as J or cost, got {shown} (control "
            f"characters, leading or trailing spaces and empty names are refused)."
        )


def run(args: argparse.Namespace) -> int:
    """Evaluate, print values and gradients (and the backward trace), and draw; the exit code."""
    prog = "tinygrad-edu graph"

    def fail(message: str, code: int) -> int:
        print(f"{prog}: error: {message}", file=sys.stderr)
        return code

    try:
        _check_name(args.name)
        values = _parse_set(args.set or [])
        used = variables_of(parse(args.expression, variables=values))
        if unicodedata.normalize("NFKC", args.name) in used:  # as --set: "ａ" is the variable a
            raise ExpressionError(
                f"--name {args.name}: {args.name} is a variable of the expression, so the result "
                f"needs another name (the default is J)."
            )
        path = fmt = None
        if args.output != "-":
            output = args.output or f"{args.name}.{args.format or 'svg'}"
            path, fmt = viz.graph.output_path(output, args.format, what="-o",
                                              formats=OUTPUT_FORMATS)  # fmt: skip
        elif args.format not in (None, "dot"):
            raise ExpressionError(
                f"--format {args.format}: -o - writes the DOT text to stdout, so there is no "
                f"{args.format} to write; name a file instead (-o {args.name}.{args.format})."
            )
        if fmt == "html" and args.backward_edges:
            raise ExpressionError(
                "--backward-edges: the .html page shows the backward pass step by step instead "
                "of red arrows; drop the option, or write a picture (-o J.svg --backward-edges)."
            )
        with warnings.catch_warnings():  # the summary below says it in the command's terms
            warnings.simplefilter("ignore", NonFiniteGradientWarning)
            warnings.simplefilter("ignore", LogOfZeroWarning)
            root, variables, texts = _evaluate(args.expression, values, args.name)
    except ExpressionError as err:
        return fail(str(err), 2)
    except ValueError as err:  # the output path
        return fail(str(err), 2)
    unused = [key for key in values if key not in used]
    if unused:
        listed = " ".join(f"{k}={_fmt(values[k])}" for k in unused)
        print(
            f"{prog}: warning: --set {listed}: not used by the expression (its variables: "
            f"{', '.join(used)})",
            file=sys.stderr,
        )
    # With "-o -" the DOT text alone goes to stdout (for piping into dot); the table to stderr.
    table = sys.stderr if args.output == "-" else sys.stdout
    clean = viz.graph._clean
    header = f"{root.name} = {texts[root.name]}" if root.name in texts else args.expression.strip()
    print(clean(header), file=table)
    width = max(len("variable"), *(len(clean(n)) for n in variables)) + 2
    print(f"  {'variable':<{width}}{'value':>12}{'d' + clean(root.name) + '/dvariable':>18}",
          file=table)  # fmt: skip
    for key, t in variables.items():
        grad = "" if t.grad is None else _fmt(t.grad.item())
        note = f"   = {texts[key]}" if key in texts and texts[key] != key and t is not root else ""
        print(f"  {clean(key):<{width}}{_fmt(t.item()):>12}{grad:>18}{note}", file=table)
    not_finite = _not_finite(root, variables)
    if not_finite:
        print(f"{prog}: warning: not finite: {not_finite}", file=sys.stderr)
    if args.steps:
        print(file=table)
        viz.trace_backward(root, names=variables, file=table)
    if args.output == "-":
        print(viz.to_dot(root, backward_edges=args.backward_edges).source)
        return 0
    assert path is not None  # set above whenever the output is not "-"
    try:
        if fmt == "html":
            written = viz.explore(root, names=variables).save(path)
        else:
            written = viz.render(root, path, format=fmt, backward_edges=args.backward_edges)
    except (RuntimeError, ImportError, ValueError) as err:
        return fail(str(err), 1)
    except OSError as err:  # permissions, a full disk, a path under /proc
        why = err.strerror or type(err).__name__
        return fail(f"cannot write {clean(str(path))}: {why}.", 1)
    print(f"wrote {clean(str(written))}")
    if fmt == "html" and viz.graph._which_dot() is None:
        print(
            f"{prog}: warning: the graphviz program 'dot' is missing, so {clean(str(written))} "
            f"steps through the passes with a button per node but has no picture of the graph. "
            f"{viz.graph._INSTALL_GRAPHVIZ}",
            file=sys.stderr,
        )
    return 0


def add_parser(subparsers) -> argparse.ArgumentParser:
    """Register ``graph EXPR --set a=5 b=3 c=2 -o J.svg`` with the command line."""
    parser = subparsers.add_parser(
        "graph",
        help="draw an expression's computation graph with values and gradients",
        description="Evaluate an arithmetic expression, run backward, print every variable's "
        "value and gradient, and draw the graph. Example: tinygrad-edu graph '3*(a + b*c)' "
        "--set a=5 b=3 c=2 -o J.svg. Allowed: " + _ALLOWED + ". An expression that starts "
        "with '-' needs a space in it (-a * b) or before it (' -a*b').",
    )
    parser.add_argument("expression", metavar="EXPR", help="e.g. '3*(a + b*c)' (quote it)")
    parser.add_argument(
        "--set",
        nargs="+",
        action="extend",
        default=[],
        metavar="NAME=VALUE",
        help="values of the variables, e.g. --set a=5 b=3 c=2",
    )
    parser.add_argument(
        "-o",
        "--output",
        help="file to write (default: NAME.svg): .svg, .png, .pdf, .jpg, .dot, or .html for the "
        "interactive page; '-' prints DOT text",
    )
    parser.add_argument(
        "--format",
        choices=list(OUTPUT_FORMATS),
        help="output format (default: from the output's suffix, else svg)",
    )
    parser.add_argument(
        "--steps",
        action="store_true",
        help="also print the backward pass step by step, in the engine's order",
    )
    parser.add_argument("--name", default="J", help="name of the result (default: J)")
    parser.add_argument(
        "--backward-edges",
        action="store_true",
        help="also draw the gradient flow as red arrows, as the course does",
    )
    parser.set_defaults(run=run)
    return parser
