"""The book's nine hand-derived partial derivatives of the 2-2-1 iris network, beside backward's.

Kneusel (ch. 10, eqs. 10.4-10.8) derives each partial derivative of the loss 0.5*(a2 - y)**2 by
hand, for the network z0 = w0*x0 + w2*x1 + b0, a0 = sigmoid(z0); z1 = w1*x0 + w3*x1 + b1,
a1 = sigmoid(z1); a2 = w4*a0 + w5*a1 + b2. Each partial is a product of factors the forward pass
already computed; sigmoid'(z) is written a*(1 - a) with a = sigmoid(z):

    dL/dw4 = (a2 - y)*a0       dL/dw0 = (a2 - y)*w4*a0*(1 - a0)*x0    dL/dw1 = (a2 - y)*w5*a1*(1 - a1)*x0
    dL/dw5 = (a2 - y)*a1       dL/dw2 = (a2 - y)*w4*a0*(1 - a0)*x1    dL/dw3 = (a2 - y)*w5*a1*(1 - a1)*x1
    dL/db2 = (a2 - y)          dL/db0 = (a2 - y)*w4*a0*(1 - a0)       dL/db1 = (a2 - y)*w5*a1*(1 - a1)

The demo evaluates the formulas, chainrule's backward pass and central finite differences
(f(w + h) - f(w - h)) / (2*h), h = 1e-6, side by side: for one flower (iris row 0) and for the
mean over the 70 training flowers (the gradient the book's training step uses), at the weights
after 100 epochs of the book's training (seed 0; at the initial weights, 1e-4 in size, the hidden
gradients are too small to show much). Formula and backward agree to 1e-12: they are the same
products. The finite differences agree to about 1e-10, their rounding error.

Run:  python demos/iris_book_gradients.py
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from autograd import Value, no_grad
from autograd.text import Table, echo
from nn import MLP, half_squared_error, iris_book_split
from nn.book.iris import BOOK_NAMES, fit_iris_221, iris_221_network

FORMULAS = {
    "w4": "(a2 - y)*a0", "w5": "(a2 - y)*a1", "b2": "(a2 - y)",
    "w0": "(a2 - y)*w4*a0*(1 - a0)*x0", "w2": "(a2 - y)*w4*a0*(1 - a0)*x1",
    "b0": "(a2 - y)*w4*a0*(1 - a0)",
    "w1": "(a2 - y)*w5*a1*(1 - a1)*x0", "w3": "(a2 - y)*w5*a1*(1 - a1)*x1",
    "b1": "(a2 - y)*w5*a1*(1 - a1)",
}
"""Eqs. 10.4-10.8 as Python expressions, in the order the book derives them (output layer first)."""

H = 1e-6


def book_parameters(net: MLP) -> dict[str, Value]:
    """The network's parameters under the book's names."""
    return dict(zip(BOOK_NAMES, net.parameters()))


def formulas(net: MLP, x: Sequence[float], y: float) -> dict[str, float]:
    """The nine hand-derived partials for one sample, evaluated in plain floats."""
    p = {name: v.data for name, v in book_parameters(net).items()}
    with no_grad():
        a0, a1 = (v.data for v in net.layers[0](x))
        a2 = net(x)[0].data
    names = {**p, "a0": a0, "a1": a1, "a2": a2, "x0": x[0], "x1": x[1], "y": y}
    return {name: eval(text, {}, names) for name, text in FORMULAS.items()}  # our own constant text


def mean_formulas(net: MLP, xs: Sequence[Sequence[float]], ys: Sequence[float]) -> dict[str, float]:
    """The partials of the mean loss: the mean of each formula over the samples."""
    per = [formulas(net, x, y) for x, y in zip(xs, ys)]
    return {name: math.fsum(f[name] for f in per) / len(per) for name in FORMULAS}  # same bits on any Python


def mean_loss(net: MLP, xs: Sequence[Sequence[float]], ys: Sequence[float]) -> Value:
    """The mean of 0.5*(a2 - y)**2 over the samples, as a graph."""
    losses = [half_squared_error(net(x)[0], y) for x, y in zip(xs, ys)]
    return sum(losses[1:], losses[0]) / len(losses)


def backward_gradients(net: MLP, xs: Sequence[Sequence[float]], ys: Sequence[float]) -> dict[str, float]:
    """chainrule's gradients of the mean loss, by one backward pass."""
    net.zero_grad()
    mean_loss(net, xs, ys).backward()
    return {name: v.grad for name, v in book_parameters(net).items()}


def finite_differences(net: MLP, xs: Sequence[Sequence[float]], ys: Sequence[float]) -> dict[str, float]:
    """Central differences (f(w + h) - f(w - h)) / (2*h) of the mean loss, one parameter at a time."""
    out = {}
    for name, value in book_parameters(net).items():
        keep = value.data
        with no_grad():
            value.data = keep + H
            up = mean_loss(net, xs, ys).data
            value.data = keep - H
            down = mean_loss(net, xs, ys).data
        value.data = keep
        out[name] = (up - down) / (2 * H)
    return out


def table(net: MLP, xs: Sequence[Sequence[float]], ys: Sequence[float]) -> tuple[Table, float, float]:
    """The side-by-side table, the largest formula-backward difference and the largest f.d. one."""
    by_formula = mean_formulas(net, xs, ys)
    by_backward = backward_gradients(net, xs, ys)
    by_difference = finite_differences(net, xs, ys)
    rows = [(name, f"dL/d{name} = {text}", f"{by_formula[name]:.12f}", f"{by_backward[name]:.12f}",
             f"{by_difference[name]:.10f}") for name, text in FORMULAS.items()]
    worst = max(abs(by_formula[n] - by_backward[n]) for n in FORMULAS)
    worst_fd = max(abs(by_difference[n] - by_backward[n]) for n in FORMULAS)
    return (Table(("name", "the book's formula", "formula", "backward", "finite diff."), rows,
                  numeric=(2, 3, 4)), worst, worst_fd)


def trained_network() -> MLP:
    """The book's 2-2-1 network (seed 0) after 100 of its 1000 full-batch epochs."""
    net = iris_221_network(seed=0)
    fit_iris_221(net, iris_book_split(), epochs=100)
    return net


def main() -> None:
    split = iris_book_split()
    net = trained_network()
    echo("The book's 2-2-1 iris network after 100 epochs (seed 0). Its parameters, the book's names:")
    echo("  " + "  ".join(f"{name} = {v.data:.6f}" for name, v in list(book_parameters(net).items())[:5]))
    echo("  " + "  ".join(f"{name} = {v.data:.6f}" for name, v in list(book_parameters(net).items())[5:]))
    echo("(chainrule's tutorial names: w0 = W1[0][0], w2 = W1[0][1], b0 = b1[0], w1 = W1[1][0],")
    echo(" w3 = W1[1][1], b1 = b1[1], w4 = W2[0], w5 = W2[1], b2 = b2)")
    x, y = split.train_x[0], split.train_y[0]
    for title, xs, ys in ((f"\n1. One flower, iris row 0 (setosa, y = 0; x0 = {x[0]:.6f}, x1 = {x[1]:.6f}):",
                           [x], [y]),
                          ("\n2. The mean over the 70 training flowers (the book's full-batch gradient):",
                           split.train_x, split.train_y)):
        echo(title)
        shown, worst, worst_fd = table(net, xs, ys)
        echo(str(shown))
        echo(f"largest abs(formula - backward) = {worst:.1e}; largest abs(finite diff. - backward) "
             f"= {worst_fd:.1e} (h = {H:g})")
    echo("\nThe formulas and backward multiply the same local derivatives in the same order, so they")
    echo("agree to the last bits; the finite differences carry rounding error of about 1e-16/h.")


if __name__ == "__main__":
    main()
