"""The result cache: identical requests are served from memory, bounded, and bypassable."""

from __future__ import annotations

import asyncio
import threading
from typing import Any

import pytest
from fastapi.testclient import TestClient
from helpers import join_all

from service.cache import ResultCache

BODY = {"text": "Trade between the two countries grew.", "target_lang": "ru", "source_lang": "en"}


def _stats(client: TestClient, route: str) -> Any:
    return getattr(client.app_state["caches"], route).stats


def test_an_identical_request_is_a_hit_with_the_same_body(client: TestClient) -> None:
    body = {**BODY, "text": "The ministry published the report on Monday."}
    first = client.post("/translate", json=body)
    second = client.post("/translate", json=body)
    assert first.status_code == second.status_code == 200
    assert (first.headers["X-Cache"], second.headers["X-Cache"]) == ("miss", "hit")
    assert first.json() == second.json()
    other = client.post("/translate", json={**body, "target_lang": "kk"})
    assert other.headers["X-Cache"] == "miss"


def test_cache_false_always_runs_the_models(client: TestClient) -> None:
    body = {**BODY, "text": "Officials met on Tuesday.", "cache": False}
    before = _stats(client, "translations").hits
    assert client.post("/translate", json=body).headers["X-Cache"] == "miss"
    assert client.post("/translate", json=body).headers["X-Cache"] == "miss"
    assert _stats(client, "translations").hits == before


def test_summaries_are_cached_too(client: TestClient) -> None:
    body = {
        "text": "The council met. It approved the budget for the new school.",
        "engine": "extractive",
    }
    assert client.post("/summarize", json=body).headers["X-Cache"] == "miss"
    assert client.post("/summarize", json=body).headers["X-Cache"] == "hit"


def test_concurrent_identical_requests_run_once(client: TestClient) -> None:
    body = {**BODY, "text": "Exporters asked the bank to lower its rates."}
    stats = _stats(client, "translations")
    misses, joined, hits = stats.misses, stats.joined, stats.hits
    results: list[Any] = []
    threads = [
        threading.Thread(target=lambda: results.append(client.post("/translate", json=body)))
        for _ in range(4)
    ]
    for t in threads:
        t.start()
    join_all(threads, timeout_s=60)
    assert [r.status_code for r in results] == [200] * 4
    assert len({r.text for r in results}) == 1
    assert stats.misses == misses + 1  # one ran the models
    assert (stats.joined - joined) + (stats.hits - hits) == 3


def test_the_cache_is_bounded_and_failures_are_not_cached() -> None:
    async def scenario() -> None:
        cache: ResultCache[int] = ResultCache(2)
        calls: list[str] = []

        def run(value: int) -> Any:
            async def compute() -> int:
                calls.append(str(value))
                return value

            return compute

        for key in ("a", "b", "c"):
            assert await cache.get_or_run(key, run(ord(key))) == (ord(key), False)
        assert await cache.get_or_run("c", run(0)) == (ord("c"), True)
        assert await cache.get_or_run("a", run(1)) == (1, False)  # evicted: oldest went first
        assert cache.stats.entries == 2

        async def boom() -> int:
            raise RuntimeError("model failed")

        for _ in range(2):
            with pytest.raises(RuntimeError):
                await cache.get_or_run("x", boom)
        assert cache.stats.entries == 2

    asyncio.run(scenario())
