"""The package's layers import downward only (DESIGN.md): lower modules never import higher ones."""

import ast
from pathlib import Path

import tinygrad_edu

# Lowest first. A module may import only modules listed before it.
ORDER = ["ops", "debug", "engine", "tensor", "autograd", "nn", "losses", "optim", "serialize",
         "data", "train", "viz", "testing", "tune", "course", "expr", "demo", "cli",
         "__main__"]  # fmt: skip
PACKAGE = Path(tinygrad_edu.__file__).parent


def _layer(module: str) -> str:
    return module.split(".")[1] if module.count(".") else "__init__"


def _imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if not isinstance(node, (ast.Import, ast.ImportFrom)):
            continue
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("tinygrad_edu"):
            if node.module == "tinygrad_edu":
                found.update(f"tinygrad_edu.{a.name}" for a in node.names)
            else:
                found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("tinygrad_edu"))
    return found


def test_every_module_has_a_place_in_the_order():
    for path in PACKAGE.rglob("*.py"):
        rel = path.relative_to(PACKAGE).parts[0].removesuffix(".py")
        assert rel == "__init__" or rel in ORDER, f"{path}: add its layer to ORDER"


def test_lower_layers_never_import_higher_ones():
    for path in PACKAGE.rglob("*.py"):
        me = path.relative_to(PACKAGE).parts[0].removesuffix(".py")
        if me == "__init__":
            continue
        for module in _imports(path):
            other = _layer(module)
            if other in ("__init__", me):
                assert other != "__init__" or me in ("course", "expr", "demo", "cli", "__main__"), (
                    f"{path.name} imports the package root; import the module it needs"
                )
                continue
            assert ORDER.index(other) < ORDER.index(me), (
                f"{path.relative_to(PACKAGE)} (layer {me}) imports {module} (layer {other}), "
                f"a higher layer"
            )
