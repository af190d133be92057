"""The key store contract, run on both implementations: SQLite and a real redis-server."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import join_all
from servers import needs_redis, redis_server

from service.store.keys import KeyStore, hash_secret, open_key_store
from service.store.sqlite_keys import SqliteKeyStore


@pytest.fixture(params=["sqlite", pytest.param("redis", marks=needs_redis)])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[KeyStore]:
    if request.param == "sqlite":
        opened = open_key_store(f"sqlite:///{tmp_path / 'nested' / 'keys.db'}")
        yield opened
        opened.close()
    else:
        with redis_server(tmp_path) as url:
            opened = open_key_store(url)
            yield opened
            opened.close()


def test_create_lookup_list_revoke(store: KeyStore) -> None:
    key, secret = store.create(name="desk-a", rate_limit="60/minute", char_quota=500_000)
    other, other_secret = store.create(name="desk-b", quota_period="day")
    assert secret.startswith("nsk_") and len(secret) >= 40 and secret != other_secret
    assert store.lookup(secret) == key
    assert store.lookup(other_secret) == other
    assert store.lookup(secret + "x") is None
    assert (key.name, key.rate_limit, key.char_quota, key.quota_period) == (
        "desk-a",
        "60/minute",
        500_000,
        "month",
    )
    assert (other.rate_limit, other.char_quota, other.quota_period) == (None, None, "day")
    assert [k.id for k in store.list_keys()] == [key.id, other.id]  # oldest first
    revoked = store.revoke(key.id)
    assert revoked is not None and revoked.revoked is not None and not revoked.active
    again = store.revoke(key.id)
    assert again is not None and again.revoked == revoked.revoked  # the first time stays
    looked_up = store.lookup(secret)
    assert looked_up is not None and not looked_up.active
    assert store.revoke("key_unknown") is None
    assert store.get("key_unknown") is None


def test_keys_list_in_creation_order_within_one_second(store: KeyStore) -> None:
    # ``created`` is to the second, so these tie on it; a tie-break by the random id once
    # listed them in random order.
    made = [store.create(name=f"desk-{i}")[0] for i in range(12)]
    assert len({k.created for k in made}) <= 2
    assert [k.id for k in store.list_keys()] == [k.id for k in made]


@needs_redis
def test_redis_adopts_the_id_set_of_an_older_release(tmp_path: Path) -> None:
    import redis

    with redis_server(tmp_path) as url:
        old, new = open_key_store(url), open_key_store(url)
        made = [old.create(name=f"desk-{i}")[0] for i in range(3)]
        client = redis.Redis.from_url(url, decode_responses=True)
        # What a release before 2026-12-04 wrote: the ids in a plain set, no order.
        client.delete("api_keys:order", "api_keys:order:counter")
        client.sadd("api_keys:ids", *(k.id for k in made))
        later = new.create(name="desk-later")[0]
        listed = [k.id for k in new.list_keys()]
        assert sorted(listed[:3]) == sorted(k.id for k in made) and listed[3] == later.id
        assert not client.exists("api_keys:ids")
        assert [k.id for k in old.list_keys()] == listed
        old.close()
        new.close()


def test_bad_fields_are_refused(store: KeyStore) -> None:
    with pytest.raises(ValueError, match="rate"):
        store.create(name="x", rate_limit="sixty a minute")
    with pytest.raises(ValueError, match="name"):
        store.create(name="  ")
    with pytest.raises(ValueError, match="quota"):
        store.create(name="x", char_quota=-1)
    assert store.list_keys() == []


def test_charge_stops_at_the_limit_and_refunds(store: KeyStore) -> None:
    assert store.usage("k", "2026-12") == 0
    first = store.charge("k", "2026-12", 60, limit=100)
    assert (first.accepted, first.used) == (True, 60)
    refused = store.charge("k", "2026-12", 41, limit=100)
    assert (refused.accepted, refused.used) == (False, 60)
    exact = store.charge("k", "2026-12", 40, limit=100)
    assert (exact.accepted, exact.used) == (True, 100)
    assert store.usage("k", "2026-12") == 100
    assert store.usage("k", "2026-11") == 0  # another period counts apart
    store.refund("k", "2026-12", 30)
    assert store.usage("k", "2026-12") == 70
    unlimited = store.charge("other", "2026-12", 10**9, limit=None)
    assert (unlimited.accepted, unlimited.used) == (True, 10**9)


def test_concurrent_charges_never_overshoot(store: KeyStore) -> None:
    results: list[bool] = []
    lock = threading.Lock()

    def charge() -> None:
        for _ in range(5):
            accepted = store.charge("k", "2026-12-02", 7, limit=100).accepted
            with lock:
                results.append(accepted)

    threads = [threading.Thread(target=charge) for _ in range(8)]
    for thread in threads:
        thread.start()
    join_all(threads, timeout_s=60)
    assert len(results) == 40
    assert results.count(True) == 14  # 14 * 7 = 98; a 15th would make 105
    assert store.usage("k", "2026-12-02") == 98


def test_sqlite_keeps_only_the_hash(tmp_path: Path) -> None:
    path = tmp_path / "data" / "keys.db"
    store = SqliteKeyStore(path)
    key, secret = store.create(name="desk-a")
    store.close()
    with sqlite3.connect(path) as conn:
        rows = conn.execute("SELECT * FROM api_keys").fetchall()
        mode = conn.execute("PRAGMA journal_mode").fetchone()[0]
    assert len(rows) == 1
    assert secret not in repr(rows)
    assert hash_secret(secret) in rows[0]
    assert mode == "wal"
    reopened = open_key_store(f"sqlite:///{path}")
    assert reopened.lookup(secret) == key
    reopened.close()
