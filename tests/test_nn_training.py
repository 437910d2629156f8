"""fit: stop conditions, batching modes, the returned history, and the progress line."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
from itertools import pairwise

import pytest

from nn import (
    MLP,
    SGD,
    Adam,
    confusion_matrix,
    fit,
    half_squared_error,
    one_hot,
    softmax_cross_entropy,
    squared_error,
)

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def line_net() -> MLP:
    return MLP(1, [1], activations="linear", weights=[[[0.0]]], biases=[[0.0]])


X, Y = [[1.0], [2.0], [3.0]], [2.0, 4.0, 6.0]


def test_max_epochs_and_history():
    net = line_net()
    h = fit(net, half_squared_error, X, Y, SGD(net.parameters(), lr=0.05), epochs=5)
    assert len(h) == 5 and h.stop_reason == "max epochs (5)" and h.seconds > 0
    assert all(b < a for a, b in pairwise(h))
    assert h[0] == pytest.approx((4 + 16 + 36) / 6, rel=1e-15)  # mean ½(0 − y)² at the start


def test_loss_below_and_change_below():
    net = line_net()
    h = fit(net, half_squared_error, X, Y, SGD(net.parameters(), lr=0.05), epochs=10_000, loss_below=1e-6)
    assert h.stop_reason == "loss below 1e-06" and h[-1] < 1e-6 and all(v >= 1e-6 for v in h[:-1])
    net = line_net()
    h = fit(net, half_squared_error, X, Y, SGD(net.parameters(), lr=0.05), epochs=10_000,
            change_below=1e-4)
    assert h.stop_reason == "loss change below 0.0001" and abs(h[-1] - h[-2]) < 1e-4
    assert all(abs(a - b) >= 1e-4 for a, b in pairwise(h[:-1]))


def test_per_sample_makes_one_update_per_sample():
    net = line_net()
    w = net.parameters()[0]
    fit(net, squared_error, [[1.0], [1.0]], [1.0, 1.0], SGD(net.parameters(), lr=0.1), epochs=1, batch_size=1)
    # w: 0 → 0.2 (grad −2) → 0.2 + 0.1·2·(1 − 0.4) = 0.32
    assert w.data == pytest.approx(0.32, rel=1e-15)


def lines_of(text: str) -> list[str]:
    """What a terminal shows: each \\r starts the line again, each \\n starts a new one."""
    return [part for line in text.split("\n") for part in line.split("\r")]


def test_progress_bar_only_when_asked_or_on_a_terminal():
    stream = io.StringIO()
    net = line_net()
    fit(net, half_squared_error, X, Y, SGD(net.parameters(), lr=0.05), epochs=3, stream=stream)
    assert stream.getvalue() == ""  # not a terminal
    fit(net, half_squared_error, X, Y, SGD(net.parameters(), lr=0.05), epochs=3, stream=stream,
        progress=False)
    assert stream.getvalue() == ""
    fit(net, half_squared_error, X, Y, SGD(net.parameters(), lr=0.05), epochs=3, stream=stream, progress=True)
    text = stream.getvalue()
    last = [line for line in lines_of(text) if line.strip()][-1]
    # a tqdm bar: percentage, bar, count, timing, and the last loss with the stop reason
    assert re.match(r"fit: 100%\|#+\| 3/3 epochs \[\d\d:\d\d<\d\d:\d\d, loss \S+, max epochs \(3\)\]$",
                    last.rstrip()), last
    assert text.endswith("\n") and text.isascii()
    assert all(len(line) <= 100 for line in lines_of(text))


def test_progress_bar_stops_early_and_shows_why():
    stream = io.StringIO()
    net = line_net()
    h = fit(net, half_squared_error, X, Y, SGD(net.parameters(), lr=0.05), epochs=10_000, loss_below=1e-3,
            stream=stream, progress=True)
    last = [line for line in lines_of(stream.getvalue()) if line.strip()][-1]
    assert f" {len(h)}/10000 epochs" in last and "loss below 0.001" in last and len(last) <= 100


@pytest.mark.parametrize("encoding", ["gbk", "cp1252"])
def test_progress_bar_under_a_console_that_is_not_utf8(encoding):
    code = ("from nn import MLP, SGD, fit, half_squared_error\n"
            "net = MLP(1, [1], activations='linear', weights=[[[0.0]]], biases=[[0.0]])\n"
            "fit(net, half_squared_error, [[1.0], [2.0]], [2.0, 4.0], SGD(net.parameters(), lr=0.1),"
            " epochs=50, progress=True)\n")
    env = {**os.environ, "PYTHONIOENCODING": encoding, "COLUMNS": "200"}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, env=env, cwd=ROOT, timeout=60)
    assert done.returncode == 0, done.stderr.decode(encoding, "replace")
    text = done.stdout.decode(encoding)
    assert "50/50 epochs" in text and text.isascii()  # block characters are double width in GBK
    assert all(len(line) <= 100 for line in lines_of(text))


def test_progress_uses_the_notebook_bar_in_a_notebook(monkeypatch):
    import nn.training
    made = []

    class FakeNotebookBar:
        def __init__(self, **settings):
            made.append(settings)
            self.n = 0

        def update(self, n):
            self.n += n

        def set_postfix_str(self, text, refresh=True):
            self.postfix = text

        def close(self):
            made.append(("closed", self.n, self.postfix))

    monkeypatch.setattr(nn.training, "_notebook_bar", lambda: FakeNotebookBar)
    net = line_net()
    fit(net, half_squared_error, X, Y, SGD(net.parameters(), lr=0.05), epochs=4, progress=True)
    assert made[0]["total"] == 4 and made[-1][:2] == ("closed", 4) and "max epochs (4)" in made[-1][2]


def test_default_progress_shows_in_a_notebook_kernel_without_widgets(monkeypatch):
    import types

    import nn.training
    monkeypatch.setattr(nn.training, "_notebook_bar", lambda: None)  # ipywidgets missing
    assert nn.training._progress_bar(3, None, io.StringIO(), None) is None  # a plain script, no tty
    # a process that merely imported ipykernel (nbclient starting a kernel does) is no notebook
    monkeypatch.setitem(sys.modules, "ipykernel", types.ModuleType("ipykernel"))
    assert nn.training._progress_bar(3, None, io.StringIO(), None) is None
    ipython = types.ModuleType("IPython")
    shell = types.SimpleNamespace(kernel=object())  # the shell of a running Jupyter kernel
    ipython.get_ipython = lambda: shell  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "IPython", ipython)
    bar = nn.training._progress_bar(3, None, io.StringIO(), None)
    assert bar is not None and bar.total == 3
    bar.close()


def test_numpy_targets_and_class_indices():
    np = pytest.importorskip("numpy")
    net = line_net()
    h = fit(net, half_squared_error, np.array(X), np.array(Y, dtype=np.float32),
            SGD(net.parameters(), lr=0.05), epochs=5)
    reference = line_net()
    h2 = fit(reference, half_squared_error, X, Y, SGD(reference.parameters(), lr=0.05), epochs=5)
    assert list(h) == list(h2)
    net = MLP(2, [2], activations="linear", rng=0)
    labels = np.array([0, 1, 1], dtype=np.int64)
    h = fit(net, softmax_cross_entropy, [[1.0, 0.0], [0.0, 1.0], [0.5, 1.0]], labels,
            SGD(net.parameters(), lr=0.1), epochs=3)
    assert len(h) == 3 and h[-1] < h[0]
    assert one_hot(np.int64(1), 3) == [0.0, 1.0, 0.0]
    assert confusion_matrix(labels, [np.int64(0), 1, 0]) == [[1, 0], [1, 1]]


def test_a_diverging_fit_says_the_loss_overflowed_and_suggests_a_smaller_learning_rate():
    net = line_net()
    with pytest.raises(OverflowError, match=r"fit: the loss overflowed at epoch (\d+); the training "
                                            r"diverges: try a smaller learning rate than lr=3.0") as error:
        fit(net, squared_error, X, Y, SGD(net.parameters(), lr=3.0), epochs=10_000)
    epoch = int(re.search(r"epoch (\d+)", str(error.value)).group(1))
    assert epoch == first_overflowing_epoch(lr=3.0)


def first_overflowing_epoch(lr: float) -> int:
    """Full-batch gradient descent on (w·x + b − y)² over X, Y in exact fractions: the first epoch
    whose sum of squared errors is beyond the float range (fsum of it overflows)."""
    from fractions import Fraction

    w = b = Fraction(0)
    n, rate, largest = len(X), Fraction(lr), Fraction(sys.float_info.max)
    for epoch in range(1, 10_000):
        errors = [w * Fraction(x) + b - Fraction(y) for (x,), y in zip(X, Y)]
        if sum(e * e for e in errors) > largest:
            return epoch
        w -= rate * Fraction(2, n) * sum(e * Fraction(x) for e, (x,) in zip(errors, X))
        b -= rate * Fraction(2, n) * sum(errors)
    raise AssertionError("no overflow")


def test_a_diverging_minibatch_fit_names_the_epoch_too():
    net = line_net()
    with pytest.raises(OverflowError, match=r"fit: .* overflowed at epoch \d+.* smaller learning rate"):
        fit(net, squared_error, X, Y, Adam(net.parameters(), lr=1e200), epochs=10_000, batch_size=1)


def test_argument_checks():
    net = line_net()
    opt = SGD(net.parameters(), lr=0.1)
    with pytest.raises(ValueError, match="fit: epochs must be a positive int, got 0"):
        fit(net, squared_error, X, Y, opt, epochs=0)
    with pytest.raises(ValueError, match="fit: 3 samples but 2 targets"):
        fit(net, squared_error, X, Y[:2], opt, epochs=1)
    with pytest.raises(ValueError, match="loss_below must be a finite number >= 0 or None, got -1"):
        fit(net, squared_error, X, Y, opt, epochs=1, loss_below=-1)
