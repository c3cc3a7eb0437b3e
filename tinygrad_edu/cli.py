"""The ``tinygrad-edu`` command line (also ``python -m tinygrad_edu``).

Layer: ``cli``, the top. Each subcommand lives in its own module, which adds its parser with
``add_parser(subparsers)`` and sets ``run`` (a function of the parsed arguments returning an exit
code):

- ``course NAME``: reproduce one of the course's models (``tinygrad_edu.course``);
- ``graph EXPR``: draw an expression's computation graph with values and gradients
  (``tinygrad_edu.expr``);
- ``demo``: the README's main job (``tinygrad_edu.demo``).

Every error is one line on stderr, ``tinygrad-edu COMMAND: error: what (which argument): what to
do``, and the exit status says who can fix it: 2 for the command line (an argument, a path, an
option's value), 1 for what happened while running (a damaged file, a full disk, a missing
package), 130 for Ctrl-C. Warnings are one line each too. ``TINYGRAD_EDU_TRACEBACK=1`` shows the
Python traceback of an unexpected error, for a bug report.
"""

from __future__ import annotations

import argparse
import os
import sys
import warnings
from typing import NoReturn

import tinygrad_edu
from tinygrad_edu import course, demo, expr

TRACEBACK_ENV_VAR = "TINYGRAD_EDU_TRACEBACK"


class OneLineParser(argparse.ArgumentParser):
    """argparse, with usage errors on one line that point to ``--help`` (exit status 2)."""

    def error(self, message: str) -> NoReturn:
        required = "the following arguments are required: "
        if message.startswith(required):  # list the choices, as for a wrong name
            missing = message[len(required) :].split(", ")
            for action in self._actions:
                if (action.metavar or action.dest) in missing and action.choices:
                    names = ", ".join(repr(name) for name in action.choices)
                    message += f" (choose from {names})"
                    break
        self.exit(2, f"{self.prog}: error: {message}. See '{self.prog} --help'.\n")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every subcommand registered."""
    parser = OneLineParser(
        prog="tinygrad-edu",
        description="The deep learning course, executable: graphs, gradients and the course's "
        "models trained with autograd.",
    )
    parser.add_argument(
        "--version",
        action="version",
        version=f"%(prog)s {tinygrad_edu.__version__}",
        help="show the version",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    course.add_parser(sub)
    expr.add_parser(sub)
    demo.add_parser(sub)
    return parser


def _one_line(text: object) -> str:
    return " ".join(str(text).split())


def _show_warning(prog: str):
    def show(message, category, filename, lineno, file=None, line=None):
        kind = category.__name__
        print(f"{prog}: warning: {kind}: {_one_line(message)}", file=sys.stderr)

    return show


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the process exit code."""
    args = build_parser().parse_args(argv)
    prog = f"tinygrad-edu {args.command}"
    try:
        with warnings.catch_warnings():
            warnings.showwarning = _show_warning(prog)
            return int(args.run(args) or 0)
    except BrokenPipeError:  # output piped into `head`, which closed early: not an error
        # Point stdout at devnull so the interpreter's final flush does not raise again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except KeyboardInterrupt:
        print(f"{prog}: interrupted (Ctrl-C).", file=sys.stderr)
        return 130
    except MemoryError:
        print(f"{prog}: error: out of memory.", file=sys.stderr)
        return 1
    except OSError as err:  # a full disk, a file that cannot be written, ...
        print(f"{prog}: error: {_one_line(err)}", file=sys.stderr)
        return 1
    except Exception as err:
        if os.environ.get(TRACEBACK_ENV_VAR):
            raise
        print(
            f"{prog}: error: {type(err).__name__}: {_one_line(err)} (unexpected: please report "
            f"it, with the traceback that {TRACEBACK_ENV_VAR}=1 shows)",
            file=sys.stderr,
        )
        return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
