"""Checks that say whether a translation is usable: never a silent success.

Each check compares an output with its source and names what it saw:
- ``language``: the output is in the target language (lingua, the service's own detector);
- ``script``: its letters are in the target language's script (Cyrillic for ru/kk, Han for
  zh, Latin for en), apart from names and acronyms copied from the source;
- ``untranslated``: no word of the source was left as it was, other than names (capitalised
  words that the source uses as names, acronyms, numbers);
- ``length``: the output's length is plausible for the language pair;
- ``repetition``: no phrase repeats itself (a small model's loop);
- ``foreign_characters``: no emoji, control characters or letters of a script that neither
  the source nor the target language uses, nor Cyrillic letters outside the target
  language's alphabet (Ukrainian ``ї`` in Kazakh, Kazakh ``ә`` in Russian);
- ``mixed_words``: no word glued from two scripts (``luminостью``, ``赫兹berg``);
- ``numbers``: every number of the output is one of the source's (``1996`` for ``1976`` is
  a wrong fact, not a paraphrase).

A failed check makes ``ok`` false and becomes a warning. The criteria were chosen and their
precision and recall measured on hand-judged FLORES-200 outputs (evaluation/README.md).
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import snowballstemmer

from models.langdetect import LanguageDetector
from models.translation.quality_numbers import wrong_numbers

# Letters of each script, as ranges.
_SCRIPTS = {
    "cyrillic": re.compile("[\u0400-\u052f]"),
    "latin": re.compile("[A-Za-z\u00c0-\u024f]"),
    "han": re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]"),
}
_TARGET_SCRIPT = {"ru": "cyrillic", "kk": "cyrillic", "zh": "han", "en": "latin"}
_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*", re.UNICODE)
# Each target language's Cyrillic letters; any other Cyrillic letter is another language's.
_RU_LETTERS = set("абвгдеёжзийклмнопрстуфхцчшщъыьэюя")
_ALPHABETS = {"ru": _RU_LETTERS, "kk": _RU_LETTERS | set("әғқңөұүһі")}
# Letters that Kazakh has and Kyrgyz, Russian and the small model's Kyrgyz-like mix do not.
_KAZAKH_ONLY = set("әғқұі")
# A Kazakh text of this many Cyrillic words has one of them (every FLORES reference has).
_KAZAKH_MIN_WORDS = 5
# A snowball stemmer keeps the word it works on in itself, so threads that share one corrupt
# each other's words (an IndexError under 8 concurrent /translate clients): one per thread.
_STEMMERS = threading.local()
# Output chars per source char, by script of the source and of the target: the 1st to 99th
# percentile of FLORES-200 devtest's human references (en->ru 0.73-1.53, en->kk 0.70-1.46,
# en->zh 0.20-0.69, ru/kk->en 0.65-1.42, zh->en 1.45-4.88, ru->kk 0.63-1.45), widened.
_LENGTH_BANDS = {
    ("latin", "cyrillic"): (0.55, 1.9),
    ("latin", "han"): (0.15, 0.9),
    ("cyrillic", "latin"): (0.5, 1.8),
    ("cyrillic", "cyrillic"): (0.5, 1.8),
    ("cyrillic", "han"): (0.15, 0.9),
    ("han", "latin"): (1.1, 6.5),
    ("han", "cyrillic"): (1.1, 6.5),
}
_TITLE = re.compile(r"\b(?:Dr|Mr|Mrs|Ms|Prof|St|Gen|Sen|Rep|Gov|Lt|Col|Capt|Sgt)\.$")
# Latin letters that look like Cyrillic ones: one in a word is a typo (Kazakh "бiр" with a
# Latin i), not a half-translated word
_LOOKALIKES = set("aceiopxyABCEHIKMOPTXY")
_HAN_THEN_LATIN = re.compile("[\u3400-\u4dbf\u4e00-\u9fff][a-z]")
# A source shorter than this (characters) says too little for the length check.
_MIN_LENGTH_SOURCE = 12


# The checks' names, which the API publishes (service/schemas.CheckOut).
CheckName = Literal[
    "language",
    "script",
    "untranslated",
    "length",
    "repetition",
    "foreign_characters",
    "mixed_words",
    "numbers",
]


@dataclass(frozen=True)
class Check:
    """One check: its name, whether it passed, and what it found."""

    name: CheckName
    ok: bool
    detail: str = ""


@dataclass(frozen=True)
class Quality:
    """Whether a translation passed every check, and each check."""

    ok: bool
    checks: tuple[Check, ...]

    @property
    def failed(self) -> tuple[Check, ...]:
        """The checks that failed."""
        return tuple(c for c in self.checks if not c.ok)


class QualityChecker:
    """Runs the checks with the service's language detector."""

    def __init__(self, detector: LanguageDetector) -> None:
        self.detector = detector

    def check(self, source: str, output: str, *, source_lang: str, target_lang: str) -> Quality:
        """The checks of one translation (``source_lang`` as detected or given)."""
        if source_lang == target_lang:
            return Quality(True, (Check("language", True, "already in the target language"),))
        checks = (
            self._language(source, output, target_lang),
            _script(source, output, target_lang),
            _untranslated(source, output, source_lang, target_lang),
            _length(source, output, source_lang, target_lang),
            _repetition(output, target_lang),
            _foreign(source, output, target_lang),
            _mixed(source, output),
            _numbers(source, output, source_lang),
        )
        return Quality(all(c.ok for c in checks), checks)

    def check_many(
        self,
        sources: Sequence[str],
        outputs: Sequence[str],
        *,
        source_langs: Sequence[str],
        target_lang: str,
    ) -> list[Quality]:
        """``check`` for aligned lists."""
        return [
            self.check(s, o, source_lang=lang, target_lang=target_lang)
            for s, o, lang in zip(sources, outputs, source_langs, strict=True)
        ]

    def _language(self, source: str, output: str, target_lang: str) -> Check:
        # The source's names say nothing of the output's language (a list of names in Latin
        # letters reads as English): the detector sees the other words.
        names = {w.casefold() for w in _names(source)}
        words = [w for w in _words(output) if w.casefold() not in names]
        if len(words) < 2 and not any(_SCRIPTS["han"].search(w) for w in words):
            return Check("language", True, "too short to tell")
        found = self.detector.identify(" ".join(words))
        if found != target_lang:
            return Check("language", False, f"the output reads as {found}, not {target_lang}")
        if target_lang == "kk":
            cyrillic = [w.lower() for w in words if _SCRIPTS["cyrillic"].match(w)]
            if len(cyrillic) >= _KAZAKH_MIN_WORDS and not _KAZAKH_ONLY & set("".join(cyrillic)):
                return Check(
                    "language",
                    False,
                    "no letter of Kazakh's own (ә ғ қ ұ і): Kyrgyz-like or Russian, not Kazakh",
                )
        return Check("language", True)


def _letters(text: str) -> Counter[str]:
    counts: Counter[str] = Counter()
    for ch in text:
        for name, pattern in _SCRIPTS.items():
            if pattern.match(ch):
                counts[name] += 1
                break
        else:
            if ch.isalpha():
                counts["other"] += 1
    return counts


def _dominant_script(text: str) -> str:
    counts = _letters(text)
    return counts.most_common(1)[0][0] if counts else "latin"


def _script_of(ch: str) -> str:
    return next((name for name, p in _SCRIPTS.items() if p.match(ch)), "other")


def _split_scripts(word: str) -> list[str]:
    """A word cut where its letters change script (``gambler都知道`` -> ``gambler``, ``都知道``):
    Chinese needs no space between a Latin word and the next."""
    parts: list[str] = []
    current, last = "", ""
    for ch in word:
        script = _script_of(ch) if ch.isalpha() else last
        if current and script != last:
            parts.append(current)
            current = ""
        current += ch
        last = script
    return [*parts, current] if current else parts


def _words(text: str) -> list[str]:
    """The words of ``text``, each in one script."""
    return [part for m in _WORD.finditer(text) for part in _split_scripts(m.group())]


def _names(source: str) -> set[str]:
    """Words the source uses as names: capitalised not at a sentence start, or all caps."""
    names = set()
    words = list(_WORD.finditer(source))
    for n, m in enumerate(words):
        word = m.group()
        start = m.start()
        before = source[:start].rstrip()
        sentence_start = n == 0 or before.endswith((".", "!", "?", ":", '"', "“", "«"))
        if sentence_start and _TITLE.search(before):  # "Dr. Moll": a name after a title
            sentence_start = False
        if (word.isupper() and len(word) > 1) or (word[:1].isupper() and not sentence_start):
            names.add(word)
    return names


def _script(source: str, output: str, target_lang: str) -> Check:
    target = _TARGET_SCRIPT[target_lang]
    names = {w.casefold() for w in _names(source)}
    counts: Counter[str] = Counter()
    for word in _words(output):
        # a capitalised Latin word is a name, however the source spelt it ("Kanajar");
        # an English word left in is the untranslated check's
        if word.casefold() in names or (word[:1].isupper() and _SCRIPTS["latin"].match(word)):
            continue
        counts += _letters(word)
    total = sum(counts.values())
    if total == 0:
        return Check("script", True, "no letters to check")
    share = counts[target] / total
    minimum = 0.6 if target == "han" else 0.85
    if share >= minimum:
        return Check("script", True)
    return Check("script", False, f"{share:.0%} of the letters are {target}")


def _untranslated(source: str, output: str, source_lang: str, target_lang: str) -> Check:
    if _TARGET_SCRIPT.get(source_lang) == _TARGET_SCRIPT[target_lang]:
        # ru <-> kk share Cyrillic and many words: a shared word proves nothing.
        return Check("untranslated", True, "same script")
    names = {w.casefold() for w in _names(source)}
    # "germ-line" left as "Germ": the parts of a hyphenated word count on their own
    parts = [p for w in _words(source) for p in {w, *re.split(r"['’-]", w)}]
    source_words = {w.casefold() for w in parts if len(w) >= 4 and w.casefold() not in names}
    # an English word left with another ending ("tour" as "tours") is left all the same
    stems = {_en_stem(w) for w in source_words} if source_lang == "en" else set()
    # a word capitalised in both, a name at the source's sentence start ("Ring also ..."), is
    # one too
    capitalised = {w.casefold() for w in _words(source) if w[:1].isupper()}
    left = sorted(
        {
            w
            for w in _words(output)
            if w.casefold() not in names
            and not (w[:1].isupper() and w.casefold() in capitalised)
            and (w.casefold() in source_words or (len(w) >= 4 and _stem_in(w, stems)))
        }
    )
    if not left:
        return Check("untranslated", True)
    return Check("untranslated", False, "left as in the source: " + ", ".join(left[:5]))


def _en_stem(word: str) -> str:
    """The English snowball stem of ``word``, with this thread's stemmer."""
    stemmer = getattr(_STEMMERS, "english", None)
    if stemmer is None:
        stemmer = _STEMMERS.english = snowballstemmer.stemmer("english")
    return str(stemmer.stemWord(word))


def _stem_in(word: str, stems: set[str]) -> bool:
    return (
        bool(stems) and bool(_SCRIPTS["latin"].match(word)) and (_en_stem(word.casefold()) in stems)
    )


def _length(source: str, output: str, source_lang: str, target_lang: str) -> Check:
    if len(source.strip()) < _MIN_LENGTH_SOURCE:
        return Check("length", True, "source too short to tell")
    pair = (_TARGET_SCRIPT.get(source_lang, _dominant_script(source)), _TARGET_SCRIPT[target_lang])
    low, high = _LENGTH_BANDS.get(pair, (0.4, 2.5))
    ratio = len(output.strip()) / len(source.strip())
    if low <= ratio <= high:
        return Check("length", True)
    return Check("length", False, f"{ratio:.2f} times the source's length (expected {low}-{high})")


def _repetition(output: str, target_lang: str) -> Check:
    if target_lang == "zh":  # Han characters one by one, a Latin name as one unit
        units = [u for w in _words(output.casefold()) for u in (list(w) if _is_han(w) else [w])]
    else:
        units = _words(output.casefold())
    n = 4 if target_lang == "zh" else 3
    grams = Counter(tuple(units[i : i + n]) for i in range(len(units) - n + 1))
    worst = max(grams.values(), default=0)
    if worst >= 3:
        phrase = (
            "".join(grams.most_common(1)[0][0])
            if target_lang == "zh"
            else " ".join(grams.most_common(1)[0][0])
        )
        return Check("repetition", False, f"{phrase!r} repeats {worst} times")
    runs = re.search(r"(\b\w+\b)(?:\W+\1\b){3,}", output, re.IGNORECASE)
    if runs:
        return Check("repetition", False, f"{runs.group(1)!r} repeats")
    return Check("repetition", True)


def _is_han(word: str) -> bool:
    return bool(_SCRIPTS["han"].match(word))


def _foreign(source: str, output: str, target_lang: str) -> Check:
    allowed = {_TARGET_SCRIPT[target_lang], "latin"}  # Latin: names and acronyms
    allowed |= {name for name, count in _letters(source).items() if count}
    found = []
    for ch in set(output) - set(source):
        category = unicodedata.category(ch)
        if category in ("So", "Cs", "Co") or (category == "Cc" and ch not in "\n\t\r"):
            found.append(ch)
        elif ch.isalpha():
            script = _script_of(ch)
            alphabet = _ALPHABETS.get(target_lang)
            if script not in allowed or (
                script == "cyrillic" and alphabet and ch.lower() not in alphabet
            ):
                found.append(ch)
    if not found:
        return Check("foreign_characters", True)
    shown = "".join(sorted(found))[:10]
    return Check("foreign_characters", False, f"characters the source does not have: {shown!r}")


def _glued(part: str) -> bool:
    latin = [ch for ch in part if _SCRIPTS["latin"].match(ch)]
    if not latin or not _SCRIPTS["cyrillic"].search(part):
        return False
    return not (len(latin) == 1 and latin[0] in _LOOKALIKES)  # one stray look-alike: a typo


def _mixed(source: str, output: str) -> Check:
    """Words glued from Latin and Cyrillic letters, or Han followed by lower-case Latin: a
    small model's half-translated word (a name's Latin form next to Han is normal)."""
    known = set(_WORD.findall(source))
    found = []
    for word in _WORD.findall(output):
        if word in known:
            continue
        # "PMO-дағы": a Kazakh ending hyphenated to an acronym is one script a part
        parts = re.split(r"['’-]", word)
        acronym = len(parts) > 1 and parts[0].isupper()
        glued = any(_glued(p) for p in parts) if acronym else _glued(word)
        if glued or _HAN_THEN_LATIN.search(word):
            found.append(word)
    if not found:
        return Check("mixed_words", True)
    return Check("mixed_words", False, "words of two scripts: " + ", ".join(found[:5]))


def _numbers(source: str, output: str, source_lang: str) -> Check:
    if source_lang == "zh":  # Chinese writes many numbers in characters
        return Check("numbers", True, "source in Chinese: not checked")
    wrong = wrong_numbers(source, output)
    if not wrong:
        return Check("numbers", True)
    return Check("numbers", False, "numbers the source does not have: " + ", ".join(wrong[:5]))
