"""The worked 3-2-1 example completed (issue 11 §4): Adam's moments, the tutorial's further errors,
the N-3-1 network of Deep Dive into Back Propagation (III) and the bias as a constant input.

Every expected number is computed here with Python's decimal module at 40 digits (or NumPy for the
N-3-1 network), from the network's definition, never taken from the demo's output.
"""

from __future__ import annotations

import runpy
from decimal import Decimal, getcontext
from pathlib import Path

import numpy as np
import pytest

from nn import Neuron, half_squared_error

getcontext().prec = 40
DEMO = Path(__file__).resolve().parent.parent / "demos" / "hand_worked_321.py"
D = Decimal


def sigmoid(z: Decimal) -> Decimal:
    return 1 / (1 + (-z).exp())


A1 = [sigmoid(D("0.2") * 2 + D("-0.5") * 3 + D("0.1") * -1 + D("0.3")),
      sigmoid(D("-0.3") * 2 + D("0.4") * 3 + D("0.2") * -1 + D("-0.1"))]


def output(w0: str | Decimal, w1: str | Decimal, b: str | Decimal) -> tuple[Decimal, Decimal]:
    z = D(w0) * A1[0] + D(w1) * A1[1] + D(b)
    return z, sigmoid(z)


def true_gradients() -> list[Decimal]:
    _, a2 = output("0.5", "0.2", "0.1")
    g = 2 * (a2 - 1) * a2 * (1 - a2)
    return [g * A1[0], g * A1[1], g]


@pytest.fixture(scope="module")
def demo():
    return runpy.run_path(str(DEMO), run_name="demo")


def sig6(x) -> float:
    return float(f"{float(x):.6g}")


def test_adams_moments_per_parameter(demo):
    rows = demo["adam_moments"]()
    g = true_gradients()
    assert [r[0] for r in rows] == ["W2[0]", "W2[1]", "b2"]
    for (_, grad, m, v, m_hat, v_hat, step, sgd), gi in zip(rows, g):
        assert abs(D(grad) - gi) < D("1e-15")
        assert abs(D(m) - D("0.1") * gi) < D("1e-16")
        assert abs(D(v) - D("0.001") * gi * gi) < D("1e-18")
        assert abs(D(m_hat) - gi) < D("1e-15") and abs(D(v_hat) - gi * gi) < D("1e-15")
        assert abs(D(step) - D("0.1") * abs(gi) / (abs(gi) + D("1e-8"))) < D("1e-15")
        assert abs(D(sgd) + D("0.1") * gi) < D("1e-16")
    # the numbers, to the digits it gives
    assert [sig6(r[2]) for r in rows] == [-0.00575363, -0.0114344, -0.0199053]
    assert [sig6(r[3]) for r in rows] == [3.31043e-6, 1.30747e-5, 3.96221e-5]


def test_the_tutorials_moments_are_right_for_its_halved_gradients(demo):
    rows = demo["tutorial_moments"]()
    assert [(g, round(m, 10), round(v, 14)) for _, g, m, v in rows] == [
        (-0.0287, -0.00287, 8.2369e-07), (-0.0572, -0.00572, 3.27184e-06), (-0.199, -0.0199, 3.9601e-05)]


def test_the_new_output_0_595_comes_from_the_tutorials_wrong_W2(demo):
    z, a2 = demo["tutorial_output"]()
    want_z, want_a2 = output("0.50287", "0.20572", "0.1199")
    assert abs(D(a2) - want_a2) < D("1e-15") and round(want_a2, 6) == D("0.594700")
    assert abs(D(z) - want_z) < D("1e-15")


def test_the_claims_the_demo_prints(demo, capsys):
    demo["main"]()
    out = capsys.readouterr().out
    g = true_gradients()
    sgd_z, _ = output(D("0.5") - D("0.1") * g[0], D("0.2") - D("0.1") * g[1], D("0.1") - D("0.1") * g[2])
    assert f"z2 = {sgd_z:.6f}" in out and f"{sgd_z:.6f}" == "0.387551"
    assert "new z2 0.383312" in out
    tut_z, tut_a2 = output("0.50287", "0.20572", "0.1199")
    assert f"= {tut_a2:.6f}" in out and f"give {tut_z:.6f}" in out
    m_alone = D("0.1") - D("0.1") * D("0.1") * g[2]
    assert f"m alone (the tutorial's W2 rule) {m_alone:.6f}" in " ".join(out.split())
    for step in (D("0.1") * -gi for gi in g):
        assert f"+{step:.4f}" in out
    assert "Adam's step 'smaller, more stable'" in out
    assert out.count("WRONG") == 8


def n31_by_hand(demo):
    """The N-3-1 network's two backprop steps with NumPy, from the demo's weights."""
    (Wh, (w_out,)), (bh, (b_out,)) = demo["N31_W"], demo["N31_B"]
    x, t = np.array(demo["N31_X"]), demo["N31_T"]
    z = np.array(Wh) @ x + np.array(bh)
    h = 1 / (1 + np.exp(-z))
    y = np.dot(w_out, h) + b_out
    delta = y - t
    step1 = delta * h
    step2 = np.outer(delta * np.array(w_out) * h * (1 - h), x)
    return y, step1, step2


def test_the_n_3_1_network_two_steps(demo, capsys):
    demo["main"]()
    out = capsys.readouterr().out
    y, step1, step2 = n31_by_hand(demo)
    assert f"y = {y:.6f}" in out
    assert "dE/dw_out[j] = delta*h[j] = [" + ", ".join(f"{g:.6g}" for g in step1) + "]" in out
    for j in range(3):
        assert f" = [{', '.join(f'{g:.6g}' for g in step2[j])}]" in out
    net = demo["n31"]()
    half_squared_error(net(demo["N31_X"])[0], demo["N31_T"]).backward()
    np.testing.assert_allclose([[w.grad for w in n.w] for n in net.layers[0].neurons], step2, atol=1e-15)
    np.testing.assert_allclose([w.grad for w in net.layers[1].neurons[0].w], step1, atol=1e-15)


@pytest.mark.parametrize("activation", ["sigmoid", "tanh", "linear", "relu"])
def test_a_bias_is_a_weight_on_an_input_fixed_at_1(activation):
    w, b, x = [0.3, -0.7, 0.2], 0.45, [1.5, 0.5, -2.0]
    with_bias = Neuron(3, activation, weights=w, bias=b)
    half_squared_error(with_bias(x), 2.0).backward()
    as_input = Neuron(4, activation, weights=[*w, b], bias=0.0)
    half_squared_error(as_input([*x, 1.0]), 2.0).backward()
    assert [v.grad for v in as_input.w] == [*(v.grad for v in with_bias.w), with_bias.b.grad]
    assert as_input.b.grad == with_bias.b.grad  # the unused bias of the second gets the same dE/dz


def test_the_demos_bias_check(demo):
    with_bias, as_input = demo["bias_as_input"]()
    assert with_bias == as_input
