"""The labelled sentences for request and agreement detection, resolved against ../shared/eval.

Labels are ours (``evaluation/labels/speech_acts.jsonl``); the sentences stay in the test-set
folder and are looked up by key, so the repository holds no test-set text. Each label
carries the first 12 hex digits of its sentence's sha256, so a changed source is noticed.

Keys:
- ``cnndm:<article id>:<i>``: sentence ``i`` of a CNN/DM test article, as the service's
  English segmenter splits it;
- ``kknews:<doc id>:<i>``: sentence ``i`` of a Kazakh-original news document's English
  translation; its Kazakh original is sentence ``i`` of ``original_kk``;
- ``ntrex:<doc id>:<line>``: an NTREX-128 newstest2019 line (0-based) of a document that is not
  held out; its ru, kk and zh translations are the same line of ru.txt, kk.txt, zh.txt;
- ``kkwmt:lines<n>:<line>``: a line (0-based) of WMT19 kk-en (Kazakh-original news, English
  translation), in a stretch of 25 lines ``n``; its Kazakh original is the same line of
  kk.txt;
- ``wmt20ru:lines<n>:<line>`` and ``wmt20zh:lines<n>:<line>``: a line of WMT20 newstest2020
  en-ru or en-zh (English source), in a stretch of 25 lines ``n``; its Russian or Chinese
  reference is the same line of ru.txt or zh.txt.

The English labels carry over to the aligned translations: sentence-aligned human
translations keep the speech act. The split is by document, so no document is in both
halves: ``tune`` chooses thresholds, ``test`` reports.
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from models.text.segmentation import split_sentences

LABELS_PATH = Path(__file__).resolve().parent / "labels" / "speech_acts.jsonl"
Split = Literal["tune", "test"]


@dataclass(frozen=True)
class Labelled:
    """One labelled sentence in one language."""

    key: str
    doc: str
    lang: str
    text: str
    request: bool
    agreement: bool
    actor: str | None
    target: str | None
    split: Split


def sha12(text: str) -> str:
    """The label file's fingerprint of a sentence."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


def split_of(doc: str) -> Split:
    """The half a document belongs to (a stable hash of its key)."""
    return "tune" if hashlib.sha256(doc.encode("utf-8")).digest()[0] % 2 == 0 else "test"


def load_labels(path: Path = LABELS_PATH) -> list[dict[str, object]]:
    """The raw label rows."""
    return [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]


def load_labelled(
    root: Path, path: Path = LABELS_PATH, *, langs: tuple[str, ...] = ("en",)
) -> list[Labelled]:
    """Every labelled sentence in ``langs`` whose source has that language. Raises
    ``ValueError`` when a sentence no longer matches its fingerprint."""
    sources = _Sources(root)
    out = []
    for row in load_labels(path):
        key = str(row["key"])
        kind, doc, index = key.split(":", 2) if key.count(":") >= 2 else (key, "", "")
        doc_key = f"{kind}:{doc}"
        english = sources.text(kind, doc, index, "en")
        if english is None or sha12(english) != row["sha"]:
            raise ValueError(f"label {key}: the source sentence changed or is missing")
        for lang in langs:
            text = english if lang == "en" else sources.text(kind, doc, index, lang)
            if text is None or not text.strip():
                continue
            keep_parties = lang == "en"
            out.append(
                Labelled(
                    key=key,
                    doc=doc_key,
                    lang=lang,
                    text=text,
                    request=bool(row["request"]),
                    agreement=bool(row["agreement"]),
                    actor=str(row["actor"]) if keep_parties and row.get("actor") else None,
                    target=str(row["target"]) if keep_parties and row.get("target") else None,
                    split=split_of(doc_key),
                )
            )
    return out


class _Sources:
    """Sentence lookup in the test sets, each file read once."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def text(self, kind: str, doc: str, index: str, lang: str) -> str | None:
        if kind == "cnndm":
            return _index(self._cnndm().get(doc, []), index) if lang == "en" else None
        if kind == "kknews":
            pair = self._kknews().get(doc)
            if pair is None:
                return None
            return _index(pair[0] if lang == "en" else pair[1] if lang == "kk" else [], index)
        if kind == "ntrex":
            return _index(self._lines("ntrex128_newstest2019", lang), index)
        if kind == "kkwmt":
            return _index(self._lines("wmt19_kk-en", lang), index) if lang in ("en", "kk") else None
        for name, folder, other in (
            ("wmt20ru", "wmt20_en-ru", "ru"),
            ("wmt20zh", "wmt20_en-zh", "zh"),
        ):
            if kind == name:
                return _index(self._lines(folder, lang), index) if lang in ("en", other) else None
        return None

    @functools.cache  # noqa: B019 - one _Sources per load_labelled call
    def _cnndm(self) -> dict[str, list[str]]:
        out = {}
        for item in _jsonl(self.root / "cnndm_test_frank" / "cnndm_test.jsonl"):
            out[str(item["id"])] = [s.text for s in split_sentences(str(item["article"]), "en")]
        return out

    @functools.cache  # noqa: B019 - one _Sources per load_labelled call
    def _kknews(self) -> dict[str, tuple[list[str], list[str]]]:
        path = self.root / "news_diplomacy_trade" / "wmt19_kken_kazakh_news_docs.jsonl"
        return {
            str(d["id"]): (list(d["sentences"]), list(d["original_kk"]["sentences"]))
            for d in _jsonl(path)
        }

    @functools.cache  # noqa: B019 - one _Sources per load_labelled call
    def _lines(self, folder: str, lang: str) -> list[str]:
        path = self.root / folder / f"{lang}.txt"
        return path.read_text("utf-8").splitlines() if path.is_file() else []


def _index(items: list[str], index: str) -> str | None:
    return items[int(index)] if index.isdigit() and int(index) < len(items) else None


def _jsonl(path: Path) -> Iterator[dict[str, Any]]:
    with path.open(encoding="utf-8") as f:
        for line in f:
            if line.strip():
                yield json.loads(line)
