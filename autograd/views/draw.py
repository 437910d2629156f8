"""Computation graphs as pictures: every Value a box (name | data | grad), every op a node.

Each edge from a parent into an op ends at the op's port for that input, which shows the
local derivative recorded at forward time (with ``formulas=True`` written out in the graph's
own names too, ``dz2/da1[0] = W2[0] = 0.5``), so every number sits where its edge arrives.
Plain-number operands appear as small constant nodes. ``collapse=`` draws groups (a neuron)
as one box; the number where an arrow enters a box is the box's own derivative with
respect to that input, by the chain rule through the box. ``step=k`` shows the backward
pass as it stands after step k of ``step_through``. Labels of any text are shown as text:
quoted for DOT, escaped for SVG, shortened past ``SHOWN_CHARS`` (the node's tooltip has
them whole). Layout and SVG come from Graphviz (see ``autograd.views.render``); the font is
Courier so the picture is the same everywhere.

>>> from autograd import Value
>>> x = Value(2.0, "x"); y = x * x; y.label = "y"; y.backward()
>>> graph = draw(y)
>>> graph.node_count, graph.edge_count          # x, y, the op; two edges in, one out
(3, 3)
>>> "grad 4" in graph.svg()
True
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import graphviz

from ..atomic_file import check_writable, write_file
from ..engine.backward import topological_order
from ..engine.value import Value
from ..text import visible_text
from .groups import Collapse, _d, _groups, _into_groups, _into_label, _named
from .notation import Names, expression, format_number, local_symbol, natural_key, node_names
from .render import FORMATS, render, render_svg
from .stepper import Step, Stepper

__all__ = ["MAX_NODES", "SHOWN_CHARS", "Collapse", "Graph", "GraphTooLargeError", "draw", "draw_steps",
           "shown_text", "visible_text"]

MAX_NODES = 6000
"""Drawn nodes (values, ops, constants, groups) above which ``draw`` refuses: layout gets slow."""
QUICK_LAYOUT_ABOVE = 400
"""Drawn nodes above which Graphviz is told to lay out quickly (fewer passes, straight edges)."""
_QUICK_LAYOUT = {"nslimit": "0.1", "nslimit1": "0.1", "mclimit": "0.1", "splines": "line"}


FONT = "Courier"
_FILL = {"value": "white", "op": "#eeeeee", "group": "#dde8f6", "highlight": "#fff3b0",
         "active": "#ffd866", "changed": "#bfe6bf"}
_ACTIVE_EDGE = "#c0392b"
SHOWN_CHARS = 40
"""Labels longer than this are shortened in the picture (``…`` at the end); the tooltip has them whole."""
_RECORD_SPECIAL = re.compile(r"([{}|<>])")
_SVG_PROLOG = re.compile(r"\A.*?(?=<svg\b)", re.DOTALL)
_SVG_SIZE = re.compile(r'<svg width="([\d.]+)pt" height="([\d.]+)pt"')
_NODE_TITLE = re.compile(r'(<g id="([a-z]+\d+)" class="node[^"]*">\s*<title>)[^<]*(</title>)')


def shown_text(text: str, limit: int = SHOWN_CHARS) -> str:
    """``visible_text(text)`` shortened to ``limit`` characters (the last one ``…``) for a picture.

    >>> shown_text("x" * 50, 10)
    'xxxxxxxxx…'
    """
    text = visible_text(text)
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _escaped(text: str) -> str:
    """``visible_text(text)`` with what Graphviz would expand in a label written out: backslashes
    doubled (``\\N`` would become the node's name) and ``&`` as ``&amp;`` (``&lt;`` would become ``<``).
    """
    return visible_text(text).replace("\\", "\\\\").replace("&", "&amp;")


def _dot_text(text: str) -> str:
    """Text for a plain (non-record) DOT label: shown as written, never as DOT, HTML or escapes.

    ``_escaped``, lines joined with DOT's ``\\n``; ``nohtml`` stops the graphviz library from
    passing ``<...>`` as HTML-like DOT; the library quotes the rest (``"`` becomes ``\\"``).
    """
    return graphviz.nohtml(_escaped(text).replace("\n", "\\n"))


def _field(text: str) -> str:
    """One field of a record label: as ``_dot_text``, with ``{ } | < >`` escaped for records."""
    return _RECORD_SPECIAL.sub(r"\\\1", _escaped(text)).replace("\n", "\\n")


def _record(*fields: str) -> str:
    """A record label of ``fields``, each escaped (``_field``)."""
    return graphviz.nohtml(" | ".join(_field(f) for f in fields))


def _ports(texts: Iterable[str]) -> str:
    """Record fields ``<i0> text0 | <i1> text1 | ...``: one port per incoming edge, where it ends."""
    return " | ".join(f"<i{k}> {_field(text)}" for k, text in enumerate(texts))


class GraphTooLargeError(ValueError):
    """The graph has more nodes than ``draw`` lays out in reasonable time."""


@dataclass(repr=False)
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
    titles: dict[str, str] = field(default_factory=dict)
    """The tooltip of each node (by id): a box's full name, an op's equation."""

    @property
    def source(self) -> str:
        """The graph in Graphviz's DOT language."""
        return self.digraph.source

    @property
    def direction(self) -> str:
        """``"LR"`` (left to right) or ``"TB"`` (top to bottom)."""
        return str(self.digraph.graph_attr.get("rankdir", "TB"))

    def svg(self) -> str:
        """The picture as SVG text (by the renderer given to ``set_renderer``, else graphviz-pure, else
        a system ``dot``).

        Each node's ``<title>`` (its tooltip in a browser) is its full, escaped name.

        >>> from autograd import Value
        >>> draw(Value(1.0, "x")).svg().count('class="node value')
        1
        """
        titles = self.titles

        def title(match: re.Match[str]) -> str:
            text = titles.get(match.group(2))
            if text is None:
                return match.group(0)
            return f"{match.group(1)}{html.escape(visible_text(text), quote=False)}{match.group(3)}"

        return _NODE_TITLE.sub(title, render_svg(self.source))

    def render(self, fmt: str = "svg") -> bytes:
        """The picture as ``fmt``: "svg", "png", "jpg", or "pdf" (with a system Graphviz ``dot``).

        >>> from autograd import Value
        >>> draw(Value(1.0, "x")).render("png")[:4]
        b'\\x89PNG'
        """
        return self.svg().encode("utf-8") if fmt == "svg" else render(self.source, fmt)

    def save(self, path: str | Path) -> Path:
        """Write the picture to ``path``, in the format its suffix names; returns the path.

        ``.svg``, ``.png``, ``.jpg``, ``.pdf`` (PDF needs a system Graphviz), or ``.dot``/``.gv``
        for the DOT source. The file is written whole or not at all, by the rules of
        ``autograd.atomic_file`` (your own symlinks only; no FIFO or device); a missing folder
        or an unknown suffix is a one-line error naming ``path``.

        >>> import tempfile, pathlib
        >>> from autograd import Value
        >>> draw(Value(1.0)).save(pathlib.Path(tempfile.mkdtemp()) / "x.png").read_bytes()[:4]
        b'\\x89PNG'
        """
        path = check_writable(path, "Graph.save")
        return write_file(path, self._file_data(path, f"Graph.save({str(path)!r})"), "Graph.save")

    def _file_data(self, path: Path, what: str) -> bytes:
        """The bytes of the file ``path``, in the format its suffix names (``what`` heads errors)."""
        suffix = path.suffix.lower()
        if suffix in (".dot", ".gv"):
            return self.source.encode("utf-8")
        if suffix in FORMATS:
            return self.render(FORMATS[suffix])
        raise ValueError(f"{what}: the suffix names the format; use {', '.join(FORMATS)}, or .dot for "
                         f"the DOT source")

    def __repr__(self) -> str:
        step = f", step {self.step.index}/{self.step.total}" if self.step is not None else ""
        nodes = f"{self.node_count} node{'s' * (self.node_count != 1)}"
        edges = f"{self.edge_count} edge{'s' * (self.edge_count != 1)}"
        return f"<Graph: {nodes}, {edges}, {self.direction}{step}>"


def _op_label(node: Value, constants: bool) -> str:
    rule = node.rule
    assert rule is not None
    if constants or rule.variadic or node.const is None:
        return rule.expr
    return re.sub(r"(?<![A-Za-z_])c(?![A-Za-z_])", format_number(node.const), rule.expr)  # type: ignore[arg-type]


def _const_label(node: Value) -> str:
    const = node.const
    if node.rule is not None and node.rule.class_index:
        return f"c = {int(const[-1])}"  # type: ignore[index]
    if isinstance(const, tuple):
        shown = ", ".join(format_number(c) for c in const[:6]) + (", …" if len(const) > 6 else "")
        return f"{'x' if node.op == 'dot' else 'c'} = [{shown}]"
    return f"c = {format_number(const)}"  # type: ignore[arg-type]


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


def _checked_highlight(highlight: object, order: Sequence[Value],
                       label_of: Mapping[Value, str]) -> list[Value | tuple[Value, Value]]:
    """``highlight`` as a list, or a TypeError naming the entry that is not a Value of the graph or a
    (parent, child) pair of them, and what to write instead."""
    if isinstance(highlight, Value):
        highlight = [highlight]
    try:
        items = list(highlight)  # type: ignore[call-overload]
    except TypeError:
        raise TypeError(f"draw(highlight=...): expected a list of Values or (parent, child) pairs, got "
                        f"{type(highlight).__name__} {highlight!r}") from None
    in_graph = set(order)
    for h in items:
        if isinstance(h, Value) and h in in_graph:
            continue
        if isinstance(h, tuple) and len(h) == 2 and all(isinstance(v, Value) and v in in_graph for v in h):
            continue
        if isinstance(h, Value):
            why = f"{h!r} is not in this graph"
        elif isinstance(h, tuple):
            why = f"{h!r} is not a (parent, child) pair of Values of this graph"
        else:
            same = [label_of[v] for v in order if isinstance(h, (int, float)) and v.data == h]
            why = (f"{h!r} is a {type(h).__name__}, not a Value: highlight takes the Values themselves"
                   + (f" (the Value with data {h!r} is {same[0]}: highlight=[{same[0]}])" if same else ""))
        raise TypeError(f"draw(highlight=...): {why}")
    return items


def _draw(root: Value, direction: str, grads: bool, formulas: bool, constants: bool,
          highlight: Iterable[Value | tuple[Value, Value]], collapse: Collapse | None, names: Names | None,
          step: int | None, max_nodes: int, stepper: Stepper | None) -> Graph:
    """``draw`` and ``draw_steps``' picture, in phases: the graph read, the step shown, the group
    boxes, each value and op, then the arrows into the groups."""
    _checked(root)
    if direction not in ("LR", "TB"):
        raise ValueError(f"draw(direction={direction!r}): use 'LR' (left to right) or 'TB' (top to bottom)")
    order = topological_order(root) if stepper is None else stepper.order
    if collapse is None and len(order) > max_nodes:
        raise _too_large(len(order), "values", max_nodes)
    label_of = node_names(order, names) if stepper is None else stepper.names
    canvas = _Canvas(order, label_of, _groups(collapse, order), direction, grads, formulas, constants,
                     max_nodes)
    canvas.show_step(root, step, stepper)
    highlight = _checked_highlight(highlight, order, label_of)
    canvas.marked = {h for h in highlight if isinstance(h, Value)}
    canvas.marked_edges = {h for h in highlight if isinstance(h, tuple)}
    canvas.draw_groups()
    for v in order:
        canvas.draw_value(v)
    canvas.draw_arrows_into_groups()
    if canvas.n_nodes > QUICK_LAYOUT_ABOVE:  # a 3,000-value graph: about 3 s instead of 40
        canvas.dot.graph_attr.update(_QUICK_LAYOUT)
    return Graph(canvas.dot, canvas.n_nodes, canvas.n_edges, canvas.shown, canvas.ids, canvas.titles)


class _Canvas:
    """A picture being drawn: the Graphviz digraph, what each node shows, and the counts so far."""

    def __init__(self, order: list[Value], label_of: Mapping[Value, str],
                 groups: tuple[list[str], dict[Value, int], list[Value | None]], direction: str, grads: bool,
                 formulas: bool, constants: bool, max_nodes: int) -> None:
        self.order, self.label_of = order, label_of
        self.group_names, self.member_of, self.group_outputs = groups
        self.grads, self.formulas, self.constants, self.max_nodes = grads, formulas, constants, max_nodes
        self.shown: Step | None = None
        self.grad_of: Mapping[Value, float] = {v: v.grad for v in order}
        self.changed: dict[Value, tuple[float, float]] = {}
        self.active: Value | None = None
        self.marked: set[Value] = set()
        self.marked_edges: set[tuple[Value, Value]] = set()
        self.dot = graphviz.Digraph(name="chainrule", graph_attr={
            "rankdir": direction, "fontname": FONT, "nodesep": "0.25", "ranksep": "0.4",
            "bgcolor": "white", "ordering": "in"})
        self.dot.attr("node", fontname=FONT, fontsize="12")
        self.dot.attr("edge", fontname=FONT, fontsize="10", arrowsize="0.7")
        self.entry = "w" if direction == "LR" else "n"  # edges end on the side of a port facing their source
        self.ids: dict[Value, str] = {}
        self.titles: dict[str, str] = {}
        self.index_of = {v: i for i, v in enumerate(order)}
        self.short = {v: shown_text(name, SHOWN_CHARS // 2) for v, name in label_of.items()}
        self.n_nodes = self.n_edges = 0
        self.arrows_into: list[list[tuple[str, str]]] = [[] for _ in self.group_names]

    def show_step(self, root: Value, step: int | None, stepper: Stepper | None) -> None:
        """The gradients as they are after ``step`` of the backward pass, and what that step changed."""
        if step is None or stepper is None:
            return
        if not 0 <= step <= stepper.total:
            raise ValueError(f"draw(step={step}): this backward pass has {stepper.total} steps; "
                             f"use 0 (just seeded) to {stepper.total}")
        self.grad_of = stepper.grads_at(step)
        if step == 0:
            self.changed[root] = (0.0, self.grad_of[root])
            return
        self.shown = stepper.steps[step - 1]
        self.active = self.shown.node
        for edge in self.shown.edges:
            before = self.changed.get(edge.parent, (edge.before, 0.0))[0]
            self.changed[edge.parent] = (before, edge.after)

    def box_id(self, v: Value) -> str:
        group = self.member_of.get(v)
        return f"g{group}" if group is not None else f"v{self.index_of[v]}"

    def grad_field(self, v: Value) -> list[str]:
        if not self.grads:
            return []
        if v in self.changed:
            before, after = self.changed[v]
            return [f"grad {format_number(before)} → {format_number(after)}"]
        return [f"grad {format_number(self.grad_of[v])}"]

    def kind(self, active: bool, changed: bool, marked: bool, plain: str) -> str:
        return "active" if active else "changed" if changed else "highlight" if marked else plain

    def draw_groups(self) -> None:
        """The collapsed groups first, as one box each, with a port for each arrow into it."""
        member_of, group_outputs, label_of = self.member_of, self.group_outputs, self.label_of
        state = [[False, False, False] for _ in self.group_names]  # active, changed, marked
        for v, g in member_of.items():
            state[g][0] |= v is self.active
            state[g][1] |= v in self.changed
            state[g][2] |= v in self.marked
        into_groups = _into_groups(self.order, member_of, group_outputs, self.box_id,
                                   (lambda v, k: local_symbol(v, k, self.short)) if self.formulas else None)
        # the arrows into each box, x0, x1, x2 in their natural order, each ending at its own port
        for (source, g), arrow in sorted(into_groups.items(), key=lambda item: natural_key(
                label_of[_named(item[1].source, member_of, group_outputs)])):
            out = group_outputs[g]
            of = self.short[out] if out is not None and out in self.short else \
                shown_text(self.group_names[g], SHOWN_CHARS // 2)
            by = self.short[_named(arrow.source, member_of, group_outputs)]
            self.arrows_into[g].append((source, _into_label(arrow, of, by, self.formulas)))
        for g, name in enumerate(self.group_names):
            out = group_outputs[g]
            fields = [shown_text(name)]
            self.titles[f"g{g}"] = name
            if out is not None and out in self.index_of:
                if label_of[out] != name:  # which Value the box's numbers are
                    fields[0] += f": {shown_text(label_of[out], SHOWN_CHARS // 2)}"
                    self.titles[f"g{g}"] = f"{name}: {label_of[out]}"
                fields += [f"data {format_number(out.data)}", *self.grad_field(out)]
            kind = self.kind(*state[g], "group")
            body = _record(*fields)
            if self.arrows_into[g]:  # LR: ports left of the fields; TB: above them
                body = f"{{ {{{_ports(text for _, text in self.arrows_into[g])}}} | {body} }}"
            else:
                body = "{ " + body + " }"
            self.dot.node(f"g{g}", label=graphviz.nohtml(body), shape="record", style="rounded,filled,bold",
                          fillcolor=_FILL[kind],
                          **{"class": "group" if kind == "group" else f"group {kind}", "id": f"g{g}"})
            self.n_nodes += 1

    def draw_value(self, v: Value) -> None:
        """A value's box (unless it is inside a group), then the op that made it with its edges."""
        i = self.index_of[v]
        self.ids[v] = self.box_id(v)
        group = self.member_of.get(v)
        if group is None:
            kind = self.kind(v is self.active, v in self.changed, v in self.marked, "value")
            fields = [shown_text(self.label_of[v]), f"data {format_number(v.data)}", *self.grad_field(v)]
            attrs = {"class": "value" if kind == "value" else f"value {kind}", "id": f"v{i}"}
            self.titles[f"v{i}"] = self.label_of[v]
            if kind != "value":
                attrs["penwidth"] = "2"
            # LR: name | data | grad side by side; TB: stacked, a narrow card
            self.dot.node(f"v{i}", label="{ " + _record(*fields) + " }", shape="record", style="filled",
                          fillcolor=_FILL[kind], **attrs)
            self.n_nodes += 1
        if not v.is_leaf and group is None:  # inside a group only edges into its box are drawn
            self.draw_op(v, i)
            if self.n_nodes > self.max_nodes:
                raise _too_large(self.n_nodes, "nodes so far (values, ops and constants)", self.max_nodes)

    def draw_op(self, v: Value, i: int) -> None:
        """The op that made ``v``: each input's local derivative in its own port, where its edge ends."""
        op_active, shown, short = v is self.active, self.shown, self.short
        edges = v.edges
        ports = []
        for k, (parent, local) in enumerate(edges):
            text = format_number(local)
            if self.formulas:  # in the graph's own names, as the stepper writes it: dz2/da1[0] = W2[0]
                text = f"{_d(short[v], short[parent])} = {local_symbol(v, k, short)}\n= {text}"
            if op_active and shown is not None:
                e = shown.edges[k]
                text += f"\n× {format_number(shown.upstream)} = {format_number(e.contribution)}"
            ports.append(text)
        label = f"{{ {{{_ports(ports)}}} | {_field(_op_label(v, self.constants))} }}"
        self.dot.node(f"op{i}", label=graphviz.nohtml(label), shape="record", style="rounded,filled",
                      fillcolor=_FILL["active"] if op_active else _FILL["op"], fontsize="10",
                      **{"class": "op active" if op_active else "op", "id": f"op{i}"})
        self.titles[f"op{i}"] = f"{self.label_of[v]} = {expression(v, self.label_of)}"
        self.dot.edge(f"op{i}", f"v{i}", **{"class": "out", "id": f"out{i}"})
        self.n_nodes += 1
        self.n_edges += 1
        for k, (parent, _) in enumerate(edges):
            attrs = {"class": "local", "id": f"e{i}_{k}"}
            if op_active and shown is not None:
                attrs.update({"class": "local active", "color": _ACTIVE_EDGE, "penwidth": "2"})
            elif (parent, v) in self.marked_edges:
                attrs.update({"class": "local highlight", "color": _ACTIVE_EDGE, "penwidth": "2"})
            self.dot.edge(self.box_id(parent), f"op{i}:i{k}:{self.entry}", **attrs)
            self.n_edges += 1
        if self.constants and v.const is not None:
            self.dot.node(f"c{i}", label=_dot_text(_const_label(v)), shape="plaintext", fontsize="10",
                          **{"class": "constant", "id": f"c{i}"})
            self.dot.edge(f"c{i}", f"op{i}", style="dashed", arrowhead="none", **{"class": "constant"})
            self.n_nodes += 1
            self.n_edges += 1

    def draw_arrows_into_groups(self) -> None:
        for g, arrows in enumerate(self.arrows_into):
            for k, (source, _) in enumerate(arrows):
                self.dot.edge(source, f"g{g}:i{k}:{self.entry}",
                              **{"class": "into-group", "id": f"{source}_g{g}"})
                self.n_edges += 1


def _too_large(count: int, what: str, limit: int) -> GraphTooLargeError:
    return GraphTooLargeError(
        f"graph too large to draw: {count} {what}, above the limit max_nodes={limit}. Draw a part of "
        f"it (draw(an_inner_value)), collapse groups of nodes into boxes (collapse=...), or raise "
        f"max_nodes (Graphviz's layout slows down past a few thousand nodes).")
