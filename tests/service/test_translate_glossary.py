"""POST /translate with a glossary and do-not-translate terms, on the tiny random models."""

from __future__ import annotations

from fastapi.testclient import TestClient
from helpers import assert_error


def test_every_term_is_in_the_translation_or_reported(client: TestClient) -> None:
    # The tiny models' output is random, so a placeholder may or may not survive: what must
    # hold is that each term is either put in exactly as given or listed as a miss.
    texts = ["Kairat Abdrakhmanov met the ambassador in Astana.", "KAZINFORM reports trade grew."]
    glossary = {"Kairat Abdrakhmanov": "Қайрат Әбдірахманов", "Astana": "Астана"}
    r = client.post(
        "/translate",
        json={
            "text": texts,
            "target_lang": "ru",
            "source_lang": "en",
            "glossary": glossary,
            "preserve": ["KAZINFORM"],
            "cache": False,
        },
    )
    assert r.status_code == 200, r.text
    body = r.json()
    missed = {(m["text"], m["term"]) for m in body["glossary_misses"]}
    expected = [
        (0, "Kairat Abdrakhmanov", "Қайрат Әбдірахманов"),
        (0, "Astana", "Астана"),
        (1, "KAZINFORM", "KAZINFORM"),
    ]
    for index, source, target in expected:
        assert (index, source) in missed or target in body["translations"][index], (index, source)
    for miss in body["glossary_misses"]:
        assert miss["segment"] in texts[miss["text"]]
    # No placeholder leaks out of a restored translation.
    assert all("[T" not in t for t in body["translations"])


def test_no_glossary_means_no_misses(client: TestClient) -> None:
    r = client.post("/translate", json={"text": "Trade grew.", "target_lang": "ru"})
    assert r.status_code == 200, r.text
    assert r.json()["glossary_misses"] == []


def test_an_empty_term_is_rejected(client: TestClient) -> None:
    r = client.post(
        "/translate", json={"text": "Trade grew.", "target_lang": "ru", "preserve": [""]}
    )
    assert_error(r, 422, "invalid_request", param="preserve[0]")
