"""fit's book mode (random subsets, counted in minibatches) and its relative parameter-change stop rule."""

from __future__ import annotations

import math
import random

import pytest

from nn import MLP, SGD, fit, random_subsets, squared_error


def line() -> MLP:
    return MLP(1, [1], activations="linear", weights=[[[0.0]]], biases=[[0.0]])


def test_random_subsets_are_distinct_samples_drawn_fresh_each_time():
    subsets = list(random_subsets(10, 4, 50, shuffle=1))
    assert len(subsets) == 50
    assert all(len(s) == 4 and len(set(s)) == 4 and set(s) <= set(range(10)) for s in subsets)
    assert len({tuple(sorted(s)) for s in subsets}) > 10  # not a fixed partition
    assert list(random_subsets(10, 4, 5, shuffle=1)) == subsets[:5]  # seeded
    with pytest.raises(ValueError, match="batch_size 11 is more than the 10 samples"):
        list(random_subsets(10, 11, 1))


def test_fit_counts_minibatches_and_each_uses_its_random_subset():
    """Replaying the same subsets by hand (closed-form gradient of a line) gives the same weights."""
    x, y = [[1.0], [2.0], [3.0], [4.0]], [3.0, 5.0, 7.0, 9.0]
    net = line()
    history = fit(net, squared_error, x, y, SGD(net.parameters(), lr=0.02), minibatches=30, batch_size=2,
                  shuffle=7, progress=False)
    assert len(history) == 30 and history.stop_reason == "max minibatches (30)"
    w = b = 0.0
    for subset in random_subsets(4, 2, 30, shuffle=7):
        errors = [(w * x[i][0] + b - y[i]) for i in subset]
        gw = sum(2 * e * x[i][0] for e, i in zip(errors, subset)) / 2
        gb = sum(2 * e for e in errors) / 2
        w, b = w - 0.02 * gw, b - 0.02 * gb
    neuron = net.layers[0].neurons[0]
    assert math.isclose(neuron.w[0].data, w, rel_tol=1e-12) and math.isclose(neuron.b.data, b, rel_tol=1e-12)


def test_minibatches_need_a_batch_size_and_exclude_epochs():
    net = line()
    opt = SGD(net.parameters(), lr=0.1)
    with pytest.raises(ValueError, match="give batch_size"):
        fit(net, squared_error, [[1.0]], [1.0], opt, minibatches=3)
    with pytest.raises(ValueError, match="not both"):
        fit(net, squared_error, [[1.0]], [1.0], opt, 3, minibatches=3, batch_size=1)
    with pytest.raises(ValueError, match="epochs must be a positive int"):
        fit(net, squared_error, [[1.0]], [1.0], opt)


def test_relative_parameter_change_stop_rule():
    """Full-batch descent on y = 2x: the rule fires at the first epoch whose relative move is below p."""
    x, y = [[1.0], [2.0]], [2.0, 4.0]
    net = line()
    history = fit(net, squared_error, x, y, SGD(net.parameters(), lr=0.1), epochs=1000,
                  param_change_below=1e-3, progress=False)
    w = b = 0.0
    expected = None
    for epoch in range(1, 1001):  # the same descent, by hand
        gw = sum(2 * (w * xi[0] + b - yi) * xi[0] for xi, yi in zip(x, y)) / 2
        gb = sum(2 * (w * xi[0] + b - yi) for xi, yi in zip(x, y)) / 2
        nw, nb = w - 0.1 * gw, b - 0.1 * gb
        moved = math.hypot(nw - w, nb - b) / math.hypot(w, b) if (w, b) != (0.0, 0.0) else math.inf
        w, b = nw, nb
        if moved < 1e-3:
            expected = epoch
            break
    assert len(history) == expected and history.stop_reason == "parameter change below 0.001 (relative)"
    with pytest.raises(ValueError, match="param_change_below must be a finite number"):
        fit(net, squared_error, x, y, SGD(net.parameters(), lr=0.1), epochs=2, param_change_below=-1)


def test_the_stop_rule_needs_parameters_it_can_see():
    class Bare:  # an optimizer that does not say what it moves, and a model without parameters()
        def zero_grad(self) -> None: ...

        def step(self) -> None: ...

    with pytest.raises(ValueError, match="needs the parameters"):
        fit(lambda sample: sample[0] * 1.0, squared_error, [[1.0]], [1.0], Bare(), epochs=2,
            param_change_below=0.1)


def test_random_subsets_unseeded_still_valid():
    random.seed(0)
    assert all(len(set(s)) == 3 for s in random_subsets(5, 3, 4))


def test_a_diverging_minibatch_run_names_the_minibatch():
    net = line()
    with pytest.raises(OverflowError, match=r"overflowed at minibatch \d+; the training diverges"):
        fit(net, squared_error, [[1e3], [2e3]], [1.0, 2.0], SGD(net.parameters(), lr=10.0), minibatches=200,
            batch_size=1, shuffle=0, progress=False)
