"""Small graphs to draw and step through, built from plain Values with a tutorial's labels.

``three_two_one()`` is the hand-worked 3-2-1 network: input x = [2, 3, -1], two sigmoid
hidden neurons, one sigmoid output, loss C = (a2 - 1)**2. Its gradients are the
ones a backprop tutorial works out by hand.

>>> net = three_two_one()
>>> round(net.C.data, 6), round(net.a2.data, 6)
(0.169004, 0.588899)
"""

from __future__ import annotations

from dataclasses import dataclass

from .engine.fused import dot
from .engine.value import Value
from .text import Table
from .views.notation import format_number


@dataclass(frozen=True)
class ThreeTwoOne:
    """The 3-2-1 network's Values: inputs, parameters, activations and the loss ``C``."""

    x: list[Value]
    W1: list[list[Value]]
    b1: list[Value]
    W2: list[Value]
    b2: Value
    z1: list[Value]
    a1: list[Value]
    z2: Value
    a2: Value
    C: Value

    def notation(self) -> Table:
        """The hand-worked tutorial's symbols beside chainrule's names and values (all computed).

        The tutorial numbers from 1 and puts the layer in a superscript, W₁⁽²⁾; chainrule numbers
        from 0 and puts the layer in the name, ``W2[0]``. Its hidden activations a₁, a₂ are
        chainrule's ``a1[0]``, ``a1[1]``; its output a⁽²⁾ is chainrule's ``a2``. The symbols are
        written in ASCII (``W_1^(2)``), so the table prints on any console.

        >>> table = three_two_one().notation()
        >>> for row in table.rows:
        ...     if row[0] in ("W_1^(2)", "a_2", "a^(2)"):
        ...         print(*row[:3])
        a_2 a1[1] 0.574443
        W_1^(2) W2[0] 0.5
        a^(2) a2 0.588899
        """
        rows: list[tuple[str, str, str, str]] = []

        def row(symbol: str, value: Value, what: str) -> None:
            rows.append((symbol, value.label, format_number(value.data), what))

        for i, v in enumerate(self.x, start=1):
            row(f"x_{i}", v, f"input {i}")
        for j, weights in enumerate(self.W1, start=1):
            for i, w in enumerate(weights, start=1):
                row(f"W_{j}{i}^(1)", w, f"weight from input x_{i} to hidden neuron {j}")
        for j, b in enumerate(self.b1, start=1):
            row(f"b_{j}^(1)", b, f"bias of hidden neuron {j}")
        for j, z in enumerate(self.z1, start=1):
            row(f"z_{j}", z, f"hidden weighted sum, entry {j} of z^(1)")
        for j, a in enumerate(self.a1, start=1):
            shown = f" (the tutorial: ~{a.data:.2f})"
            row(f"a_{j}", a, f"hidden activation sigmoid(z_{j}){shown}")
        for k, w in enumerate(self.W2, start=1):
            row(f"W_{k}^(2)", w, f"output weight from hidden a_{k}")
        row("b^(2)", self.b2, "output bias")
        row("z^(2)", self.z2, "output weighted sum")
        row("a^(2)", self.a2, f"the output sigmoid(z^(2)) (the tutorial: ~{self.a2.data:.3f})")
        row("C_0", self.C, "the cost (a^(2) - y)**2 for y = 1")
        return Table(("tutorial", "chainrule", "value", "what it is"), rows, numeric=(2,),
                     notes=("the tutorial counts from 1, the layer as a superscript: W_1^(2) is W, "
                            "subscript 1, superscript (2);",
                            "chainrule counts from 0, the layer in the name: W2[0]."))

    @property
    def leaves(self) -> list[Value]:
        """The inputs and parameters, in the tutorial's order: W1, b1, W2, b2, then x (14 Values)."""
        return [*(w for row in self.W1 for w in row), *self.b1, *self.W2, self.b2, *self.x]


def three_two_one(fused: bool = False) -> ThreeTwoOne:
    """The 3-2-1 network's forward pass; ``fused=True`` makes each neuron's w·x + b one ``dot`` node.

    >>> len(three_two_one().leaves), three_two_one(fused=True).z2.op
    (14, 'dot')
    """
    x = [Value(v, f"x{i}") for i, v in enumerate([2.0, 3.0, -1.0])]
    W1 = [[Value(w, f"W1[{r}][{c}]") for c, w in enumerate(row)]
          for r, row in enumerate([[0.2, -0.5, 0.1], [-0.3, 0.4, 0.2]])]
    b1 = [Value(b, f"b1[{r}]") for r, b in enumerate([0.3, -0.1])]
    W2 = [Value(w, f"W2[{c}]") for c, w in enumerate([0.5, 0.2])]
    b2 = Value(0.1, "b2")

    def neuron(weights: list[Value], inputs: list[Value], bias: Value, name: str) -> Value:
        if fused:
            z = dot(weights, inputs, bias)
        else:
            z = weights[0] * inputs[0]
            for w, xi in zip(weights[1:], inputs[1:]):
                z = z + w * xi
            z = z + bias
        z.label = name
        return z

    z1 = [neuron(W1[r], x, b1[r], f"z1[{r}]") for r in range(2)]
    a1 = []
    for r, z in enumerate(z1):
        a = z.sigmoid()
        a.label = f"a1[{r}]"
        a1.append(a)
    z2 = neuron(W2, a1, b2, "z2")
    a2 = z2.sigmoid()
    a2.label = "a2"
    err = a2 - 1.0
    err.label = "err"
    C = err**2
    C.label = "C"
    return ThreeTwoOne(x=x, W1=W1, b1=b1, W2=W2, b2=b2, z1=z1, a1=a1, z2=z2, a2=a2, C=C)
