"""Public gradient-testing tools: ``gradcheck``, ``gradgradcheck``, ``gradcheck_module``; hypothesis
strategies in ``.strategies``.

Layer: ``testing``, above ``tensor`` and ``autograd`` (it only runs tensors forward and backward).
Import it in your own test suite to check the gradients of your models the way tinygrad_edu checks
its ops::

    from tinygrad_edu.testing import gradcheck
    gradcheck(lambda W, X: (X @ W.T).tanh().sum(), W, X)

Which check when:

- ``gradcheck(fn, *inputs)``: every element of every input, two evaluations of ``fn`` per
  element (exact and thorough; up to a few thousand elements).
- ``gradcheck(..., fast=True)``: random directional derivatives, two evaluations per direction
  whatever the size (a course-sized layer in seconds; a wrong gradient shows in any direction
  with probability 1).
- ``gradcheck(..., elements=100)``: a random subset of elements, for a readable per-element
  failure on a big input.
- ``gradcheck_module(model, loss_fn)``: a Module's own parameters, in place.
- ``gradgradcheck(fn, *inputs)``: second derivatives (``create_graph=True``).

``tinygrad_edu.testing.strategies`` needs hypothesis (``pip install "tinygrad_edu[test]"``);
everything else needs nothing beyond numpy. ``gradient_difference`` is course 2's gradient-check
number, for a hand-written backward or for autograd's gradients.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from tinygrad_edu.autograd import grad
from tinygrad_edu.engine import enable_grad, no_grad
from tinygrad_edu.tensor import Tensor, concatenate
from tinygrad_edu.testing.difference import COURSE_THRESHOLD, gradient_difference

__all__ = [
    "COURSE_THRESHOLD",
    "GradcheckError",
    "gradcheck",
    "gradcheck_module",
    "gradgradcheck",
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


def _projected(fn: Callable, leaves: list[Tensor], weights: list, seed: int = 0) -> Tensor:
    """J = sum(fn(*leaves) * R): one scalar whose gradient tests the whole Jacobian (R random,
    drawn once from ``seed`` into ``weights``). A single-number output is used as it is (R = None),
    so that a failure shows the user's own derivative."""
    out = fn(*leaves)
    joined = None
    if isinstance(out, (tuple, list)):  # several outputs (PyTorch's gradcheck takes them too)
        out, joined = _joined(out), len(out)
    if not isinstance(out, Tensor):
        raise TypeError(
            f"gradcheck: fn must return a Tensor (or a tuple of Tensors), got {type(out).__name__}."
        )
    if not weights:
        scalar = out.size == 1
        weights.append(None if scalar else _weights(seed, out.shape))
        weights.append(joined)
    if weights[0] is None:
        return out.sum()
    return (out * weights[0]).sum()


def _joined(outputs: tuple | list) -> Tensor:
    """Several outputs as one vector: the floating-point tensors, flattened and concatenated in
    order; integer and bool outputs (indices, masks) and None have no gradient and are left out,
    as PyTorch's gradcheck leaves out non-differentiable outputs."""
    wrong = [type(o).__name__ for o in outputs if o is not None and not isinstance(o, Tensor)]
    if wrong:
        raise TypeError(
            f"gradcheck: fn must return a Tensor or a tuple of Tensors, got a "
            f"{type(outputs).__name__} holding {', '.join(wrong)}."
        )
    parts = [o.reshape(-1) for o in outputs if o is not None and o.dtype.kind == "f"]
    if not parts:
        raise TypeError(
            f"gradcheck: fn returned {len(outputs)} outputs, none of them floating-point: there "
            f"is no gradient to check."
        )
    return parts[0] if len(parts) == 1 else concatenate(parts)


def _weights(seed: int, shape: tuple[int, ...]) -> np.ndarray:
    return np.random.default_rng(seed).uniform(0.5, 1.5, size=shape)


def _projection_note(weights: list, seed: int) -> str:
    """Says what the numbers in a failure are when fn's output was not a single number."""
    if not weights or weights[0] is None:
        return ""
    what = f"output has shape {weights[0].shape}"
    if len(weights) > 1 and weights[1] is not None:
        what = f"{weights[1]} outputs, flattened and joined, have {weights[0].size} elements"
    return (
        f" fn's {what}, so analytic and numeric are derivatives of "
        f"the scalar sum(R * out), with fixed random weights R in [0.5, 1.5) (seed={seed}), not of "
        f"out itself; make fn return one number (e.g. out.sum()) to see your own values."
    )


def _kink_hint(projected: Callable, leaves: list[Tensor], i: int, j: int, eps: float) -> str:
    """A hint when the one-sided differences at flat element j of input i disagree strongly:
    fn has a kink there (relu or abs at 0), where central differences measure neither side."""
    flat = leaves[i].data.reshape(-1)
    saved = flat[j]
    values = []
    with no_grad():
        for step in (-eps, 0.0, eps):
            flat[j] = saved + step
            values.append(float(projected(*leaves).data.sum()))
        flat[j] = saved
    minus, mid, plus = values
    return _kink_text(minus, mid, plus, eps)


def _kink_text(minus: float, mid: float, plus: float, eps: float, place: str = "there") -> str:
    left, right = (mid - minus) / eps, (plus - mid) / eps
    if not abs(right - left) > max(1e-4, 0.5 * max(abs(left), abs(right))):
        return ""  # also False for NaN
    return (
        f" The one-sided differences {place} disagree (left {left:.4g}, right {right:.4g}): fn is "
        f"not differentiable at this point (a kink, as relu or abs at 0), where the derivative is "
        f"a convention (docs/reference/ops.md, 'Conventions at the corners'). Check at points "
        f"away from kinks."
    )


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


_VACUOUS = (
    "gradcheck: none of the checked inputs received a gradient from fn, so there is nothing to "
    "compare. gradcheck calls fn with fresh float64 copies of the inputs as its arguments; fn "
    "must compute with those arguments. A common cause: gradcheck(lambda *ps: loss(model(X)), "
    "*model.parameters()) ignores ps and uses the model's own parameters. To check a Module, use "
    "tinygrad_edu.testing.gradcheck_module(model, lambda: loss(model(X)))."
)


_NOTHING_CHECKED = (
    "gradcheck: expected at least one input to check, got only tensors with requires_grad=False, "
    "which gradcheck holds constant (data, labels). Pass the inputs to check as numpy arrays or "
    "as tensors with requires_grad=True."
)


_EMPTY = (
    "gradcheck: expected an input with at least one element to check, got only empty inputs "
    "(shapes {shapes}), so there is nothing to compare. Check the function on inputs that hold "
    "numbers."
)


def _fail(message: str, raise_exception: bool) -> bool:
    if raise_exception:
        raise GradcheckError(message)
    return False


def _analytic(
    fn: Callable, leaves: list[Tensor], weights: list, seed: int = 0
) -> list[np.ndarray | None]:
    """Autograd's gradient of the projected output for each leaf (None: no gradient reached it)."""
    with enable_grad():
        _projected(fn, leaves, weights, seed).backward()
    return [leaf._grad if leaf.requires_grad else None for leaf in leaves]


def _elements(size: int, elements: Any, rng: np.random.Generator) -> np.ndarray:
    """Flat indices to check: all, a random sample of ``elements`` of them, or the given ones."""
    if elements is None:
        return np.arange(size)
    if np.ndim(elements) == 0:
        count = int(elements)
        if count < 1:
            raise ValueError(f"gradcheck: expected elements >= 1, got {elements}.")
        return np.sort(rng.choice(size, size=min(count, size), replace=False))
    indices = np.asarray(elements, dtype=np.intp).reshape(-1)
    if indices.size == 0:
        raise ValueError("gradcheck: expected at least one element index in elements, got none.")
    if indices.min() < -size or indices.max() >= size:
        raise ValueError(
            f"gradcheck: expected flat element indices in [{-size}, {size}) for an input of "
            f"{size} elements, got {indices.tolist()[:10]}."
        )
    return indices


def gradcheck(
    fn: Callable[..., Tensor],
    *inputs,
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
    raise_exception: bool = True,
    fast: bool = False,
    directions: int = 2,
    elements: int | Sequence[int] | None = None,
    seed: int = 0,
) -> bool:
    """Check autograd's gradient of ``fn`` against central differences, in float64.

    ``fn`` takes tensors and returns a tensor of any shape; a non-scalar output is reduced to
    ``sum(out * R)`` with fixed random weights R (drawn from ``seed``), which checks every entry
    of the Jacobian; a failure's numbers are then derivatives of that sum (the message says so).
    A single-number output is checked as it is.
    Inputs given as tensors with ``requires_grad=False`` are held constant; arrays are checked.

    Args:
        fn: the function under test; it must compute with the tensors it is given and
            return a Tensor, or a tuple of them (the floating-point ones are flattened and
            joined into one vector; integer outputs, such as indices, are left out).
        *inputs: numpy arrays or Tensors (values are copied to float64).
        eps: step of the central difference.
        atol: absolute tolerance: an element passes when
            |analytic - numeric| <= atol + rtol * |numeric|.
        rtol: relative tolerance (see ``atol``).
        raise_exception: raise ``GradcheckError`` on failure (default) instead of returning False.
        fast: compare directional derivatives along ``directions`` random unit directions
            (the sum over all inputs of gradient · direction) instead of every element: two
            evaluations of ``fn`` per direction, whatever the input size.
        directions: how many random directions ``fast`` checks.
        elements: check only these flat element indices of each input, or an int: that many
            elements drawn at random (seeded by ``seed``).
        seed: seeds the projection weights R, the random directions and element samples.

    Returns:
        True when every checked element (or direction) agrees.

    Raises:
        GradcheckError: (with ``raise_exception``) a gradient disagrees, has the wrong shape, or
            no checked input received a gradient at all (``fn`` ignored its arguments).
        TypeError: ``fn`` returned something other than a Tensor or a tuple of Tensors with at
            least one floating-point output.

    >>> gradcheck(lambda x: x.tanh() * x, np.array([0.5, -1.0, 2.0]))
    True
    >>> gradcheck(lambda x: (x**2).sum(), np.random.default_rng(0).normal(size=5000), fast=True)
    True
    """
    rng = np.random.default_rng(seed)
    weights: list = []
    leaves = _as_inputs(inputs)
    checked = [i for i, leaf in enumerate(leaves) if leaf.requires_grad]
    if not checked:
        return _fail(_NOTHING_CHECKED, raise_exception)
    if all(leaves[i].size == 0 for i in checked):
        shapes = ", ".join(str(leaves[i].shape) for i in checked)
        return _fail(_EMPTY.format(shapes=shapes), raise_exception)
    analytic = _analytic(fn, leaves, weights, seed)
    # An empty input's gradient compares no numbers: it does not count as something checked.
    if all(analytic[i] is None or leaves[i].size == 0 for i in checked):
        return _fail(_VACUOUS, raise_exception)
    for i in checked:
        ana = analytic[i]
        if ana is not None and ana.shape != leaves[i].shape:
            return _fail(
                f"gradcheck: the gradient of input {i} has shape {ana.shape}, but the input has "
                f"shape {leaves[i].shape} (a broadcast axis was not summed?).",
                raise_exception,
            )
    projected = lambda *xs: _projected(fn, list(xs), weights, seed)  # noqa: E731
    note = _projection_note(weights, seed)
    if fast:
        return _check_directions(projected, leaves, analytic, checked, directions, rng, eps,
                                 atol, rtol, raise_exception, note)  # fmt: skip
    for i in checked:
        leaf = leaves[i]
        given = analytic[i]
        ana = np.zeros_like(leaf.data) if given is None else given
        flat_indices = _elements(leaf.size, elements, rng)
        num = _numerical_at(projected, leaves, i, flat_indices, eps)
        ana_flat = ana.reshape(-1)[flat_indices]
        err = np.abs(ana_flat - num)
        bad = ~(err <= atol + rtol * np.abs(num))  # NaN counts as bad
        if bad.any():
            k = int(np.argmax(bad))
            where = tuple(int(j) for j in np.unravel_index(flat_indices[k], leaf.shape))
            rel = err[k] / max(abs(num[k]), 1e-300)
            return _fail(
                f"gradcheck: the gradient of input {i} (shape {leaf.shape}) is wrong at element "
                f"{where}: analytic {float(ana_flat[k]):.10g} vs numeric {float(num[k]):.10g} "
                f"(abs error {err[k]:.3g}, relative error {rel:.3g}); {int(bad.sum())} of "
                f"{bad.size} {'checked ' if elements is not None else ''}elements disagree. The "
                f"input there is {float(leaf.data[where]):.10g}; input {i} = "
                f"{np.array2string(leaf.data, threshold=20)}."
                + note
                + _kink_hint(projected, leaves, i, int(flat_indices[k]), eps),
                raise_exception,
            )
    return True


def _numerical_at(projected, leaves, i: int, flat_indices: np.ndarray, eps: float) -> np.ndarray:
    """Central differences of the scalar ``projected`` at the given elements of input ``i``."""
    flat = leaves[i].data.reshape(-1)
    out = np.empty(len(flat_indices))
    with no_grad():
        for n, j in enumerate(flat_indices):
            saved = flat[j]
            flat[j] = saved + eps
            plus = float(projected(*leaves).data.sum())
            flat[j] = saved - eps
            minus = float(projected(*leaves).data.sum())
            flat[j] = saved
            out[n] = (plus - minus) / (2 * eps)
    return out


def _check_directions(projected, leaves, analytic, checked, directions, rng, eps, atol, rtol,
                      raise_exception, note: str = "") -> bool:  # fmt: skip
    """Fast mode: for random unit directions u, grad · u against (f(x + eps u) - f(x - eps u)) /
    (2 eps), all inputs moved together."""
    if directions < 1:
        raise ValueError(f"gradcheck: expected directions >= 1 with fast=True, got {directions}.")
    for d in range(directions):
        us = {i: rng.normal(size=leaves[i].shape) for i in checked}
        norm = np.sqrt(sum(float((u * u).sum()) for u in us.values())) or 1.0
        us = {i: u / norm for i, u in us.items()}
        ana = sum(float((analytic[i] * us[i]).sum()) for i in checked if analytic[i] is not None)
        saved = {i: leaves[i].data.copy() for i in checked}
        with no_grad():
            for i in checked:
                leaves[i].data[...] = saved[i] + eps * us[i]
            plus = float(projected(*leaves).data.sum())
            for i in checked:
                leaves[i].data[...] = saved[i] - eps * us[i]
            minus = float(projected(*leaves).data.sum())
            for i in checked:
                leaves[i].data[...] = saved[i]
        num = (plus - minus) / (2 * eps)
        err = abs(ana - num)
        if not err <= atol + rtol * abs(num):
            with no_grad():
                mid = float(projected(*leaves).data.sum())
            return _fail(
                f"gradcheck (fast): the directional derivative along random direction {d} "
                f"disagrees: analytic {ana:.10g} vs numeric {num:.10g} (abs error {err:.3g}). "
                f"Some gradient element is wrong; run gradcheck without fast=True (or with "
                f"elements=N) to find which."
                + note
                + _kink_text(minus, mid, plus, eps, "along it"),
                raise_exception,
            )
    return True


def gradcheck_module(
    module: Any,
    loss_fn: Callable[[], Tensor],
    *,
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
    fast: bool = False,
    directions: int = 2,
    elements: int | Sequence[int] | None = None,
    seed: int = 0,
    raise_exception: bool = True,
) -> bool:
    """Check autograd's gradients of a Module's own parameters against central differences.

    ``loss_fn()`` computes a single-number loss with ``module`` (e.g. ``lambda: loss(model(X))``).
    Each parameter is nudged in place (and restored) for the central differences, so the model is
    checked exactly as it trains; buffers that the evaluations update (BatchNorm's running
    statistics) are restored too. Parameters must be float64 (``model.to(np.float64)``): float32
    central differences are too coarse to check anything.

    Args:
        module: an ``nn.Module`` (anything with ``named_parameters()``).
        loss_fn: computes the loss from the module's current parameters, no arguments.
        eps, atol, rtol, fast, directions, elements, seed, raise_exception: as for ``gradcheck``.

    Returns:
        True when every checked element agrees.

    Raises:
        GradcheckError: (with ``raise_exception``) a parameter's gradient disagrees, or no
            parameter receives a gradient from ``loss_fn``.
        TypeError: a parameter is not float64.

    >>> from tinygrad_edu import losses, nn
    >>> np.random.seed(1)
    >>> model = nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 1))
    >>> X, Y = np.random.randn(5, 3), np.random.randn(5, 1)
    >>> gradcheck_module(model, lambda: losses.mse(model(X), Y))
    True
    """
    named = list(module.named_parameters())
    names = [name for name, _ in named]
    params = [p for _, p in named]
    for name, p in zip(names, params, strict=True):
        if p.data.dtype != np.float64:
            raise TypeError(
                f"gradcheck_module: expected float64 parameters, got {name} of dtype "
                f"{p.data.dtype}. Convert the model first (model.to(np.float64))."
            )
    originals = [p.data.copy() for p in params]
    saved_grads = [p._grad for p in params]
    # Each of the many evaluations would also update buffers (BatchNorm's running statistics
    # and its batch count): the model must leave the check as it came.
    buffers = list(module.buffers()) if hasattr(module, "buffers") else []
    buffer_values = [b.data.copy() for b in buffers]

    def projected(*tensors):  # the loss as a function of the parameters' current values
        return loss_fn()

    try:
        for p in params:
            p._grad = None
        with enable_grad():
            loss = loss_fn()
            if not isinstance(loss, Tensor) or loss.size != 1:
                raise TypeError("gradcheck_module: expected loss_fn() to return one number.")
            loss.backward()
        analytic = [p._grad for p in params]
        if all(g is None for g in analytic):
            return _fail(
                "gradcheck_module: no parameter of the module received a gradient from loss_fn; "
                "does loss_fn use the module (e.g. lambda: loss(model(X)))?",
                raise_exception,
            )
        rng = np.random.default_rng(seed)
        leaves = list(params)
        if fast:
            return _check_directions(projected, leaves, analytic,
                                     [i for i, g in enumerate(analytic) if g is not None],
                                     directions, rng, eps, atol, rtol, raise_exception)  # fmt: skip
        for i, (name, p) in enumerate(zip(names, params, strict=True)):
            ana = np.zeros_like(p.data) if analytic[i] is None else analytic[i]
            flat_indices = _elements(p.size, elements, rng)
            num = _numerical_at(projected, leaves, i, flat_indices, eps)
            ana_flat = ana.reshape(-1)[flat_indices]
            err = np.abs(ana_flat - num)
            bad = ~(err <= atol + rtol * np.abs(num))
            if bad.any():
                k = int(np.argmax(bad))
                where = tuple(int(j) for j in np.unravel_index(flat_indices[k], p.shape))
                return _fail(
                    f"gradcheck_module: the gradient of parameter {name} (shape {p.shape}) is "
                    f"wrong at element {where}: analytic {float(ana_flat[k]):.10g} vs numeric "
                    f"{float(num[k]):.10g}; {int(bad.sum())} of {bad.size} checked elements "
                    f"disagree." + _kink_hint(projected, leaves, i, int(flat_indices[k]), eps),
                    raise_exception,
                )
        return True
    finally:
        for p, original, g in zip(params, originals, saved_grads, strict=True):
            p.data[...] = original
            p._grad = g
        for b, value in zip(buffers, buffer_values, strict=True):
            b.data = value


def gradgradcheck(
    fn: Callable[..., Tensor],
    *inputs,
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
    raise_exception: bool = True,
    fast: bool = False,
    directions: int = 2,
    elements: int | Sequence[int] | None = None,
    seed: int = 0,
) -> bool:
    """Check second derivatives: autograd's gradient of its own first derivatives (computed with
    ``create_graph=True``) against central differences of those first derivatives, in float64.

    The first derivatives are reduced to one number, ``sum_i sum(grad_i * V_i)`` with fixed random
    V, whose gradient is a Hessian-vector product; ``gradcheck`` then compares it elementwise.
    (For one number of one number, V = 1: a failure shows fn's own second derivative.)

    Args:
        fn, *inputs, eps, atol, rtol, raise_exception: as for ``gradcheck``.
        fast, directions, elements: as for ``gradcheck``, applied to the first derivatives:
            ``fast=True`` compares directional derivatives of ``sum(V * g)`` along random
            directions (two gradient evaluations per direction, whatever the input size).
        seed: seeds the random projections V (and R for a non-scalar output), the random
            directions and element samples.

    Returns:
        True when every element agrees.

    Raises:
        GradcheckError: (with ``raise_exception``) a second derivative disagrees.

    >>> gradgradcheck(lambda x: (x.tanh() * x.exp()).sum(), np.array([0.5, -1.0, 2.0]))
    True
    >>> gradgradcheck(lambda x: (x.tanh() ** 3).sum(), np.linspace(-2, 2, 2000), fast=True)
    True
    """
    weights: list = []
    leaves = _as_inputs(inputs)
    checked = [i for i, leaf in enumerate(leaves) if leaf.requires_grad]
    vs: dict[int, Any] = {}

    def first_derivatives(*xs: Tensor) -> Tensor:
        with enable_grad():
            # The zero term keeps every input in the graph, so a linear fn (whose first derivatives
            # are constants) gives second derivatives of exactly 0 rather than no gradient.
            total = sum((xs[i].sum() * 0.0 for i in checked), Tensor(0.0))
            out = _projected(fn, list(xs), weights, seed)
            if out.requires_grad:
                wanted = [xs[i] for i in checked]
                grads = grad(out, wanted, create_graph=True, allow_unused=True)
                for i, g in zip(checked, grads, strict=True):
                    if g is not None:
                        total = total + (g * vs[i]).sum()
            return total

    # The zero term above would make a fn that ignores its arguments pass with second derivatives
    # of 0 = 0: first check that some first derivative reaches an input at all.
    if checked:
        with enable_grad():
            out = _projected(fn, leaves, weights, seed)
            found = (grad(out, [leaves[i] for i in checked], allow_unused=True)
                     if out.requires_grad else [None])  # fmt: skip
        if all(g is None for g in found):
            return _fail(_VACUOUS.replace("gradcheck:", "gradgradcheck:", 1), raise_exception)
    # One number of one number: V = 1, so a failure shows fn's own second derivative.
    plain = sum(leaves[i].size for i in checked) == 1 and bool(weights) and weights[0] is None
    rng = np.random.default_rng(seed)
    for i in checked:
        vs[i] = 1.0 if plain else rng.uniform(0.5, 1.5, size=leaves[i].shape)
    try:
        return gradcheck(first_derivatives, *leaves, eps=eps, atol=atol, rtol=rtol,
                         raise_exception=True, fast=fast, directions=directions,
                         elements=elements, seed=seed)  # fmt: skip
    except GradcheckError as err:
        note = "" if plain or not weights else (
            f" These numbers are derivatives of sum(V * g), g = the first derivatives of "
            f"{'fn' if weights[0] is None else 'sum(R * out)'}, with fixed random weights "
            f"{'V' if weights[0] is None else 'V and R'} in [0.5, 1.5) (seed={seed}): a "
            f"Hessian-vector product, not fn's own second derivatives."
        )  # fmt: skip
        message = str(err).replace("gradcheck:", "gradgradcheck (second derivative):", 1)
        message = message.replace(
            "gradcheck (fast):", "gradgradcheck (second derivative, fast):", 1
        ).replace("run gradcheck without", "run gradgradcheck without", 1)
        message = message.replace("fn is not", "fn's first derivative is not", 1)
        return _fail(message + note, raise_exception)
