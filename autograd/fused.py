"""Ops of many Values in one node: ``total`` (Σ aᵢ) and ``dot`` (Σ wᵢ·xᵢ + b).

The fine-grained graph of a neuron, ``w0*x0 + w1*x1 + b``, has 2n nodes; ``dot``
makes it one node with an edge to each weight, the bias and each Value input, the
local derivatives recorded as usual (d/dwᵢ = xᵢ, d/db = 1, d/dxᵢ = wᵢ). Same
gradients, far fewer nodes: ``nn`` uses it when asked for speed. Sums are
computed with ``math.fsum``, so they are correctly rounded.

>>> from autograd import Value
>>> w, b = [Value(0.5), Value(-1.0)], Value(0.25)
>>> z = dot(w, [2.0, 3.0], b)
>>> z.backward()
>>> z.data, [wi.grad for wi in w], b.grad
(-1.75, [2.0, 3.0], 1.0)
"""

from __future__ import annotations

from collections.abc import Sequence

from . import grad_mode
from .rules import RULES, Rule
from .value import Number, Value, _leaf, _new, as_float

_SUM, _DOT = RULES["Σ aᵢ"], RULES["w·x + b"]


def total(values: Sequence[Value | Number]) -> Value:
    """Σ values as one node with an edge of derivative 1 to each Value (numbers are added in).

    Unlike the builtin ``sum``, which makes a chain of n additions, this is one node.

    >>> from autograd import Value
    >>> xs = [Value(1.0), Value(2.0), 3]
    >>> s = total(xs); s.backward()
    >>> s.data, xs[0].grad
    (6.0, 1.0)
    """
    parents = tuple([v for v in values if type(v) is Value])
    if not parents:
        raise ValueError("total(values) needs at least one Value")
    numbers = [] if len(parents) == len(values) else [
        as_float(v, "total(values): item") for v in values if type(v) is not Value]
    result = _SUM.forward(*[p.data for p in parents], *numbers)
    return _record(_SUM, result[0], parents, result[1: len(parents) + 1], tuple(numbers) or None)


def dot(weights: Sequence[Value], inputs: Sequence[Value | Number], bias: Value) -> Value:
    """Σ weights[i]·inputs[i] + bias as one node: a neuron's pre-activation.

    ``weights`` and ``bias`` are Values; ``inputs`` are all Values (a hidden layer's
    activations, which then get edges too) or all plain numbers (a data sample).

    >>> from autograd import Value
    >>> w, x, b = [Value(2.0)], [Value(3.0)], Value(1.0)
    >>> z = dot(w, x, b); z.backward()
    >>> z.data, w[0].grad, x[0].grad, b.grad
    (7.0, 3.0, 2.0, 1.0)
    """
    # A network calls this for every neuron and sample: one pass over the operands, collecting
    # their floats in the rule's order (w0..w(n-1), b, x0..x(n-1)) while checking their types.
    n = len(weights)
    if len(inputs) != n:
        raise ValueError(f"dot(weights, inputs, bias): {n} weights but {len(inputs)} inputs")
    if n == 0:
        raise ValueError("dot(weights, inputs, bias) needs at least one weight")
    if type(bias) is not Value:
        raise TypeError("dot(weights, inputs, bias): weights and bias must be Values")
    operands = []
    for w in weights:
        if type(w) is not Value:
            raise TypeError("dot(weights, inputs, bias): weights and bias must be Values")
        operands.append(w.data)
    operands.append(bias.data)
    if type(inputs[0]) is Value:
        for x in inputs:
            if type(x) is not Value:
                raise TypeError("dot(weights, inputs, bias): inputs must be all Values or all numbers")
            operands.append(x.data)
        parents: tuple[Value, ...] = (*weights, bias, *inputs)
        constants = None
    else:
        for x in inputs:
            operands.append(x if type(x) is float else _number_input(x))
        parents = (*weights, bias)
        constants = tuple(operands[n + 1:])
    result = _DOT.forward(*operands)  # (out, d/dw0.., d/db, d/dx0..)
    return _record(_DOT, result[0], parents, result[1: len(parents) + 1], constants)


def _number_input(x: object) -> float:
    if type(x) is Value:
        raise TypeError("dot(weights, inputs, bias): inputs must be all Values or all numbers")
    return as_float(x, "dot(weights, inputs, bias): input")


def _record(rule: Rule, out: float, parents: tuple[Value, ...], local: tuple[float, ...],
            constants: tuple[float, ...] | None) -> Value:
    """One node with many edges; ``constants`` (the plain-number operands) go in the ``_b`` slot."""
    # sum() is inf or NaN if any term is (or if finite terms overflow: then look at each one)
    if out - out != 0.0 or (s := sum(local)) - s != 0.0:
        _check_finite(rule, out, local, constants)
    if not grad_mode.recording:
        return _leaf(out)
    node = _new(Value)
    node.data = out
    node.grad = 0.0
    node.label = ""
    node._rule = rule
    node._a = parents
    node._da = local
    node._b = constants
    node._db = None
    node._mark = None
    return node


def _check_finite(rule: Rule, out: float, local: tuple[float, ...],
                  constants: tuple[float, ...] | None) -> None:
    """Raise if a plain-number operand, the result or a local derivative is inf or NaN."""
    for x in constants or ():
        as_float(x, f"{rule.expr}: operand")
    if out - out != 0.0 or any(d - d != 0.0 for d in local):
        raise OverflowError(f"{rule.expr}: the result ({out!r}) or a local derivative overflows the "
                            f"float range (about ±1.8e308)")
