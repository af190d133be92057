"""The points stage: how the LLM engine words key points, per language.

For a fixed sample of long sentences of the labelled dev set (a third of them requests),
each sentence goes through the engine's real key-point prompt, budget and checks
(``LLMEngine.restate``) as a one-sentence article, typed as its label says (request or
statement). Each outcome is one of: the LLM's answer did not complete; its wording was
dropped by a check (and which one: ``Restated.dropped``, the grounding check's reason such
as ``names`` or ``limit``); it was kept as a near copy of the sentence (word-sequence
similarity >= ``COPY_SIMILARITY``); or kept as a rewrite (with its length against the
sentence's). A dropped or incomplete answer leaves the sentence itself as the point.

The prompts were chosen on the tune half (README, "How the summary is built"), so the
stage reports the test half by default (``POINTS_SPLIT``); ``POINTS_N`` sentences per
language (default 60).
"""

from __future__ import annotations

import difflib
import os
import random
from collections import Counter
from collections.abc import Mapping
from typing import Any

from evaluation.budget import run_units
from evaluation.context import Run, bind
from evaluation.devset import Labelled, load_labelled
from evaluation.report import table
from models.languages import LangCode
from models.summary.llm_engine import LLMEngine, Restated
from models.text.fidelity import TOKEN

LANGS: tuple[LangCode, ...] = ("en", "ru", "kk", "zh")
COPY_SIMILARITY = 0.9
SAMPLE_SEED = 11
MIN_WORDS = 18  # long sentences, where a point can say less than its sentence
MIN_ZH_CHARS = 40


def sample(items: list[Labelled], lang: LangCode, n: int, split: str) -> list[Labelled]:
    """``n`` long sentences of ``lang`` in ``split``: a third requests, the rest not."""
    pool = [
        i
        for i in items
        if i.lang == lang
        and i.split == split
        and (len(i.text) >= MIN_ZH_CHARS if lang == "zh" else len(i.text.split()) >= MIN_WORDS)
    ]
    random.Random(SAMPLE_SEED).shuffle(pool)
    requests = [i for i in pool if i.request][: n // 3]
    return requests + [i for i in pool if not i.request][: n - len(requests)]


def outcome(restated: Restated, source: str) -> tuple[str, float]:
    """The outcome of one point (see the module docstring) and its length ratio."""
    if not restated.completed:
        return "incomplete", 1.0
    if restated.dropped:
        return f"dropped: {restated.dropped}", 1.0
    text = restated.point.text
    words, source_words = TOKEN.findall(text.lower()), TOKEN.findall(source.lower())
    ratio = len(words) / max(len(source_words), 1)
    similar = difflib.SequenceMatcher(None, words, source_words).ratio()
    return ("kept: copy" if similar >= COPY_SIMILARITY else "kept: rewrite"), ratio


def run_points(run: Run, allowance: float | None) -> None:
    """Outcomes per language on the sample."""
    engine = run.summarizer.llm_engine
    if not isinstance(engine, LLMEngine):
        run.errors.append("points: the profile has no LLM engine")
        return
    n = int(os.environ.get("POINTS_N", "60"))
    split = os.environ.get("POINTS_SPLIT", "test")
    items = load_labelled(run.config.data, langs=LANGS)

    def unit(lang: LangCode) -> tuple[str, dict[str, Any]]:
        chosen = sample(items, lang, n, split)
        articles = [run.summarizer.analyse(i.text, lang=lang) for i in chosen]
        answers = engine.restate(
            [
                (a, 0, "request" if i.request else "statement")
                for a, i in zip(articles, chosen, strict=True)
            ]
        )
        counts: Counter[str] = Counter()
        ratios = []
        for article, restated in zip(articles, answers, strict=True):
            kind, ratio = outcome(restated, article.sentences[0].span.text)
            counts[kind] += 1
            if kind == "kept: rewrite":
                ratios.append(ratio)
        return lang, {
            "n": len(chosen),
            "outcomes": dict(counts),
            "rewrite_length": round(sum(ratios) / len(ratios), 2) if ratios else None,
        }

    stage = run_units("llm key point wording", [bind(unit, lang) for lang in LANGS], allowance)
    run.stages.append(stage)
    run.results["points"] = {"split": split, "by_lang": dict(stage.results)}


def render_points(result: Mapping[str, Any]) -> str:
    """The table ``make eval`` prints for this stage."""
    rows = []
    for lang, r in result["by_lang"].items():
        c = r["outcomes"]
        dropped = sum(v for k, v in c.items() if k.startswith("dropped"))
        rows.append(
            [lang, r["n"], c.get("kept: rewrite", 0), c.get("kept: copy", 0), dropped,
             c.get("incomplete", 0), r["rewrite_length"]]
        )  # fmt: skip
    reasons: Counter[str] = Counter()
    for r in result["by_lang"].values():
        reasons.update(
            {k[len("dropped: ") :]: v for k, v in r["outcomes"].items() if k.startswith("dropped")}
        )
    return table(
        f"Key point wording: the LLM engine on long dev-set sentences ({result['split']} half)",
        ["lang", "n", "rewrite", "copy", "dropped", "incomplete", "rewrite/source words"],
        rows,
        digits=2,
        notes=[
            f"copy: word-sequence similarity to its sentence >= {COPY_SIMILARITY}; a dropped or "
            "incomplete answer leaves the sentence itself as the point",
            "why dropped: " + "; ".join(f"{k} {v}" for k, v in reasons.most_common()),
        ],
    )
