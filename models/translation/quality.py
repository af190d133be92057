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
  the source nor the target language uses.

A failed check makes ``ok`` false and becomes a warning. The criteria were chosen and their
precision and recall measured on hand-judged FLORES-200 outputs (evaluation/README.md).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from models.langdetect import LanguageDetector

# Letters of each script, as ranges.
_SCRIPTS = {
    "cyrillic": re.compile("[\u0400-\u052f]"),
    "latin": re.compile("[A-Za-z\u00c0-\u024f]"),
    "han": re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]"),
}
_TARGET_SCRIPT = {"ru": "cyrillic", "kk": "cyrillic", "zh": "han", "en": "latin"}
_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*", re.UNICODE)
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
# A source shorter than this (characters) says too little for the length check.
_MIN_LENGTH_SOURCE = 12


@dataclass(frozen=True)
class Check:
    """One check: its name, whether it passed, and what it found."""

    name: str
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
            self._language(output, target_lang),
            _script(source, output, target_lang),
            _untranslated(source, output, source_lang, target_lang),
            _length(source, output, source_lang, target_lang),
            _repetition(output, target_lang),
            _foreign(source, output, target_lang),
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

    def _language(self, output: str, target_lang: str) -> Check:
        if len(_WORD.findall(output)) < 2 and not _SCRIPTS["han"].search(output):
            return Check("language", True, "too short to tell")
        found = self.detector.identify(output)
        if found == target_lang:
            return Check("language", True)
        return Check("language", False, f"the output reads as {found}, not {target_lang}")


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


def _names(source: str) -> set[str]:
    """Words the source uses as names: capitalised not at a sentence start, or all caps."""
    names = set()
    words = list(_WORD.finditer(source))
    for n, m in enumerate(words):
        word = m.group()
        start = m.start()
        before = source[:start].rstrip()
        sentence_start = n == 0 or before.endswith((".", "!", "?", ":", '"', "“", "«"))
        if (word.isupper() and len(word) > 1) or (word[:1].isupper() and not sentence_start):
            names.add(word)
    return names


def _script(source: str, output: str, target_lang: str) -> Check:
    target = _TARGET_SCRIPT[target_lang]
    names = {w.casefold() for w in _names(source)}
    counts: Counter[str] = Counter()
    for word in _WORD.findall(output):
        if word.casefold() in names:
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
    source_words = {
        w.casefold() for w in _WORD.findall(source) if len(w) >= 4 and w.casefold() not in names
    }
    left = sorted({w for w in _WORD.findall(output) if w.casefold() in source_words})
    if not left:
        return Check("untranslated", True)
    return Check("untranslated", False, "left as in the source: " + ", ".join(left[:5]))


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
    units = (
        list(output.replace(" ", "")) if target_lang == "zh" else _WORD.findall(output.casefold())
    )
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


def _foreign(source: str, output: str, target_lang: str) -> Check:
    allowed = {_TARGET_SCRIPT[target_lang], "latin"}  # Latin: names and acronyms
    allowed |= {name for name, count in _letters(source).items() if count}
    found = []
    for ch in set(output) - set(source):
        category = unicodedata.category(ch)
        if category in ("So", "Cs", "Co") or (category == "Cc" and ch not in "\n\t\r"):
            found.append(ch)
        elif ch.isalpha():
            script = next((n for n, p in _SCRIPTS.items() if p.match(ch)), "other")
            if script not in allowed:
                found.append(ch)
    if not found:
        return Check("foreign_characters", True)
    shown = "".join(sorted(found))[:10]
    return Check("foreign_characters", False, f"characters the source does not have: {shown!r}")
