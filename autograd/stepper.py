"""The backward pass one node at a time, each step written like a line of a hand calculation.

``step_through(root)`` (or ``root.backward_steps()``) does what ``backward`` does, with
the same policy (inner grads reset, leaves accumulate, ``root.grad`` seeded with 1),
in the same order (``topological_order`` reversed), but hands back each node's step
as it goes: the node, its upstream gradient, and for every parent edge the local
derivative, the contribution local × upstream, and the parent's grad before and after.

>>> from autograd import Value
>>> x = Value(0.5, "x"); y = x.sigmoid(); y.label = "y"
>>> stepper = step_through(y)
>>> next(stepper)
step 1/1  y = sigmoid(x): dy/dx += sigma'(x) × dy/dy = 0.235004 × 1 = 0.235004
>>> x.grad
0.2350037122015945
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from .backward import non_finite_gradient, topological_order
from .notation import Names, expression, format_number, local_symbol, node_names
from .value import Value

__all__ = ["EdgeStep", "Step", "Stepper", "step_through"]


@dataclass(frozen=True)
class EdgeStep:
    """One parent edge of a step: d(root)/d(parent) += local × upstream."""

    parent: Value
    parent_name: str
    local: float
    """d(node)/d(parent), recorded at forward time."""
    local_symbol: str
    """The same derivative written for people: ``"sigma'(z2)"``, ``'a1[0]'``."""
    contribution: float
    """local × upstream: what this edge adds to the parent's grad."""
    before: float
    after: float


@dataclass(frozen=True)
class Step:
    """One node of the backward pass: its upstream gradient sent back along each parent edge."""

    index: int
    """1 for the first step (the root), up to ``total``."""
    total: int
    node: Value
    name: str
    expression: str
    """What the node was computed from: ``'sigmoid(z2)'``."""
    root_name: str
    upstream: float
    """d(root)/d(node): the node's grad when its step runs."""
    edges: tuple[EdgeStep, ...]

    @property
    def equation(self) -> str:
        """``'a2 = sigmoid(z2)'``."""
        return f"{self.name} = {self.expression}"

    def edge_line(self, edge: EdgeStep) -> str:
        """One edge as maths: ``"dC/dz2 += sigma'(z2) × dC/da2 = 0.242097 × -0.822203 = -0.199053"``."""
        return (f"{self.update(edge)} = {format_number(edge.local)} × "
                f"{format_number(self.upstream)} = {format_number(edge.contribution)}")

    def update(self, edge: EdgeStep) -> str:
        """The edge's chain-rule update in symbols: ``"dC/dz2 += sigma'(z2) × dC/da2"``."""
        return (f"{_d(self.root_name, edge.parent_name)} += {edge.local_symbol} × "
                f"{_d(self.root_name, self.name)}")

    def __repr__(self) -> str:
        head = f"step {self.index}/{self.total}  {self.equation}: "
        lines = [self.edge_line(edge) for edge in self.edges]
        return head + ("\n" + " " * len(head)).join(lines)


def _d(root: str, name: str) -> str:
    return f"d{root}/d{name}"


def _natural(name: str) -> list[tuple[int, int | str]]:
    """Sort key reading digits as numbers: x2 before x10, W1[0][1] before W1[1][0]."""
    return [(0, int(part)) if part.isdigit() else (1, part) for part in re.split(r"(\d+)", name) if part]


class Stepper(Iterator[Step]):
    """The backward pass of ``root`` as an iterator of ``Step``; ``run()`` finishes, ``table()`` prints.

    Made by ``step_through``; see there. ``steps`` holds the steps taken so far.
    """

    def __init__(self, root: Value, names: Names | None = None, live: bool = True) -> None:
        if not isinstance(root, Value):
            raise TypeError(f"step_through(root): root must be a Value, got {type(root).__name__}")
        self.root = root
        self.live = live
        self.order = topological_order(root)
        self.names = node_names(self.order, names)
        self._todo = [node for node in reversed(self.order) if not node.is_leaf]
        self.total = len(self._todo)
        self.steps: list[Step] = []
        # The grads this pass works on. Live: the Values' own grads, set up as backward does
        # (inner nodes reset, leaves keep what they have, root += 1). Not live: a private copy
        # of a fresh pass on a zeroed graph, so drawing a step never touches the Values.
        self.initial: dict[Value, float] = {}
        for node in self.order:
            self.initial[node] = node.grad if (live and node.is_leaf) else 0.0
        self.initial[root] += 1.0
        self._grads = dict(self.initial)
        if live:
            for node, grad in self.initial.items():
                node._grad = grad  # as backward does: no check (a leaf may hold any grad)

    def __len__(self) -> int:
        return self.total

    def __iter__(self) -> Stepper:
        return self

    def __next__(self) -> Step:
        index = len(self.steps)
        if index == self.total:
            raise StopIteration
        node = self._todo[index]
        grads = self._grads
        upstream = grads[node]
        if upstream - upstream != 0.0:  # inf or NaN: stop where backward would
            raise non_finite_gradient(node, self.root)
        edges = []
        for i, (parent, local) in enumerate(node.edges):
            before = grads[parent]
            contribution = local * upstream
            after = before + contribution
            grads[parent] = after
            if self.live:
                parent._grad = after
            edges.append(EdgeStep(parent, self.names[parent], local, local_symbol(node, i, self.names),
                                  contribution, before, after))
        step = Step(index + 1, self.total, node, self.names[node], expression(node, self.names),
                    self.names[self.root], upstream, tuple(edges))
        self.steps.append(step)
        return step

    def run(self) -> Stepper:
        """Take every remaining step; afterwards each grad is what ``backward()`` gives.

        >>> from autograd import Value
        >>> x = Value(3.0, "x"); y = x * x; s = step_through(y).run()
        >>> x.grad, len(s.steps)
        (6.0, 1)
        """
        for _ in self:
            pass
        return self

    def grads_at(self, k: int) -> dict[Value, float]:
        """Every node's grad after step ``k`` (0: just seeded), taking steps up to ``k`` if needed.

        >>> from autograd import Value
        >>> x = Value(3.0, "x"); y = x * 2; y.label = "y"
        >>> s = step_through(y, live=False)
        >>> s.grads_at(0)[x], s.grads_at(1)[x], x.grad
        (0.0, 2.0, 0.0)
        """
        if not 0 <= k <= self.total:
            raise IndexError(f"step {k} is out of range: this backward pass has {self.total} steps "
                             f"(0 is the seed, then 1 to {self.total})")
        while len(self.steps) < k:
            next(self)
        grads = dict(self.initial)
        for step in self.steps[:k]:
            for edge in step.edges:
                grads[edge.parent] = edge.after
        return grads

    def table(self, leaves: bool = True) -> str:
        """The whole backward pass (finishing it first) as a chain-rule table, one row per edge.

        With ``leaves``, the gradients of the leaves (inputs and parameters) follow the table.

        >>> from autograd import Value
        >>> x = Value(3.0, "x"); y = x * 2; y.label = "y"
        >>> print(step_through(y).table())
        step  node     chain rule          local  upstream  contribution  dy/d(parent): before → after
        ----  -------  ------------------  -----  --------  ------------  ----------------------------
        1/1   y = x·2  dy/dx += 2 × dy/dy      2         1             2  0 → 2
        <BLANKLINE>
        gradients of the leaves:
          dy/dx = 2
        """
        self.run()
        root = self.names[self.root]
        header = ("step", "node", "chain rule", "local", "upstream", "contribution",
                  f"d{root}/d(parent): before → after")
        rows = []
        for step in self.steps:
            for i, edge in enumerate(step.edges):
                first = i == 0
                rows.append((f"{step.index}/{step.total}" if first else "", step.equation if first else "",
                             step.update(edge), format_number(edge.local), format_number(step.upstream),
                             format_number(edge.contribution),
                             f"{format_number(edge.before)} → {format_number(edge.after)}"))
        widths = [max(len(row[c]) for row in [header, *rows]) for c in range(len(header))]
        numeric = (False, False, False, True, True, True, False)

        def line(cells: tuple[str, ...]) -> str:
            text = "  ".join(cell.rjust(w) if num else cell.ljust(w)
                             for cell, w, num in zip(cells, widths, numeric))
            return text.rstrip()

        out = [line(header), line(tuple("-" * w for w in widths)), *(line(row) for row in rows)]
        if leaves:
            out += ["", "gradients of the leaves:"]
            leaves_by_name = sorted((v for v in self.order if v.is_leaf),
                                    key=lambda v: _natural(self.names[v]))
            out += [f"  {_d(root, self.names[v])} = {format_number(self._grads[v])}" for v in leaves_by_name]
        return "\n".join(out)

    def __repr__(self) -> str:
        return (f"<Stepper: backward pass of {self.names[self.root]!r}, "
                f"{len(self.steps)} of {self.total} steps taken>")


def step_through(root: Value, *, names: Names | None = None, live: bool = True) -> Stepper:
    """The backward pass of ``root`` as an iterator of steps, in reverse topological order.

    Live (the default), it sets up the grads as ``backward`` does (inner grads reset, leaves
    keep theirs, root += 1) right away and updates them step by step. ``live=False`` walks a
    fresh pass on a private copy of the grads (leaves from 0) and leaves the Values alone.
    ``names`` gives Values names (``{value: name}`` or pairs such as ``named_parameters()``).

    >>> from autograd import Value
    >>> a, b = Value(2.0, "a"), Value(-3.0, "b"); c = a * b; c.label = "c"
    >>> print(repr(next(step_through(c))))
    step 1/1  c = a·b: dc/da += b × dc/dc = -3 × 1 = -3
                       dc/db += a × dc/dc = 2 × 1 = 2
    """
    return Stepper(root, names, live)
