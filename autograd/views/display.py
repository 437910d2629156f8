"""How a Value and a drawn Graph show themselves in a notebook: readable, fitting the column, never an error.

A ``Value`` in Jupyter shows its text repr, plus a picture of its graph (top to bottom)
when the graph is small enough to read (``DISPLAY_MAX_NODES`` drawn nodes); ``draw(v)``
stays the explicit way to draw any graph. A ``Graph`` shows its picture in a box as wide
as the column: shrunk to fit while its smallest text stays at least ``MIN_TEXT_PX`` high,
and at that size scrollable when it is wider still. A graph with a highlighted step
(``draw(v, step=k)``) opens on the part around it, with the whole graph one click below.
A display hook never raises: if a picture cannot be made, the text repr is shown with a
one-line note why.

>>> from autograd import Value
>>> x = Value(2.0, "x"); y = x * x; y.label = "y"
>>> html = value_html(y)
>>> html.count("<svg"), "Value(data=4" in html
(1, True)
"""

from __future__ import annotations

import html
import math
import re
import secrets
from typing import TYPE_CHECKING

from .draw import Graph, draw

if TYPE_CHECKING:
    from ..engine.value import Value

__all__ = ["DISPLAY_MAX_NODES", "MIN_TEXT_PX", "graph_html", "value_html"]

DISPLAY_MAX_NODES = 40
"""Drawn nodes (values, ops, constants) up to which a displayed Value comes with its picture."""
MIN_TEXT_PX = 9
"""A picture is shrunk to fit its column only while its smallest text stays this many CSS px high."""
_SMALLEST_FONT_PT = 10
"""The smallest font size in chainrule's pictures (edge labels and constants), in points."""
_PX_PER_PT = 4 / 3
_SVG_PROLOG = re.compile(r"\A.*?(?=<svg\b)", re.DOTALL)
_SVG_SIZE = re.compile(r'<svg width="([\d.]+)pt" height="([\d.]+)pt"')
_ID = re.compile(r'\bid="([^"]*)"')
_VIEW_BOX = re.compile(r'viewBox="([-\d.]+ [-\d.]+ [-\d.]+ [-\d.]+)"')
_TRANSFORM = re.compile(r'<g id="graph0" class="graph" transform="scale\(([-\d.]+) [-\d.]+\) '
                        r'rotate\(0\) translate\(([-\d.]+) ([-\d.]+)\)"')
_MARKED = re.compile(r'<g id="[^"]*" class="node [^"]*\b(?:active|changed|highlight)\b[^"]*">.*?</g>',
                     re.DOTALL)
"""A node group that ``draw`` marked: the step's node and op, the nodes it changes, highlighted ones."""
_POINT = re.compile(r"(-?\d+(?:\.\d+)?),(-?\d+(?:\.\d+)?)")
"""An x,y pair of a polygon's points or a path's data."""
_CROP_PAD_PT = 36
"""Room kept around the highlighted nodes in the cropped picture, in points."""
_CROP_MIN_PT = (480, 160)
"""The cropped picture is at least this wide and high (in points), when the graph is."""


def graph_html(graph: Graph) -> str:
    """The picture of ``graph`` as HTML for a notebook cell or a docs page.

    Shrunk to the column's width while its smallest text stays ``MIN_TEXT_PX`` or more;
    wider pictures keep that size and scroll inside their box. No script: only CSS.
    Never raises: without a picture (no renderer, say), the repr and a one-line note why.

    >>> from autograd import Value, draw
    >>> html = graph_html(draw(Value(1.0, "x")))
    >>> html.startswith('<div class="chainrule-graph"'), "overflow:auto" in html
    (True, True)
    """
    try:
        return _picture(graph)
    except Exception as error:  # a display hook must not raise: say why in one line
        note = _note(f"no picture: {_one_line(error)}")
        return f'<pre style="margin:0">{html.escape(repr(graph))}</pre>{note}'


def _picture(graph: Graph) -> str:
    """``graph_html`` without the safety net: errors propagate.

    A graph with a highlighted part (``draw(..., step=k)``, ``highlight=``) much smaller than
    the whole opens on that part: a cropped copy of the picture, at the same scale, with the
    whole graph one click below it (a ``<details>``, no script).
    """
    svg = _SVG_PROLOG.sub("", graph.svg(), count=1)
    crop = _crop_box(svg)
    if crop is None:
        return _scrolling(_sized(_unique_ids(svg)))
    x, y, w, h = crop
    part = _VIEW_BOX.sub(f'viewBox="{x:.2f} {y:.2f} {w:.2f} {h:.2f}"', svg, count=1)
    part = _SVG_SIZE.sub(f'<svg width="{w:.2f}pt" height="{h:.2f}pt"', part, count=1)
    size = _SVG_SIZE.search(svg)
    whole = (f" ({float(size.group(1)) * _PX_PER_PT:.0f} × {float(size.group(2)) * _PX_PER_PT:.0f} px)"
             if size is not None else "")
    return (f'<div class="chainrule-graph chainrule-part">{_scrolling(_sized(_unique_ids(part)))}'
            f'<details style="margin-top:.3em"><summary style="cursor:pointer;color:#555;'
            f'font-size:smaller">the part around the highlight is shown; click for the whole graph'
            f'{whole}</summary>{_scrolling(_sized(_unique_ids(svg)))}</details></div>')


def _unique_ids(svg: str) -> str:
    """The SVG with its ids prefixed: several pictures in one notebook keep their ids apart."""
    prefix = f"cr{secrets.token_hex(3)}-"
    return _ID.sub(lambda m: f'id="{prefix}{m.group(1)}"', svg)


def _sized(svg: str) -> str:
    """The SVG as wide as its column, shrunk no further than its smallest text allows."""
    size = _SVG_SIZE.search(svg)
    if size is not None:
        width, height = (float(size.group(k)) * _PX_PER_PT for k in (1, 2))
        narrowest = width * MIN_TEXT_PX / (_SMALLEST_FONT_PT * _PX_PER_PT)
        svg = svg.replace(size.group(0), (
            f'<svg width="{width:.0f}px" height="{height:.0f}px" style="width:100%;'
            f'min-width:{math.ceil(narrowest)}px;max-width:{width:.0f}px;height:auto;display:block"'), 1)
    return svg


def _scrolling(svg: str) -> str:
    """A box of the column's width around the picture, which scrolls when the picture is wider."""
    return f'<div class="chainrule-graph" style="overflow:auto;max-width:100%">{svg}</div>'


def _crop_box(svg: str) -> tuple[float, float, float, float] | None:
    """The viewBox (x, y, width, height, in points) of the part of ``svg`` around its highlighted
    nodes, or None when nothing is highlighted or the part would be most of the picture.

    >>> from autograd import Value, draw
    >>> x = Value(2.0, "x"); y = x * 3
    >>> _crop_box(draw(y).svg()) is None
    True
    """
    view = _VIEW_BOX.search(svg)
    transform = _TRANSFORM.search(svg)
    if view is None or transform is None:
        return None
    vx, vy, vw, vh = (float(v) for v in view.group(1).split())
    scale, tx, ty = (float(transform.group(k)) for k in (1, 2, 3))
    xs: list[float] = []
    ys: list[float] = []
    for group in _MARKED.finditer(svg):
        for px, py in _POINT.findall(group.group(0)):
            xs.append((float(px) + tx) * scale)
            ys.append((float(py) + ty) * scale)
    if not xs:
        return None
    left, right = min(xs) - _CROP_PAD_PT, max(xs) + _CROP_PAD_PT
    top, bottom = min(ys) - _CROP_PAD_PT, max(ys) + _CROP_PAD_PT
    width, height = max(right - left, _CROP_MIN_PT[0]), max(bottom - top, _CROP_MIN_PT[1])
    if width >= 0.8 * vw and height >= 0.8 * vh:
        return None
    width, height = min(width, vw), min(height, vh)
    x = min(max((left + right - width) / 2, vx), vx + vw - width)
    y = min(max((top + bottom - height) / 2, vy), vy + vh - height)
    return x, y, width, height


def value_html(value: Value, max_nodes: int = DISPLAY_MAX_NODES) -> str:
    """``value`` for a notebook: its repr, and its graph's picture if it has at most ``max_nodes`` nodes.

    Never raises: a picture that cannot be made becomes a one-line note.

    >>> from autograd import Value
    >>> y = Value(1.0, "x")
    >>> for _ in range(100):
    ...     y = y + 1
    >>> html = value_html(y)
    >>> html.count("<svg"), "more than 40 nodes: draw(value) draws it" in html
    (0, True)
    """
    try:
        text = repr(value)
    except Exception as error:  # a display hook must not raise
        text = f"<Value: repr failed: {_one_line(error)}>"
    parts = [f'<div class="chainrule-value"><pre style="margin:0">{html.escape(text)}</pre>']
    try:
        if _drawn_nodes(value, max_nodes) > max_nodes:
            parts.append(_note(f"its graph has more than {max_nodes} nodes: draw(value) draws it"))
        else:
            parts.append(_picture(draw(value, direction="TB")))
    except Exception as error:  # a display hook must not raise: say why in one line
        parts.append(_note(f"no picture: {_one_line(error)}"))
    return "\n".join(parts) + "</div>"


def _note(text: str) -> str:
    """A small grey line under the repr."""
    return f'<div style="color:#666;font-size:smaller">{html.escape(text)}</div>'


def _one_line(error: BaseException) -> str:
    """``ErrorType: message`` on one line."""
    return f"{type(error).__name__}: {' '.join(str(error).split())}"


def _drawn_nodes(root: Value, limit: int) -> int:
    """How many nodes ``draw(root)`` would draw (values, ops, constants), counting no further than
    ``limit + 1``: a million-op chain is answered as fast as a small graph.

    >>> from autograd import Value
    >>> _drawn_nodes(Value(2.0) * 3, 40)   # the product, its op, the constant 3, the leaf
    4
    """
    seen = {id(root)}
    stack = [root]
    count = 0
    while stack and count <= limit:
        node = stack.pop()
        count += 1
        if node.is_leaf:
            continue
        count += 1 + (node.const is not None)
        for parent in node.parents:
            if id(parent) not in seen:
                seen.add(id(parent))
                stack.append(parent)
    return count
