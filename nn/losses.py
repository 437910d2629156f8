"""Loss functions built from ``Value`` ops, so every one of them can be stepped through backward.

The squared errors come in two spellings on purpose, because tutorials use both and the
difference is exactly a factor of 2 in every gradient:

- ``squared_error(p, y) = (p − y)²``, gradient 2(p − y);
- ``half_squared_error(p, y) = ½(p − y)²``, gradient (p − y).

``mse`` is the mean of the first over a batch, ``half_mse`` the mean of the second (the
1/(2n) convention). Targets are plain numbers.

>>> from autograd import Value
>>> p = Value(0.75)
>>> squared_error(p, 1.0).data, half_squared_error(p, 1.0).data
(0.0625, 0.03125)
"""

from __future__ import annotations

import functools
import math
import numbers
from collections.abc import Callable, Sequence
from typing import Literal, TypeVar

from autograd import Value, fused, total

Target = float | int

_Loss = TypeVar("_Loss", bound=Callable[..., object])

LEARNING_RATE_HINT = ("; in a training loop, a loss this large usually means the weights have grown "
                      "too large: try a smaller learning rate (or, if it happens before the first "
                      "update, smaller inputs or initial weights)")
"""Added to an OverflowError raised while a loss is computed (``fit`` says the same its own way)."""


def _says_what_to_do(loss: _Loss) -> _Loss:
    """``loss`` raising its OverflowError with ``LEARNING_RATE_HINT`` added, for hand-written loops."""
    @functools.wraps(loss)
    def checked(*args: object, **kwargs: object) -> object:
        try:
            return loss(*args, **kwargs)
        except OverflowError as error:
            if LEARNING_RATE_HINT in str(error):
                raise
            raise type(error)(f"{loss.__name__}: {error}{LEARNING_RATE_HINT}") from None
    return checked  # type: ignore[return-value]


def _traced(y: object) -> bool:
    """True for an input of a function being traced (``autograd.trace``): it is handed to the op as
    it is, which reads it in the replay (its number is checked when the traced step is called)."""
    return hasattr(type(y), "_engine_operand")


def _shown(y: object) -> str:
    """A target as an error message shows it (a traced input: the number of the sample at hand)."""
    return repr(getattr(y, "_number", y))


def _target(y: object, where: str) -> float:
    """A target as a float: any real number ``Value`` accepts (int, float, NumPy scalars), finite."""
    if type(y) is float and y - y == 0.0:
        return y
    if _traced(y):
        return y  # type: ignore[return-value]
    if not _real(y):
        raise ValueError(f"{where}: the target must be a finite number, got {y!r}")
    try:
        f = float(y)  # type: ignore[arg-type]
    except OverflowError:
        f = math.inf
    if not math.isfinite(f):
        raise ValueError(f"{where}: the target must be a finite number, got {y!r}")
    return f


def _real(x: object) -> bool:
    """A real number and not a truth value (``bool`` and NumPy's ``bool_`` are refused)."""
    return isinstance(x, numbers.Real) and not isinstance(x, bool) and type(x).__name__ != "bool_"


def _class_index(target: object, n: int, where: str) -> int:
    """A class index in 0..n−1: an int, a NumPy integer, or a float with a whole value (1.0)."""
    if _real(target):
        try:
            f = float(target)  # type: ignore[arg-type]
        except OverflowError:
            f = math.inf
        if math.isfinite(f) and f == int(f) and 0 <= f < n:
            return int(f)
    raise ValueError(f"{where}: target must be a class index in 0..{n - 1}, got {target!r}")


def _value(p: object, where: str) -> Value:
    if not isinstance(p, Value):
        raise TypeError(f"{where}: the prediction must be a Value, got {type(p).__name__} {p!r}")
    return p


@_says_what_to_do
def squared_error(prediction: Value, target: Target) -> Value:
    """(prediction − target)², with no ½: d/dprediction = 2(prediction − target). One node.

    >>> from autograd import Value
    >>> p = Value(3.0); loss = squared_error(p, 1.0); loss.backward(); loss.data, p.grad
    (4.0, 4.0)
    """
    return fused.squared_error(_value(prediction, "squared_error"), _target(target, "squared_error"))


@_says_what_to_do
def half_squared_error(prediction: Value, target: Target) -> Value:
    """½(prediction − target)²: d/dprediction = prediction − target (no factor 2). One node.

    >>> from autograd import Value
    >>> p = Value(3.0); loss = half_squared_error(p, 1.0); loss.backward(); loss.data, p.grad
    (2.0, 2.0)
    """
    return fused.half_squared_error(_value(prediction, "half_squared_error"),
                                    _target(target, "half_squared_error"))


@_says_what_to_do
def mean(values: Sequence[Value]) -> Value:
    """The average of ``values`` as one Σ node divided by n: a batch's mean loss.

    >>> from autograd import Value
    >>> mean([Value(1.0), Value(2.0), Value(6.0)]).data
    3.0
    """
    if len(values) == 0:
        raise ValueError("mean(values): no values to average")
    return total(values) / len(values)


def _check_pairs(predictions: Sequence[Value], targets: Sequence[Target], where: str) -> None:
    if len(predictions) != len(targets):
        raise ValueError(f"{where}: {len(predictions)} predictions but {len(targets)} targets")
    if len(predictions) == 0:
        raise ValueError(f"{where}: no predictions")


Reduction = Literal["mean", "sum"]
"""How ``mse`` and ``half_mse`` combine the outputs' squared errors: their mean (the default) or sum."""


def _reduction(reduction: object, where: str) -> str:
    if reduction not in ("mean", "sum"):
        raise ValueError(f"{where}: reduction must be 'mean' (divide by the number of outputs) or "
                         f"'sum', got {reduction!r}")
    return reduction  # type: ignore[return-value]


def _as_lists(predictions: Sequence[Value] | Value, targets: Sequence[Target] | Target,
              where: str) -> tuple[Sequence[Value], Sequence[Target]]:
    """One prediction Value and one target are taken as lists of one (a network with one output)."""
    if isinstance(predictions, Value):
        return [predictions], ([targets] if not isinstance(targets, Sequence) else targets)  # type: ignore[list-item]
    return predictions, targets  # type: ignore[return-value]


@_says_what_to_do
def mse(predictions: Sequence[Value], targets: Sequence[Target], reduction: Reduction = "mean") -> Value:
    """Mean squared error (1/n)·Σ (pᵢ − yᵢ)² over the n outputs, as in PyTorch's ``MSELoss``.

    The default, ``reduction="mean"``, divides by the number of outputs n (not by the number of
    samples: ``fit`` averages over the samples); ``reduction="sum"`` is Σ (pᵢ − yᵢ)², with no 1/n.

    >>> from autograd import Value
    >>> mse([Value(1.0), Value(3.0)], [0.0, 0.0]).data, mse([Value(1.0), Value(3.0)], [0.0, 0.0], "sum").data
    (5.0, 10.0)
    """
    predictions, targets = _as_lists(predictions, targets, "mse")
    _check_pairs(predictions, targets, "mse")
    errors = [squared_error(p, y) for p, y in zip(predictions, targets)]
    return mean(errors) if _reduction(reduction, "mse") == "mean" else total(errors)


@_says_what_to_do
def half_mse(predictions: Sequence[Value], targets: Sequence[Target], reduction: Reduction = "mean") -> Value:
    """(1/(2n))·Σ (pᵢ − yᵢ)² over the n outputs, the convention that makes dloss/dpᵢ = (pᵢ − yᵢ)/n.

    ``reduction="sum"`` is ½·Σₖ (pₖ − yₖ)², the loss of Deep learning for beginners (2) for several
    outputs, whose gradient is [p₁ − y₁, p₂ − y₂, ...] with no 1/n. The default divides by the
    number of outputs.

    >>> from autograd import Value
    >>> half_mse([Value(1.0), Value(3.0)], [0.0, 0.0]).data
    2.5
    >>> p = [Value(0.5), Value(2.0), Value(-1.0)]
    >>> loss = half_mse(p, [1.0, 1.0, 1.0], reduction="sum"); loss.backward()
    >>> loss.data, [v.grad for v in p]        # ½(0.25 + 1 + 4); the gradient is p − y
    (2.625, [-0.5, 1.0, -2.0])
    """
    predictions, targets = _as_lists(predictions, targets, "half_mse")
    _check_pairs(predictions, targets, "half_mse")
    if _reduction(reduction, "half_mse") == "sum":
        return total([half_squared_error(_value(p, "half_mse"), y) for p, y in zip(predictions, targets)])
    diffs = [_value(p, "half_mse") - _target(y, "half_mse") for p, y in zip(predictions, targets)]
    return total([d * d for d in diffs]) / (2 * len(diffs))


@_says_what_to_do
def binary_cross_entropy(probability: Value, target: Target) -> Value:
    """−[y·log p + (1 − y)·log(1 − p)] for a probability p in (0, 1) and a target y in [0, 1].

    A term whose weight (y or 1 − y) is 0 is left out, so p = 1 with y = 1 gives 0. Near 0 and 1
    probabilities lose digits; prefer ``binary_cross_entropy_with_logits`` when you have the logit.
    One node (``autograd.fused.binary_cross_entropy``), whose gradient is −y/p + (1 − y)/(1 − p).

    >>> from autograd import Value
    >>> round(binary_cross_entropy(Value(0.8), 1).data, 6)       # −log 0.8
    0.223144
    """
    p = _value(probability, "binary_cross_entropy")
    y = _target(target, "binary_cross_entropy")
    return fused.binary_cross_entropy(p, y)  # one node: it decides on y inside, for every sample


@_says_what_to_do
def binary_cross_entropy_with_logits(logit: Value, target: Target) -> Value:
    """Binary cross-entropy of σ(logit), computed stably as softplus(logit) − y·logit.

    Its gradient is σ(logit) − y; it stays finite for any finite logit.

    >>> from autograd import Value
    >>> z = Value(0.0); loss = binary_cross_entropy_with_logits(z, 1); loss.backward()
    >>> round(loss.data, 6), z.grad
    (0.693147, -0.5)
    """
    z = _value(logit, "binary_cross_entropy_with_logits")
    y = _target(target, "binary_cross_entropy_with_logits")
    if not 0.0 <= y <= 1.0:  # (for a traced target, a decision the replay checks on every call)
        raise ValueError(f"binary_cross_entropy_with_logits: the target must be in [0, 1], got "
                         f"{_shown(y)}")
    return z.softplus() - z * y  # no branch on y: the same ops for every target


@_says_what_to_do
def hinge(score: Value, target: Target) -> Value:
    """max(0, 1 − y·score) for a label y of −1 or +1 (the SVM loss).

    >>> from autograd import Value
    >>> hinge(Value(0.25), 1).data, hinge(Value(2.0), 1).data
    (0.75, 0.0)
    """
    s = _value(score, "hinge")
    y = _target(target, "hinge")
    if y not in (-1.0, 1.0):
        raise ValueError(f"hinge: the label must be -1 or +1, got {_shown(target)}")
    return (1.0 - s * y).relu()


@_says_what_to_do
def softmax_cross_entropy(logits: Sequence[Value], target: int) -> Value:
    """−log softmax(logits)[target] = logsumexp(logits) − logits[target], stable for any logits.

    One node (``autograd.fused.softmax_cross_entropy``): the largest logit m is subtracted before
    exponentiating, and the value is log1p(Σ exp(zᵢ − m) − 1) + (m − z_target), so no digit is lost
    when the target's logit is the largest. The gradient is softmax(logits) − onehot(target). A
    traced function's target is read by the replay for every sample (the logit it picks too).

    >>> from autograd import Value
    >>> round(softmax_cross_entropy([Value(1000.0), Value(0.0)], 1).data, 6)
    1000.0
    """
    if len(logits) == 0:
        raise ValueError("softmax_cross_entropy: no logits")
    zs = [_value(z, "softmax_cross_entropy") for z in logits]
    index = target if _traced(target) else _class_index(target, len(zs), "softmax_cross_entropy")
    return fused.softmax_cross_entropy(zs, index)  # type: ignore[arg-type]


def softmax(logits: Sequence[Value]) -> list[Value]:
    """exp(zᵢ) / Σ exp(zⱼ), shifted by the largest logit so it never overflows.

    >>> from autograd import Value
    >>> [round(p.data, 4) for p in softmax([Value(0.0), Value(0.0)])]
    [0.5, 0.5]
    """
    if len(logits) == 0:
        raise ValueError("softmax: no logits")
    shift = max(_value(z, "softmax").data for z in logits)
    exps = [(z - shift).exp() for z in logits]
    norm = total(exps)
    return [e / norm for e in exps]
