"""Plain-numpy oracle of course 1's models, written from the course's own formulas (test helper).

No tinygrad_edu code: this is what the engine's results are checked against. Course layout
throughout: ``X (n_x, m)``, ``Y (1, m)``, ``Z = W @ A_prev + b`` with ``b (n, 1)``.

Each model has:
- ``*_grads(params, X, Y) -> (cost, grads)``: forward, cost and the course's closed-form backward
  on given parameters (grads keyed ``"d" + name``), the gradient oracle for autograd tests;
- ``*_predict(params, X)``: 0/1 predictions ``(1, m)``, ``A > 0.5`` as in the course;
- a trainer (``logistic_regression``, ``planar``, ``two_layer``, ``l_layer``) returning
  ``{"costs": {iteration: cost}, "params", "train_accuracy", "test_accuracy"}``, accuracies in %,
  ``test_accuracy`` None without test data. Costs are recorded every ``print_every``
  iterations and at the last one, computed before that iteration's update, as the course prints.

Initialisation draws ``np.random.RandomState(seed).randn`` in the course's order: the same numbers
as the course's ``np.random.seed(seed)`` then ``np.random.randn``, without touching the global
generator. The sigmoid is the course's naive ``1 / (1 + exp(-z))`` on purpose (course parity).
"""

import numpy as np


def sigmoid(Z):
    """The course's sigmoid, ``1 / (1 + exp(-Z))`` (overflows to 0 for Z < -709, as the course's).

    Example:
        >>> sigmoid(np.array([0.0]))
        array([0.5])
    """
    return 1 / (1 + np.exp(-Z))


def bce_cost(A, Y):
    """Cross-entropy cost ``-1/m sum(Y log A + (1-Y) log(1-A))`` of predictions ``A (1, m)``.

    Example:
        >>> round(bce_cost(np.array([[0.5, 0.5]]), np.array([[0, 1]])), 6)
        0.693147
    """
    m = Y.shape[1]
    logprobs = Y * np.log(A) + (1 - Y) * np.log(1 - A)  # (1, m)
    return float(-np.sum(logprobs) / m)


def accuracy(predictions, Y):
    """Percentage of predictions equal to the labels.

    Example:
        >>> accuracy(np.array([[1, 0, 1, 1]]), np.array([[1, 0, 0, 1]]))
        75.0
    """
    return float(np.mean(predictions == Y) * 100)


def _gradient_descent(params, grads_fn, X, Y, num_iterations, learning_rate, print_every):
    """Batch gradient descent; returns (params, costs) with costs recorded before each update."""
    costs = {}
    for i in range(num_iterations):
        cost, grads = grads_fn(params, X, Y)
        if i % print_every == 0 or i == num_iterations - 1:
            costs[i] = cost
        params = {name: value - learning_rate * grads["d" + name] for name, value in params.items()}
    return params, costs


def _result(params, costs, predict, X, Y, X_test, Y_test):
    test = None if X_test is None else accuracy(predict(params, X_test), Y_test)
    return {
        "costs": costs,
        "params": params,
        "train_accuracy": accuracy(predict(params, X), Y),
        "test_accuracy": test,
    }


# --- Week 2: logistic regression --------------------------------------------------------------


def logistic_grads(params, X, Y):
    """Cost and ``dw = X (A - Y)^T / m``, ``db = sum(A - Y) / m`` for ``params = {"w", "b"}``.

    Example:
        >>> cost, grads = logistic_grads({"w": np.zeros((2, 1)), "b": 0.0}, np.ones((2, 3)),
        ...                              np.array([[1, 0, 1]]))
        >>> round(cost, 6), grads["dw"].shape, round(float(grads["db"]), 6)
        (0.693147, (2, 1), -0.166667)
    """
    w, b = params["w"], params["b"]  # w (n_x, 1), b scalar
    m = X.shape[1]
    A = sigmoid(w.T @ X + b)  # (1, m)
    dw = X @ (A - Y).T / m  # (n_x, 1)
    db = np.sum(A - Y) / m  # scalar
    return bce_cost(A, Y), {"dw": dw, "db": db}


def logistic_predict(params, X):
    """0/1 predictions ``(1, m)`` of logistic regression."""
    A = sigmoid(params["w"].T @ X + params["b"])  # (1, m)
    return (A > 0.5).astype(np.float64)


def logistic_regression(
    X_train, Y_train, X_test, Y_test, num_iterations=2000, learning_rate=0.005, print_every=100
):
    """The course's ``model()`` of week 2: w and b start at zero."""
    params = {"w": np.zeros((X_train.shape[0], 1)), "b": 0.0}
    params, costs = _gradient_descent(
        params, logistic_grads, X_train, Y_train, num_iterations, learning_rate, print_every
    )
    return _result(params, costs, logistic_predict, X_train, Y_train, X_test, Y_test)


# --- Week 3: one hidden tanh layer on the planar data -----------------------------------------


def planar_init(n_x, n_h, n_y, seed=2):
    """The course's ``initialize_parameters``: W1, then W2, ``randn * 0.01``; biases zero."""
    rng = np.random.RandomState(seed)  # = np.random.seed(seed); np.random.randn(...)
    return {
        "W1": rng.randn(n_h, n_x) * 0.01,
        "b1": np.zeros((n_h, 1)),
        "W2": rng.randn(n_y, n_h) * 0.01,
        "b2": np.zeros((n_y, 1)),
    }


def planar_forward(params, X):
    """LINEAR -> TANH -> LINEAR -> SIGMOID; returns ``(A2, A1)``."""
    A1 = np.tanh(params["W1"] @ X + params["b1"])  # (n_h, m)
    A2 = sigmoid(params["W2"] @ A1 + params["b2"])  # (1, m)
    return A2, A1


def planar_grads(params, X, Y):
    """Cost and the course's backward: ``dZ2 = A2 - Y``, ``dZ1 = W2^T dZ2 * (1 - A1^2)``."""
    m = X.shape[1]
    A2, A1 = planar_forward(params, X)
    dZ2 = A2 - Y  # (1, m)
    dZ1 = (params["W2"].T @ dZ2) * (1 - A1**2)  # (n_h, m)
    grads = {
        "dW2": dZ2 @ A1.T / m,  # (1, n_h)
        "db2": np.sum(dZ2, axis=1, keepdims=True) / m,  # (1, 1)
        "dW1": dZ1 @ X.T / m,  # (n_h, n_x)
        "db1": np.sum(dZ1, axis=1, keepdims=True) / m,  # (n_h, 1)
    }
    return bce_cost(A2, Y), grads


def planar_predict(params, X):
    """0/1 predictions ``(1, m)`` of the planar model."""
    return (planar_forward(params, X)[0] > 0.5).astype(np.float64)


def planar(X, Y, n_h=4, num_iterations=10000, learning_rate=1.2, print_every=1000, seed=2):
    """The course's ``nn_model`` of week 3 (data: ``planar_flower(seed=1)``)."""
    params = planar_init(X.shape[0], n_h, Y.shape[0], seed=seed)
    params, costs = _gradient_descent(
        params, planar_grads, X, Y, num_iterations, learning_rate, print_every
    )
    return _result(params, costs, planar_predict, X, Y, None, None)


# --- Week 4: [LINEAR -> RELU] * (L-1) -> LINEAR -> SIGMOID ------------------------------------


def two_layer_init(layers_dims, seed=1):
    """Week 4's ``initialize_parameters(n_x, n_h, n_y)``: ``randn * 0.01``, biases zero."""
    n_x, n_h, n_y = layers_dims
    rng = np.random.RandomState(seed)  # = np.random.seed(seed); np.random.randn(...)
    return {
        "W1": rng.randn(n_h, n_x) * 0.01,
        "b1": np.zeros((n_h, 1)),
        "W2": rng.randn(n_y, n_h) * 0.01,
        "b2": np.zeros((n_y, 1)),
    }


def deep_init(layers_dims, seed=1):
    """The week 4 application's ``initialize_parameters_deep``: ``randn / sqrt(n_prev)``."""
    rng = np.random.RandomState(seed)  # = np.random.seed(seed); np.random.randn(...)
    params = {}
    for layer in range(1, len(layers_dims)):
        n, n_prev = layers_dims[layer], layers_dims[layer - 1]
        params[f"W{layer}"] = rng.randn(n, n_prev) / np.sqrt(n_prev)  # (n_l, n_{l-1})
        params[f"b{layer}"] = np.zeros((n, 1))
    return params


def deep_forward(params, X):
    """``L_model_forward``: returns ``(AL, caches)``; ``caches[l - 1] = (A_prev, Z)`` of layer l."""
    L = len(params) // 2
    A, caches = X, []
    for layer in range(1, L + 1):
        Z = params[f"W{layer}"] @ A + params[f"b{layer}"]  # (n_l, m)
        caches.append((A, Z))
        A = sigmoid(Z) if layer == L else np.maximum(0, Z)
    return A, caches  # AL (1, m)


def deep_grads(params, X, Y):
    """Cost and ``L_model_backward`` as the course writes it, from ``dAL``; relu'(0) = 0.

    Serves the two-layer model too (its forward and backward are the L = 2 case).
    """
    m = X.shape[1]
    AL, caches = deep_forward(params, X)
    L = len(caches)
    grads = {}
    dA = -(Y / AL - (1 - Y) / (1 - AL))  # dAL (1, m), the course's form (not AL - Y directly)
    for layer in range(L, 0, -1):
        A_prev, Z = caches[layer - 1]
        if layer == L:
            s = sigmoid(Z)
            dZ = dA * s * (1 - s)  # sigmoid_backward
        else:
            dZ = dA * (Z > 0)  # relu_backward: the course's dZ[Z <= 0] = 0
        grads[f"dW{layer}"] = dZ @ A_prev.T / m  # (n_l, n_{l-1})
        grads[f"db{layer}"] = np.sum(dZ, axis=1, keepdims=True) / m  # (n_l, 1)
        if layer > 1:  # dA0 (the input's gradient) is never used: skip the largest matmul
            dA = params[f"W{layer}"].T @ dZ  # (n_{layer-1}, m)
    return bce_cost(AL, Y), grads


def deep_predict(params, X):
    """0/1 predictions ``(1, m)`` of the two-layer or L-layer model."""
    return (deep_forward(params, X)[0] > 0.5).astype(np.float64)


def two_layer(
    X,
    Y,
    layers_dims=(12288, 7, 1),
    num_iterations=2500,
    learning_rate=0.0075,
    print_every=100,
    *,
    X_test=None,
    Y_test=None,
):
    """The course's ``two_layer_model``: LINEAR -> RELU -> LINEAR -> SIGMOID."""
    params = two_layer_init(layers_dims, seed=1)
    params, costs = _gradient_descent(
        params, deep_grads, X, Y, num_iterations, learning_rate, print_every
    )
    return _result(params, costs, deep_predict, X, Y, X_test, Y_test)


def l_layer(
    X,
    Y,
    layers_dims=(12288, 20, 7, 5, 1),
    num_iterations=2500,
    learning_rate=0.0075,
    print_every=100,
    *,
    X_test=None,
    Y_test=None,
):
    """The course's ``L_layer_model``: [LINEAR -> RELU] * (L-1) -> LINEAR -> SIGMOID."""
    params = deep_init(layers_dims, seed=1)
    params, costs = _gradient_descent(
        params, deep_grads, X, Y, num_iterations, learning_rate, print_every
    )
    return _result(params, costs, deep_predict, X, Y, X_test, Y_test)
