"""The request stage: request detection on ``evaluation/request_devset.jsonl``."""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import asdict
from typing import Any

from evaluation import data as ds
from evaluation import metrics as m
from evaluation.budget import run_units
from evaluation.context import Run, bind
from models.summary import Summarizer
from models.summary.labels import llm_type

TYPE_BATCH = 16
DEVSET_SHUFFLE_SEED = 13


def run_requests(run: Run, allowance: float | None) -> None:
    """Request detection on the hand-labelled dev set, with both typing paths and sweeps."""
    devset = ds.load_devset()
    order = list(range(len(devset)))
    random.Random(DEVSET_SHUFFLE_SEED).shuffle(order)
    texts = [d.text for d in devset]
    gold = [d.request for d in devset]
    by_example = request_by_example(run.summarizer, texts)
    example_scores = request_scores_by_example(run.summarizer, texts)
    options = run.summarizer.options
    out: dict[str, Any] = {
        "n": len(devset),
        "requests": sum(gold),
        "thresholds": {
            "extractive": options.request_threshold,
            "llm": options.llm_request_threshold,
        },
        "extractive_by_example": asdict(m.prf(by_example, gold)),
        "extractive_sweep": sweep(example_scores, gold),
    }
    by_llm: dict[int, bool] = {}
    llm_scores: dict[int, float] = {}
    if run.summarizer.has_llm:
        batches = [order[i : i + TYPE_BATCH] for i in range(0, len(order), TYPE_BATCH)]

        def unit(batch: list[int]) -> tuple[list[int], list[tuple[bool, float]]]:
            return batch, request_by_llm(run.summarizer, [texts[i] for i in batch])

        units = [bind(unit, b) for b in batches]
        stage = run_units("llm sentence typing (dev set)", units, allowance)
        run.stages.append(stage)
        typed = [i for b, _ in stage.results for i in b]
        llm_pred = [p for _, preds in stage.results for p, _ in preds]
        llm_score = [s for _, preds in stage.results for _, s in preds]
        sub_gold = [gold[i] for i in typed]
        out["llm_typed"] = len(typed)
        out["llm"] = asdict(m.prf(llm_pred, sub_gold))
        out["llm_sweep"] = sweep(llm_score, sub_gold)
        llm_scores = dict(zip(typed, llm_score, strict=True))
        out["extractive_on_llm_subset"] = asdict(m.prf([by_example[i] for i in typed], sub_gold))
        by_llm = dict(zip(typed, llm_pred, strict=True))
    out["predictions"] = [
        {
            "source_id": d.source_id,
            "index": d.index,
            "gold": d.request,
            "extractive": by_example[i],
            "extractive_p": round(example_scores[i], 4),
            "llm": by_llm.get(i),
            "llm_p": None if i not in llm_scores else round(llm_scores[i], 4),
        }
        for i, d in enumerate(devset)
    ]
    run.results["requests"] = out


def request_by_example(summarizer: Summarizer, texts: Sequence[str]) -> list[bool]:
    """The extractive engine's typing of each sentence: request?"""
    return [t == "request" for t, _ in summarizer.typer.standalone_by_example(texts)]


def request_scores_by_example(summarizer: Summarizer, texts: Sequence[str]) -> list[float]:
    """The extractive engine's request classifier: P(request) per sentence."""
    vectors = summarizer.embedder.encode(list(texts))
    return [float(p) for p in summarizer.typer.requests_by_example.probabilities(vectors)]


def request_by_llm(summarizer: Summarizer, texts: Sequence[str]) -> list[tuple[bool, float]]:
    """The LLM engine's typing (request detector + calibrated labels): request?, and the
    request detector's own P(request) for the threshold sweep."""
    scores = summarizer.typer.llm_request_scores(texts)
    probs = summarizer.typer.probabilities(texts, request_scores=scores)
    return [(llm_type(row) == "request", float(p)) for row, p in zip(probs, scores, strict=True)]


def sweep(scores: Sequence[float], gold: Sequence[bool]) -> dict[str, dict[str, Any]]:
    """Precision/recall of ``score >= t`` for a range of thresholds ``t``."""
    return {
        f"{t:.1f}": asdict(m.prf([s >= t for s in scores], gold))
        for t in (0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8)
    }
