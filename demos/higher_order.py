"""Higher-order gradients: a gradient is another computation graph, so it can be differentiated.

1. tanh's 1st to 6th derivatives at x = 0.5, each from grad(previous, [x], create_graph=True),
   checked against the closed forms in t = tanh(x); the node count of each derivative's graph.
2. The hand-worked 3-2-1 network: d2C/dW2[0]2 and the mixed d2C/dW2[0]db2, checked against
   central differences of the first derivative dC/dW2[0].
3. With a folder argument, pictures: tanh's second derivative's graph (tanh_d2.svg), and for
   one sigmoid neuron y = sigmoid(w*x + b) on one sample, its forward graph and the graph of its
   gradient dy/dw side by side (the book's figure 10-4 in scalar form: neuron_forward.svg,
   neuron_gradient.svg).

Run:  python demos/higher_order.py [folder]
"""

from __future__ import annotations

import math
import sys
from pathlib import Path

from autograd import Graph, Value, draw, grad, topological_order
from autograd.examples import three_two_one
from autograd.text import echo


def tanh_closed_forms(t: float) -> list[float]:
    """d^k tanh/dx^k for k = 1..6, written in t = tanh(x) (each from the last by d/dx t = 1 - t**2)."""
    s = 1 - t * t
    return [s, -2 * t * s, s * (6 * t**2 - 2), s * (16 * t - 24 * t**3),
            s * (120 * t**4 - 120 * t**2 + 16), s * (-720 * t**5 + 960 * t**3 - 272 * t)]


def tanh_derivatives(x0: float = 0.5, order: int = 6) -> list[Value]:
    """tanh's derivatives at x0, each a Value whose graph can be drawn or differentiated again."""
    x = Value(x0, "x")
    y = x.tanh()
    y.label = "y"
    found = []
    for _ in range(order):
        y, = grad(y, [x], create_graph=True)
        found.append(y)
    return found


def loss_321(w2_0: float, b2: float) -> tuple[Value, Value, Value]:
    """The 3-2-1 network's loss C with W2[0] and b2 as the leaves that vary (the rest as in the tutorial)."""
    net = three_two_one()
    a1 = [a.data for a in net.a1]  # W2[0] and b2 come after the hidden layer: it stays as it is
    w, b = Value(w2_0, "W2[0]"), Value(b2, "b2")
    C = ((w * a1[0] + 0.2 * a1[1] + b).sigmoid() - 1.0) ** 2
    C.label = "C"
    return C, w, b


def main(folder: Path | None = None) -> None:
    """Print both checks; with ``folder``, save the picture of tanh's second derivative."""
    echo("1. tanh's derivatives at x = 0.5 from grad(..., create_graph=True), against closed forms")
    echo(f"{'order':>5}  {'chainrule':>22}  {'closed form in t':>22}  {'rel. diff':>9}  {'nodes':>5}")
    derivatives = tanh_derivatives()
    for k, (d, exact) in enumerate(zip(derivatives, tanh_closed_forms(math.tanh(0.5))), start=1):
        diff = abs(d.data - exact) / abs(exact)
        echo(f"{k:>5}  {d.data:>22.15f}  {exact:>22.15f}  {diff:>9.1e}  {len(topological_order(d)):>5}")
    echo("   nodes: Values in the derivative's graph (the forward x, tanh(x) included)")

    echo("")
    echo("2. The 3-2-1 network (examples.three_two_one): second derivatives of C")
    net = three_two_one()
    g_w, = grad(net.C, [net.W2[0]], create_graph=True)
    d_ww, d_wb = grad(g_w, [net.W2[0], net.b2])
    h = 1e-5

    def first(w2_0: float, b2: float) -> float:
        C, w, _ = loss_321(w2_0, b2)
        return grad(C, [w])[0].data

    fd_ww = (first(0.5 + h, 0.1) - first(0.5 - h, 0.1)) / (2 * h)
    fd_wb = (first(0.5, 0.1 + h) - first(0.5, 0.1 - h)) / (2 * h)
    echo(f"   dC/dW2[0]         = {g_w.data:.12f}   (a graph of {len(topological_order(g_w))} Values; "
         f"C's has {len(topological_order(net.C))})")
    echo(f"   d2C/dW2[0]**2     = {d_ww.data:.12f}   central difference of dC/dW2[0]: {fd_ww:.12f}")
    echo(f"   d2C/dW2[0]db2     = {d_wb.data:.12f}   central difference of dC/dW2[0]: {fd_wb:.12f}")
    echo(f"   (h = {h:g}; the differences agree to "
         f"{max(abs(d_ww.data - fd_ww), abs(d_wb.data - fd_wb)):.0e})")

    if folder is not None:
        echo("")
        echo("3. pictures:")
        folder.mkdir(parents=True, exist_ok=True)
        for name, graph in drawings().items():
            echo(f"   {graph.save(folder / name)}")


def neuron_and_gradient() -> tuple[Value, Value]:
    """y = sigmoid(w*x + b) for w = 0.5, b = 0.1 and the sample x = 2, and dy/dw as a graph."""
    w, b = Value(0.5, "w"), Value(0.1, "b")
    z = w * 2.0 + b
    z.label = "z"
    y = z.sigmoid()
    y.label = "y"
    dy_dw, = grad(y, [w], create_graph=True)  # sigma'(z)*x, with sigma'(z) = y*(1 - y)
    return y, dy_dw


def drawings() -> dict[str, Graph]:
    """The pictures for docs/higher_order.md by file name, top to bottom so that two fit side by
    side (docs/make_pictures.py draws them into docs/assets)."""
    y, dy_dw = neuron_and_gradient()
    return {"tanh_d2.svg": draw(tanh_derivatives(order=2)[1], direction="TB"),
            "neuron_forward.svg": draw(y, direction="TB"),
            "neuron_gradient.svg": draw(dy_dw, direction="TB")}


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else None)
