"""Trial functions for tests/test_tune.py: importable by the processes and Dask workers that
run them (a test module's functions would drag pytest into every worker)."""

import os
import signal
import time


def quadratic(learning_rate, beta, sleep=0.0, raise_at=None, kill_at=None, exit_at=None):
    """A stand-in for a training run: a score that peaks at learning_rate = 0.01, beta = 0.99.

    ``raise_at`` / ``kill_at`` / ``exit_at``: the learning rate at which the trial raises, kills
    its own process with SIGKILL, or calls ``os._exit(3)``.
    """
    time.sleep(sleep)
    if learning_rate == raise_at:
        raise ValueError(f"cost is nan at learning_rate={learning_rate}")
    if learning_rate == kill_at:
        os.kill(os.getpid(), signal.SIGKILL)
    if learning_rate == exit_at:
        os._exit(3)
    import math

    score = -((math.log10(learning_rate) + 2) ** 2) - 100 * (beta - 0.99) ** 2
    return {"score": score, "pid": os.getpid()}


def moons_adam(learning_rate, beta1, epochs=20):
    """A real training: [2, 5, 2, 1] on the moons with Adam, mini-batches of 64."""
    import numpy as np

    from tinygrad_edu import data, losses, nn, optim, train

    X, Y = data.load_moons(layout="batch")
    rng = np.random.RandomState(3)
    model = nn.Sequential(nn.Linear(2, 5, init="he", rng=rng), nn.ReLU(),
                          nn.Linear(5, 2, init="he", rng=rng), nn.ReLU(),
                          nn.Linear(2, 1, init="he", rng=rng))  # fmt: skip
    opt = optim.Adam(model.parameters(), lr=learning_rate, betas=(beta1, 0.999))
    for epoch in range(epochs):
        for Xb, Yb in data.minibatches(X, Y, 64, seed=epoch, axis=0):
            opt.zero_grad()
            losses.binary_cross_entropy_with_logits(model(Xb), Yb).backward()
            opt.step()
    accuracy = train.accuracy(train.predict(model, X, threshold=0.0), Y)
    return {"accuracy": accuracy}
