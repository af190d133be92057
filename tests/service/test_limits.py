"""Rate limits (429 + Retry-After) and character quotas (456), per key and per address, and
both shared by two app replicas through a real redis-server."""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import redis
from fastapi.testclient import TestClient
from helpers import MakeClient, assert_error, reuse_engines, translate_body
from pydantic import ValidationError
from servers import free_port, needs_redis, redis_server

from models.engines import Engines
from models.errors import GenerationFailed
from service.deps import get_engines
from service.main import create_app
from service.settings import Settings
from service.store.keys import KeyStore, open_key_store

HELLO = len("Hello world.")


def _statuses(c: TestClient, n: int, headers: dict[str, str] | None = None) -> list[int]:
    return [
        c.post("/translate", json=translate_body(), headers=headers).status_code for _ in range(n)
    ]


def _assert_rate_limited(response: Any) -> int:
    error = assert_error(response, 429, "rate_limited")
    retry = int(response.headers["Retry-After"])
    assert 1 <= retry <= 60, retry
    assert f"retry in {retry} s" in error["message"]
    return retry


def test_key_rate_gives_429_with_retry_after(make_client: MakeClient, store: KeyStore) -> None:
    key, secret = store.create(name="desk-a", rate_limit="2/minute")
    _other, other_secret = store.create(name="desk-b", rate_limit="2/minute")
    with make_client(api_keys_required=True) as c:
        assert _statuses(c, 2, {"X-API-Key": secret}) == [200, 200]
        limited = c.post("/translate", json=translate_body(), headers={"X-API-Key": secret})
        assert _statuses(c, 2, {"X-API-Key": other_secret}) == [200, 200]  # counted apart
        usage = c.get("/usage", headers={"X-API-Key": secret})  # /usage spends no rate
    _assert_rate_limited(limited)
    assert key.id in limited.json()["error"]["message"]
    assert usage.status_code == 200 and usage.json()["character_count"] == 2 * HELLO


def test_default_rate_applies_to_keys_without_their_own(
    make_client: MakeClient, store: KeyStore
) -> None:
    _plain, plain = store.create(name="plain")
    _own, own = store.create(name="own", rate_limit="3/minute")
    with make_client(api_keys_required=True, rate_limit_default="1/minute") as c:
        assert _statuses(c, 2, {"X-API-Key": plain}) == [200, 429]
        assert _statuses(c, 4, {"X-API-Key": own}) == [200, 200, 200, 429]


def test_no_limit_with_keys_off_unless_a_per_ip_rate_is_set(
    make_client: MakeClient, store: KeyStore
) -> None:
    _key, secret = store.create(name="desk-a")
    with make_client() as c:
        assert _statuses(c, 6) == [200] * 6
    with make_client(rate_limit_per_ip="2/minute") as c:
        # Anonymous callers (no key, or one the store does not know) share the address's rate.
        assert _statuses(c, 1) == [200]
        assert _statuses(c, 1, {"X-API-Key": "nsk_unknown"}) == [200]
        limited = c.post("/translate", json=translate_body())
        # A known key is counted as itself, not as the address.
        assert _statuses(c, 3, {"X-API-Key": secret}) == [200] * 3
    _assert_rate_limited(limited)
    assert "this client address" in limited.json()["error"]["message"]


def test_quota_gives_456_and_usage_is_exact(make_client: MakeClient, store: KeyStore) -> None:
    key, secret = store.create(name="desk-a", char_quota=30, quota_period="day")
    headers = {"Authorization": f"Bearer {secret}"}
    twenty = "Good morning, friends"[:20]
    with make_client(api_keys_required=True) as c:
        assert c.post("/translate", json=translate_body(twenty), headers=headers).status_code == 200
        first = c.get("/usage", headers=headers).json()
        over = c.post("/translate", json=translate_body(twenty), headers=headers)
        after_refusal = c.get("/usage", headers=headers).json()
        ten = c.post("/translate", json=translate_body(["Hello", "there"]), headers=headers)
        full = c.get("/usage", headers=headers).json()
        one_more = c.post("/translate", json=translate_body("A"), headers=headers)
    assert first["character_count"] == 20 and first["character_limit"] == 30
    error = assert_error(over, 456, "quota_exceeded", param="text")
    assert "30 per day" in error["message"] and "20 used" in error["message"]
    assert "needs 20" in error["message"]
    assert "Retry-After" not in over.headers  # waiting seconds will not help
    assert after_refusal["character_count"] == 20  # a refused request costs nothing
    assert ten.status_code == 200, ten.text
    assert full == {
        "character_count": 30,
        "character_limit": 30,
        "period": "day",
        "period_start": full["period_start"],
        "period_end": full["period_end"],
        "key_id": key.id,
    }
    start = datetime.fromisoformat(full["period_start"].replace("Z", "+00:00"))
    end = datetime.fromisoformat(full["period_end"].replace("Z", "+00:00"))
    assert (
        end - start == timedelta(days=1) and start.hour == 0 and start.utcoffset() == timedelta(0)
    )
    assert_error(one_more, 456, "quota_exceeded")


def test_summarize_is_charged_the_article_and_title(
    make_client: MakeClient, store: KeyStore
) -> None:
    _key, secret = store.create(name="desk-a", char_quota=100_000)
    text = "The minister met the ambassador. They discussed trade and visas."
    title = "Talks on trade"
    headers = {"X-API-Key": secret}
    with make_client(api_keys_required=True) as c:
        r = c.post(
            "/summarize",
            json={"text": text, "title": title, "source_lang": "en", "target_langs": ["ru"]},
            headers=headers,
        )
        usage = c.get("/usage", headers=headers).json()
    assert r.status_code == 200, r.text
    assert usage["character_count"] == len(text) + len(title)  # translations do not multiply


class _FailingTranslation:
    def translate(self, *_args: object, **_kwargs: object) -> None:
        raise GenerationFailed("the model produced nothing", param="text")


def test_a_failed_request_is_refunded(make_client: MakeClient, store: KeyStore) -> None:
    _key, secret = store.create(name="desk-a", char_quota=1000)
    headers = {"X-API-Key": secret}
    with make_client(api_keys_required=True) as c:
        assert c.post("/translate", json=translate_body(), headers=headers).status_code == 200
        loaded = c.app_state["slot"].engines
        assert isinstance(loaded, Engines)
        failing = dataclasses.replace(loaded, translation=_FailingTranslation())  # type: ignore[arg-type]
        c.app.dependency_overrides[get_engines] = lambda: failing  # type: ignore[attr-defined]
        failed = c.post(
            "/translate",
            json={**translate_body("Something else."), "cache": False},
            headers=headers,
        )
        usage = c.get("/usage", headers=headers).json()
    assert_error(failed, 502, "generation_failed")
    assert usage["character_count"] == HELLO


@needs_redis
def test_two_replicas_share_keys_rates_and_quotas_through_redis(
    client: TestClient, tiny_settings: Settings, tmp_path: Path
) -> None:
    loader = reuse_engines(client)
    with redis_server(tmp_path) as url:
        settings = tiny_settings.model_copy(
            update={"store_url": url, "rate_limit_storage_url": url, "api_keys_required": True}
        )
        store = open_key_store(url)
        _key, secret = store.create(name="desk-a", rate_limit="3/minute", char_quota=3 * HELLO)
        headers = {"X-API-Key": secret}
        with (
            TestClient(create_app(settings, loader=loader)) as a,
            TestClient(create_app(settings, loader=loader)) as b,
        ):
            assert _statuses(a, 2, headers) == [200, 200]
            assert _statuses(b, 1, headers) == [200]
            limited = b.post("/translate", json=translate_body(), headers=headers)
            usage_a = a.get("/usage", headers=headers).json()
            usage_b = b.get("/usage", headers=headers).json()
        _assert_rate_limited(limited)
        assert usage_a == usage_b and usage_a["character_count"] == 3 * HELLO
        assert usage_a["character_limit"] == 3 * HELLO

        # A restarted replica (new rate window storage client, same Redis) sees the quota used up.
        _fresh, fresh = store.create(name="desk-b", char_quota=HELLO)
        with TestClient(create_app(settings, loader=loader)) as c:
            assert _statuses(c, 1, {"X-API-Key": fresh}) == [200]
        with TestClient(create_app(settings, loader=loader)) as c:
            over = c.post("/translate", json=translate_body(), headers={"X-API-Key": fresh})
            anonymous = c.get("/usage")
        assert_error(over, 456, "quota_exceeded")
        assert_error(anonymous, 401, "missing_api_key")
        store.close()


def test_bad_rates_and_storage_urls_fail_when_settings_are_built() -> None:
    with pytest.raises(ValidationError, match="rate 'sixty'"):
        Settings(rate_limit_default="sixty")
    with pytest.raises(ValidationError, match="rate '1/fortnight'"):
        Settings(rate_limit_per_ip="1/fortnight")
    with pytest.raises(ValidationError, match="RATE_LIMIT_STORAGE_URL 'memcache'"):
        Settings(rate_limit_storage_url="memcache")
    assert Settings(rate_limit_per_ip="30/minute").rate_limit_per_ip == "30/minute"


def test_an_unreachable_redis_fails_start_up(
    client: TestClient, tiny_settings: Settings, store_url: str
) -> None:
    dead = f"redis://127.0.0.1:{free_port()}/0"  # a port nothing listens on
    loader = reuse_engines(client)
    limiter_down = tiny_settings.model_copy(
        update={"store_url": store_url, "rate_limit_storage_url": dead}
    )
    app = create_app(limiter_down, loader=loader)
    with pytest.raises(RuntimeError, match="does not answer"), TestClient(app):
        pass
    store_down = tiny_settings.model_copy(update={"store_url": dead})
    app = create_app(store_down, loader=loader)
    with pytest.raises(redis.ConnectionError), TestClient(app):
        pass
