"""Jobs for long work: accepted at once, run in the background, kept in the store.

A job runs the synchronous route's own code (``Execute``, built in ``service/jobs/run.py``)
with a progress callback; the callback also stops a cancelled job at its next stage (the
inference thread cannot be interrupted mid-generation). Every change is written to the store
and wakes the job's event streams. After a restart an unfinished job is run again when its
request was kept (``JOBS_STORE_TEXT``), else reported failed: never forgotten.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from fastapi.exceptions import RequestValidationError

from models.errors import InferenceError
from models.summary.summarizer import Progress
from service.errors import status_of
from service.jobs.schemas import JobOut
from service.jobs.webhook import deliver
from service.settings import Settings
from service.store.glossaries import GlossaryNotFound
from service.store.jobs import (
    FINISHED,
    UNFINISHED,
    CallbackState,
    JobKind,
    JobRecord,
    JobStatus,
    JobStore,
)

log = logging.getLogger("service.jobs")
Execute = Callable[[JobKind, dict[str, Any], Progress], Awaitable[dict[str, Any]]]
"""Runs a job's request through its synchronous route; returns the response as JSON data."""


class JobCancelled(Exception):
    """Raised by the progress callback of a cancelled job, to stop it at its next stage."""


class TooManyJobs(Exception):
    """The bound on pending or stored jobs is reached."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass
class _Texts:
    """What holds article text, kept in memory when the store may not hold it."""

    request: dict[str, Any]
    result: dict[str, Any] | None = None


class JobManager:
    """Creates, runs, cancels and reports jobs; bounded by the JOBS_* settings."""

    def __init__(self, store: JobStore, settings: Settings, execute: Execute) -> None:
        self.store = store
        self.settings = settings
        self._execute = execute
        self._slots = asyncio.Semaphore(settings.jobs_max_running)
        self._tasks: dict[str, asyncio.Task[None]] = {}
        self._background: set[asyncio.Task[None]] = set()
        self._texts: dict[str, _Texts] = {}
        # The records this replica runs or queues: the one object each is saved from.
        self._live: dict[str, JobRecord] = {}
        self.owner = settings.jobs_replica_id
        self._cancelled: set[str] = set()
        self._changed = asyncio.Condition()
        self._create_lock = asyncio.Lock()
        self._save_lock = asyncio.Lock()
        self._closing = False

    async def _io(self, fn: Callable[..., Any], *args: Any) -> Any:
        return await asyncio.to_thread(fn, *args)

    async def start(self) -> None:
        """Take up what this replica left unfinished before a restart (and what stale
        replicas left), and start the heartbeat and expiry sweep."""
        await self._take_up()
        self._keep(asyncio.create_task(self._sweep()))

    async def _take_up(self) -> None:
        stale = time.time() - self.settings.jobs_stale_s
        for record in await self._io(self.store.unfinished):
            if record.id in self._live:
                continue
            if record.owner not in (None, self.owner) and record.updated_at > stale:
                continue  # another replica's, and it is alive
            record.owner = self.owner
            if record.request is not None:
                record.status, record.started_at = "queued", None
                record.stages.append("queued")
                record.notes.append("the service restarted; the job was queued again")
                self._texts[record.id] = _Texts(record.request)
                self._live[record.id] = record
                await self._save(record)
                self._spawn(record.id)
            else:
                record.notes.append("the service restarted before the job finished")
                self._finish(
                    record,
                    "failed",
                    error={
                        "type": "job_interrupted",
                        "message": "The service restarted before the job finished, and its "
                        "request was not kept (JOBS_STORE_TEXT is off); submit it again.",
                        "param": None,
                    },
                    error_status=503,
                )
                await self._save(record)

    async def close(self) -> None:
        """Stop running jobs and webhooks (the store keeps them unfinished for the next start)."""
        self._closing = True
        for task in [*self._tasks.values(), *self._background]:
            task.cancel()
        for task in [*self._tasks.values(), *self._background]:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        await self._io(self.store.close)

    async def create(
        self, kind: JobKind, request: dict[str, Any], callback_url: str | None
    ) -> JobRecord:
        """Store a new queued job and start it. Raises ``TooManyJobs``."""
        async with self._create_lock:
            pending = await self._io(self.store.count, UNFINISHED)
            if pending >= self.settings.jobs_max_pending:
                raise TooManyJobs(
                    f"{pending} jobs are queued or running (JOBS_MAX_PENDING); retry later."
                )
            await self._make_room()
            now = time.time()
            record = JobRecord(
                id=secrets.token_urlsafe(12),
                kind=kind,
                status="queued",
                created_at=now,
                updated_at=now,
                request=request,
                stages=["queued"],
                callback=CallbackState(callback_url) if callback_url else None,
                owner=self.owner,
            )
            self._texts[record.id] = _Texts(request)
            self._live[record.id] = record
            await self._save(record)
        self._spawn(record.id)
        return record

    async def get(self, job_id: str) -> JobRecord | None:
        """The job with its request and result (from memory where the store has none)."""
        record: JobRecord | None = await self._io(self.store.get, job_id)
        if record is None:
            return None
        texts = self._texts.get(job_id)
        if texts is not None:
            record.request = record.request or texts.request
            record.result = record.result or texts.result
        if record.status == "done" and record.result is None:
            record.notes.append(
                "the result was kept in memory only (JOBS_STORE_TEXT is off) and the "
                "service has restarted since"
            )
        return record

    async def cancel(self, job_id: str) -> JobRecord | None:
        """Cancel a queued or running job; returns it (unchanged when already finished).
        Another replica's job is marked cancelled in the store; that replica sees it at its
        next heartbeat."""
        record = self._live.get(job_id) or await self.get(job_id)
        if record is None or record.finished:
            return record
        # A running job's inference thread cannot be interrupted: its progress callback
        # stops it at the next stage, and its result, if it comes, is dropped.
        self._cancelled.add(job_id)
        task = self._tasks.get(job_id)
        if task is not None and record.status == "running":
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
            return await self.get(job_id) or record
        if task is not None:
            task.cancel()
        # Queued here, or another replica's: finish it now.
        self._finish(record, "cancelled")
        await self._save(record)
        self._live.pop(job_id, None)  # after the save: the sweep must not take it up again
        self._deliver_later(record)
        return record

    async def wait_changed(self, timeout_s: float) -> None:
        """Return when any job changes here, or after ``timeout_s`` (another replica's
        changes are seen by reading the store again)."""
        async with self._changed:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), timeout_s)

    def _spawn(self, job_id: str) -> None:
        task = asyncio.create_task(self._run(job_id))
        self._tasks[job_id] = task
        task.add_done_callback(lambda _t: self._tasks.pop(job_id, None))

    def _keep(self, task: asyncio.Task[None]) -> None:
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    async def _run(self, job_id: str) -> None:
        try:
            await self._run_live(job_id)
        finally:
            self._live.pop(job_id, None)

    async def _run_live(self, job_id: str) -> None:
        async with self._slots:
            record = self._live.get(job_id)
            if record is None or record.status != "queued" or record.request is None:
                return
            record.status, record.started_at = "running", time.time()
            record.stages.append("running")
            record.runs += 1
            await self._save(record)
            try:
                result = await self._execute(record.kind, record.request, self._progress(record))
            except (JobCancelled, asyncio.CancelledError):
                if self._closing:
                    raise  # shutdown: left running in the store, taken up at the next start
                self._finish(record, "cancelled")
            except InferenceError as exc:
                status, kind = status_of(exc)
                error = {"type": kind, "message": exc.message, "param": exc.param}
                self._finish(record, "failed", error=error, error_status=status)
            except GlossaryNotFound as exc:
                # The request names a glossary that was deleted (or never was): what the
                # synchronous route answers with 404.
                error = {"type": "glossary_not_found", "message": str(exc), "param": "glossary_id"}
                self._finish(record, "failed", error=error, error_status=404)
            except RequestValidationError as exc:
                first = exc.errors()[0] if exc.errors() else {}
                error = {
                    "type": "invalid_request",
                    "message": str(first.get("msg", "invalid request")),
                    "param": ".".join(str(p) for p in first.get("loc", ())[1:]) or None,
                }
                self._finish(record, "failed", error=error, error_status=422)
            except Exception:
                log.exception("job %s failed", job_id)
                error = {
                    "type": "internal_error",
                    "message": "Internal server error; the cause is in the server log.",
                    "param": None,
                }
                self._finish(record, "failed", error=error, error_status=500)
            else:
                record.result = result
                self._texts.setdefault(job_id, _Texts(record.request)).result = result
                self._finish(record, "done")
            await self._save(record)
        self._deliver_later(record)

    def _progress(self, record: JobRecord) -> Progress:
        loop = asyncio.get_running_loop()

        def enter(stage: str) -> None:
            # Called from the inference thread (or the loop): hand the stage to the loop.
            if record.id in self._cancelled or self._closing:
                raise JobCancelled(record.id)  # stop the thread's work at this stage
            loop.call_soon_threadsafe(self._stage, record, stage)

        return enter

    def _stage(self, record: JobRecord, stage: str) -> None:
        if record.finished or self._closing:
            return
        record.stages.append(stage)
        self._keep(asyncio.create_task(self._save(record)))

    def _finish(
        self,
        record: JobRecord,
        status: JobStatus,
        *,
        error: dict[str, Any] | None = None,
        error_status: int | None = None,
    ) -> None:
        record.status, record.finished_at = status, time.time()
        record.stages.append(status)
        record.error, record.error_status = error, error_status
        self._cancelled.discard(record.id)

    async def _save(self, record: JobRecord) -> None:
        # In call order, each write a copy taken on the loop (the record changes meanwhile).
        async with self._save_lock:
            record.updated_at = time.time()
            snapshot = JobRecord.from_doc(record.to_doc(keep_text=True))
            await self._io(self.store.put, snapshot)
        async with self._changed:
            self._changed.notify_all()

    def _deliver_later(self, record: JobRecord) -> None:
        if record.callback is not None:
            self._keep(asyncio.create_task(self._deliver(record)))

    async def _deliver(self, record: JobRecord) -> None:
        assert record.callback is not None
        document = JobOut.from_record(record).model_dump(mode="json")
        await deliver(record.callback, document, self.settings, on_try=lambda: self._save(record))

    async def _make_room(self) -> None:
        """Drop expired jobs, then the oldest finished ones while the store is full."""
        await self._drop(await self._io(self._expired_ids))
        stored = await self._io(self.store.count, (*UNFINISHED, *FINISHED))
        excess = stored - self.settings.jobs_max_stored + 1
        if excess > 0:
            oldest = await self._io(lambda: self.store.finished_ids(limit=excess))
            await self._drop(oldest)
            if len(oldest) < excess:
                raise TooManyJobs(
                    f"{stored} jobs are stored (JOBS_MAX_STORED) and none has finished; "
                    "retry later."
                )

    def _expired_ids(self) -> list[str]:
        return self.store.finished_ids(before=time.time() - self.settings.jobs_ttl_s, limit=1000)

    async def _drop(self, ids: list[str]) -> None:
        for job_id in ids:
            await self._io(self.store.delete, job_id)
            self._texts.pop(job_id, None)

    async def _sweep(self) -> None:
        every = min(self.settings.jobs_stale_s / 4, self.settings.jobs_ttl_s / 2, 60.0)
        while True:
            await asyncio.sleep(every)
            await self._heartbeat()
            await self._take_up()
            await self._drop(await self._io(self._expired_ids))

    async def _heartbeat(self) -> None:
        """Refresh this replica's unfinished jobs; stop those cancelled elsewhere."""
        for job_id, record in list(self._live.items()):
            stored: JobRecord | None = await self._io(self.store.get, job_id)
            if stored is not None and stored.status == "cancelled" and not record.finished:
                self._cancelled.add(job_id)
                task = self._tasks.get(job_id)
                if task is not None:
                    task.cancel()
            elif not record.finished:
                await self._save(record)
