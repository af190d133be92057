"""A LibreTranslate-compatible API under ``/libretranslate``: translate, detect, languages.

Field names, response shapes, language codes and error shape follow LibreTranslate's
``libretranslate/app.py``: ``{"translatedText", "detectedLanguage": {"confidence" (0-100),
"language"}, "alternatives"}``, errors ``{"error": "..."}`` with 400, 429, 500 (and 503
while the models load). Chinese is ``zh-Hans`` as newer LibreTranslate names it; ``zh`` is
accepted too. So Weblate, Mastodon and LibreTranslate's client libraries work with only a
base URL: ``http://HOST:PORT/libretranslate/``.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from models.errors import InferenceError, InputTooLong
from models.langdetect import Detection
from models.languages import NAMES, SUPPORTED, LangCode
from models.translation.html import translate_html
from service.auth import Meter, authenticate, key_from_headers, metered
from service.compat.common import (
    DEFAULT_STATUSES,
    CompatError,
    Params,
    body_doc,
    check_length,
    compat_route,
    read_params,
)
from service.deps import EnginesDep, RunnerDep, SettingsDep

log = logging.getLogger("service.requests")
_TO_LT = {"zh": "zh-Hans"}
_FROM_LT = {"zh-hans": "zh", "zh": "zh", "en": "en", "ru": "ru", "kk": "kk"}


def render_error(status: int, message: str, headers: dict[str, str] | None) -> JSONResponse:
    """LibreTranslate's error shape (it prefixes a 429's message with ``Slowdown:``)."""
    text = f"Slowdown: {message}" if status == 429 else message
    return JSONResponse({"error": text}, status_code=status, headers=headers)


_STATUSES: dict[type[InferenceError], int] = {**DEFAULT_STATUSES, InputTooLong: 400}
router = APIRouter(
    prefix="/libretranslate",
    tags=["LibreTranslate-compatible"],
    route_class=compat_route(render_error, _STATUSES),
)


class LTError(BaseModel):
    """LibreTranslate's error body."""

    error: str


_ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": LTError} for code in (400, 413, 415, 429, 500, 503)
}


class LTTranslate(BaseModel):
    """POST /libretranslate/translate parameters (JSON or form)."""

    model_config = ConfigDict(extra="ignore")

    q: Annotated[str, Field(min_length=1)] | Annotated[list[str], Field(min_length=1)] = Field(
        description="Text, or a list of texts, to translate."
    )
    source: str = Field(description="Source language code, or auto.")
    target: str = Field(description="Target language code.")
    format: Literal["text", "html"] = Field("text", description="text or html.")
    api_key: str | None = Field(None, description="API key.")
    alternatives: int = Field(0, ge=0, le=10, description="Alternative translations wanted.")


class LTDetect(BaseModel):
    """POST /libretranslate/detect parameters."""

    model_config = ConfigDict(extra="ignore")

    q: Annotated[str, Field(min_length=1)] = Field(description="Text to detect.")
    api_key: str | None = None


class LTDetected(BaseModel):
    """A detected language; ``confidence`` in percent, as LibreTranslate gives it."""

    confidence: float
    language: str


class LTTranslation(BaseModel):
    """POST /libretranslate/translate answer (lists when ``q`` was a list)."""

    translatedText: str | list[str]
    detectedLanguage: LTDetected | list[LTDetected] | None = None
    alternatives: list[str] | list[list[str]] | None = None


class LTLanguage(BaseModel):
    """A language and the target codes it can be translated into."""

    code: str
    name: str
    targets: list[str]


def lt_code(lang: str) -> str:
    """Our code as LibreTranslate writes it (``zh`` -> ``zh-Hans``)."""
    return _TO_LT.get(lang, lang)


def parse_code(value: str, *, allow_auto: bool = False) -> str:
    """A LibreTranslate code as ours (``zh-Hans`` -> ``zh``). Raises ``CompatError`` (400)."""
    if allow_auto and value == "auto":
        return "auto"
    code = _FROM_LT.get(value.strip().lower())
    if code is None:
        raise CompatError(400, f"{value} is not supported")
    return code


ParamsDep = Annotated[Params, Depends(read_params)]


async def lt_meter(request: Request, params: ParamsDep) -> AsyncIterator[Meter]:
    """The caller's meter. LibreTranslate clients send the key as the ``api_key`` field of
    the JSON or form body; a header key (Bearer, X-API-Key) counts too. Checked like every
    route's key (401/403/429, in LibreTranslate's error shape); characters charged are given
    back if the request then fails."""
    field = params.get("api_key")
    key = field if isinstance(field, str) and field else key_from_headers(request.headers)
    async with metered(request, await authenticate(request, key)) as meter:
        yield meter


ApiKeyDep = Annotated[Meter, Depends(lt_meter)]


def _detected(d: Detection) -> LTDetected:
    return LTDetected(confidence=round(d.confidence * 100, 1), language=lt_code(d.lang))


@router.post(
    "/translate",
    response_model=LTTranslation,
    response_model_exclude_none=True,
    responses=_ERRORS,
    openapi_extra=body_doc(LTTranslate),
)
async def lt_translate(
    params: ParamsDep,
    key: ApiKeyDep,
    engines: EnginesDep,
    runner: RunnerDep,
    settings: SettingsDep,
) -> LTTranslation:
    """Translate text or HTML (LibreTranslate's /translate)."""
    body = LTTranslate.model_validate(params)
    source = parse_code(body.source, allow_auto=True)
    target: LangCode = parse_code(body.target)  # type: ignore[assignment]
    texts = [body.q] if isinstance(body.q, str) else body.q
    check_length(texts, settings.max_text_chars)
    await key.charge(sum(len(t) for t in texts))
    if body.format == "html":
        result = await runner.run(
            translate_html, engines.translation, texts, target_lang=target, source_lang=source
        )
    else:
        result = await runner.run(
            engines.translation.translate, texts, target_lang=target, source_lang=source
        )
    log.info("libretranslate: %d text(s) -> %s by %s", len(texts), target, result.models)
    detected = [_detected(d) for d in result.source_langs]
    # No alternative translations are generated: LibreTranslate itself answers [] for html.
    if isinstance(body.q, str):
        return LTTranslation(
            translatedText=result.translations[0],
            detectedLanguage=detected[0] if source == "auto" else None,
            alternatives=[] if body.alternatives else None,
        )
    return LTTranslation(
        translatedText=list(result.translations),
        detectedLanguage=detected if source == "auto" else None,
        alternatives=[[] for _ in texts] if body.alternatives else None,
    )


@router.post(
    "/detect",
    response_model=list[LTDetected],
    responses=_ERRORS,
    openapi_extra=body_doc(LTDetect),
)
async def lt_detect(params: ParamsDep, key: ApiKeyDep, engines: EnginesDep) -> list[LTDetected]:
    """Detect the language of a text, likeliest first (LibreTranslate's /detect)."""
    del key  # authenticated and rate-counted; detection is not charged
    body = LTDetect.model_validate(params)
    return [_detected(d) for d in engines.detector.ranked(body.q)]


@router.get("/languages", response_model=list[LTLanguage], responses=_ERRORS)
async def lt_languages(engines: EnginesDep) -> list[LTLanguage]:
    """Supported languages and their targets (LibreTranslate's /languages)."""
    return [
        LTLanguage(
            code=lt_code(code),
            name=NAMES[code],
            targets=[
                lt_code(t) for t in SUPPORTED if t != code and engines.translation.covers(code, t)
            ],
        )
        for code in SUPPORTED
    ]
