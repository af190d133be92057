"""Grounding: an LLM-written claim is kept only where the article supports it.

A claim is supported when it aligns with a source sentence (embedding cosine at least
``ground_threshold``, or at least ``lexical_ground_threshold`` of its words occur in that
sentence) and keeps that sentence's facts: no number, name or negation of its own
(``models/text/fidelity.py``). The aligned sentence (and a neighbour that aligns nearly as
well, for a claim that merges two) becomes the evidence. A key point's rewrite must restate
its own sentence (``anchor``), not whichever sentence it happens to resemble most. Where
the English parse is loaded, a rewrite must not give an act an agent the source does not
name (``models/summary/roles.py``).
"""

from __future__ import annotations

from dataclasses import dataclass

from models.config import SummarizerOptions
from models.embeddings import Embedder
from models.spans import Span
from models.summary.analysis import word_overlap
from models.summary.roles import RoleCheck
from models.summary.types import Article
from models.text.fidelity import rewrite_changes
from models.text.invisible import fold

# A neighbour sentence is cited too when its cosine is within this of the best one's.
_NEIGHBOUR_MARGIN = 0.05


@dataclass(frozen=True)
class Grounded:
    """A supported claim and the sentence spans that support it, in article order."""

    text: str
    evidence: tuple[Span, ...]


@dataclass(frozen=True)
class Rejected:
    """Why a claim was not grounded: ``"unaligned"`` or the fact it changed."""

    reason: str


class Grounder:
    """Aligns claims to the article's sentences with the article's own embeddings."""

    def __init__(
        self, embedder: Embedder, options: SummarizerOptions, roles: RoleCheck | None = None
    ) -> None:
        self.embedder = embedder
        self.options = options
        self.roles = roles

    def ground(
        self, claim: str, article: Article, anchor: int | None = None
    ) -> Grounded | Rejected:
        """The claim and its evidence, or why the article does not support it.

        With ``anchor`` (a sentence index) the claim must align with that sentence.
        """
        claim = claim.strip()
        if not claim:
            return Rejected("unaligned")
        sentences = article.sentences
        sims = article.vectors @ self.embedder.encode([claim])[0]
        best = int(sims.argmax()) if anchor is None else anchor
        # Soft hyphens and zero-width characters in the article do not change its words.
        lexical = word_overlap(fold(claim).text, fold(sentences[best].span.text).text)
        if (
            sims[best] < self.options.ground_threshold
            and lexical < self.options.lexical_ground_threshold
        ):
            return Rejected("unaligned")
        evidence = [sentences[best].span]
        for j in (best - 1, best + 1):
            if 0 <= j < len(sentences) and sims[j] >= max(
                self.options.ground_threshold, sims[best] - _NEIGHBOUR_MARGIN
            ):
                evidence.append(sentences[j].span)
        source = " ".join(e.text for e in evidence)
        changed = rewrite_changes(claim, source, article.lang)
        if changed is not None:
            return Rejected(changed)
        if self.roles is not None and self.roles.invented_agent(claim, source, article.lang):
            return Rejected("agent")
        if self.roles is not None and self.roles.cut_short(claim, source, article.lang):
            return Rejected("truncated")
        return Grounded(claim, tuple(sorted(evidence, key=lambda s: s.start)))
