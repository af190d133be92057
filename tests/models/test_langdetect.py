"""Language detection: the script decides the candidates; a neighbour wins only clearly."""

from __future__ import annotations

import pytest

from models.errors import UnsupportedLanguage
from models.langdetect import LanguageDetector, dominant_script, language_shares


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


# Kazakh in Latin letters (models/text/kazakh_latin.py) and per-sentence detection.
KK_LATIN_2021 = "Ükımet jaña joldar men mektepter salu üşın qosymşa qarajat böludı josparlap otyr."
KK_LATIN_2018 = "Úkimet jańa joldar men mektepter salýǵa qosymsha qarajat bólýdi josparlap otyr."


@pytest.mark.parametrize("text", [KK_LATIN_2021, KK_LATIN_2018])
def test_latin_kazakh_is_kk(detector: LanguageDetector, text: str) -> None:
    detection = detector.detect(text)
    assert (detection.lang, detection.script, detection.latin_kazakh) == ("kk", "latin", True)
    assert detection.confidence >= 0.6


def test_english_stays_english_and_turkish_is_not_kazakh(detector: LanguageDetector) -> None:
    english = detector.detect("The government plans to spend more on new roads and schools.")
    assert (english.lang, english.script, english.latin_kazakh) == ("en", "latin", False)
    with pytest.raises(UnsupportedLanguage) as err:
        detector.detect("Hükümet yeni yollar ve okullar için ek bütçe ayırmayı planlıyor.")
    assert err.value.language == "tr"


def test_a_mixed_text_is_detected_sentence_by_sentence(detector: LanguageDetector) -> None:
    text = (
        "Қазақстан үкіметі жаңа бағдарламаны бекітті. "
        "Правительство выделило на эти цели два миллиарда тенге.\n"
        "Бағдарлама 2030 жылға дейін жүзеге асырылады. "
        "Эксперты считают, что это поможет экономике региона."
    )
    found = detector.sentence_languages(text)
    assert [s.lang for s in found] == ["kk", "ru", "kk", "ru"]
    assert all(text[s.span.start : s.span.end] == s.span.text for s in found)
    shares = language_shares(found)
    assert set(shares) == {"kk", "ru"} and sum(shares.values()) == pytest.approx(1.0, abs=1e-3)


def test_given_kazakh_on_latin_text_is_read_as_latin_kazakh(detector: LanguageDetector) -> None:
    given = detector.resolve(KK_LATIN_2021, "kk")
    assert (given.lang, given.confidence, given.latin_kazakh) == ("kk", 1.0, True)


@pytest.mark.parametrize(
    "text",
    [
        "Qatar and Iraq signed a new agreement on oil exports.",
        "Xi Jinping met Li Qiang and Wang Qishan in Beijing.",
    ],
)
def test_english_with_q_names_is_not_latin_kazakh(detector: LanguageDetector, text: str) -> None:
    assert detector.detect(text).lang == "en"


def test_sentence_languages_reuses_the_whole_texts_detection(detector: LanguageDetector) -> None:
    text = f"{KK_LATIN_2021} Ükımet bağdarlamany bekıttı."
    whole = detector.detect(text)
    assert whole.latin_kazakh
    given = detector.sentence_languages(text, whole)
    assert [(s.lang, s.latin_kazakh) for s in given] == [
        (s.lang, s.latin_kazakh) for s in detector.sentence_languages(text)
    ]
    assert [s.lang for s in given] == ["kk", "kk"]
    # The short sentence alone reads as Turkish; only the text's Latin-Kazakh reading, which
    # ``whole`` carries, rescues it. Told the text is English, that rescue is not made.
    english = detector.sentence_languages(text, detector.resolve(text, "en"))
    assert [s.lang for s in english] == ["kk", "tr"]
