"""Request and response models of the job routes (they are the OpenAPI documentation)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Literal

from pydantic import AnyHttpUrl, BaseModel, Field

from service.schemas import (
    ErrorBody,
    Strict,
    SummarizeRequest,
    SummarizeResponse,
    TranslateRequest,
    TranslateResponse,
)
from service.store.jobs import JobRecord, JobStatus

_CALLBACK = Field(
    None,
    description="Optional webhook: the final job document is POSTed here as JSON when the job "
    "ends (done, failed or cancelled), retried with exponential backoff.",
    examples=["http://newsroom.internal/hooks/summary-ready"],
)


class SummarizeJob(Strict):
    """A /summarize request to run as a job."""

    kind: Literal["summarize"]
    request: SummarizeRequest = Field(description="The same body POST /summarize takes.")
    callback_url: AnyHttpUrl | None = _CALLBACK


class TranslateJob(Strict):
    """A /translate request to run as a job."""

    kind: Literal["translate"]
    request: TranslateRequest = Field(description="The same body POST /translate takes.")
    callback_url: AnyHttpUrl | None = _CALLBACK


JobRequest = Annotated[SummarizeJob | TranslateJob, Field(discriminator="kind")]


class JobProgress(BaseModel):
    """Which stage the job is in, and the stages it went through."""

    stage: str = Field(
        description="queued, then e.g. analysing, key points and headline, translating ru, kk; "
        "the final status once the job ends."
    )
    stages: list[str] = Field(description="Every stage entered so far, in order.")


class JobCallback(BaseModel):
    """The webhook and how delivering it went."""

    url: str
    delivered: bool
    attempts: int
    last_status: int | None = Field(description="HTTP status of the last try, if it answered.")
    last_error: str | None = Field(description="Why the last try failed, if it did.")


class JobOut(BaseModel):
    """A job. ``result`` is what the synchronous route answers, once the job is done."""

    id: str
    kind: Literal["summarize", "translate"]
    status: JobStatus = Field(description="queued, running, done, failed or cancelled.")
    progress: JobProgress
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    # Left to right, TranslateResponse first: SummarizeResponse reads attributes, and its
    # translations validator cannot read a TranslateResponse's list of strings.
    result: TranslateResponse | SummarizeResponse | None = Field(
        union_mode="left_to_right",
        description="The synchronous route's answer (status done), else null.",
    )
    error: ErrorBody | None = Field(
        description="Why it failed: the error the synchronous route would have sent."
    )
    error_status: int | None = Field(
        description="The HTTP status the synchronous route would have sent with ``error``."
    )
    runs: int = Field(description="Times the job was started (more than 1 after a restart).")
    notes: list[str]
    callback: JobCallback | None

    @classmethod
    def from_record(cls, record: JobRecord) -> JobOut:
        """The public view of a stored job."""
        return cls(
            id=record.id,
            kind=record.kind,
            status=record.status,
            progress=JobProgress(
                stage=record.stages[-1] if record.stages else record.status,
                stages=list(record.stages),
            ),
            created_at=datetime.fromtimestamp(record.created_at, UTC),
            started_at=_time(record.started_at),
            finished_at=_time(record.finished_at),
            result=_result(record),
            error=ErrorBody.model_validate(record.error) if record.error else None,
            error_status=record.error_status,
            runs=record.runs,
            notes=list(record.notes),
            callback=JobCallback.model_validate(record.callback, from_attributes=True)
            if record.callback
            else None,
        )


def _result(record: JobRecord) -> SummarizeResponse | TranslateResponse | None:
    if record.result is None:
        return None
    if record.kind == "summarize":
        return SummarizeResponse.model_validate(record.result)
    return TranslateResponse.model_validate(record.result)


def _time(value: float | None) -> datetime | None:
    return datetime.fromtimestamp(value, UTC) if value is not None else None
