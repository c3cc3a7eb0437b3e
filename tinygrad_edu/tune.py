"""Random hyperparameter search with the course's sampling rules, in local processes or on Dask.

Layer: ``tune``; it imports nothing else from the package (a trial is any function).

Course 2, week 3 ("Hyperparameter tuning"): try random values, don't use a grid; sample the
learning rate on a log scale (``r = -4 * rand(); alpha = 10**r``); sample beta as ``1 - 10**r``
(``r`` in [-3, -1] for beta in [0.9, 0.999]), because beta's effect changes fastest near 1. When
one machine is not enough, train many models in parallel (the "caviar" strategy)::

    space = {"learning_rate": LogUniform(1e-4, 1e-1), "beta1": OneMinusLogUniform(0.8, 0.99),
             "hidden": IntUniform(3, 10), "optimizer": "adam"}          # a constant is fixed
    result = random_search(train_moons, space, n_trials=40, seed=0)     # local processes
    result = random_search(train_moons, space, 40, scheduler="tcp://10.0.0.5:8786")  # Dask
    print(result.table("accuracy")); result.plot("sweep.png", x="learning_rate", y="accuracy")

``train_moons(**params)`` returns a number or a dict of numbers. Each trial runs in its own
process (a crash, ``os._exit`` or a killed worker costs that trial only); on a Dask cluster, the
scheduler reruns a trial whose worker died elsewhere and records a trial that keeps killing its
workers as ``"worker-died"``. Failed trials are recorded with the error and the sweep goes on.
With ``path=``, every finished trial is appended to a JSON Lines file at once, and a rerun of the
same sweep skips the trials already there: nothing computed is lost.

Trial ``i``'s values depend only on ``seed`` and ``i`` (its own ``np.random.default_rng([seed,
i])``), so a sweep is reproducible, and a longer sweep with the same seed starts with the same
trials.

The trial function must be importable by the processes that run it (defined in a module, not in
an interactive session; a script needs ``if __name__ == "__main__":``). Dask is optional:
``pip install "tinygrad_edu[dask]"``.
"""

from __future__ import annotations

import json
import math
import multiprocessing
import os
import socket
import sys
import time
import traceback
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from multiprocessing.connection import wait
from pathlib import Path
from typing import Any, TextIO

import numpy as np

__all__ = [
    "Choice",
    "IntUniform",
    "LogUniform",
    "OneMinusLogUniform",
    "SearchResult",
    "Uniform",
    "random_search",
    "sample_trials",
]

STATUSES = ("ok", "error", "worker-died", "timeout")
MAX_TRIALS = 100_000  # trials of one sweep


# -------------------------------------------------------------------------------------------------
# Sampling rules
# -------------------------------------------------------------------------------------------------


class Distribution:
    """A rule for drawing one hyperparameter value from a ``numpy.random.Generator``."""

    log_scale = False

    def sample(self, rng: np.random.Generator) -> Any:
        """One value drawn with ``rng``. Abstract: each rule (``Uniform``, ``LogUniform``, ...)
        overrides it; a subclass of your own must too.

        Raises:
            NotImplementedError: always, here in the base class.
        """
        raise NotImplementedError(
            f"{type(self).__name__}.sample: a Distribution must override sample(rng)."
        )


def _check_range(name: str, low: float, high: float, lo_ok: float = -math.inf) -> None:
    if not (math.isfinite(low) and math.isfinite(high) and lo_ok < low < high):
        raise ValueError(f"{name}: expected finite low < high (low > {lo_ok}), got {low}, {high}.")


@dataclass(frozen=True)
class Uniform(Distribution):
    """Uniform in [low, high): for hyperparameters whose effect is even across the range.

    >>> 0.0 <= Uniform(0.0, 1.0).sample(np.random.default_rng(0)) < 1.0
    True
    """

    low: float
    high: float

    def __post_init__(self):
        _check_range("Uniform", self.low, self.high)

    def sample(self, rng: np.random.Generator) -> float:
        return float(rng.uniform(self.low, self.high))


@dataclass(frozen=True)
class LogUniform(Distribution):
    """``10**r`` with ``r`` uniform in [log10(low), log10(high)): the course's learning rate.

    As many samples in [0.0001, 0.001] as in [0.1, 1]; a uniform draw would put 90 % of them
    in [0.1, 1].

    >>> lr = LogUniform(1e-4, 1.0).sample(np.random.default_rng(0))
    >>> 1e-4 <= lr < 1.0
    True
    """

    low: float
    high: float
    log_scale = True

    def __post_init__(self):
        _check_range("LogUniform", self.low, self.high, lo_ok=0.0)

    def sample(self, rng: np.random.Generator) -> float:
        r = rng.uniform(math.log10(self.low), math.log10(self.high))
        return float(10.0**r)


@dataclass(frozen=True)
class OneMinusLogUniform(Distribution):
    """``1 - 10**r`` with ``r`` uniform in [log10(1 - high), log10(1 - low)]: the course's beta.

    For beta in [0.9, 0.999], r is in [-3, -1]: beta = 0.9 to 0.9005 matters little (an average
    over about 10 values either way), 0.999 to 0.9995 a lot (1000 vs 2000 values), so the draws
    crowd near 1.

    >>> beta = OneMinusLogUniform(0.9, 0.999).sample(np.random.default_rng(0))
    >>> 0.9 < beta <= 0.999
    True
    """

    low: float
    high: float
    log_scale = False

    def __post_init__(self):
        _check_range("OneMinusLogUniform", self.low, self.high)
        if not self.high < 1.0:
            raise ValueError(f"OneMinusLogUniform: expected high < 1, got {self.high}.")

    def sample(self, rng: np.random.Generator) -> float:
        r = rng.uniform(math.log10(1.0 - self.high), math.log10(1.0 - self.low))
        return float(1.0 - 10.0**r)


@dataclass(frozen=True)
class IntUniform(Distribution):
    """An integer uniform in [low, high], both included (layers 2 to 4, units 50 to 100).

    >>> IntUniform(2, 4).sample(np.random.default_rng(0)) in (2, 3, 4)
    True
    """

    low: int
    high: int

    def __post_init__(self):
        if not (isinstance(self.low, int) and isinstance(self.high, int) and self.low <= self.high):
            raise ValueError(f"IntUniform: expected ints low <= high, got {self.low}, {self.high}.")

    def sample(self, rng: np.random.Generator) -> int:
        return int(rng.integers(self.low, self.high, endpoint=True))


@dataclass(frozen=True)
class Choice(Distribution):
    """One of ``options``, each equally likely (an optimizer's name, an activation).

    >>> Choice(["adam", "momentum"]).sample(np.random.default_rng(0)) in ("adam", "momentum")
    True
    """

    options: tuple

    def __init__(self, options):
        options = tuple(options)
        if not options:
            raise ValueError("Choice: expected at least one option, got none.")
        object.__setattr__(self, "options", options)

    def sample(self, rng: np.random.Generator) -> Any:
        return self.options[int(rng.integers(len(self.options)))]


def _plain(value: Any) -> Any:
    """A JSON-friendly value: numpy scalars become Python numbers."""
    if isinstance(value, np.generic):
        return value.item()
    return value


def sample_trials(space: Mapping[str, Any], n_trials: int, seed: int = 0) -> list[dict[str, Any]]:
    """The parameters of trials 0 .. n_trials - 1; trial i from ``default_rng([seed, i])``.

    Values in ``space`` that are not a ``Distribution`` are constants, passed as they are.

    >>> space = {"learning_rate": LogUniform(1e-4, 1.0), "epochs": 100}
    >>> trials = sample_trials(space, 3, seed=1)
    >>> trials == sample_trials(space, 3, seed=1), sample_trials(space, 5, seed=1)[:3] == trials
    (True, True)
    >>> sorted(trials[0]), trials[0]["epochs"]
    (['epochs', 'learning_rate'], 100)
    """
    if not isinstance(space, Mapping) or not space:
        raise ValueError(
            f"sample_trials: expected a non-empty dict name -> Distribution or constant, got "
            f"{space!r}."
        )
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"sample_trials: expected seed to be an int >= 0, got {seed!r}.")
    trials = []
    for i in range(n_trials):
        rng = np.random.default_rng([int(seed), i])
        trials.append(
            {
                name: _plain(rule.sample(rng)) if isinstance(rule, Distribution) else rule
                for name, rule in space.items()
            }
        )
    return trials


# -------------------------------------------------------------------------------------------------
# Running one trial
# -------------------------------------------------------------------------------------------------


def _worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def _as_result(out: Any) -> dict[str, Any]:
    """A trial's return value as ``{name: number}`` (a bare number is ``{"metric": value}``)."""
    if isinstance(out, Mapping):
        return {str(k): _plain(v) for k, v in out.items()}
    if isinstance(out, (int, float, np.integer, np.floating)) and not isinstance(out, bool):
        return {"metric": float(out)}
    raise TypeError(
        f"random_search: expected the trial function to return a number or a dict of numbers, "
        f"got {type(out).__name__}."
    )


def _run_trial(fn: Callable[..., Any], trial: int, params: dict[str, Any]) -> dict[str, Any]:
    """Run one trial and describe it; an exception in ``fn`` becomes an "error" record."""
    start = time.perf_counter()
    record: dict[str, Any] = {"trial": trial, "params": params, "worker": _worker_name()}
    try:
        record.update(status="ok", result=_as_result(fn(**params)), error=None)
    except Exception as err:  # the trial failed; the sweep goes on
        tail = traceback.format_exc(limit=-3).strip().splitlines()
        record.update(status="error", result=None, error=f"{type(err).__name__}: {err}")
        record["traceback"] = "\n".join(tail[-8:])
    record["seconds"] = time.perf_counter() - start
    return record


def _child(conn, fn: Callable[..., Any], trial: int, params: dict[str, Any]) -> None:
    """A local worker process: one trial, its record sent back through ``conn``."""
    try:
        conn.send(_run_trial(fn, trial, params))
    finally:
        conn.close()


def _dask_trial(
    fn: Callable[..., Any], trial: int, params: dict[str, Any], sweep: str
) -> dict[str, Any]:
    """A trial on a Dask worker; each attempt is logged, so retries after a death are counted."""
    try:
        from distributed import get_worker

        worker = get_worker()
        event = {"sweep": sweep, "trial": trial, "worker": worker.address}
        worker.log_event("tinygrad_edu.tune", event)
        address = worker.address
    except Exception:  # outside a worker (e.g. a local test of this function)
        address = None
    record = _run_trial(fn, trial, params)
    if address:
        record["worker"] = address
    return record


# -------------------------------------------------------------------------------------------------
# Results
# -------------------------------------------------------------------------------------------------


def _fmt(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


@dataclass
class SearchResult:
    """Every trial of a sweep, in trial order.

    Each record is a dict: ``trial``, ``params``, ``status`` ("ok", "error", "worker-died",
    "timeout"), ``result`` (the trial's numbers, or None), ``error`` (a one-line message, or
    None), ``seconds``, ``worker`` (where it ran) and, on Dask, ``attempts``.
    """

    records: list[dict[str, Any]]

    @property
    def ok(self) -> list[dict[str, Any]]:
        """The trials that returned a result."""
        return [r for r in self.records if r["status"] == "ok"]

    @property
    def failed(self) -> list[dict[str, Any]]:
        """The trials that raised, timed out or lost their worker."""
        return [r for r in self.records if r["status"] != "ok"]

    def _metric(self, metric: str | None) -> str:
        if metric is not None:
            return metric
        names = [k for r in self.ok for k in r["result"]]
        if not names:
            raise ValueError("SearchResult: no trial returned a result, so there is no metric.")
        return names[0]

    def best(self, metric: str | None = None, mode: str = "max") -> dict[str, Any]:
        """The successful trial with the largest (``mode="max"``) or smallest ``metric``."""
        metric = self._metric(metric)
        if mode not in ("max", "min"):
            raise ValueError(f"best: expected mode 'max' or 'min', got {mode!r}.")
        scored = [r for r in self.ok if isinstance(r["result"].get(metric), (int, float))]
        if not scored:
            raise ValueError(f"best: no successful trial reported {metric!r}.")
        pick = max if mode == "max" else min
        return pick(scored, key=lambda r: r["result"][metric])

    def table(self, metric: str | None = None, mode: str = "max") -> str:
        """A text table: one row per trial, best ``metric`` first, failures last (with why).

        >>> result = SearchResult([
        ...     {"trial": 0, "params": {"lr": 0.01}, "status": "ok", "result": {"acc": 0.9},
        ...      "error": None, "seconds": 1.0},
        ...     {"trial": 1, "params": {"lr": 0.3}, "status": "error", "result": None,
        ...      "error": "ValueError: cost is nan", "seconds": 0.5}])
        >>> print(result.table())
        trial  lr    acc  status  seconds
        0      0.01  0.9  ok      1
        1      0.3        error   0.5      ValueError: cost is nan
        """
        metric = self._metric(metric)
        names = list(dict.fromkeys(k for r in self.records for k in r["params"]))
        results = list(dict.fromkeys(k for r in self.ok for k in r["result"]))
        results = [metric] + [k for k in results if k != metric]
        sign = -1 if mode == "max" else 1

        def key(r):
            value = (r.get("result") or {}).get(metric)
            missing = not isinstance(value, (int, float)) or math.isnan(value)
            return (missing, 0 if missing else sign * value, r["trial"])

        header = ["trial", *names, *results, "status", "seconds"]
        rows = [header]
        for r in sorted(self.records, key=key):
            result = r.get("result") or {}
            row = [str(r["trial"])]
            row += [_fmt(r["params"].get(n, "")) for n in names]
            row += [_fmt(result.get(k, "")) for k in results]
            row += [r["status"], _fmt(r.get("seconds", ""))]
            if r.get("error"):
                row.append(r["error"])
            rows.append(row)
        widths = [max(len(row[i]) for row in rows if i < len(row)) for i in range(len(header))]
        lines = []
        for row in rows:
            cells = [c.ljust(w) for c, w in zip(row, widths, strict=False)] + row[len(header) :]
            lines.append("  ".join(cells).rstrip())
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.table()

    def to_json(self) -> list[dict[str, Any]]:
        """The records, as written to the JSON Lines file."""
        return list(self.records)

    def plot(
        self,
        path: str | os.PathLike,
        x: str,
        y: str | None = None,
        *,
        log_x: bool | None = None,
        title: str | None = None,
    ) -> str:
        """Scatter ``y`` (a result) against the hyperparameter ``x`` and save it to ``path``.

        A log x axis by default when every value of ``x`` is positive and they span more than a
        factor of 10 (a learning rate). Failed trials are drawn as red crosses on the x axis.
        Needs matplotlib (``pip install "tinygrad_edu[plot]"``).

        Returns:
            The path written (``.png`` added to a name without a suffix, as matplotlib does).

        Raises:
            ValueError: ``path`` names a folder (an existing one, or a name ending in '/').
            ImportError: matplotlib is not installed.
        """
        target = os.fspath(path)
        if os.path.isdir(target) or target.endswith(("/", os.sep)):
            raise ValueError(
                f"SearchResult.plot: expected a file name for the picture, got the folder "
                f"{target!r}; give a file such as {os.path.join(target, 'sweep.png')!r}."
            )
        try:
            from matplotlib.backends.backend_agg import FigureCanvasAgg
            from matplotlib.figure import Figure
        except ImportError as err:
            raise ImportError(
                f"SearchResult.plot: expected matplotlib, got ImportError: {err}. Install it "
                f'with pip install "tinygrad_edu[plot]".'
            ) from None
        y = self._metric(y)
        good = [r for r in self.ok if isinstance(r["result"].get(y), (int, float))]
        xs = [r["params"][x] for r in good if x in r["params"]]
        ys = [r["result"][y] for r in good if x in r["params"]]
        bad = [r["params"][x] for r in self.failed if x in r["params"]]
        values = xs + bad
        if not values:
            raise ValueError(f"SearchResult.plot: no trial has a parameter named {x!r}.")
        if log_x is None:
            positive = all(isinstance(v, (int, float)) and v > 0 for v in values)
            log_x = positive and max(values) / min(values) > 10
        fig = Figure(figsize=(6, 4))
        FigureCanvasAgg(fig)
        ax = fig.add_subplot(1, 1, 1)
        ax.scatter(xs, ys, label=f"{len(xs)} trials")
        if bad:
            floor = min(ys) if ys else 0.0
            ax.scatter(bad, [floor] * len(bad), marker="x", color="red",
                       label=f"{len(bad)} failed")  # fmt: skip
        if log_x:
            ax.set_xscale("log")
        ax.set_xlabel(x)
        ax.set_ylabel(y)
        ax.set_title(title or f"{y} vs {x}")
        ax.legend()
        fig.tight_layout()
        if not os.path.splitext(target)[1]:  # matplotlib appends ".png": return that file
            target += ".png"
        fig.savefig(target)
        return target


# -------------------------------------------------------------------------------------------------
# The search
# -------------------------------------------------------------------------------------------------


def _check_path(given: str | os.PathLike) -> Path:
    """Refuse, before any trial runs, a ``path`` where the records cannot be appended (a
    trial's result must never be computed and then lost); the path as a ``Path``."""
    op = "random_search"
    text, path = os.fspath(given), Path(given)
    if path.is_dir() or (isinstance(text, str) and text.endswith(("/", os.sep))):
        # "runs/" that does not exist yet: Path() drops the "/", and a file "runs" was written
        raise ValueError(
            f"{op}: expected a file for the trials' records (JSON Lines), got the folder "
            f"{'' if path.is_dir() else 'name '}{path}; pass e.g. {path / 'sweep.jsonl'}."
        )
    if path.exists() and not path.is_file():  # /dev/stdout, a pipe: reading it back would wait
        raise ValueError(
            f"{op}: expected a file for the trials' records (JSON Lines), got {path}, which is a "
            f"device or a pipe; a sweep reads its file back to resume. Pass e.g. sweep.jsonl."
        )
    try:
        with open(path, "a"):  # creates it if needed; appends nothing
            pass
    except OSError as err:
        raise type(err)(
            err.errno, f"{op}: cannot write the trials' records to {path}: {err.strerror}"
        ) from None
    return path


def _load(path: Path, trials: list[dict[str, Any]]) -> dict[int, dict[str, Any]]:
    """Records already in ``path`` (a partly written last line from a crash is ignored).

    Raises:
        ValueError: ``path`` is not this sweep's file: not UTF-8 text, a line that is JSON but
            not a trial record, or a trial drawn with other parameters.
    """
    done: dict[int, dict[str, Any]] = {}
    if not path.exists():
        return done
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        where = raw[: err.start].count(b"\n") + 1
        raise ValueError(
            f"random_search: expected {path} to be a JSON Lines file of trial records, got bytes "
            f"that are not UTF-8 text (line {where}). Pass another path."
        ) from None
    for n, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError:
            continue  # the sweep was stopped while this line was written
        problem = _not_a_record(record)
        if problem:
            raise ValueError(
                f"random_search: expected {path} to hold this sweep's trial records, got line "
                f"{n}, which is not one ({problem}). Pass another path."
            )
        i = record["trial"]
        if i >= len(trials):
            continue
        if record.get("params") != trials[i]:
            raise ValueError(
                f"random_search: {path} line {n} holds trial {i} with parameters "
                f"{record.get('params')}, but this sweep draws {trials[i]}: it is another "
                f"sweep's file (different space or seed). Pass another path."
            )
        done[i] = record
    return done


def _not_a_record(record: Any) -> str:
    """Why ``record`` is not a trial record as `_Recorder` writes them ('' if it is one)."""
    if not isinstance(record, dict):
        return f"a JSON {type(record).__name__}, not an object"
    trial = record.get("trial")
    if isinstance(trial, bool) or not isinstance(trial, int) or trial < 0:
        return f"'trial' is {trial!r}, not a trial number"
    if not isinstance(record.get("params"), dict):
        return "no 'params' object"
    if record.get("status") not in STATUSES:
        return f"'status' is {record.get('status')!r}, not one of {', '.join(STATUSES)}"
    if record["status"] == "ok" and not isinstance(record.get("result"), dict):
        return "an 'ok' trial without a 'result' object"
    return ""


class _Recorder:
    """Keeps the records, appends each to the file at once, and prints progress."""

    def __init__(self, path: Path | None, n_trials: int, progress: bool, file: TextIO):
        self.path, self.n_trials, self.progress, self.file = path, n_trials, progress, file
        self.records: dict[int, dict[str, Any]] = {}

    def add(self, record: dict[str, Any], callback: Callable | None) -> None:
        self.records[record["trial"]] = record
        if self.path is not None:
            with open(self.path, "a") as f:
                f.write(json.dumps(record, default=_plain) + "\n")
                f.flush()
                os.fsync(f.fileno())
        if self.progress:
            params = " ".join(f"{k}={_fmt(v)}" for k, v in record["params"].items())
            if record["status"] == "ok":
                outcome = " ".join(f"{k}={_fmt(v)}" for k, v in record["result"].items())
            else:
                outcome = record.get("error") or ""
            print(
                f"trial {record['trial']} ({len(self.records)}/{self.n_trials}) "
                f"{record['status']}: {params} -> {outcome} ({record['seconds']:.1f} s)",
                file=self.file,
                flush=True,
            )
        if callback is not None:
            callback(record)


def random_search(
    fn: Callable[..., Any],
    space: Mapping[str, Any],
    n_trials: int,
    *,
    seed: int = 0,
    scheduler: Any = None,
    n_jobs: int | None = None,
    path: str | os.PathLike | None = None,
    timeout: float | None = None,
    retry_failed: bool = False,
    progress: bool = True,
    file: TextIO | None = None,
    callback: Callable[[dict[str, Any]], None] | None = None,
) -> SearchResult:
    """Run ``fn(**params)`` for ``n_trials`` random draws from ``space``; record every outcome.

    Args:
        fn: the trial: keyword arguments in, a number or a dict of numbers out. It must be
            importable by the processes that run it (a module-level function).
        space: name -> ``Distribution`` (``LogUniform``, ``OneMinusLogUniform``, ``Uniform``,
            ``IntUniform``, ``Choice``) or a constant.
        n_trials: how many trials.
        seed: trial i draws from ``np.random.default_rng([seed, i])``.
        scheduler: None for local processes; a Dask scheduler address (``"tcp://host:8786"``)
            or a ``distributed.Client`` to run the trials on that cluster.
        n_jobs: local processes at once (default: the number of CPUs); 0 runs the trials in
            this process, one after another (no isolation; for quick checks).
        path: a JSON Lines file: each finished trial is appended at once, and trials already
            recorded there are not run again.
        timeout: seconds after which a local trial is stopped and recorded as "timeout".
        retry_failed: run again the trials recorded in ``path`` as failed.
        progress: print one line per finished trial.
        file: where progress goes (default stdout).
        callback: called with each record as it finishes, in this thread.

    Returns:
        ``SearchResult`` with every trial, in trial order.

    Raises:
        TypeError: ``fn`` is not callable.
        ValueError: a bad ``n_trials``, ``n_jobs`` or ``timeout``; ``path`` is a folder, or a
            file that is not this sweep's records.
        OSError: the records cannot be written to ``path`` (checked before any trial runs).

    >>> def square(x):
    ...     return {"loss": (x - 0.3) ** 2}
    >>> result = random_search(square, {"x": Uniform(0, 1)}, 5, seed=0, n_jobs=0,
    ...                        progress=False)
    >>> len(result.records), [r["status"] for r in result.records] == ["ok"] * 5
    (5, True)
    >>> result.best("loss", mode="min")["params"]["x"] == min(
    ...     (r["params"]["x"] for r in result.records), key=lambda x: (x - 0.3) ** 2)
    True
    """
    if not callable(fn):
        raise TypeError(f"random_search: expected a function, got {type(fn).__name__}.")
    if isinstance(n_trials, bool) or not isinstance(n_trials, int) or n_trials < 1:
        raise ValueError(f"random_search: expected n_trials to be an int >= 1, got {n_trials!r}.")
    if n_trials > MAX_TRIALS:  # drawn up front: 10**9 would take hours and memory, then hang
        raise ValueError(
            f"random_search: expected n_trials <= {MAX_TRIALS:,} (each trial is a training run; "
            f"their parameters are drawn before the first runs), got {n_trials:,}. Run a "
            f"shorter sweep; a longer one with the same seed and path resumes it."
        )
    if timeout is not None and not (isinstance(timeout, (int, float)) and timeout > 0):
        raise ValueError(
            f"random_search: expected timeout to be None or seconds > 0, got {timeout!r}."
        )
    trials = sample_trials(space, n_trials, seed)
    path = _check_path(path) if path is not None else None
    done = _load(path, trials) if path is not None else {}
    if retry_failed:
        done = {i: r for i, r in done.items() if r.get("status") == "ok"}
    recorder = _Recorder(path, n_trials, progress, sys.stdout if file is None else file)
    recorder.records.update(done)
    todo = [i for i in range(n_trials) if i not in done]
    if todo:
        if scheduler is not None:
            _run_dask(fn, trials, todo, scheduler, recorder, callback)
        elif n_jobs == 0:
            for i in todo:
                recorder.add(_run_trial(fn, i, trials[i]), callback)
        else:
            jobs = (os.cpu_count() or 1) if n_jobs is None else n_jobs
            if isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 0:
                raise ValueError(
                    f"random_search: expected n_jobs to be an int >= 0, got {n_jobs!r}."
                )
            _run_local(fn, trials, todo, jobs, timeout, recorder, callback)
    return SearchResult([recorder.records[i] for i in sorted(recorder.records)])


def _context():
    """forkserver where available (fast and safe with threads), else spawn."""
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")


def _died(trial: int, params: dict[str, Any], exitcode: int | None, seconds: float, why: str):
    if exitcode is not None and exitcode < 0:
        how = f"killed by signal {-exitcode}"
    else:
        how = f"exit code {exitcode}"
    return {
        "trial": trial,
        "params": params,
        "status": why,
        "result": None,
        "error": f"the trial's process ended without a result ({how})"
        if why == "worker-died"
        else f"stopped after {seconds:.1f} s (timeout)",
        "seconds": seconds,
        "worker": f"{socket.gethostname()}:{exitcode}",
    }


def _run_local(fn, trials, todo, n_jobs, timeout, recorder, callback) -> None:
    """Each trial in its own process, ``n_jobs`` at once."""
    ctx = _context()
    pending = list(todo)
    running: dict[int, tuple[Any, Any, float]] = {}  # trial -> (process, connection, start)
    try:
        while pending or running:
            while pending and len(running) < max(n_jobs, 1):
                i = pending.pop(0)
                receive, send = ctx.Pipe(duplex=False)
                process = ctx.Process(
                    target=_child, args=(send, fn, i, trials[i]), name=f"tune-trial-{i}"
                )
                process.start()
                send.close()  # the child holds the other end; EOF when it exits
                running[i] = (process, receive, time.perf_counter())
            waiting = [conn for _, conn, _ in running.values()]
            waiting += [process.sentinel for process, _, _ in running.values()]
            wait(waiting, timeout=0.5 if timeout is None else min(0.5, timeout))
            now = time.perf_counter()
            for i, (process, conn, start) in list(running.items()):
                record = None
                if conn.poll():
                    try:
                        record = conn.recv()
                    except (EOFError, OSError):
                        record = None
                if record is not None:
                    process.join()
                elif not process.is_alive():
                    process.join()
                    record = _died(i, trials[i], process.exitcode, now - start, "worker-died")
                elif timeout is not None and now - start > timeout:
                    process.kill()
                    process.join()
                    record = _died(i, trials[i], process.exitcode, now - start, "timeout")
                else:
                    continue
                conn.close()
                del running[i]
                recorder.add(record, callback)
    finally:  # Ctrl-C or an error: stop what still runs (finished trials are already saved)
        for process, conn, _ in running.values():
            if process.is_alive():
                process.kill()
            process.join()
            conn.close()


def _run_dask(fn, trials, todo, scheduler, recorder, callback) -> None:
    """The trials as Dask tasks; results recorded as they complete."""
    try:
        from distributed import Client, as_completed
    except ImportError as err:
        raise ImportError(
            f"random_search: expected dask.distributed to use a scheduler, got ImportError: "
            f'{err}. Install it with pip install "tinygrad_edu[dask]".'
        ) from None
    own = not isinstance(scheduler, Client)
    client = Client(scheduler, set_as_default=False) if own else scheduler
    try:
        futures = {}
        token = f"{os.getpid()}-{time.time_ns()}"
        for i in todo:
            future = client.submit(
                _dask_trial, fn, i, trials[i], token, key=f"tune-trial-{i}-{token}", pure=False
            )
            futures[future] = i
        # as_completed on this client's loop: by default it would take the default client's
        for future in as_completed(futures, loop=client.loop):
            i = futures[future]
            try:
                record = future.result()
            except Exception as err:  # KilledWorker, a lost task, a trial that cannot unpickle
                killed = type(err).__name__ == "KilledWorker"
                record = {
                    "trial": i,
                    "params": trials[i],
                    "status": "worker-died" if killed else "error",
                    "result": None,
                    "error": f"{type(err).__name__}: {err}".splitlines()[0][:300],
                    "seconds": 0.0,
                    "worker": None,
                }
            record["attempts"] = _attempts(client, i, token)
            recorder.add(record, callback)
            future.release()
    finally:
        if own:
            client.close()


def _attempts(client, trial: int, sweep: str) -> int | None:
    """How many times the trial started (more than 1: a worker died under it), from the
    workers' event log."""
    try:
        events = client.get_events("tinygrad_edu.tune")
    except Exception:
        return None
    return sum(
        1
        for _, msg in events
        if isinstance(msg, dict) and msg.get("sweep") == sweep and msg.get("trial") == trial
    )
