"""The NTREX alignment stage: its scoring on fixed examples, and its skip without data."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any, cast

import pytest

from evaluation import data as ds
from evaluation.budget import Budget
from evaluation.config import EvalConfig
from evaluation.context import Run
from evaluation.stages.align import (
    Counts,
    align_counts,
    article,
    load_docs,
    render_align,
    run_align,
    score,
    totals,
    typed_lines,
)
from models.spans import Span
from models.summary import KeyPoint

DATA = ds.data_root()


def test_align_counts_both_directions() -> None:
    english = {0: "statement", 2: "request", 5: "request", 7: "agreement"}
    other = {2: "request", 5: "statement", 6: "request", 7: "agreement", 9: "agreement"}
    got = align_counts(english, other)
    # request: en 2 and 5, only 2 aligned; back: ru 2 (yes) and 6 (no English point there)
    assert got["request"] == Counts(hits=1, n=2, back_hits=1, back_n=2)
    # agreement: en 7 aligned; back: 7 yes, 9 no
    assert got["agreement"] == Counts(hits=1, n=1, back_hits=1, back_n=2)
    both = totals([got, align_counts({1: "request"}, {1: "request"})])["both"]
    assert both == Counts(hits=3, n=4, back_hits=3, back_n=5)
    assert both.as_dict()["score"] == 0.75 and both.as_dict()["converse"] == 0.6


def test_a_version_that_marks_everything_loses_on_the_converse() -> None:
    english = {3: "request"}
    everything = {i: "request" for i in range(10)}
    got = align_counts(english, everything)["request"].as_dict()
    assert (got["score"], got["converse"], got["converse_n"]) == (1.0, 0.1, 10)
    assert Counts().as_dict()["score"] is None


def test_evidence_maps_to_its_line() -> None:
    lines = ["Headline here", "First sentence. Second one.", "Third line."]
    text, starts = article(lines)
    assert text == "Headline here\n\nFirst sentence. Second one.\n\nThird line."
    assert [text[s : s + 5] for s in starts] == ["Headl", "First", "Third"]

    def point(fragment: str, kind: str) -> KeyPoint:
        at = text.index(fragment)
        span = Span(at, at + len(fragment), fragment)
        return KeyPoint(fragment, cast(Any, kind), None, None, (span,), 0.9)

    summary = SimpleNamespace(
        key_points=(point("Second one.", "request"), point("Third line.", "agreement"),
                    point("First sentence.", "statement"))
    )  # fmt: skip
    # the first point on a line wins
    assert typed_lines(cast(Any, summary), starts) == {1: "request", 2: "agreement"}


def test_score_reports_splits_languages_and_detection() -> None:
    lines = {"en": {2: "request"}, "ru": {2: "request"}, "kk": {}, "zh": {2: "agreement"}}
    items = [
        {"doc": "a", "split": "test", "lines": lines, "detected": dict.fromkeys(lines, "en")},
        {"doc": "b", "split": "tune", "lines": {k: {} for k in lines}},
    ]
    out = score(items, 2)
    test = out["by_split"]["test"]
    assert test["documents"] == 1 and out["by_split"]["all"]["documents"] == 2
    assert test["ru"]["request"]["score"] == 1.0 and test["kk"]["request"]["score"] == 0.0
    assert test["zh"]["both"]["converse"] == 0.0 and test["zh"]["both"]["converse_n"] == 1
    assert out["by_split"]["tune"]["ru"]["both"]["n"] == 0
    assert out["detected_correctly"] == {"en": 0.5, "ru": 0.0, "kk": 0.0, "zh": 0.0}
    assert out["items"][0]["lines"]["ru"] == {"2": "request"}
    assert "test (1 docs) ru request" in render_align(out)


def test_the_stage_skips_with_its_reason_without_data(tmp_path: Path) -> None:
    config = EvalConfig.from_env({"EVAL_DATA": str(tmp_path), "STAGES": "align"})
    run = Run(config, cast(Any, None), None, Budget(None))
    run_align(run)
    reason = run.results["align"]["skipped"]
    assert (
        reason.startswith("skipped: not found")
        and str(tmp_path / "ntrex128_newstest2019") in reason
    )
    assert "news_diplomacy_trade" in reason
    assert reason in render_align(run.results["align"])


@pytest.mark.skipif(
    not (DATA / "ntrex128_newstest2019").is_dir() or not (DATA / "news_diplomacy_trade").is_dir(),
    reason=f"NTREX-128 or the held-out set not found at {DATA} (set EVAL_DATA)",
)
def test_documents_leave_out_the_held_out_ones() -> None:
    from evaluation.heldout import load_heldout

    heldout = load_heldout(DATA)
    docs = load_docs(DATA)
    assert len(docs) == 123 - len(heldout.doc_ids)
    assert not {d.id for d in docs} & heldout.doc_ids
    assert sum(len(d.lines["en"]) for d in docs) == 1997 - len(heldout.ntrex_lines)
    assert all(len(d.lines[x]) == len(d.lines["en"]) for d in docs for x in ("ru", "kk", "zh"))
    assert not [line for d in docs for line in d.lines["ru"] if heldout.contains(line)]
