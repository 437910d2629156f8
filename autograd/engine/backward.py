"""The backward pass: order the graph, then apply the chain rule edge by edge.

Both steps are loops, never recursion, so a chain of a million ops works at
Python's default recursion limit.

>>> from autograd import Value
>>> a = Value(1.0); b = a + a; c = b + b
>>> c.backward(); a.grad       # four paths from c to a, each with derivative 1
4.0
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

from .errors import NonFiniteGradientError, gradient_overflow, node_name

if TYPE_CHECKING:  # annotations only: value.py imports this module (the walker needs no class)
    from .value import Value


class LivePass(Protocol):
    """A pass that writes into ``.grad`` step by step (a live ``Stepper``), watched by ``backward``."""

    def backward_begins(self, mark: object) -> Callable[[], None] | None:
        """Called before a backward pass whose nodes carry ``mark``; returns what to say after it."""


live_passes: list[LivePass] = []
"""Live step-through passes that wrote into ``.grad`` and no backward() has run over since (the
newest last, at most ``MAX_WATCHED``). backward() asks each, once per pass, whether it shares the
graph: the one rule for a stepper and backward() in any order (docs/common_mistakes.md)."""

MAX_WATCHED = 8
"""How many live passes are watched at once (the oldest is forgotten): a bounded cost per pass."""


def topological_order(root: Value) -> list[Value]:
    """Every Value ``root`` depends on, each listed after all of its parents; ``root`` is last.

    An iterative depth-first search. A node is marked "visiting" when its parents are
    pushed and "done" when it comes back to the top of the stack, by which time all of
    its parents are done; the fresh marker objects make old marks from earlier walks stale.

    >>> from autograd import Value
    >>> x = Value(2.0, "x"); y = x * 3; y.label = "y"
    >>> [v.label for v in topological_order(y)]
    ['x', 'y']
    """
    visiting, done = object(), object()
    node_class = type(root)  # Value, taken from the root: the walker imports no value.py
    order: list[Value] = []
    stack = [root]
    while stack:
        node = stack[-1]
        mark = node._mark
        if mark is visiting:  # all parents finished: node can be emitted
            stack.pop()
            node._mark = done
            order.append(node)
        elif mark is done:  # a second path reached it while it waited on the stack
            stack.pop()
        else:
            node._mark = visiting
            a = node._a
            if type(a) is node_class:  # the common case: one or two parents, in slots _a and _b
                if a._mark is not done:
                    stack.append(a)
                b = node._b
                if type(b) is node_class and b._mark is not done:
                    stack.append(b)
            elif a is not None:  # an op of many Values keeps them in a tuple
                for parent in a:
                    if parent._mark is not done:
                        stack.append(parent)
    return order


def backward(root: Value) -> None:
    """Set each node's ``grad`` to d(root)/d(node), walking ``topological_order`` in reverse.

    Policy (PyTorch's): leaves *accumulate* into ``grad`` across calls until zeroed;
    inner nodes are reset first, so calling backward twice does not double them.
    A gradient that becomes inf or NaN stops the pass with NonFiniteGradientError
    naming the node.

    >>> from autograd import Value
    >>> w = Value(3.0); y = w * w
    >>> y.backward(); y.backward(); w.grad, y.grad
    (12.0, 1.0)
    """
    order = topological_order(root)
    node_class = type(root)  # Value, taken from the root: the walker imports no value.py
    # a live stepper on this graph is told once per pass (no cost when there is none)
    tell = _live_passes_on(root._mark) if live_passes else None
    # The engine works on the slots _grad (and _data) directly; the public grad property checks
    # what a user assigns.
    for node in order:
        if node._rule is not None:
            node._grad = 0.0
    root._grad += 1.0
    for node in reversed(order):
        g = node._grad
        if g - g != 0.0:  # inf or NaN: stop at the first node it shows up in
            raise non_finite_gradient(node, root)
        a = node._a
        if type(a) is node_class:
            a._grad += node._da * g
            b = node._b
            if type(b) is node_class:
                b._grad += node._db * g
        elif a is not None:
            for parent, local in zip(a, node._da):
                parent._grad += local * g
    if tell:
        for say in tell:
            say()


def _live_passes_on(mark: object) -> list[Callable[[], None]]:
    """What the live passes sharing the graph whose nodes carry ``mark`` say after this backward()."""
    return [say for say in (p.backward_begins(mark) for p in list(live_passes)) if say is not None]


def non_finite_gradient(node: Value, root: Value) -> NonFiniteGradientError:
    """The error for a gradient that became inf or NaN at ``node``; the stepper raises the same one.

    >>> from autograd import Value
    >>> x = Value(1.0, "x"); x._grad = float("inf")
    >>> str(non_finite_gradient(x, x)).startswith("backward: the gradient of node 'x'")
    True
    """
    return gradient_overflow("backward", node_name(node), node.data, node.grad, root.data)
