"""The summary stages: the extractive engine and the baselines on every item, the LLM engine
on the first ``LLM_LIMIT`` of each set."""

from __future__ import annotations

from evaluation import data as ds
from evaluation.budget import run_units
from evaluation.context import Run, bind
from evaluation.scoring import ArticleScore, score_baselines, score_engine
from models.errors import InferenceError


def run_summaries(run: Run) -> None:
    """ROUGE, key points and grounding of the extractive engine next to the baselines."""
    scorer = run.scorer

    def unit(item: ds.SummaryItem) -> list[ArticleScore]:
        try:
            result = run.summarizer.summarize(item.article, engine="extractive", source_lang="en")
        except InferenceError as exc:
            run.errors.append(f"extractive {item.id}: {exc}")
            return score_baselines(scorer, item)
        return [score_engine(scorer, item, "extractive", result), *score_baselines(scorer, item)]

    for name, items in run.sets().items():
        stage = run_units(f"extractive+baselines {name}", [bind(unit, i) for i in items], None)
        run.stages.append(stage)
        run.scores.setdefault(name, []).extend(s for r in stage.results for s in r)


def run_llm(run: Run, allowance: float | None) -> None:
    """The same scores for the LLM engine, within ``allowance`` seconds."""
    scorer = run.scorer

    def unit(job: tuple[str, ds.SummaryItem]) -> tuple[str, ArticleScore | None]:
        name, item = job
        try:
            result = run.summarizer.summarize(item.article, engine="llm", source_lang="en")
        except InferenceError as exc:
            run.errors.append(f"llm {item.id}: {exc}")
            return name, None
        return name, score_engine(scorer, item, "llm", result)

    jobs = [
        (name, item) for name, items in run.sets().items() for item in items[: run.config.llm_limit]
    ]
    stage = run_units("llm summaries", [bind(unit, j) for j in jobs], allowance)
    run.stages.append(stage)
    for name, score in stage.results:
        if score is not None:
            run.scores.setdefault(name, []).append(score)
