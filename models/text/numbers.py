"""Reading numbers: digit runs with separators, Chinese numerals and multiplier words.

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
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from models.text.lexicon import CYR_RE, LAT_RE, MULT_EXACT, MULT_PREFIX, ZH_DIGITS, ZH_UNITS


def number_pattern(space_groups: bool) -> str:
    """Regex for one run of digits with separators (possessive: no partial runs)."""
    sep = "[ \u00a0\u2009\u202f]" if space_groups else "[\u00a0\u2009\u202f]"
    return rf"(?:[0-9]{{1,3}}(?:{sep}[0-9]{{3}})++(?![0-9])|[0-9]++)(?:[.,][0-9]++)*+"


# ---------------------------------------------------------------------------
# Number parsing
# ---------------------------------------------------------------------------
_THOUSANDS_COMMA_RE = re.compile(r"[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?")
_THOUSANDS_DOT_RE = re.compile(r"[0-9]{1,3}(?:\.[0-9]{3}){2,}(?:,[0-9]+)?")


def parse_number(raw: str, decimal_comma: bool) -> Decimal | None:
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


def parse_zh_numeral(raw: str) -> Decimal | None:
    """Return the value of a Chinese numeral such as 五, 二十五, 三点五, ``None`` if malformed."""
    whole, _, frac = raw.partition("点")
    total = section = 0
    digit: int | None = None
    for ch in whole:
        if ch in ZH_DIGITS:
            digit = ZH_DIGITS[ch]
        elif ch in ZH_UNITS:
            unit = ZH_UNITS[ch]
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
        if any(ch not in ZH_DIGITS for ch in frac):
            return None
        return Decimal(f"{total}.{''.join(str(ZH_DIGITS[ch]) for ch in frac)}")
    return Decimal(total)


def multiplier(word: str | None) -> Decimal:
    """Return the factor of a multiplier word (1 when absent)."""
    if not word:
        return Decimal(1)
    w = word.strip().rstrip(".").lower()
    if w and all(ch in ZH_UNITS for ch in w):
        factor = 1
        for ch in w:
            factor *= ZH_UNITS[ch]
        return Decimal(factor)
    if w in MULT_EXACT:
        return Decimal(MULT_EXACT[w])
    for prefix, factor in MULT_PREFIX:
        if w.startswith(prefix):
            return Decimal(factor)
    return Decimal(1)


def scaled(raw: str, mult: str | None, decimal_comma: bool) -> Decimal | None:
    number = parse_number(raw, decimal_comma)
    return None if number is None else number * multiplier(mult)


def cyrillic_text(text: str) -> bool:
    """True when Cyrillic letters outnumber Latin ones (ru/kk number conventions apply)."""
    return len(CYR_RE.findall(text)) > len(LAT_RE.findall(text))


def format_number(value: Decimal) -> str:
    """Canonical plain-decimal string: 27000000000, 2.5, 1200."""
    value = value.normalize()
    if value == value.to_integral_value():
        return str(int(value))
    return format(value, "f")
