"""The "try it" page (issue 22 part 2): chainrule in a browser, nothing installed, offline once loaded.

Three layers:

- the page's Python side (web/try/session.py) and its code cell (web/try/cell.py) under CPython:
  values from the closed form, the step lines, an edited cell, the learner's errors as Python's;
- the build (web/build_try.py): skipped, saying how to get the page, without web/node_modules;
  with them, every file the page uses is in the service worker's list and its cache name carries
  the versions (read here from web/package-lock.json and pyproject.toml);
- headless Chromium (every host but 127.0.0.1 unresolvable): the built page served on 127.0.0.1,
  the forward value, the first three step lines, the picture's highlighted step, Next to step 4,
  the player, an edited cell; every request to 127.0.0.1, the bytes under ``BUDGET``, no file
  fetched twice; then the server stopped and the page reloaded (the service worker), the same
  again; the Chinese page on a phone's screen; the single-file edition from file://.

Screenshots (desktop 1366×768, phone 390×844) go to the test's tmp folder. The browser tests skip,
saying why, without web/node_modules or Chromium; load times are measured in
tests/benchmarks/test_try_page_load.py, not here.
"""

from __future__ import annotations

import functools
import html
import http.server
import importlib.metadata
import importlib.util
import json
import math
import re
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlparse

import pytest
from test_without_numpy import closed_form_321

ROOT = Path(__file__).resolve().parent.parent
WEB = ROOT / "web"
PAGE = WEB / "try"
BUDGET = 16_000_000
"""Bytes a first visit may download: the page's 15.0 MB of files (Pyodide's 13.5 MB, viz.js 1.2 MB,
two wheels 0.3 MB, the page's own) once each; a second download of the wasm would break it."""


def _module(name: str, path: Path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


session = _module("try_session", PAGE / "session.py")
build_try = _module("build_try", WEB / "build_try.py")
WORDS = json.loads((PAGE / "words.json").read_text(encoding="utf-8"))
CELL = (PAGE / "cell.py").read_text(encoding="utf-8")


def _sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-z))


def _edited_closed_form(target: float) -> tuple[float, float]:
    """a2 and C of the 3-2-1 network with tanh hidden neurons and ``target``, by hand."""
    x = [2.0, 3.0, -1.0]
    z1 = [0.2 * x[0] - 0.5 * x[1] + 0.1 * x[2] + 0.3, -0.3 * x[0] + 0.4 * x[1] + 0.2 * x[2] - 0.1]
    a1 = [math.tanh(z) for z in z1]
    a2 = _sigmoid(0.5 * a1[0] + 0.2 * a1[1] + 0.1)
    return a2, (a2 - target) ** 2


EDITED = CELL.replace("target = 1.0", "target = 0.25").replace(".sigmoid()  #", ".tanh()  #")


def _first_lines() -> list[str]:
    """The stepper's first four lines for the 3-2-1 network, numbers from the closed form."""
    want = closed_form_321()
    d_err, d_a2, d_z2 = want["dC_derr"], want["dC_da2"], want["dC_dz2"]
    return [
        f"step 1/21  C = err ** 2: dC/derr += 2*err**(2-1) × dC/dC = {d_err:.6f} × 1 = {d_err:.6f}",
        f"step 2/21  err = a2 - 1: dC/da2 += 1 × dC/derr = 1 × {d_err:.6f} = {d_a2:.6f}",
        f"step 3/21  a2 = sigmoid(z2): dC/dz2 += sigma'(z2) × dC/da2 = {want['sigma_prime']:.6f} × "
        f"{d_a2:.6f} = {d_z2:.6f}",
        f"step 4/21  z2 = t1 + b2: dC/dt1 += 1 × dC/dz2 = 1 × {d_z2:.6f} = {d_z2:.6f}",
    ]


# --- the page's Python side, under CPython -----------------------------------------------------------


def test_the_forward_values_and_the_first_steps():
    want = closed_form_321()
    shown = session.forward()
    assert shown["a2"] == "0.5888985125572694" and float(shown["a2"]) == pytest.approx(want["a2"], rel=1e-15)
    assert float(shown["C"]) == pytest.approx(want["C"], rel=1e-14) and shown["total"] == 21
    lines = session.step(4)["lines"]
    assert lines[:3] == _first_lines()[:3]
    assert lines[3].startswith(_first_lines()[3])
    assert session.step(0)["lines"] == []


def test_the_default_cell_is_the_321_network_step_for_step():
    from autograd import step_through
    from autograd.examples import three_two_one

    result = session.run_cell(CELL, json.dumps(WORDS["en"]))
    assert "error" not in result, result.get("error")
    assert (result["a2"], result["total"]) == ("0.5888985125572694", 21)
    assert result["printed"] == f"a2 = {result['a2']}\nC  = {result['C']}\n"
    assert session.step(21)["lines"] == [
        repr(s) for s in step_through(three_two_one().C, live=False).run().steps
    ]


def test_an_edited_cell_gives_the_edited_network():
    a2, C = _edited_closed_form(0.25)
    result = session.run_cell(EDITED, json.dumps(WORDS["en"]))
    assert float(result["a2"]) == pytest.approx(a2, rel=1e-14) and float(result["C"]) == pytest.approx(
        C, rel=1e-14
    )
    assert session.step(3)["lines"][0].startswith("step 1/21  C = err ** 2: dC/derr += 2*err**(2-1) × dC/dC")
    assert "tanh(z1[0])" in "\n".join(session.step(21)["lines"])


@pytest.mark.parametrize(
    ("change", "last_line", "shown"),
    [
        (("C = err ** 2", "C = err ** 2 +"), "SyntaxError: invalid syntax", "C = err ** 2 +"),
        (("C = err ** 2", "C = erx ** 2"), "NameError: name 'erx' is not defined", "C = erx ** 2"),
        (('b2 = Value(0.1, "b2")', "b2 = Value(float('nan'), \"b2\").log()"), "ValueError", "b2 = Value("),
    ],
)
def test_the_learners_errors_are_pythons_own_message(change, last_line, shown):
    result = session.run_cell(CELL.replace(*change), json.dumps(WORDS["en"]))
    error = result["error"]
    assert error.splitlines()[-1].startswith(last_line)
    assert 'File "<cell>", line' in error and shown in error  # the learner's line, with its number
    assert "session.py" not in error and "exec(" not in error  # the page's own frames left out


def test_a_cell_without_a_loss_says_so_in_the_pages_language():
    for language in ("en", "zh_CN"):
        words = WORDS[language]
        result = session.run_cell("x = 1", json.dumps(words))
        assert result["error"] == words["no_loss"].format(got=words["not_set"])
        result = session.run_cell("C = 2.5", json.dumps(words))
        assert result["error"] == words["no_loss"].format(got="float 2.5")


def test_the_doctests_of_the_pages_python():
    import doctest

    for module in (session, build_try):
        failures, tries = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
        assert tries >= 3 and failures == 0, module.__name__


def test_the_page_speaks_english_and_chinese():
    assert WORDS["en"].keys() == WORDS["zh_CN"].keys()
    chinese = "".join(WORDS["zh_CN"].values())
    for term in ("反向传播", "梯度", "上游梯度", "单步器", "播放器"):
        assert term in chinese, term
    build = {
        "versions": {"chainrule": "0", "pyodide": "0", "viz": "0", "graphviz": "0"},
        "wheels": [],
        "cache": "x",
    }
    for language in ("en", "zh_CN"):
        page = build_try.page_html(language, build)
        assert "{{" not in page and f'lang="{WORDS[language]["lang"]}"' in page
        assert not re.search(r'(src|href)="(https?:)?//', page)  # nothing from another host
        assert "&lt;cell&gt;" not in page and "target = 1.0" in page
        code = build_try.cell_code(language)
        assert f"# {WORDS[language]['cell_network']}" in code and html.escape(code) in page
        assert session.run_cell(code, json.dumps(WORDS[language]))["a2"] == "0.5888985125572694"


def test_without_node_modules_the_build_says_it_skipped_and_how_to_get_the_page(tmp_path, monkeypatch):
    monkeypatch.setattr(build_try, "MODULES", tmp_path / "node_modules")
    report = build_try.build(tmp_path / "site")
    assert report.startswith("try page skipped: pyodide is not installed in web/node_modules")
    assert "npm ci" in report and not (tmp_path / "site").exists()


def test_the_site_build_runs_the_try_page_build(tmp_path):
    build_site = _module("build_site", ROOT / "docs" / "build_site.py")
    report = build_site.build_try_page(tmp_path)
    if build_try.missing():
        assert report == build_try.missing() and not (tmp_path / "try").exists()
    else:
        assert report.startswith("built try/") and (tmp_path / "try" / "zh_CN" / "index.html").is_file()
        assert (tmp_path / "try" / "chainrule-try.html").stat().st_size > 15_000_000


# --- the build, with web/node_modules ----------------------------------------------------------------


def _needs_node_modules() -> None:
    if build_try.missing():
        pytest.skip(build_try.missing())


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    _needs_node_modules()
    out = tmp_path_factory.mktemp("site")
    report = build_try.build(out)
    assert report.startswith("built try/"), report
    return out


def test_the_service_worker_saves_every_file_the_page_uses(site):
    sw = (site / "try" / "sw.js").read_text(encoding="utf-8")
    files = json.loads(re.search(r"^const FILES = (.*);$", sw, re.M).group(1))
    built = {str(p.relative_to(site / "try")) for p in (site / "try").rglob("*") if p.is_file()}
    assert set(files) == built - {"sw.js", "chainrule-try.html", "zh_CN/chainrule-try.html"} | {
        "./",
        "zh_CN/",
    }
    lock = json.loads((WEB / "package-lock.json").read_text(encoding="utf-8"))["packages"]
    version = re.search(
        r'^version = "(.*)"$', (ROOT / "pyproject.toml").read_text(encoding="utf-8"), re.M
    ).group(1)
    cache = re.search(r'^const CACHE = "(.*)";$', sw, re.M).group(1)
    assert cache.startswith(
        f"chainrule-try-{version}-pyodide-"
        f"{lock['node_modules/pyodide']['version']}-viz-"
        f"{lock['node_modules/@viz-js/viz']['version']}-"
    )
    graphviz = importlib.metadata.version("graphviz")
    assert f"wheels/graphviz-{graphviz}-py3-none-any.whl" in files  # pinned: the installed version


# --- headless Chromium ------------------------------------------------------------------------------


class _Server:
    """The built site on 127.0.0.1 in a thread, counting the bytes and requests it serves."""

    def __init__(self, root: Path) -> None:
        self.requests: list[tuple[str, int]] = []
        self.sent = 0
        server = self

        class Handler(http.server.SimpleHTTPRequestHandler):
            def log_request(self, code="-", size="-") -> None:
                server.requests.append((self.path, int(getattr(code, "value", code))))

            def log_message(self, *args) -> None:
                pass

            def copyfile(self, source, outputfile) -> None:
                data = source.read()
                outputfile.write(data)
                server.sent += len(data)

        self.httpd = http.server.ThreadingHTTPServer(
            ("127.0.0.1", 0), functools.partial(Handler, directory=str(root))
        )
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()
        self.url = f"http://127.0.0.1:{self.httpd.server_port}/"

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def server(site):
    running = _Server(site)
    yield running
    running.stop()


CHROMIUM_SERVICES = {"accounts.google.com", "clients2.google.com", "update.googleapis.com"}
"""Chromium's own background services (sign-in, component updates, its clock): the browser asks for
them on start, not the page; the resolver rule leaves them unresolved (``_stayed_local`` checks
that no connection went anywhere but 127.0.0.1)."""

QUIET = ("--disable-component-update", "--disable-sync", "--no-first-run",
         "--disable-features=AutofillServerCommunication,OptimizationHints,OptimizationHintsFetching,"
         "OptimizationGuideModelDownloading")
"""Switches that keep more of Chromium's own services quiet, so that the network log shows the page."""


def _browser(width: int, height: int, netlog: Path):
    """Headless Chromium that can resolve no host but 127.0.0.1, logging all its network use to ``netlog``."""
    from browser import headless_chromium

    return headless_chromium(
        width,
        height,
        arguments=("--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1", f"--log-net-log={netlog}",
                   *QUIET),
        capabilities={"goog:loggingPrefs": {"performance": "ALL", "browser": "ALL"}},
    )


def _stayed_local(netlog: Path) -> set[str]:
    """Check Chromium's NetLog (every process: the page, its Web Worker, the service worker) after the
    browser quit: every TCP connection went to 127.0.0.1 and every URL asked for is 127.0.0.1's (or
    Chromium's own services, unresolved). Returns the URLs."""
    urls, connected = set(), set()
    for event in json.loads(netlog.read_text(encoding="utf-8"))["events"]:
        params = event.get("params", {})
        if "url" in params:
            urls.add(params["url"])
        if "remote_address" in params:
            connected.add(params["remote_address"])
    assert all(address.startswith("127.0.0.1:") for address in connected), connected
    outside = {url for url in urls if urlparse(url).hostname not in ("127.0.0.1", *CHROMIUM_SERVICES)}
    assert outside == set(), outside
    return urls


def _requested(driver) -> list[str]:
    """Every URL the page asked for since the last call (DevTools' log of the page: not its workers)."""
    urls = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"] == "Network.requestWillBeSent":
            urls.append(message["params"]["request"]["url"])
    return urls


def _wait(driver, script: str, timeout: float = 180):
    """Wait until ``script`` returns a truthy value; fail with the page's status line otherwise."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        value = driver.execute_script(script)
        if value:
            return value
        time.sleep(0.2)
    status = driver.execute_script("return document.getElementById('status').textContent")
    logs = [e["message"][:300] for e in driver.get_log("browser")]
    pytest.fail(f"timed out waiting for {script!r}; status: {status!r}; console: {logs}")


def _ready(driver) -> None:
    state = _wait(driver, "const s = document.body.dataset.state; return s === 'loading' ? null : s")
    assert state == "ready", driver.find_element("id", "status").text


def _text(driver, element_id: str) -> str:
    return driver.execute_script(f"return document.getElementById('{element_id}').textContent")


def _click(driver, element_id: str) -> None:
    driver.find_element("id", element_id).click()
    _wait(driver, "return document.body.dataset.busy === 'no'")


def _exercise(driver, words: dict) -> None:
    """What a learner does on the page, each result checked against the closed form."""
    want = closed_form_321()
    lines = _first_lines()
    forward = _text(driver, "forward-out")
    assert forward.startswith("a2 = 0.5888985125572694\nC  = ")
    assert float(forward.split("C  = ")[1]) == pytest.approx(want["C"], rel=1e-14)
    assert _text(driver, "counter") == words["counter"].format(k=0, n=21)
    for _ in range(3):
        _click(driver, "next")
    shown = driver.execute_script(
        "return [...document.querySelectorAll('#steps pre')].map(p => p.textContent)"
    )
    assert shown == lines[:3]
    assert _text(driver, "counter") == words["counter"].format(k=3, n=21)
    # the picture: step 3 is a2 = sigmoid(z2): a2's box and its op are the step (yellow), z2's grad changed
    active = driver.execute_script(
        "return [...document.querySelectorAll('#picture svg g.node.active')].map(g => g.textContent.trim())"
    )
    assert len(active) == 2 and any(text.startswith("a2") for text in active), active
    assert any("σ(a)" in text for text in active), active
    changed = driver.execute_script(
        "return [...document.querySelectorAll('#picture svg g.node.changed')].map(g => g.textContent)"
    )
    assert len(changed) == 1 and "z2" in changed[0] and f"{want['dC_dz2']:.6f}" in changed[0], changed
    assert (
        driver.execute_script(
            "return document.querySelector('#picture svg g.node.active polygon').getAttribute('fill')"
        )
        == "#ffd866"
    )
    _click(driver, "next")
    assert _text(driver, "counter") == words["counter"].format(k=4, n=21)
    assert driver.execute_script(
        "return document.querySelector('#steps pre.current').textContent"
    ).startswith(lines[3])
    assert "z2" in driver.execute_script(
        "return document.querySelector('#picture svg g.node.value.active').textContent"
    )
    _click(driver, "prev")
    assert _text(driver, "counter") == words["counter"].format(k=3, n=21)
    _player(driver, words)
    # an edited cell: tanh hidden neurons and a target of 0.25
    a2, C = _edited_closed_form(0.25)
    driver.execute_script("document.getElementById('code').value = arguments[0]", EDITED)
    _click(driver, "run")
    out = _text(driver, "cell-out")
    assert "error" not in driver.find_element("id", "cell-out").get_attribute("class")
    printed = dict(line.split(" = ") for line in out.strip().splitlines())
    assert float(printed["a2"]) == pytest.approx(a2, rel=1e-14) and float(printed["C "]) == pytest.approx(
        C, rel=1e-14
    )
    assert _text(driver, "forward-out").startswith(f"# {words['yours']}\na2 = {printed['a2']}")
    assert _text(driver, "counter") == words["counter"].format(k=0, n=21)
    # an error: Python's own message, the learner's line, no runtime frames
    driver.execute_script(
        "document.getElementById('code').value = arguments[0]", CELL.replace("C = err ** 2", "C = erx ** 2")
    )
    _click(driver, "run")
    error = _text(driver, "cell-out")
    assert driver.find_element("id", "cell-out").get_attribute("class") == "error"
    assert error.splitlines()[-1].startswith("NameError: name 'erx' is not defined")
    assert 'File "<cell>", line 31' in error and "C = erx ** 2" in error
    assert not re.search(r"pyodide|\.js|\.mjs|wasm|session\.py", error), error
    driver.find_element("id", "reset").click()
    language = "zh_CN" if words["lang"] == "zh-CN" else "en"
    assert driver.find_element("id", "code").get_attribute("value") == build_try.cell_code(language)
    # a run that never ends: Stop ends the worker, starts Python again and shows the 3-2-1 network
    driver.execute_script("document.getElementById('code').value = arguments[0]", "while True:\n    pass\n")
    driver.find_element("id", "run").click()
    _wait(driver, "return !document.getElementById('stop').hidden")
    time.sleep(0.5)
    assert driver.execute_script("return document.body.dataset.busy") == "yes"  # still running
    driver.find_element("id", "stop").click()
    _ready(driver)
    _wait(driver, "return document.body.dataset.busy === 'no'")
    assert _text(driver, "cell-out") == words["stopped"]
    assert _text(driver, "forward-out").startswith("a2 = 0.5888985125572694\n")
    assert _text(driver, "counter") == words["counter"].format(k=0, n=21)
    assert not driver.find_element("id", "next").get_attribute("disabled")


def _player(driver, words: dict) -> None:
    from autograd.views.player import WORDS as PLAYER_WORDS

    page = driver.current_window_handle
    before = set(driver.window_handles)
    _click(driver, "player")
    end = time.monotonic() + 30
    while not set(driver.window_handles) - before and time.monotonic() < end:
        time.sleep(0.2)
    opened = set(driver.window_handles) - before
    assert len(opened) == 1, "the player did not open in a new tab"
    driver.switch_to.window(opened.pop())
    try:
        language = "zh_CN" if words["lang"] == "zh-CN" else "en"
        title = PLAYER_WORDS[language]["title"].format(name="C")
        _wait(driver, "return document.readyState === 'complete'")
        assert driver.title == title
        assert driver.execute_script("return document.querySelectorAll('#view svg, svg').length") >= 1
        assert driver.execute_script("return document.getElementById('counter').textContent") == PLAYER_WORDS[
            language
        ]["counter"].format(k=0, n=21)
        driver.find_element("id", "next").click()
        assert driver.execute_script("return document.getElementById('counter').textContent") == PLAYER_WORDS[
            language
        ]["counter"].format(k=1, n=21)
    finally:
        driver.close()
        driver.switch_to.window(page)


def _only_local(urls: list[str]) -> None:
    outside = [
        u for u in urls if urlparse(u).scheme not in ("blob", "data") and urlparse(u).hostname != "127.0.0.1"
    ]
    assert outside == [], outside


def _no_overflow(driver) -> None:
    """The page itself never scrolls sideways (wide things scroll inside their own boxes)."""
    assert driver.execute_script("return document.documentElement.scrollWidth <= window.innerWidth")


def test_the_page_online_then_offline(server, tmp_path):
    driver = _browser(1366, 768, tmp_path / "net.json")
    try:
        driver.get(server.url + "try/")
        _ready(driver)
        assert _wait(driver, "return document.body.dataset.offline") == "saved"
        fetched = [path for path, code in server.requests if code == 200]
        assert len(fetched) == len(set(fetched)), f"a file was downloaded twice: {fetched}"
        assert server.sent <= BUDGET, f"the first visit downloaded {server.sent} bytes (budget {BUDGET})"
        assert {"/try/pyodide/pyodide.asm.wasm", "/try/wheels/chainrule-0.1.0-py3-none-any.whl"} <= set(
            fetched
        )
        driver.save_screenshot(str(tmp_path / "try-desktop.png"))
        _no_overflow(driver)
        _exercise(driver, WORDS["en"])
        _only_local(_requested(driver))

        server.stop()  # offline: only the service worker's cache is left
        server.requests.clear()
        driver.refresh()
        _ready(driver)
        _exercise(driver, WORDS["en"])
        assert server.requests == []
        _only_local(_requested(driver))
        driver.find_element("id", "next").click()
        driver.save_screenshot(str(tmp_path / "try-desktop-offline.png"))
    finally:
        driver.quit()
    urls = _stayed_local(tmp_path / "net.json")
    assert server.url + "try/pyodide/pyodide.asm.wasm" in urls  # the log does hold the worker's requests


def test_the_chinese_page_on_a_phone(server, tmp_path):
    driver = _browser(390, 844, tmp_path / "net.json")
    try:
        driver.get(server.url + "try/zh_CN/")
        _ready(driver)
        assert driver.execute_script("return document.documentElement.lang") == "zh-CN"
        assert driver.find_element("tag name", "h1").text == WORDS["zh_CN"]["heading"]
        _no_overflow(driver)
        driver.save_screenshot(str(tmp_path / "try-phone-zh.png"))
        _exercise(driver, WORDS["zh_CN"])
        _no_overflow(driver)
        driver.save_screenshot(str(tmp_path / "try-phone-zh-edited.png"))
        switch = driver.find_element("css selector", ".language-switch a").get_attribute("href")
        assert switch == server.url + "try/index.html"
        _only_local(_requested(driver))
    finally:
        driver.quit()
    _stayed_local(tmp_path / "net.json")


def test_the_single_file_edition_from_file_url(site, tmp_path):
    _needs_node_modules()
    driver = _browser(1366, 768, tmp_path / "net.json")
    try:
        driver.get((site / "try" / "chainrule-try.html").as_uri())
        _ready(driver)
        assert driver.execute_script("return document.body.dataset.edition") == "single-file"
        _exercise(driver, WORDS["en"])
        urls = _requested(driver)
        assert not [u for u in urls if urlparse(u).scheme not in ("file", "blob", "data")], urls
        driver.save_screenshot(str(tmp_path / "try-single-file.png"))
    finally:
        driver.quit()
    assert not [url for url in _stayed_local(tmp_path / "net.json") if urlparse(url).hostname == "127.0.0.1"]


def test_each_edition_links_to_the_other_language(site):
    # the site's own convention (tests/test_docs_site.py checks every page of the site this way)
    switch = re.compile(r'class="[^"]*language-switch[^"]*">\s*<a class="muted-link" href="([^"]+)"')
    pages = ["index.html", "zh_CN/index.html", "chainrule-try.html", "zh_CN/chainrule-try.html"]
    targets = []
    for name in pages:
        path = site / "try" / name
        (link,) = switch.findall(path.read_text(encoding="utf-8"))
        targets.append(str((path.parent / link).resolve().relative_to((site / "try").resolve())))
    assert targets == [pages[1], pages[0], pages[3], pages[2]]
