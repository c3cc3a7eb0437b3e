"""Public gradient-testing tools: ``gradcheck`` here, hypothesis strategies in ``.strategies``.

Layer: ``testing``, above ``tensor`` (it only runs tensors forward and backward). Import it in your
own test suite to check the gradients of your models the way tinygrad_edu checks its ops::

    from tinygrad_edu.testing import gradcheck
    gradcheck(lambda W, X: (X @ W.T).tanh().sum(), W, X)

``tinygrad_edu.testing.strategies`` needs hypothesis (``pip install "tinygrad_edu[test]"``);
``gradcheck`` needs nothing beyond numpy. ``gradient_difference`` is course 2's gradient-check
number, for a hand-written backward or for autograd's gradients.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from tinygrad_edu.engine import no_grad
from tinygrad_edu.tensor import Tensor
from tinygrad_edu.testing.difference import COURSE_THRESHOLD, gradient_difference

__all__ = [
    "COURSE_THRESHOLD",
    "GradcheckError",
    "gradcheck",
    "gradient_difference",
    "numerical_gradient",
]


class GradcheckError(AssertionError):
    """Raised by ``gradcheck`` when autograd and central differences disagree."""


def _as_inputs(inputs) -> list[Tensor]:
    """Fresh float64 leaves with the same values, so the check never touches the user's tensors."""
    leaves = []
    for x in inputs:
        requires = x.requires_grad if isinstance(x, Tensor) else True
        data = np.array(x.data if isinstance(x, Tensor) else x, dtype=np.float64)
        leaves.append(Tensor(data, requires_grad=requires))
    return leaves


def _projected(fn: Callable, leaves: list[Tensor], weights: list) -> Tensor:
    """J = sum(fn(*leaves) * R): one scalar whose gradient tests the whole Jacobian (R random)."""
    out = fn(*leaves)
    if not isinstance(out, Tensor):
        raise TypeError(f"gradcheck: fn must return a Tensor, got {type(out).__name__}.")
    if not weights:
        weights.append(np.random.default_rng(0).uniform(0.5, 1.5, size=out.shape))
    return (out * weights[0]).sum()


def numerical_gradient(fn: Callable[..., Tensor], *inputs, eps: float = 1e-6) -> list[np.ndarray]:
    """Central differences (f(x + eps) - f(x - eps)) / (2 eps) of a scalar-valued ``fn``.

    >>> g = numerical_gradient(lambda x: (x * x).sum(), np.array([1.0, 2.0]))
    >>> np.round(g[0], 6)
    array([2., 4.])
    """
    leaves = _as_inputs(inputs)
    grads = []
    with no_grad():
        for leaf in leaves:
            grad = np.zeros_like(leaf.data)
            flat, gflat = leaf.data.reshape(-1), grad.reshape(-1)
            for j in range(flat.size):
                saved = flat[j]
                flat[j] = saved + eps
                plus = float(fn(*leaves).data.sum())
                flat[j] = saved - eps
                minus = float(fn(*leaves).data.sum())
                flat[j] = saved
                gflat[j] = (plus - minus) / (2 * eps)
            grads.append(grad)
    return grads


def gradcheck(
    fn: Callable[..., Tensor],
    *inputs,
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
    raise_exception: bool = True,
) -> bool:
    """Check autograd's gradient of ``fn`` against central differences, in float64.

    ``fn`` takes tensors and returns a tensor of any shape; a non-scalar output is reduced to
    ``sum(out * R)`` with fixed random weights R, which checks every entry of the Jacobian.
    Inputs given as tensors with ``requires_grad=False`` are held constant; arrays are checked.

    Args:
        fn: the function under test.
        *inputs: numpy arrays or Tensors (values are copied to float64).
        eps: step of the central difference.
        atol: absolute tolerance: an element passes when
            |analytic - numeric| <= atol + rtol * |numeric|.
        rtol: relative tolerance (see ``atol``).
        raise_exception: raise ``GradcheckError`` on failure (default) instead of returning False.

    Returns:
        True when every element agrees.

    >>> gradcheck(lambda x: x.tanh() * x, np.array([0.5, -1.0, 2.0]))
    True
    """
    weights: list = []
    leaves = _as_inputs(inputs)
    _projected(fn, leaves, weights).backward()
    projected = lambda *xs: _projected(fn, list(xs), weights)  # noqa: E731
    numeric = numerical_gradient(projected, *leaves, eps=eps)
    for i, (leaf, num) in enumerate(zip(leaves, numeric, strict=True)):
        if not leaf.requires_grad:
            continue
        ana = np.zeros_like(leaf.data) if leaf.grad is None else leaf.grad
        if ana.shape != leaf.shape:
            message = (
                f"gradcheck: the gradient of input {i} has shape {ana.shape}, but the input has "
                f"shape {leaf.shape} (a broadcast axis was not summed?)."
            )
            if raise_exception:
                raise GradcheckError(message)
            return False
        err = np.abs(ana - num)
        bad = ~(err <= atol + rtol * np.abs(num))  # NaN counts as bad
        if bad.any():
            where = tuple(int(k) for k in np.argwhere(bad)[0])
            rel = err[where] / max(abs(num[where]), 1e-300)
            analytic, numeric_value = float(ana[where]), float(num[where])
            message = (
                f"gradcheck: the gradient of input {i} (shape {leaf.shape}) is wrong at element "
                f"{where}: analytic {analytic:.10g} vs numeric {numeric_value:.10g} (abs error "
                f"{err[where]:.3g}, relative error {rel:.3g}); {int(bad.sum())} of {bad.size} "
                f"elements disagree. The input there is {float(leaf.data[where]):.10g}; "
                f"input {i} = {np.array2string(leaf.data, threshold=20)}."
            )
            if raise_exception:
                raise GradcheckError(message)
            return False
    return True
