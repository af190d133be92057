"""Source-language detection with ``lingua`` (ships its models, covers Kazakh).

The detector also knows a few languages we do not serve (neighbours that share a script
with ours), so that a Ukrainian or Mongolian text is reported as unsupported instead of
being forced into the closest supported label. A neighbour only wins when the evidence is
clear, because lingua alone is unreliable on short or repetitive text ("Hello." scores as
Spanish; an English sentence repeated ten times scores 0.86 Spanish, 0.002 English):

- The script decides which supported languages are possible: Latin letters can only be
  English, Cyrillic Russian or Kazakh, Han Chinese.
- A text with fewer than ``MIN_LETTERS_TO_REJECT`` letters is never rejected.
- A neighbour must beat the best supported language of that script by ``REJECT_MARGIN`` in
  lingua's confidence *and* cover most of the text in lingua's segment-wise detection (which
  reads the repeated English sentence as English).

This is the complaint of LibreTranslate issue #902 (short texts rejected as another language).
"""

from __future__ import annotations

import threading
from collections import Counter
from dataclasses import dataclass
from typing import Literal

import lingua
from lingua import IsoCode639_1, Language, LanguageDetectorBuilder

from models.errors import UnsupportedLanguage
from models.languages import SUPPORTED, LangCode, parse_lang

MIN_LETTERS_TO_REJECT = 20
REJECT_MARGIN = 0.3

Script = Literal["latin", "cyrillic", "han", "kana", "other"]

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
# The supported languages each script can be; kana means Japanese (not served).
_BY_SCRIPT: dict[Script, tuple[LangCode, ...]] = {
    "latin": ("en",),
    "cyrillic": ("ru", "kk"),
    "han": ("zh",),
}


def dominant_script(text: str) -> Script | None:
    """The script most of ``text``'s letters are in, or ``None`` when it has no letters."""
    counts: Counter[Script] = Counter(_script_of(ch) for ch in text if ch.isalpha())
    if not counts:
        return None
    if counts["kana"]:  # Japanese mixes kana into Han; Chinese never has kana
        return "kana"
    return counts.most_common(1)[0][0]


def _script_of(ch: str) -> Script:
    code = ord(ch)
    if code < 0x250 or 0x1E00 <= code <= 0x1EFF:
        return "latin"
    if 0x400 <= code <= 0x52F:
        return "cyrillic"
    if 0x3040 <= code <= 0x30FF:
        return "kana"
    if 0x3400 <= code <= 0x9FFF or 0xF900 <= code <= 0xFAFF or 0x20000 <= code <= 0x2FA1F:
        return "han"
    return "other"


@dataclass(frozen=True)
class Detection:
    """A detected language and the detector's confidence in ``[0, 1]`` among the supported
    languages the text's script allows (1.0 where the script allows only one)."""

    lang: LangCode
    confidence: float


class LanguageDetector:
    """Wraps two lingua detectors, built once (they hold the n-gram models in memory).

    Telling our four languages apart (ru from kk in a short sentence) uses lingua's high
    accuracy mode over those four only (about 100 MB, preloaded). Whether a text is clearly in
    a neighbour language is screened in the low accuracy mode (trigrams) over all fifteen, and
    a neighbour that leads there is confirmed in the high accuracy mode over it and our four,
    whose models load on the first such text. Measured: 109 MB at start; 263 MB once all
    eleven neighbours have been confirmed; the high accuracy models of all fifteen, preloaded
    as before, held 420 MB. The low accuracy screen alone misreads short English sentences as
    Spanish ("The minister met the Chinese ambassador.").
    """

    def __init__(self) -> None:
        self._supported = (
            LanguageDetectorBuilder.from_languages(*_PUBLIC)
            .with_preloaded_language_models()
            .build()
        )
        self._screen = (
            LanguageDetectorBuilder.from_languages(*_PUBLIC, *_NEIGHBOURS)
            .with_low_accuracy_mode()
            .with_preloaded_language_models()
            .build()
        )
        self._confirmers: dict[Language, lingua.LanguageDetector] = {}
        self._lock = threading.Lock()

    def detect(self, text: str, *, param: str = "text") -> Detection:
        """Return the most likely supported language of ``text``.

        Raises ``UnsupportedLanguage`` when the text has no letters, is in a script none of
        the supported languages uses, or is clearly in a neighbour language (see the module
        docstring for what "clearly" means).
        """
        script = dominant_script(text)
        if script is None:
            raise UnsupportedLanguage(param=param, language="unknown", supported=SUPPORTED)
        if script == "kana":
            raise UnsupportedLanguage(param=param, language="ja", supported=SUPPORTED)
        if script == "other":
            raise UnsupportedLanguage(param=param, language="unknown", supported=SUPPORTED)
        detection = self._best_supported(text, _BY_SCRIPT[script])
        neighbour = self._clear_neighbour(text, detection.lang)
        if neighbour is not None:
            raise UnsupportedLanguage(param=param, language=neighbour, supported=SUPPORTED)
        return detection

    def _best_supported(self, text: str, allowed: tuple[LangCode, ...]) -> Detection:
        if len(allowed) == 1:
            return Detection(allowed[0], 1.0)
        scores = {
            _PUBLIC[v.language]: float(v.value)
            for v in self._supported.compute_language_confidence_values(text)
            if _PUBLIC[v.language] in allowed
        }
        total = sum(scores.values())
        best = max(allowed, key=lambda code: scores.get(code, 0.0))
        confidence = scores.get(best, 0.0) / total if total > 0 else 1.0 / len(allowed)
        return Detection(best, round(confidence, 4))

    def _clear_neighbour(self, text: str, supported: LangCode | None) -> str | None:
        """The ISO code of a neighbour language ``text`` is clearly in (against ``supported``,
        or against the best of our languages when ``None``), else ``None``."""
        if sum(ch.isalpha() for ch in text) < MIN_LETTERS_TO_REJECT:
            return None
        screened = self._screen.compute_language_confidence_values(text)
        if not screened or screened[0].language in _PUBLIC:
            return None
        neighbour = screened[0].language
        confirmer = self._confirmer(neighbour)
        values = confirmer.compute_language_confidence_values(text)
        if not values or values[0].language != neighbour:
            return None
        ours = max(
            (
                float(v.value)
                for v in values
                if v.language in _PUBLIC and (supported is None or _PUBLIC[v.language] == supported)
            ),
            default=0.0,
        )
        if float(values[0].value) - ours < REJECT_MARGIN:
            return None
        covered: Counter[Language] = Counter()
        for part in confirmer.detect_multiple_languages_of(text):
            covered[part.language] += part.end_index - part.start_index
        if not covered or covered.most_common(1)[0][0] != neighbour:
            return None
        return str(neighbour.iso_code_639_1.name.lower())

    def _confirmer(self, neighbour: Language) -> lingua.LanguageDetector:
        """A high accuracy detector of ``neighbour`` and our languages, built on first use."""
        with self._lock:
            found = self._confirmers.get(neighbour)
            if found is None:
                found = LanguageDetectorBuilder.from_languages(neighbour, *_PUBLIC).build()
                self._confirmers[neighbour] = found
            return found

    def ranked(self, text: str) -> list[Detection]:
        """Every supported language with a confidence above 0 for ``text``, likeliest first
        (empty when the text has no letters to go on); never raises."""
        return [
            Detection(_PUBLIC[v.language], round(float(v.value), 4))
            for v in self._supported.compute_language_confidence_values(text)
            if v.value > 0.0
        ]

    def identify(self, text: str) -> str:
        """The likeliest language of ``text`` among those the detector knows, as an ISO 639-1
        code (a neighbour such as ``uk`` included), or ``unknown``; never raises.

        A neighbour is named when it is clear (as for ``detect``); otherwise the detector of
        our four languages decides which of them it is."""
        neighbour = self._clear_neighbour(text, None)
        if neighbour is not None:
            return neighbour
        found = self._supported.detect_language_of(text)
        return _PUBLIC[found] if found is not None else "unknown"

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
