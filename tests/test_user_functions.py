"""User-defined ops (``tg.Function``) written or called with PyTorch's habits.

Each mistake a PyTorch user makes with ``torch.autograd.Function`` habits gets an error that names
the user's class and the fix, or works where the meaning is unambiguous (``Cube.apply(x)`` on the
class). The gradient oracle is by hand: d(x**3)/dx = 3 x**2.
"""

from __future__ import annotations

import numpy as np
import pytest

import tinygrad_edu as tg

X = np.array([1.0, -2.0, 0.5])


class Cube(tg.Function):
    "out = x**3;  dx = dout * 3 * x**2"

    name = "cube"

    def forward(self, x):
        self.saved = (x,)
        return x**3

    def backward(self, dout):
        (x,) = self.saved
        return (dout * 3 * x**2,)


class Scale(tg.Function):
    "out = x * factor;  dx = dout * factor"

    name = "scale"
    __slots__ = ("factor",)

    def __init__(self, factor):
        self.factor = factor

    def forward(self, x):
        self.saved = ()
        return x * self.factor

    def backward(self, dout):
        return (dout * self.factor,)


# -- (a) Cube.apply(x) on the class, PyTorch's spelling -----------------------------------------


def test_apply_on_the_class_makes_the_op_first():
    x = tg.Tensor(X, requires_grad=True)
    y = Cube.apply(x)
    y.sum().backward()
    np.testing.assert_array_equal(y.data, X**3)
    np.testing.assert_array_equal(x.grad, 3 * X**2)
    assert y.op == "cube"
    np.testing.assert_array_equal(Cube.apply(X), X**3)  # numpy arrays in, an array out


def test_apply_on_an_instance_is_unchanged():
    x = tg.Tensor(X, requires_grad=True)
    Scale(2.5).apply(x).sum().backward()
    np.testing.assert_array_equal(x.grad, np.full(3, 2.5))
    op = Cube()
    assert op.apply.__self__ is op


def test_the_unbound_call_with_an_op_still_works():
    x = tg.Tensor(X, requires_grad=True)
    tg.Function.apply(Scale(2.0), x).sum().backward()
    np.testing.assert_array_equal(x.grad, np.full(3, 2.0))
    np.testing.assert_array_equal(Cube.apply(Cube(), X), X**3)


def test_apply_on_the_class_of_an_op_with_parameters_says_to_create_it():
    with pytest.raises(TypeError) as info:
        Scale.apply(tg.Tensor(X))
    message = str(info.value)
    assert "Scale.apply(...) was called on the class" in message
    assert "Scale(...).apply(x)" in message and "factor" in message


# -- (b) torch-style static forward(ctx, x) -------------------------------------------------------


@pytest.mark.parametrize("decorator", [staticmethod, classmethod])
@pytest.mark.parametrize("method", ["forward", "backward"])
def test_static_forward_or_backward_is_refused_when_the_class_is_defined(decorator, method):
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x**3

    def backward(ctx, grad_output):
        return grad_output

    body = {"forward": lambda self, x: x, "backward": lambda self, dout: (dout,)}
    body[method] = decorator(forward if method == "forward" else backward)
    with pytest.raises(TypeError) as info:
        type("TorchCube", (tg.Function,), body)
    message = str(info.value)
    assert f"TorchCube.{method} is a {decorator.__name__}" in message
    assert "def forward(self, *arrays)" in message and "self.saved" in message
    assert "TorchCube().apply(x)" in message


# -- (c) a forward that never sets self.saved ------------------------------------------------------


class Forgets(tg.Function):
    name = "forgets"

    def forward(self, x):
        return x**3

    def backward(self, dout):
        return (dout,)


@pytest.mark.parametrize(
    "inputs",
    [
        lambda: tg.Tensor(X, requires_grad=True),
        lambda: tg.Tensor(X),  # nothing to record: still a bug, said at once
        lambda: tg.Tensor(2.0, requires_grad=True),  # a 0-d output (numpy returns a scalar)
        lambda: X,  # numpy arrays
    ],
    ids=["requires_grad", "constant", "0-d", "numpy"],
)
def test_a_forward_that_does_not_set_saved_is_named_at_forward_time(inputs):
    with pytest.raises(RuntimeError) as info:
        Forgets().apply(inputs())
    assert "Forgets.forward must set self.saved (() if nothing)" in str(info.value)


def test_saved_set_to_an_empty_tuple_is_fine():
    x = tg.Tensor(X, requires_grad=True)
    Scale(3.0).apply(x).sum().backward()
    np.testing.assert_array_equal(x.grad, np.full(3, 3.0))


# -- (d) a backward that returns a bare array ------------------------------------------------------


class Bare(tg.Function):
    name = "bare"

    def forward(self, x):
        self.saved = (x,)
        return x**3

    def backward(self, dout):
        (x,) = self.saved
        return dout * 3 * x**2  # the mistake: not a tuple


class WrongShape(tg.Function):
    name = "wrong_shape"

    def forward(self, x):
        self.saved = ()
        return x * 2

    def backward(self, dout):
        return (dout.sum(),)


BARE = "Bare.backward returned one "
TUPLE = "backward must return a tuple, one gradient per input (None where not needed)"


@pytest.mark.parametrize(
    "values",
    [X, np.array(2.0), np.array([2.0]), np.ones((2, 3)), np.ones((1, 3))],
    ids=["1-d", "0-d", "(1,)", "(2, 3)", "(1, 3)"],
)
def test_a_bare_gradient_from_a_user_backward_is_named(values):
    x = tg.Tensor(values, requires_grad=True)
    with pytest.raises(RuntimeError) as info:
        Bare().apply(x).sum().backward()
    message = str(info.value)
    assert BARE in message and TUPLE in message
    assert "please report" not in message


def test_a_bare_gradient_under_create_graph_is_named():
    x = tg.Tensor(X, requires_grad=True)
    with pytest.raises(RuntimeError) as info:
        tg.grad(Bare().apply(x).sum(), [x], create_graph=True)
    assert BARE in str(info.value) and TUPLE in str(info.value)
    assert "please report" not in str(info.value)


def test_a_wrong_shape_from_a_user_backward_names_the_class_not_a_bug_report():
    x = tg.Tensor(X, requires_grad=True)
    with pytest.raises(RuntimeError) as info:
        WrongShape().apply(x).sum().backward()
    message = str(info.value)
    assert "expected a gradient of shape (3,) for an input, got ()" in message
    assert "Check WrongShape.backward" in message and "please report" not in message


def test_the_packages_own_ops_still_ask_for_a_report():
    class PackageBare(Bare):
        __module__ = "tinygrad_edu.ops.elementwise"  # as if it were one of the package's ops

    x = tg.Tensor(X, requires_grad=True)
    with pytest.raises(RuntimeError, match="please report it"):
        PackageBare().apply(x).sum().backward()


def test_a_user_backward_returning_too_few_gradients_is_refused():
    # A 1-tuple for two inputs: zip would silently give the second input no gradient.
    class MulHalf(tg.Function):
        "out = x * y"

        def forward(self, x, y):
            self.saved = (x, y)
            return x * y

        def backward(self, dout):
            x, y = self.saved
            return (dout * y,)

    a = tg.Tensor([1.0, 2.0], requires_grad=True)
    b = tg.Tensor([3.0, 4.0], requires_grad=True)
    with pytest.raises(TypeError, match=r"MulHalf.backward: expected one gradient per input \(2"):
        MulHalf.apply(a, b).sum().backward()
    assert a.grad is None and b.grad is None  # nothing half-written


def test_forward_and_backward_called_by_hand_still_work():
    # Checking one's own op by hand, without apply: needs is unset, so there is no input count
    # to check the gradients against; the wrapped backward must still return them (it raised
    # AttributeError: 'needs').
    op = Cube()
    np.testing.assert_array_equal(op.forward(X), X**3)
    (dx,) = op.backward(np.ones(3))
    np.testing.assert_array_equal(dx, 3 * X**2)
