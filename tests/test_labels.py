"""Any label is shown as text, never interpreted: DOT, SVG and HTML get only quoted, escaped text.

Labels reach a picture through Value labels, ``names=``, ``collapse=`` group names and the
formulas on edges; each is tried with hostile and merely unusual text. The expected text
is worked out here from the rule (control characters as ``\\xNN``; labels longer than 40
characters cut to 39 and ``…``), not taken from the drawing code.
"""

from __future__ import annotations

import re
import unicodedata
import warnings
import xml.etree.ElementTree as ET

import pytest
from hypothesis import given
from hypothesis import strategies as st

from autograd import Value, draw

SVG = "{http://www.w3.org/2000/svg}"
XLINK = "{http://www.w3.org/1999/xlink}"
LIMIT = 40
INJECTION = '<x> URL="javascript:alert(document.domain)" target=<_top>'

ORDINARY = [INJECTION, "C:\\temp\\", "\\", "<b>bold</b>", "a<b", "{a|b}", 'say "hi"', "it's",
            "two\nlines", "emoji 😀", "权重", "W1[0][1]", "\\N\\G\\l\\n", "&amp; &lt;", "x" * 5000]

PIECES = ["<", ">", "&", '"', "'", "\\", "{", "}", "|", "\n", "\x00", "]]>", "</script>", "<!--",
          "-->", "javascript:", "权重", "e\u0301", "\u0338", "😀", " ", "a", "x0", "<a href='x'>",
          "URL=", "\\N", "\\l", "%", "\t", "\x7f", "\ud800", "<<b>>", "&#60;"]
labels = st.lists(st.sampled_from(PIECES) | st.text(max_size=3), min_size=1, max_size=12).map("".join) \
    | st.sampled_from(ORDINARY) \
    | st.lists(st.sampled_from(PIECES), min_size=20, max_size=60).map("".join)


def expected_text(label: str, limit: int = LIMIT) -> str:
    """The text a picture shows for ``label``: control characters and lone surrogates as escapes."""
    out = []
    for ch in label.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " "):
        if ch != "\n" and (unicodedata.category(ch) in ("Cc", "Cs") or ch in "\ufffe\uffff"):
            out.append(f"\\x{ord(ch):02x}" if ord(ch) < 256 else f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    text = "".join(out)
    return text if len(text) <= limit else text[:limit - 1] + "…"


def words(text: str) -> str:
    """Whitespace as the picture lays it out: runs of it as one space (Graphviz trims and breaks lines)."""
    return " ".join(text.split())


def render(graph) -> tuple[ET.Element, str]:
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # e.g. graphviz's DotSyntaxWarning for a trailing backslash
        svg = graph.svg()
    return ET.fromstring(svg.encode("utf-8")), svg


def assert_inert(root: ET.Element, svg: str, source: str) -> None:
    """No link, script, event handler or foreign content: nothing a label could have made."""
    for element in root.iter():
        tag = element.tag.rsplit("}", 1)[-1]
        assert tag not in ("a", "script", "foreignObject", "iframe", "use"), tag
        for name, value in element.attrib.items():
            local = name.rsplit("}", 1)[-1]
            assert local not in ("href", "target") and not local.startswith("on"), (name, value)
            assert "javascript:" not in value.lower() or local == "title", (name, value)
    assert "<script" not in svg.lower() and "<a " not in svg
    unquoted = re.sub(r'"(?:[^"\\]|\\.)*"', '""', source, flags=re.DOTALL)
    assert "<" not in unquoted, "an HTML-like DOT string <...> was emitted"


def node_texts(root: ET.Element) -> dict[str, tuple[str, str]]:
    """Each node's id: (its title, its visible text with whitespace collapsed)."""
    result = {}
    for g in root.iter(f"{SVG}g"):
        if g.get("class", "").split()[:1] == ["node"]:
            title = g.find(f"{SVG}title")
            text = " ".join(t.text or "" for t in g.iter(f"{SVG}text"))
            result[g.get("id", "")] = ("" if title is None else title.text or "", words(text))
    return result


def op_text(root: ET.Element) -> str:
    """The text of every op node (where the local derivatives and their formulas are)."""
    return words(" ".join(t.text or "" for g in root.iter(f"{SVG}g")
                          if g.get("class", "").startswith("node op") for t in g.iter(f"{SVG}text")))


def check_graph(leaf_labels: list[str], named: str, group: str, formulas: bool) -> None:
    leaves = [Value(float(i + 1), label) for i, label in enumerate(leaf_labels[:3])]
    inner = leaves[0] * leaves[1]
    inner.label = leaf_labels[3]
    out = (inner + leaves[2]).tanh()
    graph = draw(out, names={out: named}, formulas=formulas)
    root, svg = render(graph)
    assert_inert(root, svg, graph.source)
    shown = node_texts(root)
    for v, label in [*zip(leaves, leaf_labels), (inner, leaf_labels[3]), (out, named)]:
        if not label:
            continue  # unlabelled: an invented name (v1, t1)
        title, text = shown[graph.ids[v]]
        assert words(title) == words(expected_text(label, 10**9))  # the tooltip: the whole label
        if words(label):
            assert text.startswith(words(expected_text(label))), (label, text)
    if formulas and leaf_labels[1]:  # names reach the formulas in the ops, shortened to half the limit
        assert words(expected_text(leaf_labels[1], LIMIT // 2)) in op_text(root)
    # a group's name, in a collapsed picture
    collapsed = draw(out, collapse={group: inner})
    root, svg = render(collapsed)
    assert_inert(root, svg, collapsed.source)
    title, text = shown_group = node_texts(root)[collapsed.ids[inner]]
    assert words(expected_text(group, 10**9)) in words(title), shown_group
    if words(group):
        assert words(expected_text(group)) in text, (group, text)


@given(st.lists(labels, min_size=4, max_size=4), labels, labels, st.booleans())
def test_any_label_is_drawn_as_text_and_nothing_else(leaf_labels, named, group, formulas):
    check_graph(leaf_labels, named, group, formulas)


@pytest.mark.parametrize("label", ORDINARY, ids=range(len(ORDINARY)))
def test_ordinary_labels_that_broke_drawing_now_draw(label):
    check_graph([label, label, "x2", label], label, label, True)


def test_the_injection_label_is_text_in_every_output(tmp_path):
    x = Value(1.0, INJECTION)
    y = x * 2
    y.label = "<b>y</b>"
    graph = draw(y)
    root, svg = render(graph)
    assert_inert(root, svg, graph.source)
    box = next(g for g in root.iter(f"{SVG}g") if g.get("id") == graph.ids[x])
    assert box.find(f"{SVG}title").text == INJECTION  # as text, whole, in the tooltip
    assert next(t.text for t in box.iter(f"{SVG}text")) == INJECTION[:39] + "…"
    assert "&lt;x&gt; URL=" in svg
    html = graph._repr_html_() + y._repr_html_()
    assert "<a " not in html and "<x>" not in html and "<b>y</b>" not in html
    assert "&lt;x&gt; URL=" in html
    png = graph.save(tmp_path / "y.png").read_bytes()
    assert png.startswith(b"\x89PNG")


def test_a_5000_character_label_is_short_in_the_picture_and_whole_in_the_tooltip():
    label = "w" * 4999 + "!"
    x = Value(1.0, label)
    graph = draw(x * 2)
    root, _ = render(graph)
    box = next(g for g in root.iter(f"{SVG}g") if g.get("id") == graph.ids[x])
    assert box.find(f"{SVG}title").text == label
    assert "w" * 39 + "…" in [t.text for t in box.iter(f"{SVG}text")]
    assert max(len(t.text or "") for t in root.iter(f"{SVG}text")) <= 40  # whole only in tooltips
