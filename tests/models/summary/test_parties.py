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
