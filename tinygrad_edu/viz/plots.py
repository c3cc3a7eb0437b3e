"""Cost curves, like the course's figures (matplotlib, an optional extra).

Layer: ``viz``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

# -------------------------------------------------------------------------------------------------
# Cost curves
# -------------------------------------------------------------------------------------------------


def _as_curve(history: Any, step: int) -> tuple[list[float], list[float]]:
    if isinstance(history, Mapping):
        items = sorted(history.items())
        return [float(k) for k, _ in items], [float(v) for _, v in items]
    values = [float(v) for v in np.asarray(history, dtype=np.float64).reshape(-1)]
    return [float(i * step) for i in range(len(values))], values


def _is_single_run(history: Any) -> bool:
    """One run: ``{iteration: cost}`` or a flat list of costs (not ``{label: run}``)."""
    if isinstance(history, Mapping):  # np.ndim of a dict is 0: test for nested runs explicitly
        return all(not isinstance(v, Mapping) and np.ndim(v) == 0 for v in history.values())
    return np.ndim(history) <= 1 and all(np.ndim(v) == 0 for v in history)


def plot_costs(
    history: Any,
    path: str | os.PathLike,
    *,
    labels: Sequence[str] | None = None,
    title: str | None = None,
    step: int = 1,
    xlabel: str = "iteration",
    ylabel: str = "cost",
):
    """Plot cost against iteration, like the course's figures, and save it to ``path``.

    Args:
        history: one run, ``{iteration: cost}`` or a list of costs; or several runs on one chart,
            ``{label: run}`` (the learning-rate comparison) or a list of runs with ``labels``.
        path: the image file (``.png``, ``.svg``, ``.pdf``).
        labels: legend entries for a list of runs (or for a single run).
        title: the chart title, e.g. ``"Learning rate = 0.0075"``.
        step: for lists of costs, the iterations between two entries (the course records a cost
            every 100 iterations).
        xlabel, ylabel: axis labels.

    Uses matplotlib's Agg canvas directly: no display is ever needed.

    Returns:
        The path of the written file.

    >>> import tempfile
    >>> out = plot_costs({0: 0.69, 100: 0.5, 200: 0.4}, Path(tempfile.mkdtemp()) / "c.png")
    >>> out.stat().st_size > 0
    True
    """
    try:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
    except ImportError:
        raise ImportError(
            'plot_costs: cost curves need matplotlib: pip install "tinygrad_edu[plot]".'
        ) from None
    if step < 1:
        raise ValueError(f"plot_costs: expected step >= 1, got {step}.")
    if _is_single_run(history):
        runs = [(labels[0] if labels else None, history)]
    elif isinstance(history, Mapping):
        runs = [(str(k), v) for k, v in history.items()]
    else:
        history = list(history)
        if labels is not None and len(labels) != len(history):
            raise ValueError(
                f"plot_costs: expected one label per run, got {len(labels)} labels for "
                f"{len(history)} runs."
            )
        runs = [(labels[i] if labels else f"run {i + 1}", h) for i, h in enumerate(history)]

    fig = Figure(figsize=(6.4, 4.2), dpi=100)
    FigureCanvasAgg(fig)  # attaches itself to fig: savefig never looks for a display
    ax = fig.add_subplot()
    for label, run in runs:
        xs, ys = _as_curve(run, step)
        if not xs:
            raise ValueError(f"plot_costs: run {label or ''!s} has no costs to plot.")
        ax.plot(xs, ys, label=label, marker="." if len(xs) <= 30 else None)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title)
    if any(label for label, _ in runs):
        ax.legend()
    ax.grid(alpha=0.3)
    fig.tight_layout()
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path)
    return path
