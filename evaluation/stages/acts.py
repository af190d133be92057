"""The speech-act stage: requests and agreements on the labelled dev set's test half.

Scores the shipped speech-act model (``models/summary/acts.py``) per language on the test
half only (its weights and thresholds come from the tune half), beside its two votes alone:
the cue, and the embedding example classifier the service used before. English actor and
target are compared with the labelled parties.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict
from typing import Any

from evaluation import metrics as m
from evaluation.context import Run
from evaluation.devset import Labelled, load_labelled

LANGS = ("en", "ru", "kk", "zh")


def run_acts(run: Run) -> None:
    """P/R/F1 per language and method on the test half; party agreement for English."""
    summarizer = run.summarizer
    acts = summarizer.acts
    if acts is None:
        run.errors.append("acts: no speech-act model is loaded for this profile's embedder")
        return
    items = [i for i in load_labelled(run.config.data, langs=LANGS) if i.split == "test"]
    out: dict[str, Any] = {"n": len(items), "by_lang": {}}
    for lang in LANGS:
        sub = [i for i in items if i.lang == lang]
        if not sub:
            continue
        texts = [i.text for i in sub]
        vectors = summarizer.embedder.encode(texts)
        found = acts.detect(texts, lang, vectors)
        cues = acts.cues.detect(texts, lang)
        example = summarizer.typer.requests_by_example.probabilities(vectors)
        threshold = summarizer.options.request_threshold
        gold_req = [i.request for i in sub]
        gold_agr = [i.agreement for i in sub]
        row: dict[str, Any] = {
            "sentences": len(sub),
            "requests": sum(gold_req),
            "agreements": sum(gold_agr),
            "request": asdict(m.prf([a.request for a in found], gold_req)),
            "request_cue": asdict(m.prf([c.request > 0 for c in cues], gold_req)),
            "request_example": asdict(m.prf([bool(p >= threshold) for p in example], gold_req)),
            "agreement": asdict(m.prf([a.agreement for a in found], gold_agr)),
            "agreement_cue": asdict(m.prf([c.agreement for c in cues], gold_agr)),
        }
        if lang == "en":
            row["parties"] = parties(sub, [(a.request, a.actor, a.target) for a in found])
        out["by_lang"][lang] = row
    run.results["acts"] = out


def same_party(found: str | None, gold: str | None) -> bool:
    """Exact after folding case, a leading article and outer whitespace."""

    def fold(s: str | None) -> str:
        s = (s or "").strip().casefold()
        for article in ("the ", "a ", "an "):
            s = s.removeprefix(article)
        return s

    return fold(found) == fold(gold)


def parties(
    items: Sequence[Labelled], found: Sequence[tuple[bool, str | None, str | None]]
) -> dict[str, Any]:
    """Actor/target agreement on the true requests the model found: exact (folded), and
    overlapping (one contains the other, the looser reading a newsroom would accept)."""
    hits = [(i, a, t) for i, (r, a, t) in zip(items, found, strict=True) if r and i.request]

    def overlap(x: str | None, y: str | None) -> bool:
        if not x or not y:
            return not x and not y
        fx, fy = x.casefold(), y.casefold()
        return fx in fy or fy in fx

    n = len(hits) or 1
    return {
        "requests_found": len(hits),
        "actor_exact": round(sum(same_party(a, i.actor) for i, a, _ in hits) / n, 3),
        "target_exact": round(sum(same_party(t, i.target) for i, _, t in hits) / n, 3),
        "actor_overlap": round(sum(overlap(a, i.actor) for i, a, _ in hits) / n, 3),
        "target_overlap": round(sum(overlap(t, i.target) for i, _, t in hits) / n, 3),
    }
