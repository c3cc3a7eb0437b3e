"""Course 5's layers against PyTorch's, with weights copied both ways (``state_dict`` names equal).

RNN/LSTM/GRU cells and sequence modules, ``Embedding``, ``LayerNorm``, ``MultiheadAttention`` and
``scaled_dot_product_attention``: outputs, final states and every gradient (parameters, input,
initial state) must equal torch's to 1e-10 in float64. Central differences are the second oracle
(``gradcheck``) for the compositions, and the op table (``op_cases_sequence.py``) draws shapes.
"""

import numpy as np
import pytest

import tinygrad_edu as tg
from tinygrad_edu import nn
from tinygrad_edu.testing import gradcheck

torch = pytest.importorskip("torch")

RTOL, ATOL = 1e-10, 1e-12


def to_torch(ours, theirs):
    """Copy our parameters into the torch module by name; both must have the same names."""
    state = ours.state_dict()
    assert set(state) == {k for k, _ in theirs.named_parameters()}
    theirs.load_state_dict({k: torch.from_numpy(v) for k, v in state.items()})


def from_torch(ours, theirs):
    ours.load_state_dict({k: v.detach().numpy().copy() for k, v in theirs.state_dict().items()})


def assert_close(got, expected, what):
    got = got.data if isinstance(got, tg.Tensor) else got
    expected = expected.detach().numpy() if isinstance(expected, torch.Tensor) else expected
    np.testing.assert_allclose(got, expected, rtol=RTOL, atol=ATOL, err_msg=what)


def check_grads(ours_module, theirs_module, pairs):
    for name, p in ours_module.named_parameters():
        assert_close(p.grad, dict(theirs_module.named_parameters())[name].grad, f"d{name}")
    for name, (a, b) in pairs.items():
        assert_close(a.grad, b.grad, f"d{name}")


def _leaf(rng, *shape):
    data = rng.standard_normal(shape)
    return tg.Tensor(data, requires_grad=True), torch.tensor(data, requires_grad=True)


# --- cells ------------------------------------------------------------------------------------

CELLS = {
    "RNNCell": (nn.RNNCell, torch.nn.RNNCell, {}),
    "RNNCell-relu": (nn.RNNCell, torch.nn.RNNCell, {"nonlinearity": "relu"}),
    "RNNCell-nobias": (nn.RNNCell, torch.nn.RNNCell, {"bias": False}),
    "LSTMCell": (nn.LSTMCell, torch.nn.LSTMCell, {}),
    "LSTMCell-nobias": (nn.LSTMCell, torch.nn.LSTMCell, {"bias": False}),
    "GRUCell": (nn.GRUCell, torch.nn.GRUCell, {}),
    "GRUCell-nobias": (nn.GRUCell, torch.nn.GRUCell, {"bias": False}),
}


@pytest.mark.parametrize("name", list(CELLS))
def test_cell_matches_torch_with_copied_weights(name):
    ours_cls, theirs_cls, kwargs = CELLS[name]
    rng = np.random.default_rng(0)
    ours = ours_cls(3, 5, rng=rng, **kwargs)
    theirs = theirs_cls(3, 5, **kwargs).double()
    to_torch(ours, theirs)
    x, xt = _leaf(rng, 4, 3)
    h, ht = _leaf(rng, 4, 5)
    pairs = {"x": (x, xt), "h": (h, ht)}
    if "LSTM" in name:
        c, ct = _leaf(rng, 4, 5)
        pairs["c"] = (c, ct)
        out, c_out = ours(x, (h, c))
        ref, c_ref = theirs(xt, (ht, ct))
        assert_close(c_out, c_ref, "c'")
        w = rng.uniform(0.5, 1.5, size=(4, 5))
        ((out * w).sum() + (c_out * w * w).sum()).backward()
        ((ref * torch.from_numpy(w)).sum() + (c_ref * torch.from_numpy(w * w)).sum()).backward()
    else:
        out, ref = ours(x, h), theirs(xt, ht)
        w = rng.uniform(0.5, 1.5, size=(4, 5))
        (out * w).sum().backward()
        (ref * torch.from_numpy(w)).sum().backward()
    assert_close(out, ref, "h'")
    check_grads(ours, theirs, pairs)


@pytest.mark.parametrize("name", ["RNNCell", "LSTMCell", "GRUCell"])
def test_cell_loads_torchs_weights_and_handles_unbatched_input_and_no_state(name):
    ours_cls, theirs_cls, _ = CELLS[name]
    torch.manual_seed(0)
    theirs = theirs_cls(3, 5).double()
    ours = ours_cls(3, 5)
    from_torch(ours, theirs)
    x = np.random.default_rng(1).standard_normal(3)
    out = ours(x)
    ref = theirs(torch.from_numpy(x))
    if name == "LSTMCell":
        assert out[0].shape == (5,) and out[1].shape == (5,)
        assert_close(out[0], ref[0], "h'")
        assert_close(out[1], ref[1], "c'")
    else:
        assert out.shape == (5,)
        assert_close(out, ref, "h'")


# --- sequence modules -------------------------------------------------------------------------

SEQUENCES = {"RNN": (nn.RNN, torch.nn.RNN), "LSTM": (nn.LSTM, torch.nn.LSTM),
             "GRU": (nn.GRU, torch.nn.GRU)}  # fmt: skip
OPTIONS = {
    "default": {},
    "2-layers": {"num_layers": 2},
    "bidirectional": {"bidirectional": True},
    "2-layers-bidirectional-batch-first": {
        "num_layers": 2,
        "bidirectional": True,
        "batch_first": True,
    },  # fmt: skip
    "no-bias": {"bias": False},
}


@pytest.mark.parametrize("option", list(OPTIONS))
@pytest.mark.parametrize("kind", list(SEQUENCES))
def test_sequence_module_matches_torch(kind, option):
    kwargs = OPTIONS[option]
    ours_cls, theirs_cls = SEQUENCES[kind]
    rng = np.random.default_rng(2)
    ours = ours_cls(3, 4, rng=rng, **kwargs)
    theirs = theirs_cls(3, 4, **kwargs).double()
    assert [n for n, _ in ours.named_parameters()] == [n for n, _ in theirs.named_parameters()]
    to_torch(ours, theirs)
    T, N = 6, 2
    LD = kwargs.get("num_layers", 1) * (2 if kwargs.get("bidirectional") else 1)
    x, xt = _leaf(rng, *((N, T, 3) if kwargs.get("batch_first") else (T, N, 3)))
    h0, h0t = _leaf(rng, LD, N, 4)
    pairs = {"x": (x, xt), "h0": (h0, h0t)}
    if kind == "LSTM":
        c0, c0t = _leaf(rng, LD, N, 4)
        pairs["c0"] = (c0, c0t)
        out, (h_n, c_n) = ours(x, (h0, c0))
        ref, (h_ref, c_ref) = theirs(xt, (h0t, c0t))
        assert_close(c_n, c_ref, "c_n")
        extra, extra_t = (c_n * 0.7).sum(), (c_ref * 0.7).sum()
    else:
        out, h_n = ours(x, h0)
        ref, h_ref = theirs(xt, h0t)
        extra, extra_t = 0.0, 0.0
    assert out.shape == tuple(ref.shape) and h_n.shape == tuple(h_ref.shape)
    assert_close(out, ref, "output")
    assert_close(h_n, h_ref, "h_n")
    w = rng.uniform(0.5, 1.5, size=out.shape)
    ((out * w).sum() + (h_n * 1.3).sum() + extra).backward()
    ((ref * torch.from_numpy(w)).sum() + (h_ref * 1.3).sum() + extra_t).backward()
    check_grads(ours, theirs, pairs)


@pytest.mark.parametrize("kind", list(SEQUENCES))
def test_sequence_module_unbatched_without_state_loads_torchs_weights(kind):
    ours_cls, theirs_cls = SEQUENCES[kind]
    torch.manual_seed(3)
    theirs = theirs_cls(3, 4, num_layers=2).double()
    ours = ours_cls(3, 4, num_layers=2)
    from_torch(ours, theirs)
    x = np.random.default_rng(4).standard_normal((5, 3))  # (T, C): no batch axis
    out, state = ours(x)
    ref, ref_state = theirs(torch.from_numpy(x))
    assert out.shape == (5, 4)
    assert_close(out, ref, "output")
    if kind == "LSTM":
        assert_close(state[0], ref_state[0], "h_n")
        assert_close(state[1], ref_state[1], "c_n")
    else:
        assert state.shape == (2, 4)
        assert_close(state, ref_state, "h_n")


def test_long_sequence_input_gradient_is_right_when_split_by_halves():
    """A 37-step input that needs a gradient is unstacked by halving (not step by step)."""
    rng = np.random.default_rng(5)
    ours = nn.GRU(2, 3, rng=rng)
    theirs = torch.nn.GRU(2, 3).double()
    to_torch(ours, theirs)
    x, xt = _leaf(rng, 37, 1, 2)
    ours(x)[0].sum().backward()
    theirs(xt)[0].sum().backward()
    assert_close(x.grad, xt.grad, "dx")


def test_lstm_gradient_matches_central_differences():
    lstm = nn.LSTM(2, 3, rng=np.random.default_rng(6))
    names = [n for n, _ in lstm.named_parameters()]

    def loss(x, *params):
        for name, p in zip(names, params, strict=True):
            setattr(lstm, name, p)
        out, (h, c) = lstm(x)
        return out.tanh().sum() + c.sum()

    x = np.random.default_rng(7).standard_normal((4, 2, 2))
    assert gradcheck(loss, x, *[p.data for p in lstm.parameters()])


def test_recurrent_errors_name_the_layer_and_the_expected_shape():
    with pytest.raises(ValueError, match=r"LSTM: expected an input of shape \(T, N, C\) with C"):
        nn.LSTM(3, 4)(np.zeros((5, 2, 4)))
    with pytest.raises(ValueError, match="x.transpose"):
        nn.RNN(3, 4)(np.zeros((3, 10)))
    with pytest.raises(ValueError, match=r"GRU: expected h_0 of shape \(2, 2, 4\)"):
        nn.GRU(3, 4, num_layers=2)(np.zeros((5, 2, 3)), np.zeros((1, 2, 4)))
    with pytest.raises(ValueError, match="for a whole sequence use LSTM"):
        nn.LSTMCell(3, 4)(np.zeros((5, 2, 3)))
    with pytest.raises(ValueError, match="nonlinearity"):
        nn.RNN(3, 4, nonlinearity="sigmoid")
    with pytest.raises(ValueError, match="pair"):
        nn.LSTM(3, 4)(np.zeros((5, 2, 3)), np.zeros((1, 2, 4)))
    with pytest.raises(ValueError, match=r"LSTMCell: expected the state as a pair \(h, c\)"):
        nn.LSTMCell(3, 4)(np.zeros((2, 3)), np.zeros((2, 4)))  # h alone would unpack by rows


def test_float32_stays_float32():
    lstm = nn.LSTM(3, 4, dtype=np.float32)
    out, (h, c) = lstm(np.ones((2, 1, 3), dtype=np.float32))
    out.sum().backward()
    assert out.dtype == h.dtype == np.float32
    assert all(p.grad.dtype == np.float32 for p in lstm.parameters())


def test_initialization_is_pytorchs_uniform_and_seedable():
    a = nn.GRU(3, 16, rng=np.random.RandomState(0))
    b = nn.GRU(3, 16, rng=np.random.RandomState(0))
    W = a.weight_hh_l0.data
    assert np.array_equal(W, b.weight_hh_l0.data)
    assert np.abs(W).max() <= 1 / 4 and np.abs(W).max() > 0.2  # U(-1/sqrt(16), 1/sqrt(16))


# --- embedding --------------------------------------------------------------------------------


def test_embedding_matches_torch_and_accumulates_repeated_rows():
    torch.manual_seed(0)
    theirs = torch.nn.Embedding(10, 3).double()
    ours = nn.Embedding(10, 3)
    from_torch(ours, theirs)
    idx = np.array([[1, 2, 1], [9, 1, 0]])
    out, ref = ours(idx), theirs(torch.from_numpy(idx))
    assert_close(out, ref, "embedding")
    w = np.random.default_rng(0).standard_normal(out.shape)
    (out * w).sum().backward()
    (ref * torch.from_numpy(w)).sum().backward()
    assert_close(ours.weight.grad, theirs.weight.grad, "dweight")


def test_embedding_padding_row_is_zero_and_gets_no_gradient():
    torch.manual_seed(0)
    theirs = torch.nn.Embedding(5, 2, padding_idx=0).double()
    ours = nn.Embedding(5, 2, padding_idx=0)
    assert np.all(ours.weight.data[0] == 0)
    from_torch(ours, theirs)
    idx = np.array([0, 3, 0, 3])
    ours(idx).sum().backward()
    theirs(torch.from_numpy(idx)).sum().backward()
    assert_close(ours.weight.grad, theirs.weight.grad, "dweight")
    assert np.all(ours.weight.grad[0] == 0)


def test_embedding_errors():
    emb = nn.Embedding(5, 2)
    with pytest.raises(ValueError, match=r"expected indices in \[0, 5\).*got 5"):
        emb(np.array([1, 5]))
    with pytest.raises(TypeError, match="integer indices"):
        emb(np.array([1.0]))


# --- layer norm and attention -----------------------------------------------------------------


@pytest.mark.parametrize("shape", [(4,), (3, 4)])
def test_layer_norm_matches_torch(shape):
    rng = np.random.default_rng(8)
    theirs = torch.nn.LayerNorm(shape).double()
    ours = nn.LayerNorm(shape)
    with torch.no_grad():
        theirs.weight.copy_(torch.from_numpy(rng.standard_normal(shape)))
        theirs.bias.copy_(torch.from_numpy(rng.standard_normal(shape)))
    from_torch(ours, theirs)
    x, xt = _leaf(rng, 2, *shape)
    out, ref = ours(x), theirs(xt)
    assert_close(out, ref, "layer norm")
    w = rng.standard_normal(out.shape)
    (out * w).sum().backward()
    (ref * torch.from_numpy(w)).sum().backward()
    check_grads(ours, theirs, {"x": (x, xt)})


def _mha_pair(rng, E=8, heads=2, batch_first=False, bias=True):
    ours = nn.MultiheadAttention(E, heads, bias=bias, batch_first=batch_first, rng=rng)
    theirs = torch.nn.MultiheadAttention(E, heads, bias=bias, batch_first=batch_first).double()
    state = ours.state_dict()
    mapped = {k.replace("out_proj.W", "out_proj.weight").replace("out_proj.b", "out_proj.bias"): v
              for k, v in state.items()}  # fmt: skip
    theirs.load_state_dict({k: torch.from_numpy(v) for k, v in mapped.items()})
    return ours, theirs


def _mha_grads(ours, theirs):
    names = {"out_proj.W": "out_proj.weight", "out_proj.b": "out_proj.bias"}
    ref = dict(theirs.named_parameters())
    for name, p in ours.named_parameters():
        assert_close(p.grad, ref[names.get(name, name)].grad, f"d{name}")


@pytest.mark.parametrize("batch_first", [False, True])
@pytest.mark.parametrize("mask", ["none", "causal", "bool", "float", "padding"])
def test_multihead_self_attention_matches_torch(batch_first, mask):
    rng = np.random.default_rng(9)
    ours, theirs = _mha_pair(rng, batch_first=batch_first)
    with torch.no_grad():
        theirs.in_proj_bias.copy_(torch.from_numpy(rng.standard_normal(24)))
    ours.in_proj_bias.data = theirs.in_proj_bias.detach().numpy().copy()
    N, L = 3, 5
    x, xt = _leaf(rng, *((N, L, 8) if batch_first else (L, N, 8)))
    kwargs, kwargs_t = {}, {}
    if mask == "causal":
        causal = np.triu(np.ones((L, L), dtype=bool), k=1)  # True: may not attend
        kwargs = {"is_causal": True}
        kwargs_t = {"attn_mask": torch.from_numpy(causal)}
    elif mask == "bool":
        m = rng.random((L, L)) < 0.3
        np.fill_diagonal(m, False)
        kwargs = {"attn_mask": m}
        kwargs_t = {"attn_mask": torch.from_numpy(m)}
    elif mask == "float":
        m = rng.standard_normal((N * 2, L, L))
        kwargs = {"attn_mask": m}
        kwargs_t = {"attn_mask": torch.from_numpy(m)}
    elif mask == "padding":
        pad = np.zeros((N, L), dtype=bool)
        pad[0, 3:] = True
        kwargs = {"key_padding_mask": pad}
        kwargs_t = {"key_padding_mask": torch.from_numpy(pad)}
    out, weights = ours(x, x, x, **kwargs)
    ref, ref_weights = theirs(xt, xt, xt, **kwargs_t)
    assert_close(out, ref, "output")
    assert_close(weights, ref_weights, "attention weights")
    w = rng.standard_normal(out.shape)
    (out * w).sum().backward()
    (ref * torch.from_numpy(w)).sum().backward()
    _mha_grads(ours, theirs)
    assert_close(x.grad, xt.grad, "dx")


def test_multihead_cross_attention_per_head_weights_and_no_bias():
    rng = np.random.default_rng(10)
    ours, theirs = _mha_pair(rng, E=6, heads=3, bias=False)
    assert [n for n, _ in ours.named_parameters()] == ["in_proj_weight", "out_proj.W"]
    q, qt = _leaf(rng, 4, 2, 6)
    kv, kvt = _leaf(rng, 7, 2, 6)
    out, weights = ours(q, kv, kv, average_attn_weights=False)
    ref, ref_weights = theirs(qt, kvt, kvt, average_attn_weights=False)
    assert weights.shape == (2, 3, 4, 7)
    assert_close(out, ref, "output")
    assert_close(weights, ref_weights, "weights per head")
    out.sum().backward()
    ref.sum().backward()
    _mha_grads(ours, theirs)
    assert_close(q.grad, qt.grad, "dq")
    assert_close(kv.grad, kvt.grad, "dkv")


def test_multihead_attention_unbatched_and_without_weights():
    rng = np.random.default_rng(11)
    ours, theirs = _mha_pair(rng)
    x = rng.standard_normal((5, 8))
    out, none = ours(x, x, x, need_weights=False)
    ref, _ = theirs(*(torch.from_numpy(x),) * 3)
    assert none is None and out.shape == (5, 8)
    assert_close(out, ref, "output")


@pytest.mark.parametrize("mask", ["none", "causal", "bool", "float"])
def test_scaled_dot_product_attention_matches_torch(mask):
    rng = np.random.default_rng(12)
    q, qt = _leaf(rng, 2, 3, 4, 5)
    k, kt = _leaf(rng, 2, 3, 6, 5)
    v, vt = _leaf(rng, 2, 3, 6, 2)
    kwargs = {}
    if mask == "causal":
        kwargs = {"is_causal": True}
    elif mask == "bool":
        m = rng.random((4, 6)) < 0.7
        m[:, 0] = True
        kwargs = {"attn_mask": m}
    elif mask == "float":
        kwargs = {"attn_mask": rng.standard_normal((3, 4, 6))}
    kwargs_t = {k_: torch.from_numpy(a) if isinstance(a, np.ndarray) else a
                for k_, a in kwargs.items()}  # fmt: skip
    out = nn.functional.scaled_dot_product_attention(q, k, v, **kwargs)
    ref = torch.nn.functional.scaled_dot_product_attention(qt, kt, vt, **kwargs_t)
    assert_close(out, ref, "attention")
    w = rng.standard_normal(out.shape)
    (out * w).sum().backward()
    (ref * torch.from_numpy(w)).sum().backward()
    for name, (a, b) in {"q": (q, qt), "k": (k, kt), "v": (v, vt)}.items():
        assert_close(a.grad, b.grad, f"d{name}")


@pytest.mark.parametrize("mask", ["bool", "float"])
def test_scaled_dot_product_attention_fully_masked_queries_get_zero_like_torch(mask, recwarn):
    # A query that may attend to no key: PyTorch's F.scaled_dot_product_attention gives output 0
    # and no gradient through it (a plain softmax of an all -inf row is NaN, which poisoned dv).
    rng = np.random.default_rng(3)
    q, qt = _leaf(rng, 2, 4, 3)
    k, kt = _leaf(rng, 2, 5, 3)
    v, vt = _leaf(rng, 2, 5, 2)
    allowed = rng.random((2, 4, 5)) < 0.6
    allowed[:, :, 0] = True
    allowed[0, 1, :] = False  # batch 0, query 1 may attend to nothing
    allowed[1, 3, :] = False
    kwargs: dict = {"attn_mask": allowed}
    if mask == "float":
        kwargs = {"attn_mask": np.where(allowed, rng.standard_normal(allowed.shape), -np.inf)}
    kwargs_t = {k_: torch.from_numpy(a) if isinstance(a, np.ndarray) else a
                for k_, a in kwargs.items()}  # fmt: skip
    out = nn.functional.scaled_dot_product_attention(q, k, v, **kwargs)
    ref = torch.nn.functional.scaled_dot_product_attention(qt, kt, vt, **kwargs_t)
    assert np.all(out.data[0, 1] == 0) and np.all(out.data[1, 3] == 0)
    assert_close(out, ref, "attention")
    w = rng.standard_normal(out.shape)
    (out * w).sum().backward()
    (ref * torch.from_numpy(w)).sum().backward()
    for name, (a, b) in {"q": (q, qt), "k": (k, kt), "v": (v, vt)}.items():
        assert np.all(np.isfinite(a.grad)), name
        assert_close(a.grad, b.grad, f"d{name}")
    assert not [w for w in recwarn if issubclass(w.category, RuntimeWarning)]


def test_attention_errors():
    q = np.zeros((4, 5))
    with pytest.raises(ValueError, match="dropout"):
        nn.functional.scaled_dot_product_attention(q, q, q, dropout_p=0.1)
    with pytest.raises(ValueError, match=r"attn_mask of shape \(\.\.\., 4, 4\)"):
        nn.functional.scaled_dot_product_attention(q, q, q, attn_mask=np.ones((3, 4), dtype=bool))
    with pytest.raises(ValueError, match="divisible"):
        nn.MultiheadAttention(6, 4)


# --- sampling ---------------------------------------------------------------------------------


def test_sample_reproduces_np_random_choice_after_a_seed():
    p = np.array([0.1, 0.2, 0.3, 0.4])
    np.random.seed(7)
    expected = [np.random.choice(list(range(4)), p=p) for _ in range(20)]
    np.random.seed(7)
    got = [nn.functional.sample(np.log(p)) for _ in range(20)]
    assert got == expected


def test_sample_temperature_zero_is_argmax_and_low_temperature_sharpens():
    logits = np.log(np.array([0.2, 0.5, 0.3]))
    assert nn.functional.sample(logits, temperature=0) == 1
    rng = np.random.default_rng(0)
    cold = [nn.functional.sample(logits, 0.2, rng=rng) for _ in range(300)]
    hot = [nn.functional.sample(logits, 5.0, rng=rng) for _ in range(300)]
    # p ** (1 / T) renormalised: P(1) = 0.92 at T = 0.2 (276 of 300), 0.37 at T = 5 (109 of 300)
    assert cold.count(1) > 255 and 75 < hot.count(1) < 145


def test_sample_column_layout_and_batches():
    column = np.log(np.array([[0.0001], [0.9998], [0.0001]]))
    assert nn.functional.sample(column, axis=0, rng=np.random.RandomState(0)) == 1
    rows = np.log(np.array([[0.999, 0.0005, 0.0005], [0.0005, 0.0005, 0.999]]))
    assert nn.functional.sample(rows, rng=np.random.RandomState(0)).tolist() == [0, 2]
    with pytest.raises(ValueError, match="temperature"):
        nn.functional.sample(rows, -1.0)
    with pytest.raises(TypeError, match="rng"):
        nn.functional.sample(rows, rng=3)
