"""The book's two iris networks (Kneusel, *Math for Deep Learning*, ch. 10), built and trained with nn.

- 2-2-1: two sigmoid hidden units, one linear output, loss ½(a2 − y)² averaged over the 70
  training samples, full-batch gradient descent, lr 0.1, 1000 epochs; weights 1e-4·(U[0,1) − 0.5),
  biases 0. Class 1 when the output is >= 0.5.
- 2-2-2 one-hot: a 2-2 sigmoid layer and a 2-2 linear layer, per-sample loss the mean of the two
  squared errors, 4000 full-batch steps, lr 0.1, weights and biases U[−0.5, 0.5); class = argmax.

``train_iris_221`` is the whole experiment; ``fit_iris_221`` is only its training loop (for
benchmarks).

Beyond the book: ``train_iris_3class`` keeps all three species (softmax cross-entropy on three
logits), with the book's two features or all four.

>>> run = train_iris_221(seed=0, epochs=5)        # the demo and the tests run all 1000
>>> run.test_before
[[15, 0], [15, 0]]
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from autograd import no_grad
from autograd.text import Table
from autograd.views.notation import format_number

from ..confusion import confusion_matrix
from ..datasets import IrisSplit, iris_3class_split, iris_book_split, one_hot
from ..layers import MLP, Fusion
from ..losses import half_squared_error, mse, softmax_cross_entropy
from ..optim import SGD
from ..training import History, evaluate, fit

BOOK_NAMES = ("w0", "w2", "b0", "w1", "w3", "b1", "w4", "w5", "b2")
"""The book's names of the 2-2-1 network's nine parameters, in chainrule's ``named_parameters()`` order:
its hidden neuron 0 computes z0 = w0*x0 + w2*x1 + b0, neuron 1 z1 = w1*x0 + w3*x1 + b1, and the
output a2 = w4*a0 + w5*a1 + b2."""


def book_notation(net: MLP) -> Table:
    """The book's parameter names beside chainrule's (tutorial and dotted) names and values.

    >>> table = book_notation(iris_221_network(0))
    >>> for row in table.rows[:3]:
    ...     print(*row[:3])
    w0 W1[0][0] layers.0.neurons.0.w.0
    w1 W1[1][0] layers.0.neurons.1.w.0
    w2 W1[0][1] layers.0.neurons.0.w.1
    """
    if net.sizes != [2, 2, 1]:
        raise ValueError(f"book_notation: the book's names are for a 2-2-1 network, got sizes {net.sizes}")
    rows = [(book, tutorial, dotted, format_number(value.data))
            for book, (tutorial, value), (dotted, _) in zip(BOOK_NAMES, net.tutorial_names(),
                                                              net.named_parameters())]
    rows.sort(key=lambda row: (row[0][0] != "w", int(row[0][1:])))
    return Table(("book", "chainrule", "named_parameters()", "value"), rows, numeric=(3,),
                 notes=("the book: z0 = w0*x0 + w2*x1 + b0, z1 = w1*x0 + w3*x1 + b1, "
                        "a2 = w4*a0 + w5*a1 + b2;",
                        "its hidden a0, a1 are chainrule's a1[0], a1[1], its output a2 is a2."))


def iris_221_network(seed: int = 0, fused: Fusion = "neuron") -> MLP:
    """The 2-2-1 network with the book's initialisation, from a seeded ``random.Random``.

    >>> iris_221_network(0)
    MLP(2 → [2 sigmoid, 1 linear], fused neurons)
    """
    return MLP(2, [2, 1], activations=["sigmoid", "linear"], weight_scale=1e-4, bias_scale=0.0,
               rng=seed, fused=fused)


def predict_221(net: MLP, x: list[list[float]]) -> list[int]:
    """Class 1 where the network's output is >= 0.5, else 0 (no graph is built).

    >>> predict_221(iris_221_network(0), [[0.0, 0.0]])
    [0]
    """
    with no_grad():
        return [int(net(sample)[0].data >= 0.5) for sample in x]


def outputs_221(net: MLP, x: list[list[float]]) -> list[float]:
    """The network's output a2 for each sample (no graph is built).

    >>> [round(a, 6) for a in outputs_221(iris_221_network(0), [[0.0, 0.0]])]
    [-4e-06]
    """
    with no_grad():
        return [net(sample)[0].data for sample in x]


def fit_iris_221(net: MLP, split: IrisSplit, epochs: int = 1000, lr: float = 0.1,
                 compiled: bool = True) -> History:
    """The book's training: full-batch gradient descent on the mean of ½(a2 − y)², lr 0.1.

    ``compiled`` replays one flower's recorded graph (``fit(compiled=True)``): the same floats as
    building the graph for every flower, about ten times faster; False builds them.

    >>> net = iris_221_network(0); h = fit_iris_221(net, iris_book_split(), epochs=2)
    >>> len(h)
    2
    """
    return fit(net, half_squared_error, split.train_x, split.train_y, SGD(net.parameters(), lr=lr),
               epochs=epochs, progress=False, compiled=compiled)


@dataclass
class IrisRun:
    """Everything the 2-2-1 experiment reports: confusion matrices, losses, outputs, time."""

    network: MLP
    split: IrisSplit
    history: History
    test_before: list[list[int]]
    test_after: list[list[int]]
    train_after: list[list[int]]
    final_loss: float
    """Mean ½(a2 − y)² over the training set, with the final parameters."""
    seconds: float
    """Time taken by the training loop alone."""
    test_outputs: list[float]

    def misclassified(self) -> list[tuple[int, list[float], int, float]]:
        """(iris row, measurements in cm, true class, output) for each wrong test prediction."""
        split = self.split
        return [(row, split.measurements(row), y, out)
                for row, y, out in zip(split.test_rows, split.test_y, self.test_outputs)
                if int(out >= 0.5) != y]


def train_iris_221(seed: int = 0, epochs: int = 1000, lr: float = 0.1, fused: Fusion = "neuron",
                   compiled: bool = True) -> IrisRun:
    """Build, evaluate, train and evaluate again the book's 2-2-1 network."""
    split = iris_book_split()
    net = iris_221_network(seed, fused)
    before = confusion_matrix(split.test_y, predict_221(net, split.test_x))
    start = time.perf_counter()
    history = fit_iris_221(net, split, epochs, lr, compiled)
    seconds = time.perf_counter() - start
    outputs = outputs_221(net, split.test_x)
    return IrisRun(
        network=net, split=split, history=history, test_before=before,
        test_after=confusion_matrix(split.test_y, [int(a >= 0.5) for a in outputs]),
        train_after=confusion_matrix(split.train_y, predict_221(net, split.train_x)),
        final_loss=evaluate(net, half_squared_error, split.train_x, split.train_y),
        seconds=seconds, test_outputs=outputs)


# --- the layer-toolkit version: 2-2-2 with one-hot targets -----------------------------------

def iris_222_network(seed: int = 0, fused: bool = True) -> MLP:
    """2-2 sigmoid then 2-2 linear, weights and biases U[−0.5, 0.5) from a seeded RNG.

    >>> iris_222_network(0)
    MLP(2 → [2 sigmoid, 2 linear], fused)
    """
    return MLP(2, [2, 2], activations=["sigmoid", "linear"], weight_scale=1.0, bias_scale=1.0,
               rng=seed, fused=fused)


def predict_argmax(net: MLP, x: list[list[float]]) -> list[int]:
    """The index of the largest output for each sample (no graph is built).

    >>> predict_argmax(iris_222_network(0), [[0.0, 0.0]]) in ([0], [1])
    True
    """
    with no_grad():
        predictions = []
        for sample in x:
            out = [v.data for v in net(sample)]
            predictions.append(max(range(len(out)), key=out.__getitem__))
        return predictions


def train_iris_222_onehot(seed: int = 0, steps: int = 4000, lr: float = 0.1,
                          fused: bool = True) -> tuple[MLP, History, list[list[int]]]:
    """Train the toolkit network: ``steps`` full-batch updates of the mean over 70 samples of
    mean((a − onehot(y))²). Returns the network, the loss history and the test confusion matrix."""
    split = iris_book_split()
    net = iris_222_network(seed, fused)
    targets = [one_hot(y, 2) for y in split.train_y]
    history = fit(net, mse, split.train_x, targets, SGD(net.parameters(), lr=lr), epochs=steps,
                  progress=False)
    return net, history, confusion_matrix(split.test_y, predict_argmax(net, split.test_x))


# --- all three classes: softmax output and cross-entropy -----------------------------------

def iris_3class_network(features: int = 4, hidden: int = 4, seed: int = 0) -> MLP:
    """``features`` → ``hidden`` sigmoid → 3 linear logits (softmax is in the loss), U[-0.5, 0.5).

    >>> iris_3class_network(2)
    MLP(2 → [4 sigmoid, 3 linear], fused)
    """
    return MLP(features, [hidden, 3], activations=["sigmoid", "linear"], weight_scale=1.0,
               bias_scale=1.0, rng=seed)


def train_iris_3class(features: int = 4, hidden: int = 4, epochs: int = 1000, lr: float = 0.5,
                      seed: int = 0) -> tuple[MLP, History, list[list[int]], list[list[int]]]:
    """Full-batch gradient descent on the mean softmax cross-entropy over the 105 training flowers.

    Returns the network, the loss of each epoch and the train and test 3×3 confusion matrices.

    >>> net, history, train, test = train_iris_3class(features=2, epochs=2)
    >>> len(history), sum(map(sum, test))
    (2, 45)
    """
    split = iris_3class_split(features)
    net = iris_3class_network(features, hidden, seed)
    history = fit(net, softmax_cross_entropy, split.train_x, split.train_y,
                  SGD(net.parameters(), lr=lr), epochs=epochs, progress=False)
    train = confusion_matrix(split.train_y, predict_argmax(net, split.train_x), n_classes=3)
    test = confusion_matrix(split.test_y, predict_argmax(net, split.test_x), n_classes=3)
    return net, history, train, test
