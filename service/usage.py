"""GET /usage: the caller's characters this period, in the shape of DeepL's ``/v2/usage``."""

from __future__ import annotations

from fastapi import APIRouter

from service.auth import UncountedCallerDep
from service.deps import LimiterDep
from service.schemas import ErrorResponse, UsageOut

router = APIRouter()


@router.get(
    "/usage",
    response_model=UsageOut,
    responses={code: {"model": ErrorResponse} for code in (401, 403)},
)
async def usage(caller: UncountedCallerDep, limiter: LimiterDep) -> UsageOut:
    """Characters charged to the caller's key in the current day or month, and its quota."""
    used = await limiter.usage(caller)
    return UsageOut(
        character_count=used.character_count,
        character_limit=used.character_limit,
        period=used.window.period,
        period_start=used.window.start,
        period_end=used.window.end,
        key_id=caller.key.id if caller.key is not None else None,
    )
