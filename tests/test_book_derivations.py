"""Issue 11 §2: the book's nine hand-derived partials equal backward's gradients to 1e-12.

The expected values are the book's formulas evaluated in NumPy on the CSV read with NumPy, with
the network's weights as the only thing taken from chainrule.
"""

from __future__ import annotations

import runpy
from decimal import Decimal, localcontext
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def demo():
    return runpy.run_path(str(ROOT / "demos" / "iris_book_gradients.py"), run_name="demo")


def book_data() -> tuple[np.ndarray, np.ndarray]:
    table = np.genfromtxt(ROOT / "nn" / "data" / "iris.csv", delimiter=",", skip_header=1, dtype=str)
    x = table[:, :2].astype(float)
    x = (x - x.mean(0)) / x.std(0)
    rows = np.r_[0:35, 50:85]
    return x[rows], (np.arange(150)[rows] >= 50).astype(float)


def numpy_partials(p: dict[str, float], x: np.ndarray, y: np.ndarray) -> dict[str, float]:
    """Eqs. 10.4-10.8, vectorised over the samples, then averaged."""
    a0 = 1 / (1 + np.exp(-(p["w0"] * x[:, 0] + p["w2"] * x[:, 1] + p["b0"])))
    a1 = 1 / (1 + np.exp(-(p["w1"] * x[:, 0] + p["w3"] * x[:, 1] + p["b1"])))
    e = p["w4"] * a0 + p["w5"] * a1 + p["b2"] - y
    d0, d1 = e * p["w4"] * a0 * (1 - a0), e * p["w5"] * a1 * (1 - a1)
    full = {"w4": e * a0, "w5": e * a1, "b2": e, "w0": d0 * x[:, 0], "w2": d0 * x[:, 1], "b0": d0,
            "w1": d1 * x[:, 0], "w3": d1 * x[:, 1], "b1": d1}
    return {name: float(np.mean(v)) for name, v in full.items()}


def test_the_nine_partials_equal_backward_for_one_flower_and_the_mean(demo):
    net = demo["trained_network"]()
    params = {name: v.data for name, v in demo["book_parameters"](net).items()}
    x, y = book_data()
    for xs, ys in ((x[:1], y[:1]), (x, y)):
        expected = numpy_partials(params, xs, ys)
        backward = demo["backward_gradients"](net, xs.tolist(), ys.tolist())
        formulas = demo["mean_formulas"](net, xs.tolist(), ys.tolist())
        differences = demo["finite_differences"](net, xs.tolist(), ys.tolist())
        assert set(backward) == set(expected) == set(formulas)
        for name in expected:
            assert abs(backward[name] - expected[name]) <= 1e-12, name
            assert abs(formulas[name] - expected[name]) <= 1e-12, name
            assert abs(differences[name] - expected[name]) <= 1e-9, name
    assert abs(expected["w0"]) > 1e-3  # trained weights: the hidden gradients are not vanishingly small


def test_the_demo_prints_every_row_and_the_agreement(demo, capsys):
    demo["main"]()
    out = capsys.readouterr().out
    assert out.count("dL/dw1 = (a2 - y)*w5*a1*(1 - a1)*x0") == 2
    assert out.count("largest abs(formula - backward) = ") == 2
    for line in out.splitlines():
        if line.startswith("largest abs(formula"):
            assert float(line.split("= ")[1].split(";")[0]) <= 1e-12


# --- kinds of differentiation ------------------------------------------------------------------

def high_precision_loss(w: Decimal) -> Decimal:
    """L(w) = 0.5*(sigmoid(1.5*w + 0.5) - 1)**2 with 50 significant digits."""
    s = 1 / (1 + (-(w * Decimal("1.5") + Decimal("0.5"))).exp())
    return (s - 1) ** 2 / 2


def test_the_kinds_of_differentiation_demo_against_high_precision():
    demo = runpy.run_path(str(ROOT / "demos" / "kinds_of_differentiation.py"), run_name="demo")
    with localcontext() as context:
        context.prec = 50
        w, h = Decimal("0.8"), Decimal("1e-12")
        first = (high_precision_loss(w + h) - high_precision_loss(w - h)) / (2 * h)
        g = Decimal("1e-4")
        third = (high_precision_loss(w + 2 * g) - 2 * high_precision_loss(w + g)
                 + 2 * high_precision_loss(w - g) - high_precision_loss(w - 2 * g)) / (2 * g ** 3)
    assert abs(demo["exact"]() - float(first)) < 3e-17  # a few units in the last place
    assert abs(demo["automatic"]() - float(first)) < 3e-17
    for k in (1, 2, 3, 4):  # truncation: the central error is h**2/6*|L'''(w)|
        predicted = 10.0 ** (-2 * k) / 6 * abs(float(third))
        assert demo["errors"](k)[0] == pytest.approx(predicted, rel=0.02), k
    assert demo["errors"](12)[0] > 1e-8 and demo["errors"](12)[0] > 100 * demo["errors"](5)[0]  # rounding


def test_the_written_out_derivative_grows_quadratically_along_a_chain():
    demo = runpy.run_path(str(ROOT / "demos" / "kinds_of_differentiation.py"), run_name="demo")
    for n in range(1, 9):
        assert demo["size"](demo["chain"](n)) == 3 * n + 1
        written_out = demo["size"](demo["diff"](demo["chain"](n), "w1"))
        assert written_out == 21 + 29 * (n - 1) + 9 * (n - 1) * (n - 2) // 2


def test_the_books_derivation_of_sigmoids_derivative():
    """Kneusel eq. 10.2 line by line at 50 digits, and the sigmoid rule's derivative against eq. 10.3."""
    from autograd import Value

    with localcontext() as ctx:
        ctx.prec = 50
        for k in range(-60, 61):
            z = Decimal(k) / 2
            e = (-z).exp()
            sigma = 1 / (1 + e)
            quotient_rule = e / (1 + e) ** 2                       # d/dz (1 + e^-z)^-1
            plus_minus_one = (1 + e - 1) / (1 + e) ** 2            # the book's trick
            split = 1 / (1 + e) - 1 / (1 + e) ** 2
            book = sigma * (1 - sigma)                             # eq. 10.3
            tolerance = Decimal("1e-30") * book           # the subtractions cancel up to 14 digits
            for line in (plus_minus_one, split, sigma - sigma**2):
                assert abs(line - quotient_rule) <= tolerance
            assert abs(book - quotient_rule) <= tolerance
            v = Value(float(z))
            v.sigmoid().backward()
            assert abs(Decimal(v.grad) - book) <= Decimal("1e-15") * book, float(z)
