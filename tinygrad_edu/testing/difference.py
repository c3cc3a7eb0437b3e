"""The course's gradient-check number: ``difference = ||g - g_approx|| / (||g|| + ||g_approx||)``.

Layer: ``testing``. Course 2, week 1 ("Gradient Checking") flattens the parameters in order
``W1, b1, W2, b2, ...`` (each row-major) into one vector theta, approximates each partial
derivative by central differences ``(J(theta + eps e_i) - J(theta - eps e_i)) / (2 eps)`` with
``eps = 1e-7``, and compares the approximation with the backward pass's gradient by the relative
difference of the two vectors. The course reads it as: below ``2e-7``, "your backward propagation
works perfectly fine"; far above, "there is a mistake in the backward propagation".
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np

from tinygrad_edu.engine import enable_grad, no_grad
from tinygrad_edu.nn import Module
from tinygrad_edu.tensor import Tensor

COURSE_THRESHOLD = 2e-7  # the course's "works perfectly fine" bound


def _parameters(params: Any) -> tuple[list[str], list[Tensor]]:
    """Names and tensors, in order; arrays and numbers become fresh float64 leaves."""
    named: list[tuple[Any, Any]]
    if isinstance(params, Module):
        named = list(params.named_parameters())
    elif isinstance(params, Mapping):
        named = list(params.items())
    elif isinstance(params, (Tensor, np.ndarray, int, float)):
        named = [("0", params)]
    elif isinstance(params, Sequence):
        named = [(str(i), p) for i, p in enumerate(params)]
    else:
        raise TypeError(
            f"gradient_difference: expected parameters as a Module, a dict name -> array, or a "
            f"list of arrays or tensors, got {type(params).__name__}."
        )
    if not named:
        raise ValueError("gradient_difference: expected at least one parameter, got none.")
    names: list[str] = []
    tensors: list[Tensor] = []
    for name, p in named:
        if not isinstance(p, Tensor):
            p = Tensor(np.array(p, dtype=np.float64), requires_grad=True)
        names.append(str(name))
        tensors.append(p)
    return names, tensors


def _value(J: Any) -> float:
    value = J.item() if isinstance(J, Tensor) else np.asarray(J).item()
    return float(value)


def gradient_difference(
    cost: Callable[..., Any],
    params: Any,
    grads: Any = None,
    *,
    epsilon: float = 1e-7,
) -> float:
    """The course's ``gradient_check_n`` difference for a cost and its gradient.

    Each parameter element, in order (``W1, b1, W2, ...``, row-major), is moved by
    ``+epsilon`` and ``-epsilon`` in turn and the cost recomputed; the central differences form
    ``gradapprox``, which is compared with ``grads`` (your hand-written backward, as in the
    course) or, when ``grads`` is None, with autograd's gradients of ``cost``.

    ``cost`` is called as ``cost(*tensors)`` with one tensor per parameter (for a Module: its
    own parameters, whose values are moved in place and restored), so a cost written over its
    arguments and one that calls the model directly both work. It returns a number or a 0-d
    tensor. Costs are evaluated in float64 under ``no_grad``.

    Args:
        cost: the function J.
        params: a Module, a dict ``{"W1": array, "b1": ..., ...}`` (in the course's order), or a
            list of arrays or tensors.
        grads: the gradients to check, in the same order (a dict in the parameters' key order,
            e.g. ``{"dW1": ..., "db1": ...}``, or a list); None for autograd's.
        epsilon: the step, the course's 1e-7.

    Returns:
        ``||grad - gradapprox||_2 / (||grad||_2 + ||gradapprox||_2)``; compare it with
        ``COURSE_THRESHOLD`` (2e-7).

    Raises:
        ValueError: ``grads`` does not match the parameters' number or shapes, or (autograd)
            no gradient reached a parameter: the cost does not depend on it, so there is nothing
            to check (a gradient check that cannot fail is worse than none).

    The course's 1-D check, ``J = theta * x`` at theta = 4, x = 2, with ``dtheta = x``:

    >>> d = gradient_difference(lambda theta: theta * 2.0, [4.0], grads=[2.0])
    >>> d < COURSE_THRESHOLD
    True

    Autograd's gradients of a small network:

    >>> from tinygrad_edu import losses, nn
    >>> np.random.seed(1)
    >>> model = nn.Sequential(nn.Linear(4, 5), nn.ReLU(), nn.Linear(5, 1))
    >>> X, Y = np.random.randn(3, 4), np.array([[1.0], [1.0], [0.0]])
    >>> cost = lambda *params: losses.binary_cross_entropy_with_logits(model(X), Y)
    >>> gradient_difference(cost, model) < COURSE_THRESHOLD
    True
    """
    op = "gradient_difference"
    names, tensors = _parameters(params)
    originals = [t.data for t in tensors]
    for t in tensors:
        t.data = np.array(t.data, dtype=np.float64)  # float64 for the check; restored below
    # The evaluations would also update a Module's buffers (BatchNorm's running statistics).
    buffers = params.buffers() if isinstance(params, Module) else []
    buffer_values = [b.data.copy() for b in buffers]
    try:
        if grads is None:
            grad = _autograd(op, cost, names, tensors)
        else:
            grad = _given(op, grads, names, tensors)
        gradapprox = np.zeros((grad.shape[0], 1))
        i = 0
        with no_grad():
            for t in tensors:
                base = t.data
                for j in range(base.size):
                    plus = base.copy()
                    plus.reshape(-1)[j] = plus.reshape(-1)[j] + epsilon
                    t.data = plus
                    J_plus = _value(cost(*tensors))
                    minus = base.copy()
                    minus.reshape(-1)[j] = minus.reshape(-1)[j] - epsilon
                    t.data = minus
                    J_minus = _value(cost(*tensors))
                    t.data = base
                    gradapprox[i] = (J_plus - J_minus) / (2 * epsilon)
                    i += 1
    finally:
        for t, data in zip(tensors, originals, strict=True):
            t.data = data
        for b, value in zip(buffers, buffer_values, strict=True):
            b.data = value
    numerator = np.linalg.norm(grad - gradapprox)
    denominator = np.linalg.norm(grad) + np.linalg.norm(gradapprox)
    return float(numerator / denominator)


def _given(op: str, grads: Any, names: list[str], tensors: list[Tensor]) -> np.ndarray:
    """The given gradients as one column vector, checked against the parameters."""
    if isinstance(grads, Mapping):
        values = list(grads.values())
    elif isinstance(grads, (Tensor, np.ndarray, int, float)):
        values = [grads]
    else:
        values = list(grads)
    if len(values) != len(tensors):
        raise ValueError(
            f"{op}: expected one gradient per parameter ({len(tensors)}: {', '.join(names)}), got "
            f"{len(values)}."
        )
    columns = []
    for name, t, g in zip(names, tensors, values, strict=True):
        g = np.asarray(g.data if isinstance(g, Tensor) else g, dtype=np.float64)
        if g.size != t.size:
            raise ValueError(
                f"{op}: expected the gradient of {name} to have {t.size} elements (shape "
                f"{t.shape}), got shape {g.shape}."
            )
        columns.append(np.reshape(g, (-1, 1)))
    return np.concatenate(columns, axis=0)


def _autograd(op: str, cost: Callable, names: list[str], tensors: list[Tensor]) -> np.ndarray:
    """Autograd's gradients of ``cost`` as one column vector (earlier .grad values kept)."""
    saved = [(t.grad, t.requires_grad) for t in tensors]
    try:
        for t in tensors:
            t.grad = None
            if not t.requires_grad:
                t.requires_grad_(True)
        with enable_grad():
            J = cost(*tensors)
            if not isinstance(J, Tensor):
                raise TypeError(
                    f"{op}: expected cost to return a Tensor for autograd, got "
                    f"{type(J).__name__}. Compute it with tensor operations, or pass grads=."
                )
            J.backward()
        missing = [name for name, t in zip(names, tensors, strict=True) if t.grad is None]
        if missing:
            raise ValueError(
                f"{op}: no gradient reached {', '.join(missing)}: the cost does not depend on "
                f"it, so the check would compare zeros with zeros. Make cost use the tensors it "
                f"is given (cost(*params)), or the model whose parameters you passed."
            )
        return np.concatenate(
            [np.reshape(np.asarray(t.grad, dtype=np.float64), (-1, 1)) for t in tensors], axis=0
        )
    finally:
        for t, (g, requires) in zip(tensors, saved, strict=True):
            t.grad = g
            if t.requires_grad != requires:
                t.requires_grad = requires
