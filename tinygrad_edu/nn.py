"""Layers: ``Module``, ``Parameter``, ``Linear``, ``Sequential``, activations and initializers.

Layer: ``nn``, just above ``tensor`` (it builds models out of tensor ops and adds no op of its
own). Layers are batch-first, as in PyTorch: an input holds one example per row, ``X (m, n_in)``,
and ``Linear`` stores its weights the way the course does, ``W (n_out, n_in)`` and ``b (n_out,)``,
computing ``Z = A_prev @ W.T + b``. W and dW therefore equal the course's ``W1``, ``dW1`` element
for element (and PyTorch's ``Linear.weight``).

Initializers draw ``randn(n_out, n_in)`` layer by layer from numpy's legacy global generator unless
a ``numpy.random.RandomState`` or ``Generator`` is passed, so ``np.random.seed(1)`` before building
a model reproduces the course's starting weights. Biases start at zero.

A module's parameters are found by reading its attributes in the order they were assigned
(Python dicts keep insertion order): ``Parameter`` attributes, sub-``Module`` attributes, and
lists or tuples of modules. Nothing is registered behind the scenes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any, NamedTuple

import numpy as np

from tinygrad_edu.tensor import Tensor, randn

__all__ = [
    "INITIALIZERS",
    "Identity",
    "LeakyReLU",
    "Linear",
    "LoadResult",
    "Module",
    "Parameter",
    "ReLU",
    "Sequential",
    "Sigmoid",
    "Tanh",
    "init_course_deep",
    "init_course_small",
    "init_he",
    "init_xavier",
    "init_zeros",
]


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

        >>> [name for name, _ in Sequential(Linear(2, 1), Sigmoid()).named_modules()]
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

        >>> [name for name, _ in Sequential(Linear(2, 3), ReLU(), Linear(3, 1)).named_parameters()]
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

        >>> [p.shape for p in Linear(3, 2).parameters()]
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

        >>> Linear(2, 1).eval().training
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

        >>> {k: v.shape for k, v in Linear(3, 2).state_dict().items()}
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

        >>> layer = Linear(3, 2)
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


# -------------------------------------------------------------------------------------------------
# Initializers: each returns W of shape (n_out, n_in), drawing randn(n_out, n_in) exactly once
# -------------------------------------------------------------------------------------------------


def init_zeros(n_out: int, n_in: int, rng=None, dtype=np.float64) -> np.ndarray:
    """All zeros; draws nothing. Every hidden unit then computes the same thing forever.

    >>> init_zeros(2, 3)
    array([[0., 0., 0.],
           [0., 0., 0.]])
    """
    return np.zeros((n_out, n_in), dtype=dtype)


def init_course_small(n_out: int, n_in: int, rng=None, dtype=np.float64) -> np.ndarray:
    """``randn(n_out, n_in) * 0.01``: the course's shallow-network initialization.

    >>> np.random.seed(1); W = init_course_small(7, 3)
    >>> np.random.seed(1); np.array_equal(W, np.random.randn(7, 3) * 0.01)
    True
    """
    return (randn(n_out, n_in, rng=rng).data * 0.01).astype(dtype, copy=False)


def init_course_deep(n_out: int, n_in: int, rng=None, dtype=np.float64) -> np.ndarray:
    """``randn(n_out, n_in) / sqrt(n_in)``: the course's deep-network initialization.

    Keeps the variance of Z near 1 layer after layer. Course 2 calls this scale "Xavier"; it is
    also known as LeCun normal.

    >>> np.random.seed(1); W = init_course_deep(20, 12288)
    >>> np.random.seed(1); np.array_equal(W, np.random.randn(20, 12288) / np.sqrt(12288))
    True
    """
    # Divide, as the course does: multiplying by 1 / sqrt(n_in) differs in the last bit.
    return (randn(n_out, n_in, rng=rng).data / np.sqrt(n_in)).astype(dtype, copy=False)


def init_he(n_out: int, n_in: int, rng=None, dtype=np.float64) -> np.ndarray:
    """``randn(n_out, n_in) * sqrt(2 / n_in)``: He initialization, for ReLU layers (course 2).

    >>> rng = np.random.RandomState(1); W = init_he(5, 4, rng=rng)
    >>> np.array_equal(W, np.random.RandomState(1).randn(5, 4) * np.sqrt(2 / 4))
    True
    """
    return (randn(n_out, n_in, rng=rng).data * np.sqrt(2.0 / n_in)).astype(dtype, copy=False)


def init_xavier(n_out: int, n_in: int, rng=None, dtype=np.float64) -> np.ndarray:
    """``randn(n_out, n_in) * sqrt(2 / (n_in + n_out))``: Glorot (Xavier) normal, for tanh layers.

    This is PyTorch's ``xavier_normal_``; the course's ``randn / sqrt(n_in)`` is
    ``init_course_deep``.

    >>> W = init_xavier(5, 4, rng=np.random.default_rng(0))
    >>> np.array_equal(W, np.random.default_rng(0).standard_normal((5, 4)) * np.sqrt(2 / 9))
    True
    """
    return (randn(n_out, n_in, rng=rng).data * np.sqrt(2.0 / (n_in + n_out))).astype(
        dtype, copy=False
    )


INITIALIZERS: dict[str, Callable[..., np.ndarray]] = {
    "zeros": init_zeros,
    "course_small": init_course_small,
    "course_deep": init_course_deep,
    "he": init_he,
    "xavier": init_xavier,
}


# -------------------------------------------------------------------------------------------------
# Layers
# -------------------------------------------------------------------------------------------------


def _as_tensor(X: Any) -> Tensor:
    return X if isinstance(X, Tensor) else Tensor(X)


def _check_size(op: str, value: Any, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ValueError(f"{op}: expected {what} to be a positive int, got {value!r}.")
    return int(value)


class Linear(Module):
    """A fully connected layer, batch-first: ``Z = A_prev @ W.T + b``.

    Args:
        n_in: number of input features (units of the previous layer, the course's n^[l-1]).
        n_out: number of units (the course's n^[l]).
        init: a name in ``INITIALIZERS`` ('zeros', 'course_small', 'course_deep', 'he',
            'xavier') or a function ``(n_out, n_in, rng, dtype) -> array``. Default 'course_deep'.
        rng: None for numpy's legacy global generator (``np.random.seed`` applies), or a
            ``numpy.random.RandomState`` / ``Generator``.
        dtype: float64 (default) or float32.

    Attributes:
        W: ``Parameter (n_out, n_in)``, the course's W^[l].
        b: ``Parameter (n_out,)``, zeros; the course's b^[l] is the column ``(n_out, 1)``.

    >>> np.random.seed(1)
    >>> layer = Linear(12288, 7, init="course_small")
    >>> layer.W.shape, layer.b.shape, layer(np.zeros((209, 12288))).shape
    ((7, 12288), (7,), (209, 7))
    """

    def __init__(
        self,
        n_in: int,
        n_out: int,
        init: str | Callable = "course_deep",
        *,
        rng=None,
        dtype=np.float64,
    ):
        super().__init__()
        self.n_in = _check_size("Linear", n_in, "n_in")
        self.n_out = _check_size("Linear", n_out, "n_out")
        if callable(init):
            init_fn, self.init = init, getattr(init, "__name__", "custom")
        elif init in INITIALIZERS:
            init_fn, self.init = INITIALIZERS[init], init
        else:
            raise ValueError(
                f"Linear: expected init to be one of {sorted(INITIALIZERS)} or a function "
                f"(n_out, n_in, rng, dtype) -> array, got {init!r}."
            )
        W = np.asarray(init_fn(self.n_out, self.n_in, rng=rng, dtype=dtype))
        if W.shape != (self.n_out, self.n_in):
            raise ValueError(
                f"Linear: expected init to return W of shape (n_out, n_in) = "
                f"{(self.n_out, self.n_in)}, got {W.shape}."
            )
        self.W = Parameter(W, name="W")  # (n_out, n_in)
        self.b = Parameter(np.zeros(self.n_out, dtype=W.dtype), name="b")  # (n_out,)

    def forward(self, A_prev: Any) -> Tensor:
        """``Z = A_prev @ W.T + b``: ``(m, n_in) -> (m, n_out)``."""
        A_prev = _as_tensor(A_prev)
        if A_prev.ndim == 0 or A_prev.shape[-1] != self.n_in:
            hint = ""
            if A_prev.ndim == 2 and A_prev.shape[0] == self.n_in:
                hint = (
                    " This looks like the course's layout X (n_x, m) with examples in columns; "
                    "layers are batch-first (examples in rows): pass X.T."
                )
            raise ValueError(
                f"Linear: expected an input of shape (m, {self.n_in}) (batch-first: one example "
                f"per row), got {A_prev.shape}.{hint}"
            )
        return A_prev @ self.W.T + self.b  # (m, n_out)

    def extra_repr(self) -> str:
        return f"n_in={self.n_in}, n_out={self.n_out}, init={self.init!r}"


class Sequential(Module):
    """Modules applied one after another: ``Sequential(Linear(2, 4), Tanh(), Linear(4, 1))``.

    Parameters are named by position (``'0.W'``, ``'2.b'``), as in PyTorch. For drawings, the
    Linear layers' W and b are labelled in the course's way, ``W1, b1, W2, ...`` counting Linear
    layers only, unless you named them yourself.

    >>> model = Sequential(Linear(2, 4), Tanh(), Linear(4, 1), Sigmoid())
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
        """Apply each layer in order."""
        A = X
        for layer in self.layers:
            A = layer(A)
        return A

    def __getitem__(self, index: int) -> Module:
        return self.layers[index]

    def __len__(self) -> int:
        return len(self.layers)

    def __iter__(self) -> Iterator[Module]:
        return iter(self.layers)


# -------------------------------------------------------------------------------------------------
# Activations (no parameters)
# -------------------------------------------------------------------------------------------------


class ReLU(Module):
    """``A = max(Z, 0)``; relu'(0) = 0, as the course's ``relu_backward``.

    >>> ReLU()(Tensor([-1.0, 0.0, 2.0]))
    Tensor([0., 0., 2.])
    """

    def forward(self, Z: Any) -> Tensor:
        return _as_tensor(Z).relu()


class LeakyReLU(Module):
    """``A = Z`` where Z > 0, else ``slope * Z`` (default slope 0.01).

    >>> LeakyReLU(0.1)(Tensor([-1.0, 2.0]))
    Tensor([-0.1,  2. ])
    """

    def __init__(self, slope: float = 0.01):
        super().__init__()
        self.slope = float(slope)

    def forward(self, Z: Any) -> Tensor:
        return _as_tensor(Z).leaky_relu(self.slope)

    def extra_repr(self) -> str:
        return f"slope={self.slope}"


class Tanh(Module):
    """``A = tanh(Z)``; the course's hidden activation for the planar data.

    >>> Tanh()(Tensor([0.0]))
    Tensor([0.])
    """

    def forward(self, Z: Any) -> Tensor:
        return _as_tensor(Z).tanh()


class Sigmoid(Module):
    """``A = 1 / (1 + exp(-Z))``, computed without overflow; the course's output activation.

    >>> Sigmoid()(Tensor([0.0]))
    Tensor([0.5])
    """

    def forward(self, Z: Any) -> Tensor:
        return _as_tensor(Z).sigmoid()


class Identity(Module):
    """``A = Z`` unchanged (a placeholder layer, or a linear output for logits).

    >>> Identity()(Tensor([1.0]))
    Tensor([1.])
    """

    def forward(self, Z: Any) -> Any:
        return Z
