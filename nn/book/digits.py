"""The book's MNIST experiment scaled to data that ships with chainrule: 8×8 handwritten digits.

Kneusel (*Math for Deep Learning*, ch. 10) trains a 196-100-50-10 sigmoid network on 14×14 MNIST
with one-hot targets, a squared-error loss and minibatches. MNIST is too large to ship and too
slow for a scalar engine, so the same recipe runs here on the 1,797 8×8 images of the UCI
"Optical Recognition of Handwritten Digits" set (``nn.load_digits``, ``nn.digits_split``).
``nn.book.mnist.train_book_mnist(folder)`` runs the book's own network on MNIST files you have.

The network is 64-32-10 with a sigmoid after every layer (``fused="neuron"``: one node per
neuron), weights and biases U[-0.5, 0.5) as the book's toolkit draws them, the per-sample loss the
mean of the ten squared errors, SGD with lr 3.0 on minibatches of 10 in a seeded shuffled order,
60 epochs.

>>> HIDDEN, EPOCHS, LR, BATCH_SIZE
(32, 60, 3.0, 10)
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from ..confusion import accuracy, confusion_matrix
from ..datasets import DigitsSplit, digits_split, one_hot
from ..layers import MLP
from ..losses import mse
from ..optim import SGD
from ..training import fit
from .iris import predict_argmax

HIDDEN, EPOCHS, LR, BATCH_SIZE = 32, 60, 3.0, 10
"""The demo's settings: 64-32-10, 60 epochs, lr 3.0, minibatches of 10."""


def digits_network(hidden: int = HIDDEN, seed: int = 0) -> MLP:
    """64 → ``hidden`` → 10, sigmoid after every layer, weights and biases U[-0.5, 0.5).

    >>> digits_network(32, 0)
    MLP(64 → [32 sigmoid, 10 sigmoid], fused neurons)
    """
    return MLP(64, [hidden, 10], activations="sigmoid", weight_scale=1.0, bias_scale=1.0, rng=seed,
               fused="neuron")


@dataclass
class DigitsRun:
    """What the digits experiment reports (and, as a ``MnistRun``, the book's MNIST run)."""

    network: MLP
    history: list[float]
    """The training loss: the mean of each epoch (``train_digits``: a ``History``), or of each
    minibatch (``train_book_mnist``); each minibatch's loss is taken before its update."""
    confusion: list[list[int]]
    """Test confusion matrix, ``[actual][predicted]`` (10×10)."""
    cpu_seconds: float
    """CPU time of the training loop alone (``time.process_time``: fair on a shared machine)."""

    @property
    def accuracy(self) -> float:
        """The fraction of test images classified right (the trace over the total)."""
        return accuracy(self.confusion)


def train_digits(hidden: int = HIDDEN, epochs: int = EPOCHS, lr: float = LR,
                 batch_size: int = BATCH_SIZE, seed: int = 0, split: DigitsSplit | None = None,
                 compiled: bool | str = "matrix") -> DigitsRun:
    """Train the digits network in the book's style and return its test confusion matrix.

    The minibatch order is ``random.Random(seed)``'s shuffle of the training indices, a new
    shuffle each epoch (``fit``'s ``shuffle=seed``). ``compiled`` is ``fit``'s: by default the
    matrix replay (one matrix product per layer; the Value path's numbers to about 1e-12);
    ``False`` builds the graph of every sample.

    >>> run = train_digits(hidden=4, epochs=1, split=digits_split())
    >>> len(run.history), sum(map(sum, run.confusion))
    (1, 599)
    """
    split = digits_split() if split is None else split
    net = digits_network(hidden, seed)
    targets = [one_hot(y, 10) for y in split.train_y]
    start = time.process_time()
    history = fit(net, mse, split.train_x, targets, SGD(net.parameters(), lr=lr), epochs=epochs,
                  batch_size=batch_size, shuffle=seed, progress=False, compiled=compiled)  # type: ignore[arg-type]
    seconds = time.process_time() - start
    matrix = confusion_matrix(split.test_y, predict_argmax(net, split.test_x), n_classes=10)
    return DigitsRun(net, history, matrix, seconds)


def largest_confusions(matrix: list[list[int]], most: int = 5) -> list[tuple[int, int, int]]:
    """The largest off-diagonal counts as (count, actual, predicted), largest first.

    >>> largest_confusions([[5, 2, 0], [1, 7, 0], [0, 3, 9]], most=2)
    [(3, 2, 1), (2, 0, 1)]
    """
    cells = [(matrix[a][p], a, p) for a in range(len(matrix)) for p in range(len(matrix))
             if a != p and matrix[a][p] > 0]
    return sorted(cells, key=lambda c: (-c[0], c[1], c[2]))[:most]
