"""Finding the layers in a recorded graph: neurons that read the same inputs, as one matrix product.

A recorded graph of a network has, for each layer, one ``dot`` node per neuron (``w·x + b``, or a
whole neuron ``σ(w·x + b)``, ``tanh(w·x + b)``, ``relu(w·x + b)``), all reading the same inputs in
the same order. Stacked, those neurons are z = W·x + b with row j of W holding neuron j's weights:
one matrix product instead of n_out scalar ones. ``find_layers`` finds such groups, exactly and
conservatively: a group is a layer only if

- its nodes have the same row of RULES and read the very same inputs (the same Values, or the same
  inputs of the traced function) in the same order;
- every weight is a parameter leaf (a leaf whose grad is wanted) used by this one edge only, and the
  biases are all such parameters, or all leaves whose grad is not wanted (constants);

and a layer of ``w·x + b`` nodes takes the activation nodes after it into the layer only if each
node's one consumer is an activation of the same row (σ, tanh, relu, or leaky_relu with one slope).
Everything else (a fine-grained neuron of · and +, a shared weight, a skip connection) stays as it
was: the replay writes it as scalar code. ``autograd.replay.matrix_program`` writes the program.

>>> from autograd import Value, dot, trace
>>> w = [[Value(0.5), Value(-1.0)], [Value(2.0), Value(0.25)]]
>>> b = [Value(0.0), Value(1.0)]
>>> step = trace(lambda x0, x1: dot(w[0], [x0, x1], b[0], "sigmoid") * dot(w[1], [x0, x1], b[1], "sigmoid"),
...              example=[1.0, 2.0])
>>> [(layer.number, layer.shape, layer.activation) for layer in step.matrix_program().layers]
[(1, (2, 2), 'sigmoid')]
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from ..engine import node
from ..engine.value import Value

__all__ = ["ACTIVATION_ROWS", "NEURON_ROWS", "FoundLayer", "FoundRows", "FoundSum", "find_layers",
           "find_rows"]

NEURON_ROWS = {"w·x + b": None, "σ(w·x + b)": "σ(a)", "tanh(w·x + b)": "tanh(a)", "relu(w·x + b)": "relu(a)"}
"""The rows a layer is made of, each with the row of its activation (None: no activation)."""
ACTIVATION_ROWS = {"σ(a)": "sigmoid", "tanh(a)": "tanh", "relu(a)": "relu", "leaky_relu(a, c)": "leaky_relu",
                   "leaky_relu1(a,c)": "leaky_relu1"}
"""The activations a layer of ``w·x + b`` nodes takes in, with their short names."""


@dataclass(frozen=True)
class FoundLayer:
    """One layer found in a graph: z = W·x + b (``nodes``, row j is neuron j), then maybe a = act(z).

    ``inputs`` is the input vector: the traced function's argument names (a data sample) or the
    Values read (a layer below, or any values). ``activation_nodes`` are the separate activation
    nodes taken in (or empty: then the activation, if any, is inside the neuron row).
    """

    number: int
    """1 for the first layer found in the forward order."""
    nodes: tuple[Value, ...]
    weights: tuple[tuple[Value, ...], ...]
    """``weights[j][i]``: the leaf multiplying input i in neuron j."""
    biases: tuple[Value, ...]
    biases_wanted: bool
    """True if the biases are parameters (their grads are wanted), False for constant biases."""
    inputs: tuple[Any, ...]
    from_data: bool
    """True: ``inputs`` are argument names; False: they are Values of the graph."""
    row: str
    """The ``expr`` of the nodes' row: 'w·x + b', 'σ(w·x + b)', ..."""
    activation_row: str | None
    """The ``expr`` of the activation: inside the neuron row, or of ``activation_nodes``; None: none."""
    activation_nodes: tuple[Value, ...] = ()
    slope: float | None = None
    """leaky_relu's slope c (a number, never an input)."""

    @property
    def shape(self) -> tuple[int, int]:
        """(neurons, inputs): the shape of W."""
        return len(self.nodes), len(self.inputs)

    @property
    def activation(self) -> str:
        """The activation's short name ('σ', 'tanh', 'relu', 'leaky_relu', or 'linear')."""
        return "linear" if self.activation_row is None else ACTIVATION_ROWS[self.activation_row]

    @property
    def outputs(self) -> tuple[Value, ...]:
        """The Values the layer's output vector a holds, row by row."""
        return self.activation_nodes or self.nodes


def find_layers(order: Sequence[Value], wanted: set[Value], input_name: Callable[[object], str | None],
                leaf_order: Sequence[Value] = ()) -> list[FoundLayer]:
    """The layers of the recorded graph ``order`` (topological, root last), in forward order.

    ``wanted`` holds the leaves whose grads the program adds to; ``input_name(c)`` is the argument
    name of a plain number the graph got from an input (None for a literal number). A layer's rows
    (its neurons) come in the order of their first weights in ``leaf_order`` (the parameters'
    order: ``MLP.parameters()`` lists neuron 0 first), else in the graph's order.
    """
    consumers, groups = _neuron_groups(order, wanted, input_name)
    root = order[-1]
    found: list[FoundLayer] = []
    for (expr, _, _), members in groups.items():
        layer = _layer_of_group(expr, members, wanted, leaf_order, consumers, root, input_name)
        if layer is not None:
            found.append(layer)
    position = {v: i for i, v in enumerate(order)}
    found.sort(key=lambda layer: position[layer.nodes[0]])
    return [FoundLayer(k, *(getattr(layer, f) for f in _FIELDS[1:]))
            for k, layer in enumerate(found, start=1)]


_Member = tuple[Value, tuple[Value, ...], Value, tuple[Any, ...], bool]
"""A neuron of a candidate layer: (node, weights, bias, inputs, from_data)."""


def _neuron_groups(order: Sequence[Value], wanted: set[Value], input_name: Callable[[object], str | None]
                   ) -> tuple[dict[Value, list[Value]], dict[tuple[Any, ...], list[_Member]]]:
    """Each node's consumers, and the neuron nodes grouped by (row, inputs): those whose weights are
    parameters used once and whose bias is a leaf used once."""
    uses: dict[Value, int] = {}
    consumers: dict[Value, list[Value]] = {}
    for v in order:
        if v.is_leaf:
            continue
        for p in node.operands(v):
            uses[p] = uses.get(p, 0) + 1
            consumers.setdefault(p, []).append(v)
    root = order[-1]
    groups: dict[tuple[Any, ...], list[_Member]] = {}
    for v in order:
        rule = v.rule
        if rule is None or rule.expr not in NEURON_ROWS or v is root:
            continue
        parents = node.operands(v)
        const = _constant(v)
        if const is not None:  # inputs are plain numbers: each must be an input of the traced function
            n = len(parents) - 1
            names = tuple(input_name(c) for c in const)
            if None in names:
                continue
            inputs: tuple[Any, ...] = names
            from_data = True
        else:
            n = (len(parents) - 1) // 2
            inputs = parents[n + 1:]
            from_data = False
        weights, bias = parents[:n], parents[n]
        if not all(w.is_leaf and w in wanted and uses.get(w) == 1 for w in weights):
            continue
        if not (bias.is_leaf and uses.get(bias) == 1 and bias not in inputs):
            continue
        key = (rule.expr, from_data, inputs if from_data else tuple(id(x) for x in inputs))
        groups.setdefault(key, []).append((v, weights, bias, inputs, from_data))
    return consumers, groups


def _layer_of_group(expr: str, members: list[_Member], wanted: set[Value], leaf_order: Sequence[Value],
                    consumers: dict[Value, list[Value]], root: Value,
                    input_name: Callable[[object], str | None]) -> FoundLayer | None:
    """The layer (numbered 0 for now) made of one group's neurons, or None if none is kept."""
    leaves_seen: set[Value] = set()
    kept = []
    for member in members:  # a leaf twice in one layer (w and b the same Value) stays scalar
        _, weights, bias, _, _ = member
        mine = {*weights, bias}
        if len(mine) != len(weights) + 1 or mine & leaves_seen:
            continue
        leaves_seen |= mine
        kept.append(member)
    wanted_biases = [m[2] in wanted for m in kept]
    if not kept:
        return None
    rank = {leaf: i for i, leaf in enumerate(leaf_order)}
    kept.sort(key=lambda m: rank.get(m[1][0], len(rank)))
    if any(wanted_biases) and not all(wanted_biases):  # mixed: keep the wanted ones' group only
        kept = [m for m, w in zip(kept, wanted_biases) if w]
    nodes = tuple(m[0] for m in kept)
    activation_row = NEURON_ROWS[expr]
    activation_nodes: tuple[Value, ...] = ()
    slope = None
    if activation_row is None:
        activation_row, activation_nodes, slope = _activation_after(nodes, consumers, root, input_name)
    return FoundLayer(0, nodes, tuple(m[1] for m in kept), tuple(m[2] for m in kept),
                      kept[0][2] in wanted, kept[0][3], kept[0][4], expr, activation_row,
                      activation_nodes, slope)


def _constant(v: Value) -> Any:
    """``v.const`` read through the node API (no recorder told): None, the plain number, or a
    variadic row's tuple of numbers."""
    numbers = node.constants(v)
    if not numbers:
        return None
    return numbers if v.rule is not None and v.rule.variadic else numbers[0]


_FIELDS = ("number", "nodes", "weights", "biases", "biases_wanted", "inputs", "from_data", "row",
           "activation_row", "activation_nodes", "slope")


def _activation_after(nodes: tuple[Value, ...], consumers: dict[Value, list[Value]], root: Value,
                      input_name: Callable[[object], str | None]
                      ) -> tuple[str | None, tuple[Value, ...], float | None]:
    """The activation nodes after a layer of ``w·x + b`` nodes, if each node's one consumer is an
    activation of one row (and one literal slope): (row, nodes, slope), else (None, (), None)."""
    after = []
    for v in nodes:
        users = consumers.get(v, [])
        if (len(users) != 1 or users[0] is root or users[0].rule is None
                or users[0].rule.expr not in ACTIVATION_ROWS):
            return None, (), None
        after.append(users[0])
    rows = {u.rule.expr for u in after}  # type: ignore[union-attr]
    if len(rows) != 1:
        return None, (), None
    row = rows.pop()
    slope = None
    if row.startswith("leaky_relu"):
        constants = [_constant(u) for u in after]
        if any(input_name(c) is not None for c in constants):  # a slope from an input: scalar code
            return None, (), None
        slopes = set(constants)
        if len(slopes) != 1:
            return None, (), None
        slope = slopes.pop()
        if type(slope) is not float:
            return None, (), None
    return row, tuple(after), slope


@dataclass(frozen=True)
class FoundRows:
    """One op applied to every row of a matrix the program holds (a layer's output, or another
    ``FoundRows``): ``nodes[j]`` reads row ``rows[j]`` of ``source``. ``(a2 − y)²`` of each output
    of a layer, against its own target: one line on the whole array.

    ``constants`` is None (an op of one Value), one literal number for every row, or the argument
    names, one per row (each row's own input, a target).
    """

    number: int
    nodes: tuple[Value, ...]
    source: object
    """The ``FoundLayer`` or ``FoundRows`` whose rows the nodes read."""
    rows: tuple[int, ...]
    row: str
    """The nodes' row of RULES (its ``expr``)."""
    constants: float | tuple[str, ...] | None


@dataclass(frozen=True)
class FoundSum:
    """A Σ node that adds every row of a matrix the program holds, each once: a column sum."""

    node: Value
    source: object
    rows: tuple[int, ...]


def find_rows(order: Sequence[Value], layers: Sequence[FoundLayer],
              input_name: Callable[[object], str | None]) -> tuple[list[FoundRows], list[FoundSum]]:
    """The elementwise ops on whole layer outputs (and on those ops' results), and the Σ nodes of a
    whole one, in ``order`` (topological): what the matrix program writes as one line each."""
    where: dict[Value, tuple[object, int]] = {}
    size: dict[int, int] = {}
    for layer in layers:
        for j, v in enumerate(layer.outputs):
            where[v] = (layer, j)
        size[id(layer)] = len(layer.outputs)
    root = order[-1]
    found: list[FoundRows] = []
    grew = True
    while grew:
        grew = False
        groups: dict[tuple[Any, ...], list[tuple[Value, int, Any]]] = {}
        for v in order:
            rule = v.rule
            if rule is None or v in where or v is root or rule.variadic:
                continue
            parents = node.operands(v)
            if len(parents) != 1 or parents[0] not in where:
                continue
            source, j = where[parents[0]]
            const = _constant(v)
            if const is None:
                kind: Any = None
                value: Any = None
            else:
                name = input_name(const)
                kind, value = ("input", name) if name is not None else ("literal", repr(const))
            key = (id(source), rule.expr, kind, value if kind == "literal" else None)
            groups.setdefault(key, []).append((v, j, value if kind == "input" else const))
        for (source_id, expr, kind, _), members in groups.items():
            rows = sorted(j for _, j, _ in members)
            if rows != list(range(size[source_id])):  # every row once, or none of them
                continue
            members.sort(key=lambda m: m[1])
            source = where[node.operands(members[0][0])[0]][0]
            constants: float | tuple[str, ...] | None = (
                None if kind is None else members[0][2] if kind == "literal"
                else tuple(m[2] for m in members))
            block = FoundRows(len(found) + 1, tuple(m[0] for m in members), source,
                              tuple(m[1] for m in members), expr, constants)
            found.append(block)
            for j, m in enumerate(members):
                where[m[0]] = (block, j)
            size[id(block)] = len(members)
            grew = True
    return found, _column_sums(order, where, size)


def _column_sums(order: Sequence[Value], where: dict[Value, tuple[object, int]], size: dict[int, int]
                 ) -> list[FoundSum]:
    """The Σ nodes that add every row of one matrix the program holds, each once."""
    sums: list[FoundSum] = []
    for v in order:
        rule = v.rule
        if rule is None or rule.expr != "Σ aᵢ" or node.constants(v):
            continue
        parents = node.operands(v)
        if parents[0] not in where:
            continue
        source = where[parents[0]][0]
        rows = [where[p][1] if p in where and where[p][0] is source else -1 for p in parents]
        if sorted(rows) == list(range(size[id(source)])):
            sums.append(FoundSum(v, source, tuple(rows)))
    return sums
