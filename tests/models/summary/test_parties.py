"""Actors and targets: a party must be named in the article; pronouns and openers are not."""

from __future__ import annotations

import pytest

from models.summary.parties import check_party

ARTICLE = (
    "ASTANA. The Kazakh side asked the Chinese side to reopen the border crossing. "
    "During the meeting, 51 joint projects were discussed."
)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Kazakh side", "Kazakh side"),
        ("the Chinese side", "Chinese side"),  # leading article dropped
        ("But the Chinese side", "Chinese side"),  # a copied conjunction goes too
        ("And Kazakh side", "Kazakh side"),
        ("Но Kazakh side", "Kazakh side"),
        ("They", None),  # pronoun
        ("it", None),
        ("During the meeting", None),  # adverbial opener, not a party
        ("51 joint projects", None),  # a figure is not a party
        ("the European Union", None),  # not in the article
        ("", None),
        (None, None),
    ],
)
def test_actor_and_target_must_name_a_party(value: str | None, expected: str | None) -> None:
    assert check_party(value, ARTICLE, "actor").name == expected


@pytest.mark.parametrize(
    ("value", "warning"),
    [
        ("They", "actor: pronoun 'They' rejected"),
        ("it", "actor: pronoun 'it' rejected"),
        ("the European Union", "actor: 'the European Union' does not occur in the article"),
        ("During the meeting", None),  # no party in the field: dropped without a warning
        ("51 joint projects", None),
        ("Kazakh side", None),
    ],
)
def test_a_rejected_pronoun_or_unknown_name_is_reported(value: str, warning: str | None) -> None:
    got = check_party(value, ARTICLE, "actor").warning
    assert got == warning or (warning is not None and got is not None and got.startswith(warning))


def test_a_name_that_starts_like_a_conjunction_keeps_its_letters() -> None:
    text = "Andrew Reed and Butler Ltd asked the city for a permit."
    assert check_party("Andrew Reed", text, "actor").name == "Andrew Reed"
    assert check_party("Butler Ltd", text, "actor").name == "Butler Ltd"
    assert check_party("But Butler Ltd", text, "actor").name == "Butler Ltd"
