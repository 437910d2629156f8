"""Data sets: the packaged iris and 8×8 digits tables (files in ``nn/data/``), their fixed splits,
one-hot targets and seeded toy sets.

Everything here is plain Python lists of floats; the networks turn them into ``Value`` graphs.
Batching is in ``nn.batching``, confusion matrices in ``nn.confusion``, MNIST's files in ``nn.mnist``.

>>> split = iris_book_split()
>>> len(split.train_x), len(split.test_x), split.train_rows[:2], split.test_rows[:2]
(70, 30, [0, 1], [35, 36])
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import io
import math
import numbers
import random
from dataclasses import dataclass
from importlib import resources
from typing import Any, TypeVar

IRIS_SPECIES = ("setosa", "versicolor", "virginica")

DIGITS_SHA256 = "6ebb3d2fee246a4e99363262ddf8a00a3c41bee6014c373ed9d9216ba7f651b8"
"""SHA-256 of the uncompressed CSV text of ``nn/data/digits.csv.gz`` (what the tests check)."""


@dataclass(frozen=True)
class IrisTable:
    """Fisher's iris data: 150 rows of four measurements (cm), the class index and species name."""

    features: list[list[float]]
    labels: list[int]
    species: list[str]
    columns: tuple[str, ...]


def load_iris() -> IrisTable:
    """The 150-row iris table shipped inside the package (``nn/data/iris.csv``, corrected values).

    >>> iris = load_iris()
    >>> len(iris.features), iris.features[34], iris.labels[50], iris.species[149]
    (150, [4.9, 3.1, 1.5, 0.2], 1, 'virginica')
    """
    text = resources.files("nn").joinpath("data/iris.csv").read_text(encoding="utf-8")
    reader = csv.reader(io.StringIO(text))
    header = next(reader)
    features, labels, species = [], [], []
    for row in reader:
        if not row:
            continue
        features.append([float(x) for x in row[:4]])
        species.append(row[4])
        labels.append(IRIS_SPECIES.index(row[4]))
    return IrisTable(features, labels, species, tuple(header[:4]))


_SplitT = TypeVar("_SplitT", bound="Split")


@dataclass(frozen=True)
class Split:
    """A fixed train/test split: inputs, targets, and each sample's row in the original table."""

    train_x: list[list[float]]
    train_y: list[int]
    test_x: list[list[float]]
    test_y: list[int]
    train_rows: list[int]
    """Row numbers in the original table of each training sample (for the iris table, 0-149)."""
    test_rows: list[int]

    @classmethod
    def of_rows(cls: type[_SplitT], x: list[list[float]], y: list[int], train_rows: list[int],
                test_rows: list[int], **more: Any) -> _SplitT:
        """The split that takes rows ``train_rows`` of a table's inputs ``x`` and labels ``y`` to
        train and ``test_rows`` to test (``more``: a subclass's own fields).

        >>> Split.of_rows([[0.0], [1.0], [2.0]], [0, 1, 0], [0, 2], [1]).test_x
        [[1.0]]
        """
        return cls(train_x=[x[r] for r in train_rows], train_y=[y[r] for r in train_rows],
                   test_x=[x[r] for r in test_rows], test_y=[y[r] for r in test_rows],
                   train_rows=train_rows, test_rows=test_rows, **more)


def _standardised(raw: list[list[float]]) -> tuple[list[float], list[float], list[list[float]]]:
    """Each column's mean and population std over all rows, and the rows standardised with them.

    math.fsum: the same bits on every Python (3.12 made the built-in sum() of floats compensated).
    """
    n, columns = len(raw), range(len(raw[0]))
    mean = [math.fsum(row[j] for row in raw) / n for j in columns]
    std = [math.sqrt(math.fsum((row[j] - mean[j]) ** 2 for row in raw) / n) for j in columns]
    return mean, std, [[(row[j] - mean[j]) / std[j] for j in columns] for row in raw]


@dataclass(frozen=True)
class IrisSplit(Split):
    """The book's two-class iris data: standardised inputs, 0/1 targets and the original row numbers."""

    mean: list[float]
    std: list[float]
    raw: list[list[float]]
    """Every row's two measurements before standardising (sepal length, sepal width; cm)."""

    def measurements(self, row: int) -> list[float]:
        """The unstandardised measurements (cm) of iris row ``row``.

        >>> iris_book_split().measurements(41)
        [4.5, 2.3]
        """
        return self.raw[row]


def iris_book_split() -> IrisSplit:
    """Kneusel's recipe: sepal length and width, standardised over all 150 rows (population std),
    classes 0 and 1 only; train rows 0-34 and 50-84, test rows 35-49 and 85-99 (unshuffled).

    >>> s = iris_book_split()
    >>> [round(m, 6) for m in s.mean], [round(d, 6) for d in s.std]
    ([5.843333, 3.057333], [0.825301, 0.434411])
    """
    iris = load_iris()
    raw = [row[:2] for row in iris.features]
    mean, std, scaled = _standardised(raw)
    train_rows = [*range(0, 35), *range(50, 85)]
    test_rows = [*range(35, 50), *range(85, 100)]
    return IrisSplit.of_rows(scaled, iris.labels, train_rows, test_rows, mean=mean, std=std, raw=raw)


@dataclass(frozen=True)
class Iris3Split(Split):
    """All three species: standardised inputs (the chosen columns), class indices 0-2, row numbers."""


def iris_3class_split(features: int = 4) -> Iris3Split:
    """The book's recipe extended to virginica: the first ``features`` columns standardised over all
    150 rows (population std); train rows 0-34, 50-84, 100-134 (105), test the other 45.

    >>> s = iris_3class_split(2)
    >>> len(s.train_x), len(s.test_x), len(s.train_x[0]), s.test_rows[-1], s.test_y.count(2)
    (105, 45, 2, 149, 15)
    """
    if features not in (1, 2, 3, 4):
        raise ValueError(f"iris_3class_split: features must be 1 to 4 (the first columns), got {features!r}")
    iris = load_iris()
    _, _, scaled = _standardised([row[:features] for row in iris.features])
    train_rows = [r for r in range(len(scaled)) if r % 50 < 35]
    test_rows = [r for r in range(len(scaled)) if r % 50 >= 35]
    return Iris3Split.of_rows(scaled, iris.labels, train_rows, test_rows)


# --- the 8×8 digits (UCI; the book's MNIST experiment at a size chainrule can train) -------

@dataclass(frozen=True)
class DigitsTable:
    """The 1,797 8×8 images: 64 pixel counts (0..16, row by row) each, and the digit shown."""

    images: list[list[float]]
    labels: list[int]


def digits_csv() -> str:
    """The bundled CSV text (one image per line: 64 counts, then the label).

    >>> digits_csv()[:20]
    '0,0,5,13,9,1,0,0,0,0'
    """
    raw = resources.files("nn").joinpath("data/digits.csv.gz").read_bytes()
    return gzip.decompress(raw).decode("ascii")


def load_digits() -> DigitsTable:
    """The bundled UCI 8×8 digits (1,797 images; CC BY 4.0), as lists of floats and int labels.

    >>> load_digits().labels.count(0)
    178
    """
    images, labels = [], []
    for line in digits_csv().splitlines():
        if line:
            numbers = [float(x) for x in line.split(",")]
            images.append(numbers[:64])
            labels.append(int(numbers[64]))
    return DigitsTable(images, labels)


@dataclass(frozen=True)
class DigitsSplit(Split):
    """The fixed split: inputs scaled to [0, 1], labels, and each sample's row in the table."""


def digits_split() -> DigitsSplit:
    """Every third image (rows 2, 5, 8, ...) to test, the others to train; pixels divided by 16.

    >>> s = digits_split()
    >>> len(s.train_x), len(s.test_x), s.test_rows[:3], max(max(x) for x in s.train_x)
    (1198, 599, [2, 5, 8], 1.0)
    """
    table = load_digits()
    scaled = [[p / 16.0 for p in image] for image in table.images]
    test_rows = [r for r in range(len(scaled)) if r % 3 == 2]
    train_rows = [r for r in range(len(scaled)) if r % 3 != 2]
    return DigitsSplit.of_rows(scaled, table.labels, train_rows, test_rows)


def digits_checksum() -> str:
    """SHA-256 of the bundled CSV text; equals ``DIGITS_SHA256`` unless the file was changed.

    >>> digits_checksum() == DIGITS_SHA256
    True
    """
    return hashlib.sha256(digits_csv().encode("ascii")).hexdigest()




def one_hot(label: int, n_classes: int) -> list[float]:
    """[0, …, 1, …, 0] with the 1 at ``label``.

    >>> one_hot(1, 3)
    [0.0, 1.0, 0.0]
    """
    if not _is_class(label, n_classes):
        raise ValueError(f"one_hot: label must be an int in 0..{n_classes - 1}, got {label!r}")
    return [1.0 if k == label else 0.0 for k in range(n_classes)]


def _is_class(k: object, n_classes: int) -> bool:
    """Whether ``k`` is a class index in 0..n_classes−1: an int or a NumPy integer, not a bool."""
    return (isinstance(k, numbers.Integral) and not isinstance(k, bool)
            and type(k).__name__ != "bool_" and 0 <= k < n_classes)


# --- generated sets ---------------------------------------------------------------------------

def _rng(seed: int | random.Random) -> random.Random:
    return seed if isinstance(seed, random.Random) else random.Random(seed)


def xor(n: int = 100, noise: float = 0.1,
        seed: int | random.Random = 0) -> tuple[list[list[float]], list[int]]:
    """``n`` points around the four corners (±1, ±1); label 1 where the signs differ (XOR).

    >>> x, y = xor(4, noise=0.0, seed=1)
    >>> all((a * b < 0) == bool(label) for (a, b), label in zip(x, y))
    True
    """
    _check_count(n, "xor")
    rng = _rng(seed)
    xs, ys = [], []
    for _ in range(n):
        a, b = rng.choice((-1.0, 1.0)), rng.choice((-1.0, 1.0))
        xs.append([a + rng.gauss(0.0, noise), b + rng.gauss(0.0, noise)])
        ys.append(int(a != b))
    return xs, ys


def two_moons(n: int = 100, noise: float = 0.1,
              seed: int | random.Random = 0) -> tuple[list[list[float]], list[int]]:
    """Two interleaving half circles: class 0 the upper arc, class 1 the lower one, shifted.

    >>> x, y = two_moons(10, seed=0)
    >>> len(x), sum(y)
    (10, 5)
    """
    _check_count(n, "two_moons")
    rng = _rng(seed)
    xs, ys = [], []
    n_upper = (n + 1) // 2
    for i in range(n):
        upper = i < n_upper
        count = n_upper if upper else n - n_upper
        k = i if upper else i - n_upper
        t = math.pi * (k / (count - 1) if count > 1 else 0.5)
        if upper:
            x0, x1 = math.cos(t), math.sin(t)
        else:
            x0, x1 = 1.0 - math.cos(t), 0.5 - math.sin(t)
        xs.append([x0 + rng.gauss(0.0, noise), x1 + rng.gauss(0.0, noise)])
        ys.append(0 if upper else 1)
    return xs, ys


def bumpy_regression(n: int = 40, noise: float = 0.05,
                     seed: int | random.Random = 0) -> tuple[list[list[float]], list[float]]:
    """``n`` points x in [−1, 1] with y = 0.6 + 0.4·sin(3x)·x + noise: a small 1-D regression set.

    The targets stay positive, so a network whose output unit is a leaky ReLU can fit them.

    >>> x, y = bumpy_regression(5, noise=0.0)
    >>> x[0], round(y[0], 6)
    ([-1.0], 0.656448)
    """
    _check_count(n, "bumpy_regression")
    rng = _rng(seed)
    xs = [[-1.0 + 2.0 * i / (n - 1)] if n > 1 else [0.0] for i in range(n)]
    ys = [0.6 + 0.4 * math.sin(3.0 * x[0]) * x[0] + rng.gauss(0.0, noise) for x in xs]
    return xs, ys


def _check_count(n: int, where: str) -> None:
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ValueError(f"{where}: n must be a positive int, got {n!r}")
