"""Every row of RULES: its derivatives against central finite differences, on inputs from its domain.

Driven by the table: a new rule is tested as soon as it is added to RULES and to ops_table.OPS.
"""

from __future__ import annotations

import math

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from ops_table import OPS

from autograd import RULES, Value, gradcheck

RULE_EXPRS = sorted(RULES)
# Operands away from overflow; constants small enough that powers stay finite.
operand = st.floats(min_value=-6.0, max_value=6.0, allow_nan=False)
constant = st.floats(min_value=-3.0, max_value=3.0, allow_nan=False)


def step(x: float, rule) -> float:
    """The finite-difference step h at x: for an op with a restricted domain, relative to x, so
    it shrinks near the singular point at 0; otherwise 1e-6·max(1, |x|)."""
    return 1e-6 * (max(abs(x), 1e-3) if rule.check is not None else max(abs(x), 1.0))


def draw_operands(data, rule):
    """Operands for ``rule`` inside its domain, at least a few steps h away from its kinks."""
    values = [data.draw(operand, label=name) for name in rule.variables]
    if OPS[rule.expr].class_index:
        values.append(float(data.draw(st.integers(0, len(values) - 1), label="c")))
    elif OPS[rule.expr].constant:
        values.append(data.draw(constant, label="c"))
    assume(rule.check is None or rule.check(*values) is None)
    if rule.name == "neuron":  # a neuron row's kinks are values of z = w0·x0 + w1·x1 + b
        w0, w1, b, x0, x1 = values
        assume(all(abs(w0 * x0 + w1 * x1 + b - kink) > 1e-3 for kink in rule.kinks))
    for i in range(len(rule.variables)):
        h = step(values[i], rule)
        # the step stays on one side of 0, where divisions and logs blow up
        assume(values[i] == 0.0 or abs(values[i]) > 1e4 * h)
        assume(rule.name == "neuron" or all(abs(values[i] - kink) > 100 * h for kink in rule.kinks))
        for shift in (-1e4 * h, 1e4 * h):  # keep well inside the domain: no singularity nearby
            moved = list(values)
            moved[i] += shift
            assume(rule.check is None or rule.check(*moved) is None)
    return values


def finite_difference(rule, values, i):
    h = step(values[i], rule)
    up, down = list(values), list(values)
    up[i] += h
    down[i] -= h
    return (rule.forward(*up)[0] - rule.forward(*down)[0]) / (2 * h)


def test_every_rule_has_an_op():
    assert set(OPS) == set(RULES)


@pytest.mark.parametrize("expr", RULE_EXPRS)
def test_rule_row_is_complete(expr):
    rule = RULES[expr]
    assert rule.expr == expr and rule.name
    assert len(rule.formulas) >= 1
    assert rule.variadic or len(rule.formulas) == len(rule.variables)
    n = len(rule.variables)
    for edge in range(n):
        assert rule.edge_text(edge, n).startswith("d")


@pytest.mark.parametrize("expr", RULE_EXPRS)
@given(data=st.data())
def test_local_derivatives_match_finite_differences(expr, data):
    rule = RULES[expr]
    values = draw_operands(data, rule)
    try:
        out, *local = rule.forward(*values)
        numerical = [finite_difference(rule, values, i) for i in range(len(rule.variables))]
    except OverflowError:
        assume(False)
    assume(abs(out) < 1e12 and all(map(math.isfinite, local)))
    for d, fd in zip(local, numerical):
        assert math.isclose(d, fd, rel_tol=1e-5, abs_tol=1e-6), (values, d, fd)


@pytest.mark.parametrize("expr", RULE_EXPRS)
@given(data=st.data())
def test_engine_gradients_pass_gradcheck(expr, data):
    """The same check through Value ops and backward(), using gradcheck."""
    rule, op = RULES[expr], OPS[expr]
    values = draw_operands(data, rule)
    n = len(rule.variables)
    try:
        assume(all(map(math.isfinite, rule.forward(*values))))
    except OverflowError:
        assume(False)
    # one step for all inputs: small near a singular point, else the usual 1e-6
    eps = min(step(x, rule) for x in values[:n]) if rule.check is not None else 1e-6
    if op.constant:
        c = values[-1]
        report = gradcheck(lambda *xs: op.chainrule(*xs, c), values[:n], eps=eps, rtol=1e-5, atol=1e-6)
    else:
        report = gradcheck(op.chainrule, values, eps=eps, rtol=1e-5, atol=1e-6)
    assert report.ok, str(report)


@pytest.mark.parametrize("expr", RULE_EXPRS)
def test_node_records_rule_and_local_derivatives(expr):
    """A node made by an op stores its rule, its parents and the rule's derivatives on its edges."""
    rule, op = RULES[expr], OPS[expr]
    n = len(rule.variables)
    values = {"a ** b": [1.5, 0.7], "c ** a": [0.3, 2.0], "a ** c": [1.5, 2.0],
              "logsumexp(a)−a_c": [0.8, 1.0, -0.3, 1.0]}.get(
        expr, [0.8, 0.4, -0.3, 1.1, 0.6][: max(n + op.constant, 2)])
    leaves = [Value(x, name) for x, name in zip(values, rule.variables)]
    args = [*leaves, values[1]] if op.constant else leaves
    out = op.chainrule(*args)
    assert out.rule is rule and out.op == rule.name
    expected_out, *expected_local = rule.forward(*values[: n + op.constant])
    assert out.data == expected_out
    assert [p for p, _ in out.edges] == leaves
    assert [d for _, d in out.edges] == expected_local
    assert out.const == ((values[1],) if op.class_index else values[1] if op.constant else None)
    assert len(out.formulas) == n
