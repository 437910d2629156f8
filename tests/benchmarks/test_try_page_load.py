"""The try page's load time and size (issue 22): cold, cached (service worker) and the single file.

Not part of the default run: ``pytest tests/benchmarks/test_try_page_load.py -s``. Needs
web/node_modules (``npm ci`` in web/) and headless Chromium, else it skips. Prints a Markdown table:
the bytes the first visit downloads (and what they would be gzipped, as most web servers send them),
and the time from navigation to "ready" (Python running chainrule, the 3-2-1 network's forward
value and first picture shown) measured by the page itself (``performance.now()``), as the median of
``ROUNDS`` fresh browsers. Wall time, on whatever machine runs it: information, no target.
"""

from __future__ import annotations

import gzip
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from test_try_page import _browser, _needs_node_modules, _ready, _Server, build_try

ROUNDS = 3


def _ready_ms(driver) -> int:
    _ready(driver)
    return int(driver.execute_script("return document.body.dataset.readyAfter"))


def test_try_page_load(tmp_path):
    _needs_node_modules()
    print("\n" + build_try.build(tmp_path))
    page = tmp_path / "try"
    served = [p for p in page.rglob("*") if p.is_file() and p.name not in ("chainrule-try.html",)]
    raw = sum(p.stat().st_size for p in served)
    zipped = sum(len(gzip.compress(p.read_bytes(), 6)) for p in served)
    cold, cached, offline, single, sent, sent_again = [], [], [], [], [], []
    for _ in range(ROUNDS):
        server = _Server(tmp_path)
        driver = _browser(1366, 768, tmp_path / "net.json")
        try:
            driver.get(server.url + "try/")
            cold.append(_ready_ms(driver))
            sent.append(server.sent)
            server.sent = 0
            driver.refresh()
            cached.append(_ready_ms(driver))
            sent_again.append(server.sent)
            server.stop()
            driver.refresh()
            offline.append(_ready_ms(driver))
            driver.get((page / "chainrule-try.html").as_uri())
            single.append(_ready_ms(driver))
        finally:
            driver.quit()
            if server.thread.is_alive():
                server.stop()
    mb = 1e6
    rows = [("files the page uses", f"{raw / mb:.1f} MB", f"{zipped / mb:.1f} MB gzipped"),
            ("first visit downloads", f"{statistics.median(sent) / mb:.1f} MB", ""),
            ("second visit downloads", f"{statistics.median(sent_again) / 1e3:.1f} kB", "(service worker)"),
            ("single-file edition", f"{(page / 'chainrule-try.html').stat().st_size / mb:.1f} MB", ""),
            ("ready, cold (first visit)", f"{statistics.median(cold) / 1e3:.1f} s", f"{cold} ms"),
            ("ready, cached (server up)", f"{statistics.median(cached) / 1e3:.1f} s", f"{cached} ms"),
            ("ready, offline (server stopped)", f"{statistics.median(offline) / 1e3:.1f} s", f"{offline} ms"),
            ("ready, single file from file://", f"{statistics.median(single) / 1e3:.1f} s", f"{single} ms")]
    print("| try page | value | note |\n|---|---|---|")
    for row in rows:
        print("| " + " | ".join(row) + " |")
    assert max(sent) <= 16_000_000 and max(sent_again) < 100_000
