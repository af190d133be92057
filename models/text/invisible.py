"""Characters a reader does not see, which break word matching: the soft hyphen (U+00AD,
common in Kazakh and Russian press copy set for print: "тап\u00adсырамын"), the zero-width
space (U+200B), the word joiner (U+2060) and a stray byte-order mark (U+FEFF).

``fold`` removes them and keeps, for each kept character, its index in the original, so a
substring found in the folded text maps back to the exact substring of the original
(``unfold``). The zero-width joiner and non-joiner are kept: they shape emoji and some
scripts.
"""

from __future__ import annotations

from dataclasses import dataclass

INVISIBLE = frozenset("\u00ad\u200b\u2060\ufeff")


@dataclass(frozen=True)
class Folded:
    """A text without its invisible characters, and where each kept one came from."""

    original: str
    text: str
    positions: tuple[int, ...]

    def unfold(self, part: str | None) -> str | None:
        """The original substring that reads as ``part`` (the first one), or ``part`` itself
        where the folded text does not contain it."""
        if not part or self.text == self.original:
            return part
        start = self.text.find(part)
        if start < 0:
            return part
        end = start + len(part)
        return self.original[self.positions[start] : self.positions[end - 1] + 1]


def fold(text: str) -> Folded:
    """``text`` without soft hyphens, zero-width spaces, word joiners and byte-order marks."""
    if not INVISIBLE.intersection(text):
        return Folded(text, text, ())
    kept = [(i, ch) for i, ch in enumerate(text) if ch not in INVISIBLE]
    return Folded(text, "".join(ch for _, ch in kept), tuple(i for i, _ in kept))
