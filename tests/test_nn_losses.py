"""Losses: values and gradients worked out by hand, stability at extreme inputs, and torch parity."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from autograd import Value, gradcheck
from nn import (
    binary_cross_entropy,
    binary_cross_entropy_with_logits,
    half_mse,
    half_squared_error,
    hinge,
    mean,
    mse,
    softmax,
    softmax_cross_entropy,
    squared_error,
)


def value_and_grad(loss, *args):
    p = Value(args[0])
    out = loss(p, *args[1:])
    out.backward()
    return out.data, p.grad


def test_squared_errors_differ_by_exactly_the_factor_two():
    assert value_and_grad(squared_error, 0.25, 1.0) == (0.5625, -1.5)       # (−0.75)², 2·(−0.75)
    assert value_and_grad(half_squared_error, 0.25, 1.0) == (0.28125, -0.75)


def test_mse_and_half_mse_by_hand():
    ps = [Value(1.0), Value(2.0), Value(4.0)]
    loss = mse(ps, [0.0, 0.0, 1.0])        # (1 + 4 + 9) / 3
    loss.backward()
    assert loss.data == pytest.approx(14 / 3, rel=1e-15)
    assert [p.grad for p in ps] == pytest.approx([2 / 3, 4 / 3, 2.0], rel=1e-15)
    qs = [Value(1.0), Value(2.0), Value(4.0)]
    half = half_mse(qs, [0.0, 0.0, 1.0])   # (1 + 4 + 9) / 6, dloss/dp = (p − y)/n
    half.backward()
    assert half.data == pytest.approx(14 / 6, rel=1e-15)
    assert [q.grad for q in qs] == pytest.approx([1 / 3, 2 / 3, 1.0], rel=1e-15)
    assert mean([Value(2.0), Value(4.0)]).data == 3.0


def test_binary_cross_entropy_by_hand():
    loss, grad = value_and_grad(binary_cross_entropy, 0.8, 1.0)
    assert loss == pytest.approx(-math.log(0.8), rel=1e-15) and grad == pytest.approx(-1 / 0.8, rel=1e-15)
    loss, grad = value_and_grad(binary_cross_entropy, 0.8, 0.0)
    assert loss == pytest.approx(-math.log(0.2), rel=1e-14) and grad == pytest.approx(1 / 0.2, rel=1e-14)
    loss, grad = value_and_grad(binary_cross_entropy, 0.5, 0.25)
    assert loss == pytest.approx(math.log(2), rel=1e-15) and grad == pytest.approx(-0.25 / 0.5 + 0.75 / 0.5)
    assert value_and_grad(binary_cross_entropy, 1.0, 1.0)[0] == 0.0  # the 0·log 0 term is left out
    with pytest.raises(ValueError, match=r"p=0.0 with target 1.0 makes log\(p\) infinite; use "
                                         "binary_cross_entropy_with_logits"):
        binary_cross_entropy(Value(0.0), 1)
    with pytest.raises(ValueError, match="target must be in"):
        binary_cross_entropy(Value(0.5), 2)


@given(st.floats(-700, 700), st.sampled_from([0.0, 0.3, 1.0]))
def test_bce_with_logits_is_stable_and_has_gradient_sigmoid_minus_target(z, y):
    loss, grad = value_and_grad(binary_cross_entropy_with_logits, z, y)
    assert math.isfinite(loss) and loss >= -1e-12
    sig = 1 / (1 + math.exp(-z)) if z >= 0 else math.exp(z) / (1 + math.exp(z))
    assert grad == pytest.approx(sig - y, abs=1e-12)


def test_bce_with_logits_matches_bce_of_the_sigmoid():
    for z in (-3.0, -0.2, 0.0, 1.7):
        for y in (0.0, 0.4, 1.0):
            expected = binary_cross_entropy(Value(z).sigmoid(), y).data
            assert binary_cross_entropy_with_logits(Value(z), y).data == pytest.approx(expected, rel=1e-12)
    assert binary_cross_entropy_with_logits(Value(-1000.0), 1).data == 1000.0


def test_hinge_by_hand():
    assert value_and_grad(hinge, 0.25, 1) == (0.75, -1.0)
    assert value_and_grad(hinge, 0.25, -1) == (1.25, 1.0)
    assert value_and_grad(hinge, 3.0, 1) == (0.0, 0.0)
    with pytest.raises(ValueError, match="label must be -1 or \\+1, got 0"):
        hinge(Value(1.0), 0)


def test_softmax_cross_entropy_by_hand_and_at_extremes():
    zs = [Value(1.0), Value(2.0), Value(3.0)]
    loss = softmax_cross_entropy(zs, 0)
    loss.backward()
    norm = math.exp(1) + math.exp(2) + math.exp(3)
    assert loss.data == pytest.approx(math.log(norm) - 1.0, rel=1e-15)
    probs = [math.exp(k) / norm for k in (1, 2, 3)]
    assert [z.grad for z in zs] == pytest.approx([probs[0] - 1, probs[1], probs[2]], rel=1e-14)
    assert sum(p.data for p in softmax(zs)) == pytest.approx(1.0, rel=1e-15)
    big = [Value(1000.0), Value(-1000.0)]
    assert softmax_cross_entropy(big, 0).data == 0.0 and softmax_cross_entropy(big, 1).data == 2000.0
    with pytest.raises(ValueError, match=r"target must be a class index in 0\.\.2, got 3"):
        softmax_cross_entropy(zs, 3)


def test_losses_pass_gradcheck():
    checks = [
        (lambda a, b: half_mse([a, b], [0.5, -1.0]), [0.3, 0.7]),
        (lambda a, b: mse([a, b], [0.5, -1.0]), [0.3, 0.7]),
        (lambda a: binary_cross_entropy(a.sigmoid(), 0.3), [0.4]),
        (lambda a: binary_cross_entropy_with_logits(a, 0.3), [0.4]),
        (lambda a, b, c: softmax_cross_entropy([a, b, c], 1), [0.1, -0.4, 2.0]),
        (lambda a: hinge(a, -1), [0.2]),
    ]
    for f, xs in checks:
        report = gradcheck(f, xs)
        assert report.ok, report.table()


def test_bad_arguments():
    with pytest.raises(ValueError, match="mse: 2 predictions but 1 targets"):
        mse([Value(1.0), Value(2.0)], [1.0])
    with pytest.raises(TypeError, match="squared_error: the prediction must be a Value, got float"):
        squared_error(1.0, 1.0)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="half_squared_error: the target must be a finite number, got nan"):
        half_squared_error(Value(1.0), math.nan)
    with pytest.raises(ValueError, match="no values to average"):
        mean([])


def test_losses_match_torch():
    torch = pytest.importorskip("torch", reason="PyTorch is not installed")
    f = torch.nn.functional
    p = [0.3, -1.2, 2.5]
    y = [0.0, 1.0, 0.5]
    ours = [Value(v) for v in p]
    loss = mse(ours, y)
    loss.backward()
    tp = torch.tensor(p, dtype=torch.float64, requires_grad=True)
    theirs = f.mse_loss(tp, torch.tensor(y, dtype=torch.float64))
    theirs.backward()
    assert loss.data == pytest.approx(theirs.item(), rel=1e-14)
    assert [v.grad for v in ours] == pytest.approx(tp.grad.tolist(), rel=1e-14)

    # At z = -30, y = 0 torch's own formula loses digits (9.237e-14); ours is log1p(e^-30) = 9.3576e-14.
    assert binary_cross_entropy_with_logits(Value(-30.0), 0).data == pytest.approx(math.log1p(math.exp(-30)),
                                                                                   rel=1e-15)
    for z, t in ((0.7, 1.0), (-8.0, 0.0), (12.0, 0.25), (-5.0, 1.0)):
        ours_z = Value(z)
        loss = binary_cross_entropy_with_logits(ours_z, t)
        loss.backward()
        tz = torch.tensor(z, dtype=torch.float64, requires_grad=True)
        theirs = f.binary_cross_entropy_with_logits(tz, torch.tensor(t, dtype=torch.float64))
        theirs.backward()
        assert loss.data == pytest.approx(theirs.item(), rel=1e-12, abs=1e-300)
        assert ours_z.grad == pytest.approx(tz.grad.item(), rel=1e-12)

        prob = Value(z).sigmoid()
        if 0.0 < prob.data < 1.0:
            tprob = torch.sigmoid(torch.tensor(z, dtype=torch.float64))
            expected = f.binary_cross_entropy(tprob, torch.tensor(t, dtype=torch.float64)).item()
            assert binary_cross_entropy(prob, t).data == pytest.approx(expected, rel=1e-9)

    logits = [0.5, -2.0, 3.0, 1.0]
    ours = [Value(v) for v in logits]
    loss = softmax_cross_entropy(ours, 2)
    loss.backward()
    tl = torch.tensor([logits], dtype=torch.float64, requires_grad=True)
    theirs = f.cross_entropy(tl, torch.tensor([2]))
    theirs.backward()
    assert loss.data == pytest.approx(theirs.item(), rel=1e-14)
    assert [v.grad for v in ours] == pytest.approx(tl.grad[0].tolist(), rel=1e-13)

    scores = [0.3, -0.5, 2.0]
    labels = [1, 1, -1]
    ours = [hinge(Value(s), t).data for s, t in zip(scores, labels)]
    ts = torch.tensor(scores, dtype=torch.float64)
    theirs = torch.clamp(1 - torch.tensor(labels, dtype=torch.float64) * ts, min=0).tolist()
    assert ours == pytest.approx(theirs, rel=1e-15)


def test_numpy_scalars_are_accepted_as_targets_and_class_indices():
    np = pytest.importorskip("numpy")
    for target in (np.float32(1), np.int64(1), np.float64(1.0), np.int32(1), np.float16(1)):
        assert value_and_grad(squared_error, 0.25, target) == (0.5625, -1.5)
        assert value_and_grad(half_squared_error, 0.25, target) == (0.28125, -0.75)
        assert value_and_grad(binary_cross_entropy, 0.8, target)[0] == pytest.approx(-math.log(0.8))
        assert hinge(Value(0.25), target).data == 0.75
        assert mse([Value(1.0)], [target]).data == 0.0
        assert half_mse([Value(3.0)], [target]).data == 2.0
    for index in (np.int64(1), np.int32(1), np.uint8(1), np.float32(1), 1.0):
        loss = softmax_cross_entropy([Value(0.0), Value(0.0)], index)
        assert loss.data == pytest.approx(math.log(2), rel=1e-15)
    for bad in (np.float32(1.5), np.int64(2), np.int64(-1), np.bool_(True), True, "1", 1e300):
        with pytest.raises(ValueError, match=r"target must be a class index in 0\.\.1"):
            softmax_cross_entropy([Value(0.0), Value(0.0)], bad)
    for bad in (np.float32("nan"), np.bool_(True), "1", np.float64("inf")):
        with pytest.raises(ValueError, match="squared_error: the target must be a finite number"):
            squared_error(Value(0.0), bad)
