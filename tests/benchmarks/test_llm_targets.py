"""The benchmark's issue-9 target lines: the seed check counts false requests, and an unmet
8-client ratio says why."""

from __future__ import annotations

from typing import Any

from benchmarks.common import empty_row
from benchmarks.llm import _seed_quality, llm_targets

VISA = {
    "type": "request",
    "text": "The Kazakh side asked China to resume issuing visas.",
    "actor": "the Kazakh side",
    "target": "China",
}
FIGURE = {"text": "$27 billion"}


def _body(*points: dict[str, Any]) -> dict[str, Any]:
    return {"key_points": list(points), "figures": [FIGURE]}


def test_seed_quality_counts_requests_beside_the_visa_one() -> None:
    assert _seed_quality([_body(VISA)]) == (True, True, 0)
    false = {**VISA, "text": "The parties expressed interest in the programme.", "target": "x"}
    assert _seed_quality([_body(VISA, false), _body(VISA)]) == (True, True, 1)
    assert _seed_quality([_body(false)]) == (False, True, 1)
    assert _seed_quality([]) == (False, False, 0)


def test_an_unmet_translate_ratio_names_the_backends_ceiling() -> None:
    one = empty_row("translate-llm", "qwen-0.5b", "now llamacpp", 1, "")
    eight = empty_row("translate-llm", "qwen-0.5b", "now llamacpp", 8, "")
    one.ok, one.units_per_s = 4, 0.9
    eight.ok, eight.units_per_s = 8, 1.0
    backend = {
        "backend": "llamacpp",
        "profile": "offline",
        "dtype": "Q4_0",
        "prefill_tok_s": 170.0,
        "decode_tok_s_1": 50.0,
        "decode_tok_s_8": 80.0,
        "load_s": 2.0,
        "rss_before_mb": 300,
        "rss_loaded_mb": 1000,
    }
    rows = llm_targets([one, eight], [], [backend])
    (line,) = [t for t in rows if t["target"].startswith("LLM /translate")]
    assert line["met"] is False
    assert "1.11x" in line["measured"] and "decodes 8 rows at 1.60x" in line["measured"]
