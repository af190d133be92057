"""Through a real uvicorn process: load at twice capacity, SIGTERM with work queued, a 1 GB
chunked body. Tiny models; FIXED_NEW_TOKENS makes each request take a known while, so that
the requests overlap and the queue really fills."""

from __future__ import annotations

import statistics
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import psutil
import pytest
from helpers import join_all, wait_until
from server_process import ServerProcess

from service.schemas import TranslateResponse

WORKERS, QUEUE = 2, 2
CAPACITY = WORKERS + QUEUE
BODY = {
    "text": "Kazakhstan and China discussed trade.",
    "target_lang": "ru",
    "source_lang": "en",
    "cache": False,
}
SLOW = {"MICRO_BATCHING": "false", "FIXED_NEW_TOKENS": "400"}


def _check_translation(response: httpx.Response) -> None:
    """A correct /translate body: the schema, one aligned translation, the languages."""
    body = TranslateResponse.model_validate(response.json())
    assert body.source_lang == "en" and body.target_lang == "ru"
    assert len(body.translations) == 1 and len(body.quality) == 1
    assert body.model == "tiny/marian"


def _fire(url: str, count: int) -> list[tuple[httpx.Response, float]]:
    """``count`` concurrent POST /translate, each on its own connection."""
    out: list[tuple[httpx.Response, float]] = []
    lock = threading.Lock()
    start = threading.Barrier(count)

    def one() -> None:
        start.wait()
        began = time.perf_counter()
        r = httpx.post(f"{url}/translate", json=BODY, timeout=120)
        with lock:
            out.append((r, time.perf_counter() - began))

    threads = [threading.Thread(target=one) for _ in range(count)]
    for thread in threads:
        thread.start()
    join_all(threads, timeout_s=180)
    return out


@pytest.fixture(scope="module")
def server(tiny_root: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    env = {
        **SLOW,
        "INFERENCE_WORKERS": str(WORKERS),
        "MAX_QUEUE": str(QUEUE),
        "MAX_BODY_BYTES": "1000000",
    }
    with ServerProcess(tiny_root, tmp_path_factory.mktemp("uvicorn"), **env) as process:
        yield process


def test_load_at_twice_capacity(server: ServerProcess) -> None:
    waves, statuses, latencies = 5, [], []
    for _ in range(waves):
        results = _fire(server.url, 2 * CAPACITY)
        for response, seconds in results:
            statuses.append(response.status_code)
            if response.status_code == 200:
                _check_translation(response)
                latencies.append(seconds)
            else:
                assert response.status_code == 429, response.text
                assert response.headers["Retry-After"] == "5"
                assert response.json()["error"]["type"] == "overloaded"
    # at most CAPACITY of each wave can be accepted while the first ones still run
    accepted = statuses.count(200)
    assert CAPACITY * waves <= accepted < len(statuses), statuses
    quantiles = statistics.quantiles(latencies, n=20)
    print(
        f"\nload: {waves} waves of {2 * CAPACITY} concurrent (capacity {CAPACITY}); "
        f"200: {accepted}, 429: {statuses.count(429)}; "
        f"p50 {statistics.median(latencies):.2f} s, p95 {quantiles[18]:.2f} s"
    )
    metrics = httpx.get(f"{server.url}/metrics").text
    assert 'news_http_rejected_total{status="429"}' in metrics


def test_one_gigabyte_chunked_body_is_413_with_bounded_memory(server: ServerProcess) -> None:
    process = psutil.Process(server.pid)
    before = process.memory_info().rss
    chunk = b"x" * (1 << 20)
    sent = [0]

    def body() -> Iterator[bytes]:
        yield b'{"text": "'
        for _ in range(1024):
            sent[0] += len(chunk)
            yield chunk
        yield b'", "target_lang": "ru"}'

    began = time.perf_counter()
    r = httpx.post(
        f"{server.url}/translate",
        content=body(),
        headers={"Content-Type": "application/json"},
        timeout=300,
    )
    elapsed = time.perf_counter() - began
    after = process.memory_info().rss
    assert r.status_code == 413, r.text
    assert sent[0] == 1 << 30  # the whole body went out: the server discarded it, no reset
    assert r.json()["error"]["type"] == "input_too_long"
    assert "1000000" in r.json()["error"]["message"]
    grown_mb = (after - before) / 2**20
    print(
        f"\n1 GB chunked: 413 after {elapsed:.1f} s; RSS {before / 2**20:.0f} -> "
        f"{after / 2**20:.0f} MB"
    )
    assert grown_mb < 100, f"server RSS grew by {grown_mb:.0f} MB"
    # the connection and the server are fine afterwards
    assert httpx.get(f"{server.url}/health").status_code == 200


def test_sigterm_lets_running_and_queued_requests_finish(tiny_root: Path, tmp_path: Path) -> None:
    env = {**SLOW, "INFERENCE_WORKERS": "1", "MAX_QUEUE": "4", "DRAIN_TIMEOUT_S": "60"}
    with ServerProcess(tiny_root, tmp_path, **env) as server:
        results: list[Any] = []
        thread = threading.Thread(target=lambda: results.extend(_fire(server.url, 4)))
        thread.start()

        def queued() -> int:
            text = httpx.get(f"{server.url}/metrics").text
            line = next(x for x in text.splitlines() if x.startswith("news_queue_depth "))
            return int(float(line.split()[1]))

        wait_until(lambda: queued() >= 2, timeout_s=30, what="requests to wait in the queue")
        server.terminate()
        join_all([thread], timeout_s=120)
        assert [r.status_code for r, _ in results] == [200] * 4, [r.text for r, _ in results]
        for response, _ in results:
            _check_translation(response)
        # uvicorn re-raises the SIGTERM it caught once it has shut down cleanly
        assert server.wait(60) in (0, -15)
        with pytest.raises(httpx.ConnectError):
            httpx.get(f"{server.url}/health", timeout=2)
        assert "Finished server process" in server.log()
