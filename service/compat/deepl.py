"""A DeepL-compatible API: ``POST /v2/translate`` and ``GET /v2/languages``.

As DeepL's API reference and its official Python client (``deepl/translator.py``) have it:
upper-case codes (``EN``, ``RU``, ``KK``, ``ZH``; targets ``EN-US``, ``EN-GB``, ``ZH-HANS``),
``text`` a list (JSON) or a repeated form field, ``tag_handling=html``, ``glossary_id`` (our
stored glossaries), answers ``{"translations": [{"detected_source_language", "text",
"billed_characters"}]}`` and errors ``{"message": ...}`` with DeepL's statuses (400, 403,
404, 413, 429, 456, 500, 503). The key comes in ``Authorization: DeepL-Auth-Key KEY``.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field, field_validator

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
from service.deps import EnginesDep, GlossariesDep, LimiterDep, RunnerDep, SettingsDep
from service.glossaries import resolve_glossary
from service.store.glossaries import GlossaryNotFound

log = logging.getLogger("service.requests")

_SOURCE = {"EN": "en", "RU": "ru", "KK": "kk", "ZH": "zh"}
_TARGET = {**_SOURCE, "EN-US": "en", "EN-GB": "en", "ZH-HANS": "zh"}
# What GET /v2/languages?type=target lists (DeepL lists EN-GB and EN-US, not EN).
_TARGET_NAMES = {
    "EN-GB": "English (British)",
    "EN-US": "English (American)",
    "RU": "Russian",
    "KK": "Kazakh",
    "ZH": "Chinese (simplified)",
    "ZH-HANS": "Chinese (simplified)",
}


def render_error(status: int, message: str, headers: dict[str, str] | None) -> JSONResponse:
    """DeepL's error shape."""
    return JSONResponse({"message": message}, status_code=status, headers=headers)


router = APIRouter(
    prefix="/v2",
    tags=["DeepL-compatible"],
    # DeepL answers a missing or wrong key with 403, which its clients name.
    route_class=compat_route(render_error, DEFAULT_STATUSES, access={401: 403}),
)


class DeepLError(BaseModel):
    """DeepL's error body."""

    message: str


_ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": DeepLError} for code in (400, 404, 413, 415, 429, 500, 503)
}


class DeepLTranslate(BaseModel):
    """POST /v2/translate parameters; DeepL's other options are accepted and ignored."""

    model_config = ConfigDict(extra="ignore")

    text: list[Annotated[str, Field(min_length=1)]] = Field(min_length=1, max_length=50)
    target_lang: str = Field(description="EN-US, EN-GB, RU, KK, ZH or ZH-HANS (any case).")
    source_lang: str | None = Field(None, description="EN, RU, KK or ZH; detected when absent.")
    tag_handling: Literal["html"] | None = Field(None, description="html: keep the markup.")
    glossary_id: str | None = Field(None, description="A stored glossary (POST /glossaries).")

    @field_validator("text", mode="before")
    @classmethod
    def _one_or_many(cls, value: Any) -> Any:
        return [value] if isinstance(value, str) else value


class DeepLTextResult(BaseModel):
    """One translation."""

    detected_source_language: str
    text: str
    billed_characters: int


class DeepLTranslations(BaseModel):
    """POST /v2/translate answer."""

    translations: list[DeepLTextResult]


class DeepLLanguage(BaseModel):
    """A language of GET /v2/languages."""

    language: str
    name: str
    supports_formality: bool | None = None


async def auth_meter(
    request: Request, params: Annotated[Params, Depends(read_params)]
) -> AsyncIterator[Meter]:
    """The caller's meter. DeepL clients send ``Authorization: DeepL-Auth-Key KEY`` (or the
    old ``auth_key`` parameter), mapped to our API keys; with keys off any key is accepted.
    Checked like every route's key (401/403/429/456 in DeepL's error shape); characters
    charged are given back if the request then fails."""
    legacy = params.get("auth_key")
    key = key_from_headers(request.headers)
    if key is None and isinstance(legacy, str) and legacy:
        key = legacy
    async with metered(request, await authenticate(request, key)) as meter:
        yield meter


AuthKeyDep = Annotated[Meter, Depends(auth_meter)]
ParamsDep = Annotated[Params, Depends(read_params)]


def _code(value: str | None, table: dict[str, str], name: str) -> str:
    code = table.get((value or "").strip().upper())
    if code is None:
        raise CompatError(400, f"Value for '{name}' not supported.")
    return code


@router.post(
    "/translate",
    response_model=DeepLTranslations,
    responses=_ERRORS,
    openapi_extra=body_doc(DeepLTranslate),
)
async def deepl_translate(
    params: ParamsDep,
    key: AuthKeyDep,
    engines: EnginesDep,
    runner: RunnerDep,
    settings: SettingsDep,
    store: GlossariesDep,
) -> DeepLTranslations:
    """Translate texts (DeepL's /v2/translate)."""
    if "text" not in params:
        raise CompatError(400, "Parameter 'text' not specified.")
    if "target_lang" not in params:
        raise CompatError(400, "Parameter 'target_lang' not specified.")
    body = DeepLTranslate.model_validate(params)
    target: LangCode = _code(body.target_lang, _TARGET, "target_lang")  # type: ignore[assignment]
    source = "auto" if body.source_lang is None else _code(body.source_lang, _SOURCE, "source_lang")
    if body.glossary_id is not None and source == "auto":
        raise CompatError(400, "Parameter 'source_lang' is required when using a glossary.")
    try:
        glossary = await resolve_glossary(store, glossary_id=body.glossary_id, target_lang=target)
    except GlossaryNotFound as exc:
        raise CompatError(404, "Glossary not found.") from exc
    if glossary is not None and glossary.source_lang != source:
        raise CompatError(400, "Glossary language pair does not match source_lang/target_lang.")
    check_length(body.text, settings.max_text_chars)
    await key.charge(sum(len(t) for t in body.text))
    translate = translate_html if body.tag_handling == "html" else None
    if translate is not None:
        result = await runner.run(
            translate, engines.translation, body.text, target_lang=target, source_lang=source,
            glossary=glossary,
        )  # fmt: skip
    else:
        result = await runner.run(
            engines.translation.translate, body.text, target_lang=target, source_lang=source,
            glossary=glossary,
        )  # fmt: skip
    log.info("deepl: %d text(s) -> %s by %s", len(body.text), target, result.models)
    return DeepLTranslations(
        translations=[
            DeepLTextResult(
                detected_source_language=d.lang.upper(), text=out, billed_characters=len(src)
            )
            for src, out, d in zip(body.text, result.translations, result.source_langs, strict=True)
        ]
    )


@router.get("/languages", response_model=list[DeepLLanguage], responses=_ERRORS)
async def deepl_languages(params: ParamsDep, engines: EnginesDep) -> list[DeepLLanguage]:
    """Source or target languages (DeepL's /v2/languages; type=source|target)."""
    kind = params.get("type", "source")
    if kind not in ("source", "target"):
        raise CompatError(400, "Value for 'type' not supported.")
    if kind == "source":
        return [
            DeepLLanguage(language=code, name=NAMES[lang])
            for code, lang in _SOURCE.items()
            if any(engines.translation.covers(lang, t) for t in SUPPORTED if t != lang)
        ]
    return [
        DeepLLanguage(language=code, name=name, supports_formality=False)
        for code, name in _TARGET_NAMES.items()
        if any(
            engines.translation.covers(s, _TARGET[code]) for s in SUPPORTED if s != _TARGET[code]
        )
    ]


class DeepLUsage(BaseModel):
    """DeepL's /v2/usage answer."""

    character_count: int = Field(description="Characters charged this period.")
    character_limit: int = Field(description="The key's quota for the period.")


@router.get("/usage", response_model=DeepLUsage, responses=_ERRORS)
async def deepl_usage(request: Request, params: ParamsDep, limiter: LimiterDep) -> DeepLUsage:
    """The caller's characters this period and its quota (DeepL's /v2/usage)."""
    legacy = params.get("auth_key")
    key = key_from_headers(request.headers) or (legacy if isinstance(legacy, str) else None)
    caller = await authenticate(request, key or None, count_rate=False)
    used = await limiter.usage(caller)
    return DeepLUsage(character_count=used.character_count, character_limit=used.character_limit)
