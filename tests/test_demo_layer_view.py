"""demos/layer_view.py prints the right numbers: each recomputed here with plain NumPy from the weights."""

from __future__ import annotations

import runpy
from pathlib import Path

import numpy as np
import pytest

from nn.layer_matrices import format_matrix

DEMO = Path(__file__).resolve().parent.parent / "demos" / "layer_view.py"


@pytest.fixture(scope="module")
def demo():
    return runpy.run_path(str(DEMO), run_name="demo")


def leaky(z, alpha=0.01):
    return np.where(z > 0, z, alpha * z), np.where(z > 0, 1.0, alpha)


def by_hand(demo):
    """The leaky network's forward and backward pass, written out independently of nn."""
    (W1, W2, W3), (b1, b2, b3) = ([np.array(w, dtype=float) for w in demo["LEAKY_W"]],
                                  [np.array(b, dtype=float).reshape(-1, 1) for b in demo["LEAKY_B"]])
    x = np.array(demo["LEAKY_X"], dtype=float).reshape(-1, 1)
    z1 = W1 @ x + b1
    a1, s1 = leaky(z1)
    z2 = W2 @ a1 + b2
    a2, s2 = leaky(z2)
    z3 = W3 @ a2 + b3
    a3, s3 = leaky(z3)
    d3 = s3 * (a3 - demo["LEAKY_Y"])        # E = 0.5*(a3 - y)**2
    d2 = s2 * (W3.T @ d3)
    d1 = s1 * (W2.T @ d2)
    W3_new = W3 - demo["LR"] * d3 @ a2.T
    wrong_d2 = s2 * (W3_new.T @ d3)
    wrong_d1 = s1 * (W2.T @ wrong_d2)
    return {"z1": z1, "s1": s1, "dW3": d3 @ a2.T, "dW2": d2 @ a1.T, "dW1": d1 @ x.T,
            "W3_new": W3_new, "wrong_dW2": wrong_d2 @ a1.T, "wrong_dW1": wrong_d1 @ x.T}


def test_the_leaky_case_has_the_tutorials_signs_and_factors(demo):
    h = by_hand(demo)
    z1 = h["z1"].ravel()
    assert z1[0] < 0 < z1[1] and z1[2] > 0
    assert list(h["s1"].ravel()) == [0.01, 1.0, 1.0]
    assert np.array(demo["LEAKY_W"][2]).shape == (1, 2)  # the tutorial's W3 is 1×2


def test_the_demo_prints_the_hand_computed_numbers(demo, capsys):
    demo["main"]()
    out = capsys.readouterr().out
    flat = " ".join(out.split())  # lines may continue below: compare with the whitespace folded
    assert "[[-0.0575363 -0.114344]]" in flat                              # the reference's dC/dW2
    assert "[[-0.0409054 -0.0613582 0.0204527] [-0.0194641 -0.0291961 0.00973203]]" in flat
    h = by_hand(demo)
    for key in ("dW3", "dW2", "dW1", "W3_new", "wrong_dW2", "wrong_dW1"):
        assert format_matrix(h[key]) in flat, key
    assert "[[0.01 1 1]] = alpha, 1, 1" in out
    assert out.count("WRONG") == 2                    # the two W3-first gradients, nothing else
    assert "(1×2)·(2×1) → (1×1)" in out and "(2×1)·(1×1) → (2×1)" in out
    assert "largest difference from backward(): 0.0e+00" in out
    assert not np.allclose(h["wrong_dW2"], h["dW2"])  # the warning is about a real difference


TUTORIAL_FORWARD = ((1, 2), (2, 1), (1, 1))
"""The leaky-ReLU tutorial's shapes for the step from sigma(x2) to y: (1,2)·(2,1) → (1,1)."""
TUTORIAL_BACKWARD = ((2, 1), (1, 1), (2, 1))
"""Its shapes for the way back from y to sigma(x2): (2,1)·(1,1) → (2,1)."""


def test_the_tutorials_shapes_are_the_forward_and_backward_products(demo):
    """Both shapes the tutorial writes are right: NumPy's products of the demo's matrices have them."""
    W3 = np.array(demo["LEAKY_W"][2], dtype=float)
    a2 = np.ones((W3.shape[1], 1))               # sigma(x2), one entry per unit of the last hidden layer
    y = W3 @ a2
    assert (W3.shape, a2.shape, y.shape) == TUTORIAL_FORWARD
    delta_y = np.ones_like(y)
    back = W3.T @ delta_y
    assert (W3.T.shape, delta_y.shape, back.shape) == TUTORIAL_BACKWARD


def test_the_demo_no_longer_calls_the_tutorials_shapes_wrong(demo, capsys):
    demo["main"]()
    out = capsys.readouterr().out
    assert "do not fit" not in out and "single number" not in out
    assert "forward, from sigma(x2) to y:" in out and "backward, from y to sigma(x2):" in out
