"""Kazakh in the Latin alphabet of 2021, read through the Cyrillic script the models know.

Agencies publish Kazakh in both scripts. The language detector, the segmenter, the cue
lexicon and the LLM all know Cyrillic Kazakh, so a Latin-script Kazakh text is analysed
through its letter-for-letter transliteration. The mapping is one character to one
character, so every offset found in the transliteration is an offset into the submitted
text. (No maintained transliteration package covering the 2021 alphabet was found among the
registry's packages; the table below is the alphabet itself.)
"""

from __future__ import annotations

import re

# The 2021 alphabet (31 letters) and the Latin letters of loanwords, to Cyrillic, one for one.
# "İ i" stands for И and Й, "I ı" for І, "Y y" for Ы; loanword letters map to the closest.
_LOWER = {
    "a": "а", "ä": "ә", "b": "б", "d": "д", "e": "е", "f": "ф", "g": "г", "ğ": "ғ", "h": "х",
    "ı": "і", "i": "и", "j": "ж", "k": "к", "l": "л", "m": "м", "n": "н", "ñ": "ң", "o": "о",
    "ö": "ө", "p": "п", "q": "қ", "r": "р", "s": "с", "ş": "ш", "t": "т", "u": "у", "ū": "ұ",
    "ü": "ү", "v": "в", "y": "ы", "z": "з", "ç": "ч", "c": "ц", "w": "у", "x": "х",
}  # fmt: skip
_UPPER = {k.upper(): v.upper() for k, v in _LOWER.items() if k not in ("i", "ı")}
_UPPER.update({"İ": "И", "I": "І"})
_TABLE = str.maketrans({**_LOWER, **_UPPER})
# Letters Kazakh's Latin alphabet has and English does not.
_KAZAKH_LETTERS = re.compile("[äÄğĞñÑöÖşŞūŪüÜıİqQ]")
_LATIN = re.compile("[A-Za-zÀ-ɏ]")
_CYRILLIC = re.compile("[Ѐ-ԯ]")


def to_cyrillic(text: str) -> str:
    """The text with its Latin letters transliterated, one character for one."""
    return text.translate(_TABLE)


def looks_kazakh_latin(text: str) -> bool:
    """Latin letters dominate and Kazakh's own Latin letters are frequent enough (at least one
    word in eight carries one) that the text is worth reading as Kazakh."""
    latin = len(_LATIN.findall(text))
    if latin < 10 or latin <= 2 * len(_CYRILLIC.findall(text)):
        return False
    words = [w for w in re.findall(r"[^\W\d_]+", text) if len(w) > 2]
    marked = sum(1 for w in words if _KAZAKH_LETTERS.search(w))
    return bool(words) and marked * 8 >= len(words)
