"""Keys, quota and rate through real server processes (uvicorn via ``python -m service.main``)
on the tiny models, with a restart (SIGTERM, a new process) in between."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
from helpers import REPO_ROOT, assert_error, translate_body, wait_until
from servers import free_port


@contextmanager
def _server(env: dict[str, str], log: Path) -> Iterator[httpx.Client]:
    port = free_port()
    with log.open("w") as sink:  # a file, not a pipe nobody drains while the server runs
        proc = subprocess.Popen(
            [sys.executable, "-m", "service.main"],
            cwd=REPO_ROOT,
            env={**env, "HOST": "127.0.0.1", "PORT": str(port)},
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
    client = httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=60)

    def ready() -> bool:
        assert proc.poll() is None, f"server exited: {log.read_text()[-2000:]}"
        try:
            return client.get("/ready").status_code == 200
        except httpx.TransportError:
            return False

    try:
        wait_until(ready, timeout_s=240, what="the server to load the tiny models")
        yield client
    finally:
        client.close()
        proc.send_signal(signal.SIGTERM)
        # uvicorn shuts down cleanly, then re-raises the signal it caught.
        assert proc.wait(timeout=60) in (0, -signal.SIGTERM), log.read_text()[-2000:]
        assert "Application shutdown complete" in log.read_text()


def _cli(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "service.keys", *args],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return done.stdout.strip()


def test_usage_quota_and_revocation_survive_a_process_restart(
    tiny_root: Path, tmp_path: Path
) -> None:
    env = {
        **os.environ,
        "MODEL_MANIFEST": str(tiny_root / "tiny.toml"),
        "CACHE_DIR": str(tmp_path / "cache"),
        "HF_HUB_OFFLINE": "1",
        "STORE_URL": f"sqlite:///{tmp_path / 'data' / 'service.db'}",
        "API_KEYS_REQUIRED": "true",
        "RATE_LIMIT_DEFAULT": "100/minute",
    }
    hello = len("Hello world.")
    secret = _cli(env, "create", "--name", "desk-a", "--quota", str(hello + 5), "--period", "day")
    key_id = _cli(env, "list").splitlines()[1].split("\t")[0]
    headers = {"X-API-Key": secret}
    with _server(env, tmp_path / "first.log") as first:
        assert_error(first.post("/translate", json=translate_body()), 401, "missing_api_key")
        ok = first.post("/translate", json=translate_body(), headers=headers)
        assert ok.status_code == 200, ok.text
        over = first.post("/translate", json=translate_body(), headers=headers)
        assert_error(over, 456, "quota_exceeded")
        before = first.get("/usage", headers=headers).json()
    assert before["character_count"] == hello and before["key_id"] == key_id

    with _server(env, tmp_path / "second.log") as second:
        after = second.get("/usage", headers=headers).json()
        assert after == before
        assert_error(
            second.post("/translate", json=translate_body(), headers=headers),
            456,
            "quota_exceeded",
        )
        five = second.post("/translate", json=translate_body("Hi yo"), headers=headers)
        assert five.status_code == 200, five.text
        _cli(env, "revoke", key_id)  # while the server runs
        assert_error(second.get("/usage", headers=headers), 403, "revoked_api_key")
