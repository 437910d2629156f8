"""A microgpt-style scalar ``Value``, written here from the published description of Karpathy's 2026 design.

The design: a Value has four slots (``data``, ``grad``, ``_children``, ``_local_grads``); every op
records the local gradient of its output with respect to each child at forward time; plain numbers
are wrapped as Values; ``a - b`` is ``a + (-b)`` and ``a / b`` is ``a * b**-1``; ``backward`` sorts
the graph with a recursive depth-first search and a visited set, then applies the chain rule.
It is the second peer of chainrule's benchmarks (micrograd 0.1.0 is the first).

>>> a, b = MicroGPTValue(2.0), MicroGPTValue(3.0)
>>> c = a * b - a / b; c.backward()
>>> round(c.data, 6), round(a.grad, 6), round(b.grad, 6)
(5.333333, 2.666667, 2.222222)
"""

from __future__ import annotations

import math


class MicroGPTValue:
    """A number in a graph; each node keeps its children and the local gradient toward each."""

    __slots__ = ("_children", "_local_grads", "data", "grad")

    def __init__(self, data: float, children: tuple = (), local_grads: tuple = ()) -> None:
        self.data = data
        self.grad = 0
        self._children = children
        self._local_grads = local_grads

    def __add__(self, other):
        other = other if isinstance(other, MicroGPTValue) else MicroGPTValue(other)
        return MicroGPTValue(self.data + other.data, (self, other), (1, 1))

    def __mul__(self, other):
        other = other if isinstance(other, MicroGPTValue) else MicroGPTValue(other)
        return MicroGPTValue(self.data * other.data, (self, other), (other.data, self.data))

    def __pow__(self, other: float):
        return MicroGPTValue(self.data**other, (self,), (other * self.data ** (other - 1),))

    def log(self):
        return MicroGPTValue(math.log(self.data), (self,), (1 / self.data,))

    def exp(self):
        return MicroGPTValue(math.exp(self.data), (self,), (math.exp(self.data),))

    def relu(self):
        return MicroGPTValue(max(0, self.data), (self,), (float(self.data > 0),))

    def sigmoid(self):
        return 1 / (1 + (-self).exp())

    def __neg__(self):
        return self * -1

    def __radd__(self, other):
        return self + other

    def __sub__(self, other):
        return self + (-other)

    def __rsub__(self, other):
        return other + (-self)

    def __rmul__(self, other):
        return self * other

    def __truediv__(self, other):
        return self * other**-1

    def __rtruediv__(self, other):
        return other * self**-1

    def backward(self) -> None:
        topo: list[MicroGPTValue] = []
        visited: set[MicroGPTValue] = set()

        def build_topo(v: MicroGPTValue) -> None:
            if v not in visited:
                visited.add(v)
                for child in v._children:
                    build_topo(child)
                topo.append(v)

        build_topo(self)
        self.grad = 1
        for v in reversed(topo):
            for child, local_grad in zip(v._children, v._local_grads):
                child.grad += local_grad * v.grad
