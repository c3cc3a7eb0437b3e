"""The week 3 planar "flower" generator, bit for bit the course's.

Layer: ``data``.
"""

from __future__ import annotations

import numpy as np

from tinygrad_edu.data.files import LAYOUTS


def planar_flower(
    seed: int = 1, m: int = 400, *, layout: str = "course"
) -> tuple[np.ndarray, np.ndarray]:
    """Generate the course's planar "flower": two interleaved classes of 2-D points.

    This is the course's ``load_planar_dataset`` line for line. It draws from numpy's legacy
    *global* random generator: it calls ``np.random.seed(seed)`` and so resets any global
    random state you had (the course does the same; it is what makes the data identical).

    Args:
        seed: Seed for ``np.random.seed``; the course uses 1.
        m: Number of points, even (``m // 2`` per class, "petals" of label 0 and 1).
        layout: ``"course"`` returns ``X (2, m)``, ``Y (1, m)``; ``"batch"`` returns
            ``X (m, 2)``, ``Y (m, 1)``.

    Returns:
        ``(X, Y)``: X float64 points; Y uint8 labels (the course's dtype), the first half 0.

    Raises:
        ValueError: an unknown ``layout``, or ``m`` not an even number >= 2.

    Example:
        >>> X, Y = planar_flower()
        >>> X.shape, Y.shape, Y.dtype, int(Y.sum()), round(float(X.sum()), 6)
        ((2, 400), (1, 400), dtype('uint8'), 200, 10.087983)
    """
    if layout not in LAYOUTS:
        raise ValueError(
            f"planar_flower: expected layout='course' or 'batch', got {layout!r}. 'course' gives "
            "X (2, m); 'batch' gives X (m, 2)."
        )
    if isinstance(m, bool) or not isinstance(m, (int, np.integer)) or m < 2 or m % 2:
        raise ValueError(
            f"planar_flower: expected an even number of points m >= 2, got m={m!r}. Half the "
            "points go to each class; the course uses m=400."
        )
    np.random.seed(seed)
    N = m // 2  # points per class
    D = 2  # dimensionality
    a = 4  # maximum ray of the flower
    X = np.zeros((m, D))  # (m, 2)
    Y = np.zeros((m, 1), dtype="uint8")  # (m, 1), labels (0 for red, 1 for blue)
    for j in range(2):
        ix = range(N * j, N * (j + 1))
        t = np.linspace(j * 3.12, (j + 1) * 3.12, N) + np.random.randn(N) * 0.2  # theta
        r = a * np.sin(4 * t) + np.random.randn(N) * 0.2  # radius
        X[ix] = np.c_[r * np.sin(t), r * np.cos(t)]
        Y[ix] = j
    return (X.T, Y.T) if layout == "course" else (X, Y)


# ---------------------------------------------------------------------------------------------
# Validation and mini-batching of any (X, Y)
# ---------------------------------------------------------------------------------------------
