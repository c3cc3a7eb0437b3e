"""Cost curves, like the course's figures (matplotlib, an optional extra), and the figure helpers
the other pictures share.

Layer: ``viz``.

Every plotting function returns a matplotlib ``Figure`` when no path is given (Jupyter shows it
inline) and writes the file and returns its path when one is. Figures are drawn on matplotlib's
Agg canvas directly: no display and no ``pyplot`` state are ever needed.
"""

from __future__ import annotations

import io
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

_FIGURE = None  # the Figure subclass below, made on first use (matplotlib is optional)


def _matplotlib(what: str) -> tuple[Any, Any]:  # (Figure, FigureCanvasAgg)
    try:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
    except ImportError:
        raise ImportError(
            f'{what}: pictures need matplotlib: pip install "tinygrad_edu[plot]".'
        ) from None
    return Figure, FigureCanvasAgg


def new_figure(what: str, figsize: tuple[float, float] = (6.4, 4.2), **kwargs: Any):
    """An empty figure on an Agg canvas that Jupyter displays inline (as PNG) when returned."""
    global _FIGURE
    Figure, FigureCanvasAgg = _matplotlib(what)  # noqa: N806 (matplotlib's class names)
    if _FIGURE is None:
        # mypy cannot check a base class imported at run time (matplotlib is optional).
        class InlineFigure(Figure):  # type: ignore[misc, valid-type]
            """A matplotlib ``Figure`` that shows itself in Jupyter without pyplot."""

            def _repr_png_(self) -> bytes:
                buffer = io.BytesIO()
                self.savefig(buffer, format="png")
                return buffer.getvalue()

        _FIGURE = InlineFigure
    fig = _FIGURE(figsize=figsize, dpi=100, **kwargs)
    FigureCanvasAgg(fig)  # attaches itself to fig: savefig never looks for a display
    return fig


def finish(fig, path: str | os.PathLike | None):
    """Return ``fig`` (no path) or save it to ``path`` (``.png``, ``.svg``, ``.pdf``, ``.jpg``;
    ``.png`` is added to a name without a suffix) and return the path of the written file.

    Raises:
        ValueError: ``path`` is a folder, or a name ending in '/' (a folder's name).
    """
    if path is None:
        return fig
    text = os.fspath(path)
    path = Path(path)
    if path.is_dir():
        raise ValueError(f"{path} is a folder; give a file name such as {path / 'figure.png'}.")
    if isinstance(text, str) and text.endswith(("/", os.sep)):  # Path() drops it: figs.png
        raise ValueError(
            f"{text} ends in {text[-1]!r} as a folder does; give a file name such as "
            f"{path / 'figure.png'}."
        )
    if not path.suffix:  # matplotlib would append ".png" itself: return the file it writes
        path = path.with_name(path.name + ".png")
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path)
    return path


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
    path: str | os.PathLike | None = None,
    *,
    labels: Sequence[str] | None = None,
    title: str | None = None,
    step: int = 1,
    xlabel: str = "iteration",
    ylabel: str = "cost",
):
    """Plot cost against iteration, like the course's figures.

    Args:
        history: one run, ``{iteration: cost}`` or a list of costs; or several runs on one chart,
            ``{label: run}`` (the learning-rate comparison) or a list of runs with ``labels``.
        path: the image file (``.png``, ``.svg``, ``.pdf``); without it the figure is returned
            (Jupyter displays it inline).
        labels: legend entries for a list of runs (or for a single run).
        title: the chart title, e.g. ``"Learning rate = 0.0075"``.
        step: for lists of costs, the iterations between two entries (the course records a cost
            every 100 iterations).
        xlabel: the x axis label.
        ylabel: the y axis label.

    Returns:
        The path of the written file, or the matplotlib ``Figure`` when ``path`` is None.

    Raises:
        ValueError: a run without costs, labels that do not match the runs, ``step < 1``, or
            ``path`` is a folder (or a name ending in '/').
        ImportError: matplotlib is not installed.

    >>> import tempfile
    >>> out = plot_costs({0: 0.69, 100: 0.5, 200: 0.4}, Path(tempfile.mkdtemp()) / "c.png")
    >>> out.stat().st_size > 0
    True
    >>> plot_costs([0.69, 0.5, 0.4]).axes[0].get_ylabel()
    'cost'
    """
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

    fig = new_figure("plot_costs")
    ax = fig.add_subplot()
    for label, run in runs:
        xs, ys = _as_curve(run, step)
        if not xs:
            raise ValueError(
                f"plot_costs: {f'run {label}' if label else 'the run'} has no costs to plot."
            )
        ax.plot(xs, ys, label=label, marker="." if len(xs) <= 30 else None)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title)
    if any(label for label, _ in runs):
        ax.legend()
    ax.grid(alpha=0.3)
    fig.tight_layout()
    return finish(fig, path)
