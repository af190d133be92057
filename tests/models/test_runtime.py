"""The bounded inference runner: a full queue is refused, accepted work completes."""

from __future__ import annotations

import asyncio
import threading

import pytest

from models.errors import Overloaded
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
