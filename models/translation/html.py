"""HTML in, HTML out: translate the text of an HTML document and keep everything else.

The tokenizer is Python's ``html.parser``: it is the one maintained parser that reports where
each token starts, so every tag, attribute, comment, entity and run of whitespace that is not
translated goes back byte for byte (lxml and selectolax build a tree and re-serialise it,
which re-quotes attributes, decodes entities and adds ``<html><body>`` wrappers).

A *block* is a run of text and inline tags (``<a>``, ``<b>``, ``<em>``, ``<br>`` ...) between
block-level tags. Each block is translated as one text in which its inline tags are short
markers (``<g1>words</g1>``, ``<g2/>``), so a link stays on the words it wraps as far as the
model keeps the markers; the markers are then replaced by the original tags. What the model
produced is sanitised with nh3, allowing only the tags and attributes the source block had,
so the model cannot add markup and a marker it lost cannot leave the HTML unbalanced.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from html.parser import HTMLParser

import nh3

from models.langdetect import Detection
from models.languages import LangCode, parse_lang
from models.translation.glossary import Glossary, GlossaryMiss
from models.translation.markers import MARKER as _MARKER
from models.translation.quality import Quality
from models.translation.service import TranslationService
from models.translation.types import TranslationResult

INLINE = frozenset(
    "a abbr b bdi bdo big cite code data del dfn em font i ins kbd mark q s samp small span "
    "strike strong sub sup time tt u var br img wbr".split()
)
VOID = frozenset({"br", "img", "wbr"})
# Their content is not text to translate.
SKIP = frozenset({"script", "style", "noscript", "template", "textarea", "pre", "svg", "math"})
_ASCII_SPACE = " \t\n\r\f"


@dataclass(frozen=True)
class _Token:
    """A token's kind (text, start, end, void, other), tag name and exact source text."""

    kind: str
    raw: str
    tag: str = ""
    attrs: tuple[str, ...] = ()


class _Tokenizer(HTMLParser):
    """Records each token's source slice (``getpos`` is the token's start when called)."""

    def __init__(self, source: str) -> None:
        super().__init__(convert_charrefs=False)
        self.source = source
        self.line_starts = [0] + [m.end() for m in re.finditer("\n", source)]
        self.events: list[tuple[int, str, str, tuple[str, ...]]] = []

    def _add(self, kind: str, tag: str = "", attrs: tuple[str, ...] = ()) -> None:
        line, col = self.getpos()
        self.events.append((self.line_starts[line - 1] + col, kind, tag, attrs))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._add("void" if tag in VOID else "start", tag, tuple(name for name, _ in attrs))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._add("void", tag, tuple(name for name, _ in attrs))

    def handle_endtag(self, tag: str) -> None:
        self._add("end", tag)

    def handle_data(self, data: str) -> None:
        del data  # the source slice is taken from the positions
        self._add("text")

    def handle_entityref(self, name: str) -> None:
        del name
        self._add("entity")

    def handle_charref(self, name: str) -> None:
        del name
        self._add("entity")

    def handle_comment(self, data: str) -> None:
        del data
        self._add("other")

    def handle_decl(self, decl: str) -> None:
        del decl
        self._add("other")

    def handle_pi(self, data: str) -> None:
        del data
        self._add("other")

    def unknown_decl(self, data: str) -> None:
        del data
        self._add("other")

    def tokens(self) -> list[_Token]:
        self.feed(self.source)
        self.close()
        ends = [start for start, *_ in self.events[1:]] + [len(self.source)]
        out = [
            _Token(kind, self.source[start:end], tag, attrs)
            for (start, kind, tag, attrs), end in zip(self.events, ends, strict=True)
        ]
        covered = self.events[0][0] if self.events else len(self.source)
        return [_Token("text", self.source[:covered]), *out] if covered else out


@dataclass
class Block:
    """Text and inline tags between two block-level tags, as the model sees it."""

    tokens: list[_Token] = field(default_factory=list)
    # Marker number -> (start tag, end tag); a void or unpaired tag has no end tag.
    tags: dict[int, tuple[_Token, _Token | None]] = field(default_factory=dict)
    marked: str = ""
    lead: str = ""
    trail: str = ""
    # Characters the source wrote as entities (U+00A0 as &nbsp;): written so again.
    entities: dict[str, str] = field(default_factory=dict)

    def text(self) -> str:
        """The block's text without markers (for language detection and checks)."""
        return _MARKER.sub("", self.marked)


@dataclass
class HtmlDocument:
    """A parsed document: raw pieces kept as they are, and the blocks to translate."""

    parts: list[str | Block]

    @classmethod
    def parse(cls, source: str) -> HtmlDocument:
        """Split ``source`` into raw pieces and translatable blocks (never raises)."""
        parts: list[str | Block] = []
        block: list[_Token] = []
        skipping: list[str] = []

        def flush() -> None:
            if block:
                built = _build(block)
                parts.append(built if built.marked else "".join(t.raw for t in block))
                block.clear()

        for token in _Tokenizer(source).tokens():
            if skipping:
                parts.append(token.raw)
                if token.kind == "end" and token.tag == skipping[-1]:
                    skipping.pop()
                elif token.kind == "start" and token.tag == skipping[-1]:
                    skipping.append(token.tag)
                continue
            if token.kind in ("text", "entity") or token.tag in INLINE:
                block.append(token)
                continue
            flush()
            parts.append(token.raw)
            if token.kind == "start" and token.tag in SKIP:
                skipping.append(token.tag)
        flush()
        return cls(parts)

    @property
    def blocks(self) -> list[Block]:
        """The blocks to translate, in document order."""
        return [p for p in self.parts if isinstance(p, Block)]

    def render(self, translations: Sequence[str]) -> tuple[str, list[str]]:
        """The document with each block replaced by its translation (same order as
        ``blocks``); returns the HTML and notes on inline tags the model lost."""
        out: list[str] = []
        notes: list[str] = []
        it = iter(translations)
        for part in self.parts:
            if isinstance(part, str):
                out.append(part)
                continue
            fragment, lost = restore_block(part, next(it))
            out.append(part.lead + fragment + part.trail)
            notes += [f"inline tag <{tag}> could not be placed; its words are kept" for tag in lost]
        return "".join(out), notes

    def plain_text(self) -> str:
        """The text of every block, one per line."""
        return "\n".join(b.text() for b in self.blocks)


def _build(tokens: list[_Token]) -> Block:
    block = Block(list(tokens))
    pieces: list[str] = []
    open_tags: list[tuple[int, _Token]] = []
    for token in tokens:
        if token.kind == "text":
            pieces.append(token.raw)
        elif token.kind == "entity":
            char = html.unescape(token.raw)
            if char != token.raw and not char.isascii():
                block.entities[char] = token.raw
            pieces.append(char)
        elif token.kind == "start":
            n = len(block.tags) + 1
            block.tags[n] = (token, None)
            open_tags.append((n, token))
            pieces.append(f"<g{n}>")
        elif token.kind == "end":
            match = next((n for n, t in reversed(open_tags) if t.tag == token.tag), None)
            if match is None:
                n = len(block.tags) + 1
                block.tags[n] = (token, None)
                pieces.append(f"<g{n}/>")
                continue
            while open_tags and open_tags[-1][0] != match:
                open_tags.pop()
            open_tags.pop()
            block.tags[match] = (block.tags[match][0], token)
            pieces.append(f"</g{match}>")
        else:
            n = len(block.tags) + 1
            block.tags[n] = (token, None)
            pieces.append(f"<g{n}/>")
    # An element left open at the block's end: its start marker stands alone.
    for n, token in open_tags:
        pieces = [f"<g{n}/>" if p == f"<g{n}>" else p for p in pieces]
        block.tags[n] = (token, None)
    text = "".join(pieces)
    stripped = text.strip(_ASCII_SPACE)
    if not _MARKER.sub("", stripped).strip():
        return Block(list(tokens))  # nothing to translate: kept raw by the caller
    block.lead = text[: len(text) - len(text.lstrip(_ASCII_SPACE))]
    block.trail = text[len(text.rstrip(_ASCII_SPACE)) :]
    block.marked = stripped
    return block


def restore_block(block: Block, translation: str) -> tuple[str, list[str]]:
    """The block's translation with its markers replaced by the source's tags, sanitised;
    returns the fragment and the names of inline tags whose markers the model dropped."""
    out: list[str] = []
    used_start: set[int] = set()
    used_end: set[int] = set()
    pos = 0
    for m in _MARKER.finditer(translation):
        out.append(_escape(translation[pos : m.start()], block.entities))
        pos = m.end()
        n = int(m.group(2))
        if n not in block.tags:
            continue
        start, end = block.tags[n]
        if m.group(1) and end is not None and n in used_start and n not in used_end:
            used_end.add(n)
            out.append(end.raw)
        elif not m.group(1) and n not in used_start:
            used_start.add(n)
            out.append(start.raw)
    out.append(_escape(translation[pos:], block.entities))
    for n in sorted(used_start - used_end, reverse=True):
        end = block.tags[n][1]
        if end is not None:
            out.append(end.raw)
    lost = [start.tag for n, (start, _) in block.tags.items() if n not in used_start]
    return _sanitise("".join(out), block), lost


def _escape(text: str, entities: dict[str, str]) -> str:
    escaped = html.escape(text, quote=False)
    for char, raw in entities.items():
        escaped = escaped.replace(char, raw)
    return escaped


def _sanitise(fragment: str, block: Block) -> str:
    """nh3 with exactly the source block's tags and attributes allowed."""
    tags = {start.tag for start, _ in block.tags.values() if start.kind != "end"}
    attributes = {start.tag: set(start.attrs) for start, _ in block.tags.values() if start.attrs}
    clean = nh3.clean(fragment, tags=tags, attributes=attributes, link_rel=None)
    # nh3 writes U+00A0 as &nbsp;; keep the source's other entity spellings too.
    for char, raw in block.entities.items():
        clean = clean.replace(char, raw)
    return clean


def translate_html(
    service: TranslationService,
    documents: Sequence[str],
    *,
    target_lang: LangCode,
    source_lang: str = "auto",
    glossary: Glossary | None = None,
) -> TranslationResult:
    """Translate each HTML document's text into ``target_lang``, keeping its markup.

    The source language is detected once per document on all of its text. Raises what
    ``TranslationService.translate`` raises.
    """
    parsed = [HtmlDocument.parse(doc) for doc in documents]
    outputs: list[str] = []
    detections: list[Detection] = []
    models: list[str] = []
    notes: list[str] = []
    warnings: list[str] = []
    misses: list[GlossaryMiss] = []
    incomplete: list[int] = []
    quality: list[Quality] = []
    segments = 0
    for i, doc in enumerate(parsed):
        label = f"text[{i}]" if len(parsed) > 1 else "text"
        texts = [b.marked for b in doc.blocks]
        plain = doc.plain_text()
        if not texts:
            # Nothing but markup: returned as it is, in the language it was said to be in.
            given = parse_lang(source_lang) or target_lang
            detections.append(Detection(given, 1.0 if source_lang != "auto" else 0.0))
            outputs.append(documents[i])
            quality.append(Quality(True, ()))
            notes.append(f"{label} has no text to translate; returned unchanged")
            continue
        detection = service.detect([plain], source_lang)[0]
        detections.append(detection)
        result = service.translate(
            texts, target_lang=target_lang, source_lang=detection.lang, glossary=glossary
        )
        rendered, lost = doc.render(result.translations)
        outputs.append(rendered)
        models += [m for m in result.models if m not in models]
        notes += [f"{label}: {n}" for n in lost]
        notes += [f"{label}: {n}" for n in result.notes]
        warnings += [w for w in result.advisories if w not in warnings]
        misses += [GlossaryMiss(i, m.segment, m.term) for m in result.glossary_misses]
        if result.incomplete:
            incomplete.append(i)
        segments += result.segments
        out_plain = HtmlDocument.parse(rendered).plain_text()
        check = service.checker.check(
            plain, out_plain, source_lang=detection.lang, target_lang=target_lang
        )
        quality.append(check)
        if not check.ok:
            failed = "; ".join(f"{c.name} ({c.detail})" for c in check.failed)
            warnings.append(f"{label} failed checks: {failed}")
    return TranslationResult(
        translations=tuple(outputs),
        source_langs=tuple(detections),
        target_lang=target_lang,
        models=tuple(models),
        segments=segments,
        incomplete=tuple(incomplete),
        notes=tuple(notes),
        quality=tuple(quality),
        warnings=tuple(warnings),
        glossary_misses=tuple(misses),
    )
