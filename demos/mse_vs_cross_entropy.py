"""The same classifier trained with squared error and with cross-entropy: why cross-entropy learns faster.

The network: iris, all three species, all four measurements (standardised; train rows 0-34,
50-84, 100-134), 4 -> 4 sigmoid -> 3 sigmoid outputs, one per species, one-hot targets y. With
z the output unit's input and s = sigmoid(z) its output, the two per-sample losses are

    squared error   sum_k 0.5*(s_k - y_k)**2                      dL/dz_k = (s_k - y_k)*s_k*(1 - s_k)
    cross-entropy   sum_k -(y_k*log(s_k) + (1 - y_k)*log(1 - s_k))   dL/dz_k = s_k - y_k

The factor sigma'(z) = s*(1 - s) is at most 0.25 and vanishes when the output saturates, so a
unit that is confidently wrong (s near 1 for y = 0) gets almost no gradient from the squared
error, and the full error s - y from the cross-entropy. Both runs start from the same weights
(U[-0.5, 0.5)) and take the same full-batch steps (lr 0.5, 300 epochs).

Run:  python demos/mse_vs_cross_entropy.py
(``CHAINRULE_FAST=1`` trains 30 epochs instead of 300: a quick check that the demo runs.)
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Sequence

from autograd import Value, total
from autograd.text import Table, echo
from nn import MLP, SGD, binary_cross_entropy_with_logits, fit, half_squared_error, one_hot
from nn.book.iris import predict_argmax
from nn.datasets import iris_3class_split
from nn.plots import how_to_get_pictures, loss_curves, pictures_folder, plotting_available

FAST = os.environ.get("CHAINRULE_FAST") == "1"
EPOCHS = 30 if FAST else 300
EVERY = 3 if FAST else 10
LR = 0.5


def squared_error_loss(z: Sequence[Value], y: Sequence[float]) -> Value:
    """sum_k 0.5*(sigmoid(z_k) - y_k)**2 for one sample (logits z, one-hot target y)."""
    return total([half_squared_error(zk.sigmoid(), yk) for zk, yk in zip(z, y)])


def cross_entropy_loss(z: Sequence[Value], y: Sequence[float]) -> Value:
    """sum_k of the binary cross-entropy of sigmoid(z_k) against y_k, computed from the logits."""
    return total([binary_cross_entropy_with_logits(zk, yk) for zk, yk in zip(z, y)])


LOSSES: dict[str, Callable[[Sequence[Value], Sequence[float]], Value]] = {
    "squared error": squared_error_loss, "cross-entropy": cross_entropy_loss}


def network(seed: int = 0) -> MLP:
    """4 -> 4 sigmoid -> 3 output units; the output sigmoid is applied inside each loss."""
    return MLP(4, [4, 3], activations=["sigmoid", "linear"], weight_scale=1.0, bias_scale=1.0, rng=seed)


def output_gradients(loss: Callable[[Sequence[Value], Sequence[float]], Value], x: Sequence[float],
                     y: Sequence[float], seed: int = 0) -> list[float]:
    """dL/dz_k for one sample, by chainrule's backward pass."""
    net = network(seed)
    z = net(x)
    loss(z, y).backward()
    return [zk.grad for zk in z]


def train(loss: Callable[[Sequence[Value], Sequence[float]], Value], epochs: int = EPOCHS,
          every: int = EVERY, seed: int = 0) -> tuple[list[float], list[tuple[int, int]]]:
    """Full-batch training; the loss of each epoch, and (epoch, training flowers right) every ``every``."""
    split = iris_3class_split(4)
    targets = [one_hot(y, 3) for y in split.train_y]
    net = network(seed)
    optimizer = SGD(net.parameters(), lr=LR)
    losses, right = [], []
    for epoch in range(1, epochs + 1):
        losses += fit(net, loss, split.train_x, targets, optimizer, epochs=1, progress=False)
        if epoch % every == 0:
            predicted = predict_argmax(net, split.train_x)
            right.append((epoch, sum(p == t for p, t in zip(predicted, split.train_y))))
    return losses, right


def main() -> None:
    if FAST:
        echo(f"(a quick run: {EPOCHS} epochs instead of 300; the numbers are not the full run's)")
    split = iris_3class_split(4)
    x, label = split.train_x[70], split.train_y[70]  # iris row 100, a virginica
    y = one_hot(label, 3)
    with_grad = {name: output_gradients(loss, x, y) for name, loss in LOSSES.items()}
    z = [v.data for v in network()(x)]
    s = [1 / (1 + math.exp(-zk)) for zk in z]
    echo("1. The output layer's gradient dL/dz for one flower (iris row 100, virginica), initial weights:")
    rows = []
    for k in range(3):
        rows.append((f"k={k}", f"{s[k]:.6f}", f"{y[k]:g}",
                     f"{(s[k] - y[k]) * s[k] * (1 - s[k]):.6f}", f"{with_grad['squared error'][k]:.6f}",
                     f"{s[k] - y[k]:.6f}", f"{with_grad['cross-entropy'][k]:.6f}"))
    table = Table(("unit", "s", "y", "(s-y)*s*(1-s)", "backward", "s - y", "backward"), rows,
                  numeric=(1, 2, 3, 4, 5, 6))
    for line in str(table).splitlines():
        echo("   " + line)
    echo("   (columns 4-5: squared error, formula then chainrule; 6-7: cross-entropy)")
    echo("\n2. A unit that is wrong, target y = 0, as its output s = sigmoid(z) saturates:")
    rows = []
    for zk in (0.0, 2.0, 4.0, 6.0, 8.0):
        sk = 1 / (1 + math.exp(-zk))
        rows.append((f"{zk:g}", f"{sk:.6f}", f"{sk * sk * (1 - sk):.3e}", f"{sk:.6f}"))
    for line in str(Table(("z", "s", "squared error: s*s*(1-s)", "cross-entropy: s"), rows,
                          numeric=(0, 1, 2, 3))).splitlines():
        echo("   " + line)
    echo("   The more wrong the unit, the less the squared error pushes it; cross-entropy pushes hardest.")
    echo(f"\n3. Learning curves: same start, full batch, lr {LR}; training flowers right (of 105):")
    runs = {name: train(loss) for name, loss in LOSSES.items()}
    epochs = [e for e, _ in runs["squared error"][1]]
    rows = [(str(e), *(str(runs[name][1][i][1]) for name in LOSSES)) for i, e in enumerate(epochs)
            if i % 3 == 2]  # every third checkpoint; the picture has them all
    for line in str(Table(("epoch", *LOSSES), rows, numeric=(0, 1, 2))).splitlines():
        echo("   " + line)
    for name, (losses, _) in runs.items():
        echo(f"   {name}: mean loss {losses[0]:.6f} at the start, {losses[-1]:.6f} after {len(losses)} "
             f"epochs")
    echo("   (the two losses have different scales; compare the flowers right, not the losses)")
    if plotting_available():
        path = loss_curves({name: [r for _, r in right] for name, (_, right) in runs.items()},
                           pictures_folder() / "mse_vs_cross_entropy.png", epochs=epochs, log=False,
                           ylabel="training flowers right (of 105)",
                           title="iris, 3 sigmoid outputs: squared error vs cross-entropy")
        echo(f"\npicture: {path}")
    else:
        echo("\n" + how_to_get_pictures())


if __name__ == "__main__":
    main()
