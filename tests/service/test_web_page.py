"""The analyst's page at / in headless Chromium, against a real uvicorn on the tiny models."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from browser import chromium, live_server, resources, screenshot
from fastapi.testclient import TestClient
from helpers import SEED, wait_until

from models.config import EngineConfig
from models.engines import Engines, load_engines
from service.settings import Settings

HOSTILE = (
    "<script>window.__pwned = 'script'</script> The ministry said "
    "<img src=x onerror=\"window.__pwned = 'img'\"> talks would resume.\n\n"
)


POINTS = (
    "return [...document.querySelectorAll('#points li')]"
    ".map(li => [li.querySelector('.badge').textContent, li.childNodes[1].textContent])"
)
MARKED = (
    "return [...document.querySelectorAll('#article-view mark.active')]"
    ".map(m => m.textContent).join('')"
)


IN_VIEW = (
    "const r = document.querySelector('#article-view mark.active').getBoundingClientRect();"
    "const box = document.getElementById('article-view').getBoundingClientRect();"
    "return r.top >= Math.max(0, box.top) && r.bottom <= Math.min(innerHeight, box.bottom)"
)


@pytest.fixture(scope="module")
def server(tiny_settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    # Its own job store: another test's app starting on the session's shared store, under the
    # same replica id, would take this server's running job for one a restart interrupted.
    store = tmp_path_factory.mktemp("web-store") / "store.db"
    with live_server(tiny_settings.model_copy(update={"store_url": f"sqlite:///{store}"})) as url:
        yield url


@pytest.fixture(scope="module")
def driver() -> Iterator[Any]:
    with chromium() as browser:
        yield browser


def _js(driver: Any, script: str) -> Any:
    return driver.execute_script(script)


def _open(driver: Any, server: str) -> None:
    driver.get(f"{server}/")
    wait_until(
        lambda: _js(driver, "return document.readyState") == "complete",
        timeout_s=30,
        what="the page to load",
    )


def _fill(driver: Any, text: str, langs: tuple[str, ...] = ()) -> None:
    # Set the value by script: typing 3 kB through WebDriver takes seconds per article.
    driver.execute_script("document.getElementById('article').value = arguments[0]", text)
    for lang in langs:
        driver.find_element("css selector", f"input[name=lang][value={lang}]").click()
    driver.find_element("id", "run").click()


def _wait_result(driver: Any) -> None:
    wait_until(
        lambda: (
            _js(driver, "return !document.getElementById('result').hidden")
            or _js(driver, "return !document.getElementById('error').hidden")
        ),
        timeout_s=180,
        what="the job to finish on the page",
    )
    error = _js(
        driver, "const e = document.getElementById('error'); return e.hidden ? '' : e.textContent"
    )
    assert error == "", error


def test_page_is_served_offline_with_its_policy(client: TestClient) -> None:
    r = client.get("/")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert "script-src 'self'" in r.headers["content-security-policy"]
    assert "http://" not in r.text and "https://" not in r.text
    for asset in ("/static/page.js", "/static/page.css"):
        assert client.get(asset).status_code == 200
    assert "innerHTML" not in client.get("/static/page.js").text


def test_page_renders(driver: Any, server: str) -> None:
    _open(driver, server)
    assert driver.title == "News brief"
    assert driver.find_element("id", "article").is_displayed()
    langs = _js(
        driver, "return [...document.querySelectorAll('input[name=lang]')].map(i => i.value)"
    )
    assert langs == ["ru", "kk", "zh"]
    assert _js(driver, "return document.getElementById('result').hidden") is True
    assert all(u.startswith(server) for u in resources(driver)), resources(driver)


def test_summary_job_runs_and_a_point_marks_its_span(driver: Any, server: str) -> None:
    _open(driver, server)
    _fill(driver, SEED, ("ru",))
    _wait_result(driver)
    stages = _js(
        driver, "return [...document.querySelectorAll('#stages li')].map(l => l.textContent)"
    )
    assert stages[0] == "queued" and stages[-1] == "done"
    assert "analysing" in stages and "translating ru" in stages
    # The page shows what the API answers (the same request is a cache hit now).
    api = httpx.post(
        f"{server}/summarize", json={"text": SEED, "target_langs": ["ru"]}, timeout=120
    ).json()
    assert _js(driver, "return document.getElementById('headline').textContent") == api["headline"]
    points = _js(driver, POINTS)
    assert points == [[p["type"], p["text"]] for p in api["key_points"]]
    columns = _js(
        driver,
        "return [...document.querySelectorAll('#translations > div')].map(d => d.dataset.lang)",
    )
    assert columns == [api["source_lang"], "ru"]
    ru = _js(driver, "return document.querySelector('[data-lang=ru] strong').textContent")
    assert ru == api["translations"]["ru"]["headline"]

    last = len(api["key_points"]) - 1
    assert _js(driver, "return document.querySelectorAll('#article-view mark.active').length") == 0
    driver.find_elements("css selector", "#points li")[last].click()
    marked = _js(driver, MARKED)
    evidence = "".join(s["text"] for s in api["key_points"][last]["evidence"])
    assert marked == evidence and evidence
    view = _js(driver, "return document.getElementById('article-view').textContent")
    assert view == SEED
    assert _js(driver, IN_VIEW) is True  # scrolled into view, in the article's box too
    driver.execute_script("scrollTo(0, document.getElementById('result').offsetTop - 8)")
    screenshot(driver, "web-page")


def test_script_in_the_article_does_not_run(driver: Any, server: str) -> None:
    _open(driver, server)
    article = HOSTILE + SEED
    _fill(driver, article)
    _wait_result(driver)
    assert _js(driver, "return window.__pwned === undefined") is True
    view = _js(driver, "return document.getElementById('article-view').textContent")
    assert view == article  # shown as the text it is
    assert (
        _js(driver, "return document.querySelectorAll('#result script, #result img').length") == 0
    )
    assert _js(driver, "return document.scripts.length") == 1  # page.js alone


def test_error_shows_the_api_message(driver: Any, server: str) -> None:
    _open(driver, server)
    _fill(driver, "   ")
    wait_until(
        lambda: _js(driver, "return !document.getElementById('error').hidden"),
        timeout_s=30,
        what="the error to show",
    )
    api = httpx.post(
        f"{server}/jobs", json={"kind": "summarize", "request": {"text": "   ", "target_langs": []}}
    )
    assert api.status_code == 422
    message = api.json()["error"]["message"]
    assert "non-whitespace" in message
    assert _js(driver, "return document.getElementById('error').textContent") == message
    assert _js(driver, "return document.getElementById('run').disabled") is False


def test_html_file_gives_its_text_and_title_and_runs_nothing(
    driver: Any, server: str, tmp_path: Path
) -> None:
    page = tmp_path / "story.html"
    page.write_text(
        "<html><head><title>Visa talks</title><script>window.__pwned = 'file'</script>"
        "<style>p { color: red }</style></head><body><nav>Home | World</nav><article>"
        "<p>ASTANA. The Kazakh side expressed hope for visa-free travel.</p>"
        "<p>Talks resume in May.</p></article></body></html>",
        "utf-8",
    )
    _open(driver, server)
    driver.find_element("id", "file").send_keys(str(page))
    wait_until(  # the note comes last, once the page knows how the HTML will be sent
        lambda: _js(driver, "return document.getElementById('file-note').textContent") != "",
        timeout_s=10,
        what="the file to be read",
    )
    text = _js(driver, "return document.getElementById('article').value")
    assert "The Kazakh side expressed hope for visa-free travel." in text
    assert "__pwned" not in text and "color: red" not in text and "<p>" not in text
    assert _js(driver, "return document.getElementById('title').value") == "Visa talks"
    assert _js(driver, "return window.__pwned === undefined") is True
    assert _js(driver, "return document.getElementById('file-note').textContent").startswith(
        "story.html: "
    )


def test_cancel_stops_the_job(tiny_settings: Settings, tmp_path: Path) -> None:
    entered, release = threading.Event(), threading.Event()

    def loader(config: EngineConfig) -> Engines:
        engines = load_engines(config)
        original = engines.summarizer.summarize

        def held(*args: Any, **kwargs: Any) -> Any:
            entered.set()
            assert release.wait(60)
            return original(*args, **kwargs)

        engines.summarizer.summarize = held  # type: ignore[method-assign]
        return engines

    settings = tiny_settings.model_copy(update={"store_url": f"sqlite:///{tmp_path / 's.db'}"})
    with live_server(settings, loader) as url, chromium() as browser:
        _open(browser, url)
        _fill(browser, SEED)
        assert entered.wait(60)
        wait_until(
            lambda: _js(browser, "return !document.getElementById('cancel').hidden"),
            timeout_s=10,
            what="the Cancel button",
        )
        browser.find_element("id", "cancel").click()
        wait_until(
            lambda: _js(browser, "return !document.getElementById('error').hidden"),
            timeout_s=30,
            what="the cancellation to show",
        )
        release.set()
        assert _js(browser, "return document.getElementById('error').textContent") == (
            "The job was cancelled."
        )
        stages = _js(
            browser, "return [...document.querySelectorAll('#stages li')].map(l => l.textContent)"
        )
        assert stages[-1] == "cancelled"
        assert _js(browser, "return document.getElementById('result').hidden") is True
        assert _js(browser, "return document.getElementById('run').disabled") is False
