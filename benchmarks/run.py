"""Benchmark tinygrad_edu against hand-written numpy and PyTorch CPU: ``python benchmarks/run.py``.

For benchmark runs only, unset the OpenBLAS tuning variables this machine sets (see README.md)::

    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python benchmarks/run.py
    python benchmarks/run.py --smoke              # tiny sizes: only checks that all agree (CI)
    python benchmarks/run.py --only W1,W3 --rounds 30 --json /tmp/results.json
    python benchmarks/run.py --only W1 --profile  # cProfile of the tinygrad_edu step

Before anything is timed, every workload's implementations are run from identical inputs and
their losses and gradients compared; a mismatch stops the run with exit status 1. Timings are
medians over rounds that interleave the implementations (so slow drift of a noisy machine hits
all of them alike); compare numbers only within one run: this machine varies up to 1.9x between
processes.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import gc
import importlib.util
import io
import json
import math
import os
import platform
import pstats
import resource
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
DEFAULT_JSON = HERE / "results.json"
DEFAULT_SMOKE_JSON = HERE / "results_smoke.json"
BLAS_ENV_VARS = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")
THREAD_ENV_VARS = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")
MIN_ROUND_SECONDS = 0.02  # calls are repeated within a round until it lasts about this long


def _load_workloads():
    """Import workloads.py by path, so this script runs from any directory and under pytest."""
    name = "tinygrad_edu_benchmarks_workloads"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, HERE / "workloads.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


wl = _load_workloads()


# --------------------------------------------------------------------------------------------------
# Environment report
# --------------------------------------------------------------------------------------------------


def blas_info() -> list[dict]:
    """The BLAS (and OpenMP) libraries loaded in this process, via threadpoolctl if installed."""
    try:
        import threadpoolctl
    except ImportError:
        return [{"source": "numpy.show_config", **_numpy_blas_config()}]
    keys = ("user_api", "internal_api", "version", "architecture", "threading_layer", "num_threads")
    info = []
    for lib in threadpoolctl.threadpool_info():
        entry = {k: lib.get(k) for k in keys}
        entry["library"] = Path(lib.get("filepath", "")).name
        info.append(entry)
    return info


def _numpy_blas_config() -> dict:
    try:
        config = np.show_config(mode="dicts")  # numpy >= 1.26
        blas = config["Build Dependencies"]["blas"]
        return {k: blas.get(k) for k in ("name", "version", "openblas configuration")}
    except Exception:
        buf = io.StringIO()
        stdout, sys.stdout = sys.stdout, buf
        try:
            np.show_config()
        finally:
            sys.stdout = stdout
        return {"show_config": buf.getvalue()[:2000]}


def cpu_name() -> str:
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _load_average() -> list[float] | None:
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except (AttributeError, OSError):
        return None


def _print_load(label: str, load: list[float] | None) -> None:
    if load is None:
        return
    warn = ""
    if load[0] > 0.5:
        warn = (
            "  (WARNING: other processes are busy: BLAS threads compete for the cores; "
            "for steadier ratios use --threads 1 --clock cpu)"
        )
    print(f"load      {label}: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} (1/5/15 min){warn}")


def environment() -> dict:
    meta = {
        "date": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        "machine": f"{cpu_name()}, {os.cpu_count()} logical CPUs, {platform.platform()}",
        "python": platform.python_version(),
        "numpy": np.__version__,
        "torch": None if wl.torch is None else wl.torch.__version__,
        "torch_threads": None if wl.torch is None else wl.torch.get_num_threads(),
        "torch_import_error": wl.TORCH_IMPORT_ERROR,
        "tinygrad_edu": None if wl.tg is None else str(Path(wl.tg.__file__).parent),
        "tinygrad_edu_import_error": wl.TG_IMPORT_ERROR,
        "blas": blas_info(),
        "env": {k: os.environ.get(k) for k in BLAS_ENV_VARS + THREAD_ENV_VARS},
        "load_average_at_start": _load_average(),
    }
    return meta


def print_environment(meta: dict) -> None:
    print(f"date      {meta['date']}")
    print(f"machine   {meta['machine']}")
    print(f"python    {meta['python']}   numpy {meta['numpy']}")
    if meta["torch"]:
        print(f"torch     {meta['torch']} ({meta['torch_threads']} threads)")
    else:
        print(f"torch     not available ({meta['torch_import_error']}): torch columns skipped")
    if meta["tinygrad_edu"]:
        print(f"tinygrad_edu  {meta['tinygrad_edu']}")
    else:
        print(f"tinygrad_edu  NOT importable ({meta['tinygrad_edu_import_error']})")
    for lib in meta["blas"]:
        desc = ", ".join(f"{k}={v}" for k, v in lib.items() if v not in (None, ""))
        print(f"BLAS      {desc}")
    for k, v in meta["env"].items():
        print(f"env       {k}={v}" if v is not None else f"env       {k} unset")
    _print_load("at start", meta["load_average_at_start"])
    if any(meta["env"][k] is not None for k in BLAS_ENV_VARS):
        print(
            "WARNING   OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE are set; they slow numpy's OpenBLAS; "
            "for benchmark runs use: env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE "
            "python benchmarks/run.py"
        )


_THREAD_LIMITERS: list = []  # keeps threadpoolctl's limiter alive for the whole run


def limit_threads(n: int) -> None:
    """Run numpy's BLAS, OpenMP and torch with ``n`` threads (less sensitive to a busy machine)."""
    try:
        import threadpoolctl
    except ImportError:
        print("--threads: threadpoolctl is not installed; set OPENBLAS_NUM_THREADS instead")
    else:
        _THREAD_LIMITERS.append(threadpoolctl.threadpool_limits(limits=n))
    if wl.torch is not None:
        wl.torch.set_num_threads(n)


# --------------------------------------------------------------------------------------------------
# Timing
# --------------------------------------------------------------------------------------------------


_clock = time.perf_counter  # --clock cpu switches to time.process_time


def _timed_call(runner) -> float:
    if runner.prepare is not None:
        runner.prepare()
    t0 = _clock()
    runner.run()
    return _clock() - t0


def time_workload(
    workload, backends: list[str], rounds: int, warmup: int, calibrate: bool
) -> dict[str, dict]:
    """Median seconds per call for each backend, rounds interleaved across backends.

    Each round times ``inner`` calls of one backend (``prepare`` untimed before each call) and
    records their mean; ``inner`` is chosen from the warm-up so that a round lasts about
    MIN_ROUND_SECONDS. The order of backends rotates from round to round.
    """
    runners = {b: workload.runner(b) for b in backends}
    inner = {}
    for b, runner in runners.items():
        last = min(_timed_call(runner) for _ in range(max(warmup, 1)))
        inner[b] = min(10_000, max(1, math.ceil(MIN_ROUND_SECONDS / max(last, 1e-9))))
        if not calibrate:
            inner[b] = 1
    samples: dict[str, list[float]] = {b: [] for b in backends}
    for r in range(rounds):
        order = backends[r % len(backends) :] + backends[: r % len(backends)]
        for b in order:
            total = sum(_timed_call(runners[b]) for _ in range(inner[b]))
            samples[b].append(total / inner[b])
    return {
        b: {"median_s": statistics.median(samples[b]), "rounds_s": samples[b], "inner": inner[b]}
        for b in backends
    }


# --------------------------------------------------------------------------------------------------
# Memory of the W1 training loop, and the 1,000,000-op chain
# --------------------------------------------------------------------------------------------------


def measure_training_memory(workload, backend: str, iterations: int) -> dict:
    """tracemalloc over ``iterations`` training steps: peak, and growth from the first to last half.

    tracemalloc sees numpy's array buffers and every Python object, but not torch's C++ allocator,
    so it is run for numpy and tinygrad_edu only. One untimed step runs first, outside the trace.
    """
    runner = workload.runner(backend)
    runner.run()
    half = max(1, iterations // 2)
    gc.collect()
    tracemalloc.start()
    try:
        base = tracemalloc.get_traced_memory()[0]
        currents = []
        peak_first = 0
        for i in range(iterations):
            runner.run()
            currents.append(tracemalloc.get_traced_memory()[0] - base)
            if i == half - 1:
                peak_first = tracemalloc.get_traced_memory()[1] - base
                tracemalloc.reset_peak()
        peak_second = tracemalloc.get_traced_memory()[1] - base
    finally:
        tracemalloc.stop()
    first, last = currents[:half], currents[half:] or currents[-1:]
    growth = statistics.mean(last) - statistics.mean(first)
    # "grows": the mean retained memory rose by more than 1% of the peak (at least 64 KiB) from
    # the first half to the second, or the second half's peak exceeds the first's by as much.
    threshold = max(64 * 1024, 0.01 * max(peak_first, peak_second))
    grows = growth > threshold or (peak_second - peak_first) > threshold
    mib = 1024 * 1024
    return {
        "iterations": iterations,
        "peak_mib": max(peak_first, peak_second) / mib,
        "peak_first_half_mib": peak_first / mib,
        "peak_second_half_mib": peak_second / mib,
        "retained_after_first_half_mib": first[-1] / mib,
        "retained_after_last_mib": currents[-1] / mib,
        "mean_retained_growth_mib": growth / mib,
        "grows": bool(grows),
    }


def run_long_chain(n_ops: int) -> dict:
    """Build and backpropagate a tinygrad_edu chain of ``n_ops`` multiplications; check the grad."""
    x = wl.Tensor(np.ones(4), requires_grad=True)
    t0 = time.perf_counter()
    try:
        loss = wl.tg_chain(x, n_ops)
        t1 = time.perf_counter()
        loss.backward()
        t2 = time.perf_counter()
    except Exception as exc:  # a RecursionError here is exactly what this check is for
        return {"n_ops": n_ops, "ok": False, "error": f"{type(exc).__name__}: {exc}"}
    expected = np.full(4, wl.W4_MUL**n_ops)
    ok = x.grad is not None and bool(np.allclose(x.grad, expected, rtol=1e-7))
    del loss
    return {
        "n_ops": n_ops,
        "ok": ok,
        "forward_s": t1 - t0,
        "backward_s": t2 - t1,
        "grad": None if x.grad is None else float(x.grad[0]),
        "expected_grad": float(expected[0]),
        "max_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def profile_tg(workload, calls: int, top: int = 18) -> str:
    """cProfile ``calls`` tinygrad_edu calls of a workload; the top functions by own time."""
    runner = workload.runner("tinygrad_edu")
    _timed_call(runner)
    profiler = cProfile.Profile()
    for _ in range(calls):
        if runner.prepare is not None:
            runner.prepare()
        profiler.enable()
        runner.run()
        profiler.disable()
    buf = io.StringIO()
    stats = pstats.Stats(profiler, stream=buf).strip_dirs().sort_stats("tottime")
    stats.print_stats(top)
    return buf.getvalue()


# --------------------------------------------------------------------------------------------------
# Report
# --------------------------------------------------------------------------------------------------


def _fmt_ms(seconds: float | None) -> str:
    return "-" if seconds is None else f"{seconds * 1e3:.3f}"


def _fmt_ratio(x: float | None) -> str:
    return "-" if x is None else f"{x:.2f}x"


def print_table(results: dict) -> None:
    header = ("workload", "numpy ms", "torch ms", "tinygrad_edu ms", "tg/numpy", "tg/torch")
    rows = []
    for key, res in results.items():
        ms = res["median_s"]
        rows.append(
            (
                key,
                _fmt_ms(ms.get("numpy")),
                _fmt_ms(ms.get("torch")),
                _fmt_ms(ms.get("tinygrad_edu")),
                _fmt_ratio(res.get("ratio_tg_numpy")),
                _fmt_ratio(res.get("ratio_tg_torch")),
            )
        )
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    line = "  ".join(
        h.ljust(w) if i == 0 else h.rjust(w)
        for i, (h, w) in enumerate(zip(header, widths, strict=True))
    )
    print(line)
    print("-" * len(line))
    for r in rows:
        print(
            "  ".join(
                c.ljust(w) if i == 0 else c.rjust(w)
                for i, (c, w) in enumerate(zip(r, widths, strict=True))
            )
        )
    for key, res in results.items():
        if res.get("us_per_op"):
            per_op = ", ".join(f"{b} {v:.2f}" for b, v in res["us_per_op"].items())
            print(f"{key} µs per op ({res['n_ops']} ops, {res['timed']}): {per_op}")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    p.add_argument("--smoke", action="store_true", help="tiny sizes, 1 round: agreement check only")
    p.add_argument("--rounds", type=int, default=None, help="timed rounds (default 15; smoke 1)")
    p.add_argument("--warmup", type=int, default=None, help="warm-up calls (default 2; smoke 1)")
    p.add_argument("--only", default=None, help="comma-separated workloads, e.g. W1,W3")
    p.add_argument("--json", default=None, help=f"output JSON path (default {DEFAULT_JSON})")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument(
        "--memory-iters",
        type=int,
        default=None,
        help="training-loop length for tracemalloc (W1: 200; C1 a quarter)",
    )
    p.add_argument("--no-memory", action="store_true", help="skip the memory measurements")
    p.add_argument("--chain-ops", type=int, default=1_000_000, help="length of the long chain")
    p.add_argument("--no-chain", action="store_true", help="skip the long tinygrad_edu chain")
    p.add_argument("--profile", action="store_true", help="print cProfile of tinygrad_edu steps")
    p.add_argument(
        "--clock",
        choices=("wall", "cpu"),
        default="wall",
        help="wall: time.perf_counter (default); cpu: time.process_time, the CPU time of this "
        "process, steadier on a busy machine but meaningful only with --threads 1",
    )
    p.add_argument(
        "--threads",
        type=int,
        default=None,
        help="limit BLAS, OpenMP and torch threads (e.g. 1 on a busy machine)",
    )
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    rounds = args.rounds if args.rounds is not None else (1 if args.smoke else 15)
    warmup = args.warmup if args.warmup is not None else (1 if args.smoke else 2)
    memory_iters = args.memory_iters or (4 if args.smoke else 200)
    json_path = (
        Path(args.json) if args.json else (DEFAULT_SMOKE_JSON if args.smoke else DEFAULT_JSON)
    )
    keys = (
        list(wl.WORKLOADS)
        if args.only is None
        else [k.strip().upper() for k in args.only.split(",")]
    )
    unknown = [k for k in keys if k not in wl.WORKLOADS]
    if unknown:
        print(f"--only: unknown workload(s) {unknown}; choose from {list(wl.WORKLOADS)}")
        return 2

    global _clock
    _clock = time.process_time if args.clock == "cpu" else time.perf_counter
    if args.threads is not None:
        limit_threads(args.threads)
    meta = environment()
    print_environment(meta)
    backends = wl.available_backends()
    if args.smoke:
        print("SMOKE mode: tiny sizes; the timings below mean nothing")
    if args.clock == "cpu":
        print("clock     CPU time of this process (time.process_time), not wall-clock time")
        if args.threads != 1:
            print("WARNING   --clock cpu adds up every thread's CPU time: use it with --threads 1")
    print()

    workloads = {k: wl.WORKLOADS[k](seed=args.seed, smoke=args.smoke) for k in keys}
    report: dict = {
        "meta": meta,
        "settings": {
            "smoke": args.smoke,
            "rounds": rounds,
            "warmup": warmup,
            "seed": args.seed,
            "backends": backends,
            "min_round_seconds": MIN_ROUND_SECONDS,
            "clock": "time.process_time" if args.clock == "cpu" else "time.perf_counter",
            "threads_limit": args.threads,
        },
        "workloads": {},
    }

    # 1. Agreement, before anything is timed.
    for key, workload in workloads.items():
        try:
            worst = wl.check_agreement(workload, backends)
        except wl.AgreementError as exc:
            print(f"AGREEMENT FAILED  {exc}")
            print("Nothing was timed: implementations that disagree are not worth timing.")
            return 1
        others = ", ".join(f"{b} {e:.1e}" for b, e in worst.items()) or "no other backend"
        print(f"agree     {key}: max |diff| / max |numpy| = {others}")
    print()

    # 2. Timing.
    results = {}
    for key, workload in workloads.items():
        timing = time_workload(workload, backends, rounds, warmup, calibrate=not args.smoke)
        med = {b: t["median_s"] for b, t in timing.items()}
        res = {
            "title": workload.title,
            "timed": workload.timed,
            "dtype": np.dtype(workload.dtype).name,
            "median_s": med,
            "median_ms": {b: s * 1e3 for b, s in med.items()},
            "rounds_s": {b: t["rounds_s"] for b, t in timing.items()},
            "calls_per_round": {b: t["inner"] for b, t in timing.items()},
            "ratio_tg_numpy": None,
            "ratio_tg_torch": None,
        }
        if hasattr(workload, "data_source"):
            res["data"] = workload.data_source
        if "tinygrad_edu" in med:
            res["ratio_tg_numpy"] = med["tinygrad_edu"] / med["numpy"]
            if "torch" in med:
                res["ratio_tg_torch"] = med["tinygrad_edu"] / med["torch"]
        if workload.n_ops:
            res["n_ops"] = workload.n_ops
            res["us_per_op"] = {b: s * 1e6 / workload.n_ops for b, s in med.items()}
        results[key] = res
    report["workloads"] = results
    print(f"median over {rounds} round(s) per implementation, ms per call:")
    print_table(results)
    print()

    failed = False
    # 3. Memory of the training loops (W1, and every workload with memory_loop = True).
    loops = [k for k, w in workloads.items() if k == "W1" or getattr(w, "memory_loop", False)]
    for key in [] if args.no_memory else loops:
        mem = {}
        # C1's step is ~50x W1's: a shorter loop shows the same trend
        iterations = memory_iters if key == "W1" else max(4, memory_iters // 4)
        for b in [b for b in backends if b != "torch"]:
            mem[b] = measure_training_memory(workloads[key], b, iterations)
            m = mem[b]
            print(
                f"memory    {key} {b}, {m['iterations']} iterations (tracemalloc): "
                f"peak {m['peak_mib']:.1f} MiB (first half {m['peak_first_half_mib']:.1f}, "
                f"second half {m['peak_second_half_mib']:.1f}); retained growth between halves "
                f"{m['mean_retained_growth_mib']:+.3f} MiB -> {'GROWS' if m['grows'] else 'flat'}"
            )
        report[f"memory_{key}"] = mem
        if mem.get("tinygrad_edu", {}).get("grows"):
            failed = True

    # 4. The long chain (full runs only).
    if "W4" in workloads and not args.smoke and not args.no_chain and wl.tg is not None:
        gc.collect()
        chain = run_long_chain(args.chain_ops)
        report["chain_long"] = chain
        if chain["ok"]:
            print(
                f"chain     tinygrad_edu {chain['n_ops']:,}-op chain: forward "
                f"{chain['forward_s']:.2f} s, backward {chain['backward_s']:.2f} s, grad ok, "
                f"process max RSS {chain['max_rss_mib']:.0f} MiB"
            )
        else:
            failed = True
            print(f"chain     FAILED {chain['n_ops']:,}-op chain: {chain.get('error', chain)}")

    if args.profile and wl.tg is not None:
        for key, workload in workloads.items():
            calls = 1 if key == "W4" else 5
            print(f"\nprofile   {key} tinygrad_edu, {calls} call(s), by own time:")
            print(profile_tg(workload, calls))

    report["load_average_at_end"] = _load_average()
    _print_load("at end", report["load_average_at_end"])
    json_path.parent.mkdir(parents=True, exist_ok=True)
    json_path.write_text(json.dumps(report, indent=2, default=str) + "\n")
    print(f"\nwrote {json_path}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
