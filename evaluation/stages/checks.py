"""The translation-checks stage: ``QualityChecker`` against hand-judged FLORES-200 outputs.

``evaluation/labels/flores_judged.jsonl`` holds the offline translator's outputs for a fixed
subset of FLORES-200 devtest (en -> ru, kk, zh), each judged ``usable`` or ``failed`` by hand
(criteria: ``evaluation/labels/TRANSLATION_JUDGING.md``). The English source is read from the
test data in place. A check verdict ``ok: false`` is the positive class: precision is the
share of flagged outputs that were judged failed, recall the share of failed outputs that
were flagged. The checks also run on FLORES's human references (all 1012 lines), taken as
usable: the share of them flagged is the false-alarm rate on good translations, which the
judged sample (mostly failed outputs of a small model) measures on few items. Changes to the
checks were chosen on the tune half (even line numbers); the test half (odd line numbers) is
the figure to quote. No LLM is needed.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Literal

from evaluation import data as ds
from evaluation import metrics as m
from evaluation.context import Run
from models.translation.quality import Quality, QualityChecker

JUDGED_PATH = Path(__file__).resolve().parent.parent / "labels" / "flores_judged.jsonl"
Split = Literal["tune", "test"]
SPLITS: tuple[str, ...] = ("test", "tune", "all")


@dataclass(frozen=True)
class Judged:
    """One judged output: its FLORES line (1-based), target language, text and verdict."""

    line: int
    lang: str
    output: str
    failed: bool
    reason: str

    @property
    def split(self) -> Split:
        """Even line numbers tune the checks; odd ones test them."""
        return "tune" if self.line % 2 == 0 else "test"


def load_judged(path: Path = JUDGED_PATH) -> list[Judged]:
    """The judged outputs; raises ``ValueError`` on a row that is not usable/failed."""
    items = []
    for n, raw in enumerate(path.read_text("utf-8").splitlines(), 1):
        if not raw.strip():
            continue
        row = json.loads(raw)
        if row["judged"] not in ("usable", "failed"):
            raise ValueError(f"{path.name}:{n}: judged must be usable or failed")
        failed = row["judged"] == "failed"
        items.append(Judged(row["line"], row["lang"], row["output"], failed, row["reason"]))
    return items


def score(items: Sequence[Judged], verdicts: Sequence[Quality]) -> dict[str, Any]:
    """Per split (test, tune, all) and language: n, the failed share, precision and recall of
    ``ok: false`` against ``failed``, the share of usable outputs flagged, and per check how
    often it fired on usable and on failed outputs (``alone_on_usable``: the usable outputs it
    alone flagged)."""
    if len(items) != len(verdicts):
        raise ValueError("items and verdicts differ in length")
    pairs = list(zip(items, verdicts, strict=True))
    out: dict[str, Any] = {}
    for split in SPLITS:
        chosen = [(i, q) for i, q in pairs if split == "all" or i.split == split]
        langs = sorted({i.lang for i, _ in chosen})
        groups = {lang: [(i, q) for i, q in chosen if i.lang == lang] for lang in langs}
        out[split] = {name: _group(g) for name, g in {**groups, "all": chosen}.items() if g}
    return out


def _group(pairs: Sequence[tuple[Judged, Quality]]) -> dict[str, Any]:
    gold = [i.failed for i, _ in pairs]
    flagged = [not q.ok for _, q in pairs]
    on_usable: Counter[str] = Counter()
    on_failed: Counter[str] = Counter()
    alone: Counter[str] = Counter()
    for item, quality in pairs:
        names = [c.name for c in quality.failed]
        (on_failed if item.failed else on_usable).update(names)
        if not item.failed and len(names) == 1:
            alone[names[0]] += 1
    checks = sorted({*on_usable, *on_failed})
    usable = len(gold) - sum(gold)
    false_alarms = sum(f and not g for f, g in zip(flagged, gold, strict=True))
    return {
        "n": len(pairs),
        "failed_share": sum(gold) / len(pairs),
        "flagged_share": sum(flagged) / len(pairs),
        **asdict(m.prf(flagged, gold)),
        # the share of usable outputs flagged: what precision hides when most outputs failed
        "false_alarm_rate": false_alarms / usable if usable else None,
        "checks": {
            c: {"on_usable": on_usable[c], "on_failed": on_failed[c], "alone_on_usable": alone[c]}
            for c in checks
        },
    }


def run_checks(run: Run) -> None:
    """Run the checks on the stored outputs, with the FLORES English source read in place;
    and on FLORES's human references (every line), as good translations a check should pass."""
    items = load_judged()
    source = ds.load_flores(run.config.data, "en")
    checker = QualityChecker(run.summarizer.detector)

    def verdicts_of(judged: Sequence[Judged]) -> list[Quality]:
        return [
            checker.check(source[i.line - 1], i.output, source_lang="en", target_lang=i.lang)
            for i in judged
        ]

    verdicts = verdicts_of(items)
    result = score(items, verdicts)
    langs = sorted({i.lang for i in items})
    refs = [
        Judged(n, lang, text, False, "human reference")
        for lang in langs
        for n, text in enumerate(ds.load_flores(run.config.data, lang), 1)
    ]
    result["references"] = score(refs, verdicts_of(refs))
    result["labels"] = str(JUDGED_PATH.relative_to(ds.REPO_ROOT))
    result["missed"] = [
        {"line": i.line, "lang": i.lang, "reason": i.reason}
        for i, q in zip(items, verdicts, strict=True)
        if i.failed and q.ok
    ]
    result["false_alarms"] = [
        {"line": i.line, "lang": i.lang, "checks": [f"{c.name}: {c.detail}" for c in q.failed]}
        for i, q in zip(items, verdicts, strict=True)
        if not i.failed and not q.ok
    ]
    run.results["checks"] = result
