"""Neuron, Layer, MLP: activations, initialisation, explicit weights, shapes, fused = fine-grained."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from autograd import Value
from nn import ACTIVATIONS, MLP, Layer, Neuron, ShapeError


def test_each_activation_on_hand_values():
    expected = {"sigmoid": 1 / (1 + math.exp(0.5)), "tanh": math.tanh(-0.5), "relu": 0.0,
                "leaky_relu": -0.05, "linear": -0.5}
    for activation in ACTIVATIONS:
        n = Neuron(2, activation, weights=[1.0, -1.0], bias=0.5, leaky_slope=0.1)
        assert n([0.0, 1.0]).data == pytest.approx(expected[activation], rel=1e-15)


def test_unknown_activation():
    with pytest.raises(ValueError, match="unknown activation 'softmax'"):
        Layer(2, 2, "softmax")  # type: ignore[arg-type]


def test_init_is_uniform_with_the_given_scale_and_seedable():
    layer = Layer(50, 40, weight_scale=1e-4, rng=7)
    weights = [w.data for n in layer.neurons for w in n.w]
    assert all(-0.5e-4 <= w < 0.5e-4 for w in weights)
    assert min(weights) < -0.4e-4 and max(weights) > 0.4e-4
    assert all(n.b.data == 0.0 for n in layer.neurons)  # biases start at 0 unless bias_scale is set
    assert [w.data for n in Layer(50, 40, weight_scale=1e-4, rng=7).neurons for w in n.w] == weights
    assert [w.data for n in Layer(50, 40, weight_scale=1e-4, rng=8).neurons for w in n.w] != weights
    biased = Layer(3, 200, bias_scale=1.0, rng=1)
    assert all(-0.5 <= n.b.data < 0.5 for n in biased.neurons)
    assert len({n.b.data for n in biased.neurons}) == 200


def test_explicit_weights_are_typed_in_exactly():
    net = MLP(3, [2, 1], activations="sigmoid", weights=[[[0.2, -0.5, 0.1], [-0.3, 0.4, 0.2]], [[0.5, 0.2]]],
              biases=[[0.3, -0.1], [0.1]])
    assert list(net.state_dict().values()) == [0.2, -0.5, 0.1, 0.3, -0.3, 0.4, 0.2, -0.1, 0.5, 0.2, 0.1]


def test_explicit_values_are_shared_not_copied():
    w = Value(2.0)
    n = Neuron(1, weights=[w], bias=0.0)
    assert n.w[0] is w


def test_one_output_layer_does_not_change_type():
    """micrograd's MLP(2, [16, 1, 1]) fails because a 1-output layer returns a bare Value."""
    net = MLP(2, [16, 1, 1], activations=["tanh", "tanh", "linear"], rng=0)
    out = net([0.3, -0.7])
    assert isinstance(out, list) and len(out) == 1 and isinstance(out[0], Value)
    assert isinstance(Layer(2, 1)([1.0, 2.0]), list)


def test_input_size_mistakes_name_the_layer_and_the_sizes():
    net = MLP(3, [2, 1], activations="sigmoid", rng=0)
    with pytest.raises(ShapeError, match=r"MLP layer 0 \(3 inputs -> 2 sigmoid\): got an input of size 2, "
                                         r"expected 3"):
        net([1.0, 2.0])
    with pytest.raises(ShapeError, match="Neuron: expects 2 inputs, got 3"):
        Neuron(2)([1.0, 2.0, 3.0])


def test_explicit_weight_shape_mistakes():
    with pytest.raises(ShapeError, match="MLP layer 1: weights has 2 rows, but the layer has 1 neurons"):
        MLP(3, [2, 1], activations="sigmoid", weights=[[[0.0] * 3] * 2, [[0.0] * 2] * 2])
    with pytest.raises(ShapeError, match="MLP layer 0: weights row 1 has 2 numbers, but the layer "
                                         "has 3 inputs"):
        MLP(3, [2, 1], activations="sigmoid", weights=[[[0.0] * 3, [0.0] * 2], [[0.0] * 2]])
    with pytest.raises(ShapeError, match="MLP layer 0: 1 biases for 2 neurons"):
        MLP(3, [2, 1], activations="sigmoid", biases=[[0.0], [0.0]])
    with pytest.raises(ShapeError, match="MLP: weights is given for 1 layers, but sizes"):
        MLP(3, [2, 1], activations="sigmoid", weights=[[[0.0] * 3] * 2])
    with pytest.raises(ValueError, match="MLP: 1 activations for 2 layers"):
        MLP(3, [2, 1], activations=["sigmoid"])
    with pytest.raises(ValueError, match="n_inputs must be a positive int, got 0"):
        MLP(0, [2], activations="relu")
    with pytest.raises(TypeError, match="weight 0 must be a number or a Value, got str"):
        Neuron(1, weights=["1"])  # type: ignore[list-item]


def test_bad_input_values_name_the_layer():
    with pytest.raises(TypeError, match="MLP layer 0: dot"):
        MLP(2, [1], activations="linear", rng=0)([1.0, "x"])  # type: ignore[list-item]
    with pytest.raises(ValueError, match=r"MLP layer 0: .*finite"):
        MLP(2, [1], activations="linear", rng=0)([1.0, math.nan])


@given(st.sampled_from(ACTIVATIONS), st.integers(0, 10**6),
       st.lists(st.floats(-3, 3), min_size=3, max_size=3))
def test_fused_and_fine_grained_give_the_same_values_and_gradients(activation, seed, x):
    nets = [MLP(3, [4, 2], activations=[activation, "linear"], bias_scale=1.0, rng=seed, fused=f)
            for f in (True, False)]
    inputs = [[Value(v) for v in x] for _ in nets]
    for net, xs in zip(nets, inputs):
        out = net(xs)
        (out[0] * out[1] + out[0]).backward()
    (fused, fine), (xf, xg) = nets, inputs
    for (_, a), (_, b) in zip(fused.named_parameters(), fine.named_parameters()):
        assert a.grad == pytest.approx(b.grad, rel=1e-12, abs=1e-15)
    for a, b in zip(xf, xg):
        assert a.grad == pytest.approx(b.grad, rel=1e-12, abs=1e-15)


def test_fine_grained_graph_has_one_node_per_op():
    fine = Neuron(3, "sigmoid", weights=[1.0, 2.0, 3.0], bias=0.5, fused=False)([1.0, 1.0, 1.0])
    fused = Neuron(3, "sigmoid", weights=[1.0, 2.0, 3.0], bias=0.5, fused=True)([1.0, 1.0, 1.0])
    assert fine.parents[0].op == "add" and fused.parents[0].op == "dot"


def test_reprs():
    assert repr(MLP(2, [2, 1], activations=["sigmoid", "linear"])) == "MLP(2 → [2 sigmoid, 1 linear], fused)"
    assert repr(Layer(3, 2, "relu", fused=False)) == "Layer(3 → 2, relu)"
    assert MLP(3, [4, 2], activations="tanh").sizes == [3, 4, 2]


def test_tutorial_names_match_the_hand_worked_321_example():
    from autograd import step_through
    from autograd.examples import three_two_one

    net = MLP(3, [2, 1], activations="sigmoid", fused=False, labels="tutorial",
              weights=[[[0.2, -0.5, 0.1], [-0.3, 0.4, 0.2]], [[0.5, 0.2]]], biases=[[0.3, -0.1], [0.1]])
    example = three_two_one()
    names = [name for name, _ in net.tutorial_names()]
    assert names == ["W1[0][0]", "W1[0][1]", "W1[0][2]", "b1[0]", "W1[1][0]", "W1[1][1]", "W1[1][2]",
                     "b1[1]", "W2[0]", "W2[1]", "b2"]
    assert sorted(names) == sorted(v.label for v in example.leaves if not v.label.startswith("x"))
    assert [v.label for _, v in net.named_parameters()] == names  # labels="tutorial" labels them
    # named_parameters keeps its keys (state files depend on them)
    assert net.named_parameters()[4][0] == "layers.0.neurons.1.w.0"
    assert list(net.state_dict())[-1] == "layers.1.neurons.0.b"
    # W[l][j][i]: neuron j of layer l, input i; -0.3 is the weight from input 0 to hidden neuron 1
    assert dict(net.tutorial_names())["W1[1][0]"].data == -0.3
    x = [Value(v, f"x{i}") for i, v in enumerate([2.0, 3.0, -1.0])]
    loss = (net(x)[0] - 1.0) ** 2
    table = str(step_through(loss).table())
    assert "  dL/dW2[0] = -0.0575363" in table and "  dL/dW1[1][2] = 0.00973203" in table
    with pytest.raises(ValueError, match="labels must be 'names'"):
        MLP(2, [1], activations="linear", labels="book")  # type: ignore[arg-type]


def test_tutorial_names_of_a_deeper_network_and_names_for_unlabelled_models():
    net = MLP(2, [3, 2, 1], activations="tanh", rng=0)
    names = dict(net.tutorial_names())
    assert list(names)[:3] == ["W1[0][0]", "W1[0][1]", "b1[0]"]
    assert "W2[1][2]" in names and "b2[1]" in names and "W3[1]" in names and "b3" in names
    assert names["W2[1][2]"] is net.layers[1].neurons[1].w[2]
    assert net.layers[0].neurons[0].w[0].label == "layers.0.neurons.0.w.0"  # default labels unchanged
    assert net.label_tutorial() is net and net.layers[0].neurons[0].w[0].label == "W1[0][0]"


def test_reprs_print_on_any_console(monkeypatch):
    import io
    import sys

    net = MLP(2, [2, 1], activations="sigmoid", rng=0)
    assert repr(net) == "MLP(2 → [2 sigmoid, 1 sigmoid], fused)"
    monkeypatch.setattr(sys, "stdout", io.TextIOWrapper(io.BytesIO(), encoding="cp1252"))
    assert repr(net) == "MLP(2 -> [2 sigmoid, 1 sigmoid], fused)"
    assert repr(net.layers[0]) == "Layer(2 -> 2, sigmoid, fused)"
