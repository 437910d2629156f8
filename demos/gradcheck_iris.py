"""Numerical vs analytic gradient (Backpropagation in deep learning, a CSDN post) on the book's
2-2-1 iris network.

The analytic gradient is what ``backward()`` computes with the chain rule; the numerical one
is the central difference (f(w + h) - f(w - h)) / (2*h) for each of the nine parameters, with f the
mean training loss 0.5*(a2 - y)**2 over the 70 flowers. The parameters carry the tutorial's names
(``MLP.tutorial_names``: W1[j][i] from input i to hidden neuron j); the book calls them w0 ... b2.
``autograd.gradcheck`` does both and prints
them side by side, here at the initial weights and after 200 epochs of training, for the fused
graph (one ``dot`` node per neuron) and for the fine-grained one.

Run:  python demos/gradcheck_iris.py
"""

from __future__ import annotations

import textwrap

from autograd import Value, gradcheck
from autograd.text import console_width, echo
from nn import MLP, batch_loss, half_squared_error, iris_book_split
from nn.book.iris import BOOK_NAMES, fit_iris_221, iris_221_network


def loss_of_parameters(fused: bool):
    """f(w0, ..., b2): the mean train loss of a 2-2-1 network whose parameters are exactly these Values."""
    split = iris_book_split()

    def f(*params: Value) -> Value:
        p = list(params)
        net = MLP(2, [2, 1], activations=["sigmoid", "linear"], fused=fused,
                  weights=[[p[0:2], p[3:5]], [p[6:8]]], biases=[[p[2], p[5]], [p[8]]])
        return batch_loss(net, half_squared_error, split.train_x, split.train_y)

    return f




def check(net: MLP, fused: bool) -> None:
    inputs = [Value(value.data, name) for name, value in net.tutorial_names()]
    report = gradcheck(loss_of_parameters(fused), inputs)
    echo(report.table())
    worst = max(row.error for row in report.rows)
    echo(f"largest abs(backward - finite difference) = {worst:.2e}\n")


def main() -> None:
    split = iris_book_split()
    net = iris_221_network(seed=0)
    echo("2-2-1 iris network, f = mean 0.5*(a2 - y)**2 over 70 flowers; h = 1e-6")
    echo("z1[j] = W1[j][0]*x0 + W1[j][1]*x1 + b1[j], a1 = sigmoid(z1), a2 = W2[0]*a1[0] + W2[1]*a1[1] + b2")
    pairs = ", ".join(f"{ours} = {book}" for (ours, _), book in zip(net.tutorial_names(), BOOK_NAMES))
    echo(textwrap.fill(f"(the book's names: {pairs})", console_width()) + "\n")
    echo("at the initial weights (1e-4*(U[0,1) - 0.5), biases 0), fused graph:")
    check(net, fused=True)
    fit_iris_221(net, split, epochs=200)
    echo("after 200 epochs of training, fused graph:")
    check(net, fused=True)
    echo("after 200 epochs of training, fine-grained graph (W1[0][0]*x0 + W1[0][1]*x1 + b1[0]\n"
         "as separate ops):")
    check(net, fused=False)


if __name__ == "__main__":
    main()
