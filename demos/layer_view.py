"""Backprop in layer form: the 3-2-1 network and the leaky-ReLU tutorial's network, as matrices.

For each layer, top first: delta = sigma'(z) ⊙ dE/da (the activation layer), dE/dW = delta · a_inᵀ,
dE/db = delta and dE/da_in = Wᵀ · delta (the fully connected layer), with every matrix's shape and
numbers (``nn.layer_view``). Then the same gradients from the scalar chain-rule table, side by side.

The leaky-ReLU tutorial (the CSDN post 《大模型系列（一）——适合初学者的深度学习入门（2）》) has W3 of
shape 1×2 (its last hidden layer has 2 units), and gives the shapes (1,2)·(2,1) → (1,1) for the forward
step from sigma(x2) to y and (2,1)·(1,1) → (2,1) for the backward one: chainrule prints the same. It shows
a case where the first layer's pre-activations are y1 < 0 and y2, y3 > 0, so that its leaky-ReLU
factors are alpha, 1, 1. It warns that backprop must use W3 from *before* the update; the last part
shows what goes wrong when W3 is updated first.

Ours, not the tutorial's: the input (2 numbers), the sizes 3 and the weights of the first two layers
(chosen to give the tutorial's signs), the target and the learning rate.

Run:  python demos/layer_view.py
"""

from __future__ import annotations

import numpy as np

from autograd import Value, step_through
from autograd.text import Table, echo, fit_line, rich_symbols
from nn import MLP, half_squared_error, layer_view, squared_error
from nn.layer_matrices import format_matrix

X_321, Y_321 = [2.0, 3.0, -1.0], 1.0
ALPHA = 0.01
LEAKY_X, LEAKY_Y = [1.0, -2.0], 1.0
LEAKY_W = [[[0.5, 0.4], [0.3, -0.2], [-0.1, -0.6]],   # W1, 3×2: z1 = [-0.2, 0.7, 1.3]
           [[0.2, 0.5, 0.3], [-0.4, 0.1, 0.5]],       # W2, 2×3
           [[0.6, -0.3]]]                             # W3, 1×2 as in the tutorial
LEAKY_B = [[0.1, 0.0, 0.2], [0.05, -0.1], [0.1]]
LR = 0.5
"""The learning rate of the W3-first experiment (large, so the damage shows in the digits)."""


def net_321() -> MLP:
    """The hand-worked 3-2-1 network, sigmoid everywhere, labelled as the tutorial writes it."""
    return MLP(3, [2, 1], activations="sigmoid", weights=[[[0.2, -0.5, 0.1], [-0.3, 0.4, 0.2]], [[0.5, 0.2]]],
               biases=[[0.3, -0.1], [0.1]], labels="tutorial")


def net_leaky() -> MLP:
    """2 → 3 → 2 → 1, leaky ReLU (alpha 0.01) after every layer, output included, as in the tutorial."""
    return MLP(2, [3, 2, 1], activations="leaky_relu", leaky_slope=ALPHA, weights=LEAKY_W, biases=LEAKY_B,
               labels="tutorial")


def side_by_side(net: MLP, x: list[float], y: float, loss) -> Table:
    """Each parameter's gradient from the matrices and from the scalar chain-rule table."""
    view = layer_view(net, x, y, loss)
    net.zero_grad()
    inputs = [Value(v, f"x{i}") for i, v in enumerate(x)]
    out = loss(net(inputs)[0], y)
    out.label = "E"
    stepper = step_through(out, names=net.tutorial_names())
    stepper.run()
    engine = {name: v.grad for name, v in net.tutorial_names()}
    rows = [(name, f"{ours:.9g}", f"{engine[name]:.9g}", f"{abs(ours - engine[name]):.1e}")
            for name, ours in view.gradients()]
    return Table(("parameter", "layer view", "chain-rule table", "difference"), rows, numeric=(1, 2, 3))


def w3_first() -> dict[str, np.ndarray]:
    """dE/dW2 and dE/dW1 with the old W3 (right) and with W3 already updated (wrong), and backward()'s."""
    view = layer_view(net_leaky(), LEAKY_X, LEAKY_Y, half_squared_error)
    l1, l2, l3 = view.layers
    w3_new = l3.W - LR * l3.dW
    wrong_up = w3_new.T @ l3.delta                 # dE/da2 computed with the new W3
    wrong_delta2 = l2.slope * wrong_up
    wrong_dW2 = wrong_delta2 @ l2.a_in.T
    wrong_delta1 = l1.slope * (l2.W.T @ wrong_delta2)
    net = net_leaky()
    net.zero_grad()
    half_squared_error(net(LEAKY_X)[0], LEAKY_Y).backward()
    engine_dW2 = np.array([[w.grad for w in n.w] for n in net.layers[1].neurons])
    return {"W3": l3.W, "W3_new": w3_new, "right_dW2": l2.dW, "wrong_dW2": wrong_dW2,
            "engine_dW2": engine_dW2, "right_dW1": l1.dW, "wrong_dW1": wrong_delta1 @ l1.a_in.T}


def say(line: str) -> None:
    """Print a line within 100 columns (a long one continues on the next, indented)."""
    for part in fit_line(line):
        echo(part)


def main() -> None:
    odot, t, dot, by, arrow = ("⊙", "ᵀ", "·", "×", "→") if rich_symbols() else ("*", ".T", "@", "x", "->")
    echo("1. The hand-worked 3-2-1 network (x = [2, 3, -1], y = 1, E = (a2 - y)**2), layer by layer\n")
    view = layer_view(net_321(), X_321, Y_321, squared_error)
    echo(view)
    echo("\nthe same gradients from the scalar chain-rule table (step_through(E).run()):\n")
    echo(side_by_side(net_321(), X_321, Y_321, squared_error))
    echo(f"\nlargest difference from backward(): {view.check():.1e}")

    echo("\n2. The leaky-ReLU tutorial's network: z1 = W1·x + b1, a1 = leaky_relu(z1), ...,")
    echo("   y = leaky_relu(W3·a2 + b3); W3 is 1×2 as in the tutorial")
    echo(f"   alpha = {ALPHA}, x = {LEAKY_X}, target {LEAKY_Y}, E = 0.5*(y - target)**2 "
         "(the tutorial's MSE)\n")
    leaky = layer_view(net_leaky(), LEAKY_X, LEAKY_Y, half_squared_error)
    echo(leaky)
    first = leaky.layers[0]
    echo(f"\nthe tutorial's case: z1 = {format_matrix(first.z.T)} has z1[0] < 0 and z1[1], z1[2] > 0,")
    echo(f"so the leaky-ReLU factors leaky_relu'(z1) are {format_matrix(first.slope.T)} = alpha, 1, 1:")
    say(f"delta1 = leaky_relu'(z1) {odot} (W2{t} · delta2) = {format_matrix(first.slope.T)} {odot} "
        f"{format_matrix(first.dE_da.T)} = {format_matrix(first.delta.T)} (written as rows)")
    third = leaky.layers[2]
    echo("\nthe tutorial writes two shapes for this layer, and both are what chainrule computes:")
    w3, a2 = third.W, third.a_in
    fwd = f"({w3.shape[0]}{by}{w3.shape[1]}){dot}({a2.shape[0]}{by}{a2.shape[1]}) {arrow} (1{by}1)"
    echo(f"  forward, from sigma(x2) to y:   y = W3 {dot} sigma(x2)           {fwd}")
    rows, cols = third.W.T.shape
    bwd = f"({rows}{by}{cols}){dot}(1{by}1) {arrow} ({rows}{by}1)"
    echo(f"  backward, from y to sigma(x2):  dE/dsigma(x2) = W3{t} {dot} dE/dy  {bwd}")
    say(f"the backward product is one number per hidden unit, {format_matrix(third.dE_da_in.T)} here "
        f"(as a row): the line dE/da2 = W3{t} {dot} delta3 above, computed with the W3 from before "
        "the update.")
    echo("\nthe same gradients from the scalar chain-rule table:\n")
    echo(side_by_side(net_leaky(), LEAKY_X, LEAKY_Y, half_squared_error))
    echo(f"\nlargest difference from backward(): {leaky.check():.1e}")

    echo(f"\n3. Backprop must use W3 from before the update (lr = {LR})\n")
    r = w3_first()
    echo(f"W3 before the step {format_matrix(r['W3'])}, after {format_matrix(r['W3_new'])}")
    for label, key, verdict in (("dE/dW2 with the old W3 (right):", "right_dW2", ""),
                                ("dE/dW2 by backward():", "engine_dW2", ""),
                                ("dE/dW2 with W3 updated first:", "wrong_dW2", "   WRONG"),
                                ("dE/dW1 with the old W3 (right):", "right_dW1", ""),
                                ("dE/dW1 with W3 updated first:", "wrong_dW1", "   WRONG")):
        say(f"{label:<33} {format_matrix(r[key])}{verdict}")
    echo("Updating W3 first sends delta back through weights the forward pass never used. The result")
    echo("is the gradient of the loss neither at the old weights nor at the new ones (it mixes the old")
    echo("network's activations with the new W3), so W2 and W1 do not follow the loss's gradient.")
    echo("Compute every gradient first, then update every parameter: that is what backward() and")
    echo("optimizer.step() do, in that order.")


if __name__ == "__main__":
    main()
