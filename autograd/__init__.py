"""chainrule's engine: scalar reverse-mode automatic differentiation you can read.

>>> from autograd import Value
>>> x = Value(2.0, "x")
>>> y = x * x + 3 * x
>>> y.backward()
>>> x.grad                      # dy/dx = 2x + 3
7.0
"""

from . import fused
from .backward import backward, topological_order
from .draw import Graph, GraphTooLargeError, draw
from .errors import DivisionByZeroError, DomainError, NonFiniteGradientError
from .fused import dot, total
from .grad_mode import is_recording, no_grad
from .gradcheck import GradcheckReport, gradcheck
from .player import player
from .rules import RULES, Rule, rules_table
from .stepper import Step, Stepper, step_through
from .trace import BranchError, Traced, trace  # noqa: F401  (to be listed in __all__)
from .value import Value, zero_grad

__all__ = [
    "RULES",
    "DivisionByZeroError",
    "DomainError",
    "GradcheckReport",
    "Graph",
    "GraphTooLargeError",
    "NonFiniteGradientError",
    "Rule",
    "Step",
    "Stepper",
    "Value",
    "backward",
    "dot",
    "draw",
    "fused",
    "gradcheck",
    "is_recording",
    "no_grad",
    "player",
    "rules_table",
    "step_through",
    "topological_order",
    "total",
    "zero_grad",
]

__version__ = "0.1.0"
