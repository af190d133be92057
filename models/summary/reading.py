"""Reading a source through Kazakh Latin -> Cyrillic transliteration, and back.

The summary pipeline (segmentation, figures, datelines, the engines) works on Cyrillic
Kazakh. A Latin Kazakh article is read as its Cyrillic transliteration (``read_source``), and
the finished summary is mapped back (``remap_summary``): every span (evidence, figures,
dateline) becomes half-open offsets into the *submitted* text with ``text ==
submitted[start:end]``; a key point that quotes its evidence quotes the submitted sentence,
and written text (headline, summary, other key points, actor, target) is put in Latin
letters (the 2021 alphabet).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from models.spans import Span
from models.summary.types import KeyPoint, StructuredSummary
from models.text.datelines import Dateline
from models.text.kazakh_latin import Reading, to_cyrillic, to_latin


@dataclass(frozen=True)
class Source:
    """The text the pipeline reads, and the transliteration it came from (if any)."""

    text: str
    reading: Reading | None = None

    def read(self, value: str | None) -> str | None:
        """Another text of the same source (its title) as the pipeline reads it."""
        if value is None or self.reading is None:
            return value
        return to_cyrillic(value, self.reading.variant).cyrillic


def read_source(text: str, *, latin_kazakh: bool) -> Source:
    """``text`` as the pipeline reads it: its Cyrillic form when it is Latin Kazakh."""
    if not latin_kazakh:
        return Source(text)
    reading = to_cyrillic(text)
    return Source(reading.cyrillic, reading)


def remap_span(span: Span, reading: Reading) -> Span:
    """``span`` of the Cyrillic reading as a span of the submitted text."""
    start, end = reading.to_source(span.start, span.end)
    return Span(start, end, reading.source[start:end])


def remap_summary(summary: StructuredSummary, source: Source) -> StructuredSummary:
    """``summary`` of ``source.text`` with its spans and texts in the submitted text's terms
    (unchanged when the source was not transliterated)."""
    reading = source.reading
    if reading is None:
        return summary
    dateline = summary.dateline
    if dateline is not None:
        dateline = Dateline(
            span=remap_span(dateline.span, reading),
            date=dateline.date,
            place=_latin(dateline.place),
            agency=_latin(dateline.agency),
        )
    return replace(
        summary,
        headline=to_latin(summary.headline),
        summary=to_latin(summary.summary),
        key_points=tuple(_remap_point(p, reading) for p in summary.key_points),
        figures=tuple(replace(f, span=remap_span(f.span, reading)) for f in summary.figures),
        dateline=dateline,
    )


def _remap_point(point: KeyPoint, reading: Reading) -> KeyPoint:
    evidence = tuple(remap_span(s, reading) for s in point.evidence)
    quoted = [new.text for old, new in zip(point.evidence, evidence, strict=True)]
    quotes = [old.text for old in point.evidence]
    text = quoted[quotes.index(point.text)] if point.text in quotes else to_latin(point.text)
    return replace(
        point,
        text=text,
        actor=_latin(point.actor),
        target=_latin(point.target),
        evidence=evidence,
    )


def _latin(value: str | None) -> str | None:
    return None if value is None else to_latin(value)
