"""Where the service keeps what must survive a restart: API keys and usage counters, stored
glossaries, jobs. One ``STORE_URL`` names it for all of them, so several replicas share one
store (a per-replica key file is the failure LibreTranslate's Helm chart shows).

- ``sqlite:///relative/path.db`` or ``sqlite:////absolute/path.db``: an embedded SQLite file
  (the default, for one replica);
- ``redis://host:port/db``: a Redis server, shared by replicas (the limiter can use the same).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit


@dataclass(frozen=True)
class StoreLocation:
    """A parsed ``STORE_URL``: a SQLite file or a Redis URL."""

    kind: Literal["sqlite", "redis"]
    url: str
    path: Path | None = None


def parse_store_url(url: str) -> StoreLocation:
    """The store a URL names. Raises ``ValueError`` for another scheme or an empty path."""
    scheme = urlsplit(url).scheme
    if scheme == "sqlite":
        raw = url[len("sqlite:///") :] if url.startswith("sqlite:///") else ""
        if not raw:
            raise ValueError(f"STORE_URL {url!r}: give a file, e.g. sqlite:///data/service.db")
        return StoreLocation("sqlite", url, Path(raw))
    if scheme in ("redis", "rediss", "unix"):
        return StoreLocation("redis", url)
    raise ValueError(f"STORE_URL {url!r}: use sqlite:///PATH or redis://HOST:PORT/DB")
