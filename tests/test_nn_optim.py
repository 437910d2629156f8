"""SGD and Adam: updates worked out by hand, against torch where installed, and argument checks."""

from __future__ import annotations

import math

import pytest

from autograd import Value
from nn import SGD, Adam


def quadratic_steps(opt_factory, steps: int, start: float = 2.0):
    """Minimise (w − 3)², returning w after each step."""
    w = Value(start)
    opt = opt_factory([w])
    trace = []
    for _ in range(steps):
        opt.zero_grad()
        ((w - 3.0) * (w - 3.0)).backward()
        opt.step()
        trace.append(w.data)
    return trace


def test_sgd_by_hand():
    # grad = 2(w − 3): from 2, grad −2, w = 2 + 0.1·2 = 2.2; grad −1.6, w = 2.36
    assert quadratic_steps(lambda p: SGD(p, lr=0.1), 2) == pytest.approx([2.2, 2.36], rel=1e-15)


def test_sgd_momentum_by_hand():
    # v1 = −2, w = 2.2; grad −1.6, v2 = 0.9·(−2) − 1.6 = −3.4, w = 2.2 + 0.34 = 2.54
    assert quadratic_steps(lambda p: SGD(p, lr=0.1, momentum=0.9), 2) == pytest.approx([2.2, 2.54], rel=1e-15)


def test_adam_by_hand_with_and_without_bias_correction():
    # step 1: m = 0.1·g, v = 0.001·g²; corrected m̂/√v̂ = sign(g); uncorrected 0.1/√0.001 = 3.1623
    with_correction = quadratic_steps(lambda p: Adam(p, lr=0.01), 1)
    assert with_correction == pytest.approx([2.0 + 0.01 * 2 / (2 + 1e-8)], rel=1e-15)
    without = quadratic_steps(lambda p: Adam(p, lr=0.01, bias_correction=False), 1)
    assert without == pytest.approx([2.0 + 0.01 * 0.2 / (math.sqrt(0.004) + 1e-8)], rel=1e-15)


def test_optimizers_match_torch():
    torch = pytest.importorskip("torch", reason="PyTorch is not installed")

    def torch_steps(factory, steps):
        w = torch.tensor(2.0, dtype=torch.float64, requires_grad=True)
        opt = factory([w])
        trace = []
        for _ in range(steps):
            opt.zero_grad()
            ((w - 3.0) ** 2).backward()
            opt.step()
            trace.append(w.item())
        return trace

    pairs = [
        (lambda p: SGD(p, lr=0.05, momentum=0.8), lambda p: torch.optim.SGD(p, lr=0.05, momentum=0.8)),
        (lambda p: Adam(p, lr=0.1, betas=(0.8, 0.99), eps=1e-6),
         lambda p: torch.optim.Adam(p, lr=0.1, betas=(0.8, 0.99), eps=1e-6)),
    ]
    for ours, theirs in pairs:
        assert quadratic_steps(ours, 25) == pytest.approx(torch_steps(theirs, 25), rel=1e-12)


def test_argument_checks():
    w = Value(1.0)
    bad = [
        (lambda: SGD([w], lr=0), ValueError, r"SGD: lr must be in \(0, inf\), got 0.0"),
        (lambda: SGD([w], lr=-0.1), ValueError, "SGD: lr must be in"),
        (lambda: SGD([w], lr=math.nan), ValueError, "SGD: lr must be a finite number, got nan"),
        (lambda: SGD([w], lr="0.1"), ValueError, "SGD: lr must be a finite number, got '0.1'"),
        (lambda: SGD([w], lr=0.1, momentum=1.0), ValueError, r"SGD: momentum must be in \[0, 1\), got 1.0"),
        (lambda: SGD([], lr=0.1), ValueError, "SGD: params is empty"),
        (lambda: SGD(w, lr=0.1), TypeError, "got a single Value"),
        (lambda: SGD([w, 1.0], lr=0.1), TypeError, r"SGD: params\[1\] must be a Value, got float"),
        (lambda: SGD([w, w], lr=0.1), ValueError, r"params\[1\] .* appears twice"),
        (lambda: SGD([w * 2], lr=0.1), ValueError, "computed by an op; only leaves"),
        (lambda: Adam([w], lr=0.1, betas=(0.9,)), ValueError, "Adam: betas must be a pair"),
        (lambda: Adam([w], lr=0.1, betas=(1.0, 0.999)), ValueError, r"Adam: beta1 must be in \[0, 1\)"),
        (lambda: Adam([w], lr=0.1, betas=(0.9, -0.1)), ValueError, "Adam: beta2 must be in"),
        (lambda: Adam([w], lr=0.1, eps=0.0), ValueError, r"Adam: eps must be in \(0, inf\)"),
        (lambda: Adam([w], lr=0.1, bias_correction="yes"), TypeError,
         "bias_correction must be True or False"),
    ]
    for make, kind, message in bad:
        with pytest.raises(kind, match=message):
            make()


def test_an_update_that_overflows_names_the_parameter():
    w = Value(1e308, "w")
    w.grad = -1e308
    with pytest.raises(OverflowError, match="SGD: updating parameter w"):
        SGD([w], lr=10.0).step()


def test_zero_grad_clears_every_parameter():
    ws = [Value(1.0), Value(2.0)]
    for w in ws:
        w.grad = 5.0
    Adam(ws).zero_grad()
    assert [w.grad for w in ws] == [0.0, 0.0]


def adam_reference(grads, lr, b1, b2, eps, start=0.0):
    """Adam in 60-digit decimal arithmetic (no overflow possible): w after each step."""
    from decimal import Decimal, localcontext

    with localcontext() as ctx:
        ctx.prec = 60
        w, m, v = Decimal(start), Decimal(0), Decimal(0)
        B1, B2 = Decimal(b1), Decimal(b2)
        trace = []
        for t, g in enumerate(grads, start=1):
            g = Decimal(g)
            m = B1 * m + (1 - B1) * g
            v = B2 * v + (1 - B2) * g * g
            w -= Decimal(lr) * (m / (1 - B1**t)) / ((v / (1 - B2**t)).sqrt() + Decimal(eps))
            trace.append(float(w))
    return trace


def adam_steps(grads, **settings):
    w = Value(0.0, "w")
    opt = Adam([w], **settings)
    trace = []
    for g in grads:
        w.grad = g
        opt.step()
        trace.append(w.data)
    return trace


def test_adam_with_a_huge_gradient_keeps_moving_as_exact_arithmetic_says():
    # |g| > 1.3e154 makes g² overflow: v was inf and the parameter froze silently for good
    grads = [1e200, -3e199, 5e250, 1.7e308, 1.0, -2.0, 1e-3] + [1e160] * 5
    ours = adam_steps(grads, lr=0.1)
    assert ours == pytest.approx(adam_reference(grads, 0.1, 0.9, 0.999, 1e-8), rel=1e-12)
    assert all(a != b for a, b in zip([0.0, *ours], ours))  # every step moved w: never frozen


def test_adam_second_moment_comes_back_from_huge_to_ordinary_gradients():
    # beta2 = 0.5 forgets fast: v goes beyond the float range and back within a few hundred steps
    grads = [1e250] * 3 + [0.5, -0.25] * 400
    settings = dict(lr=0.01, betas=(0.9, 0.5), eps=1e-8)
    ours = adam_steps(grads, **settings)
    reference = adam_reference(grads, 0.01, 0.9, 0.5, 1e-8)
    assert ours == pytest.approx(reference, rel=1e-11, abs=1e-13)
    opt = Adam([Value(0.0)], betas=(0.9, 0.5))
    opt.params[0].grad = 1e200
    opt.step()
    assert opt.v == [math.inf]  # the true v, 0.5·1e400, is beyond the float range; shown as inf
    for _ in range(1500):  # 0.5**1500·5e399 ≈ 1e-52: only the ordinary gradients are left in v
        opt.params[0].grad = 1.0
        opt.step()
    assert opt.v == pytest.approx([1.0], rel=1e-12) and math.isfinite(opt.m[0])


def test_adam_bias_correction_off_with_a_huge_gradient():
    w = Value(0.0)
    opt = Adam([w], lr=0.1, bias_correction=False)
    w.grad = 1e300
    opt.step()
    assert w.data == pytest.approx(-0.1 * 0.1 / math.sqrt(0.001), rel=1e-12)  # lr·(1 − β1)/√(1 − β2)


def test_adam_with_a_huge_gradient_matches_torch_on_a_scaled_problem():
    torch = pytest.importorskip("torch", reason="PyTorch is not installed")
    # Adam is scale-invariant when eps scales too: gradients ×1e200 and eps ×1e200 give the same steps
    grads = [1.0, -0.3, 2.5, 0.7, -1.1]
    w = torch.tensor(0.0, dtype=torch.float64, requires_grad=True)
    opt = torch.optim.Adam([w], lr=0.05, eps=1e-8)
    theirs = []
    for g in grads:
        w.grad = torch.tensor(g, dtype=torch.float64)
        opt.step()
        theirs.append(w.item())
    ours = adam_steps([g * 1e200 for g in grads], lr=0.05, eps=1e-8 * 1e200)
    assert ours == pytest.approx(theirs, rel=1e-12)


def test_sgd_momentum_overflow_names_the_parameter_and_changes_nothing():
    a, b = Value(1.0, "a"), Value(2.0, "b")
    opt = SGD([a, b], lr=1e-3, momentum=0.9)
    a.grad, b.grad = 1.0, 1.5e308
    opt.step()
    state = (a.data, b.data, list(opt.velocity))
    a.grad = 1.0
    with pytest.raises(OverflowError, match=r"SGD: the momentum buffer of parameter b overflows"):
        opt.step()  # 0.9·1.5e308 + 1.5e308 > 1.8e308
    assert (a.data, b.data, list(opt.velocity)) == state  # a step is all or nothing


def test_adam_step_is_all_or_nothing():
    a, b = Value(1.0, "a"), Value(1e308, "b")
    opt = Adam([a, b], lr=1e308)
    a.grad, b.grad = 1.0, -1.0
    with pytest.raises(OverflowError, match="Adam: updating parameter b"):
        opt.step()
    assert (a.data, b.data, opt.t, opt.m, opt.v) == (1.0, 1e308, 0, [0.0, 0.0], [0.0, 0.0])


def test_repr_is_one_short_line():
    ws = [Value(0.0) for _ in range(1000)]
    assert repr(SGD(ws, lr=0.1)) == "SGD(lr=0.1, momentum=0.0, 1000 parameters)"
    assert repr(SGD(ws[:1], lr=0.5, momentum=0.9)) == "SGD(lr=0.5, momentum=0.9, 1 parameter)"
    assert repr(Adam(ws, lr=0.01)) == "Adam(lr=0.01, betas=(0.9, 0.999), eps=1e-08, 1000 parameters, t=0)"
    assert repr(Adam(ws[:2], bias_correction=False)) == (
        "Adam(lr=0.001, betas=(0.9, 0.999), eps=1e-08, bias_correction=False, 2 parameters, t=0)")
