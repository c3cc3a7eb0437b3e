"""The course's own numpy code runs on tensors and autograd gives the course's gradients (issue 13,
section 1).

The forward functions below are the course's (week 2 ``propagate``, week 3
``forward_propagation``, week 4 ``sigmoid``, ``relu``, ``linear_forward``,
``linear_activation_forward``, ``L_model_forward``, ``compute_cost``), copied as the course writes
them with ``np.dot``, ``np.maximum``, ``np.exp``, ``np.sum``, ``np.log``, ``np.multiply`` and
``np.squeeze``. Run on numpy arrays they are the course's numpy; run on tensors (numpy's dispatch
protocols hand each call to tinygrad_edu) they record a graph.

The oracle is the course's hand-written backward (``linear_backward``, ``relu_backward``,
``sigmoid_backward``, ``L_model_backward``, week 2 and week 3's gradients), also copied here in
numpy and run on the numpy forward's caches: never the engine.

Training: the course's 4-layer cat model trained with this numpy code on tensors (autograd in place
of ``L_model_backward``) gives the same costs as the engine's own methods (``course1.deep``) and as
the course's printout. The full 2500-iteration run is marked slow; a short run is not.
"""

from __future__ import annotations

import course_reference as oracle
import numpy as np
import pytest
import test_course_reference as reference

import tinygrad_edu as tg
from tinygrad_edu.course import course1

# The cat data, as the reference tests load it (tests/conftest.py pins BLAS to one thread).
cat = reference.cat
DEEP_COSTS = reference.DEEP_COSTS

# =================================================================================================
# The course's forward code (week 4, "Building your deep neural network: step by step"), verbatim
# apart from the comments
# =================================================================================================


def sigmoid(Z):
    A = 1 / (1 + np.exp(-Z))
    cache = Z
    return A, cache


def relu(Z):
    A = np.maximum(0, Z)
    cache = Z
    return A, cache


def linear_forward(A, W, b):
    Z = np.dot(W, A) + b
    cache = (A, W, b)
    return Z, cache


def linear_activation_forward(A_prev, W, b, activation):
    if activation == "sigmoid":
        Z, linear_cache = linear_forward(A_prev, W, b)
        A, activation_cache = sigmoid(Z)
    elif activation == "relu":
        Z, linear_cache = linear_forward(A_prev, W, b)
        A, activation_cache = relu(Z)
    cache = (linear_cache, activation_cache)
    return A, cache


def L_model_forward(X, parameters):
    caches = []
    A = X
    L = len(parameters) // 2
    for l in range(1, L):  # noqa: E741 (the course's name)
        A_prev = A
        A, cache = linear_activation_forward(
            A_prev, parameters["W" + str(l)], parameters["b" + str(l)], activation="relu"
        )
        caches.append(cache)
    AL, cache = linear_activation_forward(
        A, parameters["W" + str(L)], parameters["b" + str(L)], activation="sigmoid"
    )
    caches.append(cache)
    return AL, caches


def compute_cost(AL, Y):
    m = Y.shape[1]
    cost = (-1 / m) * np.sum(np.multiply(Y, np.log(AL)) + np.multiply(1 - Y, np.log(1 - AL)))
    cost = np.squeeze(cost)
    return cost


# =================================================================================================
# The course's hand-written backward: the oracle (run on numpy arrays only)
# =================================================================================================


def linear_backward(dZ, cache):
    A_prev, W, b = cache
    m = A_prev.shape[1]
    dW = 1.0 / m * np.dot(dZ, A_prev.T)
    db = 1.0 / m * np.sum(dZ, axis=1, keepdims=True)
    dA_prev = np.dot(W.T, dZ)
    return dA_prev, dW, db


def relu_backward(dA, cache):
    Z = cache
    dZ = np.array(dA, copy=True)
    dZ[Z <= 0] = 0
    return dZ


def sigmoid_backward(dA, cache):
    Z = cache
    s = 1 / (1 + np.exp(-Z))
    dZ = dA * s * (1 - s)
    return dZ


def linear_activation_backward(dA, cache, activation):
    linear_cache, activation_cache = cache
    if activation == "relu":
        dZ = relu_backward(dA, activation_cache)
    elif activation == "sigmoid":
        dZ = sigmoid_backward(dA, activation_cache)
    return linear_backward(dZ, linear_cache)


def L_model_backward(AL, Y, caches):
    grads = {}
    L = len(caches)
    Y = Y.reshape(AL.shape)
    dAL = -(np.divide(Y, AL) - np.divide(1 - Y, 1 - AL))
    current_cache = caches[L - 1]
    dA_prev, dW, db = linear_activation_backward(dAL, current_cache, "sigmoid")
    grads["dA" + str(L - 1)], grads["dW" + str(L)], grads["db" + str(L)] = dA_prev, dW, db
    for l in reversed(range(L - 1)):  # noqa: E741
        current_cache = caches[l]
        dA_prev, dW, db = linear_activation_backward(
            grads["dA" + str(l + 1)], current_cache, "relu"
        )
        grads["dA" + str(l)], grads["dW" + str(l + 1)], grads["db" + str(l + 1)] = dA_prev, dW, db
    return grads


def initialize_parameters_deep(layer_dims, seed=1):
    """The week 4 application's initialisation: ``randn / sqrt(n_prev)`` after ``seed``."""
    np.random.seed(seed)
    parameters = {}
    for l in range(1, len(layer_dims)):  # noqa: E741
        parameters["W" + str(l)] = np.random.randn(layer_dims[l], layer_dims[l - 1]) / np.sqrt(
            layer_dims[l - 1]
        )
        parameters["b" + str(l)] = np.zeros((layer_dims[l], 1))
    return parameters


def as_tensors(parameters):
    return {k: tg.Tensor(v.copy(), requires_grad=True, name=k) for k, v in parameters.items()}


def small_problem(dims=(5, 4, 3, 1), m=8, seed=0):
    rng = np.random.RandomState(seed)
    X = rng.randn(dims[0], m)
    Y = (rng.rand(1, m) > 0.5).astype(np.float64)
    return X, Y, initialize_parameters_deep(dims, seed=seed)


RTOL = 1e-12  # the same formulas; only the order of floating-point operations differs


# =================================================================================================
# The building blocks, one at a time
# =================================================================================================


def test_the_course_functions_return_tensors_with_a_graph_on_tensors():
    X, Y, parameters = small_problem()
    P = as_tensors(parameters)
    AL, caches = L_model_forward(tg.Tensor(X), P)
    cost = compute_cost(AL, Y)
    assert isinstance(AL, tg.Tensor) and isinstance(cost, tg.Tensor)
    assert AL.requires_grad and cost.shape == ()
    AL_np, _ = L_model_forward(X, parameters)  # and the same code on numpy arrays
    np.testing.assert_allclose(AL.data, AL_np, rtol=1e-15)
    assert float(cost) == pytest.approx(float(compute_cost(AL_np, Y)), rel=1e-15)


def test_sigmoid_gradient_equals_sigmoid_backward():
    rng = np.random.RandomState(1)
    Z, dA = rng.randn(3, 4), rng.randn(3, 4)
    Zt = tg.Tensor(Z, requires_grad=True)
    A, _ = sigmoid(Zt)
    (A * dA).sum().backward()
    np.testing.assert_allclose(Zt.grad, sigmoid_backward(dA, Z), rtol=RTOL)


def test_relu_gradient_equals_relu_backward_including_exact_zeros():
    """The course's relu_backward sets dZ = 0 where Z <= 0: np.maximum(0, Z) on a tensor is relu,
    whose derivative at exactly 0 is 0 (not the tie rule's 1/2)."""
    Z = np.array([[-1.0, 0.0, 2.0], [0.0, 3.0, -0.5]])
    dA = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    Zt = tg.Tensor(Z, requires_grad=True)
    A, _ = relu(Zt)
    (A * dA).sum().backward()
    np.testing.assert_array_equal(Zt.grad, relu_backward(dA, Z))


def test_linear_forward_gradients_equal_linear_backward():
    rng = np.random.RandomState(2)
    A, W, b, dZ = rng.randn(4, 6), rng.randn(3, 4), rng.randn(3, 1), rng.randn(3, 6)
    At, Wt, bt = (tg.Tensor(v, requires_grad=True) for v in (A, W, b))
    Z, _ = linear_forward(At, Wt, bt)
    m = A.shape[1]
    (Z * dZ).sum().backward()
    dA_prev, dW, db = linear_backward(dZ, (A, W, b))
    # linear_backward's dW and db carry the cost's 1/m; the raw products' gradients do not.
    np.testing.assert_allclose(Wt.grad / m, dW, rtol=RTOL)
    np.testing.assert_allclose(bt.grad / m, db, rtol=RTOL)
    np.testing.assert_allclose(At.grad, dA_prev, rtol=RTOL)


@pytest.mark.parametrize("activation", ["relu", "sigmoid"])
def test_linear_activation_forward_gradients_equal_linear_activation_backward(activation):
    rng = np.random.RandomState(3)
    A, W, b, dA = rng.randn(4, 6), rng.randn(3, 4), rng.randn(3, 1), rng.randn(3, 6)
    At, Wt, bt = (tg.Tensor(v, requires_grad=True) for v in (A, W, b))
    out, _ = linear_activation_forward(At, Wt, bt, activation)
    (out * dA).sum().backward()
    _, cache = linear_activation_forward(A, W, b, activation)
    dA_prev, dW, db = linear_activation_backward(dA, cache, activation)
    m = A.shape[1]
    np.testing.assert_allclose(Wt.grad / m, dW, rtol=RTOL)
    np.testing.assert_allclose(bt.grad / m, db, rtol=RTOL)
    np.testing.assert_allclose(At.grad, dA_prev, rtol=RTOL)


def test_compute_cost_gradient_is_the_courses_dAL_over_m():
    """The course's dAL = -(Y/AL - (1-Y)/(1-AL)) is the gradient of m * cost."""
    AL = np.array([[0.8, 0.9, 0.4, 0.3]])
    Y = np.array([[1.0, 1.0, 0.0, 0.0]])
    ALt = tg.Tensor(AL, requires_grad=True)
    compute_cost(ALt, Y).backward()
    dAL = -(np.divide(Y, AL) - np.divide(1 - Y, 1 - AL))
    np.testing.assert_allclose(ALt.grad * Y.shape[1], dAL, rtol=RTOL)


# =================================================================================================
# The whole L-layer model, and weeks 2 and 3
# =================================================================================================


@pytest.mark.parametrize("dims", [(5, 4, 3, 1), (5, 1), (6, 8, 8, 8, 1)])
def test_L_model_autograd_equals_L_model_backward(dims):
    X, Y, parameters = small_problem(dims, m=10, seed=len(dims))
    P = as_tensors(parameters)
    AL, _ = L_model_forward(X, P)  # X stays a numpy array, as in the course
    cost = compute_cost(AL, Y)
    cost.backward()
    AL_np, caches = L_model_forward(X, parameters)
    grads = L_model_backward(AL_np, Y, caches)
    for l in range(1, len(dims)):  # noqa: E741
        # L_model_backward starts from dAL, the gradient of m * cost; linear_backward divides by
        # m again: its dW is the gradient of the cost itself
        np.testing.assert_allclose(P[f"W{l}"].grad, grads[f"dW{l}"], rtol=1e-11, err_msg=f"dW{l}")
        np.testing.assert_allclose(P[f"b{l}"].grad, grads[f"db{l}"], rtol=1e-11, atol=1e-17,
                                   err_msg=f"db{l}")  # fmt: skip


def test_L_model_on_the_cat_data_equals_L_model_backward(cat):
    """The course's 12288-20-7-5-1 model at its initial parameters, on the 209 training images."""
    parameters = initialize_parameters_deep((12288, 20, 7, 5, 1), seed=1)
    P = as_tensors(parameters)
    AL, _ = L_model_forward(cat.train_x, P)
    compute_cost(AL, cat.train_y).backward()
    AL_np, caches = L_model_forward(cat.train_x, parameters)
    grads = L_model_backward(AL_np, cat.train_y, caches)
    for name, p in P.items():
        np.testing.assert_allclose(p.grad, grads["d" + name], rtol=1e-9, atol=1e-15, err_msg=name)


def test_week2_propagate_on_tensors_equals_the_courses_dw_db():
    """Week 2's propagate: A = sigmoid(np.dot(w.T, X) + b), dw = X (A - Y)^T / m, db = sum/m."""
    rng = np.random.RandomState(4)
    X, Y = rng.randn(3, 7), (rng.rand(1, 7) > 0.5).astype(np.float64)
    w, b = rng.randn(3, 1) * 0.1, 0.2
    wt, bt = tg.Tensor(w, requires_grad=True), tg.Tensor(b, requires_grad=True)
    m = X.shape[1]
    A = 1 / (1 + np.exp(-(np.dot(wt.T, X) + bt)))  # the course's sigmoid inlined
    cost = (-1 / m) * np.sum(Y * np.log(A) + (1 - Y) * (np.log(1 - A)))
    cost.backward()
    A_np = 1 / (1 + np.exp(-(np.dot(w.T, X) + b)))
    dw = 1 / m * np.dot(X, (A_np - Y).T)
    db = 1 / m * np.sum(A_np - Y)
    np.testing.assert_allclose(wt.grad, dw, rtol=RTOL)
    np.testing.assert_allclose(bt.grad, db, rtol=RTOL)


def test_week3_forward_propagation_on_tensors_equals_backward_propagation():
    """Week 3: tanh hidden layer; the course's dZ1 = W2^T dZ2 * (1 - np.power(A1, 2))."""
    rng = np.random.RandomState(5)
    X, Y = rng.randn(2, 9), (rng.rand(1, 9) > 0.5).astype(np.float64)
    params = {"W1": rng.randn(4, 2) * 0.01, "b1": np.zeros((4, 1)),
              "W2": rng.randn(1, 4) * 0.01, "b2": np.zeros((1, 1))}  # fmt: skip
    P = as_tensors(params)
    m = X.shape[1]

    def forward_propagation(X, parameters):
        W1, b1, W2, b2 = (parameters[k] for k in ("W1", "b1", "W2", "b2"))
        Z1 = np.dot(W1, X) + b1
        A1 = np.tanh(Z1)
        Z2 = np.dot(W2, A1) + b2
        A2 = 1 / (1 + np.exp(-Z2))
        return A2, (Z1, A1, Z2, A2)

    A2, _ = forward_propagation(X, P)
    logprobs = np.multiply(np.log(A2), Y) + np.multiply((1 - Y), np.log(1 - A2))
    cost = -np.sum(logprobs) / m
    assert isinstance(float(np.squeeze(cost)), float)  # the course prints float(...)
    cost.backward()
    A2_np, (Z1, A1, Z2, _) = forward_propagation(X, params)
    dZ2 = A2_np - Y
    dW2 = 1 / m * np.dot(dZ2, A1.T)
    db2 = 1 / m * np.sum(dZ2, axis=1, keepdims=True)
    dZ1 = np.dot(params["W2"].T, dZ2) * (1 - np.power(A1, 2))
    dW1 = 1 / m * np.dot(dZ1, X.T)
    db1 = 1 / m * np.sum(dZ1, axis=1, keepdims=True)
    for name, expected in {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}.items():
        np.testing.assert_allclose(P[name].grad, expected, rtol=1e-10, atol=1e-18, err_msg=name)


def test_a_numpy_function_the_course_does_not_need_raises_with_the_method_to_use():
    W = tg.Tensor(np.ones((2, 2)), requires_grad=True)
    with pytest.raises(TypeError, match="numpy.median: .* drop the graph"):
        np.median(W) if np.median not in _supported() else pytest.skip("supported now")


def _supported():
    from tinygrad_edu.tensor import numpy_api

    return {**numpy_api.FUNCTIONS, **numpy_api.UFUNCS}


# =================================================================================================
# Training the course's 4-layer cat model with this code
# =================================================================================================


def train_course_style(X, Y, layers_dims, learning_rate=0.0075, num_iterations=2500):
    """The course's L_layer_model with the numpy code above on tensors: autograd replaces
    L_model_backward, and the update is the course's formula applied in place under no_grad()
    (``W = W - learning_rate * dW`` on a tensor would record a new tensor instead)."""
    parameters = as_tensors(initialize_parameters_deep(layers_dims, seed=1))
    costs = []
    for _ in range(num_iterations):
        AL, caches = L_model_forward(X, parameters)
        cost = compute_cost(AL, Y)
        for p in parameters.values():
            p.grad = None
        cost.backward()
        with tg.no_grad():
            for p in parameters.values():
                p -= learning_rate * p.grad
        costs.append(float(cost))
    return costs, parameters


def _engine_run(num_iterations):
    result = course1.deep(num_iterations=num_iterations, print_cost=False)
    return result.all_costs, result.network


def test_course_style_training_on_tensors_equals_the_engines_methods_short(cat):
    costs, parameters = train_course_style(cat.train_x, cat.train_y, (12288, 20, 7, 5, 1),
                                           num_iterations=8)  # fmt: skip
    engine_costs, network = _engine_run(8)
    np.testing.assert_allclose(costs, engine_costs, rtol=1e-12)
    assert costs[0] == pytest.approx(DEEP_COSTS[0], abs=6e-7)  # the course's first printed cost
    np.testing.assert_allclose(parameters["W1"].data, network[0].W.data, rtol=1e-9, atol=1e-16)
    # and the independent numpy oracle (the course's hand-written backward), not only the engine
    expected = oracle.l_layer(cat.train_x, cat.train_y, num_iterations=8, print_every=1)
    np.testing.assert_allclose(costs, list(expected["costs"].values()), rtol=1e-12)
    np.testing.assert_allclose(
        parameters["W1"].data, expected["params"]["W1"], rtol=1e-9, atol=1e-16
    )


@pytest.mark.slow
def test_course_style_training_on_tensors_equals_the_engines_methods_full(cat):
    """2500 iterations: the same costs as the engine's methods and the course's printout."""
    costs, _ = train_course_style(cat.train_x, cat.train_y, (12288, 20, 7, 5, 1))
    engine_costs, _ = _engine_run(2500)
    np.testing.assert_allclose(costs, engine_costs, rtol=1e-9)
    for i, expected in DEEP_COSTS.items():
        assert costs[i] == pytest.approx(expected, abs=6e-7), f"cost after iteration {i}"
