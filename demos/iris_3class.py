"""All three iris species: a softmax output and cross-entropy, with two features and with four.

The book (Kneusel, ch. 10) keeps only setosa and versicolor and only the first two features
(sepal length and width), saying that these two cannot separate all three species. Here is the
network that tries: n inputs -> 4 sigmoid -> 3 linear logits, softmax on the logits and the
cross-entropy -log softmax(z)[y] as the per-sample loss (its gradient on the logits is
softmax(z) - onehot(y)). The data follow the book's recipe extended to virginica: standardised
over all 150 rows, train rows 0-34, 50-84, 100-134 (105 flowers), test the other 45. Full-batch
gradient descent on the mean loss, lr 0.5, 1000 epochs, weights and biases U[-0.5, 0.5).

Run:  python demos/iris_3class.py
(``CHAINRULE_FAST=1`` trains 100 epochs instead of 1000: a quick check that the demo runs.)
"""

from __future__ import annotations

import os

from autograd.text import Table, echo
from nn import load_iris
from nn.book.iris import train_iris_3class
from nn.plots import class_scatter, how_to_get_pictures, loss_curves, pictures_folder, plotting_available

FAST = os.environ.get("CHAINRULE_FAST") == "1"
EPOCHS = 100 if FAST else 1000
SPECIES = ("setosa", "versicolor", "virginica")


def confusion_table(matrix: list[list[int]]) -> Table:
    """A 3×3 confusion matrix with the species named: rows actual, columns predicted."""
    rows = [(f"{name}", *(str(c) for c in row)) for name, row in zip(SPECIES, matrix)]
    return Table(("actual \\ predicted", *SPECIES), rows, numeric=(1, 2, 3))


def main() -> None:
    if FAST:
        echo(f"(a quick run: {EPOCHS} epochs instead of 1000; the numbers are not the full run's)")
    curves = {}
    for features, what in ((2, "sepal length and width (the book's two)"), (4, "all four measurements")):
        _, history, train, test = train_iris_3class(features=features, epochs=EPOCHS)
        curves[f"{features} features"] = history
        echo(f"\n{features} features: {what}")
        echo(f"  {features} -> 4 sigmoid -> 3 logits, softmax cross-entropy; {EPOCHS} full-batch "
             f"epochs, lr 0.5")
        echo(f"  mean training loss {history[0]:.6f} at the start, {history[-1]:.6f} at the end")
        correct_train = sum(train[k][k] for k in range(3))
        correct_test = sum(test[k][k] for k in range(3))
        echo(f"  training set: {correct_train}/105 right; test set: {correct_test}/45 right")
        echo("  test confusion matrix:")
        for line in str(confusion_table(test)).splitlines():
            echo("    " + line)
    echo("\nWith two features, setosa stands apart but versicolor and virginica overlap in sepal")
    echo("length and width: no network can separate them there, as the book says. The petal")
    echo("measurements separate them: compare the two test confusion matrices above.")
    if plotting_available():
        folder = pictures_folder()
        iris = load_iris()
        saved = [
            class_scatter([row[:2] for row in iris.features], iris.labels, folder / "iris_scatter.png",
                          names=SPECIES, xlabel="sepal length (cm)", ylabel="sepal width (cm)",
                          title="iris: the first two features (the book's figure 10-2, all three species)"),
            loss_curves(curves, folder / "iris_3class_loss.png",
                        title="iris, 3 classes: mean cross-entropy per epoch")]
        echo("\npictures: " + ", ".join(str(p) for p in saved))
    else:
        echo("\n" + how_to_get_pictures())


if __name__ == "__main__":
    main()
