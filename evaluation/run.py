"""``make eval``: the service's own engines on the shared test sets, next to baselines.

Stages (``STAGES``, comma-separated, default all):

* ``summaries``  ROUGE of the extractive engine vs Lead-3 / TextRank / LexRank on CNN/DM
                 highlights and the writer summaries; key-point coverage and grounding.
* ``requests``   request detection on the hand-labelled dev set (both typing paths).
* ``translation`` chrF++/BLEU on FLORES-200 devtest en->ru/kk/zh, plus the paragraph check.
* ``llm``        the LLM engine on the first ``LLM_LIMIT`` articles (same metrics).

Settings come from the environment (see ``Settings.from_env`` and evaluation/README.md).
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import random
import sys
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import torch

from evaluation import data as ds
from evaluation import metrics as m
from evaluation.baselines import lead, sentences_of, sumy_summary
from evaluation.budget import Budget, StageResult, run_units
from evaluation.report import git_commit, loadavg, machine_info, now_iso, pct, table
from models.errors import InferenceError
from models.figures import find_figures
from models.langdetect import LanguageDetector
from models.segmentation import sentence_joiner
from models.spans import Span
from models.summarization import StructuredSummary, Summarizer, _Sentence, llm_type
from models.translation import TranslationService

STAGES = ("summaries", "requests", "translation", "llm")
# Shares of the remaining budget for the LLM stages, in run order (the last gets the rest).
STAGE_WEIGHTS = {"requests": 0.2, "translation": 0.4, "llm": 0.4}
BASELINES = ("lead3", "textrank", "lexrank")
QUICK_BUDGET_S = 540.0
QUICK_TLIMIT = 20
SUMMARY_SENTENCES = 3
PARAGRAPH_SENTENCES = 5
DOC_PARAGRAPHS = 2
TYPE_BATCH = 16
DEVSET_SHUFFLE_SEED = 13


# ----------------------------------------------------------------- settings


def _int(env: Mapping[str, str], name: str, default: int | None) -> int | None:
    raw = env.get(name, "").strip()
    return int(raw) if raw else default


@dataclass(frozen=True)
class Settings:
    """What to run; ``quick`` is a run with ``LIMIT`` set (time-budgeted by default)."""

    data: Path
    out: Path
    profile: str
    limit: int | None
    llm_limit: int
    tlimit: int | None
    budget_s: float | None
    stages: tuple[str, ...]
    threads: int | None

    @property
    def quick(self) -> bool:
        """Whether this is a quick (``LIMIT``) run."""
        return self.limit is not None

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> Settings:
        """``EVAL_DATA LIMIT LLM_LIMIT TLIMIT BUDGET_S STAGES EVAL_PROFILE EVAL_OUT``."""
        limit = _int(env, "LIMIT", None)
        quick = limit is not None
        budget = env.get("BUDGET_S", "").strip()
        budget_s = float(budget) if budget else (QUICK_BUDGET_S if quick else 0.0)
        raw_stages = env.get("STAGES", "").strip() or ",".join(STAGES)
        stages = tuple(s.strip() for s in raw_stages.split(",") if s.strip())
        unknown = set(stages) - set(STAGES)
        if unknown:
            raise ValueError(f"unknown STAGES {sorted(unknown)}; choose from {STAGES}")
        out = Path(env.get("EVAL_OUT", "") or ds.REPO_ROOT / "reports" / "eval.json")
        return cls(
            data=ds.data_root(env),
            out=out,
            profile=env.get("EVAL_PROFILE", "") or "offline",
            limit=limit,
            llm_limit=_int(env, "LLM_LIMIT", 3) or 0,
            tlimit=_int(env, "TLIMIT", QUICK_TLIMIT if quick else None),
            budget_s=budget_s if budget_s > 0 else None,
            stages=stages,
            threads=_int(env, "EVAL_THREADS", 1),
        )


# ----------------------------------------------------------------- per-article scoring


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

    summarizer: Summarizer
    cache: dict[str, np.ndarray] = field(default_factory=dict)

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Vectors of ``texts``; each distinct text is encoded once per run (one batch call)."""
        missing = list(dict.fromkeys(t for t in texts if t not in self.cache))
        if missing:
            vectors = self.summarizer.embedder.encode(missing)
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


# ----------------------------------------------------------------- aggregation and tables


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


# ----------------------------------------------------------------- the run


@dataclass
class Run:
    """State of one evaluation run."""

    settings: Settings
    summarizer: Summarizer
    translation: TranslationService | None
    budget: Budget
    scores: dict[str, list[ArticleScore]] = field(default_factory=dict)
    stages: list[StageResult[Any]] = field(default_factory=list)
    results: dict[str, Any] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)

    scorer_cache: dict[str, np.ndarray] = field(default_factory=dict)

    @property
    def scorer(self) -> Scorer:
        return Scorer(self.summarizer, self.scorer_cache)

    def sets(self) -> dict[str, list[ds.SummaryItem]]:
        limit = self.settings.limit
        cnn = ds.load_cnndm(self.settings.data)
        writer = ds.load_writer(self.settings.data)
        return {"cnndm": cnn[:limit], "writer": writer[:limit]}

    # ------------------------------------------------------------- extractive + baselines

    def summaries(self) -> None:
        scorer = self.scorer

        def unit(item: ds.SummaryItem) -> list[ArticleScore]:
            try:
                result = self.summarizer.summarize(
                    item.article, engine="extractive", source_lang="en"
                )
            except InferenceError as exc:
                self.errors.append(f"extractive {item.id}: {exc}")
                return score_baselines(scorer, item)
            return [
                score_engine(scorer, item, "extractive", result),
                *score_baselines(scorer, item),
            ]

        for name, items in self.sets().items():
            units = [_bind(unit, item) for item in items]
            stage = run_units(f"extractive+baselines {name}", units, None)
            self.stages.append(stage)
            self.scores.setdefault(name, []).extend(s for r in stage.results for s in r)

    # ------------------------------------------------------------- LLM engine

    def llm(self, allowance: float | None) -> None:
        scorer = self.scorer

        def unit(job: tuple[str, ds.SummaryItem]) -> tuple[str, ArticleScore | None]:
            name, item = job
            try:
                result = self.summarizer.summarize(item.article, engine="llm", source_lang="en")
            except InferenceError as exc:
                self.errors.append(f"llm {item.id}: {exc}")
                return name, None
            return name, score_engine(scorer, item, "llm", result)

        jobs = [
            (name, item)
            for name, items in self.sets().items()
            for item in items[: self.settings.llm_limit]
        ]
        stage = run_units("llm summaries", [_bind(unit, j) for j in jobs], allowance)
        self.stages.append(stage)
        for name, score in stage.results:
            if score is not None:
                self.scores.setdefault(name, []).append(score)

    # ------------------------------------------------------------- request detection

    def requests(self, allowance: float | None) -> None:
        devset = ds.load_devset()
        order = list(range(len(devset)))
        random.Random(DEVSET_SHUFFLE_SEED).shuffle(order)
        texts = [d.text for d in devset]
        gold = [d.request for d in devset]
        by_example = request_by_example(self.summarizer, texts)
        example_scores = request_scores_by_example(self.summarizer, texts)
        options = self.summarizer.options
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
        if self.summarizer.llm is not None:
            batches = [order[i : i + TYPE_BATCH] for i in range(0, len(order), TYPE_BATCH)]

            def unit(batch: list[int]) -> tuple[list[int], list[tuple[bool, float]]]:
                return batch, request_by_llm(self.summarizer, [texts[i] for i in batch])

            units = [_bind(unit, b) for b in batches]
            stage = run_units("llm sentence typing (dev set)", units, allowance)
            self.stages.append(stage)
            typed = [i for b, _ in stage.results for i in b]
            llm_pred = [p for _, preds in stage.results for p, _ in preds]
            llm_score = [s for _, preds in stage.results for _, s in preds]
            sub_gold = [gold[i] for i in typed]
            out["llm_typed"] = len(typed)
            out["llm"] = asdict(m.prf(llm_pred, sub_gold))
            out["llm_sweep"] = sweep(llm_score, sub_gold)
            llm_scores = dict(zip(typed, llm_score, strict=True))
            out["extractive_on_llm_subset"] = asdict(
                m.prf([by_example[i] for i in typed], sub_gold)
            )
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
        self.results["requests"] = out

    # ------------------------------------------------------------- translation

    def translate(self, allowance: float | None) -> None:
        assert self.translation is not None
        service = self.translation
        source = ds.load_flores(self.settings.data, "en")[: self.settings.tlimit]
        out: dict[str, Any] = {}
        langs = ds.TRANSLATION_LANGS
        started = time.perf_counter()
        for n, lang in enumerate(langs):
            share = None
            if allowance is not None:
                left = allowance - (time.perf_counter() - started)
                share = max(0.0, left / (len(langs) - n))
            refs = ds.load_flores(self.settings.data, lang)[: self.settings.tlimit]
            out[lang] = translate_lang(service, lang, source, refs, share, self.stages, self.errors)
            out[lang]["in_target_lang"] = target_share(
                self.summarizer.detector, out[lang]["outputs"]["sentences"], lang
            )
        self.results["translation"] = out


def _bind(fn: Callable[..., Any], arg: Any) -> Callable[[], Any]:
    return lambda: fn(arg)


def target_share(detector: LanguageDetector, outputs: Sequence[str], lang: str) -> float | None:
    """Share of outputs that the service's own language detector reads as ``lang``."""
    if not outputs:
        return None
    hits = 0
    for text in outputs:
        # UnsupportedLanguage: no letters, or a language the service does not serve
        with contextlib.suppress(InferenceError):
            hits += detector.detect(text).lang == lang
    return hits / len(outputs)


def request_by_example(summarizer: Summarizer, texts: Sequence[str]) -> list[bool]:
    """The extractive engine's typing of each sentence: request?"""
    sentences, figures = _as_document(texts)
    vectors = summarizer.embedder.encode(list(texts))
    types = summarizer._types_by_example(vectors, sentences, figures)
    return [t == "request" for t, _ in types]


def request_scores_by_example(summarizer: Summarizer, texts: Sequence[str]) -> list[float]:
    """The extractive engine's request classifier: P(request) per sentence."""
    vectors = summarizer.embedder.encode(list(texts))
    return [float(p) for p in summarizer.requests_by_example.probabilities(vectors)]


def request_by_llm(summarizer: Summarizer, texts: Sequence[str]) -> list[tuple[bool, float]]:
    """The LLM engine's typing (request detector + calibrated labels): request?, and the
    request detector's own P(request) for the threshold sweep."""
    assert summarizer.requests_by_llm is not None
    scores = summarizer.requests_by_llm.probabilities(list(texts))
    probs = summarizer.type_probabilities(list(texts), request_scores=scores)
    return [(llm_type(row) == "request", float(p)) for row, p in zip(probs, scores, strict=True)]


def sweep(scores: Sequence[float], gold: Sequence[bool]) -> dict[str, dict[str, Any]]:
    """Precision/recall of ``score >= t`` for a range of thresholds ``t``."""
    return {
        f"{t:.1f}": asdict(m.prf([s >= t for s in scores], gold))
        for t in (0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8)
    }


def _as_document(texts: Sequence[str]) -> tuple[list[_Sentence], list[Any]]:
    """Sentences laid end to end (one per line), as the engine's sentence records."""
    sentences: list[_Sentence] = []
    offset = 0
    for i, t in enumerate(texts):
        sentences.append(_Sentence(Span(offset, offset + len(t), t), i))
        offset += len(t) + 1
    return sentences, find_figures("\n".join(texts))


def translate_lang(
    service: TranslationService,
    lang: str,
    source: Sequence[str],
    refs: Sequence[str],
    allowance: float | None,
    stages: list[StageResult[Any]],
    errors: list[str],
) -> dict[str, Any]:
    """Sentence-level chrF++/BLEU, and the paragraph-level check on the same sentences."""
    size = PARAGRAPH_SENTENCES * DOC_PARAGRAPHS
    docs = [list(range(i, min(i + size, len(source)))) for i in range(0, len(source), size)]

    def by_sentence(ids: list[int]) -> tuple[str, list[int], list[str]]:
        try:
            result = service.translate([source[i] for i in ids], target_lang=lang, source_lang="en")
        except InferenceError as exc:  # scored as empty output, and reported
            errors.append(f"translation en-{lang} sentences {ids[0]}-{ids[-1]}: {exc}")
            return "sentences", ids, [""] * len(ids)
        return "sentences", ids, result.translations

    def by_paragraph(ids: list[int]) -> tuple[str, list[int], list[str]]:
        paras = m.paragraphs([source[i] for i in ids], PARAGRAPH_SENTENCES)
        text = "\n\n".join(" ".join(p) for p in paras)
        try:
            result = service.translate([text], target_lang=lang, source_lang="en")
        except InferenceError as exc:
            errors.append(f"translation en-{lang} paragraphs {ids[0]}-{ids[-1]}: {exc}")
            return "paragraphs", ids, [""]
        return "paragraphs", ids, [result.translations[0]]

    units = []
    for ids in docs:  # each paragraph's sentences, then the document of those paragraphs
        units += [_bind(by_sentence, p) for p in m.paragraphs(ids, PARAGRAPH_SENTENCES)]
        units.append(_bind(by_paragraph, ids))
    stage = run_units(f"translation en-{lang}", units, allowance)
    stages.append(stage)
    sent_out: dict[int, str] = {}
    doc_runs: list[tuple[list[int], str]] = []
    for kind, ids, outputs in stage.results:
        if kind == "sentences":
            sent_out.update(zip(ids, outputs, strict=True))
        else:
            doc_runs.append((ids, outputs[0]))
    done = sorted(sent_out)
    row: dict[str, Any] = {"n": len(done), "planned": len(source)}
    if done:
        row |= m.corpus_scores([sent_out[i] for i in done], [refs[i] for i in done], lang)
    row["doc"] = paragraph_check(lang, refs, sent_out, doc_runs)
    # Model outputs (not test data), for reading what the scores mean.
    row["outputs"] = {
        "sentences": [sent_out[i] for i in done],
        "documents": [{"first": ids[0], "last": ids[-1], "text": t} for ids, t in doc_runs],
    }
    return row


def paragraph_check(
    lang: str,
    refs: Sequence[str],
    sent_out: Mapping[int, str],
    doc_runs: Sequence[tuple[list[int], str]],
) -> dict[str, Any]:
    """Corpus chrF++ of the sentence outputs joined vs the translation of the same text as
    paragraphs: per paragraph where the translation kept the paragraph count, and per document
    for every document (the fallback when the structure was lost)."""
    joiner = sentence_joiner(lang)
    para: dict[str, list[str]] = {"sent": [], "para": [], "ref": []}
    doc: dict[str, list[str]] = {"sent": [], "doc": [], "ref": []}
    lost = 0
    for ids, raw in doc_runs:
        if not all(i in sent_out for i in ids):
            continue
        parts = m.split_paragraphs(raw)
        doc["sent"].append(joiner.join(sent_out[i] for i in ids))
        doc["doc"].append(joiner.join(" ".join(p.split()) for p in parts))
        doc["ref"].append(joiner.join(refs[i] for i in ids))
        groups = m.paragraphs(ids, PARAGRAPH_SENTENCES)
        if len(parts) != len(groups):
            lost += 1  # the paragraph count changed: scored per document only
            continue
        for group, part in zip(groups, parts, strict=True):
            para["sent"].append(joiner.join(sent_out[i] for i in group))
            para["para"].append(part)
            para["ref"].append(joiner.join(refs[i] for i in group))
    out: dict[str, Any] = {
        "documents": len(doc["ref"]),
        "paragraphs": len(para["ref"]),
        "structure_lost": lost,
    }
    if doc["ref"]:
        by_sentence = m.chrf_pp(doc["sent"], doc["ref"])
        by_document = m.chrf_pp(doc["doc"], doc["ref"])
        out |= {
            "doc_chrf++_sentences_joined": round(by_sentence, 2),
            "doc_chrf++_translation": round(by_document, 2),
            "doc_delta": round(by_document - by_sentence, 2),
        }
    if para["ref"]:
        by_sentence = m.chrf_pp(para["sent"], para["ref"])
        by_paragraph = m.chrf_pp(para["para"], para["ref"])
        out |= {
            "chrf++_sentences_joined": round(by_sentence, 2),
            "chrf++_paragraphs": round(by_paragraph, 2),
            "delta": round(by_paragraph - by_sentence, 2),
        }
    # The check: paragraph level when every document kept its paragraphs, else document level.
    delta = out.get("delta") if lost == 0 else out.get("doc_delta")
    if delta is not None:
        out["check_level"] = "paragraph" if lost == 0 else "document"
        out["within_0.5"] = abs(delta) <= 0.5
    return out


# ----------------------------------------------------------------- loading


Closer = Callable[[], None]


def load(
    settings: Settings,
) -> tuple[Summarizer, TranslationService | None, dict[str, Any], Closer]:
    """The profile's engines through ``load_engines`` (the embedder alone when no LLM stage).

    Micro-batching is off: with one caller it forms the same batches, and the model then runs
    in this (the main) thread, where a stage's time limit can interrupt it. With the batcher's
    worker threads an interrupted caller would leave its work running in the background.
    """
    needs_llm = bool({"llm", "translation", "requests"} & set(settings.stages))
    if needs_llm:
        from models.engines import EngineConfig, load_engines

        engines = load_engines(
            EngineConfig(
                profile=settings.profile,
                hub_offline=True,
                torch_threads=settings.threads,
                micro_batching=False,
            )
        )
        info = {
            "profile": engines.profile,
            "profile_reason": engines.profile_reason,
            "models": [asdict(c) for c in engines.cards],
        }
        return engines.summarizer, engines.translation, info, engines.close
    summarizer, info = _embedder_only(settings.profile, settings.threads)
    return summarizer, None, info, lambda: None


def _embedder_only(profile: str, threads: int | None) -> tuple[Summarizer, dict[str, Any]]:
    import torch

    from models.assets import resolve
    from models.embeddings import Embedder
    from models.engines import default_cache_dir
    from models.langdetect import LanguageDetector
    from models.manifest import load_profile

    if threads:
        torch.set_num_threads(threads)
    manifest = load_profile(profile)
    spec = manifest.by_task("embeddings")[0]
    where = resolve(spec, cache_dir=default_cache_dir(), hub_offline=True)
    embedder = Embedder(where.path, device="cpu")
    summarizer = Summarizer(
        embedder,
        LanguageDetector(),
        llm=None,
        translation=None,
        model_ids={"embeddings": spec.id},
    )
    info = {
        "profile": manifest.name,
        "profile_reason": "STAGES needs no LLM: embedder only",
        "models": [{"id": spec.id, "task": spec.task, "revision": spec.revision}],
    }
    return summarizer, info


# ----------------------------------------------------------------- output


def render(run: Run, info: Mapping[str, Any]) -> str:
    """All tables, as printed."""
    s = run.settings
    head = [
        f"news-service evaluation  {info['date']}",
        f"profile: {info['profile']} ({info['profile_reason']})",
        "models: " + ", ".join(str(c["id"]) for c in info["models"]),
        f"machine: {info['machine']['platform']}, {info['machine']['cpus_usable']} CPUs, "
        f"torch threads {info['machine']['torch_threads']}, "
        f"load avg at start {info['machine']['loadavg_start']}",
        f"settings: LIMIT={s.limit} LLM_LIMIT={s.llm_limit} TLIMIT={s.tlimit} "
        f"BUDGET_S={s.budget_s} STAGES={','.join(s.stages)}",
        f"data: {s.data}; code: git {info.get('git_commit')}",
    ]
    parts = ["\n".join(head)]
    systems = [*BASELINES, "extractive", "llm"]
    for name, title in (
        ("cnndm", "CNN/DM highlights (FRANK test sample)"),
        ("writer", "writer summaries (max over 1-4 references)"),
    ):
        scores = run.scores.get(name, [])
        if not scores:
            continue
        rows = rouge_rows(scores, systems, None)
        llm_ids = {x.id for x in scores if x.system == "llm"}
        if llm_ids:
            rows += [[f"  {r[0]} @llm items", *r[1:]] for r in rouge_rows(scores, systems, llm_ids)]
        fallbacks = sum(x.fallback for x in scores if x.system == "llm")
        notes = ["ROUGE F1 x100, rouge-score with stemming; Lead-3/TextRank/LexRank: 3 sentences"]
        if llm_ids:
            notes.append(
                f"'@llm items': the {len(llm_ids)} article(s) the LLM engine did; "
                f"its summary fell back to extractive on {fallbacks}"
            )
        parts.append(
            table(f"Summaries: {title}", ["system", "n", "R1", "R2", "RL"], rows, notes=notes)
        )
    cnn = run.scores.get("cnndm", [])
    if cnn:
        rows = point_rows(cnn, ["lead3", "extractive", "llm"], None)
        llm_ids = {x.id for x in cnn if x.system == "llm"}
        if llm_ids:
            rows += [
                [f"  {r[0]} @llm items", *r[1:]]
                for r in point_rows(cnn, ["lead3", "extractive", "llm"], llm_ids)
            ]
        parts.append(
            table(
                "Key points vs CNN/DM reference_points",
                ["system", "n", "coverage%", "precision%", "points/art"],
                rows,
                notes=[
                    f"match: ROUGE-L recall of the reference point >= {m.MATCH_ROUGE_L_RECALL} "
                    f"or MiniLM cosine >= {m.MATCH_COSINE}; means over articles",
                ],
            )
        )
        grounding = [
            r
            for r in (
                grounding_row(x, [*cnn, *run.scores.get("writer", [])])
                for x in ("extractive", "llm")
            )
            if r
        ]
        parts.append(
            table(
                "Grounding of key points (both summary sets)",
                [
                    "engine",
                    "articles",
                    "points",
                    "spans exact%",
                    "supported%",
                    "numbers in src%",
                    "numbers",
                ],
                grounding,
                notes=[
                    f"supported: evidence spans exact and (point inside evidence or MiniLM cosine "
                    f">= {m.SUPPORT_COSINE}); numbers via models.figures.numbers_in",
                ],
            )
        )
    req = run.results.get("requests")
    if req:
        limits = req["thresholds"]
        rows = [
            _prf_row(
                f"extractive (classifier, p>={limits['extractive']})", req["extractive_by_example"]
            )
        ]
        rows += [_prf_row(f"  classifier p>={t}", r) for t, r in req["extractive_sweep"].items()]
        if "llm" in req:
            rows.append(_prf_row(f"llm (detector, p>={limits['llm']})", req["llm"]))
            rows += [_prf_row(f"  detector p>={t}", r) for t, r in req["llm_sweep"].items()]
            rows.append(_prf_row("  extractive @llm sentences", req["extractive_on_llm_subset"]))
        parts.append(
            table(
                f"Request detection: evaluation/request_devset.jsonl "
                f"({req['n']} sentences, {req['requests']} requests)",
                ["typing", "n", "gold", "pred", "P%", "R%", "F1%"],
                rows,
            )
        )
    tr = run.results.get("translation")
    if tr:
        rows = []
        for lang, r in tr.items():
            d = r["doc"]
            level = d.get("check_level")
            rows.append(
                [
                    f"en-{lang}",
                    f"{r['n']}/{r['planned']}",
                    r.get("chrf++"),
                    r.get("bleu"),
                    pct(r.get("in_target_lang")),
                    f"{d['paragraphs']}/{d['documents']}/{d['structure_lost']}",
                    d.get("chrf++_sentences_joined"),
                    d.get("chrf++_paragraphs"),
                    d.get("delta"),
                    d.get("doc_delta"),
                    None if level is None else f"{'ok' if d['within_0.5'] else 'FAIL'} ({level})",
                ]
            )
        parts.append(
            table(
                "Translation: FLORES-200 devtest (sentence level) and paragraph check",
                [
                    "pair",
                    "sents",
                    "chrF++",
                    "BLEU",
                    "in lang%",
                    "par/doc/lost",
                    "chrF++ sent",
                    "chrF++ para",
                    "delta",
                    "doc delta",
                    "|d|<=0.5",
                ],
                rows,
                digits=2,
                notes=[
                    "sacreBLEU corpus scores; chrF++ = CHRF(word_order=2); BLEU tokenize=zh for zh",
                    "in lang: sentence outputs that the service's language detector reads as the "
                    "target language",
                    f"check: {PARAGRAPH_SENTENCES} sentences per paragraph, {DOC_PARAGRAPHS} "
                    "paragraphs per document joined by a blank line, translated as one text;",
                    "chrF++ of the sentence outputs joined vs that translation, per paragraph;",
                    "'lost': documents whose paragraph count changed, then checked per document",
                ],
            )
        )
    rows = [
        [
            st.name,
            st.planned,
            st.done,
            None if st.allowance_s is None else round(st.allowance_s),
            round(st.used_s),
            st.stopped or "",
        ]
        for st in run.stages
    ]
    parts.append(table("Stages", ["stage", "units", "done", "allow s", "used s", "stopped"], rows))
    return "\n\n".join(parts)


def _prf_row(name: str, r: Mapping[str, Any]) -> list[Any]:
    return [
        name,
        r["n"],
        r["tp"] + r["fn"],
        r["tp"] + r["fp"],
        pct(r["precision"]),
        pct(r["recall"]),
        pct(r["f1"]),
    ]


def run_stages(run: Run, budget: Budget) -> None:
    """The selected stages in order; the LLM ones share the budget left after the others."""
    order = [s for s in STAGES if s in run.settings.stages]
    if run.summarizer.llm is None:
        order = [s for s in order if s not in ("llm", "translation")]
    for n, stage in enumerate(order):
        if stage == "summaries":
            run.summaries()
            continue
        later = [STAGE_WEIGHTS[s] for s in order[n + 1 :]]
        allowance = budget.allowance(STAGE_WEIGHTS[stage], later)
        {"requests": run.requests, "translation": run.translate, "llm": run.llm}[stage](allowance)


def main(env: Mapping[str, str] | None = None) -> int:
    """Run the evaluation; print the tables; write the JSON report. Returns the exit code."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    settings = Settings.from_env(os.environ if env is None else env)
    if not settings.data.is_dir():
        print(f"no test data at {settings.data} (set EVAL_DATA)", file=sys.stderr)
        return 2
    started = time.perf_counter()
    budget = Budget(settings.budget_s)
    commit = git_commit(ds.REPO_ROOT)  # at the start: the code the models were imported from
    machine = machine_info()
    summarizer, translation, info, close = load(settings)
    load_s = time.perf_counter() - started
    machine["torch_threads"] = torch.get_num_threads()
    run = Run(settings, summarizer, translation, budget)
    try:
        run_stages(run, budget)
    finally:
        close()
    machine["loadavg_end"] = loadavg()
    report = {
        "date": now_iso(),
        "duration_s": round(time.perf_counter() - started, 1),
        "load_s": round(load_s, 1),
        "git_commit": commit,
        "machine": machine,
        **info,
        "settings": {**asdict(settings), "data": str(settings.data), "out": str(settings.out)},
        "thresholds": {
            "match_rouge_l_recall": m.MATCH_ROUGE_L_RECALL,
            "match_cosine": m.MATCH_COSINE,
            "support_cosine": m.SUPPORT_COSINE,
        },
        "stages": [st.summary() for st in run.stages],
        "summaries": {
            name: {
                "aggregate": rouge_rows(scores, [*BASELINES, "extractive", "llm"], None),
                "items": [asdict(s) for s in scores],
            }
            for name, scores in run.scores.items()
        },
        **run.results,
        "errors": run.errors,
    }
    print(render(run, {**info, "date": report["date"], "machine": machine, "git_commit": commit}))
    print(
        f"\ntotal {report['duration_s']} s (model load {report['load_s']} s); "
        f"load avg at end {machine['loadavg_end']}; report: {settings.out}"
    )
    settings.out.parent.mkdir(parents=True, exist_ok=True)
    settings.out.write_text(json.dumps(report, indent=1, ensure_ascii=False, default=str), "utf-8")
    return 0
