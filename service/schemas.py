"""Request and response models of the public API (they are the OpenAPI documentation)."""

from __future__ import annotations

from datetime import datetime
from importlib import resources
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator, model_validator

from models.langdetect import Script
from models.languages import LangCode
from models.summary import PointType
from models.translation import TranslationResult
from models.translation.quality import CheckName

Lang = LangCode
SourceLang = Literal["auto"] | LangCode
Term = Annotated[str, Field(min_length=1, max_length=200)]


def _seed_example() -> str:
    # The article the product was specified from doubles as the OpenAPI example.
    return resources.files("service").joinpath("seed_example.txt").read_text("utf-8")


def _not_blank(value: str) -> str:
    if not value.strip():
        raise ValueError("must contain non-whitespace characters")
    return value


# Checked per item, so an error names the item's index (``text[3]``).
NonBlank = Annotated[str, Field(min_length=1), AfterValidator(_not_blank)]


class Out(BaseModel):
    """Response models read the inference layer's dataclasses by attribute name."""

    model_config = ConfigDict(from_attributes=True)


class Strict(BaseModel):
    """Requests reject unknown fields (a typo should not be silently ignored) and values of
    the wrong JSON type (``"cache": 0`` is not a boolean, ``"7"`` not an integer)."""

    model_config = ConfigDict(extra="forbid", strict=True)


class TranslateRequest(Strict):
    """POST /translate body."""

    text: NonBlank | Annotated[list[NonBlank], Field(min_length=1, max_length=64)] = Field(
        description="A text, or a list of 1-64 texts translated independently (order kept). "
        "Long texts are segmented; line breaks are kept; nothing is truncated.",
        examples=["Kazakhstan and China discussed trade.", ["First text.", "Second text."]],
    )
    target_lang: Lang = Field(description="Target language code.", examples=["kk"])
    source_lang: SourceLang = Field(
        "auto", description="Source language code, or auto to detect it per text."
    )
    format: Literal["text", "html"] = Field(
        "text",
        description="html: each text is an HTML document or fragment; its text is translated "
        "and its tags, attributes, entities and whitespace are kept (inline tags stay on the "
        "words they wrap where the model keeps them; model output is sanitised).",
    )
    glossary: dict[Term, Term] = Field(
        default_factory=dict,
        max_length=500,
        description="Source term -> target term: each term found (case-sensitive, whole "
        "words) is translated as given; glossary_misses lists where that failed.",
        examples=[{"Kazinform": "Казинформ"}],
    )
    preserve: list[Term] = Field(
        default_factory=list,
        max_length=500,
        description="Terms left exactly as written (do-not-translate).",
        examples=[["KAZINFORM"]],
    )
    glossary_id: str | None = Field(
        None,
        description="A stored glossary (POST /glossaries) for texts in its source language; "
        "its target language must be target_lang. glossary entries win on a clash.",
    )
    cache: bool = Field(
        True,
        description="Serve an identical earlier request's result from memory (X-Cache: hit); "
        "false always runs the models.",
    )

    def texts(self) -> list[str]:
        """The input as a list."""
        return [self.text] if isinstance(self.text, str) else list(self.text)


class Detected(BaseModel):
    """A source language and how sure the detector was (1.0 when given)."""

    lang: Lang
    confidence: float = Field(ge=0, le=1)
    script: Script | None = Field(
        None, description="latin, cyrillic or han (latin kk: read as Cyrillic)."
    )


class CheckOut(Out):
    """One quality check of a translation."""

    name: CheckName = Field(description="What was checked (models/translation/quality.py).")
    ok: bool
    detail: str = Field(description="What the check found (empty when nothing to say).")


class QualityOut(Out):
    """Whether a translation passed its checks; a failed check is also a warning."""

    ok: bool
    checks: list[CheckOut]


class GlossaryMissOut(Out):
    """A glossary or do-not-translate term found in a segment but not in its translation."""

    text: int = Field(description="Index of the input text.")
    segment: str = Field(description="The source segment that holds the term.")
    term: str = Field(description="The source term.")


class TranslateResponse(BaseModel):
    """POST /translate answer; ``translations`` is aligned with the input."""

    source_lang: Lang = Field(description="Source language of the (first) text.")
    source_lang_confidence: float = Field(description="Detection confidence; 1.0 when given.")
    detected: list[Detected] = Field(description="Source language of each text.")
    target_lang: Lang
    translations: list[str] = Field(description="One translation per input text, same order.")
    model: str | None = Field(description="Model that translated (None when nothing needed it).")
    models: list[str] = Field(description="All models used (texts in several languages).")
    segments: int = Field(description="Sentence segments sent to the model.")
    notes: list[str] = Field(description="E.g. texts already in the target language.")
    quality: list[QualityOut] = Field(
        description="One per translation, same order: whether it passed its checks."
    )
    warnings: list[str] = Field(
        description="Failed checks, and what is known of the model's output in this language."
    )
    glossary_misses: list[GlossaryMissOut] = Field(
        default_factory=list, description="Where a glossary term could not be applied."
    )
    timings_ms: dict[str, float]

    @classmethod
    def from_result(cls, result: TranslationResult, *, total_ms: float) -> TranslateResponse:
        """The response for a translation result."""
        first = result.source_langs[0]
        return cls(
            source_lang=first.lang,
            source_lang_confidence=first.confidence,
            detected=[
                Detected(lang=d.lang, confidence=d.confidence, script=d.script)
                for d in result.source_langs
            ],
            target_lang=result.target_lang,
            translations=list(result.translations),
            model=result.models[0] if result.models else None,
            models=list(result.models),
            segments=result.segments,
            notes=list(result.notes),
            quality=[QualityOut.model_validate(q) for q in result.quality],
            warnings=list(result.warnings),
            glossary_misses=[GlossaryMissOut.model_validate(m) for m in result.glossary_misses],
            timings_ms={"total": total_ms},
        )


class SummarizeRequest(Strict):
    """POST /summarize body."""

    model_config = ConfigDict(
        extra="forbid",
        strict=True,
        json_schema_extra={
            "examples": [
                {"text": _seed_example(), "target_langs": ["ru", "kk", "zh"], "max_key_points": 7}
            ]
        },
    )

    text: str = Field(min_length=1, description="The article: plain text, or an HTML page.")
    text_format: Literal["text", "html"] = Field(
        "text",
        description="html: text is a web page; its main text is extracted (navigation, ads, "
        "related links and footers left out), returned as article_text, and every offset "
        "refers to it.",
    )
    title: str | None = Field(
        None, max_length=500, description="The article's title (for html: the page's title)."
    )
    target_langs: list[Lang] = Field(
        default_factory=list,
        max_length=4,
        description="Languages to translate headline, summary and key points into.",
    )
    max_key_points: int = Field(7, ge=1, le=20, description="At most this many key points.")
    engine: Literal["auto", "llm", "extractive"] = Field(
        "auto", description="auto = llm when the profile has one, extractive otherwise."
    )
    source_lang: SourceLang = Field("auto", description="Article language, or auto.")
    cache: bool = Field(
        True,
        description="Serve an identical earlier request's result from memory (X-Cache: hit); "
        "false always runs the models.",
    )

    @field_validator("text")
    @classmethod
    def _text_not_blank(cls, value: str) -> str:
        return _not_blank(value)

    @field_validator("target_langs")
    @classmethod
    def _unique(cls, value: list[str]) -> list[str]:
        if len(set(value)) != len(value):
            raise ValueError("target_langs must not repeat a language")
        return value


class SpanOut(Out):
    """Half-open character offsets into the submitted text: ``text == submitted[start:end]``."""

    start: int = Field(ge=0)
    end: int = Field(ge=0)
    text: str

    @model_validator(mode="before")
    @classmethod
    def _flatten_span(cls, value: Any) -> Any:
        # A Figure or Dateline carries its offsets in a ``span``; the API puts them inline.
        span = getattr(value, "span", None)
        if span is None:
            return value
        fields = {name: getattr(value, name) for name in cls.model_fields if hasattr(value, name)}
        return {**fields, "start": span.start, "end": span.end, "text": span.text}


class KeyPointOut(Out):
    """One key point with its type, parties and evidence."""

    text: str
    type: PointType = Field(
        description="request: a party asks, urges, calls on, appeals to or hopes another acts; "
        "agreement; statement; event; figure."
    )
    actor: str | None = Field(description="Who acts or asks (named as in the article).")
    target: str | None = Field(description="Towards whom (named as in the article).")
    evidence: list[SpanOut] = Field(description="Source sentences supporting the point.")
    confidence: float = Field(description="Type confidence in [0, 1].")


class FigureOut(SpanOut):
    """An amount, count, percentage or quantity found in the article."""

    kind: Literal["money", "percent", "count", "quantity"]
    value: float | None = Field(description="Numeric value with multipliers applied.")


class DatelineOut(SpanOut):
    """The article's dateline (date, place, agency) where it has one."""

    date: str | None
    place: str | None
    agency: str | None


class SummaryTranslationOut(Out):
    """Headline, summary and key point texts in one language (same order and count)."""

    headline: str
    summary: str
    key_points: list[str]
    quality: list[QualityOut] = Field(
        description="Aligned with [headline, summary, *key_points]: whether each passed its checks."
    )


class SummarizeResponse(Out):
    """POST /summarize answer (fixed shape); ``model_validate(StructuredSummary)`` builds it."""

    headline: str
    summary: str
    source_lang: Lang
    source_lang_confidence: float
    source_script: Script | None = Field(None, description="latin with kk: transliterated.")
    source_languages: dict[str, float] = Field(
        default_factory=dict, description="Each language's share of the letters, by sentence."
    )
    key_points: list[KeyPointOut]
    figures: list[FigureOut]
    dateline: DatelineOut | None
    translations: dict[str, SummaryTranslationOut]
    engine: Literal["llm", "extractive"]
    article_text: str | None = Field(
        None,
        description="For text_format html: the text extracted from the page, which every "
        "offset refers to (null for plain text: offsets refer to the text sent).",
    )
    chunks: int = Field(description="Article chunks the LLM processed (1 for extractive).")
    models: list[str]
    warnings: list[str]
    timings_ms: dict[str, float]

    @field_validator("translations", mode="before")
    @classmethod
    def _by_language(cls, value: Any) -> Any:
        # The inference layer lists translations in request order; the API keys them by code.
        if isinstance(value, list | tuple):
            return {t.lang: t for t in value}
        return value


class ErrorBody(BaseModel):
    """The one error shape."""

    type: str
    message: str
    param: str | None = None


class ErrorResponse(BaseModel):
    """``{"error": {"type", "message", "param"}}``."""

    error: ErrorBody


class Health(BaseModel):
    """Liveness: the process answers."""

    status: Literal["ok"]
    models: Literal["loading", "ready", "failed"]


class Ready(BaseModel):
    """Readiness: models are loaded."""

    ready: bool
    profile: str | None
    reason: str | None


class LanguageOut(BaseModel):
    """A supported language and which directions the loaded models cover."""

    code: Lang
    name: str
    translate_to: list[Lang]


class ModelOut(Out):
    """A loaded model, as the manifest declares it."""

    id: str
    task: str
    revision: str | None
    licence: str
    device: str
    dtype: str
    size: str
    quality: str
    languages: list[str]
    load_s: float
    backend: str = Field(description="torch, llamacpp, ctranslate2 or sentence-transformers.")


class ModelsOut(BaseModel):
    """GET /models."""

    profile: str
    reason: str
    models: list[ModelOut]


class UsageOut(BaseModel):
    """GET /usage: DeepL's ``/v2/usage`` shape, plus the period it counts."""

    character_count: int = Field(description="Characters charged in the current period.")
    character_limit: int = Field(
        description="The period's character quota; 1000000000000 (DeepL's figure) for none."
    )
    period: Literal["day", "month"] = Field(description="The quota period (UTC calendar).")
    period_start: datetime = Field(description="When the current period began (UTC).")
    period_end: datetime = Field(description="When it ends and the count restarts (UTC).")
    key_id: str | None = Field(description="The key counted; null for anonymous callers.")
