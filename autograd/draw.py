"""Computation graphs as pictures: every Value a box (name | data | grad), every op a node.

Each edge from a parent into an op is labelled with the local derivative recorded at
forward time (with ``formulas=True`` also the rule's formula, ``d(a·b)/da = b``);
plain-number operands appear as small constant nodes. ``step=k`` shows the backward
pass as it stands after step k of ``step_through``. Layout and SVG come from Graphviz
(see ``autograd.render``); the font is Courier so the picture is the same everywhere.

>>> from autograd import Value
>>> x = Value(2.0, "x"); y = x * x; y.label = "y"; y.backward()
>>> graph = draw(y)
>>> graph.node_count, graph.edge_count          # x, y, the op; two edges in, one out
(3, 3)
>>> "grad 4" in graph.svg()
True
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import graphviz

from .backward import topological_order
from .notation import Names, format_number, node_names
from .stepper import Step, Stepper
from .value import Value

__all__ = ["MAX_NODES", "Collapse", "Graph", "GraphTooLargeError", "draw", "draw_steps"]

MAX_NODES = 6000
"""Drawn nodes (values, ops, constants, groups) above which ``draw`` refuses: layout gets slow."""
QUICK_LAYOUT_ABOVE = 400
"""Drawn nodes above which Graphviz is told to lay out quickly (fewer passes, straight edges)."""
_QUICK_LAYOUT = {"nslimit": "0.1", "nslimit1": "0.1", "mclimit": "0.1", "splines": "line"}

Members = Value | Iterable[Value]
Collapse = Mapping[str, Members] | Iterable[tuple[str, Members]]
"""Groups drawn as one box: ``{name: output Value}`` or ``{name: the member Values}``, or such pairs."""

FONT = "Courier"
_FILL = {"value": "white", "op": "#eeeeee", "group": "#dde8f6", "highlight": "#fff3b0",
         "active": "#ffd866", "changed": "#bfe6bf"}
_ACTIVE_EDGE = "#c0392b"
_RECORD_SPECIAL = re.compile(r'([{}|<>"\\])')


class GraphTooLargeError(ValueError):
    """The graph has more nodes than ``draw`` lays out in reasonable time."""


@dataclass
class Graph:
    """A drawn computation graph: ``svg()`` renders it, ``save(path)`` writes it, Jupyter shows it.

    ``digraph`` is the ``graphviz.Digraph`` behind it (``source`` is its DOT text).
    """

    digraph: graphviz.Digraph
    node_count: int
    """Nodes drawn: value boxes, op nodes, constant nodes and collapsed groups."""
    edge_count: int
    step: Step | None = None
    """The backward step shown (``draw(..., step=k)`` with k ≥ 1), else None."""
    ids: dict[Value, str] = field(default_factory=dict)
    """The SVG element id of each drawn Value's box (a collapsed Value has its group's id)."""

    @property
    def source(self) -> str:
        """The graph in Graphviz's DOT language."""
        return self.digraph.source

    def svg(self) -> str:
        """The picture as SVG text (rendered by graphviz-pure, else a system ``dot``).

        >>> from autograd import Value
        >>> draw(Value(1.0, "x")).svg().count('class="node value')
        1
        """
        from .render import render_svg  # imported here so that `python -m autograd.render` runs cleanly

        return render_svg(self.source)

    def save(self, path: str | Path) -> Path:
        """Write the SVG to ``path`` (``.dot`` or ``.gv``: the DOT source instead); returns the path.

        >>> import tempfile, pathlib
        >>> from autograd import Value
        >>> draw(Value(1.0)).save(pathlib.Path(tempfile.mkdtemp()) / "x.svg").stat().st_size > 0
        True
        """
        path = Path(path)
        text = self.source if path.suffix in (".dot", ".gv") else self.svg()
        path.write_text(text, encoding="utf-8")
        return path

    def _repr_svg_(self) -> str:
        return self.svg()

    def _repr_mimebundle_(self, include: object = None, exclude: object = None) -> dict[str, str]:
        return {"image/svg+xml": self.svg()}


def _record(*fields: str) -> str:
    return " | ".join(_RECORD_SPECIAL.sub(r"\\\1", f) for f in fields)


def _dot_text(text: str) -> str:
    """Text for a non-record label: backslashes doubled, lines joined with DOT's ``\\n``."""
    return text.replace("\\", "\\\\").replace("\n", "\\n")


def _op_label(node: Value, constants: bool) -> str:
    rule = node.rule
    assert rule is not None
    if constants or rule.variadic or node.const is None:
        return rule.expr
    return re.sub(r"(?<![A-Za-z_])c(?![A-Za-z_])", format_number(node.const), rule.expr)  # type: ignore[arg-type]


def _const_label(node: Value) -> str:
    const = node.const
    if isinstance(const, tuple):
        shown = ", ".join(format_number(c) for c in const[:6]) + (", …" if len(const) > 6 else "")
        return f"{'x' if node.op == 'dot' else 'c'} = [{shown}]"
    return f"c = {format_number(const)}"  # type: ignore[arg-type]


def _groups(collapse: Collapse | None,
            order: list[Value]) -> tuple[list[str], dict[Value, int], list[Value | None]]:
    """Group names, each member's group index, and each group's output Value (or None)."""
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
    if auto:
        consumers: dict[Value, list[Value]] = {}
        for node in order:
            for parent in node.parents:
                consumers.setdefault(parent, []).append(node)
        for index, out in auto:
            # Walk back from the group's output through ops not claimed by another group;
            # leaves join when every op that uses them is inside the group (its parameters).
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
    return names, member_of, outputs


def draw(root: Value, *, direction: str = "LR", grads: bool = True, formulas: bool = False,
         constants: bool = True, highlight: Iterable[Value | tuple[Value, Value]] = (),
         collapse: Collapse | None = None, names: Names | None = None, step: int | None = None,
         max_nodes: int = MAX_NODES) -> Graph:
    """The computation graph of ``root`` as a ``Graph`` (``.svg()``, ``.save(path)``).

    ``direction`` "LR" or "TB"; ``grads``/``formulas``/``constants`` show or hide those;
    ``highlight`` Values or (parent, child) edges; ``collapse`` draws groups as one box
    (``{"neuron 0": its output Value}``); ``names`` names Values (``named_parameters()``);
    ``step=k`` shows the backward pass after step k (0: just seeded), leaving grads alone.

    >>> from autograd import Value
    >>> a = Value(0.5, "a"); y = (a * 2).tanh(); y.label = "y"
    >>> draw(y, step=1).step
    step 1/2  y = tanh(t1): dy/dt1 += tanh'(t1) × dy/dy = 0.419974 × 1 = 0.419974
    """
    stepper = None if step is None else Stepper(_checked(root), names, live=False)
    return _draw(root, direction, grads, formulas, constants, highlight, collapse, names, step, max_nodes,
                 stepper)


def draw_steps(root: Value, *, direction: str = "LR", grads: bool = True, formulas: bool = False,
               constants: bool = True, collapse: Collapse | None = None, names: Names | None = None,
               max_nodes: int = MAX_NODES) -> list[Graph]:
    """``draw(root, step=k)`` for every k from 0 (seeded) to the last step, from one walk of the pass.

    >>> from autograd import Value
    >>> y = Value(2.0, "x") * 3
    >>> [graph.step is None for graph in draw_steps(y)]
    [True, False]
    """
    stepper = Stepper(_checked(root), names, live=False).run()
    return [_draw(root, direction, grads, formulas, constants, (), collapse, names, k, max_nodes, stepper)
            for k in range(stepper.total + 1)]


def _checked(root: object) -> Value:
    if not isinstance(root, Value):
        raise TypeError(f"draw(root): root must be a Value, got {type(root).__name__}")
    return root


def _draw(root: Value, direction: str, grads: bool, formulas: bool, constants: bool,
          highlight: Iterable[Value | tuple[Value, Value]], collapse: Collapse | None, names: Names | None,
          step: int | None, max_nodes: int, stepper: Stepper | None) -> Graph:
    _checked(root)
    if direction not in ("LR", "TB"):
        raise ValueError(f"draw(direction={direction!r}): use 'LR' (left to right) or 'TB' (top to bottom)")
    order = topological_order(root) if stepper is None else stepper.order
    if collapse is None and len(order) > max_nodes:
        raise _too_large(len(order), "values", max_nodes)
    label_of = node_names(order, names) if stepper is None else stepper.names
    group_names, member_of, group_outputs = _groups(collapse, order)

    shown: Step | None = None
    grad_of: Mapping[Value, float] = {v: v.grad for v in order}
    changed: dict[Value, tuple[float, float]] = {}
    active: Value | None = None
    if step is not None and stepper is not None:
        if not 0 <= step <= stepper.total:
            raise ValueError(f"draw(step={step}): this backward pass has {stepper.total} steps; "
                             f"use 0 (just seeded) to {stepper.total}")
        grad_of = stepper.grads_at(step)
        if step == 0:
            changed[root] = (0.0, grad_of[root])
        else:
            shown = stepper.steps[step - 1]
            active = shown.node
            for edge in shown.edges:
                before = changed.get(edge.parent, (edge.before, 0.0))[0]
                changed[edge.parent] = (before, edge.after)

    marked = {h for h in highlight if isinstance(h, Value)}
    marked_edges = {h for h in highlight if isinstance(h, tuple)}
    for h in marked_edges:
        if len(h) != 2 or not all(isinstance(v, Value) for v in h):
            raise TypeError(f"draw(highlight=...): expected Values or (parent, child) pairs, got {h!r}")

    dot = graphviz.Digraph(name="chainrule", graph_attr={
        "rankdir": direction, "fontname": FONT, "nodesep": "0.25", "ranksep": "0.4",
        "bgcolor": "white"})
    dot.attr("node", fontname=FONT, fontsize="12")
    dot.attr("edge", fontname=FONT, fontsize="10", arrowsize="0.7")
    ids: dict[Value, str] = {}
    index_of = {v: i for i, v in enumerate(order)}
    into_groups: dict[tuple[str, int], list[float]] = {}
    n_nodes = n_edges = 0

    def box_id(v: Value) -> str:
        group = member_of.get(v)
        return f"g{group}" if group is not None else f"v{index_of[v]}"

    def grad_field(v: Value) -> list[str]:
        if not grads:
            return []
        if v in changed:
            before, after = changed[v]
            return [f"grad {format_number(before)} → {format_number(after)}"]
        return [f"grad {format_number(grad_of[v])}"]

    def record_label(fields: list[str]) -> str:
        body = _record(*fields)
        return "{ " + body + " }" if direction == "LR" else body

    # groups first, as one box each
    group_state = [{"active": False, "changed": False, "marked": False} for _ in group_names]
    for v, g in member_of.items():
        state = group_state[g]
        state["active"] |= v is active
        state["changed"] |= v in changed
        state["marked"] |= v in marked
    for g, name in enumerate(group_names):
        out = group_outputs[g]
        fields = [name]
        if out is not None and out in index_of:
            fields += [f"data {format_number(out.data)}", *grad_field(out)]
        state = group_state[g]
        kind = "active" if state["active"] else "changed" if state["changed"] else \
            "highlight" if state["marked"] else "group"
        dot.node(f"g{g}", label=record_label(fields), shape="record", style="rounded,filled,bold",
                 fillcolor=_FILL[kind],
                 **{"class": "group" if kind == "group" else f"group {kind}", "id": f"g{g}"})
        n_nodes += 1

    for v in order:
        i = index_of[v]
        ids[v] = box_id(v)
        group = member_of.get(v)
        if group is None:
            kind = "active" if v is active else "changed" if v in changed else \
                "highlight" if v in marked else "value"
            fields = [label_of[v], f"data {format_number(v.data)}", *grad_field(v)]
            attrs = {"class": "value" if kind == "value" else f"value {kind}", "id": f"v{i}",
                     "tooltip": label_of[v]}
            if kind != "value":
                attrs["penwidth"] = "2"
            dot.node(f"v{i}", label=record_label(fields), shape="record", style="filled",
                     fillcolor=_FILL[kind], **attrs)
            n_nodes += 1
        if v.is_leaf:
            continue
        if group is not None:
            # inside a group: only edges coming in from outside it are drawn, into the box
            for parent, local in v.edges:
                if member_of.get(parent) != group:
                    into_groups.setdefault((box_id(parent), group), []).append(local)
            continue
        op_active = v is active
        dot.node(f"op{i}", label=_dot_text(_op_label(v, constants)), shape="ellipse", style="filled",
                 fillcolor=_FILL["active"] if op_active else _FILL["op"], fontsize="11",
                 margin="0.04,0.02", height="0.3",
                 **{"class": "op active" if op_active else "op", "id": f"op{i}"})
        dot.edge(f"op{i}", f"v{i}", **{"class": "out", "id": f"out{i}"})
        n_nodes += 1
        n_edges += 1
        for k, (parent, local) in enumerate(v.edges):
            text = format_number(local)
            if formulas:
                text = f"{v.formulas[k]}\n= {text}"
            attrs = {"class": "local", "id": f"e{i}_{k}"}
            if op_active and shown is not None:
                e = shown.edges[k]
                text += f"\n× {format_number(shown.upstream)} = {format_number(e.contribution)}"
                attrs.update({"class": "local active", "color": _ACTIVE_EDGE, "fontcolor": _ACTIVE_EDGE,
                              "penwidth": "2"})
            elif (parent, v) in marked_edges:
                attrs.update({"class": "local highlight", "color": _ACTIVE_EDGE, "penwidth": "2"})
            dot.edge(box_id(parent), f"op{i}", label=_dot_text(text), **attrs)
            n_edges += 1
        if constants and v.const is not None:
            dot.node(f"c{i}", label=_dot_text(_const_label(v)), shape="plaintext", fontsize="10",
                     **{"class": "constant", "id": f"c{i}"})
            dot.edge(f"c{i}", f"op{i}", style="dashed", arrowhead="none", **{"class": "constant"})
            n_nodes += 1
            n_edges += 1
        if n_nodes > max_nodes:
            raise _too_large(n_nodes, "nodes so far (values, ops and constants)", max_nodes)
    for (source, group), locals_ in into_groups.items():
        # one arrow per source; its local derivative when it stands for a single edge
        dot.edge(source, f"g{group}", label=format_number(locals_[0]) if len(locals_) == 1 else "",
                 **{"class": "into-group", "id": f"{source}_g{group}"})
        n_edges += 1
    if n_nodes > QUICK_LAYOUT_ABOVE:  # a 3,000-value graph: about 3 s instead of 40
        dot.graph_attr.update(_QUICK_LAYOUT)
    return Graph(dot, n_nodes, n_edges, shown, ids)


def _too_large(count: int, what: str, limit: int) -> GraphTooLargeError:
    return GraphTooLargeError(
        f"graph too large to draw: {count} {what}, above the limit max_nodes={limit}. Draw a part of "
        f"it (draw(an_inner_value)), collapse groups of nodes into boxes (collapse=...), or raise "
        f"max_nodes (Graphviz's layout slows down past a few thousand nodes).")
