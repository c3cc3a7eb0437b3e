"""``Module`` (the base class of layers), ``Parameter``, ``Buffer`` and the model summary.

Layer: ``nn``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any, NamedTuple

import numpy as np

from tinygrad_edu.engine import no_grad
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


class Buffer(Tensor):
    """State a module keeps but does not learn (batch norm's running mean and variance).

    A buffer never requires grad; optimizers never see it (``parameters()`` skips it), but
    ``state_dict()`` saves it and ``to(dtype)`` converts it, as PyTorch's ``nn.Buffer``.

    >>> B = Buffer(np.zeros(3), name="running_mean")
    >>> B.requires_grad, B.shape
    (False, (3,))
    """

    __slots__ = ()

    def __init__(self, data: Any, name: str | None = None, dtype=None):
        super().__init__(data, requires_grad=False, dtype=dtype, name=name)

    def __repr__(self) -> str:
        return "Buffer" + super().__repr__().removeprefix("Tensor")


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
        """Compute the output; every module defines it.

        Raises:
            NotImplementedError: the subclass does not define ``forward``.
        """
        raise NotImplementedError(
            f"{type(self).__name__}.forward: expected the module to define forward(), got none. "
            f"Add a method 'def forward(self, X): ...' that returns the output."
        )

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.forward(*args, **kwargs)

    def __setattr__(self, name: str, value: Any) -> None:
        # The course's update line on a model, `model.W = model.W - lr * model.W.grad`, would
        # swap the Parameter for a computed tensor: W leaves parameters() and state_dict(), and
        # an optimizer keeps updating the old one, which the model no longer uses. (Leaf tensors
        # stay allowed: tests call a layer as a function of its arrays by assigning them.)
        if (
            isinstance(value, Tensor)
            and value._op is not None
            and isinstance(self.__dict__.get(name), Parameter)
        ):
            raise TypeError(
                f"{type(self).__name__}.{name}: expected a Parameter, got a Tensor computed by "
                f"'{value.op}'. "
                f"Assigning it would take {name} out of the model's parameters, and an optimizer "
                f"would keep updating the old one. Update the parameter in place instead: "
                f"`with tinygrad_edu.no_grad(): model.{name} -= learning_rate * "
                f"model.{name}.grad`, or `model.{name}.data -= ...`, or an optimizer's step(); "
                f"to replace it on purpose, assign Parameter(values)."
            )
        object.__setattr__(self, name, value)

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
        return self._named_of(Parameter)

    def _named_of(self, kind: type) -> Iterator[tuple[str, Any]]:
        """``(dotted name, value)`` for every attribute of type ``kind``, module by module, each
        object once (under its first name)."""
        seen = set()
        for module_name, module in self.named_modules():
            for name, value in vars(module).items():
                if isinstance(value, kind) and id(value) not in seen:
                    seen.add(id(value))
                    yield (f"{module_name}.{name}" if module_name else name), value

    def parameters(self) -> list[Parameter]:
        """Every parameter, in the order of ``named_parameters()`` (pass them to an optimizer).

        >>> from tinygrad_edu import nn
        >>> [p.shape for p in nn.Linear(3, 2).parameters()]
        [(2, 3), (2,)]
        """
        return [p for _, p in self.named_parameters()]

    def named_buffers(self) -> Iterator[tuple[str, Buffer]]:
        """``(name, buffer)`` pairs in the order of ``named_parameters()`` (batch norm's
        ``running_mean``, ``running_var``, ``num_batches_tracked``).

        >>> from tinygrad_edu import nn
        >>> [name for name, _ in nn.BatchNorm1d(3).named_buffers()]
        ['running_mean', 'running_var', 'num_batches_tracked']
        """
        return self._named_of(Buffer)

    def buffers(self) -> list[Buffer]:
        """Every buffer, in the order of ``named_buffers()``."""
        return [b for _, b in self.named_buffers()]

    def _named_state(self) -> dict[str, Tensor]:
        """Parameters and buffers, module by module (PyTorch's ``state_dict`` order)."""
        state: dict[str, Tensor] = {}
        seen = set()
        for module_name, module in self.named_modules():
            for name, value in vars(module).items():
                if isinstance(value, (Parameter, Buffer)) and id(value) not in seen:
                    seen.add(id(value))
                    state[f"{module_name}.{name}" if module_name else name] = value
        return state

    def to(self, dtype) -> Module:
        """Convert every floating-point parameter and buffer (and gradient) to ``dtype``, in place.

        Returns the module, as PyTorch's ``model.to(torch.float32)``. Integer buffers (batch
        norm's step counter) keep their dtype. Make a new optimizer afterwards if its state was
        made for the old dtype.

        Raises:
            TypeError: ``dtype`` is not a floating-point type.

        >>> from tinygrad_edu import nn
        >>> layer = nn.Linear(3, 2).to(np.float32)
        >>> layer.W.dtype, layer.b.dtype, layer(np.ones((1, 3), dtype=np.float32)).dtype
        (dtype('float32'), dtype('float32'), dtype('float32'))
        """
        try:
            target = np.dtype(dtype)
        except TypeError:
            raise TypeError(
                f"Module.to: expected a numpy dtype such as np.float32, got {dtype!r}."
            ) from None
        if target.kind != "f":
            raise TypeError(
                f"Module.to: expected a floating-point dtype (np.float64, np.float32), got "
                f"{target}. Parameters must stay floating point to have gradients."
            )
        for t in self._named_state().values():
            if t.data.dtype.kind != "f":
                continue
            t.data = t.data.astype(target)
            if t.grad is not None:
                t.grad = t.grad.astype(target)
        return self

    def summary(self, X: Any = None, *, input_shape: tuple[int, ...] | None = None) -> ModelSummary:
        """A table of the layers, each one's output shape and number of parameters.

        Output shapes come from one forward pass, under ``no_grad`` and in evaluation mode (so
        batch norm's running statistics do not change); the modes are restored afterwards.
        Without ``X`` or ``input_shape`` the table lists the layers and parameters only.

        Args:
            X: an example input (array or tensor), e.g. a batch of two.
            input_shape: or the shape of an input of zeros, in the first parameter's dtype.

        >>> from tinygrad_edu import nn
        >>> model = nn.Sequential(nn.Linear(2, 5), nn.ReLU(), nn.Linear(5, 1), nn.Sigmoid())
        >>> print(model.summary(input_shape=(300, 2)))
        Layer (type)    Output shape    Param #
        =======================================
        0 (Linear)      (300, 5)             15
        1 (ReLU)        (300, 5)              0
        2 (Linear)      (300, 1)              6
        3 (Sigmoid)     (300, 1)              0
        =======================================
        Total params: 21
        """
        modules = list(self.named_modules())
        rows = [
            (name, module) for name, module in modules
            if name and (not list(module.named_children()) or _own_parameters(module))
        ]  # fmt: skip
        shapes: dict[int, list[tuple | None]] = {}
        if X is not None or input_shape is not None:
            if X is None:
                assert input_shape is not None  # by the condition above
                params = self.parameters()
                dtype = params[0].dtype if params else np.float64
                X = np.zeros(tuple(input_shape), dtype=dtype)
            modes = [(module, module.training) for _, module in modules]
            wrapped = []
            for _, module in rows:
                wrapped.append(module)
                # An instance attribute shadows the method while recording (deleted below).
                module.forward = _recording(module, shapes)  # type: ignore[method-assign]
            try:
                self.eval()
                with no_grad():
                    self(X)
            finally:
                for module in wrapped:
                    del module.forward
                for module, mode in modes:
                    module.training = mode
        table = []
        for name, module in rows:
            seen = shapes.get(id(module), [])
            shape = "" if not seen else str(seen[0]) + (f" x{len(seen)}" if len(seen) > 1 else "")
            count = sum(p.size for p in _own_parameters(module))
            if list(module.named_children()):
                count = sum(p.size for p in module.parameters())
            table.append((f"{name} ({type(module).__name__})", shape, count))
        total = sum(p.size for p in self.parameters())
        return ModelSummary(table, total, has_shapes=bool(shapes))

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

    def get_extra_state(self) -> np.ndarray | None:
        """State that is neither a parameter nor a buffer, as one numeric array, or None (the
        default: none). ``state_dict()`` saves it under ``"<module name>._extra_state"``, as
        PyTorch's ``Module.get_extra_state``; here it must be a numeric array, so that
        checkpoints never need pickle. ``Dropout`` keeps its generator's state there."""
        return None

    def set_extra_state(self, state: np.ndarray) -> None:
        """Restore what ``get_extra_state()`` returned (called by ``load_state_dict``).

        Raises:
            ValueError: this module keeps no extra state (a module that does overrides this
                and raises ``ValueError``, changing nothing, for a state it cannot take).
        """
        raise ValueError(
            f"{type(self).__name__}.set_extra_state: expected a module that keeps extra state, "
            f"got one that does not (it defines no get_extra_state)."
        )

    def _extra_states(self) -> dict[str, tuple[Module, np.ndarray]]:
        """``"<name>._extra_state"`` -> (module, its current extra state), module by module."""
        found = {}
        for name, module in self.named_modules():
            extra = module.get_extra_state()
            if extra is not None:
                found[f"{name}._extra_state" if name else "_extra_state"] = (module, extra)
        return found

    def state_dict(self) -> dict[str, np.ndarray]:
        """A copy of every parameter's and buffer's values, keyed by their names, then each
        module's extra state (a dropout layer's generator, ``"<name>._extra_state"``).

        Copies, not views: later training does not change a state you saved.

        >>> from tinygrad_edu import nn
        >>> {k: v.shape for k, v in nn.Linear(3, 2).state_dict().items()}
        {'W': (2, 3), 'b': (2,)}
        """
        state = {name: p.data.copy() for name, p in self._named_state().items()}
        for key, (_, extra) in self._extra_states().items():
            state[key] = np.array(extra)  # a copy
        return state

    def load_state_dict(self, state: dict[str, Any], strict: bool = True) -> LoadResult:
        """Copy values from ``state`` into the parameters and buffers, after checking keys, shapes
        and dtypes.

        Args:
            state: name -> array (or Tensor), as ``state_dict()`` returns.
            strict: require exactly the model's keys. With ``strict=False`` missing and extra keys
                are skipped and returned; shapes and dtypes are always checked. An extra state
                (``"<name>._extra_state"``, a dropout generator's) may be missing even when
                strict, unlike PyTorch: states saved before it existed still load, that module
                keeps its current state, and the key is listed in ``missing_keys``.

        Returns:
            The keys that were missing from ``state`` and those the model does not have.

        Raises:
            ValueError: listing every difference (missing, unexpected, shape, dtype, an extra
                state the module refuses) at once; nothing is changed then.

        >>> from tinygrad_edu import nn
        >>> layer = nn.Linear(3, 2)
        >>> layer.load_state_dict({"W": np.ones((2, 3)), "b": np.zeros(2)})
        LoadResult(missing_keys=[], unexpected_keys=[])
        """
        own = self._named_state()
        extra = self._extra_states()
        values = {k: np.asarray(v.data if isinstance(v, Tensor) else v) for k, v in state.items()}
        missing = [k for k in own if k not in values]
        unexpected = [k for k in values if k not in own and k not in extra]
        problems = []
        hints = _torch_names_hint(missing, unexpected) if strict else []
        if strict:
            problems += [
                f"  missing from the state:  {k} {_describe(own[k].data)}" for k in missing
            ]
            problems += [
                f"  unexpected in the state: {k} {_describe(values[k])}{_extra_hint(k)}"
                for k in unexpected
            ]
        missing += [k for k in extra if k not in values]  # allowed: saved before it existed
        expected: dict[str, Any] = {k: p.data for k, p in own.items()}
        expected.update((k, arr) for k, (_, arr) in extra.items())
        for key, p in expected.items():  # p: the model's array
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
        if not problems:  # extra states first: a module may refuse one (restored then)
            done = []
            for key, (module, before) in extra.items():
                if key not in values:
                    continue
                try:
                    module.set_extra_state(values[key].copy())
                except ValueError as err:
                    problems.append(f"  extra state refused at {key}: {err}")
                    break
                done.append((module, before))
            if problems:
                for module, before in done:
                    module.set_extra_state(before)
        if problems:
            raise ValueError(
                f"load_state_dict: expected a state matching {type(self).__name__}'s parameters, "
                f"got {len(problems)} difference(s); nothing was loaded:\n"
                + "\n".join(problems + hints)
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


class ModelSummary(NamedTuple):
    """What ``Module.summary`` returns: print it for the table.

    Attributes:
        rows: ``(layer, output shape, parameter count)`` per layer.
        total_params: every parameter element of the model.
    """

    rows: list[tuple[str, str, int]]
    total_params: int
    has_shapes: bool = True

    def __str__(self) -> str:
        header = ("Layer (type)", "Output shape", "Param #")
        rows: list[tuple[str, ...]] = [header]
        rows += [(name, shape, f"{count:,}") for name, shape, count in self.rows]
        if not self.has_shapes:
            rows = [(r[0], r[2]) for r in rows]
        widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
        lines = []
        for r in rows:
            cells = [c.ljust(w) for c, w in zip(r[:-1], widths, strict=False)]
            cells.append(r[-1].rjust(widths[-1]) if r is not header else r[-1])
            lines.append("    ".join(cells).rstrip())
        rule = "=" * max(len(line) for line in lines)
        return "\n".join([lines[0], rule, *lines[1:], rule, f"Total params: {self.total_params:,}"])

    def __repr__(self) -> str:
        return str(self)


def _own_parameters(module: Module) -> list[Parameter]:
    return [v for v in vars(module).values() if isinstance(v, Parameter)]


def _recording(module: Module, shapes: dict[int, list[tuple | None]]) -> Callable[..., Any]:
    """``module``'s forward, noting the shape of each output (for ``summary``)."""
    forward = type(module).forward

    def record(*args: Any, **kwargs: Any) -> Any:
        out = forward(module, *args, **kwargs)
        shapes.setdefault(id(module), []).append(_shape_of(out))
        return out

    return record


def _shape_of(out: Any) -> tuple | None:
    """The shape of a layer's output; for a tuple (an RNN's output and state, an LSTM's
    ``(output, (h, c))``), the shapes of its parts, nested as the output is."""
    shape = getattr(out, "shape", None)
    if shape is not None:
        return tuple(shape)
    if isinstance(out, (tuple, list)):
        return tuple(_shape_of(part) for part in out)
    return None


def _describe(arr: np.ndarray) -> str:
    return f"{arr.shape} {arr.dtype}"


_TORCH_NAMES = {"weight": ("W", "gamma"), "bias": ("b", "beta")}


def _torch_names_hint(missing: list[str], unexpected: list[str]) -> list[str]:
    """A line naming the renames when the state uses PyTorch's ``weight``/``bias`` where this
    model has the course's ``W``/``b`` (Linear, Conv2d) or ``gamma``/``beta`` (BatchNorm)."""
    renames = {}
    for key in unexpected:
        prefix, dot, last = key.rpartition(".")
        for ours in _TORCH_NAMES.get(last, ()):
            if prefix + dot + ours in missing:
                renames[key] = prefix + dot + ours
    if not renames:
        return []
    shown = dict(list(renames.items())[:4])
    more = ", ..." if len(renames) > 4 else ""
    return [
        f"  PyTorch's names? These layers name their parameters with the course's symbols "
        f"(W, b; BatchNorm's gamma, beta): rename the keys, e.g. "
        f"state = {{renames.get(k, k): v for k, v in state.items()}} with renames = "
        f"{str(shown)[:-1]}{more}}}."
    ]


def _extra_hint(key: str) -> str:
    if key == "_extra_state" or key.endswith("._extra_state"):
        return (
            "  (a generator's state: that layer has none here; a Dropout made with rng=None "
            "draws from numpy's global generator. Make it with rng=SEED, or load with "
            "strict=False)"
        )
    return ""


def _as_tensor(X: Any) -> Tensor:
    return X if isinstance(X, Tensor) else Tensor(X)


def _check_size(op: str, value: Any, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ValueError(f"{op}: expected {what} to be a positive int, got {value!r}.")
    return int(value)
