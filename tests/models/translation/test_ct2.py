"""The CTranslate2 backend on tiny models: same output as the torch backend in float32, the
forced language tokens in int8, the conversion cache, fixed-length decoding, and the app."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
import torch
from helpers import translation_spec
from tiny_models import CORPUS, SAMPLE_TEXTS
from transformers import AutoModelForSeq2SeqLM

import models.translation.ct2 as ct2
from models.config import GenerationOptions
from models.translation import Seq2SeqTranslator
from models.translation.ct2 import CT2Translator

# (family, source, target, pairs): the three directions the tiny manifest routes to each model
CASES = [
    ("nllb", "ru", "kk", ("*",)),
    ("m2m100", "en", "kk", ("en-kk",)),
    ("marian", "en", "ru", ("en-ru",)),
]
LANG_TOKEN = {("nllb", "kk"): "kaz_Cyrl", ("m2m100", "kk"): "__kk__"}


def _texts(lang: str) -> list[str]:
    return [SAMPLE_TEXTS[lang], *CORPUS[lang]]


@pytest.fixture(scope="module")
def ct2_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("ct2")


def _pair(
    model_dir: Path, family: str, pairs: tuple[str, ...], cache: Path, options: GenerationOptions
) -> tuple[Seq2SeqTranslator, CT2Translator]:
    spec = translation_spec(family, pairs)
    torch_t = Seq2SeqTranslator.load(
        spec, str(model_dir), device="cpu", dtype=torch.float32, options=options
    )
    ct2_t = CT2Translator.load(
        spec, str(model_dir), device="cpu", cache_dir=cache, options=options, compute_type="float32"
    )
    return torch_t, ct2_t


@pytest.mark.parametrize(("family", "source", "target", "pairs"), CASES)
@pytest.mark.parametrize(
    "options",
    [
        GenerationOptions(),
        GenerationOptions(max_new_tokens_floor=4, max_new_tokens_factor=0.1),
        GenerationOptions(fixed_new_tokens=12),
    ],
    ids=["default", "short", "fixed12"],
)
def test_float32_output_is_identical_to_torch(
    tiny_root: Path,
    ct2_cache: Path,
    family: str,
    source: str,
    target: str,
    pairs: tuple[str, ...],
    options: GenerationOptions,
) -> None:
    torch_t, ct2_t = _pair(tiny_root / family, family, pairs, ct2_cache, options)
    assert ct2_t.dtype == "float32"
    texts = _texts(source)
    assert [ct2_t.count_tokens(t) for t in texts] == [torch_t.count_tokens(t) for t in texts]
    expected = torch_t.translate_batch(texts, source_lang=source, target_lang=target)
    assert ct2_t.translate_batch(texts, source_lang=source, target_lang=target) == expected
    # one text alone too: no padding, and its own (shorter) output budget
    alone = torch_t.translate_batch(texts[:1], source_lang=source, target_lang=target)
    assert ct2_t.translate_batch(texts[:1], source_lang=source, target_lang=target) == alone


@pytest.mark.parametrize(("family", "source", "target", "pairs"), CASES)
def test_int8_forces_the_target_language(
    tiny_root: Path,
    ct2_cache: Path,
    family: str,
    source: str,
    target: str,
    pairs: tuple[str, ...],
) -> None:
    translator = CT2Translator.load(
        translation_spec(family, pairs),
        str(tiny_root / family),
        device="cpu",
        cache_dir=ct2_cache,
        options=GenerationOptions(),
    )
    assert translator.dtype == "int8"
    texts = _texts(source)[:4]
    out = translator.translate_batch(texts, source_lang=source, target_lang=target)
    assert len(out) == len(texts) and all(t.text.strip() for t in out)
    hypotheses, _ = translator.generate_tokens(texts, source_lang=source, target_lang=target)
    token = LANG_TOKEN.get((family, target))
    if token is None:  # Marian: one pair per model, no language token
        assert translator._target_prefix(target) is None
    else:
        assert all(h[0] == token for h in hypotheses)
        assert not any(token in t.text for t in out)  # the prefix is not part of the text
    # and the source side carries the source language token, as for torch
    if family != "marian":
        translator.tokenizer.src_lang = "rus_Cyrl" if family == "nllb" else "en"
        first = translator.tokenizer.convert_ids_to_tokens(translator.tokenizer.encode("x"))[0]
        assert first == ("rus_Cyrl" if family == "nllb" else "__en__")


def test_unknown_family_is_refused() -> None:
    with pytest.raises(ValueError, match="unsupported seq2seq family"):
        CT2Translator(
            translation_spec("t5", ("*",)),
            None,
            None,  # type: ignore[arg-type]
            options=GenerationOptions(),
            compute_type="int8",
        )


class _CountingConverter:
    def __init__(self, calls: list[str], fail: bool = False) -> None:
        self.calls = calls
        self.fail = fail

    def __call__(self, path: str) -> Any:
        self.calls.append(path)
        real = _REAL_CONVERTER(path)
        if not self.fail:
            return real

        class Broken:
            def convert(self, out: str, **_kwargs: Any) -> str:
                Path(out).mkdir(parents=True, exist_ok=True)
                (Path(out) / "model.bin").write_bytes(b"half")
                raise RuntimeError("killed mid-conversion")

        return Broken()


_REAL_CONVERTER = ct2._converter


def test_conversion_is_cached_and_atomic(
    tiny_root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    model_dir = tmp_path / "marian"
    shutil.copytree(tiny_root / "marian", model_dir)
    cache = tmp_path / "cache"
    calls: list[str] = []
    spec = translation_spec("marian", ("en-ru",))

    def load() -> CT2Translator:
        return CT2Translator.load(
            spec, str(model_dir), device="cpu", cache_dir=cache, options=GenerationOptions()
        )

    # an interrupted conversion leaves nothing that looks like a cache entry
    monkeypatch.setattr(ct2, "_converter", _CountingConverter(calls, fail=True))
    with pytest.raises(RuntimeError, match="killed"):
        load()
    assert list(cache.iterdir()) == []

    monkeypatch.setattr(ct2, "_converter", _CountingConverter(calls))
    first = load()
    entries = list(cache.iterdir())
    assert len(calls) == 2 and len(entries) == 1 and not entries[0].name.startswith(".")
    mtime = (entries[0] / "model.bin").stat().st_mtime_ns
    second = load()
    assert len(calls) == 2, "the second load converted again"
    assert (entries[0] / "model.bin").stat().st_mtime_ns == mtime
    assert second.translate_batch(["Trade grew."], source_lang="en", target_lang="ru") == (
        first.translate_batch(["Trade grew."], source_lang="en", target_lang="ru")
    )
    # another compute type is another entry; changed weights are a new entry too
    CT2Translator.load(
        spec,
        str(model_dir),
        device="cpu",
        cache_dir=cache,
        options=GenerationOptions(),
        compute_type="float32",
    )
    weights = model_dir / "model.safetensors"
    weights.write_bytes(weights.read_bytes())  # same bytes, new mtime
    load()
    assert len(calls) == 4 and len(list(cache.iterdir())) == 3


@pytest.fixture(scope="module")
def eager_eos_root(tiny_root: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Tiny Marian and NLLB edited so the end token wins every step: min length must bite."""
    root = tmp_path_factory.mktemp("eager_eos")
    for family in ("marian", "nllb"):
        shutil.copytree(tiny_root / family, root / family)
        model = AutoModelForSeq2SeqLM.from_pretrained(tiny_root / family)
        eos = model.config.eos_token_id
        with torch.no_grad():
            if family == "marian":
                model.final_logits_bias[0, eos] = 50.0
            else:  # output embeddings are tied: point every final state at the eos row
                norm = model.model.decoder.layer_norm
                norm.weight.zero_()
                norm.bias.copy_(model.lm_head.weight[eos] * 3)
        model.save_pretrained(root / family)
        shutil.copy(tiny_root / family / "generation_config.json", root / family)
    return root


@pytest.mark.parametrize(
    ("family", "source", "target", "pairs"), [CASES[0], CASES[2]], ids=["nllb", "marian"]
)
@pytest.mark.parametrize("model_set", ["tiny", "eager_eos"])
def test_fixed_new_tokens_gives_exactly_n_tokens_in_both_backends(
    request: pytest.FixtureRequest,
    ct2_cache: Path,
    monkeypatch: pytest.MonkeyPatch,
    model_set: str,
    family: str,
    source: str,
    target: str,
    pairs: tuple[str, ...],
) -> None:
    root: Path = request.getfixturevalue("tiny_root" if model_set == "tiny" else "eager_eos_root")
    n = 10
    texts = _texts(source)[:3]
    torch_t, ct2_t = _pair(
        root / family, family, pairs, ct2_cache, GenerationOptions(fixed_new_tokens=n)
    )
    seen: list[torch.Tensor] = []
    generate = torch_t.model.generate

    def spy(*args: Any, **kwargs: Any) -> torch.Tensor:
        out = generate(*args, **kwargs)
        seen.append(out)
        return out

    monkeypatch.setattr(torch_t.model, "generate", spy)
    expected = torch_t.translate_batch(texts, source_lang=source, target_lang=target)
    # torch: decoder start token + n new tokens (language token included) in every row
    assert seen[0].shape == (len(texts), 1 + n)
    hypotheses, limit = ct2_t.generate_tokens(texts, source_lang=source, target_lang=target)
    # CTranslate2: n tokens, target prefix included, no decoder start token
    assert limit == n and all(len(h) == n for h in hypotheses)
    assert ct2_t.translate_batch(texts, source_lang=source, target_lang=target) == expected
    # every hypothesis filled the limit: both backends report the cut
    assert not any(t.complete for t in expected)


@pytest.mark.parametrize(
    ("family", "source", "target", "pairs"), [CASES[0], CASES[2]], ids=["nllb", "marian"]
)
def test_models_that_end_at_once_give_the_same_empty_output_on_both_backends(
    eager_eos_root: Path,
    ct2_cache: Path,
    family: str,
    source: str,
    target: str,
    pairs: tuple[str, ...],
) -> None:
    # without a fixed length both stop at once (the same empty output, not n tokens), and
    # both call the output complete: the model ended it
    texts = _texts(source)[:3]
    free_torch, free_ct2 = _pair(
        eager_eos_root / family, family, pairs, ct2_cache, GenerationOptions()
    )
    hyps, _ = free_ct2.generate_tokens(texts, source_lang=source, target_lang=target)
    assert all(len(h) <= 2 for h in hyps)
    expected = free_torch.translate_batch(texts, source_lang=source, target_lang=target)
    assert free_ct2.translate_batch(texts, source_lang=source, target_lang=target) == expected
    assert all(t.complete for t in expected)
