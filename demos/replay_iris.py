"""Record once, replay fast: the book's 2-2-1 iris network trained three ways, with the same result.

1. ``fit`` as usual (define-by-run): a new graph of Values for every flower of every epoch;
2. ``fit(..., compiled=True)``: one flower's graph recorded once, then its generated program
   replayed for every flower (the same floats, bit for bit);
3. ``fit(..., compiled="batch")``: the same program on NumPy arrays, all 70 flowers per call.

Then prints the generated program for one flower, with the book's parameter names. See
docs/static_graphs.md.

Run:  python demos/replay_iris.py [epochs]
(``CHAINRULE_FAST=1`` trains 20 epochs instead of 1000: a quick check that the demo runs.)
"""

from __future__ import annotations

import os
import sys
import time

from autograd import trace
from autograd.text import echo
from nn import SGD, fit, half_squared_error, iris_book_split
from nn.book.iris import iris_221_network

MODES = {"fit (Value path)": False, "fit(compiled=True)": True, "fit(compiled='batch')": "batch"}


def train(compiled: bool | str, epochs: int) -> tuple[list[float], float, float]:
    """The book's training (full batch, lr 0.1) from seed 0: parameters, final loss, CPU seconds."""
    split = iris_book_split()
    net = iris_221_network(seed=0)
    start = time.process_time()
    history = fit(net, half_squared_error, split.train_x, split.train_y,
                  SGD(net.parameters(), lr=0.1), epochs=epochs, progress=False, compiled=compiled)
    seconds = time.process_time() - start
    return [p.data for p in net.parameters()], history[-1], seconds


def program_for_one_flower() -> str:
    """The generated program of one flower's loss, named as the book names the parameters."""
    net = iris_221_network(seed=0)
    (h0, h1), (out,) = net.layers[0].neurons, net.layers[1].neurons
    names = {h0.w[0]: "w0", h0.w[1]: "w2", h0.b: "b0", h1.w[0]: "w1", h1.w[1]: "w3", h1.b: "b1",
             out.w[0]: "w4", out.w[1]: "w5", out.b: "b2"}

    def flower_loss(x0: float, x1: float, y: float):
        a0, a1 = net.layers[0]([x0, x1])
        a0.label, a1.label = "a0", "a1"
        a2 = net.layers[1]([a0, a1])[0]
        a2.label = "a2"
        loss = half_squared_error(a2, y)
        loss.label = "C"
        return loss

    step = trace(flower_loss, params=net.parameters(), names=names)
    split = iris_book_split()
    step(*split.train_x[0], float(split.train_y[0]))
    return step.source


def main(epochs: int = 1000) -> None:
    results = {name: train(compiled, epochs) for name, compiled in MODES.items()}
    base_params, _, base_seconds = results["fit (Value path)"]
    echo(f"2-2-1 iris network, {epochs} epochs of full-batch gradient descent on 70 flowers:")
    for name, (params, loss, seconds) in results.items():
        if params == base_params:
            same = "the same floats"
        else:
            worst = max(abs(a - b) / max(abs(b), 1e-300) for a, b in zip(params, base_params))
            same = f"parameters within {worst:.0e} (relative)"
        echo(f"  {name:<22} {seconds:6.2f} s CPU ({base_seconds / seconds:4.1f}x)  "
             f"loss {loss:.7f}  {same}")
    echo("")
    echo("The program replayed for each flower (forward lines, then one line per chain-rule edge):")
    echo(program_for_one_flower())


if __name__ == "__main__":
    fast = os.environ.get("CHAINRULE_FAST") == "1"
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20 if fast else 1000)
