"""Pictures of computation graphs and of the backward pass, cost curves and the course's figures.

One module per kind of picture; every public name is importable from ``tinygrad_edu.viz`` itself:

- ``graph``: ``to_dot(J)`` builds a ``graphviz.Digraph`` whose ``.source`` is DOT text (no graphviz
  program needed; Jupyter displays it inline, or the install hint and the DOT text without the
  program); ``render(J, "J.svg")`` writes a picture with the graphviz program ``dot`` (without it,
  ``J.dot`` and an error that says how to install graphviz).
- ``trace``: ``trace_backward(J)`` prints the backward pass edge by edge, in the engine's order:
  upstream gradient times local derivative, the sum over broadcast axes, accumulation.
- ``explore``: ``explore(J)`` makes one self-contained interactive HTML page (step through forward
  and backward, click nodes, nudge a leaf, expand layers); Jupyter shows it inline.
- ``plots``: ``plot_costs(history)``, cost against iteration, like the course's figures.
- ``pictures``: ``plot_decision_boundary``, ``plot_activations`` (derivatives by autograd) and
  ``plot_mislabeled``.
- ``filters``: ``plot_filters(conv.W)`` and ``plot_feature_maps(A[0])``, what a convolutional
  layer learned and what it sees in one image.

Layer: ``viz``, above ``tensor`` (and ``nn``, whose modules it can collapse into one box per
layer, by duck typing). It reads a finished graph through ``Tensor._parents`` and ``Tensor._op``
and never changes it. The ``graphviz`` and ``matplotlib`` packages are optional extras (``viz``
and ``plot``) imported inside the functions that need them; matplotlib figures are returned when
no file name is given.
"""

from tinygrad_edu.viz.explore import Explorer, explore
from tinygrad_edu.viz.filters import plot_feature_maps, plot_filters
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
    "plot_feature_maps",
    "plot_filters",
    "plot_mislabeled",
    "render",
    "to_dot",
    "trace_backward",
]
