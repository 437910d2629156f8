"""mse and half_mse with reduction="mean" (the default: divide by the number of outputs) or "sum".

The 3-output example of Deep learning for beginners (2): E = ½·Σₖ (yₖ − ŷₖ)², gradient
[ŷ₁ − y₁, ...], and its mean
over n samples. Expected values are computed with NumPy.
"""

from __future__ import annotations

import numpy as np
import pytest

from autograd import Value
from nn import batch_loss, half_mse, mse


def test_the_three_output_example_as_one_call():
    rng = np.random.default_rng(11)
    y_hat, y = rng.normal(size=3), rng.normal(size=3)
    p = [Value(float(v)) for v in y_hat]
    loss = half_mse(p, list(map(float, y)), reduction="sum")
    loss.backward()
    assert loss.data == pytest.approx(0.5 * np.sum((y - y_hat) ** 2), rel=1e-15)
    np.testing.assert_allclose([v.grad for v in p], y_hat - y, rtol=1e-15)


@pytest.mark.parametrize(("loss", "scale"), [(mse, 1.0), (half_mse, 0.5)])
def test_mean_divides_by_the_number_of_outputs_and_sum_does_not(loss, scale):
    y_hat, y = np.array([0.2, -1.5, 3.0, 0.7]), np.array([0.0, 1.0, 2.0, -1.0])
    for reduction, divide in (("mean", 4), ("sum", 1)):
        p = [Value(float(v)) for v in y_hat]
        out = loss(p, list(map(float, y)), reduction=reduction)
        out.backward()
        assert out.data == pytest.approx(scale * np.sum((y_hat - y) ** 2) / divide, rel=1e-15)
        np.testing.assert_allclose([v.grad for v in p], 2 * scale * (y_hat - y) / divide, rtol=1e-15)
    assert loss([Value(1.0)], [0.0]).data == loss(Value(1.0), 0.0).data  # one output: a Value will do


def test_the_mean_over_n_samples_of_the_summed_loss():
    """fit's batch loss: the mean over the samples of ½Σₖ(yₖ − ŷₖ)² (the tutorial's 1/(2n)·Σ)."""
    outputs = np.array([[0.1, 0.9, 0.3], [0.5, 0.5, 0.2]])
    targets = np.array([[0.0, 1.0, 0.0], [1.0, 0.0, 0.0]])

    def model(i):
        return [Value(float(v)) for v in outputs[int(i[0])]]

    got = batch_loss(model, lambda p, t: half_mse(p, t, reduction="sum"), [[0], [1]], targets.tolist())
    assert got.data == pytest.approx(np.sum((outputs - targets) ** 2) / (2 * 2), rel=1e-15)


def test_a_bad_reduction_is_named():
    with pytest.raises(ValueError, match=r"mse: reduction must be 'mean'.*got 'total'"):
        mse([Value(1.0)], [0.0], reduction="total")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="half_mse: reduction"):
        half_mse([Value(1.0)], [0.0], reduction=None)  # type: ignore[arg-type]
