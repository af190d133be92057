"""The language identification stage: Kazakh in Latin letters, and mixed kk/ru documents.

Data: FLORES-200 devtest (``flores200_devtest``, line-aligned kk, ru, en). Lines that are
held-out sentences (``evaluation/heldout.py``) are left out (FLORES shares none today; the
check keeps it so).

- Latin Kazakh: every kk line, transliterated to the 2021 Latin alphabet with
  ``models.text.kazakh_latin.to_latin`` (the 2018 alphabet is not scored). The text is
  therefore synthetic: a machine transliteration of real Kazakh, not text a Latin-script
  agency published. Scored: the share of sentences, and of documents of ``DOC_LINES``
  consecutive lines, that ``LanguageDetector.detect`` reads as ``kk`` with ``latin_kazakh``;
  and the share of the documents' sentences that ``sentence_languages`` (which reads them in
  the document's context) calls ``kk``. The English lines are the false-alarm check: the
  share read as ``kk``.
- Mixed: documents of ``DOC_LINES`` consecutive aligned lines in one paragraph (joined by a
  space), taking line ``i`` in Kazakh when ``i`` is even and in Russian when odd. Scored:
  the share of the sentences ``LanguageDetector.sentence_languages`` returns whose language
  is the language of the line it starts in.
"""

from __future__ import annotations

import bisect
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from evaluation.heldout import load_heldout
from evaluation.report import pct, table
from models.errors import UnsupportedLanguage
from models.langdetect import LanguageDetector
from models.text.kazakh_latin import to_latin

if TYPE_CHECKING:
    from evaluation.context import Run

FLORES = "flores200_devtest"
DOC_LINES = 10


def load_lines(root: Path) -> dict[str, list[str]]:
    """FLORES kk/ru/en lines, aligned, without held-out sentences. Raises ``OSError``."""
    heldout = load_heldout(root)
    text = {
        lang: (root / FLORES / f"{lang}.txt").read_text("utf-8").splitlines()
        for lang in ("kk", "ru", "en")
    }
    keep = [
        i
        for i in range(min(len(v) for v in text.values()))
        if not any(heldout.contains(v[i]) for v in text.values())
    ]
    return {lang: [lines[i] for i in keep] for lang, lines in text.items()}


def is_latin_kk(detector: LanguageDetector, text: str) -> bool:
    """Whether ``detect`` reads ``text`` as Kazakh in Latin letters."""
    try:
        found = detector.detect(text)
    except UnsupportedLanguage:
        return False
    return found.lang == "kk" and found.latin_kazakh


def latin_scores(
    detector: LanguageDetector, kk: Sequence[str], en: Sequence[str]
) -> dict[str, Any]:
    """Sentence and document detection of transliterated Kazakh; English read as kk."""
    latin = [to_latin(line) for line in kk]
    sentences = [is_latin_kk(detector, line) for line in latin]
    docs = [
        is_latin_kk(detector, " ".join(latin[i : i + DOC_LINES]))
        for i in range(0, len(latin), DOC_LINES)
    ]
    in_docs = [
        found.lang == "kk"
        for i in range(0, len(latin), DOC_LINES)
        for found in detector.sentence_languages("\n".join(latin[i : i + DOC_LINES]))
    ]
    english = [detector.detect(line).lang == "kk" for line in en if _detects(detector, line)]
    return {
        "sentences": len(sentences),
        "sentence_accuracy": round(sum(sentences) / max(len(sentences), 1), 4),
        "documents": len(docs),
        "document_accuracy": round(sum(docs) / max(len(docs), 1), 4),
        "sentences_in_documents": len(in_docs),
        "sentence_in_document_accuracy": round(sum(in_docs) / max(len(in_docs), 1), 4),
        "english_sentences": len(english),
        "english_as_kk": round(sum(english) / max(len(english), 1), 4),
        "misses": [line for line, ok in zip(latin, sentences, strict=True) if not ok][:20],
    }


def _detects(detector: LanguageDetector, text: str) -> bool:
    try:
        detector.detect(text)
    except UnsupportedLanguage:
        return False
    return True


def mixed_document(kk: Sequence[str], ru: Sequence[str]) -> tuple[str, list[int], list[str]]:
    """A document alternating kk and ru lines: its text, each line's start, each line's
    language."""
    parts: list[str] = []
    starts: list[int] = []
    langs: list[str] = []
    offset = 0
    for i, (k, r) in enumerate(zip(kk, ru, strict=True)):
        line, lang = (k, "kk") if i % 2 == 0 else (r, "ru")
        starts.append(offset)
        langs.append(lang)
        parts.append(line)
        offset += len(line) + 1
    return " ".join(parts), starts, langs


def mixed_scores(
    detector: LanguageDetector, kk: Sequence[str], ru: Sequence[str]
) -> dict[str, Any]:
    """Per-sentence accuracy of ``sentence_languages`` on alternating kk/ru documents."""
    right = total = 0
    by_lang: dict[str, list[int]] = {"kk": [0, 0], "ru": [0, 0]}
    docs = 0
    for i in range(0, len(kk), DOC_LINES):
        text, starts, langs = mixed_document(kk[i : i + DOC_LINES], ru[i : i + DOC_LINES])
        docs += 1
        for found in detector.sentence_languages(text):
            truth = langs[bisect.bisect_right(starts, found.span.start) - 1]
            ok = found.lang == truth
            right += ok
            total += 1
            by_lang[truth][0] += ok
            by_lang[truth][1] += 1
    return {
        "documents": docs,
        "sentences": total,
        "sentence_accuracy": round(right / max(total, 1), 4),
        "by_language": {k: round(v[0] / max(v[1], 1), 4) for k, v in by_lang.items()},
    }


def run_langid(run: Run) -> None:
    """Score Latin-Kazakh detection and per-sentence detection of mixed documents."""
    root = run.config.data
    needed = [root / FLORES / f"{lang}.txt" for lang in ("kk", "ru", "en")]
    needed.append(root / "news_diplomacy_trade")
    missing = [p for p in needed if not p.exists()]
    if missing:
        reason = f"skipped: not found (set EVAL_DATA): {', '.join(map(str, missing))}"
        run.results["langid"] = {"skipped": reason}
        return
    lines = load_lines(root)
    limit = run.config.limit
    kk, ru, en = (lines[lang][:limit] if limit else lines[lang] for lang in ("kk", "ru", "en"))
    detector = run.summarizer.detector
    run.results["langid"] = {
        "data": f"{FLORES} (kk transliterated to Latin by models/text/kazakh_latin.py: synthetic)",
        "latin_kk": latin_scores(detector, kk, en),
        "mixed": mixed_scores(detector, kk, ru),
    }


def render_langid(result: Mapping[str, Any]) -> str:
    """The table ``make eval`` prints for this stage."""
    if "skipped" in result:
        return f"Language identification (Latin kk, mixed kk/ru): {result['skipped']}"
    lat, mix = result["latin_kk"], result["mixed"]
    docs = f"{lat['documents']} x {DOC_LINES} lines"
    mixed = f"{mix['sentences']}, {mix['documents']} docs"
    rows = [
        [f"Latin kk sentences ({lat['sentences']})", pct(lat["sentence_accuracy"])],
        [f"Latin kk documents ({docs})", pct(lat["document_accuracy"])],
        [
            f"  their sentences ({lat['sentences_in_documents']}), sentence_languages",
            pct(lat["sentence_in_document_accuracy"]),
        ],
        [f"English sentences read as kk ({lat['english_sentences']})", pct(lat["english_as_kk"])],
        [f"mixed kk/ru sentences ({mixed})", pct(mix["sentence_accuracy"])],
        *[[f"  of which {k}", pct(v)] for k, v in mix["by_language"].items()],
    ]
    return table(
        "Language identification: Kazakh in Latin letters, mixed kk/ru documents (FLORES-200)",
        ["what", "%"],
        rows,
        notes=[
            "Latin kk is FLORES kk machine-transliterated to the 2021 alphabet (synthetic)",
            "mixed: 10 aligned lines in one paragraph, kk and ru alternating;"
            " truth = the language of the line a sentence starts in",
        ],
    )
