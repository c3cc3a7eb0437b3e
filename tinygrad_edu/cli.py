"""The ``tinygrad-edu`` command line (also ``python -m tinygrad_edu``).

Layer: ``cli``, the top. Each subcommand lives in its own module, which adds its parser with
``add_parser(subparsers)`` and sets ``run`` (a function of the parsed arguments returning an exit
code):

- ``course NAME``: reproduce one of the course's models (``tinygrad_edu.course``);
- ``graph EXPR``: draw an expression's computation graph with values and gradients
  (``tinygrad_edu.expr``);
- ``demo``: the README's main job (``tinygrad_edu.demo``).
"""

from __future__ import annotations

import argparse
import os
import sys

from tinygrad_edu import course, demo, expr


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every subcommand registered."""
    parser = argparse.ArgumentParser(
        prog="tinygrad-edu",
        description="The deep learning course, executable: graphs, gradients and the course's "
        "models trained with autograd.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    course.add_parser(sub)
    expr.add_parser(sub)
    demo.add_parser(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the process exit code."""
    args = build_parser().parse_args(argv)
    try:
        return int(args.run(args) or 0)
    except BrokenPipeError:  # output piped into `head`, which closed early: not an error
        # Point stdout at devnull so the interpreter's final flush does not raise again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
