"""The command line of the course runs: ``tinygrad-edu course NAME``.

Layer: ``course``. Every run in ``MODELS`` is a function that trains and returns a result with
``to_json()``, ``summary_lines()`` and ``curves()``; this module passes it the options it accepts
(``data_dir``, ``num_iterations``, ``learning_rate``, ``print_cost``, ``progress``) and prints.
"""

from __future__ import annotations

import argparse
import inspect
import json
import sys
from collections.abc import Callable
from typing import Any

from tinygrad_edu import data
from tinygrad_edu.course.registry import MODELS


def _positive(kind: type) -> Callable[[str], Any]:
    def parse(text: str):
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a {kind.__name__}, got {text!r}") from None
        if not value > 0:
            raise argparse.ArgumentTypeError(f"expected a positive number, got {text!r}")
        return value

    parse.__name__ = kind.__name__
    return parse


def add_parser(subparsers) -> argparse.ArgumentParser:
    """Register ``course NAME [--data DIR] [--iterations N] [--learning-rate LR] [--json]
    [--plot FILE]`` on the ``tinygrad-edu`` command line."""
    parser = subparsers.add_parser(
        "course",
        help="reproduce one of the course's models with autograd",
        description="Train one of the course's models with autograd, in float64 from the "
        "course's initialization, and print its costs and accuracies.",
    )
    parser.add_argument(
        "name", choices=list(MODELS), metavar="NAME", help="one of: " + ", ".join(MODELS)
    )
    parser.add_argument(
        "--data",
        metavar="DIR",
        default=None,
        help="folder holding the course's data (train_catvnoncat.h5 and test_catvnoncat.h5; "
        f"data.mat for reg-*), or its parent (default: ${data.DATA_ENV_VAR})",
    )
    parser.add_argument(
        "--iterations",
        type=_positive(int),
        metavar="N",
        default=None,
        help="number of iterations (default: the course's)",
    )
    parser.add_argument(
        "--learning-rate",
        type=_positive(float),
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
    parser.set_defaults(run=run)
    return parser


def check_run_options(fn: Callable[..., Any], args: argparse.Namespace) -> None:
    """Refuse, before running, an option that the run ``args.name`` cannot honour: ``--plot`` on
    a run without a cost curve (``common.has_curve``). A usage error: one line on stderr, exit
    status 2 (``SystemExit``, as argparse's own errors)."""
    from tinygrad_edu.course.common import has_curve

    if args.plot and not has_curve(fn):
        print(
            f"tinygrad-edu course {args.name}: error: --plot: {args.name} computes the "
            f"assignment's values without training, so it has no cost curve to draw; drop --plot "
            f"(--json gives the values).",
            file=sys.stderr,
        )
        raise SystemExit(2)


def _options(fn: Callable[..., Any], args: argparse.Namespace) -> dict[str, Any]:
    """The command-line options that ``fn`` accepts, under its parameter names (after
    ``check_run_options``)."""
    check_run_options(fn, args)
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


def run(args: argparse.Namespace) -> int:
    """Train the model ``args.name`` and report it; returns the exit code."""
    name = args.name
    fn = MODELS[name]
    try:
        result = fn(**_options(fn, args))
    except (FileNotFoundError, ImportError) as err:  # no data, or no optional reader for it
        print(f"tinygrad-edu course {name}: {err}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(result.to_json()))
    else:
        for line in result.summary_lines():
            print(line)
    if args.plot:
        try:
            from tinygrad_edu.viz import plot_costs  # matplotlib is optional: import when asked
        except ImportError as err:
            print(f"tinygrad-edu course {name}: --plot: {err}", file=sys.stderr)
            return 1
        try:
            plot_costs(result.curves(), args.plot, title=f"{name}: cost per iteration")
        except (ImportError, ValueError) as err:  # no matplotlib, or a run without costs
            print(f"tinygrad-edu course {name}: --plot: {err}", file=sys.stderr)
            return 1
        if not args.json:
            print(f"Cost curve written to {args.plot}")
        for what, path in getattr(result, "extra_pictures", lambda _: [])(args.plot):
            print(f"{what} written to {path}", file=sys.stderr if args.json else sys.stdout)
    return 0
