"""What the compatible APIs share: parameters read from a JSON or a form body, and a route
class that answers every error in the ecosystem's own shape instead of ours.

LibreTranslate's and DeepL's clients send forms (``libretranslatepy``, curl examples) or JSON
(the ``deepl`` client), and some send a form body even with GET, so the parameters are the
query string with the body's fields on top, validated by a pydantic model per route.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from pydantic import BaseModel, ValidationError

from models.errors import (
    GenerationFailed,
    InferenceError,
    InputTooLong,
    ModelUnavailable,
    Overloaded,
    UnsupportedLanguage,
)
from service.errors import AccessDenied

Params = dict[str, Any]
# Renders an error: status, message, headers -> the ecosystem's response.
Renderer = Callable[[int, str, dict[str, str] | None], JSONResponse]
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


class CompatError(Exception):
    """An error a compatible route answers with ``status`` and ``message``."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers


async def read_params(request: Request) -> Params:
    """The query parameters with the body's (a JSON object or a form) on top.

    A repeated form field (DeepL's ``text=a&text=b``) becomes a list. Raises ``CompatError``
    (400) for malformed JSON and (415) for another content type.
    """
    params: Params = {}
    for key, value in request.query_params.multi_items():
        _put(params, key, value)
    body = await request.body()
    if not body:
        return params
    ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if ctype == "application/json":
        try:
            data = json.loads(body)
        except ValueError as exc:
            raise CompatError(400, "Invalid JSON format") from exc
        if not isinstance(data, dict):
            raise CompatError(400, "Invalid JSON format")
        params.update(data)
    elif ctype in FORM_TYPES:
        form = await request.form()
        for key, item in form.multi_items():
            if isinstance(item, str):  # a file upload is no parameter of these APIs
                _put(params, key, item)
    else:
        raise CompatError(415, f"Send the body as JSON or a form (got {ctype or 'none'}).")
    return params


def _put(params: Params, key: str, value: str) -> None:
    if key not in params:
        params[key] = value
    elif isinstance(params[key], list):
        params[key].append(value)
    else:
        params[key] = [params[key], value]


def inference_status(exc: InferenceError, statuses: dict[type[InferenceError], int]) -> int:
    """The status ``statuses`` gives ``exc``'s class (or its nearest base; else 500)."""
    for cls in type(exc).__mro__:
        if cls in statuses:
            return statuses[cls]
    return 500


def validation_message(exc: ValidationError | RequestValidationError) -> str:
    """``Invalid request: missing q parameter`` and the like, from pydantic's first error."""
    first = exc.errors()[0]
    name = ".".join(str(p) for p in first.get("loc", ()) if p != "body") or "body"
    if first.get("type") == "missing":
        return f"Invalid request: missing {name} parameter"
    return f"Invalid request: {name}: {first.get('msg')}"


DEFAULT_STATUSES: dict[type[InferenceError], int] = {
    InputTooLong: 413,
    UnsupportedLanguage: 400,
    Overloaded: 429,
    ModelUnavailable: 503,
    GenerationFailed: 500,
}


def compat_route(
    render: Renderer,
    statuses: dict[type[InferenceError], int],
    *,
    access: dict[int, int] | None = None,
) -> type[APIRoute]:
    """A route class whose errors come out through ``render`` (FastAPI's documented way to
    wrap every route of a router, so the routes themselves hold no ``try``)."""

    class CompatRoute(APIRoute):
        def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
            handler = super().get_route_handler()

            async def route(request: Request) -> Response:
                try:
                    return await handler(request)
                except CompatError as exc:
                    return render(exc.status, exc.message, exc.headers)
                except (ValidationError, RequestValidationError) as exc:
                    return render(400, validation_message(exc), None)
                except AccessDenied as exc:
                    # 401/403 for keys, 429 for rates, 456 for quotas, in this API's shape.
                    status = (access or {}).get(exc.status, exc.status)
                    return render(status, exc.message, exc.headers)
                except InferenceError as exc:
                    headers = None
                    if isinstance(exc, Overloaded):
                        headers = {"Retry-After": str(exc.retry_after_s)}
                    return render(inference_status(exc, statuses), exc.message, headers)

            return route

    return CompatRoute


def check_length(texts: list[str], limit: int) -> None:
    """Raises ``InputTooLong`` when the texts hold more than ``limit`` characters."""
    total = sum(len(t) for t in texts)
    if total > limit:
        raise InputTooLong(param="text", length=total, limit=limit)


def body_doc(model: type[BaseModel]) -> dict[str, Any]:
    """The OpenAPI request body of a compatible route: ``model`` as JSON or as a form. A form
    field cannot be null, so the form's schema drops the null alternatives (an absent field
    is the form's null)."""
    schema = model.model_json_schema()
    form = _without_null(schema)
    content = {
        "application/json": {"schema": schema},
        "application/x-www-form-urlencoded": {"schema": form},
    }
    return {"requestBody": {"required": True, "content": content}}


def _without_null(node: Any) -> Any:
    if isinstance(node, dict):
        options = node.get("anyOf")
        if isinstance(options, list):
            kept = [o for o in options if o != {"type": "null"}]
            if len(kept) == 1 and len(kept) < len(options):
                rest = {k: v for k, v in node.items() if k not in ("anyOf", "default")}
                return {**_without_null(kept[0]), **rest}
        return {k: _without_null(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_without_null(v) for v in node]
    return node
