"""API keys: off by default (any key or none), required with API_KEYS_REQUIRED, the three
header forms, 401/403, the OpenAPI scheme, a restart in between, and the management CLI."""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Any

from helpers import REPO_ROOT, MakeClient, assert_error, translate_body

from service.store.keys import KeyStore


def _translated(response: Any) -> None:
    assert response.status_code == 200, response.text
    assert response.json()["translations"][0].strip()


def test_keys_off_accepts_any_key_or_none(make_client: MakeClient) -> None:
    headers: list[dict[str, str]] = [
        {},
        {"Authorization": "Bearer not-a-key"},
        {"X-API-Key": "not-a-key"},
        {"Authorization": "DeepL-Auth-Key not-a-key"},
    ]
    with make_client() as c:
        for h in headers:
            _translated(c.post("/translate", json=translate_body(), headers=h))
        usage = c.get("/usage")
    assert usage.status_code == 200, usage.text
    body = usage.json()
    # Anonymous callers share one account, with no cap (DeepL's "unlimited" figure).
    assert body["key_id"] is None and body["period"] == "month"
    assert body["character_count"] == 4 * len("Hello world.")
    assert body["character_limit"] == 1_000_000_000_000


def test_keys_off_a_known_key_is_still_counted_as_itself(
    make_client: MakeClient, store: KeyStore
) -> None:
    key, secret = store.create(name="desk-a", char_quota=1000, quota_period="day")
    with make_client() as c:
        _translated(c.post("/translate", json=translate_body(), headers={"X-API-Key": secret}))
        mine = c.get("/usage", headers={"X-API-Key": secret}).json()
        anonymous = c.get("/usage").json()
    assert (mine["key_id"], mine["character_count"], mine["character_limit"]) == (
        key.id,
        len("Hello world."),
        1000,
    )
    assert mine["period"] == "day"
    assert (anonymous["key_id"], anonymous["character_count"]) == (None, 0)


def test_missing_and_unknown_keys_get_401(make_client: MakeClient) -> None:
    with make_client(api_keys_required=True) as c:
        missing = c.post("/translate", json=translate_body())
        basic = c.post("/translate", json=translate_body(), headers={"Authorization": "Basic eA=="})
        unknown = c.post(
            "/translate", json=translate_body(), headers={"Authorization": "Bearer nsk_nope"}
        )
        usage = c.get("/usage")
        summary = c.post("/summarize", json={"text": "The minister met the ambassador."})
        health = c.get("/health")
    error = assert_error(missing, 401, "missing_api_key")
    assert "Bearer" in error["message"] and "X-API-Key" in error["message"]
    assert missing.headers["WWW-Authenticate"] == "Bearer"
    assert_error(basic, 401, "missing_api_key")
    assert_error(unknown, 401, "invalid_api_key")
    assert unknown.headers["WWW-Authenticate"] == "Bearer"
    assert_error(usage, 401, "missing_api_key")
    assert_error(summary, 401, "missing_api_key")
    assert health.status_code == 200  # health and metadata stay open


def test_every_header_form_is_accepted(make_client: MakeClient, store: KeyStore) -> None:
    key, secret = store.create(name="desk-a")
    forms = [
        {"Authorization": f"Bearer {secret}"},
        {"Authorization": f"bearer  {secret} "},
        {"X-API-Key": secret},
        {"Authorization": f"DeepL-Auth-Key {secret}"},
    ]
    with make_client(api_keys_required=True) as c:
        for h in forms:
            _translated(c.post("/translate", json=translate_body(), headers=h))
        usage = c.get("/usage", headers={"X-API-Key": secret})
    assert usage.status_code == 200, usage.text
    assert usage.json()["key_id"] == key.id
    assert usage.json()["character_count"] == 4 * len("Hello world.")


def test_revoked_key_gets_403(make_client: MakeClient, store: KeyStore) -> None:
    key, secret = store.create(name="desk-a")
    headers = {"Authorization": f"Bearer {secret}"}
    with make_client(api_keys_required=True) as c:
        _translated(c.post("/translate", json=translate_body(), headers=headers))
        store.revoke(key.id)  # seen at once by the running server
        refused = c.post("/translate", json=translate_body(), headers=headers)
        usage = c.get("/usage", headers=headers)
    error = assert_error(refused, 403, "revoked_api_key")
    assert key.id in error["message"] and "desk-a" in error["message"]
    assert_error(usage, 403, "revoked_api_key")


def test_openapi_declares_the_key_scheme_only_when_required(make_client: MakeClient) -> None:
    with make_client() as c:
        open_doc = c.get("/openapi.json").json()
    with make_client(api_keys_required=True) as c:
        keyed_doc = c.get("/openapi.json").json()
    assert "securitySchemes" not in open_doc.get("components", {})
    assert not any("security" in op for path in open_doc["paths"].values() for op in path.values())
    schemes = keyed_doc["components"]["securitySchemes"]
    assert schemes["bearerAuth"] == {
        "type": "http",
        "scheme": "bearer",
        "description": "Authorization: Bearer <key>",
    }
    assert schemes["apiKeyHeader"] == {"type": "apiKey", "in": "header", "name": "X-API-Key"}
    paths = keyed_doc["paths"]
    expected = [{"bearerAuth": []}, {"apiKeyHeader": []}]
    for path, method in (("/translate", "post"), ("/summarize", "post"), ("/usage", "get")):
        assert paths[path][method]["security"] == expected, path
    assert "security" not in paths["/health"]["get"]
    for code in ("401", "403", "429", "456"):
        assert code in paths["/translate"]["post"]["responses"], code
        assert code in paths["/summarize"]["post"]["responses"], code


def test_keys_and_counters_survive_a_restart(make_client: MakeClient, store: KeyStore) -> None:
    key, secret = store.create(name="desk-a", char_quota=10_000)
    gone, gone_secret = store.create(name="old")
    store.revoke(gone.id)
    headers = {"X-API-Key": secret}
    texts = ["Good morning.", "The talks went on."]
    with make_client(api_keys_required=True) as first:
        _translated(first.post("/translate", json=translate_body(texts), headers=headers))
        before = first.get("/usage", headers=headers).json()
    assert before["character_count"] == sum(len(t) for t in texts)
    with make_client(api_keys_required=True) as second:
        after = second.get("/usage", headers=headers).json()
        _translated(second.post("/translate", json=translate_body(texts), headers=headers))
        again = second.get("/usage", headers=headers).json()
        revoked = second.post(
            "/translate", json=translate_body(), headers={"X-API-Key": gone_secret}
        )
    assert after == before and after["key_id"] == key.id and after["character_limit"] == 10_000
    assert again["character_count"] == 2 * sum(len(t) for t in texts)
    assert_error(revoked, 403, "revoked_api_key")


def _cli(store_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "STORE_URL": store_url}
    return subprocess.run(
        [sys.executable, "-m", "service.keys", *args],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_cli_creates_lists_and_revokes(make_client: MakeClient, store_url: str) -> None:
    made = _cli(store_url, "create", "--name", "desk-a", "--rate", "60/minute", "--quota", "500000")
    assert made.returncode == 0, made.stderr
    secret = made.stdout.strip()
    assert secret.startswith("nsk_") and len(secret.splitlines()) == 1
    key_id = made.stderr.split()[1]
    assert key_id.startswith("key_") and "shown only now" in made.stderr

    listed = _cli(store_url, "list")
    assert listed.returncode == 0, listed.stderr
    rows = [line.split("\t") for line in listed.stdout.splitlines()]
    assert rows[0] == ["id", "name", "created", "status", "rate", "quota"]
    assert len(rows) == 2
    assert rows[1][:2] == [key_id, "desk-a"]
    assert rows[1][3:] == ["active", "60/minute", "500000/month"]
    assert secret not in listed.stdout

    with make_client(api_keys_required=True) as c:
        _translated(c.post("/translate", json=translate_body(), headers={"X-API-Key": secret}))
        revoked = _cli(store_url, "revoke", key_id)
        assert revoked.returncode == 0, revoked.stderr
        assert revoked.stdout.split("\t")[3].startswith("revoked ")
        refused = c.post("/translate", json=translate_body(), headers={"X-API-Key": secret})
    assert_error(refused, 403, "revoked_api_key")

    unknown = _cli(store_url, "revoke", "key_000000000000")
    assert unknown.returncode == 1 and "no key with id key_000000000000" in unknown.stderr
    bad = _cli(store_url, "create", "--name", "x", "--rate", "lots")
    assert bad.returncode == 1 and "rate 'lots'" in bad.stderr
    assert len(_cli(store_url, "list").stdout.splitlines()) == 2  # nothing made by the failure
