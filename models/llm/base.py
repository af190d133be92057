"""The LLM backend interface the summary and translation code use, and what backends share.

A backend implements three things: ``_run`` (greedy generation of a batch of requests,
each with its own budget, optional JSON-schema constraint, cached prompt prefix and
n-gram ban), ``_score`` (label probabilities from one forward pass per suffix after a
cached prefix) and ``close``. Everything else (chat rendering with the model's template,
token counting, JSON parsing, label checks) is shared here, on the Hugging Face tokenizer,
so the same prompt is the same token sequence on every backend.
"""

from __future__ import annotations

import json
import logging
from abc import ABC, abstractmethod
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from transformers import PreTrainedTokenizerBase

from models.config import BatchConfig
from models.errors import GenerationFailed
from models.llm.scripts import ScriptMasks
from models.llm.types import Generation, GenerationRequest, Message, ScoreJob, ScriptConstraint

log = logging.getLogger(__name__)


@dataclass
class LLMStats:
    """Work counters for ``/metrics`` and the benchmark (read without locking)."""

    prompt_tokens: int = 0
    generated_tokens: int = 0
    scored_rows: int = 0
    prefill_s: float = 0.0
    decode_s: float = 0.0
    batches: int = 0
    largest_batch: int = 0
    batch_sizes: Counter[int] = field(default_factory=Counter)  # batches (steps) by size
    extra: dict[str, float] = field(default_factory=dict)

    def record_batch(self, size: int) -> None:
        """Count one generate() call (or llama.cpp step) over ``size`` rows."""
        self.batches += 1
        self.largest_batch = max(self.largest_batch, size)
        self.batch_sizes[size] += 1


class LLM(ABC):
    """An instruct LLM with a chat template, behind one of the backends."""

    backend: str = ""
    # Whether the backend queues rows itself and admits new ones while others decode, so
    # that callers on several threads share its steps (llama.cpp); torch's generate() runs
    # in the caller's thread, one call at a time.
    schedules_rows: bool = False

    def __init__(self, tokenizer: PreTrainedTokenizerBase, *, device: str) -> None:
        self.tokenizer = tokenizer
        self.device = device
        self.stats = LLMStats()
        self._script_masks: ScriptMasks | None = None
        if self.tokenizer.pad_token is None:
            self.tokenizer.pad_token = self.tokenizer.eos_token

    # ------------------------------------------------------------------ the backend's part

    @property
    @abstractmethod
    def dtype(self) -> str:
        """Weight or compute type for ``/models`` (``float32``, ``bfloat16``, ``Q4_K`` ...)."""

    @abstractmethod
    def configure_batching(self, config: BatchConfig) -> None:
        """Set the cross-request batching limits."""

    @abstractmethod
    def _run(self, requests: Sequence[GenerationRequest]) -> list[Generation]:
        """Generate for every request (prefixes already checked); results in input order."""

    @abstractmethod
    def _score(
        self, prefix: str, suffixes: Sequence[str], label_ids: Sequence[int]
    ) -> list[list[float]]:
        """Softmax over ``label_ids``' logits after ``prefix + suffix``, per suffix."""

    @abstractmethod
    def close(self) -> None:
        """Stop worker threads and free the model."""

    @property
    def queued(self) -> int:
        """Prompts waiting for the model (0 for a backend without a queue)."""
        return 0

    @property
    def running(self) -> int:
        """Prompts the model is generating for or scoring now."""
        return 0

    # ------------------------------------------------------------------ shared

    def script_ban(self, constraint: ScriptConstraint, vocab_size: int) -> np.ndarray:
        """The tokens ``constraint`` forbids, over a ``vocab_size`` logits row (built once
        per script, the first time in about a second for a 150k vocabulary)."""
        masks = self._script_masks
        if masks is None or masks.vocab_size != vocab_size:
            masks = self._script_masks = ScriptMasks(self.tokenizer, vocab_size)
        return masks.banned(constraint)

    def count_tokens(self, text: str) -> int:
        """Number of tokens ``text`` encodes to (no special tokens)."""
        return len(self.encode(text))

    def encode(self, text: str) -> list[int]:
        """Token ids of ``text`` (no special tokens added; special tokens in it are parsed)."""
        return list(self.tokenizer.encode(text, add_special_tokens=False))

    def decode(self, ids: Sequence[int]) -> str:
        """The text of generated ids, special tokens dropped."""
        return str(self.tokenizer.decode(list(ids), skip_special_tokens=True))

    def chat(self, messages: Sequence[Message]) -> str:
        """Render messages through the model's chat template, ready for the assistant's turn."""
        rendered = self.tokenizer.apply_chat_template(
            list(messages), tokenize=False, add_generation_prompt=True
        )
        return str(rendered)

    def chat_prefix(self, messages: Sequence[Message]) -> str:
        """The rendering of ``messages`` that every longer conversation starting with them
        starts with: pass it as ``prefix`` to reuse its KV cache."""
        rendered = self.tokenizer.apply_chat_template(
            list(messages), tokenize=False, add_generation_prompt=False
        )
        return str(rendered)

    def run(self, requests: Sequence[GenerationRequest]) -> list[Generation]:
        """Greedy-generate for each request, in input order.

        Requests may differ in budget, schema and prefix; a backend batches what it can. A
        prefix that its prompt does not start with (or that leaves the prompt no token of
        its own) is ignored, with a warning.
        """
        checked = []
        for request in requests:
            prefix = request.prefix
            if prefix is not None and not (
                prefix and request.prompt.startswith(prefix) and len(request.prompt) > len(prefix)
            ):
                log.warning("generate(): prefix is not shared by its prompt; not cached")
                request = request.without_prefix()
            checked.append(request)
        return self._run(checked) if checked else []

    def generate(
        self,
        prompts: Sequence[str],
        *,
        max_new_tokens: int,
        schema: dict[str, Any] | None = None,
        no_repeat_ngram_size: int = 0,
        prefix: str | None = None,
    ) -> list[Generation]:
        """``run`` for prompts that share their settings."""
        schema_json = json.dumps(schema) if schema is not None else None
        requests = [
            GenerationRequest(p, max_new_tokens, schema_json, prefix, no_repeat_ngram_size)
            for p in prompts
        ]
        if prefix is not None and not all(r.prompt.startswith(prefix) for r in requests):
            # One prompt that does not share it: none is cached (as documented before).
            log.warning("generate(): prefix is not shared by every prompt; not cached")
            requests = [r.without_prefix() for r in requests]
        return self.run(requests)

    def generate_json(
        self,
        prompts: Sequence[str],
        *,
        schema: dict[str, Any],
        max_new_tokens: int,
        prefix: str | None = None,
    ) -> list[dict[str, Any] | None]:
        """Schema-constrained generation, parsed; ``None`` where the JSON did not close."""
        outputs = self.generate(
            prompts, max_new_tokens=max_new_tokens, schema=schema, prefix=prefix
        )
        return [parse_json(output) for output in outputs]

    def score_labels(
        self, prefix: str, suffixes: Sequence[str], labels: Sequence[str]
    ) -> list[list[float]]:
        """Probability of each label as the answer to ``prefix + suffix``, per suffix.

        A constrained choice in one forward pass, no sampling: the model's next-token
        distribution is read at the first token of each label and normalised over the
        labels. The shared ``prefix`` is encoded once and its KV cache reused. Raises
        ``GenerationFailed`` when two labels share a first token.
        """
        return self.score_many([ScoreJob(prefix, tuple(suffixes), tuple(labels))])[0]

    def score_many(self, jobs: Sequence[ScoreJob]) -> list[list[list[float]]]:
        """``score_labels`` for several jobs at once (a backend may run them together)."""
        ids = []
        for job in jobs:
            first = tuple(self.encode(label)[0] for label in job.labels)
            if len(set(first)) != len(first):
                raise GenerationFailed(
                    f"labels {list(job.labels)} are not distinguishable by first token"
                )
            ids.append(first)
        return self._score_many(jobs, ids)

    def _score_many(
        self, jobs: Sequence[ScoreJob], label_ids: Sequence[tuple[int, ...]]
    ) -> list[list[list[float]]]:
        """One job after another; backends that batch across prefixes override this."""
        return [
            self._score(job.prefix, job.suffixes, ids) if job.suffixes else []
            for job, ids in zip(jobs, label_ids, strict=True)
        ]


def parse_json(output: Generation) -> dict[str, Any] | None:
    """The JSON object of a constrained generation, ``None`` when it did not close."""
    try:
        value = json.loads(output.text)
    except json.JSONDecodeError:
        # The output text derives from the article: its length only (privacy of embargoed copy).
        log.warning("constrained output did not complete (%d characters)", len(output.text))
        return None
    return value if isinstance(value, dict) else None
