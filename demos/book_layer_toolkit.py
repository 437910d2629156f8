"""The book's layer toolkit, written by hand in NumPy, beside chainrule on the book's iris setup.

Kneusel's chapter 10 builds networks from two kinds of layer, each with forward, backward and step:
a fully connected layer (y = W·x + b; backward: dE/dx = Wᵀ·delta, dE/dW = delta·xᵀ, dE/db = delta)
and an activation layer (y = sigma(x); backward: dE/dx = sigma'(x) ⊙ delta). A Network chains them
and trains in minibatches: each minibatch is a random subset of the training set, training is
counted in minibatches, and the mean error is printed every 10 of them.

This file writes that toolkit from the book's equations (our own code) and then:
1. gives it the same weights as chainrule's 2-2-2 iris network and compares the mean gradients over
   the 70 training flowers: toolkit, chainrule's backward() and nn.layer_view;
2. trains both on the same random minibatches (chainrule with fit(minibatches=...)) and compares
   the errors every 10 minibatches and the final weights;
3. runs the book's training with the toolkit: 4000 minibatches of 70, lr 0.1, and prints the
   test confusion matrix (the book's: [[14, 1], [0, 15]]).

Run:  python demos/book_layer_toolkit.py
(``CHAINRULE_FAST=1`` runs 100 minibatches in part 3 instead of 4000.)
"""

from __future__ import annotations

import os

import numpy as np

from autograd.text import Table, echo
from nn import SGD, batch_loss, fit, iris_book_split, layer_view, mse, one_hot, random_subsets
from nn.book.iris import iris_222_network, predict_argmax

FAST = os.environ.get("CHAINRULE_FAST") == "1"
SEED = 0
SHORT = (60, 16, 0.1)
"""Part 2: minibatches, batch size, learning rate."""
BOOK = (100 if FAST else 4000, 70, 0.1)
"""Part 3, the book's setup: 4000 minibatches of 70 (all 70 flowers, in a random order), lr 0.1."""


# --- the toolkit -------------------------------------------------------------------------------

class ActivationLayer:
    """y = sigma(x) entry by entry; backward multiplies delta by sigma'(x). No parameters."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self.x = np.zeros((0, 0))

    def forward(self, x: np.ndarray) -> np.ndarray:
        """sigma(x), keeping x for the backward pass."""
        self.x = x
        return 1.0 / (1.0 + np.exp(-x)) if self.kind == "sigmoid" else x

    def backward(self, delta: np.ndarray) -> np.ndarray:
        """dE/dx = sigma'(x) ⊙ delta, with sigma' = sigma·(1 - sigma) from the kept x."""
        if self.kind == "linear":
            return delta
        s = 1.0 / (1.0 + np.exp(-self.x))
        return s * (1.0 - s) * delta

    def step(self, eta: float) -> None:
        """Nothing to learn."""


class FullyConnectedLayer:
    """y = W·x + b. Backward accumulates dE/dW = delta·xᵀ and dE/db = delta until the next step."""

    def __init__(self, W: np.ndarray, b: np.ndarray) -> None:
        self.W, self.b = W.astype(float), b.astype(float).reshape(-1, 1)
        self.dW, self.db, self.count = np.zeros_like(self.W), np.zeros_like(self.b), 0
        self.x = np.zeros((0, 0))

    def forward(self, x: np.ndarray) -> np.ndarray:
        """W·x + b, keeping x for the backward pass."""
        self.x = x
        return self.W @ x + self.b

    def backward(self, delta: np.ndarray) -> np.ndarray:
        """Accumulate delta·xᵀ and delta; send Wᵀ·delta to the layer below."""
        self.dW += delta @ self.x.T          # one column per sample: the product sums over them
        self.db += delta.sum(axis=1, keepdims=True)
        self.count += delta.shape[1]
        return self.W.T @ delta

    def step(self, eta: float) -> None:
        """Move by the mean gradient of the samples seen since the last step, then forget them."""
        self.W -= eta * self.dW / self.count
        self.b -= eta * self.db / self.count
        self.dW, self.db, self.count = np.zeros_like(self.W), np.zeros_like(self.b), 0


class Network:
    """Layers in a row, the loss mean((y - target)**2) over the outputs, minibatch training."""

    def __init__(self, layers: list) -> None:
        self.layers = layers

    def forward(self, x: np.ndarray) -> np.ndarray:
        """Every layer's forward, in order."""
        for layer in self.layers:
            x = layer.forward(x)
        return x

    def backward(self, delta: np.ndarray) -> None:
        """Every layer's backward, last layer first."""
        for layer in reversed(self.layers):
            delta = layer.backward(delta)

    def step(self, eta: float) -> None:
        """Every layer's step."""
        for layer in self.layers:
            layer.step(eta)

    @staticmethod
    def error(out: np.ndarray, target: np.ndarray) -> float:
        """The mean over the samples (columns) of each sample's mean squared error."""
        return float(np.mean(np.mean((out - target) ** 2, axis=0)))

    def gradient_pass(self, x: np.ndarray, target: np.ndarray) -> float:
        """Forward and backward for the samples in the columns of x; returns their mean error."""
        out = self.forward(x)
        self.backward(2.0 * (out - target) / out.shape[0])   # d mean((out - t)**2) / d out
        return self.error(out, target)

    def fit(self, x: np.ndarray, target: np.ndarray, subsets: list[list[int]], eta: float,
            report_every: int = 10) -> list[tuple[int, float]]:
        """One step per minibatch (a list of sample indices); the error every ``report_every``."""
        reports = []
        for k, subset in enumerate(subsets):
            error = self.gradient_pass(x[:, subset], target[:, subset])
            self.step(eta)
            if k % report_every == 0 or k == len(subsets) - 1:
                reports.append((k, error))
        return reports

    def weights(self) -> list[np.ndarray]:
        """W1, b1, W2, b2, ...: every fully connected layer's parameters."""
        fcs = [layer for layer in self.layers if isinstance(layer, FullyConnectedLayer)]
        return [a for layer in fcs for a in (layer.W, layer.b)]


# --- the same network in chainrule and in the toolkit ------------------------------------------

def data() -> tuple[np.ndarray, np.ndarray, list[list[float]], list[list[float]]]:
    """The book's 70 training flowers as columns (2×70) with one-hot targets (2×70), and as lists."""
    split = iris_book_split()
    targets = [one_hot(y, 2) for y in split.train_y]
    return np.array(split.train_x).T, np.array(targets).T, split.train_x, targets


def toolkit_from(net) -> Network:
    """A toolkit network holding a copy of the chainrule MLP's weights: 2-2 sigmoid, then 2-2 linear."""
    layers: list = []
    for layer in net.layers:
        W = np.array([[w.data for w in n.w] for n in layer.neurons])
        b = np.array([n.b.data for n in layer.neurons])
        layers += [FullyConnectedLayer(W, b), ActivationLayer(layer.activation)]
    return Network(layers)


def chainrule_weights(net) -> list[np.ndarray]:
    """The MLP's W1, b1, W2, b2 as arrays in the toolkit's shapes."""
    out = []
    for layer in net.layers:
        out.append(np.array([[w.data for w in n.w] for n in layer.neurons]))
        out.append(np.array([[n.b.data] for n in layer.neurons]))
    return out


def compare_gradients(seed: int = SEED) -> Table:
    """Mean gradients over the 70 flowers from the toolkit, from backward() and from nn.layer_view."""
    x, t, xs, targets = data()
    net = iris_222_network(seed)
    kit = toolkit_from(net)
    kit.gradient_pass(x, t)
    fcs = [layer for layer in kit.layers if isinstance(layer, FullyConnectedLayer)]
    net.zero_grad()
    batch_loss(net, mse, xs, targets).backward()
    view = layer_view(net, xs, targets, mse)
    rows = []
    for number, (fc, layer, lv) in enumerate(zip(fcs, net.layers, view.layers), start=1):
        for j, neuron in enumerate(layer.neurons):
            for i, w in enumerate(neuron.w):
                rows.append((f"W{number}[{j}][{i}]", fc.dW[j, i] / fc.count, w.grad, lv.dW[j, i]))
            rows.append((f"b{number}[{j}]", fc.db[j, 0] / fc.count, neuron.b.grad, lv.db[j, 0]))
    worst = max(max(abs(a - b), abs(a - c)) for _, a, b, c in rows)
    return Table(("parameter", "toolkit", "chainrule backward()", "nn.layer_view"),
                 [(name, f"{a:.12g}", f"{b:.12g}", f"{c:.12g}") for name, a, b, c in rows], numeric=(1, 2, 3),
                 notes=[f"largest difference: {worst:.1e}"])


def train_both(seed: int = SEED, settings: tuple[int, int, float] = SHORT):
    """The toolkit and chainrule trained on the same random minibatches; returns both and the reports."""
    count, size, eta = settings
    x, t, xs, targets = data()
    net = iris_222_network(seed)
    kit = toolkit_from(net)
    reports = kit.fit(x, t, list(random_subsets(70, size, count, shuffle=seed)), eta)
    history = fit(net, mse, xs, targets, SGD(net.parameters(), lr=eta), minibatches=count, batch_size=size,
                  shuffle=seed, progress=False)
    return kit, net, reports, history


def main(seed: int = SEED) -> None:
    echo("the book's layer toolkit (FullyConnectedLayer, ActivationLayer, Network), in NumPy, on the")
    echo("book's iris network: 2-2 sigmoid, 2-2 linear, one-hot targets, per-sample loss")
    echo("mean((y - target)**2) over the two outputs, weights and biases U[-0.5, 0.5)\n")
    echo(f"1. the same weights (chainrule's iris_222_network({seed})): mean gradients over the 70 flowers\n")
    echo(compare_gradients(seed))

    count, size, eta = SHORT
    echo(f"\n2. the book's minibatch scheme: {count} minibatches, each a random subset of {size} of the 70")
    echo(f"   flowers, lr {eta}; the same subsets for both (nn.random_subsets(70, {size}, {count}, "
         f"shuffle={seed}))\n")
    kit, net, reports, history = train_both(seed)
    rows = [(str(k), f"{error:.9f}", f"{history[k]:.9f}") for k, error in reports]
    header = ("minibatch", "toolkit mean error", "chainrule fit(minibatches=...)")
    echo(Table(header, rows, numeric=(0, 1, 2)))
    worst = max(float(np.max(np.abs(a - b))) for a, b in zip(kit.weights(), chainrule_weights(net)))
    echo(f"\nfinal weights: largest difference between the two {worst:.1e}")

    count, size, eta = BOOK
    if FAST:
        echo(f"\n(a quick run: {count} minibatches instead of the book's 4000; not the book's numbers)")
    echo(f"\n3. the book's training with the toolkit: {count} minibatches of {size}, lr {eta}; "
         "the error every 500\n")
    x, t, _, _ = data()
    kit = toolkit_from(iris_222_network(seed))
    reports = kit.fit(x, t, list(random_subsets(70, size, count, shuffle=seed)), eta, report_every=500)
    for k, error in reports:
        echo(f"  minibatch {k:>4}: mean error {error:.6f}")
    split = iris_book_split()
    predicted = list(np.argmax(kit.forward(np.array(split.test_x).T), axis=0))
    matrix = [[sum(1 for a, p in zip(split.test_y, predicted) if (a, p) == (i, j)) for j in range(2)]
              for i in range(2)]
    echo(f"test confusion matrix [actual][predicted]: {matrix}   (the book: [[14, 1], [0, 15]])")
    chainrule = predict_argmax(iris_222_network(seed), split.test_x)
    echo(f"(before training the same weights got {sum(p == a for p, a in zip(chainrule, split.test_y))}/30 "
         "right)")


if __name__ == "__main__":
    main()
