"""The DeepL-compatible API, driven by the official ``deepl`` client against a real uvicorn
server, and its form bodies, error shape and key header through the test client."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import deepl
import httpx
import pytest
from fastapi.testclient import TestClient
from libretranslatepy import LibreTranslateAPI
from live_server import serve

from service.main import create_app
from service.settings import Settings
from service.store.keys import open_key_store


@pytest.fixture(scope="module")
def translator(tiny_settings: Settings) -> Iterator[deepl.Translator]:
    with serve(create_app(tiny_settings)) as base_url:
        # With keys off any DeepL key is accepted; ":fx" marks a free-plan key.
        client = deepl.Translator("any-key:fx", server_url=base_url)
        yield client
        client.close()


def test_client_translates_one_text(translator: deepl.Translator) -> None:
    result = translator.translate_text("Kazakhstan and China discussed trade.", target_lang="RU")
    assert isinstance(result, deepl.TextResult)
    assert result.text.strip() and result.text != "Kazakhstan and China discussed trade."
    assert result.detected_source_lang == "EN"
    assert result.billed_characters == len("Kazakhstan and China discussed trade.")


def test_client_translates_a_list(translator: deepl.Translator) -> None:
    texts = ["Министр провёл встречу.", "Trade grew."]
    results = translator.translate_text(texts, target_lang="EN-GB")
    assert isinstance(results, list) and len(results) == 2
    assert [r.detected_source_lang for r in results] == ["RU", "EN"]
    assert results[1].text == "Trade grew."  # already English: returned unchanged
    assert results[0].text.strip()


def test_client_html_tag_handling(translator: deepl.Translator) -> None:
    html = '<p class="lead">Trade grew.</p>\n<p>Prices <b>fell</b>.</p>'
    result = translator.translate_text(html, target_lang="ZH-HANS", tag_handling="html")
    assert isinstance(result, deepl.TextResult)
    assert result.text.startswith('<p class="lead">')
    assert result.text.count("<p") == 2 and result.text.count("</p>") == 2
    assert "\n" in result.text


def test_client_target_and_source_languages(translator: deepl.Translator) -> None:
    targets = translator.get_target_languages()
    assert [lang.code for lang in targets] == ["EN-GB", "EN-US", "RU", "KK", "ZH", "ZH-HANS"]
    assert targets[0].name == "English (British)" and targets[0].supports_formality is False
    sources = translator.get_source_languages()
    assert [lang.code for lang in sources] == ["EN", "RU", "KK", "ZH"]


def test_client_with_a_stored_glossary(translator: deepl.Translator, client: TestClient) -> None:
    r = client.post(
        "/glossaries",
        json={
            "name": "n",
            "source_lang": "en",
            "target_lang": "kk",
            "entries": {"Astana": "Астана"},
        },
    )
    assert r.status_code == 201, r.text
    gid = r.json()["glossary_id"]
    # The glossary lives in the shared store file, so the live server sees it.
    result = translator.translate_text(
        "Talks were held in Astana.", source_lang="EN", target_lang="KK", glossary=gid
    )
    assert isinstance(result, deepl.TextResult) and result.text.strip()
    with pytest.raises(deepl.DeepLException, match="Glossary not found"):
        translator.translate_text(
            "Hi.",
            source_lang="EN",
            target_lang="KK",
            glossary="00000000-0000-0000-0000-000000000000",
        )


def test_client_manages_glossaries(translator: deepl.Translator) -> None:
    entries = {"Astana": "Астана", "Kazinform": "Қазақпарат"}
    info = translator.create_glossary("names", source_lang="EN", target_lang="KK", entries=entries)
    assert info.ready and info.entry_count == 2
    assert (info.source_lang, info.target_lang) == ("EN", "KK")
    assert info.glossary_id in [g.glossary_id for g in translator.list_glossaries()]
    assert translator.get_glossary(info.glossary_id).name == "names"
    assert translator.get_glossary_entries(info) == entries
    result = translator.translate_text(
        "Kazinform reports from Astana.", source_lang="EN", target_lang="KK", glossary=info
    )
    assert isinstance(result, deepl.TextResult) and result.text.strip()
    translator.delete_glossary(info)
    with pytest.raises(deepl.GlossaryNotFoundException):
        translator.get_glossary(info.glossary_id)


def test_glossary_entries_in_csv_and_bad_ones(client: TestClient) -> None:
    r = client.post(
        "/v2/glossaries",
        data={"name": "n", "source_lang": "en", "target_lang": "ru",
              "entries": 'Astana,Астана\n"Nur-Sultan, city",Нур-Султан', "entries_format": "csv"},
    )  # fmt: skip
    assert r.status_code == 201, r.text
    gid = r.json()["glossary_id"]
    r = client.get(f"/v2/glossaries/{gid}/entries")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/tab-separated")
    assert r.text == "Astana\tАстана\nNur-Sultan, city\tНур-Султан"
    r = client.post(
        "/v2/glossaries",
        json={"name": "n", "source_lang": "EN", "target_lang": "RU", "entries": "no tab here"},
    )
    assert r.status_code == 400
    assert r.json() == {"message": "Invalid glossary entries: line 1 has no source and target."}


def test_client_sees_deepl_errors(translator: deepl.Translator) -> None:
    with pytest.raises(deepl.DeepLException, match="Value for 'target_lang' not supported"):
        translator.translate_text("Hello.", target_lang="DE")


def test_form_body_with_repeated_text(client: TestClient) -> None:
    r = client.post(
        "/v2/translate",
        data={"text": ["Trade grew.", "Prices fell."], "target_lang": "ru", "source_lang": "en"},
        headers={"Authorization": "DeepL-Auth-Key abc"},
    )
    assert r.status_code == 200, r.text
    translations = r.json()["translations"]
    assert [t["detected_source_language"] for t in translations] == ["EN", "EN"]
    assert [t["billed_characters"] for t in translations] == [11, 12]
    assert all(t["text"].strip() for t in translations)


@pytest.mark.parametrize(
    ("data", "status", "message"),
    [
        ({"target_lang": "RU"}, 400, "Parameter 'text' not specified."),
        ({"text": "Hi."}, 400, "Parameter 'target_lang' not specified."),
        ({"text": "Hi.", "target_lang": "RU", "source_lang": "DE"}, 400,
         "Value for 'source_lang' not supported."),
        ({"text": "Hi.", "target_lang": "RU", "glossary_id": "x"}, 400,
         "Parameter 'source_lang' is required when using a glossary."),
        ({"text": "Hi.", "target_lang": "RU", "tag_handling": "xml"}, 400,
         "Invalid request: tag_handling: Input should be 'html'"),
    ],
)  # fmt: skip
def test_errors_in_deepl_shape(
    client: TestClient, data: dict[str, str], status: int, message: str
) -> None:
    r = client.post("/v2/translate", data=data)
    assert r.status_code == status, r.text
    assert r.json() == {"message": message}


def test_languages_type_from_the_query(client: TestClient) -> None:
    r = client.get("/v2/languages", params={"type": "target"})
    assert r.status_code == 200 and r.json()[0]["language"] == "EN-GB"
    r = client.get("/v2/languages", params={"type": "glossary"})
    assert (r.status_code, r.json()) == (400, {"message": "Value for 'type' not supported."})


def test_keys_and_quotas_hold_on_both_compatible_apis(
    tiny_settings: Settings, tmp_path: Path
) -> None:
    """With keys required, the DeepL client's key and LibreTranslate's body api_key go
    through the same keys and quota as /translate, answered in each API's error shape."""
    settings = tiny_settings.model_copy(
        update={"api_keys_required": True, "store_url": f"sqlite:///{tmp_path / 'keys.db'}"}
    )
    store = open_key_store(settings.store_url)
    _key, secret = store.create(name="desk", char_quota=60, quota_period="day")
    text = "Kazakhstan and China discussed trade."  # 37 characters
    with serve(create_app(settings)) as base_url:
        good = deepl.Translator(secret, server_url=base_url)
        assert good.translate_text(text, target_lang="RU").text.strip()
        usage = good.get_usage()
        assert (usage.character.count, usage.character.limit) == (37, 60)
        # 37 more would pass the quota of 60: DeepL's 456, which its client names.
        with pytest.raises(deepl.QuotaExceededException):
            good.translate_text(text, target_lang="RU")
        with pytest.raises(deepl.AuthorizationException):
            deepl.Translator("unknown-key", server_url=base_url).translate_text(
                text, target_lang="RU"
            )
        lt = LibreTranslateAPI(f"{base_url}/libretranslate/", api_key=secret)
        assert lt.translate("Trade grew.", "en", "ru").strip()  # 11 more: 48 of 60
        r = httpx.post(f"{base_url}/libretranslate/translate", json={"q": "x", "source": "en",
                       "target": "ru"})  # fmt: skip
        assert r.status_code == 401 and "API key" in r.json()["error"], r.text
        assert deepl.Translator(secret, server_url=base_url).get_usage().character.count == 48
    store.close()
