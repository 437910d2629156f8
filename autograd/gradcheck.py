"""``gradcheck``: compare backward's gradients with central finite differences.

The numerical estimate of df/dx is (f(x + h) − f(x − h)) / 2h. Its error shrinks
like h², so with h = 1e-6 the two agree to about 8 digits wherever f is smooth.

>>> from autograd import gradcheck
>>> report = gradcheck(lambda x, y: x * y + x.exp(), [1.5, -2.0])
>>> report.ok
True
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from .grad_mode import no_grad
from .text import visible_text
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
        return "\n".join(lines)

    __str__ = table

    def __repr__(self) -> str:
        return f"GradcheckReport(ok={self.ok})\n{self.table()}"


def gradcheck(f: Callable[..., Value], inputs: Sequence[Number | Value], eps: float = 1e-6,
              rtol: float = 1e-5, atol: float = 1e-7) -> GradcheckReport:
    """Check ``f``'s gradient with respect to each of ``inputs`` against finite differences.

    ``f`` is called as ``f(*values)`` with one Value per input and must return a Value.
    A row agrees when |backward − numerical| <= atol + rtol·|numerical|.
    Returns a report: truthy when all agree, ``print(report)`` shows the table.

    >>> print(gradcheck(lambda a: a.sigmoid(), [0.5]))  # doctest: +NORMALIZE_WHITESPACE +ELLIPSIS
    input                  at         backward      finite diff     |diff|  ok
    --------------------------------------------------------------------------
    x0                    0.5     0.2350037122     0.2350037122   ...  yes
    all agree (h=1e-06, rtol=1e-05, atol=1e-07)
    """
    points = [float(x.data if isinstance(x, Value) else Value(x).data) for x in inputs]
    names = [x.label if isinstance(x, Value) and x.label else f"x{i}" for i, x in enumerate(inputs)]
    leaves = [Value(x, name) for x, name in zip(points, names)]
    _output_of(f, leaves).backward()

    rows = []
    for i, leaf in enumerate(leaves):
        numerical = (_evaluate(f, points, i, eps) - _evaluate(f, points, i, -eps)) / (2.0 * eps)
        ok = math.isclose(leaf.grad, numerical, rel_tol=rtol, abs_tol=atol)
        rows.append(GradcheckRow(names[i], points[i], leaf.grad, numerical, ok))
    return GradcheckReport(tuple(rows), eps, rtol, atol)


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
