"""10 - Choosing the learning rate: the course's comparison of 0.01, 0.001 and 0.0001.

The course trains its cat logistic regression three times, 1500 iterations each, and plots the
cost curves on one chart: a larger rate falls faster (and can oscillate), a smaller one crawls.

Run it (needs the course's cat files; the chart needs matplotlib):

    TINYGRAD_EDU_DATA=path/to/datasets python examples/10_learning_rates.py learning_rates.png

What to look for: after 1500 iterations the cost is lowest for 0.01 and highest for 0.0001;
the train accuracy rises with the rate while the test accuracy does not follow (overfitting).
"""

import sys

from tinygrad_edu import data, losses, nn, train

DATA_DIR = None  # None: the TINYGRAD_EDU_DATA environment variable
LEARNING_RATES = (0.01, 0.001, 0.0001)
NUM_ITERATIONS = 1500


def main(num_iterations: int = NUM_ITERATIONS, picture=None, data_dir=DATA_DIR) -> dict | None:
    try:
        cats = data.load_catvnoncat(data_dir, layout="batch")  # X (209, 12288), Y (209, 1)
    except (FileNotFoundError, ImportError) as err:
        print(err)
        return None
    curves, final = {}, {}
    for lr in LEARNING_RATES:
        model = nn.Sequential(nn.Linear(12288, 1, init="zeros"), nn.Sigmoid())
        history = train.fit(
            model,
            losses.binary_cross_entropy,
            cats.train_x,
            cats.train_y,
            lr=lr,
            num_iterations=num_iterations,
        )
        train_acc = train.accuracy(train.predict(model, cats.train_x), cats.train_y)
        test_acc = train.accuracy(train.predict(model, cats.test_x), cats.test_y)
        print(
            f"learning rate {lr}: final cost {history.final_cost:.6f}, train accuracy "
            f"{100 * train_acc:.2f} %, test accuracy {100 * test_acc:.2f} %"
        )
        curves[f"learning rate = {lr}"] = history.all_costs
        final[lr] = history.final_cost
    if picture is not None:
        try:
            from tinygrad_edu.viz import plot_costs

            print(f"cost curves drawn to {plot_costs(curves, picture, title='Learning rates')}")
        except ImportError as err:  # matplotlib is an optional extra
            print(err)
    return final


if __name__ == "__main__":
    main(picture=sys.argv[1] if len(sys.argv) > 1 else None)
