"""A bounded inference executor: known concurrency, a bounded wait queue, no event-loop work.

``generate()`` holds the CPU (or GPU) for seconds; running it on the event loop would stall
``/health``, and Starlette's shared thread pool would let 40 of them fight over 2 cores. One
dedicated pool with ``workers`` threads runs inference; at most ``max_queue`` more requests
wait; beyond that ``Overloaded`` is raised at once (the service answers 429).
"""

from __future__ import annotations

import asyncio
import functools
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import ParamSpec, TypeVar

from models.errors import Overloaded

P = ParamSpec("P")
R = TypeVar("R")


class InferenceRunner:
    """Runs blocking inference calls in a dedicated, bounded thread pool."""

    def __init__(self, *, workers: int = 1, max_queue: int = 32, retry_after_s: int = 5) -> None:
        if workers < 1 or max_queue < 0:
            raise ValueError("workers must be >= 1 and max_queue >= 0")
        self.workers = workers
        self.max_queue = max_queue
        self.retry_after_s = retry_after_s
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="inference")
        self._lock = threading.Lock()
        self._pending = 0

    @property
    def pending(self) -> int:
        """Requests running or waiting."""
        return self._pending

    async def run(self, fn: Callable[P, R], /, *args: P.args, **kwargs: P.kwargs) -> R:
        """Run ``fn(*args, **kwargs)`` in the pool and return its result.

        Raises ``Overloaded`` when ``workers + max_queue`` calls are already pending. A call
        that was accepted runs to completion even if the awaiting client goes away.
        """
        with self._lock:
            if self._pending >= self.workers + self.max_queue:
                raise Overloaded(queue_size=self.max_queue, retry_after_s=self.retry_after_s)
            self._pending += 1
        try:
            loop = asyncio.get_running_loop()
            future = loop.run_in_executor(self._pool, functools.partial(fn, *args, **kwargs))
            # When the awaiting task is cancelled, nobody reads the shielded call's error;
            # read it here so asyncio does not log it as never retrieved.
            future.add_done_callback(lambda f: f.cancelled() or f.exception())
            return await asyncio.shield(future)
        finally:
            with self._lock:
                self._pending -= 1

    def shutdown(self) -> None:
        """Finish running work and stop the threads."""
        self._pool.shutdown(wait=True, cancel_futures=False)
