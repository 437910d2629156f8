"""Collapsed groups in a picture: the Values a ``collapse=`` names drawn as one box, and the arrows
into each box with the derivative of the box's output through every path inside it (the chain
rule walked inside the group, as ``draw`` and the player show it).

>>> from autograd import Value, draw
>>> x = Value(2.0, "x"); y = (x * 3).tanh(); y.label = "y"
>>> draw(y, collapse={"layer": [y]}).node_count
5
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from ..engine.value import Value
from .notation import format_number

Members = Value | Iterable[Value]
Collapse = Mapping[str, Members] | Iterable[tuple[str, Members]]
"""Groups drawn as one box: ``{name: output Value}`` or ``{name: the member Values}``, or such pairs."""


def _groups(collapse: Collapse | None,
            order: list[Value]) -> tuple[list[str], dict[Value, int], list[Value | None]]:
    """Group names, each member's group index, and each group's output Value (or None).

    A group given by its members has as output the one member used outside it (None if several are).
    """
    if collapse is None:
        return [], {}, []
    specs = list(collapse.items() if isinstance(collapse, Mapping) else collapse)
    in_graph = set(order)
    names: list[str] = []
    member_of: dict[Value, int] = {}
    outputs: list[Value | None] = []
    auto: list[tuple[int, Value]] = []
    for index, spec in enumerate(specs):
        try:
            name, members = spec
        except (TypeError, ValueError):
            raise TypeError(f"collapse: expected (name, Value or Values) pairs, got {spec!r}") from None
        names.append(str(name))
        if isinstance(members, Value):
            auto.append((index, members))
            outputs.append(members)
            member_of.setdefault(members, index)
            continue
        try:
            group = list(members)
        except TypeError:
            raise TypeError(f"collapse[{name!r}]: expected a Value or an iterable of Values, "
                            f"got {type(members).__name__}") from None
        for v in group:
            if not isinstance(v, Value):
                raise TypeError(f"collapse[{name!r}]: expected Values, got {type(v).__name__}")
            if v in in_graph:
                member_of.setdefault(v, index)
        outputs.append(None)
    consumers: dict[Value, list[Value]] = {}
    for node in order:
        for parent in node.parents:
            consumers.setdefault(parent, []).append(node)
    for index, out in auto:
        _claim(index, out, member_of, consumers)
    root = order[-1] if order else None
    for index, out in enumerate(outputs):
        if out is None:  # a list of members: its output is the one member used outside it, if one is
            leaving = [v for v, g in member_of.items() if g == index and
                       (v is root or any(member_of.get(c) != index for c in consumers.get(v, ())))]
            if len(leaving) == 1:
                outputs[index] = leaving[0]
    return names, member_of, outputs


def _claim(index: int, out: Value, member_of: dict[Value, int],
           consumers: Mapping[Value, list[Value]]) -> None:
    """The members of group ``index`` given by its output: walk back from ``out`` through ops no other
    group claims; a leaf joins when every op that uses it is inside the group (its parameters)."""
    mine = {out}
    stack = [out]
    while stack:
        node = stack.pop()
        for parent in node.parents:
            if parent in mine or member_of.get(parent, index) != index or parent.is_leaf:
                continue
            mine.add(parent)
            stack.append(parent)
    for node in list(mine):
        for parent in node.parents:
            if parent.is_leaf and parent not in member_of and \
                    all(c in mine for c in consumers.get(parent, ())):
                mine.add(parent)
    for node in mine:
        member_of.setdefault(node, index)


_MAX_PATHS = 4
"""Paths through a group above which its arrows' formulas give the derivative's name and value only."""
_Path = tuple[tuple[str, ...], tuple[float, ...]]
"""One path through a group: the local derivatives along it, as symbols and as numbers."""


@dataclass
class _Into:
    """What an arrow into a group's box says: d(output)/d(source), and how it is made up."""

    source: Value
    value: float | None = 0.0
    """None when the box has no single output (no one derivative of the box)."""
    paths: list[_Path] | None = field(default_factory=list)
    """None when there are too many paths to write out."""


def _into_groups(order: list[Value], member_of: Mapping[Value, int], outputs: list[Value | None],
                 box_id: Callable[[Value], str],
                 symbol: Callable[[Value, int], str] | None) -> dict[tuple[str, int], _Into]:
    """Each arrow into a group's box, keyed (source box id, group): d(group output)/d(source) by the
    chain rule through the group's inner edges, so that a neuron's box shows its own derivative
    (d(a1[1])/dx1 = sigma'(z1[1]) × W1[1][1] = 0.244458 × 0.4), not one inner edge's.
    With ``symbol`` (``local_symbol`` in the graph's names) each arrow also keeps its paths.
    """
    inner: dict[Value, float] = {out: 1.0 for out in outputs if out is not None}
    inner_paths: dict[Value, list[_Path] | None] = {out: [((), ())] if symbol else None for out in inner}
    into: dict[tuple[str, int], _Into] = {}
    for v in reversed(order):  # every consumer of v inside its group comes before v
        g = member_of.get(v)
        if g is None or v.is_leaf:
            continue
        upstream = inner.get(v)
        mine = inner_paths.get(v)
        for k, (parent, local) in enumerate(v.edges):
            inside = member_of.get(parent) == g
            arrow = None if inside else into.setdefault((box_id(parent), g), _Into(parent))
            if upstream is None:  # v does not lead to the group's one output
                if arrow is not None:
                    arrow.value = arrow.paths = None
                continue
            extended = None
            if mine is not None and symbol is not None:
                written = symbol(v, k)
                step: _Path = ((), ()) if written == "1" else ((written,), (local,))
                extended = [(s + step[0], n + step[1]) for s, n in mine]
            if arrow is None:
                inner[parent] = inner.get(parent, 0.0) + local * upstream
                have = inner_paths.get(parent, [])
                inner_paths[parent] = _merge(have, extended)
            else:
                if arrow.value is not None:
                    arrow.value += local * upstream
                arrow.paths = _merge(arrow.paths, extended)
    return into


def _named(v: Value, member_of: Mapping[Value, int], outputs: list[Value | None]) -> Value:
    """The Value whose name stands for ``v`` in a formula: its group's output if it is in a group."""
    g = member_of.get(v)
    out = None if g is None else outputs[g]
    return out if out is not None else v


def _merge(have: list[_Path] | None, more: list[_Path] | None) -> list[_Path] | None:
    """Two lists of paths as one; None (too many to write out) if either is or if they get long."""
    if have is None or more is None or len(have) + len(more) > _MAX_PATHS:
        return None
    return have + more


def _into_label(arrow: _Into, of: str, by: str, formulas: bool) -> str:
    """An arrow into a box: the number, or with ``formulas`` d(of)/d(by) = the chain rule = the number."""
    if arrow.value is None:
        return ""
    number = format_number(arrow.value)
    if not formulas:
        return number
    head = _d(of, by)
    if arrow.paths is None:
        return f"{head}\n= {number}"
    symbols = " + ".join(" × ".join(s) or "1" for s, _ in arrow.paths)
    lines = [f"{head} = {symbols}"]
    if len(arrow.paths) > 1 or len(arrow.paths[0][1]) > 1:
        numbers = (" × ".join(format_number(x) for x in n) or "1" for _, n in arrow.paths)
        lines.append("= " + " + ".join(numbers))
    lines.append(f"= {number}")
    return "\n".join(lines)


def _d(of: str, by: str) -> str:
    """``dz2/da1[0]``; names that are not one word go in parentheses: ``d(hidden 1)/dx1``."""
    return f"d{_word(of)}/d{_word(by)}"


def _word(name: str) -> str:
    return name if re.fullmatch(r"[\w\[\].']+", name) else f"({name})"
