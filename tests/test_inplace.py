"""In-place safety: Tensor in-place methods work like numpy's, refuse to corrupt a recording
graph, and a write into something an op saved for backward raises instead of a wrong gradient.

What is caught: writes through ``add_``, ``sub_``, ``mul_``, ``div_``, ``copy_``, ``fill_``,
``zero_``, ``clip_`` and ``t[i] = v``, including writes through views (``x.T``, slices, reshapes)
of a saved array. What is not: ``t.data[...] = v`` and other numpy writes (as in PyTorch), unless
``detect_anomaly()`` is on (see test_errors.py).
"""

import gc
import re

import numpy as np
import pytest

import tinygrad_edu as tg
from tinygrad_edu import engine


def leaf(value):
    return tg.Tensor(value, requires_grad=True)


# -- the methods themselves --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "ufunc"),
    [("add_", np.add), ("sub_", np.subtract), ("mul_", np.multiply), ("div_", np.divide)],
)
def test_arithmetic_in_place_matches_numpy_and_returns_self(method, ufunc):
    start = np.arange(6.0).reshape(2, 3) + 1
    other = np.array([2.0, 4.0, 8.0])  # broadcast into self's shape
    t = tg.Tensor(start.copy())
    buffer = t.data
    out = getattr(t, method)(tg.Tensor(other))
    assert out is t and t.data is buffer  # same memory: truly in place
    np.testing.assert_array_equal(t.data, ufunc(start, other))
    getattr(t, method)(2.0)  # numbers too
    np.testing.assert_array_equal(t.data, ufunc(ufunc(start, other), 2.0))


def test_copy_fill_zero_clip_setitem():
    t = tg.Tensor(np.arange(6.0).reshape(2, 3))
    t.copy_(np.ones((2, 3)) * 5)
    np.testing.assert_array_equal(t.data, np.full((2, 3), 5.0))
    t.fill_(2.0)
    np.testing.assert_array_equal(t.data, np.full((2, 3), 2.0))
    t.zero_()
    np.testing.assert_array_equal(t.data, np.zeros((2, 3)))
    t[0, 1] = 7.0
    t[1] = tg.Tensor([1.0, -9.0, 3.0])
    t[t > 5] = 4.0  # a boolean mask as a tensor
    np.testing.assert_array_equal(t.data, [[0.0, 4.0, 0.0], [1.0, -9.0, 3.0]])
    t.clip_(-1.0, 2.0)
    np.testing.assert_array_equal(t.data, [[0.0, 2.0, 0.0], [1.0, -1.0, 2.0]])


def test_float32_stays_float32():
    t = tg.Tensor(np.ones(3, np.float32))
    t.sub_(np.array([0.1, 0.2, 0.3]))  # a float64 operand is cast into self, like numpy's -=
    assert t.dtype == np.float32


def test_shape_dtype_and_read_only_errors():
    t = tg.Tensor(np.ones(3))
    with pytest.raises(ValueError, match=r"add_: expected a value that broadcasts to this tensor's "
                                         r"shape \(3,\).*got shape \(2, 3\)"):  # fmt: skip
        t.add_(np.ones((2, 3)))
    with pytest.raises(
        TypeError, match="add_: expected a value that fits this tensor's dtype int64"
    ):
        tg.arange(3).add_(0.5)
    view = tg.Tensor([1.0, 2.0]).broadcast_to((3, 2))
    with pytest.raises(ValueError, match="mul_: expected writable data, got a read-only array"):
        view.mul_(2.0)
    with pytest.raises(ValueError, match="clip_: expected at least one of lo and hi"):
        t.clip_()


# -- refusing to corrupt a graph that is being recorded ----------------------------------------


def test_leaf_that_requires_grad_cannot_be_changed_in_place_while_recording():
    w = leaf([1.0, 2.0])
    for write in (lambda: w.sub_(0.1), lambda: w.__setitem__(0, 5.0), lambda: w.zero_()):
        with pytest.raises(
            RuntimeError, match="expected a tensor that records no gradient.*no_grad"
        ):
            write()
    np.testing.assert_array_equal(w.data, [1.0, 2.0])  # untouched


def test_intermediate_that_requires_grad_cannot_be_changed_in_place_while_recording():
    y = leaf([1.0, 2.0]) * 2
    with pytest.raises(RuntimeError, match="the result of 'mul' with requires_grad=True"):
        y.add_(1.0)


def test_setitem_value_that_requires_grad_is_refused():
    buffer = tg.zeros(3)
    with pytest.raises(RuntimeError, match="does not pass gradients on.*where, concatenate"):
        buffer[0] = leaf(1.0) * 2


def test_optimizer_style_updates_work():
    """Both update styles of a training loop: in place under no_grad, and numpy on .data."""
    for style in ("sub_", "data"):
        w = leaf([1.0, -2.0])
        for _ in range(3):
            J = (w * w).sum()
            J.backward()
            if style == "sub_":
                with tg.no_grad():
                    w.sub_(0.25 * w.grad)
            else:
                w.data -= 0.25 * w.grad
            w.zero_grad()
        np.testing.assert_allclose(w.data, np.array([1.0, -2.0]) * 0.5**3)


# -- writes after the forward pass are detected at backward ------------------------------------


def test_writing_saved_input_data_after_forward_raises_at_backward():
    w, X = leaf([1.0, 2.0]), tg.Tensor([3.0, 4.0])
    J = (w * X).sum()  # mul saved X to compute dJ/dw = X
    X.add_(1.0)
    with pytest.raises(RuntimeError) as info:
        J.backward()
    message = str(info.value)
    assert message.startswith("backward: 'mul' needs its input y (shape (2,)) to compute its")
    assert "modified in place by add_ after 'mul' used it" in message
    assert w.grad is None  # nothing half-computed


def test_message_names_the_tensor_and_line_when_available():
    w, X = leaf([1.0, 2.0]), tg.Tensor([3.0, 4.0], name="X")
    with tg.record_sites():
        J = (w * X).sum()
    X[0] = 0.0
    with pytest.raises(
        RuntimeError, match=r"input y \('X', shape \(2,\)\).*by setitem.*created at"
    ):
        J.backward()


def test_writing_a_saved_output_is_detected():
    x = leaf([0.5, 1.0])
    y = x.tanh()  # tanh saves its output
    J = (y + 3.0).sum()  # add saves nothing: only tanh needs the values of y
    with tg.no_grad():
        y.mul_(2.0)
    with pytest.raises(RuntimeError, match="'tanh' needs its output"):
        J.backward()


def test_writing_through_a_view_is_detected():
    """X.T is a view of X's memory: writing X changes what matmul saved."""
    W, X = leaf(np.ones((2, 3))), tg.Tensor(np.arange(6.0).reshape(2, 3))
    J = (W @ X.T).sum()
    X.mul_(10.0)
    with pytest.raises(RuntimeError, match="'matmul' needs .* modified in place by mul_"):
        J.backward()


def test_writing_a_parameter_between_retained_backwards_is_detected():
    w = leaf([1.0, 2.0])
    J = (w * w).sum()
    J.backward(retain_graph=True)
    with tg.no_grad():
        w.sub_(0.1 * w.grad)
    with pytest.raises(RuntimeError, match="'mul' needs its input x"):
        J.backward()


def test_writes_that_cannot_change_the_gradient_are_allowed():
    w, X, other = leaf([1.0, 2.0]), tg.Tensor([3.0, 4.0]), tg.Tensor([0.0])
    X.add_(1.0)  # before the forward pass: fine
    J = (w * X + 1.0).sum()
    other.add_(1.0)  # an unrelated tensor
    J.backward()
    np.testing.assert_array_equal(w.grad, [4.0, 5.0])
    X.add_(1.0)  # after backward: fine (the graph is released)


def test_add_saves_nothing_so_writing_its_input_is_harmless():
    w, X = leaf([1.0, 2.0]), tg.Tensor([3.0, 4.0])
    J = (w + X).sum()  # add's gradient does not depend on X
    X.fill_(100.0)
    J.backward()
    np.testing.assert_array_equal(w.grad, [1.0, 1.0])


def test_data_mutation_is_not_caught_without_anomaly_mode():
    """Documented limitation (PyTorch has it too): numpy writes into .data are invisible."""
    w, X = leaf([1.0, 2.0]), tg.Tensor([3.0, 4.0])
    J = (w * X).sum()
    X.data[0] = 10.0
    J.backward()
    np.testing.assert_array_equal(w.grad, [10.0, 4.0])  # the new values: silently "wrong"


def test_reused_memory_address_is_not_mistaken_for_a_write():
    for _ in range(50):
        tg.Tensor(np.ones(4)).add_(1.0)  # written buffers that die right away
    gc.collect()
    w = leaf(np.ones(4))
    X = tg.Tensor(np.ones(4))  # may reuse the id of a dead, written buffer
    J = (w * X).sum()
    J.backward()
    np.testing.assert_array_equal(w.grad, np.ones(4))


def test_write_registry_forgets_dead_buffers():
    for _ in range(2000):
        tg.Tensor(np.ones(2)).add_(1.0)
    assert len(engine._written) < 500


def test_setitem_on_a_result_in_the_graph_says_how_to_set_elements_out_of_place():
    x = tg.Tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = x * 2
    with pytest.raises(RuntimeError, match=r"tg\.where\(mask, value, x\).*masked_fill") as err:
        y[0] = 0.0
    assert len(str(err.value)) < 400  # short
    mask = np.array([True, False, False])  # the suggested form works and keeps the graph
    z = tg.where(mask, 0.0, y)
    z.sum().backward()
    np.testing.assert_array_equal(z.data, [0.0, 4.0, 6.0])
    np.testing.assert_array_equal(x.grad, [0.0, 2.0, 2.0])


@pytest.mark.parametrize(
    "write, hint",
    [
        (lambda y: y.mul_(2.0), "x = x * y"),
        (lambda y: y.div_(2.0), "x = x / y"),
        (lambda y: y.clip_(0.0, 1.0), "x = x.clip(lo, hi)"),
        (lambda y: y.fill_(1.0), "tg.full_like(x, value)"),
    ],
)
def test_each_in_place_write_on_a_result_names_its_own_out_of_place_form(write, hint):
    y = tg.Tensor([1.0, 2.0], requires_grad=True) * 2
    with pytest.raises(RuntimeError, match=re.escape(hint)):
        write(y)
