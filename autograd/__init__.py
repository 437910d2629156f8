"""chainrule's engine: scalar reverse-mode automatic differentiation you can read.

>>> from autograd import Value
>>> x = Value(2.0, "x")
>>> y = x * x + 3 * x
>>> y.backward()
>>> x.grad                      # dy/dx = 2x + 3
7.0
"""

from pathlib import Path as _Path

from . import fused, installation
from .backward import backward, topological_order
from .draw import Graph, GraphTooLargeError, draw
from .errors import DerivativeOverflowError, DivisionByZeroError, DomainError, NonFiniteGradientError
from .fused import dot, total
from .grad_mode import enable_grad, is_recording, no_grad
from .gradcheck import GradcheckReport, gradcheck
from .higher_order import grad, hessian, hvp
from .player import player
from .rules import RULES, Rule, rules_table
from .stepper import GradientAccumulationWarning, Step, Stepper, step_through
from .trace import BranchError, Traced, trace
from .value import Value, zero_grad

installation.check(_Path(__file__).parent)  # HIPS autograd's files mixed in, or nn shadowed: say so

__all__ = [
    "RULES",
    "BranchError",
    "DerivativeOverflowError",
    "DivisionByZeroError",
    "DomainError",
    "GradcheckReport",
    "GradientAccumulationWarning",
    "Graph",
    "GraphTooLargeError",
    "NonFiniteGradientError",
    "Rule",
    "Step",
    "Stepper",
    "Traced",
    "Value",
    "backward",
    "dot",
    "draw",
    "enable_grad",
    "fused",
    "grad",
    "gradcheck",
    "hessian",
    "hvp",
    "is_recording",
    "no_grad",
    "player",
    "rules_table",
    "step_through",
    "topological_order",
    "total",
    "trace",
    "zero_grad",
]

__version__ = "0.1.0"
__distribution__ = "chainrule"
"""Marks this autograd as chainrule's (HIPS autograd has the same import name)."""
