"""Translation scenarios: the MT models (random weights of real sizes) under load, against a
naive baseline, on torch and CTranslate2, with and without micro-batching."""

from __future__ import annotations

import argparse
import random
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchmarks.common import Plan, Row, System, empty_row, find, make_row, run_server_levels
from benchmarks.gpu import Gpu
from benchmarks.load import ROOT
from benchmarks.models import MARIAN, NLLB, BenchModel, build, manifest

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


def translation_systems(
    manifest_path: Path, cache_dir: Path, new_tokens: int, gpu: Gpu
) -> list[System]:
    """The translation systems for one model: the naive baseline, the service on torch and
    CTranslate2 int8, without micro-batching and with beam search, all on the CPU; and where
    a GPU is, the service on it (torch bfloat16, CTranslate2 float16: the types it takes on
    a CUDA device)."""
    common: dict[str, Any] = {
        "model_manifest": str(manifest_path),
        "cache_dir": str(cache_dir),
        "hf_hub_offline": True,
        "fixed_new_tokens": new_tokens,
        "max_queue": 1024,  # measure queueing, not 429s
        "log_level": "WARNING",
        # The CPU systems stay on the CPU on a GPU machine too (auto would move them).
        "device": "cpu",
    }
    systems = [
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
    cuda = {**common, "micro_batching": True, "device": "cuda"}
    if gpu.torch:
        systems.append(System("service/torch cuda", "service", cuda))
    if gpu.ct2:
        systems.append(
            System("service/ct2 cuda", "service", {**cuda, "translation_backend": "ctranslate2"})
        )
    return systems


def bench_translation(
    args: argparse.Namespace, sentences: list[str], log_dir: Path, rows: list[Row], gpu: Gpu
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
        for system in translation_systems(manifest_path, args.cache_dir, args.new_tokens, gpu):
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
                rows.append(empty_row("translate", model.name, system.name, 0, f"failed: {exc}"))
                continue
            for result, peak, ready in results:
                rows.append(
                    make_row(
                        "translate",
                        model.name,
                        system.name,
                        result,
                        tokens=result.units * args.new_tokens,
                        peak_rss=peak,
                        ready_s=ready,
                    )
                )


def translation_targets(rows: list[Row]) -> list[dict[str, Any]]:
    """Issue 4's translation targets against what was measured (``met`` None: not measured)."""
    out: list[dict[str, Any]] = []

    def target(name: str, measured: str, met: bool | None, *, info: bool = False) -> None:
        out.append({"target": name, "measured": measured, "met": met, "info": info})

    for model in dict.fromkeys(r.model for r in rows if r.task == "translate"):
        naive32 = find(rows, "translate", model, "naive", 32)
        torch32 = find(rows, "translate", model, "service/torch", 32)
        ct2_32 = find(rows, "translate", model, "service/ct2-int8", 32)
        naive1 = find(rows, "translate", model, "naive", 1)
        torch1 = find(rows, "translate", model, "service/torch", 1)
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
            greedy = find(rows, "translate", model, "service/torch", clients)
            beam = find(rows, "translate", model, "service/torch beam4", clients)
            if greedy and beam:
                target(
                    f"{model}: cost of NUM_BEAMS=4 vs greedy at {clients} clients",
                    f"{greedy.units_per_s / beam.units_per_s:.2f}x slower; "
                    f"p95 {beam.p95_s:.2f} s vs {greedy.p95_s:.2f} s",
                    None,
                    info=True,
                )
    return out
