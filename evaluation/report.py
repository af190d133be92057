"""Plain-text tables for stdout and the machine/run description stored in ``reports/eval.json``."""

from __future__ import annotations

import datetime as _dt
import os
import platform
import subprocess
from collections.abc import Sequence
from pathlib import Path
from typing import Any

Cell = str | int | float | None


def fmt(value: Cell, digits: int = 1) -> str:
    """A cell: floats with ``digits`` decimals, ``None`` as ``-``."""
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


def table(
    title: str,
    headers: Sequence[str],
    rows: Sequence[Sequence[Cell]],
    *,
    digits: int = 1,
    notes: Sequence[str] = (),
) -> str:
    """A fixed-width table: first column left-aligned, the others right-aligned."""
    cells = [[fmt(c, digits) for c in row] for row in rows]
    for row in cells:
        if len(row) != len(headers):
            raise ValueError(f"row {row} has {len(row)} cells, expected {len(headers)}")
    widths = [max([len(h), *(len(r[i]) for r in cells)]) for i, h in enumerate(headers)]

    def line(values: Sequence[str]) -> str:
        first = values[0].ljust(widths[0])
        rest = [v.rjust(w) for v, w in zip(values[1:], widths[1:], strict=True)]
        return "  ".join([first, *rest]).rstrip()

    rule = "-" * len(line(list(headers)))
    out = [title, rule, line(list(headers)), rule, *(line(r) for r in cells), rule]
    out += [f"  {n}" for n in notes]
    return "\n".join(out)


def pct(value: float | None) -> float | None:
    """A share in ``[0, 1]`` as a percentage."""
    return None if value is None else 100.0 * value


def machine_info() -> dict[str, Any]:
    """Where the numbers were measured (CPU count and load matter for every timing)."""
    import torch

    try:
        affinity = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        affinity = None
    return {
        "platform": platform.platform(),
        "machine": platform.machine(),
        "processor": platform.processor() or None,
        "python": platform.python_version(),
        "cpu_count": os.cpu_count(),
        "cpus_usable": affinity,
        "torch": torch.__version__,
        "torch_threads": torch.get_num_threads(),
        "cuda": torch.cuda.is_available(),
        "loadavg_start": _loadavg(),
    }


def _loadavg() -> list[float] | None:
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return None


def loadavg() -> list[float] | None:
    """The 1/5/15-minute load average (other work on the machine slows every timing)."""
    return _loadavg()


def git_commit(repo: Path) -> str | None:
    """``HEAD`` of the repository, with ``+dirty`` when the working tree has changes."""
    try:
        head = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=repo, capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=repo,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None
    return head + ("+dirty" if dirty else "")


def now_iso() -> str:
    """The current local time, ISO 8601 with offset."""
    return _dt.datetime.now().astimezone().isoformat(timespec="seconds")
