"""Errors that teach: shape errors with both shapes and a hint, backward errors that name the op
and the user's line, strict broadcasting, and anomaly detection (forward and backward)."""

import os
import sys
import warnings

import numpy as np
import pytest

import tinygrad_edu as tg
from tinygrad_edu import debug, ops

HERE = os.path.abspath(__file__)


def leaf(value, **kw):
    return tg.Tensor(value, requires_grad=True, **kw)


def this_line(offset=0):
    """The line number of the caller (plus ``offset``), to check that errors point there."""
    return sys._getframe(1).f_lineno + offset


@pytest.fixture(autouse=True)
def _switches_off():
    """Every test starts and ends with all debug switches off."""
    debug._set(sites=False, strict=False, anomaly=False)
    yield
    debug._set(sites=False, strict=False, anomaly=False)


# -- shape errors in the forward pass (the traceback already shows the user's line) -----------


def test_matmul_names_both_shapes_and_suggests_the_transpose():
    W, X = leaf(np.ones((5, 12288))), tg.Tensor(np.ones((209, 12288)))
    with pytest.raises(ValueError) as info:
        W @ X
    assert str(info.value) == (
        "matmul: inner dimensions differ: x.shape=(5, 12288) @ y.shape=(209, 12288) "
        "(12288 != 209). Did you mean y.T?"
    )


def test_broadcast_error_aligns_shapes_and_hints_at_rank1():
    with pytest.raises(ValueError, match=r"x.shape=\(3, 4\), y.shape=\(5,\).*\(1, 5\).*\(n, 1\)"):
        tg.ones(3, 4) + tg.ones(5)


def test_reshape_error_counts_elements():
    with pytest.raises(ValueError, match=r"shape \(3, 4\) \(12 elements\) into \(5, 2\).*-1"):
        tg.ones(3, 4).reshape(5, 2)


def test_forward_error_traceback_points_at_user_line():
    line = this_line(2)
    try:
        tg.ones(2, 3) @ tg.ones(2, 3)
    except ValueError as err:
        frames = [(f.f_code.co_filename, lineno) for f, lineno in _walk(err.__traceback__)]
        assert (HERE, line) in frames
    else:
        pytest.fail("no error")


def _walk(tb):
    while tb is not None:
        yield tb.tb_frame, tb.tb_lineno
        tb = tb.tb_next


# -- errors raised during backward name the op and, with sites recorded, the user's line -----


def _break_tanh_backward(monkeypatch):
    def broken(self, dout):
        raise ValueError("operands could not be broadcast together")

    monkeypatch.setattr(ops.Tanh, "backward", broken)


def test_failing_backward_names_op_and_creation_line_when_sites_are_on(monkeypatch):
    _break_tanh_backward(monkeypatch)
    x = leaf([1.0, 2.0])
    with tg.record_sites():
        line = this_line(1)
        y = (x * 2).tanh()
    J = y.sum()
    with pytest.raises(ValueError) as info:
        J.backward()
    message = str(info.value)
    assert message.startswith("backward of 'tanh' (created at ")
    assert f"{HERE}:{line} in test_failing_backward" in message
    assert "`y = (x * 2).tanh()`" in message  # the source line itself
    assert "operands could not be broadcast together" in message
    assert isinstance(info.value.__cause__, ValueError)


def test_failing_backward_without_sites_says_how_to_get_the_line(monkeypatch):
    _break_tanh_backward(monkeypatch)
    y = leaf([1.0, 2.0]).tanh().sum()
    with pytest.raises(ValueError, match=r"backward of 'tanh' \(call tinygrad_edu.record_sites"):
        y.backward()


def test_released_graph_error_names_op_and_line():
    x = leaf(2.0)
    with tg.record_sites():
        line = this_line(1)
        y = (x * x).exp()
    y.backward()
    with pytest.raises(RuntimeError, match=rf"op 'exp', created at .*:{line} in test_released"):
        y.backward()


def test_sites_through_package_code_show_the_user_line_and_the_layer():
    """An op created inside the package (here gradcheck's projection) points at the user's line
    and says which package function it went through."""
    from tinygrad_edu.testing import _projected

    x = leaf([1.0, 2.0])
    with tg.record_sites():
        line = this_line(1)
        J = _projected(lambda t: t * 3.0, [x], [np.ones(2)])
    site = debug.creation_site(J._parents[0])  # the mul inside _projected
    assert (site.filename, site.lineno) == (HERE, line)
    assert site.via is not None and site.via.filename.endswith(
        os.path.join("testing", "__init__.py")
    )
    assert site.via.function == "_projected"


def test_record_sites_call_and_context_forms():
    state = debug._state
    assert not state.sites
    with tg.record_sites():
        assert state.sites and state.active
        with tg.record_sites(False):
            assert not state.sites
        assert state.sites
    assert not state.sites and not state.active
    tg.record_sites()  # plain call: stays on
    line = this_line(1)
    y = leaf(1.0) * 2
    site = debug.creation_site(y)
    assert (site.filename, site.lineno) == (HERE, line)
    tg.record_sites(False)
    assert debug.creation_site(leaf(1.0) * 2) is None


def test_environment_variable_turns_switches_on_in_every_thread(monkeypatch):
    import threading

    monkeypatch.setenv("TINYGRAD_EDU_DEBUG", "sites, strict")
    try:
        debug._from_environment()
        state = debug._state
        assert state.sites and state.strict and not state.anomaly
        seen = []
        worker = threading.Thread(
            target=lambda: seen.append((debug._state.sites, debug._state.strict))
        )
        worker.start()
        worker.join()
        assert seen == [(True, True)]  # the default of threads started later too
        monkeypatch.setenv("TINYGRAD_EDU_DEBUG", "sites,bogus")
        with pytest.warns(UserWarning, match="bogus"):
            debug._from_environment()
    finally:
        monkeypatch.setenv("TINYGRAD_EDU_DEBUG", "")
        debug._from_environment()
    assert not debug._state.sites and not debug._state.strict


# -- strict broadcasting -----------------------------------------------------------------------


def test_rank1_plus_column_is_allowed_by_default():
    assert (tg.ones(5) + tg.ones(5, 1)).shape == (5, 5)  # numpy's rule, silently


@pytest.mark.parametrize(
    ("sx", "sy"),
    [((5,), (5, 1)), ((5, 1), (5,)), ((1, 5), (5, 1)), ((2, 1, 3), (4, 3)), ((3, 1), (1, 4))],
)
def test_strict_mode_rejects_both_operands_stretched(sx, sy):
    with tg.strict_broadcasting():
        with pytest.raises(ValueError, match=r"strict broadcasting: expected one operand to fit"):
            tg.ones(sx) + tg.ones(sy)


def test_strict_message_for_the_course_rank1_trap():
    b = tg.Tensor(np.zeros(5))  # meant (5, 1), as the course warns
    Z = tg.ones(5, 1)
    with tg.strict_broadcasting(), pytest.raises(ValueError) as info:
        Z + b
    assert str(info.value).startswith(
        "add: strict broadcasting: expected one operand to fit the other, got x.shape=(5, 1) and "
        "y.shape=(5,), which numpy would both stretch to (5, 5). y is a rank-1 array: shape (5,) "
        "acts as a row (1, 5); if you meant a column, reshape it to (5, 1)"
    )


@pytest.mark.parametrize(
    ("sx", "sy"),
    [((4, 5), (5,)), ((4, 5), (1, 5)), ((5, 1), (5, 4)), ((4, 5), ()), ((1, 1), (3, 3)),
     ((5, 1), (5, 1)), ((2, 3, 4), (3, 4)), ((1,), (5, 1))],
)  # fmt: skip
def test_strict_mode_allows_one_sided_broadcasting(sx, sy):
    with tg.strict_broadcasting():
        out = tg.ones(sx) * tg.ones(sy)
    assert out.shape == np.broadcast_shapes(sx, sy)


def test_strict_mode_covers_every_broadcasting_op_and_explicit_broadcast_is_the_fix():
    col, row = leaf(np.ones((3, 1))), leaf(np.ones((1, 4)))
    with tg.strict_broadcasting():
        for op in (
            lambda a, b: a - b,
            lambda a, b: a / b,
            lambda a, b: a**b,
            lambda a, b: a.maximum(b),
            lambda a, b: tg.where(np.ones((3, 4), bool), a, b),
        ):
            with pytest.raises(ValueError, match="strict broadcasting"):
                op(col, row)
        outer = col.broadcast_to((3, 4)) * row  # explicit: allowed, and differentiable
    outer.sum().backward()
    np.testing.assert_array_equal(col.grad, np.full((3, 1), 4.0))
    np.testing.assert_array_equal(row.grad, np.full((1, 4), 3.0))


def test_strict_mode_off_again_after_the_block():
    with tg.strict_broadcasting():
        pass
    assert (tg.ones(5) + tg.ones(5, 1)).shape == (5, 5)


# -- anomaly detection -------------------------------------------------------------------------


def test_anomaly_forward_names_op_line_input_ranges_and_fix():
    A = leaf([[0.5, 0.0, 1.0]])
    with tg.detect_anomaly(), warnings.catch_warnings():
        warnings.simplefilter("ignore", tg.LogOfZeroWarning)
        line = this_line(2)
        with pytest.raises(FloatingPointError) as info:
            A.log()
    message = str(info.value)
    assert message.startswith(
        "log: produced -inf in its output (1 of 3 elements) from finite inputs"
    )
    assert f"at {HERE}:{line} in test_anomaly_forward" in message
    assert "x: shape (1, 3) float64, finite values in [0, 1] (1 zero of 3)" in message
    assert "log_sigmoid" in message and "log_softmax" in message


def test_anomaly_forward_exp_overflow_hint():
    with tg.detect_anomaly(), np.errstate(over="ignore"):
        with pytest.raises(FloatingPointError, match=r"(?s)exp: produced inf.*709\.78"):
            leaf([1.0, 1000.0]).exp()


def test_anomaly_reports_nan_that_came_in_with_the_data():
    X = tg.Tensor([1.0, np.nan])
    w = leaf([2.0, 3.0])
    with tg.detect_anomaly(), pytest.raises(FloatingPointError) as info:
        w * X
    assert "input y already contains NaN or inf" in str(info.value)
    assert "y: shape (2,) float64, finite values in [1, 1] (1 NaN of 2)" in str(info.value)


def test_anomaly_backward_names_op_input_and_line():
    x = leaf([0.0, 4.0])
    with tg.detect_anomaly():
        line = this_line(1)
        J = x.sqrt().sum()
        with np.errstate(divide="ignore"), pytest.raises(FloatingPointError) as info:
            J.backward()
    message = str(info.value)
    assert message.startswith(
        "backward of 'sqrt': produced inf in the gradient of its input x from a finite dout."
    )
    assert f"created at {HERE}:{line}" in message
    assert "x: shape (2,) float64, finite values in [0, 4] (1 zero of 2)" in message
    assert "sqrt(x + eps)" in message


def test_anomaly_backward_catches_inf_gradient_of_finite_forward():
    """sqrt(x) at x = 0 is finite forward, but its gradient 1 / (2 sqrt(x)) is inf."""
    x = leaf([0.0, 1.0])
    with tg.detect_anomaly(), np.errstate(divide="ignore", invalid="ignore"):
        J = x.sqrt().sum()
        with pytest.raises(FloatingPointError, match="backward of 'sqrt'"):
            J.backward()


def test_a_zero_upstream_gradient_never_meets_an_infinite_local_derivative():
    """sqrt(x)**2 at x = 0: pow's local derivative 2 sqrt(x) is 0 there, and sqrt's infinite one
    meets that zero: the op table's rule makes the product 0, not 0 * inf = NaN."""
    x = leaf([0.0, 1.0])
    (x.sqrt() ** 2.0).sum().backward()
    np.testing.assert_array_equal(x.grad, [0.0, 1.0])


def test_anomaly_backward_rejects_nan_seed_gradient():
    y = leaf([1.0, 2.0]) * 2
    with tg.detect_anomaly(), pytest.raises(FloatingPointError, match="gradient reaching 'mul'"):
        y.backward(gradient=np.array([1.0, np.nan]))


def test_without_anomaly_mode_an_inf_gradient_warns_once_with_the_op():
    x = leaf([0.0, 4.0])
    with pytest.warns(
        tg.NonFiniteGradientWarning, match="backward of 'sqrt': produced inf"
    ) as seen:
        x.sqrt().sum().backward()
    assert np.isinf(x.grad[0])  # what detect_anomaly exists to stop at
    assert len(seen) == 1


def test_anomaly_mode_catches_direct_data_mutation_between_forward_and_backward():
    w, X = leaf([1.0, 2.0]), tg.Tensor([3.0, 4.0])
    with tg.detect_anomaly():
        J = (w * X).sum()
        X.data[0] = 10.0  # numpy write: invisible to the in-place clock
        with pytest.raises(RuntimeError) as info:
            J.backward()
    assert "'mul' saved for its gradient was changed after the forward pass" in str(info.value)
    assert "element (0,) was 3.0, is now 10.0" in str(info.value)


def test_anomaly_mode_is_quiet_on_healthy_graphs_and_gives_same_gradients():
    rng = np.random.default_rng(0)
    W, X = rng.standard_normal((3, 4)), rng.standard_normal((4, 5))
    grads = []
    for on in (False, True):
        w = leaf(W.copy())
        with tg.detect_anomaly(on):
            J = (w @ tg.Tensor(X)).tanh().log_softmax(axis=0).sum()
            J.backward()
        grads.append(w.grad)
    np.testing.assert_array_equal(grads[0], grads[1])
    assert not tg.is_anomaly_enabled()
