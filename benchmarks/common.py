"""What every benchmark scenario shares: systems, result rows, servers under load, the table."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from benchmarks.baseline import Checkout
from benchmarks.load import LevelResult, Payload, ServerProcess, run_level
from evaluation.report import Cell, machine_info, table


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


def make_row(
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
        p50_s=rnd(result.percentile(50)),
        p95_s=rnd(result.percentile(95)),
        peak_rss_mb=round(peak_rss / 2**20, 1),
        server_ready_s=rnd(ready_s),
        notes=[f"errors: {'; '.join(result.error_samples[:3])}"] if result.errors else [],
    )


def empty_row(task: str, model: str, system: str, clients: int, note: str) -> Row:
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


def rnd(value: float | None, digits: int = 3) -> float | None:
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
    checkout: Checkout | None = None,
) -> list[tuple[LevelResult, int, float | None]]:
    """Start the server, run each level against it, stop it; returns results and peak RSS.

    ``checkout`` runs another commit's server (its tree and venv) instead of this one's.
    """
    server = ServerProcess(
        system.kind,
        config,
        log_dir / f"{label}.log",
        python=checkout.python if checkout else None,
        cwd=checkout.root if checkout else None,
    )
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


def find(rows: list[Row], task: str, model: str, system: str, clients: int) -> Row | None:
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
                rnd(r.tokens_per_s, 1),
                rnd(r.p50_s, 2),
                rnd(r.p95_s, 2),
                rnd(r.peak_rss_mb, 0),
                rnd(r.ratio_units_vs_baseline, 2),
                rnd(r.ratio_p95_vs_baseline, 2),
            ]
        )
    notes = [f"{r.system} x{r.clients}: {note}" for r in rows for note in r.notes]
    return table("Benchmark", headers, cells, digits=2, notes=notes)


def machine() -> dict[str, Any]:
    """Where the numbers come from: ``make eval``'s machine description plus CTranslate2."""
    import ctranslate2

    return {**machine_info(), "ctranslate2": ctranslate2.__version__}
