"""Metrics: ROUGE (rouge-score), chrF++/BLEU (sacreBLEU), key-point matching, grounding, P/R.

Everything here is a pure function of texts and (precomputed) similarity matrices, so it can be
unit-tested without loading a model.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeVar

import numpy as np
from rouge_score import rouge_scorer
from sacrebleu.metrics.bleu import BLEU
from sacrebleu.metrics.chrf import CHRF

from models.text.facts import numbers_in

T = TypeVar("T")
ROUGE_KEYS = ("rouge1", "rouge2", "rougeL")
# Key-point match thresholds, calibrated by hand (see evaluation/README.md).
MATCH_ROUGE_L_RECALL = 0.5
MATCH_COSINE = 0.7
# Grounding: a key point is supported by its evidence at this MiniLM cosine (or by containment).
SUPPORT_COSINE = 0.5


@functools.cache
def _scorer(keys: tuple[str, ...]) -> rouge_scorer.RougeScorer:
    return rouge_scorer.RougeScorer(list(keys), use_stemmer=True)


def rouge(candidate: str, references: Sequence[str]) -> dict[str, float]:
    """ROUGE-1/2/L F1 of ``candidate``; with several references, the max per metric."""
    if not references:
        raise ValueError("at least one reference is needed")
    scorer = _scorer(ROUGE_KEYS)
    scores = [scorer.score(ref, candidate) for ref in references]
    return {k: max(s[k].fmeasure for s in scores) for k in ROUGE_KEYS}


def rouge_l_recall(reference: str, candidate: str) -> float:
    """Share of ``reference`` (its LCS with ``candidate``) that ``candidate`` covers."""
    return float(_scorer(("rougeL",)).score(reference, candidate)["rougeL"].recall)


def mean(values: Sequence[float | None]) -> float | None:
    """Mean of the defined values; ``None`` when there are none."""
    kept = [v for v in values if v is not None]
    return float(np.mean(kept)) if kept else None


def mean_dicts(rows: Sequence[dict[str, float]]) -> dict[str, float | None]:
    """Per-key mean of a list of metric dicts (keys of the first row)."""
    if not rows:
        return {}
    return {k: mean([r[k] for r in rows]) for k in rows[0]}


# ----------------------------------------------------------------- key points


def match_matrix(
    reference_points: Sequence[str],
    key_points: Sequence[str],
    cosines: np.ndarray,
    *,
    rouge_threshold: float = MATCH_ROUGE_L_RECALL,
    cosine_threshold: float = MATCH_COSINE,
) -> np.ndarray:
    """``(n_ref, n_kp)`` booleans: key point ``j`` matches reference point ``i``.

    A match is ROUGE-L recall of the reference point by the key point ``>= rouge_threshold``
    or embedding cosine ``>= cosine_threshold`` (``cosines`` has the same shape).
    """
    shape = (len(reference_points), len(key_points))
    if cosines.shape != shape:
        raise ValueError(f"cosines have shape {cosines.shape}, expected {shape}")
    out = np.zeros(shape, dtype=bool)
    for i, ref in enumerate(reference_points):
        for j, kp in enumerate(key_points):
            out[i, j] = (
                cosines[i, j] >= cosine_threshold or rouge_l_recall(ref, kp) >= rouge_threshold
            )
    return out


@dataclass(frozen=True)
class PointScores:
    """Per-article coverage of the reference points and precision of the key points."""

    coverage: float | None  # share of reference points matched by some key point
    precision: float | None  # share of key points that match some reference point
    n_points: int


def point_scores(matches: np.ndarray) -> PointScores:
    """Coverage and precision from a ``match_matrix``; ``None`` where undefined (empty side)."""
    n_ref, n_kp = matches.shape
    coverage = float(matches.any(axis=1).mean()) if n_ref else None
    precision = float(matches.any(axis=0).mean()) if n_kp else None
    return PointScores(coverage, precision, n_kp)


# ----------------------------------------------------------------- grounding


def spans_exist(article: str, spans: Sequence[tuple[int, int, str]]) -> bool:
    """Every ``(start, end, text)`` evidence span is exactly ``article[start:end]``."""
    return bool(spans) and all(
        0 <= s <= e <= len(article) and article[s:e] == t for s, e, t in spans
    )


def supported(point: str, evidence: Sequence[str], cosine: float) -> bool:
    """The point is its evidence's text (contained in it) or close to it in embedding space."""
    joined = " ".join(evidence)
    return point.strip() in joined or cosine >= SUPPORT_COSINE


def number_support(point: str, article: str) -> tuple[int, int]:
    """``(numbers in the point found in the article, numbers in the point)``.

    Uses the service's own normalisation (``models.figures.numbers_in``, as in
    ``numbers_supported``), so ``$27bn`` matches ``27 billion dollars``.
    """
    available = set(numbers_in(article))
    tokens = numbers_in(point)
    return sum(t in available for t in tokens), len(tokens)


# ----------------------------------------------------------------- classification


@dataclass(frozen=True)
class PRF:
    """Precision, recall and F1 of the positive class, with the counts behind them."""

    precision: float | None
    recall: float | None
    f1: float | None
    tp: int
    fp: int
    fn: int
    n: int


def prf(predicted: Sequence[bool], gold: Sequence[bool]) -> PRF:
    """Precision/recall/F1 of ``predicted`` against ``gold`` (``None`` when undefined)."""
    if len(predicted) != len(gold):
        raise ValueError("predicted and gold differ in length")
    tp = sum(p and g for p, g in zip(predicted, gold, strict=True))
    fp = sum(p and not g for p, g in zip(predicted, gold, strict=True))
    fn = sum(g and not p for p, g in zip(predicted, gold, strict=True))
    precision = tp / (tp + fp) if tp + fp else None
    recall = tp / (tp + fn) if tp + fn else None
    f1 = (
        2 * precision * recall / (precision + recall)
        if precision is not None and recall is not None and precision + recall > 0
        else (0.0 if precision is not None and recall is not None else None)
    )
    return PRF(precision, recall, f1, tp, fp, fn, len(gold))


# ----------------------------------------------------------------- translation


def corpus_scores(
    hypotheses: Sequence[str], references: Sequence[str], lang: str
) -> dict[str, float]:
    """Corpus chrF++ (``CHRF(word_order=2)``) and BLEU (``tokenize='zh'`` for Chinese)."""
    if len(hypotheses) != len(references):
        raise ValueError("hypotheses and references differ in length")
    chrf = CHRF(word_order=2).corpus_score(list(hypotheses), [list(references)])
    bleu = BLEU(tokenize="zh" if lang == "zh" else "13a").corpus_score(
        list(hypotheses), [list(references)]
    )
    return {"chrf++": round(chrf.score, 2), "bleu": round(bleu.score, 2)}


def chrf_pp(hypotheses: Sequence[str], references: Sequence[str]) -> float:
    """Corpus chrF++ only."""
    return float(CHRF(word_order=2).corpus_score(list(hypotheses), [list(references)]).score)


def paragraphs(sentences: Sequence[T], size: int) -> list[list[T]]:
    """Consecutive groups of ``size`` sentences (the last group may be shorter)."""
    if size < 1:
        raise ValueError("size must be positive")
    return [list(sentences[i : i + size]) for i in range(0, len(sentences), size)]


def split_paragraphs(text: str) -> list[str]:
    """Paragraphs of a text whose paragraphs are separated by blank lines."""
    return [p.strip() for p in text.replace("\r\n", "\n").split("\n\n") if p.strip()]
