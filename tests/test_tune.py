"""Random search (``tinygrad_edu.tune``): the course's sampling rules, reproducibility, failures
recorded while the sweep goes on, resuming from the results file, and a real Dask cluster (a
``LocalCluster`` of worker processes) with a worker killed mid-sweep."""

import json
import math
import os
import signal

import numpy as np
import pytest
import tune_trials

from tinygrad_edu import tune
from tinygrad_edu.tune import (
    Choice,
    IntUniform,
    LogUniform,
    OneMinusLogUniform,
    Uniform,
    random_search,
    sample_trials,
)

SPACE = {"learning_rate": LogUniform(1e-4, 1e-1), "beta": OneMinusLogUniform(0.9, 0.999)}

# --- sampling ------------------------------------------------------------------------------------


def test_sampling_rules_are_the_courses():
    trials = sample_trials(
        {**SPACE, "units": IntUniform(50, 100), "act": Choice(["relu", "tanh"]), "p": Uniform(0, 1),
         "epochs": 7},
        4000,
        seed=0,
    )  # fmt: skip
    lr = np.array([t["learning_rate"] for t in trials])
    beta = np.array([t["beta"] for t in trials])
    assert lr.min() >= 1e-4 and lr.max() < 1e-1
    # a log scale: each decade gets a third of the draws (uniform: 0.1 % below 1e-3)
    assert abs((lr < 1e-3).mean() - 1 / 3) < 0.03 and abs((lr > 1e-2).mean() - 1 / 3) < 0.03
    # beta = 1 - 10^r, r uniform in [-3, -1]: half the draws above 0.99
    assert beta.min() > 0.9 - 1e-12 and beta.max() <= 0.999 + 1e-12
    assert abs((beta > 0.99).mean() - 0.5) < 0.03
    assert {t["units"] for t in trials} == set(range(50, 101))
    assert {t["act"] for t in trials} == {"relu", "tanh"} and {t["epochs"] for t in trials} == {7}


def test_trials_are_reproducible_by_seed_and_independent_of_the_count():
    assert sample_trials(SPACE, 5, seed=3) == sample_trials(SPACE, 5, seed=3)
    assert sample_trials(SPACE, 8, seed=3)[:5] == sample_trials(SPACE, 5, seed=3)
    assert sample_trials(SPACE, 5, seed=4) != sample_trials(SPACE, 5, seed=3)


@pytest.mark.parametrize(
    "bad",
    [lambda: LogUniform(0, 1), lambda: LogUniform(1, 0.1), lambda: OneMinusLogUniform(0.9, 1.0),
     lambda: IntUniform(3, 2), lambda: Choice([])],
)  # fmt: skip
def test_distributions_check_their_ranges(bad):
    with pytest.raises(ValueError):
        bad()


def test_a_rule_without_sample_says_what_to_override():
    class Constant(tune.Distribution):
        pass

    with pytest.raises(NotImplementedError, match=r"Constant.sample: .* override sample"):
        sample_trials({"x": Constant()}, 1, seed=0)


# --- local processes -----------------------------------------------------------------------------


def _space_with(trials, **which):
    """SPACE plus constants naming which sampled trial raises, kills itself or exits."""
    return {**SPACE, "sleep": 0.0, **{k: trials[i]["learning_rate"] for k, i in which.items()}}


def test_local_sweep_records_failures_and_goes_on(tmp_path):
    trials = sample_trials(SPACE, 6, seed=0)
    space = _space_with(trials, raise_at=1, kill_at=2, exit_at=4)
    path = tmp_path / "sweep.jsonl"
    seen = []
    result = random_search(tune_trials.quadratic, space, 6, seed=0, n_jobs=2, path=path,
                           progress=False, callback=seen.append)  # fmt: skip
    statuses = [r["status"] for r in result.records]
    assert statuses == ["ok", "error", "worker-died", "ok", "worker-died", "ok"]
    assert [r["trial"] for r in result.records] == list(range(6))
    assert result.records[1]["error"].startswith("ValueError: cost is nan")
    assert "killed by signal 9" in result.records[2]["error"]
    assert "exit code 3" in result.records[4]["error"]
    pids = {r["result"]["pid"] for r in result.ok}
    assert len(pids) == 3 and os.getpid() not in pids  # one process per trial
    assert sorted(r["trial"] for r in seen) == list(range(6))
    lines = [json.loads(line) for line in path.read_text().splitlines()]
    assert sorted(r["trial"] for r in lines) == list(range(6))  # written as each finished

    # a rerun runs nothing: every trial is in the file
    again = []
    rerun = random_search(tune_trials.quadratic, space, 6, seed=0, path=path, progress=False,
                          callback=again.append)  # fmt: skip
    assert again == [] and rerun.records == result.records
    # retry_failed runs the three failed ones again (they fail again, deterministically)
    retried = []
    random_search(tune_trials.quadratic, space, 6, seed=0, path=path, progress=False,
                  retry_failed=True, callback=retried.append)  # fmt: skip
    assert sorted(r["trial"] for r in retried) == [1, 2, 4]


def test_a_longer_sweep_resumes_from_the_file(tmp_path):
    path = tmp_path / "sweep.jsonl"
    space = {**SPACE, "sleep": 0.0}
    random_search(tune_trials.quadratic, space, 2, seed=1, path=path, progress=False)
    ran = []
    result = random_search(tune_trials.quadratic, space, 4, seed=1, path=path, progress=False,
                           callback=ran.append)  # fmt: skip
    assert sorted(r["trial"] for r in ran) == [2, 3] and len(result.records) == 4
    with pytest.raises(ValueError, match="another sweep's file"):
        random_search(tune_trials.quadratic, space, 4, seed=2, path=path, progress=False)


@pytest.mark.parametrize(
    ("where", "error", "match"),
    [
        ("{tmp}", ValueError, r"got the folder .*; pass e\.g\. .*sweep\.jsonl"),
        ("{tmp}/runs/", ValueError, r"got the folder name .*runs; pass e\.g\."),  # wrote "runs"
        ("{tmp}/missing/sweep.jsonl", FileNotFoundError, "cannot write the trials' records to"),
        ("/dev/zero", ValueError, "which is a device or a pipe"),  # its read-back never ended
    ],
)
def test_an_unwritable_path_is_refused_before_any_trial_runs(tmp_path, where, error, match):
    """A folder in the path that does not exist failed after the first trial had run (its
    result lost); a folder as the path failed with a bare IsADirectoryError."""
    if where.startswith("/dev/") and not os.path.exists(where):
        pytest.skip(f"no {where} here")
    ran = []
    with pytest.raises(error, match=match):
        random_search(tune_trials.quadratic, SPACE, 2, n_jobs=0, progress=False,
                      path=where.format(tmp=tmp_path), callback=ran.append)  # fmt: skip
    assert ran == [] and not (tmp_path / "runs").exists()


@pytest.mark.parametrize(
    ("content", "match"),
    [
        (b"\xff\xfe junk\n", r"not UTF-8 text \(line 1\)"),
        (b"[1, 2]\n", r"line 1, which is not one \(a JSON list, not an object\)"),
        (b'{"trial": true, "params": {}}\n', r"'trial' is True, not a trial number"),
        (b'{"trial": 0, "params": {}}\n', r"'status' is None"),
        (b'{"trial": 0, "params": {}, "status": "ok"}\n', "without a 'result' object"),
    ],
    ids=["not-utf8", "list", "bool-trial", "no-status", "ok-without-result"],
)
def test_a_file_that_is_not_this_sweeps_records_is_one_valueerror(tmp_path, content, match):
    """These were UnicodeDecodeError, AttributeError, or a KeyError after the sweep ran."""
    path = tmp_path / "sweep.jsonl"
    path.write_bytes(content)
    with pytest.raises(ValueError, match=match) as info:
        random_search(tune_trials.quadratic, SPACE, 2, n_jobs=0, progress=False, path=path)
    assert str(path) in str(info.value)


@pytest.mark.parametrize("timeout", [0, -1, float("nan"), "10"])
def test_a_bad_timeout_is_refused(timeout):
    with pytest.raises(ValueError, match="expected timeout to be None or seconds > 0"):
        random_search(tune_trials.quadratic, SPACE, 1, n_jobs=1, progress=False, timeout=timeout)


def test_a_trial_over_its_time_is_stopped():
    space = {**SPACE, "sleep": 30.0}
    result = random_search(tune_trials.quadratic, space, 1, timeout=1.0, progress=False)
    assert result.records[0]["status"] == "timeout"
    assert result.records[0]["seconds"] < 10


def test_a_real_training_sweep_and_its_table_and_plot(tmp_path, capsys):
    pytest.importorskip("sklearn")
    space = {"learning_rate": LogUniform(1e-3, 1e-1), "beta1": OneMinusLogUniform(0.8, 0.99),
             "epochs": 3}  # fmt: skip
    result = random_search(tune_trials.moons_adam, space, 4, seed=0, n_jobs=2)
    out = capsys.readouterr().out
    assert len(out.splitlines()) == 4 and "ok: learning_rate=" in out  # progress, one per trial
    assert [r["status"] for r in result.records] == ["ok"] * 4
    table = result.table("accuracy").splitlines()
    assert table[0].split() == ["trial", "learning_rate", "beta1", "epochs", "accuracy", "status",
                                "seconds"]  # fmt: skip
    accuracies = [float(line.split()[4]) for line in table[1:]]
    assert accuracies == sorted(accuracies, reverse=True)  # best first
    assert result.best("accuracy")["result"]["accuracy"] == max(
        r["result"]["accuracy"] for r in result.records
    )
    pytest.importorskip("matplotlib")
    png = result.plot(tmp_path / "sweep.png", x="learning_rate", y="accuracy")
    assert os.path.getsize(png) > 1000
    bare = result.plot(tmp_path / "sweep2", x="learning_rate", y="accuracy")  # no suffix
    assert bare == os.fspath(tmp_path / "sweep2.png") and os.path.getsize(bare) > 1000
    assert sorted(os.listdir(tmp_path)) == ["sweep.png", "sweep2.png"]
    for folder in (tmp_path, f"{tmp_path / 'new'}/"):  # an existing folder, a name ending in /
        with pytest.raises(ValueError, match="expected a file name for the picture"):
            result.plot(folder, x="learning_rate", y="accuracy")
    assert sorted(os.listdir(tmp_path)) == ["sweep.png", "sweep2.png"]


def test_the_table_lists_failures_last_with_why():
    trials = sample_trials(SPACE, 3, seed=0)
    result = random_search(tune_trials.quadratic, _space_with(trials, raise_at=0), 3, seed=0,
                           n_jobs=0, progress=False)  # fmt: skip
    last = result.table("score").splitlines()[-1]
    assert last.split()[0] == "0" and "error" in last and "ValueError: cost is nan" in last


# --- a real Dask cluster -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def cluster():
    """Two worker processes (each under a nanny that restarts it), one thread each."""
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
        silence_logs=50,
    ) as cluster:  # fmt: skip
        yield cluster


def test_dask_sweep_survives_a_worker_killed_mid_sweep(cluster, tmp_path):
    import time

    from distributed import Client

    trials = sample_trials(SPACE, 8, seed=5)
    space = {**_space_with(trials, raise_at=3), "sleep": 1.0}
    path = tmp_path / "sweep.jsonl"
    killed = []
    with Client(cluster.scheduler_address) as client:
        client.wait_for_workers(2, timeout=60)
        pids = client.run(os.getpid)  # {worker address: pid}
        finished = set()

        def kill_a_worker_in_the_middle_of_a_trial(record):
            """After the first result: kill the worker of the trial that started last (the
            workers log each start), while that trial sleeps."""
            finished.add(record["trial"])
            deadline = time.monotonic() + 10
            while not killed and time.monotonic() < deadline:
                starts = [(stamp, msg) for stamp, msg in client.get_events("tinygrad_edu.tune")
                          if msg["trial"] not in finished and msg["worker"] in pids]  # fmt: skip
                if starts and time.time() - max(starts, key=lambda e: e[0])[0] < 0.7:
                    _, msg = max(starts, key=lambda e: e[0])
                    os.kill(pids[msg["worker"]], signal.SIGKILL)
                    killed.append(msg["trial"])
                time.sleep(0.05)

        # by address: the search opens its own client, beside this test's one
        result = random_search(tune_trials.quadratic, space, 8, seed=5,
                               scheduler=cluster.scheduler_address, path=path, progress=False,
                               callback=kill_a_worker_in_the_middle_of_a_trial)  # fmt: skip
    assert killed, "no trial was caught running"
    assert [r["trial"] for r in result.records] == list(range(8))  # nothing lost
    assert result.records[3]["status"] == "error"
    assert result.records[3]["error"].startswith("ValueError: cost is nan")
    others = [r for r in result.records if r["trial"] != 3]
    assert all(r["status"] == "ok" for r in others), [r["status"] for r in others]
    # the trial that was running on the killed worker was started again, on a live worker
    victim = result.records[killed[0]]
    assert victim["attempts"] >= 2, victim
    assert all(r["worker"].startswith("tcp://") for r in result.records)
    assert len(path.read_text().splitlines()) == 8


def test_dask_records_a_trial_that_keeps_killing_its_workers(cluster):
    import dask
    from distributed import Client

    trials = sample_trials(SPACE, 4, seed=6)
    space = {**_space_with(trials, kill_at=0), "sleep": 0.2}
    with Client(cluster.scheduler_address) as client:
        client.wait_for_workers(2, timeout=60)  # the restarted worker of the test above
        allowed = dask.config.get("distributed.scheduler.allowed-failures")
        result = random_search(tune_trials.quadratic, space, 4, seed=6, scheduler=client,
                               progress=False)  # fmt: skip
    record = result.records[0]
    assert record["status"] == "worker-died"
    assert record["error"].startswith("KilledWorker")
    assert record["attempts"] == allowed + 1  # started on a fresh worker each time
    assert all(r["status"] in ("ok", "worker-died") for r in result.records[1:])
    assert len(result.records) == 4
    assert not math.isnan(result.best("score")["result"]["score"])


def test_dask_by_scheduler_address(cluster, tmp_path):
    """Given an address, the search opens (and closes) its own client."""
    space = {**SPACE, "sleep": 0.0}
    result = random_search(tune_trials.quadratic, space, 3, seed=7,
                           scheduler=cluster.scheduler_address, progress=False)  # fmt: skip
    assert [r["status"] for r in result.records] == ["ok"] * 3
    assert all(r["attempts"] == 1 for r in result.records)


def test_dask_without_distributed_installed_says_how(monkeypatch):
    import builtins

    real_import = builtins.__import__

    def no_distributed(name, *args, **kwargs):
        if name == "distributed":
            raise ImportError("No module named 'distributed'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_distributed)
    with pytest.raises(ImportError, match=r"tinygrad_edu\[dask\]"):
        random_search(tune_trials.quadratic, SPACE, 1, scheduler="tcp://127.0.0.1:1",
                      progress=False)  # fmt: skip
    assert tune.STATUSES == ("ok", "error", "worker-died", "timeout")


def test_an_absurd_number_of_trials_is_refused_at_once():
    """10**9 trials were all drawn before the first ran: hours of work and gigabytes, silently."""
    with pytest.raises(ValueError, match=r"expected n_trials <= 100,000 .* got 1,000,000,000"):
        random_search(tune_trials.quadratic, SPACE, 10**9, n_jobs=0, progress=False)
