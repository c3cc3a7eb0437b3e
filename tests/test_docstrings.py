"""Public docstrings say what a function raises (STYLE.md: Google style with ``Raises:``).

The rule, kept simple so that it is easy to follow:

- The public API is every name in ``__all__`` of ``tinygrad_edu`` and of its subpackages; a module
  among them (``tg.losses``, ``tg.train``) contributes its public names; a class contributes the
  public methods and properties it defines itself, and ``__init__``.
- A function *raises* when its own body (not a function or class nested in it) holds a
  ``raise SomeError(...)`` statement. A bare ``raise`` (re-raising what was caught) does not count.
- Such a function needs a ``Raises:`` section in its own docstring (for ``__init__``: in the
  class's docstring or its own), and every exception class it raises by name outside a ``try``
  block (where it may be caught and turned into another) is named in that section, or one of its
  base classes (``OSError`` for ``IsADirectoryError``). Generated
  code without source (a dataclass's ``__init__``) is skipped.

Errors raised by the functions it calls are not required (a ``Raises:`` section may list them).
"""

from __future__ import annotations

import ast
import builtins
import importlib
import inspect
import textwrap
import types
from collections.abc import Callable, Iterator

import pytest

PACKAGES = ["tinygrad_edu"] + [
    f"tinygrad_edu.{name}"
    for name in ("course", "data", "nn", "ops", "optim", "tensor", "testing", "viz")
]


def _public(module: types.ModuleType) -> Iterator[tuple[str, object]]:
    names = getattr(module, "__all__", None)
    if names is None:  # a module exported by a package: the names it defines
        names = [
            n
            for n, obj in vars(module).items()
            if not n.startswith("_") and getattr(obj, "__module__", None) == module.__name__
        ]
    for name in names:
        yield f"{module.__name__}.{name}", getattr(module, name)


def public_functions() -> list[tuple[str, Callable, type | None]]:
    """(qualified name, function, its class or None) for the whole public API."""
    seen: set[int] = set()
    found: list[tuple[str, Callable, type | None]] = []

    def add(qualname: str, obj: object) -> None:
        if id(obj) in seen:
            return
        seen.add(id(obj))
        if isinstance(obj, types.ModuleType):
            if obj.__name__.startswith("tinygrad_edu"):
                for q, o in _public(obj):
                    add(q, o)
        elif inspect.isclass(obj):
            if obj.__module__.startswith("tinygrad_edu"):
                for name, member in vars(obj).items():
                    if name.startswith("_") and name != "__init__":
                        continue
                    fn = member.fget if isinstance(member, property) else member
                    fn = getattr(fn, "__func__", fn)  # staticmethod, classmethod
                    if inspect.isfunction(fn):
                        found.append((f"{qualname}.{name}", fn, obj))
        elif inspect.isfunction(obj) and obj.__module__.startswith("tinygrad_edu"):
            found.append((qualname, obj, None))

    for package in PACKAGES:
        for qualname, obj in _public(importlib.import_module(package)):
            add(qualname, obj)
    return found


def _is_exception(name: str, fn: Callable) -> bool:
    """``name`` is an exception class where ``fn`` lives (not a function that makes one)."""
    obj = fn.__globals__.get(name, getattr(builtins, name, None))
    return inspect.isclass(obj) and issubclass(obj, BaseException)


def _named(name: str, fn: Callable, section: str) -> bool:
    cls = fn.__globals__.get(name, getattr(builtins, name, None))
    return any(base.__name__ in section for base in cls.__mro__ if base is not object)


def raised(fn: Callable) -> tuple[bool, set[str]]:
    """Whether ``fn``'s own body raises, and the names of the exceptions it raises outside a
    ``try`` block. Generated code without source (a dataclass's ``__init__``) raises nothing."""
    try:
        source = inspect.getsource(fn)
    except OSError:
        return False, set()
    tree = ast.parse(textwrap.dedent(source)).body[0]
    any_raise, names = False, set()

    def visit(node: ast.AST, in_try: bool) -> None:
        nonlocal any_raise
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
                continue
            inside = in_try or (isinstance(node, ast.Try) and child in node.body)
            if isinstance(child, ast.Raise) and child.exc is not None:
                any_raise = True
                exc = child.exc.func if isinstance(child.exc, ast.Call) else child.exc
                if isinstance(exc, ast.Name) and not inside and _is_exception(exc.id, fn):
                    names.add(exc.id)
            visit(child, inside)

    visit(tree, False)
    return any_raise, names


def _raises_section(doc: str) -> str | None:
    if "Raises:" not in doc:
        return None
    return doc.split("Raises:", 1)[1]


FUNCTIONS = public_functions()


def test_the_walk_finds_the_public_api():
    names = {q for q, _, _ in FUNCTIONS}
    assert {"tinygrad_edu.Tensor.backward", "tinygrad_edu.nn.Linear.forward"} <= names
    assert "tinygrad_edu.losses.binary_cross_entropy" in names
    assert len(FUNCTIONS) > 300


@pytest.mark.parametrize(
    ("qualname", "fn", "cls"),
    FUNCTIONS,
    ids=[q.removeprefix("tinygrad_edu.") for q, _, _ in FUNCTIONS],
)
def test_a_public_function_that_raises_documents_it(qualname, fn, cls):
    any_raise, names = raised(fn)
    if not any_raise:
        return
    doc = fn.__doc__ or ""
    if fn.__name__ == "__init__" and cls is not None and "Raises:" not in doc:
        doc = cls.__doc__ or ""
    section = _raises_section(inspect.cleandoc(doc))
    assert section is not None, f"{qualname} raises: add a Raises: section to its docstring"
    # OSError covers IsADirectoryError: a base class named in the section is enough
    missing = sorted(name for name in names if not _named(name, fn, section))
    assert not missing, f"{qualname} raises {missing}: name them in its Raises: section"


def test_the_rule_on_small_examples():
    def plain(x):
        """No raise here."""
        return x

    def raises_value_error(x):
        """Raises:
        ValueError: x is negative.
        """
        if x < 0:
            raise ValueError("negative")
        try:
            int(x)
        except TypeError:
            raise  # re-raising is not counted
        return x

    def nested(x):
        def inner():
            raise KeyError(x)  # raised by the inner function, not by nested itself

        return inner

    def caught(x):
        try:
            raise TypeError  # turned into the ValueError below
        except TypeError:
            raise RuntimeError("wrapped") from None

    assert raised(plain) == (False, set())
    assert raised(raises_value_error) == (True, {"ValueError"})
    assert raised(nested) == (False, set())
    assert raised(caught) == (True, {"RuntimeError"})
