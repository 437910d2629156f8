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

import os
import re
import sys
import warnings
from collections.abc import Iterator
from dataclasses import dataclass

from .backward import non_finite_gradient, topological_order
from .notation import Names, expression, format_number, local_symbol, node_names, normalise_names
from .text import WIDTH, Table, fit_line, for_stream, visible_text
from .value import Value

__all__ = ["EdgeStep", "GradientAccumulationWarning", "Step", "Stepper", "step_through"]


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

    def text(self, width: int | None = WIDTH) -> str:
        """The step as lines of a hand calculation, one per edge; within ``width`` when it can be.

        A step whose lines do not fit beside ``step k/n  node = ...:`` starts them on the next line.

        >>> from autograd import Value
        >>> x = Value(2.0, "x"); y = x * 3; y.label = "y"
        >>> print(next(step_through(y)).text(width=30))
        step 1/1  y = x*3:
            dy/dx += 3 × dy/dy = 3 × 1 = 3
        """
        head = f"step {self.index}/{self.total}  {self.equation}: "
        lines = [self.edge_line(edge) for edge in self.edges]
        if width is not None and len(head) + max(map(len, lines), default=0) > width:
            return head.rstrip() + "".join("\n" + part for line in lines
                                           for part in fit_line("    " + line, width))
        return head + ("\n" + " " * len(head)).join(lines)

    def __repr__(self) -> str:
        return for_stream(self.text())


def _d(root: str, name: str) -> str:
    """``dC/dz2``; a name that is itself a fraction or an expression goes in parentheses, so that the
    second backward pass of a gradient reads ``d(dy/dx)/dz``, not ``ddy/dx/dz``."""
    return f"d{_grouped_name(root)}/d{_grouped_name(name)}"


def _grouped_name(name: str) -> str:
    return f"({name})" if any(ch in name for ch in "/ (") else name


def _natural(name: str) -> list[tuple[int, int | str]]:
    """Sort key reading digits as numbers: x2 before x10, W1[0][1] before W1[1][0]."""
    return [(0, int(part)) if part.isdigit() else (1, part) for part in re.split(r"(\d+)", name) if part]


class GradientAccumulationWarning(UserWarning):
    """A live stepper started on leaves that already hold a gradient (an earlier ``backward()``?)."""


def _caller_level() -> int:
    """The ``stacklevel`` that points a warning at the first caller outside the autograd package."""
    package = os.path.dirname(os.path.abspath(__file__))
    frame, level = sys._getframe(1), 1
    while frame is not None and os.path.dirname(os.path.abspath(frame.f_code.co_filename)) == package:
        frame, level = frame.f_back, level + 1
    return level


def _finite(x: float) -> bool:
    """False for inf and NaN, the check backward makes (x - x is 0 only for finite x)."""
    return x - x == 0.0


def _zero_adds(order: list[Value], root: Value) -> set[Value]:
    """The ``v + 0`` nodes Python's ``sum()`` makes (it starts from 0), to fold into the next step.

    Folded only when the node feeds exactly one edge and the backward pass reaches it right after
    that edge's node, so that folding keeps backward's order of additions, bit for bit.
    """
    uses: dict[Value, int] = {}
    consumer: dict[Value, Value] = {}
    for node in order:
        for parent in node.parents:
            uses[parent] = uses.get(parent, 0) + 1
            consumer[parent] = node
    candidates = {v for v in order if v is not root and v.rule is not None and v.rule.expr == "a + c"
                  and v.const == 0.0 and uses.get(v) == 1}
    position = {v: i for i, v in enumerate(order)}
    return {v for v in candidates if v.parents[0] not in candidates
            and position[consumer[v]] == position[v] + 1}


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
        given = normalise_names(names)
        self.folded = _zero_adds(self.order, root)
        """``v + 0`` nodes (from ``sum()``) shown as part of their child's step, not as steps."""
        names_ = node_names([v for v in self.order if v not in self.folded], given)  # no t-number lost
        for f in self.folded:  # named only for pictures: the steps show f's parent instead
            names_[f] = given.get(f) or f.label or f"{names_[f.parents[0]]} + 0"
        self.names = {v: names_[v] for v in self.order}
        self.invented = [v for v in self.order if v not in given and not v.label]
        """The nodes whose names were made up (``L``, ``t1``, ``v1``): no label and none given."""
        # the names shown in steps: a folded v + 0 is written as v itself
        self._shown = {**self.names, **{f: self.names[f.parents[0]] for f in self.folded}}
        self._reverse = list(reversed(self.order))
        self._position = 0
        self.total = sum(1 for v in self.order if not v.is_leaf and v not in self.folded)
        self.steps: list[Step] = []
        # The grads this pass works on. Live: the Values' own grads, set up as backward does
        # (inner nodes reset, leaves keep what they have, root += 1). Not live: a private copy
        # of a fresh pass on a zeroed graph, so drawing a step never touches the Values.
        self.initial: dict[Value, float] = {}
        for node in self.order:
            self.initial[node] = node.grad if (live and node.is_leaf) else 0.0
        self.initial[root] += 1.0
        self.held = {v: g for v, g in self.initial.items() if v.is_leaf and v is not root and g != 0.0}
        """Leaves that already held a gradient when this live pass began (their ``grad`` accumulates)."""
        # d(root)/d(leaf) of this pass alone, for leaves whose grad is a sum with an older one
        self._derivative = {v: 0.0 for v in self.held}
        self._grads = dict(self.initial)
        if live:
            for node, grad in self.initial.items():
                node._grad = grad  # as backward does: no check (a leaf may hold any grad)
        if self.held:
            warnings.warn(visible_text(self._held_message()), GradientAccumulationWarning,
                          stacklevel=_caller_level())

    def _held_message(self) -> str:
        """The warning for a live pass on leaves that already hold a gradient: what, why, what to do."""
        root = self.names[self.root]
        first = min(self.held, key=lambda v: _natural(self.names[v]))
        leaves = sum(1 for v in self.order if v.is_leaf)
        more = f" and {len(self.held) - 1} more" if len(self.held) > 1 else ""
        return (f"step_through({root}): {len(self.held)} of the {leaves} inputs and parameters already "
                f"hold a gradient ({self.names[first]}.grad = {format_number(self.held[first])}{more}), "
                f"probably from an earlier backward(). This pass adds to them, as backward() does, so "
                f"their .grad will be a sum, not d{root}/d(leaf); the table shows both. For a fresh pass, "
                f"set the gradients to 0 first (zero_grad, net.zero_grad()) or use live=False.")

    def __len__(self) -> int:
        return self.total

    def __iter__(self) -> Stepper:
        return self

    def __next__(self) -> Step:
        reverse, grads = self._reverse, self._grads
        while True:  # walk backward's order: every node's grad is checked when its turn comes
            if self._position == len(reverse):
                raise StopIteration
            node = reverse[self._position]
            if not _finite(grads[node]):  # inf or NaN: stop where backward would, leaves included
                raise non_finite_gradient(node, self.root)
            self._position += 1
            if not node.is_leaf and node not in self.folded:
                break
        upstream = grads[node]
        edges = []
        for i, (parent, local) in enumerate(node.edges):
            contribution = local * upstream
            symbol = local_symbol(node, i, self._shown)
            if parent in self.folded and _finite(grads[parent] + contribution):
                # parent = p + 0, made by sum(): its own step (dL/dp += 1 × dL/dparent) done here
                folded_grad = self._add(parent, contribution)
                (p, one), = parent.edges
                before = grads[p]
                after = self._add(p, one * folded_grad)
                edges.append(EdgeStep(p, self.names[p], local, symbol, one * folded_grad, before, after))
                continue
            before = grads[parent]
            after = self._add(parent, contribution)
            edges.append(EdgeStep(parent, self.names[parent], local, symbol, contribution, before, after))
        step = Step(len(self.steps) + 1, self.total, node, self.names[node],
                    expression(node, self._shown), self.names[self.root], upstream, tuple(edges))
        self.steps.append(step)
        return step

    def _add(self, parent: Value, contribution: float) -> float:
        """``parent``'s grad += contribution, as backward does; returns the new grad."""
        after = self._grads[parent] + contribution
        self._grads[parent] = after
        if self.live:
            parent._grad = after  # unchecked, as backward's own update: inf is caught at its turn
        if parent in self._derivative:
            self._derivative[parent] += contribution
        return after

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

    def derivative(self, value: Value) -> float:
        """d(root)/d(value) from this pass alone (a leaf's ``grad`` may also hold an older gradient).

        >>> import warnings
        >>> from autograd import Value
        >>> w = Value(3.0, "w"); y = w * 2; y.label = "y"; y.backward()
        >>> with warnings.catch_warnings():
        ...     warnings.simplefilter("ignore")    # the GradientAccumulationWarning: w.grad is 2 already
        ...     s = step_through(y).run()
        >>> w.grad, s.derivative(w)
        (4.0, 2.0)
        """
        if value not in self._grads:
            raise KeyError(f"derivative: {value!r} is not in the graph of {self.names[self.root]!r}")
        return self._derivative.get(value, self._grads[value])

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
            for i, edge in enumerate(step.edges):
                parent = step.node.edges[i][0]
                if parent in self.folded:  # the v + 0 node in between holds the contribution
                    grads[parent] = grads[parent] + edge.contribution
                grads[edge.parent] = edge.after
        return grads

    def table(self, leaves: bool = True, width: int | None = WIDTH) -> Table:
        """The whole backward pass (finishing it first) as a chain-rule table, one row per edge.

        With ``leaves``, the gradients of the leaves (inputs and parameters) follow the table.
        The table prints at most ``width`` columns wide (wrapped when needed; ``None``: one line
        per edge, however wide); in Jupyter it shows as an HTML table.

        >>> from autograd import Value
        >>> x = Value(3.0, "x"); y = x * 2; y.label = "y"
        >>> step_through(y).table()
        step  node     chain rule          local  upstream  contribution  dy/d(parent): before → after
        ----  -------  ------------------  -----  --------  ------------  ----------------------------
        1/1   y = x*2  dy/dx += 2 × dy/dy      2         1             2  0 → 2
        <BLANKLINE>
        gradients of the leaves:
          dy/dx = 2
        """
        self.run()
        root = self.names[self.root]
        held = bool(self.held)
        last = ".grad: before → after" if held else f"d{_grouped_name(root)}/d(parent): before → after"
        header = ("step", "node", "chain rule", "local", "upstream", "contribution", last)
        rows, headings = [], []
        for step in self.steps:
            for i, edge in enumerate(step.edges):
                first = i == 0
                rows.append((f"{step.index}/{step.total}" if first else "", step.equation if first else "",
                             step.update(edge), format_number(edge.local), format_number(step.upstream),
                             format_number(edge.contribution),
                             f"{format_number(edge.before)} → {format_number(edge.after)}"))
                headings.append(f"{step.index}/{step.total}  {step.equation}   "
                                f"(upstream {_d(root, step.name)} = {format_number(step.upstream)})"
                                if first else None)
        notes = []
        if held:
            notes += [f"note: {len(self.held)} inputs and parameters held a gradient before this pass "
                      f"(an earlier backward()?);",
                      "      their .grad adds this pass to it, as backward() does; the last column "
                      "shows .grad."]
        if self.folded:
            notes += [f"note: sum() starts from 0; the step that adds the 0 is folded into the next one "
                      f"({len(self.folded)} folded);",
                      "      total(values) and dot(w, x, b) add in one node instead."]
        if leaves:
            if notes:
                notes.append("")
            notes.append("gradients of the leaves (this pass):" if held else "gradients of the leaves:")
            for v in sorted((v for v in self.order if v.is_leaf), key=lambda v: _natural(self.names[v])):
                line = f"  {_d(root, self.names[v])} = {format_number(self.derivative(v))}"
                if v in self.held:
                    line += f"   (.grad = {format_number(self._grads[v])}: accumulated with the earlier one)"
                notes.append(line)
        return Table(header, rows, numeric=(3, 4, 5), notes=notes, headings=headings,
                     narrow=(2, 3, 5, 6), width=width)

    def __repr__(self) -> str:
        root = self.names[self.root]
        made_up = sorted((self.names[v] for v in self.invented if v is not self.root), key=_natural)
        made_up = made_up or [self.names[v] for v in self.invented]
        hint = f"; names like {made_up[0]} are made up: pass names= or set .label" if made_up else ""
        return f"<Stepper for {root!r}: {len(self.steps)} of {self.total} steps taken{hint}>"


def step_through(root: Value, *, names: Names | None = None, live: bool = True) -> Stepper:
    """The backward pass of ``root`` as an iterator of steps, in reverse topological order.

    Live (the default), it sets up the grads as ``backward`` does (inner grads reset, leaves
    keep theirs, root += 1) right away and updates them step by step. ``live=False`` walks a
    fresh pass on a private copy of the grads (leaves from 0) and leaves the Values alone.
    ``names`` gives Values names (``{value: name}`` or pairs such as ``named_parameters()``);
    unlabelled nodes get made-up names (the root ``L``, then ``t1, t2, ...``).

    If leaves already hold a gradient (``C.backward()`` ran before), a live pass adds to it as
    ``backward`` does, with a ``GradientAccumulationWarning``; the table then shows ``.grad`` before
    and after, and its summary each leaf's derivative from this pass (also ``derivative(leaf)``).

    Python's ``sum(values)`` starts from 0, making a ``v + 0`` node; its step is folded into the
    next one (``t = v + w`` reads ``v + w``). ``total(values)`` and ``dot(w, x, b)`` build a sum as
    one node instead.

    >>> from autograd import Value
    >>> a, b = Value(2.0, "a"), Value(-3.0, "b"); c = a * b; c.label = "c"
    >>> print(repr(next(step_through(c))))
    step 1/1  c = a*b: dc/da += b × dc/dc = -3 × 1 = -3
                       dc/db += a × dc/dc = 2 × 1 = 2
    """
    return Stepper(root, names, live)
