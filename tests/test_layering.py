"""The package's layers import downward only (DESIGN.md): lower modules never import higher ones.

The checker reads every module's source with ``ast`` and finds every import in it, wherever it is:
at the top, inside functions and methods (lazy imports), in ``if``/``try`` blocks; absolute
(``from tinygrad_edu.viz import graph``), relative (``from ..viz import graph`` or
``from . import graph``, resolved against the importing module's package) and
``importlib.import_module("tinygrad_edu.viz")`` with a literal name.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import tinygrad_edu

# Lowest first. A module may import only modules listed before it (or its own layer).
ORDER = ["ops", "debug", "engine", "tensor", "autograd", "nn", "losses", "optim", "serialize",
         "data", "train", "viz", "testing", "tune", "course", "expr", "demo", "cli",
         "__main__"]  # fmt: skip
PACKAGE = Path(tinygrad_edu.__file__).parent
ROOT = "tinygrad_edu"
# The layers that may import the package root (tinygrad_edu/__init__.py, which imports them all).
MAY_IMPORT_ROOT = ("course", "expr", "demo", "cli", "__main__")

# Deliberate upward imports, each with its reason: (importing layer, imported layer).
# Keep this empty unless a lazy import is the only reasonable design, and say why.
ALLOWED: dict[tuple[str, str], str] = {}


def module_name(path: Path) -> str:
    """``tinygrad_edu/ops/base.py`` -> ``tinygrad_edu.ops.base`` (a package: its own name)."""
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _resolve(node: ast.ImportFrom, module: str, is_package: bool) -> str:
    """The absolute module a ``from ... import`` names (``level`` dots: relative to the
    importing module's package, as Python resolves it)."""
    if node.level == 0:
        return node.module or ""
    package = module if is_package else module.rpartition(".")[0]
    for _ in range(node.level - 1):
        package = package.rpartition(".")[0]
    return f"{package}.{node.module}" if node.module else package


def _is_module(name: str) -> bool:
    path = PACKAGE.parent.joinpath(*name.split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def imports(source: str, module: str, is_package: bool = False) -> set[str]:
    """Every ``tinygrad_edu`` module that ``source`` (the text of ``module``) imports, anywhere."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = _resolve(node, module, is_package)
            if base == ROOT:  # each name counts: a layer (``ops``) or a name the root exports
                found.update(f"{base}.{a.name}" for a in node.names)
            else:  # the module, and the submodules named (``from . import graph``)
                found.add(base)
                named = (f"{base}.{a.name}" for a in node.names)
                found.update(name for name in named if _is_module(name))
        elif (
            isinstance(node, ast.Call)
            and getattr(node.func, "attr", getattr(node.func, "id", None)) == "import_module"
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            found.add(node.args[0].value)
    return {name for name in found if name == ROOT or name.startswith(ROOT + ".")}


def _layer(module: str) -> str:
    """``tinygrad_edu.viz.graph`` -> ``viz``; the package root -> ``__init__``."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def violations(source: str, module: str, is_package: bool = False) -> list[str]:
    """The imports of ``source`` (module ``module``) that point to a higher layer."""
    me = _layer(module)
    if me == "__init__":
        return []
    found: list[str] = []
    reported: dict[str, str] = {}  # one message per higher layer (its shortest module name)
    for name in sorted(imports(source, module, is_package)):
        other = _layer(name)
        if other == me:
            continue
        if other == "__init__":
            # ``from tinygrad_edu import ops`` names a module, checked by its own layer below
            if me not in MAY_IMPORT_ROOT and name == ROOT:
                found.append(f"{module} imports the package root; import the module it needs")
            continue
        if other not in ORDER:  # a name from the root (from tinygrad_edu import Tensor)
            if me not in MAY_IMPORT_ROOT:
                found.append(f"{module} imports {name} from the package root")
            continue
        if ORDER.index(other) > ORDER.index(me) and (me, other) not in ALLOWED:
            reported.setdefault(other, f"{module} (layer {me}) imports {name} (layer {other})")
    return found + [f"{text}, a higher layer" for text in reported.values()]


def test_every_module_has_a_place_in_the_order():
    for path in PACKAGE.rglob("*.py"):
        rel = path.relative_to(PACKAGE).parts[0].removesuffix(".py")
        assert rel == "__init__" or rel in ORDER, f"{path}: add its layer to ORDER"


def test_lower_layers_never_import_higher_ones():
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        source = path.read_text(encoding="utf-8")
        found += violations(source, module_name(path), path.name == "__init__.py")
    assert not found, "\n".join(found)


def test_the_allow_list_holds_only_upward_pairs_with_a_reason():
    for (me, other), reason in ALLOWED.items():
        assert ORDER.index(me) < ORDER.index(other) and reason.strip(), (me, other)


# -- the checker itself, on small synthetic modules ----------------------------------------------

LAZY_RELATIVE = """
import numpy as np

def draw(x):
    from ..viz import graph  # lazy and relative: ops must not reach up to viz
    return graph.to_dot(x)
"""


def test_the_checker_catches_a_lazy_relative_import():
    (found,) = violations(LAZY_RELATIVE, "tinygrad_edu.ops.fake")
    assert "tinygrad_edu.viz" in found and "layer ops" in found


@pytest.mark.parametrize(
    ("source", "module", "is_package", "expected"),
    [
        ("from .graph import to_dot", "viz.trace", False, {"viz.graph"}),
        ("from . import graph", "viz", True, {"viz", "viz.graph"}),
        ("from .. import engine", "ops.base", False, {"engine"}),
        ("import tinygrad_edu as tg", "ops.x", False, {""}),
        ("from tinygrad_edu import Tensor", "ops.x", False, {"Tensor"}),
        ("from ..nn.module import Module", "optim.sgd", False, {"nn.module"}),
        ("class A:\n    def f(self):\n        import tinygrad_edu.train", "nn.x", False, {"train"}),
        ("importlib.import_module('tinygrad_edu.course')", "ops.x", False, {"course"}),
        ("from numpy import linalg\nimport os", "ops.x", False, set()),
    ],
)
def test_the_checker_resolves_relative_nested_and_dynamic_imports(
    source, module, is_package, expected
):
    # names relative to the package: "viz.graph" is tinygrad_edu.viz.graph, "" the root
    full = {f"{ROOT}.{name}".rstrip(".") for name in expected}
    assert imports(source, f"{ROOT}.{module}", is_package) == full


def test_the_checker_allows_downward_and_same_layer_imports():
    source = "from ..ops import base\nfrom .module import Module\nfrom tinygrad_edu import ops\n"
    assert violations(source, "tinygrad_edu.nn.linear") == []
    assert violations("from tinygrad_edu import nn", "tinygrad_edu.ops.base") == [
        "tinygrad_edu.ops.base (layer ops) imports tinygrad_edu.nn (layer nn), a higher layer"
    ]
