"""Creation order in Redis: ids in a sorted set scored by a counter the server increments.

A listing that says "oldest first" cannot sort by a creation timestamp: two records made in
the same millisecond (or, for API keys, the same second) tie, and the tie-break by a random id
then lists them in random order. The store's own counter cannot tie. SQLite has the same
counter for free (``rowid``).

Ids written by an older release live in a plain set; ``CreationOrder.ids`` moves them into the
sorted set, before every newer id, the first time it finds that set.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import cast

import redis
from redis.client import Pipeline

# KEYS[1] the sorted set, KEYS[2] its counter; ARGV[1] the id. One script, so the counter's
# value and the id's score are written together even with concurrent writers.
_ADD = """
local n = redis.call('INCR', KEYS[2])
redis.call('ZADD', KEYS[1], n, ARGV[1])
return n
"""


class CreationOrder:
    """The ids of one kind of record in the order they were created (on a client made with
    ``decode_responses=True``)."""

    def __init__(self, client: redis.Redis, key: str, legacy_set: str | None = None) -> None:
        self.client = client
        self.key = key
        self.counter = f"{key}:counter"
        self.legacy_set = legacy_set
        self._add = client.register_script(_ADD)

    def add(self, pipe: Pipeline, record_id: str) -> None:
        """Append an id, as part of the pipeline that writes its record."""
        self._add(keys=[self.key, self.counter], args=[record_id], client=pipe)

    def remove(self, pipe: Pipeline, record_id: str) -> None:
        """Drop an id, as part of the pipeline that deletes its record."""
        pipe.zrem(self.key, record_id)
        if self.legacy_set:
            pipe.srem(self.legacy_set, record_id)

    def ids(self, oldest_first: Callable[[list[str]], list[str]] | None = None) -> list[str]:
        """Every id, oldest first. ``oldest_first`` orders the ids of an older release's set
        (from their records' times) when there is one to adopt."""
        if self.legacy_set and self.client.type(self.legacy_set) == "set":
            legacy = sorted(cast("set[str]", self.client.smembers(self.legacy_set)))
            ordered = oldest_first(legacy) if oldest_first else legacy
            pipe = self.client.pipeline(transaction=True)
            if ordered:
                # Negative scores: before everything the counter numbered (it starts at 1).
                scores = {rid: i - len(ordered) for i, rid in enumerate(ordered)}
                pipe.zadd(self.key, scores, nx=True)
            pipe.delete(self.legacy_set)
            pipe.execute()
        return cast("list[str]", self.client.zrange(self.key, 0, -1))
