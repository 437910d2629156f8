"""The backward player in a real headless Chromium at 1280×800: readable, zoomable, stable, safe.

Skips cleanly, saying what is missing, when selenium, chromium or chromedriver is absent
(.ci/install-browser installs them).
"""

from __future__ import annotations

import re
import runpy
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from browser import headless_chromium

from autograd import Value, player, step_through
from autograd.examples import three_two_one
from nn import bumpy_regression, half_squared_error, iris_book_split
from nn.book.iris import iris_221_network

pytestmark = pytest.mark.native("a Graphviz program and a browser")

DEMOS = Path(__file__).resolve().parent.parent / "demos"
MIN_TEXT_PX = 11


@pytest.fixture(scope="module")
def browser():
    """A headless Chromium driven by selenium in a 1280×800 window, or a skip saying what is missing."""
    driver = headless_chromium(1280, 800)
    yield driver
    driver.quit()


def by():
    from selenium.webdriver.common.by import By

    return By


def open_page(browser, path: Path) -> None:
    """Load a player page and wait until its script has set it up."""
    browser.get(path.as_uri())
    for _ in range(100):
        if browser.execute_script("return document.body && document.body.dataset.ready") == "1":
            return
        time.sleep(0.05)
    raise AssertionError(f"the player's script did not run: {browser.get_log('browser')}")


def go_to(browser, k: int) -> None:
    """Move the slider to step ``k`` as a user dragging it would."""
    browser.execute_script("const s = document.getElementById('slider'); s.value = String(arguments[0]);"
                           "s.dispatchEvent(new Event('input'));", k)


def step_shown(browser) -> int:
    return int(browser.execute_script("return document.body.dataset.step"))


def zoom_of(browser) -> float:
    return float(browser.execute_script("return document.body.dataset.zoom"))


HIGHLIGHTED = """
const g = document.querySelector("g.node.active:not(.op)") || document.querySelector("g.node.changed");
const view = document.getElementById("view"), v = view.getBoundingClientRect();
const inner = {left: v.left + view.clientLeft, top: v.top + view.clientTop,
               right: v.left + view.clientLeft + view.clientWidth,
               bottom: v.top + view.clientTop + view.clientHeight};
const bar = document.getElementById("bar").getBoundingClientRect().bottom;
return {id: g.id, view: inner, bar: bar, width: window.innerWidth, height: window.innerHeight,
        texts: Array.from(g.querySelectorAll("text")).map((t) => {
          const r = t.getBoundingClientRect();
          return {text: t.textContent, left: r.left, top: r.top, right: r.right, bottom: r.bottom,
                  height: r.height,
                  px: parseFloat(t.getAttribute("font-size")) * t.getScreenCTM().a};
        })};
"""
SMALLEST_FONT = """
return Math.min(...Array.from(document.querySelectorAll("#stage svg text"))
  .filter((t) => getComputedStyle(t).visibility !== "hidden")
  .map((t) => parseFloat(t.getAttribute("font-size")) * t.getScreenCTM().a));
"""


def assert_readable_and_in_view(browser, k: int) -> dict:
    """The highlighted node's text at step ``k``: at least 11 px high, inside the view and the window."""
    found = browser.execute_script(HIGHLIGHTED)
    view = found["view"]
    assert found["texts"], f"step {k}: the highlighted box has no text"
    for t in found["texts"]:
        where = f"step {k}, {found['id']} {t['text']!r}"
        assert t["height"] >= MIN_TEXT_PX and t["px"] >= MIN_TEXT_PX, where
        assert view["left"] <= t["left"] and t["right"] <= view["right"], f"{where}: outside the view"
        assert view["top"] <= t["top"] and t["bottom"] <= view["bottom"], f"{where}: outside the view"
        assert 0 <= t["left"] and t["right"] <= found["width"], f"{where}: outside the window"
        assert found["bar"] <= t["top"] and t["bottom"] <= found["height"], f"{where}: not in the window"
    return found


def iris_loss() -> tuple[Value, list]:
    iris = iris_221_network(seed=0, fused=False)
    split = iris_book_split()
    loss = half_squared_error(iris(split.train_x[0])[0], split.train_y[0])
    loss.label = "loss"
    return loss, iris.named_parameters()


def leaky_loss() -> tuple[Value, list]:
    net = runpy.run_path(str(DEMOS / "leaky_relu_regression.py"), run_name="demo")["network"]()
    x, y = bumpy_regression(40, seed=0)
    loss = half_squared_error(net(x[0])[0], y[0])
    loss.label = "loss"
    return loss, net.named_parameters()


GRAPHS = {
    "321": lambda: (three_two_one().C, None, "LR"),
    "321 TB": lambda: (three_two_one().C, None, "TB"),
    "iris 2-2-1": lambda: (*iris_loss(), "LR"),
    "leaky ReLU": lambda: (*leaky_loss(), "LR"),
}


@pytest.fixture(scope="module")
def page_321(tmp_path_factory):
    return player(three_two_one().C, tmp_path_factory.mktemp("player") / "321.html")


@pytest.mark.parametrize("graph", list(GRAPHS))
def test_the_highlighted_node_is_readable_and_in_view_at_first_middle_and_last_step(browser, tmp_path,
                                                                                    graph):
    root, names, direction = GRAPHS[graph]()
    path = player(root, tmp_path / "p.html", names=names, direction=direction)
    total = step_through(root, names=names, live=False).total
    open_page(browser, path)
    assert browser.execute_script("return [window.innerWidth, window.innerHeight]")[0] <= 1280
    assert browser.execute_script(SMALLEST_FONT) >= MIN_TEXT_PX, "every label readable at the default"
    for k in (1, total // 2, total):
        go_to(browser, k)
        assert step_shown(browser) == k
        assert_readable_and_in_view(browser, k)


def test_a_node_stays_where_it_is_from_step_to_step(browser, page_321):
    open_page(browser, page_321)
    where = """
      const svg = document.querySelector("#stage svg"), s = svg.getBoundingClientRect();
      return Array.from(svg.querySelectorAll("g.node")).map((g) => {
        const r = g.getBoundingClientRect(), b = g.getBBox();
        return [g.id, Math.round((r.left - s.left) * 100), Math.round((r.top - s.top) * 100),
                b.x, b.y, b.width, b.height];
      });"""
    seen = []
    for k in (0, 3, 12, 21):
        go_to(browser, k)
        seen.append(browser.execute_script(where))
    assert len(seen[0]) == 35 + 21 + 2  # values, ops, constants
    assert all(frame == seen[0] for frame in seen), "every box in the same place in every step"


OVERFLOWING = """
const slider = document.getElementById("slider"), out = [];
for (let k = 0; k <= Number(slider.max); k++) {
  slider.value = String(k);
  slider.dispatchEvent(new Event("input"));
  document.querySelectorAll("#stage svg text.grad").forEach((t) => {
    const g = t.closest("g.node"), seps = g.querySelectorAll("polyline");
    const shape = g.querySelector("polygon, path").getBBox(), text = t.getBBox();
    const left = seps.length ? seps[seps.length - 1].getBBox().x : shape.x;
    if (text.x < left || text.x + text.width > shape.x + shape.width) {
      out.push([k, g.id, t.textContent]);
    }
  });
}
return out;
"""


@pytest.mark.parametrize("options", [{}, {"direction": "TB", "formulas": True},
                                     {"collapse": "hidden layer"}], ids=["LR", "TB formulas", "collapse"])
def test_no_grad_text_overflows_its_box_at_any_step(browser, tmp_path, options):
    net = three_two_one()
    if options.get("collapse"):
        options = {"collapse": {"hidden 0": net.a1[0], "hidden 1": net.a1[1], "output": net.a2}}
    open_page(browser, player(net.C, tmp_path / "p.html", **options))
    assert browser.execute_script(OVERFLOWING) == []


def test_zoom_buttons_keys_and_ctrl_wheel_change_the_text_size(browser, page_321):
    By = by()
    from selenium.webdriver.common.action_chains import ActionChains

    open_page(browser, page_321)
    go_to(browser, 3)

    def text_height() -> float:
        return browser.execute_script(HIGHLIGHTED)["texts"][0]["height"]

    start, height = zoom_of(browser), text_height()
    assert start == pytest.approx(0.85)
    browser.find_element(By.ID, "zoom-in").click()
    assert zoom_of(browser) == pytest.approx(start * 1.25)
    assert text_height() == pytest.approx(height * 1.25, rel=0.08)
    browser.find_element(By.ID, "zoom-out").click()
    browser.find_element(By.ID, "zoom-out").click()
    assert text_height() == pytest.approx(height / 1.25, rel=0.08)
    browser.find_element(By.ID, "actual").click()
    assert zoom_of(browser) == 1 and browser.find_element(By.ID, "zoom-level").text == "100%"
    browser.find_element(By.ID, "fit").click()
    fits = browser.execute_script("const v = document.getElementById('view'),"
                                  "s = document.querySelector('#stage svg').getBoundingClientRect();"
                                  "return [s.width <= v.clientWidth, s.height <= v.clientHeight]")
    assert fits == [True, True] and zoom_of(browser) < 0.85
    view = browser.find_element(By.ID, "view")
    ActionChains(browser).click(view).send_keys("0").perform()
    assert zoom_of(browser) == 1
    ActionChains(browser).send_keys("+").perform()
    assert zoom_of(browser) == pytest.approx(1.25)
    ActionChains(browser).send_keys("-").send_keys("-").perform()
    assert zoom_of(browser) == pytest.approx(0.8)
    ActionChains(browser).send_keys("f").perform()
    assert zoom_of(browser) < 0.5
    wheel = ("document.getElementById('view').dispatchEvent(new WheelEvent('wheel', {deltaY: arguments[0],"
             " ctrlKey: arguments[1], clientX: 600, clientY: 400, bubbles: true, cancelable: true}));")
    before = zoom_of(browser)
    browser.execute_script(wheel, -200, True)
    assert zoom_of(browser) > before * 1.2, "Ctrl+wheel (and a pinch) zooms in"
    before = zoom_of(browser)
    browser.execute_script(wheel, 200, False)
    assert zoom_of(browser) == before, "a plain wheel scrolls, it does not zoom"


def test_dragging_pans_the_graph(browser, page_321):
    By = by()
    from selenium.webdriver.common.action_chains import ActionChains

    open_page(browser, page_321)
    view = browser.find_element(By.ID, "view")
    left = browser.execute_script("return document.getElementById('view').scrollLeft")
    assert left > 300, "step 0 shows C, at the right end of the graph"
    ActionChains(browser).move_to_element(view).click_and_hold().move_by_offset(250, 0).release().perform()
    after = browser.execute_script("return document.getElementById('view').scrollLeft")
    assert after == pytest.approx(left - 250, abs=3)


def test_the_keyboard_and_the_buttons_step(browser, page_321):
    By = by()
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys

    stepper = step_through(three_two_one().C, live=False).run()
    open_page(browser, page_321)
    line = browser.find_element(By.ID, "line")
    counter = browser.find_element(By.ID, "counter")
    assert counter.text == "step 0 / 21" and line.text.startswith("step 0/21  seed")
    browser.find_element(By.ID, "next").click()
    assert line.text == repr(stepper.steps[0]) and counter.text == "step 1 / 21"
    for _ in range(2):
        browser.find_element(By.ID, "next").click()
    assert line.text == repr(stepper.steps[2])  # a2 = sigmoid(z2)
    active = browser.find_element(By.CSS_SELECTOR, "g.node.value.active").text
    assert "a2" in active and "data 0.588899" in active
    changed = browser.find_element(By.CSS_SELECTOR, "g.node.value.changed").text
    assert "z2" in changed and "grad 0 → -0.199053" in changed
    assert len(browser.find_elements(By.CSS_SELECTOR, "g.edge.active")) == 1
    rows = browser.find_elements(By.CSS_SELECTOR, "#table .row.current")
    assert len(rows) == 1 and "sigma'(z2)" in rows[0].text
    browser.find_element(By.ID, "prev").click()
    assert line.text == repr(stepper.steps[1]) and step_shown(browser) == 2
    assert browser.find_element(By.ID, "slider").get_attribute("value") == "2"
    view = browser.find_element(By.ID, "view")
    ActionChains(browser).click(view).send_keys(Keys.END).perform()
    assert step_shown(browser) == 21 and line.text == repr(stepper.steps[20])
    ActionChains(browser).send_keys(Keys.ARROW_LEFT).send_keys(Keys.ARROW_LEFT).perform()
    assert step_shown(browser) == 19
    ActionChains(browser).send_keys(Keys.HOME).send_keys(Keys.ARROW_RIGHT).perform()
    assert step_shown(browser) == 1
    row = browser.find_elements(By.CSS_SELECTOR, "#table .row")[4]  # the table's fifth row: step 4
    browser.execute_script("arguments[0].scrollIntoView()", row)
    row.click()
    assert step_shown(browser) == 4 and "current" in row.get_attribute("class")
    assert_readable_and_in_view(browser, 4)
    browser.find_element(By.ID, "play").click()
    time.sleep(1.5)
    browser.find_element(By.ID, "play").click()  # pause
    playing_stopped_at = step_shown(browser)
    assert playing_stopped_at >= 2
    time.sleep(1.4)
    assert step_shown(browser) == playing_stopped_at


def test_the_controls_stay_in_sight_and_a_step_brings_the_graph_back(browser, page_321):
    By = by()
    open_page(browser, page_321)
    browser.execute_script("window.scrollTo(0, document.body.scrollHeight)")
    assert browser.execute_script("return window.scrollY") > 100, "the page scrolls to the table"
    top = browser.execute_script("return document.getElementById('bar').getBoundingClientRect().top")
    assert top == pytest.approx(0, abs=1), "the controls are sticky"
    hit = browser.execute_script("const r = document.getElementById('next').getBoundingClientRect();"
                                 "return document.elementFromPoint(r.left + r.width / 2,"
                                 " r.top + r.height / 2).id")
    assert hit == "next"
    browser.find_element(By.ID, "next").click()
    assert_readable_and_in_view(browser, 1)


def notebook_page(tmp_path: Path) -> Path:
    """A page standing for a notebook with two player outputs, one after the other."""
    first = player(three_two_one().C)
    x = Value(0.5, "x")
    y = (x * 3).tanh()
    y.label = "y"
    second = player(y)
    page = tmp_path / "notebook.html"
    page.write_text(f"<!DOCTYPE html><html><head><meta charset='utf-8'></head><body><p>cell 1</p>"
                    f"{first._repr_html_()}<p>cell 2</p>{second._repr_html_()}</body></html>",
                    encoding="utf-8")
    return page


def test_two_notebook_players_on_one_page_keep_their_keys_and_ids(browser, tmp_path):
    By = by()
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys

    browser.get(notebook_page(tmp_path).as_uri())
    time.sleep(0.3)
    assert browser.execute_script("return document.getElementById('next')") is None, "ids stay inside"
    frames = browser.find_elements(By.TAG_NAME, "iframe")
    assert len(frames) == 2

    def inside(index: int):
        browser.switch_to.default_content()
        browser.switch_to.frame(browser.find_elements(By.TAG_NAME, "iframe")[index])
        for _ in range(100):
            if browser.execute_script("return document.body && document.body.dataset.ready") == "1":
                return
            time.sleep(0.05)
        raise AssertionError("the notebook player's script did not run")

    try:
        inside(0)
        assert browser.find_element(By.ID, "counter").text == "step 0 / 21"
        browser.find_element(By.ID, "next").click()
        ActionChains(browser).click(browser.find_element(By.ID, "view")).send_keys(Keys.ARROW_RIGHT) \
            .send_keys("+").perform()
        assert step_shown(browser) == 2 and zoom_of(browser) == pytest.approx(0.85 * 1.25)
        assert_readable_and_in_view(browser, 2)
        inside(1)
        assert step_shown(browser) == 0 and browser.find_element(By.ID, "counter").text == "step 0 / 2"
        zoom = zoom_of(browser)
        ActionChains(browser).click(browser.find_element(By.ID, "view")).send_keys(Keys.END).perform()
        assert step_shown(browser) == 2
        inside(0)
        assert step_shown(browser) == 2 and zoom_of(browser) == pytest.approx(0.85 * 1.25)
        inside(1)
        assert zoom_of(browser) == zoom
    finally:
        browser.switch_to.default_content()


PAYLOAD = "window.__pwned=1;alert(1)"


def assert_not_pwned(browser) -> None:
    from selenium.common.exceptions import NoAlertPresentException

    with pytest.raises(NoAlertPresentException):
        browser.switch_to.alert.text  # noqa: B018 (reading it is the check)
    assert browser.execute_script("return window.__pwned") is None


def click_every_box(browser) -> None:
    By = by()
    start = browser.current_url
    for node in browser.find_elements(By.CSS_SELECTOR, "#stage svg g.node"):
        browser.execute_script("arguments[0].dispatchEvent(new MouseEvent('click', {bubbles: true}));"
                               "const a = arguments[0].querySelector('a'); if (a) a.dispatchEvent("
                               "new MouseEvent('click', {bubbles: true}));", node)
    assert browser.current_url == start, "clicking a box goes nowhere"


def test_a_page_with_hostile_labels_works_and_runs_nothing_it_was_given(browser, tmp_path):
    By = by()
    labels = [f"w <!--<script> {PAYLOAD} w", f"b </script><script>{PAYLOAD}</script> c",
              'q "\'& q', "权重", "emoji 🙂 x", f"x <img src=x onerror={PAYLOAD}> y"]
    leaves = [Value(0.5 + i / 10, label) for i, label in enumerate(labels)]
    out = leaves[0]
    for leaf in leaves[1:]:
        out = out * leaf
    out.label = "out </script><!--<script> end"
    root = out.tanh()
    path = player(root, tmp_path / "hostile.html", title=f"</title><script>{PAYLOAD}</script>")
    open_page(browser, path)  # the script ran: the page parsed as it should
    assert_not_pwned(browser)
    assert browser.title == f"</title><script>{PAYLOAD}</script>"
    for _ in range(3):
        browser.find_element(By.ID, "next").click()
    assert step_shown(browser) == 3
    line = browser.find_element(By.ID, "line").get_attribute("textContent")
    assert repr(step_through(root, live=False).run().steps[2]) == line
    shown = browser.execute_script("return document.querySelector('#stage svg').textContent")
    for label in labels:
        assert label in shown or label in browser.find_element(By.ID, "table").text
    click_every_box(browser)
    assert_not_pwned(browser)


@pytest.mark.filterwarnings("ignore:expect syntax error scanning invalid quoted string")
def test_labels_that_break_todays_drawing_are_shown_as_text_in_the_player(browser, tmp_path):
    By = by()
    labels = ["<!--<script>", f"</script><script>{PAYLOAD}</script>",
              f'<x> URL="javascript:{PAYLOAD}" target=<_top>', '"\'&', "权重", "🙂", "C:\\temp\\"]
    leaves = [Value(0.5 + i / 10, label) for i, label in enumerate(labels)]
    out = leaves[0]
    for leaf in leaves[1:]:
        out = out * leaf
    out.label = "out"
    path = player(out, tmp_path / "hostile.html")
    svg = ET.fromstring(re.search(r"<svg\b.*?</svg>", path.read_text(encoding="utf-8"), re.DOTALL).group(0))
    assert not [(k, v) for e in svg.iter() for k, v in e.attrib.items()
                if k.endswith("href") or v.strip().lower().startswith("javascript:")]
    open_page(browser, path)
    assert_not_pwned(browser)
    browser.find_element(By.ID, "next").click()
    assert step_shown(browser) == 1
    texts = browser.execute_script("return Array.from(document.querySelectorAll('#stage svg text'))"
                                   ".map((t) => t.textContent)")
    titles = browser.execute_script("return Array.from(document.querySelectorAll('#stage svg title'))"
                                    ".map((t) => t.textContent)")
    for label in labels:  # in its box as it is, or shortened there and whole in the box's tooltip
        shortened = [t for t in texts if t.endswith("…") and label.startswith(t[:-1])]
        assert label in texts or (shortened and label in titles), f"{label!r} is shown as text"
    click_every_box(browser)
    assert_not_pwned(browser)


# --- issue 18: the active step readable where it is shown, at a laptop's and a phone's size ----------

SIZES = {"1366x768": (1366, 768), "390x844": (390, 844)}
EXAMPLES = {"321": False, "321 fused": True}


@pytest.fixture(scope="module", params=list(SIZES))
def sized_browser(request):
    """A headless Chromium whose viewport is exactly the size named, or a skip."""
    driver = headless_chromium(*SIZES[request.param])
    driver.size_name = request.param
    yield driver
    driver.quit()


@pytest.fixture(scope="module")
def example_pages(tmp_path_factory):
    folder = tmp_path_factory.mktemp("examples")
    return {name: (player(three_two_one(fused=fused).C, folder / f"{name.replace(' ', '_')}.html"),
                   step_through(three_two_one(fused=fused).C, live=False).run())
            for name, fused in EXAMPLES.items()}


LINE_BOX = """
const line = document.getElementById("line"), r = line.getBoundingClientRect();
return {text: line.textContent, scrollHeight: line.scrollHeight, clientHeight: line.clientHeight,
        scrollWidth: line.scrollWidth, clientWidth: line.clientWidth,
        left: r.left, top: r.top, right: r.right, bottom: r.bottom,
        width: window.innerWidth, height: window.innerHeight,
        more: !document.getElementById("more").hidden,
        fontPx: parseFloat(getComputedStyle(line).fontSize)};
"""


@pytest.mark.parametrize("example", list(EXAMPLES))
def test_every_line_of_every_steps_text_is_shown(sized_browser, example_pages, example):
    path, stepper = example_pages[example]
    open_page(sized_browser, path)
    size = sized_browser.execute_script("return [innerWidth, innerHeight]")
    assert size == list(SIZES[sized_browser.size_name])
    for k in range(stepper.total + 1):
        go_to(sized_browser, k)
        box = sized_browser.execute_script(LINE_BOX)
        where = f"{sized_browser.size_name}, {example}, step {k}"
        expected = (f"step 0/{stepper.total}  seed: dC/dC = 1 (the backward pass starts at C)" if k == 0
                    else stepper.steps[k - 1].text(width=None))
        # the same words (the box may wrap them: a narrow box puts the head above the edges)
        assert box["text"].split() == expected.split(), where
        assert box["scrollHeight"] <= box["clientHeight"] + 1 and not box["more"], f"{where}: lines cut"
        assert box["scrollWidth"] <= box["clientWidth"] + 1, f"{where}: a line runs out of the box"
        assert 0 <= box["left"] and box["right"] <= box["width"], f"{where}: the box leaves the window"
        assert 0 <= box["top"] and box["bottom"] <= box["height"] / 2, f"{where}: the box is too tall"
        assert box["fontPx"] >= 13, where
        if k and sized_browser.size_name == "1366x768":  # wide enough: the stepper's own lines
            assert box["text"] == expected, where


STEP_NODES = """
const view = document.getElementById("view"), v = view.getBoundingClientRect();
const inner = {left: v.left + view.clientLeft, top: v.top + view.clientTop,
               right: v.left + view.clientLeft + view.clientWidth,
               bottom: v.top + view.clientTop + view.clientHeight};
const bar = document.getElementById("bar").getBoundingClientRect().bottom;
const rect = (e) => { const r = e.getBoundingClientRect();
                      return {left: r.left, top: r.top, right: r.right, bottom: r.bottom}; };
const first = (g) => g.querySelector("text").textContent;
return {view: inner, bar: bar, width: innerWidth, height: innerHeight,
        upstream: Array.from(document.querySelectorAll("#stage g.node.value.active"))
                    .map((g) => [first(g), rect(g)]),
        changed: Array.from(document.querySelectorAll("#stage g.node.changed"))
                   .map((g) => [first(g), rect(g)]),
        products: Array.from(document.querySelectorAll("#stage g.node.op.active text"))
                    .filter((t) => getComputedStyle(t).visibility === "visible")
                    .map((t) => [t.textContent, rect(t)])};
"""


def assert_inside(found: dict, what: str, rect: dict) -> None:
    """``rect`` inside the graph's view, and inside the window below the sticky bar."""
    view, bar = found["view"], found["bar"]
    out = f"{what}: not in the view"
    assert view["left"] - 0.5 <= rect["left"] and rect["right"] <= view["right"] + 0.5, out
    assert view["top"] - 0.5 <= rect["top"] and rect["bottom"] <= view["bottom"] + 0.5, out
    out = f"{what}: not in the window"
    assert bar - 0.5 <= rect["top"] and rect["bottom"] <= found["height"], out
    assert 0 <= rect["left"] and rect["right"] <= found["width"], out


@pytest.mark.parametrize("example", list(EXAMPLES))
def test_the_upstream_node_the_product_and_the_changed_nodes_are_in_view_together(sized_browser,
                                                                                   example_pages, example):
    path, stepper = example_pages[example]
    open_page(sized_browser, path)
    for k in (3, 6, 12):
        if k > stepper.total:  # the fused 3-2-1 has 8 steps: its last one instead
            k = stepper.total
        go_to(sized_browser, k)
        step = stepper.steps[k - 1]
        found = sized_browser.execute_script(STEP_NODES)
        where = f"{sized_browser.size_name}, {example}, step {k}"
        # what the stepper says the step is, found in the picture by the boxes' names and texts
        assert [name for name, _ in found["upstream"]] == [step.name], where
        assert sorted(name for name, _ in found["changed"]) == sorted({e.parent_name for e in step.edges})
        products = [text for text, _ in found["products"]]
        for edge in step.edges:
            from autograd.views.notation import format_number

            shown = f"× {format_number(step.upstream)} = {format_number(edge.contribution)}"
            assert shown in products, f"{where}: {shown!r} not in the op"
        for name, rect in found["upstream"] + found["changed"] + found["products"]:
            assert_inside(found, f"{where}, {name!r}", rect)


def test_fit_shows_the_whole_graph(sized_browser, example_pages):
    By = by()
    for name, (path, _) in example_pages.items():
        open_page(sized_browser, path)
        go_to(sized_browser, 6)
        sized_browser.find_element(By.ID, "fit").click()
        found = sized_browser.execute_script(
            "const s = document.querySelector('#stage svg').getBoundingClientRect();"
            "const view = document.getElementById('view'), v = view.getBoundingClientRect();"
            "return {svg: {left: s.left, top: s.top, right: s.right, bottom: s.bottom},"
            " view: {left: v.left + view.clientLeft, top: v.top + view.clientTop,"
            "        right: v.left + view.clientLeft + view.clientWidth,"
            "        bottom: v.top + view.clientTop + view.clientHeight},"
            " bar: document.getElementById('bar').getBoundingClientRect().bottom,"
            " width: innerWidth, height: innerHeight}")
        assert_inside(found, f"{sized_browser.size_name}, {name}: the whole graph after fit", found["svg"])
        go_to(sized_browser, 7)  # stepping after fit keeps the whole graph in view
        assert zoom_of(sized_browser) == pytest.approx(float(sized_browser.execute_script(
            "return document.body.dataset.zoom")))


def test_the_screenshot_shows_the_steps_colours_inside_the_view(sized_browser, example_pages, tmp_path):
    """What a person sees: the step's yellow (its node and op) and green (the nodes it changes) are
    painted inside the graph's view. ``CHAINRULE_SHOTS=folder`` keeps the screenshots to look at."""
    import os

    image = pytest.importorskip("PIL.Image", reason="Pillow is not installed (it comes with matplotlib)")
    folder = Path(os.environ.get("CHAINRULE_SHOTS", tmp_path))
    path, _ = example_pages["321 fused"]
    open_page(sized_browser, path)
    for k in (3, 6):
        go_to(sized_browser, k)
        shot = folder / f"player_{sized_browser.size_name}_fused_step{k}.png"
        assert sized_browser.save_screenshot(str(shot))
        view = sized_browser.execute_script(STEP_NODES)["view"]
        box = tuple(round(view[side]) for side in ("left", "top", "right", "bottom"))
        colours = {colour for _, colour in image.open(shot).convert("RGB").crop(box).getcolors(1 << 20)}
        assert (0xFF, 0xD8, 0x66) in colours, f"step {k}: no yellow (the step's node and op) in the view"
        assert (0xBF, 0xE6, 0xBF) in colours, f"step {k}: no green (the nodes it changes) in the view"


# --- issue 19: the player speaks Chinese -----------------------------------------------------------

def test_the_chinese_player_speaks_chinese_and_keeps_the_steppers_lines(browser, tmp_path):
    By = by()
    stepper = step_through(three_two_one().C, live=False).run()
    open_page(browser, player(three_two_one().C, tmp_path / "zh.html", language="zh_CN"))
    assert browser.execute_script("return document.documentElement.lang") == "zh-CN"
    assert browser.title == "C 的反向传播：逐步演示"
    assert browser.find_element(By.TAG_NAME, "h1").text == "C 的反向传播：逐步演示"
    text = {i: browser.find_element(By.ID, i).text for i in ("prev", "next", "play", "fit", "counter")}
    assert text == {"prev": "上一步", "next": "下一步", "play": "播放", "fit": "全图",
                    "counter": "第 0 / 21 步"}
    assert browser.find_element(By.TAG_NAME, "h2").text == "链式法则表"
    help_line = browser.find_element(By.CLASS_NAME, "help").text
    assert help_line.startswith("按键：") and "单步器" in help_line
    legend = browser.find_element(By.CLASS_NAME, "legend").text
    assert "上游梯度" in legend and "局部导数" in legend
    assert browser.find_element(By.ID, "zoom-in").get_attribute("title") == "放大（+）"
    browser.find_element(By.ID, "next").click()
    assert browser.find_element(By.ID, "counter").text == "第 1 / 21 步"
    assert browser.find_element(By.ID, "line").text == repr(stepper.steps[0])  # the stepper's English
    browser.find_element(By.ID, "play").click()
    assert browser.find_element(By.ID, "play").text == "暂停"
    browser.find_element(By.ID, "play").click()
    assert browser.find_element(By.ID, "play").text == "播放"


def test_a_step_too_long_for_the_box_scrolls_inside_it_and_says_so(sized_browser, tmp_path):
    from autograd.engine.fused import dot

    xs = [Value(0.1 * i, f"x{i}") for i in range(30)]
    z = dot([Value(0.5, f"w{i}") for i in range(30)], xs, Value(0.1, "b"))
    z.label = "z"
    path = player(z * 2, tmp_path / "long.html")
    open_page(sized_browser, path)
    go_to(sized_browser, 2)  # z = w0*x0 + ...: 61 edges, more lines than the box holds
    box = sized_browser.execute_script(LINE_BOX)
    assert box["more"] and box["scrollHeight"] > box["clientHeight"], "the box scrolls and says so"
    view = sized_browser.execute_script("return document.getElementById('view').clientHeight")
    assert view >= box["height"] / 3, "the graph keeps a third of the window below the box"
    last = sized_browser.execute_script(
        "const line = document.getElementById('line'); line.scrollTop = line.scrollHeight;"
        "const edges = line.querySelectorAll('.edge'), r = line.getBoundingClientRect();"
        "const e = edges.length ? edges[edges.length - 1].getBoundingClientRect() : r;"
        "return {text: line.textContent, inside: e.top >= r.top && e.bottom <= r.bottom + 1}")
    # the last edge, dL/dx29 += w29 × dL/dz = 0.5 × 2, is inside the box once it is scrolled to
    assert last["inside"] and last["text"].endswith("dL/dx29 += w29 × dL/dz = 0.5 × 2 = 1")
    go_to(sized_browser, 1)
    assert not sized_browser.execute_script(LINE_BOX)["more"]
