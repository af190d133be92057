"""POST /summarize with an HTML news page (text_format html): the main text is extracted and
every offset refers to it.

The page, tests/fixtures/seed_news_page.html, is the seed article (Kazinform, 2018-11-13,
the article the service was specified from; tests/fixtures/seed_article.txt) wrapped in a
typical news-site page: cookie banner, menu, search, ticker, breadcrumbs, share links, lead
photo with caption, an ad and a "read also" link inside the body, tags, related and most-read
lists, newsletter form and footer. The page layout is ours; the article text is the seed's.
"""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from helpers import FIXTURES, SEED, assert_error

from models.text.html_extract import extract_article

PAGE = (FIXTURES / "seed_news_page.html").read_text("utf-8")
PARAGRAPHS = [p.strip() for p in SEED.splitlines() if p.strip()]
BOILERPLATE = [
    "cookies", "Politics", "Search the site", "Breaking", "Home /", "Share on Facebook",
    "Photo: MFA", "Advertisement", "deposit rates", "Read also", "Abdrakhmanov to visit",
    "Tags:", "Related news", "Barys", "Most read", "newsletter", "All rights reserved",
]  # fmt: skip


def test_the_extractor_keeps_the_article_and_drops_the_page() -> None:
    article = extract_article(PAGE)
    assert article.text == "\n".join(PARAGRAPHS)
    assert article.title == "Kazakh FM meets new Chinese Ambassador"
    assert [b for b in BOILERPLATE if b in article.text] == []


def _spans(body: dict[str, Any]) -> list[dict[str, Any]]:
    spans = [e for point in body["key_points"] for e in point["evidence"]]
    spans += body["figures"]
    return spans + ([body["dateline"]] if body["dateline"] else [])


def test_summary_of_a_news_page_points_into_the_extracted_text(client: TestClient) -> None:
    r = client.post(
        "/summarize", json={"text": PAGE, "text_format": "html", "engine": "extractive"}
    )
    assert r.status_code == 200, r.text
    body = r.json()
    article = body["article_text"]
    assert article == "\n".join(PARAGRAPHS)
    spans = _spans(body)
    assert len(spans) >= 5 and body["key_points"] and body["figures"]
    for span in spans:
        assert article[span["start"] : span["end"]] == span["text"], span
    assert body["dateline"]["text"] == "date 2018-11-13 ASTANA. KAZINFORM"
    assert body["dateline"]["start"] == 0  # the page's text starts at the dateline
    assert any(f["text"] == "$27 billion" for f in body["figures"])


def test_plain_text_has_no_article_text(client: TestClient) -> None:
    r = client.post("/summarize", json={"text": SEED, "engine": "extractive"})
    assert r.status_code == 200, r.text
    assert r.json()["article_text"] is None


def test_a_page_without_an_article_is_422(client: TestClient) -> None:
    page = "<html><body><nav><a href='/'>Home</a></nav><footer>(c) 2018</footer></body></html>"
    r = client.post("/summarize", json={"text": page, "text_format": "html"})
    assert_error(r, 422, "no_article_text", param="text")
