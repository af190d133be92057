"""Baselines on the service's own sentence split: Lead-k and sumy's TextRank / LexRank.

sumy's ``Tokenizer`` loads NLTK's ``punkt_tab`` data (``PunktTokenizer``) in its constructor and
``nltk.word_tokenize`` needs it too; there is no network here, so the document is built directly
with sumy's DOM (``ObjectDocumentModel`` / ``Paragraph`` / ``Sentence``) from sentences split by
``models.segmentation.split_sentences``, and words come from NLTK's ``NLTKWordTokenizer`` (the
word tokenizer ``word_tokenize`` applies after sentence splitting; it needs no data files).
Stemming (Snowball) and sumy's bundled English stop words need no downloads either.
"""

from __future__ import annotations

import re
from typing import Literal

from nltk.tokenize import NLTKWordTokenizer
from sumy.models.dom import ObjectDocumentModel, Paragraph, Sentence
from sumy.nlp.stemmers import Stemmer
from sumy.summarizers.lex_rank import LexRankSummarizer
from sumy.summarizers.text_rank import TextRankSummarizer
from sumy.utils import get_stop_words

from models.text.segmentation import split_sentences

Method = Literal["textrank", "lexrank"]
_IS_WORD = re.compile(r"^[^\W\d_](?:[^\W\d_]|['-])*$")


class OfflineWordTokenizer:
    """The part of sumy's ``Tokenizer`` that its summarizers use, without punkt data."""

    language = "english"

    def __init__(self) -> None:
        self._words = NLTKWordTokenizer()

    def to_words(self, sentence: str) -> tuple[str, ...]:
        """Word tokens of one sentence (sumy's own filter: letters, apostrophes, hyphens)."""
        return tuple(w for w in self._words.tokenize(sentence) if _IS_WORD.match(w))

    def to_sentences(self, paragraph: str) -> tuple[str, ...]:
        """Not used: sentences are given."""
        raise NotImplementedError("sentences come from models.text.segmentation")


def sentences_of(text: str, lang: str = "en") -> list[str]:
    """The service's sentence split of ``text``."""
    return [s.text for s in split_sentences(text, lang)]


def lead(text: str, k: int = 3, lang: str = "en") -> list[str]:
    """The first ``k`` sentences."""
    return sentences_of(text, lang)[:k]


def sumy_summary(sentences: list[str], method: Method, k: int = 3) -> list[str]:
    """The ``k`` sentences sumy's TextRank/LexRank picks, in document order."""
    tokenizer = OfflineWordTokenizer()
    document = ObjectDocumentModel([Paragraph([Sentence(s, tokenizer) for s in sentences])])
    stemmer = Stemmer("english")
    summarizer = TextRankSummarizer(stemmer) if method == "textrank" else LexRankSummarizer(stemmer)
    summarizer.stop_words = get_stop_words("english")
    return [str(s) for s in summarizer(document, k)]
