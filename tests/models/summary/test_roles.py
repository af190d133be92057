"""Role checks of LLM rewrites against spaCy's parse (``models/summary/roles.py``), on
sentences written for these tests."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import pytest

from models.engines import Engines, load_engines
from models.summary.cues.detector import CueDetector
from models.summary.llm_engine import (
    KEYPOINT_NEW_TOKENS,
    PARTY_MAX_CHARS,
    POINT_MAX_CHARS,
    LLMEngine,
    _Lead,
)
from models.summary.roles import RoleCheck
from service.settings import Settings

_PARSE = CueDetector().parse_english


@pytest.fixture(scope="module")
def roles() -> RoleCheck:
    return RoleCheck(_PARSE)


@pytest.mark.parametrize(
    ("name", "sentence", "ok"),
    [
        ("Foreign Minister Anna Berg", "Foreign Minister Anna Berg met the envoy.", True),
        ("envoy", "Foreign Minister Anna Berg met the envoy.", True),
        # "reports" is the verb here, though the small model tags it a noun
        ("city council's press service reports",
         "The budget was approved, the city council's press service reports.", False),
        # a phrase cut after its preposition
        ("need for a dialogue on a range of",
         "The need for a dialogue on a range of issues was stressed.", False),
        ("approved the budget", "The council approved the budget on Monday.", False),
        ("Berg", "Another sentence entirely.", True),  # not in this sentence: not judged
    ],
)  # fmt: skip
def test_a_party_is_a_noun_phrase_of_its_sentence(
    roles: RoleCheck, name: str, sentence: str, ok: bool
) -> None:
    assert roles.party_phrase(name, sentence, "en") is ok


def test_other_languages_are_not_judged(roles: RoleCheck) -> None:
    assert roles.party_phrase(
        "сообщает пресс-служба", "Бюджет принят, сообщает пресс-служба.", "ru"
    )
    assert not roles.invented_agent("Пресс-служба одобрила бюджет.", "Бюджет одобрен.", "ru")


def test_one_sentence_is_parsed_once_for_all_its_checks() -> None:
    calls: list[list[str]] = []

    def counting(texts: Sequence[str]) -> list[Any]:
        calls.append(list(texts))
        return _PARSE(texts)

    check = RoleCheck(counting, memo=2)
    sentence = "The need for talks was stressed, the press service reports."
    assert not check.party_phrase("press service reports", sentence, "en")
    assert check.party_phrase("The need for talks", sentence, "en")
    assert check.invented_agent("The press service stressed the need for talks.", sentence, "en")
    assert calls == [[sentence], ["The press service stressed the need for talks."]]
    # the memo is bounded: two newer texts push the sentence out, and it is parsed again
    check.party_phrase("envoy", "The envoy left.", "en")
    check.party_phrase("envoy", "The envoy arrived.", "en")
    check.party_phrase("The need for talks", sentence, "en")
    assert calls[-1] == [sentence]


@pytest.mark.parametrize(
    ("claim", "source", "invented"),
    [
        # the source says it was stressed, not who stressed it
        ("The press service stressed the need for talks.",
         "The need for talks was stressed, the press service reports.", True),
        ("The need for talks was stressed.",
         "The need for talks was stressed, the press service reports.", False),
        ("The minister stressed the need for talks.",
         "The need for talks was stressed by the minister.", False),
        ("The minister stressed the need for talks.",
         "The minister stressed the need for talks on Monday.", False),
        # a verb the source does not use is a paraphrase, not judged here
        ("The press service underlined the need for talks.",
         "The need for talks was stressed, the press service reports.", False),
    ],
)  # fmt: skip
def test_a_rewrite_names_no_agent_the_source_lacks(
    roles: RoleCheck, claim: str, source: str, invented: bool
) -> None:
    assert roles.invented_agent(claim, source, "en") is invented


ARTICLE = (
    "The need for a dialogue on a range of issues was stressed, the city council's press "
    "service reports. The council approved the new budget for schools on Monday."
)


@pytest.fixture(scope="module")
def engines(tiny_settings: Settings) -> Iterator[Engines]:
    loaded = load_engines(tiny_settings.engine_config())
    yield loaded
    loaded.close()


def test_the_llm_engine_drops_misread_roles(engines: Engines) -> None:
    summarizer = engines.summarizer
    engine = summarizer.llm_engine
    assert isinstance(engine, LLMEngine)
    article = summarizer.analyse(ARTICLE, lang="en")
    answer = {
        "actor": "city council's press service reports",
        "target": "need for a dialogue on a range of",
        "point": "The city council's press service stressed the need for a dialogue on a range "
        "of issues.",
    }
    done = engine._key_point(article, 0, 1, ("statement", 0.9), answer)
    point, warnings = done.point, done.warnings
    assert (point.actor, point.target) == (None, None)
    assert point.text == article.sentences[0].span.text
    assert any("not a noun phrase" in w and "actor" in w for w in warnings), warnings
    assert any("not a noun phrase" in w and "target" in w for w in warnings), warnings
    assert any("names an agent its source sentence does not" in w for w in warnings), warnings
    assert done.completed and done.dropped == "agent"

    # The same answer with the parties and the wording the source supports is kept.
    kept = {
        "actor": "city council",
        "target": "",
        "point": "The need for a dialogue on a "
        "range of issues was stressed, the city council's press service reports.",
    }
    done = engine._key_point(article, 0, 1, ("statement", 0.9), kept)
    point, warnings = done.point, done.warnings
    assert point.actor == "City council" and not warnings, warnings
    assert done.completed and done.dropped is None


@pytest.mark.parametrize(
    ("name", "sentence", "ok"),
    [
        ("the Kazakh side", "The Kazakh side asked the Chinese side to reopen the office.", True),
        ("Norway", "Finland urged Norway to reopen the border.", True),
        ("the government", "Unions called on the government to raise pay.", True),
        # a topic is what was agreed, not who agreed it
        ("Protection of the rights of seasonal workers",
         "It was agreed that the protection of the rights of seasonal workers will improve.",
         False),
        ("the new budget", "The council approved the new budget on Monday.", False),
        ("Berg", "Another sentence entirely.", True),  # not in this sentence: not judged
    ],
)  # fmt: skip
def test_a_request_or_agreement_party_is_a_party(
    roles: RoleCheck, name: str, sentence: str, ok: bool
) -> None:
    assert roles.names_party(name, sentence, "en") is ok
    assert roles.names_party(name, sentence, "ru")  # no parse outside English


AGREED = (
    "Finland urged Norway to reopen the border crossing at once. It was agreed that the "
    "protection of the rights of seasonal workers will improve."
)


def test_english_request_and_agreement_parties_come_from_the_parse(engines: Engines) -> None:
    summarizer = engines.summarizer
    engine = summarizer.llm_engine
    assert isinstance(engine, LLMEngine)
    article = summarizer.analyse(AGREED, lang="en")
    assert article.acts and article.acts[0].request and article.acts[0].target == "Norway"
    assert article.acts[1].agreement and article.acts[1].actor is None
    topic = "protection of the rights of seasonal workers"
    # the request's target from the LLM is a thing: the parse's "Norway" replaces it
    answer = {"actor": "Finland", "target": "the border crossing", "point": "Finland urged "
              "Norway to reopen the border crossing at once."}  # fmt: skip
    done = engine._key_point(article, 0, 1, ("request", 0.9), answer)
    point = done.point
    assert (point.actor, point.target) == ("Finland", "Norway")
    # the same parties when the LLM's answer did not complete
    done = engine._key_point(article, 0, 1, ("request", 0.9), None)
    point = done.point
    assert not done.completed and done.dropped is None
    assert (point.actor, point.target) == ("Finland", "Norway")
    # the agreement names no party: the parse's empty target stands, and an LLM actor
    # that is a topic is dropped with a warning
    answer = {"actor": topic, "target": topic, "point": AGREED.split(". ")[1]}
    done = engine._key_point(article, 1, 2, ("agreement", 0.9), answer)
    point, warnings = done.point, done.warnings
    assert (point.actor, point.target) == (None, None)
    assert any("actor" in w and "names no party; dropped" in w for w in warnings), warnings
    # as a statement's, the actor is the LLM's and not judged as a party, but a target,
    # "towards whom", must be one on every type
    done = engine._key_point(article, 1, 2, ("statement", 0.9), answer)
    point, warnings = done.point, done.warnings
    assert point.actor == topic[0].upper() + topic[1:]
    assert point.target is None
    assert any("target" in w and "names no party; dropped" in w for w in warnings), warnings
    # a statement's target that is a party stays
    towards = {"actor": "Finland", "target": "Norway", "point": AGREED.split(". ")[0] + "."}
    done = engine._key_point(article, 0, 1, ("statement", 0.9), towards)
    point, warnings = done.point, done.warnings
    assert (point.actor, point.target) == ("Finland", "Norway"), warnings


MET = (
    "Foreign Minister Anna Berg met the envoy of Norway in Oslo, thanking him for the talks "
    "and wishing him success in advancing the Nordic energy partnership."
)
FARES = "The union asked the Ministry of Transport to lower fares by 12% next year."


@pytest.mark.parametrize(
    ("claim", "source", "cut"),
    [
        # a full stop after an adjective does not finish its noun phrase
        ("Anna Berg met the envoy, wishing him success in advancing the Nordic energy.",
         MET, True),
        # a verb, a preposition's object left out
        ("The union asked the Ministry of Transport to lower", FARES, True),
        ("Anna Berg wished him success in advancing", MET, True),
        # ends at a comma of the source, or leaves out an adjunct: whole phrases
        ("Foreign Minister Anna Berg met the envoy of Norway in Oslo.", MET, False),
        ("The union asked the Ministry of Transport to lower fares by 12%.", FARES, False),
        ("The union asked the ministry to cut fares.", FARES, False),
        ("Anna Berg met the envoy.", MET, False),
    ],
)  # fmt: skip
def test_a_rewrite_may_not_end_inside_a_phrase(
    roles: RoleCheck, claim: str, source: str, cut: bool
) -> None:
    assert roles.cut_short(claim, source, "en") is cut
    assert not roles.cut_short(claim, source, "ru")  # no parse outside English


def test_a_point_at_the_schemas_length_limit_is_dropped(engines: Engines) -> None:
    summarizer = engines.summarizer
    engine = summarizer.llm_engine
    assert isinstance(engine, LLMEngine)
    article = summarizer.analyse(MET, lang="en")
    long = (MET + " " + MET)[:240]
    done = engine._key_point(
        article, 0, 1, ("statement", 0.9), {"actor": "", "target": "", "point": long}
    )
    point, warnings = done.point, done.warnings
    assert point.text == article.sentences[0].span.text
    assert any("length limit" in w for w in warnings), warnings
    assert done.dropped == "limit"


def test_the_key_point_budget_fits_the_longest_answer_in_the_sentences_script(
    engines: Engines,
) -> None:
    engine = engines.summarizer.llm_engine
    assert isinstance(engine, LLMEngine)
    count = engine.llm.count_tokens
    short = "Finland urged Norway to act."
    assert engine._point_budget(short) == KEYPOINT_NEW_TOKENS  # the floor
    kazakh = (
        "Қазақстан тарапы Қытай азаматтарына жеке, іскерлік және туристік визаларды беруді "
        "жедел қайта бастауға үміт білдірді, деп хабарлады Сыртқы істер министрлігінің "
        "баспасөз қызметі бүгін таңертең Астанада өткен брифингте."
    )
    budget = engine._point_budget(kazakh)
    # the point (up to 240 characters), two names (up to 60 each) and the JSON around them
    assert budget == count(kazakh[:POINT_MAX_CHARS]) + 2 * count(kazakh[:PARTY_MAX_CHARS]) + 16
    assert budget > KEYPOINT_NEW_TOKENS
    # past the schema's limits a longer sentence costs no more
    long = kazakh + " " + kazakh
    assert len(long) > POINT_MAX_CHARS
    assert engine._point_budget(long + " " + kazakh) == engine._point_budget(long)


def test_invisible_characters_do_not_hide_a_misread_role(roles: RoleCheck) -> None:
    # Press copy set for print: soft hyphens and zero-width spaces inside the source's words.
    sentence = "The budget was approved, the city council's press ser\u00advice reports."
    assert not roles.party_phrase("city council's press service reports", sentence, "en")
    assert not roles.party_phrase("city council's press ser\u00advice reports", sentence, "en")
    met = MET.replace("energy", "ener\u00adgy").replace("Nordic", "Nor\u200bdic")
    claim = "Anna Berg met the envoy, wishing him success in advancing the Nordic energy."
    assert roles.cut_short(claim, met, "en")
    assert not roles.cut_short("Anna Berg met the envoy.", met, "en")
    assert roles.invented_agent(
        "The press service stressed the need for talks.",
        "The need for talks was stres\u00adsed, the press service reports.",
        "en",
    )


@pytest.mark.parametrize(
    ("shown", "headline"),
    [
        ("Officials of Kazakh\u00adstan asked the ministry to cut fares by 12%.",
         "Officials of Kazakhstan ask the ministry to cut fares"),
        ("The union did n\u200bot ask the ministry to cut fares by 12%.",
         "Union did not ask ministry to cut fares"),
    ],
)  # fmt: skip
def test_the_headline_check_reads_through_invisible_characters(
    engines: Engines, shown: str, headline: str
) -> None:
    engine = engines.summarizer.llm_engine
    assert isinstance(engine, LLMEngine)
    article = engines.summarizer.analyse(shown, lang="en")
    lead = _Lead("Extractive headline", "Extractive summary.", shown)
    made = engine._headline(article, {"headline": headline}, lead)
    assert (made.headline, made.warnings) == (headline, ())
    # a headline that does change the name is still refused
    other = engine._headline(article, {"headline": headline + " in Kyrgyzstan"}, lead)
    assert other.headline == "Extractive headline" and "names" in other.warnings[0]
