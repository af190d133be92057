"""App factory: routes, middleware, error handlers, and model loading in the lifespan.

Importing this module has no side effects; ``service/asgi.py`` holds the one module-level
``app`` for ASGI servers, and ``python -m service.main`` (``make run``, the container) builds
the app and serves it with uvicorn.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

from fastapi import FastAPI
from starlette.middleware.cors import CORSMiddleware

from models.config import EngineConfig
from models.engines import Engines, load_engines
from models.errors import ModelUnavailable
from models.manifest import ManifestError
from models.memory import limit_malloc_arenas
from models.runtime import InferenceRunner
from service import docs, errors, glossaries, web
from service.auth import declare_security
from service.cache import ResultCache
from service.compat import deepl, deepl_glossaries, libretranslate
from service.jobs import routes as job_routes
from service.jobs.manager import JobManager
from service.jobs.run import executor
from service.logs import configure_logging
from service.metrics import Metrics, metrics_router
from service.middleware import REQUEST_ID_HEADER, BodyChecks, RequestContext
from service.quotas import Limiter
from service.routes import router
from service.schemas import ErrorResponse
from service.settings import Settings
from service.state import AppState, Caches, EngineSlot
from service.store import parse_store_url
from service.store.glossaries import open_glossaries
from service.store.jobs import open_job_store
from service.store.keys import open_key_store
from service.usage import router as usage_router

log = logging.getLogger("service")
Loader = Callable[[EngineConfig], Engines]


def create_app(settings: Settings | None = None, *, loader: Loader = load_engines) -> FastAPI:
    """Build the application. ``loader`` is swappable so tests can count or fail loads."""
    settings = settings or Settings()
    configure_logging(settings.log_level, settings.log_format)
    limit_malloc_arenas()  # before the model threads start (models/memory.py)
    metrics = Metrics()

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[AppState]:
        slot = EngineSlot()
        runner = InferenceRunner(
            workers=settings.inference_workers,
            max_queue=settings.max_queue,
            retry_after_s=settings.retry_after_s,
            timeout_s=settings.request_timeout_s,
        )
        metrics.watch(runner, slot)
        config = settings.engine_config()
        keys = open_key_store(settings.store_url)
        limiter = Limiter(
            keys,
            storage_url=settings.rate_limit_storage_url,
            default_rate=settings.rate_limit_default,
            per_ip_rate=settings.rate_limit_per_ip,
        )
        await limiter.check()

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
            store = open_job_store(
                parse_store_url(settings.store_url), keep_text=settings.jobs_store_text
            )
            glossary_store = open_glossaries(settings.store_url)
            run = executor(
                settings=settings,
                slot=slot,
                runner=runner,
                caches=caches,
                glossaries=glossary_store,
            )
            jobs = JobManager(store, settings, run)
            await jobs.start()
            try:
                yield {
                    "settings": settings,
                    "runner": runner,
                    "slot": slot,
                    "caches": caches,
                    "jobs": jobs,
                    "keys": keys,
                    "limiter": limiter,
                    "glossaries": glossary_store,
                }
            finally:
                await jobs.close()
        finally:
            if task is not None and not task.done():
                task.cancel()
            # uvicorn has already let requests in flight and in the queue finish (up to
            # DRAIN_TIMEOUT_S); what is still queued now was given up on.
            runner.shutdown(cancel_queued=True)
            if slot.engines is not None:
                slot.engines.close()
            slot.engines = None
            keys.close()

    app = FastAPI(
        title="News summarisation and translation",
        version="0.1.0",
        description="Structured summaries (typed key points with character-offset evidence) "
        "and translation into Russian, Kazakh and Chinese, on self-hosted models.",
        lifespan=lifespan,
        # Any route can fail unexpectedly; the model routes list their other statuses.
        responses={500: {"model": ErrorResponse, "description": "Internal error"}},
        docs_url=None,  # FastAPI's pages load from CDNs; service/docs.py serves offline ones
        redoc_url=None,
    )
    errors.register(app)
    # Added innermost first: RequestContext wraps everything, so a 413 or 415 from the body
    # checks and a CORS preflight still get a request id, an access-log line and metrics.
    app.add_middleware(BodyChecks, max_bytes=settings.max_body_bytes)
    if origins := settings.cors_origins():
        app.add_middleware(
            CORSMiddleware,
            allow_origins=origins,
            allow_methods=["GET", "POST", "PUT", "PATCH", "DELETE"],
            allow_headers=["Authorization", "Content-Type", "X-API-Key", REQUEST_ID_HEADER],
            expose_headers=[REQUEST_ID_HEADER, "Retry-After", "X-Cache"],
        )
    app.add_middleware(RequestContext, metrics=metrics)
    app.include_router(metrics_router(metrics))
    app.include_router(router)
    app.include_router(usage_router)
    app.include_router(libretranslate.router)
    app.include_router(deepl.router)
    app.include_router(deepl_glossaries.router)
    app.include_router(glossaries.router)
    app.include_router(job_routes.router)
    docs.install(app)
    web.install(app)
    if settings.api_keys_required:
        declare_security(app)
    return app


def main() -> None:
    """Entry point for ``python -m service.main``: one worker, HOST/PORT from settings."""
    import uvicorn

    settings = Settings()
    # One worker: each worker process would hold its own copy of every model. On SIGTERM
    # uvicorn stops listening (new connections are refused), lets every request in flight
    # finish (those waiting in the inference queue are in flight too) for up to
    # DRAIN_TIMEOUT_S, then runs the lifespan exit. Its own access log is off: it writes the
    # raw path and query (a GET query can hold text); RequestContext logs the route instead.
    uvicorn.run(
        create_app(settings),
        host=settings.host,
        port=settings.port,
        workers=1,
        timeout_graceful_shutdown=settings.drain_timeout_s,
        access_log=False,
        log_config=None,
    )


if __name__ == "__main__":
    main()
