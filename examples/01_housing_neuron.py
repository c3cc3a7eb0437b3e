"""01 - The housing-price neuron: one ReLU unit, price = max(0, w * size + b).

The course's first picture of a neural network: a single neuron takes the size of a house and
outputs its price, with a ReLU because a price cannot be negative. Here the neuron is learned
from a small table by gradient descent, every gradient computed by autograd.

Run it:

    python examples/01_housing_neuron.py

What to look for: the cost falls, w becomes the price per 1000 square feet, and the neuron
predicts 0 (not a negative price) for a house too small to be worth anything on this scale.
"""

import numpy as np

from tinygrad_edu import losses, nn, train

SIZES = [0.6, 0.8, 1.0, 1.2, 1.5, 1.8, 2.0, 2.4, 3.0]  # thousands of square feet
PRICES = [0.8, 1.3, 1.7, 2.1, 2.8, 3.3, 3.8, 4.5, 5.8]  # hundreds of thousands of dollars
LEARNING_RATE = 0.05
NUM_ITERATIONS = 1000


def main(num_iterations: int = NUM_ITERATIONS, learning_rate: float = LEARNING_RATE) -> nn.Module:
    X = np.array(SIZES).reshape(-1, 1)  # (m, 1): one example per row
    Y = np.array(PRICES).reshape(-1, 1)  # (m, 1)
    neuron = nn.Sequential(nn.Linear(1, 1, init="zeros"), nn.ReLU())
    # Start with Z = b = 1 > 0: at Z = 0 a ReLU passes no gradient (relu'(0) = 0), so an all-zero
    # neuron would never learn anything.
    neuron[0].b.data = np.array([1.0])
    history = train.fit(
        neuron,
        losses.mse,
        X,
        Y,
        lr=learning_rate,
        num_iterations=num_iterations,
        print_every=max(1, num_iterations // 5),
        print_cost=True,
    )
    w, b = neuron[0].W.item(), neuron[0].b.item()
    print(f"\nprice = max(0, {w:.3f} * size {b:+.3f})   (final cost {history.final_cost:.4f})")
    for size in (2.2, 0.1):
        price = neuron(np.array([[size]])).item()
        print(f"a house of {size * 1000:.0f} sq ft: predicted ${price * 100_000:,.0f}")
    return neuron


if __name__ == "__main__":
    main()
