"""fit: stop conditions, batching modes, the returned history, and the progress line."""

from __future__ import annotations

import io
from itertools import pairwise

import pytest

from nn import MLP, SGD, fit, half_squared_error, squared_error


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


def test_progress_line_only_when_asked_or_on_a_terminal():
    stream = io.StringIO()
    net = line_net()
    fit(net, half_squared_error, X, Y, SGD(net.parameters(), lr=0.05), epochs=3, stream=stream)
    assert stream.getvalue() == ""  # not a terminal
    fit(net, half_squared_error, X, Y, SGD(net.parameters(), lr=0.05), epochs=3, stream=stream, progress=True)
    text = stream.getvalue()
    assert text.startswith("\repoch ") and text.endswith("(max epochs (3))\n") and text.count("\n") == 1


def test_argument_checks():
    net = line_net()
    opt = SGD(net.parameters(), lr=0.1)
    with pytest.raises(ValueError, match="fit: epochs must be a positive int, got 0"):
        fit(net, squared_error, X, Y, opt, epochs=0)
    with pytest.raises(ValueError, match="fit: 3 samples but 2 targets"):
        fit(net, squared_error, X, Y[:2], opt, epochs=1)
    with pytest.raises(ValueError, match="loss_below must be a finite number >= 0 or None, got -1"):
        fit(net, squared_error, X, Y, opt, epochs=1, loss_below=-1)
