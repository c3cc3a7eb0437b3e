"""31 - Dinosaur Island: a character-level RNN invents dinosaur names (course 5, week 1).

The course's second sequence-model assignment: an RNN with 50 hidden units reads one dinosaur name
per iteration, a character at a time (``x<t>`` one-hot over 27 characters, ``'\\n'`` ends a name),
and learns to predict the next character, ``y_hat<t> = softmax(Wya a<t> + by)``. One SGD step per
name, gradients clipped to [-5, 5] against exploding gradients. Every 2000 iterations it samples
7 names, drawing each character from ``y_hat`` and feeding it back in.

The training step is ``tinygrad_edu.course.course5.optimize``: the forward pass in tensor ops,
``loss.backward()`` for backpropagation through time, the course's clip and update. After
training, the temperature shows how sampling trades surprise for plausibility.

Run it (``TINYGRAD_EDU_DATA`` must point at the folder holding ``dinos.txt``, a ``dinos/``
folder, or a folder beside one; the course's 22001 iterations take about 20 seconds):

    python examples/31_dinosaur_island.py

What to look for: the course's printout, ``Iteration: 0, Loss: 23.087336`` then ``Nkzxwtdmfqoe...``
(random letters); by iteration 2000 names end in "saurus" and "ops"; the smoothed loss falls to
about 22.8. At temperature 0.5 the names are safe and repetitive, at 1.5 wild.
"""

import sys

import numpy as np

from tinygrad_edu import nn, no_grad
from tinygrad_edu.course import course5
from tinygrad_edu.data import load_dinos

NUM_ITERATIONS = 22001  # the course's
TEMPERATURES = (0.5, 1.0, 1.5)


def sample_with_temperature(parameters, dinos, temperature, rng, max_len=50):
    """Generate one name from the trained RNN, drawing from softmax(z / temperature)."""
    Wax, Waa, Wya, b, by = (parameters[k] for k in course5.PARAMETER_NAMES)
    x, a = np.zeros((dinos.vocab_size, 1)), np.zeros((Waa.shape[0], 1))
    name = ""
    with no_grad():
        for _ in range(max_len):
            a = (Wax @ x + Waa @ a + b).tanh()  # (n_a, 1)
            z = Wya @ a + by  # (27, 1): scores of the next character
            ix = nn.functional.sample(z, temperature, axis=0, rng=rng)
            if dinos.ix_to_char[ix] == "\n":
                break
            name += dinos.ix_to_char[ix]
            x = np.zeros((dinos.vocab_size, 1))
            x[ix] = 1.0
    return name.capitalize()


def main(num_iterations=NUM_ITERATIONS, data_dir=None):
    """Train as the course does (printing its output); return the result and names per
    temperature."""
    result = course5.dinosaurus(data_dir, num_iterations=num_iterations, print_cost=True)
    dinos = load_dinos(data_dir)
    rng = np.random.default_rng(0)
    by_temperature = {}
    for temperature in TEMPERATURES:
        names = [sample_with_temperature(result.parameters, dinos, temperature, rng)
                 for _ in range(6)]  # fmt: skip
        by_temperature[temperature] = names
        print(f"temperature {temperature}: {', '.join(names)}")
    return result, by_temperature


if __name__ == "__main__":
    main(data_dir=sys.argv[1] if len(sys.argv) > 1 else None)
