"""Request detection: the example file, both detectors, and how types are decided."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from conftest import SEED
from fastapi.testclient import TestClient

from models.requests import ExampleRequestClassifier, request_examples
from models.summarization import POINT_TYPES, Summarizer, SummarizerOptions, llm_type

DEVSET = Path(__file__).parents[1] / "evaluation" / "request_devset.jsonl"


def _summarizer(client: TestClient) -> Summarizer:
    return client.app.state.engines.summarizer  # type: ignore[no-any-return, attr-defined]


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
    summarizer = _summarizer(client)
    texts = [
        "The pilots' union urged the airline to drop the new rota.",
        "Villagers asked the regional governor to repair the road.",
        "The airline carried 4 million passengers last year.",
        "The governor visited three villages on Friday.",
    ]
    p = summarizer.requests_by_example.probabilities(summarizer.embedder.encode(texts))
    assert p.shape == (4,)
    assert min(p[0], p[1]) > max(p[2], p[3]), p
    assert max(p[2], p[3]) < summarizer.options.request_threshold, p
    assert isinstance(summarizer.requests_by_example, ExampleRequestClassifier)


def test_llm_type_prefers_a_detected_request() -> None:
    assert llm_type(np.array([0.3, 0.5, 0.1, 0.05, 0.05])) == "request"
    assert llm_type(np.array([0.0, 0.1, 0.6, 0.2, 0.1])) == "statement"
    assert POINT_TYPES[0] == "request"


@pytest.mark.parametrize(("threshold", "requests"), [(0.0, True), (1.01, False)])
def test_requests_need_both_detectors(client: TestClient, threshold: float, requests: bool) -> None:
    base = _summarizer(client)
    summarizer = Summarizer(
        base.embedder,
        base.detector,
        llm=base.llm,
        translation=None,
        model_ids=base.model_ids,
        options=SummarizerOptions(request_threshold=0.0, llm_request_threshold=threshold),
    )
    texts = ["The union called on the ministry to act.", "It rained on Monday."]
    probs = summarizer.type_probabilities(texts)
    assert probs.shape == (2, len(POINT_TYPES))
    assert np.allclose(probs.sum(axis=1), 1.0)
    assert all((llm_type(row) == "request") is requests for row in probs)
    if requests:
        assert (probs[:, 0] > 0).all()
    else:
        assert (probs[:, 0] == 0).all()


def test_extractive_seed_lists_a_request(client: TestClient) -> None:
    r = client.post("/summarize", json={"text": SEED, "engine": "extractive"})
    body = r.json()
    requests = [p for p in body["key_points"] if p["type"] == "request"]
    assert requests, [(p["type"], p["text"][:60]) for p in body["key_points"]]


ARTICLE = (
    "ASTANA. The Kazakh side asked the Chinese side to reopen the border crossing. "
    "During the meeting, 51 joint projects were discussed."
)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Kazakh side", "Kazakh side"),
        ("the Chinese side", "Chinese side"),  # leading article dropped
        ("They", None),  # pronoun
        ("it", None),
        ("During the meeting", None),  # adverbial opener, not a party
        ("51 joint projects", None),  # a figure is not a party
        ("the European Union", None),  # not in the article
        ("", None),
        (None, None),
    ],
)
def test_actor_and_target_must_name_a_party(
    client: TestClient, value: str | None, expected: str | None
) -> None:
    warnings: list[str] = []
    assert _summarizer(client)._party(value, ARTICLE, "actor", warnings) == expected
    if value in ("They", "it", "the European Union"):
        assert warnings, "a rejected pronoun or unknown name is reported"
