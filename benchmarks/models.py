"""Real-size random-weight translation models for the benchmark, and manifests that load them.

The architectures match the checkpoints the standard profile serves (layer count, width,
heads, feed-forward size and vocabulary size), so every system does the real amount of work
per token; the weights are random and the tokenizer is the tests' tiny one, so the output is
noise. Two edits keep that noise decodable: the output-embedding rows of ids the tokenizer
does not have (the vocabulary is real-size, the tokenizer tiny) and of special tokens are
scaled down, so greedy decoding picks ordinary pieces and a translation is never empty (the
service rejects an empty translation, the naive baseline would not). The edits change no
shapes, so the cost per token is untouched.

Built models are kept under ``root`` and reused while their recipe stays the same.
"""

from __future__ import annotations

import json
import shutil
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import torch

ROOT = Path(__file__).resolve().parent.parent
_RECIPE_VERSION = 1


@dataclass(frozen=True)
class BenchModel:
    """One architecture to benchmark: the checkpoint it mimics and how to build it."""

    name: str
    mimics: str
    family: str
    source_lang: str
    target_lang: str
    config: dict[str, Any] = field(default_factory=dict)


MARIAN = BenchModel(
    name="marian-opus-mt-en-ru",
    mimics="Helsinki-NLP/opus-mt-en-ru",
    family="marian",
    source_lang="en",
    target_lang="ru",
    config={
        "d_model": 512,
        "encoder_layers": 6,
        "decoder_layers": 6,
        "encoder_attention_heads": 8,
        "decoder_attention_heads": 8,
        "encoder_ffn_dim": 2048,
        "decoder_ffn_dim": 2048,
        "vocab_size": 62518,
        "activation_function": "swish",
        "scale_embedding": True,
        "max_position_embeddings": 512,
    },
)
NLLB = BenchModel(
    name="nllb-200-distilled-600M",
    mimics="facebook/nllb-200-distilled-600M",
    family="nllb",
    source_lang="en",
    target_lang="ru",
    config={
        "d_model": 1024,
        "encoder_layers": 12,
        "decoder_layers": 12,
        "encoder_attention_heads": 16,
        "decoder_attention_heads": 16,
        "encoder_ffn_dim": 4096,
        "decoder_ffn_dim": 4096,
        "vocab_size": 256206,
        "activation_function": "relu",
        "scale_embedding": True,
        "max_position_embeddings": 1024,
    },
)
MODELS = {m.name: m for m in (MARIAN, NLLB)}


def _builders() -> Any:
    tests = str(ROOT / "tests")
    if tests not in sys.path:
        sys.path.insert(0, tests)
    import tiny_models

    return tiny_models


def build(model: BenchModel, root: Path) -> Path:
    """The model directory for ``model`` under ``root``, built on first use (minutes for NLLB)."""
    path = root / model.name
    recipe = {"version": _RECIPE_VERSION, **asdict(model)}
    stamp = path / "bench_recipe.json"
    if stamp.is_file() and json.loads(stamp.read_text("utf-8")) == recipe:
        return path
    shutil.rmtree(path, ignore_errors=True)
    tmp = root / f".{model.name}.building"
    shutil.rmtree(tmp, ignore_errors=True)
    tiny = _builders()
    builder = {
        "marian": tiny.build_tiny_marian,
        "nllb": tiny.build_tiny_nllb,
        "m2m100": tiny.build_tiny_m2m100,
    }[model.family]
    builder(tmp, **model.config)
    _keep_output_decodable(tmp)
    stamp_tmp = tmp / "bench_recipe.json"
    stamp_tmp.write_text(json.dumps(recipe, indent=1), "utf-8")
    tmp.rename(path)
    return path


def _keep_output_decodable(path: Path) -> None:
    from transformers import AutoModelForSeq2SeqLM, AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(path)
    model = AutoModelForSeq2SeqLM.from_pretrained(path)
    weight = model.get_output_embeddings().weight
    known = len(tokenizer)
    special = sorted(set(tokenizer.all_special_ids) | {i for i in range(known, weight.shape[0])})
    with torch.no_grad():
        weight[special] *= 1e-3
    model.save_pretrained(path)


def manifest(model: BenchModel, model_dir: Path, out: Path) -> Path:
    """A manifest with MiniLM (the service needs an embeddings model) and ``model`` (torch)."""
    text = (
        '[profile]\nname = "bench"\ndescription = "random real-size models for make bench"\n'
        + _builders().MINILM_MANIFEST_ENTRY
        + f"""
[[models]]
id = "bench/{model.name}"
task = "translation"
family = "{model.family}"
languages = ["en", "ru", "kk", "zh"]
pairs = ["{model.source_lang}-{model.target_lang}"]
licence = "test-only"
size = "random weights, architecture of {model.mimics}"
quality = "random weights"
max_input_tokens = 512
segment_tokens = 512
backend = "torch"
source = {{ kind = "local", path = "{model_dir.resolve()}" }}
"""
    )
    out.write_text(text, "utf-8")
    return out
