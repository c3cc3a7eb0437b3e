"""Benchmark workloads, each written three times: by hand in numpy, in PyTorch, in tinygrad_edu.

Not part of the package: this file only imports it. The hand-written numpy version of each
workload is the practical limit for a numpy-backed engine (forward and backward written out,
nothing computed that the result does not need); PyTorch CPU is the outside reference (optional).

Every workload builds its inputs and initial weights once, as numpy arrays (``setup``), and each
backend copies them, so the three implementations start from identical numbers. A backend is a
``Runner``: ``prepare()`` is untimed work done before every timed call (W4 builds its graph
there), ``run()`` is the timed work and returns ``(loss, grads)`` for the agreement check, where
``loss`` is a 0-d numpy array (so its dtype can be checked too) and ``grads`` maps a parameter
name to the gradient (numpy array) computed in that call. For the training-step workloads (W1,
W2) ``run()`` also applies the SGD update, so a second call checks that the updates agreed.

>>> w = W5(seed=0, smoke=True)
>>> loss, grads = w.numpy_runner().run()
>>> sorted(grads), grads["a"].shape
(['a', 'b'], (16, 1))
"""

from __future__ import annotations

import itertools
import os
import sys
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

REPO_ROOT = Path(__file__).resolve().parent.parent
# Benchmark the checkout this file lives in, not whatever version happens to be installed.
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

try:
    import torch
except Exception as exc:  # torch is optional: any failure to import it just drops its columns
    torch = None
    TORCH_IMPORT_ERROR: str | None = f"{type(exc).__name__}: {exc}"
else:
    TORCH_IMPORT_ERROR = None

try:
    import tinygrad_edu as tg
    from tinygrad_edu import Tensor, no_grad

    tg.Tensor  # noqa: B018  (a half-written package may import but lack Tensor)
except Exception as exc:
    tg = None
    Tensor = no_grad = None
    TG_IMPORT_ERROR: str | None = f"{type(exc).__name__}: {exc}"
else:
    TG_IMPORT_ERROR = None

BACKENDS = ("numpy", "torch", "tinygrad_edu")

Result = tuple[np.ndarray, dict[str, np.ndarray]]

# Where the course's cat vs non-cat training set may be found (W1 uses it when present).
CAT_H5_CANDIDATES = (
    os.environ.get("TINYGRAD_EDU_CAT_H5", ""),
    str(REPO_ROOT.parent / "shared" / "datasets" / "catvnoncat" / "train_catvnoncat.h5"),
    str(REPO_ROOT / "datasets" / "catvnoncat" / "train_catvnoncat.h5"),
)


def available_backends() -> list[str]:
    """The backends that can run here: numpy always, torch and tinygrad_edu when importable."""
    out = ["numpy"]
    if torch is not None:
        out.append("torch")
    if tg is not None:
        out.append("tinygrad_edu")
    return out


@dataclass
class Runner:
    """One implementation of a workload: ``prepare`` (untimed, or None), then ``run`` (timed)."""

    run: Callable[[], Result]
    prepare: Callable[[], None] | None = None


class AgreementError(AssertionError):
    """Two implementations of the same workload computed different losses or gradients."""


def _copy(params: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    return {k: v.copy() for k, v in params.items()}


def _torch_leaves(params: dict[str, np.ndarray]) -> dict[str, object]:
    return {k: torch.from_numpy(v.copy()).requires_grad_(True) for k, v in params.items()}


def _tg_leaves(params: dict[str, np.ndarray]) -> dict[str, object]:
    return {k: Tensor(v.copy(), requires_grad=True) for k, v in params.items()}


def _torch_grads(leaves: dict[str, object]) -> dict[str, np.ndarray]:
    """Take the grads out of torch leaves (zero-copy views) and reset them (``p.grad = None``)."""
    grads = {}
    for k, p in leaves.items():
        grads[k] = None if p.grad is None else p.grad.numpy()
        p.grad = None
    return grads


def _tg_grads(leaves: dict[str, object]) -> dict[str, np.ndarray]:
    grads = {}
    for k, p in leaves.items():
        grads[k] = p.grad
        p.grad = None
    return grads


class Workload:
    """Base class: ``setup`` makes the numpy inputs and parameters; ``*_runner`` the backends."""

    key = "W?"
    title = ""
    timed = "forward + backward"
    dtype = np.float64
    n_ops = None  # elementwise ops per call, for a per-op figure (W3, W4)

    def __init__(self, seed: int = 0, smoke: bool = False) -> None:
        self.seed = seed
        self.smoke = smoke
        self.setup()

    def setup(self) -> None:
        raise NotImplementedError

    def numpy_runner(self) -> Runner:
        raise NotImplementedError

    def torch_runner(self) -> Runner:
        raise NotImplementedError

    def tg_runner(self) -> Runner:
        raise NotImplementedError

    def runner(self, backend: str) -> Runner:
        if backend == "numpy":
            return self.numpy_runner()
        if backend == "torch":
            if torch is None:
                raise RuntimeError(f"torch is not importable: {TORCH_IMPORT_ERROR}")
            return self.torch_runner()
        if backend == "tinygrad_edu":
            if tg is None:
                raise RuntimeError(f"tinygrad_edu is not importable: {TG_IMPORT_ERROR}")
            return self.tg_runner()
        raise ValueError(f"runner: expected one of {BACKENDS}, got {backend!r}")

    @property
    def tolerances(self) -> tuple[float, float]:
        """(rtol, atol as a fraction of the reference's largest magnitude) for this dtype."""
        if self.dtype == np.float32:
            return 2e-4, 2e-5
        return 1e-8, 1e-11

    def describe(self) -> str:
        return f"{self.key}: {self.title}"


# --------------------------------------------------------------------------------------------------
# W1: one gradient-descent iteration of the course's 4-layer cat net, course layout X: (n_x, m).
# --------------------------------------------------------------------------------------------------


def load_cat_train() -> tuple[np.ndarray, np.ndarray, str] | None:
    """The course's training set as X: (12288, 209) in [0, 1] and Y: (1, 209), or None if absent."""
    try:
        import h5py
    except ImportError:
        return None
    for candidate in CAT_H5_CANDIDATES:
        if candidate and Path(candidate).is_file():
            with h5py.File(candidate, "r") as f:
                x = np.array(f["train_set_x"])  # (209, 64, 64, 3) uint8
                y = np.array(f["train_set_y"])  # (209,)
            # C-contiguous like the random data: every backend gets the same memory layout.
            X = np.ascontiguousarray(x.reshape(x.shape[0], -1).T / 255.0)  # (12288, 209) float64
            Y = y.reshape(1, -1).astype(np.float64)  # (1, 209)
            return X, Y, candidate
    return None


class W1(Workload):
    key = "W1"
    title = "cat net [12288,20,7,5,1], m=209, float64: one GD iteration"
    timed = "forward + BCE cost + backward + SGD update"
    learning_rate = 0.0075

    def setup(self) -> None:
        rng = np.random.default_rng(self.seed)
        if self.smoke:
            self.dims = [48, 20, 7, 5, 1]
            m = 16
            data = None
        else:
            self.dims = [12288, 20, 7, 5, 1]
            m = 209
            data = load_cat_train()
        if data is not None:
            self.X, self.Y, source = data
            self.data_source = f"cat vs non-cat training set ({source})"
        else:
            self.X = rng.random((self.dims[0], m))  # like pixels / 255
            self.Y = (rng.random((1, m)) > 0.5).astype(np.float64)
            self.data_source = f"random seeded data, seed={self.seed}"
        self.params = {}
        for layer in range(1, len(self.dims)):
            n, n_prev = self.dims[layer], self.dims[layer - 1]
            self.params[f"W{layer}"] = rng.standard_normal((n, n_prev)) / np.sqrt(n_prev)
            self.params[f"b{layer}"] = np.zeros((n, 1))
        self.n_layers = len(self.dims) - 1

    def numpy_runner(self) -> Runner:
        params = _copy(self.params)
        X, Y, L, lr = self.X, self.Y, self.n_layers, self.learning_rate
        m = X.shape[1]

        def run() -> Result:
            A, Zs, As = X, [], [X]
            for layer in range(1, L + 1):
                Z = params[f"W{layer}"] @ A + params[f"b{layer}"]  # (n_l, m)
                A = np.maximum(Z, 0.0) if layer < L else 1.0 / (1.0 + np.exp(-Z))
                Zs.append(Z)
                As.append(A)
            cost = -np.mean(Y * np.log(A) + (1.0 - Y) * np.log(1.0 - A))
            grads = {}
            dZ = (A - Y) / m  # sigmoid + BCE mean, simplified
            for layer in range(L, 0, -1):
                grads[f"W{layer}"] = dZ @ As[layer - 1].T
                grads[f"b{layer}"] = dZ.sum(axis=1, keepdims=True)
                if layer > 1:  # never dA0: the gradient of the data X is not needed
                    dA = params[f"W{layer}"].T @ dZ
                    dZ = dA * (Zs[layer - 2] > 0)
            for k, g in grads.items():
                params[k] -= lr * g
            return np.asarray(cost), grads

        return Runner(run)

    def torch_runner(self) -> Runner:
        params = _torch_leaves(self.params)
        X, Y = torch.from_numpy(self.X.copy()), torch.from_numpy(self.Y.copy())
        L, lr = self.n_layers, self.learning_rate

        def run() -> Result:
            A = X
            for layer in range(1, L + 1):
                Z = params[f"W{layer}"] @ A + params[f"b{layer}"]
                A = torch.relu(Z) if layer < L else torch.sigmoid(Z)
            cost = -(Y * torch.log(A) + (1.0 - Y) * torch.log(1.0 - A)).mean()
            cost.backward()
            with torch.no_grad():
                for p in params.values():
                    p -= lr * p.grad
            return cost.detach().numpy(), _torch_grads(params)

        return Runner(run)

    def tg_runner(self) -> Runner:
        params = _tg_leaves(self.params)
        X, Y = Tensor(self.X.copy()), Tensor(self.Y.copy())
        L, lr = self.n_layers, self.learning_rate

        def run() -> Result:
            A = X
            for layer in range(1, L + 1):
                Z = params[f"W{layer}"] @ A + params[f"b{layer}"]
                A = Z.relu() if layer < L else Z.sigmoid()
            cost = -(Y * A.log() + (1.0 - Y) * (1.0 - A).log()).mean()
            cost.backward()
            with no_grad():
                for p in params.values():
                    p.data -= lr * p.grad
            return cost.data, _tg_grads(params)

        return Runner(run)


# --------------------------------------------------------------------------------------------------
# W2: one SGD step of an MLP 784-512-512-10, batch 256, float32, batch-first layout.
# --------------------------------------------------------------------------------------------------


class W2(Workload):
    key = "W2"
    title = "MLP 784-512-512-10, batch 256, float32: one SGD step"
    timed = "forward + softmax cross-entropy + backward + SGD update"
    dtype = np.float32
    learning_rate = 0.1

    def setup(self) -> None:
        rng = np.random.default_rng(self.seed)
        self.dims = [40, 24, 24, 10] if self.smoke else [784, 512, 512, 10]
        n = 12 if self.smoke else 256
        f32 = np.float32
        self.X = rng.random((n, self.dims[0]), dtype=f32)
        self.y = rng.integers(0, self.dims[-1], size=n)
        self.Y_onehot = np.eye(self.dims[-1], dtype=f32)[self.y]  # (n, 10)
        self.params = {}
        for layer in range(1, len(self.dims)):
            n_out, n_in = self.dims[layer], self.dims[layer - 1]
            W = rng.standard_normal((n_out, n_in), dtype=f32) * f32(np.sqrt(2.0 / n_in))
            self.params[f"W{layer}"] = W
            self.params[f"b{layer}"] = np.zeros(n_out, dtype=f32)
        self.n_layers = len(self.dims) - 1

    def numpy_runner(self) -> Runner:
        params = _copy(self.params)
        X, y, L, lr = self.X, self.y, self.n_layers, self.learning_rate
        n = X.shape[0]
        rows = np.arange(n)

        def run() -> Result:
            A, Zs, As = X, [], [X]
            for layer in range(1, L + 1):
                Z = A @ params[f"W{layer}"].T + params[f"b{layer}"]  # (n, n_out)
                A = np.maximum(Z, 0) if layer < L else Z
                Zs.append(Z)
                As.append(A)
            shifted = Z - Z.max(axis=1, keepdims=True)
            exp = np.exp(shifted)
            sum_exp = exp.sum(axis=1, keepdims=True)
            logp = shifted - np.log(sum_exp)
            loss = -logp[rows, y].mean()
            grads = {}
            dZ = exp / sum_exp  # softmax - one-hot, over n
            dZ[rows, y] -= 1
            dZ /= n
            for layer in range(L, 0, -1):
                grads[f"W{layer}"] = dZ.T @ As[layer - 1]
                grads[f"b{layer}"] = dZ.sum(axis=0)
                if layer > 1:  # no gradient for the input batch
                    dA = dZ @ params[f"W{layer}"]
                    dZ = dA * (Zs[layer - 2] > 0)
            for k, g in grads.items():
                params[k] -= lr * g
            return np.asarray(loss), grads

        return Runner(run)

    def torch_runner(self) -> Runner:
        params = _torch_leaves(self.params)
        X, y = torch.from_numpy(self.X.copy()), torch.from_numpy(self.y.astype(np.int64))
        L, lr = self.n_layers, self.learning_rate

        def run() -> Result:
            A = X
            for layer in range(1, L + 1):
                Z = A @ params[f"W{layer}"].T + params[f"b{layer}"]
                A = torch.relu(Z) if layer < L else Z
            loss = torch.nn.functional.cross_entropy(Z, y)
            loss.backward()
            with torch.no_grad():
                for p in params.values():
                    p -= lr * p.grad
            return loss.detach().numpy(), _torch_grads(params)

        return Runner(run)

    def tg_runner(self) -> Runner:
        params = _tg_leaves(self.params)
        X, Y = Tensor(self.X.copy()), Tensor(self.Y_onehot.copy())
        L, lr = self.n_layers, self.learning_rate

        def run() -> Result:
            A = X
            for layer in range(1, L + 1):
                Z = A @ params[f"W{layer}"].T + params[f"b{layer}"]
                A = Z.relu() if layer < L else Z
            loss = -(Y * Z.log_softmax(axis=-1)).sum(axis=1).mean()
            loss.backward()
            with no_grad():
                for p in params.values():
                    p.data -= lr * p.grad
            return loss.data, _tg_grads(params)

        return Runner(run)


# --------------------------------------------------------------------------------------------------
# W3: per-op overhead: a (16,) tensor through a long cycle of mul, add, tanh.
# --------------------------------------------------------------------------------------------------

W3_MUL, W3_ADD = 1.01, 0.01


class W3(Workload):
    key = "W3"
    title = "(16,) float64 through 2,000 elementwise ops (mul, add, tanh)"
    timed = "forward + backward"

    def setup(self) -> None:
        self.n_ops = 60 if self.smoke else 2000
        self.params = {"x": np.random.default_rng(self.seed).standard_normal(16)}

    def numpy_runner(self) -> Runner:
        x0, n_ops = self.params["x"].copy(), self.n_ops

        def run() -> Result:
            x, saved = x0, []
            for i in range(n_ops):
                k = i % 3
                if k == 0:
                    x = x * W3_MUL
                elif k == 1:
                    x = x + W3_ADD
                else:
                    x = np.tanh(x)
                    saved.append(x)
            loss = x.sum()
            g = np.ones_like(x)
            for i in range(n_ops - 1, -1, -1):
                k = i % 3
                if k == 0:
                    g = g * W3_MUL
                elif k == 2:
                    y = saved.pop()
                    g = g * (1.0 - y * y)
            return np.asarray(loss), {"x": g}

        return Runner(run)

    def torch_runner(self) -> Runner:
        leaves = _torch_leaves(self.params)
        x0, n_ops = leaves["x"], self.n_ops

        def run() -> Result:
            x = x0
            for i in range(n_ops):
                k = i % 3
                if k == 0:
                    x = x * W3_MUL
                elif k == 1:
                    x = x + W3_ADD
                else:
                    x = torch.tanh(x)
            loss = x.sum()
            loss.backward()
            return loss.detach().numpy(), _torch_grads(leaves)

        return Runner(run)

    def tg_runner(self) -> Runner:
        leaves = _tg_leaves(self.params)
        x0, n_ops = leaves["x"], self.n_ops

        def run() -> Result:
            x = x0
            for i in range(n_ops):
                k = i % 3
                if k == 0:
                    x = x * W3_MUL
                elif k == 1:
                    x = x + W3_ADD
                else:
                    x = x.tanh()
            loss = x.sum()
            loss.backward()
            return loss.data, _tg_grads(leaves)

        return Runner(run)


# --------------------------------------------------------------------------------------------------
# W4: backward through a long chain x = x * 1.0001; the forward is built untimed, fresh each call.
# --------------------------------------------------------------------------------------------------

W4_MUL = 1.0001


class W4(Workload):
    key = "W4"
    title = "backward through a 50,000-op chain x = x * 1.0001, x: (4,)"
    timed = "backward only (graph built untimed before each call)"

    def setup(self) -> None:
        self.n_ops = 300 if self.smoke else 50_000
        self.params = {"x": np.random.default_rng(self.seed).standard_normal(4)}

    def numpy_runner(self) -> Runner:
        x0, n_ops = self.params["x"].copy(), self.n_ops
        state = {}

        def prepare() -> None:
            x = x0
            for _ in range(n_ops):
                x = x * W4_MUL
            state["loss"] = x.sum()

        def run() -> Result:
            g = np.ones_like(x0)
            for _ in range(n_ops):
                g = g * W4_MUL
            return np.asarray(state["loss"]), {"x": g}

        return Runner(run, prepare)

    def torch_runner(self) -> Runner:
        leaves = _torch_leaves(self.params)
        n_ops, state = self.n_ops, {}

        def prepare() -> None:
            state.clear()  # drop the previous graph before building the next
            x = leaves["x"]
            for _ in range(n_ops):
                x = x * W4_MUL
            state["loss"] = x.sum()

        def run() -> Result:
            loss = state["loss"]
            loss.backward()
            return loss.detach().numpy(), _torch_grads(leaves)

        return Runner(run, prepare)

    def tg_runner(self) -> Runner:
        leaves = _tg_leaves(self.params)
        n_ops, state = self.n_ops, {}

        def prepare() -> None:
            state.clear()
            state["loss"] = tg_chain(leaves["x"], n_ops)

        def run() -> Result:
            loss = state["loss"]
            loss.backward()
            return loss.data, _tg_grads(leaves)

        return Runner(run, prepare)


class W4F(W4):
    """W4 with the graph building timed too: the chain's forward + backward (issue 18's target).

    Building a long graph is where Python's cyclic garbage collector costs most: every object of
    the growing graph stays alive, so its full collections walk all of them (see the README)."""

    key = "W4F"
    title = "forward + backward of the 50,000-op chain x = x * 1.0001, x: (4,)"
    timed = "forward + backward"

    @staticmethod
    def _whole(runner: Runner) -> Runner:
        def run() -> Result:
            runner.prepare()
            return runner.run()

        return Runner(run)

    def numpy_runner(self) -> Runner:
        return self._whole(super().numpy_runner())

    def torch_runner(self) -> Runner:
        return self._whole(super().torch_runner())

    def tg_runner(self) -> Runner:
        return self._whole(super().tg_runner())


def tg_chain(x: object, n_ops: int) -> object:
    """``(x * 1.0001 * ... * 1.0001).sum()``: ``n_ops`` multiplications, a tinygrad_edu graph."""
    for _ in range(n_ops):
        x = x * W4_MUL
    return x.sum()


# --------------------------------------------------------------------------------------------------
# W5: broadcasting and reductions: a (n,1) + b (1,n) -> tanh -> sum over axis 0 -> mean of squares.
# --------------------------------------------------------------------------------------------------


class W5(Workload):
    key = "W5"
    title = "broadcast: tanh(a(256,1) + b(1,256)).sum(axis=0) -> (d*d).mean()"
    timed = "forward + backward"

    def setup(self) -> None:
        n = 16 if self.smoke else 256
        rng = np.random.default_rng(self.seed)
        self.params = {"a": rng.standard_normal((n, 1)), "b": rng.standard_normal((1, n))}

    def numpy_runner(self) -> Runner:
        a, b = self.params["a"].copy(), self.params["b"].copy()

        def run() -> Result:
            c = np.tanh(a + b)  # (n, n)
            d = c.sum(axis=0, keepdims=True)  # (1, n)
            e = (d * d).mean()
            dd = d * (2.0 / d.size)  # (1, n)
            dz = dd * (1.0 - c * c)  # (n, n): dd broadcast down the rows
            return np.asarray(e), {
                "a": dz.sum(axis=1, keepdims=True),
                "b": dz.sum(axis=0, keepdims=True),
            }

        return Runner(run)

    def torch_runner(self) -> Runner:
        leaves = _torch_leaves(self.params)

        def run() -> Result:
            c = torch.tanh(leaves["a"] + leaves["b"])
            d = c.sum(dim=0, keepdim=True)
            e = (d * d).mean()
            e.backward()
            return e.detach().numpy(), _torch_grads(leaves)

        return Runner(run)

    def tg_runner(self) -> Runner:
        leaves = _tg_leaves(self.params)

        def run() -> Result:
            c = (leaves["a"] + leaves["b"]).tanh()
            d = c.sum(axis=0, keepdims=True)
            e = (d * d).mean()
            e.backward()
            return e.data, _tg_grads(leaves)

        return Runner(run)


# --------------------------------------------------------------------------------------------------
# W6: one Adam step on a mini-batch (course 2's optimizer), MLP 20-64-64-1, batch 64, float64.
# --------------------------------------------------------------------------------------------------


class W6(Workload):
    key = "W6"
    title = "MLP [20,64,64,1], mini-batch 64, float64: one Adam step"
    timed = "forward + BCE-with-logits + backward + Adam update (course 2's formulas)"
    learning_rate = 0.001
    betas = (0.9, 0.999)
    eps = 1e-8

    def setup(self) -> None:
        rng = np.random.default_rng(self.seed)
        self.dims = [6, 8, 8, 1] if self.smoke else [20, 64, 64, 1]
        batch, n_batches = (8, 3) if self.smoke else (64, 16)
        X = rng.standard_normal((batch * n_batches, self.dims[0]))
        Y = (X[:, :1] * X[:, 1:2] > 0).astype(np.float64)  # an XOR-like rule: (m, 1)
        self.batches = [
            (X[i : i + batch].copy(), Y[i : i + batch].copy())
            for i in range(0, batch * n_batches, batch)
        ]  # mini-batches cut once: shuffling is not what is timed
        self.params = {}
        for layer in range(1, len(self.dims)):
            n_out, n_in = self.dims[layer], self.dims[layer - 1]
            self.params[f"W{layer}"] = rng.standard_normal((n_out, n_in)) * np.sqrt(2.0 / n_in)
            self.params[f"b{layer}"] = np.zeros(n_out)
        self.n_layers = len(self.dims) - 1

    def numpy_runner(self) -> Runner:
        params = _copy(self.params)
        v = {k: np.zeros_like(p) for k, p in params.items()}
        s = {k: np.zeros_like(p) for k, p in params.items()}
        batches, state = itertools.cycle(self.batches), {"t": 0}
        L, lr, (beta1, beta2), eps = self.n_layers, self.learning_rate, self.betas, self.eps

        def run() -> Result:
            X, Y = next(batches)
            n = X.shape[0]
            A, Zs, As = X, [], [X]
            for layer in range(1, L + 1):
                Z = A @ params[f"W{layer}"].T + params[f"b{layer}"]  # (n, n_out)
                A = np.maximum(Z, 0.0) if layer < L else Z
                Zs.append(Z)
                As.append(A)
            loss = np.mean(np.maximum(Z, 0) - Z * Y + np.log1p(np.exp(-np.abs(Z))))
            grads = {}
            dZ = (1.0 / (1.0 + np.exp(-Z)) - Y) / n  # sigmoid(Z) - Y, over n
            for layer in range(L, 0, -1):
                grads[f"W{layer}"] = dZ.T @ As[layer - 1]
                grads[f"b{layer}"] = dZ.sum(axis=0)
                if layer > 1:
                    dZ = (dZ @ params[f"W{layer}"]) * (Zs[layer - 2] > 0)
            state["t"] += 1
            t = state["t"]
            for k, g in grads.items():  # the course's update_parameters_with_adam
                v[k] = beta1 * v[k] + (1 - beta1) * g
                s[k] = beta2 * s[k] + (1 - beta2) * g * g
                v_hat = v[k] / (1 - beta1**t)
                s_hat = s[k] / (1 - beta2**t)
                params[k] = params[k] - lr * v_hat / (np.sqrt(s_hat) + eps)
            return np.asarray(loss), grads

        return Runner(run)

    def torch_runner(self) -> Runner:
        params = _torch_leaves(self.params)
        pairs = [(torch.from_numpy(X), torch.from_numpy(Y)) for X, Y in self.batches]
        batches = itertools.cycle(pairs)
        opt = torch.optim.Adam(params.values(), lr=self.learning_rate, betas=self.betas,
                               eps=self.eps)  # fmt: skip
        L = self.n_layers

        def run() -> Result:
            X, Y = next(batches)
            A = X
            for layer in range(1, L + 1):
                Z = A @ params[f"W{layer}"].T + params[f"b{layer}"]
                A = torch.relu(Z) if layer < L else Z
            loss = torch.nn.functional.binary_cross_entropy_with_logits(Z, Y)
            loss.backward()
            opt.step()
            return loss.detach().numpy(), _torch_grads(params)

        return Runner(run)

    def tg_runner(self) -> Runner:
        params = _tg_leaves(self.params)
        batches = itertools.cycle([(Tensor(X), Tensor(Y)) for X, Y in self.batches])
        opt = tg.optim.Adam(list(params.values()), lr=self.learning_rate, betas=self.betas,
                            eps=self.eps)  # fmt: skip
        L = self.n_layers

        def run() -> Result:
            X, Y = next(batches)
            A = X
            for layer in range(1, L + 1):
                Z = A @ params[f"W{layer}"].T + params[f"b{layer}"]
                A = Z.relu() if layer < L else Z
            loss = tg.losses.binary_cross_entropy_with_logits(Z, Y)
            loss.backward()
            opt.step()
            return loss.data, _tg_grads(params)

        return Runner(run)


# --------------------------------------------------------------------------------------------------
# C1-C5: convolutional networks (course 4). Hand-written numpy: im2col windows (a strided view),
# one GEMM per convolution, col2im by one strided addition per kernel offset.
# --------------------------------------------------------------------------------------------------


def _np_conv_forward(x, W, stride, pads):
    """``x (N, C, H, W) * W (F, C, kh, kw) -> Z (N, F, OH, OW)`` and what backward needs."""
    n, c = x.shape[:2]
    f, _, kh, kw = W.shape
    xp = np.pad(x, ((0, 0), (0, 0), pads[0], pads[1])) if any(map(any, pads)) else x
    win = np.lib.stride_tricks.sliding_window_view(xp, (kh, kw), axis=(2, 3))
    win = win[:, :, ::stride, ::stride]  # (N, C, OH, OW, kh, kw), a view
    oh, ow = win.shape[2:4]
    cols = win.transpose(1, 4, 5, 0, 2, 3).reshape(c * kh * kw, n * oh * ow)  # the one copy
    Z = (W.reshape(f, -1) @ cols).reshape(f, n, oh, ow).transpose(1, 0, 2, 3)
    return Z, (xp.shape, cols)


def _np_conv_backward(dZ, W, cache, stride, pads, need_dx=True):
    """dx (or None), dW of ``_np_conv_forward``."""
    xp_shape, cols = cache
    f, c, kh, kw = W.shape
    n, _, oh, ow = dZ.shape
    dZ2 = dZ.transpose(1, 0, 2, 3).reshape(f, -1)  # (F, N*OH*OW)
    dW = (dZ2 @ cols.T).reshape(W.shape)
    if not need_dx:
        return None, dW
    dcols = (W.reshape(f, -1).T @ dZ2).reshape(c, kh, kw, n, oh, ow)
    dxp = np.zeros(xp_shape, dtype=dZ.dtype)
    last_h, last_w = stride * (oh - 1) + 1, stride * (ow - 1) + 1
    for i in range(kh):
        for j in range(kw):
            dxp[:, :, i : i + last_h : stride, j : j + last_w : stride] += dcols[:, i, j].transpose(
                1, 0, 2, 3
            )
    (t, b), (lft, r) = pads
    return dxp[:, :, t : xp_shape[2] - b, lft : xp_shape[3] - r], dW


def _same_pads(k):
    total = k - 1
    return ((total // 2, total - total // 2),) * 2


def _np_maxpool_forward(x, f):
    """Non-overlapping f x f max pooling (H, W divisible by f) and the winners' positions."""
    n, c, h, w = x.shape
    tiles = x.reshape(n, c, h // f, f, w // f, f).transpose(0, 1, 2, 4, 3, 5)
    tiles = tiles.reshape(n, c, h // f, w // f, f * f)
    first = tiles.argmax(axis=-1)
    return np.take_along_axis(tiles, first[..., None], -1)[..., 0], first


def _np_maxpool_backward(dout, first, x_shape, f):
    n, c, h, w = x_shape
    tiles = np.zeros((n, c, h // f, w // f, f * f), dtype=dout.dtype)
    np.put_along_axis(tiles, first[..., None], dout[..., None], -1)
    tiles = tiles.reshape(n, c, h // f, w // f, f, f).transpose(0, 1, 2, 4, 3, 5)
    return tiles.reshape(x_shape)


def _np_adam(params, grads, state, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    state["t"] = t = state.get("t", 0) + 1
    c1, c2 = 1 - beta1**t, 1 - beta2**t
    for k, g in grads.items():
        m = state.setdefault(("m", k), np.zeros_like(g))
        v = state.setdefault(("v", k), np.zeros_like(g))
        m *= beta1
        m += (1 - beta1) * g
        v *= beta2
        v += (1 - beta2) * (g * g)
        params[k] -= lr * (m / c1) / (np.sqrt(v / c2) + eps)


class C1(Workload):
    """The course's SIGNS model (course 4 week 1, its TensorFlow part) on random images."""

    key = "C1"
    title = "SIGNS CNN on 64x64x3 images, batch 64, float32: one Adam step"
    timed = "forward + softmax cross-entropy + backward + Adam update"
    dtype = np.float32
    # The course uses 0.009. One Adam step moves every weight by about lr, and at 0.009 that is
    # enough to flip max-pool winners between two float32 implementations (their sums round
    # differently), so the second call's agreement check would compare different networks. The
    # timed work does not depend on the rate.
    learning_rate = 1e-4
    memory_loop = True  # run.py measures a training loop's memory

    def setup(self) -> None:
        rng = np.random.default_rng(self.seed)
        m, size = (4, 32) if self.smoke else (64, 64)
        self.pool = (8, 4)  # MAXPOOL 8x8 stride 8, then 4x4 stride 4
        dt = self.dtype
        self.X = rng.random((m, 3, size, size)).astype(dt)  # like pixels / 255, NCHW
        self.Y = rng.integers(0, 6, size=m)  # six signs
        n_flat = 16 * (size // 32) ** 2
        self.params = {  # W1 (8, 3, 4, 4), W2 (16, 8, 2, 2): the course's filters, NCHW; no bias
            "W1": (rng.standard_normal((8, 3, 4, 4)) * np.sqrt(2 / 48)).astype(dt),
            "W2": (rng.standard_normal((16, 8, 2, 2)) * np.sqrt(2 / 32)).astype(dt),
            "W3": (rng.standard_normal((6, n_flat)) * np.sqrt(1 / n_flat)).astype(dt),
            "b3": np.zeros(6, dtype=dt),
        }
        self.data_source = f"random seeded images, seed={self.seed}"

    def numpy_runner(self) -> Runner:
        params, state = _copy(self.params), {}
        X, Y, (f1, f2), lr = self.X, self.Y, self.pool, self.learning_rate
        m = len(Y)

        def run() -> Result:
            W1, W2, W3, b3 = params["W1"], params["W2"], params["W3"], params["b3"]
            Z1, cache1 = _np_conv_forward(X, W1, 1, _same_pads(4))
            A1 = np.maximum(Z1, 0)
            P1, first1 = _np_maxpool_forward(A1, f1)
            Z2, cache2 = _np_conv_forward(P1, W2, 1, _same_pads(2))
            A2 = np.maximum(Z2, 0)
            P2, first2 = _np_maxpool_forward(A2, f2)
            F = P2.reshape(m, -1)
            Z3 = F @ W3.T + b3  # (m, 6)
            shifted = Z3 - Z3.max(axis=1, keepdims=True)
            log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
            cost = -log_probs[np.arange(m), Y].mean()
            dZ3 = np.exp(log_probs)
            dZ3[np.arange(m), Y] -= 1
            dZ3 /= m
            grads = {"W3": dZ3.T @ F, "b3": dZ3.sum(axis=0)}
            dP2 = (dZ3 @ W3).reshape(P2.shape)
            dZ2 = _np_maxpool_backward(dP2, first2, A2.shape, f2) * (Z2 > 0)
            dP1, grads["W2"] = _np_conv_backward(dZ2, W2, cache2, 1, _same_pads(2))
            dZ1 = _np_maxpool_backward(dP1, first1, A1.shape, f1) * (Z1 > 0)
            _, grads["W1"] = _np_conv_backward(dZ1, W1, cache1, 1, _same_pads(4), need_dx=False)
            _np_adam(params, grads, state, lr)
            return np.asarray(cost, dtype=self.dtype), grads

        return Runner(run)

    def torch_runner(self) -> Runner:
        params = _torch_leaves(self.params)
        X, Y = torch.from_numpy(self.X.copy()), torch.from_numpy(self.Y.copy())
        (f1, f2) = self.pool
        optimizer = torch.optim.Adam(params.values(), lr=self.learning_rate)
        F = torch.nn.functional
        # torch pads "same" with an even kernel by a copy (as tinygrad_edu does) and warns; fine
        warnings.filterwarnings("ignore", message="Using padding='same' with even kernel")

        def run() -> Result:
            A1 = torch.relu(F.conv2d(X, params["W1"], padding="same"))
            P1 = F.max_pool2d(A1, f1)
            A2 = torch.relu(F.conv2d(P1, params["W2"], padding="same"))
            P2 = F.max_pool2d(A2, f2)
            Z3 = F.linear(P2.flatten(1), params["W3"], params["b3"])
            cost = F.cross_entropy(Z3, Y)
            cost.backward()
            optimizer.step()
            return cost.detach().numpy(), _torch_grads(params)

        return Runner(run)

    def tg_runner(self) -> Runner:
        from tinygrad_edu import losses
        from tinygrad_edu.nn import functional as F  # noqa: N812

        params = _tg_leaves(self.params)
        X, Y, (f1, f2), lr = Tensor(self.X.copy()), self.Y, self.pool, self.learning_rate
        optimizer = tg.optim.Adam(list(params.values()), lr=lr)

        def run() -> Result:
            A1 = F.conv2d(X, params["W1"], padding="same").relu()
            P1 = F.max_pool2d(A1, f1)
            A2 = F.conv2d(P1, params["W2"], padding="same").relu()
            P2 = F.max_pool2d(A2, f2)
            Z3 = P2.flatten(1) @ params["W3"].T + params["b3"]
            cost = losses.cross_entropy(Z3, Y)
            cost.backward()
            optimizer.step()
            return cost.data, _tg_grads(params)

        return Runner(run)


class _ConvMicro(Workload):
    """One conv2d, forward and backward (dx, dW, db), against fixed output weights R."""

    timed = "conv2d forward + backward (dx, dW, db)"
    dtype = np.float32
    shape = (32, 16, 32, 32)  # N, C_in, H, W
    filters = (32, 3)  # C_out, kernel
    stride = 1
    padding = 1

    def setup(self) -> None:
        rng = np.random.default_rng(self.seed)
        n, c, h, w = self.shape
        if self.smoke:
            n, h, w = 2, min(h, 8), min(w, 8)
        f, k = self.filters
        dt = self.dtype
        self.pads = ((self.padding, self.padding),) * 2
        oh = (h + 2 * self.padding - k) // self.stride + 1
        ow = (w + 2 * self.padding - k) // self.stride + 1
        self.R = rng.uniform(0.5, 1.5, size=(n, f, oh, ow)).astype(dt)
        self.params = {
            "x": rng.standard_normal((n, c, h, w)).astype(dt),
            "W": (rng.standard_normal((f, c, k, k)) / np.sqrt(c * k * k)).astype(dt),
            "b": np.zeros(f, dtype=dt),
        }

    def numpy_runner(self) -> Runner:
        p, R, s, pads = _copy(self.params), self.R, self.stride, self.pads

        def run() -> Result:
            Z, cache = _np_conv_forward(p["x"], p["W"], s, pads)
            Z = Z + p["b"][:, None, None]
            loss = np.sum(Z * R)
            dx, dW = _np_conv_backward(R, p["W"], cache, s, pads)
            return np.asarray(loss, dtype=self.dtype), {
                "x": dx,
                "W": dW,
                "b": R.sum(axis=(0, 2, 3)),
            }

        return Runner(run)

    def torch_runner(self) -> Runner:
        p = _torch_leaves(self.params)
        R = torch.from_numpy(self.R.copy())

        def run() -> Result:
            Z = torch.nn.functional.conv2d(p["x"], p["W"], p["b"], self.stride, self.padding)
            loss = (Z * R).sum()
            loss.backward()
            return loss.detach().numpy(), _torch_grads(p)

        return Runner(run)

    def tg_runner(self) -> Runner:
        from tinygrad_edu.nn import functional as F  # noqa: N812

        p = _tg_leaves(self.params)
        R = self.R.copy()

        def run() -> Result:
            Z = F.conv2d(p["x"], p["W"], p["b"], self.stride, self.padding)
            loss = (Z * R).sum()
            loss.backward()
            return loss.data, _tg_grads(p)

        return Runner(run)


class C2(_ConvMicro):
    key = "C2"
    title = "conv2d 3x3 pad 1, x (32, 16, 32, 32) -> 32 channels, float32"


class C3(_ConvMicro):
    key = "C3"
    title = "conv2d 5x5 stride 2 pad 2, x (32, 3, 64, 64) -> 16 channels, float32"
    shape = (32, 3, 64, 64)
    filters = (16, 5)
    stride = 2
    padding = 2


class C4(_ConvMicro):
    key = "C4"
    title = "conv2d 1x1, x (32, 64, 16, 16) -> 64 channels, float32"
    shape = (32, 64, 16, 16)
    filters = (64, 1)
    padding = 0


class C5(_ConvMicro):
    key = "C5"
    title = "conv2d 3x3 pad 1, x (32, 16, 32, 32) -> 32 channels, float64 (the course's dtype)"
    dtype = np.float64


# --------------------------------------------------------------------------------------------------
# R1: one Dinosaur Island training iteration (course 5, week 1): an RNN with 50 hidden units reads
# one name, predicts each next character; backward through time, clip to [-5, 5], SGD update.
# --------------------------------------------------------------------------------------------------

# Where dinos.txt is found: TINYGRAD_EDU_DATA (None), then the shared data beside the repository.
DINOS_FOLDERS = (None, REPO_ROOT.parent / "shared" / "datasets", REPO_ROOT / "datasets")
R1_CLIP, R1_LR = 5.0, 0.01


def load_dino_names() -> tuple[list[str], str] | None:
    """The course's dinosaur names shuffled as the course does, or None if dinos.txt is absent.

    Read by the library's ``data.load_dinos``, which finds the file by every data set's rule.
    """
    if tg is None:
        return None
    from tinygrad_edu.data import DINOS_FILE, find_data_file, load_dinos

    for folder in DINOS_FOLDERS:
        try:
            path = find_data_file(DINOS_FILE, "dinos", folder, op="R1")
        except FileNotFoundError:
            continue
        names = list(load_dinos(path).names)
        np.random.RandomState(0).shuffle(names)  # the course's np.random.seed(0); shuffle
        return names, str(path)
    return None


def _dino_examples(names: list[str]) -> list[tuple[list, list[int]]]:
    """(X, Y) index lists per name: X = [None] + indices, Y = indices + ['\\n'] (index 0)."""
    ix = {ch: i for i, ch in enumerate("\nabcdefghijklmnopqrstuvwxyz")}
    out = []
    for name in names:
        indices = [ix[ch] for ch in name]
        out.append(([None, *indices], [*indices, 0]))
    return out


class R1(Workload):
    key = "R1"
    title = "Dinosaur Island: one name through a 27-50-27 RNN, float64"
    timed = "forward over the name + loss + backward through time + clip + SGD update"

    def setup(self) -> None:
        rng = np.random.RandomState(1)  # the course's initialization
        self.n_a = 8 if self.smoke else 50
        data = None if self.smoke else load_dino_names()
        if data is not None:
            names, source = data
            self.data_source = f"dinosaur names ({source})"
        else:
            names = ["aardonyx", "abelisaurus", "tyrannosaurus", "t", "zby"]
            self.data_source = "five made-up names"
        self.examples = _dino_examples(names)
        V, n_a = 27, self.n_a
        self.params = {
            "Wax": rng.randn(n_a, V) * 0.01,
            "Waa": rng.randn(n_a, n_a) * 0.01,
            "Wya": rng.randn(V, n_a) * 0.01,
            "b": np.zeros((n_a, 1)),
            "by": np.zeros((V, 1)),
        }
        if self.smoke:  # larger weights: tiny ones would leave the clipping untested
            self.params = {k: v + rng.randn(*v.shape) for k, v in self.params.items()}
        self.eye = np.eye(V)

    def _one_hot(self, indices) -> np.ndarray:
        """Inputs (or targets) side by side, (27, T): one-hot columns, zeros for None."""
        x = np.zeros((27, len(indices)))
        for t, ix in enumerate(indices):
            if ix is not None:
                x[ix, t] = 1.0
        return x

    # All three compute the same thing the same way (the course run's ``course5.rnn_loss``): the
    # input products ``Wax x<t> + b`` for all steps in one product, the recurrence step by step,
    # the outputs in one product, ``-sum(log_softmax(Z) * Y_onehot)``; then clip and update.

    def numpy_runner(self) -> Runner:
        """Hand-written: forward as the others, backward through time written out."""
        p = _copy(self.params)
        state = {"j": 0, "a": np.zeros((self.n_a, 1))}
        examples = [(self._one_hot(X), self._one_hot(Y)) for X, Y in self.examples]

        def run() -> Result:
            X, Y = examples[state["j"] % len(examples)]
            state["j"] += 1
            T = X.shape[1]
            XW = p["Wax"] @ X + p["b"]  # (n_a, T)
            a = [state["a"]]
            for t in range(T):
                a.append(np.tanh(XW[:, t : t + 1] + p["Waa"] @ a[-1]))  # (n_a, 1)
            A = np.concatenate(a[1:], axis=1)  # (n_a, T)
            Z = p["Wya"] @ A + p["by"]  # (27, T)
            shifted = Z - Z.max(axis=0, keepdims=True)
            e = np.exp(shifted)
            s = e.sum(axis=0, keepdims=True)
            loss = -((shifted - np.log(s)) * Y).sum()
            dZ = e / s - Y  # softmax - one-hot
            g = {"Wya": dZ @ A.T, "by": dZ.sum(axis=1, keepdims=True)}
            dA = p["Wya"].T @ dZ  # (n_a, T)
            dWaa = np.zeros_like(p["Waa"])
            dXW = np.empty_like(XW)
            da_next = np.zeros((self.n_a, 1))
            for t in range(T - 1, -1, -1):
                draw = (1.0 - a[t + 1] * a[t + 1]) * (dA[:, t : t + 1] + da_next)
                dXW[:, t : t + 1] = draw
                dWaa += draw @ a[t].T
                da_next = p["Waa"].T @ draw
            g.update({"Wax": dXW @ X.T, "Waa": dWaa, "b": dXW.sum(axis=1, keepdims=True)})
            for k in p:
                np.clip(g[k], -R1_CLIP, R1_CLIP, out=g[k])
                p[k] = p[k] - R1_LR * g[k]
            state["a"] = a[-1]
            return np.asarray(loss), g

        return Runner(run)

    def torch_runner(self) -> Runner:
        p = _torch_leaves(self.params)
        state = {"j": 0, "a": torch.zeros(self.n_a, 1, dtype=torch.float64)}
        examples = [
            (torch.from_numpy(self._one_hot(X)), torch.from_numpy(self._one_hot(Y)))
            for X, Y in self.examples
        ]

        def run() -> Result:
            X, Y = examples[state["j"] % len(examples)]
            state["j"] += 1
            XW = p["Wax"] @ X + p["b"]
            a, states = state["a"], []
            for t in range(X.shape[1]):
                a = torch.tanh(XW[:, t : t + 1] + p["Waa"] @ a)
                states.append(a)
            A = torch.cat(states, dim=1)
            loss = -(torch.log_softmax(p["Wya"] @ A + p["by"], dim=0) * Y).sum()
            loss.backward()
            with torch.no_grad():
                for q in p.values():
                    q.grad.clamp_(-R1_CLIP, R1_CLIP)
                    q -= R1_LR * q.grad
            state["a"] = a.detach()
            return loss.detach().numpy(), _torch_grads(p)

        return Runner(run)

    def tg_runner(self) -> Runner:
        """The course run's own step: ``course5.optimize``."""
        from tinygrad_edu.course import course5

        p = _tg_leaves(self.params)
        state = {"j": 0, "a": np.zeros((self.n_a, 1))}
        examples = self.examples

        def run() -> Result:
            X, Y = examples[state["j"] % len(examples)]
            state["j"] += 1
            loss, grads, state["a"] = course5.optimize(X, Y, state["a"], p, R1_LR)
            return np.asarray(loss), {k[1:]: g for k, g in grads.items()}

        return Runner(run)


# --------------------------------------------------------------------------------------------------
# R2: an LSTM layer over a sequence, batch 32, 64 hidden units, 50 steps, forward and backward.
# --------------------------------------------------------------------------------------------------


class R2(Workload):
    key = "R2"
    title = "LSTM layer, T=50, N=32, 64 inputs, 64 hidden, float64"
    timed = "forward over the sequence + loss sum(output * R) + backward"

    def setup(self) -> None:
        rng = np.random.default_rng(self.seed)
        self.T, self.N, self.C, self.H = (5, 3, 4, 6) if self.smoke else (50, 32, 64, 64)
        T, N, C, H = self.T, self.N, self.C, self.H
        self.X = rng.standard_normal((T, N, C))
        self.R = rng.standard_normal((T, N, H))  # dloss/doutput
        bound = 1 / np.sqrt(H)
        shapes = {"weight_ih_l0": (4 * H, C), "weight_hh_l0": (4 * H, H),
                  "bias_ih_l0": (4 * H,), "bias_hh_l0": (4 * H,)}  # fmt: skip
        self.params = {k: rng.uniform(-bound, bound, size=s) for k, s in shapes.items()}

    def numpy_runner(self) -> Runner:
        """Hand-written, gate order i, f, g, o; the input products of all steps in one matmul."""
        p = _copy(self.params)
        X, R, T, N, C, H = self.X, self.R, self.T, self.N, self.C, self.H

        def sigmoid(z):
            return 0.5 * np.tanh(0.5 * z) + 0.5

        def run() -> Result:
            W_ih, W_hh = p["weight_ih_l0"], p["weight_hh_l0"]
            P = (X.reshape(T * N, C) @ W_ih.T).reshape(T, N, 4 * H) + (
                p["bias_ih_l0"] + p["bias_hh_l0"]
            )
            h, c = np.zeros((N, H)), np.zeros((N, H))
            hs, cs, gates = [h], [c], []
            for t in range(T):
                z = P[t] + h @ W_hh.T
                i, f = sigmoid(z[:, :H]), sigmoid(z[:, H : 2 * H])
                g, o = np.tanh(z[:, 2 * H : 3 * H]), sigmoid(z[:, 3 * H :])
                c = f * c + i * g
                h = o * np.tanh(c)
                hs.append(h)
                cs.append(c)
                gates.append((i, f, g, o))
            loss = (np.stack(hs[1:]) * R).sum()
            dG = np.empty((T, N, 4 * H))
            dh_next, dc_next = np.zeros((N, H)), np.zeros((N, H))
            for t in range(T - 1, -1, -1):
                i, f, g, o = gates[t]
                tc = np.tanh(cs[t + 1])
                dh = R[t] + dh_next
                dc = dc_next + dh * o * (1 - tc * tc)
                dG[t, :, :H] = dc * g * i * (1 - i)
                dG[t, :, H : 2 * H] = dc * cs[t] * f * (1 - f)
                dG[t, :, 2 * H : 3 * H] = dc * i * (1 - g * g)
                dG[t, :, 3 * H :] = dh * tc * o * (1 - o)
                dc_next = dc * f
                dh_next = dG[t] @ W_hh
            dG2 = dG.reshape(T * N, 4 * H)
            db = dG2.sum(axis=0)
            Hprev = np.stack(hs[:-1]).reshape(T * N, H)
            grads = {
                "weight_ih_l0": dG2.T @ X.reshape(T * N, C),
                "weight_hh_l0": dG2.T @ Hprev,
                "bias_ih_l0": db,
                "bias_hh_l0": db.copy(),
            }
            return np.asarray(loss), grads

        return Runner(run)

    def torch_runner(self) -> Runner:
        lstm = torch.nn.LSTM(self.C, self.H).double()
        lstm.load_state_dict({k: torch.from_numpy(v.copy()) for k, v in self.params.items()})
        X, R = torch.from_numpy(self.X), torch.from_numpy(self.R)
        params = dict(lstm.named_parameters())

        def run() -> Result:
            out, _ = lstm(X)
            loss = (out * R).sum()
            loss.backward()
            return loss.detach().numpy(), _torch_grads(params)

        return Runner(run)

    def tg_runner(self) -> Runner:
        lstm = tg.nn.LSTM(self.C, self.H)
        lstm.load_state_dict(self.params)
        X, R = Tensor(self.X), Tensor(self.R)
        params = dict(lstm.named_parameters())

        def run() -> Result:
            out, _ = lstm(X)
            loss = (out * R).sum()
            loss.backward()
            return loss.data, _tg_grads(params)

        return Runner(run)


WORKLOADS: dict[str, type[Workload]] = {
    w.key: w for w in (W1, W2, W3, W4, W4F, W5, W6, C1, C2, C3, C4, C5, R1, R2)
}


# --------------------------------------------------------------------------------------------------
# Agreement check
# --------------------------------------------------------------------------------------------------


def _call(runner: Runner) -> Result:
    if runner.prepare is not None:
        runner.prepare()
    loss, grads = runner.run()
    # Copy now: a later call may update arrays in place (SGD) or reuse buffers.
    return np.array(loss), {k: (None if g is None else np.array(g)) for k, g in grads.items()}


def _compare(
    what: str, ref: np.ndarray, got: np.ndarray | None, dtype: type, rtol: float, atol_frac: float
) -> float:
    """Raise AgreementError unless ``got`` matches ``ref``; return max |got - ref| / max |ref|."""
    if got is None:
        raise AgreementError(f"{what}: expected a gradient, got None (was it computed?)")
    got = np.asarray(got)
    if got.shape != ref.shape:
        raise AgreementError(f"{what}: expected shape {ref.shape}, got {got.shape}")
    if got.dtype != dtype:
        raise AgreementError(f"{what}: expected dtype {np.dtype(dtype)}, got {got.dtype}")
    scale = float(np.max(np.abs(ref))) if ref.size else 0.0
    atol = atol_frac * scale
    if not np.all(np.isfinite(got)) or not np.allclose(got, ref, rtol=rtol, atol=atol):
        err = np.abs(got.astype(np.float64) - ref)
        worst = np.unravel_index(np.nanargmax(err), err.shape) if err.ndim else ()
        raise AgreementError(
            f"{what}: values differ beyond rtol={rtol:g}, atol={atol:.3g}: worst element "
            f"{tuple(int(i) for i in worst)}: expected {ref[worst]!r}, got {got[worst]!r} "
            f"(max abs diff {np.nanmax(err):.3g})"
        )
    if scale == 0.0:
        return float(np.max(np.abs(got))) if got.size else 0.0
    return float(np.max(np.abs(got.astype(np.float64) - ref)) / scale)


def check_agreement(workload: Workload, backends: list[str] | None = None) -> dict[str, float]:
    """Run two calls of each backend from identical starting values and compare them with numpy.

    The first call compares the loss and every gradient (shape, dtype and value); the second call
    compares the loss and gradients again, which for W1/W2 checks that the SGD updates agreed.
    Raises AgreementError on the first mismatch; returns, per backend, the worst
    max |got - ref| / max |ref| over the losses and gradients compared.
    """
    backends = available_backends() if backends is None else backends
    rtol, atol_frac = workload.tolerances
    dtype = workload.dtype
    reference = workload.runner("numpy")
    ref_calls = [_call(reference), _call(reference)]
    worst: dict[str, float] = {}
    for backend in backends:
        if backend == "numpy":
            continue
        runner = workload.runner(backend)
        worst[backend] = 0.0
        for call, (ref_loss, ref_grads) in enumerate(ref_calls, start=1):
            loss, grads = _call(runner)
            prefix = f"{workload.key} {backend} vs numpy, call {call}"
            if sorted(grads) != sorted(ref_grads):
                raise AgreementError(
                    f"{prefix}: grads for {sorted(grads)}, not {sorted(ref_grads)}"
                )
            errs = [_compare(f"{prefix}, loss", ref_loss, loss, dtype, rtol, atol_frac)]
            for name, ref_g in ref_grads.items():
                errs.append(
                    _compare(f"{prefix}, d{name}", ref_g, grads[name], dtype, rtol, atol_frac)
                )
            worst[backend] = max(worst[backend], *errs)
    return worst
