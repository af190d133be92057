"""Structured summaries: analyse, draft with an engine, translate, build the result once."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping, Sequence

from models.config import SummarizerOptions
from models.embeddings import Embedder
from models.errors import GenerationFailed, ModelUnavailable
from models.langdetect import Detection, LanguageDetector, language_shares
from models.languages import LangCode
from models.llm import LLM
from models.summary.acts import SpeechActs
from models.summary.analysis import analyse
from models.summary.extractive import ExtractiveEngine, ms_since
from models.summary.grounding import Grounder
from models.summary.labels import PointTyper
from models.summary.llm_engine import LLMEngine
from models.summary.reading import read_source, remap_summary
from models.summary.roles import RoleCheck
from models.summary.translate import SummaryTranslations, translate_summary
from models.summary.types import Article, Draft, Engine, StructuredSummary
from models.translation import TranslationService

log = logging.getLogger(__name__)
# A second language with at least this share of the letters is reported as a mixed text.
MIXED_SHARE = 0.1
Progress = Callable[[str], None]
"""Told the name of each stage as it starts (a job's progress); it may raise to stop the work."""
# Generic sentences (no test set's), one a clear request so both request detectors run.
WARM_UP_ARTICLE = (
    "The farmers' union called on the ministry to raise grain prices. "
    "Officials said 12 new storage sites worth $40 million would open this year."
)


class Summarizer:
    """Builds structured summaries with the profile's embedder and (optional) LLM."""

    def __init__(
        self,
        embedder: Embedder,
        detector: LanguageDetector,
        *,
        llm: LLM | None,
        translation: TranslationService | None,
        model_ids: Mapping[str, str],
        options: SummarizerOptions | None = None,
        acts: SpeechActs | None = None,
    ) -> None:
        self.embedder = embedder
        self.acts = acts
        self.detector = detector
        self.translation = translation
        self.options = options or SummarizerOptions()
        self.typer = PointTyper(embedder, llm, self.options)
        roles = RoleCheck(acts.cues.parse_english) if acts is not None else None
        self.grounder = Grounder(embedder, self.options, roles)
        self.extractive = ExtractiveEngine(
            self.typer, self.options, model_id=model_ids["embeddings"]
        )
        self.llm_engine = (
            LLMEngine(
                llm,
                self.typer,
                self.grounder,
                self.options,
                model_ids=(model_ids["llm"], model_ids["embeddings"]),
            )
            if llm is not None
            else None
        )

    def warm_up(self) -> None:
        """Embed once and, with an LLM, run its summary path on a two-sentence article:
        typing (compiles both scoring prefixes), the constrained key points and headline
        (compiles their grammars, caches the key point prefix)."""
        self.embedder.encode(["warm-up"])
        if self.llm_engine is not None:
            article = self.analyse(WARM_UP_ARTICLE, lang="en")
            self.llm_engine.warm_up(article)

    @property
    def has_llm(self) -> bool:
        """Whether the LLM engine is available (the profile loaded an LLM)."""
        return self.llm_engine is not None

    def analyse(self, text: str, *, lang: LangCode, title: str | None = None) -> Article:
        """The article as both engines see it. Raises ``GenerationFailed`` with no sentences."""
        return analyse(
            text,
            title=title,
            lang=lang,
            embedder=self.embedder,
            options=self.options,
            acts=self.acts,
        )

    def summarize(
        self,
        text: str,
        *,
        title: str | None = None,
        max_key_points: int = 7,
        engine: Engine = "auto",
        source_lang: str = "auto",
        target_langs: Sequence[LangCode] = (),
        progress: Progress | None = None,
    ) -> StructuredSummary:
        """Summarise ``text``; returns a ``StructuredSummary``. ``progress`` is told each stage
        as it starts: ``analysing``, ``key points and headline``, ``translating ru, kk``.

        Raises ``UnsupportedLanguage`` (source), ``ModelUnavailable`` (``engine="llm"`` with
        no LLM loaded, or no translation model for a target) or ``GenerationFailed``.
        """
        tell = progress or _silent
        tell("analysing")
        started = clock = time.perf_counter()
        detection = self.detector.resolve(text, source_lang)
        shares = language_shares(self.detector.sentence_languages(text, detection))
        source = read_source(text, latin_kazakh=detection.latin_kazakh)
        article = self.analyse(source.text, lang=detection.lang, title=source.read(title))
        analysed_ms = ms_since(clock)
        if engine == "llm" and self.llm_engine is None:
            raise ModelUnavailable(model="llm", reason="the loaded profile has no LLM")
        tell("key points and headline")
        draft, fallback_note = self._draft(article, max_key_points, engine)
        timings = {"analyse": analysed_ms, **draft.timings_ms}
        clock = time.perf_counter()
        if target_langs:
            tell(f"translating {', '.join(target_langs)}")
        translations = translate_summary(
            draft, self.translation, source_lang=detection.lang, target_langs=target_langs
        )
        if target_langs:
            timings["translate"] = ms_since(clock)
        timings["total"] = ms_since(started)
        summary = build_summary(
            article,
            detection,
            draft,
            translations,
            warnings=(*reading_notes(detection, shares), *fallback_note),
            timings_ms=timings,
            source_languages=shares,
        )
        return remap_summary(summary, source)

    def _draft(
        self, article: Article, max_key_points: int, engine: Engine
    ) -> tuple[Draft, tuple[str, ...]]:
        """The chosen engine's draft; the extractive one, with a note, if the LLM fails."""
        if self.llm_engine is not None and engine in ("auto", "llm"):
            try:
                return self.llm_engine.draft(article, max_key_points), ()
            except (GenerationFailed, RuntimeError, ValueError) as exc:
                log.exception("LLM summary failed; falling back to extractive")
                note = f"LLM engine failed ({type(exc).__name__}); extractive used instead"
                return self.extractive.draft(article, max_key_points), (note,)
        return self.extractive.draft(article, max_key_points), ()


def _silent(_stage: str) -> None:
    return None


def reading_notes(detection: Detection, shares: Mapping[str, float]) -> tuple[str, ...]:
    """Warnings on how the source was read: through transliteration, or as a mixed text."""
    notes: list[str] = []
    if detection.latin_kazakh:
        notes.append(
            "The text is Kazakh in Latin letters; it was read through Latin -> Cyrillic "
            "transliteration (offsets refer to the text sent)."
        )
    mixed = [f"{lang} {share:.0%}" for lang, share in shares.items() if share >= MIXED_SHARE]
    if len(mixed) > 1:
        notes.append(
            f"The text mixes languages ({', '.join(mixed)}, by sentence); "
            f"it was summarised as {detection.lang}."
        )
    return tuple(notes)


def build_summary(
    article: Article,
    detection: Detection,
    draft: Draft,
    translations: SummaryTranslations,
    *,
    warnings: Sequence[str] = (),
    timings_ms: Mapping[str, float],
    source_languages: Mapping[str, float] | None = None,
) -> StructuredSummary:
    """The one place a ``StructuredSummary`` is made: the article's facts, the engine's draft,
    the translations, and the warnings of every step in order."""
    models = (*draft.models, *[m for m in translations.models if m not in draft.models])
    return StructuredSummary(
        headline=draft.headline,
        summary=draft.summary,
        source_lang=detection.lang,
        source_lang_confidence=detection.confidence,
        key_points=draft.key_points,
        figures=article.figures,
        dateline=article.dateline,
        engine=draft.engine,
        chunks=draft.chunks,
        models=models,
        translations=translations.translations,
        warnings=(*warnings, *draft.warnings, *translations.warnings),
        timings_ms=dict(timings_ms),
        source_script=detection.script,
        source_languages=dict(source_languages or {detection.lang: 1.0}),
    )
