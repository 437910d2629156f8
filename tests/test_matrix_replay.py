"""The matrix replay (issue 21): layers found in the recorded graph, one matrix product each.

Every comparison is with an independent path: the Value path (a graph per sample, ``backward()``)
and the scalar batch replay. They agree to 1e-12 relative wherever sums are not added in the same
order (W·a, Wᵀ·δ, the sums over the samples); a gradient entry whose terms cancel is compared on
the scale of the largest gradient (its error is bounded by n·ε·Σ|terms|, not by its own size).
"""

from __future__ import annotations

import math
import random

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autograd import Value, dot, trace
from autograd.replay.layers_found import find_layers
from nn import MLP, SGD, Adam, fit, half_squared_error, mse, softmax_cross_entropy
from nn.matrix_fit import MatrixTraining, matrix_training

ACTIVATIONS = ["sigmoid", "tanh", "relu", "leaky_relu", "linear"]
OPTIMIZERS = {
    "sgd": lambda params: SGD(params, lr=0.3),
    "momentum": lambda params: SGD(params, lr=0.2, momentum=0.9),
    "adam": lambda params: Adam(params, lr=0.01),
}


def data(n=13, inputs=3, outputs=2, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, inputs)).round(3).tolist()
    y = [[float(k == j) for j in range(outputs)] for k in rng.integers(0, outputs, n)]
    return x, y


def train(compiled, make_net, optimizer, loss=mse, x=None, y=None, epochs=3, batch_size=4, **more):
    """Train a fresh net; its history, parameters' data and grads, and the optimizer."""
    if x is None:
        x, y = data()
    net = make_net()
    params = net.parameters()
    opt = optimizer(params)
    history = fit(net, loss, x, y, opt, epochs=epochs, batch_size=batch_size, shuffle=1, progress=False,
                  compiled=compiled, **more)
    return list(history), [p.data for p in params], [p.grad for p in params], opt


def assert_close(a, b, scale_of=None):
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    scale = max(1.0, float(np.abs(b if scale_of is None else scale_of).max(initial=0.0)))
    assert np.allclose(a, b, rtol=1e-12, atol=1e-12 * scale), np.abs(a - b).max()


def assert_same_training(one, other):
    history, data_, grads, _ = one
    history2, data2, grads2, _ = other
    assert_close(history, history2)
    assert_close(data_, data2)
    assert_close(grads, grads2, scale_of=grads2)


@pytest.fixture
def no_refusal(monkeypatch):
    """The matrix program computes every batch itself (no batch goes to the scalar replay)."""
    def refused(self, X, n):
        raise AssertionError("the matrix program refused a batch")
    monkeypatch.setattr(MatrixTraining, "_scalar_batch", refused)


@pytest.mark.usefixtures("no_refusal")
@pytest.mark.parametrize("optimizer", list(OPTIMIZERS))
@pytest.mark.parametrize("activation", ACTIVATIONS)
@pytest.mark.parametrize("fused", [True, "neuron"])
def test_matrix_fit_equals_the_value_path_and_the_batch_replay(optimizer, activation, fused):
    def make():
        return MLP(3, [4, 2], activations=[activation, "sigmoid"], rng=2, bias_scale=0.5, fused=fused)
    matrix = train("matrix", make, OPTIMIZERS[optimizer])
    assert_same_training(matrix, train(False, make, OPTIMIZERS[optimizer]))
    assert_same_training(matrix, train("batch", make, OPTIMIZERS[optimizer]))


@pytest.mark.usefixtures("no_refusal")
def test_the_optimizers_state_is_the_value_paths():
    def make():
        return MLP(3, [4, 2], activations="tanh", rng=3, bias_scale=0.5)
    *_, ours = train("matrix", make, OPTIMIZERS["adam"])
    *_, theirs = train(False, make, OPTIMIZERS["adam"])
    assert ours.t == theirs.t == 12
    assert_close(ours.m, theirs.m, scale_of=theirs.m)
    assert_close(ours.v, theirs.v, scale_of=theirs.v)
    *_, ours = train("matrix", make, OPTIMIZERS["momentum"])
    *_, theirs = train(False, make, OPTIMIZERS["momentum"])
    assert_close(ours.velocity, theirs.velocity, scale_of=theirs.velocity)


@pytest.mark.usefixtures("no_refusal")
def test_layers_of_one_neuron_and_a_batch_of_one():
    def make():
        return MLP(3, [1, 1], activations=["tanh", "sigmoid"], rng=4, bias_scale=1.0)
    x, y = data(outputs=1)
    y = [row[0] for row in y]
    run = matrix_training(make(), half_squared_error, x, y, SGD(make().parameters(), lr=0.1))
    assert [layer.shape for layer in run.program.layers] == [(1, 3), (1, 1)]
    for batch_size in (1, 5):
        assert_same_training(train("matrix", make, OPTIMIZERS["sgd"], half_squared_error, x, y,
                                   batch_size=batch_size),
                             train(False, make, OPTIMIZERS["sgd"], half_squared_error, x, y,
                                   batch_size=batch_size))


@pytest.mark.usefixtures("no_refusal")
def test_softmax_cross_entropy_on_the_last_layer():
    x, y = data(outputs=3)
    labels = [row.index(1.0) for row in y]

    def make():
        return MLP(3, [5, 3], activations=["relu", "linear"], rng=5, bias_scale=0.5)
    assert_same_training(train("matrix", make, OPTIMIZERS["adam"], softmax_cross_entropy, x, labels),
                         train(False, make, OPTIMIZERS["adam"], softmax_cross_entropy, x, labels))


class NoBiases:
    """Two sigmoid layers whose biases are constants (0.5 and −0.25), not parameters."""

    def __init__(self, seed=0):
        rng = random.Random(seed)
        self.w1 = [[Value(rng.uniform(-1, 1)) for _ in range(3)] for _ in range(4)]
        self.w2 = [[Value(rng.uniform(-1, 1)) for _ in range(4)] for _ in range(2)]
        self.b1 = [Value(0.5) for _ in range(4)]
        self.b2 = [Value(-0.25) for _ in range(2)]

    def parameters(self):
        return [w for row in self.w1 + self.w2 for w in row]

    def __call__(self, x):
        a1 = [dot(w, x, b, "sigmoid") for w, b in zip(self.w1, self.b1)]
        return [dot(w, a1, b, "sigmoid") for w, b in zip(self.w2, self.b2)]


@pytest.mark.usefixtures("no_refusal")
def test_constant_biases_are_read_not_trained():
    x, y = data()
    run = matrix_training(NoBiases(), mse, x, y, SGD(NoBiases().parameters(), lr=0.1))
    assert [layer.biases_wanted for layer in run.program.layers] == [False, False]
    assert "b1 = column(leaves_b1)" in run.program.source
    matrix = train("matrix", NoBiases, OPTIMIZERS["momentum"])
    assert_same_training(matrix, train(False, NoBiases, OPTIMIZERS["momentum"]))


class Skip:
    """A 3-4-1 tanh/linear MLP plus s·a1[0] added to its output: a skip connection that is no layer."""

    def __init__(self):
        self.net = MLP(3, [4, 1], activations=["tanh", "linear"], rng=6, bias_scale=0.5)
        self.s = Value(0.7, "s")

    def parameters(self):
        return [*self.net.parameters(), self.s]

    def __call__(self, x):
        a1 = self.net.layers[0](x)
        return [self.net.layers[1](a1)[0] + self.s * a1[0]]


@pytest.mark.usefixtures("no_refusal")
def test_a_skip_connection_stays_scalar_code_beside_the_layers():
    x, y = data(outputs=1)
    y = [row[0] for row in y]
    run = matrix_training(Skip(), half_squared_error, x, y, SGD(Skip().parameters(), lr=0.1))
    source = run.program.source
    assert [layer.shape for layer in run.program.layers] == [(4, 3), (1, 4)]
    assert "= P[0]  # s" in source and "a1[0]" in source  # the skip: a row of a1 times s
    assert_same_training(train("matrix", Skip, OPTIMIZERS["adam"], half_squared_error, x, y),
                         train(False, Skip, OPTIMIZERS["adam"], half_squared_error, x, y))


def recorded(fn, n_inputs, params):
    step = trace(fn, params=params, example=[0.5] * n_inputs)
    return step.matrix_program()


def test_what_is_not_a_layer_stays_scalar():
    w = [[Value(0.1 * (i + j)) for j in range(2)] for i in range(3)]
    b = [Value(0.0) for _ in range(3)]
    params = [v for row in w for v in row] + b
    # fine-grained neurons (· and +): no dot node, no layer
    fine = recorded(lambda x0, x1: sum(((w[i][0] * x0 + w[i][1] * x1 + b[i]).tanh() for i in range(3)),
                                       Value(0.0)), 2, params)
    assert fine.layers == []
    # a weight shared by two neurons: neither is in a layer; the third still is
    shared = [w[0], [w[0][0], w[1][1]], w[2]]
    program = recorded(lambda x0, x1: dot(shared[0], [x0, x1], b[0], "tanh") * dot(shared[1], [x0, x1], b[1])
                       * dot(shared[2], [x0, x1], b[2]), 2, params)
    assert [layer.shape for layer in program.layers] == [(1, 2)]
    # neurons reading other inputs, or the same inputs in another order: separate layers
    program = recorded(lambda x0, x1, x2: dot(w[0], [x0, x1], b[0]) * dot(w[1], [x1, x0], b[1])
                       * dot(w[2], [x1, x2], b[2]), 3, params)
    assert sorted(layer.shape for layer in program.layers) == [(1, 2)] * 3
    # two rows of one activation, another of another: the activations stay separate nodes
    program = recorded(lambda x0, x1: dot(w[0], [x0, x1], b[0]).tanh() * dot(w[1], [x0, x1], b[1]).sigmoid(),
                       2, params)
    assert [(layer.shape, layer.activation) for layer in program.layers] == [((2, 2), "linear")]


def test_fine_grained_networks_fall_back_to_the_batch_replay():
    def make():
        return MLP(3, [4, 2], activations="sigmoid", rng=2, fused=False)
    assert train("matrix", make, OPTIMIZERS["sgd"]) [:3] == train("batch", make, OPTIMIZERS["sgd"])[:3]


def test_a_loss_that_decides_on_an_input_uses_the_scalar_replay():
    def decided(output, target):
        return mse(output, target) * 2.0 if target[0] > 0.5 else mse(output, target)

    def make():
        return MLP(3, [4, 2], activations="tanh", rng=2)
    x, y = data()
    sample = trace(lambda a, b, c, t0, t1: decided(make()([a, b, c]), [t0, t1]),
                   example=[0.1, 0.2, 0.3, 1.0, 0.0])
    assert sample.matrix_program() is None
    with pytest.raises(ValueError, match="decides on its inputs"):
        _ = sample.matrix_source
    assert (train("matrix", make, OPTIMIZERS["sgd"], decided, x, y)[:3]
            == train("batch", make, OPTIMIZERS["sgd"], decided, x, y)[:3])


@pytest.mark.usefixtures("no_refusal")
def test_parameters_seen_through_callbacks_and_after_an_interrupt_are_the_value_paths():
    def make():
        return MLP(3, [4, 2], activations="sigmoid", rng=7, bias_scale=0.5)

    def watched(compiled, stop_at=None):
        x, y = data()
        net = make()
        seen = []

        def callback(epoch, loss):
            seen.append((epoch, loss, [p.data for p in net.parameters()], [p.grad for p in net.parameters()]))
            if epoch == stop_at:
                raise KeyboardInterrupt
        opt = Adam(net.parameters(), lr=0.02)
        try:
            fit(net, mse, x, y, opt, epochs=4, batch_size=5, shuffle=2, progress=False, compiled=compiled,
                callback=callback)
        except KeyboardInterrupt:
            assert stop_at is not None
        return seen, [p.data for p in net.parameters()], [p.grad for p in net.parameters()], opt.t

    for stop_at in (None, 2):
        ours, theirs = watched("matrix", stop_at), watched(False, stop_at)
        assert len(ours[0]) == len(theirs[0]) == (stop_at or 4)
        for (e1, l1, d1, g1), (e2, l2, d2, g2) in zip(ours[0], theirs[0]):
            assert e1 == e2
            assert_close([l1], [l2])
            assert_close(d1, d2)
            assert_close(g1, g2, scale_of=g2)
        assert_close(ours[1], theirs[1])
        assert_close(ours[2], theirs[2], scale_of=theirs[2])
        assert ours[3] == theirs[3]


def test_an_overflow_stops_the_matrix_fit_as_it_stops_the_batch_replay():
    def make():
        return MLP(3, [4, 2], activations="linear", rng=2, weight_scale=1e154)
    errors = []
    for compiled in ("matrix", "batch"):
        with pytest.raises(OverflowError) as caught:
            train(compiled, make, lambda p: SGD(p, lr=1e300))
        errors.append(str(caught.value))
    assert errors[0] == errors[1]


def test_the_matrix_program_reads_like_the_layer_view():
    net = MLP(3, [4, 2], activations="sigmoid", rng=0, labels="tutorial")
    step = trace(lambda a, b, c, t0, t1: mse(net([a, b, c]), [t0, t1]), params=net.parameters(),
                 example=[0.1, 0.2, 0.3, 1.0, 0.0])
    source = step.matrix_source
    for line in ("z1 = W1 @ in1 + b1", "z2 = W2 @ a1 + b2", "delta2 = (e2 / (q2 * q2)) * dL_da2",
                 "dL_dW2 = delta2 @ a1.T", "dL_da1 = W2.T @ delta2", "dL_dW1 = delta1 @ in1.T",
                 "dL_db1 = delta1.sum(axis=1, keepdims=True)", "r1 = (a2 - cr1) * (a2 - cr1)"):
        assert line in source, line


def test_labels_reach_only_comments():
    s = Value(0.5, "s\nimport os  # ")
    net = MLP(2, [2, 1], activations="tanh", rng=0)
    step = trace(lambda a, b, t: half_squared_error(net([a, b])[0] * s, t), params=[*net.parameters(), s],
                 example=[0.1, 0.2, 1.0])
    source = step.matrix_source
    assert not any(line.strip().startswith("import") for line in source.splitlines())
    compile(source, "<test>", "exec")


def test_the_matrix_program_alone_equals_the_batch_replay():
    net = MLP(3, [4, 2], activations="tanh", rng=1, bias_scale=0.5)
    step = trace(lambda a, b, c, t0, t1: mse(net([a, b, c]), [t0, t1]), params=net.parameters(),
                 example=[0.1, 0.2, 0.3, 1.0, 0.0])
    program = step.matrix_program()
    X = np.random.default_rng(0).normal(size=(5, 9))
    program.load()
    program.zero_grad()
    losses = program(X, 0.25)
    for p in net.parameters():
        p.grad = 0.0
    expected = step(*X.copy(), seed=0.25)
    assert_close(losses, expected)
    ours = [g for array in program.grads for g in array.reshape(-1)]
    leaves = [v for group in program.leaves for v in group]
    assert_close(ours, [v.grad for v in leaves], scale_of=[v.grad for v in leaves])


def test_find_layers_on_a_graph_made_without_trace():
    w = [[Value(1.0), Value(2.0)], [Value(3.0), Value(4.0)]]
    b = [Value(0.0), Value(0.0)]
    x = [Value(1.0), Value(-1.0)]
    out = dot(w[0], x, b[0], "relu") + dot(w[1], x, b[1], "relu")
    from autograd.engine.backward import topological_order
    order = topological_order(out)
    layers = find_layers(order, {*w[0], *w[1], *b}, lambda c: None, [*w[0], *w[1]])
    assert [(layer.shape, layer.activation, layer.from_data) for layer in layers] == [((2, 2), "relu", False)]


@settings(max_examples=25, deadline=None)
@given(st.lists(st.integers(1, 4), min_size=1, max_size=3), st.sampled_from(ACTIVATIONS),
       st.sampled_from([True, "neuron"]), st.sampled_from(list(OPTIMIZERS)), st.integers(1, 6),
       st.integers(0, 1000))
def test_random_networks_train_alike(sizes, activation, fused, optimizer, batch_size, seed):
    x, y = data(n=7, inputs=2, outputs=sizes[-1], seed=seed)

    def make():
        return MLP(2, sizes, activations=activation, rng=seed, bias_scale=0.5, fused=fused)
    try:
        theirs = train(False, make, OPTIMIZERS[optimizer], x=x, y=y, epochs=2, batch_size=batch_size)
    except OverflowError:  # the training diverges (a linear net, momentum): so must the matrix fit
        with pytest.raises(OverflowError, match=r"training diverges|overflows at epoch 1"):
            train("matrix", make, OPTIMIZERS[optimizer], x=x, y=y, epochs=2, batch_size=batch_size)
        return
    ours = train("matrix", make, OPTIMIZERS[optimizer], x=x, y=y, epochs=2, batch_size=batch_size)
    assert all(math.isfinite(v) for v in ours[0])
    assert_same_training(ours, theirs)


@pytest.mark.parametrize("optimizer", [lambda p: SGD(p, lr=40.0), lambda p: SGD(p, lr=5.0, momentum=0.99)])
def test_a_run_that_diverges_stops_where_the_batch_replay_stops(optimizer):
    def make():
        return MLP(3, [4, 2], activations="linear", rng=2, bias_scale=0.5)
    errors = []
    for compiled in ("matrix", "batch"):
        with pytest.raises(OverflowError) as caught:
            train(compiled, make, optimizer, epochs=400)
        errors.append(str(caught.value))
    assert "overflowed at epoch" in errors[1] and "before any update" not in errors[1]
    assert errors[0] == errors[1]


@pytest.mark.parametrize("argument", ["a1", "W1", "delta1", "exp", "where"])
def test_an_argument_named_like_the_programs_own_names_makes_it_all_scalar(argument):
    """A function argument is a program variable as it is: named like a matrix (a1, W1) or a name of
    the program's, the matrix form writes no matrices, and still gives the batch replay's numbers."""
    w = [[Value(0.1 * (i + j) - 0.2) for j in range(2)] for i in range(3)]
    b = [Value(0.05 * i) for i in range(3)]
    params = [v for row in w for v in row] + b
    namespace: dict = {"dot": dot, "w": w, "b": b}
    exec(f"def f({argument}, x1):\n    return sum((dot(w[i], [{argument}, x1], b[i], 'tanh') "
         f"for i in range(3)), 0.0)", namespace)
    program = trace(namespace["f"], params=params, example=[0.5, -0.25]).matrix_program()
    assert program is None or program.layers == []
    xs, ys = np.array([0.5, 1.0, -2.0]), np.array([-0.25, 0.75, 0.5])
    expected = [namespace["f"](Value(a), Value(c)).data for a, c in zip(xs, ys)]
    got = trace(namespace["f"], params=params)(xs, ys)
    assert np.allclose(got, expected, rtol=1e-12, atol=1e-15)  # terms near 1 that cancel to ~1e-17
