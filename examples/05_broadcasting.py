"""05 - Broadcasting: the course's calories table, in percent, without a loop.

Calories from carbs, proteins and fats in 100 g of four foods. The course sums each column with
``A.sum(axis=0)`` (a (1, 4) row) and divides the (3, 4) table by it: numpy stretches the row over
the three rows. Autograd follows the same rule backwards: the gradient that reaches the (1, 4) row
is summed over the axis it was stretched along (the course's db = sum(dZ, axis=1)).

Run it:

    python examples/05_broadcasting.py

What to look for: the percentage table (apples: 94.9 % carbs), and the rank-1 trap the course
warns about: a (5,) array is not a (5, 1) column.
"""

import numpy as np

import tinygrad_edu as tg

FOODS = ["Apples", "Beef", "Eggs", "Potatoes"]
NUTRIENTS = ["Carb", "Protein", "Fat"]
CALORIES = [
    [56.0, 0.0, 4.4, 68.0],
    [1.2, 104.0, 52.0, 8.0],
    [1.8, 135.0, 99.0, 0.9],
]


def main() -> np.ndarray:
    A = tg.Tensor(CALORIES, requires_grad=True, name="A")  # (3, 4)
    cal = A.sum(axis=0, keepdims=True)  # (1, 4): calories per food
    percentage = 100 * A / cal  # (3, 4) / (1, 4): the row is broadcast down the rows
    print("          " + "".join(f"{food:>10}" for food in FOODS))
    for name, row in zip(NUTRIENTS, percentage.data, strict=True):
        print(f"{name:<10}" + "".join(f"{p:>10.1f}" for p in row))

    # Backward through the broadcast: each column's percentages sum to 100 whatever A is, so the
    # total has zero gradient, and the gradient into cal was summed over the 3 rows on the way.
    percentage.sum().backward()
    print(f"\nd(sum of percentages)/dA is zero: {np.allclose(A.grad, 0)}")

    a = np.random.default_rng(0).standard_normal(5)
    print(f"\nrank-1 trap: a.shape = {a.shape}, a.T.shape = {a.T.shape} (no column!)")
    column = a.reshape(5, 1)
    print(f"a column is (5, 1): column @ column.T has shape {(column @ column.T).shape}")
    return percentage.data


if __name__ == "__main__":
    main()
