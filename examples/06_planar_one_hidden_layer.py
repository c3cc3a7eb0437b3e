"""06 - One hidden layer on the planar "flower": where logistic regression fails.

The course's week 3: 400 points in two interleaved classes that no straight line separates.
Logistic regression gets about 47 %; a network with one hidden layer of 4 tanh units gets about
90 %. Weights start at ``randn * 0.01`` after ``np.random.seed(2)`` (W1 then W2), as in the course.

Run it:

    python examples/06_planar_one_hidden_layer.py
    python examples/06_planar_one_hidden_layer.py boundary.png   # and the decision boundaries

What to look for: the course's costs (0.693048 at iteration 0, 0.288083 at 1000, ...), about
47 % for logistic regression against about 90 % for the hidden layer; in the pictures (they need
matplotlib), a straight boundary against one that follows the petals.
"""

import sys
from pathlib import Path

import numpy as np

from tinygrad_edu import data, losses, nn, train

N_H = 4  # hidden units
LEARNING_RATE = 1.2
NUM_ITERATIONS = 10000


def main(
    num_iterations: int = NUM_ITERATIONS,
    n_h: int = N_H,
    learning_rate: float = LEARNING_RATE,
    picture: str | Path | None = None,
) -> dict[str, float]:
    X, Y = data.planar_flower(seed=1, layout="batch")  # X (400, 2), Y (400, 1)

    logistic = nn.Sequential(nn.Linear(2, 1, init="zeros"), nn.Sigmoid())
    train.fit(
        logistic, losses.binary_cross_entropy, X, Y, lr=learning_rate, num_iterations=num_iterations
    )
    logistic_acc = train.accuracy(train.predict(logistic, X), Y)
    print(f"logistic regression: {100 * logistic_acc:.2f} % (a straight line cannot do better)")

    rng = np.random.RandomState(2)  # the same numbers as the course's np.random.seed(2)
    model = nn.Sequential(
        nn.Linear(2, n_h, init="course_small", rng=rng),
        nn.Tanh(),  # W1 (n_h, 2), drawn first
        nn.Linear(n_h, 1, init="course_small", rng=rng),
        nn.Sigmoid(),  # W2 (1, n_h)
    )
    train.fit(
        model,
        losses.binary_cross_entropy,
        X,
        Y,
        lr=learning_rate,
        num_iterations=num_iterations,
        print_every=1000,
        print_cost=True,
    )
    hidden_acc = train.accuracy(train.predict(model, X), Y)
    print(f"one hidden layer of {n_h} tanh units: {100 * hidden_acc:.2f} %")
    if picture is not None:
        from tinygrad_edu import viz  # matplotlib is optional: only for the pictures

        picture = Path(picture)
        for name, network, accuracy in [("logistic", logistic, logistic_acc),
                                        ("hidden", model, hidden_acc)]:  # fmt: skip
            path = picture.with_name(f"{picture.stem}_{name}{picture.suffix or '.png'}")
            title = f"{name}: {100 * accuracy:.2f} %"
            drawn = viz.plot_decision_boundary(network, X, Y, path, title=title)
            print(f"decision boundary drawn to {drawn}")
    return {"logistic": logistic_acc, "hidden": hidden_acc}


if __name__ == "__main__":
    main(picture=sys.argv[1] if len(sys.argv) > 1 else None)
