"""schemathesis against a real uvicorn on the tiny models: the examples, coverage and fuzzing
phases with every default check on (no 5xx, every status documented, every response valid
against its schema, ``Allow`` on every 405), a fixed seed, a couple of minutes at most."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from server_process import ServerProcess

SEED = 20261202
# A schema-valid text can still be in a language we do not serve (422 unsupported_language)
# or longer than MAX_TEXT_CHARS (413), and a schema-valid id may name no job or glossary
# (404) or a job that has ended (409): the schema cannot say any of these, so schema-valid
# requests may get them. Schema-violating ones must still be refused.
CONFIG = """
[checks.positive_data_acceptance]
expected-statuses = ["2xx", "404", "409", "413", "422", "429", "503"]

# A schema-violating body can also be over MAX_BODY_BYTES: 413 is a correct refusal.
[checks.negative_data_rejection]
expected-statuses = ["400", "401", "403", "404", "405", "406", "409", "413", "415", "422",
    "428", "429"]

# The LibreTranslate- and DeepL-compatible routes validate as their ecosystems do, beyond
# what a schema says (a TSV glossary's lines, a language pair they serve), and answer 400
# as those APIs do.
[[operations]]
include-path-regex = "^/(libretranslate|v2)/"
checks.positive_data_acceptance.expected-statuses = [
    "2xx", "400", "404", "413", "422", "429", "503",
]
"""


def test_schemathesis_finds_no_failure(tiny_root: Path, tmp_path: Path) -> None:
    # Small text limits keep each generated request cheap on the tiny models; the limits
    # themselves are exercised (413) like any other documented status.
    with ServerProcess(tiny_root, tmp_path, **LIMITS) as server:
        _fuzz(server, tmp_path, max_examples=50)


@pytest.mark.slow
def test_schemathesis_on_the_real_offline_server(tiny_root: Path, tmp_path: Path) -> None:
    """The same run against the offline profile's real models (llama.cpp LLM, MiniLM, the
    speech-act parsers), as ``make run`` serves them. Fewer examples: a real translation
    takes seconds, so the response-time check gets the request deadline plus a margin."""
    server = ServerProcess(tiny_root, tmp_path, MODEL_PROFILE="offline", **LIMITS)
    server.env.pop("MODEL_MANIFEST")
    server.env.pop("CACHE_DIR")  # the assembled GGUF in the user's cache, as make run uses
    with server:
        _fuzz(server, tmp_path, max_examples=5, max_response_s=120)


LIMITS = {"MAX_TEXT_CHARS": "2000", "MAX_BODY_BYTES": "20000", "REQUEST_TIMEOUT_S": "60"}


def _fuzz(
    server: ServerProcess, tmp_path: Path, *, max_examples: int, max_response_s: float = 10
) -> None:
    """schemathesis's three phases with every check, a fixed seed; fails on any finding or
    on a traceback in the server log."""
    report = tmp_path / "report.json"
    config = tmp_path / "schemathesis.toml"
    config.write_text(CONFIG, "utf-8")
    run = subprocess.run(
        [
            sys.executable, "-m", "schemathesis.cli", "--config-file", str(config), "run",
            f"{server.url}/openapi.json", "--phases", "examples,coverage,fuzzing",
            "--checks", "all", "--seed", str(SEED), "--max-examples", str(max_examples),
            "--request-timeout", "120", "--max-response-time", str(max_response_s),
            "--report", "ndjson", "--report-ndjson-path", str(report), "--no-color",
        ],
        cwd=tmp_path,  # its cache directory (.schemathesis/) goes there, not into the tree
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )  # fmt: skip
    log = server.log()
    (tmp_path / "schemathesis.out").write_text(run.stdout, "utf-8")  # the whole report
    summary = run.stdout[-6000:]
    assert run.returncode == 0, f"{summary}\n{run.stderr[-2000:]}\nserver log:\n{log[-3000:]}"
    assert "No issues found" in run.stdout or "passed" in run.stdout, summary
    events = [json.loads(line) for line in report.read_text("utf-8").splitlines() if line]
    assert events, "schemathesis wrote no events"
    print("\n" + summary[-1500:])
    if "Traceback" in log:
        pytest.fail(f"the server logged a traceback:\n{log[-3000:]}")
