"""The command line of the course runs: ``tinygrad-edu course NAME``.

Layer: ``course``. Every run in ``MODELS`` is a function that trains and returns a result with
``to_json()``, ``summary_lines()`` and ``curves()``; this module passes it the options it accepts
(``data_dir``, ``num_iterations``, ``learning_rate``, ``print_cost``, ``progress``), refuses the
ones it does not (``--iterations`` for a run that computes values without training), and prints.

Every argument, and the ``--plot`` target, is checked before training starts; errors are one
line, exit status 2 for the command line and 1 for what happens while running. ``--json`` prints
strict JSON: a cost that became NaN or infinite is ``null`` there, and ``non_finite`` says which
and what it was. Ctrl-C stops with the costs so far (printed, and in ``--json`` and ``--plot``),
exit status 130. Training uses as many BLAS threads as the machine has idle cores (``--threads``
sets it; ``OPENBLAS_NUM_THREADS`` and friends are respected).
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import inspect
import json
import math
import os
import shutil
import sys
import tempfile
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from tinygrad_edu import data, train
from tinygrad_edu.course.registry import MODELS

PLOT_FORMATS = ("png", "svg", "pdf", "jpg", "jpeg", "webp", "tif", "tiff", "eps", "ps")
THREAD_ENV_VARS = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


def _number(kind: type, what: str) -> Callable[[str], Any]:
    """An argparse type: a finite number > 0 of ``kind`` (``inf`` and ``nan`` are refused)."""

    def parse(text: str):
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected {what}, got {text!r}") from None
        if not (math.isfinite(value) and value > 0):
            raise argparse.ArgumentTypeError(f"expected {what}, got {text!r}")
        return value

    parse.__name__ = kind.__name__
    return parse


def _help_width() -> int:
    """The width argparse wraps help to: the terminal's (``COLUMNS``) minus 2."""
    return max(shutil.get_terminal_size().columns - 2, 40)


def runs_epilog(width: int | None = None) -> str:
    """The runs by course, for ``course --help``: names wrapped at spaces, never at hyphens."""
    width_total = _help_width() if width is None else width
    by_course: dict[str, list[str]] = {}
    for name, run in MODELS.items():
        module = getattr(run, "__module__", "").rpartition(".")[2]  # "course2"
        label = f"course {module[6:]}" if module.startswith("course") else "other"
        by_course.setdefault(label, []).append(name)
    width = max(len(label) for label in by_course) + 4  # "  course 2  "
    lines = ["runs (NAME):"]
    for label, names in by_course.items():
        wrapped = textwrap.wrap(
            "  ".join(names),
            width=width_total - width,
            break_on_hyphens=False,
            break_long_words=False,
        )
        for i, line in enumerate(wrapped):
            lines.append(f"  {label if i == 0 else '':{width - 2}}{line}")
    return "\n".join(lines)


def add_parser(subparsers) -> argparse.ArgumentParser:
    """Register ``course NAME [--data DIR] [--iterations N] [--learning-rate LR] [--json]
    [--plot FILE] [--threads N]`` on the ``tinygrad-edu`` command line."""
    parser = subparsers.add_parser(
        "course",
        help="reproduce one of the course's models with autograd",
        # Raw: argparse's own wrapping breaks run names at their hyphens ("two-" / "layer"), so
        # the list of runs (the epilog) and the description are wrapped here, at spaces only.
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description=textwrap.fill(
            "Train one of the course's models with autograd, in float64 from the course's "
            "initialization, and print its costs and accuracies.",
            width=_help_width(),
        ),
        epilog=runs_epilog(),
    )
    parser.add_argument(
        "name", choices=list(MODELS), metavar="NAME", help="the run to reproduce (listed below)"
    )
    parser.add_argument(
        "--data",
        metavar="DIR",
        default=None,
        help="folder holding the course's data (train_catvnoncat.h5 and test_catvnoncat.h5; "
        "data.mat for reg-*; dinos.txt for dinosaurus), or its parent "
        f"(default: ${data.DATA_ENV_VAR})",
    )
    parser.add_argument(
        "--iterations",
        type=_number(int, "a whole number of iterations >= 1"),
        metavar="N",
        default=None,
        help="number of iterations (default: the course's)",
    )
    parser.add_argument(
        "--learning-rate",
        type=_number(float, "a finite learning rate > 0, such as 0.0075"),
        metavar="LR",
        default=None,
        help="learning rate (default: the course's)",
    )
    parser.add_argument(
        "--json", action="store_true", help="print one JSON object with the costs and accuracies"
    )
    parser.add_argument(
        "--plot",
        metavar="FILE",
        default=None,
        help="save the cost curve to FILE (.png, .svg, .pdf; needs matplotlib)",
    )
    parser.add_argument(
        "--threads",
        type=_number(int, "a whole number of threads >= 1"),
        metavar="N",
        default=None,
        help="BLAS threads for the matrix products (default: the idle cores, at most 4)",
    )
    parser.set_defaults(run=run)
    return parser


# The options that only some runs honour: the parameter each sets, its flag, what it sets.
RUN_OPTIONS = {
    "data_dir": ("--data", "data folder to read"),
    "num_iterations": ("--iterations", "iterations"),
    "learning_rate": ("--learning-rate", "learning rate"),
}


def run_options(fn: Callable[..., Any]) -> list[str]:
    """The parameters of ``RUN_OPTIONS`` that the run ``fn`` honours: those it names in its
    signature, narrowed by a ``cli_options`` attribute when the run declares one (a wrapper that
    takes every option for many runs says there which ones its run uses)."""
    params = inspect.signature(fn).parameters
    declared = getattr(fn, "cli_options", None)
    return [key for key in RUN_OPTIONS
            if key in params and (declared is None or key in declared)]  # fmt: skip


def check_run_options(fn: Callable[..., Any], args: argparse.Namespace) -> None:
    """Refuse, before running, an option that the run ``args.name`` cannot honour: ``--plot`` on
    a run without a cost curve (``common.has_curve``), ``--data``, ``--iterations`` or
    ``--learning-rate`` on a run that has no such thing (``run_options``). A usage error: one
    line on stderr, exit status 2 (``SystemExit``, as argparse's own errors)."""
    from tinygrad_edu.course.common import has_curve

    prog = f"tinygrad-edu course {args.name}"
    if args.plot is not None and not has_curve(fn):
        print(
            f"{prog}: error: --plot: {args.name} computes the "
            f"assignment's values without training, so it has no cost curve to draw; drop --plot "
            f"(--json gives the values).",
            file=sys.stderr,
        )
        raise SystemExit(2)
    accepted = run_options(fn)
    given = {"data_dir": args.data, "num_iterations": args.iterations,
             "learning_rate": args.learning_rate}  # fmt: skip
    refused = [key for key, value in given.items() if value is not None and key not in accepted]
    if refused:
        flags = ", ".join(RUN_OPTIONS[key][0] for key in refused)
        what = " or ".join(RUN_OPTIONS[key][1] for key in refused)
        options = [RUN_OPTIONS[key][0] for key in accepted]
        options += ["--plot"] * has_curve(fn) + ["--json", "--threads"]
        print(
            f"{prog}: error: {flags}: {args.name} has no {what}; its options are "
            f"{', '.join(options)}.",
            file=sys.stderr,
        )
        raise SystemExit(2)


def _options(fn: Callable[..., Any], args: argparse.Namespace) -> dict[str, Any]:
    """The command-line options that ``fn`` accepts, under its parameter names (once
    ``check_run_options`` has passed)."""
    params = inspect.signature(fn).parameters
    takes_any = any(p.kind is p.VAR_KEYWORD for p in params.values())
    wanted = {
        "print_cost": not args.json,
        "progress": None if not args.json else False,
        "num_iterations": args.iterations,
        "learning_rate": args.learning_rate,
        "data_dir": args.data,
    }
    options = {}
    for key, value in wanted.items():
        if value is None and key != "progress":
            continue
        if key in params or (takes_any and key in ("print_cost", "progress")):
            options[key] = value
    return options


class UsageError(Exception):
    """A command-line argument that cannot work (exit status 2)."""


def check_plot_target(text: str) -> Path:
    """Refuse, before any training, a ``--plot`` target that cannot be written.

    Raises:
        UsageError: an empty name, a folder (or a name ending in '/'), an unknown or missing
            suffix, a folder path through a file, or a place where no file can be created (the
            reason is the system's).
        ImportError: matplotlib is not installed.
    """
    if not text.strip():
        raise UsageError(f"--plot: expected a file name such as costs.png, got {text!r}")
    if text.endswith(("/", os.sep)):
        raise UsageError(
            f"--plot: expected an image file, got {text!r}, which ends in {text[-1]!r} as a "
            f"folder does; pass e.g. {text.rstrip('/' + os.sep) or '.'}/costs.png"
        )
    path = Path(text).expanduser()
    if path.is_dir():
        raise UsageError(f"--plot: expected an image file, got the folder {text!r}; pass e.g. "
                         f"{str(path / 'costs.png')!r}")  # fmt: skip
    suffix = path.suffix.lower().lstrip(".")
    if suffix not in PLOT_FORMATS:
        got = f"'.{suffix}'" if suffix else "no suffix"
        raise UsageError(
            f"--plot: expected a file name ending in .png, .svg or .pdf (or "
            f"{', '.join('.' + f for f in PLOT_FORMATS[3:])}), got {text!r} ({got})"
        )
    if importlib.util.find_spec("matplotlib") is None:
        raise ImportError('--plot: cost curves need matplotlib: pip install "tinygrad_edu[plot]"')
    folder = path.parent
    existing = folder
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if not existing.is_dir():
        raise UsageError(
            f"--plot: cannot write {text!r}: {str(existing)!r} is a file, not a folder"
        )
    try:  # the only reliable test of "can a file be created there" is to create one
        if existing == folder:
            with tempfile.NamedTemporaryFile(dir=folder, prefix=".tinygrad-edu-plot-"):
                pass
        else:
            os.rmdir(tempfile.mkdtemp(dir=existing, prefix=".tinygrad-edu-plot-"))
    except OSError as err:
        reason = err.strerror or str(err)
        raise UsageError(f"--plot: cannot write {text!r}: {reason} ({existing})") from None
    if path.exists() and not os.access(path, os.W_OK):
        raise UsageError(f"--plot: cannot write {text!r}: permission denied")
    return path


def blas_threads(requested: int | None = None) -> int | None:
    """The BLAS threads for a training run; None leaves BLAS alone.

    ``requested`` (``--threads``) wins; an ``OPENBLAS_NUM_THREADS``-like variable is the user's
    choice and is kept (None). Otherwise: the cores that are idle (cores minus the 1-minute load
    average), between 1 and 4. The course's products are small: extra threads gain little on a
    quiet machine, and on a busy one OpenBLAS's threads spin waiting for each other and make
    training 2 to 50 times slower.
    """
    if requested is not None:
        return requested
    if any(os.environ.get(name) for name in THREAD_ENV_VARS):
        return None
    cores = os.cpu_count() or 1
    try:
        load = os.getloadavg()[0]
    except (AttributeError, OSError):  # not on every system
        load = 0.0
    return max(1, min(4, int(cores - load)))


@contextlib.contextmanager
def limit_blas_threads(threads: int | None) -> Iterator[None]:
    """Run the block with ``threads`` BLAS threads (via threadpoolctl, when installed)."""
    if threads is None:
        yield
        return
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        yield
        return
    with threadpool_limits(limits=threads, user_api="blas"):
        yield


def strict_json(report: dict[str, Any]) -> str:
    """The report as strict JSON (RFC 8259 has no NaN or Infinity): non-finite numbers become
    ``null`` and ``non_finite`` maps their dotted paths to what they were.

    >>> strict_json({"costs": {"0": 0.69, "1": float("nan")}})
    '{"costs": {"0": 0.69, "1": null}, "non_finite": {"costs.1": "NaN"}}'
    """
    found: dict[str, str] = {}

    def clean(value: Any, where: str) -> Any:
        if isinstance(value, dict):
            return {k: clean(v, f"{where}.{k}" if where else str(k)) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return [clean(v, f"{where}.{i}") for i, v in enumerate(value)]
        if isinstance(value, float) and not math.isfinite(value):
            found[where] = (
                "NaN" if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity")
            )
            return None
        return value

    cleaned = clean(report, "")
    if found:
        cleaned["non_finite"] = found
    return json.dumps(cleaned, allow_nan=False)


def _interrupted_report(name: str, history: train.History) -> dict[str, Any]:
    return {
        "model": name,
        "costs": {str(i): c for i, c in history.costs.items()},
        "interrupted": True,
        "iterations_completed": history.steps,  # updates applied (mini-batches for epoch runs)
        "unit": history.unit,  # what the keys of "costs" count: "iteration" or "epoch"
    }


def run(args: argparse.Namespace) -> int:
    """Train the model ``args.name`` and report it; returns the exit code."""
    prog = f"tinygrad-edu course {args.name}"
    fn = MODELS[args.name]

    def fail(message: object, code: int) -> int:
        print(f"{prog}: error: {' '.join(str(message).split())}", file=sys.stderr)
        return code

    # First what the run takes (a --plot of a run without a curve is refused, whatever the
    # target or matplotlib), then whether the --plot target can be written.
    check_run_options(fn, args)
    try:
        plot = check_plot_target(args.plot) if args.plot is not None else None
    except UsageError as err:
        return fail(err, 2)
    except ImportError as err:
        return fail(err, 1)
    try:
        with limit_blas_threads(blas_threads(args.threads)):
            result = fn(**_options(fn, args))
    except FileNotFoundError as err:  # no data folder, or it lacks the files: the argument
        return fail(err, 2)
    except (ImportError, ValueError) as err:  # no reader for the data, or a damaged file
        return fail(err, 1)
    except train.TrainingInterrupted as err:
        history = err.history
        if args.json:
            print(strict_json(_interrupted_report(args.name, history)))
        drawn = plot is not None and len(err.curve) > 0
        if drawn:
            from tinygrad_edu.viz import plot_costs

            plot_costs(err.curve, plot, title=f"{args.name}: cost (interrupted)")
        shown = where = ""
        if history.costs:
            last = max(history.costs)
            shown = f"; last recorded cost {history.costs[last]:f} at {history.unit} {last}"
        if drawn:
            where = f" and the cost curve is in {plot}"
        print(
            f"{prog}: interrupted (Ctrl-C) after {history.steps} updates{shown}; the costs "
            f"so far were printed{where}.",
            file=sys.stderr,
        )
        return 130
    if args.json:
        print(strict_json(result.to_json()))
    else:
        for line in result.summary_lines():
            print(line)
    sys.stdout.flush()  # the results are out before the plot is written, whatever happens to it
    if plot is not None:
        from tinygrad_edu.viz import plot_costs  # matplotlib is optional: import when asked

        try:
            plot_costs(result.curves(), plot, title=f"{args.name}: cost per iteration")
        except ValueError as err:  # a run without costs to draw
            why = str(err)
            costs = getattr(result, "costs", None) or {}
            if costs and not any(math.isfinite(c) for c in costs.values()):
                why = (
                    f"every recorded cost is NaN or infinite ({len(costs)} of them; see "
                    f'"non_finite" in --json), so there is no curve to draw'
                )
            return fail(f"--plot: {why}", 1)
        if not args.json:
            print(f"Cost curve written to {args.plot}")
        for what, path in getattr(result, "extra_pictures", lambda _: [])(args.plot):
            print(f"{what} written to {path}", file=sys.stderr if args.json else sys.stdout)
    return 0
