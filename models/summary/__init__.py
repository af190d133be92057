"""Structured summaries: typed key points with evidence, headline, summary, figures, dateline.

Modules: ``types`` (the frozen results), ``analysis`` (sentences, ranking, selection),
``labels`` and ``requests`` (point typing), ``grounding`` and ``parties`` (what the LLM may
say), ``extractive`` and ``llm_engine`` (the two engines, each returning a ``Draft``),
``translate`` (a written summary into other languages), ``reading`` (a Latin Kazakh source
read as Cyrillic, spans mapped back) and ``summarizer`` (the pipeline and ``build_summary``).
"""

from models.summary.summarizer import Summarizer, build_summary
from models.summary.types import (
    POINT_TYPES,
    Article,
    Draft,
    Engine,
    KeyPoint,
    PointType,
    Sentence,
    StructuredSummary,
    SummaryTranslation,
)

__all__ = [
    "POINT_TYPES",
    "Article",
    "Draft",
    "Engine",
    "KeyPoint",
    "PointType",
    "Sentence",
    "StructuredSummary",
    "Summarizer",
    "SummaryTranslation",
    "build_summary",
]
