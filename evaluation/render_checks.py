"""The table of the translation-checks stage (``evaluation/stages/checks.py``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from evaluation.report import pct, table


def render_checks(result: Mapping[str, Any]) -> str:
    """Precision/recall of ``ok: false`` per split and language, and each check's firings."""
    rows = []
    for split in ("test", "tune", "all"):
        for lang, r in result.get(split, {}).items():
            rows.append(
                [
                    f"{split} {lang}",
                    r["n"],
                    pct(r["failed_share"]),
                    pct(r["flagged_share"]),
                    r["tp"],
                    r["fp"],
                    r["fn"],
                    pct(r["precision"]),
                    pct(r["recall"]),
                    pct(r["false_alarm_rate"]),
                ]
            )
    parts = [
        table(
            f"Translation checks vs hand-judged FLORES-200 outputs ({result['labels']})",
            [
                "split lang",
                "n",
                "failed%",
                "flagged%",
                "tp",
                "fp",
                "fn",
                "P%",
                "R%",
                "usable flagged%",
            ],
            rows,
            notes=[
                "positive: ok false (flagged) vs judged failed; test = odd FLORES lines "
                "(quote these), tune = even lines (changes chosen there)",
            ],
        )
    ]
    refs = result.get("references")
    if refs:
        rrows = []
        for split in ("test", "tune", "all"):
            for lang, r in refs.get(split, {}).items():
                fired = ", ".join(f"{c} {v['on_usable']}" for c, v in r["checks"].items())
                rrows.append([f"{split} {lang}", r["n"], pct(r["flagged_share"]), fired])
        parts.append(
            table(
                "Translation checks on FLORES-200's human references (good translations)",
                ["split lang", "n", "flagged%", "checks fired"],
                rrows,
                notes=["every devtest line; a flagged reference is a false alarm"],
            )
        )
    crows = []
    for lang, r in result.get("all", {}).items():
        for name, c in r["checks"].items():
            crows.append([f"{lang} {name}", c["on_failed"], c["on_usable"], c["alone_on_usable"]])
    parts.append(
        table(
            "Each check's firings (all lines)",
            ["lang check", "on failed", "on usable", "alone on usable"],
            crows,
            notes=["on usable: false alarms; alone: the usable outputs only this check flagged"],
        )
    )
    return "\n\n".join(parts)
