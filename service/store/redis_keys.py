"""The shared key store: Redis (redis-py), so that several replicas see the same keys and
count usage together.

Layout (prefixes named for what they hold; other parts of the service use their own):
``api_keys:key:<id>`` a hash with the record, ``api_keys:sha256:<hex>`` the id for a secret's
hash, ``api_keys:order`` the ids in creation order (``service.store.order``; releases before
2026-12-04 kept them in the set ``api_keys:ids``), ``usage:<account>:<period>`` the
characters counted.
Check-and-charge is one Lua script, so it is atomic on the server: concurrent replicas cannot
both take the last characters of a quota. Persistence is the Redis server's (AOF or RDB).
"""

from __future__ import annotations

from datetime import datetime
from typing import cast

import redis
from redis.typing import EncodableT, FieldT

from service.store.keys import (
    ApiKey,
    Charge,
    QuotaPeriod,
    hash_secret,
    new_key_id,
    new_secret,
    now_utc,
    validate_key_fields,
)
from service.store.order import CreationOrder

_CHARGE = """
local used = tonumber(redis.call('GET', KEYS[1]) or '0')
local chars = tonumber(ARGV[1])
local limit = tonumber(ARGV[2])
if limit >= 0 and used + chars > limit then
  return {0, used}
end
return {1, redis.call('INCRBY', KEYS[1], chars)}
"""
_REFUND = """
local used = tonumber(redis.call('GET', KEYS[1]) or '0')
local left = math.max(0, used - tonumber(ARGV[1]))
redis.call('SET', KEYS[1], left)
return left
"""


class RedisKeyStore:
    """``KeyStore`` on a Redis server (``redis://host:port/db``)."""

    def __init__(self, url: str) -> None:
        self.url = url
        self._redis: redis.Redis = redis.Redis.from_url(url, decode_responses=True)
        self._order = CreationOrder(self._redis, "api_keys:order", legacy_set="api_keys:ids")
        self._redis.ping()  # an unreachable store fails at start-up, not at the first request
        self._charge = self._redis.register_script(_CHARGE)
        self._refund = self._redis.register_script(_REFUND)

    def create(
        self,
        *,
        name: str,
        rate_limit: str | None = None,
        char_quota: int | None = None,
        quota_period: QuotaPeriod = "month",
    ) -> tuple[ApiKey, str]:
        """Make a key; returns its record and its secret (the only time the secret is seen)."""
        validate_key_fields(
            name=name, rate_limit=rate_limit, char_quota=char_quota, quota_period=quota_period
        )
        key = ApiKey(new_key_id(), name, now_utc(), None, rate_limit, char_quota, quota_period)
        secret = new_secret()
        record: dict[FieldT, EncodableT] = {
            "id": key.id,
            "name": name,
            "created": key.created.isoformat(),
            "rate_limit": rate_limit or "",
            "char_quota": "" if char_quota is None else str(char_quota),
            "quota_period": quota_period,
        }
        pipe = self._redis.pipeline(transaction=True)
        pipe.hset(f"api_keys:key:{key.id}", mapping=record)
        pipe.set(f"api_keys:sha256:{hash_secret(secret)}", key.id)
        self._order.add(pipe, key.id)
        pipe.execute()
        return key, secret

    def lookup(self, secret: str) -> ApiKey | None:
        """The key whose secret this is (revoked ones included), or None."""
        key_id = cast("str | None", self._redis.get(f"api_keys:sha256:{hash_secret(secret)}"))
        return self.get(key_id) if key_id else None

    def get(self, key_id: str) -> ApiKey | None:
        """The key with this id, or None."""
        record = cast("dict[str, str]", self._redis.hgetall(f"api_keys:key:{key_id}"))
        return _key(record) if record else None

    def list_keys(self) -> list[ApiKey]:
        """Every key, oldest first."""
        ids = self._order.ids(oldest_first=self._by_creation_time)
        return [k for k in (self.get(i) for i in ids) if k is not None]

    def _by_creation_time(self, ids: list[str]) -> list[str]:
        keys = sorted((k for k in (self.get(i) for i in ids) if k), key=lambda k: (k.created, k.id))
        return [k.id for k in keys]

    def revoke(self, key_id: str) -> ApiKey | None:
        """Mark a key revoked (idempotent: the first revocation time stays); None if unknown."""
        name = f"api_keys:key:{key_id}"
        if not self._redis.exists(name):
            return None
        # The field is absent until revoked, so HSETNX keeps the first time, atomically.
        self._redis.hsetnx(name, "revoked", now_utc().isoformat())
        return self.get(key_id)

    def charge(self, account: str, period: str, chars: int, *, limit: int | None) -> Charge:
        """Add ``chars`` unless that would pass ``limit``; atomic on the server."""
        accepted, used = cast(
            "list[int]",
            self._charge(
                keys=[f"usage:{account}:{period}"], args=[chars, -1 if limit is None else limit]
            ),
        )
        return Charge(bool(accepted), int(used))

    def refund(self, account: str, period: str, chars: int) -> None:
        """Take back characters charged for a request that then failed."""
        self._refund(keys=[f"usage:{account}:{period}"], args=[chars])

    def usage(self, account: str, period: str) -> int:
        """Characters charged to the account in ``period``."""
        value = cast("str | None", self._redis.get(f"usage:{account}:{period}"))
        return int(value) if value else 0

    def close(self) -> None:
        """Close the connection pool."""
        self._redis.close()


def _key(record: dict[str, str]) -> ApiKey:
    return ApiKey(
        id=record["id"],
        name=record["name"],
        created=datetime.fromisoformat(record["created"]),
        revoked=datetime.fromisoformat(record["revoked"]) if record.get("revoked") else None,
        rate_limit=record.get("rate_limit") or None,
        char_quota=int(record["char_quota"]) if record.get("char_quota") else None,
        quota_period=cast("QuotaPeriod", record.get("quota_period", "month")),
    )
