"""chainrule's engine: scalar reverse-mode automatic differentiation you can read.

>>> from autograd import Value
>>> x = Value(2.0, "x")
>>> y = x * x + 3 * x
>>> y.backward()
>>> x.grad                      # dy/dx = 2x + 3
7.0

The package is three wings whose imports point down only (docs/architecture.md): ``engine``
(Value, the RULES table, backward, grad modes, fused rows, higher-order grad, gradcheck),
``views`` (notation, stepper, drawing, rendering, notebook display, player) and ``replay``
(trace and the program writer), over leaves that import nothing of chainrule (``text``,
``atomic_file``, ``installation``). This face imports them all and then gives the engine's
classes the methods the views add (``_attach_views``), as DeZero's ``setup_variable`` does.
"""

from pathlib import Path as _Path
from typing import Any as _Any

from . import installation
from .engine import fused
from .engine.backward import backward, topological_order
from .engine.errors import DerivativeOverflowError, DivisionByZeroError, DomainError, NonFiniteGradientError
from .engine.fused import dot, total
from .engine.grad_mode import enable_grad, is_recording, no_grad
from .engine.gradcheck import GradcheckReport, gradcheck
from .engine.higher_order import grad, hessian, hvp
from .engine.rules import RULES, Rule, rules_table
from .engine.value import Value, zero_grad
from .replay.trace import BranchError, Traced, trace
from .views.display import graph_html as _graph_html
from .views.display import value_html as _value_html
from .views.draw import Graph, GraphTooLargeError, draw
from .views.player import player
from .views.render import set_renderer
from .views.stepper import GradientAccumulationWarning, Step, Stepper, step_through

installation.check(_Path(__file__).parent)  # HIPS autograd's files mixed in, or nn shadowed: say so


def _attach_views() -> None:
    """Give ``Value`` and ``Graph`` the methods the views provide, in this one place (the engine
    imports no view; a view class does not import the notebook display)."""

    def backward_steps(self: Value) -> Stepper:
        """The backward pass as an iterator of steps you can walk one at a time (see ``step_through``).

        >>> from autograd import Value
        >>> w = Value(3.0, "w"); loss = w * w
        >>> loss.backward_steps().run().total
        1
        """
        return step_through(self)

    def value_repr_html(self: Value) -> str:
        """Jupyter shows a Value as its repr, with its graph's picture when that is small enough to read."""
        return _value_html(self)

    def graph_repr_html(self: Graph) -> str:
        """Jupyter shows the picture at a readable size in a box of the column's width that scrolls."""
        return _graph_html(self)

    attached: dict[type, dict[str, _Any]] = {
        Value: {"backward_steps": backward_steps, "_repr_html_": value_repr_html},
        Graph: {"_repr_html_": graph_repr_html},
    }
    for cls, methods in attached.items():
        for name, method in methods.items():
            method.__qualname__ = f"{cls.__name__}.{name}"
            setattr(cls, name, method)


_attach_views()

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
    "set_renderer",
    "step_through",
    "topological_order",
    "total",
    "trace",
    "zero_grad",
]

__version__ = "0.1.0"
__distribution__ = "chainrule"
"""Marks this autograd as chainrule's (HIPS autograd has the same import name)."""
