"""The llama.cpp side of the llama.cpp backend: one model, one context, one batch.

``llama-cpp-python``'s low-level API, wrapped so that the scheduler in ``llamacpp.py`` speaks
in sequences and tokens only: decode a batch of ``(token, position, sequence, wants_logits)``
entries, read an entry's logits, copy or drop a sequence's KV cells. Only the scheduler
thread calls it; it holds no lock of its own.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from models.errors import GenerationFailed

# Tokens per llama_decode call (prompt chunks plus one token per decoding row).
DEFAULT_BATCH_TOKENS = 512

# One entry of a decode batch: token id, position, sequence id, whether to keep its logits.
Entry = tuple[int, int, int, bool]


@dataclass(frozen=True)
class LlamaCppOptions:
    """Context sizing: KV cells shared by all rows and prefixes, and parallel sequences."""

    n_ctx: int = 8192
    n_seq_max: int = 64
    batch_tokens: int = DEFAULT_BATCH_TOKENS
    threads: int | None = None
    # A runtime-dispatch build's CPU variant (``llamacpp_cpu.py``); None: the best this CPU runs.
    cpu_variant: str | None = None


class LlamaContext:
    """A GGUF model and its context: unified KV cache, ``n_seq`` sequences, CPU only."""

    def __init__(self, model_path: str, options: LlamaCppOptions) -> None:
        import llama_cpp
        from llama_cpp import _internals

        from models.llm.llamacpp_cpu import load_cpu_backend

        logging.getLogger("llama-cpp-python").setLevel(logging.ERROR)
        self.cpu_variant = load_cpu_backend(options.cpu_variant)
        self._lib = llama_cpp
        self.batch_tokens = options.batch_tokens
        params = llama_cpp.llama_model_default_params()
        params.n_gpu_layers = 0
        # No repacked copies of the weights ("extra buffer types"): with them, llama.cpp keeps
        # the mmap'd file resident and a repacked copy of the Q4_K tensors beside it, 2,079 MB
        # against 1,482 MB for the 1.5B after a 500-token prefill, with prefill no faster
        # (72-80 against 88 tokens/s) and decode within noise (22-27 against 21-23); measured
        # here 2026-12-02 on 2 cores. The 0.5B's Q4_0 file changes by 28 MB either way.
        params.use_extra_bufts = False
        self._model = _internals.LlamaModel(path_model=model_path, params=params, verbose=False)
        ctx_params = llama_cpp.llama_context_default_params()
        threads = options.threads or usable_cpus()
        n_seq = min(options.n_seq_max, int(llama_cpp.llama_max_parallel_sequences()))
        ctx_params.n_ctx = options.n_ctx
        ctx_params.n_batch = options.batch_tokens
        ctx_params.n_ubatch = options.batch_tokens
        ctx_params.n_seq_max = n_seq
        # One logits row per running sequence is all a step reads; llama.cpp's default
        # (n_batch rows of the 150k vocabulary) would hold 300 MB for nothing.
        ctx_params.n_outputs_max = n_seq
        ctx_params.n_threads = threads
        ctx_params.n_threads_batch = threads
        ctx_params.kv_unified = True
        self._ctx = _internals.LlamaContext(model=self._model, params=ctx_params, verbose=False)
        self._vocab = llama_cpp.llama_model_get_vocab(self._model.model)
        self.n_vocab = int(llama_cpp.llama_vocab_n_tokens(self._vocab))
        self.n_ctx = int(llama_cpp.llama_n_ctx(self._ctx.ctx))
        self.n_seq = n_seq
        self._mem = llama_cpp.llama_get_memory(self._ctx.ctx)
        self._batch = llama_cpp.llama_batch_init(options.batch_tokens, 0, 1)
        self.file_type = _file_type(self._model.metadata())

    def decode(self, entries: Sequence[Entry]) -> None:
        """Run one ``llama_decode`` over ``entries`` (at most ``batch_tokens`` of them)."""
        batch = self._batch
        batch.n_tokens = len(entries)
        for i, (token, pos, seq, logits) in enumerate(entries):
            batch.token[i] = token
            batch.pos[i] = pos
            batch.n_seq_id[i] = 1
            batch.seq_id[i][0] = seq
            batch.logits[i] = logits
        code = int(self._lib.llama_decode(self._ctx.ctx, batch))
        if code != 0:
            raise GenerationFailed(f"llama_decode failed with code {code} (KV cache full?)")

    def logits(self, index: int) -> np.ndarray:
        """A copy of the logits of batch entry ``index`` (llama.cpp reuses its buffer)."""
        pointer = self._lib.llama_get_logits_ith(self._ctx.ctx, index)
        return np.ctypeslib.as_array(pointer, shape=(self.n_vocab,)).copy()

    def is_end(self, token: int) -> bool:
        """True for an end-of-generation token of the model's vocabulary."""
        return bool(self._lib.llama_vocab_is_eog(self._vocab, token))

    def copy_sequence(self, source: int, target: int) -> None:
        """Share ``source``'s KV cells into ``target`` (the unified cache stores them once)."""
        self._lib.llama_memory_seq_cp(self._mem, source, target, -1, -1)

    def drop_sequence(self, seq: int) -> None:
        """Free every KV cell of sequence ``seq``."""
        self._lib.llama_memory_seq_rm(self._mem, seq, -1, -1)

    def close(self) -> None:
        """Free the batch, the context and the model."""
        self._lib.llama_batch_free(self._batch)
        self._ctx.close()
        self._model.close()


def _file_type(metadata: dict[str, str]) -> str:
    """The GGUF's declared quantisation (``general.file_type``), as llama.cpp names it."""
    try:
        import gguf

        return str(gguf.LlamaFileType(int(metadata["general.file_type"])).name).removeprefix(
            "MOSTLY_"
        )
    except (KeyError, ValueError, ImportError):
        return "gguf"


def usable_cpus() -> int:
    """The CPUs this process may run on (its affinity), as llama.cpp's thread count."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1
