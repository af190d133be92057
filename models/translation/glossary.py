"""Glossaries and do-not-translate terms, enforced around the translation models.

Two ways, one per kind of model:

- seq2seq MT models (NLLB, M2M100, Marian) cannot take instructions, so each term found in
  a segment is replaced by a placeholder token that the model copies (``[T1]``), and the
  placeholder in the output is replaced by the target term (``mask`` / ``restore``);
- the instruct LLM is told the terms in its prompt, and its output is checked: a target
  term that is missing is put in where the model left the source term untranslated
  (``check_terms``).

Either way a term that could not be put in is reported (``GlossaryMiss``), never dropped
silently.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from models.languages import LangCode

# Terms of one segment as (source term, target term) pairs, longest source term first.
Terms = tuple[tuple[str, str], ...]

_CJK = re.compile("[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")
# What a model may make of ``[T1]``: spaces inside, another case, full-width brackets.
_PLACEHOLDER = re.compile(r"[\[［]\s*[Tt]\s*(\d+)\s*[\]］]")


@dataclass(frozen=True)
class Glossary:
    """Source term -> target term; a do-not-translate term maps to itself.

    ``source_lang`` limits a stored glossary to texts in that language (None: any text).
    """

    entries: Mapping[str, str]
    source_lang: LangCode | None = None

    @classmethod
    def build(
        cls,
        entries: Mapping[str, str] | None = None,
        preserve: Sequence[str] = (),
        *,
        source_lang: LangCode | None = None,
    ) -> Glossary:
        """A glossary of ``entries`` plus ``preserve`` terms (kept as they are)."""
        merged = dict(entries or {})
        merged.update({term: term for term in preserve})
        return cls({k: v for k, v in merged.items() if k.strip()}, source_lang)

    def merged(self, other: Glossary) -> Glossary:
        """This glossary with ``other``'s entries added (``other`` wins on a clash)."""
        return Glossary({**self.entries, **other.entries}, self.source_lang or other.source_lang)

    def applies_to(self, lang: str) -> bool:
        """Whether the glossary is for texts in ``lang``."""
        return self.source_lang is None or self.source_lang == lang

    def terms_in(self, text: str) -> Terms:
        """The entries whose source term occurs in ``text`` (as a whole word), longest first."""
        return tuple(
            (term, self.entries[term]) for term in _by_length(self.entries) if _find(term, text)
        )


@dataclass(frozen=True)
class GlossaryMiss:
    """A term found in a segment whose target term is not in the segment's translation."""

    text: int
    segment: str
    term: str


@dataclass(frozen=True)
class Masked:
    """A segment with its terms replaced by placeholders; ``slots`` maps each placeholder
    number (from 1) to its (source term, target term)."""

    text: str
    slots: dict[int, tuple[str, str]] = field(default_factory=dict)


def mask(text: str, terms: Terms) -> Masked:
    """Replace every occurrence of each term in ``text`` with its own ``[Tn]`` placeholder."""
    if not terms:
        return Masked(text)
    pattern = re.compile("|".join(_term_pattern(src) for src, _ in terms))
    targets = dict(terms)
    slots: dict[int, tuple[str, str]] = {}

    def placeholder(match: re.Match[str]) -> str:
        n = len(slots) + 1
        slots[n] = (match.group(0), targets[match.group(0)])
        return f"[T{n}]"

    return Masked(pattern.sub(placeholder, text), slots)


def restore(output: str, masked: Masked) -> tuple[str, list[str]]:
    """``output`` with each placeholder replaced by its target term; returns the text and the
    source terms whose placeholder the model dropped."""
    seen: set[int] = set()

    def target(match: re.Match[str]) -> str:
        n = int(match.group(1))
        if n not in masked.slots:
            return match.group(0)
        if n in seen:  # the model repeated a placeholder: the term once is enough
            return ""
        seen.add(n)
        return masked.slots[n][1]

    text = _PLACEHOLDER.sub(target, output)
    missing = [src for n, (src, _) in masked.slots.items() if n not in seen]
    return re.sub(r"[ \t]{2,}", " ", text).strip(), list(dict.fromkeys(missing))


def check_terms(output: str, terms: Terms) -> tuple[str, list[str]]:
    """Check a prompted translation for its terms' target forms.

    A target term that is missing where the source term stands untranslated is put in its
    place; returns the text and the source terms whose target term is still missing.
    """
    missing: list[str] = []
    for src, tgt in terms:
        if tgt in output:
            continue
        if _find(src, output):
            # A function, not a replacement string: a term may hold a backslash.
            output = re.sub(_term_pattern(src), _literal(tgt), output)
            continue
        missing.append(src)
    return output, missing


def _literal(text: str) -> Callable[[re.Match[str]], str]:
    return lambda _match: text


def _by_length(entries: Mapping[str, str]) -> list[str]:
    return sorted(entries, key=lambda t: (-len(t), t))


def _term_pattern(term: str) -> str:
    # Word boundaries only where the term starts or ends with a letter or digit of a
    # spaced script: Chinese has no spaces, and "C++" ends with no word character.
    head = r"(?<!\w)" if term[:1].isalnum() and not _CJK.match(term[:1]) else ""
    tail = r"(?!\w)" if term[-1:].isalnum() and not _CJK.match(term[-1:]) else ""
    return f"{head}{re.escape(term)}{tail}"


def _find(term: str, text: str) -> bool:
    return re.search(_term_pattern(term), text) is not None
