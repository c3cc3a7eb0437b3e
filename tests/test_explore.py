"""The interactive page (viz.explore): what it holds, and what a real browser shows at each step.

The browser tests load the page from a file in headless Chromium with the network blocked
(tests/browser.py), click through the forward and backward steps, click nodes and nudge a leaf,
and read what is on the screen.
"""

import json
import re
import shutil

import numpy as np
import pytest
from course_graph import course_J

import tinygrad_edu as tg
from tinygrad_edu import losses, nn

pytest.importorskip("graphviz")
from browser import MISSING, Chromium  # noqa: E402

from tinygrad_edu import viz  # noqa: E402

needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="graphviz program 'dot' missing")
needs_browser = pytest.mark.skipif(MISSING is not None, reason=MISSING or "")


def page_data(page) -> dict:
    match = re.search(r'<script type="application/json" id="tg-data">(.*?)</script>', page.html,
                      flags=re.S)  # fmt: skip
    return json.loads(match.group(1))


def deep_model_cost():
    rng = np.random.RandomState(1)
    model = nn.Sequential(
        nn.Linear(12, 8, rng=rng), nn.ReLU(),
        nn.Linear(8, 5, rng=rng), nn.ReLU(),
        nn.Linear(5, 3, rng=rng), nn.ReLU(),
        nn.Linear(3, 1, rng=rng), nn.Sigmoid(),
    )  # fmt: skip
    X = tg.Tensor(rng.rand(7, 12), name="X")
    Y = tg.Tensor((rng.rand(7, 1) > 0.5).astype(float), name="Y")
    return model, losses.binary_cross_entropy(model(X), Y)


# -- the page itself ------------------------------------------------------------------------------


@needs_dot
def test_the_page_is_self_contained():
    J, names = course_J()
    page = viz.explore(J, names=names)
    text = page.html
    assert text.startswith("<!DOCTYPE html>") and "<script>" in text
    assert page_data(page)["views"][0]["svg"].startswith("<svg")  # inline, in the data
    assert "http" not in text  # no URL at all: nothing can be fetched
    assert not re.search(r"<(script|link|img|iframe)[^>]*(src|href)=", text)


@needs_dot
def test_steps_walk_forward_then_backward_in_the_engines_order():
    J, names = course_J()
    steps = page_data(viz.explore(J, names=names))["steps"]
    forward = [s["text"] for s in steps if s["phase"] == "forward"]
    assert forward == ["u = b * c = 3 * 2 = 6", "v = a + u = 5 + 6 = 11", "J = 3 * v = 3 * 11 = 33"]
    backward = [s["text"].splitlines()[0] for s in steps if s["phase"] == "backward"]
    trace = viz.backward_steps(J, names=names)
    edges = [f"{e.parent}" for s in trace.steps for e in s.edges]
    assert len([s for s in steps if s.get("edge")]) == len(edges) == 5
    assert backward[0].startswith("Backward starts at J: dJ = 1")
    assert "J → v:  dv = dJ · ∂J/∂v = 1 · 3 = 3" in backward
    assert "u → c:  dc = du · ∂u/∂c = du · b = 3 · 3 = 9" in backward
    assert backward.index("u → c:  dc = du · ∂u/∂c = du · b = 3 · 3 = 9") < backward.index(
        "c is a leaf: backward stores its gradient in c.grad = dc = 9"
    )


@needs_dot
def test_nudges_are_the_forward_pass_rerun():
    J, names = course_J()
    nudge = page_data(viz.explore(J, names=names))["nudge"]
    leaves = {leaf["label"]: leaf for leaf in nudge["leaves"]}
    assert sorted(leaves) == ["a", "b", "c"]
    a = leaves["a"]["eps"]["0.001"]
    assert a["dJ"] == "+0.003" and a["predicted"] == "+0.003"  # J = 3(a + bc): linear in a
    c = leaves["c"]["eps"]["0.1"]
    assert float(c["dJ"]) == pytest.approx(3 * (5 + 3 * 2.1) - 33)
    assert c["predicted"] == "+0.9"
    nodes = page_data(viz.explore(J, names=names))["nodes"]
    changed = [nodes[row[0]]["name"] for row in c["rows"]]
    assert changed == ["c", "u", "v", "J"]  # everything downstream of c, and nothing else


@needs_dot
def test_nan_and_inf_are_in_the_data_and_names_cannot_break_the_page():
    x = tg.Tensor([1.0, -1.0], requires_grad=True, name="x</script><b>")
    with np.errstate(invalid="ignore"):
        J = x.log().sum()
    page = viz.explore(J)
    assert "</script><b>" not in page.html.split('id="tg-data">')[1].split("</script>")[0]
    nodes = page_data(page)["nodes"]
    assert any(n["badValue"] == "1 NaN" for n in nodes)


@needs_dot
def test_a_large_model_opens_by_layer_with_each_layer_expandable():
    model, J = deep_model_cost()
    data = page_data(viz.explore(J, names={"model": model, "J": J}))
    labels = [v["label"] for v in data["views"]]
    assert labels[:2] == ["every node", "by layer"]
    assert "layer 1 expanded" in labels and "layer 4 expanded" in labels
    assert labels[data["startView"]] == "by layer"
    assert data["nudge"]["leaves"]  # small enough: W1[0, 0] ... can be nudged
    assert data["nudge"]["leaves"][0]["label"].endswith("[0, 0]")


def test_without_the_dot_program_the_page_still_steps(monkeypatch):
    monkeypatch.setenv("PATH", "")
    J, names = course_J()
    data = page_data(viz.explore(J, names=names))
    assert data["views"] == [] and "apt-get install graphviz" in data["pictureNote"]
    assert any("dc = du" in s["text"] for s in data["steps"])


def test_save_and_jupyter(tmp_path):
    J, names = course_J()
    page = viz.explore(J, names=names)
    path = page.save(tmp_path / "J.html")
    assert path.read_text(encoding="utf-8") == page.html
    assert page._repr_html_().startswith("<iframe srcdoc=")
    with pytest.raises(ValueError, match=".html"):
        page.save(tmp_path / "J.svg")
    with pytest.raises(TypeError, match="expected a Tensor"):
        viz.explore(3.0)


# -- in a real browser ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    if MISSING:
        pytest.skip(MISSING)
    with Chromium(tmp_path_factory.mktemp("chromium")) as chromium:
        yield chromium


def node_title(browser, text: str) -> str:
    """The SVG node (its graphviz title, e.g. 'n3') whose label contains ``text``."""
    return browser.run(
        "const v = [...document.querySelectorAll('#tg-graph > div')]"
        "  .find(d => d.style.display !== 'none');"
        "const g = [...v.querySelectorAll('g.node')]"
        "  .find(g => g.textContent.includes(arguments[0]));"
        "return g ? g.getAttribute('data-title') : null;",
        text,
    )


def classes(browser, title: str) -> set[str]:
    return set(
        browser.run(
            "const v = [...document.querySelectorAll('#tg-graph > div')]"
            "  .find(d => d.style.display !== 'none');"
            "return [...v.querySelector(`g.node[data-title='${arguments[0]}']`).classList];",
            title,
        )
    )


def visible_texts(browser) -> list[str]:
    """The SVG text elements a learner can see (hidden gradients left out)."""
    return browser.run(
        "const v = [...document.querySelectorAll('#tg-graph > div')]"
        "  .find(d => d.style.display !== 'none');"
        "return [...v.querySelectorAll('text')]"
        "  .filter(t => getComputedStyle(t).visibility !== 'hidden').map(t => t.textContent);"
    )


def edge_classes(browser, source: str, target: str) -> set[str]:
    return set(
        browser.run(
            "const v = [...document.querySelectorAll('#tg-graph > div')]"
            "  .find(d => d.style.display !== 'none');"
            "const g = [...v.querySelectorAll('g.edge')]"
            "  .find(g => g.querySelector('title').textContent === arguments[0]);"
            "return g ? [...g.classList] : [];",
            f"{source}->{target}",
        )
    )


@needs_dot
@needs_browser
def test_in_chromium_stepping_clicking_and_nudging_the_course_J(tmp_path, browser):
    J, names = course_J()
    path = viz.explore(J, names=names).save(tmp_path / "J.html")
    browser.open(path)
    assert browser.text("#tg-title") == "J = 33"
    assert browser.resources() == []  # nothing was requested: no network, no files
    ids = {key: node_title(browser, f"{key} = ") for key in ("a", "b", "c", "u", "v")}
    ids["J"] = node_title(browser, "J = 33")
    assert None not in ids.values()
    shown = " ".join(visible_texts(browser))
    assert "u = 6" in shown and "du = 3" not in shown  # gradients appear during backward only
    assert "tg-dim" in classes(browser, ids["u"])  # not computed yet

    # forward, step 1: u = b * c
    browser.click("#tg-step")
    assert browser.text("#tg-narration") == "u = b * c = 3 * 2 = 6"
    assert "tg-current" in classes(browser, ids["u"]) and "tg-dim" not in classes(browser, ids["u"])
    assert "tg-input" in classes(browser, ids["b"]) and "tg-input" in classes(browser, ids["c"])
    assert "tg-edge-fwd" in edge_classes(browser, ids["b"], ids["u"])
    assert "tg-dim" in classes(browser, ids["v"])
    browser.key("\ue014")  # the right arrow key steps too
    assert browser.text("#tg-narration") == "v = a + u = 5 + 6 = 11"
    browser.click("#tg-back")
    assert browser.text("#tg-narration") == "u = b * c = 3 * 2 = 6"

    # on to the backward edge u -> c: dc = du * b
    for _ in range(20):
        browser.click("#tg-step")
        if browser.text("#tg-narration").startswith("u → c"):
            break
    assert browser.text("#tg-narration") == "u → c:  dc = du · ∂u/∂c = du · b = 3 · 3 = 9"
    assert "backward" in browser.text("#tg-counter") and "u → c" in browser.text("#tg-counter")
    assert "tg-edge-bwd" in edge_classes(browser, ids["c"], ids["u"])
    assert "tg-current" in classes(browser, ids["u"]) and "tg-input" in classes(browser, ids["c"])
    shown = " ".join(visible_texts(browser))
    assert "dv = 3" in shown and "du = 3" in shown and "dc = 9" in shown
    assert "da = 3" in shown  # a's only edge came earlier (from v)
    (tmp_path / "step.png").write_bytes(browser.screenshot())

    # clicking a node shows what it holds
    browser.run(
        "document.querySelector(`g.node[data-title='${arguments[0]}']`)"
        ".dispatchEvent(new MouseEvent('click', {bubbles: true}))",
        ids["u"],
    )
    details = browser.text("#tg-details")
    for expected in ["u = b * c", "scalar", "float64", "6", "grad du", "3",
                     "out = x * y;  dx = dout * y,  dy = dout * x", "∂u/∂b = c = 2",
                     "∂u/∂c = b = 3"]:  # fmt: skip
        assert expected in details, expected

    # nudging a by 0.001 moves J by 0.003 = da * 0.001
    browser.click("button[data-eps='0.001']")
    summary = browser.text("#tg-nudge-summary")
    assert "a + 0.001:  J changes by +0.003" in summary
    assert "dJ/da · ε = 3 · 0.001 = +0.003" in summary
    rows = browser.text("#tg-nudge-result table")
    assert "v 11 11.001 +0.001" in rows and "J 33 33.003 +0.003" in rows
    assert "tg-changed" in classes(browser, ids["J"]) and "tg-changed" not in classes(
        browser, ids["b"]
    )

    # the end: every gradient
    browser.click("#tg-last")
    assert browser.text("#tg-narration") == ("Every gradient is complete: da = 3,  db = 6,  dc = 9")
    assert browser.run("return document.querySelector('#tg-step').disabled") is True


@needs_dot
@needs_browser
def test_in_chromium_nan_is_marked(tmp_path, browser):
    x = tg.Tensor(-1.0, requires_grad=True, name="x")
    with np.errstate(invalid="ignore"):
        J = x.log() * 2.0
    browser.open(viz.explore(J, names={"x": x, "J": J}).save(tmp_path / "nan.html"))
    assert "NaN/Inf in" in browser.text("#tg-bad") and "(value: 1 NaN)" in browser.text("#tg-bad")
    assert "tg-bad" in classes(browser, node_title(browser, "J = nan"))


@needs_dot
@needs_browser
def test_in_chromium_a_deep_model_opens_by_layer_and_expands(tmp_path, browser):
    model, J = deep_model_cost()
    browser.open(viz.explore(J, names={"model": model, "J": J}).save(tmp_path / "deep.html"))
    assert browser.resources() == []
    assert "on" in browser.run("return [...document.querySelector('#tg-view-1').classList]")
    shown = " ".join(visible_texts(browser))
    assert "layer 2: Linear 8 → 5" in shown
    box = node_title(browser, "layer 2: Linear 8 → 5")
    browser.run(
        "const v = [...document.querySelectorAll('#tg-graph > div')]"
        "  .find(d => d.style.display !== 'none');"
        "v.querySelector(`g.node[data-title='${arguments[0]}']`)"
        ".dispatchEvent(new MouseEvent('click', {bubbles: true}))",
        box,
    )
    label = browser.run(
        "return [...document.querySelectorAll('#tg-views button')]"
        ".find(b => b.classList.contains('on')).textContent"
    )
    assert label == "layer 2 expanded"
    shown = " ".join(visible_texts(browser))
    assert "layer 2: Linear 8 → 5" not in shown and "layer 1: Linear 12 → 8" in shown
    assert "relu" in shown and "matmul" in shown  # layer 2's ops, one node each
    # stepping still works in the expanded view
    browser.click("#tg-last")
    assert browser.text("#tg-narration").startswith("Every gradient is complete")
