"""The book's 2-2-1 iris network, trained with chainrule exactly as the book trains it.

Sepal length and width of setosa (class 0) and versicolor (class 1), standardised; two
sigmoid hidden units and a linear output; loss ½(a2 − y)² averaged over the 70 training
flowers; 1000 epochs of full-batch gradient descent with lr 0.1; weights 1e-4·(U[0,1) − 0.5),
biases 0. The book's own code gets TN 14 FP 1 / FN 1 TP 14 on the test set for every seed.

Run:  python demos/iris_221.py [seed]
"""

from __future__ import annotations

import sys

from nn import format_confusion
from nn.iris import train_iris_221


def main(seed: int = 0) -> None:
    run = train_iris_221(seed=seed)
    species = ("setosa", "versicolor")
    print(f"2-2-1 iris network (seed {seed}): 70 training flowers, 30 test flowers, "
          f"{len(run.history)} epochs of full-batch gradient descent, lr 0.1")
    print(f"test set before training: {format_confusion(run.test_before)}")
    print(f"test set after training:  {format_confusion(run.test_after)}   "
          f"(accuracy {run.test_after[0][0] + run.test_after[1][1]}/30)")
    print(f"train set after training: {format_confusion(run.train_after)}")
    print(f"final mean train loss ½(a2 − y)²: {run.final_loss:.7f}")
    print(f"training took {run.seconds:.2f} s")
    print("misclassified test flowers:")
    for row, (length, width), y, out in run.misclassified():
        print(f"  iris row {row}: sepal {length} cm × {width} cm, a {species[y]}, "
              f"output {out:.4f} → predicted {species[int(out >= 0.5)]}")
    print("final parameters:")
    for name, value in run.network.named_parameters():
        print(f"  {name:<24} {value.data: .4f}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 0)
