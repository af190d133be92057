"""The Kazakh lexicon cue: a trigger stem followed by the verbal negation is no request."""

from __future__ import annotations

import pytest

from models.summary.cues.lexicon import kazakh_cue
from models.text.fidelity import negated


@pytest.mark.parametrize(
    ("sentence", "strength"),
    [
        ("Үкімет компанияларды бағаны төмендетуге шақырды.", 1.0),
        ("Үкімет компанияларды бағаны төмендетуге шақырмады.", 0.0),
        # first person plural and polite imperative: the endings the cue once missed
        ("Біз компанияларды бағаны төмендетуге шақырмаймыз.", 0.0),
        ("Министрлік фермерлерден өнімді сақтауды өтінеді.", 1.0),
        ("Министрлік фермерлерден өнімді сақтауды өтінбейді.", 0.0),
        ("Тараптар ынтымақтастықты кеңейтуге үміт білдірді.", 0.5),
    ],
)
def test_negated_triggers_are_not_requests(sentence: str, strength: float) -> None:
    assert kazakh_cue(sentence).request == strength
    # The rewrite check reads the same negation (one shared pattern).
    assert negated(sentence, "kk") == (strength == 0.0)


@pytest.mark.parametrize(
    ("sentence", "strength"),
    [
        # "шақырым" (kilometre) and "тапсырыс" (an order for goods) only look like triggers
        ("Алматыдан 108 шақырымда жер сілкінді.", 0.0),
        ("Колледж мемлекеттік тапсырыс бойынша оқытады.", 0.0),
        ("Министр әкімдіктерге жолды жөндеуді тапсырды.", 1.0),
        # a question asked is not a request
        ("«Дәрігерлер кімдер?» - деп сұрады ол.", 0.0),
        ("Ол министрден көмек сұрады.", 1.0),
    ],
)
def test_look_alike_words_and_questions_are_not_requests(sentence: str, strength: float) -> None:
    assert kazakh_cue(sentence).request == strength
