"""22 - A residual network's identity block (course 4 week 2), built from layers.

ResNets add the input of a few layers to their output, ``A = ReLU(main_path(X) + X)``: the
"shortcut". The course's identity block has three layers on its main path:

    X -> CONV 1x1 (F1) -> BATCHNORM -> RELU -> CONV f x f "same" (F2) -> BATCHNORM -> RELU
      -> CONV 1x1 (F3) -> BATCHNORM -> (+ X) -> RELU

Here it is an ``nn.Module`` made of ``nn.Conv2d`` and ``nn.BatchNorm2d`` (channels-first, as
PyTorch; F3 must equal the input's channels for the addition). The script evaluates it the way
the assignment tests it (constant images -1, 1 and 3; every weight 1; batch normalization in
inference mode with TensorFlow's epsilon 0.001), then stacks blocks with and without shortcuts.

Run it:

    python examples/22_residual_block.py

What to look for: zeros for the image of -1 (the final ReLU), the same mean for most positions
of the other two images and smaller ones at the border (the 2x2 "same" convolution sees padding
there); then why the shortcut helps: with the last batch norm's gamma at 0, twelve residual
blocks are exactly the identity, forward and backward (the gradient reaches the input
untouched), while twelve plain blocks output zeros and pass no gradient at all. A residual
block only has to learn a change to its input; a plain one must learn to copy it.
"""

import numpy as np

import tinygrad_edu as tg
from tinygrad_edu import nn

DEPTH = 12


class IdentityBlock(nn.Module):
    """The course's identity block; ``shortcut=False`` drops the addition (a plain stack)."""

    def __init__(self, channels, f, filters, shortcut=True, eps=1e-5, rng=None):
        super().__init__()
        F1, F2, F3 = filters
        if F3 != channels:
            raise ValueError(
                f"IdentityBlock: expected F3 = {channels} (the input's channels) so that the "
                f"shortcut can be added, got filters {filters}."
            )
        self.shortcut = shortcut
        self.conv1 = nn.Conv2d(channels, F1, 1, init="he", rng=rng)
        self.bn1 = nn.BatchNorm2d(F1, eps=eps)
        self.conv2 = nn.Conv2d(F1, F2, f, padding="same", init="he", rng=rng)
        self.bn2 = nn.BatchNorm2d(F2, eps=eps)
        self.conv3 = nn.Conv2d(F2, F3, 1, init="he", rng=rng)
        self.bn3 = nn.BatchNorm2d(F3, eps=eps)

    def forward(self, X):
        A = self.bn1(self.conv1(X)).relu()  # (m, F1, H, W)
        A = self.bn2(self.conv2(A)).relu()  # (m, F2, H, W): "same" keeps H and W
        Z = self.bn3(self.conv3(A))  # (m, F3, H, W), F3 = the input's channels
        return (Z + X).relu() if self.shortcut else Z.relu()


def the_assignments_check():
    """Images of -1, 1 and 3, weights all 1, inference-mode batch norm (TensorFlow's eps)."""
    X = np.concatenate([np.full((1, 3, 4, 4), v) for v in (-1.0, 1.0, 3.0)])  # (3, 3, 4, 4)
    block = IdentityBlock(3, 2, (4, 4, 3), eps=0.001)
    for p in block.parameters():
        if p.ndim == 4:  # the convolutions' W; biases 0; batch norm's gamma 1, beta 0
            p.data[...] = 1.0
    block.eval()  # batch norm uses its running statistics: mean 0, variance 1
    A = block(X).data  # (3, 3, 4, 4)
    print("A[:, :, (0, -1), :].mean(axis=1) =")
    print(np.round(A[:, :, (0, -1), :].mean(axis=1), 4))
    return A


def identity_is_easy(shortcut, depth=DEPTH, seed=1):
    """A stack of blocks whose last batch norm has gamma = 0: what reaches the output and the
    input? (Initializing gamma3 to 0 is a common trick: every block starts as the identity.)"""
    rng = np.random.RandomState(seed)
    blocks = [IdentityBlock(8, 3, (4, 4, 8), shortcut, rng=rng) for _ in range(depth)]
    for block in blocks:
        block.bn3.gamma.data[...] = 0.0  # the main path's output is then exactly 0
    X = tg.Tensor(np.abs(rng.randn(4, 8, 6, 6)), requires_grad=True)  # >= 0, as after a ReLU
    A = nn.Sequential(*blocks)(X)  # (4, 8, 6, 6)
    dA = rng.randn(*A.shape)
    A.backward(dA)
    dX = np.zeros(X.shape) if X.grad is None else X.grad
    return {
        "output equals the input": np.array_equal(A.data, X.data),
        "dJ/dX equals dJ/dA": np.array_equal(dX, dA),
        "output all zeros": not A.data.any(),
        "dJ/dX all zeros": not dX.any(),
    }


def main(depth=DEPTH):
    A = the_assignments_check()
    results = {}
    for shortcut, kind, keys in (
        (True, "residual blocks", ("output equals the input", "dJ/dX equals dJ/dA")),
        (False, "plain blocks", ("output all zeros", "dJ/dX all zeros")),
    ):
        results[shortcut] = found = identity_is_easy(shortcut, depth)
        print(f"{depth} {kind}, gamma3 = 0: " + "; ".join(f"{k}: {found[k]}" for k in keys))
    return A, results


if __name__ == "__main__":
    main()
