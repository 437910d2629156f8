"""The book's MNIST experiment scaled to data that ships with chainrule: 8×8 handwritten digits.

Kneusel (*Math for Deep Learning*, ch. 10) trains a 196-100-50-10 sigmoid network on 14×14 MNIST
with one-hot targets, a squared-error loss and minibatches. MNIST is too large to ship and too
slow for a scalar engine, so the same recipe runs here on the 1,797 8×8 images of the UCI
"Optical Recognition of Handwritten Digits" set (E. Alpaydin and C. Kaynak, 1998; CC BY 4.0;
bundled as ``nn/data/digits.csv.gz``: 64 pixel counts 0..16 per row, then the digit).
``train_book_mnist(folder)`` runs the book's own network on MNIST files you have.

The split is fixed: every third image (rows 2, 5, 8, ...) is a test image (599), the rest train
(1,198). Inputs are the pixel counts divided by 16. The network is 64-32-10 with a sigmoid after
every layer (``fused="neuron"``: one node per neuron), weights and biases U[-0.5, 0.5) as the
book's toolkit draws them, the per-sample loss the mean of the ten squared errors, SGD with lr 3.0
on minibatches of 10 in a seeded shuffled order, 60 epochs.

>>> table = load_digits()
>>> len(table.images), len(table.images[0]), table.labels[:5]
(1797, 64, [0, 1, 2, 3, 4])
"""

from __future__ import annotations

import gzip
import hashlib
import os
import time
from dataclasses import dataclass
from importlib import resources

from autograd.installation import numpy_for

from .data import Split, confusion_matrix, one_hot
from .iris import predict_argmax
from .layers import MLP
from .losses import mse
from .mnist import book_inputs, load_mnist
from .optim import SGD
from .training import History, fit

DIGITS_SHA256 = "6ebb3d2fee246a4e99363262ddf8a00a3c41bee6014c373ed9d9216ba7f651b8"
"""SHA-256 of the uncompressed CSV text of ``nn/data/digits.csv.gz`` (what the tests check)."""

HIDDEN, EPOCHS, LR, BATCH_SIZE = 32, 60, 3.0, 10
"""The demo's settings: 64-32-10, 60 epochs, lr 3.0, minibatches of 10."""


@dataclass(frozen=True)
class DigitsTable:
    """The 1,797 8×8 images: 64 pixel counts (0..16, row by row) each, and the digit shown."""

    images: list[list[float]]
    labels: list[int]


def digits_csv() -> str:
    """The bundled CSV text (one image per line: 64 counts, then the label).

    >>> digits_csv()[:20]
    '0,0,5,13,9,1,0,0,0,0'
    """
    raw = resources.files("nn").joinpath("data/digits.csv.gz").read_bytes()
    return gzip.decompress(raw).decode("ascii")


def load_digits() -> DigitsTable:
    """The bundled UCI 8×8 digits (1,797 images; CC BY 4.0), as lists of floats and int labels.

    >>> load_digits().labels.count(0)
    178
    """
    images, labels = [], []
    for line in digits_csv().splitlines():
        if line:
            numbers = [float(x) for x in line.split(",")]
            images.append(numbers[:64])
            labels.append(int(numbers[64]))
    return DigitsTable(images, labels)


@dataclass(frozen=True)
class DigitsSplit(Split):
    """The fixed split: inputs scaled to [0, 1], labels, and each sample's row in the table."""


def digits_split() -> DigitsSplit:
    """Every third image (rows 2, 5, 8, ...) to test, the others to train; pixels divided by 16.

    >>> s = digits_split()
    >>> len(s.train_x), len(s.test_x), s.test_rows[:3], max(max(x) for x in s.train_x)
    (1198, 599, [2, 5, 8], 1.0)
    """
    table = load_digits()
    scaled = [[p / 16.0 for p in image] for image in table.images]
    test_rows = [r for r in range(len(scaled)) if r % 3 == 2]
    train_rows = [r for r in range(len(scaled)) if r % 3 != 2]
    return DigitsSplit(
        train_x=[scaled[r] for r in train_rows], train_y=[table.labels[r] for r in train_rows],
        test_x=[scaled[r] for r in test_rows], test_y=[table.labels[r] for r in test_rows],
        train_rows=train_rows, test_rows=test_rows)


def digits_network(hidden: int = HIDDEN, seed: int = 0) -> MLP:
    """64 → ``hidden`` → 10, sigmoid after every layer, weights and biases U[-0.5, 0.5).

    >>> digits_network(32, 0)
    MLP(64 → [32 sigmoid, 10 sigmoid], fused neurons)
    """
    return MLP(64, [hidden, 10], activations="sigmoid", weight_scale=1.0, bias_scale=1.0, rng=seed,
               fused="neuron")


@dataclass
class DigitsRun:
    """What the digits experiment reports."""

    network: MLP
    history: History
    """The mean training loss of each epoch (each minibatch's loss taken before its update)."""
    confusion: list[list[int]]
    """Test confusion matrix, ``[actual][predicted]``."""
    cpu_seconds: float
    """CPU time of the training loop (``time.process_time``: fair on a shared machine)."""

    @property
    def accuracy(self) -> float:
        """The fraction of test images classified right (the trace over the total)."""
        return sum(self.confusion[k][k] for k in range(10)) / sum(map(sum, self.confusion))


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


def digits_checksum() -> str:
    """SHA-256 of the bundled CSV text; equals ``DIGITS_SHA256`` unless the file was changed.

    >>> digits_checksum() == DIGITS_SHA256
    True
    """
    return hashlib.sha256(digits_csv().encode("ascii")).hexdigest()


# --- the book's network on the real MNIST (files the user has) ------------------------------

def book_network(seed: int = 0) -> MLP:
    """The book's 196-100-50-10 network: a sigmoid after every layer, weights and biases U[-0.5, 0.5).

    >>> book_network()
    MLP(196 → [100 sigmoid, 50 sigmoid, 10 sigmoid], fused neurons)
    """
    return MLP(196, [100, 50, 10], activations="sigmoid", weight_scale=1.0, bias_scale=1.0, rng=seed,
               fused="neuron")


@dataclass
class MnistRun:
    """What ``train_book_mnist`` reports."""

    network: MLP
    losses: list[float]
    """The loss of each minibatch, taken before its update."""
    confusion: list[list[int]]
    """The test confusion matrix, ``[actual][predicted]`` (10×10)."""
    cpu_seconds: float
    """CPU time of the training loop alone."""

    @property
    def accuracy(self) -> float:
        """The fraction of test images classified right."""
        return sum(self.confusion[k][k] for k in range(10)) / sum(map(sum, self.confusion))


def train_book_mnist(folder: str | os.PathLike[str], minibatches: int = 40_000, batch_size: int = 64,
                     lr: float = 1.0, seed: int = 0, compiled: bool | str = "matrix") -> MnistRun:
    """The book's MNIST run: ``minibatches`` updates, each on a random subset of ``batch_size``
    training images (``random.Random(seed).sample``), loss the mean of the ten squared errors,
    SGD with ``lr``; then the test confusion matrix. ``compiled`` is ``fit``'s: by default the
    matrix replay, which makes the book's whole run (the defaults) a matter of minutes; with
    ``compiled=False`` (every minibatch's graph built) it takes hours: see docs/digits.md.

    >>> train_book_mnist("/no/such/folder", minibatches=1)
    Traceback (most recent call last):
    ...
    FileNotFoundError: load_mnist: no folder '/no/such/folder'
    """
    np = numpy_for("the book's MNIST network (nn.digits.train_book_mnist)")
    images, labels = load_mnist(folder, "train")
    test_images, test_labels = load_mnist(folder, "test")
    if isinstance(minibatches, bool) or not isinstance(minibatches, int) or minibatches < 1:
        raise ValueError(f"train_book_mnist: minibatches must be a positive int, got {minibatches!r}")
    if not 1 <= batch_size <= len(labels):
        raise ValueError(f"train_book_mnist: batch_size must be in 1..{len(labels)} (the training "
                         f"images), got {batch_size!r}")
    x, x_test = book_inputs(images), book_inputs(test_images)
    targets = np.eye(10)[labels.astype(np.int64)]
    net = book_network(seed)
    optimizer = SGD(net.parameters(), lr=lr)
    start = time.process_time()  # fit draws each minibatch as random.Random(seed).sample does
    losses = list(fit(net, mse, x, targets, optimizer, minibatches=minibatches, batch_size=batch_size,
                      shuffle=seed, progress=False, compiled=compiled))  # type: ignore[arg-type]
    seconds = time.process_time() - start
    predicted = predict_argmax(net, x_test.tolist())
    matrix = confusion_matrix(test_labels.astype(np.int64).tolist(), predicted, n_classes=10)
    return MnistRun(net, losses, matrix, seconds)
