"""Ops that do in one node what would otherwise take a chain of them, for speed.

``total`` (Σ aᵢ) and ``dot`` (Σ wᵢ·xᵢ + b, optionally through an activation) take
any number of Values. The fine-grained graph of a sigmoid neuron,
``(w0*x0 + w1*x1 + b).sigmoid()``, has 2n + 1 nodes; ``dot(w, x, b, "sigmoid")``
makes it one node with an edge to each weight, the bias and each Value input,
the local derivatives recorded as usual (d/dwᵢ = σ'(z)·xᵢ, d/db = σ'(z),
d/dxᵢ = σ'(z)·wᵢ). ``squared_error`` and ``half_squared_error`` are a loss against
a plain-number target as one node. Same gradients, far fewer nodes: ``nn`` uses
these when asked for speed. Sums are computed with ``math.fsum``, so they are
correctly rounded.

>>> from autograd import Value
>>> w, b = [Value(0.5), Value(-1.0)], Value(0.25)
>>> z = dot(w, [2.0, 3.0], b)
>>> z.backward()
>>> z.data, [wi.grad for wi in w], b.grad
(-1.75, [2.0, 3.0], 1.0)
"""

from __future__ import annotations

from collections.abc import Sequence

from ..text import ascii_spelling, python_maths
from . import grad_mode
from .errors import op_name
from .grad_mode import state as _grad_state
from .rules import RULES, Rule
from .value import Number, Value, _as_operand, _leaf, _node, _number_op

_SUM = RULES["Σ aᵢ"]
_SOFTMAX_CROSS_ENTROPY = RULES["logsumexp(a)−a_c"]
NEURON_RULES: dict[str | None, Rule] = {
    None: RULES["w·x + b"],
    "linear": RULES["w·x + b"],
    **{rule.activation: rule for rule in RULES.values() if rule.activation},
}
"""The rule ``dot`` uses for each activation it can fuse (None and 'linear' mean none)."""

squared_error = _number_op("(a − c)²")
squared_error.__doc__ = """(prediction − target)² as one node, for a plain-number target.

    d/dprediction = 2·(prediction − target).

    >>> from autograd import Value
    >>> p = Value(3.0); loss = squared_error(p, 1.0); loss.backward(); loss.data, p.grad
    (4.0, 4.0)
    """
binary_cross_entropy = _number_op("bce(a, c)")
binary_cross_entropy.__doc__ = """−[c·log p + (1 − c)·log(1 − p)] as one node, for a probability p and a
    target c in [0, 1]; a term whose weight (c or 1 − c) is 0 is left out, so p = 1 with c = 1 gives 0.

    d/dp = −c/p + (1 − c)/(1 − p). The decision on c is inside the row, so a traced program makes it
    for every sample (see ``autograd.trace``).

    >>> from autograd import Value
    >>> p = Value(0.5); loss = binary_cross_entropy(p, 1.0); loss.backward(); p.grad
    -2.0
    """
half_squared_error = _number_op("½(a − c)²")
half_squared_error.__doc__ = """½(prediction − target)² as one node: d/dprediction = prediction − target.

    >>> from autograd import Value
    >>> p = Value(3.0); loss = half_squared_error(p, 1.0); loss.backward(); loss.data, p.grad
    (2.0, 2.0)
    """


def softmax_cross_entropy(logits: Sequence[Value], c: int) -> Value:
    """−log softmax(logits)[c] = logsumexp(logits) − logits[c] as one node, for a class index c.

    Stable for any finite logits: with m the largest logit, it is log1p(t) + (m − logits[c]), t
    the sum of exp(logitᵢ − m) other than the largest's 1, so no digit is lost when logits[c] is
    the largest or near it (``[1e300, 1e300]`` gives ln 2). The local derivative on the edge to
    logits[i] is softmax(logits)[i] − (1 if i = c else 0). ``nn.softmax_cross_entropy`` is this op.

    >>> from autograd import Value
    >>> zs = [Value(1000.0), Value(0.0)]
    >>> loss = softmax_cross_entropy(zs, 1); loss.backward()
    >>> loss.data, [z.grad for z in zs]
    (1000.0, [1.0, -1.0])
    """
    parents = tuple([v for v in logits if type(v) is Value])
    if not parents or len(parents) != len(logits):
        raise TypeError(f"softmax_cross_entropy(logits, c): the logits must be Values "
                        f"(at least one), got {[type(v).__name__ for v in logits]}")
    data = [p._data for p in parents]
    if hasattr(type(c), "_engine_operand"):  # an input of a traced function: the row checks it, and
        k = _as_operand(c, "softmax_cross_entropy(logits, c): c")  # the replay reads it (see trace)
        if (why := _SOFTMAX_CROSS_ENTROPY.check(*data, k)) is not None:  # type: ignore[misc]
            raise ValueError(f"softmax_cross_entropy: {why}")
    elif type(c) is bool or not isinstance(c, int) or not 0 <= c < len(parents):
        raise ValueError(f"softmax_cross_entropy(logits, c): the class index c must be a whole number "
                         f"from 0 to {len(parents) - 1}, got {c!r}")
    else:
        k = float(c)
    constants = (k,)
    result = _SOFTMAX_CROSS_ENTROPY.forward(*data, k)
    return _record(_SOFTMAX_CROSS_ENTROPY, result[0], parents, result[1:], constants)


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
        _as_operand(v, "total(values): item") for v in values if type(v) is not Value]
    try:
        result = _SUM.forward(*[p._data for p in parents], *numbers)
    except OverflowError:  # math.fsum: "intermediate overflow"
        raise _overflow(_SUM, parents, tuple(numbers) or None) from None
    return _record(_SUM, result[0], parents, result[1: len(parents) + 1], tuple(numbers) or None)


def dot(weights: Sequence[Value], inputs: Sequence[Value | Number], bias: Value,
        activation: str | None = None) -> Value:
    """activation(Σ weights[i]·inputs[i] + bias) as one node: a whole neuron.

    ``weights`` and ``bias`` are Values; ``inputs`` are all Values (a hidden layer's
    activations, which then get edges too) or all plain numbers (a data sample).
    ``activation`` is None (or 'linear'), 'sigmoid', 'tanh' or 'relu'.

    >>> from autograd import Value
    >>> w, x, b = [Value(2.0)], [Value(3.0)], Value(1.0)
    >>> z = dot(w, x, b); z.backward()
    >>> z.data, w[0].grad, x[0].grad, b.grad
    (7.0, 3.0, 2.0, 1.0)
    >>> dot(w, [-1.0], Value(2.0), "sigmoid").data     # σ(0)
    0.5
    """
    rule = NEURON_RULES.get(activation)
    if rule is None:
        raise ValueError(f"dot(weights, inputs, bias, activation): cannot fuse activation {activation!r}; "
                         f"choose one of {', '.join(repr(k) for k in NEURON_RULES)}")
    # A network calls this for every neuron and sample, so operands are collected by list
    # comprehensions that keep only true Values: a shorter list than expected means a wrong type.
    n = len(weights)
    if len(inputs) != n:
        raise ValueError(f"dot(weights, inputs, bias): {n} weights but {len(inputs)} inputs")
    if n == 0:
        raise ValueError("dot(weights, inputs, bias) needs at least one weight")
    operands = [w._data for w in weights if type(w) is Value]
    if len(operands) != n or type(bias) is not Value:
        raise TypeError("dot(weights, inputs, bias): weights and bias must be Values")
    operands.append(bias._data)
    xs = [x._data for x in inputs if type(x) is Value]
    if xs:
        if len(xs) != n:
            raise TypeError("dot(weights, inputs, bias): inputs must be all Values or all numbers")
        parents: tuple[Value, ...] = (*weights, bias, *inputs)
        constants = None
    else:
        xs = [x for x in inputs if type(x) is float]
        if len(xs) != n:  # ints, numpy numbers, or mistakes: convert one by one, with clear errors
            xs = [_number_input(x) for x in inputs]
        parents = (*weights, bias)
        constants = tuple(xs)
    try:
        result = rule.forward(*operands, *xs)  # (out, d/dw0.., d/db, d/dx0..)
    except OverflowError:  # w·x + b overflowed inside a neuron row
        raise _overflow(rule, parents, constants) from None
    return _record(rule, result[0], parents, result[1: len(parents) + 1], constants)


def _number_input(x: object) -> float:
    if type(x) is Value:
        raise TypeError("dot(weights, inputs, bias): inputs must be all Values or all numbers")
    return _as_operand(x, "dot(weights, inputs, bias): input")


def _record(rule: Rule, out: float, parents: tuple[Value, ...], local: tuple[float, ...],
            constants: tuple[float, ...] | None) -> Value:
    """One node with many edges; ``constants`` (the plain-number operands) go in the ``_b`` slot."""
    # sum() is inf or NaN if any term is (or if finite terms overflow: then look at each one)
    if out - out != 0.0 or (s := sum(local)) - s != 0.0:
        for x in constants or ():
            _as_operand(x, f"{op_name(rule)}: operand")
        if out - out != 0.0 or any(d - d != 0.0 for d in local):
            raise _overflow(rule, parents, constants, "the result or a local derivative")
    if grad_mode.open_no_grad_blocks and not _grad_state.recording:
        return _leaf(out)
    return _node(out, rule, parents, local, constants)


def _overflow(rule: Rule, parents: tuple[Value, ...], constants: tuple[float, ...] | None,
              what: str = "") -> OverflowError:
    """The error for a fused op that overflowed, naming the op and its operands by role."""
    values = [p._data for p in parents] + list(constants or ())
    if rule is _SUM:
        operands = f"a={_listed(values)}"
        what = what or "the sum"
    elif rule is _SOFTMAX_CROSS_ENTROPY:
        operands = f"a={_listed(values[:-1])}, c={int(values[-1])}"
        what = what or "the result"
    else:
        n = len(constants) if constants else (len(parents) - 1) // 2
        operands = f"w={_listed(values[:n])}, b={values[n]!r}, x={_listed(values[n + 1:])}"
        what = what or "w·x + b"
    return OverflowError(ascii_spelling(f"{op_name(rule)} with {operands}: {python_maths(what)} overflows "
                                        f"the float range (about +/-1.8e308)"))


def _listed(xs: list[float], most: int = 6) -> str:
    """``[1e+308, 2.0, …]``: a list of numbers for an error message, shortened after ``most``."""
    shown = ", ".join(repr(x) for x in xs[:most])
    return f"[{shown}{', …' if len(xs) > most else ''}]"
