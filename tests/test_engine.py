"""Named regressions for the classic autograd bugs, the course's J = 3(a + bc), and graph state."""

import gc
import weakref

import numpy as np
import pytest

import tinygrad_edu as tg


def leaf(value, name=None):
    return tg.Tensor(value, requires_grad=True, name=name)


def test_course_computation_graph_values_and_all_derivatives():
    a, b, c = leaf(5.0, "a"), leaf(3.0, "b"), leaf(2.0, "c")
    u = b * c
    v = a + u
    J = 3 * v
    J.backward(retain_grads=True)
    assert (u.item(), v.item(), J.item()) == (6.0, 11.0, 33.0)
    assert (a.grad, b.grad, c.grad) == (3.0, 6.0, 9.0)
    assert (v.grad, u.grad, J.grad) == (3.0, 3.0, 1.0)


def test_intermediate_grads_are_not_kept_unless_asked():
    a, b = leaf(5.0), leaf(3.0)
    u = a * b
    v = u + 1.0
    v.retain_grad()
    (3 * v).backward()
    with pytest.warns(tg.NonLeafGradWarning):  # reading it says why it is None
        assert u.grad is None  # training runs do not pay for every intermediate gradient
    assert v.grad == 3.0


def test_tensor_used_twice_accumulates():
    x = leaf(3.0)
    (x * x).backward()
    assert x.grad == 6.0


def test_diamond():
    x = leaf(2.0)
    (x * x + x).backward()  # d/dx (x^2 + x) = 2x + 1
    assert x.grad == 5.0


def test_row_plus_matrix_broadcast_gradient_is_summed():
    row, mat = leaf(np.ones((1, 3))), leaf(np.ones((4, 3)))
    (row + mat).sum().backward()
    np.testing.assert_array_equal(row.grad, np.full((1, 3), 4.0))
    np.testing.assert_array_equal(mat.grad, np.ones((4, 3)))


def test_scalar_plus_tensor():
    s, t = leaf(1.0), leaf(np.arange(6.0).reshape(2, 3))
    (s + t).sum().backward()
    assert s.grad.shape == () and s.grad == 6.0
    (2.0 + t).sum().backward()  # a Python number on the left
    np.testing.assert_array_equal(t.grad, np.full((2, 3), 2.0))


def test_repeated_fancy_indices_accumulate():
    x = leaf(np.arange(4.0))
    x[np.array([0, 0, 2, 0])].sum().backward()
    np.testing.assert_array_equal(x.grad, [3.0, 0.0, 1.0, 0.0])


def test_gradients_accumulate_across_backward_calls_until_zero_grad():
    x = leaf(2.0)
    (x * 3).backward()
    (x * 3).backward()
    assert x.grad == 6.0
    x.zero_grad()
    assert x.grad is None


def test_backward_twice_through_released_graph_raises():
    x = leaf(2.0)
    y = (x * x).exp()
    y.backward()
    with pytest.raises(RuntimeError, match="already released.*retain_graph=True"):
        y.backward()
    assert x.grad == pytest.approx(4 * np.exp(4))  # not doubled by the failed call


def test_retain_graph_allows_second_backward_and_accumulates():
    x = leaf(2.0)
    y = x * x
    y.backward(retain_graph=True)
    y.backward()
    assert x.grad == 8.0


def test_non_scalar_backward_needs_gradient():
    x = leaf(np.ones(3))
    y = x * 2
    with pytest.raises(RuntimeError, match=r"single-element output.*shape \(3,\).*gradient="):
        y.backward()
    y.backward(gradient=np.array([1.0, 2.0, 3.0]))
    np.testing.assert_array_equal(x.grad, [2.0, 4.0, 6.0])


def test_backward_gradient_shape_is_checked():
    y = leaf(np.ones(3)) * 2
    with pytest.raises(ValueError, match=r"expected a gradient of shape \(3,\)"):
        y.backward(gradient=np.ones(4))


class _WrongShapeGrad(tg.Function):
    """out = x * 2;  dx = dout * 2, but returned with an extra axis of 3 (a bug, on purpose)"""

    name = "wrong_shape"

    def forward(self, x):
        self.saved = ()
        return x * 2

    def backward(self, dout):
        return (np.stack([dout * 2] * 3, axis=-1),)


@pytest.mark.parametrize(
    "run",
    [
        lambda y, x: y.sum().backward(),  # the first-order loop
        lambda y, x: tg.grad(y.sum(), x),  # the loop that serves grad(inputs=...)
        lambda y, x: y.sum().backward(create_graph=True),  # and create_graph
    ],
)
def test_an_op_backward_of_the_wrong_shape_is_reported_as_its_bug(run):
    x = leaf([1.0, 2.0])
    y = _WrongShapeGrad().apply(x)
    message = r"backward of 'wrong_shape': expected a gradient of shape \(2,\) for an input, got"
    with pytest.raises(RuntimeError, match=message) as info:
        run(y, x)
    # a user's Function (this class): the message names its backward; the package's own ops
    # ask for a report instead (tests/test_user_functions.py)
    assert "Check _WrongShapeGrad.backward" in str(info.value)


def test_backward_on_tensor_without_grad_explains():
    with pytest.raises(RuntimeError, match="does not require grad.*requires_grad=True"):
        tg.Tensor(3.0).backward()


def test_no_grad_records_nothing():
    x = leaf(2.0)
    with tg.no_grad():
        y = x * x + 1
    assert not y.requires_grad and y.is_leaf and y._parents == ()
    assert tg.is_grad_enabled()


def test_detach_and_requires_grad_():
    x = leaf(2.0)
    d = (x * 3).detach()
    assert d.is_leaf and not d.requires_grad
    d.requires_grad_()
    (d * d).backward()
    assert d.grad == 12.0 and x.grad is None
    with pytest.raises(RuntimeError, match="only leaf tensors"):
        (x * 3).requires_grad_(False)


def test_integer_tensors_cannot_require_grad():
    with pytest.raises(TypeError, match="floating-point.*int64"):
        tg.Tensor(np.arange(3), requires_grad=True)
    assert tg.Tensor([1, 2]).dtype == np.float64  # Python lists become float64


def test_float32_stays_float32_end_to_end():
    x = tg.Tensor(np.linspace(-2, 2, 6, dtype=np.float32).reshape(2, 3), requires_grad=True)
    W = tg.Tensor(np.ones((4, 3), dtype=np.float32), requires_grad=True)
    y = (x @ W.T * 0.5 + 1).tanh().sigmoid().log_softmax(axis=1)
    loss = (y**2).mean() / 2.0 - 1
    assert loss.dtype == np.float32
    loss.backward()
    assert x.grad.dtype == np.float32 and W.grad.dtype == np.float32


def test_gradients_only_for_inputs_that_need_them():
    X = tg.Tensor(np.ones((3, 2)))  # data
    W = leaf(np.ones((2, 2)))
    (X @ W).sum().backward()
    assert X.grad is None and W.grad is not None


def test_million_node_chain_backward_has_no_recursion_limit():
    x = leaf(np.ones(2))
    y = x
    for _ in range(1_000_000):
        y = y * 1.0
    y.sum().backward()
    np.testing.assert_array_equal(x.grad, [1.0, 1.0])


def test_released_graph_is_garbage_collected():
    gc.disable()  # reference counting alone must free it: no cycles between tensors and ops
    try:
        x = leaf(np.ones(3))
        hidden = (x * 2).tanh()
        probe = weakref.ref(hidden)
        loss = hidden.sum()
        del hidden
        loss.backward()
        assert probe() is not None  # still reachable from loss (it is drawn after backward)
        del loss
        assert probe() is None
    finally:
        gc.enable()


def test_leaf_grads_never_alias_each_other():
    a, b = leaf(np.zeros(3)), leaf(np.zeros(3))
    (a + b).sum().backward()
    a.grad += 1  # a user's in-place change must not leak into b.grad
    np.testing.assert_array_equal(b.grad, np.ones(3))


def test_graph_order_is_the_recorded_order_wherever_the_tensors_live():
    # Parents in argument order, each node after its parents (post-order). Two builds compared
    # with each other could agree by chance (a set's order follows memory addresses); the
    # expected order cannot. The builds differ in creation order and in what else is allocated.
    def build(reverse: bool, padding: int):
        keep = [tg.Tensor(np.zeros(1)) for _ in range(padding)]  # other addresses
        names = ["c", "b", "a"] if reverse else ["a", "b", "c"]
        made = {name: leaf(1.0, name) for name in names}
        a, b, c = made["a"], made["b"], made["c"]
        ab, ca = a * b, c * a
        s = ab + ca
        J = s * b
        ab.name, ca.name, s.name, J.name = "ab", "ca", "s", "J"
        return tg.engine.toposort(J), keep

    for reverse, padding in [(False, 0), (True, 0), (False, 37), (True, 1000)]:
        order, _ = build(reverse, padding)
        assert [n.name for n in order] == ["a", "b", "ab", "c", "ca", "s", "J"]
        parents = [[p.name for p in n._parents] for n in order]
        assert parents == [[], [], ["a", "b"], [], ["c", "a"], ["ab", "ca"], ["s", "b"]]


def test_astype_casts_forward_and_casts_the_gradient_back():
    x = tg.Tensor(np.array([1.5, -2.0], dtype=np.float32), requires_grad=True)
    y = x.astype(np.float64)
    assert y.dtype == np.float64
    (y * np.array([3.0, 4.0])).sum().backward()
    assert x.grad.dtype == np.float32  # the gradient has its input's dtype
    np.testing.assert_array_equal(x.grad, np.array([3.0, 4.0], dtype=np.float32))
