"""Actor and target names from the LLM: kept only where they name a party of the article."""

from __future__ import annotations

import re
from dataclasses import dataclass

from models.text.invisible import fold

# Pronouns are never an acceptable actor or target: the point must name the party.
PRONOUNS = frozenset(
    [
        "he",
        "she",
        "it",
        "they",
        "we",
        "i",
        "you",
        "him",
        "her",
        "them",
        "us",
        "this",
        "that",
        "these",
        "those",
        "он",
        "она",
        "оно",
        "они",
        "мы",
        "вы",
        "я",
        "его",
        "её",
        "их",
        "ол",
        "олар",
        "біз",
        "сіз",
        "мен",
        "他",
        "她",
        "它",
        "他们",
        "她们",
        "我们",
        "你们",
    ]
)
_ARTICLE = re.compile(r"^(the|a|an)\s+", re.IGNORECASE)
# A conjunction the model copied from the sentence's start ("But the trainer") is no part of
# the name: it goes, and the rest is checked.
_CONJUNCTION = re.compile(
    r"^(?:(?:but|and|yet|however|но|а|и|однако|бірақ|алайда|әрі),?\s+|(?:但是|但|而且|而))",
    re.IGNORECASE,
)
# An adverbial opener ("During the meeting", "At the same time") or a time adverb is not a party.
_NOT_A_PARTY = re.compile(
    r"^(during|at|in|on|after|before|according|since|while|when|as|if|for|with|by|today|"
    r"yesterday|tomorrow|now|currently|meanwhile|also|however|"
    r"в|во|на|по|при|после|до|согласно|кезінде|бойынша)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Party:
    """A checked party name (``None`` when rejected) and the warning a rejection carries."""

    name: str | None
    warning: str | None = None


def check_party(value: object, text: str, label: str) -> Party:
    """A named party from the LLM, kept only if the article names it (no pronouns).

    ``label`` names the field in the warning ("key point 2 actor"). An adverbial opener or a
    phrase with digits ("51 projects") is dropped without a warning: the model was not wrong
    to fill the field, only the field has no party.
    """
    if not isinstance(value, str):
        return Party(None)
    name = value.strip().strip(".,;:\"'")
    name = _CONJUNCTION.sub("", name, count=1)  # "But the trainer" -> "the trainer"
    if not name:
        return Party(None)
    if name.lower() in PRONOUNS:
        return Party(None, f"{label}: pronoun {name!r} rejected")
    if _NOT_A_PARTY.match(name) or any(c.isdigit() for c in name):
        return Party(None)
    bare = _ARTICLE.sub("", name)
    # A soft hyphen in the article ("Қазақ\u00adстан") does not make another name.
    if fold(bare).text.lower() not in fold(text).text.lower():
        return Party(None, f"{label}: {name!r} does not occur in the article and was dropped")
    return Party(bare[0].upper() + bare[1:] if bare else None)
