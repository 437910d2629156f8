"""The notation map (issue 18): each tutorial's symbols beside chainrule's names, with values that
are computed (checked here against the tutorials' own numbers and an independent NumPy forward)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from autograd.examples import three_two_one
from nn import MLP
from nn.book.iris import book_notation, iris_221_network
from nn.layer_matrices import leaky_relu_tutorial_notation


def test_the_321_map_puts_the_tutorials_symbols_beside_chainrules_names():
    rows = {row[0]: row[1:] for row in three_two_one().notation().rows}
    # the hand-worked tutorial's numbers: W^(2) = [0.5, 0.2], hidden a ~ [0.29, 0.57], output 0.589
    assert rows["W_1^(2)"][:2] == ("W2[0]", "0.5") and rows["W_2^(2)"][:2] == ("W2[1]", "0.2")
    assert rows["a_1"][0] == "a1[0]" and rows["a_2"][0] == "a1[1]" and rows["a^(2)"][0] == "a2"
    sigmoid = lambda z: 1.0 / (1.0 + math.exp(-z))  # noqa: E731
    z = [0.2 * 2 - 0.5 * 3 + 0.1 * -1 + 0.3, -0.3 * 2 + 0.4 * 3 + 0.2 * -1 - 0.1]
    a = [sigmoid(v) for v in z]
    out = sigmoid(0.5 * a[0] + 0.2 * a[1] + 0.1)
    assert float(rows["a_2"][1]) == pytest.approx(a[1], abs=5e-7) and round(a[1], 2) == 0.57
    assert float(rows["a^(2)"][1]) == pytest.approx(out, abs=5e-7) and round(out, 3) == 0.589
    assert float(rows["C_0"][1]) == pytest.approx((out - 1) ** 2, abs=5e-7)
    assert rows["W_23^(1)"][:2] == ("W1[1][2]", "0.2") and rows["x_3"][:2] == ("x2", "-1")
    text = str(three_two_one().notation())
    assert text.isascii() and max(map(len, text.splitlines())) <= 100


def test_the_books_iris_names_map_to_chainrules():
    net = iris_221_network(0)
    rows = {row[0]: row[1:] for row in book_notation(net).rows}
    assert sorted(rows) == ["b0", "b1", "b2", "w0", "w1", "w2", "w3", "w4", "w5"]
    # the book: z0 = w0*x0 + w2*x1 + b0 (hidden neuron 0), z1 = w1*x0 + w3*x1 + b1, a2 = w4*a0 + w5*a1 + b2
    neuron0, neuron1 = net.layers[0].neurons
    output = net.layers[1].neurons[0]
    expected = {"w0": neuron0.w[0], "w2": neuron0.w[1], "b0": neuron0.b, "w1": neuron1.w[0],
                "w3": neuron1.w[1], "b1": neuron1.b, "w4": output.w[0], "w5": output.w[1], "b2": output.b}
    for book, value in expected.items():
        assert float(rows[book][2]) == pytest.approx(value.data, rel=5e-6, abs=0.0)
    assert rows["w2"][:2] == ("W1[0][1]", "layers.0.neurons.0.w.1")
    assert rows["w4"][:2] == ("W2[0]", "layers.1.neurons.0.w.0")
    with pytest.raises(ValueError, match=r"book_notation: the book's names are for a 2-2-1 network"):
        book_notation(MLP(3, [2, 1], activations="sigmoid", rng=0))


def test_the_leaky_relu_tutorials_names_with_values_from_a_numpy_forward():
    net = MLP(1, [8, 2, 1], activations="leaky_relu", rng=0, leaky_slope=0.01)
    table = leaky_relu_tutorial_notation(net, [0.5])
    rows = {row[0]: row[1:] for row in table.rows}
    weights = [np.array([[w.data for w in n.w] for n in layer.neurons]) for layer in net.layers]
    biases = [np.array([n.b.data for n in layer.neurons]) for layer in net.layers]
    a = np.array([0.5])
    sums, outs = [], []
    for W, b in zip(weights, biases):
        z = W @ a + b
        a = np.where(z > 0, z, 0.01 * z)
        sums.append(z)
        outs.append(a)
    assert rows["W_3 = [w_ij^3]"][:2] == ("1x2", "W3[j-1]")
    assert rows["W_2 = [w_ij^2]"][:2] == ("2x8", "W2[i-1][j-1]")

    def shown(key: str) -> float:
        return float(rows[key][2].rpartition("= ")[2])

    assert shown("y = W_3 sigma(x_2) + b_3") == pytest.approx(sums[2][0], rel=1e-5)
    assert shown("sigma(y)") == pytest.approx(outs[2][0], rel=1e-5)
    assert shown("x_2 = W_2 sigma(x_1) + b_2") == pytest.approx(sums[1][0], rel=1e-5)
    assert rows["sigma(y)"][1] == "net(x)[0]" and net([0.5])[0].data == pytest.approx(outs[2][0], rel=1e-12)
