"""Helpers the test modules import: the seed article, the error-envelope check, a tiny spec."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import fields
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from models.config import EngineConfig
from models.engines import Engines
from models.manifest import ModelSpec
from models.runtime import InferenceRunner

REPO_ROOT = Path(__file__).resolve().parent.parent
FIXTURES = REPO_ROOT / "tests" / "fixtures"
SEED = (FIXTURES / "seed_article.txt").read_text("utf-8")
# A factory of TestClients on one store (tests/service/conftest.py: make_client).
MakeClient = Callable[..., TestClient]


def translation_spec(family: str, pairs: tuple[str, ...] = ("*",)) -> ModelSpec:
    """A manifest row for a tiny translation model (for tests that load one directly)."""
    return ModelSpec(
        id=f"tiny/{family}",
        task="translation",
        family=family,
        languages=("en", "ru", "kk", "zh"),
        licence="test",
        size="",
        quality="",
        source={"kind": "local"},
        pairs=pairs,
    )


def assert_error(
    response: Any, status: int, kind: str, *, param: str | None = None
) -> dict[str, Any]:
    """Check the status and the error envelope; return the error body."""
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"}
    error = body["error"]
    assert set(error) == {"type", "message", "param"}
    assert error["type"] == kind, error
    assert error["message"]
    assert param is None or error["param"] == param, error
    out: dict[str, Any] = error
    return out


def engines_of(client: TestClient) -> Engines:
    """The engines the lifespan loaded for ``client`` (the TestClient keeps the lifespan state)."""
    engines = client.app_state["slot"].engines
    assert isinstance(engines, Engines), "the app's models are not loaded"
    return engines


def runner_of(client: TestClient) -> InferenceRunner:
    """The app's bounded inference runner."""
    runner = client.app_state["runner"]
    assert isinstance(runner, InferenceRunner)
    return runner


def wait_until(condition: Callable[[], bool], *, timeout_s: float, what: str) -> None:
    """Poll ``condition`` until it holds; fail the test if it does not within ``timeout_s``."""
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout_s} s waiting for {what}")
        time.sleep(0.02)


def join_all(threads: Iterable[threading.Thread], *, timeout_s: float) -> None:
    """Join every thread; fail the test if one is still running after ``timeout_s``."""
    deadline = time.monotonic() + timeout_s
    for thread in threads:
        thread.join(max(0.0, deadline - time.monotonic()))
        assert not thread.is_alive(), f"{thread.name} still running after {timeout_s} s"


class _KeptOpen(Engines):
    """Engines shared by several apps in one test: closing one app must not close them."""

    def close(self) -> None:
        """Left to the app that loaded them."""


def reuse_engines(client: TestClient) -> Callable[[EngineConfig], Engines]:
    """A ``create_app`` loader that hands out ``client``'s loaded engines instead of loading
    again (seconds per app on 2 cores), for tests that build several apps."""
    engines = engines_of(client)
    kept = _KeptOpen(**{f.name: getattr(engines, f.name) for f in fields(engines)})
    return lambda _config: kept


def translate_body(text: str | list[str] = "Hello world.") -> dict[str, Any]:
    """A /translate body with the source language given (no detection on a short text)."""
    return {"text": text, "target_lang": "ru", "source_lang": "en"}
