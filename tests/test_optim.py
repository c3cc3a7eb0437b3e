"""SGD (``tinygrad_edu.optim``): the course's update, momentum and weight decay against PyTorch,
no graph recorded by an update, and argument checks."""

import numpy as np
import pytest

from tinygrad_edu import losses, nn
from tinygrad_edu.optim import SGD
from tinygrad_edu.tensor import Tensor


def test_step_is_the_courses_update():
    rng = np.random.default_rng(0)
    W = Tensor(rng.standard_normal((3, 2)), requires_grad=True)
    b = Tensor(rng.standard_normal(3), requires_grad=True)
    W0, b0 = W.data.copy(), b.data.copy()
    X = rng.standard_normal((4, 2))
    ((X @ W.T + b) ** 2).sum().backward()
    dW, db = W.grad.copy(), b.grad.copy()
    SGD([W, b], lr=0.0075).step()
    assert np.array_equal(W.data, W0 - 0.0075 * dW)  # W = W - learning_rate * dW, bit for bit
    assert np.array_equal(b.data, b0 - 0.0075 * db)


def test_step_records_no_graph_and_keeps_leaves():
    W = Tensor([1.0, 2.0], requires_grad=True)
    (W * W).sum().backward()
    SGD([W], lr=0.1).step()
    assert W.is_leaf and W.requires_grad and W._parents == ()


def test_a_graph_recorded_before_step_keeps_the_values_it_saw():
    W = Tensor([1.0, 2.0], requires_grad=True)
    opt = SGD([W], lr=0.5)
    (W * W).sum().backward()
    J = (W * W).sum()  # recorded before the update: saves W's current values
    opt.step()
    W.zero_grad()
    J.backward()
    assert W.grad.tolist() == [2.0, 4.0]  # 2 W with the values J saw, not the updated ones
    assert W.data.tolist() == [0.0, 0.0]


def test_parameters_without_a_gradient_are_left_alone():
    used, unused = Tensor([1.0], requires_grad=True), Tensor([5.0], requires_grad=True)
    (used * 2).sum().backward()
    SGD([used, unused], lr=1.0).step()
    assert used.data.tolist() == [-1.0] and unused.data.tolist() == [5.0]


def test_zero_grad_forgets_gradients():
    W = Tensor([1.0], requires_grad=True)
    opt = SGD([W], lr=0.1)
    (W * 2).sum().backward()
    opt.zero_grad()
    assert W.grad is None


def test_float32_parameters_stay_float32():
    layer = nn.Linear(3, 2, dtype=np.float32)
    opt = SGD(layer.parameters(), lr=0.1, momentum=0.9, weight_decay=0.01)
    for _ in range(2):
        opt.zero_grad()
        layer(np.ones((4, 3), dtype=np.float32)).sum().backward()
        opt.step()
    assert layer.W.dtype == layer.b.dtype == np.float32


def test_learning_rate_can_change_between_steps():
    W = Tensor([0.0], requires_grad=True)
    opt = SGD([W], lr=1.0)
    for lr in (1.0, 0.5):
        opt.lr = lr
        opt.zero_grad()
        (W * 1.0).sum().backward()
        opt.step()
    assert W.data.tolist() == [-1.5]


@pytest.mark.parametrize(
    ("momentum", "weight_decay"), [(0.0, 0.0), (0.9, 0.0), (0.0, 0.1), (0.8, 0.05)]
)
def test_sgd_matches_torch(momentum, weight_decay):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(1)
    X = rng.standard_normal((8, 3))
    Y = (rng.random((8, 1)) > 0.5).astype(np.float64)
    model = nn.Sequential(
        nn.Linear(3, 4, rng=rng), nn.Tanh(), nn.Linear(4, 1, rng=rng), nn.Sigmoid()
    )
    twin = torch.nn.Sequential(
        torch.nn.Linear(3, 4), torch.nn.Tanh(), torch.nn.Linear(4, 1), torch.nn.Sigmoid()
    ).double()
    with torch.no_grad():
        for p_torch, p in zip(twin.parameters(), model.parameters(), strict=True):
            p_torch.copy_(torch.tensor(p.data))  # W (n_out, n_in) is torch's Linear.weight
    ours = SGD(model.parameters(), lr=0.3, momentum=momentum, weight_decay=weight_decay)
    theirs = torch.optim.SGD(
        twin.parameters(), lr=0.3, momentum=momentum, weight_decay=weight_decay
    )
    X_torch, Y_torch = torch.tensor(X), torch.tensor(Y)
    for _ in range(5):
        ours.zero_grad()
        losses.binary_cross_entropy(model(X), Y).backward()
        ours.step()
        theirs.zero_grad()
        torch.nn.functional.binary_cross_entropy(twin(X_torch), Y_torch).backward()
        theirs.step()
    for p_torch, p in zip(twin.parameters(), model.parameters(), strict=True):
        np.testing.assert_allclose(p.data, p_torch.detach().numpy(), rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"lr": 0}, ValueError, "lr > 0"),
        ({"lr": -0.1}, ValueError, "lr > 0"),
        ({"lr": float("nan")}, ValueError, "lr > 0"),
        ({"lr": "0.1"}, TypeError, "lr to be a number"),
        ({"lr": 0.1, "momentum": 1.0}, ValueError, r"momentum in \[0, 1\)"),
        ({"lr": 0.1, "momentum": -0.5}, ValueError, r"momentum in \[0, 1\)"),
        ({"lr": 0.1, "weight_decay": -1}, ValueError, "weight_decay >= 0"),
    ],
)
def test_hyperparameters_are_checked(kwargs, error, match):
    with pytest.raises(error, match=match):
        SGD([Tensor([1.0], requires_grad=True)], **kwargs)


def test_parameter_lists_are_checked():
    W = Tensor([1.0], requires_grad=True)
    with pytest.raises(TypeError, match=r"Wrap it in a list: SGD\(\[W\]"):
        SGD(W, lr=0.1)
    with pytest.raises(ValueError, match="at least one parameter"):
        SGD([], lr=0.1)
    with pytest.raises(ValueError, match="does not require grad"):
        SGD([Tensor([1.0])], lr=0.1)
    with pytest.raises(ValueError, match="is not a leaf"):
        SGD([W * 2], lr=0.1)
    with pytest.raises(ValueError, match="twice"):
        SGD([W, W], lr=0.1)
    with pytest.raises(TypeError, match="got ndarray at position 0"):
        SGD([np.ones(2)], lr=0.1)


# --- every optimizer against torch.optim, step for step ------------------------------------------

SHAPES = [(3, 4), (3,), (1, 3), (1,)]


def _twins(torch, seed=0):
    """The same parameters in tinygrad_edu and torch (float64)."""
    rng = np.random.default_rng(seed)
    values = [rng.standard_normal(shape) for shape in SHAPES]
    ours = [Tensor(v.copy(), requires_grad=True) for v in values]
    theirs = [torch.tensor(v.copy(), requires_grad=True) for v in values]
    return ours, theirs


def _run_both(torch, make_ours, make_theirs, steps=25, sparse_step=None):
    """Feed both optimizers the same random gradients; return the parameter histories."""
    ours, theirs = _twins(torch)
    opt_ours, opt_theirs = make_ours(ours), make_theirs(theirs)
    rng = np.random.default_rng(1)
    for step in range(steps):
        for i, (p, q) in enumerate(zip(ours, theirs, strict=True)):
            if sparse_step is not None and step == sparse_step and i == 1:
                p.grad, q.grad = None, None  # a parameter without a gradient this step
                continue
            g = rng.standard_normal(p.shape)
            p.grad, q.grad = g.copy(), torch.tensor(g.copy())
        opt_ours.step()
        opt_theirs.step()
        for p, q in zip(ours, theirs, strict=True):
            np.testing.assert_allclose(
                p.data, q.detach().numpy(), rtol=1e-12, atol=1e-14, err_msg=f"step {step + 1}"
            )
    return opt_ours, opt_theirs


SGD_CASES = [
    {},
    {"momentum": 0.9},
    {"momentum": 0.9, "dampening": 0.9},
    {"momentum": 0.8, "dampening": 0.3, "weight_decay": 0.01},
    {"momentum": 0.9, "nesterov": True},
    {"momentum": 0.9, "nesterov": True, "weight_decay": 0.1},
    {"weight_decay": 0.05},
]


@pytest.mark.parametrize("kwargs", SGD_CASES)
def test_sgd_matches_torch_step_for_step(kwargs):
    torch = pytest.importorskip("torch")
    _run_both(
        torch,
        lambda ps: SGD(ps, lr=0.05, **kwargs),
        lambda ps: torch.optim.SGD(ps, lr=0.05, **kwargs),
        sparse_step=3,
    )


RMSPROP_CASES = [
    {},
    {"alpha": 0.9},
    {"alpha": 0.9, "eps": 1e-6, "weight_decay": 0.01},
    {"momentum": 0.9},
    {"centered": True},
    {"centered": True, "momentum": 0.5, "weight_decay": 0.1},
]


@pytest.mark.parametrize("kwargs", RMSPROP_CASES)
def test_rmsprop_matches_torch_step_for_step(kwargs):
    torch = pytest.importorskip("torch")
    from tinygrad_edu.optim import RMSprop

    _run_both(
        torch,
        lambda ps: RMSprop(ps, lr=0.01, **kwargs),
        lambda ps: torch.optim.RMSprop(ps, lr=0.01, **kwargs),
        sparse_step=3,
    )


ADAM_CASES = [
    {},
    {"betas": (0.8, 0.99), "eps": 1e-6},
    {"weight_decay": 0.1},
    {"amsgrad": True},
    {"amsgrad": True, "weight_decay": 0.01},
]


@pytest.mark.parametrize("kwargs", ADAM_CASES)
def test_adam_matches_torch_step_for_step(kwargs):
    torch = pytest.importorskip("torch")
    from tinygrad_edu.optim import Adam

    ours, theirs = _run_both(
        torch,
        lambda ps: Adam(ps, lr=0.01, **kwargs),
        lambda ps: torch.optim.Adam(ps, lr=0.01, **kwargs),
    )
    state = theirs.state[theirs.param_groups[0]["params"][0]]
    np.testing.assert_allclose(ours.state[0]["exp_avg"], state["exp_avg"].numpy(), rtol=1e-12)
    np.testing.assert_allclose(ours.state[0]["exp_avg_sq"], state["exp_avg_sq"].numpy(), rtol=1e-12)
    assert ours.steps == int(state["step"]) == 25


@pytest.mark.parametrize("kwargs", [{}, {"weight_decay": 0.1}, {"amsgrad": True}])
def test_adamw_matches_torch_step_for_step(kwargs):
    torch = pytest.importorskip("torch")
    from tinygrad_edu.optim import AdamW

    _run_both(
        torch,
        lambda ps: AdamW(ps, lr=0.01, **kwargs),
        lambda ps: torch.optim.AdamW(ps, lr=0.01, **kwargs),
    )


def test_adam_trains_a_model_like_torch():
    """Through real gradients: autograd's and torch's agree, and so do the updates."""
    torch = pytest.importorskip("torch")
    from tinygrad_edu.optim import Adam

    rng = np.random.default_rng(2)
    X = rng.standard_normal((16, 3))
    Y = (rng.random((16, 1)) > 0.5).astype(np.float64)
    model = nn.Sequential(nn.Linear(3, 5, rng=rng), nn.ReLU(), nn.Linear(5, 1, rng=rng))
    twin = torch.nn.Sequential(torch.nn.Linear(3, 5), torch.nn.ReLU(), torch.nn.Linear(5, 1))
    twin = twin.double()
    with torch.no_grad():
        for q, p in zip(twin.parameters(), model.parameters(), strict=True):
            q.copy_(torch.tensor(p.data))
    ours, theirs = Adam(model.parameters(), lr=0.01), torch.optim.Adam(twin.parameters(), lr=0.01)
    for _ in range(30):
        ours.zero_grad()
        losses.binary_cross_entropy_with_logits(model(X), Y).backward()
        ours.step()
        theirs.zero_grad()
        torch.nn.functional.binary_cross_entropy_with_logits(
            twin(torch.tensor(X)), torch.tensor(Y)
        ).backward()
        theirs.step()
    for q, p in zip(twin.parameters(), model.parameters(), strict=True):
        np.testing.assert_allclose(p.data, q.detach().numpy(), rtol=1e-10, atol=1e-13)


# --- the course's formulas, to the last bit ------------------------------------------------------


def _gradients(steps, shape=(3, 2), seed=3):
    rng = np.random.default_rng(seed)
    return [rng.standard_normal(shape) for _ in range(steps)]


def test_course_momentum_is_sgd_with_dampening_and_a_zero_velocity():
    """Course 2 week 2: v = beta v + (1 - beta) dW; W = W - alpha v, v starting at zeros."""
    beta, alpha = 0.9, 0.0007
    W0 = np.random.default_rng(4).standard_normal((3, 2))
    W = Tensor(W0.copy(), requires_grad=True)
    opt = SGD([W], lr=alpha, momentum=beta, dampening=beta, buffer_init="zeros")
    W_course, v = W0.copy(), np.zeros_like(W0)
    for dW in _gradients(10):
        v = beta * v + (1 - beta) * dW
        W_course = W_course - alpha * v
        W.grad = dW.copy()
        opt.step()
        assert np.array_equal(W.data, W_course)


def test_torch_dampening_differs_from_the_course_only_on_the_first_step():
    """PyTorch starts the velocity at dW (no dampening on step 1); the course at 0."""
    beta, alpha = 0.9, 0.1
    grads = _gradients(5)
    course, torch_like = (
        SGD([Tensor(np.zeros((3, 2)), requires_grad=True)], lr=alpha, momentum=beta,
            dampening=beta, buffer_init=init)
        for init in ("zeros", "grad")
    )  # fmt: skip
    for opt in (course, torch_like):
        for dW in grads:
            opt.params[0].grad = dW.copy()
            opt.step()
    v_course = course.state[0]["momentum_buffer"]
    v_torch = torch_like.state[0]["momentum_buffer"]
    # the two velocities differ by the first gradient's missing (1 - beta) share, decayed
    np.testing.assert_allclose(v_torch - v_course, beta**5 * grads[0], rtol=1e-10, atol=1e-15)


def test_course_adam_formulas_to_the_last_bit():
    from tinygrad_edu.optim import Adam

    beta1, beta2, eps, lr = 0.9, 0.999, 1e-8, 0.0007
    W0 = np.random.default_rng(5).standard_normal((3, 2))
    W = Tensor(W0.copy(), requires_grad=True)
    opt = Adam([W], lr=lr, betas=(beta1, beta2), eps=eps)
    W_course, v, s = W0.copy(), np.zeros_like(W0), np.zeros_like(W0)
    for t, dW in enumerate(_gradients(20), start=1):
        v = beta1 * v + (1 - beta1) * dW
        v_corrected = v / (1 - np.power(beta1, t))
        s = beta2 * s + (1 - beta2) * np.power(dW, 2)
        s_corrected = s / (1 - np.power(beta2, t))
        W_course = W_course - lr * v_corrected / (np.sqrt(s_corrected) + eps)
        W.grad = dW.copy()
        opt.step()
        assert np.array_equal(W.data, W_course), f"t = {t}"


def test_course_rmsprop_formula():
    from tinygrad_edu.optim import RMSprop

    beta2, eps, lr = 0.999, 1e-8, 0.01
    W0 = np.random.default_rng(6).standard_normal((3, 2))
    W = Tensor(W0.copy(), requires_grad=True)
    opt = RMSprop([W], lr=lr, alpha=beta2, eps=eps)
    W_course, s = W0.copy(), np.zeros_like(W0)
    for dW in _gradients(10):
        s = beta2 * s + (1 - beta2) * dW**2
        W_course = W_course - lr * dW / (np.sqrt(s) + eps)
        W.grad = dW.copy()
        opt.step()
    np.testing.assert_allclose(W.data, W_course, rtol=1e-14)


# --- dtypes, state and resuming ------------------------------------------------------------------


def _all_optimizers():
    from tinygrad_edu import optim

    return {
        "SGD": lambda ps: optim.SGD(ps, lr=0.1, momentum=0.9, nesterov=True, weight_decay=0.01),
        "SGD-course": lambda ps: optim.SGD(
            ps, lr=0.1, momentum=0.9, dampening=0.9, buffer_init="zeros"
        ),
        "RMSprop": lambda ps: optim.RMSprop(ps, lr=0.01, momentum=0.5, centered=True),
        "Adam": lambda ps: optim.Adam(ps, lr=0.01, amsgrad=True, weight_decay=0.01),
        "AdamW": lambda ps: optim.AdamW(ps, lr=0.01),
    }


@pytest.mark.parametrize("name", list(_all_optimizers()))
def test_no_optimizer_changes_a_parameters_dtype(name):
    layer = nn.Linear(3, 2, dtype=np.float32)
    opt = _all_optimizers()[name](layer.parameters())
    for _ in range(3):
        opt.zero_grad()
        layer(np.ones((4, 3), dtype=np.float32)).sum().backward()
        layer.W.grad = layer.W.grad.astype(np.float64)  # a float64 gradient, e.g. a mixed product
        opt.step()
    assert layer.W.dtype == layer.b.dtype == np.float32
    for state in opt.state:  # Adam's per-parameter step count is the one integer entry
        assert all(v.dtype == np.float32 for k, v in state.items() if k != "step")


def _train(model, opt, X, Y, steps):
    for _ in range(steps):
        opt.zero_grad()
        losses.binary_cross_entropy_with_logits(model(X), Y).backward()
        opt.step()


@pytest.mark.parametrize("name", list(_all_optimizers()))
def test_training_resumes_exactly_from_a_saved_optimizer(name, tmp_path):
    import tinygrad_edu as tg

    make = _all_optimizers()[name]
    rng = np.random.default_rng(7)
    X, Y = rng.standard_normal((10, 3)), (rng.random((10, 1)) > 0.5) * 1.0

    def fresh():
        return nn.Sequential(nn.Linear(3, 4, rng=np.random.RandomState(0)), nn.Tanh(),
                             nn.Linear(4, 1, rng=np.random.RandomState(1)))  # fmt: skip

    model = fresh()
    opt = make(model.parameters())
    _train(model, opt, X, Y, 5)
    tg.save(model, tmp_path / "model.npz")
    tg.save(opt, tmp_path / "opt.npz")
    _train(model, opt, X, Y, 5)  # the uninterrupted run

    resumed = fresh()
    resumed.load_state_dict(tg.load(tmp_path / "model.npz"))
    opt2 = make(resumed.parameters())
    opt2.load_state_dict(tg.load(tmp_path / "opt.npz"))
    assert opt2.steps == 5
    _train(resumed, opt2, X, Y, 5)
    for p, q in zip(model.parameters(), resumed.parameters(), strict=True):
        assert np.array_equal(p.data, q.data)


def test_load_state_dict_restores_hyperparameters_and_lists_every_problem():
    from tinygrad_edu.optim import Adam

    W = Tensor(np.ones((2, 2)), requires_grad=True)
    opt = Adam([W], lr=0.5, betas=(0.8, 0.9))
    W.grad = np.ones((2, 2))
    opt.step()
    state = opt.state_dict()
    other = Adam([Tensor(np.ones((2, 2)), requires_grad=True)])
    other.load_state_dict(state)
    assert other.lr == 0.5 and other.betas == (0.8, 0.9) and other.steps == 1
    bad = dict(state)
    bad["state.0.exp_avg"] = np.ones((3, 2))
    bad["state.7.exp_avg"] = np.ones((2, 2))
    del bad["eps"]
    with pytest.raises(ValueError) as info:
        other.load_state_dict(bad)
    message = str(info.value)
    assert "3 difference(s); nothing was loaded" in message
    assert "missing from the state: eps" in message
    assert "shape differs at state.0.exp_avg: parameter (2, 2), state (3, 2)" in message
    assert "parameter 7 does not exist" in message


# --- learning-rate schedules ---------------------------------------------------------------------


def _course_update_lr(learning_rate0, epoch_num, decay_rate):
    return (1 / (1 + decay_rate * epoch_num)) * learning_rate0


def _course_schedule_lr_decay(learning_rate0, epoch_num, decay_rate, time_interval=1000):
    return (1 / (1 + decay_rate * np.floor(epoch_num / time_interval))) * learning_rate0


@pytest.mark.parametrize("time_interval", [1, 1000])
def test_inverse_time_decay_is_the_courses_to_the_last_bit(time_interval):
    from tinygrad_edu.optim import InverseTimeDecay

    course = _course_update_lr if time_interval == 1 else _course_schedule_lr_decay
    opt = SGD([Tensor([1.0], requires_grad=True)], lr=0.1)
    schedule = InverseTimeDecay(opt, decay_rate=1, time_interval=time_interval)
    assert opt.lr == 0.1
    for epoch in range(0, 5000, 7):
        assert schedule.step(epoch) == course(0.1, epoch, 1) == opt.lr


def test_a_schedule_per_step_or_per_epoch():
    from tinygrad_edu.optim import InverseTimeDecay

    W = Tensor([0.0], requires_grad=True)
    opt = SGD([W], lr=1.0)
    schedule = InverseTimeDecay(opt, decay_rate=1.0)
    used = []
    for _ in range(3):  # per step: the lr used by each update
        W.grad = np.ones(1)
        used.append(opt.lr)
        opt.step()
        schedule.step()
    assert used == [1.0, 0.5, 1 / 3]
    assert W.data[0] == pytest.approx(-(1 + 0.5 + 1 / 3))


@pytest.mark.parametrize(
    ("ours", "theirs"),
    [
        (lambda o, opt: o.StepLR(opt, step_size=3, gamma=0.5),
         lambda t, opt: t.optim.lr_scheduler.StepLR(opt, step_size=3, gamma=0.5)),
        (lambda o, opt: o.ExponentialLR(opt, gamma=0.9),
         lambda t, opt: t.optim.lr_scheduler.ExponentialLR(opt, gamma=0.9)),
        (lambda o, opt: o.LambdaLR(opt, lambda t: 1 / (1 + t) ** 0.5),
         lambda t, opt: t.optim.lr_scheduler.LambdaLR(opt, lambda e: 1 / (1 + e) ** 0.5)),
        (lambda o, opt: o.MultiStepLR(opt, milestones=[7, 2, 7, 9], gamma=0.5),
         lambda t, opt: t.optim.lr_scheduler.MultiStepLR(opt, milestones=[7, 2, 7, 9], gamma=0.5)),
        (lambda o, opt: o.CosineAnnealingLR(opt, T_max=5, eta_min=0.01),  # and past T_max
         lambda t, opt: t.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=5, eta_min=0.01)),
    ],
)  # fmt: skip
def test_schedules_match_torch(ours, theirs):
    torch = pytest.importorskip("torch")
    from tinygrad_edu import optim

    opt = SGD([Tensor([1.0], requires_grad=True)], lr=0.3)
    q = torch.zeros(1, requires_grad=True)
    torch_opt = torch.optim.SGD([q], lr=0.3)
    schedule, torch_schedule = ours(optim, opt), theirs(torch, torch_opt)
    for _ in range(12):
        assert opt.lr == pytest.approx(torch_opt.param_groups[0]["lr"], rel=1e-14)
        q.grad = torch.zeros(1)
        torch_opt.step()
        schedule.step()
        torch_schedule.step()


def test_schedule_state_dict_round_trip():
    from tinygrad_edu.optim import StepLR

    opt = SGD([Tensor([1.0], requires_grad=True)], lr=1.0)
    schedule = StepLR(opt, step_size=2, gamma=0.5)
    for _ in range(5):
        schedule.step()
    state = schedule.state_dict()
    opt2 = SGD([Tensor([1.0], requires_grad=True)], lr=1.0)
    schedule2 = StepLR(opt2, step_size=2, gamma=0.5)
    schedule2.load_state_dict(state)
    assert opt2.lr == opt.lr == 0.25 and schedule2.last_epoch == 5


# --- gradient clipping ---------------------------------------------------------------------------


@pytest.mark.parametrize("norm_type", [2.0, 1.0, 3.0, float("inf")])
@pytest.mark.parametrize("max_norm", [0.5, 100.0])
def test_clip_grad_norm_matches_torch(norm_type, max_norm):
    torch = pytest.importorskip("torch")
    from tinygrad_edu.optim import clip_grad_norm_

    ours, theirs = _twins(torch)
    rng = np.random.default_rng(8)
    for p, q in zip(ours, theirs, strict=True):
        g = rng.standard_normal(p.shape) * 3
        p.grad, q.grad = g.copy(), torch.tensor(g.copy())
    ours[2].grad = theirs[2].grad = None  # skipped by both
    total = clip_grad_norm_(ours, max_norm, norm_type=norm_type)
    torch_total = torch.nn.utils.clip_grad_norm_(theirs, max_norm, norm_type=norm_type)
    assert float(total) == pytest.approx(float(torch_total), rel=1e-12)
    for p, q in zip(ours, theirs, strict=True):
        if p.grad is not None:
            np.testing.assert_allclose(p.grad, q.grad.numpy(), rtol=1e-12)


def test_clip_grad_value_matches_torch():
    torch = pytest.importorskip("torch")
    from tinygrad_edu.optim import clip_grad_value_

    ours, theirs = _twins(torch)
    for p, q in zip(ours, theirs, strict=True):
        g = np.linspace(-3, 3, p.size).reshape(p.shape)
        p.grad, q.grad = g.copy(), torch.tensor(g.copy())
    clip_grad_value_(ours, 0.7)
    torch.nn.utils.clip_grad_value_(theirs, 0.7)
    for p, q in zip(ours, theirs, strict=True):
        np.testing.assert_array_equal(p.grad, q.grad.numpy())


def test_clip_grad_norm_keeps_float32_and_refuses_nonfinite_on_request():
    from tinygrad_edu.optim import clip_grad_norm_

    W = Tensor(np.zeros(2, dtype=np.float32), requires_grad=True)
    W.grad = np.array([3.0, 4.0], dtype=np.float32)
    clip_grad_norm_(W, 1.0)
    assert W.grad.dtype == np.float32
    np.testing.assert_allclose(W.grad, [0.6, 0.8], rtol=1e-6)
    W.grad = np.array([np.inf, 1.0], dtype=np.float32)
    with pytest.raises(RuntimeError, match="total norm of order 2.0 of the gradients is inf"):
        clip_grad_norm_([W], 1.0, error_if_nonfinite=True)


@pytest.mark.parametrize(
    ("make", "match"),
    [
        (lambda ps: SGD(ps, lr=0.1, nesterov=True), "nesterov"),
        (lambda ps: SGD(ps, lr=0.1, dampening=1.5), r"dampening in \[0, 1\]"),
        (lambda ps: SGD(ps, lr=0.1, buffer_init="ones"), "buffer_init"),
    ],
)
def test_new_sgd_options_are_checked(make, match):
    with pytest.raises(ValueError, match=match):
        make([Tensor([1.0], requires_grad=True)])


def test_adaptive_hyperparameters_are_checked():
    from tinygrad_edu.optim import Adam, RMSprop

    W = Tensor([1.0], requires_grad=True)
    with pytest.raises(ValueError, match=r"beta2 in \[0, 1\)"):
        Adam([W], betas=(0.9, 1.0))
    with pytest.raises(TypeError, match="betas to be a pair"):
        Adam([W], betas=0.9)
    with pytest.raises(ValueError, match=r"alpha in \[0, 1\)"):
        RMSprop([W], alpha=1.5)


def test_multistep_and_cosine_closed_forms_and_checks():
    """step(epoch) gives the closed form, computed here by hand."""
    from tinygrad_edu.optim import CosineAnnealingLR, MultiStepLR

    opt = SGD([Tensor([1.0], requires_grad=True)], lr=0.8)
    multi = MultiStepLR(opt, milestones=[3, 5], gamma=0.1)
    assert [multi.step(t) for t in (0, 2, 3, 4, 5, 9)] == pytest.approx(
        [0.8, 0.8, 0.08, 0.08, 0.008, 0.008], rel=1e-15
    )
    opt2 = SGD([Tensor([1.0], requires_grad=True)], lr=0.8)
    cosine = CosineAnnealingLR(opt2, T_max=4, eta_min=0.2)
    # 0.2 + 0.6 * (1 + cos(pi t / 4)) / 2 at t = 0, 2, 4 and 6: 0.8, 0.5, 0.2, 0.5
    assert [cosine.step(t) for t in (0, 2, 4, 6)] == pytest.approx([0.8, 0.5, 0.2, 0.5], rel=1e-15)
    with pytest.raises(ValueError, match="each milestone >= 1"):
        MultiStepLR(opt, milestones=[0, 2])
    with pytest.raises(TypeError, match="T_max to be an int"):
        CosineAnnealingLR(opt, T_max=2.5)
    with pytest.raises(ValueError, match="eta_min"):
        CosineAnnealingLR(opt, T_max=2, eta_min=-1.0)


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("lr", np.array(np.nan), r"lr: expected a finite learning rate >= 0, got nan"),
        ("lr", np.array(-1.0), r"lr: expected a finite learning rate >= 0, got -1.0"),
        ("lr", np.ones(3), r"lr: expected a number, got shape \(3,\)"),
        ("betas", np.array([0.9]), r"betas: expected 2 numbers"),
        ("betas", np.array([1.5, 0.9]), r"expected beta1 in \[0, 1\)"),
        ("eps", np.array("x"), r"eps: expected a number, got shape \(\) and dtype <U1"),
        ("steps", np.array(-5), r"steps: expected a count >= 0"),
        ("steps", np.array(2.5), r"steps: expected a count >= 0"),
        ("state.0.step", np.array(-1), r"state.0.step: expected a step count >= 0"),
    ],
)
def test_a_crafted_optimizer_state_is_refused_and_nothing_changes(key, value, message):
    # A damaged or crafted checkpoint must not set a NaN or negative learning rate or a negative
    # step count (Adam's bias correction would divide by 1 - beta**t <= 0): the constructor's own
    # checks run on the loaded hyperparameters, and nothing is loaded when one fails.
    from tinygrad_edu.optim import Adam

    p = Tensor(np.ones(2), requires_grad=True)
    opt = Adam([p], lr=0.1)
    p.grad = np.ones(2)
    opt.step()
    bad = dict(opt.state_dict())
    bad[key] = value
    before = {k: np.array(v) for k, v in opt.state_dict().items()}
    with pytest.raises(ValueError, match=message):
        opt.load_state_dict(bad)
    after = opt.state_dict()
    assert all(np.array_equal(before[k], after[k]) for k in before)


def test_a_state_of_a_users_optimizer_whose_constructor_names_things_its_own_way_loads():
    # The constructor check above asks type(self)(params, **hyperparameters); a subclass whose
    # constructor does not take its hyperparameters by name must still load its own state.
    from tinygrad_edu.optim import Optimizer

    class SignSGD(Optimizer):
        hyperparameters = ("lr", "decay")

        def __init__(self, params, learning_rate=0.1):
            super().__init__(params)
            self.lr, self.decay = learning_rate, 0.5

        def step(self):
            for _, p, g in self._grads():
                p.data = p.data - self.lr * np.sign(g)

    p = Tensor(np.ones(2), requires_grad=True)
    saved = SignSGD([p], learning_rate=0.3)
    saved.decay = 0.25
    fresh = SignSGD([p])
    fresh.load_state_dict(saved.state_dict())
    assert (fresh.lr, fresh.decay) == (0.3, 0.25)
    with pytest.raises(ValueError, match="finite learning rate"):  # lr is still checked
        fresh.load_state_dict({**saved.state_dict(), "lr": np.array(np.nan)})


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("base_lr", np.array(np.nan)),
        ("base_lr", np.array(-0.1)),
        ("last_lr", np.array(np.inf)),
        ("last_epoch", np.array(-3)),
        ("last_epoch", np.array(1.5)),
    ],
)
def test_a_crafted_schedule_state_is_refused_and_nothing_changes(key, value):
    from tinygrad_edu.optim import StepLR

    opt = SGD([Tensor(np.ones(2), requires_grad=True)], lr=0.1)
    schedule = StepLR(opt, step_size=2, gamma=0.5)
    for _ in range(3):
        schedule.step()
    state = schedule.state_dict()
    bad = {**state, key: value}
    with pytest.raises(ValueError, match=f"expected {key} to be a"):
        schedule.load_state_dict(bad)
    assert schedule.last_epoch == 3 and opt.lr == 0.05
    schedule.load_state_dict(state)  # the good state still loads
    assert schedule.last_epoch == 3 and opt.lr == 0.05


def test_a_state_with_the_zero_rate_of_a_warm_up_loads():
    # LambdaLR(lambda t: t / 10) sets lr = 0 at its first step; that state must load (the
    # constructor refuses 0 as a starting rate, loading must not).
    from tinygrad_edu.optim import Adam, LambdaLR

    p = Tensor(np.ones(2), requires_grad=True)
    opt = Adam([p], lr=0.1)
    LambdaLR(opt, lambda t: t / 10)
    assert opt.lr == 0.0
    other = Adam([Tensor(np.ones(2), requires_grad=True)], lr=0.1)
    other.load_state_dict(opt.state_dict())
    assert other.lr == 0.0


def test_a_subclass_without_step_or_rate_is_told_what_to_define():
    from tinygrad_edu.optim import LRScheduler, Optimizer

    class Bare(Optimizer):
        lr = 0.1

    opt = Bare([Tensor(np.ones(2), requires_grad=True)])
    with pytest.raises(NotImplementedError, match=r"Bare: an optimizer must define step\(self\)"):
        opt.step()

    class NoRate(LRScheduler):
        pass

    with pytest.raises(
        NotImplementedError, match=r"NoRate: a schedule must define rate\(self, t\)"
    ):
        NoRate(opt)
