"""Routes: health and metadata, /translate, /summarize."""

from __future__ import annotations

import logging
import time

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from models.errors import InputTooLong
from models.languages import NAMES, SUPPORTED
from models.summarization import StructuredSummary
from service.deps import EnginesDep, RunnerDep, SettingsDep
from service.schemas import (
    DatelineOut,
    Detected,
    ErrorResponse,
    FigureOut,
    Health,
    KeyPointOut,
    LanguageOut,
    ModelOut,
    ModelsOut,
    Ready,
    SpanOut,
    SummarizeRequest,
    SummarizeResponse,
    SummaryTranslationOut,
    TranslateRequest,
    TranslateResponse,
)

router = APIRouter()
log = logging.getLogger("service.requests")
_ERRORS: dict[int | str, dict[str, object]] = {
    code: {"model": ErrorResponse} for code in (413, 415, 422, 429, 500, 502, 503)
}


@router.get("/health", response_model=Health)
async def health(request: Request) -> Health:
    """Liveness: answers while models load and while inference runs."""
    state = request.app.state
    if state.engines:
        return Health(status="ok", models="ready")
    return Health(status="ok", models="failed" if state.load_error else "loading")


@router.get("/ready", response_model=Ready, responses={503: {"model": Ready}})
async def ready(request: Request) -> JSONResponse:
    """Readiness: 200 once the models are loaded, 503 before (or after a failed load)."""
    state = request.app.state
    engines = state.engines
    body = Ready(
        ready=engines is not None,
        profile=engines.profile if engines else None,
        reason=engines.profile_reason if engines else (state.load_error or "models are loading"),
    )
    return JSONResponse(body.model_dump(), status_code=200 if engines else 503)


@router.get("/languages", response_model=list[LanguageOut])
async def languages(engines: EnginesDep) -> list[LanguageOut]:
    """Supported languages and the translation directions the loaded models cover."""
    out = []
    for code in SUPPORTED:
        targets = [
            t
            for t in SUPPORTED
            if t != code and any(m.spec.covers(code, t) for m in engines.translation.translators)
        ]
        out.append(LanguageOut(code=code, name=NAMES[code], translate_to=targets))
    return out


@router.get("/models", response_model=ModelsOut)
async def models(engines: EnginesDep) -> ModelsOut:
    """Loaded models: id, revision, licence, device, dtype and a quality note."""
    return ModelsOut(
        profile=engines.profile,
        reason=engines.profile_reason,
        models=[
            ModelOut(**{**card.__dict__, "languages": list(card.languages)})
            for card in engines.cards
        ],
    )


def _check_length(texts: list[str], limit: int) -> None:
    total = sum(len(t) for t in texts)
    if total > limit:
        raise InputTooLong(param="text", length=total, limit=limit)


@router.post("/translate", response_model=TranslateResponse, responses=_ERRORS)
async def translate(
    body: TranslateRequest, engines: EnginesDep, runner: RunnerDep, settings: SettingsDep
) -> TranslateResponse:
    """Translate one text or a list of texts into Russian, Kazakh, Chinese or English."""
    texts = body.texts()
    _check_length(texts, settings.max_text_chars)
    started = time.perf_counter()
    result = await runner.run(
        engines.translation.translate,
        texts,
        target_lang=body.target_lang,
        source_lang=body.source_lang,
    )
    first = result.source_langs[0]
    log.info("translate: %d text(s) -> %s by %s", len(texts), body.target_lang, result.models)
    return TranslateResponse(
        source_lang=first.lang,
        source_lang_confidence=first.confidence,
        detected=[Detected(lang=d.lang, confidence=d.confidence) for d in result.source_langs],
        target_lang=body.target_lang,
        translations=result.translations,
        model=result.models[0] if result.models else None,
        models=result.models,
        segments=result.segments,
        notes=result.notes,
        timings_ms={"total": round((time.perf_counter() - started) * 1000, 1)},
    )


@router.post("/summarize", response_model=SummarizeResponse, responses=_ERRORS)
async def summarize(
    body: SummarizeRequest, engines: EnginesDep, runner: RunnerDep, settings: SettingsDep
) -> SummarizeResponse:
    """Structured summary of a news article: headline, summary, typed key points with evidence."""
    _check_length([body.text], settings.max_text_chars)
    started = time.perf_counter()
    result = await runner.run(
        engines.summarizer.summarize,
        body.text,
        title=body.title,
        max_key_points=body.max_key_points,
        engine=body.engine,
        source_lang=body.source_lang,
        target_langs=body.target_langs,
    )
    result.timings_ms["total"] = round((time.perf_counter() - started) * 1000, 1)
    log.info(
        "summarize: engine %s by %s in %.0f ms",
        result.engine,
        result.models,
        result.timings_ms["total"],
    )
    return _summary_out(result)


def _summary_out(result: StructuredSummary) -> SummarizeResponse:
    dateline = result.dateline
    return SummarizeResponse(
        headline=result.headline,
        summary=result.summary,
        source_lang=result.source_lang,
        source_lang_confidence=result.source_confidence,
        key_points=[
            KeyPointOut(
                text=p.text,
                type=p.type,
                actor=p.actor,
                target=p.target,
                evidence=[SpanOut(start=s.start, end=s.end, text=s.text) for s in p.evidence],
                confidence=p.confidence,
            )
            for p in result.key_points
        ],
        figures=[
            FigureOut(
                kind=f.kind, value=f.value, start=f.span.start, end=f.span.end, text=f.span.text
            )
            for f in result.figures
        ],
        dateline=DatelineOut(
            start=dateline.span.start,
            end=dateline.span.end,
            text=dateline.span.text,
            date=dateline.date,
            place=dateline.place,
            agency=dateline.agency,
        )
        if dateline
        else None,
        translations={
            t.lang: SummaryTranslationOut(
                headline=t.headline, summary=t.summary, key_points=t.key_points
            )
            for t in result.translations
        },
        engine=result.engine,
        chunks=result.chunks,
        models=result.models,
        warnings=result.warnings,
        timings_ms=result.timings_ms,
    )
