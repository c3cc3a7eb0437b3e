"""The step-by-step backward trace (viz.trace_backward): the engine's order, the chain rule's
numbers on every edge, accumulation, broadcasting, the course's logistic-regression step, layers."""

import io

import numpy as np
import pytest
from course_graph import course_J
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import tinygrad_edu as tg
from tinygrad_edu import losses, nn, ops
from tinygrad_edu.viz import backward_steps, trace_backward


def printed(J, **kwargs) -> str:
    out = io.StringIO()
    trace_backward(J, file=out, **kwargs)
    return out.getvalue()


COURSE_TRACE = """\
Backward pass from J = 33, in the order the engine runs it; dX means dJ/dX.
Each edge applies the chain rule: d(input) = d(output) · ∂output/∂input, the local derivative.

step 1  J = 3 * v = 33  [mul]   dJ = 1 (the start: dJ/dJ = 1)
        J → v:  dv = dJ · ∂J/∂v = 1 · 3 = 3

step 2  v = a + u = 11  [add]   dv = 3
        v → a:  da = dv · ∂v/∂a = 3 · 1 = 3
        v → u:  du = dv · ∂v/∂u = 3 · 1 = 3

step 3  u = b * c = 6  [mul]   du = 3
        u → b:  db = du · ∂u/∂b = du · c = 3 · 2 = 6
        u → c:  dc = du · ∂u/∂c = du · b = 3 · 3 = 9

step 4  c is a leaf: backward stores c.grad = dc = 9
step 5  b is a leaf: backward stores b.grad = db = 6
step 6  a is a leaf: backward stores a.grad = da = 3

Gradients of the leaves (dX = dJ/dX): da = 3,  db = 6,  dc = 9
"""


def test_the_course_J_trace_reads_as_the_course_writes_the_chain_rule():
    # The numbers are the course's (week 2, "Derivatives with a computation graph"): dv = 3,
    # du = dv * 1 = 3, dc = du * b = 3 * 3 = 9, db = du * c = 3 * 2 = 6, da = dv * 1 = 3.
    J, names = course_J()
    assert printed(J, names=names) == COURSE_TRACE


def test_tracing_changes_nothing_before_or_after_backward():
    J, names = course_J()
    printed(J, names=names)
    assert all(t._grad is None for t in names.values())  # no .grad filled
    J.backward()  # the graph was not released by tracing
    assert names["c"].grad == 9
    # after backward (the graph released) the trace re-runs each op on a copy
    assert printed(J, names=names) == COURSE_TRACE
    assert names["c"].grad == 9
    with pytest.raises(RuntimeError, match="already released"):
        J.backward()  # and it did not un-release the engine's graph


def _engine_order(J):
    """The order in which the real engine calls each op's backward (recorded by wrapping)."""
    calls = []
    classes = {type(t._op) for t in tg.engine.toposort(J) if t._op is not None}
    originals = {cls: cls.backward for cls in classes}

    def wrap(cls):
        def backward(self, dout):
            calls.append(self)
            return originals[cls](self, dout)

        return backward

    try:
        for cls in classes:
            cls.backward = wrap(cls)
        J.backward(retain_grads=True)
    finally:
        for cls, fn in originals.items():
            cls.backward = fn
    return calls


def _graphs():
    rng = np.random.RandomState(0)
    x = tg.Tensor(rng.randn(3, 4), requires_grad=True, name="x")
    w = tg.Tensor(rng.randn(4), requires_grad=True, name="w")
    b = tg.Tensor(0.5, requires_grad=True, name="b")
    y = (x * w + b).tanh()
    yield "broadcast and reuse", ((y * y).sum() + (y @ w).mean() + x.sum() * b)
    a = tg.Tensor(1.5, requires_grad=True, name="a")
    diamond = a * a + a
    yield "diamond", diamond * diamond.exp() - a / (a + 1)
    J, _ = course_J()
    yield "course J", J


@pytest.mark.parametrize("label, J", list(_graphs()), ids=lambda v: v if isinstance(v, str) else "")
def test_the_order_and_every_gradient_are_the_engines(label, J):
    trace = backward_steps(J)
    traced = [trace.nodes[s.node]._op for s in trace.steps if not s.leaf]
    assert [id(op) for op in traced] == [id(op) for op in _engine_order(J)], label
    for i, t in enumerate(trace.nodes):
        if t.requires_grad:
            np.testing.assert_array_equal(trace.grads[i], t.grad, err_msg=f"{label}: {i}")


def test_every_edge_is_upstream_times_local_where_a_local_derivative_is_shown():
    for _, J in _graphs():
        for step in backward_steps(J).steps:
            for edge in step.edges:
                if edge.local is not None:
                    np.testing.assert_allclose(step.upstream * edge.local, edge.product)


def test_a_node_used_twice_shows_its_gradients_adding_up():
    x = tg.Tensor(2.0, requires_grad=True)
    J = x * x + x
    text = printed(J, names={"x": x, "J": J})
    assert "J → x:  dx = dJ · ∂J/∂x = 1 · 1 = 1" in text
    assert "dx += d(x * x) · ∂(x * x)/∂x = d(x * x) · x = 1 · 2 = 2" in text
    assert "x is used 3 times, so its gradients add up: dx = 1 + 2 = 3" in text
    assert "dx = 3 + 2 = 5" in text
    assert text.rstrip().endswith("dx = 5")  # 2x + 1 at x = 2


def test_broadcast_reductions_say_which_axis_is_summed():
    rng = np.random.RandomState(1)
    A_prev = tg.Tensor(rng.randn(5, 3), name="A_prev")
    W = tg.Tensor(rng.randn(2, 3), requires_grad=True, name="W")
    b = tg.Tensor(np.zeros(2), requires_grad=True, name="b")  # batch-first bias (n_out,)
    Z = A_prev @ W.T + b
    J = Z.sum()
    trace = backward_steps(J, names=locals())
    text = str(trace)
    assert "Z → b:  db = dZ · ∂Z/∂b = dZ · 1" in text
    assert "summed over axis 0 (b has shape (2,)): db = [5, 5]" in text
    (edge,) = [e for s in trace.steps for e in s.edges if trace.names[e.parent] == "b"]
    assert edge.summed_axes == (0,) and edge.product.shape == (5, 2)
    np.testing.assert_array_equal(edge.contribution, np.sum(np.ones((5, 2)), axis=0))


def test_arrays_show_shapes_and_a_summary():
    x = tg.Tensor(np.arange(12.0).reshape(3, 4), requires_grad=True, name="x")
    J = (x * 2.0).sum()
    text = printed(J, names={"x": x, "J": J})
    assert "x * 2     = (3, 4) min 0  mean 11  max 22" in text
    assert "x.grad = dx = (3, 4) min 2  mean 2  max 2" in text


def test_the_course_logistic_regression_step_dz_is_da_times_a_one_minus_a():
    # One example of week 2's logistic regression, the loss written as the course writes it.
    w1, w2, b = (tg.Tensor(v, requires_grad=True) for v in (0.5, -1.0, 0.1))
    x1, x2, y = 1.0, 2.0, tg.Tensor(1.0)
    z = w1 * x1 + w2 * x2 + b
    a = z.sigmoid()
    L = -(y * a.log() + (1 - y) * (1 - a).log())
    trace = backward_steps(L, names=locals())
    text = str(trace)
    assert "a → z:  dz = da · ∂a/∂z = da · a * (1 - a) = " in text
    (edge,) = [e for s in trace.steps for e in s.edges if trace.names[e.parent] == "z"]
    # the course: da = -y/a + (1 - y)/(1 - a), and dz = da * a(1 - a) = a - y
    a_, y_ = 1 / (1 + np.exp(-(0.5 * 1 - 1 * 2 + 0.1))), 1.0
    np.testing.assert_allclose(trace._upstream[edge.node], -y_ / a_ + (1 - y_) / (1 - a_))
    np.testing.assert_allclose(edge.local, a_ * (1 - a_))
    np.testing.assert_allclose(edge.product, a_ - y_)
    assert f"= {float(a_ - y_):.4g}" in text.split("a → z:")[1].splitlines()[0]


def _planar_model_and_cost():
    rng = np.random.RandomState(2)
    model = nn.Sequential(nn.Linear(2, 4, rng=rng), nn.Tanh(), nn.Linear(4, 1, rng=rng),
                          nn.Sigmoid())  # fmt: skip
    X = tg.Tensor(rng.randn(6, 2), name="X")
    Y = tg.Tensor((rng.rand(6, 1) > 0.5).astype(float), name="Y")
    return model, losses.binary_cross_entropy(model(X), Y)


def test_a_module_graph_collapsed_by_layer_uses_the_course_names():
    model, J = _planar_model_and_cost()
    text = printed(J, names={"model": model}, collapse=model)
    lines = text.splitlines()
    headers = [line for line in lines if line.startswith("-- ")]
    assert headers == [
        "-- after the layers (the cost) --",
        "-- layer 2: Linear 4 → 1 --",
        "-- layer 1: Linear 2 → 4 --",
    ]
    body = "\n".join(lines)
    for expected in ["dZ2 = dA2 · A2 * (1 - A2)", "db2 = dZ2 · 1, summed over axis 0",
                     "dA1 = d(A1 @ W2.T) @ W2", "dZ1 = dA1 · (1 - A1**2)", "dW1 = d(W1.T).T",
                     "W1.grad = dW1", "dA2 += "]:  # fmt: skip
        assert expected in body, expected
    # the printed values are the engine's
    J.backward()
    (line,) = [line for line in lines if line.strip().startswith("b2.grad = db2")]
    assert line.split()[-1] == f"{model[2].b.grad[0]:.4g}"


def test_names_with_control_characters_are_escaped():
    x = tg.Tensor(2.0, requires_grad=True, name="x\x1b[31m\x0c")
    text = printed(x * 3.0)
    assert "\x1b" not in text and "\x0c" not in text
    assert "x\\x1b[31m\\x0c" in text


def test_errors():
    with pytest.raises(TypeError, match="expected a Tensor"):
        trace_backward(3.0)
    with pytest.raises(RuntimeError, match="does not require grad"):
        trace_backward(tg.Tensor(1.0))
    x = tg.Tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(RuntimeError, match="single number"):
        trace_backward(x * 2.0)
    with pytest.raises(ValueError, match="gradient of shape"):
        trace_backward(x * 2.0, gradient=np.ones(3))
    text = str(backward_steps(x * 2.0, gradient=np.array([1.0, -1.0])))
    assert "dJ  = [1, -1]" in text and "the gradient passed in" in text


def test_a_released_graph_whose_inputs_changed_is_refused():
    w = tg.Tensor(2.0, requires_grad=True, name="w")
    J = w * w
    J.backward()
    with tg.no_grad():
        w -= 0.5  # a gradient-descent step changes w in place
    with pytest.raises(RuntimeError, match="changed after the forward pass"):
        trace_backward(J)


def test_leaf_root_and_ops_without_a_product_rule():
    x = tg.Tensor(np.arange(6.0).reshape(2, 3), requires_grad=True, name="x")
    J = x.reshape(3, 2).max()
    text = printed(J, names={"x": x, "J": J})
    assert "(the op's rule)" in text and "x.grad = dx" in text
    leaf = tg.Tensor(4.0, requires_grad=True, name="w")
    assert "w is a leaf: backward stores w.grad = dw = 1" in printed(leaf)


# -- every op of the op table: the trace agrees with the engine and never fails ------------------

try:
    from test_ops import CASES
except ImportError:  # pragma: no cover (test_ops needs hypothesis, as this file does)
    CASES = []


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_every_op_traces_to_the_engines_gradients(case, data):
    drawn = data.draw(case.inputs)
    diff = list(range(len(drawn) - 1)) if case.diff is None else list(case.diff)
    args = list(drawn)
    for i in diff:
        args[i] = tg.Tensor(drawn[i], requires_grad=True)
    with np.errstate(all="ignore"):
        out = case.tg(*args)
        weights = np.random.RandomState(0).randn(*out.shape)
        J = (out * weights).sum()
        trace = backward_steps(J)
        str(trace)  # formats without error
        J.backward(retain_grads=True)
    for i, t in enumerate(trace.nodes):
        if t.requires_grad:
            np.testing.assert_allclose(trace.grads[i], t.grad, rtol=1e-12, atol=0,
                                       err_msg=f"{case.name}: node {i} ({t.op})")  # fmt: skip
    for step in trace.steps:
        for edge in step.edges:
            if edge.local is not None:
                np.testing.assert_allclose(step.upstream * edge.local, edge.product, rtol=1e-10)


def test_op_docstrings_give_a_rule_for_every_input():
    from tinygrad_edu.viz.trace import op_inputs, op_rules

    for name in ops.__all__:
        cls = getattr(ops, name)
        base = getattr(ops, "Function", None) or ops.Op
        if not isinstance(cls, type) or cls is base or not issubclass(cls, base):
            continue
        op = cls.__new__(cls)
        inputs = op_inputs(op)
        rules = op_rules(op)
        if inputs:  # concatenate(*xs) says dx_i
            assert set(inputs) <= set(rules) | {"cond"}, f"{name}: {inputs} vs {sorted(rules)}"
