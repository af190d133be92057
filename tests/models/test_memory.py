"""glibc's heap: the malloc arena cap is taken and an explicit MALLOC_ARENA_MAX left alone;
freed memory is handed back."""

from __future__ import annotations

import platform
import subprocess
import sys

import pytest

from models.memory import limit_malloc_arenas


@pytest.mark.skipif(platform.system() != "Linux", reason="mallopt is glibc's (Linux)")
def test_glibc_takes_the_arena_cap(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MALLOC_ARENA_MAX", raising=False)
    assert limit_malloc_arenas(2) is True
    monkeypatch.setenv("MALLOC_ARENA_MAX", "4")
    assert limit_malloc_arenas(2) is False  # the operator's setting wins


@pytest.mark.skipif(platform.system() != "Linux", reason="mallopt is glibc's (Linux)")
def test_capped_threads_share_arenas() -> None:
    """Eight threads that allocate at once make glibc open arenas; capped at 2, malloc_info
    reports at most 2 (the main arena and one more)."""
    script = r"""
import ctypes, ctypes.util, os, re, sys, tempfile, threading
from models.memory import limit_malloc_arenas
if sys.argv[1] == "cap":
    assert limit_malloc_arenas(2)
barrier = threading.Barrier(8)
keep = []
def work():
    barrier.wait()
    for _ in range(2000):
        keep.append(bytearray(4096))
threads = [threading.Thread(target=work) for _ in range(8)]
for t in threads: t.start()
for t in threads: t.join()
libc = ctypes.CDLL(ctypes.util.find_library("c"))
libc.fopen.restype = ctypes.c_void_p
path = tempfile.mktemp()
f = libc.fopen(path.encode(), b"w")
libc.malloc_info(0, ctypes.c_void_p(f)); libc.fclose(ctypes.c_void_p(f))
print(len(re.findall(r"<heap nr=", open(path).read())))
"""
    env = {k: v for k, v in __import__("os").environ.items() if k != "MALLOC_ARENA_MAX"}
    counts = {
        mode: int(
            subprocess.run(
                [sys.executable, "-c", script, mode],
                capture_output=True,
                text=True,
                check=True,
                env=env,
            ).stdout.strip()
        )
        for mode in ("cap", "default")
    }
    assert counts["cap"] <= 2 < counts["default"]


@pytest.mark.skipif(platform.system() != "Linux", reason="malloc_trim is glibc's (Linux)")
def test_freed_memory_is_handed_back() -> None:
    """64 MB in small blocks, freed below a live one: glibc keeps the pages until
    ``malloc_trim`` hands them back."""
    script = r"""
import gc, sys
from models.memory import trim_heap
def rss_kb():
    for line in open("/proc/self/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
blocks = [bytearray(1000) for _ in range(64_000)]
pin = bytearray(1000)  # above the blocks: free() alone cannot shrink the heap past it
blocks = None
gc.collect()
before = rss_kb()
trimmed = trim_heap()
print(trimmed, before - rss_kb())
"""
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    ).stdout.split()
    assert out[0] == "True"
    assert int(out[1]) > 16_000  # kB handed back
