"""Recurrent layers: ``RNNCell``, ``LSTMCell``, ``GRUCell`` and ``RNN``, ``LSTM``, ``GRU``.

Layer: ``nn``. Every layer is composed of tensor ops (matmul, add, sigmoid, tanh, getitem,
concatenate), so backpropagation through time is ``backward()`` on the unrolled graph and no
derivative is written here; gradients of gradients come the same way.

Layouts, parameter names, shapes and gate order are PyTorch's, so ``state_dict`` values copy to
``torch.nn`` modules and back unchanged (one key is ours alone: a module with ``dropout > 0`` and
its own ``rng`` also saves the masks' generator under ``_extra_state``, as ``Dropout`` does, so a
resumed run draws the same masks; leave that key out, or load with ``strict=False``, in torch):

- a cell takes ``x (N, input_size)`` (or ``(input_size,)``) and ``h (N, hidden_size)``;
- a sequence module takes ``x (T, N, input_size)``, or ``(N, T, input_size)`` with
  ``batch_first=True``, or an unbatched ``(T, input_size)``, and returns ``output (T, N, D * H)``
  and ``h_n (num_layers * D, N, H)`` (for the LSTM ``(h_n, c_n)``), where ``D`` is 2 for a
  bidirectional module;
- ``weight_ih (G * H, input_size)``, ``weight_hh (G * H, H)``, ``bias_ih (G * H,)``,
  ``bias_hh (G * H,)`` with G gates stacked in PyTorch's order: one for ``RNN``, four for
  ``LSTM`` (input i, forget f, cell candidate g, output o), three for ``GRU`` (reset r, update z,
  new n); the sequence modules name them ``weight_ih_l0``, ..., ``bias_hh_l1_reverse``.

The course's notation maps onto these as: ``Wax = weight_ih``, ``Waa = weight_hh``,
``ba = bias_ih + bias_hh``; the course's LSTM stacks ``[a_prev; x]`` and orders its gates f, i,
c, o, so its ``Wf`` is ``[weight_hh[H:2H], weight_ih[H:2H]]`` side by side. The course's layout
puts examples in columns (``a (n_a, m)``, ``Waa @ a``); these layers put them in rows
(``h (N, H)``, ``h @ weight_hh.T``): the same numbers, transposed.

Initialization is PyTorch's: every parameter drawn from ``U(-1/sqrt(H), 1/sqrt(H))``, in the order
the parameters are listed, from numpy's legacy global generator unless ``rng`` is given.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from tinygrad_edu.nn.dropout import generator_state_words, set_generator_state_words
from tinygrad_edu.nn.module import Module, Parameter, _as_tensor, _check_size
from tinygrad_edu.tensor import Tensor, concatenate, rand, stack, zeros

__all__ = ["GRU", "LSTM", "RNN", "GRUCell", "LSTMCell", "RNNCell"]

_GATES = {"RNN": 1, "LSTM": 4, "GRU": 3}


def _uniform(shape: tuple[int, ...], bound: float, rng, dtype) -> np.ndarray:
    """``U(-bound, bound)`` samples, PyTorch's initialization of recurrent layers."""
    return ((rand(*shape, rng=rng).data * 2.0 - 1.0) * bound).astype(dtype, copy=False)


def _check_nonlinearity(op: str, nonlinearity: str) -> str:
    if nonlinearity not in ("tanh", "relu"):
        raise ValueError(f"{op}: expected nonlinearity 'tanh' or 'relu', got {nonlinearity!r}.")
    return nonlinearity


def _check_pair(op: str, state: Any, names: str) -> None:
    """An LSTM's state is None or a pair (h, c), never one tensor (which would unpack by rows)."""
    if state is not None and (not isinstance(state, (tuple, list)) or len(state) != 2):
        raise ValueError(f"{op}: expected the state as a pair {names}, got {type(state).__name__}.")


# ---------------------------------------------------------------------------------------------
# One time step of each cell, on pre-transposed weights (shared by the cells and the sequences)
# ---------------------------------------------------------------------------------------------


def _rnn_step(x: Tensor, h: Tensor, w_ih_t: Tensor, w_hh_t: Tensor, b, nonlinearity: str):
    """``h' = tanh(x W_ih^T + h W_hh^T + b)``  (N, H); ``b`` is ``b_ih + b_hh`` or None."""
    Z = x @ w_ih_t + h @ w_hh_t  # (N, H)
    if b is not None:
        Z = Z + b
    return Z.tanh() if nonlinearity == "tanh" else Z.relu()


def _lstm_step(x: Tensor, h: Tensor, c: Tensor, w_ih_t: Tensor, w_hh_t: Tensor, b, H: int):
    """One LSTM step; returns ``(h', c')``, each (N, H).

    ``i, f, o = sigmoid(...)``, ``g = tanh(...)``, ``c' = f * c + i * g``, ``h' = o * tanh(c')``.
    """
    gates = x @ w_ih_t + h @ w_hh_t  # (N, 4H): i, f, g, o side by side
    if b is not None:
        gates = gates + b
    # One sigmoid over all four blocks (the g block's is unused): one op instead of three.
    s = gates.sigmoid()
    i, f, o = s[:, :H], s[:, H : 2 * H], s[:, 3 * H :]
    g = gates[:, 2 * H : 3 * H].tanh()
    c_next = f * c + i * g
    return o * c_next.tanh(), c_next


def _gru_step(x: Tensor, h: Tensor, w_ih_t: Tensor, w_hh_t: Tensor, b_ih, b_hh, H: int):
    """One GRU step (N, H): ``r, z = sigmoid(...)``, ``n = tanh(x W_in^T + b_in + r * (h W_hn^T +
    b_hn))``, ``h' = (1 - z) * n + z * h``."""
    gi = x @ w_ih_t  # (N, 3H): r, z, n
    gh = h @ w_hh_t
    if b_ih is not None:
        gi = gi + b_ih
        gh = gh + b_hh
    rz = (gi[:, : 2 * H] + gh[:, : 2 * H]).sigmoid()  # (N, 2H)
    r, z = rz[:, :H], rz[:, H:]
    n = (gi[:, 2 * H :] + r * gh[:, 2 * H :]).tanh()
    return (1.0 - z) * n + z * h


# ---------------------------------------------------------------------------------------------
# Cells
# ---------------------------------------------------------------------------------------------


class _CellBase(Module):
    """Parameters and input checks shared by the three cells."""

    kind = "RNN"

    def __init__(
        self, input_size: int, hidden_size: int, bias: bool = True, *, rng=None, dtype=np.float64
    ):
        super().__init__()
        op = type(self).__name__
        self.input_size = _check_size(op, input_size, "input_size")
        self.hidden_size = H = _check_size(op, hidden_size, "hidden_size")
        G = _GATES[self.kind] * H
        bound = 1.0 / np.sqrt(H)
        self.weight_ih = Parameter(_uniform((G, input_size), bound, rng, dtype), name="weight_ih")
        self.weight_hh = Parameter(_uniform((G, H), bound, rng, dtype), name="weight_hh")
        self.bias = bool(bias)
        if bias:
            self.bias_ih = Parameter(_uniform((G,), bound, rng, dtype), name="bias_ih")
            self.bias_hh = Parameter(_uniform((G,), bound, rng, dtype), name="bias_hh")

    def _input(self, x: Any) -> tuple[Tensor, bool]:
        x = _as_tensor(x)
        op = type(self).__name__
        if x.ndim not in (1, 2) or x.shape[-1] != self.input_size:
            raise ValueError(
                f"{op}: expected an input of shape (N, {self.input_size}) or "
                f"({self.input_size},), got {x.shape}. A cell takes one time step; for a whole "
                f"sequence use {self.kind}(...)."
            )
        return (x, True) if x.ndim == 2 else (x.reshape(1, -1), False)

    def _state(self, state: Any, N: int, what: str, batched: bool, dtype) -> Tensor:
        op = type(self).__name__
        H = self.hidden_size
        if state is None:
            return zeros(N, H, dtype=dtype)
        state = _as_tensor(state)
        expected = (N, H) if batched else (H,)
        if state.shape != expected:
            raise ValueError(f"{op}: expected {what} of shape {expected}, got {state.shape}.")
        return state if batched else state.reshape(1, H)

    def _bias_sum(self):
        return self.bias_ih + self.bias_hh if self.bias else None

    def extra_repr(self) -> str:
        extra = "" if self.bias else ", bias=False"
        return f"{self.input_size}, {self.hidden_size}{extra}"


class RNNCell(_CellBase):
    """An Elman RNN cell (PyTorch's ``nn.RNNCell``).

    ``h' = tanh(x W_ih^T + b_ih + h W_hh^T + b_hh)``, or relu instead of tanh.

    The course's ``rnn_cell_forward`` with ``Wax = weight_ih``, ``Waa = weight_hh``,
    ``ba = bias_ih + bias_hh``, examples in rows.

    Args:
        input_size: features per input x (the course's n_x).
        hidden_size: units of the hidden state h (the course's n_a).
        bias: add ``bias_ih`` and ``bias_hh``.
        nonlinearity: ``'tanh'`` (default) or ``'relu'``.
        rng: None for numpy's legacy global generator, or a RandomState / Generator.
        dtype: float64 (default) or float32.

    Attributes:
        weight_ih: ``(hidden_size, input_size)``.
        weight_hh: ``(hidden_size, hidden_size)``.
        bias_ih, bias_hh: ``(hidden_size,)`` each (when ``bias``).

    Call it as ``cell(x, h=None)``: x ``(N, input_size)`` or ``(input_size,)``; h of the matching
    shape (zeros when None). Returns h' ``(N, hidden_size)`` (or ``(hidden_size,)``).

    Raises:
        ValueError: an input or state of the wrong shape.

    >>> cell = RNNCell(3, 5, rng=np.random.default_rng(0))
    >>> cell(np.ones((10, 3))).shape, cell.weight_ih.shape
    ((10, 5), (5, 3))
    """

    kind = "RNN"

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        bias: bool = True,
        nonlinearity: str = "tanh",
        *,
        rng=None,
        dtype=np.float64,
    ):
        self.nonlinearity = _check_nonlinearity("RNNCell", nonlinearity)
        super().__init__(input_size, hidden_size, bias, rng=rng, dtype=dtype)

    def forward(self, x: Any, h: Any = None) -> Tensor:
        """One step: ``(N, input_size), (N, hidden_size) -> (N, hidden_size)``."""
        x, batched = self._input(x)
        h = self._state(h, x.shape[0], "h", batched, x.dtype)
        out = _rnn_step(
            x, h, self.weight_ih.T, self.weight_hh.T, self._bias_sum(), self.nonlinearity
        )
        return out if batched else out.reshape(-1)


class LSTMCell(_CellBase):
    """A long short-term memory cell (PyTorch's ``nn.LSTMCell``), gates in the order i, f, g, o.

    ``i, f, o = sigmoid(x W_ih^T + b_ih + h W_hh^T + b_hh)`` (their blocks), ``g = tanh(...)``,
    ``c' = f * c + i * g``, ``h' = o * tanh(c')``. The course's update gate Γu is i, its forget
    gate Γf is f, its candidate c~ is g and its output gate Γo is o.

    Args:
        input_size: features per input x.
        hidden_size: units of h and c.
        bias: add ``bias_ih`` and ``bias_hh``.
        rng: None for numpy's legacy global generator, or a RandomState / Generator.
        dtype: float64 (default) or float32.

    Attributes:
        weight_ih: ``(4 * hidden_size, input_size)``, blocks i, f, g, o.
        weight_hh: ``(4 * hidden_size, hidden_size)``.
        bias_ih, bias_hh: ``(4 * hidden_size,)`` each.

    Call it as ``cell(x, state=None)`` with ``state = (h, c)``; returns ``(h', c')``.

    Raises:
        ValueError: an input or state of the wrong shape.

    >>> cell = LSTMCell(3, 5, rng=np.random.default_rng(0))
    >>> h, c = cell(np.ones((10, 3)))
    >>> h.shape, c.shape, cell.weight_ih.shape
    ((10, 5), (10, 5), (20, 3))
    """

    kind = "LSTM"

    def forward(self, x: Any, state: tuple | None = None) -> tuple[Tensor, Tensor]:
        """One step: returns ``(h', c')``, each ``(N, hidden_size)``.

        Raises:
            ValueError: a ``state`` that is not a pair ``(h, c)``, or an input or state of the
                wrong shape.
        """
        x, batched = self._input(x)
        _check_pair("LSTMCell", state, "(h, c)")
        h, c = (None, None) if state is None else state
        h = self._state(h, x.shape[0], "h", batched, x.dtype)
        c = self._state(c, x.shape[0], "c", batched, x.dtype)
        h, c = _lstm_step(
            x, h, c, self.weight_ih.T, self.weight_hh.T, self._bias_sum(), self.hidden_size
        )
        return (h, c) if batched else (h.reshape(-1), c.reshape(-1))


class GRUCell(_CellBase):
    """A gated recurrent unit (PyTorch's ``nn.GRUCell``), gates in the order r, z, n.

    ``r = sigmoid(x W_ir^T + b_ir + h W_hr^T + b_hr)``, ``z`` likewise,
    ``n = tanh(x W_in^T + b_in + r * (h W_hn^T + b_hn))``, ``h' = (1 - z) * n + z * h``.
    The course's relevance gate Γr is r; its update gate Γu is ``1 - z`` (PyTorch keeps the old
    state where z is 1, the course keeps it where Γu is 0).

    Args:
        input_size: features per input x.
        hidden_size: units of h.
        bias: add ``bias_ih`` and ``bias_hh``.
        rng: None for numpy's legacy global generator, or a RandomState / Generator.
        dtype: float64 (default) or float32.

    Attributes:
        weight_ih: ``(3 * hidden_size, input_size)``, blocks r, z, n.
        weight_hh: ``(3 * hidden_size, hidden_size)``.
        bias_ih, bias_hh: ``(3 * hidden_size,)`` each.

    Raises:
        ValueError: an input or state of the wrong shape.

    >>> cell = GRUCell(3, 5, rng=np.random.default_rng(0))
    >>> cell(np.ones((10, 3))).shape, cell.weight_hh.shape
    ((10, 5), (15, 5))
    """

    kind = "GRU"

    def forward(self, x: Any, h: Any = None) -> Tensor:
        """One step: ``(N, input_size), (N, hidden_size) -> (N, hidden_size)``."""
        x, batched = self._input(x)
        h = self._state(h, x.shape[0], "h", batched, x.dtype)
        b_ih, b_hh = (self.bias_ih, self.bias_hh) if self.bias else (None, None)
        out = _gru_step(x, h, self.weight_ih.T, self.weight_hh.T, b_ih, b_hh, self.hidden_size)
        return out if batched else out.reshape(-1)


# ---------------------------------------------------------------------------------------------
# Sequence modules
# ---------------------------------------------------------------------------------------------


def _unstack(x: Tensor) -> list[Tensor]:
    """``[x[0], x[1], ...]`` along axis 0.

    When ``x`` needs a gradient, each ``x[t]`` would send back a gradient of x's full size (the
    zeros around one step), T of them: quadratic in T. Halving instead (x[:T/2], x[T/2:], then
    each half) sends back log2(T) full sizes in total, for about twice as many (cheap) ops.
    """
    T = x.shape[0]
    if not x.requires_grad or T <= 4:
        return [x[t] for t in range(T)]
    half = T // 2
    return _unstack(x[:half]) + _unstack(x[half:])


class _SequenceBase(Module):
    """Stacked (and optionally bidirectional) recurrent layers over a whole sequence."""

    kind = "RNN"

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        num_layers: int = 1,
        bias: bool = True,
        batch_first: bool = False,
        dropout: float = 0.0,
        bidirectional: bool = False,
        *,
        rng=None,
        dtype=np.float64,
    ):
        super().__init__()
        op = type(self).__name__
        # dropout sits where PyTorch has it, so that positional arguments mean the same thing
        # (a sixth positional argument must never become bidirectional).
        if (
            isinstance(dropout, bool)
            or not isinstance(dropout, (int, float, np.floating))
            or not 0.0 <= dropout <= 1.0
        ):
            raise ValueError(
                f"{op}: expected dropout, the probability of zeroing an output of each layer but "
                f"the last, to be a number in [0, 1], got {dropout!r}."
            )
        if dropout > 0 and num_layers == 1:
            warnings.warn(
                f"{op}: dropout={dropout} acts between stacked layers only, and num_layers=1 "
                f"has none; it does nothing here (PyTorch warns the same).",
                UserWarning,
                stacklevel=3,
            )
        self.dropout = float(dropout)
        self._rng = rng  # the dropout masks' generator (None: numpy's global one)
        self.dropout_masks: list[np.ndarray] = []  # the last training forward's masks
        self.input_size = _check_size(op, input_size, "input_size")
        self.hidden_size = H = _check_size(op, hidden_size, "hidden_size")
        self.num_layers = _check_size(op, num_layers, "num_layers")
        self.bias = bool(bias)
        self.batch_first = bool(batch_first)
        self.bidirectional = bool(bidirectional)
        D = 2 if bidirectional else 1
        G = _GATES[self.kind] * H
        bound = 1.0 / np.sqrt(H)
        for layer in range(num_layers):
            n_in = input_size if layer == 0 else D * H
            for suffix in ("", "_reverse")[:D]:
                # Attribute names are PyTorch's parameter names (weight_ih_l0, ...): set by name,
                # since they depend on the number of layers.
                names = [f"weight_ih_l{layer}{suffix}", f"weight_hh_l{layer}{suffix}"]
                shapes: list[tuple[int, ...]] = [(G, n_in), (G, H)]
                if bias:
                    names += [f"bias_ih_l{layer}{suffix}", f"bias_hh_l{layer}{suffix}"]
                    shapes += [(G,), (G,)]
                for name, shape in zip(names, shapes, strict=True):
                    setattr(self, name, Parameter(_uniform(shape, bound, rng, dtype), name=name))

    # -- checks ---------------------------------------------------------------------------------

    def _input(self, x: Any) -> tuple[Tensor, bool]:
        """The input as (T, N, C), and whether it had a batch axis."""
        x = _as_tensor(x)
        op = type(self).__name__
        layout = "(N, T, C)" if self.batch_first else "(T, N, C)"
        course = (
            "x.transpose(1, 2, 0) here (m, T, n_x)"
            if self.batch_first
            else "x.transpose(2, 1, 0) here (T, m, n_x)"
        )
        if x.ndim not in (2, 3) or x.shape[-1] != self.input_size:
            raise ValueError(
                f"{op}: expected an input of shape {layout} with C = input_size = "
                f"{self.input_size} (or (T, C) unbatched), got {x.shape}. The course's layout "
                f"x (n_x, m, T_x) is {course}."
            )
        if x.ndim == 2:
            return x.reshape(x.shape[0], 1, x.shape[1]), False
        return (x.transpose(1, 0, 2) if self.batch_first else x), True

    def _initial(self, state: Any, N: int, batched: bool, what: str, dtype) -> list[Tensor]:
        """One (N, H) tensor per layer and direction (zeros when ``state`` is None)."""
        LD = self.num_layers * (2 if self.bidirectional else 1)
        H = self.hidden_size
        if state is None:
            return [zeros(N, H, dtype=dtype) for _ in range(LD)]
        state = _as_tensor(state)
        expected = (LD, N, H) if batched else (LD, H)
        if state.shape != expected:
            raise ValueError(
                f"{type(self).__name__}: expected {what} of shape {expected} (num_layers * "
                f"num_directions, {'N, ' if batched else ''}hidden_size), got {state.shape}."
            )
        if not batched:
            state = state.reshape(LD, 1, H)
        return [state[k] for k in range(LD)]

    # -- the loop -------------------------------------------------------------------------------

    def _params(self, layer: int, reverse: bool) -> tuple:
        suffix = f"l{layer}" + ("_reverse" if reverse else "")
        w_ih, w_hh = getattr(self, f"weight_ih_{suffix}"), getattr(self, f"weight_hh_{suffix}")
        b_ih = getattr(self, f"bias_ih_{suffix}") if self.bias else None
        b_hh = getattr(self, f"bias_hh_{suffix}") if self.bias else None
        return w_ih.T, w_hh.T, b_ih, b_hh

    def _direction(self, steps: list[Tensor], state: tuple, params: tuple) -> tuple[list, tuple]:
        """Run one layer in one direction over ``steps``; returns every h and the last state."""
        raise NotImplementedError

    def _run(self, x: Any, states: tuple | None) -> tuple[Tensor, list[list[Tensor]], bool]:
        """The shared body of forward: output (T, N, D*H), the final states, whether batched."""
        X, batched = self._input(x)
        N = X.shape[1]
        n_states = 2 if self.kind == "LSTM" else 1
        names = ("h_0", "c_0")
        initial = [
            self._initial(None if states is None else states[k], N, batched, names[k], X.dtype)
            for k in range(n_states)
        ]
        steps = _unstack(X)  # T tensors (N, C)
        D = 2 if self.bidirectional else 1
        finals: list[list[Tensor]] = [[] for _ in range(n_states)]
        self.dropout_masks = []
        for layer in range(self.num_layers):
            outputs = []
            for d in range(D):
                k = layer * D + d
                state = tuple(initial[s][k] for s in range(n_states))
                seq = steps if d == 0 else steps[::-1]
                hs, last = self._direction(seq, state, self._params(layer, d == 1))
                outputs.append(hs if d == 0 else hs[::-1])
                for s in range(n_states):
                    finals[s].append(last[s])
            if D == 1:
                steps = outputs[0]
            else:
                steps = [concatenate([f, b], axis=-1) for f, b in zip(*outputs, strict=True)]
            if self.training and self.dropout > 0 and layer < self.num_layers - 1:
                steps = self._drop(steps, layer)
        output = stack(steps, axis=0)  # (T, N, D*H)
        if not batched:
            output = output.reshape(output.shape[0], -1)
        elif self.batch_first:
            output = output.transpose(1, 0, 2)
        return output, finals, batched

    def _drop(self, steps: list[Tensor], layer: int) -> list[Tensor]:
        """Inverted dropout on a layer's outputs before the next layer (PyTorch's ``dropout``):
        each element zeroed with probability p, the others scaled by ``1 / (1 - p)``."""
        keep = 1.0 - self.dropout
        shape = (len(steps), *steps[0].shape)  # (T, N, D*H)
        mask = rand(*shape, rng=self._rng).data < keep
        self.dropout_masks.append(mask)
        scale = (mask / keep if keep > 0 else np.zeros(shape)).astype(steps[0].dtype, copy=False)
        return [h * scale[t] for t, h in enumerate(steps)]

    def get_extra_state(self) -> np.ndarray | None:
        """The dropout masks' generator state (uint64 words, as ``Dropout``'s), so that a run
        resumed from ``state_dict()`` draws the same masks; None without dropout or with
        ``rng=None`` (numpy's global generator, not the layer's to save)."""
        return generator_state_words(self._rng) if self.dropout > 0 else None

    def set_extra_state(self, state: Any) -> None:
        """Put the dropout masks' generator back in the state ``get_extra_state`` returned.

        Raises:
            ValueError: the layer has no generator of its own, or ``state`` is not the state of
                a generator of its kind (nothing is changed then).
        """
        set_generator_state_words(type(self).__name__, self._rng, state)

    def _final(self, states: list[Tensor], batched: bool) -> Tensor:
        out = stack(states, axis=0)  # (L*D, N, H)
        return out if batched else out.reshape(out.shape[0], -1)

    def extra_repr(self) -> str:
        extra = ""
        if self.num_layers != 1:
            extra += f", num_layers={self.num_layers}"
        if not self.bias:
            extra += ", bias=False"
        if self.batch_first:
            extra += ", batch_first=True"
        if self.dropout:
            extra += f", dropout={self.dropout}"
        if self.bidirectional:
            extra += ", bidirectional=True"
        return f"{self.input_size}, {self.hidden_size}{extra}"


class RNN(_SequenceBase):
    """An Elman RNN over a sequence (PyTorch's ``nn.RNN``): the course's ``rnn_forward``.

    ``h_t = tanh(x_t W_ih^T + b_ih + h_(t-1) W_hh^T + b_hh)`` for t = 1 .. T, layer by layer.

    Args:
        input_size: features per time step (the course's n_x).
        hidden_size: units of the hidden state (the course's n_a).
        num_layers: stacked layers; layer l > 0 reads the outputs of layer l - 1.
        nonlinearity: ``'tanh'`` (default) or ``'relu'``.
        bias: add ``bias_ih_l*`` and ``bias_hh_l*``.
        batch_first: inputs and outputs are ``(N, T, C)`` instead of ``(T, N, C)`` (the states
            keep ``(num_layers * D, N, H)``, as in PyTorch).
        dropout: p in [0, 1]: in training mode, inverted dropout on the outputs of every layer
            but the last (PyTorch's), masks drawn from ``rng`` (kept in ``dropout_masks``).
        bidirectional: a second layer reads each sequence backwards (``*_reverse`` parameters);
            the outputs of both directions are concatenated (D = 2).
        rng: None for numpy's legacy global generator, or a RandomState / Generator.
        dtype: float64 (default) or float32.

    Call it as ``rnn(x, h_0=None)``; returns ``(output, h_n)``: every step's h of the last layer
    ``(T, N, D * H)`` and the last step's h of every layer ``(num_layers * D, N, H)``.

    Raises:
        ValueError: an input or initial state of the wrong shape, or a ``dropout`` outside
            [0, 1].

    >>> rnn = RNN(3, 5, rng=np.random.default_rng(0))
    >>> output, h_n = rnn(np.ones((4, 10, 3)))      # T = 4 steps, N = 10 sequences
    >>> output.shape, h_n.shape, [name for name, _ in rnn.named_parameters()]
    ((4, 10, 5), (1, 10, 5), ['weight_ih_l0', 'weight_hh_l0', 'bias_ih_l0', 'bias_hh_l0'])
    """

    kind = "RNN"

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        num_layers: int = 1,
        nonlinearity: str = "tanh",
        bias: bool = True,
        batch_first: bool = False,
        dropout: float = 0.0,
        bidirectional: bool = False,
        *,
        rng=None,
        dtype=np.float64,
    ):
        self.nonlinearity = _check_nonlinearity("RNN", nonlinearity)
        super().__init__(
            input_size,
            hidden_size,
            num_layers,
            bias,
            batch_first,
            dropout,
            bidirectional,
            rng=rng,
            dtype=dtype,
        )

    def _direction(self, steps, state, params):
        w_ih_t, w_hh_t, b_ih, b_hh = params
        b = None if b_ih is None else b_ih + b_hh
        (h,) = state
        hs = []
        for x in steps:
            h = _rnn_step(x, h, w_ih_t, w_hh_t, b, self.nonlinearity)
            hs.append(h)
        return hs, (h,)

    def forward(self, x: Any, h_0: Any = None) -> tuple[Tensor, Tensor]:
        """``(T, N, input_size) -> (T, N, D * H), (num_layers * D, N, H)``."""
        output, finals, batched = self._run(x, None if h_0 is None else (h_0,))
        return output, self._final(finals[0], batched)


class LSTM(_SequenceBase):
    """A long short-term memory network over a sequence (PyTorch's ``nn.LSTM``): the course's
    ``lstm_forward``, gates in PyTorch's order i, f, g, o.

    Args:
        input_size: features per time step (the course's n_x).
        hidden_size: units of the hidden state (the course's n_a).
        num_layers: stacked layers; layer l > 0 reads the outputs of layer l - 1.
        bias: add ``bias_ih_l*`` and ``bias_hh_l*``.
        batch_first: inputs and outputs are ``(N, T, C)`` instead of ``(T, N, C)`` (the states
            keep ``(num_layers * D, N, H)``, as in PyTorch).
        dropout: p in [0, 1]: in training mode, inverted dropout on the outputs of every layer
            but the last (PyTorch's), masks drawn from ``rng`` (kept in ``dropout_masks``).
        bidirectional: a second layer reads each sequence backwards (``*_reverse`` parameters);
            the outputs of both directions are concatenated (D = 2).
        rng: None for numpy's legacy global generator, or a RandomState / Generator.
        dtype: float64 (default) or float32.
    Call it as ``lstm(x, (h_0, c_0))`` (or without a state: zeros, as in the course); returns
    ``(output, (h_n, c_n))``.

    Raises:
        ValueError: an input or initial state of the wrong shape, or a ``dropout`` outside
            [0, 1].

    >>> lstm = LSTM(3, 5, rng=np.random.default_rng(0))
    >>> output, (h_n, c_n) = lstm(np.ones((7, 10, 3)))
    >>> output.shape, h_n.shape, c_n.shape, lstm.weight_ih_l0.shape
    ((7, 10, 5), (1, 10, 5), (1, 10, 5), (20, 3))
    """

    kind = "LSTM"

    def _direction(self, steps, state, params):
        w_ih_t, w_hh_t, b_ih, b_hh = params
        b = None if b_ih is None else b_ih + b_hh
        h, c = state
        hs = []
        for x in steps:
            h, c = _lstm_step(x, h, c, w_ih_t, w_hh_t, b, self.hidden_size)
            hs.append(h)
        return hs, (h, c)

    def forward(self, x: Any, state: tuple | None = None) -> tuple[Tensor, tuple[Tensor, Tensor]]:
        """``(T, N, input_size) -> (T, N, D * H), ((L * D, N, H), (L * D, N, H))``.

        Raises:
            ValueError: a ``state`` that is not a pair ``(h_0, c_0)``, or an input or state of the
                wrong shape.
        """
        _check_pair("LSTM", state, "(h_0, c_0)")
        output, finals, batched = self._run(x, state)
        return output, (self._final(finals[0], batched), self._final(finals[1], batched))


class GRU(_SequenceBase):
    """A gated recurrent unit network over a sequence (PyTorch's ``nn.GRU``), gates r, z, n.

    Args:
        input_size: features per time step (the course's n_x).
        hidden_size: units of the hidden state (the course's n_a).
        num_layers: stacked layers; layer l > 0 reads the outputs of layer l - 1.
        bias: add ``bias_ih_l*`` and ``bias_hh_l*``.
        batch_first: inputs and outputs are ``(N, T, C)`` instead of ``(T, N, C)`` (the states
            keep ``(num_layers * D, N, H)``, as in PyTorch).
        dropout: p in [0, 1]: in training mode, inverted dropout on the outputs of every layer
            but the last (PyTorch's), masks drawn from ``rng`` (kept in ``dropout_masks``).
        bidirectional: a second layer reads each sequence backwards (``*_reverse`` parameters);
            the outputs of both directions are concatenated (D = 2).
        rng: None for numpy's legacy global generator, or a RandomState / Generator.
        dtype: float64 (default) or float32.
    Call it as ``gru(x, h_0=None)``; returns ``(output, h_n)``.

    Raises:
        ValueError: an input or initial state of the wrong shape, or a ``dropout`` outside
            [0, 1].

    >>> gru = GRU(3, 5, num_layers=2, batch_first=True, rng=np.random.default_rng(0))
    >>> output, h_n = gru(np.ones((10, 4, 3)))      # N = 10 sequences of T = 4 steps
    >>> output.shape, h_n.shape
    ((10, 4, 5), (2, 10, 5))
    """

    kind = "GRU"

    def _direction(self, steps, state, params):
        w_ih_t, w_hh_t, b_ih, b_hh = params
        (h,) = state
        hs = []
        for x in steps:
            h = _gru_step(x, h, w_ih_t, w_hh_t, b_ih, b_hh, self.hidden_size)
            hs.append(h)
        return hs, (h,)

    def forward(self, x: Any, h_0: Any = None) -> tuple[Tensor, Tensor]:
        """``(T, N, input_size) -> (T, N, D * H), (num_layers * D, N, H)``."""
        output, finals, batched = self._run(x, None if h_0 is None else (h_0,))
        return output, self._final(finals[0], batched)
