"""Softmax cross-entropy keeps its value's digits when the class logit is the largest or near it:
the row computes log1p(t) + (m − a_c), t the exact sum of the terms exp(aᵢ − m) other than the
largest's 1. Checked against mpmath at 50 digits (an exact reference: torch's
``logsumexp(a) − a[c]`` has the cancellation that this fixes) in the row (``autograd.fused``),
``nn.softmax_cross_entropy``, and the replayed program on floats and on a NumPy batch.
"""

from __future__ import annotations

import math

import mpmath
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import nn
from autograd import Value, fused, trace

mpmath.mp.dps = 50


def exact(logits: list[float], c: int) -> float:
    """−log softmax(logits)[c], correctly rounded from 50 digits: log1p of the terms other than the
    largest's 1 (log of 1 + t keeps only about 50 + log10(t) of t's digits: 13 for [85, 0])."""
    terms = [mpmath.mpf(a) for a in logits]
    m = max(terms)
    top = terms.index(m)
    t = mpmath.fsum(mpmath.exp(a - m) for i, a in enumerate(terms) if i != top)
    return float(mpmath.log1p(t) + (m - terms[c]))


def differences_rounding(logits: list[float]) -> float:
    """How far the value may move because each aᵢ − m is rounded to a float (half an ulp of it),
    which no float program avoids: d/daᵢ log(1 + t) = exp(aᵢ − m)/(1 + t) ([17, 0.999]: 11 ulps)."""
    m = max(logits)
    top = logits.index(m)
    terms = [(math.exp(a - m), a - m) for i, a in enumerate(logits) if i != top]
    return sum(e * math.ulp(d) / 2 for e, d in terms) / (1.0 + sum(e for e, _ in terms))


def replayed(logits: list[float], c: int) -> tuple[float, float]:
    """The value from the traced program: one sample on floats, and a batch of that sample twice."""
    k = len(logits)
    step = trace(lambda *x: fused.softmax_cross_entropy([Value(1.0) * xi for xi in x[:k]], x[k]))
    one = step(*logits, float(c))
    batch = step(*[np.array([a, a]) for a in logits], np.array([float(c), float(c)]))
    assert batch[0] == batch[1]
    return one, float(batch[0])


CASES = [
    ([1e300, 1e300], 0, math.log(2.0)),
    ([-1e300, -1e300], 1, math.log(2.0)),
    ([1e8, 1e8], 0, math.log(2.0)),
    ([-1e8, -1e8], 1, math.log(2.0)),
    ([37.5, 1.0], 0, None),  # true value 1.4e-16: the old form gave 0.0
    ([1e8, 1e8 - 30.0], 0, None),
    ([2.0, 2.0, 2.0], 1, math.log(3.0)),
    ([0.0, 0.0, -800.0], 0, math.log(2.0)),
    ([1e300, -1e300], 0, 0.0),
    ([5.0, 5.0, 4.0], 2, None),
]


@pytest.mark.parametrize("logits, c, closed_form", CASES)
def test_against_an_exact_reference(logits, c, closed_form):
    expected = exact(logits, c)
    if closed_form is not None:
        assert expected == closed_form
    row = fused.softmax_cross_entropy([Value(a) for a in logits], c).data
    via_nn = nn.softmax_cross_entropy([Value(a) for a in logits], c).data
    one, batch = replayed(logits, c)
    for got in (row, via_nn, one):
        assert got == pytest.approx(expected, rel=4e-16, abs=0.0), (got, expected)
    assert one == row  # the program's floats are the row's
    assert batch == pytest.approx(expected, rel=1e-15, abs=0.0)


def test_the_class_logit_far_below_the_largest():
    """Then the value is about m − a_c: a large number, right to the last digits too."""
    logits, c = [1e8, -1e8], 1
    assert fused.softmax_cross_entropy([Value(a) for a in logits], c).data == exact(logits, c) == 2e8


@given(st.lists(st.floats(-1e6, 1e6, allow_nan=False), min_size=1, max_size=5), st.data())
def test_random_logits_within_a_few_units_in_the_last_place(logits, data):
    c = data.draw(st.integers(0, len(logits) - 1))
    expected = exact(logits, c)
    got = fused.softmax_cross_entropy([Value(a) for a in logits], c).data
    assert got == pytest.approx(expected, rel=1e-15, abs=1e-300 + differences_rounding(logits))
