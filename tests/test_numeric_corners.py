"""Numeric corner cases found by differential testing (issue 9 §6), each against PyTorch too.

Expected values come from closed forms (math.log, IEEE powers); PyTorch, where installed, is run
on the same float64 inputs to show that chainrule's value agrees with it and, where chainrule
refuses, that PyTorch's derivative is indeed not finite there.
"""

from __future__ import annotations

import math

import pytest

from autograd import DerivativeOverflowError, DomainError, Value, no_grad, total
from autograd.text import python_maths
from nn import MLP

TINY = 5e-324  # the smallest positive float (a subnormal)


@pytest.fixture
def torch():
    return pytest.importorskip("torch", reason="PyTorch is not installed: pip install torch==2.13.0")


def test_tiny_base_to_the_power_zero_is_one_with_finite_derivatives():
    a, b = Value(TINY, "a"), Value(0.0, "b")
    y = a**b
    y.backward()
    # a**0 is 1 for any a > 0; d/da = b·a**(b−1) is 0 when b is 0 (a**0 is constant in a);
    # d/db = a**b·ln(a) = ln(5e-324)
    assert y.data == 1.0 and a.grad == 0.0 and b.grad == math.log(TINY)


def test_tiny_base_to_the_power_zero_agrees_with_torch(torch):
    a = torch.tensor(TINY, dtype=torch.float64, requires_grad=True)
    b = torch.tensor(0.0, dtype=torch.float64, requires_grad=True)
    (a**b).backward()
    x, e = Value(TINY), Value(0.0)
    y = x**e
    y.backward()
    assert (y.data, x.grad, e.grad) == ((a**b).item(), a.grad.item(), b.grad.item())


@pytest.mark.parametrize(
    ("make", "value", "derivative"),
    [
        (lambda: Value(1e-160) ** -1, "1e+160", "d(a ** c)/da = c·a**(c−1)"),
        (lambda: 1 / Value(1e-160), "1e+160", "d(c / a)/da = −c/a²"),
        (lambda: Value(TINY).log(), "-744.44", "d log(a)/da = 1/a"),
        (lambda: Value(1.0) / Value(1e-160), "1e+160", "d(a / b)/db = −a/b²"),
    ],
)
def test_a_finite_value_with_an_overflowing_derivative_says_it_is_the_derivative(make, value, derivative):
    with pytest.raises(DerivativeOverflowError) as error:
        make()
    message = str(error.value)
    assert f"the value {value}" in message and "is finite" in message
    assert python_maths(derivative) in message and message.isascii()  # console-safe: no U+2212
    assert "overflows" in message and "the result" not in message
    assert isinstance(error.value, OverflowError) and isinstance(error.value, DomainError)


@pytest.mark.parametrize(
    ("make", "expected"),
    [
        (lambda: Value(TINY).log(), math.log(TINY)),
        (lambda: 1 / Value(1e-160), 1e160),
        (lambda: Value(1e-160) ** -1, 1e160),
        (lambda: Value(1.0) / Value(1e-160), 1e160),
    ],
)
def test_inside_no_grad_the_value_is_computed(make, expected):
    with no_grad():
        y = make()
    assert y.is_leaf and y.data == expected


def test_inside_no_grad_values_and_infinite_derivatives_agree_with_torch(torch):
    x = torch.tensor(1e-160, dtype=torch.float64, requires_grad=True)
    y = x**-1
    y.backward()
    assert math.isinf(x.grad.item())  # what chainrule refuses to record
    with no_grad():
        assert (Value(1e-160) ** -1).data == y.item()
        assert Value(TINY).log().data == torch.log(torch.tensor(TINY, dtype=torch.float64)).item()


def test_a_value_that_overflows_is_still_an_overflow_of_the_result():
    with no_grad(), pytest.raises(OverflowError, match="the result"):
        Value(1e-300) ** -2


@pytest.mark.parametrize("fused", [False, True, "neuron"])
def test_every_mlp_mode_refuses_an_overflowing_pre_activation(fused):
    net = MLP(2, [1], activations="sigmoid", weights=[[[1e308, 1e308]]], biases=[[0.0]], fused=fused)
    with pytest.raises(OverflowError, match="overflows the float range"):
        net([1e10, 1e10])


def test_the_fused_neuron_names_the_op_and_its_operands():
    net = MLP(2, [1], activations="sigmoid", weights=[[[1e308, 1e308]]], biases=[[0.0]], fused="neuron")
    with pytest.raises(OverflowError) as error:
        net([1e10, 1e10])
    assert str(error.value) == ("sigmoid(w*x + b) with w=[1e+308, 1e+308], b=0.0, x=[10000000000.0, "
                                "10000000000.0]: w*x + b overflows the float range (about +/-1.8e308)")


def test_an_overflowing_total_names_the_op_and_the_values():
    with pytest.raises(OverflowError) as error:
        total([Value(1e308), Value(1e308), 1.0])
    assert str(error.value) == ("sum a_i with a=[1e+308, 1e+308, 1.0]: the sum overflows the float range "
                                "(about +/-1.8e308)")
    assert "fsum" not in str(error.value)


@pytest.mark.parametrize("make", [lambda: Value(1e-160) ** -1, lambda: Value(1000.0).exp(),
                                  lambda: Value(0.0).log(), lambda: Value(1e200) * Value(1e200)])
def test_op_errors_show_no_chained_internal_exception(make):
    # a traceback that says "During handling of the above exception ..." hides the real message
    with pytest.raises((ArithmeticError, ValueError)) as error:
        make()
    assert error.value.__suppress_context__ or error.value.__context__ is None


def test_the_sign_of_an_overflowing_power_slope_is_kept():
    # slope c·a**(c−1), each value finite and each slope beyond the float range
    cases = [(1e-160, -1.0, "-inf"),     # -1·(1e320)
             (-1e-160, -1.0, "-inf"),    # -1·(+1e320): an even power of a negative base
             (-1e-103, -2.0, "inf"),     # -2·(-1e309): an odd power of a negative base
             (TINY, 0.001, "inf")]       # 0.001·(5e-324)**-0.999
    for base, exponent, expected in cases:
        with pytest.raises(DerivativeOverflowError, match=f"\\({expected}: it overflows"):
            Value(base) ** exponent
