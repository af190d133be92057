"""Translation of whole texts: language routing, segmentation, batching, reassembly.

Long text is cut into sentence segments under each model's budget
(``models.text.segmentation``), every segment of a request goes through the model's batcher
(length-sorted, shared with concurrent requests for the same pair), and the translations are
put back with the original line breaks. Nothing is dropped: a segment the model returns empty
for is an error, not a gap, and a segment cut at the output limit is reported.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from models.batching import MicroBatcher
from models.config import BatchConfig
from models.errors import GenerationFailed, ModelUnavailable, UnsupportedLanguage
from models.langdetect import Detection, LanguageDetector
from models.languages import SUPPORTED, LangCode
from models.text.segmentation import Document, plan, render, sentence_joiner
from models.translation.types import SegmentTranslator, Translation, TranslationResult


@dataclass
class _Job:
    text_index: int
    document: Document
    outputs: list[Translation] = field(default_factory=list)


class TranslationService:
    """Routes each language pair to a model and runs whole documents through it."""

    def __init__(
        self,
        translators: Sequence[SegmentTranslator],
        detector: LanguageDetector,
        *,
        batching: BatchConfig | None = None,
    ) -> None:
        self.translators = list(translators)
        self.detector = detector
        config = batching or BatchConfig(enabled=False, max_batch_size=16)
        # One batcher per model: segments of concurrent requests for the same language pair
        # share generate() calls.
        self.batchers = {
            t.spec.id: MicroBatcher(f"translate-{t.spec.id}", _runner(t), config)
            for t in self.translators
        }

    def close(self) -> None:
        """Stop the batcher threads."""
        for batcher in self.batchers.values():
            batcher.close()

    def route(self, source_lang: str, target_lang: str) -> SegmentTranslator:
        """The first model in manifest order that covers the pair.

        Raises ``UnsupportedLanguage`` for an unknown code and ``ModelUnavailable`` when no
        loaded model covers the pair.
        """
        for lang, param in ((source_lang, "source_lang"), (target_lang, "target_lang")):
            if lang not in SUPPORTED:
                raise UnsupportedLanguage(param=param, language=lang, supported=SUPPORTED)
        for translator in self.translators:
            if translator.spec.covers(source_lang, target_lang):
                return translator
        raise ModelUnavailable(
            model=f"translation {source_lang}->{target_lang}",
            reason="no model of the loaded profile covers this pair",
        )

    def covers(self, source_lang: str, target_lang: str) -> bool:
        """Whether a loaded model translates ``source_lang`` into ``target_lang``."""
        return any(t.spec.covers(source_lang, target_lang) for t in self.translators)

    def detect(self, texts: Sequence[str], source_lang: str) -> list[Detection]:
        """The source language of each text: given (confidence 1.0) or detected."""
        return [
            self.detector.resolve(text, source_lang, param=_label(i, len(texts)))
            for i, text in enumerate(texts)
        ]

    def translate(
        self, texts: Sequence[str], *, target_lang: LangCode, source_lang: str = "auto"
    ) -> TranslationResult:
        """Translate every text into ``target_lang``; returns translations in input order.

        Raises ``UnsupportedLanguage``, ``ModelUnavailable`` or ``GenerationFailed``.
        """
        detections = self.detect(texts, source_lang)
        translations = [""] * len(texts)
        notes: list[str] = []
        jobs: dict[str, list[_Job]] = {}
        for i, (text, det) in enumerate(zip(texts, detections, strict=True)):
            if det.lang == target_lang:
                translations[i] = text
                notes.append(
                    f"{_label(i, len(texts))} is already in {target_lang}; returned unchanged"
                )
                continue
            translator = self.route(det.lang, target_lang)
            document = plan(
                text,
                det.lang,
                count_tokens=translator.count_tokens,
                max_tokens=translator.spec.segment_tokens,
                pack=translator.spec.pack_sentences,
            )
            jobs.setdefault(det.lang, []).append(_Job(i, document))
        models: list[str] = []
        incomplete: list[int] = []
        segments = 0
        for lang, group in jobs.items():
            translator = self.route(lang, target_lang)
            if translator.spec.id not in models:
                models.append(translator.spec.id)
            pending = [(job, seg) for job in group for seg in job.document.segments]
            segments += len(pending)
            outputs = self._run_sorted(translator, [s for _, s in pending], lang, target_lang)
            for (job, _), output in zip(pending, outputs, strict=True):
                job.outputs.append(output)
                if not output.complete:
                    notes.append(
                        f"{_label(job.text_index, len(texts))}: segment {len(job.outputs)} "
                        "reached the model's output limit; its translation may be incomplete"
                    )
                    if job.text_index not in incomplete:
                        incomplete.append(job.text_index)
            for job in group:
                translations[job.text_index] = render(
                    job.document,
                    [o.text for o in job.outputs],
                    joiner=sentence_joiner(target_lang),
                )
        return TranslationResult(
            translations=tuple(translations),
            source_langs=tuple(detections),
            target_lang=target_lang,
            models=tuple(models),
            segments=segments,
            incomplete=tuple(sorted(incomplete)),
            notes=tuple(notes),
        )

    def _run_sorted(
        self, translator: SegmentTranslator, segments: list[str], source_lang: str, target_lang: str
    ) -> list[Translation]:
        costs = [translator.count_tokens(s) for s in segments]
        outputs: list[Translation] = self.batchers[translator.spec.id].map(
            (source_lang, target_lang), segments, costs
        )
        for segment, output in zip(segments, outputs, strict=True):
            if not output.text.strip():
                raise GenerationFailed(
                    f"{translator.spec.id} returned an empty translation for segment "
                    f"{segment[:60]!r}",
                    param="text",
                )
        return outputs


def _label(index: int, count: int) -> str:
    """How a text is named in messages: ``text`` alone, ``text[i]`` in a list."""
    return f"text[{index}]" if count > 1 else "text"


def _runner(translator: SegmentTranslator) -> Callable[[Any, list[Any]], list[Any]]:
    def run(key: Any, texts: list[Any]) -> list[Any]:
        source_lang, target_lang = key
        return list(
            translator.translate_batch(texts, source_lang=source_lang, target_lang=target_lang)
        )

    return run
