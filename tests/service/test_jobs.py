"""POST /jobs, GET /jobs/{id}, the SSE stream, DELETE, webhooks, bounds and restarts."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from helpers import SEED, assert_error, wait_until
from servers import redis_server

from models.config import EngineConfig
from models.engines import Engines, load_engines
from models.errors import GenerationFailed
from service.main import create_app
from service.settings import Settings
from service.store import parse_store_url
from service.store.jobs import JobRecord, open_job_store

SHORT = {"text": SEED, "target_langs": ["ru"], "cache": False}


def _finished(client: TestClient, job_id: str, timeout_s: float = 120) -> dict[str, Any]:
    box: dict[str, Any] = {}

    def done() -> bool:
        r = client.get(f"/jobs/{job_id}")
        assert r.status_code == 200, r.text
        box.update(r.json())
        return box["status"] in ("done", "failed", "cancelled")

    wait_until(done, timeout_s=timeout_s, what=f"job {job_id} to end")
    return box


def _submit(client: TestClient, body: dict[str, Any]) -> dict[str, Any]:
    r = client.post("/jobs", json=body)
    assert r.status_code == 202, r.text
    job: dict[str, Any] = r.json()
    assert job["status"] in ("queued", "running")
    assert job["result"] is None and job["error"] is None
    return job


def _no_timings(result: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in result.items() if k != "timings_ms"}


def test_summarize_job_gives_the_sync_result_with_its_stages(client: TestClient) -> None:
    job = _submit(client, {"kind": "summarize", "request": SHORT})
    assert job["progress"]["stages"] == ["queued"]
    final = _finished(client, job["id"])
    assert final["status"] == "done", final
    assert final["progress"]["stages"] == [
        "queued",
        "running",
        "analysing",
        "key points and headline",
        "translating ru",
        "done",
    ]
    assert final["progress"]["stage"] == "done"
    assert final["runs"] == 1 and final["finished_at"] >= final["started_at"]
    sync = client.post("/summarize", json=SHORT)
    assert sync.status_code == 200
    assert _no_timings(final["result"]) == _no_timings(sync.json())
    assert set(final["result"]["translations"]) == {"ru"}


def test_translate_job_gives_the_sync_result(client: TestClient) -> None:
    request = {"text": ["Hello there.", "Second text."], "target_lang": "kk", "cache": False}
    final = _finished(client, _submit(client, {"kind": "translate", "request": request})["id"])
    assert final["status"] == "done", final
    assert "translating kk" in final["progress"]["stages"]
    sync = client.post("/translate", json=request).json()
    assert final["result"]["translations"] == sync["translations"]
    assert _no_timings(final["result"]) == _no_timings(sync)


def test_a_job_naming_a_missing_glossary_fails_with_the_routes_404(client: TestClient) -> None:
    # Found by schemathesis: this failed as an internal error with a traceback.
    request = {"text": "Hello there.", "target_lang": "kk", "source_lang": "en",
               "glossary_id": "00000000-0000-4000-8000-000000000000", "cache": False}  # fmt: skip
    final = _finished(client, _submit(client, {"kind": "translate", "request": request})["id"])
    assert final["status"] == "failed" and final["error_status"] == 404, final
    assert final["error"]["type"] == "glossary_not_found"
    sync = client.post("/translate", json=request)
    assert_error(sync, 404, "glossary_not_found", param="glossary_id")


def test_event_stream_reports_progress_then_the_final_document(client: TestClient) -> None:
    job = _submit(client, {"kind": "summarize", "request": SHORT})
    with client.stream("GET", f"/jobs/{job['id']}/events") as r:
        assert r.status_code == 200
        assert r.headers["content-type"].startswith("text/event-stream")
        body = "".join(r.iter_text())
    events = [
        (block.split("event: ")[1].split("\r\n")[0], block.split("data: ")[1].split("\r\n")[0])
        for block in body.split("\r\n\r\n")
        if "event: " in block
    ]
    names = [name for name, _ in events]
    assert names[0] == "progress" and names[-1] == "done", names
    assert set(names[:-1]) == {"progress"}
    final = json.loads(events[-1][1])
    assert final["status"] == "done" and final["result"]["headline"]
    assert all("result" not in json.loads(data) for _, data in events[:-1])


def test_invalid_and_unknown_jobs(client: TestClient) -> None:
    assert_error(client.get("/jobs/nope"), 404, "not_found")
    assert_error(client.delete("/jobs/nope"), 404, "not_found")
    assert_error(client.get("/jobs/nope/events"), 404, "not_found")
    error = assert_error(
        client.post("/jobs", json={"kind": "summarize", "request": {"text": ""}}),
        422,
        "invalid_request",
    )
    assert "text" in error["message"]
    assert_error(
        client.post("/jobs", json={"kind": "draw", "request": {"text": "x"}}),
        422,
        "invalid_request",
    )
    long = {"kind": "summarize", "request": {"text": "a" * 20_001}}
    assert_error(client.post("/jobs", json=long), 413, "input_too_long", param="request.text")


def test_every_job_status_is_in_openapi(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    access = {"401", "403"}  # with API_KEYS_REQUIRED
    post = {"202", "413", "415", "422", "429", "456", "500", *access}
    assert set(paths["/jobs"]["post"]["responses"]) == post
    assert set(paths["/jobs/{job_id}"]["get"]["responses"]) == {"200", "404", "422", "500", *access}
    delete = {"200", "404", "409", "422", "500", *access}
    assert set(paths["/jobs/{job_id}"]["delete"]["responses"]) == delete
    events = paths["/jobs/{job_id}/events"]["get"]["responses"]
    assert "text/event-stream" in events["200"]["content"] and "404" in events


class _Gate:
    """Holds the summarizer inside inference until released (then it runs, or fails)."""

    def __init__(self, *, fail: bool = False) -> None:
        self.entered = threading.Event()
        self.release = threading.Event()
        self.fail = fail

    def loader(self, config: EngineConfig) -> Engines:
        engines = load_engines(config)
        original = engines.summarizer.summarize

        def gated(*args: Any, **kwargs: Any) -> Any:
            tell = kwargs["progress"] or (lambda _stage: None)  # None on the sync route
            tell("analysing")
            self.entered.set()
            assert self.release.wait(60)
            if self.fail:
                raise GenerationFailed("the model returned nothing")
            tell("key points and headline")
            return original(*args, **kwargs)

        engines.summarizer.summarize = gated  # type: ignore[method-assign]
        return engines


def _settings(tiny_settings: Settings, tmp_path: Path, **update: Any) -> Settings:
    store = {"store_url": f"sqlite:///{tmp_path / 'store.db'}"}
    return tiny_settings.model_copy(update={**store, **update})


def test_cancel_a_running_job_and_409_once_ended(tiny_settings: Settings, tmp_path: Path) -> None:
    gate = _Gate()
    with TestClient(create_app(_settings(tiny_settings, tmp_path), loader=gate.loader)) as c:
        job = _submit(c, {"kind": "summarize", "request": SHORT})
        assert gate.entered.wait(60)
        r = c.delete(f"/jobs/{job['id']}")
        assert r.status_code == 200, r.text
        assert r.json()["status"] == "cancelled"
        assert r.json()["progress"]["stages"][-1] == "cancelled"
        gate.release.set()
        assert c.delete(f"/jobs/{job['id']}").json()["status"] == "cancelled"
        assert c.get(f"/jobs/{job['id']}").json()["result"] is None
        done = _finished(c, _submit(c, {"kind": "translate", "request": {
            "text": "Hi.", "target_lang": "ru"}})["id"])  # fmt: skip
        assert done["status"] == "done"
        assert_error(c.delete(f"/jobs/{done['id']}"), 409, "job_finished")


def test_failed_job_reports_the_routes_error(tiny_settings: Settings, tmp_path: Path) -> None:
    gate = _Gate(fail=True)
    gate.release.set()
    with TestClient(create_app(_settings(tiny_settings, tmp_path), loader=gate.loader)) as c:
        final = _finished(c, _submit(c, {"kind": "summarize", "request": SHORT})["id"])
        assert final["status"] == "failed"
        assert final["error"] == {
            "type": "generation_failed",
            "message": "the model returned nothing",
            "param": None,
        }
        assert final["error_status"] == 502
        sync = c.post("/summarize", json=SHORT)
        assert_error(sync, 502, "generation_failed")


def test_pending_bound_answers_429(tiny_settings: Settings, tmp_path: Path) -> None:
    gate = _Gate()
    settings = _settings(tiny_settings, tmp_path, jobs_max_pending=1)
    with TestClient(create_app(settings, loader=gate.loader)) as c:
        _submit(c, {"kind": "summarize", "request": SHORT})
        r = c.post("/jobs", json={"kind": "summarize", "request": SHORT})
        error = assert_error(r, 429, "too_many_jobs")
        assert "JOBS_MAX_PENDING" in error["message"] and r.headers["Retry-After"] == "5"
        gate.release.set()


def _interrupt(settings: Settings) -> str:
    """Start a job, then shut the app down while it runs; returns the job id."""
    gate = _Gate()
    with TestClient(create_app(settings, loader=gate.loader)) as c:
        job_id = str(_submit(c, {"kind": "summarize", "request": SHORT})["id"])
        assert gate.entered.wait(60)
        # The shutdown cancels the job first, then waits for the inference thread.
        threading.Timer(1.0, gate.release.set).start()
    return job_id


def test_restart_reruns_an_unfinished_job_when_its_request_was_kept(
    tiny_settings: Settings, tmp_path: Path
) -> None:
    _restart_reruns(_settings(tiny_settings, tmp_path, jobs_store_text=True))


def test_restart_reruns_with_the_redis_store(tiny_settings: Settings, tmp_path: Path) -> None:
    with redis_server(tmp_path) as url:
        _restart_reruns(
            tiny_settings.model_copy(update={"store_url": url, "jobs_store_text": True})
        )


def _restart_reruns(settings: Settings) -> None:
    job_id = _interrupt(settings)
    with TestClient(create_app(settings)) as c:
        final = _finished(c, job_id)
        assert final["status"] == "done", final
        assert final["runs"] == 2
        assert "the service restarted; the job was queued again" in final["notes"]
        assert final["result"]["headline"]
    with TestClient(create_app(settings)) as c:  # a finished result outlives a restart too
        assert c.get(f"/jobs/{job_id}").json()["result"]["headline"] == final["result"]["headline"]


def test_restart_reports_failed_when_the_text_was_not_kept(
    tiny_settings: Settings, tmp_path: Path
) -> None:
    settings = _settings(tiny_settings, tmp_path)
    assert settings.jobs_store_text is False
    job_id = _interrupt(settings)
    db = b"".join(p.read_bytes() for p in tmp_path.glob("store.db*"))
    assert db
    assert SEED[:60].encode() not in db  # article text never reached the disk
    with TestClient(create_app(settings)) as c:
        final = c.get(f"/jobs/{job_id}").json()
        assert final["status"] == "failed"
        assert final["error"]["type"] == "job_interrupted"
        assert "JOBS_STORE_TEXT" in final["error"]["message"]


@pytest.fixture
def receiver() -> Iterator[tuple[str, list[dict[str, Any]]]]:
    """A webhook receiver that answers 500 twice, then 200; yields its URL and the bodies."""
    bodies: list[dict[str, Any]] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers["Content-Length"])
            bodies.append(json.loads(self.rfile.read(length)))
            self.send_response(500 if len(bodies) <= 2 else 200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *_args: Any) -> None:
            return None

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/hook", bodies
    server.shutdown()


def test_webhook_is_retried_with_backoff_until_delivered(
    tiny_settings: Settings, tmp_path: Path, receiver: tuple[str, list[dict[str, Any]]]
) -> None:
    url, bodies = receiver
    settings = _settings(tiny_settings, tmp_path, job_callback_backoff_s=0.05)
    with TestClient(create_app(settings)) as c:
        body = {"kind": "translate", "request": {"text": "Hi.", "target_lang": "ru"}}
        job = _submit(c, {**body, "callback_url": url})
        assert job["callback"] == {
            "url": url,
            "delivered": False,
            "attempts": 0,
            "last_status": None,
            "last_error": None,
        }
        wait_until(lambda: len(bodies) == 3, timeout_s=60, what="three webhook tries")
        wait_until(
            lambda: c.get(f"/jobs/{job['id']}").json()["callback"]["delivered"],
            timeout_s=10,
            what="the delivery to be recorded",
        )
        callback = c.get(f"/jobs/{job['id']}").json()["callback"]
        assert callback["attempts"] == 3 and callback["last_status"] == 200
    assert [b["id"] for b in bodies] == [job["id"]] * 3
    assert bodies[-1]["status"] == "done" and bodies[-1]["result"]["translations"]


def test_finished_jobs_expire_and_make_room(tiny_settings: Settings, tmp_path: Path) -> None:
    settings = _settings(tiny_settings, tmp_path, jobs_max_stored=2, jobs_ttl_s=2)
    body = {"kind": "translate", "request": {"text": "Hi.", "target_lang": "ru"}}
    with TestClient(create_app(settings)) as c:
        first = _finished(c, _submit(c, body)["id"])
        second = _finished(c, _submit(c, body)["id"])
        third = _submit(c, body)  # the store is full: the oldest finished job makes room
        assert_error(c.get(f"/jobs/{first['id']}"), 404, "not_found")
        assert c.get(f"/jobs/{second['id']}").status_code == 200
        _finished(c, third["id"])
        wait_until(  # the sweep deletes finished jobs older than JOBS_TTL_S
            lambda: c.get(f"/jobs/{third['id']}").status_code == 404,
            timeout_s=10,
            what="the finished job to expire",
        )


def test_replicas_take_up_only_their_own_or_stale_jobs(
    tiny_settings: Settings, tmp_path: Path
) -> None:
    settings = _settings(tiny_settings, tmp_path, jobs_store_text=True, jobs_stale_s=2)
    store = open_job_store(parse_store_url(settings.store_url), keep_text=True)
    now = time.time()
    request = {"text": "Hi.", "target_lang": "ru"}
    for job_id, owner in (("alive", "replica-b"), ("stale", "replica-c")):
        # "stale" was last refreshed long ago; "alive" is refreshed by the test below.
        at = now - 3600 if job_id == "stale" else now + 3600
        store.put(JobRecord(job_id, "translate", "running", at, at, request, owner=owner))
    store.close()
    a = settings.model_copy(update={"jobs_replica_id": "replica-a"})
    with TestClient(create_app(a)) as c:
        stale = _finished(c, "stale")
        assert stale["status"] == "done" and stale["runs"] == 1
        assert c.get("/jobs/alive").json()["status"] == "running"  # another replica's
        r = c.delete("/jobs/alive")  # marked cancelled in the store for its replica to see
        assert r.status_code == 200 and r.json()["status"] == "cancelled"
