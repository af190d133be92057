"""The LLM prompt translator: few-shot example turns, the first block of the answer, and cut
answers reported."""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import pytest
import torch
from helpers import translation_spec
from transformers import AutoModelForCausalLM

import prompts
from models.langdetect import LanguageDetector
from models.llm import TorchLLM
from models.translation import LLMTranslator, TranslationService
from models.translation.prompted import fewshot_turns, first_block


@pytest.fixture(scope="module")
def endless_qwen(tiny_root: Path, tmp_path_factory: pytest.TempPathFactory) -> TorchLLM:
    """The tiny Qwen2 with its final norm zeroed: every logit is 0, greedy decoding repeats
    token 0 and never reaches an end token, so every answer runs into its budget."""
    root = tmp_path_factory.mktemp("endless") / "qwen2"
    shutil.copytree(tiny_root / "qwen2", root)
    model = AutoModelForCausalLM.from_pretrained(root)
    with torch.no_grad():
        model.model.norm.weight.zero_()
    model.save_pretrained(root)
    return TorchLLM.load(str(root), gguf_file=None, device="cpu", dtype=torch.float32)


def test_an_answer_cut_at_the_budget_is_reported(endless_qwen: TorchLLM) -> None:
    spec = translation_spec("llm")
    translator = LLMTranslator(spec, endless_qwen)
    out = translator.translate_batch(["Trade grew."], source_lang="en", target_lang="ru")
    assert len(out) == 1 and out[0].text and not out[0].complete
    service = TranslationService([translator], LanguageDetector())
    result = service.translate(["Trade grew.", "Prices fell."], target_lang="ru", source_lang="en")
    assert result.incomplete == (0, 1)
    assert [n for n in result.notes if "output limit" in n] == [
        "text[0]: segment 1 reached the model's output limit; its translation may be incomplete",
        "text[1]: segment 1 reached the model's output limit; its translation may be incomplete",
    ]


@pytest.mark.parametrize(
    ("output", "source", "expected"),
    [
        ("Привет.\nNote: this is a greeting.", "Hello.", "Привет."),
        ("\n\nПривет.\nВторой вариант", "Hello.", "Привет."),
        ("Строка один\nСтрока два", "Line one\nLine two", "Строка один\nСтрока два"),
        ("  Привет.  ", "Hello.", "Привет."),
    ],
)
def test_first_block(output: str, source: str, expected: str) -> None:
    assert first_block(output, source) == expected


@pytest.fixture(scope="module")
def tiny_qwen(tiny_root: Path) -> TorchLLM:
    return TorchLLM.load(
        str(tiny_root / "qwen2"), gguf_file=None, device="cpu", dtype=torch.float32
    )


def test_fewshot_pairs_are_example_turns_of_the_cached_prefix(tiny_qwen: TorchLLM) -> None:
    spec = replace(translation_spec("llm"), translate_fewshot=("ru",))
    translator = LLMTranslator(spec, tiny_qwen)
    rows = prompts.parallel("translate_pairs")
    items = [("Trade grew.", "en", "ru"), ("Prices fell.", "en", "ru"), ("Trade grew.", "en", "kk")]
    first, second, kazakh = translator.requests(items)
    assert first.prefix is not None and first.prefix == second.prefix  # one cached prefix
    assert first.prompt.startswith(first.prefix)
    # Every pair, English then Russian, in file order, all before the real text's turn.
    positions = []
    for row in rows:
        positions += [first.prefix.index(row["en"]), first.prefix.index(row["ru"])]
    assert positions == sorted(positions)
    assert first.prompt.rindex("Trade grew.") > len(first.prefix)
    turns = fewshot_turns(rows, "en", "ru")
    assert [t["role"] for t in turns] == ["user", "assistant"] * len(rows)
    assert [t["content"] for t in turns[1::2]] == [row["ru"] for row in rows]
    # kk is not turned on: no examples in its prompt.
    assert kazakh.prefix is not None
    assert not any(row["en"] in kazakh.prompt for row in rows)


def test_script_constraint_keeps_the_sources_names_terms_and_markers(
    tiny_qwen: TorchLLM,
) -> None:
    spec = replace(translation_spec("llm"), translate_scripts=("ru", "zh"))
    translator = LLMTranslator(spec, tiny_qwen)
    text = "Foreign Minister Nurtleu met <g1>Wang Yi</g1> in Astana on Monday."
    items = [(text, "en", "ru"), (text, "en", "zh"), (text, "en", "kk")]
    russian, chinese, kazakh = translator.requests(items, terms=[[("Monday", "Mon")]] * 3)
    assert russian.script is not None and chinese.script is not None
    assert (russian.script.script, chinese.script.script) == ("CYRILLIC", "CJK")
    assert set(russian.script.keep) == {
        "Minister",
        "Nurtleu",
        "Wang",
        "Yi",
        "Astana",
        "Monday",
        "Mon",
        "<g1>",
        "</g1>",
    }
    assert kazakh.script is None  # not turned on for kk
    # Off unless the manifest turns it on.
    (plain,) = LLMTranslator(translation_spec("llm"), tiny_qwen).requests([(text, "en", "ru")])
    assert plain.script is None


def test_fewshot_is_off_unless_the_manifest_turns_it_on(tiny_qwen: TorchLLM) -> None:
    translator = LLMTranslator(translation_spec("llm"), tiny_qwen)
    (request,) = translator.requests([("Trade grew.", "en", "ru")])
    assert not any(row["ru"] in request.prompt for row in prompts.parallel("translate_pairs"))
    assert translator.shots("en", "ru") == []
