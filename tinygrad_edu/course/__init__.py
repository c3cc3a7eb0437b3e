"""The course's models, reproduced with autograd: ``tinygrad-edu course NAME``.

Layer: ``course``, above ``train`` and ``viz``. Each model is a short function that builds the
course's network from ``nn`` layers, initializes it in the course's order, trains it with
``train.fit`` (autograd computes every gradient; there is no hand-written backprop) in float64,
and returns the costs and accuracies the course prints:

=====================  ===================================  ==========  ===========================
NAME                   network                              iterations  the course reports
=====================  ===================================  ==========  ===========================
logistic-regression    12288 -> 1 sigmoid, w = b = 0        2000        train 99.04 %, test 70 %
planar                 2 -> 4 tanh -> 1 sigmoid             10000       90.75 % (printed "90%")
planar-sweep           hidden sizes 1, 2, 3, 4, 5, 20, 50   5000 each   67.5, 67.25, 90.75, ... %
two-layer              12288 -> 7 relu -> 1 sigmoid         2500        train 100 %, test 72 %
deep                   12288 -> 20 -> 7 -> 5 -> 1           2500        train 98.56 %, test 80 %
conv-step-by-step      course 4 week 1's fixtures           -           its printed values
cnn-digits             CONV-POOL-CONV-POOL-FC on digits     20 epochs   (SIGNS: not shipped)
rnn-step-by-step       RNN and LSTM cells, course layout    (none)      a_next[4] = [0.5958, ...]
dinosaurus             27 -> 50 tanh RNN -> 27 softmax      22001       loss 23.087336 at 0
=====================  ===================================  ==========  ===========================

Layers are batch-first (``X (m, 12288)``), but W has the course's shape ``(n_out, n_in)`` and is
drawn in the course's order: ``np.random.RandomState(seed).randn(...)`` layer after layer gives
the same numbers as the course's ``np.random.seed(seed)`` then ``np.random.randn(...)``, without
changing numpy's global random state. Costs are computed before each update and recorded every
100 iterations (1000 for the planar models) and at the last one, as the course prints them.

The cat models need the course's ``train_catvnoncat.h5`` and ``test_catvnoncat.h5``: pass
``data_dir`` (``--data DIR``) or set ``TINYGRAD_EDU_DATA``.
"""

from tinygrad_edu.course.cli import add_parser, run
from tinygrad_edu.course.common import CourseResult, SweepResult, ValuesResult, has_curve, percent
from tinygrad_edu.course.course1 import (
    SWEEP_SIZES,
    deep,
    deep_network,
    logistic_regression,
    planar,
    planar_network,
    planar_sweep,
    two_layer,
)
from tinygrad_edu.course.course5 import (
    DinosaurusResult,
    StepByStepResult,
    dinosaurus,
    rnn_step_by_step,
)
from tinygrad_edu.course.registry import MODELS

__all__ = [
    "MODELS",
    "SWEEP_SIZES",
    "CourseResult",
    "DinosaurusResult",
    "StepByStepResult",
    "SweepResult",
    "ValuesResult",
    "add_parser",
    "deep",
    "deep_network",
    "dinosaurus",
    "has_curve",
    "logistic_regression",
    "percent",
    "planar",
    "planar_network",
    "planar_sweep",
    "rnn_step_by_step",
    "run",
    "two_layer",
]
