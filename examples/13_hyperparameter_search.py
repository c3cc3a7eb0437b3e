"""13 - Random hyperparameter search: Adam's learning rate and beta1 on the moons.

Course 2, week 3: sample the learning rate on a log scale (``LogUniform``) and beta1 as
``1 - 10**r`` (``OneMinusLogUniform``), try random points rather than a grid, and run the trials in
parallel. Each trial trains the Optimization assignment's [2, 5, 2, 1] network with Adam
(``course2.moons_trial``) in its own process; given a Dask scheduler's address, on that cluster.
Every finished trial is appended to a JSON Lines file, so a stopped search resumes where it was.

Run it (needs scikit-learn; the picture needs matplotlib; a cluster needs dask.distributed):

    python examples/13_hyperparameter_search.py [sweep.png]
    python examples/13_hyperparameter_search.py sweep.png tcp://scheduler-host:8786

What to look for: a table with the best trials first; in 300 epochs, learning rates near 0.0001
reach only about 70 %, those from 0.001 to 0.1 above 90 %, whatever beta1 is. Run it twice: the
second run finds every trial in the results file and trains nothing.
"""

import sys
import tempfile
from pathlib import Path

from tinygrad_edu.course.course2 import moons_trial
from tinygrad_edu.tune import LogUniform, OneMinusLogUniform, random_search

N_TRIALS = 12
NUM_EPOCHS = 300
SPACE = {
    "learning_rate": LogUniform(1e-4, 1e-1),
    "beta1": OneMinusLogUniform(0.8, 0.99),
    "num_epochs": NUM_EPOCHS,
}


def main(n_trials: int = N_TRIALS, num_epochs: int = NUM_EPOCHS, picture=None, scheduler=None,
         path=None, n_jobs=None):  # fmt: skip
    space = dict(SPACE, num_epochs=num_epochs)
    path = path or Path(tempfile.gettempdir()) / f"tinygrad_edu_sweep_{n_trials}_{num_epochs}.jsonl"
    print(f"results file: {path}")
    result = random_search(moons_trial, space, n_trials, seed=0, scheduler=scheduler, path=path,
                           n_jobs=n_jobs)  # fmt: skip
    print(result.table("accuracy"))
    best = result.best("accuracy")
    print(f"best: trial {best['trial']}, {best['params']}, accuracy {best['result']['accuracy']}")
    if picture is not None:
        try:
            print(f"drawn to {result.plot(picture, x='learning_rate', y='accuracy')}")
        except ImportError as err:  # matplotlib is an optional extra
            print(err)
    return result


if __name__ == "__main__":
    main(
        picture=sys.argv[1] if len(sys.argv) > 1 else None,
        scheduler=sys.argv[2] if len(sys.argv) > 2 else None,
    )
