"""Kazakh Latin -> Cyrillic transliteration: both alphabets, and offsets back to the source."""

from __future__ import annotations

import pytest

from models.text.kazakh_latin import marker_share, to_cyrillic, to_latin, variant_of
from models.text.segmentation import split_sentences

LATIN_2021 = (
    "Ükımet jaña joldar men mektepter salu üşın 40 mlrd teñge böludı josparlap otyr. "
    "Ministr bağdarlamanyñ 2030 jylğa deiın oryndaluyn sūrady."
)
LATIN_2018 = "Úkimet jańa joldar men mektepter salýǵa qarajat bóledi. Mınıstr shetelge saparlady."


@pytest.mark.parametrize(
    ("latin", "variant", "cyrillic"),
    [
        (LATIN_2021, "2021", "Үкімет жаңа жолдар мен мектептер салу үшін 40 млрд теңге бөлуді"),
        (LATIN_2018, "2018", "Үкімет жаңа жолдар мен мектептер салуға қаражат бөледі."),
        ("Qazaqstan Respýblıkasy", "2018", "Қазақстан Республикасы"),
        ("İslam men üiıne syi", "2021", "Ислам мен үйіне сый"),
    ],
)
def test_both_alphabets_read_as_cyrillic(latin: str, variant: str, cyrillic: str) -> None:
    reading = to_cyrillic(latin)
    assert variant_of(latin) == variant == reading.variant
    assert reading.cyrillic.startswith(cyrillic)


def test_every_character_maps_back_to_the_letters_it_came_from() -> None:
    text = LATIN_2018 + " Sh" + "a\u0301" + "ń"  # a digraph and a combining accent
    reading = to_cyrillic(text)
    assert reading.cyrillic.endswith("Шәң")
    assert len(reading.starts) == len(reading.cyrillic) == len(reading.ends)
    for j, ch in enumerate(reading.cyrillic):
        piece = text[reading.starts[j] : reading.ends[j]]
        assert ch in to_cyrillic(piece, reading.variant).cyrillic
    assert text[slice(*reading.to_source(len(reading.cyrillic) - 3, len(reading.cyrillic)))] == (
        "Sh" + "a\u0301" + "ń"
    )


def test_sentence_spans_of_the_reading_are_sentences_of_the_source() -> None:
    reading = to_cyrillic(LATIN_2021)
    spans = split_sentences(reading.cyrillic, "kk")
    back = [LATIN_2021[slice(*reading.to_source(s.start, s.end))] for s in spans]
    assert back == [
        "Ükımet jaña joldar men mektepter salu üşın 40 mlrd teñge böludı josparlap otyr.",
        "Ministr bağdarlamanyñ 2030 jylğa deiın oryndaluyn sūrady.",
    ]


def test_cyrillic_to_latin_and_back_is_the_same_text() -> None:
    cyrillic = "Қазақстан Үкіметі жаңа бағдарламаны бекітті, ол 2030 жылға дейін жүзеге асады."
    latin = to_latin(cyrillic)
    assert latin.startswith("Qazaqstan Ükımetı jaña bağdarlamany")
    assert to_cyrillic(latin).cyrillic == cyrillic


def test_kazakh_letters_mark_kazakh_words_not_english_or_turkish_ones() -> None:
    assert marker_share(LATIN_2021) > 0.2
    assert marker_share("The queen of Qatar met the ministers on Tuesday.") == pytest.approx(1 / 9)
    assert marker_share("Cumhurbaşkanı salı günü yabancı yatırımcılarla görüştü.") == 0.0
