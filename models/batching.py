"""Cross-request micro-batching: one worker thread per model merges concurrent callers' items.

Callers (request threads) hand over their items and block on futures; the model's worker
takes items that share a batch key (a language pair, a prompt prefix, a JSON schema), waits at
most ``wait_ms`` after the first one for others to join, cuts the batch at ``max_batch_size``
rows or ``max_batch_tokens`` padded input tokens, runs the model once, and hands each caller
its own results. The model is only ever touched from its worker thread, so per-model state
(a tokenizer's ``src_lang``, the xgrammar matchers) needs no further locking.

A model whose backend schedules rows itself (llama.cpp's continuous batching, which admits
new rows at every decode step) gets several workers instead: a batch taken while another
runs goes to the backend at once and joins the running rows, rather than waiting for the
slowest row of the batch before it.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import Counter, deque
from collections.abc import Callable, Hashable, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Any

from models.config import BatchConfig

log = logging.getLogger(__name__)
RunBatch = Callable[[Hashable, list[Any]], list[Any]]


@dataclass(eq=False)  # identity: ``in`` and ``remove`` on the queue find this very item
class _Item:
    key: Hashable
    payload: Any
    cost: int
    arrived: float
    future: Future[Any] = field(default_factory=Future)


@dataclass
class BatchStats:
    """Counters the service's ``/metrics`` reads (plain ints, read without locking)."""

    batches: int = 0
    items: int = 0
    largest: int = 0
    running: int = 0  # items in the batches the model is running now
    sizes: Counter[int] = field(default_factory=Counter)  # batches by their size

    def record(self, size: int) -> None:
        """Count one finished batch of ``size`` items."""
        self.batches += 1
        self.items += size
        self.largest = max(self.largest, size)
        self.sizes[size] += 1


class MicroBatcher:
    """Merges items from concurrent callers into shared batches for one model."""

    def __init__(self, name: str, run: RunBatch, config: BatchConfig, *, workers: int = 1) -> None:
        """``workers`` > 1 only where ``run`` may be called from several threads at once."""
        if workers < 1:
            raise ValueError("a batcher needs at least one worker")
        self.name = name
        self._run = run
        self.config = config
        self.workers = workers
        self.stats = BatchStats()
        self._queue: deque[_Item] = deque()
        self._cond = threading.Condition()
        self._threads: list[threading.Thread] = []
        self._stopped = False
        # Without micro-batching callers run their own batches; the lock keeps them from
        # running the model at the same time.
        self._direct_lock = threading.Lock()

    @property
    def pending(self) -> int:
        """Items queued and not yet taken into a batch."""
        with self._cond:
            return len(self._queue)

    def map(self, key: Hashable, payloads: Sequence[Any], costs: Sequence[int]) -> list[Any]:
        """Run every payload through the model; results in input order.

        Blocks the calling thread. Raises whatever the model raised for the batch an item
        was in.
        """
        if not payloads:
            return []
        if not self.config.enabled:
            return self._run_direct(key, list(payloads), list(costs))
        order = sorted(range(len(payloads)), key=lambda i: costs[i])
        now = time.monotonic()
        items = [_Item(key, payloads[i], max(1, costs[i]), now) for i in order]
        with self._cond:
            if self._stopped:
                raise RuntimeError(f"batcher {self.name} is stopped")
            self._queue.extend(items)
            self._ensure_thread()
            self._cond.notify_all()
        results: list[Any] = [None] * len(payloads)
        for i, item in zip(order, items, strict=True):
            results[i] = item.future.result()
        return results

    def _run_direct(self, key: Hashable, payloads: list[Any], costs: list[int]) -> list[Any]:
        order = sorted(range(len(payloads)), key=lambda i: costs[i])
        results: list[Any] = [None] * len(payloads)
        start = 0
        while start < len(order):
            stop = start
            while stop < len(order) and self._fits(
                stop - start + 1, max(costs[order[j]] for j in range(start, stop + 1))
            ):
                stop += 1
            stop = max(stop, start + 1)
            chunk = order[start:stop]
            with self._direct_lock:
                self.stats.running = len(chunk)
                try:
                    outputs = self._run(key, [payloads[i] for i in chunk])
                finally:
                    self.stats.running = 0
            self.stats.record(len(chunk))
            for i, out in zip(chunk, outputs, strict=True):
                results[i] = out
            start = stop
        return results

    def _fits(self, rows: int, widest: int) -> bool:
        return rows <= self.config.max_batch_size and rows * widest <= self.config.max_batch_tokens

    def _ensure_thread(self) -> None:
        self._threads = [t for t in self._threads if t.is_alive()]
        while len(self._threads) < self.workers:
            thread = threading.Thread(
                target=self._loop, name=f"batcher-{self.name}-{len(self._threads)}", daemon=True
            )
            thread.start()
            self._threads.append(thread)

    def _take(self) -> list[_Item]:
        """Items for the next batch (called with the lock held, queue non-empty); empty when
        another worker took them while this one waited."""
        first = self._queue[0]
        deadline = first.arrived + self.config.wait_ms / 1000
        while not self._stopped:
            if first not in self._queue:
                return []
            same = [item for item in self._queue if item.key == first.key]
            widest = max(item.cost for item in same)
            full = not self._fits(len(same) + 1, widest)
            remaining = deadline - time.monotonic()
            if full or remaining <= 0:
                break
            self._cond.wait(remaining)
        batch: list[_Item] = []
        widest = 0
        for item in list(self._queue):
            if item.key != first.key:
                continue
            if batch and not self._fits(len(batch) + 1, max(widest, item.cost)):
                break
            batch.append(item)
            widest = max(widest, item.cost)
            self._queue.remove(item)
        return batch

    def _loop(self) -> None:
        while True:
            with self._cond:
                while not self._queue and not self._stopped:
                    self._cond.wait()
                if self._stopped and not self._queue:
                    return
                batch = self._take()
                if not batch:
                    continue
                self.stats.running += len(batch)
            batch.sort(key=lambda item: item.cost)
            done = False
            try:
                outputs = self._run(batch[0].key, [item.payload for item in batch])
                if len(outputs) != len(batch):
                    raise RuntimeError(
                        f"{self.name}: {len(outputs)} results for {len(batch)} items"
                    )
                done = True
            except BaseException as exc:  # noqa: BLE001 - every caller must hear of the failure
                for item in batch:
                    item.future.set_exception(exc)
                continue
            finally:
                with self._cond:
                    self.stats.running -= len(batch)
                    if done:
                        self.stats.record(len(batch))
            for item, out in zip(batch, outputs, strict=True):
                item.future.set_result(out)

    def close(self) -> None:
        """Finish queued work, then stop the workers."""
        with self._cond:
            self._stopped = True
            self._cond.notify_all()
        for thread in self._threads:
            thread.join(timeout=60)
