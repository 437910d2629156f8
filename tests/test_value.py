"""Value: construction, bad input, the errors each op raises, stability, reprs and small helpers."""

from __future__ import annotations

import math
import warnings
from fractions import Fraction

import numpy as np
import pytest

from autograd import DivisionByZeroError, DomainError, Value, no_grad, zero_grad
from autograd.text import python_maths


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
        assert " ".join(python_maths(word).split()) in str(error.value)  # ASCII: console-safe
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
        assert " ".join(python_maths(word).split()) in str(error.value)  # ASCII: console-safe


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


# --- traps a learner falls into (issue 9 §3): each raises or warns where the mistake is made ----

@pytest.mark.parametrize("leave", [math.exp, math.log, math.tanh, math.sqrt, float])
def test_leaving_the_graph_through_float_is_a_type_error_that_names_the_fix(leave):
    z = Value(0.5, "z")
    with pytest.raises(TypeError) as error:
        leave(z)
    for words in ("not a float", "v.exp()", "v.sigmoid()", "v.data", "no gradient"):
        assert words in str(error.value)


@pytest.mark.parametrize("ufunc", [np.exp, np.log, np.tanh, np.sqrt, np.sin])
def test_numpy_functions_of_a_value_are_refused_with_the_same_hint(ufunc):
    with pytest.raises(TypeError, match=rf"np\.{ufunc.__name__}\(Value\).*v\.exp\(\).*v\.data"):
        ufunc(Value(0.5))


@pytest.mark.parametrize(
    ("numpy_form", "expected"),
    [
        (lambda v: np.float64(2.0) + v, 5.0),
        (lambda v: np.float64(2.0) - v, -1.0),
        (lambda v: np.float32(2.0) * v, 6.0),
        (lambda v: np.float64(6.0) / v, 2.0),
        (lambda v: np.int64(2) ** v, 8.0),
    ],
)
def test_numpy_scalar_arithmetic_still_builds_the_graph(numpy_form, expected):
    v = Value(3.0)
    y = numpy_form(v)
    assert type(y) is Value and y.data == expected and y.parents == (v,)


def test_numpy_scalar_comparisons_compare_data():
    assert bool(np.float64(2.0) < Value(3.0)) and not bool(np.float64(4.0) < Value(3.0))


def test_format_and_round_use_the_data():
    v = Value(0.169004217, "C")
    assert f"{v:.4f}" == "0.1690" and f"{v:.2e}" == "1.69e-01" and format(v, "") == repr(v)
    assert round(v, 3) == 0.169 and round(Value(2.6)) == 3


def test_repr_shows_six_significant_digits_like_the_stepper():
    # 0.169004 is the 3-2-1 loss (tutorial: 0.168921, wrong); four digits made both read 0.169
    assert repr(Value(0.16900421, "C")) == "Value(data=0.169004, grad=0.0, label='C')"
    assert repr(Value(-0.0575363412)) == "Value(data=-0.0575363, grad=0.0)"
    assert repr(Value(2.0)) == "Value(data=2.0, grad=0.0)"
    assert repr(Value(1234567.0)) == "Value(data=1.23457e+06, grad=0.0)"


@pytest.mark.parametrize(
    ("attribute", "bad", "kind", "words"),
    [
        ("data", "hello", TypeError, "Value.data must be a real number"),
        ("data", float("inf"), ValueError, "Value.data must be finite"),
        ("data", float("nan"), ValueError, "Value.data must be finite"),
        ("data", True, TypeError, "got bool"),
        ("grad", "0", TypeError, "Value.grad must be a real number"),
        ("grad", float("-inf"), ValueError, "Value.grad must be finite"),
    ],
)
def test_assigning_data_or_grad_is_checked_like_the_constructor(attribute, bad, kind, words):
    v = Value(1.0)
    with pytest.raises(kind, match=words):
        setattr(v, attribute, bad)
    assert v.data == 1.0 and v.grad == 0.0  # unchanged


def test_assigned_numbers_become_floats_and_grad_none_means_no_gradient_yet():
    v = Value(1.0)
    v.data = np.float32(0.25)
    v.grad = 3
    assert type(v.data) is float and v.data == 0.25 and type(v.grad) is float and v.grad == 3.0
    v.grad = None
    assert v.grad == 0.0
    (v * 4).backward()
    assert v.grad == 4.0  # accumulates from "no gradient yet"


def test_equality_with_a_number_warns_and_stays_identity():
    v = Value(2.0)
    with pytest.warns(UserWarning, match=r"compares identity.*v\.data == 2"):
        assert (v == 2) is False
    with pytest.warns(UserWarning):
        assert v != 2.0
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert v == v and v != Value(2.0) and v is not None and v in {v}


def test_zero_grad_of_a_root_zeroes_its_whole_graph():
    w, x = Value(0.5, "w"), Value(2.0, "x")
    hidden = (w * x).tanh()
    loss = hidden * hidden
    loss.backward()
    assert w.grad != 0.0 and x.grad != 0.0
    zero_grad(loss)
    assert (w.grad, x.grad, hidden.grad, loss.grad) == (0.0, 0.0, 0.0, 0.0)


def test_zero_grad_accepts_a_model_and_refuses_what_it_cannot_zero():
    class Model:
        def __init__(self):
            self.w = Value(1.0)

        def parameters(self):
            return [self.w]

    model = Model()
    model.w.grad = 5.0
    zero_grad(model)
    assert model.w.grad == 0.0
    with pytest.raises(TypeError, match=r"zero_grad: expected a Value .* got float 1\.5"):
        zero_grad(1.5)
    with pytest.raises(TypeError, match="zero_grad: item 1 is str 'w', not a Value"):
        zero_grad([Value(1.0), "w"])


def test_rules_answer_to_op_names_and_list_the_valid_keys():
    from autograd import RULES

    assert RULES["mul"] is RULES["a·b"] and RULES["sub"] is RULES["a − b"]
    assert RULES["sigmoid"] is RULES["σ(a)"] and RULES.get("exp") is RULES["exp(a)"]
    assert (Value(2.0) * Value(3.0)).op == "mul" and "mul" not in list(RULES)
    with pytest.raises(KeyError) as error:
        RULES["times"]
    assert "no rule 'times'" in str(error.value) and "mul" in str(error.value) and "'a·b'" in str(error.value)
    assert RULES.get("times") is None


# --- issue 18: Value.zero_grad(), bool(Value) -----------------------------------------------------

def test_value_zero_grad_zeroes_the_whole_graph_as_zero_grad_does():
    from autograd import zero_grad as zero_grad_function

    w, x = Value(3.0, "w"), Value(2.0, "x")
    loss = w * x + w
    loss.backward()
    loss.backward()
    assert (w.grad, x.grad) == (6.0, 6.0)   # two passes: 2·(x + 1) = 6 and 2·w = 6
    loss.zero_grad()
    assert (w.grad, x.grad, loss.grad) == (0.0, 0.0, 0.0)
    loss.backward()
    zero_grad_function(loss)
    assert (w.grad, x.grad) == (0.0, 0.0)


def test_bool_of_a_value_warns_as_equality_does():
    from autograd.engine.value import ValueComparisonWarning

    v = Value(0.0, "v")
    with pytest.warns(ValueComparisonWarning) as caught:
        taken = bool(v)
    assert taken is True
    assert str(caught[0].message) == (
        "bool(Value(data=0.0, grad=0.0, label='v')) is True: a Value is always true, whatever its "
        "number, so 'if v:' and 'v or w' never look at the data. Test the number: if v.data != 0: "
        "(or compare, if v > 0:)")
    assert caught[0].filename == __file__
