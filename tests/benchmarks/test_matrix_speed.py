"""Issue 21's speed targets: ``fit(compiled="matrix")`` (the replay with one matrix product per
layer) against hand-written NumPy matrix loops and PyTorch, measured side by side.

Run:  python -m pytest tests/benchmarks --benchmark-only      (the table is printed at the end)

- digits 64-32-10 sigmoid, mean squared error, SGD lr 3.0, minibatches of 10 (demos/digits.py):
  ``fit`` for 5 epochs, its set-up (tracing, checking the data, writing the program) included,
  within 2x the time of a hand-written NumPy matrix loop, and faster than PyTorch on the CPU (one
  thread, and torch's default threads), all on the same minibatches from the same weights;
- iris 2-2-1, 1000 epochs of full-batch gradient descent: ``fit`` within 1.5x a NumPy matrix loop;
- the book's 196-100-50-10 network, one epoch of 60,000 synthetic MNIST-sized images in the book's
  minibatches of 64: under 15 s of CPU time on one core (a fresh process with one BLAS thread).

Every engine is timed in interleaved rounds, in CPU time (``time.process_time``, every thread).
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest
from conftest import MEASURES, compare, interleaved
from matrix_loops import train_numpy_matrix, train_torch, weights_of
from test_iris_speed import SPLIT

from nn import SGD, fit, half_squared_error, mse
from nn.batching import batches
from nn.book.digits import digits_network
from nn.book.iris import iris_221_network
from nn.datasets import digits_split, one_hot

torch = pytest.importorskip("torch", reason="PyTorch is a peer: pip install torch")

DIGITS_EPOCHS = 5
DIGITS_NUMPY = compare("digits 64-32-10 epoch, fit(compiled='matrix'): vs NumPy matrix loop",
                       "numpy matrix loop", 2.0, faster=False)
DIGITS_TORCH_1 = compare("digits 64-32-10 epoch, fit(compiled='matrix'): vs PyTorch 1 thread",
                         "torch 1 thread", 1.0)
DIGITS_TORCH_N = compare("digits 64-32-10 epoch, fit(compiled='matrix'): vs PyTorch default threads",
                         "torch threads", 1.0)
DIGITS_BATCH = compare("digits 64-32-10 epoch, fit(compiled='matrix'): vs fit(compiled='batch')",
                       "fit batch", None)
IRIS_MATRIX = compare("iris 2-2-1 1000 epochs, fit(compiled='matrix'): vs NumPy matrix loop",
                      "numpy matrix loop", 1.5, faster=False)
IRIS_BATCH_FIT = compare("iris 2-2-1 1000 epochs, fit(compiled='batch'): vs NumPy matrix loop",
                         "numpy matrix loop", None, faster=False)


def digits_data():
    split = digits_split()
    x = np.array(split.train_x, dtype=float)
    t = np.array([one_hot(y, 10) for y in split.train_y], dtype=float)
    rng = random.Random(0)  # fit's shuffle=0: one Random, a new shuffle each epoch
    groups = [g for _ in range(DIGITS_EPOCHS) for g in batches(len(x), 10, rng)]
    return split, x, t, groups


def test_digits_epoch(benchmark):
    split, x, t, groups = digits_data()
    start = weights_of(digits_network(32, 0))
    targets = [one_hot(y, 10) for y in split.train_y]

    def chainrule(compiled="matrix", epochs=DIGITS_EPOCHS):
        net = digits_network(32, 0)
        fit(net, mse, split.train_x, targets, SGD(net.parameters(), lr=3.0), epochs=epochs,
            batch_size=10, shuffle=0, progress=False, compiled=compiled)
        return net

    engines = {
        "chainrule": chainrule,
        "numpy matrix loop": lambda: train_numpy_matrix(start, x, t, groups, lr=3.0),
        "torch 1 thread": lambda: train_torch(start, x, t, groups, lr=3.0, threads=1),
        "torch threads": lambda: train_torch(start, x, t, groups, lr=3.0),
    }
    workloads = (DIGITS_NUMPY, DIGITS_TORCH_1, DIGITS_TORCH_N)
    times = benchmark.pedantic(lambda: interleaved(workloads, engines, rounds=5), rounds=1, iterations=1)
    del times
    # the Value path's standard: chainrule ends where the hand-written loop and PyTorch end
    ours = weights_of(chainrule())
    for other in (train_numpy_matrix(start, x, t, groups, lr=3.0),
                  train_torch(start, x, t, groups, lr=3.0, threads=1)):
        for p, q in zip(ours, other):
            assert np.allclose(p, q, rtol=1e-9, atol=1e-12)


def test_digits_epoch_batch_replay(benchmark):
    """For information: the scalar batch replay on the same work (one epoch each, it is slow)."""
    split, _, _, _ = digits_data()
    targets = [one_hot(y, 10) for y in split.train_y]

    def run(compiled):
        net = digits_network(32, 0)
        fit(net, mse, split.train_x, targets, SGD(net.parameters(), lr=3.0), epochs=1,
            batch_size=10, shuffle=0, progress=False, compiled=compiled)
        return net

    benchmark.pedantic(lambda: interleaved(DIGITS_BATCH, {"chainrule": lambda: run("matrix"),
                                                          "fit batch": lambda: run("batch")}, rounds=3),
                       rounds=1, iterations=1)


def test_iris_1000_epochs(benchmark):
    start = weights_of(iris_221_network(0))
    x = np.array(SPLIT.train_x, dtype=float)
    t = np.array(SPLIT.train_y, dtype=float).reshape(-1, 1)
    groups = [list(range(len(x)))] * 1000

    def chainrule(compiled="matrix"):
        net = iris_221_network(0)
        fit(net, half_squared_error, SPLIT.train_x, SPLIT.train_y, SGD(net.parameters(), lr=0.1),
            epochs=1000, progress=False, compiled=compiled)
        return net

    engines = {"chainrule": chainrule, "numpy matrix loop":
               lambda: train_numpy_matrix(start, x, t, groups, lr=0.1, loss="half", linear_output=True)}
    benchmark.pedantic(lambda: interleaved(IRIS_MATRIX, engines, rounds=5), rounds=1, iterations=1)
    interleaved(IRIS_BATCH_FIT, {"chainrule": lambda: chainrule("batch"),
                                 "numpy matrix loop": engines["numpy matrix loop"]}, rounds=3)
    ours = weights_of(chainrule())
    for p, q in zip(ours, train_numpy_matrix(start, x, t, groups, lr=0.1, loss="half", linear_output=True)):
        assert np.allclose(p, q, rtol=1e-9, atol=1e-12)


MNIST_EPOCH = textwrap.dedent("""
    import time
    import numpy as np
    from nn import SGD, fit, mse
    from nn.book.mnist import book_network
    rng = np.random.default_rng(0)
    x = rng.random((60000, 196))
    t = np.eye(10)[rng.integers(0, 10, 60000)]
    net = book_network(0)
    start = time.process_time()
    history = fit(net, mse, x, t, SGD(net.parameters(), lr=1.0), minibatches=60000 // 64,
                  batch_size=64, shuffle=0, progress=False, compiled="matrix")
    print(time.process_time() - start, history[0], history[-1])
""")


def test_book_mnist_epoch(benchmark):
    """One epoch's worth of the book's minibatches (60,000 / 64), in a fresh process on one core."""
    root = Path(__file__).resolve().parents[2]
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", MKL_NUM_THREADS="1",
               PYTHONPATH=str(root) + os.pathsep + os.environ.get("PYTHONPATH", ""))

    def run() -> float:
        out = subprocess.run([sys.executable, "-c", MNIST_EPOCH], env=env, capture_output=True, text=True,
                             check=True, cwd=root).stdout.split()
        assert float(out[2]) < float(out[1])  # the loss fell
        return float(out[0])

    seconds = sorted(benchmark.pedantic(lambda: [run() for _ in range(3)], rounds=1, iterations=1))
    MEASURES.append(("book MNIST 196-100-50-10: one epoch (938 minibatches of 64, 60,000 synthetic "
                     "images), fit(compiled='matrix'), 1 core (s, median)", seconds[1], 15.0, "s"))
