"""``make bench``: translation and summarisation throughput/latency in one run (issue 4).

Translation (real-size random-weight models, exactly ``--new-tokens`` output tokens per
sentence so every system does the same work):

* ``naive``           a minimal FastAPI app: plain ``def`` route, one ``generate()`` per sentence
* ``service/torch``   the service, torch backend, cross-request micro-batching
* ``service/ct2``     the service, CTranslate2 int8 backend, micro-batching
* ``service/no-mb``   the service, torch backend, micro-batching off

each at 1, 8 and 32 concurrent clients sending 1-3 FLORES devtest English sentences per
request (as a list, so each sentence is one segment everywhere). Summarisation: the real
offline LLM on the seed article (``engine: llm``) at 1 and 4 clients, with and without
micro-batching.

Every server runs as a subprocess on 127.0.0.1 and a free port. ``QUICK=1`` (or ``--quick``)
runs the Marian-size model only, few requests per level, and the LLM with micro-batching
(without it only if the time budget allows), to stay under 10 minutes. Output: a table on
stdout and ``reports/bench.json``.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import random
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from benchmarks.load import ROOT, LevelResult, Payload, ServerProcess, run_level
from benchmarks.models import MARIAN, NLLB, BenchModel, build, manifest
from evaluation.report import Cell, machine_info, table
from models.config import default_cache_dir

SEED_ARTICLE = ROOT / "tests" / "fixtures" / "seed_article.txt"
DEFAULT_FLORES = ROOT.parent / "shared" / "eval" / "flores200_devtest" / "en.txt"
# Used only when the FLORES file is missing (the run says so).
FALLBACK_SENTENCES = [
    "The foreign ministers of Kazakhstan and China met in Astana on Monday to discuss trade.",
    "Both sides agreed to expand rail freight through the Khorgos border crossing.",
    "Officials said bilateral trade reached a record level last year.",
    "The talks also covered visa-free travel for tourists and business people.",
    "Analysts expect the new agreement to lower transport costs for exporters.",
    "The central bank kept its base rate unchanged, citing slowing inflation.",
    "Heavy snow closed several highways in the north of the country overnight.",
    "A new terminal at the city airport will open to passengers next spring.",
    "Farmers reported a larger wheat harvest than in the previous two seasons.",
    "The ministry said it would publish the full text of the memorandum next week.",
    "Researchers presented a report on water resources in Central Asia.",
    "The delegation later visited an industrial park on the outskirts of the capital.",
]


@dataclass(frozen=True)
class System:
    """A benchmarked server configuration."""

    name: str
    kind: str  # "naive" or "service"
    settings: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Plan:
    """How much load each level gets."""

    levels: tuple[int, ...]
    requests_per_client: dict[int, int]
    time_limit_s: float
    request_timeout_s: float


@dataclass
class Row:
    """One line of the result table."""

    task: str
    model: str
    system: str
    clients: int
    requests: int
    ok: int
    errors: int
    units: int
    wall_s: float
    units_per_s: float
    tokens_per_s: float | None
    p50_s: float | None
    p95_s: float | None
    peak_rss_mb: float
    server_ready_s: float | None
    ratio_units_vs_baseline: float | None = None
    ratio_p95_vs_baseline: float | None = None
    notes: list[str] = field(default_factory=list)


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
        help="run the offline-LLM summarisation scenarios",
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
    if not args.budget_s:
        args.budget_s = 570.0 if args.quick else float("inf")
    return args


def load_sentences(path: Path) -> tuple[list[str], str]:
    """FLORES devtest English lines, or the embedded fallback (and which one it was)."""
    try:
        lines = [line.strip() for line in path.read_text("utf-8").splitlines() if line.strip()]
    except OSError:
        lines = []
    if lines:
        return lines, f"FLORES-200 devtest English ({len(lines)} sentences, {path})"
    return FALLBACK_SENTENCES, (
        f"FALLBACK: {path} not found; {len(FALLBACK_SENTENCES)} embedded English sentences"
    )


def translation_payload(
    sentences: list[str], model: BenchModel, *, salt: int
) -> Callable[[int, int], tuple[dict[str, Any], int]]:
    """Request ``k`` of client ``i``: 1-3 sentences, the same for every system."""

    def make(client: int, k: int) -> tuple[dict[str, Any], int]:
        rng = random.Random(salt * 1_000_003 + client * 10_007 + k)
        count = rng.randint(1, 3)
        start = rng.randrange(len(sentences))
        texts = [sentences[(start + j) % len(sentences)] for j in range(count)]
        body = {"text": texts, "source_lang": model.source_lang, "target_lang": model.target_lang}
        return body, count

    return make


def translation_systems(manifest_path: Path, cache_dir: Path, new_tokens: int) -> list[System]:
    """The four translation systems for one model."""
    common: dict[str, Any] = {
        "model_manifest": str(manifest_path),
        "cache_dir": str(cache_dir),
        "hf_hub_offline": True,
        "fixed_new_tokens": new_tokens,
        "max_queue": 1024,  # measure queueing, not 429s
        "log_level": "WARNING",
    }
    return [
        System("naive", "naive"),
        System("service/torch", "service", {**common, "micro_batching": True}),
        System(
            "service/ct2-int8",
            "service",
            {**common, "micro_batching": True, "translation_backend": "ctranslate2"},
        ),
        System("service/torch no-mb", "service", {**common, "micro_batching": False}),
        # The cost of beam search (NUM_BEAMS) against the greedy default.
        System(
            "service/torch beam4", "service", {**common, "micro_batching": True, "num_beams": 4}
        ),
    ]


def _row(
    task: str,
    model: str,
    system: str,
    result: LevelResult,
    *,
    tokens: int | None,
    peak_rss: int,
    ready_s: float | None,
) -> Row:
    wall = result.wall_s or float("nan")
    return Row(
        task=task,
        model=model,
        system=system,
        clients=result.clients,
        requests=result.requests,
        ok=result.ok,
        errors=result.errors,
        units=result.units,
        wall_s=round(result.wall_s, 2),
        units_per_s=round(result.units / wall, 5) if result.units else 0.0,
        tokens_per_s=round(tokens / wall, 1) if tokens is not None else None,
        p50_s=_round(result.percentile(50)),
        p95_s=_round(result.percentile(95)),
        peak_rss_mb=round(peak_rss / 2**20, 1),
        server_ready_s=_round(ready_s),
        notes=[f"errors: {'; '.join(result.error_samples[:3])}"] if result.errors else [],
    )


def _empty_row(task: str, model: str, system: str, clients: int, note: str) -> Row:
    return Row(
        task=task,
        model=model,
        system=system,
        clients=clients,
        requests=0,
        ok=0,
        errors=0,
        units=0,
        wall_s=0.0,
        units_per_s=0.0,
        tokens_per_s=None,
        p50_s=None,
        p95_s=None,
        peak_rss_mb=0.0,
        server_ready_s=None,
        notes=[note[:400]],
    )


def _round(value: float | None, digits: int = 3) -> float | None:
    return None if value is None else round(value, digits)


def run_server_levels(
    system: System,
    *,
    config: dict[str, Any],
    plan: Plan,
    payload: Payload,
    log_dir: Path,
    label: str,
    path: str,
    warm_up: tuple[dict[str, Any], int] | None,
    keep_responses: bool = False,
    levels: tuple[int, ...] | None = None,
) -> list[tuple[LevelResult, int, float | None]]:
    """Start the server, run each level against it, stop it; returns results and peak RSS."""
    server = ServerProcess(system.kind, config, log_dir / f"{label}.log")
    out: list[tuple[LevelResult, int, float | None]] = []
    try:
        ready = server.wait_ready(timeout_s=900)
        print(f"  {system.name}: ready in {ready:.1f} s (port {server.port})", flush=True)
        if warm_up is not None:
            asyncio.run(
                run_level(
                    server.base_url + path,
                    clients=1,
                    requests_per_client=1,
                    time_limit_s=0,
                    request_timeout_s=plan.request_timeout_s,
                    payload=lambda _i, _k: warm_up,
                )
            )
        for clients in levels or plan.levels:
            with server.rss.window() as peak:
                result = asyncio.run(
                    run_level(
                        server.base_url + path,
                        clients=clients,
                        requests_per_client=plan.requests_per_client[clients],
                        time_limit_s=plan.time_limit_s,
                        request_timeout_s=plan.request_timeout_s,
                        payload=payload,
                        keep_responses=keep_responses,
                    )
                )
            out.append((result, peak(), ready))
            p95 = result.percentile(95)
            print(
                f"    {clients:>2} clients: {result.ok}/{result.requests} ok, "
                f"{result.units / max(result.wall_s, 1e-9):.2f} units/s, "
                f"p95 {p95 if p95 is None else round(p95, 2)} s, wall {result.wall_s:.1f} s",
                flush=True,
            )
    finally:
        server.stop()
    return out


def bench_translation(
    args: argparse.Namespace, sentences: list[str], log_dir: Path, rows: list[Row]
) -> None:
    """All translation systems for each selected model."""
    models_dir = args.cache_dir / "bench" / "models"
    models_dir.mkdir(parents=True, exist_ok=True)
    selected = [MARIAN, *([NLLB] if args.nllb else [])]
    for model in selected:
        started = time.perf_counter()
        model_dir = build(model, models_dir)
        print(f"model {model.name} ({model.mimics} size): {time.perf_counter() - started:.0f} s")
        manifest_path = manifest(model, model_dir, models_dir / f"{model.name}.toml")
        if model is NLLB:
            plan = Plan((1, 8, 32), {1: 4, 8: 1, 32: 1}, 120.0, 1200.0)
        elif args.quick:
            plan = Plan((1, 8, 32), {1: 4, 8: 1, 32: 1}, 20.0, 600.0)
        else:
            plan = Plan((1, 8, 32), {1: 20, 8: 5, 32: 3}, 120.0, 900.0)
        payload = translation_payload(sentences, model, salt=1)
        warm = translation_payload(sentences, model, salt=99)(0, 0)
        for system in translation_systems(manifest_path, args.cache_dir, args.new_tokens):
            # One client takes the same path with or without micro-batching: QUICK skips it.
            levels = plan.levels[1:] if args.quick and system.name.endswith("no-mb") else None
            if args.quick and system.name.endswith("beam4"):
                levels = (8,)  # enough to price beam search; 32 clients would take minutes
            config = (
                {
                    "model_dir": str(model_dir),
                    "family": model.family,
                    "fixed_new_tokens": args.new_tokens,
                }
                if system.kind == "naive"
                else system.settings
            )
            label = f"{model.name}-{system.name.replace('/', '-').replace(' ', '-')}"
            try:
                results = run_server_levels(
                    system,
                    config=config,
                    plan=plan,
                    payload=payload,
                    log_dir=log_dir,
                    label=label,
                    path="/translate",
                    warm_up=warm,
                    levels=levels,
                )
            except RuntimeError as exc:
                print(f"  {system.name}: FAILED: {exc}", flush=True)
                rows.append(_empty_row("translate", model.name, system.name, 0, f"failed: {exc}"))
                continue
            for result, peak, ready in results:
                rows.append(
                    _row(
                        "translate",
                        model.name,
                        system.name,
                        result,
                        tokens=result.units * args.new_tokens,
                        peak_rss=peak,
                        ready_s=ready,
                    )
                )


def _llm_tokens(cache_dir: Path) -> Callable[[dict[str, Any]], int] | None:
    """Count generated text in a summary with the offline LLM's tokenizer (None if unavailable)."""
    try:
        from transformers import AutoTokenizer

        from models.assets import resolve
        from models.manifest import load_profile

        spec = load_profile("offline").by_task("llm")[0]
        where = resolve(spec, cache_dir=cache_dir, hub_offline=True)
        kwargs = {"gguf_file": where.gguf_file} if where.gguf_file else {}
        tokenizer = AutoTokenizer.from_pretrained(where.path, **kwargs)
    except Exception as exc:  # noqa: BLE001 - any failure only loses the token column
        print(f"  (no LLM tokenizer for token counts: {exc})")
        return None

    def count(summary: dict[str, Any]) -> int:
        parts = [summary.get("headline", ""), summary.get("summary", "")]
        for point in summary.get("key_points", []):
            parts += [point.get("text") or "", point.get("actor") or "", point.get("target") or ""]
        return sum(len(tokenizer.encode(p, add_special_tokens=False)) for p in parts if p)

    return count


def bench_llm(args: argparse.Namespace, log_dir: Path, rows: list[Row], t0: float) -> None:
    """Summarisation of the seed article with the offline LLM, with and without batching."""
    seed = SEED_ARTICLE.read_text("utf-8")
    body = {"text": seed, "engine": "llm"}
    per_client = 1 if args.quick else 2
    plan = Plan((1, 4), {1: per_client, 4: per_client}, 0.0, 1800.0)
    common: dict[str, Any] = {
        "model_profile": "offline",
        "hf_hub_offline": True,
        "cache_dir": str(args.cache_dir),
        "max_queue": 64,
        "log_level": "WARNING",
    }
    counted: list[tuple[System, LevelResult, int, float | None]] = []
    skipped: list[Row] = []  # skipped or failed, listed after the measured rows
    for micro in (True, False):
        system = System(
            "service/llm" + ("" if micro else " no-mb"),
            "service",
            {**common, "micro_batching": micro},
        )
        levels: tuple[int, ...] = plan.levels
        if not micro and args.quick:
            # 1 client is the same path either way; 4 clients run one after another (~4x).
            done = [r for s, r, _, _ in counted if s.name == "service/llm" and r.clients == 1]
            one = done[0].percentile(50) if done and done[0].latencies_s else None
            ready = counted[0][3] if counted else None
            estimate = (ready or 60.0) + 4 * (one or 90.0) * per_client + 30
            remaining = args.budget_s - (time.perf_counter() - t0)
            if estimate > remaining:
                note = (
                    f"skipped: about {estimate:.0f} s needed, {remaining:.0f} s left in the "
                    f"QUICK budget ({args.budget_s:.0f} s); run without QUICK to measure it"
                )
                print(f"  {system.name}: {note}")
                skipped.append(_empty_row("summarize", "offline-llm", system.name, 4, note))
                continue
            levels = (4,)
        try:
            results = run_server_levels(
                system,
                config=system.settings,
                plan=plan,
                payload=lambda _i, _k: (body, 1),
                log_dir=log_dir,
                label=system.name.replace("/", "-").replace(" ", "-"),
                path="/summarize",
                warm_up=None,
                keep_responses=True,
                levels=levels,
            )
        except RuntimeError as exc:
            print(f"  {system.name}: FAILED: {exc}", flush=True)
            skipped.append(_empty_row("summarize", "offline-llm", system.name, 0, f"failed: {exc}"))
            continue
        counted += [(system, r, peak, ready) for r, peak, ready in results]
    count = _llm_tokens(args.cache_dir) if counted else None
    for system, result, peak, ready in counted:
        tokens = sum(count(r) for r in result.responses) if count else None
        row = _row(
            "summarize",
            "offline-llm",
            system.name,
            result,
            tokens=tokens,
            peak_rss=peak,
            ready_s=ready,
        )
        row.notes.append(f"{result.requests} request(s) of {result.clients} client(s)")
        rows.append(row)
    rows.extend(skipped)


def add_ratios(rows: list[Row]) -> None:
    """Throughput and p95 ratios against the baseline at the same concurrency."""
    for row in rows:
        if row.task == "translate":
            base_name = "naive"
        elif row.task == "summarize":
            base_name = "service/llm"
        else:
            continue
        base = next(
            (
                b
                for b in rows
                if b.task == row.task
                and b.model == row.model
                and b.system == base_name
                and b.clients == row.clients
                and b.ok
            ),
            None,
        )
        if base is None or not row.ok or row is base:
            continue
        if base.units_per_s:
            row.ratio_units_vs_baseline = round(row.units_per_s / base.units_per_s, 2)
        if base.p95_s and row.p95_s:
            row.ratio_p95_vs_baseline = round(row.p95_s / base.p95_s, 2)


def _find(rows: list[Row], task: str, model: str, system: str, clients: int) -> Row | None:
    return next(
        (
            r
            for r in rows
            if r.task == task
            and r.model == model
            and r.system == system
            and r.clients == clients
            and r.ok
        ),
        None,
    )


def check_targets(rows: list[Row]) -> list[dict[str, Any]]:
    """Issue 4's targets against what was measured (``met`` is None when not measured)."""
    out: list[dict[str, Any]] = []

    def target(name: str, measured: str, met: bool | None, *, info: bool = False) -> None:
        out.append({"target": name, "measured": measured, "met": met, "info": info})

    for model in dict.fromkeys(r.model for r in rows if r.task == "translate"):
        naive32 = _find(rows, "translate", model, "naive", 32)
        torch32 = _find(rows, "translate", model, "service/torch", 32)
        ct2_32 = _find(rows, "translate", model, "service/ct2-int8", 32)
        naive1 = _find(rows, "translate", model, "naive", 1)
        torch1 = _find(rows, "translate", model, "service/torch", 1)
        if naive32 and torch32 and naive32.p95_s and torch32.p95_s:
            ratio = torch32.units_per_s / naive32.units_per_s
            target(
                f"{model}: service/torch at 32 clients >= 4x naive sentences/s, p95 no worse",
                f"{ratio:.2f}x sentences/s; p95 {torch32.p95_s:.2f} s vs {naive32.p95_s:.2f} s",
                ratio >= 4 and torch32.p95_s <= naive32.p95_s,
            )
        else:
            target(f"{model}: service/torch at 32 clients >= 4x naive", "not measured", None)
        if torch32 and ct2_32:
            ratio = ct2_32.units_per_s / torch32.units_per_s
            target(
                f"{model}: CT2 int8 at 32 clients >= 3x service/torch sentences/s",
                f"{ratio:.2f}x",
                ratio >= 3,
            )
        else:
            target(f"{model}: CT2 int8 at 32 clients >= 3x service/torch", "not measured", None)
        if naive1 and torch1:
            ratio = torch1.units_per_s / naive1.units_per_s
            target(
                f"{model}: service/torch at 1 client no more than 10% slower than naive",
                f"{ratio:.2f}x sentences/s; p50 {torch1.p50_s} s vs {naive1.p50_s} s",
                ratio >= 0.9,
            )
        else:
            target(f"{model}: 1 client within 10% of naive", "not measured", None)
        for clients in (1, 8, 32):
            greedy = _find(rows, "translate", model, "service/torch", clients)
            beam = _find(rows, "translate", model, "service/torch beam4", clients)
            if greedy and beam:
                target(
                    f"{model}: cost of NUM_BEAMS=4 vs greedy at {clients} clients",
                    f"{greedy.units_per_s / beam.units_per_s:.2f}x slower; "
                    f"p95 {beam.p95_s:.2f} s vs {greedy.p95_s:.2f} s",
                    None,
                    info=True,
                )
    one = _find(rows, "summarize", "offline-llm", "service/llm", 1)
    four = _find(rows, "summarize", "offline-llm", "service/llm", 4)
    if one and four and one.tokens_per_s and four.tokens_per_s:
        ratio = four.tokens_per_s / one.tokens_per_s
        target(
            "LLM summarisation at 4 clients >= 2x aggregate tokens/s of 1 client",
            f"{ratio:.2f}x ({four.tokens_per_s} vs {one.tokens_per_s} tokens/s)",
            ratio >= 2,
        )
    else:
        target("LLM at 4 clients >= 2x aggregate tokens/s of 1 client", "not measured", None)
    return out


def result_table(rows: list[Row]) -> str:
    """The result table as fixed-width text (the same table helper as ``make eval``)."""
    headers = ["task", "model", "system", "cli", "ok/req", "units/s", "tok/s", "p50 s", "p95 s"]
    headers += ["RSS MB", "x base", "p95 x"]
    cells: list[list[Cell]] = []
    for r in rows:
        rate = (
            None if r.units_per_s is None else round(r.units_per_s, 2 if r.units_per_s >= 1 else 4)
        )
        cells.append(
            [
                r.task,
                r.model[:24],
                r.system[:24],
                r.clients,
                f"{r.ok}/{r.requests}",
                rate,
                _round(r.tokens_per_s, 1),
                _round(r.p50_s, 2),
                _round(r.p95_s, 2),
                _round(r.peak_rss_mb, 0),
                _round(r.ratio_units_vs_baseline, 2),
                _round(r.ratio_p95_vs_baseline, 2),
            ]
        )
    notes = [f"{r.system} x{r.clients}: {note}" for r in rows for note in r.notes]
    return table("Benchmark", headers, cells, digits=2, notes=notes)


def machine() -> dict[str, Any]:
    """Where the numbers come from: ``make eval``'s machine description plus CTranslate2."""
    import ctranslate2

    return {**machine_info(), "ctranslate2": ctranslate2.__version__}


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; returns the exit status (1 when a system failed to run)."""
    args = parse_args(argv)
    t0 = time.perf_counter()
    load_start = os.getloadavg()
    log_dir = args.cache_dir / "bench" / "logs"
    sentences, source = load_sentences(args.flores)
    print(f"bench: quick={args.quick}, {args.new_tokens} new tokens per sentence; {source}")
    print(f"server logs: {log_dir}; load average at start {load_start}")
    rows: list[Row] = []
    if args.translation:
        bench_translation(args, sentences, log_dir, rows)
    if args.llm:
        bench_llm(args, log_dir, rows, t0)
    add_ratios(rows)
    targets = check_targets(rows)
    elapsed = time.perf_counter() - t0
    notes = [
        "units: sentences for translate, summaries for summarize; tok/s: fixed new tokens x "
        "sentences / s (translate), tokens of the returned headline, summary and key points / s "
        "(summarize); x base / p95 x: against naive (translate) or service/llm (summarize) at "
        "the same number of clients",
        "random-weight models with the tests' tiny tokenizer: FLORES sentences take about 2.5x "
        "more input tokens than with the real tokenizers (same cost for every system)",
        f"load average start {load_start}, end {os.getloadavg()}: the 2 CPU cores are shared "
        "with other work, so absolute numbers are noisy",
    ]
    if source.startswith("FALLBACK"):
        notes.append(source)
    report = {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "quick": args.quick,
        "elapsed_s": round(elapsed, 1),
        "new_tokens": args.new_tokens,
        "sentences": source,
        "rows": [r.__dict__ for r in rows],
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
