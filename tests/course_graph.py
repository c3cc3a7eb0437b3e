"""The course's computation graph J = 3(a + bc) with a=5, b=3, c=2 (u = bc, v = a + u), which the
drawing, tracing and explorer tests share."""

import tinygrad_edu as tg


def course_J(*, backward: bool = False):
    """``(J, names)``: J and every tensor of the graph by its course name; with ``backward``,
    ``J.backward(retain_grads=True)`` has run, so every gradient is kept."""
    a = tg.Tensor(5.0, requires_grad=True)
    b = tg.Tensor(3.0, requires_grad=True)
    c = tg.Tensor(2.0, requires_grad=True)
    u = b * c
    v = a + u
    J = 3 * v
    if backward:
        J.backward(retain_grads=True)
    return J, {"a": a, "b": b, "c": c, "u": u, "v": v, "J": J}
