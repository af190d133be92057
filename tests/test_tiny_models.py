"""Each tiny-model builder writes a folder that reloads through the Auto* classes
and behaves like the real checkpoint family (tokenizer round-trip, language
tokens, forced-BOS generation, ChatML + left-padded batched generation)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import torch

# tests/ has no __init__.py, so pytest (rootdir "prepend" import mode) puts
# tests/ itself on sys.path.  If tests/ becomes a package, import
# ``tests.tiny_models`` instead.
from tiny_models import (
    M2M100_LANG_CODES,
    NLLB_LANG_CODES,
    SAMPLE_TEXTS,
    build_tiny_m2m100,
    build_tiny_marian,
    build_tiny_nllb,
    build_tiny_qwen2,
)
from transformers import AutoModelForCausalLM, AutoModelForSeq2SeqLM, AutoTokenizer

pytestmark = pytest.mark.filterwarnings("ignore:Recommended. pip install sacremoses")

BUILDERS: dict[str, Callable[..., Path]] = {
    "marian": build_tiny_marian,
    "m2m100": build_tiny_m2m100,
    "nllb": build_tiny_nllb,
    "qwen2": build_tiny_qwen2,
}
LANGS = ("en", "ru", "kk", "zh")


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("tiny_models")
    return {name: builder(root / name) for name, builder in BUILDERS.items()}


@pytest.fixture(scope="session")
def loaded(built: dict[str, Path]) -> dict[str, tuple[Any, Any]]:
    out: dict[str, tuple[Any, Any]] = {}
    for name, path in built.items():
        tok = AutoTokenizer.from_pretrained(path)
        auto = AutoModelForCausalLM if name == "qwen2" else AutoModelForSeq2SeqLM
        out[name] = (tok, auto.from_pretrained(path).eval())
    return out


def test_auto_classes(loaded: dict[str, tuple[Any, Any]]) -> None:
    expected = {
        "marian": ("MarianTokenizer", "MarianMTModel"),
        "m2m100": ("M2M100Tokenizer", "M2M100ForConditionalGeneration"),
        "nllb": ("NllbTokenizer", "M2M100ForConditionalGeneration"),
        "qwen2": ("Qwen2Tokenizer", "Qwen2ForCausalLM"),
    }
    for name, (tok, model) in loaded.items():
        assert (type(tok).__name__, type(model).__name__) == expected[name]
        assert 300 <= len(tok) <= model.config.vocab_size
        assert model.get_input_embeddings().weight.shape[0] == model.config.vocab_size


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("name", list(BUILDERS))
def test_roundtrip(loaded: dict[str, tuple[Any, Any]], name: str, lang: str) -> None:
    tok, _ = loaded[name]
    text = SAMPLE_TEXTS[lang]
    ids = tok(text).input_ids
    assert tok.unk_token_id is None or tok.unk_token_id not in ids
    assert tok.decode(ids, skip_special_tokens=True) == text
    # subword pieces: never more than one id per character (sentencepiece) or
    # per UTF-8 byte (byte-level BPE), plus the special tokens
    limit = len(text.encode("utf-8")) if name == "qwen2" else len(text)
    assert 3 <= len(ids) <= limit + 2


def test_marian_generate(loaded: dict[str, tuple[Any, Any]]) -> None:
    tok, model = loaded["marian"]
    pad = tok.pad_token_id
    assert pad == len(tok) - 1
    assert model.config.decoder_start_token_id == pad == model.config.pad_token_id
    assert model.config.eos_token_id == tok.eos_token_id == 0
    enc = tok([SAMPLE_TEXTS["kk"], SAMPLE_TEXTS["en"]], return_tensors="pt", padding=True)
    assert enc.input_ids[1, -1].item() == pad  # shorter row right-padded
    forced = tok.convert_tokens_to_ids("▁The")
    assert forced not in (tok.unk_token_id, pad)
    with torch.no_grad():
        out = model.generate(**enc, max_new_tokens=5, forced_bos_token_id=forced)
    assert out.shape[0] == 2 and 2 <= out.shape[1] <= 6
    assert out[:, 0].tolist() == [pad, pad]
    assert out[:, 1].tolist() == [forced, forced]


@pytest.mark.parametrize("name", ["m2m100", "nllb"])
def test_language_tokens(loaded: dict[str, tuple[Any, Any]], name: str) -> None:
    tok, model = loaded[name]
    codes = M2M100_LANG_CODES if name == "m2m100" else NLLB_LANG_CODES
    if name == "m2m100":
        ids = {lang: tok.get_lang_id(code) for lang, code in codes.items()}
        tokens = {lang: f"__{code}__" for lang, code in codes.items()}
    else:
        ids = {lang: tok.convert_tokens_to_ids(code) for lang, code in codes.items()}
        tokens = dict(codes)
    assert len(set(ids.values())) == len(LANGS)
    for lang in LANGS:
        lang_id = ids[lang]
        assert lang_id not in (tok.unk_token_id, tok.pad_token_id, tok.eos_token_id)
        assert 0 <= lang_id < model.config.vocab_size
        assert tok.convert_ids_to_tokens(lang_id) == tokens[lang]
        assert tok.convert_tokens_to_ids(tokens[lang]) == lang_id
        assert tokens[lang] in tok.all_special_tokens


@pytest.mark.parametrize("name", ["m2m100", "nllb"])
def test_src_lang_prefix(loaded: dict[str, tuple[Any, Any]], name: str) -> None:
    tok, _ = loaded[name]
    codes = M2M100_LANG_CODES if name == "m2m100" else NLLB_LANG_CODES
    lang_id = tok.get_lang_id if name == "m2m100" else tok.convert_tokens_to_ids
    try:
        for src in ("ru", "kk"):
            tok.src_lang = codes[src]
            ids = tok(SAMPLE_TEXTS[src]).input_ids
            assert ids[0] == lang_id(codes[src])
            assert ids[-1] == tok.eos_token_id
            assert tok.decode(ids, skip_special_tokens=True) == SAMPLE_TEXTS[src]
            assert tok.decode(ids, skip_special_tokens=False).startswith(
                tok.convert_ids_to_tokens(ids[0])
            )
    finally:
        tok.src_lang = codes["en"]


@pytest.mark.parametrize("tgt", LANGS)
@pytest.mark.parametrize("name", ["m2m100", "nllb"])
def test_forced_bos_generate(loaded: dict[str, tuple[Any, Any]], name: str, tgt: str) -> None:
    tok, model = loaded[name]
    if name == "m2m100":
        tok.src_lang = "ru"
        forced = tok.get_lang_id(M2M100_LANG_CODES[tgt])
    else:
        tok.src_lang = "rus_Cyrl"
        forced = tok.convert_tokens_to_ids(NLLB_LANG_CODES[tgt])
    enc = tok([SAMPLE_TEXTS["ru"], SAMPLE_TEXTS["kk"]], return_tensors="pt", padding=True)
    tok.src_lang = "en" if name == "m2m100" else "eng_Latn"
    with torch.no_grad():
        out = model.generate(**enc, max_new_tokens=5, forced_bos_token_id=forced)
    start = model.config.decoder_start_token_id
    assert start == tok.eos_token_id == 2
    assert out.shape[0] == 2 and 2 <= out.shape[1] <= 6
    assert out[:, 0].tolist() == [start, start]
    assert out[:, 1].tolist() == [forced, forced]


def test_qwen2_special_tokens_and_config(loaded: dict[str, tuple[Any, Any]]) -> None:
    tok, model = loaded["qwen2"]
    ids = {t: tok.convert_tokens_to_ids(t) for t in ("<|endoftext|>", "<|im_start|>", "<|im_end|>")}
    assert len(set(ids.values())) == 3
    for token, token_id in ids.items():
        assert tok.encode(token, add_special_tokens=False) == [token_id]
        assert token in tok.all_special_tokens
    assert tok.eos_token == "<|im_end|>" and tok.eos_token_id == ids["<|im_end|>"]
    assert tok.pad_token == "<|endoftext|>" and tok.pad_token_id == ids["<|endoftext|>"]
    assert model.config.eos_token_id == tok.eos_token_id
    assert model.config.pad_token_id == tok.pad_token_id
    assert set(model.generation_config.eos_token_id) == {
        ids["<|im_end|>"],
        ids["<|endoftext|>"],
    }
    assert model.config.vocab_size >= len(tok)
    # byte-level BPE: any Unicode survives, even characters never seen in training
    for text in ("emoji 🙂 and Ελληνικά", "  two  spaces\nnewline\t tab"):
        assert tok.decode(tok(text).input_ids) == text


def test_qwen2_chat_template(loaded: dict[str, tuple[Any, Any]]) -> None:
    tok, _ = loaded["qwen2"]
    messages = [
        {"role": "system", "content": "Summarise."},
        {"role": "user", "content": SAMPLE_TEXTS["kk"]},
    ]
    rendered = tok.apply_chat_template(messages, tokenize=False, add_generation_prompt=True)
    assert rendered == (
        "<|im_start|>system\nSummarise.<|im_end|>\n"
        f"<|im_start|>user\n{SAMPLE_TEXTS['kk']}<|im_end|>\n"
        "<|im_start|>assistant\n"
    )
    no_prompt = tok.apply_chat_template(messages, tokenize=False, add_generation_prompt=False)
    assert no_prompt == rendered.removesuffix("<|im_start|>assistant\n")
    default_system = tok.apply_chat_template(messages[1:], tokenize=False)
    assert default_system.startswith("<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n")
    ids = tok(rendered).input_ids
    assert ids.count(tok.convert_tokens_to_ids("<|im_start|>")) == 3
    assert tok.decode(ids) == rendered


def test_qwen2_left_padded_batch_generate(loaded: dict[str, tuple[Any, Any]]) -> None:
    tok, model = loaded["qwen2"]
    prompts = [
        tok.apply_chat_template(
            [{"role": "user", "content": text}],
            tokenize=False,
            add_generation_prompt=True,
        )
        for text in (SAMPLE_TEXTS["zh"], "Hi")
    ]
    tok.padding_side = "left"
    try:
        enc = tok(prompts, return_tensors="pt", padding=True)
    finally:
        tok.padding_side = "right"
    width = enc.input_ids.shape[1]
    assert enc.attention_mask[0].all()
    assert enc.attention_mask[1, 0].item() == 0 and enc.attention_mask[1, -1].item() == 1
    assert enc.input_ids[1, 0].item() == tok.pad_token_id
    with torch.no_grad():
        out = model.generate(**enc, max_new_tokens=5, do_sample=False)
    assert out.shape[0] == 2 and width < out.shape[1] <= width + 5
    assert torch.equal(out[:, :width], enc.input_ids)
    # left padding must not change what the short prompt generates on its own
    single = tok(prompts[1], return_tensors="pt")
    with torch.no_grad():
        alone = model.generate(**single, max_new_tokens=5, do_sample=False)
    new_alone = alone[0, single.input_ids.shape[1] :].tolist()
    assert out[1, width : width + len(new_alone)].tolist() == new_alone


@pytest.mark.parametrize("name", list(BUILDERS))
def test_deterministic(built: dict[str, Path], tmp_path: Path, name: str) -> None:
    again = BUILDERS[name](tmp_path / name)
    auto = AutoModelForCausalLM if name == "qwen2" else AutoModelForSeq2SeqLM
    first = auto.from_pretrained(built[name]).state_dict()
    second = auto.from_pretrained(again).state_dict()
    assert first.keys() == second.keys()
    for key in first:
        assert torch.equal(first[key], second[key]), key
    assert (built[name] / "config.json").read_text() == (again / "config.json").read_text()


@pytest.mark.parametrize("name", list(BUILDERS))
def test_config_overrides(tmp_path: Path, name: str) -> None:
    width_key = "hidden_size" if name == "qwen2" else "d_model"
    tok_len = len(AutoTokenizer.from_pretrained(BUILDERS[name](tmp_path / "default")))
    path = BUILDERS[name](tmp_path / "big", **{width_key: 64, "vocab_size": 2048})
    auto = AutoModelForCausalLM if name == "qwen2" else AutoModelForSeq2SeqLM
    model: Any = auto.from_pretrained(path)
    assert getattr(model.config, width_key) == 64
    assert model.config.vocab_size == 2048
    assert tuple(model.get_input_embeddings().weight.shape) == (2048, 64)
    assert len(AutoTokenizer.from_pretrained(path)) == tok_len  # tokenizer stays tiny
    with pytest.raises(ValueError, match="vocab_size"):
        BUILDERS[name](tmp_path / "small", vocab_size=tok_len - 1)
