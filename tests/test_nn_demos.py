"""The nn demos run and print what they promise (the numbers themselves are tested in test_networks)."""

from __future__ import annotations

import runpy
from pathlib import Path

import pytest

import autograd

DEMOS = Path(__file__).resolve().parent.parent / "demos"


def demo(name: str) -> dict:
    return runpy.run_path(str(DEMOS / f"{name}.py"), run_name="demo")


def test_iris_221_demo(capsys, monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)  # its loss curve goes to ./pictures
    demo("iris_221")["main"](seed=1, epochs=1000)
    out = capsys.readouterr().out
    assert "before training: TN 15  FP 0 / FN 15  TP 0" in out
    assert "after training:  TN 14  FP 1 / FN 1  TP 14" in out
    assert "final mean train loss 0.5*(a2 - y)**2: 0.014954" in out
    assert "iris row 41: sepal 4.5 cm × 2.3 cm, a setosa, output 0.5897" in out
    assert "iris row 85: sepal 6.0 cm × 3.4 cm, a versicolor, output 0.4846" in out
    assert "training took" in out
    assert "  W1[0][0]  " in out and "  b2  " in out  # the tutorial's names, as in every demo
    assert "quick run" not in out


def test_iris_222_onehot_demo_runs(capsys, monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    demo("iris_222_onehot")["main"](seed=0, steps=20)
    assert "20 full-batch steps" in capsys.readouterr().out


def test_gradcheck_demo(capsys):
    demo("gradcheck_iris")["main"]()
    out = capsys.readouterr().out
    assert out.count("all agree") == 3 and " NO" not in out


def test_leaky_relu_demo():
    module = demo("leaky_relu_regression")
    _, history = module["train"](8, epochs=100)
    assert history[-1] < history[0] / 10


@pytest.mark.skipif(not hasattr(autograd, "step_through"),
                    reason="autograd.step_through (the chain-rule table) has not landed yet")
def test_hand_worked_321_demo(capsys):
    demo("hand_worked_321")["main"]()
    out = capsys.readouterr().out
    for text in ("a2 = 0.588899", "C  = 0.169004", "dC/dW1[1][2] = 0.00973203", "dC/dx0 = -0.00117094",
                 "W2 = [0.50575363, 0.21143445]  b2 = 0.11990529  → a2 = 0.595693  C = 0.163464",
                 "W2 = [0.59999998, 0.29999999]  b2 = 0.19999999  → a2 = 0.633152  C = 0.134577",
                 "W2 = [0.81622603, 0.51622689]  b2 = 0.41622726"):
        assert text in out, text
    assert out.count("WRONG") == 8
