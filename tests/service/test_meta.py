"""GET /health, /ready, /languages, /models and the OpenAPI document."""

from __future__ import annotations

from fastapi.testclient import TestClient
from helpers import SEED, assert_error


def test_health_and_ready(client: TestClient) -> None:
    assert client.get("/health").json() == {"status": "ok", "models": "ready"}
    r = client.get("/ready")
    assert r.status_code == 200
    assert r.json()["ready"] is True and r.json()["profile"] == "tiny"


def test_languages_reflect_loaded_models(client: TestClient) -> None:
    r = client.get("/languages")
    assert r.status_code == 200
    langs = {x["code"]: x for x in r.json()}
    assert set(langs) == {"en", "ru", "kk", "zh"}
    assert langs["kk"]["name"] == "Kazakh"
    assert set(langs["en"]["translate_to"]) == {"ru", "kk", "zh"}
    assert "en" not in langs["en"]["translate_to"]


def test_models_lists_licence_device_dtype_and_quality(client: TestClient) -> None:
    body = client.get("/models").json()
    assert body["profile"] == "tiny"
    ids = [m["id"] for m in body["models"]]
    assert ids == [
        "sentence-transformers/all-MiniLM-L6-v2",
        "tiny/qwen2",
        "tiny/marian",
        "tiny/m2m100",
        "tiny/nllb",
    ]
    for model in body["models"]:
        assert model["licence"] and model["quality"]
        assert model["device"] == "cpu" and model["dtype"] == "float32"
        assert model["load_s"] >= 0


def test_openapi_documents_the_seed_example(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    request = spec["components"]["schemas"]["SummarizeRequest"]
    assert request["examples"][0]["text"] == SEED
    assert set(spec["paths"]) >= {"/translate", "/summarize", "/health", "/ready", "/models"}
    assert client.get("/docs").status_code == 200


def test_unknown_route_and_method(client: TestClient) -> None:
    assert_error(client.get("/nope"), 404, "not_found")
    assert_error(client.get("/translate"), 405, "method_not_allowed")
