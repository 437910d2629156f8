"""The backward player: one self-contained HTML page that steps through backprop in a browser.

The graph is laid out once: one SVG in which every box has room for the longest text it
will show, so no box moves between steps. Each step's data (the grad shown in each box,
which node and edges are active, the chain-rule line) is embedded as JSON; the page's
script updates the text and the highlighting per step and pans so the active node is in
view. Prev/Next/Play, a slider and the arrow keys move between steps; the zoom buttons,
``+``/``-``/``0``/``f``, Ctrl+wheel or a pinch zoom, dragging pans. No server, network
or CDN: the file opens anywhere, from ``file://`` too. The pass is a fresh one on a
private copy of the grads: the Values are not changed.

``player(root, path)`` writes the page and returns the path; ``player(root)`` returns a
``Player``, which a notebook (Jupyter, VS Code, Colab) shows inline below the cell, in
its own sandboxed frame, so several players on one page never share keys or ids.

Labels are shown as text, never interpreted: the embedded JSON has ``<``, ``>`` and ``&``
escaped as ``\\u003c``, ``\\u003e``, ``\\u0026``; all text is set with ``textContent``; the
SVG is stripped of links, scripts and event handlers before it is inlined.

>>> import tempfile, pathlib
>>> from autograd import Value
>>> x = Value(0.5, "x"); y = x.sigmoid(); y.label = "y"
>>> path = player(y, pathlib.Path(tempfile.mkdtemp()) / "y.html")
>>> "sigma'(x)" in path.read_text(encoding="utf-8")
True
"""

from __future__ import annotations

import html
import json
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, replace
from pathlib import Path
from typing import overload

from .atomic_file import write_file
from .draw import Collapse, Graph, _groups, draw_steps
from .notation import Names, format_number
from .stepper import Stepper
from .value import Value

__all__ = ["Player", "player"]

_SVG_NS = "http://www.w3.org/2000/svg"
_XLINK_NS = "http://www.w3.org/1999/xlink"
_STATE_CLASSES = {"active", "changed", "highlight"}
_UNSAFE_ELEMENTS = {"script", "foreignObject", "iframe", "object", "embed", "style", "image", "use"}
_STATEMENT = re.compile(r"\t(\w+)(?: -> (\w+)[:\w]*)? ")
"""A DOT body statement: a node's id, or an edge's tail and head (an edge may end at a port)."""
_PT_TO_PX = 4 / 3
"""Graphviz sizes its SVG in points; a CSS pixel is 3/4 of a point."""
_LINE_ROWS_MAX = 4
"""The step line's box is as tall as the longest step line, up to this many lines (then it scrolls)."""
NOTEBOOK_HEIGHT = 660
"""Height in pixels of the frame that shows a player inline in a notebook."""

_STYLE = """
html { scroll-padding-top: 12em; }
body { font-family: Courier, "Courier New", monospace; margin: 0 1em 1em 1em; color: #222;
       background: white; }
#bar { position: sticky; top: 0; z-index: 10; background: white; padding: .5em 0 .4em 0;
       border-bottom: 1px solid #ddd; }
h1 { font-size: 1.05em; margin: 0 0 .4em 0; white-space: nowrap; overflow: hidden;
     text-overflow: ellipsis; }
#controls { display: flex; gap: .4em; align-items: center; flex-wrap: wrap; margin-bottom: .4em; }
#controls button { font-family: inherit; font-size: 1em; padding: .15em .7em; cursor: pointer; }
#slider { flex: 1 1 12em; min-width: 8em; }
#counter { min-width: 9em; }
.zoom { display: inline-flex; gap: .25em; align-items: center; }
#zoom-level { min-width: 3.5em; text-align: right; }
#line { background: #fff8dc; border: 1px solid #e0c060; padding: .3em .5em; margin: 0;
        white-space: pre-wrap; overflow: auto; line-height: 1.35; font-size: 14px; }
#view { overflow: auto; border: 1px solid #ddd; margin-top: .5em; cursor: grab; position: relative;
        background: white; height: 60vh; outline: none; }
#view:focus-visible { border-color: #6a9fd8; }
#view.dragging { cursor: grabbing; user-select: none; }
#stage { display: flex; min-width: 100%; min-height: 100%; width: max-content; box-sizing: border-box;
         padding: 12px; }
#stage svg { margin: auto; display: block; flex: none; }
.help { font-size: .8em; color: #555; margin: .3em 0 1em 0; }
h2 { font-size: 1em; margin: .5em 0; }
#table { font-size: .85em; white-space: pre; overflow: auto; max-height: 45vh; position: relative;
         border: 1px solid #eee; padding: .3em; margin: 0; }
#table .row { cursor: pointer; }
#table .row:hover { background: #f3f3f3; }
#table .row.current { background: #ffd866; }
svg g.node.value polygon { fill: white; stroke-width: 1; }
svg g.node.group path, svg g.node.group polygon { fill: #dde8f6; }
svg g.node.op ellipse, svg g.node.op path { fill: #eeeeee; stroke-width: 1; }
svg g.node.changed polygon, svg g.node.changed path { fill: #bfe6bf; stroke-width: 2; }
svg g.node.active polygon, svg g.node.active path, svg g.node.active ellipse { fill: #ffd866;
  stroke-width: 2; }
svg g.edge path { stroke: black; stroke-width: 1; }
svg g.edge polygon { fill: black; stroke: black; }
svg g.edge text { fill: black; }
svg g.edge.active path { stroke: #c0392b; stroke-width: 2; }
svg g.edge.active polygon { fill: #c0392b; stroke: #c0392b; }
svg g.edge.active text { fill: #c0392b; font-weight: bold; }
svg g.node.op text.extra { visibility: hidden; }
svg g.node.op.active text.extra { visibility: visible; fill: #c0392b; font-weight: bold; }
"""

_SCRIPT = r"""
(function () {
  "use strict";
  const data = JSON.parse(document.getElementById("data").textContent);
  const $ = (id) => document.getElementById(id);
  const bar = $("bar"), view = $("view"), stage = $("stage"), line = $("line");
  const slider = $("slider"), counter = $("counter"), play = $("play"), zoomLevel = $("zoom-level");
  const table = $("table");
  const svg = stage.querySelector("svg");
  const natW = Number(svg.dataset.width), natH = Number(svg.dataset.height);
  const last = data.steps.length - 1;
  const rows = Array.from(table.querySelectorAll(".row"));
  const gradText = new Map();
  Array.from(svg.querySelectorAll("text.grad")).forEach((t) => {
    gradText.set(t.closest("g.node").id, t);
  });
  const READABLE = 0.85;  // the default zoom is never below this: 10 pt labels at 11 px
  let current = 0, timer = null, zoom = 1, lit = [];

  function setZoom(z, cx, cy) {
    z = Math.max(0.1, Math.min(5, z));
    const v = view.getBoundingClientRect();
    if (cx === undefined) { cx = v.left + view.clientWidth / 2; cy = v.top + view.clientHeight / 2; }
    const before = svg.getBoundingClientRect();
    const ux = (cx - before.left) / zoom, uy = (cy - before.top) / zoom;
    zoom = z;
    svg.style.width = (natW * z) + "px";
    svg.style.height = (natH * z) + "px";
    const after = svg.getBoundingClientRect();
    view.scrollLeft += after.left + ux * z - cx;
    view.scrollTop += after.top + uy * z - cy;
    zoomLevel.textContent = Math.round(z * 100) + "%";
    document.body.dataset.zoom = String(z);
  }
  function fitZoom() {
    return Math.min((view.clientWidth - 24) / natW, (view.clientHeight - 24) / natH);
  }
  function union(rects) {
    const r = { left: Infinity, top: Infinity, right: -Infinity, bottom: -Infinity };
    rects.forEach((q) => {
      r.left = Math.min(r.left, q.left); r.top = Math.min(r.top, q.top);
      r.right = Math.max(r.right, q.right); r.bottom = Math.max(r.bottom, q.bottom);
    });
    return r;
  }
  function shift(big, keep, lo, size) {
    // how far to scroll along one axis: nothing if `big` is in view; the least that brings it into
    // view if it fits; else centre it, but never so far that `keep` leaves the view
    const m = 24;
    if (big[1] - big[0] <= size - 2 * m) {
      if (big[0] < lo + m) return big[0] - (lo + m);
      if (big[1] > lo + size - m) return big[1] - (lo + size - m);
      return 0;
    }
    if (keep[1] - keep[0] > size - 2 * m) return (keep[0] + keep[1]) / 2 - (lo + size / 2);
    const centre = (big[0] + big[1]) / 2 - (lo + size / 2);
    return Math.max(keep[1] - (lo + size - m), Math.min(keep[0] - (lo + m), centre));
  }
  function reveal() {
    const step = data.steps[current];
    const els = (ids) => ids.map((id) => $(id)).filter(Boolean);
    const main = els(step.node ? [step.node] : step.changed);
    if (!main.length) return;
    // the whole step (node, op, edges, the parents it changes) if it fits; else as much of it as
    // fits around the node, its op and edges; else around the node
    const box = (group) => union(group.map((e) => e.getBoundingClientRect()));
    const all = box(main.concat(els(step.active), els(step.edges), els(step.changed)));
    const core = box(main.concat(els(step.active), els(step.edges)));
    const node = box(main);
    const v = view.getBoundingClientRect();
    const left = v.left + view.clientLeft, top = v.top + view.clientTop;
    const w = view.clientWidth, h = view.clientHeight;
    const keepX = core.right - core.left <= w - 48 ? core : node;
    const keepY = core.bottom - core.top <= h - 48 ? core : node;
    view.scrollLeft += shift([all.left, all.right], [keepX.left, keepX.right], left, w);
    view.scrollTop += shift([all.top, all.bottom], [keepY.top, keepY.bottom], top, h);
    // the page itself: the active box below the sticky bar and above the window's bottom
    const now = box(main);
    const below = bar.getBoundingClientRect().bottom + 8;
    if (now.top < below) window.scrollBy(0, now.top - below);
    else if (now.bottom > window.innerHeight - 8) window.scrollBy(0, now.bottom - window.innerHeight + 8);
  }
  function show(k) {
    current = Math.max(0, Math.min(last, k));
    const grads = Object.assign({}, data.start);
    for (let j = 0; j <= current; j++) data.steps[j].grads.forEach((g) => { grads[g[0]] = g[2]; });
    const step = data.steps[current];
    const moving = new Map(step.grads.map((g) => [g[0], g[1] + " \u2192 " + g[2]]));
    gradText.forEach((text, id) => { text.textContent = "grad " + (moving.get(id) || grads[id]); });
    lit.forEach((e) => e.classList.remove("active", "changed"));
    lit = [];
    const mark = (ids, cls) => ids.forEach((id) => {
      const e = $(id);
      if (e) { e.classList.add(cls); lit.push(e); }
    });
    mark(step.changed, "changed");
    mark(step.active, "active");
    mark(step.edges, "active");
    line.textContent = step.line;
    counter.textContent = "step " + current + " / " + last;
    slider.value = String(current);
    document.body.dataset.step = String(current);
    let row = null;
    rows.forEach((r) => {
      const on = Number(r.dataset.step) === current;
      r.classList.toggle("current", on);
      if (on && row === null) row = r;
    });
    if (row !== null) {
      const top = row.offsetTop, bottom = top + row.offsetHeight;
      if (top < table.scrollTop || bottom > table.scrollTop + table.clientHeight) {
        table.scrollTop = top - table.clientHeight / 3;
      }
    }
    reveal();
  }
  function stop() {
    if (timer !== null) { clearInterval(timer); timer = null; play.textContent = "Play"; }
  }
  function layout() {
    const h = window.innerHeight - bar.offsetHeight - 64;
    view.style.height = Math.max(220, h) + "px";
  }
  function step(k) { stop(); show(k); }
  $("prev").addEventListener("click", () => step(current - 1));
  $("next").addEventListener("click", () => step(current + 1));
  play.addEventListener("click", () => {
    if (timer !== null) { stop(); return; }
    if (current === last) show(0);
    play.textContent = "Pause";
    timer = setInterval(() => { if (current >= last) stop(); else show(current + 1); }, 1200);
  });
  slider.addEventListener("input", () => step(Number(slider.value)));
  table.addEventListener("click", (e) => {
    const row = e.target.closest(".row");
    if (row !== null) step(Number(row.dataset.step));
  });
  $("zoom-in").addEventListener("click", () => setZoom(zoom * 1.25));
  $("zoom-out").addEventListener("click", () => setZoom(zoom / 1.25));
  $("fit").addEventListener("click", () => setZoom(fitZoom()));
  $("actual").addEventListener("click", () => { setZoom(1); reveal(); });
  document.addEventListener("keydown", (e) => {
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    const onSlider = e.target === slider;
    const keys = {
      ArrowRight: () => step(current + 1), ArrowLeft: () => step(current - 1),
      Home: () => step(0), End: () => step(last),
      "+": () => setZoom(zoom * 1.25), "=": () => setZoom(zoom * 1.25),
      "-": () => setZoom(zoom / 1.25), "_": () => setZoom(zoom / 1.25),
      "0": () => { setZoom(1); reveal(); }, f: () => setZoom(fitZoom()),
    };
    if (onSlider && e.key.startsWith("Arrow")) return;  // the slider moves itself
    if (Object.prototype.hasOwnProperty.call(keys, e.key)) { e.preventDefault(); keys[e.key](); }
  });
  view.addEventListener("wheel", (e) => {
    if (!(e.ctrlKey || e.metaKey)) return;  // a plain wheel scrolls; Ctrl+wheel and pinch zoom
    e.preventDefault();
    setZoom(zoom * Math.exp(-e.deltaY * 0.002), e.clientX, e.clientY);
  }, { passive: false });
  let drag = null;
  view.addEventListener("pointerdown", (e) => {
    if (e.button !== 0 || e.pointerType === "touch") return;
    drag = { x: e.clientX, y: e.clientY, left: view.scrollLeft, top: view.scrollTop };
    view.setPointerCapture(e.pointerId);
    view.classList.add("dragging");
  });
  view.addEventListener("pointermove", (e) => {
    if (drag === null) return;
    view.scrollLeft = drag.left - (e.clientX - drag.x);
    view.scrollTop = drag.top - (e.clientY - drag.y);
  });
  const endDrag = () => { drag = null; view.classList.remove("dragging"); };
  view.addEventListener("pointerup", endDrag);
  view.addEventListener("pointercancel", endDrag);
  window.addEventListener("resize", () => { layout(); reveal(); });
  layout();
  const fit = fitZoom();
  setZoom(Math.max(READABLE, Math.min(fit, 1)));
  show(0);
  document.body.dataset.ready = "1";
})();
"""


@dataclass(frozen=True)
class Player:
    """A backward player as one HTML page: ``save(path)`` writes it, a notebook shows it inline.

    ``html`` is the whole page. In a notebook it is shown in a sandboxed ``<iframe srcdoc>``
    of ``height`` pixels, so its keys and ids stay its own.

    >>> from autograd import Value
    >>> p = player(Value(2.0, "x") * 3)
    >>> p
    <Player: backward pass of 'L', 1 step; .save(path) writes it, a notebook shows it>
    >>> p._repr_html_().startswith("<iframe")
    True
    """

    html: str
    title: str
    root_name: str
    steps: int
    height: int = NOTEBOOK_HEIGHT

    def save(self, path: str | Path) -> Path:
        """Write the page to ``path`` whole or not at all (the rules of ``autograd.atomic_file``).

        >>> import tempfile, pathlib
        >>> from autograd import Value
        >>> player(Value(1.0, "x") * 2).save(pathlib.Path(tempfile.mkdtemp()) / "p.html").suffix
        '.html'
        """
        return write_file(path, self.html, "player")

    def _repr_html_(self) -> str:
        """The page inline in a notebook: a sandboxed frame that runs only its own script."""
        return (f'<iframe class="chainrule-player" srcdoc="{html.escape(self.html, quote=True)}" '
                f'sandbox="allow-scripts" title="{html.escape(self.title, quote=True)}" '
                f'style="width: 100%; height: {int(self.height)}px; border: 1px solid #ddd;"></iframe>')

    def __repr__(self) -> str:
        plural = "" if self.steps == 1 else "s"
        return (f"<Player: backward pass of {self.root_name!r}, {self.steps} step{plural}; "
                f".save(path) writes it, a notebook shows it>")


@overload
def player(root: Value, path: None = None, *, title: str | None = None, direction: str = "LR",
           formulas: bool = False, collapse: Collapse | None = None, names: Names | None = None,
           height: int = NOTEBOOK_HEIGHT) -> Player: ...


@overload
def player(root: Value, path: str | Path, *, title: str | None = None, direction: str = "LR",
           formulas: bool = False, collapse: Collapse | None = None, names: Names | None = None,
           height: int = NOTEBOOK_HEIGHT) -> Path: ...


def player(root: Value, path: str | Path | None = None, *, title: str | None = None,
           direction: str = "LR", formulas: bool = False, collapse: Collapse | None = None,
           names: Names | None = None, height: int = NOTEBOOK_HEIGHT) -> Path | Player:
    """The backward player of ``root``: written to ``path`` (returns the path), or a ``Player``.

    ``direction``, ``formulas``, ``collapse`` and ``names`` are ``draw``'s; ``title`` heads
    the page; ``height`` is the height in pixels of the player shown inline in a notebook.

    >>> import tempfile, pathlib
    >>> from autograd import Value
    >>> y = Value(2.0, "x") * 3
    >>> player(y, pathlib.Path(tempfile.mkdtemp()) / "p.html").suffix
    '.html'
    >>> player(y).steps
    1
    """
    if not isinstance(root, Value):
        raise TypeError(f"player(root): root must be a Value, got {type(root).__name__}")
    if isinstance(height, bool) or not isinstance(height, int) or height < 200:
        raise ValueError(f"player(height={height!r}): give the notebook frame's height in pixels, "
                         f"an int of at least 200")
    page = _page(root, title, direction, formulas, collapse, names, height)
    return page if path is None else page.save(path)


def _page(root: Value, title: str | None, direction: str, formulas: bool, collapse: Collapse | None,
          names: Names | None, height: int) -> Player:
    """Lay the graph out once, gather every step's data, and assemble the HTML page."""
    frames = draw_steps(root, direction=direction, formulas=formulas, collapse=collapse, names=names)
    stepper = Stepper(root, names, live=False).run()
    boxes = _BoxIds(stepper, frames[0], collapse)
    data = _step_data(stepper, boxes)
    svg = _layout_svg(frames, stepper, boxes, data)
    lines = [step["line"] for step in data["steps"]]
    name = stepper.names[root]
    title = title or f"Backward pass of {name}, step by step"
    table_lines = stepper.table(leaves=False).render(width=None).splitlines()
    rows = [f'<span class="head">{html.escape(line)}</span>' for line in table_lines[:2]]
    step_of_row = [e_step.index for e_step in stepper.steps for _ in e_step.edges]
    rows += [f'<span class="row" data-step="{k}">{html.escape(line)}</span>'
             for k, line in zip(step_of_row, table_lines[2:])]
    line_rows = min(_LINE_ROWS_MAX, max(line.count("\n") + 1 for line in lines))
    last = len(lines) - 1
    document = f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(title)}</title>
<style>{_STYLE}</style>
</head>
<body>
<div id="bar">
<h1>{html.escape(title)}</h1>
<div id="controls">
<button id="prev" type="button" title="previous step (left arrow)">Prev</button>
<button id="next" type="button" title="next step (right arrow)">Next</button>
<button id="play" type="button" title="play the steps one after another">Play</button>
<input id="slider" type="range" min="0" max="{last}" value="0" aria-label="step">
<span id="counter">step 0 / {last}</span>
<span class="zoom">
<button id="zoom-out" type="button" title="zoom out (-)" aria-label="zoom out">&minus;</button>
<button id="zoom-in" type="button" title="zoom in (+)" aria-label="zoom in">+</button>
<button id="fit" type="button" title="the whole graph (f)">fit</button>
<button id="actual" type="button" title="actual size (0)">100%</button>
<span id="zoom-level">100%</span>
</span>
</div>
<pre id="line" style="height: {line_rows * 1.35:.2f}em">{html.escape(lines[0])}</pre>
</div>
<div id="view" tabindex="0" aria-label="the computation graph: drag to pan">
<div id="stage">{svg}</div>
</div>
<p class="help">Keys: left/right arrow step, Home/End first/last, + and - zoom, 0 actual size,
f fit. Drag to pan; Ctrl+wheel or pinch to zoom. Click a row of the table to go to its step.</p>
<h2>The chain-rule table</h2>
<pre id="table">{chr(10).join(rows)}</pre>
<script type="application/json" id="data">{_json_for_html(data)}</script>
<script>{_SCRIPT}</script>
</body>
</html>
"""
    return Player(_no_surrogates(document), _no_surrogates(title), name, stepper.total, height)


class _BoxIds:
    """The SVG ids ``draw`` gives: each Value's box, op node and edges, and which boxes show a grad.

    ``draw`` names a Value's box ``v{i}`` (``g{n}`` for the n-th collapsed group), the op that made
    it ``op{i}`` and the edge from its k-th parent ``e{i}_{k}``, i its place in the topological order.
    """

    def __init__(self, stepper: Stepper, graph: Graph, collapse: Collapse | None) -> None:
        """Read the ids from ``graph`` (any one step of ``draw_steps``) and ``collapse``."""
        self.index = {v: i for i, v in enumerate(stepper.order)}
        self.box = dict(graph.ids)
        self.grouped = {v for v, box in self.box.items() if not box.startswith("v")}
        # the Value whose grad each box shows: its own, or its group's output (as draw finds it)
        self.shows: dict[str, Value] = {box: v for v, box in self.box.items() if v not in self.grouped}
        for g, out in enumerate(_groups(collapse, stepper.order)[2]):
            if out is not None and out in self.index:
                self.shows[f"g{g}"] = out
        self.box_showing = {v: box for box, v in self.shows.items()}

    def op(self, v: Value) -> str | None:
        """The id of the op node that computed ``v`` (None inside a collapsed group)."""
        return None if v in self.grouped else f"op{self.index[v]}"

    def edges(self, v: Value) -> list[str]:
        """The ids of the edges from ``v``'s parents into its op node (none inside a group)."""
        return [] if v in self.grouped else [f"e{self.index[v]}_{k}" for k in range(len(v.edges))]


def _step_data(stepper: Stepper, boxes: _BoxIds) -> dict:
    """Everything the page's script needs per step, as JSON-ready lists of ids and texts."""
    root = stepper.root
    root_name = stepper.names[root]
    seed = (f"step 0/{stepper.total}  seed: d{root_name}/d{root_name} = "
            f"{format_number(stepper.initial[root])} (the backward pass starts at {root_name})")
    steps = [{"line": seed, "node": None, "active": [], "edges": [], "changed": [boxes.box[root]],
              "grads": ([[boxes.box_showing[root], "0", format_number(stepper.initial[root])]]
                        if root in boxes.box_showing else [])}]
    for step in stepper.steps:
        moved: dict[Value, tuple[float, float]] = {}
        for edge in step.edges:
            moved[edge.parent] = (moved.get(edge.parent, (edge.before, 0.0))[0], edge.after)
        op = boxes.op(step.node)
        steps.append({
            "line": step.text(width=None),  # the page is UTF-8: its symbols, whatever the console
            "node": boxes.box[step.node],
            "active": [boxes.box[step.node], *([op] if op else [])],
            "edges": boxes.edges(step.node),
            "changed": sorted({boxes.box[p] for p in moved} - {boxes.box[step.node]}),
            "grads": [[boxes.box_showing[p], format_number(before), format_number(after)]
                      for p, (before, after) in moved.items() if p in boxes.box_showing],
        })
    return {"start": {box: "0" for box in boxes.shows}, "steps": steps}


def _layout_svg(frames: list[Graph], stepper: Stepper, boxes: _BoxIds, data: dict) -> str:
    """One SVG for every step: each box and op drawn as in the step where its text is widest."""
    # A box's grad field is widest in a step that changes it ("grad before → after"): every value it
    # shows otherwise is 0 or the "after" of such a step. A box never changed keeps step 0's width.
    widest: dict[str, int] = {}
    longest: dict[str, int] = {}
    for k, step in enumerate(data["steps"]):
        for box, before, after in step["grads"]:
            if len(before) + len(after) > longest.get(box, -1):
                longest[box] = len(before) + len(after)
                widest[box] = k
    # An op is widest in its own step, where each of its ports adds "× upstream = contribution".
    step_of = {f"op{boxes.index[s.node]}": s.index for s in stepper.steps}
    bodies = [frame.digraph.body for frame in frames]
    if len({len(body) for body in bodies}) != 1:
        raise RuntimeError("player: draw_steps gave frames of different shapes; cannot lay them out once")
    chosen = []
    for j, statement in enumerate(bodies[0]):
        match = _STATEMENT.match(statement)
        tail, head = (match.group(1), match.group(2)) if match else (None, None)
        if head is not None or tail is None:  # edges carry no text: the seed's statement
            k = 0
        elif tail in step_of:  # an op
            k = step_of[tail]
        else:  # a value's box is widest where its grad text is
            k = widest.get(tail, 0)
        chosen.append(bodies[k][j])
    dot = frames[0].digraph.copy()
    dot.body = chosen
    return _clean_svg(replace(frames[0], digraph=dot).svg(), boxes, data["steps"][0])


def _clean_svg(svg: str, boxes: _BoxIds, seed: dict) -> str:
    """The SVG ready to inline: grad fields marked, showing the ``seed`` step; nothing executable.

    The boxes keep the width of their longest text; their text and classes are the seed step's,
    so that the page reads right before (or without) its script.
    """
    ET.register_namespace("", _SVG_NS)
    ET.register_namespace("xlink", _XLINK_NS)
    tree = ET.fromstring(svg)
    _strip_executable(tree)
    width, height = (float(v) for v in tree.get("viewBox", "0 0 0 0").split()[2:])
    for attribute in ("width", "height"):
        tree.attrib.pop(attribute, None)
    tree.set("data-width", f"{width * _PT_TO_PX:.2f}")
    tree.set("data-height", f"{height * _PT_TO_PX:.2f}")
    tree.set("role", "img")
    texts = f"{{{_SVG_NS}}}text"
    seeded = {box: f"{before} → {after}" for box, before, after in seed["grads"]}
    for group in tree.iter(f"{{{_SVG_NS}}}g"):
        classes = group.get("class", "").split()
        if not classes:
            continue
        state = ["changed"] if group.get("id") in seed["changed"] else []
        group.set("class", " ".join([*(c for c in classes if c not in _STATE_CLASSES), *state]))
        lines = list(group.iter(texts))
        if not lines:
            continue
        if "node" in classes and group.get("id") in boxes.shows:
            lines[-1].set("class", "grad")
            lines[-1].text = f"grad {seeded.get(group.get('id'), '0')}"
        elif "op" in classes:  # the lines "× upstream = contribution" show only in the op's step
            for line in lines:
                if (line.text or "").startswith("×"):
                    line.set("class", "extra")
    return ET.tostring(tree, encoding="unicode")


def _strip_executable(tree: ET.Element) -> None:
    """Remove from the SVG whatever could run or navigate: scripts, links' targets, handlers."""
    for parent in list(tree.iter()):
        for child in list(parent):
            if child.tag.rsplit("}", 1)[-1] in _UNSAFE_ELEMENTS:
                parent.remove(child)
        for name in list(parent.attrib):
            local = name.rsplit("}", 1)[-1].lower()
            if local.startswith("on") or local in ("href", "target", "src"):
                del parent.attrib[name]


def _json_for_html(data: object) -> str:
    """JSON that cannot end its ``<script>`` element or open a comment: ``<``, ``>``, ``&`` escaped.

    >>> _json_for_html(["</script><!--&"])
    '["\\\\u003c/script\\\\u003e\\\\u003c!--\\\\u0026"]'
    """
    text = json.dumps(data, ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _no_surrogates(text: str) -> str:
    r"""``text`` with each lone surrogate (which UTF-8 cannot hold) shown as ``\ud800``, as draw does.

    >>> _no_surrogates("a\ud800b")
    'a\\ud800b'
    """
    return re.sub("[\ud800-\udfff]", lambda m: f"\\u{ord(m.group()):04x}", text)
