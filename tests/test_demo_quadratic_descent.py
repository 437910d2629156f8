"""demos/quadratic_descent.py: each iterate against the closed form x_k = 2 + 5.5*(1 - 2*alpha)**k."""

from __future__ import annotations

import itertools
import math
import runpy
from pathlib import Path

import numpy as np
import pytest

DEMO = Path(__file__).resolve().parent.parent / "demos" / "quadratic_descent.py"


@pytest.fixture(scope="module")
def demo():
    return runpy.run_path(str(DEMO), run_name="demo")


def closed_form(alpha: float, k: int) -> float:
    """f(x) = x**2 - 4x + 5: x_(k+1) - 2 = (1 - 2*alpha)*(x_k - 2), from x_0 = 7.5."""
    return 2.0 + 5.5 * (1.0 - 2.0 * alpha) ** k


@pytest.mark.parametrize("alpha", [0.1, 0.4, 0.9, 1.0, 1.1])
def test_each_iteration_is_the_closed_form(demo, alpha):
    rows, reason = demo["descend"](alpha, max_iterations=8)
    assert reason.startswith("maximum of 8 iterations")
    for k, x, g, step in rows:
        want = closed_form(alpha, k)
        assert math.isclose(x, want, rel_tol=1e-12, abs_tol=1e-12)
        assert math.isclose(g, 2 * want - 4, rel_tol=1e-12, abs_tol=1e-11)
        assert math.isclose(step, alpha * (2 * want - 4), rel_tol=1e-12, abs_tol=1e-11)


def test_the_behaviours(demo):
    shrinking = [abs(s) for *_, s in demo["descend"](0.1, max_iterations=8)[0]]
    assert all(b < a for a, b in itertools.pairwise(shrinking))      # steps shrink with the gradient
    xs = [x for _, x, *_ in demo["descend"](0.9, max_iterations=8)[0]]
    assert all((a - 2) * (b - 2) < 0 for a, b in itertools.pairwise(xs))    # oscillates around 2
    assert abs(xs[-1] - 2) < abs(xs[0] - 2)
    xs = [x for _, x, *_ in demo["descend"](1.0, max_iterations=6)[0]]
    assert xs == [7.5, -3.5] * 3                                     # forever between two points
    xs = [x for _, x, *_ in demo["descend"](1.1, max_iterations=8)[0]]
    assert all(abs(b - 2) > abs(a - 2) for a, b in itertools.pairwise(xs))  # diverges


def test_the_percent_stop_rule(demo):
    """The first k with |x_(k+1) - x_k| < p/100 * |x_k|, found from the closed form."""
    for percent in (0.1, 1.0):
        x = [closed_form(0.1, k) for k in range(1000)]
        k = next(k for k in range(999) if abs(x[k + 1] - x[k]) < percent / 100 * abs(x[k]))
        rows, reason = demo["descend"](0.1, max_iterations=100, percent=percent)
        assert len(rows) == k + 1 and f"iteration {k}:" in reason


def test_the_demo_prints(demo, capsys):
    demo["main"]()
    out = capsys.readouterr().out
    assert "alpha = 1.1: diverges" in out and "alpha = 1.0: oscillates forever" in out
    assert "stopped after 20 iterations" in out and "stopped after 30 iterations" in out


def test_the_gradient_points_uphill_not_downhill(demo, capsys):
    """The CSDN tutorial calls the gradient the direction of fastest descent; it is that of fastest ascent."""
    x0 = 7.5                                       # the tutorial's starting point
    g = 2 * x0 - 4                                 # f'(x) of x**2 - 4x + 5, by hand

    def fx(u):
        return u * u - 4 * u + 5

    assert demo["uphill"]() == (g, fx(x0 - 0.1), fx(x0), fx(x0 + 0.1))
    assert fx(x0 + 0.1 * g / abs(g)) > fx(x0) > fx(x0 - 0.1 * g / abs(g))
    # in two dimensions, over 3600 unit directions: the fastest rise is along the gradient
    f2 = lambda p: p[0] ** 2 + 3 * p[1] ** 2 + p[0] * p[1]  # noqa: E731
    p = np.array([1.0, -0.5])
    grad = np.array([2 * p[0] + p[1], 6 * p[1] + p[0]])
    angles = np.linspace(0, 2 * np.pi, 3600, endpoint=False)
    dirs = np.stack([np.cos(angles), np.sin(angles)], axis=1)
    h = 1e-6
    change = np.array([(f2(p + h * d) - f2(p)) / h for d in dirs])
    best, worst = dirs[change.argmax()], dirs[change.argmin()]
    unit = grad / np.linalg.norm(grad)
    assert np.dot(best, unit) > 0.9999 and np.dot(worst, -unit) > 0.9999
    demo["main"]()
    out = capsys.readouterr().out
    assert "direction in which f rises fastest" in out and "f(7.6) = 32.3600 > f(7.5) = 31.2500" in out
