"""The rows of ``RULES`` that make one node of many Values or of a whole formula: Σ, w·x + b, a
neuron act(w·x + b), and the losses against a plain-number target (BCE, squared errors, softmax
cross-entropy). One block per op, as in the other ``ops_`` modules; ``autograd/engine/fused.py``
holds the functions that use them (``total``, ``dot``, the losses).

>>> DOT.forward(2.0, 3.0, 0.5, 4.0, 5.0)    # w0, w1, b, x0, x1: out, d/dw0, d/dw1, d/db, d/dx0, d/dx1
(23.5, 4.0, 5.0, 1.0, 2.0, 3.0)
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from typing import Any

from .ops_functions import RELU, SIGMOID, TANH, relu_forward, stable_sigmoid, tanh_forward
from .row import Code, Rule

# --- Σ aᵢ -----------------------------------------------------------------------------------------


def _total(*xs: float) -> tuple[float, ...]:
    return (math.fsum(xs), *(1.0 for _ in xs))


SUM = Rule("sum", "Σ aᵢ", _total, ("1",), variadic=True, roles=("aᵢ",),
           derivatives=lambda *operands: (1.0,) * (len(operands) - 1),
           code=Code("fsum(a)", ("1.0",), propagates=True))

# --- w·x + b, and a whole neuron act(w·x + b): 2n + 1 nodes become one ----------------------------


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


def _d_dot(*operands: Any) -> tuple[Any, ...]:
    n = (len(operands) - 1) >> 1
    return (*operands[n + 1: 2 * n + 1], 1.0, *operands[:n])


DOT = Rule("dot", "w·x + b", _dot, ("xᵢ", "1", "wᵢ"), variadic=True, roles=("wᵢ", "b", "xᵢ"),
           derivatives=_d_dot,
           code=Code("dot(w, x) + b", ("x[i]", "1.0", "w[i]"), propagates=True))


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


def _neuron_code(activation: Code) -> Code:
    """activation(w·x + b) written from the activation's own template, as ``_neuron`` computes it."""
    def on_z(text: str) -> str:
        return re.sub(r"\ba\b", "z", text)
    setup = ("z = dot(w, x) + b", *map(on_z, activation.setup), f"s = {on_z(activation.local[0])}")
    return Code(on_z(activation.out), ("s * x[i]", "s", "s * w[i]"), setup=setup)


def _neuron_row(activation: Rule, forward: Callable[[float], tuple[float, float]],
                slope_of: Callable[[Any], Any], mark: str) -> Rule:
    """The row of activation(w·x + b), from the activation's own row (``mark``: how σ' is written)."""
    head = activation.expr.split("(")[0]
    return Rule("neuron", f"{head}(w·x + b)", _neuron(forward),
                (f"{mark}'(z)·xᵢ", f"{mark}'(z)", f"{mark}'(z)·wᵢ"), variadic=True, roles=("wᵢ", "b", "xᵢ"),
                kinks=activation.kinks, derivatives=_d_neuron(slope_of),
                code=_neuron_code(activation.code),  # type: ignore[arg-type]
                activation=activation.name)


NEURON_SIGMOID = _neuron_row(SIGMOID, stable_sigmoid, lambda out: out * (1.0 - out), "σ")
NEURON_TANH = _neuron_row(TANH, tanh_forward, lambda out: 1.0 - out * out, "tanh")
NEURON_RELU = _neuron_row(RELU, relu_forward, lambda out: 1.0 if out > 0.0 else 0.0, "relu")

# --- losses against a plain-number target as one node -------------------------------------------


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


def _d_bce(a: Any, c: float, out: Any) -> tuple[Any]:
    d: Any = -c / a if c > 0.0 else 0.0
    return (d + (1.0 - c) / (1.0 - a) if c < 1.0 else d),


BCE = Rule("bce", "bce(a, c)", _bce, ("−c/a + (1 − c)/(1 − a)",), check=_check_bce,
           derivatives=_d_bce,
           code=Code("-(where(c > 0.0, log(a) * c, 0.0) + where(c < 1.0, log(q) * (1.0 - c), 0.0))",
                     ("where(c > 0.0, -c / a, 0.0) + where(c < 1.0, (1.0 - c) / q, 0.0)",),
                     setup=("q = 1.0 - a",),
                     domain="(c >= 0.0) & (c <= 1.0) & ((c <= 0.0) | (a > 0.0)) & ((c >= 1.0) | (a < 1.0))"))

SQUARED_ERROR = Rule("squared_error", "(a − c)²", lambda a, c: ((a - c) * (a - c), 2.0 * (a - c)),
                     ("2·(a − c)",),
                     derivatives=lambda a, c, out: (2.0 * (a - c),),
                     code=Code("(a - c) * (a - c)", ("2.0 * (a - c)",), propagates=True))

HALF_SQUARED_ERROR = Rule("half_squared_error", "½(a − c)²", lambda a, c: (0.5 * (a - c) * (a - c), a - c),
                          ("a − c",),
                          derivatives=lambda a, c, out: (a - c,),
                          code=Code("0.5 * (a - c) * (a - c)", ("a - c",), propagates=True))

# --- softmax cross-entropy of logits a0..a(n-1) against a class index c -------------------------


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
    first). d/daᵢ = softmax(a)ᵢ − [i = c]. ``autograd.engine.fused.softmax_cross_entropy`` checks c."""
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


def _exp_of(x: Any) -> Any:
    """exp of a Value (an op) or of a float."""
    return math.exp(x) if isinstance(x, float) else x.exp()


def _d_softmax_cross_entropy(*operands: Any) -> tuple[Any, ...]:
    # softmax(a)ᵢ = exp(aᵢ − logsumexp(a)) and logsumexp(a) = out + a_c: the exponent is ≤ 0
    *logits, c, out = operands
    k = int(c)
    lse = out + logits[k]
    return tuple(_exp_of(a - lse) - 1.0 if i == k else _exp_of(a - lse) for i, a in enumerate(logits))


CROSS_ENTROPY = Rule("cross_entropy", "logsumexp(a)−a_c", _softmax_cross_entropy,
                     ("softmax(a)ᵢ − (1 if i == c else 0)",), check=_check_class, variadic=True,
                     roles=("aᵢ",), class_index=True,
                     derivatives=_d_softmax_cross_entropy,
                     code=Code("log1p(t) + (m - a[c])",
                               ("where(i == c, exp(a[i] - m) * r - 1.0, exp(a[i] - m) * r)",),
                               setup=("m = largest(a)", "s = fsum(exp(a - m))", "t = excess(exp(a - m))",
                                      "r = 1.0 / s"),
                               domain="(c == floor(c)) & (c >= 0.0) & (c < classes)",
                               propagates=True))
