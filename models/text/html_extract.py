"""The main text of a news page, by trafilatura (it drops navigation, ads, related links,
share buttons, captions and footers, and is maintained and benchmarked on news pages)."""

from __future__ import annotations

from dataclasses import dataclass

import trafilatura

from models.errors import NoArticleText


@dataclass(frozen=True)
class ExtractedArticle:
    """The article's text (one paragraph a line) and its title, where the page has one."""

    text: str
    title: str | None


def extract_article(page: str, *, param: str = "text") -> ExtractedArticle:
    """The main text of the HTML ``page``. Raises ``NoArticleText`` when there is none."""
    doc = trafilatura.bare_extraction(
        page,
        include_comments=False,
        include_tables=False,
        include_images=False,
        favor_precision=True,
        # Without the fallback extractors (readability, jusText): on a page with no article
        # they return its menu ("Home") rather than nothing.
        fast=True,
        with_metadata=True,
    )
    text = (getattr(doc, "text", None) or "").strip()
    if not text:
        raise NoArticleText(param=param)
    title = getattr(doc, "title", None)
    return ExtractedArticle(
        text, title.strip() if isinstance(title, str) and title.strip() else None
    )
