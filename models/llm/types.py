"""Plain data the LLM backends return."""

from __future__ import annotations

from dataclasses import dataclass

Message = dict[str, str]


@dataclass(frozen=True)
class Generation:
    """Generated text, and whether the model finished it (emitted an end token) rather than
    stopping at the token budget."""

    text: str
    complete: bool
