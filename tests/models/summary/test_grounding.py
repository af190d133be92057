"""Grounding of LLM rewrites: anchored to their sentence, and faithful to its facts."""

from __future__ import annotations

from fastapi.testclient import TestClient
from helpers import engines_of

from models.config import SummarizerOptions
from models.summary.analysis import analyse
from models.summary.grounding import Grounded, Grounder, Rejected
from models.summary.types import Article

ARTICLE = (
    "The regional council met in the capital on Monday. "
    "The farmers' union asked the Ministry of Agriculture to raise grain prices by 8%. "
    "The ministry said it would not change the prices before the harvest. "
    "Officials expect 12 new storage sites to open this year."
)


def _grounder(client: TestClient) -> tuple[Grounder, Article]:
    embedder = engines_of(client).summarizer.embedder
    # Lexical support only: the tiny random-weight embedder's cosines mean nothing.
    options = SummarizerOptions(ground_threshold=1.01)
    article = analyse(ARTICLE, title=None, lang="en", embedder=embedder, options=options)
    return Grounder(embedder, options), article


def test_faithful_rewrite_is_grounded_on_its_own_sentence(client: TestClient) -> None:
    grounder, article = _grounder(client)
    claim = "The farmers' union asked the Ministry of Agriculture to raise grain prices 8%."
    result = grounder.ground(claim, article, anchor=1)
    assert isinstance(result, Grounded)
    assert result.evidence[0].text == article.sentences[1].span.text


def test_rewrite_of_another_sentence_is_not_grounded_on_the_anchor(client: TestClient) -> None:
    grounder, article = _grounder(client)
    claim = "Officials expect 12 new storage sites to open this year."
    assert isinstance(grounder.ground(claim, article), Grounded)
    assert grounder.ground(claim, article, anchor=1) == Rejected("unaligned")


def test_rewrites_that_change_facts_are_rejected(client: TestClient) -> None:
    grounder, article = _grounder(client)
    cases = {
        "The farmers' union asked the Ministry of Agriculture to raise grain prices by 18%.": (
            1,
            "numbers",
        ),
        "The farmers' union asked the Ministry of Finance to raise grain prices by 8%.": (
            1,
            "names",
        ),
        "The farmers' union did not ask the Ministry of Agriculture to raise grain prices.": (
            1,
            "negation",
        ),
        # Dropping the source's negation reverses it.
        "The ministry said it would change the prices before the harvest.": (2, "negation"),
    }
    for claim, (anchor, reason) in cases.items():
        assert grounder.ground(claim, article, anchor=anchor) == Rejected(reason), claim
