"""The real offline profile end to end on the seed article.

This is the product's acceptance test: the registry-shipped Qwen2.5-Coder-0.5B (GGUF,
assembled from six wheels and sha256-checked) and all-MiniLM-L6-v2, through the HTTP layer.
It takes about 5 minutes on 2 cores (model load ~40 s, summary ~70 s, LLM translation of the
summary into three languages ~3 min).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from helpers import REPO_ROOT, SEED

from models.summary.cues.detector import CueDetector
from models.summary.roles import RoleCheck
from service.main import create_app
from service.settings import Settings

pytestmark = pytest.mark.slow
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def offline() -> Iterator[TestClient]:
    # The default cache: the assembled GGUF is reused across test runs.
    settings = Settings(model_profile="offline", hf_hub_offline=True)
    with TestClient(create_app(settings)) as client:
        yield client


@pytest.fixture(scope="module")
def seed_summary(offline: TestClient) -> dict:
    r = offline.post("/summarize", json={"text": SEED, "target_langs": ["ru", "kk", "zh"]})
    assert r.status_code == 200, r.text
    # Kept for the README's example and for inspection (reports/ is not committed).
    reports = REPO_ROOT / "reports"
    reports.mkdir(exist_ok=True)
    (reports / "seed_summary.json").write_text(r.text, "utf-8")
    return r.json()  # type: ignore[no-any-return]


def test_models_report_the_offline_profile(offline: TestClient) -> None:
    body = offline.get("/models").json()
    assert body["profile"] == "offline"
    llm = next(m for m in body["models"] if m["task"] == "llm")
    assert llm["id"] == "Qwen/Qwen2.5-Coder-0.5B-Instruct-GGUF"
    assert "Demo-level" in llm["quality"]
    # the offline profile runs the GGUF as it is on llama.cpp
    assert llm["backend"] == "llamacpp" and llm["dtype"].startswith("Q")


def test_seed_has_the_visa_request(seed_summary: dict) -> None:
    assert seed_summary["engine"] == "llm"
    requests = [p for p in seed_summary["key_points"] if p["type"] == "request"]
    visa = [
        p
        for p in requests
        if any("visas" in e["text"] and "resumption" in e["text"] for e in p["evidence"])
    ]
    assert visa, [(p["type"], p["text"]) for p in seed_summary["key_points"]]
    point = visa[0]
    assert point["actor"] and "Kazakh" in point["actor"]
    assert point["target"] == "China"
    for span in point["evidence"]:
        assert SEED[span["start"] : span["end"]] == span["text"]


def test_seed_requests_and_agreements_are_between_parties(seed_summary: dict) -> None:
    # The LLM gave the seed's agreement a topic as its target before the party check.
    roles = RoleCheck(CueDetector().parse_english)
    acts = [p for p in seed_summary["key_points"] if p["type"] in ("request", "agreement")]
    assert acts
    for point in acts:
        sentence = " ".join(e["text"] for e in point["evidence"])
        for name in (point["actor"], point["target"]):
            assert name is None or roles.names_party(name, sentence, "en"), (name, sentence)


def test_seed_figures_and_dateline(seed_summary: dict) -> None:
    money = [f for f in seed_summary["figures"] if f["text"] == "$27 billion"]
    assert money and money[0]["kind"] == "money" and money[0]["value"] == 27e9
    assert SEED[money[0]["start"] : money[0]["end"]] == "$27 billion"
    # the joint-projects amount is also a key point of its own, typed as a figure
    amount_points = [
        p
        for p in seed_summary["key_points"]
        if any("$27 billion" in e["text"] for e in p["evidence"])
    ]
    assert amount_points and amount_points[0]["type"] == "figure", seed_summary["key_points"]
    counts = {f["text"] for f in seed_summary["figures"] if f["kind"] == "count"}
    assert "51 joint projects" in counts
    # and no point is a figure unless its evidence states one
    for p in seed_summary["key_points"]:
        if p["type"] == "figure":
            assert any(
                e["start"] <= f["start"] < e["end"]
                for e in p["evidence"]
                for f in seed_summary["figures"]
            ), p
    dateline = seed_summary["dateline"]
    assert (dateline["date"], dateline["place"], dateline["agency"]) == (
        "2018-11-13",
        "ASTANA",
        "KAZINFORM",
    )
    assert SEED[dateline["start"] : dateline["end"]] == dateline["text"]


def test_seed_key_points_are_grounded_and_distinct(seed_summary: dict) -> None:
    points = seed_summary["key_points"]
    assert 3 <= len(points) <= 7
    for p in points:
        assert p["evidence"]
        for span in p["evidence"]:
            assert SEED[span["start"] : span["end"]] == span["text"]
        assert p["actor"] is None or p["actor"].lower() not in {"he", "she", "they", "it"}
    assert len({p["evidence"][0]["start"] for p in points}) == len(points)
    assert seed_summary["headline"] and "KAZINFORM" not in seed_summary["headline"]


def test_seed_translations_into_ru_kk_zh(seed_summary: dict) -> None:
    translations = seed_summary["translations"]
    assert set(translations) == {"ru", "kk", "zh"}
    n = len(seed_summary["key_points"])
    for lang, t in translations.items():
        assert len(t["key_points"]) == n, lang
        assert t["headline"].strip() and t["summary"].strip()
        script = _CJK if lang == "zh" else _CYRILLIC
        assert script.search(t["summary"]), (lang, t["summary"])
        assert sum(bool(script.search(k)) for k in t["key_points"]) >= n - 1, (
            lang,
            t["key_points"],
        )


def test_translate_endpoint_on_the_llm(offline: TestClient) -> None:
    r = offline.post(
        "/translate",
        json={
            "text": ["China is the largest trade partner of Kazakhstan.", "Привет."],
            "target_lang": "zh",
        },
    )
    assert r.status_code == 200, r.text
    body = r.json()
    assert [d["lang"] for d in body["detected"]] == ["en", "ru"]
    assert all(_CJK.search(t) for t in body["translations"])


# Calibrated label probabilities on the real 4-bit model: llama.cpp's quantised kernels
# against transformers' dequantised float32 weights. Measured on the 16 dev-set sentences
# below: largest difference 0.03; the tolerance leaves room for other CPUs' kernels.
REAL_SCORE_TOLERANCE = 0.06
DEV_SENTENCES = [
    "The union called on the government to raise the minimum wage.",
    "Both countries signed a memorandum on energy cooperation.",
    "Exports grew by 12 percent to $3.4 billion last year.",
    "The minister said the reform would take time.",
    "An earthquake struck the coastal region on Monday.",
    "The opposition hopes the court will annul the vote.",
    "Residents asked the council to repair the bridge before winter.",
    "The two sides agreed to hold the next round of talks in Astana.",
]


def test_llamacpp_scores_match_the_torch_reference_on_the_real_model(offline: TestClient) -> None:
    import numpy as np
    import torch
    from helpers import engines_of

    from models.llm import TorchLLM
    from models.llm.llamacpp import LlamaCppLLM
    from models.summary.labels import PointTyper

    engines = engines_of(offline)
    fast = engines.summarizer.typer
    assert isinstance(engines.llm, LlamaCppLLM)
    where = Path(engines.llm.model_path)
    reference = TorchLLM.load(
        str(where.parent), gguf_file=where.name, device="cpu", dtype=torch.float32
    )
    try:
        slow = PointTyper(engines.summarizer.embedder, reference, fast.options)
        got = fast.five_way.probabilities(DEV_SENTENCES)  # type: ignore[union-attr]
        expected = slow.five_way.probabilities(DEV_SENTENCES)  # type: ignore[union-attr]
        assert np.abs(got - expected).max() < REAL_SCORE_TOLERANCE
        yes_fast = fast.llm_request_scores(DEV_SENTENCES)
        yes_slow = slow.llm_request_scores(DEV_SENTENCES)
        assert np.abs(yes_fast - yes_slow).max() < REAL_SCORE_TOLERANCE
    finally:
        reference.close()
