"""02 - The computation graph of J = 3(a + bc): forward values, backward derivatives.

The course computes J = 3(a + bc) with a = 5, b = 3, c = 2 in three steps, u = bc, v = a + u,
J = 3v, then walks the graph backwards with the chain rule: dJ/dv = 3, dJ/du = 3, dJ/da = 3,
dJ/db = 6, dJ/dc = 9. Autograd does the same walk.

Run it:

    python examples/02_computation_graph.py            # prints the values and derivatives
    python examples/02_computation_graph.py J.svg      # also draws the graph (needs graphviz)

What to look for: u = 6, v = 11, J = 33, and the course's dvar notation, da = 3, db = 6, dc = 9.
``backward(retain_grads=True)`` keeps du and dv too, which training does not need.
"""

import sys
from pathlib import Path

import tinygrad_edu as tg

A, B, C = 5.0, 3.0, 2.0


def main(picture: str | Path | None = None) -> dict[str, float]:
    a = tg.Tensor(A, requires_grad=True, name="a")
    b = tg.Tensor(B, requires_grad=True, name="b")
    c = tg.Tensor(C, requires_grad=True, name="c")
    u = b * c
    v = a + u
    J = 3 * v
    u.name, v.name, J.name = "u", "v", "J"
    J.backward(retain_grads=True)  # keep du and dv as well, for teaching

    print(f"forward:  u = bc = {u.item():g},  v = a + u = {v.item():g},  J = 3v = {J.item():g}")
    grads = {t.name: t.grad.item() for t in (a, b, c, u, v)}
    print("backward: " + ",  ".join(f"d{name} = {g:g}" for name, g in grads.items()))
    if picture is not None:
        try:
            from tinygrad_edu import viz
        except ImportError:
            print("(drawing needs the viz extra: pip install 'tinygrad_edu[viz]')")
        else:
            try:
                print(f"graph drawn to {viz.render(J, picture)}")
            except (ImportError, RuntimeError) as err:  # no graphviz package or no dot program
                print(err)
    return grads


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else None)
