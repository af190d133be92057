"""Webhook delivery: POST the final job document to ``callback_url``, retried with backoff.

httpx rather than urllib: an async client with timeouts, so a slow receiver holds no thread.
A 2xx answer delivers; anything else (an error status, a refused connection, a timeout) is
retried after ``JOB_CALLBACK_BACKOFF_S``, doubled each time, ``JOB_CALLBACK_ATTEMPTS`` tries
in all.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

import httpx

from service.settings import Settings
from service.store.jobs import CallbackState

log = logging.getLogger("service.jobs")


async def deliver(
    callback: CallbackState,
    document: dict[str, Any],
    settings: Settings,
    *,
    on_try: Callable[[], Awaitable[None]],
) -> bool:
    """Deliver ``document``; updates ``callback`` after each try and calls ``on_try`` (which
    saves it). Returns whether it was delivered."""
    delay = settings.job_callback_backoff_s
    async with httpx.AsyncClient(timeout=settings.job_callback_timeout_s) as client:
        for attempt in range(1, settings.job_callback_attempts + 1):
            callback.attempts = attempt
            try:
                response = await client.post(callback.url, json=document)
            except httpx.HTTPError as exc:
                callback.last_status, callback.last_error = None, f"{type(exc).__name__}: {exc}"
            else:
                callback.last_status = response.status_code
                callback.delivered = response.is_success
                callback.last_error = None if response.is_success else "non-2xx answer"
            await on_try()
            if callback.delivered:
                return True
            if attempt < settings.job_callback_attempts:
                await asyncio.sleep(delay)
                delay *= 2
    log.warning("job %s: webhook not delivered after %d tries", document["id"], callback.attempts)
    return False
