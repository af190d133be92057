"""LLM scenarios: the seed article's /summarize, without and with ru/kk/zh, and LLM /translate
under load, for today's code on each LLM backend and model, against commit 5cd8b29.

Every server is a subprocess on 127.0.0.1; today's code is sent ``"cache": false`` so the
result cache never answers (5cd8b29 has no cache and would reject the field).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from benchmarks.baseline import BASELINE_COMMIT, Checkout
from benchmarks.common import Row, empty_row, find, make_row
from benchmarks.gpu import Gpu
from benchmarks.load import ROOT, LevelResult, ServerProcess, run_level

SEED_ARTICLE = ROOT / "tests" / "fixtures" / "seed_article.txt"
TARGET_LANGS = ["ru", "kk", "zh"]
WITH_TRANSLATIONS = "summarize+ru,kk,zh"
# Memory budgets of issue 9 (total resident set of the server), in MB.
BUDGET_MB = {"qwen-0.5b": 2048, "qwen-1.5b": 3072}


@dataclass(frozen=True)
class LLMSystem:
    """A server configuration for the LLM scenarios."""

    name: str
    model: str
    settings: dict[str, Any]
    checkout: Checkout | None = None
    translate_scaling: bool = False

    @property
    def sends_cache_field(self) -> bool:
        """Whether the server knows the ``cache`` request field (today's code does)."""
        return self.checkout is None


@dataclass
class Measured:
    """What one system's server measured across the scenarios."""

    system: LLMSystem
    ready_s: float | None = None
    rows: list[Row] = field(default_factory=list)
    responses: list[dict[str, Any]] = field(default_factory=list)


def llm_systems(args: argparse.Namespace, baseline: Checkout | None, gpu: Gpu) -> list[LLMSystem]:
    """5cd8b29 (torch), today's code on llama.cpp (0.5B and 1.5B) and on torch (0.5B), and
    on torch bfloat16 on the GPU where there is one."""
    common: dict[str, Any] = {
        "hf_hub_offline": True,
        "cache_dir": str(args.cache_dir),
        "max_queue": 64,
        "log_level": "WARNING",
        # Every CPU system stays on the CPU on a GPU machine too (the default, auto, would
        # move it), so the CPU ratios mean the same everywhere.
        "device": "cpu",
    }
    systems = []
    if baseline is not None:
        systems.append(
            LLMSystem(
                f"{BASELINE_COMMIT} torch",
                "qwen-0.5b",
                {**common, "model_profile": "offline"},
                checkout=baseline,
            )
        )
    systems.append(
        LLMSystem(
            "now llamacpp",
            "qwen-0.5b",
            {**common, "model_profile": "offline", "llm_backend": "llamacpp"},
            translate_scaling=True,
        )
    )
    if not args.quick:
        systems.append(
            LLMSystem(
                "now torch",
                "qwen-0.5b",
                {**common, "model_profile": "offline", "llm_backend": "torch"},
            )
        )
    if gpu.torch:
        systems.append(
            LLMSystem(
                "now torch cuda",
                "qwen-0.5b",
                {**common, "model_profile": "offline", "llm_backend": "torch", "device": "cuda"},
            )
        )
    if args.large:
        systems.append(
            LLMSystem(
                "now llamacpp",
                "qwen-1.5b",
                {**common, "model_profile": "offline-1.5b", "llm_backend": "llamacpp"},
            )
        )
    return systems


def _summarize_body(system: LLMSystem, target_langs: list[str]) -> dict[str, Any]:
    body: dict[str, Any] = {"text": SEED_ARTICLE.read_text("utf-8"), "engine": "llm"}
    if target_langs:
        body["target_langs"] = target_langs
    if system.sends_cache_field:
        body["cache"] = False
    return body


def _level(
    server: ServerProcess, path: str, *, clients: int, requests: int, payload: Any
) -> tuple[LevelResult, int]:
    with server.rss.window() as peak:
        result = asyncio.run(
            run_level(
                server.base_url + path,
                clients=clients,
                requests_per_client=requests,
                time_limit_s=0.0 if requests == 1 else 3600.0,
                request_timeout_s=1800.0,
                payload=payload,
                keep_responses=True,
            )
        )
    return result, peak()


def bench_system(
    system: LLMSystem, args: argparse.Namespace, log_dir: Path, sentences: list[str]
) -> Measured:
    """Start the system's server and run its scenarios; a failure becomes a noted row."""
    label = f"{system.name}-{system.model}".replace(" ", "-")
    out = Measured(system)
    server = ServerProcess(
        "service",
        system.settings,
        log_dir / f"llm-{label}.log",
        python=system.checkout.python if system.checkout else None,
        cwd=system.checkout.root if system.checkout else None,
    )
    try:
        out.ready_s = server.wait_ready(timeout_s=1800)
        print(f"  {system.name} {system.model}: ready in {out.ready_s:.1f} s", flush=True)
        plain = 2 if args.quick else 3
        translated = 1 if args.quick else 2
        for task, langs, requests in (
            ("summarize", [], plain),
            (WITH_TRANSLATIONS, TARGET_LANGS, translated),
        ):
            body = _summarize_body(system, langs)
            result, peak = _level(
                server,
                "/summarize",
                clients=1,
                requests=requests,
                payload=lambda _i, _k, body=body: (body, 1),
            )
            out.responses += result.responses
            row = make_row(
                task,
                system.model,
                system.name,
                result,
                tokens=None,
                peak_rss=peak,
                ready_s=out.ready_s,
            )
            row.notes.append(f"p50 over {result.requests} sequential request(s)")
            out.rows.append(row)
            print(f"    {task}: p50 {row.p50_s} s, peak RSS {row.peak_rss_mb:.0f} MB", flush=True)
        if system.translate_scaling:
            out.rows += _translate_scaling(system, server, sentences, quick=args.quick)
    except RuntimeError as exc:
        print(f"  {system.name} {system.model}: FAILED: {exc}", flush=True)
        out.rows.append(empty_row("summarize", system.model, system.name, 0, f"failed: {exc}"))
    finally:
        server.stop()
    return out


def _translate_scaling(
    system: LLMSystem, server: ServerProcess, sentences: list[str], *, quick: bool
) -> list[Row]:
    """LLM /translate (en->ru) at 1 and 8 clients, 1-3 FLORES sentences a request."""

    def payload(client: int, k: int) -> tuple[dict[str, Any], int]:
        rng = random.Random(client * 10_007 + k)
        count = rng.randint(1, 3)
        start = rng.randrange(len(sentences))
        texts = [sentences[(start + j) % len(sentences)] for j in range(count)]
        body: dict[str, Any] = {"text": texts, "source_lang": "en", "target_lang": "ru"}
        body["cache"] = False
        return body, count

    rows = []
    for clients, requests in ((1, 4 if quick else 8), (8, 1 if quick else 2)):
        result, peak = _level(
            server, "/translate", clients=clients, requests=requests, payload=payload
        )
        row = make_row(
            "translate-llm",
            system.model,
            system.name,
            result,
            tokens=None,
            peak_rss=peak,
            ready_s=None,
        )
        rows.append(row)
        print(f"    translate-llm x{clients}: {row.units_per_s:.3f} sentences/s", flush=True)
    return rows


def backend_plan(args: argparse.Namespace, gpu: Gpu) -> list[tuple[str, str, str]]:
    """(backend, profile, device) for each backend measurement."""
    plan = [("llamacpp", "offline", "cpu"), ("torch", "offline", "cpu")]
    if not args.quick:
        plan.append(("torch-int8", "offline", "cpu"))
    if gpu.torch:
        plan.append(("torch", "offline", "cuda"))
    if args.large:
        plan.append(("llamacpp", "offline-1.5b", "cpu"))
    return plan


def bench_backends(args: argparse.Namespace, gpu: Gpu) -> list[dict[str, Any]]:
    """Prefill/decode tokens/s and memory of each backend, each in its own process."""
    out = []
    for backend, profile, device in backend_plan(args, gpu):
        cmd = [sys.executable, "-m", "benchmarks.backends", backend, profile, str(args.cache_dir)]
        cmd.append(device)
        failed = {"backend": backend, "profile": profile, "device": device}
        try:
            done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=1800)
        except subprocess.TimeoutExpired:
            out.append({**failed, "error": "timed out"})
            continue
        line = done.stdout.strip().splitlines()[-1] if done.stdout.strip() else ""
        try:
            out.append(json.loads(line))
        except json.JSONDecodeError:
            out.append({**failed, "error": done.stderr[-400:]})
        print(f"  backend {backend} {profile}: {out[-1]}", flush=True)
    return out


def _seed_quality(responses: list[dict[str, Any]]) -> tuple[bool, bool, int]:
    """Whether every seed summary lists the visa request (Kazakh side -> China) and the
    $27 billion figure, and the most request points any summary has besides that one (the
    seed has no other request, so each is a false one)."""
    visa = figure = bool(responses)
    others = 0
    for body in responses:
        points = body.get("key_points", [])
        found = [
            p
            for p in points
            if p["type"] == "request"
            and "visa" in p["text"].lower()
            and (p.get("actor") or "").lower().endswith("kazakh side")
            and (p.get("target") or "") == "China"
        ]
        visa &= bool(found)
        requests = sum(p["type"] == "request" for p in points)
        others = max(others, requests - min(1, len(found)))
        figure &= any(f["text"] == "$27 billion" for f in body.get("figures", []))
    return visa, figure, others


def _batching_ceiling(backends: list[dict[str, Any]]) -> str:
    """Why 8 LLM clients cannot reach 3x: the 0.5B backend's own 8-row decode gain."""
    for b in backends:
        if b.get("backend") == "llamacpp" and b.get("profile") == "offline" and "error" not in b:
            gain = b["decode_tok_s_8"] / b["decode_tok_s_1"] if b["decode_tok_s_1"] else 0.0
            return (
                f"; the ceiling on this machine: llama.cpp decodes 8 rows at {gain:.2f}x the "
                "tokens/s of 1 row, and prefill, most of a short translation, is compute-bound "
                f"({b['prefill_tok_s']} tok/s whatever the batch)"
            )
    return ""


def llm_targets(
    rows: list[Row], measured: list[Measured], backends: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Issue 9's targets against what this run measured (``met`` None: not measured)."""
    out: list[dict[str, Any]] = []

    def target(name: str, got: str, met: bool | None, *, info: bool = False) -> None:
        out.append({"target": name, "measured": got, "met": met, "info": info})

    old_name = f"{BASELINE_COMMIT} torch"
    for task, label in (
        ("summarize", "without translations"),
        (WITH_TRANSLATIONS, "with ru, kk, zh"),
    ):
        old = find(rows, task, "qwen-0.5b", old_name, 1)
        new = find(rows, task, "qwen-0.5b", "now llamacpp", 1)
        if old and new and old.p50_s and new.p50_s:
            ratio = old.p50_s / new.p50_s
            target(
                f"seed /summarize {label}, p50 >= 4x faster than {BASELINE_COMMIT}",
                f"{ratio:.2f}x ({new.p50_s:.1f} s vs {old.p50_s:.1f} s)",
                ratio >= 4,
            )
        else:
            target(f"seed /summarize {label} vs {BASELINE_COMMIT}", "not measured", None)
    one = find(rows, "translate-llm", "qwen-0.5b", "now llamacpp", 1)
    eight = find(rows, "translate-llm", "qwen-0.5b", "now llamacpp", 8)
    if one and eight and one.units_per_s:
        ratio = eight.units_per_s / one.units_per_s
        target(
            "LLM /translate: 8 clients >= 3x the sentences/s of 1 client",
            f"{ratio:.2f}x ({eight.units_per_s:.3f} vs {one.units_per_s:.3f})"
            + ("" if ratio >= 3 else _batching_ceiling(backends)),
            ratio >= 3,
        )
    else:
        target("LLM /translate: 8 clients >= 3x 1 client", "not measured", None)
    for m in measured:
        if m.system.checkout is not None or not m.rows:
            continue
        budget = BUDGET_MB.get(m.system.model)
        peak = max(r.peak_rss_mb for r in m.rows)
        if budget and m.system.name == "now llamacpp":
            target(
                f"{m.system.model} server resident memory <= {budget} MB",
                f"peak {peak:.0f} MB",
                peak <= budget,
            )
        visa, figure, others = _seed_quality(m.responses)
        target(
            f"{m.system.name} {m.system.model}: seed lists the visa request (Kazakh side -> "
            "China), no other request, and the $27 billion figure",
            f"visa {visa}, other requests {others}, figure {figure}",
            visa and figure and not others,
        )
    for b in backends:
        if "error" in b:
            target(
                f"backend {b['backend']} {b['profile']}",
                f"failed: {b['error'][:200]}",
                None,
                info=True,
            )
            continue
        models_mb = b["rss_loaded_mb"] - b["rss_before_mb"]
        gpu_mb = f", {b['gpu_peak_mb']} MB GPU peak" if "gpu_peak_mb" in b else ""
        target(
            f"backend {b['backend']} ({b['dtype']}"
            + (f", CPU code {b['cpu_variant']}" if b.get("cpu_variant") else "")
            + (f", {b['device']}" if b.get("device", "cpu") != "cpu" else "")
            + f") {b['profile']}: prefill / decode tokens/s",
            f"prefill {b['prefill_tok_s']}, decode 1 row {b['decode_tok_s_1']}, 8 rows "
            f"{b['decode_tok_s_8']} tok/s; load {b['load_s']} s; +{models_mb} MB resident" + gpu_mb,
            None,
            info=True,
        )
    return out
