"""Issue 11 §6: the leaky-ReLU demo counts the epochs whose loss rose, per batching mode.

The counts are checked against a NumPy replay of the three trainings (chainrule's initial weights
and data, fit's minibatch order), never against the demo's own output.
"""

from __future__ import annotations

import itertools
import random
import runpy
from pathlib import Path

import numpy as np
import pytest

from nn import bumpy_regression

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def demo():
    return runpy.run_path(str(ROOT / "demos" / "leaky_relu_regression.py"), run_name="demo")


def leaky(z):
    return np.where(z > 0, z, 0.01 * z)


def leaky_slope(z):
    return np.where(z > 0, 1.0, 0.01)


def numpy_history(net, batch_size: int | None, epochs: int, seed: int = 3) -> list[float]:
    ws = [np.array([[w.data for w in n.w] for n in layer.neurons]) for layer in net.layers]
    bs = [np.array([n.b.data for n in layer.neurons]) for layer in net.layers]
    x, y = (np.array(v, dtype=float) for v in bumpy_regression(40, seed=0))
    y = y.reshape(-1, 1)
    rng = random.Random(seed)
    history = []
    for _ in range(epochs):
        order = list(range(40))
        if batch_size is not None:
            rng.shuffle(order)
        size = 40 if batch_size is None else batch_size
        losses = []
        for start in range(0, 40, size):
            idx = order[start:start + size]
            a, zs = [x[idx]], []
            for w, b in zip(ws, bs):
                zs.append(a[-1] @ w.T + b)
                a.append(leaky(zs[-1]))
            losses.append(np.mean(0.5 * (a[-1] - y[idx]) ** 2))
            delta = (a[-1] - y[idx]) * leaky_slope(zs[-1]) / len(idx)
            for k in range(len(ws) - 1, -1, -1):
                gw, gb = delta.T @ a[k], delta.sum(0)
                if k:
                    delta = (delta @ ws[k]) * leaky_slope(zs[k - 1])
                ws[k] -= 0.05 * gw
                bs[k] -= 0.05 * gb
        history.append(float(np.mean(losses)))
    return history


def test_the_trainings_match_a_numpy_replay(demo):
    for name, size in demo["MODES"].items():
        _, history = demo["train"](size, epochs=10)
        assert np.allclose(history, numpy_history(demo["network"](), size, 10), rtol=1e-10, atol=0), name
        assert demo["rises"](history) == sum(b > a for a, b in itertools.pairwise(history))


def test_the_demo_prints_the_rises_of_the_numpy_replay_and_keeps_its_numbers(demo, capsys, monkeypatch,
                                                                              tmp_path):
    expected, last = {}, []
    for name, size in demo["MODES"].items():
        reference = numpy_history(demo["network"](), size, 100)
        expected[name] = sum(b > a for a, b in itertools.pairwise(reference))
        last.append(f"{reference[-1]:.6f}")
    assert expected == {"full batch": 0, "minibatch of 8": 25, "per sample": 43}  # the 1→8→2→1 net
    monkeypatch.chdir(tmp_path)
    demo["main"]()
    out = capsys.readouterr().out
    assert "epochs (of 99 after the first) whose loss rose" in out
    assert "".join(f"{name:>15}  {count}\n" for name, count in expected.items()) in out
    assert f"   100          {last[0]}          {last[1]}          {last[2]}" in out  # NumPy's epoch 100
