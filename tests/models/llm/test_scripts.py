"""Script masks over a byte-level BPE vocabulary (the tiny Qwen2 tokenizer)."""

from __future__ import annotations

from pathlib import Path

import pytest
from transformers import AutoTokenizer, PreTrainedTokenizerBase

from models.llm.scripts import ScriptMasks, _bytes_scripts, constraint_for, letter_scripts


@pytest.fixture(scope="module")
def tokenizer(tiny_root: Path) -> PreTrainedTokenizerBase:
    return AutoTokenizer.from_pretrained(tiny_root / "qwen2")


def _ids(tokenizer: PreTrainedTokenizerBase, text: str) -> list[int]:
    return list(tokenizer.encode(text, add_special_tokens=False))


@pytest.mark.parametrize(
    ("data", "scripts"),
    [
        ("мир".encode(), {"CYRILLIC"}),
        ("中".encode()[:2], {"CJK"}),  # a Han character cut after two of its three bytes
        ("мир".encode()[:3], {"CYRILLIC"}),  # "м" and the lead byte of "и"
        ("—".encode()[:2], set()),  # punctuation opens with E2: never banned
        ("ә".encode()[1:], set()),  # a lone continuation byte says nothing
        (b"word", {"LATIN"}),
        (b" 2024, ", set()),
    ],
)
def test_byte_pieces_are_read_by_their_lead_byte(data: bytes, scripts: set[str]) -> None:
    assert _bytes_scripts(data) == scripts


def test_masks_ban_other_scripts_but_not_digits_punctuation_or_special_tokens(
    tokenizer: PreTrainedTokenizerBase,
) -> None:
    masks = ScriptMasks(tokenizer, len(tokenizer) + 5)  # a model head wider than the vocab
    cyrillic = masks.banned(constraint_for("ru"))
    han = masks.banned(constraint_for("zh"))
    assert cyrillic.shape == (len(tokenizer) + 5,)
    assert all(cyrillic[i] for i in _ids(tokenizer, "government"))
    assert not any(cyrillic[i] for i in _ids(tokenizer, "Министр, 12%."))
    assert any(han[i] for i in _ids(tokenizer, "Министр"))
    assert not any(han[i] for i in _ids(tokenizer, "中国，2024。"))
    special = tokenizer.convert_tokens_to_ids(["<|im_end|>", "<|endoftext|>"])
    assert not cyrillic[special].any() and not han[special].any()
    # Kazakh letters are Cyrillic too.
    assert not any(cyrillic[i] for i in _ids(tokenizer, "Қазақстан әлемі"))


def test_kept_words_keep_their_tokens(tokenizer: PreTrainedTokenizerBase) -> None:
    masks = ScriptMasks(tokenizer, len(tokenizer))
    base = masks.banned(constraint_for("ru"))
    kept = masks.banned(constraint_for("ru", ["Tokayev", "Tokayev", "<g1>"]))
    for word in ("Tokayev", " Tokayev", "<g1>"):
        assert not any(kept[i] for i in _ids(tokenizer, word))
    assert any(base[i] for i in _ids(tokenizer, " Tokayev"))
    assert (base & ~kept).sum() > 0 and not (kept & ~base).any()
    assert constraint_for("ru", ["A", "A", "B"]).keep == ("A", "B")


def test_letter_scripts() -> None:
    assert letter_scripts("Астана 2024, Astana 阿斯塔纳") == {"CYRILLIC", "LATIN", "CJK"}
    assert letter_scripts("12 %, —") == set()
