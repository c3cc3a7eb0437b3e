"""One version source (``tinygrad_edu.__version__``, which pyproject.toml reads), and a changelog
that describes the release."""

import importlib.metadata
import json
import re
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest

import tinygrad_edu

ROOT = Path(__file__).resolve().parents[1]


def test_pyproject_reads_the_version_from_the_package():
    tomllib = pytest.importorskip("tomllib")  # Python 3.11+
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert "version" not in pyproject["project"]  # no second copy to forget
    assert "version" in pyproject["project"]["dynamic"]
    assert pyproject["tool"]["hatch"]["version"]["path"] == "tinygrad_edu/__init__.py"
    assert re.fullmatch(r"\d+\.\d+\.\d+", tinygrad_edu.__version__)


def test_the_installed_version_is_the_packages():
    try:
        dist = importlib.metadata.distribution("tinygrad_edu")
    except importlib.metadata.PackageNotFoundError:
        pytest.skip("tinygrad_edu is not installed (pip install -e .)")
    url = json.loads(dist.read_text("direct_url.json") or "{}").get("url", "")
    source = Path(unquote(urlparse(url).path)) if url.startswith("file:") else None
    if source is not None and source.resolve() != ROOT:
        pytest.skip(f"the installed tinygrad_edu was built from {source}, not from {ROOT}")
    assert tinygrad_edu.__version__ == importlib.metadata.version("tinygrad_edu")


def test_the_changelog_describes_this_release_first():
    changelog = (ROOT / "CHANGELOG.md").read_text()
    releases = re.findall(r"^## \[?(\d+\.\d+\.\d+)\]?", changelog, flags=re.M)
    assert releases[0] == tinygrad_edu.__version__, "add a section for this release on top"
    assert releases == sorted(releases, key=lambda v: tuple(map(int, v.split("."))), reverse=True)
    assert "0.1.0" in releases
