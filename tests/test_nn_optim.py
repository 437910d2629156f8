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
