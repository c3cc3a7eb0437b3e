"""12 - Softmax regression on handwritten digits: ten classes, cross-entropy from logits.

Course 2, week 3. scikit-learn's bundled digits (1,797 images of 8 x 8 pixels, labels 0 to 9;
``data.load_digits``, with the seeded split that course 4's CNN uses) train a network with one
hidden layer of 32 ReLU units and a 10-unit output; the loss is ``losses.cross_entropy`` on the
logits with the integer labels (its gradient is the course's dZ = A - Y), the loop is
``train.fit`` with Adam, and a prediction is the class with the largest softmax probability.

Run it (needs scikit-learn):

    python examples/12_softmax_digits.py

What to look for: the cost falls from about ln 10 = 2.3 to near 0, the training set is learned
almost completely and the 359 held-out images are about 97 % right; the digits it gets wrong are
drawn in text, with the probabilities the softmax gave them.
"""

import numpy as np

from tinygrad_edu import data, losses, nn, optim, train
from tinygrad_edu.engine import no_grad

NUM_ITERATIONS = 300
LEARNING_RATE = 0.01


def draw(image: np.ndarray) -> str:
    """An 8 x 8 digit as text, darker pixels as denser characters."""
    shades = " .:-=+*#%@"
    return "\n".join(
        "".join(shades[int(v * (len(shades) - 1))] * 2 for v in row) for row in image.reshape(8, 8)
    )


def main(num_iterations: int = NUM_ITERATIONS, show_errors: int = 2) -> dict:
    # (1438, 64) and (359, 64) in [0, 1], labels 0..9: the split course 4's CNN uses
    X_train, y_train, X_test, y_test = data.load_digits(flatten=True)
    np.random.seed(1)
    model = nn.Sequential(nn.Linear(64, 32, init="he"), nn.ReLU(), nn.Linear(32, 10, init="he"))
    train.fit(
        model,
        losses.cross_entropy,
        X_train,
        y_train,
        optimizer=optim.Adam(model.parameters(), lr=LEARNING_RATE),
        num_iterations=num_iterations,
        print_every=100,
        print_cost=True,
        progress=False,
    )
    with no_grad():
        probabilities = nn.Softmax()(model(X_test)).data  # (359, 10)
    predicted = probabilities.argmax(axis=1)
    accuracies = {
        "train": train.accuracy(model(X_train).data.argmax(axis=1), y_train),
        "test": train.accuracy(predicted, y_test),
    }
    print(f"train accuracy {accuracies['train']:.4f}, test accuracy {accuracies['test']:.4f}")
    for i in np.flatnonzero(predicted != y_test)[:show_errors]:
        first, second = np.argsort(probabilities[i])[::-1][:2]
        p1, p2 = probabilities[i, first], probabilities[i, second]
        print(f"\ntest image {i}: label {y_test[i]}, predicted {first} (p = {p1:.2f}; then "
              f"{second}, p = {p2:.2f})")  # fmt: skip
        print(draw(X_test[i]))
    return accuracies


if __name__ == "__main__":
    main()
