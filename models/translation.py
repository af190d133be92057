"""Translation: seq2seq MT models (NLLB, M2M100, Marian) and LLM prompt translation.

Long text is cut into sentence segments under each model's budget (``models.segmentation``),
every segment of a request goes through ``generate()`` in length-sorted batches, and the
translations are put back with the original line breaks. Nothing is dropped: a segment the
model returns empty for is an error, not a gap.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import torch
from transformers import AutoModelForSeq2SeqLM, AutoTokenizer, PreTrainedTokenizerBase

import prompts
from models.batching import BatchConfig, MicroBatcher
from models.errors import GenerationFailed, ModelUnavailable, UnsupportedLanguage
from models.langdetect import Detection, LanguageDetector
from models.languages import SUPPORTED, language_name, model_code
from models.llm import CausalLM, Output, end_token_ids
from models.manifest import ModelSpec
from models.segmentation import Document, plan, render, sentence_joiner

log = logging.getLogger(__name__)


class SegmentTranslator(Protocol):
    """Translates already-segmented text; one instance per loaded model."""

    spec: ModelSpec

    @property
    def dtype(self) -> str:
        """Weight or compute type, for ``/models`` (e.g. ``float32``, ``int8``)."""
        ...

    def count_tokens(self, text: str) -> int:
        """Tokens ``text`` takes as model input."""
        ...

    def translate_batch(self, texts: list[str], *, source_lang: str, target_lang: str) -> list[str]:
        """Translate one batch of segments (public language codes); same order and length."""
        ...


@dataclass(frozen=True)
class GenerationOptions:
    """Decoding settings shared by the translators."""

    num_beams: int = 1
    max_new_tokens_factor: float = 2.0
    max_new_tokens_floor: int = 16
    # Benchmarks only: force exactly this many new tokens (min = max) so every system
    # compared does the same work whatever the (random) weights emit.
    fixed_new_tokens: int | None = None

    def max_new_tokens(self, longest_input: int) -> int:
        """Output budget for a batch whose longest input has ``longest_input`` tokens."""
        if self.fixed_new_tokens is not None:
            return self.fixed_new_tokens
        return max(self.max_new_tokens_floor, int(longest_input * self.max_new_tokens_factor))


SEQ2SEQ_FAMILIES = ("nllb", "m2m100", "marian")


class Seq2SeqTokens:
    """The tokenizer side that the torch and CTranslate2 seq2seq backends share.

    ``src_lang`` is tokenizer state, so encoding holds a lock: concurrent batches for other
    language pairs cannot mix it up.
    """

    def __init__(self, spec: ModelSpec, tokenizer: PreTrainedTokenizerBase) -> None:
        if spec.family not in SEQ2SEQ_FAMILIES:
            raise ValueError(f"{spec.id}: unsupported seq2seq family {spec.family!r}")
        self.spec = spec
        self.tokenizer = tokenizer
        self._lock = threading.Lock()

    def count_tokens(self, text: str) -> int:
        """Tokens ``text`` takes as model input."""
        return len(self.tokenizer.encode(text, add_special_tokens=True))

    def set_source(self, source_lang: str) -> None:
        """Point the tokenizer at ``source_lang`` (call with ``self._lock`` held)."""
        if self.spec.family != "marian":
            self.tokenizer.src_lang = model_code(self.spec.family, source_lang)

    def target_token_id(self, target_lang: str) -> int | None:
        """The target-language token that starts the output (None for Marian: one pair).

        Raises ``ModelUnavailable`` when the tokenizer lacks it (a bare sentencepiece NLLB
        tokenizer has no language codes until they are added).
        """
        family = self.spec.family
        if family == "marian":
            return None
        code = model_code(family, target_lang)
        if family == "m2m100":
            return int(self.tokenizer.get_lang_id(code))
        token_id = self.tokenizer.convert_tokens_to_ids(code)
        if not isinstance(token_id, int) or token_id == self.tokenizer.unk_token_id:
            raise ModelUnavailable(model=self.spec.id, reason=f"tokenizer has no {code} token")
        return token_id


class Seq2SeqTranslator(Seq2SeqTokens):
    """An encoder-decoder MT model driven by the tokenizer + ``generate()``."""

    def __init__(
        self,
        spec: ModelSpec,
        model: Any,
        tokenizer: PreTrainedTokenizerBase,
        *,
        device: str,
        options: GenerationOptions,
    ) -> None:
        super().__init__(spec, tokenizer)
        self.model = model
        self.device = device
        self.options = options

    @classmethod
    def load(
        cls,
        spec: ModelSpec,
        path: str,
        *,
        device: str,
        dtype: torch.dtype,
        options: GenerationOptions,
    ) -> Seq2SeqTranslator:
        """Load tokenizer and model from a local directory. Raises ``OSError``."""
        tokenizer = AutoTokenizer.from_pretrained(path)
        model = AutoModelForSeq2SeqLM.from_pretrained(path, dtype=dtype)
        model.to(device)
        model.eval()
        return cls(spec, model, tokenizer, device=device, options=options)

    @property
    def dtype(self) -> str:
        """The weights' dtype, e.g. ``float32``."""
        return str(self.model.dtype).removeprefix("torch.")

    def translate_batch(self, texts: list[str], *, source_lang: str, target_lang: str) -> list[str]:
        """Translate one batch; returns one string per input."""
        with self._lock:
            self.set_source(source_lang)
            enc = self.tokenizer(texts, return_tensors="pt", padding=True).to(self.device)
        forced = self.target_token_id(target_lang)
        max_new = self.options.max_new_tokens(int(enc["input_ids"].shape[1]))
        kwargs: dict[str, Any] = {"max_new_tokens": max_new, "num_beams": self.options.num_beams}
        if self.options.fixed_new_tokens is not None:
            kwargs["min_new_tokens"] = max_new
        if forced is not None:
            kwargs["forced_bos_token_id"] = forced
        with torch.inference_mode():
            out = self.model.generate(**enc, **kwargs)
        ends = end_token_ids(self.model, self.tokenizer)
        # out[:, 0] is the decoder start token, which is the end token for M2M100/NLLB.
        return [
            Output(
                str(self.tokenizer.decode(row, skip_special_tokens=True)),
                complete=any(int(t) in ends for t in row[1:]),
            )
            for row in out
        ]


class LLMTranslator:
    """Translation by prompting the profile's instruct LLM (used where no MT model exists)."""

    def __init__(self, spec: ModelSpec, llm: CausalLM) -> None:
        self.spec = spec
        self.llm = llm

    @property
    def dtype(self) -> str:
        """The LLM's weight dtype."""
        return self.llm.dtype

    def count_tokens(self, text: str) -> int:
        """Tokens ``text`` takes in the prompt."""
        return self.llm.count_tokens(text)

    def translate_batch(self, texts: list[str], *, source_lang: str, target_lang: str) -> list[str]:
        """Translate one batch through the ``translate_*`` prompt templates."""
        system = prompts.render(
            "translate_system",
            source_language=language_name(source_lang),
            target_language=language_name(target_lang),
        )
        head = [{"role": "system", "content": system}]
        chats = [
            self.llm.chat(
                [*head, {"role": "user", "content": prompts.render("translate_user", text=text)}]
            )
            for text in texts
        ]
        longest = max(self.count_tokens(t) for t in texts)
        # Kazakh and Chinese take more tokens than English for the same content.
        # Small models fall into loops ("жана жана жана ...") in languages they know poorly;
        # forbidding repeated 4-grams stops the loop without touching normal text.
        outputs = self.llm.generate(
            chats,
            max_new_tokens=3 * longest + 16,
            no_repeat_ngram_size=4,
            prefix=self.llm.chat_prefix(head),
        )
        return [_first_block(out, text) for out, text in zip(outputs, texts, strict=True)]


def _first_block(output: str, source: str) -> str:
    """The translation without what a chat model appends after it.

    Segments are single sentences or packed sentences of one paragraph (no line breaks), so a
    line break in the output starts a remark ("Note: ...", a second version) or a loop, not
    more translation; the paragraph structure is restored by the document renderer.
    """
    text = output.strip()
    if "\n" in source or "\n" not in text:
        return text
    return next(line.strip() for line in text.splitlines() if line.strip())


@dataclass
class TranslationResult:
    """Translations aligned with the input texts, with what produced them."""

    translations: list[str]
    source_langs: list[Detection]
    target_lang: str
    models: list[str]
    segments: int
    notes: list[str] = field(default_factory=list)


@dataclass
class _Job:
    text_index: int
    source_lang: str
    document: Document
    outputs: list[str] = field(default_factory=list)


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

    def detect(self, texts: Sequence[str], source_lang: str) -> list[Detection]:
        """The source language of each text: given (confidence 1.0) or detected."""
        return [
            self.detector.resolve(
                text, source_lang, param=f"text[{i}]" if len(texts) > 1 else "text"
            )
            for i, text in enumerate(texts)
        ]

    def translate(
        self, texts: Sequence[str], *, target_lang: str, source_lang: str = "auto"
    ) -> TranslationResult:
        """Translate every text into ``target_lang``; returns translations in input order.

        Raises ``UnsupportedLanguage``, ``ModelUnavailable`` or ``GenerationFailed``.
        """
        detections = self.detect(texts, source_lang)
        result = TranslationResult([""] * len(texts), detections, target_lang, [], 0)
        jobs: dict[str, list[_Job]] = {}
        for i, (text, det) in enumerate(zip(texts, detections, strict=True)):
            if det.lang == target_lang:
                result.translations[i] = text
                label = f"text[{i}]" if len(texts) > 1 else "text"
                result.notes.append(f"{label} is already in {target_lang}; returned unchanged")
                continue
            translator = self.route(det.lang, target_lang)
            document = plan(
                text,
                det.lang,
                count_tokens=translator.count_tokens,
                max_tokens=translator.spec.segment_tokens,
                pack=translator.spec.pack_sentences,
            )
            jobs.setdefault(det.lang, []).append(_Job(i, det.lang, document))
        for lang, group in jobs.items():
            translator = self.route(lang, target_lang)
            if translator.spec.id not in result.models:
                result.models.append(translator.spec.id)
            segments = [(job, seg) for job in group for seg in job.document.segments]
            result.segments += len(segments)
            outputs = self._run_sorted(translator, [s for _, s in segments], lang, target_lang)
            for (job, _), output in zip(segments, outputs, strict=True):
                job.outputs.append(output)
                if getattr(output, "complete", True) is False:
                    label = f"text[{job.text_index}]" if len(texts) > 1 else "text"
                    result.notes.append(
                        f"{label}: segment {len(job.outputs)} reached the model's output limit; "
                        "its translation may be incomplete"
                    )
            for job in group:
                result.translations[job.text_index] = render(
                    job.document, job.outputs, joiner=sentence_joiner(target_lang)
                )
        return result

    def _run_sorted(
        self, translator: SegmentTranslator, segments: list[str], source_lang: str, target_lang: str
    ) -> list[str]:
        costs = [translator.count_tokens(s) for s in segments]
        outputs = self.batchers[translator.spec.id].map((source_lang, target_lang), segments, costs)
        for segment, text in zip(segments, outputs, strict=True):
            if not str(text).strip():
                raise GenerationFailed(
                    f"{translator.spec.id} returned an empty translation for segment "
                    f"{segment[:60]!r}",
                    param="text",
                )
        return list(outputs)


def _runner(translator: SegmentTranslator) -> Callable[[Any, list[Any]], list[Any]]:
    def run(key: Any, texts: list[Any]) -> list[Any]:
        source_lang, target_lang = key
        return list(
            translator.translate_batch(texts, source_lang=source_lang, target_lang=target_lang)
        )

    return run
