"""The job stores (service/store/jobs.py): SQLite and Redis keep the same records."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from servers import redis_server

from service.store import parse_store_url
from service.store.jobs import (
    FINISHED,
    UNFINISHED,
    CallbackState,
    JobRecord,
    JobStore,
    open_job_store,
)


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with redis_server(tmp_path_factory.mktemp("redis")) as url:
        yield url


def _record(job_id: str, status: str = "queued", *, at: float = 1000.0) -> JobRecord:
    return JobRecord(
        id=job_id,
        kind="summarize",
        status=status,  # type: ignore[arg-type]
        created_at=at,
        updated_at=at,
        request={"text": "Article text."},
        result={"headline": "Head"} if status == "done" else None,
        stages=["queued"],
        finished_at=at + 1 if status in FINISHED else None,
        callback=CallbackState("http://hook.local/x"),
    )


@pytest.fixture(params=["sqlite", "redis"])
def stores(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[JobStore, JobStore]]:
    """(a store that keeps text, one that does not) of the parametrised kind."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'jobs.db'}"
    else:
        url = request.getfixturevalue("redis_url")
        import redis

        redis.Redis.from_url(url).flushdb()
    location = parse_store_url(url)
    keeping = open_job_store(location, keep_text=True)
    plain = open_job_store(location, keep_text=False)
    yield keeping, plain
    keeping.close()
    plain.close()


def test_round_trip_and_indexes(stores: tuple[JobStore, JobStore]) -> None:
    store, _ = stores
    assert store.get("a") is None
    store.put(_record("a", at=1000))
    store.put(_record("b", "running", at=1001))
    store.put(_record("c", "done", at=999))
    store.put(_record("d", "failed", at=1002))
    back = store.get("a")
    assert back == _record("a", at=1000)
    assert [r.id for r in store.unfinished()] == ["a", "b"]
    assert store.count(UNFINISHED) == 2 and store.count(FINISHED) == 2
    assert store.count((*UNFINISHED, *FINISHED)) == 4
    assert store.finished_ids() == ["c", "d"]
    assert store.finished_ids(before=1001.5) == ["c"]
    assert store.finished_ids(limit=1) == ["c"]
    finished = _record("a", "cancelled", at=1000)
    store.put(finished)  # a job moves from the unfinished index to the finished one
    assert [r.id for r in store.unfinished()] == ["b"]
    assert store.finished_ids() == ["c", "a", "d"]  # by finishing time
    store.delete("c")
    assert store.get("c") is None and store.finished_ids() == ["a", "d"]


def test_text_is_left_out_unless_kept(stores: tuple[JobStore, JobStore]) -> None:
    _, plain = stores
    plain.put(_record("t", "done"))
    back = plain.get("t")
    assert back is not None
    assert back.request is None and back.result is None
    assert back.status == "done" and back.callback == CallbackState("http://hook.local/x")


def test_sqlite_table_is_in_the_store_file(tmp_path: Path) -> None:
    store = open_job_store(
        parse_store_url(f"sqlite:///{tmp_path / 'sub' / 's.db'}"), keep_text=False
    )
    store.put(_record("x", at=time.time()))
    store.close()
    import sqlite3

    with sqlite3.connect(tmp_path / "sub" / "s.db") as db:
        rows = db.execute("SELECT id, kind, status FROM jobs").fetchall()
    assert rows == [("x", "summarize", "queued")]
