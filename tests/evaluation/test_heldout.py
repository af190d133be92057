"""The held-out documents stay out of everything we tune on (issue 10)."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import REPO_ROOT

from evaluation import data as ds
from evaluation.devset import LABELS_PATH, load_labelled, load_labels
from evaluation.heldout import HeldOut, load_heldout, normalise

DATA = ds.data_root()
pytestmark = pytest.mark.skipif(
    not (DATA / "news_diplomacy_trade").is_dir(),
    reason=f"test sets not found at {DATA} (set EVAL_DATA): the held-out set cannot be read",
)


@pytest.fixture(scope="module")
def heldout() -> HeldOut:
    return load_heldout(DATA)


def test_the_held_out_set_is_what_the_issue_names(heldout: HeldOut) -> None:
    assert len(heldout.doc_ids) == 15
    # 228 NTREX lines (the 15 documents) and their lines in WMT19 en-kk
    assert len(heldout.ntrex_lines) == 228 and heldout.wmt19_en_kk_lines
    assert len(heldout.sentences) > 1000


def test_no_label_points_at_a_held_out_document_or_line(heldout: HeldOut) -> None:
    for row in load_labels(LABELS_PATH):
        kind, doc, index = str(row["key"]).split(":", 2)
        if kind == "ntrex":
            assert doc not in heldout.doc_ids, row["key"]
            assert int(index) not in heldout.ntrex_lines, row["key"]
        assert kind in ("cnndm", "kknews", "ntrex", "kkwmt", "wmt20ru", "wmt20zh"), row["key"]


def test_no_labelled_sentence_is_a_held_out_sentence(heldout: HeldOut) -> None:
    labelled = load_labelled(DATA, langs=("en", "ru", "kk", "zh"))
    assert len(labelled) > 600
    assert not [s.key for s in labelled if heldout.contains(s.text)]


def _our_texts() -> list[tuple[str, str]]:
    """Every line of our prompts, few-shot and example files, and test fixtures."""
    out = []
    for folder in ("prompts", "tests/fixtures", "evaluation"):
        for path in sorted((REPO_ROOT / folder).rglob("*")):
            if path.suffix in (".txt", ".tsv", ".jsonl", ".md") and path.is_file():
                for line in path.read_text("utf-8").splitlines():
                    for part in line.split("\t"):
                        if part.strip():
                            out.append((str(path.relative_to(REPO_ROOT)), part))
    return out


def test_no_prompt_example_or_fixture_holds_a_held_out_sentence(heldout: HeldOut) -> None:
    texts = _our_texts()
    assert texts
    exact = [(where, t[:60]) for where, t in texts if heldout.contains(t)]
    assert not exact
    long = [s for s in heldout.sentences if len(s) >= 40]
    joined = {where: normalise(Path(REPO_ROOT / where).read_text("utf-8")) for where, _ in texts}
    inside = [(where, s[:60]) for where, blob in joined.items() for s in long if s in blob]
    assert not inside
