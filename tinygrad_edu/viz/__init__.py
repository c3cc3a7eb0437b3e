"""Pictures of computation graphs (values, gradients, shapes, names) and of cost curves.

One module per kind of picture (``graph``: DOT and graphviz; ``plots``: matplotlib figures);
every public name is importable from ``tinygrad_edu.viz`` itself.

Layer: ``viz``, above ``tensor`` (and ``nn``, whose modules it can collapse into one box per
layer, by duck typing). It reads a finished graph through ``Tensor._parents`` and ``Tensor._op``
and never changes it.

- ``to_dot(J)`` builds a ``graphviz.Digraph`` whose ``.source`` is DOT text (no graphviz program
  needed); Jupyter displays the returned object inline.
- ``render(J, "J.svg")`` writes a picture with the graphviz program ``dot``; without it, it still
  writes ``J.dot`` and raises an error that says how to install graphviz.
- ``plot_costs(history, "costs.png")`` draws cost against iteration, like the course's figures.

The ``graphviz`` and ``matplotlib`` packages are optional extras (``viz`` and ``plot``) imported
inside the functions that need them.
"""

from tinygrad_edu.viz.explore import Explorer, explore
from tinygrad_edu.viz.graph import render, to_dot
from tinygrad_edu.viz.pictures import plot_activations, plot_decision_boundary, plot_mislabeled
from tinygrad_edu.viz.plots import plot_costs
from tinygrad_edu.viz.trace import BackwardTrace, backward_steps, trace_backward

__all__ = [
    "BackwardTrace",
    "Explorer",
    "backward_steps",
    "explore",
    "plot_activations",
    "plot_costs",
    "plot_decision_boundary",
    "plot_mislabeled",
    "render",
    "to_dot",
    "trace_backward",
]
