"""The bounded inference runner: a full queue is refused, accepted work completes."""

from __future__ import annotations

import asyncio
import threading

import pytest

from models.errors import DeadlineExceeded, Overloaded, ShuttingDown
from models.runtime import InferenceRunner


def test_runner_bounds_the_queue() -> None:
    async def scenario() -> None:
        runner = InferenceRunner(workers=1, max_queue=1, retry_after_s=7)
        release = threading.Event()
        first = asyncio.ensure_future(runner.run(release.wait, 10))
        second = asyncio.ensure_future(runner.run(lambda: 42))
        await asyncio.sleep(0.05)
        assert runner.pending == 2
        with pytest.raises(Overloaded) as info:
            await runner.run(lambda: 0)
        assert info.value.retry_after_s == 7
        release.set()
        assert await first is True
        assert await second == 42
        assert runner.pending == 0
        runner.shutdown()

    asyncio.run(scenario())


def test_runner_rejects_bad_sizes() -> None:
    with pytest.raises(ValueError):
        InferenceRunner(workers=0)


def test_deadline_drops_queued_work_and_keeps_running_work_counted() -> None:
    async def scenario() -> None:
        runner = InferenceRunner(workers=1, max_queue=2, timeout_s=0.2)
        release = threading.Event()
        ran: list[str] = []
        busy = asyncio.ensure_future(runner.run(release.wait, 10))
        queued = asyncio.ensure_future(runner.run(ran.append, "queued"))
        await asyncio.sleep(0.05)
        assert (runner.running, runner.queued) == (1, 1)
        for future in (busy, queued):
            with pytest.raises(DeadlineExceeded) as info:
                await future
            assert info.value.timeout_s == 0.2
        # the queued call was dropped; the running one still holds its worker
        assert (runner.running, runner.queued, runner.pending) == (1, 0, 1)
        release.set()
        await asyncio.sleep(0.05)
        assert runner.pending == 0 and ran == []
        runner.shutdown()

    asyncio.run(scenario())


def test_closed_runner_refuses_new_work_and_finishes_accepted() -> None:
    async def scenario() -> None:
        runner = InferenceRunner(workers=1, max_queue=1)
        release = threading.Event()
        busy = asyncio.ensure_future(runner.run(release.wait, 10))
        waiting = asyncio.ensure_future(runner.run(lambda: 42))
        await asyncio.sleep(0.05)
        runner.close()
        with pytest.raises(ShuttingDown):
            await runner.run(lambda: 0)
        release.set()
        assert await busy is True
        assert await waiting == 42
        runner.shutdown()

    asyncio.run(scenario())
