"""``Module`` (the base class of layers) and ``Parameter``.

Layer: ``nn``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, NamedTuple

import numpy as np

from tinygrad_edu.tensor import Tensor


class Parameter(Tensor):
    """A tensor a model learns: always a leaf that requires grad (W and b of a layer).

    Args:
        data: the initial values; numpy arrays keep their (floating-point) dtype.
        name: a label for printing and graph drawings (``'W1'``).
        dtype: convert ``data`` to this dtype first.

    >>> W = Parameter(np.zeros((2, 3)), name="W")
    >>> W.requires_grad, W.shape, W.is_leaf
    (True, (2, 3), True)
    """

    __slots__ = ()

    def __init__(self, data: Any, name: str | None = None, dtype=None):
        super().__init__(data, requires_grad=True, dtype=dtype, name=name)

    def __repr__(self) -> str:
        return "Parameter" + super().__repr__().removeprefix("Tensor")


class LoadResult(NamedTuple):
    """What ``load_state_dict(strict=False)`` skipped: keys missing from the state, extra keys."""

    missing_keys: list[str]
    unexpected_keys: list[str]


class Module:
    """Base class of layers and models: holds parameters and sub-modules, maps inputs to outputs.

    Subclasses call ``super().__init__()``, assign ``Parameter`` and ``Module`` attributes, and
    define ``forward``; calling the module calls ``forward``.

    >>> class Neuron(Module):
    ...     def __init__(self):
    ...         super().__init__()
    ...         self.w = Parameter(np.array([2.0]), name="w")
    ...     def forward(self, x):
    ...         return (x * self.w).relu()
    >>> neuron = Neuron()
    >>> neuron(Tensor([3.0])).item(), [name for name, _ in neuron.named_parameters()]
    (6.0, ['w'])
    """

    training = True  # the default, also for subclasses that forget super().__init__()

    def __init__(self) -> None:
        self.training = True

    def forward(self, *args: Any, **kwargs: Any) -> Any:
        """Compute the output; every module defines it."""
        raise NotImplementedError(
            f"{type(self).__name__}.forward: expected the module to define forward(), got none. "
            f"Add a method 'def forward(self, X): ...' that returns the output."
        )

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.forward(*args, **kwargs)

    # -- walking the module tree ------------------------------------------------------------------

    def named_children(self) -> Iterator[tuple[str, Module]]:
        """Direct sub-modules with their attribute names, in assignment order.

        A list or tuple of modules in attribute ``blocks`` gives ``blocks.0``, ``blocks.1``, ...
        """
        for name, value in vars(self).items():
            if isinstance(value, Module):
                yield name, value
            elif isinstance(value, (list, tuple)):
                for i, item in enumerate(value):
                    if isinstance(item, Module):
                        yield f"{name}.{i}", item

    def named_modules(self, prefix: str = "") -> Iterator[tuple[str, Module]]:
        """This module (named ``prefix``, '' by default) and every module below it, depth first.

        >>> from tinygrad_edu import nn
        >>> [name for name, _ in nn.Sequential(nn.Linear(2, 1), nn.Sigmoid()).named_modules()]
        ['', '0', '1']
        """
        stack = [(prefix, self)]
        seen = set()
        while stack:  # explicit stack: a deep model cannot hit the recursion limit
            name, module = stack.pop()
            if id(module) in seen:
                continue
            seen.add(id(module))
            yield name, module
            children = [
                (f"{name}.{child_name}" if name else child_name, child)
                for child_name, child in module.named_children()
            ]
            stack.extend(reversed(children))

    def named_parameters(self) -> Iterator[tuple[str, Parameter]]:
        """``(name, parameter)`` pairs, e.g. ``('0.W', W)``: a module's own parameters first, then
        each sub-module's, depth first, each in the order the attributes were assigned.

        A parameter shared by two layers is listed once, under its first name.

        >>> from tinygrad_edu import nn
        >>> model = nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1))
        >>> [name for name, _ in model.named_parameters()]
        ['0.W', '0.b', '2.W', '2.b']
        """
        seen = set()
        for module_name, module in self.named_modules():
            for name, value in vars(module).items():
                if isinstance(value, Parameter) and id(value) not in seen:
                    seen.add(id(value))
                    yield (f"{module_name}.{name}" if module_name else name), value

    def parameters(self) -> list[Parameter]:
        """Every parameter, in the order of ``named_parameters()`` (pass them to an optimizer).

        >>> from tinygrad_edu import nn
        >>> [p.shape for p in nn.Linear(3, 2).parameters()]
        [(2, 3), (2,)]
        """
        return [p for _, p in self.named_parameters()]

    def zero_grad(self) -> None:
        """Forget every parameter's gradient (``.grad = None``), before the next backward."""
        for p in self.parameters():
            p.grad = None

    def train(self, mode: bool = True) -> Module:
        """Set training mode (``training = mode``) on this module and all below it; returns self.

        Layers that behave differently when evaluating (dropout, batch norm) read ``training``.

        >>> from tinygrad_edu import nn
        >>> nn.Linear(2, 1).eval().training
        False
        """
        for _, module in self.named_modules():
            module.training = bool(mode)
        return self

    def eval(self) -> Module:
        """Set evaluation mode: ``train(False)``."""
        return self.train(False)

    # -- saving and loading values ----------------------------------------------------------------

    def state_dict(self) -> dict[str, np.ndarray]:
        """A copy of every parameter's values, keyed by ``named_parameters()`` names.

        Copies, not views: later training does not change a state you saved.

        >>> from tinygrad_edu import nn
        >>> {k: v.shape for k, v in nn.Linear(3, 2).state_dict().items()}
        {'W': (2, 3), 'b': (2,)}
        """
        return {name: p.data.copy() for name, p in self.named_parameters()}

    def load_state_dict(self, state: dict[str, Any], strict: bool = True) -> LoadResult:
        """Copy values from ``state`` into the parameters, after checking keys, shapes and dtypes.

        Args:
            state: name -> array (or Tensor), as ``state_dict()`` returns.
            strict: require exactly the model's keys. With ``strict=False`` missing and extra keys
                are skipped and returned; shapes and dtypes are always checked.

        Returns:
            The keys that were missing from ``state`` and those the model does not have.

        Raises:
            ValueError: listing every difference (missing, unexpected, shape, dtype) at once; no
                parameter is changed then.

        >>> from tinygrad_edu import nn
        >>> layer = nn.Linear(3, 2)
        >>> layer.load_state_dict({"W": np.ones((2, 3)), "b": np.zeros(2)})
        LoadResult(missing_keys=[], unexpected_keys=[])
        """
        own = dict(self.named_parameters())
        values = {k: np.asarray(v.data if isinstance(v, Tensor) else v) for k, v in state.items()}
        missing = [k for k in own if k not in values]
        unexpected = [k for k in values if k not in own]
        problems = []
        if strict:
            problems += [
                f"  missing from the state:  {k} {_describe(own[k].data)}" for k in missing
            ]
            problems += [
                f"  unexpected in the state: {k} {_describe(values[k])}" for k in unexpected
            ]
        for key, p in own.items():
            if key not in values:
                continue
            value = values[key]
            if value.shape != p.shape:
                hint = "  (transposed?)" if value.shape == p.shape[::-1] and p.ndim == 2 else ""
                problems.append(
                    f"  shape differs at {key}: model {p.shape}, state {value.shape}{hint}"
                )
            elif value.dtype != p.dtype:
                problems.append(
                    f"  dtype differs at {key}: model {p.dtype}, state {value.dtype} (convert with "
                    f".astype(np.{p.dtype}))"
                )
        if problems:
            raise ValueError(
                f"load_state_dict: expected a state matching {type(self).__name__}'s parameters, "
                f"got {len(problems)} difference(s); nothing was loaded:\n" + "\n".join(problems)
            )
        for key, p in own.items():
            if key in values:
                p.data = values[key].copy()  # a new array: graphs recorded earlier keep old values
        return LoadResult(missing, unexpected)

    # -- printing ---------------------------------------------------------------------------------

    def extra_repr(self) -> str:
        """The text between the parentheses of this module's repr (sizes, options)."""
        return ""

    def __repr__(self) -> str:
        children = list(self.named_children())
        if not children:
            return f"{type(self).__name__}({self.extra_repr()})"
        lines = [f"{type(self).__name__}("]
        for name, child in children:
            body = repr(child).replace("\n", "\n  ")
            lines.append(f"  ({name}): {body}")
        lines.append(")")
        return "\n".join(lines)


def _describe(arr: np.ndarray) -> str:
    return f"{arr.shape} {arr.dtype}"


def _as_tensor(X: Any) -> Tensor:
    return X if isinstance(X, Tensor) else Tensor(X)


def _check_size(op: str, value: Any, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ValueError(f"{op}: expected {what} to be a positive int, got {value!r}.")
    return int(value)
