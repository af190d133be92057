"""``make eval``: the service's own engines on the shared test sets, next to baselines.

Stages (``STAGES``, comma-separated, default all):

* ``summaries``  ROUGE of the extractive engine vs Lead-3 / TextRank / LexRank on CNN/DM
                 highlights and the writer summaries; key-point coverage and grounding.
* ``checks``     the translation checks vs hand-judged FLORES-200 outputs (no LLM).
* ``acts``       request/agreement detection on the labelled dev set's test half.
* ``align``      key points of the NTREX ru/kk/zh articles against their English version.
* ``langid``     Kazakh in Latin letters (FLORES kk transliterated) and mixed kk/ru documents.
* ``requests``   request detection on the hand-labelled dev set (both typing paths).
* ``points``     how the LLM engine words key points per language (rewrite, copy, dropped).
* ``translation`` chrF++/BLEU on FLORES-200 devtest en->ru/kk/zh, plus the paragraph check.
* ``llm``        the LLM engine on the first ``LLM_LIMIT`` articles (same metrics).

The configuration comes from the environment (``EvalConfig.from_env``, evaluation/README.md).
"""

from __future__ import annotations

import json
import logging
import os
import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import asdict

import torch

from evaluation import data as ds
from evaluation import metrics as m
from evaluation.budget import Budget
from evaluation.config import STAGE_WEIGHTS, STAGES, EvalConfig
from evaluation.context import Run
from evaluation.render import render
from evaluation.report import git_commit, loadavg, machine_info, now_iso
from evaluation.scoring import BASELINES, rouge_rows
from evaluation.stages.acts import run_acts
from evaluation.stages.align import run_align
from evaluation.stages.checks import run_checks
from evaluation.stages.langid import run_langid
from evaluation.stages.points import run_points
from evaluation.stages.requests import run_requests
from evaluation.stages.summaries import run_llm, run_summaries
from evaluation.stages.translation import run_translation
from models.config import BatchConfig, EngineConfig
from models.engines import Engines, load_engines


def load(config: EvalConfig) -> Engines:
    """The profile's engines through ``load_engines``: the embedder alone when no stage needs
    the LLM.

    Micro-batching is off: with one caller it forms the same batches, and the model then runs
    in this (the main) thread, where a stage's time limit can interrupt it. With the batcher's
    worker threads an interrupted caller would leave its work running in the background.
    """
    needs_llm = bool(set(STAGE_WEIGHTS) & set(config.stages))  # the LLM stages
    return load_engines(
        EngineConfig(
            model_profile=config.profile,
            hf_hub_offline=True,
            torch_threads=config.threads,
            batch=BatchConfig(enabled=False),
            llm_backend=config.llm_backend,
        ),
        embeddings_only=not needs_llm,
    )


def run_stages(run: Run, budget: Budget) -> None:
    """The selected stages in order; the LLM ones share the budget left after the others."""
    order = [s for s in STAGES if s in run.config.stages]
    if not run.summarizer.has_llm:
        order = [s for s in order if s not in ("llm", "translation", "points")]
    budgeted: dict[str, Callable[[Run, float | None], None]] = {
        "requests": run_requests,
        "points": run_points,
        "translation": run_translation,
        "llm": run_llm,
    }
    for n, stage in enumerate(order):
        if stage == "summaries":
            run_summaries(run)
            continue
        if stage == "acts":
            run_acts(run)
            continue
        if stage == "checks":
            run_checks(run)
            continue
        if stage == "langid":
            run_langid(run)
            continue
        if stage == "align":
            run_align(run)
            continue
        later = [STAGE_WEIGHTS[s] for s in order[n + 1 :]]
        budgeted[stage](run, budget.allowance(STAGE_WEIGHTS[stage], later))


def main(env: Mapping[str, str] | None = None) -> int:
    """Run the evaluation; print the tables; write the JSON report. Returns the exit code."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    config = EvalConfig.from_env(os.environ if env is None else env)
    if not config.data.is_dir():
        print(f"no test data at {config.data} (set EVAL_DATA)", file=sys.stderr)
        return 2
    started = time.perf_counter()
    budget = Budget(config.budget_s)
    commit = git_commit(ds.REPO_ROOT)  # at the start: the code the models were imported from
    machine = machine_info()
    engines = load(config)
    info = {
        "profile": engines.profile,
        "profile_reason": engines.profile_reason,
        "llm_backend": config.llm_backend,
        "models": [asdict(c) for c in engines.cards],
    }
    load_s = time.perf_counter() - started
    machine["torch_threads"] = torch.get_num_threads()
    translation = engines.translation if engines.summarizer.has_llm else None
    run = Run(config, engines.summarizer, translation, budget)
    try:
        run_stages(run, budget)
    finally:
        engines.close()
    machine["loadavg_end"] = loadavg()
    report = {
        "date": now_iso(),
        "duration_s": round(time.perf_counter() - started, 1),
        "load_s": round(load_s, 1),
        "git_commit": commit,
        "machine": machine,
        **info,
        "settings": {**asdict(config), "data": str(config.data), "out": str(config.out)},
        "thresholds": {
            "match_rouge_l_recall": m.MATCH_ROUGE_L_RECALL,
            "match_cosine": m.MATCH_COSINE,
            "support_cosine": m.SUPPORT_COSINE,
        },
        "stages": [st.summary() for st in run.stages],
        "summaries": {
            name: {
                "aggregate": rouge_rows(scores, [*BASELINES, "extractive", "llm"], None),
                "items": [asdict(s) for s in scores],
            }
            for name, scores in run.scores.items()
        },
        **run.results,
        "errors": run.errors,
    }
    print(render(run, {**info, "date": report["date"], "machine": machine, "git_commit": commit}))
    print(
        f"\ntotal {report['duration_s']} s (model load {report['load_s']} s); "
        f"load avg at end {machine['loadavg_end']}; report: {config.out}"
    )
    config.out.parent.mkdir(parents=True, exist_ok=True)
    config.out.write_text(json.dumps(report, indent=1, ensure_ascii=False, default=str), "utf-8")
    return 0
