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

import copy
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from ..engine.backward import MAX_WATCHED, live_passes, non_finite_gradient, topological_order
from ..engine.errors import GradientAccumulationWarning, caller_stacklevel
from ..engine.node import mark_of, store_grad
from ..engine.value import Value
from ..text import CONSOLE, Table, console_width, fit_line, for_stream, visible_text
from .notation import (
    Names,
    expression,
    format_number,
    local_symbol,
    natural_key,
    node_names,
    normalise_names,
)

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

    def text(self, width: int | None = CONSOLE) -> str:
        """The step as lines of a hand calculation, one per edge; within ``width`` (``CONSOLE``: the
        console's width) when it can be.

        A step whose lines do not fit beside ``step k/n  node = ...:`` starts them on the next line.

        >>> from autograd import Value
        >>> x = Value(2.0, "x"); y = x * 3; y.label = "y"
        >>> print(next(step_through(y)).text(width=30))
        step 1/1  y = x*3:
            dy/dx += 3 × dy/dy = 3 × 1 = 3
        """
        width = console_width() if width == CONSOLE else width
        head = f"step {self.index}/{self.total}  {self.equation}: "
        lines = [self.edge_line(edge) for edge in self.edges]
        if width is not None and len(head) + max(map(len, lines), default=0) > width:
            return head.rstrip() + "".join("\n" + part for line in lines
                                           for part in fit_line("    " + line, width))
        return head + ("\n" + " " * len(head)).join(lines)

    def __repr__(self) -> str:
        """The step as ``text()`` for stdout: symbols spelled for it, then fitted to the console."""
        spelled = for_stream(self.text())  # '×' may become '*', '→' '->': fit after spelling
        return "\n".join(part for line in spelled.split("\n") for part in fit_line(line))


def _d(root: str, name: str) -> str:
    """``dC/dz2``; a name that is itself a fraction or an expression goes in parentheses, so that the
    second backward pass of a gradient reads ``d(dy/dx)/dz``, not ``ddy/dx/dz``."""
    return f"d{_grouped_name(root)}/d{_grouped_name(name)}"


def _grouped_name(name: str) -> str:
    return f"({name})" if any(ch in name for ch in "/ (") else name


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
        self._leaves = [v for v in self.order if v.is_leaf]
        self.interrupted: str | None = None
        """Why this live pass cannot go on (a backward() or another pass changed its grads), or None."""
        if live:
            for other in list(live_passes):  # another live pass on this graph stops here
                if isinstance(other, Stepper):
                    other._taken_over(mark_of(root), root)
            for node, grad in self.initial.items():
                store_grad(node, grad)  # as backward does: no check (a leaf may hold any grad)
            live_passes.append(self)
            del live_passes[:-MAX_WATCHED]
        if self.held:
            warnings.warn(visible_text(self._held_message()), GradientAccumulationWarning,
                          stacklevel=caller_stacklevel())

    def _held_message(self) -> str:
        """The warning for a live pass on leaves that already hold a gradient: what, why, what to do."""
        root = self.names[self.root]
        first = min(self.held, key=lambda v: natural_key(self.names[v]))
        leaves = sum(1 for v in self.order if v.is_leaf)
        more = f" and {len(self.held) - 1} more" if len(self.held) > 1 else ""
        return (f"step_through({root}): {len(self.held)} of the {leaves} inputs and parameters already "
                f"hold a gradient ({self.names[first]}.grad = {format_number(self.held[first])}{more}), "
                f"probably from an earlier backward() or step_through pass. This pass adds to them, as "
                f"backward() does, so their .grad will be a sum, not d{root}/d(leaf); the table shows "
                f"both. For a fresh pass, set the gradients to 0 first (zero_grad, net.zero_grad()) or "
                f"use live=False.")

    # --- the one rule: a live pass and backward() in any order (docs/common_mistakes.md) --------------
    def _finished(self) -> bool:
        """Whether every step has been taken (the Values hold what backward() gives)."""
        return len(self.steps) == self.total and self._position == len(self._reverse)

    def _shares(self, mark: object) -> bool:
        """Whether the graph just walked (its nodes carry ``mark``) shares a leaf with this pass's."""
        return any(mark_of(v) is mark for v in self._leaves)

    def _filled(self) -> dict[Value, float]:
        """This pass's contribution to each leaf whose ``.grad`` still holds what the pass left there."""
        return {v: self._grads[v] - self.initial[v] for v in self._leaves
                if v.grad == self._grads[v] and self._grads[v] != self.initial[v]}

    def _where(self) -> str:
        """``'at step 3 of 21'``, ``'before the first of its 21 steps'`` or ``'all 21 steps taken'``."""
        if self._finished():
            return f"all {self.total} steps taken"
        if not self.steps:
            return f"before the first of its {self.total} steps"
        return f"at step {len(self.steps)} of {self.total}"

    def backward_begins(self, mark: object) -> Callable[[], None] | None:
        """Before a backward() over a graph whose nodes carry ``mark``: stop watching if it shares this
        pass's leaves, stop this pass if unfinished, and return the warning to give after the pass."""
        if not self._shares(mark):
            return None
        live_passes.remove(self)
        filled = self._filled()
        root = self.names[self.root]
        where = self._where()
        unfinished = not self._finished()
        if unfinished:
            self.interrupted = (f"step_through({root}): backward() ran over this graph when this pass was "
                                f"{where}, and filled every gradient; taking the next step would add a "
                                f"second time. For a fresh pass, set the gradients to 0 (zero_grad({root}) "
                                f"or net.zero_grad()) and call step_through again; to look without "
                                f"changing .grad, use step_through(..., live=False).")
            if not self.steps and not filled:
                return None  # nothing of this pass was in .grad: backward's numbers are right
        if not filled and not unfinished:
            return None  # the gradients this pass left were set to 0 or changed since: nothing adds up

        def say() -> None:
            warnings.warn(self._backward_message(filled, where, unfinished), GradientAccumulationWarning,
                          stacklevel=caller_stacklevel())
        return say

    def _backward_message(self, filled: dict[Value, float], where: str, unfinished: bool) -> str:
        """The warning after a backward() that added into gradients this live pass had filled."""
        root = self.names[self.root]
        leaves = len(self._leaves)
        text = f"backward(): a live step_through({root}) pass ({where}) "
        if filled:
            first = min(filled, key=lambda v: natural_key(self.names[v]))
            more = f"; {len(filled) - 1} more likewise" if len(filled) > 1 else ""
            text += (f"had already put gradients into {len(filled)} of the {leaves} inputs and parameters, "
                     f"and backward() added its own to them: {self.names[first]}.grad = "
                     f"{format_number(first.grad)} = {format_number(filled[first])} (step_through) + "
                     f"{format_number(first.grad - self._grads[first])} (backward){more}. ")
        else:
            text += "had begun on this graph, and backward() recomputed every gradient. "
        if unfinished:
            text += "That pass stops here (its next step raises). "
        return text + (f"For d{root}/d(leaf) alone, set the gradients to 0 first (zero_grad({root}) or "
                       f"net.zero_grad()) and run one pass; to look without changing .grad, use "
                       f"step_through(..., live=False).")

    def _taken_over(self, mark: object, root: Value) -> None:
        """A new live pass begins on a graph sharing this one's leaves: stop watching; stop if unfinished."""
        if not self._shares(mark):
            return
        live_passes.remove(self)
        if self._finished():
            return  # its gradients are what the new pass finds held, and warns about
        name = self.names[self.root]
        self.interrupted = (f"step_through({name}): another live step_through pass began on this graph "
                            f"when this one was {self._where()}, and reset its gradients; this pass "
                            f"cannot go on. Use the new stepper (or live=False to look without "
                            f"changing .grad).")
        warnings.warn(f"step_through: another live step_through({name}) pass was {self._where()} on this "
                      f"graph; it stops here (its next step raises), and this pass starts from the "
                      f"gradients it left. Finish one pass before starting the next, or use live=False.",
                      GradientAccumulationWarning, stacklevel=caller_stacklevel())

    def _check_untouched(self, node: Value) -> None:
        """Stop a live pass whose grads were changed from outside (a backward(), zero_grad, an assignment)."""
        if self.interrupted is None:
            grads = self._grads
            for v in (node, *node.parents):
                if v.grad != grads[v] and not (v.grad != v.grad and grads[v] != grads[v]):
                    self.interrupted = (
                        f"step_through({self.names[self.root]}): {self.names[v]}.grad is "
                        f"{format_number(v.grad)}, but this pass left {format_number(grads[v])} there: "
                        f"something else (backward(), zero_grad, an assignment) changed the gradients "
                        f"when this pass was {self._where()}, so its next step would add to numbers it "
                        f"did not make. Start a fresh pass: zero_grad({self.names[self.root]}), then "
                        f"step_through again (or live=False to look without changing .grad).")
                    break
        if self.interrupted is not None:
            raise RuntimeError(self.interrupted)

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
        if self.live:
            try:
                self._check_untouched(node)
            except RuntimeError:
                self._position -= 1
                raise
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
            store_grad(parent, after)  # unchecked, as backward's own update: inf is caught at its turn
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

    def _preview(self) -> Stepper:
        """This pass with every step taken: itself when finished, else a copy that takes the remaining
        steps on private grads (the Values are left as they are: a view that changes .grad is a trap)."""
        if self._finished():
            return self
        if self.interrupted is not None:
            raise RuntimeError(self.interrupted)
        if self.live:
            self._check_untouched(self.root)
        preview = copy.copy(self)
        preview.live = False
        preview._grads = dict(self._grads)
        preview._derivative = dict(self._derivative)
        preview.steps = list(self.steps)
        return preview.run()

    def table(self, leaves: bool = True, width: int | None = CONSOLE) -> Table:
        """The whole backward pass as a chain-rule table, one row per edge; no ``.grad`` changes.

        The steps not taken yet are worked out on a private copy of the grads: the table is a
        view, and a live pass changes ``.grad`` only as you step (``next(stepper)``, ``run()``).
        With ``leaves``, the gradients of the leaves (inputs and parameters) follow the table.
        The table prints at most ``width`` columns wide (``CONSOLE``: the console's width, measured as
        it prints; wrapped when needed; ``None``: one line per edge, however wide); in Jupyter it
        shows as an HTML table.

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
        view = self._preview()
        untaken = self.total - len(self.steps) if self.live and self.steps else 0
        root = self.names[self.root]
        held = bool(self.held)
        last = ".grad: before → after" if held else f"d{_grouped_name(root)}/d(parent): before → after"
        header = ("step", "node", "chain rule", "local", "upstream", "contribution", last)
        rows, headings = [], []
        for step in view.steps:
            for i, edge in enumerate(step.edges):
                first = i == 0
                rows.append((f"{step.index}/{step.total}" if first else "", step.equation if first else "",
                             step.update(edge), format_number(edge.local), format_number(step.upstream),
                             format_number(edge.contribution),
                             f"{format_number(edge.before)} → {format_number(edge.after)}"))
                headings.append(f"{step.index}/{step.total}  {step.equation}   "
                                f"(upstream {_d(root, step.name)} = {format_number(step.upstream)})"
                                if first else None)
        notes = self._table_notes(view, untaken, leaves)
        return Table(header, rows, numeric=(3, 4, 5), notes=notes, headings=headings,
                     narrow=(2, 3, 5, 6), width=width)

    def _table_notes(self, view: Stepper, untaken: int, leaves: bool) -> list[str]:
        """The lines under the table: what held a gradient, what was folded or not taken yet, and
        the leaves' gradients."""
        root, held = self.names[self.root], bool(self.held)
        notes: list[str] = []
        if held:
            notes += [f"note: {len(self.held)} inputs and parameters held a gradient before this pass "
                      f"(an earlier backward()?);",
                      "      their .grad adds this pass to it, as backward() does; the last column "
                      "shows .grad."]
        if self.folded:
            notes += [f"note: sum() starts from 0; the step that adds the 0 is folded into the next one "
                      f"({len(self.folded)} folded);",
                      "      total(values) and dot(w, x, b) add in one node instead."]
        if untaken:
            notes += [f"note: steps {len(self.steps) + 1} to {self.total} are not taken yet: the table shows "
                      f"them without changing .grad;",
                      "      .grad changes as you step (next(stepper), or stepper.run() for the rest)."]
        if leaves:
            if notes:
                notes.append("")
            notes.append("gradients of the leaves (this pass):" if held else "gradients of the leaves:")
            for v in sorted((v for v in self.order if v.is_leaf), key=lambda v: natural_key(self.names[v])):
                line = f"  {_d(root, self.names[v])} = {format_number(view.derivative(v))}"
                if v in self.held:
                    line += f"   (.grad = {format_number(view._grads[v])}: accumulated with the earlier one)"
                notes.append(line)
        return notes

    def __repr__(self) -> str:
        root = self.names[self.root]
        made_up = sorted((self.names[v] for v in self.invented if v is not self.root), key=natural_key)
        made_up = made_up or [self.names[v] for v in self.invented]
        hint = f"; names like {made_up[0]} are made up: pass names= or set .label" if made_up else ""
        return f"<Stepper for {root!r}: {len(self.steps)} of {self.total} steps taken{hint}>"


def step_through(root: Value, *, names: Names | None = None, live: bool = True) -> Stepper:
    """The backward pass of ``root`` as an iterator of steps, in reverse topological order.

    Live (the default), it sets up the grads as ``backward`` does (inner grads reset, leaves
    keep theirs, root += 1) right away and updates them step by step. ``live=False`` walks a
    fresh pass on a private copy of the grads (leaves from 0) and leaves the Values alone.
    ``names`` gives Values names (``{value: name}``, pairs such as ``named_parameters()``, or a
    namespace such as ``globals()``, whose Values are picked out by their variable names);
    unlabelled nodes get made-up names (the root ``L``, then ``t1, t2, ...``).

    If leaves already hold a gradient (``C.backward()`` ran before), a live pass adds to it as
    ``backward`` does, with a ``GradientAccumulationWarning``; the table then shows ``.grad`` before
    and after, and its summary each leaf's derivative from this pass (also ``derivative(leaf)``).
    The same rule holds in every order: a ``backward()`` after (or in the middle of) a live pass
    on the same graph warns with the sums, and stops an unfinished pass, whose next step then
    raises; so does a second live pass (docs/common_mistakes.md). ``table()`` changes no ``.grad``.

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
