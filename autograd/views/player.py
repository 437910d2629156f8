"""The backward player: one self-contained HTML page that steps through backprop in a browser.

The graph is laid out once: one SVG in which every box has room for the longest text it
will show, so no box moves between steps. Each step's data (the grad shown in each box,
which node and edges are active, the chain-rule line) is embedded as JSON; the page's
script updates the text and the highlighting per step. At every window size the step's
text is shown whole (its box is as tall as the tallest step's; a step too long for a
share of the window scrolls inside the box, which says so), and the step's node, its op
with the products and the nodes it changes are brought into view together, zoomed out
as far as that needs. Prev/Next/Play, a slider and the arrow keys move between steps;
the zoom buttons, ``+``/``-``/``0``/``f`` (fit: the whole graph), Ctrl+wheel or a pinch
zoom, dragging pans. No server, network or CDN: the file opens anywhere, from
``file://`` too. The pass is a fresh one on a private copy of the grads: the Values are
not changed. The page's style sheet and script are package data (``player_assets/``).

``player(root, path)`` writes the page and returns the path; ``player(root)`` returns a
``Player``, which a notebook (Jupyter, VS Code, Colab) shows inline below the cell, in
its own sandboxed frame, so several players on one page never share keys or ids; the
frame grows to its page, table included. ``language="zh_CN"`` gives the interface in
Chinese; the step lines and the table stay the stepper's English.

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
import secrets
import xml.etree.ElementTree as ET
from dataclasses import dataclass, replace
from importlib import resources
from pathlib import Path
from typing import overload

from ..atomic_file import write_file
from ..engine.value import Value
from .draw import Graph, draw_steps
from .groups import Collapse, _groups
from .notation import Names, format_number
from .stepper import Stepper

__all__ = ["Player", "player"]

_SVG_NS = "http://www.w3.org/2000/svg"
_XLINK_NS = "http://www.w3.org/1999/xlink"
_STATE_CLASSES = {"active", "changed", "highlight"}
_UNSAFE_ELEMENTS = {"script", "foreignObject", "iframe", "object", "embed", "style", "image", "use"}
_STATEMENT = re.compile(r"\t(\w+)(?: -> (\w+)[:\w]*)? ")
"""A DOT body statement: a node's id, or an edge's tail and head (an edge may end at a port)."""
_PT_TO_PX = 4 / 3
"""Graphviz sizes its SVG in points; a CSS pixel is 3/4 of a point."""

_ASSETS = "player_assets"
"""The folder, inside the package, of the page's style sheet and script (inlined into every page)."""

WORDS: dict[str, dict[str, str]] = {
    "en": {
        "lang": "en", "title": "Backward pass of {name}, step by step",
        "prev": "Prev", "prev_tip": "previous step (left arrow)",
        "next": "Next", "next_tip": "next step (right arrow)",
        "play": "Play", "pause": "Pause", "play_tip": "play the steps one after another",
        "slider": "step", "counter": "step {k} / {n}",
        "zoom_out": "zoom out (-)", "zoom_in": "zoom in (+)",
        "fit": "fit", "fit_tip": "the whole graph (f)", "actual_tip": "actual size (0)",
        "view": "the computation graph: drag to pan",
        "more": "more lines: scroll the box above",
        "help": "Keys: left/right arrow step, Home/End first/last, + and - zoom, 0 actual size, "
                "f fit. Drag to pan; Ctrl+wheel or pinch to zoom. Click a row of the table to go to "
                "its step. The step's text and the table are what the stepper, step_through, prints.",
        "active": "the node whose upstream gradient this step sends back, and its op (local "
                  "derivative × upstream gradient)",
        "changed": "the nodes whose gradient it changes",
        "edges": "the edges it goes along", "sep": "; ", "end": ".",
        "table": "The chain-rule table",
    },
    "zh_CN": {
        "lang": "zh-CN", "title": "{name} 的反向传播：逐步演示",
        "prev": "上一步", "prev_tip": "上一步（左方向键）",
        "next": "下一步", "next_tip": "下一步（右方向键）",
        "play": "播放", "pause": "暂停", "play_tip": "自动逐步播放",
        "slider": "步骤", "counter": "第 {k} / {n} 步",
        "zoom_out": "缩小（-）", "zoom_in": "放大（+）",
        "fit": "全图", "fit_tip": "显示整个计算图（f）", "actual_tip": "实际大小（0）",
        "view": "计算图：拖动可平移",
        "more": "还有更多行：请滚动上面的文本框",
        "help": "按键：← / → 上一步/下一步，Home / End 第一步/最后一步，+ 和 - 缩放，0 实际大小，"
                "f 显示全图。拖动可平移；Ctrl+滚轮或双指捏合可缩放。点击链式法则表中的一行可跳到该步。"
                "每步的说明和链式法则表都是单步器 step_through 的输出，保留英文。",
        "active": "本步反向传递上游梯度的节点及其运算（局部导数 × 上游梯度）",
        "changed": "本步改变了梯度的节点",
        "edges": "梯度经过的边", "sep": "；", "end": "。",
        "table": "链式法则表",
    },
}
"""The player's interface in each language it speaks; the step lines and the table stay English."""
LANGUAGES = tuple(WORDS)
NOTEBOOK_HEIGHT = 440
"""Height in pixels of the graph's view in a player shown inline in a notebook (the frame grows to
show the controls above it and the whole table below it)."""


@dataclass(frozen=True)
class Player:
    """A backward player as one HTML page: ``save(path)`` writes it, a notebook shows it inline.

    ``html`` is the whole page. In a notebook it is shown in a sandboxed ``<iframe srcdoc>``
    whose graph view is ``height`` pixels high; the frame grows to the page's content (the
    controls, the graph and the whole table), so nothing scrolls inside a cut frame.

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
    frame_height: int = NOTEBOOK_HEIGHT + 400
    """The notebook frame's height before its page has measured itself (an estimate from its content)."""

    def save(self, path: str | Path) -> Path:
        """Write the page to ``path`` whole or not at all (the rules of ``autograd.atomic_file``).

        >>> import tempfile, pathlib
        >>> from autograd import Value
        >>> player(Value(1.0, "x") * 2).save(pathlib.Path(tempfile.mkdtemp()) / "p.html").suffix
        '.html'
        """
        return write_file(path, self.html, "player")

    def _repr_html_(self) -> str:
        """The page inline in a notebook: a sandboxed frame that runs only its own script.

        The frame starts at ``frame_height`` (the estimate stands where the notebook runs no
        script); the page then posts its measured height, and a listener that accepts messages
        from this one frame only sets it.
        """
        frame = f"chainrule-player-{secrets.token_hex(6)}"
        listener = (
            "(function () { var f = document.getElementById('" + frame + "'); if (!f) return;"
            " window.addEventListener('message', function (e) {"
            " if (e.source !== f.contentWindow || !e.data) return;"
            " var h = Number(e.data.chainrulePlayerHeight);"
            " if (isFinite(h) && h > 0) f.style.height = Math.min(20000, Math.ceil(h)) + 'px'; }); })();")
        return (f'<iframe id="{frame}" class="chainrule-player" '
                f'srcdoc="{html.escape(self.html, quote=True)}" sandbox="allow-scripts" '
                f'title="{html.escape(self.title, quote=True)}" '
                f'style="width: 100%; height: {int(self.frame_height)}px; border: 1px solid #ddd;">'
                f'</iframe><script>{listener}</script>')

    def __repr__(self) -> str:
        plural = "" if self.steps == 1 else "s"
        return (f"<Player: backward pass of {self.root_name!r}, {self.steps} step{plural}; "
                f".save(path) writes it, a notebook shows it>")


@overload
def player(root: Value, path: None = None, *, title: str | None = None, direction: str = "LR",
           formulas: bool = False, collapse: Collapse | None = None, names: Names | None = None,
           height: int = NOTEBOOK_HEIGHT, language: str = "en") -> Player: ...


@overload
def player(root: Value, path: str | Path, *, title: str | None = None, direction: str = "LR",
           formulas: bool = False, collapse: Collapse | None = None, names: Names | None = None,
           height: int = NOTEBOOK_HEIGHT, language: str = "en") -> Path: ...


def player(root: Value, path: str | Path | None = None, *, title: str | None = None,
           direction: str = "LR", formulas: bool = False, collapse: Collapse | None = None,
           names: Names | None = None, height: int = NOTEBOOK_HEIGHT,
           language: str = "en") -> Path | Player:
    """The backward player of ``root``: written to ``path`` (returns the path), or a ``Player``.

    ``direction``, ``formulas``, ``collapse`` and ``names`` are ``draw``'s; ``title`` heads
    the page; ``height`` is the height in pixels of the graph's view in a player shown inline
    in a notebook (the frame grows to its content). ``language`` is the interface's language,
    ``"en"`` or ``"zh_CN"`` (the buttons, the help, the counter, the headings, the default
    title); the step lines and the table are the stepper's, in English, in every language.

    >>> import tempfile, pathlib
    >>> from autograd import Value
    >>> y = Value(2.0, "x") * 3
    >>> player(y, pathlib.Path(tempfile.mkdtemp()) / "p.html").suffix
    '.html'
    >>> player(y).steps
    1
    >>> player(y, language="zh_CN").title
    'L 的反向传播：逐步演示'
    """
    if not isinstance(root, Value):
        raise TypeError(f"player(root): root must be a Value, got {type(root).__name__}")
    if isinstance(height, bool) or not isinstance(height, int) or height < 200:
        raise ValueError(f"player(height={height!r}): give the height in pixels of the graph's view "
                         f"in a notebook, an int of at least 200")
    if language not in WORDS:
        raise ValueError(f"player(language={language!r}): the player speaks "
                         f"{', '.join(map(repr, LANGUAGES))}; give one of these")
    page = _page(root, title, direction, formulas, collapse, names, height, WORDS[language])
    return page if path is None else page.save(path)


def _asset(name: str) -> str:
    """The text of one of the page's files (its style sheet, its script), from the package's data."""
    return resources.files(__package__).joinpath(_ASSETS, name).read_text(encoding="utf-8")


def _table_rows(stepper: Stepper) -> tuple[list[str], list[str]]:
    """The chain-rule table's lines, and each as an HTML row that knows its step (the page marks it)."""
    table_lines = stepper.table(leaves=False).render(width=None).splitlines()
    rows = [f'<span class="head">{html.escape(line)}</span>' for line in table_lines[:2]]
    step_of_row = [e_step.index for e_step in stepper.steps for _ in e_step.edges]
    rows += [f'<span class="row" data-step="{k}">{html.escape(line)}</span>'
             for k, line in zip(step_of_row, table_lines[2:])]
    return table_lines, rows


def _page(root: Value, title: str | None, direction: str, formulas: bool, collapse: Collapse | None,
          names: Names | None, height: int, words: dict[str, str]) -> Player:
    """Lay the graph out once, gather every step's data, and assemble the HTML page."""
    frames = draw_steps(root, direction=direction, formulas=formulas, collapse=collapse, names=names)
    stepper = Stepper(root, names, live=False).run()
    boxes = _BoxIds(stepper, frames[0], collapse)
    data = _step_data(stepper, boxes)
    svg = _layout_svg(frames, stepper, boxes, data)
    data.update(words={key: words[key] for key in ("play", "pause", "counter")}, viewHeight=height)
    lines = [step["line"] for step in data["steps"]]
    name = stepper.names[root]
    title = title or words["title"].format(name=name)
    table_lines, rows = _table_rows(stepper)
    last = len(lines) - 1
    w = {key: html.escape(text, quote=True) for key, text in words.items()}
    counter = html.escape(words["counter"].format(k=0, n=last))
    document = f"""<!DOCTYPE html>
<html lang="{w['lang']}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(title)}</title>
<style>{_asset("player.css")}</style>
</head>
<body>
<div id="bar">
<h1>{html.escape(title)}</h1>
<div id="controls">
<button id="prev" type="button" title="{w['prev_tip']}">{w['prev']}</button>
<button id="next" type="button" title="{w['next_tip']}">{w['next']}</button>
<button id="play" type="button" title="{w['play_tip']}">{w['play']}</button>
<input id="slider" type="range" min="0" max="{last}" value="0" aria-label="{w['slider']}">
<span id="counter">{counter}</span>
<span class="zoom">
<button id="zoom-out" type="button" title="{w['zoom_out']}" aria-label="{w['zoom_out']}">&minus;</button>
<button id="zoom-in" type="button" title="{w['zoom_in']}" aria-label="{w['zoom_in']}">+</button>
<button id="fit" type="button" title="{w['fit_tip']}">{w['fit']}</button>
<button id="actual" type="button" title="{w['actual_tip']}">100%</button>
<span id="zoom-level">100%</span>
</span>
</div>
<pre id="line" class="stepline" aria-live="polite">{html.escape(lines[0])}</pre>
<p id="more" hidden>{w['more']} &#x25BC;</p>
</div>
<div id="view" tabindex="0" aria-label="{w['view']}">
<div id="stage">{svg}</div>
</div>
<p class="help">{w['help']}</p>
<p class="legend"><span class="swatch active"></span> {w['active']}{w['sep']}
<span class="swatch changed"></span> {w['changed']}{w['sep']}<span class="swatch edge"></span> \
{w['edges']}{w['end']}</p>
<h2>{w['table']}</h2>
<pre id="table">{chr(10).join(rows)}</pre>
<script type="application/json" id="data">{_json_for_html(data)}</script>
<script>{_asset("player.js")}</script>
</body>
</html>
"""
    frame_height = _frame_height(height, max(line.count("\n") + 1 for line in lines), len(table_lines))
    return Player(_no_surrogates(document), _no_surrogates(title), name, stepper.total, height, frame_height)


def _frame_height(view: int, step_lines: int, table_lines: int) -> int:
    """An estimate of the notebook frame's height: the bar, the graph's view, the help and the table.

    It stands where a notebook runs no script (the page measures itself where one runs); it
    errs on the tall side, for a column of about 800 px or more.
    """
    bar = 30 + 40 + min(step_lines, 12) * 19 + 20 + 24
    below = 60 + 30 + 30 + table_lines * 18 + 30
    return int(bar + view + below)


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
    steps = [{"line": seed, "head": seed, "lines": [], "node": None, "active": [], "edges": [],
              "changed": [boxes.box[root]],
              "grads": ([[boxes.box_showing[root], "0", format_number(stepper.initial[root])]]
                        if root in boxes.box_showing else [])}]
    for step in stepper.steps:
        moved: dict[Value, tuple[float, float]] = {}
        for edge in step.edges:
            moved[edge.parent] = (moved.get(edge.parent, (edge.before, 0.0))[0], edge.after)
        op = boxes.op(step.node)
        steps.append({
            "line": step.text(width=None),  # the page is UTF-8: its symbols, whatever the console
            # the same, for a box too narrow for it: the head above the edges, each wrapped alone
            "head": f"step {step.index}/{step.total}  {step.equation}:",
            "lines": [step.edge_line(edge) for edge in step.edges],
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
