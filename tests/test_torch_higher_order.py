"""Differential tests of higher-order gradients: grad(create_graph=True) against torch.autograd.grad.

The random programs of tests/test_torch_parity.py (every row of the ops table, float64) are run
by both engines; then the first derivatives d(out)/d(xᵢ), the second derivatives of their sum
d(Σᵢ d(out)/d(xᵢ))/d(xⱼ) and the third derivatives of the second ones' sum must agree to 1e-9
relative, and 1e-12 absolute times the largest number in chainrule's graph of that order (at
least 1): a derivative that is 0 in exact arithmetic comes out as a sum of terms that cancel, and
its rounding error grows with them (out = x + exp(x/x) at x = -0.14: a third derivative of terms
near 1e3 that cancel is 0.0 in chainrule and -1.8e-12 in PyTorch). An input a derivative does
not depend on is 0 in chainrule and None (allow_unused) or a tensor without a graph in torch:
both count as 0. Inputs are kept 0.01 away from 0; a program whose derivative graph still needs
a node with an overflowing or infinite local derivative (x ** (b − 2) at x = 1e-129, x ** 0.5 at
x = 0: recording refuses it with an error naming the op) is rejected, not compared.

Where a power a ** b has an exponent Value b of exactly 0, 1 or 2, only first derivatives are
compared: PyTorch writes d(a**b)/da = b·a**(b−1) as a constant 0 where the exponent is 0, so
its derivative in b is lost at b = 0 (PyTorch: 0, truly 1/a), and at b = 1 or 2 in the higher
orders, whose graphs hold a**(b − 1) and a**(b − 2) (x ** x at x = 1: PyTorch's third
derivative is 2, truly 3). test_higher_order.py checks both against the closed forms.
Skipped without PyTorch.
"""

from __future__ import annotations

import math

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from ops_table import OPS
from test_torch_parity import run, step

from autograd import RULES, DerivativeOverflowError, DomainError, Value, grad, topological_order, total

torch = pytest.importorskip("torch", reason="PyTorch is not installed: pip install torch==2.13.0")

EXPRS = sorted(RULES)
# test_torch_parity's programs, with inputs kept 0.01 away from 0 (or 0), where x ** -2 and
# 1/x have higher derivatives that overflow
away_from_zero = st.floats(min_value=-3.0, max_value=3.0, allow_nan=False).filter(
    lambda x: x == 0.0 or abs(x) >= 0.01)
program = st.tuples(st.lists(away_from_zero, min_size=1, max_size=4), st.lists(step, min_size=1, max_size=25))


def torch_derivatives(out, inputs):
    """d(out)/d(input) for each input as tensors that keep a graph (zeros where torch has none)."""
    if not out.requires_grad:
        return [torch.zeros((), dtype=torch.float64) for _ in inputs]
    found = torch.autograd.grad(out, inputs, create_graph=True, allow_unused=True)
    return [torch.zeros((), dtype=torch.float64) if g is None else g for g in found]


def torch_sum(terms):
    result = terms[0]
    for t in terms[1:]:
        result = result + t
    return result


def assert_close(ours, theirs, order, scale=1.0):
    for i, (mine, reference) in enumerate(zip(ours, theirs)):
        expected = reference.item()
        assert math.isclose(mine.data, expected, rel_tol=1e-9, abs_tol=1e-12 * scale), \
            f"order {order}, input {i}: chainrule {mine.data!r}, torch {expected!r}"


def magnitude(values):
    """The largest |number| in the graphs of ``values`` (at least 1): the scale of their rounding."""
    return max([1.0, *(abs(v.data) for v in topological_order(total(values)))])


def compare_up_to_third(ours_out, ours_inputs, theirs_out, theirs_inputs):
    """First, second and third derivatives (each order's sum differentiated) of both engines."""
    orders = 3
    if any(v.rule is RULES["a ** b"] and v.parents[1].data in (0.0, 1.0, 2.0)
           for v in topological_order(ours_out)):
        orders = 1  # PyTorch's derivatives are wrong there (see the module's docstring)
    try:
        ours = [grad(ours_out, ours_inputs, create_graph=True)]
        for _ in range(2, orders + 1):
            ours.append(grad(total(ours[-1]), ours_inputs, create_graph=True))
    except (DerivativeOverflowError, DomainError):
        # Near a singular point a node of the derivative's graph (x ** (b − 2) at x = 1e-129,
        # x ** 0.5 at x = 0 for d(x ** 1.5)/dx) has a local derivative that overflows or is
        # infinite, and recording refuses it with an error naming the op, although the derivative
        # asked for may be finite: a limit of chainrule (docs/higher_order.md).
        assume(False)
    theirs = [torch_derivatives(theirs_out, theirs_inputs)]
    for _ in range(2, orders + 1):
        theirs.append(torch_derivatives(torch_sum(theirs[-1]), theirs_inputs))
    for order, (mine, reference) in enumerate(zip(ours, theirs), start=1):
        assert_close(mine, reference, order, magnitude(mine))


@settings(max_examples=60, deadline=None)
@given(program)
def test_second_and_third_derivatives_match_torch(case):
    inputs, steps = case
    ours = run(inputs, steps, Value, lambda op, args: op.chainrule(*args))
    theirs = run(inputs, steps, lambda x: torch.tensor(x, dtype=torch.float64, requires_grad=True),
                 lambda op, args: op.torch(*args))
    ours_out, theirs_out = sum(ours[len(inputs):], ours[0]), sum(theirs[len(inputs):], theirs[0])
    compare_up_to_third(ours_out, ours[: len(inputs)], theirs_out, theirs[: len(inputs)])


@pytest.mark.parametrize("expr", EXPRS)
def test_each_op_up_to_third_order_at_a_few_points(expr):
    rule, op = RULES[expr], OPS[expr]
    for point in ([0.7, 1.3, 0.2, -1.1, 0.9], [-0.4, 2.2, 1.5, 0.3, -0.8], [1.9, -0.6, -2.0, 0.4, 1.2],
                  [2.5, 0.5, 0.1, 0.7, -0.2]):
        n = len(rule.variables)
        extra = [op.as_constant(point[1], n)] if op.constant else []
        if rule.check is not None and rule.check(*point[:n], *extra) is not None:
            continue
        ours = [Value(x) for x in point[:n]]
        theirs = [torch.tensor(x, dtype=torch.float64, requires_grad=True) for x in point[:n]]
        # times each input, so that every op has a second derivative to compare (x·(a + b) too)
        ours_out = op.chainrule(*ours, *extra) * ours[0]
        theirs_out = op.torch(*theirs, *extra) * theirs[0]
        compare_up_to_third(ours_out, ours, theirs_out, theirs)
