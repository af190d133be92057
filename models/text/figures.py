"""Numeric figures of a text: money, percentages, counts ("51 joint projects"), quantities.

Rule based (stdlib ``re`` plus ``decimal``) and deliberately conservative: bare four-digit
numbers 1900-2099 are years, never counts, unless a qualifier precedes them (``more than 2000
people``), and dates and clock times never produce counts or quantities.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from typing import Literal

from models.spans import Span
from models.text.lexicon import (
    ADJ_CYR_RE,
    CODES,
    CUR_SYMBOL,
    CUR_WORD,
    CUR_ZH,
    CYR_RE,
    DATE_TIME_RE,
    FULLWIDTH,
    IRREGULAR_PLURALS,
    MONTH,
    MULT_ABBR,
    MULT_ANY,
    MULT_CYR,
    MULT_EN,
    MULT_WORDS,
    MULT_ZH,
    NUMBER_WORD,
    NUMBER_WORDS,
    PERCENT_WORD,
    QUAL_AFTER_KK,
    QUAL_BEFORE,
    STOPWORDS,
    UNIT,
    WORD,
    YEAR_RE,
    YEAR_WORDS,
    ZH_MEASURE,
    ZH_NOUN_CHAR,
    ZH_NUMERAL,
    ZH_QUAL,
    L,
    S,
)
from models.text.numbers import (
    cyrillic_text,
    multiplier,
    number_pattern,
    parse_number,
    parse_zh_numeral,
    scaled,
)

FigureKind = Literal["money", "percent", "count", "quantity"]


@dataclass(frozen=True)
class Figure:
    """One numeric figure of a text.

    ``span`` holds half-open offsets into the analysed text with
    ``span.text == text[span.start:span.end]``; ``value`` is the number with
    multiplier words applied (``27e9`` for ``$27 billion``), ``None`` when the
    digits could not be read as one number.
    """

    kind: FigureKind
    span: Span
    value: float | None


_PRIORITY: dict[str, int] = {"money": 0, "percent": 1, "quantity": 2, "count": 3}


@dataclass(frozen=True)
class _Patterns:
    money_before: re.Pattern[str]
    money_after: re.Pattern[str]
    percent: re.Pattern[str]
    percent_zh: re.Pattern[str]
    quantity: re.Pattern[str]
    count: re.Pattern[str]
    count_zh: re.Pattern[str]
    bare: re.Pattern[str]


@lru_cache(maxsize=2)
def patterns(space_groups: bool) -> _Patterns:
    """Compile the figure patterns; ``space_groups`` lets ``1 200`` be one number (ru/kk)."""
    num = number_pattern(space_groups)
    nb = f"(?<![{L}0-9_.,])"  # a number must not continue a word or another number
    money_before = (
        rf"(?<![{L}0-9_])(?P<cur>{CUR_SYMBOL}|{CODES}|人民币){S}?(?P<num>{num})"
        rf"(?:{S}?(?P<mult>{MULT_ANY}))?{CUR_ZH}?(?![0-9])"
    )
    money_after = rf"{nb}(?P<num>{num})(?:{S}?(?P<mult>{MULT_ANY}))?{S}?(?P<cur>{CUR_WORD})"
    percent = rf"{nb}(?P<num>{num}){S}?(?P<pct>{PERCENT_WORD})"
    percent_zh = rf"百分之(?:(?P<zh>{ZH_NUMERAL})|(?P<num>{num}))"
    quantity = rf"(?<![{L}0-9_.,\-])(?P<num>{num})(?:{S}?(?P<mult>{MULT_WORDS}|{MULT_ZH}))?{S}?(?P<unit>{UNIT})"  # noqa: E501
    count = (
        rf"(?:(?<![{L}])(?P<qual>{QUAL_BEFORE}){S}+)?"
        rf"(?:(?<![{L}0-9_.,\-/:#№$€£¥₸₽])(?P<num>{num})|(?P<word>{NUMBER_WORD}))(?![{L}0-9])"
        rf"(?:{S}+(?P<mult>{MULT_WORDS}))?(?P<kkq>{QUAL_AFTER_KK})?"
        rf"{S}+(?P<w1>{WORD})(?:{S}+(?P<w2>{WORD}))?"
    )
    count_zh = (
        rf"(?P<qual>{ZH_QUAL})?(?<![0-9.,])(?P<num>{num})(?P<mult>{MULT_ZH})?[多余]?"
        rf"(?P<mw>{ZH_MEASURE})(?P<noun>{ZH_NOUN_CHAR}{{0,2}})"
    )
    bare = (
        rf"(?<![0-9])(?P<num>{num})(?:{S}?(?P<mult>{MULT_EN}|{MULT_ABBR}|{MULT_CYR}|{MULT_ZH}))?"
        rf"|(?P<word>{NUMBER_WORD})"
    )
    return _Patterns(
        money_before=re.compile(money_before),
        money_after=re.compile(money_after),
        percent=re.compile(percent),
        percent_zh=re.compile(percent_zh),
        quantity=re.compile(quantity),
        count=re.compile(count),
        count_zh=re.compile(count_zh),
        bare=re.compile(bare),
    )


# ---------------------------------------------------------------------------
# Figures
# ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Candidate:
    kind: FigureKind
    start: int
    end: int
    value: Decimal | None


def overlaps(start: int, end: int, ranges: list[tuple[int, int]]) -> bool:
    return any(start < r_end and r_start < end for r_start, r_end in ranges)


def _is_month(word: str) -> bool:
    return re.fullmatch(MONTH, word) is not None


def _bad_head(word: str) -> bool:
    """True when ``word`` cannot be the counted noun right after a number."""
    w = word.lower()
    return (
        w in STOPWORDS
        or _is_month(word)
        or re.match(PERCENT_WORD, word) is not None
        # "27 billion" closing a clause: the multiplier is not a counted noun.
        or re.fullmatch(MULT_WORDS, word) is not None
    )


def _takes_second(first: str, second: str) -> bool:
    """Whether a count phrase goes on to ``second`` ("51 joint projects") or stops at ``first``."""
    if _bad_head(second) or second.lower().endswith("ly"):
        return False
    w = first.lower()
    if CYR_RE.search(w):
        return ADJ_CYR_RE.search(w) is not None
    if w in IRREGULAR_PLURALS:
        return False
    # An English plural is normally the head noun itself ("130 representatives").
    return not (w.endswith("s") and not w.endswith(("ss", "us", "is")))


def candidates(text: str) -> list[Candidate]:
    """Every figure the patterns see, overlaps included."""
    norm = text.translate(FULLWIDTH)
    cyr_text = cyrillic_text(norm)
    pats = patterns(cyr_text)
    masked = [m.span() for m in DATE_TIME_RE.finditer(norm)]
    out: list[Candidate] = []

    def comma(m: re.Match[str]) -> bool:
        return cyr_text or CYR_RE.search(m.group()) is not None

    for pat in (pats.money_before, pats.money_after):
        for m in pat.finditer(norm):
            out.append(
                Candidate("money", m.start(), m.end(), scaled(m["num"], m["mult"], comma(m)))
            )
    for m in pats.percent.finditer(norm):
        out.append(Candidate("percent", m.start(), m.end(), parse_number(m["num"], comma(m))))
    for m in pats.percent_zh.finditer(norm):
        value = parse_zh_numeral(m["zh"]) if m["zh"] else parse_number(m["num"], False)
        out.append(Candidate("percent", m.start(), m.end(), value))
    for m in pats.quantity.finditer(norm):
        if not overlaps(m.start("num"), m.end("num"), masked):
            out.append(
                Candidate(
                    "quantity",
                    m.start(),
                    m.end(),
                    scaled(m["num"], m["mult"], comma(m)),
                )
            )
    for m in pats.count.finditer(norm):
        cand = _count_candidate(m, masked, cyr_text)
        if cand is not None:
            out.append(cand)
    for m in pats.count_zh.finditer(norm):
        if overlaps(m.start("num"), m.end("num"), masked):
            continue
        # 人 and 次 are themselves the counted thing: "300人参加" is "300人".
        end = m.end("mw") if m["mw"] in "人次" else m.end()
        out.append(Candidate("count", m.start(), end, scaled(m["num"], m["mult"], False)))
    return out


def _count_candidate(
    m: re.Match[str], masked: list[tuple[int, int]], cyr_text: bool
) -> Candidate | None:
    """Turn a raw count match into a candidate, or ``None`` for years, dates and non-nouns."""
    w1 = m["w1"]
    if _bad_head(w1):
        return None
    qualified = bool(m["qual"] or m["kkq"])
    if m["num"] is not None:
        if overlaps(m.start("num"), m.end("num"), masked):
            return None
        # A bare 19xx/20xx is a year ("in 2018", "2019 the Year of ...")
        # unless a qualifier makes it a quantity ("more than 2000 people").
        is_year = YEAR_RE.fullmatch(m["num"]) is not None and not m["mult"]
        if is_year and (not qualified or w1.lower() in YEAR_WORDS):
            return None
        decimal_comma = cyr_text or CYR_RE.search(m.group()) is not None
        value = scaled(m["num"], m["mult"], decimal_comma)
    else:
        value = Decimal(NUMBER_WORDS[m["word"].lower()]) * multiplier(m["mult"])
    end = m.end("w1")
    if m["w2"] is not None and _takes_second(w1, m["w2"]):
        end = m.end("w2")
    return Candidate("count", m.start(), end, value)


def resolve(cands: list[Candidate]) -> list[Candidate]:
    """Keep non-overlapping candidates: money > percent > quantity > count, then longest."""
    chosen: list[Candidate] = []
    for c in sorted(cands, key=lambda c: (_PRIORITY[c.kind], c.start - c.end, c.start)):
        if not any(c.start < o.end and o.start < c.end for o in chosen):
            chosen.append(c)
    return sorted(chosen, key=lambda c: c.start)


def find_figures(text: str) -> list[Figure]:
    """Return the money, percent, count and quantity figures of ``text``.

    The list is sorted by start offset and no two figures overlap; each span's
    text is exactly ``text[start:end]``.  Years, dates and clock times are
    never reported.  Returns ``[]`` for a text without figures.
    """
    return [
        Figure(
            c.kind,
            Span(c.start, c.end, text[c.start : c.end]),
            None if c.value is None else float(c.value),
        )
        for c in resolve(candidates(text))
    ]
