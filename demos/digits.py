"""The book's MNIST experiment, scaled to the 8×8 handwritten digits that ship with chainrule.

Kneusel (ch. 10) trains a 196-100-50-10 sigmoid network on 14×14 MNIST: one-hot targets, a
squared-error loss, minibatches, a sigmoid after every layer, and prints the 10×10 confusion
matrix. Here the same recipe runs on the 1,797 8×8 images of the UCI "Optical Recognition of
Handwritten Digits" set (Alpaydin and Kaynak, 1998; CC BY 4.0; bundled in nn/data/): a
64-32-10 sigmoid network, loss the mean of the ten squared errors, SGD with lr 3.0 on
minibatches of 10 (a new seeded shuffle each epoch), 60 epochs; every third image is a test
image (599), the other 1,198 train. It trains with the matrix replay (``fit(compiled="matrix")``:
one matrix product per layer, the Value path's numbers to about 1e-12), so the whole run takes
about a second of CPU time (about a minute on the Value path).

Run:  python demos/digits.py
(``CHAINRULE_FAST=1`` trains 8 hidden units for 2 epochs: a quick check that the demo runs.)
"""

from __future__ import annotations

import os

from autograd.text import Table, echo
from nn import digits_split
from nn.book.digits import BATCH_SIZE, EPOCHS, HIDDEN, LR, largest_confusions, train_digits
from nn.plots import confusion_image, how_to_get_pictures, loss_curves, pictures_folder, plotting_available

FAST = os.environ.get("CHAINRULE_FAST") == "1"


def confusion_table(matrix: list[list[int]]) -> Table:
    """The 10×10 matrix, rows actual digits, columns predicted, with each row's total."""
    rows = [(str(a), *(str(c) for c in row), str(sum(row))) for a, row in enumerate(matrix)]
    return Table(("actual", *(str(p) for p in range(10)), "total"), rows, numeric=range(12))


def main(hidden: int | None = None, epochs: int | None = None) -> None:
    hidden = (8 if FAST else HIDDEN) if hidden is None else hidden
    epochs = (2 if FAST else EPOCHS) if epochs is None else epochs
    if (hidden, epochs) != (HIDDEN, EPOCHS):
        echo(f"(a quick run: {hidden} hidden units and {epochs} epochs instead of {HIDDEN} and {EPOCHS}; "
             f"the numbers are not the full run's)")
    split = digits_split()
    echo(f"UCI 8x8 digits: {len(split.train_x)} training images, {len(split.test_x)} test images "
         f"(every third)")
    echo(f"network 64 -> {hidden} -> 10, sigmoid after every layer; loss mean((a - onehot)**2);")
    echo(f"SGD lr {LR}, minibatches of {BATCH_SIZE}, {epochs} epochs")
    run = train_digits(hidden=hidden, epochs=epochs, split=split)
    echo(f"mean training loss: {run.history[0]:.6f} in epoch 1, {run.history[-1]:.6f} in epoch "
         f"{len(run.history)}")
    right = sum(run.confusion[k][k] for k in range(10))
    echo(f"\ntest accuracy: {right}/{len(split.test_x)} = {100 * run.accuracy:.1f}%")
    echo("test confusion matrix (rows: the digit shown; columns: the network's answer):")
    for line in str(confusion_table(run.confusion)).splitlines():
        echo("  " + line)
    echo("largest confusions:")
    for count, actual, predicted in largest_confusions(run.confusion):
        echo(f"  a {actual} taken for a {predicted}: {count} time{'s' if count > 1 else ''}")
    echo(f"\ntraining took {run.cpu_seconds:.1f} s of CPU time")
    if plotting_available():
        folder = pictures_folder()
        saved = [confusion_image(run.confusion, folder / "digits_confusion.png",
                                 title=f"8x8 digits, test set: {100 * run.accuracy:.1f}% right"),
                 loss_curves({"training loss": run.history}, folder / "digits_loss.png",
                             title="8x8 digits: mean squared error per epoch")]
        echo("pictures: " + ", ".join(str(p) for p in saved))
    else:
        echo(how_to_get_pictures())


if __name__ == "__main__":
    main()
