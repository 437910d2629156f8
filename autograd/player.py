"""The backward player: one self-contained HTML file that steps through backprop in a browser.

Each step of the backward pass is drawn (``draw(root, step=k)``) and inlined as SVG,
next to that step's line of the chain-rule table; Prev/Next/Play buttons, a slider and
the arrow keys move between steps. No server, network or CDN: open the file anywhere.
The pass is a fresh one on a private copy of the grads: the Values are not changed.

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
from pathlib import Path

from .draw import Collapse, draw_steps
from .notation import Names, format_number
from .stepper import Stepper
from .value import Value

__all__ = ["player"]

_XML_PROLOG = re.compile(r"\A.*?(?=<svg\b)", re.DOTALL)
_ID = re.compile(r'\bid="([^"]*)"')

_STYLE = """
body { font-family: Courier, "Courier New", monospace; margin: 1em; color: #222; }
h1 { font-size: 1.2em; margin: 0 0 .5em 0; }
#controls { display: flex; gap: .5em; align-items: center; flex-wrap: wrap; margin-bottom: .5em; }
#controls button { font-family: inherit; font-size: 1em; padding: .2em .8em; }
#slider { flex: 1 1 20em; }
#line { background: #fff8dc; border: 1px solid #e0c060; padding: .5em; white-space: pre; overflow-x: auto;
        margin: 0 0 .5em 0; }
.frame { overflow: auto; border: 1px solid #ddd; }
.frame svg { max-width: 100%; height: auto; }
#table { font-size: .85em; white-space: pre; overflow-x: auto; }
#table .row.current { background: #ffd866; }
"""

_SCRIPT = """
(function () {
  const lines = JSON.parse(document.getElementById("lines").textContent);
  const frames = Array.from(document.querySelectorAll(".frame"));
  const rows = Array.from(document.querySelectorAll("#table .row"));
  const slider = document.getElementById("slider");
  const line = document.getElementById("line");
  const counter = document.getElementById("counter");
  const play = document.getElementById("play");
  let current = 0, timer = null;
  function show(k) {
    current = Math.max(0, Math.min(frames.length - 1, k));
    frames.forEach((f, i) => { f.hidden = i !== current; });
    rows.forEach((r) => { r.classList.toggle("current", Number(r.dataset.step) === current); });
    line.textContent = lines[current];
    counter.textContent = "step " + current + " / " + (frames.length - 1);
    slider.value = String(current);
    document.body.dataset.step = String(current);
  }
  function stop() { if (timer !== null) { clearInterval(timer); timer = null; play.textContent = "Play"; } }
  document.getElementById("prev").addEventListener("click", () => { stop(); show(current - 1); });
  document.getElementById("next").addEventListener("click", () => { stop(); show(current + 1); });
  play.addEventListener("click", () => {
    if (timer !== null) { stop(); return; }
    if (current === frames.length - 1) show(0);
    play.textContent = "Pause";
    timer = setInterval(() => { if (current >= frames.length - 1) stop(); else show(current + 1); }, 1200);
  });
  slider.addEventListener("input", () => { stop(); show(Number(slider.value)); });
  document.addEventListener("keydown", (e) => {
    if (e.key === "ArrowRight") { stop(); show(current + 1); }
    if (e.key === "ArrowLeft") { stop(); show(current - 1); }
  });
  show(0);
})();
"""


def _inline_svg(svg: str, k: int) -> str:
    """An SVG document as an HTML element: no XML prolog, ids made unique to its step."""
    svg = _XML_PROLOG.sub("", svg, count=1)
    return _ID.sub(lambda m: f'id="s{k}-{m.group(1)}"', svg)


def _lines(stepper: Stepper) -> list[str]:
    root = stepper.names[stepper.root]
    seed = (f"step 0/{stepper.total}  seed: d{root}/d{root} = {format_number(stepper.initial[stepper.root])}"
            f" (the backward pass starts at {root})")
    return [seed, *(repr(step) for step in stepper.steps)]


def player(root: Value, path: str | Path, *, title: str | None = None, direction: str = "LR",
           formulas: bool = False, collapse: Collapse | None = None, names: Names | None = None) -> Path:
    """Write the backward player of ``root`` to ``path`` (one HTML file); returns the path.

    >>> import tempfile, pathlib
    >>> from autograd import Value
    >>> y = Value(2.0, "x") * 3
    >>> player(y, pathlib.Path(tempfile.mkdtemp()) / "p.html").suffix
    '.html'
    """
    graphs = draw_steps(root, direction=direction, formulas=formulas, collapse=collapse, names=names)
    stepper = Stepper(root, names, live=False).run()
    lines = _lines(stepper)
    name = stepper.names[root]
    title = title or f"Backward pass of {name}, step by step"
    frames = "\n".join(f'<div class="frame" data-step="{k}"{" hidden" if k else ""}>'
                       f"{_inline_svg(graph.svg(), k)}</div>" for k, graph in enumerate(graphs))
    table_lines = stepper.table(leaves=False).render(width=None).splitlines()
    rows = [f'<span class="head">{html.escape(line)}</span>' for line in table_lines[:2]]
    step_of_row = [e_step.index for e_step in stepper.steps for _ in e_step.edges]
    rows += [f'<span class="row" data-step="{k}">{html.escape(line)}</span>'
             for k, line in zip(step_of_row, table_lines[2:])]
    lines_json = json.dumps(lines).replace("</", "<\\/")  # nothing in it may close the script
    document = f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{html.escape(title)}</title>
<style>{_STYLE}</style>
</head>
<body>
<h1>{html.escape(title)}</h1>
<div id="controls">
<button id="prev" type="button" title="previous step (←)">Prev</button>
<button id="next" type="button" title="next step (→)">Next</button>
<button id="play" type="button">Play</button>
<input id="slider" type="range" min="0" max="{len(graphs) - 1}" value="0" aria-label="step">
<span id="counter">step 0 / {len(graphs) - 1}</span>
</div>
<pre id="line">{html.escape(lines[0])}</pre>
{frames}
<h2>The chain-rule table</h2>
<pre id="table">{chr(10).join(rows)}</pre>
<script type="application/json" id="lines">{lines_json}</script>
<script>{_SCRIPT}</script>
</body>
</html>
"""
    path = Path(path)
    path.write_text(document, encoding="utf-8")
    return path
