"""Server processes, a sampled RSS monitor, and the asyncio HTTP load generator."""

from __future__ import annotations

import asyncio
import json
import math
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import psutil

HOST = "127.0.0.1"
ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    """A port nothing listens on at 127.0.0.1 right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


class RssSampler:
    """Samples the resident memory of a process tree every ``interval_s`` in a thread."""

    def __init__(self, pid: int, interval_s: float = 0.2) -> None:
        self.process = psutil.Process(pid)
        self.interval_s = interval_s
        self.peak = 0
        self.window_peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="rss-sampler", daemon=True)
        self._thread.start()

    def _sample(self) -> int:
        try:
            procs = [self.process, *self.process.children(recursive=True)]
            return sum(p.memory_info().rss for p in procs)
        except psutil.Error:
            return 0

    def _loop(self) -> None:
        while not self._stop.is_set():
            rss = self._sample()
            self.peak = max(self.peak, rss)
            self.window_peak = max(self.window_peak, rss)
            self._stop.wait(self.interval_s)

    @contextmanager
    def window(self) -> Iterator[Callable[[], int]]:
        """Peak RSS (bytes) between entering and leaving the block (read it after)."""
        self.window_peak = self._sample()
        yield lambda: self.window_peak

    def stop(self) -> None:
        """Stop sampling."""
        self._stop.set()
        self._thread.join(timeout=5)


class ServerProcess:
    """One ``benchmarks.server`` subprocess on 127.0.0.1 and a free port."""

    def __init__(
        self,
        kind: str,
        config: dict[str, Any],
        log_path: Path,
        *,
        python: Path | None = None,
        cwd: Path | None = None,
    ) -> None:
        """``python`` and ``cwd`` run another checkout's server (benchmarks/baseline.py)."""
        self.kind = kind
        self.config = config
        self.port = free_port()
        self.base_url = f"http://{HOST}:{self.port}"
        self.log_path = log_path
        log_path.parent.mkdir(parents=True, exist_ok=True)
        self._log = log_path.open("w", encoding="utf-8")
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        self.started = time.perf_counter()
        self.proc = subprocess.Popen(
            [
                str(python or sys.executable),
                "-m",
                "benchmarks.server",
                kind,
                json.dumps(config),
                str(self.port),
            ],
            cwd=cwd or ROOT,
            env=env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.rss = RssSampler(self.proc.pid)
        self.ready_s: float | None = None

    def wait_ready(self, timeout_s: float) -> float:
        """Poll ``/ready`` until 200; returns the seconds it took. Raises ``RuntimeError``."""
        deadline = time.perf_counter() + timeout_s
        with httpx.Client(timeout=5, trust_env=False) as client:
            while time.perf_counter() < deadline:
                if self.proc.poll() is not None:
                    raise RuntimeError(
                        f"{self.kind} server exited with {self.proc.returncode}; "
                        f"see {self.log_path}:\n{self.tail()}"
                    )
                try:
                    if client.get(f"{self.base_url}/ready").status_code == 200:
                        self.ready_s = time.perf_counter() - self.started
                        return self.ready_s
                except httpx.HTTPError:
                    pass
                time.sleep(0.5)
        raise RuntimeError(f"{self.kind} server not ready after {timeout_s:.0f} s:\n{self.tail()}")

    def tail(self, lines: int = 20) -> str:
        """The last lines of the server's log."""
        self._log.flush()
        text = self.log_path.read_text("utf-8", errors="replace").splitlines()
        return "\n".join(text[-lines:])

    def stop(self) -> None:
        """SIGTERM the server (this process only), then SIGKILL after 30 s."""
        self.rss.stop()
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        self._log.close()


@dataclass
class LevelResult:
    """What one concurrency level measured."""

    clients: int
    requests: int = 0
    ok: int = 0
    errors: int = 0
    units: int = 0  # sentences (translation) or summaries
    wall_s: float = 0.0
    latencies_s: list[float] = field(default_factory=list)
    error_samples: list[str] = field(default_factory=list)
    responses: list[dict[str, Any]] = field(default_factory=list)

    def percentile(self, q: float) -> float | None:
        """Latency percentile (nearest rank) in seconds, over successful requests."""
        if not self.latencies_s:
            return None
        ordered = sorted(self.latencies_s)
        rank = max(1, min(len(ordered), math.ceil(q / 100 * len(ordered))))
        return ordered[rank - 1]


Payload = Callable[[int, int], tuple[dict[str, Any], int]]


async def _client(
    http: httpx.AsyncClient,
    url: str,
    index: int,
    requests: int,
    deadline: float,
    payload: Payload,
    result: LevelResult,
    keep_responses: bool,
) -> float:
    last = time.perf_counter()
    for k in range(requests):
        if k > 0 and time.perf_counter() >= deadline:
            break
        body, units = payload(index, k)
        started = time.perf_counter()
        result.requests += 1
        try:
            response = await http.post(url, json=body)
        except httpx.HTTPError as exc:
            result.errors += 1
            result.error_samples.append(f"{type(exc).__name__}: {exc}"[:200])
            last = time.perf_counter()
            continue
        last = time.perf_counter()
        if response.status_code == 200:
            result.ok += 1
            result.units += units
            result.latencies_s.append(last - started)
            if keep_responses:
                result.responses.append(response.json())
        else:
            result.errors += 1
            result.error_samples.append(f"{response.status_code}: {response.text[:200]}")
    return last


async def run_level(
    url: str,
    *,
    clients: int,
    requests_per_client: int,
    time_limit_s: float,
    request_timeout_s: float,
    payload: Payload,
    keep_responses: bool = False,
) -> LevelResult:
    """``clients`` concurrent clients each send up to ``requests_per_client`` requests.

    A client starts no new request after ``time_limit_s`` (its first one always goes), and
    every request gives up after ``request_timeout_s``; so the level is bounded by about
    ``time_limit_s + request_timeout_s``. Throughput is measured over the wall time from the
    first request to the last response.
    """
    result = LevelResult(clients=clients)
    limits = httpx.Limits(max_connections=clients + 4, max_keepalive_connections=clients + 4)
    timeout = httpx.Timeout(request_timeout_s, connect=30)
    async with httpx.AsyncClient(limits=limits, timeout=timeout, trust_env=False) as http:
        started = time.perf_counter()
        deadline = started + time_limit_s
        ends = await asyncio.gather(
            *(
                _client(
                    http, url, i, requests_per_client, deadline, payload, result, keep_responses
                )
                for i in range(clients)
            )
        )
    result.wall_s = max(ends) - started
    return result
