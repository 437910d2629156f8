"""The backward player: one self-contained HTML file, stepped in a real headless browser."""

from __future__ import annotations

import json
import re
import shutil
import xml.etree.ElementTree as ET

import pytest

from autograd import Value, player, step_through, topological_order
from autograd.examples import three_two_one


@pytest.fixture(scope="module")
def html_321(tmp_path_factory):
    net = three_two_one()
    path = player(net.C, tmp_path_factory.mktemp("player") / "321.html")
    return net, path, path.read_text(encoding="utf-8")


def test_one_file_with_a_frame_per_step_and_no_network(html_321):
    _, _, html = html_321
    frames = re.findall(r'<div class="frame" data-step="(\d+)"', html)
    assert frames == [str(k) for k in range(22)]  # the seed, then 21 steps
    assert "<script src" not in html and "<link" not in html and "@import" not in html
    namespaces = r'xmlns(:xlink)?="[^"]*"|"-//W3C//[^"]*"|"http://www\.w3\.org/[^"]*"'
    without_namespaces = re.sub(namespaces, "", html)
    assert "http://" not in without_namespaces and "https://" not in without_namespaces
    for svg in re.findall(r"<svg\b.*?</svg>", html, re.DOTALL):  # each frame is well-formed SVG
        ET.fromstring(svg)
    ids = re.findall(r'\bid="([^"]*)"', html)
    assert len(ids) == len(set(ids)), "element ids must be unique across the frames"


def test_the_lines_are_the_steppers_lines(html_321):
    _, _, html = html_321
    lines = json.loads(re.search(r'<script type="application/json" id="lines">(.*?)</script>', html,
                                 re.DOTALL).group(1))
    expected = [repr(step) for step in step_through(three_two_one().C, live=False).run().steps]
    assert lines[0] == "step 0/21  seed: dC/dC = 1 (the backward pass starts at C)"
    assert lines[1:] == expected
    assert "dC/dz2 += sigma&#x27;(z2) × dC/da2" in html  # the table, escaped, below the picture


def test_the_player_leaves_the_grads_alone_and_escapes_the_title(tmp_path):
    x = Value(0.5, "x")
    y = (x * x).tanh()
    x.grad = 5.0
    html = player(y, tmp_path / "p.html", title="a <b> & c").read_text(encoding="utf-8")
    assert x.grad == 5.0 and all(v.grad in (5.0, 0.0) for v in topological_order(y))
    assert "<title>a &lt;b&gt; &amp; c</title>" in html


# --- in a real browser --------------------------------------------------------------------------

def _browser():
    """A headless Chromium driven by selenium, or a skip saying what is missing."""
    webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed "
                                    "(.ci/install-browser installs it with chromium and chromium-driver)")
    binary = next((shutil.which(n) for n in ("chromium", "chromium-browser", "google-chrome")
                   if shutil.which(n)), None)
    driver_path = shutil.which("chromedriver")
    if binary is None or driver_path is None:
        pytest.skip("no headless browser: install Debian's chromium and chromium-driver "
                    "(.ci/install-browser does it)")
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = binary
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"):
        options.add_argument(arg)
    try:
        return webdriver.Chrome(service=Service(executable_path=driver_path), options=options)
    except Exception as error:  # a browser that cannot start here is an environment problem
        pytest.skip(f"chromium could not start: {str(error).splitlines()[0]}")


def test_clicking_next_moves_the_highlight_and_the_line(html_321):
    _, path, _ = html_321
    stepper = step_through(three_two_one().C, live=False).run()
    browser = _browser()
    try:
        from selenium.webdriver.common.by import By

        browser.get(path.as_uri())

        def visible_frame():
            return next(f for f in browser.find_elements(By.CSS_SELECTOR, ".frame") if f.is_displayed())

        def active_value():
            nodes = visible_frame().find_elements(By.CSS_SELECTOR, "g.node.value.active")
            return [n.find_element(By.TAG_NAME, "title").get_attribute("textContent") for n in nodes]

        line = browser.find_element(By.ID, "line")
        assert browser.find_element(By.ID, "counter").text == "step 0 / 21"
        assert line.text.startswith("step 0/21  seed")
        assert active_value() == []

        browser.find_element(By.ID, "next").click()
        assert line.text == repr(stepper.steps[0])
        first = active_value()
        assert len(first) == 1
        assert visible_frame().get_attribute("data-step") == "1"

        for _ in range(2):
            browser.find_element(By.ID, "next").click()
        assert line.text == repr(stepper.steps[2])  # a2 = sigmoid(z2)
        third = active_value()
        assert third != first and len(third) == 1
        a2_text = visible_frame().find_element(By.CSS_SELECTOR, "g.node.value.active").text
        assert "a2" in a2_text and "data 0.588899" in a2_text
        changed = visible_frame().find_element(By.CSS_SELECTOR, "g.node.value.changed").text
        assert "z2" in changed and "-0.199053" in changed
        current_rows = browser.find_elements(By.CSS_SELECTOR, "#table .row.current")
        assert len(current_rows) == 1 and "sigma'(z2)" in current_rows[0].text

        browser.find_element(By.ID, "prev").click()
        assert line.text == repr(stepper.steps[1])
        assert browser.find_element(By.ID, "slider").get_attribute("value") == "2"
    finally:
        browser.quit()
