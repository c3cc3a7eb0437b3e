"""What a second new-user trial found: each message or table now says the right thing."""

import sys

import numpy as np
import pytest

import tinygrad_edu as tg
from tinygrad_edu import losses, nn, optim


def test_summary_shows_an_lstms_output_and_both_states():
    lstm = nn.LSTM(3, 8, batch_first=True)
    table = str(nn.Sequential(lstm).summary(np.zeros((16, 5, 3))))
    assert "((16, 5, 8), ((1, 16, 8), (1, 16, 8)))" in table
    assert "None" not in table


def test_summary_of_a_gru_keeps_its_flat_state():
    table = str(nn.Sequential(nn.GRU(3, 8, batch_first=True)).summary(np.zeros((16, 5, 3))))
    assert "((16, 5, 8), (1, 16, 8))" in table


@pytest.mark.parametrize(
    ("batch_first", "fix", "course_shape"),
    [(True, "x.transpose(1, 2, 0)", (2, 6, 5)), (False, "x.transpose(2, 1, 0)", (6, 2, 5))],
)
def test_recurrent_layout_hint_matches_the_layers_layout(batch_first, fix, course_shape):
    lstm = nn.LSTM(5, 7, batch_first=batch_first)
    course_x = np.random.default_rng(0).normal(size=(5, 2, 6))  # (n_x, m, T_x)
    with pytest.raises(ValueError) as err:
        lstm(course_x)
    assert fix in str(err.value)
    # the hint, followed, gives an input the layer takes, in its own layout
    axes = tuple(int(a) for a in fix[fix.index("(") + 1 : -1].split(","))
    fixed = course_x.transpose(axes)
    assert fixed.shape == course_shape
    out, _ = lstm(fixed)
    assert out.shape == course_shape[:2] + (7,)


def test_grad_of_a_non_scalar_output_names_its_own_keyword():
    a = tg.Tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(RuntimeError, match=r"grad_outputs=np.ones\(\(2,\)\)") as err:
        tg.grad(a * 2, a)
    assert "gradient=" not in str(err.value)
    (da,) = tg.grad(a * 2, a, grad_outputs=np.ones((2,)))  # the suggestion works
    np.testing.assert_array_equal(da.data, [2.0, 2.0])
    with pytest.raises(RuntimeError, match=r"gradient=np.ones\(\(2,\)\)"):
        (a * 2).backward()  # backward's keyword is gradient=


def test_save_of_a_nested_state_says_to_save_each_state_or_flatten(tmp_path):
    model = nn.Linear(2, 3)
    opt = optim.Adam(model.parameters())
    with pytest.raises(TypeError, match="'model': a dict .*its own file") as err:
        tg.save({"model": model.state_dict(), "opt": opt.state_dict()}, tmp_path / "ck.npz")
    assert "dtype object" not in str(err.value)
    with pytest.raises(TypeError, match="'model': a Linear"):
        tg.save({"model": model}, tmp_path / "ck.npz")
    assert not list(tmp_path.iterdir())
    # the flattened form the message suggests is saved and loads back
    flat = {f"model.{k}": v for k, v in model.state_dict().items()}
    tg.save(flat, tmp_path / "ck.npz")
    assert set(tg.load(tmp_path / "ck.npz")) == set(flat)


def test_cross_entropy_with_too_few_labels_says_so_not_reshape():
    logits = tg.Tensor(np.zeros((16, 3)))
    with pytest.raises(ValueError, match="5 labels for 16 examples") as err:
        losses.cross_entropy(logits, np.zeros(5, dtype=int))
    assert "reshape" not in str(err.value)
    with pytest.raises(ValueError, match=r"targets.reshape\(-1\)"):
        losses.cross_entropy(logits, np.zeros((16, 1), dtype=int))  # a column: reshape is right


@pytest.mark.skipif(sys.version_info < (3, 11), reason="exception notes are Python 3.11+")
def test_a_shape_error_inside_sequential_names_the_layer_and_its_input():
    model = nn.Sequential(
        nn.Conv2d(3, 4, 3), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(), nn.Linear(256, 4)
    )
    with pytest.raises(ValueError, match=r"Linear: expected an input of shape \(m, 256\)") as err:
        model(np.zeros((8, 3, 20, 20)))
    notes = "\n".join(getattr(err.value, "__notes__", []))
    assert "layer 4 (Linear) of a Sequential of 5 layers" in notes
    assert "input of shape (8, 324)" in notes and "after layer 3 (Flatten)" in notes


def test_cross_entropy_with_integer_one_hot_rows_says_what_they_are():
    # tg.one_hot returns integers (as torch's F.one_hot); as targets they are neither class
    # indices nor float probabilities: the error names both ways, and each way gives the loss
    # of the indices computed by hand.
    z = tg.Tensor(np.random.default_rng(0).standard_normal((4, 3)))
    labels = np.array([0, 2, 1, 1])
    onehot = tg.one_hot(tg.Tensor(labels), 3)
    with pytest.raises(ValueError, match=r"one-hot rows.*argmax\(axis=1\).*astype"):
        losses.cross_entropy(z, onehot)
    logp = z.data - np.log(np.exp(z.data).sum(axis=1, keepdims=True))
    expected = -logp[np.arange(4), labels].mean()
    assert np.isclose(losses.cross_entropy(z, onehot.argmax(axis=1)).item(), expected)
    assert np.isclose(losses.cross_entropy(z, onehot.astype(np.float64)).item(), expected)
