"""The hand-worked 3-2-1 network: one forward and one backward pass, every gradient printed.

Input x = [2, 3, -1], target y = 1; two sigmoid hidden neurons, one sigmoid output,
loss C = (a2 - y)^2. The tutorial this comes from works it out by hand and gets
a2 ≈ 0.589; chainrule gets the same numbers to the last digit.

Run:  python demos/hand_worked_321.py
"""

from __future__ import annotations

from autograd import Value


def build():
    """The network's forward pass as Values, each labelled like the tutorial names it."""
    x = [Value(v, f"x{i}") for i, v in enumerate([2.0, 3.0, -1.0])]
    W1 = [[Value(w, f"W1[{r}][{c}]") for c, w in enumerate(row)]
          for r, row in enumerate([[0.2, -0.5, 0.1], [-0.3, 0.4, 0.2]])]
    b1 = [Value(b, f"b1[{r}]") for r, b in enumerate([0.3, -0.1])]
    W2 = [Value(w, f"W2[{c}]") for c, w in enumerate([0.5, 0.2])]
    b2 = Value(0.1, "b2")

    a1 = []
    for r in range(2):
        z = b1[r]
        for w, xi in zip(W1[r], x):
            z = z + w * xi
        z.label = f"z1[{r}]"
        a = z.sigmoid()
        a.label = f"a1[{r}]"
        a1.append(a)
    z2 = W2[0] * a1[0] + W2[1] * a1[1] + b2
    z2.label = "z2"
    a2 = z2.sigmoid()
    a2.label = "a2"
    C = (a2 - 1.0) ** 2
    C.label = "C"
    return {"x": x, "W1": W1, "b1": b1, "W2": W2, "b2": b2, "a1": a1, "z2": z2, "a2": a2, "C": C}


def main() -> None:
    net = build()
    net["C"].backward()
    print("forward")
    for name in ("a1", "z2", "a2", "C"):
        values = net[name] if isinstance(net[name], list) else [net[name]]
        for v in values:
            print(f"  {v.label:<8} = {v.data: .6f}")
    print("\nbackward: dC/d(every parameter and input)")
    leaves = [w for row in net["W1"] for w in row] + net["b1"] + net["W2"] + [net["b2"]] + net["x"]
    for v in leaves:
        print(f"  dC/d{v.label:<8} = {v.grad: .6g}")


if __name__ == "__main__":
    main()
