"""Request-scoped accessors for what the lifespan put on ``app.state``."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from models.engines import Engines
from models.errors import ModelUnavailable
from models.runtime import InferenceRunner
from service.settings import Settings


def get_settings(request: Request) -> Settings:
    """The settings the app was built with."""
    settings: Settings = request.app.state.settings
    return settings


def get_engines(request: Request) -> Engines:
    """The loaded engines; 503 while loading or after a failed load."""
    engines: Engines | None = request.app.state.engines
    if engines is None:
        reason = request.app.state.load_error or "models are still loading"
        raise ModelUnavailable(model=request.app.state.settings.model_profile, reason=reason)
    return engines


def get_runner(request: Request) -> InferenceRunner:
    """The bounded inference executor."""
    runner: InferenceRunner = request.app.state.runner
    return runner


SettingsDep = Annotated[Settings, Depends(get_settings)]
EnginesDep = Annotated[Engines, Depends(get_engines)]
RunnerDep = Annotated[InferenceRunner, Depends(get_runner)]
