"""07 - Initializing every weight to zero (or to any one value) never breaks symmetry.

If all hidden units start with the same weights, they compute the same output, receive the same
gradient and take the same step: they stay identical forever, and the layer is no better than a
single unit. All zeros is the worst case: with tanh, dW2 = dZ2 A1^T = 0 and dZ1 = W2^T dZ2 = 0,
so the weights never move at all and the cost stays at log(2) = 0.693147. Random initialization
(``randn * 0.01``) breaks the symmetry.

Run it:

    python examples/07_zero_initialization.py

What to look for: "identical rows: True" for the zero and constant starts (their hidden units
are copies of each other), False for the random start, and only the random start learning well.
"""

import numpy as np

from tinygrad_edu import data, losses, nn, train

N_H = 4
LEARNING_RATE = 1.2
NUM_ITERATIONS = 2000


def constant(n_out, n_in, rng=None, dtype=np.float64):
    """Every weight 0.5: not zero, but just as symmetric."""
    return np.full((n_out, n_in), 0.5, dtype=dtype)


def main(num_iterations: int = NUM_ITERATIONS) -> dict[str, bool]:
    X, Y = data.planar_flower(seed=1, layout="batch")  # X (400, 2), Y (400, 1)
    identical = {}
    for init in ("zeros", constant, "course_small"):
        rng = np.random.RandomState(2)
        model = nn.Sequential(
            nn.Linear(2, N_H, init=init, rng=rng),
            nn.Tanh(),
            nn.Linear(N_H, 1, init=init, rng=rng),
            nn.Sigmoid(),
        )
        history = train.fit(
            model,
            losses.binary_cross_entropy,
            X,
            Y,
            lr=LEARNING_RATE,
            num_iterations=num_iterations,
        )
        W1, b1 = model[0].W.data, model[0].b.data  # row j holds hidden unit j's weights
        hidden = np.column_stack([W1, b1])
        same = bool(np.all(hidden == hidden[0]))  # every unit equal to the first, exactly
        identical[model[0].init] = same
        accuracy = train.accuracy(train.predict(model, X), Y)
        print(
            f"init {model[0].init!r:>14}: identical rows: {same!s:5}  final cost "
            f"{history.final_cost:.6f}  accuracy {100 * accuracy:.2f} %"
        )
        print("    W1 =", np.array2string(W1, precision=4, suppress_small=True).replace("\n", ""))
    return identical


if __name__ == "__main__":
    main()
