"""CTranslate2 backend for the seq2seq MT models (NLLB, M2M100, Marian).

The transformers checkpoint is converted once (``TransformersConverter``) into a cache
directory keyed by the model directory and its files' sizes and mtimes, then served by
``ctranslate2.Translator`` (int8 on CPU, float16 on GPU by default). Tokenisation and
detokenisation stay with the Hugging Face tokenizer, so segment budgets (``count_tokens``)
and the decoded text follow the torch backend exactly.

Decoding mirrors ``Seq2SeqTranslator`` (``generate()``):

* the target language token is a one-token target prefix (NLLB ``kaz_Cyrl``, M2M100
  ``__kk__``); like ``forced_bos_token_id`` in transformers it counts as a new token, so
  ``max_decoding_length`` = ``max_new_tokens`` and in fixed mode ``min_decoding_length`` =
  ``max_decoding_length`` give exactly the same number of decoder steps as torch;
* ``min_decoding_length`` is 0 outside fixed mode (CTranslate2's default of 1 would forbid an
  immediate end token that ``generate()`` allows);
* a ``forced_eos_token_id`` in the model's generation config (Marian has one) makes
  ``generate()`` put the end token in the last allowed position; a hypothesis that reaches
  the length limit therefore loses its last token here, as it does there;
* inputs are not truncated (``max_input_length=0``): the segmenter already bounds them.
"""

from __future__ import annotations

import hashlib
import logging
import shutil
import tempfile
import threading
from pathlib import Path
from typing import Any

import torch
from transformers import AutoTokenizer, GenerationConfig, PreTrainedTokenizerBase

from models.config import GenerationOptions
from models.manifest import ModelSpec
from models.translation.seq2seq import SEQ2SEQ_FAMILIES, Seq2SeqTokens
from models.translation.types import Translation

log = logging.getLogger(__name__)

# Weight types the converter can store; a compute type outside this list ("auto",
# "default") keeps float32 weights and lets CTranslate2 pick at load time.
_QUANTIZATIONS = (
    "int8",
    "int8_float32",
    "int8_float16",
    "int8_bfloat16",
    "int16",
    "float16",
    "bfloat16",
    "float32",
)
_convert_lock = threading.Lock()


def default_compute_type(device: str) -> str:
    """int8 on CPU (fast integer GEMMs, a quarter of the memory), float16 on GPU."""
    return "float16" if device.startswith("cuda") else "int8"


def cache_key(path: str | Path, quantization: str | None) -> str:
    """A stable name for the converted copy of the model directory ``path``.

    It changes when the directory moves or any top-level file (config, weights, tokenizer)
    changes size or mtime, when the weight type changes, or with the CTranslate2 version.
    """
    import ctranslate2

    root = Path(path).resolve()
    digest = hashlib.sha256()
    digest.update(f"{root}\0{quantization or 'float32'}\0{ctranslate2.__version__}".encode())
    for entry in sorted(root.iterdir()):
        if entry.is_file():
            stat = entry.stat()
            digest.update(f"\0{entry.name}\0{stat.st_size}\0{stat.st_mtime_ns}".encode())
    return f"{root.name}-{quantization or 'float32'}-{digest.hexdigest()[:16]}"


def convert_cached(path: str | Path, cache_dir: Path, quantization: str | None) -> Path:
    """The converted model for ``path`` under ``cache_dir``, converting it on first use.

    The conversion is written to a temporary directory beside the cache entry and renamed
    into place, so an interrupted conversion never leaves a half-written entry behind.
    Raises ``OSError`` or ``ValueError`` when the model cannot be read or converted.
    """
    cache_dir.mkdir(parents=True, exist_ok=True)
    out_dir = cache_dir / cache_key(path, quantization)
    with _convert_lock:
        if (out_dir / "model.bin").is_file():
            log.info("ctranslate2: reusing converted model %s", out_dir)
            return out_dir
        tmp = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.", dir=cache_dir))
        try:
            log.info("ctranslate2: converting %s (%s) into %s", path, quantization, out_dir)
            _converter(str(path)).convert(str(tmp), quantization=quantization, force=True)
            try:
                tmp.rename(out_dir)
            except OSError:
                # Another process finished the same conversion first; use its copy.
                if not (out_dir / "model.bin").is_file():
                    raise
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    return out_dir


def _converter(path: str) -> Any:
    from ctranslate2.converters import TransformersConverter

    class PaddingConverter(TransformersConverter):
        """Pads the vocabulary when the embedding matrix is larger than the tokenizer.

        Checkpoints may round the embedding up (to a multiple of 8, or a random model built
        with a real vocabulary size and a small tokenizer); CTranslate2 needs one vocabulary
        entry per row. The padding tokens are never produced by the tokenizer and decode
        like any id the tokenizer does not know.
        """

        def _load(self) -> Any:
            spec = super()._load()
            vocabularies = getattr(spec, "_vocabularies", None)
            if not isinstance(vocabularies, dict):
                return spec
            sizes = {
                "source": spec.get_source_vocabulary_size(),
                "target": spec.get_target_vocabulary_size(),
            }
            for name, expected in sizes.items():
                expected_sizes = expected if isinstance(expected, list) else [expected]
                for tokens, size in zip(vocabularies.get(name, []), expected_sizes, strict=False):
                    # source and target may be the same list object: pad only once
                    tokens.extend(f"<ct2_unused_{i}>" for i in range(len(tokens), size))
            return spec

    return PaddingConverter(path)


class CT2Translator(Seq2SeqTokens):
    """A seq2seq MT model served by CTranslate2 (implements ``SegmentTranslator``)."""

    backend = "ctranslate2"

    def __init__(
        self,
        spec: ModelSpec,
        translator: Any,
        tokenizer: PreTrainedTokenizerBase,
        *,
        options: GenerationOptions,
        compute_type: str,
        forced_eos: bool = False,
    ) -> None:
        super().__init__(spec, tokenizer)
        self.translator = translator
        self.options = options
        self.compute_type = compute_type
        self.forced_eos = forced_eos

    @classmethod
    def load(
        cls,
        spec: ModelSpec,
        path: str,
        *,
        device: str,
        cache_dir: Path,
        options: GenerationOptions,
        compute_type: str | None = None,
    ) -> CT2Translator:
        """Convert (once, cached) and load the model in ``path``.

        Raises ``OSError``/``ValueError``/``RuntimeError`` when it cannot be converted or loaded.
        """
        import ctranslate2

        if spec.family not in SEQ2SEQ_FAMILIES:
            raise ValueError(f"{spec.id}: unsupported seq2seq family {spec.family!r}")
        compute_type = compute_type or default_compute_type(device)
        quantization = compute_type if compute_type in _QUANTIZATIONS else None
        out_dir = convert_cached(path, cache_dir, quantization)
        kind, _, index = device.partition(":")
        translator = ctranslate2.Translator(
            str(out_dir),
            device="cuda" if kind == "cuda" else "cpu",
            device_index=int(index or 0),
            compute_type=compute_type,
            inter_threads=1,
            intra_threads=torch.get_num_threads(),
        )
        tokenizer = AutoTokenizer.from_pretrained(path)
        try:
            forced_eos = GenerationConfig.from_pretrained(path).forced_eos_token_id is not None
        except OSError:
            forced_eos = False
        return cls(
            spec,
            translator,
            tokenizer,
            options=options,
            compute_type=compute_type,
            forced_eos=forced_eos,
        )

    @property
    def dtype(self) -> str:
        """The compute type asked for, e.g. ``int8`` (CTranslate2 may run it as int8_float32)."""
        return self.compute_type

    def _target_prefix(self, target_lang: str) -> list[str] | None:
        token_id = self.target_token_id(target_lang)
        return None if token_id is None else [str(self.tokenizer.convert_ids_to_tokens(token_id))]

    def generate_tokens(
        self, texts: list[str], *, source_lang: str, target_lang: str
    ) -> tuple[list[list[str]], int]:
        """Raw hypotheses (target prefix and end token included) and the length limit used."""
        with self._lock:
            self.set_source(source_lang)
            source = [self.tokenizer.convert_ids_to_tokens(self.tokenizer.encode(t)) for t in texts]
        prefix = self._target_prefix(target_lang)
        max_len = self.options.max_new_tokens(max(len(s) for s in source))
        fixed = self.options.fixed_new_tokens is not None
        results = self.translator.translate_batch(
            source,
            target_prefix=[prefix] * len(texts) if prefix else None,
            beam_size=self.options.num_beams,
            max_decoding_length=max_len,
            min_decoding_length=max_len if fixed else 0,
            max_input_length=0,
            return_end_token=True,
        )
        return [list(r.hypotheses[0]) for r in results], max_len

    def translate_batch(
        self, texts: list[str], *, source_lang: str, target_lang: str
    ) -> list[Translation]:
        """Translate one batch; one ``Translation`` per input."""
        if not texts:
            return []
        hypotheses, max_len = self.generate_tokens(
            texts, source_lang=source_lang, target_lang=target_lang
        )
        skip = 0 if self.spec.family == "marian" else 1
        eos = self.tokenizer.eos_token
        outputs = []
        for tokens in hypotheses:
            # A hypothesis that fills the length limit was cut, whatever its last token: the
            # same rule as torch's (models/translation/seq2seq.py ``finished``), where a forced
            # end token lands in the last position.
            complete = bool(tokens) and tokens[-1] == eos
            if len(tokens) >= max_len and (self.forced_eos or tokens[-1] != eos):
                complete = False
            if self.forced_eos and len(tokens) >= max_len and tokens[-1] != eos:
                # generate() forces the end token into the last position; do the same.
                tokens = tokens[: max_len - 1]
            ids = self.tokenizer.convert_tokens_to_ids(tokens[skip:])
            text = str(self.tokenizer.decode(ids, skip_special_tokens=True))
            outputs.append(Translation(text, complete=complete))
        return outputs
