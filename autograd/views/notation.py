"""Writing a graph's nodes the way a hand calculation does: names, expressions, local derivatives.

The stepper's lines, the chain-rule table and the drawn graph all name nodes through
this module, so a node is called the same thing everywhere: the name given in
``names`` (e.g. from an nn model's ``named_parameters()``), else its ``label``, else
an invented one (``L`` for an unlabelled root, then ``t1, t2, ...`` for unlabelled results
of ops, ``v1, v2, ...`` for unlabelled leaves). Expressions and local derivatives are written
in Python's ASCII operators (``a2 - 1``, ``W2[0]*a1[0]``), so a student can copy them back
(see autograd/text.py for the printing policy).

>>> from autograd import Value, topological_order
>>> x = Value(0.5, "x"); y = (x * 3).sigmoid()
>>> names = node_names(topological_order(y))
>>> [names[v] for v in topological_order(y)]
['x', 't1', 'L']
>>> expression(y, names), local_symbol(y, 0, names), expression(y.parents[0], names)
('sigmoid(t1)', "sigma'(t1)", 'x*3')
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence

from ..engine.node import constants, operands
from ..engine.value import Value
from ..text import python_maths

Names = (Mapping[Value, str] | Mapping[str, Value] | Mapping[str, object] | Iterable[tuple[str, Value]]
         | Iterable[tuple[Value, str]])
"""Names for Values: ``{value: name}``, ``{name: value}``, a namespace such as ``globals()`` (its
Values, and lists of Values, by variable name; everything else ignored), or pairs such as
``named_parameters()``."""

__all__ = ["Names", "expression", "format_number", "local_symbol", "natural_key", "node_names",
           "normalise_names"]

_OPERAND = re.compile(r"(?<![A-Za-z_])([abc]|[wx]\d+)(?![A-Za-z_0-9(])")
_SIMPLE_NAME = re.compile(r"[\w\[\].']+")
_MAX_TERMS = 4
"""Longer sums and dot products are shortened to their first and last terms."""
ROOT_NAMES = ("L", "out")
"""What an unlabelled root is called (the first one not taken), as a tutorial calls its loss."""


def normalise_names(names: Names | None) -> dict[Value, str]:
    """``names`` in any accepted form as ``{value: name}``; anything else is a TypeError.

    The forms: ``{value: name}``, pairs ``(name, value)`` or ``(value, name)`` (``named_parameters()``),
    or a namespace, ``{name: anything}`` such as ``globals()``, whose Values are picked out.

    >>> w = Value(1.0)
    >>> normalise_names([("layers.0.w", w)]) == {w: "layers.0.w"}
    True
    """
    if names is None:
        return {}
    if isinstance(names, Mapping) and any(isinstance(k, str) for k in names):
        return _from_namespace(names)
    pairs = names.items() if isinstance(names, Mapping) else names
    result: dict[Value, str] = {}
    for pair in pairs:
        try:
            first, second = pair
        except (TypeError, ValueError):
            raise TypeError(f"names: expected (name, Value) or (Value, name) pairs, got {pair!r}") from None
        if isinstance(first, Value) and isinstance(second, str):
            result[first] = second
        elif isinstance(first, str) and isinstance(second, Value):
            result[second] = first
        else:
            raise TypeError(f"names: expected (name, Value) or (Value, name) pairs, got "
                            f"({type(first).__name__}, {type(second).__name__})")
    return result


def _from_namespace(namespace: Mapping[str, object]) -> dict[Value, str]:
    """The Values of a namespace (``globals()``, ``vars(net)``, ``{"x": x}``) by their variable names.

    Lists and tuples of Values are named by index (``W1[0][1]``); every other entry, and names
    starting with ``_`` (the REPL's ``_``), is left out. A Value under two names keeps the first.

    >>> w = Value(1.0); ws = [Value(2.0), Value(3.0)]
    >>> sorted(_from_namespace({"w": w, "ws": ws, "n": 3, "np": None}).values())
    ['w', 'ws[0]', 'ws[1]']
    """
    result: dict[Value, str] = {}

    def visit(name: str, item: object, depth: int) -> None:
        if isinstance(item, Value):
            result.setdefault(item, name)
        elif isinstance(item, (list, tuple)) and depth < 3:
            for i, inner in enumerate(item):
                visit(f"{name}[{i}]", inner, depth + 1)

    for name, item in namespace.items():
        if isinstance(name, str) and not name.startswith("_"):
            visit(name, item, 0)
        elif not isinstance(name, str) and isinstance(name, Value) and isinstance(item, str):
            result.setdefault(name, item)  # a {value: name} entry mixed in
    return result


def node_names(order: Sequence[Value], names: Names | None = None) -> dict[Value, str]:
    """A readable name for every Value of ``order`` (a topological order, root last).

    Invented names are numbered in the order the backward pass meets the nodes; an unlabelled
    root is ``L`` (``out`` if a node is already called ``L``).

    >>> a = Value(1.0); b = a + 1; c = b * 2
    >>> list(node_names([a, b, c]).values())
    ['v1', 't1', 'L']
    """
    given = normalise_names(names)
    taken = {given.get(v) or v.label for v in order}
    result: dict[Value, str] = {}
    counters = {"t": 0, "v": 0}
    root = order[-1] if order else None
    for v in reversed(order):
        name = given.get(v) or v.label
        if not name and v is root:
            name = next((n for n in ROOT_NAMES if n not in taken), "")
        if not name:
            prefix = "v" if v.is_leaf else "t"
            while True:
                counters[prefix] += 1
                name = f"{prefix}{counters[prefix]}"
                if name not in taken:
                    break
        result[v] = name
    return {v: result[v] for v in order}


def format_number(x: float) -> str:
    """Six significant digits, as a hand calculation writes them (``-0.0`` reads ``0``).

    >>> format_number(0.28905), format_number(-0.822203), format_number(2.0), format_number(-0.0)
    ('0.28905', '-0.822203', '2', '0')
    """
    return "0" if x == 0.0 else f"{x:.6g}"


def _operand(name: str) -> str:
    """A name as an operand: compound names and negative numbers go in parentheses."""
    return name if _SIMPLE_NAME.fullmatch(name) else f"({name})"


def _shorten(terms: list[str], joiner: str) -> str:
    if len(terms) > _MAX_TERMS + 1:
        terms = [*terms[:2], "...", terms[-1]]
    return joiner.join(terms)


def expression(node: Value, names: Mapping[Value, str]) -> str:
    """What ``node`` was computed from, in its parents' names and Python's operators: ``'W2[0]*a1[0]'``.

    >>> a, b = Value(2.0, "a"), Value(3.0, "b"); y = a * b - 1
    >>> expression(y.parents[0], {a: "a", b: "b"}), expression(y, {y.parents[0]: "t"})
    ('a*b', 't - 1')
    """
    return python_maths(_expression(node, names))


def _expression(node: Value, names: Mapping[Value, str]) -> str:
    """``expression`` in RULES' own symbols."""
    rule = node.rule
    if rule is None:
        return names.get(node, node.label)
    parents = [_operand(names[p]) for p in operands(node)]
    numbers = constants(node)
    texts = [_operand(format_number(c)) for c in numbers]
    if rule.class_index:  # 'logsumexp(z0, z1, z2) − z1'
        return f"logsumexp({_shorten(parents, ', ')}) − {parents[int(numbers[-1])]}"
    if rule.variadic:
        parts = rule.split(parents, texts)
        if not parts.weights:  # Σ: 'a + b + 3'
            return _shorten(list(parts.terms), " + ")
        z = _shorten([f"{w}·{x}" for w, x in zip(parts.weights, parts.inputs)] + [parts.bias], " + ")
        return f"{rule.activation}({z})" if rule.activation else z  # 'sigmoid(W0·x0 + W1·x1 + b)'
    if rule.function:
        return f"{rule.function}({', '.join(parents + texts)})"
    fields = {"a": parents[0], "b": parents[1] if len(parents) > 1 else "", "c": texts[0] if texts else ""}
    return _OPERAND.sub(lambda m: fields[m.group(1)], rule.expr)


def local_symbol(node: Value, edge: int, names: Mapping[Value, str]) -> str:
    """The local derivative on edge ``edge`` of ``node`` as written in a hand calculation.

    Functions read ``sigma'(z2)``; other rules give their formula in the operands' names, with
    Python's operators (``2*(a2 - 1)``).

    >>> a, b = Value(2.0, "a"), Value(3.0, "b"); y = a * b
    >>> local_symbol(y, 0, {a: "a", b: "W"}), local_symbol(y.sigmoid(), 0, {y: "z"})
    ('W', "sigma'(z)")
    """
    rule = node.rule
    if rule is None:
        raise ValueError("local_symbol: a leaf has no parent edges")
    parents = operands(node)
    if rule.function:
        return rule.slope_text(_operand(names[parents[0]]))
    numbers = constants(node)
    if rule.class_index:  # 'softmax(z0, z1, z2)[1] - 1'
        logits = _shorten([_operand(names[p]) for p in parents], ", ")
        hit = " - 1" if edge == int(numbers[-1]) else ""
        return _grouped(f"softmax({logits})[{edge}]{hit}")
    formula = node.formulas[edge].rsplit(" = ", 1)[1]
    texts = [_operand(format_number(c)) for c in numbers]
    parts = rule.split([_operand(names[p]) for p in parents], texts)
    if parts.weights:  # dot and neuron rows: w0.., x0..
        fields = {f"w{i}": w for i, w in enumerate(parts.weights)}
        fields.update({f"x{i}": x for i, x in enumerate(parts.inputs)})
    else:
        fields = {"a": _operand(names[parents[0]]), "c": texts[0] if texts else "c"}
        if len(parents) > 1:
            fields["b"] = _operand(names[parents[1]])
    return _grouped(python_maths(_OPERAND.sub(lambda m: fields.get(m.group(1), m.group(1)), formula)))


def natural_key(name: str) -> list[tuple[int, int | str]]:
    """Sort key reading digits as numbers: x2 before x10, W1[0][1] before W1[1][0].

    >>> sorted(["x10", "x2", "W1[1][0]", "W1[0][1]"], key=natural_key)
    ['W1[0][1]', 'W1[1][0]', 'x2', 'x10']
    """
    return [(0, int(part)) if part.isdigit() else (1, part) for part in re.split(r"(\d+)", name) if part]


def _grouped(text: str) -> str:
    """``text`` in parentheses when it is a sum or difference at its top level (``(t1 - 1)``), so that
    it reads right in front of ``× dC/d...``.

    >>> _grouped("t1 - 1"), _grouped("2*(a2 - 1)"), _grouped("x0")
    ('(t1 - 1)', '2*(a2 - 1)', 'x0')
    """
    depth = 0
    for i, ch in enumerate(text):
        depth += ch == "("
        depth -= ch == ")"
        if depth == 0 and ch in "+-" and 0 < i < len(text) - 1 and text[i - 1] == " ":
            return f"({text})"
    return text
