"""Loading the shared test sets (never copied into the repository).

The root is ``$EVAL_DATA`` or ``../shared/eval`` relative to the repository root. Each loader
reads the format documented in that folder's PROVENANCE.md.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from models.languages import LangCode

REPO_ROOT = Path(__file__).resolve().parent.parent
DEVSET_PATH = Path(__file__).resolve().parent / "request_devset.jsonl"
TRANSLATION_LANGS: tuple[LangCode, ...] = ("ru", "kk", "zh")


def data_root(env: Mapping[str, str] | None = None) -> Path:
    """The test-set folder: ``$EVAL_DATA`` (relative paths are taken from the repo root)."""
    raw = (os.environ if env is None else env).get("EVAL_DATA") or "../shared/eval"
    path = Path(raw)
    return path if path.is_absolute() else (REPO_ROOT / path).resolve()


@dataclass(frozen=True)
class SummaryItem:
    """One article with its reference summaries (and bullet points, where the set has them)."""

    id: str
    article: str
    references: list[str]
    reference_points: list[str]


def _jsonl(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def load_cnndm(root: Path) -> list[SummaryItem]:
    """The 250 CNN/DM test articles from FRANK: highlights as reference, plus bullet points."""
    rows = _jsonl(root / "cnndm_test_frank" / "cnndm_test.jsonl")
    return [
        SummaryItem(r["id"], r["article"], [r["reference"]], list(r["reference_points"]))
        for r in rows
    ]


def load_writer(root: Path) -> list[SummaryItem]:
    """The 109 articles with 1-4 freelance-writer summaries each (multi-reference)."""
    rows = _jsonl(root / "cnndm_writer_summaries" / "writer_summaries.jsonl")
    return [SummaryItem(r["id"], r["article"], list(r["references"]), []) for r in rows]


def load_flores(root: Path, lang: str) -> list[str]:
    """FLORES-200 devtest, one sentence per line (1012 lines, line-aligned across languages)."""
    text = (root / "flores200_devtest" / f"{lang}.txt").read_text("utf-8")
    return text.rstrip("\n").split("\n")


def load_kazakh_news(root: Path) -> list[dict[str, Any]]:
    """The 10 Kazakh-original news documents (English translation in ``sentences``)."""
    return _jsonl(root / "news_diplomacy_trade" / "wmt19_kken_kazakh_news_docs.jsonl")


def seed_texts(root: Path) -> list[str]:
    """The seed article(s) the service was specified from: never part of any dev set."""
    folder = root / "seed"
    return [p.read_text("utf-8") for p in sorted(folder.glob("*.txt"))]


@dataclass(frozen=True)
class DevSentence:
    """One hand-labelled sentence of the request-detection dev set."""

    source_id: str
    index: int
    text: str
    request: bool


def load_devset(path: Path = DEVSET_PATH) -> list[DevSentence]:
    """The request dev set (``evaluation/request_devset.jsonl``)."""
    return [
        DevSentence(r["source_id"], int(r["index"]), r["text"], r["label"] == "request")
        for r in _jsonl(path)
    ]
