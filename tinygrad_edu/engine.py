"""Graph traversal: topological order, the backward pass, grad mode and graph release.

Layer: ``engine``, above ``ops`` and ``debug``. It works on any node that has ``data``, ``grad``,
``requires_grad``, ``_op``, ``_parents`` and ``_retain_grad`` (the ``Tensor`` of the layer above),
without importing it.

Two decisions live here and nowhere else:

- ``unbroadcast`` is the only place where a gradient is summed over the axes numpy broadcast. Ops
  return gradients shaped like their output; the engine reduces them to each input's shape.
- ``backward`` walks the graph with an explicit stack (no recursion limit: a 1,000,000-node chain
  works) in a deterministic order, accumulates gradients, and releases what ops saved unless
  ``retain_graph=True``, so a second backward through the same graph raises instead of silently
  doubling or doing nothing.

It also keeps the in-place write clock (``mark_written``): an op whose saved input was overwritten
by a Tensor in-place method (``add_``, ``t[i] = v``) after the op was recorded makes backward raise
instead of returning a wrong gradient.
"""

from __future__ import annotations

import contextlib
import gc
import weakref
from collections import deque
from collections.abc import Iterator

import numpy as np

from tinygrad_edu import debug


def is_grad_enabled() -> bool:
    """True unless inside ``no_grad()`` (in this thread: grad mode is per thread, as in PyTorch).

    >>> is_grad_enabled()
    True
    """
    return debug._state.grad_enabled


@contextlib.contextmanager
def no_grad() -> Iterator[None]:
    """Run the block without recording a graph (for parameter updates and evaluation).

    Grad mode is per thread: a ``predict()`` inside ``no_grad()`` in one thread does not stop
    another thread's training from recording.

    >>> import tinygrad_edu as tg
    >>> w = tg.Tensor(2.0, requires_grad=True)
    >>> with tg.no_grad():
    ...     y = w * 3
    >>> y.requires_grad
    False
    """
    previous = debug._set_grad_enabled(False)
    try:
        yield
    finally:
        debug._set_grad_enabled(previous)


@contextlib.contextmanager
def enable_grad() -> Iterator[None]:
    """Record a graph inside the block even within ``no_grad()``.

    >>> import tinygrad_edu as tg
    >>> with tg.no_grad(), tg.enable_grad():
    ...     tg.is_grad_enabled()
    True
    """
    previous = debug._set_grad_enabled(True)
    try:
        yield
    finally:
        debug._set_grad_enabled(previous)


def unbroadcast(grad: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """Sum ``grad`` over the axes that broadcasting added or stretched, so it gets ``shape``.

    This is the one place gradients are reduced over broadcast axes; it is the course's
    ``db = np.sum(dZ, axis=1, keepdims=True)`` in general form.

    >>> unbroadcast(np.ones((4, 3)), (1, 3))
    array([[4., 4., 4.]])
    >>> unbroadcast(np.ones((4, 3)), (3,))
    array([4., 4., 4.])
    """
    extra = grad.ndim - len(shape)
    if extra > 0:
        grad = grad.sum(axis=tuple(range(extra)))
    have = grad.shape  # (read once: each .shape builds a new tuple)
    stretched = tuple([i for i, n in enumerate(shape) if n == 1 and have[i] != 1])
    if stretched:
        grad = grad.sum(axis=stretched, keepdims=True)
    return grad


# ---------------------------------------------------------------------------------------------
# In-place writes: a clock and the buffers written, so backward can tell whether what an op saved
# was overwritten after the op was recorded (which would make its gradient silently wrong).
# ---------------------------------------------------------------------------------------------


# ``_write_clock`` counts in-place writes made through Tensor methods (``add_``, ``t[i] = v``, ...).
# Each recorded op stores the clock it saw (``op.clock``); each written buffer, the clock of its
# last write. A write newer than the op into a buffer the op saved means its gradient would be
# computed from changed values. While the clock is 0 (no in-place method ever ran) backward skips
# the check entirely. (Module globals: the cheapest lookup for the per-op read.)
_write_clock = 0
_prune_at = 64

# id(root buffer) -> (weak reference to it, clock of its last write, what wrote it)
_written: dict[int, tuple] = {}


def _root(array: np.ndarray) -> np.ndarray:
    """The array that owns the memory ``array`` views (views share their base's writes)."""
    while isinstance(array.base, np.ndarray):
        array = array.base
    return array


def mark_written(array: np.ndarray, what: str) -> None:
    """Record that ``array``'s memory was just modified in place by ``what`` (e.g. ``'add_'``)."""
    global _write_clock, _prune_at
    _write_clock += 1
    root = _root(array)
    _written[id(root)] = (weakref.ref(root), _write_clock, what)
    if len(_written) > _prune_at:  # forget buffers that no longer exist
        for key, (ref, _, _) in list(_written.items()):
            if ref() is None:
                del _written[key]
        _prune_at = 2 * len(_written) + 64


def _last_write(array) -> tuple[int, str] | None:
    """(clock, what) of the last in-place write into ``array``'s memory, or None."""
    if not isinstance(array, np.ndarray):
        return None
    root = _root(array)
    entry = _written.get(id(root))
    if entry is None or entry[0]() is not root:  # an id reused by a new array is not a write
        return None
    return entry[1], entry[2]


def _check_not_overwritten(node, op) -> None:
    """Raise if an array that ``op`` saved for backward was written in place after it was saved."""
    for saved in op.saved:
        write = _last_write(saved)
        if write is None or write[0] <= getattr(op, "clock", 0):  # unset: before any write
            continue
        owner = "its output"
        for i, parent in enumerate(node._parents):
            if _root(parent.data) is _root(saved):
                owner = f"its input {'xy'[i] if len(node._parents) <= 2 else i}"
                label = f"{parent.name!r}, " if parent.name else ""
                owner += f" ({label}shape {parent.data.shape})"
                break
        raise RuntimeError(
            f"backward: '{op.name}' needs {owner} to compute its gradient, but that tensor was "
            f"modified in place by {write[1]} after '{op.name}' used it ({debug.site_of(op)}). "
            f"The gradient would be computed from the new values and be wrong. Make the in-place "
            f"change before the forward pass or after backward(), or use an out-of-place op "
            f"(x = x + 1 instead of x.add_(1))."
        )


def toposort(root, all_nodes: bool = False) -> list:
    """The nodes below ``root``, each after all of its parents (post-order), without recursion.

    Only nodes that need a gradient, unless ``all_nodes`` (data and constants too, for drawing).
    Parents are visited in their recorded order, so the result is the same on every run.
    (``backward`` does not need this list: it counts consumers instead, see ``_backward``.)
    """
    order = []
    visited = {id(root)}
    stack = [(root, iter(root._parents))]
    while stack:
        node, parents = stack[-1]
        for parent in parents:
            if (all_nodes or parent.requires_grad) and id(parent) not in visited:
                visited.add(id(parent))
                stack.append((parent, iter(parent._parents)))
                break
        else:  # every parent is done
            stack.pop()
            order.append(node)
    return order


def _store_grad(node, grad, handed_out: set) -> None:
    """Accumulate ``grad`` into ``node._grad`` without aliasing arrays other nodes also hold."""
    if type(grad) is not np.ndarray:
        if hasattr(grad, "_op"):  # a tensor (create_graph=True): accumulate with its graph
            node._grad = grad if node._grad is None else node._grad + grad
            return
        grad = np.array(grad)  # a 0-d result of numpy arithmetic is a numpy scalar
    previous = node._grad
    if previous is None:
        # Add's backward hands the same array to both inputs, and reshape/transpose hand out views
        # of it: copy only when the memory is already someone's .grad (or read-only, as
        # broadcast_to views are), so ``x.grad += ...`` by a user never changes another .grad.
        # Copying every view instead would copy each batch-first layer's dW (a view of W.T's).
        base = grad.base
        if (
            not grad.flags.writeable
            or id(grad) in handed_out
            or (base is not None and id(base) in handed_out)
        ):
            grad = grad.copy()
            base = None
        handed_out.add(id(grad))
        if base is not None:
            handed_out.add(id(base))
        node._grad = grad
    elif type(previous) is not np.ndarray:  # a tensor from an earlier create_graph backward
        node._grad = previous + grad
    elif previous.flags.writeable:
        previous += grad  # in place, as PyTorch accumulates
    else:
        node._grad = previous + grad


_RELEASED_MESSAGE = (
    "backward: the graph that produced this tensor was already released by an earlier "
    "backward() (op '{op}', {site}). To free memory, backward() discards the intermediate values "
    "each op saved. To call backward() twice through the same graph, pass retain_graph=True to "
    "the first call; otherwise recompute the forward pass before calling backward() again."
)


def _failed(op, err: Exception) -> Exception:
    """``err`` from ``op.backward``, re-raised with the op and the line that created it."""
    message = f"backward of '{op.name}' ({debug.site_of(op)}) failed: {type(err).__name__}: {err}"
    try:
        return type(err)(message)
    except Exception:  # an exception type whose constructor wants other arguments
        return RuntimeError(message)


def _consumer_counts(roots) -> dict:
    """For every node below ``roots`` that needs a gradient: how many graph edges leave it.

    Keyed by the node itself: tensors hash by identity, which is cheaper than calling ``id()``.
    The stack is a deque: a list that a chain empties and refills at every node frees and
    reallocates its memory each time.
    """
    counts: dict = {}
    stack = deque(roots)
    while stack:
        for parent in stack.pop()._parents:
            if parent.requires_grad:
                if parent in counts:
                    counts[parent] += 1
                else:
                    counts[parent] = 1
                    stack.append(parent)
    return counts


def _leading_to(roots, targets) -> set:
    """The nodes on some path from ``roots`` down to one of ``targets`` (``targets`` included).

    ``grad(outputs, inputs)`` walks only these: no work on branches that reach no input.
    """
    wanted = set(targets)
    leads: set = set()
    done: set = set()
    stack = [(r, iter(r._parents)) for r in roots if r.requires_grad]
    while stack:
        node, parents = stack[-1]
        for parent in parents:
            if parent.requires_grad and parent not in done:
                stack.append((parent, iter(parent._parents)))
                break
        else:
            stack.pop()
            done.add(node)
            if node in wanted or any(p in leads for p in node._parents):
                leads.add(node)
    return leads


class _FloatingPointFlag:
    """numpy's floating-point error callback during backward: remembers that an op produced an
    invalid value, a division by zero or an overflow, so the engine looks at that op's gradients
    (and only then) and explains a non-finite one once, instead of numpy's line-less warning."""

    __slots__ = ("raised",)  # set to False by its creator (no __init__: a Python call fewer)

    def __call__(self, kind: str, flag: int) -> None:
        self.raised = True


def backward(
    root,
    gradient,
    retain_graph: bool = False,
    retain_grads: bool = False,
    create_graph: bool = False,
):
    """Fill ``.grad`` of every leaf that requires grad with dJ/dleaf, where ``root`` is J.

    ``gradient`` is dJ/droot (ones for a scalar loss). Non-leaf tensors keep their gradient only if
    they called ``retain_grad()`` or ``retain_grads=True`` is passed (for teaching and drawing).
    With ``create_graph=True`` the gradients are tensors with a graph of their own (so they can be
    differentiated again), computed by the same backward rules run on tensors.

    Nodes run in topological order by counting (Kahn's algorithm): a node's backward runs once
    every consumer has sent its share, so its gradient is complete before it flows on. This needs
    no recursion and one cheap pre-pass, and it is deterministic (parents are ordered).
    """
    run_backward([root], [gradient], retain_graph, retain_grads, create_graph)


def run_backward(
    roots,
    gradients,
    retain_graph: bool,
    retain_grads: bool,
    create_graph: bool,
    inputs=None,
):
    """The backward pass from several ``roots`` (each with its gradient ``dJ/droot``).

    Without ``inputs``: gradients accumulate into ``.grad`` (``Tensor.backward``). With
    ``inputs`` (a sequence of nodes): nothing is stored; the gradient of each input is returned,
    None where no path leads to it (``tinygrad_edu.grad``).
    """
    # The cyclic garbage collector would otherwise run every few hundred allocations and walk the
    # whole graph in its older generations (measured: 40% of a 50,000-node backward). Backward
    # creates no reference cycles, so pausing it here loses nothing.
    # Everything this function switches (the collector, grad mode, numpy's error handling) is read
    # first and put back in `finally`, and every switch happens inside the `try`: a Ctrl-C that
    # lands anywhere in here, even inside np.errstate's own __enter__ or __exit__, leaves the
    # process as it found it.
    collecting = gc.isenabled()
    grad_mode = debug._state.grad_enabled
    np_errors, np_call = np.geterr(), np.geterrcall()
    flag = _FloatingPointFlag()
    flag.raised = False
    try:
        if collecting:
            gc.disable()
        debug._set_grad_enabled(create_graph)  # rules record a graph only for create_graph
        with np.errstate(all="call", under="ignore", call=flag):
            if inputs is None and not create_graph:
                return _backward_arrays(roots, gradients, retain_graph, retain_grads, flag)
            return _backward(roots, gradients, retain_graph, retain_grads, create_graph, inputs,
                             flag)  # fmt: skip
    except BaseException:
        if np.geterrcall() is flag:  # interrupted inside np.errstate's enter or exit
            np.seterr(**np_errors)
            np.seterrcall(np_call)
        raise
    finally:
        if collecting:  # first: one C call, so an interrupt in the line below cannot skip it
            gc.enable()
        debug._set_grad_enabled(grad_mode)


def _as_node_tensors(saved: tuple, node) -> tuple:
    """What ``op.saved`` holds, with each array that is an input's or the output's data replaced
    by that tensor (create_graph=True): backward then computes with tensors, recording a graph.
    Other saved arrays (masks, indices) stay constants."""
    owners = {id(node.data): node}
    inputs: dict = {}
    for parent in node._parents:
        other = inputs.setdefault(id(parent.data), parent)
        owners[id(parent.data)] = parent
        if other is not parent and (other.requires_grad or parent.requires_grad):
            # Which of the two a saved array stands for is then unknown: a guess would silently
            # give a second derivative through the wrong one (Tensor() and detach() give each
            # tensor its own array object; only an assignment to .data shares one).
            raise RuntimeError(
                f"backward(create_graph=True): two tensors that '{node._op.name}' uses hold the "
                f"same numpy array object, so its second derivative cannot tell them apart. Give "
                f"one its own array (t.data = t.data.copy(), or use t.detach()) instead of "
                f"assigning one tensor's .data to another."
            )
    return tuple(owners.get(id(s), s) for s in saved)


def _backward_on_tensors(op, node, grad) -> tuple:
    """``op.backward(grad)`` run on tensors (create_graph=True): the same rule, recording a
    graph."""
    saved = op.saved
    op.saved = _as_node_tensors(saved, node)
    try:
        return op.backward(grad)
    finally:
        op.saved = saved


def _seed(seeds, pending) -> tuple[dict, deque, deque]:
    """The start of a backward pass from ``seeds``, (root, gradient) pairs: ``partial``, the
    gradient summed so far of each node that some consumers have not sent yet (here: a root below
    another root), and ``ready`` with ``ready_grads``, the nodes whose gradient is complete and
    those gradients.

    Both are deques: a chain pops its last node and pushes the next one at every node, and a list
    shrunk to empty frees its memory and allocates it again (3% of a small op).
    """
    partial: dict = {}
    for root, gradient in seeds:
        previous = partial.get(root)
        partial[root] = gradient if previous is None else previous + gradient
    ready: deque = deque()
    ready_grads: deque = deque()
    for root in list(partial):
        if not pending.get(root):  # no consumer: not below another root
            ready.append(root)
            ready_grads.append(partial.pop(root))
    return partial, ready, ready_grads


def _backward(roots, gradients, retain_graph, retain_grads, create_graph, inputs, flag):
    if inputs is not None:
        leads = _leading_to(roots, inputs)
        wanted = {node: None for node in inputs}
        pending = {n: c for n, c in _consumer_counts(roots).items() if n in leads}
        # Count only the edges between nodes on the way to an input.
        for n in pending:
            pending[n] = 0
        for n in dict.fromkeys([*pending, *(r for r in roots if r in leads)]):
            for parent in n._parents:
                if parent in pending:
                    pending[parent] += 1
    else:
        leads = None
        wanted = None
        pending = _consumer_counts(roots)
    wrap = type(roots[0])  # the tensor class: wraps arrays when create_graph=True
    seeds = zip(roots, gradients)  # noqa: B905
    if leads is not None:
        seeds = [(r, g) for r, g in seeds if r in leads]
    if create_graph:
        seeds = [(r, g if isinstance(g, wrap) else wrap(g)) for r, g in seeds]
    partial, ready, ready_grads = _seed(seeds, pending)
    pop, pop_grad = ready.pop, ready_grads.pop
    push, push_grad = ready.append, ready_grads.append
    get_pending = pending.get
    handed_out: set = set()
    writes = _write_clock  # 0 unless an in-place method ever ran: then check saved arrays
    anomaly = debug._state.anomaly
    warned = False
    while ready:
        node = pop()
        grad = pop_grad()
        op = node._op
        if op is None:  # a leaf: its gradient is complete
            if wanted is None:
                _store_grad(node, grad, handed_out)
            else:
                wanted[node] = grad
            continue
        if wanted is None:
            if retain_grads or node._retain_grad:
                _store_grad(node, grad, handed_out)
        elif node in wanted:
            wanted[node] = grad
        if op.saved is None:
            raise RuntimeError(_RELEASED_MESSAGE.format(op=op.name, site=debug.site_of(op)))
        if writes and writes > getattr(op, "clock", 0):  # unset: recorded before any write
            _check_not_overwritten(node, op)
        if anomaly:
            debug.check_saved(op)
        try:
            if create_graph:
                input_grads = _backward_on_tensors(op, node, grad)
            else:
                input_grads = op.backward(grad)
        except Exception as err:
            raise _failed(op, err) from err
        if anomaly:
            debug.check_gradients(op, [p.data for p in node._parents], grad, input_grads)
        elif flag.raised:  # numpy reported a floating-point error in this op's backward
            if not warned:
                warned = debug.warn_nonfinite_gradient(op, node, grad, input_grads)
            flag.raised = False
        if not retain_graph:
            op.saved = None
        # zip(strict=True) would parse a keyword argument on every node: measurably slower.
        try:
            pairs = zip(node._parents, input_grads)  # noqa: B905
        except TypeError:  # not iterable: backward returned one bare gradient
            raise RuntimeError(_not_a_tuple(op, input_grads)) from None
        for parent, pgrad in pairs:
            if not parent.requires_grad:
                continue  # a constant
            left = get_pending(parent)
            if left is None:
                continue  # leads to no input of grad()
            if pgrad is not None:
                data = parent.data
                if create_graph and not isinstance(pgrad, wrap):
                    pgrad = wrap(pgrad)
                if pgrad.shape != data.shape:
                    pgrad = _fit_shape(op, pgrad, data.shape, input_grads)
                # A gradient has its tensor's dtype (float32 stays float32). Builtin dtypes are
                # singletons, so the identity test settles the common case without a comparison.
                if pgrad.dtype is not data.dtype and pgrad.dtype != data.dtype:
                    pgrad = pgrad.astype(data.dtype)
            if left == 1:  # the last consumer: the gradient is complete
                if partial:  # (empty all along in a chain)
                    previous = partial.pop(parent, None)
                    if previous is not None:
                        pgrad = previous if pgrad is None else previous + pgrad
                if pgrad is not None:
                    push(parent)
                    push_grad(pgrad)
                # else: requires_grad was switched on after the op recorded it: no gradient
            else:
                pending[parent] = left - 1
                if pgrad is not None:
                    previous = partial.get(parent)
                    partial[parent] = pgrad if previous is None else previous + pgrad
    if wanted is not None:
        return [wanted[node] for node in inputs]
    return None


def _backward_arrays(roots, gradients, retain_graph, retain_grads, flag) -> None:
    """``_backward`` for ``Tensor.backward()`` without create_graph: numpy arrays only."""
    pending = _consumer_counts(roots)
    partial, ready, ready_grads = _seed(zip(roots, gradients), pending)  # noqa: B905
    pop, pop_grad = ready.pop, ready_grads.pop
    push, push_grad = ready.append, ready_grads.append
    handed_out: set = set()
    writes = _write_clock
    anomaly = debug._state.anomaly
    warned = False
    node = grad = None
    while True:
        if node is None:
            if not ready:
                return
            node = pop()
            grad = pop_grad()
        op = node._op
        if op is None:  # a leaf: its gradient is complete
            _store_grad(node, grad, handed_out)
            node = None
            continue
        if retain_grads or node._retain_grad:
            _store_grad(node, grad, handed_out)
        if op.saved is None:
            raise RuntimeError(_RELEASED_MESSAGE.format(op=op.name, site=debug.site_of(op)))
        if writes and writes > getattr(op, "clock", 0):  # unset: recorded before any write
            _check_not_overwritten(node, op)
        if anomaly:
            debug.check_saved(op)
        try:
            input_grads = op.backward(grad)
        except Exception as err:
            raise _failed(op, err) from err
        if anomaly:
            assert grad is not None  # every node on the ready stack came with its gradient
            debug.check_gradients(op, [p.data for p in node._parents], grad, input_grads)
        elif flag.raised:  # numpy reported a floating-point error in this op's backward
            if not warned:
                warned = debug.warn_nonfinite_gradient(op, node, grad, input_grads)
            flag.raised = False
        if not retain_graph:
            op.saved = None
        parents = node._parents
        node = None
        try:
            pairs = zip(parents, input_grads)  # noqa: B905
        except TypeError:  # not iterable: backward returned one bare gradient
            raise RuntimeError(_not_a_tuple(op, input_grads)) from None
        for parent, pgrad in pairs:
            if not parent.requires_grad:
                continue  # a constant
            if pgrad is not None:
                data = parent.data
                if pgrad.shape != data.shape:
                    pgrad = _fit_shape(op, pgrad, data.shape, input_grads)
                if pgrad.dtype is not data.dtype and pgrad.dtype != data.dtype:
                    pgrad = pgrad.astype(data.dtype)
            left = pending[parent]
            if left == 1:  # the last consumer: the gradient is complete
                if partial:  # (empty all along in a chain)
                    previous = partial.pop(parent, None)
                    if previous is not None:
                        pgrad = previous if pgrad is None else previous + pgrad
                if pgrad is not None:
                    if node is not None:
                        push(node)
                        push_grad(grad)
                    node, grad = parent, pgrad  # next, without a round trip through the deque
            else:
                pending[parent] = left - 1
                if pgrad is not None:
                    previous = partial.get(parent)
                    partial[parent] = pgrad if previous is None else previous + pgrad


def _fit_shape(op, pgrad, shape, input_grads):
    """``pgrad`` summed over the axes its input was broadcast along (``unbroadcast``); raises when
    the shapes still differ, which is a bug in ``op.backward`` (``input_grads``: all it returned).
    """
    try:
        fitted = unbroadcast(pgrad, shape)
    except (IndexError, ValueError):  # fewer axes than the input: no broadcast explains it
        fitted = pgrad
    if fitted.shape != shape:
        if not isinstance(input_grads, (tuple, list)):
            raise RuntimeError(_not_a_tuple(op, input_grads))
        if _user_defined(op):
            fix = (
                f"Check {type(op).__name__}.backward: each gradient has its input's shape (or "
                f"the output's shape where the input was broadcast)."
            )
        else:
            fix = "The op's backward is wrong; please report it."
        raise RuntimeError(
            f"backward of '{op.name}': expected a gradient of shape {shape} for an input, got "
            f"{pgrad.shape} ({debug.site_of(op)}). {fix}"
        )
    return fitted


def _user_defined(op) -> bool:
    """Whether ``op`` is a user's ``Function`` subclass rather than one of the package's ops."""
    return not type(op).__module__.startswith("tinygrad_edu.")


def _not_a_tuple(op, input_grads) -> str:
    """The error for a backward that returned one gradient instead of a tuple of them."""
    what = type(input_grads).__name__
    shape = getattr(input_grads, "shape", None)
    got = f"one {what}" + ("" if shape is None else f" of shape {shape}")
    if not _user_defined(op):
        return (
            f"backward of '{op.name}' returned {got}, not a tuple of gradients "
            f"({debug.site_of(op)}). The op's backward is wrong; please report it."
        )
    cls = type(op).__name__
    return (
        f"backward of '{op.name}': {cls}.backward returned {got}, not a tuple. backward must "
        f"return a tuple, one gradient per input (None where not needed): `return (dx,)` for "
        f"one input, `return dx, dy` for two."
    )
