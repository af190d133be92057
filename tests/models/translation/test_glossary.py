"""Glossary enforcement: placeholder masking for seq2seq models, prompt and check for the LLM."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from helpers import translation_spec

from models.langdetect import LanguageDetector
from models.manifest import ModelSpec
from models.translation import TranslationService
from models.translation.glossary import Glossary, GlossaryMiss, check_terms, mask, restore
from models.translation.prompted import has_markers, system_prompt
from models.translation.types import Translation


@pytest.fixture(scope="module")
def detector() -> LanguageDetector:
    return LanguageDetector()


@dataclass
class _Lowercasing:
    """A seq2seq stand-in whose "translation" is the input lower-cased (deterministic, and it
    mangles the placeholders' case, as real models sometimes do)."""

    spec: ModelSpec = field(default_factory=lambda: translation_spec("marian"))
    backend: str = "fake"
    drop_placeholders: bool = False
    seen: list[str] = field(default_factory=list)

    @property
    def dtype(self) -> str:
        return "none"

    def count_tokens(self, text: str) -> int:
        return len(text.split())

    def translate_batch(
        self, texts: list[str], *, source_lang: str, target_lang: str
    ) -> list[Translation]:
        del source_lang, target_lang
        self.seen += texts
        out = [t.lower() for t in texts]
        if self.drop_placeholders:
            out = [o.replace("[t1]", "") for o in out]
        return [Translation(o, complete=True) for o in out]


@dataclass
class _Prompted:
    """An LLM-translator stand-in: records the terms it was given; answers with the text, but
    "Astana" upper-cased (a term in the wrong form) and, if told to, without placeholders."""

    spec: ModelSpec = field(default_factory=lambda: translation_spec("llm"))
    backend: str = "fake"
    mixed_pairs: bool = True
    takes_terms: bool = True
    drop_placeholders: bool = False
    terms: list[object] = field(default_factory=list)

    @property
    def dtype(self) -> str:
        return "none"

    def count_tokens(self, text: str) -> int:
        return len(text.split())

    def translate_batch(
        self, texts: list[str], *, source_lang: str, target_lang: str
    ) -> list[Translation]:
        del texts, source_lang, target_lang
        raise AssertionError("a mixed-pairs translator is called through translate_mixed")

    def translate_mixed(
        self, items: list[tuple[str, str, str]], *, terms: list[object] | None = None
    ) -> list[Translation]:
        self.terms += terms or []
        out = [text.replace("Astana", "ASTANA") for text, _, _ in items]
        if self.drop_placeholders:
            out = [o.replace("[T1]", "it") for o in out]
        return [Translation(o, complete=True) for o in out]


def test_terms_match_whole_words_longest_first() -> None:
    glossary = Glossary.build({"Kazakh": "казахский", "Kazakh side": "казахская сторона"})
    assert glossary.terms_in("The Kazakh side agreed.") == (
        ("Kazakh side", "казахская сторона"),
        ("Kazakh", "казахский"),
    )
    assert glossary.terms_in("Kazakhstan grew.") == ()
    assert Glossary.build({"哈萨克斯坦": "Kazakhstan"}).terms_in("哈萨克斯坦和中国") == (
        ("哈萨克斯坦", "Kazakhstan"),
    )


def test_mask_and_restore_every_occurrence() -> None:
    terms = Glossary.build({"Tokayev": "Токаев"}, ["KAZINFORM"]).terms_in(
        "Tokayev met Tokayev's aides, KAZINFORM says."
    )
    masked = mask("Tokayev met Tokayev's aides, KAZINFORM says.", terms)
    assert masked.text == "[T1] met [T2]'s aides, [T3] says."
    text, missing = restore("[t1] встретил помощников [ T2 ], сообщает ［T3］.", masked)
    assert text == "Токаев встретил помощников Токаев, сообщает KAZINFORM."
    assert missing == []
    text, missing = restore("встретил [T2] [T2] и [T9].", masked)
    assert text == "встретил Токаев и [T9]."
    assert missing == ["Tokayev", "KAZINFORM"]


def test_check_terms_puts_in_an_untranslated_term_and_reports_a_missing_one() -> None:
    terms = (("Astana", "Астана"), ("Kazinform", "Казинформ"))
    assert check_terms("В Астана прошла встреча.", terms) == (
        "В Астана прошла встреча.",
        ["Kazinform"],
    )
    assert check_terms("В Astana, Kazinform.", terms) == ("В Астана, Казинформ.", [])


def test_system_prompt_lists_the_terms() -> None:
    prompt = system_prompt("en", "ru", (("Astana", "Астана"), ("KAZINFORM", "KAZINFORM")))
    assert prompt.startswith("You are a professional news translator.")
    assert "from English into Russian" in prompt
    assert prompt.endswith("- Astana => Астана\n- KAZINFORM => KAZINFORM")
    assert "=>" not in system_prompt("en", "ru")


def test_seq2seq_path_masks_and_restores_exactly(detector: LanguageDetector) -> None:
    fake = _Lowercasing()
    service = TranslationService([fake], detector)
    glossary = Glossary.build({"Kairat Abdrakhmanov": "Қайрат Әбдірахманов"}, ["KAZINFORM"])
    result = service.translate(
        ["KAZINFORM: Kairat Abdrakhmanov met the Ambassador."],
        target_lang="ru",
        source_lang="en",
        glossary=glossary,
    )
    assert fake.seen == ["[T1]: [T2] met the Ambassador."]
    assert result.translations == ("KAZINFORM: Қайрат Әбдірахманов met the ambassador.",)
    assert result.glossary_misses == ()


def test_seq2seq_path_reports_a_dropped_placeholder(detector: LanguageDetector) -> None:
    service = TranslationService([_Lowercasing(drop_placeholders=True)], detector)
    result = service.translate(
        ["Short text.", "Astana hosted talks."],
        target_lang="ru",
        source_lang="en",
        glossary=Glossary.build({"Astana": "Астана"}),
    )
    assert result.translations == ("short text.", "hosted talks.")
    assert result.glossary_misses == (GlossaryMiss(1, "Astana hosted talks.", "Astana"),)


def test_the_model_reads_no_soft_hyphens(detector: LanguageDetector) -> None:
    fake = _Lowercasing()
    service = TranslationService([fake], detector)
    result = service.translate(
        ["Astana hosted the nego\u00adtiations\u200b."], target_lang="ru", source_lang="en"
    )
    assert fake.seen == ["Astana hosted the negotiations."]
    assert result.translations == ("astana hosted the negotiations.",)


def test_a_stored_glossary_applies_only_to_its_source_language(detector: LanguageDetector) -> None:
    fake = _Lowercasing()
    service = TranslationService([fake], detector)
    glossary = Glossary.build({"Astana": "Астана"}, source_lang="kk")
    result = service.translate(
        ["Astana hosted talks."], target_lang="ru", source_lang="en", glossary=glossary
    )
    assert fake.seen == ["Astana hosted talks."]
    assert result.translations == ("astana hosted talks.",)


def test_llm_path_gets_the_terms_and_its_output_is_checked(detector: LanguageDetector) -> None:
    fake = _Prompted()
    service = TranslationService([fake], detector)
    result = service.translate(
        ["Astana hosted talks.", "Kazinform reports."],
        target_lang="ru",
        source_lang="en",
        glossary=Glossary.build({"Astana": "Астана", "Kazinform": "Казинформ"}),
    )
    # "Kazinform" came back untranslated, so the target term is put in its place; "Astana"
    # came back as "ASTANA", a miss, so that segment went again with "[T1]" in its place,
    # which the model kept and which is restored as the target term.
    assert result.translations == ("Астана hosted talks.", "Казинформ reports.")
    assert result.glossary_misses == ()
    # The batcher sorts rows by length, so the order of the calls is not the input's.
    assert sorted(fake.terms[:2]) == [(("Astana", "Астана"),), (("Kazinform", "Казинформ"),)]
    assert fake.terms[2:] == [(("[T1]", "[T1]"),)]


def test_llm_path_reports_a_term_the_retry_misses_too(detector: LanguageDetector) -> None:
    service = TranslationService([_Prompted(drop_placeholders=True)], detector)
    result = service.translate(
        ["Astana hosted talks."],
        target_lang="ru",
        source_lang="en",
        glossary=Glossary.build({"Astana": "Астана"}),
    )
    assert result.translations == ("ASTANA hosted talks.",)  # the first answer is kept
    assert result.glossary_misses == (GlossaryMiss(0, "Astana hosted talks.", "Astana"),)


def test_system_prompt_asks_to_keep_markers_only_for_marked_text() -> None:
    prompt = system_prompt("en", "kk", (("Astana", "Астана"),), markup=has_markers("<g1>x</g1>"))
    lines = prompt.splitlines()
    assert lines[1].startswith("The text holds markers such as <g1>, </g1> and <g2/>")
    assert lines[-1] == "- Astana => Астана"
    assert not has_markers("a < b and g1 > 0")
    assert "markers" not in system_prompt("en", "kk")
