"""Point typing: which of the five types each sentence is.

* Without an LLM (``PointTyper.by_example``): the request classifier first, else the type of
  the most similar few-shot example (nearest neighbour among the non-request examples).
* With the LLM (``PointTyper.probabilities``): a constrained five-way choice read from one
  forward pass, calibrated against a content-free input, plus the two request detectors,
  which must agree (``models/summary/requests.py``).
* A statement or event whose substance is money or a percentage is a figure, and a sentence
  that states no figure at all is never one (both engines).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

import prompts
from models.config import SummarizerOptions
from models.embeddings import Embedder
from models.llm import LLM, FewShotLabels
from models.spans import Span
from models.summary.acts import Act
from models.summary.analysis import has_amount, has_figure
from models.summary.requests import ExampleRequestClassifier, LLMRequestClassifier
from models.summary.types import POINT_TYPES, PointType, Sentence
from models.text.figures import Figure, find_figures

# Below this cosine to its nearest few-shot example a sentence is a plain statement.
_NEAREST_MIN = 0.3
# The types the speech-act model decides where it is loaded.
_ACT_TYPES = ("request", "agreement")


class PointTyper:
    """Types sentences with the embedder's examples and, when loaded, the LLM."""

    def __init__(self, embedder: Embedder, llm: LLM | None, options: SummarizerOptions) -> None:
        self.embedder = embedder
        self.options = options
        self.requests_by_example = ExampleRequestClassifier(embedder)
        shots = prompts.examples("classify_examples")
        self._shot_labels = [as_type(label) for label, _ in shots if label != "request"]
        self._shot_vectors = embedder.encode([text for label, text in shots if label != "request"])
        self.llm = llm
        self.requests_by_llm = LLMRequestClassifier(llm) if llm is not None else None
        self.five_way = (
            FewShotLabels(
                llm,
                prompts.render("classify_system"),
                [(text, label) for label, text in shots],
                lambda text: prompts.render("classify_user", sentence=text),
                POINT_TYPES,
            )
            if llm is not None
            else None
        )

    def by_example(
        self,
        vectors: np.ndarray,
        sentences: Sequence[Sentence],
        figures: Sequence[Figure],
        acts: Sequence[Act | None] = (),
    ) -> list[tuple[PointType, float]]:
        """The extractive engine's type and confidence for each sentence (no LLM).

        Where the speech-act model decided a sentence (``acts``), it alone says request or
        agreement; the nearest example then only chooses among the other types.
        """
        p_request = self.requests_by_example.probabilities(vectors)
        sims = vectors @ self._shot_vectors.T
        out: list[tuple[PointType, float]] = []
        for s in sentences:
            act = acts[s.index] if acts else None
            if act is not None and (act.request or act.agreement):
                kind: PointType = "request" if act.request else "agreement"
                out.append((kind, act.p_request if act.request else act.p_agreement))
                continue
            p = float(p_request[s.index])
            if not acts and p >= self.options.request_threshold:
                out.append(("request", p))
                continue
            row = sims[s.index]
            best = int(row.argmax())
            label = self._shot_labels[best] if row[best] >= _NEAREST_MIN else "statement"
            if acts and label in _ACT_TYPES:
                label = "statement"
            out.append((settle_figure(label, s.span, figures), float(max(row[best], 0.0))))
        return out

    def standalone_by_example(self, texts: Sequence[str]) -> list[tuple[PointType, float]]:
        """``by_example`` for sentences that are not one article (each its own line)."""
        sentences, figures = as_document(texts)
        return self.by_example(self.embedder.encode(list(texts)), sentences, figures)

    def probabilities(
        self,
        texts: Sequence[str],
        *,
        request_scores: np.ndarray | None = None,
        vectors: np.ndarray | None = None,
        acts: Sequence[Act] | None = None,
    ) -> np.ndarray:
        """Type probabilities per sentence from the LLM (rows sum to 1; columns POINT_TYPES).

        A sentence is a request where both request detectors agree: the LLM's yes/no
        P(request) reaches ``llm_request_threshold`` and the embedding classifier's reaches
        ``request_threshold``. Its request column is then the mean of the two (the other
        types share the rest in their own proportions), and zero otherwise: the five-way
        label alone, or either detector alone, over-predicts requests (evaluation/README.md).
        ``request_scores`` (the LLM detector's outputs) and ``vectors`` (the sentences'
        embeddings) may be passed where the caller already has them. Raises ``ValueError``
        when no LLM is loaded.

        With ``acts`` (the speech-act model's decisions, one per text) those decide request
        and agreement instead, and the LLM's five-way label chooses among the other types:
        on the labelled dev set the speech-act model is the more precise (README).
        """
        if self.five_way is None or self.requests_by_llm is None or self.llm is None:
            raise ValueError("LLM typing needs the profile's LLM")
        if acts is not None:
            return self._with_acts(texts, acts)
        if vectors is None:
            vectors = self.embedder.encode(list(texts))
        by_example = self.requests_by_example.probabilities(vectors)
        passed = by_example >= self.options.request_threshold
        jobs = [self.five_way.job(texts)]
        if request_scores is None:
            # Both detectors must agree, so the LLM's yes/no is only asked where the
            # classifier already said yes; both scoring passes go to the LLM together.
            asked = [t for t, ok in zip(texts, passed, strict=True) if ok]
            if asked:
                jobs.append(self.requests_by_llm.scorer.job(asked))
        raw = self.llm.score_many(jobs)
        five_way = self.five_way.calibrate(raw[0])
        if request_scores is None:
            by_llm = np.zeros(len(texts))
            if len(raw) > 1:
                by_llm[passed] = self.requests_by_llm.scorer.calibrate(raw[1])[:, 0]
        else:
            by_llm = np.asarray(request_scores, dtype=np.float64)
        agree = (by_llm >= self.options.llm_request_threshold) & passed
        p_request = np.where(agree, (by_llm + by_example) / 2, 0.0)
        rest = five_way[:, 1:]
        rest = rest / np.maximum(rest.sum(axis=1, keepdims=True), 1e-9)
        return np.column_stack([p_request, rest * (1 - p_request)[:, None]])

    def _with_acts(self, texts: Sequence[str], acts: Sequence[Act]) -> np.ndarray:
        assert self.five_way is not None and self.llm is not None
        five_way = self.five_way.calibrate(self.llm.score_many([self.five_way.job(texts)])[0])
        agreement = POINT_TYPES.index("agreement")
        out = np.zeros_like(five_way)
        for row, act in enumerate(acts):
            # A decided row holds the model's probability alone, so ``llm_type`` reads the
            # type and the priority bonus scales with the confidence.
            if act.request:
                out[row, 0] = act.p_request
            elif act.agreement:
                out[row, agreement] = act.p_agreement
            else:
                rest = five_way[row].copy()
                rest[[0, agreement]] = 0.0
                out[row] = rest / max(float(rest.sum()), 1e-9)
        return out

    def llm_request_scores(self, texts: Sequence[str]) -> np.ndarray:
        """The LLM request detector's calibrated P(request) alone. Raises ``ValueError``."""
        if self.requests_by_llm is None:
            raise ValueError("the LLM request detector needs the profile's LLM")
        return self.requests_by_llm.probabilities(texts)


def llm_type(row: np.ndarray, *, figure: bool = True) -> PointType:
    """The type of a row of ``PointTyper.probabilities``: a request wherever the request
    detectors passed their thresholds (non-zero request column), else the likeliest other
    (of the types but ``figure`` when ``figure`` is false)."""
    if row[0] > 0:
        return "request"
    rest = np.asarray(row[1:], dtype=np.float64).copy()
    if not figure:
        rest[POINT_TYPES.index("figure") - 1] = -np.inf
    return POINT_TYPES[1 + int(np.argmax(rest))]


def sentence_type(row: np.ndarray, span: Span, figures: Sequence[Figure]) -> PointType:
    """The LLM engine's type of the sentence at ``span`` from its probability row: a figure
    only if it states one (else the likeliest other type), and a statement or event that
    states money or a percentage is a figure."""
    return settle_figure(llm_type(row, figure=has_figure(span, figures)), span, figures)


def as_type(label: str) -> PointType:
    """``label`` as a point type. Raises ``ValueError`` for an unknown one."""
    for kind in POINT_TYPES:
        if label == kind:
            return kind
    raise ValueError(f"unknown key point type {label!r}")


def settle_figure(label: PointType, span: Span, figures: Sequence[Figure]) -> PointType:
    """A statement or event whose substance is money or a percentage is a figure; a figure
    whose sentence states no figure at all is a statement."""
    if label in ("statement", "event") and has_amount(span, figures):
        return "figure"
    if label == "figure" and not has_figure(span, figures):
        return "statement"
    return label


def as_document(texts: Sequence[str]) -> tuple[list[Sentence], list[Figure]]:
    """Sentences laid end to end (one per line) as article sentences, and their figures."""
    sentences: list[Sentence] = []
    offset = 0
    for i, t in enumerate(texts):
        sentences.append(Sentence(Span(offset, offset + len(t), t), i))
        offset += len(t) + 1
    return sentences, find_figures("\n".join(texts))
