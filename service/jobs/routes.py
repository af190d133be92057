"""Routes: POST /jobs, GET /jobs/{id}, GET /jobs/{id}/events (SSE), DELETE /jobs/{id}."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import APIRouter, Body, Depends, HTTPException
from fastapi.openapi.models import Example
from fastapi.responses import JSONResponse
from sse_starlette import EventSourceResponse, ServerSentEvent

from service import errors
from service.auth import MeterDep, get_uncounted_caller
from service.deps import JobsDep, SettingsDep
from service.jobs.manager import JobManager, TooManyJobs
from service.jobs.schemas import JobOut, JobRequest, SummarizeJob
from service.schemas import ErrorResponse
from service.store.jobs import JobRecord

# With API_KEYS_REQUIRED every job route needs a known key (401/403); a job's id is a
# random UUID4 known only to whoever created it.
router = APIRouter(
    prefix="/jobs",
    tags=["jobs"],
    dependencies=[Depends(get_uncounted_caller)],
    responses={code: {"model": ErrorResponse} for code in (401, 403)},
)
_NOT_FOUND: dict[int | str, dict[str, object]] = {
    404: {"model": ErrorResponse, "description": "No job has this id (or it expired)."}
}
_EVENTS_DOC = (
    "Server-sent events: `progress` each time the job changes (data: the job document, "
    "without its result), then one final event named after the final status (`done`, "
    "`failed` or `cancelled`) carrying the whole document; then the stream ends."
)


_EXAMPLES: dict[str, Example] = {
    "summarize": {
        "summary": "A summary with translations, and a webhook",
        "value": {
            "kind": "summarize",
            "request": {
                "text": "ASTANA. The Kazakh side expressed hope for the speedy resumption of "
                "visas by China for citizens of Kazakhstan.",
                "target_langs": ["ru", "kk", "zh"],
            },
            "callback_url": "http://newsroom.internal/hooks/brief",
        },
    },
    "translate": {
        "summary": "A translation",
        "value": {
            "kind": "translate",
            "request": {
                "text": "China is the largest trade partner of Kazakhstan.",
                "target_lang": "kk",
            },
        },
    },
}


async def _job(jobs: JobManager, job_id: str) -> JobRecord:
    record = await jobs.get(job_id)
    if record is None:
        raise HTTPException(404, f"No job {job_id!r} (unknown, or expired).")
    return record


@router.post(
    "",
    status_code=202,
    response_model=JobOut,
    responses={
        **{code: {"model": ErrorResponse} for code in (401, 403, 413, 415, 422, 456)},
        429: {"model": ErrorResponse, "description": "Too many jobs pending or stored."},
    },
)
async def create_job(
    body: Annotated[JobRequest, Body(openapi_examples=_EXAMPLES)],
    jobs: JobsDep,
    settings: SettingsDep,
    meter: MeterDep,
) -> JobOut | JSONResponse:
    """Start a summarize or translate job; answers 202 with its id at once."""
    if isinstance(body, SummarizeJob):
        length = len(body.request.text)
        charged = length + len(body.request.title or "")
    else:
        length = charged = sum(len(t) for t in body.request.texts())
    if length > settings.max_text_chars:
        return errors.envelope(
            413,
            "input_too_long",
            f"request.text has {length} characters; the limit is {settings.max_text_chars}.",
            "request.text",
        )
    # Charged when accepted, as the synchronous routes charge (a job runs with a prepaid
    # meter); given back when the job cannot be queued.
    await meter.charge(charged)
    try:
        record = await jobs.create(
            body.kind,
            body.request.model_dump(mode="json"),
            str(body.callback_url) if body.callback_url else None,
        )
    except TooManyJobs as exc:
        await meter.refund()
        return errors.envelope(
            429, "too_many_jobs", exc.message, headers={"Retry-After": str(settings.retry_after_s)}
        )
    return JobOut.from_record(record)


@router.get("/{job_id}", response_model=JobOut, responses=_NOT_FOUND)
async def get_job(job_id: str, jobs: JobsDep) -> JobOut:
    """A job's status and progress; its result (or error) once it has ended."""
    return JobOut.from_record(await _job(jobs, job_id))


@router.get(
    "/{job_id}/events",
    response_class=EventSourceResponse,
    responses={
        200: {"content": {"text/event-stream": {}}, "description": _EVENTS_DOC},
        **_NOT_FOUND,
    },
)
async def job_events(job_id: str, jobs: JobsDep) -> EventSourceResponse:
    """The job's progress as a server-sent event stream, ending with its final status."""
    first = await _job(jobs, job_id)

    async def stream() -> AsyncIterator[ServerSentEvent]:
        record: JobRecord | None = first
        sent = ""
        while record is not None:
            doc = JobOut.from_record(record)
            if record.finished:
                yield ServerSentEvent(data=doc.model_dump_json(), event=record.status)
                return
            brief = json.dumps(doc.model_dump(mode="json", exclude={"result"}))
            if brief != sent:
                sent = brief
                yield ServerSentEvent(data=brief, event="progress")
            await jobs.wait_changed(timeout_s=1.0)
            record = await jobs.get(job_id)

    return EventSourceResponse(stream(), ping=15)


@router.delete(
    "/{job_id}",
    response_model=JobOut,
    responses={
        **_NOT_FOUND,
        409: {"model": ErrorResponse, "description": "The job had already ended."},
    },
)
async def cancel_job(job_id: str, jobs: JobsDep) -> JobOut | JSONResponse:
    """Cancel a queued or running job (a cancelled one answers 200 again)."""
    record = await jobs.cancel(job_id)
    if record is None:
        raise HTTPException(404, f"No job {job_id!r} (unknown, or expired).")
    if record.status in ("done", "failed"):
        return errors.envelope(
            409, "job_finished", f"Job {job_id!r} has already ended ({record.status})."
        )
    return JobOut.from_record(record)
