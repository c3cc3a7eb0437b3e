"""Smoke test of benchmarks/: at tiny sizes, every implementation of every workload agrees.

The benchmark suite (``python benchmarks/run.py``) compares tinygrad_edu with hand-written numpy and
PyTorch; here only its agreement checks and its ``--smoke`` command line run, in-process. Nothing is
asserted about wall-clock time.
"""

import importlib.util
import json
import sys
from pathlib import Path

import numpy as np
import pytest

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"


def _load_run_module():
    name = "tinygrad_edu_benchmarks_run"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, BENCHMARKS / "run.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


run = _load_run_module()
wl = run.wl  # benchmarks/workloads.py, as run.py loaded it
KEYS = list(wl.WORKLOADS)


@pytest.mark.parametrize("key", KEYS)
def test_numpy_reference_gives_finite_loss_and_grads_of_parameter_shapes(key):
    workload = wl.WORKLOADS[key](seed=0, smoke=True)
    loss, grads = wl._call(workload.runner("numpy"))
    assert loss.shape == () and np.isfinite(loss)
    assert loss.dtype == workload.dtype
    for name, g in grads.items():
        assert g.shape == workload.params[name].shape, name
        assert g.dtype == workload.dtype, name
        assert np.all(np.isfinite(g)), name


@pytest.mark.parametrize("key", KEYS)
def test_tinygrad_edu_agrees_with_handwritten_numpy(key):
    assert wl.tg is not None, f"tinygrad_edu did not import: {wl.TG_IMPORT_ERROR}"
    workload = wl.WORKLOADS[key](seed=0, smoke=True)
    worst = wl.check_agreement(workload, ["numpy", "tinygrad_edu"])
    assert set(worst) == {"tinygrad_edu"}


@pytest.mark.parametrize("key", KEYS)
def test_torch_agrees_with_handwritten_numpy(key):
    pytest.importorskip("torch")
    workload = wl.WORKLOADS[key](seed=0, smoke=True)
    worst = wl.check_agreement(workload, ["numpy", "torch"])
    assert set(worst) == {"torch"}


def test_agreement_check_rejects_a_wrong_gradient_and_a_wrong_dtype(monkeypatch):
    workload = wl.W5(seed=0, smoke=True)
    good = workload.numpy_runner

    def off_by_a_bit():
        inner = good()

        def bad_run():
            loss, grads = inner.run()
            return loss, {**grads, "a": grads["a"] * 1.001}

        return wl.Runner(bad_run)

    monkeypatch.setattr(workload, "torch_runner", off_by_a_bit)
    monkeypatch.setattr(wl, "torch", object())  # so that runner("torch") is allowed
    with pytest.raises(wl.AgreementError, match="da"):
        wl.check_agreement(workload, ["numpy", "torch"])

    def float32_grads():
        inner = good()

        def run32():
            loss, grads = inner.run()
            return loss, {k: g.astype(np.float32) for k, g in grads.items()}

        return wl.Runner(run32)

    monkeypatch.setattr(workload, "torch_runner", float32_grads)
    with pytest.raises(wl.AgreementError, match="dtype"):
        wl.check_agreement(workload, ["numpy", "torch"])


def test_smoke_command_line_checks_times_and_writes_json(tmp_path, capsys):
    out = tmp_path / "results.json"
    assert run.main(["--smoke", "--json", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "agree" in printed and "FAILED" not in printed
    report = json.loads(out.read_text())
    assert report["settings"]["smoke"] is True
    assert set(report["workloads"]) == set(KEYS)
    for res in report["workloads"].values():
        assert set(res["median_ms"]) == set(wl.available_backends())
        assert "ratio_tg_numpy" in res and "ratio_tg_torch" in res
    assert "memory_W1" in report


def test_only_selects_workloads_and_rejects_unknown_names(tmp_path):
    out = tmp_path / "r.json"
    assert run.main(["--smoke", "--only", "w3,W5", "--no-memory", "--json", str(out)]) == 0
    assert set(json.loads(out.read_text())["workloads"]) == {"W3", "W5"}
    assert run.main(["--smoke", "--only", "W9", "--json", str(out)]) == 2
