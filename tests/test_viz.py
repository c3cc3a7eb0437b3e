"""Graph drawings (viz.to_dot, viz.render) and cost curves (viz.plot_costs)."""

import re
import shutil
import xml.etree.ElementTree as ET

import numpy as np
import pytest
from course_graph import course_J

import tinygrad_edu as tg

pytest.importorskip("graphviz")
from tinygrad_edu import viz  # noqa: E402 (after the skip: graphviz is an optional extra)
from tinygrad_edu.viz import graph as viz_graph  # noqa: E402 (private colours and helpers)

needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="graphviz program 'dot' missing")


def labels(dot_source: str) -> list[str]:
    """The text of every node label, tags removed."""
    found = re.findall(r"label=<(.*?)>\s*(?:\w+=|\])", dot_source)
    return [re.sub(r"<[^>]+>", " ", label) for label in found]


def plain(text: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", text).split())


COURSE_VALUES = ["u = 6", "v = 11", "J = 33", "a = 5", "b = 3", "c = 2"]
COURSE_GRADS = ["da = 3", "db = 6", "dc = 9", "dv = 3", "du = 3"]


def test_course_J_values_and_gradients_in_dot_text():
    J, names = course_J(backward=True)
    text = plain(viz.to_dot(J, names=names).source)
    for expected in COURSE_VALUES + COURSE_GRADS:
        assert expected in text, f"{expected!r} missing from the DOT text"


def test_names_come_from_locals():
    a = tg.Tensor(5.0, requires_grad=True)
    b = tg.Tensor(3.0, requires_grad=True)
    c = tg.Tensor(2.0, requires_grad=True)
    u = b * c
    v = a + u
    J = 3 * v
    J.backward(retain_grads=True)
    text = plain(viz.to_dot(J, names=locals()).source)
    for expected in COURSE_VALUES + COURSE_GRADS:
        assert expected in text
    assert "u = b * c" not in text  # the formula line shows the parents' names
    assert "b * c" in text and "a + u" in text and "3 * v" in text


def test_names_mapping_with_modules_and_other_objects():
    nn = pytest.importorskip("tinygrad_edu.nn")

    class Scale(nn.Module):
        def __init__(self):
            super().__init__()
            self.w = nn.Parameter(np.array([2.0, 3.0]))  # no name of its own

        def forward(self, x):
            return x * self.w

    model = Scale()
    J = model(tg.Tensor([1.0, 1.0])).sum()
    namespace = {"Scale": Scale, "np": np, "n": 3, "_": J, "model": model, "J": J}
    text = plain(viz.to_dot(J, names=namespace).source)
    assert "J = 5" in text and "model.w" in text and "parameter" in text


def test_explicit_name_wins_over_names_mapping():
    x = tg.Tensor(2.0, requires_grad=True, name="weight")
    y = x * x
    y.backward()
    text = plain(viz.to_dot(y, names={"x": x}).source)
    assert "weight = 2" in text and "x = 2" not in text


def test_without_retain_grads_intermediate_grads_are_missing_and_a_hint_says_why():
    a = tg.Tensor(5.0, requires_grad=True, name="a")
    u = a * 2.0
    J = u + 1.0
    J.backward()
    source = viz.to_dot(J, names=locals()).source
    assert "da = 2" in plain(source)
    assert "du" not in plain(source)
    assert "retain_grads=True" in source


def test_before_backward_no_gradients_are_shown():
    a = tg.Tensor(5.0, requires_grad=True, name="a")
    J = 3 * a
    source = viz.to_dot(J).source
    assert "a = 5" in plain(source) and "da =" not in plain(source)
    assert viz_graph._GRAD_COLOR not in source


def test_show_grads_false_hides_gradients():
    J, names = course_J(backward=True)
    text = plain(viz.to_dot(J, names=names, show_grads=False).source)
    assert "u = 6" in text and "du" not in text


def test_the_same_graph_gives_identical_dot_text():
    J1, names1 = course_J(backward=True)
    J2, names2 = course_J(backward=True)
    assert viz.to_dot(J1, names=names1).source == viz.to_dot(J2, names=names2).source
    assert viz.to_dot(J1, names=names1).source == viz.to_dot(J1, names=names1).source


def test_node_ids_do_not_leak_memory_addresses():
    J, names = course_J(backward=True)
    source = viz.to_dot(J, names=names).source
    for t in names.values():
        assert str(id(t)) not in source


def test_nan_and_inf_stand_out():
    x = tg.Tensor([1.0, -1.0, 2.0], requires_grad=True, name="x")
    with np.errstate(invalid="ignore"):
        y = x.log()  # log(-1) = nan
    y.name = "y"
    J = y.sum()
    J.name = "J"
    J.backward(retain_grads=True)
    dot = viz.to_dot(J)
    node_lines = {line.split()[0]: line for line in dot.source.splitlines() if "label=<" in line}
    y_line = next(line for line in node_lines.values() if "<B>y</B>" in line)
    x_line = next(line for line in node_lines.values() if "<B>x</B>" in line)
    assert viz_graph._FILL["bad"] in y_line and "NaN" in y_line
    assert viz_graph._FILL["bad"] not in x_line  # x and dx are finite


def test_inf_in_a_gradient_stands_out():
    x = tg.Tensor([0.0, 1.0], requires_grad=True, name="x")
    with np.errstate(divide="ignore"), pytest.warns(tg.NonFiniteGradientWarning, match="sqrt"):
        J = x.sqrt().sum()  # d sqrt(x)/dx at 0 is inf
        J.backward()
    x_line = next(line for line in viz.to_dot(J).source.splitlines() if "<B>x</B>" in line)
    assert viz_graph._FILL["bad"] in x_line and "Inf" in plain(x_line)


def test_broadcast_edges_say_where_the_gradient_is_summed():
    Z0 = tg.Tensor(np.ones((4, 3)), name="Z0")
    b = tg.zeros(3, requires_grad=True, name="b")  # batch-first bias: summed over axis 0
    c = tg.zeros(4, 1, requires_grad=True, name="c")  # course-layout bias: summed over axis 1
    W = tg.Tensor(np.ones((4, 3)), requires_grad=True, name="W")  # same shape: nothing summed
    J = ((Z0 * W + b) + c).sum()
    J.backward()
    source = viz.to_dot(J).source
    edges = [line for line in source.splitlines() if "->" in line]
    b_id = re.search(r"(\w+) \[label=<<B>b</B>", source).group(1)
    c_id = re.search(r"(\w+) \[label=<<B>c</B>", source).group(1)
    W_id = re.search(r"(\w+) \[label=<<B>W</B>", source).group(1)
    (b_edge,) = [e for e in edges if e.strip().startswith(f"{b_id} ->")]
    (c_edge,) = [e for e in edges if e.strip().startswith(f"{c_id} ->")]
    (W_edge,) = [e for e in edges if e.strip().startswith(f"{W_id} ->")]
    assert "sum over axis 0" in b_edge
    assert "sum over axis 1" in c_edge
    assert "sum over" not in W_edge


def test_broadcast_axes_match_the_engine_unbroadcast():
    from tinygrad_edu.engine import unbroadcast

    for parent_shape, out_shape in [
        ((3,), (4, 3)),
        ((4, 1), (4, 3)),
        ((1, 3), (2, 4, 3)),
        ((), (2,)),
    ]:
        axes = viz_graph._broadcast_axes(parent_shape, out_shape)
        grad = np.random.default_rng(0).normal(size=out_shape)
        summed = grad.sum(axis=axes).reshape(parent_shape) if axes else grad
        np.testing.assert_allclose(summed, unbroadcast(grad, parent_shape).reshape(parent_shape))


def test_parameters_data_and_constants_look_different():
    X = tg.Tensor(np.ones((2, 2)), name="X")
    W = tg.Tensor(np.ones((2, 2)), requires_grad=True, name="W")
    J = (X * W * 3.0).sum()
    lines = viz.to_dot(J).source.splitlines()

    def line_of(marker):
        return next(line for line in lines if marker in line)

    X_line, W_line = line_of("<B>X</B>"), line_of("<B>W</B>")
    const_line = line_of("<B>3</B>")
    assert viz_graph._FILL["data"] in X_line and "data" in plain(X_line)
    assert viz_graph._FILL["parameter"] in W_line and "requires grad" in plain(W_line)
    assert "ellipse" in const_line
    assert len({X_line.split("fillcolor=")[1][:9], W_line.split("fillcolor=")[1][:9],
                const_line.split("fillcolor=")[1][:9]}) == 3  # fmt: skip


def test_nn_parameters_are_labelled_parameter():
    nn = pytest.importorskip("tinygrad_edu.nn")
    layer = nn.Linear(2, 1)
    J = layer(np.ones((3, 2))).sum()
    text = plain(viz.to_dot(J).source)
    assert "parameter" in text


def test_large_arrays_are_summarised_and_tiny_ones_printed():
    big = tg.Tensor(np.arange(100.0), requires_grad=True, name="big")
    tiny = tg.Tensor([1.0, 2.0], requires_grad=True, name="tiny")
    J = big.sum() + tiny.sum()
    J.backward()
    text = plain(viz.to_dot(J).source)
    assert "min 0 mean 49.5 max 99" in text
    assert "[1, 2]" in text and "dtiny = [1, 1]" in text
    assert "(100,) float64" in text


def test_backward_edges_are_drawn_against_the_forward_ones():
    J, names = course_J(backward=True)
    source = viz.to_dot(J, names=names, backward_edges=True).source
    forward = [line for line in source.splitlines() if "->" in line and "dashed" not in line]
    backward = [line for line in source.splitlines() if "->" in line and "dashed" in line]
    # 6 forward edges; the constant 3 gets no gradient, so 5 backward ones
    assert len(forward) == 6 and len(backward) == 5
    assert all(viz_graph._BACKWARD_EDGE in line for line in backward)


def test_node_count_guard_summarises_large_graphs():
    x = tg.Tensor(1.0, requires_grad=True, name="x")
    y = x
    for _ in range(300):
        y = y * 1.01
    y.backward()
    source = viz.to_dot(y, max_nodes=100).source
    assert "too large" in source and "mul x300" in source
    assert source.count("label=<") == 1
    assert viz.to_dot(y, max_nodes=1000).source.count("label=<") > 300


def test_a_deep_chain_is_drawn_without_recursion():
    x = tg.Tensor(1.0, requires_grad=True)
    y = x
    for _ in range(5000):
        y = y + 0.0
    assert "too large" in viz.to_dot(y).source  # summarised, and no RecursionError on the way


def _deep_model_and_cost():
    nn = pytest.importorskip("tinygrad_edu.nn")
    losses = pytest.importorskip("tinygrad_edu.losses")
    rng = np.random.RandomState(1)
    model = nn.Sequential(
        nn.Linear(30, 20, rng=rng), nn.ReLU(),
        nn.Linear(20, 7, rng=rng), nn.ReLU(),
        nn.Linear(7, 5, rng=rng), nn.ReLU(),
        nn.Linear(5, 1, rng=rng), nn.Sigmoid(),
    )  # fmt: skip
    X = tg.Tensor(rng.rand(8, 30), name="X")
    Y = tg.Tensor((rng.rand(8, 1) > 0.5).astype(float), name="Y")
    J = losses.binary_cross_entropy(model(X), Y)
    J.name = "J"
    J.backward(retain_grads=True)
    return model, J


def test_collapse_draws_one_box_per_layer_of_the_4_layer_model():
    model, J = _deep_model_and_cost()
    full = viz.to_dot(J).source
    collapsed = viz.to_dot(J, collapse=model).source
    boxes = re.findall(r"^\s*(layer\d+) \[label=<<B>(.*?)</B>", collapsed, flags=re.M)
    titles = [title for _, title in boxes]
    assert titles[:4] == [
        "layer 1: Linear 30 → 20",
        "layer 2: Linear 20 → 7",
        "layer 3: Linear 7 → 5",
        "layer 4: Linear 5 → 1",
    ]
    assert titles[4].startswith("J = ")  # the cost, after the last layer
    assert collapsed.count("label=<") < full.count("label=<") / 3
    text = plain(collapsed)
    for k in range(1, 5):
        assert f"W{k} " in text and f"dW{k}: " in text and f"db{k} summed over axis 0" in text
    assert "matmul → add → relu" in text and "matmul → add → sigmoid" in text
    # the layers form a chain X -> layer 1 -> ... -> layer 4 -> cost
    for a, b in [
        ("layer0", "layer1"),
        ("layer1", "layer2"),
        ("layer2", "layer3"),
        ("layer3", "layer4"),
    ]:
        assert re.search(rf"{a} -> {b}\b", collapsed), f"no edge {a} -> {b}"


def _boxes_and_edges(source):
    """``({node: title}, [(a, b), ...])``: a collapsed drawing's boxes and the edges between."""
    titles = dict(re.findall(r"^\s*(layer\d+) \[label=<<B>(.*?)</B>", source, flags=re.M))
    edges = re.findall(r"^\s*(layer\d+) -> (layer\d+)", source, flags=re.M)
    return titles, edges


def _assert_a_chain(source, expected_titles):
    """The boxes, in this order, joined left to right by one edge each and nothing else."""
    titles, edges = _boxes_and_edges(source)
    by_title = {title: node for node, title in titles.items()}
    assert sorted(titles.values()) == sorted(expected_titles), titles
    chain = [by_title[title] for title in expected_titles]
    assert sorted(edges) == sorted(zip(chain[:-1], chain[1:], strict=True)), edges


def _box_ops(J, model):
    """``{box title: [op names]}`` of ``to_dot(J, collapse=model)``."""
    order = viz_graph._walk(J)
    member, groups = viz_graph._assign_groups(order, model)
    ops = {label: [] for label, _ in groups}
    for t in order:
        if t._op is not None and id(t) in member:
            ops[groups[member[id(t)]][0]].append(t._op.name)
    return ops


def test_collapse_draws_the_digits_cnn_left_to_right():
    """Pooling has no parameters but is a module of the model: a box of its own between the
    convolutions; a convolution's padding and windows are in its box, the flatten in fc's."""
    course4 = pytest.importorskip("tinygrad_edu.course.course4")
    losses = pytest.importorskip("tinygrad_edu.losses")
    rng = np.random.RandomState(0)
    model = course4.DigitsCNN(rng=rng)
    J = losses.cross_entropy(model(tg.Tensor(rng.rand(4, 1, 8, 8))), np.array([1, 2, 3, 4]))
    J.backward()
    source = viz.to_dot(J, collapse=model).source
    _assert_a_chain(
        source,
        ["conv1: Conv2d", "pool1: MaxPool2d", "conv2: Conv2d", "pool2: MaxPool2d",
         "fc: Linear 128 → 10", "after the layers"],
    )  # fmt: skip
    ops = _box_ops(J, model)
    assert ops["pool1"] == ops["pool2"] == ["im2col", "reshape", "window_max"]
    assert ops["conv2"][:3] == ["reshape", "pad", "im2col"] and ops["conv2"][-1] == "relu"
    assert ops["fc"][0] == "reshape"  # the flatten
    assert "getitem" in ops["output"] and "window_max" not in ops["output"]


def test_collapse_draws_an_lstm_model_left_to_right():
    """The recurrent layer's steps, gates and stacked output in its own box."""
    nn = pytest.importorskip("tinygrad_edu.nn")
    losses = pytest.importorskip("tinygrad_edu.losses")
    rng = np.random.RandomState(0)

    class CharLSTM(nn.Module):
        def __init__(self):
            super().__init__()
            self.embed = nn.Embedding(27, 8, rng=rng)
            self.lstm = nn.LSTM(8, 16)
            self.head = nn.Linear(16, 27, rng=rng)

        def forward(self, idx):  # (T, N) -> logits (T * N, 27)
            out, _ = self.lstm(self.embed(idx))
            T, N, H = out.shape
            return self.head(out.reshape(T * N, H))

    model = CharLSTM()
    J = losses.cross_entropy(model(rng.randint(0, 27, (5, 2))), rng.randint(0, 27, 10))
    J.backward()
    source = viz.to_dot(J, collapse=model).source
    _assert_a_chain(
        source, ["embed: Embedding", "lstm: LSTM", "head: Linear 16 → 27", "after the layers"]
    )
    ops = _box_ops(J, model)
    assert ops["lstm"].count("sigmoid") == 5 and ops["lstm"].count("tanh") == 10  # 5 steps
    assert "concatenate" in ops["lstm"]  # the stacked outputs


def test_collapse_gives_a_batch_norm_its_normalization_and_dropout_a_box():
    nn = pytest.importorskip("tinygrad_edu.nn")
    losses = pytest.importorskip("tinygrad_edu.losses")
    rng = np.random.RandomState(0)
    model = nn.Sequential(
        nn.Linear(6, 5, rng=rng), nn.BatchNorm1d(5), nn.ReLU(), nn.Dropout(0.5, rng=rng),
        nn.Linear(5, 1, rng=rng),
    )  # fmt: skip
    model.train()
    J = losses.binary_cross_entropy_with_logits(model(rng.rand(8, 6)), np.ones((8, 1)))
    J.backward()
    source = viz.to_dot(J, collapse=model).source
    _assert_a_chain(
        source,
        ["layer 1: Linear 6 → 5", "layer 2: BatchNorm1d", "Dropout",
         "layer 3: Linear 5 → 1", "after the layers"],
    )  # fmt: skip
    ops = _box_ops(J, model)
    assert ops["layer 1"][-1] == "add" and ops["layer 2"][-1] == "relu"  # Z, then BN -> ReLU


def test_collapse_with_a_mapping_of_parameter_lists():
    rng = np.random.RandomState(0)
    X = tg.Tensor(rng.rand(3, 5), name="X")  # the course's layout: X (n_x, m)
    W1 = tg.Tensor(rng.randn(4, 3), requires_grad=True, name="W1")
    b1 = tg.zeros(4, 1, requires_grad=True, name="b1")
    W2 = tg.Tensor(rng.randn(1, 4), requires_grad=True, name="W2")
    b2 = tg.zeros(1, 1, requires_grad=True, name="b2")
    A1 = (W1 @ X + b1).tanh()
    A2 = (W2 @ A1 + b2).sigmoid()
    J = A2.mean()
    J.backward()
    source = viz.to_dot(J, collapse={"hidden": [W1, b1], "output": [W2, b2]}).source
    text = plain(source)
    assert "hidden" in text and "matmul → add → tanh" in text and "db1 summed over axis 1" in text
    assert "matmul → add → sigmoid" in text
    assert "layer0 -> layer1" in source


def test_collapse_rejects_what_it_cannot_read():
    J, _ = course_J(backward=True)
    with pytest.raises(TypeError, match="collapse"):
        viz.to_dot(J, collapse={"x": 3})


def test_to_dot_rejects_non_tensors_and_bad_rankdir():
    with pytest.raises(TypeError, match="to_dot: expected a Tensor"):
        viz.to_dot(3.0)
    J, _ = course_J(backward=True)
    with pytest.raises(ValueError, match="rankdir"):
        viz.to_dot(J, rankdir="up")
    with pytest.raises(TypeError, match="mapping such as locals"):
        viz.to_dot(J, names=["J"])


def test_drawing_does_not_change_the_graph():
    x = tg.Tensor([1.0, 2.0], requires_grad=True, name="x")
    J = (x * x).sum()
    viz.to_dot(J)
    J.backward()  # the graph was not released or altered by drawing
    np.testing.assert_allclose(x.grad, [2.0, 4.0])


def test_the_returned_object_displays_in_jupyter():
    J, names = course_J(backward=True)
    dot = viz.to_dot(J, names=names)
    assert callable(getattr(dot, "_repr_mimebundle_", None))


@needs_dot
def test_svg_through_the_real_dot_program_is_valid_and_holds_values(tmp_path):
    J, names = course_J(backward=True)
    path = viz.render(J, tmp_path / "J.svg", names=names)
    assert path == tmp_path / "J.svg"
    root = ET.parse(path).getroot()  # valid XML
    assert root.tag.endswith("svg")
    texts = " ".join(" ".join(el.itertext()) for el in root.iter() if el.tag.endswith("text"))
    for expected in COURSE_VALUES + COURSE_GRADS:
        assert expected in texts, f"{expected!r} missing from the SVG"


@needs_dot
@pytest.mark.parametrize("fmt, magic", [("png", b"\x89PNG"), ("pdf", b"%PDF")])
def test_png_and_pdf(tmp_path, fmt, magic):
    J, names = course_J(backward=True)
    path = viz.render(J, tmp_path / "J", format=fmt, names=names)
    assert path.suffix == "." + fmt and path.read_bytes().startswith(magic)


def test_dot_format_needs_no_program(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", "")
    J, names = course_J(backward=True)
    path = viz.render(J, tmp_path / "J.dot", names=names)
    assert "J = 33" in plain(path.read_text())


def test_missing_dot_program_still_writes_dot_and_says_how_to_install(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", "")
    J, names = course_J(backward=True)
    with pytest.raises(RuntimeError) as info:
        viz.render(J, tmp_path / "J.svg", names=names)
    message = str(info.value)
    assert "apt-get install graphviz" in message and "brew install graphviz" in message
    assert "conda install" in message and "J.dot" in message
    assert "dJ = 1" in plain((tmp_path / "J.dot").read_text())
    assert not (tmp_path / "J.svg").exists()


def test_render_formats_and_file_names(tmp_path):
    J, _ = course_J(backward=True)
    with pytest.raises(ValueError, match="render: expected format"):
        viz.render(J, tmp_path / "J.dot", format="gif")
    with pytest.raises(ValueError, match="does not match format 'dot'"):
        viz.render(J, tmp_path / "J.svg", format="dot")
    assert viz.render(J, tmp_path / "J.v1", format="dot").name == "J.v1.dot"  # format given
    assert viz.render(J, tmp_path / "J.DOT").name == "J.DOT"


# -- cost curves ---------------------------------------------------------------------------------


def test_plot_costs_from_a_mapping_and_from_a_list(tmp_path):
    pytest.importorskip("matplotlib")
    one = viz.plot_costs({0: 0.69, 100: 0.6, 200: 0.5}, tmp_path / "one.png", title="lr = 0.0075")
    two = viz.plot_costs([0.69, 0.6, 0.5], tmp_path / "two.svg", step=100)
    assert one.read_bytes().startswith(b"\x89PNG")
    assert ET.parse(two).getroot().tag.endswith("svg")


def test_plot_costs_several_runs_on_one_chart(tmp_path):
    pytest.importorskip("matplotlib")
    runs = {"lr = 0.01": [0.7, 0.5, 0.3], "lr = 0.001": [0.7, 0.65, 0.6], "lr = 0.0001": [0.7] * 3}
    path = viz.plot_costs(runs, tmp_path / "rates.svg")
    svg = path.read_text()
    for label in runs:
        assert label in svg  # the legend
    histories = {"lr = 0.01": {0: 0.7, 100: 0.5}, "lr = 0.001": {0: 0.7, 100: 0.65}}
    nested = viz.plot_costs(histories, tmp_path / "nested.svg")  # {label: {iteration: cost}}
    assert all(label in nested.read_text() for label in histories)
    listed = viz.plot_costs([[1, 0.5], [1, 0.8]], tmp_path / "l.svg", labels=["run a", "run b"])
    assert all(label in listed.read_text() for label in ("run a", "run b"))
    with pytest.raises(ValueError, match="one label per run"):
        viz.plot_costs([[1, 0.5], [1, 0.8]], tmp_path / "x.png", labels=["a"])


def test_plot_costs_rejects_an_empty_run(tmp_path):
    pytest.importorskip("matplotlib")
    with pytest.raises(ValueError, match="no costs"):
        viz.plot_costs({"a": []}, tmp_path / "x.png")


# -- names XML forbids, files, Jupyter (issue 11) ------------------------------------------------

STRANGE = ["\x0c", "\x1b[31mW\x1b[0m", "\ufffe", "a\x00b", "\ud800", "tab\there"]


@needs_dot
@pytest.mark.parametrize("strange", STRANGE, ids=[ascii(s) for s in STRANGE])
def test_names_xml_forbids_are_escaped_everywhere(strange, tmp_path):
    nn = pytest.importorskip("tinygrad_edu.nn")
    x = tg.Tensor(2.0, requires_grad=True, name=strange)  # a tensor's own name
    w = tg.Tensor(3.0, requires_grad=True)
    layer = nn.Linear(2, 1)
    J = (x * w + layer(np.ones((1, 2))).sum()) * 1.0
    J.name = "J" + strange
    J.backward()
    names = {strange + "w": w}  # a names= key
    for kwargs in ({"names": names}, {"names": names, "collapse": {strange: layer}}):
        path = viz.render(J, tmp_path / "g.svg", **kwargs)  # graphviz accepts the labels
        root = ET.parse(path).getroot()  # and the SVG is valid XML
        texts = " ".join(" ".join(el.itertext()) for el in root.iter())
        assert ascii(strange)[1:-1] in texts  # shown as its escape, e.g. \x0c
        assert viz_graph._clean(strange) == ascii(strange)[1:-1]


def test_render_suffixes_and_folders(tmp_path):
    J, names = course_J(backward=True)
    with pytest.raises(ValueError, match="cannot tell the picture format from the file name J.v1"):
        viz.render(J, tmp_path / "J.v1")
    with pytest.raises(ValueError, match="is a folder"):
        (tmp_path / "d.svg").mkdir()
        viz.render(J, tmp_path / "d.svg")
    (tmp_path / "f").write_text("")
    with pytest.raises(ValueError, match="is a file, not a folder"):
        viz.render(J, tmp_path / "f" / "J.dot")
    assert viz.render(J, tmp_path / "J").name == "J.svg" or shutil.which("dot") is None


@needs_dot
def test_jpeg(tmp_path):
    J, names = course_J(backward=True)
    assert viz.render(J, tmp_path / "J.jpg").read_bytes()[:3] == b"\xff\xd8\xff"
    assert viz.render(J, tmp_path / "J.jpeg", format="jpg").suffix == ".jpeg"


def test_jupyter_without_dot_shows_the_install_hint_and_the_dot_text(monkeypatch):
    monkeypatch.setenv("PATH", "")
    J, names = course_J(backward=True)
    dot = viz.to_dot(J, names=names)
    bundle = dot._repr_mimebundle_()
    assert "apt-get install graphviz" in bundle["text/plain"]
    assert dot.source in bundle["text/plain"]
    assert "&lt;B&gt;u = 6&lt;/B&gt;" in bundle["text/html"]  # the DOT text, escaped in HTML


@needs_dot
def test_jupyter_with_dot_shows_the_svg():
    J, names = course_J(backward=True)
    bundle = viz.to_dot(J, names=names)._repr_mimebundle_()
    assert "<svg" in bundle["image/svg+xml"] and "dc = 9" in bundle["image/svg+xml"]
