"""Value: construction, bad input, the errors each op raises, stability, reprs and small helpers."""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest

from autograd import DivisionByZeroError, DomainError, Value, no_grad, zero_grad


@pytest.mark.parametrize("bad", ["abc", None, [1], 1 + 2j, True, False, Value])
def test_non_numbers_are_type_errors_naming_the_type(bad):
    with pytest.raises(TypeError, match=type(bad).__name__):
        Value(bad)


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), -float("inf")])
def test_nan_and_inf_are_refused(bad):
    with pytest.raises(ValueError, match="finite"):
        Value(bad)


def test_real_numbers_of_other_types_become_floats():
    assert Value(3).data == 3.0 and type(Value(3).data) is float
    assert Value(np.float32(0.5)).data == 0.5
    assert Value(np.int64(7)).data == 7.0
    assert Value(Fraction(1, 4)).data == 0.25


def test_a_huge_int_is_an_overflow_error():
    with pytest.raises(OverflowError, match="too large"):
        Value(10**400)


def test_label_must_be_a_string():
    with pytest.raises(TypeError, match="label"):
        Value(1.0, label=3)


@pytest.mark.parametrize(
    ("make", "kind", "words"),
    [
        (lambda: Value(0).log(), DomainError, ["log(a)", "a=0.0", "a > 0"]),
        (lambda: Value(-1).log(), DomainError, ["log(a)", "a=-1.0"]),
        (lambda: Value(1) / 0, DivisionByZeroError, ["a / c", "a=1.0", "c=0.0", "division by zero"]),
        (lambda: Value(1) / Value(0), DivisionByZeroError, ["a / b", "b=0.0"]),
        (lambda: 1 / Value(0), ZeroDivisionError, ["c / a", "a=0.0"]),
        (lambda: Value(-8) ** 0.5, DomainError, ["a ** c", "a=-8.0", "c=0.5", "complex"]),
        (lambda: Value(-2) ** Value(2), DomainError, ["a ** b", "a=-2.0", "b=2.0", "ln(a)"]),
        (lambda: (-2) ** Value(0.5), DomainError, ["c ** a", "c=-2"]),
        (lambda: Value(0.0) ** -1, DivisionByZeroError, ["a ** c", "a=0.0"]),
        (lambda: Value(0.0) ** 0.5, DomainError, ["a ** c", "derivative", "infinite"]),
        (lambda: Value(0.0).sqrt(), DomainError, ["√a", "a=0.0"]),
        (lambda: Value(1e-320).log(), DomainError, ["local derivative", "1/a", "not finite"]),
    ],
)
def test_domain_errors_name_the_op_and_the_operands(make, kind, words):
    with pytest.raises(kind) as error:
        make()
    for word in words:
        assert word in str(error.value)
    assert "math domain error" not in str(error.value)


@pytest.mark.parametrize(
    ("make", "words"),
    [
        (lambda: Value(1000).exp(), ["exp(a)", "a=1000.0", "overflow"]),
        (lambda: Value(1e200) * 1e200, ["a·c", "a=1e+200", "c=1e+200", "overflow"]),
        (lambda: Value(1e200) * Value(1e200), ["a·b", "overflow"]),
        (lambda: Value(1e200) ** 2, ["a ** c", "a=1e+200", "c=2.0", "overflow"]),
        (lambda: Value(1e308) + 1e308, ["a + c", "overflow"]),
        (lambda: 2 ** Value(5000), ["c ** a", "overflow"]),
    ],
)
def test_overflow_is_a_clear_overflow_error_never_inf(make, words):
    with pytest.raises(OverflowError) as error:
        make()
    for word in words:
        assert word in str(error.value)


@pytest.mark.parametrize("bad", ["x", None, [2], True, 1j])
def test_non_number_operands_are_type_errors(bad):
    with pytest.raises(TypeError, match=type(bad).__name__):
        Value(2) * bad
    with pytest.raises(TypeError):
        bad * Value(2)


def test_string_times_value_is_not_repetition():
    with pytest.raises(TypeError):
        Value(2) * "x"


@pytest.mark.parametrize("bad", [float("nan"), float("inf")])
def test_non_finite_constants_never_enter_the_graph(bad):
    for make in (lambda: Value(1) + bad, lambda: Value(1) / bad, lambda: Value(1).leaky_relu(bad),
                 lambda: bad - Value(1)):
        with pytest.raises(ValueError, match="finite"):
            make()


def test_nan_never_enters_a_value():
    """relu, or any op, can never receive NaN: every way of making one is refused earlier."""
    with pytest.raises(ValueError):
        Value(float("nan")).relu()
    with pytest.raises(ValueError):
        (Value(0.0) * float("inf")).relu()


@pytest.mark.parametrize("x", [1000.0, -1000.0, 710.0, -745.2])
def test_saturating_ops_are_stable_at_large_inputs(x):
    v = Value(x)
    s, t, p = v.sigmoid(), v.tanh(), v.softplus()
    assert s.data == (1.0 if x > 0 else 0.0)
    assert t.data == math.copysign(1.0, x)
    assert p.data == max(x, 0.0)
    (s + t + p).backward()
    assert math.isfinite(v.grad)


def test_sigmoid_slope_keeps_its_digits_far_from_zero():
    x = Value(30.0)
    x.sigmoid().backward()
    exact = math.exp(-30.0) / (1 + math.exp(-30.0)) ** 2
    assert x.grad == pytest.approx(exact, rel=1e-14)


def test_repr_reads_like_the_design_card():
    a2 = Value(0.5889, label="a2")
    assert repr(a2) == "Value(data=0.5889, grad=0.0, label='a2')"
    y = (Value(0.0) * 2).sigmoid()
    y.label = "a2"
    assert repr(y) == "Value(data=0.5, grad=0.0, op='sigmoid', label='a2')"


def test_leaf_and_node_introspection():
    x = Value(2.0, "x")
    y = x * 3
    assert x.is_leaf and x.op == "" and x.edges == () and x.parents == ()
    assert not y.is_leaf and y.op == "mul" and y.rule.expr == "a·c"
    assert y.edges == ((x, 3.0),) and y.parents == (x,) and y.const == 3.0
    z = x * y
    assert z.edges == ((x, 6.0), (y, 2.0)) and z.const is None


def test_comparisons_use_data_and_equality_stays_identity():
    a, b = Value(1.0), Value(2.0)
    assert a < b and b > a and a <= 1 and b >= 2.0
    assert a != Value(1.0) and len({a, a, b}) == 2
    assert float(b) == 2.0


def test_numpy_scalars_use_the_reflected_ops():
    y = np.float64(2.0) * Value(3.0)
    assert isinstance(y, Value) and y.data == 6.0


def test_no_grad_records_nothing_and_restores():
    x = Value(2.0)
    with no_grad():
        y = x * x + 1
        with no_grad():
            pass
        z = x.exp()
    assert y.is_leaf and z.is_leaf and y.data == 5.0
    w = x * x
    assert not w.is_leaf


def test_no_grad_restores_after_an_error():
    with pytest.raises(DomainError), no_grad():
        Value(-1.0).log()
    assert not (Value(1.0) * 2).is_leaf


def test_detach_cuts_the_graph():
    x = Value(3.0)
    y = (x * x).detach()
    z = y * x
    z.backward()
    assert y.is_leaf and y.data == 9.0
    assert x.grad == 9.0  # only the direct path: y is a constant now


def test_zero_grad():
    w = Value(1.0)
    (w * 2).backward()
    zero_grad([w])
    assert w.grad == 0.0
