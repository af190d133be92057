"""Loading an LLM's Hugging Face tokenizer, from a checkpoint directory or a GGUF file."""

from __future__ import annotations

import logging
from pathlib import Path

from transformers import AutoTokenizer, PreTrainedTokenizerBase

log = logging.getLogger(__name__)


def load_tokenizer(path: str, gguf_file: str | None) -> PreTrainedTokenizerBase:
    """The tokenizer of the checkpoint in ``path``, or of ``gguf_file`` inside it."""
    if gguf_file:
        return gguf_tokenizer(path, gguf_file)
    return AutoTokenizer.from_pretrained(path)


def gguf_tokenizer(path: str, gguf_file: str) -> PreTrainedTokenizerBase:
    """The Hugging Face tokenizer stored in a GGUF file.

    Converting the GGUF vocabulary takes transformers tens of seconds, so the result is saved
    beside the file (``<gguf>.tokenizer/``) and read from there on later starts. The GGUF
    lives in a directory named by its checksum (models/assets.py), so a saved tokenizer
    cannot belong to another file.
    """
    saved = Path(path) / f"{gguf_file}.tokenizer"
    if (saved / "tokenizer_config.json").is_file():
        return AutoTokenizer.from_pretrained(saved)
    tokenizer = AutoTokenizer.from_pretrained(path, gguf_file=gguf_file)
    try:
        tmp = saved.with_name(saved.name + ".tmp")
        tokenizer.save_pretrained(tmp)
        tmp.rename(saved)
    except OSError as exc:  # a read-only cache still works, only slower to start
        log.warning("could not save the GGUF tokenizer to %s: %s", saved, exc)
    return tokenizer
