"""The evaluation package's pure parts (``make eval``): no LLM is loaded here.

Tests that read ``../shared/eval`` skip when it is absent; the MiniLM test skips when the
offline-models wheel is not installed.
"""

from __future__ import annotations

import hashlib
import json
import re
import time
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any, cast

import numpy as np
import pytest
from helpers import SEED

# The metrics libraries come with the `eval` extra (`make eval` installs it; `make install`
# does not), so without them this module is skipped rather than failing to import.
for _module in ("rouge_score", "sacrebleu", "sumy", "nltk"):
    pytest.importorskip(_module, reason="needs the eval extra: pip install -e '.[eval]'")

from evaluation import data as ds  # noqa: E402
from evaluation import metrics as m  # noqa: E402
from evaluation.baselines import lead, sentences_of, sumy_summary  # noqa: E402
from evaluation.budget import Budget, OutOfTime, run_units, time_limit  # noqa: E402
from evaluation.config import QUICK_BUDGET_S, QUICK_TLIMIT, EvalConfig  # noqa: E402
from evaluation.context import Run  # noqa: E402
from evaluation.render import render  # noqa: E402
from evaluation.report import fmt, table  # noqa: E402
from evaluation.scoring import GROUNDING_COUNTS as GROUNDING  # noqa: E402
from evaluation.scoring import ArticleScore, Scorer  # noqa: E402
from evaluation.stages.requests import request_by_example, run_requests  # noqa: E402
from evaluation.stages.translation import (  # noqa: E402
    paragraph_check,
    run_translation,
    target_share,
)
from models.config import EngineConfig  # noqa: E402
from models.engines import Engines, load_engines  # noqa: E402
from models.errors import ModelUnavailable  # noqa: E402
from models.spans import Span  # noqa: E402
from models.summary import KeyPoint, StructuredSummary  # noqa: E402
from models.text.figures import find_figures  # noqa: E402
from models.text.segmentation import split_sentences  # noqa: E402

DATA = ds.data_root()
needs_data = pytest.mark.skipif(
    not DATA.is_dir(), reason=f"test sets not found at {DATA} (set EVAL_DATA)"
)

ARTICLE = (
    "The minister signed the trade deal on Monday. Exports rose by 5% last year. "
    "The talks lasted three days. Officials praised the outcome. It rained in the capital."
)


# ----------------------------------------------------------------- key-point matching


def test_match_by_rouge_l_recall() -> None:
    refs = ["The minister signed the trade deal.", "Exports fell sharply."]
    kps = ["The minister signed the trade deal on Monday.", "It rained in the capital."]
    matches = m.match_matrix(refs, kps, np.zeros((2, 2)))
    assert matches.tolist() == [[True, False], [False, False]]
    scores = m.point_scores(matches)
    assert scores.coverage == 0.5 and scores.precision == 0.5 and scores.n_points == 2


def test_match_by_cosine_and_thresholds() -> None:
    refs = ["Exports fell sharply."]
    kps = ["Sales abroad dropped a lot."]  # no shared words: only the embedding can match
    low = np.array([[m.MATCH_COSINE - 0.01]])
    high = np.array([[m.MATCH_COSINE]])
    assert not m.match_matrix(refs, kps, low).any()
    assert m.match_matrix(refs, kps, high).all()
    # recall is of the reference: a short key point that covers half of it is not enough
    assert m.rouge_l_recall("the minister signed the deal in Astana", "the minister") < 0.5
    assert not m.match_matrix(
        ["the minister signed the deal in Astana"], ["the minister"], np.zeros((1, 1))
    ).any()


def test_point_scores_edge_cases() -> None:
    none = m.point_scores(np.zeros((3, 0), dtype=bool))
    assert none.coverage == 0.0 and none.precision is None
    no_refs = m.point_scores(np.zeros((0, 2), dtype=bool))
    assert no_refs.coverage is None and no_refs.precision == 0.0
    # one key point matching two references: coverage 2/2, precision 1/3
    matches = np.array([[True, False, False], [True, False, False]])
    scores = m.point_scores(matches)
    assert scores.coverage == 1.0 and scores.precision == pytest.approx(1 / 3)


def test_match_matrix_checks_shape() -> None:
    with pytest.raises(ValueError, match="shape"):
        m.match_matrix(["a"], ["b", "c"], np.zeros((1, 1)))


def test_rouge_takes_the_best_reference() -> None:
    refs = ["completely different words here", "the minister signed the trade deal"]
    best = m.rouge("the minister signed the trade deal", refs)
    assert best["rouge1"] == pytest.approx(1.0) and best["rougeL"] == pytest.approx(1.0)
    only_first = m.rouge("the minister signed the trade deal", refs[:1])
    assert only_first["rouge1"] == 0.0
    with pytest.raises(ValueError):
        m.rouge("x", [])


# ----------------------------------------------------------------- baselines


def test_lead3_is_the_first_three_sentences() -> None:
    assert lead(ARTICLE) == [
        "The minister signed the trade deal on Monday.",
        "Exports rose by 5% last year.",
        "The talks lasted three days.",
    ]
    assert lead("One sentence only.") == ["One sentence only."]
    assert lead(ARTICLE, 1) == ["The minister signed the trade deal on Monday."]


def test_sumy_runs_without_punkt(monkeypatch: pytest.MonkeyPatch) -> None:
    import nltk

    def no_data(*_args: Any, **_kwargs: Any) -> Any:
        raise LookupError("no nltk data offline")

    monkeypatch.setattr(nltk.data, "find", no_data)
    monkeypatch.setattr(nltk.data, "load", no_data)
    sentences = sentences_of(ARTICLE)
    for method in ("textrank", "lexrank"):
        picked = sumy_summary(sentences, method, 3)  # type: ignore[arg-type]
        assert len(picked) == 3
        assert set(picked) <= set(sentences)
        assert picked == sorted(picked, key=sentences.index), "document order"


# ----------------------------------------------------------------- grounding


class _HashEmbedder:
    """Deterministic unit vectors: identical texts have cosine 1, others about 0."""

    def encode(self, texts: list[str]) -> np.ndarray:
        rows = []
        for t in texts:
            seed = int(hashlib.sha256(t.encode()).hexdigest()[:8], 16)
            v = np.random.default_rng(seed).standard_normal(64)
            rows.append(v / np.linalg.norm(v))
        return np.array(rows).reshape(len(texts), 64)


def _point(text: str, start: int, end: int, article: str) -> KeyPoint:
    return KeyPoint(text, "statement", None, None, (Span(start, end, article[start:end]),), 0.5)


def test_grounding_counts() -> None:
    article = "Kazakhstan and China run 51 projects worth $27 billion. Trade grew."
    first = article.index("Trade grew.")
    points = [
        _point("Kazakhstan and China run 51 projects worth $27 billion.", 0, first - 1, article),
        _point("The projects are worth $28 billion.", 0, first - 1, article),  # wrong number
        KeyPoint("Trade grew.", "event", None, None, (Span(0, 5, "Trade"),), 0.5),  # bad span
    ]
    result = StructuredSummary(
        headline="h",
        summary="s",
        source_lang="en",
        source_lang_confidence=1.0,
        key_points=tuple(points),
        figures=tuple(find_figures(article)),
        dateline=None,
        engine="llm",
        chunks=1,
        models=(),
        translations=(),
        warnings=(),
        timings_ms={},
    )
    scorer = Scorer(cast(Any, _HashEmbedder()))
    counts = scorer.grounding(article, result)
    assert counts["points"] == 3
    assert counts["spans_ok"] == 2
    assert counts["supported"] == 1  # the second is neither contained nor similar
    assert (counts["num_ok"], counts["num_all"]) == (2, 3)  # 51, 27e9 found; 28e9 not
    assert (counts["points_with_numbers"], counts["points_numbers_ok"]) == (2, 1)


def test_number_support_uses_the_service_normalisation() -> None:
    assert m.number_support("worth $27bn", "worth 27 billion dollars") == (1, 1)
    assert m.number_support("worth $28bn", "worth 27 billion dollars") == (0, 1)
    assert m.number_support("no numbers", "x") == (0, 0)


def test_spans_and_support() -> None:
    assert m.spans_exist("abc def", [(4, 7, "def")])
    assert not m.spans_exist("abc def", [(4, 7, "dex")])
    assert not m.spans_exist("abc def", [])
    assert m.supported("def", ["abc def"], 0.0)
    assert m.supported("other", ["abc def"], m.SUPPORT_COSINE)
    assert not m.supported("other", ["abc def"], m.SUPPORT_COSINE - 0.01)


# ----------------------------------------------------------------- requests: P/R and dev set


def test_prf() -> None:
    r = m.prf([True, True, False, False], [True, False, True, False])
    assert (r.tp, r.fp, r.fn, r.n) == (1, 1, 1, 4)
    assert r.precision == 0.5 and r.recall == 0.5 and r.f1 == 0.5
    none = m.prf([False, False], [False, False])
    assert none.precision is None and none.recall is None and none.f1 is None
    zero = m.prf([True], [False])
    assert zero.precision == 0.0 and zero.recall is None
    with pytest.raises(ValueError):
        m.prf([True], [])


def _devset_rows() -> list[dict[str, Any]]:
    with ds.DEVSET_PATH.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f]


def test_devset_schema() -> None:
    rows = _devset_rows()
    assert 150 <= len(rows) <= 320
    for r in rows:
        assert set(r) <= {"source_id", "source", "index", "text", "label", "note"}, r
        assert isinstance(r["source_id"], str) and r["source_id"]
        assert isinstance(r["index"], int) and r["index"] >= 0
        assert isinstance(r["text"], str) and r["text"].strip() == r["text"] and r["text"]
        assert r["label"] in ("request", "other")
    keys = [(r["source_id"], r["index"]) for r in rows]
    assert len(set(keys)) == len(keys)
    assert sum(r["label"] == "request" for r in rows) >= 20
    loaded = ds.load_devset()
    assert len(loaded) == len(rows) and sum(d.request for d in loaded) >= 20


def _norm(text: str) -> str:
    return re.sub(r"\W+", " ", text).strip().lower()


def _assert_disjoint(devset: list[str], seed: str) -> None:
    seed_norm = _norm(seed)
    seed_sentences = {_norm(s.text) for s in split_sentences(seed, "en")}
    for text in devset:
        assert _norm(text) not in seed_norm, f"seed sentence in the dev set: {text!r}"
        assert _norm(text) not in seed_sentences


def test_devset_has_no_seed_sentence() -> None:
    _assert_disjoint([r["text"] for r in _devset_rows()], SEED)


@needs_data
def test_devset_has_no_sentence_of_the_shared_seed() -> None:
    for seed in ds.seed_texts(DATA):
        _assert_disjoint([r["text"] for r in _devset_rows()], seed)


@needs_data
def test_devset_sentences_are_their_sources() -> None:
    docs = {d["id"]: d["sentences"] for d in ds.load_kazakh_news(DATA)}
    articles = {i.id: i.article for i in [*ds.load_cnndm(DATA), *ds.load_writer(DATA)]}
    for r in _devset_rows():
        if r["source_id"] in docs:
            assert docs[r["source_id"]][r["index"]] == r["text"]
        else:
            sentences = split_sentences(articles[r["source_id"]], "en")
            assert sentences[r["index"]].text == r["text"]


# ----------------------------------------------------------------- translation helpers


def test_corpus_scores() -> None:
    perfect = m.corpus_scores(["Привет, мир."], ["Привет, мир."], "ru")
    assert perfect == {"chrf++": 100.0, "bleu": 100.0}
    zh = m.corpus_scores(["我们今天去北京。"], ["我们今天去北京。"], "zh")
    assert zh["bleu"] == 100.0
    assert m.chrf_pp(["совсем другое"], ["Привет, мир."]) < 20
    with pytest.raises(ValueError):
        m.corpus_scores(["a"], [], "ru")


def test_paragraph_helpers() -> None:
    assert m.paragraphs([1, 2, 3, 4, 5, 6, 7], 3) == [[1, 2, 3], [4, 5, 6], [7]]
    assert m.split_paragraphs("a b\n\nc\r\n\r\n\n d \n\n") == ["a b", "c", "d"]
    with pytest.raises(ValueError):
        m.paragraphs([1], 0)


def test_paragraph_check() -> None:
    refs = [f"Предложение номер {i}." for i in range(10)]
    sent_out = dict(enumerate(refs))  # perfect sentence-level output
    doc = " ".join(refs[:5]) + "\n\n" + " ".join(refs[5:])
    perfect = paragraph_check("ru", refs, sent_out, [(list(range(10)), doc)])
    assert perfect["paragraphs"] == 2 and perfect["documents"] == 1
    assert perfect["delta"] == 0.0 and perfect["doc_delta"] == 0.0
    assert perfect["check_level"] == "paragraph" and perfect["within_0.5"]
    worse = paragraph_check("ru", refs, sent_out, [(list(range(10)), "что-то\n\nиное")])
    assert worse["delta"] < -0.5 and not worse["within_0.5"]
    # an extra blank line inside the output: paragraphs no longer align, the document still does
    lost = paragraph_check("ru", refs, sent_out, [(list(range(10)), doc.replace(". ", ".\n\n", 1))])
    assert lost["paragraphs"] == 0 and lost["structure_lost"] == 1
    assert lost["check_level"] == "document" and lost["doc_delta"] == pytest.approx(0.0)
    assert lost["within_0.5"]
    missing = paragraph_check("ru", refs, {0: refs[0]}, [(list(range(10)), doc)])
    assert missing == {"documents": 0, "paragraphs": 0, "structure_lost": 0}


# ----------------------------------------------------------------- tables and settings


def test_table_formatting() -> None:
    text = table("T", ["system", "n", "R1"], [["lead3", 3, 41.234], ["llm", 0, None]])
    assert text.splitlines() == [
        "T",
        "---------------",
        "system  n    R1",
        "---------------",
        "lead3   3  41.2",
        "llm     0     -",
        "---------------",
    ]
    assert fmt(0.5, 2) == "0.50" and fmt(True) == "yes" and fmt("x") == "x"
    with pytest.raises(ValueError):
        table("T", ["a", "b"], [["only one"]])


def test_settings_from_env(tmp_path: Path) -> None:
    quick = EvalConfig.from_env({"LIMIT": "50", "EVAL_DATA": str(tmp_path)})
    assert quick.quick and quick.limit == 50 and quick.data == tmp_path
    assert quick.tlimit == QUICK_TLIMIT and quick.budget_s == QUICK_BUDGET_S
    assert quick.llm_limit == 3 and quick.threads == 1
    full = EvalConfig.from_env({"LLM_LIMIT": "0", "BUDGET_S": "0", "STAGES": "summaries"})
    assert not full.quick and full.tlimit is None and full.budget_s is None
    assert full.llm_limit == 0 and full.stages == ("summaries",)
    assert EvalConfig.from_env({"EVAL_DATA": "x/y"}).data == ds.REPO_ROOT / "x" / "y"
    with pytest.raises(ValueError, match="STAGES"):
        EvalConfig.from_env({"STAGES": "summaries,bogus"})
    assert quick.llm_backend == "manifest"
    assert EvalConfig.from_env({"EVAL_LLM_BACKEND": "torch"}).llm_backend == "torch"
    with pytest.raises(ValueError, match="EVAL_LLM_BACKEND"):
        EvalConfig.from_env({"EVAL_LLM_BACKEND": "cuda"})


def test_render_prints_every_section() -> None:
    settings = EvalConfig.from_env({"LIMIT": "2"})
    run = Run(settings, cast(Any, None), None, Budget(None))
    rouge = {"rouge1": 0.4, "rouge2": 0.2, "rougeL": 0.3}
    run.scores["cnndm"] = [
        ArticleScore("a", "lead3", rouge, 0.5, 1.0, 3),
        ArticleScore("a", "extractive", rouge, 1.0, 0.5, 7, dict.fromkeys(GROUNDING, 1)),
        ArticleScore("a", "llm", rouge, 0.0, 0.0, 7, dict.fromkeys(GROUNDING, 0), True),
        ArticleScore("b", "extractive", rouge, 1.0, 0.5, 7, dict.fromkeys(GROUNDING, 1)),
    ]
    prf = {"precision": 0.5, "recall": 1.0, "f1": 2 / 3, "tp": 1, "fp": 1, "fn": 0, "n": 4}
    run.results["requests"] = {
        "n": 4,
        "requests": 1,
        "thresholds": {"extractive": 0.5, "llm": 0.75},
        "extractive_by_example": prf,
        "extractive_sweep": {"0.5": prf},
        "llm": prf,
        "llm_sweep": {"0.7": prf},
        "extractive_on_llm_subset": prf,
    }
    doc = {"documents": 1, "paragraphs": 0, "structure_lost": 1, "doc_delta": -0.2}
    doc |= {"check_level": "document", "within_0.5": True}
    run.results["translation"] = {
        "ru": {"n": 5, "planned": 20, "chrf++": 30.0, "in_target_lang": 0.8, "doc": doc}
    }
    info = {
        "date": "2026-01-01",
        "profile": "offline",
        "profile_reason": "test",
        "models": [{"id": "m"}],
        "machine": {
            "platform": "p",
            "cpus_usable": 2,
            "torch_threads": 1,
            "loadavg_start": None,
        },
    }
    text = render(run, info)
    for heading in ("Summaries: CNN/DM", "Key points", "Grounding", "Request detection"):
        assert heading in text
    assert "extractive @llm items" in text and "fell back to extractive on 1" in text
    assert "classifier p>=0.5" in text and "detector p>=0.7" in text
    assert "ok (document)" in text and "5/20" in text and "80.0" in text
    assert "Translation" in text and "Stages" in text


# ----------------------------------------------------------------- budgets


def test_run_units_stops_before_a_unit_that_cannot_fit() -> None:
    now = [0.0]

    def clock() -> float:
        return now[0]

    def unit(cost: float) -> Any:
        def run() -> float:
            now[0] += cost
            return cost

        return run

    stage = run_units("s", [unit(4), unit(4), unit(4)], 10.0, clock=clock)
    # after two units (8 s) 2 s are left and the slowest unit took 4 s: the third is skipped
    assert stage.done == 2 and stage.stopped and "2 of 3" in stage.stopped
    unlimited = run_units("s", [unit(4)] * 3, None, clock=clock)
    assert unlimited.done == 3 and unlimited.stopped is None


def test_time_limit_interrupts_a_running_unit() -> None:
    def busy() -> None:
        end = time.perf_counter() + 5
        while time.perf_counter() < end:
            pass

    started = time.perf_counter()
    stage = run_units("s", [busy, busy], 0.2)
    assert stage.done == 0 and stage.stopped and "interrupted" in stage.stopped
    assert time.perf_counter() - started < 2
    with pytest.raises(OutOfTime), time_limit(0):
        pass


def test_budget_shares() -> None:
    now = [0.0]
    budget = Budget(100.0, clock=lambda: now[0])
    assert budget.allowance(0.2, [0.4, 0.4]) == pytest.approx(20.0)
    now[0] = 30.0
    assert budget.allowance(0.4, [0.4]) == pytest.approx(35.0)
    assert Budget(None).allowance(1.0, []) is None


# ----------------------------------------------------------------- the extractive typing wrapper


@pytest.fixture(scope="module")
def extractive_engines() -> Iterator[Engines]:
    """The offline profile's embedder alone, as ``make eval`` loads it for these stages."""
    try:
        engines = load_engines(
            EngineConfig(model_profile="offline", hf_hub_offline=True), embeddings_only=True
        )
    except ModelUnavailable as exc:
        pytest.skip(f"MiniLM wheel not installed: {exc}")
    yield engines
    engines.close()


def test_request_by_example_on_the_few_shot_sentences(extractive_engines: Engines) -> None:
    got = request_by_example(
        extractive_engines.summarizer,
        [
            "The union called on the government to raise the minimum wage.",
            "An earthquake struck the coastal region on Monday.",
            "Exports grew by 12 percent to $3.4 billion last year.",
        ],
    )
    assert got == [True, False, False]


def test_requests_stage_without_llm(extractive_engines: Engines) -> None:
    run = Run(EvalConfig.from_env({}), extractive_engines.summarizer, None, Budget(None))
    run_requests(run, None)
    out = run.results["requests"]
    assert out["n"] == len(out["predictions"]) >= 150 and "llm" not in out
    extractive = out["extractive_by_example"]
    assert extractive["tp"] + extractive["fn"] == out["requests"]
    assert all(p["llm"] is None for p in out["predictions"])


def test_target_share() -> None:
    from models.langdetect import LanguageDetector

    detector = LanguageDetector()
    outputs = ["Сегодня в Астане прошла встреча министров.", "The ministers met today.", "123"]
    assert target_share(detector, outputs, "ru") == pytest.approx(1 / 3)
    assert target_share(detector, [], "ru") is None


class _EchoTranslation:
    """Stands in for the TranslationService: returns the English input unchanged."""

    def translate(self, texts: list[str], *, target_lang: str, source_lang: str) -> Any:
        del target_lang, source_lang  # an echo translates into nothing
        return SimpleNamespace(translations=list(texts))


@needs_data
def test_translation_stage_end_to_end_with_an_echo_service() -> None:
    from models.langdetect import LanguageDetector

    settings = EvalConfig.from_env({"LIMIT": "1", "TLIMIT": "10", "EVAL_DATA": str(DATA)})
    summarizer = cast(Any, SimpleNamespace(detector=LanguageDetector()))
    run = Run(settings, summarizer, cast(Any, _EchoTranslation()), Budget(None))
    run_translation(run, None)
    out = run.results["translation"]
    assert set(out) == {"ru", "kk", "zh"}
    ru = out["ru"]
    assert ru["n"] == ru["planned"] == 10 and ru["in_target_lang"] == 0.0  # English came back
    assert ru["chrf++"] < 30
    doc = ru["doc"]
    assert (doc["documents"], doc["paragraphs"], doc["structure_lost"]) == (1, 2, 0)
    assert doc["delta"] == pytest.approx(0.0) and doc["within_0.5"]
    assert [s.done for s in run.stages] == [3, 3, 3]
