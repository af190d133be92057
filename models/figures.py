"""Find numeric figures and news datelines in English, Russian, Kazakh and Chinese text.

Everything here is rule based (stdlib ``re`` plus ``decimal``): the service uses
it to check that numbers in generated key points and translations really occur
in the source article, so the rules are deliberately conservative and never
mention words of any particular article.

Public API
----------
``find_figures(text)``
    Money, percentages, counts ("51 joint projects") and physical quantities,
    sorted by start offset and never overlapping.
``find_dateline(text)``
    The agency dateline at the very start of an article, or ``None``.
``numbers_in(text)``
    Normalised numeric tokens of a text (multipliers applied, see below).
``numbers_supported(claim, source)``
    Whether every number of ``claim`` also occurs in ``source``.

Number conventions
------------------
* ``1,200`` is one thousand two hundred in English text; ``2,5`` (a comma
  followed by anything but exactly three digits) is a decimal.  Russian and
  Kazakh write the decimal separator as a comma and group thousands with
  spaces, so in a Cyrillic-dominated text, or when the figure itself carries a
  Cyrillic word (``2,500 млн``), a comma is always decimal and ``1 200`` (plain
  space between groups of three) is one number.
* Multiplier words are applied: ``$27 billion``, ``27bn dollars``,
  ``27 млрд долларов`` all have value ``27e9``; ``27亿美元`` is ``2.7e9``
  because 亿 is 10**8.  The one-letter abbreviations ``m``/``k``/``b`` count as
  multipliers only next to a currency (``€5m``), elsewhere ``m`` may be metres.
* Bare four-digit numbers 1900-2099 are years, never counts, unless a
  qualifier precedes them (``more than 2000 people``).  Dates and clock times
  never produce counts or quantities.
"""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Literal

from models.spans import Span

__all__ = [
    "Dateline",
    "Figure",
    "FigureKind",
    "find_dateline",
    "find_figures",
    "numbers_in",
    "numbers_supported",
]

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


@dataclass(frozen=True)
class Dateline:
    """A news dateline at the start of an article.

    ``span`` covers the whole prefix as written, from its first non-space
    character up to and including a trailing separator (``-``, ``--``, ``—``,
    ``:`` or ``.``) but never the whitespace before the article body.
    ``date`` is ISO ``yyyy-mm-dd`` when day, month and year are all present,
    otherwise the raw date text, and ``None`` when the dateline has no date.
    ``place`` is the place as written (``LONDON, England`` keeps its region);
    ``agency`` is the agency name without brackets or slashes.
    """

    span: Span
    date: str | None
    place: str | None
    agency: str | None


# ---------------------------------------------------------------------------
# Character classes.  ``re`` has no \p{..}; the explicit ranges cover the
# space-separated scripts we support (Latin, Greek, Cyrillic incl. Kazakh).
# Han characters are deliberately *not* letters here: Chinese has no spaces,
# so a number glued to Han characters is still a standalone number.
# ---------------------------------------------------------------------------
_L = "A-Za-z\u00c0-\u024f\u0370-\u03ff\u0400-\u052f"
_UP = "A-Z\u00c0-\u00d6\u00d8-\u00de\u0391-\u03a9\u0400-\u042f\u0492\u049a\u04a2\u04ae\u04b0\u04ba\u04d8\u04e8"  # noqa: E501
_LO = "a-z\u00df-\u00f6\u00f8-\u00ff\u03b1-\u03c9\u0430-\u045f\u0493\u049b\u04a3\u04af\u04b1\u04bb\u04d9\u04e9"  # noqa: E501
_HAN = "\u3400-\u4dbf\u4e00-\u9fff"
_S = "[ \t\u00a0\u2009\u202f]"  # horizontal space only: figures do not cross lines

_CYR_RE = re.compile("[\u0400-\u052f]")
_LAT_RE = re.compile("[A-Za-z]")

# Full-width digits and signs occur in Chinese text.  The mapping is one
# character to one character, so offsets found in the translated copy are
# valid in the original text.
_FULLWIDTH = str.maketrans("０１２３４５６７８９％＄", "0123456789%$")


def _num(space_groups: bool) -> str:
    """Regex for one run of digits with separators (possessive: no partial runs)."""
    sep = "[ \u00a0\u2009\u202f]" if space_groups else "[\u00a0\u2009\u202f]"
    return rf"(?:[0-9]{{1,3}}(?:{sep}[0-9]{{3}})++(?![0-9])|[0-9]++)(?:[.,][0-9]++)*+"


# An abbreviation's full stop belongs to it only when the sentence goes on.
_DOT = rf"(?:\.(?={_S}*[{_LO}]))?"
_MULT_EN = rf"(?i:thousand|million|billion|trillion)(?![{_L}])"
_MULT_ABBR = rf"(?:bn|bln|mln|mn|trn)(?![{_L}])"
_MULT_LETTER = rf"(?:BN|MN|tn|[mMkKbB])(?![{_L}])"  # only next to a currency
_MULT_CYR = (
    rf"(?i:тыс(?:яч[аи]?)?{_DOT}|млн{_DOT}|млрд{_DOT}|трлн{_DOT}"
    rf"|миллион(?!ер)[{_LO}]{{0,4}}|миллиард(?!ер)[{_LO}]{{0,4}}"
    rf"|триллион[{_LO}]{{0,4}}|мың[{_LO}]{{0,4}})(?![{_L}])"
)
# A lone 千 is left out: 千米/千瓦 are kilometre/kilowatt, not thousands.
_MULT_ZH = "(?:万亿|千亿|百亿|十亿|亿|千万|百万|十万|万)"
_MULT_WORDS = f"(?:{_MULT_EN}|{_MULT_ABBR}|{_MULT_CYR})"
_MULT_ANY = f"(?:{_MULT_EN}|{_MULT_ABBR}|{_MULT_LETTER}|{_MULT_CYR}|{_MULT_ZH})"

_CODES = "(?:USD|EUR|GBP|JPY|CNY|RMB|KZT|RUB|CHF|INR|HKD|AUD|CAD|KRW|UAH|UZS|KGS)(?![A-Za-z])"
_CUR_SYMBOL = "(?:[A-Z]{1,2}\\$|[$€£¥₸₽₹₩₺₴])"
_CUR_ZH = "(?:美元|欧元|英镑|日元|港元|韩元|澳元|加元|卢布|坚戈|元(?:人民币)?)"
_CUR_WORD = (
    "(?:"
    rf"(?i:(?:U\.?S\.?{_S})?dollars?|euros?|pounds?(?:{_S}sterling)?|yuan|renminbi|yen|tenge"
    rf"|roubles?|rubles?|(?:swiss{_S})?francs?|rupees?|lira|hryvnias?)(?![{_L}])"
    rf"|(?i:долл(?:ар[{_LO}]*|\.)(?:{_S}США)?|евро|еуро|рубл[{_LO}]*|руб\.|тенге|теңге[{_LO}]*"
    rf"|юан[{_LO}]*|фунт[{_LO}]*(?:{_S}стерлинг[{_LO}]*)?|[ий]ен[{_LO}]*)(?![{_L}])"
    f"|{_CODES}|{_CUR_ZH}"
    ")"
)

_PERCENT_WORD = (
    "(?:[%‰]|个百分点"
    rf"|(?i:percentage{_S}points?|per{_S}?cent|pct)(?![{_L}])"
    rf"|(?i:процент[{_LO}]*(?:{_S}пункт[{_LO}]*)?|пайыз[{_LO}]*|п\.{_S}?п\.)(?![{_L}])"
    ")"
)
_ZH_NUMERAL = "[零〇一二两三四五六七八九十百千万]+(?:点[零〇一二三四五六七八九]+)?"

_UNIT = (
    "(?:"
    rf"(?:km|kilomet(?:re|er)s?|met(?:re|er)s|miles?|kg|kilo(?:gram)?s?|tonnes?|tons?"
    rf"|litres?|liters?|barrels?|hectares?|ha|sq{_S}?km|km2|km²|square{_S}kilomet(?:re|er)s?"
    rf"|cubic{_S}met(?:re|er)s?|mm|cm|[kMGT]Wh?|degrees(?:{_S}(?:Celsius|Fahrenheit))?)(?![{_L}0-9])"
    rf"|°{_S}?[CF](?![{_L}])"
    rf"|(?:км|кг|тонн[{_LO}]*|тонна[{_LO}]*|гектар[{_LO}]*|га|литр[{_LO}]*|баррел[{_LO}]*"
    rf"|кубометр[{_LO}]*|куб\.{_S}?м|кв\.{_S}?км|километр[{_LO}]*|метр[{_LO}]*|МВт|ГВт|кВт(?:[·\-]?ч)?"
    rf"|мегаватт[{_LO}]*|градус[{_LO}]*|шақырым[{_LO}]*)(?![{_L}])"
    "|平方公里|平方米|立方米|公里|千米|千瓦时|千瓦|兆瓦|公顷|公斤|千克|吨|米|桶"
    ")"
)

_NUMBER_WORDS: dict[str, int] = {
    "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
    "twenty": 20,
}  # fmt: skip
# "one" is left out on purpose: it is mostly a pronoun or determiner
# ("one of the", "no one"), and numbers_in must stay precise.
_NUMBER_WORD = (
    rf"(?<![{_L}\-])(?i:{'|'.join(sorted(_NUMBER_WORDS, key=len, reverse=True))})(?![{_L}\-])"
)

_QUAL_BEFORE = (
    "(?:"
    rf"(?i:more{_S}than|fewer{_S}than|less{_S}than|at{_S}least|up{_S}to|as{_S}many{_S}as|close{_S}to"
    rf"|upwards{_S}of|in{_S}excess{_S}of|over|about|around|nearly|almost|approximately|roughly|some"
    rf"|более{_S}чем|не{_S}менее|не{_S}более|более|свыше|около|почти|порядка|примерно"
    rf"|приблизительно|менее|больше|меньше|шамамен|астам)"
    ")"
)
# Kazakh puts the qualifier after the number: "130-дан астам өкіл".
_QUAL_AFTER_KK = rf"(?:-?(?:дан|ден|тан|тен|нан|нен))?{_S}+(?:астам|аса|артық|жуық)(?![{_L}])"
_WORD = rf"[{_LO}][{_LO}\-'’]+(?![{_L}0-9])"

_ZH_QUAL = "(?:将近|大约|超过|多达|至少|逾|约|(?<![最附接靠])近|超)"
_ZH_MEASURE = "(?:[个名家位项座辆架所条只件次份批种套台艘篇部支场户株栋间处起]|人(?!民))"
_ZH_NOUN_CHAR = f"(?:(?![的了在和与及是将已并为对从到由等中于个])[{_HAN}])"

_MONTH_EN = (
    "(?:January|February|March|April|May|June|July|August|September|October|November|December"
    rf"|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)(?![{_L}])\.?"
)
_MONTH_CYR = (
    rf"(?i:(?:январ|феврал|март|апрел|июн|июл|август|сентябр|октябр|ноябр|декабр)[{_LO}]*|ма[йяе]"
    rf"|(?:қаңтар|ақпан|наурыз|сәуір|мамыр|маусым|шілде|тамыз|қыркүйек|қазан|қараша|желтоқсан)[{_LO}]*)"
    rf"(?![{_L}])"
)
_MONTH = f"(?:{_MONTH_EN}|{_MONTH_CYR})"

# Dates and clock times: their digits must never become counts or quantities.
_DATE_TIME_RE = re.compile(
    "(?:"
    r"[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}"
    r"|[0-9]{1,2}[./][0-9]{1,2}[./][0-9]{2,4}"
    rf"|[0-9]{{1,2}}(?:st|nd|rd|th)?{_S}*(?:-{_S}*[0-9]{{1,2}}{_S}*)?(?:of{_S})?{_MONTH}(?:{_S}[0-9]{{4}})?"
    rf"|{_MONTH}{_S}[0-9]{{1,2}}(?:st|nd|rd|th)?(?:,?{_S}[0-9]{{4}})?"
    rf"|{_MONTH}{_S}[0-9]{{4}}"
    rf"|[0-9]{{1,2}}[:.][0-9]{{2}}(?:{_S}?(?i:a\.m\.|p\.m\.|am|pm))?"
    rf"|[0-9]{{1,2}}{_S}?(?i:a\.m\.|p\.m\.|am|pm)(?![{_L}])"
    r"|(?:[0-9]{2,4}年)?[0-9]{1,2}月[0-9]{1,2}[日号]"
    ")"
)
_YEAR_RE = re.compile("(?:19|20)[0-9]{2}")
_YEAR_WORDS = frozenset(
    {"year", "years", "год", "года", "году", "г", "жыл", "жылы", "жылғы", "жылдың"}
)


def _words(spaced: str) -> frozenset[str]:
    """Return the whitespace-separated words of ``spaced`` as a set (keeps long lists readable)."""
    return frozenset(spaced.split())


_STOPWORDS = _words(
    """
    a an the of and or but nor to in on at for by with from as into onto than per via
    is are was were be been being has have had will would shall should can could may might must
    do does did that which who whom whose this these those it its their his her our your my
    we they he she you i me him them us not no also so if when while after before since until
    till during against about over under between among through out up down off then there here
    where each other another such only just all both more less most least said says according
    am pm o'clock percent pct per-cent times
    и в во на с со по из о об от до за к ко у для что как а но не ни это он она они мы вы
    его ее её их был была были будет есть также или же ли бы чем при под над без между
    және мен пен бен да де та те бойынша үшін туралы деп қана ғана
    """
)
# English plural nouns that do not end in -s: "two men said" stops after "men".
_IRREGULAR_PLURALS = _words(
    "men women children people police staff personnel cattle sheep fish deer persons"
)
# Russian adjective/participle endings and Kazakh adjectival suffixes: such a
# first word is followed by the counted noun ("51 совместный проект").
_ADJ_CYR_RE = re.compile(
    "(?:ый|ий|ой|ая|яя|ое|ее|ые|ие|ых|их|ого|его|ому|ему|ым|им|ыми|ими|ую|юю"
    "|ған|ген|қан|кен|атын|етін|йтын|йтін|лы|лі|ды|ді|ты|ті|сыз|сіз|ғы|гі|қы|кі)$"
)

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
def _patterns(space_groups: bool) -> _Patterns:
    """Compile the figure patterns; ``space_groups`` lets ``1 200`` be one number (ru/kk)."""
    num = _num(space_groups)
    nb = f"(?<![{_L}0-9_.,])"  # a number must not continue a word or another number
    money_before = (
        rf"(?<![{_L}0-9_])(?P<cur>{_CUR_SYMBOL}|{_CODES}|人民币){_S}?(?P<num>{num})"
        rf"(?:{_S}?(?P<mult>{_MULT_ANY}))?{_CUR_ZH}?(?![0-9])"
    )
    money_after = rf"{nb}(?P<num>{num})(?:{_S}?(?P<mult>{_MULT_ANY}))?{_S}?(?P<cur>{_CUR_WORD})"
    percent = rf"{nb}(?P<num>{num}){_S}?(?P<pct>{_PERCENT_WORD})"
    percent_zh = rf"百分之(?:(?P<zh>{_ZH_NUMERAL})|(?P<num>{num}))"
    quantity = rf"(?<![{_L}0-9_.,\-])(?P<num>{num})(?:{_S}?(?P<mult>{_MULT_WORDS}|{_MULT_ZH}))?{_S}?(?P<unit>{_UNIT})"  # noqa: E501
    count = (
        rf"(?:(?<![{_L}])(?P<qual>{_QUAL_BEFORE}){_S}+)?"
        rf"(?:(?<![{_L}0-9_.,\-/:#№$€£¥₸₽])(?P<num>{num})|(?P<word>{_NUMBER_WORD}))(?![{_L}0-9])"
        rf"(?:{_S}+(?P<mult>{_MULT_WORDS}))?(?P<kkq>{_QUAL_AFTER_KK})?"
        rf"{_S}+(?P<w1>{_WORD})(?:{_S}+(?P<w2>{_WORD}))?"
    )
    count_zh = (
        rf"(?P<qual>{_ZH_QUAL})?(?<![0-9.,])(?P<num>{num})(?P<mult>{_MULT_ZH})?[多余]?"
        rf"(?P<mw>{_ZH_MEASURE})(?P<noun>{_ZH_NOUN_CHAR}{{0,2}})"
    )
    bare = (
        rf"(?<![0-9])(?P<num>{num})(?:{_S}?(?P<mult>{_MULT_EN}|{_MULT_ABBR}|{_MULT_CYR}|{_MULT_ZH}))?"
        rf"|(?P<word>{_NUMBER_WORD})"
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
# Number parsing
# ---------------------------------------------------------------------------
_THOUSANDS_COMMA_RE = re.compile(r"[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?")
_THOUSANDS_DOT_RE = re.compile(r"[0-9]{1,3}(?:\.[0-9]{3}){2,}(?:,[0-9]+)?")


def _parse_number(raw: str, decimal_comma: bool) -> Decimal | None:
    """Return the value of one digit run, or ``None`` for date/version-like runs ("13.11.2018")."""
    s = re.sub("[ \u00a0\u2009\u202f]", "", raw)
    if "," in s and "." in s:
        # Both separators: the last one is the decimal mark (1,200.5 / 1.200,5).
        dec = "," if s.rfind(",") > s.rfind(".") else "."
        whole, _, frac = s.rpartition(dec)
        groups = whole.split("." if dec == "," else ",")
        if not 1 <= len(groups[0]) <= 3 or any(len(g) != 3 for g in groups[1:]):
            return None
        s = "".join(groups) + "." + frac
    elif "," in s:
        if s.count(",") > 1:
            s = s.replace(",", "") if _THOUSANDS_COMMA_RE.fullmatch(s) else ""
        elif not decimal_comma and _THOUSANDS_COMMA_RE.fullmatch(s):
            s = s.replace(",", "")
        else:
            s = s.replace(",", ".")
    elif s.count(".") > 1:
        s = s.replace(".", "") if _THOUSANDS_DOT_RE.fullmatch(s) else ""
    if not s:
        return None
    try:
        return Decimal(s)
    except InvalidOperation:
        return None


_ZH_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_ZH_UNITS = {"十": 10, "百": 100, "千": 1000, "万": 10_000, "亿": 100_000_000}


def _parse_zh_numeral(raw: str) -> Decimal | None:
    """Return the value of a Chinese numeral such as 五, 二十五, 三点五, ``None`` if malformed."""
    whole, _, frac = raw.partition("点")
    total = section = 0
    digit: int | None = None
    for ch in whole:
        if ch in _ZH_DIGITS:
            digit = _ZH_DIGITS[ch]
        elif ch in _ZH_UNITS:
            unit = _ZH_UNITS[ch]
            if unit >= 10_000:
                total = (total + section + (digit or 0)) * unit
                section = 0
            else:
                # A bare 十 means ten ("十五" = 15).
                section += (1 if digit is None else digit) * unit
            digit = None
        else:
            return None
    total += section + (digit or 0)
    if frac:
        if any(ch not in _ZH_DIGITS for ch in frac):
            return None
        return Decimal(f"{total}.{''.join(str(_ZH_DIGITS[ch]) for ch in frac)}")
    return Decimal(total)


_MULT_EXACT: dict[str, int] = {
    "k": 10**3, "m": 10**6, "mn": 10**6, "mln": 10**6, "b": 10**9, "bn": 10**9,
    "bln": 10**9, "tn": 10**12, "trn": 10**12,
}  # fmt: skip
_MULT_PREFIX: tuple[tuple[str, int], ...] = (
    ("thousand", 10**3), ("million", 10**6), ("billion", 10**9), ("trillion", 10**12),
    ("тыс", 10**3), ("мың", 10**3), ("млн", 10**6), ("млрд", 10**9), ("трлн", 10**12),
    ("миллион", 10**6), ("миллиард", 10**9), ("триллион", 10**12),
)  # fmt: skip


def _multiplier(word: str | None) -> Decimal:
    """Return the factor of a multiplier word (1 when absent)."""
    if not word:
        return Decimal(1)
    w = word.strip().rstrip(".").lower()
    if w and all(ch in _ZH_UNITS for ch in w):
        factor = 1
        for ch in w:
            factor *= _ZH_UNITS[ch]
        return Decimal(factor)
    if w in _MULT_EXACT:
        return Decimal(_MULT_EXACT[w])
    for prefix, factor in _MULT_PREFIX:
        if w.startswith(prefix):
            return Decimal(factor)
    return Decimal(1)


def _scaled(raw: str, mult: str | None, decimal_comma: bool) -> Decimal | None:
    number = _parse_number(raw, decimal_comma)
    return None if number is None else number * _multiplier(mult)


def _cyrillic_text(text: str) -> bool:
    """True when Cyrillic letters outnumber Latin ones (ru/kk number conventions apply)."""
    return len(_CYR_RE.findall(text)) > len(_LAT_RE.findall(text))


def _format(value: Decimal) -> str:
    """Canonical plain-decimal string: 27000000000, 2.5, 1200."""
    value = value.normalize()
    if value == value.to_integral_value():
        return str(int(value))
    return format(value, "f")


# ---------------------------------------------------------------------------
# Figures
# ---------------------------------------------------------------------------
@dataclass(frozen=True)
class _Cand:
    kind: FigureKind
    start: int
    end: int
    value: Decimal | None


def _overlaps(start: int, end: int, ranges: list[tuple[int, int]]) -> bool:
    return any(start < r_end and r_start < end for r_start, r_end in ranges)


def _is_month(word: str) -> bool:
    return re.fullmatch(_MONTH, word) is not None


def _bad_head(word: str) -> bool:
    """True when ``word`` cannot be the counted noun right after a number."""
    w = word.lower()
    return (
        w in _STOPWORDS
        or _is_month(word)
        or re.match(_PERCENT_WORD, word) is not None
        # "27 billion" closing a clause: the multiplier is not a counted noun.
        or re.fullmatch(_MULT_WORDS, word) is not None
    )


def _takes_second(first: str, second: str) -> bool:
    """Whether a count phrase goes on to ``second`` ("51 joint projects") or stops at ``first``."""
    if _bad_head(second) or second.lower().endswith("ly"):
        return False
    w = first.lower()
    if _CYR_RE.search(w):
        return _ADJ_CYR_RE.search(w) is not None
    if w in _IRREGULAR_PLURALS:
        return False
    # An English plural is normally the head noun itself ("130 representatives").
    return not (w.endswith("s") and not w.endswith(("ss", "us", "is")))


def _candidates(text: str) -> list[_Cand]:
    """Every figure the patterns see, overlaps included."""
    norm = text.translate(_FULLWIDTH)
    cyr_text = _cyrillic_text(norm)
    pats = _patterns(cyr_text)
    masked = [m.span() for m in _DATE_TIME_RE.finditer(norm)]
    out: list[_Cand] = []

    def comma(m: re.Match[str]) -> bool:
        return cyr_text or _CYR_RE.search(m.group()) is not None

    for pat in (pats.money_before, pats.money_after):
        for m in pat.finditer(norm):
            out.append(_Cand("money", m.start(), m.end(), _scaled(m["num"], m["mult"], comma(m))))
    for m in pats.percent.finditer(norm):
        out.append(_Cand("percent", m.start(), m.end(), _parse_number(m["num"], comma(m))))
    for m in pats.percent_zh.finditer(norm):
        value = _parse_zh_numeral(m["zh"]) if m["zh"] else _parse_number(m["num"], False)
        out.append(_Cand("percent", m.start(), m.end(), value))
    for m in pats.quantity.finditer(norm):
        if not _overlaps(m.start("num"), m.end("num"), masked):
            out.append(
                _Cand(
                    "quantity",
                    m.start(),
                    m.end(),
                    _scaled(m["num"], m["mult"], comma(m)),
                )
            )
    for m in pats.count.finditer(norm):
        cand = _count_candidate(m, masked, cyr_text)
        if cand is not None:
            out.append(cand)
    for m in pats.count_zh.finditer(norm):
        if _overlaps(m.start("num"), m.end("num"), masked):
            continue
        # 人 and 次 are themselves the counted thing: "300人参加" is "300人".
        end = m.end("mw") if m["mw"] in "人次" else m.end()
        out.append(_Cand("count", m.start(), end, _scaled(m["num"], m["mult"], False)))
    return out


def _count_candidate(
    m: re.Match[str], masked: list[tuple[int, int]], cyr_text: bool
) -> _Cand | None:
    """Turn a raw count match into a candidate, or ``None`` for years, dates and non-nouns."""
    w1 = m["w1"]
    if _bad_head(w1):
        return None
    qualified = bool(m["qual"] or m["kkq"])
    if m["num"] is not None:
        if _overlaps(m.start("num"), m.end("num"), masked):
            return None
        # A bare 19xx/20xx is a year ("in 2018", "2019 the Year of ...")
        # unless a qualifier makes it a quantity ("more than 2000 people").
        is_year = _YEAR_RE.fullmatch(m["num"]) is not None and not m["mult"]
        if is_year and (not qualified or w1.lower() in _YEAR_WORDS):
            return None
        decimal_comma = cyr_text or _CYR_RE.search(m.group()) is not None
        value = _scaled(m["num"], m["mult"], decimal_comma)
    else:
        value = Decimal(_NUMBER_WORDS[m["word"].lower()]) * _multiplier(m["mult"])
    end = m.end("w1")
    if m["w2"] is not None and _takes_second(w1, m["w2"]):
        end = m.end("w2")
    return _Cand("count", m.start(), end, value)


def _resolve(cands: list[_Cand]) -> list[_Cand]:
    """Keep non-overlapping candidates: money > percent > quantity > count, then longest."""
    chosen: list[_Cand] = []
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
        for c in _resolve(_candidates(text))
    ]


# ---------------------------------------------------------------------------
# Number tokens for fact checking
# ---------------------------------------------------------------------------
def numbers_in(text: str) -> list[str]:
    """Return the normalised numbers of ``text`` in order of appearance (duplicates kept).

    Each figure contributes its value with multipliers applied, written as a
    plain decimal: ``$27 billion`` / ``27bn`` / ``27 млрд`` -> ``"27000000000"``,
    ``1,200`` -> ``"1200"``, ``2,5 млн`` -> ``"2500000"``, ``4.1%`` -> ``"4.1"``,
    ``51 joint projects`` -> ``"51"``.  Other digits (years, dates, bare
    numbers) become tokens too, and so do the English number words two..twenty
    (``nine`` -> ``"9"``).  Date-like runs such as ``13.11.2018`` give one token
    per component.  The kind of figure is not part of the token, so ``12%``
    and ``12 people`` both give ``"12"``.
    """
    norm = text.translate(_FULLWIDTH)
    cyr_text = _cyrillic_text(norm)
    tokens: list[tuple[int, str]] = []
    covered: list[tuple[int, int]] = []
    for c in _resolve(_candidates(text)):
        if c.value is not None:
            tokens.append((c.start, _format(c.value)))
            covered.append((c.start, c.end))
    for m in _patterns(cyr_text).bare.finditer(norm):
        if _overlaps(m.start(), m.end(), covered):
            continue
        if m["word"] is not None:
            tokens.append((m.start(), str(_NUMBER_WORDS[m["word"].lower()])))
            continue
        decimal_comma = cyr_text or _CYR_RE.search(m.group()) is not None
        value = _scaled(m["num"], m["mult"], decimal_comma)
        if value is not None:
            tokens.append((m.start(), _format(value)))
        else:
            # "13.11.2018", "1.2.3": keep each component.
            tokens.extend((m.start(), str(int(part))) for part in re.findall("[0-9]+", m["num"]))
    return [tok for _, tok in sorted(tokens, key=lambda t: t[0])]


def numbers_supported(claim: str, source: str) -> bool:
    """Return True when every number of ``claim`` also occurs in ``source``.

    Both texts go through :func:`numbers_in`, so ``27 billion dollars``,
    ``$27bn`` and ``27 млрд долларов`` all match ``$27 billion`` while
    ``$28 billion`` does not.  Matching is strict: a claim saying ``27`` is not
    supported by a source that only says ``$27 billion``.  A claim without
    numbers is trivially supported.
    """
    available = set(numbers_in(source))
    return all(tok in available for tok in numbers_in(claim))


# ---------------------------------------------------------------------------
# Datelines
# ---------------------------------------------------------------------------
_CAPS_WORD = f"[{_UP}][{_UP}'’.\\-]*[{_UP}]"
_PLACE_CAPS = rf"{_CAPS_WORD}(?:\.?[ \-]{_CAPS_WORD}){{0,3}}"
_PLACE_TITLE = f"[{_UP}][{_LO}]+(?:-[{_UP}]?[{_LO}]+)*"
_DL_SEP = rf"(?P<sep>{_S}*(?:--|—|–|-|:|\.))"
_SEP_AHEAD = rf"(?={_S}*(?:--|—|–|-|:|\.)(?:\s|$))"
_AGENCY_CAPS = f"[{_UP}][{_UP}0-9&'’\\-]+"
# One all-caps word; a second one or a mixed-case name only before a separator,
# otherwise "KAZINFORM UN chief ..." would swallow the body's first word.
_AGENCY = rf"(?:{_AGENCY_CAPS}(?:{_S}{_AGENCY_CAPS}{_SEP_AHEAD})?|[{_UP}][{_L}\-]+{_SEP_AHEAD})"
_DL_DATE = (
    "(?:"
    r"[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}"
    r"|[0-9]{1,2}\.[0-9]{1,2}\.[0-9]{4}"
    rf"|[0-9]{{1,2}}{_S}{_MONTH}(?:{_S}[0-9]{{4}}(?:{_S}?(?:г\.|года))?)?"
    rf"|{_MONTH_EN}{_S}[0-9]{{1,2}}(?:,?{_S}[0-9]{{4}})?"
    ")"
)
_END = r"(?=\s|$)"
_REGION = rf"(?!{_MONTH_EN}\W)[{_UP}][{_L}]+(?:{_S}[{_UP}][{_L}]+)?"

# date 2018-11-13 ASTANA. KAZINFORM
_DL_DATE_FIRST = re.compile(
    rf"(?:[{_L}]{{2,12}}:?{_S}+)?(?P<date>{_DL_DATE})[.,]?{_S}+(?P<place>{_PLACE_CAPS})"
    rf"(?:{_S}*[.,]{_S}*|{_S}+)/?(?P<agency>{_AGENCY})/?{_DL_SEP}?{_END}"
)
# WASHINGTON (Reuters) -  /  LONDON, England (CNN) --  /  MOSCOW, Nov 13 (Reuters) -
_DL_PAREN = re.compile(
    rf"(?P<place>{_PLACE_CAPS}|{_PLACE_TITLE})(?:,{_S}*(?P<region>{_REGION}))?(?:,{_S}*(?P<date>{_DL_DATE}))?"
    rf"{_S}*[(（](?P<agency>[{_L}][^()（）\n]{{0,39}})[)）]{_DL_SEP}?{_END}"
)
# ASTANA, 13 November. KAZINFORM -  /  АСТАНА. КАЗИНФОРМ -  /  Астана, 13 ноября. ТАСС.
_DL_DOT = re.compile(
    rf"(?P<place>{_PLACE_CAPS}|{_PLACE_TITLE})(?:,{_S}*(?P<date>{_DL_DATE}))?{_S}*[.,]{_S}*"
    rf"/?(?P<agency>{_AGENCY})/?{_DL_SEP}?{_END}"
)
# WASHINGTON —
_DL_DASH = re.compile(
    rf"(?P<place>{_PLACE_CAPS})(?:,{_S}*(?P<date>{_DL_DATE}))?(?P<sep>{_S}*(?:--|—|–|-)){_END}"
)
# 新华社北京11月13日电（记者 张三）
_DL_ZH = re.compile(
    f"(?P<agency>[{_HAN}]{{1,6}}?(?:通讯社|社|网|报|电视台|台))(?P<place>[{_HAN}]{{2,8}}?)"
    f"(?P<date>(?:[0-9]{{4}}年)?[0-9]{{1,2}}月[0-9]{{1,2}}日)电(?:{_S}*[（(][^）)\n]{{0,30}}[）)])?"
)

_MONTH_NUMBERS: tuple[tuple[str, int], ...] = (
    ("jan", 1), ("feb", 2), ("mar", 3), ("apr", 4), ("may", 5), ("jun", 6), ("jul", 7),
    ("aug", 8), ("sep", 9), ("oct", 10), ("nov", 11), ("dec", 12),
    ("январ", 1), ("феврал", 2), ("март", 3), ("апрел", 4), ("ма", 5), ("июн", 6),
    ("июл", 7), ("август", 8), ("сентябр", 9), ("октябр", 10), ("ноябр", 11), ("декабр", 12),
    ("қаңтар", 1), ("ақпан", 2), ("наурыз", 3), ("сәуір", 4), ("мамыр", 5), ("маусым", 6),
    ("шілде", 7), ("тамыз", 8), ("қыркүйек", 9), ("қазан", 10), ("қараша", 11), ("желтоқсан", 12),
)  # fmt: skip


def _month_number(word: str) -> int | None:
    w = word.lower().rstrip(".")
    return next((n for prefix, n in _MONTH_NUMBERS if w.startswith(prefix)), None)


def _iso(year: str, month: int | None, day: str) -> str | None:
    if month is None:
        return None
    try:
        return _dt.date(int(year), month, int(day)).isoformat()
    except ValueError:
        return None


def _normalise_date(raw: str) -> str:
    """ISO ``yyyy-mm-dd`` when ``raw`` names day, month and year; otherwise ``raw`` itself."""
    iso: str | None = None
    if m := re.fullmatch("([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})", raw):
        iso = _iso(m[1], int(m[2]), m[3])
    elif m := re.fullmatch(r"([0-9]{1,2})\.([0-9]{1,2})\.([0-9]{4})", raw):
        iso = _iso(m[3], int(m[2]), m[1])
    elif m := re.fullmatch("(?:([0-9]{4})年)?([0-9]{1,2})月([0-9]{1,2})日", raw):
        iso = _iso(m[1], int(m[2]), m[3]) if m[1] else None
    elif m := re.fullmatch(rf"([0-9]{{1,2}}){_S}(\S+){_S}([0-9]{{4}}).*", raw):
        iso = _iso(m[3], _month_number(m[2]), m[1])
    elif m := re.fullmatch(rf"(\S+){_S}([0-9]{{1,2}}),?{_S}([0-9]{{4}})", raw):
        iso = _iso(m[3], _month_number(m[1]), m[2])
    return iso or raw


def find_dateline(text: str) -> Dateline | None:
    """Return the dateline opening ``text`` (leading whitespace ignored), or ``None``.

    Recognised shapes: ``date 2018-11-13 ASTANA. KAZINFORM``,
    ``WASHINGTON (Reuters) -``, ``LONDON, England (CNN) --``,
    ``MOSCOW, Nov 13 (Reuters) -``, ``ASTANA, 13 November. KAZINFORM -``,
    ``АСТАНА. КАЗИНФОРМ -``, ``Астана, 13 ноября. ТАСС.``, ``WASHINGTON —`` and
    ``新华社北京11月13日电``.  A place written in title case (``Астана``) is only
    accepted together with a date or a bracketed agency plus separator, so an
    ordinary first sentence never reads as a dateline.
    """
    start = len(text) - len(text.lstrip())
    for pattern in (_DL_DATE_FIRST, _DL_ZH, _DL_PAREN, _DL_DOT, _DL_DASH):
        m = pattern.match(text, start)
        if m is None:
            continue
        groups = m.groupdict()
        place_title = re.fullmatch(_PLACE_TITLE, m["place"]) is not None
        if pattern is _DL_PAREN and place_title and groups.get("sep") is None:
            continue
        if pattern is _DL_DOT and place_title and groups.get("date") is None:
            continue
        place_end = m.end("region") if groups.get("region") else m.end("place")
        date = groups.get("date")
        return Dateline(
            span=Span(start, m.end(), text[start : m.end()]),
            date=_normalise_date(date) if date else None,
            place=text[m.start("place") : place_end],
            agency=(groups.get("agency") or "").strip() or None,
        )
    return None
