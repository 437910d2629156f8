"""The shape of one row of ``RULES``: an op's ``Rule`` and its replay template ``Code``.

A row holds everything about one op (docs/architecture.md): its forward (output and local
derivatives at once), the derivatives written for people, the same derivatives as expressions of
the ops themselves (for higher-order gradients), the replay template, the method's docstring, how
a hand calculation writes it as a function, and which operand is which (``split``). Views and the
replay ask the row; none keeps its own list of op names. The rows themselves are written in
``ops_arithmetic.py``, ``ops_functions.py`` and ``ops_fused.py``; ``rules.py`` gathers them.

>>> from autograd import RULES
>>> RULES["σ(a)"].slope_text("z"), RULES["σ(w·x + b)"].activation
("sigma'(z)", 'sigmoid')
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

Check = Callable[..., "str | None"]


@dataclass(frozen=True, slots=True)
class Code:
    """A rule written as Python for the replay (``autograd.trace``): valid for floats and NumPy arrays.

    Each string is a Python expression over the operands ``a``, ``b``, ``c`` (variadic rows: ``w[i]``,
    ``b``, ``x[i]`` and ``a[i]``) and the output ``out``, using ``exp``, ``log``, ``log1p``, ``sqrt``,
    ``tanh``, ``abs`` and ``where(condition, if_true, if_false)``; ``dot(w, x)`` is
    ``w0*x0 + w1*x1 + …`` and ``fsum(a)`` the correctly rounded sum of all operands. ``fsum``,
    ``excess`` (the sum − 1, see ``excess``) and ``largest`` (the max) also take an expression of
    each operand (``fsum(exp(a - m))``); ``a[c]`` is the operand at the class index c (a literal,
    or an input the program reads), ``classes`` the number of operands and ``i`` the edge's own
    index. The expressions
    do the same float operations in the same order as the row's ``forward``, so a replay gives the
    same bits as the graph.

    >>> from autograd import RULES
    >>> RULES["σ(a)"].code.setup, RULES["σ(a)"].code.local     # σ' = e/(1 + e)² with e = exp(−|a|)
    (('e = exp(-abs(a))', 'q = 1.0 + e'), ('e / (q * q)',))
    """

    out: str
    """The output."""
    local: tuple[str, ...]
    """The local derivative on each edge, in ``formulas`` order (variadic rows: one per role)."""
    setup: tuple[str, ...] = ()
    """Statements ``name = expression`` computing temporaries that ``out`` and ``local`` share."""
    domain: str | None = None
    """A condition true where the row's ``check`` finds nothing wrong (None: defined everywhere)."""
    propagates: bool = False
    """True when an inf or NaN operand always gives an inf or NaN output (the replay then need not
    check that operand for overflow: the output shows it)."""


@dataclass(frozen=True, slots=True)
class Rule:
    """One op: its forward computation and the local derivative on each Value edge.

    >>> from autograd import RULES
    >>> RULES["exp(a)"].name, RULES["exp(a)"].formulas, RULES["exp(a)"].forward(0.0)
    ('exp', ('exp(a)',), (1.0, 1.0))
    """

    name: str
    """Short op name recorded on nodes and shown in reprs, e.g. ``'mul'``."""
    expr: str
    """The op written with its operands, e.g. ``'a·c'``; also the table's key."""
    forward: Callable[..., tuple[float, ...]]
    """From the operands' floats: the output, then d(out)/d(operand) for each Value operand."""
    formulas: tuple[str, ...]
    """The same local derivatives written for people, one per Value operand."""
    check: Check | None = None
    """Returns why the operands lie outside the op's domain, or None when they are fine."""
    kinks: tuple[float, ...] = ()
    """Points where the op is not differentiable (for a neuron row: values of z = w·x + b);
    the rule uses PyTorch's one-sided choice there."""
    variadic: bool = False
    """True for ops of any number of Values (Σ, w·x + b); ``formulas`` then go with ``roles``."""
    roles: tuple[str, ...] = ()
    """For a variadic rule, the kind of operand each formula is for: ``('wᵢ', 'b', 'xᵢ')``."""
    code: Code | None = None
    """The same computation as a Python template, for the replay (see ``Code``)."""
    derivatives: Callable[..., tuple] | None = None
    """The same local derivatives as expressions of the op's own operations, for higher-order
    gradients: called with the operands (Values, and plain numbers for constants) and then the
    output, it returns one Value or plain number per operand, in ``forward``'s order
    (``mul``: ``(b, a)``; ``σ``: ``(out·(1 − out),)``). Given floats, it computes with floats, so
    each row can be checked against ``forward``. Used only by ``grad(..., create_graph=True)``."""
    doc: str | None = None
    """The docstring of the ``Value`` method made from this row (None: one written from ``formulas``)."""
    function: str = ""
    """How a hand calculation writes the op as a function of its Value (``sigmoid``: ``sigmoid(z)``);
    empty for an operator (``a·b``) and for the rows of many Values."""
    prime: str = ""
    """The name its slope is written with when that is not ``function`` (``sigma``: ``sigma'(z)``)."""
    activation: str = ""
    """For a neuron row act(w·x + b): the activation's op name (``'sigmoid'``), as ``dot`` takes it."""
    class_index: bool = False
    """True when the last plain-number operand is a class index (softmax cross-entropy's c)."""

    @property
    def variables(self) -> tuple[str, ...]:
        """Names of the Value operands, in edge order: ``('a', 'b')``, ``('a',)``.

        A variadic rule names a small example: ``('a0', 'a1', 'a2')`` for Σ.
        """
        if self.roles == ("aᵢ",):
            return ("a0", "a1", "a2")
        if self.variadic:  # roles wᵢ, b, xᵢ
            return ("w0", "w1", "b", "x0", "x1")
        return ("a", "b")[: len(self.formulas)]

    def derivative_text(self, edge: int) -> str:
        """The local derivative on one edge as a line of maths: ``'d(a·b)/db = a'``.

        >>> from autograd import RULES
        >>> RULES["σ(a)"].derivative_text(0)
        'dσ(a)/da = σ(a)·(1 − σ(a))'
        """
        return f"{self.d_out}/d{self.variables[edge]} = {self.formulas[edge]}"

    @property
    def d_out(self) -> str:
        """The numerator of this op's derivatives: ``'d(a·b)'``, ``'dσ(a)'``, ``'d exp(a)'``."""
        if not re.fullmatch(r"\w+\(.*\)|√a|\|a\||½?\(.*\)²", self.expr):
            return f"d({self.expr})"
        return f"d {self.expr}" if self.expr[0].isascii() and self.expr[0] != "(" else f"d{self.expr}"

    def edge_text(self, edge: int, n_edges: int, constant_inputs: bool = False) -> str:
        """``derivative_text`` for any rule, variadic ones included, given the node's edge count.

        >>> from autograd import RULES
        >>> RULES["w·x + b"].edge_text(1, 5)      # edges w0, w1, b, x0, x1
        'd(w·x + b)/dw1 = x1'
        >>> RULES["Σ aᵢ"].edge_text(7, 10)
        'd(Σ aᵢ)/da7 = 1'
        >>> RULES["σ(w·x + b)"].edge_text(2, 3, constant_inputs=True)   # edges w0, w1, b
        "dσ(w·x + b)/db = σ'(z)"
        """
        if not self.variadic:
            return self.derivative_text(edge)
        kind, i = self.edge_role(edge, n_edges, constant_inputs)
        role, formula = self.roles[kind], self.formulas[kind]
        if self.class_index:  # "1 if i == c": the edge's own i
            formula = formula.replace("i == c", f"{edge} == c")
        return f"{self.d_out}/d{role.replace('ᵢ', str(i))} = {formula.replace('ᵢ', str(i))}"

    def slope_text(self, operand: str) -> str:
        """How a hand calculation writes this function's slope at ``operand``: ``sigma'(z)``.

        >>> from autograd import RULES
        >>> RULES["tanh(a)"].slope_text("a1")
        "tanh'(a1)"
        """
        return f"{self.prime or self.function}'({operand})"

    def split(self, values: Sequence[Any], constants: Sequence[Any] = ()) -> Operands:
        """A node's operands by role: its Values in edge order and its plain numbers, as the row
        lays them out. Σ: every term (plain numbers last); softmax cross-entropy: the logits and the
        class index; dot and neuron rows: w0..w(n-1), b, then x0..x(n-1) (Values, or the plain
        numbers when the inputs are constants); any other row: its Values as ``terms``.

        >>> from autograd import RULES
        >>> RULES["w·x + b"].split(["w0", "w1", "b", "x0", "x1"])
        Operands(terms=(), weights=('w0', 'w1'), bias='b', inputs=('x0', 'x1'), class_index=None)
        >>> RULES["logsumexp(a)−a_c"].split(["z0", "z1"], [1.0]).class_index
        1.0
        """
        if self.class_index:
            return Operands(tuple(values), (), None, (), constants[-1])
        if not self.variadic or self.roles == ("aᵢ",):
            return Operands((*values, *constants) if self.variadic else tuple(values), (), None, (), None)
        n = len(values) - 1 if constants else (len(values) - 1) // 2
        return Operands((), tuple(values[:n]), values[n], tuple(constants) or tuple(values[n + 1:]), None)

    def edge_role(self, edge: int, n_edges: int, constant_inputs: bool = False) -> tuple[int, int]:
        """For edge ``edge`` of a node with ``n_edges`` edges: which of ``formulas`` (and ``roles``)
        it takes, and its own index i (wᵢ, xᵢ, aᵢ).

        >>> from autograd import RULES
        >>> RULES["w·x + b"].edge_role(3, 5), RULES["Σ aᵢ"].edge_role(7, 10), RULES["a·b"].edge_role(1, 2)
        ((2, 0), (0, 7), (1, 0))
        """
        if not self.variadic:
            return edge, 0
        if self.roles == ("aᵢ",):
            return 0, edge
        n = n_edges - 1 if constant_inputs else (n_edges - 1) // 2
        kind = 0 if edge < n else 1 if edge == n else 2
        return kind, edge if kind == 0 else edge - n - 1 if kind == 2 else 0


class Operands(NamedTuple):
    """A node's operands by role (``Rule.split``); roles the row does not have are empty or None."""

    terms: tuple[Any, ...]
    """Σ's terms, softmax cross-entropy's logits, or the operands of a row of one or two Values."""
    weights: tuple[Any, ...]
    """w0..w(n-1) of a dot or neuron row."""
    bias: Any
    """b of a dot or neuron row."""
    inputs: tuple[Any, ...]
    """x0..x(n-1) of a dot or neuron row: Values, or plain numbers when the inputs are constants."""
    class_index: Any
    """Softmax cross-entropy's class index c, as given (a number, or what stands for one)."""
