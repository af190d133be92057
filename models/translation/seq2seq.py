"""Seq2seq MT models (NLLB, M2M100, Marian) driven by the tokenizer and ``generate()``."""

from __future__ import annotations

import threading
from typing import Any

import torch
from transformers import AutoModelForSeq2SeqLM, AutoTokenizer, PreTrainedTokenizerBase

from models.config import GenerationOptions
from models.errors import ModelUnavailable
from models.languages import model_code
from models.llm import end_token_ids
from models.manifest import ModelSpec
from models.translation.types import Translation

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
        """Tokens ``text`` takes as model input.

        Under the lock: a fast tokenizer's padding and truncation are state of the shared
        Rust tokenizer, which every call sets, so an ``encode`` on a request thread while the
        batch thread encodes with ``padding=True`` can leave that batch unpadded (found by
        schemathesis as a 500: "expected sequence of length 7 at dim 1 (got 23)").
        """
        with self._lock:
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

    backend = "torch"

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

    def translate_batch(
        self, texts: list[str], *, source_lang: str, target_lang: str
    ) -> list[Translation]:
        """Translate one batch; one ``Translation`` per input."""
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
        forced_eos = getattr(self.model.generation_config, "forced_eos_token_id", None) is not None
        with self._lock:
            texts_out = [str(self.tokenizer.decode(row, skip_special_tokens=True)) for row in out]
        return [
            Translation(
                text,
                # out[:, 0] is the decoder start token (the end token for M2M100/NLLB).
                complete=finished([int(t) for t in row[1:]], ends, max_new, forced_eos=forced_eos),
            )
            for text, row in zip(texts_out, out, strict=True)
        ]


def finished(new_tokens: list[int], ends: set[int], budget: int, *, forced_eos: bool) -> bool:
    """Whether a generation ended on its own rather than at the ``budget`` of new tokens.

    With a ``forced_eos_token_id`` (Marian), ``generate()`` writes the end token into the last
    allowed position of a cut hypothesis, so an end token there counts as a cut.
    """
    for position, token in enumerate(new_tokens):
        if token in ends:
            return not (forced_eos and position >= budget - 1)
    return False
