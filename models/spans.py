"""Character spans into a submitted text."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Span:
    """Half-open character offsets ``[start, end)`` with ``text == source[start:end]``."""

    start: int
    end: int
    text: str
