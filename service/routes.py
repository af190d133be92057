"""Routes: health and metadata, /translate, /summarize."""

from __future__ import annotations

import logging
import time
from typing import Any

from fastapi import APIRouter, Response
from fastapi.responses import JSONResponse

from models.errors import InputTooLong
from models.languages import NAMES, SUPPORTED
from models.text.html_extract import extract_article
from models.translation.html import translate_html
from service.auth import MeterDep
from service.cache import ResultCache
from service.deps import (
    CachesDep,
    EnginesDep,
    GlossariesDep,
    ProgressDep,
    RunnerDep,
    SettingsDep,
    SlotDep,
)
from service.glossaries import resolve_glossary
from service.schemas import (
    ErrorResponse,
    Health,
    LanguageOut,
    ModelOut,
    ModelsOut,
    Ready,
    SummarizeRequest,
    SummarizeResponse,
    TranslateRequest,
    TranslateResponse,
)

router = APIRouter()
log = logging.getLogger("service.requests")
_ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorResponse}
    for code in (401, 403, 413, 415, 422, 429, 456, 500, 502, 503, 504)
}
# Routes that need the loaded models answer 503 while they load.
_LOADING: dict[int | str, dict[str, object]] = {503: {"model": ErrorResponse}}
_TRANSLATE_ERRORS = {**_ERRORS, 404: {"model": ErrorResponse}}


@router.get("/health", response_model=Health)
async def health(slot: SlotDep) -> Health:
    """Liveness: answers while models load and while inference runs."""
    if slot.engines is not None:
        return Health(status="ok", models="ready")
    return Health(status="ok", models="failed" if slot.error else "loading")


@router.get("/ready", response_model=Ready, responses={503: {"model": Ready}})
async def ready(slot: SlotDep) -> JSONResponse:
    """Readiness: 200 once the models are loaded, 503 before (or after a failed load)."""
    engines = slot.engines
    body = Ready(
        ready=engines is not None,
        profile=engines.profile if engines else None,
        reason=engines.profile_reason if engines else (slot.error or "models are loading"),
    )
    return JSONResponse(body.model_dump(), status_code=200 if engines else 503)


@router.get("/languages", response_model=list[LanguageOut], responses=_LOADING)
async def languages(engines: EnginesDep) -> list[LanguageOut]:
    """Supported languages and the translation directions the loaded models cover."""
    return [
        LanguageOut(
            code=code,
            name=NAMES[code],
            translate_to=[
                t for t in SUPPORTED if t != code and engines.translation.covers(code, t)
            ],
        )
        for code in SUPPORTED
    ]


@router.get("/models", response_model=ModelsOut, responses=_LOADING)
async def models(engines: EnginesDep) -> ModelsOut:
    """Loaded models: id, revision, licence, device, dtype and a quality note."""
    return ModelsOut(
        profile=engines.profile,
        reason=engines.profile_reason,
        models=[ModelOut.model_validate(card) for card in engines.cards],
    )


def _check_length(texts: list[str], limit: int) -> None:
    total = sum(len(t) for t in texts)
    if total > limit:
        raise InputTooLong(param="text", length=total, limit=limit)


@router.post("/translate", response_model=TranslateResponse, responses=_TRANSLATE_ERRORS)
async def translate(
    body: TranslateRequest,
    meter: MeterDep,
    response: Response,
    engines: EnginesDep,
    runner: RunnerDep,
    caches: CachesDep,
    settings: SettingsDep,
    progress: ProgressDep,
    store: GlossariesDep,
) -> TranslateResponse:
    """Translate one text or a list of texts into Russian, Kazakh, Chinese or English."""
    texts = body.texts()
    _check_length(texts, settings.max_text_chars)
    await meter.charge(sum(len(t) for t in texts))
    started = time.perf_counter()
    glossary = await resolve_glossary(
        store,
        glossary_id=body.glossary_id,
        target_lang=body.target_lang,
        entries=body.glossary,
        preserve=body.preserve,
    )

    async def run() -> TranslateResponse:
        if progress is not None:
            progress(f"translating {body.target_lang}")
        if body.format == "html":
            result = await runner.run(
                translate_html,
                engines.translation,
                texts,
                target_lang=body.target_lang,
                source_lang=body.source_lang,
                glossary=glossary,
            )
        else:
            result = await runner.run(
                engines.translation.translate,
                texts,
                target_lang=body.target_lang,
                source_lang=body.source_lang,
                glossary=glossary,
            )
        log.info("translate: %d text(s) -> %s by %s", len(texts), body.target_lang, result.models)
        total_ms = round((time.perf_counter() - started) * 1000, 1)
        return TranslateResponse.from_result(result, total_ms=total_ms)

    key = ResultCache.key("translate", body.model_dump(exclude={"cache"}), engines.fingerprint)
    out, hit = await caches.translations.get_or_run(key, run, use=body.cache)
    response.headers["X-Cache"] = "hit" if hit else "miss"
    return out


@router.post("/summarize", response_model=SummarizeResponse, responses=_ERRORS)
async def summarize(
    body: SummarizeRequest,
    meter: MeterDep,
    response: Response,
    engines: EnginesDep,
    runner: RunnerDep,
    caches: CachesDep,
    settings: SettingsDep,
    progress: ProgressDep,
) -> SummarizeResponse:
    """Structured summary of a news article: headline, summary, typed key points with evidence."""
    _check_length([body.text], settings.max_text_chars)
    # The article (and title) the caller sent, as DeepL counts source characters; asking for
    # translations of the summary does not multiply it.
    await meter.charge(len(body.text) + len(body.title or ""))

    async def run() -> SummarizeResponse:
        text, title, article_text = body.text, body.title, None
        if body.text_format == "html":
            article = await runner.run(extract_article, body.text)
            text, title, article_text = article.text, title or article.title, article.text
        result = await runner.run(
            engines.summarizer.summarize,
            text,
            title=title,
            max_key_points=body.max_key_points,
            engine=body.engine,
            source_lang=body.source_lang,
            target_langs=body.target_langs,
            progress=progress,
        )
        log.info(
            "summarize: engine %s by %s in %.0f ms",
            result.engine,
            result.models,
            result.timings_ms["total"],
        )
        out = SummarizeResponse.model_validate(result)
        return out.model_copy(update={"article_text": article_text}) if article_text else out

    key = ResultCache.key("summarize", body.model_dump(exclude={"cache"}), engines.fingerprint)
    out, hit = await caches.summaries.get_or_run(key, run, use=body.cache)
    response.headers["X-Cache"] = "hit" if hit else "miss"
    return out
