"""The first example of Deep learning for beginners (2): gradient descent on a quadratic, from
x = 7.5.

f(x) = a*x**2 + b*x + c with a = 1, b = -4, c = 5 (ours: the tutorial leaves them open), so
f'(x) = 2*x - 4 and the minimum is at x = 2. Each iteration: x_next = x - alpha*f'(x), with f'(x)
from chainrule's backward(). The step alpha*f'(x) shrinks as x nears the minimum, because the
gradient shrinks. With a large alpha the iterates jump over the minimum (oscillate); larger still,
they jump further each time (diverge). For this f, x_k - 2 = (1 - 2*alpha)**k * (7.5 - 2) exactly.

Then the tutorial's two stop rules: a maximum number of iterations, and "x changes by less than
p percent between iterations". Last, its sentence that the gradient at a point is the direction in
which the curve falls fastest: it is the direction in which it *rises* fastest, which is why the
update subtracts it.

Run:  python demos/quadratic_descent.py
"""

from __future__ import annotations

from autograd import Value
from autograd.text import Table, echo

A, B, C = 1.0, -4.0, 5.0
X0 = 7.5
RATES = (0.1, 0.4, 0.9, 1.0, 1.1)


def f(x: Value) -> Value:
    """a*x**2 + b*x + c."""
    return A * x * x + B * x + C


def slope(x: float) -> float:
    """f'(x), by chainrule: build f at x and run backward."""
    v = Value(x, "x")
    f(v).backward()
    return v.grad


def descend(alpha: float, x0: float = X0, max_iterations: int = 10,
            percent: float | None = None) -> tuple[list[tuple[int, float, float, float]], str]:
    """Gradient descent from x0: rows (k, x_k, f'(x_k), alpha*f'(x_k)) and why it stopped.

    ``percent``: stop once x changed by less than that percentage of its previous value.
    """
    rows = []
    x = x0
    for k in range(max_iterations):
        g = slope(x)
        step = alpha * g
        rows.append((k, x, g, step))
        new = x - step
        if percent is not None and abs(new - x) < percent / 100 * abs(x):
            return rows, f"x changed by less than {percent:g}% (iteration {k}: {x:.6g} -> {new:.6g})"
        x = new
    return rows, f"maximum of {max_iterations} iterations reached (x = {x:.6g})"


def behaviour(alpha: float) -> str:
    """What x_k does for this alpha (from the factor 1 - 2*alpha*a per step)."""
    factor = 1.0 - 2.0 * A * alpha
    if abs(factor) > 1.0:
        return "diverges: each step lands further from the minimum than the last"
    if abs(factor) == 1.0:
        return "oscillates forever between two points"
    if factor < 0.0:
        return "oscillates around the minimum, closing in"
    return "slides into the minimum; the steps shrink with the gradient"


def uphill(x: float = X0, h: float = 0.1) -> tuple[float, float, float, float]:
    """f'(x) and f at x - h, x, x + h: f rises in the direction of f'(x), falls against it."""
    return slope(x), f(Value(x - h)).data, f(Value(x)).data, f(Value(x + h)).data


def main() -> None:
    echo(f"f(x) = x**2 - 4*x + 5, f'(x) = 2*x - 4, minimum at x = 2; start at x = {X0}")
    echo("each iteration: x_next = x - alpha*f'(x)\n")
    for alpha in RATES:
        rows, _ = descend(alpha, max_iterations=6)
        echo(f"alpha = {alpha}: {behaviour(alpha)}")
        table = Table(("k", "x_k", "f'(x_k)", "step alpha*f'(x_k)"),
                      [(str(k), f"{x:.6g}", f"{g:.6g}", f"{s:.6g}") for k, x, g, s in rows],
                      numeric=(0, 1, 2, 3))
        echo("\n".join("    " + line for line in table.render().splitlines()))
        echo()
    echo("the tutorial's two stop rules, with alpha = 0.1:")
    for max_iterations, percent in ((20, None), (100, 0.1), (100, 1.0)):
        rows, reason = descend(0.1, max_iterations=max_iterations, percent=percent)
        rule = f"at most {max_iterations} iterations"
        if percent:
            rule += f", or x changes by < {percent:g}%"
        echo(f"  {rule}: stopped after {len(rows)} iterations,")
        echo(f"      {reason}")
    echo("\nThe percent rule compares the change with x itself, so it depends on where the minimum is:")
    echo("near x = 0 a fixed percentage is a tiny distance. nn.fit(..., param_change_below=p) is the")
    echo("same rule for a network's parameters, with p a fraction (0.001 is 0.1 percent).")
    g, below, here, above = uphill()
    echo("\nthe tutorial calls the gradient at a point the direction in which the curve falls fastest.")
    echo(f"WRONG: it is the direction in which f rises fastest. At x = {X0}, f'(x) = {g:g} > 0, and")
    echo(f"f({X0 + 0.1:g}) = {above:.4f} > f({X0:g}) = {here:.4f} > f({X0 - 0.1:g}) = {below:.4f}: a step "
         "along f'(x) goes uphill.")
    echo("Steepest descent is minus the gradient, which is why each iteration subtracts alpha*f'(x).")


if __name__ == "__main__":
    main()
