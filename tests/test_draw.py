"""Drawing graphs: the SVG parses, holds every node and edge, and shows names, data, grads, derivatives."""

from __future__ import annotations

import math
import os
import random
import re
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from browser import headless_chromium

from autograd import GraphTooLargeError, Value, draw, topological_order
from autograd.examples import three_two_one
from autograd.views import render as render_module
from autograd.views.render import RendererNotFoundError, find_renderer, render_svg

pytestmark = pytest.mark.native("a Graphviz program")

SVG = "{http://www.w3.org/2000/svg}"


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg.encode("utf-8"))


def groups(root: ET.Element, kind: str) -> list[ET.Element]:
    return [g for g in root.iter(f"{SVG}g") if g.get("class", "").split()[:1] == [kind]]


def texts(element: ET.Element) -> list[str]:
    return [t.text or "" for t in element.iter(f"{SVG}text")]


def title(element: ET.Element) -> str:
    return element.find(f"{SVG}title").text  # type: ignore[union-attr]


def node_id(element: ET.Element) -> str:
    return element.get("id", "")


def port_text(graph, source: str, head: str) -> str:
    """The text in the port of node ``head`` where the edge from box ``source`` ends (read from the
    DOT source: each local derivative sits in its own port, where its edge arrives)."""
    port = re.search(rf"\b{source} -> {head}:i(\d+)", graph.source)
    assert port, f"no edge {source} -> {head}:iK"
    label = re.search(rf'\b{head} \[label="(.*?)" ', graph.source)
    fields = dict(re.findall(r"<i(\d+)> ((?:[^|}\\]|\\.)*)", label.group(1)))
    return " ".join(fields[port.group(1)].replace("\\n", " ").split())


def op_of(graph, v: Value) -> str:
    """The id of the op node that makes ``v``."""
    return "op" + graph.ids[v].removeprefix("v")


def node_text(svg: ET.Element, node: str) -> str:
    return " ".join(t for g in groups(svg, "node") if node_id(g) == node for t in texts(g))


@pytest.fixture
def net():
    net = three_two_one()
    net.C.backward()
    return net


def test_svg_parses_and_counts_match_the_graph(net):
    graph = draw(net.C)
    svg = parse(graph.svg())
    order = topological_order(net.C)
    inner = [v for v in order if not v.is_leaf]
    with_constants = [v for v in inner if v.const is not None]
    assert len(groups(svg, "node")) == graph.node_count == len(order) + len(inner) + len(with_constants)
    edges = sum(len(v.edges) for v in inner) + len(inner) + len(with_constants)
    assert len(groups(svg, "edge")) == graph.edge_count == edges


def test_labels_data_grads_and_local_derivatives_appear(net):
    svg = parse(draw(net.C).svg())
    shown = texts(svg)
    for label in ("C", "a2", "z2", "W1[0][1]", "b2", "x0", "a1[1]", "err"):
        assert label in shown
    assert "data 0.588899" in shown and "data 0.169004" in shown  # a2 and C
    for grad in ("grad -0.0613582", "grad -0.114344", "grad -0.199053", "grad 0.00633355"):
        assert grad in shown
    # each local derivative sits in its op's port where the edge from that parent ends
    graph = draw(net.C)
    svg = parse(graph.svg())
    w2a1 = net.z2.parents[0].parents[0]  # W2[0]·a1[0]
    for parent, child, local in [(net.z2, net.a2, "0.242097"),   # sigma'(z2)
                                 (net.W2[0], w2a1, "0.28905"),   # d(W2[0]·a1[0])/dW2[0] = a1[0]
                                 (net.a1[0], w2a1, "0.5"),       # ... /da1[0] = W2[0]
                                 (net.C.parents[0], net.C, "-0.822203")]:  # d(err²)/derr = 2·err
        assert port_text(graph, graph.ids[parent], op_of(graph, child)) == local
        assert local in texts(svg)
    assert not [t for g in groups(svg, "edge") for t in texts(g)]  # no floating edge labels


def test_every_value_of_the_321_example_shows_its_gradient(net):
    graph = draw(net.C)
    svg = parse(graph.svg())
    by_id = {g.get("id"): " ".join(texts(g)) for g in groups(svg, "node")}
    for v, node_id in graph.ids.items():
        assert f"grad {v.grad:.6g}" in by_id[node_id]


def test_options_formulas_grads_constants_direction(net):
    plain = draw(net.C)
    assert "rankdir=LR" in plain.source and "Courier" in plain.source
    graph = draw(net.C, formulas=True)
    formulas = parse(graph.svg())
    # each edge's derivative in the graph's own names, as the stepper writes it
    w2a1 = net.z2.parents[0].parents[0]  # W2[0]·a1[0]
    assert port_text(graph, graph.ids[net.z2], op_of(graph, net.a2)) == "da2/dz2 = sigma'(z2) = 0.242097"
    assert port_text(graph, graph.ids[net.a2], op_of(graph, net.C.parents[0])) == "derr/da2 = 1 = 1"
    assert re.fullmatch(r"dt\d+/da1\[0\] = W2\[0\] = 0\.5",
                        port_text(graph, graph.ids[net.a1[0]], op_of(graph, w2a1)))
    assert re.fullmatch(r"dt\d+/dW2\[0\] = a1\[0\] = 0\.28905",
                        port_text(graph, graph.ids[net.W2[0]], op_of(graph, w2a1)))
    op_text = " ".join(node_text(formulas, g.get("id")) for g in groups(formulas, "node")
                       if g.get("class", "").startswith("node op"))
    assert "da2/dz2 = sigma'(z2)" in op_text and "= 0.242097" in op_text
    # no generic operand names that clash with the network's own x0, w0
    assert not re.search(r"d\(a·b\)|dσ\(a\)|\bw0\b", op_text)
    no_grads = draw(net.C, grads=False, constants=False, direction="TB")
    assert "rankdir=TB" in no_grads.source and "grad " not in no_grads.source
    assert "c = 2" not in no_grads.source and "a ** 2" in no_grads.source
    assert no_grads.node_count == plain.node_count - 2  # the constants 1 and 2 are gone
    with pytest.raises(ValueError, match="'LR'"):
        draw(net.C, direction="sideways")
    with pytest.raises(TypeError, match="must be a Value"):
        draw(3.0)  # type: ignore[arg-type]


def test_highlight_nodes_and_edges(net):
    graph = draw(net.C, highlight=[net.a2, (net.z2, net.a2)])
    svg = parse(graph.svg())
    marked = [g for g in groups(svg, "node") if "highlight" in g.get("class", "")]
    assert [node_id(g) for g in marked] == [graph.ids[net.a2]]
    assert len([g for g in groups(svg, "edge") if "highlight" in g.get("class", "")]) == 1


def test_step_k_highlights_the_active_node_and_changed_grads_without_touching_values(net):
    before = {v: v.grad for v in topological_order(net.C)}
    graph = draw(net.C, step=3)
    assert all(v.grad == before[v] for v in before)
    assert graph.step is not None and graph.step.name == "a2"
    svg = parse(graph.svg())
    active = [g for g in groups(svg, "node") if "active" in g.get("class", "").split()]
    assert {node_id(g) for g in active if "value" in g.get("class", "")} == {graph.ids[net.a2]}
    changed = [g for g in groups(svg, "node") if "changed" in g.get("class", "").split()]
    assert [node_id(g) for g in changed] == [graph.ids[net.z2]]
    assert "grad 0 → -0.199053" in texts(changed[0])
    hot = [g for g in groups(svg, "edge") if "active" in g.get("class", "").split()]
    assert len(hot) == 1 and "× -0.822203 = -0.199053" in node_text(svg, op_of(graph, net.a2))
    assert port_text(graph, graph.ids[net.z2], op_of(graph, net.a2)) == "0.242097 × -0.822203 = -0.199053"
    # not yet reached at step 3: the hidden layer's grads are still 0 in the picture
    hidden = next(g for g in groups(svg, "node") if node_id(g) == graph.ids[net.a1[0]])
    assert "grad 0" in texts(hidden)
    assert draw(net.C, step=0).step is None
    with pytest.raises(ValueError, match="21 steps"):
        draw(net.C, step=22)


def test_names_from_a_mapping_or_pairs(net):
    by_value = draw(net.C, names={net.b2: "output.bias"})
    by_pairs = draw(net.C, names=[("output.bias", net.b2)])
    assert "output.bias" in by_value.source and by_value.source == by_pairs.source


def test_collapse_draws_each_neuron_as_one_box(net):
    neurons = {"hidden 0": net.a1[0], "hidden 1": net.a1[1], "output": net.a2}
    graph = draw(net.C, collapse=neurons)
    svg = parse(graph.svg())
    boxes = [g for g in groups(svg, "node") if "group" in g.get("class", "")]
    # each box names itself and the Value whose data and grad it shows
    assert sorted(t for b in boxes for t in texts(b) if ":" in t) == \
        ["hidden 0: a1[0]", "hidden 1: a1[1]", "output: a2"]
    # left: the 3 inputs, 3 boxes, err and C with their 2 ops and 2 constants
    assert graph.node_count == 3 + 3 + 2 + 2 + 2
    output = next(" ".join(texts(b)) for b in boxes if "output: a2" in texts(b))
    assert "data 0.588899" in output and "grad -0.822203" in output
    assert len(groups(svg, "node")) == graph.node_count
    assert len(groups(svg, "edge")) == graph.edge_count
    # the arrow into a box ends at the box's derivative: d(a1[1])/dx1 = sigma'(z1[1]) × W1[1][1]
    z11 = -0.3 * 2 + 0.4 * 3 + 0.2 * -1 + -0.1
    s11 = 1 / (1 + math.exp(-z11))
    x1 = graph.ids[net.x[1]]
    into_hidden_1 = port_text(graph, x1, graph.ids[net.a1[1]])
    assert into_hidden_1 == f"{s11 * (1 - s11) * 0.4:.6g}" == "0.0977833"
    assert "0.0977833" in node_text(svg, graph.ids[net.a1[1]])
    z10 = 0.2 * 2 - 0.5 * 3 + 0.1 * -1 + 0.3
    s10 = 1 / (1 + math.exp(-z10))
    assert port_text(graph, x1, graph.ids[net.a1[0]]) == f"{s10 * (1 - s10) * -0.5:.6g}"
    # with formulas: the chain rule inside the box, in the network's own names
    formulas = draw(net.C, collapse=neurons, formulas=True)
    assert port_text(formulas, x1, graph.ids[net.a1[1]]) == \
        "da1[1]/dx1 = sigma'(z1[1]) × W1[1][1] = 0.244458 × 0.4 = 0.0977833"
    # inputs top to bottom in their natural order, hidden 0 above hidden 1
    top = {node_id(g): min(float(t.get("y")) for t in g.iter(f"{SVG}text")) for g in groups(svg, "node")}
    xs = [top[graph.ids[x]] for x in net.x]
    assert xs == sorted(xs), xs
    assert top[graph.ids[net.a1[0]]] < top[graph.ids[net.a1[1]]]
    # a box with two outputs has no one derivative: its arrows carry no number
    two = draw(net.C, collapse=[("two", [net.a1[0], net.a1[1], *net.z1])])
    assert re.search(r'\bg0 \[label="\{ \{(<i\d> *\|? *){4}\} \| two \}"', two.source), two.source
    # an explicit member list works too, and bad specs are named
    explicit = draw(net.C, collapse=[("loss", [net.C, net.C.parents[0]])])
    assert explicit.node_count < draw(net.C).node_count
    with pytest.raises(TypeError, match="collapse"):
        draw(net.C, collapse=[("bad", 3)])  # type: ignore[list-item]


def test_a_100000_deep_chain_is_refused_cleanly():
    x = Value(1.0, "x")
    y = x
    for _ in range(100_000):
        y = y + 1.0
    start = time.perf_counter()
    with pytest.raises(GraphTooLargeError, match="too large to draw: 100001 values"):
        draw(y)
    assert time.perf_counter() - start < 5.0


def test_a_3000_value_graph_renders_in_seconds():
    rng = random.Random(0)
    layer = [Value(rng.uniform(-1, 1)) for _ in range(20)]
    out = None
    while out is None or len(topological_order(out)) < 3000:
        layer = [sum((Value(rng.uniform(-1, 1)) * x for x in layer), Value(0.0)).tanh() for _ in range(10)]
        out = sum(layer, Value(0.0))
    out.backward()
    start = time.perf_counter()
    svg = draw(out).svg()
    elapsed = time.perf_counter() - start
    assert svg.count('class="node ') > 3000
    assert elapsed < 30.0, f"took {elapsed:.1f} s"


def test_save_writes_svg_png_or_dot_source_by_suffix(net, tmp_path):
    graph = draw(net.C)
    assert parse(graph.save(tmp_path / "g.svg").read_text(encoding="utf-8")).tag == f"{SVG}svg"
    assert graph.save(tmp_path / "g.dot").read_text(encoding="utf-8") == graph.source
    png = graph.save(tmp_path / "g.png").read_bytes()
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and b"<svg" not in png
    assert graph.save(tmp_path / "G.JPG").read_bytes().startswith(b"\xff\xd8")


def test_graph_repr_is_one_short_line(net):
    text = repr(draw(net.C, step=3))
    assert "\n" not in text and len(text) < 80
    assert text == "<Graph: 58 nodes, 60 edges, LR, step 3/21>"


# --- notebooks ----------------------------------------------------------------------------------

def test_a_graph_in_a_notebook_scrolls_at_a_readable_size_in_its_column(net):
    graph = draw(net.C)
    page = graph._repr_html_()
    assert page.startswith('<div class="chainrule-graph" style="overflow:auto;max-width:100%">')
    assert "<?xml" not in page and "<!DOCTYPE" not in page
    svg = parse(page[page.index("<svg"):page.rindex("</svg>") + 6])
    width = float(svg.get("width").removesuffix("px"))
    style = dict(part.split(":") for part in svg.get("style").split(";"))
    assert style["width"] == "100%" and float(style["max-width"].removesuffix("px")) == width
    # shrunk to fit the column only while the smallest text (10 pt = 13.3 px) stays >= 9 px
    smallest = min(float(t.get("font-size")) for t in svg.iter(f"{SVG}text")) * 4 / 3
    assert smallest * float(style["min-width"].removesuffix("px")) / width >= 9
    # ids are made unique per picture, so that two pictures in one notebook do not clash
    ids = set(re.findall(r'\bid="([^"]*)"', page))
    assert ids and all(i.startswith("cr") for i in ids)
    assert not ids & set(re.findall(r'\bid="([^"]*)"', draw(net.C)._repr_html_()))


def test_a_small_value_displays_with_its_picture_top_to_bottom():
    x = Value(2.0, "x")
    y = x * x + 3 * x
    y.label = "y"
    page = y._repr_html_()
    assert page.count("<svg") == 1 and "Value(data=10" in page
    assert "rankdir" not in page  # the DOT source is not shown
    assert "</pre>" in page and page.index("</pre>") < page.index("<svg")


def test_a_large_value_displays_as_text_quickly_and_never_raises(monkeypatch, tmp_path):
    net = three_two_one()
    page = net.a2._repr_html_()  # 33 values, 52 drawn nodes: text only, with a hint
    assert "<svg" not in page and "draw(value) draws it" in page
    y = Value(1.0, "x")
    for _ in range(7000):
        y = y * 1.0001
    start = time.perf_counter()
    page = y._repr_html_()
    assert time.perf_counter() - start < 0.5
    assert "<svg" not in page and "Traceback" not in page and len(page) < 1000
    # no renderer at all: the repr and one line saying why
    monkeypatch.setattr(render_module, "_beside_python", lambda: [tmp_path / "nothing-here"])
    monkeypatch.setenv("PATH", str(tmp_path))
    page = (Value(1.0, "x") * 2)._repr_html_()
    assert "Value(data=2" in page and "no picture: RendererNotFoundError" in page
    assert "Traceback" not in page and page.count("\n") < 3
    page = draw(Value(1.0, "x"))._repr_html_()
    assert "&lt;Graph: 1 node, 0 edges, LR&gt;" in page and "no picture: RendererNotFoundError" in page


# --- finding a renderer -------------------------------------------------------------------------

def fake_program(folder: Path, name: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text("#!/bin/sh\nexit 0\n")
    path.chmod(0o755)
    return path


def test_graphviz_pure_renders_with_no_dot_on_path(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))  # nothing at all on PATH
    program = find_renderer()
    assert program.name.startswith("graphviz-pure")
    assert program.parent == Path(sys.executable).parent or "graphviz-pure" in str(program)
    svg = parse(render_svg("digraph { a -> b }"))
    assert len(groups(svg, "node")) == 2


@pytest.mark.skipif(os.name == "nt", reason="fake programs are shell scripts")
def test_lookup_order_beside_python_then_path(monkeypatch, tmp_path):
    beside = tmp_path / "venv-bin"
    on_path = tmp_path / "path"
    monkeypatch.setattr(render_module, "_beside_python", lambda: [beside])
    monkeypatch.setenv("PATH", str(on_path))
    dot = fake_program(on_path, "dot")
    assert find_renderer() == dot
    pure_on_path = fake_program(on_path, "graphviz-pure")
    assert find_renderer() == pure_on_path
    pure_beside = fake_program(beside, "graphviz-pure")
    assert find_renderer() == pure_beside


def test_with_neither_renderer_the_error_says_what_to_install(monkeypatch, tmp_path):
    monkeypatch.setattr(render_module, "_beside_python", lambda: [tmp_path / "nothing-here"])
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(RendererNotFoundError) as caught:
        draw(Value(1.0, "x")).svg()
    message = str(caught.value)
    assert "no Graphviz renderer found" in message
    assert "pip install graphviz-pure" in message and "'dot'" in message
    assert "apt-get install graphviz" in message


def test_render_errors_carry_the_renderers_message():
    with pytest.raises(render_module.RenderError, match="failed to render"):
        render_svg("digraph { this is not dot")


def test_command_line_writes_the_321_graph(tmp_path):
    out = tmp_path / "321.svg"
    html = tmp_path / "321.html"
    done = subprocess.run([sys.executable, "-m", "autograd.cli", "-o", str(out), "--player", str(html),
                           "--table"], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert "warning" not in done.stderr.lower()
    assert "dC/dz2 += sigma'(z2) × dC/da2" in done.stdout
    shown = texts(parse(out.read_text(encoding="utf-8")))
    assert sum(1 for t in shown if t.startswith("grad ")) == 35 and "grad -0.0409054" in shown
    assert html.stat().st_size > 0
    bad = subprocess.run([sys.executable, "-m", "autograd.cli", "-o", str(out), "--step", "99"],
                         capture_output=True, text=True, check=False)
    assert bad.returncode == 1 and "21 steps" in bad.stderr


def _browser():
    """A headless Chromium driven by selenium, or a skip saying what is missing."""
    return headless_chromium(1280, 800)


_MEASURE = """
return Array.from(document.querySelectorAll('.chainrule-graph')).map(function (box) {
  var svg = box.querySelector('svg');
  var scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
  var sizes = Array.from(svg.querySelectorAll('text')).map(function (t) {
    return parseFloat(t.getAttribute('font-size')) * scale; });
  return {box: box.getBoundingClientRect().width, scrolls: box.scrollWidth > box.clientWidth,
          svg: svg.getBoundingClientRect().width, smallest: Math.min.apply(null, sizes),
          ratio: svg.getBoundingClientRect().height / svg.getBoundingClientRect().width,
          aspect: svg.viewBox.baseVal.height / svg.viewBox.baseVal.width};
});
"""


def test_in_a_980px_column_pictures_fit_or_scroll_with_text_at_least_9px(net, tmp_path):
    x = Value(2.0, "x")
    y = x * x
    y.label = "y"
    neurons = {"hidden 0": net.a1[0], "hidden 1": net.a1[1], "output": net.a2}
    parts = [draw(y)._repr_html_(), draw(net.C)._repr_html_(),
             draw(net.C, collapse=neurons, direction="TB")._repr_html_(), y._repr_html_()]
    page = tmp_path / "column.html"
    page.write_text('<!DOCTYPE html><html><head><meta charset="utf-8"></head><body>'
                    '<div style="width:980px">' + "".join(parts) + "</div></body></html>", encoding="utf-8")
    driver = _browser()
    try:
        driver.get(page.as_uri())
        small, wide, collapsed, value = driver.execute_script(_MEASURE)
    finally:
        driver.quit()
    for shown in (small, wide, collapsed, value):
        assert shown["box"] <= 980 and shown["smallest"] >= 9, shown
        assert shown["ratio"] == pytest.approx(shown["aspect"], rel=0.02)  # not stretched
    assert not small["scrolls"] and small["smallest"] == pytest.approx(10 * 4 / 3)  # natural size
    assert wide["scrolls"] and wide["svg"] > 980  # the whole 3-2-1 graph: scroll, text readable
