"""``tg.tensor(data, dtype=None, requires_grad=False)``: PyTorch's ``torch.tensor`` spelling, while
``tinygrad_edu.tensor`` stays the package (a callable module, see tinygrad_edu/tensor/__init__.py).
"""

from __future__ import annotations

import importlib
import pickle
import pkgutil
import subprocess
import sys
import types
import warnings

import numpy as np
import pytest

import tinygrad_edu as tg
import tinygrad_edu.tensor
from tinygrad_edu.tensor import Tensor


def _check_callable() -> None:
    """The package module is still the one in sys.modules, callable, and makes copies."""
    assert tg.tensor is sys.modules["tinygrad_edu.tensor"]
    assert isinstance(tg.tensor, types.ModuleType) and callable(tg.tensor)
    out = tg.tensor([[1, 2]], requires_grad=True)
    assert isinstance(out, Tensor) and out.requires_grad and out.dtype == np.float64


def test_the_issue_13_spellings_work_as_typed():
    t = tg.tensor(1.5)
    assert t.shape == () and t.dtype == np.float64 and t.item() == 1.5
    assert not t.requires_grad
    w = tg.tensor([[1, 2]], requires_grad=True, dtype=np.float32)
    assert w.dtype == np.float32 and w.requires_grad and w.is_leaf
    (w * 3).sum().backward()
    np.testing.assert_array_equal(w.grad, np.full((1, 2), 3, dtype=np.float32))
    assert w.grad.dtype == np.float32


def test_dtype_rules_are_the_documented_ones():
    # DESIGN.md: Python numbers and lists become float64 (torch would give int64 for ints)
    assert tg.tensor([1, 2]).dtype == np.float64
    assert tg.tensor(3).dtype == np.float64
    assert tg.tensor([True, False]).dtype == np.bool_
    assert tg.tensor(np.arange(3, dtype=np.int32)).dtype == np.int32  # arrays keep theirs
    assert tg.tensor(np.float32(2.0)).dtype == np.float32
    assert tg.tensor([1, 2], dtype=np.int64).dtype == np.int64
    # the same as Tensor(...) for every kind of data
    for data in (1.5, [1, 2], [[1.0], [2.0]], np.arange(3.0)):
        assert tg.tensor(data).dtype == Tensor(data).dtype


def test_it_copies_the_data_as_torch_tensor_does():
    torch = pytest.importorskip("torch")
    a = np.arange(3.0)
    t = tg.tensor(a)
    a[0] = 99.0
    assert t.data[0] == 0.0 and not np.shares_memory(t.data, a)
    assert torch.tensor(np.arange(3.0)).numpy().tolist() == t.data.tolist()
    assert np.shares_memory(Tensor(a).data, a)  # the constructor wraps; tg.tensor copies
    src = Tensor([1.0, 2.0])
    copy = tg.tensor(src)
    src.data[0] = -1.0
    assert copy.data.tolist() == [1.0, 2.0]


def test_a_tensor_that_requires_grad_is_copied_without_its_graph_and_a_warning():
    src = Tensor([1.0, 2.0], requires_grad=True)
    with pytest.warns(UserWarning, match="without its graph"):
        copy = tg.tensor(src * 2)
    assert copy.is_leaf and not copy.requires_grad
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        tg.tensor(src.detach())


def test_errors_are_the_constructors():
    with pytest.raises(TypeError, match="only floating-point tensors can require gradients"):
        tg.tensor([1, 2], dtype=np.int64, requires_grad=True)
    with pytest.raises(TypeError):
        tg.tensor(["a"])
    with pytest.raises(TypeError):  # keyword-only, as torch.tensor's
        tg.tensor([1.0], np.float32)  # type: ignore[misc]


def test_the_package_is_still_the_package():
    import tinygrad_edu.tensor.tensor as tensor_module

    assert tensor_module is sys.modules["tinygrad_edu.tensor.tensor"]
    assert tinygrad_edu.tensor.Tensor is Tensor
    assert tinygrad_edu.tensor.tensor is tensor_module
    assert tg.tensor.zeros(2).shape == (2,)
    assert "tinygrad_edu.tensor" in sys.modules
    assert importlib.import_module("tinygrad_edu.tensor") is tg.tensor


def test_tensors_still_pickle():
    t = tg.tensor([[1.0, 2.0]], requires_grad=True)
    back = pickle.loads(pickle.dumps(t))
    assert type(back) is Tensor and back.data.tolist() == [[1.0, 2.0]] and back.requires_grad


def _submodules() -> list[str]:
    names = []
    for info in pkgutil.walk_packages(tg.__path__, prefix="tinygrad_edu."):
        if info.name.endswith("__main__"):  # runs the command line when imported
            continue
        names.append(info.name)
    return names


def test_it_stays_callable_after_every_submodule_is_imported():
    names = _submodules()
    assert "tinygrad_edu.tensor.creation" in names and "tinygrad_edu.nn.dropout" in names
    imported = 0
    for name in names:
        try:
            importlib.import_module(name)
        except ImportError as err:  # an optional dependency that is not installed
            if not (err.name or "").startswith("tinygrad_edu"):
                continue
            raise
        imported += 1
        _check_callable()
    assert imported > 50


def test_reloading_the_package_keeps_it_callable():
    importlib.reload(tinygrad_edu.tensor)
    _check_callable()


def test_a_fresh_interpreter_with_submodule_imports_first():
    """Import order in a new process: a submodule before the root package, then the root."""
    code = (
        "import tinygrad_edu.tensor.creation, tinygrad_edu.nn.functional\n"
        "import tinygrad_edu as tg\n"
        "from tinygrad_edu.tensor import Tensor\n"
        "t = tg.tensor([[1, 2]], requires_grad=True)\n"
        "assert type(t) is Tensor and t.dtype.name == 'float64', t\n"
        "print('ok')\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "ok"
