"""The words of a party, read off spaCy's parse: the noun phrase a token heads, with what
a reader needs to know who it is ("the committee's MSPs", "One of the search team members",
"the 28-year-old thug") and without what they do not (a date before it, a job title before a
full name, a parenthesis after it).

A pronoun is taken back to what it stands for where the parse says so: a relative pronoun to
the noun its clause modifies ("protesters, who urged ..."), "he"/"she" to the named
person whose report it sits in ("Scott said he requested ..."), and "I"/"we" to the one
quoted ("Mr Rose said: 'The officers told me ...'").
"""

from __future__ import annotations

from typing import Any

_DETERMINERS = frozenset({"det", "predet"})
_NOUN_PARTS = frozenset({"compound", "amod", "nmod", "poss", "nummod", "flat", "quantmod"})
_TIMES = frozenset({"DATE", "TIME"})
_ADVERBIAL = frozenset({"det", "advmod"})
# Heads that are only a share of a group: their "of" phrase names the group.
_QUANTIFIERS = frozenset(
    "one some many all most several each none both either neither any few half".split()
)
# Pronouns that say who they are only with their "with" phrase.
_INDEFINITE = frozenset("anyone anybody everyone everybody someone somebody those".split())
_KEPT_DETERMINERS = frozenset("all both each every".split())
_RELATIVE = frozenset({"who", "which", "that", "whom"})
_PERSONAL = frozenset({"he", "she"})
_FIRST_PERSON = frozenset({"i", "me", "we", "us"})
_QUOTES = frozenset({'"', "'", "\u201c", "\u201d", "\u2018", "\u2019", "``", "''"})


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
    if token.pos_ == "PRON" and (lower in _PERSONAL or lower in _FIRST_PERSON):
        reporter = _reporter(token, first_person=lower in _FIRST_PERSON)
        if reporter is not None:
            return reporter
    return token


def _reporter(token: Any, *, first_person: bool) -> Any | None:
    """Who reports the clause a pronoun sits in: the named subject of the verb whose
    reported clause (ccomp) holds it. "Scott said he requested ..." -> Scott; "the President
    said: 'I give the government a task'" -> the President. Without a reported clause on the
    way up ("Terry Martin shot her after she asked ...") the pronoun is kept: the subject
    of a clause it merely modifies is often someone else. "I" and "we" are taken back only
    to a speaker who is no pronoun."""
    node, reported = token, False
    while node.head.i != node.i:  # spaCy makes a new Token per access: no `is`
        reported = reported or node.dep_ in ("ccomp", "parataxis")
        node = node.head
        subject = next((c for c in node.children if c.dep_ == "nsubj"), None)
        if not reported or subject is None or subject.pos_ == "PRON":
            continue
        if first_person:
            return subject
        if (subject.ent_type_ == "PERSON" or subject.pos_ == "PROPN") and not _quoted(token, node):
            return subject
    return None


def _quoted(token: Any, verb: Any) -> bool:
    """Whether a quotation mark stands between the reporting verb and the pronoun: in direct
    speech "he" is someone the speaker talks about ('"... what he was asking for," said Mr
    Flake'), in reported speech the speaker ("Scott said he requested ...")."""
    low, high = sorted((token.i, verb.i))
    return any(t.text in _QUOTES for t in token.doc[low + 1 : high])


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
        elif child.dep_ == "prep" and token.lower_ in _INDEFINITE and child.lower_ == "with":
            right += list(child.subtree)  # "anyone with information about the crime"
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
            # a "compound" with its own article is a fronted adverbial the parser joined to
            # the name ("Later that evening Rojo")
            and not (child.dep_ == "compound" and any(c.dep_ in _ADVERBIAL for c in child.children))
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
