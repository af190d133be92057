"""Wall-clock budgets, so that a quick run ends in time on a slow or busy CPU.

A stage is a list of work units (an article, a batch of sentences). The LLM stages share what
is left of the run's budget (weights, with unused time passed on to later stages). A unit is not
started when the previous one took longer than the time left; a unit still running at the stage
deadline is interrupted (SIGALRM raises ``OutOfTime`` between two model steps) and dropped. The
report says how many units each stage finished, so a cut is never hidden.
"""

from __future__ import annotations

import signal
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from types import FrameType
from typing import Generic, TypeVar

T = TypeVar("T")


class OutOfTime(BaseException):
    """The stage's time ran out. A ``BaseException``, so the engines' own
    ``except (RuntimeError, ValueError, ...)`` fallbacks cannot swallow it."""


@contextmanager
def time_limit(seconds: float | None) -> Iterator[None]:
    """Raise ``OutOfTime`` in the block after ``seconds`` (``None``: no limit). Main thread only."""
    if seconds is None:
        yield
        return
    if seconds <= 0:
        raise OutOfTime

    def _alarm(_signum: int, _frame: FrameType | None) -> None:
        raise OutOfTime

    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@dataclass
class StageResult(Generic[T]):
    """What one stage got done within its allowance."""

    name: str
    planned: int
    allowance_s: float | None
    results: list[T] = field(default_factory=list)
    used_s: float = 0.0
    stopped: str | None = None  # why it stopped early, if it did

    @property
    def done(self) -> int:
        """Units finished."""
        return len(self.results)

    def summary(self) -> dict[str, object]:
        """For the JSON report."""
        return {
            "stage": self.name,
            "units_planned": self.planned,
            "units_done": self.done,
            "allowance_s": None if self.allowance_s is None else round(self.allowance_s, 1),
            "used_s": round(self.used_s, 1),
            "stopped": self.stopped,
        }


def run_units(
    name: str,
    units: Sequence[Callable[[], T]],
    allowance_s: float | None,
    *,
    clock: Callable[[], float] = time.perf_counter,
) -> StageResult[T]:
    """Run ``units`` in order until they are done or ``allowance_s`` is spent."""
    stage: StageResult[T] = StageResult(name, len(units), allowance_s)
    start = clock()
    slowest = 0.0
    for unit in units:
        left = None if allowance_s is None else allowance_s - (clock() - start)
        if left is not None and (left <= 0 or slowest > left):
            stage.stopped = (
                f"time budget: {stage.done} of {len(units)} units in {allowance_s:.0f} s"
            )
            break
        began = clock()
        try:
            with time_limit(left):
                stage.results.append(unit())
        except OutOfTime:
            stage.stopped = (
                f"time budget: unit {stage.done + 1} interrupted after {clock() - began:.0f} s; "
                f"{stage.done} of {len(units)} units in {allowance_s:.0f} s"
            )
            break
        slowest = max(slowest, clock() - began)
    stage.used_s = clock() - start
    return stage


class Budget:
    """The run's total budget, shared out among the remaining weighted stages."""

    def __init__(self, total_s: float | None, *, clock: Callable[[], float] = time.perf_counter):
        self.total_s = total_s
        self._clock = clock
        self._start = clock()

    def elapsed(self) -> float:
        """Seconds since the run started."""
        return self._clock() - self._start

    def remaining(self) -> float | None:
        """Seconds left (``None``: unlimited)."""
        return None if self.total_s is None else max(0.0, self.total_s - self.elapsed())

    def allowance(self, weight: float, later_weights: Sequence[float]) -> float | None:
        """This stage's share of what is left: ``weight / (weight + sum(later_weights))``."""
        left = self.remaining()
        if left is None:
            return None
        total = weight + sum(later_weights)
        return left * weight / total if total > 0 else left
