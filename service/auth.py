"""Who is calling: the API key from the request, checked against the key store, and the
dependencies routes use (``CallerDep``, ``MeterDep``).

A key may come as ``Authorization: Bearer <key>``, ``X-API-Key: <key>`` or
``Authorization: DeepL-Auth-Key <key>`` (what DeepL's clients send); LibreTranslate's clients
put ``api_key`` in the body, so ``authenticate`` takes a key given explicitly too.

With ``API_KEYS_REQUIRED=false`` (the default) any key or none is accepted, because compatible
clients always send one: a known, active key still identifies its caller (its limits apply and
its usage is counted); anything else is an anonymous caller, limited only by
``RATE_LIMIT_PER_IP`` when that is set.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Request
from starlette.datastructures import Headers

from service.deps import get_key_store, get_limiter, get_settings
from service.errors import InvalidApiKey, MissingApiKey, RevokedApiKey
from service.quotas import ANONYMOUS, Window
from service.store.keys import ApiKey, QuotaPeriod

_BEARER = {"bearer", "deepl-auth-key"}


@dataclass(frozen=True)
class Caller:
    """The caller of one request: a known key, or anonymous (then only its address counts)."""

    key: ApiKey | None
    client_ip: str

    @property
    def anonymous(self) -> bool:
        """No known key."""
        return self.key is None

    @property
    def account(self) -> str:
        """What usage is counted under: the key id, or one shared anonymous account (no
        per-address counters are stored)."""
        return self.key.id if self.key is not None else ANONYMOUS

    @property
    def quota_period(self) -> QuotaPeriod:
        """The key's quota period; a calendar month for anonymous callers."""
        return self.key.quota_period if self.key is not None else "month"


def key_from_headers(headers: Headers) -> str | None:
    """The key in ``Authorization`` (Bearer or DeepL-Auth-Key) or ``X-API-Key``, or None."""
    scheme, _, value = headers.get("authorization", "").strip().partition(" ")
    if scheme.lower() in _BEARER and value.strip():
        return value.strip()
    return headers.get("x-api-key", "").strip() or None


async def authenticate(request: Request, key: str | None, *, count_rate: bool = True) -> Caller:
    """The caller presenting ``key`` (None: no key). With keys required, raises
    ``MissingApiKey``/``InvalidApiKey`` (401) or ``RevokedApiKey`` (403). With ``count_rate``,
    the request is counted against the caller's rate (``RateLimited``, 429, when over)."""
    settings = get_settings(request)
    store = get_key_store(request)
    record = await asyncio.to_thread(store.lookup, key) if key else None
    if settings.api_keys_required:
        if key is None:
            raise MissingApiKey(
                "An API key is required: send Authorization: Bearer <key> or X-API-Key.",
                headers={"WWW-Authenticate": "Bearer"},
            )
        if record is None:
            raise InvalidApiKey("The API key is not known.", headers={"WWW-Authenticate": "Bearer"})
        if not record.active:
            raise RevokedApiKey(f"The API key {record.id} ({record.name}) has been revoked.")
    elif record is not None and not record.active:
        record = None
    caller = Caller(record, request.client.host if request.client else "unknown")
    if count_rate:
        await get_limiter(request).hit(caller)
    return caller


async def get_caller(request: Request) -> Caller:
    """The authenticated caller, counted against its rate limit."""
    return await authenticate(request, key_from_headers(request.headers))


async def get_uncounted_caller(request: Request) -> Caller:
    """The authenticated caller, not counted against its rate (for ``/usage``)."""
    return await authenticate(request, key_from_headers(request.headers), count_rate=False)


async def charge(request: Request, caller: Caller, chars: int) -> Window:
    """Check and charge ``chars`` to the caller's quota (``QuotaExceeded``, 456, when it would
    pass the cap). For routes that authenticate by hand (a key in the body); routes with
    ``MeterDep`` use ``meter.charge``, which also refunds when the request then fails."""
    return await get_limiter(request).charge(caller, chars)


@dataclass
class Meter:
    """A request's caller and what it has been charged; ``get_meter`` refunds on failure."""

    caller: Caller
    request: Request
    charged: list[tuple[Window, int]]

    async def charge(self, chars: int) -> None:
        """Check and charge ``chars`` (456 ``quota_exceeded`` when over the cap)."""
        window = await charge(self.request, self.caller, chars)
        self.charged.append((window, chars))

    async def refund(self) -> None:
        """Give back everything charged so far (the request then failed)."""
        limiter = get_limiter(self.request)
        for window, chars in self.charged:
            await limiter.refund(self.caller, window, chars)
        self.charged.clear()


class Prepaid(Meter):
    """The meter a job's work runs with: its characters were charged when the job was
    accepted (``POST /jobs``), so running it charges nothing more."""

    def __init__(self) -> None:
        self.charged = []

    async def charge(self, chars: int) -> None:
        """Nothing: the job was charged when it was accepted."""
        del chars


async def get_meter(
    request: Request, caller: Annotated[Caller, Depends(get_caller)]
) -> AsyncIterator[Meter]:
    """The caller with a meter; characters charged are given back if the route then raises
    (a 429 from a full queue, a 5xx), so a client pays only for work it got."""
    async with metered(request, caller) as meter:
        yield meter


@asynccontextmanager
async def metered(request: Request, caller: Caller) -> AsyncIterator[Meter]:
    """A meter for ``caller`` that gives back what it charged if the request then fails:
    the body of every metered dependency (ours and the compatible APIs')."""
    meter = Meter(caller, request, [])
    try:
        yield meter
    except Exception:
        await meter.refund()
        raise


CallerDep = Annotated[Caller, Depends(get_caller)]
UncountedCallerDep = Annotated[Caller, Depends(get_uncounted_caller)]
MeterDep = Annotated[Meter, Depends(get_meter)]

SECURITY_SCHEMES: dict[str, Any] = {
    "bearerAuth": {
        "type": "http",
        "scheme": "bearer",
        "description": "Authorization: Bearer <key>",
    },
    "apiKeyHeader": {"type": "apiKey", "in": "header", "name": "X-API-Key"},
}


def declare_security(app: FastAPI) -> None:
    """Declare the key schemes in the OpenAPI document, on every operation that can answer
    401 (those are the ones that identify their caller). Call it only when keys are required:
    otherwise no key is needed and the document says none."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        schema = build()  # cached by FastAPI; the additions below are idempotent
        schema.setdefault("components", {})["securitySchemes"] = SECURITY_SCHEMES
        for path in schema.get("paths", {}).values():
            for operation in path.values():
                if "401" in operation.get("responses", {}):
                    operation["security"] = [{name: []} for name in SECURITY_SCHEMES]
        return schema

    app.openapi = openapi  # type: ignore[method-assign]
