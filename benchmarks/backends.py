"""Prefill and decode speed of each LLM backend on the offline GGUF, one subprocess each.

``python -m benchmarks.backends BACKEND PROFILE [CACHE_DIR [DEVICE]]`` loads the profile's LLM
on BACKEND (torch, torch-int8, llamacpp) and DEVICE (``cpu``, or ``cuda`` for the torch
bfloat16 GPU path, the dtype the service takes there) and prints one JSON line: load
seconds, prefill tokens/s (one prompt of about 400 tokens), decode tokens/s with 1 and with 8
rows decoding at once, the process's resident memory before and after the load (so the
model's own share is known), and on CUDA the peak GPU memory torch allocated.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path
from typing import Any

PROMPT_SENTENCE = "The minister met the ambassador and they discussed trade, visas and transport. "
DECODE_TOKENS = 48


def _rss_mb() -> float:
    import psutil

    return float(psutil.Process().memory_info().rss) / 2**20


def measure(backend: str, profile: str, cache_dir: Path, device: str = "cpu") -> dict[str, Any]:
    """Load, then time prefill and decode with the backend's own batching."""
    import torch

    from models.assets import resolve
    from models.config import EngineConfig
    from models.engines import default_dtype, load_llm
    from models.manifest import load_profile

    before = _rss_mb()
    spec = load_profile(profile).by_task("llm")[0]
    where = resolve(spec, cache_dir=cache_dir, hub_offline=True)
    # LLAMA_CPU_VARIANT, the service's setting, pins llama.cpp's CPU code here too.
    variant = os.environ.get("LLAMA_CPU_VARIANT") or None
    config = EngineConfig(llm_backend=backend, llama_cpu_variant=variant)  # type: ignore[arg-type]
    started = time.perf_counter()
    llm = load_llm(spec, where, config, device=device, dtype=default_dtype(device))
    load_s = time.perf_counter() - started
    loaded = _rss_mb()
    try:
        long = llm.chat([{"role": "user", "content": PROMPT_SENTENCE * 24}])
        llm.generate([llm.chat([{"role": "user", "content": "Hi"}])], max_new_tokens=2)
        tokens = llm.count_tokens(long)
        started = time.perf_counter()
        llm.generate([long], max_new_tokens=1)
        prefill = tokens / (time.perf_counter() - started)
        decode: dict[str, float] = {}
        for rows in (1, 8):
            prompts = [
                llm.chat(
                    [{"role": "user", "content": f"Write a long story about trade, part {i}."}]
                )
                for i in range(rows)
            ]
            prompt_s = sum(llm.count_tokens(p) for p in prompts) / prefill
            produced_before = llm.stats.generated_tokens
            started = time.perf_counter()
            outputs = llm.generate(prompts, max_new_tokens=DECODE_TOKENS)
            elapsed = time.perf_counter() - started - prompt_s
            produced = sum(llm.count_tokens(o.text) for o in outputs)
            if llm.stats.generated_tokens > produced_before:
                produced = llm.stats.generated_tokens - produced_before
            decode[f"decode_tok_s_{rows}"] = produced / max(elapsed, 1e-6)
    finally:
        llm.close()
    return {
        "backend": backend,
        "profile": profile,
        "device": device,
        "dtype": llm.dtype,
        # llama.cpp's CPU code where the build dispatches at run time (haswell, skylakex, ...)
        "cpu_variant": getattr(llm, "cpu_variant", None),
        "load_s": round(load_s, 1),
        "prefill_tok_s": round(prefill, 1),
        **{k: round(v, 1) for k, v in decode.items()},
        "rss_before_mb": round(before),
        "rss_loaded_mb": round(loaded),
        "rss_end_mb": round(_rss_mb()),
        "threads": torch.get_num_threads(),
        **(
            {"gpu_peak_mb": round(torch.cuda.max_memory_allocated() / 2**20)}
            if device.startswith("cuda")
            else {}
        ),
    }


def main(argv: list[str]) -> None:
    """``BACKEND PROFILE [CACHE_DIR [DEVICE]]``: print the measurement as one JSON line."""
    from models.config import default_cache_dir

    backend, profile = argv[0], argv[1]
    cache_dir = Path(argv[2]) if len(argv) > 2 else default_cache_dir()
    device = argv[3] if len(argv) > 3 else "cpu"
    print(json.dumps(measure(backend, profile, cache_dir, device)))


if __name__ == "__main__":
    main(sys.argv[1:])
