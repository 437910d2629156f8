"""Data: the packaged iris table and the book's split, generators, batching, confusion matrices."""

from __future__ import annotations

import pytest

from nn import (
    batches,
    bumpy_regression,
    confusion_matrix,
    format_confusion,
    full_batch,
    iris_book_split,
    load_iris,
    minibatches,
    one_hot,
    per_sample,
    two_moons,
    xor,
)


def test_iris_table_is_the_corrected_one():
    iris = load_iris()
    assert len(iris.features) == 150
    assert iris.labels == [0] * 50 + [1] * 50 + [2] * 50
    assert iris.features[34] == [4.9, 3.1, 1.5, 0.2] and iris.features[37] == [4.9, 3.6, 1.4, 0.1]


def test_book_split_and_standardisation():
    split = iris_book_split()
    # iris_221.md: mean and population std over all 150 rows
    assert split.mean == pytest.approx([5.843333333333335, 3.057333333333334], rel=1e-15)
    assert split.std == pytest.approx([0.8253012917851409, 0.43441096773549437], rel=1e-15)
    assert split.train_rows == [*range(35), *range(50, 85)] and split.test_rows == [*range(35, 50),
                                                                                     *range(85, 100)]
    assert split.train_y == [0] * 35 + [1] * 35 and split.test_y == [0] * 15 + [1] * 15
    assert split.measurements(41) == [4.5, 2.3] and split.measurements(85) == [6.0, 3.4]
    assert split.test_x[6] == pytest.approx([(4.5 - 5.843333333333335) / 0.8253012917851409,
                                             (2.3 - 3.057333333333334) / 0.43441096773549437], rel=1e-14)


def test_generators_are_seeded_and_balanced():
    assert xor(20, seed=3) == xor(20, seed=3) and xor(20, seed=3) != xor(20, seed=4)
    x, y = xor(200, noise=0.0, seed=0)
    assert all((a * b < 0) == bool(label) for (a, b), label in zip(x, y))
    x, y = two_moons(101, noise=0.0, seed=0)
    assert y.count(0) == 51 and y.count(1) == 50
    assert all(abs(a * a + b * b - 1.0) < 1e-12 and b >= -1e-12 for (a, b), label in zip(x, y) if label == 0)
    assert two_moons(30, seed=1) == two_moons(30, seed=1)
    x, y = bumpy_regression(40)
    assert len(x) == 40 and min(y) > 0.0
    with pytest.raises(ValueError, match="xor: n must be a positive int, got 0"):
        xor(0)


def test_batching_helpers():
    assert list(full_batch(4)) == [[0, 1, 2, 3]]
    assert list(per_sample(3)) == [[0], [1], [2]]
    assert list(minibatches(7, 3)) == [[0, 1, 2], [3, 4, 5], [6]]
    shuffled = list(minibatches(10, 4, shuffle=1))
    assert sorted(i for batch in shuffled for i in batch) == list(range(10))
    assert shuffled == list(batches(10, 4, shuffle=1)) and shuffled != list(batches(10, 4))
    with pytest.raises(ValueError, match="batch_size must be a positive int or None"):
        list(batches(5, 0))


def test_confusion_matrix():
    assert confusion_matrix([0, 0, 1, 1, 1], [0, 1, 1, 0, 1]) == [[1, 1], [1, 2]]
    assert confusion_matrix([2, 0], [2, 1], n_classes=3) == [[0, 1, 0], [0, 0, 0], [0, 0, 1]]
    assert format_confusion([[15, 0], [15, 0]]) == "TN 15  FP 0 / FN 15  TP 0"
    with pytest.raises(ValueError, match=r"predicted label 2 at position 1 is not a class in 0\.\.1"):
        confusion_matrix([0, 1], [0, 2])
    with pytest.raises(ValueError, match="2 actual labels but 1 predictions"):
        confusion_matrix([0, 1], [0])
    assert one_hot(0, 2) == [1.0, 0.0]
