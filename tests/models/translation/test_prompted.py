"""The LLM prompt translator: the first block of the answer, and cut answers reported."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import torch
from helpers import translation_spec
from transformers import AutoModelForCausalLM

from models.langdetect import LanguageDetector
from models.llm import TorchLLM
from models.translation import LLMTranslator, TranslationService
from models.translation.prompted import first_block


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
