"""``Dropout``: inverted dropout, active only in training mode, with its generator's state in
``state_dict()`` so that a resumed training draws the masks an uninterrupted one would.

Layer: ``nn``.
"""

from __future__ import annotations

import zlib
from typing import Any

import numpy as np

from tinygrad_edu.nn.module import Module, _as_tensor
from tinygrad_edu.tensor import Tensor, rand

_LAYOUTS = ("batch", "course")


class Dropout(Module):
    """Inverted dropout (course 2, week 1): zero each unit with probability ``p``, scale by
    ``1 / keep_prob``.

    In training mode (``model.train()``, the default) the forward pass is the course's::

        D = rand(A.shape) < keep_prob        # keep_prob = 1 - p
        A = A * D
        A = A / keep_prob                    # so the expected value of A is unchanged

    and the gradient flows only through the kept units (scaled the same way). In evaluation mode
    (``model.eval()``) the layer passes its input through unchanged: there is nothing to undo
    at test time, which is the point of *inverted* dropout.

    The mask is drawn from ``rng``: None for numpy's legacy global generator (so
    ``np.random.seed`` applies), an int seed, a ``numpy.random.RandomState`` or a ``Generator``.
    The course draws its masks in its own layout, ``rand(n, m)`` for units in rows and examples
    in columns; ``mask_layout="course"`` draws ``rand(*reversed(shape))`` and transposes it, so
    a batch-first ``(m, n)`` activation gets exactly the course's mask. The last mask is kept in
    ``self.mask`` (for inspection; None in evaluation mode).

    ``p = 1`` drops every unit, as in PyTorch: the output is the input times 0 (zeros; NaN stays
    NaN) and the gradient is 0, without drawing a mask; in evaluation mode the layer is still
    the identity.

    Resuming exactly: a layer with its own generator (``rng`` given) keeps that generator's
    state in the module's state, under the key ``_extra_state`` (``"2._extra_state"`` in a
    ``Sequential``), as PyTorch's ``get_extra_state``: ``state_dict()``, ``load_state_dict()``
    and ``tg.save``/``tg.load`` carry it, so training that is saved, loaded and continued
    draws the same masks as training that never stopped. PyTorch's ``Dropout`` has no state
    (it draws from the global generator, which ``torch.save`` does not save). With
    ``rng=None`` the layer draws from numpy's global generator, which is not the layer's to
    save: it has no key, and exact resuming needs ``np.random.get_state()`` saved by you. A
    state without the key (saved by tinygrad_edu 0.2.0, or from a layer made with
    ``rng=None``) loads, even with ``strict=True``: the generator keeps its current state and
    the key is listed in ``missing_keys``.

    Args:
        p: probability of dropping a unit, in [0, 1] (``keep_prob = 1 - p``); PyTorch's name.
        rng: None, an int seed, a ``RandomState`` or a ``Generator``.
        mask_layout: ``"batch"`` (draw the mask in the input's shape) or ``"course"``.

    Raises:
        ValueError: ``p`` outside [0, 1], or a ``mask_layout`` other than 'batch' or 'course'.
        TypeError: an ``rng`` that is not None, an int, a RandomState or a Generator.

    >>> drop = Dropout(p=0.5, rng=np.random.RandomState(5))
    >>> drop(Tensor([[1.0, 1.0, 1.0, 1.0, 1.0, 1.0]]))    # kept units are scaled by 1 / 0.5
    Tensor([[2., 0., 2., 0., 2., 0.]])
    >>> drop.eval()(Tensor([[1.0, 1.0]]))         # evaluation: unchanged
    Tensor([[1., 1.]])
    """

    def __init__(self, p: float = 0.5, *, rng=None, mask_layout: str = "batch"):
        super().__init__()
        if isinstance(p, bool) or not isinstance(p, (int, float, np.floating)) or not 0 <= p <= 1:
            raise ValueError(
                f"Dropout: expected a drop probability p in [0, 1], got {p!r}. The course's "
                f"keep_prob = 0.86 is p = 0.14."
            )
        if mask_layout not in _LAYOUTS:
            raise ValueError(
                f"Dropout: expected mask_layout 'batch' or 'course', got {mask_layout!r}."
            )
        if isinstance(rng, (int, np.integer)) and not isinstance(rng, bool):
            rng = np.random.default_rng(int(rng))
        elif rng is not None and not isinstance(rng, (np.random.RandomState, np.random.Generator)):
            raise TypeError(
                f"Dropout: expected rng to be None, an int seed, a numpy RandomState or "
                f"Generator, got {type(rng).__name__}."
            )
        self.p = float(p)
        self.keep_prob = 1.0 - self.p
        self.rng = rng
        self.mask_layout = mask_layout
        self.mask: np.ndarray | None = None

    def forward(self, A: Any) -> Tensor:
        A = _as_tensor(A)
        if not self.training or self.p == 0.0:
            self.mask = None
            return A
        shape = A.shape
        if self.p == 1.0:  # PyTorch's: input * 0 (NaN stays NaN), gradient 0, nothing drawn
            self.mask = D = np.zeros(shape, dtype=bool)
            return A * D
        if self.mask_layout == "course":
            draw = rand(*shape[::-1], rng=self.rng).data.T  # the course's (n, m), transposed
        else:
            draw = rand(*shape, rng=self.rng).data
        self.mask = D = draw < self.keep_prob  # bool, A's shape
        return (A * D) / self.keep_prob  # the course's order: A * D, then / keep_prob

    def get_extra_state(self) -> np.ndarray | None:
        """The state of the layer's own generator as a uint64 array (its length depends on the
        kind of generator only), or None for numpy's global generator (``rng=None``).

        >>> drop = Dropout(0.5, rng=0)
        >>> state = drop.get_extra_state()
        >>> first = drop(np.ones((2, 3))).data
        >>> drop.set_extra_state(state)
        >>> bool(np.array_equal(drop(np.ones((2, 3))).data, first))     # the same mask again
        True
        """
        return generator_state_words(self.rng)

    def set_extra_state(self, state: Any) -> None:
        """Put the layer's generator back in the state ``get_extra_state`` returned.

        Raises:
            ValueError: the layer draws from the global generator, or ``state`` is not the state
                of a generator of this layer's kind (nothing is changed then).
        """
        set_generator_state_words("Dropout", self.rng, state)

    def extra_repr(self) -> str:
        layout = ", mask_layout='course'" if self.mask_layout == "course" else ""
        return f"p={self.p}{layout}"


# -- the generator's state as numbers -------------------------------------------------------------
# A checkpoint holds numeric arrays only (no pickle), so the state dict numpy gives for a generator
# (ints up to 128 bits, uint arrays, a float, the generator's name) is stored as uint64 words:
# a format number, a checksum of the generator's kind, then every number in the order of the
# state's sorted keys (an int as two words, low then high; a float as its 64 bits; an array
# element as one word). The kind's own state gives the structure back when loading, so the length
# depends on the kind only (load(path, expected=model) can compare shapes).

_FORMAT = 1
_LOW = (1 << 64) - 1


def generator_state_words(rng: Any) -> np.ndarray | None:
    """A generator's state as uint64 words (a module's extra state), None for ``rng=None``."""
    if rng is None:
        return None
    kind, state = _generator_state(rng)
    words = [_FORMAT, zlib.crc32(kind.encode())] + _flatten(state)
    return np.array(words, dtype=np.uint64)


def set_generator_state_words(op: str, rng: Any, state: Any) -> None:
    """Put ``rng`` back in the state ``generator_state_words`` returned (``op`` names the layer in
    errors); nothing is changed when it raises.

    Raises:
        ValueError: ``rng`` is None (numpy's global generator), or ``state`` is not the state of
            a generator of ``rng``'s kind.
    """
    if rng is None:
        raise ValueError(
            f"{op}: expected a layer with its own generator to load a generator's state, "
            "got one made with rng=None (numpy's global generator, not saved with the "
            "model). Make the layer with rng=SEED to save and restore its masks."
        )
    kind, template = _generator_state(rng)
    words = np.asarray(state)
    expected = 2 + len(_flatten(template))
    if (
        words.dtype != np.uint64
        or words.shape != (expected,)
        or int(words[0]) != _FORMAT
        or int(words[1]) != zlib.crc32(kind.encode())
    ):
        raise ValueError(
            f"{op}: expected the state of a {kind} generator ({expected} uint64 words), "
            f"got {words.dtype} of shape {words.shape} that is not one. Load a state saved "
            f"from a layer made with the same kind of rng."
        )
    new_state = _unflatten(template, iter(int(w) for w in words[2:]))
    if isinstance(rng, np.random.RandomState):
        rng.set_state(new_state)
    else:
        rng.bit_generator.state = new_state


def _generator_state(rng: Any) -> tuple[str, dict]:
    """``("RandomState/MT19937", state)`` or ``("Generator/PCG64", state)``."""
    if isinstance(rng, np.random.RandomState):
        state = rng.get_state(legacy=False)
        return f"RandomState/{state['bit_generator']}", state
    state = rng.bit_generator.state
    return f"Generator/{state['bit_generator']}", state


def _flatten(value: Any) -> list[int]:
    if isinstance(value, dict):
        return [w for key in sorted(value) for w in _flatten(value[key])]
    if isinstance(value, str):  # the generator's name: checked through the kind's checksum
        return []
    if isinstance(value, np.ndarray):
        return [int(w) for w in value.astype(np.uint64).ravel()]
    if isinstance(value, float):
        return [int(np.float64(value).view(np.uint64))]
    value = int(value)
    if not 0 <= value < 1 << 128:
        raise ValueError(f"Dropout: a generator state number out of range: {value}")
    return [value & _LOW, value >> 64]


def _unflatten(template: Any, words: Any) -> Any:
    if isinstance(template, dict):
        # sorted keys, as _flatten wrote them; the dict keeps the template's own order
        values = {key: _unflatten(template[key], words) for key in sorted(template)}
        return {key: values[key] for key in template}
    if isinstance(template, str):
        return template
    if isinstance(template, np.ndarray):
        data = [next(words) for _ in range(template.size)]
        return np.array(data, dtype=np.uint64).astype(template.dtype).reshape(template.shape)
    if isinstance(template, float):
        return float(np.uint64(next(words)).view(np.float64))
    low, high = next(words), next(words)
    return type(template)(low | (high << 64))
