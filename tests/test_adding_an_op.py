"""docs/adding_an_op.md, followed for a toy op: softsign(a) = a / (1 + |a|) as a row of its own.

The row is written as the guide says (forward, formulas, derivatives as ops, replay template,
docstring, function name), added to RULES and given a Value method at run time (the guide edits
the files instead), and then checked where the guide says it shows up: backward, the stepper,
the pictures, higher-order grad and trace (floats and a NumPy batch). Expected numbers are the
closed forms: d/da = 1/(1 + |a|)², d²/da² = −2·sign(a)/(1 + |a|)³.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from autograd import RULES, Value, draw, grad, step_through, trace
from autograd.engine import value as value_module
from autograd.engine.row import Code, Rule
from autograd.replay import templates

EXPR = "softsign(a)"


def _softsign(a: float) -> tuple[float, float]:
    q = 1.0 + abs(a)
    return a / q, 1.0 / (q * q)


SOFTSIGN = Rule("softsign", EXPR, _softsign, ("1/(1 + |a|)²",), function="softsign",
                derivatives=lambda a, out: (1.0 / ((1.0 + abs(a)) * (1.0 + abs(a))),),
                code=Code("a / q", ("1.0 / (q * q)",), setup=("q = 1.0 + abs(a)",), propagates=True),
                doc="""a / (1 + |self|), a sigmoid-shaped function without exp.

        >>> Value(1.0).softsign().data
        0.5
        """)


def slope(a: float) -> float:
    return 1.0 / (1.0 + abs(a)) ** 2


def curvature(a: float) -> float:
    return -2.0 * math.copysign(1.0, a) / (1.0 + abs(a)) ** 3


@pytest.fixture
def softsign():
    """The new row in RULES and its Value method, for one test; taken out again afterwards."""
    RULES.add(SOFTSIGN)
    Value.softsign = value_module._unary_op(EXPR)
    try:
        yield
    finally:
        del Value.softsign
        RULES.remove(EXPR)
        for mode in ("floats", "batch"):
            templates._TEMPLATES.pop((EXPR, mode), None)


def test_the_row_checks_out_as_the_guide_asks(softsign):
    for a in (-2.5, -0.3, 0.7, 4.0):
        h = 1e-6
        central = (_softsign(a + h)[0] - _softsign(a - h)[0]) / (2 * h)
        assert abs(central - SOFTSIGN.forward(a)[1]) < 1e-8
        assert SOFTSIGN.derivatives(a, SOFTSIGN.forward(a)[0]) == (slope(a),)
    assert RULES["softsign"] is SOFTSIGN
    assert "a / (1 + |self|)" in Value.softsign.__doc__


def test_backward_and_the_stepper(softsign):
    x = Value(-3.0, "x")
    y = (x * 2.0).softsign()
    y.label = "y"
    y.backward()
    assert y.data == -6.0 / 7.0
    assert math.isclose(x.grad, 2.0 * slope(-6.0), rel_tol=1e-15)
    table = str(step_through(y, live=False).table())
    assert "softsign'(" in table and "dy/dx = " in table


def test_the_picture_shows_the_op_and_its_formula(softsign):
    x = Value(0.5, "x")
    y = x.softsign()
    y.label = "y"
    source = draw(y, formulas=True).source
    assert EXPR in source and "softsign'(x)" in source


def test_higher_order_grad_differentiates_the_row_again(softsign):
    for a in (-1.5, 0.25, 3.0):
        x = Value(a, "x")
        (dy,) = grad(x.softsign(), [x], create_graph=True)
        assert math.isclose(dy.data, slope(a), rel_tol=1e-15)
        (d2y,) = grad(dy, [x])
        assert math.isclose(d2y.data, curvature(a), rel_tol=1e-12)


def test_trace_replays_it_on_floats_and_on_a_batch(softsign):
    w = Value(0.8, "w")
    step = trace(lambda x: (w * x).softsign(), params=[w])
    for x in (2.0, -1.25):
        w.grad = 0.0
        assert step(x) == (0.8 * x) / (1.0 + abs(0.8 * x))
        assert math.isclose(w.grad, x * slope(0.8 * x), rel_tol=1e-15)
    xs = np.array([2.0, -1.25, 0.5])
    w.grad = 0.0
    losses = step(xs)
    z = 0.8 * xs
    np.testing.assert_array_equal(losses, z / (1.0 + np.abs(z)))
    assert math.isclose(w.grad, float(np.sum(xs / (1.0 + np.abs(z)) ** 2)), rel_tol=1e-14)
    assert "q_" in step.source and "abs(" in step.source


def test_without_a_template_trace_refuses_and_names_the_op():
    bare = RULES.add(Rule("halve", "½a", lambda a: (0.5 * a, 0.5), ("½",)))
    try:
        w = Value(1.0, "w")
        method = value_module._unary_op("½a")
        with pytest.raises(ValueError, match="'½a' has no Code template"):
            trace(lambda x: method(w * x), params=[w])(2.0)
    finally:
        RULES.remove(bare.expr)
