"""gradcheck: agrees on correct gradients, reports a readable table when they disagree."""

from __future__ import annotations

import pytest

from autograd import Value, gradcheck, no_grad


def test_smooth_function_agrees():
    report = gradcheck(lambda x, y: (x * y).tanh() + (x / y).exp() - y.log(), [0.3, 1.7])
    assert report.ok and bool(report) and report.mismatches == ()
    assert [row.name for row in report.rows] == ["x0", "x1"]


def test_labels_of_value_inputs_name_the_rows():
    report = gradcheck(lambda w: w * w, [Value(3.0, "w")])
    assert report.rows[0].name == "w" and report.rows[0].analytic == 6.0


def test_a_wrong_gradient_is_reported_with_a_table():
    def hides_a_path(x):
        with no_grad():
            hidden = x * x  # backward cannot see this x², finite differences can
        return x * 2 + hidden

    report = gradcheck(hides_a_path, [1.5])
    assert not report.ok and len(report.mismatches) == 1
    row = report.rows[0]
    assert row.analytic == 2.0 and row.numerical == pytest.approx(5.0, rel=1e-6)
    text = str(report)
    assert "NO" in text and "1 of 1 disagree" in text and "backward" in text and "finite diff" in text
    assert "GradcheckReport(ok=False)" in repr(report)


def test_f_must_return_a_value():
    with pytest.raises(TypeError, match="must return a Value"):
        gradcheck(lambda x: 3.0, [1.0])


def test_bad_inputs_are_refused():
    with pytest.raises(TypeError):
        gradcheck(lambda x: x, ["one"])
