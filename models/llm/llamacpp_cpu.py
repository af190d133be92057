"""Which CPU code llama.cpp runs: the variant a runtime-dispatch build loads.

The Makefile and the Dockerfile build llama.cpp with ``GGML_BACKEND_DL`` and
``GGML_CPU_ALL_VARIANTS``: the CPU backend is compiled once per x86-64 level (``x64``,
``sse42``, ``haswell`` (AVX2), ``skylakex`` (AVX-512), ``sapphirerapids`` (AVX-512 and AMX),
``zen4``, ...), each a ``libggml-cpu-<variant>.so``, and ggml loads the one whose
instructions this CPU has (it scores each by ``cpuid``). One wheel then runs at its best on
every host, and never with an instruction the CPU lacks (a ``-march=native`` build, and an
AVX-512 one, segfaulted on an earlier host of this project, so the build used to be AVX2
only, the slowest choice on an AVX-512 CPU). llama-cpp-python does not call ggml's loader
(abetlen/llama-cpp-python#2069), so this module does, through ctypes, once per process,
before the first model is loaded. A build with the CPU backend linked in (no variant files)
needs nothing.

``LLAMA_CPU_VARIANT`` names one variant instead (``haswell`` for AVX2 only, say), for a host
where the best one misbehaves.
"""

from __future__ import annotations

import ctypes
import logging
import re
import threading
from pathlib import Path

log = logging.getLogger(__name__)

# A CPU variant's library, and the variant's name in it.
_VARIANT = re.compile(r"libggml-cpu-([a-z0-9_]+)\.so")
_lock = threading.Lock()
_loaded: list[str | None] = []  # the outcome of the one load, once it has run


def variant_dirs(package_dir: Path) -> list[Path]:
    """Folders that hold ``libggml-cpu-*.so`` variants of the llama_cpp package at
    ``package_dir``: its ``lib`` folder, or the ``bin`` folder the wheel installs beside it."""
    folders = [package_dir / "lib", package_dir.parent / "bin"]
    return [f for f in folders if f.is_dir() and any(_variants(f))]


def _variants(folder: Path) -> list[str]:
    return sorted(m.group(1) for p in folder.iterdir() if (m := _VARIANT.fullmatch(p.name)))


def loaded_variant(maps: Path = Path("/proc/self/maps")) -> str | None:
    """The CPU variant mapped into this process (Linux), or ``None``."""
    try:
        text = maps.read_text()
    except OSError:
        return None
    found = _VARIANT.search(text)
    return found.group(1) if found else None


def load_cpu_backend(variant: str | None = None) -> str | None:
    """Load llama.cpp's CPU backend where the build dispatches at run time; returns the
    variant that runs (``None`` for a build with the backend linked in). ``variant`` names
    one instead of the best. Raises ``RuntimeError`` when the build has variants but the
    named one is missing or none can be loaded."""
    with _lock:
        if _loaded:
            return _loaded[0]
        import llama_cpp

        package = Path(llama_cpp.__file__).resolve().parent
        folders = variant_dirs(package)
        if not folders:
            _loaded.append(None)
            return None
        folder = folders[0]
        ggml = _libggml(package / "lib")
        if variant:
            path = folder / f"libggml-cpu-{variant}.so"
            if not path.is_file():
                raise RuntimeError(
                    f"LLAMA_CPU_VARIANT={variant}: no such llama.cpp CPU variant; this build "
                    f"has {', '.join(_variants(folder))}"
                )
            ggml.ggml_backend_load.restype = ctypes.c_void_p
            ggml.ggml_backend_load.argtypes = [ctypes.c_char_p]
            if not ggml.ggml_backend_load(str(path).encode()):
                raise RuntimeError(f"llama.cpp could not load {path} on this CPU")
        else:
            ggml.ggml_backend_load_all_from_path.restype = None
            ggml.ggml_backend_load_all_from_path.argtypes = [ctypes.c_char_p]
            ggml.ggml_backend_load_all_from_path(str(folder).encode())
        ggml.ggml_backend_reg_count.restype = ctypes.c_size_t
        if ggml.ggml_backend_reg_count() == 0:
            raise RuntimeError(f"llama.cpp found no CPU variant in {folder} that runs here")
        chosen = loaded_variant() or variant
        log.info("llama.cpp CPU backend: %s (from %s)", chosen, folder)
        _loaded.append(chosen)
        return chosen


def _libggml(lib: Path) -> ctypes.CDLL:
    """The libggml that libllama is linked to. Wheels hold no symlinks, so ``libggml.so`` and
    ``libggml.so.0`` are two copies of one file: loading the other one would register the
    backend in a registry libllama never reads."""
    for name in ("libggml.so.0", "libggml.so"):
        if (lib / name).is_file():
            return ctypes.CDLL(str(lib / name))
    raise RuntimeError(f"no libggml in {lib}")
