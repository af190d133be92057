"""The langid stage's scoring on sentences written for this test (no shared data needed)."""

from __future__ import annotations

import pytest

from evaluation.stages.langid import latin_scores, mixed_document, mixed_scores
from models.langdetect import LanguageDetector

KK = [
    "Үкімет жаңа жолдар мен мектептер салуға қосымша қаражат бөлуді жоспарлап отыр.",
    "Бағдарлама 2030 жылға дейін жүзеге асырылады деп күтілуде.",
]
RU = [
    "Правительство планирует выделить дополнительные средства на новые дороги и школы.",
    "Ожидается, что программа будет выполнена до 2030 года.",
]
EN = ["The government plans to spend more on new roads and schools."]


@pytest.fixture(scope="module")
def detector() -> LanguageDetector:
    return LanguageDetector()


def test_mixed_document_alternates_languages_and_records_line_starts() -> None:
    text, starts, langs = mixed_document(KK, RU)
    assert langs == ["kk", "ru"]
    assert text[starts[0] :].startswith(KK[0]) and text[starts[1] :] == RU[1]


def test_scores_count_right_and_wrong_answers(detector: LanguageDetector) -> None:
    mixed = mixed_scores(detector, KK, RU)
    assert mixed["sentences"] == 2 and mixed["sentence_accuracy"] == 1.0
    latin = latin_scores(detector, KK[:1], EN)
    assert latin["sentence_accuracy"] == 1.0 and latin["english_as_kk"] == 0.0
    # Russian lines in Latin letters are no Kazakh: every one is a miss.
    assert latin_scores(detector, RU, EN)["sentence_accuracy"] == 0.0
