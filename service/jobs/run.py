"""A job's work: its request through the synchronous route's own function, nothing copied.

The route functions are plain coroutines; a job calls them with the dependencies FastAPI
would inject and its own progress callback, so a job's result is exactly the route's answer
(the result cache included). Jobs accepted while the models load wait for them.
"""

from __future__ import annotations

import asyncio
from typing import Any

from fastapi import Response

from models.engines import Engines
from models.errors import ModelUnavailable
from models.runtime import InferenceRunner
from models.summary.summarizer import Progress
from service import routes
from service.auth import Prepaid
from service.jobs.manager import Execute
from service.schemas import SummarizeRequest, TranslateRequest
from service.settings import Settings
from service.state import Caches, EngineSlot
from service.store.glossaries import GlossaryStore
from service.store.jobs import JobKind


def executor(
    *,
    settings: Settings,
    slot: EngineSlot,
    runner: InferenceRunner,
    caches: Caches,
    glossaries: GlossaryStore,
) -> Execute:
    """The ``Execute`` of the job manager, bound to the app's lifespan state."""

    async def engines() -> Engines:
        while slot.engines is None:
            if slot.error is not None:
                raise ModelUnavailable(model=settings.model_profile, reason=slot.error)
            await asyncio.sleep(0.2)
        return slot.engines

    async def execute(kind: JobKind, request: dict[str, Any], progress: Progress) -> dict[str, Any]:
        loaded = await engines()
        if kind == "summarize":
            summary = await routes.summarize(
                SummarizeRequest.model_validate(request),
                Prepaid(),
                Response(),
                loaded,
                runner,
                caches,
                settings,
                progress,
            )
            return summary.model_dump(mode="json")
        translation = await routes.translate(
            TranslateRequest.model_validate(request),
            Prepaid(),
            Response(),
            loaded,
            runner,
            caches,
            settings,
            progress,
            glossaries,
        )
        return translation.model_dump(mode="json")

    return execute
