"""The seq2seq loading code on tiny models: language codes, forced BOS, Marian pairs."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch
from helpers import translation_spec

from models.config import GenerationOptions
from models.langdetect import LanguageDetector
from models.translation import Seq2SeqTranslator, Translation, TranslationService
from models.translation.seq2seq import finished


@pytest.mark.parametrize(
    ("family", "target", "code"),
    [
        ("nllb", "kk", "kaz_Cyrl"),
        ("nllb", "zh", "zho_Hans"),
        ("m2m100", "kk", "__kk__"),
        ("m2m100", "ru", "__ru__"),
    ],
)
def test_seq2seq_forces_the_target_language(
    tiny_root: Path, family: str, target: str, code: str
) -> None:
    translator = Seq2SeqTranslator.load(
        translation_spec(family),
        str(tiny_root / family),
        device="cpu",
        dtype=torch.float32,
        options=GenerationOptions(max_new_tokens_floor=4, max_new_tokens_factor=0.1),
    )
    forced = translator.target_token_id(target)
    assert forced == translator.tokenizer.convert_tokens_to_ids(code)
    assert forced != translator.tokenizer.unk_token_id
    out = translator.translate_batch(
        ["Привет, мир.", "Сәлем, әлем."], source_lang="ru", target_lang=target
    )
    assert len(out) == 2
    # the source language token is what the tokenizer put first (NLLB/M2M100 convention)
    src_id = translator.tokenizer("Привет")["input_ids"][0]
    assert src_id == translator.tokenizer.convert_tokens_to_ids(
        "rus_Cyrl" if family == "nllb" else "__ru__"
    )


def test_marian_translates_without_language_tokens(tiny_root: Path) -> None:
    translator = Seq2SeqTranslator.load(
        translation_spec("marian", ("en-ru",)),
        str(tiny_root / "marian"),
        device="cpu",
        dtype=torch.float32,
        options=GenerationOptions(max_new_tokens_floor=4, max_new_tokens_factor=0.1),
    )
    assert translator.target_token_id("ru") is None
    out = translator.translate_batch(
        ["Good morning.", "Trade grew."], source_lang="en", target_lang="ru"
    )
    assert len(out) == 2 and all(isinstance(x, Translation) for x in out)


def test_unknown_seq2seq_family_is_refused() -> None:
    with pytest.raises(ValueError, match="unsupported seq2seq family"):
        Seq2SeqTranslator(
            translation_spec("t5"), None, None, device="cpu", options=GenerationOptions()
        )  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("family", "pairs", "source", "target"),
    [("marian", ("en-ru",), "en", "ru"), ("nllb", ("*",), "ru", "kk")],
)
def test_a_segment_cut_at_the_output_limit_is_reported(
    tiny_root: Path, family: str, pairs: tuple[str, ...], source: str, target: str
) -> None:
    # Exactly 3 new tokens: the end token cannot come before the limit (Marian's forced end
    # token lands in the last position, which is a cut too).
    translator = Seq2SeqTranslator.load(
        translation_spec(family, pairs),
        str(tiny_root / family),
        device="cpu",
        dtype=torch.float32,
        options=GenerationOptions(fixed_new_tokens=3),
    )
    out = translator.translate_batch(
        ["A much longer sentence about trade.", "Hi."], source_lang=source, target_lang=target
    )
    assert [t.complete for t in out] == [False, False]
    service = TranslationService([translator], LanguageDetector())
    result = service.translate(
        ["A sentence.", "Another one."], target_lang=target, source_lang=source
    )
    assert result.incomplete == (0, 1)
    assert sum("output limit" in note for note in result.notes) == 2


@pytest.mark.parametrize(
    ("tokens", "budget", "forced", "complete"),
    [
        ([5, 6, 2], 8, False, True),  # ended on its own
        ([5, 6, 7], 3, False, False),  # ran out of budget
        ([5, 6, 2], 3, False, True),  # an end token in the last slot, nothing forced it
        ([5, 6, 2], 3, True, False),  # forced end token in the last slot: a cut
        ([5, 2, 0], 3, True, True),  # ended before the last slot (then padding)
        ([], 3, False, False),
    ],
)
def test_finished(tokens: list[int], budget: int, forced: bool, complete: bool) -> None:
    assert finished(tokens, {2}, budget, forced_eos=forced) is complete
