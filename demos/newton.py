"""Newton's method with second derivatives from ``grad(..., create_graph=True)``.

f(x) = x**4 - 2*x**2 has minima at x = -1 and x = 1. From x = 2, Newton's method steps
x <- x - f'(x)/f''(x), with f' and f'' both found by chainrule: f' = grad(f, [x],
create_graph=True) is itself a graph of Values, and grad of it is f''. The iterates are the
ones the DeZero book prints (2, 1.4545..., 1.1510..., 1.0253..., ..., 1.0). Plain gradient
descent from the same start, x <- x - 0.01*f'(x), needs far more steps.

Run:  python demos/newton.py
"""

from __future__ import annotations

from autograd import Value, grad
from autograd.text import echo


def f(x: Value) -> Value:
    """The function to minimise: x**4 - 2*x**2."""
    return x**4 - 2 * x**2


def newton(start: float = 2.0, steps: int = 8) -> list[tuple[float, float, float, float]]:
    """(x, f, f', f'') at each Newton iterate, from ``start``."""
    rows = []
    x = Value(start, "x")
    for _ in range(steps):
        y = f(x)
        d1, = grad(y, [x], create_graph=True)  # f'(x) = 4x**3 - 4x, as a graph
        d2, = grad(d1, [x])                    # f''(x) = 12x**2 - 4
        rows.append((x.data, y.data, d1.data, d2.data))
        if d1.data == 0.0:
            break
        x = Value(x.data - d1.data / d2.data, "x")
    return rows


def gradient_descent(start: float = 2.0, lr: float = 0.01, tol: float = 1e-10,
                     most: int = 10_000) -> tuple[int, float]:
    """Steps x <- x - lr*f'(x) until |x - 1| <= tol: (steps taken, final x)."""
    x = start
    for k in range(most):
        if abs(x - 1.0) <= tol:
            return k, x
        v = Value(x)
        d1, = grad(f(v), [v])
        x -= lr * d1.data
    return most, x


def main() -> None:
    """Print Newton's iterates with f, f', f'', then gradient descent's step count."""
    echo("Newton's method on f(x) = x**4 - 2*x**2 from x = 2 (f', f'' from autograd.grad)")
    echo(f"{'step':>4}  {'x':>18}  {'f(x)':>18}  {'f1 = df/dx':>18}  {'f2 = d2f/dx2':>18}")
    rows = newton()
    for k, (x, y, d1, d2) in enumerate(rows):
        echo(f"{k:>4}  {x:>18.12f}  {y:>18.12f}  {d1:>18.12f}  {d2:>18.12f}")
    newton_steps = next(k for k, row in enumerate(rows) if abs(row[0] - 1.0) <= 1e-10)
    steps, x = gradient_descent()
    echo(f"to |x - 1| <= 1e-10 from x = 2: Newton x <- x - f1/f2 takes {newton_steps} steps,")
    echo(f"gradient descent x <- x - 0.01*f1 takes {steps} steps (x = {x:.12f}):")
    echo("Newton divides by the curvature f2 instead of using a fixed rate.")


if __name__ == "__main__":
    main()
