"""Map domain exceptions to HTTP statuses and one error envelope, in one place."""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from models.errors import (
    DeadlineExceeded,
    GenerationFailed,
    InferenceError,
    InputTooLong,
    ModelUnavailable,
    NoArticleText,
    Overloaded,
    ShuttingDown,
    UnsupportedLanguage,
)
from models.languages import SUPPORTED
from service.store.glossaries import GlossaryNotFound

log = logging.getLogger(__name__)

# Checked in order, so subclasses come before InferenceError.
_STATUS: list[tuple[type[InferenceError], int, str]] = [
    (InputTooLong, 413, "input_too_long"),
    (UnsupportedLanguage, 422, "unsupported_language"),
    (NoArticleText, 422, "no_article_text"),
    (Overloaded, 429, "overloaded"),
    (ModelUnavailable, 503, "model_unavailable"),
    (ShuttingDown, 503, "shutting_down"),
    (DeadlineExceeded, 504, "timeout"),
    (GenerationFailed, 502, "generation_failed"),
    (InferenceError, 500, "inference_error"),
]


class AccessDenied(Exception):
    """A request refused for who sent it or how much they sent: a bad key, a rate, a quota.

    Raised by ``service.auth`` and ``service.quotas``; each subclass has its status and type.
    """

    status = 401
    kind = "access_denied"

    def __init__(
        self, message: str, *, param: str | None = None, headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.param = param
        self.headers = headers


class MissingApiKey(AccessDenied):
    """401: keys are required and the request has none."""

    kind = "missing_api_key"


class InvalidApiKey(AccessDenied):
    """401: the key is not one the store knows."""

    kind = "invalid_api_key"


class RevokedApiKey(AccessDenied):
    """403: the key is known but revoked."""

    status = 403
    kind = "revoked_api_key"


class RateLimited(AccessDenied):
    """429 with Retry-After: the caller's request rate is used up for now."""

    status = 429
    kind = "rate_limited"


class QuotaExceeded(AccessDenied):
    """456 (DeepL's status): the character quota of the period is used up; waiting seconds
    will not help, unlike a 429."""

    status = 456
    kind = "quota_exceeded"


def envelope(
    status: int,
    kind: str,
    message: str,
    param: str | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    """The one error response shape."""
    body = {"error": {"type": kind, "message": message, "param": param}}
    return JSONResponse(body, status_code=status, headers=headers)


def status_of(exc: InferenceError) -> tuple[int, str]:
    """The HTTP status and error type of a domain exception (jobs report the same)."""
    for cls, status, kind in _STATUS:
        if isinstance(exc, cls):
            return status, kind
    raise AssertionError("unreachable: InferenceError is last in _STATUS")


async def _inference_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, InferenceError)
    status, kind = status_of(exc)
    headers = (
        {"Retry-After": str(exc.retry_after_s)}
        if isinstance(exc, Overloaded | ShuttingDown)
        else None
    )
    if status >= 500:
        route = getattr(request.scope.get("route"), "path", "unmatched")
        log.warning("%s on %s: %s", kind, route, exc.message)
    return envelope(status, kind, exc.message, exc.param, headers)


async def _access_denied(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, AccessDenied)
    return envelope(exc.status, exc.kind, exc.message, exc.param, exc.headers)


async def _validation_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = _relevant(exc.errors())
    first = errors[0] if errors else {"loc": (), "msg": "invalid request"}
    param = _param(first.get("loc", ()))
    if first.get("type") == "json_invalid":
        return envelope(422, "invalid_json", f"Malformed JSON: {first.get('msg')}", None)
    text = _message(first)
    message = f"{param}: {text}" if param else text
    if first.get("type") == "literal_error" and param and "lang" in param:
        message += f" (supported: {', '.join(SUPPORTED)})"
    if len(errors) > 1:
        message += f" (and {len(errors) - 1} more)"
    return envelope(422, "invalid_request", message, param)


def _relevant(errors: Sequence[Any]) -> list[Any]:
    """The errors that explain the input as sent.

    For ``str | list[str]`` pydantic reports a failure per branch: a list with one empty item
    is "not a valid string" as well as "item 3 is empty". A branch whose only complaint is
    the input's type is dropped when another error exists for the same field.
    """
    by_type = [e for e in errors if e.get("type") not in _TYPE_MISMATCH]
    return by_type or list(errors)


_TYPE_MISMATCH = frozenset({"string_type", "list_type", "dict_type", "model_type"})


def _message(error: Any) -> str:
    """Pydantic's message, reworded for the limits clients hit most (count and index)."""
    kind, ctx, value = error.get("type"), error.get("ctx") or {}, error.get("input")
    if kind == "string_too_short" and ctx.get("min_length") == 1:
        return "must not be empty"
    if kind == "too_long" and "max_length" in ctx:
        return f"at most {ctx['max_length']} items, got {ctx.get('actual_length')}"
    if kind == "too_short" and "min_length" in ctx:
        return f"at least {ctx['min_length']} item(s), got {ctx.get('actual_length')}"
    if kind == "string_too_long" and "max_length" in ctx and isinstance(value, str):
        return f"at most {ctx['max_length']} characters, got {len(value)}"
    message = str(error.get("msg", "invalid value"))
    return message.removeprefix("Value error, ")


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    kinds = {404: "not_found", 405: "method_not_allowed"}
    kind = kinds.get(exc.status_code, "http_error")
    # exc.headers carries Starlette's Allow on a 405 (RFC 9110 requires it), but Starlette
    # names only the first route of the path; a path served by several routes (GET and
    # POST /glossaries) must list every method.
    headers = dict(exc.headers) if exc.headers else None
    if exc.status_code == 405:
        allow = _allowed(request, (headers or {}).get("Allow"))
        if allow:
            headers = {**(headers or {}), "Allow": allow}
    return envelope(exc.status_code, kind, str(exc.detail), headers=headers)


def _allowed(request: Request, fallback: str | None) -> str | None:
    """Every documented method of the request's path, from the app's OpenAPI document (the
    list a client and schemathesis check ``Allow`` against); Starlette's own header where the
    path is not documented (static files)."""
    path = str(request.scope.get("path", ""))
    methods: set[str] = set()
    for template, operations in request.app.openapi().get("paths", {}).items():
        pattern = "".join(
            "[^/]+" if part.startswith("{") else re.escape(part)
            for part in re.split(r"(\{[^}]+\})", template)
        )
        if re.fullmatch(pattern, path):
            methods |= {m.upper() for m in operations if m != "parameters"}
    return ", ".join(sorted(methods)) if methods else fallback


async def _glossary_not_found(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, GlossaryNotFound)
    return envelope(404, "glossary_not_found", str(exc), "glossary_id")


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    route = getattr(request.scope.get("route"), "path", "unmatched")
    log.exception("unhandled error on %s %s", request.method, route, exc_info=exc)
    # Sent by Starlette's outermost middleware, outside RequestContext: add the id here.
    request_id = request.scope.get("request_id")
    headers = {"X-Request-ID": request_id} if isinstance(request_id, str) else None
    return envelope(
        500,
        "internal_error",
        "Internal server error; the cause is in the server log.",
        headers=headers,
    )


def _param(loc: Sequence[object]) -> str | None:
    """``text[1]`` from pydantic's ``("body", "text", "list[constrained-str]", 1)``."""
    out = ""
    for part in loc[1:] if loc and loc[0] == "body" else loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif isinstance(part, str) and part.isidentifier():
            out += f".{part}" if out else part
    return out or None


def register(app: FastAPI) -> None:
    """Install every exception handler on ``app``."""
    app.add_exception_handler(InferenceError, _inference_error)
    app.add_exception_handler(AccessDenied, _access_denied)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(GlossaryNotFound, _glossary_not_found)
    app.add_exception_handler(Exception, _unexpected)
