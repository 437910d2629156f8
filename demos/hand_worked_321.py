"""The hand-worked 3-2-1 network: one forward and one backward pass, every gradient printed.

Input x = [2, 3, -1], target y = 1; two sigmoid hidden neurons, one sigmoid output,
loss C = (a2 - y)**2 (no 1/2). The tutorial this comes from works it out by hand and gets
a2 ≈ 0.589. chainrule types the network in through ``nn`` with the tutorial's weights,
prints the forward values, the whole backward pass as a chain-rule table (17 gradients:
dW1, db1, dW2, db2, dx), one SGD step and one Adam step (with and without bias correction)
on the output layer only, and then the tutorial's claims next to chainrule's values.

Run:  python demos/hand_worked_321.py
"""

from __future__ import annotations

import textwrap

from autograd import Value, step_through
from autograd.text import WIDTH, echo
from nn import MLP, SGD, Adam, squared_error

W1 = [[0.2, -0.5, 0.1], [-0.3, 0.4, 0.2]]
B1 = [0.3, -0.1]
W2 = [0.5, 0.2]
B2 = 0.1
X = [2.0, 3.0, -1.0]
Y = 1.0


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
         "WRONG", "0.164025 = (1 - 0.595)**2 from the rounded output; (1 - 0.595693)**2 = 0.163464"),
        ("Adam W2 ≈ [0.5003, 0.2006]", show(values["adam_W2"], 8), "WRONG",
         "Adam's first step is lr*g/(abs(g) + eps) ≈ lr*sign(g) = +0.1 per parameter; the tutorial "
         "used m alone, never divided by sqrt(v)"),
        ("Adam b2 ≈ 0.1021", show(values["adam_b2"], 8), "WRONG", "same: b2 moves by +0.1, to 0.2"),
        ("  (Adam without bias correction)", show(values["raw_W2"] + [values["raw_b2"]]),  # type: ignore[operator]
         "-", "still not the tutorial's: each parameter moves by lr*0.1/sqrt(0.001) = +0.316228"),
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
    echo("\nthe 17 gradients, grouped like the tutorial")
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

    numbers: dict[str, float | list[float]] = {
        "a2": values["a2"].data, "C": loss.data,  # type: ignore[union-attr]
        "db2": out.b.grad, "dW2": [w.grad for w in out.w], **results}
    echo("\nthe tutorial's claims against chainrule")
    rows = claims(numbers)
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    for claim, ours, verdict, why in rows:
        echo(f"  {claim:<{widths[0]}}  chainrule {ours:<{widths[1]}}  {verdict}")
        echo(textwrap.fill(why, WIDTH, initial_indent="      ", subsequent_indent="      "))


if __name__ == "__main__":
    main()
