"""Request-scoped accessors for the lifespan state, and the ``Depends`` aliases routes use."""

from __future__ import annotations

from typing import Annotated, cast

from fastapi import Depends, Request

from models.engines import Engines
from models.errors import ModelUnavailable
from models.runtime import InferenceRunner
from models.summary.summarizer import Progress
from service.jobs.manager import JobManager
from service.quotas import Limiter
from service.settings import Settings
from service.state import AppState, Caches, EngineSlot
from service.store.glossaries import GlossaryStore
from service.store.keys import KeyStore


def app_state(request: Request) -> AppState:
    """The lifespan state of the app serving ``request`` (a ``State`` reads like the dict)."""
    return cast("AppState", request.state)


def get_settings(request: Request) -> Settings:
    """The settings the app was built with."""
    return app_state(request)["settings"]


def get_slot(request: Request) -> EngineSlot:
    """The engine slot: the loaded engines, or why there are none yet."""
    return app_state(request)["slot"]


def get_engines(request: Request) -> Engines:
    """The loaded engines; raises ``ModelUnavailable`` (503) while loading or after a failure."""
    slot = get_slot(request)
    if slot.engines is None:
        reason = slot.error or "models are still loading"
        raise ModelUnavailable(model=get_settings(request).model_profile, reason=reason)
    return slot.engines


def get_runner(request: Request) -> InferenceRunner:
    """The bounded inference executor."""
    return app_state(request)["runner"]


def get_caches(request: Request) -> Caches:
    """The result caches."""
    return app_state(request)["caches"]


def get_key_store(request: Request) -> KeyStore:
    """The store of API keys and usage counters (STORE_URL)."""
    return app_state(request)["keys"]


def get_limiter(request: Request) -> Limiter:
    """Rate limits and character quotas."""
    return app_state(request)["limiter"]


def get_jobs(request: Request) -> JobManager:
    """The job manager."""
    return app_state(request)["jobs"]


def no_progress() -> Progress | None:
    """An HTTP request reports no progress; a job calls the route with its own callback."""
    return None


def get_glossaries(request: Request) -> GlossaryStore:
    """The stored glossaries."""
    return app_state(request)["glossaries"]


SettingsDep = Annotated[Settings, Depends(get_settings)]
SlotDep = Annotated[EngineSlot, Depends(get_slot)]
EnginesDep = Annotated[Engines, Depends(get_engines)]
RunnerDep = Annotated[InferenceRunner, Depends(get_runner)]
CachesDep = Annotated[Caches, Depends(get_caches)]
KeyStoreDep = Annotated[KeyStore, Depends(get_key_store)]
LimiterDep = Annotated[Limiter, Depends(get_limiter)]
JobsDep = Annotated[JobManager, Depends(get_jobs)]
ProgressDep = Annotated[Progress | None, Depends(no_progress)]
GlossariesDep = Annotated[GlossaryStore, Depends(get_glossaries)]
