"""Plain data the LLM backends take and return."""

from __future__ import annotations

from dataclasses import dataclass, replace

Message = dict[str, str]


@dataclass(frozen=True)
class ScriptConstraint:
    """Only letters of ``script`` (unicodedata's first word of a letter's name: ``CYRILLIC``,
    ``CJK``, ``LATIN``) may be generated, plus every token of ``keep``'s words."""

    script: str
    keep: tuple[str, ...] = ()


@dataclass(frozen=True)
class GenerationRequest:
    """One prompt to complete greedily.

    ``schema_json`` (a JSON schema, serialised) constrains the output; ``prefix`` is text the
    prompt starts with whose KV cache is reused across requests (instructions, few-shot
    examples); ``no_repeat_ngram_size`` forbids repeating any n-gram of the row.
    """

    prompt: str
    max_new_tokens: int
    schema_json: str | None = None
    prefix: str | None = None
    no_repeat_ngram_size: int = 0
    script: ScriptConstraint | None = None

    def without_prefix(self) -> GenerationRequest:
        """The same request with no cached prefix."""
        return replace(self, prefix=None)


@dataclass(frozen=True)
class ScoreJob:
    """Label probabilities wanted after ``prefix + suffix`` for each suffix."""

    prefix: str
    suffixes: tuple[str, ...]
    labels: tuple[str, ...]


@dataclass(frozen=True)
class Generation:
    """Generated text, and whether the model finished it (emitted an end token) rather than
    stopping at the token budget."""

    text: str
    complete: bool
