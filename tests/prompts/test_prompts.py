"""Prompt templates and example files: exact placeholders, malformed cases."""

from __future__ import annotations

import pytest

import prompts


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
