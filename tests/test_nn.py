"""Layers (``tinygrad_edu.nn``): modules, parameters, state dicts, initializers, and autograd's
gradients against the course's closed-form backward written out here.

The closed forms are the course's, in its layout (examples in columns):
``dZ = A - Y`` at a sigmoid output with the cross-entropy cost, ``dW = dZ A_prev^T / m``,
``db = sum(dZ) / m``, ``dA_prev = W^T dZ``, ``dZ = dA * (Z > 0)`` for ReLU and
``dZ = dA * (1 - A^2)`` for tanh. The layers are batch-first, so the data is transposed going in
and the gradients are compared with the course's ``dW`` directly (W has the course's shape).
"""

import course_reference as ref
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tinygrad_edu import losses, nn
from tinygrad_edu.tensor import Tensor
from tinygrad_edu.testing import gradcheck

RTOL = 1e-10


def sigmoid(Z):
    return 1 / (1 + np.exp(-Z))


# --- Parameter -----------------------------------------------------------------------------------


def test_parameter_is_a_leaf_that_requires_grad():
    W = nn.Parameter(np.ones((2, 3)), name="W")
    assert isinstance(W, Tensor) and W.requires_grad and W.is_leaf and W.name == "W"
    assert repr(W).startswith("Parameter([[1., 1., 1.]")


def test_parameter_keeps_float32():
    assert nn.Parameter(np.ones(3, dtype=np.float32)).dtype == np.float32


def test_parameter_of_integers_is_refused():
    with pytest.raises(TypeError, match="only floating-point"):
        nn.Parameter(np.arange(3))


def test_ops_on_parameters_give_plain_tensors():
    W = nn.Parameter(np.ones(2))
    out = W * 2
    assert type(out) is Tensor and out.op == "mul"


# --- Module: parameters, modes, repr -------------------------------------------------------------


class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.first = nn.Linear(3, 4)
        self.scale = nn.Parameter(np.ones(4), name="scale")
        self.heads = [nn.Linear(4, 2), nn.Linear(4, 1)]
        self.note = "not a parameter"

    def forward(self, X):
        A = self.first(X) * self.scale
        return [head(A) for head in self.heads]


def test_named_parameters_list_own_then_sub_modules_in_assignment_order():
    # a module's own parameters first, then each child's (depth first), as PyTorch does
    names = [name for name, _ in Block().named_parameters()]
    assert names == [
        "scale",
        "first.W",
        "first.b",
        "heads.0.W",
        "heads.0.b",
        "heads.1.W",
        "heads.1.b",
    ]
    assert names == [name for name, _ in Block().named_parameters()]  # the same every time


def test_parameters_match_named_parameters():
    block = Block()
    assert block.parameters() == [p for _, p in block.named_parameters()]
    assert [p.shape for p in block.parameters()] == [(4,), (4, 3), (4,), (2, 4), (2,), (1, 4), (1,)]


def test_a_shared_parameter_is_listed_once():
    first, second = nn.Linear(2, 2), nn.Linear(2, 2)
    second.W = first.W
    model = nn.Sequential(first, second)
    assert [name for name, _ in model.named_parameters()] == ["0.W", "0.b", "1.b"]


def test_named_modules_walks_every_module_once():
    inner = nn.Sequential(nn.Linear(2, 2), nn.ReLU())
    model = nn.Sequential(inner, nn.Linear(2, 1), inner)
    assert [name for name, _ in model.named_modules()] == ["", "0", "0.0", "0.1", "1"]


def test_named_modules_handles_very_deep_nesting():
    model = nn.Linear(1, 1)
    for _ in range(5000):  # deeper than Python's recursion limit
        model = nn.Sequential(model)
    assert len(model.parameters()) == 2


def test_zero_grad_forgets_every_gradient():
    model = nn.Sequential(nn.Linear(3, 2), nn.Sigmoid())
    model(np.ones((4, 3))).sum().backward()
    assert all(p.grad is not None for p in model.parameters())
    model.zero_grad()
    assert all(p.grad is None for p in model.parameters())


def test_train_and_eval_reach_every_module():
    model = nn.Sequential(nn.Linear(2, 2), nn.Sequential(nn.ReLU()))
    assert model.eval() is model
    assert [m.training for _, m in model.named_modules()] == [False] * 4
    model.train()
    assert [m.training for _, m in model.named_modules()] == [True] * 4


def test_a_module_that_skips_super_init_still_works():
    class Bare(nn.Module):
        def __init__(self):
            self.layer = nn.Linear(2, 1)

        def forward(self, X):
            return self.layer(X)

    bare = Bare()
    assert bare.training and [name for name, _ in bare.named_parameters()] == ["layer.W", "layer.b"]
    assert not bare.eval().training and not bare.layer.training


def test_forward_must_be_defined():
    class Empty(nn.Module):
        pass

    with pytest.raises(NotImplementedError, match="Empty.forward"):
        Empty()(1.0)


def test_repr_shows_the_structure():
    model = nn.Sequential(nn.Linear(2, 4, init="course_small"), nn.LeakyReLU(0.2), nn.Linear(4, 1))
    assert repr(model) == (
        "Sequential(\n"
        "  (0): Linear(n_in=2, n_out=4, init='course_small')\n"
        "  (1): LeakyReLU(slope=0.2)\n"
        "  (2): Linear(n_in=4, n_out=1, init='course_deep')\n"
        ")"
    )


# --- state_dict / load_state_dict ----------------------------------------------------------------


def test_state_dict_holds_copies():
    layer = nn.Linear(3, 2)
    state = layer.state_dict()
    assert list(state) == ["W", "b"]
    state["W"][:] = 7.0
    assert not np.any(layer.W.data == 7.0)


def test_state_round_trips():
    source = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 1))
    target = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 1))
    result = target.load_state_dict(source.state_dict())
    assert result.missing_keys == [] and result.unexpected_keys == []
    for (name, p), (_, q) in zip(source.named_parameters(), target.named_parameters(), strict=True):
        assert np.array_equal(p.data, q.data), name
        assert p.data is not q.data


def test_load_state_dict_accepts_tensors():
    layer = nn.Linear(2, 1)
    layer.load_state_dict({"W": Tensor([[1.0, 2.0]]), "b": Tensor([3.0])})
    assert layer.W.data.tolist() == [[1.0, 2.0]] and layer.b.data.tolist() == [3.0]


def test_load_state_dict_reports_every_difference_and_loads_nothing():
    model = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 1))
    before = model.state_dict()
    state = model.state_dict()
    state["0.W"] = state["0.W"].T  # (3, 4) instead of (4, 3)
    state["0.b"] = state["0.b"].astype(np.float32)
    del state["2.b"]
    state["2.weight"] = np.zeros((1, 4))
    with pytest.raises(ValueError) as info:
        model.load_state_dict(state)
    message = str(info.value)
    assert message.startswith("load_state_dict: expected a state matching Sequential's parameters")
    assert "4 difference(s)" in message
    assert "missing from the state:  2.b (1,) float64" in message
    assert "unexpected in the state: 2.weight (1, 4) float64" in message
    assert "shape differs at 0.W: model (4, 3), state (3, 4)  (transposed?)" in message
    assert "dtype differs at 0.b: model float64, state float32" in message
    after = model.state_dict()
    assert all(np.array_equal(before[k], after[k]) for k in before)


def test_load_state_dict_not_strict_skips_missing_and_extra_keys():
    model = nn.Sequential(nn.Linear(2, 2), nn.Linear(2, 1))
    result = model.load_state_dict({"0.W": np.eye(2), "extra": np.zeros(1)}, strict=False)
    assert result.missing_keys == ["0.b", "1.W", "1.b"] and result.unexpected_keys == ["extra"]
    assert np.array_equal(model[0].W.data, np.eye(2))


def test_load_state_dict_not_strict_still_checks_shapes():
    with pytest.raises(ValueError, match="shape differs at W"):
        nn.Linear(2, 2).load_state_dict({"W": np.zeros((3, 3))}, strict=False)


# --- Linear --------------------------------------------------------------------------------------


def test_linear_computes_a_prev_w_transpose_plus_b():
    rng = np.random.default_rng(0)
    layer = nn.Linear(5, 3, rng=rng)
    layer.b.data = rng.standard_normal(3)
    X = rng.standard_normal((7, 5))
    Z = layer(X)
    assert Z.shape == (7, 3)
    np.testing.assert_allclose(Z.data, X @ layer.W.data.T + layer.b.data, rtol=1e-14)


def test_linear_gradients_pass_gradcheck():
    rng = np.random.default_rng(1)
    X, W, b = rng.standard_normal((4, 3)), rng.standard_normal((2, 3)), rng.standard_normal(2)

    def layer_out(W, b, X):
        layer = nn.Linear(3, 2)
        layer.W, layer.b = W, b
        return layer(X).tanh()

    gradcheck(layer_out, W, b, X)


def test_linear_refuses_the_course_layout_with_a_hint():
    layer = nn.Linear(12288, 7)
    with pytest.raises(ValueError) as info:
        layer(np.zeros((12288, 209)))
    message = str(info.value)
    assert "expected an input of shape (m, 12288)" in message and "(12288, 209)" in message
    assert "pass X.T" in message


def test_linear_accepts_a_single_example():
    assert nn.Linear(3, 2)(np.ones(3)).shape == (2,)


@pytest.mark.parametrize("bad", [0, -1, 2.5, True, "3"])
def test_linear_sizes_must_be_positive_ints(bad):
    with pytest.raises(ValueError, match="positive int"):
        nn.Linear(bad, 2)


def test_unknown_init_lists_the_known_ones():
    with pytest.raises(ValueError, match="'course_deep'.*'he'"):
        nn.Linear(2, 2, init="kaiming")


def test_custom_init_function():
    def ones(n_out, n_in, rng=None, dtype=np.float64):
        return np.ones((n_out, n_in), dtype=dtype)

    layer = nn.Linear(3, 2, init=ones)
    assert layer.W.data.tolist() == [[1.0] * 3] * 2 and layer.init == "ones"
    with pytest.raises(ValueError, match=r"expected init to return W of shape \(n_out, n_in\)"):
        nn.Linear(3, 2, init=lambda n_out, n_in, rng=None, dtype=None: np.ones((n_in, n_out)))
    # Conv2d draws W as (C_out, C_in * kh * kw) with the same initializers, then reshapes it
    conv = nn.Conv2d(2, 4, 3, init=ones)
    assert conv.W.shape == (4, 2, 3, 3) and conv.init == "ones" and conv.W.data.min() == 1.0
    with pytest.raises(ValueError, match=r"Conv2d: expected init to return W of shape .*\(4, 18\)"):
        nn.Conv2d(2, 4, 3, init=lambda n_out, n_in, rng=None, dtype=None: np.ones((n_in, n_out)))
    with pytest.raises(ValueError, match="Conv2d: expected init to be one of"):
        nn.Conv2d(2, 4, 3, init="kaiming")


def test_float32_layers_stay_float32():
    layer = nn.Linear(3, 2, dtype=np.float32)
    assert layer.W.dtype == layer.b.dtype == np.float32
    Z = layer(np.ones((4, 3), dtype=np.float32))
    assert Z.dtype == np.float32
    Z.sum().backward()
    assert layer.W.grad.dtype == layer.b.grad.dtype == np.float32


# --- initializers --------------------------------------------------------------------------------


def test_layers_draw_the_courses_weights_in_layer_order():
    """``np.random.seed(1)`` then the course's ``initialize_parameters_deep``."""
    dims = [12288, 20, 7, 5, 1]
    np.random.seed(1)
    model = nn.Sequential(*[nn.Linear(dims[i - 1], dims[i]) for i in range(1, 5)])
    np.random.seed(1)
    for i, layer in enumerate(model, start=1):
        expected = np.random.randn(dims[i], dims[i - 1]) / np.sqrt(dims[i - 1])
        assert np.array_equal(layer.W.data, expected), f"W{i}"
        assert np.array_equal(layer.b.data, np.zeros(dims[i])), f"b{i}"


def test_course_small_is_randn_times_0_01_in_order():
    """The two-layer model: ``np.random.seed(1)``; W1 = randn(7, 12288) * 0.01; W2 = randn(1, 7) *
    0.01."""
    np.random.seed(1)
    first, second = nn.Linear(12288, 7, init="course_small"), nn.Linear(7, 1, init="course_small")
    np.random.seed(1)
    assert np.array_equal(first.W.data, np.random.randn(7, 12288) * 0.01)
    assert np.array_equal(second.W.data, np.random.randn(1, 7) * 0.01)


@pytest.mark.parametrize(
    ("init", "scale"),
    [
        ("course_small", lambda n_out, n_in: 0.01),
        ("course_deep", lambda n_out, n_in: 1 / np.sqrt(n_in)),
        ("he", lambda n_out, n_in: np.sqrt(2 / n_in)),
        ("xavier", lambda n_out, n_in: np.sqrt(2 / (n_in + n_out))),
    ],
)
def test_initializers_scale_a_standard_normal_draw(init, scale):
    n_out, n_in = 300, 200
    W = nn.INITIALIZERS[init](n_out, n_in, rng=np.random.RandomState(3))
    expected = np.random.RandomState(3).randn(n_out, n_in) * scale(n_out, n_in)
    np.testing.assert_allclose(W, expected, rtol=1e-14)
    assert W.std() == pytest.approx(scale(n_out, n_in), rel=0.02)


def test_a_generator_works_as_rng():
    W = nn.init_he(4, 3, rng=np.random.default_rng(5))
    np.testing.assert_allclose(W, np.random.default_rng(5).standard_normal((4, 3)) * np.sqrt(2 / 3))


def test_a_passed_rng_leaves_the_global_state_alone():
    np.random.seed(7)
    nn.Linear(10, 10, rng=np.random.RandomState(0))
    after = np.random.randn()
    np.random.seed(7)
    assert after == np.random.randn()


def test_zeros_init_draws_nothing():
    np.random.seed(1)
    layer = nn.Linear(3, 2, init="zeros")
    assert not layer.W.data.any()
    assert np.random.randn() == pytest.approx(1.6243453636632417)  # the first draw after seed 1


def test_float32_init_is_the_float64_draw_rounded():
    np.random.seed(1)
    W32 = nn.Linear(4, 3, init="he", dtype=np.float32).W.data
    np.random.seed(1)
    assert W32.dtype == np.float32
    assert np.array_equal(W32, (np.random.randn(3, 4) * np.sqrt(2 / 4)).astype(np.float32))


# --- Sequential and activations ------------------------------------------------------------------


def test_sequential_applies_layers_in_order_and_indexes():
    model = nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1), nn.Sigmoid())
    X = np.random.default_rng(0).standard_normal((5, 2))
    W1, b1, W2, b2 = (p.data for p in model.parameters())
    expected = sigmoid(np.maximum(X @ W1.T + b1, 0) @ W2.T + b2)
    np.testing.assert_allclose(model(X).data, expected, rtol=1e-12)
    assert len(model) == 4 and isinstance(model[1], nn.ReLU) and list(model)[3] is model[3]


def test_sequential_names_parameters_like_the_course():
    model = nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1))
    assert [p.name for p in model.parameters()] == ["W1", "b1", "W2", "b2"]
    named = nn.Linear(2, 2)
    named.W.name = "encoder"
    nn.Sequential(named)
    assert named.W.name == "encoder"  # a name you chose is kept


def test_sequential_refuses_a_class_with_a_hint():
    with pytest.raises(TypeError, match=r"Did you mean ReLU\(\)"):
        nn.Sequential(nn.Linear(2, 2), nn.ReLU)


@pytest.mark.parametrize(
    ("module", "expected"),
    [
        (nn.ReLU(), lambda z: np.maximum(z, 0)),
        (nn.LeakyReLU(0.1), lambda z: np.where(z > 0, z, 0.1 * z)),
        (nn.Tanh(), np.tanh),
        (nn.Sigmoid(), sigmoid),
        (nn.Identity(), lambda z: z),
    ],
)
def test_activations_match_numpy(module, expected):
    Z = np.linspace(-3, 3, 13).reshape(1, 13)
    np.testing.assert_allclose(np.asarray(module(Tensor(Z)).data), expected(Z), rtol=1e-12)
    assert module.parameters() == []


# --- autograd vs the course's closed-form gradients ----------------------------------------------


def _data(seed, m, n_x):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n_x, m))  # the course's layout (n_x, m)
    Y = (rng.random((1, m)) > 0.5).astype(np.float64)  # (1, m)
    return X, Y


@given(seed=st.integers(0, 2**16), m=st.integers(1, 12), n_x=st.integers(1, 6))
def test_logistic_regression_gradients_equal_the_courses(seed, m, n_x):
    X, Y = _data(seed, m, n_x)
    layer = nn.Linear(n_x, 1, rng=np.random.default_rng(seed))
    layer.b.data = np.array([0.3])
    J = losses.binary_cross_entropy(nn.Sigmoid()(layer(X.T)), Y.T)
    J.backward()
    # the course: A = sigmoid(w.T X + b); dw = X (A - Y)^T / m; db = sum(A - Y) / m
    w, b = layer.W.data.T, layer.b.data[0]
    A = sigmoid(w.T @ X + b)
    dw = X @ (A - Y).T / m
    db = np.sum(A - Y) / m
    np.testing.assert_allclose(layer.W.grad, dw.T, rtol=RTOL, atol=1e-15)
    np.testing.assert_allclose(layer.b.grad, [db], rtol=RTOL, atol=1e-15)


@given(
    seed=st.integers(0, 2**16), m=st.integers(1, 12), n_x=st.integers(1, 5), n_h=st.integers(1, 6)
)
def test_tanh_hidden_layer_gradients_equal_the_courses(seed, m, n_x, n_h):
    X, Y = _data(seed, m, n_x)
    rng = np.random.default_rng(seed + 1)
    model = nn.Sequential(
        nn.Linear(n_x, n_h, init="he", rng=rng),
        nn.Tanh(),
        nn.Linear(n_h, 1, init="he", rng=rng),
        nn.Sigmoid(),
    )
    model[0].b.data = rng.standard_normal(n_h)
    J = losses.binary_cross_entropy(model(X.T), Y.T)
    J.backward()
    # the course's week 3 backward
    W1, b1, W2, b2 = model[0].W.data, model[0].b.data[:, None], model[2].W.data, model[2].b.data
    A1 = np.tanh(W1 @ X + b1)  # (n_h, m)
    A2 = sigmoid(W2 @ A1 + b2[:, None])  # (1, m)
    dZ2 = A2 - Y
    dW2 = dZ2 @ A1.T / m
    db2 = np.sum(dZ2, axis=1, keepdims=True) / m
    dZ1 = (W2.T @ dZ2) * (1 - A1**2)  # tanh'(Z1) = 1 - A1^2
    dW1 = dZ1 @ X.T / m
    db1 = np.sum(dZ1, axis=1, keepdims=True) / m
    for got, expected in [
        (model[0].W.grad, dW1),
        (model[0].b.grad, db1[:, 0]),
        (model[2].W.grad, dW2),
        (model[2].b.grad, db2[:, 0]),
    ]:
        np.testing.assert_allclose(got, expected, rtol=RTOL, atol=1e-15)


@given(
    seed=st.integers(0, 2**16),
    m=st.integers(1, 10),
    dims=st.lists(st.integers(1, 6), min_size=2, max_size=4),
)
def test_relu_network_gradients_equal_the_courses(seed, m, dims):
    """[LINEAR -> RELU] * (L-1) -> LINEAR -> SIGMOID, checked layer by layer, dA_prev included."""
    dims = [*dims, 1]
    X, Y = _data(seed, m, dims[0])
    rng = np.random.default_rng(seed + 2)
    linears = [nn.Linear(dims[i - 1], dims[i], rng=rng) for i in range(1, len(dims))]
    for layer in linears:
        layer.b.data = rng.standard_normal(layer.n_out) * 0.5
    L = len(linears)
    # forward, keeping each hidden A so its gradient (the course's dA) can be read
    A, hidden = Tensor(X.T), []
    for layer in linears[:-1]:
        A = layer(A).relu()
        hidden.append(A.retain_grad())
    J = losses.binary_cross_entropy(linears[-1](A).sigmoid(), Y.T)
    J.backward()
    # the course's L_model_forward / L_model_backward, examples in columns
    As, Zs = [X], []
    for i, layer in enumerate(linears, start=1):
        Z = layer.W.data @ As[-1] + layer.b.data[:, None]
        Zs.append(Z)
        As.append(sigmoid(Z) if i == L else np.maximum(Z, 0))
    dZ = As[-1] - Y  # sigmoid + cross-entropy
    for i in range(L, 0, -1):
        layer = linears[i - 1]
        dW = dZ @ As[i - 1].T / m
        db = np.sum(dZ, axis=1, keepdims=True) / m
        np.testing.assert_allclose(layer.W.grad, dW, rtol=RTOL, atol=1e-15, err_msg=f"dW{i}")
        np.testing.assert_allclose(layer.b.grad, db[:, 0], rtol=RTOL, atol=1e-15, err_msg=f"db{i}")
        if i > 1:
            dA_prev = layer.W.data.T @ dZ  # (n_{i-1}, m)
            # The course's dA and dZ are per-example derivatives: it applies the cost's 1/m only
            # in dW and db. Autograd's .grad is dJ/dA of the mean cost, so it is dA / m.
            np.testing.assert_allclose(
                hidden[i - 2].grad, dA_prev.T / m, rtol=RTOL, atol=1e-15, err_msg=f"dA{i - 1}"
            )
            dZ = dA_prev * (Zs[i - 2] > 0)  # relu'(Z) = 1 where Z > 0, else 0 (also at 0)


def test_relu_derivative_at_exactly_zero_is_zero_as_in_the_course():
    layer = nn.Linear(1, 1, init="zeros")  # Z = 0 for every example
    A = layer(np.ones((3, 1))).relu()
    A.sum().backward()
    assert layer.W.grad.tolist() == [[0.0]] and layer.b.grad.tolist() == [0.0]


@pytest.mark.parametrize("model", ["planar", "deep"])
def test_autograd_equals_the_oracles_closed_form_gradients(model):
    """The same check against tests/course_reference.py's backward (written independently)."""
    rng = np.random.default_rng(4)
    X = rng.standard_normal((3, 9))
    Y = (rng.random((1, 9)) > 0.5).astype(np.float64)
    if model == "planar":
        params = ref.planar_init(3, 4, 1, seed=0)
        _, grads = ref.planar_grads(params, X, Y)
        network = nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 1), nn.Sigmoid())
    else:
        params = ref.deep_init((3, 5, 4, 1), seed=0)
        _, grads = ref.deep_grads(params, X, Y)
        network = nn.Sequential(
            nn.Linear(3, 5), nn.ReLU(), nn.Linear(5, 4), nn.ReLU(), nn.Linear(4, 1), nn.Sigmoid()
        )
    linears = [m for m in network if isinstance(m, nn.Linear)]
    for i, layer in enumerate(linears, start=1):
        layer.W.data, layer.b.data = params[f"W{i}"].copy(), params[f"b{i}"][:, 0].copy()
    losses.binary_cross_entropy(network(X.T), Y.T).backward()
    for i, layer in enumerate(linears, start=1):
        np.testing.assert_allclose(layer.W.grad, grads[f"dW{i}"], rtol=1e-9, atol=1e-15)
        np.testing.assert_allclose(layer.b.grad, grads[f"db{i}"][:, 0], rtol=1e-9, atol=1e-15)
