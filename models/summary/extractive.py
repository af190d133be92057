"""The extractive engine: source sentences as key points, no LLM; it always works offline."""

from __future__ import annotations

import time
from collections.abc import Sequence

import numpy as np

from models.config import SummarizerOptions
from models.summary.analysis import extractive_lead, has_amount, select
from models.summary.labels import PointTyper
from models.summary.types import Article, Draft, KeyPoint

# Per-sentence scores, indexed by sentence.
Scores = Sequence[float] | np.ndarray


def required_picks(
    article: Article,
    candidates: Sequence[tuple[str, Sequence[int], Scores]],
    priority: Scores,
) -> list[int]:
    """The sentences every summary lists where the article has them.

    ``candidates`` holds, per kind of point (request, agreement, ...), the sentence indices of
    that kind and a score per sentence: the best of each kind is required, and so is the most
    important (by ``priority``) sentence stating money or a percentage.
    """
    required: list[int] = []
    for _, found, scores in candidates:
        if found:
            required.append(max(found, key=lambda i: scores[i]))
    amounts = [
        i for i in article.eligible if has_amount(article.sentences[i].span, article.figures)
    ]
    if amounts:
        required.append(max(amounts, key=lambda i: priority[i]))
    return required


class ExtractiveEngine:
    """Ranks, types by example and picks key points with maximal marginal relevance."""

    def __init__(self, typer: PointTyper, options: SummarizerOptions, *, model_id: str) -> None:
        self.typer = typer
        self.options = options
        self.model_id = model_id

    def draft(self, article: Article, max_key_points: int) -> Draft:
        """Key points, summary and headline taken from the article's own sentences."""
        clock = time.perf_counter()
        types = self.typer.by_example(
            article.vectors, article.sentences, article.figures, article.acts
        )
        # The likeliest request and agreement and the most important amount are always
        # listed, as in the LLM engine: they are what a brief is read for.
        confidence = [p for _, p in types]
        candidates = [
            (kind, [i for i in article.eligible if types[i][0] == kind], confidence)
            for kind in ("request", "agreement")
        ]
        required = required_picks(article, candidates, article.point_scores)
        picked = select(
            article.point_scores,
            article.vectors,
            max_key_points,
            article.eligible,
            self.options,
            required=required,
        )
        points = tuple(
            KeyPoint(
                text=article.sentences[i].span.text,
                type=types[i][0],
                actor=_party(article, i, "actor"),
                target=_party(article, i, "target"),
                evidence=(article.sentences[i].span,),
                confidence=round(types[i][1], 3),
            )
            for i in picked
        )
        _, summary, headline = extractive_lead(article, self.options)
        return Draft(
            headline=headline,
            summary=summary,
            key_points=points,
            engine="extractive",
            chunks=1,
            models=(self.model_id,),
            timings_ms={"extractive": ms_since(clock)},
        )


def _party(article: Article, index: int, role: str) -> str | None:
    """The actor or target the speech-act cue named for a request or agreement sentence."""
    act = article.acts[index] if article.acts else None
    if act is None or not (act.request or act.agreement):
        return None
    return act.actor if role == "actor" else act.target


def ms_since(start: float) -> float:
    """Milliseconds since ``start`` (a ``time.perf_counter()`` reading), to 0.1 ms."""
    return round((time.perf_counter() - start) * 1000, 1)
