"""Prompt templates: files in this package, loaded once and rendered through one function.

Templates use ``string.Template`` placeholders (``$name``) so that JSON braces in a prompt
need no escaping. ``PLACEHOLDERS`` declares what each template takes; ``check_templates()``
runs at start-up so that a missing file or placeholder fails before the first request.
"""

from __future__ import annotations

import functools
import string
from importlib import resources

PLACEHOLDERS: dict[str, frozenset[str]] = {
    "classify_system": frozenset(),
    "classify_user": frozenset({"sentence"}),
    "request_system": frozenset(),
    "request_user": frozenset({"sentence"}),
    "keypoint_system": frozenset(),
    "keypoint_brief_system": frozenset(),
    "keypoint_user": frozenset({"sentence"}),
    "headline_system": frozenset({"language"}),
    "headline_user": frozenset({"title", "sentences"}),
    "translate_system": frozenset({"source_language", "target_language"}),
    "translate_user": frozenset({"text"}),
    "translate_glossary": frozenset({"terms"}),
    "translate_markup": frozenset(),
}


class PromptError(ValueError):
    """A template is missing, or rendered with missing or unexpected values."""


@functools.cache
def _template(name: str) -> string.Template:
    if name not in PLACEHOLDERS:
        raise PromptError(f"Unknown prompt template {name!r}.")
    try:
        text = resources.files(__name__).joinpath(f"{name}.txt").read_text("utf-8")
    except FileNotFoundError as exc:
        raise PromptError(f"Prompt template file prompts/{name}.txt is missing.") from exc
    template = string.Template(text.strip("\n"))
    found = set(template.get_identifiers())
    if found != PLACEHOLDERS[name]:
        raise PromptError(
            f"Template {name!r} has placeholders {sorted(found)}, expected "
            f"{sorted(PLACEHOLDERS[name])}."
        )
    return template


def render(name: str, **values: str) -> str:
    """Render template ``name`` with exactly its declared placeholders. Raises ``PromptError``."""
    template = _template(name)
    expected = PLACEHOLDERS[name]
    if set(values) != expected:
        raise PromptError(f"Template {name!r} takes {sorted(expected)}, got {sorted(values)}.")
    return template.substitute(values)


def examples(name: str) -> list[tuple[str, str]]:
    """Few-shot examples from ``prompts/{name}.tsv``: ``(label, text)`` rows."""
    text = resources.files(__name__).joinpath(f"{name}.tsv").read_text("utf-8")
    rows: list[tuple[str, str]] = []
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        label, _, sample = line.partition("\t")
        if not sample:
            raise PromptError(f"prompts/{name}.tsv: row without a tab: {line!r}")
        rows.append((label.strip(), sample.strip()))
    return rows


def parallel(name: str) -> list[dict[str, str]]:
    """Parallel sentences from ``prompts/{name}.tsv``: one ``{language: text}`` per row.

    The first row names the language of each column; every row has a text in each.
    """
    text = resources.files(__name__).joinpath(f"{name}.tsv").read_text("utf-8")
    return parse_parallel(text, f"prompts/{name}.tsv")


def parse_parallel(text: str, origin: str) -> list[dict[str, str]]:
    """The rows of a parallel-sentence TSV (see ``parallel``). Raises ``PromptError``."""
    lines = [ln for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]
    if not lines:
        raise PromptError(f"{origin} has no header row")
    header = [code.strip() for code in lines[0].split("\t")]
    rows: list[dict[str, str]] = []
    for line in lines[1:]:
        cells = [cell.strip() for cell in line.split("\t")]
        if len(cells) != len(header) or not all(cells):
            raise PromptError(f"{origin}: row without a text in each of {header}: {line!r}")
        rows.append(dict(zip(header, cells, strict=True)))
    return rows


def check_templates() -> None:
    """Load and validate every template and example file (run at start-up)."""
    for name in PLACEHOLDERS:
        _template(name)
    examples("classify_examples")
    examples("keypoint_brief_examples")
    for lang in ("ru", "kk", "zh"):
        examples(f"keypoint_examples_{lang}")
    examples("request_examples")
    parallel("translate_pairs")
