"""The rows of ``RULES`` for arithmetic: + − · / ** of two Values, of a Value and a plain number c,
and −a. One block per op: its forward, formulas, derivatives as ops, replay template and checks.

>>> ROWS[2].expr, ROWS[2].forward(2.0, 5.0)      # a·b: out, d/da = b, d/db = a
('a·b', (10.0, 5.0, 2.0))
"""

from __future__ import annotations

import math
from typing import Any

from .row import Check, Code, Rule


def _log(x: Any) -> Any:
    """log of a Value (an op) or of a float: a derivative written as ops takes either."""
    return math.log(x) if isinstance(x, float) else x.log()


def _nonzero_divisor(operand: int) -> Check:
    def check(*xs: float) -> str | None:
        return "division by zero" if xs[operand] == 0.0 else None
    return check


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


# --- ops of two Values ------------------------------------------------------------------------

ADD = Rule("add", "a + b", lambda a, b: (a + b, 1.0, 1.0), ("1", "1"),
           derivatives=lambda a, b, out: (1.0, 1.0),
           code=Code("a + b", ("1.0", "1.0"), propagates=True))

SUB = Rule("sub", "a − b", lambda a, b: (a - b, 1.0, -1.0), ("1", "−1"),
           derivatives=lambda a, b, out: (1.0, -1.0),
           code=Code("a - b", ("1.0", "-1.0"), propagates=True))

MUL = Rule("mul", "a·b", lambda a, b: (a * b, b, a), ("b", "a"),
           derivatives=lambda a, b, out: (b, a),
           code=Code("a * b", ("b", "a"), propagates=True))


def _div(a: float, b: float) -> tuple[float, float, float]:
    out = a / b
    return out, 1.0 / b, -out / b


DIV = Rule("div", "a / b", _div, ("1/b", "−a/b²"), check=_nonzero_divisor(1),
           derivatives=lambda a, b, out: (1.0 / b, -out / b),
           code=Code("a / b", ("1.0 / b", "-out / b"), domain="b != 0.0"))


def _check_positive_base(a: float, b: float) -> str | None:
    if a > 0.0:
        return None
    return "the base must be > 0: d(a**b)/db = a**b·ln(a) needs ln(a)"


def _pow(a: float, b: float) -> tuple[float, float, float]:
    out = a**b
    return out, _slope_of_power(a, b), out * math.log(a)


def _d_pow(a: Any, b: Any, out: Any) -> tuple[Any, Any]:
    # a > 0 here (the row's check), so b·a**(b−1) is finite even at b = 0, where it is 0 as the
    # float form's is; unlike PyTorch, which writes a constant 0 there, it keeps its derivative in
    # b (a**(b−1)·(1 + b·ln a) = 1/a at b = 0), so d²(a**b)/da db is right at b = 0 too.
    return b * a ** (b - 1.0), out * _log(a)


POW = Rule("pow", "a ** b", _pow, ("b·a**(b−1)", "a**b·ln(a)"), check=_check_positive_base,
           derivatives=_d_pow,
           code=Code("a ** b", ("where(b != 0.0, b * a ** (b - 1.0), 0.0)", "out * log(a)"),
                     domain="a > 0.0"))

# --- ops of one Value and a plain number c ----------------------------------------------------

ADD_C = Rule("add", "a + c", lambda a, c: (a + c, 1.0), ("1",),
             derivatives=lambda a, c, out: (1.0,),
             code=Code("a + c", ("1.0",), propagates=True))

SUB_C = Rule("sub", "a − c", lambda a, c: (a - c, 1.0), ("1",),
             derivatives=lambda a, c, out: (1.0,),
             code=Code("a - c", ("1.0",), propagates=True))

C_SUB = Rule("sub", "c − a", lambda a, c: (c - a, -1.0), ("−1",),
             derivatives=lambda a, c, out: (-1.0,),
             code=Code("c - a", ("-1.0",), propagates=True))

MUL_C = Rule("mul", "a·c", lambda a, c: (a * c, c), ("c",),
             derivatives=lambda a, c, out: (c,),
             code=Code("a * c", ("c",), propagates=True))

DIV_C = Rule("div", "a / c", lambda a, c: (a / c, 1.0 / c), ("1/c",), check=_nonzero_divisor(1),
             derivatives=lambda a, c, out: (1.0 / c,),
             code=Code("a / c", ("1.0 / c",), domain="c != 0.0", propagates=True))

C_DIV = Rule("div", "c / a", lambda a, c: (c / a, -c / a / a), ("−c/a²",), check=_nonzero_divisor(0),
             derivatives=lambda a, c, out: (-c / a / a,),
             code=Code("c / a", ("-c / a / a",), domain="a != 0.0"))


def _check_power(a: float, c: float) -> str | None:
    if a < 0.0 and not c.is_integer():
        return "a negative base needs a whole-number exponent (the result would be complex)"
    if a == 0.0 and c < 0.0:
        return "division by zero: 0 to a negative power"
    if a == 0.0 and 0.0 < c < 1.0:
        return "the derivative c·a**(c−1) is infinite at a = 0"
    return None


def _power(a: float, c: float) -> tuple[float, float]:
    return a**c, _slope_of_power(a, c)


def _d_power(a: Any, c: float, out: Any) -> tuple[Any]:
    return (0.0 if c == 0.0 else c * a ** (c - 1.0)),


POWER = Rule("pow", "a ** c", _power, ("c·a**(c−1)",), check=_check_power,
             derivatives=_d_power,
             code=Code("a ** c", ("where(c != 0.0, c * a ** (c - 1.0), 0.0)",),
                       domain="((a >= 0.0) | (c == floor(c))) & ((a != 0.0) | (c == 0.0) | (c >= 1.0))"))


def _check_rpow(a: float, c: float) -> str | None:
    return None if c > 0.0 else "the base c must be > 0: d(c**a)/da = c**a·ln(c) needs ln(c)"


def _rpow(a: float, c: float) -> tuple[float, float]:
    out = c**a
    return out, out * math.log(c)


RPOW = Rule("pow", "c ** a", _rpow, ("c**a·ln(c)",), check=_check_rpow,
            derivatives=lambda a, c, out: (out * math.log(c),),
            code=Code("c ** a", ("out * log(c)",), domain="c > 0.0"))

# --- op of one Value --------------------------------------------------------------------------

NEG = Rule("neg", "−a", lambda a: (-a, -1.0), ("−1",),
           derivatives=lambda a, out: (-1.0,),
           code=Code("-a", ("-1.0",), propagates=True))

ROWS = (ADD, SUB, MUL, DIV, POW, ADD_C, SUB_C, C_SUB, MUL_C, DIV_C, C_DIV, POWER, RPOW)
"""The arithmetic rows in RULES' order (``−a`` comes with the functions of one Value)."""
