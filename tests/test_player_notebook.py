"""The player and a drawn step in a real notebook: executed by a Jupyter kernel, exported to HTML by
nbconvert, opened in headless Chromium (issue 18).

``draw(net.C, step=3)`` opens on the highlighted step (inside the visible box of its output), and
the player's frame is as tall as its page: its table is shown whole, nothing scrolls inside the frame.
Skips, saying why, without nbformat/nbclient/nbconvert, a Python kernel, or a browser.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from browser import headless_chromium

ROOT = Path(__file__).resolve().parent.parent

CELLS = [
    "import autograd, pathlib\n"
    "assert pathlib.Path(autograd.__file__).resolve().parent.parent == pathlib.Path.cwd().resolve(), "
    "autograd.__file__",
    "from autograd import draw, player\nfrom autograd.examples import three_two_one\nnet = three_two_one()",
    "draw(net.C, step=3)",
    "player(net.C)",
]


@pytest.fixture(scope="module")
def notebook_html(tmp_path_factory) -> Path:
    """The notebook above, executed in a Python kernel from this tree and exported to HTML."""
    nbformat = pytest.importorskip("nbformat", reason="nbformat is not installed (pip install nbconvert)")
    nbclient = pytest.importorskip("nbclient", reason="nbclient is not installed (pip install nbclient)")
    nbconvert = pytest.importorskip("nbconvert", reason="nbconvert is not installed (pip install nbconvert)")
    from jupyter_client.kernelspec import KernelSpecManager

    if "python3" not in KernelSpecManager().find_kernel_specs():
        pytest.skip("no Jupyter kernel named python3 (python -m ipykernel install --user)")
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell(source) for source in CELLS]
    client = nbclient.NotebookClient(notebook, kernel_name="python3", timeout=180,
                                     resources={"metadata": {"path": str(ROOT)}})
    client.execute()
    errors = [o for c in notebook.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert not errors, errors
    body, _ = nbconvert.HTMLExporter().from_notebook_node(notebook)
    path = tmp_path_factory.mktemp("notebook") / "notebook.html"
    path.write_text(body, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def page(notebook_html):
    driver = headless_chromium(1366, 768)
    driver.get(notebook_html.as_uri())
    yield driver
    driver.quit()


HIGHLIGHT = """
const part = document.querySelector(".chainrule-part");
const box = part.querySelector(".chainrule-graph");
box.scrollIntoView({block: "center"});
const b = box.getBoundingClientRect();
const visible = {left: Math.max(b.left, 0), top: Math.max(b.top, 0),
                 right: Math.min(b.left + box.clientWidth, innerWidth),
                 bottom: Math.min(b.top + box.clientHeight, innerHeight)};
const marked = Array.from(box.querySelectorAll("svg g.node")).filter((g) =>
  /\\b(active|changed)\\b/.test(g.getAttribute("class"))).map((g) => {
    const r = g.getBoundingClientRect();
    return {title: g.querySelector("title").textContent, left: r.left, top: r.top, right: r.right,
            bottom: r.bottom, texts: Array.from(g.querySelectorAll("text")).map((t) => t.textContent)};
  });
const whole = part.querySelector("details");
return {visible: visible, marked: marked, details: whole !== null && !whole.open,
        wholeSvgs: whole ? whole.querySelectorAll("svg").length : 0};
"""


def test_draw_at_a_step_opens_on_the_highlighted_step(page):
    found = page.execute_script(HIGHLIGHT)
    marked = {m["title"]: m for m in found["marked"]}
    # step 3 of the 3-2-1: a2 = sigmoid(z2) sends dC/da2 back to z2 (as the stepper computes it)
    assert set(marked) == {"a2", "a2 = sigmoid(z2)", "z2"}
    assert "grad 0 → -0.199053" in marked["z2"]["texts"]
    visible = found["visible"]
    for title, m in marked.items():
        assert visible["left"] <= m["left"] and m["right"] <= visible["right"], f"{title}: not in view"
        assert visible["top"] <= m["top"] and m["bottom"] <= visible["bottom"], f"{title}: not in view"
    assert found["details"] and found["wholeSvgs"] == 1, "the whole graph is one click away"
    page.execute_script("document.querySelector('.chainrule-part summary').click()")
    assert page.execute_script("return document.querySelector('.chainrule-part details').open")


FRAME = """
const f = document.querySelector("iframe.chainrule-player");
return {height: f.getBoundingClientRect().height, set: f.style.height};
"""


def test_the_notebook_player_shows_its_whole_table_without_scrolling_inside(page):
    from selenium.webdriver.common.by import By

    from autograd import player, step_through
    from autograd.examples import three_two_one

    edges = sum(len(step.edges) for step in step_through(three_two_one().C, live=False).run().steps)
    estimate = player(three_two_one().C).frame_height  # what the frame has where no script runs
    frame = page.find_element(By.CSS_SELECTOR, "iframe.chainrule-player")
    page.switch_to.frame(frame)
    try:
        for _ in range(100):
            if page.execute_script("return document.body && document.body.dataset.ready") == "1":
                break
            time.sleep(0.05)
        inside = page.execute_script(
            "const t = document.getElementById('table'), r = t.getBoundingClientRect();"
            "return {page: document.documentElement.scrollHeight, inner: innerHeight,"
            " tableBottom: r.bottom, tableScroll: t.scrollHeight - t.clientHeight,"
            " rows: t.querySelectorAll('.row').length,"
            " embedded: document.body.classList.contains('embedded')}")
    finally:
        page.switch_to.default_content()
    for _ in range(100):  # the page posts its height; the listener beside the frame sets it
        shown = page.execute_script(FRAME)["height"]
        if abs(shown - estimate) > 1:
            break
        time.sleep(0.05)
    assert inside["embedded"] and inside["rows"] == edges == 37
    assert inside["tableScroll"] <= 1, "the table does not scroll inside itself"
    assert shown >= inside["page"], "the frame is as tall as its page: nothing scrolls inside it"
    assert inside["tableBottom"] <= inside["inner"] + 1, "the table's last row is inside the frame"
    assert shown <= inside["page"] + 40, "and not much taller"
    assert estimate >= shown, "without a script the estimate errs on the tall side"


def test_a_drawn_step_is_a_cropped_copy_and_the_whole_graph_one_click_away():
    import re

    from autograd import Value, draw
    from autograd.examples import three_two_one

    net = three_two_one()
    shown = draw(net.C, step=3)._repr_html_()
    svgs = re.findall(r"<svg\b[^>]*>", shown)
    assert len(svgs) == 2 and shown.count("<details") == 1 and "<script" not in shown
    part, whole = (tuple(float(v) for v in re.search(r'viewBox="([^"]*)"', s).group(1).split()) for s in svgs)
    assert part[2] < whole[2] / 4, "the part is much narrower than the whole graph"
    ids = re.findall(r'\bid="([^"]*)"', shown)
    assert len(ids) == len(set(ids)), "the two copies keep their ids apart"
    assert shown.index("<details") > shown.index(svgs[0]) and shown.index(svgs[1]) > shown.index("<details")
    # nothing highlighted, or a highlight that is most of the graph: the whole picture as before
    assert "<details" not in draw(net.C)._repr_html_()
    x = Value(2.0, "x")
    assert "<details" not in draw(x * 3, step=1)._repr_html_()


def test_the_style_and_the_script_are_package_data():
    import fnmatch
    import re
    from importlib import resources

    from autograd import Value, player

    page = player(Value(2.0, "x") * 3).html
    folder = resources.files("autograd.views") / "player_assets"
    names = sorted(f.name for f in folder.iterdir() if f.name.endswith((".css", ".js")))
    assert names == ["player.css", "player.js"]
    for name in names:
        assert (folder / name).read_text(encoding="utf-8") in page
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    data = re.search(r'^"autograd.views" = \[(.*)\]$', pyproject, re.MULTILINE).group(1)
    globs = re.findall(r'"([^"]+)"', data)
    assert all(any(fnmatch.fnmatch(f"player_assets/{n}", g) for g in globs) for n in names), globs
