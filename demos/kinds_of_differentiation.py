"""Symbolic, numeric and automatic differentiation of one function, measured (Backpropagation in
deep learning, book ch. 10).

The function: the loss of one sigmoid neuron as a function of its weight,
L(w) = 0.5*(sigmoid(w*x + b) - y)**2 with x = 1.5, b = 0.5, y = 1, at w = 0.8.

1. Symbolic: a tiny differentiator writes the derivative out as an expression; for a chain of n
   neurons the written-out derivative grows much faster than the function (quadratically here,
   exponentially in networks where units feed several others).
2. Numeric: central and one-sided finite differences for h = 1e-1 ... 1e-13, their error against
   the exact value: truncation error (shrinking with h) and rounding error (growing as h shrinks).
3. Automatic: chainrule's backward pass gives the exact value, to rounding.

It ends with the claim of the CSDN post Backpropagation in deep learning (深度学习反向传播) that
PyTorch "mainly uses symbolic differentiation", which is wrong (docs/kinds_of_differentiation.md says why).

Run:  python demos/kinds_of_differentiation.py
"""

from __future__ import annotations

import math

from autograd import Value
from autograd.text import Table, echo

X, B, Y, W = 1.5, 0.5, 1.0, 0.8

Expr = tuple


def diff(e: Expr, x: str) -> Expr:
    """d e / d x as a new expression tree, simplifying nothing (the rules applied as written)."""
    kind = e[0]
    if kind == "var":
        return ("num", 1.0 if e[1] == x else 0.0)
    if kind == "num":
        return ("num", 0.0)
    if kind == "add":
        return ("add", diff(e[1], x), diff(e[2], x))
    if kind == "mul":
        return ("add", ("mul", diff(e[1], x), e[2]), ("mul", e[1], diff(e[2], x)))
    if kind == "sigmoid":  # sigma'(u) = sigmoid(u)*(1 - sigmoid(u)), times du
        return ("mul", ("mul", e, ("add", ("num", 1.0), ("mul", ("num", -1.0), e))), diff(e[1], x))
    raise ValueError(f"diff: unknown expression kind {kind!r}")


def size(e: Expr) -> int:
    """The number of nodes of the expression written out as a tree."""
    return 1 if e[0] in ("var", "num") else 1 + sum(size(c) for c in e[1:])


def show(e: Expr) -> str:
    """The expression as Python text."""
    kind = e[0]
    if kind == "var":
        return e[1]
    if kind == "num":
        return f"{e[1]:g}"
    if kind == "add":
        return f"({show(e[1])} + {show(e[2])})"
    if kind == "mul":
        return f"{show(e[1])}*{show(e[2])}"
    return f"sigmoid({show(e[1])})"


def chain(n: int) -> Expr:
    """sigmoid(w_n * ... sigmoid(w_2 * sigmoid(w_1 * x))): n neurons in a row."""
    e: Expr = ("var", "x")
    for k in range(1, n + 1):
        e = ("sigmoid", ("mul", ("var", f"w{k}"), e))
    return e


def loss(w: float) -> float:
    """L(w) in plain floats."""
    s = 1.0 / (1.0 + math.exp(-(w * X + B)))
    return 0.5 * (s - Y) ** 2


def exact() -> float:
    """dL/dw by the formula (s - y)*s*(1 - s)*x."""
    s = 1.0 / (1.0 + math.exp(-(W * X + B)))
    return (s - Y) * s * (1 - s) * X


def errors(k: int) -> tuple[float, float]:
    """|central difference - exact| and |one-sided difference - exact| for h = 10**-k."""
    h = 10.0 ** -k
    central = (loss(W + h) - loss(W - h)) / (2 * h)
    one_sided = (loss(W + h) - loss(W)) / h
    return abs(central - exact()), abs(one_sided - exact())


def automatic() -> float:
    """dL/dw by chainrule's backward pass."""
    w = Value(W, "w")
    out = 0.5 * ((w * X + B).sigmoid() - Y) ** 2
    out.backward()
    return w.grad


def main() -> None:
    echo(f"L(w) = 0.5*(sigmoid(w*x + b) - y)**2, x = {X}, b = {B}, y = {Y}, at w = {W}")
    echo(f"exact dL/dw = (s - y)*s*(1 - s)*x = {exact():.16f}\n")
    echo("1. Symbolic: the derivative written out. Two neurons, d/dw1 of sigmoid(w2*sigmoid(w1*x)):")
    echo("   " + show(diff(chain(2), "w1"))[:90] + " ...")
    rows = [(str(n), str(size(chain(n))), str(size(diff(chain(n), "w1")))) for n in range(1, 9)]
    echo(str(Table(("neurons in a chain", "nodes in f", "nodes in df/dw1 written out"), rows,
                   numeric=(0, 1, 2))))
    echo("   Every forward value is written out again wherever it is needed; naming the shared")
    echo("   pieces once and reusing them is what automatic differentiation does.\n")
    echo("2. Numeric: finite differences, error against the exact value")
    rows = []
    for k in range(1, 14):
        central, one_sided = errors(k)
        rows.append((f"1e-{k:02d}", f"{central:.1e}", f"{one_sided:.1e}"))
    echo(str(Table(("h", "central (L(w+h) - L(w-h))/(2h)", "one-sided (L(w+h) - L(w))/h"), rows,
                   numeric=(1, 2))))
    best_central = min(range(1, 14), key=lambda k: errors(k)[0])
    best_one = min(range(1, 14), key=lambda k: errors(k)[1])
    echo("   The error first falls with h (truncation: h**2 central, h one-sided), then rises as h")
    echo(f"   shrinks (rounding: about 1e-16/h). Best h here: 1e-{best_central} central, "
         f"1e-{best_one} one-sided.\n")
    auto = automatic()
    echo(f"3. Automatic (chainrule's backward): {auto:.16f}, "
         f"abs(difference from the formula) = {abs(auto - exact()):.1e}\n")
    echo("'Backpropagation in deep learning' says PyTorch 'mainly uses symbolic differentiation'.")
    echo("WRONG: PyTorch's")
    echo("autograd is reverse-mode automatic differentiation on a graph recorded as the code runs;")
    echo("it never writes out a formula for your function's derivative. Only each operation's own")
    echo("derivative is written symbolically (as in chainrule's RULES), and applied to numbers.")


if __name__ == "__main__":
    main()
