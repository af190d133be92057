"""Rewrites that change names, numbers or negation are caught, in all four languages."""

from __future__ import annotations

import pytest

from models.languages import LangCode
from models.text.fidelity import names_in, negated, rewrite_changes

SOURCES: dict[LangCode, str] = {
    "en": "The union asked the Ministry of Transport to lower fares by 12% next year.",
    "ru": "Профсоюз попросил Министерство транспорта снизить тарифы на 12% в следующем году.",
    "kk": "Кәсіподақ Көлік министрлігінен келесі жылы тарифтерді 12%-ға төмендетуді сұрады.",
    "zh": "工会要求交通部明年将票价降低12%。",
}

# (lang, rewrite, expected change): faithful rewrites first, then one change of each kind.
CASES: list[tuple[LangCode, str, str | None]] = [
    ("en", "The union asked the Ministry of Transport to cut fares 12%.", None),
    ("en", "The union asked the Ministry of Transport to lower", "truncated"),
    ("en", "The union asked the Ministry of Transport to lower fares, 尊重.", "script"),
    ("ru", "But профсоюз попросил Министерство транспорта снизить тарифы на 12%.", "script"),
    ("en", "The union asked the Ministry of Transport to lower fares by 12%.", None),
    ("en", "The union asked the Ministry of Finance to cut fares 12%.", "names"),
    ("en", "The union asked the ministry to cut fares 15%.", "numbers"),
    ("en", "The union did not ask the ministry to cut fares 12%.", "negation"),
    ("en", "The union never asked the ministry to cut fares by 12%.", "negation"),
    ("ru", "Профсоюз попросил Министерство транспорта снизить тарифы на 12%.", None),
    # Inflected names match by stem: Министерству / Министерство.
    ("ru", "Профсоюз обратился к Министерству транспорта: снизить тарифы на 12%.", None),
    ("ru", "Профсоюз попросил Министерство финансов и Минфин снизить тарифы на 12%.", "names"),
    ("ru", "Профсоюз попросил министерство снизить тарифы на 20%.", "numbers"),
    ("ru", "Профсоюз не просил министерство снизить тарифы на 12%.", "negation"),
    ("kk", "Кәсіподақ Көлік министрлігінен тарифтерді 12%-ға төмендетуді сұрады.", None),
    ("kk", "Кәсіподақ Қаржы министрлігінен тарифтерді 12%-ға төмендетуді сұрады.", "names"),
    ("kk", "Кәсіподақ министрліктен тарифтерді 12%-ға төмендетуді сұрамады.", "negation"),
    ("kk", "Бұл кәсіподақтың талабы емес: тарифтерді 12%-ға төмендету.", "negation"),
    ("zh", "工会要求交通部将票价降低12%。", None),
    ("zh", "工会要求交通部明年", "truncated"),
    ("zh", "工会要求交通部将票价降低15%。", "numbers"),
    ("zh", "工会没有要求交通部降低票价12%。", "negation"),
    ("zh", "工会不要求交通部降低票价12%。", "negation"),
]


@pytest.mark.parametrize(("lang", "rewrite", "change"), CASES)
def test_rewrite_changes(lang: LangCode, rewrite: str, change: str | None) -> None:
    assert rewrite_changes(rewrite, SOURCES[lang], lang) == change


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        # Words that contain a negator but do not negate.
        ("zh", "双方将不断深化合作，未来几年在非洲开展不同项目。"),
        ("zh", "代表团在莫斯科会见了俄方，非常重视合作。"),
        ("en", "Nothingham is not a word; Notting Hill is a place."),  # "not" negates here
        ("ru", "Стороны обсудили небывалый рост торговли."),
        ("kk", "Тараптар бағдарламаны және хабарламаны талқылады."),
    ],
)
def test_negation_markers(lang: LangCode, text: str) -> None:
    expected = lang == "en"
    assert negated(text, lang) is expected


def test_names_opening_word_and_title_case() -> None:
    # The opening word counts only when it is capitalised inside a sentence too.
    assert names_in("The talks with Japan went well.", "en") == ["Japan"]
    assert names_in("Japan and China met; Japan spoke first.", "en") == ["Japan", "China", "Japan"]
    assert names_in("China And Japan Agree On Visa Rules", "en") == []
    assert names_in("代表团会见了Boeing公司的代表。", "zh") == ["Boeing"]


@pytest.mark.parametrize(
    ("claim", "ok"),
    [
        ("Then Pompeo called on the government to free the prisoners.", True),
        # a name cut short is another name
        ("Then Pompe called on the government to free the prisoners.", False),
        # possessive, plural, hyphenated compound of the same name
        ("Then Pompeo's deputy called on the government to act.", True),
        ("Then the Kazakh side called on the government to act.", True),
        ("Then the Assads called on the government to act.", True),
        # a longer name is not in a shorter one either
        ("Then the Kazakhstan side called on the government to act.", False),
    ],
)
def test_a_latin_name_is_the_whole_word(claim: str, ok: bool) -> None:
    source = (
        "Pompeo also called on the Assad government and the Kazakh-Chinese commission to "
        "free the prisoners."
    )
    assert (rewrite_changes(claim, source, "en") != "names") is ok


@pytest.mark.parametrize(
    ("lang", "rewrite", "source", "change"),
    [
        # a soft hyphen set for print splits the source's name into two words
        ("en", "Officials of Kazakhstan asked the ministry to cut fares by 12%.",
         "Officials of Kazakh\u00adstan asked the ministry to cut fares by 12%.", None),
        # a zero-width space inside the rewrite's "not" still negates it
        ("en", "The union did n\u200bot ask the ministry to cut fares by 12%.",
         "The union asked the ministry to cut fares by 12%.", "negation"),
        ("ru", "Профсоюз попросил Министерство транспорта снизить тарифы на 12%.",
         "Профсоюз попросил Мини\u00adстерство транс\u00adпорта снизить тарифы на 12%.", None),
        ("kk", "Кәсіподақ министрліктен тарифтерді 12%-ға төмендетуді сұра\u00adмады.",
         SOURCES["kk"], "negation"),
    ],
)  # fmt: skip
def test_invisible_characters_do_not_change_a_rewrite(
    lang: LangCode, rewrite: str, source: str, change: str | None
) -> None:
    assert rewrite_changes(rewrite, source, lang) == change
