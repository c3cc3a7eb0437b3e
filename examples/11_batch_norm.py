"""11 - What batch normalization changes: a deep network on the moons, with and without it.

Course 2, week 3. A 5-layer ReLU network ([2, 20, 20, 20, 20, 20, 1]) starts from small weights
(``randn * 0.01``) and trains with mini-batches of 64 and momentum. Without batch norm each layer
shrinks the signal about a hundredfold, so the gradients reaching the first layers vanish and the
cost sits at ln 2 = 0.693; with ``BatchNorm1d`` after every hidden Linear layer, every layer's Z is
rescaled to mean 0 and variance 1 whatever the weights' scale, and the network learns.

Run it (needs scikit-learn for the moons; the chart needs matplotlib):

    python examples/11_batch_norm.py [batch_norm.png]

What to look for: the cost without batch norm stays at 0.693147 and the accuracy at 50 %; with it
the cost falls within a few epochs and the accuracy passes 90 %. The summary shows the 40
parameters (gamma and beta) each BatchNorm1d adds. The running statistics batch norm keeps for
evaluation are used by ``train.predict``, which switches the model to evaluation mode.
"""

import sys

import numpy as np

from tinygrad_edu import data, losses, nn, optim, train
from tinygrad_edu.engine import no_grad

NUM_EPOCHS = 100
LEARNING_RATE = 0.1
DEPTH, WIDTH = 5, 20


def deep_network(batch_norm: bool) -> nn.Sequential:
    """[LINEAR -> (BATCHNORM) -> RELU] * DEPTH -> LINEAR, weights randn * 0.01 after seed 3."""
    rng = np.random.RandomState(3)
    layers, n_in = [], 2
    for _ in range(DEPTH):
        layers.append(nn.Linear(n_in, WIDTH, init="course_small", rng=rng))
        if batch_norm:
            layers.append(nn.BatchNorm1d(WIDTH))
        layers.append(nn.ReLU())
        n_in = WIDTH
    layers.append(nn.Linear(n_in, 1, init="course_small", rng=rng))  # logits
    return nn.Sequential(*layers)


def main(num_epochs: int = NUM_EPOCHS, picture=None) -> dict:
    X, Y = data.load_moons(layout="batch")  # X (300, 2), Y (300, 1)
    curves, accuracies = {}, {}
    for batch_norm in (False, True):
        model = deep_network(batch_norm)
        if batch_norm:
            print(model.summary(input_shape=(64, 2)))
        opt = optim.SGD(model.parameters(), lr=LEARNING_RATE, momentum=0.9)
        costs = {}
        for epoch in range(num_epochs):
            for Xb, Yb in data.minibatches(X, Y, 64, seed=np.random.RandomState(epoch), axis=0):
                opt.zero_grad()
                losses.binary_cross_entropy_with_logits(model(Xb), Yb).backward()
                opt.step()
            if epoch % 10 == 0 or epoch == num_epochs - 1:
                model.eval()  # the cost of the whole training set, with the running statistics
                with no_grad():
                    costs[epoch] = losses.binary_cross_entropy_with_logits(model(X), Y).item()
                model.train()
        label = "with batch norm" if batch_norm else "without batch norm"
        accuracies[label] = train.accuracy(train.predict(model, X, threshold=0.0), Y)
        curves[label] = costs
        shown = ", ".join(f"{epoch}: {cost:.6f}" for epoch, cost in list(costs.items())[:4])
        print(f"{label}: cost by epoch {shown}, ...; train accuracy {accuracies[label]:.4f}")
    if picture is not None:
        try:
            from tinygrad_edu.viz import plot_costs

            path = plot_costs(curves, picture, title="Batch norm", xlabel="epoch")
            print(f"cost curves drawn to {path}")
        except ImportError as err:  # matplotlib is an optional extra
            print(err)
    return accuracies


if __name__ == "__main__":
    main(picture=sys.argv[1] if len(sys.argv) > 1 else None)
