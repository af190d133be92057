"""The llama.cpp backend against the torch reference, on the tiny Qwen2 written as a GGUF.

Both backends read the same float32 GGUF file (transformers dequantises nothing there), so
their label scores must agree to 1e-4 and their greedy outputs token for token; the real
4-bit 0.5B model's tolerance is checked in tests/service/test_offline_e2e.py.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import torch
from helpers import join_all
from tiny_models import write_qwen2_gguf

from models.errors import GenerationFailed
from models.llm import GenerationRequest, TorchLLM
from models.llm.llamacpp_context import LlamaCppOptions
from models.llm.scripts import constraint_for, letter_scripts

llamacpp = pytest.importorskip("models.llm.llamacpp", reason="llama-cpp-python is not installed")

# Label probabilities of the two backends on the same float32 weights.
SCORE_TOLERANCE = 1e-4
SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "type": {"enum": ["request", "agreement", "event"]},
        "actor": {"type": "string", "maxLength": 12},
        "n": {"type": "integer"},
    },
    "required": ["type", "actor", "n"],
    "additionalProperties": False,
}
SENTENCES = [
    "The union called on the government to raise wages.",
    "Both countries signed a memorandum on trade.",
    "Exports grew by 12 percent to $3.4 billion.",
    "Министр призвал соседей выполнить обещания.",
]


@pytest.fixture(scope="module")
def gguf_dir(tiny_root: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("gguf")
    write_qwen2_gguf(tiny_root / "qwen2", root / "tiny-qwen2.gguf")
    return root


@pytest.fixture(scope="module")
def fast(gguf_dir: Path) -> Iterator[Any]:
    options = LlamaCppOptions(n_ctx=4096, n_seq_max=8, batch_tokens=64)
    llm = llamacpp.LlamaCppLLM.load(str(gguf_dir), gguf_file="tiny-qwen2.gguf", options=options)
    yield llm
    llm.close()


@pytest.fixture(scope="module")
def reference(gguf_dir: Path) -> TorchLLM:
    return TorchLLM.load(
        str(gguf_dir), gguf_file="tiny-qwen2.gguf", device="cpu", dtype=torch.float32
    )


def _prefix_and_suffixes(llm: Any) -> tuple[str, list[str]]:
    messages = [{"role": "system", "content": "Answer yes or no: is it a request?"}]
    prefix = llm.chat_prefix(messages)
    chats = [llm.chat([*messages, {"role": "user", "content": s}]) for s in SENTENCES]
    return prefix, [c[len(prefix) :] for c in chats]


def test_both_backends_tokenise_prompts_alike(fast: Any, reference: TorchLLM) -> None:
    for text in [*SENTENCES, fast.chat([{"role": "user", "content": SENTENCES[0]}])]:
        assert fast.encode(text) == reference.encode(text)
    assert fast.backend == "llamacpp" and fast.dtype == "ALL_F32"


def test_label_scores_match_the_reference(fast: Any, reference: TorchLLM) -> None:
    prefix, suffixes = _prefix_and_suffixes(fast)
    labels = ["yes", "no"]
    got = fast.score_labels(prefix, suffixes, labels)
    expected = reference.score_labels(prefix, suffixes, labels)
    assert len(got) == len(SENTENCES)
    for row, ref in zip(got, expected, strict=True):
        assert sum(row) == pytest.approx(1.0)
        assert max(abs(a - b) for a, b in zip(row, ref, strict=True)) < SCORE_TOLERANCE


def test_greedy_generation_matches_the_reference(fast: Any, reference: TorchLLM) -> None:
    prompts = [fast.chat([{"role": "user", "content": s}]) for s in SENTENCES]
    for kwargs in ({}, {"schema": SCHEMA}, {"no_repeat_ngram_size": 2}):
        got = fast.generate(prompts, max_new_tokens=10, **kwargs)
        assert got == reference.generate(prompts, max_new_tokens=10, **kwargs), kwargs


def test_constrained_output_is_schema_valid_or_reported_cut(fast: Any) -> None:
    prompts = [fast.chat([{"role": "user", "content": s}]) for s in SENTENCES]
    for budget in (4, 12, 40):
        outputs = fast.generate(prompts, max_new_tokens=budget, schema=SCHEMA)
        for out in outputs:
            assert out.text.startswith("{"), out
            # a finished answer is closed JSON of the schema; an unfinished one used its budget
            value = json.loads(out.text) if out.complete else None
            assert value is None or (
                set(value) == {"type", "actor", "n"} and type(value["n"]) is int
            )
            assert value is None or value["type"] in ("request", "agreement", "event")
            assert out.complete or len(fast.encode(out.text)) >= budget - 1, out


def test_a_shared_prefix_changes_nothing(fast: Any) -> None:
    prefix, suffixes = _prefix_and_suffixes(fast)
    prompts = [prefix + s for s in suffixes]
    cached = fast.generate(prompts, max_new_tokens=8, schema=SCHEMA, prefix=prefix)
    assert cached == fast.generate(prompts, max_new_tokens=8, schema=SCHEMA)


def test_mixed_requests_share_steps_and_get_their_own_results(fast: Any) -> None:
    prefix, suffixes = _prefix_and_suffixes(fast)
    schema = json.dumps(SCHEMA)
    requests = [
        GenerationRequest(prefix + suffixes[0], 5, schema, prefix),
        GenerationRequest(prefix + suffixes[1], 9),
        GenerationRequest(prefix + suffixes[2], 3, None, prefix, 2),
    ]
    together = fast.run(requests)
    alone = [fast.run([r])[0] for r in requests]
    assert together == alone
    assert all(
        len(fast.encode(g.text)) <= r.max_new_tokens
        for g, r in zip(together, requests, strict=True)
    )


def test_concurrent_callers_beyond_the_sequence_slots_all_complete(fast: Any) -> None:
    # 8 slots, 12 callers each with a row: the rest queue and run as slots free up.
    prompts = [
        fast.chat([{"role": "user", "content": f"{s} ({i})"}]) for i, s in enumerate(SENTENCES * 3)
    ]
    expected = [fast.generate([p], max_new_tokens=6)[0] for p in prompts]
    results: dict[int, Any] = {}

    def call(i: int) -> None:
        results[i] = fast.generate([prompts[i]], max_new_tokens=6)[0]

    threads = [threading.Thread(target=call, args=(i,)) for i in range(len(prompts))]
    for t in threads:
        t.start()
    join_all(threads, timeout_s=120)
    assert [results[i] for i in range(len(prompts))] == expected
    assert fast.active == 0 and fast.pending == 0


def test_a_prompt_larger_than_the_context_is_refused(fast: Any) -> None:
    with pytest.raises(GenerationFailed, match="KV cells"):
        fast.generate(["word " * 5000], max_new_tokens=4)
    # the scheduler keeps serving
    assert fast.generate([SENTENCES[0]], max_new_tokens=2)[0].text is not None


def test_no_gguf_file_is_refused(tiny_root: Path) -> None:
    with pytest.raises(ValueError, match="GGUF"):
        llamacpp.LlamaCppLLM.load(str(tiny_root / "qwen2"), gguf_file=None)


def test_script_constrained_generation_matches_the_reference(
    fast: Any, reference: TorchLLM
) -> None:
    """Kept from repeating a token, the random tiny model writes Latin, Cyrillic and Han
    letters; held to Cyrillic, it writes no other letter (Han spelled out in bytes included),
    and both backends pick the same tokens."""
    prompts = [fast.chat([{"role": "user", "content": s}]) for s in SENTENCES]
    plain = fast.generate(prompts, max_new_tokens=24, no_repeat_ngram_size=1)
    assert any({"LATIN", "CJK"} & letter_scripts(g.text) for g in plain)
    requests = [
        GenerationRequest(p, 24, no_repeat_ngram_size=1, script=constraint_for("ru"))
        for p in prompts
    ]
    got = fast.run(requests)
    assert got == reference.run(requests)
    for generation in got:
        assert letter_scripts(generation.text) == {"CYRILLIC"}


def test_translation_batches_of_concurrent_requests_share_decode_steps(
    fast: Any, reference: TorchLLM
) -> None:
    """On llama.cpp the translator's batcher hands a second request's batch over while the
    first decodes (models/batching.py), so their rows share steps; torch keeps one worker."""
    from helpers import translation_spec

    from models.config import BatchConfig
    from models.langdetect import LanguageDetector
    from models.translation import LLMTranslator, TranslationService
    from models.translation.service import CONCURRENT_BATCHES

    spec = translation_spec("llm")
    detector = LanguageDetector()
    torch_service = TranslationService(
        [LLMTranslator(spec, reference)], detector, batching=BatchConfig(wait_ms=1)
    )
    assert torch_service.batchers[spec.id].workers == 1
    torch_service.close()
    service = TranslationService(
        [LLMTranslator(spec, fast)], detector, batching=BatchConfig(wait_ms=1)
    )
    assert service.batchers[spec.id].workers == CONCURRENT_BATCHES > 1
    long_text = " ".join(["The delegation discussed trade and transport with the ministry"] * 6)
    short_text = "Exports grew by 12 percent."
    start = fast.stats.batches
    alone = {t: service.translate([t], target_lang="ru", source_lang="en").translations
             for t in (long_text, short_text)}  # fmt: skip
    steps_alone = fast.stats.batches - start
    start = fast.stats.batches
    results: dict[str, Any] = {}

    def call(text: str) -> None:
        results[text] = service.translate([text], target_lang="ru", source_lang="en").translations

    first = threading.Thread(target=call, args=(long_text,))
    first.start()
    # The long row decodes (a few hundred tokens of budget) when the second request comes.
    deadline = 50
    while fast.running == 0 and deadline:
        threading.Event().wait(0.01)
        deadline -= 1
    second = threading.Thread(target=call, args=(short_text,))
    second.start()
    join_all([first, second], timeout_s=120)
    service.close()
    assert results == alone  # greedy: sharing steps changes no output
    steps_together = fast.stats.batches - start
    # The same rows in fewer llama_decode steps: the short request's rows joined the long one's.
    assert steps_together < steps_alone, (steps_together, steps_alone)
