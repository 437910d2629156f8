"""Higher-order gradients: each row's derivatives as Values, grad(), hessian() and hvp().

Expected numbers come from closed forms and finite differences, never from the code under test.
The differential tests against torch.autograd.grad are in tests/test_torch_higher_order.py.
"""

from __future__ import annotations

import math
import sys

import pytest
from ops_table import OPS

from autograd import RULES, Value, backward, grad, hessian, hvp, no_grad
from autograd.engine.higher_order import _operands
from autograd.engine.rules import Rule
from autograd.engine.value import _node

EXPRS = sorted(RULES)
POINTS = ([0.7, 1.3, 0.2, -1.1, 0.9], [-0.4, 0.8, 1.5, 0.3, -0.8], [0.9, -0.6, -0.5, 0.4, 1.2],
          [-1.0, 0.5, 0.1, 0.7, -0.2], [0.3, -1.2, 0.6, -0.9, 0.45])
"""Operands (the first ones a row needs; the second doubles as the constant c) where every row is
defined and far from its kinks; |z| <= 1.5 for the neuron rows, where 1 − s² loses no digits."""

DIFFERENT_FORMS = {
    "σ(a)": "the float form is the stable e/(1 + e)² (no cancellation at large a); the Value form "
            "is s·(1 − s), as the book (and PyTorch's backward) writes it",
    "tanh(a)": "the float form is 4e/(1 + e)² with e = exp(−2|a|); the Value form is 1 − t·t",
    "σ(w·x + b)": "as σ(a)",
    "tanh(w·x + b)": "as tanh(a)",
    "logsumexp(a)−a_c": "the float form is exp(aᵢ − m)·(1/Σ) with m = max a (as the forward "
                          "computes it); the Value form is exp(aᵢ − (out + a_c)), from the output",
}
"""Rows whose Value form is a different expression from the float form: equal to 1e-15 relative
at moderate operands (at |a| >> 1 the Value form loses digits to cancellation: relative error
about 1e-16·e^(2|a|), as PyTorch's does). Every other row is the same expression, bit for bit."""


def operands_for(rule: Rule, point: list[float]) -> tuple[list[float], list[float]]:
    """The row's Value operands and its constant (if any) at ``point``."""
    n = len(rule.variables)
    op = OPS[rule.expr]
    return point[:n], [op.as_constant(point[1], n)] if op.constant else []


@pytest.mark.parametrize("expr", EXPRS)
def test_every_row_has_derivatives_as_values(expr):
    assert RULES[expr].derivatives is not None


@pytest.mark.parametrize("expr", EXPRS)
def test_value_form_equals_float_form(expr):
    rule = RULES[expr]
    checked = 0
    for point in POINTS:
        xs, constants = operands_for(rule, point)
        if rule.check is not None and rule.check(*xs, *constants) is not None:
            continue
        out, *floats = rule.forward(*xs, *constants)
        values = [Value(x) for x in xs]
        node = OPS[expr].chainrule(*values, *constants)
        assert node.data == out
        as_values = rule.derivatives(*_operands(node), node)[: len(floats)]
        as_floats = rule.derivatives(*xs, *constants, out)[: len(floats)]  # the same code on floats
        assert len(as_values) == len(floats)
        for by_value, by_float, recorded in zip(as_values, as_floats, floats):
            number = by_value.data if isinstance(by_value, Value) else by_value
            assert number == by_float  # the same code computes the same float either way
            if expr in DIFFERENT_FORMS:
                assert math.isclose(number, recorded, rel_tol=1e-15, abs_tol=1e-300), (number, recorded)
            else:
                assert number == recorded, (number, recorded)
        checked += 1
    assert checked >= 3


def test_the_different_forms_really_differ_somewhere():
    """DIFFERENT_FORMS is not stale: each of its rows gives a different last bit at some point."""
    grid = [i / 7 for i in range(-10, 11)]
    for expr in DIFFERENT_FORMS:
        rule = RULES[expr]
        differs = False
        for a in grid:
            xs = [a, 1.0, 0.0, 1.0, 0.0][: len(rule.variables)]  # z = a
            out, *floats = rule.forward(*xs)
            differs |= rule.derivatives(*xs, out)[len(floats) - 1 if rule.variadic else 0] != \
                floats[len(floats) - 1 if rule.variadic else 0]
        assert differs, expr


@pytest.mark.parametrize("expr", ["σ(w·x + b)", "tanh(w·x + b)", "relu(w·x + b)", "w·x + b"])
def test_neuron_rows_with_constant_inputs(expr):
    from autograd import dot

    activation = {"w·x + b": None}.get(expr, expr.split("(")[0].replace("σ", "sigmoid"))
    w, b = [Value(0.3), Value(-0.7)], Value(0.2)
    node = dot(w, [1.5, 0.5], b, activation)
    locals_ = RULES[expr].derivatives(*_operands(node), node)[:3]
    recorded = [d for _, d in node.edges]
    for mine, theirs in zip(locals_, recorded):
        number = mine.data if isinstance(mine, Value) else mine
        assert math.isclose(number, theirs, rel_tol=1e-15)


# --- grad() --------------------------------------------------------------------------------------

def test_grad_without_create_graph_is_backward_and_leaves_grad_alone():
    x, y = Value(0.3, "x"), Value(-1.2, "y")
    out = (x * y).tanh() + x.exp() * y - (y / x).sigmoid()
    gx, gy = grad(out, [x, y])
    assert gx.is_leaf and gy.is_leaf and x.grad == 0.0 and y.grad == 0.0
    backward(out)
    assert (gx.data, gy.data) == (x.grad, y.grad)  # the same floats, bit for bit


def test_grad_with_create_graph_has_backwards_numbers_where_the_forms_agree():
    x, y = Value(0.3, "x"), Value(-1.2, "y")
    out = (x * y).exp() + x.log() * y ** 3 - x / y
    gx, gy = grad(out, [x, y], create_graph=True)
    backward(out)
    assert (gx.data, gy.data) == (x.grad, y.grad)
    assert not gx.is_leaf


def test_second_derivatives_of_a_polynomial():
    x = Value(2.0, "x")
    f = x ** 4 - 2 * x ** 2
    d1, = grad(f, [x], create_graph=True)
    d2, = grad(d1, [x], create_graph=True)
    d3, = grad(d2, [x], create_graph=True)
    d4, = grad(d3, [x], create_graph=True)
    d5, = grad(d4, [x])
    assert [d1.data, d2.data, d3.data, d4.data, d5.data] == [24.0, 44.0, 48.0, 24.0, 0.0]


def test_tanh_derivatives_against_closed_forms():
    x = Value(0.8, "x")
    t = math.tanh(0.8)
    closed = [1 - t**2, -2 * t * (1 - t**2), (1 - t**2) * (6 * t**2 - 2),
              (1 - t**2) * (16 * t - 24 * t**3), (1 - t**2) * (120 * t**4 - 120 * t**2 + 16)]
    d = x.tanh()
    for order, expected in enumerate(closed, start=1):
        d, = grad(d, [x], create_graph=True)
        assert math.isclose(d.data, expected, rel_tol=1e-12), (order, d.data, expected)


def test_mixed_partials_are_symmetric_and_right():
    x, y = Value(0.7, "x"), Value(-0.3, "y")
    f = (x * y).tanh() * x
    gx, gy = grad(f, [x, y], create_graph=True)
    dxy, = grad(gx, [y])
    dyx, = grad(gy, [x])
    # f = x·tanh(xy): df/dx = tanh(u) + x·y·sech²(u); d²f/dxdy = 2x·sech²(u) − 2x²y·tanh(u)·sech²(u)
    u = 0.7 * -0.3
    sech2 = 1 - math.tanh(u) ** 2
    expected = 2 * 0.7 * sech2 - 2 * 0.7**2 * -0.3 * math.tanh(u) * sech2
    assert math.isclose(dxy.data, expected, rel_tol=1e-12)
    assert math.isclose(dyx.data, expected, rel_tol=1e-12)


def test_unused_inputs_give_a_constant_zero():
    x, y, z = Value(1.0, "x"), Value(2.0, "y"), Value(3.0, "z")
    f = x * y
    gx, gy, gz = grad(f, [x, y, z], create_graph=True)
    assert gz.is_leaf and gz.data == 0.0
    assert gx is y and gy is x  # d(x·y)/dx is y itself: no new node
    d2, = grad(gx, [x])  # y does not depend on x
    assert d2.data == 0.0 and d2.is_leaf
    relu_off = (x - 5.0).relu()
    g, = grad(relu_off, [x], create_graph=True)
    assert g.data == 0.0


def test_kink_convention_and_zero_second_derivatives():
    acts = {"relu": (lambda v: v.relu(), 0.0, lambda x: 1.0 if x > 0 else 0.0),
            "abs": (lambda v: abs(v), 0.0, lambda x: 1.0 if x > 0 else -1.0),
            "leaky_relu": (lambda v: v.leaky_relu(0.1), 0.1, lambda x: 1.0 if x > 0 else 0.1)}
    for make, at_kink, slope in acts.values():
        x = Value(0.0)
        g, = grad(make(x), [x], create_graph=True)
        assert g.data == at_kink
        h, = grad(g, [x])
        assert h.data == 0.0
        for start in (-1.5, 2.0):
            x = Value(start)
            g, = grad(make(x) * x, [x], create_graph=True)  # f = x·act(x): f'' = 2·act'(x)
            h, = grad(g, [x])
            assert h.data == 2 * slope(start)


def test_mixed_derivative_of_a_power_at_exponent_zero():
    # d(a**b)/da = b·a**(b−1); d/db of that = a**(b−1)·(1 + b·ln a), which is 1/a at b = 0
    # (PyTorch writes d(a**b)/da as a constant 0 where b == 0, and so gives 0 here)
    a, b = Value(2.5, "a"), Value(0.0, "b")
    da, = grad(a**b, [a], create_graph=True)
    assert da.data == 0.0
    dab, = grad(da, [b])
    assert dab.data == 1 / 2.5


def test_x_to_the_x_third_derivative_at_1():
    # g = x**x: g1 = g·u with u = ln x + 1; g2 = g·u² + g/x; g3 = g·u³ + 3g·u/x − g/x² = 3 at x = 1
    x = Value(1.0, "x")
    d = x**x
    for _ in range(3):
        d, = grad(d, [x], create_graph=True)
    assert d.data == 3.0


def test_inputs_may_be_one_value_or_inner_nodes():
    x = Value(1.5, "x")
    u = x * x
    f = u.exp()
    du, = grad(f, u)
    assert du.data == math.exp(2.25)
    dx, = grad(f, x)
    assert math.isclose(dx.data, 3.0 * math.exp(2.25), rel_tol=1e-15)


def test_create_graph_records_inside_no_grad():
    x = Value(0.5, "x")
    y = x.sigmoid()
    with no_grad():
        g, = grad(y, [x], create_graph=True)
    assert not g.is_leaf
    h, = grad(g, [x])
    s = 1 / (1 + math.exp(-0.5))
    assert math.isclose(h.data, s * (1 - s) * (1 - 2 * s), rel_tol=1e-14)


def test_bad_input_is_refused_clearly():
    x = Value(1.0, "x")
    y = x * 2
    with pytest.raises(TypeError, match=r"grad: output must be a Value, got float 3.0"):
        grad(3.0, [x])  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"output must be one Value \(a scalar\), got a list of 2"):
        grad([y, y], [x])  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"grad: inputs\[1\] is float 2.0, not a Value"):
        grad(y, [x, 2.0])  # type: ignore[list-item]
    with pytest.raises(TypeError, match=r"grad: inputs must be a Value or a list of Values, got int 5"):
        grad(y, 5)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="grad: inputs is empty"):
        grad(y, [])
    with pytest.raises(TypeError, match=r"backward\(create_graph=True\).*autograd.grad"):
        y.backward(create_graph=True)


def test_an_overflowing_gradient_is_named_as_backward_names_it():
    from autograd import NonFiniteGradientError

    x = Value(1e-200, "x")
    z = x * 1e200 * 1e200  # the values are finite (1.0, 1e200); dz/dx = 1e400 is not
    with pytest.raises(NonFiniteGradientError, match=r"grad: the gradient of node 'x' "
                       r"\(data=1e-200\) is inf"):
        grad(z, [x])
    with pytest.raises(NonFiniteGradientError, match="the gradient of node 'x'"):
        z.backward()  # where backward stops too


def test_a_row_without_value_form_is_named():
    bare = Rule("cube", "a³", lambda a: (a**3, 3 * a * a), ("3·a²",))
    x = Value(2.0, "x")
    node = _node(8.0, bare, x, 12.0, None)
    assert grad(node, [x])[0].data == 12.0  # first order needs only the floats
    with pytest.raises(NotImplementedError, match=r"the op 'cube' \(a³\) has no derivatives"):
        grad(node, [x], create_graph=True)


def test_a_deep_chain_second_derivative_at_the_default_recursion_limit():
    assert sys.getrecursionlimit() <= 10_000
    n = 100_000
    x = Value(0.5, "x")
    y = x
    for _ in range(n):
        y = y * 1.00001 + 0.00001 * y * y
    g, = grad(y, [x], create_graph=True)
    h, = grad(g, [x])
    # reference: forward-mode second derivative in floats (value, first, second) along the chain
    v, d1, d2 = 0.5, 1.0, 0.0
    for _ in range(n):
        v, d1, d2 = (v * 1.00001 + 0.00001 * v * v, d1 * (1.00001 + 0.00002 * v),
                     d2 * (1.00001 + 0.00002 * v) + 0.00002 * d1 * d1)
    assert math.isclose(g.data, d1, rel_tol=1e-9)
    assert math.isclose(h.data, d2, rel_tol=1e-9)


def test_gradient_labels_name_rules_and_results():
    x = Value(0.5, "x")
    y = (x * 3.0).sigmoid()
    y.label = "y"
    g, = grad(y, [x], create_graph=True)  # σ'(3x)·3: the local derivative is named by its rule
    assert g.label == "dy/dx"
    assert [p.label for p in g.parents] == ["sigma'(a)"]
    f = y * x
    f.label = "f"
    gx, = grad(f, [x], create_graph=True)
    assert gx.label == "df/dx"
    g2, = grad(gx, [x], create_graph=True)
    g3, = grad(g2, [x], create_graph=True)
    assert (g2.label, g3.label) == ("d2f/dx2", "d3f/dx3")
    z = Value(1.0, "z")
    mixed, = grad(gx, [z], create_graph=True)
    assert mixed.label == "" or mixed.is_leaf  # f does not depend on z: a constant 0
    w = Value(2.0, "w")
    h = x * x * w
    hx, = grad(h, [x], create_graph=True)
    hxw, = grad(hx, [w], create_graph=True)
    assert (hx.label, hxw.label) == ("dL/dx", "d(dL/dx)/dw")


# --- hessian and hvp, against finite differences of grad -------------------------------------------

def _first(f, point):
    """The first derivatives of f at ``point``, as floats."""
    xs = [Value(v) for v in point]
    return [g.data for g in grad(f(*xs), xs)]


def _fd_hessian(f, point, h=1e-5):
    """Central differences of ``grad`` (first derivatives, as floats) around ``point``."""
    n = len(point)
    rows = []
    for j in range(n):
        up, down = list(point), list(point)
        up[j] += h
        down[j] -= h
        gu, gd = _first(f, up), _first(f, down)
        rows.append([(a - b) / (2 * h) for a, b in zip(gu, gd)])
    return [[rows[j][i] for j in range(n)] for i in range(n)]


def _f(x, y, z):
    return (x * y).tanh() + (y * z).sigmoid() * x + (x * x + z).exp() / (1 + y * y) + abs(z) ** 1.5


def test_hessian_against_finite_differences():
    point = [0.3, -0.7, 0.45]
    exact = hessian(_f, [Value(v) for v in point])
    approx = _fd_hessian(_f, point)
    for i in range(3):
        assert exact[i][i] != 0.0
        for j in range(3):
            assert math.isclose(exact[i][j], approx[i][j], rel_tol=1e-7, abs_tol=1e-8)
            assert math.isclose(exact[i][j], exact[j][i], rel_tol=1e-13, abs_tol=1e-15)


def test_hvp_against_finite_differences_and_the_hessian():
    point = [0.3, -0.7, 0.45]
    v = [0.2, -1.0, 0.5]
    approx = _fd_hessian(_f, point)
    expected = [sum(approx[i][j] * v[j] for j in range(3)) for i in range(3)]
    got = hvp(_f, [Value(p) for p in point], v)
    for a, b in zip(got, expected):
        assert math.isclose(a, b, rel_tol=1e-7, abs_tol=1e-8)
    with pytest.raises(ValueError, match="hvp: 3 inputs but a vector of 2 numbers"):
        hvp(_f, [Value(p) for p in point], [1.0, 2.0])


# --- seeing it: a gradient is drawn, stepped and played like any Value --------------------------

def _neuron_gradient():
    w, b = Value(0.5, "w"), Value(0.1, "b")
    z = w * 2.0 + b
    z.label = "z"
    y = z.sigmoid()
    y.label = "y"
    dy_dw, = grad(y, [w], create_graph=True)
    return w, b, dy_dw


def test_draw_stepper_and_player_walk_a_gradient(tmp_path):
    from autograd import draw, player, step_through

    w, b, dy_dw = _neuron_gradient()
    s = 1 / (1 + math.exp(-1.1))
    assert math.isclose(dy_dw.data, 2 * s * (1 - s), rel_tol=1e-15)
    svg = draw(dy_dw).svg()
    assert "sigma&#39;(z)" in svg or "sigma'(z)" in svg
    assert "dy/dw" in svg
    stepper = step_through(dy_dw, live=False).run()
    d2w, d2b = grad(dy_dw, [w, b])
    # d/dw [2·σ'(2w + b)] = 4·σ''(z), d/db = 2·σ''(z), σ'' = σ'(1 − 2σ)
    assert math.isclose(stepper.derivative(w), 4 * s * (1 - s) * (1 - 2 * s), rel_tol=1e-13)
    assert stepper.derivative(w) == d2w.data and stepper.derivative(b) == d2b.data
    assert "d(dy/dw)/dw = " in str(stepper.table())
    page = player(dy_dw, tmp_path / "gradient.html").read_text(encoding="utf-8")
    assert "dy/dw" in page


# --- the demos' numbers ---------------------------------------------------------------------------

def _demo(name):
    import runpy
    from pathlib import Path

    demos = Path(__file__).resolve().parent.parent / "demos"
    return runpy.run_path(str(demos / f"{name}.py"), run_name="demo")


def test_newtons_iterates_are_dezeros_to_10_digits():
    rows = _demo("newton")["newton"]()
    dezero = [2.0, 1.4545454545, 1.1510467894, 1.0253259290, 1.0009084519, 1.0000012353, 1.0, 1.0]
    assert [round(x, 10) for x, *_ in rows] == dezero
    for x, f, d1, d2 in rows:  # f, f', f'' against the polynomials
        assert math.isclose(f, x**4 - 2 * x**2, rel_tol=1e-15, abs_tol=1e-15)
        assert math.isclose(d1, 4 * x**3 - 4 * x, rel_tol=1e-12, abs_tol=1e-15)
        assert math.isclose(d2, 12 * x**2 - 4, rel_tol=1e-12)


def test_higher_order_demo_numbers():
    demo = _demo("higher_order")
    t = math.tanh(0.5)
    for d, exact in zip(demo["tanh_derivatives"](), demo["tanh_closed_forms"](t)):
        assert math.isclose(d.data, exact, rel_tol=1e-13)
    assert demo["tanh_closed_forms"](0.0)[4] == 16.0  # tanh x = x - x**3/3 + 2x**5/15 - ...: 2/15·5! = 16


def test_a_singular_node_in_the_derivatives_graph_is_refused_by_name():
    from autograd import DomainError

    x = Value(0.0, "x")
    assert grad(x**1.5, [x])[0].data == 0.0  # without create_graph: the float, 0
    with pytest.raises(DomainError, match=r"a \*\* c with a=0.0, c=0.5"):
        grad(x**1.5, [x], create_graph=True)  # 1.5·x ** 0.5: the slope of x ** 0.5 is infinite at 0
