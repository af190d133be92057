"""Request detection: the example file, both detectors, and how types are decided."""

from __future__ import annotations

import json

import numpy as np
import pytest
from fastapi.testclient import TestClient
from helpers import REPO_ROOT, SEED, engines_of

from models.config import SummarizerOptions
from models.summary import POINT_TYPES
from models.summary.labels import PointTyper, as_document, llm_type, sentence_type, settle_figure
from models.summary.requests import ExampleRequestClassifier, request_examples

DEVSET = REPO_ROOT / "evaluation" / "request_devset.jsonl"


def _typer(client: TestClient) -> PointTyper:
    return engines_of(client).summarizer.typer


def test_examples_are_balanced_and_not_taken_from_the_dev_set_or_the_seed() -> None:
    rows = request_examples()
    labels = [r for r, _ in rows]
    assert sum(labels) >= 30 and len(labels) - sum(labels) >= 30
    dev = {json.loads(line)["text"].strip() for line in DEVSET.read_text("utf-8").splitlines()}
    seed = SEED.lower()
    for _, text in rows:
        assert text not in dev
        assert text.lower() not in seed


def test_example_classifier_separates_unseen_sentences(client: TestClient) -> None:
    typer = _typer(client)
    texts = [
        "The pilots' union urged the airline to drop the new rota.",
        "Villagers asked the regional governor to repair the road.",
        "The airline carried 4 million passengers last year.",
        "The governor visited three villages on Friday.",
    ]
    p = typer.requests_by_example.probabilities(typer.embedder.encode(texts))
    assert p.shape == (4,)
    assert min(p[0], p[1]) > max(p[2], p[3]), p
    assert max(p[2], p[3]) < typer.options.request_threshold, p
    assert isinstance(typer.requests_by_example, ExampleRequestClassifier)


def test_llm_type_prefers_a_detected_request() -> None:
    assert llm_type(np.array([0.3, 0.5, 0.1, 0.05, 0.05])) == "request"
    assert llm_type(np.array([0.0, 0.1, 0.6, 0.2, 0.1])) == "statement"
    assert POINT_TYPES[0] == "request"


# request, agreement, statement, event, figure
LEANS_FIGURE = np.array([0.0, 0.0, 0.2, 0.3, 0.5])


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # no number at all: the likeliest of the other types, not "figure"
        ("During the talks, trade and security issues between the sides were discussed.",
         "event"),
        ("Во время встречи обсуждались вопросы торговли и безопасности.", "event"),
        ("会谈中双方讨论了贸易和安全问题。", "event"),
        # a count, a quantity: figure stays
        ("Today 51 joint projects are being implemented.", "figure"),
        ("Сегодня реализуются 51 совместный проект.", "figure"),
        ("目前正在实施51个联合项目。", "figure"),
    ],
)  # fmt: skip
def test_a_figure_needs_a_stated_figure(sentence: str, expected: str) -> None:
    (s,), figures = as_document([sentence])
    assert sentence_type(LEANS_FIGURE, s.span, figures) == expected
    assert llm_type(LEANS_FIGURE, figure=False) == "event"
    assert llm_type(LEANS_FIGURE) == "figure"


def test_money_makes_a_figure_and_no_number_unmakes_one() -> None:
    (money,), figures = as_document(["The fund was worth $27 billion in May."])
    assert settle_figure("statement", money.span, figures) == "figure"
    assert settle_figure("event", money.span, figures) == "figure"
    assert settle_figure("request", money.span, figures) == "request"
    (plain,), none = as_document(["The delegation left Astana on Monday."])
    assert not none
    assert settle_figure("figure", plain.span, none) == "statement"
    assert settle_figure("event", plain.span, none) == "event"


@pytest.mark.parametrize(("threshold", "requests"), [(0.0, True), (1.01, False)])
def test_requests_need_both_detectors(client: TestClient, threshold: float, requests: bool) -> None:
    engines = engines_of(client)
    typer = PointTyper(
        engines.summarizer.embedder,
        engines.llm,
        SummarizerOptions(request_threshold=0.0, llm_request_threshold=threshold),
    )
    texts = ["The union called on the ministry to act.", "It rained on Monday."]
    probs = typer.probabilities(texts)
    assert probs.shape == (2, len(POINT_TYPES))
    assert np.allclose(probs.sum(axis=1), 1.0)
    assert all((llm_type(row) == "request") is requests for row in probs)
    # the request column is non-zero exactly where both detectors agreed
    assert ((probs[:, 0] > 0) == requests).all()


def test_extractive_seed_lists_a_request(client: TestClient) -> None:
    r = client.post("/summarize", json={"text": SEED, "engine": "extractive"})
    body = r.json()
    requests = [p for p in body["key_points"] if p["type"] == "request"]
    assert requests, [(p["type"], p["text"][:60]) for p in body["key_points"]]
