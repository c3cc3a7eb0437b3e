"""08 - A deep network step by step, in the course's layout, with autograd doing backward.

The course's week 4 assignment builds an L-layer network from small functions:
``initialize_parameters_deep``, ``linear_forward`` (Z = W A_prev + b), ``linear_activation_forward``
(ReLU or sigmoid), ``L_model_forward``, ``compute_cost``, then the whole backward pass by hand.
Here the forward functions are the same few lines on tensors, and ``J.backward()`` replaces
``L_model_backward``; the course's hand-written backward is then run on the same values and
compared with autograd at every layer.

Run it:

    python examples/08_deep_network_step_by_step.py

What to look for: the shape of every W, b, Z and A (W^[l] is (n^[l], n^[l-1]), b^[l] is
(n^[l], 1)), and True at every layer: autograd's dW and db are the course's.
"""

import numpy as np

import tinygrad_edu as tg
from tinygrad_edu import losses

LAYERS_DIMS = (5, 4, 3, 1)  # n_x, hidden layers, output
M = 10  # examples


def initialize_parameters_deep(layers_dims, seed=3):
    """W^[l] = randn(n^[l], n^[l-1]) / sqrt(n^[l-1]); b^[l] = zeros((n^[l], 1))."""
    rng = np.random.RandomState(seed)
    parameters = {}
    for layer in range(1, len(layers_dims)):
        n, n_prev = layers_dims[layer], layers_dims[layer - 1]
        W = rng.randn(n, n_prev) / np.sqrt(n_prev)
        parameters[f"W{layer}"] = tg.Tensor(W, requires_grad=True, name=f"W{layer}")
        parameters[f"b{layer}"] = tg.zeros(n, 1, requires_grad=True, name=f"b{layer}")
    return parameters


def linear_activation_forward(A_prev, W, b, activation):
    Z = W @ A_prev + b  # (n^[l], m): b (n^[l], 1) is broadcast over the m columns
    A = Z.sigmoid() if activation == "sigmoid" else Z.relu()
    return Z, A


def L_model_forward(X, parameters):  # noqa: N802 (the course's name)
    """[LINEAR -> RELU] * (L-1) -> LINEAR -> SIGMOID; returns AL and each layer's (A_prev, Z)."""
    L = len(parameters) // 2
    A, caches = X, []
    for layer in range(1, L + 1):
        activation = "sigmoid" if layer == L else "relu"
        W, b = parameters[f"W{layer}"], parameters[f"b{layer}"]
        Z, A_next = linear_activation_forward(A, W, b, activation)
        caches.append((A, Z))
        print(
            f"layer {layer}: W {W.shape}, b {b.shape}, Z {Z.shape}, A {A_next.shape} ({activation})"
        )
        A = A_next
    return A, caches


def main(layers_dims=LAYERS_DIMS, m: int = M) -> bool:
    rng = np.random.default_rng(1)
    X = tg.Tensor(rng.standard_normal((layers_dims[0], m)), name="X")  # (n_x, m)
    Y = (rng.random((1, m)) > 0.5).astype(np.float64)  # (1, m)
    parameters = initialize_parameters_deep(layers_dims)
    AL, caches = L_model_forward(X, parameters)
    J = losses.binary_cross_entropy(AL, Y)  # compute_cost
    print(f"cost: {J.item():.6f}")
    J.backward()  # L_model_backward, by autograd

    # The course's L_model_backward by hand, from the same caches, to compare with autograd.
    L = len(caches)
    dZ = AL.data - Y  # sigmoid output with the cross-entropy cost
    all_equal = True
    for layer in range(L, 0, -1):
        A_prev, Z = caches[layer - 1]
        W = parameters[f"W{layer}"]
        dW = dZ @ A_prev.data.T / m  # linear_backward
        db = np.sum(dZ, axis=1, keepdims=True) / m
        same = np.allclose(W.grad, dW) and np.allclose(parameters[f"b{layer}"].grad, db)
        all_equal &= bool(same)
        print(
            f"layer {layer}: autograd's dW{layer}, db{layer} equal dZ A_prev^T / m, "
            f"sum(dZ) / m: {same}"
        )
        if layer > 1:
            dA_prev = W.data.T @ dZ  # dA^[l-1] = W^[l]T dZ^[l]
            dZ = dA_prev * (caches[layer - 2][1].data > 0)  # relu_backward: relu'(Z) = (Z > 0)
    return all_equal


if __name__ == "__main__":
    main()
