"""Translation of whole texts: language routing, segmentation, batching, reassembly.

Long text is cut into sentence segments under each model's budget
(``models.text.segmentation``), every segment of a request goes through the model's batcher
(length-sorted, shared with concurrent requests for the same pair), and the translations are
put back with the original line breaks. Nothing is dropped: a segment the model returns empty
for is an error, not a gap, and a segment cut at the output limit is reported.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field
from typing import Any

from models.batching import MicroBatcher
from models.config import BatchConfig
from models.errors import GenerationFailed, ModelUnavailable, UnsupportedLanguage
from models.langdetect import Detection, LanguageDetector
from models.languages import SUPPORTED, LangCode
from models.text.invisible import fold
from models.text.kazakh_latin import to_cyrillic
from models.text.segmentation import Document, plan, render, sentence_joiner
from models.translation.glossary import Glossary, GlossaryMiss, Masked, Terms, check_terms, mask
from models.translation.glossary import restore as restore_terms
from models.translation.quality import Quality, QualityChecker
from models.translation.types import SegmentTranslator, Translation, TranslationResult

# Longest run without a space (outside CJK text) that is sent to a model; longer ones are not
# language: the longest dictionary words are about 45 letters.
MAX_UNBROKEN_CHARS = 64
# Batches in flight at once for a translator whose backend schedules rows itself: a batch
# taken while others decode joins them at the next step instead of waiting for them to end.
CONCURRENT_BATCHES = 4
_CJK = re.compile("[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")


@dataclass
class _Job:
    """One text of a run, cut into segments."""

    text_index: int
    document: Document
    source_lang: LangCode
    run: _Run
    outputs: list[Translation | None] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.outputs = [None] * len(self.document.segments)


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
        self.checker = QualityChecker(detector)
        config = batching or BatchConfig(enabled=False, max_batch_size=16)
        # One batcher per model: segments of concurrent requests for the same language pair
        # share generate() calls.
        # Output tokens per model id, for /metrics (the translations re-tokenized: the
        # backends do not all report their decoder steps).
        self.generated_tokens: Counter[str] = Counter()
        self.batchers = {
            t.spec.id: MicroBatcher(
                f"translate-{t.spec.id}",
                _runner(t, self.generated_tokens),
                config,
                workers=CONCURRENT_BATCHES if getattr(t, "concurrent_batches", False) else 1,
            )
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
        self,
        texts: Sequence[str],
        *,
        target_lang: LangCode,
        source_lang: str = "auto",
        glossary: Glossary | None = None,
    ) -> TranslationResult:
        """Translate every text into ``target_lang``; returns translations in input order.

        ``glossary`` terms are enforced (``models.translation.glossary``); the result lists
        where one could not be put in. Raises ``UnsupportedLanguage``, ``ModelUnavailable``
        or ``GenerationFailed``.
        """
        return self.translate_many(
            [(texts, target_lang)], source_lang=source_lang, glossary=glossary
        )[0]

    def translate_many(
        self,
        jobs: Sequence[tuple[Sequence[str], LangCode]],
        *,
        source_lang: str = "auto",
        glossary: Glossary | None = None,
    ) -> list[TranslationResult]:
        """Translate several ``(texts, target_lang)`` jobs at once, one result per job.

        Every job's segments go to their models together, so a model that takes segments of
        several language pairs in one batch (the LLM translator) runs them in the same steps.
        Raises ``UnsupportedLanguage``, ``ModelUnavailable`` or ``GenerationFailed``.
        """
        runs = [
            _Run(list(texts), target, self.detect(texts, source_lang)) for texts, target in jobs
        ]
        pending: dict[str, list[tuple[_Job, int, str]]] = {}
        for run in runs:
            for i, (text, det) in enumerate(zip(run.texts, run.detections, strict=True)):
                if det.lang == run.target:
                    run.translations[i] = text
                    label = _label(i, len(run.texts))
                    run.notes.append(f"{label} is already in {run.target}; returned unchanged")
                    continue
                translator = self.route(det.lang, run.target)
                # Latin Kazakh goes to the model as the Cyrillic it was trained on.
                document = plan(
                    run.read[i],
                    det.lang,
                    count_tokens=translator.count_tokens,
                    max_tokens=translator.spec.segment_tokens,
                    pack=translator.spec.pack_sentences,
                )
                job = _Job(i, document, det.lang, run)
                run.jobs.append(job)
                if translator.spec.id not in run.models:
                    run.models.append(translator.spec.id)
                for n, segment in enumerate(document.segments):
                    pending.setdefault(translator.spec.id, []).append((job, n, segment))
        for model_id, items in pending.items():
            translator = next(t for t in self.translators if t.spec.id == model_id)
            outputs = self._run_items(translator, items, glossary)
            for (job, n, _), output in zip(items, outputs, strict=True):
                job.outputs[n] = output
        for run in runs:
            run.finish()
            run.check(self.checker, self._target_notes(run))
        return [run.result() for run in runs]

    def _target_notes(self, run: _Run) -> list[str]:
        """What the manifest says about the models' output in the run's target language."""
        notes = []
        for model_id in run.models:
            translator = next(t for t in self.translators if t.spec.id == model_id)
            note = translator.spec.target_notes.get(run.target)
            if note:
                notes.append(f"{model_id}: {note}")
        return notes

    def _run_items(
        self,
        translator: SegmentTranslator,
        items: list[tuple[_Job, int, str]],
        glossary: Glossary | None = None,
    ) -> list[Translation]:
        """Translate segments through the model's batcher; long unbroken strings pass as is.

        Glossary terms go to a model that follows instructions (``takes_terms``) with the
        segment and are checked in its output; for the others they are masked and restored.
        """
        outputs: list[Translation | None] = [None] * len(items)
        by_key: dict[Hashable, list[int]] = {}
        mixed = getattr(translator, "mixed_pairs", False)
        prompted = getattr(translator, "takes_terms", False)
        terms: list[Terms] = []
        masks: list[Masked] = []
        for job, _, segment in items:
            found: Terms = ()
            if glossary is not None and glossary.applies_to(job.source_lang):
                found = glossary.terms_in(segment)
            terms.append(found)
            masks.append(Masked(segment) if prompted else mask(segment, found))
        for k, (job, _, segment) in enumerate(items):
            if is_unbroken(segment):
                outputs[k] = Translation(segment, complete=True)
                job.run.notes.append(
                    f"{_label(job.text_index, len(job.run.texts))}: an unbroken string of "
                    f"{len(segment)} characters was returned unchanged (not translatable text)"
                )
                continue
            key: Hashable = "mixed" if mixed else (job.source_lang, job.run.target)
            by_key.setdefault(key, []).append(k)
        for batch_key, members in by_key.items():
            payloads = [
                (
                    masks[k].text,
                    items[k][0].source_lang,
                    items[k][0].run.target,
                    terms[k] if prompted else (),
                )
                for k in members
            ]
            costs = [translator.count_tokens(p[0]) for p in payloads]
            batcher = self.batchers[translator.spec.id]
            results: list[Translation] = batcher.map(batch_key, payloads, costs)
            checked: dict[int, tuple[Translation, list[str]]] = {}
            for k, result in zip(members, results, strict=True):
                if not result.text.strip():
                    # The segment's length, not its text: this message is also logged.
                    job = items[k][0]
                    raise GenerationFailed(
                        f"{translator.spec.id} returned an empty translation for a segment "
                        f"of {len(items[k][2])} characters of "
                        f"{_label(job.text_index, len(job.run.texts))}",
                        param="text",
                    )
                checked[k] = _apply_terms(result, terms[k], masks[k], prompted=prompted)
            if prompted:
                self._retry_masked(translator, batch_key, items, terms, checked)
            for k, (output, missing) in checked.items():
                job, _, segment = items[k]
                job.run.glossary_misses += [
                    GlossaryMiss(job.text_index, segment, term) for term in missing
                ]
                outputs[k] = output
        return [o for o in outputs if o is not None]

    def _retry_masked(
        self,
        translator: SegmentTranslator,
        batch_key: Hashable,
        items: list[tuple[_Job, int, str]],
        terms: list[Terms],
        checked: dict[int, tuple[Translation, list[str]]],
    ) -> None:
        """Translate again, with placeholders, the LLM segments whose output missed a term.

        A small LLM often misspells a target term it was given (``АБдрахманov``) but copies
        a ``[T1]`` it is told to keep; the retry's output is taken where it misses fewer
        terms. Updates ``checked`` in place.
        """
        retry = [k for k, (_, missing) in checked.items() if missing]
        if not retry:
            return
        masks = {k: mask(items[k][2], terms[k]) for k in retry}
        payloads = [
            (
                masks[k].text,
                items[k][0].source_lang,
                items[k][0].run.target,
                tuple((f"[T{n}]", f"[T{n}]") for n in masks[k].slots),
            )
            for k in retry
        ]
        costs = [translator.count_tokens(p[0]) for p in payloads]
        results = self.batchers[translator.spec.id].map(batch_key, payloads, costs)
        for k, result in zip(retry, results, strict=True):
            text, missing = restore_terms(result.text, masks[k])
            if text.strip() and len(missing) < len(checked[k][1]):
                checked[k] = (Translation(text, result.complete), missing)


@dataclass
class _Run:
    """One job of ``translate_many``: its texts, and what is learnt translating them."""

    texts: list[str]
    target: LangCode
    detections: list[Detection]
    translations: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    models: list[str] = field(default_factory=list)
    jobs: list[_Job] = field(default_factory=list)
    incomplete: list[int] = field(default_factory=list)
    quality: list[Quality] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    advisories: list[str] = field(default_factory=list)
    glossary_misses: list[GlossaryMiss] = field(default_factory=list)
    # Each text as the models and checks read it (Latin Kazakh in Cyrillic), made once.
    read: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.translations = [""] * len(self.texts)
        self.read = [_as_read(t, d) for t, d in zip(self.texts, self.detections, strict=True)]

    def finish(self) -> None:
        """Reassemble each text from its translated segments; note the cut ones."""
        for job in self.jobs:
            outputs = [o for o in job.outputs if o is not None]
            for n, output in enumerate(outputs, start=1):
                if not output.complete:
                    self.notes.append(
                        f"{_label(job.text_index, len(self.texts))}: segment {n} "
                        "reached the model's output limit; its translation may be incomplete"
                    )
                    if job.text_index not in self.incomplete:
                        self.incomplete.append(job.text_index)
            self.translations[job.text_index] = render(
                job.document, [o.text for o in outputs], joiner=sentence_joiner(self.target)
            )

    def check(self, checker: QualityChecker, target_notes: list[str]) -> None:
        """Run the quality checks on every translation; a failure becomes a warning."""
        self.quality = [
            checker.check(read, out, source_lang=det.lang, target_lang=self.target)
            for read, out, det in zip(self.read, self.translations, self.detections, strict=True)
        ]
        for i, quality in enumerate(self.quality):
            if not quality.ok:
                failed = "; ".join(f"{c.name} ({c.detail})" for c in quality.failed)
                self.warnings.append(f"{_label(i, len(self.texts))} failed checks: {failed}")
        self.advisories = target_notes
        self.warnings += target_notes

    def result(self) -> TranslationResult:
        """The job's result."""
        return TranslationResult(
            translations=tuple(self.translations),
            source_langs=tuple(self.detections),
            target_lang=self.target,
            models=tuple(self.models),
            segments=sum(len(job.document.segments) for job in self.jobs),
            incomplete=tuple(sorted(self.incomplete)),
            notes=tuple(self.notes),
            quality=tuple(self.quality),
            warnings=tuple(self.warnings),
            advisories=tuple(self.advisories),
            glossary_misses=tuple(self.glossary_misses),
        )


def _apply_terms(
    result: Translation, terms: Terms, masked: Masked, *, prompted: bool
) -> tuple[Translation, list[str]]:
    """A segment's translation with its glossary terms in, and the source terms missed."""
    if not terms:
        return result, []
    text, missing = (
        check_terms(result.text, terms) if prompted else restore_terms(result.text, masked)
    )
    return Translation(text, result.complete), missing


def is_unbroken(segment: str) -> bool:
    """A segment that is one run of more than ``MAX_UNBROKEN_CHARS`` characters without a space
    or a CJK character: a hash, a URL or a key, not text a model should translate."""
    return (
        len(segment) > MAX_UNBROKEN_CHARS
        and not any(c.isspace() for c in segment)
        and not _CJK.search(segment)
    )


def _label(index: int, count: int) -> str:
    """How a text is named in messages: ``text`` alone, ``text[i]`` in a list."""
    return f"text[{index}]" if count > 1 else "text"


def _runner(
    translator: SegmentTranslator, generated: Counter[str]
) -> Callable[[Any, list[Any]], list[Any]]:
    mixed = getattr(translator, "mixed_pairs", False)

    def run(key: Any, payloads: list[Any]) -> list[Any]:
        if mixed:
            out = list(
                translator.translate_mixed(  # type: ignore[attr-defined]
                    [p[:3] for p in payloads], terms=[p[3] for p in payloads]
                )
            )
        else:
            _, source_lang, target_lang, _ = payloads[0]
            texts = [text for text, _, _, _ in payloads]
            del key  # the pair, which every payload carries too
            out = list(
                translator.translate_batch(texts, source_lang=source_lang, target_lang=target_lang)
            )
        generated[translator.spec.id] += sum(translator.count_tokens(t.text) for t in out)
        return out

    return run


def _as_read(text: str, detection: Detection) -> str:
    """The text as the models read it: Latin Kazakh as Cyrillic (``kazakh_latin``), and
    without soft hyphens and zero-width characters (``models.text.invisible``), which carry
    no content and reach a tokenizer as stray pieces."""
    return fold(to_cyrillic(text).cyrillic if detection.latin_kazakh else text).text
