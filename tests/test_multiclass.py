"""Issue 11 §5: three-class iris, squared error vs cross-entropy, the 8×8 digits and MNIST's IDX files.

Every expected number comes from a NumPy replica of the same training (same initial weights, same
minibatch order) or from a closed form, never from chainrule's own output.
"""

from __future__ import annotations

import gzip
import hashlib
import random
import re
import runpy
from pathlib import Path

import numpy as np
import pytest

from nn import digits_split, load_digits
from nn.book.digits import digits_network, largest_confusions, train_digits
from nn.book.iris import iris_3class_network, train_iris_3class
from nn.book.mnist import book_inputs, book_network, train_book_mnist
from nn.mnist import MNIST_TEST_COUNTS, load_mnist, read_idx, write_idx

ROOT = Path(__file__).resolve().parent.parent
DIGITS_GZ = ROOT / "nn" / "data" / "digits.csv.gz"


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def weights_of(net) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Each layer's W (outputs × inputs) and b, read from a freshly built network (its initial state)."""
    ws = [np.array([[w.data for w in n.w] for n in layer.neurons]) for layer in net.layers]
    bs = [np.array([n.b.data for n in layer.neurons]) for layer in net.layers]
    return ws, bs


def iris_numpy(features: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The three-class split from the CSV with NumPy: standardised over 150 rows, ddof 0."""
    table = np.genfromtxt(ROOT / "nn" / "data" / "iris.csv", delimiter=",", skip_header=1, dtype=str)
    x = table[:, :features].astype(float)
    y = np.array([("setosa", "versicolor", "virginica").index(s) for s in table[:, 4]])
    x = (x - x.mean(0)) / x.std(0)
    train = np.arange(150) % 50 < 35
    return x[train], y[train], x[~train], y[~train]


def confusion(actual, predicted, n) -> list[list[int]]:
    m = np.zeros((n, n), dtype=int)
    np.add.at(m, (actual, predicted), 1)
    return m.tolist()


# --- the bundled digits ------------------------------------------------------------------------

def test_the_bundled_digits_are_the_uci_test_set():
    text = gzip.decompress(DIGITS_GZ.read_bytes()).decode("ascii")
    assert hashlib.sha256(text.encode()).hexdigest() == (
        "6ebb3d2fee246a4e99363262ddf8a00a3c41bee6014c373ed9d9216ba7f651b8")
    data = np.loadtxt(text.splitlines(), delimiter=",")
    assert data.shape == (1797, 65)
    assert set(np.unique(data[:, :64])) <= set(range(17))
    assert np.bincount(data[:, 64].astype(int)).tolist() == [178, 182, 177, 183, 181, 182, 181, 179, 174, 180]
    table = load_digits()
    assert np.array_equal(np.array(table.images), data[:, :64])
    assert table.labels == data[:, 64].astype(int).tolist()
    split = digits_split()
    assert len(split.train_x) == 1198 and len(split.test_x) == 599
    assert np.array_equal(np.array(split.test_x), data[2::3, :64] / 16)


def test_the_credit_is_in_the_data_folder_and_the_package_data():
    note = (ROOT / "nn" / "data" / "README.md").read_text(encoding="utf-8")
    assert "CC BY 4.0" in note and "Alpaydin" in note and "digits.csv.gz" in note
    assert "data/*.gz" in (ROOT / "pyproject.toml").read_text(encoding="utf-8")


def digits_numpy(hidden: int, epochs: int, lr: float = 3.0, batch: int = 10, seed: int = 0):
    """The digits training in NumPy: chainrule's initial weights, fit's minibatch order."""
    ws, bs = weights_of(digits_network(hidden, seed))
    data = np.loadtxt(gzip.decompress(DIGITS_GZ.read_bytes()).decode().splitlines(), delimiter=",")
    x, y = data[:, :64] / 16, data[:, 64].astype(int)
    test = np.arange(len(y)) % 3 == 2
    xtr, ytr, xte, yte = x[~test], y[~test], x[test], y[test]
    targets = np.eye(10)[ytr]
    rng = random.Random(seed)
    history = []
    for _ in range(epochs):
        order = list(range(len(ytr)))
        rng.shuffle(order)
        losses = []
        for start in range(0, len(order), batch):
            idx = order[start:start + batch]
            a0 = xtr[idx]
            a1 = sigmoid(a0 @ ws[0].T + bs[0])
            a2 = sigmoid(a1 @ ws[1].T + bs[1])
            losses.append(np.mean((a2 - targets[idx]) ** 2))
            d2 = 2 * (a2 - targets[idx]) / 10 * a2 * (1 - a2) / len(idx)
            d1 = (d2 @ ws[1]) * a1 * (1 - a1)
            ws[1] -= lr * d2.T @ a1
            bs[1] -= lr * d2.sum(0)
            ws[0] -= lr * d1.T @ a0
            bs[0] -= lr * d1.sum(0)
        history.append(np.mean(losses))
    out = sigmoid(sigmoid(xte @ ws[0].T + bs[0]) @ ws[1].T + bs[1])
    return history, confusion(yte, out.argmax(1), 10)


def test_digits_training_equals_a_numpy_replica():
    run = train_digits(hidden=6, epochs=2)
    history, matrix = digits_numpy(6, 2)
    assert np.allclose(run.history, history, rtol=1e-12, atol=0)
    assert run.confusion == matrix


def test_the_full_digits_run_reaches_95_percent_in_numpy():
    """The demo's settings (64-32-10, 60 epochs) replayed in NumPy: what the docs page states."""
    _, matrix = digits_numpy(32, 60)
    trace = sum(matrix[k][k] for k in range(10))
    assert trace / 599 >= 0.95
    assert trace == 576  # 96.2 %, as docs/digits.md says
    assert largest_confusions(matrix, 3) == [(9, 8, 1), (2, 0, 5), (2, 9, 3)]


# --- three-class iris --------------------------------------------------------------------------

def iris3_numpy(features: int, epochs: int, lr: float = 0.5):
    xtr, ytr, xte, yte = iris_numpy(features)
    ws, bs = weights_of(iris_3class_network(features))
    history = []
    for _ in range(epochs):
        a1 = sigmoid(xtr @ ws[0].T + bs[0])
        z = a1 @ ws[1].T + bs[1]
        p = np.exp(z - z.max(1, keepdims=True))
        p /= p.sum(1, keepdims=True)
        history.append(np.mean(-np.log(p[np.arange(len(ytr)), ytr])))
        d2 = (p - np.eye(3)[ytr]) / len(ytr)
        d1 = (d2 @ ws[1]) * a1 * (1 - a1)
        ws[1] -= lr * d2.T @ a1
        bs[1] -= lr * d2.sum(0)
        ws[0] -= lr * d1.T @ xtr
        bs[0] -= lr * d1.sum(0)

    def predict(x):
        return (sigmoid(x @ ws[0].T + bs[0]) @ ws[1].T + bs[1]).argmax(1)

    return history, confusion(ytr, predict(xtr), 3), confusion(yte, predict(xte), 3)


@pytest.mark.parametrize("features", [2, 4])
def test_iris_3class_equals_a_numpy_replica(features):
    _, history, train, test = train_iris_3class(features=features, epochs=60)
    np_history, np_train, np_test = iris3_numpy(features, 60)
    assert np.allclose(history, np_history, rtol=1e-12, atol=0)
    assert (train, test) == (np_train, np_test)


def test_iris_3class_full_run_in_numpy_is_what_the_docs_say():
    _, train2, test2 = iris3_numpy(2, 1000)
    assert test2 == [[14, 1, 0], [0, 14, 1], [0, 6, 9]]  # versicolor and virginica overlap
    assert train2 == [[35, 0, 0], [0, 25, 10], [0, 13, 22]]
    _, train4, test4 = iris3_numpy(4, 1000)
    assert test4 == [[15, 0, 0], [0, 15, 0], [0, 0, 15]]
    assert sum(train4[k][k] for k in range(3)) == 103


# --- squared error vs cross-entropy ------------------------------------------------------------

@pytest.fixture(scope="module")
def mvc():
    return runpy.run_path(str(ROOT / "demos" / "mse_vs_cross_entropy.py"), run_name="demo")


def test_output_gradients_are_the_closed_forms(mvc):
    xtr, ytr, _, _ = iris_numpy(4)
    ws, bs = weights_of(mvc["network"]())
    s = sigmoid(sigmoid(xtr[70] @ ws[0].T + bs[0]) @ ws[1].T + bs[1])
    y = np.eye(3)[ytr[70]]
    mse = mvc["output_gradients"](mvc["squared_error_loss"], list(xtr[70]), list(y))
    ce = mvc["output_gradients"](mvc["cross_entropy_loss"], list(xtr[70]), list(y))
    assert np.allclose(mse, (s - y) * s * (1 - s), rtol=1e-13, atol=1e-16)
    assert np.allclose(ce, s - y, rtol=1e-13, atol=1e-16)


def mvc_numpy(kind: str, epochs: int, lr: float = 0.5):
    xtr, ytr, _, _ = iris_numpy(4)
    from nn import MLP

    net = MLP(4, [4, 3], activations=["sigmoid", "linear"], weight_scale=1.0, bias_scale=1.0, rng=0)
    ws, bs = weights_of(net)
    t = np.eye(3)[ytr]
    history, right = [], []
    for _ in range(epochs):
        a1 = sigmoid(xtr @ ws[0].T + bs[0])
        z = a1 @ ws[1].T + bs[1]
        s = sigmoid(z)
        if kind == "mse":
            history.append(np.mean(np.sum(0.5 * (s - t) ** 2, 1)))
            d2 = (s - t) * s * (1 - s) / len(t)
        else:
            history.append(np.mean(np.sum(np.logaddexp(0, z) - t * z, 1)))
            d2 = (s - t) / len(t)
        d1 = (d2 @ ws[1]) * a1 * (1 - a1)
        ws[1] -= lr * d2.T @ a1
        bs[1] -= lr * d2.sum(0)
        ws[0] -= lr * d1.T @ xtr
        bs[0] -= lr * d1.sum(0)
        out = sigmoid(xtr @ ws[0].T + bs[0]) @ ws[1].T + bs[1]
        right.append(int((out.argmax(1) == ytr).sum()))
    return history, right


def test_learning_curves_equal_a_numpy_replica_and_cross_entropy_learns_faster(mvc):
    for kind, name in (("mse", "squared_error_loss"), ("ce", "cross_entropy_loss")):
        losses, right = mvc["train"](mvc[name], epochs=20, every=10)
        np_losses, np_right = mvc_numpy(kind, 20)
        assert np.allclose(losses, np_losses, rtol=1e-12, atol=0)
        assert right == [(10, np_right[9]), (20, np_right[19])]
    _, mse_right = mvc_numpy("mse", 300)
    _, ce_right = mvc_numpy("ce", 300)
    assert (mse_right[29], ce_right[29], mse_right[-1], ce_right[-1]) == (74, 81, 84, 100)


# --- MNIST's IDX files -------------------------------------------------------------------------

def test_read_idx_reads_what_the_test_wrote_gzipped_or_not(tmp_path):
    images = np.arange(2 * 28 * 28, dtype=np.uint8).reshape(2, 28, 28)
    (tmp_path / "train-images-idx3-ubyte").write_bytes(
        bytes([0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 28, 0, 0, 0, 28]) + images.tobytes())
    (tmp_path / "train-labels-idx1-ubyte.gz").write_bytes(
        gzip.compress(bytes([0, 0, 8, 1, 0, 0, 0, 2, 7, 2])))
    got_images, got_labels = load_mnist(tmp_path, "train")
    assert np.array_equal(got_images, images) and got_labels.tolist() == [7, 2]
    floats = np.array([[1.5, -2.0]], dtype=">f4")
    (tmp_path / "f.idx").write_bytes(bytes([0, 0, 0x0D, 2, 0, 0, 0, 1, 0, 0, 0, 2]) + floats.tobytes())
    assert read_idx(tmp_path / "f.idx").tolist() == [[1.5, -2.0]]
    write_idx(np.array([[-3, 300]], dtype=np.int16), tmp_path / "s.idx.gz", compress=True)
    assert gzip.decompress((tmp_path / "s.idx.gz").read_bytes()) == bytes(
        [0, 0, 0x0B, 2, 0, 0, 0, 1, 0, 0, 0, 2, 0xFF, 0xFD, 0x01, 0x2C])


def test_book_inputs_average_2x2_blocks_and_scale_by_255():
    images = np.random.default_rng(0).integers(0, 256, size=(3, 28, 28)).astype(np.uint8)
    x = book_inputs(images)
    assert x.shape == (3, 196)
    i, r, c = 1, 5, 9
    block = images[i, 2 * r:2 * r + 2, 2 * c:2 * c + 2].astype(float)
    assert x[i, 14 * r + c] == pytest.approx(block.sum() / 4 / 255, abs=1e-15)


def test_read_idx_errors_name_the_file_and_the_problem(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"no file .*missing"):
        read_idx(tmp_path / "missing")
    with pytest.raises(FileNotFoundError, match=r"no train-images-idx3-ubyte or train-images-idx3-ubyte\.gz"):
        load_mnist(tmp_path)
    (tmp_path / "text").write_bytes(b"hello, world")
    with pytest.raises(ValueError, match="is not an IDX file: it starts with b'hell'"):
        read_idx(tmp_path / "text")
    (tmp_path / "short").write_bytes(bytes([0, 0, 8, 1, 0, 0, 0, 5, 1, 2]))
    with pytest.raises(ValueError, match=r"shape \(5,\) of uint8, which needs 5 bytes of data, but 2"):
        read_idx(tmp_path / "short")
    (tmp_path / "cut").write_bytes(bytes([0, 0, 8, 3, 0, 0]))
    with pytest.raises(ValueError, match="cut short: 3 dimensions need a 16-byte header"):
        read_idx(tmp_path / "cut")
    (tmp_path / "bad.gz").write_bytes(b"\x1f\x8b" + b"not really gzip")
    with pytest.raises(ValueError, match="does not decompress"):
        read_idx(tmp_path / "bad.gz")
    with pytest.raises(ValueError, match="part must be 'train' or 'test'"):
        load_mnist(tmp_path, "validation")


BOOK_MNIST_CONFUSION = np.array([
    [965, 0, 1, 1, 1, 5, 2, 3, 2, 0], [0, 1121, 3, 2, 0, 1, 3, 0, 5, 0],
    [6, 0, 1005, 4, 2, 0, 3, 7, 5, 0], [0, 1, 6, 981, 0, 4, 0, 9, 4, 5],
    [2, 0, 3, 0, 953, 0, 5, 3, 1, 15], [4, 0, 0, 10, 0, 864, 5, 1, 4, 4],
    [8, 2, 1, 1, 3, 4, 936, 0, 3, 0], [2, 7, 19, 2, 1, 0, 0, 989, 1, 7],
    [5, 0, 4, 5, 3, 5, 7, 3, 939, 3], [5, 5, 2, 10, 8, 2, 1, 3, 6, 967]])
"""The test matrix Kneusel's ch. 10 prints for its MNIST run (rows: true digit), typed in from the book."""
MNIST_TEST_DIGITS = [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]
"""How many of MNIST's 10,000 test images show each digit (the data set's own documentation)."""


def test_the_books_confusion_matrix_arithmetic():
    book = BOOK_MNIST_CONFUSION
    assert book.sum(axis=1).tolist() == MNIST_TEST_DIGITS == list(MNIST_TEST_COUNTS)
    assert np.trace(book) / book.sum() == 0.972                      # the accuracy the book prints
    off = book - np.diag(np.diag(book))
    order = np.argsort(-off, axis=None, kind="stable")
    top = [np.unravel_index(i, off.shape) for i in order[:2]]
    assert [(int(a), int(b), int(off[a, b])) for a, b in top] == [(7, 2, 19), (4, 9, 15)]
    assert off.max() == 19 and sorted(off.ravel())[-3] == 10          # the third is well below 15


def docs_matrices() -> tuple[np.ndarray, np.ndarray]:
    """The book's matrix as docs/digits.md types it, and the digits run's as the page shows it."""
    text = (Path(__file__).resolve().parent.parent / "docs" / "digits.md").read_text(encoding="utf-8")
    book_block = text[text.index(">>> book = ["):text.index(">>> [sum(row) for row in book]")]
    book = np.array([[int(n) for n in re.findall(r"\d+", line)] for line in book_block.splitlines()
                     if re.search(r"\d", line)])
    run_block = text[text.index("actual   0   1"):].split("```")[0]
    run = np.array([[int(n) for n in line.split()[1:11]] for line in run_block.splitlines()[1:11]])
    return book, run


def test_the_docs_compare_the_books_matrix_with_the_digits_run():
    book, run = docs_matrices()
    assert np.array_equal(book, BOOK_MNIST_CONFUSION)
    assert run.sum() == 599 and np.trace(run) == 576                 # the run the page states
    rows_book, rows_run = book.sum(1), run.sum(1)
    assert (rows_book.min(), rows_book.max(), rows_run.min(), rows_run.max()) == (892, 1135, 54, 63)
    recall_book, recall_run = np.diag(book) / rows_book, np.diag(run) / rows_run
    assert recall_book.argmin() == 9 and f"{recall_book.min():.1%}" == "95.8%"
    assert recall_run.argmin() == 8 and f"{recall_run.min():.1%}" == "82.5%"
    assert largest_confusions(run.tolist(), 1) == [(9, 8, 1)]
    assert (run[7, 2], run[4, 9]) == (0, 1)
    assert f"{19 / rows_book[7]:.1%}" == "1.8%" and f"{9 / rows_run[8]:.0%}" == "14%"


def write_small_mnist(folder: Path, n_train: int = 30, n_test: int = 10) -> None:
    rng = np.random.default_rng(1)
    for part, n, compress in (("train", n_train, True), ("t10k", n_test, False)):
        suffix = ".gz" if compress else ""
        write_idx(rng.integers(0, 256, size=(n, 28, 28)).astype(np.uint8),
                  folder / f"{part}-images-idx3-ubyte{suffix}", compress=compress)
        write_idx(rng.integers(0, 10, size=n).astype(np.uint8), folder / f"{part}-labels-idx1-ubyte{suffix}",
                  compress=compress)


def test_the_books_mnist_run_equals_a_numpy_replica_on_small_files(tmp_path):
    write_small_mnist(tmp_path)
    run = train_book_mnist(tmp_path, minibatches=3, batch_size=4, lr=1.0, seed=0)
    images, labels = load_mnist(tmp_path, "train")
    test_images, test_labels = load_mnist(tmp_path, "test")
    x = images.reshape(30, 14, 2, 14, 2).mean(axis=(2, 4)).reshape(30, 196) / 255
    t = np.eye(10)[labels]
    ws, bs = weights_of(book_network(0))
    rng = random.Random(0)
    losses = []
    for _ in range(3):
        idx = rng.sample(range(30), 4)
        a = [x[idx]]
        for w, b in zip(ws, bs):
            a.append(sigmoid(a[-1] @ w.T + b))
        losses.append(np.mean((a[-1] - t[idx]) ** 2))
        delta = 2 * (a[-1] - t[idx]) / 10 * a[-1] * (1 - a[-1]) / 4
        for k in range(2, -1, -1):
            gw, gb = delta.T @ a[k], delta.sum(0)
            if k:
                delta = (delta @ ws[k]) * a[k] * (1 - a[k])
            ws[k] -= gw
            bs[k] -= gb
    assert np.allclose(run.losses, losses, rtol=1e-12, atol=0)
    out = test_images.reshape(10, 14, 2, 14, 2).mean(axis=(2, 4)).reshape(10, 196) / 255
    for w, b in zip(ws, bs):
        out = sigmoid(out @ w.T + b)
    assert run.confusion == confusion(test_labels, out.argmax(1), 10)


def test_the_mnist_demo_says_what_it_needs_and_runs_on_a_folder(tmp_path, capsys):
    demo = runpy.run_path(str(ROOT / "demos" / "mnist_book.py"), run_name="demo")
    demo["main"]([])
    assert "No MNIST folder given" in capsys.readouterr().out
    write_small_mnist(tmp_path, n_train=70, n_test=10)
    demo["main"]([str(tmp_path), "--minibatches", "1"])
    out = capsys.readouterr().out
    assert "test accuracy: " in out and "/10 = " in out and "total" in out
    (tmp_path / "empty").mkdir()
    with pytest.raises(SystemExit) as stopped:  # one line on stderr, not a traceback
        demo["main"]([str(tmp_path / "empty")])
    assert stopped.value.code == 1
    assert "mnist_book: load_mnist: no train-images-idx3-ubyte" in capsys.readouterr().err
