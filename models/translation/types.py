"""What translators return, and the interface every segment translator implements."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from models.langdetect import Detection
from models.languages import LangCode
from models.manifest import ModelSpec
from models.translation.glossary import GlossaryMiss
from models.translation.quality import Quality


@dataclass(frozen=True)
class Translation:
    """One translated segment, and whether the model finished it: ``complete`` is False when
    generation stopped at the output limit, so the text may be cut off."""

    text: str
    complete: bool


class SegmentTranslator(Protocol):
    """Translates already-segmented text; one instance per loaded model."""

    spec: ModelSpec
    backend: str

    @property
    def dtype(self) -> str:
        """Weight or compute type, for ``/models`` (e.g. ``float32``, ``int8``)."""
        ...

    def count_tokens(self, text: str) -> int:
        """Tokens ``text`` takes as model input."""
        ...

    def translate_batch(
        self, texts: list[str], *, source_lang: str, target_lang: str
    ) -> list[Translation]:
        """Translate one batch of segments (public language codes); same order and length."""
        ...


@dataclass(frozen=True)
class TranslationResult:
    """Translations aligned with the input texts, with what produced them.

    ``incomplete`` lists the input texts (by index) with a segment that reached the model's
    output limit; ``notes`` says the same in words, and names texts returned unchanged.
    """

    translations: tuple[str, ...]
    source_langs: tuple[Detection, ...]
    target_lang: LangCode
    models: tuple[str, ...]
    segments: int
    incomplete: tuple[int, ...] = ()
    notes: tuple[str, ...] = ()
    # One per translation: whether it passed the checks of models/translation/quality.py.
    quality: tuple[Quality, ...] = ()
    # A failed check, or what the manifest says of a model's output in the target language.
    warnings: tuple[str, ...] = ()
    # The latter alone (manifest ``target_notes`` of the models used).
    advisories: tuple[str, ...] = ()
    # Glossary terms found in a segment whose target term is not in its translation.
    glossary_misses: tuple[GlossaryMiss, ...] = ()
