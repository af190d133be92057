"""A real uvicorn server on a free port, in a thread, for tests that use real HTTP clients."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

import uvicorn
from fastapi import FastAPI
from helpers import wait_until


@contextmanager
def serve(app: FastAPI, *, timeout_s: float = 120) -> Iterator[str]:
    """Serve ``app`` on 127.0.0.1 (a port the OS picks) until the block ends; yields the
    base URL once the lifespan has run (the models are loaded)."""
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning"))
    thread = threading.Thread(target=server.run, name="live-server", daemon=True)
    thread.start()
    try:
        wait_until(
            lambda: server.started or not thread.is_alive(),
            timeout_s=timeout_s,
            what="uvicorn to start",
        )
        assert server.started, "uvicorn exited during start-up (see the log above)"
        port = server.servers[0].sockets[0].getsockname()[1]
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout_s)
        assert not thread.is_alive(), "uvicorn did not stop"
