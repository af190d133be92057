"""Pure ASGI middleware: request ids, the access log and HTTP metrics; the body checks.

Pure ASGI (not ``@app.middleware("http")``) because the body cap must sit on ``receive``:
Starlette's ``BaseHTTPMiddleware`` hands the route a request whose body it has not counted,
and a chunked body (no Content-Length) would be read whole before any check saw it.
"""

from __future__ import annotations

import hashlib
import logging
import re
import time
import uuid

from starlette.datastructures import Headers, MutableHeaders
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from service.errors import envelope
from service.metrics import Metrics

log = logging.getLogger("service.access")

REQUEST_ID_HEADER = "X-Request-ID"
# A client's id is kept when it is short and plain (it ends up in log lines and headers).
_VALID_ID = re.compile(r"[A-Za-z0-9._:@/+=-]{1,128}")
_BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})
JSON = "application/json"
FORMS = ("application/x-www-form-urlencoded", "multipart/form-data")
# Routes of the LibreTranslate- and DeepL-compatible APIs, whose clients send form bodies.
FORM_PREFIXES = ("/libretranslate/", "/v2/")


def request_id_of(scope: Scope) -> str | None:
    """The request id ``RequestContext`` gave this request (for handlers outside it)."""
    value = scope.get("request_id")
    return value if isinstance(value, str) else None


def route_of(scope: Scope) -> str:
    """The route template that served ``scope`` (never the raw path: no ids or text in
    labels), or ``unmatched``."""
    route = scope.get("route")
    path = getattr(route, "path", None)
    return path if isinstance(path, str) else "unmatched"


class RequestContext:
    """Gives every request an id (the client's ``X-Request-ID`` when valid, else a new one),
    returns it on every response, and writes one access-log line and the HTTP metrics.

    The log line carries the method, route template, status, duration, body length and a
    SHA-256 prefix of the body, never the body itself: articles may be under embargo.
    """

    def __init__(self, app: ASGIApp, *, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = Headers(scope=scope).get(REQUEST_ID_HEADER, "")
        request_id = given if _VALID_ID.fullmatch(given) else uuid.uuid4().hex
        scope["request_id"] = request_id
        started = time.perf_counter()
        digest = hashlib.sha256()
        # 499 (nginx's "client closed request") when no response was sent and nothing
        # failed: the client went away first.
        seen = {"bytes": 0, "status": 499}

        async def counting_receive() -> Message:
            message = await receive()
            if message["type"] == "http.request":
                chunk = message.get("body", b"")
                seen["bytes"] += len(chunk)
                digest.update(chunk)
            return message

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                seen["status"] = message["status"]
                MutableHeaders(scope=message)[REQUEST_ID_HEADER] = request_id
            await send(message)

        self.metrics.in_flight.inc()
        try:
            await self.app(scope, counting_receive, send_with_id)
        except Exception:
            seen["status"] = 500  # Starlette's outermost middleware sends the 500 itself
            raise
        finally:
            self.metrics.in_flight.dec()
            elapsed = time.perf_counter() - started
            route = route_of(scope)
            self.metrics.observe(scope["method"], route, seen["status"], elapsed)
            log.info(
                "%s %s %d %.1f ms, body %d bytes, id %s",
                scope["method"],
                route,
                seen["status"],
                elapsed * 1000,
                seen["bytes"],
                request_id,
                extra={
                    "request_id": request_id,
                    "method": scope["method"],
                    "route": route,
                    "status": seen["status"],
                    "duration_ms": round(elapsed * 1000, 1),
                    "body_bytes": seen["bytes"],
                    "body_sha256": digest.hexdigest()[:16] if seen["bytes"] else None,
                },
            )


class BodyChecks:
    """The content type, the size cap (while the body streams in) and UTF-8 for JSON.

    The body of a POST/PUT/PATCH is read here, at most ``max_bytes`` of it, and handed to
    the route from memory (FastAPI would buffer it whole anyway). Past the cap the client
    gets 413 at once and nothing more is read here; the server (uvicorn) discards the rest
    of the body as it arrives, so the client can finish sending and read the 413 instead of
    a connection reset, and memory stays bounded whatever the client sends.
    """

    def __init__(self, app: ASGIApp, *, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in _BODY_METHODS:
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        length = headers.get("content-length", "")
        if length in ("", "0") and "transfer-encoding" not in headers:
            # No body: nothing to check, and the route (or its 405, or its 422 for a missing
            # body) answers.
            await self.app(scope, receive, send)
            return
        content_type = headers.get("content-type", "")
        media = content_type.split(";")[0].strip().lower()
        path: str = scope.get("path", "")
        compatible = path.startswith(FORM_PREFIXES)
        allowed = (JSON, *FORMS) if compatible else (JSON,)
        # A compatible route reads its own body types and answers 415 in its own words.
        if media not in allowed and not compatible:
            names = " or ".join(allowed)
            await self._reject(
                scope,
                receive,
                send,
                415,
                "unsupported_media_type",
                f"Send the body as {names} (got {content_type or 'no content type'}).",
            )
            return
        if length.isdigit() and int(length) > self.max_bytes:
            await self._too_large(scope, receive, send, f"The body has {length} bytes")
            return
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return  # the client left; nobody to answer
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_bytes:
                await self._too_large(scope, receive, send, f"The body has over {size} bytes")
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        if media == JSON and not _is_utf8(body):
            await self._reject(
                scope,
                receive,
                send,
                422,
                "invalid_json",
                "Malformed JSON: the body is not valid UTF-8 (RFC 8259 requires UTF-8).",
            )
            return
        await self.app(scope, _replay(body, receive), send)

    async def _too_large(self, scope: Scope, receive: Receive, send: Send, what: str) -> None:
        message = f"{what}; the limit is {self.max_bytes} (MAX_BODY_BYTES)."
        await self._reject(scope, receive, send, 413, "input_too_long", message)

    @staticmethod
    async def _reject(
        scope: Scope, receive: Receive, send: Send, status: int, kind: str, message: str
    ) -> None:
        # The compatible APIs answer in their ecosystems' error shapes, their clients read
        # those: LibreTranslate {"error": ...}, DeepL {"message": ...}.
        path: str = scope.get("path", "")
        if path.startswith(FORM_PREFIXES) and status == 422:
            status = 400  # a malformed body is a 400 in both APIs
        if path.startswith("/libretranslate/"):
            response: Response = JSONResponse({"error": message}, status_code=status)
        elif path.startswith("/v2/"):
            response = JSONResponse({"message": message}, status_code=status)
        else:
            response = envelope(status, kind, message)
        await response(scope, receive, send)


def _is_utf8(body: bytes) -> bool:
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _replay(body: bytes, receive: Receive) -> Receive:
    """A ``receive`` that yields ``body`` once, then passes on (a disconnect, say)."""
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay
