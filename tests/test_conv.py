"""Convolution and pooling beyond the op table: the max-pooling tie rule against PyTorch, the
layers, dtypes, the no-copy windows, the tiled col2im path, and the teaching errors."""

from __future__ import annotations

import numpy as np
import pytest
from op_cases_conv import np_col2im, np_conv2d

import tinygrad_edu as tg
from tinygrad_edu import nn, ops
from tinygrad_edu.nn import functional as nnf

torch = pytest.importorskip("torch")
tf = torch.nn.functional


def _weights(shape, seed=0):
    return np.random.default_rng(seed).uniform(0.5, 1.5, size=shape)


# -------------------------------------------------------------------------------------------------
# Max pooling's tie rule
# -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "kernel, stride, padding", [(2, 2, 0), (3, 1, 1), (2, 1, 0), ((3, 2), (2, 1), (1, 0))]
)
def test_max_pool_ties_send_the_whole_gradient_to_the_first_maximum_as_pytorch(
    kernel, stride, padding
):
    # Integers in {0, 1}: nearly every window holds tied maxima; overlapping windows share them.
    x = np.random.default_rng(1).integers(0, 2, size=(2, 3, 7, 6)).astype(np.float64)
    ours = tg.Tensor(x, requires_grad=True)
    theirs = torch.tensor(x, requires_grad=True)
    out = nnf.max_pool2d(ours, kernel, stride, padding)
    ref = tf.max_pool2d(theirs, kernel, stride, padding)
    R = _weights(out.shape)
    (out * R).sum().backward()
    (ref * torch.tensor(R)).sum().backward()
    np.testing.assert_array_equal(out.data, ref.detach().numpy())
    # equal up to the order of additions where overlapping windows share a winner
    np.testing.assert_allclose(ours.grad, theirs.grad.numpy(), rtol=1e-14, atol=0)


def test_all_equal_window_gives_its_first_element_the_gradient():
    x = tg.Tensor(np.ones((1, 1, 2, 2)), requires_grad=True)
    nnf.max_pool2d(x, 2).sum().backward()
    assert x.grad.tolist() == [[[[1.0, 0.0], [0.0, 0.0]]]]


def test_tensor_max_still_splits_ties_evenly():  # the documented difference between the two
    x = tg.Tensor(np.ones(4), requires_grad=True)
    x.max().backward()
    assert x.grad.tolist() == [0.25] * 4


# -------------------------------------------------------------------------------------------------
# Layers against torch.nn
# -------------------------------------------------------------------------------------------------


def test_conv2d_layer_matches_torch_with_the_same_weights():
    layer = nn.Conv2d(4, 6, (3, 2), stride=(2, 1), padding=1, dilation=(1, 2), groups=2,
                      rng=np.random.RandomState(0))  # fmt: skip
    layer.b.data = np.arange(6.0)
    ref = torch.nn.Conv2d(4, 6, (3, 2), stride=(2, 1), padding=1, dilation=(1, 2), groups=2)
    ref = ref.double()
    with torch.no_grad():
        ref.weight.copy_(torch.tensor(layer.W.data))
        ref.bias.copy_(torch.tensor(layer.b.data))
    x = np.random.default_rng(2).standard_normal((3, 4, 9, 8))
    X, Xt = tg.Tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    Z, Zt = layer(X), ref(Xt)
    R = _weights(Z.shape)
    (Z * R).sum().backward()
    (Zt * torch.tensor(R)).sum().backward()
    np.testing.assert_allclose(Z.data, Zt.detach().numpy(), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(X.grad, Xt.grad.numpy(), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(layer.W.grad, ref.weight.grad.numpy(), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(layer.b.grad, ref.bias.grad.numpy(), rtol=1e-12, atol=1e-12)


def test_pool_layers_match_torch():
    x = np.random.default_rng(3).standard_normal((2, 3, 9, 9))
    for ours, theirs in [
        (nn.MaxPool2d(3, 2, 1), torch.nn.MaxPool2d(3, 2, 1)),
        (nn.AvgPool2d((2, 3)), torch.nn.AvgPool2d((2, 3))),
    ]:
        np.testing.assert_allclose(ours(x).data, theirs(torch.tensor(x)).numpy(), rtol=1e-14)


def test_conv2d_initializer_draws_fan_in_columns_in_the_courses_order():
    W = nn.Conv2d(3, 8, 4, init="he", rng=np.random.RandomState(1)).W.data
    expected = np.random.RandomState(1).randn(8, 48) * np.sqrt(2 / 48)
    np.testing.assert_array_equal(W, expected.reshape(8, 3, 4, 4))
    assert nn.Conv2d(3, 8, 4, bias=False).b is None
    assert repr(nn.Conv2d(3, 8, 4, padding="same")) == (
        "Conv2d(3, 8, kernel_size=(4, 4), padding='same')"
    )


def test_conv2d_composes_into_sequential_models_and_collects_parameters():
    model = nn.Sequential(nn.Conv2d(1, 2, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2))
    assert [name for name, _ in model.named_parameters()] == ["0.W", "0.b"]
    assert model(np.zeros((5, 1, 8, 8))).shape == (5, 2, 4, 4)


# -------------------------------------------------------------------------------------------------
# The course's layout, dtypes, and what is (not) copied
# -------------------------------------------------------------------------------------------------


def test_nhwc_with_the_courses_weights_equals_nchw_after_one_transpose():
    rng = np.random.default_rng(4)
    A_prev, W = rng.standard_normal((2, 5, 7, 4)), rng.standard_normal((3, 3, 4, 8))
    b = rng.standard_normal((1, 1, 1, 8))
    Z = nnf.conv2d(A_prev, W, b, stride=2, padding=1, data_format="NHWC")
    Z_nchw = nnf.conv2d(A_prev.transpose(0, 3, 1, 2), W.transpose(3, 2, 0, 1), b.reshape(-1), 2, 1)
    np.testing.assert_allclose(Z.data, Z_nchw.data.transpose(0, 2, 3, 1), rtol=1e-13)
    ref = np_conv2d(A_prev, W, b.reshape(-1), (2, 2), 1, (1, 1), 1, "NHWC")
    np.testing.assert_allclose(Z.data, ref, rtol=1e-12, atol=1e-12)


def test_course_shaped_bias_gets_a_gradient_of_its_own_shape():
    b = tg.Tensor(np.zeros((1, 1, 1, 8)), requires_grad=True)
    Z = nnf.conv2d(np.ones((2, 4, 4, 3)), np.ones((2, 2, 3, 8)), b, data_format="NHWC")
    Z.sum().backward()
    assert b.grad.shape == (1, 1, 1, 8)
    np.testing.assert_array_equal(b.grad, np.full((1, 1, 1, 8), 2 * 3 * 3))


@pytest.mark.parametrize("fn", ["conv2d", "max_pool2d", "avg_pool2d", "pad"])
def test_float32_stays_float32_forward_and_backward(fn):
    x = tg.Tensor(np.ones((2, 3, 6, 6), dtype=np.float32), requires_grad=True)
    W = tg.Tensor(np.ones((4, 3, 3, 3), dtype=np.float32), requires_grad=True)
    out = {
        "conv2d": lambda: nnf.conv2d(x, W, padding="same"),
        "max_pool2d": lambda: nnf.max_pool2d(x, 2),
        "avg_pool2d": lambda: nnf.avg_pool2d(x, 3, 1, 1),
        "pad": lambda: nnf.pad(x, ((0, 0), (0, 0), (1, 2), (2, 1))),
    }[fn]()
    out.sum().backward()
    assert out.dtype == np.float32 and x.grad.dtype == np.float32
    if fn == "conv2d":
        assert W.grad.dtype == np.float32


def test_im2col_is_a_read_only_view_without_a_copy():
    x = np.arange(2 * 3 * 6 * 6, dtype=np.float64).reshape(2, 3, 6, 6)
    windows = ops.Im2Col((3, 3), (1, 1), (1, 1), (2, 3)).apply(tg.Tensor(x)).data
    assert windows.shape == (2, 3, 4, 4, 3, 3)
    assert np.shares_memory(windows, x) and not windows.flags.writeable


@pytest.mark.parametrize("size", [(8, 8), (9, 7)])
def test_col2im_tiled_path_equals_the_overlapping_path(size):
    # stride == kernel takes the one-copy path; the loop of the definition is the oracle, and
    # rows/columns that no window reaches (9 = 4 * 2 + 1) must get zeros.
    cols = np.random.default_rng(5).standard_normal((2, 3, size[0] // 2, size[1] // 2, 2, 2))
    image = (2, 3, *size)
    out = ops.Col2Im(image, (2, 2), (2, 2), (1, 1), (2, 3)).apply(cols)
    np.testing.assert_array_equal(out, np_col2im(cols, image, (2, 2), (2, 2), (1, 1), "NCHW"))


def test_pad_with_negative_widths_crops_and_its_gradient_pads_back():
    x = tg.Tensor(np.arange(12.0).reshape(3, 4), requires_grad=True)
    y = x.pad(((-1, 1), (0, -2)))
    assert y.tolist() == [[4.0, 5.0], [8.0, 9.0], [0.0, 0.0]]
    y.sum().backward()
    assert x.grad.tolist() == [[0, 0, 0, 0], [1, 1, 0, 0], [1, 1, 0, 0]]


@pytest.mark.filterwarnings("ignore:Using padding='same'")
def test_same_padding_keeps_the_size_and_puts_the_odd_pixel_after_as_pytorch():
    x = np.random.default_rng(6).standard_normal((1, 2, 7, 6))
    W = np.random.default_rng(7).standard_normal((3, 2, 4, 3))
    Z = nnf.conv2d(x, W, padding="same")
    ref = tf.conv2d(torch.tensor(x), torch.tensor(W), padding="same")
    assert Z.shape == (1, 3, 7, 6)
    np.testing.assert_allclose(Z.data, ref.numpy(), rtol=1e-12, atol=1e-12)
    # with a stride, "same" is TensorFlow's rule: ceil(n / stride)
    assert nnf.conv2d(x, W, stride=2, padding="same").shape == (1, 3, 4, 3)


# -------------------------------------------------------------------------------------------------
# Teaching errors
# -------------------------------------------------------------------------------------------------


def test_nhwc_images_given_to_an_nchw_layer_say_so_with_the_shapes():
    layer = nn.Conv2d(3, 8, 4)
    with pytest.raises(ValueError, match=r"expected 3 channels at axis 1") as err:
        layer(np.zeros((64, 64, 64, 3)))
    assert "(64, 64, 64, 3)" in str(err.value)
    assert "transpose(0, 3, 1, 2)" in str(err.value)


def test_conv2d_function_names_the_other_layout_when_it_fits():
    with pytest.raises(ValueError, match=r"looks like NHWC data") as err:
        nnf.conv2d(np.zeros((2, 9, 9, 3)), np.zeros((8, 3, 3, 3)))
    assert "W.shape=(8, 3, 3, 3)" in str(err.value) and "data_format='NHWC'" in str(err.value)
    with pytest.raises(ValueError, match=r"looks like NCHW data"):
        nnf.conv2d(np.zeros((2, 3, 9, 9)), np.zeros((3, 3, 3, 8)), data_format="NHWC")


def test_mismatched_channels_without_a_layout_hint():
    with pytest.raises(ValueError, match=r"expected an input with 4 channels at axis 1 .* got "
                                         r"x.shape=\(2, 3, 9, 9\) with 3"):  # fmt: skip
        nnf.conv2d(np.zeros((2, 3, 9, 9)), np.zeros((8, 4, 3, 3)))


@pytest.mark.parametrize(
    "call",
    [
        lambda: nnf.conv2d(np.zeros((1, 1, 3, 3)), np.zeros((1, 1, 5, 5))),
        lambda: nnf.conv2d(np.zeros((1, 1, 5, 5)), np.zeros((1, 1, 3, 3)), dilation=3),
        lambda: nnf.max_pool2d(np.zeros((1, 1, 4, 4)), 5),
        lambda: nn.AvgPool2d(8)(np.zeros((1, 1, 4, 4))),
    ],
)
def test_kernel_larger_than_the_padded_input(call):
    with pytest.raises(ValueError, match=r"expected a kernel that fits the padded input") as err:
        call()
    assert "padding" in str(err.value)


def test_other_shape_errors_name_the_function_and_the_fix():
    with pytest.raises(ValueError, match=r"conv2d: expected a 4-D batch .* x.reshape\(1, \*x"):
        nnf.conv2d(np.zeros((3, 9, 9)), np.zeros((8, 3, 3, 3)))
    with pytest.raises(ValueError, match=r"Conv2d: expected a batch of images \(m, C, H, W\)"):
        nn.Conv2d(3, 8, 3)(np.zeros((3, 9, 9)))
    with pytest.raises(ValueError, match=r"divisible by groups=2"):
        nnf.conv2d(np.zeros((1, 4, 5, 5)), np.zeros((3, 2, 3, 3)), groups=2)
    with pytest.raises(ValueError, match=r"one number per output channel \(8\)"):
        nnf.conv2d(np.zeros((1, 3, 5, 5)), np.zeros((8, 3, 3, 3)), np.zeros(3))
    with pytest.raises(ValueError, match=r"padding at most half the kernel"):
        nnf.max_pool2d(np.zeros((1, 1, 8, 8)), 2, padding=2)
    with pytest.raises(ValueError, match=r"data_format 'NCHW' .* or 'NHWC'"):
        nnf.avg_pool2d(np.zeros((1, 1, 8, 8)), 2, data_format="NWHC")
    with pytest.raises(ValueError, match=r"stride as an int >= 1"):
        nnf.conv2d(np.zeros((1, 1, 5, 5)), np.zeros((1, 1, 3, 3)), stride=0)
    with pytest.raises(ValueError, match=r"padding 'same', 'valid', an int or a pair"):
        nnf.conv2d(np.zeros((1, 1, 5, 5)), np.zeros((1, 1, 3, 3)), padding="full")
    with pytest.raises(ValueError, match=r"pad: expected pad widths"):
        nnf.pad(np.zeros((2, 2)), ((1, 1), (1, 1), (1, 1)))
    with pytest.raises(ValueError, match=r"crop at most the input's length"):
        nnf.pad(np.zeros((2, 2)), ((-2, -1), (0, 0)))


# -------------------------------------------------------------------------------------------------
# A whole CNN against central differences
# -------------------------------------------------------------------------------------------------


def test_the_digits_cnn_gradients_equal_central_differences():
    from tinygrad_edu import losses
    from tinygrad_edu.course.course4 import DigitsCNN
    from tinygrad_edu.testing import gradcheck_module

    rng = np.random.RandomState(0)
    model = DigitsCNN(rng=rng)
    # distinct values on a coarse grid: no max-pool window is within eps of a tie
    X = rng.permutation(np.arange(3 * 64)).reshape(3, 1, 8, 8) / 64.0
    y = np.array([3, 1, 4])
    assert gradcheck_module(model, lambda: losses.cross_entropy(model(X), y), fast=True)


def test_conv_then_pool_second_derivatives_equal_central_differences():
    from tinygrad_edu.testing import gradgradcheck

    rng = np.random.default_rng(8)
    x = rng.permutation(np.arange(2 * 2 * 6 * 6)).reshape(2, 2, 6, 6) / 10.0
    W = rng.standard_normal((3, 2, 3, 3))

    def f(x, W):
        Z = nnf.conv2d(x, W, padding=1, stride=(1, 2))
        return nnf.avg_pool2d(Z.tanh(), 2, 1) + nnf.max_pool2d(Z, 2, 2, 1).sum()

    assert gradgradcheck(f, x, W)
