"""Translating a written summary: headline, summary and key point texts, per target language."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from models.errors import ModelUnavailable
from models.languages import LangCode
from models.summary.types import KeyPoint, SummaryTranslation
from models.translation import TranslationService


class SummaryTexts(Protocol):
    """What a summary translation reads: a draft or a finished summary."""

    @property
    def headline(self) -> str: ...

    @property
    def summary(self) -> str: ...

    @property
    def key_points(self) -> Sequence[KeyPoint]: ...


@dataclass(frozen=True)
class SummaryTranslations:
    """The translations, the models that made them, and what went wrong on the way."""

    translations: tuple[SummaryTranslation, ...] = ()
    models: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()


def translate_summary(
    summary: SummaryTexts,
    translation: TranslationService | None,
    *,
    source_lang: str,
    target_langs: Sequence[LangCode],
) -> SummaryTranslations:
    """Translate the summary's texts into each of ``target_langs`` (in that order).

    Raises ``ModelUnavailable`` when no translator is loaded or none covers a pair, and
    ``GenerationFailed`` when a model returns nothing for a segment.
    """
    if not target_langs:
        return SummaryTranslations()
    if translation is None:
        raise ModelUnavailable(model="translation", reason="the loaded profile has no translator")
    texts = [summary.headline, summary.summary, *[p.text for p in summary.key_points]]
    labels = ["headline", "summary", *[f"key point {n}" for n in range(1, len(texts) - 1)]]
    out: list[SummaryTranslation] = []
    models: list[str] = []
    warnings: list[str] = []
    # Every language at once: the LLM translator decodes all of them in the same steps.
    results = translation.translate_many(
        [(texts, target) for target in target_langs], source_lang=source_lang
    )
    for target, result in zip(target_langs, results, strict=True):
        t = result.translations
        out.append(SummaryTranslation(target, t[0], t[1], tuple(t[2:]), result.quality))
        models += [m for m in result.models if m not in models]
        warnings += [
            f"translation {target}: the {labels[i]} reached the model's output limit; "
            "its translation may be incomplete"
            for i in result.incomplete
        ]
        for i, quality in enumerate(result.quality):
            if not quality.ok:
                failed = ", ".join(c.name for c in quality.failed)
                warnings.append(f"translation {target}: the {labels[i]} failed checks: {failed}")
        warnings += [f"translation {target}: {note}" for note in result.advisories]
    return SummaryTranslations(tuple(out), tuple(models), tuple(warnings))
