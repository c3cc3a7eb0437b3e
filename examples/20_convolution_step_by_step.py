"""20 - Convolution and pooling step by step, in the course's channels-last layout.

Course 4's first assignment writes ``zero_pad``, ``conv_single_step``, ``conv_forward`` and the
pooling functions with loops over examples, positions and channels, then their backward passes
by hand. Here each forward is one library call on the course's own arrays
(``A_prev (m, n_H_prev, n_W_prev, n_C_prev)``, ``W (f, f, n_C_prev, n_C)``, ``b (1, 1, 1, n_C)``,
``data_format="NHWC"``) and ``backward()`` gives dA_prev, dW and db. The course's loop version of
``conv_forward`` runs beside it as a check, and the same convolution runs once more on PyTorch's
channels-first layout after one transpose per array.

Run it:

    python examples/20_convolution_step_by_step.py

What to look for: the output size floor((n + 2 pad - f) / stride) + 1 in every shape, Z = -6.999...
for the single step, the assignment's means (Z 0.5511..., dA 1.4524..., dW 1.7269..., db 7.8392...),
"loops agree: True", and the NCHW result equal to the NHWC one after a transpose.
"""

import numpy as np

import tinygrad_edu as tg
from tinygrad_edu.nn import functional as F  # noqa: N812 (PyTorch's spelling)


def conv_forward_loops(A_prev, W, b, pad, stride):
    """The course's conv_forward: four nested loops, one window at a time (for comparison)."""
    m, n_H_prev, n_W_prev, _ = A_prev.shape
    f, _, _, n_C = W.shape
    n_H = (n_H_prev + 2 * pad - f) // stride + 1
    n_W = (n_W_prev + 2 * pad - f) // stride + 1
    A_pad = np.pad(A_prev, ((0, 0), (pad, pad), (pad, pad), (0, 0)))
    Z = np.zeros((m, n_H, n_W, n_C))
    for i in range(m):
        for h in range(n_H):
            for w in range(n_W):
                window = A_pad[i, h * stride : h * stride + f, w * stride : w * stride + f, :]
                for c in range(n_C):
                    Z[i, h, w, c] = np.sum(window * W[:, :, :, c]) + b[0, 0, 0, c]
    return Z


def main():
    rng = np.random.RandomState(1)
    x = rng.randn(4, 3, 3, 2)
    x_pad = F.pad(x, ((0, 0), (3, 3), (3, 3), (0, 0)))  # the course's zero_pad(x, 3)
    print(f"zero_pad: x {x.shape} -> x_pad {x_pad.shape}")

    rng = np.random.RandomState(1)
    a_slice_prev, W, b = rng.randn(4, 4, 3), rng.randn(4, 4, 3), rng.randn(1, 1, 1)
    Z = (tg.Tensor(a_slice_prev) * W).sum() + b  # conv_single_step: one filter on one window
    print(f"conv_single_step: Z = {Z.item():.12f}")

    rng = np.random.RandomState(1)
    A_prev, W, b = rng.randn(2, 5, 7, 4), rng.randn(3, 3, 4, 8), rng.randn(1, 1, 1, 8)
    Z = F.conv2d(A_prev, W, b, stride=2, padding=1, data_format="NHWC")  # (2, 3, 4, 8)
    print(f"conv_forward: A_prev {A_prev.shape} * W {W.shape}, pad 1, stride 2 -> Z {Z.shape}")
    print(f"  Z's mean = {Z.data.mean():.12f}")
    loops = conv_forward_loops(A_prev, W, b, pad=1, stride=2)
    print(f"  loops agree: {np.allclose(Z.data, loops, rtol=1e-12, atol=1e-12)}")

    # PyTorch's layout: images (m, C, H, W), filters (C_out, C_in, f, f); one transpose each.
    Z_nchw = F.conv2d(A_prev.transpose(0, 3, 1, 2), W.transpose(3, 2, 0, 1), b.reshape(-1), 2, 1)
    same = np.allclose(Z_nchw.data.transpose(0, 2, 3, 1), Z.data, rtol=1e-12)
    print(f"  NCHW {Z_nchw.shape}, transposed back, equals NHWC: {same}")

    rng = np.random.RandomState(1)
    A_prev = tg.Tensor(rng.randn(10, 4, 4, 3), requires_grad=True, name="A_prev")
    W = tg.Tensor(rng.randn(2, 2, 3, 8), requires_grad=True, name="W")
    b = tg.Tensor(rng.randn(1, 1, 1, 8), requires_grad=True, name="b")
    Z = F.conv2d(A_prev, W, b, stride=2, padding=2, data_format="NHWC")
    Z.backward(Z.data)  # the assignment's upstream gradient: dZ = Z
    print("conv_backward (autograd, dZ = Z):")
    print(f"  dA_mean = {A_prev.grad.mean():.11f}")
    print(f"  dW_mean = {W.grad.mean():.11f}")
    print(f"  db_mean = {b.grad.mean():.11f}")

    rng = np.random.RandomState(1)
    A_prev = rng.randn(2, 5, 5, 3)
    for stride in (1, 2):
        A_max = F.max_pool2d(A_prev, 3, stride, data_format="NHWC")
        A_avg = F.avg_pool2d(A_prev, 3, stride, data_format="NHWC")
        print(f"pool_forward f=3 stride={stride}: A {A_max.shape}")
        print(f"  max:     A[1, 1, 1] = {np.round(A_max.data[1, 1, 1], 8)}")
        print(f"  average: A[1, 1, 1] = {np.round(A_avg.data[1, 1, 1], 8)}")

    rng = np.random.RandomState(1)
    A_prev = rng.randn(5, 5, 3, 2)
    dA = rng.randn(5, 4, 2, 2)
    grads = {}
    for mode, pool in (("max", F.max_pool2d), ("average", F.avg_pool2d)):
        X = tg.Tensor(A_prev, requires_grad=True)
        pool(X, 2, 1, data_format="NHWC").backward(dA)
        grads[mode] = X.grad
        print(f"pool_backward ({mode}): dA_prev[1, 1] = {np.round(X.grad[1, 1], 8).tolist()}")
    return grads


if __name__ == "__main__":
    main()
