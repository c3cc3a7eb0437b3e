"""Course 5, "Sequence models", week 1: the RNN and the LSTM step by step, and Dinosaur Island.

Layer: ``course``. Both assignments are written here in the course's own layout and names, out
of tensor ops, with autograd computing every gradient (backpropagation through time is
``backward()`` on the unrolled graph; nothing here differentiates by hand):

- ``rnn-step-by-step``: "Building your Recurrent Neural Network - Step by Step". The forward
  functions (``rnn_cell_forward``, ``rnn_forward``, ``lstm_cell_forward``, ``lstm_forward``) on
  the course's fixtures, and the gradients its ``*_backward`` functions compute by hand, here
  from ``backward()`` of ``sum(a * da)`` (the loss whose gradient is the upstream ``da``).
- ``dinosaurus``: "Dinosaur Island - Character-Level Language Modeling". An RNN with 50 hidden
  units reads one dinosaur name per iteration, one character at a time, and learns to predict the
  next; every 2000 iterations it samples 7 new names.

The course's layout puts examples in columns and time last: ``x (n_x, m, T_x)``,
``a (n_a, m, T_x)``, ``a_next = tanh(Waa a_prev + Wax xt + ba)``. The ``nn`` layers
(``nn.RNN``, ``nn.LSTM``) compute the same with PyTorch's layout and names; see their docstrings
for the mapping.

Source: deeplearning.ai "Sequence Models", week 1, assignments 1 and 2 (the versions whose
``rnn_cell_forward`` prints ``a_next[4] = [0.59584544 0.18141802 ...]`` and whose model prints
``Iteration: 0, Loss: 23.087336``).
"""

from __future__ import annotations

import math
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, TextIO

import numpy as np

from tinygrad_edu import data, optim, train
from tinygrad_edu.course.common import ValuesResult, without_curve
from tinygrad_edu.engine import no_grad
from tinygrad_edu.nn import functional
from tinygrad_edu.tensor import Tensor, concatenate, stack

__all__ = [
    "DinosaurusResult",
    "StepByStepResult",
    "clip",
    "dinosaurus",
    "lstm_cell_forward",
    "lstm_forward",
    "optimize",
    "rnn_cell_forward",
    "rnn_forward",
    "rnn_step_by_step",
    "sample",
]


def _t(x: Any) -> Tensor:
    return x if isinstance(x, Tensor) else Tensor(x)


# =============================================================================================
# Assignment 1: the RNN and the LSTM, step by step (course layout: examples in columns)
# =============================================================================================


def rnn_cell_forward(xt: Any, a_prev: Any, parameters: dict[str, Any]) -> tuple[Tensor, Tensor]:
    """One RNN step: ``a_next = tanh(Waa a_prev + Wax xt + ba)``, ``yt = softmax(Wya a_next + by)``.

    Args:
        xt: ``(n_x, m)``, the input at step t.
        a_prev: ``(n_a, m)``.
        parameters: ``Waa (n_a, n_a)``, ``Wax (n_a, n_x)``, ``Wya (n_y, n_a)``, ``ba (n_a, 1)``,
            ``by (n_y, 1)`` (tensors or arrays).

    Returns:
        ``a_next (n_a, m)`` and ``yt_pred (n_y, m)`` (softmax over each column).

    >>> np.random.seed(1)
    >>> xt, a_prev = np.random.randn(3, 10), np.random.randn(5, 10)
    >>> p = {k: np.random.randn(*s) for k, s in
    ...      [("Waa", (5, 5)), ("Wax", (5, 3)), ("Wya", (2, 5)), ("ba", (5, 1)), ("by", (2, 1))]}
    >>> a_next, yt = rnn_cell_forward(xt, a_prev, p)
    >>> a_next.data[4][:2].round(8).tolist(), yt.shape
    ([0.59584544, 0.18141802], (2, 10))
    """
    Waa, Wax, Wya, ba, by = (_t(parameters[k]) for k in ("Waa", "Wax", "Wya", "ba", "by"))
    a_next = (Waa @ a_prev + Wax @ xt + ba).tanh()  # (n_a, m)
    yt_pred = (Wya @ a_next + by).softmax(axis=0)  # (n_y, m)
    return a_next, yt_pred


def rnn_forward(x: Any, a0: Any, parameters: dict[str, Any]) -> tuple[Tensor, Tensor]:
    """The RNN over ``x (n_x, m, T_x)`` from ``a0 (n_a, m)``: ``a (n_a, m, T_x)``,
    ``y_pred (n_y, m, T_x)``.

    >>> rng = np.random.RandomState(1)
    >>> x, a0 = rng.randn(3, 10, 4), rng.randn(5, 10)
    >>> p = {k: rng.randn(*s) for k, s in _RNN}
    >>> a, y_pred = rnn_forward(x, a0, p)
    >>> a.shape, y_pred.shape, a.data[4][1].round(8).tolist()
    ((5, 10, 4), (2, 10, 4), [-0.99999375, 0.77911235, -0.99861469, -0.99833267])
    """
    x = _t(x)
    a_next, a, y = _t(a0), [], []
    for t in range(x.shape[2]):
        a_next, yt_pred = rnn_cell_forward(x[:, :, t], a_next, parameters)
        a.append(a_next)
        y.append(yt_pred)
    return stack(a, axis=2), stack(y, axis=2)


def lstm_cell_forward(
    xt: Any, a_prev: Any, c_prev: Any, parameters: dict[str, Any]
) -> tuple[Tensor, Tensor, Tensor]:
    """One LSTM step on ``concat = [a_prev; xt]`` (the course's gate order f, i, c, o).

    ``ft = σ(Wf concat + bf)`` (forget), ``it = σ(Wi concat + bi)`` (update),
    ``cct = tanh(Wc concat + bc)`` (candidate), ``c_next = ft c_prev + it cct``,
    ``ot = σ(Wo concat + bo)``, ``a_next = ot tanh(c_next)``, ``yt = softmax(Wy a_next + by)``.

    Returns:
        ``a_next (n_a, m)``, ``c_next (n_a, m)``, ``yt_pred (n_y, m)``.

    >>> rng = np.random.RandomState(1)
    >>> xt, a_prev, c_prev = rng.randn(3, 10), rng.randn(5, 10), rng.randn(5, 10)
    >>> p = {k: rng.randn(*s) for k, s in _LSTM + _Y}
    >>> a_next, c_next, yt = lstm_cell_forward(xt, a_prev, c_prev, p)
    >>> c_next.data[2][:2].round(8).tolist(), yt.shape
    ([0.63267805, 1.00570849], (2, 10))
    """
    p = {k: _t(v) for k, v in parameters.items()}
    concat = concatenate([_t(a_prev), _t(xt)], axis=0)  # (n_a + n_x, m)
    ft = (p["Wf"] @ concat + p["bf"]).sigmoid()
    it = (p["Wi"] @ concat + p["bi"]).sigmoid()
    cct = (p["Wc"] @ concat + p["bc"]).tanh()
    c_next = ft * c_prev + it * cct
    ot = (p["Wo"] @ concat + p["bo"]).sigmoid()
    a_next = ot * c_next.tanh()
    yt_pred = (p["Wy"] @ a_next + p["by"]).softmax(axis=0)
    return a_next, c_next, yt_pred


def lstm_forward(x: Any, a0: Any, parameters: dict[str, Any]) -> tuple[Tensor, Tensor, Tensor]:
    """The LSTM over ``x (n_x, m, T_x)``; ``c`` starts at zero. Returns ``a``, ``y``, ``c``
    (``(n_a, m, T_x)``, ``(n_y, m, T_x)``, ``(n_a, m, T_x)``).

    >>> rng = np.random.RandomState(1)
    >>> x, a0 = rng.randn(3, 10, 7), rng.randn(5, 10)
    >>> a, y, c = lstm_forward(x, a0, {k: rng.randn(*s) for k, s in _LSTM + _Y})
    >>> round(float(a.data[4][3][6]), 12), round(float(c.data[1][2][1]), 12)
    (0.172117767533, -0.855544916718)
    """
    x, a_next = _t(x), _t(a0)
    c_next = Tensor(np.zeros(a_next.shape))
    a, y, c = [], [], []
    for t in range(x.shape[2]):
        a_next, c_next, yt = lstm_cell_forward(x[:, :, t], a_next, c_next, parameters)
        a.append(a_next)
        c.append(c_next)
        y.append(yt)
    return stack(a, axis=2), stack(y, axis=2), stack(c, axis=2)


def _leaves(rng: np.random.RandomState, shapes: list[tuple[str, tuple]]) -> dict[str, Tensor]:
    """Draw ``rng.randn(*shape)`` in the order given, as leaves that require grad."""
    return {
        name: Tensor(rng.randn(*shape), requires_grad=True, name=name) for name, shape in shapes
    }


_RNN = [("Waa", (5, 5)), ("Wax", (5, 3)), ("Wya", (2, 5)), ("ba", (5, 1)), ("by", (2, 1))]
_RNN_BACKWARD = [_RNN[1], _RNN[0], *_RNN[2:]]  # the backward fixtures draw Wax before Waa
_LSTM = [(f"{w}{g}", (5, 8) if w == "W" else (5, 1)) for g in "fioc" for w in "Wb"]
_Y = [("Wy", (2, 5)), ("by", (2, 1))]


def _pick(grad: np.ndarray, *index: int) -> float | list[float]:
    value = grad[index]
    return value.tolist() if isinstance(value, np.ndarray) else float(value)


@dataclass
class StepByStepResult(ValuesResult):
    """The values of "Building your Recurrent Neural Network - Step by Step".

    Attributes:
        values: the JSON keys (``rnn_cell_forward_a_next_4``, ..., ``lstm_backward``) and values;
            index names are the course's (``dWax_3_1`` is ``dWax[3][1]``).
        seconds: time taken.
    """

    model: str = "rnn-step-by-step"
    seconds: float = 0.0

    def summary_lines(self) -> list[str]:
        """One line per value, as the course prints them (``a_next[4] = [...]``)."""
        lines = []
        for key, value in self.values.items():
            if isinstance(value, dict):
                lines.append(f"{key}:")
                for name, v in value.items():
                    base, index = _course_index(name)
                    lines.append(f'  gradients["{base}"]{index} = {_show(v)}')
            else:
                function, name = _split_key(key)
                base, index = _course_index(name)
                lines.append(f"{function}: {base}{index} = {_show(value)}")
        return lines


def _split_key(key: str) -> tuple[str, str]:
    """``'rnn_forward_a_4_1'`` -> ``('rnn_forward', 'a_4_1')``."""
    for function in ("rnn_cell_forward", "rnn_forward", "lstm_cell_forward", "lstm_forward"):
        if key.startswith(function + "_"):
            return function, key[len(function) + 1 :]
    return key, ""


def _course_index(name: str) -> tuple[str, str]:
    """A JSON key's name and index as the course writes them: ``'da_prev_2_3'`` ->
    ``('da_prev', '[2][3]')``."""
    parts = name.split("_")
    base = "_".join(p for p in parts if not p.isdigit())
    return base, "".join(f"[{p}]" for p in parts if p.isdigit())


def _show(value: Any) -> str:
    if isinstance(value, list):
        return np.array2string(np.array(value), precision=8, max_line_width=200)
    return f"{value:.12g}"


@without_curve  # values, not a training: nothing for --plot to draw
def rnn_step_by_step(**_options: Any) -> StepByStepResult:
    """Every value of the step-by-step assignment, forward and backward, with autograd.

    Each fixture calls ``np.random.seed(1)`` and draws in the course's order (the backward
    fixtures draw ``Wax`` before ``Waa``, then the upstream gradients after the forward pass).
    The backward values are the gradients of ``sum(a * da)``: its gradient with respect to
    ``a`` is ``da``, exactly the upstream gradient the course's ``*_backward`` functions receive.
    For ``lstm_backward`` the upstream ``da`` covers the first 4 of the 7 steps (the course's
    ``T_x`` comes from ``da.shape``), so ``dx`` is reported for those 4 steps.

    >>> r = rnn_step_by_step()
    >>> round(r.values["rnn_backward"]["dWax_3_1"], 8), r.values["lstm_backward"]["dbo_4"]
    (11.2641045, [-0.17958196207090...])
    """
    start = time.perf_counter()
    out: dict[str, Any] = {}
    # The course's names: arrays in the forward fixtures, leaf tensors in the backward ones.
    xt: Any
    a_prev: Any
    c_prev: Any
    x: Any
    a0: Any
    p: dict[str, Any]
    rng = np.random.RandomState(1)  # = np.random.seed(1); np.random.randn(...) in this order
    xt, a_prev = rng.randn(3, 10), rng.randn(5, 10)
    p = _leaves(rng, _RNN)
    a_next, yt = rnn_cell_forward(xt, a_prev, p)
    out["rnn_cell_forward_a_next_4"] = _pick(a_next.data, 4)
    out["rnn_cell_forward_yt_1"] = _pick(yt.data, 1)

    rng = np.random.RandomState(1)
    x, a0 = rng.randn(3, 10, 4), rng.randn(5, 10)
    a, y = rnn_forward(x, a0, _leaves(rng, _RNN))
    out["rnn_forward_a_4_1"] = _pick(a.data, 4, 1)
    out["rnn_forward_y_1_3"] = _pick(y.data, 1, 3)

    rng = np.random.RandomState(1)
    xt, a_prev, c_prev = (Tensor(rng.randn(3 if i == 0 else 5, 10), requires_grad=True)
                          for i in range(3))  # fmt: skip
    p = _leaves(rng, _LSTM + _Y)
    a_next, c_next, yt = lstm_cell_forward(xt, a_prev, c_prev, p)
    out["lstm_cell_forward_a_next_4"] = _pick(a_next.data, 4)
    out["lstm_cell_forward_c_next_2"] = _pick(c_next.data, 2)
    out["lstm_cell_forward_yt_1"] = _pick(yt.data, 1)
    da_next, dc_next = rng.randn(5, 10), rng.randn(5, 10)  # the backward fixture goes on here
    ((a_next * da_next).sum() + (c_next * dc_next).sum()).backward()
    lstm_cell_grads = {"dxt": xt.grad, "da_prev": a_prev.grad, "dc_prev": c_prev.grad}
    lstm_cell_grads.update({"d" + k: v.grad for k, v in p.items()})

    rng = np.random.RandomState(1)
    x, a0 = rng.randn(3, 10, 7), rng.randn(5, 10)
    a, y, c = lstm_forward(x, a0, _leaves(rng, _LSTM + _Y))
    out["lstm_forward_a_4_3_6"] = _pick(a.data, 4, 3, 6)
    out["lstm_forward_y_1_4_3"] = _pick(y.data, 1, 4, 3)
    out["lstm_forward_c_1_2_1"] = _pick(c.data, 1, 2, 1)

    rng = np.random.RandomState(1)
    xt = Tensor(rng.randn(3, 10), requires_grad=True)
    a_prev = Tensor(rng.randn(5, 10), requires_grad=True)
    p = _leaves(rng, _RNN_BACKWARD)
    a_next, _ = rnn_cell_forward(xt, a_prev, p)
    (a_next * rng.randn(5, 10)).sum().backward()  # upstream gradient da_next
    out["rnn_cell_backward"] = {
        "dxt_1_2": _pick(xt.grad, 1, 2),
        "da_prev_2_3": _pick(a_prev.grad, 2, 3),
        "dWax_3_1": _pick(p["Wax"].grad, 3, 1),
        "dWaa_1_2": _pick(p["Waa"].grad, 1, 2),
        "dba_4": _pick(p["ba"].grad, 4),
    }

    rng = np.random.RandomState(1)
    x = Tensor(rng.randn(3, 10, 4), requires_grad=True)
    a0 = Tensor(rng.randn(5, 10), requires_grad=True)
    p = _leaves(rng, _RNN_BACKWARD)
    a, _ = rnn_forward(x, a0, p)
    (a * rng.randn(5, 10, 4)).sum().backward()  # upstream gradient da (n_a, m, T_x)
    out["rnn_backward"] = {
        "dx_1_2": _pick(x.grad, 1, 2),
        "da0_2_3": _pick(a0.grad, 2, 3),
        "dWax_3_1": _pick(p["Wax"].grad, 3, 1),
        "dWaa_1_2": _pick(p["Waa"].grad, 1, 2),
        "dba_4": _pick(p["ba"].grad, 4),
    }

    g = lstm_cell_grads
    out["lstm_cell_backward"] = {
        "dxt_1_2": _pick(g["dxt"], 1, 2),
        "da_prev_2_3": _pick(g["da_prev"], 2, 3),
        "dc_prev_2_3": _pick(g["dc_prev"], 2, 3),
        **_lstm_weight_grads(g),
    }

    rng = np.random.RandomState(1)
    x = Tensor(rng.randn(3, 10, 7), requires_grad=True)
    a0 = Tensor(rng.randn(5, 10), requires_grad=True)
    p = {**_leaves(rng, _LSTM), "Wy": np.zeros((2, 5)), "by": np.zeros((2, 1))}  # zeros, not drawn
    a, _, _ = lstm_forward(x, a0, p)
    da = rng.randn(5, 10, 4)  # only the first 4 of the 7 steps receive a gradient
    (a[:, :, :4] * da).sum().backward()
    g = {"d" + k: v.grad for k, v in p.items() if isinstance(v, Tensor)}
    out["lstm_backward"] = {
        "dx_1_2": _pick(x.grad[:, :, :4], 1, 2),
        "da0_2_3": _pick(a0.grad, 2, 3),
        **_lstm_weight_grads(g),
    }
    order = [
        "rnn_cell_forward_a_next_4", "rnn_cell_forward_yt_1", "rnn_forward_a_4_1",
        "rnn_forward_y_1_3", "lstm_cell_forward_a_next_4", "lstm_cell_forward_c_next_2",
        "lstm_cell_forward_yt_1", "lstm_forward_a_4_3_6", "lstm_forward_y_1_4_3",
        "lstm_forward_c_1_2_1", "rnn_cell_backward", "rnn_backward", "lstm_cell_backward",
        "lstm_backward",
    ]  # fmt: skip
    values = {key: out[key] for key in order}
    return StepByStepResult(values, seconds=time.perf_counter() - start)


def _lstm_weight_grads(g: dict[str, np.ndarray]) -> dict[str, Any]:
    return {
        "dWf_3_1": _pick(g["dWf"], 3, 1),
        "dWi_1_2": _pick(g["dWi"], 1, 2),
        "dWc_3_1": _pick(g["dWc"], 3, 1),
        "dWo_1_2": _pick(g["dWo"], 1, 2),
        "dbf_4": _pick(g["dbf"], 4),
        "dbi_4": _pick(g["dbi"], 4),
        "dbc_4": _pick(g["dbc"], 4),
        "dbo_4": _pick(g["dbo"], 4),
    }


# =============================================================================================
# Assignment 2: Dinosaur Island, a character-level language model
# =============================================================================================

PARAMETER_NAMES = ("Wax", "Waa", "Wya", "b", "by")


def initialize_parameters(n_a: int, n_x: int, n_y: int) -> dict[str, Tensor]:
    """The course's ``utils.initialize_parameters``: ``np.random.seed(1)``, then ``Wax``,
    ``Waa``, ``Wya`` as ``randn * 0.01`` in that order; ``b`` and ``by`` zeros (columns).

    >>> p = initialize_parameters(50, 27, 27)
    >>> {k: v.shape for k, v in p.items()}
    {'Wax': (50, 27), 'Waa': (50, 50), 'Wya': (27, 50), 'b': (50, 1), 'by': (27, 1)}
    """
    rng = np.random.RandomState(1)  # = np.random.seed(1), without touching the global state
    shapes = {"Wax": (n_a, n_x), "Waa": (n_a, n_a), "Wya": (n_y, n_a)}
    params = {
        k: Tensor(rng.randn(*s) * 0.01, requires_grad=True, name=k) for k, s in shapes.items()
    }
    params["b"] = Tensor(np.zeros((n_a, 1)), requires_grad=True, name="b")
    params["by"] = Tensor(np.zeros((n_y, 1)), requires_grad=True, name="by")
    return params


def clip(gradients: dict[str, np.ndarray], max_value: float) -> dict[str, np.ndarray]:
    """The course's ``clip``: limit every gradient to ``[-max_value, max_value]``, in place.

    Clipping each element keeps one exploding step through time from throwing the weights far
    away (exploding gradients); it changes the direction of the step, unlike clipping the norm.
    On tensors, ``optim.clip_grad_value_(params, max_value)`` does the same to each ``.grad``
    (``optimize`` uses it).

    >>> g = {"dWax": np.array([[-12.0, 3.0]]), "db": np.array([[7.0]])}
    >>> clip(g, 5)["dWax"].tolist(), g["db"].tolist()
    ([[-5.0, 3.0]], [[5.0]])
    """
    for gradient in gradients.values():
        np.clip(gradient, -max_value, max_value, out=gradient)
    return gradients


def _one_hot(indices: Sequence[int | None], vocab_size: int) -> np.ndarray:
    """The inputs x<1> ... x<T_x> side by side, ``(vocab_size, T_x)``: one-hot columns, and the
    zero vector for ``None`` (the course's x<1> = 0)."""
    x = np.zeros((vocab_size, len(indices)))
    for t, ix in enumerate(indices):
        if ix is not None:
            x[ix, t] = 1.0
    return x


def sample(parameters: dict[str, Any], char_to_ix: dict[str, int], seed: int) -> list[int]:
    """The course's ``sample``: generate one name, a character index at a time.

    Starts from ``x<1> = 0``, ``a<0> = 0``; at each step computes ``a = tanh(Wax x + Waa a + b)``
    and ``y = softmax(Wya a + by)``, reseeds numpy with ``counter + seed`` and draws the next index
    from ``y`` (``nn.functional.sample``: the same index as ``np.random.choice(range(27), p=y)``),
    feeds it back as the next input; stops at ``'\\n'`` or after 50 characters (then appends
    ``'\\n'``).

    Returns:
        The sampled indices, the last one ``char_to_ix['\\n']``.

    >>> char_to_ix = {ch: i for i, ch in enumerate("\\nabcdefghijklmnopqrstuvwxyz")}
    >>> sample(initialize_parameters(50, 27, 27), char_to_ix, seed=0)[:5]
    [14, 11, 26, 24, 23]
    """
    Wax, Waa, Wya, b, by = (_t(parameters[k]) for k in PARAMETER_NAMES)
    vocab_size, n_a = by.shape[0], Waa.shape[1]
    newline = char_to_ix["\n"]
    x, a_prev = _one_hot([None], vocab_size), Tensor(np.zeros((n_a, 1)))
    indices: list[int] = []
    idx, counter = -1, 0
    with no_grad():
        while idx != newline and counter != 50:
            a = (Wax @ x + Waa @ a_prev + b).tanh()  # (n_a, 1)
            z = Wya @ a + by  # (vocab_size, 1): the logits of the next character
            # The course reseeds before every draw: np.random.seed(counter + seed), then
            # np.random.choice(range(27), p=y). A RandomState with that seed draws the same
            # index without changing numpy's global generator.
            idx = int(functional.sample(z, axis=0, rng=np.random.RandomState(counter + seed)))
            indices.append(idx)
            x = _one_hot([idx], vocab_size)
            a_prev = a
            seed += 1
            counter += 1
    if counter == 50:
        indices.append(newline)
    return indices


def rnn_loss(
    X: Sequence[int | None], Y: Sequence[int], a_prev: Any, parameters: dict[str, Tensor]
) -> tuple[Tensor, Tensor]:
    """The course's ``utils.rnn_forward`` in tensor ops: ``loss = -sum_t log y_hat<t>[Y<t>]``.

    The course loops over the T_x steps for everything. Only the recurrence needs the loop: the
    inputs x<t> are known in advance, so ``Wax x<t> + b`` is one product for all steps, and the
    outputs are one product of ``Wya`` with the hidden states side by side, ``A (n_a, T_x)``.
    ``log_softmax`` gives ``log y_hat`` without forming ``y_hat`` (no log of a tiny number).

    Returns:
        The loss (a scalar tensor; its ``backward()`` is the course's ``rnn_backward``) and the
        last hidden state ``a<T_x> (n_a, 1)``.

    >>> loss, a_last = rnn_loss([None, 1, 2], [1, 2, 0], np.zeros((50, 1)),
    ...                         initialize_parameters(50, 27, 27))
    >>> round(loss.item() / 3, 2), a_last.shape     # about log(27) = 3.30 per character at first
    (3.3, (50, 1))
    """
    Wax, Waa, Wya, b, by = (parameters[k] for k in PARAMETER_NAMES)
    vocab_size = Wya.shape[0]
    XW = Wax @ _one_hot(X, vocab_size) + b  # (n_a, T_x): column t is Wax x<t> + b
    a = _t(a_prev)
    states = []
    for t in range(len(X)):
        a = (XW[:, t : t + 1] + Waa @ a).tanh()  # (n_a, 1): a<t> = tanh(Wax x<t> + Waa a<t-1> + b)
        states.append(a)
    A = concatenate(states, axis=1)  # (n_a, T_x)
    log_y_hat = (Wya @ A + by).log_softmax(axis=0)  # (vocab_size, T_x): column t is log y_hat<t>
    loss = -(log_y_hat * _one_hot(Y, vocab_size)).sum()  # picks log y_hat<t>[Y<t>] per column
    return loss, a


def optimize(
    X: Sequence[int | None],
    Y: Sequence[int],
    a_prev: Any,
    parameters: dict[str, Tensor],
    learning_rate: float = 0.01,
) -> tuple[float, dict[str, np.ndarray], np.ndarray]:
    """One training step of the course: forward, backward through time, clip to [-5, 5], update.

    Args:
        X: the input indices, ``None`` first for the zero vector.
        Y: the target indices (X shifted by one, then ``'\\n'``).
        a_prev: the hidden state ``(n_a, 1)`` to start from.
        parameters: ``Wax, Waa, Wya, b, by`` (leaf tensors); updated in place.
        learning_rate: the step size.

    Returns:
        ``(loss, gradients, a_last)``: the loss before the update, the clipped gradients
        (``dWax``, ``dWaa``, ``dWya``, ``db``, ``dby``) and the last hidden state.

    >>> p = initialize_parameters(50, 27, 27)
    >>> loss, gradients, a_last = optimize([None, 1, 2], [1, 2, 0], np.zeros((50, 1)), p)
    >>> sorted(gradients), float(np.abs(gradients["dby"]).max()) <= 5
    (['dWaa', 'dWax', 'dWya', 'db', 'dby'], True)
    """
    loss, a_last = rnn_loss(X, Y, a_prev, parameters)
    params = [parameters[k] for k in PARAMETER_NAMES]
    for p in params:
        p.grad = None
    loss.backward()
    optim.clip_grad_value_(params, 5)  # the course's clip(gradients, 5): each element in [-5, 5]
    gradients = {"d" + k: parameters[k].grad for k in PARAMETER_NAMES}
    optim.SGD(params, lr=learning_rate).step()  # W = W - lr * dW, the course's update
    return loss.item(), gradients, a_last.data


@dataclass
class DinosaurusResult:
    """A run of Dinosaur Island.

    Attributes:
        losses: ``{iteration: smoothed loss}`` every ``print_every`` iterations (the course's
            printout, computed after that iteration's update of the smoothed loss).
        samples: ``{iteration: [7 names]}`` sampled with seeds 0..6 at the same iterations.
        all_losses: the smoothed loss at every iteration (for plots).
        unit_tests: the course's ``clip`` (at 10 and 5), ``sample`` and ``optimize`` checks.
        parameters: the trained ``Wax, Waa, Wya, b, by``.
        seconds: training time.
    """

    losses: dict[int, float]
    samples: dict[int, list[str]]
    all_losses: list[float] = field(repr=False)
    unit_tests: dict[str, Any]
    parameters: dict[str, Tensor] = field(repr=False)
    seconds: float = 0.0
    model: str = "dinosaurus"

    def to_json(self) -> dict[str, Any]:
        """``{"model", "losses", "samples", "clip_10", "clip_5", "sample_indices", "optimize"}``."""
        return {
            "model": self.model,
            "losses": {str(i): v for i, v in self.losses.items()},
            "samples": {str(i): names for i, names in self.samples.items()},
            **self.unit_tests,
        }

    def summary_lines(self) -> list[str]:
        """The course's unit tests, as it prints them, and the time taken."""
        lines = []
        for key in ("clip_10", "clip_5"):
            lines.append(f"clip(gradients, {key.split('_')[1]}):")
            for name, value in self.unit_tests[key].items():
                base, index = _course_index(name)
                lines.append(f'  gradients["{base}"]{index} = {_show(value)}')
        lines.append(f"sample(..., seed=0): {self.unit_tests['sample_indices']}")
        lines.append("optimize(...):")
        for name, value in self.unit_tests["optimize"].items():
            base, index = _course_index(name)
            if name == "loss":
                label = "Loss"
            elif name == "argmax_dWax":
                label = 'np.argmax(gradients["dWax"])'
            elif name.startswith("d"):
                label = f'gradients["{base}"]{index}'
            else:
                label = f"{base}{index}"
            lines.append(f"  {label} = {_show(value)}")
        lines.append(f"({self.seconds:.1f} s)")
        return lines

    def curves(self) -> list[float]:
        """What ``--plot`` draws: the smoothed loss at every iteration."""
        return self.all_losses


def unit_tests() -> dict[str, Any]:
    """The course's checks of ``clip``, ``sample`` and ``optimize`` on its random fixtures.

    Each fixture draws from ``np.random.RandomState(seed)``: the same numbers as the course's
    ``np.random.seed(seed)`` then ``np.random.randn(...)``, without changing numpy's global
    generator (nothing in this module does).

    >>> unit_tests()["optimize"]["argmax_dWax"]
    93
    """
    out: dict[str, Any] = {}
    for max_value in (10, 5):
        rng = np.random.RandomState(3)  # = np.random.seed(3); np.random.randn(...)
        shapes = {"dWax": (5, 3), "dWaa": (5, 5), "dWya": (2, 5), "db": (5, 1), "dby": (2, 1)}
        g = {k: rng.randn(*s) * 10 for k, s in shapes.items()}
        g = clip(g, max_value)
        out[f"clip_{max_value}"] = {
            "dWaa_1_2": _pick(g["dWaa"], 1, 2),
            "dWax_3_1": _pick(g["dWax"], 3, 1),
            "dWya_1_2": _pick(g["dWya"], 1, 2),
            "db_4": _pick(g["db"], 4),
            "dby_1": _pick(g["dby"], 1),
        }
    char_to_ix = {ch: i for i, ch in enumerate("\nabcdefghijklmnopqrstuvwxyz")}
    rng = np.random.RandomState(24)
    shapes = {"Wax": (100, 27), "Waa": (100, 100), "Wya": (27, 100), "b": (100, 1), "by": (27, 1)}
    drawn = {k: rng.randn(*s) for k, s in shapes.items()}
    out["sample_indices"] = sample(drawn, char_to_ix, 0)
    rng = np.random.RandomState(1)
    a_prev = rng.randn(100, 1)
    p = {k: Tensor(rng.randn(*s), requires_grad=True) for k, s in shapes.items()}
    X, Y = [12, 3, 5, 11, 22, 3], [4, 14, 11, 22, 25, 26]
    loss, g, a_last = optimize(X, Y, a_prev, p, learning_rate=0.01)
    out["optimize"] = {
        "loss": loss,
        "dWaa_1_2": _pick(g["dWaa"], 1, 2),
        "argmax_dWax": int(np.argmax(g["dWax"])),
        "dWya_1_2": _pick(g["dWya"], 1, 2),
        "db_4": _pick(g["db"], 4),
        "dby_1": _pick(g["dby"], 1),
        "a_last_4": _pick(a_last, 4),
    }
    return out


def dinosaurus(
    data_dir=None,
    *,
    num_iterations: int = 22001,
    learning_rate: float = 0.01,
    n_a: int = 50,
    dino_names: int = 7,
    print_every: int = 2000,
    print_cost: bool = False,
    progress: bool | None = None,
    file: TextIO | None = None,
) -> DinosaurusResult:
    """The course's ``model``: train the character-level RNN on one name per iteration.

    Data: ``dinos.txt`` (see ``data.load_dinos``), lowercased; the 27 characters sorted
    (``'\\n'`` = 0). Parameters: ``initialize_parameters(50, 27, 27)``. The names are shuffled
    after ``np.random.seed(0)``; iteration j trains on name ``j mod 1536`` with
    ``X = [None] + indices`` and ``Y = indices + ['\\n']``, carrying the hidden state from one name
    to the next. The smoothed loss starts at ``-log(1/27) * 7`` and follows
    ``0.999 * loss + 0.001 * current``; every ``print_every`` iterations it is printed with
    ``dino_names`` sampled names (seeds 0, 1, ...).

    Args:
        data_dir: the folder holding ``dinos.txt``; default ``$TINYGRAD_EDU_DATA``.
        num_iterations: the course runs 22001 (its printout ends at iteration 22000).
        learning_rate: 0.01, the course's.
        n_a: hidden units.
        dino_names: names sampled at each printout.
        print_every: iterations between printouts.
        print_cost: print as the course does (``Iteration: 0, Loss: 23.087336`` and the names).
        progress: a progress line on stderr; None shows it on a terminal only.
        file: where to print (default ``sys.stdout``).

    Returns:
        A `DinosaurusResult`, with the course's unit tests of ``clip``, ``sample``, ``optimize``.

    Raises:
        FileNotFoundError: ``dinos.txt`` cannot be found.

    >>> result = dinosaurus(num_iterations=1)  # doctest: +SKIP
    >>> round(result.losses[0], 6), result.samples[0][0]  # doctest: +SKIP
    (23.087336, 'Nkzxwtdmfqoeyhsqwasjkjvu')
    """
    dinos = data.load_dinos(data_dir)
    char_to_ix, ix_to_char = dinos.char_to_ix, dinos.ix_to_char
    vocab_size = dinos.vocab_size
    out = sys.stdout if file is None else file
    show_progress = sys.stderr.isatty() if progress is None else progress
    start = time.perf_counter()
    parameters = initialize_parameters(n_a, vocab_size, vocab_size)
    loss = -math.log(1.0 / vocab_size) * dino_names  # the course's get_initial_loss
    examples = list(dinos.names)
    np.random.RandomState(0).shuffle(examples)  # = np.random.seed(0); np.random.shuffle(...)
    a_prev = np.zeros((n_a, 1))
    losses: dict[int, float] = {}
    samples: dict[int, list[str]] = {}
    all_losses = []
    j = 0
    try:
        for j in range(num_iterations):
            name = examples[j % len(examples)]
            indices = [char_to_ix[ch] for ch in name]
            X, Y = [None, *indices], [*indices, char_to_ix["\n"]]
            curr_loss, _, a_prev = optimize(X, Y, a_prev, parameters, learning_rate)
            loss = loss * 0.999 + curr_loss * 0.001  # the course's smooth()
            all_losses.append(loss)
            if j % print_every == 0:
                losses[j] = loss
                names = []
                for seed in range(dino_names):
                    txt = "".join(ix_to_char[i] for i in sample(parameters, char_to_ix, seed))
                    names.append((txt[0].upper() + txt[1:]).replace("\n", ""))
                samples[j] = names
                if print_cost:
                    if show_progress:
                        sys.stderr.write("\r\x1b[K")
                    out.write(f"Iteration: {j}, Loss: {loss:f}\n\n" + "\n".join(names) + "\n\n\n")
                    out.flush()
            if show_progress and j % 100 == 0:
                sys.stderr.write(f"\r\x1b[Kiteration {j}/{num_iterations}  loss {loss:.6f}")
                sys.stderr.flush()
    except KeyboardInterrupt as err:  # keep the losses so far (the command line prints them)
        if show_progress:
            sys.stderr.write("\r\x1b[K")
        history = train.History(losses, all_losses, steps=len(all_losses))
        raise train.interrupted("dinosaurus", history, j, num_iterations) from err
    if show_progress:
        sys.stderr.write("\r\x1b[K")
    seconds = time.perf_counter() - start
    return DinosaurusResult(
        losses=losses,
        samples=samples,
        all_losses=all_losses,
        unit_tests=unit_tests(),
        parameters=parameters,
        seconds=seconds,
    )


MODELS: dict[str, Callable[..., Any]] = {
    "rnn-step-by-step": rnn_step_by_step,
    "dinosaurus": dinosaurus,
}
