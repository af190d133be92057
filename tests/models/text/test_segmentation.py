"""Sentence spans, planning under a token budget, and reassembly."""

from __future__ import annotations

import itertools
import re

import pytest
from helpers import SEED

from models.text.segmentation import plan, render, sentence_joiner, split_sentences


def _words(text: str) -> int:
    return len(text.split())


@pytest.mark.parametrize(
    ("lang", "text", "expected"),
    [
        ("en", "Mr. Smith met the U.S. envoy. They agreed on $2.5 billion.", 2),
        ("ru", "Встреча прошла в г. Астане, т.е. в столице. Стороны договорились! Что дальше?", 3),
        ("kk", "Қазақстан мен Қытай кездесті. Тараптар келісті.", 2),
        ("zh", "中国是最大的伙伴。双方讨论了贸易！下一步？", 3),
    ],
)
def test_sentences_have_exact_offsets(lang: str, text: str, expected: int) -> None:
    spans = split_sentences(text, lang)
    assert len(spans) == expected
    for span in spans:
        assert text[span.start : span.end] == span.text
        assert span.text == span.text.strip()
    assert "".join(s.text for s in spans) == re.sub(r"\s+", "", text) or lang != "zh"


def test_every_character_of_the_seed_is_in_one_sentence() -> None:
    spans = split_sentences(SEED, "en")
    covered = "".join(s.text for s in spans)
    assert re.sub(r"\s", "", covered) == re.sub(r"\s", "", SEED)
    assert all(a.end <= b.start for a, b in itertools.pairwise(spans))


def test_line_breaks_end_sentences() -> None:
    spans = split_sentences("Headline without stop\nBody sentence one. Body two.", "en")
    assert [s.text for s in spans] == ["Headline without stop", "Body sentence one.", "Body two."]


def test_plan_packs_and_render_restores_layout() -> None:
    text = "One two. Three four.\n\n  Five six seven eight nine ten.\nEleven."
    doc = plan(text, "en", count_tokens=_words, max_tokens=4)
    assert doc.segments == ["One two. Three four.", "Five six seven eight", "nine ten.", "Eleven."]
    assert (
        render(doc, doc.segments)
        == "One two. Three four.\n\n  Five six seven eight nine ten.\nEleven."
    )
    upper = render(doc, [s.upper() for s in doc.segments])
    assert upper.count("\n") == 3 and upper.startswith("ONE TWO.")


def test_plan_without_packing_gives_one_sentence_a_segment() -> None:
    text = "One two. Three four.\n\n  Five six seven eight nine ten.\nEleven."
    doc = plan(text, "en", count_tokens=_words, max_tokens=4, pack=False)
    assert doc.segments == [
        "One two.",
        "Three four.",
        "Five six seven eight",
        "nine ten.",
        "Eleven.",
    ]
    assert render(doc, doc.segments) == text


def test_long_sentence_is_cut_at_clauses_first() -> None:
    text = "First clause here, second clause here, third clause here."
    doc = plan(text, "en", count_tokens=_words, max_tokens=4)
    assert doc.segments == ["First clause here,", "second clause here,", "third clause here."]


def test_chinese_without_spaces_is_cut_by_characters() -> None:
    text = "一二三四五六七八九十一二三四五六七八九十。"
    doc = plan(text, "zh", count_tokens=len, max_tokens=6)
    assert all(len(s) <= 6 for s in doc.segments)
    assert "".join(doc.segments) == text
    assert render(doc, doc.segments, joiner=sentence_joiner("zh")) == text


def test_nothing_is_dropped_whatever_the_budget() -> None:
    for budget in (1, 2, 5, 50):
        doc = plan(SEED, "en", count_tokens=_words, max_tokens=budget)
        assert all(_words(s) <= budget for s in doc.segments)
        assert re.sub(r"\s", "", "".join(doc.segments)) == re.sub(r"\s", "", SEED)


def test_render_rejects_misaligned_translations() -> None:
    doc = plan("A b. C d.", "en", count_tokens=_words, max_tokens=2)
    with pytest.raises(ValueError, match="expected 2 translations"):
        render(doc, ["only one"])


def test_budget_must_be_positive() -> None:
    with pytest.raises(ValueError):
        plan("x", "en", count_tokens=_words, max_tokens=0)
