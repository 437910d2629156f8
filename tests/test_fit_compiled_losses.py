"""fit(compiled=True) gives fit()'s floats bit for bit, and fit(compiled="batch") gives them to 1e-12,
for every loss in nn and every target type it accepts, on random small networks and random data.

The expected numbers are fit() itself on the Value path: a fresh graph per sample and backward(),
a different code path from the recorded program. Before issue 17 the classification losses
decided on the target while the graph was recorded, so every sample trained the first sample's class.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import nn
from nn import MLP, SGD, fit

ACTIVATIONS = ["sigmoid", "tanh", "relu", "linear", "leaky_relu"]


def _as(kind: str, number: float):
    """A target number as the type a user may give it."""
    return {"int": int(number), "float": float(number), "np.float64": np.float64(number),
            "np.int64": np.int64(int(number))}[kind]


# (name, loss, output activation, outputs, how a target is drawn, the target types it accepts)
LOSSES = [
    ("squared_error", nn.squared_error, "linear", 1, "real", ["float", "int", "np.float64"]),
    ("half_squared_error", nn.half_squared_error, "linear", 1, "real", ["float", "int", "np.float64"]),
    ("mse", nn.mse, "linear", 2, "reals", ["list", "tuple", "array"]),
    ("half_mse", nn.half_mse, "tanh", 2, "reals", ["list", "tuple", "array"]),
    ("mse sum", lambda p, y: nn.mse(p, y, reduction="sum"), "linear", 2, "reals", ["list"]),
    ("half_mse sum", lambda p, y: nn.half_mse(p, y, reduction="sum"), "linear", 3, "reals", ["list"]),
    ("mse of one output", nn.mse, "linear", 1, "real", ["float", "int"]),
    ("binary_cross_entropy", nn.binary_cross_entropy, "sigmoid", 1, "probability",
     ["float", "int", "np.float64"]),
    ("binary_cross_entropy_with_logits", nn.binary_cross_entropy_with_logits, "linear", 1,
     "probability", ["float", "int", "np.float64"]),
    ("hinge", nn.hinge, "linear", 1, "sign", ["float", "int", "np.float64"]),
    ("softmax_cross_entropy", nn.softmax_cross_entropy, "linear", 3, "class",
     ["int", "np.int64", "float"]),
]


@st.composite
def problems(draw, case):
    _, _, last, outputs, targets, kinds = case
    n_in = draw(st.integers(1, 3), label="inputs")
    hidden = draw(st.lists(st.integers(1, 3), min_size=0, max_size=2), label="hidden")
    activations = [draw(st.sampled_from(ACTIVATIONS)) for _ in hidden] + [last]
    fused = draw(st.sampled_from([True, "neuron", False]), label="fused")
    seed = draw(st.integers(0, 2**16), label="seed")
    n = draw(st.integers(1, 6), label="samples")
    number = st.floats(-2.0, 2.0, allow_nan=False).map(lambda v: round(v, 3))
    x = [[draw(number) for _ in range(n_in)] for _ in range(n)]
    kind = draw(st.sampled_from(kinds), label="target type")
    if targets == "real":
        numbers = [draw(st.integers(-2, 2)) if kind == "int" else draw(number) for _ in range(n)]
        y = [_as(kind, v) for v in numbers]
    elif targets == "reals":
        rows = [[draw(number) for _ in range(outputs)] for _ in range(n)]
        y = ([np.array(r) for r in rows] if kind == "array" else
             [tuple(r) for r in rows] if kind == "tuple" else rows)
    elif targets == "probability":
        values = [draw(st.sampled_from([0.0, 1.0]) if kind in ("int",) else
                       st.sampled_from([0.0, 1.0, 0.25, 0.5, 0.875])) for _ in range(n)]
        y = [_as(kind, v) for v in values]
    elif targets == "sign":
        y = [_as(kind, draw(st.sampled_from([-1.0, 1.0]))) for _ in range(n)]
    else:  # a class index
        y = [_as(kind, draw(st.integers(0, outputs - 1))) for _ in range(n)]
    batch_size = draw(st.sampled_from([None, 1, 2]), label="batch_size")
    return (n_in, [*hidden, outputs], activations, fused, seed), x, y, batch_size


def _train(network, loss, x, y, batch_size, compiled):
    n_in, sizes, activations, fused, seed = network
    model = MLP(n_in, sizes, activations=activations, fused=fused, rng=seed, bias_scale=0.5)
    history = fit(model, loss, x, y, SGD(model.parameters(), lr=0.05), 3, batch_size=batch_size,
                  shuffle=1, progress=False, compiled=compiled)
    return list(history), [p.data for p in model.parameters()]


def _bits(xs):
    return [float(v).hex() for v in xs]


@pytest.mark.parametrize("case", LOSSES, ids=[case[0] for case in LOSSES])
@settings(max_examples=12, deadline=None, derandomize=True)
@given(data=st.data())
def test_compiled_fit_equals_fit(case, data):
    network, x, y, batch_size = data.draw(problems(case))
    loss = case[1]
    losses, params = _train(network, loss, x, y, batch_size, False)
    replayed, replayed_params = _train(network, loss, x, y, batch_size, True)
    assert _bits(replayed) == _bits(losses)
    assert _bits(replayed_params) == _bits(params)
    batched, batched_params = _train(network, loss, x, y, batch_size, "batch")
    scale = max(1.0, max(abs(p) for p in params))
    assert batched == pytest.approx(losses, rel=1e-12, abs=1e-15)
    assert batched_params == pytest.approx(params, rel=1e-12, abs=1e-14 * scale)


def test_the_issue_example_trains_every_sample_s_class():
    """The repro of issue 17: compiled=True learned the first sample's class for every sample."""
    x = [[0.5, 1.0], [1.0, 2.0], [-1.0, 0.3], [0.2, -0.7]]
    y = [2, 0, 1, 0]
    runs = []
    for mode in (False, True, "batch"):
        model = MLP(2, [3, 3], activations=["tanh", "linear"], rng=1)
        runs.append(list(fit(model, nn.softmax_cross_entropy, x, y, SGD(model.parameters(), lr=0.1),
                             3, progress=False, compiled=mode)))
    assert runs[0] == [1.1580539820300433, 1.1466910933783638, 1.1361569827907823]  # the issue's
    assert runs[1] == runs[0]
    assert runs[2] == pytest.approx(runs[0], rel=1e-12)


def test_a_bad_target_is_refused_as_on_the_value_path():
    """A class index out of range, or a target outside [0, 1], found by the program on a later
    sample: the same error as the Value path's, naming the loss."""
    x = [[0.5, 1.0], [1.0, 2.0]]
    for loss, y, outputs, message in (
            (nn.softmax_cross_entropy, [1, 3], 3, r"softmax_cross_entropy: target must be a class index "
                                                  r"in 0\.\.2, got 3"),
            (nn.binary_cross_entropy, [1, 2], 1, r"the target must be in \[0, 1\], got 2\.0"),
            (nn.binary_cross_entropy_with_logits, [0, -1], 1, r"the target must be in \[0, 1\], got -1"),
            (nn.hinge, [1, 0.5], 1, r"hinge: the label must be -1 or \+1, got 0\.5")):
        for mode in (False, True, "batch"):
            model = MLP(2, [outputs], activations="sigmoid", rng=0)
            with pytest.raises(ValueError, match=message):
                fit(model, loss, x, y, SGD(model.parameters(), lr=0.1), 2, progress=False,
                    compiled=mode)


def test_softmax_cross_entropy_has_one_program_for_every_class():
    """The class index is an operand the program reads: one recording serves every class."""
    from autograd import trace

    model = MLP(2, [3], activations="linear", rng=3)
    step = trace(lambda a, b, c: nn.softmax_cross_entropy(model([a, b]), c), params=model.parameters())
    for c in (0.0, 2.0, 1.0):
        model.zero_grad()
        got = step(0.25, -1.5, c)
        grads = [p.grad for p in model.parameters()]
        model.zero_grad()
        expected = nn.softmax_cross_entropy(model([0.25, -1.5]), int(c))
        expected.backward()
        assert _bits([got, *grads]) == _bits([expected.data, *(p.grad for p in model.parameters())])
    assert len(step.decisions) == 1 and step.decisions[0] == ()
    assert math.isfinite(step(np.array([0.1, 0.2]), np.array([0.3, 0.4]), np.array([2.0, 0.0])).sum())
