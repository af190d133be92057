"""The translation stage: FLORES-200 devtest sentences, and the paragraph check."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Mapping, Sequence
from typing import Any

from evaluation import data as ds
from evaluation import metrics as m
from evaluation.budget import StageResult, run_units
from evaluation.context import Run, bind
from models.errors import InferenceError
from models.langdetect import LanguageDetector
from models.languages import LangCode
from models.text.segmentation import sentence_joiner
from models.translation import TranslationService

PARAGRAPH_SENTENCES = 5
DOC_PARAGRAPHS = 2


def run_translation(run: Run, allowance: float | None) -> None:
    """chrF++/BLEU on FLORES-200 devtest en->ru/kk/zh, and the paragraph check."""
    if run.translation is None:
        raise ValueError("the translation stage needs the profile's translators")
    service = run.translation
    source = ds.load_flores(run.config.data, "en")[: run.config.tlimit]
    out: dict[str, Any] = {}
    langs = ds.TRANSLATION_LANGS
    started = time.perf_counter()
    for n, lang in enumerate(langs):
        share = None
        if allowance is not None:
            left = allowance - (time.perf_counter() - started)
            share = max(0.0, left / (len(langs) - n))
        refs = ds.load_flores(run.config.data, lang)[: run.config.tlimit]
        out[lang] = translate_lang(service, lang, source, refs, share, run.stages, run.errors)
        out[lang]["in_target_lang"] = target_share(
            run.summarizer.detector, out[lang]["outputs"]["sentences"], lang
        )
    run.results["translation"] = out


def target_share(detector: LanguageDetector, outputs: Sequence[str], lang: str) -> float | None:
    """Share of outputs that the service's own language detector reads as ``lang``."""
    if not outputs:
        return None
    hits = 0
    for text in outputs:
        # UnsupportedLanguage: no letters, or a language the service does not serve
        with contextlib.suppress(InferenceError):
            hits += detector.detect(text).lang == lang
    return hits / len(outputs)


def translate_lang(
    service: TranslationService,
    lang: LangCode,
    source: Sequence[str],
    refs: Sequence[str],
    allowance: float | None,
    stages: list[StageResult[Any]],
    errors: list[str],
) -> dict[str, Any]:
    """Sentence-level chrF++/BLEU, and the paragraph-level check on the same sentences."""
    size = PARAGRAPH_SENTENCES * DOC_PARAGRAPHS
    docs = [list(range(i, min(i + size, len(source)))) for i in range(0, len(source), size)]

    def by_sentence(ids: list[int]) -> tuple[str, list[int], list[str]]:
        try:
            result = service.translate([source[i] for i in ids], target_lang=lang, source_lang="en")
        except InferenceError as exc:  # scored as empty output, and reported
            errors.append(f"translation en-{lang} sentences {ids[0]}-{ids[-1]}: {exc}")
            return "sentences", ids, [""] * len(ids)
        return "sentences", ids, list(result.translations)

    def by_paragraph(ids: list[int]) -> tuple[str, list[int], list[str]]:
        paras = m.paragraphs([source[i] for i in ids], PARAGRAPH_SENTENCES)
        text = "\n\n".join(" ".join(p) for p in paras)
        try:
            result = service.translate([text], target_lang=lang, source_lang="en")
        except InferenceError as exc:
            errors.append(f"translation en-{lang} paragraphs {ids[0]}-{ids[-1]}: {exc}")
            return "paragraphs", ids, [""]
        return "paragraphs", ids, [result.translations[0]]

    units = []
    for ids in docs:  # each paragraph's sentences, then the document of those paragraphs
        units += [bind(by_sentence, p) for p in m.paragraphs(ids, PARAGRAPH_SENTENCES)]
        units.append(bind(by_paragraph, ids))
    stage = run_units(f"translation en-{lang}", units, allowance)
    stages.append(stage)
    sent_out: dict[int, str] = {}
    doc_runs: list[tuple[list[int], str]] = []
    for kind, ids, outputs in stage.results:
        if kind == "sentences":
            sent_out.update(zip(ids, outputs, strict=True))
        else:
            doc_runs.append((ids, outputs[0]))
    done = sorted(sent_out)
    row: dict[str, Any] = {"n": len(done), "planned": len(source)}
    if done:
        row |= m.corpus_scores([sent_out[i] for i in done], [refs[i] for i in done], lang)
    row["doc"] = paragraph_check(lang, refs, sent_out, doc_runs)
    # Model outputs (not test data), for reading what the scores mean.
    row["outputs"] = {
        "sentences": [sent_out[i] for i in done],
        "documents": [{"first": ids[0], "last": ids[-1], "text": t} for ids, t in doc_runs],
    }
    return row


def paragraph_check(
    lang: str,
    refs: Sequence[str],
    sent_out: Mapping[int, str],
    doc_runs: Sequence[tuple[list[int], str]],
) -> dict[str, Any]:
    """Corpus chrF++ of the sentence outputs joined vs the translation of the same text as
    paragraphs: per paragraph where the translation kept the paragraph count, and per document
    for every document (the fallback when the structure was lost)."""
    joiner = sentence_joiner(lang)
    para: dict[str, list[str]] = {"sent": [], "para": [], "ref": []}
    doc: dict[str, list[str]] = {"sent": [], "doc": [], "ref": []}
    lost = 0
    for ids, raw in doc_runs:
        if not all(i in sent_out for i in ids):
            continue
        parts = m.split_paragraphs(raw)
        doc["sent"].append(joiner.join(sent_out[i] for i in ids))
        doc["doc"].append(joiner.join(" ".join(p.split()) for p in parts))
        doc["ref"].append(joiner.join(refs[i] for i in ids))
        groups = m.paragraphs(ids, PARAGRAPH_SENTENCES)
        if len(parts) != len(groups):
            lost += 1  # the paragraph count changed: scored per document only
            continue
        for group, part in zip(groups, parts, strict=True):
            para["sent"].append(joiner.join(sent_out[i] for i in group))
            para["para"].append(part)
            para["ref"].append(joiner.join(refs[i] for i in group))
    out: dict[str, Any] = {
        "documents": len(doc["ref"]),
        "paragraphs": len(para["ref"]),
        "structure_lost": lost,
    }
    if doc["ref"]:
        by_sentence = m.chrf_pp(doc["sent"], doc["ref"])
        by_document = m.chrf_pp(doc["doc"], doc["ref"])
        out |= {
            "doc_chrf++_sentences_joined": round(by_sentence, 2),
            "doc_chrf++_translation": round(by_document, 2),
            "doc_delta": round(by_document - by_sentence, 2),
        }
    if para["ref"]:
        by_sentence = m.chrf_pp(para["sent"], para["ref"])
        by_paragraph = m.chrf_pp(para["para"], para["ref"])
        out |= {
            "chrf++_sentences_joined": round(by_sentence, 2),
            "chrf++_paragraphs": round(by_paragraph, 2),
            "delta": round(by_paragraph - by_sentence, 2),
        }
    # The check: paragraph level when every document kept its paragraphs, else document level.
    delta = out.get("delta") if lost == 0 else out.get("doc_delta")
    if delta is not None:
        out["check_level"] = "paragraph" if lost == 0 else "document"
        out["within_0.5"] = abs(delta) <= 0.5
    return out
