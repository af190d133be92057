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

Kazakh is also written in Latin letters (``models/text/kazakh_latin.py``). A Latin text is
Kazakh when enough of its words have Kazakh-only letters (``MIN_KAZAKH_MARKER_SHARE``; a
``q`` does not count in a text the screen reads as English) *and* its Cyrillic reading is
Kazakh to the detector; its ``Detection`` then has ``script="latin"``
and ``latin_kazakh=True``. ``sentence_languages`` detects each sentence on its own (a text
that mixes Kazakh and Russian sentences), ``language_shares`` sums them up by letters.
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
from models.spans import Span
from models.text.kazakh_latin import marker_share, to_cyrillic
from models.text.segmentation import split_sentences

MIN_LETTERS_TO_REJECT = 20
REJECT_MARGIN = 0.3
# Share of a Latin text's words with a Kazakh-only letter (marker_share) from which its
# Cyrillic reading is asked whether it is Kazakh; and how sure (kk against ru) that must be.
MIN_KAZAKH_MARKER_SHARE = 0.1
MIN_KAZAKH_READING = 0.6

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
    script: Script | None = None
    # Kazakh written in Latin letters: read it through ``models/text/kazakh_latin.py``.
    latin_kazakh: bool = False


@dataclass(frozen=True)
class SentenceLanguage:
    """The language of one sentence: ``lang`` is a supported code, a neighbour's ISO code
    (``uk``) or ``unknown``; ``confidence`` is 0.0 for the last two."""

    span: Span
    lang: str
    confidence: float
    script: Script | None
    latin_kazakh: bool = False


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
        if script == "latin":
            kazakh = self._latin_kazakh(text)
            if kazakh is not None:
                return kazakh
        found = self._best_supported(text, _BY_SCRIPT[script])
        neighbour = self._clear_neighbour(text, found.lang)
        if neighbour is not None:
            raise UnsupportedLanguage(param=param, language=neighbour, supported=SUPPORTED)
        return Detection(found.lang, found.confidence, script)

    def _latin_kazakh(self, text: str) -> Detection | None:
        """``kk`` for a Latin text that reads as Kazakh (see the module docstring), else None."""
        if marker_share(text) < MIN_KAZAKH_MARKER_SHARE:
            return None
        if marker_share(text, with_q=False) < MIN_KAZAKH_MARKER_SHARE:
            # Only q marks it (Qatar, Iraq, Qiang): not when the screen reads it as English.
            screened = self._screen.compute_language_confidence_values(text)
            if screened and screened[0].language == Language.ENGLISH:
                return None
        return self._kazakh_reading(text)

    def _kazakh_reading(self, text: str) -> Detection | None:
        """``kk`` when the Cyrillic reading of Latin ``text`` is Kazakh (against Russian)."""
        reading = self._best_supported(to_cyrillic(text).cyrillic, ("ru", "kk"))
        if reading.lang != "kk" or reading.confidence < MIN_KAZAKH_READING:
            return None
        return Detection("kk", reading.confidence, "latin", latin_kazakh=True)

    def sentence_languages(
        self, text: str, whole: Detection | None = None
    ) -> list[SentenceLanguage]:
        """Each sentence of ``text`` with its own language (never raises).

        In a text that is Latin Kazakh as a whole, a Latin sentence with too few Kazakh-only
        letters to tell on its own (they share ö ü ğ ş ı with Turkish) is Kazakh when its
        Cyrillic reading is. ``whole`` is the text's own detection where the caller has it
        (``detect`` or ``resolve``), so that its Latin-Kazakh reading is not computed again."""
        script = dominant_script(text)
        splitter = {"cyrillic": "kk", "han": "zh"}.get(script or "", "en")
        if whole is not None:
            latin_kk = whole.latin_kazakh
        else:
            latin_kk = script == "latin" and self._latin_kazakh(text) is not None
        found: list[SentenceLanguage] = []
        for span in split_sentences(text, splitter):
            if not any(ch.isalpha() for ch in span.text):
                continue
            own = dominant_script(span.text)
            try:
                d: Detection | None = self.detect(span.text)
            except UnsupportedLanguage as exc:
                d, rejected = None, exc.language
            if latin_kk and own == "latin" and (d is None or d.lang != "kk"):
                d = self._kazakh_reading(span.text) or d
            if d is None:
                found.append(SentenceLanguage(span, rejected, 0.0, own))
                continue
            found.append(SentenceLanguage(span, d.lang, d.confidence, d.script, d.latin_kazakh))
        return found

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
        script = dominant_script(text)
        return Detection(lang, 1.0, script, latin_kazakh=lang == "kk" and script == "latin")


def language_shares(sentences: list[SentenceLanguage]) -> dict[str, float]:
    """Each language's share of the sentences' letters, largest first (sums to 1)."""
    letters: Counter[str] = Counter()
    for s in sentences:
        letters[s.lang] += sum(ch.isalpha() for ch in s.span.text)
    total = sum(letters.values())
    return {lang: round(n / total, 4) for lang, n in letters.most_common()} if total else {}
