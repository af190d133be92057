"""The transformers/torch LLM backend: the reference, and the GPU path (bfloat16).

Constrained decoding uses ``xgrammar``'s transformers ``LogitsProcessor``: the output is
guaranteed to parse against the schema unless generation stops at its budget first. Requests
that share a schema, prefix and n-gram ban are batched across callers (``MicroBatcher``); a
shared prefix's KV cache is computed once and copied into every row.
"""

from __future__ import annotations

import copy
import logging
import threading
import time
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

import torch
from transformers import AutoModelForCausalLM, LogitsProcessor, PreTrainedTokenizerBase

from models.batching import MicroBatcher
from models.config import BatchConfig
from models.llm.base import LLM
from models.llm.grammar import Grammars
from models.llm.tokenizer import load_tokenizer
from models.llm.types import Generation, GenerationRequest, ScriptConstraint
from models.memory import trim_heap

log = logging.getLogger(__name__)
SCORING_ROWS_FACTOR = 4
# Prefix KV caches kept per process (the few prompts that recur).
MAX_PREFIXES = 8


def end_token_ids(model: Any, tokenizer: PreTrainedTokenizerBase) -> set[int]:
    """Token ids that end a generation (the generation config may list several)."""
    ids = getattr(model.generation_config, "eos_token_id", None)
    if ids is None:
        ids = tokenizer.eos_token_id
    return {int(i) for i in (ids if isinstance(ids, list) else [ids]) if i is not None}


class TorchLLM(LLM):
    """A transformers causal LM and its tokenizer (chat template required)."""

    backend = "torch"

    def __init__(
        self,
        model: Any,
        tokenizer: PreTrainedTokenizerBase,
        *,
        device: str,
        batching: BatchConfig | None = None,
    ) -> None:
        super().__init__(tokenizer, device=device)
        self.model = model
        self._int8 = False
        # Left padding keeps every row's last prompt token at the same position for generate().
        self.tokenizer.padding_side = "left"
        self.grammars = Grammars(tokenizer, int(model.config.vocab_size))
        # Prefix KV caches, shared by the scoring and generation workers.
        self._prefix_lock = threading.Lock()
        self._prefixes: dict[str, tuple[Any, list[int]]] = {}
        self.configure_batching(batching or BatchConfig(enabled=False))

    def configure_batching(self, config: BatchConfig) -> None:
        """(Re)create the generation and scoring batchers with ``config``."""
        self.generation_batcher = MicroBatcher("llm-generate", self._run_generate, config)
        # A scoring row is one forward pass over a sentence, not a generation: four times as
        # many rows per batch (still capped by max_batch_tokens) let the sentences of several
        # concurrent articles share one pass, so those requests reach generation together.
        scoring = replace(config, max_batch_size=SCORING_ROWS_FACTOR * config.max_batch_size)
        self.scoring_batcher = MicroBatcher("llm-score", self._run_score, scoring)

    def close(self) -> None:
        """Stop the batcher threads."""
        self.generation_batcher.close()
        self.scoring_batcher.close()

    @property
    def queued(self) -> int:
        """Prompts and scoring rows waiting for a batch."""
        return self.generation_batcher.pending + self.scoring_batcher.pending

    @property
    def running(self) -> int:
        """Rows in the generation and scoring batches running now."""
        return self.generation_batcher.stats.running + self.scoring_batcher.stats.running

    @classmethod
    def load(
        cls,
        path: str,
        *,
        gguf_file: str | None,
        device: str,
        dtype: torch.dtype,
        int8: bool = False,
    ) -> TorchLLM:
        """Load from a directory (optionally a GGUF file inside it, dequantised). With
        ``int8`` (CPU only) every linear layer is then quantised to int8 in place (torch
        dynamic quantisation: int8 weights, activations quantised per batch). Raises
        ``OSError``."""
        kwargs: dict[str, Any] = {"gguf_file": gguf_file} if gguf_file else {}
        tokenizer = load_tokenizer(path, gguf_file)
        model = AutoModelForCausalLM.from_pretrained(path, dtype=dtype, **kwargs)
        model.to(device)  # type: ignore[arg-type]
        model.eval()
        llm = cls(model, tokenizer, device=device)
        if int8:
            llm._quantise_int8()
        return llm

    def _quantise_int8(self) -> None:
        import gc
        import warnings

        with warnings.catch_warnings():
            # torch.ao.quantization is deprecated in favour of torchao, not a dependency here;
            # it is the quantiser torch 2.13 ships (FBGEMM int8 kernels).
            warnings.simplefilter("ignore", DeprecationWarning)
            torch.ao.quantization.quantize_dynamic(
                self.model, {torch.nn.Linear}, dtype=torch.qint8, inplace=True
            )
        self.backend = "torch-int8"
        self._int8 = True
        gc.collect()
        trim_heap()  # the float32 weights int8 replaced

    @property
    def dtype(self) -> str:
        """The weights' dtype, e.g. ``float32`` (``int8`` after dynamic quantisation)."""
        if self._int8:
            return "int8"
        return str(self.model.dtype).removeprefix("torch.")

    def _run(self, requests: Sequence[GenerationRequest]) -> list[Generation]:
        # Rows that share schema, prefix, n-gram ban and script constraint can share one
        # generate() call.
        groups: dict[tuple[str | None, int, str | None, ScriptConstraint | None], list[int]] = {}
        for i, r in enumerate(requests):
            key = (r.schema_json, r.no_repeat_ngram_size, r.prefix, r.script)
            groups.setdefault(key, []).append(i)
        out: list[Generation | None] = [None] * len(requests)
        for key, members in groups.items():
            prefix = key[2]
            cut = len(prefix) if prefix else 0
            payloads = [(requests[i].prompt[cut:], requests[i].max_new_tokens) for i in members]
            costs = [self.count_tokens(p) + n for p, n in payloads]
            for i, result in zip(
                members, self.generation_batcher.map(key, payloads, costs), strict=True
            ):
                out[i] = result
        return [g for g in out if g is not None]

    def _run_generate(self, key: Any, payloads: list[Any]) -> list[Any]:
        schema_json, no_repeat, prefix, script = key
        started = time.perf_counter()
        outputs = self._generate_batch(
            [p for p, _ in payloads],
            [n for _, n in payloads],
            schema_json,
            no_repeat,
            prefix,
            script,
        )
        self.stats.decode_s += time.perf_counter() - started
        self.stats.record_batch(len(payloads))
        return outputs

    def _generate_batch(
        self,
        prompts: list[str],
        max_new: list[int],
        schema_json: str | None,
        no_repeat_ngram_size: int,
        prefix: str | None = None,
        script: ScriptConstraint | None = None,
    ) -> list[Generation]:
        """One ``generate()`` for rows with their own budgets (cut to each row's budget).

        With ``prefix`` the rows are the prompts' remainders after it: each row becomes
        ``prefix + pads + remainder`` with the pads masked out ("middle" padding), and the
        prefix's cached KV is copied into every row, so ``generate()`` only runs the
        remainders. Positions come from the attention mask, so a row's logits equal those of
        its unpadded prompt.
        """
        kwargs: dict[str, Any] = {
            "max_new_tokens": max(max_new),
            "do_sample": False,
            "pad_token_id": self.tokenizer.pad_token_id,
        }
        if no_repeat_ngram_size:
            kwargs["no_repeat_ngram_size"] = no_repeat_ngram_size
        if schema_json is not None:
            from xgrammar.contrib.hf import LogitsProcessor

            grammar = self.grammars.compiled(schema_json)
            # One processor per generate() call: it keeps per-row matcher state.
            kwargs["logits_processor"] = [LogitsProcessor([grammar] * len(prompts))]
        if script is not None:
            width = int(self.model.get_output_embeddings().out_features)
            ban = torch.from_numpy(self.script_ban(script, width)).to(self.device)
            kwargs.setdefault("logits_processor", []).append(_BanTokens(ban))
        with torch.inference_mode():
            if prefix:
                ids, mask, kwargs["cache"] = self._with_prefix(prefix, prompts)
            else:
                enc = self.tokenizer(
                    prompts, return_tensors="pt", padding=True, add_special_tokens=False
                )
                ids, mask = enc["input_ids"], enc["attention_mask"]
            ids, mask = ids.to(self.device), mask.to(self.device)
            out = self.model.generate(input_ids=ids, attention_mask=mask, **kwargs)
        new_tokens = out[:, ids.shape[1] :]
        ends = end_token_ids(self.model, self.tokenizer)
        self.stats.prompt_tokens += sum(self.count_tokens(p) for p in prompts)
        results = []
        for row, budget in zip(new_tokens, max_new, strict=True):
            kept = [int(t) for t in row[:budget]]
            complete = any(t in ends for t in kept)
            self.stats.generated_tokens += next(
                (n + 1 for n, t in enumerate(kept) if t in ends), len(kept)
            )
            results.append(Generation(self.decode(kept), complete=complete))
        return results

    def _with_prefix(
        self, prefix: str, remainders: list[str]
    ) -> tuple[torch.Tensor, torch.Tensor, Any]:
        """Input ids, attention mask and a per-row copy of the prefix's KV cache."""
        cache, p_ids = self._prefix_rows(prefix, len(remainders))
        p_len = len(p_ids)
        rows = [self.encode(r) for r in remainders]
        width = max(len(r) for r in rows)
        pad = int(self.tokenizer.pad_token_id or 0)
        ids = torch.tensor([[*p_ids, *([pad] * (width - len(r))), *r] for r in rows])
        mask = torch.tensor([[1] * p_len + [0] * (width - len(r)) + [1] * len(r) for r in rows])
        return ids, mask, cache

    def _score(
        self, prefix: str, suffixes: Sequence[str], label_ids: Sequence[int]
    ) -> list[list[float]]:
        costs = [self.count_tokens(s) for s in suffixes]
        rows = self.scoring_batcher.map(("score", prefix, tuple(label_ids)), list(suffixes), costs)
        return [list(r) for r in rows]

    def _run_score(self, key: Any, suffixes: list[Any]) -> list[Any]:
        _, prefix, first = key
        started = time.perf_counter()
        rows = self._score_batch(prefix, [str(s) for s in suffixes], list(first))
        self.stats.prefill_s += time.perf_counter() - started
        self.stats.scored_rows += len(rows)
        return rows

    def _score_batch(self, prefix: str, suffixes: list[str], first: list[int]) -> list[list[float]]:
        """Label probabilities for one batch of suffixes after a shared, cached prefix."""
        # Only the label rows of the output projection are needed: computing full-vocabulary
        # logits (150k rows for Qwen) for every position would cost more than the model body.
        head = self._label_rows(first)
        body = self.model.base_model
        ids = [self.encode(s) for s in suffixes]
        width = max(len(x) for x in ids)
        pad = int(self.tokenizer.pad_token_id or 0)
        # Right padding: with a causal mask, pads after a row's last token cannot change that
        # token's hidden state, so no per-row position juggling is needed.
        batch = torch.tensor([x + [pad] * (width - len(x)) for x in ids], device=self.device)
        with torch.inference_mode():
            cache, prefix_ids = self._prefix_rows(prefix, len(ids))
            p_len = len(prefix_ids)
            mask = torch.ones((len(ids), p_len + width), dtype=torch.long, device=self.device)
            positions = torch.arange(p_len, p_len + width, device=self.device)
            hidden = body(
                input_ids=batch,
                attention_mask=mask,
                cache=cache,
                position_ids=positions.expand(len(ids), -1),
                use_cache=True,
            ).last_hidden_state
            last = torch.tensor([len(x) - 1 for x in ids], device=self.device)
            rows = hidden[torch.arange(len(ids), device=self.device), last]
            probs = (rows @ head.T).float().softmax(-1)
        return [list(map(float, row)) for row in probs.tolist()]

    def _label_rows(self, ids: list[int]) -> torch.Tensor:
        """The output projection's rows for ``ids`` (dequantised when the layer is int8)."""
        head = self.model.get_output_embeddings()
        index = torch.tensor(ids, device=self.device)
        weight = head.weight
        if callable(weight):  # a dynamically quantised Linear returns its qint8 weight
            rows: torch.Tensor = weight()[index].dequantize()
            return rows
        plain: torch.Tensor = weight[index]
        return plain

    def _prefix_rows(self, prefix: str, rows: int) -> tuple[Any, list[int]]:
        """A copy of the prefix's KV cache repeated for ``rows`` rows, and the prefix's ids."""
        prefix_cache, ids = self._prefix_cache(prefix)
        cache = copy.deepcopy(prefix_cache)
        cache.batch_repeat_interleave(rows)
        return cache, ids

    def _prefix_cache(self, prefix: str) -> tuple[Any, list[int]]:
        """KV cache and token ids of an encoded prefix (the few prompts that recur).

        Shared by the scoring and generation workers, hence the lock; callers copy the
        cache before extending it.
        """
        with self._prefix_lock:
            if prefix not in self._prefixes:
                ids = self.encode(prefix)
                with torch.inference_mode():
                    out = self.model.base_model(
                        input_ids=torch.tensor([ids], device=self.device), use_cache=True
                    )
                # transformers 5.24 renamed the output field; older 5.x only has past_key_values.
                cache = out["cache"] if "cache" in out else out.past_key_values  # noqa: SIM401 - .get() would touch the deprecated field
                if len(self._prefixes) >= MAX_PREFIXES:
                    self._prefixes.pop(next(iter(self._prefixes)))
                self._prefixes[prefix] = (cache, ids)
            return self._prefixes[prefix]


class _BanTokens(LogitsProcessor):
    """Sets the logits of banned tokens (a boolean mask over the vocabulary) to ``-inf``."""

    def __init__(self, banned: torch.Tensor) -> None:
        self.banned = banned

    def __call__(  # the LogitsProcessor signature
        self,
        input_ids: torch.LongTensor,  # noqa: ARG002
        scores: torch.FloatTensor,
    ) -> torch.FloatTensor:
        masked: torch.FloatTensor = scores.masked_fill(  # type: ignore[assignment]
            self.banned[: scores.shape[-1]], float("-inf")
        )
        return masked
