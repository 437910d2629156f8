"""The hand-worked 3-2-1 network: one forward and one backward pass, every gradient printed.

Input x = [2, 3, -1], target y = 1; two sigmoid hidden neurons, one sigmoid output,
loss C = (a2 - y)**2 (no 1/2). The tutorial this comes from, the untitled note that opens with
「反向传播算法 = 多元微积分 + 链式法则」, works it out by hand and gets a2 ≈ 0.589.
chainrule types the network in through ``nn`` with the tutorial's weights, prints the forward
values, the whole backward pass as a chain-rule table (14 gradients: dW1, db1, dW2, db2, dx),
one SGD step and one Adam step (with and without bias correction) on the output layer only,
Adam's m, v, m-hat and v-hat per parameter (and the tutorial's), Adam over six steps of the whole
network (where momentum and bias correction show), then the tutorial's claims next to
chainrule's values. Last, the network of Deep Dive into Back Propagation (III) with 3 hidden
units: its two backprop steps on numbers, and the bias as a
constant input of 1.

Run:  python demos/hand_worked_321.py
"""

from __future__ import annotations

import textwrap

from autograd import Value, step_through
from autograd.text import Table, console_width, echo
from nn import MLP, SGD, Adam, Neuron, half_squared_error, layer_view, squared_error

W1 = [[0.2, -0.5, 0.1], [-0.3, 0.4, 0.2]]
B1 = [0.3, -0.1]
W2 = [0.5, 0.2]
B2 = 0.1
X = [2.0, 3.0, -1.0]
Y = 1.0
TUTORIAL_GRADIENTS = [-0.0287, -0.0572, -0.199]
"""The tutorial's dC/dW2 (half the true values) and its dC/db2, as it states them."""
TUTORIAL_SGD = ([0.50287, 0.20572], 0.1199)
"""The tutorial's W2 and b2 after its SGD step."""
TUTORIAL_A1 = [0.289, 0.574]
"""a1 as the tutorial writes it (rounded to 3 digits) when it works out its new z2."""
ADAM_STEPS = 6
"""How many Adam steps of the whole network the demo shows."""


def build() -> MLP:
    """The tutorial's network, typed in exactly; parameters labelled the way the tutorial writes them."""
    return MLP(3, [2, 1], activations="sigmoid", weights=[W1, [W2]], biases=[B1, [B2]], labels="tutorial")


def forward(net: MLP) -> dict[str, Value | list[Value]]:
    """x → z1, a1 → z2, a2 → C = (a2 - y)**2, each node labelled like the tutorial names it."""
    x = [Value(v, f"x{i}") for i, v in enumerate(X)]
    a1 = net.layers[0](x)
    for r, a in enumerate(a1):
        a.label, a.parents[0].label = f"a1[{r}]", f"z1[{r}]"
    a2 = net.layers[1](a1)[0]
    a2.label, a2.parents[0].label = "a2", "z2"
    loss = squared_error(a2, Y)
    loss.label = "C"  # one node: dC/da2 = 2*(a2 - y), the tutorial's first chain-rule factor
    return {"x": x, "z1": [a.parents[0] for a in a1], "a1": a1, "z2": a2.parents[0], "a2": a2, "C": loss}


def output_step(optimizer: str, bias_correction: bool = True) -> tuple[list[float], float, float, float]:
    """From the original network: backward, one update of the output layer only, forward again.

    Returns (W2, b2, new a2, new C).
    """
    net = build()
    forward(net)["C"].backward()  # type: ignore[union-attr]
    params = net.layers[1].parameters()
    if optimizer == "sgd":
        SGD(params, lr=0.1).step()
    else:
        Adam(params, lr=0.1, betas=(0.9, 0.999), eps=1e-8, bias_correction=bias_correction).step()
    after = forward(net)
    out = net.layers[1].neurons[0]
    return [w.data for w in out.w], out.b.data, after["a2"].data, after["C"].data  # type: ignore[union-attr]


def adam_moments() -> list[tuple[str, float, float, float, float, float, float, float]]:
    """Adam's first step on the output layer, per parameter: (name, g, m, v, m-hat, v-hat, step, SGD step).

    m and v are read from ``nn.Adam`` after its step; m-hat and v-hat are m/(1 - 0.9) and v/(1 - 0.999).
    """
    net = build()
    forward(net)["C"].backward()  # type: ignore[union-attr]
    params = net.layers[1].parameters()
    grads = [p.grad for p in params]
    before = [p.data for p in params]
    opt = Adam(params, lr=0.1, betas=(0.9, 0.999), eps=1e-8)
    opt.step()
    rows = []
    for name, g, m, v, old, p in zip(("W2[0]", "W2[1]", "b2"), grads, opt.m, opt.v, before, params):
        rows.append((name, g, m, v, m / (1 - 0.9), v / (1 - 0.999), p.data - old, -0.1 * g))
    return rows


def tutorial_moments() -> list[tuple[str, float, float, float]]:
    """m and v from the tutorial's own gradients ([-0.0287, -0.0572] halved, -0.199): (name, g, m, v)."""
    names = ("W2[0]", "W2[1]", "b2")
    return [(name, g, 0.1 * g, 0.001 * g * g) for name, g in zip(names, TUTORIAL_GRADIENTS)]


def tutorial_output() -> tuple[float, float]:
    """z2 and a2 of the network with the tutorial's SGD result W2 = [0.50287, 0.20572], b2 = 0.1199."""
    (w0, w1), b = TUTORIAL_SGD
    net = MLP(3, [2, 1], activations="sigmoid", weights=[W1, [[w0, w1]]], biases=[B1, [b]])
    a2 = net(X)[0]
    return a2.parents[0].data, a2.data


def tutorial_z2_rounded() -> float:
    """The tutorial's new z2: its own W2 and b2 after SGD times the rounded a1 it writes.

    0.50287*0.289 + 0.20572*0.574 + 0.1199 = 0.38331271, the 0.383312 it prints.
    """
    (w0, w1), b = TUTORIAL_SGD
    return w0 * TUTORIAL_A1[0] + w1 * TUTORIAL_A1[1] + b


def full_step(lr: float = 0.1) -> tuple[float, float]:
    """One SGD step of every parameter (W1 and b1 too) from the original network: (new a2, new C)."""
    net = build()
    forward(net)["C"].backward()  # type: ignore[union-attr]
    SGD(net.parameters(), lr=lr).step()
    after = forward(net)
    return after["a2"].data, after["C"].data  # type: ignore[union-attr]


def adam_steps(steps: int = ADAM_STEPS, names: tuple[str, ...] = ("b2", "W1[0][0]"),
               ) -> dict[str, list[tuple[int, float, float, float, float, float, float, float]]]:
    """Standard Adam (lr 0.1) on all 11 parameters, repeated on the one sample, for ``steps`` steps.

    For each named parameter, one row per step: (t, C before the step, g, m, v, m-hat, v-hat, step),
    with m and v read from ``nn.Adam`` and m-hat = m/(1 - 0.9**t), v-hat = v/(1 - 0.999**t).
    """
    net = build()
    named = dict(net.tutorial_names())
    params = net.parameters()
    index = {name: next(i for i, p in enumerate(params) if p is named[name]) for name in names}
    opt = Adam(params, lr=0.1, betas=(0.9, 0.999), eps=1e-8)
    rows: dict[str, list[tuple[int, float, float, float, float, float, float, float]]]
    rows = {n: [] for n in names}
    for t in range(1, steps + 1):
        net.zero_grad()
        loss = forward(net)["C"]
        loss.backward()  # type: ignore[union-attr]
        grads = {name: named[name].grad for name in names}
        before = {name: named[name].data for name in names}
        opt.step()
        for name in names:
            m, v = opt.m[index[name]], opt.v[index[name]]
            rows[name].append((t, loss.data, grads[name], m, v, m / (1 - 0.9**t), v / (1 - 0.999**t),  # type: ignore[union-attr]
                               named[name].data - before[name]))
    return rows


# --- Deep Dive into Back Propagation (III): one hidden layer of 3 neurons (N-3-1), bias as input

N31_X = [0.5, -1.0]
N31_W = [[[0.4, -0.2], [0.1, 0.3], [-0.5, 0.6]], [[0.7, -0.4, 0.2]]]
N31_B = [[0.1, -0.1, 0.05], [0.2]]
N31_T = 0.0
"""Ours, not the tutorial's (it works with symbols): 2 inputs, weights, target; sigmoid hidden
units, a linear output and E = 0.5*(y - t)**2."""


def n31() -> MLP:
    """The shape of Deep Dive into Back Propagation (III), our numbers: 2 inputs, 3 sigmoid hidden
    units, 1 linear output."""
    return MLP(2, [3, 1], activations=["sigmoid", "linear"], weights=N31_W, biases=N31_B, labels="tutorial")


def bias_as_input() -> tuple[list[float], list[float]]:
    """One hidden neuron's gradients with its bias, and with the bias as a weight on an input fixed at 1.

    Returns (dE/dw0, dE/dw1, dE/db) and (dE/dw0, dE/dw1, dE/dw2) for the input [x0, x1, 1].
    """
    w, b = N31_W[0][0], N31_B[0][0]
    with_bias = Neuron(2, "sigmoid", weights=w, bias=b)
    half_squared_error(with_bias(N31_X), N31_T).backward()
    as_input = Neuron(3, "sigmoid", weights=[*w, b], bias=0.0)
    half_squared_error(as_input([*N31_X, 1.0]), N31_T).backward()
    return [*(v.grad for v in with_bias.w), with_bias.b.grad], [v.grad for v in as_input.w]


def claims(values: dict[str, float | list[float]]) -> list[tuple[str, str, str, str]]:
    """(tutorial claims, chainrule, verdict, why) for each number the tutorial states."""
    def show(v: float | list[float], digits: int = 6) -> str:
        if isinstance(v, list):
            return f"[{', '.join(f'{x:.{digits}g}' for x in v)}]"
        return f"{v:.{digits}g}"

    return [
        ("a2 ≈ 0.589", show(values["a2"]), "right", "rounds to 0.589"),
        ("old loss 0.168921", show(values["C"]), "WRONG",
         "0.168921 = 0.411**2 uses a rounded output; (1 - 0.588899)**2 = 0.169004"),
        ("dC/db2 ≈ -0.199", show(values["db2"]), "right", "2*(a2 - 1)*sigma'(z2)"),
        ("dC/dW2 ≈ [-0.0287, -0.0572]", show(values["dW2"]), "WRONG",
         "half the true value: the gradient of 0.5*(a2 - y)**2, but the loss has no 0.5 "
         "(and db2 keeps the 2)"),
        ("SGD W2 = [0.50287, 0.20572]", show(values["sgd_W2"]), "WRONG", "follows from the halved dW2"),
        ("SGD b2 = 0.1199", show(values["sgd_b2"]), "right", "0.1 + 0.1*0.199053"),
        ("new output 0.595, new loss 0.164025", show([values["sgd_a2"], values["sgd_C"]]),  # type: ignore[list-item]
         "WRONG", f"0.595 is not a rounded 0.595693: it is the output of the tutorial's own wrong W2, "
         f"sigmoid(0.50287*a1[0] + 0.20572*a1[1] + 0.1199) = {values['tut_a2']:.6f}; and "
         f"0.164025 = (1 - 0.595)**2 rounds that again. Right: 0.595693, (1 - 0.595693)**2 = 0.163464"),
        ("new z2 0.383312", show(values["sgd_z2"]), "WRONG",
         f"it is the tutorial's own (wrong) W2 and b2 times the a1 it writes rounded to 3 digits: "
         f"0.50287*0.289 + 0.20572*0.574 + 0.1199 = {values['tut_z2_rounded']:.8f}, written 0.145329 + "
         f"0.118083 + 0.1199 (with the unrounded a1, {values['tut_z2']:.6f}). The right SGD step gives "
         f"z2 = {values['sgd_z2']:.6f}"),
        ("Adam W2 ≈ [0.5003, 0.2006]", show(values["adam_W2"], 8), "WRONG",
         "Adam's first step is lr*g/(abs(g) + eps) ≈ lr*sign(g) = +0.1 per parameter; the tutorial "
         "used m alone, never divided by sqrt(v)"),
        ("Adam b2 ≈ 0.1021", show(values["adam_b2"], 8), "WRONG",
         "matches no variant of Adam: standard 0.2, without bias correction 0.416227, m alone (the "
         f"tutorial's W2 rule) {values['m_alone_b2']:.6f}, m-hat alone 0.119905"),
        ("Adam's step 'smaller, more stable'", show(values["adam_steps"], 3), "WRONG",
         "on this step Adam moves every parameter by +0.1 (+0.316228 without bias correction), SGD by "
         f"{', '.join(f'+{x:.4f}' for x in values['sgd_steps'])}: Adam's step is 5 to 17 times larger"),
        ("  (Adam without bias correction)", show(values["raw_W2"] + [values["raw_b2"]]),  # type: ignore[operator]
         "-", "still not the tutorial's: each parameter moves by lr*0.1/sqrt(0.001) = +0.316228"),
        ("output layer only = 'a complete iteration'", show([values["full_a2"], values["full_C"]]),
         "INCOMPLETE",
         "W1 and b1 have gradients too (the table above), and a training step updates every "
         f"parameter: SGD on all 11 gives a2 = {values['full_a2']:.6f}, C = {values['full_C']:.6f} "
         f"(output layer only: {values['sgd_a2']:.6f}, {values['sgd_C']:.6f})"),
        ("'the loss falls a little every iteration'", "-", "NOT ALWAYS",
         "only for a small enough step on the loss being measured: gradient descent with too large "
         "a learning rate diverges (demos/quadratic_descent.py, alpha = 1.1: f rises every "
         "iteration), and minibatch or per-sample training has epochs whose loss rose "
         "(demos/leaky_relu_regression.py)"),
    ]


def main() -> None:
    net = build()
    values = forward(net)
    echo("network 3-2-1, sigmoid everywhere, x = [2, 3, -1], y = 1, C = (a2 - y)**2\n")
    echo("forward")
    for name in ("z1", "a1", "z2", "a2", "C"):
        v = values[name]
        shown = ", ".join(f"{u.data:.6f}" for u in v) if isinstance(v, list) else f"{v.data:.6f}"
        echo(f"  {name:<3}= {shown}")

    loss = values["C"]
    echo("\nbackward, one chain-rule step per edge (each row: dC/d(parent) += local × upstream)\n")
    echo(step_through(loss).table())  # type: ignore[arg-type]

    hidden, out = net.layers[0].neurons, net.layers[1].neurons[0]
    x = values["x"]
    echo("\nthe 14 gradients of the inputs and parameters, grouped like the tutorial")
    for r, n in enumerate(hidden):
        echo(f"  dC/dW1[{r}]     = [{', '.join(f'{w.grad:.6g}' for w in n.w)}]")
    echo(f"  dC/db1        = [{', '.join(f'{n.b.grad:.6g}' for n in hidden)}]")
    echo(f"  dC/dW2        = [{', '.join(f'{w.grad:.6g}' for w in out.w)}]")
    echo(f"  dC/db2        = {out.b.grad:.6g}")
    echo(f"  dC/dx         = [{', '.join(f'{v.grad:.6g}' for v in x)}]")  # type: ignore[union-attr]

    echo("\none update of the output layer only, lr = 0.1, each from the original parameters")
    results = {}
    for key, title, args in (("sgd", "SGD", ("sgd",)), ("adam", "Adam (standard, bias-corrected)", ("adam",)),
                             ("raw", "Adam without bias correction", ("adam", False))):
        w2, b2, a2, c = output_step(*args)  # type: ignore[arg-type]
        results.update({f"{key}_W2": w2, f"{key}_b2": b2, f"{key}_a2": a2, f"{key}_C": c})
        echo(f"  {title}:\n    W2 = [{w2[0]:.8f}, {w2[1]:.8f}]  b2 = {b2:.8f}  → a2 = {a2:.6f}  C = {c:.6f}")

    sgd = build()
    sgd.layers[1].neurons[0].w[0].data, sgd.layers[1].neurons[0].w[1].data = results["sgd_W2"]
    sgd.layers[1].neurons[0].b.data = results["sgd_b2"]
    tut_z2, tut_a2 = tutorial_output()
    moments = adam_moments()
    echo("\nAdam's first step, parameter by parameter (beta1 0.9, beta2 0.999, eps 1e-8, lr 0.1)\n")
    header = ("param", "g = dC/dp", "m = 0.1*g", "v = 0.001*g**2", "m-hat", "v-hat", "Adam step", "SGD step")
    echo(Table(header,
               [(r[0], *(f"{x:.6g}" for x in r[1:])) for r in moments], numeric=range(1, 8),
               notes=["m-hat = m/(1 - 0.9) = g and v-hat = v/(1 - 0.999) = g**2, so the step "
                      "lr*m-hat/(sqrt(v-hat) + eps) is lr*g/(abs(g) + eps): +0.1 for every parameter"]))
    echo("\nthe tutorial's m and v, from its own gradients (right for those; they are half the true "
         "dC/dW2)\n")
    echo(Table(("param", "tutorial's g", "m = 0.1*g", "v = 0.001*g**2"),
               [(name, f"{g:.6g}", f"{m:.6g}", f"{v:.6g}") for name, g, m, v in tutorial_moments()],
               numeric=(1, 2, 3)))
    echo(f"\nstandard Adam (lr 0.1) on all 11 parameters, {ADAM_STEPS} steps on the one sample: "
         "m-hat = m/(1 - 0.9**t),")
    echo("v-hat = v/(1 - 0.999**t), step = -lr*m-hat/(sqrt(v-hat) + eps)")
    table = adam_steps()
    for name, steps in table.items():
        echo(f"\n{name}")
        echo(Table(("t", "C before", "g", "m", "v", "m-hat", "v-hat", "step"),
                   [(str(r[0]), *(f"{x:.6g}" for x in r[1:])) for r in steps], numeric=range(8)))
    t2, last = table["b2"][1], table["W1[0][0]"][-1]
    echo("\nbias correction: m's weights on the gradients so far add up to 1 - 0.9**t, so at t = 2 b2's")
    echo(f"m = {t2[3]:.6g} is 0.19 times an average gradient; m-hat = m/0.19 = {t2[5]:.6g} undoes that")
    echo("(v-hat likewise); without the correction the first step would be 3.16*lr, not lr.")
    echo(f"momentum: m-hat averages past gradients, so it lags g: at t = {last[0]} W1[0][0]'s g = "
         f"{last[2]:.3g} is {last[5] / last[2]:.1f}")
    echo(f"times smaller than its m-hat = {last[5]:.3g}, and its step is still {last[7]:.3g}: the step")
    echo("follows m-hat, not this step's g.")
    full_a2, full_c = full_step()
    numbers: dict[str, float | list[float]] = {
        "a2": values["a2"].data, "C": loss.data,  # type: ignore[union-attr]
        "db2": out.b.grad, "dW2": [w.grad for w in out.w], **results,
        "sgd_z2": sgd(X)[0].parents[0].data, "tut_z2": tut_z2, "tut_a2": tut_a2,
        "tut_z2_rounded": tutorial_z2_rounded(), "full_a2": full_a2, "full_C": full_c,
        "m_alone_b2": B2 - 0.1 * moments[2][2], "adam_steps": [r[6] for r in moments],
        "sgd_steps": [r[7] for r in moments]}
    echo("\nthe tutorial's claims against chainrule")
    rows = claims(numbers)
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    for claim, ours, verdict, why in rows:
        echo(f"  {claim:<{widths[0]}}  chainrule {ours:<{widths[1]}}  {verdict}")
        echo(textwrap.fill(why, console_width(), initial_indent="      ", subsequent_indent="      "))

    echo("\nthe network of Deep Dive into Back Propagation (III): N inputs, 3 hidden units, 1 output")
    echo(f"(our numbers: N = 2, x = {N31_X}, target {N31_T}, sigmoid hidden units, linear output,")
    echo("E = 0.5*(y - t)**2)\n")
    view = layer_view(n31(), N31_X, N31_T, half_squared_error)
    hidden_layer, output_layer = view.layers
    delta = output_layer.delta[0, 0]
    def listed(values) -> str:
        return "[" + ", ".join(f"{float(v):.6g}" for v in values) + "]"

    echo(f"forward: z1 = {listed(hidden_layer.z[:, 0])}, h = sigmoid(z1) = {listed(hidden_layer.a[:, 0])}, "
         f"y = {output_layer.a[0, 0]:.6f}")
    echo(f"step 1, the output weight vector: delta = dE/dy = y - t = {delta:.6f};")
    echo(f"  dE/dw_out[j] = delta*h[j] = {listed(output_layer.dW[0])}, dE/db_out = {delta:.6f}")
    echo("step 2, the hidden weight matrix, through each hidden unit j:")
    for j in range(3):
        w_out, slope = output_layer.W[0, j], hidden_layer.slope[j, 0]
        echo(f"  dE/dW1[{j}] = delta*w_out[{j}]*sigma'(z1[{j}])*x = {delta:.6f}*{w_out:g}*{slope:.6f}*x"
             f" = {listed(hidden_layer.dW[j])}")
    echo(f"  (every entry equals backward()'s: largest difference {view.check():.1e})")
    with_bias, as_input = bias_as_input()
    echo("\nthe bias as a constant input: hidden neuron 0 alone (E = 0.5*(h - t)**2) with its bias, and")
    echo("with one more input fixed at 1 whose weight is the bias")
    echo(f"  w0, w1, b  = {N31_W[0][0]}, {N31_B[0][0]}: gradients {[round(g, 9) for g in with_bias]}")
    echo(f"  w0, w1, w2 with x2 = 1, no bias:   gradients {[round(g, 9) for g in as_input]}  (the same)")


if __name__ == "__main__":
    main()
