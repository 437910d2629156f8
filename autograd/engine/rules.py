"""The table of derivative rules: every op chainrule knows, one row each.

The rows are written one block per op in ``ops_arithmetic.py``, ``ops_functions.py`` and
``ops_fused.py`` (the shape of a row is ``row.py``); this module gathers them in order.

A row's ``forward`` computes the op's output *and* the local derivative of that
output with respect to each operand that is a ``Value``, all at once, as the
forward pass runs: ``forward(a, b) -> (out, d_out/da, d_out/db)``. The row also
writes those derivatives for people (``formulas``) and says where the op is
defined (``check``). The engine computes with these rows, the stepper and the
graph renderer print them, and the tests check every row against finite
differences.

Operand names in ``expr`` and ``formulas``: ``a`` and ``b`` are Values, ``c`` is
a plain number (a constant such as the 3 in ``x * 3``, or a parameter such as
leaky ReLU's slope).

>>> RULES["a·b"].forward(2.0, 5.0)     # out = a·b, d/da = b, d/db = a
(10.0, 5.0, 2.0)
>>> RULES["a·b"].derivative_text(0)
'd(a·b)/da = b'
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from . import ops_arithmetic as arithmetic
from . import ops_functions as functions
from . import ops_fused as fused_rows
from .ops_functions import stable_sigmoid, stable_softplus, tanh_slope
from .ops_fused import excess
from .row import Code, Operands, Rule

if TYPE_CHECKING:
    from ..text import Table

__all__ = ["RULES", "Code", "Operands", "Rule", "RuleTable", "excess", "rules_table", "stable_sigmoid",
           "stable_softplus", "tanh_slope"]

_ROWS = (
    *arithmetic.ROWS,
    functions.LEAKY_RELU, functions.LEAKY_RELU_1, arithmetic.NEG, functions.EXP, functions.LOG,
    functions.SQRT, functions.TANH, functions.SIGMOID, functions.RELU, functions.ABS, functions.SOFTPLUS,
    # ops of many Values: one node instead of a chain, for speed (see autograd/engine/fused.py)
    fused_rows.SUM, fused_rows.DOT, fused_rows.NEURON_SIGMOID, fused_rows.NEURON_TANH, fused_rows.NEURON_RELU,
    # a loss against a plain-number target as one node
    fused_rows.BCE, fused_rows.SQUARED_ERROR, fused_rows.HALF_SQUARED_ERROR, fused_rows.CROSS_ENTROPY,
)


class RuleTable(dict[str, Rule]):
    """The rules keyed by ``expr``; an op name (``'mul'``, ``'sigmoid'``) works as an alias too.

    Iterating, ``len`` and ``in`` see the ``expr`` keys only. An op name gives the first row of
    that name: the op of two Values where there is one (``'mul'`` is ``'a·b'``, not ``'a·c'``).
    A node's own row is ``node.rule``. A key that is neither lists the valid ones.

    >>> RULES["mul"] is RULES["a·b"], RULES["sigmoid"].expr
    (True, 'σ(a)')
    >>> RULES["times"]
    Traceback (most recent call last):
    ...
    KeyError: "no rule 'times'. Op names: add, sub, mul, div, pow, ...; expressions: 'a + b', ..."
    """

    def __init__(self, rows: tuple[Rule, ...]) -> None:
        super().__init__((rule.expr, rule) for rule in rows)
        if len(self) != len(rows):
            raise ValueError("two rules share an expr")
        self.by_name: dict[str, Rule] = {}
        """The first row of each op name: the aliases."""
        for rule in rows:
            self.by_name.setdefault(rule.name, rule)

    def add(self, rule: Rule) -> Rule:
        """Put a new row in the table under its ``expr`` (and its op name, if that is new): what
        ``rules.py`` does for each row it gathers, at run time (a notebook, a test).

        >>> from autograd.engine.row import Code
        >>> cube = RULES.add(Rule("cube", "a³", lambda a: (a ** 3, 3 * a * a), ("3·a²",),
        ...                       code=Code("a ** 3", ("3.0 * a * a",))))
        >>> RULES["cube"] is RULES["a³"] is cube
        True
        >>> RULES.remove("a³"); "a³" in RULES, RULES.get("cube")
        (False, None)
        """
        if rule.expr in self:
            raise ValueError(f"RULES.add: there is a rule {rule.expr!r} already")
        self[rule.expr] = rule
        self.by_name.setdefault(rule.name, rule)
        return rule

    def remove(self, expr: str) -> None:
        """Take the row ``expr`` out again (and its op name's alias, if it was that row)."""
        rule = self.pop(expr)
        if self.by_name.get(rule.name) is rule:
            del self.by_name[rule.name]
            for other in self.values():  # the next row of that name, if there is one, as at load
                if other.name == rule.name:
                    self.by_name[rule.name] = other
                    break

    def __missing__(self, key: str) -> Rule:
        rule = self.by_name.get(key)
        if rule is None:
            names = ", ".join(self.by_name)
            exprs = ", ".join(repr(expr) for expr in self)
            raise KeyError(f"no rule {key!r}. Op names: {names}; expressions: {exprs}")
        return rule

    def get(self, key: str, default: Rule | None = None) -> Rule | None:  # type: ignore[override]
        """The rule for an ``expr`` or an op name, else ``default``."""
        return super().get(key) or self.by_name.get(key, default)


RULES: RuleTable = RuleTable(_ROWS)
"""Every rule, keyed by its ``expr`` (``'a·b'``, ``'a·c'``, ``'σ(a)'``, ...) or its op name."""


def rules_table() -> Table:
    """Every rule as a table that prints: the op, and the local derivative on each of its edges.

    The formulas keep their maths symbols; printed to a console that is not UTF-8 they are
    spelled in ASCII (see autograd/text.py), and lines wider than 100 columns wrap.

    >>> print(rules_table().render(width=None).splitlines()[2])
    add                 a + b              d(a + b)/da = 1;  d(a + b)/db = 1
    >>> print(rules_table().render(width=None).splitlines()[-2])
    half_squared_error  ½(a − c)²          d½(a − c)²/da = a − c
    """
    from ..text import Table  # printing lives in autograd/text.py; the engine does not import it at load

    rows = []
    for rule in _ROWS:
        if rule.variadic:
            pairs = zip(rule.roles, rule.formulas)
            texts = [f"{rule.d_out}/d{role} = {formula}" for role, formula in pairs]
        else:
            texts = [rule.derivative_text(edge) for edge in range(len(rule.formulas))]
        rows.append((rule.name, rule.expr, ";  ".join(texts)))
    return Table(("op", "expression", "local derivative on each edge"), rows, wrap_at=";  ")
