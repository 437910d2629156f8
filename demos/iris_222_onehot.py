"""The book's layer-toolkit version of the iris network: 2-2 sigmoid, 2-2 linear, one-hot targets.

Same data as demos/iris_221.py (sepal length and width, standardised; 70 training and 30 test
flowers), but the output has one unit per class, the targets are one-hot ([1, 0] for setosa,
[0, 1] for versicolor), the per-sample loss is the mean of the two squared errors, and the
predicted class is the larger output. Weights and biases start U[-0.5, 0.5); 4000 full-batch
steps of the mean gradient over the 70 flowers, lr 0.1. The book gets [[14, 1], [0, 15]].

Run:  python demos/iris_222_onehot.py [seed]
(``CHAINRULE_FAST=1`` takes 100 steps instead of 4000: a quick check that the demo runs.)
"""

from __future__ import annotations

import sys
import time

from autograd.text import echo
from nn import iris_book_split
from nn.book import run_length
from nn.book.iris import predict_argmax, train_iris_222_onehot
from nn.plots import loss_curves_line


def main(seed: int = 0, steps: int | None = None) -> None:
    steps = run_length(steps, book=4000, quick=100, unit="steps")
    start = time.perf_counter()
    net, history, matrix = train_iris_222_onehot(seed=seed, steps=steps)
    seconds = time.perf_counter() - start
    split = iris_book_split()
    echo(f"2-2-2 one-hot iris network (seed {seed}): {len(history)} full-batch steps, lr 0.1")
    echo(f"loss (mean squared error over both outputs, averaged over 70 flowers):\n"
         f"  {history[0]:.6f} at the start, {history[-1]:.6f} at the end")
    echo("test confusion matrix [actual][predicted], classes setosa, versicolor:")
    echo(f"  {matrix}   (accuracy {matrix[0][0] + matrix[1][1]}/30)")
    predicted = predict_argmax(net, split.test_x)
    wrong = [row for row, y, p in zip(split.test_rows, split.test_y, predicted) if y != p]
    for row in wrong:
        length, width = split.measurements(row)
        echo(f"  misclassified: iris row {row}, sepal {length} cm × {width} cm")
    echo(f"training took {seconds:.1f} s")
    echo(loss_curves_line({"mean train loss": history}, "iris_222_onehot_loss.png",
                          title="2-2-2 one-hot iris network: mean squared error per step", xlabel="step"))


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 0)
