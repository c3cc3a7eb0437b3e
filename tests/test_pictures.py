"""The course's pictures (viz.plot_decision_boundary, plot_activations, plot_mislabeled,
plot_costs), checked by what they contain: data ranges, colours where the classes are, the curves'
values against the formulas, titles, file types."""

import xml.etree.ElementTree as ET

import numpy as np
import pytest

pytest.importorskip("matplotlib")
import matplotlib  # noqa: E402

from tinygrad_edu import nn, viz  # noqa: E402

SPECTRAL = matplotlib.colormaps["Spectral"]


def pixel(fig, ax, x, y):
    """The RGB colour (0-255) the figure shows at data coordinates (x, y)."""
    fig.canvas.draw()
    image = np.asarray(fig.canvas.buffer_rgba())
    px, py = ax.transData.transform((x, y))
    return image[int(round(image.shape[0] - py)), int(round(px))][:3].astype(int)


def rgb(color):
    return (np.array(color[:3]) * 255).round().astype(int)


def test_the_decision_boundary_colours_each_side_by_the_predicted_class(tmp_path):
    rng = np.random.RandomState(0)
    X = rng.uniform(-3, 3, size=(40, 2))  # batch-first (m, 2)
    Y = (X[:, :1] > 0).astype(float)

    def model(points):  # class 1 right of x1 = 0.5
        return (points[:, :1] > 0.5).astype(float)

    fig = viz.plot_decision_boundary(model, X, Y, title="x1 > 0.5")
    ax = fig.axes[0]
    assert ax.get_xlim() == pytest.approx((X[:, 0].min() - 1, X[:, 0].max() + 1))
    assert ax.get_ylim() == pytest.approx((X[:, 1].min() - 1, X[:, 1].max() + 1))
    scatter = ax.collections[-1]
    np.testing.assert_allclose(scatter.get_offsets(), X)  # every point, where it is
    assert ax.get_title() == "x1 > 0.5"
    # where no point is drawn: class 0's colour left of 0.5, class 1's right of it
    y_free = X[:, 1].max() + 0.5
    assert np.abs(pixel(fig, ax, -2.5, y_free) - rgb(SPECTRAL(0.0))).max() <= 2
    assert np.abs(pixel(fig, ax, 2.5, y_free) - rgb(SPECTRAL(1.0))).max() <= 2
    # the course's layout (2, m) draws the same points
    same = viz.plot_decision_boundary(model, X.T, Y.reshape(1, -1))
    np.testing.assert_allclose(same.axes[0].collections[-1].get_offsets(), X)
    path = viz.plot_decision_boundary(model, X, Y, tmp_path / "b.png")
    assert path.read_bytes().startswith(b"\x89PNG")


def test_the_decision_boundary_of_a_module_in_eval_mode_without_a_graph():
    rng = np.random.RandomState(1)
    model = nn.Sequential(nn.Linear(2, 3, rng=rng), nn.Tanh(), nn.Linear(3, 1, rng=rng),
                          nn.Sigmoid())  # fmt: skip
    X = rng.randn(10, 2)
    fig = viz.plot_decision_boundary(model, X, (X[:, 0] > 0).astype(int))
    assert model.training  # restored
    assert all(p.grad is None for p in model.parameters())
    assert len(fig.axes[0].collections) >= 2  # the filled classes and the points


def test_decision_boundary_errors():
    X = np.zeros((5, 2))
    with pytest.raises(ValueError, match="reads both ways"):
        viz.plot_decision_boundary(lambda p: p[:, 0], np.zeros((2, 2)), [0, 1])
    with pytest.raises(ValueError, match="one label per point"):
        viz.plot_decision_boundary(lambda p: p[:, 0], X, [0, 1])
    with pytest.raises(ValueError, match="one number per point"):
        viz.plot_decision_boundary(lambda p: p, X, np.zeros(5))
    with pytest.raises(ValueError, match=r"\(m, 2\)"):
        viz.plot_decision_boundary(lambda p: p, np.zeros((5, 3)), np.zeros(5))


def test_activations_and_their_autograd_derivatives_are_the_formulas(tmp_path):
    fig = viz.plot_activations(slope=0.1)
    titles = [ax.get_title() for ax in fig.axes]
    assert [t.split(":")[0] for t in titles] == ["sigmoid", "tanh", "ReLU",
                                                 "leaky ReLU (slope 0.1)"]  # fmt: skip
    z = np.linspace(-5, 5, 401)
    s = 1 / (1 + np.exp(-z))
    expected = [
        (s, s * (1 - s)),
        (np.tanh(z), 1 - np.tanh(z) ** 2),
        (np.maximum(z, 0), (z > 0).astype(float)),  # relu'(0) = 0
        (np.where(z > 0, z, 0.1 * z), np.where(z > 0, 1.0, 0.1)),
    ]
    for ax, (a, da) in zip(fig.axes, expected, strict=True):
        value, derivative = ax.get_lines()[:2]
        np.testing.assert_allclose(value.get_xdata(), z)
        np.testing.assert_allclose(value.get_ydata(), a, atol=1e-12)
        np.testing.assert_allclose(derivative.get_ydata(), da, atol=1e-12)
        low, high = ax.get_ylim()
        assert low <= min(a.min(), da.min()) and high >= max(a.max(), da.max())
    path = viz.plot_activations(tmp_path / "g.svg")
    assert ET.parse(path).getroot().tag.endswith("svg")


def test_mislabelled_images_are_shown_with_prediction_and_class(tmp_path):
    rng = np.random.RandomState(2)
    images = rng.randint(0, 256, size=(6, 8, 8, 3)).astype(np.uint8)
    Y = np.array([[1, 0, 1, 1, 0, 0]])  # the course's (1, m)
    P = np.array([[1, 1, 0, 1, 0, 1]])
    X = images.reshape(6, -1).T / 255.0  # the course's X (192, m), normalized
    fig = viz.plot_mislabeled(X, Y, P, ("non-cat", "cat"), image_shape=(8, 8, 3))
    titles = [ax.get_title() for ax in fig.axes]
    assert titles == ["Prediction: cat\nClass: non-cat", "Prediction: non-cat\nClass: cat",
                      "Prediction: cat\nClass: non-cat"]  # fmt: skip
    for ax, index in zip(fig.axes, [1, 2, 5], strict=True):
        np.testing.assert_allclose(ax.images[0].get_array(), images[index] / 255.0)
    batch = viz.plot_mislabeled(images, Y.T, P.T, image_shape=(8, 8, 3), max_images=2)
    assert len(batch.axes) == 2 and "the first 2 of 3" in batch._suptitle.get_text()
    none = viz.plot_mislabeled(images, Y, Y, image_shape=(8, 8, 3))
    assert none.axes[0].texts[0].get_text() == "No mislabelled images."
    path = viz.plot_mislabeled(images, Y, P, path=tmp_path / "m.png", image_shape=(8, 8, 3))
    assert path.read_bytes().startswith(b"\x89PNG")
    with pytest.raises(ValueError, match="image_shape"):
        viz.plot_mislabeled(images.reshape(6, -1), Y, P)  # flattened, but not 64 * 64 * 3


def test_plot_costs_without_a_path_returns_a_figure_that_displays_inline():
    fig = viz.plot_costs({0: 0.69, 100: 0.5, 200: 0.4}, title="lr = 0.005")
    (line,) = fig.axes[0].get_lines()
    np.testing.assert_allclose(line.get_xdata(), [0, 100, 200])
    np.testing.assert_allclose(line.get_ydata(), [0.69, 0.5, 0.4])
    assert fig._repr_png_().startswith(b"\x89PNG")  # what Jupyter shows


def test_course_planar_plot_draws_the_decision_boundary(tmp_path, capsys):
    from tinygrad_edu import cli

    path = tmp_path / "planar.png"
    assert cli.main(["course", "planar", "--iterations", "3", "--plot", str(path)]) == 0
    out = capsys.readouterr().out
    boundary = tmp_path / "planar_boundary.png"
    assert f"Decision boundary written to {boundary}" in out
    assert boundary.read_bytes().startswith(b"\x89PNG") and path.exists()


def test_cat_models_plot_their_mislabelled_test_images(tmp_path, capsys):
    import os

    from tinygrad_edu import cli, data

    if not os.environ.get(data.DATA_ENV_VAR):
        pytest.skip(f"the cat data: set {data.DATA_ENV_VAR}")
    path = tmp_path / "lr.png"
    argv = ["course", "logistic-regression", "--iterations", "3", "--plot", str(path)]
    assert cli.main(argv) == 0
    mislabeled = tmp_path / "lr_mislabeled.png"
    assert f"Mislabelled test images written to {mislabeled}" in capsys.readouterr().out
    assert mislabeled.read_bytes().startswith(b"\x89PNG")


def test_the_planar_example_draws_both_decision_boundaries(tmp_path, capsys):
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parents[1] / "examples" / "06_planar_one_hidden_layer.py"
    spec = importlib.util.spec_from_file_location("example06", path)
    example = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(example)
    example.main(num_iterations=20, picture=tmp_path / "boundary.png")
    out = capsys.readouterr().out
    for name in ("boundary_logistic.png", "boundary_hidden.png"):
        assert f"decision boundary drawn to {tmp_path / name}" in out
        assert (tmp_path / name).read_bytes().startswith(b"\x89PNG")


def test_plot_costs_returns_the_file_it_writes_for_a_name_without_suffix(tmp_path):
    # matplotlib appends ".png" to a name without a suffix: the returned path is that file.
    out = viz.plot_costs([0.7, 0.5, 0.4], tmp_path / "costs")
    assert out == tmp_path / "costs.png" and out.stat().st_size > 1000
    assert [p.name for p in tmp_path.iterdir()] == ["costs.png"]


def test_plot_costs_to_a_name_ending_in_a_slash_is_refused(tmp_path):
    # Path() drops the "/": "figs/" was written as the file figs.png beside the folder meant.
    with pytest.raises(ValueError, match=r"figs/ ends in '/' as a folder does"):
        viz.plot_costs([0.7, 0.5, 0.4], f"{tmp_path / 'figs'}/")
    assert list(tmp_path.iterdir()) == []
