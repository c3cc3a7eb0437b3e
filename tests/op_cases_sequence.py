"""Op-table rows of course 5's layers (cells, LSTM over a sequence, embedding, layer norm, attention).

Each row runs a layer as a function of all its arrays (input, state and parameters): forward
against a numpy implementation written here from the formulas, gradients against central
differences and against PyTorch's module with the same weights (``torch.func.functional_call``).
Sizes are drawn by hypothesis; values are bounded, so tanh and sigmoid stay away from saturation.
"""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st
from op_table import Case

from tinygrad_edu import nn, tensor
from tinygrad_edu.testing import strategies as tst

try:
    import torch
    from torch.func import functional_call
except ImportError:  # the torch column is skipped cleanly
    torch = None

# --- numpy forwards, from the formulas (PyTorch's gate order) ---------------------------------


def _sig(z):
    return 1 / (1 + np.exp(-z))


def np_rnn_cell(x, h, w_ih, w_hh, b_ih, b_hh):
    return np.tanh(x @ w_ih.T + b_ih + h @ w_hh.T + b_hh)


def np_lstm_cell(x, h, c, w_ih, w_hh, b_ih, b_hh):
    H = h.shape[-1]
    g = x @ w_ih.T + b_ih + h @ w_hh.T + b_hh
    i, f, gg, o = (
        _sig(g[:, :H]),
        _sig(g[:, H : 2 * H]),
        np.tanh(g[:, 2 * H : 3 * H]),
        _sig(g[:, 3 * H :]),
    )
    c2 = f * c + i * gg
    return np.concatenate([o * np.tanh(c2), c2], axis=-1)


def np_gru_cell(x, h, w_ih, w_hh, b_ih, b_hh):
    H = h.shape[-1]
    gi, gh = x @ w_ih.T + b_ih, h @ w_hh.T + b_hh
    r, z = _sig(gi[:, :H] + gh[:, :H]), _sig(gi[:, H : 2 * H] + gh[:, H : 2 * H])
    n = np.tanh(gi[:, 2 * H :] + r * gh[:, 2 * H :])
    return (1 - z) * n + z * h


def np_lstm(x, w_ih, w_hh, b_ih, b_hh):
    H = w_hh.shape[1]
    h = c = np.zeros((x.shape[1], H))
    out = []
    for t in range(x.shape[0]):
        hc = np_lstm_cell(x[t], h, c, w_ih, w_hh, b_ih, b_hh)
        h, c = hc[:, :H], hc[:, H:]
        out.append(h)
    return np.stack(out)


def np_layer_norm(x, w, b):
    mu = x.mean(axis=-1, keepdims=True)
    return (x - mu) / np.sqrt(x.var(axis=-1, keepdims=True) + 1e-5) * w + b


def np_attention(q, k, v, causal):
    s = q @ np.swapaxes(k, -1, -2) / np.sqrt(q.shape[-1])
    if causal:
        s = np.where(np.tril(np.ones(s.shape[-2:], dtype=bool)), s, -np.inf)
    e = np.exp(s - s.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True) @ v


def np_mha(x, w_in, b_in, w_out, b_out, heads):
    L, E = x.shape
    d = E // heads
    q, k, v = np.split(x @ w_in.T + b_in, 3, axis=-1)
    split = [t.reshape(L, heads, d).transpose(1, 0, 2) for t in (q, k, v)]
    out = np_attention(*split, causal=True).transpose(1, 0, 2).reshape(L, E)
    return out @ w_out.T + b_out


# --- the layers as functions of all their arrays ----------------------------------------------

_CELL_NAMES = ("weight_ih", "weight_hh", "bias_ih", "bias_hh")


def _call_tg(module, names, params, *inputs, **kwargs):
    for name, p in zip(names, params, strict=True):
        setattr(module, name, p if isinstance(p, tensor.Tensor) else tensor.Tensor(p))
    return module(*inputs, **kwargs)


def _call_torch(cls, size, names, params, *inputs, **kwargs):
    module = cls(*size, **kwargs).double()
    return functional_call(module, dict(zip(names, params, strict=True)), inputs)


def tg_rnn_cell(x, h, *params):
    return _call_tg(nn.RNNCell(x.shape[1], h.shape[1]), _CELL_NAMES, params, x, h)


def tg_lstm_cell(x, h, c, *params):
    h2, c2 = _call_tg(nn.LSTMCell(x.shape[1], h.shape[1]), _CELL_NAMES, params, x, (h, c))
    return tensor.concatenate([h2, c2], axis=-1)


def tg_gru_cell(x, h, *params):
    return _call_tg(nn.GRUCell(x.shape[1], h.shape[1]), _CELL_NAMES, params, x, h)


def tg_lstm(x, *params):
    names = [n + "_l0" for n in _CELL_NAMES]
    return _call_tg(nn.LSTM(x.shape[2], params[1].shape[1]), names, params, x)[0]


def tg_layer_norm(x, w, b):
    return _call_tg(nn.LayerNorm(x.shape[-1]), ("weight", "bias"), (w, b), x)


def tg_mha(x, w_in, b_in, w_out, b_out, heads):
    mha = nn.MultiheadAttention(x.shape[-1], heads)
    mha.out_proj.W, mha.out_proj.b = w_out, b_out
    return _call_tg(mha, ("in_proj_weight", "in_proj_bias"), (w_in, b_in), x, x, x,
                    need_weights=False, is_causal=True)[0]  # fmt: skip


def tg_embedding(w, idx):
    return _call_tg(nn.Embedding(*w.shape), ("weight",), (w,), idx)


def torch_rnn_cell(x, h, *p):
    return _call_torch(torch.nn.RNNCell, (x.shape[1], h.shape[1]), _CELL_NAMES, p, x, h)


def torch_lstm_cell(x, h, c, *p):
    size = (x.shape[1], h.shape[1])
    return torch.cat(_call_torch(torch.nn.LSTMCell, size, _CELL_NAMES, p, x, (h, c)), dim=-1)


def torch_gru_cell(x, h, *p):
    return _call_torch(torch.nn.GRUCell, (x.shape[1], h.shape[1]), _CELL_NAMES, p, x, h)


def torch_lstm(x, *p):
    names = [n + "_l0" for n in _CELL_NAMES]
    return _call_torch(torch.nn.LSTM, (x.shape[2], p[1].shape[1]), names, p, x)[0]


def torch_layer_norm(x, w, b):
    return torch.nn.functional.layer_norm(x, (x.shape[-1],), w, b, eps=1e-5)


def torch_mha(x, w_in, b_in, w_out, b_out, heads):
    L = x.shape[0]
    causal = torch.triu(torch.ones(L, L, dtype=torch.bool), diagonal=1)  # True: may not attend
    module = torch.nn.MultiheadAttention(x.shape[-1], heads).double()
    names = ("in_proj_weight", "in_proj_bias", "out_proj.weight", "out_proj.bias")
    params = dict(zip(names, (w_in, b_in, w_out, b_out), strict=True))
    # need_weights=True takes PyTorch's matmul-and-softmax path: its fused attention (taken with
    # need_weights=False) has no double backward on the CPU.
    kwargs = {"need_weights": True, "attn_mask": causal}
    return functional_call(module, params, (x, x, x), kwargs)[0]


# --- input strategies -------------------------------------------------------------------------

SIDE = st.integers(1, 3)


@st.composite
def _cell_inputs(draw, gates, with_c=False):
    N, C, H = draw(SIDE), draw(SIDE), draw(SIDE)
    a = lambda *s: draw(tst.arrays(s, min_value=-1.0, max_value=1.0))  # noqa: E731
    arrays = [a(N, C), a(N, H)] + ([a(N, H)] if with_c else [])
    return (*arrays, a(gates * H, C), a(gates * H, H), a(gates * H), a(gates * H))


@st.composite
def _lstm_inputs(draw):
    T, N, C, H = draw(SIDE), draw(SIDE), draw(SIDE), draw(SIDE)
    a = lambda *s: draw(tst.arrays(s, min_value=-1.0, max_value=1.0))  # noqa: E731
    return a(T, N, C), a(4 * H, C), a(4 * H, H), a(4 * H), a(4 * H)


@st.composite
def _layer_norm_inputs(draw):
    shape = draw(tst.shapes(min_dims=1, max_dims=3, min_side=2))
    # Spread-out values: a near-constant row has a tiny variance, where differences are inexact.
    x = draw(tst.arrays(shape, unique=True, elements=st.integers(-30, 30).map(lambda i: i / 10)))
    n = shape[-1]
    return x, draw(tst.arrays((n,))), draw(tst.arrays((n,)))


@st.composite
def _attention_inputs(draw):
    batch = draw(tst.shapes(max_dims=2, max_side=2))
    L, S, E = draw(SIDE), draw(SIDE), draw(st.integers(1, 4))
    causal = draw(st.booleans())
    if causal:
        S = L
    a = lambda *s: draw(tst.arrays(s, min_value=-1.5, max_value=1.5))  # noqa: E731
    return a(*batch, L, E), a(*batch, S, E), a(*batch, S, draw(SIDE)), causal


@st.composite
def _mha_inputs(draw):
    heads, d, L = draw(st.integers(1, 2)), draw(st.integers(1, 2)), draw(SIDE)
    E = heads * d
    a = lambda *s: draw(tst.arrays(s, min_value=-1.0, max_value=1.0))  # noqa: E731
    return a(L, E), a(3 * E, E), a(3 * E), a(E, E), a(E), heads


@st.composite
def _embedding_inputs(draw):
    V, D = draw(SIDE), draw(SIDE)
    idx = np.array(draw(st.lists(st.integers(0, V - 1), min_size=1, max_size=5)))
    return draw(tst.arrays((V, D))), idx  # repeated indices: their gradients must add up


def _t_attention(q, k, v, causal):
    """PyTorch's math: its fused scaled_dot_product_attention has no double backward on CPU."""
    scores = q @ k.transpose(-1, -2) / np.sqrt(q.shape[-1])
    if causal:
        allowed = torch.ones(scores.shape[-2:], dtype=torch.bool).tril()
        scores = scores.masked_fill(~allowed, float("-inf"))
    return torch.softmax(scores, dim=-1) @ v


# fmt: off
CASES: list[Case] = [
    Case("rnn_cell", _cell_inputs(1), tg_rnn_cell, np_rnn_cell, torch_rnn_cell, diff=tuple(range(6))),
    Case("lstm_cell", _cell_inputs(4, with_c=True), tg_lstm_cell, np_lstm_cell, torch_lstm_cell, diff=tuple(range(7))),
    Case("gru_cell", _cell_inputs(3), tg_gru_cell, np_gru_cell, torch_gru_cell, diff=tuple(range(6))),
    Case("lstm_sequence", _lstm_inputs(), tg_lstm, np_lstm, torch_lstm, diff=tuple(range(5))),
    Case("layer_norm", _layer_norm_inputs(), tg_layer_norm, np_layer_norm, torch_layer_norm, diff=(0, 1, 2)),
    Case("scaled_dot_product_attention", _attention_inputs(),
         lambda q, k, v, causal: nn.functional.scaled_dot_product_attention(q, k, v, is_causal=causal),
         np_attention, _t_attention, diff=(0, 1, 2)),
    Case("multihead_attention", _mha_inputs(), tg_mha, np_mha, torch_mha, diff=(0, 1, 2, 3, 4)),
    Case("embedding", _embedding_inputs(), tg_embedding, lambda w, idx: w[idx],
         lambda w, idx: torch.nn.functional.embedding(torch.as_tensor(idx), w), diff=(0,)),
]
# fmt: on
