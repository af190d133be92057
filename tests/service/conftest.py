"""Fixtures of the key and limit tests: a SQLite store in the test's folder, and apps on it
that reuse the session's tiny engines."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from helpers import MakeClient, reuse_engines

from service.main import create_app
from service.settings import Settings
from service.store.keys import KeyStore, open_key_store


@pytest.fixture
def store_url(tmp_path: Path) -> str:
    """A store in a folder that does not exist yet (the store creates it)."""
    return f"sqlite:///{tmp_path / 'state' / 'service.db'}"


@pytest.fixture
def store(store_url: str) -> Iterator[KeyStore]:
    opened = open_key_store(store_url)
    yield opened
    opened.close()


@pytest.fixture
def make_client(client: TestClient, tiny_settings: Settings, store_url: str) -> MakeClient:
    """Apps on ``store_url`` with the tiny settings plus ``updates``."""
    loader = reuse_engines(client)

    def make(**updates: Any) -> TestClient:
        settings = tiny_settings.model_copy(update={"store_url": store_url, **updates})
        return TestClient(create_app(settings, loader=loader))

    return make
