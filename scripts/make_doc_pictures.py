"""Generate the pictures in docs/images/ from code (never drawn by hand).

Run from the repository root with the package installed (``pip install -e ".[viz]"``) and the
graphviz program ``dot``:

    python scripts/make_doc_pictures.py            # writes docs/images/J.svg, deep_model.svg
    python scripts/make_doc_pictures.py --png      # also PNG copies, to look at them

- ``J.svg``: the course's J = 3(a + bc) with a=5, b=3, c=2 after ``J.backward(retain_grads=True)``:
  every value (u=6, v=11, J=33) and every dvar (da=3, db=6, dc=9, du=3, dv=3), forward edges blue,
  gradient flow red, as the course draws it.
- ``deep_model.svg``: the course's 4-layer cat model (12288-20-7-5-1) collapsed to one box per
  layer, at the course's initialization (``np.random.seed(1)``) before the first update. With the
  cat data (``TINYGRAD_EDU_DATA`` or ``--data``) the cost shown is the course's first printed cost,
  0.771749; without it, random images of the same shape stand in.
- ``explorer_step.png``: the interactive page of J = 3(a + bc) (``viz.explore``) in headless
  Chromium, at the backward step dc = du · b = 3 · 3 = 9, with the node u clicked and a nudged by
  0.001 (needs ``apt-get install chromium chromium-driver``; skipped with a note without them).
- ``planar_boundary.png``: the planar network's decision boundary after the course's 10,000
  iterations (``course.planar``); ``activations.png``: the activation functions and their
  derivatives by autograd; ``cat_mislabeled.png``: the test images the course's logistic
  regression (2000 iterations) gets wrong (needs the cat data).
"""

# The course's symbols (X, Y, J) name the course's objects here.

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import numpy as np

import tinygrad_edu as tg
from tinygrad_edu import course, data, losses, nn, train, viz

OUT = Path(__file__).resolve().parent.parent / "docs" / "images"


def course_J() -> tuple[tg.Tensor, dict]:
    a = tg.Tensor(5.0, requires_grad=True)
    b = tg.Tensor(3.0, requires_grad=True)
    c = tg.Tensor(2.0, requires_grad=True)
    u = b * c
    v = a + u
    J = 3 * v
    J.backward(retain_grads=True)
    return J, {"a": a, "b": b, "c": c, "u": u, "v": v, "J": J}


def deep_model_J(data_dir: str | None) -> tuple[tg.Tensor, nn.Module, str]:
    try:
        cats = data.load_catvnoncat(data_dir, layout="batch")
        X, Y, source = cats.train_x, cats.train_y, "the cat training set"
    except (FileNotFoundError, ImportError):
        rng = np.random.RandomState(0)
        X = rng.rand(209, 12288)
        Y = (rng.rand(209, 1) > 0.5).astype(np.float64)
        source = "random images of the cat data's shape (no cat data found)"
    np.random.seed(1)  # the course's initialization of the L-layer model
    model = nn.Sequential(
        nn.Linear(12288, 20), nn.ReLU(),
        nn.Linear(20, 7), nn.ReLU(),
        nn.Linear(7, 5), nn.ReLU(),
        nn.Linear(5, 1), nn.Sigmoid(),
    )  # fmt: skip
    J = losses.binary_cross_entropy(model(tg.Tensor(X, name="X")), tg.Tensor(Y, name="Y"))
    J.name = "J"
    J.backward(retain_grads=True)
    return J, model, source


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--data", default=None, help="cat data folder (default: $TINYGRAD_EDU_DATA)"
    )
    parser.add_argument("--out", type=Path, default=OUT, help=f"folder (default: {OUT})")
    parser.add_argument("--png", action="store_true", help="also write PNG copies to look at")
    args = parser.parse_args(argv)
    formats = ["svg", "png"] if args.png else ["svg"]

    J, names = course_J()
    for fmt in formats:
        path = viz.render(J, args.out / f"J.{fmt}", names=names, backward_edges=True)
        print(f"wrote {path}")

    J, model, source = deep_model_J(args.data)
    print(f"deep model: cost {J.item():.6f} on {source}")
    for fmt in formats:
        path = viz.render(J, args.out / f"deep_model.{fmt}", collapse=model, rankdir="TB")
        print(f"wrote {path}")

    explorer_screenshot(args.out / "explorer_step.png")
    pictures(args.out, args.data)


def explorer_screenshot(path: Path) -> None:
    """The interactive page in headless Chromium, at the backward step of dc (tests/browser.py)."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
    from browser import MISSING, Chromium

    if MISSING:
        print(f"skipped {path.name}: {MISSING}")
        return
    J, names = course_J()
    with tempfile.TemporaryDirectory() as folder:
        page = viz.explore(J, names=names).save(Path(folder) / "J.html")
        with Chromium(Path(folder), width=1200, height=900) as browser:
            browser.open(page)
            while not browser.text("#tg-narration").startswith("u → c"):
                browser.click("#tg-step")
            browser.run(  # click the node u: its details in the side panel
                "[...document.querySelectorAll('g.node')].find(g => g.textContent"
                ".includes('u = 6')).dispatchEvent(new MouseEvent('click', {bubbles: true}))"
            )
            browser.click("button[data-eps='0.001']")  # and nudge a by 0.001
            path.write_bytes(browser.screenshot())
    print(f"wrote {path}")


def pictures(out: Path, data_dir: str | None) -> None:
    """The course's pictures: decision boundary, activation functions, mislabelled images."""
    result = course.planar(print_cost=False)  # the course's 10,000 iterations
    X, Y = data.planar_flower(seed=1, layout="batch")
    title = f"Decision boundary for hidden layer size 4 ({100 * result.train_accuracy:.0f}%)"
    path = viz.plot_decision_boundary(result.network, X, Y, out / "planar_boundary.png",
                                      title=title)  # fmt: skip
    print(f"wrote {path}")
    print(f"wrote {viz.plot_activations(out / 'activations.png', slope=0.05)}")
    try:
        cats = data.load_catvnoncat(data_dir, layout="batch")
    except (FileNotFoundError, ImportError) as err:
        print(f"skipped cat_mislabeled.png: {err}")
        return
    result = course.logistic_regression(data_dir, print_cost=False)  # 2000 iterations
    predictions = train.predict(result.network, cats.test_x)
    path = viz.plot_mislabeled(cats.test_x, cats.test_y, predictions, cats.classes,
                               out / "cat_mislabeled.png", max_images=10)  # fmt: skip
    print(f"wrote {path} (test accuracy {100 * result.test_accuracy:.0f}%)")


if __name__ == "__main__":
    main()
