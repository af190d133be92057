"""The GPU paths of issue 9: torch bfloat16 for the LLM and CTranslate2 float16 for MT.

``probe()`` says whether this machine has a CUDA device for each runtime (torch and
CTranslate2 are separate builds, so one can see a GPU the other cannot). Where one does, the
benchmark adds the GPU systems beside the CPU ones, in the same run: the seed's /summarize
and the backend's prefill/decode speed on torch bf16, and the MT model through the service
on torch bf16 and on CTranslate2 float16. The service picks those types itself on a CUDA
device (``models.engines.default_dtype``, ``models.translation.ct2.default_compute_type``),
so the bench sets only ``DEVICE=cuda``. Where no device is, the report says why.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from benchmarks.common import Row, find


@dataclass(frozen=True)
class Gpu:
    """What CUDA each runtime sees here."""

    torch_device: str | None  # the device's name where torch sees one
    ct2_devices: int  # CUDA devices CTranslate2 sees
    why_not_torch: str = ""  # why the torch bf16 paths do not run ("" when they do)
    why_not_ct2: str = ""  # why the CTranslate2 float16 path does not run

    @property
    def torch(self) -> bool:
        """Whether the torch bf16 paths run."""
        return self.torch_device is not None

    @property
    def ct2(self) -> bool:
        """Whether the CTranslate2 float16 path runs (the service on ``DEVICE=cuda`` needs
        torch to see the device as well)."""
        return self.ct2_devices > 0 and not self.why_not_ct2


def probe(enabled: bool = True) -> Gpu:
    """This machine's CUDA devices as torch and CTranslate2 see them."""
    if not enabled:
        off = "skipped (--no-gpu or BENCH_NO_GPU)"
        return Gpu(None, 0, off, off)
    import ctranslate2
    import torch

    name = torch.cuda.get_device_name(0) if torch.cuda.is_available() else None
    try:
        ct2 = int(ctranslate2.get_cuda_device_count())
    except RuntimeError:  # a build without CUDA
        ct2 = 0
    no_torch = "" if name else f"torch {torch.__version__} sees no CUDA device"
    if not ct2:
        no_ct2 = f"CTranslate2 {ctranslate2.__version__} sees no CUDA device"
    elif no_torch:
        # DEVICE=cuda puts the service's torch models (the embedder) on CUDA as well.
        no_ct2 = f"CTranslate2 sees {ct2} CUDA device(s), but {no_torch} and the service needs both"
    else:
        no_ct2 = ""
    return Gpu(name, ct2, no_torch, no_ct2)


def gpu_targets(rows: list[Row], backends: list[dict[str, Any]], gpu: Gpu) -> list[dict[str, Any]]:
    """The GPU lines of the report: what ran on the GPU, set beside its CPU counterpart, or
    why it did not run. They are figures to read, not targets (issue 9 sets none for a GPU)."""
    out: list[dict[str, Any]] = []

    def line(name: str, got: str) -> None:
        out.append({"target": name, "measured": got, "met": None, "info": True})

    if not gpu.torch:
        line("GPU: torch bfloat16 paths (LLM, MT)", f"not measured: {gpu.why_not_torch}")
    else:
        for task in ("summarize", "summarize+ru,kk,zh"):
            cuda = find(rows, task, "qwen-0.5b", "now torch cuda", 1)
            cpu = find(rows, task, "qwen-0.5b", "now llamacpp", 1)
            if cuda is None or not cuda.p50_s:
                line(f"GPU ({gpu.torch_device}): seed {task}, torch bf16", "failed or not run")
                continue
            beside = f" vs {cpu.p50_s:.1f} s on CPU llama.cpp" if cpu and cpu.p50_s else ""
            line(
                f"GPU ({gpu.torch_device}): seed {task}, torch bf16, p50",
                f"{cuda.p50_s:.1f} s{beside}; peak RSS {cuda.peak_rss_mb:.0f} MB",
            )
        if not any(b.get("device") == "cuda" for b in backends):
            line(f"GPU ({gpu.torch_device}): torch bf16 backend tokens/s", "failed or not run")
    models = dict.fromkeys(r.model for r in rows if r.task == "translate")
    for model in models:
        cpu = find(rows, "translate", model, "service/ct2-int8", 32)
        for system, wanted in (
            ("service/torch cuda", gpu.torch),
            ("service/ct2 cuda", gpu.ct2),
        ):
            if not wanted:
                continue
            row = find(rows, "translate", model, system, 32)
            if row is None or not row.units_per_s:
                line(f"GPU: {model} {system} at 32 clients", "failed or not run")
                continue
            beside = f" ({row.units_per_s / cpu.units_per_s:.1f}x CPU CT2 int8)" if cpu else ""
            line(
                f"GPU: {model} {system} at 32 clients",
                f"{row.units_per_s:.1f} sentences/s{beside}, p95 {row.p95_s} s",
            )
    if not gpu.ct2:
        line("GPU: CTranslate2 float16 MT path", f"not measured: {gpu.why_not_ct2}")
    return out
