"""llama.cpp's CPU variant: found where the wheel puts it, and loaded as asked.

The real-build tests run in a fresh interpreter each, since a process loads its CPU backend
once.
"""

from __future__ import annotations

import platform
import subprocess
import sys
from pathlib import Path

import pytest

from models.llm.llamacpp_cpu import loaded_variant, variant_dirs

llama_cpp = pytest.importorskip("llama_cpp", reason="llama-cpp-python is not installed")
PACKAGE = Path(llama_cpp.__file__).resolve().parent
DISPATCH = bool(variant_dirs(PACKAGE))
needs_dispatch = pytest.mark.skipif(
    not DISPATCH, reason="this llama.cpp build has its CPU backend linked in (no variants)"
)


def test_variants_are_found_in_lib_or_beside_the_package(tmp_path: Path) -> None:
    package = tmp_path / "site" / "llama_cpp"
    (package / "lib").mkdir(parents=True)
    (package / "lib" / "libggml-cpu.so").touch()  # a linked-in build's backend: no variant
    assert variant_dirs(package) == []
    (tmp_path / "site" / "bin").mkdir()
    (tmp_path / "site" / "bin" / "libggml-cpu-haswell.so").touch()
    assert variant_dirs(package) == [tmp_path / "site" / "bin"]


def test_the_mapped_variant_is_read_from_the_process_maps(tmp_path: Path) -> None:
    maps = tmp_path / "maps"
    maps.write_text("7f00-7f01 r-xp 0 08:01 1 /site/bin/libggml-cpu-skylakex.so\n")
    assert loaded_variant(maps) == "skylakex"
    maps.write_text("7f00-7f01 r-xp 0 08:01 1 /site/llama_cpp/lib/libllama.so\n")
    assert loaded_variant(maps) is None
    assert loaded_variant(tmp_path / "missing") is None


def _load(variant: str | None) -> subprocess.CompletedProcess[str]:
    code = (
        "from models.llm.llamacpp_cpu import load_cpu_backend; "
        f"print(load_cpu_backend({variant!r}))"
    )
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False
    )


@needs_dispatch
def test_the_best_variant_for_this_cpu_is_loaded() -> None:
    done = _load(None)
    assert done.returncode == 0, done.stderr
    chosen = done.stdout.strip().splitlines()[-1]
    names = {p.name for d in variant_dirs(PACKAGE) for p in d.iterdir()}
    assert f"libggml-cpu-{chosen}.so" in names


@needs_dispatch
@pytest.mark.skipif(platform.machine() != "x86_64", reason="the variant names are x86-64's")
def test_a_named_variant_is_loaded_and_an_unknown_one_refused() -> None:
    done = _load("x64")  # the baseline every x86-64 CPU runs
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "x64"
    refused = _load("nosuchcpu")
    assert refused.returncode != 0
    assert "LLAMA_CPU_VARIANT=nosuchcpu" in refused.stderr and "haswell" in refused.stderr
