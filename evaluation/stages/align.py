"""The alignment stage: key points of ru/kk/zh articles against their English version.

NTREX-128 (``ntrex128_newstest2019``) holds English news documents and their human ru, kk and
zh translations, line-aligned. Each document that is not held out (``evaluation/heldout.py``)
becomes one article per language, one line per paragraph (lines joined by a blank line; a
line the segmenter cuts into several sentences stays one line). The service's extractive
engine (``Summarizer.summarize(engine="extractive", source_lang="auto")``, the path
``/summarize`` takes without an LLM: detection, segmentation, dateline, figures, ranking,
typing, parties) summarises every version, and each key point's evidence span is mapped
back to its line.

The alignment score: of the English version's ``request`` and ``agreement`` key points, the
share whose aligned line in the other version is a key point of the same type (recall-like).
The converse: of the other version's request and agreement key points, the share whose
aligned English line is a key point of the same type (precision-like), so a version that
marks everything is not rewarded. Both per language and type, on the labelled dev set's
test half of the documents (``devset.split_of``: nothing there chose a threshold), the tune
half, and all.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from evaluation.context import Run
from evaluation.devset import split_of
from evaluation.heldout import NTREX, load_heldout
from evaluation.report import pct, table
from models.errors import InferenceError
from models.languages import LangCode
from models.summary.types import StructuredSummary

LANGS: tuple[LangCode, ...] = ("ru", "kk", "zh")
ALL_LANGS: tuple[LangCode, ...] = ("en", *LANGS)
TYPES = ("request", "agreement")
PARAGRAPH = "\n\n"
SPLITS = ("test", "tune", "all")


@dataclass(frozen=True)
class Doc:
    """One NTREX document: its id, its first line's number and its lines per language."""

    id: str
    first_line: int
    lines: Mapping[str, Sequence[str]]


def load_docs(root: Path) -> list[Doc]:
    """The NTREX documents outside the held-out set, in file order. Raises ``OSError``."""
    heldout = load_heldout(root)
    folder = root / NTREX
    ids = (folder / "doc_ids.tsv").read_text("utf-8").splitlines()
    text = {lang: (folder / f"{lang}.txt").read_text("utf-8").splitlines() for lang in ALL_LANGS}
    for lang, lines in text.items():
        if len(lines) != len(ids):
            raise OSError(f"{NTREX}/{lang}.txt has {len(lines)} lines, doc_ids {len(ids)}")
    order: dict[str, list[int]] = {}
    for i, doc in enumerate(ids):
        if i not in heldout.ntrex_lines and doc.strip() not in heldout.doc_ids:
            order.setdefault(doc.strip(), []).append(i)
    return [
        Doc(doc, idx[0], {lang: [text[lang][i] for i in idx] for lang in ALL_LANGS})
        for doc, idx in order.items()
    ]


def article(lines: Sequence[str]) -> tuple[str, list[int]]:
    """The article text (one line per paragraph) and the offset where each line starts."""
    starts, offset = [], 0
    for line in lines:
        starts.append(offset)
        offset += len(line) + len(PARAGRAPH)
    return PARAGRAPH.join(lines), starts


def typed_lines(summary: StructuredSummary, starts: Sequence[int]) -> dict[int, str]:
    """Line index -> type of the key point whose evidence starts on it (the first point wins
    where two share a line)."""
    out: dict[int, str] = {}
    for point in summary.key_points:
        for span in point.evidence:
            out.setdefault(bisect.bisect_right(starts, span.start) - 1, point.type)
    return out


@dataclass(frozen=True)
class Counts:
    """Alignment counts of one type: ``hits`` of the ``n`` English points found on the aligned
    line with the same type, and ``back_hits`` of the ``back_n`` other-language points."""

    hits: int = 0
    n: int = 0
    back_hits: int = 0
    back_n: int = 0

    def __add__(self, other: Counts) -> Counts:
        return Counts(
            self.hits + other.hits,
            self.n + other.n,
            self.back_hits + other.back_hits,
            self.back_n + other.back_n,
        )

    def as_dict(self) -> dict[str, Any]:
        """Counts with the two shares (``None`` when there is nothing to count)."""
        return {
            "score": round(self.hits / self.n, 4) if self.n else None,
            "n": self.n,
            "hits": self.hits,
            "converse": round(self.back_hits / self.back_n, 4) if self.back_n else None,
            "converse_n": self.back_n,
            "converse_hits": self.back_hits,
        }


def align_counts(
    english: Mapping[int, str], other: Mapping[int, str], types: Iterable[str] = TYPES
) -> dict[str, Counts]:
    """Per type: of ``english``'s points of that type (line -> type), how many have a point of
    the same type on the same line of ``other``; and the converse."""
    out = {}
    for kind in types:
        mine = [line for line, t in english.items() if t == kind]
        theirs = [line for line, t in other.items() if t == kind]
        out[kind] = Counts(
            hits=sum(other.get(line) == kind for line in mine),
            n=len(mine),
            back_hits=sum(english.get(line) == kind for line in theirs),
            back_n=len(theirs),
        )
    return out


def totals(per_doc: Sequence[Mapping[str, Counts]]) -> dict[str, Counts]:
    """Summed counts per type, plus ``both`` (request and agreement together)."""
    out = {kind: sum((d[kind] for d in per_doc), Counts()) for kind in TYPES}
    out["both"] = sum(out.values(), Counts())
    return out


def run_align(run: Run) -> None:
    """Summarise every version of every document; score the alignment per language."""
    root = run.config.data
    missing = [
        p for p in (root / NTREX / "doc_ids.tsv", root / "news_diplomacy_trade") if not p.exists()
    ]
    if missing:
        reason = (
            f"skipped: not found (set EVAL_DATA): {', '.join(map(str, missing))}; "
            "the documents and the held-out list (to leave its lines out) are both needed"
        )
        run.results["align"] = {"skipped": reason}
        return
    docs = load_docs(root)
    items: list[dict[str, Any]] = []
    for doc in docs:
        item: dict[str, Any] = {"doc": doc.id, "split": split_of(f"ntrex:{doc.id}"), "lines": {}}
        for lang in ALL_LANGS:
            text, starts = article(doc.lines[lang])
            try:
                summary = run.summarizer.summarize(text, engine="extractive", source_lang="auto")
            except InferenceError as exc:
                run.errors.append(f"align {doc.id} {lang}: {exc}")
                item["lines"][lang] = {}
                continue
            item["lines"][lang] = typed_lines(summary, starts)
            item.setdefault("detected", {})[lang] = summary.source_lang
        items.append(item)
    run.results["align"] = score(items, len(docs))


def score(items: Sequence[Mapping[str, Any]], docs: int) -> dict[str, Any]:
    """The report: per split, language and type, counts and shares; per-document lines."""
    by_split: dict[str, Any] = {}
    for split in SPLITS:
        chosen = [i for i in items if split == "all" or i["split"] == split]
        row: dict[str, Any] = {"documents": len(chosen)}
        for lang in LANGS:
            per_doc = [align_counts(i["lines"]["en"], i["lines"][lang]) for i in chosen]
            row[lang] = {k: c.as_dict() for k, c in totals(per_doc).items()}
        by_split[split] = row
    detected = {
        lang: round(
            sum(i.get("detected", {}).get(lang) == lang for i in items) / max(len(items), 1), 4
        )
        for lang in ALL_LANGS
    }
    return {
        "documents": docs,
        "article": "one NTREX line per paragraph (blank line between)",
        "by_split": by_split,
        "detected_correctly": detected,
        "items": [
            {
                **i,
                "lines": {
                    lang: {str(k): v for k, v in lines.items()}
                    for lang, lines in i["lines"].items()
                },
            }
            for i in items
        ],
    }


def render_align(result: Mapping[str, Any]) -> str:
    """The table ``make eval`` prints for this stage."""
    if "skipped" in result:
        return f"Key-point alignment (NTREX ru/kk/zh vs en): {result['skipped']}"
    rows = []
    for split in SPLITS:
        part = result["by_split"][split]
        for lang in LANGS:
            for kind in ("both", *TYPES):
                c = part[lang][kind]
                rows.append(
                    [f"{split} ({part['documents']} docs) {lang} {kind}", c["n"],
                     pct(c["score"]), c["converse_n"], pct(c["converse"])]
                )  # fmt: skip
    detected = ", ".join(f"{k} {pct(v):.0f}%" for k, v in result["detected_correctly"].items())
    return table(
        f"Key-point alignment: NTREX-128 ru/kk/zh articles vs their English version "
        f"({result['documents']} documents, held-out ones excluded)",
        ["split lang type", "en pts", "aligned%", "xx pts", "converse%"],
        rows,
        notes=[
            "aligned: English request/agreement key points whose aligned line in the other "
            "version is a key point of the same type",
            "converse: the other version's request/agreement key points whose English line is",
            "extractive engine (no LLM), source_lang=auto; test = the dev set's test-half docs",
            f"language detected correctly: {detected}",
        ],
    )
