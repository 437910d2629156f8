"""gradcheck: agrees on correct gradients, reports a readable table when they disagree."""

from __future__ import annotations

import pytest

from autograd import Value, gradcheck, no_grad


def test_smooth_function_agrees():
    report = gradcheck(lambda x, y: (x * y).tanh() + (x / y).exp() - y.log(), [0.3, 1.7])
    assert report.ok and bool(report) and report.mismatches == ()
    assert [row.name for row in report.rows] == ["x", "y"]  # the lambda's own argument names


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


# --- issue 18: the function's own names; a kink is named when it explains a disagreement -------------

def test_rows_are_named_after_the_functions_arguments_then_x_i():
    def loss(weight, bias):
        return (weight * 2.0 + bias) ** 2

    assert [r.name for r in gradcheck(loss, [0.5, 0.1]).rows] == ["weight", "bias"]
    assert [r.name for r in gradcheck(lambda *xs: xs[0] * xs[1], [1.0, 2.0]).rows] == ["x0", "x1"]
    assert [r.name for r in gradcheck(lambda a, b: a * b, [Value(1.0, "w"), 2.0]).rows] == ["w", "b"]


@pytest.mark.parametrize(("f", "at", "op"), [(lambda a, b: (a * b).relu(), 0.0, "relu(a)"),
                                             (lambda a, b: (a - 1.0).relu() * b, 1.0, "relu(a)"),
                                             (lambda a, b: (a * b).leaky_relu(0.1), 0.0, "leaky_relu")])
def test_a_point_on_a_kink_is_named_as_the_reason(f, at, op):
    # (abs at 0 agrees: backward's sign(0) = 0 is also the central difference's average)
    report = gradcheck(f, [at, 2.0])
    assert not report.ok
    text = str(report)
    note = text.splitlines()[5:]
    assert note[0].startswith(f"note: {op}") and "evaluated at a = 0.0, on its kink at a = 0.0" in text
    assert "backward uses the one slope its rule picks there" in " ".join(text.split())
    assert max(map(len, text.splitlines())) <= 100


def test_no_kink_note_when_the_rows_agree_or_the_point_is_far_from_it():
    assert gradcheck(lambda a, b: (a * b).relu(), [0.5, 2.0]).notes == ()
    assert gradcheck(lambda a: a.relu(), [-1.0]).notes == ()
