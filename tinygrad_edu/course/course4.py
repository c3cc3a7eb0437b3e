"""Course 4, "Convolutional neural networks": the step-by-step assignment with autograd, and a CNN
trained on real images.

Layer: ``course``.

Week 1's assignment ("Convolutional Model: step by step") builds a convolutional network out of
numpy loops: ``zero_pad``, ``conv_single_step``, ``conv_forward``, ``conv_backward``,
``pool_forward``, ``pool_backward``. Here each forward function is one library call on the
course's own arrays (channels-last: ``A_prev (m, n_H_prev, n_W_prev, n_C_prev)``, filters
``W (f, f, n_C_prev, n_C)``, biases ``b (1, 1, 1, n_C)``, via ``data_format="NHWC"``), and each
backward function runs the forward and lets autograd compute the gradients: no hand-written
backward. ``conv_step_by_step`` evaluates them on the assignment's fixtures, drawn with numpy's
legacy generator in the assignment's order (``RandomState(1)``: the same numbers as its
``np.random.seed(1)`` without touching the global generator).

``cnn_digits`` trains the course's architecture style (CONV -> RELU -> MAXPOOL -> CONV -> RELU ->
MAXPOOL -> FLATTEN -> FULLY CONNECTED -> softmax, Adam, mini-batches of 64) on scikit-learn's
handwritten digits, since the course's SIGNS set is not ours to ship.

=====================  ======================================================================
NAME                   what it runs
=====================  ======================================================================
conv-step-by-step      the week 1 fixtures: conv_single_step, conv_forward, conv_backward,
                       pool_forward, pool_backward (values in the assignment's printout)
cnn-digits             a small CNN on 8 x 8 digits, 1,438 train / 359 test, test >= 97 %
=====================  ======================================================================
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from tinygrad_edu import data, losses, nn, optim, train
from tinygrad_edu.course.common import CourseResult, ValuesResult, without_curve
from tinygrad_edu.engine import no_grad
from tinygrad_edu.nn import functional as F  # noqa: N812 (PyTorch's spelling)
from tinygrad_edu.tensor import Tensor

# -------------------------------------------------------------------------------------------------
# Week 1: the step-by-step functions, on the course's channels-last arrays
# -------------------------------------------------------------------------------------------------


def zero_pad(X: Any, pad: int) -> Tensor:
    """Pad the height and width of a batch ``X (m, n_H, n_W, n_C)`` with ``pad`` zeros each side.

    >>> zero_pad(np.ones((4, 3, 3, 2)), 3).shape
    (4, 9, 9, 2)
    """
    return F.pad(X, ((0, 0), (pad, pad), (pad, pad), (0, 0)))


def conv_single_step(a_slice_prev: Any, W: Any, b: Any) -> Tensor:
    """One filter on one window: ``Z = sum(a_slice_prev * W) + b`` (a 1-element tensor).

    >>> float(conv_single_step(np.ones((2, 2, 1)), np.ones((2, 2, 1)), np.zeros((1, 1, 1))).item())
    4.0
    """
    a_slice_prev = a_slice_prev if isinstance(a_slice_prev, Tensor) else Tensor(a_slice_prev)
    return (a_slice_prev * W).sum() + b


def conv_forward(A_prev: Any, W: Any, b: Any, hparameters: dict[str, int]) -> Tensor:
    """The course's ``conv_forward``: ``Z (m, n_H, n_W, n_C)``, one library call.

    ``n_H = floor((n_H_prev - f + 2 pad) / stride) + 1`` (the same for the width).

    >>> Z = conv_forward(np.ones((1, 4, 4, 1)), np.ones((2, 2, 1, 3)), np.zeros((1, 1, 1, 3)),
    ...                  {"pad": 0, "stride": 2})
    >>> Z.shape
    (1, 2, 2, 3)
    """
    return F.conv2d(
        A_prev, W, b, stride=hparameters["stride"], padding=hparameters["pad"], data_format="NHWC"
    )


def conv_backward(
    dZ: Any, A_prev: Any, W: Any, b: Any, hparameters: dict[str, int]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The course's ``conv_backward`` by autograd: ``(dA_prev, dW, db)`` for upstream ``dZ``.

    The course's version loops over examples, positions and channels adding ``W * dZ`` into
    ``dA_prev`` and ``a_slice * dZ`` into ``dW``; here the forward runs again on tensors that
    require grad and ``Z.backward(dZ)`` fills their ``.grad``.
    """
    A_prev, W, b = (Tensor(np.asarray(v, dtype=np.float64), requires_grad=True)
                    for v in (A_prev, W, b))  # fmt: skip
    Z = conv_forward(A_prev, W, b, hparameters)
    Z.backward(np.asarray(dZ))
    return A_prev.grad, W.grad, b.grad


def pool_forward(A_prev: Any, hparameters: dict[str, int], mode: str = "max") -> Tensor:
    """The course's ``pool_forward``: max or average over ``f x f`` windows every ``stride``.

    >>> pool_forward(np.arange(16.0).reshape(1, 4, 4, 1), {"f": 2, "stride": 2}).tolist()
    [[[[5.0], [7.0]], [[13.0], [15.0]]]]
    """
    pool = {"max": F.max_pool2d, "average": F.avg_pool2d}.get(mode)
    if pool is None:
        raise ValueError(f"pool_forward: expected mode 'max' or 'average', got {mode!r}.")
    return pool(A_prev, hparameters["f"], hparameters["stride"], data_format="NHWC")


def pool_backward(
    dA: Any, A_prev: Any, hparameters: dict[str, int], mode: str = "max"
) -> np.ndarray:
    """The course's ``pool_backward`` by autograd: ``dA_prev`` for upstream ``dA``.

    Max pooling sends each window's gradient to its maximum (the course's
    ``create_mask_from_window``); average pooling spreads it evenly (``distribute_value``).
    """
    A_prev = Tensor(np.asarray(A_prev, dtype=np.float64), requires_grad=True)
    A = pool_forward(A_prev, hparameters, mode)
    A.backward(np.asarray(dA))
    return A_prev.grad


@dataclass
class StepByStepResult(ValuesResult):
    """The values of the week 1 fixtures, keyed as ``--json`` prints them (shapes as lists)."""

    model: str = "conv-step-by-step"

    def summary_lines(self) -> list[str]:
        """One line per value, as the assignment prints them."""
        lines = []
        for key, value in self.values.items():
            if isinstance(value, float):
                lines.append(f"{key} = {value!r}")
                continue
            text = np.array2string(np.asarray(value), precision=8, separator=", ")
            lines.append(f"{key} = {text}" if "\n" not in text else f"{key} =\n{text}")
        return lines


@without_curve  # values, not a training: nothing for --plot to draw
def conv_step_by_step(**show: Any) -> StepByStepResult:
    """Week 1's fixtures, every forward value from library ops and every gradient from autograd.

    Fixtures (seed 1 before each, draws in this order):

    - ``zero_pad``: x = randn(4, 3, 3, 2), pad 3;
    - ``conv_single_step``: a_slice_prev = randn(4, 4, 3), W = randn(4, 4, 3), b = randn(1, 1, 1);
    - ``conv_forward``: A_prev = randn(2, 5, 7, 4), W = randn(3, 3, 4, 8), b = randn(1, 1, 1, 8),
      pad 1, stride 2;
    - ``conv_backward``: A_prev = randn(10, 4, 4, 3), W = randn(2, 2, 3, 8), b = randn(1, 1, 1, 8),
      pad 2, stride 2, upstream gradient dZ = Z;
    - ``pool_forward``: A_prev = randn(2, 5, 5, 3), f 3, stride 1 and stride 2, max and average;
    - ``pool_backward``: A_prev = randn(5, 5, 3, 2), f 2, stride 1, then dA = randn(5, 4, 2, 2).

    ``show`` (print_cost, progress) is accepted for the command line and ignored.

    >>> values = conv_step_by_step().values
    >>> values["conv_single_step"], round(values["conv_forward_Z_mean"], 14)
    (-6.999089450680221, 0.55112764745668)
    """
    values: dict[str, Any] = {}

    rng = np.random.RandomState(1)
    x = rng.randn(4, 3, 3, 2)
    x_pad = zero_pad(x, 3)
    values["zero_pad_shape"] = list(x_pad.shape)
    values["zero_pad_x_1_1"] = x[1, 1].tolist()
    values["zero_pad_x_pad_1_1"] = x_pad.data[1, 1].tolist()

    rng = np.random.RandomState(1)
    a_slice_prev, W, b = rng.randn(4, 4, 3), rng.randn(4, 4, 3), rng.randn(1, 1, 1)
    values["conv_single_step"] = conv_single_step(a_slice_prev, W, b).item()

    rng = np.random.RandomState(1)
    A_prev, W, b = rng.randn(2, 5, 7, 4), rng.randn(3, 3, 4, 8), rng.randn(1, 1, 1, 8)
    Z = conv_forward(A_prev, W, b, {"pad": 1, "stride": 2}).data
    values["conv_forward_Z_shape"] = list(Z.shape)
    values["conv_forward_Z_mean"] = float(np.mean(Z))
    values["conv_forward_Z_0_2_1"] = Z[0, 2, 1].tolist()

    rng = np.random.RandomState(1)
    A_prev, W, b = rng.randn(10, 4, 4, 3), rng.randn(2, 2, 3, 8), rng.randn(1, 1, 1, 8)
    hparameters = {"pad": 2, "stride": 2}
    Z = conv_forward(A_prev, W, b, hparameters).data
    dA_prev, dW, db = conv_backward(Z, A_prev, W, b, hparameters)  # the course's dZ := Z
    values["conv_backward_dA_mean"] = float(np.mean(dA_prev))
    values["conv_backward_dW_mean"] = float(np.mean(dW))
    values["conv_backward_db_mean"] = float(np.mean(db))

    rng = np.random.RandomState(1)
    A_prev = rng.randn(2, 5, 5, 3)
    for stride in (1, 2):
        for mode, short in (("max", "max"), ("average", "avg")):
            A = pool_forward(A_prev, {"f": 3, "stride": stride}, mode).data
            values[f"pool_forward_{short}_s{stride}_A_shape"] = list(A.shape)
            if stride == 1:
                values[f"pool_forward_{short}_s1_A_1_1"] = A[1, 1].tolist()
            elif mode == "max":
                values["pool_forward_max_s2_A_0"] = A[0].tolist()
            else:
                values["pool_forward_avg_s2_A_1"] = A[1].tolist()

    rng = np.random.RandomState(1)
    A_prev = rng.randn(5, 5, 3, 2)
    dA = rng.randn(5, 4, 2, 2)
    values["pool_backward_dA_mean"] = float(np.mean(dA))
    for mode, short in (("max", "max"), ("average", "avg")):
        dA_prev = pool_backward(dA, A_prev, {"f": 2, "stride": 1}, mode)
        values[f"pool_backward_{short}_dA_prev_1_1"] = dA_prev[1, 1].tolist()
    return StepByStepResult(values)


# -------------------------------------------------------------------------------------------------
# A CNN on handwritten digits
# -------------------------------------------------------------------------------------------------


class DigitsCNN(nn.Module):
    """CONV(3x3, 16, same) -> RELU -> MAXPOOL(2) -> CONV(3x3, 32, same) -> RELU -> MAXPOOL(2)
    -> FLATTEN -> FULLY CONNECTED(10): logits for the ten digits (softmax is in the loss).

    The course's SIGNS model (64 x 64 images) uses CONV 4x4x8 -> MAXPOOL 8 -> CONV 2x2x16 ->
    MAXPOOL 4; on 8 x 8 digits the same pattern pools by 2 twice: 8 -> 4 -> 2 pixels.

    >>> DigitsCNN(rng=np.random.RandomState(1))(np.zeros((5, 1, 8, 8))).shape
    (5, 10)
    """

    def __init__(self, rng=None, dtype=np.float64):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 16, 3, padding="same", init="he", rng=rng, dtype=dtype)
        self.pool1 = nn.MaxPool2d(2)
        self.conv2 = nn.Conv2d(16, 32, 3, padding="same", init="he", rng=rng, dtype=dtype)
        self.pool2 = nn.MaxPool2d(2)
        self.fc = nn.Linear(32 * 2 * 2, 10, init="xavier", rng=rng, dtype=dtype)

    def features(self, X: Any) -> tuple[Tensor, Tensor]:
        """The activations after each convolution's ReLU: ``(m, 16, 8, 8)``, ``(m, 32, 4, 4)``."""
        A1 = self.conv1(X).relu()
        A2 = self.conv2(self.pool1(A1)).relu()
        return A1, A2

    def forward(self, X: Any) -> Tensor:
        """``X (m, 1, 8, 8) -> Z (m, 10)``."""
        _, A2 = self.features(X)
        P2 = self.pool2(A2)  # (m, 32, 2, 2)
        return self.fc(P2.flatten(1))  # (m, 128) -> (m, 10)


def _accuracy(model: nn.Module, X: np.ndarray, y: np.ndarray, batch: int = 512) -> float:
    with no_grad():
        hits = sum(
            int(np.sum(np.argmax(model(X[i : i + batch]).data, axis=1) == y[i : i + batch]))
            for i in range(0, len(y), batch)
        )
    return hits / len(y)


@dataclass
class DigitsResult(CourseResult):
    """``CourseResult`` with the cost per epoch and the number of mini-batch steps."""

    steps: int = 0
    test_images: np.ndarray | None = field(default=None, repr=False)

    def to_json(self) -> dict[str, Any]:
        out = super().to_json()
        out["steps"] = self.steps
        out["seconds"] = self.seconds
        return out

    def summary_lines(self) -> list[str]:
        lines = super().summary_lines()
        lines[-1] = f"({len(self.costs)} epochs, {self.steps} steps, {self.seconds:.1f} s)"
        return lines


def cnn_digits(
    *,
    num_epochs: int = 20,
    learning_rate: float = 0.005,
    minibatch_size: int = 64,
    num_iterations: int | None = None,
    seed: int = 1,
    print_cost: bool = False,
    progress: bool | None = None,
    file: Any = None,
) -> DigitsResult:
    """Train ``DigitsCNN`` with Adam on mini-batches of 64; report costs and accuracies.

    Args:
        num_epochs: passes over the 1,438 training images (23 mini-batches each).
        learning_rate: Adam's alpha.
        minibatch_size: examples per step.
        num_iterations: train exactly this many mini-batch steps instead (the command line's
            ``--iterations``), in as many epochs as that takes (the last one may be partial:
            above 460 steps, more than the default 20 epochs); None trains ``num_epochs``.
        seed: seeds the split, the initial weights (``RandomState(seed)``, layer by layer) and
            the mini-batch order.
        print_cost: print ``Cost after epoch i: ...`` every 5 epochs, as the course does.
        progress: accepted for the command line (there is no progress bar here).
        file: where to print (default: standard output).

    Returns:
        A ``DigitsResult``: ``costs`` per epoch (the mean of its mini-batch costs, as the
        course's ``minibatch_cost``), train and test accuracy, the network and the seconds.

    Raises:
        ImportError: scikit-learn is not installed.
    """
    digits = data.load_digits(seed=seed)
    model = DigitsCNN(rng=np.random.RandomState(seed))
    optimizer = optim.Adam(model.parameters(), lr=learning_rate)
    order = np.random.RandomState(seed)
    costs: dict[int, float] = {}
    all_costs: list[float] = []
    steps = 0
    limit = math.inf if num_iterations is None else num_iterations
    if num_iterations is not None:  # exactly N steps, however many epochs they span
        per_epoch = math.ceil(len(digits.train_y) / minibatch_size)
        num_epochs = math.ceil(num_iterations / per_epoch)
    start = time.perf_counter()
    epoch = 0
    try:
        for epoch in range(num_epochs):
            epoch_cost, seen = 0.0, 0
            batches = data.minibatches(
                digits.train_x, digits.train_y, minibatch_size, seed=order, axis=0
            )
            for X, y in batches:
                if steps >= limit:
                    break
                J = losses.cross_entropy(model(X), y)  # softmax + mean over the mini-batch
                optimizer.zero_grad()
                J.backward()
                optimizer.step()
                steps += 1
                all_costs.append(J.item())
                epoch_cost += J.item() * len(y)
                seen += len(y)
            if seen == 0:
                break
            costs[epoch] = epoch_cost / seen
            if print_cost and (epoch % 5 == 0 or epoch == num_epochs - 1):
                print(f"Cost after epoch {epoch}: {costs[epoch]:.6f}", file=file)
    except KeyboardInterrupt as err:  # keep the costs so far (the command line prints them)
        history = train.History(costs, all_costs, steps=steps, unit="epoch")
        raise train.interrupted("cnn-digits", history, epoch, num_epochs, curve=all_costs) from err
    seconds = time.perf_counter() - start
    return DigitsResult(
        model="cnn-digits",
        costs=costs,
        all_costs=all_costs,
        train_accuracy=_accuracy(model, digits.train_x, digits.train_y),
        test_accuracy=_accuracy(model, digits.test_x, digits.test_y),
        network=model,
        seconds=seconds,
        steps=steps,
        test_images=digits.test_x,
    )


MODELS: dict[str, Callable[..., Any]] = {
    "conv-step-by-step": conv_step_by_step,
    "cnn-digits": cnn_digits,
}
