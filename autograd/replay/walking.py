"""Explaining a replay: the recorded graph walked op by op with each rule's forward and check, as
the engine runs it (``interpret``: what went wrong when a program refused a sample), and the
program's lines with their numbers for one sample (``Line``, ``Walk``: ``Traced.walk``)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from ..engine.errors import gradient_overflow, op_error
from ..engine.node import constants, number_of, operands
from ..engine.value import Value, _explain
from ..views.notation import format_number
from .variants import _Variant


@dataclass(frozen=True)
class Line:
    """One line of the generated program, run for one sample: its text and the number it made.

    ``label``: the value's name in the graph when the program calls it otherwise (``W1[0]``, a
    label that is not a short identifier), as shown in the program's comment (always one safe line).
    """

    text: str
    name: str | None
    value: float | None
    label: str = ""

    def __repr__(self) -> str:
        if self.value is None:
            return self.text
        shown = f"  ({self.label})" if self.label else ""
        return f"{self.text:<60}  # {format_number(self.value)}{shown}"


class Walk(list):  # type: ignore[type-arg]
    """The generated program's lines with their numbers for one sample (a list of ``Line``)."""

    def __repr__(self) -> str:
        return "\n".join(repr(line) for line in self)


def interpret(variant: _Variant, arguments: Sequence[str] | None, sample: Sequence[float],
              seed: float) -> tuple[float, dict[Value, float]]:
    """The graph replayed op by op with each rule's forward and check, as the engine runs it: raises
    what the engine would raise, else returns the loss and the wanted leaves' new grads."""
    given = dict(zip(arguments or (), sample))
    recorder = variant.recorder

    def number(c: float) -> float:
        name = recorder.input_name(c)
        return c if name is None else given[name]

    data: dict[Value, float] = {}
    local: dict[Value, Sequence[float]] = {}
    for v in variant.order:
        rule = v.rule
        if rule is None:
            data[v] = given[variant.input_of_leaf[v]] if v in variant.input_of_leaf else number_of(v)
            continue
        parents = operands(v)  # every row takes its Values, then its plain numbers
        args = (*[data[p] for p in parents], *[number(c) for c in constants(v)])
        if not rule.variadic:
            if rule.check is not None and (why := rule.check(*args)) is not None:
                raise op_error(rule, args, why)
            try:
                out, *d = rule.forward(*args)
                if out - out + math.fsum(x - x for x in d) != 0.0:
                    raise ArithmeticError
            except ArithmeticError:
                raise _explain(rule, args) from None
        else:
            if rule.check is not None and (why := rule.check(*args)) is not None:
                raise ValueError(f"softmax_cross_entropy: {why}")  # the one variadic row with a check
            try:
                out, *d = rule.forward(*args)
            except (ArithmeticError, ValueError):
                raise OverflowError(f"{rule.expr}: the result overflows the float range "
                                    f"(about ±1.8e308)") from None
            d = d[: len(parents)]
            if out - out != 0.0 or any(x - x != 0.0 for x in d):
                raise OverflowError(f"{rule.expr}: the result ({out!r}) or a local derivative "
                                    f"overflows the float range (about ±1.8e308)")
        data[v], local[v] = out, d
    names = variant.graph_text.names
    grads = {v: (v.grad if v in variant.wanted else 0.0) for v in variant.order}
    root = variant.order[-1]
    grads[root] += seed
    for v in reversed(variant.order):
        g = grads[v]
        if g - g != 0.0:
            raise gradient_overflow("replay", repr(names[v]), data[v], g, data[root])
        if not v.is_leaf:
            for parent, d in zip(operands(v), local[v]):
                grads[parent] += d * g
    return data[root], {leaf: grads[leaf] for leaf in variant.wanted}
