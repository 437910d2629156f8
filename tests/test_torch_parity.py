"""Differential tests: chainrule's gradients equal torch.autograd's on random expression graphs.

Graphs are programs drawn by hypothesis over every row of the ops table; each step applies
one op to earlier values (and a constant). Both engines run the program in float64, and every
input's gradient must agree to 1e-9 relative (1e-12 absolute, for gradients near zero).
Skipped where PyTorch is not installed.
"""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st
from ops_table import OPS

from autograd import RULES, Value

torch = pytest.importorskip("torch", reason="PyTorch is not installed: pip install torch==2.13.0")

EXPRS = sorted(RULES)
LIMIT = 10.0  # values are kept in [-10, 10] so that every op stays well-conditioned

step = st.tuples(st.sampled_from(EXPRS), st.lists(st.integers(0, 10**6), min_size=5, max_size=5),
                 st.floats(min_value=-2.5, max_value=2.5, allow_nan=False))
program = st.tuples(st.lists(st.floats(min_value=-3.0, max_value=3.0, allow_nan=False), min_size=1,
                             max_size=4),
                    st.lists(step, min_size=1, max_size=25))


def run(inputs, steps, leaf, apply):
    """Run a program with one engine; a step whose operands are outside its op's domain is skipped."""
    values = [leaf(x) for x in inputs]
    floats = list(inputs)
    for expr, indices, c in steps:
        rule, op = RULES[expr], OPS[expr]
        c = op.as_constant(c, len(rule.variables))
        picked = [i % len(values) for i in indices][: len(rule.variables)]
        operands = [floats[k] for k in picked] + ([c] if op.constant else [])
        if rule.check is not None and rule.check(*operands) is not None:
            continue
        try:
            out = rule.forward(*operands)
        except OverflowError:
            continue
        well_conditioned = abs(out[0]) <= LIMIT and all(abs(d) <= 1e6 for d in out[1:])
        if not all(math.isfinite(x) for x in out) or not well_conditioned:
            continue
        args = [values[k] for k in picked] + ([c] if op.constant else [])
        values.append(apply(op, args))
        floats.append(out[0])
    return values


@given(program)
def test_gradients_match_torch(case):
    inputs, steps = case
    ours = run(inputs, steps, Value, lambda op, args: op.chainrule(*args))
    theirs = run(inputs, steps, lambda x: torch.tensor(x, dtype=torch.float64, requires_grad=True),
                 lambda op, args: op.torch(*args))
    ours_out, theirs_out = sum(ours[len(inputs):], ours[0]), sum(theirs[len(inputs):], theirs[0])
    assert math.isclose(ours_out.data, theirs_out.item(), rel_tol=1e-12, abs_tol=1e-12)
    ours_out.backward()
    theirs_out.backward()
    for mine, reference in zip(ours[: len(inputs)], theirs[: len(inputs)]):
        expected = 0.0 if reference.grad is None else reference.grad.item()
        assert math.isclose(mine.grad, expected, rel_tol=1e-9, abs_tol=1e-12), (mine.grad, expected)


@pytest.mark.parametrize("expr", EXPRS)
def test_each_op_matches_torch_at_a_few_points(expr):
    rule, op = RULES[expr], OPS[expr]
    for point in ([0.7, 1.3, 0.2, -1.1, 0.9], [-0.4, 2.2, 1.5, 0.3, -0.8], [1.9, -0.6, -2.0, 0.4, 1.2],
                  [2.5, 0.5, 0.1, 0.7, -0.2]):
        extra = [op.as_constant(point[1], len(rule.variables))] if op.constant else []
        operands = point[: len(rule.variables)] + extra
        if rule.check is not None and rule.check(*operands) is not None:
            continue
        ours = [Value(x) for x in point[: len(rule.variables)]]
        theirs = [torch.tensor(x, dtype=torch.float64, requires_grad=True)
                  for x in point[: len(rule.variables)]]
        op.chainrule(*ours, *extra).backward()
        op.torch(*theirs, *extra).backward()
        for mine, reference in zip(ours, theirs):
            assert math.isclose(mine.grad, reference.grad.item(), rel_tol=1e-9, abs_tol=1e-12)
