"""The real loading code on tiny models of each architecture: language codes, forced BOS,
constrained JSON, and prefix-cached label scoring against a plain forward pass."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import torch
from conftest import translation_spec

from models.llm import CausalLM
from models.translation import GenerationOptions, Seq2SeqTranslator


@pytest.fixture(scope="module")
def qwen(tiny_root: Path) -> CausalLM:
    return CausalLM.load(
        str(tiny_root / "qwen2"), gguf_file=None, device="cpu", dtype=torch.float32
    )


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
    assert len(out) == 2 and all(isinstance(x, str) for x in out)


def test_unknown_seq2seq_family_is_refused(tiny_root: Path) -> None:
    with pytest.raises(ValueError, match="unsupported seq2seq family"):
        Seq2SeqTranslator(
            translation_spec("t5"), None, None, device="cpu", options=GenerationOptions()
        )  # type: ignore[arg-type]


def test_constrained_json_always_parses_or_is_reported(qwen: CausalLM) -> None:
    schema = {
        "type": "object",
        "properties": {"type": {"enum": ["request", "event"]}, "n": {"type": "integer"}},
        "required": ["type", "n"],
        "additionalProperties": False,
    }
    prompt = qwen.chat([{"role": "user", "content": "Answer in JSON."}])
    raw = qwen.generate([prompt, prompt + " x"], max_new_tokens=40, schema=schema)
    parsed = qwen.generate_json([prompt], schema=schema, max_new_tokens=40)
    for text in raw:
        # whatever a random model emits is a prefix of schema-valid JSON
        assert re.match(r'\{"type": ?"(request|event)", ?"n": ?-?[0-9]', text), text
    if parsed[0] is not None:
        assert parsed[0]["type"] in ("request", "event") and isinstance(parsed[0]["n"], int)
        assert json.loads(raw[0]) == parsed[0]


def test_label_scores_match_a_plain_forward_pass(qwen: CausalLM) -> None:
    """The prefix KV cache + right padding must give the same distribution as no cache."""
    labels = ["request", "agreement", "statement", "event", "figure"]
    first = [qwen.tokenizer.encode(label, add_special_tokens=False)[0] for label in labels]
    if len(set(first)) < len(first):
        pytest.skip("the tiny tokenizer merges two labels' first tokens")
    prefix = qwen.chat([{"role": "system", "content": "Label it."}]).rsplit(
        "<|im_start|>assistant", 1
    )[0]
    suffixes = [
        "<|im_start|>user\nA short one.<|im_end|>\n<|im_start|>assistant\n",
        "<|im_start|>user\nA much longer sentence with many more words in it.<|im_end|>\n"
        "<|im_start|>assistant\n",
    ]
    cached = qwen.score_labels(prefix, suffixes, labels)
    for suffix, row in zip(suffixes, cached, strict=True):
        ids = qwen.tokenizer(prefix + suffix, return_tensors="pt", add_special_tokens=False)
        with torch.inference_mode():
            logits = qwen.model(**ids).logits[0, -1]
        expected = logits[first].softmax(-1).tolist()
        assert row == pytest.approx(expected, abs=1e-4)
        assert sum(row) == pytest.approx(1.0, abs=1e-5)


def test_prefix_cached_generation_matches_plain_generation(qwen: CausalLM) -> None:
    """Middle padding after a cached prefix must give each row the logits of its own prompt."""
    head = [
        {"role": "system", "content": "You label sentences with care."},
        {"role": "user", "content": "An example sentence."},
        {"role": "assistant", "content": "statement"},
    ]
    prefix = qwen.chat_prefix(head)
    tails = ["x", "A much longer sentence with many more words in it than the first."]
    prompts_ = [qwen.chat([*head, {"role": "user", "content": t}]) for t in tails]
    assert all(p.startswith(prefix) for p in prompts_)
    gen = {"max_new_tokens": 6, "do_sample": False, "pad_token_id": qwen.tokenizer.pad_token_id}
    gen |= {"output_scores": True, "return_dict_in_generate": True}
    ids, mask, cache = qwen._with_prefix(prefix, [p[len(prefix) :] for p in prompts_])
    assert mask[0].tolist().count(0) > 0  # the short row really is padded in the middle
    with torch.inference_mode():
        batched = qwen.model.generate(input_ids=ids, attention_mask=mask, cache=cache, **gen)
    scores = torch.stack(batched.scores, 1)
    for row, prompt in enumerate(prompts_):
        plain_ids = ids[row][mask[row].bool()].unsqueeze(0)
        assert qwen.tokenizer.decode(plain_ids[0]) == prompt  # the row, pads removed
        with torch.inference_mode():
            plain = qwen.model.generate(
                input_ids=plain_ids, attention_mask=torch.ones_like(plain_ids), **gen
            )
        assert torch.allclose(scores[row], torch.stack(plain.scores, 1)[0], atol=1e-4)
        assert (
            batched.sequences[row, ids.shape[1] :].tolist()
            == plain.sequences[0, plain_ids.shape[1] :].tolist()
        )
    # the public path gives the same text with and without the prefix cache
    assert qwen.generate(prompts_, max_new_tokens=6, prefix=prefix) == qwen.generate(
        prompts_, max_new_tokens=6
    )


def test_a_prefix_not_shared_by_every_prompt_is_ignored(qwen: CausalLM) -> None:
    prompt = qwen.chat([{"role": "user", "content": "Hello."}])
    assert qwen.generate([prompt], max_new_tokens=3, prefix="not a prefix") == qwen.generate(
        [prompt], max_new_tokens=3
    )
    # a prompt that is all prefix has no token of its own to start from
    assert qwen.generate([prompt], max_new_tokens=3, prefix=prompt) == qwen.generate(
        [prompt], max_new_tokens=3
    )
