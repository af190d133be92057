"""The embedded key store: one SQLite file (stdlib ``sqlite3``), for a single replica.

WAL journal mode lets the CLI create or revoke keys while the server reads them, and a busy
timeout makes a writer wait for the other process instead of failing. One connection is
shared by the server's threads under a lock (SQLite serialises writers anyway), and every
check-and-charge runs in a ``BEGIN IMMEDIATE`` transaction, so two processes on the same file
cannot both take the last characters of a quota.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import cast

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

_SCHEMA = """
CREATE TABLE IF NOT EXISTS api_keys (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    secret_sha256 TEXT NOT NULL UNIQUE,
    created TEXT NOT NULL,
    revoked TEXT,
    rate_limit TEXT,
    char_quota INTEGER,
    quota_period TEXT NOT NULL CHECK (quota_period IN ('day', 'month'))
);
CREATE TABLE IF NOT EXISTS usage (
    account TEXT NOT NULL,
    period TEXT NOT NULL,
    characters INTEGER NOT NULL,
    PRIMARY KEY (account, period)
);
"""
_COLUMNS = "id, name, created, revoked, rate_limit, char_quota, quota_period"


class SqliteKeyStore:
    """``KeyStore`` on a SQLite file; the parent directory is created if missing."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        # isolation_level=None: no implicit transactions; the ones below are explicit.
        self._conn = sqlite3.connect(
            path, timeout=10.0, isolation_level=None, check_same_thread=False
        )
        self._lock = threading.Lock()
        with self._lock:
            self._conn.execute("PRAGMA journal_mode=WAL")
            self._conn.execute("PRAGMA busy_timeout=10000")
            # With WAL, NORMAL syncs at checkpoints, not at every commit: a charge costs
            # microseconds instead of a disk flush (5 ms here), and a crash of the process
            # loses nothing; only a power cut can lose the last moments of counting.
            self._conn.execute("PRAGMA synchronous=NORMAL")
            self._conn.executescript(_SCHEMA)

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield self._conn
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")

    def _query(self, sql: str, *args: object) -> list[tuple[object, ...]]:
        with self._lock:
            return list(self._conn.execute(sql, args).fetchall())

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
        with self._transaction() as conn:
            conn.execute(
                "INSERT INTO api_keys (id, name, secret_sha256, created, revoked, rate_limit, "
                "char_quota, quota_period) VALUES (?, ?, ?, ?, NULL, ?, ?, ?)",
                (
                    key.id,
                    name,
                    hash_secret(secret),
                    key.created.isoformat(),
                    rate_limit,
                    char_quota,
                    quota_period,
                ),
            )
        return key, secret

    def lookup(self, secret: str) -> ApiKey | None:
        """The key whose secret this is (revoked ones included), or None."""
        rows = self._query(
            f"SELECT {_COLUMNS} FROM api_keys WHERE secret_sha256 = ?", hash_secret(secret)
        )
        return _key(rows[0]) if rows else None

    def get(self, key_id: str) -> ApiKey | None:
        """The key with this id, or None."""
        rows = self._query(f"SELECT {_COLUMNS} FROM api_keys WHERE id = ?", key_id)
        return _key(rows[0]) if rows else None

    def list_keys(self) -> list[ApiKey]:
        """Every key, oldest first."""
        return [_key(r) for r in self._query(f"SELECT {_COLUMNS} FROM api_keys ORDER BY rowid")]

    def revoke(self, key_id: str) -> ApiKey | None:
        """Mark a key revoked (idempotent: the first revocation time stays); None if unknown."""
        with self._transaction() as conn:
            conn.execute(
                "UPDATE api_keys SET revoked = ? WHERE id = ? AND revoked IS NULL",
                (now_utc().isoformat(), key_id),
            )
        return self.get(key_id)

    def charge(self, account: str, period: str, chars: int, *, limit: int | None) -> Charge:
        """Add ``chars`` unless that would pass ``limit``; atomic across processes."""
        with self._transaction() as conn:
            row = conn.execute(
                "SELECT characters FROM usage WHERE account = ? AND period = ?", (account, period)
            ).fetchone()
            used = int(row[0]) if row else 0
            if limit is not None and used + chars > limit:
                return Charge(False, used)
            conn.execute(
                "INSERT INTO usage (account, period, characters) VALUES (?, ?, ?) "
                "ON CONFLICT (account, period) DO UPDATE "
                "SET characters = characters + excluded.characters",
                (account, period, chars),
            )
        return Charge(True, used + chars)

    def refund(self, account: str, period: str, chars: int) -> None:
        """Take back characters charged for a request that then failed."""
        with self._transaction() as conn:
            conn.execute(
                "UPDATE usage SET characters = MAX(0, characters - ?) "
                "WHERE account = ? AND period = ?",
                (chars, account, period),
            )

    def usage(self, account: str, period: str) -> int:
        """Characters charged to the account in ``period``."""
        rows = self._query(
            "SELECT characters FROM usage WHERE account = ? AND period = ?", account, period
        )
        return int(cast("int", rows[0][0])) if rows else 0

    def close(self) -> None:
        """Close the connection."""
        with self._lock:
            self._conn.close()


def _key(row: tuple[object, ...]) -> ApiKey:
    key_id, name, created, revoked, rate_limit, char_quota, period = row
    return ApiKey(
        id=str(key_id),
        name=str(name),
        created=datetime.fromisoformat(str(created)),
        revoked=datetime.fromisoformat(str(revoked)) if revoked is not None else None,
        rate_limit=str(rate_limit) if rate_limit is not None else None,
        char_quota=int(cast("int", char_quota)) if char_quota is not None else None,
        quota_period=cast("QuotaPeriod", period),
    )
