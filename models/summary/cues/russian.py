"""Russian request and agreement cues from natasha's morphology and dependency parse.

The same roles as in English: the asker is the request verb's subject, the addressee its
object ("призвал соседей"), the noun after "к" ("обратился к жителям с просьбой") or the
subject of the clause that says what should happen ("надеется, что суд отменит ...").
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from models.summary.cues import NO_CUE, Cue

STRONG = frozenset(
    [
        "просить",
        "попросить",
        "призвать",
        "призывать",
        "потребовать",
        "требовать",
        "умолять",
        "упрашивать",
        "настаивать",
        "настоять",
        "обратиться",
        "обращаться",
        "пригласить",
        "приглашать",
        "поручить",
        "поручать",
        "велеть",
        "приказать",
        "приказывать",
        "распорядиться",
        "предписать",
        "предписывать",
        "ходатайствовать",
        "запросить",
        "запрашивать",
        "побудить",
        "побуждать",
        "уговорить",
        "уговаривать",
    ]
)
SOFT = frozenset(
    [
        "предложить",
        "предлагать",
        "надеяться",
        "рассчитывать",
        "ожидать",
        "добиваться",
        "рекомендовать",
        "посоветовать",
        "советовать",
        "лоббировать",
        "хотеть",
        "желать",
    ]
)
# Nouns that carry a request when voiced ("выразил надежду", "с просьбой", "с призывом").
REQUEST_NOUNS = frozenset(
    "просьба призыв требование настояние надежда пожелание предложение".split()
)
STRONG_NOUNS = frozenset(["просьба", "призыв", "требование", "настояние"])
# The softer nouns carry a request only when voiced ("выразил надежду", "внёс предложение",
# "обратился с предложением"), not as a thing given or counted ("дать другим надежду",
# "1805 предложений на рынке").
VOICING = frozenset(
    "выразить выражать высказать высказывать внести вносить выдвинуть выдвигать озвучить "
    "озвучивать повторить повторять направить направлять передать передавать сделать "
    "делать обратиться обращаться выступить выступать".split()
)
AGREEMENT_VERBS = frozenset(["договориться", "договариваться", "условиться", "согласиться"])
SIGNING_VERBS = frozenset(
    "подписать подписывать заключить заключать достичь достигнуть достигать согласовать "
    "согласовывать".split()
)
AGREEMENT_NOUNS = frozenset(
    [
        "соглашение",
        "договор",
        "меморандум",
        "договорённость",
        "договоренность",
        "контракт",
        "пакт",
        "декларация",
        "протокол",
        "сделка",
        "консенсус",
    ]
)
ASKING = frozenset(["спросить", "спрашивать"])
QUESTION_WORDS = frozenset("как что почему зачем когда где кто ли чем сколько какой".split())


class RussianCues:
    """Cue detection on natasha parses (segmenter, morphology, syntax loaded once)."""

    def __init__(self) -> None:
        from natasha import (
            MorphVocab,
            NewsEmbedding,
            NewsMorphTagger,
            NewsSyntaxParser,
            Segmenter,
        )

        embedding = NewsEmbedding()
        self._segmenter = Segmenter()
        self._morph = NewsMorphTagger(embedding)
        self._syntax = NewsSyntaxParser(embedding)
        self._vocab = MorphVocab()

    def detect(self, sentences: Sequence[str]) -> list[Cue]:
        """One cue per sentence."""
        from natasha import Doc

        out = []
        for sentence in sentences:
            doc = Doc(sentence)
            doc.segment(self._segmenter)
            doc.tag_morph(self._morph)
            doc.parse_syntax(self._syntax)
            for token in doc.tokens:
                token.lemmatize(self._vocab)
            out.append(_cue(sentence, doc.tokens))
        return out


def _cue(sentence: str, tokens: list[Any]) -> Cue:
    by_id = {t.id: t for t in tokens}
    children: dict[str, list[Any]] = {}
    for t in tokens:
        children.setdefault(t.head_id, []).append(t)
    best = NO_CUE
    agreement = False
    for token in tokens:
        kids = children.get(token.id, [])
        negated = any(k.lemma == "не" for k in kids)
        if not agreement and not negated and _is_agreement(token, kids, children, by_id):
            agreement = True
        if negated or token.pos not in ("VERB", "NOUN"):
            continue
        strength = _strength(token, kids, children, by_id.get(token.head_id))
        if strength > best.request:
            actor, target = _roles(token, kids, children, by_id)
            best = Cue(
                strength,
                False,
                _phrase(sentence, actor, children),
                _phrase(sentence, target, children),
                token.text,
            )
    return Cue(best.request, agreement, best.actor, best.target, best.trigger)


def _strength(
    token: Any, kids: list[Any], children: dict[str, list[Any]], head: Any | None
) -> float:
    lemma = token.lemma
    if token.pos == "VERB" and lemma in ASKING:
        # "спросила, может ли она ...": asking leave to act; any other "спросил" a question
        return 1.0 if any(_permission(k, children) for k in kids) else 0.0
    if token.pos == "VERB" and lemma in STRONG:
        if lemma in ("обратиться", "обращаться") and not any(
            k.lemma in REQUEST_NOUNS for k in kids
        ):
            return 0.0  # "обратился к теме" is not a request
        if any(_is_question(k, children) for k in kids if k.rel == "ccomp"):
            return 0.0
        return 1.0
    if token.pos == "VERB" and lemma in SOFT:
        return 0.5 if _has_addressee(kids, children) else 0.0
    if token.pos == "NOUN" and lemma in REQUEST_NOUNS and token.rel in ("obj", "obl", "nsubj"):
        if lemma in STRONG_NOUNS:
            return 1.0
        return 0.5 if _voiced(token, kids, head) else 0.0
    return 0.0


def _voiced(noun: Any, kids: list[Any], head: Any | None) -> bool:
    """A soft request noun someone voices: the object of a voicing verb, or "с предложением"
    / "с надеждой" (how an appeal is made)."""
    if any(k.lemma == "с" and k.rel == "case" for k in kids):
        return True
    return noun.rel == "obj" and head is not None and head.lemma in VOICING


def _permission(clause: Any, children: dict[str, list[Any]]) -> bool:
    """A "может ли" / "можно ли" clause: asks whether someone may act."""
    if clause.rel != "ccomp":
        return False
    parts = [clause, *children.get(clause.id, [])]
    return any(p.lemma == "ли" for p in parts) and any(p.lemma in ("мочь", "можно") for p in parts)


def _has_addressee(kids: list[Any], children: dict[str, list[Any]]) -> bool:
    for k in kids:
        if k.rel in ("obj", "iobj") and k.pos in ("NOUN", "PROPN", "PRON"):
            return True
        if k.rel in ("ccomp", "xcomp") and any(c.rel == "nsubj" for c in children.get(k.id, [])):
            return True
    return False


def _is_question(clause: Any, children: dict[str, list[Any]]) -> bool:
    return any(k.lemma in QUESTION_WORDS for k in children.get(clause.id, []))


def _is_agreement(
    token: Any, kids: list[Any], children: dict[str, list[Any]], by_id: dict[str, Any]
) -> bool:
    if token.pos != "VERB":
        return False
    if token.lemma in AGREEMENT_VERBS:
        return not any(k.rel == "obl" and k.lemma in ("мнение",) for k in kids)
    if token.lemma in SIGNING_VERBS:
        parties = list(kids)
        head = by_id.get(token.head_id)
        if (
            token.rel == "conj"
            and head is not None
            and not any(k.rel.startswith("nsubj") for k in kids)
        ):  # "Соглашение закрепляет ... и было подписано": the subject both verbs share
            parties += [k for k in children.get(head.id, []) if k.rel == "nsubj"]
        return any(
            k.lemma in AGREEMENT_NOUNS for k in parties if k.rel in ("obj", "nsubj:pass", "nsubj")
        )
    return False


def _roles(
    token: Any, kids: list[Any], children: dict[str, list[Any]], by_id: dict[str, Any]
) -> tuple[Any | None, Any | None]:
    verb = token if token.pos == "VERB" else by_id.get(token.head_id)
    verb_kids = [
        k
        for k in (kids if verb is token else children.get(verb.id, []) if verb else [])
        if k is not token
    ]
    actor = next((k for k in verb_kids if k.rel == "nsubj"), None)
    if token.pos == "NOUN":
        # "надежду на возобновление выдачи Китаем виз": who should act is inside the noun's
        # phrase, in the instrumental case (the agent of a nominalised verb).
        return actor, _agent_in(token, children)
    target = next(
        (k for k in verb_kids if k.rel in ("obj", "iobj") and k.pos in ("NOUN", "PROPN", "PRON")),
        None,
    )
    if target is None:
        target = next(
            (
                k
                for k in verb_kids
                if k.rel == "obl" and any(c.lemma == "к" for c in children.get(k.id, []))
            ),
            None,
        )
    if target is None and verb is not None and verb.lemma not in ASKING:
        # the clause's subject is who should act; when asking leave, it is the asker
        for k in verb_kids:
            if k.rel in ("ccomp", "xcomp"):
                target = next((c for c in children.get(k.id, []) if c.rel == "nsubj"), None)
                if target is not None:
                    break
    return actor, target


def _agent_in(noun: Any, children: dict[str, list[Any]]) -> Any | None:
    # natasha's parse can hold a cycle (a token among its own descendants): each token is
    # visited once, or the search never ends (it hung ``make eval STAGES=align``).
    seen = {noun.id}
    stack = list(children.get(noun.id, []))
    while stack:
        token = stack.pop(0)
        if token.id in seen:
            continue
        seen.add(token.id)
        case = (token.feats or {}).get("Case")
        if token.pos in ("PROPN", "NOUN") and case == "Ins":
            return token
        stack.extend(children.get(token.id, []))
    return None


def _phrase(sentence: str, token: Any | None, children: dict[str, list[Any]]) -> str | None:
    """The token with its adjectival and name parts, as a substring of the sentence."""
    if token is None:
        return None
    parts = [
        token,
        *(
            c
            for c in children.get(token.id, [])
            if c.rel in ("amod", "flat:name", "compound", "flat")
        ),
    ]
    start = min(p.start for p in parts)
    stop = max(p.stop for p in parts)
    return sentence[start:stop]
