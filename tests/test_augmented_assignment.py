"""``+=``, ``-=``, ``*=``, ``/=``: in place when nothing is recorded, a new graph node otherwise."""

import numpy as np
import pytest

import tinygrad_edu as tg


def test_update_under_no_grad_keeps_the_same_parameter():
    w = tg.Tensor([1.0, 2.0], requires_grad=True)
    (w * w).sum().backward()
    before = w
    with tg.no_grad():
        w -= 0.1 * w.grad
    assert w is before and w.requires_grad  # the PyTorch-style update no longer rebinds w
    np.testing.assert_allclose(w.data, [0.8, 1.6])
    (w * w).sum().backward()  # and it still trains: the new gradient 2w adds to the first
    np.testing.assert_allclose(w.grad, [2.0 + 1.6, 4.0 + 3.2])


def test_accumulating_a_loss_builds_the_graph():
    x = tg.Tensor(2.0, requires_grad=True)
    total = 0
    for k in (1.0, 2.0, 3.0):
        total += k * x  # out of place: a recorded add
    total.backward()
    assert total.op == "add" and x.grad == 6.0


def test_plain_data_is_updated_in_place():
    data = tg.Tensor(np.zeros(3))
    alias = data
    data += 1.0
    data *= 3.0
    data /= 2.0
    assert data is alias
    np.testing.assert_array_equal(alias.data, [1.5, 1.5, 1.5])


def test_in_place_update_of_saved_data_is_caught_at_backward():
    X = tg.Tensor(np.ones((2, 2)))
    W = tg.Tensor(np.ones((2, 2)), requires_grad=True)
    loss = (W @ X).sum()
    X += 1.0  # MatMul saved X for W's gradient
    with pytest.raises(RuntimeError, match="modified in place"):
        loss.backward()
