"""Option-by-option parity with PyTorch for what the docs promise under PyTorch's names.

The files next to this one test each layer's main path against torch (test_optim.py,
test_nn_course2.py, test_conv.py, test_sequence_layers.py, test_losses.py). This file covers the
*combinations of options* those tests do not draw: optimizer hyperparameters together, resuming
mid-run (``state_dict`` and ``tinygrad_edu.save``) against an uninterrupted torch run, schedules
per step, clipping corners, batch norm's momentum / affine / running-statistics grid, layer norm's
shapes, embedding padding, convolution and pooling options, recurrent nonlinearity and positional
arguments, and the options we do not offer (each must be refused with a TypeError naming it, never
accepted and ignored). Everything in float64 against torch (a test-only oracle).
"""

from __future__ import annotations

import itertools
import math
import tempfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tinygrad_edu as tg
from tinygrad_edu import losses, nn, optim
from tinygrad_edu.tensor import Tensor

torch = pytest.importorskip("torch")

# torch's note that an even 'same' kernel pads a copy of the input: about torch's speed only
pytestmark = pytest.mark.filterwarnings("ignore:Using padding='same' with even kernel")

RTOL, ATOL = 1e-11, 1e-13
FAST = settings(deadline=None)


def _close(got, expected, what="", rtol=RTOL, atol=ATOL):
    got = got.data if isinstance(got, Tensor) else np.asarray(got)
    if isinstance(expected, torch.Tensor):
        expected = expected.detach().numpy()
    np.testing.assert_allclose(got, expected, rtol=rtol, atol=atol, err_msg=what)


# --- optimizers: hyperparameters together, resumed mid-run ---------------------------------------

SHAPES = [(3, 2), (2,), (1,)]


def _sgd_kwargs(draw):
    momentum = draw(st.sampled_from([0.0, 0.5, 0.9]))
    nesterov = momentum > 0 and draw(st.booleans())
    return {
        "lr": draw(st.sampled_from([0.01, 0.1])),
        "momentum": momentum,
        "dampening": 0.0 if nesterov else draw(st.sampled_from([0.0, 0.3, 0.9])),
        "weight_decay": draw(st.sampled_from([0.0, 0.05])),
        "nesterov": nesterov,
        "maximize": draw(st.booleans()),
    }


def _rmsprop_kwargs(draw):
    return {
        "lr": draw(st.sampled_from([0.001, 0.01])),
        "alpha": draw(st.sampled_from([0.9, 0.99])),
        "eps": draw(st.sampled_from([1e-8, 1e-3])),
        "weight_decay": draw(st.sampled_from([0.0, 0.05])),
        "momentum": draw(st.sampled_from([0.0, 0.7])),
        "centered": draw(st.booleans()),
        "maximize": draw(st.booleans()),
    }


def _adam_kwargs(draw):
    return {
        "lr": draw(st.sampled_from([0.001, 0.05])),
        "betas": draw(st.sampled_from([(0.9, 0.999), (0.5, 0.9), (0.0, 0.99)])),
        "eps": draw(st.sampled_from([1e-8, 1e-4])),
        "weight_decay": draw(st.sampled_from([0.0, 0.1])),
        "amsgrad": draw(st.booleans()),
        "maximize": draw(st.booleans()),
    }


OPTIMIZERS = {
    "SGD": (optim.SGD, "SGD", _sgd_kwargs),
    "RMSprop": (optim.RMSprop, "RMSprop", _rmsprop_kwargs),
    "Adam": (optim.Adam, "Adam", _adam_kwargs),
    "AdamW": (optim.AdamW, "AdamW", _adam_kwargs),
}


def _gradient(step, i, shape):
    """The same gradient for both libraries, parameter i at a step (None: no gradient)."""
    if step == 2 and i == 1:
        return None  # a parameter without a gradient this step: both leave it alone
    return np.random.default_rng(100 * step + i).standard_normal(shape) * (1 + i)


def _step_ours(opt, params, step):
    for i, p in enumerate(params):
        p.grad = _gradient(step, i, p.shape)
    opt.step()


@pytest.mark.parametrize("name", list(OPTIMIZERS))
@FAST
@given(data=st.data())
def test_optimizer_options_and_resuming_match_torch(name, data):
    """Any mix of options, 8 steps: an uninterrupted torch run equals ours resumed at step k
    from ``state_dict()`` (and, in another run, from a file written by ``tinygrad_edu.save``)."""
    ours_cls, torch_name, draw_kwargs = OPTIMIZERS[name]
    kwargs = draw_kwargs(data.draw)
    resume_at = data.draw(st.integers(1, 7), label="resume_at")
    through_file = data.draw(st.booleans(), label="through_file")
    values = [np.random.default_rng(7 + i).standard_normal(s) for i, s in enumerate(SHAPES)]

    theirs = [torch.tensor(v.copy(), requires_grad=True) for v in values]
    torch_opt = getattr(torch.optim, torch_name)(theirs, **kwargs)
    trajectory = []
    for step in range(8):
        for i, q in enumerate(theirs):
            g = _gradient(step, i, q.shape)
            q.grad = None if g is None else torch.tensor(g)
        torch_opt.step()
        trajectory.append([q.detach().numpy().copy() for q in theirs])

    ours = [Tensor(v.copy(), requires_grad=True) for v in values]
    opt = ours_cls(ours, **kwargs)
    for step in range(resume_at):
        _step_ours(opt, ours, step)
    state = opt.state_dict()
    if through_file:
        with tempfile.TemporaryDirectory() as folder:
            tg.save(opt, Path(folder) / "opt.npz")
            state = tg.load(Path(folder) / "opt.npz")
    # a new optimizer over new tensors holding the current values, restored from the state
    resumed = [Tensor(p.data.copy(), requires_grad=True) for p in ours]
    opt2 = ours_cls(resumed, lr=0.123)  # other hyperparameters: the state must restore them
    opt2.load_state_dict(state)
    for step in range(resume_at, 8):
        _step_ours(opt2, resumed, step)
        for p, q in zip(resumed, trajectory[step], strict=True):
            _close(p, q, f"{name} {kwargs} resumed at {resume_at}, step {step + 1}", 1e-10, 1e-12)


def test_adam_state_keys_are_torchs_and_a_state_saved_without_step_counts_still_loads():
    values = [np.random.default_rng(i).standard_normal(s) for i, s in enumerate(SHAPES)]
    ours = [Tensor(v.copy(), requires_grad=True) for v in values]
    theirs = [torch.tensor(v.copy(), requires_grad=True) for v in values]
    opt, torch_opt = optim.Adam(ours, amsgrad=True), torch.optim.Adam(theirs, amsgrad=True)
    for step in range(3):
        _step_ours(opt, ours, step)
        for i, q in enumerate(theirs):
            g = _gradient(step, i, q.shape)
            q.grad = None if g is None else torch.tensor(g)
        torch_opt.step()
    for i, q in enumerate(theirs):
        assert set(opt.state[i]) == set(torch_opt.state[q])
        assert int(opt.state[i]["step"]) == int(torch_opt.state[q]["step"])  # 2 for the one
    old = {k: v for k, v in opt.state_dict().items() if not k.endswith(".step")}  # an old file
    resumed = optim.Adam([Tensor(p.data.copy(), requires_grad=True) for p in ours], amsgrad=True)
    resumed.load_state_dict(old)
    _step_ours(resumed, resumed.params, 3)
    assert int(resumed.state[0]["step"]) == 4  # the global count stands in for the missing one
    bad = dict(opt.state_dict())
    bad["state.0.step"] = np.ones(2, dtype=np.int64)
    with pytest.raises(
        ValueError, match=r"state.0.step: expected a step count >= 0 \(a 0-d integer\)"
    ):
        resumed.load_state_dict(bad)


@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_maximize_ascends_every_step_as_torch_and_old_states_load_without_it(name):
    ours_cls, torch_name, _ = OPTIMIZERS[name]
    W = Tensor([1.0, -2.0], requires_grad=True)
    q = torch.tensor([1.0, -2.0], dtype=torch.float64, requires_grad=True)
    opt = ours_cls([W], lr=0.1, weight_decay=0.1, maximize=True)
    torch_opt = getattr(torch.optim, torch_name)([q], lr=0.1, weight_decay=0.1, maximize=True)
    for _ in range(4):
        W.grad, q.grad = -2 * W.data, -2 * q.detach()  # the gradient of -W**2: ascend to 0
        opt.step()
        torch_opt.step()
        _close(W, q, "maximize")
    old = {k: v for k, v in opt.state_dict().items() if k != "maximize"}  # saved before it
    fresh = ours_cls([Tensor(W.data.copy(), requires_grad=True)], lr=0.1, maximize=True)
    fresh.load_state_dict(old)
    assert fresh.maximize is False


@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_optimizer_options_we_do_not_offer_are_refused_by_name(name):
    ours_cls = OPTIMIZERS[name][0]
    W = Tensor([1.0], requires_grad=True)
    for option in ("foreach", "differentiable", "capturable", "fused"):
        with pytest.raises(TypeError, match=option):
            ours_cls([W], lr=0.1, **{option: True})


def test_optimizer_defaults_are_torchs():
    W = Tensor([1.0], requires_grad=True)
    q = torch.zeros(1, requires_grad=True)
    for ours, theirs in [
        (optim.RMSprop([W]), torch.optim.RMSprop([q])),
        (optim.Adam([W]), torch.optim.Adam([q])),
        (optim.AdamW([W]), torch.optim.AdamW([q])),
        (optim.SGD([W], lr=0.1), torch.optim.SGD([q], lr=0.1)),
    ]:
        group = theirs.param_groups[0]
        for name in ours.hyperparameters:
            assert getattr(ours, name) == pytest.approx(group[name]), (type(ours).__name__, name)


# --- learning-rate schedules: per epoch and per step ---------------------------------------------


def _course_inverse_time(decay_rate, interval):
    return lambda t: 1 / (1 + decay_rate * math.floor(t / interval))


def _halving(t):
    return 0.5 ** (t % 4)


SCHEDULES = {
    "StepLR": (lambda o: optim.StepLR(o, step_size=3, gamma=0.5),
               lambda o: torch.optim.lr_scheduler.StepLR(o, step_size=3, gamma=0.5)),
    "ExponentialLR": (lambda o: optim.ExponentialLR(o, gamma=0.9),
                      lambda o: torch.optim.lr_scheduler.ExponentialLR(o, gamma=0.9)),
    "LambdaLR": (lambda o: optim.LambdaLR(o, lr_lambda=_halving),
                 lambda o: torch.optim.lr_scheduler.LambdaLR(o, lr_lambda=_halving)),
    "InverseTimeDecay": (
        lambda o: optim.InverseTimeDecay(o, decay_rate=0.7, time_interval=2),
        lambda o: torch.optim.lr_scheduler.LambdaLR(o, _course_inverse_time(0.7, 2))),
}  # fmt: skip


@pytest.mark.parametrize("per", ["epoch", "step"])
@pytest.mark.parametrize("name", list(SCHEDULES))
def test_schedules_drive_sgd_like_torch_per_epoch_and_per_step(name, per):
    """Two epochs of three updates each; the schedule steps after every update or every epoch.
    Halfway, the optimizer and the schedule are saved and restored into new objects."""
    make_ours, make_theirs = SCHEDULES[name]
    W = Tensor(np.ones(2), requires_grad=True)
    opt = optim.SGD([W], lr=0.4, momentum=0.5)
    schedule = make_ours(opt)
    q = torch.ones(2, dtype=torch.float64, requires_grad=True)
    torch_opt = torch.optim.SGD([q], lr=0.4, momentum=0.5)
    torch_schedule = make_theirs(torch_opt)
    for epoch in range(4):
        if epoch == 2:  # resume from saved states
            with tempfile.TemporaryDirectory() as folder:
                tg.save(opt, Path(folder) / "opt.npz")
                tg.save(schedule, Path(folder) / "schedule.npz")
                W = Tensor(W.data.copy(), requires_grad=True)
                opt = optim.SGD([W], lr=0.4, momentum=0.5)
                opt.load_state_dict(tg.load(Path(folder) / "opt.npz"))
                schedule = make_ours(opt)
                schedule.load_state_dict(tg.load(Path(folder) / "schedule.npz"))
        for update in range(3):
            g = np.array([1.0 + epoch, -0.5 * update])
            W.grad, q.grad = g.copy(), torch.tensor(g)
            assert opt.lr == pytest.approx(torch_opt.param_groups[0]["lr"], rel=1e-14)
            opt.step()
            torch_opt.step()
            if per == "step":
                schedule.step()
                torch_schedule.step()
        if per == "epoch":
            schedule.step()
            torch_schedule.step()
        assert schedule.get_last_lr() == pytest.approx(torch_schedule.get_last_lr()[0], rel=1e-14)
        _close(W, q, f"{name} per {per}, epoch {epoch}")


def test_chained_schedules_and_a_rate_set_by_hand_follow_torch():
    """StepLR and ExponentialLR multiply the current rate (torch's chainable form): two on one
    optimizer compose, and a rate set by hand is decayed from; LambdaLR overwrites."""
    opt = optim.SGD([Tensor([1.0], requires_grad=True)], lr=1.0)
    torch_opt = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=1.0)
    lrs = torch.optim.lr_scheduler
    ours = [optim.ExponentialLR(opt, gamma=0.9), optim.StepLR(opt, step_size=2, gamma=0.5)]
    theirs = [lrs.ExponentialLR(torch_opt, gamma=0.9), lrs.StepLR(torch_opt, 2, gamma=0.5)]
    for epoch in range(9):
        if epoch == 5:  # by hand, between steps
            opt.lr = torch_opt.param_groups[0]["lr"] = 0.3
        torch_opt.step()
        for a, b in zip(ours, theirs, strict=True):
            a.step()
            b.step()
            assert a.get_last_lr() == pytest.approx(b.get_last_lr()[0], rel=1e-14)
        assert opt.lr == pytest.approx(torch_opt.param_groups[0]["lr"], rel=1e-14), epoch
    opt = optim.SGD([Tensor([1.0], requires_grad=True)], lr=1.0)
    torch_opt = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=1.0)
    ours = [optim.ExponentialLR(opt, gamma=0.9), optim.LambdaLR(opt, _halving)]
    theirs = [lrs.ExponentialLR(torch_opt, gamma=0.9), lrs.LambdaLR(torch_opt, _halving)]
    for _ in range(5):
        torch_opt.step()
        for a, b in zip(ours, theirs, strict=True):
            a.step()
            b.step()
        assert opt.lr == pytest.approx(torch_opt.param_groups[0]["lr"], rel=1e-14)


def test_a_schedule_state_saved_without_last_lr_loads_in_closed_form():
    opt = optim.SGD([Tensor([1.0], requires_grad=True)], lr=1.0)
    schedule = optim.StepLR(opt, step_size=2, gamma=0.5)
    schedule.load_state_dict({"base_lr": np.array(1.0), "last_epoch": np.array(5)})
    assert opt.lr == schedule.get_last_lr() == 0.25


# --- gradient clipping ----------------------------------------------------------------------------


@FAST
@given(
    norm_type=st.sampled_from([0.5, 1.0, 2.0, 3.0, float("inf")]),
    max_norm=st.sampled_from([1e-3, 0.7, 1e6]),
    without_grad=st.sets(st.integers(0, 2), max_size=3),
    as_generator=st.booleans(),
)
def test_clip_grad_norm_matches_torch(norm_type, max_norm, without_grad, as_generator):
    rng = np.random.default_rng(3)
    ours = [Tensor(np.zeros(s), requires_grad=True) for s in SHAPES]
    theirs = [torch.zeros(s, dtype=torch.float64, requires_grad=True) for s in SHAPES]
    for i, (p, q) in enumerate(zip(ours, theirs, strict=True)):
        if i not in without_grad:
            g = rng.standard_normal(p.shape) * 2
            p.grad, q.grad = g, torch.tensor(g)
    total = optim.clip_grad_norm_((p for p in ours) if as_generator else ours, max_norm, norm_type)
    torch_total = torch.nn.utils.clip_grad_norm_(theirs, max_norm, norm_type)
    assert total.shape == () and total.dtype == np.float64
    _close(total, torch_total, "total norm")
    for p, q in zip(ours, theirs, strict=True):
        assert (p.grad is None) == (q.grad is None)
        if p.grad is not None:
            _close(p.grad, q.grad, "clipped gradient")


@pytest.mark.parametrize("bad", [np.inf, -np.inf, np.nan])
@pytest.mark.parametrize("norm_type", [2.0, float("inf")])
def test_clip_grad_norm_of_nonfinite_gradients_is_torchs(bad, norm_type):
    g = np.array([bad, 1.0, -2.0])
    W = Tensor(np.zeros(3), requires_grad=True)
    W.grad = g.copy()
    q = torch.zeros(3, dtype=torch.float64, requires_grad=True)
    q.grad = torch.tensor(g)
    total = optim.clip_grad_norm_(W, 1.0, norm_type)
    torch_total = torch.nn.utils.clip_grad_norm_(q, 1.0, norm_type)
    np.testing.assert_array_equal(total.data, torch_total.numpy())
    np.testing.assert_array_equal(W.grad, q.grad.numpy())


def test_clip_grad_norm_returns_the_gradients_dtype_and_zero_without_gradients():
    W = Tensor(np.zeros(2, dtype=np.float32), requires_grad=True)
    W.grad = np.array([3.0, 4.0], dtype=np.float32)
    q = torch.zeros(2, requires_grad=True)
    q.grad = torch.tensor([3.0, 4.0])
    total, torch_total = optim.clip_grad_norm_([W], 1.0), torch.nn.utils.clip_grad_norm_([q], 1.0)
    assert total.dtype == np.float32 and torch_total.dtype == torch.float32
    assert float(total) == float(torch_total) == 5.0
    nothing = optim.clip_grad_norm_([Tensor([1.0], requires_grad=True)], 1.0)
    assert float(nothing) == float(torch.nn.utils.clip_grad_norm_([torch.ones(1)], 1.0)) == 0.0


def test_clip_grad_value_matches_torch_with_a_single_tensor_and_missing_gradients():
    g = np.linspace(-2, 2, 6).reshape(3, 2)
    W, V = Tensor(np.zeros((3, 2)), requires_grad=True), Tensor([1.0], requires_grad=True)
    q = torch.zeros(3, 2, dtype=torch.float64, requires_grad=True)
    W.grad, q.grad = g.copy(), torch.tensor(g)
    optim.clip_grad_value_(W, 0.5)
    torch.nn.utils.clip_grad_value_(q, 0.5)
    np.testing.assert_array_equal(W.grad, q.grad.numpy())
    optim.clip_grad_value_([V, W], 0.1)  # V has no gradient: left alone, as in torch
    assert V.grad is None


def test_clipping_options_we_do_not_offer_are_refused_by_name():
    W = Tensor([1.0], requires_grad=True)
    with pytest.raises(TypeError, match="foreach"):
        optim.clip_grad_norm_([W], 1.0, foreach=True)
    with pytest.raises(TypeError, match="foreach"):
        optim.clip_grad_value_([W], 1.0, foreach=True)


# --- batch normalization --------------------------------------------------------------------------

BN_GRID = list(
    itertools.product(["1d", "1d-seq", "2d"], [0.1, None, 0.0, 1.0], [True, False], [True, False])
)
BN_SHAPES = {"1d": (5, 3), "1d-seq": (3, 3, 4), "2d": (2, 3, 2, 3)}


@pytest.mark.parametrize(("kind", "momentum", "affine", "track"), BN_GRID)
def test_batch_norm_grid_matches_torch(kind, momentum, affine, track):
    ours_cls, theirs_cls = (
        (nn.BatchNorm2d, torch.nn.BatchNorm2d) if kind == "2d"
        else (nn.BatchNorm1d, torch.nn.BatchNorm1d)
    )  # fmt: skip
    kwargs = {"momentum": momentum, "affine": affine, "track_running_stats": track}
    ours, theirs = ours_cls(3, **kwargs), theirs_cls(3, **kwargs).double()
    rng = np.random.default_rng(4)
    if affine:
        ours.gamma.data, ours.beta.data = rng.uniform(0.5, 2, 3), rng.standard_normal(3)
        with torch.no_grad():
            theirs.weight.copy_(torch.tensor(ours.gamma.data))
            theirs.bias.copy_(torch.tensor(ours.beta.data))
    shape = BN_SHAPES[kind]
    for mode in ["train", "train", "eval", "train", "eval"]:
        ours.train(mode == "train")
        theirs.train(mode == "train")
        x = rng.normal(1.0, 2.0, shape)
        up = rng.standard_normal(shape)
        X, Xq = Tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
        out, ref = ours(X), theirs(Xq)
        _close(out, ref, f"output ({mode})")
        (out * up).sum().backward()
        (ref * torch.tensor(up)).sum().backward()
        _close(X.grad, Xq.grad, f"dX ({mode})")
        if affine:
            _close(ours.gamma.grad, theirs.weight.grad, "dgamma")
            _close(ours.beta.grad, theirs.bias.grad, "dbeta")
            ours.gamma.grad = ours.beta.grad = theirs.weight.grad = theirs.bias.grad = None
        if track:
            _close(ours.running_mean, theirs.running_mean, "running_mean")
            _close(ours.running_var, theirs.running_var, "running_var (unbiased update)")
            assert int(ours.num_batches_tracked.data) == int(theirs.num_batches_tracked)
        else:
            assert theirs.running_mean is None and not hasattr(ours, "running_mean")


def test_batch_norm_of_one_example_fails_in_training_only_as_in_torch():
    ours, theirs = nn.BatchNorm1d(2), torch.nn.BatchNorm1d(2).double()
    x = np.array([[1.0, 2.0]])
    with pytest.raises(ValueError, match="more than 1 value per channel"):
        ours(x)
    with pytest.raises(ValueError, match="more than 1 value per channel"):
        theirs(torch.tensor(x))
    ours.eval()
    theirs.eval()
    _close(ours(x), theirs(torch.tensor(x)), "one example in evaluation")
    ours2d = nn.BatchNorm2d(2)
    ours2d(np.random.default_rng(0).standard_normal((1, 2, 2, 1)))  # 2 values per channel: fine
    with pytest.raises(ValueError, match="more than 1 value per channel"):
        ours2d(np.ones((1, 2, 1, 1)))


# --- layer normalization --------------------------------------------------------------------------


@pytest.mark.parametrize("normalized_shape", [4, (4,), [3, 4], (2, 3, 4)])
@pytest.mark.parametrize("elementwise_affine", [True, False])
@pytest.mark.parametrize("eps", [1e-5, 0.1])
def test_layer_norm_options_match_torch(normalized_shape, elementwise_affine, eps):
    ours = nn.LayerNorm(normalized_shape, eps=eps, elementwise_affine=elementwise_affine)
    theirs = torch.nn.LayerNorm(
        normalized_shape, eps=eps, elementwise_affine=elementwise_affine
    ).double()
    rng = np.random.default_rng(5)
    if elementwise_affine:
        with torch.no_grad():
            theirs.weight.copy_(torch.tensor(rng.uniform(0.5, 2, theirs.weight.shape)))
            theirs.bias.copy_(torch.tensor(rng.standard_normal(theirs.bias.shape)))
        ours.load_state_dict({k: v.numpy().copy() for k, v in theirs.state_dict().items()})
    assert [n for n, _ in ours.named_parameters()] == [n for n, _ in theirs.named_parameters()]
    trailing = (normalized_shape,) if isinstance(normalized_shape, int) else tuple(normalized_shape)
    x = rng.normal(2.0, 3.0, (2, 3, *trailing)[-len(trailing) - 2 :])
    up = rng.standard_normal(x.shape)
    X, Xq = Tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    out, ref = ours(X), theirs(Xq)
    _close(out, ref, "layer norm")
    (out * up).sum().backward()
    (ref * torch.tensor(up)).sum().backward()
    _close(X.grad, Xq.grad, "dx")
    for name, p in ours.named_parameters():
        _close(p.grad, dict(theirs.named_parameters())[name].grad, f"d{name}")


@pytest.mark.parametrize("elementwise_affine", [True, False])
def test_layer_norm_without_bias_matches_torch(elementwise_affine):
    ours = nn.LayerNorm((2, 3), 1e-5, elementwise_affine, False)
    theirs = torch.nn.LayerNorm((2, 3), 1e-5, elementwise_affine, False).double()
    assert [n for n, _ in ours.named_parameters()] == [n for n, _ in theirs.named_parameters()]
    rng = np.random.default_rng(25)
    if elementwise_affine:
        ours.weight.data = rng.uniform(0.5, 2, (2, 3))
        with torch.no_grad():
            theirs.weight.copy_(torch.tensor(ours.weight.data))
    x = rng.standard_normal((4, 2, 3))
    X, Xq = Tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    out, ref = ours(X), theirs(Xq)
    _close(out, ref, "layer norm without bias")
    (out * out).sum().backward()
    (ref * ref).sum().backward()
    _close(X.grad, Xq.grad, "dx")
    if elementwise_affine:
        _close(ours.weight.grad, theirs.weight.grad, "dweight")


# --- embedding ------------------------------------------------------------------------------------


@pytest.mark.parametrize("padding_idx", [None, 0, 3, -1])
def test_embedding_padding_reads_the_row_as_it_is_and_sends_it_no_gradient(padding_idx):
    """torch returns the padding row's values (zero at first, anything once changed or loaded)."""
    theirs = torch.nn.Embedding(5, 3, padding_idx=padding_idx).double()
    with torch.no_grad():
        theirs.weight.copy_(torch.tensor(np.random.default_rng(6).standard_normal((5, 3))))
    ours = nn.Embedding(5, 3, padding_idx=padding_idx)
    assert ours.padding_idx == theirs.padding_idx
    ours.load_state_dict({"weight": theirs.weight.detach().numpy().copy()})
    idx = np.array([[0, 3, 4], [3, 3, 1]])
    out, ref = ours(idx), theirs(torch.tensor(idx))
    _close(out, ref, "lookup")
    up = np.random.default_rng(7).standard_normal(out.shape)
    (out * up).sum().backward()
    (ref * torch.tensor(up)).sum().backward()
    _close(ours.weight.grad, theirs.weight.grad, "dweight")


def test_embedding_options_we_do_not_offer_are_refused_by_name():
    for option, value in [("max_norm", 1.0), ("scale_grad_by_freq", True), ("sparse", True)]:
        with pytest.raises(TypeError, match=option):
            nn.Embedding(5, 3, **{option: value})


# --- convolution and pooling ----------------------------------------------------------------------


@FAST
@given(
    groups=st.sampled_from([1, 2]),
    kernel=st.sampled_from([1, 2, 3, (2, 3), (4, 1)]),
    stride=st.sampled_from([1, 2, (1, 2)]),
    padding=st.sampled_from([0, 1, (2, 0), "same", "valid"]),
    dilation=st.sampled_from([1, 2, (2, 1)]),
    bias=st.booleans(),
)
def test_conv2d_options_match_torch(groups, kernel, stride, padding, dilation, bias):
    if padding == "same" and stride != 1:
        stride = 1  # torch refuses 'same' with a stride (ours follows TensorFlow's rule there)
    ours = nn.Conv2d(
        4, 6, kernel, stride, padding, dilation, groups, bias, rng=np.random.RandomState(0)
    )
    theirs = torch.nn.Conv2d(4, 6, kernel, stride, padding, dilation, groups, bias).double()
    with torch.no_grad():
        theirs.weight.copy_(torch.tensor(ours.W.data))
        if bias:
            ours.b.data = np.arange(6.0) / 3
            theirs.bias.copy_(torch.tensor(ours.b.data))
    x = np.random.default_rng(8).standard_normal((2, 4, 7, 6))
    X, Xq = Tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    out, ref = ours(X), theirs(Xq)
    assert out.shape == tuple(ref.shape)
    _close(out, ref, "conv2d")
    up = np.random.default_rng(9).standard_normal(out.shape)
    (out * up).sum().backward()
    (ref * torch.tensor(up)).sum().backward()
    _close(X.grad, Xq.grad, "dX")
    _close(ours.W.grad, theirs.weight.grad, "dW")
    if bias:
        _close(ours.b.grad, theirs.bias.grad, "db")
    else:
        assert ours.b is None and theirs.bias is None


@pytest.mark.parametrize("kernel", [2, 4, (2, 3), (4, 1)])
@pytest.mark.parametrize("dilation", [1, 2, (1, 3)])
def test_conv2d_same_padding_with_even_kernels_matches_torch(kernel, dilation):
    """An odd total of padding puts the extra pixel after (bottom, right), as torch does."""
    ours = nn.Conv2d(2, 3, kernel, padding="same", dilation=dilation, rng=np.random.RandomState(1))
    theirs = torch.nn.Conv2d(2, 3, kernel, padding="same", dilation=dilation).double()
    with torch.no_grad():
        theirs.weight.copy_(torch.tensor(ours.W.data))
        theirs.bias.zero_()
    x = np.random.default_rng(19).standard_normal((1, 2, 7, 8))
    X, Xq = Tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    out, ref = ours(X), theirs(Xq)
    assert out.shape == tuple(ref.shape) == (1, 3, 7, 8)
    _close(out, ref, "same")
    (out * out).sum().backward()
    (ref * ref).sum().backward()
    _close(X.grad, Xq.grad, "dX")
    _close(ours.W.grad, theirs.weight.grad, "dW")


def test_conv2d_positional_arguments_mean_what_they_mean_in_torch():
    """torch's ninth positional argument is padding_mode: never our initializer."""
    args = (2, 2, 3, 1, 1, 1, 1, False, "zeros")
    ours, theirs = nn.Conv2d(*args), torch.nn.Conv2d(*args)
    assert ours.b is None and theirs.bias is None and ours.init == "course_deep"
    assert np.any(ours.W.data != 0)
    for mode in ("reflect", "replicate", "circular"):
        with pytest.raises(TypeError, match="padding_mode"):
            nn.Conv2d(2, 2, 3, padding=1, padding_mode=mode)


@pytest.mark.parametrize("kind", ["max", "avg"])
@pytest.mark.parametrize(
    ("kernel", "stride", "padding"),
    [(2, None, 0), (3, 2, 1), ((3, 2), (1, 2), (1, 1)), (2, 1, 1), (4, 3, 2)],
)
def test_pool_options_match_torch_with_gradients(kind, kernel, stride, padding):
    ours = (nn.MaxPool2d if kind == "max" else nn.AvgPool2d)(kernel, stride, padding)
    theirs = (torch.nn.MaxPool2d if kind == "max" else torch.nn.AvgPool2d)(kernel, stride, padding)
    x = np.random.default_rng(10).standard_normal((2, 2, 7, 8))
    X, Xq = Tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    out, ref = ours(X), theirs(Xq)
    _close(out, ref, f"{kind} pool")
    up = np.random.default_rng(11).standard_normal(out.shape)
    (out * up).sum().backward()
    (ref * torch.tensor(up)).sum().backward()
    _close(X.grad, Xq.grad, f"d{kind} pool")


@FAST
@given(
    kernel=st.sampled_from([2, 3, (3, 2), (2, 4)]),
    stride=st.sampled_from([None, 1, 2, (2, 3)]),
    padding=st.sampled_from([0, 1, (1, 0)]),
    ceil_mode=st.booleans(),
    count_include_pad=st.booleans(),
    divisor_override=st.sampled_from([None, None, 5]),
    size=st.sampled_from([(5, 6), (7, 7), (6, 9)]),
)
def test_pool_options_match_torch_with_gradients_property(
    kernel, stride, padding, ceil_mode, count_include_pad, divisor_override, size
):
    k = (kernel, kernel) if isinstance(kernel, int) else kernel
    p = (padding, padding) if isinstance(padding, int) else padding
    if any(2 * pp > kk for pp, kk in zip(p, k, strict=True)):
        padding = 0  # torch refuses padding over half the kernel, as we do
    x = np.random.default_rng(22).standard_normal((2, 2, *size))
    avg = {"count_include_pad": count_include_pad, "divisor_override": divisor_override}
    for ours, theirs in [
        (nn.MaxPool2d(kernel, stride, padding, ceil_mode=ceil_mode),
         torch.nn.MaxPool2d(kernel, stride, padding, ceil_mode=ceil_mode)),
        (nn.AvgPool2d(kernel, stride, padding, ceil_mode, **avg),
         torch.nn.AvgPool2d(kernel, stride, padding, ceil_mode, **avg)),
    ]:  # fmt: skip
        X, Xq = Tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
        out, ref = ours(X), theirs(Xq)
        assert out.shape == tuple(ref.shape), type(ours).__name__
        _close(out, ref, repr(ours))
        up = np.random.default_rng(23).standard_normal(out.shape)
        (out * up).sum().backward()
        (ref * torch.tensor(up)).sum().backward()
        _close(X.grad, Xq.grad, f"d {ours!r}")


def test_pool_functions_in_the_courses_layout_take_the_new_options():
    x = np.random.default_rng(24).standard_normal((2, 5, 7, 3))  # NHWC
    xq = torch.tensor(x.transpose(0, 3, 1, 2))
    got = nn.functional.avg_pool2d(x, 2, 2, 1, "NHWC", ceil_mode=True, count_include_pad=False)
    ref = F.avg_pool2d(xq, 2, 2, 1, ceil_mode=True, count_include_pad=False)
    _close(got.data.transpose(0, 3, 1, 2), ref, "NHWC avg")
    got = nn.functional.max_pool2d(x, 3, 2, 1, "NHWC", ceil_mode=True)
    _close(got.data.transpose(0, 3, 1, 2), F.max_pool2d(xq, 3, 2, 1, ceil_mode=True), "NHWC max")


def test_pool_options_we_do_not_offer_are_refused_by_name():
    for option, value in {"dilation": 2, "return_indices": True}.items():
        with pytest.raises(TypeError, match=option):
            nn.MaxPool2d(2, **{option: value})
    with pytest.raises(TypeError):  # torch's fourth positional argument is dilation
        nn.MaxPool2d(2, 2, 0, 2)
    with pytest.raises(ValueError, match="divisor_override"):
        nn.AvgPool2d(2, divisor_override=0)


# --- recurrent layers -----------------------------------------------------------------------------

RELU_OPTIONS = [
    {},
    {"num_layers": 2},
    {"bidirectional": True, "batch_first": True},
    {"num_layers": 2, "bidirectional": True, "bias": False},
]


@pytest.mark.parametrize("kwargs", RELU_OPTIONS)
def test_rnn_relu_with_initial_state_matches_torch_both_ways(kwargs):
    rng = np.random.default_rng(12)
    ours = nn.RNN(3, 4, nonlinearity="relu", rng=rng, **kwargs)
    theirs = torch.nn.RNN(3, 4, nonlinearity="relu", **kwargs).double()
    theirs.load_state_dict(
        {k: torch.tensor(v) for k, v in ours.state_dict().items()}
    )  # ours->torch
    back = nn.RNN(3, 4, nonlinearity="relu", **kwargs)
    back.load_state_dict({k: v.detach().numpy().copy() for k, v in theirs.state_dict().items()})
    LD = kwargs.get("num_layers", 1) * (2 if kwargs.get("bidirectional") else 1)
    x = rng.standard_normal((2, 5, 3) if kwargs.get("batch_first") else (5, 2, 3))
    h0 = rng.standard_normal((LD, 2, 4))
    X, Xq = Tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    H, Hq = Tensor(h0, requires_grad=True), torch.tensor(h0, requires_grad=True)
    (out, h_n), (ref, h_ref) = back(X, H), theirs(Xq, Hq)
    _close(out, ref, "output")
    _close(h_n, h_ref, "h_n")
    ((out * out).sum() + (h_n * 2.0).sum()).backward()
    ((ref * ref).sum() + (h_ref * 2.0).sum()).backward()
    _close(X.grad, Xq.grad, "dx")
    _close(H.grad, Hq.grad, "dh_0")
    for name, p in back.named_parameters():
        _close(p.grad, dict(theirs.named_parameters())[name].grad, f"d{name}")


@pytest.mark.parametrize("kind", ["RNN", "LSTM", "GRU"])
def test_recurrent_positional_arguments_mean_what_they_mean_in_torch(kind):
    """torch's order: (input, hidden, num_layers, [nonlinearity,] bias, batch_first, dropout,
    bidirectional); a sixth positional argument is dropout, never bidirectional."""
    args = (3, 4, 2) + (("tanh",) if kind == "RNN" else ()) + (False, True, 0.0, True)
    ours, theirs = getattr(nn, kind)(*args), getattr(torch.nn, kind)(*args)
    for name in ("num_layers", "bias", "batch_first", "bidirectional"):
        assert getattr(ours, name) == getattr(theirs, name), name
    assert [(n, p.shape) for n, p in ours.named_parameters()] == [
        (n, tuple(p.shape)) for n, p in theirs.named_parameters()
    ]
    assert (
        getattr(nn, kind)(*args[:-2], 0.5).dropout
        == getattr(torch.nn, kind)(*args[:-2], 0.5).dropout
        == 0.5
    )
    with pytest.raises(ValueError, match=r"dropout.*in \[0, 1\]"):
        getattr(nn, kind)(3, 4, num_layers=2, dropout=1.5)
    with pytest.warns(UserWarning, match="num_layers=1"):
        getattr(nn, kind)(3, 4, dropout=0.2)


@pytest.mark.parametrize("kind", ["RNN", "LSTM", "GRU"])
@pytest.mark.parametrize("bidirectional", [False, True])
def test_recurrent_dropout_between_layers_is_torchs(kind, bidirectional):
    """Training: the layers of torch's module run one at a time with our masks in between give
    our output and gradients; evaluation: no dropout, the same as torch's module."""
    rng = np.random.default_rng(26)
    D = 2 if bidirectional else 1
    ours = getattr(nn, kind)(3, 4, 3, dropout=0.4, bidirectional=bidirectional, rng=rng)
    theirs = getattr(torch.nn, kind)(3, 4, 3, dropout=0.4, bidirectional=bidirectional).double()
    state = ours.state_dict()
    assert "_extra_state" in state  # the masks' generator: ours only (exact resume)
    theirs.load_state_dict({k: torch.tensor(v) for k, v in state.items() if k != "_extra_state"})
    layers = []
    for layer in range(3):
        single = getattr(torch.nn, kind)(3 if layer == 0 else 4 * D, 4, bidirectional=bidirectional)
        single = single.double()
        state = {k.replace(f"_l{layer}", "_l0"): v for k, v in theirs.state_dict().items()
                 if f"_l{layer}" in k}  # fmt: skip
        single.load_state_dict(state)
        layers.append(single)
    x = rng.standard_normal((5, 2, 3))
    X, Xq = Tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    out = ours(X)[0]
    assert len(ours.dropout_masks) == 2
    kept = np.mean(np.concatenate([m.ravel() for m in ours.dropout_masks]))
    assert 0.3 < kept < 0.9  # keep probability 0.6
    h = Xq
    for layer, single in enumerate(layers):
        h = single(h)[0]
        if layer < 2:
            h = h * torch.tensor(ours.dropout_masks[layer]) / 0.6
    _close(out, h, "training output")
    (out * out).sum().backward()
    (h * h).sum().backward()
    _close(X.grad, Xq.grad, "dx")
    ours.eval()
    theirs.eval()
    _close(ours(x)[0], theirs(torch.tensor(x))[0], "evaluation: no dropout")
    assert ours.dropout_masks == []


def test_lstm_proj_size_is_refused_by_name():
    with pytest.raises(TypeError, match="proj_size"):
        nn.LSTM(3, 4, proj_size=2)


# --- losses ---------------------------------------------------------------------------------------

F = torch.nn.functional


def _loss_pair(ours, theirs, x, y, **kwargs):
    X, Xq = Tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    torch_kwargs = {
        k: torch.tensor(v) if isinstance(v, np.ndarray) else v for k, v in kwargs.items()
    }
    J, Jq = ours(X, y, **kwargs), theirs(Xq, torch.tensor(y), **torch_kwargs)
    _close(J, Jq, ours.__name__)
    up = np.random.default_rng(13).uniform(0.5, 1.5, J.shape)
    J.backward(up)
    Jq.backward(torch.tensor(up))
    _close(X.grad, Xq.grad, f"d {ours.__name__}")


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("shape", [(4,), (3, 2), (2, 2, 2)])
def test_elementwise_losses_match_torch_in_every_shape(reduction, shape):
    rng = np.random.default_rng(14)
    z, y = rng.standard_normal(shape) * 3, (rng.random(shape) > 0.5) * 1.0
    soft = rng.random(shape)  # targets in [0, 1], not only labels
    _loss_pair(losses.mse, F.mse_loss, z, soft, reduction=reduction)
    _loss_pair(losses.binary_cross_entropy, F.binary_cross_entropy, 1 / (1 + np.exp(-z)), soft,
               reduction=reduction)  # fmt: skip
    _loss_pair(losses.binary_cross_entropy_with_logits, F.binary_cross_entropy_with_logits,
               z, y, reduction=reduction)  # fmt: skip


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_cross_entropy_matches_torch_with_indices_and_probabilities(reduction):
    rng = np.random.default_rng(15)
    logits = rng.standard_normal((5, 4)) * 3
    _loss_pair(losses.cross_entropy, F.cross_entropy, logits, rng.integers(0, 4, 5),
               reduction=reduction)  # fmt: skip
    _loss_pair(losses.cross_entropy, F.cross_entropy, logits, rng.dirichlet(np.ones(4), 5),
               reduction=reduction)  # fmt: skip


@pytest.mark.parametrize(
    ("loss", "option", "value"),
    [
        (losses.binary_cross_entropy, "weight", np.ones((2, 3))),
        (losses.binary_cross_entropy_with_logits, "weight", np.ones((2, 3))),
        (losses.huber_loss, "weight", np.ones((2, 3))),
    ],
)
def test_loss_options_we_do_not_offer_are_refused_by_name(loss, option, value):
    x = np.full((2, 3), 0.5)
    y = np.array([0, 2]) if loss in (losses.cross_entropy, losses.nll_loss) else np.ones((2, 3))
    with pytest.raises(TypeError, match=option):
        loss(x, y, **{option: value})


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("threshold", [0.5, 1.0, 2.0])
def test_regression_losses_match_torch_at_and_around_their_kinks(reduction, threshold):
    """Differences of exactly 0 (L1's kink: subgradient 0 in both) and exactly the threshold
    (where Huber's two pieces meet) are in the data."""
    rng = np.random.default_rng(16)
    y = rng.standard_normal((3, 4))
    d = rng.standard_normal((3, 4)) * 2
    d[0, :3] = [0.0, threshold, -threshold]
    a = y + d
    a[0, :3] = y[0, :3] + [0.0, threshold, -threshold]
    _loss_pair(losses.l1_loss, F.l1_loss, a, y, reduction=reduction)
    _loss_pair(losses.huber_loss, F.huber_loss, a, y, reduction=reduction, delta=threshold)
    _loss_pair(losses.smooth_l1_loss, F.smooth_l1_loss, a, y, reduction=reduction, beta=threshold)
    _loss_pair(losses.smooth_l1_loss, F.smooth_l1_loss, a, y, reduction=reduction, beta=0.0)


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_nll_loss_matches_torch_and_cross_entropy_is_nll_of_log_softmax(reduction):
    rng = np.random.default_rng(17)
    logits = rng.standard_normal((6, 4)) * 2
    targets = rng.integers(0, 4, 6)
    log_probs = logits - np.log(np.exp(logits).sum(axis=1, keepdims=True))
    _loss_pair(losses.nll_loss, F.nll_loss, log_probs, targets, reduction=reduction)
    Z = Tensor(logits)
    _close(losses.nll_loss(Z.log_softmax(axis=1), targets, reduction),
           losses.cross_entropy(Z, targets, reduction).data)  # fmt: skip


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("weight", [None, np.array([0.5, 2.0, 1.0, 3.0])])
@pytest.mark.parametrize("ignore_index", [-100, 2, -1])
def test_nll_loss_weight_and_ignore_index_match_torch(reduction, weight, ignore_index):
    """PyTorch's nll_loss options; cross_entropy(Z, y, **options) stays
    nll_loss(log_softmax(Z), y, **options)."""
    rng = np.random.default_rng(19)
    logits = rng.standard_normal((7, 4)) * 2
    targets = np.array([0, 2, 1, 3, 2, 0, 1])
    if ignore_index == -1:
        targets[[1, 4]] = -1
    log_probs = logits - np.log(np.exp(logits).sum(axis=1, keepdims=True))
    options = {"ignore_index": ignore_index, "weight": weight}
    if weight is None:
        del options["weight"]
    _loss_pair(losses.nll_loss, F.nll_loss, log_probs, targets, reduction=reduction, **options)
    Z = Tensor(logits)
    _close(losses.nll_loss(Z.log_softmax(axis=1), targets, reduction, **options),
           losses.cross_entropy(Z, targets, reduction, **options).data)  # fmt: skip


def test_nll_loss_checks_weight_and_indices_other_than_ignore_index():
    with pytest.raises(ValueError, match=r"weight of shape \(C,\) = \(3,\)"):
        losses.nll_loss(np.zeros((2, 3)), np.array([0, 1]), weight=np.ones(2))
    with pytest.raises(ValueError, match=r"class indices in \[0, 3\)"):
        losses.nll_loss(np.zeros((2, 3)), np.array([0, -1]))  # -1 is not the ignore_index
    assert losses.nll_loss(np.zeros((2, 3)), np.array([0, -1]), ignore_index=-1).item() == 0.0


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("pos_weight", [np.array([3.0, 0.5, 1.0]), np.array(2.0), np.ones((2, 3))])
def test_bce_with_logits_pos_weight_matches_torch(reduction, pos_weight):
    rng = np.random.default_rng(18)
    z, y = rng.standard_normal((2, 3)) * 3, rng.random((2, 3))
    _loss_pair(losses.binary_cross_entropy_with_logits, F.binary_cross_entropy_with_logits, z,
               y, reduction=reduction, pos_weight=pos_weight)  # fmt: skip


def test_new_losses_check_their_arguments():
    with pytest.raises(ValueError, match="pos_weight to broadcast"):
        losses.binary_cross_entropy_with_logits(np.zeros((2, 3)), np.ones((2, 3)),
                                                pos_weight=np.ones(2))  # fmt: skip
    with pytest.raises(ValueError, match="delta > 0"):
        losses.huber_loss(np.zeros(2), np.zeros(2), delta=0.0)
    with pytest.raises(ValueError, match="beta >= 0"):
        losses.smooth_l1_loss(np.zeros(2), np.zeros(2), beta=-1.0)
    with pytest.raises(TypeError, match="integer class indices"):
        losses.nll_loss(np.zeros((2, 3)), np.array([0.0, 1.0]))
    with pytest.raises(ValueError, match=r"class indices in \[0, 3\)"):
        losses.nll_loss(np.zeros((2, 3)), np.array([0, 3]))
    with pytest.raises(ValueError, match="same shape"):
        losses.l1_loss(np.zeros((2, 1)), np.zeros((1, 2)))


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("weight", [None, np.array([0.5, 2.0, 1.0, 3.0])])
@pytest.mark.parametrize("ignore_index", [-100, 2, -1])
@pytest.mark.parametrize("label_smoothing", [0.0, 0.2, 1.0])
def test_cross_entropy_options_match_torch_with_class_indices(
    reduction, weight, ignore_index, label_smoothing
):
    rng = np.random.default_rng(20)
    logits = rng.standard_normal((6, 4)) * 2
    targets = np.array([0, 2, 1, 2, 3, -1 if ignore_index == -1 else 0])
    kwargs = {"weight": weight, "ignore_index": ignore_index, "label_smoothing": label_smoothing}
    torch_kwargs = {**kwargs, "weight": None if weight is None else torch.tensor(weight)}
    X, Xq = Tensor(logits, requires_grad=True), torch.tensor(logits, requires_grad=True)
    J = losses.cross_entropy(X, targets, reduction, **kwargs)
    Jq = F.cross_entropy(Xq, torch.tensor(targets), reduction=reduction, **torch_kwargs)
    _close(J, Jq, "cross_entropy")
    up = rng.uniform(0.5, 1.5, J.shape)
    J.backward(up)
    Jq.backward(torch.tensor(up))
    _close(X.grad, Xq.grad, "dlogits")


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("weight", [None, np.array([0.5, 2.0, 1.0, 3.0])])
@pytest.mark.parametrize("label_smoothing", [0.0, 0.3])
def test_cross_entropy_options_match_torch_with_probability_targets(
    reduction, weight, label_smoothing
):
    rng = np.random.default_rng(21)
    logits = rng.standard_normal((5, 4)) * 2
    probs = rng.dirichlet(np.ones(4), 5)
    probs[0] = [0.0, 1.0, 0.0, 0.0]
    kwargs = {"weight": weight, "label_smoothing": label_smoothing}
    torch_kwargs = {**kwargs, "weight": None if weight is None else torch.tensor(weight)}
    X, Xq = Tensor(logits, requires_grad=True), torch.tensor(logits, requires_grad=True)
    J = losses.cross_entropy(X, probs, reduction, **kwargs)
    Jq = F.cross_entropy(Xq, torch.tensor(probs), reduction=reduction, **torch_kwargs)
    _close(J, Jq, "cross_entropy")
    J.backward(np.ones(J.shape))
    Jq.backward(torch.ones_like(Jq))
    _close(X.grad, Xq.grad, "dlogits")


def test_cross_entropy_option_errors_teach():
    logits, targets = np.zeros((2, 3)), np.array([0, 2])
    with pytest.raises(TypeError, match="Pass weights by keyword"):
        losses.cross_entropy(logits, targets, np.ones(3))  # torch's third positional: weight
    with pytest.raises(ValueError, match=r"weight of shape \(C,\) = \(3,\)"):
        losses.cross_entropy(logits, targets, weight=np.ones(2))
    with pytest.raises(ValueError, match=r"label_smoothing in \[0, 1\]"):
        losses.cross_entropy(logits, targets, label_smoothing=1.5)
    with pytest.raises(ValueError, match="no ignore_index with probability targets"):
        losses.cross_entropy(logits, np.full((2, 3), 1 / 3), ignore_index=0)
    with pytest.raises(ValueError, match=r"class indices in \[0, 3\)"):
        losses.cross_entropy(logits, np.array([0, -1]))  # -1 is not ignore_index here
    with pytest.raises(TypeError, match="Pass weights by keyword"):
        losses.binary_cross_entropy(np.full((2, 1), 0.5), np.ones((2, 1)), np.ones((2, 1)))


def test_a_torch_state_dict_is_refused_with_the_renames_that_load_it():
    """torch's keys (weight, bias) against the course's (W, b; BatchNorm's gamma, beta): the
    error lists the renames, and the renamed state gives torch's outputs (the oracle)."""
    torch.manual_seed(0)
    theirs = torch.nn.Sequential(
        torch.nn.Linear(3, 4), torch.nn.BatchNorm1d(4), torch.nn.ReLU(), torch.nn.Linear(4, 2)
    ).double()
    ours = nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4), nn.ReLU(), nn.Linear(4, 2))
    state = {k: v.numpy() for k, v in theirs.state_dict().items()}
    with pytest.raises(ValueError) as err:
        ours.load_state_dict(state)
    message = str(err.value)
    assert "got 12 difference(s)" in message and "PyTorch's names?" in message
    renames = {"0.weight": "0.W", "0.bias": "0.b", "1.weight": "1.gamma", "1.bias": "1.beta"}
    assert str(renames)[:-1] in message  # the first four, then "..."
    renames.update({"3.weight": "3.W", "3.bias": "3.b"})
    ours.load_state_dict({renames.get(k, k): v for k, v in state.items()})
    X = np.random.default_rng(20).standard_normal((5, 3))
    ours.eval()
    theirs.eval()
    _close(ours(X), theirs(torch.tensor(X)))


def test_no_torch_names_hint_when_the_keys_are_not_torch_names():
    with pytest.raises(ValueError) as err:
        nn.Linear(3, 2).load_state_dict({"W": np.ones((2, 3)), "bias_": np.zeros(2)})
    assert "PyTorch's names?" not in str(err.value)
