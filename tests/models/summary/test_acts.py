"""Speech acts: the cues on fixed sentences in four languages, and the shipped regressions."""

from __future__ import annotations

import numpy as np
import pytest

from models.summary.acts import ActModel, SpeechActs, cue_features
from models.summary.cues import Cue
from models.summary.cues.detector import CueDetector

# (language, sentence, request strength, agreement)
CASES = [
    ("en", "The union urged the government to raise wages.", 1.0, False),
    ("en", "He did not ask the court for a delay.", 0.0, False),
    ("en", "Analysts expect growth to slow next year.", 0.0, False),
    ("en", "The two countries signed an agreement on trade.", 0.0, True),
    ("en", "The minister met the ambassador.", 0.0, False),
    ("ru", "Министр призвал Китай выполнить свои обещания.", 1.0, False),
    ("ru", "Стороны подписали соглашение о торговле.", 0.0, True),
    ("ru", "Он не просил суд об отсрочке.", 0.0, False),
    ("ru", "Работница спросила, может ли она сократить обеденный перерыв.", 1.0, False),
    ("ru", "Он спросил, правда ли это.", 0.0, False),
    ("ru", "По настоянию сенатора бюро начало расследование.", 1.0, False),
    # hope given or counted offers are no request; a reached or a signed accord is an agreement
    ("ru", "Он хотел своим примером дать другим надежду.", 0.0, False),
    ("ru", "Депутат внёс предложение продлить сессию.", 0.5, False),
    ("ru", "На рынке было 900 предложений, на 200 предложений меньше.", 0.0, False),
    ("ru", "На встрече министры достигли договорённостей о транзите.", 0.0, True),
    ("ru", "Договор вводит новые тарифы и был подписан министрами.", 0.0, True),
    ("ru", "Компания согласовала сделку с поставщиком.", 0.0, True),
    ("kk", "Алматыдан 108 шақырымда жер сілкінді.", 0.0, False),
    ("kk", "Партия әкім лауазымына үміткер ұсынбады.", 0.0, False),
    ("kk", "Ол басқаларға үміт сыйлау үшін сөйледі.", 0.0, False),
    ("kk", "Министрлер жобаға келісім берді.", 0.0, True),
    ("zh", "他想为其他人带来希望。", 0.0, False),
    ("zh", "两国就边境问题达成广泛共识。", 0.0, True),
    ("zh", "双方正在尽一切努力达成协议。", 0.0, False),
    ("zh", "三百名官员签署了一封公开信。", 0.0, False),
    ("zh", "他一直在游说议员们支持这项法案。", 0.5, False),
    ("kk", "Министр Қытайды уәделерін орындауға шақырды.", 1.0, False),
    ("kk", "Тараптар сауда туралы келісімге қол қойды.", 0.0, True),
    ("kk", "Министр елшімен кездесті.", 0.0, False),
    ("zh", "中国呼吁美国取消关税。", 1.0, False),
    ("zh", "两国签署了贸易协定。", 0.0, True),
    ("zh", "他没有要求法院推迟。", 0.0, False),
    # more of FrameNet's Request and Attempt_suasion words
    ("ru", "Губернатор распорядился закрыть школы до понедельника.", 1.0, False),
    ("ru", "Адвокаты ходатайствовали перед судом об отсрочке.", 1.0, False),
    ("kk", "Президент Үкіметке жаңа заң жобасын дайындауды міндеттеді.", 1.0, False),
    ("kk", "Үшінші орын жас дизайнерге бұйырды.", 0.0, False),
    ("zh", "法院责令该公司停止生产。", 1.0, False),
    ("zh", "部长催促各方尽快恢复谈判。", 1.0, False),
]


@pytest.fixture(scope="module")
def cues() -> CueDetector:
    return CueDetector()


@pytest.mark.parametrize(("lang", "sentence", "strength", "agreement"), CASES)
def test_cues_in_four_languages(
    cues: CueDetector, lang: str, sentence: str, strength: float, agreement: bool
) -> None:
    (cue,) = cues.detect([sentence], lang)
    assert (cue.request, cue.agreement) == (strength, agreement), cue


def test_the_parse_names_the_parties(cues: CueDetector) -> None:
    en = cues.detect(["The union urged the government to raise wages."], "en")[0]
    assert (en.actor, en.target) == ("union", "government")
    ru = cues.detect(["Министр призвал Китай выполнить свои обещания."], "ru")[0]
    assert (ru.actor, ru.target) == ("Министр", "Китай")


def test_cue_features_are_strong_soft_agreement() -> None:
    x = cue_features([Cue(1.0), Cue(0.5), Cue(0.0, True), Cue()])
    assert x.tolist() == [[1, 0, 0], [0, 1, 0], [0, 0, 1], [0, 0, 0]]
    assert cue_features([]).shape == (0, 3)


def _weights(dim: int) -> dict[str, object]:
    # A model that reads the strong-request and the agreement cue only.
    request = [0.0] * dim + [8.0, 0.0, 0.0]
    agreement = [0.0] * dim + [0.0, 0.0, 8.0]
    return {
        "embedding": "test/embedder",
        "request": {"coef": request, "intercept": -4.0, "threshold": 0.5},
        "agreement": {"coef": agreement, "intercept": -4.0, "threshold": 0.5},
    }


def test_decisions_follow_the_weights(cues: CueDetector) -> None:
    acts = SpeechActs(cues, ActModel.from_dict(_weights(4)))
    texts = ["The union urged the government to raise wages.", "The minister met the ambassador."]
    found = acts.detect(texts, "en", np.zeros((2, 4), dtype=np.float32))
    assert [(a.request, a.agreement) for a in found] == [(True, False), (False, False)]
    assert (found[0].actor, found[0].target) == ("union", "government")
    assert found[1].actor is None and found[0].p_request > 0.98 > 0.02 > found[1].p_request


def test_malformed_or_mismatched_weights_are_refused(cues: CueDetector) -> None:
    with pytest.raises(ValueError, match="malformed"):
        ActModel.from_dict({"embedding": "x", "request": {"coef": [1.0]}})
    acts = SpeechActs(cues, ActModel.from_dict(_weights(4)))
    with pytest.raises(ValueError, match="4-dim"):
        acts.detect(["The minister met the ambassador."], "en", np.zeros((1, 8), np.float32))


def test_a_cyclic_russian_parse_ends() -> None:
    from types import SimpleNamespace

    from models.summary.cues.russian import _agent_in

    # natasha can attach two tokens to each other; the agent search must still stop.
    noun = SimpleNamespace(id="1", pos="NOUN", feats={"Case": "Acc"})
    a = SimpleNamespace(id="2", pos="ADJ", feats={})
    b = SimpleNamespace(id="3", pos="ADP", feats={})
    children = {"1": [a], "2": [b], "3": [a]}
    assert _agent_in(noun, children) is None
    agent = SimpleNamespace(id="4", pos="PROPN", feats={"Case": "Ins"})
    assert _agent_in(noun, {**children, "3": [a, agent]}) is agent
