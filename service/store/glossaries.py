"""Stored glossaries, kept where ``STORE_URL`` says (the store of the API keys and jobs).

A glossary has a DeepL-style id (a UUID), a name, a language pair and its entries. SQLite
keeps them in table ``glossaries`` of the store's file (one connection per call: calls are
short, and the file is shared with the other tables' writers); Redis keeps each as a JSON
string under ``glossary:{id}`` with the ids, in creation order, in the sorted set
``glossaries:order`` (``service.store.order``).
"""

from __future__ import annotations

import json
import sqlite3
import uuid
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol, cast

import redis

from models.languages import LangCode
from service.store import parse_store_url
from service.store.order import CreationOrder

_SCHEMA = """
CREATE TABLE IF NOT EXISTS glossaries (
    glossary_id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    source_lang TEXT NOT NULL,
    target_lang TEXT NOT NULL,
    entries TEXT NOT NULL,
    creation_time TEXT NOT NULL
)
"""


@dataclass(frozen=True)
class StoredGlossary:
    """A glossary as stored: ``entries`` maps source terms to target terms."""

    glossary_id: str
    name: str
    source_lang: LangCode
    target_lang: LangCode
    entries: dict[str, str]
    creation_time: str

    @property
    def entry_count(self) -> int:
        """How many entries it has."""
        return len(self.entries)

    def to_json(self) -> str:
        """The stored form."""
        return json.dumps(self.__dict__, ensure_ascii=False)


class GlossaryNotFound(LookupError):
    """No glossary has this id."""

    def __init__(self, glossary_id: str) -> None:
        super().__init__(f"No glossary has the id {glossary_id!r}.")
        self.glossary_id = glossary_id


class GlossaryStore(Protocol):
    """Where glossaries are kept."""

    def create(
        self, *, name: str, source_lang: LangCode, target_lang: LangCode, entries: dict[str, str]
    ) -> StoredGlossary:
        """Store a new glossary under a new id."""
        ...

    def list(self) -> list[StoredGlossary]:
        """Every glossary, oldest first."""
        ...

    def get(self, glossary_id: str) -> StoredGlossary:
        """The glossary with this id. Raises ``GlossaryNotFound``."""
        ...

    def delete(self, glossary_id: str) -> None:
        """Remove it. Raises ``GlossaryNotFound``."""
        ...


def _now() -> str:
    """DeepL's ``creation_time``: ISO 8601 in UTC, to the millisecond."""
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _new(
    name: str, source_lang: LangCode, target_lang: LangCode, entries: dict[str, str]
) -> StoredGlossary:
    return StoredGlossary(str(uuid.uuid4()), name, source_lang, target_lang, dict(entries), _now())


def _from_row(row: Any) -> StoredGlossary:
    gid, name, source, target, entries, created = row
    return StoredGlossary(gid, name, source, target, json.loads(entries), created)


class SqliteGlossaries:
    """Glossaries in table ``glossaries`` of a SQLite file (created on first use)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._ready = False

    def _connect(self) -> sqlite3.Connection:
        if not self._ready:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(self.path, timeout=10)
        if not self._ready:
            conn.execute("PRAGMA journal_mode=WAL")  # readers do not wait for a writer
            conn.execute(_SCHEMA)
            conn.commit()
            self._ready = True
        return conn

    def create(
        self, *, name: str, source_lang: LangCode, target_lang: LangCode, entries: dict[str, str]
    ) -> StoredGlossary:
        """Store a new glossary under a new id."""
        g = _new(name, source_lang, target_lang, entries)
        with closing(self._connect()) as conn, conn:
            conn.execute(
                "INSERT INTO glossaries VALUES (?, ?, ?, ?, ?, ?)",
                (g.glossary_id, g.name, g.source_lang, g.target_lang,
                 json.dumps(g.entries, ensure_ascii=False), g.creation_time),
            )  # fmt: skip
        return g

    def list(self) -> list[StoredGlossary]:
        """Every glossary, oldest first."""
        with closing(self._connect()) as conn:
            # rowid: the insertion order (creation times to the millisecond can tie).
            rows = conn.execute("SELECT * FROM glossaries ORDER BY rowid")
            return [_from_row(r) for r in rows.fetchall()]

    def get(self, glossary_id: str) -> StoredGlossary:
        """The glossary with this id. Raises ``GlossaryNotFound``."""
        with closing(self._connect()) as conn:
            row = conn.execute(
                "SELECT * FROM glossaries WHERE glossary_id = ?", (glossary_id,)
            ).fetchone()
        if row is None:
            raise GlossaryNotFound(glossary_id)
        return _from_row(row)

    def delete(self, glossary_id: str) -> None:
        """Remove it. Raises ``GlossaryNotFound``."""
        with closing(self._connect()) as conn, conn:
            cursor = conn.execute("DELETE FROM glossaries WHERE glossary_id = ?", (glossary_id,))
        if cursor.rowcount == 0:
            raise GlossaryNotFound(glossary_id)


class RedisGlossaries:
    """Glossaries in Redis: ``glossary:{id}`` (JSON) and the ids in ``glossaries:order``."""

    def __init__(self, url: str) -> None:
        self.client = redis.Redis.from_url(url, decode_responses=True)
        # Releases before 2026-12-04 kept the ids in the plain set ``glossaries``.
        self.order = CreationOrder(self.client, "glossaries:order", legacy_set="glossaries")

    def create(
        self, *, name: str, source_lang: LangCode, target_lang: LangCode, entries: dict[str, str]
    ) -> StoredGlossary:
        """Store a new glossary under a new id."""
        g = _new(name, source_lang, target_lang, entries)
        pipe = self.client.pipeline(transaction=True)
        pipe.set(f"glossary:{g.glossary_id}", g.to_json())
        self.order.add(pipe, g.glossary_id)
        pipe.execute()
        return g

    def list(self) -> list[StoredGlossary]:
        """Every glossary, oldest first."""

        def by_creation_time(ids: list[str]) -> list[str]:
            found = _redis_records(self.client, ids)
            found.sort(key=lambda g: (g.creation_time, g.glossary_id))
            return [g.glossary_id for g in found]

        return _redis_records(self.client, self.order.ids(oldest_first=by_creation_time))

    def get(self, glossary_id: str) -> StoredGlossary:
        """The glossary with this id. Raises ``GlossaryNotFound``."""
        raw = self.client.get(f"glossary:{glossary_id}")
        if raw is None:
            raise GlossaryNotFound(glossary_id)
        return StoredGlossary(**json.loads(str(raw)))

    def delete(self, glossary_id: str) -> None:
        """Remove it. Raises ``GlossaryNotFound``."""
        pipe = self.client.pipeline(transaction=True)
        pipe.delete(f"glossary:{glossary_id}")
        self.order.remove(pipe, glossary_id)
        removed = pipe.execute()[0]
        if not removed:
            raise GlossaryNotFound(glossary_id)


def _redis_records(client: redis.Redis, ids: list[str]) -> list[StoredGlossary]:
    """The glossaries with these ids, in their order (ids without a record left out)."""
    if not ids:
        return []
    # decode_responses=True: the client answers str, which its stubs do not know.
    raw = cast("list[str | None]", client.mget([f"glossary:{i}" for i in ids]))
    return [StoredGlossary(**json.loads(r)) for r in raw if r]


def open_glossaries(store_url: str) -> GlossaryStore:
    """The glossary store ``STORE_URL`` names (nothing is opened until first use)."""
    location = parse_store_url(store_url)
    if location.kind == "sqlite":
        assert location.path is not None
        return SqliteGlossaries(location.path)
    return RedisGlossaries(location.url)
