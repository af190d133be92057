"""Request ids, access log, /metrics, 405 Allow, CORS, JSON logs, body checks, 504, messages."""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from helpers import assert_error, join_all, runner_of, wait_until

from models.config import EngineConfig
from models.engines import Engines, load_engines
from service.main import create_app
from service.settings import Settings

SECRET = "Embargoed: the minister resigns at noon."


def _metric(text: str, name: str, **labels: str) -> float:
    """The value of one sample in a Prometheus text exposition (fails when absent)."""
    for line in text.splitlines():
        if line.startswith("#") or not line.startswith(name):
            continue
        match = re.fullmatch(r"([a-z_:]+)(\{(.*)\})? (\S+)", line)
        assert match, line
        if match.group(1) != name:
            continue
        found = dict(re.findall(r'(\w+)="([^"]*)"', match.group(3) or ""))
        if all(found.get(k) == v for k, v in labels.items()):
            return float(match.group(4))
    raise AssertionError(f"no sample {name}{labels} in /metrics")


def test_request_id_is_echoed_or_generated_on_every_response(client: TestClient) -> None:
    r = client.get("/health", headers={"X-Request-ID": "desk-7.abc:42"})
    assert r.status_code == 200 and r.headers["X-Request-ID"] == "desk-7.abc:42"
    for bad in ("has space", "x" * 200, "<script>"):
        r = client.get("/health", headers={"X-Request-ID": bad})
        assert re.fullmatch(r"[0-9a-f]{32}", r.headers["X-Request-ID"]), bad
    r = client.post("/translate", json={"text": "", "target_lang": "ru"})
    assert r.status_code == 422 and re.fullmatch(r"[0-9a-f]{32}", r.headers["X-Request-ID"])
    r = client.get("/nope", headers={"X-Request-ID": "abc"})
    assert r.status_code == 404 and r.headers["X-Request-ID"] == "abc"


def test_access_log_has_route_status_length_and_hash_but_no_text(
    client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level("INFO")
    r = client.post(
        "/translate",
        json={"text": SECRET, "target_lang": "ru", "source_lang": "en", "cache": False},
        headers={"X-Request-ID": "log-check-1"},
    )
    assert r.status_code == 200, r.text
    [line] = [rec for rec in caplog.records if rec.name == "service.access"]
    assert line.getMessage().startswith("POST /translate 200 ")
    assert line.request_id == "log-check-1"
    assert line.route == "/translate"
    assert line.body_bytes == len(r.request.content)
    assert re.fullmatch(r"[0-9a-f]{16}", line.body_sha256)
    assert "minister" not in caplog.text and "Embargoed" not in caplog.text


def test_json_logs(tiny_settings: Settings, capsys: pytest.CaptureFixture[str]) -> None:
    settings = tiny_settings.model_copy(update={"log_format": "json"})
    with TestClient(create_app(settings)) as c:
        capsys.readouterr()
        assert c.get("/health", headers={"X-Request-ID": "json-1"}).status_code == 200
    lines = [json.loads(x) for x in capsys.readouterr().err.splitlines() if x.startswith("{")]
    [access] = [x for x in lines if x.get("logger") == "service.access"]
    assert access["request_id"] == "json-1" and access["status"] == 200
    assert access["route"] == "/health" and access["method"] == "GET"
    assert access["level"] == "INFO" and "duration_ms" in access and "time" in access


def test_405_has_allow(client: TestClient) -> None:
    r = client.get("/translate")
    assert_error(r, 405, "method_not_allowed")
    assert r.headers["Allow"] == "POST"
    r = client.delete("/health")
    assert_error(r, 405, "method_not_allowed")
    assert r.headers["Allow"] == "GET"
    # a path served by two routes lists both methods (Starlette names only the first)
    r = client.put("/glossaries", json={})
    assert_error(r, 405, "method_not_allowed")
    assert r.headers["Allow"] == "GET, POST"
    r = client.put("/jobs/some-id", json={})
    assert r.status_code == 405 and r.headers["Allow"] == "DELETE, GET"


def test_cors_is_off_by_default_and_follows_the_allow_list(
    client: TestClient, tiny_settings: Settings
) -> None:
    preflight = {"Origin": "https://desk.example.org", "Access-Control-Request-Method": "POST"}
    r = client.get("/health", headers={"Origin": "https://desk.example.org"})
    assert "access-control-allow-origin" not in r.headers
    settings = tiny_settings.model_copy(update={"cors_allow_origins": "https://desk.example.org"})
    with TestClient(create_app(settings)) as c:
        r = c.options("/translate", headers=preflight)
        assert r.status_code == 200
        assert r.headers["access-control-allow-origin"] == "https://desk.example.org"
        r = c.get("/health", headers={"Origin": "https://desk.example.org"})
        assert r.headers["access-control-allow-origin"] == "https://desk.example.org"
        assert "X-Request-ID" in r.headers["access-control-expose-headers"]
        r = c.get("/health", headers={"Origin": "https://evil.example.com"})
        assert "access-control-allow-origin" not in r.headers


def test_operational_settings_are_validated(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ValueError, match="CORS_ALLOW_ORIGINS"):
        Settings(cors_allow_origins="desk.example.org")
    with pytest.raises(ValueError, match="request_timeout_s"):
        Settings(request_timeout_s=0)
    with pytest.raises(ValueError, match="drain_timeout_s"):
        Settings(drain_timeout_s=0)
    with pytest.raises(ValueError, match="log_format"):
        Settings(log_format="xml")  # type: ignore[arg-type]
    monkeypatch.setenv("CORS_ALLOW_ORIGINS", "https://a.example, https://b.example:8443")
    monkeypatch.setenv("REQUEST_TIMEOUT_S", "42.5")
    monkeypatch.setenv("LOG_FORMAT", "json")
    settings = Settings()
    assert settings.cors_origins() == ["https://a.example", "https://b.example:8443"]
    assert settings.request_timeout_s == 42.5 and settings.log_format == "json"
    assert Settings.model_fields["request_timeout_s"].default == 600


def test_body_checks(client: TestClient) -> None:
    # the cap holds for a chunked body too (a generator: no Content-Length)
    def chunks() -> Iterator[bytes]:
        yield b'{"text": "'
        for _ in range(300):
            yield b"x" * 1000
        yield b'", "target_lang": "ru"}'

    r = client.post("/translate", content=chunks(), headers={"Content-Type": "application/json"})
    error = assert_error(r, 413, "input_too_long")
    assert "200000" in error["message"] and "X-Request-ID" in r.headers
    r = client.post(
        "/translate",
        content=b'{"text": "caf\xe9", "target_lang": "ru"}',
        headers={"Content-Type": "application/json"},
    )
    assert "UTF-8" in assert_error(r, 422, "invalid_json")["message"]
    r = client.post("/translate", data={"text": "Hi", "target_lang": "ru"})
    assert "application/json" in assert_error(r, 415, "unsupported_media_type")["message"]
    # form bodies pass the checks on the compatible APIs' paths: their routes answer, in
    # their own error shapes (a required field is missing here)
    r = client.post("/v2/translate", data={"text": "Hi"})
    assert (r.status_code, r.json()) == (400, {"message": "Parameter 'target_lang' not specified."})
    r = client.post("/libretranslate/translate", data={"q": "Hi", "source": "en"})
    assert r.status_code == 400 and "target" in r.json()["error"], r.text
    # ... and a body over the cap is refused in those shapes too
    big = "x" * 200_001
    r = client.post("/v2/translate", data={"text": big, "target_lang": "RU"})
    assert r.status_code == 413 and "MAX_BODY_BYTES" in r.json()["message"], r.text
    r = client.post("/libretranslate/translate", json={"q": big, "target": "ru"})
    assert r.status_code == 413 and "MAX_BODY_BYTES" in r.json()["error"], r.text


def test_validation_messages_name_the_item_and_the_limit(client: TestClient) -> None:
    error = assert_error(
        client.post("/translate", json={"text": ["a", "b", "c", ""], "target_lang": "ru"}),
        422,
        "invalid_request",
        param="text[3]",
    )
    assert error["message"] == "text[3]: must not be empty"
    error = assert_error(
        client.post("/translate", json={"text": ["a", "  "], "target_lang": "ru"}),
        422,
        "invalid_request",
        param="text[1]",
    )
    assert error["message"] == "text[1]: must contain non-whitespace characters"
    error = assert_error(
        client.post("/translate", json={"text": ["a"] * 65, "target_lang": "ru"}),
        422,
        "invalid_request",
        param="text",
    )
    assert error["message"] == "text: at most 64 items, got 65"


def test_short_english_is_detected_as_english(client: TestClient) -> None:
    r = client.post("/translate", json={"text": "Hello.", "target_lang": "ru", "cache": False})
    assert r.status_code == 200, r.text
    assert r.json()["source_lang"] == "en" and len(r.json()["translations"]) == 1
    r = client.post(
        "/summarize",
        json={"text": "The minister met the ambassador. " * 10, "engine": "extractive"},
    )
    assert r.status_code == 200, r.text
    assert r.json()["source_lang"] == "en"


class _Gate:
    def __init__(self) -> None:
        self.entered = threading.Event()
        self.release = threading.Event()


@pytest.fixture
def gated(tiny_settings: Settings) -> Iterator[tuple[TestClient, _Gate]]:
    """One worker, one queue slot, a 1 s deadline; translation blocks until released."""
    gate = _Gate()

    def loader(config: EngineConfig) -> Engines:
        engines = load_engines(config)
        original = engines.translation.translate

        def slow(*args: Any, **kwargs: Any) -> Any:
            gate.entered.set()
            assert gate.release.wait(30)
            return original(*args, **kwargs)

        engines.translation.translate = slow  # type: ignore[method-assign]
        return engines

    settings = tiny_settings.model_copy(
        update={"max_queue": 1, "inference_workers": 1, "request_timeout_s": 1.0}
    )
    with TestClient(create_app(settings, loader=loader)) as c:
        yield c, gate
        gate.release.set()


def test_deadline_504_and_metrics_for_queue_429_and_413(
    gated: tuple[TestClient, _Gate],
) -> None:
    client, gate = gated
    body = {"text": "Hi there.", "target_lang": "ru", "source_lang": "en", "cache": False}
    results: list[Any] = []
    threads = [
        threading.Thread(target=lambda: results.append(client.post("/translate", json=body)))
        for _ in range(2)
    ]
    threads[0].start()
    assert gate.entered.wait(30)
    threads[1].start()
    runner = runner_of(client)
    wait_until(lambda: runner.pending == 2, timeout_s=5, what="one running, one queued")
    text = client.get("/metrics").text
    assert _metric(text, "news_queue_depth") == 1
    assert _metric(text, "news_inference_running") == 1
    r = client.post("/translate", json=body)
    assert_error(r, 429, "overloaded")
    assert r.headers["Retry-After"] == "5"
    big = {"text": "x" * 300_000, "target_lang": "ru"}
    assert_error(client.post("/translate", json=big), 413, "input_too_long")
    join_all(threads, timeout_s=10)
    for r in results:
        error = assert_error(r, 504, "timeout")
        assert "REQUEST_TIMEOUT_S" in error["message"]
    gate.release.set()
    wait_until(lambda: runner.pending == 0, timeout_s=10, what="the running call to end")
    text = client.get("/metrics").text
    assert _metric(text, "news_http_rejected_total", status="429") == 1
    assert _metric(text, "news_http_rejected_total", status="413") == 1
    labels = {"method": "POST", "route": "/translate"}
    assert _metric(text, "news_http_requests_total", **labels, status="504") == 2
    assert _metric(text, "news_http_requests_total", **labels, status="429") == 1
    assert _metric(text, "news_http_request_duration_seconds_count", **labels, status="504") == 2
    assert _metric(text, "news_queue_depth") == 0
    assert _metric(text, "news_model_load_seconds", model="tiny/marian") >= 0
    # the queued call was dropped at its deadline: only the running one reached the model
    assert _metric(text, "news_model_batch_size_count", model="tiny/marian") == 1
    assert "news_model_generated_tokens_total" in text
    assert _metric(text, "news_http_requests_in_flight") == 1  # this scrape itself


def test_500_carries_the_request_id(tiny_settings: Settings) -> None:
    def loader(config: EngineConfig) -> Engines:
        engines = load_engines(config)

        def boom(*_args: Any, **_kwargs: Any) -> Any:
            raise KeyError("internal")

        engines.translation.translate = boom  # type: ignore[method-assign]
        return engines

    app = create_app(tiny_settings, loader=loader)
    with TestClient(app, raise_server_exceptions=False) as c:
        r = c.post(
            "/translate",
            json={"text": "Hi", "target_lang": "ru", "source_lang": "en"},
            headers={"X-Request-ID": "boom-1"},
        )
        assert_error(r, 500, "internal_error")
        assert r.headers["X-Request-ID"] == "boom-1"
        text = c.get("/metrics").text
        labels = {"method": "POST", "route": "/translate", "status": "500"}
        assert _metric(text, "news_http_requests_total", **labels) == 1


def test_metrics_count_tokens_and_batches_of_the_model_used(client: TestClient) -> None:
    before = client.get("/metrics").text
    r = client.post(
        "/translate",
        json={
            "text": "Trade talks resumed.",
            "target_lang": "ru",
            "source_lang": "en",
            "cache": False,
        },
    )
    assert r.status_code == 200, r.text
    model = r.json()["model"]
    after = client.get("/metrics").text
    for name in ("news_model_generated_tokens_total", "news_model_batch_size_count"):
        assert _metric(after, name, model=model) > _metric(before, name, model=model), name
    assert r.headers["content-type"].startswith("application/json")
    assert client.get("/metrics").headers["content-type"].startswith("text/plain")
