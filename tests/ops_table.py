"""One table of ops for every test: how to call each row of RULES through the public API.

``OPS[expr]`` gives the chainrule call and the equivalent PyTorch call for the rule with
that ``expr``. The rule tests, gradcheck tests and the PyTorch differential tests all
read this table, and ``test_every_rule_has_an_op`` keeps it complete.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Op:
    """How to apply one rule: to Values (and a constant c) in chainrule, and to tensors in torch."""

    chainrule: Callable[..., Any]
    torch: Callable[..., Any]
    constant: bool = False  # the op's last argument is a plain number c
    class_index: bool = False  # ... and that number is a class index (0 to n - 1)
    unit_target: bool = False  # ... or a target in [0, 1] (binary cross-entropy)

    def as_constant(self, c: float, n: int) -> float:
        """The number c as this op's constant: itself, or for a class index a whole number below n
        picked by c's digits (1.3 -> 1, -0.6 -> 0, 0.5 -> 2 for n = 3), for a unit target |c| mod 1."""
        if self.unit_target:
            return abs(c) % 1.0
        return float(round(abs(c) * 10) % n) if self.class_index else c


def _F():  # torch.nn.functional, imported only by the tests that use torch
    import torch.nn.functional as functional

    return functional


def _torch_leaky_1_at_0(a, c):
    import torch

    return torch.where(a >= 0, a, a * c)  # where's gradient takes the branch chosen: 1 at a = 0


def _torch_sum(*xs):
    import torch

    return torch.stack(xs).sum()


def _chainrule_dot(w0, w1, b, x0, x1):
    from autograd import dot

    return dot([w0, w1], [x0, x1], b)


def _chainrule_neuron(activation):
    def apply(w0, w1, b, x0, x1):
        from autograd import dot

        return dot([w0, w1], [x0, x1], b, activation)

    return apply


def _chainrule_loss(name):
    def apply(a, c):
        from autograd import fused

        return getattr(fused, name)(a, c)

    return apply


def _chainrule_softmax_cross_entropy(a0, a1, a2, c):
    from autograd import fused

    return fused.softmax_cross_entropy([a0, a1, a2], int(c))


def _torch_bce(a: Any, c: float) -> Any:
    """-(c·log a + (1 - c)·log(1 - a)) in torch, each term only where its weight is not 0."""
    import torch

    loss = a.new_tensor(0.0)
    if c != 0.0:
        loss = loss - c * torch.log(a)
    if c != 1.0:
        loss = loss - (1.0 - c) * torch.log1p(-a)
    return loss


def _torch_softmax_cross_entropy(a0, a1, a2, c):
    import torch

    return torch.logsumexp(torch.stack([a0, a1, a2]), 0) - [a0, a1, a2][int(c)]


def _torch_z(w0, w1, b, x0, x1):
    return w0 * x0 + w1 * x1 + b


def _chainrule_total(*xs):
    from autograd import total

    return total(xs)


OPS: dict[str, Op] = {
    "a + b": Op(lambda a, b: a + b, lambda a, b: a + b),
    "a − b": Op(lambda a, b: a - b, lambda a, b: a - b),
    "a·b": Op(lambda a, b: a * b, lambda a, b: a * b),
    "a / b": Op(lambda a, b: a / b, lambda a, b: a / b),
    "a ** b": Op(lambda a, b: a**b, lambda a, b: a**b),
    "a + c": Op(lambda a, c: a + c, lambda a, c: a + c, constant=True),
    "a − c": Op(lambda a, c: a - c, lambda a, c: a - c, constant=True),
    "c − a": Op(lambda a, c: c - a, lambda a, c: c - a, constant=True),
    "a·c": Op(lambda a, c: a * c, lambda a, c: a * c, constant=True),
    "a / c": Op(lambda a, c: a / c, lambda a, c: a / c, constant=True),
    "c / a": Op(lambda a, c: c / a, lambda a, c: c / a, constant=True),
    "a ** c": Op(lambda a, c: a**c, lambda a, c: a**c, constant=True),
    "c ** a": Op(lambda a, c: c**a, lambda a, c: c**a, constant=True),
    "leaky_relu(a, c)": Op(lambda a, c: a.leaky_relu(c), lambda a, c: _F().leaky_relu(a, c),
                           constant=True),
    "leaky_relu1(a,c)": Op(lambda a, c: a.leaky_relu(c, at_zero="one"), _torch_leaky_1_at_0,
                                         constant=True),
    "−a": Op(lambda a: -a, lambda a: -a),
    "exp(a)": Op(lambda a: a.exp(), lambda a: a.exp()),
    "log(a)": Op(lambda a: a.log(), lambda a: a.log()),
    "√a": Op(lambda a: a.sqrt(), lambda a: a.sqrt()),
    "tanh(a)": Op(lambda a: a.tanh(), lambda a: a.tanh()),
    "σ(a)": Op(lambda a: a.sigmoid(), lambda a: a.sigmoid()),
    "relu(a)": Op(lambda a: a.relu(), lambda a: a.relu()),
    "|a|": Op(lambda a: abs(a), lambda a: a.abs()),
    # torch's softplus returns x itself above x = 20; the tests keep values well below that
    "softplus(a)": Op(lambda a: a.softplus(), lambda a: _F().softplus(a)),
    # variadic rules, at the example arity their rule names in ``variables``
    "Σ aᵢ": Op(_chainrule_total, _torch_sum),
    "w·x + b": Op(_chainrule_dot, lambda w0, w1, b, x0, x1: w0 * x0 + w1 * x1 + b),
    "σ(w·x + b)": Op(_chainrule_neuron("sigmoid"), lambda *v: _torch_z(*v).sigmoid()),
    "tanh(w·x + b)": Op(_chainrule_neuron("tanh"), lambda *v: _torch_z(*v).tanh()),
    "relu(w·x + b)": Op(_chainrule_neuron("relu"), lambda *v: _torch_z(*v).relu()),
    # the probability a in [0, 1] and the target c in [0, 1] (the rule's check keeps draws there).
    # Written out, not F.binary_cross_entropy: torch clamps that one's gradient at a = 0 or 1 (it
    # gives 0 at a = 0, c = 0, where d/da -log(1 - a) = 1), and like the row, a term whose weight
    # is 0 is left out, so 0·log(0) never arises.
    "bce(a, c)": Op(_chainrule_loss("binary_cross_entropy"), _torch_bce,
                    constant=True, unit_target=True),
    "(a − c)²": Op(_chainrule_loss("squared_error"), lambda a, c: (a - c) ** 2, constant=True),
    "½(a − c)²": Op(_chainrule_loss("half_squared_error"), lambda a, c: 0.5 * (a - c) ** 2, constant=True),
    # the constant is the class index c, a whole number from 0 to 2 (``class_index``)
    "logsumexp(a)−a_c": Op(_chainrule_softmax_cross_entropy, _torch_softmax_cross_entropy,
                             constant=True, class_index=True),
}
