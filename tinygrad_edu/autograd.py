"""Gradients as functions: ``grad`` (PyTorch's ``torch.autograd.grad``), Hessian-vector products and
small Hessians.

Layer: ``autograd``, above ``tensor`` (it runs the engine's backward pass on tensors).

``grad(outputs, inputs)`` returns dJ/dinput as tensors without touching any ``.grad``. With
``create_graph=True`` those tensors carry a graph of their own, built by the same backward rules
run on tensors, so they can be differentiated again: second derivatives, Hessian-vector products,
Newton's method, gradient penalties.

>>> import tinygrad_edu as tg
>>> x = tg.Tensor(3.0, requires_grad=True)
>>> (dx,) = tg.grad(x**3, x, create_graph=True)      # 3 x**2 = 27
>>> (dxx,) = tg.grad(dx, x, create_graph=True)       # 6 x = 18
>>> (dxxx,) = tg.grad(dxx, x)                        # 6
>>> dx.item(), dxx.item(), dxxx.item()
(27.0, 18.0, 6.0)
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from tinygrad_edu import engine
from tinygrad_edu.tensor import Tensor
from tinygrad_edu.tensor.tensor import _FIRST_ORDER_GRADS, _no_graph_message, _seed_gradient

__all__ = ["grad", "hessian", "hessian_vector_product"]


def _as_list(items: Any, what: str) -> list:
    if isinstance(items, Tensor):
        return [items]
    if isinstance(items, Sequence) and not isinstance(items, (str, bytes)):
        return list(items)
    hint = ""
    if what == "outputs" and isinstance(items, (np.ndarray, np.generic, float)):
        hint = (
            " A gradient filled in by backward() without create_graph=True is a numpy array, "
            "with no graph: for a second derivative, pass create_graph=True to that backward() "
            "(then .grad is a tensor), or use grad(J, x, create_graph=True)."
        )
    raise TypeError(
        f"grad: expected {what} as a tensor or a sequence of tensors, got "
        f"{type(items).__name__} {items!r}.{hint}"
    )


def grad(
    outputs: Tensor | Sequence[Tensor],
    inputs: Tensor | Sequence[Tensor],
    grad_outputs: Any = None,
    retain_graph: bool | None = None,
    create_graph: bool = False,
    allow_unused: bool = False,
) -> list[Tensor | None]:
    """The gradients of ``outputs`` with respect to ``inputs``, as tensors (``.grad`` untouched).

    Args:
        outputs: J, a tensor (or several, whose gradients are summed).
        inputs: the tensors to differentiate with respect to (leaves or intermediate results).
        grad_outputs: dJ/doutput for each output; leave it out for single-number outputs.
        retain_graph: keep what ops saved, to run backward through these graphs again (default:
            ``create_graph``).
        create_graph: give the gradients a graph of their own, so they can be differentiated.
        allow_unused: return None for an input that no output depends on, instead of raising.

    Returns:
        One tensor per input, of that input's shape and dtype (None for unused inputs when
        ``allow_unused``).

    Raises:
        RuntimeError: an output does not require grad (or is a gradient computed without
            ``create_graph``); an input is not used and ``allow_unused`` is False; the graph was
            released by an earlier backward.
        ValueError: a ``grad_outputs`` entry has the wrong shape, or the counts differ.
        TypeError: an output or input that is not a Tensor.

    >>> import tinygrad_edu as tg
    >>> a, b = tg.Tensor(5.0, requires_grad=True), tg.Tensor(3.0, requires_grad=True)
    >>> da, db = tg.grad(a * b, [a, b])
    >>> da.item(), db.item(), a.grad is None
    (3.0, 5.0, True)
    """
    outs = _as_list(outputs, "outputs")
    ins = _as_list(inputs, "inputs")
    for t in (*outs, *ins):
        if not isinstance(t, Tensor):
            raise TypeError(f"grad: expected tensors, got {type(t).__name__}.")
    for i, t in enumerate(ins):
        if not t.requires_grad:
            raise RuntimeError(
                f"grad: input {i} (shape {t.shape}) does not require grad, so no gradient "
                f"reaches it. Create it with requires_grad=True."
            )
    seeds: list[Any]
    if grad_outputs is None:
        seeds = [None] * len(outs)
    else:
        seeds = (
            _as_list(grad_outputs, "grad_outputs")
            if not isinstance(grad_outputs, np.ndarray)
            else [grad_outputs]
        )
        if len(seeds) != len(outs):
            raise ValueError(
                f"grad: expected one grad_outputs entry per output ({len(outs)}), got {len(seeds)}."
            )
    roots, gradients = [], []
    for out, seed in zip(outs, seeds, strict=True):
        if not out.requires_grad:
            raise RuntimeError(_no_graph_message(out, "grad"))
        roots.append(out)
        gradients.append(_seed_gradient(out, seed, "grad", create_graph))
    if retain_graph is None:
        retain_graph = create_graph
    found = engine.run_backward(roots, gradients, retain_graph, False, create_graph, inputs=ins)
    results: list[Tensor | None] = []
    for i, (t, g) in enumerate(zip(ins, found, strict=True)):
        if g is None:
            if not allow_unused:
                raise RuntimeError(
                    f"grad: input {i} (shape {t.shape}) was not used to compute the outputs, so "
                    f"it has no gradient. Pass allow_unused=True to get None for it."
                )
            results.append(None)
            continue
        if not isinstance(g, Tensor):
            g = Tensor(np.asarray(g, dtype=t.dtype))
            _FIRST_ORDER_GRADS.add(g)
        results.append(g)
    return results


def hessian_vector_product(f: Callable[[Tensor], Tensor], x: Any, v: Any) -> np.ndarray:
    """H v, where H is the Hessian of the scalar function ``f`` at ``x``: two backward passes,
    without forming H (the cost of a few gradients, whatever the size of x).

    Args:
        f: maps a tensor of x's shape to a single-number tensor.
        x: the point (an array or tensor; float64 recommended).
        v: the direction, of x's shape.

    Returns:
        A float array of x's shape.

    Raises:
        ValueError: ``v`` and ``x`` differ in shape, or ``f`` does not return a single number.

    >>> hessian_vector_product(lambda x: (x**3).sum(), [1.0, 2.0], [1.0, 1.0])   # 6x * v
    array([ 6., 12.])
    """
    point = Tensor(np.array(x.data if isinstance(x, Tensor) else x, dtype=float),
                   requires_grad=True)  # fmt: skip
    direction = np.asarray(v.data if isinstance(v, Tensor) else v, dtype=point.dtype)
    if direction.shape != point.shape:
        raise ValueError(
            f"hessian_vector_product: expected v of x's shape {point.shape}, got {direction.shape}."
        )
    y = f(point)
    if not isinstance(y, Tensor) or y.size != 1:
        raise ValueError(
            f"hessian_vector_product: expected f to return a single-number tensor, got "
            f"{getattr(y, 'shape', type(y).__name__)}."
        )
    (g,) = grad(y, point, create_graph=True)
    (hv,) = grad((g * direction).sum(), point, allow_unused=True)
    return np.zeros_like(point.data) if hv is None else hv.data


def hessian(f: Callable[[Tensor], Tensor], x: Any) -> np.ndarray:
    """The Hessian of the scalar function ``f`` at ``x``, shape ``x.shape + x.shape``, one
    Hessian-vector product per element of x (for small problems: the course's logistic
    regression on a few features, a 2-parameter toy).

    >>> hessian(lambda w: (w[0] ** 2) * w[1], [3.0, 2.0])
    array([[4., 6.],
           [6., 0.]])
    """
    point = np.array(x.data if isinstance(x, Tensor) else x, dtype=float)
    rows = []
    for i in range(point.size):
        basis = np.zeros(point.size)
        basis[i] = 1.0
        rows.append(hessian_vector_product(f, point, basis.reshape(point.shape)).reshape(-1))
    return np.array(rows).reshape(point.shape + point.shape)
