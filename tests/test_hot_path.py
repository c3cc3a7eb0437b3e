"""The per-op fast paths: what they skip must not change a result.

- ``debug._departed``: the tensor layer reads one module global per op instead of the thread-local
  grad mode and debug switches; it is empty only while every thread records plainly.
- ``engine._backward_arrays``: the lean loop of ``Tensor.backward()`` (first order) must give
  exactly the gradients of the general loop (``tinygrad_edu.grad``, also used for
  ``create_graph=True``), bit for bit, including the order in which gradients are summed.
"""

from __future__ import annotations

import gc
import sys
import threading

import numpy as np
import pytest
from hypothesis import given, settings
from test_fuzz_graphs import _check_program_is_well_conditioned, programs, run

import tinygrad_edu as tg
from tinygrad_edu import debug


def leaf(values, dtype=np.float64):
    return tg.Tensor(np.asarray(values, dtype=dtype), requires_grad=True)


# -- the plain-recording flag ---------------------------------------------------------------------


def test_plain_flag_follows_grad_mode_and_switches_of_this_thread():
    assert not debug._departed
    with tg.no_grad():
        assert debug._departed
        assert not (leaf([1.0]) * 2).requires_grad
        with tg.enable_grad():
            assert not debug._departed  # back to plain recording in this thread
            assert (leaf([1.0]) * 2).requires_grad
        assert debug._departed
    assert not debug._departed
    with tg.record_sites():
        assert debug._departed
        y = leaf([1.0]) * 2
    assert not debug._departed and debug.creation_site(y) is not None
    y = leaf([1.0]) * 2
    assert debug.creation_site(y) is None


def test_plain_flag_is_off_while_another_thread_is_inside_no_grad():
    inside, checked = threading.Event(), threading.Event()

    def predictor():
        with tg.no_grad():
            inside.set()
            checked.wait(10)

    worker = threading.Thread(target=predictor)
    worker.start()
    try:
        assert inside.wait(10)
        assert debug._departed  # some thread left plain recording: ops read their own thread
        assert debug._state.grad_enabled and (leaf([1.0]) * 2).requires_grad  # this one records
    finally:
        checked.set()
        worker.join(10)
    assert not debug._departed


def test_a_thread_that_ends_with_a_switch_on_only_costs_speed():
    saved = set(debug._departed)
    try:
        worker = threading.Thread(target=tg.record_sites)  # the call form: never switched off
        worker.start()
        worker.join(10)
        assert debug._departed  # the dead thread is still counted: ops take the slow path ...
        y = leaf([1.0, 2.0]) * 3  # ... with the same results in this thread
        assert y.requires_grad and debug.creation_site(y) is None
        y.sum().backward()
        np.testing.assert_array_equal(y._parents[0].grad, [3.0, 3.0])
    finally:
        debug._departed.clear()
        debug._departed.update(saved)


def test_backward_leaves_grad_mode_and_the_flag_as_they_were():
    x = leaf([1.0, 2.0])
    (x * x).sum().backward()
    assert not debug._departed and tg.is_grad_enabled()
    with tg.no_grad():
        y = x * 1.0  # records nothing
    assert not y.requires_grad
    z = (x * x).sum()
    with tg.no_grad():
        z.backward()  # a backward inside no_grad() restores no_grad(), not plain recording
        assert not tg.is_grad_enabled() and debug._departed
    assert tg.is_grad_enabled() and not debug._departed


def _interrupt_at_line(k, code):
    """A tracer that raises KeyboardInterrupt at the k-th line event of ``code`` (a Ctrl-C)."""
    seen = [0]

    def tracer(frame, event, arg):
        if frame.f_code is not code:
            return tracer if event == "call" else None
        if event == "line":
            seen[0] += 1
            if seen[0] == k:
                raise KeyboardInterrupt
        return tracer

    return tracer


@pytest.mark.parametrize("k", range(1, 12))
def test_a_ctrl_c_inside_a_mode_switch_never_leaves_a_thread_wrongly_plain(k):
    """An interrupt at any line of the switch: the thread is never counted plain while it is not,
    and the next switch works. (A lock held by the switch, leaked by a Ctrl-C right after its
    acquire, once made the next backward pass hang in the Ctrl-C tests of fit.)"""
    ident = threading.get_ident()
    x = leaf([1.0, 2.0])
    for body in (lambda: debug._set_grad_enabled(False), lambda: (x * x).sum().backward()):
        sys.settrace(_interrupt_at_line(k, debug._set_grad_enabled.__code__))
        try:
            body()
        except KeyboardInterrupt:
            pass
        finally:
            sys.settrace(None)
        plain = debug._state.grad_enabled and not debug._state.active
        assert plain or ident in debug._departed
        assert gc.isenabled(), "backward left the garbage collector off"  # it pauses it
        assert np.geterrcall() is None, "backward left numpy's error handling changed"
        debug._set_grad_enabled(True)  # what fit does after a Ctrl-C
        assert not debug._departed and tg.is_grad_enabled()
        x.grad = None
        (x * x).sum().backward()
        np.testing.assert_array_equal(x.grad, [2.0, 4.0])
        x.grad = None


# -- the lean first-order loop against the general one --------------------------------------------


def _grads_three_ways(program):
    leaves = program[0]
    first = [tg.Tensor(x.copy(), requires_grad=True) for x in leaves]
    J, _ = run(program, first, "tg")
    J.backward()  # the lean loop
    general = [tg.Tensor(x.copy(), requires_grad=True) for x in leaves]
    J, _ = run(program, general, "tg")
    found = tg.grad(J, general, allow_unused=True)  # the general loop
    graph = [tg.Tensor(x.copy(), requires_grad=True) for x in leaves]
    J, _ = run(program, graph, "tg")
    J.backward(create_graph=True)  # the general loop on tensors
    return [t.grad for t in first], list(found), [t.grad for t in graph]


@settings(max_examples=60)
@given(programs())
def test_lean_loop_equals_the_general_loop_bit_for_bit(program):
    _check_program_is_well_conditioned(program)
    lean, general, on_tensors = _grads_three_ways(program)
    for i, (a, b, c) in enumerate(zip(lean, general, on_tensors, strict=True)):
        if a is None:
            assert b is None and c is None, f"leaf {i}"
            continue
        np.testing.assert_array_equal(a, b.data, err_msg=f"leaf {i}: backward() vs grad()")
        assert a.dtype == b.data.dtype
        np.testing.assert_array_equal(a, c.data, err_msg=f"leaf {i}: vs create_graph=True")


def test_lean_loop_sums_many_consumers_in_the_general_loop_order():
    """A node used five times: its gradient is a sum whose rounding depends on the order."""
    rng = np.random.default_rng(0)
    values = rng.standard_normal(7)

    def build(x):
        parts = [x * float(k) ** 0.5 / 3.0 for k in range(1, 6)]
        total = parts[0]
        for p in parts[1:]:
            total = total + p.tanh()
        return (total * total).sum()

    a = leaf(values)
    build(a).backward()
    b = leaf(values)
    (gb,) = tg.grad(build(b), [b])
    np.testing.assert_array_equal(a.grad, gb.data)


def test_lean_loop_keeps_every_check():
    x = leaf([1.0, 2.0])
    y = (x * 2.0).sum()
    y.backward()
    with pytest.raises(RuntimeError, match="already released"):
        y.backward()
    z = x * 3.0
    z.retain_grad()
    (z * z).sum().backward()
    np.testing.assert_array_equal(z.grad, 2 * z.data)
    w = leaf([1.0, 2.0], np.float32)
    (w * np.array([2.0, 3.0])).sum().backward()  # a float64 constant: the gradient stays float32
    assert w.grad.dtype == np.float32


def test_lean_loop_handles_a_long_chain_with_side_branches():
    x = leaf(np.linspace(-1, 1, 5))
    y = x
    for i in range(3000):
        y = y * 1.0001 if i % 7 else y + (y * 0.5).tanh()
    y.sum().backward()
    z = leaf(np.linspace(-1, 1, 5))
    y = z
    for i in range(3000):
        y = y * 1.0001 if i % 7 else y + (y * 0.5).tanh()
    (gz,) = tg.grad(y.sum(), [z])
    np.testing.assert_array_equal(x.grad, gz.data)
