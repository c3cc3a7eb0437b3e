"""Handwritten digits (scikit-learn's ``load_digits``) as image batches for convolutional nets.

Layer: ``data``. The course trains its CNN on the SIGNS photographs, which are not ours to ship;
scikit-learn ships a real image data set instead: 1,797 handwritten digits, 8 x 8 pixels with
values 0..16, ten classes. scikit-learn is an optional extra, imported only here
(``pip install "tinygrad_edu[digits]"``).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

DIGITS_SHAPE = (8, 8)


class DigitsData(NamedTuple):
    """A seeded train/test split of the digits; unpacks as ``train_x, train_y, test_x, test_y``
    (as course 2's ``Course2Data``).

    Attributes:
        train_x: ``(m_train, 1, 8, 8)`` (NCHW) or ``(m_train, 8, 8, 1)`` (NHWC), in [0, 1];
            ``(m_train, 64)`` flattened (one row of pixels per example, row by row).
        train_y: ``(m_train,)`` integer labels 0..9.
        test_x: the held-out images, as ``train_x``.
        test_y: their labels.
    """

    train_x: np.ndarray
    train_y: np.ndarray
    test_x: np.ndarray
    test_y: np.ndarray


def load_digits(
    *,
    test_fraction: float = 0.2,
    seed: int = 1,
    layout: str = "NCHW",
    flatten: bool = False,
    dtype=np.float64,
) -> DigitsData:
    """The 1,797 digits, pixels divided by 16, split once by a seeded permutation.

    Every model on the digits uses this split (course 2's softmax regression with
    ``flatten=True``, course 4's CNN with images), so their test accuracies compare.

    Args:
        test_fraction: the share of examples held out, in (0, 1); 0.2 holds out 359.
        seed: seeds ``np.random.RandomState(seed).permutation`` (numpy's global state is left
            alone).
        layout: ``"NCHW"`` (batch, channel, height, width: ``nn.Conv2d``'s) or ``"NHWC"`` (the
            course's channels-last images).
        flatten: each image as a row of 64 pixels, ``X (m, 64)``, for ``nn.Linear`` layers
            (``layout`` is then ignored).
        dtype: float64 (default) or float32.

    Returns:
        A ``DigitsData``.

    Raises:
        ImportError: scikit-learn is not installed (says how to install it).
        ValueError: a test fraction outside (0, 1) or an unknown layout.

    >>> digits = load_digits()  # doctest: +SKIP
    >>> digits.train_x.shape, digits.test_x.shape, digits.train_y[:5]  # doctest: +SKIP
    ((1438, 1, 8, 8), (359, 1, 8, 8), array([...]))
    """
    if not 0.0 < test_fraction < 1.0:
        raise ValueError(f"load_digits: expected test_fraction in (0, 1), got {test_fraction}.")
    if layout not in ("NCHW", "NHWC"):
        raise ValueError(f"load_digits: expected layout 'NCHW' or 'NHWC', got {layout!r}.")
    try:
        from sklearn.datasets import load_digits as sklearn_digits
    except ImportError as err:
        raise ImportError(
            "load_digits needs scikit-learn, which ships the digits: "
            'pip install "tinygrad_edu[digits]" (or pip install scikit-learn).'
        ) from err
    bunch = sklearn_digits()
    images = bunch.images.astype(dtype) / 16.0  # (1797, 8, 8), pixels 0..16 -> [0, 1]
    labels = bunch.target.astype(np.int64)
    if flatten:
        images = images.reshape(len(images), -1)  # (1797, 64), as scikit-learn's digits.data
    else:
        images = images[:, np.newaxis] if layout == "NCHW" else images[..., np.newaxis]
    order = np.random.RandomState(seed).permutation(len(labels))
    n_test = round(test_fraction * len(labels))
    test, train = order[:n_test], order[n_test:]
    return DigitsData(images[train], labels[train], images[test], labels[test])
