"""Run every code block in ``docs/`` and compare what it prints with the page (the docs' tests).

How a page is read (the rules ``tests/test_docs.py`` enforces):

- A ```` ```python ```` block runs; the blocks of one page share their globals, top to bottom, so a
  page builds on itself. What the block prints (and, if it raises, the last traceback line, as the
  interpreter shows it) must equal the ```` ```text ```` block right after it, compared like a
  doctest (whitespace runs are equal, ``...`` matches anything). A block that prints nothing has no
  text block after it.
- A ```` ```console ```` block holds ``$ tinygrad-edu ...`` commands (or ``$ python -m
  tinygrad_edu ...``); each runs in-process and its output must equal the lines below it.
- Any other block must be preceded by ``<!-- docs-test: skip REASON -->``, so that a block can
  never go untested by accident. ``<!-- docs-test: needs-data NAME -->`` before a block marks it
  as needing a data set's files, found as the package finds them (``TINYGRAD_EDU_DATA``): NAME is
  ``catvnoncat`` (the cat files; the default when no NAME is given), ``course2`` (``data.mat``) or
  ``dinos`` (``dinos.txt``), several separated by spaces. Without them, that block and the rest of
  the page are skipped. ``<!-- docs-test: needs-dot -->`` marks a block that needs the graphviz
  program ``dot``: without it, that block alone is skipped.

Each page runs in a fresh temporary working directory, with matplotlib's non-interactive backend,
100-column help texts and (where threadpoolctl is installed) one BLAS thread, which gives the same
numbers and is much faster on a busy machine.

Usage::

    python scripts/check_docs.py                     # check every page
    python scripts/check_docs.py docs/tutorial/05-computation-graph.md
    python scripts/check_docs.py --update PAGE.md    # rewrite the text blocks with today's output
    python scripts/check_docs.py --perturb 1 PAGE.md # as another CPU's math library would compute

``--update`` is for writing docs: read the diff before committing it.

A page must print only what every machine prints. numpy's exp, log, tanh, ... are vectorized
differently per CPU (AVX512, AVX2, NEON) and differ in the last bit of some results; a long or
chaotic training amplifies that into other digits. ``--perturb SEED`` runs the pages with those
functions' results moved by one ulp at about a third of the values (a deterministic function of the
value, as a different library would be): a block that then prints something else shows digits that
depend on the machine. Print fewer digits, use ``...`` for them, or choose settings that are not
chaotic. Two blocks fail it knowingly: the last digit of a few-operation result that correctly
rounded libraries all print alike (log 2 in adding-an-op.md, the course's expected cost
5.801545319394553 in tutorial/06), which this stand-in moves anyway.

``DoctestFences`` at the end is a griffe extension that mkdocs.yml loads for the API reference: it
fences the ``>>>`` examples of docstrings as ```` ```pycon ```` code, which markdown would otherwise
render as nested block quotes.
"""

from __future__ import annotations

import argparse
import contextlib
import doctest
import io
import os
import re
import shlex
import shutil
import sys
import tempfile
import textwrap
import traceback
import warnings
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"

_FENCE = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})[ \t]*(?P<lang>[\w+-]*)[^\n]*$")
_MARKER = re.compile(r"<!--\s*docs-test:\s*(?P<kind>[\w-]+)(?P<reason>[^>]*?)\s*-->")
_MARKER_KINDS = ("skip", "needs-data", "needs-dot")
# needs-data NAME: a name in tinygrad_edu.data.DATA_SETS (the data sets read from files)
DATA_SET_NAMES = ("catvnoncat", "course2", "dinos")
_CHECK_FLAGS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
_MESSAGE = re.compile(r"^[\w.]+(Warning|Error|Exception): ")
_CLI_PREFIXES = (("tinygrad-edu",), ("python", "-m", "tinygrad_edu"))


class DocsError(AssertionError):
    """A page breaks a rule, or a block printed something other than the page shows."""


@dataclass
class Block:
    """One fenced code block of a page."""

    lang: str
    code: str
    line: int  # 1-based line of the opening fence
    end_line: int  # 1-based line of the closing fence
    markers: set[str] = field(default_factory=set)  # from _MARKER_KINDS
    reason: str = ""
    data: tuple[str, ...] = ()  # the data sets a needs-data block needs (names of DATA_SETS)
    output: Block | None = None  # the ```text block right after a runnable block


@dataclass
class PageResult:
    """What running a page found: per-block (expected, got) mismatches and skipped blocks."""

    path: Path
    mismatches: list[tuple[Block, str, str]] = field(default_factory=list)
    ran: int = 0
    skipped_for_data: int = 0
    missing_data: set[str] = field(default_factory=set)  # the data sets that were not found
    skipped_for_dot: int = 0
    outputs: dict[int, str] = field(default_factory=dict)  # block line -> actual output


def parse(text: str, path: str = "<page>") -> list[Block]:
    """Split a markdown page into its fenced blocks, attaching markers and output blocks.

    >>> blocks = parse("```python\\nprint(1)\\n```\\n\\n```text\\n1\\n```\\n")
    >>> [(b.lang, b.code, b.output.code) for b in blocks]
    [('python', 'print(1)\\n', '1\\n')]
    """
    lines = text.splitlines()
    raw: list[Block] = []
    i = 0
    while i < len(lines):
        m = _FENCE.match(lines[i])
        if not m:
            i += 1
            continue
        indent, fence, lang = m["indent"], m["fence"], m["lang"].lower()
        body = []
        j = i + 1
        while j < len(lines):
            close = lines[j].strip()
            if close.startswith(fence[0] * len(fence)) and set(close) == {fence[0]}:
                break
            body.append(lines[j][len(indent) :] if lines[j].startswith(indent) else lines[j])
            j += 1
        else:
            raise DocsError(f"{path}:{i + 1}: a code fence is never closed.")
        block = Block(lang, "".join(b + "\n" for b in body), i + 1, j + 1)
        k = i - 1
        while k >= 0 and not lines[k].strip():
            k -= 1
        for mk in _MARKER.finditer(lines[k]) if k >= 0 else ():
            if mk["kind"] not in _MARKER_KINDS:
                raise DocsError(
                    f"{path}:{k + 1}: unknown marker 'docs-test: {mk['kind']}'; use one of "
                    f"{', '.join(_MARKER_KINDS)}."
                )
            block.markers.add(mk["kind"])
            if mk["kind"] == "skip":
                block.reason = mk["reason"].strip()
                if not block.reason:
                    raise DocsError(f"{path}:{k + 1}: 'docs-test: skip' needs a reason after it.")
            elif mk["kind"] == "needs-data":
                block.data = tuple(mk["reason"].split()) or ("catvnoncat",)
                unknown = [name for name in block.data if name not in DATA_SET_NAMES]
                if unknown:
                    raise DocsError(
                        f"{path}:{k + 1}: 'docs-test: needs-data' names unknown data sets "
                        f"{unknown}; use {', '.join(DATA_SET_NAMES)}."
                    )
        raw.append(block)
        i = j + 1
    return _attach_outputs(raw, lines, path)


def _attach_outputs(raw: list[Block], lines: list[str], path: str) -> list[Block]:
    """Make each ```text block that directly follows a python block that block's output."""
    blocks: list[Block] = []
    for block in raw:
        previous = blocks[-1] if blocks else None
        follows = (
            previous is not None
            and previous.lang == "python"
            and previous.output is None
            and block.lang == "text"
            and not block.markers
            and all(not line.strip() for line in lines[previous.end_line : block.line - 1])
        )
        if follows:
            previous.output = block
            continue
        if "skip" not in block.markers and block.lang not in ("python", "console"):
            raise DocsError(
                f"{path}:{block.line}: a ```{block.lang or '(no language)'} block that the docs "
                f"tests do not run. Make it a ```python or ```console block, put it right after "
                f"the python block whose output it is, or mark it with "
                f"<!-- docs-test: skip REASON -->."
            )
        blocks.append(block)
    return blocks


def _format_exception(err: BaseException) -> str:
    """The last lines Python prints for an uncaught exception (the message is what we check)."""
    return "Traceback (most recent call last):\n  ...\n" + "".join(
        traceback.format_exception_only(type(err), err)
    )


def _show_warning(message, category, filename, lineno, file=None, line=None):
    """Print a warning into the captured output, without the file name (it is a temporary one)."""
    print(f"{category.__name__}: {message}")


def run_python(code: str, namespace: dict, label: str) -> str:
    """Execute ``code`` in ``namespace``; return what it printed (and its exception, if any)."""
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer), warnings.catch_warnings():
        warnings.simplefilter("always")
        warnings.showwarning = _show_warning
        try:
            exec(compile(code, label, "exec"), namespace)  # noqa: S102 (running the docs is the point)
        except Exception as err:  # shown as the page's expected output, like a doctest
            print(_format_exception(err), end="")
    return buffer.getvalue()


def _cli_argv(command: str, label: str) -> list[str]:
    words = shlex.split(command)
    for prefix in _CLI_PREFIXES:
        if tuple(words[: len(prefix)]) == prefix:
            return words[len(prefix) :]
    raise DocsError(
        f"{label}: the console block runs '{command}', but only 'tinygrad-edu ...' and 'python -m "
        f"tinygrad_edu ...' run in the docs tests. Mark other commands "
        f"<!-- docs-test: skip REASON -->."
    )


def run_console(code: str, label: str) -> tuple[str, str]:
    """Run each ``$ tinygrad-edu ...`` line in-process; return (expected, got) for the block."""
    from tinygrad_edu import cli  # imported late: the docs tests must collect without it

    expected, got = [], []
    for line in code.splitlines(keepends=True):
        if not line.startswith("$ "):
            expected.append(line)
            continue
        expected.append(line)
        got.append(line)
        argv = _cli_argv(line[2:].strip(), label)
        buffer = io.StringIO()
        with contextlib.redirect_stdout(buffer), contextlib.redirect_stderr(buffer):
            try:
                code_ = cli.main(argv)
            except SystemExit as stop:  # argparse's --help and usage errors
                code_ = stop.code
            except Exception as err:
                print(_format_exception(err), end="")
                code_ = None
        out = buffer.getvalue()
        if out and not out.endswith("\n"):
            out += "\n"
        got.append(out)
        if code_ not in (0, None):
            got.append(f"[exit code {code_}]\n")
    return "".join(expected), "".join(got)


def _outputs_match(expected: str, got: str) -> bool:
    return doctest.OutputChecker().check_output(expected, got, _CHECK_FLAGS)


def data_available(name: str = "catvnoncat") -> bool:
    """True when the files of the data set ``name`` can be found, by the package's own rule
    (``TINYGRAD_EDU_DATA``: the folder, its subfolder NAME, or NAME beside it)."""
    try:
        from tinygrad_edu.data import DATA_SETS, find_dataset_dir

        find_dataset_dir(DATA_SETS[name], name)
    except (ImportError, FileNotFoundError):
        return False
    return True


def dot_available() -> bool:
    """True when the graphviz program ``dot`` is on the PATH."""
    return shutil.which("dot") is not None


def _one_blas_thread() -> contextlib.AbstractContextManager:
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        return contextlib.nullcontext()
    return threadpool_limits(limits=1, user_api="blas")


@contextlib.contextmanager
def _python_ctrl_c():
    """Python's own SIGINT handler while a page runs, as in a fresh interpreter (a test run
    started in the background inherits an ignored SIGINT)."""
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


@contextlib.contextmanager
def _environment(**values: str):
    old = {key: os.environ.get(key) for key in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, value in old.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def _data_sets(have_data: bool | Iterable[str] | None) -> set[str]:
    """The data sets to treat as present: all (True), none (False), the ones found (None)."""
    if have_data is None:
        return {name for name in DATA_SET_NAMES if data_available(name)}
    if isinstance(have_data, bool):
        return set(DATA_SET_NAMES) if have_data else set()
    return set(have_data)


def run_page(
    path: Path,
    have_data: bool | Iterable[str] | None = None,
    have_dot: bool | None = None,
) -> PageResult:
    """Run every block of the page at ``path`` in a fresh namespace and temporary directory.

    ``have_data``: which data sets' blocks may run (``needs-data NAME``): True for all, False for
    none, names of ``DATA_SET_NAMES``, or None to look for each (the default).
    """
    text = path.read_text(encoding="utf-8")
    rel = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
    blocks = parse(text, str(rel))
    have_data = _data_sets(have_data)
    have_dot = dot_available() if have_dot is None else have_dot
    result = PageResult(path)
    namespace: dict = {"__name__": "__docs__"}
    old_cwd = Path.cwd()
    with (
        tempfile.TemporaryDirectory(prefix="docs-") as tmp,
        _environment(MPLBACKEND="Agg", COLUMNS="100"),
        _one_blas_thread(),
        _python_ctrl_c(),
    ):
        os.chdir(tmp)
        try:
            skipping = False
            for block in blocks:
                label = f"{rel}:{block.line}"
                missing = [name for name in block.data if name not in have_data]
                if missing:
                    skipping = True
                    result.missing_data.update(missing)
                if skipping:
                    result.skipped_for_data += 1
                    continue
                if "skip" in block.markers:
                    continue
                if "needs-dot" in block.markers and not have_dot:
                    result.skipped_for_dot += 1
                    continue
                if block.lang == "python":
                    expected = block.output.code if block.output else ""
                    got = run_python(block.code, namespace, label)
                elif block.lang == "console":
                    expected, got = run_console(block.code, label)
                else:  # pragma: no cover (parse() rejects these)
                    raise DocsError(f"{label}: cannot run a ```{block.lang} block.")
                result.ran += 1
                result.outputs[block.line] = got
                if not (_outputs_match(expected, got) or expected == got):
                    result.mismatches.append((block, expected, got))
        finally:
            os.chdir(old_cwd)
    return result


@contextlib.contextmanager
def perturbed_math(seed: int):
    """Within the block, numpy's transcendental functions (float64) return another last bit for
    about a third of the values, deterministically per value: a stand-in for another CPU's math
    library (``--perturb``). Whole numbers (0, 1, 1000.0) and inf are left alone: every library
    gets them exactly.
    """
    import numpy as np

    key = np.uint64((0x9E3779B97F4A7C15 * (2 * seed + 1)) % 2**64)

    class Perturbed:
        """Calls the ufunc and moves last bits; equal (and hashing equal) to the ufunc, so that
        tables keyed by ufunc (``{np.tanh: ...}``) built meanwhile still find it."""

        def __init__(self, ufunc):
            self.ufunc = ufunc

        def __call__(self, *args, **kwargs):
            out = self.ufunc(*args, **kwargs)
            if type(out) is np.ndarray and out.dtype == np.float64 and "out" not in kwargs:
                bucket = (out.view(np.uint64) * key) >> np.uint64(60)  # 0..15, from the value
                exact = ~np.isfinite(out) | (np.abs(out) < 1e-300) | (out == np.round(out))
                up, down = np.nextafter(out, np.inf), np.nextafter(out, -np.inf)
                moved = np.where(bucket < 3, up, np.where(bucket < 6, down, out))
                out = np.where(exact, out, moved)
            return out

        def __getattr__(self, name):  # .reduce, .__name__, .nin, ...
            return getattr(self.ufunc, name)

        def __eq__(self, other):
            return other is self.ufunc or other is self

        def __hash__(self):
            return hash(self.ufunc)

    names = ("exp", "expm1", "log", "log1p", "logaddexp", "tanh", "sqrt")
    originals = {name: getattr(np, name) for name in names}
    try:
        for name, ufunc in originals.items():
            setattr(np, name, Perturbed(ufunc))
        yield
    finally:
        for name, ufunc in originals.items():
            setattr(np, name, ufunc)


def describe(result: PageResult) -> str:
    """A report of a page's mismatches: where, what the page shows, what the code printed."""
    rel = result.path.relative_to(ROOT) if result.path.is_relative_to(ROOT) else result.path
    parts = []
    for block, expected, got in result.mismatches:
        parts.append(
            f"{rel}:{block.line}: the ```{block.lang} block's output differs from the page.\n"
            f"--- the page shows ---\n{expected}--- the code printed ---\n{got}"
        )
    return "\n".join(parts)


def _wrap_errors(got: str, width: int = 100) -> str:
    """Wrap long exception messages for the page (the comparison ignores how whitespace runs)."""
    lines, after_traceback = [], False
    for line in got.splitlines():
        message = after_traceback or _MESSAGE.match(line)
        if message and len(line) > width:
            line = textwrap.fill(line, width, break_long_words=False, break_on_hyphens=False)
        after_traceback = line == "  ..."
        lines.append(line)
    return "".join(line + "\n" for line in lines)


def update_page(path: Path, result: PageResult) -> int:
    """Rewrite the page's output blocks with what the code printed; returns blocks changed."""
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    edits = []  # (start, end, new lines), applied bottom-up so line numbers stay valid
    for block, _expected, got in result.mismatches:
        got = _wrap_errors(got)
        if block.lang == "console":
            indent = re.match(r"[ \t]*", lines[block.line - 1]).group()
            new = [indent + line if line.strip() else line for line in got.splitlines(True)]
            edits.append((block.line, block.end_line - 1, new))
        elif block.output is not None:
            out = block.output
            indent = re.match(r"[ \t]*", lines[out.line - 1]).group()
            if got:
                new = [indent + line if line.strip() else line for line in got.splitlines(True)]
                edits.append((out.line, out.end_line - 1, new))
            else:  # nothing printed: the text block goes (with the blank lines before it)
                start = block.end_line
                edits.append((start, out.end_line, []))
        elif got:
            indent = re.match(r"[ \t]*", lines[block.line - 1]).group()
            body = [indent + line if line.strip() else line for line in got.splitlines(True)]
            new = ["\n", f"{indent}```text\n", *body, f"{indent}```\n"]
            edits.append((block.end_line, block.end_line, new))
    for start, end, new in sorted(edits, key=lambda e: -e[0]):
        lines[start:end] = new
    path.write_text("".join(lines), encoding="utf-8")
    return len(edits)


def pages(paths: list[str] | None = None) -> list[Path]:
    """The markdown pages to check: the given ones, or every page under ``docs/``."""
    if paths:
        return [Path(p).resolve() for p in paths]
    return sorted(DOCS.rglob("*.md"))


def main(argv: list[str] | None = None) -> int:
    """Check (or with ``--update`` rewrite) the pages; returns the exit code."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("pages", nargs="*", help="markdown files (default: every page in docs/)")
    parser.add_argument("--update", action="store_true", help="rewrite output blocks in place")
    parser.add_argument(
        "--perturb",
        type=int,
        metavar="SEED",
        help="move the last bit of numpy's exp/log/tanh/... results, as another CPU would",
    )
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    if args.perturb is not None and args.update:
        parser.error("--update and --perturb together would write perturbed output")
    failed = 0
    for path in pages(args.pages):
        if args.perturb is None:
            result = run_page(path)
        else:
            with perturbed_math(args.perturb):
                result = run_page(path)
        if args.update and result.mismatches:
            print(f"{path.relative_to(ROOT)}: updated {update_page(path, result)} block(s)")
        elif result.mismatches:
            failed += 1
            print(describe(result))
        note = f", {result.skipped_for_data} skipped (no data)" if result.skipped_for_data else ""
        note += f", {result.skipped_for_dot} skipped (no dot)" if result.skipped_for_dot else ""
        print(f"{path.relative_to(ROOT)}: {result.ran} block(s) ran{note}")
    return 1 if failed else 0


# -------------------------------------------------------------------------------------------------
# The API reference: docstring examples as code (a griffe extension, loaded from mkdocs.yml)
# -------------------------------------------------------------------------------------------------


def fence_doctests(text: str) -> str:
    """Wrap each run of ``>>>`` lines (with its output, up to a blank line) in a pycon fence.

    >>> fence_doctests("Adds.\\n\\n>>> 1 + 1\\n2").splitlines()
    ['Adds.', '', '```pycon', '>>> 1 + 1', '2', '```']
    """
    out: list[str] = []
    in_fence = in_example = False
    indent = ""
    for line in text.splitlines():
        stripped = line.lstrip()
        if in_example and not stripped:
            out.append(indent + "```")
            in_example = False
        if not in_example and stripped.startswith(("```", "~~~")):
            in_fence = not in_fence
        elif not in_fence and not in_example and stripped.startswith(">>>"):
            indent = line[: len(line) - len(stripped)]
            out.append(indent + "```pycon")
            in_example = True
        out.append(line)
    if in_example:
        out.append(indent + "```")
    return "\n".join(out)


_RST_BORDER = re.compile(r"^\s*=+( +=+)+\s*$")


def fence_rst_tables(text: str) -> str:
    """Fence reStructuredText "simple tables" (rows between ``=== ===`` borders) as plain text.

    >>> fence_rst_tables("Models:\\n\\n== ==\\na  b\\n== ==\\nc  d\\n== ==").splitlines()
    ['Models:', '', '```text', '== ==', 'a  b', '== ==', 'c  d', '== ==', '```']
    """
    out: list[str] = []
    borders = 0
    for line in text.splitlines():
        if _RST_BORDER.match(line):
            if borders == 0:
                out.append(line[: len(line) - len(line.lstrip())] + "```text")
            borders += 1
            out.append(line)
            if borders == 3:
                out.append(line[: len(line) - len(line.lstrip())] + "```")
                borders = 0
            continue
        out.append(line)
    if borders:
        out.append("```")
    return "\n".join(out)


try:
    import griffe
except ImportError:  # only mkdocs needs the extension; the docs tests run without griffe
    griffe = None

if griffe is not None:

    class DoctestFences(griffe.Extension):
        """Fence the ``>>>`` examples (and reST tables) of docstrings before mkdocstrings renders
        them."""

        def on_instance(self, *, obj, **kwargs) -> None:
            if obj.docstring is None:
                return
            if ">>>" in obj.docstring.value:
                obj.docstring.value = fence_doctests(obj.docstring.value)
            if "== " in obj.docstring.value:
                obj.docstring.value = fence_rst_tables(obj.docstring.value)


if __name__ == "__main__":
    sys.exit(main())
