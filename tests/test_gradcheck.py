"""gradcheck's failure messages: the user's own numbers for a single-number output, a note on the
random projection otherwise (seeded by ``seed=``), and a hint at kinks."""

import numpy as np
import pytest

import tinygrad_edu as tg
from tinygrad_edu import nn
from tinygrad_edu.testing import GradcheckError, gradcheck, gradcheck_module, gradgradcheck


def _half_square(x):
    """x * x with the second factor cut from the graph: x.grad = x, the true gradient is 2x."""
    return x * tg.Tensor(x.data)


def test_a_scalar_output_is_not_projected_so_the_message_shows_the_users_gradient():
    with pytest.raises(GradcheckError) as err:
        gradcheck(lambda x: _half_square(x).sum(), np.array([0.5, 2.0]))
    message = str(err.value)
    assert "analytic 0.5 vs numeric 1 " in message
    assert "sum(R * out)" not in message


def test_a_non_scalar_output_says_the_numbers_are_of_the_projected_sum():
    with pytest.raises(GradcheckError) as err:
        gradcheck(_half_square, np.array([0.5, 2.0]))
    message = str(err.value)
    assert "derivatives of the scalar sum(R * out)" in message and "(seed=0)" in message
    with pytest.raises(GradcheckError, match="sum\\(R \\* out\\)"):
        gradcheck(_half_square, np.array([0.5, 2.0]), fast=True)


def test_seed_seeds_the_projection_weights():
    def analytic_in(message):
        return float(message.split("analytic ")[1].split(" ")[0])

    values = []
    for seed in (0, 1):
        with pytest.raises(GradcheckError, match=f"seed={seed}") as err:
            gradcheck(_half_square, np.array([0.5, 2.0]), seed=seed)
        values.append(analytic_in(str(err.value)))
    R = [np.random.default_rng(seed).uniform(0.5, 1.5, size=2)[0] for seed in (0, 1)]
    assert values == pytest.approx([0.5 * R[0], 0.5 * R[1]])


def test_a_failure_at_a_kink_hints_at_non_differentiable_points():
    with pytest.raises(GradcheckError) as err:
        gradcheck(lambda x: x.relu().sum(), np.array([0.0, 2.0]))
    message = str(err.value)
    assert "analytic 0 vs numeric 0.5" in message
    assert "not differentiable at this point" in message and "ops.md" in message
    with pytest.raises(GradcheckError, match="not differentiable"):
        gradcheck(lambda x: x.relu().sum(), np.array([0.0]), fast=True)


def test_a_wrong_gradient_at_a_smooth_point_has_no_kink_hint():
    with pytest.raises(GradcheckError) as err:
        gradcheck(lambda x: _half_square(x).sum(), np.array([0.5, 2.0]))
    assert "not differentiable" not in str(err.value)


class _Cube(tg.Function):
    """out = x**3; a backward that is right to first order but cuts its own graph."""

    name = "cube"
    __slots__ = ()

    def forward(self, x):
        self.saved = (x,)
        return x**3

    def backward(self, dout):
        (x,) = self.saved
        constant = x.detach() if isinstance(x, tg.Tensor) else x
        return (dout * 3 * x * constant,)  # second derivative 3x instead of 6x


def test_gradgradcheck_of_one_number_shows_the_second_derivative_itself():
    with pytest.raises(GradcheckError) as err:
        gradgradcheck(lambda t: _Cube().apply(t).sum(), np.array([0.5]))
    message = str(err.value)
    assert "analytic 1.5 vs numeric 3 " in message and "Hessian-vector" not in message


def test_gradgradcheck_says_its_numbers_are_a_hessian_vector_product():
    with pytest.raises(GradcheckError) as err:
        gradgradcheck(lambda t: _Cube().apply(t), np.array([0.5, 1.0]), seed=3)
    message = str(err.value)
    assert "Hessian-vector product" in message and "sum(R * out)" in message
    assert "(seed=3)" in message


def test_gradgradcheck_fast_and_elements_catch_a_wrong_second_derivative():
    """The oracle: _Cube's second derivative is 3x where d2(x^3)/dx2 = 6x; a correct cube
    (x**3 composed of tensor ops) passes the same checks."""
    x = np.random.default_rng(4).uniform(0.5, 2.0, size=3000)  # 6x != 3x everywhere
    assert gradgradcheck(lambda t: (t**3).sum(), x, fast=True)
    assert gradgradcheck(lambda t: (t**3).sum(), x, elements=5)
    with pytest.raises(GradcheckError) as err:
        gradgradcheck(lambda t: _Cube().apply(t).sum(), x, fast=True)
    message = str(err.value)
    assert message.startswith("gradgradcheck (second derivative, fast): the directional")
    assert "run gradgradcheck without fast=True" in message
    with pytest.raises(GradcheckError, match=r"of 5 checked elements disagree"):
        gradgradcheck(lambda t: _Cube().apply(t).sum(), x, elements=5)
    assert not gradgradcheck(lambda t: _Cube().apply(t).sum(), x, fast=True,
                             raise_exception=False)  # fmt: skip


def test_gradcheck_module_failure_at_a_kink_has_the_hint():
    model = nn.Sequential(nn.Linear(1, 1))
    model.to(np.float64)
    W, b = model.parameters()
    W.data[...] = 1.0
    b.data[...] = 0.0
    X = np.array([[0.0]])
    with pytest.raises(GradcheckError, match="not differentiable at this point"):
        gradcheck_module(model, lambda: model(X).relu().sum(), elements=[0])


def test_gradcheck_takes_several_outputs_and_finds_a_wrong_one():
    """As torch.autograd.gradcheck: every floating-point output's Jacobian is checked; integer
    outputs (indices) are left out. The oracle is the planted bug: the second output's
    gradient of x * x.detach() is x, not 2x."""
    x = np.array([0.5, -1.0, 2.0])
    assert gradcheck(lambda t: (t.tanh(), (t * t).sum(), t.argmax()), x)
    assert gradcheck(lambda t: t.reshape(1, 3).topk(2), x)  # values and int64 indices
    with pytest.raises(GradcheckError) as err:
        gradcheck(lambda t: (t.tanh(), t * t.detach()), x)
    message = str(err.value)
    assert "2 outputs, flattened and joined, have 6 elements" in message
    with pytest.raises(TypeError, match="holding float"):
        gradcheck(lambda t: (t * 2, 1.0), x)
    with pytest.raises(TypeError, match="none of them floating-point"):
        gradcheck(lambda t: (t.argmax(),), x)
