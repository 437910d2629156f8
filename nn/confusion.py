"""Confusion matrices: counts of (actual, predicted) class pairs, and the book's way of printing them.

>>> matrix = confusion_matrix([0, 0, 1, 1], [0, 1, 1, 1])
>>> matrix, accuracy(matrix)
([[1, 1], [0, 2]], 0.75)
"""

from __future__ import annotations

from collections.abc import Sequence

from .datasets import _is_class


def confusion_matrix(actual: Sequence[int], predicted: Sequence[int],
                     n_classes: int = 2) -> list[list[int]]:
    """Counts ``[actual][predicted]``; for two classes that is [[TN, FP], [FN, TP]].

    >>> confusion_matrix([0, 0, 1, 1], [0, 1, 1, 1])
    [[1, 1], [0, 2]]
    """
    if len(actual) != len(predicted):
        raise ValueError(f"confusion_matrix: {len(actual)} actual labels but {len(predicted)} "
                         f"predictions")
    matrix = [[0] * n_classes for _ in range(n_classes)]
    for i, (a, p) in enumerate(zip(actual, predicted)):
        for what, k in (("actual", a), ("predicted", p)):
            if not _is_class(k, n_classes):
                raise ValueError(f"confusion_matrix: {what} label {k!r} at position {i} is not a "
                                 f"class in 0..{n_classes - 1}")
        matrix[a][p] += 1
    return matrix


def accuracy(matrix: list[list[int]]) -> float:
    """The fraction of samples on the diagonal of a confusion matrix: those classified right.

    >>> accuracy([[14, 1], [1, 14]])
    0.9333333333333333
    """
    return sum(matrix[k][k] for k in range(len(matrix))) / sum(map(sum, matrix))


def format_confusion(matrix: list[list[int]]) -> str:
    """A 2×2 matrix as the book prints it: ``TN 14  FP 1 / FN 1  TP 14``.

    >>> format_confusion([[14, 1], [1, 14]])
    'TN 14  FP 1 / FN 1  TP 14'
    """
    if len(matrix) != 2 or any(len(row) != 2 for row in matrix):
        raise ValueError(f"format_confusion: needs a 2x2 matrix, got {matrix!r}")
    (tn, fp), (fn, tp) = matrix
    return f"TN {tn}  FP {fp} / FN {fn}  TP {tp}"
