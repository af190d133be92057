"""The tables ``make eval`` prints."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from evaluation import metrics as m
from evaluation.context import Run
from evaluation.render_checks import render_checks
from evaluation.report import pct, table
from evaluation.scoring import BASELINES, grounding_row, point_rows, rouge_rows
from evaluation.stages.align import render_align
from evaluation.stages.langid import render_langid
from evaluation.stages.points import render_points
from evaluation.stages.translation import DOC_PARAGRAPHS, PARAGRAPH_SENTENCES


def render(run: Run, info: Mapping[str, Any]) -> str:
    """All tables, as printed."""
    s = run.config
    head = [
        f"news-service evaluation  {info['date']}",
        f"profile: {info['profile']} ({info['profile_reason']})",
        "models: " + ", ".join(str(c["id"]) for c in info["models"]),
        f"machine: {info['machine']['platform']}, {info['machine']['cpus_usable']} CPUs, "
        f"torch threads {info['machine']['torch_threads']}, "
        f"load avg at start {info['machine']['loadavg_start']}",
        f"settings: LIMIT={s.limit} LLM_LIMIT={s.llm_limit} TLIMIT={s.tlimit} "
        f"BUDGET_S={s.budget_s} STAGES={','.join(s.stages)}",
        f"data: {s.data}; code: git {info.get('git_commit')}",
    ]
    parts = ["\n".join(head)]
    systems = [*BASELINES, "extractive", "llm"]
    for name, title in (
        ("cnndm", "CNN/DM highlights (FRANK test sample)"),
        ("writer", "writer summaries (max over 1-4 references)"),
    ):
        scores = run.scores.get(name, [])
        if not scores:
            continue
        rows = rouge_rows(scores, systems, None)
        llm_ids = {x.id for x in scores if x.system == "llm"}
        if llm_ids:
            rows += [[f"  {r[0]} @llm items", *r[1:]] for r in rouge_rows(scores, systems, llm_ids)]
        fallbacks = sum(x.fallback for x in scores if x.system == "llm")
        notes = ["ROUGE F1 x100, rouge-score with stemming; Lead-3/TextRank/LexRank: 3 sentences"]
        if llm_ids:
            notes.append(
                f"'@llm items': the {len(llm_ids)} article(s) the LLM engine did; "
                f"its summary fell back to extractive on {fallbacks}"
            )
        parts.append(
            table(f"Summaries: {title}", ["system", "n", "R1", "R2", "RL"], rows, notes=notes)
        )
    cnn = run.scores.get("cnndm", [])
    if cnn:
        rows = point_rows(cnn, ["lead3", "extractive", "llm"], None)
        llm_ids = {x.id for x in cnn if x.system == "llm"}
        if llm_ids:
            rows += [
                [f"  {r[0]} @llm items", *r[1:]]
                for r in point_rows(cnn, ["lead3", "extractive", "llm"], llm_ids)
            ]
        parts.append(
            table(
                "Key points vs CNN/DM reference_points",
                ["system", "n", "coverage%", "precision%", "points/art"],
                rows,
                notes=[
                    f"match: ROUGE-L recall of the reference point >= {m.MATCH_ROUGE_L_RECALL} "
                    f"or MiniLM cosine >= {m.MATCH_COSINE}; means over articles",
                ],
            )
        )
        grounding = [
            r
            for r in (
                grounding_row(x, [*cnn, *run.scores.get("writer", [])])
                for x in ("extractive", "llm")
            )
            if r
        ]
        parts.append(
            table(
                "Grounding of key points (both summary sets)",
                [
                    "engine",
                    "articles",
                    "points",
                    "spans exact%",
                    "supported%",
                    "numbers in src%",
                    "numbers",
                ],
                grounding,
                notes=[
                    f"supported: evidence spans exact and (point inside evidence or MiniLM cosine "
                    f">= {m.SUPPORT_COSINE}); numbers via models.text.facts.numbers_in",
                ],
            )
        )
    acts = run.results.get("acts")
    if acts:
        rows = []
        for lang, r in acts["by_lang"].items():
            for label, key in (
                ("requests: speech-act model", "request"),
                ("  cue alone", "request_cue"),
                ("  example classifier alone", "request_example"),
                ("agreements: speech-act model", "agreement"),
                ("  cue alone", "agreement_cue"),
            ):
                rows.append(prf_row(f"{lang} {label}", r[key]))
        parts.append(
            table(
                f"Speech acts: test half of evaluation/labels/speech_acts.jsonl "
                f"({acts['n']} sentence-language pairs)",
                ["method", "n", "gold", "pred", "P%", "R%", "F1%"],
                rows,
            )
        )
        en = acts["by_lang"].get("en", {}).get("parties")
        if en:
            parts.append(
                table(
                    "English parties on the true requests found",
                    ["found", "actor exact", "target exact", "actor overlap", "target overlap"],
                    [[en["requests_found"], pct(en["actor_exact"]), pct(en["target_exact"]),
                      pct(en["actor_overlap"]), pct(en["target_overlap"])]],
                )
            )  # fmt: skip
    if "checks" in run.results:
        parts.append(render_checks(run.results["checks"]))
    if "align" in run.results:
        parts.append(render_align(run.results["align"]))
    if "points" in run.results:
        parts.append(render_points(run.results["points"]))
    if "langid" in run.results:
        parts.append(render_langid(run.results["langid"]))
    req = run.results.get("requests")
    if req:
        limits = req["thresholds"]
        rows = [
            prf_row(
                f"extractive (classifier, p>={limits['extractive']})", req["extractive_by_example"]
            )
        ]
        rows += [prf_row(f"  classifier p>={t}", r) for t, r in req["extractive_sweep"].items()]
        if "llm" in req:
            rows.append(prf_row(f"llm (detector, p>={limits['llm']})", req["llm"]))
            rows += [prf_row(f"  detector p>={t}", r) for t, r in req["llm_sweep"].items()]
            rows.append(prf_row("  extractive @llm sentences", req["extractive_on_llm_subset"]))
        parts.append(
            table(
                f"Request detection: evaluation/request_devset.jsonl "
                f"({req['n']} sentences, {req['requests']} requests)",
                ["typing", "n", "gold", "pred", "P%", "R%", "F1%"],
                rows,
            )
        )
    tr = run.results.get("translation")
    if tr:
        rows = []
        for lang, r in tr.items():
            d = r["doc"]
            level = d.get("check_level")
            rows.append(
                [
                    f"en-{lang}",
                    f"{r['n']}/{r['planned']}",
                    r.get("chrf++"),
                    r.get("bleu"),
                    pct(r.get("in_target_lang")),
                    f"{d['paragraphs']}/{d['documents']}/{d['structure_lost']}",
                    d.get("chrf++_sentences_joined"),
                    d.get("chrf++_paragraphs"),
                    d.get("delta"),
                    d.get("doc_delta"),
                    None if level is None else f"{'ok' if d['within_0.5'] else 'FAIL'} ({level})",
                ]
            )
        parts.append(
            table(
                "Translation: FLORES-200 devtest (sentence level) and paragraph check",
                [
                    "pair",
                    "sents",
                    "chrF++",
                    "BLEU",
                    "in lang%",
                    "par/doc/lost",
                    "chrF++ sent",
                    "chrF++ para",
                    "delta",
                    "doc delta",
                    "|d|<=0.5",
                ],
                rows,
                digits=2,
                notes=[
                    "sacreBLEU corpus scores; chrF++ = CHRF(word_order=2); BLEU tokenize=zh for zh",
                    "in lang: sentence outputs that the service's language detector reads as the "
                    "target language",
                    f"check: {PARAGRAPH_SENTENCES} sentences per paragraph, {DOC_PARAGRAPHS} "
                    "paragraphs per document joined by a blank line, translated as one text;",
                    "chrF++ of the sentence outputs joined vs that translation, per paragraph;",
                    "'lost': documents whose paragraph count changed, then checked per document",
                ],
            )
        )
    rows = [
        [
            st.name,
            st.planned,
            st.done,
            None if st.allowance_s is None else round(st.allowance_s),
            round(st.used_s),
            st.stopped or "",
        ]
        for st in run.stages
    ]
    parts.append(table("Stages", ["stage", "units", "done", "allow s", "used s", "stopped"], rows))
    return "\n\n".join(parts)


def prf_row(name: str, r: Mapping[str, Any]) -> list[Any]:
    return [
        name,
        r["n"],
        r["tp"] + r["fn"],
        r["tp"] + r["fp"],
        pct(r["precision"]),
        pct(r["recall"]),
        pct(r["f1"]),
    ]
