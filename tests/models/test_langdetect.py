"""Language detection: the script decides the candidates; a neighbour wins only clearly."""

from __future__ import annotations

import pytest

from models.errors import UnsupportedLanguage
from models.langdetect import LanguageDetector, dominant_script


@pytest.fixture(scope="module")
def detector() -> LanguageDetector:
    return LanguageDetector()


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Kazakhstan and China discussed trade and visas on Monday.", "en"),
        ("Министр иностранных дел Казахстана встретился с послом Китая.", "ru"),
        ("Қазақстан Сыртқы істер министрі Қытай елшісімен кездесті.", "kk"),
        ("哈萨克斯坦外交部长会见了中国大使。", "zh"),
        # lingua alone scores these Spanish (0.48 and 0.86); both were 422s (issue 11)
        ("Hello.", "en"),
        ("The minister met the ambassador. " * 10, "en"),
        ("Hi there.", "en"),
        ("Привет.", "ru"),
        ("Сәлем.", "kk"),
        ("你好。", "zh"),
    ],
)
def test_supported_languages_are_detected(detector: LanguageDetector, text: str, lang: str) -> None:
    detection = detector.detect(text)
    assert detection.lang == lang
    assert 0.5 < detection.confidence <= 1.0


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Добрий день, як справи у вас сьогодні?", "uk"),
        ("Le ministre a rencontré l'ambassadeur hier à Paris.", "fr"),
        ("Der Minister traf gestern den Botschafter in Berlin.", "de"),
        ("今日は良い天気ですね。", "ja"),
        ("12345 !!!", "unknown"),
        ("Ο υπουργός συναντήθηκε με τον πρέσβη.", "unknown"),
    ],
)
def test_clear_other_languages_are_rejected(
    detector: LanguageDetector, text: str, lang: str
) -> None:
    with pytest.raises(UnsupportedLanguage) as info:
        detector.detect(text, param="text[2]")
    assert info.value.language == lang
    assert info.value.param == "text[2]"


def test_short_neighbour_text_is_not_rejected(detector: LanguageDetector) -> None:
    # "Добрий день" is Ukrainian, but 10 letters are too few to refuse the request on.
    assert detector.detect("Добрий день").lang in ("ru", "kk")


def test_dominant_script() -> None:
    assert dominant_script("Hello, мир") == "latin"
    assert dominant_script("Привет, world!") == "cyrillic"
    assert dominant_script("中国和哈萨克斯坦 China") == "han"
    assert dominant_script("日本語のテキスト") == "kana"
    assert dominant_script("1234 !?") is None
