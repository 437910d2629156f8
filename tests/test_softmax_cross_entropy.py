"""The fused softmax cross-entropy row: one node for −log softmax(logits)[c].

Expected numbers come from NumPy in extended precision (np.longdouble) and from PyTorch, never from
the row itself; the row is also in tests/ops_table.py, so the table-driven tests (finite
differences, torch to third order, replay bit for bit) cover it too.
"""

from __future__ import annotations

import math
import random

import numpy as np
import pytest

import nn
from autograd import Value, draw, grad, hessian, step_through, trace
from autograd.engine.fused import softmax_cross_entropy


def reference(logits: list[float], c: int) -> tuple[float, list[float]]:
    """The loss and softmax − onehot in long double, shifted by the largest logit."""
    z = np.array(logits, dtype=np.longdouble)
    e = np.exp(z - z.max())
    p = e / e.sum()
    loss = np.log(e.sum()) + z.max() - z[c]
    return float(loss), [float(x) - (i == c) for i, x in enumerate(p)]


def test_value_and_gradient_against_long_double():
    rng = random.Random(3)
    for _ in range(50):
        n = rng.randrange(1, 30)
        logits = [rng.uniform(-8.0, 8.0) for _ in range(n)]
        c = rng.randrange(n)
        zs = [Value(x) for x in logits]
        loss = softmax_cross_entropy(zs, c)
        loss.backward()
        expected, slopes = reference(logits, c)
        assert math.isclose(loss.data, expected, rel_tol=1e-14, abs_tol=1e-15)
        for z, slope in zip(zs, slopes):
            assert math.isclose(z.grad, slope, rel_tol=1e-13, abs_tol=1e-16)


def test_stable_at_extreme_logits():
    zs = [Value(1000.0), Value(-1000.0), Value(0.0)]
    loss = softmax_cross_entropy(zs, 1)
    loss.backward()
    assert loss.data == 2000.0
    assert [z.grad for z in zs] == [1.0, -1.0, 0.0]  # exp(-1000) and exp(-2000) are 0 in floats
    assert softmax_cross_entropy([Value(1e300), Value(-1e300)], 0).data == 0.0
    with pytest.raises(OverflowError, match=r"logsumexp\(a\)-a_c with a=\[1e\+308, -1e\+308\], c=1: "
                                            r"the result .* overflows"):
        softmax_cross_entropy([Value(1e308), Value(-1e308)], 1)  # the loss itself is 2e308


def test_equals_nn_softmax_cross_entropy_bit_for_bit_as_the_root():
    """The same floats in the same order: nn's graph of ops gives the same bits."""
    rng = random.Random(5)
    for _ in range(100):
        n = rng.randrange(1, 28)
        logits = [rng.gauss(0.0, 3.0) for _ in range(n)]
        c = rng.randrange(n)
        fused, ops = [Value(x) for x in logits], [Value(x) for x in logits]
        a, b = softmax_cross_entropy(fused, c), nn.softmax_cross_entropy(ops, c)
        a.backward()
        b.backward()
        assert a.data == b.data
        assert [z.grad for z in fused] == [z.grad for z in ops]


def test_equals_nn_within_1e_15_inside_a_mean():
    """Below a mean the upstream gradient is not 1: (p − 1)·g and p·g − g may differ in the last bit."""
    rng = random.Random(6)
    tokens = [[rng.gauss(0.0, 2.0) for _ in range(27)] for _ in range(16)]
    targets = [rng.randrange(27) for _ in tokens]
    fused = [[Value(x) for x in row] for row in tokens]
    ops = [[Value(x) for x in row] for row in tokens]
    a = nn.mean([softmax_cross_entropy(row, c) for row, c in zip(fused, targets)])
    b = nn.mean([nn.softmax_cross_entropy(row, c) for row, c in zip(ops, targets)])
    a.backward()
    b.backward()
    assert a.data == b.data
    for x, y in zip([z for row in fused for z in row], [z for row in ops for z in row]):
        assert math.isclose(x.grad, y.grad, rel_tol=1e-15, abs_tol=1e-17)


@pytest.mark.parametrize("bad", [2, -1, 1.0, 0.5, True, "0", None])
def test_bad_class_index_is_refused(bad):
    with pytest.raises(ValueError, match=r"softmax_cross_entropy\(logits, c\): the class index c .* "
                                         r"from 0 to 1, got"):
        softmax_cross_entropy([Value(0.0), Value(1.0)], bad)


@pytest.mark.parametrize("logits", [[], [1.0, 2.0], [Value(1.0), 2.0]])
def test_logits_must_be_values(logits):
    with pytest.raises(TypeError, match=r"softmax_cross_entropy\(logits, c\): the logits must be Values"):
        softmax_cross_entropy(logits, 0)


def test_second_derivatives_against_torch():
    torch = pytest.importorskip("torch")
    logits, c = [0.3, -1.2, 2.5, 0.1], 2
    zs = [Value(x) for x in logits]
    ours = hessian(lambda *v: softmax_cross_entropy(list(v), c) * v[0], zs)
    t = torch.tensor(logits, dtype=torch.float64)

    def f(v):
        return (torch.logsumexp(v, 0) - v[c]) * v[0]

    theirs = torch.autograd.functional.hessian(f, t).tolist()
    for row, expected in zip(ours, theirs):
        for x, y in zip(row, expected):
            assert math.isclose(x.data if isinstance(x, Value) else x, y, rel_tol=1e-12, abs_tol=1e-14)
    # and the first derivative built as a graph equals backward's floats
    zs = [Value(x) for x in logits]
    firsts = grad(softmax_cross_entropy(zs, c), zs, create_graph=True)
    again = [Value(x) for x in logits]
    softmax_cross_entropy(again, c).backward()
    for g, z in zip(firsts, again):
        assert math.isclose(g.data, z.grad, rel_tol=1e-14, abs_tol=1e-17)  # another form: see rules


def test_replay_is_bit_for_bit_and_batch_sums():
    rng = random.Random(8)
    weights = [Value(rng.gauss(0.0, 1.0)) for _ in range(5)]
    step = trace(lambda x: softmax_cross_entropy([w * x for w in weights], 3), params=weights)
    for x in (0.7, -2.5, 40.0):
        for w in weights:
            w.grad = 0.0
        replayed = step(x)
        replayed_grads = [w.grad for w in weights]
        for w in weights:
            w.grad = 0.0
        loss = softmax_cross_entropy([w * x for w in weights], 3)
        loss.backward()
        assert replayed == loss.data
        assert replayed_grads == [w.grad for w in weights]
    assert "fsum([exp(ai - " in step.source
    for w in weights:
        w.grad = 0.0
    xs = np.array([0.7, -2.5, 40.0])
    losses = step(xs)
    batch = [w.grad for w in weights]
    for w in weights:
        w.grad = 0.0
    singles = [step(float(x)) for x in xs]
    assert np.allclose(losses, singles, rtol=1e-12)
    for b, w in zip(batch, weights):
        assert math.isclose(b, w.grad, rel_tol=1e-12, abs_tol=1e-15)


def test_a_class_index_from_an_input_is_read_by_the_replay():
    """Passed as it is, the class index is an operand the program reads (one program for every
    class); through int(c), a decision checked on every call (one program per class)."""
    w = [Value(0.5), Value(-0.5)]
    direct = trace(lambda x, c: softmax_cross_entropy([w[0] * x, w[1] * x], c), params=w)
    through_int = trace(lambda x, c: softmax_cross_entropy([w[0] * x, w[1] * x], int(c)), params=w)
    for x, c in ((1.0, 1.0), (2.0, 0.0), (-3.0, 1.0)):
        expected = softmax_cross_entropy([w[0] * x, w[1] * x], int(c)).data
        assert direct(x, c) == expected and through_int(x, c) == expected
    assert len(direct.decisions) == 1 and "pick(c, [" in direct.source
    assert through_int.decisions == [("trunc(c) == 1",), ("trunc(c) == 0",)]


def test_stepper_and_picture_name_it():
    zs = [Value(x, f"z{i}") for i, x in enumerate((0.3, -1.2, 2.5))]
    loss = softmax_cross_entropy(zs, 2)
    steps = step_through(loss)
    first = next(steps)
    assert "L = logsumexp(z0, z1, z2) - z2" in str(first)
    table = steps.table().render(width=None)
    assert "softmax(z0, z1, z2)[2] - 1" in table and "softmax(z0, z1, z2)[0] ×" in table
    picture = draw(loss).source
    assert "logsumexp(a)−a_c" in picture and "c = 2" in picture
    assert loss.formulas[1] == "d(logsumexp(a)−a_c)/da1 = softmax(a)1 − (1 if 1 == c else 0)"
