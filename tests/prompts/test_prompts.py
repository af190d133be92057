"""Prompt templates and example files: exact placeholders, malformed cases."""

from __future__ import annotations

import json

import pytest

import prompts
from models.summary.llm_engine import keypoint_schema
from models.text.fidelity import scripts


def test_templates_render_with_exact_placeholders() -> None:
    prompts.check_templates()
    text = prompts.render("classify_user", sentence='He said {"x": 1} $5.')
    assert text == 'Sentence: He said {"x": 1} $5.'
    with pytest.raises(prompts.PromptError, match="takes"):
        prompts.render("classify_user")
    with pytest.raises(prompts.PromptError, match="takes"):
        prompts.render("classify_user", sentence="a", extra="b")
    with pytest.raises(prompts.PromptError, match="Unknown prompt template"):
        prompts.render("nope")


def test_examples_are_well_formed() -> None:
    shots = prompts.examples("classify_examples")
    assert {label for label, _ in shots} == {"request", "agreement", "statement", "event", "figure"}


def test_translation_pairs_are_parallel_in_every_language() -> None:
    rows = prompts.parallel("translate_pairs")
    assert len(rows) >= 3
    for row in rows:
        assert set(row) == {"en", "ru", "kk", "zh"}
        assert all(text.strip() == text and text for text in row.values())
    # Written for this project: the numbers of the English side carry into every language.
    assert "12" in rows[0]["ru"] and "12" in rows[0]["kk"]


def test_parallel_rows_are_read_by_the_header_and_checked() -> None:
    text = "# comment\nen\tru\nOne.\tОдин.\n\nTwo.\tДва.\n"
    assert prompts.parse_parallel(text, "t") == [
        {"en": "One.", "ru": "Один."},
        {"en": "Two.", "ru": "Два."},
    ]
    with pytest.raises(prompts.PromptError, match="row without a text"):
        prompts.parse_parallel("en\tru\nOne.\n", "t")
    with pytest.raises(prompts.PromptError, match="no header"):
        prompts.parse_parallel("# only a comment\n", "t")


@pytest.mark.parametrize(
    "name",
    [
        "keypoint_brief_examples",
        "keypoint_examples_ru",
        "keypoint_examples_kk",
        "keypoint_examples_zh",
    ],
)
def test_key_point_examples_obey_the_rules_answers_are_held_to(name: str) -> None:
    # Each few-shot answer fits the schema and names its parties as the sentence does, in
    # the sentence's language, as the engine requires of the model's own answers.
    schema = keypoint_schema()
    rows = prompts.examples(name)
    assert len(rows) >= 3
    for sentence, reply in rows:
        answer = json.loads(reply)
        assert list(answer) == schema["required"] == list(schema["properties"])
        for key, rule in schema["properties"].items():
            assert rule.get("minLength", 0) <= len(answer[key]) <= rule["maxLength"], key
        for party in (answer["actor"], answer["target"]):
            assert party.lower() in sentence.lower(), (party, sentence)
        assert scripts(answer["point"]) <= scripts(sentence), answer["point"]
