"""The ``numbers`` translation check: every number of the output is one of the source's.

A small model changes years and amounts ("1976" as "1996", "400,000" as "40 миллионов")
while the sentence still reads well, and no other check sees it. A number the output has
and the source has not is a wrong fact, with allowances for how a translation writes the
same number: thousands separators, a decimal comma, a multiplier word after the number
("40 万", "2 млн"), a number the source spells out ("three", "eighty"), a month by its
number, and a 12-hour time in the 24-hour clock. A source in Chinese is not checked (its
numbers are often written in characters).
"""

from __future__ import annotations

import itertools
import re

_NUMBER = re.compile(r"\d+(?:[.,]\d+)?")
# "400,000", "400 000" (also with a no-break or narrow space) -> "400000"
_THOUSANDS = re.compile(r"(?<=\d)[,\u00a0\u202f ](?=\d{3}(?!\d))")
# Words after a number that multiply it.
_MULTIPLIERS = (
    (re.compile(r"\s*多?\s*万"), 10**4),  # "400 多万": over four million
    (re.compile(r"\s*多?\s*亿"), 10**8),
    (re.compile(r"\s*(?:тыс|мың)", re.IGNORECASE), 10**3),
    (re.compile(r"\s*(?:млн|миллион|million)", re.IGNORECASE), 10**6),
    (re.compile(r"\s*(?:млрд|миллиард|billion)", re.IGNORECASE), 10**9),
)
_SMALL = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen twenty"
).split()
_MONTHS = (
    "january february march april may june july august september october november december"
).split()
_ORDINALS = (
    "zeroth first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth"
).split()
_WORDS: dict[str, float] = {
    **{w: float(n) for n, w in enumerate(_SMALL)},
    **{w: float(n) for n, w in enumerate(_ORDINALS) if n},
    **{w: float(n) for n, w in enumerate(_MONTHS, 1)},
    **{
        w: float(n)
        for w, n in (
            ("thirty", 30),
            ("forty", 40),
            ("fifty", 50),
            ("sixty", 60),
            ("seventy", 70),
            ("eighty", 80),
            ("ninety", 90),
            ("hundred", 100),
            ("thousand", 1000),
            ("million", 10**6),
            ("billion", 10**9),
            ("dozen", 12),
            ("half", 0.5),
        )
    },
}
_SOURCE_WORD = re.compile(r"[a-z]+")
_SCALES = {"hundred": 100.0, "thousand": 1000.0, "million": 1e6, "billion": 1e9}
_DECADE = re.compile(r"\b(\d\d)(\d0)s\b")  # the 1850s: "19 世纪 50 年代" in Chinese
_PM = re.compile(r"\bp\.?\s?m\b", re.IGNORECASE)


def _values(text: str) -> list[tuple[float, float | None]]:
    """Each number of ``text``: its value as written, and times its multiplier word if any."""
    text = _THOUSANDS.sub("", text)
    out = []
    for m in _NUMBER.finditer(text):
        value = float(m.group().replace(",", "."))
        rest = text[m.end() : m.end() + 12]
        factor = next((f for pattern, f in _MULTIPLIERS if pattern.match(rest)), None)
        out.append((value, None if factor is None else value * factor))
    return out


def source_numbers(source: str) -> set[float]:
    """The numbers a faithful translation may write: the source's, every way it says them."""
    found: set[float] = set()
    for value, multiplied in _values(source):
        found.add(value)
        if multiplied is not None:
            found.add(multiplied)
    words = _SOURCE_WORD.findall(source.casefold())
    found |= {_WORDS[w] for w in words if w in _WORDS}
    for word, scale in itertools.pairwise(words):  # "four million"
        if word in _WORDS and scale in _SCALES:
            found.add(_WORDS[word] * _SCALES[scale])
    for century, decade in _DECADE.findall(source):
        found |= {float(century) + 1, float(decade)}
    if _PM.search(source):  # 09:19 p.m. may come back as 21:19
        found |= {v + 12 for v in list(found) if 1 <= v < 12}
    return found


def wrong_numbers(source: str, output: str) -> list[str]:
    """The output's numbers that the source does not have, as written out."""
    allowed = source_numbers(source)
    wrong = []
    for value, multiplied in _values(output):
        shown = multiplied if multiplied is not None else value
        if shown not in allowed:
            wrong.append(f"{shown:g}")
    return wrong
