"""The LibreTranslate-compatible API, driven by the real ``libretranslatepy`` client against a
real uvicorn server, and its form/JSON bodies and error shape through the test client."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.error import HTTPError

import pytest
from fastapi.testclient import TestClient
from libretranslatepy import LibreTranslateAPI
from live_server import serve

from service.main import create_app
from service.settings import Settings


@pytest.fixture(scope="module")
def lt(tiny_settings: Settings) -> Iterator[LibreTranslateAPI]:
    with serve(create_app(tiny_settings)) as base_url:
        yield LibreTranslateAPI(f"{base_url}/libretranslate/")


def test_client_translates(lt: LibreTranslateAPI) -> None:
    out = lt.translate("Kazakhstan and China discussed trade.", "en", "ru")
    assert isinstance(out, str) and out.strip()
    assert out != "Kazakhstan and China discussed trade."


def test_client_detects(lt: LibreTranslateAPI) -> None:
    out = lt.detect("Қазақстан мен Қытай арасындағы сауда өсіп келеді.")
    assert out[0]["language"] == "kk"
    assert 50 < out[0]["confidence"] <= 100
    assert all(set(d) == {"confidence", "language"} for d in out)
    assert [d["confidence"] for d in out] == sorted((d["confidence"] for d in out), reverse=True)


def test_client_lists_languages(lt: LibreTranslateAPI) -> None:
    out = lt.languages()
    assert [lang["code"] for lang in out] == ["en", "ru", "kk", "zh-Hans"]
    assert out[0] == {"code": "en", "name": "English", "targets": ["ru", "kk", "zh-Hans"]}


def test_client_sees_an_error_status(lt: LibreTranslateAPI) -> None:
    with pytest.raises(HTTPError) as caught:
        lt.translate("Hello.", "en", "xx")
    assert caught.value.code == 400
    assert caught.value.read() == b'{"error":"xx is not supported"}'


def test_form_body_with_auto_source(client: TestClient) -> None:
    r = client.post(
        "/libretranslate/translate",
        data={"q": "Министр иностранных дел провёл встречу.", "source": "auto", "target": "en"},
    )
    assert r.status_code == 200, r.text
    body = r.json()
    assert set(body) == {"translatedText", "detectedLanguage"}
    assert body["translatedText"].strip()
    assert body["detectedLanguage"]["language"] == "ru"
    assert 0 < body["detectedLanguage"]["confidence"] <= 100


def test_json_list_with_alternatives_and_zh_hans(client: TestClient) -> None:
    r = client.post(
        "/libretranslate/translate",
        json={
            "q": ["Trade grew.", "Prices fell."],
            "source": "en",
            "target": "zh-Hans",
            "alternatives": 2,
            "api_key": "anything",
        },
    )
    assert r.status_code == 200, r.text
    body = r.json()
    assert len(body["translatedText"]) == 2 and all(t.strip() for t in body["translatedText"])
    assert body["alternatives"] == [[], []]
    assert "detectedLanguage" not in body  # only for source auto, as LibreTranslate does


def test_html_format_keeps_the_markup(client: TestClient) -> None:
    r = client.post(
        "/libretranslate/translate",
        json={
            "q": '<p class="x">Trade grew.</p>',
            "source": "en",
            "target": "ru",
            "format": "html",
        },
    )
    assert r.status_code == 200, r.text
    out = r.json()["translatedText"]
    assert out.startswith('<p class="x">') and out.endswith("</p>")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"source": "en", "target": "ru"}, "Invalid request: missing q parameter"),
        ({"q": "Hi.", "source": "en"}, "Invalid request: missing target parameter"),
        ({"q": "Hi.", "source": "de", "target": "ru"}, "de is not supported"),
        (
            {"q": "Hi.", "source": "en", "target": "ru", "format": "pdf"},
            "Invalid request: format: Input should be 'text' or 'html'",
        ),
    ],
)
def test_errors_in_libretranslate_shape(
    client: TestClient, data: dict[str, str], message: str
) -> None:
    r = client.post("/libretranslate/translate", data=data)
    assert r.status_code == 400, r.text
    assert r.json() == {"error": message}


def test_malformed_json_and_an_unsupported_detection(client: TestClient) -> None:
    r = client.post(
        "/libretranslate/translate", content=b"{", headers={"content-type": "application/json"}
    )
    assert (r.status_code, r.json()) == (400, {"error": "Invalid JSON format"})
    r = client.post(
        "/libretranslate/translate",
        data={
            "q": "Міністр закордонних справ провів зустріч з послом.",
            "source": "auto",
            "target": "en",
        },
    )
    assert r.status_code == 400, r.text
    assert set(r.json()) == {"error"} and "uk" in r.json()["error"]


def test_too_long_is_400(client: TestClient, tiny_settings: Settings) -> None:
    text = "word " * (tiny_settings.max_text_chars // 5 + 1)
    r = client.post("/libretranslate/translate", data={"q": text, "source": "en", "target": "ru"})
    assert r.status_code == 400, r.text
    assert set(r.json()) == {"error"}


def test_another_content_type_is_415_in_libretranslate_shape(client: TestClient) -> None:
    r = client.post(
        "/libretranslate/translate", content=b"q=Hi", headers={"content-type": "text/plain"}
    )
    assert r.status_code == 415, r.text
    assert r.json() == {"error": "Send the body as JSON or a form (got text/plain)."}
    # Our own routes still take JSON only.
    r = client.post("/translate", data={"text": "Hi.", "target_lang": "ru"})
    assert r.status_code == 415 and r.json()["error"]["type"] == "unsupported_media_type"
