"""Number tokens for fact checks: does every number of a claim occur in its source?"""

from __future__ import annotations

import re

from models.text.figures import candidates, overlaps, patterns, resolve
from models.text.lexicon import CYR_RE, FULLWIDTH, NUMBER_WORDS
from models.text.numbers import cyrillic_text, format_number, scaled


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
    norm = text.translate(FULLWIDTH)
    cyr_text = cyrillic_text(norm)
    tokens: list[tuple[int, str]] = []
    covered: list[tuple[int, int]] = []
    for c in resolve(candidates(text)):
        if c.value is not None:
            tokens.append((c.start, format_number(c.value)))
            covered.append((c.start, c.end))
    for m in patterns(cyr_text).bare.finditer(norm):
        if overlaps(m.start(), m.end(), covered):
            continue
        if m["word"] is not None:
            tokens.append((m.start(), str(NUMBER_WORDS[m["word"].lower()])))
            continue
        decimal_comma = cyr_text or CYR_RE.search(m.group()) is not None
        value = scaled(m["num"], m["mult"], decimal_comma)
        if value is not None:
            tokens.append((m.start(), format_number(value)))
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
