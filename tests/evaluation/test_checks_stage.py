"""The translation-checks stage: its scoring on fixed examples, the stored labels, a run."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from types import SimpleNamespace
from typing import Any, cast

import pytest

from evaluation import data as ds
from evaluation.budget import Budget
from evaluation.config import EvalConfig
from evaluation.context import Run
from evaluation.render_checks import render_checks
from evaluation.stages.checks import Judged, load_judged, run_checks, score
from models.langdetect import LanguageDetector
from models.translation.quality import Check, Quality

DATA = ds.data_root()
needs_data = pytest.mark.skipif(
    not (DATA / "flores200_devtest").is_dir(),
    reason=f"FLORES-200 devtest not found under {DATA} (set EVAL_DATA)",
)


def _quality(*failed: str) -> Quality:
    checks = [Check(name, name not in failed) for name in ("language", "script", "length")]
    return Quality(not failed, tuple(checks))


def _item(line: int, lang: str, failed: bool) -> Judged:
    return Judged(line, lang, "output", failed, "reason")


def test_score_counts_flagged_against_judged_failed() -> None:
    items = [
        _item(1, "ru", True),  # test half: flagged, failed -> tp
        _item(3, "ru", True),  # test half: passed, failed -> fn
        _item(5, "ru", False),  # test half: flagged by script alone, usable -> fp
        _item(7, "ru", False),  # test half: passed, usable -> tn
        _item(2, "kk", True),  # tune half: flagged, failed -> tp
        _item(4, "kk", False),  # tune half: flagged by two checks, usable -> fp
    ]
    verdicts = [
        _quality("language"),
        _quality(),
        _quality("script"),
        _quality(),
        _quality("language", "length"),
        _quality("language", "script"),
    ]
    out = score(items, verdicts)
    test_ru = out["test"]["ru"]
    assert (test_ru["n"], test_ru["tp"], test_ru["fp"], test_ru["fn"]) == (4, 1, 1, 1)
    assert test_ru["precision"] == 0.5 and test_ru["recall"] == 0.5
    assert test_ru["failed_share"] == 0.5 and test_ru["flagged_share"] == 0.5
    assert test_ru["false_alarm_rate"] == 0.5
    assert test_ru["checks"] == {
        "language": {"on_usable": 0, "on_failed": 1, "alone_on_usable": 0},
        "script": {"on_usable": 1, "on_failed": 0, "alone_on_usable": 1},
    }
    assert set(out["test"]) == {"ru", "all"} and set(out["tune"]) == {"kk", "all"}
    tune = out["tune"]["kk"]
    assert (tune["tp"], tune["fp"], tune["fn"], tune["precision"], tune["recall"]) == (
        1,
        1,
        0,
        0.5,
        1.0,
    )
    assert tune["false_alarm_rate"] == 1.0
    assert tune["checks"]["script"] == {"on_usable": 1, "on_failed": 0, "alone_on_usable": 0}
    overall = out["all"]["all"]
    assert (overall["n"], overall["tp"], overall["fp"], overall["fn"]) == (6, 2, 2, 1)
    assert overall["precision"] == 0.5 and overall["recall"] == pytest.approx(2 / 3)


def test_score_rejects_unaligned_lists() -> None:
    with pytest.raises(ValueError, match="differ in length"):
        score([_item(1, "ru", True)], [])


def test_splits_by_line_parity() -> None:
    assert _item(10, "zh", False).split == "tune" and _item(19, "zh", False).split == "test"


def test_load_judged_rejects_an_unknown_verdict(tmp_path: Path) -> None:
    path = tmp_path / "judged.jsonl"
    row = {"line": 1, "lang": "ru", "output": "x", "judged": "maybe", "reason": "r"}
    path.write_text(json.dumps(row) + "\n", "utf-8")
    with pytest.raises(ValueError, match="usable or failed"):
        load_judged(path)


def test_stored_labels_cover_each_language() -> None:
    items = load_judged()
    counts = Counter(i.lang for i in items)
    assert set(counts) == {"ru", "kk", "zh"} and min(counts.values()) >= 100, counts
    assert len({(i.line, i.lang) for i in items}) == len(items)  # one label per output
    assert all(i.reason.strip() for i in items)
    assert {i.split for i in items} == {"tune", "test"}


@needs_data
def test_stored_labels_hold_no_flores_reference() -> None:
    """The labels carry the model's outputs only: no FLORES source or reference line."""
    refs = {lang: ds.load_flores(DATA, lang) for lang in ("en", "ru", "kk", "zh")}
    for item in load_judged():
        texts = (refs["en"][item.line - 1], refs[item.lang][item.line - 1])
        assert item.output.strip() not in texts


@needs_data
def test_run_checks_scores_every_label() -> None:
    settings = EvalConfig.from_env({"STAGES": "checks", "EVAL_DATA": str(DATA)})
    summarizer = cast(Any, SimpleNamespace(detector=LanguageDetector()))
    run = Run(settings, summarizer, None, Budget(None))
    run_checks(run)
    out = run.results["checks"]
    items = load_judged()
    assert out["all"]["all"]["n"] == len(items)
    assert out["test"]["all"]["n"] + out["tune"]["all"]["n"] == len(items)
    overall = out["all"]["all"]
    assert len(out["missed"]) == overall["fn"] and len(out["false_alarms"]) == overall["fp"]
    refs = out["references"]["all"]["all"]
    assert refs["n"] == 3 * 1012 and refs["tp"] == refs["fn"] == 0 and refs["recall"] is None
    text = render_checks(out)
    assert "Translation checks vs hand-judged FLORES-200 outputs" in text
    assert "test ru" in text and "Each check's firings" in text and "human references" in text
