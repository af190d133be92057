"""A bounded inference executor: known concurrency, a bounded wait queue, no event-loop work.

``generate()`` holds the CPU (or GPU) for seconds; running it on the event loop would stall
``/health``, and Starlette's shared thread pool would let 40 of them fight over 2 cores. One
dedicated pool with ``workers`` threads runs inference; at most ``max_queue`` more requests
wait; beyond that ``Overloaded`` is raised at once (the service answers 429).

A call that waits longer than ``timeout_s`` in all raises ``DeadlineExceeded``: if it is
still queued it is dropped; a call already running cannot be interrupted (a thread inside
``generate()`` cannot be stopped), so it finishes and keeps its slot until then, which keeps
the bound on concurrent work true.
"""

from __future__ import annotations

import asyncio
import functools
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, ParamSpec, TypeVar

from models.errors import DeadlineExceeded, Overloaded, ShuttingDown

P = ParamSpec("P")
R = TypeVar("R")


class InferenceRunner:
    """Runs blocking inference calls in a dedicated, bounded thread pool."""

    def __init__(
        self,
        *,
        workers: int = 1,
        max_queue: int = 32,
        retry_after_s: int = 5,
        timeout_s: float | None = None,
    ) -> None:
        if workers < 1 or max_queue < 0:
            raise ValueError("workers must be >= 1 and max_queue >= 0")
        if timeout_s is not None and timeout_s <= 0:
            raise ValueError("timeout_s must be positive")
        self.workers = workers
        self.max_queue = max_queue
        self.retry_after_s = retry_after_s
        self.timeout_s = timeout_s
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="inference")
        self._lock = threading.Lock()
        self._pending = 0
        self._running = 0
        self._closing = False

    @property
    def pending(self) -> int:
        """Calls running or waiting."""
        return self._pending

    @property
    def running(self) -> int:
        """Calls a worker thread is executing now."""
        return self._running

    @property
    def queued(self) -> int:
        """Calls accepted and waiting for a worker thread."""
        return max(0, self._pending - self._running)

    async def run(self, fn: Callable[P, R], /, *args: P.args, **kwargs: P.kwargs) -> R:
        """Run ``fn(*args, **kwargs)`` in the pool and return its result.

        Raises ``Overloaded`` when ``workers + max_queue`` calls are already pending,
        ``ShuttingDown`` once ``close`` was called, and ``DeadlineExceeded`` after
        ``timeout_s``. An accepted call is not cancelled when the awaiting client goes away.
        """
        with self._lock:
            if self._closing:
                raise ShuttingDown(retry_after_s=self.retry_after_s)
            if self._pending >= self.workers + self.max_queue:
                raise Overloaded(queue_size=self.max_queue, retry_after_s=self.retry_after_s)
            self._pending += 1
        try:
            job = self._pool.submit(self._call, functools.partial(fn, *args, **kwargs))
        except RuntimeError:  # the pool was shut down under us
            self._release(None)
            raise ShuttingDown(retry_after_s=self.retry_after_s) from None
        # The slot is held until the thread is done with it, not until the caller stops
        # waiting: a timed-out call that is already running still occupies a worker.
        job.add_done_callback(self._release)
        waiting = asyncio.wrap_future(job)
        # When the awaiting task is cancelled (a job cancelled), nobody reads the shielded
        # call's error; read it here so asyncio does not log it as never retrieved.
        waiting.add_done_callback(lambda f: f.cancelled() or f.exception())
        try:
            return await asyncio.wait_for(asyncio.shield(waiting), self.timeout_s)
        except TimeoutError:
            job.cancel()  # drops it if still queued; a running call cannot be stopped
            raise DeadlineExceeded(timeout_s=float(self.timeout_s or 0)) from None

    def _call(self, fn: Callable[[], R]) -> R:
        with self._lock:
            self._running += 1
        try:
            return fn()
        finally:
            with self._lock:
                self._running -= 1

    def _release(self, _job: Future[Any] | None) -> None:
        with self._lock:
            self._pending -= 1

    def close(self) -> None:
        """Refuse new calls (``ShuttingDown``); accepted ones still run."""
        with self._lock:
            self._closing = True

    def shutdown(self, *, cancel_queued: bool = False) -> None:
        """Refuse new calls, drop the queued ones if ``cancel_queued``, wait for the running."""
        self.close()
        self._pool.shutdown(wait=True, cancel_futures=cancel_queued)
