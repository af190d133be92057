"""POST /translate on tiny random-weight models: shape, routing, segmentation, errors."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from helpers import assert_error

RU = "Министр иностранных дел провёл встречу с послом. Стороны обсудили торговлю."
KK = "Қазақстан мен Қытай арасындағы сауда өсіп келеді. Тараптар келісімге қол қойды."
ZH = "中国是哈萨克斯坦最大的贸易伙伴。双方讨论了贸易问题。"


def test_string_input_gives_one_translation(client: TestClient) -> None:
    r = client.post(
        "/translate",
        json={"text": "Hello world, how are you?", "target_lang": "ru", "source_lang": "en"},
    )
    assert r.status_code == 200, r.text
    body = r.json()
    assert len(body["translations"]) == 1 and body["translations"][0].strip()
    assert body["model"] == "tiny/marian"  # en->ru: the first manifest model covering the pair
    assert body["source_lang"] == "en" and body["source_lang_confidence"] == 1.0
    assert body["segments"] == 1
    assert body["timings_ms"]["total"] > 0


def test_list_is_aligned_and_languages_detected_per_text(client: TestClient) -> None:
    texts = [RU, KK, ZH]
    r = client.post("/translate", json={"text": texts, "target_lang": "en"})
    assert r.status_code == 200, r.text
    body = r.json()
    assert [d["lang"] for d in body["detected"]] == ["ru", "kk", "zh"]
    assert all(0 < d["confidence"] <= 1 for d in body["detected"])
    assert len(body["translations"]) == 3
    assert all(t.strip() for t in body["translations"])
    assert body["models"] == ["tiny/nllb"]  # ru/kk/zh -> en only NLLB covers
    assert body["segments"] >= 3


def test_routing_picks_the_model_for_each_pair(client: TestClient) -> None:
    r = client.post(
        "/translate", json={"text": "Good morning.", "target_lang": "kk", "source_lang": "en"}
    )
    assert r.status_code == 200 and r.json()["model"] == "tiny/m2m100"
    r = client.post("/translate", json={"text": RU, "target_lang": "zh", "source_lang": "ru"})
    assert r.status_code == 200 and r.json()["model"] == "tiny/nllb"


def test_same_language_is_returned_unchanged(client: TestClient) -> None:
    r = client.post("/translate", json={"text": [KK, "Hello there, friends."], "target_lang": "kk"})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["translations"][0] == KK
    assert body["translations"][1] != "Hello there, friends."
    assert any("already in kk" in n for n in body["notes"])


def test_long_text_keeps_paragraphs_and_translates_every_sentence(client: TestClient) -> None:
    paragraphs = [
        " ".join(f"Sentence number {p}{i} talks about trade and visas." for i in range(6))
        for p in range(4)
    ]
    text = "\n\n".join(paragraphs) + "\nLast line without a full stop"
    r = client.post("/translate", json={"text": text, "target_lang": "ru", "source_lang": "en"})
    assert r.status_code == 200, r.text
    body = r.json()
    out = body["translations"][0]
    assert out.count("\n\n") == 3 and out.count("\n") == 7
    # 25 sentences under a 24-token budget: none packed together, long ones cut further.
    assert body["segments"] >= 25
    assert all(line.strip() for line in re.split(r"\n+", out))


def test_empty_and_blank_text_are_rejected(client: TestClient) -> None:
    assert_error(
        client.post("/translate", json={"text": "", "target_lang": "ru"}),
        422,
        "invalid_request",
        param="text",
    )
    assert_error(
        client.post("/translate", json={"text": "   \n ", "target_lang": "ru"}),
        422,
        "invalid_request",
    )
    assert_error(
        client.post("/translate", json={"text": [], "target_lang": "ru"}), 422, "invalid_request"
    )
    assert_error(
        client.post("/translate", json={"text": ["ok", ""], "target_lang": "ru"}),
        422,
        "invalid_request",
    )


def test_unsupported_language_lists_supported_codes(client: TestClient) -> None:
    error = assert_error(
        client.post("/translate", json={"text": "Hi", "target_lang": "fr"}),
        422,
        "invalid_request",
        param="target_lang",
    )
    assert "en, ru, kk, zh" in error["message"]
    error = assert_error(
        client.post(
            "/translate",
            json={"text": "Добрий день, як справи у вас сьогодні?", "target_lang": "en"},
        ),
        422,
        "unsupported_language",
    )
    assert "'uk'" in error["message"] and "kk" in error["message"]


def test_too_many_texts_and_unknown_fields(client: TestClient) -> None:
    assert_error(
        client.post("/translate", json={"text": ["a"] * 65, "target_lang": "ru"}),
        422,
        "invalid_request",
    )
    assert_error(
        client.post("/translate", json={"text": "Hi", "target_lang": "ru", "beam": 4}),
        422,
        "invalid_request",
        param="beam",
    )


def test_text_over_limit_is_413(client: TestClient) -> None:
    text = "Word " * 5000  # 25,000 characters, limit 20,000 in the test settings
    error = assert_error(
        client.post("/translate", json={"text": text, "target_lang": "ru"}),
        413,
        "input_too_long",
        param="text",
    )
    assert "20000" in error["message"]


def test_body_over_limit_is_413(client: TestClient) -> None:
    texts = ["x" * 4000] * 60  # 240 kB body, limit 200 kB
    assert_error(
        client.post("/translate", json={"text": texts, "target_lang": "ru"}), 413, "input_too_long"
    )


def test_malformed_json_and_wrong_content_type(client: TestClient) -> None:
    r = client.post(
        "/translate", content=b'{"text": "Hi", ', headers={"content-type": "application/json"}
    )
    assert_error(r, 422, "invalid_json")
    r = client.post("/translate", content=b"text=Hi", headers={"content-type": "text/plain"})
    assert_error(r, 415, "unsupported_media_type")
    r = client.post("/translate", content=b"[1, 2]", headers={"content-type": "application/json"})
    assert_error(r, 422, "invalid_request")
    # the server keeps serving after every bad request
    r = client.post(
        "/translate", json={"text": "Still here.", "target_lang": "ru", "source_lang": "en"}
    )
    assert r.status_code == 200


def test_every_translation_says_whether_it_passed_its_checks(client: TestClient) -> None:
    texts = ["The ministry published the report on Monday.", "Trade grew by five percent."]
    r = client.post("/translate", json={"text": texts, "target_lang": "ru", "source_lang": "en"})
    assert r.status_code == 200, r.text
    body = r.json()
    assert len(body["quality"]) == len(body["translations"]) == 2
    names = {
        "language",
        "script",
        "untranslated",
        "length",
        "repetition",
        "foreign_characters",
        "mixed_words",
        "numbers",
    }
    for quality in body["quality"]:
        assert {c["name"] for c in quality["checks"]} == names
        assert quality["ok"] == all(c["ok"] for c in quality["checks"])
    # the tiny random models write nonsense: it is reported, never a silent success
    failed = [i for i, q in enumerate(body["quality"]) if not q["ok"]]
    assert failed
    assert all(
        any(w.startswith(f"text[{i}] failed checks") for w in body["warnings"]) for i in failed
    )
