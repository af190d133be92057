"""A causal language model: batched generation, JSON-schema-constrained output, label scoring.

Constrained decoding uses ``xgrammar`` (its transformers ``LogitsProcessor``): the output is
guaranteed to parse against the schema, so no repair loop is needed except when generation
stops at ``max_new_tokens`` before the JSON closes.
"""

from __future__ import annotations

import copy
import json
import logging
import threading
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

import torch
from transformers import AutoModelForCausalLM, AutoTokenizer, PreTrainedTokenizerBase

from models.batching import MicroBatcher
from models.config import BatchConfig
from models.errors import GenerationFailed
from models.llm.types import Generation, Message

log = logging.getLogger(__name__)
SCORING_ROWS_FACTOR = 4


def end_token_ids(model: Any, tokenizer: PreTrainedTokenizerBase) -> set[int]:
    """Token ids that end a generation (the generation config may list several)."""
    ids = getattr(model.generation_config, "eos_token_id", None)
    if ids is None:
        ids = tokenizer.eos_token_id
    return {int(i) for i in (ids if isinstance(ids, list) else [ids]) if i is not None}


class CausalLM:
    """Wraps a transformers causal LM and its tokenizer (chat template required)."""

    def __init__(
        self,
        model: Any,
        tokenizer: PreTrainedTokenizerBase,
        *,
        device: str,
        batching: BatchConfig | None = None,
    ) -> None:
        self.model = model
        self.tokenizer = tokenizer
        self.device = device
        # Left padding keeps every row's last prompt token at the same position for generate().
        self.tokenizer.padding_side = "left"
        if self.tokenizer.pad_token is None:
            self.tokenizer.pad_token = self.tokenizer.eos_token
        self._grammar_lock = threading.Lock()
        self._compiler: Any = None
        self._grammars: dict[str, Any] = {}
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

    @classmethod
    def load(cls, path: str, *, gguf_file: str | None, device: str, dtype: torch.dtype) -> CausalLM:
        """Load from a directory (optionally a GGUF file inside it). Raises ``OSError``."""
        kwargs: dict[str, Any] = {"gguf_file": gguf_file} if gguf_file else {}
        tokenizer = AutoTokenizer.from_pretrained(path, **kwargs)
        model = AutoModelForCausalLM.from_pretrained(path, dtype=dtype, **kwargs)
        model.to(device)  # type: ignore[arg-type]
        model.eval()
        return cls(model, tokenizer, device=device)

    @property
    def dtype(self) -> str:
        """The weights' dtype, e.g. ``float32``."""
        return str(self.model.dtype).removeprefix("torch.")

    def count_tokens(self, text: str) -> int:
        """Number of tokens ``text`` encodes to (no special tokens)."""
        return len(self.tokenizer.encode(text, add_special_tokens=False))

    def chat(self, messages: Sequence[Message]) -> str:
        """Render messages through the model's chat template, ready for the assistant's turn."""
        rendered = self.tokenizer.apply_chat_template(
            list(messages), tokenize=False, add_generation_prompt=True
        )
        return str(rendered)

    def chat_prefix(self, messages: Sequence[Message]) -> str:
        """The rendering of ``messages`` that every longer conversation starting with them
        starts with: pass it as ``prefix`` to ``generate`` to reuse its KV cache."""
        rendered = self.tokenizer.apply_chat_template(
            list(messages), tokenize=False, add_generation_prompt=False
        )
        return str(rendered)

    def generate(
        self,
        prompts: Sequence[str],
        *,
        max_new_tokens: int,
        schema: dict[str, Any] | None = None,
        batch_size: int = 8,
        no_repeat_ngram_size: int = 0,
        prefix: str | None = None,
    ) -> list[Generation]:
        """Greedy-generate a completion for each prompt, in input order.

        With ``schema`` the output is constrained to JSON matching it. Prompts are run in
        length-sorted batches so that padding stays small. ``prefix`` is text that every
        prompt starts with (instructions, few-shot examples): it is encoded once per process
        and its KV cache reused, so each request only pays for its own tokens. A prefix that
        some prompt does not start with is ignored.
        """
        del batch_size  # the batcher's max_batch_size / max_batch_tokens decide
        # Every row needs at least one token of its own after the prefix.
        if prefix is not None and not (
            prefix and all(p.startswith(prefix) and len(p) > len(prefix) for p in prompts)
        ):
            log.warning("generate(): prefix is not shared by every prompt; not cached")
            prefix = None
        key = (
            json.dumps(schema) if schema is not None else None,
            no_repeat_ngram_size,
            prefix,
        )
        cut = len(prefix) if prefix else 0
        payloads = [(prompt[cut:], max_new_tokens) for prompt in prompts]
        costs = [self.count_tokens(prompt[cut:]) + max_new_tokens for prompt in prompts]
        return list(self.generation_batcher.map(key, payloads, costs))

    def _run_generate(self, key: Any, payloads: list[Any]) -> list[Any]:
        schema_json, no_repeat, prefix = key
        schema = json.loads(schema_json) if schema_json is not None else None
        return self._generate_batch(
            [p for p, _ in payloads], [n for _, n in payloads], schema, no_repeat, prefix
        )

    def _generate_batch(
        self,
        prompts: list[str],
        max_new: list[int],
        schema: dict[str, Any] | None,
        no_repeat_ngram_size: int,
        prefix: str | None = None,
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
        if schema is not None:
            from xgrammar.contrib.hf import LogitsProcessor

            grammar = self._grammar(schema)
            # One processor per generate() call: it keeps per-row matcher state.
            kwargs["logits_processor"] = [LogitsProcessor([grammar] * len(prompts))]
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
        return [
            Generation(
                str(self.tokenizer.decode(row[:budget], skip_special_tokens=True)),
                complete=any(int(t) in ends for t in row[:budget]),
            )
            for row, budget in zip(new_tokens, max_new, strict=True)
        ]

    def _with_prefix(
        self, prefix: str, remainders: list[str]
    ) -> tuple[torch.Tensor, torch.Tensor, Any]:
        """Input ids, attention mask and a per-row copy of the prefix's KV cache."""
        cache, p_ids = self._prefix_rows(prefix, len(remainders))
        p_len = len(p_ids)
        rows = [self.tokenizer.encode(r, add_special_tokens=False) for r in remainders]
        width = max(len(r) for r in rows)
        pad = int(self.tokenizer.pad_token_id or 0)
        ids = torch.tensor([[*p_ids, *([pad] * (width - len(r))), *r] for r in rows])
        mask = torch.tensor([[1] * p_len + [0] * (width - len(r)) + [1] * len(r) for r in rows])
        return ids, mask, cache

    def generate_json(
        self,
        prompts: Sequence[str],
        *,
        schema: dict[str, Any],
        max_new_tokens: int,
        prefix: str | None = None,
    ) -> list[dict[str, Any] | None]:
        """Schema-constrained generation, parsed; ``None`` where the JSON did not close."""
        parsed: list[dict[str, Any] | None] = []
        outputs = self.generate(
            prompts, max_new_tokens=max_new_tokens, schema=schema, prefix=prefix
        )
        for output in outputs:
            try:
                value = json.loads(output.text)
            except json.JSONDecodeError:
                log.warning("constrained output did not complete: %r", output.text[:200])
                value = None
            parsed.append(value if isinstance(value, dict) else None)
        return parsed

    def _grammar(self, schema: dict[str, Any]) -> Any:
        import xgrammar as xgr

        # Property order is kept: the model writes fields in schema order, and that order
        # (e.g. actor before point) is part of the prompt design.
        key = json.dumps(schema)
        with self._grammar_lock:
            if self._compiler is None:
                info = xgr.TokenizerInfo.from_huggingface(
                    self.tokenizer, vocab_size=self.model.config.vocab_size
                )
                self._compiler = xgr.GrammarCompiler(info)
            if key not in self._grammars:
                # Compact JSON: whitespace tokens cost as much time as content tokens.
                self._grammars[key] = self._compiler.compile_json_schema(key, any_whitespace=False)
            return self._grammars[key]

    def score_labels(
        self, prefix: str, suffixes: Sequence[str], labels: Sequence[str], *, batch_size: int = 16
    ) -> list[list[float]]:
        """Probability of each label as the answer to ``prefix + suffix``, per suffix.

        A constrained choice in one forward pass, no sampling: the model's next-token
        distribution is read at the first token of each label. The shared ``prefix``
        (instructions and few-shot examples) is encoded once and its KV cache reused.
        Raises ``GenerationFailed`` when two labels share a first token.
        """
        first = [self.tokenizer.encode(label, add_special_tokens=False)[0] for label in labels]
        if len(set(first)) != len(first):
            raise GenerationFailed(f"labels {list(labels)} are not distinguishable by first token")
        if not suffixes:
            return []
        del batch_size  # the batcher decides
        costs = [self.count_tokens(s) for s in suffixes]
        rows = self.scoring_batcher.map(("score", prefix, tuple(first)), list(suffixes), costs)
        return [list(r) for r in rows]

    def _run_score(self, key: Any, suffixes: list[Any]) -> list[Any]:
        _, prefix, first = key
        return self._score_batch(prefix, [str(s) for s in suffixes], list(first))

    def _score_batch(self, prefix: str, suffixes: list[str], first: list[int]) -> list[list[float]]:
        """Label probabilities for one batch of suffixes after a shared, cached prefix."""
        # Only the label rows of the output projection are needed: computing full-vocabulary
        # logits (150k rows for Qwen) for every position would cost more than the model body.
        head = self.model.get_output_embeddings().weight[torch.tensor(first, device=self.device)]
        body = self.model.base_model
        ids = [self.tokenizer.encode(s, add_special_tokens=False) for s in suffixes]
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
                ids = self.tokenizer.encode(prefix, add_special_tokens=False)
                with torch.inference_mode():
                    out = self.model.base_model(
                        input_ids=torch.tensor([ids], device=self.device), use_cache=True
                    )
                # transformers 5.24 renamed the output field; older 5.x only has past_key_values.
                cache = out["cache"] if "cache" in out else out.past_key_values  # noqa: SIM401 - .get() would touch the deprecated field
                if len(self._prefixes) >= 8:
                    self._prefixes.pop(next(iter(self._prefixes)))
                self._prefixes[prefix] = (cache, ids)
            return self._prefixes[prefix]
