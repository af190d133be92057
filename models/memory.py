"""glibc's heap: fewer malloc arenas (the service's many threads otherwise each grow their
own), and freed memory handed back.

glibc gives a thread that finds the main arena busy an arena of its own, up to eight per
core, and memory freed in one is not reused by the others. The service runs a scheduler
thread per model, micro-batcher workers, the inference pool and uvicorn's loop, so on the
offline 0.5B profile the seed with three translations peaked at 2,066 MB in-process with
the default arenas and at 1,952 MB with ``MALLOC_ARENA_MAX=2`` (2026-12-02, 2 cores), which
is what this sets through ``mallopt`` before the models load. A ``MALLOC_ARENA_MAX`` in the
environment wins (glibc read it at start); elsewhere than glibc nothing happens.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import os

log = logging.getLogger(__name__)

# mallopt's parameter number for the arena limit (glibc malloc.h: M_ARENA_MAX -8).
_M_ARENA_MAX = -8
ARENAS = 2


def _glibc() -> ctypes.CDLL | None:
    """The C library, when there is one ``ctypes`` can find."""
    name = ctypes.util.find_library("c")
    if not name:
        return None
    try:
        return ctypes.CDLL(name)
    except OSError:
        return None


def limit_malloc_arenas(arenas: int = ARENAS) -> bool:
    """Cap glibc's malloc arenas at ``arenas``; ``True`` when glibc took the setting."""
    if os.environ.get("MALLOC_ARENA_MAX"):
        return False
    libc = _glibc()
    try:
        return libc is not None and bool(libc.mallopt(_M_ARENA_MAX, arenas))
    except AttributeError:  # not glibc
        log.debug("mallopt is not available; malloc arenas left as they are")
        return False


def trim_heap() -> bool:
    """Give freed memory back to the OS (glibc keeps freed arena pages otherwise), e.g. the
    float32 weights that int8 quantisation replaced; ``True`` when glibc released some."""
    libc = _glibc()
    try:
        return libc is not None and bool(libc.malloc_trim(0))
    except AttributeError:  # not glibc
        return False
