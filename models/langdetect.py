"""Source-language detection with ``lingua`` (ships its models, covers Kazakh).

The detector also knows a few languages we do not serve (neighbours that share a script
with ours), so that a Ukrainian or Mongolian text is reported as unsupported instead of
being forced into the closest supported label.
"""

from __future__ import annotations

from dataclasses import dataclass

from lingua import IsoCode639_1, Language, LanguageDetectorBuilder

from models.errors import UnsupportedLanguage
from models.languages import SUPPORTED, LangCode, parse_lang

# lingua's languages for our public codes (ISO 639-1, as lingua names them).
_PUBLIC: dict[Language, LangCode] = {
    Language.from_iso_code_639_1(getattr(IsoCode639_1, code.upper())): code for code in SUPPORTED
}
_NEIGHBOURS = (
    Language.UKRAINIAN,
    Language.BELARUSIAN,
    Language.BULGARIAN,
    Language.MONGOLIAN,
    Language.SERBIAN,
    Language.MACEDONIAN,
    Language.JAPANESE,
    Language.GERMAN,
    Language.FRENCH,
    Language.SPANISH,
    Language.TURKISH,
)


@dataclass(frozen=True)
class Detection:
    """A detected language and the detector's confidence in ``[0, 1]``."""

    lang: LangCode
    confidence: float


class LanguageDetector:
    """Wraps one lingua detector, built once (it holds the n-gram models in memory)."""

    def __init__(self) -> None:
        self._detector = (
            LanguageDetectorBuilder.from_languages(*_PUBLIC, *_NEIGHBOURS)
            .with_preloaded_language_models()
            .build()
        )

    def detect(self, text: str, *, param: str = "text") -> Detection:
        """Return the most likely supported language of ``text``.

        Raises ``UnsupportedLanguage`` when the text is most likely in another language
        or has no letters to go on.
        """
        values = self._detector.compute_language_confidence_values(text)
        if not values or values[0].value <= 0.0:
            raise UnsupportedLanguage(param=param, language="unknown", supported=SUPPORTED)
        best = values[0]
        lang = _PUBLIC.get(best.language)
        if lang is None:
            raise UnsupportedLanguage(
                param=param, language=best.language.iso_code_639_1.name.lower(), supported=SUPPORTED
            )
        return Detection(lang, round(float(best.value), 4))

    def ranked(self, text: str) -> list[Detection]:
        """Every supported language with a confidence above 0 for ``text``, likeliest first
        (empty when the text has no letters to go on); never raises."""
        return [
            Detection(_PUBLIC[v.language], round(float(v.value), 4))
            for v in self._detector.compute_language_confidence_values(text)
            if v.language in _PUBLIC and v.value > 0.0
        ]

    def identify(self, text: str) -> str:
        """The likeliest language of ``text`` among those the detector knows, as an ISO 639-1
        code (a neighbour such as ``uk`` included), or ``unknown``; never raises."""
        values = self._detector.compute_language_confidence_values(text)
        if not values or values[0].value <= 0.0:
            return "unknown"
        best = values[0].language
        return _PUBLIC.get(best) or best.iso_code_639_1.name.lower()

    def resolve(self, text: str, source_lang: str, *, param: str = "text") -> Detection:
        """The given language (confidence 1.0) or, for ``auto``, the detected one.

        Raises ``UnsupportedLanguage`` for an unknown code or an unsupported detection.
        """
        if source_lang == "auto":
            return self.detect(text, param=param)
        lang = parse_lang(source_lang)
        if lang is None:
            raise UnsupportedLanguage(
                param="source_lang", language=source_lang, supported=SUPPORTED
            )
        return Detection(lang, 1.0)
