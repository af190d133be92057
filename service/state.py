"""What the lifespan hands to requests: the typed lifespan state (Starlette ``state``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypedDict

from models.engines import Engines
from models.runtime import InferenceRunner
from service.cache import ResultCache
from service.jobs.manager import JobManager
from service.quotas import Limiter
from service.schemas import SummarizeResponse, TranslateResponse
from service.settings import Settings
from service.store.glossaries import GlossaryStore
from service.store.keys import KeyStore


@dataclass
class EngineSlot:
    """Where the engines arrive: set once loading finishes (or fails), read by every request.

    A mutable slot rather than the engines themselves, because with ``MODEL_LOADING=background``
    the lifespan yields before the models are loaded.
    """

    engines: Engines | None = None
    error: str | None = None


@dataclass
class Caches:
    """The result caches of the two model routes (each bounded by RESULT_CACHE_ENTRIES)."""

    summaries: ResultCache[SummarizeResponse]
    translations: ResultCache[TranslateResponse]


class AppState(TypedDict):
    """The lifespan state; Starlette gives each request a shallow copy as ``request.state``."""

    settings: Settings
    runner: InferenceRunner
    slot: EngineSlot
    caches: Caches
    keys: KeyStore
    limiter: Limiter
    jobs: JobManager
    glossaries: GlossaryStore
