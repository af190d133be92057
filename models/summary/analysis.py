"""Article analysis and extractive ranking: what both engines start from.

* ``analyse`` finds the dateline and the figures, splits the body into sentences and embeds
  them, and ranks them twice: centrality (cosine to the document centroid) blended with a lead
  prior (news puts key facts first), strongly for the summary and weakly for key points.
* ``select`` picks sentences by maximal marginal relevance, so near-duplicates are not
  repeated; ``required`` sentences (the best of each kind of point) are taken first.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

from models.config import SummarizerOptions
from models.embeddings import Embedder
from models.errors import GenerationFailed
from models.languages import LangCode
from models.spans import Span
from models.summary.acts import Act, SpeechActs
from models.summary.types import Article, Sentence
from models.text.datelines import find_dateline
from models.text.figures import Figure, find_figures
from models.text.segmentation import sentence_joiner, split_sentences

_WORD = re.compile(r"\w+", re.UNICODE)


def analyse(
    text: str,
    *,
    title: str | None,
    lang: LangCode,
    embedder: Embedder,
    options: SummarizerOptions,
    acts: SpeechActs | None = None,
) -> Article:
    """The analysed article. Raises ``GenerationFailed`` when it has no sentences."""
    dateline = find_dateline(text)
    body_start = dateline.span.end if dateline else 0
    sentences = tuple(
        Sentence(Span(s.start + body_start, s.end + body_start, s.text), i)
        for i, s in enumerate(split_sentences(text[body_start:], lang))
    )
    if not sentences:
        raise GenerationFailed("the text has no sentences to summarise", param="text")
    figures = tuple(f for f in find_figures(text) if f.span.start >= body_start)
    vectors = embedder.encode([s.span.text for s in sentences])
    eligible = tuple(s.index for s in sentences if is_content(s.span.text)) or (0,)
    decided: tuple[Act | None, ...] = ()
    if acts is not None:
        texts = [sentences[i].span.text for i in eligible]
        found = iter(acts.detect(texts, lang, vectors[list(eligible)]))
        chosen = set(eligible)
        decided = tuple(next(found) if s.index in chosen else None for s in sentences)
    return Article(
        text=text,
        title=title,
        lang=lang,
        dateline=dateline,
        sentences=sentences,
        vectors=vectors,
        scores=rank(vectors, options.position_weight),
        # Key points should cover the whole article, so the lead prior weighs less for them.
        point_scores=rank(vectors, options.keypoint_position_weight),
        figures=figures,
        eligible=eligible,
        acts=decided,
    )


def rank(vectors: np.ndarray, weight: float) -> np.ndarray:
    """Importance per sentence in ``[0, 1]``: centrality blended with a lead prior."""
    n = len(vectors)
    centroid = vectors.mean(axis=0)
    norm = float(np.linalg.norm(centroid)) or 1.0
    centrality = vectors @ (centroid / norm)
    spread = float(centrality.max() - centrality.min())
    centrality = (centrality - centrality.min()) / spread if spread > 1e-9 else np.ones(n)
    position = 1.0 / np.sqrt(1.0 + np.arange(n))
    return np.asarray((1 - weight) * centrality + weight * position, dtype=np.float64)


def select(
    priority: np.ndarray,
    vectors: np.ndarray,
    k: int,
    eligible: Sequence[int],
    options: SummarizerOptions,
    *,
    required: Sequence[int] = (),
) -> list[int]:
    """Maximal marginal relevance: important, and unlike what is already chosen.

    ``required`` sentences (the best of each kind of point the article has) are taken first,
    so that a request or an amount is not crowded out by the lead. Returns sentence indices in
    article order.
    """
    chosen: list[int] = list(dict.fromkeys(required))[:k]
    pool = [i for i in eligible if i not in chosen]
    lam = options.mmr_lambda
    while pool and len(chosen) < k:
        best, best_value = -1, -np.inf
        for i in pool:
            overlap = max((float(vectors[i] @ vectors[j]) for j in chosen), default=0.0)
            if overlap >= options.redundancy_threshold:
                continue
            value = lam * float(priority[i]) - (1 - lam) * overlap
            if value > best_value:
                best, best_value = i, value
        if best < 0:
            break
        chosen.append(best)
        pool.remove(best)
    return sorted(chosen)


def extractive_lead(
    article: Article, options: SummarizerOptions, *, candidates: int | None = None
) -> tuple[list[int], str, str]:
    """The top summary sentences, the extractive summary and the extractive headline.

    ``candidates`` selects that many sentences (the LLM's headline prompt reads them); the
    summary is the first ``summary_sentences`` of them. The headline is the title when the
    article has one, else the first selected sentence, clipped.
    """
    k = candidates or options.summary_sentences
    top = select(article.scores, article.vectors, k, article.eligible, options)
    summary = sentence_joiner(article.lang).join(
        article.sentences[i].span.text for i in top[: options.summary_sentences]
    )
    title = (article.title or "").strip()
    headline = title or clip(article.sentences[top[0]].span.text, options.headline_max_words)
    return top, summary, headline


def clip(sentence: str, max_words: int) -> str:
    """The sentence, cut after ``max_words`` words with an ellipsis."""
    words = sentence.split()
    return sentence if len(words) <= max_words else " ".join(words[:max_words]) + " …"


def is_content(sentence: str) -> bool:
    """Sentences worth a key point: at least four words (or 12 CJK characters)."""
    return len(_WORD.findall(sentence)) >= 4 or (len(sentence) >= 12 and not sentence.isascii())


def has_figure(span: Span, figures: Sequence[Figure]) -> bool:
    """Whether the sentence states any figure (an amount, a count, a quantity, a share)."""
    return any(span.start <= f.span.start < span.end for f in figures)


def has_amount(span: Span, figures: Sequence[Figure]) -> bool:
    """Whether the sentence states an amount of money or a percentage."""
    return any(
        f.kind in ("money", "percent") and span.start <= f.span.start < span.end for f in figures
    )


def word_overlap(claim: str, sentence: str) -> float:
    """Share of the claim's words that occur in the sentence (lexical support)."""
    words = [w.lower() for w in _WORD.findall(claim)]
    if not words:
        return 0.0
    source = {w.lower() for w in _WORD.findall(sentence)}
    return sum(w in source for w in words) / len(words)
