"""The held-out set that no tuning may touch (issue 10), and the lines it shares elsewhere.

The 15 English documents of ``news_diplomacy_trade/newstest2019_en_docs.jsonl`` (with their
ru/kk/zh translations) are an independent test of the key-point work. Their lines also stand
in ``ntrex128_newstest2019`` (found through ``doc_ids.tsv``) and in ``wmt19_en-kk`` (found
through ``ntrex128_line_index.txt``). Everything here only reads ../shared/eval; nothing of
it is copied into the repository.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

HELDOUT_DOCS = "news_diplomacy_trade/newstest2019_en_docs.jsonl"
NTREX = "ntrex128_newstest2019"
WMT19_EN_KK = "wmt19_en-kk"
_SPACE = re.compile(r"\s+")


def normalise(text: str) -> str:
    """The form sentences are compared in: case and whitespace folded."""
    return _SPACE.sub(" ", text).strip().casefold()


@dataclass(frozen=True)
class HeldOut:
    """The held-out documents' ids, their NTREX and WMT19 line numbers (0-based) and every
    sentence of theirs in every language, normalised."""

    doc_ids: frozenset[str]
    ntrex_lines: frozenset[int]
    wmt19_en_kk_lines: frozenset[int]
    sentences: frozenset[str]

    def contains(self, text: str) -> bool:
        """Whether ``text`` is one of the held-out sentences (or titles)."""
        return normalise(text) in self.sentences


def load_heldout(root: Path) -> HeldOut:
    """Read the held-out set from the test-set folder ``root``. Raises ``OSError``."""
    doc_ids: set[str] = set()
    sentences: set[str] = set()
    with (root / HELDOUT_DOCS).open(encoding="utf-8") as f:
        for line in f:
            doc = json.loads(line)
            doc_ids.add(str(doc["id"]).removeprefix("newstest2019."))
            texts = [doc.get("title", ""), *doc.get("sentences", [])]
            for version in doc.get("translations", {}).values():
                texts += [version.get("title", ""), *version.get("sentences", [])]
            sentences.update(normalise(t) for t in texts if t and t.strip())
    ids = (root / NTREX / "doc_ids.tsv").read_text("utf-8").splitlines()
    ntrex_lines = {i for i, doc in enumerate(ids) if doc.strip() in doc_ids}
    for name in ("en", "ru", "kk", "zh", "ru.wmt19ref", "zh.wmt19ref"):
        path = root / NTREX / f"{name}.txt"
        if path.is_file():
            lines = path.read_text("utf-8").splitlines()
            sentences.update(normalise(lines[i]) for i in ntrex_lines if i < len(lines))
    index = (root / WMT19_EN_KK / "ntrex128_line_index.txt").read_text("utf-8").split()
    wmt_lines = {i for i, n in enumerate(index) if int(n) - 1 in ntrex_lines}
    for name in ("en", "kk", "kk.ntrex128ref"):
        path = root / WMT19_EN_KK / f"{name}.txt"
        if path.is_file():
            lines = path.read_text("utf-8").splitlines()
            sentences.update(normalise(lines[i]) for i in wmt_lines if i < len(lines))
    sentences.discard("")
    return HeldOut(
        frozenset(doc_ids), frozenset(ntrex_lines), frozenset(wmt_lines), frozenset(sentences)
    )
