"""Issue 3's speed targets: training the book's 2-2-1 iris network (1000 epochs, 70 samples).

- chainrule (``nn``'s own training, ``nn.book.iris.fit_iris_221``: fused w·x + b nodes) within
  1.5x the time of the book's hand-derived loop (``book_iris_loop.py``), run as the book runs it:
  on NumPy arrays with ``np.exp`` (0.43-0.75 s on this machine, as the issue measured). The same
  loop on plain Python floats is shown too, for information: it is about 4x faster.
- chainrule at least 15x faster than micrograd training the same network from the same start.

All of them start from the same initial parameters and are checked to end at the same ones.
"""

from __future__ import annotations

import numpy as np
import pytest
from book_iris_loop import book_mean_loss, numpy_sigmoid, train_book_221
from conftest import compare
from peers import micrograd_iris_221

from nn import iris_book_split
from nn.book.iris import fit_iris_221, iris_221_network

EPOCHS = 1000
SPLIT = iris_book_split()

# Issue 12 replaced this target (<= 1.5x) by the replay's (<= 1.0x, test_replay_speed.py): the Value
# path is shown for information.
VS_BOOK = compare("iris 2-2-1 train: vs book loop (NumPy data)", "book loop", None, faster=False)
VS_FLOATS = compare("iris 2-2-1 train: vs book loop (plain floats)", "floats loop", None, faster=False)
VS_MICROGRAD = compare("iris 2-2-1 train: vs micrograd", "micrograd", 15.0)


def to_book_order(parameters) -> list[float]:
    """nn's parameters, per neuron (hidden 0: w0 w2 b0, hidden 1: w1 w3 b1, output: w4 w5 b2), as w0..b2."""
    h0w0, h0w1, h0b, h1w0, h1w1, h1b, ow0, ow1, ob = (p.data for p in parameters)
    return [h0w0, h1w0, h0w1, h1w1, ow0, ow1, h0b, h1b, ob]


INITIAL = to_book_order(iris_221_network(0).parameters())


def train_chainrule():
    net = iris_221_network(0)
    fit_iris_221(net, SPLIT, epochs=EPOCHS, lr=0.1, compiled=False)  # the Value path
    return net


@pytest.fixture(scope="module")
def book_result() -> list[float]:
    return train_book_221(INITIAL, SPLIT.train_x, SPLIT.train_y, EPOCHS)


def test_book_loop_reproduces_the_book(book_result):
    assert book_mean_loss(book_result, SPLIT.train_x, SPLIT.train_y) == pytest.approx(0.0149545, abs=1e-6)


def test_iris_book_loop_numpy(run_rounds, book_result):
    x, y = np.array(SPLIT.train_x), np.array(SPLIT.train_y, dtype=float)
    trained = run_rounds(VS_BOOK, "book loop",
                         lambda: train_book_221(INITIAL, x, y, EPOCHS, sigmoid=numpy_sigmoid), rounds=5)
    assert trained == pytest.approx(book_result, rel=1e-9, abs=1e-12)


def test_iris_book_loop_floats(run_rounds, book_result):
    trained = run_rounds(VS_FLOATS, "floats loop",
                         lambda: train_book_221(INITIAL, SPLIT.train_x, SPLIT.train_y, EPOCHS), rounds=7)
    assert trained == book_result


def test_iris_chainrule(run_rounds, book_result):
    net = run_rounds((VS_BOOK, VS_FLOATS, VS_MICROGRAD), "chainrule", train_chainrule, rounds=5)
    assert to_book_order(net.parameters()) == pytest.approx(book_result, rel=1e-9, abs=1e-12)


def test_iris_micrograd(run_rounds, book_result):
    trained = run_rounds(VS_MICROGRAD, "micrograd",
                         lambda: micrograd_iris_221(INITIAL, SPLIT.train_x, SPLIT.train_y, EPOCHS), rounds=3)
    assert [p.data for p in trained] == pytest.approx(book_result, rel=1e-9, abs=1e-12)
