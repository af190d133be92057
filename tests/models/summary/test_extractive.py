"""The extractive engine's key point selection: the kinds of point it always lists."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import numpy as np

from models.config import SummarizerOptions
from models.spans import Span
from models.summary.acts import Act
from models.summary.analysis import rank
from models.summary.extractive import ExtractiveEngine
from models.summary.labels import PointTyper
from models.summary.types import Article, Sentence

DIM = 16


class HashEmbedder:
    """Deterministic unit vectors from a hash of the text (the selection under test reads
    vectors only through cosines; which sentence is an agreement comes from ``acts``)."""

    def encode(self, texts: Sequence[str], *, batch_size: int = 32) -> np.ndarray:  # noqa: ARG002
        rows = [
            np.random.default_rng(int(hashlib.sha256(t.encode()).hexdigest()[:8], 16)).normal(
                size=DIM
            )
            for t in texts
        ]
        vectors = np.asarray(rows, dtype=np.float32).reshape(len(texts), DIM)
        unit: np.ndarray = vectors / np.linalg.norm(vectors, axis=1, keepdims=True).clip(1e-9)
        return unit


def _article(texts: list[str], acts: list[Act | None], embedder: HashEmbedder) -> Article:
    sentences, offset = [], 0
    for i, t in enumerate(texts):
        sentences.append(Sentence(Span(offset, offset + len(t), t), i))
        offset += len(t) + 1
    vectors = embedder.encode(texts)
    # Importance falls with position, so the last sentence is never among the top two.
    scores = np.linspace(1.0, 0.0, len(texts))
    return Article(
        text=" ".join(texts),
        title=None,
        lang="en",
        dateline=None,
        sentences=tuple(sentences),
        vectors=vectors,
        scores=rank(vectors, 1.0),
        point_scores=scores,
        figures=(),
        eligible=tuple(range(len(texts))),
        acts=tuple(acts),
    )


def test_the_likeliest_agreement_is_listed_even_when_it_ranks_last() -> None:
    texts = [
        "The harbour authority opened a new ferry terminal on Monday morning.",
        "Passengers waited for hours as the first crossings were delayed by fog.",
        "The terminal has twelve gates and a car park for several hundred vehicles.",
        "Local shops reported more customers than on an ordinary weekday.",
        "The operators signed an agreement to share the new berths next year.",
    ]
    agreement = Act(0.05, 0.9, request=False, agreement=True, actor="The operators", target=None)
    acts: list[Act | None] = [None, None, None, None, agreement]
    embedder = HashEmbedder()
    options = SummarizerOptions()
    engine = ExtractiveEngine(PointTyper(embedder, None, options), options, model_id="hash")
    draft = engine.draft(_article(texts, acts, embedder), max_key_points=2)
    kinds = [(p.type, p.text) for p in draft.key_points]
    assert ("agreement", texts[-1]) in kinds, kinds
    assert draft.key_points[-1].actor == "The operators"
    # Without a request, agreement or amount the lead sentences fill the points.
    plain = engine.draft(_article(texts, [None] * 5, embedder), max_key_points=2)
    assert [p.text for p in plain.key_points] == texts[:2]
