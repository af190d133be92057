"""Kazakh in Latin script: transliteration to Cyrillic with character offsets kept.

Kazakhstan's official Latin alphabet has two versions in use; agencies publishing in both
scripts use one or the other:

- 2018 (Decree of 19 February 2018): acute accents and two digraphs: Á ә, Ǵ ғ, Ń ң, Ó ө,
  Ú ү, Ý у, U ұ, Y ы, I i і, I ı и/й, Sh ш, Ch ч.
- 2021 (presented January 2021): Ä ә, Ğ ғ, Ñ (or Ŋ) ң, Ö ө, Ü ү, Ū ұ, U у, Y ы, I ı і,
  İ i и/й, Ş ш, Ç ч.

The two read ``i``, ``ı`` and ``u`` differently, so the version is chosen per text from the
letters only one of them has (``VARIANT_2018`` / ``VARIANT_2021`` markers). No maintained
package does Latin -> Cyrillic for either version with offsets (``qazaq-transliterator`` and
``turkic-translit`` go Cyrillic -> Latin only, ``qaznltk`` uses ISO 9), hence this table.

Every Cyrillic character keeps the half-open range of the Latin characters it came from
(a digraph or a letter with a combining accent is one range of two), so a span found in the
Cyrillic reading maps back to the submitted text (``Reading.to_source``).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

Variant = Literal["2018", "2021"]

_COMMON = {
    "a": "а", "b": "б", "d": "д", "e": "е", "f": "ф", "g": "г", "h": "х", "j": "ж",
    "k": "к", "l": "л", "m": "м", "n": "н", "o": "о", "p": "п", "q": "қ", "r": "р",
    "s": "с", "t": "т", "v": "в", "y": "ы", "z": "з", "w": "у", "c": "ц", "x": "кс",
}  # fmt: skip
_2018 = {
    **_COMMON,
    "á": "ә", "ǵ": "ғ", "ń": "ң", "ó": "ө", "ú": "ү", "ý": "у", "u": "ұ", "i": "і",
    "ı": "и", "sh": "ш", "ch": "ч",
}  # fmt: skip
_2021 = {
    **_COMMON,
    "ä": "ә", "ğ": "ғ", "ñ": "ң", "ŋ": "ң", "ö": "ө", "ü": "ү", "ū": "ұ", "u": "у",
    "ı": "і", "i": "и", "ş": "ш", "ç": "ч", "İ": "И",
}  # fmt: skip
_TABLES: dict[Variant, dict[str, str]] = {"2018": _2018, "2021": _2021}
_VOWELS = set("аәеиіоөұүыуэюя")

# Letters only one version has (``q`` and the Kazakh-only vowels mark Kazakh in both).
VARIANT_2018 = frozenset("áǵńóúý")
VARIANT_2021 = frozenset("äñŋūöüğş")
# Letters that make a Latin word read as Kazakh rather than English or Turkish: Turkish has
# ö ü ğ ş ı but none of these, English has none of them (``q`` counts when not before ``u``).
KAZAKH_MARKERS = frozenset("áǵńóúýäñŋū")
_WORD = re.compile(r"[^\W\d_]+")


@dataclass(frozen=True)
class Reading:
    """A Latin text read as Cyrillic Kazakh: ``cyrillic[j]`` came from
    ``source[starts[j]:ends[j]]``."""

    source: str
    cyrillic: str
    starts: tuple[int, ...]
    ends: tuple[int, ...]
    variant: Variant

    def to_source(self, start: int, end: int) -> tuple[int, int]:
        """The half-open range of ``source`` that ``cyrillic[start:end]`` came from."""
        if end <= start:
            pos = self.starts[start] if start < len(self.starts) else len(self.source)
            return pos, pos
        return self.starts[start], self.ends[end - 1]


def variant_of(text: str) -> Variant:
    """The alphabet version ``text`` is written in (2021 when neither's letters appear)."""
    lowered = unicodedata.normalize("NFC", text).lower()
    old = sum(ch in VARIANT_2018 for ch in lowered) + lowered.count("sh") + lowered.count("ch")
    new = sum(ch in VARIANT_2021 for ch in lowered) + text.count("İ")
    return "2018" if old > new else "2021"


def marker_share(text: str, *, with_q: bool = True) -> float:
    """The share of ``text``'s words of two or more letters that have a Kazakh-only letter
    (``KAZAKH_MARKERS``, or with ``with_q`` a ``q`` not followed by ``u``); 0.0 with no such
    words. (English has q without u in names: Qatar, Iraq, and pinyin's Qiang.)"""
    words = [w for w in _WORD.findall(unicodedata.normalize("NFC", text).lower()) if len(w) > 1]
    if not words:
        return 0.0
    marked = sum(
        any(ch in KAZAKH_MARKERS for ch in w) or (with_q and re.search("q(?!u)", w) is not None)
        for w in words
    )
    return marked / len(words)


def to_cyrillic(text: str, variant: Variant | None = None) -> Reading:
    """Transliterate Latin Kazakh ``text`` to Cyrillic; characters outside the table (digits,
    punctuation, Cyrillic) are copied as they are."""
    chosen = variant or variant_of(text)
    table = _TABLES[chosen]
    out: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    i = 0
    while i < len(text):
        unit_end = i + 1
        while unit_end < len(text) and unicodedata.combining(text[unit_end]):
            unit_end += 1
        unit = unicodedata.normalize("NFC", text[i:unit_end])
        pair = text[i : unit_end + 1].lower()
        if chosen == "2018" and unit_end == i + 1 and pair in ("sh", "ch"):
            letter, unit_end = table[pair], i + 2
            upper = text[i].isupper()
        else:
            letter = _letter(unit, table, out)
            upper = unit != unit.lower() or unit == "İ"
        for k, ch in enumerate(letter):
            out.append(ch.upper() if upper and (k == 0 or text[i:unit_end].isupper()) else ch)
            starts.append(i)
            ends.append(unit_end)
        i = unit_end
    return Reading(text, "".join(out), tuple(starts), tuple(ends), chosen)


def _letter(unit: str, table: dict[str, str], out: list[str]) -> str:
    if unit == "İ":
        found = "и"
    elif unit == "I":  # both versions: capital of і (2021 ı, 2018 i); 2018's И capital too
        found = "і"
    else:
        found = table.get(unit.lower(), unit)
    # The letter for и is also й: after a vowel (тәуелсіздігі ... сый, үйіне, қалайын).
    if found == "и" and out and out[-1].lower() in _VOWELS:
        return "й"
    return found


_TO_LATIN = {
    "а": "a", "ә": "ä", "б": "b", "в": "v", "г": "g", "ғ": "ğ", "д": "d", "е": "e",
    "ё": "io", "ж": "j", "з": "z", "и": "i", "й": "i", "к": "k", "қ": "q", "л": "l",
    "м": "m", "н": "n", "ң": "ñ", "о": "o", "ө": "ö", "п": "p", "р": "r", "с": "s",
    "т": "t", "у": "u", "ұ": "ū", "ү": "ü", "ф": "f", "х": "h", "һ": "h", "ц": "ts",
    "ч": "ç", "ш": "ş", "щ": "şş", "ъ": "", "ы": "y", "і": "ı", "ь": "", "э": "e",
    "ю": "iu", "я": "ia",
}  # fmt: skip


def to_latin(text: str) -> str:
    """Cyrillic Kazakh ``text`` in the 2021 Latin alphabet (for text the pipeline wrote, such
    as a headline, when the source was Latin); other characters are copied."""
    out: list[str] = []
    for ch in text:
        low = ch.lower()
        latin = _TO_LATIN.get(low)
        if latin is None:
            out.append(ch)
        elif ch != low:
            out.append("İ" + latin[1:] if latin.startswith("i") else latin.capitalize())
        else:
            out.append(latin)
    return "".join(out)
