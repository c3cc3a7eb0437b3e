"""Switches that find mistakes: creation sites, strict broadcasting, anomaly detection, log(0).

Layer: ``debug``, just above ``ops`` (it reads op names, shapes and saved arrays; imports numpy and
the standard library only). The tensor layer reads one module global, ``_departed``, per op;
every check here runs only while a switch is on, so a training run pays nothing for them.

Each switch works as a call (on for the rest of the program) and as a ``with`` block (on inside
it, the previous setting restored after)::

    tg.record_sites()              # errors in backward() name the line that created the op
    with tg.detect_anomaly():      # stop at the first NaN/Inf, forward or backward
        J.backward()
    with tg.strict_broadcasting(): # (5,) + (5, 1) -> (5, 5) raises instead of broadcasting
        Z = W @ X + b

The environment variable ``TINYGRAD_EDU_DEBUG`` (a comma-separated subset of ``sites``, ``strict``
and ``anomaly``) turns switches on at import, without touching the code.

The switches, like grad mode (``no_grad``), are per thread, as in PyTorch: a ``with`` block or a
call in one thread never changes what another thread records. The environment variable sets the
default of every thread.
"""

from __future__ import annotations

import linecache
import math
import os
import sys
import threading
import warnings
from collections.abc import Callable, Sequence
from types import FrameType

import numpy as np

__all__ = [
    "LogOfZeroWarning",
    "NonFiniteGradientWarning",
    "Site",
    "creation_site",
    "detect_anomaly",
    "is_anomaly_enabled",
    "record_sites",
    "strict_broadcasting",
]

_INPUT_NAMES = ("x", "y")


def _input_names(count: int) -> tuple[str, ...]:
    """How error messages call an op's inputs: x, y as in the op docstrings; x0, x1, ... beyond."""
    return _INPUT_NAMES[:count] if count <= 2 else tuple(f"x{i}" for i in range(count))


class _Switches(threading.local):
    """Per-thread state that every op reads: grad mode and the debug switches.

    Class attributes are the defaults each new thread starts from; an assignment through
    ``_state`` changes the current thread only, and must go through ``_set`` or
    ``_set_grad_enabled`` (which keep ``active`` and the process-wide ``_departed`` up to date).
    ``grad_enabled`` belongs to the engine's ``no_grad``/``enable_grad``; it lives here so that all
    per-thread state is in one object.
    """

    grad_enabled = True
    sites = False
    strict = False
    anomaly = False
    active = False  # sites or strict or anomaly


_state = _Switches()

# The hot path's one read. Reading an attribute of a thread-local object costs about 400 CPU
# instructions more than reading a module global (callgrind), and an op read two of them: about
# 5% of a small op. So the tensor layer reads ``_departed``, the set of threads whose state is not
# plain (grad mode off or a debug switch on; by ``threading.get_ident()``), and looks at its own
# thread's ``_state`` only when the set is not empty. ``_ENVIRONMENT`` stays in the set while
# TINYGRAD_EDU_DEBUG turns switches on for every new thread. A thread that ends with a switch
# left on (a call, not a ``with`` block) stays in the set until a thread with its identifier
# returns to plain recording: ops take the slower path meanwhile, with the same results.
#
# No lock: ``set.add`` and ``set.discard`` are single steps under the GIL and idempotent, and the
# membership is recomputed from the thread's state on every change, so a Ctrl-C (KeyboardInterrupt)
# landing anywhere in between can leave at most an extra member (the slower path), never a missing
# one. (A ``with lock:`` block is not safe here: an interrupt right after the acquire leaks the
# lock, and the next backward pass deadlocks.)
_departed: set = set()
_ENVIRONMENT = "TINYGRAD_EDU_DEBUG"


def _set_grad_enabled(enabled: bool) -> bool:
    """Set this thread's grad mode; return the previous one (``no_grad``, ``backward``: the lean
    form of ``_set(grad_enabled=...)``, run once or twice per training step)."""
    state = _state
    previous = state.grad_enabled
    if enabled and not state.active:
        state.grad_enabled = True  # the state first, then the set: never plain by mistake
        _departed.discard(threading.get_ident())
    else:
        _departed.add(threading.get_ident())
        state.grad_enabled = enabled
    return previous


def _set(
    sites: bool | None = None,
    strict: bool | None = None,
    anomaly: bool | None = None,
    grad_enabled: bool | None = None,
) -> None:
    """Change the current thread's switches given (None: leave as is); recompute ``active`` and
    the process-wide ``_departed``."""
    state = _state
    ident = threading.get_ident()
    _departed.add(ident)  # while the state changes (removed below if it ends plain)
    if sites is not None:
        state.sites = bool(sites)
    if strict is not None:
        state.strict = bool(strict)
    if anomaly is not None:
        state.anomaly = bool(anomaly)
    if grad_enabled is not None:
        state.grad_enabled = bool(grad_enabled)
    state.active = state.sites or state.strict or state.anomaly
    if state.grad_enabled and not state.active:
        _departed.discard(ident)


class _Restore:
    """What a switch returns: ignore it to keep the setting, or use it in ``with`` to undo it."""

    __slots__ = ("_undo",)

    def __init__(self, undo: Callable[[], None]) -> None:
        self._undo = undo

    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc_info) -> None:
        self._undo()  # an exception inside the block goes on (None: not swallowed)


def record_sites(enabled: bool = True) -> _Restore:
    """Record, for every op put in a graph, the line of your code that created it.

    Errors raised later by ``backward()`` (a released graph, a tensor modified in place, a failing
    op) then name that line. Off by default: walking the call stack adds about 17% to the cost of
    a small elementwise op (measured on a (16,) tensor); ``detect_anomaly()`` turns it on too.

    >>> import tinygrad_edu as tg
    >>> with tg.record_sites():
    ...     y = tg.Tensor(2.0, requires_grad=True) * 3
    >>> tg.debug.creation_site(y).function
    '<module>'
    """
    previous = _state.sites
    _set(sites=enabled)
    return _Restore(lambda: _set(sites=previous))


def strict_broadcasting(enabled: bool = True) -> _Restore:
    """Raise instead of silently broadcasting *both* operands of an elementwise op.

    Numpy turns ``(5,) + (5, 1)`` into a ``(5, 5)`` table without a word; so does a column minus a
    row (``Y - A`` with ``Y: (1, m)`` and ``A: (m, 1)``). In strict mode such an op raises
    ``ValueError`` with both shapes and the fix. Broadcasting one operand (a bias row, a scalar) is
    still allowed; write an intended outer operation with an explicit ``broadcast_to``.

    >>> import tinygrad_edu as tg
    >>> with tg.strict_broadcasting():
    ...     tg.ones(5) + tg.ones(5, 1)
    Traceback (most recent call last):
    ...
    ValueError: add: strict broadcasting: expected one operand to fit the other, got ...
    """
    previous = _state.strict
    _set(strict=enabled)
    return _Restore(lambda: _set(strict=previous))


def detect_anomaly(enabled: bool = True) -> _Restore:
    """Stop at the first NaN or Inf produced by an op, in the forward or the backward pass.

    The error (``FloatingPointError``) names the op, the line that created it, the shapes and
    ranges of its inputs, and the usual fix. It also records creation sites and checks that the
    values an op saved for backward were not changed through ``.data`` in between (by keeping a
    copy of them: use it to find a bug, not for training runs).

    >>> import tinygrad_edu as tg
    >>> w = tg.Tensor([1.0, 2.0], requires_grad=True)
    >>> with tg.detect_anomaly():
    ...     J = (w * float("nan")).sum()
    Traceback (most recent call last):
    ...
    FloatingPointError: mul: input y already contains NaN or inf...
    """
    previous = _state.anomaly
    _set(anomaly=enabled)
    return _Restore(lambda: _set(anomaly=previous))


def is_anomaly_enabled() -> bool:
    """True while ``detect_anomaly()`` is on.

    >>> is_anomaly_enabled()
    False
    """
    return _state.anomaly


# ---------------------------------------------------------------------------------------------
# Creation sites
# ---------------------------------------------------------------------------------------------

_PACKAGE = os.path.dirname(__file__) + os.sep
# The core layers: a frame in them is the library at work, not a layer or loss the user called.
_CORE = (_PACKAGE + "ops" + os.sep, _PACKAGE + "tensor" + os.sep, _PACKAGE + "debug.py",
         _PACKAGE + "engine.py", _PACKAGE + "autograd.py")  # fmt: skip


class Site:
    """Where an op was created: the first frame outside tinygrad_edu (your line), and ``via``, the
    frame inside the package's higher layers (a layer or a loss) that it went through, if any."""

    __slots__ = ("filename", "lineno", "function", "via")

    def __init__(self, filename: str, lineno: int, function: str, via: Site | None = None):
        self.filename, self.lineno, self.function, self.via = filename, lineno, function, via

    def __repr__(self) -> str:
        return f"Site({self.filename!r}, {self.lineno}, {self.function!r}, via={self.via!r})"

    def __str__(self) -> str:
        code = linecache.getline(self.filename, self.lineno).strip()
        text = f"{self.filename}:{self.lineno} in {self.function}"
        if code:
            text += f": `{code}`"
        if self.via is not None:
            text += f" (via {self.via.filename}:{self.via.lineno} in {self.via.function})"
        return text


def _capture(frame, snapshot: tuple | None = None) -> tuple:
    """An op's trace: ``(code, last instruction, via, snapshot)`` for the first frame from
    ``frame`` outward that lies outside the package. ``via`` is the same kind of tuple for the
    first frame inside the package but outside its core (a layer or a loss), or None; code is
    None when no frame lies outside the package (the command line). One plain tuple, and the
    line number is looked up only when an error needs it: ``frame.f_lineno`` scans the code's
    line table, which costs more than a small op. This runs once per op while sites are on."""
    via = None
    code = frame.f_code
    while code.co_filename.startswith(_PACKAGE):
        if via is None and not code.co_filename.startswith(_CORE):
            via = (code, frame.f_lasti, None, None)
        frame = frame.f_back
        if frame is None:
            return (None, 0, via, snapshot)
        code = frame.f_code
    return (code, frame.f_lasti, via, snapshot)


def _lineno(code, lasti: int) -> int:
    for start, end, line in code.co_lines():
        if start <= lasti < end and line is not None:
            return line
    return code.co_firstlineno


def _site(trace: tuple | None) -> Site | None:
    if trace is None:
        return None
    code, lasti, via, _ = trace
    if code is None:
        return _site(via)
    return Site(code.co_filename, _lineno(code, lasti), code.co_name, _site(via))


def user_site(skip: int = 1) -> Site | None:
    """The site of the caller ``skip`` frames up, skipping tinygrad_edu's own frames."""
    return _site(_capture(sys._getframe(skip + 1)))


def creation_site(t) -> Site | None:
    """Where the op that produced tensor ``t`` was created, if sites were recorded at the time.

    >>> import tinygrad_edu as tg
    >>> with tg.record_sites():
    ...     y = tg.Tensor(2.0, requires_grad=True) * 3
    >>> creation_site(y).lineno, creation_site(y).function
    (2, '<module>')
    """
    op = getattr(t, "_op", t)  # a tensor or an op
    return _site(getattr(op, "trace", None))


def _user_stacklevel() -> int:
    """``stacklevel`` for ``warnings.warn`` called in this module that points at the user's line."""
    level = 1
    frame: FrameType | None = sys._getframe(1)
    while frame is not None and frame.f_code.co_filename.startswith(_PACKAGE):
        frame = frame.f_back
        level += 1
    return level


def site_of(op) -> str:
    """``'created at <file:line ...>'`` for error messages, or how to get that line."""
    site = creation_site(op)
    if site is not None:
        return f"created at {site}"
    return (
        "call tinygrad_edu.record_sites() (or set TINYGRAD_EDU_DEBUG=sites) before the forward "
        "pass to see the line that created it"
    )


# ---------------------------------------------------------------------------------------------
# Checks run after each forward op (only while a switch is on)
# ---------------------------------------------------------------------------------------------


def after_forward(op, parents: Sequence, out: np.ndarray, recorded: bool) -> None:
    """Strict broadcasting, forward anomaly detection, and the op's trace, in that order.

    ``parents`` are the op's input tensors. When the op is ``recorded`` in a graph, ``op.trace``
    gets its raw creation site (see ``_capture`` and ``creation_site``) and, in anomaly mode,
    copies of what the op saved for backward.
    """
    state = _state
    if state.strict and op.elementwise and op.broadcasts and len(parents) == 2:
        sx, sy = parents[0].data.shape, parents[1].data.shape
        if sx != sy and sx != out.shape and sy != out.shape:  # neither operand fits the result
            _check_broadcast(op, sx, sy, out.shape)
    if state.anomaly and out.dtype.kind in "fc" and not np.isfinite(out).all():
        raise FloatingPointError(_forward_anomaly(op, [p.data for p in parents], out))
    if recorded and (state.sites or state.anomaly):
        snapshot = None
        if state.anomaly and op.saved:  # bytes: the cheapest exact copy to compare (NaN included)
            snapshot = tuple(s.tobytes() if isinstance(s, np.ndarray) else None
                             for s in op.saved)  # fmt: skip
        op.trace = _capture(sys._getframe(2), snapshot)


def _stretched(shape: tuple[int, ...], out: tuple[int, ...]) -> bool:
    """Did broadcasting repeat this operand along some axis (a size-1 operand never counts)?"""
    if math.prod(shape) == 1:
        return False
    padded = (1,) * (len(out) - len(shape)) + tuple(shape)
    return any(n == 1 and m != 1 for n, m in zip(padded, out, strict=True))


def _check_broadcast(op, sx: tuple[int, ...], sy: tuple[int, ...], out: tuple[int, ...]) -> None:
    if not (_stretched(sx, out) and _stretched(sy, out)):
        return
    shapes = (sx, sy)
    hint = ""
    rank1 = [(name, s) for name, s in zip(_INPUT_NAMES, shapes, strict=True) if len(s) == 1]
    if rank1 and len(out) >= 2:
        name, s = rank1[0]
        hint = (
            f" {name} is a rank-1 array: shape {s} acts as a row (1, {s[0]}); if you meant a "
            f"column, reshape it to ({s[0]}, 1) (the course keeps b and Y 2-D for this reason)."
        )
    raise ValueError(
        f"{op.name}: strict broadcasting: expected one operand to fit the other, got "
        f"x.shape={sx} and y.shape={sy}, which numpy would both stretch to {out}.{hint} If the "
        f"{out} result is what you want, say so with an explicit .broadcast_to({out}) on one "
        f"operand, or leave strict mode (tinygrad_edu.strict_broadcasting(False))."
    )


def describe_array(name: str, x) -> str:
    """``'x: shape (3,) float64, min -1, max inf (1 inf)'`` for error messages."""
    x = np.asarray(x)
    head = f"{name}: shape {x.shape} {x.dtype}"
    if x.dtype.kind not in "biufc" or x.size == 0:
        return head
    finite = x[np.isfinite(x)] if x.dtype.kind in "fc" else x
    text = head
    if finite.size:
        text += f", finite values in [{finite.min():.4g}, {finite.max():.4g}]"
    counts = []
    if x.dtype.kind in "fc":
        n_nan, n_inf = int(np.isnan(x).sum()), int(np.isinf(x).sum())
        counts += [f"{n_nan} NaN"] * bool(n_nan) + [f"{n_inf} inf"] * bool(n_inf)
    n_zero = int((x == 0).sum())
    if n_zero:
        counts.append(f"{n_zero} zero")
    if counts:
        text += f" ({', '.join(counts)} of {x.size})"
    return text


def _bad_kind(x: np.ndarray) -> str:
    if np.isnan(x).any():
        return "NaN"
    return "-inf" if (x == -np.inf).any() and not (x == np.inf).any() else "inf"


_FORWARD_HINTS = {
    "log": "log(0) = -inf and log of a negative number is NaN. For the log of a probability, "
    "work from logits: log_sigmoid(z) instead of log(sigmoid(z)), log_softmax(z) instead of "
    "log(softmax(z)); otherwise clip the input to [eps, inf).",
    "exp": "exp overflows to inf above 709.78 in float64 (88.72 in float32). Use logsumexp, "
    "log_softmax or sigmoid, which shift their input, or keep the input smaller.",
    "div": "dividing by 0 gives inf (0 / 0 gives NaN): add a small epsilon to the denominator "
    "or find why it is 0.",
    "sqrt": "sqrt of a negative number is NaN.",
    "pow": "x ** y is NaN for a negative x with a non-integer y, and inf for 0 ** (negative y).",
    "mul": "a product overflowed, or multiplied inf by 0.",
    "matmul": "a sum of products overflowed: are the inputs or weights very large?",
    "sum": "a sum overflowed: are the inputs very large?",
}


def _forward_anomaly(op, inputs: Sequence[np.ndarray], out: np.ndarray) -> str:
    names = _input_names(len(inputs))
    lines = [describe_array(n, x) for n, x in zip(names, inputs, strict=True)]
    bad_in = [n for n, x in zip(names, inputs, strict=True)
              if x.dtype.kind in "fc" and not np.isfinite(x).all()]  # fmt: skip
    bad = ~np.isfinite(out)
    where = f"{int(bad.sum())} of {out.size} elements"
    site = user_site(3)
    at = f"at {site}" if site is not None else "here"
    if bad_in:
        head = (
            f"{op.name}: input {', '.join(bad_in)} already contains NaN or inf. No op checked "
            f"by detect_anomaly() produced it: it comes from a leaf (your data, a parameter) or "
            f"from a tensor computed before detect_anomaly() was on. Check the inputs with "
            f"np.isfinite(t.data).all()."
        )
        hint = ""
    else:
        kind = _bad_kind(out[bad])
        head = f"{op.name}: produced {kind} in its output ({where}) from finite inputs."
        hint = _FORWARD_HINTS.get(op.name, "")
    message = f"{head}\n  {at}\n  " + "\n  ".join(lines)
    return message + (f"\n  Hint: {hint}" if hint else "")


# ---------------------------------------------------------------------------------------------
# Checks run by the engine during backward (only while detect_anomaly() is on)
# ---------------------------------------------------------------------------------------------

_BACKWARD_HINTS = {
    "log": "d/dx log(x) = 1/x is inf at x = 0: compute log-probabilities from logits "
    "(log_sigmoid, log_softmax), or clip the input away from 0.",
    "sqrt": "d/dx sqrt(x) = 1/(2 sqrt(x)) is inf at x = 0: use sqrt(x + eps), or norm(), whose "
    "gradient at 0 is defined.",
    "div": "d/dy (x / y) = -x / y**2 is inf at y = 0: add an epsilon to the denominator.",
    "pow": "d/dx x**y = y x**(y-1) is inf at x = 0 for y < 1, and d/dy needs log(x) (NaN for "
    "x < 0).",
    "exp": "exp(x) overflowed in the gradient: keep its input smaller (use logsumexp/log_softmax).",
}


def check_saved(op) -> None:
    """Raise if the arrays ``op`` saved were changed since forward (anomaly mode keeps a copy)."""
    trace = getattr(op, "trace", None)
    if trace is None or trace[3] is None:
        return
    for now, before in zip(op.saved, trace[3], strict=True):
        if before is None or now.tobytes() == before:
            continue
        then = np.frombuffer(before, dtype=now.dtype).reshape(now.shape)
        changed = np.argwhere(~((now == then) | ((now != now) & (then != then))))  # NaN == NaN
        if len(changed):  # else only the sign of a zero changed, which no gradient notices
            index = tuple(int(i) for i in changed[0])
            raise RuntimeError(
                f"backward: a value that '{op.name}' saved for its gradient was changed after "
                f"the forward pass ({site_of(op)}): element {index} was {then[index].item()!r}, "
                f"is now {now[index].item()!r}. Something wrote into a tensor's .data between "
                f"forward and backward (t.data[...] = v, t.data += v, or a numpy function with "
                f"out=). Change data only after backward (as optimizers do), or compute on a copy."
            )


def check_gradients(op, inputs: Sequence[np.ndarray], dout: np.ndarray, grads: Sequence) -> None:
    """Raise ``FloatingPointError`` if ``op``'s backward produced NaN/Inf from a finite ``dout``."""
    if dout.dtype.kind in "fc" and not np.isfinite(dout).all():
        raise FloatingPointError(
            f"backward: the gradient reaching '{op.name}' ({site_of(op)}) contains "
            f"{_bad_kind(dout[~np.isfinite(dout)])}; it was passed to backward() or came from "
            f"an op computed before detect_anomaly() was on. {describe_array('dout', dout)}"
        )
    names = _input_names(len(inputs))
    for name, grad in zip(names, grads, strict=True):
        if grad is None or np.isfinite(grad).all():
            continue
        lines = [describe_array(n, x) for n, x in zip(names, inputs, strict=True)]
        lines.append(describe_array("dout", dout))
        message = (
            f"backward of '{op.name}': produced {_bad_kind(np.asarray(grad)[~np.isfinite(grad)])}"
            f" in the gradient of its input {name} from a finite dout.\n  {site_of(op)}\n  "
            + "\n  ".join(lines)
        )
        hint = _BACKWARD_HINTS.get(op.name)
        raise FloatingPointError(message + (f"\n  Hint: {hint}" if hint else ""))


class NonFiniteGradientWarning(RuntimeWarning):
    """An op's backward produced NaN or inf from a finite upstream gradient.

    Shown once per ``backward()`` call, for the first such op, with the op, the line that created
    it (when sites are recorded) and the usual fix; numpy's own line-less ``RuntimeWarning`` is
    not shown. ``detect_anomaly()`` turns it into an error that stops at the op.
    """


def _as_array(x):
    """The values of an array or of a tensor (create_graph=True hands backward tensors)."""
    return x if isinstance(x, np.ndarray) else np.asarray(getattr(x, "data", x))


def warn_nonfinite_gradient(op, node, dout, grads: Sequence) -> bool:
    """Warn once if ``op``'s backward turned a finite ``dout`` into NaN/inf; True if it warned.

    Called by the engine only after numpy reported a floating-point error during this op's
    backward, so a run without such errors pays nothing for the check.
    """
    dout = _as_array(dout)
    if dout.dtype.kind not in "fc" or not np.isfinite(dout).all():
        return False  # not this op's doing: the non-finite value came from further down
    names = _input_names(len(grads))
    for name, grad, parent in zip(names, grads, node._parents, strict=False):
        if grad is None:
            continue
        values = _as_array(grad)
        if values.dtype.kind not in "fc" or np.isfinite(values).all():
            continue
        label = f"{parent.name!r}, " if getattr(parent, "name", None) else ""
        hint = _BACKWARD_HINTS.get(op.name)
        warnings.warn(
            f"backward of '{op.name}': produced {_bad_kind(values[~np.isfinite(values)])} in the "
            f"gradient of its input {name} ({label}shape {values.shape}) from a finite upstream "
            f"gradient; {site_of(op)}."
            + (f" Hint: {hint}" if hint else "")
            + " Use tinygrad_edu.detect_anomaly() to stop there with the input ranges.",
            NonFiniteGradientWarning,
            stacklevel=_user_stacklevel(),
        )
        return True
    return False


# ---------------------------------------------------------------------------------------------
# log(0)
# ---------------------------------------------------------------------------------------------


class LogOfZeroWarning(RuntimeWarning):
    """``log`` met an exact 0 (the result is -inf, its gradient inf).

    Not always a mistake, so it is a warning, shown once per line of your code. Silence it with
    ``warnings.filterwarnings("ignore", category=tinygrad_edu.LogOfZeroWarning)``.
    """


def warn_log_of_zero(x: np.ndarray) -> None:
    """Warn, pointing at the user's line, that ``log`` is about to take the log of 0."""
    zeros = int(x.size - np.count_nonzero(x))
    warnings.warn(
        f"log: {zeros} of {x.size} input elements are exactly 0, so log gives -inf there and the "
        f"gradient 1/x is inf. If this is the log of a probability, compute it from logits: "
        f"log_sigmoid(z) instead of log(sigmoid(z)), log_softmax(z) instead of log(softmax(z)) "
        f"(or a cross-entropy loss that takes logits). If -inf is intended, silence this with "
        f"warnings.filterwarnings('ignore', category=tinygrad_edu.LogOfZeroWarning).",
        LogOfZeroWarning,
        stacklevel=_user_stacklevel(),
    )


def _from_environment() -> None:
    wanted = {w.strip() for w in os.environ.get("TINYGRAD_EDU_DEBUG", "").split(",") if w.strip()}
    unknown = wanted - {"sites", "strict", "anomaly"}
    if unknown:
        warnings.warn(
            f"TINYGRAD_EDU_DEBUG: expected a comma-separated subset of sites, strict, anomaly, got "
            f"{sorted(unknown)}; ignoring them.",
            stacklevel=2,
        )
    # Class attributes: the default of every thread, including threads started later; and the
    # current thread's own settings.
    _Switches.sites = "sites" in wanted
    _Switches.strict = "strict" in wanted
    _Switches.anomaly = "anomaly" in wanted
    _Switches.active = bool(wanted & {"sites", "strict", "anomaly"})
    if _Switches.active:
        _departed.add(_ENVIRONMENT)
    else:
        _departed.discard(_ENVIRONMENT)
    _set(sites="sites" in wanted, strict="strict" in wanted, anomaly="anomaly" in wanted)


_from_environment()
