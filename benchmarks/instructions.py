"""CPU instructions per op, counted by valgrind's callgrind: ``python benchmarks/instructions.py``.

Wall-clock and CPU times on a shared machine drift by 5-10% between runs; instruction counts do
not (the same code on the same inputs executes the same instructions), so before/after claims
about per-op cost use them. Each workload runs in a child process under callgrind twice, with
``n`` and ``2 n`` repetitions after the same imports and warm-up; the difference divided by ``n``
is the cost of one repetition, free of start-up and import costs::

    python benchmarks/instructions.py                       # this checkout, every workload
    python benchmarks/instructions.py --only chain_fwd,w3_fwdbwd
    python benchmarks/instructions.py --pythonpath /path/to/other/checkout   # another version
    python benchmarks/instructions.py --gc on               # with the cyclic garbage collector

Workloads (float64 tensors; ``fwd`` builds the graph and drops it, ``fwdbwd`` also runs backward,
and ``bwd`` is printed as their difference):

- ``chain_fwd``, ``chain_fwdbwd``: ``y = y * 1.0001`` on a (4,) tensor (W4's op); per op.
- ``w3_fwd``, ``w3_fwdbwd``: W3's cycle of ``* 1.01``, ``+ 0.01``, ``tanh`` on a (16,) tensor;
  per op.
- ``w3_numpy``: W3's forward and backward written by hand in numpy (the floor); per op.
- ``nograd``: the chain's op on a tensor that does not require grad (no graph); per op.
- ``step``: W5's step on (8, 1) and (1, 8) tensors, where every cost is per-op overhead
  (``tanh(a + b).sum(axis=0, keepdims=True)``, ``(d * d).mean()``, backward); per step.
- ``backward_call``: ``(x * 2.0).sum()`` then ``backward()`` minus the same without backward:
  the fixed cost of a backward call; per call.

The garbage collector is off during the measured part by default: its cost per op depends on how
many objects the whole process holds (which modules are imported, for instance), so it blurs
comparisons of the ops' own cost; ``--gc on`` shows what it adds.

Run it with the interpreter's real binary, not a pyenv shim (the shim's own start-up is a shell
script that valgrind would trace too): ``--python`` defaults to ``sys.executable``. Needs
``valgrind`` on PATH; a full run takes a few minutes.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO_ROOT = HERE.parent
WORKLOADS = (
    "chain_fwd",
    "chain_fwdbwd",
    "w3_fwd",
    "w3_fwdbwd",
    "w3_numpy",
    "nograd",
    "step",
    "step_fwd",
    "backward_call",
    "backward_call_fwd",
)
DEFAULT = WORKLOADS
DEFAULT_N = 20_000
PER_STEP = ("step", "step_fwd", "backward_call", "backward_call_fwd")  # n // 10 repetitions


def _w3_numpy(n_ops: int) -> None:
    import numpy as np

    x, saved = np.linspace(-1, 1, 16), []
    for i in range(n_ops):
        k = i % 3
        if k == 0:
            x = x * 1.01
        elif k == 1:
            x = x + 0.01
        else:
            x = np.tanh(x)
            saved.append(x)
    x.sum()
    g = np.ones_like(x)
    for i in range(n_ops - 1, -1, -1):
        k = i % 3
        if k == 0:
            g = g * 1.01
        elif k == 2:
            y = saved.pop()
            g = g * (1.0 - y * y)


def _runner(workload: str):
    """A function of ``n`` that runs ``n`` repetitions of ``workload``."""
    import numpy as np

    if workload == "w3_numpy":
        return _w3_numpy
    from tinygrad_edu import Tensor

    kind, _, phase = workload.rpartition("_")
    if phase not in ("fwd", "fwdbwd"):
        kind, phase = workload, "fwd" if workload == "nograd" else "fwdbwd"
    if kind == "step":
        a = Tensor(np.linspace(-1, 1, 8).reshape(8, 1), requires_grad=True)
        b = Tensor(np.linspace(-2, 2, 8).reshape(1, 8), requires_grad=True)

        def steps(n: int) -> None:
            for _ in range(n):
                c = (a + b).tanh()
                d = c.sum(axis=0, keepdims=True)
                e = (d * d).mean()
                if phase == "fwdbwd":
                    e.backward()
                    a.grad = b.grad = None

        return steps
    if kind == "backward_call":
        x = Tensor(np.ones(3), requires_grad=True)

        def calls(n: int) -> None:
            for _ in range(n):
                y = (x * 2.0).sum()
                if phase == "fwdbwd":
                    y.backward()
                    x.grad = None

        return calls

    def chain(n: int) -> None:
        x = Tensor(np.linspace(-1, 1, 16 if kind == "w3" else 4), requires_grad=kind != "nograd")
        y = x
        if kind == "w3":
            for i in range(n):
                k = i % 3
                if k == 0:
                    y = y * 1.01
                elif k == 1:
                    y = y + 0.01
                else:
                    y = y.tanh()
        else:
            for _ in range(n):
                y = y * 1.0001
        loss = y.sum()
        if phase == "fwdbwd":
            loss.backward()

    return chain


def _child(workload: str, n: int, collect: bool) -> None:
    """The measured program: imports, a small warm-up, then ``n`` repetitions of ``workload``."""
    import gc

    run = _runner(workload)
    run(300)  # warm-up: lazy imports, caches, first-call paths
    if not collect:
        gc.disable()
    run(n)


def _count(python: str, pythonpath: str, workload: str, n: int, collect: bool) -> int:
    """Instructions executed by a child process running ``workload`` with ``n`` repetitions."""
    env = dict(os.environ, PYTHONPATH=pythonpath, OPENBLAS_NUM_THREADS="1", PYTHONHASHSEED="0")
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "callgrind.out"
        cmd = [
            "valgrind",
            "--tool=callgrind",
            f"--callgrind-out-file={out}",
            python,
            str(Path(__file__).resolve()),
            "--child",
            workload,
            str(n),
            "on" if collect else "off",
        ]
        proc = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise RuntimeError(f"{workload}: the child failed:\n{proc.stderr[-3000:]}")
    match = re.search(r"Collected\s*:\s*(\d+)", proc.stderr)
    if match is None:
        raise RuntimeError(f"{workload}: no instruction count in callgrind's output")
    return int(match.group(1))


def per_repetition(python: str, pythonpath: str, workload: str, n: int, collect: bool) -> float:
    """Instructions per repetition: (count at 2n - count at n) / n."""
    count = _count(python, pythonpath, workload, 2 * n, collect)
    return (count - _count(python, pythonpath, workload, n, collect)) / n


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    parser.add_argument("--only", help=f"comma-separated subset of {', '.join(WORKLOADS)}")
    parser.add_argument(
        "--n", type=int, default=DEFAULT_N, help="ops per measured run (steps and calls: n // 10)"
    )
    parser.add_argument("--python", default=sys.executable, help="the interpreter to measure")
    parser.add_argument("--pythonpath", default=str(REPO_ROOT), help="the checkout to measure")
    parser.add_argument(
        "--gc",
        choices=("off", "on"),
        default="off",
        help="the cyclic garbage collector during the measured run (default off)",
    )
    args = parser.parse_args(argv)
    if args.child:
        _child(args.child[0], int(args.child[1]), args.child[2] == "on")
        return 0
    names = DEFAULT if not args.only else tuple(args.only.split(","))
    results = {}
    for name in names:
        if name not in WORKLOADS:
            parser.error(f"unknown workload {name!r}; expected one of {', '.join(WORKLOADS)}")
        n = args.n // 10 if name in PER_STEP else args.n
        results[name] = per_repetition(args.python, args.pythonpath, name, n, args.gc == "on")
        unit = "step" if name.startswith("step") else "call" if name in PER_STEP else "op"
        print(f"{name:18s} {results[name]:10.0f} instructions per {unit}", flush=True)
    for kind in ("chain", "w3", "step", "backward_call"):
        whole = results.get(f"{kind}_fwdbwd", results.get(kind))
        if whole is not None and f"{kind}_fwd" in results:
            print(f"{kind + '_bwd':18s} {whole - results[f'{kind}_fwd']:10.0f} (the difference)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
