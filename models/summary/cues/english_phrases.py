"""The words of a party, read off spaCy's parse: the noun phrase a token heads, with what
a reader needs to know who it is ("the committee's MSPs", "One of the search team members",
"the 28-year-old thug") and without what they do not (a date before it, a job title before a
full name, a parenthesis after it).

A pronoun is taken back to what it stands for where the parse says so: a relative pronoun to
the noun its clause modifies ("protesters, who urged ..."), and "he"/"she" to the named
person whose report it sits in ("Scott said he requested ...").
"""

from __future__ import annotations

from typing import Any

_DETERMINERS = frozenset({"det", "predet"})
_NOUN_PARTS = frozenset({"compound", "amod", "nmod", "poss", "nummod", "flat", "quantmod"})
_TIMES = frozenset({"DATE", "TIME"})
# Heads that are only a share of a group: their "of" phrase names the group.
_QUANTIFIERS = frozenset(
    "one some many all most several each none both either neither any few half".split()
)
_KEPT_DETERMINERS = frozenset("all both each every".split())
_RELATIVE = frozenset({"who", "which", "that", "whom"})
_PERSONAL = frozenset({"he", "she"})


def phrase(token: Any | None) -> str | None:
    """The noun phrase a token heads, as an exact substring of its sentence."""
    if token is None:
        return None
    token = _antecedent(token)
    if token.dep_ == "conj" or any(c.dep_ == "conj" for c in token.children):
        parts = [token, *(c for c in token.children if c.dep_ in ("cc", "conj"))]
        tokens = [t for p in parts for t in _core(p)]
    else:
        tokens = _core(token)
    tokens = sorted(set(tokens), key=lambda t: t.i)
    if not tokens:
        return None
    first, last = tokens[0].i, tokens[-1].i
    doc = token.doc
    opening = next((t.i for t in doc[first + 1 : last + 1] if t.text == "("), None)
    if opening is not None:  # "Sen. Kamala Harris (D-Calif.)", "the United Nations (UN)"
        last = opening - 1
    while last > first and doc[last].is_punct:
        last -= 1
    return str(doc[first : last + 1].text)


def _antecedent(token: Any) -> Any:
    lower = token.lower_
    if lower in _RELATIVE and token.tag_ in ("WP", "WDT") and token.head.dep_ == "relcl":
        return token.head.head  # "protesters, who urged ..." -> protesters
    if lower in _PERSONAL and token.pos_ == "PRON":
        head = token.head
        while head.dep_ != "ROOT" and head.head is not head:
            head = head.head
            subject = next((c for c in head.children if c.dep_ == "nsubj"), None)
            if subject is not None and subject.ent_type_ == "PERSON":
                return subject  # "Scott said he requested ..." -> Scott
    return token


def _core(token: Any) -> list[Any]:
    left = [t for child in _modifiers(token) for t in child.subtree]
    right: list[Any] = []
    for child in token.rights:
        if child.dep_ == "prep" and child.lower_ == "of":
            obj = next((c for c in child.children if c.dep_ == "pobj"), None)
            if obj is not None and (obj.pos_ == "PROPN" or token.lower_ in _QUANTIFIERS):
                right += [child, *_core(obj)]
        elif child.dep_ in ("flat", "compound", "appos") and child.pos_ == "PROPN":
            right += _core(child)
    tokens = [*left, token, *right]
    person = _person(token)
    if person is not None:  # "Liverpool manager Brendan Rodgers" -> "Brendan Rodgers"
        tokens = [t for t in tokens if t.i >= person.start]
    return tokens


def _modifiers(token: Any) -> list[Any]:
    return [
        child
        for child in token.lefts
        # an article goes; a quantifier stays: "all vets" are not "vets"
        if (child.dep_ in _DETERMINERS and child.lower_ in _KEPT_DETERMINERS)
        or (
            child.dep_ in _NOUN_PARTS
            # "Friday's", "that evening Rojo", but not an age ("the 28-year-old thug")
            and not (child.ent_type_ in _TIMES and child.pos_ in ("NOUN", "PROPN"))
        )
    ]


def _person(token: Any) -> Any | None:
    """The multi-word PERSON entity the token ends, when a title stands before it."""
    if token.ent_type_ != "PERSON":
        return None
    entity = next((e for e in token.doc.ents if e.start <= token.i < e.end), None)
    if entity is None or len(entity) < 2:
        return None  # "President Mnangagwa" keeps its title
    return entity
