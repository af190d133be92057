"""The instruct LLM behind one interface (``base.LLM``): batched, JSON-schema-constrained
generation with cached prompt prefixes, and label scoring from one forward pass. Backends:
``hf.TorchLLM`` (transformers/torch, the reference and the GPU path) and
``llamacpp.LlamaCppLLM`` (GGUF on llama.cpp, the fast CPU path)."""

from models.llm.base import LLM, LLMStats
from models.llm.fewshot import FewShotLabels
from models.llm.hf import TorchLLM, end_token_ids
from models.llm.types import Generation, GenerationRequest, Message

__all__ = [
    "LLM",
    "FewShotLabels",
    "Generation",
    "GenerationRequest",
    "LLMStats",
    "Message",
    "TorchLLM",
    "end_token_ids",
]
