"""Translation checks on good and bad outputs in each target language."""

from __future__ import annotations

import pytest

from models.langdetect import LanguageDetector
from models.translation.quality import QualityChecker

SOURCE = "China is the largest trade partner of Kazakhstan, the ministry said on Monday."


@pytest.fixture(scope="module")
def checker() -> QualityChecker:
    return QualityChecker(LanguageDetector())


@pytest.mark.parametrize(
    ("target", "output"),
    [
        (
            "ru",
            "Китай является крупнейшим торговым партнёром Казахстана, "
            "заявили в министерстве в понедельник.",
        ),
        (
            "kk",
            "Қытай Қазақстанның ең ірі сауда серіктесі болып табылады, "
            "деп хабарлады министрлік дүйсенбіде.",
        ),
        ("zh", "外交部周一表示，中国是哈萨克斯坦最大的贸易伙伴。"),
    ],
)
def test_good_translations_pass(checker: QualityChecker, target: str, output: str) -> None:
    quality = checker.check(SOURCE, output, source_lang="en", target_lang=target)
    assert quality.ok, quality.failed


@pytest.mark.parametrize(
    ("target", "output", "failed"),
    [
        # Russian asked for Kazakh
        (
            "kk",
            "Китай является крупнейшим торговым партнёром Казахстана, заявили в министерстве.",
            "language",
        ),
        # English words left in Russian
        (
            "ru",
            "Китай является largest trade partner Казахстана, the ministry said в понедельник.",
            "untranslated",
        ),
        # a loop
        (
            "ru",
            "Китай является является является является является партнёром партнёром партнёром.",
            "repetition",
        ),
        # far too short
        ("ru", "Китай.", "length"),
        # emoji and another script
        (
            "ru",
            "Китай 🌟 крупнейший торговый партнёр Казахстана, سلام сказали в министерстве.",
            "foreign_characters",
        ),
        # Latin where Han was asked
        ("zh", "China是Kazakhstan最大的 trade partner。", "script"),
    ],
)
def test_bad_translations_fail_the_named_check(
    checker: QualityChecker, target: str, output: str, failed: str
) -> None:
    quality = checker.check(SOURCE, output, source_lang="en", target_lang=target)
    assert not quality.ok
    assert failed in {c.name for c in quality.failed}, quality.checks


def test_names_and_acronyms_may_stay_in_latin(checker: QualityChecker) -> None:
    source = "NATO and the OSCE met Kairat Abdrakhmanov in Astana."
    output = "NATO и OSCE встретились с Кайратом Абдрахмановым в Астане."
    quality = checker.check(source, output, source_lang="en", target_lang="ru")
    assert quality.ok, quality.failed


def test_reverse_direction_into_english(checker: QualityChecker) -> None:
    good = checker.check(
        "Министр встретился с послом Китая.",
        "The minister met the Chinese ambassador.",
        source_lang="ru",
        target_lang="en",
    )
    bad = checker.check(
        "Министр встретился с послом Китая.",
        "The министр met the посол.",
        source_lang="ru",
        target_lang="en",
    )
    assert good.ok and not bad.ok
    assert "script" in {c.name for c in bad.failed}


def test_a_text_already_in_the_target_language_passes(checker: QualityChecker) -> None:
    quality = checker.check("Привет.", "Привет.", source_lang="ru", target_lang="ru")
    assert quality.ok and quality.checks[0].detail == "already in the target language"
