"""Leaky ReLU at exactly 0: slope alpha (PyTorch's convention, the default) or 1 (Deep learning
for beginners (2)'s).

Away from 0 both rows of RULES are checked against finite differences by tests/test_rules.py
(every row of tests/ops_table.py); here, the stated value at 0 and the equality elsewhere.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from autograd import RULES, Value


@pytest.mark.parametrize(("at_zero", "slope"), [("alpha", 0.2), ("one", 1.0)])
@pytest.mark.parametrize("zero", [0.0, -0.0])
def test_the_slope_at_exactly_0(at_zero, slope, zero):
    x = Value(zero)
    y = x.leaky_relu(0.2, at_zero=at_zero)
    y.backward()
    assert y.data == 0.0 and x.grad == slope


@given(st.floats(min_value=-50, max_value=50).filter(lambda v: v != 0.0),
       st.floats(min_value=0.0, max_value=0.5))
def test_away_from_0_the_two_conventions_are_the_same_function(a, alpha):
    default, tutorial = RULES["leaky_relu(a, c)"], RULES["leaky_relu1(a,c)"]
    assert default.forward(a, alpha) == tutorial.forward(a, alpha)
    expected = 1.0 if a > 0 else alpha  # the derivative written out, for a != 0
    assert tutorial.forward(a, alpha)[1] == expected


def test_each_convention_is_a_row_and_says_its_slope():
    assert RULES["leaky_relu(a, c)"].derivative_text(0).endswith("= 1 if a > 0 else c")
    assert RULES["leaky_relu1(a,c)"].derivative_text(0).endswith("= 1 if a ≥ 0 else c")
    assert RULES["leaky_relu"] is RULES["leaky_relu(a, c)"]  # the op name still means the default
    assert Value(0.0).leaky_relu(0.1, at_zero="one").rule is RULES["leaky_relu1(a,c)"]


def test_an_unknown_convention_is_named():
    with pytest.raises(ValueError, match=r"at_zero must be 'alpha'.*got 'tutorial'"):
        Value(0.0).leaky_relu(0.1, at_zero="tutorial")
