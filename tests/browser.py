"""One way to start the headless Chromium that the browser tests drive through selenium.

``.ci/install-browser`` installs Debian's chromium, chromium-driver and selenium. Where any of
them is missing, or the browser cannot start here, the calling test is skipped with the reason.
"""

from __future__ import annotations

import shutil
from typing import Any

import pytest


def headless_chromium(width: int = 1280, height: int = 800, *, arguments: tuple[str, ...] = (),
                      capabilities: dict[str, Any] | None = None) -> Any:
    """A selenium driver for a headless Chromium window of ``width`` × ``height``, or a skip.

    ``arguments`` are more Chromium command-line switches, ``capabilities`` more selenium ones.
    """
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
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--disable-background-networking", f"--window-size={width},{height}", *arguments):
        options.add_argument(arg)
    for name, value in (capabilities or {}).items():
        options.set_capability(name, value)
    try:
        driver = webdriver.Chrome(service=Service(executable_path=driver_path), options=options)
    except Exception as error:  # a browser that cannot start here is an environment problem
        pytest.skip(f"chromium could not start: {str(error).splitlines()[0]}")
    set_viewport(driver, width, height)
    return driver


def set_viewport(driver: Any, width: int, height: int) -> None:
    """Make the page's viewport exactly ``width`` × ``height`` CSS pixels (``innerWidth``/``innerHeight``).

    A window of that size has a smaller viewport (the browser's own frame takes some), so the
    viewport is set through the DevTools protocol, as a phone's screen would be.
    """
    driver.set_window_size(width, height + 200)
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                           {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False})
