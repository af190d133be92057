"""App factory: routes, middleware, error handlers, and model loading in the lifespan."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request, Response

from models.engines import EngineConfig, Engines, load_engines
from models.errors import ModelUnavailable
from models.manifest import ManifestError
from models.runtime import InferenceRunner
from service import errors
from service.routes import router
from service.settings import Settings

log = logging.getLogger("service")
Loader = Callable[[EngineConfig], Engines]


def engine_config(settings: Settings) -> EngineConfig:
    """Translate HTTP-side settings into the inference layer's plain config."""
    return EngineConfig(
        profile=settings.model_profile,
        manifest_path=settings.model_manifest,
        cache_dir=settings.cache_dir,
        device=settings.device,
        hub_offline=settings.hf_hub_offline,
        num_beams=settings.num_beams,
        torch_threads=settings.torch_threads,
        translation_backend=settings.translation_backend,
        ct2_compute_type=settings.ct2_compute_type,
        fixed_new_tokens=settings.fixed_new_tokens,
        micro_batching=settings.micro_batching,
        batch_wait_ms=settings.batch_wait_ms,
        llm_batch_wait_ms=settings.llm_batch_wait_ms,
        max_batch_size=settings.max_batch_size,
        max_batch_tokens=settings.max_batch_tokens,
    )


def create_app(settings: Settings | None = None, *, loader: Loader = load_engines) -> FastAPI:
    """Build the application. ``loader`` is swappable so tests can count or fail loads."""
    settings = settings or Settings()
    logging.basicConfig(
        level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.engines = None
        app.state.load_error = None
        # With micro-batching, request threads mostly wait for their batches, so as many may
        # be in flight as fit in one batch; without it, one request at a time owns the model.
        workers = settings.inference_workers or (
            settings.max_batch_size if settings.micro_batching else 1
        )
        app.state.runner = InferenceRunner(
            workers=workers,
            max_queue=settings.max_queue,
            retry_after_s=settings.retry_after_s,
        )
        config = engine_config(settings)

        async def load() -> None:
            try:
                engines = await asyncio.to_thread(loader, config)
            except (ModelUnavailable, ManifestError, ValueError) as exc:
                app.state.load_error = str(exc)
                log.error("model loading failed: %s", exc)
                raise
            app.state.engines = engines
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
            yield
        finally:
            if task is not None and not task.done():
                task.cancel()
            app.state.runner.shutdown()
            if app.state.engines is not None:
                app.state.engines.close()
            app.state.engines = None

    app = FastAPI(
        title="News summarisation and translation",
        version="0.1.0",
        description="Structured summaries (typed key points with character-offset evidence) "
        "and translation into Russian, Kazakh and Chinese, on self-hosted models.",
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.engines = None
    app.state.load_error = None
    errors.register(app)

    @app.middleware("http")
    async def check_body(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        # Checked before FastAPI parses the body: a wrong content type would otherwise be
        # reported as a confusing validation error, and a huge body would be read whole.
        if request.method in ("POST", "PUT", "PATCH"):
            content_type = request.headers.get("content-type", "")
            if content_type.split(";")[0].strip().lower() != "application/json":
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
    return app


app = create_app()


def main() -> None:
    """Entry point for ``python -m service.main``: one worker, HOST/PORT from settings."""
    import uvicorn

    # One worker: each worker process would hold its own copy of every model.
    uvicorn.run(app, host=app.state.settings.host, port=app.state.settings.port, workers=1)


if __name__ == "__main__":
    main()
