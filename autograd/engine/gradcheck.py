"""``gradcheck``: compare backward's gradients with central finite differences.

The numerical estimate of df/dx is (f(x + h) − f(x − h)) / 2h. Its error shrinks
like h², so with h = 1e-6 the two agree to about 8 digits wherever f is smooth.

>>> from autograd import gradcheck
>>> report = gradcheck(lambda x, y: x * y + x.exp(), [1.5, -2.0])
>>> report.ok
True
"""

from __future__ import annotations

import inspect
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ..text import fit_line, python_maths, visible_text
from .backward import topological_order
from .grad_mode import no_grad
from .value import Number, Value


@dataclass(frozen=True)
class GradcheckRow:
    """One input's analytic (backward) and numerical (finite-difference) derivative."""

    name: str
    at: float
    analytic: float
    numerical: float
    ok: bool

    @property
    def error(self) -> float:
        """|analytic − numerical|."""
        return abs(self.analytic - self.numerical)


@dataclass(frozen=True)
class GradcheckReport:
    """All rows of a ``gradcheck``; true when every row agrees. ``str()`` prints the table."""

    rows: tuple[GradcheckRow, ...]
    eps: float
    rtol: float
    atol: float
    notes: tuple[str, ...] = ()
    """Why rows may disagree: an op evaluated on (or within reach of h of) one of its kinks."""

    @property
    def ok(self) -> bool:
        """Whether every input's two derivatives agree within the tolerances."""
        return all(row.ok for row in self.rows)

    @property
    def mismatches(self) -> tuple[GradcheckRow, ...]:
        """The rows that do not agree."""
        return tuple(row for row in self.rows if not row.ok)

    def __bool__(self) -> bool:
        return self.ok

    def table(self) -> str:
        """A fixed-width table: input, value, backward, finite difference, |difference|, verdict."""
        head = f"{'input':<12} {'at':>12} {'backward':>16} {'finite diff':>16} {'|diff|':>10}  ok"
        lines = [head, "-" * len(head)]
        for r in self.rows:
            name = visible_text(r.name, one_line=True)  # a label printed: no terminal control
            lines.append(f"{name:<12} {r.at:>12.6g} {r.analytic:>16.10g} {r.numerical:>16.10g} "
                         f"{r.error:>10.2e}  {'yes' if r.ok else 'NO'}")
        verdict = "all agree" if self.ok else f"{len(self.mismatches)} of {len(self.rows)} disagree"
        lines.append(f"{verdict} (h={self.eps:g}, rtol={self.rtol:g}, atol={self.atol:g})")
        return "\n".join([*lines, *(part for note in self.notes for part in fit_line(note))])

    __str__ = table

    def __repr__(self) -> str:
        return f"GradcheckReport(ok={self.ok})\n{self.table()}"


def gradcheck(f: Callable[..., Value], inputs: Sequence[Number | Value], eps: float = 1e-6,
              rtol: float = 1e-5, atol: float = 1e-7) -> GradcheckReport:
    """Check ``f``'s gradient with respect to each of ``inputs`` against finite differences.

    ``f`` is called as ``f(*values)`` with one Value per input and must return a Value. Each row
    is named after the input's label, else ``f``'s own argument name (``lambda a, b``: a, b),
    else x0, x1, ... Where rows disagree because an op sits on a kink (``relu`` at 0: the
    ``kinks`` of its row in RULES), a note after the table says so.
    A row agrees when |backward − numerical| <= atol + rtol·|numerical|.
    Returns a report: truthy when all agree, ``print(report)`` shows the table.

    >>> print(gradcheck(lambda a: a.sigmoid(), [0.5]))  # doctest: +NORMALIZE_WHITESPACE +ELLIPSIS
    input                  at         backward      finite diff     |diff|  ok
    --------------------------------------------------------------------------
    a                     0.5     0.2350037122     0.2350037122   ...  yes
    all agree (h=1e-06, rtol=1e-05, atol=1e-07)
    """
    points = [float(x.data if isinstance(x, Value) else Value(x).data) for x in inputs]
    own = _argument_names(f, len(points))
    names = [x.label if isinstance(x, Value) and x.label else own[i] for i, x in enumerate(inputs)]
    leaves = [Value(x, name) for x, name in zip(points, names)]
    out = _output_of(f, leaves)
    out.backward()

    rows = []
    for i, leaf in enumerate(leaves):
        numerical = (_evaluate(f, points, i, eps) - _evaluate(f, points, i, -eps)) / (2.0 * eps)
        ok = math.isclose(leaf.grad, numerical, rel_tol=rtol, abs_tol=atol)
        rows.append(GradcheckRow(names[i], points[i], leaf.grad, numerical, ok))
    notes = () if all(row.ok for row in rows) else _kink_notes(out)
    return GradcheckReport(tuple(rows), eps, rtol, atol, notes)


KINK_REACH = 1e-3
"""How close an op's operand must be to one of its kinks for a disagreement to be put down to it
(h = 1e-6 moves an operand that far when its derivative with respect to the input is 1000)."""


def _argument_names(f: Callable[..., Value], n: int) -> list[str]:
    """The names of ``f``'s first ``n`` positional parameters (``lambda a, b: ...``: a, b); x0, x1, ...
    for the rest, or when ``f`` takes ``*args`` or has no signature."""
    try:
        parameters = list(inspect.signature(f).parameters.values())
    except (TypeError, ValueError):
        parameters = []
    named = [p.name for p in parameters
             if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)][:n]
    return named + [f"x{i}" for i in range(len(named), n)]


def _kink_notes(out: Value) -> tuple[str, ...]:
    """A note for each op of ``out``'s graph evaluated on or near one of its kinks (the ``kinks`` field
    of its row in RULES), where backward's one-sided slope and a finite difference disagree."""
    notes = []
    for node in topological_order(out):
        rule = node.rule
        if rule is None or not rule.kinks or rule.variadic or len(node.parents) != 1:
            continue
        a = node.parents[0].data
        for kink in rule.kinks:
            if abs(a - kink) <= KINK_REACH:
                where = "on" if a == kink else f"{abs(a - kink):.1e} from"
                op = python_maths(rule.expr)
                notes.append(f"note: {op} is evaluated at a = {a!r}, {where} its kink at a = {kink!r}, "
                             f"where it has no derivative: backward uses the one slope its rule picks "
                             f"there, the finite difference averages both sides, so they may disagree. "
                             f"Check at a point away from the kink.")
                break
    return tuple(notes)


def _evaluate(f: Callable[..., Value], points: list[float], i: int, shift: float) -> float:
    """f's value with input ``i`` moved by ``shift``, computed without building a graph."""
    moved = list(points)
    moved[i] += shift
    with no_grad():
        return _output_of(f, [Value(x) for x in moved]).data


def _output_of(f: Callable[..., Value], values: list[Value]) -> Value:
    out = f(*values)
    if not isinstance(out, Value):
        raise TypeError(f"gradcheck: f must return a Value, got {type(out).__name__} {out!r}")
    return out
