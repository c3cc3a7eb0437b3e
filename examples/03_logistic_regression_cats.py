"""03 - Logistic regression on cat vs non-cat, in the course's own layout, with autograd.

The course's week 2 assignment: each image is flattened to a column of 12288 pixels,
X (12288, m); w (12288, 1) and b start at zero; A = sigmoid(w.T @ X + b) is the probability of
"cat". The course derives dw = X (A - Y)^T / m and db = sum(A - Y) / m by hand; here
``J.backward()`` computes them, and the update is the course's w = w - learning_rate * dw.

Run it (needs the course's train_catvnoncat.h5 and test_catvnoncat.h5):

    TINYGRAD_EDU_DATA=path/to/datasets python examples/03_logistic_regression_cats.py

What to look for: the course's costs, 0.693147 at iteration 0, 0.584508 at 100, ...; about
99 % train and 70 % test accuracy; and the check that autograd's dw is the course's formula.
"""

import numpy as np

import tinygrad_edu as tg
from tinygrad_edu import data, losses

DATA_DIR = None  # None: the TINYGRAD_EDU_DATA environment variable
NUM_ITERATIONS = 2000
LEARNING_RATE = 0.005


def predict(w, b, X):
    """1 where A > 0.5, else 0: the course's predict()."""
    with tg.no_grad():
        A = (w.T @ X + b).sigmoid()  # (1, m)
    return (A.data > 0.5).astype(np.float64)


def main(
    num_iterations: int = NUM_ITERATIONS, learning_rate: float = LEARNING_RATE, data_dir=DATA_DIR
) -> dict[str, float] | None:
    try:
        train_x, train_y, test_x, test_y, _ = data.load_catvnoncat(data_dir)  # X (12288, m)
    except (FileNotFoundError, ImportError) as err:
        print(err)
        return None
    X = tg.Tensor(train_x, name="X")
    n_x, m = train_x.shape
    w = tg.zeros(n_x, 1, requires_grad=True, name="w")  # (12288, 1)
    b = tg.Tensor(0.0, requires_grad=True, name="b")

    for i in range(num_iterations):
        A = (w.T @ X + b).sigmoid()  # (1, m)
        J = losses.binary_cross_entropy(A, train_y)  # -1/m sum(Y log A + (1-Y) log(1-A))
        J.backward()  # fills w.grad (the course's dw) and b.grad (db)
        if i == 0:
            dw = train_x @ (A.data - train_y).T / m  # the course's formula
            print(f"autograd's dw equals X (A - Y)^T / m: {np.allclose(w.grad, dw, rtol=1e-12)}")
        if i % 100 == 0 or i == num_iterations - 1:
            print(f"Cost after iteration {i}: {J.item():f}")
        # the course's update; plain numpy on .data records no graph
        w.data = w.data - learning_rate * w.grad
        b.data = b.data - learning_rate * b.grad
        w.grad = b.grad = None

    train_acc = float(100 - np.mean(np.abs(predict(w, b, train_x) - train_y)) * 100)
    test_acc = float(100 - np.mean(np.abs(predict(w, b, test_x) - test_y)) * 100)
    print(f"train accuracy: {train_acc} %")
    print(f"test accuracy: {test_acc} %")
    return {"train_accuracy": train_acc, "test_accuracy": test_acc}


if __name__ == "__main__":
    main()
