"""Issue 12's speed targets: the replay (``autograd.trace``) against its peers, measured side by side.

Run:  python -m pytest tests/benchmarks --benchmark-only      (the table is printed at the end)

Every workload's engines run in interleaved rounds (each round times every engine once, in turn),
on CPU time; the median decides the target and the ratio of the minima is shown next to it. The
machine is shared, so single numbers are noisy; the ratios are what to read.

- iris 2-2-1, the book's setting (1000 epochs of full-batch gradient descent on the mean loss over
  70 flowers): the replay per sample vs the book's loop on NumPy data (<= 1.0x the time) and on
  plain floats (<= 1.2x); the replay's NumPy batch form, called in a hand loop, vs a hand-written
  NumPy batch loop (<= 2x), and ``fit(compiled="batch")`` itself (for information).
- a chain of 1e5 steps ``y = y * 1.0001 + 0.0001`` (2e5 ops): one replay call vs micrograd building
  the graph and running backward (>= 50x faster); a 1e5-op graph traced, written and compiled in
  under 2 s; its replay equals backward bit for bit (issue 17: any depth).
- a 10,000-input tanh neuron traced, written and compiled (information; issue 17: any width).
- a microgpt-shaped step (16 tokens, a 16-dim embedding, a linear layer to 27 classes, softmax
  cross-entropy per token): chainrule's Value path against the microgpt-style Value.
"""

from __future__ import annotations

import gc
import itertools
import random
import time

import numpy as np
import pytest
from book_iris_loop import numpy_sigmoid, train_book_221
from conftest import COMPARISONS, MEASURES, compare, interleaved
from microgpt_value import MicroGPTValue
from numpy_batch_loop import train_numpy_batch_221
from peers import MicrogradValue, chain, deep_stack
from test_iris_speed import INITIAL, SPLIT, to_book_order

from autograd import Value, dot, trace
from autograd.engine.fused import softmax_cross_entropy as fused_softmax_cross_entropy
from nn import SGD, half_squared_error, mean
from nn.book.iris import fit_iris_221, iris_221_network

EPOCHS = 1000
SAMPLES = [(x0, x1, float(y)) for (x0, x1), y in zip(SPLIT.train_x, SPLIT.train_y)]
X = np.array(SPLIT.train_x)
Y = np.array(SPLIT.train_y, dtype=float)

IRIS_BOOK = compare("iris 2-2-1 replay per sample: vs book loop (NumPy)", "book loop", 1.0, faster=False)
IRIS_FLOATS = compare("iris 2-2-1 replay per sample: vs book loop (floats)", "floats loop", 1.2,
                      faster=False)
IRIS_BATCH = compare("iris 2-2-1 replay batch (step in a hand loop): vs NumPy batch loop", "numpy batch loop",
                     2.0, faster=False)
IRIS_BATCH_FIT = compare("iris 2-2-1 fit(compiled='batch'): vs NumPy batch loop", "numpy batch loop", None,
                         faster=False)
IRIS_VALUE = compare("iris 2-2-1 replay per sample: vs Value path (fit)", "Value path", None)
CHAIN = compare("chain 1e5 (2e5 ops) replay: vs micrograd build + bwd", "micrograd", 50.0)
CHAIN_GPT = compare("chain 1e5 (2e5 ops) replay: vs microgpt-style", "microgpt-style", None)
CHAIN_VALUE = compare("chain 1e5 (2e5 ops) replay: vs Value path", "Value path", None)
GPT_FUSED = compare("microgpt step, Value path, fused dot + CE: vs microgpt", "microgpt-style", 4.0)
GPT_UNFUSED = compare("microgpt step, Value path, unfused: vs microgpt", "microgpt-style", 1.0)


def record(workload: str, engine: str, times: list[float]) -> None:
    """File one engine's round times under ``workload`` as ``engine`` (median and minimum)."""
    COMPARISONS[workload].seconds[engine] = float(np.median(times))
    COMPARISONS[workload].fastest[engine] = min(times)


# --- iris 2-2-1 ------------------------------------------------------------------------------------

def iris_step(net):
    return trace(lambda x0, x1, y: half_squared_error(net([x0, x1])[0], y), params=net.parameters())


def train_replay_per_sample():
    """The book's training with the replay: each epoch, every sample's program adds its share (seed
    1/70) of the mean loss's gradient, then one SGD step."""
    net = iris_221_network(0)
    step = iris_step(net)
    optimizer = SGD(net.parameters(), lr=0.1)
    seed = 1.0 / len(SAMPLES)
    for _ in range(EPOCHS):
        optimizer.zero_grad()
        for x0, x1, y in SAMPLES:
            step(x0, x1, y, seed=seed)
        optimizer.step()
    return net


def train_replay_batch():
    """The same with the batch form: one call per epoch computes all 70 samples."""
    net = iris_221_network(0)
    step = iris_step(net)
    optimizer = SGD(net.parameters(), lr=0.1)
    x0, x1 = X[:, 0].copy(), X[:, 1].copy()
    seed = 1.0 / len(SAMPLES)
    for _ in range(EPOCHS):
        optimizer.zero_grad()
        step(x0, x1, Y, seed=seed)
        optimizer.step()
    return net


def train_value_path():
    net = iris_221_network(0)
    fit_iris_221(net, SPLIT, epochs=EPOCHS, lr=0.1, compiled=False)
    return net


def train_fit_batch():
    net = iris_221_network(0)
    fit_iris_221(net, SPLIT, epochs=EPOCHS, lr=0.1, compiled="batch")
    return net


def test_iris_replay(benchmark):
    book = train_book_221(INITIAL, SPLIT.train_x, SPLIT.train_y, EPOCHS)
    engines = {
        "replay per sample": train_replay_per_sample,
        "book loop": lambda: train_book_221(INITIAL, X, Y, EPOCHS, sigmoid=numpy_sigmoid),
        "floats loop": lambda: train_book_221(INITIAL, SPLIT.train_x, SPLIT.train_y, EPOCHS),
        "replay batch": train_replay_batch,
        "fit batch": train_fit_batch,
        "numpy batch loop": lambda: train_numpy_batch_221(INITIAL, X, Y, EPOCHS),
        "Value path": train_value_path,
    }
    times = benchmark.pedantic(lambda: interleaved((), engines, rounds=5), rounds=1, iterations=1)
    for workload in (IRIS_BOOK, IRIS_FLOATS, IRIS_VALUE):
        record(workload, "chainrule", times["replay per sample"])
        peer = COMPARISONS[workload].peer
        record(workload, peer, times[peer])
    record(IRIS_BATCH, "chainrule", times["replay batch"])
    record(IRIS_BATCH, "numpy batch loop", times["numpy batch loop"])
    record(IRIS_BATCH_FIT, "chainrule", times["fit batch"])
    record(IRIS_BATCH_FIT, "numpy batch loop", times["numpy batch loop"])
    assert to_book_order(train_replay_per_sample().parameters()) == pytest.approx(book, rel=1e-9)
    assert to_book_order(train_replay_batch().parameters()) == pytest.approx(book, rel=1e-9)


# --- a 1e5-step chain ------------------------------------------------------------------------------

CHAIN_STEPS = 100_000


def test_chain_replay(benchmark):
    """The peers are timed first, as a user runs them: with no traced graph alive, and with what the
    test session holds (pytest, NumPy, torch, earlier tests' objects) frozen out of the garbage
    collector's scans (``gc.freeze``), as in a fresh process. Every collection scans every live
    object, and micrograd's graphs are cycles that only the collector frees: timed beside a traced
    2e5-node graph, micrograd takes 1.5-1.9x its own time."""
    x = Value(1.0)
    step = None

    def replay():
        x.grad = 0.0
        step()
        return x.grad

    def rebuild(value_class):
        def run():
            x0, y = chain(value_class, CHAIN_STEPS)
            y.backward()
            return x0, y
        return lambda: deep_stack(run)

    def both_phases():
        nonlocal step
        peers = {"micrograd": rebuild(MicrogradValue), "microgpt-style": rebuild(MicroGPTValue),
                 "Value path": rebuild(Value)}
        gc.collect()
        gc.freeze()
        try:
            times = interleaved((), peers, rounds=5)
        finally:
            gc.unfreeze()
        step = trace(lambda: chain_graph(x), params=[x])
        step()
        times.update(interleaved((), {"replay": replay}, rounds=5))
        return times

    times = benchmark.pedantic(both_phases, rounds=1, iterations=1)
    for workload in (CHAIN, CHAIN_GPT, CHAIN_VALUE):
        record(workload, "chainrule", times["replay"])
        peer = COMPARISONS[workload].peer
        record(workload, peer, times[peer])
    assert replay() == pytest.approx(1.0001**CHAIN_STEPS, rel=1e-9)


def chain_graph(x):
    y = x
    for _ in range(CHAIN_STEPS):
        y = y * 1.0001 + 0.0001
    return y


@pytest.mark.parametrize("steps, limit", [(50_000, 2.0), (100_000, None)])
def test_ready_time(benchmark, steps, limit):
    """Trace (run the function with Values), write the program and compile it: the first call."""

    def ready():
        x = Value(1.0)
        start = time.process_time()
        step = trace(lambda: _chain(x, steps), params=[x])
        step()
        return time.process_time() - start

    seconds = sorted(benchmark.pedantic(lambda: [ready() for _ in range(3)], rounds=1, iterations=1))
    what = f"{2 * steps:.0e}-op chain: trace + write + compile (s, median)"
    MEASURES.append((what, seconds[1], limit, "s"))
    # and the replay gives backward's floats, bit for bit (issue 17: any depth)
    x = Value(1.0)
    step = trace(lambda c: _chain(x, steps, c), params=[x])
    loss = step(1.0001)
    fresh = Value(1.0)
    expected = _chain(fresh, steps, 1.0001)
    expected.backward()
    assert (loss, x.grad) == (expected.data, fresh.grad)


NEURON_INPUTS = 10_000


def test_wide_neuron_ready_time(benchmark):
    """A 10,000-input tanh neuron (one fused node with 20,001 edges; its inputs are the step's
    10,000 arguments): trace, write and compile, then the replay against backward (issue 17)."""
    rng = random.Random(0)
    ws = [Value(rng.uniform(-0.02, 0.02)) for _ in range(NEURON_INPUTS)]
    b = Value(0.1)
    xs = [rng.uniform(-1.0, 1.0) for _ in range(NEURON_INPUTS)]

    def ready():
        start = time.process_time()
        step = trace(lambda *x: dot(ws, x, b, "tanh"), params=[*ws, b])
        step(*xs)
        return time.process_time() - start

    seconds = sorted(benchmark.pedantic(lambda: [ready() for _ in range(3)], rounds=1, iterations=1))
    MEASURES.append(("10,000-input neuron: trace + write + compile (s, median)", seconds[1], None, "s"))
    for v in [*ws, b]:
        v.grad = 0.0
    step = trace(lambda *x: dot(ws, x, b, "tanh"), params=[*ws, b])
    loss = step(*xs)
    got = [v.grad for v in [*ws, b]]
    for v in [*ws, b]:
        v.grad = 0.0
    expected = dot(ws, xs, b, "tanh")
    expected.backward()
    assert [loss, *got] == [expected.data, *(v.grad for v in [*ws, b])]


def _chain(x, steps, scale=1.0001):
    y = x
    for _ in range(steps):
        y = y * scale + 0.0001
    return y


# --- a microgpt-shaped step ------------------------------------------------------------------------

VOCAB, EMBED, TOKENS = 27, 16, 16


def gpt_parameters(value_class, seed=0):
    rng = random.Random(seed)
    table = [[value_class(rng.gauss(0, 0.1)) for _ in range(EMBED)] for _ in range(VOCAB)]
    weights = [[value_class(rng.gauss(0, 0.1)) for _ in range(EMBED)] for _ in range(VOCAB)]
    biases = [value_class(0.0) for _ in range(VOCAB)]
    return table, weights, biases


SEQUENCE = [random.Random(1).randrange(VOCAB) for _ in range(TOKENS + 1)]


def gpt_step_plain(parameters):
    """microgpt's way: logits from sums of products, softmax from exp and division, −log p."""
    table, weights, biases = parameters
    losses = []
    for token, target in itertools.pairwise(SEQUENCE):
        x = table[token]
        logits = [sum((w * xi for w, xi in zip(row, x)), b) for row, b in zip(weights, biases)]
        top = max(v.data for v in logits)
        exps = [(v - top).exp() for v in logits]
        total = sum(exps)
        losses.append(-(exps[target] / total).log())
    loss = sum(losses) * (1.0 / len(losses))
    loss.backward()
    return loss


def gpt_step_fused(parameters):
    """chainrule's fused rows: each logit one dot node, each token's loss one softmax cross-entropy
    node (autograd.fused.softmax_cross_entropy), then the mean."""
    table, weights, biases = parameters
    losses = []
    for token, target in itertools.pairwise(SEQUENCE):
        x = table[token]
        logits = [dot(row, x, b) for row, b in zip(weights, biases)]
        losses.append(fused_softmax_cross_entropy(logits, target))
    loss = mean(losses)
    loss.backward()
    return loss


def test_microgpt_step(benchmark):
    gpt, ours = gpt_parameters(MicroGPTValue), gpt_parameters(Value)
    engines = {"microgpt-style": lambda: gpt_step_plain(gpt), "unfused": lambda: gpt_step_plain(ours),
               "fused": lambda: gpt_step_fused(ours)}
    times = benchmark.pedantic(lambda: interleaved((), engines, rounds=7), rounds=1, iterations=1)
    record(GPT_FUSED, "chainrule", times["fused"])
    record(GPT_UNFUSED, "chainrule", times["unfused"])
    for workload in (GPT_FUSED, GPT_UNFUSED):
        record(workload, "microgpt-style", times["microgpt-style"])
    assert gpt_step_fused(ours).data == pytest.approx(gpt_step_plain(gpt).data, rel=1e-12)
