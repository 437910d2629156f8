"""The table of derivative rules: every op chainrule knows, one row each.

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

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..text import Table

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
    """The same computation as a Python template, for the replay (see ``Code`` and ``CODE``)."""
    derivatives: Callable[..., tuple] | None = None
    """The same local derivatives as expressions of the op's own operations, for higher-order
    gradients: called with the operands (Values, and plain numbers for constants) and then the
    output, it returns one Value or plain number per operand, in ``forward``'s order
    (``mul``: ``(b, a)``; ``σ``: ``(out·(1 − out),)``). Given floats, it computes with floats, so
    each row can be checked against ``forward``. Used only by ``grad(..., create_graph=True)``."""

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

        >>> RULES["w·x + b"].edge_text(1, 5)      # edges w0, w1, b, x0, x1
        'd(w·x + b)/dw1 = x1'
        >>> RULES["Σ aᵢ"].edge_text(7, 10)
        'd(Σ aᵢ)/da7 = 1'
        >>> RULES["σ(w·x + b)"].edge_text(2, 3, constant_inputs=True)   # edges w0, w1, b
        "dσ(w·x + b)/db = σ'(z)"
        """
        if not self.variadic:
            return self.derivative_text(edge)
        if self.roles == ("aᵢ",):  # Σ, and softmax cross-entropy ("1 if i == c": the edge's own i)
            role, formula, i = "aᵢ", self.formulas[0].replace("i == c", f"{edge} == c"), edge
        else:  # edges w0..w(n-1), b, then x0..x(n-1) when the inputs are Values
            n = n_edges - 1 if constant_inputs else (n_edges - 1) // 2
            kind = 0 if edge < n else 1 if edge == n else 2
            role, formula, i = self.roles[kind], self.formulas[kind], edge if kind == 0 else edge - n - 1
        return f"{self.d_out}/d{role.replace('ᵢ', str(i))} = {formula.replace('ᵢ', str(i))}"


# --- numerically stable building blocks -------------------------------------------------------

def stable_sigmoid(a: float) -> tuple[float, float]:
    """σ(a) = 1/(1 + e^-a) and σ'(a) = σ(a)·σ(−a) from one exp(−|a|): no overflow for any finite a,
    and no cancellation in σ'(a) where 1 − σ(a) would lose its digits (a ≫ 0).

    >>> stable_sigmoid(0.0), stable_sigmoid(1000.0), stable_sigmoid(-1000.0)
    ((0.5, 0.25), (1.0, 0.0), (0.0, 0.0))
    """
    e = math.exp(-abs(a))
    return (1.0 / (1.0 + e) if a >= 0.0 else e / (1.0 + e)), e / ((1.0 + e) * (1.0 + e))


def tanh_slope(x: float) -> float:
    """tanh'(x) = 1 − tanh²(x), computed as 4e/(1 + e)² with e = exp(−2|x|): no cancellation.

    >>> tanh_slope(0.0), tanh_slope(1000.0)
    (1.0, 0.0)
    """
    e = math.exp(-2.0 * abs(x))
    return 4.0 * e / ((1.0 + e) * (1.0 + e))


def stable_softplus(x: float) -> float:
    """ln(1 + e^x) without overflow: max(x, 0) + ln(1 + e^-|x|).

    >>> stable_softplus(1000.0)
    1000.0
    """
    return max(x, 0.0) + math.log1p(math.exp(-abs(x)))


# --- domain checks: each returns why the operands are not allowed, or None --------------------

def _positive(what: str) -> Check:
    def check(a: float, *rest: float) -> str | None:
        return None if a > 0.0 else f"{what} is defined only for a > 0"
    return check


def _nonzero_divisor(operand: int) -> Check:
    def check(*xs: float) -> str | None:
        return "division by zero" if xs[operand] == 0.0 else None
    return check


def _check_power(a: float, c: float) -> str | None:
    if a < 0.0 and not c.is_integer():
        return "a negative base needs a whole-number exponent (the result would be complex)"
    if a == 0.0 and c < 0.0:
        return "division by zero: 0 to a negative power"
    if a == 0.0 and 0.0 < c < 1.0:
        return "the derivative c·a**(c−1) is infinite at a = 0"
    return None


def _check_positive_base(a: float, b: float) -> str | None:
    if a > 0.0:
        return None
    return "the base must be > 0: d(a**b)/db = a**b·ln(a) needs ln(a)"


def _check_rpow(a: float, c: float) -> str | None:
    return None if c > 0.0 else "the base c must be > 0: d(c**a)/da = c**a·ln(c) needs ln(c)"


# --- forward functions that need more than one line -------------------------------------------

def _div(a: float, b: float) -> tuple[float, float, float]:
    out = a / b
    return out, 1.0 / b, -out / b


def _slope_of_power(a: float, e: float) -> float:
    """e·a**(e−1), the slope of a**e in a: 0 when e is 0 (a**0 is constant, even at a = 0, as in
    PyTorch), and inf (never an exception) when only the slope overflows, so that the engine can
    tell an overflowing derivative from an overflowing value."""
    if e == 0.0:
        return 0.0
    try:
        return e * a ** (e - 1.0)
    except OverflowError:  # 1e-160 ** -2: the value a**e may still be finite
        odd_power_of_negative = a < 0.0 and (e - 1.0) % 2.0 == 1.0
        return math.copysign(math.inf, -e if odd_power_of_negative else e)


def _pow(a: float, b: float) -> tuple[float, float, float]:
    out = a**b
    return out, _slope_of_power(a, b), out * math.log(a)


def _power(a: float, c: float) -> tuple[float, float]:
    return a**c, _slope_of_power(a, c)


def _rpow(a: float, c: float) -> tuple[float, float]:
    out = c**a
    return out, out * math.log(c)


def _total(*xs: float) -> tuple[float, ...]:
    return (math.fsum(xs), *(1.0 for _ in xs))


def _weighted_sum(operands: tuple[float, ...], n: int) -> float:
    """w0·x0 + w1·x1 + … + b from operands w0..w(n-1), b, x0..x(n-1), added in that order: the
    same float, bit for bit, as the fine-grained graph ``w0*x0 + w1*x1 + … + b``."""
    z = operands[0] * operands[n + 1]
    for i in range(1, n):
        z += operands[i] * operands[n + 1 + i]
    return z + operands[n]


def _dot(*operands: float) -> tuple[float, ...]:
    """Operands w0..w(n-1), b, x0..x(n-1): out = Σ wᵢ·xᵢ + b, then d/dwᵢ = xᵢ, d/db = 1, d/dxᵢ = wᵢ."""
    n = len(operands) >> 1
    return (_weighted_sum(operands, n), *operands[n + 1:], 1.0, *operands[:n])


def _neuron(activation: Callable[[float], tuple[float, float]]) -> Callable[..., tuple[float, ...]]:
    """The forward of activation(w·x + b) from the activation's own row forward (value, slope)."""
    def forward(*operands: float) -> tuple[float, ...]:
        n = len(operands) >> 1
        z = _weighted_sum(operands, n)
        if z - z != 0.0:  # the activation would hide it (σ(inf) is 1.0), as the other modes never do
            raise OverflowError("w*x + b overflows the float range")
        out, slope = activation(z)
        return (out, *[slope * x for x in operands[n + 1:]], slope, *[slope * w for w in operands[:n]])
    return forward


def excess(values: list[float]) -> float:
    """Σ values − 1, correctly rounded (``math.fsum`` of the values and −1): for the terms
    exp(aᵢ − m) of a softmax, one of which is exactly 1, the sum of the others with all its digits.

    >>> excess([1.0, 1e-17]), sum([1.0, 1e-17]) - 1.0
    (1e-17, 0.0)
    """
    return math.fsum([*values, -1.0])


def _check_class(*operands: float) -> str | None:
    """The class index c of softmax cross-entropy: a whole number from 0 to n − 1."""
    *logits, c = operands
    if c == math.floor(c) and 0.0 <= c < len(logits):
        return None
    shown = int(c) if c - c == 0.0 and c == math.floor(c) else c
    return f"target must be a class index in 0..{len(logits) - 1}, got {shown!r}"


def _softmax_cross_entropy(*operands: float) -> tuple[float, ...]:
    """Operands a0..a(n-1), c: out = log(1 + t) + (m − a_c) with m = max aᵢ and t = Σ exp(aᵢ − m) − 1
    (the terms other than the largest's 1, summed exactly): no overflow for any finite logits, and
    no digits lost when a_c is the largest or near it (log1p(t) is not rounded to the size of m
    first). d/daᵢ = softmax(a)ᵢ − [i = c]. ``autograd.fused.softmax_cross_entropy`` checks c."""
    *logits, c = operands
    m = max(logits)
    exps = [math.exp(a - m) for a in logits]
    s = math.fsum(exps)
    t = excess(exps)
    r = 1.0 / s
    k = int(c)
    slopes = [e * r for e in exps]
    slopes[k] = slopes[k] - 1.0
    return (math.log1p(t) + (m - logits[k]), *slopes)


def _check_bce(a: float, c: float) -> str | None:
    """Binary cross-entropy's operands: a target c in [0, 1], and a probability a whose log is finite
    where its weight (c or 1 − c) is not 0."""
    if not 0.0 <= c <= 1.0:
        return f"the target must be in [0, 1], got {c!r}"
    for weight, q, side in ((c, a, "p"), (1.0 - c, 1.0 - a, "1 − p")):
        if weight > 0.0 and q <= 0.0:
            return (f"the probability p={a!r} with target {c!r} makes log({side}) infinite; use "
                    f"binary_cross_entropy_with_logits on the logit instead")
    return None


def _bce(a: float, c: float) -> tuple[float, float]:
    """−[c·log a + (1 − c)·log(1 − a)], a term whose weight is 0 left out (so a = 1, c = 1 gives 0);
    d/da = −c/a + (1 − c)/(1 − a), with the same terms left out."""
    q = 1.0 - a
    t = (math.log(a) * c if c > 0.0 else 0.0) + (math.log(q) * (1.0 - c) if c < 1.0 else 0.0)
    d = (-c / a if c > 0.0 else 0.0) + ((1.0 - c) / q if c < 1.0 else 0.0)
    return -t, d


def _tanh(a: float) -> tuple[float, float]:
    return math.tanh(a), tanh_slope(a)


def _relu(a: float) -> tuple[float, float]:
    return (a, 1.0) if a > 0.0 else (0.0, 0.0)


def _exp(a: float) -> tuple[float, float]:
    out = math.exp(a)
    return out, out


def _sqrt(a: float) -> tuple[float, float]:
    out = math.sqrt(a)
    return out, 0.5 / out


def _abs(a: float) -> tuple[float, float]:
    return abs(a), (1.0 if a > 0.0 else -1.0 if a < 0.0 else 0.0)


# --- the local derivatives as expressions (for higher-order gradients) ------------------------
# Each takes the operands and the output (Values, or floats: the same code computes both) and
# returns d(out)/d(operand) for each operand. A plain number in the result is a constant: its own
# derivative is 0. Piecewise rows (relu, leaky_relu, abs) choose the constant by the operand's
# number, with the kink convention of ``forward`` (PyTorch's): relu'(0) = 0, leaky_relu'(0) = c,
# |a|'(0) = 0; their second derivative is 0 everywhere (at the kink too).

def _log(x: Any) -> Any:
    """log of a Value (an op) or of a float."""
    return math.log(x) if isinstance(x, float) else x.log()


def _sigmoid(x: Any) -> Any:
    """σ of a Value (an op) or of a float (the row's own stable float)."""
    return stable_sigmoid(x)[0] if isinstance(x, float) else x.sigmoid()


def _exp_of(x: Any) -> Any:
    """exp of a Value (an op) or of a float."""
    return math.exp(x) if isinstance(x, float) else x.exp()


def _d_pow(a: Any, b: Any, out: Any) -> tuple[Any, Any]:
    # a > 0 here (the row's check), so b·a**(b−1) is finite even at b = 0, where it is 0 as the
    # float form's is; unlike PyTorch, which writes a constant 0 there, it keeps its derivative in
    # b (a**(b−1)·(1 + b·ln a) = 1/a at b = 0), so d²(a**b)/da db is right at b = 0 too.
    return b * a ** (b - 1.0), out * _log(a)


def _d_power(a: Any, c: float, out: Any) -> tuple[Any]:
    return (0.0 if c == 0.0 else c * a ** (c - 1.0)),


def _d_sigmoid(a: Any, out: Any) -> tuple[Any]:
    return out * (1.0 - out),


def _d_tanh(a: Any, out: Any) -> tuple[Any]:
    return 1.0 - out * out,


def _d_softplus(a: Any, out: Any) -> tuple[Any]:
    return _sigmoid(a),


def _d_softmax_cross_entropy(*operands: Any) -> tuple[Any, ...]:
    # softmax(a)ᵢ = exp(aᵢ − logsumexp(a)) and logsumexp(a) = out + a_c: the exponent is ≤ 0
    *logits, c, out = operands
    k = int(c)
    lse = out + logits[k]
    return tuple(_exp_of(a - lse) - 1.0 if i == k else _exp_of(a - lse) for i, a in enumerate(logits))


def _d_bce(a: Any, c: float, out: Any) -> tuple[Any]:
    d: Any = -c / a if c > 0.0 else 0.0
    return (d + (1.0 - c) / (1.0 - a) if c < 1.0 else d),


def _d_dot(*operands: Any) -> tuple[Any, ...]:
    n = (len(operands) - 1) >> 1
    return (*operands[n + 1: 2 * n + 1], 1.0, *operands[:n])


def _d_neuron(slope_of: Callable[[Any], Any]) -> Callable[..., tuple[Any, ...]]:
    """The local derivatives of act(w·x + b) from act's slope written in its output."""
    def derivatives(*operands: Any) -> tuple[Any, ...]:
        n = (len(operands) - 1) >> 1
        slope = slope_of(operands[-1])
        if isinstance(slope, float) and slope == 1.0:  # relu, on: the slope is the constant 1
            return (*operands[n + 1: 2 * n + 1], 1.0, *operands[:n])
        if isinstance(slope, float) and slope == 0.0:  # relu, off
            return (0.0,) * (2 * n + 1)
        return (*[slope * x for x in operands[n + 1: 2 * n + 1]], slope, *[slope * w for w in operands[:n]])
    return derivatives


# --- the table --------------------------------------------------------------------------------
# Each forward returns (out, d_out/da[, d_out/db]); the formulas say the same derivatives in words.

_ROWS = (
    # ops of two Values
    Rule("add", "a + b", lambda a, b: (a + b, 1.0, 1.0), ("1", "1"),
         derivatives=lambda a, b, out: (1.0, 1.0)),
    Rule("sub", "a − b", lambda a, b: (a - b, 1.0, -1.0), ("1", "−1"),
         derivatives=lambda a, b, out: (1.0, -1.0)),
    Rule("mul", "a·b", lambda a, b: (a * b, b, a), ("b", "a"),
         derivatives=lambda a, b, out: (b, a)),
    Rule("div", "a / b", _div, ("1/b", "−a/b²"), check=_nonzero_divisor(1),
         derivatives=lambda a, b, out: (1.0 / b, -out / b)),
    Rule("pow", "a ** b", _pow, ("b·a**(b−1)", "a**b·ln(a)"), check=_check_positive_base,
         derivatives=_d_pow),
    # ops of one Value and a plain number c
    Rule("add", "a + c", lambda a, c: (a + c, 1.0), ("1",),
         derivatives=lambda a, c, out: (1.0,)),
    Rule("sub", "a − c", lambda a, c: (a - c, 1.0), ("1",),
         derivatives=lambda a, c, out: (1.0,)),
    Rule("sub", "c − a", lambda a, c: (c - a, -1.0), ("−1",),
         derivatives=lambda a, c, out: (-1.0,)),
    Rule("mul", "a·c", lambda a, c: (a * c, c), ("c",),
         derivatives=lambda a, c, out: (c,)),
    Rule("div", "a / c", lambda a, c: (a / c, 1.0 / c), ("1/c",), check=_nonzero_divisor(1),
         derivatives=lambda a, c, out: (1.0 / c,)),
    Rule("div", "c / a", lambda a, c: (c / a, -c / a / a), ("−c/a²",), check=_nonzero_divisor(0),
         derivatives=lambda a, c, out: (-c / a / a,)),
    Rule("pow", "a ** c", _power, ("c·a**(c−1)",), check=_check_power,
         derivatives=_d_power),
    Rule("pow", "c ** a", _rpow, ("c**a·ln(c)",), check=_check_rpow,
         derivatives=lambda a, c, out: (out * math.log(c),)),
    Rule("leaky_relu", "leaky_relu(a, c)", lambda a, c: (a, 1.0) if a > 0.0 else (c * a, c),
         ("1 if a > 0 else c",), kinks=(0.0,),
         derivatives=lambda a, c, out: (1.0 if a > 0.0 else c,)),
    # the same function with the slope at exactly 0 of Deep learning for beginners (2)
    # ("1" in its name): 1, not c
    Rule("leaky_relu", "leaky_relu1(a,c)", lambda a, c: (a, 1.0) if a >= 0.0 else (c * a, c),
         ("1 if a ≥ 0 else c",), kinks=(0.0,),
         derivatives=lambda a, c, out: (1.0 if a >= 0.0 else c,)),
    # ops of one Value
    Rule("neg", "−a", lambda a: (-a, -1.0), ("−1",),
         derivatives=lambda a, out: (-1.0,)),
    Rule("exp", "exp(a)", _exp, ("exp(a)",),
         derivatives=lambda a, out: (out,)),
    Rule("log", "log(a)", lambda a: (math.log(a), 1.0 / a), ("1/a",), check=_positive("log(a)"),
         derivatives=lambda a, out: (1.0 / a,)),
    Rule("sqrt", "√a", _sqrt, ("1/(2·√a)",), check=_positive("√a (with a finite derivative)"),
         derivatives=lambda a, out: (0.5 / out,)),
    Rule("tanh", "tanh(a)", _tanh, ("1 − tanh(a)²",),
         derivatives=_d_tanh),
    Rule("sigmoid", "σ(a)", stable_sigmoid, ("σ(a)·(1 − σ(a))",),
         derivatives=_d_sigmoid),
    Rule("relu", "relu(a)", _relu, ("1 if a > 0 else 0",), kinks=(0.0,),
         derivatives=lambda a, out: (1.0 if a > 0.0 else 0.0,)),
    Rule("abs", "|a|", _abs, ("sign(a)",), kinks=(0.0,),
         derivatives=lambda a, out: (1.0 if a > 0.0 else -1.0 if a < 0.0 else 0.0,)),
    Rule("softplus", "softplus(a)", lambda a: (stable_softplus(a), stable_sigmoid(a)[0]), ("σ(a)",),
         derivatives=_d_softplus),
    # ops of many Values: one node instead of a chain, for speed (see autograd/fused.py)
    Rule("sum", "Σ aᵢ", _total, ("1",), variadic=True, roles=("aᵢ",),
         derivatives=lambda *operands: (1.0,) * (len(operands) - 1)),
    Rule("dot", "w·x + b", _dot, ("xᵢ", "1", "wᵢ"), variadic=True, roles=("wᵢ", "b", "xᵢ"),
         derivatives=_d_dot),
    # a whole neuron, activation included (z = w·x + b): 2n + 1 nodes become one
    Rule("neuron", "σ(w·x + b)", _neuron(stable_sigmoid), ("σ'(z)·xᵢ", "σ'(z)", "σ'(z)·wᵢ"), variadic=True,
         roles=("wᵢ", "b", "xᵢ"),
         derivatives=_d_neuron(lambda out: out * (1.0 - out))),
    Rule("neuron", "tanh(w·x + b)", _neuron(_tanh), ("tanh'(z)·xᵢ", "tanh'(z)", "tanh'(z)·wᵢ"),
         variadic=True, roles=("wᵢ", "b", "xᵢ"),
         derivatives=_d_neuron(lambda out: 1.0 - out * out)),
    Rule("neuron", "relu(w·x + b)", _neuron(_relu), ("relu'(z)·xᵢ", "relu'(z)", "relu'(z)·wᵢ"),
         variadic=True, roles=("wᵢ", "b", "xᵢ"), kinks=(0.0,),
         derivatives=_d_neuron(lambda out: 1.0 if out > 0.0 else 0.0)),
    # a loss against a plain-number target as one node
    Rule("bce", "bce(a, c)", _bce, ("−c/a + (1 − c)/(1 − a)",), check=_check_bce,
         derivatives=_d_bce),
    Rule("squared_error", "(a − c)²", lambda a, c: ((a - c) * (a - c), 2.0 * (a - c)), ("2·(a − c)",),
         derivatives=lambda a, c, out: (2.0 * (a - c),)),
    Rule("half_squared_error", "½(a − c)²", lambda a, c: (0.5 * (a - c) * (a - c), a - c), ("a − c",),
         derivatives=lambda a, c, out: (a - c,)),
    # softmax cross-entropy of logits a0..a(n-1) against a class index c, as one node
    Rule("cross_entropy", "logsumexp(a)−a_c", _softmax_cross_entropy,
         ("softmax(a)ᵢ − (1 if i == c else 0)",), check=_check_class, variadic=True, roles=("aᵢ",),
         derivatives=_d_softmax_cross_entropy),
)

# --- each row as Python, for the replay (autograd/trace.py) -----------------------------------
# The same operations in the same order as the forward functions above (the replay's bits equal the
# graph's); ``where(cond, x, y)`` is ``x if cond else y`` on floats and ``numpy.where`` on arrays.

_POWER_DOMAIN = "((a >= 0.0) | (c == floor(c))) & ((a != 0.0) | (c == 0.0) | (c >= 1.0))"
_SIGMOID = Code("where(a >= 0.0, 1.0 / q, e / q)", ("e / (q * q)",),
                setup=("e = exp(-abs(a))", "q = 1.0 + e"))
_TANH = Code("tanh(a)", ("4.0 * e / (q * q)",), setup=("e = exp(-2.0 * abs(a))", "q = 1.0 + e"))
_RELU = Code("where(a > 0.0, a, 0.0)", ("where(a > 0.0, 1.0, 0.0)",))


def _neuron_code(activation: Code) -> Code:
    """activation(w·x + b) written from the activation's own template, as ``_neuron`` computes it."""
    def on_z(text: str) -> str:
        return re.sub(r"\ba\b", "z", text)
    setup = ("z = dot(w, x) + b", *map(on_z, activation.setup), f"s = {on_z(activation.local[0])}")
    return Code(on_z(activation.out), ("s * x[i]", "s", "s * w[i]"), setup=setup)


CODE: dict[str, Code] = {
    "a + b": Code("a + b", ("1.0", "1.0"), propagates=True),
    "a − b": Code("a - b", ("1.0", "-1.0"), propagates=True),
    "a·b": Code("a * b", ("b", "a"), propagates=True),
    "a / b": Code("a / b", ("1.0 / b", "-out / b"), domain="b != 0.0"),
    "a ** b": Code("a ** b", ("where(b != 0.0, b * a ** (b - 1.0), 0.0)", "out * log(a)"),
                   domain="a > 0.0"),
    "a + c": Code("a + c", ("1.0",), propagates=True),
    "a − c": Code("a - c", ("1.0",), propagates=True),
    "c − a": Code("c - a", ("-1.0",), propagates=True),
    "a·c": Code("a * c", ("c",), propagates=True),
    "a / c": Code("a / c", ("1.0 / c",), domain="c != 0.0", propagates=True),
    "c / a": Code("c / a", ("-c / a / a",), domain="a != 0.0"),
    "a ** c": Code("a ** c", ("where(c != 0.0, c * a ** (c - 1.0), 0.0)",), domain=_POWER_DOMAIN),
    "c ** a": Code("c ** a", ("out * log(c)",), domain="c > 0.0"),
    "leaky_relu(a, c)": Code("where(a > 0.0, a, c * a)", ("where(a > 0.0, 1.0, c)",), propagates=True),
    "leaky_relu1(a,c)": Code("where(a >= 0.0, a, c * a)", ("where(a >= 0.0, 1.0, c)",), propagates=True),
    "−a": Code("-a", ("-1.0",), propagates=True),
    "exp(a)": Code("exp(a)", ("out",)),
    "log(a)": Code("log(a)", ("1.0 / a",), domain="a > 0.0", propagates=True),
    "√a": Code("sqrt(a)", ("0.5 / out",), domain="a > 0.0", propagates=True),
    "tanh(a)": _TANH,
    "σ(a)": _SIGMOID,
    "relu(a)": _RELU,
    "|a|": Code("abs(a)", ("where(a > 0.0, 1.0, where(a < 0.0, -1.0, 0.0))",), propagates=True),
    "softplus(a)": Code("where(a >= 0.0, a, 0.0) + log1p(e)", (_SIGMOID.out,), setup=_SIGMOID.setup),
    "Σ aᵢ": Code("fsum(a)", ("1.0",), propagates=True),
    "w·x + b": Code("dot(w, x) + b", ("x[i]", "1.0", "w[i]"), propagates=True),
    "σ(w·x + b)": _neuron_code(_SIGMOID),
    "tanh(w·x + b)": _neuron_code(_TANH),
    "relu(w·x + b)": _neuron_code(_RELU),
    "(a − c)²": Code("(a - c) * (a - c)", ("2.0 * (a - c)",), propagates=True),
    "½(a − c)²": Code("0.5 * (a - c) * (a - c)", ("a - c",), propagates=True),
    "bce(a, c)": Code("-(where(c > 0.0, log(a) * c, 0.0) + where(c < 1.0, log(q) * (1.0 - c), 0.0))",
                      ("where(c > 0.0, -c / a, 0.0) + where(c < 1.0, (1.0 - c) / q, 0.0)",),
                      setup=("q = 1.0 - a",),
                      domain="(c >= 0.0) & (c <= 1.0) & ((c <= 0.0) | (a > 0.0)) & ((c >= 1.0) | (a < 1.0))"),
    "logsumexp(a)−a_c": Code("log1p(t) + (m - a[c])",
                               ("where(i == c, exp(a[i] - m) * r - 1.0, exp(a[i] - m) * r)",),
                               setup=("m = largest(a)", "s = fsum(exp(a - m))", "t = excess(exp(a - m))",
                                      "r = 1.0 / s"),
                               domain="(c == floor(c)) & (c >= 0.0) & (c < classes)",
                               propagates=True),
}
"""Every row's ``Code``, keyed by its ``expr``; attached to the rows as ``Rule.code``."""

_ROWS = tuple(replace(rule, code=CODE.get(rule.expr)) for rule in _ROWS)


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
