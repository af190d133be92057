"""The instruct LLM: batched generation, JSON-schema-constrained output, label scoring."""

from models.llm.fewshot import FewShotLabels
from models.llm.hf import CausalLM, end_token_ids
from models.llm.types import Generation, Message

__all__ = ["CausalLM", "FewShotLabels", "Generation", "Message", "end_token_ids"]
