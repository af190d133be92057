"""POST /summarize on Kazakh in Latin letters, and on a text that mixes Kazakh and Russian."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

# Written for this test (2021 alphabet): a dateline, a request, an agreement and figures.
LATIN_KK = (
    "ASTANA, 12 qaraşa. Qazaqstan Syrtqy ıster ministrı Qytai elşısımen kezdesıp, ekı el "
    "arasyndağy sauda men investisia mäselelerın talqylady.\n"
    "Tarapter 2025 jyly sauda kölemın 40 mlrd dollarğa jetkızu turaly kelısımge keldı.\n"
    "Ministr Qytai tarapynan Qazaqstan azamattaryna vizalar beru tärtıbın jeñıldetudı sūrady.\n"
    "Kezdesu barysynda ekı el kölık jäne logistika salasyndağy 12 jobany qarastyrdy.\n"
)
MIXED = (
    "Қазақстан үкіметі жаңа көлік бағдарламасын бекітті. "
    "Правительство выделило на эти цели два миллиарда тенге.\n"
    "Бағдарлама 2030 жылға дейін жүзеге асырылады. "
    "Эксперты считают, что это поможет экономике региона."
)
_CYRILLIC = re.compile("[\u0400-\u04ff]")


def test_latin_kazakh_summary_points_into_the_submitted_text(client: TestClient) -> None:
    r = client.post("/summarize", json={"text": LATIN_KK, "engine": "extractive"})
    assert r.status_code == 200, r.text
    body = r.json()
    assert (body["source_lang"], body["source_script"]) == ("kk", "latin")
    assert body["source_languages"] == {"kk": 1.0}
    assert any("transliteration" in w for w in body["warnings"])
    spans = [s for p in body["key_points"] for s in p["evidence"]] + body["figures"]
    if body["dateline"] is not None:
        spans.append(body["dateline"])
    assert body["key_points"] and body["figures"]
    for span in spans:
        assert LATIN_KK[span["start"] : span["end"]] == span["text"]
        assert not _CYRILLIC.search(span["text"]), span
    assert any("40 mlrd" in f["text"] for f in body["figures"])
    for part in (body["headline"], body["summary"], *(p["text"] for p in body["key_points"])):
        assert part and not _CYRILLIC.search(part), part


def test_a_mixed_text_reports_both_languages(client: TestClient) -> None:
    r = client.post("/summarize", json={"text": MIXED, "engine": "extractive"})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["source_script"] == "cyrillic"
    assert set(body["source_languages"]) == {"kk", "ru"}
    assert any("mixes languages" in w for w in body["warnings"])


def test_translate_reports_the_script_of_each_text(client: TestClient) -> None:
    texts = [LATIN_KK, "Қазақстан үкіметі жаңа көлік бағдарламасын бекітті."]
    r = client.post("/translate", json={"text": texts, "target_lang": "en"})
    assert r.status_code == 200, r.text
    detected = r.json()["detected"]
    assert [(d["lang"], d["script"]) for d in detected] == [("kk", "latin"), ("kk", "cyrillic")]
