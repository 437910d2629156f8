"""What the engine takes as a number: a finite float, with errors that say where a bad one came
from; and how a Value refuses to leave the graph as a float (``float(v)``, NumPy's ufuncs).

>>> as_float(2, "Value(data)")
2.0
"""

from __future__ import annotations

import numbers
import operator
from collections.abc import Callable
from typing import Any

from ..text import ascii_spelling, python_maths


def as_float(x: object, where: str) -> float:
    """``x`` as a finite float, or a TypeError/ValueError that says ``where`` it was passed.

    >>> as_float(3, "Value(data)")
    3.0
    >>> as_float(True, "Value(data)")
    Traceback (most recent call last):
    ...
    TypeError: Value(data) must be a real number (int or float), got bool True
    """
    if type(x) is float:
        f = x
    elif isinstance(x, bool) or not isinstance(x, numbers.Real):
        raise TypeError(ascii_spelling(f"{python_maths(where)} must be a real number (int or float), got "
                                       f"{type(x).__name__} {x!r}"))
    else:
        try:
            f = float(x)
        except OverflowError:
            raise OverflowError(ascii_spelling(f"{python_maths(where)}: {x!r} is too large for a float")
                                ) from None
    if f - f != 0.0:
        hint = (" (if it came from a parameter update, p.data -= lr * p.grad, the step overflowed: try a "
                "smaller learning rate)" if where == "Value.data" else "")
        raise ValueError(ascii_spelling(f"{python_maths(where)} must be finite, got {f!r}{hint}"))
    return f


def _short(x: float) -> str:
    """Six significant digits (as the stepper and the pictures write them), always reading as a
    float: 0.589024, -0.822203, 1.0, 123457.0, 1.23457e+08."""
    text = f"{x:.6g}"
    return text if any(ch in text for ch in ".en") else text + ".0"


_LEFT_THE_GRAPH = (
    "{what}: a Value is not a float. Taking its number out would leave the graph, and no gradient "
    "would flow back through it. To stay in the graph use the Value's own ops: v.exp(), v.log(), "
    "v.sqrt(), v.tanh(), v.sigmoid(), v.relu(), v ** 2, abs(v). For the plain number, use v.data.")

_NUMPY_OPERATORS: dict[str, Callable[[Any, Any], Any]] = {
    "add": operator.add, "subtract": operator.sub, "multiply": operator.mul,
    "true_divide": operator.truediv, "divide": operator.truediv, "power": operator.pow,
    "less": operator.lt, "less_equal": operator.le, "greater": operator.gt,
    "greater_equal": operator.ge, "equal": operator.eq, "not_equal": operator.ne,
}
"""NumPy ufuncs that are Python operators: applied to the operands as Python would apply them."""


def _numpy_operand(x: Any, ufunc: str) -> float:
    """A NumPy scalar (or 0-d array, as NumPy passes them to comparisons) as a checked float."""
    if getattr(x, "ndim", None) == 0 and hasattr(x, "item"):
        x = x.item()
    return as_float(x, f"np.{ufunc}: operand")


def _as_operand(x: object, where: str) -> float:
    """An op's plain-number operand as a float: ``as_float``, except that an input of a function
    being traced (``autograd.trace``) hands its number to the op it becomes part of (and only to
    an op: ``float(input)`` is refused while tracing)."""
    if type(x) is int:  # the usual case here (x * 2): no look-up
        return as_float(x, where)
    handover = getattr(type(x), "_engine_operand", None)
    if handover is not None:
        return handover(x, where)
    return as_float(x, where)
