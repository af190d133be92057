"""Jobs kept where ``STORE_URL`` says: the ``jobs`` table of the SQLite file, or Redis.

A job is one JSON document (``JobRecord.to_doc``); the store indexes it by id, status and
creation time. The request and the result hold article text, so they are written only when
the operator turns ``JOBS_STORE_TEXT`` on; otherwise the manager keeps them in memory and
the store holds the job's status alone.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from dataclasses import asdict, dataclass, field
from typing import Any, Literal, Protocol, cast, get_args

from service.store import StoreLocation

JobKind = Literal["summarize", "translate"]
JobStatus = Literal["queued", "running", "done", "failed", "cancelled"]
UNFINISHED: tuple[JobStatus, ...] = ("queued", "running")
FINISHED: tuple[JobStatus, ...] = ("done", "failed", "cancelled")
assert set(UNFINISHED + FINISHED) == set(get_args(JobStatus))
TEXT_FIELDS = ("request", "result")


@dataclass
class CallbackState:
    """Where the final job document goes, and how delivering it went."""

    url: str
    delivered: bool = False
    attempts: int = 0
    last_status: int | None = None
    last_error: str | None = None


@dataclass
class JobRecord:
    """One job. Times are Unix seconds; ``stages`` lists the stages started, in order;
    ``owner`` is the replica running it, which refreshes ``updated_at`` while it does."""

    id: str
    kind: JobKind
    status: JobStatus
    created_at: float
    updated_at: float
    request: dict[str, Any] | None = None
    result: dict[str, Any] | None = None
    stages: list[str] = field(default_factory=list)
    started_at: float | None = None
    finished_at: float | None = None
    error: dict[str, Any] | None = None
    error_status: int | None = None
    runs: int = 0
    notes: list[str] = field(default_factory=list)
    callback: CallbackState | None = None
    owner: str | None = None

    @property
    def finished(self) -> bool:
        """Whether the job has reached a final status."""
        return self.status in FINISHED

    def to_doc(self, *, keep_text: bool) -> dict[str, Any]:
        """The record as JSON-ready data; without ``keep_text`` the request and result are
        left out."""
        doc = asdict(self)
        if not keep_text:
            for name in TEXT_FIELDS:
                doc[name] = None
        return doc

    @classmethod
    def from_doc(cls, doc: dict[str, Any]) -> JobRecord:
        """A record from ``to_doc``'s data."""
        callback = doc.get("callback")
        return cls(**{**doc, "callback": CallbackState(**callback) if callback else None})


class JobStore(Protocol):
    """What the job manager needs of a store (blocking calls; the manager runs them in a
    thread)."""

    def put(self, record: JobRecord) -> None:
        """Insert or replace ``record``."""

    def get(self, job_id: str) -> JobRecord | None:
        """The job, or None."""

    def delete(self, job_id: str) -> None:
        """Forget the job."""

    def unfinished(self) -> list[JobRecord]:
        """Queued and running jobs, oldest first."""

    def count(self, statuses: tuple[JobStatus, ...]) -> int:
        """How many jobs have one of ``statuses``."""

    def finished_ids(self, *, before: float | None = None, limit: int = 100) -> list[str]:
        """Finished jobs, oldest first; only those finished before ``before`` if given."""

    def close(self) -> None:
        """Release the connection."""


class SQLiteJobStore:
    """The ``jobs`` table of the service's SQLite file (WAL, so readers never wait)."""

    def __init__(self, path: str, *, keep_text: bool) -> None:
        self.keep_text = keep_text
        self._lock = threading.Lock()
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA busy_timeout=5000")
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS jobs (id TEXT PRIMARY KEY, kind TEXT NOT NULL, "
            "status TEXT NOT NULL, created_at REAL NOT NULL, finished_at REAL, "
            "doc TEXT NOT NULL)"
        )
        self._db.execute("CREATE INDEX IF NOT EXISTS jobs_status ON jobs (status, created_at)")

    def put(self, record: JobRecord) -> None:
        """Insert or replace ``record``."""
        doc = json.dumps(record.to_doc(keep_text=self.keep_text), ensure_ascii=False)
        with self._lock:
            self._db.execute(
                "INSERT OR REPLACE INTO jobs VALUES (?, ?, ?, ?, ?, ?)",
                (
                    record.id,
                    record.kind,
                    record.status,
                    record.created_at,
                    record.finished_at,
                    doc,
                ),
            )

    def get(self, job_id: str) -> JobRecord | None:
        """The job, or None."""
        with self._lock:
            row = self._db.execute("SELECT doc FROM jobs WHERE id = ?", (job_id,)).fetchone()
        return JobRecord.from_doc(json.loads(row[0])) if row else None

    def delete(self, job_id: str) -> None:
        """Forget the job."""
        with self._lock:
            self._db.execute("DELETE FROM jobs WHERE id = ?", (job_id,))

    def unfinished(self) -> list[JobRecord]:
        """Queued and running jobs, oldest first."""
        with self._lock:
            rows = self._db.execute(
                "SELECT doc FROM jobs WHERE status IN (?, ?) ORDER BY created_at", UNFINISHED
            ).fetchall()
        return [JobRecord.from_doc(json.loads(r[0])) for r in rows]

    def count(self, statuses: tuple[JobStatus, ...]) -> int:
        """How many jobs have one of ``statuses``."""
        marks = ", ".join("?" for _ in statuses)
        with self._lock:
            row = self._db.execute(
                f"SELECT COUNT(*) FROM jobs WHERE status IN ({marks})", statuses
            ).fetchone()
        return int(row[0])

    def finished_ids(self, *, before: float | None = None, limit: int = 100) -> list[str]:
        """Finished jobs, oldest first; only those finished before ``before`` if given."""
        cutoff = time.time() + 1e9 if before is None else before
        with self._lock:
            rows = self._db.execute(
                "SELECT id FROM jobs WHERE status IN (?, ?, ?) AND finished_at < ? "
                "ORDER BY finished_at LIMIT ?",
                (*FINISHED, cutoff, limit),
            ).fetchall()
        return [str(r[0]) for r in rows]

    def close(self) -> None:
        """Release the connection."""
        with self._lock:
            self._db.close()


class RedisJobStore:
    """Jobs in Redis: ``jobs:doc:<id>`` holds the document; sorted sets ``jobs:unfinished``
    (by creation time) and ``jobs:finished`` (by finishing time) index them."""

    def __init__(self, url: str, *, keep_text: bool, prefix: str = "jobs") -> None:
        import redis

        self.keep_text = keep_text
        self._redis = redis.Redis.from_url(url, decode_responses=True)
        self._prefix = prefix

    def _key(self, job_id: str) -> str:
        return f"{self._prefix}:doc:{job_id}"

    def put(self, record: JobRecord) -> None:
        """Insert or replace ``record``."""
        doc = json.dumps(record.to_doc(keep_text=self.keep_text), ensure_ascii=False)
        pipe = self._redis.pipeline(transaction=True)
        pipe.set(self._key(record.id), doc)
        if record.finished:
            pipe.zrem(f"{self._prefix}:unfinished", record.id)
            pipe.zadd(f"{self._prefix}:finished", {record.id: record.finished_at or time.time()})
        else:
            pipe.zadd(f"{self._prefix}:unfinished", {record.id: record.created_at})
        pipe.execute()

    def get(self, job_id: str) -> JobRecord | None:
        """The job, or None."""
        raw = cast("str | None", self._redis.get(self._key(job_id)))
        return JobRecord.from_doc(json.loads(raw)) if raw else None

    def delete(self, job_id: str) -> None:
        """Forget the job."""
        pipe = self._redis.pipeline(transaction=True)
        pipe.delete(self._key(job_id))
        pipe.zrem(f"{self._prefix}:unfinished", job_id)
        pipe.zrem(f"{self._prefix}:finished", job_id)
        pipe.execute()

    def unfinished(self) -> list[JobRecord]:
        """Queued and running jobs, oldest first."""
        ids = cast("list[str]", self._redis.zrange(f"{self._prefix}:unfinished", 0, -1))
        records = [self.get(i) for i in ids]
        return [r for r in records if r is not None and not r.finished]

    def count(self, statuses: tuple[JobStatus, ...]) -> int:
        """How many jobs have one of ``statuses``."""
        total = 0
        if set(statuses) & set(UNFINISHED):
            total += int(self._redis.zcard(f"{self._prefix}:unfinished"))
        if set(statuses) & set(FINISHED):
            total += int(self._redis.zcard(f"{self._prefix}:finished"))
        return total

    def finished_ids(self, *, before: float | None = None, limit: int = 100) -> list[str]:
        """Finished jobs, oldest first; only those finished before ``before`` if given."""
        top = "+inf" if before is None else f"({before}"
        return cast(
            "list[str]",
            self._redis.zrangebyscore(f"{self._prefix}:finished", "-inf", top, 0, limit),
        )

    def close(self) -> None:
        """Release the connection."""
        self._redis.close()


def open_job_store(location: StoreLocation, *, keep_text: bool) -> JobStore:
    """The job store ``STORE_URL`` names (the SQLite file's directory is created)."""
    if location.kind == "sqlite":
        assert location.path is not None
        location.path.parent.mkdir(parents=True, exist_ok=True)
        return SQLiteJobStore(str(location.path), keep_text=keep_text)
    return RedisJobStore(location.url, keep_text=keep_text)
