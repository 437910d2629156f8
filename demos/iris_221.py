"""The book's 2-2-1 iris network, trained with chainrule exactly as the book trains it.

Sepal length and width of setosa (class 0) and versicolor (class 1), standardised; two
sigmoid hidden units and a linear output; loss 0.5*(a2 - y)**2 averaged over the 70 training
flowers; 1000 epochs of full-batch gradient descent with lr 0.1; weights 1e-4*(U[0,1) - 0.5),
biases 0. Parameters are shown with the tutorial's names (``MLP.tutorial_names``): W1[j][i] is
the weight from input i to hidden neuron j, W2[j] from hidden neuron j to the output.
The book's own code gets TN 14 FP 1 / FN 1 TP 14 on the test set for every seed.

Run:  python demos/iris_221.py [seed]
(``CHAINRULE_FAST=1`` trains 100 epochs instead of 1000: a quick check that the demo runs.)
"""

from __future__ import annotations

import sys

from autograd.text import echo
from nn import format_confusion
from nn.book import run_length
from nn.book.iris import train_iris_221
from nn.plots import loss_curves_line


def main(seed: int = 0, epochs: int | None = None) -> None:
    epochs = run_length(epochs, book=1000, quick=100, unit="epochs")
    run = train_iris_221(seed=seed, epochs=epochs)
    species = ("setosa", "versicolor")
    echo(f"2-2-1 iris network (seed {seed}): 70 training flowers, 30 test flowers,\n"
         f"{len(run.history)} epochs of full-batch gradient descent, lr 0.1")
    echo(f"test set before training: {format_confusion(run.test_before)}")
    echo(f"test set after training:  {format_confusion(run.test_after)}   "
          f"(accuracy {run.test_after[0][0] + run.test_after[1][1]}/30)")
    echo(f"train set after training: {format_confusion(run.train_after)}")
    echo(f"final mean train loss 0.5*(a2 - y)**2: {run.final_loss:.7f}")
    echo(f"training took {run.seconds:.2f} s")
    echo("misclassified test flowers:")
    for row, (length, width), y, out in run.misclassified():
        echo(f"  iris row {row}: sepal {length} cm × {width} cm, a {species[y]}, "
              f"output {out:.4f} → predicted {species[int(out >= 0.5)]}")
    echo("final parameters:")
    for name, value in run.network.tutorial_names():
        echo(f"  {name:<9} {value.data: .4f}")
    echo(loss_curves_line({"mean train loss": run.history}, "iris_221_loss.png",
                          title="2-2-1 iris network: mean 0.5*(a2 - y)**2 per epoch"))


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 0)
