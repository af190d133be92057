"""Who does what: checks of an LLM rewrite's roles against the source's dependency parse.

Word-level fidelity (``models/text/fidelity.py``) keeps names, numbers and negation; it
cannot see a rewrite that gives an act to someone the source does not. Two checks read
spaCy's parse (English, the pipeline the English cue already loaded):

* an actor or target must be a noun phrase of the source, not a run of words that happens
  to occur in it ("the press service reports" where "reports" is the verb; "importance of
  developing a dialogue on a wide range of");
* a rewrite must not name an agent for an act the source states without one: "the
  importance ... was emphasized, the press service reports" does not say that the press
  service emphasized it.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from typing import Any

from models.languages import LangCode
from models.summary.cues.english import is_party
from models.summary.cues.english_words import NOMINAL

Parse = Callable[[Sequence[str]], list[Any]]
"""spaCy's ``nlp.pipe`` over texts, as a list of ``Doc``."""

# A phrase cannot end in a word that needs something after it.
_DANGLING = frozenset({"ADP", "DET", "CCONJ", "SCONJ", "PART", "AUX"})
_SUBJECTS = frozenset({"nsubj", "csubj"})
# Dependents only a verb has: a "noun" with one is a verb the tagger misread (a sentence-final
# "..., the press service reports." parses as a noun with the reported clause under it).
_VERBAL = frozenset({"ccomp", "xcomp", "nsubj", "nsubjpass", "dobj", "aux", "auxpass"})


class RoleCheck:
    """Role checks for English text; other languages pass unchecked (no parse is loaded)."""

    def __init__(self, parse: Parse, memo: int = 64) -> None:
        self._parse = parse
        # One key point asks for its sentence's parse up to three times (actor, target,
        # evidence); the parses are kept by text, a few key points' worth.
        self._memo: OrderedDict[str, Any] = OrderedDict()
        self._memo_size = memo
        self._lock = threading.Lock()

    def _docs(self, texts: Sequence[str]) -> list[Any]:
        with self._lock:
            missing = list(dict.fromkeys(t for t in texts if t not in self._memo))
            if missing:
                for text, doc in zip(missing, self._parse(missing), strict=True):
                    self._memo[text] = doc
            docs = []
            for text in texts:
                self._memo.move_to_end(text)
                docs.append(self._memo[text])
            while len(self._memo) > self._memo_size:
                self._memo.popitem(last=False)
            return docs

    def party_phrase(self, name: str, sentence: str, lang: LangCode) -> bool:
        """Whether ``name``, where it occurs in ``sentence``, is a noun phrase there. A name
        the sentence does not contain, and any name outside English, passes."""
        span = self._span(name, sentence, lang)
        return span is None or _noun_phrase(span)

    def names_party(self, name: str, sentence: str, lang: LangCode) -> bool:
        """Whether ``name``, where it occurs in ``sentence``, is a noun phrase headed by a
        party: a person, organisation, country or people, or a word for one ("minister",
        "side"), not a topic ("protection of the rights of ..."). A request or an agreement
        is between parties. A name the sentence does not contain, and any name outside
        English, passes."""
        span = self._span(name, sentence, lang)
        return span is None or (_noun_phrase(span) and is_party(span.root))

    def _span(self, name: str, sentence: str, lang: LangCode) -> Any:
        """The parsed span of ``name`` in ``sentence`` (English only), else ``None``."""
        if lang != "en":
            return None
        start = sentence.casefold().find(name.casefold())
        if start < 0:
            return None
        (doc,) = self._docs([sentence])
        return doc.char_span(start, start + len(name), alignment_mode="expand")

    def invented_agent(self, claim: str, source: str, lang: LangCode) -> bool:
        """Whether the rewrite ``claim`` makes someone the subject of a verb that the
        ``source`` uses only in the passive without an agent."""
        if lang != "en":
            return False
        claim_doc, source_doc = self._docs([claim, source])
        stated = _verbs_by_lemma(source_doc)
        for verb in claim_doc:
            if verb.pos_ != "VERB" or not any(c.dep_ in _SUBJECTS for c in verb.children):
                continue
            uses = stated.get(verb.lemma_.lower())
            if uses and all(_agentless_passive(v) for v in uses):
                return True
        return False


def _noun_phrase(span: Any) -> bool:
    roots = [t for t in span if t.head.i == t.i or not span.start <= t.head.i < span.end]
    if len(roots) != 1 or span[-1].pos_ in _DANGLING:
        return False
    root = roots[0]
    return root.pos_ in NOMINAL and not any(c.dep_ in _VERBAL for c in root.children)


def _verbs_by_lemma(doc: Any) -> dict[str, list[Any]]:
    verbs: dict[str, list[Any]] = {}
    for token in doc:
        if token.pos_ == "VERB":
            verbs.setdefault(token.lemma_.lower(), []).append(token)
    return verbs


def _agentless_passive(verb: Any) -> bool:
    deps = {c.dep_ for c in verb.children}
    return bool(deps & {"nsubjpass", "auxpass"}) and "agent" not in deps
