"""A bounded in-memory cache of finished results, with identical requests run once.

Several desks send the same wire story. A result is keyed by a hash of the route, the
request's options and text, and the loaded models (id, revision, backend), so a model change
never serves a stale result. Identical requests that arrive while the first is still
running wait for it instead of running again. Results live in this process's memory only:
article text is never written anywhere.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

T = TypeVar("T")


@dataclass
class CacheStats:
    """Hits, misses and requests that joined one already running (for /metrics)."""

    hits: int = 0
    misses: int = 0
    joined: int = 0
    entries: int = 0


class ResultCache(Generic[T]):
    """An LRU of at most ``max_entries`` results (0 turns caching off)."""

    def __init__(self, max_entries: int) -> None:
        self.max_entries = max_entries
        self.stats = CacheStats()
        self._entries: OrderedDict[str, T] = OrderedDict()
        self._running: dict[str, asyncio.Future[T]] = {}

    @staticmethod
    def key(route: str, request: dict[str, Any], models: list[str]) -> str:
        """A stable key: the route, the request's fields (text included) and the models."""
        blob = json.dumps([route, request, models], sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(blob.encode("utf-8")).hexdigest()

    async def get_or_run(
        self, key: str, run: Callable[[], Awaitable[T]], *, use: bool = True
    ) -> tuple[T, bool]:
        """The cached result for ``key``, or ``run()``'s (then cached); and whether it was a
        hit. With ``use=False`` the cache is neither read nor written."""
        if not use or self.max_entries <= 0:
            return await run(), False
        if key in self._entries:
            self._entries.move_to_end(key)
            self.stats.hits += 1
            return self._entries[key], True
        running = self._running.get(key)
        if running is not None:
            self.stats.joined += 1
            return await asyncio.shield(running), True
        self.stats.misses += 1
        future: asyncio.Future[T] = asyncio.get_running_loop().create_future()
        self._running[key] = future
        try:
            result = await run()
        except asyncio.CancelledError:
            future.cancel()
            raise
        except BaseException as exc:
            future.set_exception(exc)
            # Nobody else may be waiting; retrieve it so asyncio does not log it as unseen.
            future.exception()
            raise
        finally:
            self._running.pop(key, None)
        future.set_result(result)
        self._entries[key] = result
        while len(self._entries) > self.max_entries:
            self._entries.popitem(last=False)
        self.stats.entries = len(self._entries)
        return result, False
