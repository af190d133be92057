"""The transformers LLM backend on the tiny Qwen2: constrained JSON, and prefix-cached label
scoring and generation against plain forward passes."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import torch

from models.llm import TorchLLM


@pytest.fixture(scope="module")
def qwen(tiny_root: Path) -> TorchLLM:
    return TorchLLM.load(
        str(tiny_root / "qwen2"), gguf_file=None, device="cpu", dtype=torch.float32
    )


def test_constrained_json_always_parses_or_is_reported(qwen: TorchLLM) -> None:
    schema = {
        "type": "object",
        "properties": {"type": {"enum": ["request", "event"]}, "n": {"type": "integer"}},
        "required": ["type", "n"],
        "additionalProperties": False,
    }
    prompt = qwen.chat([{"role": "user", "content": "Answer in JSON."}])
    prompts = [prompt, prompt + " x", prompt + " y", prompt + " z"]
    raw = qwen.generate(prompts, max_new_tokens=40, schema=schema)
    parsed = qwen.generate_json(prompts, schema=schema, max_new_tokens=40)
    for out, value in zip(raw, parsed, strict=True):
        # whatever a random model emits is a prefix of schema-valid JSON
        assert re.match(r'\{"type": ?"(request|event)", ?"n": ?-?[0-9]', out.text), out.text
        # the grammar ends generation when the JSON closes: it parses exactly when complete
        assert (value is not None) == out.complete, out
        assert value is None or value == json.loads(out.text)
        assert value is None or (value["type"] in ("request", "event") and type(value["n"]) is int)


def test_label_scores_match_a_plain_forward_pass(qwen: TorchLLM) -> None:
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


def test_prefix_cached_generation_matches_plain_generation(qwen: TorchLLM) -> None:
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


def test_a_prefix_not_shared_by_every_prompt_is_ignored(qwen: TorchLLM) -> None:
    prompt = qwen.chat([{"role": "user", "content": "Hello."}])
    assert qwen.generate([prompt], max_new_tokens=3, prefix="not a prefix") == qwen.generate(
        [prompt], max_new_tokens=3
    )
    # a prompt that is all prefix has no token of its own to start from
    assert qwen.generate([prompt], max_new_tokens=3, prefix=prompt) == qwen.generate(
        [prompt], max_new_tokens=3
    )
