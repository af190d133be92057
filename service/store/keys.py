"""API keys and character-usage counters, behind one small interface (``KeyStore``).

Keys are random tokens (``secrets.token_urlsafe``, 256 bits) shown once when created; the store
keeps only their SHA-256. A fast unsalted hash is enough here, unlike for passwords: the token
has 256 bits of entropy, so there is nothing to guess from the hash, and a lookup must cost
microseconds on every request.

Two implementations: SQLite (the embedded default; ``service.store.sqlite_keys``) and Redis
(shared by replicas; ``service.store.redis_keys``). Both keep the usage counters beside the
keys, so counters survive a restart and replicas count together. The tables (``api_keys``,
``usage``) and Redis key prefixes (``api_keys:``, ``usage:``) are named for what they hold:
other parts of the service keep their own tables in the same store.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal, Protocol

from limits import parse

from service.store import StoreLocation, parse_store_url

QuotaPeriod = Literal["day", "month"]
PERIODS: tuple[QuotaPeriod, ...] = ("day", "month")
SECRET_PREFIX = "nsk_"
LIMITS_SCHEMES = ("memory", "redis", "rediss", "redis+unix")


@dataclass(frozen=True)
class ApiKey:
    """One API key's record (never its secret)."""

    id: str
    name: str
    created: datetime
    revoked: datetime | None = None
    rate_limit: str | None = None
    char_quota: int | None = None
    quota_period: QuotaPeriod = "month"

    @property
    def active(self) -> bool:
        """Not revoked."""
        return self.revoked is None


@dataclass(frozen=True)
class Charge:
    """The outcome of a check-and-charge: whether it was charged, and the period's count after
    (or, when refused, the count that stands)."""

    accepted: bool
    used: int


class KeyStore(Protocol):
    """Where keys and usage counters live. Every method is safe to call from several threads;
    ``charge`` is atomic across processes and replicas sharing the store."""

    def create(
        self,
        *,
        name: str,
        rate_limit: str | None = None,
        char_quota: int | None = None,
        quota_period: QuotaPeriod = "month",
    ) -> tuple[ApiKey, str]:
        """Make a key; returns its record and its secret (the only time the secret is seen)."""
        ...

    def lookup(self, secret: str) -> ApiKey | None:
        """The key whose secret this is (revoked ones included), or None."""
        ...

    def get(self, key_id: str) -> ApiKey | None:
        """The key with this id, or None."""
        ...

    def list_keys(self) -> list[ApiKey]:
        """Every key, oldest first."""
        ...

    def revoke(self, key_id: str) -> ApiKey | None:
        """Mark a key revoked (idempotent: the first revocation time stays); None if unknown."""
        ...

    def charge(self, account: str, period: str, chars: int, *, limit: int | None) -> Charge:
        """Add ``chars`` to the account's counter for ``period`` unless that would pass
        ``limit`` (None: no limit). Atomic: concurrent charges never overshoot the limit."""
        ...

    def refund(self, account: str, period: str, chars: int) -> None:
        """Take back characters charged for a request that then failed."""
        ...

    def usage(self, account: str, period: str) -> int:
        """Characters charged to the account in ``period``."""
        ...

    def close(self) -> None:
        """Release connections."""
        ...


def new_secret() -> str:
    """A fresh key secret: a recognisable prefix (for secret scanners) and 256 random bits."""
    return SECRET_PREFIX + secrets.token_urlsafe(32)


def new_key_id() -> str:
    """A short public id for a key (shown by ``list``, used by ``revoke``)."""
    return "key_" + secrets.token_hex(6)


def hash_secret(secret: str) -> str:
    """The stored form of a secret."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def now_utc() -> datetime:
    """The current time, timezone-aware, to the second."""
    return datetime.now(UTC).replace(microsecond=0)


def validate_key_fields(
    *, name: str, rate_limit: str | None, char_quota: int | None, quota_period: str
) -> None:
    """Raise ``ValueError`` for a key that would fail later: an empty name, a rate the
    ``limits`` library cannot parse (e.g. ``60/minute``), a negative quota, a bad period."""
    if not name.strip():
        raise ValueError("a key needs a non-empty name")
    if rate_limit is not None:
        parse_rate(rate_limit)
    if char_quota is not None and char_quota < 0:
        raise ValueError(f"character quota {char_quota}: must be 0 or more")
    if quota_period not in PERIODS:
        raise ValueError(f"quota period {quota_period!r}: use day or month")


def parse_rate(rate: str) -> None:
    """Raise ``ValueError`` unless ``rate`` is a ``limits`` rate string such as ``60/minute``."""
    try:
        parse(rate)
    except ValueError as exc:
        raise ValueError(f"rate {rate!r}: use e.g. 60/minute or 1000/hour ({exc})") from exc


def open_key_store(location: StoreLocation | str) -> KeyStore:
    """The key store at a ``STORE_URL`` (or its parsed form): SQLite or Redis."""
    if isinstance(location, str):
        location = parse_store_url(location)
    if location.kind == "sqlite":
        from service.store.sqlite_keys import SqliteKeyStore

        assert location.path is not None
        return SqliteKeyStore(location.path)
    from service.store.redis_keys import RedisKeyStore

    return RedisKeyStore(location.url)


def check_limits_storage(url: str) -> None:
    """Raise ``ValueError`` unless ``url`` names a rate-limit storage this service builds:
    ``memory://`` (this process) or a Redis URL (``redis://``, ``rediss://``, ``redis+unix://``)."""
    if url.split("://", 1)[0] not in LIMITS_SCHEMES or "://" not in url:
        raise ValueError(f"RATE_LIMIT_STORAGE_URL {url!r}: use memory:// or redis://HOST:PORT/DB")
