"""Soft hyphens and zero-width characters: removed for matching, mapped back for spans."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from helpers import engines_of

from models.config import SummarizerOptions
from models.summary.analysis import analyse
from models.summary.cues.detector import CueDetector
from models.summary.grounding import Grounded, Grounder
from models.summary.parties import check_party
from models.text.invisible import fold

SHY = "\u00ad"


def test_fold_removes_invisible_characters_and_maps_back() -> None:
    text = f"Қазақ{SHY}стан\u200b үкіметі\u2060 \ufeffкелісті"
    folded = fold(text)
    assert folded.text == "Қазақстан үкіметі келісті"
    assert folded.unfold("Қазақстан үкіметі") == f"Қазақ{SHY}стан\u200b үкіметі"
    assert folded.unfold("келісті") == "келісті"
    assert folded.unfold("нет") == "нет" and folded.unfold(None) is None
    # emoji joiners and the non-joiner stay
    assert fold("👩\u200d💻 a\u200cb").text == "👩\u200d💻 a\u200cb"


@pytest.fixture(scope="module")
def cues() -> CueDetector:
    return CueDetector()


@pytest.mark.parametrize(
    ("lang", "sentence", "actor", "target"),
    [
        # the soft hyphen splits the trigger itself
        ("kk", f"Президент Үкіметке жалақыны өсіруді тап{SHY}сырды.", None, None),
        ("zh", "外交部呼\u200b吁各方保持克制。", None, None),
        # the parties come back as the sentence's own substrings, hyphens and all
        ("en", f"The min{SHY}istry urged the Euro{SHY}pean Com{SHY}mission to act.",
         f"min{SHY}istry", f"Euro{SHY}pean Com{SHY}mission"),
        ("ru", f"Мини{SHY}стерство при{SHY}звало прави{SHY}тельство принять меры.",
         f"Мини{SHY}стерство", f"прави{SHY}тельство"),
    ],
)  # fmt: skip
def test_cues_read_through_soft_hyphens(
    cues: CueDetector, lang: str, sentence: str, actor: str | None, target: str | None
) -> None:
    (cue,) = cues.detect([sentence], lang)
    assert cue.request == 1.0, cue
    assert (cue.actor, cue.target) == (actor, target)
    for party in (cue.actor, cue.target):
        assert party is None or party in sentence


def test_a_name_without_the_articles_soft_hyphen_is_the_same_name() -> None:
    article = f"Қазақ{SHY}стан Қытаймен келісім жасады."
    assert check_party("Қазақстан", article, "actor").name == "Қазақстан"
    assert check_party("Ресей", article, "actor").name is None


def test_a_rewrite_is_grounded_on_a_sentence_with_soft_hyphens(client: TestClient) -> None:
    embedder = engines_of(client).summarizer.embedder
    options = SummarizerOptions(ground_threshold=1.01)  # lexical support only (tiny embedder)
    text = f"The Kazakh side asked Bei{SHY}jing to resume issuing visas to Kazakh{SHY}stan."
    article = analyse(text, title=None, lang="en", embedder=embedder, options=options)
    claim = "The Kazakh side asked Beijing to resume issuing visas to Kazakhstan."
    result = Grounder(embedder, options).ground(claim, article, anchor=0)
    assert isinstance(result, Grounded), result
