"""09 - The cat recognizer: the course's two-layer and four-layer networks, built from layers.

The course's week 4 application: 12288 pixels -> 7 ReLU units -> 1 sigmoid (two-layer), and
12288 -> 20 -> 7 -> 5 -> 1 (four-layer), 2500 iterations at learning rate 0.0075. Layers are
batch-first (one image per row, X (209, 12288)); W keeps the course's shape (n_out, n_in), and the
initial weights are the course's, drawn after seed 1 in layer order.

Run it (needs the course's train_catvnoncat.h5 and test_catvnoncat.h5):

    TINYGRAD_EDU_DATA=path/to/datasets python examples/09_cat_recognizer.py

What to look for: the course's costs (two-layer: 0.693050 at 0 ... 0.048555 at 2400; four-layer:
0.771749 at 0 ... 0.092878 at 2400) and test accuracies of 72 % and 80 %: the deeper network
generalizes better.
"""

import numpy as np

from tinygrad_edu import data, losses, nn, train

DATA_DIR = None  # None: the TINYGRAD_EDU_DATA environment variable
NUM_ITERATIONS = 2500
LEARNING_RATE = 0.0075


def two_layer_model(rng):
    return nn.Sequential(
        nn.Linear(12288, 7, init="course_small", rng=rng),
        nn.ReLU(),
        nn.Linear(7, 1, init="course_small", rng=rng),
        nn.Sigmoid(),
    )


def four_layer_model(rng):
    return nn.Sequential(
        nn.Linear(12288, 20, init="course_deep", rng=rng),
        nn.ReLU(),
        nn.Linear(20, 7, init="course_deep", rng=rng),
        nn.ReLU(),
        nn.Linear(7, 5, init="course_deep", rng=rng),
        nn.ReLU(),
        nn.Linear(5, 1, init="course_deep", rng=rng),
        nn.Sigmoid(),
    )


def main(num_iterations: int = NUM_ITERATIONS, data_dir=DATA_DIR) -> dict | None:
    try:
        cats = data.load_catvnoncat(data_dir, layout="batch")  # X (209, 12288), Y (209, 1)
    except (FileNotFoundError, ImportError) as err:
        print(err)
        return None
    results = {}
    for name, build in (("two-layer", two_layer_model), ("four-layer", four_layer_model)):
        print(f"\n{name} network")
        model = build(np.random.RandomState(1))  # the course's np.random.seed(1)
        print(model)
        train.fit(
            model,
            losses.binary_cross_entropy,
            cats.train_x,
            cats.train_y,
            lr=LEARNING_RATE,
            num_iterations=num_iterations,
            print_cost=True,
        )
        train_acc = train.accuracy(train.predict(model, cats.train_x), cats.train_y)
        test_acc = train.accuracy(train.predict(model, cats.test_x), cats.test_y)
        print(f"train accuracy {100 * train_acc:.2f} %, test accuracy {100 * test_acc:.2f} %")
        results[name] = (train_acc, test_acc)
    return results


if __name__ == "__main__":
    main()
