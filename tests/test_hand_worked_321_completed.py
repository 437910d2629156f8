"""The worked 3-2-1 example completed (issue 11 §4): Adam's moments, the tutorial's further errors,
the N-3-1 network of Deep Dive into Back Propagation (III) and the bias as a constant input.

Every expected number is computed here with Python's decimal module at 40 digits (or NumPy for the
N-3-1 network), from the network's definition, never taken from the demo's output.
"""

from __future__ import annotations

import itertools
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
    assert f"= {tut_a2:.6f}" in out and f"a1, {tut_z:.6f}" in out
    assert "follows from neither" not in out
    m_alone = D("0.1") - D("0.1") * D("0.1") * g[2]
    assert f"m alone (the tutorial's W2 rule) {m_alone:.6f}" in " ".join(out.split())
    for step in (D("0.1") * -gi for gi in g):
        assert f"+{step:.4f}" in out
    assert "Adam's step 'smaller, more stable'" in out
    assert out.count("WRONG") == 8
    assert out.count("INCOMPLETE") == 1 and out.count("NOT ALWAYS") == 1


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


def test_the_tutorials_z2_is_its_own_w2_and_b2_times_its_rounded_a1(demo, capsys):
    """0.383312 is 0.50287*0.289 + 0.20572*0.574 + 0.1199, every number as the tutorial prints it."""
    z2 = D("0.50287") * D("0.289") + D("0.20572") * D("0.574") + D("0.1199")
    assert z2 == D("0.38331271")
    # the note rounds each product to 6 decimals before adding: 0.145329 + 0.118083 + 0.1199
    products = [round(D("0.50287") * D("0.289"), 6), round(D("0.20572") * D("0.574"), 6)]
    assert products == [D("0.145329"), D("0.118083")] and sum(products) + D("0.1199") == D("0.383312")
    assert abs(D(demo["tutorial_z2_rounded"]()) - z2) < D("1e-15")
    demo["main"]()
    assert f"= {z2:.8f}, written 0.145329 + 0.118083 + 0.1199" in " ".join(capsys.readouterr().out.split())


def full_sgd_step_by_hand() -> tuple[Decimal, Decimal]:
    """Every parameter (W1 and b1 too) moved by -0.1*gradient, at 40 digits: (new a2, new C)."""
    lr = D("0.1")
    x = [D(2), D(3), D(-1)]
    W1 = [[D("0.2"), D("-0.5"), D("0.1")], [D("-0.3"), D("0.4"), D("0.2")]]
    b1, W2, b2 = [D("0.3"), D("-0.1")], [D("0.5"), D("0.2")], D("0.1")
    a1 = [sigmoid(sum(w * xi for w, xi in zip(row, x)) + b) for row, b in zip(W1, b1)]
    a2 = sigmoid(W2[0] * a1[0] + W2[1] * a1[1] + b2)
    d2 = 2 * (a2 - 1) * a2 * (1 - a2)
    d1 = [W2[j] * d2 * a1[j] * (1 - a1[j]) for j in range(2)]
    W1 = [[w - lr * d1[j] * xi for w, xi in zip(W1[j], x)] for j in range(2)]
    b1 = [b1[j] - lr * d1[j] for j in range(2)]
    W2 = [W2[j] - lr * d2 * a1[j] for j in range(2)]
    b2 = b2 - lr * d2
    a1 = [sigmoid(sum(w * xi for w, xi in zip(row, x)) + b) for row, b in zip(W1, b1)]
    a2 = sigmoid(W2[0] * a1[0] + W2[1] * a1[1] + b2)
    return a2, (a2 - 1) ** 2


def test_a_complete_iteration_updates_the_hidden_layer_too(demo):
    """The note calls its output-layer-only update a complete iteration; the full step differs."""
    a2, c = full_sgd_step_by_hand()
    assert (round(a2, 6), round(c, 6)) == (D("0.596647"), D("0.162694"))
    got_a2, got_c = demo["full_step"]()
    assert abs(D(got_a2) - a2) < D("1e-15") and abs(D(got_c) - c) < D("1e-15")
    only_output = output(D("0.5") - D("0.1") * true_gradients()[0], D("0.2") - D("0.1") * true_gradients()[1],
                         D("0.1") - D("0.1") * true_gradients()[2])[1]
    assert round(only_output, 6) == D("0.595693") and a2 > only_output  # not the same step


def adam_by_hand(steps: int) -> list[dict[str, tuple[float, float, float, float, float, float, float]]]:
    """Standard Adam on the whole 3-2-1 in NumPy (forward and backward written out), plain floats.

    One dict per step: parameter name -> (C before, g, m, v, m-hat, v-hat, step).
    """
    x, lr, b1_, b2_, eps = np.array([2.0, 3.0, -1.0]), 0.1, 0.9, 0.999, 1e-8
    p = {"W1": np.array([[0.2, -0.5, 0.1], [-0.3, 0.4, 0.2]]), "b1": np.array([0.3, -0.1]),
         "W2": np.array([0.5, 0.2]), "b2": np.array(0.1)}
    m = {k: np.zeros_like(v) for k, v in p.items()}
    v = {k: np.zeros_like(val) for k, val in p.items()}
    out = []
    for t in range(1, steps + 1):
        a1 = 1 / (1 + np.exp(-(p["W1"] @ x + p["b1"])))
        a2 = 1 / (1 + np.exp(-(p["W2"] @ a1 + p["b2"])))
        c = (a2 - 1.0) ** 2
        d2 = 2 * (a2 - 1.0) * a2 * (1 - a2)
        d1 = p["W2"] * d2 * a1 * (1 - a1)
        g = {"W1": np.outer(d1, x), "b1": d1, "W2": d2 * a1, "b2": np.array(d2)}
        row = {}
        for k in p:
            m[k] = b1_ * m[k] + (1 - b1_) * g[k]
            v[k] = b2_ * v[k] + (1 - b2_) * g[k] ** 2
            m_hat, v_hat = m[k] / (1 - b1_**t), v[k] / (1 - b2_**t)
            step = -lr * m_hat / (np.sqrt(v_hat) + eps)
            p[k] = p[k] + step
            for idx in np.ndindex(g[k].shape):
                name = k + "".join(f"[{i}]" for i in idx)
                row[name] = (float(c), *(float(a[idx]) for a in (g[k], m[k], v[k], m_hat, v_hat, step)))
        out.append(row)
    return out


def test_adam_over_several_steps_against_numpy(demo, capsys):
    """m, v, m-hat, v-hat and each step of six Adam steps equal an independent NumPy Adam."""
    names = ("b2", "W1[0][0]", "W2[1]", "b1[1]")
    rows = demo["adam_steps"](6, names)
    want = adam_by_hand(6)
    for name in names:
        assert [r[0] for r in rows[name]] == [1, 2, 3, 4, 5, 6]
        for r, w in zip(rows[name], want):
            np.testing.assert_allclose(r[1:], w[name], rtol=1e-12, atol=1e-18)
    b2 = [w["b2"] for w in want]
    # bias correction: at t = 1 m-hat is g exactly (m is 0.1*g); later it is m/(1 - 0.9**t), not g
    assert b2[0][4] == pytest.approx(b2[0][1], rel=1e-15) and abs(b2[1][4] - b2[1][1]) > 0.01
    # momentum: W1[0][0]'s last gradient is several times smaller than its m-hat
    last = want[-1]["W1[0][0]"]
    assert abs(last[4]) > 5 * abs(last[1])
    demo["main"]()
    out = capsys.readouterr().out
    assert f"{last[1]:.3g} is {last[4] / last[1]:.1f}" in out
    assert f"m = {b2[1][2]:.6g} is 0.19 times" in out


def test_the_loss_does_not_fall_every_iteration():
    """Against 'the loss falls a little every iteration': with alpha = 1.1, f = x**2 - 4x + 5 always rises."""
    quad = runpy.run_path(str(DEMO.parent / "quadratic_descent.py"), run_name="demo")
    rows, _ = quad["descend"](1.1, max_iterations=8)
    values = [(2.0 + 5.5 * (-1.2) ** k - 2.0) ** 2 + 1.0 for k in range(8)]  # f(x_k), closed form
    assert all(later > earlier for earlier, later in itertools.pairwise(values))
    want = [2.0 + 5.5 * (-1.2) ** k for k in range(8)]
    np.testing.assert_allclose([x for _, x, _, _ in rows], want, rtol=1e-12)
