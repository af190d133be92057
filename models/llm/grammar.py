"""JSON-schema grammars for constrained decoding (``xgrammar``), compiled once per schema.

Both backends constrain with the same compiled grammar over the same Hugging Face vocabulary,
so a constrained answer is schema-valid on either: the torch backend through xgrammar's
transformers ``LogitsProcessor``, the llama.cpp backend through a ``GrammarMatcher`` per row
that masks the logits before the greedy pick.
"""

from __future__ import annotations

import threading
from typing import Any

from transformers import PreTrainedTokenizerBase


class Grammars:
    """Compiles and caches grammars for one tokenizer and model vocabulary size."""

    def __init__(self, tokenizer: PreTrainedTokenizerBase, vocab_size: int) -> None:
        self.tokenizer = tokenizer
        self.vocab_size = vocab_size
        self._lock = threading.Lock()
        self._compiler: Any = None
        self._compiled: dict[str, Any] = {}

    def compiled(self, schema_json: str) -> Any:
        """The compiled grammar of a serialised JSON schema (compiled on first use)."""
        import xgrammar as xgr

        with self._lock:
            if self._compiler is None:
                info = xgr.TokenizerInfo.from_huggingface(
                    self.tokenizer, vocab_size=self.vocab_size
                )
                self._compiler = xgr.GrammarCompiler(info)
            if schema_json not in self._compiled:
                # Property order is kept: the model writes fields in schema order, and that
                # order (e.g. actor before point) is part of the prompt design. Compact JSON:
                # whitespace tokens cost as much time as content tokens.
                self._compiled[schema_json] = self._compiler.compile_json_schema(
                    schema_json, any_whitespace=False
                )
            return self._compiled[schema_json]

    def matcher(self, schema_json: str) -> Any:
        """A fresh matcher (per-row state) for the schema."""
        import xgrammar as xgr

        return xgr.GrammarMatcher(self.compiled(schema_json))
