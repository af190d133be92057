"""Scoring one system on one article (ROUGE, key points, grounding) and aggregating scores."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from evaluation import data as ds
from evaluation import metrics as m
from evaluation.baselines import lead, sentences_of, sumy_summary
from evaluation.report import pct
from models.embeddings import Embedder
from models.summary import StructuredSummary

BASELINES = ("lead3", "textrank", "lexrank")
SUMMARY_SENTENCES = 3


GROUNDING_COUNTS = (
    "points",
    "spans_ok",
    "supported",
    "num_ok",
    "num_all",
    "points_with_numbers",
    "points_numbers_ok",
)


@dataclass
class ArticleScore:
    """One system on one article."""

    id: str
    system: str
    rouge: dict[str, float]
    coverage: float | None = None
    precision: float | None = None
    n_points: int = 0
    grounding: dict[str, int] = field(default_factory=dict)
    fallback: bool = False
    # The LLM engine's output and warnings (model output, kept in the JSON report only).
    detail: dict[str, Any] | None = None


@dataclass
class Scorer:
    """Scores summaries and key points with the profile's own embedder (MiniLM)."""

    embedder: Embedder
    cache: dict[str, np.ndarray] = field(default_factory=dict)

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Vectors of ``texts``; each distinct text is encoded once per run (one batch call)."""
        missing = list(dict.fromkeys(t for t in texts if t not in self.cache))
        if missing:
            vectors = self.embedder.encode(missing)
            self.cache.update(zip(missing, vectors, strict=True))
        dim = next(iter(self.cache.values())).shape[0] if self.cache else 0
        return np.stack([self.cache[t] for t in texts]) if texts else np.zeros((0, dim))

    def points(self, item: ds.SummaryItem, key_points: Sequence[str]) -> m.PointScores | None:
        if not item.reference_points:
            return None
        self.encode([*item.reference_points, *key_points])  # one batch
        cos = self.encode(item.reference_points) @ self.encode(key_points).T
        return m.point_scores(m.match_matrix(item.reference_points, key_points, cos))

    def grounding(self, article: str, result: StructuredSummary) -> dict[str, int]:
        counts = dict.fromkeys(GROUNDING_COUNTS, 0)
        evidence_texts = [s.text for p in result.key_points for s in p.evidence]
        self.encode([p.text for p in result.key_points] + evidence_texts)  # one batch
        for point in result.key_points:
            spans = [(s.start, s.end, s.text) for s in point.evidence]
            ok = m.spans_exist(article, spans)
            evidence = [s.text for s in point.evidence]
            vec = self.encode([point.text])[0]
            cos = float((self.encode(evidence) @ vec).max()) if evidence else 0.0
            found, total = m.number_support(point.text, article)
            counts["points"] += 1
            counts["spans_ok"] += ok
            counts["supported"] += ok and m.supported(point.text, evidence, cos)
            counts["num_ok"] += found
            counts["num_all"] += total
            counts["points_with_numbers"] += total > 0
            counts["points_numbers_ok"] += total > 0 and found == total
        return counts


def score_engine(
    scorer: Scorer, item: ds.SummaryItem, engine: str, result: StructuredSummary
) -> ArticleScore:
    """ROUGE of the summary, coverage/precision of the key points, grounding."""
    kps = [p.text for p in result.key_points]
    points = scorer.points(item, kps)
    fallback = engine == "llm" and (
        result.engine != "llm" or any(w.startswith("summary:") for w in result.warnings)
    )
    return ArticleScore(
        item.id,
        engine,
        m.rouge(result.summary, item.references),
        points.coverage if points else None,
        points.precision if points else None,
        len(kps),
        scorer.grounding(item.article, result),
        fallback,
        None
        if engine != "llm"
        else {
            "summary": result.summary,
            "key_points": [[p.type, p.text] for p in result.key_points],
            "warnings": result.warnings,
            "timings_ms": result.timings_ms,
        },
    )


def score_baselines(scorer: Scorer, item: ds.SummaryItem) -> list[ArticleScore]:
    """Lead-3, TextRank and LexRank summaries; Lead-3 sentences also as key points."""
    sentences = sentences_of(item.article)
    picks = {
        "lead3": lead(item.article, SUMMARY_SENTENCES),
        "textrank": sumy_summary(sentences, "textrank", SUMMARY_SENTENCES),
        "lexrank": sumy_summary(sentences, "lexrank", SUMMARY_SENTENCES),
    }
    out = []
    for name, chosen in picks.items():
        score = ArticleScore(item.id, name, m.rouge(" ".join(chosen), item.references))
        if name == "lead3":
            points = scorer.points(item, chosen)
            if points:
                score.coverage, score.precision = points.coverage, points.precision
            score.n_points = len(chosen)
        out.append(score)
    return out


def _by_system(
    scores: Sequence[ArticleScore],
    systems: Sequence[str],
    ids: set[str] | None,
    keep: Callable[[ArticleScore], bool] = lambda _: True,
) -> Iterator[tuple[str, list[ArticleScore]]]:
    """Each system with its scores over ``ids`` (all when ``None``) that ``keep`` accepts;
    systems with none are skipped."""
    for system in systems:
        kept = [
            s for s in scores if s.system == system and (ids is None or s.id in ids) and keep(s)
        ]
        if kept:
            yield system, kept


def rouge_rows(
    scores: Sequence[ArticleScore], systems: Sequence[str], ids: set[str] | None
) -> list[list[Any]]:
    """Rows ``system, n, R1, R2, RL`` (x100) over ``ids`` (all when ``None``)."""
    rows: list[list[Any]] = []
    for system, kept in _by_system(scores, systems, ids):
        mean = m.mean_dicts([s.rouge for s in kept])
        rows.append([system, len(kept), *(pct(mean[k]) for k in m.ROUGE_KEYS)])
    return rows


def point_rows(
    scores: Sequence[ArticleScore], systems: Sequence[str], ids: set[str] | None
) -> list[list[Any]]:
    """Rows ``system, n, coverage %, precision %, points per article``."""
    rows: list[list[Any]] = []
    for system, kept in _by_system(scores, systems, ids, lambda s: s.coverage is not None):
        rows.append(
            [
                system,
                len(kept),
                pct(m.mean([s.coverage for s in kept])),
                pct(m.mean([s.precision for s in kept])),
                float(np.mean([s.n_points for s in kept])),
            ]
        )
    return rows


def grounding_row(system: str, scores: Sequence[ArticleScore]) -> list[Any] | None:
    """``system, articles, points, spans exact %, supported %, numbers found %, points ok %``."""
    kept = [s for s in scores if s.system == system and s.grounding]
    if not kept:
        return None
    total = {k: sum(s.grounding[k] for s in kept) for k in kept[0].grounding}

    def share(a: str, b: str) -> float | None:
        return 100.0 * total[a] / total[b] if total[b] else None

    return [
        system,
        len(kept),
        total["points"],
        share("spans_ok", "points"),
        share("supported", "points"),
        share("num_ok", "num_all"),
        total["num_all"],
    ]
