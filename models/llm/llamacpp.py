"""The llama.cpp LLM backend: GGUF weights as they are (4-bit kernels), continuous batching.

One scheduler thread owns the llama.cpp context (``llama-cpp-python``'s low-level API).
Every caller's rows (generations and label scorings) enter one queue; at each step the
scheduler admits waiting rows while sequence slots and KV cells allow, and runs one
``llama_decode`` over a batch holding the next token of every decoding row plus prompt chunks
of newly admitted rows, so requests of any kind, schema or prefix share every step. A shared
prompt prefix (instructions, few-shot examples) is decoded once into a sequence of its own and
shared into each row with ``llama_memory_seq_cp``: the unified KV cache stores it once.

Greedy picks happen here, on the row's logits: xgrammar masks them for a JSON schema (the
same compiled grammar as the torch backend), an n-gram ban mirrors ``no_repeat_ngram_size``,
and a script constraint bans the tokens of other scripts (``models/llm/scripts.py``).
Prompts are tokenised with the Hugging Face tokenizer read from the same GGUF, so a prompt is
the same token sequence on both backends. The llama.cpp calls themselves (model, context,
batch, KV sequences) are in ``llamacpp_context.py``; this module is the scheduler.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from transformers import PreTrainedTokenizerBase

from models.config import BatchConfig
from models.errors import GenerationFailed
from models.llm.base import LLM
from models.llm.grammar import Grammars
from models.llm.llamacpp_context import Entry, LlamaContext, LlamaCppOptions
from models.llm.ngrams import NgramBan
from models.llm.tokenizer import gguf_tokenizer
from models.llm.types import Generation, GenerationRequest, ScoreJob

log = logging.getLogger(__name__)
# Shared prefixes kept decoded in the KV cache while no row uses them.
MAX_IDLE_PREFIXES = 16


@dataclass
class _Prefix:
    ids: list[int]
    seq: int
    users: int = 0
    last_used: float = 0.0


@dataclass(eq=False)
class _Row:
    """One sequence being prefilled, then decoded (``max_new == 0``: a scoring row)."""

    tokens: list[int]
    max_new: int
    prefix: str | None
    future: Future[Any] = field(default_factory=Future)
    schema_json: str | None = None
    no_repeat: int = 0
    label_ids: tuple[int, ...] = ()
    seq: int = -1
    pos: int = 0
    fed: int = 0
    generated: list[int] = field(default_factory=list)
    matcher: Any = None
    ban: NgramBan | None = None
    script_ban: np.ndarray | None = None

    @property
    def cells(self) -> int:
        """KV cells the row may use beyond its prefix."""
        return len(self.tokens) + self.max_new


class LlamaCppLLM(LLM):
    """A GGUF model on llama.cpp, with the Hugging Face tokenizer of the same file."""

    backend = "llamacpp"
    schedules_rows = True

    def __init__(
        self,
        model_path: str,
        tokenizer: PreTrainedTokenizerBase,
        *,
        options: LlamaCppOptions | None = None,
    ) -> None:
        super().__init__(tokenizer, device="cpu")
        self.options = options or LlamaCppOptions()
        self.model_path = model_path
        self._llama = LlamaContext(model_path, self.options)
        self.n_vocab = self._llama.n_vocab
        self.n_ctx = self._llama.n_ctx
        self.n_seq = n_seq = self._llama.n_seq
        self.grammars = Grammars(tokenizer, self.n_vocab)
        self._bitmask: Any = None
        self._cond = threading.Condition()
        self._queue: deque[_Row] = deque()
        self._stopped = False
        self._thread = threading.Thread(target=self._loop, name="llamacpp", daemon=True)
        # State below is touched by the scheduler thread only.
        self._active: list[_Row] = []
        self._prefixes: dict[str, _Prefix] = {}
        self._free_seqs = list(range(n_seq - 1, -1, -1))
        self._cells_used = 0
        self._thread.start()

    @classmethod
    def load(
        cls, path: str, *, gguf_file: str | None, options: LlamaCppOptions | None = None
    ) -> LlamaCppLLM:
        """Load a GGUF file (``gguf_file`` inside directory ``path``). Raises ``ValueError``
        when there is no GGUF file, ``OSError``/``RuntimeError`` when it cannot be read."""
        if not gguf_file:
            raise ValueError("the llama.cpp backend needs a GGUF file (source kind gguf-parts)")
        return cls(str(Path(path) / gguf_file), gguf_tokenizer(path, gguf_file), options=options)

    @property
    def dtype(self) -> str:
        """The GGUF file's quantisation (e.g. ``Q4_K_M``)."""
        return self._llama.file_type

    @property
    def cpu_variant(self) -> str | None:
        """The CPU code llama.cpp runs (``haswell``, ``sapphirerapids``, ...), where the build
        dispatches at run time; ``None`` for a build with one CPU backend linked in."""
        return self._llama.cpu_variant

    @property
    def pending(self) -> int:
        """Rows waiting for admission."""
        with self._cond:
            return len(self._queue)

    @property
    def active(self) -> int:
        """Rows being prefilled or decoded."""
        return len(self._active)

    @property
    def queued(self) -> int:
        """Rows waiting for admission."""
        return self.pending

    @property
    def running(self) -> int:
        """Rows being prefilled or decoded."""
        return self.active

    def configure_batching(self, config: BatchConfig) -> None:
        """Nothing to set: every step batches whatever is running (continuous batching)."""
        del config

    def close(self) -> None:
        """Finish the rows in flight, stop the scheduler and free the context."""
        with self._cond:
            self._stopped = True
            self._cond.notify_all()
        self._thread.join(timeout=120)
        if not self._thread.is_alive():
            self._llama.close()

    # ------------------------------------------------------------------ requests

    def _run(self, requests: Sequence[GenerationRequest]) -> list[Generation]:
        rows = []
        for r in requests:
            cut = len(r.prefix) if r.prefix else 0
            row = _Row(
                tokens=self.encode(r.prompt[cut:]),
                max_new=r.max_new_tokens,
                prefix=r.prefix,
                schema_json=r.schema_json,
                no_repeat=r.no_repeat_ngram_size,
            )
            if r.schema_json is not None:
                row.matcher = self.grammars.matcher(r.schema_json)
            if r.script is not None:
                row.script_ban = self.script_ban(r.script, self.n_vocab)
            rows.append(row)
        self._submit(rows)
        return [row.future.result() for row in rows]

    def _score(
        self, prefix: str, suffixes: Sequence[str], label_ids: Sequence[int]
    ) -> list[list[float]]:
        job = ScoreJob(prefix, tuple(suffixes), ())
        return self._score_many([job], [tuple(label_ids)])[0]

    def _score_many(
        self, jobs: Sequence[ScoreJob], label_ids: Sequence[tuple[int, ...]]
    ) -> list[list[list[float]]]:
        # Every job's rows enter the queue together, so they share the decode steps.
        per_job = [
            [
                _Row(tokens=self.encode(s), max_new=0, prefix=job.prefix, label_ids=ids)
                for s in job.suffixes
            ]
            for job, ids in zip(jobs, label_ids, strict=True)
        ]
        self._submit([row for rows in per_job for row in rows])
        return [[row.future.result() for row in rows] for rows in per_job]

    def _submit(self, rows: list[_Row]) -> None:
        for row in rows:
            if not row.tokens:
                raise GenerationFailed("a prompt has no tokens after its prefix")
            need = row.cells + len(self.encode(row.prefix)) if row.prefix else row.cells
            if need > self.n_ctx:
                raise GenerationFailed(
                    f"a prompt needs {need} KV cells; the llama.cpp context has {self.n_ctx}"
                )
        with self._cond:
            if self._stopped:
                raise RuntimeError("the llama.cpp scheduler is stopped")
            self._queue.extend(rows)
            self._cond.notify_all()

    # ------------------------------------------------------------------ the scheduler

    def _loop(self) -> None:
        while True:
            with self._cond:
                while not self._queue and not self._active and not self._stopped:
                    self._cond.wait()
                if self._stopped and not self._queue and not self._active:
                    return
                waiting = list(self._queue)
            admitted = self._admit(waiting)
            if admitted:
                with self._cond:
                    for row in admitted:
                        self._queue.remove(row)
            if not self._active:
                if waiting and not admitted:
                    # Nothing runs and nothing fits: the oldest row cannot be served.
                    row = waiting[0]
                    with self._cond:
                        self._queue.remove(row)
                    row.future.set_exception(
                        GenerationFailed("no KV space for the prompt in the llama.cpp context")
                    )
                continue
            try:
                self._step()
            except Exception as exc:
                log.exception("llama.cpp step failed")
                for row in list(self._active):
                    self._release(row)
                    row.future.set_exception(exc)

    def _admit(self, waiting: list[_Row]) -> list[_Row]:
        """Start as many waiting rows as sequence slots and KV cells allow, oldest first."""
        admitted: list[_Row] = []
        for row in waiting:
            prefix = self._ensure_prefix(row.prefix, row.cells) if row.prefix else None
            if row.prefix and prefix is None:
                break
            # Idle prefixes give way to rows that need their sequence slot or cells.
            while (
                not self._free_seqs or self._cells_used + row.cells > self.n_ctx
            ) and self._evict_idle_prefix(keep=row.prefix):
                pass
            if not self._free_seqs or self._cells_used + row.cells > self.n_ctx:
                break
            row.seq = self._free_seqs.pop()
            self._cells_used += row.cells
            history: list[int] = []
            if prefix is not None:
                prefix.users += 1
                prefix.last_used = time.monotonic()
                self._llama.copy_sequence(prefix.seq, row.seq)
                row.pos = len(prefix.ids)
                history = prefix.ids
            if row.no_repeat:
                row.ban = NgramBan(row.no_repeat, [*history, *row.tokens])
            self._active.append(row)
            admitted.append(row)
        return admitted

    def _ensure_prefix(self, text: str, row_cells: int) -> _Prefix | None:
        """The decoded prefix, decoding it now if needed; ``None`` when it does not fit."""
        found = self._prefixes.get(text)
        if found is not None:
            return found
        ids = self.encode(text)
        while self._cells_used + len(ids) + row_cells > self.n_ctx or len(self._free_seqs) < 2:
            if not self._evict_idle_prefix():
                return None
        prefix = _Prefix(ids=ids, seq=self._free_seqs.pop(), last_used=time.monotonic())
        self._cells_used += len(ids)
        started = time.perf_counter()
        for start in range(0, len(ids), self.options.batch_tokens):
            chunk = ids[start : start + self.options.batch_tokens]
            self._llama.decode([(t, start + i, prefix.seq, False) for i, t in enumerate(chunk)])
        self.stats.prompt_tokens += len(ids)
        self.stats.prefill_s += time.perf_counter() - started
        self._prefixes[text] = prefix
        idle = [p for p in self._prefixes.values() if p.users == 0]
        if len(idle) > MAX_IDLE_PREFIXES:
            self._evict_idle_prefix()
        return prefix

    def _evict_idle_prefix(self, *, keep: str | None = None) -> bool:
        """Drop the least recently used prefix no row uses (not ``keep``); False if none."""
        idle = [
            (p.last_used, key) for key, p in self._prefixes.items() if p.users == 0 and key != keep
        ]
        if not idle:
            return False
        _, key = min(idle)
        prefix = self._prefixes.pop(key)
        self._llama.drop_sequence(prefix.seq)
        self._free_seqs.append(prefix.seq)
        self._cells_used -= len(prefix.ids)
        return True

    def _step(self) -> None:
        """One llama_decode: a token of every decoding row, then prompt chunks."""
        budget = self.options.batch_tokens
        entries: list[Entry] = []
        # Each row that gets logits this step, with the batch index of its logits token.
        outputs: list[tuple[_Row, int]] = []
        decoding = [r for r in self._active if r.fed == len(r.tokens)]
        for row in decoding[:budget]:
            outputs.append((row, len(entries)))
            entries.append((row.generated[-1], row.pos, row.seq, True))
            row.pos += 1
        prefilling = [r for r in self._active if r.fed < len(r.tokens)]
        prompt_tokens = 0
        for row in prefilling:
            room = budget - len(entries)
            if room <= 0:
                break
            chunk = row.tokens[row.fed : row.fed + room]
            last = row.fed + len(chunk) == len(row.tokens)
            for i, token in enumerate(chunk):
                entries.append((token, row.pos + i, row.seq, last and i == len(chunk) - 1))
            row.fed += len(chunk)
            row.pos += len(chunk)
            prompt_tokens += len(chunk)
            if last:
                outputs.append((row, len(entries) - 1))
        started = time.perf_counter()
        self._llama.decode(entries)
        elapsed = time.perf_counter() - started
        self.stats.record_batch(len(outputs))
        self.stats.prompt_tokens += prompt_tokens
        if prompt_tokens:
            self.stats.prefill_s += elapsed
        else:
            self.stats.decode_s += elapsed
        for row, index in outputs:
            logits = self._llama.logits(index)
            if row.max_new == 0:
                self._finish_score(row, logits)
            else:
                self._advance(row, logits)

    def _advance(self, row: _Row, logits: np.ndarray) -> None:
        """Pick the row's next token greedily; finish it on an end token or its budget."""
        if row.matcher is not None:
            logits = self._mask(row.matcher, logits)
        if row.ban is not None:
            banned = row.ban.banned()
            if banned:
                logits[list(banned)] = -np.inf
        if row.script_ban is not None:
            logits[row.script_ban] = -np.inf
        token = int(np.argmax(logits))
        if self._llama.is_end(token):
            self._finish(row, complete=True)
            return
        if row.matcher is not None:
            row.matcher.accept_token(token)
        row.generated.append(token)
        self.stats.generated_tokens += 1
        if row.ban is not None:
            row.ban.push(token)
        if len(row.generated) >= row.max_new:
            self._finish(row, complete=False)

    def _mask(self, matcher: Any, logits: np.ndarray) -> np.ndarray:
        import torch
        import xgrammar as xgr

        if self._bitmask is None:
            self._bitmask = xgr.allocate_token_bitmask(1, self.n_vocab)
        bitmask = self._bitmask
        matcher.fill_next_token_bitmask(bitmask)
        scores = torch.from_numpy(logits).unsqueeze(0)
        xgr.apply_token_bitmask_inplace(scores, bitmask)
        return logits

    def _finish_score(self, row: _Row, logits: np.ndarray) -> None:
        picked = logits[list(row.label_ids)].astype(np.float64)
        picked = np.exp(picked - picked.max())
        self.stats.scored_rows += 1
        self._release(row)
        row.future.set_result([float(x) for x in picked / picked.sum()])

    def _finish(self, row: _Row, *, complete: bool) -> None:
        self._release(row)
        row.future.set_result(Generation(self.decode(row.generated), complete=complete))

    def _release(self, row: _Row) -> None:
        if row in self._active:
            self._active.remove(row)
        self._llama.drop_sequence(row.seq)
        self._free_seqs.append(row.seq)
        self._cells_used -= row.cells
        if row.prefix is not None and row.prefix in self._prefixes:
            self._prefixes[row.prefix].users -= 1
