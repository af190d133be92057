"""Script-constrained decoding: a translation into Russian or Kazakh may only write Cyrillic
letters, one into Chinese only Han characters, except for the source's own names.

A small model asked for Russian writes "Визитор Foreign Minister Kairат" and, asked for
Chinese, drops English words and Arabic letters into the answer. :class:`ScriptMasks` marks,
once per tokenizer, every vocabulary token whose letters include one outside a script, and a
backend sets those tokens' logits to ``-inf`` for a row with a :class:`ScriptConstraint`.
Digits, punctuation and spaces have no script and are never banned, nor are special tokens
(the end of turn). The words a constraint names (the source's names, glossary terms, inline
markers) keep every token they encode to, so a name can still be copied as it is.

A byte-level BPE token (Qwen, GPT-2) may hold part of a character: its bytes are read as far
as they go, and a trailing lead byte counts as the script it opens (``0xD0``-``0xD4``
Cyrillic, ``0xE3``-``0xE9`` CJK), so a Han character cannot be spelled out byte by byte in a
Russian answer.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable

import numpy as np
from transformers import PreTrainedTokenizerBase

from models.llm.types import ScriptConstraint
from models.text.fidelity import scripts as letter_scripts

# The letters each target language writes in (unicodedata's first word of a letter's name).
LANGUAGE_SCRIPTS: dict[str, str] = {"en": "LATIN", "ru": "CYRILLIC", "kk": "CYRILLIC", "zh": "CJK"}

# The script a cut-off UTF-8 character will be, by its lead byte; ``None`` for punctuation,
# symbols and blocks that mix scripts (never banned). EF holds the fullwidth forms Chinese
# punctuates with ("，").
_LEAD_SCRIPT: dict[int, str | None] = {
    **dict.fromkeys(range(0xC2, 0xC3)),
    **dict.fromkeys(range(0xC3, 0xCA), "LATIN"),
    **dict.fromkeys(range(0xCA, 0xD0), "OTHER"),
    **dict.fromkeys(range(0xD0, 0xD5), "CYRILLIC"),
    **dict.fromkeys(range(0xD5, 0xE1), "OTHER"),
    **dict.fromkeys((0xE1, 0xE2, 0xEE)),
    **dict.fromkeys(range(0xE3, 0xEA), "CJK"),
    **dict.fromkeys(range(0xEA, 0xEE), "OTHER"),
    0xEF: "CJK",
}


def constraint_for(target_lang: str, keep: Iterable[str] = ()) -> ScriptConstraint:
    """The constraint of a target language, keeping ``keep``'s tokens (deduplicated)."""
    return ScriptConstraint(LANGUAGE_SCRIPTS[target_lang], tuple(dict.fromkeys(keep)))


class ScriptMasks:
    """Per-script token bans over one tokenizer's vocabulary, built on first use.

    Each token's scripts are kept as bits of one integer (a bit per script name seen), 1.2 MB
    for Qwen's 151,936 tokens; a frozenset per token held about 20 MB more in the server.
    """

    def __init__(self, tokenizer: PreTrainedTokenizerBase, vocab_size: int) -> None:
        self._tokenizer = tokenizer
        self.vocab_size = vocab_size
        self._codes: np.ndarray | None = None
        # The target languages' scripts get their own bits first; past 64 scripts the rest
        # share the last bit, which no target allows.
        self._bits: dict[str, int] = {
            script: 1 << n for n, script in enumerate(dict.fromkeys(LANGUAGE_SCRIPTS.values()))
        }
        self._bans: dict[str, np.ndarray] = {}
        self._lock = threading.Lock()

    def banned(self, constraint: ScriptConstraint) -> np.ndarray:
        """A boolean array over the vocabulary: ``True`` where the token may not come next."""
        with self._lock:
            base = self._bans.get(constraint.script)
            if base is None:
                codes = self._token_codes()
                allowed = np.uint64(self._bits.get(constraint.script, 0))
                base = (codes & ~allowed) != 0
                self._bans[constraint.script] = base
        if not constraint.keep:
            return base
        mask = base.copy()
        for word in constraint.keep:
            for variant in (word, f" {word}"):
                ids = self._tokenizer.encode(variant, add_special_tokens=False)
                mask[[i for i in ids if i < self.vocab_size]] = False
        return mask

    def _token_codes(self) -> np.ndarray:
        if self._codes is None:
            special = set(self._tokenizer.all_special_ids)
            special.update(getattr(self._tokenizer, "added_tokens_decoder", {}))
            reader = _piece_reader(self._tokenizer)
            codes = np.zeros(self.vocab_size, dtype=np.uint64)
            for token in range(self.vocab_size):
                if token in special:
                    continue
                for script in reader(token):
                    bit = self._bits.setdefault(script, 1 << min(len(self._bits), 63))
                    codes[token] |= np.uint64(bit)
            self._codes = codes
        return self._codes


def _piece_reader(tokenizer: PreTrainedTokenizerBase) -> Callable[[int], frozenset[str]]:
    """A function from token id to the scripts of the token's letters."""
    vocab_size = len(tokenizer)
    if "Ġ" in tokenizer.get_vocab():  # byte-level BPE: a piece spells its bytes
        pieces = tokenizer.convert_ids_to_tokens(list(range(vocab_size)))
        alphabet = _byte_decoder()

        def read(token: int) -> frozenset[str]:
            if token >= vocab_size or pieces[token] is None:
                return frozenset()
            piece = pieces[token]
            if any(ch not in alphabet for ch in piece):
                return frozenset(letter_scripts(piece))
            return _bytes_scripts(bytes(alphabet[ch] for ch in piece))

        return read
    texts = tokenizer.batch_decode([[i] for i in range(vocab_size)])

    def read_text(token: int) -> frozenset[str]:
        return frozenset(letter_scripts(texts[token])) if token < vocab_size else frozenset()

    return read_text


def _bytes_scripts(data: bytes) -> frozenset[str]:
    """Scripts of the letters in ``data``, with a cut-off last character read by its lead."""
    found = letter_scripts(data.decode("utf-8", errors="ignore"))
    for back in range(1, min(4, len(data)) + 1):
        byte = data[-back]
        if byte < 0x80:
            break
        if byte >= 0xC0:  # the lead byte of the last character
            length = 2 if byte < 0xE0 else 3 if byte < 0xF0 else 4
            script = _LEAD_SCRIPT.get(byte)
            if length > back and script is not None:
                found.add(script)
            break
    return frozenset(found)


def _byte_decoder() -> dict[str, int]:
    """GPT-2's printable stand-in for each byte, reversed (the byte-level BPE alphabet)."""
    printable = [*range(ord("!"), ord("~") + 1), *range(0xA1, 0xAD), *range(0xAE, 0x100)]
    chars = list(printable)
    extra = 0
    for byte in range(256):
        if byte not in printable:
            printable.append(byte)
            chars.append(256 + extra)
            extra += 1
    return {chr(c): b for b, c in zip(printable, chars, strict=True)}
