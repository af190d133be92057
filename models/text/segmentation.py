"""Sentence segmentation with character offsets, and packing text under a token budget.

Sentence boundaries come from maintained segmenters rather than a hand-written regex:
``razdel`` (natasha project) for Cyrillic text (Russian and Kazakh: it knows "г.", "т.е.",
"т.б." and initials, where sentencex split them), ``sentencex`` (Wikimedia) for English and
Chinese. Segmenters return strings, so offsets are recovered by locating each sentence in the
source in order.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field

import razdel
import sentencex

from models.spans import Span

_LINE_BREAK = re.compile(r"[ \t\f\v]*(?:\r\n|\r|\n)\s*")
# Clause boundaries used only when a single sentence exceeds the model's input budget.
_CLAUSE = re.compile(r"(?<=[,;:\u3001\uff0c\uff1b\uff1a\u2014])")
_WORD = re.compile(r"\S+\s*")

CountTokens = Callable[[str], int]


def split_sentences(text: str, lang: str) -> list[Span]:
    """Split ``text`` into sentences; return spans without surrounding whitespace.

    Line breaks always end a sentence (headlines and list items carry no full stop).
    Every non-whitespace character of ``text`` belongs to exactly one returned span.
    """
    spans: list[Span] = []
    for line in _lines(text):
        spans.extend(_sentences_in(text, line, lang))
    return spans


def _lines(text: str) -> list[Span]:
    """Non-empty lines of ``text`` (stripped), as spans."""
    spans: list[Span] = []
    start = 0
    for match in _LINE_BREAK.finditer(text):
        spans.extend(_strip(text, start, match.start()))
        start = match.end()
    spans.extend(_strip(text, start, len(text)))
    return spans


def _strip(text: str, start: int, end: int) -> list[Span]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return [Span(start, end, text[start:end])] if end > start else []


def _sentences_in(text: str, line: Span, lang: str) -> list[Span]:
    spans: list[Span] = []
    cursor = line.start
    for piece in _segment(lang, line.text):
        stripped = piece.strip()
        if not stripped:
            continue
        found = text.find(stripped, cursor, line.end)
        if found < 0:
            # sentencex normalised something; keep the rest of the line as one sentence
            # rather than lose it.
            break
        if found > cursor and text[cursor:found].strip():
            spans.extend(_strip(text, cursor, found))
        spans.append(Span(found, found + len(stripped), stripped))
        cursor = found + len(stripped)
    if text[cursor : line.end].strip():
        spans.extend(_strip(text, cursor, line.end))
    return spans


def _segment(lang: str, text: str) -> list[str]:
    if lang in ("ru", "kk"):
        return [s.text for s in razdel.sentenize(text)]
    return list(sentencex.segment(lang, text))


@dataclass(frozen=True)
class Block:
    """One line of the source: the separator before it and its segments to translate."""

    lead: str
    segments: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Document:
    """A text cut into translatable segments, with everything needed to put it back."""

    blocks: list[Block]
    tail: str

    @property
    def segments(self) -> list[str]:
        """All segments in reading order."""
        return [segment for block in self.blocks for segment in block.segments]


def plan(
    text: str, lang: str, *, count_tokens: CountTokens, max_tokens: int, pack: bool = True
) -> Document:
    """Cut ``text`` into segments of at most ``max_tokens`` tokens each.

    Line breaks and blank lines are kept as separators; consecutive sentences of a line are
    packed together while they fit (with ``pack``; without, each sentence is a segment); a
    sentence longer than the budget is cut at clause boundaries, then between words, then
    between characters. Nothing is dropped: the
    segments, with the separators, contain every non-whitespace character of ``text``.
    """
    if max_tokens < 1:
        raise ValueError("max_tokens must be positive")
    blocks: list[Block] = []
    cursor = 0
    for line in _lines(text):
        sentences = _sentences_in(text, line, lang)
        pieces: list[str] = []
        for sentence in sentences:
            pieces.extend(_fit(sentence.text, count_tokens, max_tokens))
        packed = (
            _pack(pieces, count_tokens, max_tokens, joiner=sentence_joiner(lang))
            if pack
            else pieces
        )
        blocks.append(Block(text[cursor : line.start], packed))
        cursor = line.end
    return Document(blocks, text[cursor:])


def render(document: Document, translations: Sequence[str], *, joiner: str = " ") -> str:
    """Reassemble translated segments (aligned with ``document.segments``) into one text."""
    expected = len(document.segments)
    if len(translations) != expected:
        raise ValueError(f"expected {expected} translations, got {len(translations)}")
    parts: list[str] = []
    it: Iterator[str] = iter(translations)
    for block in document.blocks:
        parts.append(block.lead)
        parts.append(joiner.join(next(it).strip() for _ in block.segments))
    parts.append(document.tail)
    return "".join(parts)


def sentence_joiner(lang: str) -> str:
    """What goes between two sentences written in ``lang`` (Chinese uses no space)."""
    return "" if lang == "zh" else " "


def _pack(
    pieces: list[str], count_tokens: CountTokens, max_tokens: int, *, joiner: str
) -> list[str]:
    packed: list[str] = []
    current: list[str] = []
    for piece in pieces:
        if current and count_tokens(joiner.join([*current, piece])) > max_tokens:
            packed.append(joiner.join(current))
            current = [piece]
        else:
            current.append(piece)
    if current:
        packed.append(joiner.join(current))
    return packed


def _fit(sentence: str, count_tokens: CountTokens, max_tokens: int) -> list[str]:
    """Cut one sentence into pieces that each fit the budget (coarsest cut first)."""
    if count_tokens(sentence) <= max_tokens:
        return [sentence]
    for splitter in (_split_clauses, _split_words, list):
        units = [u for u in splitter(sentence) if u.strip()]
        if len(units) > 1:
            return _regroup(units, count_tokens, max_tokens)
    return [sentence]


def _split_clauses(sentence: str) -> list[str]:
    return _CLAUSE.split(sentence)


def _split_words(sentence: str) -> list[str]:
    return _WORD.findall(sentence)


def _regroup(units: list[str], count_tokens: CountTokens, max_tokens: int) -> list[str]:
    """Greedily join units back while they fit; units that alone exceed the budget recurse."""
    pieces: list[str] = []
    current = ""
    for unit in units:
        candidate = current + unit if current else unit
        if count_tokens(candidate.strip()) <= max_tokens:
            current = candidate
            continue
        if current.strip():
            pieces.append(current.strip())
        if count_tokens(unit.strip()) > max_tokens:
            pieces.extend(_fit(unit.strip(), count_tokens, max_tokens))
            current = ""
        else:
            current = unit
    if current.strip():
        pieces.append(current.strip())
    return pieces
