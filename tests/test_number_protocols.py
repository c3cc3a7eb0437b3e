"""Python's number protocols on tensors, as a learner uses them on a cost: abs(t), f"{t:.3f}",
round(t, 3), int(t), operator.index(t), complex(t), bool(t), math.trunc(t), +t."""

import math
import operator

import numpy as np
import pytest

import tinygrad_edu as tg


def test_abs_is_the_recorded_abs_op():
    x = tg.Tensor([-2.0, 3.0], requires_grad=True)
    y = abs(x)
    np.testing.assert_array_equal(y.data, [2.0, 3.0])
    y.sum().backward()
    np.testing.assert_array_equal(x.grad, [-1.0, 1.0])


@pytest.mark.parametrize("data", [0.693147, [0.693147], [[0.693147]]])
def test_format_spec_formats_the_number_of_a_one_element_tensor(data):
    cost = tg.Tensor(data, requires_grad=True)
    assert f"{cost:.3f}" == "0.693"
    assert "{:>8.2e}".format(cost) == "6.93e-01"  # noqa: UP032 (str.format is the point)
    assert "%.2f" % cost == "0.69"  # noqa: UP031 (%-format is the point)


def test_format_without_spec_is_str_and_an_int_tensor_formats_as_int():
    t = tg.Tensor([1.0, 2.0])
    assert f"{t}" == str(t)
    assert f"{tg.Tensor(np.array(7)):03d}" == "007"


def test_format_spec_on_a_larger_tensor_says_what_to_do():
    with pytest.raises(TypeError, match=r"shape \(2,\).*t\.item\(\).*np\.array2string"):
        f"{tg.Tensor([1.0, 2.0]):.3f}"


def test_round_returns_a_tensor_rounded_as_numpy_without_gradient():
    x = tg.Tensor([0.12345, 2.5, -1.5], requires_grad=True)
    r = round(x, 3)
    assert isinstance(r, tg.Tensor) and not r.requires_grad
    np.testing.assert_array_equal(r.data, np.round(x.data, 3))
    np.testing.assert_array_equal(round(x).data, [0.0, 2.0, -2.0])  # halves to even
    assert round(tg.Tensor(0.693147), 3).item() == 0.693


def test_int_and_trunc_of_one_element_and_refusal_of_more():
    assert int(tg.Tensor([2.7])) == 2 and math.trunc(tg.Tensor(-2.7)) == -2
    assert (math.floor(tg.Tensor(2.5)), math.ceil(tg.Tensor(2.5))) == (2, 3)
    with pytest.raises(ValueError, match="single-element"):
        int(tg.Tensor([1.0, 2.0]))


def test_index_accepts_integer_tensors_of_one_element_only():
    i = tg.Tensor(np.array(2))
    assert operator.index(i) == 2 and [10, 20, 30][i] == 30 and list(range(i)) == [0, 1]
    with pytest.raises(TypeError, match="integer tensor of one element.*float64"):
        operator.index(tg.Tensor(2.0))
    with pytest.raises(TypeError, match="integer tensor of one element"):
        [10, 20, 30][tg.Tensor(np.array([0, 1]))]


def test_complex_bool_and_pos():
    assert complex(tg.Tensor(1.5)) == 1.5 + 0j
    assert bool(tg.Tensor([0.5])) and not bool(tg.Tensor(0.0))
    with pytest.raises(ValueError, match="ambiguous"):
        bool(tg.Tensor([1.0, 2.0]))
    x = tg.Tensor([1.0], requires_grad=True)
    assert +x is x
