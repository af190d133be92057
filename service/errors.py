"""Map domain exceptions to HTTP statuses and one error envelope, in one place."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from models.errors import (
    GenerationFailed,
    InferenceError,
    InputTooLong,
    ModelUnavailable,
    NoArticleText,
    Overloaded,
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
    (GenerationFailed, 502, "generation_failed"),
    (InferenceError, 500, "inference_error"),
]


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


async def _inference_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, InferenceError)
    for cls, status, kind in _STATUS:
        if isinstance(exc, cls):
            headers = (
                {"Retry-After": str(exc.retry_after_s)} if isinstance(exc, Overloaded) else None
            )
            if status >= 500:
                log.warning("%s on %s: %s", kind, request.url.path, exc.message)
            return envelope(status, kind, exc.message, exc.param, headers)
    raise AssertionError("unreachable: InferenceError is last in _STATUS")


async def _validation_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = exc.errors()
    first = errors[0] if errors else {"loc": (), "msg": "invalid request"}
    param = _param(first.get("loc", ()))
    if first.get("type") == "json_invalid":
        return envelope(422, "invalid_json", f"Malformed JSON: {first.get('msg')}", None)
    message = f"{param}: {first.get('msg')}" if param else str(first.get("msg"))
    if first.get("type") == "literal_error" and param and "lang" in param:
        message += f" (supported: {', '.join(SUPPORTED)})"
    if len(errors) > 1:
        message += f" (and {len(errors) - 1} more)"
    return envelope(422, "invalid_request", message, param)


async def _http_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    kinds = {404: "not_found", 405: "method_not_allowed"}
    return envelope(exc.status_code, kinds.get(exc.status_code, "http_error"), str(exc.detail))


async def _glossary_not_found(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, GlossaryNotFound)
    return envelope(404, "glossary_not_found", str(exc), "glossary_id")


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return envelope(500, "internal_error", "Internal server error; the cause is in the server log.")


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
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(GlossaryNotFound, _glossary_not_found)
    app.add_exception_handler(Exception, _unexpected)
