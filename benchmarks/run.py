"""``make bench``: translation and LLM throughput, latency and memory in one run.

Translation (real-size random-weight models, exactly ``--new-tokens`` output tokens per
sentence so every system does the same work): a naive FastAPI baseline against the service
on torch and CTranslate2, with and without micro-batching, at 1, 8 and 32 clients
(benchmarks/translation.py).

LLM (benchmarks/llm.py): the seed article's /summarize without and with ru/kk/zh, on today's
code (llama.cpp and torch backends, 0.5B and 1.5B) against commit 5cd8b29 run from its own
worktree and venv; LLM /translate at 1 and 8 clients; prefill/decode tokens/s and memory per
backend (benchmarks/backends.py). The result cache is bypassed throughout.

GPU (benchmarks/gpu.py): where torch or CTranslate2 sees a CUDA device, the same run adds the
seed's /summarize and the backend speed on torch bfloat16, and the MT model through the
service on torch bfloat16 and CTranslate2 float16; every CPU system is pinned to the CPU.
Where none is, the report says so and why.

Every server runs as a subprocess on 127.0.0.1. ``QUICK=1`` keeps to the 0.5B model and few
requests. Output: a table on stdout and ``reports/bench.json``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

from benchmarks.baseline import BASELINE_COMMIT, prepare
from benchmarks.common import Row, add_ratios, machine, result_table
from benchmarks.gpu import gpu_targets, probe
from benchmarks.llm import Measured, bench_backends, bench_system, llm_systems, llm_targets
from benchmarks.load import ROOT
from benchmarks.translation import (
    DEFAULT_FLORES,
    bench_translation,
    load_sentences,
    translation_targets,
)
from models.config import default_cache_dir


def _env_flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in ("1", "true", "yes", "on")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Command line; every option also has an environment variable."""
    cache = default_cache_dir()
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", default=_env_flag("QUICK"))
    parser.add_argument(
        "--flores", type=Path, default=Path(os.environ.get("BENCH_FLORES", DEFAULT_FLORES))
    )
    parser.add_argument("--cache-dir", type=Path, default=cache)
    parser.add_argument(
        "--out", type=Path, default=Path(os.environ.get("BENCH_OUT", ROOT / "reports/bench.json"))
    )
    parser.add_argument(
        "--new-tokens", type=int, default=int(os.environ.get("BENCH_NEW_TOKENS", "32"))
    )
    parser.add_argument(
        "--nllb",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="include the NLLB-600M-size model (default: only when not quick)",
    )
    parser.add_argument(
        "--translation",
        action=argparse.BooleanOptionalAction,
        default=not _env_flag("BENCH_NO_TRANSLATION"),
        help="run the translation scenarios",
    )
    parser.add_argument(
        "--llm",
        action=argparse.BooleanOptionalAction,
        default=not _env_flag("BENCH_NO_LLM"),
        help="run the LLM scenarios (seed summaries, LLM translation, backends)",
    )
    parser.add_argument(
        "--baseline",
        action=argparse.BooleanOptionalAction,
        default=not _env_flag("BENCH_NO_BASELINE"),
        help=f"also run commit {BASELINE_COMMIT} (its own worktree and venv) for the LLM scenarios",
    )
    parser.add_argument(
        "--large",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="include the 1.5B model (default: only when not quick)",
    )
    parser.add_argument(
        "--gpu",
        action=argparse.BooleanOptionalAction,
        default=not _env_flag("BENCH_NO_GPU"),
        help="add the GPU systems (torch bfloat16, CTranslate2 float16) where CUDA is present",
    )
    parser.add_argument(
        "--budget-s",
        type=float,
        default=float(os.environ.get("BENCH_BUDGET_S", "0")),
        help="skip optional scenarios that would end past this many seconds "
        "(default 570 with --quick, unlimited otherwise)",
    )
    args = parser.parse_args(argv)
    if args.nllb is None:
        args.nllb = not args.quick
    if args.large is None:
        args.large = not args.quick
    if not args.budget_s:
        args.budget_s = 570.0 if args.quick else float("inf")
    return args


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; returns the exit status (1 when a system failed to run)."""
    args = parse_args(argv)
    t0 = time.perf_counter()
    load_start = os.getloadavg()
    log_dir = args.cache_dir / "bench" / "logs"
    sentences, source = load_sentences(args.flores)
    print(f"bench: quick={args.quick}, {args.new_tokens} new tokens per sentence; {source}")
    print(f"server logs: {log_dir}; load average at start {load_start}")
    gpu = probe(args.gpu)
    print(f"GPU: torch {gpu.torch_device or 'none'}, CTranslate2 CUDA devices {gpu.ct2_devices}")
    rows: list[Row] = []
    measured: list[Measured] = []
    backends: list[dict[str, Any]] = []
    if args.translation:
        bench_translation(args, sentences, log_dir, rows, gpu)
    if args.llm:
        baseline = None
        if args.baseline:
            try:
                baseline = prepare(args.cache_dir)
            except RuntimeError as exc:
                print(f"baseline {BASELINE_COMMIT}: not measured ({exc})", flush=True)
        for system in llm_systems(args, baseline, gpu):
            measured.append(bench_system(system, args, log_dir, sentences))
            rows += measured[-1].rows
        backends = bench_backends(args, gpu)
    add_ratios(rows)
    targets = (
        translation_targets(rows)
        + (llm_targets(rows, measured, backends) if args.llm else [])
        + gpu_targets(rows, backends, gpu)
    )
    elapsed = time.perf_counter() - t0
    notes = [
        "units: sentences for translate and translate-llm, summaries for summarize; tok/s: "
        "fixed new tokens x sentences / s (translate); x base / p95 x: against naive at the "
        "same number of clients (translate)",
        "random-weight models with the tests' tiny tokenizer: FLORES sentences take about 2.5x "
        "more input tokens than with the real tokenizers (same cost for every system)",
        f"load average start {load_start}, end {os.getloadavg()}: the 2 CPU cores are shared "
        "with other work, so absolute numbers are noisy",
    ]
    if source.startswith("FALLBACK"):
        notes.append(source)
    report = {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": {**machine(), "gpu": gpu.torch_device, "ct2_cuda_devices": gpu.ct2_devices},
        "quick": args.quick,
        "elapsed_s": round(elapsed, 1),
        "new_tokens": args.new_tokens,
        "sentences": source,
        "rows": [r.__dict__ for r in rows],
        "backends": backends,
        "targets": targets,
        "notes": notes,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2, ensure_ascii=False), "utf-8")
    print()
    print(result_table(rows))
    print()
    for t in targets:
        verdict = (
            "INFO"
            if t.get("info")
            else {True: "MET", False: "NOT MET", None: "NOT MEASURED"}[t["met"]]
        )
        print(f"[{verdict}] {t['target']}: {t['measured']}")
    print()
    for note in notes:
        print(f"note: {note}")
    print(f"\n{elapsed:.0f} s; report written to {args.out}")
    return 1 if any(n.startswith("failed") for r in rows for n in r.notes) else 0


if __name__ == "__main__":
    sys.exit(main())
