"""Every way an input's number can reach a decision while a function is traced ends in one of three:
followed (the decision is part of the program), guarded (checked on every call, one program per
outcome) or refused at trace time, naming the input and the user's line. Never a wrong number on
another input: each traced function is compared with the Value path (the function run afresh on
Values, then backward()) on inputs that decide differently, one sample at a time and as a batch.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from autograd import Value, fused, no_grad, trace
from autograd.replay.trace import MAX_VARIANTS, BranchError

W = Value(1.5, "w")
INPUTS = [-2.5, -1.0, -0.5, 0.0, 0.4, 0.5, 1.0, 1.5, 2.0, 2.5, 3.7]


def value_path(fn, *sample):
    """The loss and d(loss)/dw from a fresh graph and backward()."""
    W.grad = 0.0
    loss = fn(*sample)
    loss.backward()
    grad, W.grad = W.grad, 0.0
    return loss.data, grad


def replay(step, *sample):
    W.grad = 0.0
    loss = step(*sample)
    grad, W.grad = W.grad, 0.0
    return loss, grad


GUARDED = {
    "int(x)": lambda x: W * int(x) + W * x,
    "round(x)": lambda x: W * round(x) + x,
    "round(x, 1)": lambda x: W * round(x, 1),
    "math.floor(x)": lambda x: W * math.floor(x) + x,
    "math.ceil(x)": lambda x: W * math.ceil(x) + x,
    "x > 0": lambda x: W * x if x > 0 else W * -x,
    "x <= 0.5": lambda x: (W * x).exp() if x <= 0.5 else (W * x).tanh(),
    "0 < x": lambda x: W * x if 0 < x else W * 2.0,
    "x == 1": lambda x: W * 3.0 if x == 1 else W * x,
    "x != 1.0": lambda x: W * x if x != 1.0 else W * 7.0,
    "bool(x)": lambda x: W * x if x else W * 5.0,
    "max(x, 0)": lambda x: W * max(x, 0.0) + W,
    "a list indexed by int(x)": lambda x: [W * 1.0, W * 2.0, W * 3.0, W * 4.0][int(x) % 4] * x,
    "x < int(x)": lambda x: W * x if x < int(x) + 0.5 else W * 2.0,
    "x in (1.0, 2.0)": lambda x: W * x if x in (1.0, 2.0) else W.sigmoid(),
}


@pytest.mark.parametrize("name", list(GUARDED))
def test_decisions_on_an_input_are_checked_on_every_call(name):
    fn = GUARDED[name]
    step = trace(fn, params=[W])
    for x in INPUTS:
        assert replay(step, x) == value_path(fn, x), x
    assert len(step.decisions) >= 2  # the inputs decided differently: more than one program
    assert all(step.decisions)  # each program says which decisions it holds for
    # a batch whose samples decide differently: each sample by its own program
    losses = step(np.array(INPUTS))
    grad = W.grad
    W.grad = 0.0
    expected = [value_path(fn, x) for x in INPUTS]
    np.testing.assert_allclose(losses, [e[0] for e in expected], rtol=1e-12, atol=0)
    assert grad == pytest.approx(math.fsum(e[1] for e in expected), rel=1e-12, abs=1e-12)


def test_a_decision_between_two_inputs():
    fn = lambda x, y: W * x if x < y else W * y  # noqa: E731
    step = trace(fn, params=[W])
    for x, y in ((1.0, 2.0), (2.0, 1.0), (3.0, 3.0), (-1.0, 0.5)):
        assert replay(step, x, y) == value_path(fn, x, y)
    assert step.decisions == [("x < y",), ("not x < y",)]


def test_followed_class_index_and_binary_targets():
    """An input handed to an op as its plain number is read by the program: one program."""
    cases = [
        (lambda x, c: fused.softmax_cross_entropy([W * x, W * -x, W], c), [(0.5, 0.0), (2.0, 2.0),
                                                                           (-1.0, 1.0)]),
        (lambda x, y: fused.binary_cross_entropy((W * x).sigmoid(), y), [(0.5, 1.0), (2.0, 0.0),
                                                                        (-1.0, 0.25)]),
        (lambda x, y: Value(x) * W + y, [(0.5, 1.0), (-2.0, 3.0)]),
    ]
    for fn, samples in cases:
        step = trace(fn, params=[W])
        for x, c in samples:
            converted = int(c) if fn is cases[0][0] else c
            assert replay(step, x, c) == value_path(fn, x, converted)
        assert step.decisions == [()]


def _refused(fn, message, *sample):
    """The recording is refused with ``message``, naming this file's line that decided."""
    with pytest.raises(BranchError, match=message + r"(.|\n)*at .*test_trace_decisions\.py:\d+: "):
        trace(fn, params=[W])(*sample)
    assert (Value(1.0) < Value(2.0)) is True and bool(Value(0.0)) is True  # Value is itself again


def test_a_number_taken_out_of_an_input_is_refused():
    _refused(lambda x: W * float(x), r"float\(x\) would use input x's number for this sample only", 2.0)
    _refused(lambda x: W if float(x) > 0 else -W, r"float\(x\)", 2.0)  # float(x), then a comparison
    _refused(lambda x: W * math.exp(x), r"float\(x\)", 2.0)
    _refused(lambda x: W * (x % 2.0), r"mod\(x\)", 2.0)
    _refused(lambda x: W * {1.0: 2.0, 2.0: 3.0}[x], r"hash\(x\) \(a dict or set lookup\)", 2.0)
    _refused(lambda x: W if x in {2.0} else -W, r"hash\(x\)", 2.0)
    _refused(lambda x: [W, -W, W * 2.0][x], r"x as an index or a count", 2.0)
    _refused(lambda x: W * np.float64(x), r"float\(x\)", 2.0)
    _refused(lambda x: W * complex(x).real, r"complex\(x\)", 2.0)
    _refused(lambda x: W * float(f"{x:.3f}"), r"format\(x, '\.3f'\)", 2.0)


def test_a_number_read_from_a_value_computed_from_an_input_is_refused():
    _refused(lambda x: W * (W * x).data, r"\.data of Value\(data=3\) reads the number of a value "
                                         r"computed from input x", 2.0)
    _refused(lambda x: W * Value(x).data, r"\.data of Value\(data=2\) reads the number of a value "
                                          r"computed from input x", 2.0)
    _refused(lambda x: W * round(W * x), r"round\(\) of .* computed from input x", 2.0)
    _refused(lambda x: W * (W * x).detach(), r"detach\(\) of .* from input x", 2.0)
    _refused(lambda x: W * float(f"{W * x:.3f}"), r"format\(\.\.\., '\.3f'\) of .* input x", 2.0)
    _refused(lambda x: W * (W * x).edges[0][1], r"\.edges of .* input x", 2.0)

    def in_no_grad(x):
        with no_grad():
            s = (W * x).exp()
        return W * s
    _refused(in_no_grad, r"no_grad\(\) inside a traced function", 2.0)

    def with_backward(x):
        loss = W * x
        loss.backward()
        return W * W.grad
    _refused(with_backward, r"backward\(\) inside a traced function", 2.0)


def test_decisions_on_values_are_refused():
    _refused(lambda x: W * x if W * x > 0 else -W * x, r"the comparison Value\(data=3\) > 0 decides", 2.0)
    _refused(lambda x: W * x if x > W else W, r"the comparison x > 'w' decides a branch", 2.0)
    _refused(lambda x: W * x if W else W, r"bool\('w'\)", 2.0)
    _refused(lambda x: W * float(W * x), r"float\(Value\(data=3\)\) turns a Value into a number", 2.0)


def test_numbers_not_from_an_input_may_be_read():
    """A parameter's number (a constant of the program, documented) is not an input's."""
    step = trace(lambda x: W * x + W.data, params=[W])
    assert step(2.0) == 1.5 * 2.0 + 1.5


def test_an_input_kept_for_later_is_refused():
    kept = []
    step = trace(lambda x: kept.append(x) or W * x, params=[W])
    step(2.0)
    with pytest.raises(BranchError, match="input x of a traced function was used outside its "
                                          "recording"):
        kept[0] > 1.0  # noqa: B015
    assert "2.0" not in repr(kept[0])  # its repr does not show the number either


def test_too_many_outcomes_are_refused():
    step = trace(lambda x: W * int(x), params=[W])
    for k in range(MAX_VARIANTS):
        assert step(float(k)) == 1.5 * k
    with pytest.raises(RuntimeError, match=rf"{MAX_VARIANTS} programs recorded already, one per "
                                           r"outcome .* \(the last: trunc\(x\) == 31\)"):
        step(1000.0)
