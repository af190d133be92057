"""Browser tests' helpers: a real uvicorn server on a free port, and headless Chromium.

Chromium is Debian's ``chromium`` driven through ``chromium-driver`` by Selenium (a test
tool's own browser download cannot work offline). Host names other than the test server's
resolve to nothing, so a page that needs the network shows it. Tests skip, saying why, when
no browser can be had.
"""

from __future__ import annotations

import shutil
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from helpers import REPO_ROOT, wait_until
from servers import free_port

from models.engines import load_engines
from service.main import Loader, create_app
from service.settings import Settings

# Not reports/ itself: reports/web-page.png, the README's picture, is committed and should
# not change with every test run (copy a new screenshot there by hand).
SCREENSHOTS = REPO_ROOT / "reports" / "screenshots"
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    # No network: every host name but the test server's fails to resolve.
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
    "--window-size=1400,1800",
)


@contextmanager
def live_server(settings: Settings, loader: Loader = load_engines) -> Iterator[str]:
    """The app served by a real uvicorn in a thread; yields its base URL."""
    port = free_port()
    app = create_app(settings, loader=loader)
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        wait_until(lambda: server.started, timeout_s=120, what="uvicorn to start")
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(60)


@contextmanager
def chromium() -> Iterator[Any]:
    """A headless Chromium WebDriver with a fresh profile; skips when none can be had."""
    try:
        from selenium import webdriver
        from selenium.common.exceptions import WebDriverException
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        pytest.skip("selenium is not installed (pip install -e .[dev])")
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    driver_path = shutil.which("chromedriver")
    if browser is None or driver_path is None:
        pytest.skip("no chromium/chromedriver: apt-get install chromium chromium-driver")
    profile = tempfile.mkdtemp(prefix="chromium-profile-")
    options = webdriver.ChromeOptions()
    options.binary_location = browser
    for flag in (*FLAGS, f"--user-data-dir={profile}"):
        options.add_argument(flag)
    try:
        driver = webdriver.Chrome(service=Service(driver_path), options=options)
    except WebDriverException as exc:
        pytest.skip(f"chromium would not start: {exc.msg}")
    try:
        driver.set_page_load_timeout(60)
        # Record what the Content-Security-Policy blocks, from the first script of each page.
        driver.execute_cdp_cmd(
            "Page.addScriptToEvaluateOnNewDocument",
            {
                "source": "window.__blocked = []; document.addEventListener("
                "'securitypolicyviolation', e => window.__blocked.push(e.blockedURI));"
            },
        )
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def screenshot(driver: Any, name: str) -> Path:
    """Save the window as ``reports/screenshots/<name>.png``; returns the path."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    assert driver.save_screenshot(str(path)), f"no screenshot saved at {path}"
    return path


def resources(driver: Any) -> list[str]:
    """Every URL the page asked for (the Resource Timing entries and the page itself), less
    those its Content-Security-Policy blocked before any request was made."""
    urls: list[str] = driver.execute_script(
        "const blocked = new Set(window.__blocked || []);"
        "return [location.href, ...performance.getEntriesByType('resource').map(e => e.name)]"
        ".filter(u => !blocked.has(u))"
    )
    return urls


def blocked(driver: Any) -> list[str]:
    """The URLs the page's Content-Security-Policy blocked."""
    urls: list[str] = driver.execute_script("return window.__blocked || []")
    return urls
