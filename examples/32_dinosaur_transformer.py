"""32 - A small character-level transformer that invents dinosaur names (course 5, week 4's ideas).

The Dinosaur Island RNN (example 31) reads a name one character at a time and carries everything
it knows in one hidden vector. A transformer reads all positions at once: each position attends
to the positions before it (a causal mask: it may not peek at the character it must predict),
through several heads, then a small MLP; residual connections and layer norm keep it trainable.
Built from ``nn.Embedding``, ``nn.LayerNorm``, ``nn.MultiheadAttention`` and ``nn.Linear``;
``backward()`` does the rest. Trained with Adam (course 2) on random 16-character windows of the
names joined by newlines, so it learns where names start and end.

Run it (about a minute on one CPU core; ``TINYGRAD_EDU_DATA`` must point at the folder holding
``dinos.txt``, a ``dinos/`` folder, or a folder beside it):

    python examples/32_dinosaur_transformer.py

What to look for: the loss on held-out names (10% never trained on) falls from log(27) = 3.30
nats per character (uniform guessing) to about 1.6, and the sampled names look like dinosaurs
("...saurus", "...ceratops", "...titan") without being copies of the training list.
"""

import sys
import time

import numpy as np

import tinygrad_edu as tg
from tinygrad_edu import nn, optim
from tinygrad_edu.data import load_dinos

BLOCK = 16  # context length (characters)
EMBED = 32  # model size E
HEADS = 4
LAYERS = 2
BATCH = 32
STEPS = 1500
LEARNING_RATE = 3e-3
SEED = 0


class Block(nn.Module):
    """x + attention(LN(x)), then x + MLP(LN(x)): a pre-norm transformer block."""

    def __init__(self, rng):
        super().__init__()
        self.ln1 = nn.LayerNorm(EMBED)
        self.attention = nn.MultiheadAttention(EMBED, HEADS, batch_first=True, rng=rng)
        self.ln2 = nn.LayerNorm(EMBED)
        self.mlp = nn.Sequential(
            nn.Linear(EMBED, 4 * EMBED, init="he", rng=rng),
            nn.ReLU(),
            nn.Linear(4 * EMBED, EMBED, init="course_deep", rng=rng),
        )

    def forward(self, x):  # (N, T, E)
        h = self.ln1(x)
        x = x + self.attention(h, h, h, need_weights=False, is_causal=True)[0]
        N, T, E = x.shape
        return x + self.mlp(self.ln2(x).reshape(N * T, E)).reshape(N, T, E)


class DinoTransformer(nn.Module):
    """Token and position embeddings, LAYERS blocks, a final layer norm and a linear head."""

    def __init__(self, vocab_size, rng):
        super().__init__()
        self.tokens = nn.Embedding(vocab_size, EMBED, rng=rng)
        self.positions = nn.Embedding(BLOCK, EMBED, rng=rng)
        self.blocks = [Block(rng) for _ in range(LAYERS)]
        self.ln = nn.LayerNorm(EMBED)
        self.head = nn.Linear(EMBED, vocab_size, init="course_small", rng=rng)  # uniform at first

    def forward(self, idx):  # (N, T) integers -> logits (N, T, V)
        N, T = idx.shape
        x = self.tokens(idx) * 0.1 + self.positions(np.arange(T)) * 0.1  # (N, T, E)
        for block in self.blocks:
            x = block(x)
        logits = self.head(self.ln(x).reshape(N * T, EMBED))
        return logits.reshape(N, T, -1)


def sample_name(model, char_to_ix, ix_to_char, rng, temperature=0.8, max_len=30):
    """Generate one name: start from '\\n', draw each next character until '\\n'."""
    context = [char_to_ix["\n"]]
    with tg.no_grad():
        for _ in range(max_len):
            logits = model(np.array([context[-BLOCK:]]))  # (1, T, V)
            ix = nn.functional.sample(logits.data[0, -1], temperature, rng=rng)
            if ix == char_to_ix["\n"]:
                break
            context.append(ix)
    return "".join(ix_to_char[i] for i in context[1:]).capitalize()


def windows(text, rng, n):
    """``n`` random windows of BLOCK characters and, shifted by one, the characters to predict."""
    starts = rng.integers(0, len(text) - BLOCK - 1, size=n)
    x = np.stack([text[s : s + BLOCK] for s in starts])  # (n, T)
    y = np.stack([text[s + 1 : s + BLOCK + 1] for s in starts])  # (n, T): the next characters
    return x, y


def loss_on(model, x, y):
    """Mean cross-entropy (nats per character) of the next-character predictions."""
    logits = model(x)  # (N, T, V)
    return tg.losses.cross_entropy(logits.reshape(x.size, -1), y.reshape(-1))


def main(steps=STEPS, data_dir=None, print_every=250, seed=SEED):
    """Train for ``steps`` Adam steps on 90% of the names; returns the held-out loss before and
    after training, the sampled names, and which of them are in the training list."""
    dinos = load_dinos(data_dir)
    char_to_ix, ix_to_char = dinos.char_to_ix, dinos.ix_to_char
    rng = np.random.default_rng(seed)
    names = list(dinos.names)
    rng.shuffle(names)
    split = len(names) * 9 // 10  # hold out 10% of the names: does it generalize?
    train, held_out = (
        np.array([char_to_ix[ch] for ch in "\n" + "\n".join(part) + "\n"])
        for part in (names[:split], names[split:])
    )
    x_val, y_val = windows(held_out, np.random.default_rng(1), 256)
    model = DinoTransformer(dinos.vocab_size, rng)
    n_params = sum(p.size for p in model.parameters())
    print(f"{n_params} parameters; {split} names to train on, {len(names) - split} held out")
    with tg.no_grad():
        first = loss_on(model, x_val, y_val).item()
    opt = optim.Adam(model.parameters(), lr=LEARNING_RATE)  # course 2's Adam, bias-corrected
    start, smoothed = time.perf_counter(), None
    for step in range(steps):
        loss = loss_on(model, *windows(train, rng, BATCH))
        opt.zero_grad()
        loss.backward()
        opt.step()
        smoothed = loss.item() if smoothed is None else 0.95 * smoothed + 0.05 * loss.item()
        if step % print_every == 0 or step == steps - 1:
            with tg.no_grad():
                val = loss_on(model, x_val, y_val).item()
            print(
                f"step {step:5d}  training loss {smoothed:.3f}  held-out loss {val:.3f}  "
                f"({time.perf_counter() - start:.0f} s)"
            )
    with tg.no_grad():
        last = loss_on(model, x_val, y_val).item()
    sampled = [sample_name(model, char_to_ix, ix_to_char, rng) for _ in range(10)]
    known = set(names[:split])
    for name in sampled:
        print(f"  {name}" + ("  (in the training list)" if name.lower() in known else ""))
    return {"held_out_before": first, "held_out_after": last, "names": sampled,
            "in_training_list": [name.lower() in known for name in sampled]}  # fmt: skip


if __name__ == "__main__":
    main(data_dir=sys.argv[1] if len(sys.argv) > 1 else None)
