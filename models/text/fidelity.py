"""Does a rewrite keep its source's names, numbers and negation? (en/ru/kk/zh)

The LLM may reword a sentence; it may not change who is named, what number is given, or
whether something did or did not happen. :func:`rewrite_changes` compares a rewrite with the
sentences it claims to restate and names the first change it finds:

- **script**: the rewrite has letters of a script its source lacks (a Chinese word in an
  English point, an English word in a Russian one);
- **truncated**: the rewrite is the source's opening words, cut off mid-sentence;
- **numbers**: every number of the rewrite occurs in the source (:func:`numbers_supported`,
  so ``$27bn`` matches ``27 billion dollars``);
- **names**: every name of the rewrite occurs in the source. A name is a capitalised word
  that does not open a sentence, or one that opens it and is capitalised inside a sentence
  of the rewrite too (so a rewrite that opens with an unknown name is not caught). Russian
  and Kazakh names inflect, so a name matches a source word that shares its stem (all but
  the last three letters, at least four). Chinese has no capitals: only its Latin-script
  names are checked. A Title Case headline has no names to check;
- **negation**: the rewrite is negated exactly when the source is. The markers are the
  closed-class negators of each language (English *not*/*never*/*no*, Russian *не*/*нет*/
  *ни*, Kazakh *емес*/*жоқ* and the verbal suffix *-ма/-ме/-ба/-бе/-па/-пе* before a tense
  ending, Chinese 不/没/未/无/非/别 outside the common words where they do not negate, such
  as 不断 or 未来).

Soft hyphens and zero-width characters (``models/text/invisible.py``) are folded away first:
"Kazakh\u00adstan" is the name Kazakhstan, and "n\u00adot" still negates.

The negation rule is strict on purpose: a rewrite that drops a negated clause is rejected
with one that negates a positive statement, because a key point that reverses its source
is the worst error a brief can make.
"""

from __future__ import annotations

import re
import unicodedata

from models.languages import LangCode
from models.text.facts import numbers_supported
from models.text.invisible import fold
from models.text.lexicon import KK_VERB_NEGATION, LO, UP

_WORD = re.compile(rf"[{UP}{LO}][{UP}{LO}'’-]*")
_SENTENCE_START = re.compile(r"(?:^|[.!?。！？]\s+|\n)\W*$")

_NEGATORS: dict[str, re.Pattern[str]] = {
    "en": re.compile(
        r"(?i)\b(?:not|no|never|neither|nor|none|nobody|nothing|nowhere|without|cannot)\b"
        r"|n['’]t\b"
    ),
    "ru": re.compile(
        r"(?i)(?<![\w-])(?:не|нет|ни|никогда|никто|ничто|ничего|нигде|никак|нельзя|без)(?![\w-])"
    ),
    "kk": re.compile(
        r"(?i)(?<![\w-])(?:емес|жоқ|ешқашан|ешкім|ешқандай|ешбір|ештеңе)(?![\w-])"
        rf"|\w{{2,}}{KK_VERB_NEGATION}(?![\w-])"
    ),
    # The negators, unless they start one of the common words in which they do not negate.
    "zh": re.compile(
        r"(?:不(?!断|仅|但|少|同|久|过|管|妨|论|止|得不)|没(?!收)|沒(?!收)|未(?!来|來)"
        r"|无(?!论|線|线|人机|锡)|無(?!論|線)|非(?!常|洲)|别(?!的|人|国|國))"
    ),
}
# Latin text inside a Chinese sentence (names kept in Latin letters).
_LATIN_NAME = re.compile(r"[A-Z][A-Za-z'-]+")


def negated(text: str, lang: LangCode) -> bool:
    """Whether ``text`` contains a negation marker of ``lang``."""
    text = fold(text).text
    if lang == "zh":
        # 除非 ("unless") and 莫斯科 ("Moscow") contain no negation.
        text = text.replace("除非", "").replace("莫斯科", "")
    return _NEGATORS[lang].search(text) is not None


def names_in(text: str, lang: LangCode) -> list[str]:
    """The capitalised words of ``text`` that are names (see the module docstring)."""
    if lang == "zh":
        return _LATIN_NAME.findall(text)
    words = [(m.group(), m.start()) for m in _WORD.finditer(text)]
    if len(words) >= 3 and sum(w[0].isupper() for w, _ in words) >= 0.6 * len(words):
        # Title Case ("China And Kazakhstan Agree On Visas") hides which words are names.
        return []
    inside = {w for w, start in words if not _SENTENCE_START.search(text[:start])}
    names = []
    for word, start in words:
        if not word[0].isupper() or (word.isupper() and len(word) == 1):
            continue
        opens = _SENTENCE_START.search(text[:start]) is not None
        if not opens or word in inside:
            names.append(word.rstrip("'’-"))
    return names


_CYRILLIC = re.compile("[\u0400-\u052f]")


def _stem(word: str) -> str:
    word = re.sub(r"['’]s$", "", word)
    if _CYRILLIC.search(word):
        return word[: max(4, len(word) - 3)].lower()
    return word.lower()


def names_supported(claim: str, source: str, lang: LangCode) -> bool:
    """Whether every name of ``claim`` occurs (by stem) among the words of ``source``."""
    if lang == "zh":
        return all(name.lower() in source.lower() for name in names_in(claim, lang))
    source_words = [w.lower() for w in _WORD.findall(source)]
    for name in names_in(claim, lang):
        stem = _stem(name)
        if _CYRILLIC.search(name):
            # Cyrillic names decline: a word that starts with the stem is the same name.
            found = any(w.startswith(stem) for w in source_words)
        else:
            # A name in Latin letters is the whole word, give or take a possessive, a plural
            # or a hyphenated compound: "Pompe" is not "Pompeo", "Kazakh" is in
            # "Kazakh-Chinese".
            base = _LATIN_ENDING.sub("", stem)
            found = any(
                _LATIN_ENDING.sub("", w) == base or w.startswith(stem + "-") for w in source_words
            )
        if not found:
            return False
    return True


_LATIN_ENDING = re.compile(r"(?:['’]s?|e?s)$")


# Words, and single Han characters (Chinese has no spaces).
TOKEN = re.compile(r"[\u3400-\u9fff]|[^\W\u3400-\u9fff]+")


def truncated(claim: str, source: str) -> bool:
    """Whether ``claim`` is the start of ``source`` cut off mid-sentence: a word budget met
    by stopping early, which leaves an unfinished sentence ("... wishing him success in
    advancing comprehensive")."""
    if re.search(r"[.!?。！？\"»”)]\s*$", claim):
        return False
    words, source_words = TOKEN.findall(claim.lower()), TOKEN.findall(source.lower())
    return 0 < len(words) < len(source_words) and source_words[: len(words)] == words


def scripts(text: str) -> set[str]:
    """The scripts of the letters of ``text`` (the first word of their Unicode names:
    LATIN, CYRILLIC, CJK, ARABIC, ...)."""
    return {unicodedata.name(ch, "?").split()[0] for ch in text if ch.isalpha()}


def rewrite_changes(claim: str, source: str, lang: LangCode) -> str | None:
    """What the rewrite ``claim`` changes in ``source`` (``"script"``, ``"truncated"``,
    ``"numbers"``, ``"names"`` or ``"negation"``), or ``None`` when it keeps them all."""
    claim, source = fold(claim).text, fold(source).text
    if not scripts(claim) <= scripts(source):
        return "script"
    if truncated(claim, source):
        return "truncated"
    if not numbers_supported(claim, source):
        return "numbers"
    if not names_supported(claim, source, lang):
        return "names"
    if negated(claim, lang) != negated(source, lang):
        return "negation"
    return None
