"""The benchmark's GPU paths: added where CUDA is, with every CPU system pinned to the CPU,
and a report line that says what ran or why nothing did."""

from __future__ import annotations

from pathlib import Path

import ctranslate2
import pytest
import torch

from benchmarks.common import Row, empty_row
from benchmarks.gpu import Gpu, gpu_targets, probe
from benchmarks.llm import backend_plan, llm_systems
from benchmarks.run import parse_args
from benchmarks.translation import translation_systems
from service.settings import Settings

H200 = Gpu("NVIDIA H200", 1)
NONE = Gpu(None, 0, "torch sees no CUDA device", "CTranslate2 sees no CUDA device")


def test_probe_reports_what_torch_and_ctranslate2_see() -> None:
    gpu = probe()
    assert gpu.torch == torch.cuda.is_available()
    assert gpu.ct2_devices == ctranslate2.get_cuda_device_count()
    assert (gpu.why_not_torch == "") == gpu.torch
    assert (gpu.why_not_ct2 == "") == gpu.ct2
    assert gpu.ct2 <= gpu.torch  # DEVICE=cuda needs torch on CUDA too
    if not gpu.torch:
        assert gpu.why_not_torch.startswith("torch ") and "no CUDA device" in gpu.why_not_torch
    off = probe(enabled=False)
    assert not off.torch and not off.ct2 and "skipped" in off.why_not_torch + off.why_not_ct2


@pytest.mark.parametrize("gpu", [H200, NONE], ids=["gpu", "no-gpu"])
def test_llm_systems_add_torch_cuda_only_where_a_gpu_is(gpu: Gpu) -> None:
    args = parse_args(["--no-large"])
    systems = llm_systems(args, None, gpu)
    devices = {s.name: s.settings["device"] for s in systems}
    assert devices.pop("now torch cuda", None) == ("cuda" if gpu.torch else None)
    assert devices and set(devices.values()) == {"cpu"}
    for s in systems:
        Settings(**s.settings)  # every system's settings are ones the service accepts
    plan = backend_plan(args, gpu)
    assert (("torch", "offline", "cuda") in plan) == gpu.torch
    assert all(device == "cpu" for _, _, device in plan if device != "cuda")


@pytest.mark.parametrize("gpu", [H200, Gpu("NVIDIA H200", 0, "", "no ct2"), NONE])
def test_translation_systems_on_the_gpu_use_the_service_defaults(gpu: Gpu, tmp_path: Path) -> None:
    systems = translation_systems(tmp_path / "bench.toml", tmp_path, 32, gpu)
    names = {s.name for s in systems}
    assert ("service/torch cuda" in names) == gpu.torch
    assert ("service/ct2 cuda" in names) == gpu.ct2
    for s in systems:
        if s.kind == "naive":
            continue
        assert s.settings["device"] == ("cuda" if s.name.endswith("cuda") else "cpu")
        if s.name == "service/ct2 cuda":
            # No compute type is set: on CUDA the service takes float16 itself.
            assert s.settings["translation_backend"] == "ctranslate2"
            assert "ct2_compute_type" not in s.settings


def test_without_a_gpu_the_report_says_why() -> None:
    lines = gpu_targets([], [], NONE)
    assert [line["measured"] for line in lines] == [
        "not measured: torch sees no CUDA device",
        "not measured: CTranslate2 sees no CUDA device",
    ]
    assert all(line["info"] and line["met"] is None for line in lines)


def test_with_a_gpu_the_report_sets_each_figure_beside_its_cpu_one() -> None:
    def row(task: str, model: str, system: str, clients: int, **values: float) -> Row:
        r = empty_row(task, model, system, clients, "")
        r.ok = 1
        for k, v in values.items():
            setattr(r, k, v)
        return r

    rows = [
        row("summarize", "qwen-0.5b", "now torch cuda", 1, p50_s=3.0, peak_rss_mb=2500.0),
        row("summarize", "qwen-0.5b", "now llamacpp", 1, p50_s=30.0),
        row("translate", "marian", "service/ct2-int8", 32, units_per_s=10.0),
        row("translate", "marian", "service/ct2 cuda", 32, units_per_s=150.0, p95_s=0.4),
    ]
    backends = [{"backend": "torch", "device": "cuda"}]
    lines = {line["target"]: line["measured"] for line in gpu_targets(rows, backends, H200)}
    assert lines["GPU (NVIDIA H200): seed summarize, torch bf16, p50"] == (
        "3.0 s vs 30.0 s on CPU llama.cpp; peak RSS 2500 MB"
    )
    # A scenario that did not run is said so, not dropped.
    assert lines["GPU (NVIDIA H200): seed summarize+ru,kk,zh, torch bf16"] == "failed or not run"
    assert lines["GPU: marian service/ct2 cuda at 32 clients"] == (
        "150.0 sentences/s (15.0x CPU CT2 int8), p95 0.4 s"
    )
    assert lines["GPU: marian service/torch cuda at 32 clients"] == "failed or not run"
