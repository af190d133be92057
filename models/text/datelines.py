"""News datelines at the start of an article (``ASTANA, 13 November. KAZINFORM -``)."""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass

from models.spans import Span
from models.text.lexicon import HAN, LO, MONTH, MONTH_EN, MONTH_NUMBERS, UP, L, S


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
# Datelines
# ---------------------------------------------------------------------------
_CAPS_WORD = f"[{UP}][{UP}'’.\\-]*[{UP}]"
_PLACE_CAPS = rf"{_CAPS_WORD}(?:\.?[ \-]{_CAPS_WORD}){{0,3}}"
_PLACE_TITLE = f"[{UP}][{LO}]+(?:-[{UP}]?[{LO}]+)*"
_DL_SEP = rf"(?P<sep>{S}*(?:--|—|–|-|:|\.))"
_SEP_AHEAD = rf"(?={S}*(?:--|—|–|-|:|\.)(?:\s|$))"
_AGENCY_CAPS = f"[{UP}][{UP}0-9&'’\\-]+"
# One all-caps word; a second one or a mixed-case name only before a separator,
# otherwise "KAZINFORM UN chief ..." would swallow the body's first word.
_AGENCY = rf"(?:{_AGENCY_CAPS}(?:{S}{_AGENCY_CAPS}{_SEP_AHEAD})?|[{UP}][{L}\-]+{_SEP_AHEAD})"
_DL_DATE = (
    "(?:"
    r"[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}"
    r"|[0-9]{1,2}\.[0-9]{1,2}\.[0-9]{4}"
    rf"|[0-9]{{1,2}}{S}{MONTH}(?:{S}[0-9]{{4}}(?:{S}?(?:г\.|года))?)?"
    rf"|{MONTH_EN}{S}[0-9]{{1,2}}(?:,?{S}[0-9]{{4}})?"
    ")"
)
_END = r"(?=\s|$)"
_REGION = rf"(?!{MONTH_EN}\W)[{UP}][{L}]+(?:{S}[{UP}][{L}]+)?"

# date 2018-11-13 ASTANA. KAZINFORM
_DL_DATE_FIRST = re.compile(
    rf"(?:[{L}]{{2,12}}:?{S}+)?(?P<date>{_DL_DATE})[.,]?{S}+(?P<place>{_PLACE_CAPS})"
    rf"(?:{S}*[.,]{S}*|{S}+)/?(?P<agency>{_AGENCY})/?{_DL_SEP}?{_END}"
)
# WASHINGTON (Reuters) -  /  LONDON, England (CNN) --  /  MOSCOW, Nov 13 (Reuters) -
_DL_PAREN = re.compile(
    rf"(?P<place>{_PLACE_CAPS}|{_PLACE_TITLE})(?:,{S}*(?P<region>{_REGION}))?(?:,{S}*(?P<date>{_DL_DATE}))?"
    rf"{S}*[(（](?P<agency>[{L}][^()（）\n]{{0,39}})[)）]{_DL_SEP}?{_END}"
)
# ASTANA, 13 November. KAZINFORM -  /  АСТАНА. КАЗИНФОРМ -  /  Астана, 13 ноября. ТАСС.
_DL_DOT = re.compile(
    rf"(?P<place>{_PLACE_CAPS}|{_PLACE_TITLE})(?:,{S}*(?P<date>{_DL_DATE}))?{S}*[.,]{S}*"
    rf"/?(?P<agency>{_AGENCY})/?{_DL_SEP}?{_END}"
)
# WASHINGTON —
_DL_DASH = re.compile(
    rf"(?P<place>{_PLACE_CAPS})(?:,{S}*(?P<date>{_DL_DATE}))?(?P<sep>{S}*(?:--|—|–|-)){_END}"
)
# 新华社北京11月13日电（记者 张三）
_DL_ZH = re.compile(
    f"(?P<agency>[{HAN}]{{1,6}}?(?:通讯社|社|网|报|电视台|台))(?P<place>[{HAN}]{{2,8}}?)"
    f"(?P<date>(?:[0-9]{{4}}年)?[0-9]{{1,2}}月[0-9]{{1,2}}日)电(?:{S}*[（(][^）)\n]{{0,30}}[）)])?"
)


def _month_number(word: str) -> int | None:
    w = word.lower().rstrip(".")
    return next((n for prefix, n in MONTH_NUMBERS if w.startswith(prefix)), None)


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
    elif m := re.fullmatch(rf"([0-9]{{1,2}}){S}(\S+){S}([0-9]{{4}}).*", raw):
        iso = _iso(m[3], _month_number(m[2]), m[1])
    elif m := re.fullmatch(rf"(\S+){S}([0-9]{{1,2}}),?{S}([0-9]{{4}})", raw):
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
