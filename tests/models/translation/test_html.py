"""HTML in, HTML out: byte-exact round trip of what is not translated, markers restored."""

from __future__ import annotations

import re

import pytest
from helpers import FIXTURES

from models.langdetect import LanguageDetector
from models.translation import TranslationService
from models.translation.glossary import Glossary
from models.translation.html import HtmlDocument, translate_html
from tests.models.translation.test_glossary import _Lowercasing

PAGE = """<!DOCTYPE html>
<html lang="en"><head><title>Talks</title><style>p{color:red}</style></head>
<body>
  <p class='lead'>Kazakhstan and <a href="/china" title="China">China</a>
discussed&nbsp;trade &amp; visas.</p>
  <ul><li>One <b>bold <i>move</i></b></li><li>  </li></ul>
  <!-- a comment --><script>var x = "<p>not text</p>";</script>
  <p>Line<br>break &copy; 2018</p>
</body></html>"""


def _upper(marked: str) -> str:
    return marked.upper().replace("<G", "<g").replace("</G", "</g")


def test_blocks_carry_inline_tags_as_markers() -> None:
    doc = HtmlDocument.parse(PAGE)
    assert [b.marked for b in doc.blocks] == [
        "Talks",
        "Kazakhstan and <g1>China</g1>\ndiscussed\xa0trade & visas.",
        "One <g1>bold <g2>move</g2></g1>",
        "Line<g1/>break © 2018",
    ]


def test_identity_translation_gives_the_source_back_byte_for_byte() -> None:
    doc = HtmlDocument.parse(PAGE)
    html, notes = doc.render([b.marked for b in doc.blocks])
    assert html == PAGE
    assert notes == []


def test_translated_text_keeps_tags_attributes_entities_and_whitespace() -> None:
    doc = HtmlDocument.parse(PAGE)
    html, notes = doc.render([_upper(b.marked) for b in doc.blocks])
    assert notes == []
    assert html == (
        PAGE.replace("Talks", "TALKS")
        .replace("Kazakhstan and <a", "KAZAKHSTAN AND <a")
        .replace(
            ">China</a>\ndiscussed&nbsp;trade &amp; visas.",
            ">CHINA</a>\nDISCUSSED&nbsp;TRADE &amp; VISAS.",
        )
        .replace("One <b>bold <i>move</i></b>", "ONE <b>BOLD <i>MOVE</i></b>")
        .replace("Line<br>break", "LINE<br>BREAK")
    )


def test_moved_markers_stay_on_their_words() -> None:
    doc = HtmlDocument.parse('<p>Talks with <a href="/cn">China</a> went well.</p>')
    html, notes = doc.render(["С <g1>Китаем</g1> переговоры прошли хорошо."])
    assert html == '<p>С <a href="/cn">Китаем</a> переговоры прошли хорошо.</p>'
    assert notes == []


def test_model_markup_is_sanitised_and_lost_markers_are_reported() -> None:
    doc = HtmlDocument.parse('<p>Talks with <a href="/cn">China</a>.</p>')
    html, notes = doc.render(['<script>alert(1)</script><img src=x onerror="alert(2)"> Китай.'])
    assert (
        html
        == '<p>&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror="alert(2)"&gt; Китай.</p>'
    )
    assert notes == ["inline tag <a> could not be placed; its words are kept"]


def test_a_closing_marker_lost_is_closed_at_the_block_end() -> None:
    doc = HtmlDocument.parse("<p>One <b>bold</b> word.</p>")
    html, notes = doc.render(["Одно <g1>жирное слово."])
    assert html == "<p>Одно <b>жирное слово.</b></p>"
    assert notes == []


def test_a_marker_with_an_attribute_added_is_text_not_markup() -> None:
    # Only a bare marker stands for a tag, and only the source tag's own text is written for
    # it, so the model cannot add an attribute or a link of its own.
    doc = HtmlDocument.parse('<p><a href="/a">A</a></p>')
    html, notes = doc.render(['<g1 onclick="x()">A</g1><a href="javascript:alert(1)">B</a>'])
    assert html == (
        '<p>&lt;g1 onclick="x()"&gt;A&lt;a href="javascript:alert(1)"&gt;B&lt;/a&gt;</p>'
    )
    assert notes == ["inline tag <a> could not be placed; its words are kept"]


@pytest.fixture(scope="module")
def service() -> TranslationService:
    return TranslationService([_Lowercasing()], LanguageDetector())


def test_translate_html_detects_once_per_document_and_applies_the_glossary(
    service: TranslationService,
) -> None:
    result = translate_html(
        service,
        ['<p>Kazakhstan and <a href="/cn">China</a> discussed trade in Astana.</p>', "<hr>"],
        target_lang="ru",
        glossary=Glossary.build({"Astana": "Астана"}),
    )
    assert result.translations == (
        '<p>kazakhstan and <a href="/cn">china</a> discussed trade in Астана.</p>',
        "<hr>",
    )
    assert [d.lang for d in result.source_langs] == ["en", "ru"]
    assert result.glossary_misses == ()
    assert "text[1] has no text to translate; returned unchanged" in result.notes
    assert len(result.quality) == 2


def test_a_whole_news_page_round_trips_and_only_its_text_changes() -> None:
    page = (FIXTURES / "seed_news_page.html").read_text("utf-8")
    doc = HtmlDocument.parse(page)
    assert doc.render([b.marked for b in doc.blocks]) == (page, [])
    html, notes = doc.render([_upper(b.marked) for b in doc.blocks])
    assert notes == []
    # Every tag, in order, with its attributes: the scripts, the ad, the menu, the footer.
    assert re.findall(r"<[^>]+>", html) == re.findall(r"<[^>]+>", page)
    assert "FOREIGN MINISTER KAIRAT ABDRAKHMANOV HELD A MEETING" in html
    assert "&copy; 1997-2018 KAZINFORM" in html
    assert "window.dataLayer = window.dataLayer" in html  # scripts are not text
