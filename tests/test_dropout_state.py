"""Dropout's generator state travels with the model (``_extra_state``), so training that is saved,
loaded and continued is bit-identical to training that never stopped (issue 12: "resume exactly");
``Dropout(1.0)`` is PyTorch's (zeros, gradient 0)."""

from __future__ import annotations

import numpy as np
import pytest

import tinygrad_edu as tg
from tinygrad_edu import losses, nn, optim
from tinygrad_edu.tensor import Tensor

GENERATORS = {  # seed -> the ``rng`` argument of Dropout
    "int seed": lambda seed: seed,
    "RandomState": np.random.RandomState,
    "PCG64": np.random.default_rng,
    "MT19937": lambda seed: np.random.Generator(np.random.MT19937(seed)),
    "Philox": lambda seed: np.random.Generator(np.random.Philox(seed)),
    "SFC64": lambda seed: np.random.Generator(np.random.SFC64(seed)),
}


def _model(dropout_rng, init_seed: int = 0) -> nn.Sequential:
    rng = np.random.RandomState(init_seed)
    return nn.Sequential(
        nn.Linear(4, 16, rng=rng), nn.ReLU(), nn.Dropout(0.3, rng=dropout_rng),
        nn.Linear(16, 8, rng=rng), nn.ReLU(),
        nn.Dropout(0.5, rng=dropout_rng, mask_layout="course"),
        nn.Linear(8, 1, rng=rng),
    )  # fmt: skip


DATA = np.random.default_rng(0).standard_normal((32, 4))
LABELS = (DATA.sum(axis=1, keepdims=True) > 0).astype(np.float64)


def _train(model: nn.Module, opt: optim.Optimizer, steps: int) -> None:
    model.train()
    for _ in range(steps):
        opt.zero_grad()
        losses.binary_cross_entropy_with_logits(model(DATA), LABELS).backward()
        opt.step()


def _params(model: nn.Module) -> list[np.ndarray]:
    return [p.data.copy() for p in model.parameters()]


@pytest.mark.parametrize("kind", list(GENERATORS))
def test_save_load_and_continue_is_bit_identical_to_never_stopping(tmp_path, kind):
    model = _model(GENERATORS[kind](7))
    opt = optim.Adam(model.parameters(), lr=0.01)
    _train(model, opt, 5)
    tg.save(model, tmp_path / "model.npz")
    tg.save(opt, tmp_path / "opt.npz")
    _train(model, opt, 5)
    uninterrupted = _params(model)

    # a new process would build the model afresh: other initial weights, other generator seed
    resumed = _model(GENERATORS[kind](99), init_seed=5)
    opt2 = optim.Adam(resumed.parameters(), lr=0.01)
    assert resumed.load_state_dict(tg.load(tmp_path / "model.npz", expected=resumed)) == (
        nn.module.LoadResult([], [])
    )
    opt2.load_state_dict(tg.load(tmp_path / "opt.npz"))
    _train(resumed, opt2, 5)
    for a, b in zip(uninterrupted, _params(resumed), strict=True):
        assert np.array_equal(a, b)


def test_without_the_generator_state_the_resumed_run_differs(tmp_path):
    """The control: the same test with the key removed fails, so the state is what matters."""
    model = _model(7)
    opt = optim.Adam(model.parameters(), lr=0.01)
    _train(model, opt, 5)
    state = {k: v for k, v in model.state_dict().items() if not k.endswith("_extra_state")}
    saved_opt = opt.state_dict()
    _train(model, opt, 5)
    resumed = _model(99, init_seed=5)
    result = resumed.load_state_dict(state)  # strict: an older state without the key loads
    assert result.missing_keys == ["2._extra_state", "5._extra_state"]
    assert result.unexpected_keys == []
    opt2 = optim.Adam(resumed.parameters(), lr=0.01)
    opt2.load_state_dict(saved_opt)
    _train(resumed, opt2, 5)
    assert not all(
        np.array_equal(a, b) for a, b in zip(_params(model), _params(resumed), strict=True)
    )


def test_the_state_dict_keys_and_the_shared_generator():
    rng = np.random.RandomState(3)  # both layers share it, as the course's global generator
    model = _model(rng)
    keys = list(model.state_dict())
    assert keys[-2:] == ["2._extra_state", "5._extra_state"]
    assert all(not k.endswith("_extra_state") for k in keys[:-2])
    state = model.state_dict()
    assert state["2._extra_state"].dtype == np.uint64
    assert np.array_equal(state["2._extra_state"], state["5._extra_state"])
    # parameters and buffers are unchanged by the extra state
    assert [n for n, _ in model.named_parameters()] == [k for k in keys if "_extra" not in k]


def test_an_older_checkpoint_loads_through_serialize_too(tmp_path):
    model = _model(7)
    old = {k: v for k, v in model.state_dict().items() if "_extra_state" not in k}
    tg.save(old, tmp_path / "old.npz")  # as tinygrad_edu 0.2.0 saved it
    fresh = _model(7, init_seed=3)
    before = fresh[2].get_extra_state()
    fresh.load_state_dict(tg.load(tmp_path / "old.npz", expected=fresh))
    assert np.array_equal(fresh[2].get_extra_state(), before)  # the generator keeps its state
    assert np.array_equal(fresh[0].W.data, model[0].W.data)


def test_global_generator_layers_have_no_key_and_strict_refuses_a_foreign_one():
    assert "2._extra_state" not in _model(None).state_dict()
    state = _model(7).state_dict()
    with pytest.raises(ValueError, match=r"unexpected in the state: 2\._extra_state.*rng=None"):
        _model(None).load_state_dict(state)
    result = _model(None).load_state_dict(state, strict=False)
    assert result.unexpected_keys == ["2._extra_state", "5._extra_state"]


def test_a_state_of_another_kind_of_generator_is_refused_and_nothing_changes():
    source = _model(np.random.Generator(np.random.SFC64(1)))  # 10 words, as PCG64's
    target = _model(np.random.default_rng(2), init_seed=4)
    W_before = target[0].W.data.copy()
    extra_before = target[2].get_extra_state()
    with pytest.raises(ValueError, match=r"extra state refused at 2\._extra_state.*PCG64"):
        target.load_state_dict(source.state_dict())
    assert np.array_equal(target[0].W.data, W_before)
    assert np.array_equal(target[2].get_extra_state(), extra_before)
    mt = _model(np.random.RandomState(1)).state_dict()  # 631 words: caught as a shape
    with pytest.raises(ValueError, match=r"shape differs at 2\._extra_state"):
        target.load_state_dict(mt)


def test_a_half_applied_load_is_rolled_back():
    """The first dropout takes its state, the second refuses: the first is put back."""
    target = _model(np.random.default_rng(2))
    state = target.state_dict()
    target(DATA)  # the generator moves on
    now = target[2].get_extra_state()
    bad = dict(state)
    bad["5._extra_state"] = state["5._extra_state"].copy()
    bad["5._extra_state"][1] += np.uint64(1)  # another kind's checksum
    with pytest.raises(ValueError, match="extra state refused"):
        target.load_state_dict(bad)
    assert np.array_equal(target[2].get_extra_state(), now)


def test_the_generator_round_trip_is_exact_including_a_cached_gaussian():
    rng = np.random.RandomState(0)
    rng.randn()  # RandomState keeps the second gaussian of a pair
    drop = nn.Dropout(0.5, rng=rng)
    state = drop.get_extra_state()
    expected = (rng.randn(3), rng.rand(4))
    drop.set_extra_state(state)
    got = (rng.randn(3), rng.rand(4))
    assert all(np.array_equal(a, b) for a, b in zip(expected, got, strict=True))


# --- p = 1, as PyTorch ---------------------------------------------------------------------------


@pytest.mark.filterwarnings("ignore:invalid value encountered:RuntimeWarning")  # inf * 0
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_p_one_matches_torch_values_and_gradients(dtype):
    torch = pytest.importorskip("torch")
    x = np.array([[1.5, -2.0, 0.0], [np.inf, np.nan, 3.0]], dtype=dtype)
    weights = np.arange(1.0, 7.0).reshape(2, 3).astype(dtype)
    ours, theirs = Tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    drop, tdrop = nn.Dropout(1.0, rng=0), torch.nn.Dropout(1.0)
    out, ref = drop(ours), tdrop(theirs)
    np.testing.assert_array_equal(out.data, ref.detach().numpy())  # 0, -0, NaN where torch's
    assert np.array_equal(np.signbit(out.data), np.signbit(ref.detach().numpy()))
    assert out.dtype == dtype
    (out * weights).sum().backward()
    (ref * torch.as_tensor(weights)).sum().backward()
    np.testing.assert_array_equal(ours.grad, theirs.grad.numpy())
    # evaluation mode: the identity in both, gradient the weights
    ours.grad, theirs.grad = None, None
    out, ref = drop.eval()(ours), tdrop.eval()(theirs)
    np.testing.assert_array_equal(out.data, ref.detach().numpy())
    (out * weights).sum().backward()
    (ref * torch.as_tensor(weights)).sum().backward()
    np.testing.assert_array_equal(ours.grad, theirs.grad.numpy())


def test_p_one_draws_nothing_and_keeps_an_all_false_mask():
    drop = nn.Dropout(1, rng=0)
    state = drop.get_extra_state()
    drop(np.ones((2, 3)))
    assert drop.mask is not None and not drop.mask.any() and drop.mask.shape == (2, 3)
    assert np.array_equal(drop.get_extra_state(), state)  # as torch: no random numbers drawn
    assert repr(drop) == "Dropout(p=1.0)"


@pytest.mark.parametrize("p", [-0.1, 1.0000001, 1.5, float("nan"), float("inf"), True, "0.5"])
def test_p_outside_zero_one_is_refused_clearly(p):
    with pytest.raises(ValueError, match=r"expected a drop probability p in \[0, 1\]"):
        nn.Dropout(p)


def _recurrent(kind: str, seed: int) -> tuple[nn.Module, optim.Optimizer]:
    layer = getattr(nn, kind)(3, 4, num_layers=2, dropout=0.4, rng=np.random.default_rng(seed))
    return layer, optim.Adam(layer.parameters(), lr=0.01)


def _train_recurrent(layer: nn.Module, opt: optim.Optimizer, steps: int) -> None:
    X = np.random.default_rng(9).standard_normal((5, 2, 3))
    for _ in range(steps):
        out, _ = layer(X)
        loss = (out * out).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()


@pytest.mark.parametrize("kind", ["RNN", "LSTM", "GRU"])
def test_recurrent_dropout_resumes_bit_identically(tmp_path, kind):
    # The masks between stacked layers come from the layer's rng: its state is saved with the
    # model, so save / load / continue equals never stopping (and, as a control, dropping the
    # saved generator state makes the resumed run differ).
    layer, opt = _recurrent(kind, seed=0)
    _train_recurrent(layer, opt, 3)
    tg.save(layer.state_dict(), tmp_path / "m.npz")
    tg.save(opt.state_dict(), tmp_path / "o.npz")
    assert "_extra_state" in layer.state_dict()
    _train_recurrent(layer, opt, 3)
    for keep_generator in (True, False):
        other, other_opt = _recurrent(kind, seed=5)
        state = tg.load(tmp_path / "m.npz")
        if not keep_generator:
            del state["_extra_state"]
        other.load_state_dict(state)
        other_opt.load_state_dict(tg.load(tmp_path / "o.npz"))
        _train_recurrent(other, other_opt, 3)
        same = all(
            np.array_equal(a, b) for a, b in zip(_params(layer), _params(other), strict=True)
        )
        assert same is keep_generator


def test_recurrent_layers_without_dropout_or_own_rng_keep_no_generator_state():
    assert (
        "_extra_state" not in nn.LSTM(3, 4, num_layers=2, rng=np.random.default_rng(0)).state_dict()
    )
    with pytest.warns(UserWarning):
        assert "_extra_state" not in nn.GRU(3, 4, dropout=0.5).state_dict()
    assert "_extra_state" not in nn.RNN(3, 4, num_layers=2, dropout=0.5).state_dict()
