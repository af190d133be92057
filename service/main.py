"""App factory: routes, middleware, error handlers, and model loading in the lifespan.

Importing this module has no side effects; ``service/asgi.py`` holds the one module-level
``app`` for ASGI servers, and ``python -m service.main`` (``make run``, the container) builds
the app and serves it with uvicorn.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request, Response

from models.config import EngineConfig
from models.engines import Engines, load_engines
from models.errors import ModelUnavailable
from models.manifest import ManifestError
from models.runtime import InferenceRunner
from service import errors, glossaries
from service.cache import ResultCache
from service.compat import FORM_PREFIXES, deepl, deepl_glossaries, libretranslate
from service.routes import router
from service.settings import Settings
from service.state import AppState, Caches, EngineSlot
from service.store.glossaries import open_glossaries

log = logging.getLogger("service")
Loader = Callable[[EngineConfig], Engines]


def create_app(settings: Settings | None = None, *, loader: Loader = load_engines) -> FastAPI:
    """Build the application. ``loader`` is swappable so tests can count or fail loads."""
    settings = settings or Settings()
    logging.basicConfig(
        level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[AppState]:
        slot = EngineSlot()
        runner = InferenceRunner(
            workers=settings.inference_workers,
            max_queue=settings.max_queue,
            retry_after_s=settings.retry_after_s,
        )
        config = settings.engine_config()

        async def load() -> None:
            try:
                engines = await asyncio.to_thread(loader, config)
            except (ModelUnavailable, ManifestError, ValueError) as exc:
                slot.error = str(exc)
                log.error("model loading failed: %s", exc)
                raise
            slot.engines = engines
            log.info(
                "ready: profile %s (%s); models: %s",
                engines.profile,
                engines.profile_reason,
                ", ".join(f"{c.id}@{c.revision or 'package'}" for c in engines.cards),
            )

        task: asyncio.Task[None] | None = None
        if settings.model_loading == "blocking":
            await load()
        else:
            task = asyncio.create_task(load())
            task.add_done_callback(lambda t: t.cancelled() or t.exception())
        try:
            entries = settings.result_cache_entries
            caches = Caches(ResultCache(entries), ResultCache(entries))
            yield {
                "settings": settings,
                "runner": runner,
                "slot": slot,
                "caches": caches,
                "glossaries": open_glossaries(settings.store_url),
            }
        finally:
            if task is not None and not task.done():
                task.cancel()
            runner.shutdown()
            if slot.engines is not None:
                slot.engines.close()
            slot.engines = None

    app = FastAPI(
        title="News summarisation and translation",
        version="0.1.0",
        description="Structured summaries (typed key points with character-offset evidence) "
        "and translation into Russian, Kazakh and Chinese, on self-hosted models.",
        lifespan=lifespan,
    )
    errors.register(app)

    @app.middleware("http")
    async def check_body(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        # Checked before FastAPI parses the body: a wrong content type would otherwise be
        # reported as a confusing validation error, and a huge body would be read whole.
        if request.method in ("POST", "PUT", "PATCH"):
            content_type = request.headers.get("content-type", "")
            media = content_type.split(";")[0].strip().lower()
            form_ok = request.url.path.startswith(FORM_PREFIXES)
            if media != "application/json" and not form_ok:
                return errors.envelope(
                    415,
                    "unsupported_media_type",
                    f"Send the body as application/json (got {content_type or 'no content type'}).",
                )
            length = request.headers.get("content-length", "")
            if length.isdigit() and int(length) > settings.max_body_bytes:
                return errors.envelope(
                    413,
                    "input_too_long",
                    f"The body has {length} bytes; the limit is {settings.max_body_bytes}.",
                )
        return await call_next(request)

    app.include_router(router)
    app.include_router(libretranslate.router)
    app.include_router(deepl.router)
    app.include_router(deepl_glossaries.router)
    app.include_router(glossaries.router)
    return app


def main() -> None:
    """Entry point for ``python -m service.main``: one worker, HOST/PORT from settings."""
    import uvicorn

    settings = Settings()
    # One worker: each worker process would hold its own copy of every model.
    uvicorn.run(create_app(settings), host=settings.host, port=settings.port, workers=1)


if __name__ == "__main__":
    main()
