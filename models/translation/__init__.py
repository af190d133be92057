"""Translation: seq2seq MT models (torch or CTranslate2) and LLM prompt translation, behind one
service that segments, batches and reassembles whole texts."""

from models.translation.prompted import LLMTranslator
from models.translation.seq2seq import SEQ2SEQ_FAMILIES, Seq2SeqTokens, Seq2SeqTranslator
from models.translation.service import TranslationService
from models.translation.types import SegmentTranslator, Translation, TranslationResult

__all__ = [
    "SEQ2SEQ_FAMILIES",
    "LLMTranslator",
    "SegmentTranslator",
    "Seq2SeqTokens",
    "Seq2SeqTranslator",
    "Translation",
    "TranslationResult",
    "TranslationService",
]
