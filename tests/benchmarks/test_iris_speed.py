"""Issue 3's speed targets: training the book's 2-2-1 iris network (1000 epochs, 70 samples).

- chainrule (``nn``'s own training, ``nn.iris.fit_iris_221``: fused w·x + b nodes) within
  1.5x the time of the book's hand-derived pure-Python loop (``book_iris_loop.py``);
- chainrule at least 15x faster than micrograd training the same network from the same start.

All three start from the same initial parameters and are checked to end at the same ones.
"""

from __future__ import annotations

import pytest
from book_iris_loop import book_mean_loss, train_book_221
from conftest import compare
from peers import micrograd_iris_221

from nn.data import iris_book_split
from nn.iris import fit_iris_221, iris_221_network

EPOCHS = 1000
SPLIT = iris_book_split()

VS_BOOK = compare("iris 2-2-1, 1000 epochs: vs the book's loop", "book loop", 1.5, faster=False)
VS_MICROGRAD = compare("iris 2-2-1, 1000 epochs: vs micrograd", "micrograd", 15.0)


def initial_parameters(seed: int = 0) -> list[float]:
    """The nn network's initial parameters in the book's order w0..w5, b0..b2.

    nn orders them per neuron: hidden 0 (w0, w2, b0), hidden 1 (w1, w3, b1), output (w4, w5, b2).
    """
    h0w0, h0w1, h0b, h1w0, h1w1, h1b, ow0, ow1, ob = (p.data for p in iris_221_network(seed).parameters())
    return [h0w0, h1w0, h0w1, h1w1, ow0, ow1, h0b, h1b, ob]


def nn_parameters_in_book_order(net) -> list[float]:
    h0w0, h0w1, h0b, h1w0, h1w1, h1b, ow0, ow1, ob = (p.data for p in net.parameters())
    return [h0w0, h1w0, h0w1, h1w1, ow0, ow1, h0b, h1b, ob]


def train_chainrule():
    net = iris_221_network(0)
    fit_iris_221(net, SPLIT, epochs=EPOCHS, lr=0.1)
    return net


@pytest.fixture(scope="module")
def book_result() -> list[float]:
    return train_book_221(initial_parameters(), SPLIT.train_x, SPLIT.train_y, EPOCHS)


def test_book_loop_reproduces_the_book(book_result):
    assert book_mean_loss(book_result, SPLIT.train_x, SPLIT.train_y) == pytest.approx(0.0149545, abs=1e-6)


def test_iris_book_loop(run_rounds, book_result):
    params = initial_parameters()
    trained = run_rounds(VS_BOOK, "book loop",
                         lambda: train_book_221(params, SPLIT.train_x, SPLIT.train_y, EPOCHS), rounds=7)
    assert trained == book_result


def test_iris_chainrule(run_rounds, book_result):
    net = run_rounds(VS_BOOK, "chainrule", train_chainrule, rounds=7)
    assert nn_parameters_in_book_order(net) == pytest.approx(book_result, rel=1e-9, abs=1e-12)
    VS_MICROGRAD.seconds["chainrule"] = VS_BOOK.seconds["chainrule"]


def test_iris_micrograd(run_rounds, book_result):
    params = initial_parameters()
    trained = run_rounds(VS_MICROGRAD, "micrograd",
                         lambda: micrograd_iris_221(params, SPLIT.train_x, SPLIT.train_y, EPOCHS), rounds=3)
    assert [p.data for p in trained] == pytest.approx(book_result, rel=1e-9, abs=1e-12)
