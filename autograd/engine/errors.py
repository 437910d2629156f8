"""The errors chainrule raises, each naming the op and the operand values that caused it.

>>> from autograd import Value
>>> Value(0.0).log()
Traceback (most recent call last):
...
autograd.engine.errors.DomainError: log(a) with a=0.0: log(a) is defined only for a > 0
"""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING, Any

from ..text import ascii_spelling, python_maths

if TYPE_CHECKING:
    from .rules import Rule


class DomainError(ValueError):
    """An op got operands outside its domain: log of 0, a negative base to a fractional power, ..."""


class DivisionByZeroError(DomainError, ZeroDivisionError):
    """A division by zero inside an op; also a ZeroDivisionError, as Python users expect."""


class DerivativeOverflowError(DomainError, OverflowError):
    """An op's value is finite but its local derivative overflows (``Value(1e-160) ** -1``).

    The op cannot be recorded, since backward would multiply by inf; inside ``no_grad()``,
    where no derivative is needed, the value is computed. Also an OverflowError.
    """


class NonFiniteGradientError(ArithmeticError):
    """A backward pass produced an inf or NaN gradient; the message names the first such node."""


def gradient_overflow(where: str, name: str, data: float, grad: float,
                      output: float) -> NonFiniteGradientError:
    """The one message for a gradient that became inf or NaN, whichever walk found it (``backward``,
    the stepper, ``grad``, the replay): ``where`` it stopped, the node's ``name``, its ``data``, the
    ``grad`` it reached and the ``output``'s data.

    >>> str(gradient_overflow("backward", "'x'", 1e-200, float("inf"), 1.0))[:60]
    "backward: the gradient of node 'x' (data=1e-200) is inf; d(o"
    """
    return NonFiniteGradientError(
        f"{where}: the gradient of node {name} (data={data!r}) is {grad!r}; d(output)/d(node) overflowed "
        f"the float range on the way back from the output (data={output!r}). Scale the inputs or the "
        f"loss down.")


def node_name(node: Any) -> str:
    """A node as an overflow message names it: its label, the op that made it, or ``(a leaf)``."""
    return repr(node.label) if node.label else f"made by {node.op!r}" if node.op else "(a leaf)"


class GradientAccumulationWarning(UserWarning):
    """A pass adds into gradients another pass already filled: a live stepper and ``backward()``.

    Leaves accumulate across passes (PyTorch's policy), so a ``step_through`` pass followed by
    ``backward()``, or the other way round, leaves each leaf's ``.grad`` a sum of two passes.
    """


def caller_stacklevel() -> int:
    """The ``stacklevel`` that points a warning at the first caller outside the autograd package."""
    package = os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep  # autograd/, wings in it
    frame, level = sys._getframe(1), 1
    while frame is not None and os.path.abspath(frame.f_code.co_filename).startswith(package):
        frame, level = frame.f_back, level + 1
    return level


def op_name(rule: Rule) -> str:
    """The op as error messages write it: its maths in Python's ASCII, ``'a - b'``, ``'sum a_i'``.

    Exception text is console-safe like the rest of the output (autograd/text.py): Python prints a
    traceback on a GBK or cp1252 console with ``\\u2212`` escapes for a maths minus.
    """
    return " ".join(python_maths(rule.expr).split())


def describe(rule: Rule, operands: tuple[float, ...]) -> str:
    """``'a / b with a=1.0, b=0.0'``: the op and its operands, for the start of an error message."""
    names = ("a", "b") if len(rule.formulas) == 2 else ("a", "c")
    values = ", ".join(f"{name}={x!r}" for name, x in zip(names, operands))
    return f"{op_name(rule)} with {values}"


def op_error(rule: Rule, operands: tuple[float, ...], why: str) -> DomainError:
    """The error for operands outside ``rule``'s domain (a DivisionByZeroError for a zero divisor)."""
    kind = DivisionByZeroError if why.startswith("division by zero") else DomainError
    return kind(ascii_spelling(f"{describe(rule, operands)}: {python_maths(why)}"))


def not_finite_error(rule: Rule, operands: tuple[float, ...], out: float | None,
                     where: str = "result") -> ArithmeticError:
    """The error for an op whose result (or local derivative) is not a finite float.

    A non-finite constant operand is a ValueError (it should never have been passed);
    anything else is an OverflowError, since finite operands can only overflow.
    """
    for name, x in zip(("a", "b", "c"), operands):
        if x - x != 0.0:
            return ValueError(f"{describe(rule, operands)}: operand {name}={x!r} is not a finite number")
    shown = "" if out is None else f" ({out!r})"
    return OverflowError(f"{describe(rule, operands)}: the {where}{shown} overflows the float range "
                         f"(about +/-1.8e308)")
