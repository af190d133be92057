"""/docs and /redoc work offline: assets from the package, no external URL, rendered in Chromium."""

from __future__ import annotations

import re
from collections.abc import Iterator

import httpx
import pytest
from browser import blocked, chromium, live_server, resources, screenshot
from fastapi.testclient import TestClient
from helpers import wait_until

from service.settings import Settings

_EXTERNAL = re.compile(r"https?://", re.IGNORECASE)


@pytest.mark.parametrize("path", ["/docs", "/redoc"])
def test_docs_pages_hold_no_external_url(client: TestClient, path: str) -> None:
    r = client.get(path)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert _EXTERNAL.findall(r.text) == [], r.text
    assets = re.findall(r'(?:src|href)="([^"]+)"', r.text)
    assert any(a.endswith(".js") for a in assets), assets
    assert any("favicon" in a for a in assets), assets  # the package's, not fastapi's site
    for asset in assets:
        assert asset.startswith("/"), asset
        fetched = client.get(asset)
        assert fetched.status_code == 200, asset
        assert len(fetched.content) > 1000, asset


@pytest.fixture(scope="module")
def server(tiny_settings: Settings) -> Iterator[str]:
    with live_server(tiny_settings) as url:
        yield url


def test_swagger_ui_renders_the_operations_without_network(server: str) -> None:
    with chromium() as driver:
        driver.get(f"{server}/docs")

        def paths() -> set[str]:
            found: list[str] = driver.execute_script(
                "return [...document.querySelectorAll('.opblock .opblock-summary-path')]"
                ".map(e => e.getAttribute('data-path') || e.textContent.trim())"
            )
            return set(found)

        wait_until(lambda: "/summarize" in paths(), timeout_s=30, what="Swagger UI operations")
        assert {"/summarize", "/translate", "/jobs", "/jobs/{job_id}"} <= paths()
        assert driver.execute_script("return document.querySelectorAll('.opblock').length") >= 8
        loaded = resources(driver)
        assert all(u.startswith(server) for u in loaded), loaded
        screenshot(driver, "docs")


def test_redoc_renders_the_operations_without_network(server: str) -> None:
    with chromium() as driver:
        driver.get(f"{server}/redoc")
        wait_until(
            lambda: (
                "Structured summary of a news article"
                in driver.execute_script("return document.body.innerText")
            ),
            timeout_s=30,
            what="ReDoc to render the operations",
        )
        text = driver.execute_script("return document.body.innerText")
        assert "Start a summarize or translate job" in text
        loaded = resources(driver)
        assert all(u.startswith(server) for u in loaded), loaded
        # ReDoc's bundle draws its footer logo from its CDN; the page's policy stops it.
        assert blocked(driver) == ["https://cdn.redoc.ly/redoc/logo-mini.svg"]
        screenshot(driver, "redoc")


def test_openapi_document_is_served(server: str) -> None:
    spec = httpx.get(f"{server}/openapi.json", timeout=10).json()
    assert {"/summarize", "/translate", "/jobs"} <= set(spec["paths"])
