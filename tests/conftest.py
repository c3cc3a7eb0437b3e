"""Shared test configuration: hypothesis profiles, one BLAS thread, results computed once.

- Hypothesis: ``HYPOTHESIS_PROFILE=ci`` (what ``.ci/run`` sets) is derandomized: every run draws
  the same examples, so CI fails only on a real change. Locally (profile ``dev``, the default)
  each run draws new examples from a seed printed in the header and again after a failure;
  ``--hypothesis-seed=N`` replays a run. ``quick`` (10 examples) and ``thorough`` (300) exist
  too. No profile has a deadline: the machines are noisy.
- BLAS: one thread for the whole run (threadpoolctl is in the ``test`` extra). On a busy 2-core
  machine OpenBLAS's threads wait on each other and make the course's products 5-50x slower;
  results are the same. ``pytest -n auto`` (pytest-xdist) is the parallelism that pays.
- ``once(name, compute)``: a result computed once per test run and shared by every test that
  asks for it by name, e.g. the numpy oracle of a course run, which both the oracle's own tests
  (tests/test_course_reference.py) and the engine's (tests/test_course.py) compare against. Tests
  that share a result carry ``pytest.mark.xdist_group(NAME)`` so that ``-n auto --dist
  loadgroup`` runs them in one worker and the result is still computed once.
- ``pytest -m "not slow"`` skips the full course reproductions (marked ``slow``): the quick loop.
"""

from __future__ import annotations

import os
import random

import pytest
from hypothesis import HealthCheck, settings

_COMMON = {
    "deadline": None,
    "print_blob": True,
    "suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large],
}
settings.register_profile("ci", derandomize=True, max_examples=25, **_COMMON)
settings.register_profile("dev", max_examples=25, **_COMMON)
settings.register_profile("quick", max_examples=10, **_COMMON)
settings.register_profile("thorough", max_examples=300, **_COMMON)
PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "dev")
settings.load_profile(PROFILE)

try:
    from threadpoolctl import threadpool_limits
except ImportError:  # pragma: no cover (the test extra installs it)
    threadpool_limits = None
else:
    _ONE_BLAS_THREAD = threadpool_limits(limits=1, user_api="blas")  # kept for the whole run


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config):
    """Choose the run's hypothesis seed (locally, unless given) before hypothesis reads it; xdist
    workers receive the controller's."""
    if settings().derandomize or getattr(config.option, "hypothesis_seed", "absent") is not None:
        return
    if hasattr(config, "workerinput"):
        config.option.hypothesis_seed = config.workerinput.get("hypothesis_seed")
    else:
        config.option.hypothesis_seed = str(random.SystemRandom().randrange(2**32))


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node):
    """pytest-xdist: send the controller's hypothesis seed to each worker."""
    node.workerinput["hypothesis_seed"] = getattr(node.config.option, "hypothesis_seed", None)


def _seed_note(config) -> str:
    if settings().derandomize:
        return f"hypothesis: profile {PROFILE!r}, derandomized"
    seed = getattr(config.option, "hypothesis_seed", None)
    return f"hypothesis: profile {PROFILE!r}, seed {seed} (replay: --hypothesis-seed={seed})"


def pytest_report_header(config):
    return [_seed_note(config)]


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    if terminalreporter.stats.get("failed") or terminalreporter.stats.get("error"):
        terminalreporter.write_line(_seed_note(config))


class Once:
    """Results computed once per test run (per process), by name."""

    def __init__(self) -> None:
        self._results: dict[str, object] = {}

    def __call__(self, name: str, compute):
        if name not in self._results:
            self._results[name] = compute()
        return self._results[name]


@pytest.fixture(scope="session")
def once() -> Once:
    """``once(name, compute)``: ``compute()`` the first time ``name`` is asked for, then the same
    result for every test of the run."""
    return Once()
