"""Plain-numpy oracle of course 4 week 1 ("Convolutional Model: step by step"), test helper.

The assignment's own functions with its loops over examples, positions and channels, written
from its instructions; no tinygrad_edu code. Channels-last: ``A_prev (m, n_H_prev, n_W_prev,
n_C_prev)``, ``W (f, f, n_C_prev, n_C)``, ``b (1, 1, 1, n_C)``. ``step_by_step_values`` runs the
assignment's fixtures (seed 1 before each, draws in the assignment's order) and returns the
values under the keys of ``tinygrad-edu course conv-step-by-step --json``.
"""

import numpy as np


def zero_pad(X, pad):
    """Example:
    >>> zero_pad(np.ones((1, 1, 1, 1)), 1).shape
    (1, 3, 3, 1)
    """
    return np.pad(X, ((0, 0), (pad, pad), (pad, pad), (0, 0)), mode="constant", constant_values=0)


def conv_single_step(a_slice_prev, W, b):
    s = a_slice_prev * W
    Z = np.sum(s)
    return Z + float(b.item())


def conv_forward(A_prev, W, b, hparameters):
    m, n_H_prev, n_W_prev, _ = A_prev.shape
    f, f, _, n_C = W.shape
    stride, pad = hparameters["stride"], hparameters["pad"]
    n_H = int((n_H_prev - f + 2 * pad) / stride) + 1
    n_W = int((n_W_prev - f + 2 * pad) / stride) + 1
    Z = np.zeros((m, n_H, n_W, n_C))
    A_prev_pad = zero_pad(A_prev, pad)
    for i in range(m):
        a_prev_pad = A_prev_pad[i]
        for h in range(n_H):
            vert_start = h * stride
            vert_end = vert_start + f
            for w in range(n_W):
                horiz_start = w * stride
                horiz_end = horiz_start + f
                for c in range(n_C):
                    a_slice_prev = a_prev_pad[vert_start:vert_end, horiz_start:horiz_end, :]
                    Z[i, h, w, c] = conv_single_step(a_slice_prev, W[:, :, :, c], b[:, :, :, c])
    return Z, (A_prev, W, b, hparameters)


def conv_backward(dZ, cache):
    A_prev, W, b, hparameters = cache
    m, n_H_prev, n_W_prev, n_C_prev = A_prev.shape
    f, f, n_C_prev, n_C = W.shape
    stride, pad = hparameters["stride"], hparameters["pad"]
    m, n_H, n_W, n_C = dZ.shape
    dA_prev = np.zeros(A_prev.shape)
    dW = np.zeros(W.shape)
    db = np.zeros((1, 1, 1, n_C))
    A_prev_pad = zero_pad(A_prev, pad)
    dA_prev_pad = zero_pad(dA_prev, pad)
    for i in range(m):
        a_prev_pad = A_prev_pad[i]
        da_prev_pad = dA_prev_pad[i]
        for h in range(n_H):
            for w in range(n_W):
                for c in range(n_C):
                    vert_start, horiz_start = stride * h, stride * w
                    vert_end, horiz_end = vert_start + f, horiz_start + f
                    a_slice = a_prev_pad[vert_start:vert_end, horiz_start:horiz_end, :]
                    da_prev_pad[vert_start:vert_end, horiz_start:horiz_end, :] += (
                        W[:, :, :, c] * dZ[i, h, w, c]
                    )
                    dW[:, :, :, c] += a_slice * dZ[i, h, w, c]
                    db[:, :, :, c] += dZ[i, h, w, c]
        dA_prev[i, :, :, :] = da_prev_pad[pad:-pad, pad:-pad, :] if pad else da_prev_pad
    return dA_prev, dW, db


def pool_forward(A_prev, hparameters, mode="max"):
    m, n_H_prev, n_W_prev, n_C_prev = A_prev.shape
    f, stride = hparameters["f"], hparameters["stride"]
    n_H = int(1 + (n_H_prev - f) / stride)
    n_W = int(1 + (n_W_prev - f) / stride)
    A = np.zeros((m, n_H, n_W, n_C_prev))
    for i in range(m):
        for h in range(n_H):
            vert_start = h * stride
            for w in range(n_W):
                horiz_start = w * stride
                for c in range(n_C_prev):
                    window = A_prev[
                        i, vert_start : vert_start + f, horiz_start : horiz_start + f, c
                    ]
                    A[i, h, w, c] = np.max(window) if mode == "max" else np.mean(window)
    return A, (A_prev, hparameters)


def create_mask_from_window(x):
    return x == np.max(x)


def distribute_value(dz, shape):
    n_H, n_W = shape
    return np.ones(shape) * dz / (n_H * n_W)


def pool_backward(dA, cache, mode="max"):
    A_prev, hparameters = cache
    stride, f = hparameters["stride"], hparameters["f"]
    m, n_H, n_W, n_C = dA.shape
    dA_prev = np.zeros(A_prev.shape)
    for i in range(m):
        a_prev = A_prev[i]
        for h in range(n_H):
            for w in range(n_W):
                for c in range(n_C):
                    vert_start, horiz_start = h * stride, w * stride
                    vert_end, horiz_end = vert_start + f, horiz_start + f
                    if mode == "max":
                        a_prev_slice = a_prev[vert_start:vert_end, horiz_start:horiz_end, c]
                        mask = create_mask_from_window(a_prev_slice)
                        dA_prev[i, vert_start:vert_end, horiz_start:horiz_end, c] += (
                            mask * dA[i, h, w, c]
                        )
                    else:
                        dA_prev[i, vert_start:vert_end, horiz_start:horiz_end, c] += (
                            distribute_value(dA[i, h, w, c], (f, f))
                        )
    return dA_prev


def step_by_step_values():
    """Every value of the assignment's fixtures, keyed as the command line's JSON.

    Seeds numpy's global generator as the assignment does, and restores its state afterwards.
    """
    state = np.random.get_state()
    try:
        return _fixtures()
    finally:
        np.random.set_state(state)


def _fixtures():
    values = {}
    np.random.seed(1)
    x = np.random.randn(4, 3, 3, 2)
    x_pad = zero_pad(x, 3)
    values["zero_pad_shape"] = list(x_pad.shape)
    values["zero_pad_x_1_1"] = x[1, 1]
    values["zero_pad_x_pad_1_1"] = x_pad[1, 1]

    np.random.seed(1)
    a_slice_prev = np.random.randn(4, 4, 3)
    W = np.random.randn(4, 4, 3)
    b = np.random.randn(1, 1, 1)
    values["conv_single_step"] = conv_single_step(a_slice_prev, W, b)

    np.random.seed(1)
    A_prev = np.random.randn(2, 5, 7, 4)
    W = np.random.randn(3, 3, 4, 8)
    b = np.random.randn(1, 1, 1, 8)
    Z, _ = conv_forward(A_prev, W, b, {"pad": 1, "stride": 2})
    values["conv_forward_Z_shape"] = list(Z.shape)
    values["conv_forward_Z_mean"] = np.mean(Z)
    values["conv_forward_Z_0_2_1"] = Z[0, 2, 1]

    np.random.seed(1)
    A_prev = np.random.randn(10, 4, 4, 3)
    W = np.random.randn(2, 2, 3, 8)
    b = np.random.randn(1, 1, 1, 8)
    Z, cache = conv_forward(A_prev, W, b, {"pad": 2, "stride": 2})
    dA, dW, db = conv_backward(Z, cache)
    values["conv_backward_dA_mean"] = np.mean(dA)
    values["conv_backward_dW_mean"] = np.mean(dW)
    values["conv_backward_db_mean"] = np.mean(db)

    for stride in (1, 2):
        np.random.seed(1)
        A_prev = np.random.randn(2, 5, 5, 3)
        for mode, short in (("max", "max"), ("average", "avg")):
            A, _ = pool_forward(A_prev, {"stride": stride, "f": 3}, mode)
            values[f"pool_forward_{short}_s{stride}_A_shape"] = list(A.shape)
            if stride == 1:
                values[f"pool_forward_{short}_s1_A_1_1"] = A[1, 1]
            elif mode == "max":
                values["pool_forward_max_s2_A_0"] = A[0]
            else:
                values["pool_forward_avg_s2_A_1"] = A[1]

    np.random.seed(1)
    A_prev = np.random.randn(5, 5, 3, 2)
    hparameters = {"stride": 1, "f": 2}
    A, cache = pool_forward(A_prev, hparameters)
    dA = np.random.randn(5, 4, 2, 2)
    values["pool_backward_dA_mean"] = np.mean(dA)
    for mode, short in (("max", "max"), ("average", "avg")):
        dA_prev = pool_backward(dA, cache, mode=mode)
        values[f"pool_backward_{short}_dA_prev_1_1"] = dA_prev[1, 1]
    return values
