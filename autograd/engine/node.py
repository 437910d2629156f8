"""The small public reading API of a node, for the views and the replay: what a node was made
from, never how the engine stores it.

A node's operands (its Values, in edge order), its plain-number operands (constants), the local
derivative on each edge, and its rule; which operand is a weight, a bias, an input or a class
index is asked of the rule (``Rule.split``, ``Rule.edge_role``). Only the engine (value.py,
backward.py, higher_order.py, fused.py) and the program the replay writes read the slots
(``_a``, ``_b``, ``_da``, ``_db``, ``_rule``) themselves. Reading through here tells no trace
recorder (the replay reads the graph it recorded with it); a user's ``v.const`` and ``v.edges``
do.

>>> from autograd import Value
>>> w, x = Value(2.0, "w"), Value(3.0, "x")
>>> y = w * x + 1
>>> [v.label for v in operands(y.parents[0])], constants(y), local_derivatives(y.parents[0])
(['w', 'x'], (1.0,), (3.0, 2.0))
"""

from __future__ import annotations

from .row import Operands
from .value import Value

__all__ = ["constants", "local_derivatives", "mark_of", "number_of", "operand_count", "operands", "roles",
           "store_grad"]


def mark_of(node: Value) -> object:
    """The mark the last ``topological_order`` walk over ``node`` left: the nodes of one walk share
    it, so a live stepper can tell whether a backward pass is over its graph."""
    return node._mark


def number_of(node: Value) -> float:
    """The number ``node`` holds (``node.data`` without telling a trace recorder)."""
    return node._data


def store_grad(node: Value, grad: float) -> None:
    """Put ``grad`` in ``node.grad`` as ``backward`` does: unchecked (an inf is caught at its turn,
    and a restored grad is put back exactly as it was)."""
    node._grad = grad


def operands(node: Value) -> tuple[Value, ...]:
    """The Values ``node`` was computed from, in edge order (``()`` for a leaf)."""
    a, b = node._a, node._b
    if type(a) is tuple:
        return a
    if a is None:
        return ()
    return (a, b) if type(b) is Value else (a,)


def operand_count(node: Value) -> int:
    """How many Values ``node`` was computed from (its edges), without building a tuple."""
    a, b = node._a, node._b
    if type(a) is tuple:
        return len(a)
    return 0 if a is None else 2 if type(b) is Value else 1


def constants(node: Value) -> tuple[float, ...]:
    """The plain-number operands of ``node`` in order (the 3 in ``x * 3``, a sample's inputs, a
    class index), ``()`` when it has none."""
    b = node._b
    if b is None or type(b) is Value:
        return ()
    return b if type(b) is tuple else (b,)


def local_derivatives(node: Value) -> tuple[float, ...]:
    """d(node)/d(operand) for each operand in ``operands`` order, as computed at forward time."""
    a, da = node._a, node._da
    if type(a) is tuple:
        return da  # type: ignore[return-value]
    if a is None:
        return ()
    return (da, node._db) if type(node._b) is Value else (da,)  # type: ignore[return-value]


def roles(node: Value) -> Operands:
    """``node``'s operands by role, as its row lays them out (``Rule.split``): terms, weights,
    bias, inputs, class index.

    >>> from autograd import Value, dot
    >>> r = roles(dot([Value(1.0, "w0")], [4.0], Value(0.5, "b")))
    >>> [w.label for w in r.weights], r.bias.label, r.inputs
    (['w0'], 'b', (4.0,))
    """
    rule = node._rule
    if rule is None:
        return Operands((), (), None, (), None)
    return rule.split(operands(node), constants(node))
