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

from .fused import dot
from .value import Value


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
