"""21 - A convolutional network on real images: handwritten digits, trained with Adam.

The course trains CONV -> RELU -> MAXPOOL -> CONV -> RELU -> MAXPOOL -> FLATTEN -> FULLY
CONNECTED on its SIGNS photographs; those are not ours to ship, so this trains the same
architecture on scikit-learn's 1,797 handwritten digits (8 x 8 pixels, ten classes), with Adam
and mini-batches of 64, and then looks inside: the 16 filters the first layer learned, what they
see in one test digit, the cost per epoch, and the computation graph with one box per layer.

Run it (needs scikit-learn and matplotlib: pip install "tinygrad_edu[digits,plot,viz]"):

    python examples/21_cnn_digits.py

What to look for: the cost falling from about 1.5 to below 0.01 in 20 epochs, a test accuracy
above 97 % after a few seconds, filters that look like small edge and blob detectors
(filters.png), feature maps in which each channel lights up on different strokes of the digit
(feature_maps.png), and a graph (cnn_graph.dot, .svg with graphviz) of a few boxes instead of
dozens of ops.
"""

from pathlib import Path

import numpy as np

from tinygrad_edu import losses
from tinygrad_edu.course.course4 import cnn_digits

NUM_EPOCHS = 20
LEARNING_RATE = 0.005
OUT_DIR = Path("cnn_digits_pictures")


def main(num_epochs=NUM_EPOCHS, out_dir=OUT_DIR, pictures=True):
    result = cnn_digits(num_epochs=num_epochs, learning_rate=LEARNING_RATE, print_cost=True)
    print(f"train accuracy {100 * result.train_accuracy:.2f} %, "
          f"test accuracy {100 * result.test_accuracy:.2f} % "
          f"({result.steps} steps of 64 images, {result.seconds:.1f} s)")  # fmt: skip
    model = result.network
    print(model)
    if not pictures:
        return result

    from tinygrad_edu import viz  # matplotlib and graphviz are optional: import when drawing

    out_dir = Path(out_dir)
    digit = result.test_images[:1]  # (1, 1, 8, 8)
    A1, _ = model.features(digit)  # (1, 16, 8, 8): the first layer's ReLU activations
    written = [
        viz.plot_filters(model.conv1.W, out_dir / "filters.png", title="conv1: 16 filters 3x3"),
        viz.plot_feature_maps(
            A1.data[0],
            out_dir / "feature_maps.png",
            image=digit[0],
            title="conv1 + ReLU on one test digit",
        ),  # fmt: skip
        viz.plot_costs(
            result.costs, out_dir / "costs.png", xlabel="epoch", title="cross-entropy per epoch"
        ),  # fmt: skip
    ]
    X, y = result.test_images[:8], np.zeros(8, dtype=np.int64)
    J = losses.cross_entropy(model(X), y)
    J.backward()
    dot = viz.to_dot(J, collapse=model)  # a box per layer and per pooling, one for the cost
    (out_dir / "cnn_graph.dot").write_text(dot.source)
    written.append(out_dir / "cnn_graph.dot")
    model.zero_grad()
    for path in written:
        print(f"wrote {path}")
    return result


if __name__ == "__main__":
    main()
