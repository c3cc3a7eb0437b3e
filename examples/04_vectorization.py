"""04 - Vectorization: a Python loop against one numpy call, timed.

The course times ``c = np.dot(a, b)`` against a for-loop over a million numbers and finds the
loop hundreds of times slower. The same holds for tensors: one ``a @ b`` is one numpy call,
whatever the length, while a loop pays Python's overhead for every element.

Run it:

    python examples/04_vectorization.py

What to look for: the same result three ways, and the loop taking far longer than either
vectorized version (the exact ratio depends on your machine).
"""

import time

import numpy as np

import tinygrad_edu as tg

N = 1_000_000


def main(n: int = N) -> dict[str, float]:
    rng = np.random.default_rng(0)
    a, b = rng.random(n), rng.random(n)

    start = time.perf_counter()
    c_loop = 0.0
    for i in range(n):
        c_loop += a[i] * b[i]
    loop_ms = 1000 * (time.perf_counter() - start)

    start = time.perf_counter()
    c_numpy = np.dot(a, b)
    numpy_ms = 1000 * (time.perf_counter() - start)

    a_t, b_t = tg.Tensor(a, requires_grad=True), tg.Tensor(b)
    start = time.perf_counter()
    c_tensor = a_t @ b_t  # one op, recorded for backward
    tensor_ms = 1000 * (time.perf_counter() - start)

    print(f"for loop:       {c_loop:.6f}   {loop_ms:9.3f} ms")
    print(f"np.dot:         {c_numpy:.6f}   {numpy_ms:9.3f} ms")
    print(f"Tensor a @ b:   {c_tensor.item():.6f}   {tensor_ms:9.3f} ms")
    print(f"the loop is {loop_ms / max(numpy_ms, 1e-6):.0f}x slower than np.dot")
    c_tensor.backward()
    print(f"and d(a @ b)/da is b: {np.array_equal(a_t.grad, b)}")
    return {"loop": c_loop, "numpy": float(c_numpy), "tensor": c_tensor.item()}


if __name__ == "__main__":
    main()
