"""Pictures of what a convolutional network learned: its filters and its feature maps.

Layer: ``viz``. matplotlib is an optional extra (``pip install "tinygrad_edu[plot]"``). As every
picture of ``viz``, each function returns the matplotlib ``Figure`` without a path (Jupyter shows
it inline) and writes the file and returns its path with one.
"""

from __future__ import annotations

import math
import os
from typing import Any

import numpy as np

from tinygrad_edu.viz.plots import finish, new_figure


def _array(x: Any) -> np.ndarray:
    return np.asarray(x.data if hasattr(x, "data") and not isinstance(x, np.ndarray) else x)


def _grid(
    images: list[np.ndarray],
    titles: list[str],
    path: str | os.PathLike | None,
    title: str | None,
    cmap: str,
    symmetric: bool,
    what: str,
) -> Any:
    n = len(images)
    cols = min(n, 8)
    rows = math.ceil(n / cols)
    fig = new_figure(what, (1.25 * cols, 1.35 * rows + (0.4 if title else 0.0)))
    for k, (image, label) in enumerate(zip(images, titles, strict=True)):
        ax = fig.add_subplot(rows, cols, k + 1)
        if symmetric:  # 0 is the middle colour: positive and negative weights stand apart
            limit = float(np.max(np.abs(image))) or 1.0
            ax.imshow(image, cmap=cmap, vmin=-limit, vmax=limit, interpolation="nearest")
        else:
            ax.imshow(image, cmap=cmap, interpolation="nearest")
        ax.set_title(label, fontsize=8)
        ax.set_xticks([])
        ax.set_yticks([])
    if title:
        fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    return finish(fig, path)


def plot_filters(
    weights: Any,
    path: str | os.PathLike | None = None,
    *,
    title: str | None = None,
    channel: int | None = None,
) -> Any:
    """Draw the filters of a convolution, one small image per filter, and save them to ``path``.

    Args:
        weights: the filters W, ``(C_out, C_in, kh, kw)`` (``nn.Conv2d.W``), a Parameter or an
            array.
        path: the image file (``.png``, ``.svg``, ``.pdf``); without it the figure is returned.
        title: a title over the grid.
        channel: which input channel to show for ``C_in > 1``; default: the mean over the input
            channels (a first layer on grey images has one channel, and then it is exact).

    Returns:
        The path of the written file, or the matplotlib ``Figure`` when ``path`` is None.

    Raises:
        ValueError: ``weights`` is not 4-D.
        ImportError: matplotlib is not installed.

    >>> import tempfile
    >>> from pathlib import Path
    >>> out = plot_filters(np.ones((4, 1, 3, 3)), Path(tempfile.mkdtemp()) / "f.png")
    >>> out.stat().st_size > 0
    True
    >>> len(plot_filters(np.ones((4, 1, 3, 3))).axes)  # no path: the figure, one axes a filter
    4
    """
    weights = _array(weights)
    if weights.ndim != 4:
        raise ValueError(
            f"plot_filters: expected weights (C_out, C_in, kh, kw), got shape {weights.shape}. "
            f"The course's W (f, f, n_C_prev, n_C) is W.transpose(3, 2, 0, 1)."
        )
    shown = weights.mean(axis=1) if channel is None else weights[:, channel]
    images = list(shown)
    return _grid(images, [f"filter {c}" for c in range(len(images))], path, title, "RdBu_r", True,
                 "plot_filters")  # fmt: skip


def plot_feature_maps(
    maps: Any,
    path: str | os.PathLike | None = None,
    *,
    image: Any = None,
    title: str | None = None,
    max_maps: int = 32,
) -> Any:
    """Draw the feature maps of one example, ``(C, H, W)``, beside the input image if given.

    Args:
        maps: the activations of one example after a layer, ``(C, H, W)`` (take ``A[0]`` of an
            NCHW batch).
        path: the image file; without it the figure is returned.
        image: the input image, ``(H, W)`` or ``(1, H, W)``, drawn first.
        title: a title over the grid.
        max_maps: draw at most this many channels.

    Returns:
        The path of the written file, or the matplotlib ``Figure`` when ``path`` is None.

    Raises:
        ValueError: ``maps`` is not 3-D.
        ImportError: matplotlib is not installed.

    >>> import tempfile
    >>> from pathlib import Path
    >>> out = plot_feature_maps(np.ones((3, 4, 4)), Path(tempfile.mkdtemp()) / "m.png")
    >>> out.stat().st_size > 0
    True
    """
    maps = _array(maps)
    if maps.ndim != 3:
        raise ValueError(
            f"plot_feature_maps: expected the maps of one example (C, H, W), got shape "
            f"{maps.shape}. For a batch A (m, C, H, W) pass A[0]."
        )
    images, titles = [], []
    if image is not None:
        image = _array(image)
        images.append(image.reshape(image.shape[-2:]))
        titles.append("input")
    for c in range(min(len(maps), max_maps)):
        images.append(maps[c])
        titles.append(f"channel {c}")
    return _grid(images, titles, path, title, "viridis", False, "plot_feature_maps")
