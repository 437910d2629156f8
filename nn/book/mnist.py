"""The book's own MNIST run (Kneusel, *Math for Deep Learning*, ch. 10) on the MNIST files you have.

MNIST does not ship with chainrule (``nn.load_mnist`` reads the four IDX files from a folder you
give): ``book_inputs`` makes the book's 14×14 inputs (2×2 averaging, scaled by 1/255),
``book_network`` is its 196-100-50-10 sigmoid network and ``train_book_mnist`` trains it on random
minibatches as the book does. See docs/digits.md.

>>> book_network()
MLP(196 → [100 sigmoid, 50 sigmoid, 10 sigmoid], fused neurons)
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from autograd.installation import numpy_for

from ..confusion import confusion_matrix
from ..layers import MLP
from ..losses import mse
from ..mnist import load_mnist
from ..optim import SGD
from ..training import fit
from .digits import DigitsRun
from .iris import predict_argmax

if TYPE_CHECKING:
    import numpy as np


def book_inputs(images: np.ndarray) -> np.ndarray:
    """The book's inputs: each 28×28 image averaged over 2×2 blocks to 14×14, divided by 255, as
    rows of 196 floats.

    >>> import numpy as np
    >>> book_inputs(np.full((1, 28, 28), 255, dtype=np.uint8)).shape
    (1, 196)
    """
    np = numpy_for('nn.book.mnist.book_inputs')
    n, rows, cols = images.shape
    if rows % 2 or cols % 2:
        raise ValueError(f"book_inputs: images of {rows}x{cols} pixels cannot be split into 2x2 blocks")
    blocks = images.astype(np.float64).reshape(n, rows // 2, 2, cols // 2, 2).mean(axis=(2, 4))
    return (blocks / 255.0).reshape(n, -1)


def book_network(seed: int = 0) -> MLP:
    """The book's 196-100-50-10 network: a sigmoid after every layer, weights and biases U[-0.5, 0.5).

    >>> book_network()
    MLP(196 → [100 sigmoid, 50 sigmoid, 10 sigmoid], fused neurons)
    """
    return MLP(196, [100, 50, 10], activations="sigmoid", weight_scale=1.0, bias_scale=1.0, rng=seed,
               fused="neuron")


@dataclass
class MnistRun(DigitsRun):
    """What ``train_book_mnist`` reports: the fields of a ``DigitsRun``, its history per minibatch."""

    @property
    def losses(self) -> list[float]:
        """The loss of each minibatch, taken before its update (the ``history``)."""
        return self.history


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
    np = numpy_for("the book's MNIST network (nn.book.mnist.train_book_mnist)")
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
