"""The LLM engine types only the picked sentences the speech-act model left open, and the
draft is the one typing every sentence gives."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest
from helpers import SEED

from models.engines import Engines, load_engines
from models.summary.llm_engine import LLMEngine
from service.settings import Settings


@pytest.fixture(scope="module")
def engines(tiny_settings: Settings) -> Iterator[Engines]:
    loaded = load_engines(tiny_settings.engine_config())
    yield loaded
    loaded.close()


def test_only_the_picked_undecided_sentences_are_typed(
    engines: Engines, monkeypatch: pytest.MonkeyPatch
) -> None:
    summarizer = engines.summarizer
    engine = summarizer.llm_engine
    assert isinstance(engine, LLMEngine)
    article = summarizer.analyse(SEED, lang="en")
    assert article.acts, "the tiny profile loads the speech-act model"

    typed: list[list[str]] = []
    probabilities = engine.typer.probabilities

    def counting(texts: Any, **kwargs: Any) -> np.ndarray:
        typed.append(list(texts))
        return probabilities(texts, **kwargs)

    monkeypatch.setattr(engine.typer, "probabilities", counting)
    draft = engine.draft(article, 5)
    (asked,) = typed
    picked = {p.evidence[0].text for p in draft.key_points}
    assert set(asked) <= picked and len(asked) < len(article.eligible)
    decided = {
        article.sentences[i].span.text
        for i, act in enumerate(article.acts)
        if act is not None and (act.request or act.agreement)
    }
    assert not set(asked) & decided

    # The same key points, types and confidences as typing every eligible sentence first.
    monkeypatch.setattr(engine.typer, "probabilities", probabilities)
    full = engine._type(article)
    types, picked_all = engine._pick(article, full, 5)
    assert [p.evidence[0].text for p in draft.key_points] == [
        article.sentences[i].span.text for i in picked_all
    ]
    assert [p.type for p in draft.key_points] == [types[i] for i in picked_all]
