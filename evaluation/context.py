"""The state of one evaluation run, shared by its stages."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from evaluation import data as ds
from evaluation.budget import Budget, StageResult
from evaluation.config import EvalConfig
from evaluation.scoring import ArticleScore, Scorer
from models.summary import Summarizer
from models.translation import TranslationService


@dataclass
class Run:
    """What the stages read (config, engines, budget) and write (scores, results, errors)."""

    config: EvalConfig
    summarizer: Summarizer
    translation: TranslationService | None
    budget: Budget
    scores: dict[str, list[ArticleScore]] = field(default_factory=dict)
    stages: list[StageResult[Any]] = field(default_factory=list)
    results: dict[str, Any] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    scorer_cache: dict[str, np.ndarray] = field(default_factory=dict)

    @property
    def scorer(self) -> Scorer:
        """A scorer on the profile's embedder; vectors are cached across the run."""
        return Scorer(self.summarizer.embedder, self.scorer_cache)

    def sets(self) -> dict[str, list[ds.SummaryItem]]:
        """The summary test sets, cut to ``LIMIT`` items each."""
        limit = self.config.limit
        cnn = ds.load_cnndm(self.config.data)
        writer = ds.load_writer(self.config.data)
        return {"cnndm": cnn[:limit], "writer": writer[:limit]}


def bind(fn: Callable[..., Any], arg: Any) -> Callable[[], Any]:
    """A unit of work for ``run_units``: ``fn(arg)`` later."""
    return lambda: fn(arg)
