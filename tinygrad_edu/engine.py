"""Graph traversal: topological order, the backward pass, grad mode and graph release.

Layer: ``engine``, just above ``ops``. It works on any node that has ``data``, ``grad``,
``requires_grad``, ``_op``, ``_parents`` and ``_retain_grad`` (the ``Tensor`` of the layer above),
without importing it.

Two decisions live here and nowhere else:

- ``unbroadcast`` is the only place where a gradient is summed over the axes numpy broadcast. Ops
  return gradients shaped like their output; the engine reduces them to each input's shape.
- ``backward`` walks the graph with an explicit stack (no recursion limit: a 1,000,000-node chain
  works) in a deterministic order, accumulates gradients, and releases what ops saved unless
  ``retain_graph=True``, so a second backward through the same graph raises instead of silently
  doubling or doing nothing.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import numpy as np


class _GradMode:
    """Whether operations record a graph. A class attribute is the cheapest global to read."""

    enabled = True


def is_grad_enabled() -> bool:
    """True unless inside ``no_grad()``.

    >>> is_grad_enabled()
    True
    """
    return _GradMode.enabled


@contextlib.contextmanager
def no_grad() -> Iterator[None]:
    """Run the block without recording a graph (for parameter updates and evaluation).

    >>> import tinygrad_edu as tg
    >>> w = tg.Tensor(2.0, requires_grad=True)
    >>> with tg.no_grad():
    ...     y = w * 3
    >>> y.requires_grad
    False
    """
    previous = _GradMode.enabled
    _GradMode.enabled = False
    try:
        yield
    finally:
        _GradMode.enabled = previous


@contextlib.contextmanager
def enable_grad() -> Iterator[None]:
    """Record a graph inside the block even within ``no_grad()``.

    >>> import tinygrad_edu as tg
    >>> with tg.no_grad(), tg.enable_grad():
    ...     tg.is_grad_enabled()
    True
    """
    previous = _GradMode.enabled
    _GradMode.enabled = True
    try:
        yield
    finally:
        _GradMode.enabled = previous


def unbroadcast(grad: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """Sum ``grad`` over the axes that broadcasting added or stretched, so it gets ``shape``.

    This is the one place gradients are reduced over broadcast axes; it is the course's
    ``db = np.sum(dZ, axis=1, keepdims=True)`` in general form.

    >>> unbroadcast(np.ones((4, 3)), (1, 3))
    array([[4., 4., 4.]])
    >>> unbroadcast(np.ones((4, 3)), (3,))
    array([4., 4., 4.])
    """
    extra = grad.ndim - len(shape)
    if extra > 0:
        grad = grad.sum(axis=tuple(range(extra)))
    stretched = tuple(i for i, n in enumerate(shape) if n == 1 and grad.shape[i] != 1)
    if stretched:
        grad = grad.sum(axis=stretched, keepdims=True)
    return grad


def toposort(root) -> list:
    """Nodes that need a gradient, each after all of its parents (post-order), without recursion.

    Parents are visited in their recorded order, so the result is the same on every run.
    """
    order = []
    visited = {id(root)}
    stack = [(root, iter(root._parents))]
    while stack:
        node, parents = stack[-1]
        for parent in parents:
            if parent.requires_grad and id(parent) not in visited:
                visited.add(id(parent))
                stack.append((parent, iter(parent._parents)))
                break
        else:  # every parent is done
            stack.pop()
            order.append(node)
    return order


def _store_grad(node, grad: np.ndarray, handed_out: set) -> None:
    """Accumulate ``grad`` into ``node.grad`` without aliasing arrays other nodes also hold."""
    if type(grad) is not np.ndarray:  # a 0-d result of numpy arithmetic is a numpy scalar
        grad = np.array(grad)
    if node.grad is None:
        # Add's backward hands the same array to both inputs, and views share memory with the
        # graph: copy those, so that ``x.grad += ...`` by a user can never change another .grad.
        if id(grad) in handed_out or grad.base is not None or not grad.flags.writeable:
            grad = grad.copy()
        handed_out.add(id(grad))
        node.grad = grad
    elif node.grad.flags.writeable:
        node.grad += grad  # in place, as PyTorch accumulates
    else:
        node.grad = node.grad + grad


_RELEASED_MESSAGE = (
    "backward: the graph that produced this tensor was already released by an earlier "
    "backward() (op '{op}'). To free memory, backward() discards the intermediate values each op "
    "saved. To call backward() twice through the same graph, pass retain_graph=True to the first "
    "call; otherwise recompute the forward pass before calling backward() again."
)


def backward(root, gradient: np.ndarray, retain_graph: bool = False, retain_grads: bool = False):
    """Fill ``.grad`` of every leaf that requires grad with dJ/dleaf, where ``root`` is J.

    ``gradient`` is dJ/droot (ones for a scalar loss). Non-leaf tensors keep their gradient only if
    they called ``retain_grad()`` or ``retain_grads=True`` is passed (for teaching and drawing).
    """
    grads = {id(root): gradient}
    handed_out: set = set()
    keep_all = retain_grads
    for node in reversed(toposort(root)):
        grad = grads.pop(id(node), None)
        if grad is None:  # no path from this node to the root carries a gradient
            continue
        op = node._op
        if op is None or keep_all or node._retain_grad:
            _store_grad(node, grad, handed_out)
        if op is None:
            continue
        if op.saved is None:
            raise RuntimeError(_RELEASED_MESSAGE.format(op=op.name))
        input_grads = op.backward(grad)
        if not retain_graph:
            op.saved = None
        for parent, pgrad in zip(node._parents, input_grads):
            if pgrad is None:
                continue
            if pgrad.shape != parent.data.shape:
                pgrad = unbroadcast(pgrad, parent.data.shape)
            key = id(parent)
            previous = grads.get(key)
            grads[key] = pgrad if previous is None else previous + pgrad
