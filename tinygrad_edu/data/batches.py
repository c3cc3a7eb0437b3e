"""Checks of (X, Y) pairs and seeded mini-batching, for either layout.

Layer: ``data``.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np


def validate_xy(X, Y, *, binary: bool = True, axis: int = -1) -> int:
    """Check that ``X`` and ``Y`` are fit to train on; return the number of examples.

    Rejects non-numeric or empty arrays, different numbers of examples, NaN or Inf (saying how
    many, in which array) and, when ``binary``, labels other than 0 and 1.

    Args:
        X: Inputs, examples along ``axis``.
        Y: Labels, examples along ``axis``.
        binary: Require labels in {0, 1}.
        axis: The example axis of both arrays: -1 (default) for the course layout ``X (n_x, m)``,
            ``Y (1, m)``; 0 for batch-first ``X (m, n_x)``, ``Y (m, 1)``.

    Returns:
        m, the number of examples.

    Raises:
        ValueError: Says which array is wrong and what to do.
        TypeError: An array is not numeric.

    Example:
        >>> validate_xy(np.zeros((3, 4)), np.array([[0, 1, 1, 0]]))
        4
        >>> validate_xy(np.zeros((3, 4)), np.array([[0, 1, 2, 0]]))
        Traceback (most recent call last):
        ...
        ValueError: validate_xy: expected labels 0 or 1 in Y, got 1 other value(s): [2]. ...
    """
    X, Y = np.asarray(X), np.asarray(Y)
    _check_xy(X, Y, axis=axis, binary=binary, op="validate_xy", names=("X", "Y"), hint=None)
    return X.shape[axis]


def _check_xy(X, Y, *, axis, binary, op, names, hint):
    """Checks shared by `validate_xy` and the loader; a given `hint` replaces the default ones."""
    x_name, y_name = names
    for arr, name in ((X, x_name), (Y, y_name)):
        if arr.dtype.kind not in "biuf":
            raise TypeError(
                f"{op}: expected a numeric array for {name}, got dtype {arr.dtype}. "
                + (hint or "Convert it with np.asarray(..., dtype=np.float64).")
            )
        if arr.ndim == 0 or not -arr.ndim <= axis < arr.ndim:
            raise ValueError(
                f"{op}: expected an example axis in [{-arr.ndim}, {arr.ndim}) for {name} of shape "
                f"{arr.shape}, got axis={axis}. "
                + (hint or "Pass axis=-1 for X (n_x, m) or axis=0 for X (m, n_x).")
            )
        if arr.size == 0:
            raise ValueError(
                f"{op}: expected at least one example in {name}, got shape {arr.shape}. "
                + (hint or "Check how the array was built or sliced.")
            )
    if X.shape[axis] != Y.shape[axis]:
        raise ValueError(
            f"{op}: expected as many examples in {y_name} as in {x_name} along axis {axis}, got "
            f"{Y.shape[axis]} and {X.shape[axis]} (shapes {Y.shape} and {X.shape}). "
            + (
                hint
                or "Course layout has examples in columns, X (n_x, m) and Y (1, m), axis=-1; "
                "batch-first arrays X (m, n_x) and Y (m, 1) need axis=0."
            )
        )
    for arr, name in ((X, x_name), (Y, y_name)):
        if arr.dtype.kind == "f":
            n_nan, n_inf = int(np.isnan(arr).sum()), int(np.isinf(arr).sum())
            if n_nan or n_inf:
                raise ValueError(
                    f"{op}: expected finite values in {name}, got {n_nan} NaN and {n_inf} Inf "
                    f"(of {arr.size}). "
                    + (hint or "Find them with np.argwhere(~np.isfinite(a)); drop or fix them.")
                )
    if binary:
        bad = (Y != 0) & (Y != 1)
        if bad.any():
            values = np.unique(Y[bad])
            shown = values[:5].tolist() + (["..."] if values.size > 5 else [])
            raise ValueError(
                f"{op}: expected labels 0 or 1 in {y_name}, got {int(bad.sum())} other value(s): "
                f"{shown}. "
                + (hint or "Map the classes to 0/1, or pass binary=False for other labels.")
            )


def minibatches(
    X,
    Y,
    batch_size: int,
    *,
    seed: int | np.random.Generator | np.random.RandomState | None = None,
    shuffle: bool = True,
    axis: int = -1,
) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """Yield ``(Xb, Yb)`` mini-batches covering every example once (one epoch).

    The examples are shuffled once with ``seed``; the last batch is smaller when ``batch_size``
    does not divide m. To replay course 2's ``random_mini_batches(X, Y, size, seed)``, pass
    ``seed=np.random.RandomState(seed)`` (the same permutation as its ``np.random.seed(seed)``).

    Args:
        X: Inputs, examples along ``axis``.
        Y: Labels, examples along ``axis``.
        batch_size: Examples per batch, >= 1.
        seed: An int or None for ``np.random.default_rng(seed)``, or a ``Generator`` or legacy
            ``RandomState`` to draw the permutation from. Ignored when ``shuffle=False``.
        shuffle: Shuffle the examples; ``False`` keeps their order.
        axis: The example axis: -1 (default) for ``X (n_x, m)``, 0 for batch-first ``X (m, n_x)``.

    Returns:
        A generator of ``(Xb, Yb)``, each holding ``batch_size`` examples along ``axis``.
        Arguments are checked when it is created, not on first use.

    Raises:
        TypeError: ``batch_size`` is not an int.
        ValueError: ``batch_size`` < 1.

    Example:
        >>> X, Y = np.arange(10.0).reshape(2, 5), np.array([[0, 1, 0, 1, 1]])
        >>> [(Xb.shape, Yb.tolist()) for Xb, Yb in minibatches(X, Y, 2, shuffle=False)]
        [((2, 2), [[0, 1]]), ((2, 2), [[0, 1]]), ((2, 1), [[1]])]
    """
    X, Y = np.asarray(X), np.asarray(Y)
    if isinstance(batch_size, bool) or not isinstance(batch_size, (int, np.integer)):
        raise TypeError(
            f"minibatches: expected an int batch_size, got {type(batch_size).__name__} "
            f"{batch_size!r}. The course uses powers of two such as 64."
        )
    if batch_size < 1:
        raise ValueError(
            f"minibatches: expected batch_size >= 1, got {batch_size}. Use m for full-batch "
            "gradient descent, or e.g. 64."
        )
    m = validate_xy(X, Y, binary=False, axis=axis)
    if not shuffle:
        order = np.arange(m)
    elif isinstance(seed, (np.random.Generator, np.random.RandomState)):
        order = seed.permutation(m)
    else:
        order = np.random.default_rng(seed).permutation(m)
    return _batches(X, Y, order, batch_size, axis)


def _batches(X, Y, order, batch_size, axis):
    for start in range(0, len(order), batch_size):
        idx = order[start : start + batch_size]
        yield np.take(X, idx, axis=axis), np.take(Y, idx, axis=axis)
