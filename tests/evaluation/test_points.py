"""The points stage's bookkeeping: which outcome a key point has, and the fixed sample."""

from __future__ import annotations

from evaluation.devset import Labelled
from evaluation.stages.points import outcome, render_points, sample
from models.spans import Span
from models.summary.llm_engine import Restated
from models.summary.types import KeyPoint

SOURCE = "The union asked the Ministry of Transport to lower fares by 12% next year, it said."


def _restated(
    text: str, warnings: list[str], completed: bool = True, dropped: str | None = None
) -> Restated:
    point = KeyPoint(text, "request", None, None, (Span(0, len(text), text),), 1.0)
    return Restated(point, warnings, completed, dropped)


def test_each_point_gets_one_outcome() -> None:
    assert outcome(_restated(SOURCE, [], completed=False), SOURCE) == ("incomplete", 1.0)
    # the reason comes from the engine, not from the wording of its warning
    assert outcome(_restated(SOURCE, ["any words"], dropped="names"), SOURCE)[0] == (
        "dropped: names"
    )
    # a warning about a party alone does not drop the wording, even one that says "dropped"
    party = [
        "key point 1 target: 'fares' names no party; dropped",
        "key point 1: the LLM's wording was dropped (names); source sentence used",
    ]
    assert outcome(_restated(SOURCE, party), SOURCE)[0] == "kept: copy"
    kind, ratio = outcome(_restated("The union wants cheaper fares.", []), SOURCE)
    assert kind == "kept: rewrite" and 0.2 < ratio < 0.4
    # Chinese counts characters, not spaces
    zh = outcome(_restated("工会要求降低票价。", []), "工会要求交通部明年将票价降低12%。")
    assert zh[0] == "kept: rewrite"


def _item(i: int, lang: str, request: bool, words: int) -> Labelled:
    text = " ".join(["word"] * words)
    return Labelled(f"k{i}", f"d{i}", lang, text, request, False, None, None, "test")


def test_the_sample_is_fixed_long_and_a_third_requests() -> None:
    items = [_item(i, "en", i % 4 == 0, 10 + i % 20) for i in range(400)]
    items.append(_item(1000, "ru", True, 40))
    chosen = sample(items, "en", 30, "test")
    assert chosen == sample(list(items), "en", 30, "test")
    assert len(chosen) == 30 and sum(i.request for i in chosen) == 10
    assert all(i.lang == "en" and len(i.text.split()) >= 18 for i in chosen)
    assert sample(items, "en", 30, "tune") == []


def test_the_table_names_the_drop_reasons() -> None:
    text = render_points(
        {
            "split": "test",
            "by_lang": {
                "en": {"n": 3, "outcomes": {"kept: rewrite": 1, "dropped: x": 2},
                       "rewrite_length": 0.5},
            },
        }
    )  # fmt: skip
    assert "test half" in text and "x 2" in text
