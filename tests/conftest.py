"""Shared fixtures: tiny random-weight models built at test time, the app built by the factory.

The default client loads a manifest of *local* tiny models (Marian, M2M100, NLLB, Qwen2) plus
the real MiniLM from its wheel, through the same loading code the hub profiles use.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from tiny_models import (
    MINILM_MANIFEST_ENTRY,
    build_tiny_m2m100,
    build_tiny_marian,
    build_tiny_nllb,
    build_tiny_qwen2,
)

from service.main import create_app
from service.settings import Settings


def _translation(name: str, family: str, pairs: str, segment_tokens: int = 24) -> str:
    return f"""
[[models]]
id = "tiny/{name}"
task = "translation"
family = "{family}"
languages = ["en", "ru", "kk", "zh"]
pairs = {pairs}
licence = "test-only"
size = "tiny"
quality = "random weights"
max_input_tokens = 64
segment_tokens = {segment_tokens}
source = {{ kind = "local", path = "{name}" }}
"""


@pytest.fixture(scope="session")
def tiny_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A directory holding the four tiny models and a manifest that uses them."""
    root = tmp_path_factory.mktemp("tiny")
    build_tiny_marian(root / "marian")
    build_tiny_m2m100(root / "m2m100")
    build_tiny_nllb(root / "nllb")
    build_tiny_qwen2(root / "qwen2")
    manifest = (
        '[profile]\nname = "tiny"\ndescription = "tiny random-weight models for tests"\n'
        + MINILM_MANIFEST_ENTRY
        + """
[[models]]
id = "tiny/qwen2"
task = "llm"
family = "qwen2"
languages = ["en", "ru", "kk", "zh"]
licence = "test-only"
size = "tiny"
quality = "random weights"
source = { kind = "local", path = "qwen2" }
"""
        + _translation("marian", "marian", '["en-ru"]')
        + _translation("m2m100", "m2m100", '["en-kk"]')
        + _translation("nllb", "nllb", '["*"]')
    )
    (root / "tiny.toml").write_text(manifest, "utf-8")
    return root


@pytest.fixture(scope="session")
def tiny_settings(tiny_root: Path, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """Settings for an app on the tiny manifest."""
    return Settings(
        model_manifest=tiny_root / "tiny.toml",
        cache_dir=tmp_path_factory.mktemp("cache"),
        store_url=f"sqlite:///{tmp_path_factory.mktemp('store') / 'service.db'}",
        hf_hub_offline=True,
        max_text_chars=20_000,
        max_body_bytes=200_000,
    )


@pytest.fixture(scope="session")
def client(tiny_settings: Settings) -> Iterator[TestClient]:
    """The app on tiny models, lifespan run (models loaded once for the session)."""
    with TestClient(create_app(tiny_settings)) as test_client:
        yield test_client
