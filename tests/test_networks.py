"""The tutorials' networks, reproduced number for number.

Every expected number here is typed in from the reference material (the book's results for the
iris networks, the 50-digit values for the hand-worked 3-2-1 example), never from chainrule's output.
"""

from __future__ import annotations

import pytest

from autograd import Value
from nn import MLP, SGD, Adam, squared_error
from nn.book.iris import train_iris_221, train_iris_222_onehot

# --- the book's 2-2-1 iris network --------------------------------------------------------------


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_iris_221_confusion_matrices(seed):
    run = train_iris_221(seed=seed)
    assert run.test_before == [[15, 0], [15, 0]]           # TN 15 FP 0 / FN 15 TP 0
    assert run.test_after == [[14, 1], [1, 14]]            # TN 14 FP 1 / FN 1 TP 14
    assert run.train_after == [[35, 0], [1, 34]]           # TN 35 FP 0 / FN 1 TP 34
    assert 0.0149544 <= run.final_loss <= 0.0149546         # book: 0.0149544-0.0149545
    assert len(run.history) == 1000
    misses = run.misclassified()
    assert [(row, cm, y) for row, cm, y, _ in misses] == [(41, [4.5, 2.3], 0), (85, [6.0, 3.4], 1)]
    assert [out for *_, out in misses] == pytest.approx([0.5897, 0.4846], abs=5e-5)
    if seed == 0:  # close to the book's final parameters (its seed differs); the hidden units never split
        p = run.network.state_dict()
        for unit in (0, 1):
            assert p[f"layers.0.neurons.{unit}.w.0"] == pytest.approx(0.894, abs=2e-3)
            assert p[f"layers.0.neurons.{unit}.w.1"] == pytest.approx(-0.732, abs=2e-3)
            assert p[f"layers.0.neurons.{unit}.b"] == pytest.approx(0.1455, abs=2e-3)
            assert p[f"layers.1.neurons.0.w.{unit}"] == pytest.approx(0.927, abs=2e-3)
        assert p["layers.1.neurons.0.b"] == pytest.approx(-0.3214, abs=2e-4)


def test_iris_221_fine_grained_graph_trains_to_the_same_numbers():
    fused, fine = train_iris_221(seed=4, epochs=50), train_iris_221(seed=4, epochs=50, fused=False)
    assert fine.history == pytest.approx(fused.history, rel=1e-12)
    assert fine.network.state_dict() == pytest.approx(fused.network.state_dict(), rel=1e-10)


def test_iris_222_onehot():
    _, history, matrix = train_iris_222_onehot(seed=0)
    assert len(history) == 4000
    assert matrix == [[14, 1], [0, 15]]


# --- the hand-worked 3-2-1 example ------------------------------------------------------------

W1 = [[0.2, -0.5, 0.1], [-0.3, 0.4, 0.2]]
B1 = [0.3, -0.1]
W2 = [0.5, 0.2]
B2 = 0.1
X = [2.0, 3.0, -1.0]


def net_321(fused: bool = True) -> MLP:
    return MLP(3, [2, 1], activations="sigmoid", weights=[W1, [W2]], biases=[B1, [B2]], fused=fused)


def forward_321(net: MLP):
    x = [Value(v, f"x{i}") for i, v in enumerate(X)]
    hidden = net.layers[0](x)
    a2 = net.layers[1](hidden)[0]
    loss = squared_error(a2, 1.0)
    return x, hidden, a2, loss


def approx(expected):
    return pytest.approx(expected, abs=1e-6)


@pytest.mark.parametrize("fused", [True, False])
def test_321_forward_and_every_gradient(fused):
    net = net_321(fused)
    x, hidden, a2, loss = forward_321(net)
    loss.backward()
    hidden_layer, out_layer = net.layers
    z1 = [h.parents[0].data for h in hidden]
    assert z1 == approx([-0.9, 0.3])
    assert [h.data for h in hidden] == approx([0.289050, 0.574443])
    assert a2.parents[0].data == approx(0.359414)          # z2
    assert a2.data == approx(0.588899)
    assert loss.data == approx(0.169004)
    assert a2.grad == approx(-0.822203)                    # dC/da2 = 2(a2 − 1)
    assert a2.edges[0][1] == approx(0.242097)              # σ'(z2)
    assert a2.parents[0].grad == approx(-0.199053)         # dC/dz2
    out = out_layer.neurons[0]
    assert out.b.grad == approx(-0.199053)
    assert [w.grad for w in out.w] == approx([-0.0575363, -0.114344])
    assert [h.grad for h in hidden] == approx([-0.0995265, -0.0398106])
    assert [h.edges[0][1] for h in hidden] == approx([0.205500, 0.244458])   # σ'(z1)
    assert [h.parents[0].grad for h in hidden] == approx([-0.0204527, -0.00973203])
    assert [n.b.grad for n in hidden_layer.neurons] == approx([-0.0204527, -0.00973203])
    assert [w.grad for w in hidden_layer.neurons[0].w] == approx([-0.0409054, -0.0613582, 0.0204527])
    assert [w.grad for w in hidden_layer.neurons[1].w] == approx([-0.0194641, -0.0291961, 0.00973203])
    assert [v.grad for v in x] == approx([-0.00117094, 0.00633355, -0.00399168])


def test_321_with_the_half_loss():
    net = net_321()
    a2 = net([Value(v) for v in X])[0]
    (squared_error(a2, 1.0) * 0.5).backward()
    out = net.layers[1].neurons[0]
    assert [w.grad for w in out.w] == approx([-0.0287682, -0.0571722])
    assert out.b.grad == approx(-0.0995265)


def step_output_layer(optimizer_factory):
    net = net_321()
    _, _, _, loss = forward_321(net)
    loss.backward()
    out = net.layers[1].neurons[0]
    optimizer_factory(net.layers[1].parameters()).step()
    _, _, a2, new_loss = forward_321(net)
    return [w.data for w in out.w], out.b.data, a2.data, new_loss.data, net


def test_321_sgd_step_on_the_output_layer():
    w2, b2, a2, loss, net = step_output_layer(lambda p: SGD(p, lr=0.1))
    assert w2 == approx([0.505754, 0.211434])
    assert b2 == approx(0.119905)
    assert a2 == approx(0.595693)
    assert loss == approx(0.163464)
    assert [[w.data for w in n.w] for n in net.layers[0].neurons] == W1   # the hidden layer is untouched


def test_321_adam_step_with_bias_correction():
    w2, b2, a2, loss, _ = step_output_layer(lambda p: Adam(p, lr=0.1, betas=(0.9, 0.999), eps=1e-8))
    assert w2 == approx([0.600000, 0.300000])
    assert b2 == approx(0.200000)
    assert w2 == pytest.approx([0.59999998, 0.29999999], abs=1e-8)
    assert b2 == pytest.approx(0.19999999, abs=1e-8)
    assert a2 == approx(0.633152)
    assert loss == approx(0.134577)


def test_321_adam_step_without_bias_correction():
    w2, b2, *_ = step_output_layer(lambda p: Adam(p, lr=0.1, betas=(0.9, 0.999), eps=1e-8,
                                                  bias_correction=False))
    assert w2 == approx([0.816226, 0.516227])
    assert b2 == approx(0.416227)
