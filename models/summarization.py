"""Structured summaries: headline, summary, typed key points with evidence, figures, dateline.

Two engines share one pipeline:

* ``extractive`` ranks sentences by centrality (cosine to the document centroid) plus a
  position prior (news puts key facts first), and picks key points with maximal marginal
  relevance so near-duplicates are not repeated. It always works offline.
* ``llm`` adds what a small model does reliably: a constrained choice of type per sentence
  (label probabilities from one forward pass, calibrated against a content-free input), then
  schema-constrained actor/target/point for the selected sentences only, and a headline and
  summary. Every LLM output is grounded: a point is aligned back to the source sentences with
  the embedding model and its numbers must occur in the source; what fails is replaced by the
  extractive text and reported in ``warnings``.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np

import prompts
from models.embeddings import Embedder
from models.errors import GenerationFailed, ModelUnavailable
from models.figures import Dateline, Figure, find_dateline, find_figures, numbers_supported
from models.langdetect import LanguageDetector
from models.languages import language_name
from models.llm import CausalLM, FewShotLabels
from models.requests import ExampleRequestClassifier, LLMRequestClassifier
from models.segmentation import sentence_joiner, split_sentences
from models.spans import Span
from models.translation import TranslationService

log = logging.getLogger(__name__)

PointType = Literal["request", "agreement", "statement", "event", "figure"]
# "request" comes first: type_probabilities() and llm_type() rely on its column being 0.
POINT_TYPES: tuple[PointType, ...] = ("request", "agreement", "statement", "event", "figure")
Engine = Literal["auto", "llm", "extractive"]
# Pronouns are never an acceptable actor or target: the point must name the party.
_PRONOUNS = frozenset(
    [
        "he",
        "she",
        "it",
        "they",
        "we",
        "i",
        "you",
        "him",
        "her",
        "them",
        "us",
        "this",
        "that",
        "these",
        "those",
        "он",
        "она",
        "оно",
        "они",
        "мы",
        "вы",
        "я",
        "его",
        "её",
        "их",
        "ол",
        "олар",
        "біз",
        "сіз",
        "мен",
        "他",
        "她",
        "它",
        "他们",
        "她们",
        "我们",
        "你们",
    ]
)
_ARTICLE = re.compile(r"^(the|a|an)\s+", re.IGNORECASE)
# An adverbial opener ("During the meeting", "At the same time") is not a party.
_NOT_A_PARTY = re.compile(
    r"^(during|at|in|on|after|before|according|since|while|when|as|if|for|with|by|today|"
    r"yesterday|tomorrow|now|currently|meanwhile|also|however|"
    r"в|во|на|по|при|после|до|согласно|кезінде|бойынша)\b",
    re.IGNORECASE,
)
_WORD = re.compile(r"\w+", re.UNICODE)
# Longest sentence the LLM may write into the summary list (longer ones are cut by the schema).
SUMMARY_ITEM_CHARS = 320


@dataclass(frozen=True)
class SummarizerOptions:
    """Tuning knobs, documented in the README; defaults measured on CNN/DM and the seed."""

    # Tuned with `make eval` on the 250 CNN/DM items (evaluation/README.md): 0.85 puts the
    # summary at ROUGE-1 41.5 / ROUGE-2 19.1 against Lead-3's 41.2 / 18.9; key points keep a
    # weaker lead prior (0.5: reference-point coverage 61.6% vs 59.0% at 0.2).
    position_weight: float = 0.85
    keypoint_position_weight: float = 0.5
    redundancy_threshold: float = 0.85
    mmr_lambda: float = 0.7
    summary_sentences: int = 3
    chunk_tokens: int = 768
    ground_threshold: float = 0.55
    lexical_ground_threshold: float = 0.5
    request_bonus: float = 0.6
    # P(request) at or above which a sentence is typed a request (models/requests.py): the
    # embedding classifier's alone (extractive engine), both detectors' (LLM engine). Tuned on
    # evaluation/request_devset.jsonl; evaluation/README.md has the sweep.
    request_threshold: float = 0.7
    llm_request_threshold: float = 0.7
    agreement_bonus: float = 0.35
    figure_bonus: float = 0.3
    headline_max_words: int = 18


@dataclass(frozen=True)
class KeyPoint:
    """One key point and where it comes from."""

    text: str
    type: PointType
    actor: str | None
    target: str | None
    evidence: list[Span]
    confidence: float


@dataclass(frozen=True)
class SummaryTranslation:
    """Headline, summary and key point texts in one target language."""

    lang: str
    headline: str
    summary: str
    key_points: list[str]


@dataclass
class StructuredSummary:
    """Everything ``/summarize`` returns, as plain data."""

    headline: str
    summary: str
    source_lang: str
    source_confidence: float
    key_points: list[KeyPoint]
    figures: list[Figure]
    dateline: Dateline | None
    engine: str
    chunks: int
    models: list[str]
    translations: list[SummaryTranslation] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    timings_ms: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class _Sentence:
    span: Span
    index: int


@dataclass(frozen=True)
class _Article:
    """An article after analysis: what both engines work from."""

    text: str
    title: str | None
    lang: str
    sentences: list[_Sentence]
    vectors: np.ndarray
    scores: np.ndarray  # importance for the summary (stronger lead prior)
    point_scores: np.ndarray  # importance for key points (weaker lead prior)
    figures: list[Figure]

    @property
    def eligible(self) -> list[int]:
        """Sentences long enough to be a key point (the first one if none is)."""
        return [s.index for s in self.sentences if _is_content(s.span.text)] or [0]


class Summarizer:
    """Builds structured summaries with the profile's embedder and (optional) LLM."""

    def __init__(
        self,
        embedder: Embedder,
        detector: LanguageDetector,
        *,
        llm: CausalLM | None,
        translation: TranslationService | None,
        model_ids: dict[str, str],
        options: SummarizerOptions | None = None,
    ) -> None:
        self.embedder = embedder
        self.detector = detector
        self.llm = llm
        self.translation = translation
        self.model_ids = model_ids
        self.options = options or SummarizerOptions()
        self.requests_by_example = ExampleRequestClassifier(embedder)
        # Extractive typing of the other kinds: nearest non-request few-shot example.
        shots = [(label, text) for label, text in prompts.examples("classify_examples")]
        self._shot_labels = [_as_type(label) for label, _ in shots if label != "request"]
        self._shot_vectors = embedder.encode([text for label, text in shots if label != "request"])
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

    # ----------------------------------------------------------------- public entry point

    def summarize(
        self,
        text: str,
        *,
        title: str | None = None,
        max_key_points: int = 7,
        engine: Engine = "auto",
        source_lang: str = "auto",
        target_langs: Sequence[str] = (),
    ) -> StructuredSummary:
        """Summarise ``text``; returns a ``StructuredSummary``.

        Raises ``UnsupportedLanguage`` (source), ``ModelUnavailable`` (``engine="llm"`` with
        no LLM loaded, or no translation model for a target) or ``GenerationFailed``.
        """
        timings: dict[str, float] = {}
        clock = time.perf_counter()
        detection = self.detector.resolve(text, source_lang)
        lang = detection.lang
        dateline = find_dateline(text)
        body_start = dateline.span.end if dateline else 0
        sentences = [
            _Sentence(Span(s.start + body_start, s.end + body_start, s.text), i)
            for i, s in enumerate(split_sentences(text[body_start:], lang))
        ]
        if not sentences:
            raise GenerationFailed("the text has no sentences to summarise", param="text")
        figures = [f for f in find_figures(text) if f.span.start >= body_start]
        vectors = self.embedder.encode([s.span.text for s in sentences])
        scores = self._rank(vectors, self.options.position_weight)
        # Key points should cover the whole article, so the lead prior weighs less for them.
        point_scores = self._rank(vectors, self.options.keypoint_position_weight)
        timings["analyse"] = _ms(clock)
        article = _Article(text, title, lang, sentences, vectors, scores, point_scores, figures)

        if engine == "llm" and self.llm is None:
            raise ModelUnavailable(model="llm", reason="the loaded profile has no LLM")
        use_llm = engine == "llm" or (engine == "auto" and self.llm is not None)
        warnings: list[str] = []
        result: StructuredSummary | None = None
        if use_llm:
            try:
                result = self._llm_summary(article, max_key_points, warnings, timings)
            except (GenerationFailed, RuntimeError, ValueError) as exc:
                log.exception("LLM summary failed; falling back to extractive")
                warnings.append(
                    f"LLM engine failed ({type(exc).__name__}); extractive used instead"
                )
        if result is None:
            result = self._extractive_summary(article, max_key_points, timings)
        result.source_lang = lang
        result.source_confidence = detection.confidence
        result.dateline = dateline
        result.warnings = warnings + result.warnings
        if target_langs:
            clock = time.perf_counter()
            result.translations = self._translate(result, lang, target_langs)
            timings["translate"] = _ms(clock)
        result.timings_ms = timings
        return result

    # ----------------------------------------------------------------- ranking (extractive)

    def _rank(self, vectors: np.ndarray, w: float) -> np.ndarray:
        """Importance per sentence in ``[0, 1]``: centrality blended with a lead prior."""
        n = len(vectors)
        centroid = vectors.mean(axis=0)
        norm = float(np.linalg.norm(centroid)) or 1.0
        centrality = vectors @ (centroid / norm)
        spread = float(centrality.max() - centrality.min())
        centrality = (centrality - centrality.min()) / spread if spread > 1e-9 else np.ones(n)
        position = 1.0 / np.sqrt(1.0 + np.arange(n))
        return np.asarray((1 - w) * centrality + w * position, dtype=np.float64)

    def _select(
        self,
        priority: np.ndarray,
        vectors: np.ndarray,
        k: int,
        eligible: Sequence[int],
        *,
        required: Sequence[int] = (),
    ) -> list[int]:
        """Maximal marginal relevance: important, and unlike what is already chosen.

        ``required`` sentences (the best of each kind of point the article has) are taken
        first, so that a request or an amount is not crowded out by the lead.
        """
        chosen: list[int] = list(dict.fromkeys(required))[:k]
        pool = [i for i in eligible if i not in chosen]
        lam = self.options.mmr_lambda
        while pool and len(chosen) < k:
            best, best_value = -1, -np.inf
            for i in pool:
                overlap = max((float(vectors[i] @ vectors[j]) for j in chosen), default=0.0)
                if overlap >= self.options.redundancy_threshold:
                    continue
                value = lam * float(priority[i]) - (1 - lam) * overlap
                if value > best_value:
                    best, best_value = i, value
            if best < 0:
                break
            chosen.append(best)
            pool.remove(best)
        return sorted(chosen)

    def _extractive_summary(
        self, article: _Article, max_key_points: int, timings: dict[str, float]
    ) -> StructuredSummary:
        clock = time.perf_counter()
        sentences, vectors, figures = article.sentences, article.vectors, article.figures
        title, lang, eligible = article.title, article.lang, article.eligible
        scores, point_scores = article.scores, article.point_scores
        types = self._types_by_example(vectors, sentences, figures)
        # The likeliest request and the most important amount are always listed.
        required: list[int] = []
        requests = [i for i in eligible if types[i][0] == "request"]
        if requests:
            required.append(max(requests, key=lambda i: types[i][1]))
        amounts = [i for i in eligible if _has_amount(sentences[i].span, figures)]
        if amounts:
            required.append(max(amounts, key=lambda i: point_scores[i]))
        picked = self._select(point_scores, vectors, max_key_points, eligible, required=required)
        points = [
            KeyPoint(
                text=sentences[i].span.text,
                type=types[i][0],
                actor=None,
                target=None,
                evidence=[sentences[i].span],
                confidence=round(types[i][1], 3),
            )
            for i in picked
        ]
        summary_ids = self._select(scores, vectors, self.options.summary_sentences, eligible)
        summary = sentence_joiner(lang).join(sentences[i].span.text for i in summary_ids)
        headline = (
            title.strip()
            if title and title.strip()
            else self._clip(sentences[summary_ids[0]].span.text)
        )
        timings["extractive"] = _ms(clock)
        return StructuredSummary(
            headline=headline,
            summary=summary,
            source_lang=lang,
            source_confidence=1.0,
            key_points=points,
            figures=figures,
            dateline=None,
            engine="extractive",
            chunks=1,
            models=[self.model_ids["embeddings"]],
        )

    def _types_by_example(
        self, vectors: np.ndarray, sentences: list[_Sentence], figures: list[Figure]
    ) -> list[tuple[PointType, float]]:
        """Without an LLM: the request classifier first, else the most similar few-shot
        example's type (nearest neighbour among the non-request examples)."""
        p_request = self.requests_by_example.probabilities(vectors)
        labels = self._shot_labels
        sims = vectors @ self._shot_vectors.T
        out: list[tuple[PointType, float]] = []
        for s in sentences:
            p = float(p_request[s.index])
            if p >= self.options.request_threshold:
                out.append(("request", p))
                continue
            row = sims[s.index]
            best = int(row.argmax())
            label = labels[best] if row[best] >= 0.3 else "statement"
            out.append((_figure_override(label, s.span, figures), float(max(row[best], 0.0))))
        return out

    def _clip(self, sentence: str) -> str:
        words = sentence.split()
        limit = self.options.headline_max_words
        return sentence if len(words) <= limit else " ".join(words[:limit]) + " …"

    # ----------------------------------------------------------------- LLM engine

    def _llm_summary(
        self,
        article: _Article,
        max_key_points: int,
        warnings: list[str],
        timings: dict[str, float],
    ) -> StructuredSummary:
        assert self.llm is not None
        llm = self.llm
        text, sentences, vectors = article.text, article.sentences, article.vectors
        figures, eligible = article.figures, article.eligible
        clock = time.perf_counter()
        chunks = self._chunks(sentences)
        # Each sentence is scored on its own, so one call covers every chunk: one round trip
        # through the batcher keeps concurrent requests in step (they share each batch).
        probs = self.type_probabilities([s.span.text for s in sentences], vectors=vectors)
        timings["llm_types"] = _ms(clock)

        types: list[PointType] = []
        priority = article.point_scores.copy()
        for s in sentences:
            label = _figure_override(llm_type(probs[s.index]), s.span, figures)
            types.append(label)
            p = float(probs[s.index].max())
            if label == "request":
                priority[s.index] += self.options.request_bonus * p
            elif label == "agreement":
                priority[s.index] += self.options.agreement_bonus * p
            if _has_amount(s.span, figures):
                priority[s.index] += self.options.figure_bonus
        picked = self._select(
            priority,
            vectors,
            max_key_points,
            eligible,
            required=self._required(types, probs, priority, eligible, sentences, figures),
        )

        clock = time.perf_counter()
        schema = _keypoint_schema()
        shots = prompts.examples("keypoint_examples")
        messages_prefix: list[dict[str, str]] = [
            {"role": "system", "content": prompts.render("keypoint_system")}
        ]
        for sample, reply in shots:
            messages_prefix += [
                {"role": "user", "content": prompts.render("keypoint_user", sentence=sample)},
                {"role": "assistant", "content": reply},
            ]
        chats = [
            llm.chat(
                [
                    *messages_prefix,
                    {
                        "role": "user",
                        "content": prompts.render("keypoint_user", sentence=sentences[i].span.text),
                    },
                ]
            )
            for i in picked
        ]
        answers = llm.generate_json(
            chats, schema=schema, max_new_tokens=120, prefix=llm.chat_prefix(messages_prefix)
        )
        timings["llm_points"] = _ms(clock)

        points: list[KeyPoint] = []
        for n, (i, answer) in enumerate(zip(picked, answers, strict=True), start=1):
            sentence = sentences[i]
            point_text, evidence = sentence.span.text, [sentence.span]
            actor = target = None
            if answer is None:
                warnings.append(
                    f"key point {n}: the LLM answer did not complete; source sentence used"
                )
            else:
                actor = self._party(answer.get("actor"), text, f"key point {n} actor", warnings)
                # A figure states an amount; it is not directed at anyone.
                if types[i] != "figure":
                    target = self._party(
                        answer.get("target"), text, f"key point {n} target", warnings
                    )
                grounded = self._ground(str(answer.get("point", "")), text, sentences, vectors)
                if grounded is None:
                    warnings.append(
                        f"key point {n}: the LLM's wording was not supported by the source "
                        "(no matching sentence or a number not in the article) and was dropped; "
                        "source sentence used"
                    )
                else:
                    point_text, evidence = grounded
            points.append(
                KeyPoint(
                    text=point_text,
                    type=types[i],
                    actor=actor,
                    target=target,
                    evidence=evidence,
                    confidence=round(float(probs[i].max()), 3),
                )
            )

        clock = time.perf_counter()
        headline, summary = self._llm_headline(article, warnings)
        timings["llm_headline"] = _ms(clock)
        return StructuredSummary(
            headline=headline,
            summary=summary,
            source_lang=article.lang,
            source_confidence=1.0,
            key_points=points,
            figures=figures,
            dateline=None,
            engine="llm",
            chunks=len(chunks),
            models=[self.model_ids["llm"], self.model_ids["embeddings"]],
        )

    def _required(
        self,
        types: list[PointType],
        probs: np.ndarray,
        priority: np.ndarray,
        eligible: list[int],
        sentences: list[_Sentence],
        figures: list[Figure],
    ) -> list[int]:
        """The most likely request, agreement and amount sentence, where the article has one."""
        required: list[int] = []
        for kind in ("request", "agreement"):
            column = POINT_TYPES.index(kind)
            found = [i for i in eligible if types[i] == kind]
            if found:
                required.append(max(found, key=lambda i: probs[i, column]))
        amounts = [i for i in eligible if _has_amount(sentences[i].span, figures)]
        if amounts:
            required.append(max(amounts, key=lambda i: priority[i]))
        return required

    def _chunks(self, sentences: list[_Sentence]) -> list[list[int]]:
        """Consecutive sentence groups of at most ``chunk_tokens`` LLM tokens each."""
        assert self.llm is not None
        chunks: list[list[int]] = [[]]
        used = 0
        for s in sentences:
            cost = self.llm.count_tokens(s.span.text)
            if chunks[-1] and used + cost > self.options.chunk_tokens:
                chunks.append([])
                used = 0
            chunks[-1].append(s.index)
            used += cost
        return chunks

    def type_probabilities(
        self,
        texts: list[str],
        *,
        request_scores: np.ndarray | None = None,
        vectors: np.ndarray | None = None,
    ) -> np.ndarray:
        """Type probabilities per sentence from the LLM (rows sum to 1; columns POINT_TYPES).

        A sentence is a request where both request detectors agree: the LLM's yes/no
        P(request) reaches ``llm_request_threshold`` and the embedding classifier's reaches
        ``request_threshold``. Its request column is then the mean of the two (the other
        types share the rest in their own proportions), and zero otherwise: the five-way
        label alone, or either detector alone, over-predicts requests (evaluation/README.md).
        ``request_scores`` (the LLM detector's outputs) and ``vectors`` (the sentences'
        embeddings) may be passed where the caller already has them.
        """
        assert self.five_way is not None and self.requests_by_llm is not None
        five_way = self.five_way.probabilities(texts)
        by_llm = (
            self.requests_by_llm.probabilities(texts) if request_scores is None else request_scores
        )
        if vectors is None:
            vectors = self.embedder.encode(texts)
        by_example = self.requests_by_example.probabilities(vectors)
        agree = (by_llm >= self.options.llm_request_threshold) & (
            by_example >= self.options.request_threshold
        )
        p_request = np.where(agree, (by_llm + by_example) / 2, 0.0)
        rest = five_way[:, 1:]
        rest = rest / np.maximum(rest.sum(axis=1, keepdims=True), 1e-9)
        return np.column_stack([p_request, rest * (1 - p_request)[:, None]])

    def _ground(
        self, claim: str, text: str, sentences: list[_Sentence], vectors: np.ndarray
    ) -> tuple[str, list[Span]] | None:
        """The claim and its supporting sentence span(s), or ``None`` when unsupported."""
        claim = claim.strip()
        if not claim or not numbers_supported(claim, text):
            return None
        sims = vectors @ self.embedder.encode([claim])[0]
        best = int(sims.argmax())
        lexical = _overlap(claim, sentences[best].span.text)
        if (
            sims[best] < self.options.ground_threshold
            and lexical < self.options.lexical_ground_threshold
        ):
            return None
        evidence = [sentences[best].span]
        # A claim that merges two adjacent sentences cites both.
        for j in (best - 1, best + 1):
            if 0 <= j < len(sentences) and sims[j] >= max(
                self.options.ground_threshold, sims[best] - 0.05
            ):
                evidence.append(sentences[j].span)
        return claim, sorted(evidence, key=lambda s: s.start)

    def _party(self, value: Any, text: str, label: str, warnings: list[str]) -> str | None:
        """A named party from the LLM, kept only if the article names it (no pronouns)."""
        if not isinstance(value, str):
            return None
        name = value.strip().strip(".,;:\"'")
        if not name:
            return None
        if name.lower() in _PRONOUNS:
            warnings.append(f"{label}: pronoun {name!r} rejected")
            return None
        if _NOT_A_PARTY.match(name) or any(c.isdigit() for c in name):
            # an adverbial opener ("During the meeting") or a figure ("51 projects") is not
            # a party
            return None
        bare = _ARTICLE.sub("", name)
        if bare.lower() not in text.lower():
            warnings.append(f"{label}: {name!r} does not occur in the article and was dropped")
            return None
        return bare[0].upper() + bare[1:] if bare else None

    def _llm_headline(self, article: _Article, warnings: list[str]) -> tuple[str, str]:
        """LLM headline and summary, grounded; the extractive ones where grounding fails."""
        assert self.llm is not None
        text, title, lang, sentences = article.text, article.title, article.lang, article.sentences
        vectors, scores, eligible = article.vectors, article.scores, article.eligible
        top = self._select(scores, vectors, max(self.options.summary_sentences + 2, 5), eligible)
        extractive_summary = sentence_joiner(lang).join(
            sentences[i].span.text for i in top[: self.options.summary_sentences]
        )
        extractive_headline = (
            title.strip() if title and title.strip() else self._clip(sentences[top[0]].span.text)
        )
        chat = self.llm.chat(
            [
                {
                    "role": "system",
                    "content": prompts.render("headline_system", language=language_name(lang)),
                },
                {
                    "role": "user",
                    "content": prompts.render(
                        "headline_user",
                        title=title or "(none)",
                        sentences="\n".join(f"- {sentences[i].span.text}" for i in top),
                    ),
                },
            ]
        )
        answer = self.llm.generate_json([chat], schema=_headline_schema(), max_new_tokens=320)[0]
        if answer is None:
            warnings.append(
                "headline: the LLM answer did not complete; extractive headline and summary used"
            )
            return extractive_headline, extractive_summary
        headline = str(answer.get("headline", "")).strip()
        if title and title.strip():
            headline = title.strip()
        elif not headline or not numbers_supported(headline, text):
            warnings.append(
                "headline: the LLM headline was not supported by the source; extractive used"
            )
            headline = extractive_headline
        # The schema makes the summary a list of 2-4 items; an item may still hold more than
        # one sentence, so the count is checked on the segmented text.
        items = answer.get("summary", [])
        items = [str(x).strip() for x in items] if isinstance(items, list) else [str(items)]
        # An item that reached the schema's length limit was cut off mid-sentence.
        cut = [x for x in items if len(x) >= SUMMARY_ITEM_CHARS]
        if cut:
            warnings.append(f"summary: {len(cut)} LLM sentence(s) cut at the length limit dropped")
        summary = sentence_joiner(lang).join(x for x in items if x and x not in cut)
        parts = [s.text for s in split_sentences(summary, lang)] if summary else []
        if not 2 <= len(parts) <= 4:
            warnings.append(
                f"summary: the LLM wrote {len(parts)} sentence(s), not 2-4; extractive used"
            )
            summary = extractive_summary
        elif not all(self._ground(p, text, sentences, vectors) for p in parts):
            warnings.append(
                "summary: the LLM summary was not supported by the source; extractive used"
            )
            summary = extractive_summary
        return headline, summary

    # ----------------------------------------------------------------- translations

    def _translate(
        self, result: StructuredSummary, lang: str, target_langs: Sequence[str]
    ) -> list[SummaryTranslation]:
        if self.translation is None:
            raise ModelUnavailable(
                model="translation", reason="the loaded profile has no translator"
            )
        texts = [result.headline, result.summary, *[p.text for p in result.key_points]]
        out: list[SummaryTranslation] = []
        for target in target_langs:
            translated = self.translation.translate(texts, target_lang=target, source_lang=lang)
            t = translated.translations
            out.append(SummaryTranslation(target, t[0], t[1], t[2:]))
            for model in translated.models:
                if model not in result.models:
                    result.models.append(model)
        return out


def _ms(start: float) -> float:
    return round((time.perf_counter() - start) * 1000, 1)


def _is_content(sentence: str) -> bool:
    """Sentences worth a key point: at least four words (or 12 CJK characters)."""
    return len(_WORD.findall(sentence)) >= 4 or (len(sentence) >= 12 and not sentence.isascii())


def llm_type(row: np.ndarray) -> PointType:
    """The type of a row of ``Summarizer.type_probabilities``: a request wherever the request
    detector passed its threshold (non-zero request column), else the likeliest other type."""
    if row[0] > 0:
        return "request"
    return POINT_TYPES[1 + int(np.argmax(row[1:]))]


def _as_type(label: str) -> PointType:
    if label not in POINT_TYPES:
        raise ValueError(f"unknown key point type {label!r}")
    return label


def _has_amount(span: Span, figures: list[Figure]) -> bool:
    """Whether the sentence states an amount of money or a percentage."""
    return any(
        f.kind in ("money", "percent") and span.start <= f.span.start < span.end for f in figures
    )


def _figure_override(label: PointType, span: Span, figures: list[Figure]) -> PointType:
    """A statement or event whose substance is money or a percentage is a figure."""
    if label in ("statement", "event") and _has_amount(span, figures):
        return "figure"
    return label


def _overlap(claim: str, sentence: str) -> float:
    """Share of the claim's words that occur in the sentence (lexical support)."""
    words = [w.lower() for w in _WORD.findall(claim)]
    if not words:
        return 0.0
    source = {w.lower() for w in _WORD.findall(sentence)}
    return sum(w in source for w in words) / len(words)


def _keypoint_schema() -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {
            "actor": {"type": "string", "maxLength": 60},
            "target": {"type": "string", "maxLength": 60},
            "point": {"type": "string", "minLength": 10, "maxLength": 240},
        },
        "required": ["actor", "target", "point"],
        "additionalProperties": False,
    }


def _headline_schema() -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {
            "headline": {"type": "string", "minLength": 10, "maxLength": 140},
            "summary": {
                "type": "array",
                "items": {"type": "string", "minLength": 20, "maxLength": SUMMARY_ITEM_CHARS},
                "minItems": 2,
                "maxItems": 4,
            },
        },
        "required": ["headline", "summary"],
        "additionalProperties": False,
    }
