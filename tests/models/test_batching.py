"""Cross-request micro-batching: merging, limits, ordering, failures, and through HTTP."""

from __future__ import annotations

import threading
from collections.abc import Hashable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from helpers import engines_of, join_all, wait_until

from models.batching import MicroBatcher
from models.config import BatchConfig
from service.main import create_app
from service.settings import Settings


class _Model:
    """Records the batches it runs; blocks the first batch until released."""

    def __init__(self, hold_first: bool = False) -> None:
        self.batches: list[tuple[Hashable, list[Any]]] = []
        self.started = threading.Event()
        self.release = threading.Event()
        if not hold_first:
            self.release.set()

    def __call__(self, key: Hashable, payloads: list[Any]) -> list[Any]:
        self.batches.append((key, list(payloads)))
        self.started.set()
        assert self.release.wait(10)
        return [f"{key}:{p}" for p in payloads]


def _call(
    batcher: MicroBatcher, key: str, payloads: list[str], out: dict[str, Any]
) -> threading.Thread:
    def run() -> None:
        try:
            out[payloads[0]] = batcher.map(key, payloads, [len(p) for p in payloads])
        except Exception as exc:  # noqa: BLE001 - the test inspects it
            out[payloads[0]] = exc

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def test_concurrent_callers_share_a_batch_and_get_their_own_results() -> None:
    model = _Model(hold_first=True)
    batcher = MicroBatcher("t", model, BatchConfig(wait_ms=50, max_batch_size=8))
    out: dict[str, Any] = {}
    first = _call(batcher, "en-ru", ["a1"], out)
    assert model.started.wait(5)  # the model is busy with a1; the next callers queue up
    others = [_call(batcher, "en-ru", [f"b{i}", f"c{i}"], out) for i in range(3)]
    wait_until(lambda: batcher.pending == 6, timeout_s=5, what="six queued items")
    model.release.set()
    join_all([first, *others], timeout_s=10)
    assert out["a1"] == ["en-ru:a1"]
    for i in range(3):
        assert out[f"b{i}"] == [f"en-ru:b{i}", f"en-ru:c{i}"]
    assert [len(p) for _, p in model.batches] == [1, 6]  # three requests merged into one call
    assert batcher.stats.largest == 6 and batcher.stats.items == 7
    batcher.close()


def test_batches_never_mix_keys_and_respect_size_and_token_limits() -> None:
    model = _Model(hold_first=True)
    batcher = MicroBatcher(
        "t", model, BatchConfig(wait_ms=50, max_batch_size=3, max_batch_tokens=8)
    )
    out: dict[str, Any] = {}
    threads = [_call(batcher, "warm", ["w"], out)]
    assert model.started.wait(5)
    threads += [
        _call(batcher, "en-ru", ["x1", "x2", "x3", "x4"], out),
        _call(batcher, "en-kk", ["k1"], out),
        _call(batcher, "en-ru", ["long-payload"], out),
    ]
    wait_until(lambda: batcher.pending == 6, timeout_s=5, what="six queued items")
    model.release.set()
    join_all(threads, timeout_s=10)
    for key, payloads in model.batches:
        owner = {"en-ru": ("x", "long"), "en-kk": ("k",), "warm": ("w",)}[str(key)]
        assert all(p.startswith(owner) for p in payloads), (key, payloads)
        assert len(payloads) <= 3
        # padded width x rows stays within the token budget (single oversized items pass alone)
        assert len(payloads) == 1 or len(payloads) * max(len(p) for p in payloads) <= 8
    keys = [key for key, _ in model.batches]
    assert keys.count("en-kk") == 1
    assert out["x1"] == ["en-ru:x1", "en-ru:x2", "en-ru:x3", "en-ru:x4"]
    assert out["long-payload"] == ["en-ru:long-payload"]
    batcher.close()


def test_a_failing_batch_fails_every_caller_in_it() -> None:
    def broken(_key: Hashable, _payloads: list[Any]) -> list[Any]:
        raise RuntimeError("model crashed")

    batcher = MicroBatcher("t", broken, BatchConfig(wait_ms=1))
    with pytest.raises(RuntimeError, match="model crashed"):
        batcher.map("k", ["a", "b"], [1, 1])
    # the worker survives and serves the next call
    batcher._run = lambda _key, payloads: [p.upper() for p in payloads]
    assert batcher.map("k", ["c"], [1]) == ["C"]
    batcher.close()


def test_disabled_batching_runs_in_the_caller_in_length_sorted_chunks() -> None:
    model = _Model()
    batcher = MicroBatcher("t", model, BatchConfig(enabled=False, max_batch_size=2))
    result = batcher.map("k", ["ccc", "a", "bb"], [3, 1, 2])
    assert result == ["k:ccc", "k:a", "k:bb"]
    assert [p for _, p in model.batches] == [["a", "bb"], ["ccc"]]
    assert batcher._threads == []


def test_with_several_workers_a_batch_starts_while_another_runs() -> None:
    """A backend that schedules rows itself gets the next batch at once (workers=2); with
    one worker the same batch waits until the first one ends."""
    for workers, concurrent in ((2, True), (1, False)):
        model = _Model(hold_first=True)
        second = threading.Event()

        def run(
            key: Hashable, payloads: list[Any], model: _Model = model, second: Any = second
        ) -> list[Any]:
            if model.started.is_set():
                second.set()
            return model(key, payloads)

        batcher = MicroBatcher("t", run, BatchConfig(wait_ms=1), workers=workers)
        out: dict[str, Any] = {}
        first = _call(batcher, "en-ru", ["a1"], out)
        assert model.started.wait(5)
        later = _call(batcher, "en-ru", ["b1"], out)
        # the second batch reaches the model before the first one is released, or not
        assert second.wait(1.0) is concurrent
        if concurrent:
            assert batcher.stats.running == 2
        model.release.set()
        join_all([first, later], timeout_s=10)
        assert out == {"a1": ["en-ru:a1"], "b1": ["en-ru:b1"]}
        assert batcher.stats.items == 2 and batcher.stats.running == 0
        batcher.close()
    with pytest.raises(ValueError, match="at least one worker"):
        MicroBatcher("t", run, BatchConfig(), workers=0)


def test_closed_batcher_refuses_work() -> None:
    batcher = MicroBatcher("t", _Model(), BatchConfig())
    batcher.close()
    with pytest.raises(RuntimeError, match="stopped"):
        batcher.map("k", ["a"], [1])


def test_concurrent_http_requests_are_batched_together(tiny_settings: Settings) -> None:
    settings = tiny_settings.model_copy(update={"batch_wait_ms": 200.0, "max_batch_size": 16})
    with TestClient(create_app(settings)) as client:
        solo = client.post(
            "/translate", json={"text": "Trade grew.", "target_lang": "ru", "source_lang": "en"}
        ).json()["translations"]
        batcher = engines_of(client).translation.batchers["tiny/marian"]
        before = batcher.stats.batches
        results: list[Any] = []

        def post(i: int) -> None:
            results.append(
                client.post(
                    "/translate",
                    json={
                        "text": ["Trade grew.", f"Item {i}."],
                        "target_lang": "ru",
                        "source_lang": "en",
                    },
                )
            )

        threads = [threading.Thread(target=post, args=(i,)) for i in range(6)]
        for t in threads:
            t.start()
        join_all(threads, timeout_s=60)
        assert [r.status_code for r in results] == [200] * 6
        assert all(len(r.json()["translations"]) == 2 for r in results)
        # 12 segments from 6 requests ran in fewer generate() calls than requests
        assert batcher.stats.batches - before < 6
        assert batcher.stats.largest > 2
        # the same sentence translates the same inside a shared batch as alone
        assert all(r.json()["translations"][0] == solo[0] for r in results)


def test_concurrent_summaries_share_llm_batches(tiny_settings: Settings) -> None:
    """Sentence scoring of concurrent articles runs in shared passes (LLM_BATCH_WAIT_MS)."""
    settings = tiny_settings.model_copy(update={"llm_batch_wait_ms": 500.0, "max_batch_size": 8})
    text = (
        "The council met on Monday. Residents asked the council to repair the bridge. "
        "The mayor said work would start soon."
    )
    with TestClient(create_app(settings)) as client:
        llm = engines_of(client).llm
        assert llm is not None
        assert llm.generation_batcher.config.wait_ms == 500.0
        # scoring rows are single forward passes: four times the generation batch size
        assert llm.scoring_batcher.config.max_batch_size == 32
        results: list[Any] = []

        def post() -> None:
            results.append(
                client.post("/summarize", json={"text": text, "engine": "llm", "cache": False})
            )

        threads = [threading.Thread(target=post) for _ in range(3)]
        for t in threads:
            t.start()
        join_all(threads, timeout_s=120)
        assert [r.status_code for r in results] == [200] * 3
        # one article gives 4 rows per scoring pass (3 sentences + the content-free probe)
        assert llm.scoring_batcher.stats.largest > 4
