"""``Sequential``: layers applied one after another.

Layer: ``nn``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from tinygrad_edu.nn.linear import Linear
from tinygrad_edu.nn.module import Module


class Sequential(Module):
    """Modules applied one after another: ``Sequential(Linear(2, 4), Tanh(), Linear(4, 1))``.

    Parameters are named by position (``'0.W'``, ``'2.b'``), as in PyTorch. For drawings, the
    Linear layers' W and b are labelled in the course's way, ``W1, b1, W2, ...`` counting Linear
    layers only, unless you named them yourself.

    Raises:
        TypeError: an argument that is not a ``Module`` instance (e.g. the class ``nn.ReLU``
            instead of ``nn.ReLU()``).

    >>> import numpy as np
    >>> from tinygrad_edu import nn
    >>> model = nn.Sequential(nn.Linear(2, 4), nn.Tanh(), nn.Linear(4, 1), nn.Sigmoid())
    >>> model(np.zeros((5, 2))).shape, [p.name for p in model.parameters()]
    ((5, 1), ['W1', 'b1', 'W2', 'b2'])
    """

    def __init__(self, *layers: Module):
        super().__init__()
        for i, layer in enumerate(layers):
            if not isinstance(layer, Module):
                hint = ""
                if isinstance(layer, type) and issubclass(layer, Module):
                    hint = f" Did you mean {layer.__name__}() (an instance, not the class)?"
                raise TypeError(
                    f"Sequential: expected Module instances, got {type(layer).__name__} "
                    f"{layer!r} at position {i}.{hint}"
                )
        self.layers = list(layers)
        linear_layers = [layer for layer in self.layers if isinstance(layer, Linear)]
        for number, layer in enumerate(linear_layers, start=1):
            if layer.W.name == "W":
                layer.W.name = f"W{number}"
            if layer.b.name == "b":
                layer.b.name = f"b{number}"

    def named_children(self) -> Iterator[tuple[str, Module]]:
        for i, layer in enumerate(self.layers):
            yield str(i), layer

    def forward(self, X: Any) -> Any:
        """Apply each layer in order.

        Raises:
            ValueError: a layer refuses its input's shape (the error gets a note naming the
                layer's index and its input's shape, from Python 3.11).
            TypeError: a layer refuses its input's type (with the same note).
        """
        A = X
        for i, layer in enumerate(self.layers):
            try:
                A = layer(A)
            except (ValueError, TypeError) as err:
                if hasattr(err, "add_note"):  # Python 3.11+: shown under the message
                    shape = getattr(A, "shape", None)
                    given = f", given an input of shape {tuple(shape)}" if shape is not None else ""
                    before = (
                        f"; it comes after layer {i - 1} ({type(self.layers[i - 1]).__name__})"
                        if i > 0
                        else ""
                    )
                    err.add_note(
                        f"(in layer {i} ({type(layer).__name__}) of a Sequential of "
                        f"{len(self.layers)} layers{given}{before})"
                    )
                raise
        return A

    def __getitem__(self, index: int) -> Module:
        return self.layers[index]

    def __len__(self) -> int:
        return len(self.layers)

    def __iter__(self) -> Iterator[Module]:
        return iter(self.layers)
