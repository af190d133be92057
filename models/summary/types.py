"""What the summary engines take and return: frozen, plain data."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from models.languages import LangCode
from models.spans import Span
from models.summary.acts import Act
from models.text.datelines import Dateline
from models.text.figures import Figure
from models.translation.quality import Quality

PointType = Literal["request", "agreement", "statement", "event", "figure"]
# "request" comes first: the type-probability rows and ``llm_type`` rely on its column being 0.
POINT_TYPES: tuple[PointType, ...] = ("request", "agreement", "statement", "event", "figure")
Engine = Literal["auto", "llm", "extractive"]


@dataclass(frozen=True)
class KeyPoint:
    """One key point and where it comes from."""

    text: str
    type: PointType
    actor: str | None
    target: str | None
    evidence: tuple[Span, ...]
    confidence: float


@dataclass(frozen=True)
class SummaryTranslation:
    """Headline, summary and key point texts in one target language."""

    lang: LangCode
    headline: str
    summary: str
    key_points: tuple[str, ...]
    # Aligned with (headline, summary, *key_points): whether each passed its checks.
    quality: tuple[Quality, ...] = ()


@dataclass(frozen=True)
class Draft:
    """What one engine wrote for an article, before it becomes a ``StructuredSummary``."""

    headline: str
    summary: str
    key_points: tuple[KeyPoint, ...]
    engine: Literal["llm", "extractive"]
    chunks: int
    models: tuple[str, ...]
    warnings: tuple[str, ...] = ()
    timings_ms: Mapping[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class StructuredSummary:
    """Everything ``/summarize`` returns, as plain data; built once by ``build_summary``."""

    headline: str
    summary: str
    source_lang: LangCode
    source_lang_confidence: float
    key_points: tuple[KeyPoint, ...]
    figures: tuple[Figure, ...]
    dateline: Dateline | None
    engine: Literal["llm", "extractive"]
    chunks: int
    models: tuple[str, ...]
    translations: tuple[SummaryTranslation, ...]
    warnings: tuple[str, ...]
    timings_ms: Mapping[str, float]
    # The submitted text's script (latin for Kazakh read through transliteration) and each
    # language's share of its letters, sentence by sentence (``LanguageDetector``).
    source_script: str | None = None
    source_languages: Mapping[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class Sentence:
    """A sentence of the analysed article: its span and its position among the sentences."""

    span: Span
    index: int


@dataclass(frozen=True, eq=False)
class Article:
    """An article after analysis: what both engines work from."""

    text: str
    title: str | None
    lang: LangCode
    dateline: Dateline | None
    sentences: tuple[Sentence, ...]
    vectors: np.ndarray
    scores: np.ndarray  # importance for the summary (stronger lead prior)
    point_scores: np.ndarray  # importance for key points (weaker lead prior)
    figures: tuple[Figure, ...]
    eligible: tuple[int, ...]  # sentences long enough to be a key point
    # Request/agreement decisions per sentence (``models/summary/acts.py``); ``None`` for a
    # sentence too short to be a key point, and empty when no speech-act model is loaded.
    acts: tuple[Act | None, ...] = ()
