"""Plain-numpy oracle of course 2's assignments, written from the course's own code (test helper).

No tinygrad_edu code: this is what the engine's course-2 runs are checked against. Course layout
throughout: ``X (n_x, m)``, ``Y (1, m)``, ``Z = W @ A_prev + b`` with ``b (n, 1)``; the helpers
follow the assignments' ``init_utils``, ``reg_utils``, ``gc_utils`` and ``opt_utils`` line by
line (same operation order, so the same rounding): the naive sigmoid ``1 / (1 + exp(-x))``, the
cost ``1/m * nansum(-log(a3) * Y - log(1 - a3) * (1 - Y))`` and the closed-form backward passes.

Data comes from scikit-learn and scipy exactly as the assignments load it (the tests pass it in);
initialization draws ``np.random.RandomState(3)``, the same numbers as the course's
``np.random.seed(3)`` then ``np.random.randn``, without touching the global generator.

Trainers return ``{"costs": {i: cost}, "params", "train_accuracy", "test_accuracy"}`` (accuracies
as fractions, as the course prints ``np.mean(p == y)``); the optimization trainers also return
``"learning_rates": {epoch: lr}`` when a decay is used.
"""

import math

import numpy as np


def sigmoid(x):
    """The course's ``1 / (1 + np.exp(-x))`` (overflow gives exactly 0 or 1, as the course's)."""
    with np.errstate(over="ignore"):
        return 1 / (1 + np.exp(-x))


def relu(x):
    """The course's ``np.maximum(0, x)``."""
    return np.maximum(0, x)


def logprobs(a3, Y):
    """``np.multiply(-np.log(a3), Y) + np.multiply(-np.log(1 - a3), 1 - Y)`` (course order)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.multiply(-np.log(a3), Y) + np.multiply(-np.log(1 - a3), 1 - Y)


def compute_loss(a3, Y):
    """``init_utils.compute_loss`` and ``reg_utils.compute_cost``: ``1./m * np.nansum(...)``.

    ``nansum`` is the course's 0 * log 0 = 0: a perfect prediction at exactly 0 or 1 makes
    ``0 * inf = nan``, which nansum drops; a wrong one at exactly 0 or 1 gives ``inf``.

    Example:
        >>> bool(compute_loss(np.array([[1.0, 0.5]]), np.array([[1, 1]])) == np.log(2) / 2)
        True
    """
    m = Y.shape[1]
    return 1.0 / m * np.nansum(logprobs(a3, Y))


def accuracy(a3, Y):
    """``np.mean(p[0, :] == y[0, :])`` with ``p = a3 > 0.5`` (the course's ``predict``)."""
    p = (a3 > 0.5).astype(int)
    return float(np.mean(p[0, :] == Y[0, :]))


def forward3(X, params):
    """LINEAR -> RELU -> LINEAR -> RELU -> LINEAR -> SIGMOID; returns ``(a3, cache)``."""
    W1, b1, W2, b2, W3, b3 = (params[k] for k in ("W1", "b1", "W2", "b2", "W3", "b3"))
    z1 = np.dot(W1, X) + b1
    a1 = relu(z1)
    z2 = np.dot(W2, a1) + b2
    a2 = relu(z2)
    z3 = np.dot(W3, a2) + b3
    a3 = sigmoid(z3)
    return a3, (z1, a1, W1, b1, z2, a2, W2, b2, z3, a3, W3, b3)


def backward3(X, Y, cache):
    """``init_utils.backward_propagation`` (also ``opt_utils``): ``dz3 = 1./m * (a3 - Y)``."""
    m = X.shape[1]
    (z1, a1, W1, b1, z2, a2, W2, b2, z3, a3, W3, b3) = cache
    dz3 = 1.0 / m * (a3 - Y)
    dW3 = np.dot(dz3, a2.T)
    db3 = np.sum(dz3, axis=1, keepdims=True)
    da2 = np.dot(W3.T, dz3)
    dz2 = np.multiply(da2, np.int64(a2 > 0))
    dW2 = np.dot(dz2, a1.T)
    db2 = np.sum(dz2, axis=1, keepdims=True)
    da1 = np.dot(W2.T, dz2)
    dz1 = np.multiply(da1, np.int64(a1 > 0))
    dW1 = np.dot(dz1, X.T)
    db1 = np.sum(dz1, axis=1, keepdims=True)
    return {"dW1": dW1, "db1": db1, "dW2": dW2, "db2": db2, "dW3": dW3, "db3": db3}


def update(params, grads, learning_rate):
    """``W = W - learning_rate * dW`` for every parameter."""
    return {k: v - learning_rate * grads["d" + k] for k, v in params.items()}


# --- Week 1: Initialization -------------------------------------------------------------------


def init_params(layers_dims, kind, seed=3):
    """``initialize_parameters_zeros`` / ``_random`` (``* 10``) / ``_he`` / reg's ``/ sqrt``."""
    rng = np.random.RandomState(seed)
    params = {}
    for l in range(1, len(layers_dims)):  # noqa: E741 (the course's name)
        n, n_prev = layers_dims[l], layers_dims[l - 1]
        if kind == "zeros":
            params[f"W{l}"] = np.zeros((n, n_prev))
        elif kind == "random":
            params[f"W{l}"] = rng.randn(n, n_prev) * 10
        elif kind == "he":
            params[f"W{l}"] = rng.randn(n, n_prev) * np.sqrt(2.0 / n_prev)
        elif kind == "he_opt":  # opt_utils: np.sqrt(2 / layer_dims[l-1])
            params[f"W{l}"] = rng.randn(n, n_prev) * np.sqrt(2 / n_prev)
        elif kind == "reg":  # reg_utils: randn / np.sqrt(layer_dims[l-1])
            params[f"W{l}"] = rng.randn(n, n_prev) / np.sqrt(n_prev)
        params[f"b{l}"] = np.zeros((n, 1))
    return params


def trained(costs, params, X, Y, X_test, Y_test):
    """What a week-1 ``model`` leaves: its recorded costs, parameters and both accuracies."""
    return {
        "costs": costs,
        "params": params,
        "train_accuracy": accuracy(forward3(X, params)[0], Y),
        "test_accuracy": accuracy(forward3(X_test, params)[0], Y_test),
    }


def initialization(X, Y, X_test, Y_test, kind, num_iterations=15000, learning_rate=0.01):
    """The Initialization assignment's ``model``: [2, 10, 5, 1], cost printed every 1000."""
    params = init_params([X.shape[0], 10, 5, 1], kind)
    costs = {}
    for i in range(num_iterations):
        a3, cache = forward3(X, params)
        cost = compute_loss(a3, Y)
        grads = backward3(X, Y, cache)
        params = update(params, grads, learning_rate)
        if i % 1000 == 0:
            costs[i] = cost
    return trained(costs, params, X, Y, X_test, Y_test)


# --- Week 1: Regularization -------------------------------------------------------------------


def forward_dropout(X, params, keep_prob):
    """``forward_propagation_with_dropout``: ``np.random.seed(1)`` first, masks D1 then D2."""
    rng = np.random.RandomState(1)
    W1, b1, W2, b2, W3, b3 = (params[k] for k in ("W1", "b1", "W2", "b2", "W3", "b3"))
    Z1 = np.dot(W1, X) + b1
    A1 = relu(Z1)
    D1 = rng.rand(A1.shape[0], A1.shape[1])
    D1 = D1 < keep_prob
    A1 = A1 * D1
    A1 = A1 / keep_prob
    Z2 = np.dot(W2, A1) + b2
    A2 = relu(Z2)
    D2 = rng.rand(A2.shape[0], A2.shape[1])
    D2 = D2 < keep_prob
    A2 = A2 * D2
    A2 = A2 / keep_prob
    Z3 = np.dot(W3, A2) + b3
    A3 = sigmoid(Z3)
    return A3, (Z1, D1, A1, W1, b1, Z2, D2, A2, W2, b2, Z3, A3, W3, b3)


def backward_reg(X, Y, cache, lambd):
    """``backward_propagation`` (lambd 0) / ``_with_regularization`` of reg_utils."""
    m = X.shape[1]
    (Z1, A1, W1, b1, Z2, A2, W2, b2, Z3, A3, W3, b3) = cache
    dZ3 = A3 - Y
    dW3 = 1.0 / m * np.dot(dZ3, A2.T) + lambd / m * W3
    db3 = 1.0 / m * np.sum(dZ3, axis=1, keepdims=True)
    dA2 = np.dot(W3.T, dZ3)
    dZ2 = np.multiply(dA2, np.int64(A2 > 0))
    dW2 = 1.0 / m * np.dot(dZ2, A1.T) + lambd / m * W2
    db2 = 1.0 / m * np.sum(dZ2, axis=1, keepdims=True)
    dA1 = np.dot(W2.T, dZ2)
    dZ1 = np.multiply(dA1, np.int64(A1 > 0))
    dW1 = 1.0 / m * np.dot(dZ1, X.T) + lambd / m * W1
    db1 = 1.0 / m * np.sum(dZ1, axis=1, keepdims=True)
    return {"dW1": dW1, "db1": db1, "dW2": dW2, "db2": db2, "dW3": dW3, "db3": db3}


def backward_dropout(X, Y, cache, keep_prob):
    """``backward_propagation_with_dropout``: the same masks, the same 1 / keep_prob."""
    m = X.shape[1]
    (Z1, D1, A1, W1, b1, Z2, D2, A2, W2, b2, Z3, A3, W3, b3) = cache
    dZ3 = A3 - Y
    dW3 = 1.0 / m * np.dot(dZ3, A2.T)
    db3 = 1.0 / m * np.sum(dZ3, axis=1, keepdims=True)
    dA2 = np.dot(W3.T, dZ3)
    dA2 = dA2 * D2
    dA2 = dA2 / keep_prob
    dZ2 = np.multiply(dA2, np.int64(A2 > 0))
    dW2 = 1.0 / m * np.dot(dZ2, A1.T)
    db2 = 1.0 / m * np.sum(dZ2, axis=1, keepdims=True)
    dA1 = np.dot(W2.T, dZ2)
    dA1 = dA1 * D1
    dA1 = dA1 / keep_prob
    dZ1 = np.multiply(dA1, np.int64(A1 > 0))
    dW1 = 1.0 / m * np.dot(dZ1, X.T)
    db1 = 1.0 / m * np.sum(dZ1, axis=1, keepdims=True)
    return {"dW1": dW1, "db1": db1, "dW2": dW2, "db2": db2, "dW3": dW3, "db3": db3}


def regularization(
    X, Y, X_test, Y_test, lambd=0.0, keep_prob=1.0, num_iterations=30000, learning_rate=0.3
):
    """The Regularization assignment's ``model``: [2, 20, 3, 1], cost printed every 10000."""
    params = init_params([X.shape[0], 20, 3, 1], "reg")
    costs = {}
    for i in range(num_iterations):
        if keep_prob == 1:
            a3, cache = forward3(X, params)
        else:
            a3, cache = forward_dropout(X, params, keep_prob)
        cost = compute_loss(a3, Y)
        if lambd:
            m = Y.shape[1]
            W1, W2, W3 = params["W1"], params["W2"], params["W3"]
            l2 = (1.0 / m * lambd / 2) * (
                np.sum(np.square(W1)) + np.sum(np.square(W2)) + np.sum(np.square(W3))
            )
            cost = cost + l2
        if keep_prob == 1:
            grads = backward_reg(X, Y, cache, lambd)
        else:
            grads = backward_dropout(X, Y, cache, keep_prob)
        params = update(params, grads, learning_rate)
        if i % 10000 == 0:
            costs[i] = cost
    return trained(costs, params, X, Y, X_test, Y_test)


# --- Week 1: Gradient checking ----------------------------------------------------------------


def difference(grad, gradapprox):
    """``||grad - gradapprox|| / (||grad|| + ||gradapprox||)``."""
    numerator = np.linalg.norm(grad - gradapprox)
    denominator = np.linalg.norm(grad) + np.linalg.norm(gradapprox)
    return numerator / denominator


def gradient_check_1d(x, theta, epsilon=1e-7):
    """The 1-D check of ``J = theta * x``."""
    J_plus = (theta + epsilon) * x
    J_minus = (theta - epsilon) * x
    gradapprox = (J_plus - J_minus) / (2 * epsilon)
    grad = x
    return difference(grad, gradapprox)


def gradient_check_case():
    """``gradient_check_n_test_case``: seed 1; x, then W1, b1, W2, b2, W3, b3."""
    np_rng = np.random.RandomState(1)
    x = np_rng.randn(4, 3)
    y = np.array([1, 1, 0])
    W1 = np_rng.randn(5, 4)
    b1 = np_rng.randn(5, 1)
    W2 = np_rng.randn(3, 5)
    b2 = np_rng.randn(3, 1)
    W3 = np_rng.randn(1, 3)
    b3 = np_rng.randn(1, 1)
    return x, y, {"W1": W1, "b1": b1, "W2": W2, "b2": b2, "W3": W3, "b3": b3}


def forward_n(X, Y, params):
    """``forward_propagation_n``: the cost with ``np.sum`` (not nansum)."""
    m = X.shape[1]
    a3, cache = forward3(X, params)
    cost = 1.0 / m * np.sum(logprobs(a3, Y))
    return cost, cache


def backward_n(X, Y, cache, bugs=True):
    """``backward_propagation_n`` with the course's two planted bugs (``bugs=False``: fixed)."""
    m = X.shape[1]
    (Z1, A1, W1, b1, Z2, A2, W2, b2, Z3, A3, W3, b3) = cache
    dZ3 = A3 - Y
    dW3 = 1.0 / m * np.dot(dZ3, A2.T)
    db3 = 1.0 / m * np.sum(dZ3, axis=1, keepdims=True)
    dA2 = np.dot(W3.T, dZ3)
    dZ2 = np.multiply(dA2, np.int64(A2 > 0))
    dW2 = 1.0 / m * np.dot(dZ2, A1.T) * (2 if bugs else 1)
    db2 = 1.0 / m * np.sum(dZ2, axis=1, keepdims=True)
    dA1 = np.dot(W2.T, dZ2)
    dZ1 = np.multiply(dA1, np.int64(A1 > 0))
    dW1 = 1.0 / m * np.dot(dZ1, X.T)
    db1 = (4.0 if bugs else 1.0) / m * np.sum(dZ1, axis=1, keepdims=True)
    return {"dW1": dW1, "db1": db1, "dW2": dW2, "db2": db2, "dW3": dW3, "db3": db3}


KEYS = ("W1", "b1", "W2", "b2", "W3", "b3")


def to_vector(d, prefix=""):
    """``dictionary_to_vector`` / ``gradients_to_vector``: reshape(-1, 1) and concatenate."""
    return np.concatenate([np.reshape(d[prefix + k], (-1, 1)) for k in KEYS], axis=0)


def to_dict(theta, params):
    """``vector_to_dictionary`` for parameters shaped like ``params``."""
    out, start = {}, 0
    for k in KEYS:
        size = params[k].size
        out[k] = theta[start : start + size].reshape(params[k].shape)
        start += size
    return out


def gradient_check_n(params, grads, X, Y, epsilon=1e-7):
    """``gradient_check_n``: central differences over the 47 parameters, one at a time."""
    values = to_vector(params)
    grad = to_vector(grads, "d")
    n = values.shape[0]
    gradapprox = np.zeros((n, 1))
    for i in range(n):
        theta_plus = np.copy(values)
        theta_plus[i] = theta_plus[i] + epsilon
        J_plus, _ = forward_n(X, Y, to_dict(theta_plus, params))
        theta_minus = np.copy(values)
        theta_minus[i] = theta_minus[i] - epsilon
        J_minus, _ = forward_n(X, Y, to_dict(theta_minus, params))
        gradapprox[i] = (J_plus - J_minus) / (2 * epsilon)
    return difference(grad, gradapprox)


# --- Week 2: Optimization ---------------------------------------------------------------------


def random_mini_batches(X, Y, mini_batch_size=64, seed=0):
    """The course's ``random_mini_batches``: seeded permutation, consecutive slices."""
    rng = np.random.RandomState(seed)
    m = X.shape[1]
    permutation = list(rng.permutation(m))
    shuffled_X = X[:, permutation]
    shuffled_Y = Y[:, permutation].reshape((1, m))
    batches = []
    num_complete = math.floor(m / mini_batch_size)
    for k in range(num_complete):
        batches.append(
            (
                shuffled_X[:, k * mini_batch_size : (k + 1) * mini_batch_size],
                shuffled_Y[:, k * mini_batch_size : (k + 1) * mini_batch_size],
            )
        )
    if m % mini_batch_size != 0:
        batches.append(
            (
                shuffled_X[:, num_complete * mini_batch_size : m],
                shuffled_Y[:, num_complete * mini_batch_size : m],
            )
        )
    return batches


def update_lr(learning_rate0, epoch_num, decay_rate):
    """The course's inverse-time decay."""
    return (1 / (1 + decay_rate * epoch_num)) * learning_rate0


def schedule_lr_decay(learning_rate0, epoch_num, decay_rate, time_interval=1000):
    """The course's scheduled decay: the epoch count is floored to multiples of time_interval."""
    return (1 / (1 + decay_rate * np.floor(epoch_num / time_interval))) * learning_rate0


def optimization(
    X,
    Y,
    optimizer,
    learning_rate=0.0007,
    mini_batch_size=64,
    beta=0.9,
    beta1=0.9,
    beta2=0.999,
    epsilon=1e-8,
    num_epochs=5000,
    decay=None,
    decay_rate=1,
):
    """The Optimization assignment's ``model``: [2, 5, 2, 1], He init after seed 3, seed 10."""
    params = init_params([X.shape[0], 5, 2, 1], "he_opt")
    t = 0
    seed = 10
    m = X.shape[1]
    learning_rate0 = learning_rate
    v = {"d" + k: np.zeros_like(p) for k, p in params.items()}
    s = {"d" + k: np.zeros_like(p) for k, p in params.items()}
    costs, learning_rates = {}, {}
    for i in range(num_epochs):
        seed = seed + 1
        cost_total = 0
        for minibatch_X, minibatch_Y in random_mini_batches(X, Y, mini_batch_size, seed):
            a3, caches = forward3(minibatch_X, params)
            cost_total += np.sum(logprobs(a3, minibatch_Y))
            grads = backward3(minibatch_X, minibatch_Y, caches)
            if optimizer == "gd":
                params = update(params, grads, learning_rate)
            elif optimizer == "momentum":
                for k in params:
                    v["d" + k] = beta * v["d" + k] + (1 - beta) * grads["d" + k]
                    params[k] = params[k] - learning_rate * v["d" + k]
            elif optimizer == "adam":
                t = t + 1
                for k in params:
                    g = grads["d" + k]
                    v["d" + k] = beta1 * v["d" + k] + (1 - beta1) * g
                    v_corrected = v["d" + k] / (1 - np.power(beta1, t))
                    s["d" + k] = beta2 * s["d" + k] + (1 - beta2) * np.power(g, 2)
                    s_corrected = s["d" + k] / (1 - np.power(beta2, t))
                    params[k] = params[k] - learning_rate * v_corrected / (
                        np.sqrt(s_corrected) + epsilon
                    )
        cost_avg = cost_total / m
        if decay:
            learning_rate = decay(learning_rate0, i, decay_rate)
        if i % 1000 == 0:
            costs[i] = cost_avg
            if decay:
                learning_rates[i] = learning_rate
    return {
        "costs": costs,
        "learning_rates": learning_rates,
        "params": params,
        "train_accuracy": accuracy(forward3(X, params)[0], Y),
        "test_accuracy": None,
    }
