"""30 - The RNN and the LSTM step by step (course 5, week 1), with autograd doing backward.

The course's first sequence-model assignment writes ``rnn_cell_forward`` and ``rnn_forward``, then
``rnn_cell_backward`` and ``rnn_backward`` by hand (backpropagation through time), and the same
for the LSTM. Here the forward functions are a few tensor ops each, in the course's layout
(``x (n_x, m, T_x)``, examples in columns), and ``backward()`` on ``sum(a * da)`` gives every
gradient the course derives: its derivative with respect to ``a`` is exactly the upstream ``da``
the course's backward functions receive. The course's hand-written backward is run on the same
numbers to compare.

Run it:

    python examples/30_rnn_step_by_step.py

What to look for: the course's printed values (``a_next[4] = [0.59584544 0.18141802 ...]``,
``gradients["dWax"][3][1] = 11.2641044965``) and True for every gradient of the RNN and of the
LSTM: backpropagation through time is ``backward()`` on the unrolled graph.
"""

import numpy as np

import tinygrad_edu as tg
from tinygrad_edu.course.course5 import lstm_forward, rnn_cell_forward, rnn_forward

N_X, N_A, N_Y, M = 3, 5, 2, 10  # input size, hidden units, output size, examples


def rnn_backward_by_hand(x, a0, a, da, p):
    """The course's ``rnn_backward``: each step gets ``da[:, :, t] + da_prevt``."""
    dWax, dWaa, dba = np.zeros((N_A, N_X)), np.zeros((N_A, N_A)), np.zeros((N_A, 1))
    dx, da_prevt = np.zeros_like(x), np.zeros((N_A, M))
    for t in reversed(range(x.shape[2])):
        a_prev = a0 if t == 0 else a[:, :, t - 1]
        dtanh = (1 - a[:, :, t] ** 2) * (da[:, :, t] + da_prevt)
        dx[:, :, t] = p["Wax"].T @ dtanh
        dWax += dtanh @ x[:, :, t].T
        dWaa += dtanh @ a_prev.T
        dba += dtanh.sum(axis=1, keepdims=True)
        da_prevt = p["Waa"].T @ dtanh
    return {"dx": dx, "da0": da_prevt, "dWax": dWax, "dWaa": dWaa, "dba": dba}


def lstm_backward_by_hand(x, a0, p, da):
    """The course's ``lstm_backward`` (gate by gate), after its own forward pass."""
    sig = lambda z: 1 / (1 + np.exp(-z))  # noqa: E731
    T = x.shape[2]
    a, c, gates = [a0], [np.zeros((N_A, M))], []
    for t in range(T):
        concat = np.concatenate([a[-1], x[:, :, t]])
        ft, it = sig(p["Wf"] @ concat + p["bf"]), sig(p["Wi"] @ concat + p["bi"])
        cct, ot = np.tanh(p["Wc"] @ concat + p["bc"]), sig(p["Wo"] @ concat + p["bo"])
        c.append(ft * c[-1] + it * cct)
        a.append(ot * np.tanh(c[-1]))
        gates.append((concat, ft, it, cct, ot))
    g = {k: np.zeros_like(p[k[1:]]) for k in ("dWf", "dWi", "dWc", "dWo", "dbf", "dbi", "dbc")}
    g["dbo"], g["dx"] = np.zeros((N_A, 1)), np.zeros_like(x)
    da_next, dc_next = np.zeros((N_A, M)), np.zeros((N_A, M))
    for t in reversed(range(T)):
        concat, ft, it, cct, ot = gates[t]
        dh = (da[:, :, t] if t < da.shape[2] else 0) + da_next
        tc = np.tanh(c[t + 1])
        dc = dc_next + dh * ot * (1 - tc**2)
        d = {"f": dc * c[t] * ft * (1 - ft), "i": dc * cct * it * (1 - it),
             "c": dc * it * (1 - cct**2), "o": dh * tc * ot * (1 - ot)}  # fmt: skip
        dconcat = 0
        for gate, dz in d.items():
            g[f"dW{gate}"] += dz @ concat.T
            g[f"db{gate}"] += dz.sum(axis=1, keepdims=True)
            dconcat = dconcat + p[f"W{gate}"].T @ dz
        da_next, dc_next = dconcat[:N_A], dc * ft
        g["dx"][:, :, t] = dconcat[N_A:]
    g["da0"] = da_next
    return g


def main():
    """Print the course's values; return {gradient name: autograd equals the course's backward}."""
    np.random.seed(1)
    xt, a_prev = np.random.randn(N_X, M), np.random.randn(N_A, M)
    names = [("Waa", (N_A, N_A)), ("Wax", (N_A, N_X)), ("Wya", (N_Y, N_A)), ("ba", (N_A, 1)),
             ("by", (N_Y, 1))]  # fmt: skip
    p = {k: np.random.randn(*shape) for k, shape in names}
    a_next, yt = rnn_cell_forward(xt, a_prev, p)
    print("rnn_cell_forward: a_next[4] =", a_next.data[4].round(8))
    print("                  yt_pred[1] =", yt.data[1].round(8))

    # rnn_backward's fixture: x, a0, then Wax before Waa; da drawn after the forward pass.
    np.random.seed(1)
    x = tg.Tensor(np.random.randn(N_X, M, 4), requires_grad=True, name="x")
    a0 = tg.Tensor(np.random.randn(N_A, M), requires_grad=True, name="a0")
    order = [names[1], names[0], *names[2:]]
    p = {k: tg.Tensor(np.random.randn(*shape), requires_grad=True, name=k) for k, shape in order}
    a, y = rnn_forward(x, a0, p)  # a (n_a, m, T_x): the graph unrolled over 4 steps
    da = np.random.randn(N_A, M, 4)
    (a * da).sum().backward()  # d/da of sum(a * da) is da: backpropagation through time
    print('rnn_backward: gradients["dWax"][3][1] =', p["Wax"].grad[3][1].round(10))
    by_hand = rnn_backward_by_hand(x.data, a0.data, a.data, da, {k: v.data for k, v in p.items()})
    autograd = {"dx": x.grad, "da0": a0.grad, "dWax": p["Wax"].grad, "dWaa": p["Waa"].grad,
                "dba": p["ba"].grad}  # fmt: skip
    same = {f"rnn {k}": bool(np.allclose(autograd[k], v, rtol=1e-12)) for k, v in by_hand.items()}

    # lstm_backward's fixture: 7 steps forward, an upstream gradient for the first 4.
    np.random.seed(1)
    x = tg.Tensor(np.random.randn(N_X, M, 7), requires_grad=True)
    a0 = tg.Tensor(np.random.randn(N_A, M), requires_grad=True)
    p = {}
    for gate in "fioc":
        p[f"W{gate}"] = tg.Tensor(np.random.randn(N_A, N_A + N_X), requires_grad=True)
        p[f"b{gate}"] = tg.Tensor(np.random.randn(N_A, 1), requires_grad=True)
    p["Wy"], p["by"] = np.zeros((N_Y, N_A)), np.zeros((N_Y, 1))
    a, y, c = lstm_forward(x, a0, p)
    da = np.random.randn(N_A, M, 4)
    (a[:, :, :4] * da).sum().backward()
    print("lstm_forward: a[4][3][6] =", round(float(a.data[4][3][6]), 12))
    print('lstm_backward: gradients["dWf"][3][1] =', p["Wf"].grad[3][1].round(12))
    weights = {k: v.data for k, v in p.items() if isinstance(v, tg.Tensor)}
    by_hand = lstm_backward_by_hand(x.data, a0.data, weights, da)
    for k, v in by_hand.items():
        got = {"dx": x.grad, "da0": a0.grad}.get(k)
        got = p[k[1:]].grad if got is None else got
        same[f"lstm {k}"] = bool(np.allclose(got, v, rtol=1e-11, atol=1e-14))
    for name, ok in same.items():
        print(f"{name:10s} autograd equals the course's backward: {ok}")
    return same


if __name__ == "__main__":
    main()
