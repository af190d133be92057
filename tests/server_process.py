"""A real uvicorn process (``python -m service.main``) on the tiny models, for tests that
need the server's own behaviour: its socket handling, SIGTERM, its resident memory."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path
from types import TracebackType

import httpx
from helpers import REPO_ROOT, wait_until
from servers import free_port


class ServerProcess:
    """``with ServerProcess(tiny_root, tmp, MAX_QUEUE="2") as server:`` starts uvicorn and
    waits for /ready; leaving the block stops it (SIGTERM, then SIGKILL)."""

    def __init__(self, tiny_root: Path, tmp: Path, **env: str) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = tmp / f"server-{self.port}.log"
        self.env = {
            **os.environ,
            "HOST": "127.0.0.1",
            "PORT": str(self.port),
            "MODEL_MANIFEST": str(tiny_root / "tiny.toml"),
            "CACHE_DIR": str(tmp / "cache"),
            "STORE_URL": f"sqlite:///{tmp / 'store.db'}",
            "HF_HUB_OFFLINE": "1",
            "TORCH_THREADS": "1",
            **env,
        }
        self.process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> ServerProcess:
        log = self.log_path.open("wb")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "service.main"],
            cwd=REPO_ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        wait_until(self._ready, timeout_s=180, what=f"uvicorn on {self.url} to be ready")
        return self

    def _ready(self) -> bool:
        assert self.process is not None
        if self.process.poll() is not None:
            raise AssertionError(f"the server exited early:\n{self.log()}")
        try:
            return httpx.get(f"{self.url}/ready", timeout=2).status_code == 200
        except httpx.TransportError:
            return False

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def terminate(self) -> None:
        """Send SIGTERM (what an orchestrator sends to stop a container)."""
        os.kill(self.pid, signal.SIGTERM)

    def wait(self, timeout_s: float) -> int:
        """The exit status, waiting at most ``timeout_s``."""
        assert self.process is not None
        return self.process.wait(timeout=timeout_s)

    def log(self) -> str:
        return self.log_path.read_text("utf-8", errors="replace")

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        assert self.process is not None
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
