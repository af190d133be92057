"""Who does what: checks of an LLM rewrite's roles against the source's dependency parse.

Word-level fidelity (``models/text/fidelity.py``) keeps names, numbers and negation; it
cannot see a rewrite that gives an act to someone the source does not. Two checks read
spaCy's parse (English, the pipeline the English cue already loaded):

* an actor or target must be a noun phrase of the source, not a run of words that happens
  to occur in it ("the press service reports" where "reports" is the verb; "importance of
  developing a dialogue on a wide range of");
* a rewrite must not name an agent for an act the source states without one: "the
  importance ... was emphasized, the press service reports" does not say that the press
  service emphasized it;
* a rewrite that ends in the source's own words must not end inside a phrase: "...
  comprehensive Kazakhstani-Chinese strategic." stops before the noun "strategic" modifies,
  "... in the idea" before the "of ..." that "idea" needs. A full stop the model adds does
  not finish the phrase.

Every text is read with its soft hyphens and zero-width characters folded away
(``models/text/invisible.py``): press copy set for print has them inside words, where they
would split a word for the parser and hide a claim's words in its source.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from typing import Any

from models.languages import LangCode
from models.summary.cues.english import is_party
from models.summary.cues.english_words import NOMINAL
from models.text.invisible import fold

Parse = Callable[[Sequence[str]], list[Any]]
"""spaCy's ``nlp.pipe`` over texts, as a list of ``Doc``."""

# A phrase cannot end in a word that needs something after it.
_DANGLING = frozenset({"ADP", "DET", "CCONJ", "SCONJ", "PART", "AUX"})
_SUBJECTS = frozenset({"nsubj", "csubj"})
# Dependents only a verb has: a "noun" with one is a verb the tagger misread (a sentence-final
# "..., the press service reports." parses as a noun with the reported clause under it).
_VERBAL = frozenset({"ccomp", "xcomp", "nsubj", "nsubjpass", "dobj", "aux", "auxpass"})


# What a word needs after it: its complement or the words its phrase goes on with.
_COMPLETING = frozenset(
    {"prep", "pobj", "dobj", "attr", "acomp", "pcomp", "xcomp", "ccomp", "compound", "case"}
)
# Where a source goes on after a cut without the phrase being broken.
_BREAK = re.compile(r"\s*(?:[,;:.!?()\[\]\"'«»“”—–]|-\s|$)")
_CLAIM_WORDS = re.compile(r"[^\W_]+")
# The claim's last words looked up in the source (enough to place them, few enough that an
# earlier reworded part does not matter).
_TAIL_WORDS = 4


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
        name, sentence = _plain(name), _plain(sentence)
        start = sentence.casefold().find(name.casefold())
        if start < 0:
            return None
        (doc,) = self._docs([sentence])
        return doc.char_span(start, start + len(name), alignment_mode="expand")

    def cut_short(self, claim: str, source: str, lang: LangCode) -> bool:
        """Whether ``claim`` ends with words of ``source`` at a point where the source's
        phrase goes on (see the module docstring). Outside English: ``False``."""
        if lang != "en":
            return False
        claim, source = _plain(claim), _plain(source)
        words = _CLAIM_WORDS.findall(claim.lower())[-_TAIL_WORDS:]
        if not words:
            return False
        pattern = r"\b" + r"[\W_]+".join(re.escape(w) for w in words) + r"\b"
        matches = list(re.finditer(pattern, source.lower()))
        if not matches:
            return False
        end = matches[-1].end()
        # Symbols glued to the last word ("12%", "(2021)") belong to it.
        while end < len(source) and not source[end].isspace() and not source[end].isalnum():
            if _BREAK.match(source, end):
                break
            end += 1
        if _BREAK.match(source, end):
            return False
        (doc,) = self._docs([source])
        return _cut_at(doc, end)

    def invented_agent(self, claim: str, source: str, lang: LangCode) -> bool:
        """Whether the rewrite ``claim`` makes someone the subject of a verb that the
        ``source`` uses only in the passive without an agent."""
        if lang != "en":
            return False
        claim_doc, source_doc = self._docs([_plain(claim), _plain(source)])
        stated = _verbs_by_lemma(source_doc)
        for verb in claim_doc:
            if verb.pos_ != "VERB" or not any(c.dep_ in _SUBJECTS for c in verb.children):
                continue
            uses = stated.get(verb.lemma_.lower())
            if uses and all(_agentless_passive(v) for v in uses):
                return True
        return False


def _plain(text: str) -> str:
    return fold(text).text


def _cut_at(doc: Any, end: int) -> bool:
    """Whether the source ``doc`` has a phrase going on across character ``end``: the word
    that ends there modifies a word after it, or (a verb, preposition or adjective) its
    complement follows."""
    last = next((t for t in doc if t.idx < end <= t.idx + len(t.text)), None)
    if last is None:
        return False
    if last.head.i > last.i and last.dep_ not in ("punct", "cc"):
        return True
    if last.pos_ in NOMINAL:
        return False  # "the envoy [of Norway]": what follows a noun is a modifier it can lose
    return any(c.i > last.i and c.dep_ in _COMPLETING for c in last.children)


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
