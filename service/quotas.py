"""Per-caller limits: a request rate (the ``limits`` library) and a character quota per day or
month (counted in the key store, so it survives a restart and replicas count together).

The two answer differently on purpose. A rate limit is a 429 with ``Retry-After``: waiting a
few seconds helps. A used-up quota is a 456 ``quota_exceeded`` (DeepL's status for the same
case): retrying before the period ends will not help, and a client that backs off on every
429 should not spin on it.
"""

from __future__ import annotations

import asyncio
import math
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, cast

from limits import RateLimitItem, parse
from limits.aio.storage import Storage
from limits.aio.strategies import SlidingWindowCounterRateLimiter
from limits.storage import storage_from_string

from service.errors import QuotaExceeded, RateLimited
from service.store.keys import KeyStore, QuotaPeriod, now_utc

if TYPE_CHECKING:
    from service.auth import Caller

# What DeepL's /v2/usage reports for an account without a character cap; clients compare
# character_count with it, so a number is friendlier than null.
UNLIMITED = 1_000_000_000_000
ANONYMOUS = "anonymous"


@dataclass(frozen=True)
class Window:
    """One quota period: its label in the counters, and when it starts and ends (UTC)."""

    period: QuotaPeriod
    label: str
    start: datetime
    end: datetime


def quota_window(period: QuotaPeriod, now: datetime | None = None) -> Window:
    """The calendar day or month (UTC) that ``now`` falls in."""
    now = now or now_utc()
    if period == "day":
        start = now.replace(hour=0, minute=0, second=0, microsecond=0)
        return Window(period, start.date().isoformat(), start, start + timedelta(days=1))
    start = now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    end = (start + timedelta(days=32)).replace(day=1)
    return Window(period, start.strftime("%Y-%m"), start, end)


@dataclass(frozen=True)
class Usage:
    """A caller's characters in the current period and its cap (``UNLIMITED`` for none)."""

    character_count: int
    character_limit: int
    window: Window


class Limiter:
    """Rate limits and quotas for every caller, over one rate storage and the key store."""

    def __init__(
        self,
        store: KeyStore,
        *,
        storage_url: str = "memory://",
        default_rate: str | None = None,
        per_ip_rate: str | None = None,
    ) -> None:
        self.store = store
        self.storage_url = storage_url
        # The async Redis storage defaults to coredis; redis-py is the client already here.
        options: dict[str, str] = (
            {} if storage_url.startswith("memory") else {"implementation": "redispy"}
        )
        self.storage = cast("Storage", storage_from_string(f"async+{storage_url}", **options))
        # A sliding window counter: unlike a fixed window, a burst at a window's edge cannot
        # double the rate, and unlike a moving window it keeps two counters per caller, not
        # one timestamp per request (100,000 of them for a 100000/hour key).
        self._strategy = SlidingWindowCounterRateLimiter(self.storage)
        self._default = parse(default_rate) if default_rate else None
        self._per_ip = parse(per_ip_rate) if per_ip_rate else None

    async def check(self) -> None:
        """Raise ``RuntimeError`` if the rate storage does not answer (an unreachable Redis
        fails start-up, not the first request)."""
        if not await self.storage.check():
            raise RuntimeError(f"RATE_LIMIT_STORAGE_URL {self.storage_url!r} does not answer")

    def rate_for(self, caller: Caller) -> tuple[RateLimitItem | None, tuple[str, ...]]:
        """The rate that applies to ``caller`` and the identifiers it is counted under."""
        if caller.key is not None:
            rate = parse(caller.key.rate_limit) if caller.key.rate_limit else self._default
            return rate, ("key", caller.key.id)
        return self._per_ip, ("ip", caller.client_ip)

    async def hit(self, caller: Caller) -> None:
        """Count one request; raise ``RateLimited`` (429, Retry-After) when over the rate."""
        rate, ids = self.rate_for(caller)
        if rate is None or await self._strategy.hit(rate, *ids):
            return
        stats = await self._strategy.get_window_stats(rate, *ids)
        retry = max(1, math.ceil(stats.reset_time - time.time()))
        who = f"key {ids[1]}" if ids[0] == "key" else "this client address"
        raise RateLimited(
            f"Rate limit of {rate} reached for {who}; retry in {retry} s.",
            headers={"Retry-After": str(retry)},
        )

    async def charge(self, caller: Caller, chars: int) -> Window:
        """Charge ``chars`` to the caller's quota, atomically; raise ``QuotaExceeded`` (456)
        when it would pass the cap. Returns the period charged (for a refund)."""
        window = quota_window(caller.quota_period)
        limit = caller.key.char_quota if caller.key is not None else None
        result = await asyncio.to_thread(
            self.store.charge, caller.account, window.label, chars, limit=limit
        )
        if not result.accepted:
            raise QuotaExceeded(
                f"The character quota of {limit} per {window.period} is used up: "
                f"{result.used} used, this request needs {chars}. It resets at "
                f"{window.end.isoformat()}.",
                param="text",
            )
        return window

    async def refund(self, caller: Caller, window: Window, chars: int) -> None:
        """Give back characters charged in ``window`` for a request that then failed."""
        await asyncio.to_thread(self.store.refund, caller.account, window.label, chars)

    async def usage(self, caller: Caller) -> Usage:
        """The caller's count and cap in the current period."""
        window = quota_window(caller.quota_period)
        count = await asyncio.to_thread(self.store.usage, caller.account, window.label)
        cap = caller.key.char_quota if caller.key is not None else None
        return Usage(count, UNLIMITED if cap is None else cap, window)
