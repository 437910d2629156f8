"""The rows of ``RULES`` for functions of one Value (exp, log, √, tanh, σ, relu, |a|, softplus, leaky
ReLU). One block per op: the stable helpers it uses, its row (forward, formulas, derivatives as
ops, replay template, the ``Value`` method's docstring, how a hand calculation writes it).

>>> SIGMOID.function, SIGMOID.slope_text("z2"), SIGMOID.forward(0.0)
('sigmoid', "sigma'(z2)", (0.5, 0.25))
"""

from __future__ import annotations

import math
from typing import Any

from .row import Check, Code, Rule


def _positive(what: str) -> Check:
    def check(a: float, *rest: float) -> str | None:
        return None if a > 0.0 else f"{what} is defined only for a > 0"
    return check


# Piecewise rows (relu, leaky_relu, abs) choose their derivative's constant by the operand's number,
# with the kink convention of ``forward`` (PyTorch's): relu'(0) = 0, leaky_relu'(0) = c, |a|'(0) = 0;
# their second derivative is 0 everywhere (at the kink too).

LEAKY_RELU = Rule("leaky_relu", "leaky_relu(a, c)", lambda a, c: (a, 1.0) if a > 0.0 else (c * a, c),
                  ("1 if a > 0 else c",), kinks=(0.0,), function="leaky_relu",
                  derivatives=lambda a, c, out: (1.0 if a > 0.0 else c,),
                  code=Code("where(a > 0.0, a, c * a)", ("where(a > 0.0, 1.0, c)",), propagates=True))

# the same function with the slope at exactly 0 of Deep learning for beginners (2) ("1" in its
# name): 1, not c
LEAKY_RELU_1 = Rule("leaky_relu", "leaky_relu1(a,c)", lambda a, c: (a, 1.0) if a >= 0.0 else (c * a, c),
                    ("1 if a ≥ 0 else c",), kinks=(0.0,), function="leaky_relu",
                    derivatives=lambda a, c, out: (1.0 if a >= 0.0 else c,),
                    code=Code("where(a >= 0.0, a, c * a)", ("where(a >= 0.0, 1.0, c)",), propagates=True))


def _exp(a: float) -> tuple[float, float]:
    out = math.exp(a)
    return out, out


EXP = Rule("exp", "exp(a)", _exp, ("exp(a)",), function="exp",
           derivatives=lambda a, out: (out,),
           code=Code("exp(a)", ("out",)),
           doc="""e**self; an OverflowError past about 709.78, never inf.

        >>> Value(0.0).exp().data
        1.0
        """)

LOG = Rule("log", "log(a)", lambda a: (math.log(a), 1.0 / a), ("1/a",), check=_positive("log(a)"),
           function="log",
           derivatives=lambda a, out: (1.0 / a,),
           code=Code("log(a)", ("1.0 / a",), domain="a > 0.0", propagates=True),
           doc="""Natural logarithm; a DomainError for self <= 0.

        >>> Value(1.0).log().data
        0.0
        """)


def _sqrt(a: float) -> tuple[float, float]:
    out = math.sqrt(a)
    return out, 0.5 / out


SQRT = Rule("sqrt", "√a", _sqrt, ("1/(2·√a)",), check=_positive("√a (with a finite derivative)"),
            function="sqrt",
            derivatives=lambda a, out: (0.5 / out,),
            code=Code("sqrt(a)", ("0.5 / out",), domain="a > 0.0", propagates=True),
            doc="""Square root, for self > 0 (at 0 its derivative would be infinite).

        >>> Value(9.0).sqrt().data
        3.0
        """)


def tanh_slope(x: float) -> float:
    """tanh'(x) = 1 − tanh²(x), computed as 4e/(1 + e)² with e = exp(−2|x|): no cancellation.

    >>> tanh_slope(0.0), tanh_slope(1000.0)
    (1.0, 0.0)
    """
    e = math.exp(-2.0 * abs(x))
    return 4.0 * e / ((1.0 + e) * (1.0 + e))


def tanh_forward(a: float) -> tuple[float, float]:
    """tanh(a) and its slope (the forward of the tanh rows)."""
    return math.tanh(a), tanh_slope(a)


TANH = Rule("tanh", "tanh(a)", tanh_forward, ("1 − tanh(a)²",), function="tanh",
            derivatives=lambda a, out: (1.0 - out * out,),
            code=Code("tanh(a)", ("4.0 * e / (q * q)",), setup=("e = exp(-2.0 * abs(a))", "q = 1.0 + e")),
            doc="""Hyperbolic tangent; tanh(±1000) is ±1.0 with gradient 0.0.

        >>> Value(0.0).tanh().data
        0.0
        """)


def stable_sigmoid(a: float) -> tuple[float, float]:
    """σ(a) = 1/(1 + e^-a) and σ'(a) = σ(a)·σ(−a) from one exp(−|a|): no overflow for any finite a,
    and no cancellation in σ'(a) where 1 − σ(a) would lose its digits (a ≫ 0).

    >>> stable_sigmoid(0.0), stable_sigmoid(1000.0), stable_sigmoid(-1000.0)
    ((0.5, 0.25), (1.0, 0.0), (0.0, 0.0))
    """
    e = math.exp(-abs(a))
    return (1.0 / (1.0 + e) if a >= 0.0 else e / (1.0 + e)), e / ((1.0 + e) * (1.0 + e))


SIGMOID = Rule("sigmoid", "σ(a)", stable_sigmoid, ("σ(a)·(1 − σ(a))",), function="sigmoid", prime="sigma",
               derivatives=lambda a, out: (out * (1.0 - out),),
               code=Code("where(a >= 0.0, 1.0 / q, e / q)", ("e / (q * q)",),
                         setup=("e = exp(-abs(a))", "q = 1.0 + e")),
               doc="""Logistic sigmoid 1/(1 + e**-self), stable for any finite input.

        >>> Value(0.0).sigmoid().data, Value(-1000.0).sigmoid().data
        (0.5, 0.0)
        """)


def relu_forward(a: float) -> tuple[float, float]:
    """relu(a) and its slope (0 at a = 0, as in PyTorch): the forward of the relu rows."""
    return (a, 1.0) if a > 0.0 else (0.0, 0.0)


RELU = Rule("relu", "relu(a)", relu_forward, ("1 if a > 0 else 0",), kinks=(0.0,), function="relu",
            derivatives=lambda a, out: (1.0 if a > 0.0 else 0.0,),
            code=Code("where(a > 0.0, a, 0.0)", ("where(a > 0.0, 1.0, 0.0)",)),
            doc="""max(self, 0); its derivative at exactly 0 is 0 (as in PyTorch).

        >>> Value(-2.0).relu().data
        0.0
        """)


def _abs(a: float) -> tuple[float, float]:
    return abs(a), (1.0 if a > 0.0 else -1.0 if a < 0.0 else 0.0)


ABS = Rule("abs", "|a|", _abs, ("sign(a)",), kinks=(0.0,), function="abs",
           derivatives=lambda a, out: (1.0 if a > 0.0 else -1.0 if a < 0.0 else 0.0,),
           code=Code("abs(a)", ("where(a > 0.0, 1.0, where(a < 0.0, -1.0, 0.0))",), propagates=True))


def stable_softplus(x: float) -> float:
    """ln(1 + e^x) without overflow: max(x, 0) + ln(1 + e^-|x|).

    >>> stable_softplus(1000.0)
    1000.0
    """
    return max(x, 0.0) + math.log1p(math.exp(-abs(x)))


def _sigmoid_of(x: Any) -> Any:
    """σ of a Value (an op) or of a float (the row's own stable float)."""
    return stable_sigmoid(x)[0] if isinstance(x, float) else x.sigmoid()


SOFTPLUS = Rule("softplus", "softplus(a)", lambda a: (stable_softplus(a), stable_sigmoid(a)[0]), ("σ(a)",),
                function="softplus",
                derivatives=lambda a, out: (_sigmoid_of(a),),
                code=Code("where(a >= 0.0, a, 0.0) + log1p(e)", (SIGMOID.code.out,),  # type: ignore[union-attr]
                          setup=SIGMOID.code.setup),  # type: ignore[union-attr]
                doc="""ln(1 + e**self), a smooth relu whose derivative is σ(self).

        >>> round(Value(0.0).softplus().data, 6)
        0.693147
        """)
