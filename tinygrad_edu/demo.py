"""``tinygrad-edu demo``: the README's main job in one command.

Layer: ``demo``, above ``expr`` and ``viz`` (and below ``cli``).

On a fresh machine, with no data, it

1. builds the course's J = 3(a + bc), prints its backward pass step by step (each dvar the
   upstream gradient times a local derivative), draws the graph with every value and dvar
   (``J.svg``; ``J.dot`` plus a note when the graphviz program is missing) and writes the
   interactive page ``J.html`` (step through forward and backward, click nodes, nudge a leaf);
2. draws the course's activation functions with their derivatives by autograd
   (``activations.png``), trains the course's planar "flower" network (2 -> 4 tanh -> 1
   sigmoid, ``course.planar``) on the embedded data generator, printing the course's costs and
   accuracy, and draws its cost curve, its decision boundary and its graph (one box per layer);
3. where the cat vs non-cat data is available (``--data DIR`` or ``TINYGRAD_EDU_DATA``), trains
   the course's 4-layer cat recognizer too (``course.deep``; fewer iterations with
   ``--iterations``) and shows the test images it gets wrong.

Everything it draws goes into one folder (``./tinygrad_edu_demo/`` by default), which it names.
"""

# The course's symbols (J, X, Y) name the course's objects here, as in examples/.

from __future__ import annotations

import argparse
import shutil
import sys
import time
from pathlib import Path
from typing import Any, TextIO

from tinygrad_edu import course, data, losses, train, viz
from tinygrad_edu.tensor import Tensor

DEFAULT_OUT = "tinygrad_edu_demo"
PLANAR_ITERATIONS = 10000  # the course's planar run
CAT_ITERATIONS = 1000  # the course trains 2500 (about 80% test accuracy); 1000 keeps the demo short


def _say(file: TextIO, text: str = "") -> None:
    file.write(text + "\n")
    file.flush()


def _draw(tensor: Tensor, path: Path, file: TextIO, **kwargs: Any) -> Path | None:
    """Render ``tensor``'s graph as SVG, or as DOT text with a note when graphviz is missing."""
    try:
        if shutil.which("dot") is None:
            written = viz.render(tensor, path.with_suffix(".dot"), **kwargs)
            _say(file, f"  wrote {written} (DOT text: the graphviz program 'dot' is not installed;")
            _say(file, "  apt-get install graphviz / brew install graphviz, or paste it into any")
            _say(file, "  online graphviz viewer)")
            return written
        written = viz.render(tensor, path, **kwargs)
    except ImportError as err:  # the graphviz Python package (the viz extra) is missing
        _say(file, f"  no picture: {err}")
        return None
    _say(file, f"  wrote {written}")
    return written


def _picture(draw: Any, path: Path, file: TextIO, *args: Any, **kwargs: Any) -> list[Path]:
    """``draw(*args, path, **kwargs)`` (a matplotlib picture), or a note without matplotlib."""
    try:
        written = draw(*args, path, **kwargs)
    except ImportError as err:  # matplotlib (the plot extra) is missing
        _say(file, f"  no {path.stem} picture: {err}")
        return []
    _say(file, f"  wrote {written}")
    return [written]


def _plot(history: Any, path: Path, file: TextIO, title: str) -> Path | None:
    written = _picture(viz.plot_costs, path, file, history, title=title)
    return written[0] if written else None


def _explore(tensor: Tensor, path: Path, file: TextIO, **kwargs: Any) -> list[Path]:
    """The interactive page (its picture needs the graphviz program; its steps do not)."""
    try:
        written = viz.explore(tensor, **kwargs).save(path)
    except ImportError as err:  # the graphviz Python package (the viz extra) is missing
        _say(file, f"  no interactive page: {err}")
        return []
    _say(file, f"  wrote {written}  (open it in a browser: step through forward and backward)")
    if shutil.which("dot") is None:  # the page then has the steps and node buttons only
        _say(file, "  (without the graphviz program 'dot' the page has no picture of the graph)")
    return [written]


def course_J(file: TextIO, out: Path) -> list[Path]:
    """Step 1: J = 3(a + bc) with every value and dvar, as the course draws it."""
    _say(file, "1. The course's computation graph J = 3(a + bc), with a = 5, b = 3, c = 2")
    a = Tensor(5.0, requires_grad=True, name="a")
    b = Tensor(3.0, requires_grad=True, name="b")
    c = Tensor(2.0, requires_grad=True, name="c")
    u = b * c
    v = a + u
    J = 3 * v
    J.backward(retain_grads=True)  # keep du, dv too, not only the leaves' gradients
    names = {"a": a, "b": b, "c": c, "u": u, "v": v, "J": J}
    forward = f"u = bc = {u.item():g},  v = a + u = {v.item():g},  J = 3v = {J.item():g}"
    _say(file, f"  forward:  {forward}")
    grads = ",  ".join(f"d{k} = {t.grad.item():g}" for k, t in names.items() if k != "J")
    _say(file, f"  backward: {grads}   (dvar means dJ/dvar)")
    _say(file, "  the backward pass, step by step (viz.trace_backward):")
    for line in viz.backward_steps(J, names=names).lines():
        _say(file, f"    {line}".rstrip())
    drawn = _draw(J, out / "J.svg", file, names=names, backward_edges=True)
    return ([drawn] if drawn else []) + _explore(J, out / "J.html", file, names=names)


def planar(file: TextIO, out: Path, iterations: int) -> list[Path]:
    """Step 2: the course's planar network (``course.planar``), on the embedded data generator."""
    _say(file)
    _say(file, "2. Planar flower data: one hidden layer of 4 tanh units (the course's model)")
    written = _picture(viz.plot_activations, out / "activations.png", file)
    X, Y = data.planar_flower(seed=1, layout="batch")  # X (400, 2), Y (400, 1)
    blue = int(Y.sum())
    _say(file, f"  data: X {X.shape}, Y {Y.shape} ({blue} blue, {len(Y) - blue} red points)")
    result = course.planar(num_iterations=iterations, print_cost=True, progress=None, file=file)
    acc = 100 * result.train_accuracy
    _say(file, f"  Accuracy: {acc:.0f}%   (the course reports 90%; {result.seconds:.1f} s)")
    curve = _plot(result.all_costs, out / "planar_costs.png", file, "Planar network, lr = 1.2")
    written += [curve] if curve else []
    model = result.network
    written += _picture(viz.plot_decision_boundary, out / "planar_boundary.png", file, model, X,
                        Y, title="Decision boundary for hidden layer size 4")  # fmt: skip
    J = losses.binary_cross_entropy(model(Tensor(X, name="X")), Tensor(Y.astype(float), name="Y"))
    J.name = "J"
    J.backward(retain_grads=True)
    drawn = _draw(J, out / "planar_model.svg", file, collapse=model)
    written += [drawn] if drawn else []
    return written


def cat(file: TextIO, out: Path, data_dir: str | None, iterations: int) -> list[Path]:
    """Step 3: the course's 4-layer cat recognizer (``course.deep``), where the data is."""
    _say(file)
    _say(file, "3. Cat vs non-cat: the course's 4-layer model (12288-20-7-5-1)")
    try:
        folder = data.find_data_dir(data_dir)
        cats = data.load_catvnoncat(folder, layout="batch")  # X (m, 12288), Y (m, 1)
    except FileNotFoundError as err:
        if data_dir is not None or "got none" not in str(err):  # a folder was named: say why
            _say(file, f"  {err}")
        _say(file, "  skipped: no cat data. Set TINYGRAD_EDU_DATA or pass --data DIR (a folder")
        _say(file, "  holding train_catvnoncat.h5 and test_catvnoncat.h5) to train it too.")
        return []
    except ImportError as err:  # h5py (the data extra) is missing
        _say(file, f"  skipped: {err}")
        return []
    _say(file, f"  data: {folder}: train {cats.train_x.shape}, test {cats.test_x.shape}")
    result = course.deep(folder, num_iterations=iterations, print_cost=True, progress=None,
                         file=file)  # fmt: skip
    assert result.test_accuracy is not None  # the cat runs are evaluated on the test set
    _say(file, f"  train accuracy: {100 * result.train_accuracy:.1f}%   test accuracy: "
               f"{100 * result.test_accuracy:.1f}%   ({iterations} iterations, "
               f"{result.seconds:.1f} s)")  # fmt: skip
    if iterations < 2500:
        _say(file, "  the course trains 2500 iterations for about 80% test accuracy: "
                   "--iterations 2500")  # fmt: skip
    written = []
    curve = _plot(result.all_costs, out / "cat_costs.png", file, "4-layer model, lr = 0.0075")
    written += [curve] if curve else []
    model = result.network
    J = losses.binary_cross_entropy(model(Tensor(cats.train_x, name="X")),
                                    Tensor(cats.train_y, name="Y"))  # fmt: skip
    J.name = "J"
    J.backward(retain_grads=True)
    drawn = _draw(J, out / "deep_model.svg", file, collapse=model)
    written += [drawn] if drawn else []
    predictions = train.predict(model, cats.test_x)
    wrong = int((predictions != cats.test_y).sum())
    _say(file, f"  {wrong} of {len(cats.test_y)} test images are mislabelled:")
    written += _picture(viz.plot_mislabeled, out / "cat_mislabeled.png", file, cats.test_x,
                        cats.test_y, predictions, cats.classes)  # fmt: skip
    return written


def run_demo(
    out: str | Path = DEFAULT_OUT,
    data_dir: str | None = None,
    iterations: int | None = None,
    file: TextIO | None = None,
) -> list[Path]:
    """Run the three steps and return the files written (all inside ``out``).

    ``iterations`` caps both trainings (the defaults are ``PLANAR_ITERATIONS`` and
    ``CAT_ITERATIONS``).

    >>> import io, tempfile
    >>> files = run_demo(tempfile.mkdtemp(), iterations=2, file=io.StringIO())
    >>> sorted(p.stem for p in files)[:1]
    ['J']
    """
    file = sys.stdout if file is None else file
    if iterations is not None and iterations < 1:
        raise ValueError(f"demo: expected iterations >= 1, got {iterations}.")
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    _say(file, f"tinygrad-edu demo: pictures go into {out.resolve()}/")
    _say(file)
    written = course_J(file, out)
    written += planar(file, out, iterations or PLANAR_ITERATIONS)
    written += cat(file, out, data_dir, iterations or CAT_ITERATIONS)
    _say(file)
    _say(file, f"Done in {time.perf_counter() - start:.0f} s. Open the pictures in {out}/:")
    for path in written:
        _say(file, f"  {path.name}")
    return written


def _check_out(text: str) -> str | None:
    """Why ``--out`` cannot be the pictures' folder (None: it can, and now exists). Checked
    before any work, so that a wrong path never costs a training."""
    if not text.strip():
        return f"--out: expected a folder for the pictures, got {text!r}"
    path = Path(text).expanduser()
    if path.exists() and not path.is_dir():
        return f"--out: expected a folder for the pictures, got {text!r}, which is a file"
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        return f"--out: cannot create the folder {text!r}: {err.strerror or err}"
    return None


def _positive_int(text: str) -> int:
    """An argparse type: a whole number >= 1 (a usage error otherwise, exit status 2)."""
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(
            f"expected a whole number of iterations >= 1, got {text!r}"
        )
    return value


def run(args: argparse.Namespace) -> int:
    """The ``demo`` subcommand; returns the exit code."""
    problem = _check_out(args.out)
    if problem is not None:
        print(
            f"tinygrad-edu demo: error: {problem}; pass a new or existing folder.", file=sys.stderr
        )
        return 2
    if args.data is not None:  # named on the command line: a wrong folder is a usage error
        try:
            data.find_data_dir(args.data)
        except FileNotFoundError as err:
            print(f"tinygrad-edu demo: error: --data: {err}", file=sys.stderr)
            return 2
    try:
        run_demo(args.out, args.data, args.iterations)
    except (ValueError, RuntimeError) as err:
        print(f"tinygrad-edu demo: error: {err}", file=sys.stderr)
        return 1
    return 0


def add_parser(subparsers) -> argparse.ArgumentParser:
    """Register ``demo [--out DIR] [--data DIR] [--iterations N]`` with the command line."""
    parser = subparsers.add_parser(
        "demo",
        help="draw J = 3(a + bc) and train the course's models, writing pictures to a folder",
        description="Draw the course's J = 3(a + bc) with every value and gradient, train the "
        "planar network (and the 4-layer cat recognizer when the data is available), and "
        "write the graphs and cost curves into a folder.",
    )
    parser.add_argument(
        "--out", default=DEFAULT_OUT, help=f"folder for the pictures (default: ./{DEFAULT_OUT})"
    )
    parser.add_argument(
        "--data",
        default=None,
        metavar="DIR",
        help="folder with train_catvnoncat.h5 and test_catvnoncat.h5 (default: "
        "$TINYGRAD_EDU_DATA; without data the cat model is skipped)",
    )
    parser.add_argument(
        "--iterations",
        type=_positive_int,
        default=None,
        metavar="N",
        help=f"training iterations (default: {PLANAR_ITERATIONS} for the planar network, "
        f"{CAT_ITERATIONS} for the cat model)",
    )
    parser.set_defaults(run=run)
    return parser
