"""A traced step and fit(compiled=...) refuse the inputs the Value path refuses (strings, bools,
complex numbers, NaN, inf, arrays of the wrong shape, ragged samples), with a message naming the
input (and the sample, in a batch), before any program runs and without changing any grad."""

from __future__ import annotations

import re

import numpy as np
import pytest

from autograd import Value, trace
from nn import MLP, SGD, fit, squared_error

W = Value(1.0, "w")
STEP = trace(lambda x, y: (W * x - y) ** 2, params=[W], example=[1.0, 2.0])
L = "trace(<lambda>)"


@pytest.mark.parametrize("x, error, message", [
    ("a", TypeError, f"{L}: input x must be a real number (int or float), got str 'a'"),
    (True, TypeError, f"{L}: input x must be a real number (int or float), got bool True"),
    (np.bool_(True), TypeError, f"{L}: input x must be a real number (int or float), got bool np.True_"),
    (1 + 2j, TypeError, f"{L}: input x must be a real number (int or float), got complex (1+2j)"),
    (float("nan"), ValueError, f"{L}: input x must be finite, got nan"),
    (float("-inf"), ValueError, f"{L}: input x must be finite, got -inf"),
    (None, TypeError, f"{L}: input x must be a real number (int or float), got NoneType None"),
])
def test_one_sample_refusals(x, error, message):
    W.grad = 0.0
    with pytest.raises(error, match=f"^{re.escape(message)}$"):
        STEP(x, 1.0)
    assert W.grad == 0.0


@pytest.mark.parametrize("x, y, error, message", [
    (["1", 2.0], [1.0, 2.0], TypeError,
     f"{L}: input x must hold real numbers (int or float), got str '1' at sample 0"),
    ([1.0, True], [1.0, 2.0], TypeError,
     f"{L}: input x must hold real numbers (int or float), got bool True at sample 1"),
    (np.array([1.0, 2.0]), np.array([False, True]), TypeError,
     f"{L}: input y must hold real numbers (int or float), got bool False at sample 0"),
    (np.array([1.0, 2.0 + 1j]), np.zeros(2), TypeError,
     f"{L}: input x must hold real numbers (int or float), got complex (1+0j) at sample 0"),
    (np.array(["a", "b"]), np.zeros(2), TypeError,
     f"{L}: input x must hold real numbers (int or float), got str 'a' at sample 0"),
    ([1.0, 2.0, 3.0], [1.0, float("nan"), 0.0], ValueError,
     f"{L}: input y must be finite, got nan at sample 1"),
    ([1.0, float("inf")], [1.0, 2.0], ValueError, f"{L}: input x must be finite, got inf at sample 1"),
    ([[1.0, 2.0], [3.0]], [1.0, 2.0], TypeError,
     f"{L}: input x must hold real numbers (int or float), got list [1.0, 2.0] at sample 0"),
    ([1.0, [2.0]], [1.0, 2.0], TypeError,
     f"{L}: input x must hold real numbers (int or float), got list [2.0] at sample 1"),
    (np.zeros((2, 2)), np.zeros(2), ValueError,
     f"{L}: input x must be 1-D (one number per sample), got shape (2, 2)"),
    (np.array(1.0), np.array(2.0), ValueError,
     f"{L}: input x must be 1-D (one number per sample), got shape ()"),
    (np.zeros(3), np.zeros(2), ValueError, f"{L}: the input arrays have different lengths (x: 3, y: 2)"),
])
def test_batch_refusals(x, y, error, message):
    W.grad = 0.0
    with pytest.raises(error, match=f"^{re.escape(message)}$"):
        STEP(x, y)
    assert W.grad == 0.0


@pytest.mark.parametrize("x, y, error, message", [
    ([[1.0, "a"]], [1.0], TypeError,
     "fit: sample 0, input 1 must be a real number (int or float), got str 'a'"),
    ([[1.0, 2.0], [1.0, True]], [1.0, 2.0], TypeError,
     "fit: sample 1, input 1 must be a real number (int or float), got bool True"),
    ([[1.0, 2.0]], [1 + 2j], TypeError,
     "fit: sample 0, target must be a real number (int or float), got complex (1+2j)"),
    ([[1.0, 2.0], [0.0, 1.0]], [1.0, np.bool_(False)], TypeError,
     "fit: sample 1, target must be a real number (int or float), got bool np.False_"),
    ([[1.0, float("nan")]], [1.0], ValueError, "fit: sample 0, input 1 must be finite, got nan"),
    ([[1.0, 2.0]], [float("inf")], ValueError, "fit: sample 0, target must be finite, got inf"),
    ([[1.0, 2.0], [1.0]], [1.0, 2.0], ValueError, "fit: sample 1 has 1 inputs, sample 0 has 2"),
    ([1.0, 2.0], [1.0, 2.0], TypeError,
     "fit: sample 0: the inputs must be a list or a 1-D array of numbers, got float 1.0"),
    ([np.array(1.0)], [1.0], TypeError,
     "fit: sample 0: input must be a number or a 1-D list of numbers, got a 0-d array"),
    ([[1.0, 2.0], [1.0, 2.0]], [1.0, [2.0]], ValueError,
     "fit: sample 1 has 1 targets as its target, sample 0 has one number"),
])
@pytest.mark.parametrize("mode", [True, "batch"])
def test_fit_compiled_refusals(x, y, error, message, mode):
    model = MLP(2, [1], activations="linear", rng=0)
    before = [p.data for p in model.parameters()]
    with pytest.raises(error, match=f"^{re.escape(message)}$"):
        fit(model, squared_error, x, y, SGD(model.parameters(), lr=0.1), 1, progress=False, compiled=mode)
    assert [p.data for p in model.parameters()] == before
