"""Shared test configuration: hypothesis profiles, one BLAS thread, results computed once.

- Hypothesis: ``HYPOTHESIS_PROFILE=ci`` (what ``.ci/run`` sets) is derandomized: every run draws
  the same 25 examples per test, so CI fails only on a real change. Locally (profile ``dev``, the
  default) each run draws 10 new examples per test from a seed printed in the header and again
  after a failure; ``--hypothesis-seed=N`` replays a run; ``thorough`` draws 300. No profile has
  a deadline: the machines are noisy.
- BLAS: one thread for the whole run (threadpoolctl is in the ``test`` extra). On a busy 2-core
  machine OpenBLAS's threads wait on each other and make the course's products 5-50x slower;
  results are the same. ``pytest -n auto`` (pytest-xdist) is the parallelism that pays.
- ``once(name, compute)``: a result computed once per test run and shared by every test that
  asks for it by name, e.g. the numpy oracle of a course run, which both the oracle's own tests
  (tests/test_course_reference.py) and the engine's (tests/test_course.py) compare against. Tests
  that share a result carry ``pytest.mark.xdist_group(NAME)`` so that ``-n auto --dist
  loadgroup`` runs them in one worker and the result is still computed once.
- ``pytest -m "not slow"`` is the quick loop: it skips the full course reproductions (marked
  ``slow`` in their files) and the other long runs listed in ``LONG_RUNS`` below.
"""

from __future__ import annotations

import os
import random
import warnings

import pytest
from hypothesis import HealthCheck, settings

# Every profile names its parent and its derandomize explicitly: on a machine that sets the CI
# environment variable hypothesis makes its own derandomized "ci" profile the default, and a
# profile without a parent would inherit it (the dev profile then silently repeated one seed).
_COMMON = {
    "parent": settings.get_profile("default"),
    "deadline": None,
    "print_blob": True,
    "suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large],
}
settings.register_profile("ci", derandomize=True, max_examples=25, **_COMMON)
# dev: new examples every run
settings.register_profile("dev", derandomize=False, max_examples=10, **_COMMON)
settings.register_profile("thorough", derandomize=False, max_examples=300, **_COMMON)
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


# Long runs besides the course reproductions: each takes 1.5 s of CPU or more on the 2-core VM
# (training runs, docs pages that train, the million-node chain, the strict site build). Marked
# slow here, by node id, so the quick loop stays quick without editing each owner's file. A test
# file can also say @pytest.mark.slow itself.
LONG_RUNS = (
    "tests/test_engine.py::test_million_node_chain_backward_has_no_recursion_limit",
    "tests/test_docs.py::test_site_builds_strict",
    "tests/test_docs.py::test_page[getting-started.md]",
    "tests/test_docs.py::test_page[reference/cli.md]",
    "tests/test_docs.py::test_page[tutorial/06-logistic-backprop.md]",
    "tests/test_docs.py::test_page[tutorial/12-hyperparameters.md]",
    "tests/test_docs.py::test_page[tutorial/13-layers.md]",
    "tests/test_docs.py::test_page[tutorial/14-initialization-course2.md]",
    "tests/test_docs.py::test_page[tutorial/15-regularization.md]",
    "tests/test_docs.py::test_page[tutorial/18-optimizers.md]",
    "tests/test_docs.py::test_page[viz/pictures.md]",
    "tests/test_course4.py::test_cnn_digits_reaches_97_percent_on_its_seeded_test_split",
    "tests/test_tune.py::test_a_real_training_sweep_and_its_table_and_plot",
    "tests/test_tune.py::test_dask_sweep_survives_a_worker_killed_mid_sweep",
    "tests/test_tune.py::test_local_sweep_records_failures_and_goes_on",
    "tests/test_examples.py::test_13_hyperparameter_search_in_processes_and_resumed",
    "tests/test_examples.py::test_21_cnn_digits_trains_and_draws",
    "tests/test_examples.py::test_32_transformer_learns_from_a_few_steps",
    "tests/test_hessian_teaching.py::"
    "test_example_40_newton_beats_2000_gradient_descent_iterations_in_one_step",
    "tinygrad_edu/demo.py::tinygrad_edu.demo.run_demo",
    "tests/test_cli.py::test_ctrl_c_with_json_prints_the_costs_so_far_as_strict_json",
)


def pytest_collection_modifyitems(config, items):
    """Mark LONG_RUNS slow; warn about an entry whose file is gone, or was collected without the
    test (renamed or moved: the entry no longer applies)."""
    ids = {item.nodeid for item in items}
    files = {nodeid.split("::")[0] for nodeid in ids}
    for item in items:
        if item.nodeid in LONG_RUNS:
            item.add_marker(pytest.mark.slow)
    root = config.rootpath
    stale = [
        i
        for i in LONG_RUNS
        if (i.split("::")[0] in files and i not in ids) or not (root / i.split("::")[0]).exists()
    ]
    if stale and not config.option.keyword:  # -k deselects by name: absent is expected then
        warnings.warn(
            pytest.PytestWarning(f"tests/conftest.py LONG_RUNS names tests that are gone: {stale}"),
            stacklevel=1,
        )


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
