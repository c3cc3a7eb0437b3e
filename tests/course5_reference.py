"""Plain-numpy oracle of course 5's sequence models, from the course's formulas (test helper).

No tinygrad_edu code: the engine's autograd values are checked against these hand-written forward
and backward passes. The course's layout throughout: ``x (n_x, m, T_x)``, ``a (n_a, m, T_x)``, one
column per example; parameters ``Wax (n_a, n_x)``, ``Waa (n_a, n_a)``, ``Wya (n_y, n_a)``,
``ba (n_a, 1)``, ``by (n_y, 1)``; LSTM gates on ``concat = [a_prev; xt]`` with ``Wf, Wi, Wc, Wo
(n_a, n_a + n_x)``.

Sources: "Building your Recurrent Neural Network - Step by Step" (course 5, week 1, assignment 1)
and "Dinosaur Island - Character-Level Language Modeling" (week 1, assignment 2) with its
``utils.py`` (``rnn_forward``, ``rnn_backward``, ``update_parameters``, ``smooth``,
``get_initial_loss``). The softmax is the course's ``exp(x - max(x)) / sum(axis=0)``.
"""

import numpy as np


def softmax(x):
    """The course's softmax: ``e_x = exp(x - max(x))`` (one max over the array) / column sums.

    Example:
        >>> softmax(np.array([[0.0], [0.0]])).ravel().tolist()
        [0.5, 0.5]
    """
    e_x = np.exp(x - np.max(x))
    return e_x / e_x.sum(axis=0)


def sigmoid(x):
    """The course's ``1 / (1 + exp(-x))``."""
    return 1 / (1 + np.exp(-x))


# --- Assignment 1: the RNN and the LSTM, forward and backward ---------------------------------


def rnn_cell_forward(xt, a_prev, p):
    """``a_next = tanh(Waa a_prev + Wax xt + ba)``, ``yt = softmax(Wya a_next + by)``."""
    a_next = np.tanh(np.dot(p["Waa"], a_prev) + np.dot(p["Wax"], xt) + p["ba"])
    yt_pred = softmax(np.dot(p["Wya"], a_next) + p["by"])
    return a_next, yt_pred, (a_next, a_prev, xt, p)


def rnn_forward(x, a0, p):
    """The cell over ``x (n_x, m, T_x)``; returns ``a (n_a, m, T_x)``, ``y (n_y, m, T_x)``."""
    n_x, m, T_x = x.shape
    n_y, n_a = p["Wya"].shape
    a = np.zeros((n_a, m, T_x))
    y_pred = np.zeros((n_y, m, T_x))
    caches = []
    a_next = a0
    for t in range(T_x):
        a_next, yt_pred, cache = rnn_cell_forward(x[:, :, t], a_next, p)
        a[:, :, t] = a_next
        y_pred[:, :, t] = yt_pred
        caches.append(cache)
    return a, y_pred, (caches, x)


def rnn_cell_backward(da_next, cache):
    """The course's cell backward: ``dtanh = (1 - a_next^2) da_next``, then the chain rule."""
    a_next, a_prev, xt, p = cache
    dtanh = (1 - a_next**2) * da_next  # (n_a, m)
    return {
        "dxt": np.dot(p["Wax"].T, dtanh),
        "da_prev": np.dot(p["Waa"].T, dtanh),
        "dWax": np.dot(dtanh, xt.T),
        "dWaa": np.dot(dtanh, a_prev.T),
        "dba": np.sum(dtanh, axis=1, keepdims=True),
    }


def rnn_backward(da, caches):
    """Backprop through time: each step gets ``da[:, :, t] + da_prevt`` (the course's loop)."""
    caches, x = caches
    n_a, m, T_x = da.shape
    n_x = x.shape[0]
    dx = np.zeros((n_x, m, T_x))
    dWax = np.zeros((n_a, n_x))
    dWaa = np.zeros((n_a, n_a))
    dba = np.zeros((n_a, 1))
    da_prevt = np.zeros((n_a, m))
    for t in reversed(range(T_x)):
        g = rnn_cell_backward(da[:, :, t] + da_prevt, caches[t])
        dx[:, :, t] = g["dxt"]
        dWax += g["dWax"]
        dWaa += g["dWaa"]
        dba += g["dba"]
        da_prevt = g["da_prev"]
    return {"dx": dx, "da0": da_prevt, "dWax": dWax, "dWaa": dWaa, "dba": dba}


def lstm_cell_forward(xt, a_prev, c_prev, p):
    """The LSTM cell on ``concat = [a_prev; xt]``: forget, update (input) and output gates."""
    n_a = a_prev.shape[0]
    concat = np.concatenate((a_prev, xt), axis=0)  # (n_a + n_x, m)
    ft = sigmoid(np.dot(p["Wf"], concat) + p["bf"])
    it = sigmoid(np.dot(p["Wi"], concat) + p["bi"])
    cct = np.tanh(np.dot(p["Wc"], concat) + p["bc"])
    c_next = ft * c_prev + it * cct
    ot = sigmoid(np.dot(p["Wo"], concat) + p["bo"])
    a_next = ot * np.tanh(c_next)
    yt_pred = softmax(np.dot(p["Wy"], a_next) + p["by"])
    assert concat.shape[0] == n_a + xt.shape[0]
    return a_next, c_next, yt_pred, (a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, p)


def lstm_forward(x, a0, p):
    """The LSTM over ``x (n_x, m, T_x)``; ``c`` starts at zero. Returns ``a, y, c, caches``."""
    n_x, m, T_x = x.shape
    n_y, n_a = p["Wy"].shape
    a = np.zeros((n_a, m, T_x))
    c = np.zeros((n_a, m, T_x))
    y = np.zeros((n_y, m, T_x))
    a_next, c_next = a0, np.zeros((n_a, m))
    caches = []
    for t in range(T_x):
        a_next, c_next, yt, cache = lstm_cell_forward(x[:, :, t], a_next, c_next, p)
        a[:, :, t], c[:, :, t], y[:, :, t] = a_next, c_next, yt
        caches.append(cache)
    return a, y, c, (caches, x)


def lstm_cell_backward(da_next, dc_next, cache):
    """The LSTM cell's backward, written out gate by gate from the course's formulas."""
    a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, p = cache
    n_a = a_next.shape[0]
    tanh_c = np.tanh(c_next)
    dc = dc_next + da_next * ot * (1 - tanh_c**2)  # total gradient reaching c_next
    dot = da_next * tanh_c * ot * (1 - ot)
    dcct = dc * it * (1 - cct**2)
    dit = dc * cct * it * (1 - it)
    dft = dc * c_prev * ft * (1 - ft)
    concat = np.concatenate((a_prev, xt), axis=0)
    g = {
        "dWf": np.dot(dft, concat.T),
        "dWi": np.dot(dit, concat.T),
        "dWc": np.dot(dcct, concat.T),
        "dWo": np.dot(dot, concat.T),
        "dbf": np.sum(dft, axis=1, keepdims=True),
        "dbi": np.sum(dit, axis=1, keepdims=True),
        "dbc": np.sum(dcct, axis=1, keepdims=True),
        "dbo": np.sum(dot, axis=1, keepdims=True),
    }
    dconcat = (
        np.dot(p["Wf"].T, dft)
        + np.dot(p["Wi"].T, dit)
        + np.dot(p["Wc"].T, dcct)
        + np.dot(p["Wo"].T, dot)
    )
    g["da_prev"] = dconcat[:n_a]
    g["dxt"] = dconcat[n_a:]
    g["dc_prev"] = dc * ft
    return g


def lstm_backward(da, caches):
    """The course's loop: ``T_x`` comes from ``da``, so only its first steps are backpropagated."""
    caches, x = caches
    n_a, m, T_x = da.shape
    n_x = x.shape[0]
    grads = {"dx": np.zeros((n_x, m, T_x))}
    for name in ("dWf", "dWi", "dWc", "dWo"):
        grads[name] = np.zeros((n_a, n_a + n_x))
    for name in ("dbf", "dbi", "dbc", "dbo"):
        grads[name] = np.zeros((n_a, 1))
    da_prevt, dc_prevt = np.zeros((n_a, m)), np.zeros((n_a, m))
    for t in reversed(range(T_x)):
        g = lstm_cell_backward(da[:, :, t] + da_prevt, dc_prevt, caches[t])
        grads["dx"][:, :, t] = g["dxt"]
        for name in ("dWf", "dWi", "dWc", "dWo", "dbf", "dbi", "dbc", "dbo"):
            grads[name] += g[name]
        da_prevt, dc_prevt = g["da_prev"], g["dc_prev"]
    grads["da0"] = da_prevt
    return grads


# --- The fixtures: np.random.seed(1), then the draws in the course's order --------------------


def rnn_params(rng, wax_first=False):
    """Waa, Wax (or Wax, Waa for the backward fixtures), Wya, ba, by for n_x=3, n_a=5, n_y=2."""
    p = {}
    for name in ("Wax", "Waa") if wax_first else ("Waa", "Wax"):
        p[name] = rng.randn(5, 3) if name == "Wax" else rng.randn(5, 5)
    p["Wya"] = rng.randn(2, 5)
    p["ba"] = rng.randn(5, 1)
    p["by"] = rng.randn(2, 1)
    return p


def lstm_params(rng, with_y=True):
    """Wf, bf, Wi, bi, Wo, bo, Wc, bc (then Wy, by, or zeros for them) for n_x=3, n_a=5, n_y=2."""
    p = {}
    for gate in "fioc":
        p[f"W{gate}"] = rng.randn(5, 5 + 3)
        p[f"b{gate}"] = rng.randn(5, 1)
    if with_y:
        p["Wy"] = rng.randn(2, 5)
        p["by"] = rng.randn(2, 1)
    else:
        p["Wy"] = np.zeros((2, 5))
        p["by"] = np.zeros((2, 1))
    return p


def step_by_step():
    """Every value ``course rnn-step-by-step`` reports, from the hand-written formulas.

    Example:
        >>> v = step_by_step()
        >>> round(v["rnn_cell_forward_a_next_4"][0], 8)
        0.59584544
    """
    out = {}
    rng = np.random.RandomState(1)
    xt, a_prev = rng.randn(3, 10), rng.randn(5, 10)
    p = rnn_params(rng)
    a_next, yt, _ = rnn_cell_forward(xt, a_prev, p)
    out["rnn_cell_forward_a_next_4"] = a_next[4].tolist()
    out["rnn_cell_forward_yt_1"] = yt[1].tolist()

    rng = np.random.RandomState(1)
    x, a0 = rng.randn(3, 10, 4), rng.randn(5, 10)
    p = rnn_params(rng)
    a, y, _ = rnn_forward(x, a0, p)
    out["rnn_forward_a_4_1"] = a[4][1].tolist()
    out["rnn_forward_y_1_3"] = y[1][3].tolist()

    rng = np.random.RandomState(1)
    xt, a_prev, c_prev = rng.randn(3, 10), rng.randn(5, 10), rng.randn(5, 10)
    p = lstm_params(rng)
    a_next, c_next, yt, cache = lstm_cell_forward(xt, a_prev, c_prev, p)
    out["lstm_cell_forward_a_next_4"] = a_next[4].tolist()
    out["lstm_cell_forward_c_next_2"] = c_next[2].tolist()
    out["lstm_cell_forward_yt_1"] = yt[1].tolist()
    da_next, dc_next = rng.randn(5, 10), rng.randn(5, 10)  # the backward fixture continues here
    g = lstm_cell_backward(da_next, dc_next, cache)
    out["lstm_cell_backward"] = {
        "dxt_1_2": float(g["dxt"][1][2]),
        "da_prev_2_3": float(g["da_prev"][2][3]),
        "dc_prev_2_3": float(g["dc_prev"][2][3]),
        "dWf_3_1": float(g["dWf"][3][1]),
        "dWi_1_2": float(g["dWi"][1][2]),
        "dWc_3_1": float(g["dWc"][3][1]),
        "dWo_1_2": float(g["dWo"][1][2]),
        "dbf_4": g["dbf"][4].tolist(),
        "dbi_4": g["dbi"][4].tolist(),
        "dbc_4": g["dbc"][4].tolist(),
        "dbo_4": g["dbo"][4].tolist(),
    }

    rng = np.random.RandomState(1)
    x, a0 = rng.randn(3, 10, 7), rng.randn(5, 10)
    p = lstm_params(rng)
    a, y, c, _ = lstm_forward(x, a0, p)
    out["lstm_forward_a_4_3_6"] = float(a[4][3][6])
    out["lstm_forward_y_1_4_3"] = float(y[1][4][3])
    out["lstm_forward_c_1_2_1"] = float(c[1][2][1])

    rng = np.random.RandomState(1)
    xt, a_prev = rng.randn(3, 10), rng.randn(5, 10)
    p = rnn_params(rng, wax_first=True)
    _, _, cache = rnn_cell_forward(xt, a_prev, p)
    g = rnn_cell_backward(rng.randn(5, 10), cache)
    out["rnn_cell_backward"] = {
        "dxt_1_2": float(g["dxt"][1][2]),
        "da_prev_2_3": float(g["da_prev"][2][3]),
        "dWax_3_1": float(g["dWax"][3][1]),
        "dWaa_1_2": float(g["dWaa"][1][2]),
        "dba_4": g["dba"][4].tolist(),
    }

    rng = np.random.RandomState(1)
    x, a0 = rng.randn(3, 10, 4), rng.randn(5, 10)
    p = rnn_params(rng, wax_first=True)
    _, _, caches = rnn_forward(x, a0, p)
    g = rnn_backward(rng.randn(5, 10, 4), caches)
    out["rnn_backward"] = {
        "dx_1_2": g["dx"][1][2].tolist(),
        "da0_2_3": float(g["da0"][2][3]),
        "dWax_3_1": float(g["dWax"][3][1]),
        "dWaa_1_2": float(g["dWaa"][1][2]),
        "dba_4": g["dba"][4].tolist(),
    }

    rng = np.random.RandomState(1)
    x, a0 = rng.randn(3, 10, 7), rng.randn(5, 10)
    p = lstm_params(rng, with_y=False)
    _, _, _, caches = lstm_forward(x, a0, p)
    g = lstm_backward(rng.randn(5, 10, 4), caches)
    out["lstm_backward"] = {
        "dx_1_2": g["dx"][1][2].tolist(),
        "da0_2_3": float(g["da0"][2][3]),
        "dWf_3_1": float(g["dWf"][3][1]),
        "dWi_1_2": float(g["dWi"][1][2]),
        "dWc_3_1": float(g["dWc"][3][1]),
        "dWo_1_2": float(g["dWo"][1][2]),
        "dbf_4": g["dbf"][4].tolist(),
        "dbi_4": g["dbi"][4].tolist(),
        "dbc_4": g["dbc"][4].tolist(),
        "dbo_4": g["dbo"][4].tolist(),
    }
    return out


# --- Assignment 2: Dinosaur Island ------------------------------------------------------------


def clip(gradients, max_value):
    """The course's ``clip``: ``np.clip(g, -max_value, max_value, out=g)`` on each gradient."""
    for name in ("dWax", "dWaa", "dWya", "db", "dby"):
        np.clip(gradients[name], -max_value, max_value, out=gradients[name])
    return gradients


def sample(parameters, char_to_ix, seed):
    """The course's ``sample``: reseed with ``counter + seed`` before each draw; 50 at most."""
    Waa, Wax, Wya, by, b = (parameters[k] for k in ("Waa", "Wax", "Wya", "by", "b"))
    vocab_size = by.shape[0]
    n_a = Waa.shape[1]
    x = np.zeros((vocab_size, 1))
    a_prev = np.zeros((n_a, 1))
    indices = []
    idx = -1
    counter = 0
    newline = char_to_ix["\n"]
    while idx != newline and counter != 50:
        a = np.tanh(np.dot(Wax, x) + np.dot(Waa, a_prev) + b)
        z = np.dot(Wya, a) + by
        y = softmax(z)
        np.random.seed(counter + seed)
        idx = np.random.choice(list(range(vocab_size)), p=y.ravel())
        indices.append(int(idx))
        x = np.zeros((vocab_size, 1))
        x[idx] = 1
        a_prev = a
        seed += 1
        counter += 1
    if counter == 50:
        indices.append(newline)
    return indices


def dino_rnn_forward(X, Y, a0, parameters, vocab_size=27):
    """``utils.rnn_forward``: one-hot inputs (``None`` is the zero vector), loss -sum log y_hat."""
    x, a, y_hat = {}, {}, {}
    a[-1] = np.copy(a0)
    loss = 0
    for t in range(len(X)):
        x[t] = np.zeros((vocab_size, 1))
        if X[t] is not None:
            x[t][X[t]] = 1
        a[t] = np.tanh(
            np.dot(parameters["Wax"], x[t]) + np.dot(parameters["Waa"], a[t - 1]) + parameters["b"]
        )
        y_hat[t] = softmax(np.dot(parameters["Wya"], a[t]) + parameters["by"])
        loss -= np.log(y_hat[t][Y[t], 0])
    return loss, (y_hat, a, x)


def dino_rnn_backward(X, Y, parameters, cache):
    """``utils.rnn_backward``: ``dy = y_hat - onehot(Y)``, then backprop through time."""
    y_hat, a, x = cache
    g = {
        "dWax": np.zeros_like(parameters["Wax"]),
        "dWaa": np.zeros_like(parameters["Waa"]),
        "dWya": np.zeros_like(parameters["Wya"]),
        "db": np.zeros_like(parameters["b"]),
        "dby": np.zeros_like(parameters["by"]),
        "da_next": np.zeros_like(a[0]),
    }
    for t in reversed(range(len(X))):
        dy = np.copy(y_hat[t])
        dy[Y[t]] -= 1
        g["dWya"] += np.dot(dy, a[t].T)
        g["dby"] += dy
        da = np.dot(parameters["Wya"].T, dy) + g["da_next"]
        daraw = (1 - a[t] * a[t]) * da
        g["db"] += daraw
        g["dWax"] += np.dot(daraw, x[t].T)
        g["dWaa"] += np.dot(daraw, a[t - 1].T)
        g["da_next"] = np.dot(parameters["Waa"].T, daraw)
    return g, a


def optimize(X, Y, a_prev, parameters, learning_rate=0.01):
    """One step: forward, backward, clip at 5, update; returns ``(loss, gradients, a_last)``."""
    loss, cache = dino_rnn_forward(X, Y, a_prev, parameters)
    gradients, a = dino_rnn_backward(X, Y, parameters, cache)
    gradients = clip(gradients, 5)
    for name in ("Wax", "Waa", "Wya", "b", "by"):
        parameters[name] += -learning_rate * gradients["d" + name]
    return loss, gradients, a[len(X) - 1]


def dinosaurus(
    names, num_iterations=22001, n_a=50, dino_names=7, vocab_size=27, every=2000, perturb=None
):
    """The course's ``model``: returns ``{"losses": {j: smoothed}, "samples": {j: [names]},
    "parameters": ...}`` with the smoothed loss and samples every ``every`` iterations.

    ``perturb = (name, index, delta)`` adds ``delta`` to one initial weight (to measure chaos).
    """
    chars = sorted(set("\n".join(names)))
    char_to_ix = {ch: i for i, ch in enumerate(chars)}
    ix_to_char = dict(enumerate(chars))
    rng = np.random.RandomState(1)  # = utils.initialize_parameters: np.random.seed(1)
    parameters = {
        "Wax": rng.randn(n_a, vocab_size) * 0.01,
        "Waa": rng.randn(n_a, n_a) * 0.01,
        "Wya": rng.randn(vocab_size, n_a) * 0.01,
        "b": np.zeros((n_a, 1)),
        "by": np.zeros((vocab_size, 1)),
    }
    if perturb is not None:
        name, index, delta = perturb
        parameters[name][index] += delta
    loss = -np.log(1.0 / vocab_size) * dino_names
    examples = [x.strip() for x in names]
    np.random.seed(0)
    np.random.shuffle(examples)
    a_prev = np.zeros((n_a, 1))
    losses, samples = {}, {}
    for j in range(num_iterations):
        idx = j % len(examples)
        X = [None] + [char_to_ix[ch] for ch in examples[idx]]
        Y = X[1:] + [char_to_ix["\n"]]
        curr_loss, _, a_prev = optimize(X, Y, a_prev, parameters, learning_rate=0.01)
        loss = loss * 0.999 + curr_loss * 0.001
        if j % every == 0:
            losses[j] = float(loss)
            found = []
            for seed in range(dino_names):
                ix = sample(parameters, char_to_ix, seed)
                txt = "".join(ix_to_char[i] for i in ix)
                found.append((txt[0].upper() + txt[1:]).replace("\n", ""))
            samples[j] = found
    return {"losses": losses, "samples": samples, "parameters": parameters}


def unit_tests():
    """The course's ``clip``, ``sample`` and ``optimize`` tests, from the hand-written code."""
    out = {}
    for max_value in (10, 5):
        np.random.seed(3)
        g = {
            "dWax": np.random.randn(5, 3) * 10,
            "dWaa": np.random.randn(5, 5) * 10,
            "dWya": np.random.randn(2, 5) * 10,
            "db": np.random.randn(5, 1) * 10,
            "dby": np.random.randn(2, 1) * 10,
        }
        g = clip(g, max_value)
        out[f"clip_{max_value}"] = {
            "dWaa_1_2": float(g["dWaa"][1][2]),
            "dWax_3_1": float(g["dWax"][3][1]),
            "dWya_1_2": float(g["dWya"][1][2]),
            "db_4": g["db"][4].tolist(),
            "dby_1": g["dby"][1].tolist(),
        }
    chars = ["\n"] + [chr(ord("a") + i) for i in range(26)]
    char_to_ix = {ch: i for i, ch in enumerate(chars)}
    np.random.seed(24)
    p = {
        "Wax": np.random.randn(100, 27),
        "Waa": np.random.randn(100, 100),
        "Wya": np.random.randn(27, 100),
        "b": np.random.randn(100, 1),
        "by": np.random.randn(27, 1),
    }
    out["sample_indices"] = sample(p, char_to_ix, 0)
    np.random.seed(1)
    a_prev = np.random.randn(100, 1)
    p = {
        "Wax": np.random.randn(100, 27),
        "Waa": np.random.randn(100, 100),
        "Wya": np.random.randn(27, 100),
        "b": np.random.randn(100, 1),
        "by": np.random.randn(27, 1),
    }
    X, Y = [12, 3, 5, 11, 22, 3], [4, 14, 11, 22, 25, 26]
    loss, g, a_last = optimize(X, Y, a_prev, p, learning_rate=0.01)
    out["optimize"] = {
        "loss": float(loss),
        "dWaa_1_2": float(g["dWaa"][1][2]),
        "argmax_dWax": int(np.argmax(g["dWax"])),
        "dWya_1_2": float(g["dWya"][1][2]),
        "db_4": g["db"][4].tolist(),
        "dby_1": g["dby"][1].tolist(),
        "a_last_4": a_last[4].tolist(),
    }
    return out
