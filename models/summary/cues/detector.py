"""One entry point for the cues of every language: the parsers load on first use."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import replace
from typing import Any, Protocol

from models.summary.cues import Cue
from models.summary.cues.lexicon import chinese_cue, kazakh_cue
from models.text.invisible import fold


class _Parser(Protocol):
    def detect(self, sentences: Sequence[str]) -> list[Cue]: ...


class _EnglishParser(_Parser, Protocol):
    def parse(self, texts: Sequence[str]) -> list[Any]: ...


class CueDetector:
    """Request and agreement cues per sentence, in the article's language.

    spaCy (English) and natasha (Russian) are loaded when first needed and then kept; their
    pipelines are not thread-safe, so each language's parser runs under its own lock.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._english: _EnglishParser | None = None
        self._russian: _Parser | None = None
        self._parse_locks = {"en": threading.Lock(), "ru": threading.Lock()}

    def warm_up(self, langs: Sequence[str] = ("en", "ru")) -> None:
        """Load the parsers now (at start-up) rather than on the first article."""
        for lang in langs:
            self.detect(["The ministry asked the agency to publish the report."], lang)

    def detect(self, sentences: Sequence[str], lang: str) -> list[Cue]:
        """One cue per sentence (``lang`` is the sentences' language code).

        The cues read each sentence without its invisible characters (a soft hyphen inside
        "тап\u00adсырамын" hides the trigger); actor and target are mapped back to the
        sentence's own substrings."""
        if not sentences:
            return []
        folded = [fold(s) for s in sentences]
        texts = [f.text for f in folded]
        if lang == "kk":
            cues = [kazakh_cue(s) for s in texts]
        elif lang == "zh":
            cues = [chinese_cue(s) for s in texts]
        else:
            parser = self._parser(lang)
            with self._parse_locks[lang if lang == "ru" else "en"]:
                cues = parser.detect(texts)
        return [
            c
            if f.text == f.original
            else replace(c, actor=f.unfold(c.actor), target=f.unfold(c.target))
            for f, c in zip(folded, cues, strict=True)
        ]

    def parse_english(self, texts: Sequence[str]) -> list[Any]:
        """The English pipeline's spaCy ``Doc`` per text (``models/summary/roles.py``)."""
        parser = self._english_parser()
        with self._parse_locks["en"]:
            return parser.parse(texts)

    def _parser(self, lang: str) -> _Parser:
        with self._lock:
            if lang == "ru":
                if self._russian is None:
                    from models.summary.cues.russian import RussianCues

                    self._russian = RussianCues()
                return self._russian
        return self._english_parser()

    def _english_parser(self) -> _EnglishParser:
        with self._lock:
            if self._english is None:
                from models.summary.cues.english import EnglishCues

                self._english = EnglishCues()
            return self._english
