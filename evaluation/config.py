"""What ``make eval`` runs, read from the environment (evaluation/README.md lists it)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import cast, get_args

from evaluation import data as ds
from models.config import LLMBackend

STAGES = (
    "summaries", "acts", "align", "checks", "langid", "requests", "points", "translation", "llm"
)  # fmt: skip
# Shares of the remaining budget for the LLM stages, in run order (the last gets the rest).
STAGE_WEIGHTS = {"requests": 0.2, "points": 0.15, "translation": 0.35, "llm": 0.3}
QUICK_BUDGET_S = 540.0
QUICK_TLIMIT = 20


def _int(env: Mapping[str, str], name: str, default: int | None) -> int | None:
    raw = env.get(name, "").strip()
    return int(raw) if raw else default


@dataclass(frozen=True)
class EvalConfig:
    """What ``make eval`` runs; ``quick`` is a run with ``LIMIT`` set (time-budgeted by default).

    Named apart from the service's ``Settings``: this is the evaluation harness's own.
    """

    data: Path
    out: Path
    profile: str
    limit: int | None
    llm_limit: int
    tlimit: int | None
    budget_s: float | None
    stages: tuple[str, ...]
    threads: int | None
    llm_backend: LLMBackend = "manifest"

    @property
    def quick(self) -> bool:
        """Whether this is a quick (``LIMIT``) run."""
        return self.limit is not None

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> EvalConfig:
        """``EVAL_DATA LIMIT LLM_LIMIT TLIMIT BUDGET_S STAGES EVAL_PROFILE EVAL_OUT
        EVAL_LLM_BACKEND``."""
        limit = _int(env, "LIMIT", None)
        quick = limit is not None
        budget = env.get("BUDGET_S", "").strip()
        budget_s = float(budget) if budget else (QUICK_BUDGET_S if quick else 0.0)
        raw_stages = env.get("STAGES", "").strip() or ",".join(STAGES)
        stages = tuple(s.strip() for s in raw_stages.split(",") if s.strip())
        unknown = set(stages) - set(STAGES)
        if unknown:
            raise ValueError(f"unknown STAGES {sorted(unknown)}; choose from {STAGES}")
        out = Path(env.get("EVAL_OUT", "") or ds.REPO_ROOT / "reports" / "eval.json")
        backend = env.get("EVAL_LLM_BACKEND", "").strip() or "manifest"
        if backend not in get_args(LLMBackend):
            choices = get_args(LLMBackend)
            raise ValueError(f"unknown EVAL_LLM_BACKEND {backend!r}; choose from {choices}")
        return cls(
            data=ds.data_root(env),
            out=out,
            profile=env.get("EVAL_PROFILE", "") or "offline",
            limit=limit,
            llm_limit=_int(env, "LLM_LIMIT", 3) or 0,
            tlimit=_int(env, "TLIMIT", QUICK_TLIMIT if quick else None),
            budget_s=budget_s if budget_s > 0 else None,
            stages=stages,
            threads=_int(env, "EVAL_THREADS", 1),
            llm_backend=cast(LLMBackend, backend),
        )
