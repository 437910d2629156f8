"""The three-layer leaky-ReLU network of Deep learning for beginners (2), and the per-sample vs
minibatch training of Deep Dive into Back Propagation (III).

The network: x1 = W1*x + b1, leaky ReLU; x2 = W2*x1 + b2, leaky ReLU; y = W3*x2 + b3, leaky ReLU
(alpha = 0.01 everywhere, output included, as in the tutorial). The loss is the tutorial's MSE with
the 1/(2n) convention, sum((y - y_hat)**2) / (2*n), so dloss/dy_hat is (y_hat - y)/n. The data: 40
points of a smooth bump, y = 0.6 + 0.4*x*sin(3*x) plus a little noise.

The same network (same initial weights) is then trained three ways for the same number of epochs:
full batch (one update per epoch), minibatches of 8 (5 updates per epoch) and per sample (40
updates per epoch), and the loss curves are printed side by side.

Run:  python demos/leaky_relu_regression.py
(``CHAINRULE_FAST=1`` trains 10 epochs instead of 100, and at most 50 in the stop-condition run:
a quick check that the demo runs.)
"""

from __future__ import annotations

import itertools
import math
import os

from autograd.text import echo
from nn import MLP, SGD, History, bumpy_regression, evaluate, fit, half_squared_error
from nn.plots import loss_curves_line

FAST = os.environ.get("CHAINRULE_FAST") == "1"
EPOCHS = 10 if FAST else 100
LR = 0.05
MODES = {"full batch": None, "minibatch of 8": 8, "per sample": 1}


def network(seed: int = 3) -> MLP:
    """1 → 8 → 2 → 1, leaky ReLU after every layer; weights U[-1, 1), biases U[-0.1, 0.1).

    The tutorial's W3 is 1×2, so its last hidden layer has 2 units; it does not give the first
    hidden layer's size or the weights, so 8 units and the initial weights are ours."""
    return MLP(1, [8, 2, 1], activations="leaky_relu", weight_scale=2.0, bias_scale=0.2, rng=seed,
               leaky_slope=0.01)


def train(batch_size: int | None, epochs: int = EPOCHS, seed: int = 3) -> tuple[MLP, History]:
    """Train a fresh copy of the network with the given batch size (None: full batch)."""
    x, y = bumpy_regression(40, seed=0)
    net = network(seed)
    history = fit(net, half_squared_error, x, y, SGD(net.parameters(), lr=LR), epochs=epochs,
                  batch_size=batch_size, shuffle=seed, compiled=True)  # the same floats, replayed
    return net, history


def rises(history: list[float]) -> int:
    """How many epochs' losses are higher than the epoch before (the noise of sampled gradients)."""
    return sum(later > earlier for earlier, later in itertools.pairwise(history))


def sparkline(values: list[float], low: float, high: float, width: int = 50) -> str:
    """The curve as one line of blocks (taller = higher loss), log scale from ``low`` to ``high``."""
    blocks = "▁▂▃▄▅▆▇█"
    step = max(1, len(values) // width)
    span = math.log10(high / low) or 1.0
    return "".join(blocks[round(math.log10(v / low) / span * (len(blocks) - 1))] for v in values[::step])


def main() -> None:
    x, y = bumpy_regression(40, seed=0)
    if FAST:
        echo(f"(a quick run: {EPOCHS} epochs instead of 100; the numbers are not the full run's)")
    echo("the network of Deep learning for beginners (2): 1 → 8 → 2 → 1 (its W3 is 1×2; the 8 is ours),")
    echo("leaky ReLU (alpha 0.01)")
    echo("loss sum((y - y_hat)**2) / (2*n) on n = 40 points of y = 0.6 + 0.4*x*sin(3*x) + noise;")
    echo(f"SGD, lr {LR}\n")
    results = {name: train(size) for name, size in MODES.items()}
    checkpoints = sorted({e for e in (1, 2, 5, 10, 25, 50) if e < EPOCHS} | {EPOCHS})
    echo(f"{'epoch':>6}" + "".join(f"{name:>18}" for name in results))
    for epoch in checkpoints:
        echo(f"{epoch:>6}" + "".join(f"{h[epoch - 1]:>18.6f}" for _, h in results.values()))
    echo(f"\n{'updates':>6}" + "".join(f"{EPOCHS * (40 // (size or 40)):>18}" for size in MODES.values()))
    echo(f"{'final':>6}" + "".join(f"{evaluate(net, half_squared_error, x, y):>18.6f}"
                                    for net, _ in results.values()))
    echo("(an epoch's loss is the mean of its batches' losses, each measured before that batch's update;")
    echo(" 'final' is the loss over all 40 points with the final weights)\n")
    low = min(min(h) for _, h in results.values())
    high = max(max(h) for _, h in results.values())
    per = max(1, EPOCHS // 50)
    echo(f"loss curves, one block per {per} epoch{'s' if per > 1 else ''}, log scale from {low:.4f} (▁) "
         f"to {high:.4f} (█):")
    for name, (_, history) in results.items():
        echo(f"{name:>15}  {sparkline(history, low, high)}")
    echo("\nMore updates per epoch make faster progress per pass over the data; averaging over a")
    echo("minibatch gives a smoother path than single samples for less work per update.")
    echo(f"\nminibatch noise: epochs (of {EPOCHS - 1} after the first) whose loss rose above the epoch "
         f"before:")
    for name, (_, history) in results.items():
        echo(f"{name:>15}  {rises(history)}")
    echo("(full-batch gradient descent with a small step only goes downhill; a minibatch's or a")
    echo(" single sample's gradient is a noisy estimate of the full one, and sometimes goes uphill)")
    echo(loss_curves_line({name: h for name, (_, h) in results.items()}, "leaky_relu_loss.png",
                          title="leaky-ReLU network: loss per epoch, three ways to batch"))
    net = network()
    most = 50 if FAST else 1000
    h = fit(net, half_squared_error, x, y, SGD(net.parameters(), lr=LR), epochs=most, batch_size=8,
            shuffle=3, loss_below=0.002, change_below=1e-6)
    echo(f"\nstop conditions (max {most} epochs, loss below 0.002, loss change below 1e-6):")
    echo(f"minibatch training stopped after {len(h)} epochs because of '{h.stop_reason}', "
         f"loss {h[-1]:.6f}")


if __name__ == "__main__":
    main()
